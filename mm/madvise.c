// SPDX-License-Identifier: MIT
/*
 * madvise.c - advice on a range (kernel: mm/madvise.c, mm/ksm.c
 * ksm_madvise, mm/khugepaged.c hugepage_madvise).
 *
 * Flag advice (NORMAL RANDOM SEQUENTIAL DONTFORK DOFORK WIPEONFORK
 * KEEPONFORK DONTDUMP DODUMP MERGEABLE UNMERGEABLE HUGEPAGE NOHUGEPAGE)
 * changes vm_flags, splitting and merging. Page advice (WILLNEED DONTNEED
 * FREE REMOVE COLD PAGEOUT POPULATE_*) is validated VMA by VMA with
 * Linux's errno, then acts on the pages: readahead, zap, lazy free, hole
 * punch, deactivation, reclaim, faults. Holes are skipped and reported as
 * ENOMEM at the end; a range running past the last VMA stops at once with
 * ENOMEM.
 */
#include <errno.h>

#include "internal.h"
#include "syscalls.h"
#include "memory.h"
#include "huge_memory.h"
#include "filemap.h"
#include "readahead.h"
#include "rmap.h"
#include "pgtable.h"
#include "vmscan.h"
#include "task.h"
#include "swap.h"
#include "vma.h"

#define MADV_DONTNEED_LOCKED	24
#define MADV_COLLAPSE		25

static int behavior_valid(int64_t b)
{
	switch (b) {
	case MM_MADV_NORMAL: case MM_MADV_RANDOM: case MM_MADV_SEQUENTIAL:
	case MM_MADV_WILLNEED: case MM_MADV_DONTNEED: case MM_MADV_FREE:
	case MM_MADV_REMOVE: case MM_MADV_DONTFORK: case MM_MADV_DOFORK:
	case MM_MADV_MERGEABLE: case MM_MADV_UNMERGEABLE: case MM_MADV_HUGEPAGE:
	case MM_MADV_NOHUGEPAGE: case MM_MADV_DONTDUMP: case MM_MADV_DODUMP:
	case MM_MADV_WIPEONFORK: case MM_MADV_KEEPONFORK: case MM_MADV_COLD:
	case MM_MADV_PAGEOUT: case MM_MADV_POPULATE_READ: case MM_MADV_POPULATE_WRITE:
	case MADV_DONTNEED_LOCKED: case MADV_COLLAPSE:
		return 1;
	}
	return 0;
}

/* The new flags for flag advice; -EINVAL where the VMA refuses it. */
static int advice_flags(struct sys_ctx *x, const struct vm_area_struct *vma, int64_t b,
			uint64_t *f)
{
	switch (b) {
	case MM_MADV_NORMAL: *f &= ~(MM_VM_RAND_READ | MM_VM_SEQ_READ); return 0;
	case MM_MADV_SEQUENTIAL: *f = (*f & ~MM_VM_RAND_READ) | MM_VM_SEQ_READ; return 0;
	case MM_MADV_RANDOM: *f = (*f & ~MM_VM_SEQ_READ) | MM_VM_RAND_READ; return 0;
	case MM_MADV_DONTFORK: *f |= MM_VM_DONTCOPY; return 0;
	case MM_MADV_DOFORK:
		if (vma->vm_flags & MM_VM_IO)
			return sys_fail(x, -EINVAL, "dofork on an I/O mapping");
		*f &= ~MM_VM_DONTCOPY;
		return 0;
	case MM_MADV_WIPEONFORK:
		if (vma->vm_file || (vma->vm_flags & MM_VM_SHARED))
			return sys_fail(x, -EINVAL, "wipeonfork needs private anonymous memory");
		*f |= MM_VM_WIPEONFORK;
		return 0;
	case MM_MADV_KEEPONFORK: *f &= ~MM_VM_WIPEONFORK; return 0;
	case MM_MADV_DONTDUMP: *f |= MM_VM_DONTDUMP; return 0;
	case MM_MADV_DODUMP:
		if (!(vma->vm_flags & MM_VM_HUGETLB) && (*f & VM_SPECIAL_MASK))
			return sys_fail(x, -EINVAL, "dodump on a special mapping");
		*f &= ~MM_VM_DONTDUMP;
		return 0;
	case MM_MADV_MERGEABLE:
		if (!(*f & (MM_VM_MERGEABLE | MM_VM_SHARED | MM_VM_MAYSHARE | VM_SPECIAL_MASK |
			    MM_VM_HUGETLB)))
			*f |= MM_VM_MERGEABLE;
		return 0;
	case MM_MADV_UNMERGEABLE: *f &= ~MM_VM_MERGEABLE; return 0;
	case MM_MADV_HUGEPAGE: *f = (*f & ~MM_VM_NOHUGEPAGE) | MM_VM_HUGEPAGE; return 0;
	case MM_MADV_NOHUGEPAGE: *f = (*f & ~MM_VM_HUGEPAGE) | MM_VM_NOHUGEPAGE; return 0;
	}
	return 0;
}

static int advice_check(struct sys_ctx *x, struct vm_area_struct *vma, int64_t b);

/* ---- what page advice does to the pages ---- */

static int free_one(struct machine *m, struct mm_struct *mm, uint64_t addr, pte_t *pte, void *arg)
{
	struct page *page;

	(void)mm;
	(void)addr;
	(void)arg;
	if (!pte_present(*pte) || pte_pfn(*pte) == m->zero_pfn)
		return 0;
	page = pfn_to_page(m, pte_pfn(*pte));
	if (!page_is_anon(page) || page->mapcount != 1 || page_in_thp(m, page))
		return 0;	/* shared pages are left alone, as madvise_free_pte_range does */
	*pte &= ~(_PAGE_DIRTY | _PAGE_ACCESSED);
	ClearPageFlag(page, PG_referenced);
	if (PageFlag(page, PG_swapbacked)) {
		lru_del(m, page);	/* off its anon list first: the flag says which */
		ClearPageFlag(page, PG_swapbacked);	/* lazily freeable: LazyFree */
		lru_add(m, page, LRU_INACTIVE_FILE);
		count_vm_event(m, PGLAZYFREE);
	}
	return 0;
}

static void madvise_free_range(struct machine *m, struct mm_struct *mm, uint64_t start, uint64_t end)
{
	walk_ptes(m, mm, start, end, free_one, NULL);
}

/* madvise_willneed of a file: force_page_cache_ra of the range (vfs_fadvise WILLNEED). */
static void readahead_range(struct machine *m, struct vm_area_struct *vma, uint64_t start, uint64_t end)
{
	force_page_cache_ra(m, vma->vm_file, linear_page_index(vma, start),
			    (end - start) >> MM_PAGE_SHIFT);
}

/* Page advice: the checks Linux makes, then the effect on the pages. */
static int advice_pages(struct sys_ctx *x, struct vm_area_struct *vma, uint64_t start,
			uint64_t end, int64_t b)
{
	int err = advice_check(x, vma, b);

	if (err)
		return err;
	switch (b) {
	case MM_MADV_DONTNEED:
	case MADV_DONTNEED_LOCKED:
		zap_page_range(x->m, x->mm, vma, start, end);
		break;
	case MM_MADV_REMOVE:
		/* madvise_remove: a hole punched in the file or shmem object */
		if (vma->vm_flags & MM_VM_HUGETLB) {
			zap_page_range(x->m, x->mm, vma, start, end);
			break;
		}
		err = vfs_punch_hole(x->m, vma->vm_file, linear_page_index(vma, start),
				     linear_page_index(vma, end));
		if (err)
			return sys_fail(x, err, "punching the hole failed");
		break;
	case MM_MADV_FREE:
		madvise_free_range(x->m, x->mm, start, end);
		break;
	case MM_MADV_COLD:
		cold_or_pageout_range(x->m, x->mm, start, end, 0);
		break;
	case MM_MADV_PAGEOUT:
		cold_or_pageout_range(x->m, x->mm, start, end, 1);
		break;
	case MM_MADV_WILLNEED:
		if (vma->vm_file && vma->special == VMA_SPECIAL_NONE &&
		    !shmem_mapping(file_inode(vma->vm_file)))	/* a tmpfs file's too */
			readahead_range(x->m, vma, start, end);
		else if (vma->vm_file && vma->special == VMA_SPECIAL_NONE)
			shmem_swapin_range(x->m, vma, start, end);	/* its pages on swap */
		else if (!vma->vm_file)
			madvise_willneed_swap(x->m, x->mm, start, end);
		break;
	}
	return 0;
}

/* The validation of page advice, in the kernel's order. */
static int advice_check(struct sys_ctx *x, struct vm_area_struct *vma, int64_t b)
{
	uint64_t f = vma->vm_flags;

	switch (b) {
	case MM_MADV_DONTNEED:
	case MM_MADV_FREE:
	case MADV_DONTNEED_LOCKED:
		if ((f & MM_VM_PFNMAP) || ((f & MM_VM_LOCKED) && b != MADV_DONTNEED_LOCKED))
			return sys_fail(x, -EINVAL, "cannot drop pages of a locked or PFN mapping");
		if (b == MM_MADV_FREE && !vma_is_anonymous(vma))
			return sys_fail(x, -EINVAL, "free needs private anonymous memory");
		return 0;
	case MM_MADV_REMOVE:
		if (f & MM_VM_LOCKED)
			return sys_fail(x, -EINVAL, "remove on a locked mapping");
		if (!vma->vm_file)
			return sys_fail(x, -EINVAL, "remove needs a file or shared mapping");
		if ((f & (MM_VM_SHARED | MM_VM_MAYWRITE)) != (MM_VM_SHARED | MM_VM_MAYWRITE))
			return sys_fail(x, -EACCES, "remove needs a shared writable mapping");
		return 0;
	case MM_MADV_COLD:
	case MM_MADV_PAGEOUT:
		if (f & (MM_VM_LOCKED | MM_VM_PFNMAP | MM_VM_HUGETLB))
			return sys_fail(x, -EINVAL, "cannot reclaim a locked, PFN or hugetlb mapping");
		return 0;
	case MADV_COLLAPSE:
		return sys_fail(x, -EINVAL, "collapse comes with the paging work");
	}
	return 0;	/* WILLNEED: readahead, nothing to read */
}

static int is_flag_advice(int64_t b)
{
	switch (b) {
	case MM_MADV_WILLNEED: case MM_MADV_DONTNEED: case MM_MADV_FREE:
	case MM_MADV_REMOVE: case MM_MADV_COLD: case MM_MADV_PAGEOUT:
	case MADV_DONTNEED_LOCKED: case MADV_COLLAPSE:
		return 0;
	}
	return 1;
}

static int madvise_vma(struct sys_ctx *x, struct vm_area_struct **vma, uint64_t start,
		       uint64_t end, int64_t b)
{
	uint64_t f = (*vma)->vm_flags;
	struct vm_area_struct *res;
	int err = 0;

	if (!is_flag_advice(b))
		return advice_pages(x, *vma, start, end, b);
	err = advice_flags(x, *vma, b, &f);
	if (err || f == (*vma)->vm_flags)
		return err;
	res = vma_modify_flags(x->m, x->mm, *vma, start, end, f, &err);
	if (!res)	/* a split refused: madvise says EAGAIN, not ENOMEM */
		return sys_fail(x, -EAGAIN, "splitting a VMA would pass max_map_count");
	*vma = res;
	return 0;
}

/*
 * POPULATE_READ/WRITE: fault every page in order; no VMA fails with
 * ENOMEM, no access with EINVAL, a file page past EOF (SIGBUS) with EFAULT.
 */
static int madvise_populate(struct sys_ctx *x, uint64_t start, uint64_t end, int write)
{
	while (start < end) {
		struct vm_area_struct *v = vma_lookup(x->mm, start);
		uint64_t need = write ? MM_VM_WRITE : MM_VM_READ;

		if (!v)
			return sys_fail(x, -ENOMEM, "range is not fully mapped");
		if ((v->vm_flags & (MM_VM_IO | MM_VM_PFNMAP)) || !(v->vm_flags & need))
			return sys_fail(x, -EINVAL, "the mapping does not allow that access");
		/* faultin_page_range: unlike mm_populate, lock-on-fault is no exception */
		if (faultin_range(x->m, x->t, v, start, v->vm_end < end ? v->vm_end : end,
				  write ? FAULTIN_WRITE : FAULTIN_READ) == -ENOMEM)
			return sys_fail(x, -ENOMEM, "out of memory");
		if (vma_range_past_eof(x->m, v, start, v->vm_end < end ? v->vm_end : end))
			return sys_fail(x, -EFAULT, "a page past the end of %s cannot be faulted in",
					v->vm_file->path);
		start = v->vm_end;
	}
	return 0;
}

int sys_madvise(struct sys_ctx *x, const struct mm_call *c)
{
	uint64_t start = c->addr, len = PAGE_ALIGN_UP(c->len), end, tmp;
	int64_t b = c->advice;
	struct vm_area_struct *vma;
	int unmapped = 0, err;

	if (!behavior_valid(b))
		return sys_fail(x, -EINVAL, "unknown advice %lld", (long long)b);
	if (PAGE_OFFSET_OF(start))
		return sys_fail(x, -EINVAL, "addr is not page-aligned");
	if (c->len && !len)
		return sys_fail(x, -EINVAL, "len wraps around");
	end = start + len;
	if (end < start)
		return sys_fail(x, -EINVAL, "range wraps around");
	if (end == start)
		return 0;
	if (b == MM_MADV_POPULATE_READ || b == MM_MADV_POPULATE_WRITE)
		return madvise_populate(x, start, end, b == MM_MADV_POPULATE_WRITE);
	for (vma = vma_find(x->mm, start); ; vma = vma_find(x->mm, start)) {
		if (!vma)
			return sys_fail(x, -ENOMEM, "range is not fully mapped");
		if (start < vma->vm_start) {
			unmapped = 1;
			start = vma->vm_start;
			if (start >= end)
				break;
		}
		tmp = vma->vm_end < end ? vma->vm_end : end;
		err = madvise_vma(x, &vma, start, tmp, b);
		if (err)
			return err;
		start = tmp > vma->vm_end ? tmp : vma->vm_end;
		if (start >= end)
			break;
	}
	return unmapped ? sys_fail(x, -ENOMEM, "range has a hole") : 0;
}
