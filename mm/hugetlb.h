/* SPDX-License-Identifier: MIT */
/*
 * hugetlb.h - the persistent 2 MiB hugetlb pool and MAP_HUGETLB mappings
 * (kernel: mm/hugetlb.c, fs/hugetlbfs/inode.c).
 *
 * A MAP_HUGETLB mapping is, as in Linux, a mapping of an unlinked file of
 * the internal hugetlbfs mount ("/anon_hugepage (deleted)"), one per mmap
 * call. The file carries a struct hugetlb_file: per 2 MiB index, whether a
 * reservation is still held for it and (shared mappings) the page-cache
 * page. A private mapping's reservations belong to the mm that created it
 * (HPAGE_RESV_OWNER): a fork child has none and its faults and COW copies
 * take unreserved pool pages. VM_NORESERVE mappings reserve nothing.
 *
 * A pool page in use is mapped by whole PMDs (_PAGE_PSE, no deposited PTE
 * table): folio_entire_mapcount(head) counts them and folio_refs(head)
 * counts them plus the page-cache reference. It goes back to the pool when
 * folio_refs reaches 0. HugePages_Rsvd is m->resv_huge_pages.
 *
 * All functions expect m->lock held.
 */
#ifndef MM_HUGETLB_H
#define MM_HUGETLB_H

#include <stdint.h>

#include "hugetlb_resv.h"

struct machine;
struct mm_struct;
struct vm_area_struct;
struct file_ref;

#define HPAGE_PMD_ORDER 9
#define HPAGE_SIZE_BYTES (1ULL << (HPAGE_PMD_ORDER + 12))
#define HUGETLBFS_DEV_MINOR 0x11	/* the internal hugetlbfs mount, 00:11 as on the host */

struct hugetlb_file {
	struct machine *m;
	uint64_t nr;			/* 2 MiB pages the file spans */
	int shared;			/* MAP_SHARED: pages live in pfn[] */
	struct mm_struct *owner;	/* private: the mm holding the reservations */
	uint8_t *resv;			/* per index: a reservation is held, not yet consumed */
	uint64_t *pfn;			/* shared: head pfn of the page-cache page, 0 = none */
	struct resv_acct iresv;		/* the inode's resv_map (hugetlb_resv.h) */
	struct resv_acct vresv;		/* private, reserved: the owner VMAs' resv_map */
};

/*
 * Grow or shrink the pool towards count pages, allocating round-robin over
 * the nodes as the kernel does; growth stops at the first node round where
 * no node can supply a page. Only free pages are released when shrinking.
 */
void hugetlb_set_pool_size(struct machine *m, uint64_t count);
void hugetlb_release_all(struct machine *m);

/*
 * The unlinked hugetlbfs file of one MAP_HUGETLB mmap of len bytes (a 2 MiB
 * multiple), with one reference; NULL on allocation failure.
 */
struct file_ref *hugetlb_file_setup(struct machine *m, uint64_t len, int shared);
/* file_ref_put's hook: free page-cache pages and drop remaining reservations. */
void hugetlb_file_release(struct file_ref *f);

/*
 * hugetlb_reserve_pages: reserve the 2 MiB pages of [pgoff, pgoff + pages)
 * (4 KiB units) of f for a new VMA of mm. -ENOMEM when free pages less
 * reservations cannot cover them; nothing is reserved with VM_NORESERVE.
 */
int hugetlb_reserve_pages(struct machine *m, struct file_ref *f, struct mm_struct *mm,
			  uint64_t pgoff, uint64_t pages, uint64_t vm_flags);
/* The VMA is going (munmap, exit): the owner's unconsumed reservations of it go too. */
void hugetlb_vm_close(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma);

/*
 * Would splitting a VM_HUGETLB VMA at start or end cut a 2 MiB page
 * (hugetlb_vm_op_split)? -EINVAL then, else 0.
 */
int hugetlb_check_split(struct mm_struct *mm, uint64_t start, uint64_t end);

/* The PMD-level hooks of a VM_HUGETLB VMA: fault, zap, mprotect, fork. */
unsigned hugetlb_fault(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma,
		       uint64_t haddr, uint64_t *pmd, int write);
void hugetlb_zap_pmd(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma,
		     uint64_t *pmd);
void hugetlb_change_pmd(struct machine *m, struct vm_area_struct *vma, uint64_t *pmd);
/* fork: a private page is shared copy-on-write, both PMDs read-only. */
void hugetlb_copy_pmd(struct machine *m, uint64_t *dst_pmd, uint64_t *src_pmd);

/*
 * A shared hugetlb VMA's struct hugetlb_vma_lock (56 bytes: kmalloc-64),
 * Linux's vm_private_data for VM_MAYSHARE: one per such VMA while it is
 * linked (hugetlb_reserve_pages, and hugetlb_vm_op_open for a split piece
 * or a fork child's copy; freed at close). Called by vma_insert/vma_remove.
 */
void hugetlb_vma_lock_alloc(struct mm_struct *mm, struct vm_area_struct *vma);
void hugetlb_vma_lock_free(struct mm_struct *mm, struct vm_area_struct *vma);

/* Bytes of hugetlb pages mapped by mm (status HugetlbPages; kernel: hugetlb_usage). */
uint64_t hugetlb_usage(struct machine *m, struct mm_struct *mm);

#endif
