// SPDX-License-Identifier: MIT
/*
 * vmscan_node.c - scanning a node's LRU lists (kernel: shrink_node,
 * shrink_lruvec, get_scan_count, shrink_inactive_list, shrink_active_list,
 * isolate_lru_folios in mm/vmscan.c; reclaim.md §4.4, §5).
 *
 * A reclaim pass over a node decides first how many pages of each list
 * it will look at (get_scan_count: each list's size shifted right by the
 * priority, shared between anon and file by swappiness and the cost each
 * has shown, or given to one side outright: file only while there is no
 * swap or plenty of inactive cache, anon only when the cache is tiny),
 * then takes them in rounds of at most 32 per list from the lists' tails.
 * Inactive pages go through shrink_folio_list (vmscan.c); active pages
 * are moved to the inactive list when it is low against the active one
 * or refaults show it is too small (executable file pages in use stay).
 *
 * Every list is kept newest at the head: pages join there, reclaim takes
 * from the tail, and survivors go back to the head, in their order.
 */
#include "internal.h"
#include "trace.h"
#include "huge_memory.h"
#include "page_alloc.h"
#include "rmap.h"
#include "swap.h"
#include "vmscan.h"
#include "writeback.h"

static int is_file_lru(enum lru_list lru)
{
	return lru == LRU_INACTIVE_FILE || lru == LRU_ACTIVE_FILE;
}

static int is_active_lru(enum lru_list lru)
{
	return lru == LRU_ACTIVE_ANON || lru == LRU_ACTIVE_FILE;
}

/* Pages of a list in the zones reclaim may take from (lruvec_lru_size). */
static uint64_t lru_size(struct pglist_data *pgdat, enum lru_list lru, enum zone_type reclaim_idx)
{
	uint64_t n = 0;

	for (int z = 0; z <= (int)reclaim_idx && z < MAX_NR_ZONES; z++)
		n += (uint64_t)pgdat->node_zones[z].vm_stat[NR_ZONE_INACTIVE_ANON + lru];
	return n;
}

static uint64_t node_state(struct pglist_data *pgdat, enum node_stat_item i)
{
	return pgdat->vm_stat[i] > 0 ? (uint64_t)pgdat->vm_stat[i] : 0;
}

static uint64_t int_sqrt(uint64_t x)
{
	uint64_t r = 0;

	while ((r + 1) * (r + 1) <= x)
		r++;
	return r;
}

int inactive_is_low(struct pglist_data *pgdat, enum lru_list inactive)
{
	uint64_t in = node_state(pgdat, NR_INACTIVE_ANON + inactive);
	uint64_t act = node_state(pgdat, NR_INACTIVE_ANON + inactive + 1);
	uint64_t gb = (in + act) >> (30 - MM_PAGE_SHIFT);

	/* the larger the lists, the smaller the inactive share: sqrt(10 * GiB) */
	return in * (gb ? int_sqrt(10 * gb) : 1) < act;
}

int can_age_anon_pages(struct machine *m)
{
	return total_swap_pages(m) > 0;
}

void snapshot_refaults(struct pglist_data *pgdat)
{
	pgdat->refaults[0] = pgdat->vm_stat[WORKINGSET_ACTIVATE_ANON];
	pgdat->refaults[1] = pgdat->vm_stat[WORKINGSET_ACTIVATE_FILE];
}

/*
 * Up to nr_to_scan pages (THPs and large folios count their size) from
 * the tail of lru onto batch; *nr_scanned counts those looked at,
 * including the ones of zones reclaim may not take (pgskip, back to the
 * head) and the ones it cannot isolate (back to the head).
 */
static uint64_t isolate_lru_folios(struct machine *m, struct pglist_data *pgdat,
				   enum lru_list lru, uint64_t nr_to_scan, struct scan_control *sc,
				   struct list_head *batch, uint64_t *nr_scanned)
{
	struct list_head *src = &pgdat->lru[lru];
	uint64_t scan = 0, total = 0, taken = 0, skipped[MAX_NR_ZONES] = { 0 };
	LIST_HEAD(back);

	while (scan < nr_to_scan && !list_empty(src)) {
		struct page *page = list_entry(src->prev, struct page, lru);
		enum zone_type z = page_zone(m, page)->idx;
		uint64_t n = PageFlag(page, PG_head) ? HPAGE_PMD_NR : 1, got;

		total += n;
		if (z > sc->reclaim_idx) {
			skipped[z] += n;
			list_move(&page->lru, &back);
			continue;
		}
		scan += n;
		got = isolate_folio(m, page, batch);
		if (!got) {
			list_move(&page->lru, &back);
			continue;
		}
		total += got - n;
		scan += got - n;
		taken += got;
	}
	list_splice(&back, src);
	for (int z = 0; z < MAX_NR_ZONES; z++)
		if (skipped[z])
			count_vm_events(m, PGSKIP_DMA + z, (int64_t)skipped[z]);
	*nr_scanned = total;
	if (trace_enabled(m, TE_MM_VMSCAN_LRU_ISOLATE)) {
		uint64_t nr_skipped = 0;

		for (int z = 0; z < MAX_NR_ZONES; z++)
			nr_skipped += skipped[z];
		trace_mm_vmscan_lru_isolate(m, sc->reclaim_idx, sc->order, nr_to_scan, total,
					    nr_skipped, taken, lru);
	}
	return taken;
}

static uint64_t shrink_inactive_list(struct machine *m, struct pglist_data *pgdat,
				     enum lru_list lru, uint64_t nr_to_scan, struct scan_control *sc)
{
	int file = is_file_lru(lru);
	uint64_t nr_scanned, nr_taken, nr_reclaimed;
	struct reclaim_stat stat;
	LIST_HEAD(batch);

	nr_taken = isolate_lru_folios(m, pgdat, lru, nr_to_scan, sc, &batch, &nr_scanned);
	if (sc->who != RECLAIMER_NONE)
		count_vm_events(m, sc->who == RECLAIMER_KSWAPD ? PGSCAN_KSWAPD : PGSCAN_DIRECT,
				(int64_t)nr_scanned);
	count_vm_events(m, PGSCAN_ANON + file, (int64_t)nr_scanned);
	if (!nr_taken)
		return 0;
	nr_reclaimed = shrink_folio_list(m, &batch, sc, &stat);
	putback_folio_list(m, &batch);
	trace_mm_vmscan_lru_shrink_inactive(m, pgdat->node_id, nr_scanned, nr_reclaimed,
					    stat.nr_dirty, 0, 0, stat.nr_immediate,
					    stat.nr_activate[0], stat.nr_activate[1], stat.nr_ref_keep,
					    stat.nr_unmap_fail, sc->priority,
					    RECLAIM_WB_ASYNC | (file ? RECLAIM_WB_FILE : RECLAIM_WB_ANON));
	lru_note_cost(m, pgdat, file, stat.nr_pageout, nr_scanned - nr_reclaimed);
	if (sc->who != RECLAIMER_NONE)
		count_vm_events(m, sc->who == RECLAIMER_KSWAPD ? PGSTEAL_KSWAPD : PGSTEAL_DIRECT,
				(int64_t)nr_reclaimed);
	count_vm_events(m, PGSTEAL_ANON + file, (int64_t)nr_reclaimed);
	/* a batch of nothing but dirty, unqueued pages: the flusher is woken to write them */
	if (stat.nr_unqueued_dirty == nr_taken)
		wb_start_all(m);
	sc->nr.dirty += stat.nr_dirty;
	sc->nr.unqueued_dirty += stat.nr_unqueued_dirty;
	if (file)
		sc->nr.file_taken += nr_taken;
	return nr_reclaimed;
}

void shrink_active_list(struct machine *m, struct pglist_data *pgdat, enum lru_list lru,
			uint64_t nr_to_scan, struct scan_control *sc)
{
	uint64_t nr_scanned, nr_taken, nr_rotated = 0, nr_deactivate = 0, nr_activated;
	int file = is_file_lru(lru);
	LIST_HEAD(batch);
	LIST_HEAD(active);
	LIST_HEAD(inactive);

	nr_taken = isolate_lru_folios(m, pgdat, lru, nr_to_scan, sc, &batch, &nr_scanned);
	if (sc->who != RECLAIMER_NONE)
		count_vm_events(m, PGREFILL, (int64_t)nr_scanned);
	while (!list_empty(&batch)) {
		struct page *page = list_first_entry(&batch, struct page, lru);
		uint64_t vm_flags = 0;

		int young;

		list_del(&page->lru);
		if (!folio_evictable(page)) {	/* SHM_LOCK'd: no reference check */
			list_add_tail(&page->lru, &active);
			continue;
		}
		young = folio_referenced(m, page, &vm_flags);
		if (PageFlag(page, PG_mlocked)) {
			list_add_tail(&page->lru, &active);	/* putback sends it to unevictable */
			continue;
		}
		if (young && (vm_flags & MM_VM_EXEC) && file) {
			/* executable code in use gets one more trip around the active list */
			nr_rotated++;
			list_add_tail(&page->lru, &active);
			continue;
		}
		ClearPageFlag(page, PG_active);
		SetPageFlag(page, PG_workingset);
		list_add_tail(&page->lru, &inactive);
	}
	/* count what really went inactive (a page mlocked meanwhile did not) */
	for (struct list_head *pos = inactive.next; pos != &inactive; pos = pos->next) {
		struct page *page = list_entry(pos, struct page, lru);

		if (folio_evictable(page))
			nr_deactivate += PageFlag(page, PG_head) ? HPAGE_PMD_NR : 1;
	}
	nr_activated = nr_taken - nr_deactivate;	/* what stays active (move_folios_to_lru) */
	putback_folio_list(m, &active);
	putback_folio_list(m, &inactive);
	trace_mm_vmscan_lru_shrink_active(m, pgdat->node_id, nr_taken, nr_activated, nr_deactivate,
					  nr_rotated, sc->priority,
					  RECLAIM_WB_ASYNC | (file ? RECLAIM_WB_FILE : RECLAIM_WB_ANON));
	if (nr_deactivate)
		count_vm_events(m, PGDEACTIVATE, (int64_t)nr_deactivate);
	lru_note_cost(m, pgdat, file, 0, nr_rotated);
}

static uint64_t shrink_list(struct machine *m, struct pglist_data *pgdat, enum lru_list lru,
			    uint64_t nr_to_scan, struct scan_control *sc)
{
	if (is_active_lru(lru)) {
		if (sc->may_deactivate & (is_file_lru(lru) ? DEACTIVATE_FILE : DEACTIVATE_ANON))
			shrink_active_list(m, pgdat, lru, nr_to_scan, sc);
		else
			sc->skipped_deactivate = 1;
		return 0;
	}
	return shrink_inactive_list(m, pgdat, lru, nr_to_scan, sc);
}

/* How many pages of each evictable list to scan (reclaim.md §5.1). */
static void get_scan_count(struct machine *m, struct pglist_data *pgdat, struct scan_control *sc,
			   uint64_t nr[NR_LRU_LISTS])
{
	enum { SCAN_EQUAL, SCAN_FRACT, SCAN_ANON, SCAN_FILE } balance;
	uint64_t swappiness = (uint64_t)m->tun.swappiness, fraction[2] = { 0, 0 }, denominator = 0;

	if (!sc->may_swap || !nr_swap_pages(m)) {
		balance = SCAN_FILE;	/* no swap space: anon cannot go */
	} else if (!sc->priority && swappiness) {
		balance = SCAN_EQUAL;	/* out of options: both, by size */
	} else if (sc->file_is_tiny) {
		balance = SCAN_ANON;
	} else if (sc->cache_trim_mode) {
		balance = SCAN_FILE;	/* plenty of cache that is not thrashing */
	} else {
		uint64_t total = sc->anon_cost + sc->file_cost;
		uint64_t a = total + sc->anon_cost, f = total + sc->file_cost;

		balance = SCAN_FRACT;
		total = a + f;
		fraction[0] = swappiness * (total + 1) / (a + 1);
		fraction[1] = (200 - swappiness) * (total + 1) / (f + 1);
		denominator = fraction[0] + fraction[1];
	}
	for (int lru = 0; lru < LRU_UNEVICTABLE; lru++) {
		int file = is_file_lru((enum lru_list)lru);
		uint64_t scan = lru_size(pgdat, (enum lru_list)lru, sc->reclaim_idx) >> sc->priority;

		if (balance == SCAN_FRACT)
			scan = denominator ? scan * fraction[file] / denominator : 0;
		else if (balance != SCAN_EQUAL && (balance == SCAN_FILE) != file)
			scan = 0;
		nr[lru] = scan;
	}
}

static void shrink_lruvec(struct machine *m, struct pglist_data *pgdat, struct scan_control *sc)
{
	uint64_t nr[NR_LRU_LISTS], targets[NR_LRU_LISTS], nr_reclaimed = 0;
	int proportional = sc->who == RECLAIMER_DIRECT && sc->priority == DEF_PRIORITY;

	get_scan_count(m, pgdat, sc, nr);
	for (int i = 0; i < NR_LRU_LISTS; i++)
		targets[i] = nr[i];
	while (nr[LRU_INACTIVE_ANON] || nr[LRU_ACTIVE_FILE] || nr[LRU_INACTIVE_FILE]) {
		uint64_t nr_anon, nr_file, percentage, scanned;
		int lru;

		for (lru = 0; lru < LRU_UNEVICTABLE; lru++) {
			if (nr[lru]) {
				uint64_t n = nr[lru] < SWAP_CLUSTER_MAX ? nr[lru] : SWAP_CLUSTER_MAX;

				nr[lru] -= n;
				nr_reclaimed += shrink_list(m, pgdat, (enum lru_list)lru, n, sc);
			}
		}
		if (nr_reclaimed < sc->nr_to_reclaim || proportional)
			continue;
		/*
		 * Enough: stop scanning the list with less left to scan, and
		 * scan of the other what keeps the two in their proportion.
		 */
		nr_file = nr[LRU_INACTIVE_FILE] + nr[LRU_ACTIVE_FILE];
		nr_anon = nr[LRU_INACTIVE_ANON] + nr[LRU_ACTIVE_ANON];
		if (!nr_file || !nr_anon)
			break;
		if (nr_file > nr_anon) {
			percentage = nr_anon * 100 /
				     (targets[LRU_INACTIVE_ANON] + targets[LRU_ACTIVE_ANON] + 1);
			lru = LRU_INACTIVE_ANON;
		} else {
			percentage = nr_file * 100 /
				     (targets[LRU_INACTIVE_FILE] + targets[LRU_ACTIVE_FILE] + 1);
			lru = LRU_INACTIVE_FILE;
		}
		nr[lru] = 0;
		nr[lru + 1] = 0;
		lru = lru == LRU_INACTIVE_FILE ? LRU_INACTIVE_ANON : LRU_INACTIVE_FILE;
		for (int k = lru; k <= lru + 1; k++) {
			scanned = targets[k] - nr[k];
			nr[k] = targets[k] * (100 - percentage) / 100;
			nr[k] -= nr[k] < scanned ? nr[k] : scanned;
		}
	}
	sc->nr_reclaimed += nr_reclaimed;
	/* keep the inactive anon list filled while there is swap to age it into */
	if (can_age_anon_pages(m) && inactive_is_low(pgdat, LRU_INACTIVE_ANON))
		shrink_active_list(m, pgdat, LRU_ACTIVE_ANON, SWAP_CLUSTER_MAX, sc);
}

static uint64_t node_free_pages(struct pglist_data *pgdat)
{
	uint64_t n = 0;

	for (int z = 0; z < MAX_NR_ZONES; z++)
		n += zone_free_pages(&pgdat->node_zones[z]);
	return n;
}

static void prepare_scan_control(struct pglist_data *pgdat, struct scan_control *sc)
{
	uint64_t file, high = 0;

	sc->anon_cost = pgdat->anon_cost;
	sc->file_cost = pgdat->file_cost;
	if (sc->force_deactivate) {
		sc->may_deactivate = DEACTIVATE_ANON | DEACTIVATE_FILE;
	} else {
		/* refaults since the last reclaim say the inactive list is too small */
		sc->may_deactivate = 0;
		if (pgdat->vm_stat[WORKINGSET_ACTIVATE_ANON] != pgdat->refaults[0] ||
		    inactive_is_low(pgdat, LRU_INACTIVE_ANON))
			sc->may_deactivate |= DEACTIVATE_ANON;
		if (pgdat->vm_stat[WORKINGSET_ACTIVATE_FILE] != pgdat->refaults[1] ||
		    inactive_is_low(pgdat, LRU_INACTIVE_FILE))
			sc->may_deactivate |= DEACTIVATE_FILE;
	}
	sc->cache_trim_mode = (node_state(pgdat, NR_INACTIVE_FILE) >> sc->priority) &&
			      !(sc->may_deactivate & DEACTIVATE_FILE) && !sc->no_cache_trim_mode;
	/* a cache so small that trimming it would thrash: take anon instead */
	file = node_state(pgdat, NR_ACTIVE_FILE) + node_state(pgdat, NR_INACTIVE_FILE);
	for (int z = 0; z < MAX_NR_ZONES; z++)
		if (managed_zone(&pgdat->node_zones[z]))
			high += wmark_pages(&pgdat->node_zones[z], WMARK_HIGH);
	sc->file_is_tiny = file + node_free_pages(pgdat) <= high &&
			   !(sc->may_deactivate & DEACTIVATE_ANON) &&
			   (node_state(pgdat, NR_INACTIVE_ANON) >> sc->priority);
}

void shrink_node(struct machine *m, struct pglist_data *pgdat, struct scan_control *sc)
{
	uint64_t before = sc->nr_reclaimed;

	int64_t slab_before, steal_before;

	sc->nr.dirty = sc->nr.unqueued_dirty = sc->nr.file_taken = 0;
	prepare_scan_control(pgdat, sc);
	shrink_lruvec(m, pgdat, sc);
	/*
	 * shrink_node_memcgs: the shrinkers after the LRU lists, at the same
	 * priority; the slab pages they freed count as reclaimed
	 * (flush_reclaim_state, global reclaim)
	 */
	slab_before = global_node_page_state(m, NR_SLAB_RECLAIMABLE) +
		      global_node_page_state(m, NR_SLAB_UNRECLAIMABLE);
	steal_before = m->vm_events[PGINODESTEAL] + m->vm_events[KSWAPD_INODESTEAL];
	shrink_slab(m, pgdat->node_id, sc->priority, sc->who == RECLAIMER_KSWAPD);
	slab_before -= global_node_page_state(m, NR_SLAB_RECLAIMABLE) +
		       global_node_page_state(m, NR_SLAB_UNRECLAIMABLE);
	if (slab_before > 0)
		sc->nr_reclaimed += (uint64_t)slab_before;
	/* mm_account_reclaimed_pages: what the inode shrinker invalidated counts as well */
	sc->nr_reclaimed += (uint64_t)(m->vm_events[PGINODESTEAL] + m->vm_events[KSWAPD_INODESTEAL] -
				       steal_before);
	/* kswapd writes dirty file pages itself once it meets nothing else */
	if (sc->who == RECLAIMER_KSWAPD && sc->nr.unqueued_dirty &&
	    sc->nr.unqueued_dirty == sc->nr.file_taken)
		pgdat->reclaim_dirty = 1;
	/* any progress revives a kswapd that gave up */
	if (sc->nr_reclaimed > before)
		pgdat->kswapd_failures = 0;
	else if (sc->cache_trim_mode)
		sc->cache_trim_mode_failed = 1;
}
