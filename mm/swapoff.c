// SPDX-License-Identifier: MIT
/*
 * swapoff.c - bringing a swap device's pages back into memory (kernel:
 * try_to_unuse, unuse_mm, unuse_pte in mm/swapfile.c).
 *
 * Every swap PTE on the device, process by process in pid order and VMA
 * by VMA, gets its page back: from the swap cache when it holds it, else
 * read from the device (pswpin or swpin_zero; no fault, so no majflt and
 * no readahead). The PTE maps it old and write-protected, as unuse_pte
 * does; a later store takes the write-protect fault, which reuses the page
 * when it is the process's own. Then the page leaves the swap cache and
 * the slot is freed (a THP the swap cache still holds: page by page, the
 * folio leaving the cache with its last slot). Pages the swap cache holds with no PTE left
 * (readahead that was never used) are dropped last, after the shmem
 * objects' pages (shmem_unuse) have come back into their page caches.
 *
 * Memory may run short on the way: direct reclaim runs (to the other
 * devices; this one takes no new pages) and the read is tried again; if it
 * still fails the caller gets -ENOMEM and the device stays, holding
 * whatever was not brought back yet, as Linux's swapoff does.
 */
#include <errno.h>

#include "internal.h"
#include "huge_memory.h"
#include "memory_internal.h"
#include "page_alloc.h"
#include "pgtable.h"
#include "rmap.h"
#include "swap.h"
#include "task.h"
#include "vma.h"
#include "vmscan.h"

struct unuse_arg {
	int type;
	struct vm_area_struct *vma;
	int err;
};

/* The page of e, in the swap cache, reclaiming once if memory is short. */
static struct page *unuse_get_page(struct machine *m, swp_entry_t e)
{
	int hit;
	struct page *page = read_swap_cache_async(m, e, &hit);

	if (!page) {
		try_to_free_pages(m, 0, GFP_HIGHUSER_MOVABLE, 0);
		page = read_swap_cache_async(m, e, &hit);
	}
	return page;
}

static int unuse_pte(struct machine *m, struct mm_struct *mm, uint64_t addr, pte_t *pte,
		     void *arg)
{
	struct unuse_arg *ua = arg;
	struct vm_area_struct *vma = ua->vma;
	swp_entry_t e;
	struct page *page;

	if (!pte_is_swap(*pte) || (int)pte_swp_type(*pte) != ua->type)
		return 0;
	e = pte_to_swp_entry(*pte);
	page = unuse_get_page(m, e);
	if (!page) {
		ua->err = -ENOMEM;
		return 1;
	}
	if (page_in_thp(m, page)) {	/* a page of a THP still cached: that page alone */
		struct page *head = compound_head_of(m, page);

		thp_get(head, head);
		if (pte_swp_exclusive(*pte))
			SetPageFlag(page, PG_anon_exclusive);
		swap_free(m, e);
		mm->rss[MM_SWAPENTS]--;
		thp_add_pte(m, head, page);
		mm->rss[MM_ANONPAGES]++;
		*pte = mk_pte(m, vma, page, 0) & ~_PAGE_ACCESSED;
		folio_free_swap(m, head);	/* once its last slot is unreferenced */
		thp_put(m, head, head);
		return 0;
	}
	get_page(page);
	if (pte_swp_exclusive(*pte))
		SetPageFlag(page, PG_anon_exclusive);
	swap_free(m, e);
	mm->rss[MM_SWAPENTS]--;
	if (!PageFlag(page, PG_anon))
		anon_vma_prepare(mm, vma);
	page_add_anon_rmap(m, mm, page, vma, addr);
	*pte = mk_pte(m, vma, page, 0) & ~_PAGE_ACCESSED;	/* old, write-protected */
	if (vma->vm_flags & MM_VM_LOCKED)
		mlock_page(m, page);
	folio_free_swap(m, page);
	put_page(m, page);
	return 0;
}

/* Drop the swap-cache pages of type that nothing maps or refers to any more. */
static void unuse_cache_only(struct machine *m, struct swap_info_struct *si)
{
	for (uint64_t off = 1; off < si->max && si->inuse_pages; off++) {
		struct page *page;

		if (!(si->swap_map[off] & SWAP_HAS_CACHE))
			continue;
		page = swap_cache_get(m, swp_entry((unsigned)si->type, off));
		if (page)
			folio_free_swap(m, page);
	}
}

int try_to_unuse(struct machine *m, int type)
{
	struct swap_info_struct *si = m->swap_info[type];
	struct unuse_arg ua = { .type = type };

	for (int pid = 0; pid < m->pid_max && si->inuse_pages; pid++) {
		struct task *t = m->tasks[pid];

		if (!t || !t->mm || !thread_group_leader(t))
			continue;	/* a shared mm once */
		for (struct vm_area_struct *v = vma_first(t->mm); v && !ua.err; v = vma_next_of(v)) {
			ua.vma = v;
			walk_ptes(m, t->mm, v->vm_start, v->vm_end, unuse_pte, &ua);
		}
		if (ua.err)
			return ua.err;
	}
	if (shmem_unuse(m, type))
		return -ENOMEM;
	unuse_cache_only(m, si);
	/* every reference is a PTE or the cache here; anything left is a bug */
	return si->inuse_pages ? -ENOMEM : 0;
}
