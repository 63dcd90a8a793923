/* SPDX-License-Identifier: MIT */
/*
 * ctlfile.h - one open control file: a stream, like a pipe.
 *
 * Writes append bytes to a pending line; every complete line runs through
 * ctl_run() and queues its reply; reads consume queued replies. Offsets mean
 * nothing. Knows no FUSE: fuse_ops.c adapts it.
 */
#ifndef FS_CTLFILE_H
#define FS_CTLFILE_H

#include <pthread.h>
#include <stddef.h>
#include <sys/types.h>

#include "render.h"

struct machine;

#define CTLFILE_LINE_MAX	(64u << 10)	/* longer pending line: EINVAL, dropped */
#define CTLFILE_REPLY_MAX	(4u << 20)	/* queued reply bytes kept; oldest dropped */

struct ctlfile {
	pthread_mutex_t lock;	/* serialises writers and readers of this open file */
	struct machine *m;
	int pid;		/* 0: MOUNT/ctl, else MOUNT/proc/<pid>/ctl */
	struct rbuf line;	/* the unterminated line so far */
	int line_too_long;	/* line overflowed: skip to the next newline */
	struct rbuf replies;	/* queued reply text */
	size_t head;		/* replies consumed: [head, replies.len) is pending */
};

struct ctlfile *ctlfile_new(struct machine *m, int pid);
/* Frees without running the pending line: call ctlfile_flush() first. */
void ctlfile_free(struct ctlfile *cf);

/*
 * Append len bytes; run every line they complete. Returns len when every
 * command completed here succeeded, else the -errno of the first failure.
 */
ssize_t ctlfile_write(struct ctlfile *cf, const char *buf, size_t len);

/* Run the final unterminated line, if any. 0 or its -errno. */
int ctlfile_flush(struct ctlfile *cf);

/* Move up to size pending reply bytes to out, consuming them. 0 = none. */
size_t ctlfile_read(struct ctlfile *cf, char *out, size_t size);

#endif
