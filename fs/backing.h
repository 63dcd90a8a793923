/* SPDX-License-Identifier: MIT */
/*
 * backing.h - files/'s namespace operations on backing=DIR, by model path
 * (see backing.c). FUSE-free: live requests and journal replays share it.
 */
#ifndef FS_BACKING_H
#define FS_BACKING_H

#include <sys/types.h>

#include "cmd.h"

/* Use dirfd (dup'd) as backing=DIR; 0 or -errno. */
int backing_init(int dirfd);
void backing_exit(void);
/* backing=DIR's descriptor, or -1 before backing_init. */
int backing_root(void);
/* openat2 of rel beneath backing=DIR (no magic links): an fd or -errno. */
int backing_open(const char *rel, int flags, mode_t mode);

/*
 * Carry out a CT_NS_* command: the journal is told of every path it
 * changes first, the host call is made, and the model hears of unlinks
 * and renames. 0 or -errno (the host's).
 */
long backing_exec(struct machine *m, const struct cmd *c);

#endif
