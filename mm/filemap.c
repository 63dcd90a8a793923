/* SPDX-License-Identifier: MIT */
/*
 * filemap.c - the page cache: pages of files and shmem objects by index.
 *
 * The index is a chained hash table per address_space (the kernel's is an
 * xarray; what matters here is O(1) lookup and that the pages are real
 * frames counted in Cached/Shmem). Contents of file pages come from the
 * backing file with pread; a shmem page starts as a zero page whose bytes
 * are materialised only when written (PG_zeroed).
 */
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"
#include "page_alloc.h"
#include "filemap.h"
#include "file.h"
#include "rmap.h"
#include "vma.h"
#include "writeback.h"

struct pc_node {
	uint64_t index;
	struct page *page;
	struct pc_node *next;
};

struct address_space {
	struct machine *m;
	struct pc_node **buckets;
	uint64_t nbuckets;		/* a power of two */
	uint64_t nrpages;
};

struct file_ref *file_inode(struct file_ref *f)
{
	return f->inode ? f->inode : f;
}

static int is_shmem_object(const struct file_ref *f)
{
	return f->shmem_size != 0;
}

/* A stand-in (a file of a machine without backing=): endless zeros. */
static int is_standin(const struct file_ref *f)
{
	return !f->shmem_size && !f->owner && !f->inode;
}

static uint64_t hash_index(uint64_t index, uint64_t n)
{
	return (index * 0x9e3779b97f4a7c15ULL >> 20) & (n - 1);
}

static struct address_space *mapping_of(struct machine *m, struct file_ref *inode)
{
	struct address_space *as = inode->mapping;

	if (as)
		return as;
	as = calloc(1, sizeof(*as));
	if (!as)
		return NULL;
	as->m = m;
	as->nbuckets = 64;
	as->buckets = calloc(as->nbuckets, sizeof(*as->buckets));
	if (!as->buckets) {
		free(as);
		return NULL;
	}
	inode->mapping = as;
	return as;
}

static void grow(struct address_space *as)
{
	uint64_t n = as->nbuckets * 2;
	struct pc_node **b = calloc(n, sizeof(*b));

	if (!b)
		return;	/* keep the longer chains */
	for (uint64_t i = 0; i < as->nbuckets; i++)
		for (struct pc_node *p = as->buckets[i], *next; p; p = next) {
			next = p->next;
			p->next = b[hash_index(p->index, n)];
			b[hash_index(p->index, n)] = p;
		}
	free(as->buckets);
	as->buckets = b;
	as->nbuckets = n;
}

struct page *filemap_find_page(struct file_ref *f, uint64_t index)
{
	struct address_space *as = file_inode(f)->mapping;

	if (!as)
		return NULL;
	for (struct pc_node *p = as->buckets[hash_index(index, as->nbuckets)]; p; p = p->next)
		if (p->index == index)
			return p->page;
	return NULL;
}

uint64_t filemap_size_pages(struct machine *m, struct file_ref *f)
{
	struct file_ref *inode = file_inode(f);

	if (is_shmem_object(inode))
		return inode->shmem_size >> MM_PAGE_SHIFT;
	if (is_standin(inode))
		return UINT64_MAX >> MM_PAGE_SHIFT;
	return (file_size(m, inode) + MM_PAGE_SIZE - 1) >> MM_PAGE_SHIFT;
}

/* Read one page of a backing file into the frame; the tail past EOF stays zero. */
static int read_page(struct machine *m, struct file_ref *inode, struct page *page, uint64_t index)
{
	char *dst = page_address(m, page);
	ssize_t n;

	if (inode->host_fd < 0) {
		struct open_how how = { .flags = O_RDWR | O_CLOEXEC,
					.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS };
		long fd = syscall(SYS_openat2, m->backing_fd, inode->path + 1, &how, sizeof(how));

		if (fd < 0) {
			how.flags = O_RDONLY | O_CLOEXEC;
			fd = syscall(SYS_openat2, m->backing_fd, inode->path + 1, &how, sizeof(how));
		}
		if (fd < 0)
			return -EIO;
		inode->host_fd = (int)fd;
	}
	n = pread(inode->host_fd, dst, MM_PAGE_SIZE, (off_t)(index << MM_PAGE_SHIFT));
	if (n < 0)
		return -EIO;
	memset(dst + n, 0, MM_PAGE_SIZE - (size_t)n);
	count_vm_events(m, PGPGIN, 4);
	return 0;
}

struct page *filemap_get_page(struct machine *m, struct file_ref *f, uint64_t index,
			      int *major, int *err)
{
	struct file_ref *inode = file_inode(f);
	struct page *page = filemap_find_page(f, index);
	struct address_space *as;
	struct pglist_data *pgdat;
	struct pc_node *node;
	int shmem = is_shmem_object(inode);

	*major = 0;
	if (page)
		return page;
	if (index >= filemap_size_pages(m, f)) {
		*err = -EFAULT;
		return NULL;
	}
	as = mapping_of(m, inode);
	node = malloc(sizeof(*node));
	page = as && node ? alloc_pages(m, GFP_HIGHUSER_MOVABLE, 0, 0) : NULL;
	if (!page) {
		free(node);
		*err = -ENOMEM;
		return NULL;
	}
	if (shmem) {
		SetPageFlag(page, PG_zeroed);
		SetPageFlag(page, PG_swapbacked);
	} else if (is_standin(inode)) {
		SetPageFlag(page, PG_zeroed);
	} else if (read_page(m, inode, page, index)) {
		put_page(m, page);
		free(node);
		*err = -EIO;
		return NULL;
	} else {
		*major = 1;
	}
	SetPageFlag(page, PG_uptodate);
	page->mapping = inode;
	page->index = index;
	node->index = index;
	node->page = page;
	node->next = as->buckets[hash_index(index, as->nbuckets)];
	as->buckets[hash_index(index, as->nbuckets)] = node;
	if (++as->nrpages > as->nbuckets)
		grow(as);
	pgdat = m->node[page_zone(m, page)->nid];
	mod_node_page_state(pgdat, NR_FILE_PAGES, 1);
	if (shmem)
		mod_node_page_state(pgdat, NR_SHMEM, 1);
	lru_add(m, page, shmem ? LRU_INACTIVE_ANON : LRU_INACTIVE_FILE);
	return page;
}

void filemap_release(struct file_ref *f)
{
	struct address_space *as = f->mapping;

	if (f->host_fd >= 0) {
		close(f->host_fd);
		f->host_fd = -1;
	}
	if (!as)
		return;
	for (uint64_t i = 0; i < as->nbuckets; i++)
		for (struct pc_node *p = as->buckets[i], *next; p; p = next) {
			struct page *page = p->page;
			struct pglist_data *pgdat = as->m->node[page_zone(as->m, page)->nid];

			next = p->next;
			mod_node_page_state(pgdat, NR_FILE_PAGES, -1);
			if (PageFlag(page, PG_swapbacked))
				mod_node_page_state(pgdat, NR_SHMEM, -1);
			page->mapping = NULL;
			put_page(as->m, page);
			free(p);
		}
	free(as->buckets);
	free(as);
	f->mapping = NULL;
}

/* Drop the clean, unmapped pages of one object; returns how many went. */
static uint64_t invalidate_clean(struct address_space *as)
{
	uint64_t dropped = 0;

	for (uint64_t i = 0; i < as->nbuckets; i++) {
		struct pc_node **pp = &as->buckets[i];

		while (*pp) {
			struct pc_node *p = *pp;
			struct page *page = p->page;

			if (page->mapcount || page->refcount != 1 || PageFlag(page, PG_dirty) ||
			    PageFlag(page, PG_swapbacked)) {
				pp = &p->next;
				continue;
			}
			*pp = p->next;
			mod_node_page_state(as->m->node[page_zone(as->m, page)->nid],
					    NR_FILE_PAGES, -1);
			page->mapping = NULL;
			put_page(as->m, page);
			free(p);
			as->nrpages--;
			dropped++;
		}
	}
	return dropped;
}

uint64_t filemap_drop_clean(struct machine *m)
{
	uint64_t dropped = 0;

	for (int i = 0; i < FILE_TABLE_BUCKETS; i++)
		for (struct file_ref *f = m->file_table[i]; f; f = f->hash_next)
			if (f->mapping)
				dropped += invalidate_clean(f->mapping);
	return dropped;
}

#define RA_PAGES	((uint64_t)m->tun.read_ahead_kb >> (MM_PAGE_SHIFT - 10))	/* bdi->ra_pages */
#define MMAP_LOTSAMISS	100

/* Read [start, start + nr) into the cache (present pages and EOF bound it); mark one page. */
static void ra_read(struct machine *m, struct file_ref *f, uint64_t start, uint64_t nr, uint64_t mark)
{
	uint64_t size = filemap_size_pages(m, f);

	for (uint64_t i = start; i < start + nr && i < size; i++) {
		int major, err;
		struct page *page = filemap_find_page(f, i);

		if (page)
			continue;
		page = filemap_get_page(m, f, i, &major, &err);
		if (!page)
			break;
		if (i == mark)
			SetPageFlag(page, PG_readahead);
	}
}

void filemap_readahead_miss(struct machine *m, struct file_ref *f, uint64_t vm_flags, uint64_t index,
			    uint64_t vma_first, uint64_t vma_end)
{
	if (is_shmem_object(file_inode(f)) || is_standin(file_inode(f)) ||
	    (vm_flags & MM_VM_RAND_READ) || !RA_PAGES)
		return;
	if (vm_flags & MM_VM_SEQ_READ) {	/* a fresh sequential stream: ahead of index */
		f->ra_start = index;
		f->ra_size = RA_PAGES;
		f->ra_async_size = RA_PAGES / 2;
	} else {
		if (f->ra_mmap_miss < MMAP_LOTSAMISS * 10)
			f->ra_mmap_miss++;
		if (f->ra_mmap_miss > MMAP_LOTSAMISS)
			return;	/* it misses more than it hits: readahead would only hurt */
		if (vm_flags & MM_VM_EXEC) {
			/* code is read at random: within the VMA, from here, no async part */
			f->ra_start = index > vma_first ? index : vma_first;
			f->ra_size = f->ra_start + RA_PAGES < vma_end ? RA_PAGES : vma_end - f->ra_start;
			f->ra_async_size = 0;
			ra_read(m, f, f->ra_start, f->ra_size, UINT64_MAX);
			return;
		}
		f->ra_start = index > RA_PAGES / 2 ? index - RA_PAGES / 2 : 0;
		f->ra_size = RA_PAGES;
		f->ra_async_size = RA_PAGES / 4;
	}
	ra_read(m, f, f->ra_start, f->ra_size, f->ra_start + f->ra_size - f->ra_async_size);
}

void filemap_readahead_hit(struct machine *m, struct file_ref *f, uint64_t vm_flags, struct page *page)
{
	if (is_shmem_object(file_inode(f)) || (vm_flags & MM_VM_RAND_READ) || !RA_PAGES)
		return;
	if (f->ra_mmap_miss)
		f->ra_mmap_miss--;
	if (!PageFlag(page, PG_readahead))
		return;
	ClearPageFlag(page, PG_readahead);
	/*
	 * The stream reached the marker: the next window, all of it async.
	 * A marker this open did not set (another process's window) starts
	 * the window at the first page not yet cached after it.
	 */
	if (page->index == f->ra_start + f->ra_size - f->ra_async_size) {
		f->ra_start += f->ra_size;
	} else {
		f->ra_start = page->index + 1;
		while (filemap_find_page(f, f->ra_start))
			f->ra_start++;
	}
	f->ra_size = RA_PAGES;
	f->ra_async_size = RA_PAGES;
	ra_read(m, f, f->ra_start, f->ra_size, f->ra_start);
}

int filemap_remove_page(struct machine *m, struct page *page)
{
	struct file_ref *inode = page->mapping;
	struct address_space *as = inode ? inode->mapping : NULL;
	struct pc_node **pp;

	if (!as || page->mapcount || page->refcount != 1 || PageFlag(page, PG_dirty))
		return 0;
	for (pp = &as->buckets[hash_index(page->index, as->nbuckets)]; *pp; pp = &(*pp)->next) {
		struct pc_node *p = *pp;

		if (p->page != page)
			continue;
		*pp = p->next;
		free(p);
		as->nrpages--;
		mod_node_page_state(m->node[page_zone(m, page)->nid], NR_FILE_PAGES, -1);
		page->mapping = NULL;
		put_page(m, page);
		return 1;
	}
	return 0;
}

int filemap_writeback(struct machine *m, struct file_ref *f)
{
	struct address_space *as = file_inode(f)->mapping;
	int err = 0;

	if (!as)
		return 0;
	for (uint64_t i = 0; i < as->nbuckets; i++)
		for (struct pc_node *p = as->buckets[i]; p; p = p->next) {
			int e = writeback_page(m, p->page);

			if (e && !err)
				err = e;
		}
	return err;
}
