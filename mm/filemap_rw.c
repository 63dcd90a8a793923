// SPDX-License-Identifier: MIT
/*
 * filemap_rw.c - read() and write() of the simulated file system through
 * the page cache (kernel: filemap_read, generic_perform_write), the file
 * API of mm.h that files/ uses.
 *
 * Both copy to and from the cached pages themselves, so a simulated
 * process mapping the file shared sees a write at once (it maps the same
 * frames), and a read sees its stores. A write past EOF grows the backing
 * file first (the model's i_size is always the backing file's st_size),
 * so that writeback of the new pages reaches it; a page the write covers
 * whole is not read first. Every change is told to the notify listener.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "trace.h"
#include "vmscan.h"
#include "page_alloc.h"
#include "file.h"
#include "filemap.h"
#include "vma.h"
#include "writeback.h"
#include "swap.h"
#include "filemap_internal.h"

void mm_set_file_notify(struct machine *m, void (*fn)(void *arg, uint64_t ino, uint64_t off,
						      uint64_t len), void *arg)
{
	machine_lock(m);
	m->file_notify = fn;
	m->file_notify_arg = arg;
	machine_unlock(m);
}

void filemap_notify(struct machine *m, struct file_ref *inode, uint64_t off, uint64_t len)
{
	if (m->file_notify && len)
		m->file_notify(m->file_notify_arg, file_inode(inode)->ino, off, len);
}

void filemap_zero_tail(struct machine *m, struct file_ref *inode, uint64_t from, int dirty)
{
	struct page *page = filemap_find_page(inode, from >> MM_PAGE_SHIFT);
	size_t off = from & (MM_PAGE_SIZE - 1);

	if (!off || !page || PageFlag(page, PG_zeroed))
		return;
	memset((char *)page_address(m, page) + off, 0, MM_PAGE_SIZE - off);
	if (dirty)
		filemap_mark_dirty(m, page);
}

/* The inode behind path (the table keeps it; no reference is held). */
static int lookup_inode(struct machine *m, const char *path, struct file_ref **inode)
{
	struct file_ref *f;
	int err = file_open(m, path, MM_O_RDONLY, &f, NULL, 0);

	if (err)
		return err;
	*inode = f->inode;
	file_ref_put(f);
	return (*inode)->is_dir ? -EISDIR : 0;
}

/* A tmpfs index with no page and nothing on swap: a read gives zeros, allocating none. */
static int tmpfs_hole(struct file_ref *inode, uint64_t index)
{
	return inode->tmpfs && !filemap_find_page(inode, index) &&
	       !(inode->mapping && shmem_swap_entry(inode->mapping, index));
}

/*
 * The cached page at index, creating it when absent (read: from the
 * file). Out of memory, the writer reclaims as any allocating task does
 * (alloc_retry: direct reclaim, then the OOM killer).
 */
static struct page *grab_page(struct machine *m, struct file_ref *inode, uint64_t index, int read,
			      int *err)
{
	struct alloc_retry st = { 0 };

	for (;;) {
		struct page *page = filemap_find_page(inode, index);

		if (page)
			return page;
		if (inode->tmpfs && inode->mapping && shmem_swap_entry(inode->mapping, index)) {
			int major;	/* a tmpfs page on swap comes back (shmem_get_folio) */

			page = shmem_swapin(m, inode, index, 0, &major, err);
		} else {
			page = filemap_add_page(m, inode, index, read, err);
		}
		if (page) {
			*err = 0;
			return page;
		}
		if (*err != -ENOMEM || alloc_retry(m, &st) != ALLOC_RETRY)
			return NULL;
	}
}

#define WRITE_CHUNK	(512ULL << MM_PAGE_SHIFT)	/* mapping_max_folio_size: a PMD */

/*
 * write_begin's folio (ext4_write_begin: __filemap_get_folio with
 * fgf_set_order(len)): a write that finds the page at pos uncached puts a
 * new folio there, as large as the bytes it still writes within this
 * 2 MiB chunk allow (a power of two, at most a PMD), aligned at pos, and
 * smaller where pages of it are cached already. (A 32 KiB file written at
 * once is one folio; written 4 KiB at a time, eight single pages.)
 */
static void write_begin_folio(struct machine *m, struct file_ref *inode, uint64_t pos,
			      uint64_t bytes)
{
	uint64_t index = pos >> MM_PAGE_SHIFT;
	unsigned order;
	int err;

	if (filemap_find_page(inode, index) || bytes < 2 * MM_PAGE_SIZE || inode->tmpfs)
		return;	/* order 0: grab_page's single page (tmpfs: huge=never) */
	order = 63 - (unsigned)__builtin_clzll(bytes) - MM_PAGE_SHIFT;
	if (order > 9)
		order = 9;
	if (index & ((1ULL << order) - 1))
		order = (unsigned)__builtin_ctzll(index);
	for (; order; order--)
		if (filemap_add_folio(m, inode, index, order, 1, &err) || err != -EEXIST)
			return;
}

long mm_file_read(struct machine *m, const char *path, uint64_t off, void *buf, size_t len)
{
	struct file_ref *inode;
	long ret;
	int err;

	machine_lock(m);
	err = lookup_inode(m, path, &inode);
	ret = err ? err : filemap_read(m, inode, off, buf, len);
	kswapd_run(m);
	machine_unlock(m);
	return ret;
}

long filemap_read(struct machine *m, struct file_ref *inode, uint64_t off, void *buf, size_t len)
{
	uint64_t size, done = 0;
	int err = 0;

	size = i_size_read(m, inode);
	if (!err && off < size && len > size - off)
		len = (size_t)(size - off);
	if (off < size && len)
		trace_mm_filemap_get_pages(m, file_inode(inode)->ino, off >> MM_PAGE_SHIFT,
					   (off + len - 1) >> MM_PAGE_SHIFT);
	while (!err && off < size && done < len) {
		uint64_t pos = off + done, in = pos & (MM_PAGE_SIZE - 1);
		uint64_t n = MM_PAGE_SIZE - in < len - done ? MM_PAGE_SIZE - in : len - done;
		struct page *page;

		if (tmpfs_hole(inode, pos >> MM_PAGE_SHIFT)) {
			memset((char *)buf + done, 0, n);	/* SGP_READ: a hole stays a hole */
			done += n;
			continue;
		}
		page = grab_page(m, inode, pos >> MM_PAGE_SHIFT, 1, &err);
		if (!page)
			break;
		if (PageFlag(page, PG_zeroed))
			memset((char *)buf + done, 0, n);
		else
			memcpy((char *)buf + done, (char *)page_address(m, page) + in, n);
		done += n;
	}
	return done || !err ? (long)done : err;
}

/* Copy into the cache at pos; bytes copied, or -errno when none could be. */
static long write_pages(struct machine *m, struct file_ref *inode, uint64_t pos, const void *buf,
			size_t len)
{
	uint64_t done = 0;
	int err = 0;

	while (done < len) {
		uint64_t at = pos + done, in = at & (MM_PAGE_SIZE - 1);
		uint64_t n = MM_PAGE_SIZE - in < len - done ? MM_PAGE_SIZE - in : len - done;
		uint64_t chunk = WRITE_CHUNK - (at & (WRITE_CHUNK - 1));
		struct page *page;
		char *dst;

		write_begin_folio(m, inode, at, chunk < len - done ? chunk : len - done);
		page = grab_page(m, inode, at >> MM_PAGE_SHIFT, n < MM_PAGE_SIZE, &err);

		if (!page)
			break;
		dst = page_address(m, page);
		if (PageFlag(page, PG_zeroed)) {
			memset(dst, 0, MM_PAGE_SIZE);
			ClearPageFlag(page, PG_zeroed);
		}
		memcpy(dst + in, (const char *)buf + done, n);
		filemap_mark_dirty(m, page);
		done += n;
	}
	return done ? (long)done : err;
}

long mm_file_write(struct machine *m, const char *path, uint64_t off, const void *buf, size_t len)
{
	struct file_ref *inode;
	uint64_t size = 0;
	long ret;
	int fd = -1;

	machine_lock(m);
	sim_advance(m, MM_TICK_NS);
	ret = lookup_inode(m, path, &inode);
	if (!ret && (off > (uint64_t)INT64_MAX || len > (uint64_t)INT64_MAX - off))
		ret = -EFBIG;
	if (!ret) {
		size = i_size_read(m, inode);
		fd = filemap_host_fd(m, inode, 1);
		if (fd < 0)
			ret = -EIO;
	}
	/* i_size first, so that writeback of the new pages reaches the file */
	if (!ret && len && off + len > size) {
		backing_will_change(m, inode->path);
		if (ftruncate(fd, (off_t)(off + len)))
			ret = -errno;
		else
			filemap_zero_tail(m, inode, size, 0);
	}
	if (!ret && len) {
		uint64_t from = off < size ? off : size, end;

		ret = write_pages(m, inode, off, buf, len);
		end = off + (ret > 0 ? (uint64_t)ret : 0);
		/* a short write: the file keeps only what was written */
		if (off + len > size && end < off + len && ftruncate(fd, (off_t)(end > size ? end : size)))
			ret = ret > 0 ? ret : -EIO;
		if (ret > 0)
			filemap_notify(m, inode, from, end - from);
	}
	wb_flush(m);
	kswapd_run(m);
	machine_unlock(m);
	return ret;
}
