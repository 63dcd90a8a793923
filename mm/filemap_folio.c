// SPDX-License-Identifier: MIT
/*
 * filemap_folio.c - the folios of the page cache (filemap.h): their
 * readahead mark, how they split (kernel: split_folio and folio_split of
 * mm/huge_memory.c) and how a range of a file leaves the cache around them
 * (truncate_inode_pages_range, truncate_inode_partial_folio of
 * mm/truncate.c). Expect m->lock held.
 */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"
#include "filemap.h"
#include "filemap_internal.h"
#include "vma.h"

void folio_set_readahead_flag(struct page *page, int on)
{
	struct file_ref *inode = page->mapping;

	for (uint64_t i = folio_index(page), end = i + folio_nr_pages(page); i < end; i++) {
		struct page *p = filemap_find_page(inode, i);

		if (on)
			SetPageFlag(p, PG_readahead);
		else
			ClearPageFlag(p, PG_readahead);
	}
}

/* The pages [first, first + 2^order) become one folio of that order. */
static void set_folio(struct file_ref *inode, uint64_t first, unsigned order)
{
	for (uint64_t i = first; i < first + (1ULL << order); i++)
		filemap_find_page(inode, i)->private = order;
}

/*
 * A dirty folio of a regular file has dirty buffer heads (ext4): they
 * cannot be released, so the folio cannot be split (__folio_split's
 * filemap_release_folio fails) until writeback cleans it.
 */
static int folio_has_dirty_buffers(struct page *page)
{
	struct file_ref *inode = page->mapping;

	if (shmem_mapping(inode))
		return 0;
	for (uint64_t i = folio_index(page), end = i + folio_nr_pages(page); i < end; i++)
		if (PageFlag(filemap_find_page(inode, i), PG_dirty))
			return 1;
	return 0;
}

int filemap_split_folio(struct machine *m, struct page *page, uint64_t at)
{
	struct file_ref *inode = page->mapping;
	uint64_t first = folio_index(page);
	unsigned order = folio_order(page);

	if (!order)
		return 0;
	if (folio_has_dirty_buffers(page))
		return -EBUSY;
	unmap_mapping_range(m, inode, first, first + (1ULL << order), 0);
	if (at == UINT64_MAX) {
		for (uint64_t i = first; i < first + (1ULL << order); i++)
			set_folio(inode, i, 0);
		return 0;
	}
	/* halve the part holding at until it is one page; each other half stays whole */
	while (order--) {
		uint64_t half = 1ULL << order;

		if (at < first + half) {
			set_folio(inode, first + half, order);
		} else {
			set_folio(inode, first, order);
			first += half;
		}
	}
	set_folio(inode, first, 0);
	return 0;
}

/* Whether the folio of a cached page lies wholly in [first, end). */
static int folio_within(struct page *page, uint64_t first, uint64_t end)
{
	return folio_index(page) >= first && folio_index(page) + folio_nr_pages(page) <= end;
}

/*
 * truncate_inode_partial_folio of a large folio the range [first, end)
 * covers in part: split where the range starts in it, then, if the range
 * ends inside it too, split the piece holding end at end, so that every
 * page of the range is in a piece wholly inside it. A folio that cannot
 * be split (try_folio_split_or_unmap) leaves every mapping and stays.
 */
static void split_partial(struct machine *m, struct page *page, uint64_t first, uint64_t end)
{
	struct file_ref *inode = page->mapping;
	uint64_t pos = folio_index(page), next = pos + folio_nr_pages(page);
	struct page *at_end;

	if (filemap_split_folio(m, page, first > pos ? first : pos)) {
		unmap_mapping_range(m, inode, pos, next, 0);
		return;
	}
	if (end >= next)
		return;
	at_end = filemap_find_page(inode, end);
	if (at_end && folio_order(at_end) && filemap_split_folio(m, at_end, end))
		unmap_mapping_range(m, inode, folio_index(at_end),
				    folio_index(at_end) + folio_nr_pages(at_end), 0);
}

void filemap_remove_range(struct machine *m, struct file_ref *inode, uint64_t first, uint64_t end)
{
	struct page *head, *tail = NULL;
	uint64_t *idx = NULL;
	long nr;
	int same;

	if (!file_inode(inode)->mapping || first >= end)
		return;
	inode = file_inode(inode);
	shadow_drop_range(inode->mapping, first, end);	/* nothing there to refault any more */
	/* truncate_inode_pages_range: the partial folios at either end first */
	head = filemap_find_page(inode, first);
	same = head ? end - 1 < folio_index(head) + folio_nr_pages(head) : first == end - 1;
	if (head && !folio_within(head, first, end))
		split_partial(m, head, first, end);
	if (!same && end != UINT64_MAX)
		tail = filemap_find_page(inode, end - 1);
	if (tail && !folio_within(tail, first, end))
		split_partial(m, tail, first, end);
	/* then every folio wholly inside; one that could not be split stays, zeroed there */
	nr = filemap_cached_indices(inode, first, end, &idx);
	for (long i = 0; i < nr; i++) {
		struct page *page = filemap_find_page(inode, idx[i]);

		if (folio_within(page, first, end))
			filemap_delete_page(page);
		else
			SetPageFlag(page, PG_zeroed);
	}
	free(idx);
}
