/* SPDX-License-Identifier: MIT */
/*
 * memory_range.c - what happens to the pages of a range when its mapping
 * changes (kernel: zap_page_range in memory.c, change_protection in
 * mprotect.c, move_page_tables in mremap.c, mlock's page walk): unmap,
 * re-protect, (un)lock, move, and the residency mincore reports.
 */
#include "internal.h"
#include "page_alloc.h"
#include "pgtable.h"
#include "memory.h"
#include "memory_internal.h"
#include "rmap.h"
#include "swap.h"
#include "filemap.h"
#include "huge_memory.h"
#include "hugetlb.h"
#include "task.h"
#include "vma.h"

struct zap_arg {
	struct vm_area_struct *vma;
};

static int locked_at(struct mm_struct *mm, uint64_t addr)
{
	struct vm_area_struct *vma = vma_find(mm, addr);

	return vma && vma->vm_start <= addr && (vma->vm_flags & MM_VM_LOCKED);
}

static int zap_one(struct machine *m, struct mm_struct *mm, uint64_t addr, pte_t *pte, void *arg)
{
	pte_t old = *pte;
	struct page *page;
	int swapcache;

	(void)arg;
	if (step_boundary(addr))
		cond_resched(m);	/* an unmap always finishes, but readers get in */
	*pte = 0;
	if (pte_is_swap(old)) {
		zap_swap_pte(m, mm, old);
		return 0;
	}
	if (pte_pfn(old) == m->zero_pfn)
		return 0;
	page = pfn_to_page(m, pte_pfn(old));
	if (pte_dirty(old))
		set_page_dirty(m, page);
	swapcache = PageFlag(page, PG_swapcache);	/* then the cache's reference keeps it */
	unmap_pte_page(m, mm, page);
	/* free_swap_cache: the folio's last mapping gone, nothing will fault the copy in */
	if (swapcache && (page_in_thp(m, page) ? !thp_mapped(compound_head_of(m, page))
					      : !page->mapcount))
		folio_free_swap(m, page);
	/*
	 * munlock_vma_folio: a locked VMA's mapping went, others may remain. A
	 * THP's mlock belongs to the folio and ends with its last PMD (as
	 * mlock_one, a PTE-mapped THP page is never mlocked on its own)
	 */
	if (page->mapcount && !page_in_thp(m, page) && PageFlag(page, PG_mlocked) &&
	    locked_at(mm, addr) &&
	    !page_locked_mappings(m, page))
		munlock_page(m, page);
	return 0;
}

/* A huge PMD goes whole when the range covers it, else it is split first. */
static int zap_pmd(struct machine *m, struct mm_struct *mm, uint64_t addr, uint64_t end,
		   pte_t *pmd, void *arg)
{
	struct zap_arg *za = arg;

	cond_resched(m);
	if (za->vma->vm_flags & MM_VM_HUGETLB) {
		hugetlb_zap_pmd(m, mm, za->vma, pmd);	/* hugetlb ranges are 2 MiB-aligned */
		return 0;
	}
	if (!(addr & (PMD_SIZE - 1)) && end - addr == PMD_SIZE) {
		zap_huge_pmd(m, mm, pmd);
		return 0;
	}
	return split_huge_pmd(m, mm, addr & ~(PMD_SIZE - 1), pmd);
}

void zap_page_range(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma,
		    uint64_t start, uint64_t end)
{
	struct zap_arg za = { vma };

	walk_range(m, mm, start, end, zap_pmd, zap_one, &za);
}

/* As zap_one, for a PTE that maps a page of the page cache; others stay. */
static int zap_cache_one(struct machine *m, struct mm_struct *mm, uint64_t addr, pte_t *pte,
			 void *arg)
{
	if (!pte_present(*pte) || pte_pfn(*pte) == m->zero_pfn ||
	    page_is_anon(pfn_to_page(m, pte_pfn(*pte))))
		return 0;
	return zap_one(m, mm, addr, pte, arg);
}

/* walk_ptes splits huge PMDs, so that only the cache's pages go. */
void zap_mapping_pages(struct machine *m, struct mm_struct *mm, uint64_t start, uint64_t end)
{
	walk_ptes(m, mm, start, end, zap_cache_one, NULL);
}

static int protect_one(struct machine *m, struct mm_struct *mm, uint64_t addr, pte_t *pte, void *arg)
{
	struct vm_area_struct *vma = arg;
	uint64_t flags = vma->vm_flags, pfn = pte_pfn(*pte);
	pte_t keep = *pte & (_PAGE_ACCESSED | _PAGE_DIRTY);
	struct page *page = pfn == m->zero_pfn ? NULL : pfn_to_page(m, pfn);
	int writable = 0;

	(void)mm;
	if (step_boundary(addr))
		cond_resched(m);
	if (pte_is_swap(*pte))
		return 0;
	if (page && (flags & MM_VM_WRITE)) {
		if (flags & MM_VM_SHARED)
			writable = page_is_shmem(page) || PageFlag(page, PG_dirty);
		else
			writable = page_is_anon(page) && page->mapcount == 1 && (keep & _PAGE_DIRTY);
	}
	*pte = pfn_pte(pfn, vm_page_prot(flags) & ~_PAGE_RW) | keep | (writable ? _PAGE_RW : 0);
	return 0;
}

static int protect_pmd(struct machine *m, struct mm_struct *mm, uint64_t addr, uint64_t end,
		       pte_t *pmd, void *arg)
{
	struct vm_area_struct *vma = arg;
	int none = !(vma->vm_flags & (MM_VM_READ | MM_VM_WRITE | MM_VM_EXEC));

	if (vma->vm_flags & MM_VM_HUGETLB) {
		hugetlb_change_pmd(m, vma, pmd);
		return 0;
	}
	if (!(addr & (PMD_SIZE - 1)) && end - addr == PMD_SIZE && !none) {
		change_huge_pmd(m, vma, pmd);
		return 0;
	}
	return split_huge_pmd(m, mm, addr & ~(PMD_SIZE - 1), pmd);
}

void change_protection(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma,
		       uint64_t start, uint64_t end)
{
	walk_range(m, mm, start, end, protect_pmd, protect_one, vma);
}

static int mlock_one(struct machine *m, struct mm_struct *mm, uint64_t addr, pte_t *pte, void *arg)
{
	(void)mm;
	if (step_boundary(addr))
		cond_resched(m);
	if (!pte_present(*pte) || pte_pfn(*pte) == m->zero_pfn ||
	    page_in_thp(m, pfn_to_page(m, pte_pfn(*pte))))
		return 0;	/* a PTE-mapped THP is never mlocked */
	if (arg)
		mlock_page(m, pfn_to_page(m, pte_pfn(*pte)));
	else if (!page_locked_mappings(m, pfn_to_page(m, pte_pfn(*pte))))
		munlock_page(m, pfn_to_page(m, pte_pfn(*pte)));	/* no other locked VMA maps it */
	return 0;
}

static int mlock_pmd(struct machine *m, struct mm_struct *mm, uint64_t addr, uint64_t end,
		     pte_t *pmd, void *arg)
{
	if (PageFlag(pfn_to_page(m, pte_pfn(*pmd)), PG_hugetlb))
		return 0;	/* hugetlb pages are not on the LRU */
	if (!(addr & (PMD_SIZE - 1)) && end - addr == PMD_SIZE) {
		mlock_huge_pmd(m, pmd, arg != NULL);
		return 0;
	}
	return split_huge_pmd(m, mm, addr & ~(PMD_SIZE - 1), pmd);
}

void mlock_range(struct machine *m, struct mm_struct *mm, uint64_t start, uint64_t end, int lock)
{
	walk_range(m, mm, start, end, mlock_pmd, mlock_one, lock ? (void *)1 : NULL);
}

struct move_arg {
	uint64_t delta;
	int err;
};

static int move_one(struct machine *m, struct mm_struct *mm, uint64_t addr, pte_t *pte, void *arg)
{
	struct move_arg *ma = arg;
	pte_t *dst = pte_lookup(m, mm, addr + ma->delta, 1, &ma->err);

	if (!dst)
		return ma->err ? ma->err : -ENOMEM;
	*dst = *pte;
	*pte = 0;
	return 0;
}

/* A whole huge PMD moves as one entry when the destination is aligned (move_huge_pmd). */
static int move_pmd(struct machine *m, struct mm_struct *mm, uint64_t addr, uint64_t end,
		    pte_t *pmd, void *arg)
{
	struct move_arg *ma = arg;
	int huge_tlb = PageFlag(pfn_to_page(m, pte_pfn(*pmd)), PG_hugetlb);
	pte_t *dst;

	if (huge_tlb || (!(addr & (PMD_SIZE - 1)) && end - addr == PMD_SIZE &&
			 !((addr + ma->delta) & (PMD_SIZE - 1)))) {
		dst = pmd_lookup(m, mm, addr + ma->delta, 1, &ma->err);
		if (!dst)
			return ma->err ? ma->err : -ENOMEM;
		*dst = *pmd;
		*pmd = 0;
		if (!huge_tlb) {
			uint64_t table = pgtable_withdraw(m, pmd);
			struct page *holder = pfn_to_page(m, (uint64_t)((uint8_t *)dst - m->frames) >>
							  MM_PAGE_SHIFT);

			list_add(&pfn_to_page(m, table)->lru, &holder->lru);
		}
		return 0;
	}
	return split_huge_pmd(m, mm, addr & ~(PMD_SIZE - 1), pmd);
}

/*
 * move_page_tables: where the old range has a PTE table, the new range
 * gets one too (pte_alloc before move_ptes), whether or not a PTE in it is
 * set; then the set PTEs move. A table there decides what fault-around may
 * map later (memory_file.c).
 */
int move_page_tables(struct machine *m, struct mm_struct *mm, uint64_t old, uint64_t new,
		     uint64_t len)
{
	struct move_arg ma = { new - old, 0 };

	for (uint64_t addr = old, next; addr < old + len; addr = next) {
		uint64_t to = addr + ma.delta;

		/* an extent ends at a PMD boundary of either range */
		next = (addr | (PMD_SIZE - 1)) + 1;
		if (next - addr > (to | (PMD_SIZE - 1)) + 1 - to)
			next = addr + ((to | (PMD_SIZE - 1)) + 1 - to);
		if (next > old + len)
			next = old + len;
		if (pte_lookup(m, mm, addr, 0, NULL) && !pte_lookup(m, mm, to, 1, &ma.err))
			return ma.err ? ma.err : -ENOMEM;
	}
	return walk_range(m, mm, old, old + len, move_pmd, move_one, &ma);
}

int page_resident(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma,
		  uint64_t addr)
{
	pte_t *pte = mm->pgd ? pte_lookup(m, mm, addr, 0, NULL) : NULL;
	pte_t *pmd = mm->pgd ? pmd_lookup(m, mm, addr, 0, NULL) : NULL;

	if (pmd && pmd_trans_huge(*pmd))
		return 1;
	if (pte && pte_present(*pte))
		return 1;
	if (pte && pte_is_swap(*pte))
		return 0;
	if (vma->vm_file && vma->special == VMA_SPECIAL_NONE)
		return filemap_find_page(vma->vm_file, linear_page_index(vma, addr)) != NULL;
	return 0;
}

void exit_mmap(struct machine *m, struct mm_struct *mm)
{
	for (struct vm_area_struct *v = vma_first(mm); v; v = vma_next_of(v)) {
		zap_page_range(m, mm, v, v->vm_start, v->vm_end);
		if (v->vm_flags & MM_VM_HUGETLB)
			hugetlb_vm_close(m, mm, v);
	}
	pgd_free(m, mm);
}
