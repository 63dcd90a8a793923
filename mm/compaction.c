// SPDX-License-Identifier: MIT
/*
 * compaction.c - one zone's compaction run (kernel: compact_zone and the
 * scanners of mm/compaction.c). See compaction.h for the shape of a run
 * and what is not modelled; compaction_node.c for who starts runs.
 *
 *   zone_start                                                   zone_end
 *   | migrate_pfn -> (isolate LRU pages)   (isolate free pages) <- free_pfn |
 *
 * Both scanners go a pageblock at a time; the run is over when the free
 * scanner reaches the migration scanner's pageblock. What Linux counts is
 * counted the same way: compact_migrate_scanned / compact_free_scanned
 * are pfns looked at (a free or compound block counts all its pages),
 * compact_isolated the pages isolated by either scanner.
 */
#include "internal.h"
#include "compaction.h"
#include "trace.h"
#include "huge_memory.h"
#include "migrate.h"
#include "page_alloc.h"
#include "rmap.h"
#include "vmstat.h"

enum isolate_migrate { ISOLATE_ABORT, ISOLATE_NONE, ISOLATE_SUCCESS };

static uint64_t pageblock_start_pfn(uint64_t pfn) { return pfn & ~(pageblock_nr_pages - 1); }
static uint64_t pageblock_end_pfn(uint64_t pfn) { return pageblock_start_pfn(pfn) + pageblock_nr_pages; }
static int pageblock_aligned(uint64_t pfn) { return !(pfn & (pageblock_nr_pages - 1)); }
static int is_via_compact_memory(int order) { return order == -1; }

/* ---- pageblock skip bits (PB_migrate_skip) ---- */

int get_pageblock_skip(struct machine *m, uint64_t pfn)
{
	return m->pageblock_skip[pfn >> pageblock_order];
}

static void set_pageblock_skip(struct machine *m, uint64_t pfn)
{
	m->pageblock_skip[pfn >> pageblock_order] = 1;
}

static void clear_pageblock_skip(struct machine *m, uint64_t pfn)
{
	m->pageblock_skip[pfn >> pageblock_order] = 0;
}

static int isolation_suitable(struct machine *m, struct compact_control *cc, uint64_t pfn)
{
	return cc->ignore_skip_hint || !get_pageblock_skip(m, pfn);
}

static void reset_cached_positions(struct zone *z)
{
	z->compact_cached_migrate_pfn[0] = z->zone_start_pfn;
	z->compact_cached_migrate_pfn[1] = z->zone_start_pfn;
	z->compact_cached_free_pfn = pageblock_start_pfn(zone_end_pfn(z) - 1);
}

/* The order of the free block whose first page is pfn, or -1 (PageBuddy). */
static int buddy_order(struct machine *m, struct zone *z, uint64_t pfn)
{
	struct page *page = pfn_to_page(m, pfn);

	if (pfn >= z->pristine_start && pfn < z->pristine_end)
		return pfn & (MAX_ORDER_NR_PAGES - 1) ? -1 : MM_MAX_ORDER;
	return PageFlag(page, PG_buddy) ? (int)page->private : -1;
}

/* A compound page of pageblock order (THP, hugetlb, the huge zero page): it stays. */
static int compound_head_at(struct machine *m, uint64_t pfn)
{
	return PageFlag(pfn_to_page(m, pfn), PG_head);
}

/*
 * Would clearing pfn's block skip bit be useful (__reset_isolation_pfn)?
 * Only a sample is looked at, every 8th page: an LRU page for the
 * migration scanner, a free page for the free scanner.
 */
static int reset_isolation_pfn(struct machine *m, struct zone *z, uint64_t pfn, int check_source,
			       int check_target)
{
	uint64_t start, end;

	if (pfn < z->zone_start_pfn || pfn >= zone_end_pfn(z) || compound_head_at(m, pfn))
		return 0;
	if (check_source && check_target && !get_pageblock_skip(m, pfn))
		return 1;
	if (!check_source && check_target && pageblock_migratetype(m, pfn) != MIGRATE_MOVABLE)
		return 0;
	start = pageblock_start_pfn(pfn);
	if (start < z->zone_start_pfn)
		start = z->zone_start_pfn;
	end = pageblock_end_pfn(pfn) - 1;
	if (end > zone_end_pfn(z) - 1)
		end = zone_end_pfn(z) - 1;
	for (uint64_t p = start; p <= end; p += 1ULL << PAGE_ALLOC_COSTLY_ORDER) {
		if ((check_source && PageFlag(pfn_to_page(m, p), PG_lru)) ||
		    (check_target && buddy_order(m, z, p) >= 0)) {
			clear_pageblock_skip(m, p);
			return 1;
		}
	}
	return 0;
}

/*
 * After a full run (compact_blockskip_flush): walk the zone from both ends
 * clearing skip bits where a sample shows a source or a target, and move
 * the cached scanner positions to the first such blocks.
 */
void __reset_isolation_suitable(struct machine *m, struct zone *z)
{
	uint64_t migrate_pfn = z->zone_start_pfn, free_pfn = zone_end_pfn(z) - 1;
	uint64_t reset_migrate = free_pfn, reset_free = migrate_pfn;
	int source_set = 0, free_set = 0;

	if (!z->compact_blockskip_flush)
		return;
	z->compact_blockskip_flush = 0;
	for (; migrate_pfn < free_pfn; migrate_pfn += pageblock_nr_pages, free_pfn -= pageblock_nr_pages) {
		if (reset_isolation_pfn(m, z, migrate_pfn, 1, source_set) && migrate_pfn < reset_migrate) {
			source_set = 1;
			reset_migrate = migrate_pfn;
			z->compact_init_migrate_pfn = reset_migrate;
			z->compact_cached_migrate_pfn[0] = reset_migrate;
			z->compact_cached_migrate_pfn[1] = reset_migrate;
		}
		if (reset_isolation_pfn(m, z, free_pfn, free_set, 1) && free_pfn > reset_free) {
			free_set = 1;
			reset_free = free_pfn;
			z->compact_init_free_pfn = reset_free;
			z->compact_cached_free_pfn = reset_free;
		}
	}
	if (reset_migrate >= reset_free) {	/* nothing reset: no distance left */
		z->compact_cached_migrate_pfn[0] = migrate_pfn;
		z->compact_cached_migrate_pfn[1] = migrate_pfn;
		z->compact_cached_free_pfn = free_pfn;
	}
}

void reset_isolation_suitable(struct machine *m, struct pglist_data *pgdat)
{
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &pgdat->node_zones[i];

		if (populated_zone(z) && z->compact_blockskip_flush)
			__reset_isolation_suitable(m, z);
	}
}

static void update_cached_migrate(struct compact_control *cc, uint64_t pfn)
{
	struct zone *z = cc->zone;

	if (cc->no_set_skip_hint)
		return;
	pfn = pageblock_end_pfn(pfn);
	if (pfn > z->compact_cached_migrate_pfn[0])
		z->compact_cached_migrate_pfn[0] = pfn;
	if (cc->mode != MIGRATE_ASYNC && pfn > z->compact_cached_migrate_pfn[1])
		z->compact_cached_migrate_pfn[1] = pfn;
}

static void update_pageblock_skip(struct machine *m, struct compact_control *cc, uint64_t block,
				  uint64_t pfn)
{
	if (cc->no_set_skip_hint)
		return;
	set_pageblock_skip(m, block);
	if (pfn < cc->zone->compact_cached_free_pfn)
		cc->zone->compact_cached_free_pfn = pfn;
}

/* The pageblock [start, end) inside the zone: its first pfn, or UINT64_MAX (pageblock_pfn_to_page). */
static uint64_t block_in_zone(struct zone *z, uint64_t start, uint64_t end)
{
	if (start < z->zone_start_pfn)
		start = z->zone_start_pfn;
	if (end > zone_end_pfn(z) || start >= end)
		return UINT64_MAX;
	return start;
}

/* ---- the free scanner ---- */

static uint64_t isolate_freepages_block(struct machine *m, struct compact_control *cc,
					uint64_t *start_pfn, uint64_t end_pfn, unsigned stride)
{
	uint64_t nr_scanned = 0, total_isolated = 0, pfn = *start_pfn;

	for (; pfn < end_pfn; pfn += stride) {
		uint64_t isolated;
		int order;

		nr_scanned++;
		if (compound_head_at(m, pfn)) {
			pfn += HPAGE_PMD_NR - 1;
			nr_scanned += HPAGE_PMD_NR - 1;
			continue;
		}
		order = buddy_order(m, cc->zone, pfn);
		if (order < 0)
			continue;
		isolated = isolate_free_block(m, cc->zone, pfn, (unsigned)order, &cc->freepages);
		if (!isolated)
			break;
		nr_scanned += isolated - 1;
		total_isolated += isolated;
		cc->nr_freepages += isolated;
		if (cc->nr_migratepages <= cc->nr_freepages) {
			pfn += isolated;
			break;
		}
		pfn += isolated - 1;
	}
	if (pfn > end_pfn)
		pfn = end_pfn;
	trace_mm_compaction_isolate_freepages(m, *start_pfn, pfn, nr_scanned, total_isolated);
	*start_pfn = pfn;
	cc->total_free_scanned += nr_scanned;
	if (total_isolated)
		count_vm_events(m, COMPACT_ISOLATED, (int64_t)total_isolated);
	return total_isolated;
}

/* A block the free scanner may take pages from: Movable, and not one large free block. */
static int suitable_migration_target(struct machine *m, struct compact_control *cc, uint64_t pfn)
{
	int order = buddy_order(m, cc->zone, pfn);

	if (order >= 0 && (unsigned)order >= pageblock_order)
		return 0;
	if (cc->ignore_block_suitable)
		return 1;
	return pageblock_migratetype(m, pfn) == MIGRATE_MOVABLE;
}

static int compact_scanners_met(struct compact_control *cc)
{
	return cc->free_pfn >> pageblock_order <= cc->migrate_pfn >> pageblock_order;
}

/* Walk down from free_pfn to the migration scanner's block until enough targets are isolated. */
static void isolate_freepages(struct machine *m, struct compact_control *cc)
{
	struct zone *z = cc->zone;
	uint64_t isolate_start_pfn = cc->free_pfn;
	uint64_t block_start_pfn = pageblock_start_pfn(isolate_start_pfn);
	uint64_t block_end_pfn = block_start_pfn + pageblock_nr_pages;
	uint64_t low_pfn = pageblock_end_pfn(cc->migrate_pfn);
	unsigned stride = cc->mode == MIGRATE_ASYNC ? COMPACT_CLUSTER_MAX : 1;

	if (block_end_pfn > zone_end_pfn(z))
		block_end_pfn = zone_end_pfn(z);
	for (; block_start_pfn >= low_pfn; block_end_pfn = block_start_pfn,
	     block_start_pfn -= pageblock_nr_pages, isolate_start_pfn = block_start_pfn) {
		uint64_t nr_isolated;

		if (block_in_zone(z, block_start_pfn, block_end_pfn) == UINT64_MAX)
			continue;
		if (!suitable_migration_target(m, cc, block_start_pfn))
			continue;
		if (!isolation_suitable(m, cc, block_start_pfn))
			continue;
		nr_isolated = isolate_freepages_block(m, cc, &isolate_start_pfn, block_end_pfn, stride);
		if (isolate_start_pfn == block_end_pfn)
			update_pageblock_skip(m, cc, block_start_pfn, block_start_pfn - pageblock_nr_pages);
		if (cc->nr_freepages >= cc->nr_migratepages) {
			if (isolate_start_pfn >= block_end_pfn)
				isolate_start_pfn = block_start_pfn - pageblock_nr_pages;
			break;
		} else if (isolate_start_pfn < block_end_pfn) {
			break;	/* isolation failed early (the watermark) */
		}
		if (nr_isolated) {
			stride = 1;
			continue;
		}
		stride = stride << 1 < COMPACT_CLUSTER_MAX ? stride << 1 : COMPACT_CLUSTER_MAX;
	}
	cc->free_pfn = isolate_start_pfn;
}

/* migrate_pages' callbacks (compaction_alloc, compaction_free). */
static struct page *compaction_alloc(struct machine *m, void *arg, unsigned order)
{
	struct compact_control *cc = arg;
	struct page *page;

	if (order)
		return NULL;	/* no large folio is ever isolated (compound pages are skipped) */
	if (list_empty(&cc->freepages)) {
		isolate_freepages(m, cc);
		if (list_empty(&cc->freepages))
			return NULL;
	}
	page = list_first_entry(&cc->freepages, struct page, lru);
	list_del(&page->lru);
	cc->nr_freepages--;
	return page;
}

static void compaction_free(struct machine *m, void *arg, struct page *page, unsigned order)
{
	struct compact_control *cc = arg;

	(void)m, (void)order;
	list_add(&page->lru, &cc->freepages);
	cc->nr_freepages++;
}

/* The unused targets go back to the buddy lists; the highest pfn among them. */
static uint64_t release_freepages(struct machine *m, struct list_head *list)
{
	uint64_t high = 0;

	while (!list_empty(list)) {
		struct page *page = list_first_entry(list, struct page, lru);
		uint64_t pfn = page_to_pfn(m, page);

		list_del(&page->lru);
		free_pages(m, page, 0);
		if (pfn > high)
			high = pfn;
	}
	return high;
}

/* ---- the migration scanner ---- */

/* Could this LRU page move now? Linux's cheap checks before isolating it. */
static int migratable(struct machine *m, struct compact_control *cc, struct page *page)
{
	int cached = PageFlag(page, PG_swapcache) || (!page_is_anon(page) && page->mapping);

	if (!PageFlag(page, PG_lru) || migrate_folio_nr(m, page) > 1)
		return 0;	/* a large folio: compaction leaves it (folio_test_large) */
	if (!cached && page->refcount > page->mapcount)
		return 0;	/* pinned: more references than mappings */
	if ((PageFlag(page, PG_unevictable) || PageFlag(page, PG_mlocked)) &&
	    !m->tun.compact_unevictable_allowed)
		return 0;
	if (cc->mode != MIGRATE_SYNC && PageFlag(page, PG_writeback))
		return 0;	/* ISOLATE_ASYNC_MIGRATE: it would block */
	return 1;
}

static uint64_t order_block_end(uint64_t pfn, int order)
{
	return (pfn + (1ULL << order)) & ~((1ULL << order) - 1);
}

/*
 * Isolate movable pages of [low_pfn, end_pfn), one pageblock at most, onto
 * cc->migratepages, 32 at most. cc->migrate_pfn gets where to go on. A
 * block where nothing was isolated gets its skip bit.
 */
static void isolate_migratepages_block(struct machine *m, struct compact_control *cc,
				       uint64_t low_pfn, uint64_t end_pfn)
{
	uint64_t nr_scanned = 0, nr_isolated = 0, valid = UINT64_MAX, next_skip_pfn = 0;
	uint64_t start_pfn = low_pfn;
	int skip_on_failure = 0, skip_updated = 0;
	struct zone *z = cc->zone;

	cc->migrate_pfn = low_pfn;
	if (cc->direct_compaction && cc->mode == MIGRATE_ASYNC) {
		skip_on_failure = 1;
		next_skip_pfn = order_block_end(low_pfn, cc->order);
	}
	for (; low_pfn < end_pfn; low_pfn++) {
		struct page *page = pfn_to_page(m, low_pfn);
		int order;

		if (skip_on_failure && low_pfn >= next_skip_pfn) {
			if (nr_isolated)
				break;	/* an order-aligned block is all isolated: migrate it */
			next_skip_pfn = order_block_end(low_pfn, cc->order);
		}
		nr_scanned++;
		if (valid == UINT64_MAX && (pageblock_aligned(low_pfn) || low_pfn == z->zone_start_pfn)) {
			if (!isolation_suitable(m, cc, low_pfn)) {
				low_pfn = end_pfn;
				goto abort;
			}
			valid = low_pfn;
		}
		order = buddy_order(m, z, low_pfn);
		if (order >= 0) {
			low_pfn += (1ULL << order) - 1;
			nr_scanned += (1ULL << order) - 1;
			continue;
		}
		if (compound_head_at(m, low_pfn)) {
			low_pfn += HPAGE_PMD_NR - 1;
			nr_scanned += HPAGE_PMD_NR - 1;
			goto fail;
		}
		if (!migratable(m, cc, page))
			goto fail;
		if (!skip_updated && valid != UINT64_MAX) {
			int was_set = !cc->ignore_skip_hint && get_pageblock_skip(m, valid);

			skip_updated = 1;	/* test_and_set_skip: claim the block */
			if (!cc->ignore_skip_hint && !cc->no_set_skip_hint)
				set_pageblock_skip(m, valid);
			if (was_set && !cc->finish_pageblock) {
				low_pfn = end_pfn;
				goto abort;
			}
		}
		if (migrate_isolate(m, page, &cc->migratepages))
			goto fail;
		cc->nr_migratepages++;
		nr_isolated++;
		if (cc->nr_migratepages >= COMPACT_CLUSTER_MAX && !cc->finish_pageblock) {
			low_pfn++;
			break;
		}
		continue;
fail:
		if (!skip_on_failure)
			continue;
		if (nr_isolated) {	/* the order-aligned block cannot be freed: give them back */
			putback_movable_pages(m, &cc->migratepages);
			cc->nr_migratepages = 0;
			nr_isolated = 0;
		}
		if (low_pfn < next_skip_pfn) {
			low_pfn = next_skip_pfn - 1;
			next_skip_pfn += 1ULL << cc->order;
		}
	}
	if (low_pfn > end_pfn)
		low_pfn = end_pfn;
abort:
	if (low_pfn == end_pfn && (!nr_isolated || cc->finish_pageblock)) {
		if (!cc->no_set_skip_hint && valid != UINT64_MAX && !skip_updated)
			set_pageblock_skip(m, valid);
		update_cached_migrate(cc, low_pfn);
	}
	trace_mm_compaction_isolate_migratepages(m, start_pfn, low_pfn, nr_scanned, nr_isolated);
	cc->total_migrate_scanned += nr_scanned;
	if (nr_isolated)
		count_vm_events(m, COMPACT_ISOLATED, (int64_t)nr_isolated);
	cc->migrate_pfn = low_pfn;
}

/* Async direct compaction takes only blocks of the allocation's own type. */
static int suitable_migration_source(struct machine *m, struct compact_control *cc, uint64_t pfn)
{
	if (compound_head_at(m, pfn))
		return 0;	/* pageblock_skip_persistent */
	if (cc->mode != MIGRATE_ASYNC || !cc->direct_compaction)
		return 1;
	return pageblock_migratetype(m, pfn) == cc->migratetype;
}

/* From migrate_pfn, the first pageblock with something to isolate, below the free scanner. */
static enum isolate_migrate isolate_migratepages(struct machine *m, struct compact_control *cc)
{
	struct zone *z = cc->zone;
	uint64_t low_pfn = cc->migrate_pfn;
	uint64_t block_start_pfn = pageblock_start_pfn(low_pfn);
	uint64_t block_end_pfn = pageblock_end_pfn(low_pfn);

	if (block_start_pfn < z->zone_start_pfn)
		block_start_pfn = z->zone_start_pfn;
	for (; block_end_pfn <= cc->free_pfn; cc->migrate_pfn = low_pfn = block_end_pfn,
	     block_start_pfn = block_end_pfn, block_end_pfn += pageblock_nr_pages) {
		if (block_in_zone(z, block_start_pfn, block_end_pfn) == UINT64_MAX)
			continue;
		if ((pageblock_aligned(low_pfn) || low_pfn == z->zone_start_pfn) &&
		    !isolation_suitable(m, cc, block_start_pfn))
			continue;
		if (!suitable_migration_source(m, cc, block_start_pfn)) {
			update_cached_migrate(cc, block_end_pfn);
			continue;
		}
		isolate_migratepages_block(m, cc, low_pfn, block_end_pfn);
		break;
	}
	return cc->nr_migratepages ? ISOLATE_SUCCESS : ISOLATE_NONE;
}

/* ---- one run ---- */

static enum compact_result __compact_finished(struct machine *m, struct compact_control *cc)
{
	struct zone *z = cc->zone;

	if (compact_scanners_met(cc)) {
		reset_cached_positions(z);	/* the next run starts anew */
		if (cc->direct_compaction)
			z->compact_blockskip_flush = 1;	/* kswapd clears the bits as it sleeps */
		return cc->whole_zone ? COMPACT_COMPLETE : COMPACT_PARTIAL_SKIPPED;
	}
	if (cc->proactive_compaction) {
		if (z->zone_pgdat->kswapd_state == 1)
			return COMPACT_PARTIAL_SKIPPED;	/* kswapd_is_running: KSWAPD_WOKEN */
		return extfrag_for_order(z, COMPACTION_HPAGE_ORDER) > fragmentation_score_wmark(m, 1)
			       ? COMPACT_CONTINUE : COMPACT_SUCCESS;
	}
	if (is_via_compact_memory(cc->order))
		return COMPACT_CONTINUE;
	if (!pageblock_aligned(cc->migrate_pfn))
		return COMPACT_CONTINUE;	/* always finish a pageblock */
	for (int o = cc->order; o <= MM_MAX_ORDER; o++) {
		const struct free_area *area = &z->free_area[o];

		if (area->nr_free[cc->migratetype])
			return COMPACT_SUCCESS;
		/* a fallback the allocator would take (find_suitable_fallback) */
		for (int mt = 0; mt < MIGRATE_PCPTYPES; mt++)
			if (mt != cc->migratetype && area->nr_free[mt] &&
			    ((unsigned)o >= pageblock_order / 2 || cc->migratetype != MIGRATE_MOVABLE))
				return COMPACT_SUCCESS;
	}
	return COMPACT_NO_SUITABLE_PAGE;
}

/* The run's check before each round: traced as found, no_suitable_page then means continue. */
static enum compact_result compact_finished(struct machine *m, struct compact_control *cc)
{
	enum compact_result ret = __compact_finished(m, cc);

	trace_mm_compaction_finished(m, cc->zone->nid, cc->zone->idx, cc->order, ret);
	return ret == COMPACT_NO_SUITABLE_PAGE ? COMPACT_CONTINUE : ret;
}

static int __compaction_suitable(struct machine *m, struct zone *z, int order, int highest_zoneidx)
{
	uint64_t watermark = order > PAGE_ALLOC_COSTLY_ORDER ? wmark_pages(z, WMARK_LOW)
							     : wmark_pages(z, WMARK_MIN);

	watermark += 2ULL << (order > 0 ? order : 0);	/* compact_gap */
	return zone_watermark_ok(m, z, 0, watermark, (enum zone_type)highest_zoneidx, 0);
}

/* Traced with its verdict: continue, skipped (too little free memory) or not_suitable_zone. */
int compaction_suitable(struct machine *m, struct zone *z, int order, int highest_zoneidx)
{
	/* skipped: too little free memory to migrate into */
	enum compact_result ret = COMPACT_SKIPPED;

	if (__compaction_suitable(m, z, order, highest_zoneidx)) {
		ret = COMPACT_CONTINUE;
		if (order > PAGE_ALLOC_COSTLY_ORDER) {
			int fragindex = fragmentation_index(z, order);

			/* towards 0 the failure is for want of memory: reclaim's business */
			if (fragindex >= 0 && fragindex <= m->tun.extfrag_threshold)
				ret = COMPACT_NOT_SUITABLE_ZONE;
		}
	}
	trace_mm_compaction_suitable(m, z->nid, z->idx, order, ret);
	return ret == COMPACT_CONTINUE;
}

enum compact_result compact_zone(struct machine *m, struct compact_control *cc)
{
	struct zone *z = cc->zone;
	uint64_t start_pfn = z->zone_start_pfn, end_pfn = zone_end_pfn(z), last_migrated_pfn = 0;
	int sync = cc->mode != MIGRATE_ASYNC, update_cached;
	struct migrate_target target = {
		.alloc = compaction_alloc, .free = compaction_free, .arg = cc, .stop_on_enomem = 1,
		.compaction = 1,
	};
	enum compact_result ret;

	lockdep_assert_held(m);
	cc->total_migrate_scanned = cc->total_free_scanned = 0;
	cc->nr_migratepages = cc->nr_freepages = 0;
	INIT_LIST_HEAD(&cc->freepages);
	INIT_LIST_HEAD(&cc->migratepages);
	cc->migratetype = gfp_migratetype(cc->gfp);
	if (!is_via_compact_memory(cc->order)) {
		if (zone_watermark_ok(m, z, (unsigned)cc->order,
				      wmark_pages(z, cc->alloc_flags ? WMARK_LOW : WMARK_MIN),
				      (enum zone_type)cc->highest_zoneidx, 0))
			return COMPACT_SUCCESS;	/* the allocation can already succeed */
		if (!compaction_suitable(m, z, cc->order, cc->highest_zoneidx))
			return COMPACT_SKIPPED;
	}
	/* deferred to the limit and tried again: start from clean skip bits */
	if (cc->order >= z->compact_order_failed && z->compact_defer_shift == COMPACT_MAX_DEFER_SHIFT &&
	    z->compact_considered >= 1U << z->compact_defer_shift)
		__reset_isolation_suitable(m, z);
	if (cc->whole_zone) {
		cc->migrate_pfn = start_pfn;
		cc->free_pfn = pageblock_start_pfn(end_pfn - 1);
	} else {
		cc->migrate_pfn = z->compact_cached_migrate_pfn[sync];
		cc->free_pfn = z->compact_cached_free_pfn;
		if (cc->free_pfn < start_pfn || cc->free_pfn >= end_pfn) {
			cc->free_pfn = pageblock_start_pfn(end_pfn - 1);
			z->compact_cached_free_pfn = cc->free_pfn;
		}
		if (cc->migrate_pfn < start_pfn || cc->migrate_pfn >= end_pfn) {
			cc->migrate_pfn = start_pfn;
			z->compact_cached_migrate_pfn[0] = z->compact_cached_migrate_pfn[1] = start_pfn;
		}
		if (cc->migrate_pfn <= z->compact_init_migrate_pfn)
			cc->whole_zone = 1;
	}
	update_cached = !sync && z->compact_cached_migrate_pfn[0] == z->compact_cached_migrate_pfn[1];
	trace_mm_compaction_begin(m, start_pfn, cc->migrate_pfn, cc->free_pfn, end_pfn, sync);

	while ((ret = compact_finished(m, cc)) == COMPACT_CONTINUE) {
		struct migrate_stats st = { 0 };
		int64_t err;

		/* the same block again (last_migrated_pfn 0 counts as block 0, as in Linux) */
		cc->finish_pageblock = pageblock_start_pfn(last_migrated_pfn) ==
				       pageblock_start_pfn(cc->migrate_pfn);
rescan:
		if (isolate_migratepages(m, cc) == ISOLATE_NONE) {
			if (update_cached)
				z->compact_cached_migrate_pfn[1] = z->compact_cached_migrate_pfn[0];
			continue;
		}
		update_cached = 0;
		last_migrated_pfn = pageblock_start_pfn(cc->migrate_pfn - 1);
		if (last_migrated_pfn < start_pfn)
			last_migrated_pfn = start_pfn;
		err = migrate_pages_to(m, &cc->migratepages, &target, &st);
		/* nr_failed: every page of the batch not moved, tried or not (put back) */
		trace_mm_compaction_migratepages(m, st.nr_succeeded,
						 cc->nr_migratepages - st.nr_succeeded);
		cc->nr_migratepages = 0;
		if (err) {
			if (err == -ENOMEM && !compact_scanners_met(cc)) {
				ret = COMPACT_CONTENDED;
				break;
			}
			/* a page of the block stayed: scan the rest of it, then mark it skipped */
			if (!pageblock_aligned(cc->migrate_pfn) && !cc->ignore_skip_hint &&
			    !cc->finish_pageblock && cc->mode < MIGRATE_SYNC) {
				cc->finish_pageblock = 1;
				if (cc->order == COMPACTION_HPAGE_ORDER)
					last_migrated_pfn = 0;
				goto rescan;
			}
		}
	}
	if (cc->nr_freepages) {
		uint64_t free_pfn = pageblock_start_pfn(release_freepages(m, &cc->freepages));

		cc->nr_freepages = 0;
		if (free_pfn > z->compact_cached_free_pfn)
			z->compact_cached_free_pfn = free_pfn;	/* only back, not forward */
	}
	count_vm_events(m, COMPACT_MIGRATE_SCANNED, (int64_t)cc->total_migrate_scanned);
	count_vm_events(m, COMPACT_FREE_SCANNED, (int64_t)cc->total_free_scanned);
	trace_mm_compaction_end(m, start_pfn, cc->migrate_pfn, cc->free_pfn, end_pfn, sync, ret);
	return ret;
}
