// SPDX-License-Identifier: MIT
/*
 * memory_file.c - faults on file and shmem VMAs, as Linux 6.18 takes them
 * (kernel: do_fault, do_read_fault, do_cow_fault, do_shared_fault,
 * finish_fault, do_fault_around of mm/memory.c; filemap_fault's retry and
 * filemap_map_pages of mm/filemap.c).
 *
 * A read fault first maps what is cached around it (fault-around); if
 * that did not map the faulting page, the page is looked up or read
 * (readahead.c decides what else is read), and a read that had to wait
 * for I/O is retried, which faults around again. The page is then mapped
 * with the rest of its folio when the folio fits the VMA and the PTE
 * table. A private store maps an anonymous copy of the one page; a shared
 * store maps the folio writable and dirties it.
 *
 * A PTE table is allocated only when a page gets mapped, so a fault that
 * ends in SIGBUS leaves none.
 */
#include "internal.h"
#include "trace.h"
#include "filemap.h"
#include "memory.h"
#include "memory_internal.h"
#include "readahead.h"
#include "rmap.h"
#include "vma.h"

#define FAULT_AROUND_PAGES 16	/* fault_around_bytes = 64 KiB */

/* A cached page fault-around may map: its folio is uptodate and not a readahead marker. */
static struct page *map_pages_candidate(struct file_ref *f, uint64_t index)
{
	struct page *page = filemap_find_page(f, index);

	if (!page || PageFlag(page, PG_readahead) || !PageFlag(page, PG_uptodate))
		return NULL;
	return page;
}

/* The user address of file page index in vma. */
static uint64_t index_addr(const struct vm_area_struct *vma, uint64_t index)
{
	return vma->vm_start + ((index - vma->vm_pgoff) << MM_PAGE_SHIFT);
}

/* Whether the folio of page lies inside vma and inside one PTE table there. */
static int folio_fits(const struct vm_area_struct *vma, struct page *page)
{
	uint64_t first = folio_index(page), nr = folio_nr_pages(page), a;

	if (first < vma->vm_pgoff || first + nr > vma->vm_pgoff + vma_pages(vma))
		return 0;
	a = index_addr(vma, first);
	return (a & ~(PMD_SIZE - 1)) == ((a + (nr << MM_PAGE_SHIFT) - 1) & ~(PMD_SIZE - 1));
}

/* Map cached page at addr of vma: an old, clean PTE (young for the faulting one). */
static void map_cache_pte(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma,
			  uint64_t addr, pte_t *pte, struct page *page, int young)
{
	page_add_file_rmap(m, mm, page);
	*pte = mk_pte(m, vma, page, page_is_shmem(page)) & ~(_PAGE_DIRTY | _PAGE_ACCESSED);
	if (young)
		*pte |= _PAGE_ACCESSED;
	if (vma->vm_flags & MM_VM_LOCKED)
		mlock_page(m, page);
}

/*
 * do_fault_around and filemap_map_pages: a read fault also maps the cached
 * pages of a 64 KiB window around it (placed as below) whose folios are
 * uptodate and not readahead markers. Returns 1 if the faulting page
 * itself got mapped that way.
 *
 * The first such folio decides two things (can_map_large): whether it lies
 * wholly before the file's last page (shmem: always), so that
 *  - a PMD with no PTE table yet gets one (Linux installs its preallocated
 *    table only in filemap_map_pmd, which it skips otherwise, so as not to
 *    map a PMD across i_size: the PTE walk then finds no table and nothing
 *    is mapped);
 *  - a folio that lies inside the VMA and one PTE table is mapped whole,
 *    pages outside the window included; else only its pages in the window.
 */
static int fault_around(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma,
			uint64_t addr)
{
	uint64_t win = FAULT_AROUND_PAGES << MM_PAGE_SHIFT;
	uint64_t from = addr & ~(win - 1), to, size, start_pgoff, end_pgoff, i;
	struct file_ref *f = vma->vm_file;
	struct page *first = NULL;
	int mapped_self = 0, can_map_large;

	/*
	 * The window starts at the aligned 64 KiB block or the VMA's start,
	 * whichever is later, and runs 64 KiB from there (so a VMA starting
	 * inside the block gets pages past it), clipped to the VMA and to the
	 * PTE table (do_fault_around's from_pte and to_pte), and to i_size.
	 */
	if (from < vma->vm_start)
		from = vma->vm_start;
	to = from + win;
	if (to > vma->vm_end)
		to = vma->vm_end;
	if (to > (addr | (PMD_SIZE - 1)) + 1)
		to = (addr | (PMD_SIZE - 1)) + 1;
	size = filemap_size_pages(m, f);
	start_pgoff = linear_page_index(vma, from);
	end_pgoff = linear_page_index(vma, to - 1);
	if (start_pgoff >= size)
		return 0;
	if (end_pgoff > size - 1)
		end_pgoff = size - 1;
	trace_mm_filemap_map_pages(m, file_inode(f)->ino, start_pgoff, end_pgoff);
	for (i = start_pgoff; i <= end_pgoff && !first; i++)
		first = map_pages_candidate(f, i);
	if (!first)
		return 0;
	can_map_large = shmem_mapping(file_inode(f)) ||
			size - 1 >= folio_index(first) + folio_nr_pages(first);
	if (!can_map_large && !pte_lookup(m, mm, addr, 0, NULL))
		return 0;
	for (i = start_pgoff; i <= end_pgoff;) {
		struct page *page = filemap_find_page(f, i);
		uint64_t lo = i, hi, next;

		if (!page) {
			i++;
			continue;
		}
		next = folio_index(page) + folio_nr_pages(page);
		if (!map_pages_candidate(f, i)) {
			i = next;
			continue;
		}
		hi = next - 1 < end_pgoff ? next - 1 : end_pgoff;
		if (can_map_large && folio_fits(vma, page)) {
			lo = folio_index(page);
			hi = next - 1;
		}
		for (uint64_t j = lo; j <= hi; j++) {
			uint64_t a = index_addr(vma, j);
			pte_t *pte = pte_lookup(m, mm, a, 1, NULL);

			if (!pte || !pte_none(*pte))
				continue;
			map_cache_pte(m, mm, vma, a, pte, filemap_find_page(f, j), a == addr);
			mapped_self |= a == addr;
		}
		i = next;
	}
	return mapped_self;
}

/*
 * finish_fault of a read or shared write fault: the page at addr, or its
 * whole folio when the folio lies inside the VMA and the PTE table there,
 * ends before i_size's end and none of its PTEs is set (else only the
 * page). A write maps them writable and dirties them. VM_FAULT_OOM or 0.
 */
static unsigned finish_fault(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma,
			     uint64_t addr, struct page *page, int write)
{
	uint64_t nr = folio_nr_pages(page), idx = page->index - folio_index(page), first = addr;
	uint64_t pte_off = (addr >> MM_PAGE_SHIFT) & (PTRS_PER_TABLE - 1);
	uint64_t vma_off = (addr - vma->vm_start) >> MM_PAGE_SHIFT;
	pte_t *pte = pte_lookup(m, mm, addr, 1, NULL);

	if (!pte)
		return VM_FAULT_OOM;
	if (nr > 1 && (vma_off < idx || vma_off + nr - idx > vma_pages(vma) || pte_off < idx ||
		       pte_off + nr - idx > PTRS_PER_TABLE ||
		       (!shmem_mapping(page->mapping) &&
			filemap_size_pages(m, vma->vm_file) < folio_index(page) + nr)))
		nr = 1;
	if (nr > 1) {
		first = addr - (idx << MM_PAGE_SHIFT);
		for (uint64_t i = 0; i < nr && nr > 1; i++)
			if (!pte_none(*pte_lookup(m, mm, first + (i << MM_PAGE_SHIFT), 0, NULL)))
				nr = 1;	/* a PTE of it is set: this page alone */
		if (nr == 1)
			first = addr;
	}
	for (uint64_t i = 0; i < nr; i++) {
		uint64_t a = first + (i << MM_PAGE_SHIFT);
		struct page *p = nr > 1 ? filemap_find_page(page->mapping, folio_index(page) + i) : page;

		pte = pte_lookup(m, mm, a, 1, NULL);
		page_add_file_rmap(m, mm, p);
		if (write) {
			*pte = mk_pte(m, vma, p, 1);
			set_page_dirty(m, p);
		} else {
			/* shmem needs no write notification: its PTEs may start writable */
			*pte = mk_pte(m, vma, p, page_is_shmem(p));
			if (page_is_shmem(p))
				*pte &= ~_PAGE_DIRTY;
		}
		if (vma->vm_flags & MM_VM_LOCKED)
			mlock_page(m, p);
	}
	return 0;
}

unsigned do_fault(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma,
		  uint64_t addr, unsigned flags)
{
	uint64_t index = linear_page_index(vma, addr);
	int write = flags & FAULT_FLAG_WRITE, around = !write && !(flags & FAULT_FLAG_REMOTE);
	unsigned ret = 0;
	struct page *page;

	/* do_cow_fault prepares the anon_vma first: it stays if the read fails (SIGBUS) */
	if (write && !(vma->vm_flags & MM_VM_SHARED))
		anon_vma_prepare(mm, vma);
	for (;;) {
		int major = 0, err = 0, cached, async = 0;

		if (around && fault_around(m, mm, vma, addr))
			return ret;
		if (!shmem_mapping(file_inode(vma->vm_file)))	/* shmem_fault has no event */
			trace_mm_filemap_fault(m, file_inode(vma->vm_file)->ino, index);
		page = filemap_find_page(vma->vm_file, index);
		cached = page != NULL;
		if (page)
			async = do_async_mmap_readahead(m, vma, page, index);
		else if (index < filemap_size_pages(m, vma->vm_file))
			do_sync_mmap_readahead(m, vma, index);
		/* shmem pages follow the VMA's policy (shmem_alloc_folio's); file pages the task's */
		if (shmem_mapping(file_inode(vma->vm_file))) {
			m->policy_vma = vma;
			m->policy_addr = addr;
		}
		page = filemap_get_page(m, vma->vm_file, index, &major, &err);
		m->policy_vma = NULL;
		if (!page)
			return err == -EFAULT ? VM_FAULT_SIGBUS : VM_FAULT_OOM;
		/* the fault waited for I/O (its own read or the readahead it started): major */
		if (major || (!cached && !page_is_shmem(page) && !PageFlag(page, PG_zeroed)))
			ret |= VM_FAULT_MAJOR;
		/*
		 * filemap_fault drops mmap_lock for a read (the page was not
		 * cached) or for async readahead at a marker, and the fault is
		 * retried (VM_FAULT_RETRY): with FAULT_FLAG_TRIED, whose
		 * fault-around maps the window's cached pages, this one among
		 * them, and which starts no readahead; or as a new fault
		 * (FAULT_FLAG_RETRY_FRESH). A remote access cannot retry; shmem
		 * never drops the lock; a write fault has no fault-around.
		 */
		if ((cached && !async) || page_is_shmem(page) || (flags & FAULT_FLAG_REMOTE))
			break;
		if (!(flags & FAULT_FLAG_RETRY_FRESH)) {
			if (around && fault_around(m, mm, vma, addr))
				return ret;
			break;
		}
	}
	if (write && !(vma->vm_flags & MM_VM_SHARED)) {
		struct page *copy;

		page_owner_site(m, PO_SITE_COW_FILE);
		copy = alloc_user_page(m, vma, addr);	/* do_cow_fault */
		pte_t *pte = pte_lookup(m, mm, addr, 1, NULL);

		if (!copy || !pte) {
			if (copy)
				put_page(m, copy);
			return VM_FAULT_OOM;
		}
		copy_user_page(m, copy, page);
		map_new_anon(m, mm, vma, addr, pte, copy, 1);
		return ret;
	}
	return finish_fault(m, mm, vma, addr, page, write) | ret;
}
