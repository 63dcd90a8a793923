// SPDX-License-Identifier: MIT
/*
 * mremap.c - resizing and moving a mapping (kernel: mm/mremap.c).
 *
 * Shrinking unmaps the tail; growing extends the VMA in place when the
 * space after it is free (merging with the next VMA if it then touches a
 * compatible one), else moves it when MREMAP_MAYMOVE allows. A moved VMA
 * keeps its flags, file and anon_vma; a never-faulted anonymous one gets
 * the page offset of its new address, so it merges there like a fresh
 * mmap (procfs.md §19.1). Committed_AS changes by new_len - old_len for
 * VM_ACCOUNT mappings, by new_len with MREMAP_DONTUNMAP (the old range
 * stays, still charged).
 */
#include <errno.h>

#include "internal.h"
#include "rmap.h"
#include "syscalls.h"
#include "memory.h"
#include "task.h"
#include "vma.h"
#include "mempolicy.h"

struct remap {
	uint64_t addr, old_len, new_len, new_addr, flags;
	struct vm_area_struct *vma;
};

static int move_vma(struct sys_ctx *x, struct remap *r, uint64_t *ret)
{
	struct vm_area_struct *vma = r->vma, *new;
	uint64_t charged = 0, delta = r->new_len > r->old_len ? r->new_len - r->old_len : 0;
	struct vma_attr a = {
		.flags = vma->vm_flags,
		.file = file_ref_get(vma->vm_file),
		.pgoff = linear_page_index(vma, r->addr),
		.anon_vma = vma->anon_vma,
		.anon_src = vma,		/* copy_vma: its chains are cloned (rmap_avc.c) */
		.policy = vma->vm_policy,	/* copy_vma's vma_dup_policy */
	};
	int err = 0;

	if ((int64_t)x->mm->map_count >= x->m->tun.max_map_count - 3) {
		err = sys_fail(x, -ENOMEM, "max_map_count reached");
		goto out;
	}
	if (vma_is_anonymous(vma) && !vma->anon_vma)
		a.pgoff = r->new_addr >> MM_PAGE_SHIFT;
	if (vma->vm_flags & MM_VM_ACCOUNT) {
		charged = r->flags & MM_MREMAP_DONTUNMAP ? r->new_len >> MM_PAGE_SHIFT
							   : delta >> MM_PAGE_SHIFT;
		if (charged && vm_enough_memory(x, charged)) {
			err = -ENOMEM;
			goto out;
		}
	}
	new = vma_map_range(x->mm, r->new_addr, r->new_addr + r->new_len, &a, 0);
	if (!new) {
		vm_unacct_memory(x->m, charged);
		err = sys_fail(x, -ENOMEM, "out of memory");
		goto out;
	}
	/* the pages travel with the mapping (with dontunmap the old one is left empty) */
	move_page_tables(x->m, x->mm, r->addr, r->new_addr,
			 r->old_len < r->new_len ? r->old_len : r->new_len);
	if (r->flags & MM_MREMAP_DONTUNMAP) {
		/*
		 * dontunmap_complete: the whole old VMA loses VM_LOCKED and
		 * VM_LOCKONFAULT in place, neither split nor merged. If all of
		 * it moved, it holds no anonymous page and drops its anon_vma
		 * (unlink_anon_vmas), so it can merge with any neighbour again.
		 */
		vma = vma_lookup(x->mm, r->addr);
		if (vma && (vma->vm_flags & VM_LOCKED_MASK))
			vma_set_flags(x->mm, vma, vma->vm_flags & ~VM_LOCKED_MASK);
		if (vma && vma != new && vma->vm_start == r->addr &&
		    vma->vm_end == r->addr + r->old_len) {
			vma_set_anon_vma(vma, 0);	/* its chains go too */
		}
	} else if (r->old_len) {
		/* the old charge moves with the pages: unmap without returning it */
		unmap_range(x->m, x->mm, r->addr, r->addr + r->old_len, 0);
	}
	*ret = r->new_addr;
	/* a locked mapping's new part is faulted in (mremap's mm_populate) */
	if (r->new_len > r->old_len) {
		struct vm_area_struct *nv = vma_lookup(x->mm, r->new_addr + r->old_len);

		if (nv && (nv->vm_flags & MM_VM_LOCKED))
			vma_populate(x, nv, r->new_addr + r->old_len, r->new_addr + r->new_len, 0);
	}
out:
	file_ref_put(a.file);
	return err;
}

/* mremap_to: MREMAP_FIXED or MREMAP_DONTUNMAP name the destination. */
static int mremap_to(struct sys_ctx *x, struct remap *r, uint64_t *ret)
{
	uint64_t map_flags = 0;
	int err;

	if (r->flags & MM_MREMAP_FIXED) {
		if (r->new_addr > TASK_SIZE || r->new_len > TASK_SIZE - r->new_addr)
			return sys_fail(x, -EINVAL, "new range goes beyond TASK_SIZE");
		if (unmap_range(x->m, x->mm, r->new_addr, r->new_addr + r->new_len, 1))
			return sys_fail(x, -ENOMEM, "splitting a VMA would pass max_map_count");
		r->vma = vma_lookup(x->mm, r->addr);
		if (!r->vma)
			return sys_fail(x, -EFAULT, "old range is not mapped");
		map_flags |= MM_MAP_FIXED;
	}
	if (r->new_len < r->old_len) {
		if (unmap_range(x->m, x->mm, r->addr + r->new_len, r->addr + r->old_len, 1))
			return sys_fail(x, -ENOMEM, "splitting a VMA would pass max_map_count");
		r->old_len = r->new_len;
	}
	if (r->vma->vm_flags & MM_VM_MAYSHARE)
		map_flags |= MM_MAP_SHARED;
	err = get_unmapped_area(x, r->vma->vm_file != NULL, r->new_addr, r->new_len,
				linear_page_index(r->vma, r->addr), map_flags, &r->new_addr);
	return err ? err : move_vma(x, r, ret);
}

/* vma_expandable: [vm_end, vm_end + delta) is free and below TASK_SIZE. */
static int expandable(struct vm_area_struct *vma, uint64_t delta)
{
	uint64_t end = vma->vm_end + delta;
	struct vm_area_struct *next = vma_next_of(vma);

	return end > vma->vm_end && end <= TASK_SIZE && (!next || next->vm_start >= end);
}

static int grow(struct sys_ctx *x, struct remap *r, uint64_t *ret)
{
	struct vm_area_struct *vma = r->vma;
	uint64_t delta = r->new_len - r->old_len;
	struct vma_attr a = {
		.flags = vma->vm_flags, .file = vma->vm_file, .anon_vma = vma->anon_vma,
		.anon_src = vma, .pgoff = vma->vm_pgoff + vma_pages(vma), .policy = vma->vm_policy,
	};
	uint64_t map_flags = vma->vm_flags & MM_VM_MAYSHARE ? MM_MAP_SHARED : 0;
	int err;

	if (r->old_len == vma->vm_end - r->addr && expandable(vma, delta)) {
		if ((vma->vm_flags & MM_VM_ACCOUNT) && vm_enough_memory(x, delta >> MM_PAGE_SHIFT))
			return -ENOMEM;
		vma = vma_map_range(x->mm, vma->vm_end, vma->vm_end + delta, &a, 0);
		if (!vma) {
			vm_unacct_memory(x->m, a.flags & MM_VM_ACCOUNT ? delta >> MM_PAGE_SHIFT : 0);
			return sys_fail(x, -ENOMEM, "out of memory");
		}
		if (vma->vm_flags & MM_VM_LOCKED)
			vma_populate(x, vma, vma->vm_end - delta, vma->vm_end, 0);
		*ret = r->addr;
		return 0;
	}
	if (!(r->flags & MM_MREMAP_MAYMOVE))
		return sys_fail(x, -ENOMEM, "cannot grow in place and maymove was not given");
	err = get_unmapped_area(x, vma->vm_file != NULL, 0, r->new_len,
				linear_page_index(vma, r->addr), map_flags, &r->new_addr);
	return err ? err : move_vma(x, r, ret);
}

/* check_mremap_params: everything that needs no VMA. */
static int check_params(struct sys_ctx *x, const struct remap *r)
{
	uint64_t f = r->flags;

	if (f & ~(uint64_t)(MM_MREMAP_MAYMOVE | MM_MREMAP_FIXED | MM_MREMAP_DONTUNMAP))
		return sys_fail(x, -EINVAL, "unknown mremap flags");
	if (PAGE_OFFSET_OF(r->addr))
		return sys_fail(x, -EINVAL, "addr is not page-aligned");
	if (!r->new_len)
		return sys_fail(x, -EINVAL, "new_len is 0");
	if (r->new_len > TASK_SIZE)
		return sys_fail(x, -EINVAL, "new_len is larger than the address space");
	if (!(f & (MM_MREMAP_FIXED | MM_MREMAP_DONTUNMAP)))
		return 0;
	if (r->new_addr > TASK_SIZE - r->new_len)
		return sys_fail(x, -EINVAL, "new range goes beyond TASK_SIZE");
	if (PAGE_OFFSET_OF(r->new_addr))
		return sys_fail(x, -EINVAL, "new_addr is not page-aligned");
	if (!(f & MM_MREMAP_MAYMOVE))
		return sys_fail(x, -EINVAL, "fixed and dontunmap need maymove");
	if ((f & MM_MREMAP_DONTUNMAP) && r->old_len != r->new_len)
		return sys_fail(x, -EINVAL, "dontunmap cannot resize");
	if ((f & MM_MREMAP_FIXED) && r->new_addr < r->addr + r->old_len &&
	    r->addr < r->new_addr + r->new_len)
		return sys_fail(x, -EINVAL, "new range overlaps the old one");
	if ((int64_t)x->mm->map_count + 2 >= x->m->tun.max_map_count - 3)
		return sys_fail(x, -ENOMEM, "max_map_count reached");
	return 0;
}

/*
 * check_prep_vma: what one VMA allows. Only a call that maps something new
 * (grows, or names a destination) is checked; a shrink is checked over
 * the part it keeps, since the tail it unmaps may cross VMAs and holes.
 */
static int check_prep_vma(struct sys_ctx *x, const struct remap *r)
{
	uint64_t f, keep = r->old_len, pgoff;

	if (!r->vma)
		return sys_fail(x, -EFAULT, "old range is not mapped");
	f = r->vma->vm_flags;
	if (r->new_len <= r->old_len && !(r->flags & (MM_MREMAP_FIXED | MM_MREMAP_DONTUNMAP)))
		return 0;
	if (!r->old_len && !(f & (MM_VM_SHARED | MM_VM_MAYSHARE)))
		return sys_fail(x, -EINVAL, "old_len 0 duplicates shared mappings only");
	if ((r->flags & MM_MREMAP_DONTUNMAP) && (f & (MM_VM_DONTEXPAND | MM_VM_PFNMAP)))
		return sys_fail(x, -EINVAL, "dontunmap on a special mapping");
	if (r->new_len < r->old_len)
		keep = r->new_len;
	if (keep > r->vma->vm_end - r->addr)
		return sys_fail(x, -EFAULT, "old range spans more than one VMA");
	if (r->new_len == keep)
		return 0;
	pgoff = linear_page_index(r->vma, r->addr);
	if (pgoff + (r->new_len >> MM_PAGE_SHIFT) < pgoff)
		return sys_fail(x, -EINVAL, "file offset of the new range overflows");
	if (f & (MM_VM_DONTEXPAND | MM_VM_PFNMAP))
		return sys_fail(x, -EFAULT, "this mapping cannot be resized");
	return 0;
}

/*
 * remap_move: MREMAP_FIXED with equal lengths moves every VMA of the old
 * range (Linux 6.17+), one after the other, keeping the holes between
 * them: each lands at the end of the previous one's destination plus the
 * gap that followed it. The range must start in a VMA (else EFAULT). A
 * failure stops the walk with the moves already made left in place. With
 * dontunmap a source VMA stays and the walk resumes after its end.
 */
static int remap_move(struct sys_ctx *x, struct remap *r, uint64_t *ret)
{
	uint64_t start = r->addr, end = r->addr + r->old_len, target = r->new_addr;
	uint64_t cursor = start, last_end = 0, res;
	int seen = 0, err;

	for (struct vm_area_struct *v = vma_find(x->mm, cursor); v && v->vm_start < end;
	     v = vma_find(x->mm, cursor)) {
		uint64_t addr = v->vm_start > start ? v->vm_start : start;
		uint64_t len = (v->vm_end < end ? v->vm_end : end) - addr;

		if (!seen && start < v->vm_start)
			return sys_fail(x, -EFAULT, "old range does not start in a VMA");
		r->new_addr = target + (seen ? v->vm_start - last_end : 0);
		/* the walk goes on after the whole VMA, as the kernel's iterator does */
		last_end = cursor = v->vm_end;
		r->vma = v;
		r->addr = addr;
		r->old_len = r->new_len = len;
		err = check_prep_vma(x, r);
		if (!err)
			err = mremap_to(x, r, &res);
		if (err)
			return err;
		if (!seen)
			*ret = res;
		seen = 1;
		target = res + len;
	}
	return seen ? 0 : sys_fail(x, -EFAULT, "old range is not mapped");
}

int sys_mremap(struct sys_ctx *x, const struct mm_call *c, uint64_t *ret)
{
	struct remap r = {
		.addr = c->addr, .old_len = PAGE_ALIGN_UP(c->len), .new_len = PAGE_ALIGN_UP(c->new_len),
		.new_addr = c->new_addr, .flags = c->flags,
	};
	int err = check_params(x, &r);

	if (err)
		return err;
	if ((r.flags & MM_MREMAP_FIXED) && r.old_len == r.new_len)
		return remap_move(x, &r, ret);
	r.vma = vma_lookup(x->mm, r.addr);
	err = check_prep_vma(x, &r);
	if (err)
		return err;
	if (r.flags & (MM_MREMAP_FIXED | MM_MREMAP_DONTUNMAP))
		return mremap_to(x, &r, ret);
	*ret = r.addr;
	if (r.new_len == r.old_len)
		return 0;
	if (r.new_len < r.old_len) {
		if (unmap_range(x->m, x->mm, r.addr + r.new_len, r.addr + r.old_len, 1))
			return sys_fail(x, -ENOMEM, "splitting a VMA would pass max_map_count");
		return 0;
	}
	return grow(x, &r, ret);
}
