/* SPDX-License-Identifier: MIT */
/*
 * readahead.h - reading a file's pages before they are asked for (kernel:
 * mm/readahead.c, and the mmap side of mm/filemap.c).
 *
 * The state of a stream lives in the open file (struct file_ref's ra_*
 * fields: start, size, async_size, order, mmap_miss), the window size in
 * the simulated disk's read_ahead_kb. What is read lands in the page cache
 * as folios (filemap.h): order 0 around a fault, larger ones as a stream
 * goes on (each async round asks two orders more), PMD-sized ones for a
 * VM_HUGEPAGE mapping, always aligned and never past EOF. One folio of
 * each window carries PG_readahead: a fault there starts the next one.
 * Shmem objects and stand-in files do no readahead. Expect m->lock held.
 */
#ifndef MM_READAHEAD_H
#define MM_READAHEAD_H

#include <stdint.h>

struct machine;
struct page;
struct vm_area_struct;
struct file_ref;

/*
 * A fault at index of vma missed the cache (do_sync_mmap_readahead): read
 * around it, ahead of it (MADV_SEQUENTIAL), from it to the VMA's end (an
 * executable mapping), a PMD-aligned block (MADV_HUGEPAGE), or nothing
 * (MADV_RANDOM, or a file that misses far more than it hits).
 */
void do_sync_mmap_readahead(struct machine *m, struct vm_area_struct *vma, uint64_t index);
/*
 * A fault at index of vma found page cached (do_async_mmap_readahead):
 * returns 1 if page's folio was a readahead marker and the next window
 * was started (Linux drops mmap_lock for it and retries the fault).
 */
int do_async_mmap_readahead(struct machine *m, struct vm_area_struct *vma, struct page *page,
			    uint64_t index);
/*
 * MADV_WILLNEED and POSIX_FADV_WILLNEED (force_page_cache_ra): read nr
 * pages from index as single pages, at most the larger of the readahead
 * window and the disk's largest request, no marker.
 */
void force_page_cache_ra(struct machine *m, struct file_ref *f, uint64_t index, uint64_t nr);

#endif
