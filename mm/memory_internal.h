/* SPDX-License-Identifier: MIT */
/*
 * memory_internal.h - helpers the fault path (memory.c) shares with the
 * range operations (memory_range.c) and proc/PID/mem (access_vm.c).
 * Expect m->lock held.
 */
#ifndef MM_MEMORY_INTERNAL_H
#define MM_MEMORY_INTERNAL_H

#include <stdint.h>

#include "pgtable.h"

struct machine;
struct mm_struct;
struct page;

/* A store made a cache page dirty: account it, tell outside readers. */
void set_page_dirty(struct machine *m, struct page *page);
/* A PTE mapping page is gone: rmap and the reference it held. */
void unmap_pte_page(struct machine *m, struct mm_struct *mm, struct page *page);
/* The entry mapping addr (a PTE, or a huge PMD), and the pfn of addr's page in it. */
pte_t *follow_entry(struct machine *m, struct mm_struct *mm, uint64_t addr, uint64_t *pfn);
/* A present PTE of an exclusive anonymous page (a forced write may go in place). */
int page_is_anon_pte(struct machine *m, pte_t pte);

struct vm_area_struct;
/* A new user page (all zeros, PG_zeroed), or NULL. */
/* A new user page for addr of vma, placed by the memory policy (mempolicy_alloc.c). */
struct page *alloc_user_page(struct machine *m, struct vm_area_struct *vma, uint64_t addr);
/* dst gets src's bytes (or its zeroed state). */
void copy_user_page(struct machine *m, struct page *dst, struct page *src);
/* The PTE bits for a page of vma: writable only if asked and allowed, accessed. */
pte_t mk_pte(struct machine *m, struct vm_area_struct *vma, struct page *page, int writable);
/* Map a new anonymous page of vma at addr through pte (dirty: a forced write). */
void map_new_anon(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma,
		  uint64_t addr, pte_t *pte, struct page *page, int dirty);
/*
 * A fault on a none PTE (or none PTE table) of a file or shmem VMA
 * (memory_file.c, kernel: do_fault): read, COW or shared write fault.
 */
unsigned do_fault(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma,
		  uint64_t addr, unsigned flags);

/*
 * memory_swap.c. A fault on the swap PTE at addr (kernel: do_swap_page):
 * VM_FAULT_MAJOR when the page had to be read, VM_FAULT_OOM, or
 * VM_FAULT_SIGBUS for an entry naming no slot. A write fault may leave
 * the PTE read-only (the page is not ours alone): do_wp_page follows.
 */
unsigned do_swap_page(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma,
		      uint64_t addr, pte_t *pte, unsigned flags);
/* A swap PTE of mm is cleared (zap): MM_SWAPENTS, and the slot's reference. */
void zap_swap_pte(struct machine *m, struct mm_struct *mm, pte_t pte);
/*
 * fork copies the swap PTE *src_pte into dst: one more reference to the
 * slot, and neither side is exclusive any more. Returns the child's PTE.
 */
pte_t copy_swap_pte(struct machine *m, struct mm_struct *dst, pte_t *src_pte);

#endif
