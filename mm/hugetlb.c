/* SPDX-License-Identifier: MIT */
/*
 * hugetlb.c - the persistent hugetlb pool behind sys/vm/nr_hugepages.
 *
 * Pool pages are order-9 blocks taken from the buddy allocator with
 * GFP_HIGHUSER_MOVABLE (x86's 2 MiB pages are migratable) and kept on
 * m->hugepage_freelist until a MAP_HUGETLB mapping uses them.
 */
#include "internal.h"
#include "page_alloc.h"
#include "hugetlb.h"

static int alloc_pool_page(struct machine *m, int nid)
{
	struct page *page = alloc_pages(m, GFP_HIGHUSER_MOVABLE | __GFP_THISNODE | __GFP_NOWARN,
					HPAGE_PMD_ORDER, nid);

	if (!page)
		return 0;
	SetPageFlag(page, PG_head);
	SetPageFlag(page, PG_hugetlb);
	page->private = (uint64_t)nid;
	list_add_tail(&page->lru, &m->hugepage_freelist);
	m->nr_huge_pages++;
	m->free_huge_pages++;
	m->nr_huge_pages_node[nid]++;
	m->free_huge_pages_node[nid]++;
	mod_node_page_state(m->node[nid], NR_HUGETLB, 1 << HPAGE_PMD_ORDER);
	count_vm_event(m, HTLB_BUDDY_ALLOC_SUCCESS);
	return 1;
}

static void free_pool_page(struct machine *m, struct page *page)
{
	int nid = (int)page->private;

	list_del(&page->lru);
	m->nr_huge_pages--;
	m->free_huge_pages--;
	m->nr_huge_pages_node[nid]--;
	m->free_huge_pages_node[nid]--;
	mod_node_page_state(m->node[nid], NR_HUGETLB, -(1 << HPAGE_PMD_ORDER));
	page->private = 0;
	ClearPageFlag(page, PG_head);
	ClearPageFlag(page, PG_hugetlb);
	free_pages(m, page, HPAGE_PMD_ORDER);
}

void hugetlb_set_pool_size(struct machine *m, uint64_t count)
{
	while (m->nr_huge_pages < count) {
		int got = 0;

		for (int i = 0; i < m->nr_nodes && m->nr_huge_pages < count; i++) {
			int nid = (m->hugetlb_next_nid + i) % m->nr_nodes;

			if (alloc_pool_page(m, nid)) {
				got = 1;
				m->hugetlb_next_nid = (nid + 1) % m->nr_nodes;
				break;
			}
		}
		if (!got) {
			count_vm_event(m, HTLB_BUDDY_ALLOC_FAIL);
			break;
		}
	}
	while (m->nr_huge_pages > count && m->free_huge_pages) {
		/* release the most recently added page first */
		struct page *page = list_entry(m->hugepage_freelist.prev, struct page, lru);

		free_pool_page(m, page);
	}
}

void hugetlb_release_all(struct machine *m)
{
	hugetlb_set_pool_size(m, 0);
}

unsigned hugetlb_fault(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma,
		       uint64_t haddr, uint64_t *pmd, int write)
{
	(void)m, (void)mm, (void)vma, (void)haddr, (void)pmd, (void)write;
	return 0x0002;	/* VM_FAULT_SIGBUS: no pool page is ever mapped yet */
}

void hugetlb_zap_pmd(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma,
		     uint64_t *pmd)
{
	(void)m, (void)mm, (void)vma, (void)pmd;
}

void hugetlb_change_pmd(struct machine *m, struct vm_area_struct *vma, uint64_t *pmd)
{
	(void)m, (void)vma, (void)pmd;
}
