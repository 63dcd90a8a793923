/* SPDX-License-Identifier: MIT */
/*
 * memory.c - the fault path (kernel: handle_mm_fault and friends).
 *
 *   none PTE, anonymous VMA  -> do_anonymous_page: read maps the shared zero
 *                               page (not counted in Rss); write allocates
 *   none PTE, file/shmem VMA -> do_fault (memory_file.c): the page-cache
 *                               page, or for a private write its anonymous
 *                               copy (COW)
 *   present, write, RO PTE   -> do_wp_page: reuse an exclusive anonymous
 *                               page, copy a shared one, or (shared mapping)
 *                               make it writable and dirty
 *
 * A new anonymous page is not zeroed in host memory: it carries PG_zeroed
 * until someone writes bytes into it (proc/PID/mem), so a fault costs what
 * the bookkeeping costs, and reads of it return zeros.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "trace.h"
#include "mempolicy.h"
#include "page_alloc.h"
#include "pgtable.h"
#include "memory.h"
#include "memory_internal.h"
#include "rmap.h"
#include "filemap.h"
#include "readahead.h"
#include "swap.h"
#include "vmscan.h"
#include "huge_memory.h"
#include "hugetlb.h"
#include "syscalls.h"
#include "task.h"
#include "vma.h"

struct page *alloc_user_page(struct machine *m, struct vm_area_struct *vma, uint64_t addr)
{
	struct page *page = vma_alloc_pages(m, GFP_HIGHUSER_MOVABLE | __GFP_USER_ZERO, 0, vma, addr);

	if (page)
		SetPageFlag(page, PG_zeroed);
	return page;
}

void copy_user_page(struct machine *m, struct page *dst, struct page *src)
{
	if (PageFlag(src, PG_zeroed) || page_to_pfn(m, src) == m->zero_pfn)
		SetPageFlag(dst, PG_zeroed);
	else {
		memcpy(page_address(m, dst), page_address(m, src), MM_PAGE_SIZE);
		ClearPageFlag(dst, PG_zeroed);
	}
}

/* A present PTE of an exclusive anonymous page (a forced write may go in place). */
int page_is_anon_pte(struct machine *m, pte_t pte)
{
	struct page *page;

	if (pte_pfn(pte) == m->zero_pfn)
		return 0;
	page = pfn_to_page(m, pte_pfn(pte));
	return page_is_anon(page) && page->mapcount == 1 && page->refcount == 1 &&
	       (!page_in_thp(m, page) || !*folio_entire_mapcount(compound_head_of(m, page)));
}

/* Unmap an anonymous or file page from one PTE and drop that reference. */
void unmap_pte_page(struct machine *m, struct mm_struct *mm, struct page *page)
{
	if (page_in_thp(m, page)) {
		thp_remove_pte(m, mm, page);
		return;
	}
	page_remove_rmap(m, mm, page);
	put_page(m, page);
}

/*
 * The entry that maps addr (a PTE, or a huge PMD) when it is present, and
 * the pfn of addr's 4 KiB page in *pfn; NULL when nothing is mapped.
 */
pte_t *follow_entry(struct machine *m, struct mm_struct *mm, uint64_t addr, uint64_t *pfn)
{
	pte_t *e = mm->pgd ? pmd_lookup(m, mm, addr, 0, NULL) : NULL;

	if (e && pmd_trans_huge(*e)) {
		*pfn = pte_pfn(*e) + ((addr & (PMD_SIZE - 1)) >> MM_PAGE_SHIFT);
		return e;
	}
	e = mm->pgd ? pte_lookup(m, mm, addr, 0, NULL) : NULL;
	if (!e || !pte_present(*e))
		return NULL;
	*pfn = pte_pfn(*e);
	return e;
}

/* Can the CPU access addr without a fault? Then mark the entry as it would. */
static int access_ok_nofault(struct machine *m, struct mm_struct *mm, uint64_t addr, int write)
{
	uint64_t pfn;
	pte_t *e = follow_entry(m, mm, addr, &pfn);

	if (!e || !(*e & _PAGE_PRESENT) || (write && !pte_write(*e)))
		return 0;
	*e |= _PAGE_ACCESSED | (write ? _PAGE_DIRTY : 0);
	return 1;
}

/*
 * A store dirtied a cache page: accounted and stamped for the flusher, and
 * outside readers of the file are told (their copy may be stale now).
 */
void set_page_dirty(struct machine *m, struct page *page)
{
	if (PageFlag(page, PG_dirty) || page_is_anon(page))
		return;
	if (page_is_shmem(page)) {
		/* shmem's noop_dirty_folio: the flag alone (no Dirty, no writeback) */
		SetPageFlag(page, PG_dirty);
		return;
	}
	filemap_mark_dirty(m, page);
	filemap_notify_page(m, page);
}

/* The PTE bits for a page of vma: writable only if asked and allowed. */
pte_t mk_pte(struct machine *m, struct vm_area_struct *vma, struct page *page, int writable)
{
	pte_t pte = pfn_pte(page_to_pfn(m, page), vm_page_prot(vma->vm_flags) & ~_PAGE_RW);

	pte |= _PAGE_ACCESSED;
	if (writable && (vma->vm_flags & MM_VM_WRITE))
		pte |= _PAGE_RW | _PAGE_DIRTY;
	return pte;
}

void map_new_anon(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma,
			 uint64_t addr, pte_t *pte, struct page *page, int dirty)
{
	anon_vma_prepare(mm, vma);
	page_add_new_anon_rmap(m, mm, page, vma, addr);
	*pte = mk_pte(m, vma, page, 1);
	if (dirty)
		*pte |= _PAGE_DIRTY;	/* a forced write into a read-only mapping */
	if (vma->vm_flags & MM_VM_LOCKED)
		mlock_page(m, page);
}

static unsigned do_anonymous_page(struct machine *m, struct mm_struct *mm,
				  struct vm_area_struct *vma, uint64_t addr, pte_t *pte, unsigned flags)
{
	struct page *page;

	if (!(flags & FAULT_FLAG_WRITE)) {
		*pte = pfn_pte(m->zero_pfn, vm_page_prot(vma->vm_flags) & ~_PAGE_RW) | _PAGE_ACCESSED;
		return 0;
	}
	page_owner_site(m, PO_SITE_ANON);
	page = alloc_user_page(m, vma, addr);
	if (!page)
		return VM_FAULT_OOM;
	map_new_anon(m, mm, vma, addr, pte, page, 1);
	return 0;
}

static unsigned do_wp_page(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma,
			   uint64_t addr, pte_t *pte, unsigned flags)
{
	uint64_t pfn = pte_pfn(*pte);
	struct page *old = pfn == m->zero_pfn ? NULL : pfn_to_page(m, pfn), *copy;
	int forced = !(vma->vm_flags & MM_VM_WRITE);

	if (old && (vma->vm_flags & MM_VM_SHARED)) {
		*pte |= _PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED;
		set_page_dirty(m, old);
		return 0;
	}
	if (old && page_is_anon(old) && PageFlag(old, PG_swapcache)) {
		/*
		 * An exclusive page is reused as it is, its slot and swap-cache
		 * copy kept (do_wp_page's PageAnonExclusive test comes first);
		 * otherwise a copy nobody else refers to is given up rather than
		 * copied around (wp_can_reuse_anon_folio)
		 */
		if (PageFlag(old, PG_anon_exclusive) && old->mapcount == 1)
			goto reuse;
		folio_free_swap(m, old);
	}
	if (old && page_is_anon_pte(m, *pte)) {
reuse:
		/* the only user: write to it in place (wp_page_reuse) */
		SetPageFlag(old, PG_anon_exclusive);
		*pte |= _PAGE_DIRTY | _PAGE_ACCESSED | (forced ? 0 : _PAGE_RW);
		count_vm_event(m, PGREUSE);
		return 0;
	}
	page_owner_site(m, PO_SITE_COW);
	copy = alloc_user_page(m, vma, addr);
	if (!copy)
		return VM_FAULT_OOM;
	if (old) {
		copy_user_page(m, copy, old);
		unmap_pte_page(m, mm, old);
	}
	map_new_anon(m, mm, vma, addr, pte, copy, forced);
	if (forced)
		*pte &= ~_PAGE_RW;
	return 0;
}

/*
 * The PMD level of a fault (kernel: __handle_mm_fault): a hugetlb VMA, an
 * empty PMD of a THP-eligible range, or a huge PMD. VM_FAULT_FALLBACK sends
 * the fault on to the PTE level.
 */
static unsigned huge_pmd_fault(struct machine *m, struct mm_struct *mm,
			       struct vm_area_struct *vma, uint64_t addr, unsigned flags)
{
	uint64_t haddr = addr & ~(PMD_SIZE - 1);
	pte_t *pmd = pmd_lookup(m, mm, addr, 1, NULL);

	if (!pmd)
		return VM_FAULT_OOM;
	if (vma->vm_flags & MM_VM_HUGETLB)
		return hugetlb_fault(m, mm, vma, haddr, pmd, flags & FAULT_FLAG_WRITE);
	if (pte_none(*pmd) && thp_vma_suitable(m, vma, haddr))
		return do_huge_pmd_anonymous_page(m, mm, vma, haddr, pmd, flags);
	if (!pmd_trans_huge(*pmd))
		return VM_FAULT_FALLBACK;
	if ((flags & FAULT_FLAG_WRITE) && !pte_write(*pmd))
		return do_huge_pmd_wp_page(m, mm, vma, haddr, pmd);
	*pmd |= _PAGE_ACCESSED | ((flags & FAULT_FLAG_WRITE) ? _PAGE_DIRTY : 0);
	return 0;
}

unsigned handle_mm_fault(struct machine *m, struct task *t, struct vm_area_struct *vma,
			 uint64_t addr, unsigned flags)
{
	struct mm_struct *mm = t->mm;
	unsigned ret;
	pte_t *pte;

	addr &= ~(MM_PAGE_SIZE - 1);
	if (!mm->pgd && pgd_alloc(m, mm))
		return VM_FAULT_OOM;
	/* a PTE table already there: the PMD level has nothing to do (the common case) */
	pte = pte_lookup(m, mm, addr, 0, NULL);
	if (!pte) {
		ret = huge_pmd_fault(m, mm, vma, addr, flags);
		if (!(ret & VM_FAULT_FALLBACK))
			goto done;
		/* a file fault allocates its PTE table only if it maps something */
		pte = pte_lookup(m, mm, addr,
				 vma_is_anonymous(vma) || vma->special != VMA_SPECIAL_NONE, NULL);
	}
	if (!pte && !vma_is_anonymous(vma) && vma->special == VMA_SPECIAL_NONE) {
		ret = do_fault(m, mm, vma, addr, flags);
	} else if (!pte) {
		return VM_FAULT_OOM;
	} else if (pte_none(*pte)) {
		if (vma->special != VMA_SPECIAL_NONE)
			ret = 0;	/* vvar/vdso: nothing the model maps */
		else if (vma_is_anonymous(vma))
			ret = do_anonymous_page(m, mm, vma, addr, pte, flags);
		else
			ret = do_fault(m, mm, vma, addr, flags);
	} else if (pte_is_swap(*pte)) {
		ret = do_swap_page(m, mm, vma, addr, pte, flags);
		if (!(ret & VM_FAULT_ERROR) && (flags & FAULT_FLAG_WRITE) && !pte_write(*pte))
			ret |= do_wp_page(m, mm, vma, addr, pte, flags);
	} else if ((flags & FAULT_FLAG_WRITE) && !pte_write(*pte)) {
		ret = do_wp_page(m, mm, vma, addr, pte, flags);
	} else {
		*pte |= _PAGE_ACCESSED | ((flags & FAULT_FLAG_WRITE) ? _PAGE_DIRTY : 0);
		ret = 0;
	}
done:
	count_vm_event(m, PGFAULT);
	if (ret & VM_FAULT_ERROR)
		return ret;
	if (ret & VM_FAULT_MAJOR) {
		count_vm_event(m, PGMAJFAULT);
		if (!(flags & FAULT_FLAG_REMOTE))
			t->maj_flt++;
	} else if (!(flags & FAULT_FLAG_REMOTE)) {
		t->min_flt++;
	}
	return ret;
}

/*
 * Grow t's stack VMA down to addr (kernel: expand_downwards), or -ENOMEM.
 * Past the guard gap check the VMA gets its anon_vma, even if the growth
 * then fails (that keeps VM_ACCOUNT through a later mprotect to read-only,
 * and decides what it may merge with). The growth is charged to
 * Committed_AS as acct_stack_growth does, and the overcommit policy may
 * refuse it; Linux charges even a VMA without VM_ACCOUNT, which it then
 * never gives back: we charge only what munmap will uncharge.
 */
static int expand_stack(struct machine *m, struct task *t, struct vm_area_struct *vma,
			uint64_t addr)
{
	struct vm_area_struct *prev = vma_prev_of(vma);
	struct sys_ctx x = { .m = m, .t = t, .mm = t->mm };

	addr &= ~(MM_PAGE_SIZE - 1);
	if (prev && !(prev->vm_flags & MM_VM_GROWSDOWN) &&
	    (prev->vm_flags & (MM_VM_READ | MM_VM_WRITE | MM_VM_EXEC)) &&
	    addr - prev->vm_end < STACK_GUARD_GAP)
		return -ENOMEM;
	if (prev && prev->vm_end > addr)
		return -ENOMEM;
	anon_vma_prepare(t->mm, vma);
	if (vma->vm_end - addr > RLIMIT_STACK_DEFAULT)
		return -ENOMEM;
	if ((vma->vm_flags & MM_VM_ACCOUNT) &&
	    vm_enough_memory(&x, (vma->vm_start - addr) >> MM_PAGE_SHIFT))
		return -ENOMEM;
	vma_adjust(t->mm, vma, addr, vma->vm_end,
		   vma->vm_pgoff - ((vma->vm_start - addr) >> MM_PAGE_SHIFT));
	return 0;
}

static void log_fault(struct machine *m, struct task *t, struct vm_area_struct *vma,
		      uint64_t addr, int write, int prot, unsigned fault)
{
	char where[MM_SNAP_PATH_MAX + 64] = "";

	if (vma)
		snprintf(where, sizeof(where), " in %s[%llx+%llx]",
			 vma->vm_file ? strrchr(vma->vm_file->path, '/') + 1 : t->comm,
			 (unsigned long long)vma->vm_start,
			 (unsigned long long)(vma->vm_end - vma->vm_start));
	if (fault & VM_FAULT_SIGBUS)
		kmsg_add(m, "%s[%d]: bus error at %llx (beyond the end of the mapped object)%s",
			 t->comm, t->pid, (unsigned long long)addr, where);
	else
		kmsg_add(m, "%s[%d]: segfault at %llx ip 0000000000000000 sp 0000000000000000 "
			 "error %x%s likely on CPU 0 (core 0, socket 0)", t->comm, t->pid,
			 (unsigned long long)addr, 4 | (write ? 2 : 0) | (prot ? 1 : 0), where);
}

int touch_range(struct machine *m, struct task *t, uint64_t addr, uint64_t len, int write,
		char *why, size_t whylen)
{
	uint64_t end = addr + len, a = addr & ~(MM_PAGE_SIZE - 1);
	struct alloc_retry retry = { 0 };

	if (end < addr) {
		snprintf(why, whylen, "addr + len overflows");
		return -EINVAL;
	}
	for (; a < end; a += MM_PAGE_SIZE) {
		struct vm_area_struct *vma;
		uint64_t allowed = write ? MM_VM_WRITE : (MM_VM_READ | MM_VM_WRITE | MM_VM_EXEC);
		uint64_t at = a < addr ? addr : a;
		unsigned fault;

		if (step_boundary(a) && a != (addr & ~(MM_PAGE_SIZE - 1))) {
			kswapd_run(m);
			if (resched_or_killed(m, t)) {
				snprintf(why, whylen, "interrupted at %#llx: the process is being killed",
					 (unsigned long long)a);
				return -EINTR;
			}
		} else if (kswapd_point(m, a)) {
			kswapd_run(m);
		}
		vma = vma_find(t->mm, a);

		if (vma && vma->vm_start > a && (!(vma->vm_flags & MM_VM_GROWSDOWN) ||
						 expand_stack(m, t, vma, a)))
			vma = NULL;
		if (!vma || !(vma->vm_flags & allowed)) {
			if (trace_enabled(m, TE_PAGE_FAULT_USER))
				trace_page_fault_user(m, at, 0, PF_USER | (write ? PF_WRITE : 0) |
						      (vma && page_resident(m, t->mm, vma, a) ? PF_PROT : 0));
			log_fault(m, t, vma, at, write, vma && page_resident(m, t->mm, vma, a), 0);
			snprintf(why, whylen, "segfault at %#llx (%s)", (unsigned long long)at,
				 !vma ? "no mapping" : write ? "not writable" : "not readable");
			return -EFAULT;
		}
		if (access_ok_nofault(m, t->mm, a, write))
			continue;
		/* the CPU's fault, before the kernel looks (exc_page_fault) */
		if (trace_enabled(m, TE_PAGE_FAULT_USER))
			trace_page_fault_user(m, at, 0, PF_USER | (write ? PF_WRITE : 0) |
					      (page_resident(m, t->mm, vma, a) ? PF_PROT : 0));
		fault = handle_mm_fault(m, t, vma, a, write ? FAULT_FLAG_WRITE : 0);
		if (fault & VM_FAULT_OOM) {
			switch (alloc_retry(m, &retry)) {
			case ALLOC_RETRY:
				a -= MM_PAGE_SIZE;	/* the same page again */
				continue;
			case ALLOC_KILLED:
				snprintf(why, whylen, "killed by the OOM killer at %#llx",
					 (unsigned long long)at);
				return -EINTR;
			}
			snprintf(why, whylen, "out of memory at %#llx", (unsigned long long)at);
			return -ENOMEM;
		}
		retry.no_progress_loops = 0;
		if (fault & VM_FAULT_ERROR) {
			log_fault(m, t, vma, at, write, 0, fault);
			snprintf(why, whylen, "bus error at %#llx (past the end of the file)",
				 (unsigned long long)at);
			return -EFAULT;
		}
	}
	return 0;
}

int faultin_range(struct machine *m, struct task *t, struct vm_area_struct *vma,
		   uint64_t start, uint64_t end, int write)
{
	struct alloc_retry retry = { 0 };
	unsigned flags = 0;

	/* FAULTIN_POPULATE: write faults break COW in private writable mappings */
	if (write == FAULTIN_WRITE || (write == FAULTIN_POPULATE &&
	    (vma->vm_flags & (MM_VM_WRITE | MM_VM_SHARED)) == MM_VM_WRITE))
		flags |= FAULT_FLAG_WRITE;
	if (write == FAULTIN_POPULATE)
		flags |= FAULT_FLAG_RETRY_FRESH;
	if (vma->vm_flags & (MM_VM_IO | MM_VM_PFNMAP))
		return 0;
	for (uint64_t a = start; a < end; a += MM_PAGE_SIZE) {
		unsigned fault;
		uint64_t pfn;
		pte_t *e;

		if (step_boundary(a) && a != start) {
			kswapd_run(m);
			if (resched_or_killed(m, t))
				return -EINTR;
		} else if (kswapd_point(m, a)) {
			kswapd_run(m);
		}
		e = follow_entry(m, t->mm, a, &pfn);

		if (e && (*e & _PAGE_PRESENT) && (!(flags & FAULT_FLAG_WRITE) || pte_write(*e)))
			continue;
		fault = handle_mm_fault(m, t, vma, a, flags);
		if (fault & VM_FAULT_OOM) {
			int r = alloc_retry(m, &retry);

			if (r == ALLOC_RETRY) {
				a -= MM_PAGE_SIZE;	/* the same page again */
				continue;
			}
			return r == ALLOC_KILLED ? -EINTR : -ENOMEM;
		}
		retry.no_progress_loops = 0;
		if (fault & VM_FAULT_ERROR)
			return -EFAULT;
	}
	return 0;
}
