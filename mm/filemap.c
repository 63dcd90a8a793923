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
#include "trace.h"
#include "mempolicy.h"
#include "arena.h"
#include "page_alloc.h"
#include "filemap.h"
#include "file.h"
#include "rmap.h"
#include "vma.h"
#include "writeback.h"
#include "filemap_internal.h"
#include "swap.h"
#include "task.h"
#include "workingset.h"
#include "shmem_file.h"

struct file_ref *file_inode(struct file_ref *f)
{
	return f->inode ? f->inode : f;
}

int shmem_mapping(const struct file_ref *f)
{
	return f->shmem_size != 0 || f->tmpfs;
}

int filemap_is_standin(const struct file_ref *f)
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
	as->host = inode;
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

int cmp_u64(const void *a, const void *b)
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

	if (shmem_mapping(inode) && !inode->tmpfs)
		return inode->shmem_size;
	if (fd >= 0 && !fstat(fd, &st))
		return (uint64_t)st.st_size;
	return file_size(m, inode);
}

uint64_t filemap_size_pages(struct machine *m, struct file_ref *f)
{
	struct file_ref *inode = file_inode(f);

	if (shmem_mapping(inode) && !inode->tmpfs)
		return inode->shmem_size >> MM_PAGE_SHIFT;
	if (filemap_is_standin(inode))
		return UINT64_MAX >> MM_PAGE_SHIFT;
	return (i_size_read(m, inode) + MM_PAGE_SIZE - 1) >> MM_PAGE_SHIFT;
}

/* Only a write (writeback) copies a lower file up; a read opens it read-only. */
static long open_beneath(struct machine *m, const char *rel, int flags, int write)
{
	return file_host_open(m, rel, flags, 0, write);
}

int filemap_host_fd(struct machine *m, struct file_ref *inode, int write)
{
	long fd;

	/* a tmpfs file's host file is its name and size alone (shmem_file.c) */
	if ((shmem_mapping(inode) && !inode->tmpfs) || filemap_is_standin(inode) ||
	    m->backing_fd < 0)
		return -1;
	if (inode->host_fd >= 0) {
		int fl = fcntl(inode->host_fd, F_GETFL);

		if (!write || (fl >= 0 && (fl & O_ACCMODE) == O_RDWR))
			return inode->host_fd;
	}
	fd = open_beneath(m, inode->path + 1, O_RDWR, write);
	if (fd < 0 && !write && inode->host_fd < 0)
		fd = open_beneath(m, inode->path + 1, O_RDONLY, 0);
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
	if (n > 0)	/* a page at or past EOF is zeroes without a bio */
		blk_account_io(m, BLK_READ, inode, index);
	count_vm_events(m, PGPGIN, 4);
	task_io_account_read(m, MM_PAGE_SIZE);	/* submit_bio counts both */
	return 0;
}

/* Enter page (its mapping and index set) in the index through node, and count it. */
static void index_insert(struct machine *m, struct address_space *as, struct pc_node *node,
			 struct page *page, int shmem)
{
	struct pglist_data *pgdat = m->node[page_zone(m, page)->nid];

	node->index = page->index;
	node->page = page;
	INIT_LIST_HEAD(&node->dirty);
	node->dirtied_when = 0;
	node->next = as->buckets[hash_index(page->index, as->nbuckets)];
	as->buckets[hash_index(page->index, as->nbuckets)] = node;
	if (++as->nrpages > as->nbuckets)
		grow(as);
	xa_nodes_update(as);
	mod_node_page_state(pgdat, NR_FILE_PAGES, 1);
	if (shmem)
		mod_node_page_state(pgdat, NR_SHMEM, 1);
}

/* One page of a new folio of 2^order pages at index (see filemap_add_folio). */
static struct page *add_one(struct machine *m, struct address_space *as, struct file_ref *inode,
			    uint64_t index, unsigned order, int read, int *err)
{
	struct pc_node *node = kmalloc(sizeof(*node));
	struct page *page;
	int shmem = shmem_mapping(inode);

	/*
	 * the page cache follows the task policy (filemap_alloc_folio: no VMA,
	 * no interleave index); a shmem page its object's shared policy at
	 * index, else the task's, interleaved by i_ino + index (shmem_alloc_folio)
	 */
	page_owner_site(m, shmem ? PO_SITE_SHMEM : PO_SITE_PAGECACHE);
	if (!node)
		page = NULL;
	else if (shmem)
		page = alloc_pages_shmem(m, GFP_HIGHUSER_MOVABLE, 0, inode, index);
	else
		page = alloc_pages_task_policy(m, GFP_HIGHUSER_MOVABLE, 0);
	if (!page) {
		kfree(node);
		*err = -ENOMEM;
		return NULL;
	}
	if (shmem) {
		SetPageFlag(page, PG_zeroed);
		SetPageFlag(page, PG_swapbacked);
	} else if (filemap_is_standin(inode) || !read) {
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
	page->private = order;
	/* a page evicted from here comes back: the refault may activate it */
	workingset_refault(m, page, shadow_take(as, index), !shmem);
	/* waiting for the read of a working-set page is a memory stall (folio_wait_bit) */
	if (read && !shmem && !PageFlag(page, PG_zeroed) && PageFlag(page, PG_workingset))
		psi_memstall(m, m->blk_plug.last_ns, 1);
	index_insert(m, as, node, page, shmem);
	folio_add_lru(m, page);	/* a SHM_LOCK'd object's page: unevictable at once */
	return page;
}

struct page *filemap_add_folio(struct machine *m, struct file_ref *inode, uint64_t index,
			       unsigned order, int read, int *err)
{
	struct address_space *as = mapping_of(m, inode);
	uint64_t nr = 1ULL << order;
	struct page *head = NULL;

	VM_BUG_ON(index & (nr - 1));
	if (!as) {
		*err = -ENOMEM;
		return NULL;
	}
	for (uint64_t i = index; i < index + nr; i++)
		if (filemap_find_page(inode, i)) {
			*err = -EEXIST;
			return NULL;
		}
	for (uint64_t i = index; i < index + nr; i++) {
		struct page *page = add_one(m, as, inode, i, order, read, err);

		if (!page) {	/* all or nothing: the pages added so far go again */
			for (uint64_t j = index; j < i; j++)
				filemap_delete_page(filemap_find_page(inode, j));
			return NULL;
		}
		if (!head)
			head = page;
	}
	trace_mm_filemap_add_to_page_cache(m, page_to_pfn(m, head), file_inode(inode)->ino, index,
					   order);
	return head;
}

struct page *filemap_add_page(struct machine *m, struct file_ref *inode, uint64_t index, int read,
			      int *err)
{
	return filemap_add_folio(m, inode, index, 0, read, err);
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
	if (inode->mapping && shmem_swap_entry(inode->mapping, index))
		return shmem_swapin(m, inode, index, 1, major, err);
	page = filemap_add_page(m, inode, index, 1, err);
	*major = page && !shmem_mapping(inode) && !filemap_is_standin(inode);
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

	/* one event per folio, at its head (the model's folio pages are frames of their own) */
	if (!(page->index & ((1ULL << page->private) - 1)))
		trace_mm_filemap_delete_from_page_cache(as->m, page_to_pfn(as->m, page),
							file_inode(page->mapping)->ino, page->index,
							(unsigned)page->private);
	*pp = p->next;
	unlist_dirty(as->m, p);
	if (PageFlag(page, PG_dirty) && !PageFlag(page, PG_swapbacked)) {
		mod_node_page_state(pgdat, NR_DIRTY, -1);
		task_io_account_cancelled_write(as->m, MM_PAGE_SIZE);	/* folio_account_cleaned */
	}
	ClearPageFlag(page, PG_dirty);
	mod_node_page_state(pgdat, NR_FILE_PAGES, -1);
	if (PageFlag(page, PG_swapbacked))
		mod_node_page_state(pgdat, NR_SHMEM, -1);
	page->mapping = NULL;
	page->private = 0;
	put_page(as->m, page);
	kfree(p);
	as->nrpages--;
	xa_nodes_update(as);
}

void filemap_delete_page(struct page *page)
{
	struct file_ref *inode = page->mapping;

	delete_from_page_cache(inode->mapping, node_slot(inode->mapping, page));
}

void filemap_release(struct file_ref *f)
{
	struct address_space *as = f->mapping;

	mpol_free_shared_policy(f);	/* shmem_evict_inode: its shared policy goes with it */
	if (f->host_fd >= 0) {
		close(f->host_fd);
		f->host_fd = -1;
	}
	if (!as)
		return;
	for (uint64_t i = 0; i < as->nbuckets; i++)
		while (as->buckets[i])
			delete_from_page_cache(as, &as->buckets[i]);
	shadow_release(as);
	xa_nodes_release(as);
	kfree(as->buckets);
	kfree(as);
	f->mapping = NULL;
}

/* Whether reclaim may take the page out of the cache (clean, unmapped, unused). */
static int page_evictable_now(struct page *page)
{
	return !page->mapcount && page->refcount == 1 && !PageFlag(page, PG_dirty);
}

/*
 * Take the folio of a cached page out of the cache if all of it may go:
 * its page count, or 0. leave_shadow: each index keeps the eviction's
 * shadow (taken before the folio goes: it reads the folio's node and flags).
 */
static uint64_t evict_folio(struct address_space *as, struct page *page, int leave_shadow)
{
	struct file_ref *inode = page->mapping;
	uint64_t first = folio_index(page), nr = folio_nr_pages(page), shadow = 0;

	for (uint64_t i = first; i < first + nr; i++)
		if (!page_evictable_now(filemap_find_page(inode, i)))
			return 0;
	if (leave_shadow)
		shadow = workingset_eviction(as->m, page, nr);
	for (uint64_t i = first; i < first + nr; i++)
		delete_from_page_cache(as, node_slot(as, filemap_find_page(inode, i)));
	for (uint64_t i = 0; shadow && i < nr; i++)
		if (shadow_store(as, first + i, shadow))
			break;	/* no room: those refaults will not be recognised */
	return nr;
}

/*
 * Drop the clean, unmapped folios of one object (mapping_evict_folio: a
 * folio with one page mapped or dirty stays whole); returns the pages that
 * went.
 */
static uint64_t invalidate_clean(struct address_space *as)
{
	uint64_t dropped = 0;

	for (uint64_t i = 0; i < as->nbuckets; i++) {
		struct pc_node *p = as->buckets[i];

		while (p) {
			/* shmem is not cache to drop: only swap could take it */
			uint64_t n = PageFlag(p->page, PG_swapbacked) ? 0 : evict_folio(as, p->page, 0);

			dropped += n;
			p = n ? as->buckets[i] : p->next;	/* the chain changed: start it again */
		}
	}
	return dropped;
}

uint64_t invalidate_inode_pages(struct file_ref *inode)
{
	return inode->mapping ? invalidate_clean(inode->mapping) : 0;
}

uint64_t filemap_drop_clean(struct machine *m)
{
	uint64_t dropped = 0;

	for_each_inode(m, f)
		if (f->mapping)
			dropped += invalidate_clean(f->mapping);
	return dropped;
}

uint64_t filemap_remove_folio(struct machine *m, struct page *page, int leave_shadow)
{
	struct file_ref *inode = page->mapping;
	struct address_space *as = inode ? inode->mapping : NULL;

	(void)m;
	if (!as || !*node_slot(as, page))
		return 0;
	return evict_folio(as, page, leave_shadow);
}

/* ---- dirty tracking ---- */

static int is_file_page(struct page *page)
{
	struct file_ref *inode = page->mapping;

	return inode && !PageFlag(page, PG_anon) && !PageFlag(page, PG_swapbacked) &&
	       !shmem_mapping(inode);
}

static void mark_one_dirty(struct machine *m, struct page *page)
{
	struct pc_node *p;

	if (!PageFlag(page, PG_dirty)) {
		SetPageFlag(page, PG_dirty);
		mod_node_page_state(m->node[page_zone(m, page)->nid], NR_DIRTY, 1);
		mod_node_page_state(m->node[page_zone(m, page)->nid], NR_DIRTIED, 1);
		task_io_account_write(m, MM_PAGE_SIZE);	/* folio_account_dirtied */
	}
	p = node_of(page);
	if (p && list_empty(&p->dirty))
		list_dirty(m, p);
}

/* folio_mark_dirty: a folio is dirty as a whole, every page of it (Dirty counts them all). */
void filemap_mark_dirty(struct machine *m, struct page *page)
{
	struct file_ref *inode = page->mapping;

	if (inode && inode->tmpfs && page_is_shmem(page)) {
		shmem_mark_dirty(page);	/* noop_dirty_folio: not Dirty, never written back */
		return;
	}
	if (!is_file_page(page))
		return;
	if (!folio_order(page) || !node_of(page)) {
		mark_one_dirty(m, page);
		return;
	}
	for (uint64_t i = folio_index(page), end = i + folio_nr_pages(page); i < end; i++)
		mark_one_dirty(m, filemap_find_page(inode, i));
}

void filemap_account_dirty(struct machine *m)
{
	if (global_node_page_state(m, NR_DIRTY) == (int64_t)m->wb_nr_listed)
		return;
	for_each_inode(m, f) {
		struct address_space *as = f->mapping;

		for (uint64_t b = 0; as && b < as->nbuckets; b++)
			for (struct pc_node *p = as->buckets[b]; p; p = p->next)
				if (PageFlag(p->page, PG_dirty) && list_empty(&p->dirty) &&
				    !PageFlag(p->page, PG_swapbacked)) {	/* shmem: never written back */
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

/* ---- shmem pages to swap and back (shmem_swap.c) ---- */

void filemap_swap_out(struct machine *m, struct page *page)
{
	struct file_ref *inode = page->mapping;
	struct address_space *as = inode->mapping;
	struct pc_node **pp = node_slot(as, page), *p = *pp;
	struct pglist_data *pgdat = m->node[page_zone(m, page)->nid];

	*pp = p->next;
	kfree(p);
	as->nrpages--;
	xa_nodes_update(as);
	mod_node_page_state(pgdat, NR_FILE_PAGES, -1);
	mod_node_page_state(pgdat, NR_SHMEM, -1);
	page->mapping = NULL;
	page->private = 0;
}

int filemap_swap_in(struct machine *m, struct file_ref *inode, uint64_t index, struct page *page)
{
	struct pc_node *node = kmalloc(sizeof(*node));

	if (!node)
		return -ENOMEM;
	page->mapping = inode;
	page->index = index;
	page->private = 0;
	index_insert(m, inode->mapping, node, page, 1);
	return 0;
}

/*
 * Migration (migrate.c): the cache's entry for old now names new, which
 * took old's index and mapping (kernel: __folio_migrate_mapping's xas_store).
 * The entry keeps its place on the dirty list: it is the entry that is listed.
 */
void filemap_replace_page(struct page *old, struct page *new)
{
	struct file_ref *inode = old->mapping;
	struct pc_node *p = *node_slot(inode->mapping, old);

	VM_BUG_ON(!p);
	p->page = new;
}
