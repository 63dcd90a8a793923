/* SPDX-License-Identifier: MIT */
/*
 * check.c - the invariant checker behind `check` (SQLite's integrity_check
 * rather than BUG(): it reports every broken invariant and changes nothing).
 *
 * Each check_* appends one line per violation and returns how many it found.
 * Cost is proportional to the number of free blocks, plus one bitmap over a
 * zone for the overlap test on zones of at most 16M pages.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "page_alloc.h"

#define OVERLAP_CHECK_MAX_PAGES (16ULL << 20)
#define MAX_REPORTS_PER_ZONE 16

void rbl_printf(struct rbuf_lite *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (b->len + (size_t)n + 1 > b->cap) {
		size_t cap = (b->cap ? b->cap * 2 : 256) + (size_t)n + 1;
		char *p = realloc(b->buf, cap);

		if (!p)
			return;
		b->buf = p;
		b->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->buf + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

#define REPORT(...) do { if (bad++ < MAX_REPORTS_PER_ZONE) rbl_printf(out, __VA_ARGS__); } while (0)

static int check_block(struct machine *m, struct zone *z, struct page *page, unsigned o, int mt,
		       uint8_t *bitmap, struct rbuf_lite *out)
{
	uint64_t pfn = page_to_pfn(m, page), n = 1ULL << o;
	int bad = 0;

	if (pfn < z->zone_start_pfn || pfn + n > zone_end_pfn(z)) {
		REPORT("node %d zone %s: free block pfn %#llx order %u outside the zone\n",
		       z->nid, zone_names[z->idx], (unsigned long long)pfn, o);
		return bad;
	}
	if (pfn & (n - 1))
		REPORT("node %d zone %s: free block pfn %#llx not aligned to order %u\n",
		       z->nid, zone_names[z->idx], (unsigned long long)pfn, o);
	if (!PageFlag(page, PG_buddy) || page->private != o)
		REPORT("node %d zone %s: free block pfn %#llx on order-%u list has buddy=%d order=%llu\n",
		       z->nid, zone_names[z->idx], (unsigned long long)pfn, o,
		       PageFlag(page, PG_buddy), (unsigned long long)page->private);
	if (page->refcount)
		REPORT("node %d zone %s: free block pfn %#llx has refcount %d\n",
		       z->nid, zone_names[z->idx], (unsigned long long)pfn, page->refcount);
	if (pageblock_migratetype(m, pfn) != mt)
		REPORT("node %d zone %s: free block pfn %#llx on %s list in a %s pageblock\n",
		       z->nid, zone_names[z->idx], (unsigned long long)pfn, migratetype_names[mt],
		       migratetype_names[pageblock_migratetype(m, pfn)]);
	if (pfn_kind(m, pfn) != PFN_USABLE || pfn_kind(m, pfn + n - 1) != PFN_USABLE)
		REPORT("node %d zone %s: free block pfn %#llx order %u covers a hole or reserved page\n",
		       z->nid, zone_names[z->idx], (unsigned long long)pfn, o);
	if (o < MM_MAX_ORDER && o < pageblock_order) {
		uint64_t buddy = pfn ^ n;
		struct page *bp = pfn_to_page(m, buddy);

		if (buddy >= z->zone_start_pfn && buddy < zone_end_pfn(z) &&
		    PageFlag(bp, PG_buddy) && bp->private == o)
			REPORT("node %d zone %s: free blocks pfn %#llx and its buddy %#llx (order %u) not merged\n",
			       z->nid, zone_names[z->idx], (unsigned long long)pfn,
			       (unsigned long long)buddy, o);
	}
	if (bitmap) {
		for (uint64_t p = pfn - z->zone_start_pfn; p < pfn - z->zone_start_pfn + n; p++) {
			if (bitmap[p >> 3] & (1 << (p & 7))) {
				REPORT("node %d zone %s: free block pfn %#llx order %u overlaps another free block\n",
				       z->nid, zone_names[z->idx], (unsigned long long)pfn, o);
				break;
			}
			bitmap[p >> 3] |= (uint8_t)(1 << (p & 7));
		}
	}
	return bad;
}

static int check_zone(struct machine *m, struct zone *z, struct rbuf_lite *out)
{
	uint8_t *bitmap = NULL;
	int64_t free_pages = 0, free_blocks_pages = 0;
	uint64_t pristine = 0;
	int bad = 0;

	if (z->spanned_pages && z->spanned_pages <= OVERLAP_CHECK_MAX_PAGES)
		bitmap = calloc((size_t)(z->spanned_pages + 7) / 8, 1);
	if (z->pristine_end > z->pristine_start) {
		pristine = (z->pristine_end - z->pristine_start) >> MM_MAX_ORDER;
		if ((z->pristine_start | z->pristine_end) & (MAX_ORDER_NR_PAGES - 1) ||
		    z->pristine_start < z->zone_start_pfn || z->pristine_end > zone_end_pfn(z))
			REPORT("node %d zone %s: pristine range %#llx-%#llx misaligned or outside the zone\n",
			       z->nid, zone_names[z->idx], (unsigned long long)z->pristine_start,
			       (unsigned long long)z->pristine_end);
		if (bitmap)
			for (uint64_t p = z->pristine_start; p < z->pristine_end; p++) {
				uint64_t i = p - z->zone_start_pfn;

				if (p >= z->zone_start_pfn && p < zone_end_pfn(z))
					bitmap[i >> 3] |= (uint8_t)(1 << (i & 7));
			}
	}
	for (unsigned o = 0; o <= MM_MAX_ORDER; o++) {
		for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
			struct list_head *head = &z->free_area[o].free_list[mt], *pos;
			uint64_t listed = 0, expect = z->free_area[o].nr_free[mt];

			list_for_each(pos, head) {
				bad += check_block(m, z, list_entry(pos, struct page, lru), o, mt, bitmap, out);
				if (++listed > expect + 1)
					break;	/* a cycle or a wrong count: stop walking */
			}
			if (o == MM_MAX_ORDER && mt == MIGRATE_MOVABLE)
				listed += pristine;
			if (listed != expect)
				REPORT("node %d zone %s: order %u %s: nr_free %llu but %llu blocks listed\n",
				       z->nid, zone_names[z->idx], o, migratetype_names[mt],
				       (unsigned long long)expect, (unsigned long long)listed);
			if (mt != MIGRATE_ISOLATE) {
				free_pages += (int64_t)(expect << o);
				if (o >= pageblock_order)
					free_blocks_pages += (int64_t)(expect << o);
			}
		}
	}
	free(bitmap);
	if (free_pages != z->vm_stat[NR_FREE_PAGES])
		REPORT("node %d zone %s: NR_FREE_PAGES %lld but free lists hold %lld pages\n",
		       z->nid, zone_names[z->idx], (long long)z->vm_stat[NR_FREE_PAGES], (long long)free_pages);
	if (free_blocks_pages != z->vm_stat[NR_FREE_PAGES_BLOCKS])
		REPORT("node %d zone %s: NR_FREE_PAGES_BLOCKS %lld but free lists hold %lld pages in pageblocks\n",
		       z->nid, zone_names[z->idx], (long long)z->vm_stat[NR_FREE_PAGES_BLOCKS],
		       (long long)free_blocks_pages);
	if ((uint64_t)free_pages > z->managed_pages)
		REPORT("node %d zone %s: %lld free pages exceed %llu managed\n", z->nid,
		       zone_names[z->idx], (long long)free_pages, (unsigned long long)z->managed_pages);
	if (!(z->_watermark[WMARK_MIN] <= z->_watermark[WMARK_LOW] &&
	      z->_watermark[WMARK_LOW] <= z->_watermark[WMARK_HIGH] &&
	      z->_watermark[WMARK_HIGH] <= z->_watermark[WMARK_PROMO]))
		REPORT("node %d zone %s: watermarks out of order: min %llu low %llu high %llu promo %llu\n",
		       z->nid, zone_names[z->idx], (unsigned long long)z->_watermark[WMARK_MIN],
		       (unsigned long long)z->_watermark[WMARK_LOW],
		       (unsigned long long)z->_watermark[WMARK_HIGH],
		       (unsigned long long)z->_watermark[WMARK_PROMO]);
	if (z->managed_pages > z->present_pages || z->present_pages > z->spanned_pages)
		REPORT("node %d zone %s: managed %llu, present %llu, spanned %llu not nested\n",
		       z->nid, zone_names[z->idx], (unsigned long long)z->managed_pages,
		       (unsigned long long)z->present_pages, (unsigned long long)z->spanned_pages);
	return bad;
}

int check_page_alloc(struct machine *m, struct rbuf_lite *out)
{
	uint64_t managed = 0;
	int bad = 0;

	for (int n = 0; n < m->nr_nodes; n++)
		for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
			struct zone *z = &m->node[n]->node_zones[zi];

			managed += z->managed_pages;
			bad += check_zone(m, z, out);
		}
	if (managed != m->totalram_pages)
		REPORT("totalram_pages %llu but zones manage %llu\n",
		       (unsigned long long)m->totalram_pages, (unsigned long long)managed);
	if (m->free_huge_pages > m->nr_huge_pages)
		REPORT("hugetlb: %llu free of %llu pages\n", (unsigned long long)m->free_huge_pages,
		       (unsigned long long)m->nr_huge_pages);
	return bad;
}

int check_vmstat(struct machine *m, struct rbuf_lite *out)
{
	uint64_t mi[NR_MEMINFO_ITEMS];
	uint64_t free_kb = 0;
	int bad = 0;

	vmstat_fill_meminfo(m, mi);
	for (int n = 0; n < m->nr_nodes; n++)
		for (int zi = 0; zi < MAX_NR_ZONES; zi++)
			for (int o = 0; o <= MM_MAX_ORDER; o++)
				for (int mt = 0; mt < MIGRATE_TYPES; mt++)
					if (mt != MIGRATE_ISOLATE)
						free_kb += (m->node[n]->node_zones[zi].free_area[o].nr_free[mt] << o) * 4;
	if (mi[MI_MEMFREE] != free_kb)
		REPORT("meminfo MemFree %llu kB but buddy lists hold %llu kB\n",
		       (unsigned long long)mi[MI_MEMFREE], (unsigned long long)free_kb);
	if (mi[MI_MEMFREE] > mi[MI_MEMTOTAL])
		REPORT("meminfo MemFree %llu kB exceeds MemTotal %llu kB\n",
		       (unsigned long long)mi[MI_MEMFREE], (unsigned long long)mi[MI_MEMTOTAL]);
	if (mi[MI_MEMAVAILABLE] > mi[MI_MEMTOTAL])
		REPORT("meminfo MemAvailable %llu kB exceeds MemTotal %llu kB\n",
		       (unsigned long long)mi[MI_MEMAVAILABLE], (unsigned long long)mi[MI_MEMTOTAL]);
	for (int n = 0; n < m->nr_nodes; n++)
		for (int i = 0; i < NR_VM_NODE_STAT_ITEMS; i++)
			if (m->node[n]->vm_stat[i] < 0)
				REPORT("node %d: %s is negative (%lld)\n", n, node_stat_names[i],
				       (long long)m->node[n]->vm_stat[i]);
	return bad;
}
