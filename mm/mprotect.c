// SPDX-License-Identifier: MIT
/*
 * mprotect.c - changing the access of a range (kernel: mm/mprotect.c).
 *
 * VMAs are changed one after another from the start of the range; a hole
 * stops the walk with ENOMEM after the part before it has changed, as
 * Linux does. Making a private mapping writable charges it to
 * Committed_AS once (VM_ACCOUNT then sticks); making it read-only again
 * gives the charge back only while it has no anon_vma (never faulted).
 */
#include <errno.h>

#include "hugetlb.h"
#include "internal.h"
#include "syscalls.h"
#include "task.h"
#include "vma.h"

/* mprotect_fixup: the accounting rules, then the flag change. */
static int mprotect_fixup(struct sys_ctx *x, struct vm_area_struct *vma, uint64_t start,
			  uint64_t end, uint64_t newflags, struct vm_area_struct **out)
{
	uint64_t oldflags = vma->vm_flags, pages = (end - start) >> MM_PAGE_SHIFT, charged = 0;
	int err = 0;

	*out = vma;
	if (newflags == oldflags)
		return 0;
	if ((oldflags & MM_VM_HUGETLB) && hugetlb_check_split(x->mm, start, end))
		return sys_fail(x, -EINVAL, "range cuts a hugetlb mapping off its 2 MiB pages");
	if (newflags & MM_VM_WRITE) {
		if (!(oldflags & (MM_VM_ACCOUNT | MM_VM_WRITE | MM_VM_HUGETLB | MM_VM_SHARED |
				  MM_VM_NORESERVE))) {
			if (vm_enough_memory(x, pages))
				return -ENOMEM;
			charged = pages;
			newflags |= MM_VM_ACCOUNT;
		}
	} else if ((oldflags & MM_VM_ACCOUNT) && vma_is_anonymous(vma) && !vma->anon_vma) {
		newflags &= ~MM_VM_ACCOUNT;
	}
	vma = vma_modify_flags(x->m, x->mm, vma, start, end, newflags, &err);
	if (!vma) {
		vm_unacct_memory(x->m, charged);
		return sys_fail(x, err, "splitting a VMA would pass max_map_count");
	}
	if ((oldflags & MM_VM_ACCOUNT) && !(newflags & MM_VM_ACCOUNT))
		vm_unacct_memory(x->m, pages);
	/* a locked private mapping made writable is faulted in for write */
	if ((oldflags & (MM_VM_WRITE | MM_VM_SHARED | MM_VM_LOCKED)) == MM_VM_LOCKED &&
	    (newflags & MM_VM_WRITE))
		vma_populate(x, vma, start, end, 0);
	*out = vma;
	return 0;
}

static uint64_t prot_bits(uint64_t prot)
{
	return (prot & MM_PROT_READ ? MM_VM_READ : 0) |
	       (prot & MM_PROT_WRITE ? MM_VM_WRITE : 0) |
	       (prot & MM_PROT_EXEC ? MM_VM_EXEC : 0);
}

int sys_mprotect(struct sys_ctx *x, const struct mm_call *c)
{
	uint64_t grows = c->prot & (MM_PROT_GROWSDOWN | MM_PROT_GROWSUP);
	uint64_t prot = c->prot & ~grows, start = c->addr, end, tmp;
	struct vm_area_struct *vma;
	int err;

	if (grows == (MM_PROT_GROWSDOWN | MM_PROT_GROWSUP))
		return sys_fail(x, -EINVAL, "prot has both growsdown and growsup");
	if (PAGE_OFFSET_OF(start))
		return sys_fail(x, -EINVAL, "addr is not page-aligned");
	if (!c->len)
		return 0;
	end = start + PAGE_ALIGN_UP(c->len);
	if (end <= start)
		return sys_fail(x, -ENOMEM, "range wraps around");
	if (prot & ~(uint64_t)(MM_PROT_READ | MM_PROT_WRITE | MM_PROT_EXEC | 0x8))
		return sys_fail(x, -EINVAL, "unknown prot bits 0x%llx", (unsigned long long)prot);
	vma = vma_find(x->mm, start);
	if (!vma || vma->vm_start >= end)
		return sys_fail(x, -ENOMEM, "range is not mapped");
	if (grows & MM_PROT_GROWSDOWN) {
		start = vma->vm_start;
		if (!(vma->vm_flags & MM_VM_GROWSDOWN))
			return sys_fail(x, -EINVAL, "growsdown on a VMA that does not grow down");
	} else {
		if (vma->vm_start > start)
			return sys_fail(x, -ENOMEM, "range starts in a hole");
		if (grows & MM_PROT_GROWSUP)
			return sys_fail(x, -EINVAL, "no VMA grows up on x86");
	}
	for (tmp = vma->vm_start; vma && vma->vm_start < end; vma = vma_next_of(vma)) {
		uint64_t nstart = start > vma->vm_start ? start : vma->vm_start;
		uint64_t newflags = prot_bits(prot) | (vma->vm_flags & ~VM_ACCESS_MASK);

		if (vma->vm_start != tmp)
			return sys_fail(x, -ENOMEM, "range has a hole at 0x%llx",
					(unsigned long long)tmp);
		/* every VM_x needs its VM_MAYx (VM_MAYx sit 4 bits higher) */
		if ((newflags & ~(newflags >> 4)) & VM_ACCESS_MASK)
			return sys_fail(x, -EACCES, "the mapping does not allow that access");
		tmp = vma->vm_end < end ? vma->vm_end : end;
		err = mprotect_fixup(x, vma, nstart, tmp, newflags, &vma);
		if (err)
			return err;
		tmp = vma->vm_end;
	}
	if (tmp < end)
		return sys_fail(x, -ENOMEM, "range ends in a hole");
	return 0;
}
