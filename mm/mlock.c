// SPDX-License-Identifier: MIT
/*
 * mlock.c - mlock, mlock2, munlock, mlockall, munlockall (kernel:
 * mm/mlock.c).
 *
 * Locking sets VM_LOCKED (and VM_LOCKONFAULT for the on-fault forms) on
 * the range, splitting and merging like any flag change; locked_vm
 * follows the flags. Then the range is populated: a private writable VMA
 * gets its anon_vma, and a PROT_NONE one fails the population, so mlock
 * answers ENOMEM although the VMA is now locked (procfs.md §19.2). The
 * caller is root (CAP_IPC_LOCK): RLIMIT_MEMLOCK is not enforced.
 */
#include <errno.h>

#include "internal.h"
#include "syscalls.h"
#include "task.h"
#include "vma.h"

/* mlock_fixup: special, hugetlb VMAs are left alone and not counted. */
static int mlock_fixup(struct sys_ctx *x, struct vm_area_struct *vma, uint64_t start,
		       uint64_t end, uint64_t newflags, struct vm_area_struct **out)
{
	int err = 0;

	*out = vma;
	if (newflags == vma->vm_flags || (vma->vm_flags & (VM_SPECIAL_MASK | MM_VM_HUGETLB)) ||
	    vma->special != VMA_SPECIAL_NONE)
		return 0;
	vma = vma_modify_flags(x->m, x->mm, vma, start, end, newflags, &err);
	if (!vma)
		return err;
	*out = vma;
	return 0;
}

/* apply_vma_lock_flags: walk [start, end); a hole stops it with ENOMEM. */
static int apply_lock_flags(struct sys_ctx *x, uint64_t start, uint64_t end, uint64_t flags)
{
	struct vm_area_struct *vma = vma_lookup(x->mm, start);
	uint64_t tmp;
	int err;

	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	if (!vma)
		return -ENOMEM;
	for (tmp = vma->vm_start; vma && vma->vm_start < end; vma = vma_next_of(vma)) {
		uint64_t nstart = start > vma->vm_start ? start : vma->vm_start;
		uint64_t newflags = (vma->vm_flags & ~VM_LOCKED_MASK) | flags;

		if (vma->vm_start != tmp)
			return -ENOMEM;
		tmp = vma->vm_end < end ? vma->vm_end : end;
		err = mlock_fixup(x, vma, nstart, tmp, newflags, &vma);
		if (err)
			return err;
		tmp = vma->vm_end;
	}
	return tmp < end ? -ENOMEM : 0;
}

/*
 * __mm_populate for locked VMAs: fault every page in, VMA by VMA. A VMA
 * without access cannot be faulted, nor a file page past EOF (SIGBUS):
 * the walk stops there with ENOMEM (mlock's answer for GUP's EFAULT), or
 * goes on to the next VMA with ignore_errors. The VM_LOCKED flags stay.
 */
static int populate_range(struct sys_ctx *x, uint64_t start, uint64_t end, int ignore_errors)
{
	for (struct vm_area_struct *v = vma_find(x->mm, start); v && v->vm_start < end;
	     v = vma_next_of(v)) {
		uint64_t s = v->vm_start > start ? v->vm_start : start;
		uint64_t e = v->vm_end < end ? v->vm_end : end;

		if (!(v->vm_flags & MM_VM_LOCKED) || (v->vm_flags & MM_VM_LOCKONFAULT))
			continue;
		if (!(v->vm_flags & VM_ACCESS_MASK) || (v->vm_flags & (MM_VM_IO | MM_VM_PFNMAP))) {
			if (!ignore_errors)
				return sys_fail(x, -ENOMEM, "a PROT_NONE page cannot be faulted in");
			continue;
		}
		if (vma_populate(x, v, s, e, 0) == -ENOMEM && !ignore_errors)
			return sys_fail(x, -ENOMEM, "out of memory");
		if (!ignore_errors && vma_range_past_eof(x->m, v, s, e))
			return sys_fail(x, -ENOMEM, "a page past the end of %s cannot be faulted in",
					v->vm_file->path);
	}
	return 0;
}

int sys_mlock(struct sys_ctx *x, uint64_t start, uint64_t len, uint64_t vmflags)
{
	uint64_t end;
	int err;

	len = PAGE_ALIGN_UP(len + PAGE_OFFSET_OF(start));
	start &= ~(MM_PAGE_SIZE - 1);
	end = start + len;
	if (end == start)
		return 0;	/* apply_vma_lock_flags: nothing to do, mapped or not */
	err = apply_lock_flags(x, start, end, vmflags);
	if (err == -EINVAL)
		return sys_fail(x, err, "range wraps around");
	if (err == -ENOMEM)
		return sys_fail(x, err, "range is not fully mapped");
	if (err)
		return sys_fail(x, err, "splitting a VMA would pass max_map_count");
	return vmflags ? populate_range(x, start, end, 0) : 0;
}

int sys_mlock2(struct sys_ctx *x, const struct mm_call *c)
{
	if (c->flags & ~(uint64_t)MM_MLOCK_ONFAULT)
		return sys_fail(x, -EINVAL, "unknown mlock2 flags 0x%llx",
				(unsigned long long)c->flags);
	return sys_mlock(x, c->addr, c->len, MM_VM_LOCKED |
			 (c->flags & MM_MLOCK_ONFAULT ? MM_VM_LOCKONFAULT : 0));
}

int sys_munlock(struct sys_ctx *x, const struct mm_call *c)
{
	return sys_mlock(x, c->addr, c->len, 0);
}

/* apply_mlockall_flags: future locking via def_flags, current via every VMA. */
static void apply_mlockall(struct sys_ctx *x, uint64_t flags)
{
	struct mm_struct *mm = x->mm;
	uint64_t to_add = 0;

	mm->def_flags &= ~VM_LOCKED_MASK;
	if (flags & MM_MCL_FUTURE) {
		mm->def_flags |= MM_VM_LOCKED;
		if (flags & MM_MCL_ONFAULT)
			mm->def_flags |= MM_VM_LOCKONFAULT;
		if (!(flags & MM_MCL_CURRENT))
			return;
	}
	if (flags & MM_MCL_CURRENT) {
		to_add = MM_VM_LOCKED;
		if (flags & MM_MCL_ONFAULT)
			to_add |= MM_VM_LOCKONFAULT;
	}
	for (struct vm_area_struct *v = vma_first(mm); v; v = vma_next_of(v)) {
		struct vm_area_struct *res = v;

		/* errors are ignored, as the kernel does */
		mlock_fixup(x, v, v->vm_start, v->vm_end, (v->vm_flags & ~VM_LOCKED_MASK) | to_add, &res);
		v = res;
	}
}

int sys_mlockall(struct sys_ctx *x, const struct mm_call *c)
{
	uint64_t flags = c->flags;

	if (!flags || (flags & ~(uint64_t)(MM_MCL_CURRENT | MM_MCL_FUTURE | MM_MCL_ONFAULT)) ||
	    flags == MM_MCL_ONFAULT)
		return sys_fail(x, -EINVAL, "mlockall takes current and/or future (and onfault)");
	apply_mlockall(x, flags);
	if (flags & MM_MCL_CURRENT)
		populate_range(x, 0, TASK_SIZE, 1);
	return 0;
}

int sys_munlockall(struct sys_ctx *x)
{
	apply_mlockall(x, 0);
	return 0;
}
