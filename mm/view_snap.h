/* SPDX-License-Identifier: MIT */
/*
 * view_snap.h - plain-data snapshots for the pictures of view/ (fs/view*.c):
 * the physical map, an address space page by page, a page-table tree.
 * Each is taken in one hold of the model's lock, together with the global
 * or task snapshot the text files are rendered from, and is released with
 * one free(). Sizes are bounded by the caller's budget, not by the
 * machine: a 1 TiB machine or a process with 100k VMAs aggregates.
 */
#ifndef MM_VIEW_SNAP_H
#define MM_VIEW_SNAP_H

#include <stddef.h>
#include <stdint.h>

#include "snapshot.h"

struct machine;

/* ---- physical memory, as cells of whole pageblocks ---- */

/* What a frame holds (kpageflags' view of it), in legend order. */
enum mm_frame_use {
	MM_USE_FREE,		/* in a free buddy block */
	MM_USE_ANON,		/* anonymous, order 0 */
	MM_USE_THP,		/* part of an anonymous transparent huge page */
	MM_USE_CACHE,		/* page cache of a file */
	MM_USE_SHMEM,		/* shmem/tmpfs, or swap cache */
	MM_USE_PGTABLE,		/* a page-table page */
	MM_USE_SLAB,		/* a slab page */
	MM_USE_HUGETLB,		/* a hugetlb pool page, in use or free in the pool */
	MM_USE_KERNEL,		/* allocated otherwise: kernel stacks, the zero pages... */
	MM_USE_RESERVED,	/* memblock-reserved: firmware, kernel image, memmap */
	MM_USE_HOLE,		/* no RAM behind the pfn */
	MM_NR_USES
};
extern const char *const mm_frame_use_names[MM_NR_USES];

struct mm_phys_cell {
	uint64_t start_pfn, end_pfn;		/* [start, end), inside one zone */
	uint32_t pages[MM_NR_USES];		/* Σ = end_pfn - start_pfn */
	uint32_t free_pages[MM_NR_ORDERS];	/* free ones by the order of their block */
	uint32_t pageblocks[MIGRATE_TYPES];	/* pageblocks starting or lying here, by type */
};

struct mm_phys_zone {
	int nid, zid;			/* zid: enum zone_type */
	uint64_t start_pfn, end_pfn;	/* the zone's span */
	size_t first_cell, nr_cells;	/* its cells in mm_phys_snap.cell[] */
};

struct mm_phys_snap {
	uint64_t pfns_per_cell;		/* a power-of-two multiple of a pageblock (512) */
	int nr_zones;			/* populated zones, node by node */
	struct mm_phys_zone zone[MM_MAX_NODES * MAX_NR_ZONES];
	size_t nr_cells;
	struct mm_phys_cell cell[];
};

/*
 * The physical map in at most max_cells cells (at least one per populated
 * zone), and, in the same lock hold, the global snapshot (*g, free it too).
 * Cells are aligned to pfns_per_cell and clipped to their zone. NULL on
 * -ENOMEM.
 */
struct mm_phys_snap *mm_snap_phys(struct machine *m, size_t max_cells,
				  struct mm_global_snap **g);

/* ---- an address space, page by page ---- */

/* The state of one virtual page of a VMA, in legend order. */
enum mm_page_state {
	MM_PS_NONE,		/* not present: never touched, or dropped */
	MM_PS_RESIDENT,		/* mapped by a PTE */
	MM_PS_HUGE,		/* mapped by a huge PMD (THP or hugetlb) */
	MM_PS_ZERO,		/* the shared zero page */
	MM_PS_SWAP,		/* a swap entry */
	MM_NR_PS
};
extern const char *const mm_page_state_names[MM_NR_PS];

struct mm_aspace_vma {
	uint64_t start, end;		/* [start, end) */
	uint64_t flags;			/* MM_VM_* */
	uint64_t pgoff;			/* pages */
	int is_file;
	uint32_t dev_major, dev_minor;	/* of the file, as maps shows them */
	uint64_t ino;
	uint32_t name;			/* offset of its NUL-terminated name in names */
	uint64_t pages[MM_NR_PS];	/* the whole VMA */
	uint32_t nr_bins;		/* 0: pages[] only; else bins[first_bin..+nr_bins) */
	size_t first_bin;
};

/* Bin i of n of a VMA of P pages covers pages [i*P/n, (i+1)*P/n). */
struct mm_aspace_bin {
	uint32_t pages[MM_NR_PS];
};

struct mm_aspace_snap {
	size_t nr_vmas, nr_bins;
	struct mm_aspace_vma *vmas;	/* in this allocation */
	struct mm_aspace_bin *bins;
	const char *names;
	struct mm_task_snap task;	/* last (its VMA array is empty): the VMAs are above */
};

/*
 * The VMAs of pid with the state of their pages, binned: up to max_bins
 * bins per VMA while it has at most bin_vmas VMAs, none beyond (totals
 * only). NULL if pid does not exist (or -ENOMEM).
 */
struct mm_aspace_snap *mm_snap_aspace(struct machine *m, int pid, unsigned max_bins,
				      size_t bin_vmas);

#endif

/* ---- a page-table tree, and the walk of one address ---- */

/* What one entry on the walk holds. */
enum mm_pt_kind {
	MM_PT_NONE,		/* empty: the walk ends, nothing mapped */
	MM_PT_TABLE,		/* points to the next level's table */
	MM_PT_HUGE,		/* a PMD mapping 2 MiB itself: the walk ends */
	MM_PT_PAGE,		/* a PTE mapping a page (PROT_NONE ones too) */
	MM_PT_SWAP,		/* a PTE holding a swap entry */
};

struct mm_pt_step {
	uint64_t table_pfn;	/* the table read at this level */
	unsigned index;		/* the entry's index in it, 0..511 */
	uint64_t entry;		/* its raw x86-64 value */
	enum mm_pt_kind kind;
};

struct mm_pt_table {
	uint64_t pfn;		/* the table's frame */
	uint64_t va;		/* the first address it covers */
	uint16_t level;		/* 0 PGD, 1 PUD, 2 PMD, 3 PTE */
	uint16_t used;		/* non-zero entries, of 512 */
	uint16_t huge;		/* PMD: entries mapping 2 MiB themselves */
	uint16_t swap;		/* PTE: swap entries */
	int on_walk;		/* the walk of addr goes through it */
};

/*
 * task's VMA array stays empty, so its place before other fields is safe;
 * gnu11 allows a flexible-array struct as a member, and clang says so.
 */
#ifdef __clang__
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wgnu-variable-sized-type-not-at-end"
#endif
struct mm_pt_snap {
	struct mm_task_snap task;	/* no VMAs */
	uint64_t addr;			/* the address walked */
	int nr_steps;			/* entries read: 0 (no PGD yet) to 4 */
	struct mm_pt_step step[4];
	uint64_t tables[4];		/* tables at each level */
	uint64_t used[4];		/* entries used at each level */
	size_t nr_listed;		/* table[]: by level, then address */
	struct mm_pt_table table[];	/* up to per_level a level, plus the walk's */
};
#ifdef __clang__
#pragma clang diagnostic pop
#endif

/*
 * The page tables of pid: every level counted, up to per_level tables a
 * level listed (those of the walk always), and the walk of addr (~0: the
 * lowest mapped page, else the first VMA's start). NULL if pid does not exist
 * (or -ENOMEM).
 */
struct mm_pt_snap *mm_snap_pgtable(struct machine *m, int pid, uint64_t addr, size_t per_level);
