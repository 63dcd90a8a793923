/* SPDX-License-Identifier: MIT */
/*
 * malloc_free.c - _int_free and the per-thread cache.
 *
 * A freed chunk goes, in this order, to the tcache (7 chunks in each of 64
 * sizes, 24..1032 bytes of user data; the entry's key word marks it, and a
 * chunk freed with that mark is looked for in its bin: the double free
 * glibc reports), to a fastbin (up to global_max_fast), or is merged with
 * its free neighbours into the unsorted list or the top. A large merged
 * chunk consolidates the fastbins and may trim the top (systrim).
 */
#include <stdint.h>

#include "malloc_internal.h"

static uint64_t tc_count_addr(struct mctx *c, size_t tc_idx)
{
	return c->thr->tcache + TC_COUNTS + 2 * tc_idx;
}

static uint64_t tc_entry_addr(struct mctx *c, size_t tc_idx)
{
	return c->thr->tcache + TC_ENTRIES + 8 * tc_idx;
}

void tcache_put(struct mctx *c, uint64_t chunk, size_t tc_idx)
{
	uint64_t e = chunk2mem(chunk);

	wr64(c, e + TE_KEY, c->lm->tcache_key);
	wr64(c, e + TE_NEXT, protect_ptr(e + TE_NEXT, rd64(c, tc_entry_addr(c, tc_idx))));
	wr64(c, tc_entry_addr(c, tc_idx), e);
	wr16(c, tc_count_addr(c, tc_idx), rd16(c, tc_count_addr(c, tc_idx)) + 1);
}

uint64_t tcache_get(struct mctx *c, size_t tc_idx)
{
	uint64_t e = rd64(c, tc_entry_addr(c, tc_idx));

	if (misaligned(e))
		malloc_printerr(c, "malloc(): unaligned tcache chunk detected");
	wr64(c, tc_entry_addr(c, tc_idx), protect_ptr(e + TE_NEXT, rd64(c, e + TE_NEXT)));
	wr16(c, tc_count_addr(c, tc_idx), rd16(c, tc_count_addr(c, tc_idx)) - 1);
	wr64(c, e + TE_KEY, 0);
	return e;
}

/* The tcache path of _int_free: 1 when p went into the cache. */
static int free_to_tcache(struct mctx *c, uint64_t p, uint64_t size)
{
	struct libc_malloc *lm = c->lm;
	size_t tc_idx = csize2tidx(size);
	uint64_t e = chunk2mem(p);

	if (!c->thr->tcache || tc_idx >= lm->mp.tcache_bins)
		return 0;
	if (rd64(c, e + TE_KEY) == lm->tcache_key) {
		uint64_t cnt = 0;

		for (uint64_t tmp = rd64(c, tc_entry_addr(c, tc_idx)); tmp;
		     tmp = protect_ptr(tmp + TE_NEXT, rd64(c, tmp + TE_NEXT)), cnt++) {
			if (cnt >= lm->mp.tcache_count)
				malloc_printerr(c, "free(): too many chunks detected in tcache");
			if (misaligned(tmp))
				malloc_printerr(c, "free(): unaligned chunk detected in tcache 2");
			if (tmp == e)
				malloc_printerr(c, "free(): double free detected in tcache 2");
		}
	}
	if (rd16(c, tc_count_addr(c, tc_idx)) < lm->mp.tcache_count) {
		tcache_put(c, p, tc_idx);
		return 1;
	}
	return 0;
}

static void free_to_fastbin(struct mctx *c, uint64_t av, uint64_t p, uint64_t size, int have_lock)
{
	unsigned idx = fastbin_index(size);
	uint64_t fb = fastbin_addr(av, idx), old, next_sz = size_nomask(c, p + size);

	if (next_sz <= CHUNK_HDR_SZ || (next_sz & ~SIZE_BITS) >= rd64(c, av + AV_SYSTEM_MEM))
		malloc_printerr(c, "free(): invalid next size (fast)");
	wr32(c, av + AV_HAVE_FAST, 1);
	old = rd64(c, fb);
	if (old == p)
		malloc_printerr(c, "double free or corruption (fasttop)");
	set_fd(c, p, protect_ptr(p + CH_FD, old));
	wr64(c, fb, p);
	if (have_lock && old && fastbin_index(chunksize(c, old)) != idx)
		malloc_printerr(c, "invalid fastbin entry (free)");
}

/* Merge p with its free neighbours into the unsorted list or the top. */
static void free_merge(struct mctx *c, uint64_t av, uint64_t p, uint64_t size)
{
	uint64_t next = p + size, nextsize, top = av_top(c, av);

	if (p == top)
		malloc_printerr(c, "double free or corruption (top)");
	if (contiguous(c, av) && next >= top + chunksize(c, top))
		malloc_printerr(c, "double free or corruption (out)");
	if (!prev_inuse(c, next))
		malloc_printerr(c, "double free or corruption (!prev)");
	nextsize = chunksize(c, next);
	if (size_nomask(c, next) <= 2 * SIZE_SZ || nextsize >= rd64(c, av + AV_SYSTEM_MEM))
		malloc_printerr(c, "free(): invalid next size (normal)");
	if (!prev_inuse(c, p)) {
		uint64_t prevsize = prev_size(c, p);

		size += prevsize;
		p -= prevsize;
		if (chunksize(c, p) != prevsize)
			malloc_printerr(c, "corrupted size vs. prev_size while consolidating");
		unlink_chunk(c, av, p);
	}
	if (next != top) {
		uint64_t b, f;

		if (!inuse_bit_at(c, next, nextsize)) {
			unlink_chunk(c, av, next);
			size += nextsize;
		} else {
			clear_inuse_bit_at(c, next, 0);
		}
		b = unsorted_chunks(av);
		f = fd(c, b);
		if (bk(c, f) != b)
			malloc_printerr(c, "free(): corrupted unsorted chunks");
		set_fd(c, p, f);
		set_bk(c, p, b);
		if (!in_smallbin_range(size)) {
			wr64(c, p + CH_FD_NEXTSIZE, 0);
			wr64(c, p + CH_BK_NEXTSIZE, 0);
		}
		set_fd(c, b, p);
		set_bk(c, f, p);
		set_head(c, p, size | PREV_INUSE);
		set_foot(c, p, size);
	} else {
		size += nextsize;
		set_head(c, p, size | PREV_INUSE);
		wr64(c, av + AV_TOP, p);
	}
	if (size >= FASTBIN_CONSOLIDATION_THRESHOLD) {
		if (rd32(c, av + AV_HAVE_FAST))
			malloc_consolidate(c, av);
		if (!is_main_arena(c, av))
			heap_trim(c, heap_for_ptr(av_top(c, av)), c->lm->mp.top_pad);
		else if (chunksize(c, av_top(c, av)) >= c->lm->mp.trim_threshold)
			systrim(c, c->lm->mp.top_pad, av);
	}
}

void int_free(struct mctx *c, uint64_t av, uint64_t p, int have_lock)
{
	uint64_t size = chunksize(c, p);

	if (p > (uint64_t)-size || misaligned(p))
		malloc_printerr(c, "free(): invalid pointer");
	if (size < MINSIZE || (size & MALLOC_ALIGN_MASK))
		malloc_printerr(c, "free(): invalid size");
	if (free_to_tcache(c, p, size))
		return;
	if (size <= c->lm->mp.global_max_fast) {
		free_to_fastbin(c, av, p, size, have_lock);
		return;
	}
	if (!(size_nomask(c, p) & IS_MMAPPED))
		free_merge(c, av, p, size);
	else
		munmap_chunk(c, p);
}
