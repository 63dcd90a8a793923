// SPDX-License-Identifier: MIT
/*
 * jrec.c - the journal's record framing and field codec (see jrec.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jrec.h"

/* ---- CRC-32C (Castagnoli), reflected, one table ---- */

static uint32_t crc_table[256];

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0x82f63b78u & (0u - (c & 1)));
		crc_table[i] = c;
	}
}

#if defined(__x86_64__)
/* SSE 4.2 has CRC-32C in hardware: 8 bytes an instruction. */
__attribute__((target("sse4.2")))
static uint32_t crc32c_hw(uint32_t crc, const uint8_t *p, size_t n)
{
	uint64_t c = crc;

	for (; n >= 8; n -= 8, p += 8) {
		uint64_t w;

		memcpy(&w, p, 8);
		c = __builtin_ia32_crc32di(c, w);
	}
	crc = (uint32_t)c;
	while (n--)
		crc = __builtin_ia32_crc32qi(crc, *p++);
	return crc;
}
#endif

uint32_t crc32c(uint32_t crc, const void *buf, size_t n)
{
	static int ready, hw;
	const uint8_t *p = buf;

	if (!__atomic_load_n(&ready, __ATOMIC_ACQUIRE)) {
		crc_init();	/* idempotent: racing threads write the same table */
#if defined(__x86_64__)
		hw = __builtin_cpu_supports("sse4.2");
#endif
		__atomic_store_n(&ready, 1, __ATOMIC_RELEASE);
	}
	crc = ~crc;
#if defined(__x86_64__)
	if (hw)
		return ~crc32c_hw(crc, p, n);
#endif
	while (n--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* ---- encoding ---- */

void jb_init(struct jbuf *b)
{
	memset(b, 0, sizeof(*b));
}

void jb_free(struct jbuf *b)
{
	free(b->p);
	jb_init(b);
}

static void jb_room(struct jbuf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 256;
	uint8_t *p;

	if (b->len + n <= b->cap)
		return;
	while (cap < b->len + n)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p) {
		fputs("mmfs: out of memory encoding a journal record\n", stderr);
		abort();
	}
	b->p = p;
	b->cap = cap;
}

void jb_u8(struct jbuf *b, uint8_t v)
{
	jb_room(b, 1);
	b->p[b->len++] = v;
}

void jb_varint(struct jbuf *b, uint64_t v)
{
	jb_room(b, 10);
	do {
		uint8_t byte = v & 0x7f;

		v >>= 7;
		b->p[b->len++] = byte | (v ? 0x80 : 0);
	} while (v);
}

void jb_svarint(struct jbuf *b, int64_t v)
{
	jb_varint(b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

void jb_bytes(struct jbuf *b, const void *s, size_t n)
{
	if (!s) {
		jb_varint(b, 0);
		return;
	}
	jb_varint(b, (uint64_t)n + 1);
	jb_room(b, n);
	if (n)
		memcpy(b->p + b->len, s, n);
	b->len += n;
}

void jb_raw(struct jbuf *b, const void *s, size_t n)
{
	jb_room(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

void jb_str(struct jbuf *b, const char *s)
{
	jb_bytes(b, s, s ? strlen(s) + 1 : 0);
}

size_t jb_begin(struct jbuf *b)
{
	jb_room(b, 8);
	b->len += 8;
	return b->len;
}

void jb_end(struct jbuf *b, size_t start)
{
	uint64_t len = b->len - start;
	uint32_t crc = crc32c(0, b->p + start, len);

	for (int i = 0; i < 8; i++)
		b->p[start - 8 + i] = (uint8_t)(len >> (8 * i));
	jb_room(b, 4);
	for (int i = 0; i < 4; i++)
		b->p[b->len++] = (uint8_t)(crc >> (8 * i));
}

/* ---- decoding ---- */

uint8_t jc_u8(struct jcur *c)
{
	if (c->p >= c->end) {
		c->err = 1;
		return 0;
	}
	return *c->p++;
}

uint64_t jc_varint(struct jcur *c)
{
	uint64_t v = 0;

	for (int shift = 0; shift < 64; shift += 7) {
		uint8_t byte = jc_u8(c);

		v |= (uint64_t)(byte & 0x7f) << shift;
		if (!(byte & 0x80))
			return v;
	}
	c->err = 1;
	return 0;
}

int64_t jc_svarint(struct jcur *c)
{
	uint64_t v = jc_varint(c);

	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

const void *jc_bytes(struct jcur *c, size_t *n)
{
	uint64_t k = jc_varint(c);
	const void *s = c->p;

	*n = 0;
	if (c->err || !k)
		return NULL;
	if (k - 1 > (uint64_t)(c->end - c->p)) {
		c->err = 1;
		return NULL;
	}
	*n = (size_t)(k - 1);
	c->p += k - 1;
	return s;
}

int jrec_next(const uint8_t *p, const uint8_t *end, struct jcur *pl, const uint8_t **next)
{
	uint64_t len = 0;
	uint32_t crc = 0;

	if (p == end)
		return 0;
	if (end - p < 12)
		return -1;
	for (int i = 0; i < 8; i++)
		len |= (uint64_t)p[i] << (8 * i);
	if (len > (uint64_t)(end - p) - 12)
		return -1;
	for (int i = 0; i < 4; i++)
		crc |= (uint32_t)p[8 + len + (size_t)i] << (8 * i);
	if (crc != crc32c(0, p + 8, len))
		return -1;
	pl->p = p + 8;
	pl->end = p + 8 + len;
	pl->err = 0;
	*next = p + 12 + len;
	return 1;
}
