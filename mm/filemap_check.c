// SPDX-License-Identifier: MIT
/*
 * filemap_check.c - what check verifies of the page cache (filemap.h:
 * filemap_check): the index against the pages, the folios, the dirty list
 * and its counters, the shadows of evicted pages. One line per violation, the first 16 of them.
 */
#include "internal.h"
#include "file.h"
#include "filemap.h"
#include "filemap_internal.h"
#include "vma.h"

#define CHECK_REPORT(...) do { if ((*bad)++ < 16) rbl_printf(out, __VA_ARGS__); } while (0)

/* The folio of a cached page is cached whole, with one order, one PG_readahead, one PG_dirty. */
static void check_folio(struct file_ref *f, struct page *page, struct rbuf_lite *out, int *bad)
{
	uint64_t first = folio_index(page), nr = folio_nr_pages(page);

	if (folio_order(page) > 9) {
		CHECK_REPORT("%s: page %llu has folio order %u\n", f->path,
			     (unsigned long long)page->index, folio_order(page));
		return;
	}
	for (uint64_t i = first; i < first + nr; i++) {
		struct page *p = filemap_find_page(f, i);

		if (!p || p->private != page->private ||
		    PageFlag(p, PG_readahead) != PageFlag(page, PG_readahead) ||
		    PageFlag(p, PG_dirty) != PageFlag(page, PG_dirty)) {
			CHECK_REPORT("%s: page %llu of the order-%u folio at %llu is %s\n", f->path,
				     (unsigned long long)i, folio_order(page),
				     (unsigned long long)first, !p ? "not cached" :
				     p->private != page->private ? "of another order" :
				     PageFlag(p, PG_readahead) != PageFlag(page, PG_readahead) ?
				     "marked differently" : "dirty differently");
			return;
		}
	}
}

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
			check_folio(f, page, out, bad);
			if (PageFlag(page, PG_dirty) && !PageFlag(page, PG_swapbacked))
				++*dirty;	/* shmem pages are dirty without Dirty */
			if (f->tmpfs && (!PageFlag(page, PG_swapbacked) || !list_empty(&p->dirty)))
				CHECK_REPORT("%s: tmpfs page %llu is %s\n", f->path,
					     (unsigned long long)p->index,
					     list_empty(&p->dirty) ? "not swap-backed" : "on the dirty list");
			if (!list_empty(&p->dirty) && !PageFlag(page, PG_dirty))
				CHECK_REPORT("%s: clean page %llu is on the dirty list\n", f->path,
					     (unsigned long long)p->index);
		}
	if (n != as->nrpages)
		CHECK_REPORT("%s: %llu pages cached, nrpages says %llu\n", f->path,
			     (unsigned long long)n, (unsigned long long)as->nrpages);
	n = 0;
	for (uint64_t i = 0; i < as->shadow_cap; i++) {
		uint64_t idx = as->shadows[i].index;

		if (idx == UINT64_MAX)
			continue;
		n++;
		if (filemap_find_page(f, idx))
			CHECK_REPORT("%s: index %llu holds a page and a shadow\n", f->path,
				     (unsigned long long)idx);
		if (idx >= eof)
			CHECK_REPORT("%s: a shadow at %llu, past EOF (%llu pages)\n", f->path,
				     (unsigned long long)idx, (unsigned long long)eof);
	}
	if (n != as->nr_shadows)
		CHECK_REPORT("%s: %llu shadows, nr_shadows says %llu\n", f->path,
			     (unsigned long long)n, (unsigned long long)as->nr_shadows);
}

int filemap_check(struct machine *m, struct rbuf_lite *out)
{
	int nbad = 0, *bad = &nbad;
	int64_t dirty = 0;
	uint64_t listed = 0, last = 0;
	struct list_head *pos;

	for_each_inode(m, f)
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
