/* SPDX-License-Identifier: MIT */
/*
 * page_alloc.h - the buddy allocator (kernel: mm/page_alloc.c).
 *
 * All functions expect m->lock held.
 */
#ifndef MM_PAGE_ALLOC_H
#define MM_PAGE_ALLOC_H

#include <stdint.h>

#include "page.h"
#include "mmzone.h"

struct machine;

/* gfp flags: which zones, which migratetype, how hard to try. */
#define __GFP_DMA		0x01u
#define __GFP_DMA32		0x04u
#define __GFP_MOVABLE		0x08u	/* page can be migrated: Movable type */
#define __GFP_RECLAIMABLE	0x10u	/* Reclaimable type */
#define __GFP_HIGH		0x20u	/* may dip below the min watermark (by half) */
#define __GFP_ZERO		0x100u	/* contents zeroed */
#define __GFP_NOWARN		0x200u
#define __GFP_THISNODE		0x400u	/* no fallback to other nodes */
#define __GFP_NOFAIL_UNUSED	0x800u
/*
 * A user page that reads as zeros (PG_zeroed, no memset): what Linux asks
 * with __GFP_ZERO for a new anonymous page. The allocator ignores it; the
 * OOM report shows it as __GFP_ZERO (oom_report.c).
 */
#define __GFP_USER_ZERO		0x1000u
/*
 * The caller does not wake kswapd when the fast path fails: Linux's
 * allocations without __GFP_KSWAPD_RECLAIM (GFP_TRANSHUGE and
 * GFP_TRANSHUGE_LIGHT, a THP fault under defrag=always or madvise).
 */
#define __GFP_NOKSWAPD		0x2000u

#define GFP_KERNEL		0u			/* Unmovable, Normal and below */
#define GFP_USER		0u
#define GFP_HIGHUSER_MOVABLE	(__GFP_MOVABLE)		/* user pages */
#define GFP_DMA32		(__GFP_DMA32)
#define GFP_DMA			(__GFP_DMA)

int gfp_migratetype(unsigned gfp);
enum zone_type gfp_zone(unsigned gfp);

/*
 * Allocate 2^order contiguous pages, preferring node nid (-1: node 0),
 * honouring watermarks and lowmem_reserve as Linux's fast and slow paths do.
 * Returns the head page with refcount 1, or NULL when no zone can satisfy the
 * request (an order <= 3 failure is recorded for the caller's alloc_retry).
 * Below the low watermark it wakes kswapd; it never reclaims itself.
 */
struct page *alloc_pages(struct machine *m, unsigned gfp, unsigned order, int nid);
/*
 * alloc_pages for a memory policy (kernel: __alloc_pages with a nodemask):
 * only zones of nodemask's nodes (0: every node), in nid's zonelist order;
 * numa_local/numa_other are counted against cpu_nid, the allocating
 * task's node. A failure records the nodemask, so direct reclaim works
 * on those nodes only.
 */
struct page *__alloc_pages(struct machine *m, unsigned gfp, unsigned order, int nid,
			   uint64_t nodemask, int cpu_nid);
/* compaction: take the free block at pfn as order-0 targets (see page_alloc.c). */
uint64_t isolate_free_block(struct machine *m, struct zone *z, uint64_t pfn, unsigned order,
			    struct list_head *list);
/* Free a block obtained from alloc_pages with the same order. */
void free_pages(struct machine *m, struct page *page, unsigned order);

/* The zone a pfn belongs to (NULL for a pfn outside every zone). */
struct zone *pfn_zone(struct machine *m, uint64_t pfn);
int pageblock_migratetype(struct machine *m, uint64_t pfn);
void set_pageblock_migratetype(struct machine *m, uint64_t pfn, int mt);

/* Boot: put every usable pfn of every zone onto its free lists. */
void page_alloc_init_zone(struct machine *m, struct zone *z);

/* Watermarks (recomputed when min_free_kbytes / watermark_scale_factor change). */
void init_per_zone_wmark_min(struct machine *m);	/* boot default of min_free_kbytes */
void set_recommended_min_free_kbytes(struct machine *m);	/* khugepaged's raise */
void setup_per_zone_wmarks(struct machine *m);
void setup_per_zone_lowmem_reserve(struct machine *m);
void calculate_totalreserve_pages(struct machine *m);
int zone_watermark_ok(struct machine *m, struct zone *z, unsigned order,
		      uint64_t mark, enum zone_type highest_zoneidx, unsigned alloc_flags);

/* Free pages of a zone, and MemAvailable's estimate (si_mem_available). */
uint64_t zone_free_pages(const struct zone *z);
uint64_t si_mem_available(struct machine *m);

#define PAGE_ALLOC_COSTLY_ORDER	3

/*
 * page_alloc_slow.c: the allocator's slow path, run between faults. An
 * allocation failed (alloc_pages recorded it in m->alloc_failed): reclaim
 * directly, retry while that helps or might (should_reclaim_retry: at
 * most 16 passes without progress), then let the OOM killer free memory.
 * The caller undoes nothing: it simply tries the failed step again.
 */
struct alloc_retry {
	int no_progress_loops;
};
enum { ALLOC_RETRY, ALLOC_FAIL, ALLOC_KILLED };
/*
 * ALLOC_RETRY: try again; ALLOC_FAIL: give up with ENOMEM (a failure of
 * policy, not of memory, or nothing left to kill); ALLOC_KILLED: the OOM
 * killer chose the command's own process, which must stop (EINTR).
 */
int alloc_retry(struct machine *m, struct alloc_retry *st);

#endif
