/* SPDX-License-Identifier: MIT */
/*
 * mmzone.h - nodes, zones and their buddy free lists (kernel: mmzone.h).
 *
 * Geometry: node i spans [i * max_pfn / N, (i+1) * max_pfn / N), rounded to
 * MAX_ORDER blocks. Inside a node, zones are cut at fixed physical limits:
 *
 *   pfn 0      1       0x1000 (16M)         0x100000 (4G)            node end
 *       | hole | DMA    | DMA32               | Normal                  |
 *
 * Free memory is kept in two forms. Blocks on free_area lists are ordinary
 * buddy blocks whose head struct page carries PG_buddy and the order. The
 * "pristine" range [pristine_start, pristine_end) is a run of MAX_ORDER
 * Movable blocks that have never been allocated: they are counted in
 * free_area[MAX_ORDER].nr_free[MIGRATE_MOVABLE] like any other block but
 * have no list entry, so a 1 TiB machine boots without writing 256k struct
 * pages. Allocation carves pristine blocks from the top (highest pfn first,
 * which is also the order Linux hands out fresh memory after boot).
 */
#ifndef MM_MMZONE_H
#define MM_MMZONE_H

#include <stdint.h>

#include "list.h"
#include "snapshot.h"
#include "vmstat_items.h"

#define MAX_ORDER_NR_PAGES	(1ULL << MM_MAX_ORDER)
#define pageblock_order		MM_PAGEBLOCK_ORDER
#define pageblock_nr_pages	(1ULL << pageblock_order)

#define DMA_END_PFN	0x1000ULL	/* 16 MiB */
#define DMA32_END_PFN	0x100000ULL	/* 4 GiB */

struct free_area {
	struct list_head free_list[MIGRATE_TYPES];
	uint64_t nr_free[MIGRATE_TYPES];	/* blocks of this order, pristine included */
};

struct pglist_data;

struct zone {
	struct pglist_data *zone_pgdat;
	enum zone_type idx;
	int nid;
	uint64_t zone_start_pfn;
	uint64_t spanned_pages;
	uint64_t present_pages;
	uint64_t managed_pages;
	uint64_t _watermark[NR_WMARK];		/* pages */
	uint64_t watermark_boost;
	uint64_t lowmem_reserve[MAX_NR_ZONES];	/* pages */
	uint64_t totalreserve;			/* this zone's share of totalreserve_pages */
	struct free_area free_area[MM_NR_ORDERS];
	uint64_t pristine_start, pristine_end;	/* MAX_ORDER aligned; empty when equal */
	int64_t vm_stat[NR_VM_ZONE_STAT_ITEMS];
	int64_t numa_stat[NR_VM_NUMA_STAT_ITEMS];
	/* compaction.c: where the scanners resume, and deferral after failures */
	uint64_t compact_cached_free_pfn;
	uint64_t compact_cached_migrate_pfn[2];	/* [0] async, [1] sync */
	uint64_t compact_init_migrate_pfn, compact_init_free_pfn;
	unsigned compact_considered, compact_defer_shift;
	int compact_order_failed;
	int compact_blockskip_flush;	/* a full run ended: kswapd clears the skip bits */
};

static inline uint64_t zone_end_pfn(const struct zone *z) { return z->zone_start_pfn + z->spanned_pages; }
static inline int populated_zone(const struct zone *z) { return z->present_pages != 0; }
static inline int managed_zone(const struct zone *z) { return z->managed_pages != 0; }
static inline uint64_t wmark_pages(const struct zone *z, enum zone_watermarks w)
{
	return z->_watermark[w] + z->watermark_boost;
}

/* The LRU lists of a node (kernel: enum lru_list), in /proc order. */
enum lru_list {
	LRU_INACTIVE_ANON,
	LRU_ACTIVE_ANON,
	LRU_INACTIVE_FILE,
	LRU_ACTIVE_FILE,
	LRU_UNEVICTABLE,
	NR_LRU_LISTS
};

/* Zones to try, in order, for one (node, highest zone, THISNODE) request. */
struct zonelist {
	int built, nr;
	struct zone *zones[MM_MAX_NODES * MAX_NR_ZONES];
};

struct pglist_data {
	int node_id;
	struct list_head lru[NR_LRU_LISTS];	/* user pages; page->lru links them */
	uint64_t node_start_pfn;
	uint64_t node_spanned_pages;
	uint64_t node_present_pages;
	struct zone node_zones[MAX_NR_ZONES];
	int64_t vm_stat[NR_VM_NODE_STAT_ITEMS];
	/* vmscan.c: the lruvec's reclaim state */
	uint64_t anon_cost, file_cost;	/* decaying cost of reclaiming each (lru_note_cost) */
	int64_t refaults[2];		/* WORKINGSET_ACTIVATE_ANON/FILE at the last reclaim */
	uint64_t nonresident_age;	/* workingset.c: evictions and activations so far */
	/* vmscan.c: this node's kswapd */
	int kswapd_wake;		/* woken, runs at the next safe point */
	int kswapd_order;		/* the largest order it was woken for */
	int kswapd_highest_zoneidx;	/* the highest zone it was woken for, -1: none */
	int kswapd_failures;		/* balance_pgdat runs that reclaimed nothing */
	int kswapd_state;		/* kswapd.c: asleep, woken, napping */
	uint64_t kswapd_nap_end;	/* sim ns when its short nap ends */
	int reclaim_dirty;		/* PGDAT_DIRTY: kswapd met only dirty file pages */
	/* compaction_node.c: this node's kcompactd */
	int kcompactd_max_order;	/* the largest order it was woken for, 0: none */
	int kcompactd_highest_zoneidx;
	int kcompactd_wake;		/* woken, runs at the next point */
	int proactive_compact_trigger;	/* compaction_proactiveness was written */
	uint64_t kcompactd_next_ns;	/* sim ns of its next proactive check */
};

#endif
