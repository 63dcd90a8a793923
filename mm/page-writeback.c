/* SPDX-License-Identifier: MIT */
/*
 * page-writeback.c - writing dirty page-cache pages back to backing=DIR
 * (kernel: mm/page-writeback.c, fs/sync.c).
 *
 * Writeback of a page first makes it clean everywhere it is mapped
 * (page_mkclean: every PTE mapping it loses its dirty and write bits, so
 * the next store faults and dirties it again), then writes its bytes to
 * the backing file, never past the file's end. Shmem pages have no backing
 * file and stay as they are. `sync` writes back everything; the dirty
 * expiry flusher will build on writeback_inode().
 */
#include <fcntl.h>
#include <stdio.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"
#include "page_alloc.h"
#include "filemap.h"
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

		if (!t || !t->mm || !t->mm->pgd)
			continue;
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

static int backing_fd(struct machine *m, struct file_ref *inode)
{
	struct open_how how = { .flags = O_RDWR | O_CLOEXEC,
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS };
	long fd;

	if (inode->host_fd >= 0) {
		int fl = fcntl(inode->host_fd, F_GETFL);

		if (fl >= 0 && (fl & O_ACCMODE) == O_RDWR)
			return inode->host_fd;
		close(inode->host_fd);	/* opened read-only for faults: reopen to write */
		inode->host_fd = -1;
	}
	fd = syscall(SYS_openat2, m->backing_fd, inode->path + 1, &how, sizeof(how));
	if (fd < 0)
		return -1;
	inode->host_fd = (int)fd;
	return inode->host_fd;
}

static int write_page(struct machine *m, struct file_ref *inode, struct page *page)
{
	static const char zeros[MM_PAGE_SIZE];
	const char *src = PageFlag(page, PG_zeroed) ? zeros : page_address(m, page);
	uint64_t off = page->index << MM_PAGE_SHIFT;
	int fd = backing_fd(m, inode);
	struct stat st;
	size_t n;

	if (fd < 0 || fstat(fd, &st))
		return -EIO;
	if (off >= (uint64_t)st.st_size)
		return 0;	/* truncated away meanwhile: nothing to write */
	n = (uint64_t)st.st_size - off < MM_PAGE_SIZE ? (size_t)((uint64_t)st.st_size - off)
						       : MM_PAGE_SIZE;
	return pwrite(fd, src, n, (off_t)off) == (ssize_t)n ? 0 : -EIO;
}

int writeback_page(struct machine *m, struct page *page)
{
	struct file_ref *inode = page->mapping;
	struct pglist_data *pgdat;
	int err;

	if (!inode || !PageFlag(page, PG_dirty) || PageFlag(page, PG_swapbacked))
		return 0;
	page_mkclean(m, page);
	err = write_page(m, inode, page);
	if (err)
		return err;
	ClearPageFlag(page, PG_dirty);
	pgdat = m->node[page_zone(m, page)->nid];
	mod_node_page_state(pgdat, NR_DIRTY, -1);
	mod_node_page_state(pgdat, NR_WRITTEN, 1);
	count_vm_events(m, PGPGOUT, 4);
	return 0;
}

int mm_sync(struct machine *m, char *why, size_t whylen)
{
	int err = 0;

	machine_lock(m);
	sim_advance(m, MM_TICK_NS);
	for (int i = 0; i < FILE_TABLE_BUCKETS; i++)
		for (struct file_ref *f = m->file_table[i]; f; f = f->hash_next) {
			int e = filemap_writeback(m, f);

			if (e && !err)
				err = e;
		}
	machine_unlock(m);
	if (err && why)
		snprintf(why, whylen, "writing back a page failed");
	return err;
}
