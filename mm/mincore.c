// SPDX-License-Identifier: MIT
/*
 * mincore.c - mincore and msync (kernel: mm/mincore.c, mm/msync.c).
 *
 * mincore reports PTE residency for anonymous memory and page-cache
 * residency for file mappings. msync MS_SYNC writes back the dirty cache
 * pages of the file range a shared file mapping covers (the kernel's
 * vfs_fsync_range); MS_ASYNC does the same at once, where Linux leaves the
 * pages to the flusher (POSIX allows either); MS_INVALIDATE only checks
 * for locked mappings (EBUSY), the cache being coherent with the mappings.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "filemap.h"
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

/* Write back the dirty cache pages behind [start, min(end, vm_end)) of a shared file mapping. */
static int msync_range(struct sys_ctx *x, struct vm_area_struct *vma, uint64_t start, uint64_t end)
{
	uint64_t first, last;

	if (!vma->vm_file || !(vma->vm_flags & MM_VM_SHARED) || vma->vm_file->shmem_size)
		return 0;
	if (end > vma->vm_end)
		end = vma->vm_end;
	first = linear_page_index(vma, start);
	last = linear_page_index(vma, end) - 1;
	return filemap_writeback_range(x->m, vma->vm_file, first, last);
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
		if ((flags & (MM_MS_SYNC | MM_MS_ASYNC)) && msync_range(x, vma, start, end))
			return sys_fail(x, -EIO, "writing back a page failed");
		start = vma->vm_end;
		if (start >= end)
			break;
	}
	return unmapped ? sys_fail(x, -ENOMEM, "range has a hole") : 0;
}
