// SPDX-License-Identifier: MIT
/*
 * readahead.c - readahead and its folios (kernel: mm/readahead.c, and
 * do_sync_mmap_readahead / do_async_mmap_readahead of mm/filemap.c), as
 * Linux 6.18 does them. See readahead.h.
 *
 *	file_ra_state:	|<------------- size -------------->|
 *			start          mark ^  |<-- async_size -->|
 *
 * The folio holding the page at start + size - async_size (rounded down
 * to its order) is marked PG_readahead; reaching it starts the next window
 * at start + size, asynchronously, two folio orders larger.
 */
#include "internal.h"
#include "filemap.h"
#include "readahead.h"
#include "vma.h"

#define RA_PAGES	((uint64_t)m->tun.read_ahead_kb >> (MM_PAGE_SHIFT - 10))	/* bdi->ra_pages */
/* bdi->io_pages: the simulated disk takes requests of up to 128 KiB (max_sectors_kb) */
#define IO_PAGES	32ULL
#define MMAP_LOTSAMISS	100
#define MAX_PAGECACHE_ORDER	9	/* x86-64: a PMD */
#define HPAGE_PMD_NR	512ULL

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static unsigned ilog2_u64(uint64_t v)
{
	return 63 - (unsigned)__builtin_clzll(v);
}

static int no_readahead(struct file_ref *f)
{
	return shmem_mapping(file_inode(f)) || filemap_is_standin(file_inode(f));
}

/*
 * Single pages [index, index + nr), those not cached yet; the one at
 * index + nr - lookahead gets the marker if it is read now
 * (page_cache_ra_unbounded).
 */
static void page_cache_ra_unbounded(struct machine *m, struct file_ref *f, uint64_t index,
				    uint64_t nr, uint64_t lookahead)
{
	uint64_t mark = lookahead <= nr ? index + nr - lookahead : UINT64_MAX;

	for (uint64_t i = index; i < index + nr; i++) {
		struct page *page;
		int err;

		if (filemap_find_page(f, i))
			continue;
		page = filemap_add_folio(m, file_inode(f), i, 0, 1, &err);
		if (!page)
			break;
		if (i == mark)
			folio_set_readahead_flag(page, 1);
	}
}

/* As page_cache_ra_unbounded, clipped at the page holding the last byte (do_page_cache_ra). */
static void do_page_cache_ra(struct machine *m, struct file_ref *f, uint64_t index, uint64_t nr,
			     uint64_t lookahead)
{
	uint64_t size = filemap_size_pages(m, f);

	if (!size || index >= size)
		return;
	if (nr > size - 1 - index)
		nr = size - index;
	page_cache_ra_unbounded(m, f, index, nr, lookahead);
}

void force_page_cache_ra(struct machine *m, struct file_ref *f, uint64_t index, uint64_t nr)
{
	uint64_t max = RA_PAGES > IO_PAGES ? RA_PAGES : IO_PAGES;

	if (no_readahead(f))
		return;
	do_page_cache_ra(m, f, index, min_u64(nr, max), 0);
}

/*
 * One folio of 2^order pages at index, marked if it holds mark (rounded
 * down to the order): ra_alloc_folio. 0, or -EEXIST if a page of it is
 * cached already, -ENOMEM, -EIO.
 */
static int ra_alloc_folio(struct machine *m, struct file_ref *f, uint64_t index, uint64_t mark,
			  unsigned order)
{
	int err = 0;
	struct page *page = filemap_add_folio(m, file_inode(f), index, order, 1, &err);

	if (!page)
		return err;
	if (index == (mark & ~((1ULL << order) - 1)))
		folio_set_readahead_flag(page, 1);
	return 0;
}

/*
 * The window f->ra_start, ra_size, ra_async_size in folios of f->ra_order
 * (page_cache_ra_order): each folio as large as the order, its alignment
 * at index and EOF allow. Where a page is cached already, the rest of the
 * window is read as single pages.
 */
static void page_cache_ra_order(struct machine *m, struct file_ref *f)
{
	uint64_t start = f->ra_start, index = start, mark = start + f->ra_size - f->ra_async_size;
	uint64_t limit = filemap_size_pages(m, f);
	unsigned new_order = f->ra_order;
	int err = 0;

	if (!limit)
		return;
	limit = min_u64(limit - 1, index + f->ra_size - 1);
	if (new_order > MAX_PAGECACHE_ORDER)
		new_order = MAX_PAGECACHE_ORDER;
	if (f->ra_size && new_order > ilog2_u64(f->ra_size))
		new_order = ilog2_u64(f->ra_size);
	f->ra_order = new_order;
	while (index <= limit) {
		unsigned order = new_order;

		if (index & ((1ULL << order) - 1))
			order = (unsigned)__builtin_ctzll(index);
		while (order && index + (1ULL << order) - 1 > limit)
			order--;
		err = ra_alloc_folio(m, f, index, mark, order);
		if (err)
			break;
		index += 1ULL << order;
	}
	if (err && f->ra_size > index - start)
		do_page_cache_ra(m, f, index, f->ra_size - (index - start), f->ra_async_size);
}

/* First window: 4x a small request, 2x a medium one, else the maximum (get_init_ra_size). */
static uint64_t get_init_ra_size(uint64_t size, uint64_t max)
{
	uint64_t n = 1;

	while (n < size)
		n <<= 1;
	if (n <= max / 32)
		return n * 4;
	if (n <= max / 4)
		return n * 2;
	return max;
}

/* The next window: 4x a small one, 2x a medium one, else the maximum. */
static uint64_t get_next_ra_size(uint64_t cur, uint64_t max)
{
	if (cur < max / 16)
		return 4 * cur;
	if (cur <= max / 2)
		return 2 * cur;
	return max;
}

/*
 * The first index at or after index that is not cached, looking at most
 * max pages ahead (page_cache_next_miss): index + max if all are.
 */
static uint64_t page_cache_next_miss(struct file_ref *f, uint64_t index, uint64_t max)
{
	for (uint64_t i = index; i < index + max; i++)
		if (!filemap_find_page(f, i))
			return i;
	return index + max;
}

/*
 * A sequential stream's synchronous readahead (page_cache_sync_ra) for a
 * request of req pages at index. A file opened for mmap has never been
 * read(2) (prev_pos is -1), so only index 0 starts a stream window; any
 * other index is read as is, with no marker (the request is the whole
 * window, so the "cached from the start" case of Linux cannot arise).
 */
static void page_cache_sync_ra(struct machine *m, struct file_ref *f, uint64_t index, uint64_t req)
{
	if (index) {
		do_page_cache_ra(m, f, index, req, 0);
		return;
	}
	f->ra_start = 0;
	f->ra_size = get_init_ra_size(req, RA_PAGES);
	f->ra_async_size = f->ra_size > req ? f->ra_size - req : f->ra_size >> 1;
	f->ra_order = 0;
	page_cache_ra_order(m, f);
}

void do_sync_mmap_readahead(struct machine *m, struct vm_area_struct *vma, uint64_t index)
{
	struct file_ref *f = vma->vm_file;
	uint64_t flags = vma->vm_flags;

	if (no_readahead(f))
		return;
	/* a huge-page mapping reads PMD folios, even with readahead off */
	if (flags & MM_VM_HUGEPAGE) {
		f->ra_start = index & ~(HPAGE_PMD_NR - 1);
		f->ra_size = HPAGE_PMD_NR * ((flags & MM_VM_RAND_READ) ? 1 : 2);
		f->ra_async_size = HPAGE_PMD_NR;
		f->ra_order = MAX_PAGECACHE_ORDER;
		page_cache_ra_order(m, f);
		return;
	}
	if ((flags & (MM_VM_RAND_READ | MM_VM_EXEC)) == MM_VM_RAND_READ || !RA_PAGES)
		return;
	if (flags & MM_VM_SEQ_READ) {
		page_cache_sync_ra(m, f, index, RA_PAGES);
		return;
	}
	if (f->ra_mmap_miss < MMAP_LOTSAMISS * 10)
		f->ra_mmap_miss++;
	if (f->ra_mmap_miss > MMAP_LOTSAMISS)
		return;	/* it misses more than it hits: readahead would only hurt */
	if (flags & MM_VM_EXEC) {
		/* code is read at random: within the VMA, from here, no async part */
		uint64_t vma_first = vma->vm_pgoff, vma_end = vma_first + vma_pages(vma);

		f->ra_start = index > vma_first ? index : vma_first;
		f->ra_size = min_u64(f->ra_start + RA_PAGES, vma_end) - f->ra_start;
		f->ra_async_size = 0;
	} else {	/* read-around */
		f->ra_start = index > RA_PAGES / 2 ? index - RA_PAGES / 2 : 0;
		f->ra_size = RA_PAGES;
		f->ra_async_size = RA_PAGES / 4;
	}
	f->ra_order = 0;
	page_cache_ra_order(m, f);
}

/*
 * The stream reached a marked folio (page_cache_async_ra): the next window
 * follows the current one if the marker is where it put it, else starts
 * at the first page not cached after index; it is all async, two orders
 * larger, its end aligned to that order.
 */
static void page_cache_async_ra(struct machine *m, struct file_ref *f, struct page *page,
				uint64_t index, uint64_t req)
{
	uint64_t max = RA_PAGES, nr = folio_nr_pages(page), expected, end, align;

	folio_set_readahead_flag(page, 0);
	expected = (f->ra_start + f->ra_size - f->ra_async_size) & ~(nr - 1);
	if (index == expected) {
		f->ra_start += f->ra_size;
		f->ra_size = f->ra_size > get_next_ra_size(f->ra_size, max) ? f->ra_size :
			     get_next_ra_size(f->ra_size, max);
	} else {
		uint64_t start = page_cache_next_miss(f, index + 1, max);

		if (start - index > max)
			return;
		f->ra_start = start;
		f->ra_size = get_next_ra_size(start - index + req, max);
	}
	f->ra_order += 2;
	align = 1ULL << (f->ra_order < (unsigned)__builtin_ctzll(max) ?
			 f->ra_order : (unsigned)__builtin_ctzll(max));
	end = f->ra_start + f->ra_size;
	if ((end & ~(align - 1)) > f->ra_start)
		f->ra_size -= end - (end & ~(align - 1));
	f->ra_async_size = f->ra_size;
	page_cache_ra_order(m, f);
}

int do_async_mmap_readahead(struct machine *m, struct vm_area_struct *vma, struct page *page,
			    uint64_t index)
{
	struct file_ref *f = vma->vm_file;

	if (no_readahead(f) || (vma->vm_flags & MM_VM_RAND_READ) || !RA_PAGES)
		return 0;
	if (f->ra_mmap_miss)
		f->ra_mmap_miss--;
	if (!PageFlag(page, PG_readahead))
		return 0;
	page_cache_async_ra(m, f, page, index, RA_PAGES);
	return 1;
}
