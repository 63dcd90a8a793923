/* SPDX-License-Identifier: MIT */
/*
 * malloc_sys.c - where ptmalloc2 meets the kernel: sbrk (libc's __curbrk
 * over brk(2)), the mmap'd chunks, sysmalloc (growing the main arena's
 * top), systrim (giving the top back), munmap_chunk and mremap_chunk.
 * Every system call goes through the model's own sys_* functions, as a
 * process's would; a failure is what the C library sees (-1, MAP_FAILED).
 */
#include <errno.h>
#include <string.h>

#include "../syscalls.h"
#include "../task.h"
#include "malloc_internal.h"

#define MFAIL	((uint64_t)-1)
#define ALIGN_UP(x, a)		(((x) + (a) - 1) & ~((uint64_t)(a) - 1))
#define ALIGN_DOWN(x, a)	((x) & ~((uint64_t)(a) - 1))

/* A system call's failure text is the allocator's business, not the reply's. */
static void quiet(struct mctx *c)
{
	if (c->x->why && c->x->whylen)
		c->x->why[0] = '\0';
}

/* brk(2) as glibc's __brk: the new break, and whether it reached addr. */
static uint64_t do_brk(struct mctx *c, uint64_t addr)
{
	struct mm_call call = { .verb = MMV_BRK, .addr = addr, .fd = -1 };
	uint64_t ret = 0;
	int err = sys_brk(c->x, &call, &ret);

	utlb_flush(c);
	quiet(c);
	if (err == -EINTR || err == -ENOMEM)
		if (c->x->t->oom_killed)
			malloc_die(c, -EINTR);
	return err ? c->lm->curbrk : ret;
}

/* glibc's __sbrk: the old break, or MFAIL (errno ENOMEM) */
uint64_t msys_sbrk(struct mctx *c, int64_t incr)
{
	struct libc_malloc *lm = c->lm;
	uint64_t old, want;

	if (!lm->curbrk)
		lm->curbrk = do_brk(c, 0);
	if (incr == 0)
		return lm->curbrk;
	old = lm->curbrk;
	if ((incr > 0 && old + (uint64_t)incr < old) || (incr < 0 && (uint64_t)-incr > old))
		return MFAIL;
	want = old + (uint64_t)incr;
	lm->curbrk = do_brk(c, want);
	if (lm->curbrk != want)
		return MFAIL;
	return old;
}

uint64_t msys_mmap(struct mctx *c, uint64_t len)
{
	return msys_mmap_prot(c, 0, len, MM_PROT_READ | MM_PROT_WRITE, 0);
}

int msys_mprotect(struct mctx *c, uint64_t addr, uint64_t len, uint64_t prot)
{
	struct mm_call call = { .verb = MMV_MPROTECT, .addr = addr, .len = len, .prot = prot,
				.fd = -1 };
	int err = sys_mprotect(c->x, &call);

	utlb_flush(c);
	quiet(c);
	return err;
}

/* glibc's MMAP(): private anonymous, with extra flags (MAP_NORESERVE for heaps). */
uint64_t msys_mmap_prot(struct mctx *c, uint64_t hint, uint64_t len, uint64_t prot, uint64_t flags)
{
	struct mm_call call = { .verb = MMV_MMAP, .addr = hint, .len = len, .prot = prot,
				.flags = MM_MAP_PRIVATE | MM_MAP_ANONYMOUS | flags, .fd = -1 };
	uint64_t ret = 0;
	int err = sys_mmap(c->x, &call, &ret);

	utlb_flush(c);
	quiet(c);
	if (err && c->x->t->oom_killed)
		malloc_die(c, -EINTR);
	return err ? MFAIL : ret;
}

void msys_munmap(struct mctx *c, uint64_t addr, uint64_t len)
{
	struct mm_call call = { .verb = MMV_MUNMAP, .addr = addr, .len = len, .fd = -1 };

	sys_munmap(c->x, &call);
	utlb_flush(c);
	quiet(c);
}

uint64_t msys_mremap(struct mctx *c, uint64_t addr, uint64_t old, uint64_t new_len)
{
	struct mm_call call = { .verb = MMV_MREMAP, .addr = addr, .len = old, .new_len = new_len,
				.flags = MM_MREMAP_MAYMOVE, .fd = -1 };
	uint64_t ret = 0;
	int err = sys_mremap(c->x, &call, &ret);

	utlb_flush(c);
	quiet(c);
	return err ? MFAIL : ret;
}

void msys_madvise_dontneed(struct mctx *c, uint64_t addr, uint64_t len)
{
	struct mm_call call = { .verb = MMV_MADVISE, .addr = addr, .len = len,
				.advice = MM_MADV_DONTNEED, .fd = -1 };

	sys_madvise(c->x, &call);
	utlb_flush(c);
	quiet(c);
}

/* sysmalloc_mmap: a chunk of its own for nb bytes, or MFAIL. */
static uint64_t sysmalloc_mmap(struct mctx *c, uint64_t nb)
{
	struct malloc_par *mp = &c->lm->mp;
	uint64_t size = ALIGN_UP(nb + SIZE_SZ, MM_PAGE_SIZE), mm;

	if (size <= nb)
		return MFAIL;
	mm = msys_mmap(c, size);
	if (mm == MFAIL)
		return MFAIL;
	wr64(c, mm + CH_PREV_SIZE, 0);
	set_head(c, mm, size | IS_MMAPPED);
	mp->n_mmaps++;
	if (mp->n_mmaps > mp->max_n_mmaps)
		mp->max_n_mmaps = mp->n_mmaps;
	mp->mmapped_mem += size;
	if (mp->mmapped_mem > mp->max_mmapped_mem)
		mp->max_mmapped_mem = mp->mmapped_mem;
	return chunk2mem(mm);
}

/* When brk cannot grow: mmap at least 1 MiB as a new, non-contiguous top. */
static uint64_t sysmalloc_mmap_fallback(struct mctx *c, uint64_t *s, uint64_t nb, uint64_t old_size,
					uint64_t av)
{
	uint64_t size = *s, mbrk;

	if (contiguous(c, av))
		size = ALIGN_UP(size + old_size, MM_PAGE_SIZE);
	if (size < MMAP_AS_MORECORE_SIZE)
		size = MMAP_AS_MORECORE_SIZE;
	if (size <= nb)
		return MFAIL;
	mbrk = msys_mmap(c, size);
	if (mbrk == MFAIL)
		return MFAIL;
	wr32(c, av + AV_FLAGS, rd32(c, av + AV_FLAGS) | NONCONTIGUOUS_BIT);
	*s = size;
	return mbrk;
}

static void add_system_mem(struct mctx *c, uint64_t av, int64_t delta)
{
	wr64(c, av + AV_SYSTEM_MEM, rd64(c, av + AV_SYSTEM_MEM) + (uint64_t)delta);
}

/* The main arena's top is too small for nb: grow it with brk (sysmalloc). */
static void grow_main_top(struct mctx *c, uint64_t nb, uint64_t av)
{
	struct malloc_par *mp = &c->lm->mp;
	uint64_t old_top = av_top(c, av), old_size = chunksize(c, old_top);
	uint64_t old_end = old_top + old_size;
	uint64_t brk = MFAIL, snd_brk = MFAIL, size;

	size = nb + mp->top_pad + MINSIZE;
	if (contiguous(c, av))
		size -= old_size;
	size = ALIGN_UP(size, MM_PAGE_SIZE);
	if ((int64_t)size > 0)
		brk = msys_sbrk(c, (int64_t)size);
	if (brk == MFAIL) {
		uint64_t mbrk = sysmalloc_mmap_fallback(c, &size, nb, old_size, av);

		if (mbrk != MFAIL) {
			brk = mbrk;
			snd_brk = brk + size;
		}
	}
	if (brk == MFAIL)
		return;
	if (mp->sbrk_base == 0)
		mp->sbrk_base = brk;
	add_system_mem(c, av, (int64_t)size);
	if (brk == old_end && snd_brk == MFAIL) {
		set_head(c, old_top, (size + old_size) | PREV_INUSE);
		return;
	}
	if (contiguous(c, av) && old_size && brk < old_end)
		malloc_printerr(c, "break adjusted to free malloc space");

	uint64_t correction = 0, aligned_brk = brk;

	if (contiguous(c, av)) {
		uint64_t front_misalign, end_misalign;

		if (old_size)
			add_system_mem(c, av, (int64_t)(brk - old_end));
		front_misalign = chunk2mem(brk) & MALLOC_ALIGN_MASK;
		if (front_misalign > 0) {
			correction = MALLOC_ALIGNMENT - front_misalign;
			aligned_brk += correction;
		}
		correction += old_size;
		end_misalign = brk + size + correction;
		correction += ALIGN_UP(end_misalign, MM_PAGE_SIZE) - end_misalign;
		snd_brk = msys_sbrk(c, (int64_t)correction);
		if (snd_brk == MFAIL) {
			correction = 0;
			snd_brk = msys_sbrk(c, 0);
		}
	} else if (snd_brk == MFAIL) {
		snd_brk = msys_sbrk(c, 0);
	}
	if (snd_brk == MFAIL)
		return;
	wr64(c, av + AV_TOP, aligned_brk);
	set_head(c, aligned_brk, (snd_brk - aligned_brk + correction) | PREV_INUSE);
	add_system_mem(c, av, (int64_t)correction);
	if (old_size != 0) {
		/* fenceposts where the old top ended, then the old top is freed */
		old_size = (old_size - 2 * CHUNK_HDR_SZ) & ~MALLOC_ALIGN_MASK;
		set_head(c, old_top, old_size | PREV_INUSE);
		set_head(c, old_top + old_size, CHUNK_HDR_SZ | PREV_INUSE);
		set_head(c, old_top + old_size + CHUNK_HDR_SZ, CHUNK_HDR_SZ | PREV_INUSE);
		if (old_size >= MINSIZE)
			int_free(c, av, old_top, 1);
	}
}

uint64_t sysmalloc(struct mctx *c, uint64_t nb, uint64_t av)
{
	struct malloc_par *mp = &c->lm->mp;
	uint64_t p, size;

	if (av == 0 || (nb >= mp->mmap_threshold && mp->n_mmaps < mp->n_mmaps_max)) {
		uint64_t mm = sysmalloc_mmap(c, nb);

		if (mm != MFAIL)
			return mm;
	}
	if (av == 0)
		return 0;
	if (!is_main_arena(c, av)) {
		if (!grow_arena_top(c, nb, av) && !(nb >= mp->mmap_threshold && mp->n_mmaps < mp->n_mmaps_max)) {
			/* glibc's try_mmap when the heap could not grow */
			uint64_t mm = sysmalloc_mmap(c, nb);

			if (mm != MFAIL)
				return mm;
		}
	} else {
		grow_main_top(c, nb, av);
	}
	if (rd64(c, av + AV_SYSTEM_MEM) > rd64(c, av + AV_MAX_SYSMEM))
		wr64(c, av + AV_MAX_SYSMEM, rd64(c, av + AV_SYSTEM_MEM));
	p = av_top(c, av);
	size = chunksize(c, p);
	if (size >= nb + MINSIZE) {
		wr64(c, av + AV_TOP, p + nb);
		set_head(c, p, nb | PREV_INUSE | (is_main_arena(c, av) ? 0 : NON_MAIN_ARENA));
		set_head(c, p + nb, (size - nb) | PREV_INUSE);
		return chunk2mem(p);
	}
	return 0;	/* ENOMEM */
}

int systrim(struct mctx *c, uint64_t pad, uint64_t av)
{
	uint64_t top = av_top(c, av), top_size = chunksize(c, top);
	uint64_t top_area = top_size - MINSIZE - 1, extra, current_brk, new_brk, released;

	if (top_size < MINSIZE + 1 || top_area <= pad)
		return 0;
	extra = ALIGN_DOWN(top_area - pad, MM_PAGE_SIZE);
	if (extra == 0)
		return 0;
	current_brk = msys_sbrk(c, 0);
	if (current_brk != top + top_size)
		return 0;
	msys_sbrk(c, -(int64_t)extra);
	new_brk = msys_sbrk(c, 0);
	if (new_brk == MFAIL)
		return 0;
	released = current_brk - new_brk;
	if (released == 0)
		return 0;
	add_system_mem(c, av, -(int64_t)released);
	set_head(c, top, (top_size - released) | PREV_INUSE);
	return 1;
}

static int powerof2(uint64_t x)
{
	return (x & (x - 1)) == 0;
}

void munmap_chunk(struct mctx *c, uint64_t p)
{
	struct malloc_par *mp = &c->lm->mp;
	uint64_t size = chunksize(c, p), psz = prev_size(c, p);
	uint64_t mem = chunk2mem(p), block = p - psz, total = psz + size;

	if (((block | total) & (MM_PAGE_SIZE - 1)) != 0 || !powerof2(mem & (MM_PAGE_SIZE - 1)))
		malloc_printerr(c, "munmap_chunk(): invalid pointer");
	mp->n_mmaps--;
	mp->mmapped_mem -= total;
	msys_munmap(c, block, total);
}

uint64_t mremap_chunk(struct mctx *c, uint64_t p, uint64_t new_size)
{
	struct malloc_par *mp = &c->lm->mp;
	uint64_t offset = prev_size(c, p), size = chunksize(c, p);
	uint64_t block = p - offset, mem = chunk2mem(p), total = offset + size, cp;

	if (((block | total) & (MM_PAGE_SIZE - 1)) != 0 || !powerof2(mem & (MM_PAGE_SIZE - 1)))
		malloc_printerr(c, "mremap_chunk(): invalid pointer");
	new_size = ALIGN_UP(new_size + offset + SIZE_SZ, MM_PAGE_SIZE);
	if (total == new_size)
		return p;
	cp = msys_mremap(c, block, total, new_size);
	if (cp == MFAIL)
		return 0;
	p = cp + offset;
	set_head(c, p, (new_size - offset) | IS_MMAPPED);
	mp->mmapped_mem += new_size - size - offset;
	if (mp->mmapped_mem > mp->max_mmapped_mem)
		mp->max_mmapped_mem = mp->mmapped_mem;
	return p;
}
