/* SPDX-License-Identifier: MIT */
/*
 * vmscan.h - page reclaim (kernel: mm/vmscan.c, mm/swap.c's cost and
 * activation helpers). Expects m->lock held.
 *
 * Three reclaimers share one machinery:
 *   kswapd   (kswapd.c) woken below the low watermark, run at defined
 *            points of the command sequence, reclaims until a zone is
 *            above high;
 *   direct   (kswapd.c, try_to_free_pages) the allocating task itself when
 *            an allocation failed at min: 32 pages, priority 12 down to 0;
 *   madvise  MADV_PAGEOUT hands its pages to reclaim_pages (no scanning,
 *            no pgscan/pgsteal counts).
 * Scanning a node (vmscan_node.c) chooses how many pages of each LRU list
 * to look at (get_scan_count) and shrinks them in batches of at most 32;
 * what happens to each page of a batch is vmscan.c's shrink_folio_list.
 * The rules and counters are those of reclaim.md §2-§7, §10 and §12.
 */
#ifndef MM_VMSCAN_H
#define MM_VMSCAN_H

#include <stdint.h>

#include "list.h"
#include "mmzone.h"

struct machine;
struct mm_struct;
struct page;

#define SWAP_CLUSTER_MAX	32
#define DEF_PRIORITY		12
#define MAX_RECLAIM_RETRIES	16

enum reclaimer { RECLAIMER_KSWAPD, RECLAIMER_DIRECT, RECLAIMER_NONE };

#define DEACTIVATE_ANON	1
#define DEACTIVATE_FILE	2

struct scan_control {
	uint64_t nr_to_reclaim;
	unsigned gfp;
	int order;
	enum zone_type reclaim_idx;	/* highest zone whose pages may go */
	int priority;			/* the list size is shifted right by it */
	enum reclaimer who;		/* which counters move (pgscan_kswapd...) */
	unsigned may_writepage : 1, may_unmap : 1, may_swap : 1;
	unsigned ignore_references : 1;	/* MADV_PAGEOUT: every page it gives goes */
	unsigned may_deactivate;	/* DEACTIVATE_* */
	unsigned force_deactivate : 1, skipped_deactivate : 1;
	unsigned cache_trim_mode : 1, cache_trim_mode_failed : 1, no_cache_trim_mode : 1;
	unsigned file_is_tiny : 1;
	uint64_t anon_cost, file_cost;	/* the node's, when scanning began */
	uint64_t nr_scanned, nr_reclaimed;
	struct {
		uint64_t dirty, unqueued_dirty, file_taken;
	} nr;
};

/* What shrink_folio_list did to a batch (kernel: struct reclaim_stat). */
struct reclaim_stat {
	uint64_t nr_dirty, nr_unqueued_dirty, nr_pageout, nr_immediate;
	uint64_t nr_activate[2];	/* anon, file */
	uint64_t nr_ref_keep, nr_unmap_fail, nr_lazyfree_fail;
};

/* ---- vmscan.c: the fate of isolated pages ---- */

/*
 * Take page (and for a large page-cache folio, every page of it) off its
 * LRU list onto batch; the pages it stands for. 0 when it cannot be
 * isolated (not on an LRU list, or a THP, which reclaim leaves alone).
 */
uint64_t isolate_folio(struct machine *m, struct page *page, struct list_head *batch);
/*
 * Reclaim what can be reclaimed of batch (shrink_folio_list): unmapped,
 * written to swap or back to its file, freed. Pages that stay are left on
 * batch, marked for the list they go back to. Returns the pages freed.
 */
uint64_t shrink_folio_list(struct machine *m, struct list_head *batch, struct scan_control *sc,
			   struct reclaim_stat *stat);
/*
 * Put the pages left on batch back on their LRU lists, at the head
 * (move_folios_to_lru); then those whose swap write ended go to the tail
 * of the inactive list (pgrotated), to be freed by the next pass.
 */
void putback_folio_list(struct machine *m, struct list_head *batch);
/*
 * MADV_PAGEOUT: reclaim the isolated pages of batch regardless of their
 * references; counts only what the I/O counts (pswpout...), not pgscan or
 * pgsteal. Returns the pages freed.
 */
uint64_t reclaim_pages(struct machine *m, struct list_head *batch);
/* How many PTEs mapping page's folio were young (cleared now); VM_LOCKED in *vm_flags. */
int folio_referenced(struct machine *m, struct page *page, uint64_t *vm_flags);

/* The decaying cost of reclaiming each kind (kernel: lru_note_cost). */
void lru_note_cost(struct machine *m, struct pglist_data *pgdat, int file, uint64_t nr_io,
		   uint64_t nr_rotated);

/* ---- vmscan_node.c: scanning a node's lists ---- */

/* Whether the inactive list is small against its active list (inactive_is_low). */
int inactive_is_low(struct pglist_data *pgdat, enum lru_list inactive);
/* Shrink the node's LRU lists as sc says; sc->nr_reclaimed and nr_scanned grow. */
void shrink_node(struct machine *m, struct pglist_data *pgdat, struct scan_control *sc);
/* Move up to nr_to_scan pages of an active list to its inactive list (aging). */
void shrink_active_list(struct machine *m, struct pglist_data *pgdat, enum lru_list lru,
			uint64_t nr_to_scan, struct scan_control *sc);
/* Remember the workingset activations reclaim has seen (snapshot_refaults). */
void snapshot_refaults(struct pglist_data *pgdat);
/* Anonymous pages can be aged and reclaimed: some swap exists. */
int can_age_anon_pages(struct machine *m);

/* ---- kswapd.c: who reclaims, and when ---- */

/*
 * An allocation of order for zones up to highest_zoneidx found every
 * zone of the zonelist below low: wake each node's kswapd that is not
 * balanced (wake_all_kswapds). It runs at the next kswapd_run.
 */
void wake_all_kswapds(struct machine *m, struct zone *const *zl, int nz, int order,
		      enum zone_type highest_zoneidx, unsigned gfp);
/*
 * The defined points where kswapd runs: after a command's step, at its
 * end. Each woken node is balanced (balance_pgdat); a napping kswapd whose
 * 100 ms (simulated) nap ended checks its node again. Cheap when none is
 * woken or napping.
 */
void kswapd_run(struct machine *m);
/* check: m->kswapd_active says whether some node's kswapd is awake. */
struct rbuf_lite;
int kswapd_check(struct machine *m, struct rbuf_lite *out);
/* Whether the node is balanced for (order, highest zone) at the high watermark. */
int pgdat_balanced(struct machine *m, struct pglist_data *pgdat, int order,
		   enum zone_type highest_zoneidx);
/*
 * Direct reclaim in the allocating task (try_to_free_pages): allocstall
 * for the request's zone, SWAP_CLUSTER_MAX pages sought from priority 12
 * down to 0, the nodes from nid on. Returns the pages reclaimed.
 */
uint64_t try_to_free_pages(struct machine *m, int order, unsigned gfp, int nid);

/* ---- madvise_cold.c ---- */

/*
 * MADV_COLD (pageout 0): deactivate the pages of [start, end); MADV_PAGEOUT
 * (1): reclaim what can be reclaimed of them. Either splits the large
 * page-cache folios the range maps only in part.
 */
void cold_or_pageout_range(struct machine *m, struct mm_struct *mm, uint64_t start, uint64_t end,
			   int pageout);

#endif
