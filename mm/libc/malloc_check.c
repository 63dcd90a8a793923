/* SPDX-License-Identifier: MIT */
/*
 * malloc_check.c - what `check` verifies of a process's allocator state
 * (the model's part: main_arena's image and mp_; the chunks live in the
 * process's pages, where a program may scribble legitimately, and glibc's
 * own checks judge them when they are used).
 */
#include <string.h>

#include "../internal.h"
#include "../task.h"
#include "malloc_internal.h"

static uint64_t av_word(const struct libc_malloc *lm, unsigned off)
{
	uint64_t v;

	memcpy(&v, lm->main_arena + off, sizeof(v));
	return v;
}

int libc_malloc_check(struct mm_struct *mm, int pid, struct rbuf_lite *out)
{
	const struct libc_malloc *lm = mm->libc_malloc;
	const struct malloc_par *mp;
	int bad = 0;

	if (!lm)
		return 0;
	mp = &lm->mp;
	/* with one arena the list is main_arena alone (the others live in process memory) */
	if (lm->narenas <= 1 && av_word(lm, AV_NEXT) != lm->arena_va) {
		rbl_printf(out, "pid %d: malloc: main_arena.next %#llx is not main_arena %#llx\n", pid,
			   (unsigned long long)av_word(lm, AV_NEXT), (unsigned long long)lm->arena_va);
		bad++;
	}
	if (!lm->initialized) {
		if (lm->thr[0].tcache || mp->sbrk_base || mp->n_mmaps || lm->narenas) {
			rbl_printf(out, "pid %d: malloc: state in use before ptmalloc_init\n", pid);
			bad++;
		}
		return bad;
	}
	if (av_word(lm, AV_TOP) & MALLOC_ALIGN_MASK) {
		rbl_printf(out, "pid %d: malloc: top %#llx is not 16-byte aligned\n", pid,
			   (unsigned long long)av_word(lm, AV_TOP));
		bad++;
	}
	if (av_word(lm, AV_SYSTEM_MEM) > av_word(lm, AV_MAX_SYSMEM)) {
		rbl_printf(out, "pid %d: malloc: system_mem %llu above max_system_mem %llu\n", pid,
			   (unsigned long long)av_word(lm, AV_SYSTEM_MEM),
			   (unsigned long long)av_word(lm, AV_MAX_SYSMEM));
		bad++;
	}
	if (mp->n_mmaps < 0 || mp->n_mmaps > mp->max_n_mmaps || mp->mmapped_mem > mp->max_mmapped_mem ||
	    (mp->n_mmaps == 0) != (mp->mmapped_mem == 0)) {
		rbl_printf(out, "pid %d: malloc: %d mmap'd chunks of %llu bytes (max %d, %llu)\n", pid,
			   mp->n_mmaps, (unsigned long long)mp->mmapped_mem, mp->max_n_mmaps,
			   (unsigned long long)mp->max_mmapped_mem);
		bad++;
	}
	if (mp->global_max_fast > MAX_FAST_SIZE + SIZE_SZ || mp->tcache_bins > TCACHE_MAX_BINS) {
		rbl_printf(out, "pid %d: malloc: max_fast %llu, tcache_bins %llu out of range\n", pid,
			   (unsigned long long)mp->global_max_fast,
			   (unsigned long long)mp->tcache_bins);
		bad++;
	}
	if (mp->sbrk_base && (mp->sbrk_base < mm->start_brk || av_word(lm, AV_TOP) < mp->sbrk_base) &&
	    !(av_word(lm, AV_FLAGS) & NONCONTIGUOUS_BIT)) {
		rbl_printf(out, "pid %d: malloc: sbrk_base %#llx, top %#llx outside the heap from %#llx\n",
			   pid, (unsigned long long)mp->sbrk_base,
			   (unsigned long long)av_word(lm, AV_TOP), (unsigned long long)mm->start_brk);
		bad++;
	}
	return bad;
}
