// SPDX-License-Identifier: MIT
/*
 * madvise_cold.c - MADV_COLD and MADV_PAGEOUT (kernel:
 * madvise_cold_or_pageout_pte_range, folio_deactivate, reclaim_pages).
 *
 * Both walk the range's PTEs and look only at pages this mapping alone
 * maps (the advice concerns this process's memory). MADV_COLD makes them
 * old and moves active ones to the inactive list (pgdeactivate).
 * MADV_PAGEOUT isolates them and hands them to reclaim at the end of the
 * walk, which takes them whatever their references (reclaim_pages in
 * vmscan.c): anonymous pages go to swap and stay in the swap cache until
 * memory is wanted, clean file pages leave the page cache, dirty ones are
 * marked for reclaim once written; none of it counts as scanning or
 * stealing (no pgscan, no pgsteal: reclaim.md §6.2).
 *
 * A large page-cache folio is taken whole when the range maps all of it;
 * one the range maps only in part is first split into single pages,
 * unless another process maps it too (then it is left alone).
 *
 * An anonymous THP likewise: a PMD the range covers whole, or 512 PTEs
 * mapping it in order from its first page, give the folio whole to
 * reclaim (or to the inactive list: pgdeactivate 512), unless it may be
 * shared; a PMD covered in part is split with its folio (thp_split_pmd,
 * thp_split_page), and a PTE-mapped folio the range covers in part is
 * split unless it may be shared. The huge zero page is left alone.
 */
#include "internal.h"
#include "filemap.h"
#include "huge_memory.h"
#include "pgtable.h"
#include "rmap.h"
#include "task.h"
#include "vma.h"
#include "vmscan.h"

struct cold_walk {
	uint64_t end;		/* of the advice's range */
	uint64_t skip_to;	/* the PTEs below it belong to a folio already handled */
	int pageout;		/* MADV_PAGEOUT, else MADV_COLD */
	struct list_head batch;	/* MADV_PAGEOUT: the isolated pages */
};

/* The page a present PTE of a user page maps, or NULL (none, huge, the zero page). */
static struct page *pte_page(struct machine *m, pte_t pte)
{
	if (!pte_present(pte) || (pte & _PAGE_PSE) || pte_pfn(pte) == m->zero_pfn)
		return NULL;
	return pfn_to_page(m, pte_pfn(pte));
}

static int is_cache_page(const struct page *page)
{
	return page->mapping && !page_is_anon(page);
}

/*
 * How many PTEs from addr on map the pages of page's folio one after the
 * other, starting with page, within [addr, end) (folio_pte_batch).
 */
static uint64_t folio_pte_batch(struct machine *m, struct mm_struct *mm, uint64_t addr,
				uint64_t end, struct page *page)
{
	uint64_t last = folio_index(page) + folio_nr_pages(page), nr = 0;

	for (uint64_t i = page->index; i < last && addr < end; i++, addr += MM_PAGE_SIZE, nr++) {
		pte_t *pte = pte_lookup(m, mm, addr, 0, NULL);

		if (!pte || pte_page(m, *pte) != filemap_find_page(page->mapping, i))
			break;
	}
	return nr;
}

/* The PTEs of mm that map pages of page's folio (every VMA of the file). */
static uint64_t folio_maps_in_mm(struct machine *m, struct mm_struct *mm, struct page *page)
{
	uint64_t first = folio_index(page), end = first + folio_nr_pages(page), n = 0;

	for (struct vm_area_struct *v = vma_first(mm); v; v = vma_next_of(v)) {
		if (!v->vm_file || file_inode(v->vm_file) != page->mapping)
			continue;
		for (uint64_t i = first; i < end; i++) {
			pte_t *pte;

			if (i < v->vm_pgoff || i >= v->vm_pgoff + vma_pages(v))
				continue;
			pte = pte_lookup(m, mm, v->vm_start + ((i - v->vm_pgoff) << MM_PAGE_SHIFT), 0, NULL);
			if (pte && pte_page(m, *pte) == filemap_find_page(page->mapping, i))
				n++;
		}
	}
	return n;
}

/* folio_maybe_mapped_shared: does another process map a page of the folio? */
static int folio_mapped_elsewhere(struct machine *m, struct mm_struct *mm, struct page *page)
{
	uint64_t mapcount = 0;

	for (uint64_t i = folio_index(page), end = i + folio_nr_pages(page); i < end; i++)
		mapcount += (uint64_t)filemap_find_page(page->mapping, i)->mapcount;
	return mapcount > folio_maps_in_mm(m, mm, page);
}

/* MADV_COLD of one page: old, unreferenced, and off the active list. */
static void deactivate_page(struct machine *m, pte_t *pte, struct page *page)
{
	*pte &= ~_PAGE_ACCESSED;
	ClearPageFlag(page, PG_referenced);
	if (PageFlag(page, PG_lru) && PageFlag(page, PG_active) && !PageFlag(page, PG_unevictable)) {
		SetPageFlag(page, PG_workingset);
		lru_del(m, page);
		lru_add(m, page, PageFlag(page, PG_swapbacked) ? LRU_INACTIVE_ANON : LRU_INACTIVE_FILE);
		count_vm_event(m, PGDEACTIVATE);
	}
}

/* MADV_PAGEOUT of one page (or folio, through its first page): to the batch. */
static void pageout_page(struct machine *m, struct page *page, struct cold_walk *w)
{
	ClearPageFlag(page, PG_referenced);
	if (PageFlag(page, PG_active))
		SetPageFlag(page, PG_workingset);
	if (!PageFlag(page, PG_unevictable))
		isolate_folio(m, page, &w->batch);
}

/* MADV_COLD or MADV_PAGEOUT of a whole THP: old, unreferenced, deactivated or isolated. */
static void cold_or_pageout_thp(struct machine *m, struct page *head, struct cold_walk *w)
{
	ClearPageFlag(head, PG_referenced);
	if (PageFlag(head, PG_unevictable) || !PageFlag(head, PG_lru))
		return;
	if (w->pageout) {
		pageout_page(m, head, w);
	} else if (PageFlag(head, PG_active)) {
		SetPageFlag(head, PG_workingset);
		lru_del(m, head);
		lru_add(m, head, LRU_INACTIVE_ANON);
		count_vm_events(m, PGDEACTIVATE, HPAGE_PMD_NR);
	}
}

/* Split a THP the advice covers in part (the walk holds a reference meanwhile). */
static void split_thp(struct machine *m, struct page *head)
{
	thp_get(head, head);
	split_folio(m, head, NULL);
	put_page(m, head);
}

static int cold_or_pageout_pmd(struct machine *m, struct mm_struct *mm, uint64_t addr,
			       uint64_t next, pte_t *pmd, void *arg)
{
	struct page *head = pfn_to_page(m, pte_pfn(*pmd));

	(void)mm;
	if (pte_pfn(*pmd) == m->huge_zero_pfn || !page_in_thp(m, head))
		return 0;
	if (next - addr != PMD_SIZE) {
		split_thp(m, head);	/* then its PTEs, one page at a time */
		return 0;
	}
	if (thp_maybe_shared(head))
		return 0;
	*pmd &= ~_PAGE_ACCESSED;
	cold_or_pageout_thp(m, head, arg);
	return 0;
}

/*
 * A PTE maps a subpage of a THP: the folio whole when the PTEs from here
 * map all of it in order (the range covers it), else it is split.
 * Returns the page the PTE maps now (an order-0 page), or NULL when done.
 */
static struct page *cold_or_pageout_pte_thp(struct machine *m, struct mm_struct *mm,
					    uint64_t addr, pte_t *pte, struct page *page,
					    struct cold_walk *w)
{
	struct page *head = compound_head_of(m, page);
	uint64_t nr = 0, a = addr;

	for (struct page *p = page; p < head + HPAGE_PMD_NR && a < w->end;
	     p++, a += MM_PAGE_SIZE, nr++) {
		pte_t *q = pte_lookup(m, mm, a, 0, NULL);

		if (!q || pte_page(m, *q) != p)
			break;
	}
	if (nr == HPAGE_PMD_NR) {
		w->skip_to = addr + (nr << MM_PAGE_SHIFT);
		if (thp_maybe_shared(head))
			return NULL;
		for (uint64_t k = 0; k < nr; k++)
			*pte_lookup(m, mm, addr + (k << MM_PAGE_SHIFT), 0, NULL) &= ~_PAGE_ACCESSED;
		cold_or_pageout_thp(m, head, w);
		return NULL;
	}
	if (thp_maybe_shared(head)) {
		w->skip_to = addr + (nr << MM_PAGE_SHIFT);
		return NULL;
	}
	split_thp(m, head);
	return pte_page(m, *pte);
}

/* A large folio the range maps whole, from addr on: cold or reclaimed as one. */
static void cold_or_pageout_folio(struct machine *m, struct mm_struct *mm, uint64_t addr,
				  struct page *page, struct cold_walk *w)
{
	uint64_t first = folio_index(page), nr = folio_nr_pages(page);

	for (uint64_t i = 0; i < nr; i++) {
		struct page *p = filemap_find_page(page->mapping, first + i);

		if (p->mapcount != 1 || PageFlag(p, PG_unevictable))
			return;	/* mapped elsewhere too, or mlocked */
	}
	if (w->pageout) {
		pageout_page(m, filemap_find_page(page->mapping, first), w);
		return;
	}
	for (uint64_t i = 0; i < nr; i++)
		deactivate_page(m, pte_lookup(m, mm, addr + (i << MM_PAGE_SHIFT), 0, NULL),
				filemap_find_page(page->mapping, first + i));
}

static int cold_or_pageout_one(struct machine *m, struct mm_struct *mm, uint64_t addr, pte_t *pte,
			       void *arg)
{
	struct cold_walk *w = arg;
	struct page *page = pte_page(m, *pte);

	if (!page || addr < w->skip_to)
		return 0;
	if (is_cache_page(page) && folio_order(page)) {
		uint64_t nr = folio_pte_batch(m, mm, addr, w->end, page);

		if (nr == folio_nr_pages(page)) {
			w->skip_to = addr + (nr << MM_PAGE_SHIFT);
			cold_or_pageout_folio(m, mm, addr, page, w);
			return 0;
		}
		if (folio_mapped_elsewhere(m, mm, page) || !PageFlag(page, PG_lru)) {
			w->skip_to = addr + (nr << MM_PAGE_SHIFT);
			return 0;
		}
		/* split_folio unmaps a file folio: the page is handled only if still mapped */
		if (filemap_split_folio(m, page, UINT64_MAX)) {
			w->skip_to = addr + (nr << MM_PAGE_SHIFT);
			return 0;
		}
		page = pte_page(m, *pte);
		if (!page)
			return 0;
	}
	if (page_in_thp(m, page) && !(page = cold_or_pageout_pte_thp(m, mm, addr, pte, page, w)))
		return 0;
	if (page->mapcount != 1 || !PageFlag(page, PG_lru))
		return 0;	/* shared pages are left alone */
	if (w->pageout)
		pageout_page(m, page, w);
	else
		deactivate_page(m, pte, page);
	return 0;
}

void cold_or_pageout_range(struct machine *m, struct mm_struct *mm, uint64_t start, uint64_t end,
			   int pageout)
{
	struct cold_walk w = { .end = end, .skip_to = 0, .pageout = pageout };

	INIT_LIST_HEAD(&w.batch);
	walk_range(m, mm, start, end, cold_or_pageout_pmd, cold_or_pageout_one, &w);
	if (pageout)
		reclaim_pages(m, &w.batch);
}
