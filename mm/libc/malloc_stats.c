/* SPDX-License-Identifier: MIT */
/*
 * malloc_stats.c - the allocator's knobs and reports: mallopt, malloc_trim
 * (mtrim: MADV_DONTNEED over the free chunks' whole pages, then systrim),
 * malloc_stats (int_mallinfo, in the text glibc prints to stderr), and the
 * state's life with its mm: released with it, copied by fork, checked.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../internal.h"
#include "../arena.h"
#include "../syscalls.h"
#include "../task.h"
#include "malloc_internal.h"

struct opt_arg {
	int param, value;
	uint64_t ret;
	char *buf;
	size_t len;
};

static void mallopt_fn(struct mctx *c, void *arg)
{
	struct opt_arg *o = arg;
	struct malloc_par *mp = &c->lm->mp;
	uint64_t v = (uint64_t)(int64_t)o->value;	/* glibc takes size_t from an int */

	malloc_consolidate(c, c->lm->arena_va);
	o->ret = 1;	/* glibc 2.36: 1 unless a setter refuses, unknown parameters too */
	switch (o->param) {
	case M_MXFAST:
		if (o->value >= 0 && (uint64_t)o->value <= MAX_FAST_SIZE)
			mp->global_max_fast = o->value == 0 ? MINSIZE / 2
				: ((uint64_t)o->value + SIZE_SZ) & ~MALLOC_ALIGN_MASK;
		else
			o->ret = 0;
		break;
	case M_TRIM_THRESHOLD:
		mp->trim_threshold = v;
		mp->no_dyn_threshold = 1;
		break;
	case M_TOP_PAD:
		mp->top_pad = v;
		mp->no_dyn_threshold = 1;
		break;
	case M_MMAP_THRESHOLD:	/* 2.36 sets any value (the host takes SIZE_MAX) */
		mp->mmap_threshold = v;
		mp->no_dyn_threshold = 1;
		break;
	case M_MMAP_MAX:
		mp->n_mmaps_max = o->value;
		mp->no_dyn_threshold = 1;
		break;
	case M_PERTURB:
		mp->perturb_byte = o->value;	/* kept; not applied (doc/malloc.md) */
		break;
	case M_ARENA_TEST:
		if (o->value > 0)
			mp->arena_test = v;
		break;
	case M_ARENA_MAX:
		if (o->value > 0)
			mp->arena_max = v;
		break;
	}
}

int libc_mallopt(struct sys_ctx *x, int param, int value, uint64_t *ret)
{
	struct opt_arg o = { .param = param, .value = value };
	int err = libc_malloc_run(x, mallopt_fn, &o);

	*ret = o.ret;
	return err;
}

/* mtrim: give back the whole pages inside free chunks, then trim the top. */
static void trim_arena(struct mctx *c, struct opt_arg *o, uint64_t av)
{
	uint64_t psm1 = MM_PAGE_SIZE - 1;
	unsigned psindex = bin_index(MM_PAGE_SIZE);
	int result = 0;

	malloc_consolidate(c, av);
	for (unsigned i = 1; i < NBINS; i++) {
		uint64_t bin = bin_at(av, i);

		if (i != 1 && i < psindex)
			continue;
		for (uint64_t p = bk(c, bin); p != bin; p = bk(c, p)) {
			uint64_t size = chunksize(c, p), paligned;

			if (size <= psm1 + MALLOC_CHUNK_SIZEOF)
				continue;
			paligned = (p + MALLOC_CHUNK_SIZEOF + psm1) & ~psm1;
			size -= paligned - p;
			if (size > psm1) {
				msys_madvise_dontneed(c, paligned, size & ~psm1);
				result = 1;
			}
		}
	}
	o->ret = (uint64_t)(result | (is_main_arena(c, av) ? systrim(c, o->ret, av) : 0));
}

/* __malloc_trim: every arena, main first. */
static void trim_all_fn(struct mctx *c, void *arg)
{
	struct opt_arg *o = arg;
	uint64_t pad = o->ret, av = c->lm->arena_va, result = 0;

	do {
		o->ret = pad;
		trim_arena(c, o, av);
		result |= o->ret;
		av = rd64(c, av + AV_NEXT);
	} while (av != c->lm->arena_va);
	o->ret = result;
}

int libc_malloc_trim(struct sys_ctx *x, uint64_t pad, uint64_t *ret)
{
	struct opt_arg o = { .ret = pad };
	int err = libc_malloc_run(x, trim_all_fn, &o);

	*ret = o.ret;
	return err;
}

/* int_mallinfo of one arena: system bytes and in-use bytes. */
static void mallinfo_arena(struct mctx *c, uint64_t av, uint64_t *arena, uint64_t *inuse)
{
	uint64_t avail = chunksize(c, av_top(c, av));

	for (unsigned i = 0; i < NFASTBINS; i++)
		for (uint64_t p = rd64(c, fastbin_addr(av, i)); p;
		     p = protect_ptr(p + CH_FD, fd(c, p))) {
			if (misaligned(p))
				malloc_printerr(c, "int_mallinfo(): unaligned fastbin chunk detected");
			avail += chunksize(c, p);
		}
	for (unsigned i = 1; i < NBINS; i++) {
		uint64_t b = bin_at(av, i);

		for (uint64_t p = bk(c, b); p != b; p = bk(c, p))
			avail += chunksize(c, p);
	}
	*arena = rd64(c, av + AV_SYSTEM_MEM);
	*inuse = *arena - avail;
}

static void stats_fn(struct mctx *c, void *arg)
{
	struct opt_arg *o = arg;
	struct malloc_par *mp = &c->lm->mp;
	uint64_t arena, inuse, av = c->lm->arena_va;
	unsigned in_use_b = (unsigned)mp->mmapped_mem, system_b = in_use_b;
	size_t n = 0;
	int i = 0;

	do {
		mallinfo_arena(c, av, &arena, &inuse);
		n += (size_t)snprintf(o->buf + n, n < o->len ? o->len - n : 0,
				      "Arena %d:\n"
				      "system bytes     = %10u\n"
				      "in use bytes     = %10u\n",
				      i++, (unsigned)arena, (unsigned)inuse);
		system_b += (unsigned)arena;
		in_use_b += (unsigned)inuse;
		av = rd64(c, av + AV_NEXT);
	} while (av != c->lm->arena_va && n < o->len);
	snprintf(o->buf + (n < o->len ? n : o->len), n < o->len ? o->len - n : 0,
		 "Total (incl. mmap):\n"
		 "system bytes     = %10u\n"
		 "in use bytes     = %10u\n"
		 "max mmap regions = %10u\n"
		 "max mmap bytes   = %10lu\n",
		 system_b, in_use_b, (unsigned)mp->max_n_mmaps, (unsigned long)mp->max_mmapped_mem);
}

int libc_malloc_stats(struct sys_ctx *x, char *buf, size_t len)
{
	struct opt_arg o = { .buf = buf, .len = len };

	if (len)
		buf[0] = '\0';
	return libc_malloc_run(x, stats_fn, &o);
}

void libc_malloc_release(struct mm_struct *mm)
{
	kfree(mm->libc_malloc);
	mm->libc_malloc = NULL;
}

int libc_malloc_dup(struct mm_struct *dst, const struct mm_struct *src)
{
	struct libc_malloc *lm;

	dst->libc_malloc = NULL;
	if (!src->libc_malloc)
		return 0;
	lm = kmalloc(sizeof(*lm));
	if (!lm)
		return -ENOMEM;
	memcpy(lm, src->libc_malloc, sizeof(*lm));
	for (unsigned i = 0; i < UTLB_SLOTS; i++)
		lm->tlb[i].vpage = 1;	/* the parent's translations are not the child's */
	dst->libc_malloc = lm;
	return 0;
}
