/* SPDX-License-Identifier: MIT */
/*
 * migrate.h - page migration (kernel: mm/migrate.c, the queueing half of
 * mm/mempolicy.c's migrate_pages): a folio moves to a new frame on another
 * node with its bytes, its state and every mapping; what points at the old
 * frame (PTEs, PMDs, the page cache, the swap cache) points at the new one.
 *
 * The steps are Linux's:
 *   isolate   the folio leaves its LRU list and gains a reference (the
 *             isolation's), so nothing else takes it meanwhile;
 *   migrate   a frame on the target node (__GFP_THISNODE), the checks that
 *             make Linux refuse (extra references: -EAGAIN; writeback:
 *             -EBUSY), bytes and struct page state copied, the node
 *             counters moved, PTEs/PMDs re-pointed through rmap, the
 *             cache entries replaced, the old frame freed;
 *   putback   the new folio (or the old one, if it stayed) goes back on an
 *             LRU list, youngest, and the isolation reference is dropped.
 * An anonymous THP moves whole when the target has an order-9 block free;
 * otherwise it is split (thp_migration_split) and its pages move one by one,
 * as migrate_pages_batch does on -ENOMEM for a large folio.
 *
 * Counters, as migrate_pages() counts them: pgmigrate_success/_fail in base
 * pages, thp_migration_success/_fail/_split in THPs. numa_pages_migrated is
 * NUMA balancing's (migrate_misplaced_folio) and is not counted here.
 *
 * All functions expect m->lock held.
 */
#ifndef MM_MIGRATE_H
#define MM_MIGRATE_H

#include <stdint.h>

#include "list.h"

struct machine;
struct mm_struct;
struct page;
struct vm_area_struct;

/* mbind / move_pages flags (uapi: include/uapi/linux/mempolicy.h) */
#define MPOL_MF_STRICT		(1 << 0)
#define MPOL_MF_MOVE		(1 << 1)	/* move pages owned by this process only */
#define MPOL_MF_MOVE_ALL	(1 << 2)	/* move every page, shared ones too */

/* What one migration run did (kernel: struct migrate_pages_stats). */
struct migrate_stats {
	uint64_t nr_succeeded;		/* base pages moved */
	uint64_t nr_failed_pages;	/* base pages that stayed */
	uint64_t nr_thp_succeeded, nr_thp_failed, nr_thp_split;
};

/*
 * Isolate the folio of page (its THP head, or the page) onto list, through
 * page->lru: 0, or -EBUSY when it is not on an LRU list (already isolated,
 * a page-table page, the zero page...).
 */
int migrate_isolate(struct machine *m, struct page *page, struct list_head *list);
/* The folio of page as migration sees it: its THP head, or page itself. */
struct page *migrate_folio_of(struct machine *m, struct page *page);
/* Base pages in the folio of page (512 for a THP, 1 otherwise). */
uint64_t migrate_folio_nr(struct machine *m, struct page *folio);
/* Its node. */
int migrate_page_nid(struct machine *m, struct page *page);
/* Might more than one mapping own the folio (folio_maybe_mapped_shared)? */
int migrate_folio_shared(struct machine *m, struct page *folio);

/*
 * Migrate every isolated folio of list to node nid (kernel: migrate_pages
 * with alloc_migration_target, __GFP_THISNODE, MR_SYSCALL): each either
 * moves or stays; both go back on an LRU list and list ends empty. Counts
 * the vmstat events and adds to *st (may be NULL). Returns the number of
 * folios that stayed (Linux's "not migrated" count, a THP split counting
 * its pages).
 */
uint64_t migrate_pages_list(struct machine *m, struct list_head *list, int nid,
			    struct migrate_stats *st);

/*
 * Where migrate_pages_to takes new frames (kernel: migrate_pages' get_new_folio
 * and put_new_folio): alloc gives a frame for 2^order pages or NULL, free
 * takes back one that migration did not use. With stop_on_enomem (what
 * compaction needs), the first folio without a frame ends the run: it and
 * every folio after it go back on the LRU, and the result is -ENOMEM.
 * compaction says who migrates (Linux's migrate_pages reason argument), as
 * page_owner records it: a flag so that a zeroed target means MR_SYSCALL.
 */
struct migrate_target {
	struct page *(*alloc)(struct machine *m, void *arg, unsigned order);
	void (*free)(struct machine *m, void *arg, struct page *page, unsigned order);
	void *arg;
	int stop_on_enomem;
	int compaction;		/* page_owner's migrate reason: MR_COMPACTION, else MR_SYSCALL */
};
/* Isolated folios that will not be migrated go back on the LRU, list ends empty. */
void putback_movable_pages(struct machine *m, struct list_head *list);
/* migrate_pages_list with new frames from t: the folios that stayed, or -ENOMEM. */
int64_t migrate_pages_to(struct machine *m, struct list_head *list, const struct migrate_target *t,
			 struct migrate_stats *st);

/*
 * The mechanism mbind(MPOL_MF_MOVE) and migrate_pages() use: every page
 * mapped in [start, end) of mm (page aligned; VMAs that are VM_IO,
 * VM_PFNMAP or hugetlb are passed over, as vma_migratable says) is offered
 * to node_for(arg, vma, addr, nid), nid being the node it is on now, which
 * answers the node it must be on, or -1 to leave it where it is. A page already on that node stays. Without
 * MPOL_MF_MOVE_ALL in flags, a page that more than one mapping may own is
 * passed over (not counted), as queue_folios_pte_range does; the zero page
 * never moves. Each page is asked about once (a THP once, at the first
 * address that maps it in the range).
 *
 * Returns 0, or -errno for a bad range (-EINVAL: unaligned start, end <
 * start); *nr_failed (may be NULL) gets the pages that could not be moved
 * (could not be isolated, or migration failed): Linux's return value of
 * migrate_pages(2), and what mbind's MPOL_MF_STRICT turns into -EIO.
 */
typedef int (*migrate_node_fn)(void *arg, struct vm_area_struct *vma, uint64_t addr, int nid);
int migrate_range(struct machine *m, struct mm_struct *mm, uint64_t start, uint64_t end,
		  migrate_node_fn node_for, void *arg, int flags, uint64_t *nr_failed);

/* migrate_sys.c: the system calls, for syscall dispatch (mm.h has the entry points). */
#endif
