/* SPDX-License-Identifier: MIT */
/*
 * vmscan.c - reclaim (kernel: mm/vmscan.c), and the walk MADV_COLD and
 * MADV_PAGEOUT share (madvise_cold_or_pageout_pte_range). Today:
 * reclaim_pages() on the pages of one range; LRU scanning, kswapd and
 * swap-out build on this.
 *
 * A page is reclaimed only if this mapping is its only one (the advice
 * concerns this process's memory). Unmapping is try_to_unmap; then the page
 * goes if it can: a clean file or shmem page leaves the page cache (a
 * shmem page never written is only zeros: a later fault makes a new one);
 * a dirty shmem or anonymous page would need swap, which does not exist
 * yet, so dirty shmem stays cached (unmapped, as Linux leaves it with no
 * swap) and anonymous memory is not touched (try_to_unmap of anon fails
 * without a swap slot), except a lazily freeable page (MADV_FREE) whose
 * PTE is still clean: that one is discarded.
 *
 * A large page-cache folio is taken whole when the range maps all of it,
 * in order; one the range maps only in part is first split into single
 * pages, unless another process maps it too (then it is left alone).
 */
#include "internal.h"
#include "pgtable.h"
#include "memory_internal.h"
#include "rmap.h"
#include "filemap.h"
#include "vmscan.h"
#include "task.h"
#include "vma.h"

struct cold_walk {
	uint64_t end;		/* of the advice's range */
	uint64_t skip_to;	/* the PTEs below it belong to a folio already handled */
	int pageout;		/* MADV_PAGEOUT, else MADV_COLD */
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

/* try_to_unmap of one PTE for reclaim: the dirty bit goes to the page. */
static void unmap_for_reclaim(struct machine *m, struct mm_struct *mm, pte_t *pte,
			      struct page *page)
{
	if (pte_dirty(*pte))
		set_page_dirty(m, page);	/* the whole folio, as try_to_unmap's folio_mark_dirty */
	*pte = 0;
	page_remove_rmap(m, mm, page);
	put_page(m, page);
	count_vm_event(m, PGSCAN_DIRECT);
}

/*
 * Reclaim of an anonymous page (try_to_unmap_one): one that needs swap
 * stays; a lazily freeable one (MADV_FREE) is discarded, unless a store
 * dirtied its PTE since, which makes it swap-backed again.
 */
static void reclaim_lazyfree(struct machine *m, struct mm_struct *mm, pte_t *pte,
			     struct page *page)
{
	if (PageFlag(page, PG_swapbacked) || page->refcount != 1)
		return;
	if (pte_dirty(*pte)) {
		lru_del(m, page);
		SetPageFlag(page, PG_swapbacked);
		lru_add(m, page, LRU_ACTIVE_ANON);
		return;
	}
	*pte = 0;
	page_remove_rmap(m, mm, page);
	put_page(m, page);
	count_vm_event(m, PGSCAN_DIRECT);
	count_vm_event(m, PGSTEAL_DIRECT);
	count_vm_event(m, PGLAZYFREED);
}

/*
 * A dirty file folio reclaim unmapped but cannot write (only kswapd writes
 * file pages): shrink_folio_list marks it for immediate reclaim once the
 * flusher has written it (PG_reclaim, which is the PG_readahead bit: so
 * fault-around skips it, and a fault on it starts async readahead, until
 * writeback ends) and activates it. Shmem gives its mark back at once.
 */
static void keep_dirty_folio(struct machine *m, struct page *page)
{
	if (!PageFlag(page, PG_dirty) || page_is_shmem(page) || page->mapcount)
		return;
	folio_set_readahead_flag(page, 1);
	if (PageFlag(page, PG_lru) && !PageFlag(page, PG_unevictable)) {
		lru_del(m, page);
		lru_add(m, page, LRU_ACTIVE_FILE);
	}
}

/* MADV_COLD: off the active list, unreferenced. */
static void deactivate_page(struct machine *m, pte_t *pte, struct page *page)
{
	*pte &= ~_PAGE_ACCESSED;
	ClearPageFlag(page, PG_referenced);
	if (PageFlag(page, PG_lru) && PageFlag(page, PG_active) && !PageFlag(page, PG_unevictable)) {
		lru_del(m, page);
		lru_add(m, page, PageFlag(page, PG_swapbacked) ? LRU_INACTIVE_ANON : LRU_INACTIVE_FILE);
		count_vm_event(m, PGDEACTIVATE);
	}
}

/* A large folio the range maps whole, from addr on: cold or reclaimed as one. */
static void cold_or_pageout_folio(struct machine *m, struct mm_struct *mm, uint64_t addr,
				  struct page *page, int pageout)
{
	uint64_t first = folio_index(page), nr = folio_nr_pages(page), went;

	for (uint64_t i = 0; i < nr; i++) {
		struct page *p = filemap_find_page(page->mapping, first + i);

		if (p->mapcount != 1 || PageFlag(p, PG_unevictable))
			return;	/* mapped elsewhere too, or mlocked */
	}
	for (uint64_t i = 0; i < nr; i++) {
		pte_t *pte = pte_lookup(m, mm, addr + (i << MM_PAGE_SHIFT), 0, NULL);
		struct page *p = filemap_find_page(page->mapping, first + i);

		if (pageout)
			unmap_for_reclaim(m, mm, pte, p);
		else
			deactivate_page(m, pte, p);
	}
	if (!pageout)
		return;
	if ((went = filemap_remove_folio(m, page)))
		count_vm_events(m, PGSTEAL_DIRECT, (int64_t)went);
	else
		keep_dirty_folio(m, page);
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
			cold_or_pageout_folio(m, mm, addr, page, w->pageout);
			return 0;
		}
		if (folio_mapped_elsewhere(m, mm, page)) {
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
	if (!w->pageout) {
		deactivate_page(m, pte, page);
		return 0;
	}
	if (page->mapcount != 1 || PageFlag(page, PG_unevictable))
		return 0;
	if (page_is_anon(page)) {
		reclaim_lazyfree(m, mm, pte, page);
		return 0;
	}
	unmap_for_reclaim(m, mm, pte, page);
	if (!PageFlag(page, PG_dirty) && filemap_remove_folio(m, page))
		count_vm_event(m, PGSTEAL_DIRECT);
	else
		keep_dirty_folio(m, page);
	return 0;
}

void cold_or_pageout_range(struct machine *m, struct mm_struct *mm, uint64_t start, uint64_t end,
			   int pageout)
{
	struct cold_walk w = { .end = end, .skip_to = 0, .pageout = pageout };

	walk_ptes(m, mm, start, end, cold_or_pageout_one, &w);
}
