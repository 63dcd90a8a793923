// SPDX-License-Identifier: MIT
/*
 * page_owner_check.c - what check verifies of page_owner=on's records: a
 * record says "allocated" exactly for the pages the buddy allocator gave
 * out (Σ managed - free over the zones), never for a free block, always
 * with a valid stack, and each stack's count of base pages (show_stacks'
 * nr_base_pages) is the number of allocated records that name it.
 */
#include "internal.h"
#include "page_owner.h"

int page_owner_check(struct machine *m, struct rbuf_lite *out)
{
	uint64_t per_handle[PO_NR_HANDLES] = { 0 }, allocated = 0, used = 0;
	int bad = 0;

	if (!m->page_owner)
		return 0;
	for (uint64_t pfn = 0; pfn < m->max_pfn; pfn++) {
		const struct page_owner *po = &m->page_owner[pfn];

		if (!(po->ext_flags & PAGE_EXT_OWNER_ALLOCATED))
			continue;
		if (po->handle < 1 || po->handle >= PO_NR_HANDLES) {
			rbl_printf(out, "page_owner: pfn %#llx has stack handle %u\n",
				   (unsigned long long)pfn, po->handle);
			bad++;
			continue;
		}
		if (PageFlag(pfn_to_page(m, pfn), PG_buddy)) {
			rbl_printf(out, "page_owner: pfn %#llx is free (buddy) but recorded allocated\n",
				   (unsigned long long)pfn);
			bad++;
		}
		per_handle[po->handle]++;
		allocated++;
	}
	for (int h = 0; h < PO_NR_HANDLES; h++)
		if (per_handle[h] != m->po_nr_base_pages[h]) {
			rbl_printf(out, "page_owner: stack %d holds %llu pages but counts %llu\n", h,
				   (unsigned long long)per_handle[h],
				   (unsigned long long)m->po_nr_base_pages[h]);
			bad++;
		}
	for (int n = 0; n < m->nr_nodes; n++)
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &m->node[n]->node_zones[z];

			used += zone->managed_pages - (uint64_t)zone->vm_stat[NR_FREE_PAGES];
		}
	if (used != allocated) {
		rbl_printf(out, "page_owner: %llu pages recorded allocated but the buddy allocator gave out %llu\n",
			   (unsigned long long)allocated, (unsigned long long)used);
		bad++;
	}
	return bad;
}
