// SPDX-License-Identifier: MIT
/*
 * swap_state.c - the swap cache and swap-in readahead (kernel:
 * mm/swap_state.c).
 *
 * The swap cache maps a slot to the page that holds its bytes in memory:
 * a page on its way out (reclaim put it there before unmapping it), or on
 * its way in (read by a fault or by readahead), or one that is both mapped
 * and still has a valid copy on swap (a read fault keeps the slot while
 * swap is less than half full). Each device keeps it as an array by slot
 * (swap.h: cache[]), which also holds the shadow an evicted page leaves
 * behind for refault detection (workingset.c).
 *
 * A THP goes in whole (reclaim gave it a cluster of 512 slots): every slot
 * points at its own subpage, each subpage is PG_swapcache with its entry
 * and holds the cache's reference, and the folio leaves whole, only once
 * none of its slots is referenced by a PTE.
 *
 * Readahead of an anonymous page is VMA-based, as on a non-rotational
 * device (reference: reclaim.md §8.3): a window of up to 2^page-cluster
 * pages (at most 32), grown by the hits of earlier readahead, placed
 * forward, backward or centred on the fault, clipped to the VMA and to the
 * fault's 2 MiB block. A shmem page has no VMA to go by: its readahead is
 * cluster-based (reclaim.md §8.3, §10.3), an aligned block of slots around
 * its own, sized by the same rule from the machine's one record of hits.
 */
#include <errno.h>

#include "internal.h"
#include "mempolicy.h"
#include "huge_memory.h"
#include "page_alloc.h"
#include "pgtable.h"
#include "rmap.h"
#include "swap.h"
#include "task.h"
#include "vma.h"
#include "workingset.h"

#define CACHE_SHADOW(v)		(((v) & 1) ? (v) >> 1 : 0)
#define CACHE_PAGE(v)		(((v) && !((v) & 1)) ? (struct page *)(uintptr_t)(v) : NULL)

struct page *swap_cache_get(struct machine *m, swp_entry_t e)
{
	struct swap_info_struct *si = swp_info(m, e);

	return si ? CACHE_PAGE(si->cache[swp_offset(e)]) : NULL;
}

uint64_t swap_cache_shadow(struct machine *m, swp_entry_t e)
{
	struct swap_info_struct *si = swp_info(m, e);

	return si ? CACHE_SHADOW(si->cache[swp_offset(e)]) : 0;
}

static void cache_account(struct machine *m, struct page *page, int d)
{
	struct pglist_data *pgdat = m->node[page_zone(m, page)->nid];

	mod_node_page_state(pgdat, NR_SWAPCACHED, d);
	mod_node_page_state(pgdat, NR_FILE_PAGES, d);	/* Linux counts it there too */
}

/* The THP whose subpage page is, or NULL for an order-0 page. */
static struct page *thp_of(struct machine *m, struct page *page)
{
	return page_in_thp(m, page) ? compound_head_of(m, page) : NULL;
}

void add_to_swap_cache(struct machine *m, struct page *page, swp_entry_t e)
{
	struct swap_info_struct *si = swp_info(m, e);
	struct page *head = thp_of(m, page);
	uint64_t nr = head ? HPAGE_PMD_NR : 1;

	VM_BUG_ON(!si || PageFlag(page, PG_swapcache) || (head && head != page));
	for (uint64_t i = 0; i < nr; i++) {
		struct page *p = page + i;

		VM_BUG_ON(CACHE_PAGE(si->cache[swp_offset(e) + i]));
		si->cache[swp_offset(e) + i] = (uint64_t)(uintptr_t)p;
		SetPageFlag(p, PG_swapcache);
		SetPageFlag(p, PG_swapbacked);
		p->swap = e.val + i;
		if (head)
			thp_get(head, p);
		else
			p->refcount++;
	}
	cache_account(m, page, (int)nr);
}

void delete_from_swap_cache(struct machine *m, struct page *page, uint64_t shadow)
{
	struct page *head = thp_of(m, page);
	uint64_t nr = head ? HPAGE_PMD_NR : 1;
	swp_entry_t e;
	struct swap_info_struct *si;

	if (head)
		page = head;
	e.val = page->swap;
	si = swp_info(m, e);
	VM_BUG_ON(!si || !PageFlag(page, PG_swapcache));
	cache_account(m, page, -(int)nr);
	for (uint64_t i = 0; i < nr; i++) {
		si->cache[swp_offset(e) + i] = shadow ? shadow << 1 | 1 : 0;
		ClearPageFlag(page + i, PG_swapcache);
		page[i].swap = 0;
		swapcache_clear(m, swp_entry(swp_type(e), swp_offset(e) + i));
	}
	/* the cache's references last: the folio may go with them */
	for (uint64_t i = nr; i-- > 0;) {
		if (head)
			thp_put(m, head, head + i);
		else
			put_page(m, page);
	}
}

/* Does a PTE (or shmem) still refer to a slot of page's folio (folio_swapped)? */
static int folio_swapped(struct machine *m, struct page *page, struct page *head)
{
	if (!head)
		return swap_count(m, (swp_entry_t){ page->swap }) != 0;
	for (unsigned i = 0; i < HPAGE_PMD_NR; i++)
		if (swap_count(m, (swp_entry_t){ head[i].swap }))
			return 1;
	return 0;
}

int swapcache_prepare(struct machine *m, swp_entry_t e)
{
	struct swap_info_struct *si = swp_info(m, e);
	uint64_t off = swp_offset(e);

	if (!si || !(si->swap_map[off] & SWAP_MAP_MAX))
		return -ENOENT;
	if (si->swap_map[off] & SWAP_HAS_CACHE)
		return -EEXIST;
	si->swap_map[off] |= SWAP_HAS_CACHE;
	return 0;
}

int folio_free_swap(struct machine *m, struct page *page)
{
	struct page *head = thp_of(m, page);

	if (!PageFlag(page, PG_swapcache) || folio_swapped(m, page, head))
		return 0;
	if (head) {
		page = head;
		thp_get(head, head);	/* the folio outlives its cache references here */
	} else {
		get_page(page);
	}
	delete_from_swap_cache(m, page, 0);
	SetPageFlag(page, PG_dirty);	/* the copy on swap is gone: the page is the data */
	if (head)
		thp_put(m, head, head);
	else
		put_page(m, page);
	return 1;
}

void free_swap_and_cache(struct machine *m, swp_entry_t e)
{
	struct page *page = swap_cache_get(m, e), *head;

	swap_free(m, e);
	if (!page)
		return;
	/* an unmapped cached copy nobody will fault in again goes too (a THP: whole) */
	head = thp_of(m, page);
	if (head ? !thp_mapped(head) && !folio_swapped(m, head, head)
		 : !page->mapcount && !swap_count(m, e))
		delete_from_swap_cache(m, page, 0);
}

/* ---- reading in ---- */

/*
 * Read e's page into the swap cache (kernel: __read_swap_cache_async): a
 * new page on the LRU, read from the device. *hit is set when the cache
 * had it already. NULL when memory (or the slot) is gone.
 */
struct page *read_swap_cache_async(struct machine *m, swp_entry_t e, int *hit)
{
	struct page *page = swap_cache_get(m, e);
	uint64_t shadow;
	int zero;

	*hit = page != NULL;
	if (page)
		return page;
	if (!swap_count(m, e))
		return NULL;	/* a free slot: nothing to read (and no page to spend) */
	/*
	 * the faulting VMA's policy at the page's address; a shmem swap-in's
	 * object's at its index; neither (swapoff): the task's
	 */
	page_owner_site(m, PO_SITE_SWAPIN);
	page = m->policy_vma ? vma_alloc_pages(m, GFP_HIGHUSER_MOVABLE, 0, m->policy_vma, m->policy_addr)
	     : m->policy_shmem ? alloc_pages_shmem(m, GFP_HIGHUSER_MOVABLE, 0, m->policy_shmem,
						   m->policy_shmem_index)
	     : alloc_pages_task_policy(m, GFP_HIGHUSER_MOVABLE, 0);
	if (!page)
		return NULL;
	if (swapcache_prepare(m, e)) {
		free_pages(m, page, 0);
		return NULL;
	}
	shadow = swap_cache_shadow(m, e);
	page->refcount = 0;	/* the cache's reference is the only one */
	add_to_swap_cache(m, page, e);
	SetPageFlag(page, PG_uptodate);
	zero = swap_read_page(m, e, page);
	if (zero == 2)		/* from zswap: a dirty page, the pool forgot it */
		SetPageFlag(page, PG_dirty);
	else
		count_vm_event(m, zero == 1 ? SWPIN_ZERO : PSWPIN);
	if (zero == 0) {
		/* a read bio: submit_bio counts it for the machine and the task */
		count_vm_events(m, PGPGIN, 4);
		task_io_account_read(m, MM_PAGE_SIZE);
	}
	workingset_refault(m, page, shadow, 0);
	if (zero == 0 && PageFlag(page, PG_workingset))	/* swap_read_folio's memstall */
		psi_memstall(m, m->blk_plug.last_ns, 1);
	lru_add(m, page, PageFlag(page, PG_active) ? LRU_ACTIVE_ANON : LRU_INACTIVE_ANON);
	return page;
}

/* The per-VMA readahead state (kernel: vma->swap_readahead_info). */
#define RA_WIN_SHIFT	6
#define RA_HITS_MASK	0x3fULL
#define RA_WIN_MASK	(0x3fULL << RA_WIN_SHIFT)
#define RA_VAL(addr, win, hits)	(((addr) & ~(MM_PAGE_SIZE - 1)) | ((win) << RA_WIN_SHIFT) | (hits))

static uint64_t ra_get(const struct vm_area_struct *vma)
{
	return vma->swap_ra ? vma->swap_ra : 4;	/* a fresh VMA counts as 4 hits */
}

/*
 * The window of a miss at cur, from the readahead hits since the last miss
 * and the previous window (kernel: __swapin_nr_pages); prev is where the
 * last miss was, in the same unit as cur (a page of the VMA, or a slot).
 */
static uint64_t __swapin_nr_pages(uint64_t prev, uint64_t cur, uint64_t hits, uint64_t max,
				  uint64_t prev_win)
{
	uint64_t pages = hits + 2;

	if (pages == 2) {
		/* no hits to judge by: one page, unless faults walk next to each other */
		if (cur != prev + 1 && cur + 1 != prev)
			pages = 1;
	} else {
		uint64_t roundup = 4;

		while (roundup < pages)
			roundup <<= 1;
		pages = roundup;
	}
	if (pages > max)
		pages = max;
	if (pages < prev_win / 2)	/* do not shrink too fast */
		pages = prev_win / 2;
	return pages;
}

struct page *swapin_readahead(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
			      swp_entry_t fault_entry, int *major)
{
	uint64_t max = m->tun.page_cluster ? 1ULL << m->tun.page_cluster : 1, win;
	uint64_t start, end, faddr = addr & ~(MM_PAGE_SIZE - 1), ra = ra_get(vma);
	uint64_t prev = ra & ~(MM_PAGE_SIZE - 1), fpfn = faddr >> MM_PAGE_SHIFT;
	uint64_t pmd_start = faddr & ~(PMD_SIZE - 1);
	struct page *fault_page = NULL;
	int hit;

	if (max > 32)
		max = 32;	/* SWAP_RA_ORDER_CEILING */
	if (max == 1) {
		win = 1;	/* readahead off: the VMA's state is left as it was */
	} else {
		win = __swapin_nr_pages(prev >> MM_PAGE_SHIFT, fpfn, ra & RA_HITS_MASK, max,
					(ra & RA_WIN_MASK) >> RA_WIN_SHIFT);
		vma->swap_ra = RA_VAL(faddr, win, 0ULL);
	}
	if (win == 1) {
		start = fpfn;
		end = fpfn + 1;
	} else {
		uint64_t lpfn, rpfn, ppfn = prev >> MM_PAGE_SHIFT;

		if (fpfn == ppfn + 1) {		/* forward */
			lpfn = fpfn;
			rpfn = fpfn + win;
		} else if (ppfn == fpfn + 1) {	/* backward */
			lpfn = fpfn + 1 >= win ? fpfn + 1 - win : 0;
			rpfn = fpfn + 1;
		} else {			/* centred */
			uint64_t left = (win - 1) / 2;

			lpfn = fpfn >= left ? fpfn - left : 0;
			rpfn = fpfn + win - left;
		}
		start = lpfn;
		if (start < vma->vm_start >> MM_PAGE_SHIFT)
			start = vma->vm_start >> MM_PAGE_SHIFT;
		if (start < pmd_start >> MM_PAGE_SHIFT)
			start = pmd_start >> MM_PAGE_SHIFT;
		end = rpfn;
		if (end > vma->vm_end >> MM_PAGE_SHIFT)
			end = vma->vm_end >> MM_PAGE_SHIFT;
		if (end > (pmd_start + PMD_SIZE) >> MM_PAGE_SHIFT)
			end = (pmd_start + PMD_SIZE) >> MM_PAGE_SHIFT;
	}
	*major = 0;
	for (uint64_t pfn = start; pfn < end; pfn++) {
		uint64_t a = pfn << MM_PAGE_SHIFT;
		swp_entry_t e;
		struct page *page;

		if (a == faddr) {
			e = fault_entry;
		} else {
			pte_t *pte = pte_lookup(m, vma->vm_mm, a, 0, NULL);

			if (!pte || !pte_is_swap(*pte))
				continue;
			e = pte_to_swp_entry(*pte);
		}
		m->policy_vma = vma;	/* swap_vma_readahead's mpol and ilx for a */
		m->policy_addr = a;
		page = read_swap_cache_async(m, e, &hit);
		m->policy_vma = NULL;
		if (a == faddr) {
			fault_page = page;
			*major = page && !hit;
		} else if (page && !hit) {
			SetPageFlag(page, PG_readahead);
			count_vm_event(m, SWAP_RA);
		}
	}
	return fault_page;
}

void swap_update_readahead(struct machine *m, struct page *page, struct vm_area_struct *vma,
			   uint64_t addr)
{
	int readahead = PageFlag(page, PG_readahead);

	ClearPageFlag(page, PG_readahead);
	if (vma) {
		uint64_t ra = ra_get(vma), hits = ra & RA_HITS_MASK;

		if (readahead && hits < RA_HITS_MASK)
			hits++;
		vma->swap_ra = RA_VAL(addr, (ra & RA_WIN_MASK) >> RA_WIN_SHIFT, hits);
	}
	if (readahead) {
		count_vm_event(m, SWAP_RA_HIT);
		if (!vma)
			m->swapin_readahead_hits++;	/* cluster readahead's record */
	}
}

/*
 * The window of a cluster-readahead miss at slot offset (kernel:
 * swapin_nr_pages): the machine's hits since the last miss are used up;
 * the miss is remembered as the last one only when it had no hits to
 * judge by, so that a run of adjacent misses opens a window of 2.
 */
static uint64_t swapin_nr_pages(struct machine *m, uint64_t offset)
{
	uint64_t max = 1ULL << m->tun.page_cluster, hits, pages;

	if (max <= 1)
		return 1;	/* readahead off: the state is left as it was */
	hits = m->swapin_readahead_hits;
	m->swapin_readahead_hits = 0;
	pages = __swapin_nr_pages(m->swapin_prev_offset, offset, hits, max,
				  m->swapin_last_ra_pages);
	if (!hits)
		m->swapin_prev_offset = offset;
	m->swapin_last_ra_pages = (uint32_t)pages;
	return pages;
}

/*
 * A power of two of slots, aligned, holding the fault's; slot 0 (the
 * header) and slots past the device's end left out:
 *
 *	offset 21, window 8:   |16 17 18 19 20 [21] 22 23|
 */
struct page *swap_cluster_readahead(struct machine *m, swp_entry_t entry)
{
	struct swap_info_struct *si = swp_info(m, entry);
	uint64_t offset = swp_offset(entry), mask;
	int hit;

	if (!si)
		return NULL;
	mask = swapin_nr_pages(m, offset) - 1;
	if (mask) {
		uint64_t start = offset & ~mask, end = offset | mask;

		if (!start)
			start = 1;
		if (end >= si->max)
			end = si->max - 1;
		for (uint64_t off = start; off <= end; off++) {
			/* any slot in use: another object's, a process's; free ones are skipped */
			struct page *page = read_swap_cache_async(m, swp_entry(swp_type(entry), off),
								  &hit);

			if (page && !hit && off != offset) {
				SetPageFlag(page, PG_readahead);
				count_vm_event(m, SWAP_RA);
			}
		}
	}
	/* read above unless memory ran out on the way: then on its own */
	return read_swap_cache_async(m, entry, &hit);
}

static int willneed_pte(struct machine *m, struct mm_struct *mm, uint64_t addr, pte_t *pte,
			void *arg)
{
	int hit;

	(void)mm;
	(void)addr;
	(void)arg;
	if (!pte_is_swap(*pte))
		return 0;
	/* no memory left: the advice is only a hint, stop quietly */
	return read_swap_cache_async(m, pte_to_swp_entry(*pte),
				     &hit) ? 0 : 1;
}

void madvise_willneed_swap(struct machine *m, struct mm_struct *mm, uint64_t start, uint64_t end)
{
	walk_ptes(m, mm, start, end, willneed_pte, NULL);
}
