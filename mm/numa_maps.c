// SPDX-License-Identifier: MIT
/*
 * numa_maps.c - what proc/PID/numa_maps counts for each VMA (kernel:
 * fs/proc/task_mmu.c, gather_pte_stats, gather_stats, show_numa_map).
 *
 * Every present PTE of a normal page counts one page of its folio: the
 * shared zero page and reserved pages count nowhere (can_gather_numa_stats),
 * a THP mapped by a PMD counts HPAGE_PMD_NR, a hugetlb page counts one
 * (gather_hugetlb_stats). Swap entries count nowhere. The policy shown is
 * the VMA's own, else the task's (mempolicy.c's mpol_to_str).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "mempolicy.h"
#include "pgtable.h"
#include "huge_memory.h"
#include "rmap.h"
#include "task.h"
#include "vma.h"

struct numa_arg {
	struct mm_numa_vma *md;
};

/* gather_stats: nr pages of page's folio, seen through a PTE dirty or not */
static void gather_stats(struct machine *m, struct mm_numa_vma *md, struct page *page,
			 uint64_t mapcount, int pte_dirty, uint64_t nr)
{
	struct page *head = page_in_thp(m, page) ? compound_head_of(m, page) : page;

	md->pages += nr;
	if (pte_dirty || PageFlag(head, PG_dirty))
		md->dirty += nr;
	if (PageFlag(head, PG_swapcache))
		md->swapcache += nr;
	if (PageFlag(head, PG_active) || PageFlag(head, PG_unevictable))
		md->active += nr;
	if (PageFlag(head, PG_writeback))
		md->writeback += nr;
	if (page_is_anon(head))
		md->anon += nr;
	if (mapcount > md->mapcount_max)
		md->mapcount_max = mapcount;
	md->node[page_zone(m, head)->nid] += nr;
}

static int numa_pmd_entry(struct machine *m, struct mm_struct *mm, uint64_t addr, uint64_t end,
			  pte_t *pmd, void *arg)
{
	struct numa_arg *na = arg;
	struct page *head;

	(void)mm;
	(void)addr;
	(void)end;
	if (pte_pfn(*pmd) == m->huge_zero_pfn)
		return 0;
	head = pfn_to_page(m, pte_pfn(*pmd));
	if (PageFlag(head, PG_hugetlb)) {
		gather_stats(m, na->md, head, *folio_entire_mapcount(head), pte_dirty(*pmd), 1);
		return 0;
	}
	gather_stats(m, na->md, head, precise_mapcount(m, head), pte_dirty(*pmd), HPAGE_PMD_NR);
	return 0;
}

static int numa_pte_entry(struct machine *m, struct mm_struct *mm, uint64_t addr, pte_t *pte,
			  void *arg)
{
	struct numa_arg *na = arg;
	struct page *page;

	(void)mm;
	(void)addr;
	if (!pte_present(*pte) || pte_pfn(*pte) == m->zero_pfn)
		return 0;
	page = pfn_to_page(m, pte_pfn(*pte));
	if (PageFlag(page, PG_reserved))
		return 0;
	gather_stats(m, na->md, page,
		     page_in_thp(m, page) ? precise_mapcount(m, page) : (uint64_t)page->mapcount,
		     pte_dirty(*pte), 1);
	return 0;
}

static void numa_vma_fill(struct machine *m, struct task *t, struct mm_struct *mm,
			  struct vm_area_struct *vma, struct mm_numa_vma *md)
{
	struct numa_arg na = { md };
	struct mm_vma_snap v;

	memset(md, 0, sizeof(*md));
	md->start = vma->vm_start;
	/* the VMA's own policy, else the task's (show_numa_map's task_mempolicy) */
	mpol_to_str(md->policy, sizeof(md->policy), vma_effective_policy(t, vma));
	vma_snap_fill(m, mm, vma, &v, 1);	/* the name maps shows */
	if (v.is_file) {
		md->is_file = 1;
		memcpy(md->name, v.name, sizeof(md->name));
	} else if (!strcmp(v.name, "[heap]")) {
		md->heap = 1;
	} else if (!strcmp(v.name, "[stack]")) {
		md->stack = 1;
	}
	md->huge = (vma->vm_flags & MM_VM_HUGETLB) != 0;
	md->kernel_page_kb = md->huge ? 2048 : 4;
	walk_range(m, mm, vma->vm_start, vma->vm_end, numa_pmd_entry, numa_pte_entry, &na);
}

int mm_numa_maps(struct machine *m, int pid, struct mm_numa_vma **out, size_t *nr)
{
	struct mm_numa_vma *v = NULL;
	struct task *t;
	size_t n = 0;
	int err = 0;

	*out = NULL;
	*nr = 0;
	machine_lock(m);
	t = find_task_by_pid(m, pid);
	if (!t) {
		err = -ESRCH;
	} else if (task_mm_view(t)) {
		VMA_ITERATOR(vmi, t->mm, 0);
		struct vm_area_struct *vma;

		v = calloc(t->mm->map_count ? t->mm->map_count : 1, sizeof(*v));
		if (!v)
			err = -ENOMEM;
		for_each_vma(vmi, vma) {
			if (err || n >= t->mm->map_count)
				break;
			numa_vma_fill(m, t, t->mm, vma, &v[n++]);
		}
	}
	machine_unlock(m);
	*out = v;
	*nr = n;
	return err;
}
