/* SPDX-License-Identifier: MIT */
/*
 * swap_check.c - what `check` verifies of the swap devices and the swap
 * cache (swap.h: swap_check).
 *
 * The caller walked every page table and counted, per slot, the swap PTEs
 * that refer to it, and added the shmem objects' entries. Then, for every device and every slot:
 *   - swap_map's reference count equals the PTEs found
 *   - SWAP_HAS_CACHE is set exactly when the swap cache holds a page for
 *     the slot, and that page is PG_swapcache, swap-backed, on an LRU
 *     list (a THP's subpage: its head; nothing is isolated between
 *     commands), names the slot, is in use, is in no page cache, and
 *     maps nowhere unless it joined an anon_vma
 *     (a page read ahead for a shmem object or another process waits
 *     unmapped until its own fault takes it)
 *   - a shadow (an evicted page's trace) lies only in a slot still in use
 *   - inuse_pages and each cluster's count equal the slots in use; a
 *     cluster serves single slots (order 0) or THPs (order 9)
 *   - slot 0, the header, is never in use
 *   - a slot is stored as zeros or as bytes, never both, and a free one
 *     as neither (its bytes left the host's memory)
 * and the swap-cache pages of all devices equal NR_SWAPCACHED; cluster
 * readahead's last window is a power of two (or 0 before the first).
 */
#include "internal.h"
#include "huge_memory.h"
#include "hugetlb.h"
#include "page_alloc.h"
#include "swap.h"

#define MAX_REPORTS 16
#define REPORT(...) do { if (bad++ < MAX_REPORTS) rbl_printf(out, __VA_ARGS__); } while (0)

int swap_check(struct machine *m, uint32_t *const refs[MAX_SWAPFILES], struct rbuf_lite *out)
{
	int64_t cached = 0;
	int bad = 0;

	for (int t = 0; t < MAX_SWAPFILES; t++) {
		const struct swap_info_struct *si = m->swap_info[t];
		uint64_t inuse = 0;

		if (!si)
			continue;
		if (si->swap_map[0])
			REPORT("swap %d: the header slot is in use (%#x)\n", t, si->swap_map[0]);
		for (uint64_t c = 0; c < si->nr_clusters; c++) {
			uint64_t lo = c * SWAPFILE_CLUSTER, hi = lo + SWAPFILE_CLUSTER, n = 0;

			for (uint64_t off = lo ? lo : 1; off < hi && off < si->max; off++) {
				uint16_t map = si->swap_map[off];
				uint64_t v = si->cache[off];
				unsigned want = refs[t] ? refs[t][off] : 0;

				int zero = (si->zeromap[off / 64] >> (off % 64)) & 1;
				int data = (si->datamap[off / 64] >> (off % 64)) & 1;

				n += map != 0;
				if ((zero && data) || (!map && (zero || data)))
					REPORT("swap %d slot %llu: zeromap %d, datamap %d, swap_map %#x\n", t,
					       (unsigned long long)off, zero, data, map);
				if ((unsigned)(map & SWAP_MAP_MAX) != want)
					REPORT("swap %d slot %llu: swap_map counts %u references, %u PTEs found\n",
					       t, (unsigned long long)off, map & SWAP_MAP_MAX, want);
				if ((v & 1) && !map)
					REPORT("swap %d slot %llu: a shadow in a free slot\n", t,
					       (unsigned long long)off);
				if (v && !(v & 1)) {
					const struct page *page = (const struct page *)(uintptr_t)v;

					cached++;
					if (!(map & SWAP_HAS_CACHE))
						REPORT("swap %d slot %llu: cached page without SWAP_HAS_CACHE\n",
						       t, (unsigned long long)off);
					/* a THP's subpage: its head is on the LRU */
					const struct page *folio = page_in_thp(m, (struct page *)page) ?
						compound_head_of(m, (struct page *)page) : page;

					if (!PageFlag(page, PG_swapcache) || page->refcount <= 0 ||
					    !PageFlag(page, PG_swapbacked) || !PageFlag(folio, PG_lru) ||
					    page->swap != swp_entry((unsigned)t, off).val)
						REPORT("swap %d slot %llu: pfn %#llx is not its swap-cache page\n",
						       t, (unsigned long long)off,
						       (unsigned long long)page_to_pfn(m, page));
					else if (page->mapping || (!PageFlag(page, PG_anon) && page->mapcount))
						REPORT("swap %d slot %llu: pfn %#llx is %s\n", t,
						       (unsigned long long)off,
						       (unsigned long long)page_to_pfn(m, page),
						       page->mapping ? "in a page cache too" :
						       "mapped without an anon_vma");
				} else if (map & SWAP_HAS_CACHE) {
					REPORT("swap %d slot %llu: SWAP_HAS_CACHE with no cached page\n", t,
					       (unsigned long long)off);
				}
			}
			inuse += n;
			if (si->clusters[c].order && si->clusters[c].order != HPAGE_PMD_ORDER)
				REPORT("swap %d cluster %llu: serves order %u\n", t,
				       (unsigned long long)c, si->clusters[c].order);
			if (si->clusters[c].count != n)
				REPORT("swap %d cluster %llu: counts %u slots in use, has %llu\n", t,
				       (unsigned long long)c, si->clusters[c].count, (unsigned long long)n);
		}
		if (inuse != si->inuse_pages)
			REPORT("swap %d: inuse_pages %llu, %llu slots in use\n", t,
			       (unsigned long long)si->inuse_pages, (unsigned long long)inuse);
	}
	if (m->swapin_last_ra_pages & (m->swapin_last_ra_pages - 1))
		REPORT("cluster readahead's last window, %u pages, is no power of two\n",
		       m->swapin_last_ra_pages);
	if (cached != global_node_page_state(m, NR_SWAPCACHED))
		REPORT("SwapCached counts %lld pages, the swap cache holds %lld\n",
		       (long long)global_node_page_state(m, NR_SWAPCACHED), (long long)cached);
	return bad;
}
