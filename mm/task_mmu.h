/* SPDX-License-Identifier: MIT */
/* task_mmu.h - smaps accounting of one VMA (expects m->lock held). */
#ifndef MM_TASK_MMU_H
#define MM_TASK_MMU_H

struct machine;
struct mm_struct;
struct vm_area_struct;
struct mm_vma_usage;

void smaps_account_vma(struct machine *m, struct mm_struct *mm, const struct vm_area_struct *vma,
		       struct mm_vma_usage *u);

#endif
