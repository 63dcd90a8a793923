/* SPDX-License-Identifier: MIT */
/*
 * filemap.c - the page cache: pages of files and shmem objects by index.
 *
 * The index is a chained hash table per address_space (the kernel's is an
 * xarray; what matters here is O(1) lookup and that the pages are real
 * frames counted in Cached/Shmem). Contents of file pages come from the
 * backing file with pread; a shmem page starts as a zero page whose bytes
 * are materialised only when written (PG_zeroed).
 *
 * Dirty file pages are also on the machine's dirty list (m->wb_dirty) in
 * the order they were dirtied, for the flusher; see filemap.h.
 */
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"
#include "arena.h"
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
	struct list_head dirty;		/* on m->wb_dirty, or empty */
	uint64_t dirtied_when;		/* sim ns the page was first seen dirty */
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
	as = kzalloc(sizeof(*as));
	if (!as)
		return NULL;
	as->m = m;
	as->nbuckets = 64;
	as->buckets = kcalloc(as->nbuckets, sizeof(*as->buckets));
	if (!as->buckets) {
		kfree(as);
		return NULL;
	}
	inode->mapping = as;
	return as;
}

static void grow(struct address_space *as)
{
	uint64_t n = as->nbuckets * 2;
	struct pc_node **b = kcalloc(n, sizeof(*b));

	if (!b)
		return;	/* keep the longer chains */
	for (uint64_t i = 0; i < as->nbuckets; i++)
		for (struct pc_node *p = as->buckets[i], *next; p; p = next) {
			next = p->next;
			p->next = b[hash_index(p->index, n)];
			b[hash_index(p->index, n)] = p;
		}
	kfree(as->buckets);
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

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

long filemap_cached_indices(struct file_ref *f, uint64_t first, uint64_t end, uint64_t **out)
{
	struct address_space *as = file_inode(f)->mapping;
	uint64_t *v = NULL;
	size_t n = 0;

	*out = NULL;
	if (!as || first >= end)
		return 0;
	if (end - first <= 4 * as->nrpages + 64) {	/* probing each index is cheaper */
		v = malloc((size_t)(end - first) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		for (uint64_t i = first; i < end; i++)
			if (filemap_find_page(f, i))
				v[n++] = i;
	} else {
		v = malloc((size_t)(as->nrpages ? as->nrpages : 1) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		for (uint64_t b = 0; b < as->nbuckets; b++)
			for (struct pc_node *p = as->buckets[b]; p; p = p->next)
				if (p->index >= first && p->index < end)
					v[n++] = p->index;
		qsort(v, n, sizeof(*v), cmp_u64);
	}
	*out = v;
	return (long)n;
}

uint64_t i_size_read(struct machine *m, struct file_ref *f)
{
	struct file_ref *inode = file_inode(f);
	int fd = filemap_host_fd(m, inode, 0);
	struct stat st;

	if (is_shmem_object(inode))
		return inode->shmem_size;
	if (fd >= 0 && !fstat(fd, &st))
		return (uint64_t)st.st_size;
	return file_size(m, inode);
}

uint64_t filemap_size_pages(struct machine *m, struct file_ref *f)
{
	struct file_ref *inode = file_inode(f);

	if (is_shmem_object(inode))
		return inode->shmem_size >> MM_PAGE_SHIFT;
	if (is_standin(inode))
		return UINT64_MAX >> MM_PAGE_SHIFT;
	return (i_size_read(m, inode) + MM_PAGE_SIZE - 1) >> MM_PAGE_SHIFT;
}

static long open_beneath(struct machine *m, const char *rel, int flags)
{
	struct open_how how = { .flags = (uint64_t)flags | O_CLOEXEC,
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS };

	return syscall(SYS_openat2, m->backing_fd, rel, &how, sizeof(how));
}

int filemap_host_fd(struct machine *m, struct file_ref *inode, int write)
{
	long fd;

	if (is_shmem_object(inode) || is_standin(inode) || m->backing_fd < 0)
		return -1;
	if (inode->host_fd >= 0) {
		int fl = fcntl(inode->host_fd, F_GETFL);

		if (!write || (fl >= 0 && (fl & O_ACCMODE) == O_RDWR))
			return inode->host_fd;
	}
	fd = open_beneath(m, inode->path + 1, O_RDWR);
	if (fd < 0 && !write && inode->host_fd < 0)
		fd = open_beneath(m, inode->path + 1, O_RDONLY);
	if (fd < 0)
		return write ? -1 : inode->host_fd;
	if (inode->host_fd >= 0)
		close(inode->host_fd);	/* the read-only open faults made */
	inode->host_fd = (int)fd;
	return inode->host_fd;
}

/* Read one page of a backing file into the frame; the tail past EOF stays zero. */
static int read_page(struct machine *m, struct file_ref *inode, struct page *page, uint64_t index)
{
	char *dst = page_address(m, page);
	int fd = filemap_host_fd(m, inode, 0);
	ssize_t n;

	if (fd < 0)
		return -EIO;
	n = pread(fd, dst, MM_PAGE_SIZE, (off_t)(index << MM_PAGE_SHIFT));
	if (n < 0)
		return -EIO;
	memset(dst + n, 0, MM_PAGE_SIZE - (size_t)n);
	count_vm_events(m, PGPGIN, 4);
	return 0;
}

struct page *filemap_add_page(struct machine *m, struct file_ref *inode, uint64_t index, int read,
			      int *err)
{
	struct address_space *as = mapping_of(m, inode);
	struct pc_node *node = kmalloc(sizeof(*node));
	struct pglist_data *pgdat;
	struct page *page;
	int shmem = is_shmem_object(inode);

	page = as && node ? alloc_pages(m, GFP_HIGHUSER_MOVABLE, 0, 0) : NULL;
	if (!page) {
		kfree(node);
		*err = -ENOMEM;
		return NULL;
	}
	if (shmem) {
		SetPageFlag(page, PG_zeroed);
		SetPageFlag(page, PG_swapbacked);
	} else if (is_standin(inode) || !read) {
		SetPageFlag(page, PG_zeroed);
	} else if (read_page(m, inode, page, index)) {
		put_page(m, page);
		kfree(node);
		*err = -EIO;
		return NULL;
	}
	SetPageFlag(page, PG_uptodate);
	page->mapping = inode;
	page->index = index;
	node->index = index;
	node->page = page;
	INIT_LIST_HEAD(&node->dirty);
	node->dirtied_when = 0;
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

struct page *filemap_get_page(struct machine *m, struct file_ref *f, uint64_t index,
			      int *major, int *err)
{
	struct file_ref *inode = file_inode(f);
	struct page *page = filemap_find_page(f, index);

	*major = 0;
	if (page)
		return page;
	if (index >= filemap_size_pages(m, f)) {
		*err = -EFAULT;
		return NULL;
	}
	page = filemap_add_page(m, inode, index, 1, err);
	*major = page && !is_shmem_object(inode) && !is_standin(inode);
	return page;
}

static struct pc_node **node_slot(struct address_space *as, struct page *page)
{
	struct pc_node **pp = &as->buckets[hash_index(page->index, as->nbuckets)];

	while (*pp && (*pp)->page != page)
		pp = &(*pp)->next;
	return pp;
}

/* The index entry of a cached page, or NULL. */
static struct pc_node *node_of(struct page *page)
{
	struct file_ref *inode = page->mapping;

	if (!inode || PageFlag(page, PG_anon) || !inode->mapping)
		return NULL;
	return *node_slot(inode->mapping, page);
}

static void unlist_dirty(struct machine *m, struct pc_node *p)
{
	if (list_empty(&p->dirty))
		return;
	list_del(&p->dirty);
	INIT_LIST_HEAD(&p->dirty);
	m->wb_nr_listed--;
}

/* The page was dirtied now (or found so now): to the tail of the list. */
static void list_dirty(struct machine *m, struct pc_node *p)
{
	p->dirtied_when = m->sim_ns;
	list_add_tail(&p->dirty, &m->wb_dirty);
	m->wb_nr_listed++;
}

/* Take the entry at *pp out of the cache and drop the cache's reference. */
static void delete_from_page_cache(struct address_space *as, struct pc_node **pp)
{
	struct pc_node *p = *pp;
	struct page *page = p->page;
	struct pglist_data *pgdat = as->m->node[page_zone(as->m, page)->nid];

	*pp = p->next;
	unlist_dirty(as->m, p);
	if (PageFlag(page, PG_dirty) && !PageFlag(page, PG_swapbacked))
		mod_node_page_state(pgdat, NR_DIRTY, -1);
	ClearPageFlag(page, PG_dirty);
	mod_node_page_state(pgdat, NR_FILE_PAGES, -1);
	if (PageFlag(page, PG_swapbacked))
		mod_node_page_state(pgdat, NR_SHMEM, -1);
	page->mapping = NULL;
	put_page(as->m, page);
	kfree(p);
	as->nrpages--;
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
		while (as->buckets[i])
			delete_from_page_cache(as, &as->buckets[i]);
	kfree(as->buckets);
	kfree(as);
	f->mapping = NULL;
}

/* Drop the clean, unmapped pages of one object; returns how many went. */
static uint64_t invalidate_clean(struct address_space *as)
{
	uint64_t dropped = 0;

	for (uint64_t i = 0; i < as->nbuckets; i++) {
		struct pc_node **pp = &as->buckets[i];

		while (*pp) {
			struct page *page = (*pp)->page;

			if (page->mapcount || page->refcount != 1 || PageFlag(page, PG_dirty) ||
			    PageFlag(page, PG_swapbacked)) {
				pp = &(*pp)->next;
				continue;
			}
			delete_from_page_cache(as, pp);
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

int filemap_readahead_hit(struct machine *m, struct file_ref *f, uint64_t vm_flags, struct page *page)
{
	if (is_shmem_object(file_inode(f)) || (vm_flags & MM_VM_RAND_READ) || !RA_PAGES)
		return 0;
	if (f->ra_mmap_miss)
		f->ra_mmap_miss--;
	if (!PageFlag(page, PG_readahead))
		return 0;
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
	return 1;
}

int filemap_remove_page(struct machine *m, struct page *page)
{
	struct file_ref *inode = page->mapping;
	struct address_space *as = inode ? inode->mapping : NULL;
	struct pc_node **pp;

	(void)m;
	if (!as || page->mapcount || page->refcount != 1 || PageFlag(page, PG_dirty))
		return 0;
	pp = node_slot(as, page);
	if (!*pp)
		return 0;
	delete_from_page_cache(as, pp);
	return 1;
}

void filemap_remove_range(struct machine *m, struct file_ref *inode, uint64_t first, uint64_t end)
{
	struct address_space *as = file_inode(inode)->mapping;

	(void)m;
	if (!as)
		return;
	for (uint64_t i = 0; i < as->nbuckets; i++) {
		struct pc_node **pp = &as->buckets[i];

		while (*pp)
			if ((*pp)->index >= first && (*pp)->index < end)
				delete_from_page_cache(as, pp);
			else
				pp = &(*pp)->next;
	}
}

int filemap_writeback_range(struct machine *m, struct file_ref *f, uint64_t first, uint64_t last)
{
	struct address_space *as = file_inode(f)->mapping;
	int err = 0;

	if (!as)
		return 0;
	for (uint64_t i = 0; i < as->nbuckets; i++)
		for (struct pc_node *p = as->buckets[i]; p; p = p->next) {
			int e;

			if (p->index < first || p->index > last || !PageFlag(p->page, PG_dirty))
				continue;
			e = writeback_page(m, p->page);
			if (e && !err)
				err = e;
		}
	return err;
}

/* ---- dirty tracking ---- */

static int is_file_page(struct page *page)
{
	struct file_ref *inode = page->mapping;

	return inode && !PageFlag(page, PG_anon) && !PageFlag(page, PG_swapbacked) &&
	       !is_shmem_object(inode);
}

void filemap_mark_dirty(struct machine *m, struct page *page)
{
	struct pc_node *p;

	if (!is_file_page(page))
		return;
	if (!PageFlag(page, PG_dirty)) {
		SetPageFlag(page, PG_dirty);
		mod_node_page_state(m->node[page_zone(m, page)->nid], NR_DIRTY, 1);
		mod_node_page_state(m->node[page_zone(m, page)->nid], NR_DIRTIED, 1);
	}
	p = node_of(page);
	if (p && list_empty(&p->dirty))
		list_dirty(m, p);
}

void filemap_account_dirty(struct machine *m)
{
	if (global_node_page_state(m, NR_DIRTY) == (int64_t)m->wb_nr_listed)
		return;
	for (int i = 0; i < FILE_TABLE_BUCKETS; i++)
		for (struct file_ref *f = m->file_table[i]; f; f = f->hash_next) {
			struct address_space *as = f->mapping;

			for (uint64_t b = 0; as && b < as->nbuckets; b++)
				for (struct pc_node *p = as->buckets[b]; p; p = p->next)
					if (PageFlag(p->page, PG_dirty) && list_empty(&p->dirty)) {
						list_dirty(m, p);
						/* a store through a mapping: outside readers must look again */
						filemap_notify(m, f, p->index << MM_PAGE_SHIFT, MM_PAGE_SIZE);
					}
		}
}

void filemap_clear_dirty(struct machine *m, struct page *page)
{
	struct pc_node *p = node_of(page);

	if (!PageFlag(page, PG_dirty))
		return;
	if (p)
		unlist_dirty(m, p);
	ClearPageFlag(page, PG_dirty);
	if (is_file_page(page))
		mod_node_page_state(m->node[page_zone(m, page)->nid], NR_DIRTY, -1);
}

void filemap_redirty(struct machine *m, struct page *page)
{
	struct pc_node *p = node_of(page);

	if (!p || list_empty(&p->dirty))
		return;
	unlist_dirty(m, p);
	p->dirtied_when = m->sim_ns;
	list_add_tail(&p->dirty, &m->wb_dirty);
	m->wb_nr_listed++;
}

struct page *filemap_oldest_dirty(struct machine *m, uint64_t *dirtied_when)
{
	struct pc_node *p;

	if (list_empty(&m->wb_dirty))
		return NULL;
	p = list_first_entry(&m->wb_dirty, struct pc_node, dirty);
	*dirtied_when = p->dirtied_when;
	return p->page;
}

void filemap_notify_page(struct machine *m, struct page *page)
{
	if (is_file_page(page))
		filemap_notify(m, page->mapping, page->index << MM_PAGE_SHIFT, MM_PAGE_SIZE);
}

/* ---- check ---- */

#define CHECK_REPORT(...) do { if ((*bad)++ < 16) rbl_printf(out, __VA_ARGS__); } while (0)

static void check_inode(struct machine *m, struct file_ref *f, struct rbuf_lite *out, int *bad,
			int64_t *dirty)
{
	struct address_space *as = f->mapping;
	uint64_t n = 0, eof = filemap_size_pages(m, f);

	for (uint64_t b = 0; b < as->nbuckets; b++)
		for (struct pc_node *p = as->buckets[b]; p; p = p->next, n++) {
			struct page *page = p->page;

			if (page->mapping != f || page->index != p->index || page->refcount < 1 ||
			    page->refcount < page->mapcount + 1 || PageFlag(page, PG_buddy))
				CHECK_REPORT("%s: cached page %llu (pfn %#llx) has mapping %s, index %llu, "
					     "refcount %d, mapcount %d\n", f->path,
					     (unsigned long long)p->index,
					     (unsigned long long)page_to_pfn(m, page),
					     page->mapping == f ? "ok" : "wrong",
					     (unsigned long long)page->index, page->refcount,
					     page->mapcount);
			if (p->index >= eof)
				CHECK_REPORT("%s: page %llu is cached past EOF (%llu pages)\n", f->path,
					     (unsigned long long)p->index, (unsigned long long)eof);
			if (PageFlag(page, PG_dirty))
				++*dirty;
			if (!list_empty(&p->dirty) && !PageFlag(page, PG_dirty))
				CHECK_REPORT("%s: clean page %llu is on the dirty list\n", f->path,
					     (unsigned long long)p->index);
		}
	if (n != as->nrpages)
		CHECK_REPORT("%s: %llu pages cached, nrpages says %llu\n", f->path,
			     (unsigned long long)n, (unsigned long long)as->nrpages);
}

int filemap_check(struct machine *m, struct rbuf_lite *out)
{
	int nbad = 0, *bad = &nbad;
	int64_t dirty = 0;
	uint64_t listed = 0, last = 0;
	struct list_head *pos;

	for (int i = 0; i < FILE_TABLE_BUCKETS; i++)
		for (struct file_ref *f = m->file_table[i]; f; f = f->hash_next)
			if (f->mapping)
				check_inode(m, f, out, bad, &dirty);
	list_for_each(pos, &m->wb_dirty) {
		struct pc_node *p = list_entry(pos, struct pc_node, dirty);

		if (p->dirtied_when < last)
			CHECK_REPORT("dirty list out of order at pfn %#llx\n",
				     (unsigned long long)page_to_pfn(m, p->page));
		last = p->dirtied_when;
		if (++listed > m->wb_nr_listed)
			break;
	}
	if (listed != m->wb_nr_listed)
		CHECK_REPORT("dirty list holds %llu pages, its count says %llu\n",
			     (unsigned long long)listed, (unsigned long long)m->wb_nr_listed);
	/* stand-in files (no backing=) are outside the table: their pages cannot be checked */
	if (m->backing_fd >= 0 && dirty != global_node_page_state(m, NR_DIRTY))
		CHECK_REPORT("Dirty counts %lld pages, the page cache holds %lld dirty\n",
			     (long long)global_node_page_state(m, NR_DIRTY), (long long)dirty);
	return nbad;
}
