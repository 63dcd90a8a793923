/* SPDX-License-Identifier: MIT */
/*
 * backing_tmp.h - the default backing directory, removed at unmount when it
 * holds only what mmfs made in it (backing_tmp.c).
 */
#ifndef MMFS_BACKING_TMP_H
#define MMFS_BACKING_TMP_H

struct machine;

/* Remember what the model makes beneath backing= from now on. */
void backing_tmp_track(struct machine *m);

/*
 * Remove dir (the default backing directory) if it holds nothing but what
 * the model made there, untouched: 1. Otherwise keep it and say why on
 * stderr: 0.
 */
int backing_tmp_release(const char *dir);

#endif
