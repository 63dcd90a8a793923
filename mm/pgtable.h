/* SPDX-License-Identifier: MIT */
/*
 * pgtable.h - x86-64 4-level page tables (kernel: pgtable_64.h, pgtable.h).
 *
 * Every table (PGD, PUD, PMD, PTE) is one simulated page frame allocated
 * from the buddy allocator, holding 512 little-endian 64-bit entries in
 * the frame's real bytes: a page table costs the model exactly what it
 * costs Linux, and shows up in PageTables and VmPTE.
 *
 *   47      39 38      30 29      21 20      12 11         0
 *   |  PGD    |  PUD     |  PMD     |  PTE     |  offset    |
 *
 * Entry bits are x86's: present, writable, user, accessed, dirty, PSE
 * (huge PMD), soft-dirty (software bit 11), NX (bit 63). A non-present,
 * non-zero PTE is a swap entry: type in bits 1-5, offset from bit 12.
 *
 * All functions expect m->lock held.
 */
#ifndef MM_PGTABLE_H
#define MM_PGTABLE_H

#include <stdint.h>

struct machine;
struct mm_struct;
struct page;

typedef uint64_t pte_t;

#define _PAGE_PRESENT		(1ULL << 0)
#define _PAGE_RW		(1ULL << 1)
#define _PAGE_USER		(1ULL << 2)
#define _PAGE_ACCESSED		(1ULL << 5)
#define _PAGE_DIRTY		(1ULL << 6)
#define _PAGE_PSE		(1ULL << 7)
#define _PAGE_PROTNONE		(1ULL << 8)	/* mapped but PROT_NONE (x86 reuses GLOBAL) */
#define _PAGE_SOFT_DIRTY	(1ULL << 11)
#define _PAGE_NX		(1ULL << 63)
/* What an upper-level entry pointing at a table holds (kernel: _PAGE_TABLE). */
#define _PAGE_TABLE (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY)
#define PTE_PFN_MASK		0x000ffffffffff000ULL
#define PTE_FLAGS_MASK		(~PTE_PFN_MASK)

#define PTRS_PER_TABLE	512
#define PMD_SHIFT	21
#define PUD_SHIFT	30
#define PGDIR_SHIFT	39
#define PMD_SIZE	(1ULL << PMD_SHIFT)
#define PUD_SIZE	(1ULL << PUD_SHIFT)
#define PGDIR_SIZE	(1ULL << PGDIR_SHIFT)

static inline int pte_none(pte_t p) { return p == 0; }
/* Present to the kernel: mapped, even if PROT_NONE makes the CPU fault on it. */
static inline int pte_present(pte_t p) { return (p & (_PAGE_PRESENT | _PAGE_PROTNONE)) != 0; }
static inline int pte_write(pte_t p) { return (p & _PAGE_RW) != 0; }
static inline int pte_dirty(pte_t p) { return (p & _PAGE_DIRTY) != 0; }
static inline int pte_young(pte_t p) { return (p & _PAGE_ACCESSED) != 0; }
static inline uint64_t pte_pfn(pte_t p) { return (p & PTE_PFN_MASK) >> 12; }
static inline pte_t pfn_pte(uint64_t pfn, uint64_t prot) { return (pfn << 12) | prot; }

/* swap entries: what a PTE holds for a page that is out (reclaim's seam) */
static inline int pte_is_swap(pte_t p) { return p && !pte_present(p); }
static inline pte_t swp_entry_to_pte(unsigned type, uint64_t offset)
{
	return ((uint64_t)(type & 31) << 1) | (offset << 12);
}
static inline unsigned pte_swp_type(pte_t p) { return (unsigned)(p >> 1) & 31; }
/* A swap PTE of a page that was exclusive to this mm when it went out (x86: the PSE bit). */
#define _PAGE_SWP_EXCLUSIVE	_PAGE_PSE
static inline int pte_swp_exclusive(pte_t p) { return (p & _PAGE_SWP_EXCLUSIVE) != 0; }
static inline uint64_t pte_swp_offset(pte_t p) { return p >> 12; }

/* The PTE protection bits a VMA's vm_flags give (kernel: vm_get_page_prot). */
uint64_t vm_page_prot(uint64_t vm_flags);

/* Allocate mm's PGD; 0 or -ENOMEM. */
int pgd_alloc(struct machine *m, struct mm_struct *mm);

/* A PMD entry that maps 2 MiB itself (THP or hugetlb) rather than a PTE table. */
static inline int pmd_trans_huge(pte_t pmd) { return pte_present(pmd) && (pmd & _PAGE_PSE); }

/*
 * The PTE slot for addr, or NULL when a table on the way is missing (and
 * alloc is 0), cannot be allocated (alloc is 1: *err = -ENOMEM), or the
 * PMD is huge (pmd_trans_huge: no PTE level; *err untouched).
 */
pte_t *pte_lookup(struct machine *m, struct mm_struct *mm, uint64_t addr, int alloc, int *err);
/* The PMD slot for addr, allocating PUD/PMD tables when alloc; as pte_lookup. */
pte_t *pmd_lookup(struct machine *m, struct mm_struct *mm, uint64_t addr, int alloc, int *err);

/*
 * Deposit / withdraw the PTE table a huge PMD keeps in reserve for its
 * split (kernel: pgtable_trans_huge_deposit). The table stays counted in
 * PageTables and VmPTE while deposited. table_alloc_deposit returns 0 or
 * -ENOMEM; withdraw returns the table's pfn (zero-filled).
 */
int pgtable_deposit_new(struct machine *m, struct mm_struct *mm, pte_t *pmd);
uint64_t pgtable_withdraw(struct machine *m, pte_t *pmd);
void pgtable_free_deposit(struct machine *m, struct mm_struct *mm, pte_t *pmd);

/*
 * Call fn for every present or swap PTE in [start, end), in address order.
 * fn may change *pte. Returns the first non-zero fn result, or 0.
 */
typedef int (*pte_fn)(struct machine *m, struct mm_struct *mm, uint64_t addr, pte_t *pte, void *arg);
int walk_ptes(struct machine *m, struct mm_struct *mm, uint64_t start, uint64_t end,
	      pte_fn fn, void *arg);

/*
 * As walk_ptes, but a huge PMD covering [addr, end) (clipped to the walk)
 * goes to pmd_fn first. If pmd_fn leaves it pointing at a PTE table (it
 * split it), the walk goes on through those PTEs. walk_ptes is this with
 * a pmd_fn that splits every huge PMD it meets (split_huge_pmd).
 */
typedef int (*pmd_fn)(struct machine *m, struct mm_struct *mm, uint64_t addr, uint64_t end,
		      pte_t *pmd, void *arg);
int walk_range(struct machine *m, struct mm_struct *mm, uint64_t start, uint64_t end,
	       pmd_fn pmdf, pte_fn ptef, void *arg);

/*
 * Free the tables under [start, end) that no longer map anything and
 * whose whole span lies between floor and ceiling (the neighbouring VMAs'
 * ends, as free_pgtables passes them), then the PGD itself when start = 0
 * and end = the top of the address space (exit).
 */
void free_pgtables(struct machine *m, struct mm_struct *mm, uint64_t start, uint64_t end,
		   uint64_t floor, uint64_t ceiling);
void pgd_free(struct machine *m, struct mm_struct *mm);

#endif
