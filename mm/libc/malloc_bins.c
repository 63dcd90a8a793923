/* SPDX-License-Identifier: MIT */
/*
 * malloc_bins.c - _int_malloc and the arena's bins: fastbins (LIFO,
 * safe-linked, exact sizes up to global_max_fast), the unsorted list that
 * every freed chunk passes through, 62 small bins of one size each, 63
 * large bins of ranges kept sorted by size with the nextsize skip list,
 * the binmap that finds the next non-empty bin, and the top chunk. Freed
 * fastbin chunks stay "in use" until malloc_consolidate merges them.
 * The order of every step and every check follows glibc 2.36, so the
 * chunk chosen, hence the pointer returned, is glibc's.
 */
#include <stdint.h>

#include "malloc_internal.h"

int checked_request2size(uint64_t req, uint64_t *sz)
{
	if (req > (uint64_t)INT64_MAX)
		return 0;
	*sz = request2size(req);
	return 1;
}

void malloc_init_state(struct mctx *c, uint64_t av)
{
	for (unsigned i = 1; i < NBINS; i++) {
		uint64_t b = bin_at(av, i);

		set_fd(c, b, b);
		set_bk(c, b, b);
	}
	if (!is_main_arena(c, av))
		wr32(c, av + AV_FLAGS, rd32(c, av + AV_FLAGS) | NONCONTIGUOUS_BIT);
	else
		c->lm->mp.global_max_fast = (DEFAULT_MXFAST + SIZE_SZ) & ~MALLOC_ALIGN_MASK;
	wr32(c, av + AV_HAVE_FAST, 0);
	wr64(c, av + AV_TOP, unsorted_chunks(av));
}

void unlink_chunk(struct mctx *c, uint64_t av, uint64_t p)
{
	uint64_t size = chunksize(c, p), f, b;

	(void)av;
	if (size != prev_size(c, p + size))
		malloc_printerr(c, "corrupted size vs. prev_size");
	f = fd(c, p);
	b = bk(c, p);
	if (bk(c, f) != p || fd(c, b) != p)
		malloc_printerr(c, "corrupted double-linked list");
	set_bk(c, f, b);
	set_fd(c, b, f);
	if (!in_smallbin_range(size_nomask(c, p)) && rd64(c, p + CH_FD_NEXTSIZE) != 0) {
		uint64_t fn = rd64(c, p + CH_FD_NEXTSIZE), bn = rd64(c, p + CH_BK_NEXTSIZE);

		if (rd64(c, fn + CH_BK_NEXTSIZE) != p || rd64(c, bn + CH_FD_NEXTSIZE) != p)
			malloc_printerr(c, "corrupted double-linked list (not small)");
		if (rd64(c, f + CH_FD_NEXTSIZE) == 0) {
			if (fn == p) {
				wr64(c, f + CH_FD_NEXTSIZE, f);
				wr64(c, f + CH_BK_NEXTSIZE, f);
			} else {
				wr64(c, f + CH_FD_NEXTSIZE, fn);
				wr64(c, f + CH_BK_NEXTSIZE, bn);
				wr64(c, fn + CH_BK_NEXTSIZE, f);
				wr64(c, bn + CH_FD_NEXTSIZE, f);
			}
		} else {
			wr64(c, fn + CH_BK_NEXTSIZE, bn);
			wr64(c, bn + CH_FD_NEXTSIZE, fn);
		}
	}
}

/* Put p (size, not bordering top) at the front of the unsorted list (consolidation). */
static void to_unsorted_front(struct mctx *c, uint64_t av, uint64_t p, uint64_t size)
{
	uint64_t ub = unsorted_chunks(av), first = fd(c, ub);

	set_fd(c, ub, p);
	set_bk(c, first, p);
	if (!in_smallbin_range(size)) {
		wr64(c, p + CH_FD_NEXTSIZE, 0);
		wr64(c, p + CH_BK_NEXTSIZE, 0);
	}
	set_head(c, p, size | PREV_INUSE);
	set_bk(c, p, ub);
	set_fd(c, p, first);
	set_foot(c, p, size);
}

void malloc_consolidate(struct mctx *c, uint64_t av)
{
	wr32(c, av + AV_HAVE_FAST, 0);
	for (unsigned i = 0; i < NFASTBINS; i++) {
		uint64_t fb = fastbin_addr(av, i), p = rd64(c, fb);

		wr64(c, fb, 0);
		while (p) {
			uint64_t nextp, size, next, nextsize;

			if (misaligned(p))
				malloc_printerr(c, "malloc_consolidate(): unaligned fastbin chunk detected");
			if (fastbin_addr(av, fastbin_index(chunksize(c, p))) != fb)
				malloc_printerr(c, "malloc_consolidate(): invalid chunk size");
			nextp = protect_ptr(p + CH_FD, fd(c, p));
			size = chunksize(c, p);
			next = p + size;
			nextsize = chunksize(c, next);
			if (!prev_inuse(c, p)) {
				uint64_t prevsize = prev_size(c, p);

				size += prevsize;
				p -= prevsize;
				if (chunksize(c, p) != prevsize)
					malloc_printerr(c, "corrupted size vs. prev_size in fastbins");
				unlink_chunk(c, av, p);
			}
			if (next != av_top(c, av)) {
				if (!inuse_bit_at(c, next, nextsize)) {
					size += nextsize;
					unlink_chunk(c, av, next);
				} else {
					clear_inuse_bit_at(c, next, 0);
				}
				to_unsorted_front(c, av, p, size);
			} else {
				size += nextsize;
				set_head(c, p, size | PREV_INUSE);
				wr64(c, av + AV_TOP, p);
			}
			p = nextp;
		}
	}
}

static void mark_bin(struct mctx *c, uint64_t av, unsigned i)
{
	uint64_t a = av + AV_BINMAP + 4ULL * (i >> 5);

	wr32(c, a, rd32(c, a) | (1U << (i & 31)));
}

static uint64_t tcache_count_of(struct mctx *c, size_t tc_idx)
{
	return rd16(c, c->thr->tcache + TC_COUNTS + 2 * tc_idx);
}

/* Split victim (size) at nb: the rest goes to the front of the unsorted list. */
static void split_to_unsorted(struct mctx *c, uint64_t av, uint64_t victim, uint64_t size,
			      uint64_t nb, const char *corrupt, int remember)
{
	uint64_t rsize = size - nb, rem, b, f;

	if (rsize < MINSIZE) {
		set_inuse_bit_at(c, victim, size);
		if (!is_main_arena(c, av))
			set_head(c, victim, size_nomask(c, victim) | NON_MAIN_ARENA);
		return;
	}
	rem = victim + nb;
	b = unsorted_chunks(av);
	f = fd(c, b);
	if (bk(c, f) != b)
		malloc_printerr(c, corrupt);
	set_bk(c, rem, b);
	set_fd(c, rem, f);
	set_fd(c, b, rem);
	set_bk(c, f, rem);
	if (remember)
		wr64(c, av + AV_LAST_REM, rem);
	if (!in_smallbin_range(rsize)) {
		wr64(c, rem + CH_FD_NEXTSIZE, 0);
		wr64(c, rem + CH_BK_NEXTSIZE, 0);
	}
	set_head(c, victim, nb | PREV_INUSE | (is_main_arena(c, av) ? 0 : NON_MAIN_ARENA));
	set_head(c, rem, rsize | PREV_INUSE);
	set_foot(c, rem, rsize);
}

/* Insert victim (size) into its small or large bin. */
static void place_in_bin(struct mctx *c, uint64_t av, uint64_t victim, uint64_t size)
{
	unsigned idx;
	uint64_t b, f;

	if (in_smallbin_range(size)) {
		idx = smallbin_index(size);
		b = bin_at(av, idx);
		f = fd(c, b);
	} else {
		idx = largebin_index(size);
		b = bin_at(av, idx);
		f = fd(c, b);
		if (f != b) {
			size |= PREV_INUSE;
			if (size < size_nomask(c, bk(c, b))) {
				f = b;
				b = bk(c, b);
				wr64(c, victim + CH_FD_NEXTSIZE, fd(c, f));
				wr64(c, victim + CH_BK_NEXTSIZE, rd64(c, fd(c, f) + CH_BK_NEXTSIZE));
				wr64(c, fd(c, f) + CH_BK_NEXTSIZE, victim);
				wr64(c, rd64(c, victim + CH_BK_NEXTSIZE) + CH_FD_NEXTSIZE, victim);
			} else {
				while (size < size_nomask(c, f))
					f = rd64(c, f + CH_FD_NEXTSIZE);
				if (size == size_nomask(c, f)) {
					f = fd(c, f);
				} else {
					uint64_t fbn = rd64(c, f + CH_BK_NEXTSIZE);

					wr64(c, victim + CH_FD_NEXTSIZE, f);
					wr64(c, victim + CH_BK_NEXTSIZE, fbn);
					if (rd64(c, fbn + CH_FD_NEXTSIZE) != f)
						malloc_printerr(c, "malloc(): largebin double linked list corrupted (nextsize)");
					wr64(c, f + CH_BK_NEXTSIZE, victim);
					wr64(c, fbn + CH_FD_NEXTSIZE, victim);
				}
				b = bk(c, f);
				if (fd(c, b) != f)
					malloc_printerr(c, "malloc(): largebin double linked list corrupted (bk)");
			}
		} else {
			wr64(c, victim + CH_FD_NEXTSIZE, victim);
			wr64(c, victim + CH_BK_NEXTSIZE, victim);
		}
	}
	mark_bin(c, av, idx);
	set_bk(c, victim, b);
	set_fd(c, victim, f);
	set_bk(c, f, victim);
	set_fd(c, b, victim);
}

/* The fastbin path; 0 when the bin is empty. */
static uint64_t malloc_fast(struct mctx *c, uint64_t av, uint64_t nb)
{
	unsigned idx = fastbin_index(nb);
	uint64_t fb = fastbin_addr(av, idx), victim = rd64(c, fb);
	size_t tc_idx;

	if (!victim)
		return 0;
	if (misaligned(victim))
		malloc_printerr(c, "malloc(): unaligned fastbin chunk detected 2");
	wr64(c, fb, protect_ptr(victim + CH_FD, fd(c, victim)));
	if (fastbin_index(chunksize(c, victim)) != idx)
		malloc_printerr(c, "malloc(): memory corruption (fast)");
	tc_idx = csize2tidx(nb);
	if (c->thr->tcache && tc_idx < c->lm->mp.tcache_bins) {
		uint64_t tcv;

		while (tcache_count_of(c, tc_idx) < c->lm->mp.tcache_count && (tcv = rd64(c, fb))) {
			if (misaligned(tcv))
				malloc_printerr(c, "malloc(): unaligned fastbin chunk detected 3");
			wr64(c, fb, protect_ptr(tcv + CH_FD, fd(c, tcv)));
			tcache_put(c, tcv, tc_idx);
		}
	}
	return chunk2mem(victim);
}

/* The exact-fit small bin path; 0 when the bin is empty. */
static uint64_t malloc_small(struct mctx *c, uint64_t av, uint64_t nb)
{
	uint64_t bin = bin_at(av, smallbin_index(nb)), victim = bk(c, bin), b;
	uint64_t nma = is_main_arena(c, av) ? 0 : NON_MAIN_ARENA;
	size_t tc_idx;

	if (victim == bin)
		return 0;
	b = bk(c, victim);
	if (fd(c, b) != victim)
		malloc_printerr(c, "malloc(): smallbin double linked list corrupted");
	set_inuse_bit_at(c, victim, nb);
	set_bk(c, bin, b);
	set_fd(c, b, bin);
	if (nma)
		set_head(c, victim, size_nomask(c, victim) | nma);
	tc_idx = csize2tidx(nb);
	if (c->thr->tcache && tc_idx < c->lm->mp.tcache_bins) {
		uint64_t tcv;

		while (tcache_count_of(c, tc_idx) < c->lm->mp.tcache_count &&
		       (tcv = bk(c, bin)) != bin) {
			b = bk(c, tcv);
			set_inuse_bit_at(c, tcv, nb);
			if (nma)
				set_head(c, tcv, size_nomask(c, tcv) | nma);
			set_bk(c, bin, b);
			set_fd(c, b, bin);
			tcache_put(c, tcv, tc_idx);
		}
	}
	return chunk2mem(victim);
}

/* The best fit in nb's own large bin (bins sorted by size); 0 if none. */
static uint64_t malloc_large_own(struct mctx *c, uint64_t av, unsigned idx, uint64_t nb)
{
	uint64_t bin = bin_at(av, idx), victim = fd(c, bin), size;

	if (victim == bin || size_nomask(c, victim) < nb)
		return 0;
	victim = rd64(c, victim + CH_BK_NEXTSIZE);
	while ((size = chunksize(c, victim)) < nb)
		victim = rd64(c, victim + CH_BK_NEXTSIZE);
	if (victim != bk(c, bin) && size_nomask(c, victim) == size_nomask(c, fd(c, victim)))
		victim = fd(c, victim);
	unlink_chunk(c, av, victim);
	split_to_unsorted(c, av, victim, size, nb, "malloc(): corrupted unsorted chunks", 0);
	return chunk2mem(victim);
}

/* The smallest chunk of a bigger bin, through the binmap; 0 if none. */
static uint64_t malloc_binmap(struct mctx *c, uint64_t av, unsigned idx, uint64_t nb)
{
	unsigned block, bit_i;
	uint32_t map, bit;
	uint64_t bin;

	idx++;
	bin = bin_at(av, idx);
	block = idx >> 5;
	map = rd32(c, av + AV_BINMAP + 4ULL * block);
	bit = 1U << (idx & 31);
	bit_i = idx;
	for (;;) {
		uint64_t victim, size;

		if (bit > map || bit == 0) {
			do {
				if (++block >= BINMAPSIZE)
					return 0;
			} while ((map = rd32(c, av + AV_BINMAP + 4ULL * block)) == 0);
			bit_i = block << 5;
			bin = bin_at(av, bit_i);
			bit = 1;
		}
		while ((bit & map) == 0) {
			bin += 16;
			bit <<= 1;
			bit_i++;
		}
		victim = bk(c, bin);
		if (victim == bin) {
			map &= ~bit;
			wr32(c, av + AV_BINMAP + 4ULL * block, map);
			bin += 16;
			bit <<= 1;
			bit_i++;
			continue;
		}
		size = chunksize(c, victim);
		unlink_chunk(c, av, victim);
		split_to_unsorted(c, av, victim, size, nb, "malloc(): corrupted unsorted chunks 2",
				  in_smallbin_range(nb));
		return chunk2mem(victim);
	}
}

uint64_t int_malloc(struct mctx *c, uint64_t av, uint64_t bytes)
{
	struct libc_malloc *lm = c->lm;
	uint64_t nb, mem, nma = is_main_arena(c, av) ? 0 : NON_MAIN_ARENA;
	uint64_t tcache_nb = 0;
	unsigned idx;
	size_t tc_idx;
	int return_cached = 0;

	if (!checked_request2size(bytes, &nb))
		return 0;
	if (av == 0)
		return sysmalloc(c, nb, 0);
	if (nb <= lm->mp.global_max_fast && (mem = malloc_fast(c, av, nb)))
		return mem;
	if (in_smallbin_range(nb)) {
		idx = smallbin_index(nb);
		mem = malloc_small(c, av, nb);
		if (mem)
			return mem;
	} else {
		idx = largebin_index(nb);
		if (rd32(c, av + AV_HAVE_FAST))
			malloc_consolidate(c, av);
	}
	tc_idx = csize2tidx(nb);
	if (c->thr->tcache && tc_idx < lm->mp.tcache_bins)
		tcache_nb = nb;

	for (;;) {
		uint64_t ub = unsorted_chunks(av), victim, top, size;
		int iters = 0;

		while ((victim = bk(c, ub)) != ub) {
			uint64_t b = bk(c, victim), next;

			size = chunksize(c, victim);
			next = victim + size;
			if (size <= CHUNK_HDR_SZ || size > rd64(c, av + AV_SYSTEM_MEM))
				malloc_printerr(c, "malloc(): invalid size (unsorted)");
			if (size_nomask(c, next) < CHUNK_HDR_SZ ||
			    size_nomask(c, next) > rd64(c, av + AV_SYSTEM_MEM))
				malloc_printerr(c, "malloc(): invalid next size (unsorted)");
			if ((prev_size(c, next) & ~SIZE_BITS) != size)
				malloc_printerr(c, "malloc(): mismatching next->prev_size (unsorted)");
			if (fd(c, b) != victim || fd(c, victim) != ub)
				malloc_printerr(c, "malloc(): unsorted double linked list corrupted");
			if (prev_inuse(c, next))
				malloc_printerr(c, "malloc(): invalid next->prev_inuse (unsorted)");

			/* a small request from the last remainder, alone in the list: split it */
			if (in_smallbin_range(nb) && b == ub && victim == rd64(c, av + AV_LAST_REM) &&
			    size > nb + MINSIZE) {
				uint64_t rsize = size - nb, rem = victim + nb;

				set_fd(c, ub, rem);
				set_bk(c, ub, rem);
				wr64(c, av + AV_LAST_REM, rem);
				set_fd(c, rem, ub);
				set_bk(c, rem, ub);
				if (!in_smallbin_range(rsize)) {
					wr64(c, rem + CH_FD_NEXTSIZE, 0);
					wr64(c, rem + CH_BK_NEXTSIZE, 0);
				}
				set_head(c, victim, nb | PREV_INUSE | nma);
				set_head(c, rem, rsize | PREV_INUSE);
				set_foot(c, rem, rsize);
				return chunk2mem(victim);
			}
			if (fd(c, b) != victim)
				malloc_printerr(c, "malloc(): corrupted unsorted chunks 3");
			set_bk(c, ub, b);
			set_fd(c, b, ub);

			if (size == nb) {
				set_inuse_bit_at(c, victim, size);
				if (nma)
					set_head(c, victim, size_nomask(c, victim) | nma);
				if (tcache_nb && tcache_count_of(c, tc_idx) < lm->mp.tcache_count) {
					tcache_put(c, victim, tc_idx);
					return_cached = 1;
					continue;
				}
				return chunk2mem(victim);
			}
			place_in_bin(c, av, victim, size);
			if (++iters >= MAX_ITERS)
				break;
		}
		if (return_cached)
			return tcache_get(c, tc_idx);

		if (!in_smallbin_range(nb) && (mem = malloc_large_own(c, av, idx, nb)))
			return mem;
		if ((mem = malloc_binmap(c, av, idx, nb)))
			return mem;

		top = av_top(c, av);
		size = chunksize(c, top);
		if (size > rd64(c, av + AV_SYSTEM_MEM))
			malloc_printerr(c, "malloc(): corrupted top size");
		if (size >= nb + MINSIZE) {
			wr64(c, av + AV_TOP, top + nb);
			set_head(c, top, nb | PREV_INUSE | nma);
			set_head(c, top + nb, (size - nb) | PREV_INUSE);
			return chunk2mem(top);
		}
		if (rd32(c, av + AV_HAVE_FAST)) {
			malloc_consolidate(c, av);
			idx = in_smallbin_range(nb) ? smallbin_index(nb) : largebin_index(nb);
			continue;
		}
		return sysmalloc(c, nb, av);
	}
}
