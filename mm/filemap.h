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

struct machine;
struct page;
struct file_ref;

/* The object whose cache serves an open file: its inode, or the shmem object itself. */
struct file_ref *file_inode(struct file_ref *f);

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
/* The cached page at index, or NULL; never reads. */
struct page *filemap_find_page(struct file_ref *f, uint64_t index);
/*
 * The indices in [first, end) the cache holds, ascending, in a malloc'd
 * array (*out; NULL when none): how many, or -ENOMEM. Costs the smaller of
 * the range and the cache.
 */
long filemap_cached_indices(struct file_ref *f, uint64_t first, uint64_t end, uint64_t **out);

/*
 * drop_caches 1: drop every clean, unmapped page-cache page of the file
 * system's inodes (shmem pages and dirty pages stay). Returns the count.
 */
uint64_t filemap_drop_clean(struct machine *m);

/*
 * The readahead a file fault triggers (kernel: do_sync_mmap_readahead,
 * do_async_mmap_readahead): before a miss at index, read around it (or
 * ahead, for MADV_SEQUENTIAL; nothing for MADV_RANDOM); on a hit of a page
 * marked PG_readahead, read the next window. An executable mapping reads
 * from the faulting page to the end of its VMA at most, with no marker.
 * [vma_first, vma_end) are the file pages the faulting VMA maps. Shmem
 * objects do no readahead.
 */
void filemap_readahead_miss(struct machine *m, struct file_ref *f, uint64_t vm_flags, uint64_t index,
			    uint64_t vma_first, uint64_t vma_end);
/* Returns 1 if the hit started async readahead (Linux drops mmap_lock for it). */
int filemap_readahead_hit(struct machine *m, struct file_ref *f, uint64_t vm_flags, struct page *page);

/*
 * Take one clean, unmapped page out of its object's cache (reclaim): 1 if
 * it went, 0 if something still holds it.
 */
int filemap_remove_page(struct machine *m, struct page *page);

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
 * end, dirty ones unwritten (truncate, hole punch: unmap them first).
 */
void filemap_remove_range(struct machine *m, struct file_ref *inode, uint64_t first, uint64_t end);

/*
 * The file was cut to size bytes (truncate.c): pages wholly past it leave
 * every mapping, COW copies included, and the cache, dirty ones unwritten;
 * the cached partial last page is zeroed past size and dirtied.
 */
void truncate_pagecache(struct machine *m, struct file_ref *inode, uint64_t size);

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
 * (mapping, index, refcount, nrpages), no page lies wholly past EOF; the
 * dirty list is sorted, counted and holds dirty pages only; NR_DIRTY is
 * the dirty pages of the table's inodes. One line per violation.
 */
struct rbuf_lite;
int filemap_check(struct machine *m, struct rbuf_lite *out);

/* Drop every cached page of an inode or shmem object that is going away. */
void filemap_release(struct file_ref *f);

#endif
