// SPDX-License-Identifier: MIT
/*
 * shmem_swap.c - shmem pages to swap and back (kernel: shmem_writeout,
 * shmem_swapin_folio, shmem_unuse, shmem_partial_swap_usage in
 * mm/shmem.c). See swap.h.
 *
 * A shmem object (the memory behind a shared anonymous mapping) keeps its
 * pages in its page cache. Reclaim unmaps a dirty one from every process,
 * then shmem_writeout moves it to the swap cache under a new slot and
 * leaves the slot's swap entry at the page's index: the object holds one
 * reference to the slot (swap_map), the PTEs none, so pagemap reads 0 and
 * VmSwap does not count it, while smaps counts it in the Swap of every VMA
 * that maps the index (SwapPss 0), as Linux does. A clean page is not
 * written: it reads back as zeros anyway, so reclaim drops it.
 *
 * A fault (or swapoff) at such an index takes the page back: from the swap
 * cache, or read from the device (a major fault); it returns to the page
 * cache dirty, and the slot is freed at once, since the page cache is now
 * the only copy's home. Truncation and the object's release free the slots
 * of their range (filemap_shadow.c).
 *
 * A fault that has to read reads with cluster readahead (shmem_swapin_folio
 * calls shmem_swapin_cluster: the device is not SWP_SYNCHRONOUS_IO): the
 * aligned block of slots around the page's own, whoever holds them, goes
 * into the swap cache and only there. A later fault on one of them finds
 * it in the swap cache: a minor fault, a readahead hit, and the page moves
 * into its object as any other. mincore counts an index whose page is in
 * the swap cache as resident, as filemap_get_incore_folio does.
 */
#include <errno.h>
#include <stdlib.h>

#include "shm.h"
#include "shmem_file.h"
#include "internal.h"
#include "filemap.h"
#include "filemap_internal.h"
#include "rmap.h"
#include "swap.h"
#include "task.h"
#include "vma.h"

int shmem_writeout(struct machine *m, struct page *page)
{
	struct file_ref *inode = page->mapping;
	swp_entry_t e;

	if (page->mapcount || !inode->mapping)
		return -EBUSY;
	e = folio_alloc_swap(m, 0);
	if (!e.val)
		return -ENOSPC;
	if (shmem_swap_store(inode->mapping, page->index, e.val)) {
		swapcache_clear(m, e);	/* the slot goes back unused */
		return -ENOMEM;
	}
	swap_duplicate(m, e);		/* the object's reference (swap_shmem_alloc) */
	filemap_swap_out(m, page);
	add_to_swap_cache(m, page, e);
	page->refcount--;		/* the page cache's reference became the swap cache's */
	SetPageFlag(page, PG_dirty);
	return 0;
}

struct page *shmem_swapin(struct machine *m, struct file_ref *inode, uint64_t index, int fault,
			  int *major, int *err)
{
	swp_entry_t e = { shmem_swap_entry(inode->mapping, index) };
	struct page *page = swap_cache_get(m, e);
	int hit;

	*major = 0;
	if (page) {
		swap_update_readahead(m, page, NULL, 0);	/* no VMA: the machine's hits */
	} else {
		/* shmem_swapin_cluster: every page read follows the object's policy at index */
		m->policy_shmem = inode;
		m->policy_shmem_index = index;
		page = fault ? swap_cluster_readahead(m, e) : read_swap_cache_async(m, e, &hit);
		m->policy_shmem = NULL;
		if (!page) {
			*err = -ENOMEM;
			return NULL;
		}
		*major = 1;
	}
	get_page(page);			/* becomes the page cache's reference */
	if (filemap_swap_in(m, inode, index, page)) {
		put_page(m, page);
		*err = -ENOMEM;
		return NULL;
	}
	shmem_swap_clear(inode->mapping, index);
	delete_from_swap_cache(m, page, 0);
	swap_free(m, e);		/* the object's reference: the slot is free */
	SetPageFlag(page, PG_dirty);	/* the only copy now */
	return page;
}

long shmem_swapcache_indices(struct machine *m, const struct file_ref *inode, uint64_t first,
			     uint64_t end, uint64_t **out)
{
	long n = inode->mapping ? shmem_swap_indices(inode->mapping, first, end, out) : 0, k = 0;

	if (!inode->mapping)
		*out = NULL;
	for (long i = 0; i < n; i++) {
		swp_entry_t e = { shmem_swap_entry(inode->mapping, (*out)[i]) };

		if (swap_cache_get(m, e))
			(*out)[k++] = (*out)[i];
	}
	if (!k) {
		free(*out);
		*out = NULL;
	}
	return n < 0 ? n : k;
}

void shmem_swapin_range(struct machine *m, struct vm_area_struct *vma, uint64_t start,
			uint64_t end)
{
	struct file_ref *inode = file_inode(vma->vm_file);
	uint64_t *idx;
	long n;
	int hit;

	if (!inode->mapping)
		return;
	n = shmem_swap_indices(inode->mapping, linear_page_index(vma, start),
			       linear_page_index(vma, end), &idx);
	/* each read alone, unmarked, in index order; one that fails is skipped */
	for (long i = 0; i < n; i++) {
		m->policy_shmem = inode;	/* each page at its own index */
		m->policy_shmem_index = idx[i];
		read_swap_cache_async(m, (swp_entry_t){ shmem_swap_entry(inode->mapping, idx[i]) },
				      &hit);
	}
	m->policy_shmem = NULL;
	free(idx);
}

uint64_t shmem_swap_usage(const struct file_ref *inode, uint64_t first, uint64_t end)
{
	return inode->mapping ? shmem_swap_count(inode->mapping, first, end) : 0;
}

int shmem_object_push(struct file_ref ***v, size_t *n, size_t *cap, struct file_ref *f,
		      int on_swap)
{
	size_t i;

	if (!f->mapping || (on_swap && !f->mapping->nr_shadows))
		return 0;
	for (i = 0; i < *n && (*v)[i] != f; i++)
		;
	if (i < *n)
		return 0;
	if (*n == *cap) {
		struct file_ref **p = realloc(*v, (*cap ? 2 * *cap : 8) * sizeof(*p));

		if (!p)
			return -ENOMEM;
		*v = p;
		*cap = *cap ? 2 * *cap : 8;
	}
	(*v)[(*n)++] = f;
	return 0;
}

/*
 * The System V segments' objects not in v[0, *n) yet (an unattached
 * segment keeps its pages and swap entries), appended in id order.
 */
static struct file_ref **shm_objects_add(struct machine *m, int on_swap, struct file_ref **v,
					 size_t *n, size_t *cap)
{
	int k = shm_objects(m, NULL, 0);
	struct file_ref **segs = k ? malloc((size_t)k * sizeof(*segs)) : NULL;

	if (!segs)
		return v;
	shm_objects(m, segs, k);
	for (int j = 0; j < k && !shmem_object_push(&v, n, cap, segs[j], on_swap); j++)
		;
	free(segs);
	return v;
}

/*
 * Every shmem object some VMA maps (on_swap: that has pages on swap), once
 * each, in the order of the tasks and their VMAs (a stable order). Returns
 * a malloc'd array, *n set.
 */
static struct file_ref **shmem_objects(struct machine *m, int on_swap, size_t *n)
{
	struct file_ref **v = NULL;
	size_t cap = 0;

	*n = 0;
	for (int pid = 0; pid < m->pid_max; pid++) {
		struct task *t = m->tasks[pid];

		for (struct vm_area_struct *vma = t && t->mm && thread_group_leader(t) ?
						  vma_first(t->mm) : NULL; vma;
		     vma = vma_next_of(vma)) {
			struct file_ref *f = vma->vm_file ? file_inode(vma->vm_file) : NULL;

			if (f && shmem_mapping(f) && shmem_object_push(&v, n, &cap, f, on_swap))
				return v;	/* what was found so far */
		}
	}
	v = shm_objects_add(m, on_swap, v, n, &cap);
	return tmpfs_objects_add(m, on_swap, v, n, &cap);	/* /dev/shm files, mapped or not */
}

int shmem_unuse(struct machine *m, int type)
{
	size_t n;
	struct file_ref **objs = shmem_objects(m, 1, &n);
	int err = 0;

	for (size_t i = 0; i < n && !err; i++) {
		struct address_space *as = objs[i]->mapping;

		for (uint64_t s = 0; s < as->shadow_cap && !err;) {
			uint64_t idx = as->shadows[s].index, v = as->shadows[s].shadow;
			int major;

			/* a swap-in reshuffles the table: look at slot s again after one */
			if (idx == UINT64_MAX || (v & 1) || (int)swp_type((swp_entry_t){ v >> 1 }) != type) {
				s++;
				continue;
			}
			if (!shmem_swapin(m, objs[i], idx, 0, &major, &err))
				break;
		}
	}
	free(objs);
	return err;
}

void shmem_swap_refs(struct machine *m, uint32_t *const refs[MAX_SWAPFILES])
{
	size_t n;
	struct file_ref **objs = shmem_objects(m, 1, &n);

	for (size_t i = 0; i < n; i++) {
		const struct address_space *as = objs[i]->mapping;

		for (uint64_t s = 0; s < as->shadow_cap; s++) {
			uint64_t v = as->shadows[s].shadow;
			swp_entry_t e = { v >> 1 };

			if (as->shadows[s].index == UINT64_MAX || (v & 1))
				continue;
			if (swp_type(e) < MAX_SWAPFILES && refs[swp_type(e)] && m->swap_info[swp_type(e)] &&
			    swp_offset(e) < m->swap_info[swp_type(e)]->max)
				refs[swp_type(e)][swp_offset(e)]++;
		}
	}
	free(objs);
}

int shmem_swap_check(struct machine *m, struct rbuf_lite *out)
{
	size_t n;
	struct file_ref **objs = shmem_objects(m, 0, &n);
	int bad = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t *idx;
		long k = filemap_cached_indices(objs[i], 0, UINT64_MAX, &idx);

		for (long j = 0; j < k; j++) {
			struct page *page = filemap_find_page(objs[i], idx[j]);

			if ((PageFlag(page, PG_swapcache) || PageFlag(page, PG_readahead)) &&
			    bad++ < 16)
				rbl_printf(out, "shmem object %llu: page %llu is %s\n",
					   (unsigned long long)objs[i]->ino, (unsigned long long)idx[j],
					   PageFlag(page, PG_swapcache) ? "in the swap cache too" :
					   "marked as read ahead");
		}
		free(idx);
	}
	free(objs);
	return bad;
}
