/* SPDX-License-Identifier: MIT */
/* hugetlb.h - the persistent 2 MiB hugetlb pool (kernel: mm/hugetlb.c). */
#ifndef MM_HUGETLB_H
#define MM_HUGETLB_H

#include <stdint.h>

struct machine;
struct mm_struct;
struct vm_area_struct;

#define HPAGE_PMD_ORDER 9

/*
 * Grow or shrink the pool towards count pages, allocating round-robin over
 * the nodes as the kernel does; growth stops at the first node round where
 * no node can supply a page. Only free pages are released when shrinking.
 * Expects m->lock held.
 */
void hugetlb_set_pool_size(struct machine *m, uint64_t count);
void hugetlb_release_all(struct machine *m);

/*
 * The PMD-level hooks of a VM_HUGETLB VMA (fault, zap, mprotect). Mapping
 * hugetlb memory (MAP_HUGETLB) is not implemented yet: mmap refuses it, so
 * no VMA reaches these; the fault answers SIGBUS, the others do nothing.
 */
unsigned hugetlb_fault(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma,
		       uint64_t haddr, uint64_t *pmd, int write);
void hugetlb_zap_pmd(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma,
		     uint64_t *pmd);
void hugetlb_change_pmd(struct machine *m, struct vm_area_struct *vma, uint64_t *pmd);

#endif
