// SPDX-License-Identifier: MIT
/*
 * workingset.c - shadows and refaults (see workingset.h).
 *
 * A shadow packs the evicting node, whether the page was part of the
 * working set (PG_workingset), and the node's nonresident_age at eviction:
 *
 *   bit 0: 1 (never 0)   bit 1: workingset   bits 2-7: node   bits 8-: age
 */
#include "internal.h"
#include "page.h"
#include "swap.h"
#include "vmscan.h"
#include "workingset.h"

#define SH_WORKINGSET	2ULL
#define SH_NODE_SHIFT	2
#define SH_AGE_SHIFT	8

void workingset_age_nonresident(struct pglist_data *pgdat, uint64_t nr)
{
	pgdat->nonresident_age += nr;
}

uint64_t workingset_eviction(struct machine *m, struct page *page, uint64_t nr)
{
	struct pglist_data *pgdat = m->node[page_zone(m, page)->nid];
	uint64_t age = pgdat->nonresident_age;

	workingset_age_nonresident(pgdat, nr);
	return 1 | (PageFlag(page, PG_workingset) ? SH_WORKINGSET : 0) |
	       ((uint64_t)pgdat->node_id << SH_NODE_SHIFT) | (age << SH_AGE_SHIFT);
}

/*
 * Would the page have stayed with this much more memory? The working set
 * it competes with: the active file pages, and the inactive ones for an
 * anonymous page; the anonymous lists too while there is swap to use.
 */
static int test_recent(struct machine *m, struct pglist_data *pgdat, uint64_t distance, int file)
{
	uint64_t ws = (uint64_t)pgdat->vm_stat[NR_ACTIVE_FILE];

	if (!file)
		ws += (uint64_t)pgdat->vm_stat[NR_INACTIVE_FILE];
	if (nr_swap_pages(m) > 0) {
		ws += (uint64_t)pgdat->vm_stat[NR_ACTIVE_ANON];
		if (file)
			ws += (uint64_t)pgdat->vm_stat[NR_INACTIVE_ANON];
	}
	return distance <= ws;
}

void workingset_refault(struct machine *m, struct page *page, uint64_t shadow, int file)
{
	struct pglist_data *pgdat;
	uint64_t eviction, nid;

	if (!shadow)
		return;
	nid = (shadow >> SH_NODE_SHIFT) & 63;
	eviction = shadow >> SH_AGE_SHIFT;
	pgdat = nid < (uint64_t)m->nr_nodes ? m->node[nid] : m->node[0];
	mod_node_page_state(pgdat, file ? WORKINGSET_REFAULT_FILE : WORKINGSET_REFAULT_ANON, 1);
	if (!test_recent(m, pgdat, pgdat->nonresident_age - eviction, file))
		return;
	SetPageFlag(page, PG_active);
	workingset_age_nonresident(pgdat, 1);
	mod_node_page_state(pgdat, file ? WORKINGSET_ACTIVATE_FILE : WORKINGSET_ACTIVATE_ANON, 1);
	if (shadow & SH_WORKINGSET) {
		SetPageFlag(page, PG_workingset);
		/* lru_note_cost_refault: a refault of the working set costs an I/O */
		lru_note_cost(m, pgdat, file, 1, 0);
		mod_node_page_state(pgdat, file ? WORKINGSET_RESTORE_FILE : WORKINGSET_RESTORE_ANON, 1);
	}
}
