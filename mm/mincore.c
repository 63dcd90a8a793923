// SPDX-License-Identifier: MIT
/*
 * mincore.c - mincore and msync (kernel: mm/mincore.c, mm/msync.c).
 *
 * Both only validate for now: no page is resident until paging lands, so
 * mincore answers '0' for every page (a file mapping would report
 * page-cache residency; there is no page cache yet either), and msync has
 * no dirty page to write back.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "syscalls.h"
#include "memory.h"
#include "task.h"
#include "vma.h"

int sys_mincore(struct sys_ctx *x, uint64_t start, uint64_t len, char **vec)
{
	uint64_t pages, addr;

	*vec = NULL;
	if (PAGE_OFFSET_OF(start))
		return sys_fail(x, -EINVAL, "addr is not page-aligned");
	if (len > TASK_SIZE || start > TASK_SIZE - len)
		return sys_fail(x, -ENOMEM, "range goes beyond TASK_SIZE");
	pages = (len >> MM_PAGE_SHIFT) + (PAGE_OFFSET_OF(len) != 0);
	for (addr = start; addr < start + (pages << MM_PAGE_SHIFT); ) {
		struct vm_area_struct *v = vma_lookup(x->mm, addr);

		if (!v)
			return sys_fail(x, -ENOMEM, "page 0x%llx is not mapped",
					(unsigned long long)addr);
		addr = v->vm_end;
	}
	*vec = malloc(pages + 1);
	if (!*vec)
		return sys_fail(x, -ENOMEM, "out of memory");
	for (uint64_t i = 0; i < pages; i++) {
		uint64_t a = start + (i << MM_PAGE_SHIFT);

		(*vec)[i] = page_resident(x->m, x->mm, vma_lookup(x->mm, a), a) ? '1' : '0';
	}
	(*vec)[pages] = '\0';
	return 0;
}

int sys_msync(struct sys_ctx *x, const struct mm_call *c)
{
	uint64_t flags = c->flags, start = c->addr, end;
	struct vm_area_struct *vma;
	int unmapped = 0;

	if (flags & ~(uint64_t)(MM_MS_ASYNC | MM_MS_INVALIDATE | MM_MS_SYNC))
		return sys_fail(x, -EINVAL, "unknown msync flags");
	if (PAGE_OFFSET_OF(start))
		return sys_fail(x, -EINVAL, "addr is not page-aligned");
	if ((flags & MM_MS_ASYNC) && (flags & MM_MS_SYNC))
		return sys_fail(x, -EINVAL, "async and sync together");
	end = start + PAGE_ALIGN_UP(c->len);
	if (end < start)
		return sys_fail(x, -ENOMEM, "range wraps around");
	if (end == start)
		return 0;
	/* holes are skipped but reported; MS_ASYNC alone stops at the first */
	for (vma = vma_find(x->mm, start); ; vma = vma_find(x->mm, start)) {
		if (!vma)
			return sys_fail(x, -ENOMEM, "range is not fully mapped");
		if (start < vma->vm_start) {
			if (flags == MM_MS_ASYNC)
				return sys_fail(x, -ENOMEM, "range has a hole");
			start = vma->vm_start;
			if (start >= end)
				return sys_fail(x, -ENOMEM, "range has a hole");
			unmapped = 1;
		}
		if ((flags & MM_MS_INVALIDATE) && (vma->vm_flags & MM_VM_LOCKED))
			return sys_fail(x, -EBUSY, "invalidate on a locked mapping");
		start = vma->vm_end;
		if (start >= end)
			break;
	}
	return unmapped ? sys_fail(x, -ENOMEM, "range has a hole") : 0;
}
