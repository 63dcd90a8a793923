/* SPDX-License-Identifier: MIT */
/*
 * file_lower.h - lower=DIR, the read-only layer beneath backing=DIR
 * (file_lower.c). Paths here are relative to the merged root, no leading
 * '/'. Everything expects m->lower_fd >= 0 and m->lock held (the copy-up
 * rekeys the inode table).
 */
#ifndef MM_FILE_LOWER_H
#define MM_FILE_LOWER_H

#include <sys/stat.h>

#include "snapshot.h"

struct machine;

enum { LAYER_NONE, LAYER_UPPER, LAYER_LOWER };

struct merged_path {
	char rel[MM_SNAP_PATH_MAX];	/* resolved: every symlink but a kept last one followed */
	int layer;			/* where the last component is (LAYER_NONE: missing) */
	int whiteout;			/* missing because an upper whiteout hides it */
	int missing_last;		/* -ENOENT for the last component only: rel names it */
	int lower_hidden;		/* an opaque upper directory on the way hides the lower */
	int hidden_above;		/* the same, not counting the last component itself */
	char rest[MM_SNAP_PATH_MAX];	/* -ENOENT: what followed rel's missing component ("/a/b") */
	struct stat st;			/* its attributes (not for the root) */
};

/* openat2 of rel beneath root, no symlink followed anywhere: an fd or -errno. */
int layer_open(int root, const char *rel, int flags, mode_t mode);
/* A whiteout: a character device 0:0 in the upper layer (overlayfs' own). */
int is_whiteout(const struct stat *st);
/* lstat of rel in one layer (root: its fd): 0, or -errno. */
int layer_stat(int root, const char *rel, struct stat *st);
/* The opaque marks of an upper directory, the one to set first. */
extern const char *const opaque_xattrs[2];

/*
 * Resolve path over both layers, component by component (follow: also a
 * symlink in the last place). 0, or -ENOENT (w->missing_last when only the
 * last component is missing; w->rel then names it under its resolved
 * parent), -ENOTDIR, -ELOOP, -ENAMETOOLONG.
 */
int merged_walk(struct machine *m, const char *path, int follow, struct merged_path *w);

/*
 * Open rel in the merged tree with host flags. A write (O_WRONLY, O_RDWR,
 * O_TRUNC) to a file only the lower layer has copies it up first when
 * copyup, else fails -EROFS; O_CREAT makes the missing parents in the upper
 * layer. resolved (may be NULL) gets the resolved path. An fd or -errno.
 */
int lower_open(struct machine *m, const char *rel, int flags, mode_t mode, int copyup,
	       char *resolved, size_t rlen);

/* Copy rel (a resolved path of the lower layer) up into backing=DIR. 0 or -errno. */
int lower_copy_up(struct machine *m, const char *rel);
/* Make rel's parent directories exist in the upper layer. 0 or -errno. */
int lower_copy_up_parent(struct machine *m, const char *rel);

#endif
