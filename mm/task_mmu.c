/* SPDX-License-Identifier: MIT */
/*
 * task_mmu.c - what smaps counts for a VMA (kernel: fs/proc/task_mmu.c,
 * smaps_pte_entry and smaps_account).
 *
 * Walks the VMA's PTEs: the shared zero page is not a "normal" page and
 * counts nowhere; every other mapped page counts in Rss, and its
 * proportional share (PAGE_SIZE / mapcount, in 12-bit fixed point) in Pss.
 * A page with one reference is private whatever its mapcount says; one
 * with mapcount >= 2 is shared. Dirty is the PTE's dirty bit or the page's.
 * A swap entry counts in Swap, and in SwapPss divided by the references to
 * its slot (fork shares them), whether or not the swap cache holds the page.
 */
#include "internal.h"
#include "pgtable.h"
#include "huge_memory.h"
#include "filemap.h"
#include "rmap.h"
#include "swap.h"
#include "task.h"
#include "vma.h"
#include "task_mmu.h"

struct smaps_arg {
	struct mm_vma_usage *u;
	int locked;
};

static void accumulate(struct mm_vma_usage *u, struct page *page, uint64_t pss, int dirty,
		       int locked, int private)
{
	u->pss += pss;
	if (page_is_anon(page))
		u->pss_anon += pss;
	else if (PageFlag(page, PG_swapbacked))
		u->pss_shmem += pss;
	else
		u->pss_file += pss;
	if (locked)
		u->locked_pss += pss;
	if (dirty || PageFlag(page, PG_dirty)) {
		u->pss_dirty += pss;
		if (private)
			u->private_dirty += MM_PAGE_SIZE;
		else
			u->shared_dirty += MM_PAGE_SIZE;
	} else if (private) {
		u->private_clean += MM_PAGE_SIZE;
	} else {
		u->shared_clean += MM_PAGE_SIZE;
	}
}

/*
 * nr subpages of a THP from page on (smaps_account for a large folio): all
 * private when the folio has one reference, else each by its own precise
 * mapcount. Anonymous by construction.
 */
static void thp_account(struct machine *m, struct mm_vma_usage *u, struct page *page, int nr,
			int dirty, int young, int locked)
{
	struct page *head = compound_head_of(m, page);
	int exclusive = *folio_refs(head) == 1;

	dirty = dirty || PageFlag(head, PG_dirty);
	u->rss += (uint64_t)nr * MM_PAGE_SIZE;
	u->anonymous += (uint64_t)nr * MM_PAGE_SIZE;
	if (young || PageFlag(head, PG_referenced))
		u->referenced += (uint64_t)nr * MM_PAGE_SIZE;
	for (int i = 0; i < nr; i++) {
		uint64_t mc = exclusive ? 1 : precise_mapcount(m, page + i);

		if (mc < 2)
			accumulate(u, head, MM_PAGE_SIZE << MM_PSS_SHIFT, dirty, locked, 1);
		else
			accumulate(u, head, (MM_PAGE_SIZE << MM_PSS_SHIFT) / mc, dirty, locked, 0);
	}
}

/*
 * A huge PMD: a THP counts whole (and in AnonHugePages); the huge zero page
 * nowhere; a hugetlb page only in Shared_Hugetlb or Private_Hugetlb.
 */
static int smaps_pmd_entry(struct machine *m, struct mm_struct *mm, uint64_t addr, uint64_t end,
			   pte_t *pmd, void *arg)
{
	struct smaps_arg *sa = arg;
	struct page *head = pfn_to_page(m, pte_pfn(*pmd));

	(void)mm;
	(void)addr;
	(void)end;
	if (pte_pfn(*pmd) == m->huge_zero_pfn)
		return 0;
	if (PageFlag(head, PG_hugetlb)) {
		/* smaps_hugetlb_range: by mapcount, and nowhere else (not in Rss) */
		if (*folio_entire_mapcount(head) > 1)
			sa->u->shared_hugetlb += HPAGE_PMD_NR * MM_PAGE_SIZE;
		else
			sa->u->private_hugetlb += HPAGE_PMD_NR * MM_PAGE_SIZE;
		return 0;
	}
	thp_account(m, sa->u, head, HPAGE_PMD_NR, pte_dirty(*pmd), pte_young(*pmd), sa->locked);
	sa->u->anon_thp += HPAGE_PMD_NR * MM_PAGE_SIZE;
	return 0;
}

static int smaps_pte_entry(struct machine *m, struct mm_struct *mm, uint64_t addr, pte_t *pte,
			   void *arg)
{
	struct smaps_arg *sa = arg;
	struct mm_vma_usage *u = sa->u;
	struct page *page;
	int dirty = pte_dirty(*pte);

	(void)mm;
	(void)addr;
	if (pte_is_swap(*pte)) {
		/* Swap, and SwapPss shared by every reference to the slot */
		unsigned refs = swap_count(m, pte_to_swp_entry(*pte));

		u->swap += MM_PAGE_SIZE;
		u->swap_pss += refs >= 2 ? (MM_PAGE_SIZE << MM_PSS_SHIFT) / refs
					 : MM_PAGE_SIZE << MM_PSS_SHIFT;
		return 0;
	}
	if (pte_pfn(*pte) == m->zero_pfn)
		return 0;
	page = pfn_to_page(m, pte_pfn(*pte));
	if (page_in_thp(m, page)) {
		thp_account(m, u, page, 1, dirty, pte_young(*pte), sa->locked);
		return 0;
	}
	if (page_is_anon(page)) {
		u->anonymous += MM_PAGE_SIZE;
		if (!PageFlag(page, PG_swapbacked) && !dirty && !PageFlag(page, PG_dirty))
			u->lazyfree += MM_PAGE_SIZE;
	}
	u->rss += MM_PAGE_SIZE;
	if (pte_young(*pte) || PageFlag(page, PG_referenced))
		u->referenced += MM_PAGE_SIZE;
	if (page->refcount == 1 || page->mapcount < 2)
		accumulate(u, page, MM_PAGE_SIZE << MM_PSS_SHIFT, dirty, sa->locked, 1);
	else
		accumulate(u, page, (MM_PAGE_SIZE << MM_PSS_SHIFT) / (uint64_t)page->mapcount,
			   dirty, sa->locked, 0);
	return 0;
}

void smaps_account_vma(struct machine *m, struct mm_struct *mm, const struct vm_area_struct *vma,
		       struct mm_vma_usage *u)
{
	struct smaps_arg sa = { u, (vma->vm_flags & MM_VM_LOCKED) != 0 };

	walk_range(m, mm, vma->vm_start, vma->vm_end, smaps_pmd_entry, smaps_pte_entry, &sa);
	/* shmem: its pages on swap within the VMA's range, mapped here or not; no SwapPss */
	if (vma->vm_file && shmem_mapping(file_inode(vma->vm_file)))
		u->swap += shmem_swap_usage(file_inode(vma->vm_file), vma->vm_pgoff,
					    vma->vm_pgoff + vma_pages(vma)) * MM_PAGE_SIZE;
}
