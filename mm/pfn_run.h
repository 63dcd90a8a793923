/* SPDX-License-Identifier: MIT */
/*
 * pfn_run.h - walking physical memory by runs (pagemap.c), for the readers
 * of every pfn: kpageflags, kpagecount and the physical map (view_snap.c).
 * All functions expect m->lock held.
 */
#ifndef MM_PFN_RUN_H
#define MM_PFN_RUN_H

#include <stdint.h>

struct machine;

enum pfn_run {
	RUN_PAGES,	/* look at each struct page */
	RUN_RESERVED,	/* memblock-reserved, or a hole inside a zone's span */
	RUN_FREE,	/* a zone's pristine free blocks */
	RUN_NOPAGE,	/* no struct page at all */
};

/* Classify [pfn, end): returns where the run that starts at pfn stops. */
uint64_t pfn_run(struct machine *m, uint64_t pfn, uint64_t end, enum pfn_run *kind);
/* The end of the free buddy block holding pfn, or 0 when it is in none. */
uint64_t free_block_end(struct machine *m, uint64_t pfn);
/* The same, and the block's order in *order (untouched when in none). */
uint64_t free_block_find(struct machine *m, uint64_t pfn, unsigned *order);
/* The head of the compound page pfn belongs to, or pfn itself. */
uint64_t compound_head_pfn(struct machine *m, uint64_t pfn);

#endif
