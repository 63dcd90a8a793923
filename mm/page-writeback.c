/* SPDX-License-Identifier: MIT */
/*
 * page-writeback.c - writing dirty page-cache pages back to backing=DIR
 * (kernel: mm/page-writeback.c, fs/sync.c).
 *
 * Writeback of a page first makes it clean everywhere it is mapped
 * (page_mkclean: every PTE mapping it loses its dirty and write bits, so
 * the next store faults and dirties it again), then writes its bytes to
 * the backing file, never past the file's end. Shmem pages have no backing
 * file and stay as they are. When writeback happens: see writeback.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "page_alloc.h"
#include "filemap.h"
#include "filemap_internal.h"
#include "file.h"
#include "pgtable.h"
#include "task.h"
#include "vma.h"
#include "writeback.h"

/*
 * Clear the dirty and write bits of every PTE that maps page (shared file
 * mappings of its inode): a walk over the processes' VMAs, since a cached
 * page's mappers are the VMAs of its inode at its index.
 */
static void page_mkclean(struct machine *m, struct page *page)
{
	struct file_ref *inode = page->mapping;

	for (int pid = 0; pid < m->pid_max && page->mapcount; pid++) {
		struct task *t = m->tasks[pid];

		if (!t || !t->mm || !t->mm->pgd || !thread_group_leader(t))
			continue;	/* a shared mm once */
		for (struct vm_area_struct *v = vma_first(t->mm); v; v = vma_next_of(v)) {
			uint64_t addr;
			pte_t *pte;

			if (!v->vm_file || file_inode(v->vm_file) != inode ||
			    page->index < v->vm_pgoff || page->index >= v->vm_pgoff + vma_pages(v))
				continue;
			addr = v->vm_start + ((page->index - v->vm_pgoff) << MM_PAGE_SHIFT);
			pte = pte_lookup(m, t->mm, addr, 0, NULL);
			if (pte && pte_present(*pte) && pte_pfn(*pte) == page_to_pfn(m, page))
				*pte &= ~(_PAGE_DIRTY | _PAGE_RW);
		}
	}
}

static int write_page(struct machine *m, struct file_ref *inode, struct page *page)
{
	static const char zeros[MM_PAGE_SIZE];
	const char *src = PageFlag(page, PG_zeroed) ? zeros : page_address(m, page);
	uint64_t off = page->index << MM_PAGE_SHIFT;
	int fd = filemap_host_fd(m, inode, 1);
	struct stat st;
	size_t n;

	if (fd < 0 || fstat(fd, &st))
		return -EIO;
	if (off >= (uint64_t)st.st_size)
		return 0;	/* truncated away meanwhile: nothing to write */
	n = (uint64_t)st.st_size - off < MM_PAGE_SIZE ? (size_t)((uint64_t)st.st_size - off)
						       : MM_PAGE_SIZE;
	backing_will_change(m, inode->path);
	return pwrite(fd, src, n, (off_t)off) == (ssize_t)n ? 0 : -EIO;
}

static int writeback_one(struct machine *m, struct page *page)
{
	struct file_ref *inode = page->mapping;
	struct pglist_data *pgdat;
	int err;

	if (!inode || !PageFlag(page, PG_dirty) || PageFlag(page, PG_swapbacked) ||
	    PageFlag(page, PG_anon))
		return 0;
	pgdat = m->node[page_zone(m, page)->nid];
	page_mkclean(m, page);
	SetPageFlag(page, PG_writeback);
	mod_node_page_state(pgdat, NR_WRITEBACK, 1);
	err = write_page(m, inode, page);
	ClearPageFlag(page, PG_writeback);
	mod_node_page_state(pgdat, NR_WRITEBACK, -1);
	if (err)
		return err;
	filemap_clear_dirty(m, page);
	blk_account_io(m, BLK_WRITE, inode, page->index);
	mod_node_page_state(pgdat, NR_WRITTEN, 1);
	count_vm_events(m, PGPGOUT, 4);
	return 0;
}

/*
 * A folio is written back whole: every dirty page of the page's folio (the
 * first error). Its end clears PG_reclaim (folio_end_writeback), which is
 * the PG_readahead bit: a readahead mark on a written folio goes too.
 */
int writeback_page(struct machine *m, struct page *page)
{
	struct file_ref *inode = page->mapping;
	int err = 0;

	if (!inode || PageFlag(page, PG_anon) || PageFlag(page, PG_swapbacked) ||
	    !PageFlag(page, PG_dirty))
		return writeback_one(m, page);
	for (uint64_t i = folio_index(page), end = i + folio_nr_pages(page); i < end; i++) {
		struct page *p = filemap_find_page(inode, i);
		int e = p ? writeback_one(m, p) : 0;

		if (e && !err)
			err = e;
	}
	folio_set_readahead_flag(page, 0);
	return err;
}

static int cmp_index(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * In index order, as write_cache_pages walks the xarray's dirty tag: the
 * disk sees consecutive pages as one growing request (blk_stat.c merges
 * them), which the hash order of the buckets would scatter.
 */
int filemap_writeback_range(struct machine *m, struct file_ref *f, uint64_t first, uint64_t last)
{
	struct file_ref *inode = file_inode(f);
	struct address_space *as = inode->mapping;
	uint64_t n = 0, k = 0, *idx;
	int err = 0;

	if (!as)
		return 0;
	for (uint64_t i = 0; i < as->nbuckets; i++)
		for (struct pc_node *p = as->buckets[i]; p; p = p->next)
			n += p->index >= first && p->index <= last && PageFlag(p->page, PG_dirty);
	if (!n)
		return 0;
	idx = kcalloc(n, sizeof(*idx));
	for (uint64_t i = 0; i < as->nbuckets; i++)
		for (struct pc_node *p = as->buckets[i]; p; p = p->next) {
			if (p->index < first || p->index > last || !PageFlag(p->page, PG_dirty))
				continue;
			if (idx) {
				idx[k++] = p->index;
			} else {
				/* no memory to sort: the same pages, in bucket order */
				int e = writeback_page(m, p->page);

				if (e && !err)
					err = e;
			}
		}
	if (!idx)
		return err;
	qsort(idx, k, sizeof(*idx), cmp_index);
	for (uint64_t i = 0; i < k; i++) {
		struct page *page = filemap_find_page(inode, idx[i]);
		int e;

		if (!page || !PageFlag(page, PG_dirty))
			continue;	/* written with its folio's head */
		e = writeback_page(m, page);
		if (e && !err)
			err = e;
	}
	kfree(idx);
	return err;
}

/* Write back the oldest dirty pages while more(m) holds; a failing page goes to the tail. */
static void writeback_oldest(struct machine *m, int (*more)(struct machine *m, uint64_t when))
{
	uint64_t when, budget = m->wb_nr_listed;
	struct page *page;

	while (budget-- && (page = filemap_oldest_dirty(m, &when)) && more(m, when))
		if (writeback_page(m, page))
			filemap_redirty(m, page);
}

#define CENTISEC_NS 10000000ULL

static int expired(struct machine *m, uint64_t when)
{
	return when + (uint64_t)m->tun.dirty_expire_centisecs * CENTISEC_NS <= m->sim_ns;
}

static int over_bg_thresh(struct machine *m, uint64_t when)
{
	uint64_t thresh, bg;

	(void)when;
	dirty_limits(m, &thresh, &bg);
	return global_node_page_state(m, NR_DIRTY) > (int64_t)bg;
}

void wb_flush(struct machine *m)
{
	uint64_t interval = (uint64_t)m->tun.dirty_writeback_centisecs * CENTISEC_NS;

	filemap_account_dirty(m);
	if (interval && m->sim_ns - m->wb_last_kupdate_ns >= interval) {
		m->wb_last_kupdate_ns = m->sim_ns;
		writeback_oldest(m, expired);
	}
	writeback_oldest(m, over_bg_thresh);
}

static int always(struct machine *m, uint64_t when)
{
	(void)m;
	(void)when;
	return 1;
}

void wb_start_all(struct machine *m)
{
	filemap_account_dirty(m);
	writeback_oldest(m, always);
}

int wb_sync_all(struct machine *m)
{
	int err = 0;

	for_each_inode(m, f) {
		int e = filemap_writeback(m, f);

		if (e && !err)
			err = e;
	}
	return err;
}

int mm_sync(struct machine *m, char *why, size_t whylen)
{
	int err;

	machine_lock(m);
	sim_advance(m, MM_TICK_NS);
	err = wb_sync_all(m);
	wb_flush(m);
	machine_unlock(m);
	if (err && why)
		snprintf(why, whylen, "writing back a page failed");
	return err;
}

int mm_file_fsync(struct machine *m, const char *path)
{
	struct file_ref *f;
	int err;

	machine_lock(m);
	sim_advance(m, MM_TICK_NS);
	err = file_open(m, path, MM_O_RDONLY, &f, NULL, 0);
	if (!err) {
		err = filemap_writeback(m, f);
		file_ref_put(f);
	}
	wb_flush(m);
	machine_unlock(m);
	return err;
}
