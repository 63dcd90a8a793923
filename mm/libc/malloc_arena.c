/* SPDX-License-Identifier: MIT */
/*
 * malloc_arena.c - non-main arenas (glibc's malloc/arena.c): each lives in
 * heaps of at most HEAP_MAX_SIZE (64 MiB) aligned to their size, so that
 * heap_for_ptr() is a mask. A heap is reserved PROT_NONE (mmap twice the
 * size, then the unaligned ends unmapped), made read-write as it grows
 * (mprotect) and given back at the end (MADV_DONTNEED) or unmapped whole.
 * Its heap_info and, in the first heap, the arena's malloc_state sit at its
 * start, in the process's memory. A thread gets an arena on its first call
 * (arena_get2): a new one while there are fewer than the limit (M_ARENA_MAX,
 * else 8 per CPU once more than M_ARENA_TEST exist), else the next one round
 * the list (reused_arena). An exiting thread empties its tcache and puts its
 * arena on the free list for the next new thread.
 */
#include <stdint.h>

#include "../internal.h"
#include "../syscalls.h"
#include "malloc_internal.h"

#define HI_AR_PTR	0x00
#define HI_PREV		0x08
#define HI_SIZE		0x10
#define HI_MPROTECT	0x18
#define HI_PAGESIZE	0x20
#define HI_SIZEOF	0x30
#define HEAP_MIN_SIZE	(32ULL * 1024)
#define MFAIL		((uint64_t)-1)
#define ALIGN_UP(x, a)		(((x) + (a) - 1) & ~((uint64_t)(a) - 1))
#define ALIGN_DOWN(x, a)	((x) & ~((uint64_t)(a) - 1))

uint64_t heap_for_ptr(uint64_t p)
{
	return p & ~(HEAP_MAX_SIZE - 1);
}

/* new_heap: a fresh heap holding at least size bytes (plus top_pad), or 0. */
static uint64_t new_heap(struct mctx *c, uint64_t size, uint64_t top_pad)
{
	struct libc_malloc *lm = c->lm;
	uint64_t max = HEAP_MAX_SIZE, p1, p2 = MFAIL, ul;

	if (size + top_pad < HEAP_MIN_SIZE)
		size = HEAP_MIN_SIZE;
	else if (size + top_pad <= max)
		size += top_pad;
	else if (size > max)
		return 0;
	else
		size = max;
	size = ALIGN_UP(size, MM_PAGE_SIZE);
	if (lm->aligned_heap_area) {
		p2 = msys_mmap_prot(c, lm->aligned_heap_area, max, MM_PROT_NONE, MM_MAP_NORESERVE);
		lm->aligned_heap_area = 0;
		if (p2 != MFAIL && (p2 & (max - 1))) {
			msys_munmap(c, p2, max);
			p2 = MFAIL;
		}
	}
	if (p2 == MFAIL) {
		p1 = msys_mmap_prot(c, 0, max << 1, MM_PROT_NONE, MM_MAP_NORESERVE);
		if (p1 != MFAIL) {
			p2 = (p1 + max - 1) & ~(max - 1);
			ul = p2 - p1;
			if (ul)
				msys_munmap(c, p1, ul);
			else
				lm->aligned_heap_area = p2 + max;
			msys_munmap(c, p2 + max, max - ul);
		} else {
			p2 = msys_mmap_prot(c, 0, max, MM_PROT_NONE, MM_MAP_NORESERVE);
			if (p2 == MFAIL)
				return 0;
			if (p2 & (max - 1)) {
				msys_munmap(c, p2, max);
				return 0;
			}
		}
	}
	if (msys_mprotect(c, p2, size, MM_PROT_READ | MM_PROT_WRITE)) {
		msys_munmap(c, p2, max);
		return 0;
	}
	wr64(c, p2 + HI_SIZE, size);
	wr64(c, p2 + HI_MPROTECT, size);
	wr64(c, p2 + HI_PAGESIZE, MM_PAGE_SIZE);
	return p2;
}

static int grow_heap(struct mctx *c, uint64_t h, uint64_t diff)
{
	uint64_t new_size, mp_size = rd64(c, h + HI_MPROTECT);

	diff = ALIGN_UP(diff, MM_PAGE_SIZE);
	new_size = rd64(c, h + HI_SIZE) + diff;
	if (new_size > HEAP_MAX_SIZE)
		return -1;
	if (new_size > mp_size) {
		if (msys_mprotect(c, h + mp_size, new_size - mp_size, MM_PROT_READ | MM_PROT_WRITE))
			return -2;
		wr64(c, h + HI_MPROTECT, new_size);
	}
	wr64(c, h + HI_SIZE, new_size);
	return 0;
}

static void delete_heap(struct mctx *c, uint64_t h)
{
	if (h + HEAP_MAX_SIZE == c->lm->aligned_heap_area)
		c->lm->aligned_heap_area = 0;
	msys_munmap(c, h, HEAP_MAX_SIZE);
}

/* shrink_heap: overcommit_memory 0 or 1, so MADV_DONTNEED (not a PROT_NONE remap). */
static int shrink_heap(struct mctx *c, uint64_t h, uint64_t diff)
{
	uint64_t new_size = rd64(c, h + HI_SIZE) - diff;

	if ((int64_t)new_size < (int64_t)HI_SIZEOF)
		return -1;
	msys_madvise_dontneed(c, h + new_size, diff);
	wr64(c, h + HI_SIZE, new_size);
	return 0;
}

int heap_trim(struct mctx *c, uint64_t heap, uint64_t pad)
{
	uint64_t av = rd64(c, heap + HI_AR_PTR), top = av_top(c, av), p;
	int64_t top_size, top_area, extra;

	while (top == heap + HI_SIZEOF) {
		uint64_t prev_heap = rd64(c, heap + HI_PREV), misalign;
		int64_t prev_sz = (int64_t)rd64(c, prev_heap + HI_SIZE) - (int64_t)(MINSIZE - 2 * SIZE_SZ);
		int64_t new_size;

		p = prev_heap + (uint64_t)prev_sz;
		misalign = p & MALLOC_ALIGN_MASK;
		p -= misalign;
		if (size_nomask(c, p) != (0 | PREV_INUSE))
			malloc_printerr(c, "heap_trim(): fencepost expected");
		p -= prev_size(c, p);	/* prev_chunk */
		new_size = (int64_t)(chunksize(c, p) + (MINSIZE - 2 * SIZE_SZ) + misalign);
		if (!prev_inuse(c, p))
			new_size += (int64_t)prev_size(c, p);
		if ((uint64_t)new_size + (HEAP_MAX_SIZE - rd64(c, prev_heap + HI_SIZE)) <
		    pad + MINSIZE + MM_PAGE_SIZE)
			break;
		wr64(c, av + AV_SYSTEM_MEM, rd64(c, av + AV_SYSTEM_MEM) - rd64(c, heap + HI_SIZE));
		delete_heap(c, heap);
		heap = prev_heap;
		if (!prev_inuse(c, p)) {
			p -= prev_size(c, p);
			unlink_chunk(c, av, p);
		}
		wr64(c, av + AV_TOP, p);
		top = p;
		set_head(c, top, (uint64_t)new_size | PREV_INUSE);
	}
	top_size = (int64_t)chunksize(c, top);
	if ((uint64_t)top_size < c->lm->mp.trim_threshold)
		return 0;
	top_area = top_size - (int64_t)MINSIZE - 1;
	if (top_area < 0 || (uint64_t)top_area <= pad)
		return 0;
	extra = (int64_t)ALIGN_DOWN((uint64_t)top_area - pad, MM_PAGE_SIZE);
	if (extra == 0 || shrink_heap(c, heap, (uint64_t)extra))
		return 0;
	wr64(c, av + AV_SYSTEM_MEM, rd64(c, av + AV_SYSTEM_MEM) - (uint64_t)extra);
	set_head(c, top, ((uint64_t)top_size - (uint64_t)extra) | PREV_INUSE);
	return 1;
}

/* sysmalloc for a non-main arena: grow the top's heap, or chain a new one. */
int grow_arena_top(struct mctx *c, uint64_t nb, uint64_t av)
{
	uint64_t old_top = av_top(c, av), old_size = chunksize(c, old_top);
	uint64_t old_heap = heap_for_ptr(old_top), old_heap_size = rd64(c, old_heap + HI_SIZE), h;

	if ((int64_t)(MINSIZE + nb - old_size) > 0 && grow_heap(c, old_heap, MINSIZE + nb - old_size) == 0) {
		wr64(c, av + AV_SYSTEM_MEM, rd64(c, av + AV_SYSTEM_MEM) +
		     rd64(c, old_heap + HI_SIZE) - old_heap_size);
		set_head(c, old_top, (old_heap + rd64(c, old_heap + HI_SIZE) - old_top) | PREV_INUSE);
		return 1;
	}
	h = new_heap(c, nb + MINSIZE + HI_SIZEOF, c->lm->mp.top_pad);
	if (!h)
		return 0;
	wr64(c, h + HI_AR_PTR, av);
	wr64(c, h + HI_PREV, old_heap);
	wr64(c, av + AV_SYSTEM_MEM, rd64(c, av + AV_SYSTEM_MEM) + rd64(c, h + HI_SIZE));
	wr64(c, av + AV_TOP, h + HI_SIZEOF);
	set_head(c, h + HI_SIZEOF, (rd64(c, h + HI_SIZE) - HI_SIZEOF) | PREV_INUSE);
	/* fenceposts at the old heap's end; what is left of the old top is freed */
	old_size = (old_size - MINSIZE) & ~MALLOC_ALIGN_MASK;
	set_head(c, old_top + old_size + CHUNK_HDR_SZ, 0 | PREV_INUSE);
	if (old_size >= MINSIZE) {
		set_head(c, old_top + old_size, CHUNK_HDR_SZ | PREV_INUSE);
		set_foot(c, old_top + old_size, CHUNK_HDR_SZ);
		set_head(c, old_top, old_size | PREV_INUSE | NON_MAIN_ARENA);
		int_free(c, av, old_top, 1);
	} else {
		set_head(c, old_top, (old_size + CHUNK_HDR_SZ) | PREV_INUSE);
		set_foot(c, old_top, old_size + CHUNK_HDR_SZ);
	}
	return 1;
}

/* _int_new_arena: a heap with the arena's malloc_state at its start. */
static uint64_t int_new_arena(struct mctx *c, uint64_t size)
{
	struct libc_malloc *lm = c->lm;
	uint64_t h = new_heap(c, size + (HI_SIZEOF + AV_SIZEOF + MALLOC_ALIGNMENT), lm->mp.top_pad);
	uint64_t a, ptr;

	if (!h) {
		/* glibc retries with only the arena's own bytes */
		h = new_heap(c, HI_SIZEOF + AV_SIZEOF + MALLOC_ALIGNMENT, 0);
		if (!h)
			return 0;
	}
	a = h + HI_SIZEOF;
	wr64(c, h + HI_AR_PTR, a);
	wr64(c, h + HI_PREV, 0);
	malloc_init_state(c, a);
	wr64(c, a + AV_ATTACHED, 1);
	wr64(c, a + AV_SYSTEM_MEM, rd64(c, h + HI_SIZE));
	wr64(c, a + AV_MAX_SYSMEM, rd64(c, h + HI_SIZE));
	ptr = a + AV_SIZEOF;
	if (chunk2mem(ptr) & MALLOC_ALIGN_MASK)
		ptr += MALLOC_ALIGNMENT - (chunk2mem(ptr) & MALLOC_ALIGN_MASK);
	wr64(c, a + AV_TOP, ptr);
	set_head(c, ptr, (h + rd64(c, h + HI_SIZE) - ptr) | PREV_INUSE);
	c->thr->arena = a;
	/* linked after main_arena */
	wr64(c, a + AV_NEXT, rd64(c, lm->arena_va + AV_NEXT));
	wr64(c, lm->arena_va + AV_NEXT, a);
	return a;
}

/* detach_arena: the thread leaves its arena (its count drops; the free list is the exit's) */
static void detach_arena(struct mctx *c, uint64_t a)
{
	if (a)
		wr64(c, a + AV_ATTACHED, rd64(c, a + AV_ATTACHED) - 1);
}

/*
 * reused_arena: the next arena round the list from next_to_use whose lock
 * is free. One CPU runs the model and the caller holds no arena lock, so
 * the first one tried is taken (avoid_arena matters only when every lock
 * is held, which cannot happen here).
 */
static uint64_t reused_arena(struct mctx *c)
{
	struct libc_malloc *lm = c->lm;
	uint64_t result;

	if (!lm->next_to_use)
		lm->next_to_use = lm->arena_va;
	result = lm->next_to_use;
	detach_arena(c, c->thr->arena);
	wr64(c, result + AV_ATTACHED, rd64(c, result + AV_ATTACHED) + 1);
	c->thr->arena = result;
	lm->next_to_use = rd64(c, result + AV_NEXT);
	return result;
}

/* arena_get2: an arena of an exited thread, else a new one under the limit, else a reused one. */
static uint64_t arena_get2(struct mctx *c, uint64_t size)
{
	struct libc_malloc *lm = c->lm;
	struct malloc_par *mp = &lm->mp;
	uint64_t a, replaced = c->thr->arena;

	if (lm->free_list) {		/* get_free_list */
		a = lm->free_list;
		lm->free_list = rd64(c, a + AV_NEXT_FREE);
		detach_arena(c, replaced);
		wr64(c, a + AV_ATTACHED, rd64(c, a + AV_ATTACHED) + 1);
		c->thr->arena = a;
		return a;
	}
	if (lm->narenas_limit == 0) {
		if (mp->arena_max)
			lm->narenas_limit = mp->arena_max;
		else if (lm->narenas > mp->arena_test)
			lm->narenas_limit = 8ULL * (uint64_t)c->x->m->nr_cpus;
	}
	if (lm->narenas <= lm->narenas_limit - 1) {
		lm->narenas++;
		a = int_new_arena(c, size);
		if (!a)
			lm->narenas--;
		else
			detach_arena(c, replaced);
		return a;
	}
	return reused_arena(c);
}

/* arena_get: the calling thread's arena, found or made on its first call. */
uint64_t arena_get(struct mctx *c, uint64_t size)
{
	return c->thr->arena ? c->thr->arena : arena_get2(c, size);
}

/*
 * arena_get_retry: an allocation failed in av (a multi-threaded process):
 * from a non-main arena, try main_arena (the thread keeps its arena); from
 * main_arena, another one, which becomes the thread's.
 */
uint64_t arena_get_retry(struct mctx *c, uint64_t av, uint64_t bytes)
{
	if (!is_main_arena(c, av))
		return c->lm->arena_va;
	return arena_get2(c, bytes);
}

/*
 * A thread exits (tcache_thread_shutdown, arena_thread_freeres): its tcache's
 * chunks and the tcache itself are freed, its arena goes to the free list
 * when no other thread is attached.
 */
void arena_thread_exit(struct mctx *c)
{
	struct libc_thread *t = c->thr;
	uint64_t tc = t->tcache, a = t->arena;

	if (tc) {
		t->tcache = 0;
		t->shutting_down = 1;
		for (size_t i = 0; i < TCACHE_MAX_BINS; i++) {
			uint64_t e;

			while ((e = rd64(c, tc + TC_ENTRIES + 8 * i))) {
				if (misaligned(e))
					malloc_printerr(c, "tcache_thread_shutdown(): unaligned tcache chunk detected");
				wr64(c, tc + TC_ENTRIES + 8 * i, protect_ptr(e + TE_NEXT, rd64(c, e + TE_NEXT)));
				libc_free_chunk(c, e);
			}
		}
		libc_free_chunk(c, tc);
	}
	if (a) {
		uint64_t n = rd64(c, a + AV_ATTACHED) - 1;

		wr64(c, a + AV_ATTACHED, n);
		if (n == 0) {
			wr64(c, a + AV_NEXT_FREE, c->lm->free_list);
			c->lm->free_list = a;
		}
		t->arena = 0;
	}
}
