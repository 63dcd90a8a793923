/* SPDX-License-Identifier: MIT */
/*
 * memory.c - the fault path (kernel: handle_mm_fault and friends).
 *
 *   none PTE, anonymous VMA  -> do_anonymous_page: read maps the shared zero
 *                               page (not counted in Rss); write allocates
 *   none PTE, file/shmem VMA -> do_fault: the page-cache page, or for a
 *                               private write its anonymous copy (COW)
 *   present, write, RO PTE   -> do_wp_page: reuse an exclusive anonymous
 *                               page, copy a shared one, or (shared mapping)
 *                               make it writable and dirty
 *
 * A new anonymous page is not zeroed in host memory: it carries PG_zeroed
 * until someone writes bytes into it (proc/PID/mem), so a fault costs what
 * the bookkeeping costs, and reads of it return zeros.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "page_alloc.h"
#include "pgtable.h"
#include "memory.h"
#include "memory_internal.h"
#include "rmap.h"
#include "filemap.h"
#include "huge_memory.h"
#include "hugetlb.h"
#include "task.h"
#include "vma.h"

#define RLIMIT_STACK_DEFAULT (8ULL << 20)

static struct page *alloc_user_page(struct machine *m)
{
	struct page *page = alloc_pages(m, GFP_HIGHUSER_MOVABLE, 0, 0);

	if (page)
		SetPageFlag(page, PG_zeroed);
	return page;
}

static void copy_user_page(struct machine *m, struct page *dst, struct page *src)
{
	if (PageFlag(src, PG_zeroed) || page_to_pfn(m, src) == m->zero_pfn)
		SetPageFlag(dst, PG_zeroed);
	else {
		memcpy(page_address(m, dst), page_address(m, src), MM_PAGE_SIZE);
		ClearPageFlag(dst, PG_zeroed);
	}
}

/* A present PTE of an exclusive anonymous page (a forced write may go in place). */
int page_is_anon_pte(struct machine *m, pte_t pte)
{
	struct page *page;

	if (pte_pfn(pte) == m->zero_pfn)
		return 0;
	page = pfn_to_page(m, pte_pfn(pte));
	return page_is_anon(page) && page->mapcount == 1 && page->refcount == 1 &&
	       (!page_in_thp(m, page) || !*folio_entire_mapcount(compound_head_of(m, page)));
}

/* Unmap an anonymous or file page from one PTE and drop that reference. */
void unmap_pte_page(struct machine *m, struct mm_struct *mm, struct page *page)
{
	if (page_in_thp(m, page)) {
		thp_remove_pte(m, mm, page);
		return;
	}
	page_remove_rmap(m, mm, page);
	put_page(m, page);
}

/*
 * The entry that maps addr (a PTE, or a huge PMD) when it is present, and
 * the pfn of addr's 4 KiB page in *pfn; NULL when nothing is mapped.
 */
pte_t *follow_entry(struct machine *m, struct mm_struct *mm, uint64_t addr, uint64_t *pfn)
{
	pte_t *e = mm->pgd ? pmd_lookup(m, mm, addr, 0, NULL) : NULL;

	if (e && pmd_trans_huge(*e)) {
		*pfn = pte_pfn(*e) + ((addr & (PMD_SIZE - 1)) >> MM_PAGE_SHIFT);
		return e;
	}
	e = mm->pgd ? pte_lookup(m, mm, addr, 0, NULL) : NULL;
	if (!e || !pte_present(*e))
		return NULL;
	*pfn = pte_pfn(*e);
	return e;
}

/* Can the CPU access addr without a fault? Then mark the entry as it would. */
static int access_ok_nofault(struct machine *m, struct mm_struct *mm, uint64_t addr, int write)
{
	uint64_t pfn;
	pte_t *e = follow_entry(m, mm, addr, &pfn);

	if (!e || !(*e & _PAGE_PRESENT) || (write && !pte_write(*e)))
		return 0;
	*e |= _PAGE_ACCESSED | (write ? _PAGE_DIRTY : 0);
	return 1;
}

/*
 * A store dirtied a cache page: accounted and stamped for the flusher, and
 * outside readers of the file are told (their copy may be stale now).
 */
void set_page_dirty(struct machine *m, struct page *page)
{
	if (PageFlag(page, PG_dirty) || page_is_anon(page))
		return;
	if (page_is_shmem(page)) {
		/* shmem's noop_dirty_folio: the flag alone (no Dirty, no writeback) */
		SetPageFlag(page, PG_dirty);
		return;
	}
	filemap_mark_dirty(m, page);
	filemap_notify_page(m, page);
}

/* The PTE bits for a page of vma: writable only if asked and allowed. */
static pte_t mk_pte(struct machine *m, struct vm_area_struct *vma, struct page *page, int writable)
{
	pte_t pte = pfn_pte(page_to_pfn(m, page), vm_page_prot(vma->vm_flags) & ~_PAGE_RW);

	pte |= _PAGE_ACCESSED;
	if (writable && (vma->vm_flags & MM_VM_WRITE))
		pte |= _PAGE_RW | _PAGE_DIRTY;
	return pte;
}

static void map_new_anon(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma,
			 uint64_t addr, pte_t *pte, struct page *page, int dirty)
{
	anon_vma_prepare(mm, vma);
	page_add_new_anon_rmap(m, mm, page, vma, addr);
	*pte = mk_pte(m, vma, page, 1);
	if (dirty)
		*pte |= _PAGE_DIRTY;	/* a forced write into a read-only mapping */
	if (vma->vm_flags & MM_VM_LOCKED)
		mlock_page(m, page);
}

static unsigned do_anonymous_page(struct machine *m, struct mm_struct *mm,
				  struct vm_area_struct *vma, uint64_t addr, pte_t *pte, unsigned flags)
{
	struct page *page;

	if (!(flags & FAULT_FLAG_WRITE)) {
		*pte = pfn_pte(m->zero_pfn, vm_page_prot(vma->vm_flags) & ~_PAGE_RW) | _PAGE_ACCESSED;
		return 0;
	}
	page = alloc_user_page(m);
	if (!page)
		return VM_FAULT_OOM;
	map_new_anon(m, mm, vma, addr, pte, page, 1);
	return 0;
}

#define FAULT_AROUND_PAGES 16	/* fault_around_bytes = 64 KiB */

/* A cache page fault-around may map: uptodate, and not a readahead marker. */
static struct page *map_pages_candidate(struct file_ref *f, uint64_t index)
{
	struct page *page = filemap_find_page(f, index);

	if (!page || PageFlag(page, PG_readahead) || !PageFlag(page, PG_uptodate))
		return NULL;
	return page;
}

/*
 * do_fault_around and filemap_map_pages: a read fault also maps the pages
 * of a 64 KiB window around it (placed as below) that are already cached,
 * uptodate and not readahead markers, with old PTEs. Returns 1 if the
 * faulting page itself got mapped that way.
 *
 * When addr's PMD has no PTE table yet, the table is installed only if the
 * first such page of the window is not the file's last page (Linux 6.18
 * installs its preallocated table in filemap_map_pmd, which it skips for a
 * first folio reaching i_size's last page, so as not to map a PMD across
 * i_size; the PTE walk then finds no table): nothing is mapped then, and
 * the fault goes on without fault-around. Shmem is exempt.
 */
static int fault_around(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma,
			uint64_t addr)
{
	uint64_t win = FAULT_AROUND_PAGES << MM_PAGE_SHIFT;
	uint64_t from = addr & ~(win - 1), to, size;
	struct file_ref *f = vma->vm_file;
	int mapped_self = 0;

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
	if (linear_page_index(vma, from) >= size)
		return 0;
	if (linear_page_index(vma, to - 1) >= size)
		to = from + ((size - linear_page_index(vma, from)) << MM_PAGE_SHIFT);
	if (!pte_lookup(m, mm, addr, 0, NULL)) {
		uint64_t a = from;

		while (a < to && !map_pages_candidate(f, linear_page_index(vma, a)))
			a += MM_PAGE_SIZE;
		if (a == to || (!page_is_shmem(filemap_find_page(f, linear_page_index(vma, a))) &&
				linear_page_index(vma, a) == size - 1))
			return 0;
	}
	for (uint64_t a = from; a < to; a += MM_PAGE_SIZE) {
		struct page *page = map_pages_candidate(f, linear_page_index(vma, a));
		pte_t *pte;

		if (!page)
			continue;
		pte = pte_lookup(m, mm, a, 1, NULL);
		if (!pte || !pte_none(*pte))
			continue;
		page_add_file_rmap(m, mm, page);
		*pte = mk_pte(m, vma, page, page_is_shmem(page)) & ~(_PAGE_DIRTY | _PAGE_ACCESSED);
		if (a == addr) {
			*pte |= _PAGE_ACCESSED;
			mapped_self = 1;
		}
		if (vma->vm_flags & MM_VM_LOCKED)
			mlock_page(m, page);
	}
	return mapped_self;
}

/*
 * A fault on a none PTE of a file or shmem VMA (kernel: do_fault). The PTE
 * table is allocated only when a page is mapped (finish_fault), so a fault
 * that ends in SIGBUS leaves none behind.
 */
static unsigned do_fault(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma,
			 uint64_t addr, unsigned flags)
{
	uint64_t index = linear_page_index(vma, addr);
	int major = 0, err = 0, write = flags & FAULT_FLAG_WRITE, cached, async = 0;
	struct page *page;
	unsigned ret;
	pte_t *pte;

	if (!write && !(flags & FAULT_FLAG_REMOTE) && fault_around(m, mm, vma, addr))
		return 0;
	/* do_cow_fault prepares the anon_vma first: it stays if the read fails (SIGBUS) */
	if (write && !(vma->vm_flags & MM_VM_SHARED))
		anon_vma_prepare(mm, vma);
	page = filemap_find_page(vma->vm_file, index);
	cached = page != NULL;
	if (page)
		async = filemap_readahead_hit(m, vma->vm_file, vma->vm_flags, page);
	else if (index < filemap_size_pages(m, vma->vm_file))
		filemap_readahead_miss(m, vma->vm_file, vma->vm_flags, index, vma->vm_pgoff,
				       vma->vm_pgoff + vma_pages(vma));
	page = filemap_get_page(m, vma->vm_file, index, &major, &err);
	/* the fault waited for I/O (its own read or the readahead it started): major */
	if (page && !cached && !page_is_shmem(page) && !PageFlag(page, PG_zeroed))
		major = 1;
	ret = major ? VM_FAULT_MAJOR : 0;
	if (!page)
		return err == -EFAULT ? VM_FAULT_SIGBUS : VM_FAULT_OOM;
	/*
	 * filemap_fault drops mmap_lock for a read (the page was not cached)
	 * or for async readahead at a marker, and the fault is retried
	 * (VM_FAULT_RETRY): the retry's fault-around maps the window's cached
	 * pages, this one among them. A remote access cannot retry; shmem
	 * never drops the lock; a write fault has no fault-around.
	 */
	if (!write && !(flags & FAULT_FLAG_REMOTE) && (!cached || async) && !page_is_shmem(page) &&
	    fault_around(m, mm, vma, addr))
		return ret;
	pte = pte_lookup(m, mm, addr, 1, NULL);
	if (!pte)
		return VM_FAULT_OOM;
	if ((flags & FAULT_FLAG_WRITE) && !(vma->vm_flags & MM_VM_SHARED)) {
		struct page *copy = alloc_user_page(m);	/* do_cow_fault */

		if (!copy)
			return VM_FAULT_OOM;
		copy_user_page(m, copy, page);
		map_new_anon(m, mm, vma, addr, pte, copy, 1);
		return ret;
	}
	page_add_file_rmap(m, mm, page);
	if (flags & FAULT_FLAG_WRITE) {
		*pte = mk_pte(m, vma, page, 1);
		set_page_dirty(m, page);
	} else {
		/* shmem needs no write notification: its PTEs may start writable */
		*pte = mk_pte(m, vma, page, page_is_shmem(page));
		if (page_is_shmem(page))
			*pte &= ~_PAGE_DIRTY;
	}
	if (vma->vm_flags & MM_VM_LOCKED)
		mlock_page(m, page);
	return ret;
}

static unsigned do_wp_page(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma,
			   uint64_t addr, pte_t *pte, unsigned flags)
{
	uint64_t pfn = pte_pfn(*pte);
	struct page *old = pfn == m->zero_pfn ? NULL : pfn_to_page(m, pfn), *copy;
	int forced = !(vma->vm_flags & MM_VM_WRITE);

	if (old && (vma->vm_flags & MM_VM_SHARED)) {
		*pte |= _PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED;
		set_page_dirty(m, old);
		return 0;
	}
	if (old && page_is_anon_pte(m, *pte)) {
		/* the only user: write to it in place (wp_page_reuse) */
		SetPageFlag(old, PG_anon_exclusive);
		*pte |= _PAGE_DIRTY | _PAGE_ACCESSED | (forced ? 0 : _PAGE_RW);
		count_vm_event(m, PGREUSE);
		return 0;
	}
	copy = alloc_user_page(m);
	if (!copy)
		return VM_FAULT_OOM;
	if (old) {
		copy_user_page(m, copy, old);
		unmap_pte_page(m, mm, old);
	}
	map_new_anon(m, mm, vma, addr, pte, copy, forced);
	if (forced)
		*pte &= ~_PAGE_RW;
	return 0;
}

/*
 * The PMD level of a fault (kernel: __handle_mm_fault): a hugetlb VMA, an
 * empty PMD of a THP-eligible range, or a huge PMD. VM_FAULT_FALLBACK sends
 * the fault on to the PTE level.
 */
static unsigned huge_pmd_fault(struct machine *m, struct mm_struct *mm,
			       struct vm_area_struct *vma, uint64_t addr, unsigned flags)
{
	uint64_t haddr = addr & ~(PMD_SIZE - 1);
	pte_t *pmd = pmd_lookup(m, mm, addr, 1, NULL);

	if (!pmd)
		return VM_FAULT_OOM;
	if (vma->vm_flags & MM_VM_HUGETLB)
		return hugetlb_fault(m, mm, vma, haddr, pmd, flags & FAULT_FLAG_WRITE);
	if (pte_none(*pmd) && thp_vma_suitable(m, vma, haddr))
		return do_huge_pmd_anonymous_page(m, mm, vma, haddr, pmd, flags);
	if (!pmd_trans_huge(*pmd))
		return VM_FAULT_FALLBACK;
	if ((flags & FAULT_FLAG_WRITE) && !pte_write(*pmd))
		return do_huge_pmd_wp_page(m, mm, vma, haddr, pmd);
	*pmd |= _PAGE_ACCESSED | ((flags & FAULT_FLAG_WRITE) ? _PAGE_DIRTY : 0);
	return 0;
}

unsigned handle_mm_fault(struct machine *m, struct task *t, struct vm_area_struct *vma,
			 uint64_t addr, unsigned flags)
{
	struct mm_struct *mm = t->mm;
	unsigned ret;
	pte_t *pte;

	addr &= ~(MM_PAGE_SIZE - 1);
	if (!mm->pgd && pgd_alloc(m, mm))
		return VM_FAULT_OOM;
	ret = huge_pmd_fault(m, mm, vma, addr, flags);
	if (!(ret & VM_FAULT_FALLBACK))
		goto done;
	/* a file fault allocates its PTE table only if it maps something */
	pte = pte_lookup(m, mm, addr, vma_is_anonymous(vma) || vma->special != VMA_SPECIAL_NONE,
			 NULL);
	if (!pte && !vma_is_anonymous(vma) && vma->special == VMA_SPECIAL_NONE) {
		ret = do_fault(m, mm, vma, addr, flags);
	} else if (!pte) {
		return VM_FAULT_OOM;
	} else if (pte_none(*pte)) {
		if (vma->special != VMA_SPECIAL_NONE)
			ret = 0;	/* vvar/vdso: nothing the model maps */
		else if (vma_is_anonymous(vma))
			ret = do_anonymous_page(m, mm, vma, addr, pte, flags);
		else
			ret = do_fault(m, mm, vma, addr, flags);
	} else if (pte_is_swap(*pte)) {
		ret = VM_FAULT_SIGBUS;	/* swap-in comes with the reclaim work */
	} else if ((flags & FAULT_FLAG_WRITE) && !pte_write(*pte)) {
		ret = do_wp_page(m, mm, vma, addr, pte, flags);
	} else {
		*pte |= _PAGE_ACCESSED | ((flags & FAULT_FLAG_WRITE) ? _PAGE_DIRTY : 0);
		ret = 0;
	}
done:
	count_vm_event(m, PGFAULT);
	if (ret & VM_FAULT_ERROR)
		return ret;
	if (ret & VM_FAULT_MAJOR) {
		count_vm_event(m, PGMAJFAULT);
		if (!(flags & FAULT_FLAG_REMOTE))
			t->maj_flt++;
	} else if (!(flags & FAULT_FLAG_REMOTE)) {
		t->min_flt++;
	}
	return ret;
}

/*
 * Grow a stack VMA down to addr (kernel: expand_downwards), or -ENOMEM.
 * Past the guard gap check the VMA gets its anon_vma, even if the growth
 * then fails (that keeps VM_ACCOUNT through a later mprotect to read-only,
 * and decides what it may merge with).
 */
static int expand_stack(struct mm_struct *mm, struct vm_area_struct *vma, uint64_t addr)
{
	struct vm_area_struct *prev = vma_prev_of(vma);

	addr &= ~(MM_PAGE_SIZE - 1);
	if (prev && !(prev->vm_flags & MM_VM_GROWSDOWN) &&
	    (prev->vm_flags & (MM_VM_READ | MM_VM_WRITE | MM_VM_EXEC)) &&
	    addr - prev->vm_end < STACK_GUARD_GAP)
		return -ENOMEM;
	if (prev && prev->vm_end > addr)
		return -ENOMEM;
	anon_vma_prepare(mm, vma);
	if (vma->vm_end - addr > RLIMIT_STACK_DEFAULT)
		return -ENOMEM;
	vma_adjust(mm, vma, addr, vma->vm_end,
		   vma->vm_pgoff - ((vma->vm_start - addr) >> MM_PAGE_SHIFT));
	return 0;
}

static void log_fault(struct machine *m, struct task *t, struct vm_area_struct *vma,
		      uint64_t addr, int write, int prot, unsigned fault)
{
	char where[MM_SNAP_PATH_MAX + 64] = "";

	if (vma)
		snprintf(where, sizeof(where), " in %s[%llx+%llx]",
			 vma->vm_file ? strrchr(vma->vm_file->path, '/') + 1 : t->comm,
			 (unsigned long long)vma->vm_start,
			 (unsigned long long)(vma->vm_end - vma->vm_start));
	if (fault & VM_FAULT_SIGBUS)
		kmsg_add(m, "%s[%d]: bus error at %llx (beyond the end of the mapped object)%s",
			 t->comm, t->pid, (unsigned long long)addr, where);
	else
		kmsg_add(m, "%s[%d]: segfault at %llx ip 0000000000000000 sp 0000000000000000 "
			 "error %x%s likely on CPU 0 (core 0, socket 0)", t->comm, t->pid,
			 (unsigned long long)addr, 4 | (write ? 2 : 0) | (prot ? 1 : 0), where);
}

int touch_range(struct machine *m, struct task *t, uint64_t addr, uint64_t len, int write,
		char *why, size_t whylen)
{
	uint64_t end = addr + len, a = addr & ~(MM_PAGE_SIZE - 1);

	if (end < addr) {
		snprintf(why, whylen, "addr + len overflows");
		return -EINVAL;
	}
	for (; a < end; a += MM_PAGE_SIZE) {
		struct vm_area_struct *vma;
		uint64_t allowed = write ? MM_VM_WRITE : (MM_VM_READ | MM_VM_WRITE | MM_VM_EXEC);
		uint64_t at = a < addr ? addr : a;
		unsigned fault;

		if (step_boundary(a) && a != (addr & ~(MM_PAGE_SIZE - 1)) && resched_or_killed(m, t)) {
			snprintf(why, whylen, "interrupted at %#llx: the process is being killed",
				 (unsigned long long)a);
			return -EINTR;
		}
		vma = vma_find(t->mm, a);

		if (vma && vma->vm_start > a && (!(vma->vm_flags & MM_VM_GROWSDOWN) ||
						 expand_stack(t->mm, vma, a)))
			vma = NULL;
		if (!vma || !(vma->vm_flags & allowed)) {
			log_fault(m, t, vma, at, write, vma && page_resident(m, t->mm, vma, a), 0);
			snprintf(why, whylen, "segfault at %#llx (%s)", (unsigned long long)at,
				 !vma ? "no mapping" : write ? "not writable" : "not readable");
			return -EFAULT;
		}
		if (access_ok_nofault(m, t->mm, a, write))
			continue;
		fault = handle_mm_fault(m, t, vma, a, write ? FAULT_FLAG_WRITE : 0);
		if (fault & VM_FAULT_OOM) {
			snprintf(why, whylen, "out of memory at %#llx", (unsigned long long)at);
			return -ENOMEM;
		}
		if (fault & VM_FAULT_ERROR) {
			log_fault(m, t, vma, at, write, 0, fault);
			snprintf(why, whylen, "bus error at %#llx (past the end of the file)",
				 (unsigned long long)at);
			return -EFAULT;
		}
	}
	return 0;
}

int faultin_range(struct machine *m, struct task *t, struct vm_area_struct *vma,
		   uint64_t start, uint64_t end, int write)
{
	unsigned flags = 0;

	/* FAULTIN_POPULATE: write faults break COW in private writable mappings */
	if (write == FAULTIN_WRITE || (write == FAULTIN_POPULATE &&
	    (vma->vm_flags & (MM_VM_WRITE | MM_VM_SHARED)) == MM_VM_WRITE))
		flags |= FAULT_FLAG_WRITE;
	if (vma->vm_flags & (MM_VM_IO | MM_VM_PFNMAP))
		return 0;
	for (uint64_t a = start; a < end; a += MM_PAGE_SIZE) {
		unsigned fault;
		uint64_t pfn;
		pte_t *e;

		if (step_boundary(a) && a != start && resched_or_killed(m, t))
			return -EINTR;
		e = follow_entry(m, t->mm, a, &pfn);

		if (e && (*e & _PAGE_PRESENT) && (!(flags & FAULT_FLAG_WRITE) || pte_write(*e)))
			continue;
		fault = handle_mm_fault(m, t, vma, a, flags);
		if (fault & VM_FAULT_OOM)
			return -ENOMEM;
		if (fault & VM_FAULT_ERROR)
			return -EFAULT;
	}
	return 0;
}
