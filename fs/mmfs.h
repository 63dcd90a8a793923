/* SPDX-License-Identifier: MIT */
/*
 * mmfs.h - the daemon's one global state, shared by main.c, tree.c and
 * fuse_ops.c. Set up by main() before the session starts, read-only after.
 */
#ifndef FS_MMFS_H
#define FS_MMFS_H

#include <sys/types.h>
#include <time.h>

struct machine;

struct mmfs {
	struct machine *m;		/* the model */
	int nr_nodes;			/* NUMA nodes booted */
	uid_t uid;			/* owner of every node: the daemon's */
	gid_t gid;
	time_t mount_time;		/* btime, and every node's timestamps */
	struct timespec mount_mono;	/* CLOCK_MONOTONIC at mount, for uptime */
	const char *backing;		/* backing=DIR, absolute */
	const char *lower;		/* lower=DIR, absolute, or NULL */
	const char *mountpoint;		/* MOUNTPOINT, absolute: where links to files/ point */
};

extern struct mmfs mmfs;

/* The FUSE low-level operations (fuse_ops.c). */
struct fuse_lowlevel_ops;
extern const struct fuse_lowlevel_ops mmfs_ops;

#endif
