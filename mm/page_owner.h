/* SPDX-License-Identifier: MIT */
/*
 * page_owner.h - who allocated each page (kernel: mm/page_owner.c,
 * page_owner=on).
 *
 * With mm_config.page_owner set, m->page_owner holds one record per pfn
 * (Linux keeps it in page_ext); it is a sparse arena table, so only the
 * records of pfns ever allocated cost host memory. The "stack" of an
 * allocation is the model's call path, innermost first, taken from a small
 * fixed table (the stack depot's role): the allocator's frames (fast path
 * or slow path) and the site's frames, one per place in mm/ that allocates.
 * A record keeps the stack's handle, not the frames, so a page costs
 * sizeof(struct page_owner) whatever its stack.
 *
 * Sites: a caller names its site with page_owner_site() just before it
 * allocates; the allocator consumes the name when the allocation succeeds.
 * All of this costs one test of m->page_owner when page_owner is off.
 */
#ifndef MM_PAGE_OWNER_H
#define MM_PAGE_OWNER_H

#include <stdint.h>

#include "snapshot.h"

struct machine;
struct page;

/* Where an allocation comes from (each has its frames in page_owner.c). */
enum page_owner_site {
	PO_SITE_NONE,		/* not named: alloc_pages_noprof */
	PO_SITE_ANON,		/* do_anonymous_page */
	PO_SITE_COW,		/* wp_page_copy */
	PO_SITE_COW_FILE,	/* do_cow_fault */
	PO_SITE_PAGECACHE,	/* filemap_alloc_folio */
	PO_SITE_SHMEM,		/* shmem_alloc_folio */
	PO_SITE_SWAPIN,		/* __read_swap_cache_async */
	PO_SITE_THP,		/* do_huge_pmd_anonymous_page */
	PO_SITE_HUGE_ZERO,	/* get_huge_zero_folio */
	PO_SITE_HUGETLB,	/* alloc_fresh_hugetlb_folio */
	PO_SITE_MIGRATE,	/* alloc_migration_target */
	PO_SITE_PGTABLE,	/* __pte_alloc */
	PO_SITE_STACK,		/* alloc_thread_stack_node */
	PO_SITE_SLAB,		/* allocate_slab: a new slab of a cache */
	PO_SITE_SLAB_KMALLOC,	/* allocate_slab: a new slab of a kmalloc cache */
	PO_NR_SITES
};

/* Handles: 0 none, then site * 2 + 1 (fast path) and site * 2 + 2 (slow path). */
#define PO_NR_HANDLES	(PO_NR_SITES * 2 + 1)

/* Linux's migrate_reason (include/linux/migrate_mode.h), the ones the model has. */
enum migrate_reason {
	MR_COMPACTION,
	MR_MEMORY_FAILURE,
	MR_MEMORY_HOTPLUG,
	MR_SYSCALL,		/* also cpuset_migrate_mm */
	MR_MEMPOLICY_MBIND,
	MR_NUMA_MISPLACED,
	MR_CONTIG_RANGE,
	MR_LONGTERM_PIN,
	MR_DEMOTION,
	MR_DAMON,
	MR_TYPES
};

#define PAGE_EXT_OWNER			0x1	/* the record was ever set */
#define PAGE_EXT_OWNER_ALLOCATED	0x2	/* the page is allocated now */

/* One pfn's record: 48 bytes (the kernel's is 64 with its free stack). */
struct page_owner {
	uint64_t ts_nsec;		/* m->sim_ns of the allocation */
	uint32_t gfp_mask;		/* the model's gfp (mm_gfp_format names Linux's) */
	int32_t pid, tgid;		/* m->cur_task's, 0 when no task (boot, ctl) */
	uint16_t handle;		/* the stack: 0 never set, else < PO_NR_HANDLES */
	uint8_t order;			/* of the allocation; 0 after a split */
	int8_t last_migrate_reason;	/* enum migrate_reason, -1: never migrated */
	uint8_t ext_flags;		/* PAGE_EXT_OWNER* */
	char comm[16];			/* the task's comm, "swapper/0" without one */
};

/* Boot, before the first allocation: the table, when page_owner is on. 0 or -ENOMEM. */
int page_owner_init(struct machine *m);
void page_owner_free(struct machine *m);
/* Boot's kmsg lines: "page_owner is disabled", or the zones' early pages. */
void page_owner_boot_log(struct machine *m);

/* The site of the next allocation (page_owner.h's comment). */
void page_owner_site(struct machine *m, enum page_owner_site site);
/* post_alloc_hook: the block at page of order was allocated; slow: by the slow path. */
void set_page_owner(struct machine *m, struct page *page, unsigned order, unsigned gfp, int slow);
/* free_pages: the block is free again (the record stays, not allocated). */
void reset_page_owner(struct machine *m, struct page *page, unsigned order);
/* A large block became nr order-0 pages (split_folio). */
void split_page_owner(struct machine *m, struct page *page, unsigned nr);
/* Migration copied old to new (folio_copy_owner) for reason (enum migrate_reason). */
void folio_copy_owner(struct machine *m, struct page *newp, struct page *old, unsigned nr, int reason);

/* check: the records against the buddy allocator; one line per problem. */
struct rbuf_lite;
int page_owner_check(struct machine *m, struct rbuf_lite *out);

#endif
