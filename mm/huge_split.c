// SPDX-License-Identifier: MIT
/*
 * huge_split.c - an anonymous THP becomes 512 order-0 pages (kernel:
 * split_huge_page_to_list_to_order, __folio_split, remap_page in
 * mm/huge_memory.c; the contract is split_folio's, in huge_memory.h).
 *
 * Who splits: reclaim, when no whole swap cluster is free
 * (thp_swpout_fallback) or the folio is only partly mapped (it sat on the
 * deferred split queue); MADV_PAGEOUT and MADV_COLD over part of a folio.
 *
 * The folio's state is per subpage already (mapcount, refcount, the swap
 * entry and PG_swapcache, PG_anon_exclusive, PG_zeroed); what the folio
 * held for all of them (PG_dirty, the LRU flags, the anon_vma and the
 * index, whose tail copies held folio counters) is handed to each page.
 *
 *   before:  [H|1|2|...|511]  one LRU entry counting 512, PG_head
 *   after:   [H] [1] [2] ... [511]  each its own LRU entry (or batch entry)
 */
#include "internal.h"
#include "page_alloc.h"
#include "pgtable.h"
#include "huge_memory.h"
#include "rmap.h"
#include "swap.h"
#include "task.h"
#include "vma.h"

/* The folio-wide flags each page inherits. */
#define SPLIT_INHERIT	((1ULL << PG_dirty) | (1ULL << PG_active) | (1ULL << PG_referenced) | \
			 (1ULL << PG_workingset))

static int split_pmd_one(struct machine *m, struct vm_area_struct *vma, uint64_t haddr,
			 pte_t *pmd, void *arg)
{
	(void)arg;
	return split_huge_pmd(m, vma->vm_mm, haddr, pmd);
}

static int no_pte(struct machine *m, struct vm_area_struct *vma, uint64_t addr, pte_t *pte,
		  unsigned i, void *arg)
{
	(void)m, (void)vma, (void)addr, (void)pte, (void)i, (void)arg;
	return 0;
}

/*
 * A PTE maps subpage i: if it holds only zeros, map the shared zero page
 * instead (try_to_map_unused_to_zeropage), unless the mapping is locked.
 */
static int zero_remap_one(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
			  pte_t *pte, unsigned i, void *arg)
{
	struct page *head = arg, *page = head + i;

	(void)addr;
	if ((vma->vm_flags & MM_VM_LOCKED) || PageFlag(page, PG_swapcache) ||
	    !page_is_zero_filled(m, page))
		return 0;
	*pte = pfn_pte(m->zero_pfn, vm_page_prot(vma->vm_flags) & ~_PAGE_RW) | _PAGE_ACCESSED;
	thp_remove_pte(m, vma->vm_mm, page);
	return 0;
}

int split_folio(struct machine *m, struct page *head, struct list_head *list)
{
	uint64_t first = head->index, anon_vma = head->private, inherit;
	enum lru_list lru = page_lru(head);
	int on_lru = PageFlag(head, PG_lru);
	struct list_head *at = head->lru.next;

	lockdep_assert_held(m);
	VM_BUG_ON(!page_in_thp(m, head) || head != compound_head_of(m, head));
	rmap_walk_thp(m, head, split_pmd_one, no_pte, NULL);	/* TTU_SPLIT_HUGE_PMD */
	/*
	 * Linux maps the zero page once the pages are split: the PTEs leaving
	 * here put no folio on the deferred split queue (it is being split)
	 */
	head[2].private = 1;
	rmap_walk_thp(m, head, split_pmd_one, zero_remap_one, head);
	/* the zero remap may have dropped the last mapping's reference: the caller holds one */
	VM_BUG_ON(!*folio_refs(head));
	inherit = head->flags & SPLIT_INHERIT;
	if (on_lru)
		lru_del(m, head);
	ClearPageFlag(head, PG_head);
	split_page_owner(m, head, HPAGE_PMD_NR);
	head[1].private = head[2].private = 0;
	for (unsigned i = 0; i < HPAGE_PMD_NR; i++) {
		struct page *p = head + i;

		p->index = first + i;
		p->private = anon_vma;
		p->flags = (p->flags & ~SPLIT_INHERIT) | inherit;
	}
	if (on_lru)
		lru_add_before(m, head, lru, at);
	for (unsigned i = HPAGE_PMD_NR - 1; i >= 1; i--) {
		struct page *p = head + i;

		if (!p->mapcount && !PageFlag(p, PG_swapcache)) {
			VM_BUG_ON(p->refcount);
			p->private = 0;
			p->index = 0;
			free_pages(m, p, 0);	/* nothing maps it: it goes without I/O */
		} else if (list) {
			p->refcount++;		/* the isolation's, as head's */
			list_add_tail(&p->lru, list);
		} else {
			lru_add_before(m, p, lru, &head->lru);
		}
	}
	count_vm_event(m, THP_SPLIT_PAGE);
	return 0;
}
