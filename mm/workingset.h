/* SPDX-License-Identifier: MIT */
/*
 * workingset.h - refault detection (kernel: mm/workingset.c).
 *
 * A page evicted from memory leaves a shadow where it was (its slot in the
 * swap cache, its index in the page cache): the node's count of evictions
 * and activations at that moment. When the page comes back, the distance
 * between then and now tells whether it would have stayed resident with a
 * little more memory: then it is activated at once (workingset_activate_*),
 * and restored to the working set if it was part of it
 * (workingset_restore_*). All functions expect m->lock held.
 */
#ifndef MM_WORKINGSET_H
#define MM_WORKINGSET_H

#include <stdint.h>

struct machine;
struct page;
struct pglist_data;

/*
 * The shadow a folio of nr pages leaving memory leaves behind (it ages the
 * node by nr). Never 0.
 */
uint64_t workingset_eviction(struct machine *m, struct page *page, uint64_t nr);
/*
 * page was read back where shadow was (0: nothing there): count the
 * refault, and make the page active (and part of the working set) when
 * its distance says so. file: a page-cache page, else a swap-backed one.
 */
void workingset_refault(struct machine *m, struct page *page, uint64_t shadow, int file);
/* nr pages were activated or evicted on pgdat: the clock moves. */
void workingset_age_nonresident(struct pglist_data *pgdat, uint64_t nr);

#endif
