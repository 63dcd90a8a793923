// SPDX-License-Identifier: MIT
/*
 * compaction_frag.c - how fragmented a zone's free memory is (kernel:
 * fragmentation_index and extfrag_for_order in mm/vmstat.c, the
 * fragmentation score in mm/compaction.c), from its buddy lists:
 *
 *   fragmentation_index  -1000 when a block of the order is free, else
 *                        1000 - (1000 + 1000 F / 2^order) / B for F free
 *                        pages in B blocks: towards 0 the failure would
 *                        be for want of memory, towards 1000 for want of
 *                        contiguity (compaction_suitable, extfrag_threshold);
 *   extfrag_for_order    the percent of free memory in blocks below order;
 *   the score            a node's zones' extfrag_for_order(9), each
 *                        weighted by its share of the node's pages, against
 *                        watermarks of compaction_proactiveness.
 */
#include "internal.h"
#include "compaction.h"

void mm_contig_page_info(const uint64_t blocks[MM_NR_ORDERS], int order,
			 struct contig_page_info *info)
{
	*info = (struct contig_page_info){ 0 };
	for (int o = 0; o < MM_NR_ORDERS; o++) {
		info->free_blocks_total += blocks[o];
		info->free_pages += blocks[o] << o;
		if (o >= order)
			info->free_blocks_suitable += blocks[o] << (o - order);
	}
}

int mm_fragmentation_index(const struct contig_page_info *info, int order)
{
	if (!info->free_blocks_total)
		return 0;
	if (info->free_blocks_suitable)
		return -1000;
	return 1000 - (int)((1000 + info->free_pages * 1000 / (1ULL << order)) /
			    info->free_blocks_total);
}

int mm_unusable_index(const struct contig_page_info *info, int order)
{
	if (!info->free_pages)
		return 0;
	return (int)((info->free_pages - (info->free_blocks_suitable << order)) * 1000 /
		     info->free_pages);
}

static void fill_contig_page_info(const struct zone *z, int order, struct contig_page_info *info)
{
	uint64_t blocks[MM_NR_ORDERS] = { 0 };

	for (int o = 0; o < MM_NR_ORDERS; o++)
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			blocks[o] += z->free_area[o].nr_free[mt];
	mm_contig_page_info(blocks, order, info);
}

int fragmentation_index(const struct zone *z, int order)
{
	struct contig_page_info info;

	fill_contig_page_info(z, order, &info);
	return mm_fragmentation_index(&info, order);
}

unsigned extfrag_for_order(const struct zone *z, int order)
{
	struct contig_page_info info;

	fill_contig_page_info(z, order, &info);
	if (!info.free_pages)
		return 0;
	return (unsigned)((info.free_pages - (info.free_blocks_suitable << order)) * 100 / info.free_pages);
}

unsigned fragmentation_score_wmark(struct machine *m, int low)
{
	unsigned wmark_low = 100 - (unsigned)m->tun.compaction_proactiveness;

	if (wmark_low < 5)
		wmark_low = 5;
	return low ? wmark_low : (wmark_low + 10 < 100 ? wmark_low + 10 : 100);
}

/* A zone's share of its node's score: its extfrag at order 9, weighted by its size. */
static unsigned fragmentation_score_zone_weighted(struct zone *z)
{
	uint64_t score = z->present_pages * extfrag_for_order(z, COMPACTION_HPAGE_ORDER);

	return (unsigned)(score / (z->zone_pgdat->node_present_pages + 1));
}

unsigned fragmentation_score_node(struct machine *m, struct pglist_data *pgdat)
{
	unsigned score = 0;

	(void)m;
	for (int i = 0; i < MAX_NR_ZONES; i++)
		if (populated_zone(&pgdat->node_zones[i]))
			score += fragmentation_score_zone_weighted(&pgdat->node_zones[i]);
	return score;
}
