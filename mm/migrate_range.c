// SPDX-License-Identifier: MIT
/*
 * migrate_range.c - the pages of an address range to the nodes a callback
 * picks (kernel: mempolicy.c's queue_pages_range, queue_folios_pte_range,
 * migrate_folio_add, then migrate_pages). mbind(MPOL_MF_MOVE) and
 * migrate_pages(2) both come through here; see migrate.h for the contract.
 *
 * The walk isolates every page it is to move onto a list per target node
 * first, and migrates the lists after it, as Linux does: a page isolated
 * once is not met again (the PTEs of a PTE-mapped THP lead to the same
 * head, which is skipped after its first PTE).
 */
#include "internal.h"
#include "huge_memory.h"
#include "migrate.h"
#include "pgtable.h"
#include "rmap.h"
#include "task.h"
#include "vma.h"

struct range_walk {
	struct vm_area_struct *vma;
	migrate_node_fn node_for;
	void *arg;
	int flags;
	struct page *large;		/* the last THP queued (qp->large) */
	uint64_t nr_failed;		/* pages that could not be isolated */
	uint64_t queued;		/* the lists hold pages */
	struct list_head lists[MM_MAX_NODES];
};

/* Offer the folio of page, mapped at addr, to the callback; queue it. */
static void offer(struct machine *m, struct range_walk *w, struct page *page, uint64_t addr)
{
	struct page *folio;
	int nid, target;

	if (PageFlag(page, PG_zero) || PageFlag(page, PG_reserved) || PageFlag(page, PG_pgtable) ||
	    !page->refcount)
		return;
	folio = migrate_folio_of(m, page);
	if (folio == w->large || PageFlag(folio, PG_zero) || PageFlag(folio, PG_hugetlb))
		return;
	nid = migrate_page_nid(m, folio);
	target = w->node_for(w->arg, w->vma, addr, nid);
	if (target < 0 || target >= m->nr_nodes || target == nid)
		return;
	if (!(w->flags & MPOL_MF_MOVE_ALL) && migrate_folio_shared(m, folio))
		return;		/* a shared folio stays, and is no failure (migrate_folio_add) */
	if (migrate_isolate(m, folio, &w->lists[target])) {
		w->nr_failed += migrate_folio_nr(m, folio);
		return;
	}
	if (migrate_folio_nr(m, folio) > 1)
		w->large = folio;
	w->queued++;
}

static int range_pte(struct machine *m, struct mm_struct *mm, uint64_t addr, pte_t *pte, void *arg)
{
	(void)mm;
	if (pte_present(*pte) && pte_pfn(*pte) != m->zero_pfn)
		offer(m, arg, pfn_to_page(m, pte_pfn(*pte)), addr);
	return 0;
}

static int range_pmd(struct machine *m, struct mm_struct *mm, uint64_t addr, uint64_t end,
		     pte_t *pmd, void *arg)
{
	(void)mm, (void)end;
	if (pte_pfn(*pmd) != m->huge_zero_pfn || !m->huge_zero_pfn)
		offer(m, arg, pfn_to_page(m, pte_pfn(*pmd)), addr);
	return 0;
}

int migrate_range(struct machine *m, struct mm_struct *mm, uint64_t start, uint64_t end,
		  migrate_node_fn node_for, void *arg, int flags, uint64_t *nr_failed)
{
	struct range_walk *w;
	uint64_t failed;

	lockdep_assert_held(m);
	if (start & (MM_PAGE_SIZE - 1) || end < start)
		return -EINVAL;
	w = kzalloc(sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->node_for = node_for;
	w->arg = arg;
	w->flags = flags;
	for (int n = 0; n < MM_MAX_NODES; n++)
		INIT_LIST_HEAD(&w->lists[n]);
	for (struct vm_area_struct *v = vma_find(mm, start); v && v->vm_start < end; v = vma_next_of(v)) {
		uint64_t a = v->vm_start > start ? v->vm_start : start;
		uint64_t b = v->vm_end < end ? v->vm_end : end;

		if (v->vm_flags & (MM_VM_IO | MM_VM_PFNMAP | MM_VM_HUGETLB))
			continue;	/* !vma_migratable */
		w->vma = v;
		walk_range(m, mm, a, b, range_pmd, range_pte, w);
	}
	failed = w->nr_failed;
	for (int n = 0; w->queued && n < m->nr_nodes; n++)
		if (!list_empty(&w->lists[n]))
			failed += migrate_pages_list(m, &w->lists[n], n, NULL);
	kfree(w);
	if (nr_failed)
		*nr_failed = failed;
	return 0;
}
