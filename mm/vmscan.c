// SPDX-License-Identifier: MIT
/*
 * vmscan.c - what reclaim does to the pages it isolated (kernel:
 * shrink_folio_list, folio_check_references, try_to_unmap, pageout,
 * __remove_mapping in mm/vmscan.c and mm/rmap.c; reclaim.md §4.2, §6, §10).
 *
 * For each page of a batch, oldest first:
 *   - not evictable (mlocked, or a SHM_LOCK'd segment's page): activated,
 *     and its putback sends it to the unevictable list (culled);
 *   - the reference check (unless MADV_PAGEOUT): a young PTE the first
 *     time keeps it with PG_referenced, a second time (or two young PTEs,
 *     or an executable file page) activates it;
 *   - an anonymous page gets a swap slot and joins the swap cache (none
 *     free: activated);
 *   - every PTE mapping it is unmapped: a swap entry for an anonymous page,
 *     nothing for a file page; a lazily freeable page (MADV_FREE) dirtied
 *     again is made swap-backed and activated instead;
 *   - dirty: written. A swap write of zeros only marks the slot
 *     (swpout_zero) and the page goes at once; one with data (pswpout) is
 *     under writeback until the batch is put back, then it goes to the
 *     inactive tail (pgrotated) and the next pass frees it, as a real
 *     device's completion does. Dirty file pages are written only by
 *     kswapd, and only once it has seen them marked for immediate reclaim
 *     and the node's inactive file list full of them; otherwise marked
 *     (PG_reclaim, nr_vmscan_immediate_reclaim) and activated;
 *   - clean and unmapped: out of the swap cache (a shadow stays in the
 *     slot) or the page cache, and freed.
 *
 * Isolation takes a reference, as Linux's does: a page is freed only when
 * nothing but reclaim holds it. A large page-cache folio (readahead's) is
 * isolated, checked and freed whole through its first page.
 *
 * An anonymous THP (its head stands for 512 pages) not yet in the swap
 * cache: one only partly mapped is split first (its unmapped pages go
 * without I/O); else it asks for a whole cluster of 512 slots. If it gets
 * one it goes to swap whole: the PMD is split into 512 PTEs that become
 * swap entries (thp_split_pmd), the folio is written as one (pswpout 512,
 * thp_swpout; all zeros: swpout_zero 512 and nothing written) and leaves
 * as one. If not (a swap file, or no free cluster), it is split
 * (thp_split_page, thp_swpout_fallback) and its pages go one by one: the
 * head now, the others at the end of the batch, last page first.
 */
#include "internal.h"
#include "trace.h"
#include "filemap.h"
#include "huge_memory.h"
#include "hugetlb.h"
#include "memory_internal.h"
#include "pgtable.h"
#include "rmap.h"
#include "swap.h"
#include "task.h"
#include "vma.h"
#include "vmscan.h"
#include "workingset.h"
#include "writeback.h"
#include "zswap.h"


enum folio_references { FOLIOREF_RECLAIM, FOLIOREF_RECLAIM_CLEAN, FOLIOREF_KEEP, FOLIOREF_ACTIVATE };
enum pageout_t { PAGE_KEEP, PAGE_ACTIVATE, PAGE_SUCCESS };

static struct pglist_data *pgdat_of(struct machine *m, struct page *page)
{
	return m->node[page_zone(m, page)->nid];
}

/* A page of a page-cache folio of more than one page. */
static int large_file_folio(const struct page *page)
{
	return page->mapping && !PageFlag(page, PG_anon) && folio_order(page);
}

/* The pages of page's folio, first to last; n of them. */
#define for_each_folio_page(page, p, i, n) \
	for (uint64_t i = 0; i < (n) && ((p) = large_file_folio(page) ? \
		filemap_find_page((page)->mapping, folio_index(page) + i) : (page)); i++)

static uint64_t folio_pages(const struct page *page)
{
	return large_file_folio(page) ? folio_nr_pages(page) : 1;
}

/* The head of an anonymous THP (its flags are the folio's). */
static int anon_thp(const struct page *page)
{
	return PageFlag(page, PG_head) && page_is_anon(page);
}

/* The pages a folio counts for (folio_nr_pages). */
static uint64_t folio_size(const struct page *page)
{
	return anon_thp(page) ? HPAGE_PMD_NR : folio_pages(page);
}

/* Whether any page of the folio is mapped (folio_mapped) or dirty. */
static int folio_any(struct page *page, int dirty)
{
	uint64_t n = folio_pages(page);
	struct page *p;

	if (anon_thp(page))
		return dirty ? PageFlag(page, PG_dirty) : thp_mapped(page);
	for_each_folio_page(page, p, i, n)
		if (dirty ? PageFlag(p, PG_dirty) : p->mapcount > 0)
			return 1;
	return 0;
}

static void folio_set_flag(struct page *page, enum pageflags f, int on)
{
	uint64_t n = folio_pages(page);
	struct page *p;

	for_each_folio_page(page, p, i, n)
		if (on)
			SetPageFlag(p, f);
		else
			ClearPageFlag(p, f);
}

void lru_note_cost(struct machine *m, struct pglist_data *pgdat, int file, uint64_t nr_io,
		   uint64_t nr_rotated)
{
	/* I/O is what reclaiming costs; a rotation only CPU */
	uint64_t cost = nr_io * SWAP_CLUSTER_MAX + nr_rotated, lrusize;

	(void)m;
	if (file)
		pgdat->file_cost += cost;
	else
		pgdat->anon_cost += cost;
	lrusize = (uint64_t)(pgdat->vm_stat[NR_INACTIVE_ANON] + pgdat->vm_stat[NR_ACTIVE_ANON] +
			     pgdat->vm_stat[NR_INACTIVE_FILE] + pgdat->vm_stat[NR_ACTIVE_FILE]);
	/* a floating average: recent costs weigh more than old ones */
	if (pgdat->file_cost + pgdat->anon_cost > lrusize / 4) {
		pgdat->file_cost /= 2;
		pgdat->anon_cost /= 2;
	}
}

/* ---- isolation ---- */

uint64_t isolate_folio(struct machine *m, struct page *page, struct list_head *batch)
{
	uint64_t n;
	struct page *p;

	if (!PageFlag(page, PG_lru) || (PageFlag(page, PG_head) && !anon_thp(page)) ||
	    PageFlag(page, PG_mlocked))
		return 0;
	if (anon_thp(page)) {
		lru_del(m, page);
		thp_get(page, page);	/* isolation's reference */
		list_add_tail(&page->lru, batch);
		return HPAGE_PMD_NR;
	}
	if (large_file_folio(page))
		page = filemap_find_page(page->mapping, folio_index(page));
	n = folio_pages(page);
	for_each_folio_page(page, p, i, n)
		lru_del(m, p);
	get_page(page);		/* isolation's reference */
	list_add_tail(&page->lru, batch);
	return n;
}

void putback_folio_list(struct machine *m, struct list_head *batch)
{
	while (!list_empty(batch)) {
		struct page *page = list_first_entry(batch, struct page, lru), *p;
		uint64_t n = folio_pages(page);

		list_del(&page->lru);
		for_each_folio_page(page, p, i, n) {
			if (PageFlag(p, PG_lru))
				continue;
			if (!folio_evictable(p)) {	/* mlocked meanwhile, or SHM_LOCK'd */
				ClearPageFlag(p, PG_active);
				lru_add(m, p, LRU_UNEVICTABLE);
				count_vm_event(m, UNEVICTABLE_PGS_CULLED);
			} else {
				lru_add(m, p, page_lru(p));
			}
		}
		/* its swap write ended: to the tail, where the next pass frees it */
		if (PageFlag(page, PG_writeback)) {
			ClearPageFlag(page, PG_writeback);
			if (PageFlag(page, PG_reclaim) && PageFlag(page, PG_lru) &&
			    !PageFlag(page, PG_unevictable)) {
				ClearPageFlag(page, PG_reclaim);
				list_move_tail(&page->lru, &pgdat_of(m, page)->lru[page_lru(page)]);
				count_vm_events(m, PGROTATED, (int64_t)folio_size(page));
			}
		}
		if (anon_thp(page))
			thp_put(m, page, page);	/* isolation's reference */
		else
			put_page(m, page);
	}
}

/* ---- references ---- */

struct referenced_arg {
	int young;
	uint64_t vm_flags;
};

static int referenced_one(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
			  pte_t *pte, void *arg)
{
	struct referenced_arg *ra = arg;

	(void)m;
	(void)addr;
	if (vma->vm_flags & MM_VM_LOCKED) {
		ra->vm_flags |= MM_VM_LOCKED;
		return 1;	/* stop: the page is mlocked from now on */
	}
	if (pte_young(*pte)) {
		*pte &= ~_PAGE_ACCESSED;
		ra->young++;
	}
	ra->vm_flags |= vma->vm_flags;
	return 0;
}

static int referenced_pmd(struct machine *m, struct vm_area_struct *vma, uint64_t haddr,
			  pte_t *pmd, void *arg)
{
	return referenced_one(m, vma, haddr, pmd, arg);
}

static int referenced_thp_pte(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
			      pte_t *pte, unsigned i, void *arg)
{
	(void)i;
	return referenced_one(m, vma, addr, pte, arg);
}

int folio_referenced(struct machine *m, struct page *page, uint64_t *vm_flags)
{
	struct referenced_arg ra = { 0, 0 };
	uint64_t n = folio_pages(page);
	struct page *p;

	if (anon_thp(page)) {	/* a young PMD counts once, each young PTE once */
		rmap_walk_thp(m, page, referenced_pmd, referenced_thp_pte, &ra);
		*vm_flags = ra.vm_flags;
		return ra.young;
	}
	for_each_folio_page(page, p, i, n) {
		if (!p->mapcount)
			continue;
		if (rmap_walk(m, p, referenced_one, &ra)) {
			mlock_page(m, p);	/* found in a VM_LOCKED VMA (mlock_vma_folio) */
			break;
		}
	}
	*vm_flags = ra.vm_flags;
	return ra.young;
}

static enum folio_references folio_check_references(struct machine *m, struct page *page)
{
	uint64_t vm_flags;
	int young = folio_referenced(m, page, &vm_flags);
	int referenced = PageFlag(page, PG_referenced);
	int file = !PageFlag(page, PG_swapbacked);

	ClearPageFlag(page, PG_referenced);
	if (vm_flags & MM_VM_LOCKED)
		return FOLIOREF_ACTIVATE;
	if (young) {
		/*
		 * Every mapped page starts with the young PTE of the fault that
		 * mapped it: look twice before calling it used.
		 */
		SetPageFlag(page, PG_referenced);
		if (referenced || young > 1)
			return FOLIOREF_ACTIVATE;
		if ((vm_flags & MM_VM_EXEC) && file)
			return FOLIOREF_ACTIVATE;	/* executable code stays */
		return FOLIOREF_KEEP;
	}
	if (referenced && file)
		return FOLIOREF_RECLAIM_CLEAN;	/* clean only: defer dirty ones to writeback */
	return FOLIOREF_RECLAIM;
}

/* ---- unmapping ---- */

struct unmap_arg {
	struct page *page;
	int abort;
};

static int unmap_one(struct machine *m, struct vm_area_struct *vma, uint64_t addr, pte_t *pte,
		     void *arg)
{
	struct unmap_arg *ua = arg;
	struct page *page = ua->page;
	struct mm_struct *mm = vma->vm_mm;
	pte_t old = *pte;

	(void)addr;
	if (vma->vm_flags & MM_VM_LOCKED) {
		mlock_page(m, page);	/* leave it to the unevictable list */
		ua->abort = 1;
		return 1;
	}
	*pte = 0;
	if (pte_dirty(old)) {
		if (page_is_anon(page))
			SetPageFlag(page, PG_dirty);	/* folio_mark_dirty of an anon folio */
		else
			set_page_dirty(m, page);
	}
	if (page_is_anon(page) && !PageFlag(page, PG_swapbacked)) {
		/* MADV_FREE: only the isolation and the mappings may hold it, and clean */
		if (page->refcount != 1 + page->mapcount || PageFlag(page, PG_dirty)) {
			*pte = old;
			SetPageFlag(page, PG_swapbacked);	/* dirtied again: it is data now */
			ua->abort = 1;
			return 1;
		}
	} else if (page_is_anon(page)) {
		swp_entry_t e = { page->swap };

		swap_duplicate(m, e);
		*pte = swp_entry_to_pte(swp_type(e), swp_offset(e)) |
		       (PageFlag(page, PG_anon_exclusive) ? _PAGE_SWP_EXCLUSIVE : 0);
		mm->rss[MM_SWAPENTS]++;
	}
	page_remove_rmap(m, mm, page);
	put_page(m, page);
	return 0;
}

/* TTU_SPLIT_HUGE_PMD: a PMD mapping the THP becomes 512 PTEs, then unmapped as such. */
static int unmap_split_pmd(struct machine *m, struct vm_area_struct *vma, uint64_t haddr,
			   pte_t *pmd, void *arg)
{
	struct unmap_arg *ua = arg;

	if (vma->vm_flags & MM_VM_LOCKED) {
		ua->abort = 1;
		return 1;
	}
	return split_huge_pmd(m, vma->vm_mm, haddr, pmd);
}

/* A PTE maps subpage i of a THP in the swap cache: it becomes that subpage's swap entry. */
static int unmap_thp_pte(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
			 pte_t *pte, unsigned i, void *arg)
{
	struct unmap_arg *ua = arg;
	struct page *head = ua->page, *page = head + i;
	swp_entry_t e = { page->swap };
	pte_t old = *pte;

	(void)addr;
	if (vma->vm_flags & MM_VM_LOCKED) {
		ua->abort = 1;
		return 1;
	}
	swap_duplicate(m, e);
	*pte = swp_entry_to_pte(swp_type(e), swp_offset(e)) |
	       (PageFlag(page, PG_anon_exclusive) ? _PAGE_SWP_EXCLUSIVE : 0);
	vma->vm_mm->rss[MM_SWAPENTS]++;
	if (pte_dirty(old))
		SetPageFlag(head, PG_dirty);
	thp_remove_pte(m, vma->vm_mm, page);
	return 0;
}

/* Unmap every page of the folio from every page table (try_to_unmap). 0 if all went. */
static int try_to_unmap(struct machine *m, struct page *page)
{
	uint64_t n = folio_pages(page);
	struct page *p;

	if (anon_thp(page)) {
		struct unmap_arg ua = { page, 0 };

		rmap_walk_thp(m, page, unmap_split_pmd, unmap_thp_pte, &ua);
		return folio_any(page, 0);
	}
	for_each_folio_page(page, p, i, n) {
		struct unmap_arg ua = { p, 0 };

		if (p->mapcount)
			rmap_walk(m, p, unmap_one, &ua);
		if (ua.abort)
			break;
	}
	return folio_any(page, 0);
}

/* ---- writing ---- */

/* Do all n pages from page on hold zeros (is_folio_zero_filled)? */
static int folio_zero_filled(struct machine *m, struct page *page, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		if (!page_is_zero_filled(m, page + i))
			return 0;
	return 1;
}

/* Write a dirty, unmapped folio out (kernel: pageout). */
/* folio_is_file_lru: not swap-backed (a lazily freed anonymous page is) */
static int page_is_file_lru(const struct page *page)
{
	return !PageFlag(page, PG_swapbacked);
}

static enum pageout_t pageout(struct machine *m, struct page *page)
{
	uint64_t n = folio_pages(page);
	struct page *p;

	/* shmem: to the swap cache first, then written as an anonymous page is */
	if (page_is_shmem(page) && shmem_writeout(m, page))
		return PAGE_ACTIVATE;
	if (PageFlag(page, PG_swapcache)) {
		swp_entry_t e = { page->swap };
		int zero;

		ClearPageFlag(page, PG_dirty);
		n = folio_size(page);
		/* swap_writeout: zeros to the zeromap, else zswap, else the device */
		if (!folio_zero_filled(m, page, n) && zswap_store(m, page, n)) {
			mod_node_page_state(pgdat_of(m, page), NR_VMSCAN_WRITE, (int64_t)n);
			return PAGE_SUCCESS;	/* no I/O: it goes at once */
		}
		zero = n > 1 ? swap_write_folio(m, e, page, n) : swap_write_page(m, e, page);
		if (zero < 0) {
			SetPageFlag(page, PG_dirty);
			return PAGE_ACTIVATE;
		}
		count_vm_events(m, zero ? SWPOUT_ZERO : PSWPOUT, (int64_t)n);
		if (!zero) {	/* I/O: it ends when the batch goes back (see putback) */
			SetPageFlag(page, PG_writeback);
			SetPageFlag(page, PG_reclaim);
			if (n == HPAGE_PMD_NR)
				count_vm_event(m, THP_SWPOUT);
		}
		mod_node_page_state(pgdat_of(m, page), NR_VMSCAN_WRITE, (int64_t)n);
		trace_mm_vmscan_write_folio(m, page_to_pfn(m, page), RECLAIM_WB_ASYNC |
					    (page_is_file_lru(page) ? RECLAIM_WB_FILE : RECLAIM_WB_ANON));
		return PAGE_SUCCESS;
	}
	for_each_folio_page(page, p, i, n)
		if (PageFlag(p, PG_dirty) && writeback_page(m, p))
			return PAGE_KEEP;
	mod_node_page_state(pgdat_of(m, page), NR_VMSCAN_WRITE, (int64_t)n);
	trace_mm_vmscan_write_folio(m, page_to_pfn(m, page), RECLAIM_WB_ASYNC | RECLAIM_WB_FILE);
	return PAGE_SUCCESS;
}

/*
 * The last step: out of the swap cache or the page cache, then freed.
 * Drops the isolation's reference; 0 (and the reference kept) if
 * something else still holds the folio.
 */
static int remove_mapping(struct machine *m, struct page *page)
{
	if (page_is_anon(page) && !PageFlag(page, PG_swapbacked)) {
		if (page->refcount != 1 || page->mapcount)
			return 0;
		put_page(m, page);	/* lazily freed: nothing to write */
		return 1;
	}
	if (PageFlag(page, PG_swapcache) && anon_thp(page)) {
		/* the isolation's reference and the cache's 512 are all that is left */
		if (*folio_refs(page) != 1 + HPAGE_PMD_NR || thp_mapped(page) ||
		    PageFlag(page, PG_dirty))
			return 0;
		thp_put(m, page, page);
		delete_from_swap_cache(m, page, workingset_eviction(m, page, HPAGE_PMD_NR));
		return 1;
	}
	if (PageFlag(page, PG_swapcache)) {
		if (page->refcount != 2 || page->mapcount || PageFlag(page, PG_dirty))
			return 0;
		page->refcount--;	/* the cache's reference is the last */
		delete_from_swap_cache(m, page, workingset_eviction(m, page, 1));
		return 1;
	}
	if (!page->mapping)
		return 0;
	page->refcount--;
	/* a shadow stays at a file page's index; a clean shmem page reads back as zeros */
	if (filemap_remove_folio(m, page, !PageFlag(page, PG_swapbacked)))
		return 1;
	page->refcount++;
	return 0;
}

/* ---- one batch ---- */

uint64_t shrink_folio_list(struct machine *m, struct list_head *batch, struct scan_control *sc,
			   struct reclaim_stat *stat)
{
	uint64_t nr_reclaimed = 0, pgactivate;
	LIST_HEAD(ret);

	*stat = (struct reclaim_stat){ 0 };
	while (!list_empty(batch)) {
		struct page *page = list_first_entry(batch, struct page, lru);
		uint64_t nr = folio_size(page);
		int file = !PageFlag(page, PG_swapbacked);	/* folio_is_file_lru */
		int lazyfree = page_is_anon(page) && file;
		enum folio_references ref = FOLIOREF_RECLAIM;

		list_del(&page->lru);
		sc->nr_scanned += nr;
		if (!folio_evictable(page))
			goto activate;	/* its putback culls it to the unevictable list */
		if (!sc->may_unmap && folio_any(page, 0))
			goto keep;
		if (file && !lazyfree && folio_any(page, 1)) {
			stat->nr_dirty += nr;
			stat->nr_unqueued_dirty += nr;
		}
		if (!sc->ignore_references) {
			ref = folio_check_references(m, page);
			if (ref == FOLIOREF_ACTIVATE)
				goto activate;
			if (ref == FOLIOREF_KEEP) {
				stat->nr_ref_keep += nr;
				goto keep;
			}
		}
		if (page_is_anon(page) && !file && !PageFlag(page, PG_swapcache)) {
			swp_entry_t e = { 0 };

			if (anon_thp(page)) {
				if (folio_partially_mapped(page)) {
					split_folio(m, page, batch);	/* the rest need no I/O */
				} else if (!(e = folio_alloc_swap(m, HPAGE_PMD_ORDER)).val) {
					split_folio(m, page, batch);
					count_vm_event(m, THP_SWPOUT_FALLBACK);
				}
				if (!anon_thp(page)) {	/* the others make their own pass */
					sc->nr_scanned -= nr - 1;
					nr = 1;
					/*
					 * its PTE gone at the split (unmapped before, or
					 * a page of zeros now mapping the zero page): it
					 * goes without I/O, as the host showed
					 */
					if (!page->mapcount && page->refcount == 1) {
						put_page(m, page);
						nr_reclaimed++;
						continue;
					}
				}
			}
			if (!e.val)
				e = folio_alloc_swap(m, 0);
			if (!e.val)
				goto activate;	/* no slot: it stays */
			add_to_swap_cache(m, page, e);
			SetPageFlag(page, PG_dirty);
		}
		if (folio_any(page, 0)) {
			int was_swapbacked = PageFlag(page, PG_swapbacked);

			if (try_to_unmap(m, page)) {
				stat->nr_unmap_fail += nr;
				if (!was_swapbacked && PageFlag(page, PG_swapbacked))
					stat->nr_lazyfree_fail += nr;
				goto activate;
			}
		}
		if (folio_any(page, 1) && !lazyfree) {
			if (file && (sc->who != RECLAIMER_KSWAPD || !PageFlag(page, PG_reclaim) ||
				     !pgdat_of(m, page)->reclaim_dirty)) {
				/* the flusher's job: mark it to be freed once written */
				mod_node_page_state(pgdat_of(m, page), NR_VMSCAN_IMMEDIATE_RECLAIM,
						    (int64_t)nr);
				stat->nr_immediate += nr;
				folio_set_flag(page, PG_reclaim, 1);
				goto activate;
			}
			if (ref == FOLIOREF_RECLAIM_CLEAN || !sc->may_writepage)
				goto keep;
			switch (pageout(m, page)) {
			case PAGE_KEEP:
				goto keep;
			case PAGE_ACTIVATE:
				goto activate;
			case PAGE_SUCCESS:
				stat->nr_pageout += nr;
				if (PageFlag(page, PG_writeback) || folio_any(page, 1))
					goto keep;
				if (file)
					folio_set_flag(page, PG_reclaim, 0);
				break;
			}
		}
		if (!remove_mapping(m, page))
			goto keep;
		if (lazyfree)
			count_vm_events(m, PGLAZYFREED, (int64_t)nr);
		nr_reclaimed += nr;
		continue;
activate:
		/* not going to swap now: give the slot up if swap is short */
		if (PageFlag(page, PG_swapcache) && (vm_swap_full(m) || PageFlag(page, PG_mlocked)))
			folio_free_swap(m, page);
		if (!PageFlag(page, PG_mlocked)) {
			folio_set_flag(page, PG_active, 1);
			stat->nr_activate[!PageFlag(page, PG_swapbacked)] += nr;
		}
keep:
		list_add_tail(&page->lru, &ret);
	}
	list_splice_tail(&ret, batch);
	pgactivate = stat->nr_activate[0] + stat->nr_activate[1];
	if (pgactivate)
		count_vm_events(m, PGACTIVATE, (int64_t)pgactivate);
	return nr_reclaimed;
}

uint64_t reclaim_pages(struct machine *m, struct list_head *batch)
{
	struct scan_control sc = {
		.gfp = 0, .reclaim_idx = MAX_NR_ZONES - 1, .who = RECLAIMER_NONE,
		.may_writepage = 1, .may_unmap = 1, .may_swap = 1, .ignore_references = 1,
	};
	struct reclaim_stat stat;
	uint64_t nr = shrink_folio_list(m, batch, &sc, &stat);

	putback_folio_list(m, batch);
	return nr;
}
