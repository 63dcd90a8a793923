/* SPDX-License-Identifier: MIT */
/*
 * page.h - struct page and the frame array (kernel: mm_types.h, page-flags.h).
 *
 * m->mem_map has one struct page per pfn in [0, max_pfn). It is reserved with
 * MAP_NORESERVE and never pre-touched, so its all-zero state must be a valid
 * page: zero flags, refcount 0, mapcount 0 (note: 0-based, unlike the kernel's
 * -1 based _mapcount). Whether an untouched pfn is free, reserved or a hole is
 * known from its zone (pristine range) and the machine's reserved ranges, not
 * from its struct page.
 *
 * Frame contents live at m->frames + pfn * 4096, also reserved sparsely: host
 * memory is committed only for frames that are written.
 */
#ifndef MM_PAGE_H
#define MM_PAGE_H

#include <stdint.h>

#include "list.h"

struct machine;

enum pageflags {
	PG_locked,
	PG_referenced,
	PG_uptodate,
	PG_dirty,
	PG_lru,
	PG_active,
	PG_slab,
	PG_writeback,
	PG_buddy,	/* head of a free buddy block: private = order (a page type in Linux) */
	PG_mmap_unused,
	PG_anon,
	PG_swapcache,
	PG_swapbacked,
	PG_head,
	PG_tail,
	PG_unevictable,
	PG_mlocked,
	PG_reserved,
	PG_pgtable,	/* a page-table page */
	PG_zero,	/* the shared zero page */
	PG_anon_exclusive,
	PG_lazyfree,
	PG_zeroed,	/* contents are all zero and not yet materialised in host memory */
	/*
	 * a readahead marker (a fault here starts the next window); for a page
	 * under writeback, "reclaim it when the write ends": Linux's PG_reclaim,
	 * the same bit, so kpageflags reads it as RECLAIM either way
	 */
	PG_readahead,
	PG_hugetlb,	/* head of a hugetlb pool page (a page type in Linux); a PG_head without it is a THP */
	PG_workingset,	/* part of the working set: deactivated, or refaulted as recent */
	NR_PAGEFLAGS
};
#define PG_reclaim	PG_readahead

struct page {
	uint64_t flags;			/* 1 << PG_* */
	struct list_head lru;		/* buddy free list, or an LRU list */
	void *mapping;			/* address_space / anon_vma (later issues) */
	uint64_t index;			/* pgoff within mapping */
	uint64_t private;		/* PG_buddy: order; anon: its anon_vma id */
	uint64_t swap;			/* PG_swapcache: its swap entry (swap.h), else 0 */
	int32_t refcount;		/* 0 = free or never used */
	int32_t mapcount;		/* number of PTEs mapping it (0-based) */
};

/*
 * An allocated page remembers its zone in the top bits of flags (the
 * kernel's page_zonenum/page_to_nid): set by the allocator on the block's
 * first page; pages whose flags are rewritten wholesale lose it and are
 * looked up by pfn instead (see page_zone() in internal.h).
 */
#define PAGE_ZONE_VALID		(1ULL << 63)
#define PAGE_NID_SHIFT		54	/* 6 bits: MM_MAX_NODES is 64 */
#define PAGE_ZID_SHIFT		60	/* 3 bits */

static inline int PageFlag(const struct page *p, enum pageflags f) { return (p->flags >> f) & 1; }
static inline void SetPageFlag(struct page *p, enum pageflags f) { p->flags |= 1ULL << f; }
static inline void ClearPageFlag(struct page *p, enum pageflags f) { p->flags &= ~(1ULL << f); }

/* pfn <-> page; m->mem_map is a flat array (see internal.h) */
#define pfn_to_page(m, pfn)	(&(m)->mem_map[(pfn)])
#define page_to_pfn(m, page)	((uint64_t)((page) - (m)->mem_map))
#define page_address(m, page)	((void *)((m)->frames + (page_to_pfn(m, page) << 12)))

/* memmap.c */
int memmap_init(struct machine *m);	/* reserve mem_map and frames for max_pfn */
void memmap_free(struct machine *m);

/* What an untouched pfn is, from the machine's memory ranges. */
enum pfn_kind { PFN_HOLE, PFN_RESERVED, PFN_USABLE };
enum pfn_kind pfn_kind(struct machine *m, uint64_t pfn);

#endif
