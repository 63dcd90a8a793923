/* SPDX-License-Identifier: MIT */
/*
 * malloc.c - the public entry points (glibc's __libc_malloc, __libc_free,
 * __libc_calloc, __libc_realloc, __libc_memalign), ptmalloc_init and the
 * tcache's first allocation, and the way a call ends: normally, or killed
 * by malloc_printerr's abort() or by a fault.
 *
 * A process starts as a C program does at main(): nothing initialised. The
 * first call sets up the main arena (ptmalloc_init); the first malloc,
 * free or realloc of a thread allocates its tcache_perthread_struct, the
 * 0x290 chunk at the start of the heap, so the first pointer is heap start
 * + 0x2a0 and the break moves by 0x21000 (0x290 + top_pad + MINSIZE, up
 * to pages). Only the main arena exists: every call runs on it (glibc's
 * SINGLE_THREAD_P path).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../internal.h"
#include "../arena.h"
#include "../file.h"
#include "../syscalls.h"
#include "../task.h"
#include "../vma.h"
#include "malloc_internal.h"

/* Where libc.so.6's image starts in mm, or 0. */
static uint64_t libc_base(struct mm_struct *mm)
{
	struct vm_area_struct *v;

	for (v = vma_first(mm); v; v = vma_next_of(v)) {
		const char *path = v->vm_file ? v->vm_file->path : NULL;
		const char *base = path ? strrchr(path, '/') : NULL;

		if (base && !strcmp(base, "/libc.so.6") && v->vm_pgoff == 0)
			return v->vm_start;
	}
	return 0;
}

/* The mm's allocator state, made at its first call (the program's main()). */
static struct libc_malloc *lm_get(struct sys_ctx *x)
{
	struct libc_malloc *lm = x->mm->libc_malloc;
	uint64_t base;

	if (lm)
		return lm;
	lm = kzalloc(sizeof(*lm));
	if (!lm)
		return NULL;
	base = libc_base(x->mm);
	lm->arena_va = base ? base + MAIN_ARENA_LIBC_OFFSET : MAIN_ARENA_FALLBACK;
	/* main_arena's static initialiser: next = &main_arena, one thread attached */
	memcpy(lm->main_arena + AV_NEXT, &lm->arena_va, 8);
	lm->main_arena[AV_ATTACHED] = 1;
	x->mm->libc_malloc = lm;
	return lm;
}

void ptmalloc_init(struct mctx *c)
{
	struct libc_malloc *lm = c->lm;
	struct malloc_par *mp = &lm->mp;

	if (lm->initialized)
		return;
	lm->initialized = 1;
	/* tcache_key_initialize: getrandom() on the host; a fixed odd value here */
	lm->tcache_key = 0x9e3779b97f4a7c15ULL ^ (uint64_t)c->x->t->pid << 32;
	mp->top_pad = DEFAULT_TOP_PAD;
	mp->n_mmaps_max = DEFAULT_MMAP_MAX;
	mp->mmap_threshold = DEFAULT_MMAP_THRESHOLD_MIN;
	mp->trim_threshold = 128 * 1024;
	mp->arena_test = 8;	/* NARENAS_FROM_NCORES(1) */
	mp->tcache_count = TCACHE_FILL_COUNT;
	mp->tcache_bins = TCACHE_MAX_BINS;
	mp->tcache_max_bytes = (TCACHE_MAX_BINS - 1) * MALLOC_ALIGNMENT + MINSIZE - SIZE_SZ;
	malloc_init_state(c, lm->arena_va);
	lm->narenas = 1;
	c->thr->arena = lm->arena_va;	/* thread_arena of the thread that starts it */
}

/* The arena of a call: main_arena while the process has one thread (SINGLE_THREAD_P). */
static uint64_t call_arena(struct mctx *c, uint64_t bytes)
{
	return c->lm->multi_thread ? arena_get(c, bytes) : c->lm->arena_va;
}

/* tcache_init: the thread's tcache_perthread_struct, from its arena. */
static void maybe_init_tcache(struct mctx *c)
{
	uint64_t victim, av;

	if (c->thr->tcache || c->thr->shutting_down)
		return;
	av = arena_get(c, TC_SIZEOF);
	victim = int_malloc(c, av, TC_SIZEOF);
	if (!victim && av)
		victim = int_malloc(c, arena_get_retry(c, av, TC_SIZEOF), TC_SIZEOF);
	if (victim) {
		c->thr->tcache = victim;
		umemset(c, victim, 0, TC_SIZEOF);
	}
}

/* _int_malloc, and in a multi-threaded process once more in another arena when it fails. */
static uint64_t malloc_retry(struct mctx *c, uint64_t av, uint64_t bytes)
{
	uint64_t victim = int_malloc(c, av, bytes);

	if (!victim && av && c->lm->multi_thread)
		victim = int_malloc(c, arena_get_retry(c, av, bytes), bytes);
	return victim;
}

static uint64_t do_malloc(struct mctx *c, uint64_t bytes)
{
	struct libc_malloc *lm = c->lm;
	uint64_t tbytes;
	size_t tc_idx;

	ptmalloc_init(c);
	if (!checked_request2size(bytes, &tbytes))
		return 0;
	tc_idx = csize2tidx(tbytes);
	maybe_init_tcache(c);
	if (tc_idx < lm->mp.tcache_bins && c->thr->tcache &&
	    rd16(c, c->thr->tcache + TC_COUNTS + 2 * tc_idx) > 0)
		return tcache_get(c, tc_idx);
	return malloc_retry(c, call_arena(c, bytes), bytes);
}

/* The arena a heap chunk belongs to: the main one, unless NON_MAIN_ARENA says otherwise. */
static uint64_t arena_for_chunk(struct mctx *c, uint64_t p)
{
	if (size_nomask(c, p) & NON_MAIN_ARENA)
		return rd64(c, p & ~(HEAP_MAX_SIZE - 1));	/* heap_info.ar_ptr */
	return c->lm->arena_va;
}

static void do_free(struct mctx *c, uint64_t mem)
{
	struct malloc_par *mp = &c->lm->mp;
	uint64_t p, sz;

	if (mem == 0)
		return;
	ptmalloc_init(c);	/* glibc leaves it to the tcache's first malloc */
	p = mem2chunk(mem);
	sz = size_nomask(c, p);
	if (sz & IS_MMAPPED) {
		/* the dynamic threshold: a freed mmap'd chunk raises it */
		if (!mp->no_dyn_threshold && sz > mp->mmap_threshold &&
		    sz <= DEFAULT_MMAP_THRESHOLD_MAX) {
			mp->mmap_threshold = sz & ~SIZE_BITS;
			mp->trim_threshold = 2 * mp->mmap_threshold;
		}
		munmap_chunk(c, p);
		return;
	}
	maybe_init_tcache(c);
	int_free(c, arena_for_chunk(c, p), p, 0);
}

void libc_free_chunk(struct mctx *c, uint64_t mem)
{
	do_free(c, mem);
}

static uint64_t do_realloc(struct mctx *c, uint64_t oldmem, uint64_t bytes)
{
	uint64_t oldp, oldsize, nb, av = 0, newp;

	ptmalloc_init(c);
	if (bytes == 0 && oldmem) {
		do_free(c, oldmem);
		return 0;
	}
	if (oldmem == 0)
		return do_malloc(c, bytes);
	oldp = mem2chunk(oldmem);
	oldsize = chunksize(c, oldp);
	if (!(size_nomask(c, oldp) & IS_MMAPPED)) {
		maybe_init_tcache(c);
		av = arena_for_chunk(c, oldp);
	}
	if (oldp > (uint64_t)-oldsize || misaligned(oldp))
		malloc_printerr(c, "realloc(): invalid pointer");
	if (!checked_request2size(bytes, &nb))
		return 0;
	if (size_nomask(c, oldp) & IS_MMAPPED) {
		uint64_t newmem;

		newp = mremap_chunk(c, oldp, nb);
		if (newp)
			return chunk2mem(newp);
		if (oldsize - SIZE_SZ >= nb)
			return oldmem;
		newmem = do_malloc(c, bytes);
		if (!newmem)
			return 0;
		umemcpy(c, newmem, oldmem, oldsize - CHUNK_HDR_SZ);
		munmap_chunk(c, oldp);
		return newmem;
	}
	newp = int_realloc(c, av, oldp, oldsize, nb);
	if (!newp && c->lm->multi_thread) {
		/* try harder in other arenas: malloc, copy, free the old chunk */
		newp = do_malloc(c, bytes);
		if (newp) {
			umemcpy(c, newp, oldmem, oldsize - CHUNK_HDR_SZ + SIZE_SZ);
			int_free(c, av, oldp, 0);
		}
	}
	return newp;
}

uint64_t int_memalign(struct mctx *c, uint64_t av, uint64_t alignment, uint64_t bytes)
{
	uint64_t nb, m, p, nma = is_main_arena(c, av) ? 0 : NON_MAIN_ARENA;

	if (!checked_request2size(bytes, &nb))
		return 0;
	if (nb > UINT64_MAX - alignment - MINSIZE)
		return 0;
	m = int_malloc(c, av, nb + alignment + MINSIZE);
	if (!m)
		return 0;
	p = mem2chunk(m);
	if (m % alignment) {
		uint64_t brk = mem2chunk((m + alignment - 1) & -alignment), newp, lead, newsize;

		if (brk - p < MINSIZE)
			brk += alignment;
		newp = brk;
		lead = brk - p;
		newsize = chunksize(c, p) - lead;
		if (size_nomask(c, p) & IS_MMAPPED) {
			wr64(c, newp + CH_PREV_SIZE, prev_size(c, p) + lead);
			set_head(c, newp, newsize | IS_MMAPPED);
			return chunk2mem(newp);
		}
		set_head(c, newp, newsize | PREV_INUSE | nma);
		set_inuse_bit_at(c, newp, newsize);
		set_head_size(c, p, lead | nma);
		int_free(c, av, p, 1);
		p = newp;
	}
	if (!(size_nomask(c, p) & IS_MMAPPED)) {
		uint64_t size = chunksize(c, p);

		if (size > nb + MINSIZE) {
			set_head(c, p + nb, (size - nb) | PREV_INUSE | nma);
			set_head_size(c, p, nb);
			int_free(c, av, p + nb, 1);
		}
	}
	return chunk2mem(p);
}

static uint64_t do_memalign(struct mctx *c, uint64_t alignment, uint64_t bytes)
{
	uint64_t av, p;

	ptmalloc_init(c);
	if (alignment <= MALLOC_ALIGNMENT)
		return do_malloc(c, bytes);
	if (alignment < MINSIZE)
		alignment = MINSIZE;
	if (alignment > UINT64_MAX / 2 + 1)
		return 0;	/* EINVAL */
	if (alignment & (alignment - 1)) {
		uint64_t a = MALLOC_ALIGNMENT * 2;

		while (a < alignment)
			a <<= 1;
		alignment = a;
	}
	/* _mid_memalign: a new arena is sized for the padded request, as int_memalign asks it */
	av = call_arena(c, bytes + alignment + MINSIZE);
	p = int_memalign(c, av, alignment, bytes);
	if (!p && av && c->lm->multi_thread)
		p = int_memalign(c, arena_get_retry(c, av, bytes), alignment, bytes);
	return p;
}

static uint64_t do_calloc(struct mctx *c, uint64_t n, uint64_t elem)
{
	uint64_t bytes, av, oldtop, oldtopsize, mem, p, csz;

	if (__builtin_mul_overflow(n, elem, &bytes))
		return 0;
	ptmalloc_init(c);
	maybe_init_tcache(c);
	av = call_arena(c, bytes);
	if (!av)
		return 0;
	oldtop = av_top(c, av);
	oldtopsize = chunksize(c, oldtop);
	/*
	 * MORECORE_CLEARS: what brk gives past the old top is known zero, even
	 * where the heap once reached and was trimmed (the host's glibc clears
	 * only the old top then: its calloc leaves those pages unfaulted). In a
	 * non-main heap, only what lies past the mprotect'ed part.
	 */
	if (!is_main_arena(c, av)) {
		uint64_t h = heap_for_ptr(oldtop), end = h + rd64(c, h + 0x18);	/* mprotect_size */

		if (oldtopsize < end - oldtop)
			oldtopsize = end - oldtop;
	}
	mem = malloc_retry(c, av, bytes);	/* oldtop stays the first arena's */
	if (!mem)
		return 0;
	p = mem2chunk(mem);
	if (size_nomask(c, p) & IS_MMAPPED)
		return mem;	/* fresh anonymous pages */
	csz = chunksize(c, p);
	if (p == oldtop && csz > oldtopsize)
		csz = oldtopsize;
	umemset(c, mem, 0, csz - SIZE_SZ);
	return mem;
}

/* ---- the calls, and how they end ---- */

enum mcall { MC_MALLOC, MC_FREE, MC_CALLOC, MC_REALLOC, MC_MEMALIGN, MC_THREAD_EXIT };

static const char *const sig_name[] = { [6] = "SIGABRT", [9] = "SIGKILL", [11] = "SIGSEGV" };

/*
 * The process dies of c->sig: a kmsg line, its pages freed. -EINTR. Init
 * (pid 1) cannot die here (mmfs keeps it, as kill does): the call is
 * abandoned where it stopped, and said so.
 */
static int kill_caller(struct mctx *c)
{
	struct sys_ctx *x = c->x;
	struct task *t = x->t;
	const char *sn = sig_name[c->sig] ? sig_name[c->sig] : "signal";
	int init = t->pid == 1;

	if (c->msg)
		kmsg_add(x->m, "%s[%d]: %s: %s by signal %d (%s)", t->comm, t->pid, c->msg,
			 init ? "init cannot be killed: the call was abandoned, not" : "killed",
			 c->sig, sn);
	else
		kmsg_add(x->m, "%s[%d]: %s by signal %d (%s)", t->comm, t->pid,
			 init ? "init cannot be killed: the call was abandoned, not" : "killed",
			 c->sig, sn);
	sys_fail(x, -EINTR, "%s%s%s %s", c->msg ? c->msg : "", c->msg ? ": " : "",
		 init ? "init cannot be killed: the call was abandoned, not by" :
			"the process was killed by", sn);
	if (!init)
		do_group_exit(x->m, t);	/* the signal kills the whole process, every thread */
	return -EINTR;
}

static int run(struct sys_ctx *x, int thread, enum mcall what, uint64_t a, uint64_t b,
	       uint64_t *ret)
{
	struct mctx ctx, *c = &ctx;	/* on the stack: a call is short and never nests */
	volatile int err = 0;

	c->x = x;
	c->lm = lm_get(x);
	if (!c->lm)
		return sys_fail(x, -ENOMEM, "out of memory");
	c->thr = &c->lm->thr[thread];
	c->thr->used = 1;
	c->steps = 0;
	c->msg = NULL;
	c->sig = 0;
	c->err = 0;
	if (thread)
		c->lm->multi_thread = 1;	/* a second thread exists: !SINGLE_THREAD_P */
	if (setjmp(c->out) == 0) {
		switch (what) {
		case MC_MALLOC: *ret = do_malloc(c, a); break;
		case MC_FREE: do_free(c, a); *ret = 0; break;
		case MC_CALLOC: *ret = do_calloc(c, a, b); break;
		case MC_REALLOC: *ret = do_realloc(c, a, b); break;
		case MC_MEMALIGN: *ret = do_memalign(c, a, b); break;
		case MC_THREAD_EXIT: arena_thread_exit(c); *ret = 0; break;
		}
	} else if (c->sig) {
		err = kill_caller(c);
	} else {
		err = sys_fail(x, c->err, "%s", c->err == -EINTR ? "killed by the OOM killer" :
			       "out of memory");
	}
	return err;
}

int libc_malloc(struct sys_ctx *x, uint64_t bytes, uint64_t *ret)
{
	return run(x, 0, MC_MALLOC, bytes, 0, ret);
}

int libc_free(struct sys_ctx *x, uint64_t mem)
{
	uint64_t dummy;

	return run(x, 0, MC_FREE, mem, 0, &dummy);
}

int libc_calloc(struct sys_ctx *x, uint64_t n, uint64_t elem, uint64_t *ret)
{
	return run(x, 0, MC_CALLOC, n, elem, ret);
}

int libc_realloc(struct sys_ctx *x, uint64_t mem, uint64_t bytes, uint64_t *ret)
{
	return run(x, 0, MC_REALLOC, mem, bytes, ret);
}

int libc_memalign(struct sys_ctx *x, uint64_t alignment, uint64_t bytes, uint64_t *ret)
{
	return run(x, 0, MC_MEMALIGN, alignment, bytes, ret);
}

/* For malloc_stats.c: run fn on the caller's allocator state as a call does. */
int libc_malloc_run(struct sys_ctx *x, void (*fn)(struct mctx *c, void *arg), void *arg)
{
	struct mctx *c;
	volatile int err = 0;

	c = kzalloc(sizeof(*c));
	if (!c)
		return sys_fail(x, -ENOMEM, "out of memory");
	c->x = x;
	c->lm = lm_get(x);
	if (!c->lm) {
		kfree(c);
		return sys_fail(x, -ENOMEM, "out of memory");
	}
	c->thr = &c->lm->thr[0];
	utlb_flush(c);
	if (setjmp(c->out) == 0) {
		ptmalloc_init(c);
		fn(c, arg);
	} else if (c->sig) {
		err = kill_caller(c);
	} else {
		err = sys_fail(x, c->err, "out of memory");
	}
	kfree(c);
	return err;
}

int libc_malloc_thread_call(struct sys_ctx *x, int thread, const struct mm_call *mc, uint64_t *ret)
{
	uint64_t dummy;

	if (thread < 0 || thread >= LIBC_THREADS_MAX)
		return sys_fail(x, -EINVAL, "thread %d: the model keeps %d threads' allocator state",
				thread, LIBC_THREADS_MAX);
	if (!ret)
		ret = &dummy;
	switch (mc->verb) {
	case MMV_MALLOC: return run(x, thread, MC_MALLOC, mc->len, 0, ret);
	case MMV_FREE: return run(x, thread, MC_FREE, mc->addr, 0, ret);
	case MMV_CALLOC: return run(x, thread, MC_CALLOC, mc->len, mc->new_len, ret);
	case MMV_REALLOC: return run(x, thread, MC_REALLOC, mc->addr, mc->new_len, ret);
	case MMV_MEMALIGN: return run(x, thread, MC_MEMALIGN, mc->len, mc->new_len, ret);
	default: return sys_fail(x, -EINVAL, "not an allocator call");
	}
}

int libc_malloc_thread_exit(struct sys_ctx *x, int thread)
{
	uint64_t dummy;

	if (thread <= 0 || thread >= LIBC_THREADS_MAX || !x->mm->libc_malloc ||
	    !x->mm->libc_malloc->thr[thread].used)
		return 0;
	return run(x, thread, MC_THREAD_EXIT, 0, 0, &dummy);
}
