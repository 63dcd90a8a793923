// SPDX-License-Identifier: MIT
/*
 * kmsg.c - the kernel log (kernel: kernel/printk).
 *
 * A bounded FIFO of lines, each stamped with the simulated clock when it
 * was added. When the rendered log would exceed KMSG_BUF_BYTES the oldest
 * lines are dropped, as the printk ring buffer overwrites its tail.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "arena.h"

#define KMSG_BUF_BYTES	(1u << 20)
#define KMSG_STAMP_LEN	15		/* "[%5llu.%06llu] " with sec < 100000 */

struct kmsg_rec {
	uint64_t ns;			/* m->sim_ns when logged */
	size_t len;			/* strlen(text) */
	char text[];
};

struct kmsg {
	struct kmsg_rec **ring;		/* cap slots, nr used from head on */
	size_t head, nr, cap;
	size_t bytes;			/* Σ rendered line sizes, stamps included */
};

struct kmsg *kmsg_new(void)
{
	return kzalloc(sizeof(struct kmsg));
}

void kmsg_free(struct kmsg *k)
{
	if (!k)
		return;
	for (size_t i = 0; i < k->nr; i++)
		kfree(k->ring[(k->head + i) % k->cap]);
	kfree(k->ring);
	kfree(k);
}

static size_t rec_bytes(const struct kmsg_rec *r)
{
	return KMSG_STAMP_LEN + r->len + 1;
}

static void kmsg_drop_oldest(struct kmsg *k)
{
	struct kmsg_rec *r = k->ring[k->head];

	k->bytes -= rec_bytes(r);
	kfree(r);
	k->head = (k->head + 1) % k->cap;
	k->nr--;
}

static int kmsg_grow(struct kmsg *k)
{
	size_t cap = k->cap ? 2 * k->cap : 64;
	struct kmsg_rec **ring = kmalloc(cap * sizeof(*ring));

	if (!ring)
		return -ENOMEM;
	for (size_t i = 0; i < k->nr; i++)
		ring[i] = k->ring[(k->head + i) % k->cap];
	kfree(k->ring);
	k->ring = ring;
	k->cap = cap;
	k->head = 0;
	return 0;
}

/* Append one line of len bytes (no newline). Lost silently on ENOMEM. */
static void kmsg_push(struct kmsg *k, uint64_t ns, const char *text, size_t len)
{
	struct kmsg_rec *r;

	if (k->nr == k->cap && kmsg_grow(k))
		return;
	r = kmalloc(sizeof(*r) + len + 1);
	if (!r)
		return;
	r->ns = ns;
	r->len = len;
	memcpy(r->text, text, len);
	r->text[len] = '\0';
	k->ring[(k->head + k->nr) % k->cap] = r;
	k->nr++;
	k->bytes += rec_bytes(r);
	while (k->bytes > KMSG_BUF_BYTES && k->nr > 1)
		kmsg_drop_oldest(k);
}

/* Format and append; embedded newlines start new lines, a trailing one is dropped. */
static void kmsg_vadd(struct machine *m, const char *fmt, va_list ap)
{
	char small[512], *buf = small, *line, *nl;
	va_list aq;
	int n;

	if (!m->kmsg)
		return;
	va_copy(aq, ap);
	n = vsnprintf(small, sizeof(small), fmt, aq);
	va_end(aq);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(small)) {
		buf = malloc((size_t)n + 1);
		if (!buf)
			return;
		vsnprintf(buf, (size_t)n + 1, fmt, ap);
	}
	for (line = buf; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl) {
			kmsg_push(m->kmsg, m->sim_ns, line, strlen(line));
			break;
		}
		kmsg_push(m->kmsg, m->sim_ns, line, (size_t)(nl - line));
	}
	if (buf != small)
		free(buf);
}

void kmsg_add(struct machine *m, const char *fmt, ...)
{
	va_list ap;

	lockdep_assert_held(m);
	va_start(ap, fmt);
	kmsg_vadd(m, fmt, ap);
	va_end(ap);
}

void mm_kmsg(struct machine *m, const char *fmt, ...)
{
	va_list ap;

	machine_lock(m);
	va_start(ap, fmt);
	kmsg_vadd(m, fmt, ap);
	va_end(ap);
	machine_unlock(m);
}

char *mm_kmsg_text(struct machine *m, size_t *len)
{
	struct kmsg *k;
	size_t cap, off = 0;
	char *out;

	machine_lock(m);
	k = m->kmsg;
	/* stamps wider than KMSG_STAMP_LEN only after 27 simulated hours: +32 each */
	cap = (k ? k->bytes + 32 * k->nr : 0) + 1;
	out = malloc(cap);
	if (out) {
		for (size_t i = 0; k && i < k->nr; i++) {
			const struct kmsg_rec *r = k->ring[(k->head + i) % k->cap];

			off += (size_t)snprintf(out + off, cap - off, "[%5llu.%06llu] %s\n",
						(unsigned long long)(r->ns / 1000000000ULL),
						(unsigned long long)(r->ns % 1000000000ULL / 1000),
						r->text);
		}
		out[off] = '\0';
	}
	machine_unlock(m);
	if (len)
		*len = out ? off : 0;
	return out;
}
