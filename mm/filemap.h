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
/* The cached page at index, or NULL; never reads. */
struct page *filemap_find_page(struct file_ref *f, uint64_t index);

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
void filemap_readahead_hit(struct machine *m, struct file_ref *f, uint64_t vm_flags, struct page *page);

/*
 * Take one clean, unmapped page out of its object's cache (reclaim): 1 if
 * it went, 0 if something still holds it.
 */
int filemap_remove_page(struct machine *m, struct page *page);

/* Write back every dirty page of an inode's cache (sync, fsync). 0 or -EIO. */
int filemap_writeback(struct machine *m, struct file_ref *f);

/* Drop every cached page of an inode or shmem object that is going away. */
void filemap_release(struct file_ref *f);

#endif
