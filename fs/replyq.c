// SPDX-License-Identifier: MIT
/*
 * replyq.c - a control file's pending replies: text segments and
 * run-length segments, consumed from the head.
 *
 * Text is appended to the tail segment while it is a text segment under
 * TEXT_SEG bytes, so a stream of short replies costs one buffer, not a
 * segment each. A run segment expands on read: its cursor is (run, offset
 * into that run), then the suffix.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replyq.h"

#define TEXT_SEG	(64u << 10)	/* a text segment grows to about this */

struct rq_seg {
	struct rq_seg *next;
	/* text: buf[0, len), read up to done */
	char *buf;
	size_t len, cap, done;
	/* runs (when runs != NULL): runs expanded, then buf as suffix */
	struct mm_runs *runs;
	size_t run_i;		/* the run being read */
	uint64_t run_off;	/* items of it already read */
};

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fputs("mmfs: out of memory in the reply queue\n", stderr);
		abort();
	}
	return p;
}

void rq_init(struct replyq *q)
{
	q->head = q->tail = NULL;
	q->pending = 0;
}

static void seg_free(struct rq_seg *s)
{
	if (s->runs) {
		mm_runs_free(s->runs);
		free(s->runs);
	}
	free(s->buf);
	free(s);
}

void rq_free(struct replyq *q)
{
	while (q->head) {
		struct rq_seg *s = q->head;

		q->head = s->next;
		seg_free(s);
	}
	rq_init(q);
}

static struct rq_seg *seg_new(struct replyq *q)
{
	struct rq_seg *s = xrealloc(NULL, sizeof(*s));

	memset(s, 0, sizeof(*s));
	if (q->tail)
		q->tail->next = s;
	else
		q->head = s;
	q->tail = s;
	return s;
}

/* Room for n more bytes in a text segment at the tail. */
static struct rq_seg *text_tail(struct replyq *q, size_t n)
{
	struct rq_seg *s = q->tail;

	if (!s || s->runs || s->len + n > TEXT_SEG)
		s = seg_new(q);
	if (s->len + n > s->cap) {
		size_t cap = s->cap ? s->cap : 256;

		while (cap < s->len + n)
			cap *= 2;
		s->buf = xrealloc(s->buf, cap);
		s->cap = cap;
	}
	return s;
}

void rq_put(struct replyq *q, const char *str, size_t n)
{
	struct rq_seg *s;

	if (!n)
		return;
	s = text_tail(q, n);
	memcpy(s->buf + s->len, str, n);
	s->len += n;
	q->pending += n;
}

void rq_puts(struct replyq *q, const char *str)
{
	rq_put(q, str, strlen(str));
}

void rq_printf(struct replyq *q, const char *fmt, ...)
{
	char small[256], *p = small;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(small)) {
		p = xrealloc(NULL, (size_t)n + 1);
		va_start(ap, fmt);
		vsnprintf(p, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	rq_put(q, p, (size_t)n);
	if (p != small)
		free(p);
}

void rq_put_runs(struct replyq *q, struct mm_runs *runs, const char *suffix)
{
	struct rq_seg *s = seg_new(q);

	s->runs = runs;
	s->len = strlen(suffix);
	s->buf = xrealloc(NULL, s->len);
	memcpy(s->buf, suffix, s->len);
	q->pending += runs->total + s->len;
}

/* Copy up to size bytes of segment s to out; how many. */
static size_t seg_read(struct rq_seg *s, char *out, size_t size)
{
	size_t n = 0;

	if (s->runs) {
		while (n < size && s->run_i < s->runs->nr) {
			const struct mm_run *r = &s->runs->run[s->run_i];
			uint64_t left = r->len - s->run_off;
			size_t k = left < size - n ? (size_t)left : size - n;

			memset(out + n, r->val ? '1' : '0', k);
			n += k;
			s->run_off += k;
			if (s->run_off == r->len) {
				s->run_i++;
				s->run_off = 0;
			}
		}
	}
	if (n < size && s->done < s->len) {
		size_t k = s->len - s->done < size - n ? s->len - s->done : size - n;

		memcpy(out + n, s->buf + s->done, k);
		s->done += k;
		n += k;
	}
	return n;
}

static int seg_empty(const struct rq_seg *s)
{
	return (!s->runs || s->run_i == s->runs->nr) && s->done == s->len;
}

size_t rq_read(struct replyq *q, char *out, size_t size)
{
	size_t n = 0;

	while (n < size && q->head) {
		struct rq_seg *s = q->head;

		n += seg_read(s, out + n, size - n);
		if (!seg_empty(s))
			break;
		q->head = s->next;
		if (!q->head)
			q->tail = NULL;
		seg_free(s);
	}
	q->pending -= n;
	return n;
}

char *rq_take(struct replyq *q, size_t *len)
{
	size_t n = (size_t)q->pending;
	char *p = xrealloc(NULL, n + 1);

	n = rq_read(q, p, n);
	p[n] = '\0';
	if (len)
		*len = n;
	return p;
}
