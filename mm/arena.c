// SPDX-License-Identifier: MIT
/*
 * arena.c - regions of address space backed by memfds, and the arena
 * allocator the model's objects come from (see arena.h).
 *
 * The arena's own bookkeeping (struct arena) is the first thing in its
 * region, so a checkpoint of the region carries it along. Every object
 * has a 16-byte header (struct khdr) before it:
 *
 *   small  size class of at most 4096 bytes: freed objects go on the
 *          class's free list (linked through the object), reused first;
 *   large  a multiple of 4096 bytes: freed chunks go on a list ordered by
 *          address, merged with free neighbours and with the top;
 *   top    everything past arena->top is untouched: new chunks are cut
 *          from there.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "arena.h"

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/asan_interface.h>
#define POISON(p, n)	ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n)	ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define POISON(p, n)	((void)(p), (void)(n))
#define UNPOISON(p, n)	((void)(p), (void)(n))
#endif

/* ---- regions ---- */

int region_reserve(struct region *r, uint64_t at, uint64_t size, const char *name)
{
	int flags = MAP_SHARED | MAP_NORESERVE | (at ? MAP_FIXED_NOREPLACE : 0);
	void *p;

	r->addr = NULL;
	r->size = size;
	r->fd = memfd_create(name, MFD_CLOEXEC);
	if (r->fd < 0)
		return -errno;
	if (ftruncate(r->fd, (off_t)size)) {
		int err = -errno;

		close(r->fd);
		r->fd = -1;
		return err;
	}
	p = mmap((void *)(uintptr_t)at, size, PROT_READ | PROT_WRITE, flags, r->fd, 0);
	if (p == MAP_FAILED || (at && p != (void *)(uintptr_t)at)) {
		int err = p == MAP_FAILED ? -errno : -EEXIST;

		if (p != MAP_FAILED)
			munmap(p, size);
		close(r->fd);
		r->fd = -1;
		return err;
	}
	r->addr = p;
	return 0;
}

void region_release(struct region *r)
{
	if (r->addr)
		munmap(r->addr, r->size);
	if (r->fd >= 0)
		close(r->fd);
	r->addr = NULL;
	r->fd = -1;
}

/* ---- size classes ---- */

#define NR_CLASSES	32
#define SMALL_MAX	4096
#define HDR		16
#define PAGE		4096ULL
#define LARGE		NR_CLASSES

/* 16..256 by 16, then 4 steps per doubling up to 4096 */
static size_t class_size(unsigned c)
{
	unsigned k;

	if (c < 16)
		return 16 * (c + 1);
	k = c - 16;			/* 0..15: 320 384 448 512 640 ... 4096 */
	return (size_t)(256 << (k / 4)) + (size_t)((k % 4) + 1) * (256u << (k / 4)) / 4;
}

static unsigned class_of(size_t n)
{
	unsigned lo = 0, hi = NR_CLASSES - 1;

	while (lo < hi) {	/* the smallest class that holds n */
		unsigned mid = (lo + hi) / 2;

		if (class_size(mid) >= n)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

struct khdr {
	uint32_t magic;
	uint32_t cls;		/* size class, or LARGE */
	uint64_t size;		/* live: bytes asked for; a free large chunk: its bytes, header included */
};

/* A live large chunk's bytes: large_take splits exactly, so always this. */
static uint64_t large_bytes(uint64_t size)
{
	return (size + HDR + PAGE - 1) & ~(PAGE - 1);
}

#define KMAGIC_LIVE	0x6b6c6976u	/* "vilk" */
#define KMAGIC_FREE	0x6b656572u

struct khdr;

/* The payload of a free large chunk: the next free chunk, by address. */
struct large_free {
	struct khdr *next;
};

struct arena {
	struct region region;		/* this arena's own region (the header is in it) */
	uint64_t top;			/* bytes in use from region.addr */
	uint64_t live, live_bytes;
	void *free_small[NR_CLASSES];	/* payloads, linked through their first word */
	struct khdr *free_large;	/* address order; payload holds the link */
};

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct arena *registry[16];
static __thread struct arena *current;

static void registry_add(struct arena *a)
{
	pthread_mutex_lock(&registry_lock);
	for (size_t i = 0; i < sizeof(registry) / sizeof(registry[0]); i++)
		if (!registry[i]) {
			registry[i] = a;
			break;
		}
	pthread_mutex_unlock(&registry_lock);
}

static void registry_del(struct arena *a)
{
	pthread_mutex_lock(&registry_lock);
	for (size_t i = 0; i < sizeof(registry) / sizeof(registry[0]); i++)
		if (registry[i] == a)
			registry[i] = NULL;
	pthread_mutex_unlock(&registry_lock);
}

static struct arena *arena_of(const void *p)
{
	struct arena *a = NULL;

	if (current && (const uint8_t *)p >= current->region.addr &&
	    (const uint8_t *)p < current->region.addr + current->top)
		return current;
	pthread_mutex_lock(&registry_lock);
	for (size_t i = 0; i < sizeof(registry) / sizeof(registry[0]) && !a; i++)
		if (registry[i] && (const uint8_t *)p >= registry[i]->region.addr &&
		    (const uint8_t *)p < registry[i]->region.addr + registry[i]->top)
			a = registry[i];
	pthread_mutex_unlock(&registry_lock);
	return a;
}

#define ARENA_START	((sizeof(struct arena) + 63) & ~63ULL)

struct arena *arena_create(uint64_t at, uint64_t reserve)
{
	struct region r;
	struct arena *a;

	if (region_reserve(&r, at, reserve, "mmfs-arena"))
		return NULL;
	a = (struct arena *)r.addr;
	memset(a, 0, sizeof(*a));
	a->region = r;
	a->top = ARENA_START;
	registry_add(a);
	return a;
}

struct arena *arena_adopt(const struct region *r)
{
	struct arena *a = (struct arena *)r->addr;

	a->region = *r;
	registry_add(a);
	UNPOISON(r->addr, a->top);	/* whatever the shadow remembers of an earlier mapping */
	/* a fresh mapping is all unpoisoned: poison what is free again */
	for (unsigned c = 0; c < NR_CLASSES; c++)
		for (void *p = a->free_small[c]; p; p = *(void **)p)
			POISON((uint8_t *)p + sizeof(void *), class_size(c) - sizeof(void *));
	for (struct khdr *h = a->free_large; h; h = ((struct large_free *)(h + 1))->next)
		POISON((uint8_t *)(h + 1) + sizeof(struct large_free),
		       h->size - HDR - sizeof(struct large_free));
	return a;
}

void arena_destroy(struct arena *a)
{
	struct region r;

	if (!a)
		return;
	if (current == a)
		current = NULL;
	registry_del(a);
	r = a->region;
	UNPOISON(r.addr, a->top);	/* the next mapping here starts clean */
	region_release(&r);
}

const struct region *arena_region(const struct arena *a)
{
	return &a->region;
}

uint64_t arena_live(const struct arena *a, uint64_t *bytes)
{
	if (bytes)
		*bytes = a->live_bytes;
	return a->live;
}

void arena_set_current(struct arena *a)
{
	current = a;
}

struct arena *arena_current(void)
{
	return current;
}

/* ---- allocation ---- */

/* n bytes from the top, 16-aligned (large chunks: page-aligned); NULL when full. */
static void *cut_top(struct arena *a, uint64_t n, uint64_t align)
{
	uint64_t at = (a->top + align - 1) & ~(align - 1);

	if (at + n > a->region.size || at + n < at)
		return NULL;
	a->top = at + n;
	UNPOISON(a->region.addr + at, n);	/* it may have been a freed chunk's */
	return a->region.addr + at;
}

static struct khdr *large_take(struct arena *a, uint64_t need)
{
	struct khdr **pp = &a->free_large, *h;

	for (; (h = *pp); pp = &((struct large_free *)(h + 1))->next) {
		struct large_free *lf = (struct large_free *)(h + 1);

		UNPOISON(lf, sizeof(*lf));
		if (h->size < need)
			continue;
		if (h->size - need >= PAGE) {	/* split: the rest stays free */
			struct khdr *rest = (struct khdr *)((uint8_t *)h + need);

			UNPOISON(rest, HDR);
			rest->magic = KMAGIC_FREE;
			rest->cls = LARGE;
			rest->size = h->size - need;
			UNPOISON(rest + 1, sizeof(struct large_free));
			((struct large_free *)(rest + 1))->next = lf->next;
			*pp = rest;
			h->size = need;
		} else {
			*pp = lf->next;
		}
		return h;
	}
	return NULL;
}

static void large_put(struct arena *a, struct khdr *h)
{
	struct khdr **pp = &a->free_large, *prev = NULL, *next;
	uint8_t *end;

	while (*pp && *pp < h) {
		prev = *pp;
		pp = &((struct large_free *)(prev + 1))->next;
	}
	next = *pp;
	h->magic = KMAGIC_FREE;
	UNPOISON(h + 1, sizeof(struct large_free));
	((struct large_free *)(h + 1))->next = next;
	*pp = h;
	if (next && (uint8_t *)h + h->size == (uint8_t *)next) {	/* merge with next */
		h->size += next->size;
		((struct large_free *)(h + 1))->next = ((struct large_free *)(next + 1))->next;
	}
	if (prev && (uint8_t *)prev + prev->size == (uint8_t *)h) {	/* merge with prev */
		prev->size += h->size;
		((struct large_free *)(prev + 1))->next = ((struct large_free *)(h + 1))->next;
		h = prev;
	}
	end = (uint8_t *)h + h->size;
	if (end == a->region.addr + a->top) {	/* the last chunk: give it to the top */
		struct khdr **q = &a->free_large;

		while (*q != h)
			q = &((struct large_free *)(*q + 1))->next;
		*q = ((struct large_free *)(h + 1))->next;
		a->top = (uint64_t)((uint8_t *)h - a->region.addr);
		return;
	}
	POISON((uint8_t *)(h + 1) + sizeof(struct large_free),
	       h->size - HDR - sizeof(struct large_free));
}

static void *arena_alloc(struct arena *a, size_t size)
{
	struct khdr *h;
	uint64_t cap;

	if (size <= SMALL_MAX - HDR) {
		unsigned c = class_of(size ? size : 1);
		void *p = a->free_small[c];

		cap = class_size(c);
		if (p) {
			UNPOISON(p, sizeof(void *));
			a->free_small[c] = *(void **)p;
			h = (struct khdr *)p - 1;
		} else {
			h = cut_top(a, cap + HDR, 16);
			if (!h)
				return NULL;
			h->cls = c;
		}
		h->size = size;
	} else {
		uint64_t need = large_bytes(size);

		if (need < size)
			return NULL;
		h = large_take(a, need);
		if (!h) {
			h = cut_top(a, need, PAGE);
			if (!h)
				return NULL;
		}
		h->cls = LARGE;
		h->size = size;
		cap = need - HDR;
	}
	h->magic = KMAGIC_LIVE;
	a->live++;
	a->live_bytes += size;
	UNPOISON(h + 1, size);
	if (cap > size)
		POISON((uint8_t *)(h + 1) + size, cap - size);
	return h + 1;
}

static struct arena *need_current(void)
{
	if (!current) {
		fputs("mmfs: kmalloc outside the machine's lock (no current arena)\n", stderr);
		abort();
	}
	return current;
}

void *kmalloc(size_t size)
{
	return arena_alloc(need_current(), size);
}

/*
 * Give the whole pages of [p, p + n) back to the host: they read as zeros
 * and cost nothing until written again (a punched hole in the memfd).
 */
static void punch(struct arena *a, uint8_t *p, uint64_t n)
{
	uint64_t from = ((uint64_t)(p - a->region.addr) + PAGE - 1) & ~(PAGE - 1);
	uint64_t to = ((uint64_t)(p - a->region.addr) + n) & ~(PAGE - 1);

	if (to > from)
		fallocate(a->region.fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			  (off_t)from, (off_t)(to - from));
}

void *kzalloc(size_t size)
{
	uint8_t *p = kmalloc(size);

	if (!p)
		return NULL;
	if (size >= (64u << 10)) {	/* a big table: sparse zeros, the edges by hand */
		uint8_t *a0 = (uint8_t *)(((uintptr_t)p + PAGE - 1) & ~(PAGE - 1));
		uint8_t *a1 = (uint8_t *)(((uintptr_t)p + size) & ~(PAGE - 1));

		punch(current, p, size);
		memset(p, 0, (size_t)(a0 - p));
		memset(a1, 0, (size_t)(p + size - a1));
		return p;
	}
	memset(p, 0, size);
	return p;
}

void *kcalloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return kzalloc(n * size);
}

static struct khdr *header_of(const void *p, struct arena **ap)
{
	struct khdr *h = (struct khdr *)p - 1;
	struct arena *a = arena_of(p);

	if (!a || h->magic != KMAGIC_LIVE) {
		fprintf(stderr, "mmfs: kfree of %p: %s\n", p,
			!a ? "not in any arena" : h->magic == KMAGIC_FREE ? "freed twice" : "no object");
		abort();
	}
	*ap = a;
	return h;
}

void kfree(void *p)
{
	struct arena *a;
	struct khdr *h;

	if (!p)
		return;
	h = header_of(p, &a);
	a->live--;
	a->live_bytes -= h->size;
	if (h->cls == LARGE) {
		h->size = large_bytes(h->size);
		if (h->size >= (64u << 10))	/* its pages go back to the host */
			punch(a, (uint8_t *)(h + 1) + sizeof(struct large_free), h->size - HDR -
			      sizeof(struct large_free));
		large_put(a, h);
		return;
	}
	h->magic = KMAGIC_FREE;
	UNPOISON(p, sizeof(void *));
	*(void **)p = a->free_small[h->cls];
	a->free_small[h->cls] = p;
	POISON((uint8_t *)p + sizeof(void *), class_size(h->cls) - sizeof(void *));
}

void *krealloc(void *p, size_t size)
{
	struct arena *a;
	struct khdr *h;
	uint64_t cap;
	void *q;

	if (!p)
		return kmalloc(size);
	if (!size) {
		kfree(p);
		return NULL;
	}
	h = header_of(p, &a);
	cap = h->cls == LARGE ? large_bytes(h->size) - HDR : class_size(h->cls);
	if (h->cls != LARGE ? size <= cap
			    : size > SMALL_MAX - HDR && large_bytes(size) == large_bytes(h->size)) {
		a->live_bytes += size - h->size;
		UNPOISON(p, size);
		if (cap > size)
			POISON((uint8_t *)p + size, cap - size);
		h->size = size;
		return p;
	}
	q = arena_alloc(a, size);
	if (!q)
		return NULL;
	memcpy(q, p, h->size < size ? h->size : size);
	kfree(p);
	return q;
}
