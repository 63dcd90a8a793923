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
 *
 * A page the swap cache holds as part of a THP (reclaim swapped it out
 * whole and it is still cached): when the folio's 512 PTEs are all its
 * swap entries, in order, inside the VMA and this PMD, the fault maps the
 * whole folio with PTEs at once (Linux 6.11+); otherwise only its page.
 * Either way a minor fault. Anything read from the device comes in as
 * single pages (the host's swap is not SWP_SYNCHRONOUS_IO).
 */
#include "internal.h"
#include "huge_memory.h"
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

/*
 * How many PTEs from fpte on hold the entries of the THP head, from its
 * first (can_swapin_thp for a folio in the swap cache): 512 or less.
 */
static unsigned thp_swap_ptes(struct machine *m, struct vm_area_struct *vma, uint64_t faddr,
			      pte_t *fpte, struct page *head, pte_t want_excl)
{
	unsigned n = 0;

	if (faddr & (PMD_SIZE - 1) || faddr < vma->vm_start || faddr + PMD_SIZE > vma->vm_end)
		return 0;
	for (; n < HPAGE_PMD_NR; n++) {
		pte_t p = fpte[n];

		if (!pte_is_swap(p) || pte_to_swp_entry(p).val != head[n].swap ||
		    (p & _PAGE_SWP_EXCLUSIVE) != want_excl)
			break;
	}
	(void)m;
	return n;
}

/* One PTE of a THP subpage read back from the swap cache (swap_free, rmap, the PTE). */
static void map_thp_swap_pte(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma,
			     pte_t *pte, struct page *head, struct page *page, unsigned flags)
{
	int exclusive = pte_swp_exclusive(*pte);

	swap_free(m, pte_to_swp_entry(*pte));
	mm->rss[MM_SWAPENTS]--;
	thp_add_pte(m, head, page);
	mm->rss[MM_ANONPAGES]++;
	*pte = mk_pte(m, vma, page, 0);
	if (exclusive) {
		SetPageFlag(page, PG_anon_exclusive);
		if (vma->vm_flags & MM_VM_WRITE) {
			*pte |= _PAGE_RW;
			if (flags & FAULT_FLAG_WRITE)
				*pte |= _PAGE_DIRTY;
		}
	} else {
		ClearPageFlag(page, PG_anon_exclusive);
	}
}

static unsigned do_swap_thp(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma,
			    uint64_t addr, pte_t *pte, unsigned flags, struct page *head,
			    struct page *page)
{
	uint64_t i = (uint64_t)(page - head), faddr = (addr & ~(MM_PAGE_SIZE - 1)) - (i << MM_PAGE_SHIFT);
	pte_t *fpte = pte - i;
	int whole = thp_swap_ptes(m, vma, faddr, fpte, head, *pte & _PAGE_SWP_EXCLUSIVE) ==
		    HPAGE_PMD_NR;
	int free_swap = vm_swap_full(m) || (vma->vm_flags & MM_VM_LOCKED) ||
			((flags & FAULT_FLAG_WRITE) && *folio_refs(head) == HPAGE_PMD_NR);

	swap_update_readahead(m, page, vma, addr);
	thp_get(head, head);	/* the fault's own reference */
	if (whole) {
		for (unsigned k = 0; k < HPAGE_PMD_NR; k++)
			map_thp_swap_pte(m, mm, vma, fpte + k, head, head + k, flags);
	} else {
		map_thp_swap_pte(m, mm, vma, pte, head, page, flags);
	}
	if (free_swap)
		folio_free_swap(m, head);
	thp_put(m, head, head);
	return 0;
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
	if (page && page_in_thp(m, page))
		return do_swap_thp(m, mm, vma, addr, pte, flags, compound_head_of(m, page), page);
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
