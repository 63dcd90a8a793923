/* SPDX-License-Identifier: MIT */
/*
 * ctlfile.h - one open control file: a stream, like a pipe.
 *
 * Writes append bytes to a pending line; every complete line runs through
 * ctl_run() and queues its reply; reads consume queued replies. Offsets mean
 * nothing. Knows no FUSE: fuse_ops.c adapts it.
 *
 * Nothing is lost silently (interface.md, "No reply is ever dropped"):
 *  - every line that runs queues its reply, whole, however large (replyq.h);
 *  - a file opened for reading that holds CTLFILE_REPLY_MAX unread reply
 *    bytes takes no more lines: a write then returns the bytes of the
 *    lines it did run (a short write), or fails with ENOBUFS when it could
 *    run none. The writer reads the replies and writes the rest;
 *  - a write-only file has no reader, so its replies are not kept (errors
 *    still fail the write and reach kmsg);
 *  - a line longer than CTLFILE_LINE_MAX fails (EINVAL, one reply) and is
 *    dropped whole; what the same write holds after its newline runs, and
 *    the next write starts a fresh line.
 */
#ifndef FS_CTLFILE_H
#define FS_CTLFILE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "render.h"
#include "replyq.h"

struct machine;

#define CTLFILE_LINE_MAX	(64u << 10)	/* longer line: EINVAL, dropped */
#define CTLFILE_REPLY_MAX	(4u << 20)	/* unread reply bytes that stop new lines */
/*
 * Once a line of a write has failed, the write cannot end short (the
 * kernel would drop the error): it runs on past CTLFILE_REPLY_MAX, up to
 * this, and then fails with the rest unrun (the replies say how far it got).
 */
#define CTLFILE_REPLY_HARD_MAX	(64u << 20)

/*
 * Where a write request came from. The kernel cuts a large write(2) into
 * requests of at most max_write bytes; when one fails it reports the bytes
 * of the earlier ones as written and the writer (stdio, cat) sends the
 * failed request again. That resend must not run its lines a second time:
 * a failed request that continued the previous one (same pid, contiguous
 * offset, previous one full-sized) is remembered, and an identical resend
 * fails the same way without running.
 */
struct ctl_wsrc {
	uint64_t off;		/* the request's file offset */
	uint32_t pid;		/* the writing process (host pid) */
	size_t max_write;	/* the connection's max_write */
};

struct ctlfile {
	pthread_mutex_t lock;	/* serialises writers and readers of this open file */
	struct machine *m;
	int pid;		/* 0: MOUNT/ctl, else MOUNT/proc/<pid>/ctl */
	int readable;		/* opened for reading: replies are kept */
	struct rbuf line;	/* the unterminated line so far */
	struct replyq replies;	/* queued reply text */
	/* the request that ended last, and the failed one to refuse again */
	uint64_t last_end;	/* offset after the last request that ran */
	uint32_t last_pid;
	int last_full;		/* it was a full-sized request */
	struct {
		int valid, err;
		uint64_t off, hash;
		size_t len;
		uint32_t pid;
	} failed;
};

struct ctlfile *ctlfile_new(struct machine *m, int pid, int readable);
/* Frees without running the pending line: call ctlfile_flush() first. */
void ctlfile_free(struct ctlfile *cf);

/*
 * Append len bytes; run every line they complete. Returns len when every
 * command completed here succeeded, a short count when the reply queue
 * stopped it (see above), -ENOBUFS when it ran nothing for that reason,
 * else the -errno of the first failure. src may be NULL (no resend
 * detection: tests, scripts).
 */
ssize_t ctlfile_write(struct ctlfile *cf, const char *buf, size_t len,
		      const struct ctl_wsrc *src);

/* Run the final unterminated line, if any. 0 or its -errno. */
int ctlfile_flush(struct ctlfile *cf);

/* Move up to size pending reply bytes to out, consuming them. 0 = none. */
size_t ctlfile_read(struct ctlfile *cf, char *out, size_t size);

#endif
