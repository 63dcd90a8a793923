// SPDX-License-Identifier: MIT
/*
 * mincore.c - mincore and msync (kernel: mm/mincore.c, mm/msync.c).
 *
 * mincore reports PTE residency for anonymous memory and page-cache
 * residency for file mappings. msync MS_SYNC writes back the dirty cache
 * pages of the file range a shared file mapping covers (the kernel's
 * vfs_fsync_range, whole folios); MS_ASYNC writes nothing, as in Linux
 * since 2.6.19 (the flusher will); MS_INVALIDATE only checks for locked
 * mappings (EBUSY), the cache being coherent with the mappings.
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
#include "pgtable.h"
#include "swap.h"

int mm_runs_push(struct mm_runs *r, uint8_t val, uint64_t len)
{
	if (!len)
		return 0;
	if (r->nr && r->run[r->nr - 1].val == val) {
		r->run[r->nr - 1].len += len;
	} else {
		if (r->nr == r->cap) {
			size_t cap = r->cap ? 2 * r->cap : 16;
			struct mm_run *p = realloc(r->run, cap * sizeof(*p));

			if (!p)
				return -ENOMEM;
			r->run = p;
			r->cap = cap;
		}
		r->run[r->nr++] = (struct mm_run){ len, val };
	}
	r->total += len;
	return 0;
}

void mm_runs_free(struct mm_runs *r)
{
	free(r->run);
	memset(r, 0, sizeof(*r));
}

/*
 * The residency of one VMA's [start, end), appended to a run vector:
 * a walk of the page tables that skips every missing table, so a huge
 * sparse range costs what its tables cost. A PTE or huge PMD that maps
 * a page is resident; a swap entry is when the swap cache holds its page;
 * an empty slot of a file mapping is resident when the page cache holds
 * the page (mincore_unmapped_range).
 */
struct mincore_walk {
	struct machine *m;
	struct vm_area_struct *vma;
	struct mm_runs *runs;
	uint64_t cursor;	/* every page below it is pushed */
	uint64_t eof;		/* file pages of the mapping's file (file VMAs) */
	int err;
};

/*
 * The indices of [first, end) of f whose page is in memory, ascending
 * (kernel: filemap_get_incore_folio): in the page cache, or, for shmem, on
 * swap with its page in the swap cache (read ahead, or on its way out).
 */
static long incore_indices(struct machine *m, struct file_ref *f, uint64_t first, uint64_t end,
			   uint64_t **out)
{
	uint64_t *sw, *v;
	long n = filemap_cached_indices(f, first, end, out), ns, i = 0, j = 0, k = 0;

	if (n < 0 || !shmem_mapping(file_inode(f)))
		return n;
	ns = shmem_swapcache_indices(m, file_inode(f), first, end, &sw);
	if (ns <= 0) {
		if (ns < 0) {
			free(*out);
			*out = NULL;
		}
		return ns < 0 ? ns : n;
	}
	v = malloc((size_t)(n + ns) * sizeof(*v));
	if (v) {	/* an index holds a page or a swap entry: the two never meet */
		while (i < n || j < ns)
			v[k++] = j == ns || (i < n && (*out)[i] < sw[j]) ? (*out)[i++] : sw[j++];
	}
	free(*out);
	free(sw);
	*out = v;
	return v ? k : -ENOMEM;
}

/* Push the empty slots [w->cursor, to): pages in memory (the caches) or nothing. */
static void mincore_hole(struct mincore_walk *w, uint64_t to)
{
	struct vm_area_struct *v = w->vma;
	uint64_t pages = (to - w->cursor) >> MM_PAGE_SHIFT, first, last, *idx = NULL;
	long n = 0;

	if (!pages)
		return;
	first = linear_page_index(v, w->cursor);
	last = first + pages < w->eof ? first + pages : w->eof;
	if (v->vm_file && v->special == VMA_SPECIAL_NONE && first < last)
		n = incore_indices(w->m, v->vm_file, first, last, &idx);
	if (n < 0)
		w->err = (int)n;
	for (long i = 0; i < n && !w->err; i++) {
		w->err = mm_runs_push(w->runs, 0, idx[i] - first);
		if (!w->err)
			w->err = mm_runs_push(w->runs, 1, 1);
		pages -= idx[i] - first + 1;
		first = idx[i] + 1;
	}
	free(idx);
	if (!w->err)
		w->err = mm_runs_push(w->runs, 0, pages);
	w->cursor = to;
}

static int mincore_pte(struct machine *m, struct mm_struct *mm, uint64_t addr, pte_t *pte, void *arg)
{
	struct mincore_walk *w = arg;

	mincore_hole(w, addr);
	if (!w->err)
		w->err = mm_runs_push(w->runs, pte_present(*pte) ||
				      swap_cache_get(m, pte_to_swp_entry(*pte)) != NULL, 1);
	w->cursor = addr + MM_PAGE_SIZE;
	return w->err;
}

static int mincore_pmd(struct machine *m, struct mm_struct *mm, uint64_t addr, uint64_t end,
		       pte_t *pmd, void *arg)
{
	struct mincore_walk *w = arg;

	mincore_hole(w, addr);
	if (!w->err)
		w->err = mm_runs_push(w->runs, 1, (end - addr) >> MM_PAGE_SHIFT);
	w->cursor = end;
	return w->err;	/* never split: the PMD stays huge */
}

int sys_mincore(struct sys_ctx *x, uint64_t start, uint64_t len, struct mm_runs *runs)
{
	uint64_t pages, end, addr;

	memset(runs, 0, sizeof(*runs));
	if (PAGE_OFFSET_OF(start))
		return sys_fail(x, -EINVAL, "addr is not page-aligned");
	if (len > TASK_SIZE || start > TASK_SIZE - len)
		return sys_fail(x, -ENOMEM, "range goes beyond TASK_SIZE");
	pages = (len >> MM_PAGE_SHIFT) + (PAGE_OFFSET_OF(len) != 0);
	end = start + (pages << MM_PAGE_SHIFT);
	for (addr = start; addr < end; ) {
		struct vm_area_struct *v = vma_lookup(x->mm, addr);

		if (!v)
			return sys_fail(x, -ENOMEM, "page 0x%llx is not mapped",
					(unsigned long long)addr);
		addr = v->vm_end;
	}
	for (addr = start; addr < end; ) {
		struct vm_area_struct *v = vma_lookup(x->mm, addr);
		struct mincore_walk w = { x->m, v, runs, addr, 0, 0 };
		uint64_t to = v->vm_end < end ? v->vm_end : end;

		if (v->vm_file && v->special == VMA_SPECIAL_NONE)
			w.eof = filemap_size_pages(x->m, v->vm_file);

		walk_range(x->m, x->mm, addr, to, mincore_pmd, mincore_pte, &w);
		if (!w.err)
			mincore_hole(&w, to);
		if (w.err) {
			mm_runs_free(runs);
			return sys_fail(x, -ENOMEM, "out of memory");
		}
		addr = to;
		cond_resched(x->m);
	}
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
		if ((flags & MM_MS_SYNC) && msync_range(x, vma, start, end))
			return sys_fail(x, -EIO, "writing back a page failed");
		start = vma->vm_end;
		if (start >= end)
			break;
	}
	return unmapped ? sys_fail(x, -ENOMEM, "range has a hole") : 0;
}
