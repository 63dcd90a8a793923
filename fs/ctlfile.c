/* SPDX-License-Identifier: MIT */
/*
 * ctlfile.c - the control-file stream protocol (interface.md "Control
 * files"): lines in, reply lines out, per open file.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "ctlfile.h"

struct ctlfile *ctlfile_new(struct machine *m, int pid)
{
	struct ctlfile *cf = calloc(1, sizeof(*cf));

	if (!cf)
		return NULL;
	pthread_mutex_init(&cf->lock, NULL);
	cf->m = m;
	cf->pid = pid;
	rbuf_init(&cf->line);
	rbuf_init(&cf->replies);
	return cf;
}

void ctlfile_free(struct ctlfile *cf)
{
	if (!cf)
		return;
	rbuf_free(&cf->line);
	rbuf_free(&cf->replies);
	pthread_mutex_destroy(&cf->lock);
	free(cf);
}

/*
 * Keep the queue under CTLFILE_REPLY_MAX by dropping the oldest whole lines,
 * and reclaim the consumed prefix once it dominates the buffer.
 * Caller holds cf->lock.
 */
static void replies_trim(struct ctlfile *cf)
{
	struct rbuf *r = &cf->replies;

	if (!r->buf)
		return;
	while (r->len - cf->head > CTLFILE_REPLY_MAX) {
		char *nl = memchr(r->buf + cf->head, '\n', r->len - cf->head);

		cf->head = nl ? (size_t)(nl - r->buf) + 1 : r->len;
	}
	if (cf->head == r->len) {
		rbuf_reset(r);
		cf->head = 0;
	} else if (cf->head > r->len / 2 && cf->head > 4096) {
		memmove(r->buf, r->buf + cf->head, r->len - cf->head);
		r->len -= cf->head;
		cf->head = 0;
	}
}

/* Run one complete line; returns 0 or its -errno. Caller holds cf->lock. */
static int run_line(struct ctlfile *cf, const char *line, size_t len)
{
	int err = ctl_run(cf->m, cf->pid, line, len, &cf->replies);

	replies_trim(cf);
	return err < 0 ? err : 0;
}

/* The pending line overflowed: answer once, as a failed command would. */
static int line_overflow(struct ctlfile *cf)
{
	rbuf_printf(&cf->replies, "error EINVAL: line longer than %u bytes\n",
		    CTLFILE_LINE_MAX);
	replies_trim(cf);
	rbuf_reset(&cf->line);
	cf->line_too_long = 1;
	return -EINVAL;
}

/*
 * Feed bytes [p, p+n) that contain no newline to the pending line.
 * Returns 0 or -EINVAL when this pushes the line over the cap.
 */
static int line_append(struct ctlfile *cf, const char *p, size_t n)
{
	if (cf->line_too_long)
		return 0;
	if (cf->line.len + n > CTLFILE_LINE_MAX)
		return line_overflow(cf);
	rbuf_put(&cf->line, p, n);
	return 0;
}

/* A newline arrived: run the pending line (or forget an overflowed one). */
static int line_end(struct ctlfile *cf)
{
	int err = 0;

	if (!cf->line_too_long)
		err = run_line(cf, cf->line.buf ? cf->line.buf : "", cf->line.len);
	cf->line_too_long = 0;
	rbuf_reset(&cf->line);
	return err;
}

ssize_t ctlfile_write(struct ctlfile *cf, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	int first_err = 0, err;

	pthread_mutex_lock(&cf->lock);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);

		err = line_append(cf, p, n);
		if (err && !first_err)
			first_err = err;
		if (!nl)
			break;
		err = line_end(cf);
		if (err && !first_err)
			first_err = err;
		p = nl + 1;
	}
	pthread_mutex_unlock(&cf->lock);
	return first_err ? first_err : (ssize_t)len;
}

int ctlfile_flush(struct ctlfile *cf)
{
	int err = 0;

	pthread_mutex_lock(&cf->lock);
	if (cf->line.len || cf->line_too_long)
		err = line_end(cf);
	pthread_mutex_unlock(&cf->lock);
	return err;
}

size_t ctlfile_read(struct ctlfile *cf, char *out, size_t size)
{
	size_t n;

	pthread_mutex_lock(&cf->lock);
	n = cf->replies.len - cf->head;
	if (n > size)
		n = size;
	if (n) {
		memcpy(out, cf->replies.buf + cf->head, n);
		cf->head += n;
		replies_trim(cf);
	}
	pthread_mutex_unlock(&cf->lock);
	return n;
}
