/* SPDX-License-Identifier: MIT */
/*
 * ctlfile.c - the control-file stream protocol (interface.md "Control
 * files"): lines in, reply lines out, per open file. The rules for what
 * is never lost are in ctlfile.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "ctlfile.h"
#include "journal.h"

struct ctlfile *ctlfile_new(struct machine *m, int pid, int readable)
{
	struct ctlfile *cf = calloc(1, sizeof(*cf));

	if (!cf)
		return NULL;
	pthread_mutex_init(&cf->lock, NULL);
	cf->m = m;
	cf->pid = pid;
	cf->readable = readable;
	rbuf_init(&cf->line);
	rq_init(&cf->replies);
	return cf;
}

void ctlfile_free(struct ctlfile *cf)
{
	if (!cf)
		return;
	rbuf_free(&cf->line);
	rq_free(&cf->replies);
	pthread_mutex_destroy(&cf->lock);
	free(cf);
}

/* A write-only file has no reader: its replies go nowhere. Caller holds cf->lock. */
static void replies_settle(struct ctlfile *cf)
{
	if (!cf->readable)
		rq_free(&cf->replies);
}

/* Run one complete line; returns 0 or its -errno. Caller holds cf->lock. */
static int run_line(struct ctlfile *cf, const char *line, size_t len)
{
	int err = ctl_run(cf->m, cf->pid, line, len, &cf->replies);

	replies_settle(cf);
	return err < 0 ? err : 0;
}

/*
 * The pending line overflowed with the n bytes at p: answer once, as a
 * failed command would (kmsg shows the line's first bytes).
 */
static int line_overflow(struct ctlfile *cf, const char *p, size_t n)
{
	char msg[64];

	snprintf(msg, sizeof(msg), "line longer than %u bytes", CTLFILE_LINE_MAX);
	if (cf->line.len)
		ctl_reject(cf->m, cf->pid, cf->line.buf, cf->line.len, -EINVAL, msg, &cf->replies);
	else
		ctl_reject(cf->m, cf->pid, p, n, -EINVAL, msg, &cf->replies);
	replies_settle(cf);
	rbuf_reset(&cf->line);
	return -EINVAL;
}

static uint64_t fnv1a(const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (n--)
		h = (h ^ (unsigned char)*p++) * 0x100000001b3ULL;
	return h;
}

/*
 * Run the lines of [buf, buf + len). Returns the bytes consumed (all of
 * them unless the reply queue stopped it) and sets *first_err.
 */
static size_t feed(struct ctlfile *cf, const char *buf, size_t len, int *first_err)
{
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		uint64_t pending = rq_pending(&cf->replies);
		int err;

		if (cf->line.len + n > CTLFILE_LINE_MAX) {
			err = line_overflow(cf, p, n);
			if (!*first_err)
				*first_err = err;
			p = nl ? nl + 1 : end;	/* the rest of this line goes with it */
			continue;
		}
		if (!nl) {
			rbuf_put(&cf->line, p, n);	/* the line waits for its newline */
			return len;
		}
		if (pending >= (*first_err ? CTLFILE_REPLY_HARD_MAX : CTLFILE_REPLY_MAX))
			break;
		rbuf_put(&cf->line, p, n);
		err = run_line(cf, cf->line.buf, cf->line.len);
		rbuf_reset(&cf->line);
		if (err && !*first_err)
			*first_err = err;
		p = nl + 1;
	}
	return (size_t)(p - buf);
}

ssize_t ctlfile_write(struct ctlfile *cf, const char *buf, size_t len,
		      const struct ctl_wsrc *src)
{
	uint64_t hash = src ? fnv1a(buf, len) : 0;
	int first_err = 0, continued;
	ssize_t ret;
	size_t done;

	pthread_mutex_lock(&cf->lock);
	if (src && cf->failed.valid && cf->failed.off == src->off && cf->failed.len == len &&
	    cf->failed.pid == src->pid && cf->failed.hash == hash) {
		ret = cf->failed.err;	/* the kernel's resend of a request that ran */
		goto out;
	}
	cf->failed.valid = 0;
	continued = src && cf->last_pid == src->pid && cf->last_end == src->off && cf->last_full;
	done = feed(cf, buf, len, &first_err);
	if (first_err)
		ret = first_err;
	else if (!done && len)
		ret = -ENOBUFS;
	else
		ret = (ssize_t)done;
	if (first_err && continued) {
		cf->failed.valid = 1;
		cf->failed.err = first_err;
		cf->failed.off = src->off;
		cf->failed.len = len;
		cf->failed.pid = src->pid;
		cf->failed.hash = hash;
	}
	if (src) {
		cf->last_pid = src->pid;
		cf->last_end = src->off + (ret > 0 ? (uint64_t)ret : 0);
		cf->last_full = ret > 0 && (size_t)ret == len && src->max_write > 4096 &&
				len >= src->max_write - 4096;
	}
out:
	journal_flush();	/* every line answered here is in the journal first */
	pthread_mutex_unlock(&cf->lock);
	return ret;
}

int ctlfile_flush(struct ctlfile *cf)
{
	int err = 0;

	pthread_mutex_lock(&cf->lock);
	if (cf->line.len) {
		err = run_line(cf, cf->line.buf, cf->line.len);
		rbuf_reset(&cf->line);
		journal_flush();
	}
	pthread_mutex_unlock(&cf->lock);
	return err;
}

size_t ctlfile_read(struct ctlfile *cf, char *out, size_t size)
{
	size_t n;

	pthread_mutex_lock(&cf->lock);
	n = rq_read(&cf->replies, out, size);
	pthread_mutex_unlock(&cf->lock);
	return n;
}
