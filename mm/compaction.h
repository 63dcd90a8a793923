/* SPDX-License-Identifier: MIT */
/*
 * compaction.h - memory compaction (kernel: mm/compaction.c): movable
 * pages are migrated from the bottom of a zone to free pages at its top,
 * so that free memory coalesces into high-order blocks.
 *
 * compaction.c has one zone's run (compact_zone): the migration scanner
 * walks pageblocks upwards from the zone's start, isolating movable LRU
 * pages (32 at a time, COMPACT_CLUSTER_MAX); the free scanner walks
 * pageblocks downwards from the zone's end, isolating free buddy blocks of
 * Movable pageblocks as order-0 targets; migrate_pages_to moves the pages
 * (bytes, PTEs through rmap, page cache and swap cache entries); the run
 * ends when the scanners meet, or for an allocation of order N as soon as
 * a block of order >= N is free. Pageblocks where nothing could be
 * isolated get a skip bit (m->pageblock_skip) that later runs honour until
 * it is cleared (__reset_isolation_suitable).
 *
 * compaction_node.c has who runs it: compact_memory and nodeN/compact
 * (every zone, whole, synchronous), kcompactd (woken by kswapd as it goes
 * to sleep, and every 500 ms of simulated time for proactive compaction),
 * and direct compaction from the allocation slow path, with deferral.
 *
 * What is not modelled: the fast free-list searches
 * (fast_isolate_freepages, fast_find_migrateblock), capture of the freed
 * page (capture_control), the per-cpu lists (there are none), lock
 * contention. Compaction never meets a THP or hugetlb page it could move:
 * Linux skips compound pages of pageblock order, as here.
 *
 * All functions expect m->lock held.
 */
#ifndef MM_COMPACTION_H
#define MM_COMPACTION_H

#include <stdint.h>

#include "list.h"
#include "mmzone.h"

struct machine;
struct rbuf_lite;

/* Outcome of a compaction attempt, least to most successful (kernel order). */
enum compact_result {
	COMPACT_NOT_SUITABLE_ZONE,
	COMPACT_SKIPPED,
	COMPACT_DEFERRED,
	COMPACT_NO_SUITABLE_PAGE,
	COMPACT_CONTINUE,
	COMPACT_COMPLETE,
	COMPACT_PARTIAL_SKIPPED,
	COMPACT_CONTENDED,
	COMPACT_SUCCESS,
};

/* How hard direct compaction tries: lower is harder. */
enum compact_priority {
	COMPACT_PRIO_SYNC_FULL,
	MIN_COMPACT_PRIORITY = COMPACT_PRIO_SYNC_FULL,
	COMPACT_PRIO_SYNC_LIGHT,
	DEF_COMPACT_PRIORITY = COMPACT_PRIO_SYNC_LIGHT,
	COMPACT_PRIO_ASYNC,
	INIT_COMPACT_PRIORITY = COMPACT_PRIO_ASYNC,
};

/* kernel: enum migrate_mode */
enum migrate_mode { MIGRATE_ASYNC, MIGRATE_SYNC_LIGHT, MIGRATE_SYNC };

#define COMPACT_CLUSTER_MAX	32	/* SWAP_CLUSTER_MAX */
#define COMPACT_MAX_DEFER_SHIFT	6
#define COMPACTION_HPAGE_ORDER	9	/* HPAGE_PMD_ORDER: the fragmentation score's order */
#define HPAGE_FRAG_CHECK_INTERVAL_NS	500000000ULL	/* kcompactd's proactive period */

/* One compaction run over one zone (kernel: struct compact_control). */
struct compact_control {
	struct list_head freepages;	/* isolated free order-0 pages (targets) */
	struct list_head migratepages;	/* isolated folios to move */
	uint64_t nr_freepages, nr_migratepages;
	uint64_t free_pfn;		/* where the free scanner goes on (downwards) */
	uint64_t migrate_pfn;		/* where the migration scanner goes on (upwards) */
	uint64_t total_migrate_scanned, total_free_scanned;
	struct zone *zone;
	int order;			/* -1: compact_memory, the whole zone */
	unsigned gfp;
	int migratetype;
	unsigned alloc_flags;		/* watermark of the allocation: 0 min, 1 low */
	int highest_zoneidx;
	enum migrate_mode mode;
	int ignore_skip_hint, no_set_skip_hint, ignore_block_suitable;
	int direct_compaction, whole_zone, proactive_compaction, finish_pageblock;
};

/* compaction.c */
enum compact_result compact_zone(struct machine *m, struct compact_control *cc);
int compaction_suitable(struct machine *m, struct zone *z, int order, int highest_zoneidx);
/* Clear the zone's skip bits after a full run (compact_blockskip_flush), as kswapd does. */
void reset_isolation_suitable(struct machine *m, struct pglist_data *pgdat);
void __reset_isolation_suitable(struct machine *m, struct zone *z);
int get_pageblock_skip(struct machine *m, uint64_t pfn);
/* compaction_frag.c: Linux's extfrag index in thousandths (-1000: the order can be met). */
int fragmentation_index(const struct zone *z, int order);
/* Percent of free memory in blocks below order (extfrag_for_order). */
unsigned extfrag_for_order(const struct zone *z, int order);
/* Proactive compaction's watermarks of the score: low (stop) or high (start). */
unsigned fragmentation_score_wmark(struct machine *m, int low);

/* compaction_node.c */
void defer_compaction(struct machine *m, struct zone *z, int order);
int compaction_deferred(struct machine *m, struct zone *z, int order);
void compaction_defer_reset(struct machine *m, struct zone *z, int order, int alloc_success);
/* compact_memory: every zone of every node; nodeN/compact: one node. */
void compact_nodes(struct machine *m);
void compact_node(struct machine *m, int nid);
unsigned fragmentation_score_node(struct machine *m, struct pglist_data *pgdat);
/* compaction_proactiveness was written: kcompactd looks at every node at its next point. */
void compaction_proactiveness_changed(struct machine *m);
/*
 * kcompactd (kernel: wakeup_kcompactd, kcompactd, kcompactd_do_work).
 * wakeup_kcompactd records the order and zone; kcompactd_run, called at
 * kswapd's points (kswapd_run), runs every woken node's kcompactd, and the
 * proactive check of each node once 500 ms of simulated time have passed.
 */
void wakeup_kcompactd(struct machine *m, struct pglist_data *pgdat, int order, int highest_zoneidx);
void kcompactd_run(struct machine *m);
/*
 * Direct compaction for an allocation of 2^order that failed (kernel:
 * __alloc_pages_direct_compact with try_to_compact_pages): compacts the
 * zones of nid's zonelist at prio, then retries the free lists. Counts
 * compact_stall and compact_success / compact_fail unless every zone was
 * skipped. Returns the page, or NULL with *result. The retry is a try of
 * the caller's allocation: the caller writes its one mm_page_alloc.
 */
struct page *alloc_pages_direct_compact(struct machine *m, unsigned gfp, unsigned order, int nid,
					enum compact_priority prio, enum compact_result *result);

/* The checker: skip bits, cached scanner positions and deferral state are in range. */
int compaction_check(struct machine *m, struct rbuf_lite *out);

#endif
