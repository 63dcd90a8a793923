// SPDX-License-Identifier: MIT
/*
 * mempolicy_mbind.c - mbind (kernel: mm/mempolicy.c do_mbind,
 * queue_pages_range, mbind_range).
 *
 * The order is the kernel's: the mode, the nodemask, the flags, the range,
 * the new policy, then queue_pages_range's verdict before anything changes
 * (a hole is EFAULT; with MPOL_MF_STRICT alone a page already on a node the
 * policy leaves out is EIO), then the policy goes on every VMA of the range
 * (split at the edges, merged with equal neighbours), then the pages move
 * (MPOL_MF_MOVE, MOVE_ALL: mbind_migrate_range, the migration seam).
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "mempolicy.h"
#include "migrate.h"
#include "hugetlb.h"
#include "pgtable.h"
#include "syscalls.h"
#include "task.h"
#include "vma.h"

struct strict_arg {
	uint64_t nodes;		/* the nodes the pages may be on */
	uint64_t failed;	/* pages found elsewhere */
};

static void strict_count(struct machine *m, struct strict_arg *sa, uint64_t pfn, uint64_t nr)
{
	struct zone *z = pfn_zone(m, pfn);

	if (z && !(sa->nodes >> z->nid & 1))
		sa->failed += nr;
}

static int strict_pmd(struct machine *m, struct mm_struct *mm, uint64_t addr, uint64_t end,
		      pte_t *pmd, void *arg)
{
	(void)mm;
	(void)addr;
	(void)end;
	if (pte_pfn(*pmd) != m->huge_zero_pfn)
		strict_count(m, arg, pte_pfn(*pmd), 1);	/* a folio counts once (strictly_unmovable stops) */
	return 0;
}

static int strict_pte(struct machine *m, struct mm_struct *mm, uint64_t addr, pte_t *pte, void *arg)
{
	(void)mm;
	(void)addr;
	if (pte_present(*pte) && pte_pfn(*pte) != m->zero_pfn &&
	    !PageFlag(pfn_to_page(m, pte_pfn(*pte)), PG_reserved))
		strict_count(m, arg, pte_pfn(*pte), 1);
	return 0;
}

struct mbind_move {
	struct machine *m;
	struct task *t;
	uint64_t nodes;		/* where the pages may stay */
};

/* queue_pages_range: only a page off the nodes moves, to where the policy allocates. */
static int mbind_target(void *arg, struct vm_area_struct *vma, uint64_t addr, int nid)
{
	struct mbind_move *mv = arg;

	if (mv->nodes >> nid & 1)
		return -1;
	return mpol_target_node(mv->m, mv->t, vma, addr);
}

int mbind_migrate_range(struct machine *m, struct task *t, uint64_t start, uint64_t end,
			uint64_t nodes, unsigned flags)
{
	struct mbind_move mv = { m, t, nodes };
	uint64_t failed = 0;

	if (!nodes)
		return 0;	/* MPOL_DEFAULT, MPOL_LOCAL: an empty nodemask queues nothing */
	migrate_range(m, t->mm, start, end, mbind_target, &mv,
		      (flags & MM_MPOL_MF_MOVE_ALL) ? MPOL_MF_MOVE_ALL : MPOL_MF_MOVE, &failed);
	return (int)failed;
}

/*
 * queue_pages_range's verdict on the range before anything changes:
 * -EFAULT for a hole (at the head, between VMAs or at the tail) unless
 * discontig, or when no VMA meets the range at all.
 */
static int mbind_check_holes(struct sys_ctx *x, uint64_t start, uint64_t end, int discontig)
{
	struct vm_area_struct *vma = vma_find(x->mm, start);

	if (!vma || vma->vm_start >= end)
		return sys_fail(x, -EFAULT, "no mapping in the range");
	if (discontig)
		return 0;
	if (vma->vm_start > start)
		return sys_fail(x, -EFAULT, "a hole at %#llx", (unsigned long long)start);
	for (; vma && vma->vm_end < end; vma = vma_next_of(vma)) {
		struct vm_area_struct *next = vma_next_of(vma);

		if (!next || next->vm_start != vma->vm_end)
			return sys_fail(x, -EFAULT, "a hole at %#llx",
					(unsigned long long)vma->vm_end);
	}
	return 0;
}

int sys_mbind(struct sys_ctx *x, const struct mm_call *c)
{
	unsigned flags = (unsigned)c->flags;
	uint64_t start = c->addr, len, end, nodes, failed = 0;
	struct mempolicy *pol = NULL;
	struct vm_area_struct *vma;
	unsigned mode_flags;
	int mode, err;

	err = sanitize_mpol_flags(x, c->mode, &mode, &mode_flags);
	if (!err)
		err = get_nodes(x, c, &nodes);
	if (err)
		return err;
	if (flags & ~(unsigned)MM_MPOL_MF_VALID)
		return sys_fail(x, -EINVAL, "unknown mbind flags %#x", flags & ~(unsigned)MM_MPOL_MF_VALID);
	/* MPOL_MF_MOVE_ALL needs CAP_SYS_NICE: every simulated process is root's */
	if (start & (MM_PAGE_SIZE - 1))
		return sys_fail(x, -EINVAL, "address %#llx is not page-aligned",
				(unsigned long long)start);
	if (mode == MM_MPOL_DEFAULT)
		flags &= ~(unsigned)MM_MPOL_MF_STRICT;
	len = (c->len + MM_PAGE_SIZE - 1) & ~(MM_PAGE_SIZE - 1);
	end = start + len;
	if (end < start)
		return sys_fail(x, -EINVAL, "the range wraps around");
	if (end == start)
		return 0;
	err = mpol_new(x, mode, mode_flags, nodes, &pol);
	if (err)
		return err;
	err = mpol_set_nodemask(x, pol, nodes);
	if (!err)
		err = mbind_check_holes(x, start, end, pol == NULL);
	if (err)
		goto out;
	if ((flags & (MM_MPOL_MF_STRICT | MM_MPOL_MF_MOVE | MM_MPOL_MF_MOVE_ALL)) ==
	    MM_MPOL_MF_STRICT) {
		/* strictly unmovable: the walk stops at the first misplaced page, nothing applied */
		struct strict_arg sa = { nodes, 0 };

		for (vma = vma_find(x->mm, start); vma && vma->vm_start < end; vma = vma_next_of(vma))
			walk_range(x->m, x->mm, vma->vm_start > start ? vma->vm_start : start,
				   vma->vm_end < end ? vma->vm_end : end, strict_pmd, strict_pte, &sa);
		if (sa.failed) {
			err = sys_fail(x, -EIO, "%llu page%s of the range on a node the policy does not allow",
				       (unsigned long long)sa.failed, sa.failed == 1 ? "" : "s");
			goto out;
		}
	}
	/* mbind_range on each VMA: split at the edges, merge with equal neighbours */
	vma = vma_find(x->mm, start);
	while (vma && vma->vm_start < end) {
		uint64_t vs = vma->vm_start > start ? vma->vm_start : start;
		uint64_t ve = vma->vm_end < end ? vma->vm_end : end;

		if (!mpol_equal(vma->vm_policy, pol)) {
			/* hugetlb_vm_op_split: a hugetlb VMA splits only at 2 MiB */
			if ((vma->vm_flags & MM_VM_HUGETLB) && hugetlb_check_split(x->mm, vs, ve)) {
				err = sys_fail(x, -EINVAL, "range cuts a hugetlb mapping off its 2 MiB pages");
				goto out;
			}
			vma = vma_modify_policy(x->m, x->mm, vma, vs, ve, pol, &err);
			if (!vma) {
				sys_fail(x, err, "max_map_count reached");
				goto out;
			}
			/* vma_replace_policy's vm_ops->set_policy: a shmem object's ranges too */
			if (vma_shared_policy_object(vma) &&
			    mpol_set_shared_policy(x->m, vma_shared_policy_object(vma), vma->vm_pgoff,
						   vma_pages(vma), pol)) {
				err = sys_fail(x, -ENOMEM, "out of memory for the shared policy");
				goto out;
			}
		}
		vma = vma_next_of(vma);
	}
	/* then the pages move (migrate_pages after mbind_range); what could not, fails STRICT */
	if (flags & (MM_MPOL_MF_MOVE | MM_MPOL_MF_MOVE_ALL))
		failed = (uint64_t)mbind_migrate_range(x->m, x->t, start, end, nodes, flags);
	if (failed && (flags & MM_MPOL_MF_STRICT))
		err = sys_fail(x, -EIO, "%llu page%s of the range could not be moved",
			       (unsigned long long)failed, failed == 1 ? "" : "s");
out:
	mpol_put(pol);
	return err;
}
