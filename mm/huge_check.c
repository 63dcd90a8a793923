// SPDX-License-Identifier: MIT
/*
 * huge_check.c - what `check` verifies of every anonymous THP (huge_memory.h:
 * thp_check). The THPs are found on the LRU lists, where each has its head
 * between commands. For each:
 *   - every subpage's refcount is its PTE mappings, plus one if the swap
 *     cache holds it, plus (the head) the PMD mappings; folio_refs is their
 *     sum, folio_nr_mapped the subpages some PTE maps
 *   - the swap cache holds all 512 subpages or none; if all, their entries
 *     follow each other from the first slot of a cluster that serves THPs
 *     (order 9)
 *   - a folio on the deferred split queue is not mapped by a PMD
 */
#include "internal.h"
#include "huge_memory.h"
#include "hugetlb.h"
#include "rmap.h"
#include "swap.h"

#define MAX_REPORTS 16
#define REPORT(...) do { if (bad++ < MAX_REPORTS) rbl_printf(out, __VA_ARGS__); } while (0)

static int check_one(struct machine *m, struct page *head, struct rbuf_lite *out)
{
	uint64_t pfn = page_to_pfn(m, head), refs = 0, mapped = 0, cached = 0;
	uint64_t entire = *folio_entire_mapcount(head);
	int bad = 0;

	for (unsigned i = 0; i < HPAGE_PMD_NR; i++) {
		struct page *p = head + i;
		int in_cache = PageFlag(p, PG_swapcache);
		int64_t want = p->mapcount + in_cache + (i ? 0 : (int64_t)entire);

		if (p->refcount != want)
			REPORT("THP %#llx: subpage %u has refcount %d, mapcount %d%s\n",
			       (unsigned long long)pfn, i, p->refcount, p->mapcount,
			       in_cache ? " and the swap cache's" : "");
		refs += (uint64_t)p->refcount;
		mapped += p->mapcount > 0;
		cached += (uint64_t)in_cache;
		if (in_cache && p->swap != head->swap + i)
			REPORT("THP %#llx: subpage %u holds swap entry %#llx, not the %uth after %#llx\n",
			       (unsigned long long)pfn, i, (unsigned long long)p->swap, i,
			       (unsigned long long)head->swap);
	}
	if (refs != *folio_refs(head))
		REPORT("THP %#llx: folio_refs %llu, its pages hold %llu\n", (unsigned long long)pfn,
		       (unsigned long long)*folio_refs(head), (unsigned long long)refs);
	if (mapped != *folio_nr_mapped(head))
		REPORT("THP %#llx: folio_nr_mapped %llu, %llu subpages mapped\n",
		       (unsigned long long)pfn, (unsigned long long)*folio_nr_mapped(head),
		       (unsigned long long)mapped);
	if (cached && (cached != HPAGE_PMD_NR ||
		       swp_offset((swp_entry_t){ head->swap }) % SWAPFILE_CLUSTER))
		REPORT("THP %#llx: %llu subpages in the swap cache from slot %#llx\n",
		       (unsigned long long)pfn, (unsigned long long)cached,
		       (unsigned long long)head->swap);
	else if (cached) {
		swp_entry_t e = { head->swap };
		struct swap_info_struct *si = swp_info(m, e);

		if (!si || si->clusters[swp_offset(e) / SWAPFILE_CLUSTER].order != HPAGE_PMD_ORDER)
			REPORT("THP %#llx: its slots from %#llx are not a THP's cluster\n",
			       (unsigned long long)pfn, (unsigned long long)head->swap);
	}
	if (folio_partially_mapped(head) && entire)
		REPORT("THP %#llx: on the deferred split queue and mapped by %llu PMDs\n",
		       (unsigned long long)pfn, (unsigned long long)entire);
	return bad;
}

int thp_check(struct machine *m, struct rbuf_lite *out)
{
	int bad = 0;

	for (int n = 0; n < m->nr_nodes; n++)
		for (int l = 0; l < NR_LRU_LISTS; l++) {
			struct list_head *pos;

			list_for_each(pos, &m->node[n]->lru[l]) {
				struct page *page = list_entry(pos, struct page, lru);

				if (PageFlag(page, PG_head) && page_is_anon(page))
					bad += check_one(m, page, out);
			}
		}
	return bad;
}
