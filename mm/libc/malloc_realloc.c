/* SPDX-License-Identifier: MIT */
/*
 * malloc_realloc.c - _int_realloc: a heap chunk grows in place into the
 * top or a free next chunk when it can, else moves (malloc, copy, free);
 * a shrink splits the tail off and frees it. (mmap'd chunks are
 * mremap'd by the caller, malloc.c.)
 */
#include <stdint.h>

#include "malloc_internal.h"

uint64_t int_realloc(struct mctx *c, uint64_t av, uint64_t oldp, uint64_t oldsize, uint64_t nb)
{
	uint64_t nma = is_main_arena(c, av) ? 0 : NON_MAIN_ARENA;
	uint64_t sysmem = rd64(c, av + AV_SYSTEM_MEM), next, nextsize, newp, newsize;

	if (size_nomask(c, oldp) <= CHUNK_HDR_SZ || oldsize >= sysmem)
		malloc_printerr(c, "realloc(): invalid old size");
	next = oldp + oldsize;
	nextsize = chunksize(c, next);
	if (size_nomask(c, next) <= CHUNK_HDR_SZ || nextsize >= sysmem)
		malloc_printerr(c, "realloc(): invalid next size");
	if (oldsize >= nb) {
		newp = oldp;
		newsize = oldsize;
	} else if (next == av_top(c, av) && (newsize = oldsize + nextsize) >= nb + MINSIZE) {
		set_head_size(c, oldp, nb | nma);
		wr64(c, av + AV_TOP, oldp + nb);
		set_head(c, oldp + nb, (newsize - nb) | PREV_INUSE);
		return chunk2mem(oldp);
	} else if (next != av_top(c, av) && !inuse_bit_at(c, next, nextsize) &&
		   (newsize = oldsize + nextsize) >= nb) {
		newp = oldp;
		unlink_chunk(c, av, next);
	} else {
		uint64_t newmem = int_malloc(c, av, nb - MALLOC_ALIGN_MASK);

		if (!newmem)
			return 0;
		newp = mem2chunk(newmem);
		newsize = chunksize(c, newp);
		if (newp == next) {
			newsize += oldsize;
			newp = oldp;
		} else {
			umemcpy(c, newmem, chunk2mem(oldp), oldsize - CHUNK_HDR_SZ + SIZE_SZ);
			int_free(c, av, oldp, 1);
			return newmem;
		}
	}
	if (newsize - nb < MINSIZE) {
		set_head_size(c, newp, newsize | nma);
		set_inuse_bit_at(c, newp, newsize);
	} else {
		uint64_t rem = newp + nb, rsize = newsize - nb;

		set_head_size(c, newp, nb | nma);
		set_head(c, rem, rsize | PREV_INUSE | nma);
		set_inuse_bit_at(c, rem, rsize);
		int_free(c, av, rem, 1);
	}
	return chunk2mem(newp);
}
