/* SPDX-License-Identifier: MIT */
/*
 * vmscan.c - reclaim (kernel: mm/vmscan.c). Today: MADV_PAGEOUT's
 * reclaim_pages() on the pages of one range; LRU scanning, kswapd and
 * swap-out build on this.
 *
 * A page is reclaimed only if this mapping is its only one (the advice
 * concerns this process's memory). Unmapping is try_to_unmap; then the page
 * goes if it can: a clean file or shmem page leaves the page cache (a
 * shmem page never written is only zeros: a later fault makes a new one);
 * a dirty shmem or anonymous page would need swap, which does not exist
 * yet, so dirty shmem stays cached (unmapped, as Linux leaves it with no
 * swap) and anonymous memory is not touched at all (try_to_unmap of anon
 * fails without a swap slot).
 */
#include "internal.h"
#include "pgtable.h"
#include "rmap.h"
#include "filemap.h"
#include "vmscan.h"
#include "task.h"

static int pageout_one(struct machine *m, struct mm_struct *mm, uint64_t addr, pte_t *pte, void *arg)
{
	struct page *page;

	(void)addr;
	(void)arg;
	if (!pte_present(*pte) || (*pte & _PAGE_PSE) || pte_pfn(*pte) == m->zero_pfn)
		return 0;
	page = pfn_to_page(m, pte_pfn(*pte));
	if (page->mapcount != 1 || page_is_anon(page) || PageFlag(page, PG_unevictable))
		return 0;
	if (pte_dirty(*pte))
		SetPageFlag(page, PG_dirty);
	*pte = 0;
	page_remove_rmap(m, mm, page);
	put_page(m, page);
	count_vm_event(m, PGSCAN_DIRECT);
	if (!PageFlag(page, PG_dirty) && filemap_remove_page(m, page))
		count_vm_event(m, PGSTEAL_DIRECT);
	return 0;
}

void reclaim_range(struct machine *m, struct mm_struct *mm, uint64_t start, uint64_t end)
{
	walk_ptes(m, mm, start, end, pageout_one, NULL);
}
