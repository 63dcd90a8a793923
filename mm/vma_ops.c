// SPDX-License-Identifier: MIT
/*
 * vma_ops.c - splitting, merging and re-flagging VMAs (kernel: mm/vma.c:
 * __split_vma, vma_merge_new_range, vma_merge_existing_range, vma_modify,
 * vms_gather_munmap_vmas).
 *
 * Two VMAs merge when they touch, their flags are equal ignoring
 * VM_SOFTDIRTY, they map the same file (or none) at linear page offsets
 * (anonymous pgoff included), their anon_vmas are equal or one is unset,
 * and neither is VM_SPECIAL (procfs.md §19.1). Every change to a linked
 * VMA goes through vma_adjust / vma_set_flags / vma_insert / vma_remove so
 * the mm counters and the gap tree stay exact.
 */
#include <errno.h>
#include <stdlib.h>

#include "file.h"
#include "huge_memory.h"
#include "hugetlb.h"
#include "internal.h"
#include "rmap.h"
#include "syscalls.h"
#include "memory.h"
#include "pgtable.h"
#include "task.h"
#include "vma.h"
#include "mempolicy.h"

/*
 * Two VMAs that may become one (prev and next of a three-way merge):
 * their anon_vmas are the same, or one has none (are_anon_vmas_compatible).
 */
static int anon_vma_compatible(const struct vm_area_struct *a, const struct vm_area_struct *b)
{
	return !a->anon_vma || !b->anon_vma || anon_vma_same(a, b);
}

/*
 * is_mergeable_anon_vma: tgt may take the range whose anon_vma a names
 * (a->anon_src: the VMA it comes from, the one modified or the one mremap
 * copies). Equal anon_vmas merge; one missing merges unless the side that
 * has it is a fork child (vma_is_fork_child: more than one chain), which
 * Linux keeps apart so the root anon_vma's lock does not cover more.
 */
static int anon_mergeable(const struct vm_area_struct *tgt, const struct vma_attr *a)
{
	if (!tgt->anon_vma && a->anon_vma)
		return !vma_is_fork_child(a->anon_src);
	if (tgt->anon_vma && !a->anon_vma)
		return !vma_is_fork_child(tgt);
	if (!tgt->anon_vma)
		return 1;
	return a->anon_src ? anon_vma_same(tgt, a->anon_src) : tgt->anon_vma == a->anon_vma;
}

/*
 * dup_anon_vma: dst, about to cover (part of) src's range, takes src's
 * anon_vma and a copy of its chains, if it has none of its own.
 */
static void dup_anon_vma(struct vm_area_struct *dst, const struct vm_area_struct *src)
{
	if (!src || !src->anon_vma || dst->anon_vma)
		return;
	vma_set_anon_vma(dst, src->anon_vma);
	anon_vma_clone(dst, src);
}

static int attr_mergeable(const struct vm_area_struct *v, const struct vma_attr *a)
{
	if ((v->vm_flags ^ a->flags) & ~MM_VM_SOFTDIRTY)
		return 0;
	if (v->vm_file != a->file || v->special != VMA_SPECIAL_NONE)
		return 0;
	if ((v->vm_flags | a->flags) & VM_SPECIAL_MASK)
		return 0;
	/* a merge would remove a VMA whose vm_ops have ->close (shm_close): refused */
	if (v->vm_file && v->vm_file->shm)
		return 0;
	if (!mpol_equal(v->vm_policy, a->policy))
		return 0;
	return anon_mergeable(v, a);
}

/* prev may absorb [start, ...) described by a (kernel: can_vma_merge_after). */
static int can_merge_after(const struct vm_area_struct *prev, const struct vma_attr *a,
			   uint64_t start)
{
	return prev && prev->vm_end == start && attr_mergeable(prev, a) &&
	       prev->vm_pgoff + vma_pages(prev) == a->pgoff;
}

/* next may absorb [start, end) described by a (kernel: can_vma_merge_before). */
static int can_merge_before(const struct vm_area_struct *next, const struct vma_attr *a,
			    uint64_t start, uint64_t end)
{
	return next && next->vm_start == end && attr_mergeable(next, a) &&
	       a->pgoff + ((end - start) >> MM_PAGE_SHIFT) == next->vm_pgoff;
}

static void attr_of(const struct vm_area_struct *v, uint64_t start, uint64_t flags,
		    struct vma_attr *a)
{
	a->flags = flags;
	a->file = v->vm_file;
	a->pgoff = linear_page_index(v, start);
	a->anon_vma = v->anon_vma;
	a->anon_src = v;
	a->policy = v->vm_policy;
}

struct vm_area_struct *vma_split(struct mm_struct *mm, struct vm_area_struct *vma, uint64_t addr)
{
	struct vm_area_struct *new = vm_area_alloc();
	uint64_t end = vma->vm_end;

	VM_BUG_ON(addr <= vma->vm_start || addr >= vma->vm_end);
	if (!new)
		return NULL;
	new->vm_start = addr;
	new->vm_end = end;
	new->vm_flags = vma->vm_flags;
	new->vm_pgoff = linear_page_index(vma, addr);
	new->vm_file = file_ref_get(vma->vm_file);
	new->anon_vma = vma->anon_vma;
	new->special = vma->special;
	new->vm_policy = mpol_get(vma->vm_policy);
	vma_adjust(mm, vma, vma->vm_start, addr, vma->vm_pgoff);
	if (vma_insert(mm, new)) {
		vma_adjust(mm, vma, vma->vm_start, end, vma->vm_pgoff);
		vm_area_free(new);
		return NULL;
	}
	anon_vma_clone(new, vma);	/* __split_vma: the new part has vma's chains too */
	return new;
}

/* split_vma(): the kernel refuses a split that would pass max_map_count. */
static struct vm_area_struct *split_checked(struct machine *m, struct mm_struct *mm,
					    struct vm_area_struct *vma, uint64_t addr, int *err)
{
	struct vm_area_struct *new;

	if ((int64_t)mm->map_count >= m->tun.max_map_count) {
		*err = -ENOMEM;
		return NULL;
	}
	/*
	 * vma_adjust_trans_huge: a huge PMD across the new boundary cannot
	 * stay, each half of it would belong to another VMA (a flag change
	 * like MADV_RANDOM walks no page table to split it on the way).
	 */
	if ((addr & (PMD_SIZE - 1)) && !(vma->vm_flags & MM_VM_HUGETLB)) {
		uint64_t haddr = addr & ~(PMD_SIZE - 1);
		pte_t *pmd;

		if (haddr >= vma->vm_start && haddr + PMD_SIZE <= vma->vm_end &&
		    (pmd = pmd_lookup(m, mm, haddr, 0, NULL)) && pmd_trans_huge(*pmd)) {
			*err = split_huge_pmd(m, mm, haddr, pmd);
			if (*err)
				return NULL;
		}
	}
	new = vma_split(mm, vma, addr);
	if (!new)
		*err = -ENOMEM;
	return new;
}

/* Drop a VMA that a merge made redundant (its range now belongs to another). */
static void vma_drop(struct mm_struct *mm, struct vm_area_struct *vma)
{
	vma_remove(mm, vma);
	vm_area_free(vma);
}

/*
 * Give [start, end) of vma the flags newflags and the policy pol, merging
 * with a neighbour that then matches (vma_merge_existing_range) or
 * splitting vma at the edges (vma_modify).
 */
static struct vm_area_struct *modify_attr(struct machine *m, struct mm_struct *mm,
					  struct vm_area_struct *vma, uint64_t start,
					  uint64_t end, uint64_t newflags,
					  struct mempolicy *pol, int *err)
{
	struct vm_area_struct *prev = vma_prev_of(vma), *next = vma_next_of(vma);
	uint64_t vend = vma->vm_end;
	int left, right;
	struct vma_attr a;

	attr_of(vma, start, newflags, &a);
	a.policy = pol;
	left = start == vma->vm_start && can_merge_after(prev, &a, start);
	right = end == vma->vm_end && can_merge_before(next, &a, start, end);
	if (left && right && !anon_vma_compatible(prev, next))
		right = 0;	/* two faulted neighbours: merge with prev only */

	if (left) {
		/* prev takes vma's anon_vma (or next's) before they go */
		dup_anon_vma(prev, vma->anon_vma || !right ? vma : next);
		if (right) {
			uint64_t nend = next->vm_end;

			vma_drop(mm, vma);
			vma_drop(mm, next);
			vma_adjust(mm, prev, prev->vm_start, nend, prev->vm_pgoff);
		} else if (end == vend) {
			vma_drop(mm, vma);
			vma_adjust(mm, prev, prev->vm_start, end, prev->vm_pgoff);
		} else {
			vma_adjust(mm, vma, end, vend, a.pgoff + ((end - start) >> MM_PAGE_SHIFT));
			vma_adjust(mm, prev, prev->vm_start, end, prev->vm_pgoff);
		}
		return prev;
	}
	if (right) {
		dup_anon_vma(next, vma);
		if (start == vma->vm_start)
			vma_drop(mm, vma);
		else
			vma_adjust(mm, vma, vma->vm_start, start, vma->vm_pgoff);
		vma_adjust(mm, next, start, next->vm_end, a.pgoff);
		return next;
	}
	if (start > vma->vm_start) {
		vma = split_checked(m, mm, vma, start, err);
		if (!vma)
			return NULL;
	}
	if (end < vma->vm_end && !split_checked(m, mm, vma, end, err))
		return NULL;
	vma_set_flags(mm, vma, newflags);
	if (vma->vm_policy != pol)
		vma_replace_policy(mm, vma, pol);
	return vma;
}

static struct vm_area_struct *modify_flags(struct machine *m, struct mm_struct *mm,
					   struct vm_area_struct *vma, uint64_t start,
					   uint64_t end, uint64_t newflags, int *err)
{
	return modify_attr(m, mm, vma, start, end, newflags, vma->vm_policy, err);
}

struct vm_area_struct *vma_modify_policy(struct machine *m, struct mm_struct *mm,
					 struct vm_area_struct *vma, uint64_t start,
					 uint64_t end, struct mempolicy *pol, int *err)
{
	return modify_attr(m, mm, vma, start, end, vma->vm_flags, pol, err);
}

/*
 * Give [start, end) of vma the flags newflags, splitting or merging as
 * Linux does; then make the PTEs follow: new protections are applied to
 * the mapped pages, and pages gain or lose their mlock.
 */
struct vm_area_struct *vma_modify_flags(struct machine *m, struct mm_struct *mm,
					struct vm_area_struct *vma, uint64_t start,
					uint64_t end, uint64_t newflags, int *err)
{
	uint64_t old = vma->vm_flags;
	struct vm_area_struct *res = modify_flags(m, mm, vma, start, end, newflags, err);

	if (!res)
		return NULL;
	if ((old ^ newflags) & (MM_VM_READ | MM_VM_WRITE | MM_VM_EXEC | MM_VM_SHARED))
		change_protection(m, mm, res, start, end);
	if ((old ^ newflags) & MM_VM_LOCKED)
		mlock_range(m, mm, start, end, (newflags & MM_VM_LOCKED) != 0);
	return res;
}

struct vm_area_struct *vma_map_range(struct mm_struct *mm, uint64_t start, uint64_t end,
				     const struct vma_attr *attr, int only_prev)
{
	struct vm_area_struct *next = vma_find(mm, start);
	struct vm_area_struct *prev = next ? vma_prev_of(next) : vma_last(mm);
	struct vm_area_struct *vma;
	int left = only_prev < 2 && can_merge_after(prev, attr, start);
	int right = !only_prev && can_merge_before(next, attr, start, end);

	if (left && right && !anon_vma_compatible(prev, next))
		right = 0;
	if (left) {
		uint64_t nend = right ? next->vm_end : end;

		/* the copied VMA's anon_vma (mremap), else next's that goes */
		dup_anon_vma(prev, attr->anon_vma ? attr->anon_src : (right ? next : NULL));
		if (right)
			vma_drop(mm, next);
		vma_adjust(mm, prev, prev->vm_start, nend, prev->vm_pgoff);
		return prev;
	}
	if (right) {
		vma_adjust(mm, next, start, next->vm_end, attr->pgoff);
		dup_anon_vma(next, attr->anon_src);
		return next;
	}
	vma = vm_area_alloc();
	if (!vma)
		return NULL;
	vma->vm_start = start;
	vma->vm_end = end;
	vma->vm_flags = attr->flags;
	vma->vm_pgoff = attr->pgoff;
	vma->vm_file = file_ref_get(attr->file);
	vma->anon_vma = attr->anon_vma;
	vma->vm_policy = mpol_get(attr->policy);
	if (vma_insert(mm, vma)) {
		vm_area_free(vma);
		return NULL;
	}
	/* copy_vma: the copy has its source's chains */
	if (attr->anon_vma && attr->anon_src)
		anon_vma_clone(vma, attr->anon_src);
	else if (attr->anon_vma)
		anon_vma_attach(vma, NULL);
	return vma;
}

void vma_release(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct file_ref *f = vma->vm_file;

	vma_remove(mm, vma);
	if (vma->vm_flags & MM_VM_HUGETLB)
		hugetlb_vm_close(m, mm, vma);
	if (vma->vm_flags & MM_VM_ACCOUNT)
		vm_unacct_memory(m, vma_pages(vma));
	if (f && f->shmem_pages && f->refcount == 1)
		vm_unacct_memory(m, f->shmem_pages);
	vm_area_free(vma);
}

uint64_t range_accounted_pages(struct mm_struct *mm, uint64_t start, uint64_t end)
{
	uint64_t n = 0;

	for (struct vm_area_struct *v = vma_find(mm, start); v && v->vm_start < end; v = v->vm_next) {
		uint64_t s = v->vm_start > start ? v->vm_start : start;
		uint64_t e = v->vm_end < end ? v->vm_end : end;

		if (v->vm_flags & MM_VM_ACCOUNT)
			n += (e - s) >> MM_PAGE_SHIFT;
	}
	return n;
}

int unmap_range(struct machine *m, struct mm_struct *mm, uint64_t start, uint64_t end,
		int uncharge)
{
	struct vm_area_struct *vma = vma_find(mm, start), *next, *prev;

	if (!vma || vma->vm_start >= end)
		return 0;
	/* a hole punched in the middle of one VMA makes one more */
	if (start > vma->vm_start && end < vma->vm_end &&
	    (int64_t)mm->map_count >= m->tun.max_map_count)
		return -ENOMEM;
	if (start > vma->vm_start) {
		vma = vma_split(mm, vma, start);
		if (!vma)
			return -ENOMEM;
	}
	while (vma && vma->vm_start < end) {
		if (vma->vm_end > end && !vma_split(mm, vma, end))
			return -ENOMEM;
		next = vma_next_of(vma);
		zap_page_range(m, mm, vma, vma->vm_start, vma->vm_end);
		if (!uncharge && (vma->vm_flags & MM_VM_ACCOUNT))
			vma_set_flags(mm, vma, vma->vm_flags & ~MM_VM_ACCOUNT);
		vma_release(m, mm, vma);
		vma = next;
	}
	/* tables that mapped only the hole go too (free_pgtables' floor and ceiling) */
	next = vma_find(mm, start);
	prev = next ? vma_prev_of(next) : vma_last(mm);
	free_pgtables(m, mm, start, end, prev ? prev->vm_end : 0, next ? next->vm_start : 0);
	return 0;
}

int vma_populate(struct sys_ctx *x, struct vm_area_struct *vma, uint64_t start, uint64_t end,
		 int write)
{
	/* populate_vma_page_range: lock-on-fault VMAs are never populated */
	if (vma->vm_flags & MM_VM_LOCKONFAULT)
		return 0;
	/* without FOLL_FORCE, GUP refuses a PROT_NONE VMA before any fault */
	if (!(vma->vm_flags & (MM_VM_READ | MM_VM_WRITE | MM_VM_EXEC)))
		return -EFAULT;
	if (start < vma->vm_start)
		start = vma->vm_start;
	if (end > vma->vm_end)
		end = vma->vm_end;
	return faultin_range(x->m, x->t, vma, start, end, write ? FAULTIN_WRITE : FAULTIN_POPULATE);
}

int vma_range_past_eof(struct machine *m, struct vm_area_struct *vma, uint64_t start,
		       uint64_t end)
{
	struct file_ref *f = vma->vm_file;
	uint64_t last, pages;

	if (!f || start >= end)
		return 0;	/* anonymous, or nothing to fault */
	if (f->shmem_size)
		pages = f->shmem_size >> MM_PAGE_SHIFT;
	else if (!f->inode)
		return 0;	/* a stand-in: endless zeros */
	else
		pages = PAGE_ALIGN_UP(file_size(m, f)) >> MM_PAGE_SHIFT;
	last = linear_page_index(vma, end - 1);
	return last >= pages;
}
