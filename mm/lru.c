/* SPDX-License-Identifier: MIT */
/*
 * lru.c - the per-node LRU lists that reclaim will scan (kernel: swap.c,
 * mm_inline.h). A user page is on exactly one list while it is in use;
 * the node and zone LRU counters of vmstat and meminfo follow the lists.
 */
#include "internal.h"
#include "filemap.h"
#include "page_alloc.h"
#include "rmap.h"
#include "vma.h"

static const enum node_stat_item node_item[NR_LRU_LISTS] = {
	NR_INACTIVE_ANON, NR_ACTIVE_ANON, NR_INACTIVE_FILE, NR_ACTIVE_FILE, NR_UNEVICTABLE,
};
static const enum zone_stat_item zone_item[NR_LRU_LISTS] = {
	NR_ZONE_INACTIVE_ANON, NR_ZONE_ACTIVE_ANON, NR_ZONE_INACTIVE_FILE,
	NR_ZONE_ACTIVE_FILE, NR_ZONE_UNEVICTABLE,
};

enum lru_list page_lru(const struct page *page)
{
	if (PageFlag(page, PG_unevictable))
		return LRU_UNEVICTABLE;
	/* shmem pages are swap-backed: they live on the anon lists */
	if (PageFlag(page, PG_swapbacked))
		return PageFlag(page, PG_active) ? LRU_ACTIVE_ANON : LRU_INACTIVE_ANON;
	return PageFlag(page, PG_active) ? LRU_ACTIVE_FILE : LRU_INACTIVE_FILE;
}

/* A compound (THP) head stands for its 512 pages on the list. */
static void account(struct machine *m, struct page *page, enum lru_list lru, int d)
{
	struct zone *z = page_zone(m, page);

	if (PageFlag(page, PG_head))
		d *= 512;
	mod_node_page_state(m->node[z->nid], node_item[lru], d);
	mod_zone_page_state(z, zone_item[lru], d);
}

/* mapping_unevictable: the page cache page of a SHM_LOCK'd object. */
static int mapping_unevictable(const struct page *page)
{
	const struct file_ref *inode = page->mapping;

	return !page_is_anon(page) && inode && inode->unevictable;
}

int folio_evictable(const struct page *page)
{
	return !PageFlag(page, PG_mlocked) && !mapping_unevictable(page);
}

void folio_add_lru(struct machine *m, struct page *page)
{
	if (folio_evictable(page)) {
		lru_add(m, page, page_lru(page));
		return;
	}
	ClearPageFlag(page, PG_active);
	lru_add(m, page, LRU_UNEVICTABLE);
	count_vm_event(m, UNEVICTABLE_PGS_CULLED);
}

void check_move_unevictable_pages(struct machine *m, struct file_ref *inode, uint64_t nr_pages)
{
	uint64_t scanned = 0, rescued = 0;

	for (uint64_t i = 0; i < nr_pages; i++) {
		struct page *page = filemap_find_page(inode, i);

		if (!page)
			continue;
		scanned++;
		if (!PageFlag(page, PG_lru) || !PageFlag(page, PG_unevictable) ||
		    !folio_evictable(page))
			continue;
		lru_del(m, page);
		lru_add(m, page, PageFlag(page, PG_swapbacked) ? LRU_INACTIVE_ANON : LRU_INACTIVE_FILE);
		rescued++;
	}
	if (rescued)
		count_vm_events(m, UNEVICTABLE_PGS_RESCUED, (int64_t)rescued);
	if (scanned)
		count_vm_events(m, UNEVICTABLE_PGS_SCANNED, (int64_t)scanned);
}

void lru_add(struct machine *m, struct page *page, enum lru_list lru)
{
	/* the head of the list: in front of its first page */
	lru_add_before(m, page, lru, m->node[page_zone(m, page)->nid]->lru[lru].next);
}

void lru_add_before(struct machine *m, struct page *page, enum lru_list lru, struct list_head *at)
{
	VM_BUG_ON(PageFlag(page, PG_lru));
	ClearPageFlag(page, PG_active);
	ClearPageFlag(page, PG_unevictable);
	if (lru == LRU_ACTIVE_ANON || lru == LRU_ACTIVE_FILE)
		SetPageFlag(page, PG_active);
	if (lru == LRU_UNEVICTABLE)
		SetPageFlag(page, PG_unevictable);
	SetPageFlag(page, PG_lru);
	list_add_tail(&page->lru, at);
	account(m, page, lru, 1);
}

void lru_del(struct machine *m, struct page *page)
{
	if (!PageFlag(page, PG_lru))
		return;
	account(m, page, page_lru(page), -1);
	list_del(&page->lru);
	ClearPageFlag(page, PG_lru);
}
