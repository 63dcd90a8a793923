/* SPDX-License-Identifier: MIT */
/*
 * bench_alloc.c - the alloc group: the buddy allocator's alloc+free rate,
 * in process with the machine's lock held around each chunk (as the model's
 * own callers hold it), against the host's allocators in the same run.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "mm.h"
#include "internal.h"
#include "page_alloc.h"
#include "bench.h"

struct alloc_ctx {
	struct machine *m;
	unsigned order;
	int batch;			/* 0: tight pairs */
	struct page **pages;
	size_t bytes;			/* host baselines */
	void **ptrs;
};

static long step_buddy(void *p)
{
	struct alloc_ctx *c = p;
	long n = c->batch ? c->batch : CHUNK;

	machine_lock(c->m);
	if (!c->batch) {
		for (long i = 0; i < n; i++) {
			struct page *pg = alloc_pages(c->m, GFP_HIGHUSER_MOVABLE, c->order, 0);

			if (!pg)
				goto fail;
			free_pages(c->m, pg, c->order);
		}
	} else {
		for (long i = 0; i < n; i++) {
			c->pages[i] = alloc_pages(c->m, GFP_HIGHUSER_MOVABLE, c->order, 0);
			if (!c->pages[i]) {
				while (i--)
					free_pages(c->m, c->pages[i], c->order);
				goto fail;
			}
		}
		for (long i = 0; i < n; i++)
			free_pages(c->m, c->pages[i], c->order);
	}
	machine_unlock(c->m);
	return n;
fail:
	machine_unlock(c->m);
	return -1;
}

/* The compiler may not elide a malloc whose pointer escapes here. */
static void *volatile sink;

static long step_malloc(void *p)
{
	struct alloc_ctx *c = p;
	long n = c->batch ? c->batch : CHUNK;

	if (!c->batch) {
		for (long i = 0; i < n; i++) {
			sink = malloc(c->bytes);
			free(sink);
		}
		return n;
	}
	for (long i = 0; i < n; i++)
		sink = c->ptrs[i] = malloc(c->bytes);
	for (long i = 0; i < n; i++)
		free(c->ptrs[i]);
	return n;
}

/* mmap+munmap, untouched: the VMA work only, no page is allocated. */
static long step_mmap(void *p)
{
	struct alloc_ctx *c = p;
	long n = c->batch ? c->batch : CHUNK;
	int flags = MAP_PRIVATE | MAP_ANONYMOUS;

	if (!c->batch) {
		for (long i = 0; i < n; i++) {
			void *a = mmap(NULL, c->bytes, PROT_READ | PROT_WRITE, flags, -1, 0);

			if (a == MAP_FAILED)
				return -1;
			munmap(a, c->bytes);
		}
		return n;
	}
	for (long i = 0; i < n; i++) {
		c->ptrs[i] = mmap(NULL, c->bytes, PROT_READ | PROT_WRITE, flags, -1, 0);
		if (c->ptrs[i] == MAP_FAILED)
			return -1;
	}
	for (long i = 0; i < n; i++)
		munmap(c->ptrs[i], c->bytes);
	return n;
}

/* mmap, store one byte (the host allocates and zeroes a page), munmap. */
static long step_mmap_touch(void *p)
{
	struct alloc_ctx *c = p;

	for (long i = 0; i < CHUNK; i++) {
		volatile char *a = mmap(NULL, c->bytes, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (a == MAP_FAILED)
			return -1;
		a[0] = 1;
		munmap((void *)a, c->bytes);
	}
	return CHUNK;
}

static double rate_or_fail(const char *fig, step_fn step, struct alloc_ctx *c)
{
	double r = measure_rate(step, c);

	if (r < 0)
		row_fail("alloc", fig, "allocation failed (order %u, batch %d)", c->order, c->batch);
	return r;
}

static void alloc_figure(struct machine *m, unsigned order, int batch)
{
	static struct page *pages[CHUNK];
	static void *ptrs[CHUNK];
	struct alloc_ctx c = { m, order, batch, pages, 0, ptrs };
	size_t bytes = (size_t)MM_PAGE_SIZE << order;
	char fig[64], base[64];
	double r, b;

	if (batch)
		snprintf(fig, sizeof(fig), "order%u.batch%d", order, batch);
	else
		snprintf(fig, sizeof(fig), "order%u.pair", order);
	r = rate_or_fail(fig, step_buddy, &c);
	if (r < 0)
		return;

	c.bytes = 4096;
	b = measure_rate(step_malloc, &c);
	row("alloc", fig, r, "ops/s", batch ? "host_malloc4k_batch" : "host_malloc4k_free", b);
	c.bytes = bytes;
	snprintf(base, sizeof(base), "host_mmap%s_%s", order ? "2m" : "4k",
		 batch ? "batch" : "munmap");
	b = measure_rate(step_mmap, &c);
	if (b < 0)
		row_fail("alloc", fig, "host mmap failed: %s", strerror(errno));
	else
		row("alloc", fig, r, "ops/s", base, b);
	if (!batch && order == 0) {
		b = measure_rate(step_mmap_touch, &c);
		row("alloc", fig, r, "ops/s", "host_mmap4k_touch_munmap", b);
	}
}

void bench_alloc(void)
{
	struct mm_config cfg = { .ram_bytes = 4 * GiB, .nr_nodes = 1 };
	char why[160] = "";
	struct machine *m = mm_boot(&cfg, why, sizeof(why));

	if (!m) {
		row_fail("alloc", "*", "mm_boot(4G): %s", why);
		return;
	}
	alloc_figure(m, 0, 0);
	alloc_figure(m, 0, 1000);
	alloc_figure(m, 9, 0);
	alloc_figure(m, 9, 100);
	mm_shutdown(m);
}

