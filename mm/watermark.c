/* SPDX-License-Identifier: MIT */
/*
 * watermark.c - min/low/high/promo watermarks, lowmem_reserve, and the
 * figures derived from them (kernel: mm/page_alloc.c, mm/khugepaged.c,
 * mm/show_mem.c).
 *
 * The arithmetic, as Linux 6.x does it:
 *
 *   min_free_kbytes (boot)  = clamp(isqrt(lowmem_kbytes * 16), 128, 262144)
 *   THP raises it to        pageblock_nr_pages * nr_zones * (2 + 3 * 3) pages,
 *                           capped at 5% of RAM
 *   zone min                = pages_min * managed / Σ managed      (lowmem zones)
 *   delta                   = max(min / 4, managed * watermark_scale_factor / 10000)
 *   low, high, promo        = min + delta, min + 2 delta, min + 3 delta
 *   lowmem_reserve[j] of i  = Σ managed of zones i+1..j / lowmem_reserve_ratio[i]
 *   totalreserve            = Σ min(max_j lowmem_reserve[j] + high, managed)
 */
#include "internal.h"
#include "page_alloc.h"

static uint64_t int_sqrt(uint64_t x)
{
	uint64_t r = 0, bit = 1ULL << 62;

	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

#define for_each_zone(m, z) \
	for (int _n = 0; _n < (m)->nr_nodes; _n++) \
		for (struct zone *z = (m)->node[_n]->node_zones; \
		     z < (m)->node[_n]->node_zones + MAX_NR_ZONES; z++)

/* Σ (managed - high) over zones up to Normal: nr_free_buffer_pages(). */
static uint64_t nr_free_buffer_pages(struct machine *m)
{
	uint64_t sum = 0;

	for_each_zone(m, z) {
		uint64_t high = z->_watermark[WMARK_HIGH];

		if (z->idx <= ZONE_NORMAL && z->managed_pages > high)
			sum += z->managed_pages - high;
	}
	return sum;
}

void init_per_zone_wmark_min(struct machine *m)
{
	uint64_t lowmem_kbytes = nr_free_buffer_pages(m) * 4;
	uint64_t v = int_sqrt(lowmem_kbytes * 16);

	if (m->tun.user_min_free_kbytes < 0 || (int64_t)v > m->tun.user_min_free_kbytes) {
		if (v < 128)
			v = 128;
		if (v > 262144)
			v = 262144;
		m->tun.min_free_kbytes = (int64_t)v;
	}
	setup_per_zone_wmarks(m);
	setup_per_zone_lowmem_reserve(m);
}

void set_recommended_min_free_kbytes(struct machine *m)
{
	uint64_t nr_zones = 0, rec;

	if (m->tun.thp_enabled == THP_NEVER)
		return;
	for_each_zone(m, z)
		if (populated_zone(z) && z->idx <= ZONE_NORMAL)
			nr_zones++;
	rec = pageblock_nr_pages * nr_zones * 2;
	rec += pageblock_nr_pages * nr_zones * MIGRATE_PCPTYPES * MIGRATE_PCPTYPES;
	if (rec > m->totalram_pages / 20)
		rec = m->totalram_pages / 20;
	rec <<= MM_PAGE_SHIFT - 10;
	if ((int64_t)rec > m->tun.min_free_kbytes) {
		kmsg_add(m, "khugepaged: raising min_free_kbytes from %lld to %llu to help transparent hugepage allocations",
			 (long long)m->tun.min_free_kbytes, (unsigned long long)rec);
		m->tun.min_free_kbytes = (int64_t)rec;
	}
	setup_per_zone_wmarks(m);
}

void setup_per_zone_wmarks(struct machine *m)
{
	uint64_t pages_min = (uint64_t)m->tun.min_free_kbytes >> (MM_PAGE_SHIFT - 10);
	uint64_t lowmem_pages = 0;

	for_each_zone(m, z)
		if (z->idx != ZONE_MOVABLE && z->idx != ZONE_DEVICE)
			lowmem_pages += z->managed_pages;

	for_each_zone(m, z) {
		uint64_t tmp = lowmem_pages ? pages_min * z->managed_pages / lowmem_pages : 0;
		uint64_t scaled;

		if (z->idx == ZONE_DEVICE) {
			for (int w = 0; w < NR_WMARK; w++)
				z->_watermark[w] = 0;
			continue;
		}
		if (z->idx == ZONE_MOVABLE) {
			/* highmem-like: a small fixed minimum, clamp(managed/1024, 32, 128) */
			uint64_t min_pages = z->managed_pages / 1024;

			if (min_pages < 32)
				min_pages = 32;
			if (min_pages > 128)
				min_pages = 128;
			z->_watermark[WMARK_MIN] = min_pages;
		} else {
			z->_watermark[WMARK_MIN] = tmp;
		}
		scaled = z->managed_pages * (uint64_t)m->tun.watermark_scale_factor / 10000;
		tmp = tmp >> 2 > scaled ? tmp >> 2 : scaled;
		z->watermark_boost = 0;
		z->_watermark[WMARK_LOW] = z->_watermark[WMARK_MIN] + tmp;
		z->_watermark[WMARK_HIGH] = z->_watermark[WMARK_MIN] + tmp * 2;
		z->_watermark[WMARK_PROMO] = z->_watermark[WMARK_MIN] + tmp * 3;
	}
	calculate_totalreserve_pages(m);
}

void setup_per_zone_lowmem_reserve(struct machine *m)
{
	for (int n = 0; n < m->nr_nodes; n++) {
		struct zone *zones = m->node[n]->node_zones;

		for (int i = 0; i < MAX_NR_ZONES; i++) {
			int64_t ratio = i < 5 ? m->tun.lowmem_reserve_ratio[i] : 0;
			int clear = ratio <= 0 || !zones[i].managed_pages;
			uint64_t managed = 0;

			for (int j = i + 1; j < MAX_NR_ZONES; j++) {
				managed += zones[j].managed_pages;
				zones[i].lowmem_reserve[j] = clear ? 0 : managed / (uint64_t)ratio;
			}
		}
	}
	calculate_totalreserve_pages(m);
}

void calculate_totalreserve_pages(struct machine *m)
{
	uint64_t total = 0;

	for_each_zone(m, z) {
		uint64_t max = 0;

		for (int j = z->idx; j < MAX_NR_ZONES; j++)
			if (z->lowmem_reserve[j] > max)
				max = z->lowmem_reserve[j];
		max += z->_watermark[WMARK_HIGH];
		if (max > z->managed_pages)
			max = z->managed_pages;
		z->totalreserve = max;
		total += max;
	}
	m->totalreserve_pages = total;
}

uint64_t si_mem_available(struct machine *m)
{
	int64_t wmark_low = 0, available, pagecache, reclaimable;

	for_each_zone(m, z)
		wmark_low += (int64_t)z->_watermark[WMARK_LOW];

	available = global_zone_page_state(m, NR_FREE_PAGES) - (int64_t)m->totalreserve_pages;
	pagecache = global_node_page_state(m, NR_ACTIVE_FILE) +
		    global_node_page_state(m, NR_INACTIVE_FILE);
	pagecache -= pagecache / 2 < wmark_low ? pagecache / 2 : wmark_low;
	available += pagecache;
	reclaimable = global_node_page_state(m, NR_SLAB_RECLAIMABLE) +
		      global_node_page_state(m, NR_KERNEL_MISC_RECLAIMABLE);
	available += reclaimable - (reclaimable / 2 < wmark_low ? reclaimable / 2 : wmark_low);
	return available < 0 ? 0 : (uint64_t)available;
}
