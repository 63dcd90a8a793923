/* SPDX-License-Identifier: MIT */
/*
 * vmstat.h - counter updates (kernel: vmstat.h). All expect m->lock held.
 */
#ifndef MM_VMSTAT_H
#define MM_VMSTAT_H

#include <stdint.h>

#include "vmstat_items.h"
#include "mmzone.h"

struct machine;

static inline void mod_zone_page_state(struct zone *z, enum zone_stat_item i, int64_t d) { z->vm_stat[i] += d; }
static inline void mod_node_page_state(struct pglist_data *p, enum node_stat_item i, int64_t d) { p->vm_stat[i] += d; }
void count_vm_events(struct machine *m, enum vm_event_item i, int64_t d);
#define count_vm_event(m, i) count_vm_events(m, i, 1)

/* Σ over zones / nodes */
int64_t global_zone_page_state(struct machine *m, enum zone_stat_item i);
int64_t global_node_page_state(struct machine *m, enum node_stat_item i);

/* CommitLimit in pages (kernel: vm_commit_limit). */
uint64_t vm_commit_limit(struct machine *m);

/*
 * The global dirty thresholds in pages (kernel: domain_dirty_limits):
 * nr_dirty_threshold and nr_dirty_background_threshold.
 */
void dirty_limits(struct machine *m, uint64_t *thresh, uint64_t *bg);

/* Fill the meminfo array of a global snapshot (kernel: meminfo_proc_show). */
void vmstat_fill_meminfo(struct machine *m, uint64_t *meminfo);
/* mm_snap_global with m->lock held (view_snap.c takes more in the same hold). */
struct mm_global_snap *snap_global_locked(struct machine *m);

#endif
