/* SPDX-License-Identifier: MIT */
/*
 * filemap.h - the page cache (kernel: filemap.c, shmem.c).
 *
 * Each inode of the simulated file system, and each shmem object (a shared
 * anonymous mapping), has an address_space: its cached pages by index. A
 * cached page holds one reference for the cache; mappings add their own.
 * File pages are read from the backing file on a miss (a major fault);
 * shmem pages start zero-filled. All functions expect m->lock held.
 */
#ifndef MM_FILEMAP_H
#define MM_FILEMAP_H

#include <stdint.h>

#include "page.h"

struct machine;
struct file_ref;
struct vm_area_struct;

/*
 * Folios. The page cache holds folios of 2^order pages, naturally aligned,
 * as readahead allocates them (readahead.c); a page fault (and write(2))
 * adds single pages. The pages of a folio are separate frames here (the
 * model keeps no compound page for them), and page->private of every one
 * holds the folio's order. These three read a page-cache page only.
 */
static inline unsigned folio_order(const struct page *page)
{
	return (unsigned)page->private;
}
static inline uint64_t folio_nr_pages(const struct page *page)
{
	return 1ULL << page->private;
}
/* The index of the folio's first page (kernel: folio->index). */
static inline uint64_t folio_index(const struct page *page)
{
	return page->index & ~(folio_nr_pages(page) - 1);
}

/* The object whose cache serves an open file: its inode, or the shmem object itself. */
struct file_ref *file_inode(struct file_ref *f);
/* Whether an object (an inode or shmem object, not an open file) is shmem. */
int shmem_mapping(const struct file_ref *inode);
/* Whether an object is a stand-in (a file of a machine without backing=: endless zeros). */
int filemap_is_standin(const struct file_ref *inode);

/* Pages the object has (file size rounded up, or the shmem object's size). */
uint64_t filemap_size_pages(struct machine *m, struct file_ref *f);

/*
 * The cached page at index, reading it in when absent (*major = 1 then).
 * NULL with -EFAULT beyond the end of the object (SIGBUS), -ENOMEM, -EIO.
 */
struct page *filemap_get_page(struct machine *m, struct file_ref *f, uint64_t index,
			      int *major, int *err);
/*
 * A new page in the cache at index, which must be absent. read: fill it
 * from the backing file; else it starts as a zero page (PG_zeroed) that
 * the caller overwrites. NULL with -ENOMEM or -EIO.
 */
struct page *filemap_add_page(struct machine *m, struct file_ref *inode, uint64_t index, int read,
			      int *err);
/*
 * A new folio of 2^order pages at index (aligned to it), read from the
 * backing file when read is set; returns the page at index. All or
 * nothing: NULL with -EEXIST if a page of the range is cached already,
 * -ENOMEM or -EIO.
 */
struct page *filemap_add_folio(struct machine *m, struct file_ref *inode, uint64_t index,
			       unsigned order, int read, int *err);
/* The cached page at index, or NULL; never reads. */
/*
 * Read len bytes of inode at off through the page cache (missing pages
 * read from the file, as kernel_read does): bytes read (short at EOF) or
 * -errno. Expects m->lock held.
 */
long filemap_read(struct machine *m, struct file_ref *inode, uint64_t off, void *buf, size_t len);
struct page *filemap_find_page(struct file_ref *f, uint64_t index);
/*
 * The indices in [first, end) the cache holds, ascending, in a malloc'd
 * array (*out; NULL when none): how many, or -ENOMEM. Costs the smaller of
 * the range and the cache.
 */
long filemap_cached_indices(struct file_ref *f, uint64_t first, uint64_t end, uint64_t **out);
/* Set or clear PG_readahead on the folio of a cached page (a folio flag in Linux). */
void folio_set_readahead_flag(struct page *page, int on);
/*
 * Split the folio of a cached page (split_folio, folio_split): at
 * UINT64_MAX into single pages; else the buddy-like way around the page
 * at that index, which ends up alone while each half it leaves stays one
 * folio (16 pages split at page 5: 0-3, 4, 5, 6-7, 8-15). A large file
 * folio leaves every mapping first, as Linux's unmap_folio does (its
 * pages are faulted back in later); a COW copy of it stays. 0, or -EBUSY
 * for a dirty folio of a regular file (its buffers cannot be released),
 * which stays as it was.
 */
int filemap_split_folio(struct machine *m, struct page *page, uint64_t at);

/*
 * drop_caches 1: drop every clean, unmapped page-cache page of the file
 * system's inodes (shmem pages and dirty pages stay). Returns the count.
 */
uint64_t filemap_drop_clean(struct machine *m);
/* One inode's clean unmapped cache pages (invalidate_mapping_pages): pages dropped. */
uint64_t invalidate_inode_pages(struct file_ref *inode);

/*
 * Take the folio of a cached page out of its object's cache (reclaim):
 * the pages that went, or 0 if something still holds one of them (mapped,
 * dirty, referenced). leave_shadow: each index keeps the eviction's
 * shadow for refault detection (workingset.h), as reclaim does.
 */
uint64_t filemap_remove_folio(struct machine *m, struct page *page, int leave_shadow);

/*
 * Write back the dirty pages of an inode's cache with index in [first,
 * last] (sync, fsync, msync). 0 or -EIO (the first failure; the rest are
 * still tried).
 */
int filemap_writeback_range(struct machine *m, struct file_ref *f, uint64_t first, uint64_t last);
#define filemap_writeback(m, f) filemap_writeback_range(m, f, 0, UINT64_MAX)

/*
 * Dirty tracking (kernel: folio_mark_dirty, folio_account_dirtied). A
 * dirty page of a file's cache sits on m->wb_dirty in the order it was
 * dirtied, stamped with the simulated time it was first seen dirty; the
 * flusher (page-writeback.c) writes back from the head.
 *
 * filemap_mark_dirty dirties a cache page and accounts it at once
 * (PG_dirty, NR_DIRTY, NR_DIRTIED, the list): what write() does, and what
 * any other dirtier should call. Pages that were marked PG_dirty and
 * counted in NR_DIRTY and NR_DIRTIED without it (the fault path does so
 * today) are found by filemap_account_dirty, which every flusher step runs
 * first: it costs a walk of the cache only when NR_DIRTY says such pages
 * exist, and it tells the notify listener about each page it finds.
 * filemap_clear_dirty is writeback's half: the page is clean and off the
 * list. Shmem pages are never dirty in this sense (swap-backed).
 */
void filemap_mark_dirty(struct machine *m, struct page *page);
void filemap_account_dirty(struct machine *m);
void filemap_clear_dirty(struct machine *m, struct page *page);
/* Put a page whose writeback failed back at the tail, stamped now. */
void filemap_redirty(struct machine *m, struct page *page);
/* The page dirtied longest ago and when (sim ns), or NULL. */
struct page *filemap_oldest_dirty(struct machine *m, uint64_t *dirtied_when);

/* The file's size in bytes (kernel: i_size_read): the backing file's st_size. */
uint64_t i_size_read(struct machine *m, struct file_ref *f);

/*
 * The backing file of an inode, opened on first use and kept open for
 * the machine's life (so an unlinked file's bytes stay reachable):
 * read-write when possible, read-only if that is all the host allows and
 * write is 0. -1 if it cannot be opened.
 */
int filemap_host_fd(struct machine *m, struct file_ref *inode, int write);

/*
 * Zero the bytes of the cached page holding offset from from to the end
 * of that page (no-op when from is page-aligned or the page is not
 * cached); dirty says whether the page must reach the file again.
 */
void filemap_zero_tail(struct machine *m, struct file_ref *inode, uint64_t from, int dirty);

/*
 * Drop the cached pages of an inode or shmem object with first <= index <
 * end, dirty ones unwritten (truncate, hole punch: unmap them first). A
 * large folio straddling an end of the range is split first, where the
 * range starts in it and where it ends (truncate_inode_partial_folio):
 * its pages outside the range stay cached, as smaller folios. One that
 * cannot be split leaves every mapping and stays whole, zeroed in the range.
 */
void filemap_remove_range(struct machine *m, struct file_ref *inode, uint64_t first, uint64_t end);

/*
 * The file was cut to size bytes (truncate.c): pages wholly past it leave
 * every mapping, COW copies included, and the cache, dirty ones unwritten;
 * the cached partial last page is zeroed past size and dirtied.
 */
void truncate_pagecache(struct machine *m, struct file_ref *inode, uint64_t size);

/*
 * Zap the pages with first <= index < end from every mapping of inode
 * (truncate.c); with even_cows, private COW copies of them too (truncate),
 * else only the PTEs that map the cache's pages (hole punch, folio split).
 */
void unmap_mapping_range(struct machine *m, struct file_ref *inode, uint64_t first, uint64_t end,
			 int even_cows);

/*
 * fallocate(PUNCH_HOLE | KEEP_SIZE) of pages [first, end): the pages leave
 * every mapping that maps them from the cache (private COW copies stay,
 * as unmap_mapping_range without even_cows leaves them) and the cache;
 * a regular file's backing file gets the same hole. 0 or -errno.
 */
int vfs_punch_hole(struct machine *m, struct file_ref *f, uint64_t first, uint64_t end);

/* Tell the registered listener (mm_set_file_notify) that bytes of inode changed. */
void filemap_notify(struct machine *m, struct file_ref *inode, uint64_t off, uint64_t len);
/*
 * The same for the whole of one page, if it is a file's cache page: for a
 * store that needs no fault (a dirty writable PTE, proc/PID/mem), which
 * no dirty accounting can see.
 */
void filemap_notify_page(struct machine *m, struct page *page);

/*
 * check: per inode of the table, the cache index agrees with the pages
 * (mapping, index, refcount, nrpages), no page lies wholly past EOF, every
 * folio is cached whole with one order and one PG_readahead; the
 * dirty list is sorted, counted and holds dirty pages only; NR_DIRTY is
 * the dirty pages of the table's inodes. One line per violation.
 */
struct rbuf_lite;
int filemap_check(struct machine *m, struct rbuf_lite *out);

/* Drop every cached page of an inode or shmem object that is going away. */
void filemap_release(struct file_ref *f);

/*
 * Migration: the cached page old (in the cache, old->mapping and ->index
 * still set) is replaced there by new, dirty-list place and all.
 */
void filemap_replace_page(struct page *old, struct page *new);

#endif
