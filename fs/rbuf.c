// SPDX-License-Identifier: MIT
/*
 * rbuf.c - the growable text buffer renderers append to.
 *
 * The buffer is always NUL-terminated past len (so tests may compare it as a
 * string), but len never counts the NUL: cmdline puts embedded NULs in it.
 * Out of memory aborts: a renderer has no way to report a partial file.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

#define RBUF_MIN_CAP 256

void rbuf_init(struct rbuf *b)
{
	b->buf = NULL;
	b->len = 0;
	b->cap = 0;
}

void rbuf_free(struct rbuf *b)
{
	free(b->buf);
	rbuf_init(b);
}

void rbuf_reset(struct rbuf *b)
{
	b->len = 0;
	if (b->buf)
		b->buf[0] = '\0';
}

/* Make room for n more bytes plus the terminating NUL. */
static void rbuf_reserve(struct rbuf *b, size_t n)
{
	size_t need = b->len + n + 1;
	size_t cap = b->cap ? b->cap : RBUF_MIN_CAP;
	char *p;

	if (need <= b->cap)
		return;
	while (cap < need)
		cap *= 2;
	p = realloc(b->buf, cap);
	if (!p) {
		fputs("mmfs: out of memory in rbuf\n", stderr);
		abort();
	}
	b->buf = p;
	b->cap = cap;
}

void rbuf_put(struct rbuf *b, const char *s, size_t n)
{
	rbuf_reserve(b, n);
	if (n)
		memcpy(b->buf + b->len, s, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

void rbuf_puts(struct rbuf *b, const char *s)
{
	rbuf_put(b, s, strlen(s));
}

void rbuf_printf(struct rbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	rbuf_reserve(b, 64);
	va_start(ap, fmt);
	n = vsnprintf(b->buf + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	if ((size_t)n >= b->cap - b->len) {
		rbuf_reserve(b, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(b->buf + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}
