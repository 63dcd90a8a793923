// SPDX-License-Identifier: MIT
/*
 * memory_swap.c - a fault on a swap entry, and swap entries leaving a
 * page table (kernel: do_swap_page, zap_nonpresent_ptes,
 * copy_nonpresent_pte in mm/memory.c).
 *
 * do_swap_page: the swap cache may hold the page already (a readahead
 * page, a page still being reclaimed, one another process faulted in):
 * a minor fault, counted as a readahead hit when readahead brought it. If
 * not, it is read in with its readahead window: a major fault. The PTE
 * then maps the page, writable when the page is this process's alone
 * (the swap PTE said exclusive, or nobody else refers to the slot); a
 * write fault dirties it. The slot stays with the swap cache (the copy on
 * swap is still good: a clean page goes again without a write) unless a
 * write fault made the copy stale, the mapping is locked, or swap is more
 * than half full (should_try_to_free_swap).
 */
#include "internal.h"
#include "memory.h"
#include "memory_internal.h"
#include "page_alloc.h"
#include "pgtable.h"
#include "rmap.h"
#include "swap.h"
#include "task.h"
#include "vma.h"

/*
 * Give the slot up now rather than keep the copy on swap? (kernel:
 * should_try_to_free_swap). refs counts the cache's reference and the
 * fault's own.
 */
static int should_try_to_free_swap(struct machine *m, struct page *page,
				   struct vm_area_struct *vma, unsigned flags)
{
	if (!PageFlag(page, PG_swapcache))
		return 0;
	if (vm_swap_full(m) || (vma->vm_flags & MM_VM_LOCKED) || PageFlag(page, PG_mlocked))
		return 1;
	/* a write makes the copy on swap stale: worth it if nobody else holds the page */
	return (flags & FAULT_FLAG_WRITE) && page->refcount == 2;
}

unsigned do_swap_page(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma,
		      uint64_t addr, pte_t *pte, unsigned flags)
{
	swp_entry_t e = pte_to_swp_entry(*pte);
	int exclusive = pte_swp_exclusive(*pte), major = 0;
	struct page *page;
	unsigned ret = 0;

	if (!swp_info(m, e) || !swap_count(m, e))
		return VM_FAULT_SIGBUS;	/* a bad entry: Linux kills with SIGBUS too */
	page = swap_cache_get(m, e);
	if (page) {
		swap_update_readahead(m, page, vma, addr);
	} else {
		page = swapin_readahead(m, vma, addr, e, &major);
		if (!page)
			return VM_FAULT_OOM;
		if (major)
			ret |= VM_FAULT_MAJOR;
	}
	get_page(page);		/* the fault's own reference, as Linux holds one */
	swap_free(m, e);
	mm->rss[MM_SWAPENTS]--;
	if (should_try_to_free_swap(m, page, vma, flags))
		folio_free_swap(m, page);
	/* ours alone: the swap PTE said so, or nothing else holds the page now */
	exclusive = exclusive || page->refcount == 1;
	if (!PageFlag(page, PG_anon))
		anon_vma_prepare(mm, vma);	/* a page read in: it joins this VMA */
	page_add_anon_rmap(m, mm, page, vma, addr);
	*pte = mk_pte(m, vma, page, 0);
	if (exclusive) {
		SetPageFlag(page, PG_anon_exclusive);
		if (vma->vm_flags & MM_VM_WRITE) {
			*pte |= _PAGE_RW;	/* writable but clean: a store dirties it for free */
			if (flags & FAULT_FLAG_WRITE)
				*pte |= _PAGE_DIRTY;
		}
	}
	if (vma->vm_flags & MM_VM_LOCKED)
		mlock_page(m, page);
	put_page(m, page);
	return ret;	/* a write to a page not ours alone: the caller's do_wp_page copies it */
}

/* ---- swap entries leaving page tables ---- */

void zap_swap_pte(struct machine *m, struct mm_struct *mm, pte_t pte)
{
	mm->rss[MM_SWAPENTS]--;
	free_swap_and_cache(m, pte_to_swp_entry(pte));
}

pte_t copy_swap_pte(struct machine *m, struct mm_struct *dst, pte_t *src_pte)
{
	swap_duplicate(m, pte_to_swp_entry(*src_pte));
	dst->rss[MM_SWAPENTS]++;
	/* neither side owns the page alone now */
	*src_pte &= ~_PAGE_SWP_EXCLUSIVE;
	return *src_pte;
}
