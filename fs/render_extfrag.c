/* SPDX-License-Identifier: MIT */
/*
 * render_extfrag.c - sys/kernel/debug/extfrag/: how fragmented each zone's
 * free memory is, per order, from the buddy lists of the moment (the
 * kernel: mm/vmstat.c, extfrag_debug_init).
 *
 * For an order o, with F free pages in B free blocks, S of them (counted in
 * blocks of order o) big enough:
 *   unusable_index  (F - S * 2^o) / F: the share of free memory that cannot
 *                   serve the request (0 when nothing is free);
 *   extfrag_index   -1 when the request can be met (S > 0), else
 *                   1 - (1 + F / 2^o) / B: towards 0 the failure is for want
 *                   of memory, towards 1 for want of contiguity (0 when
 *                   nothing is free).
 * Both in thousandths, integer arithmetic as the kernel does it, printed
 * per order after "Node N, zone %8s ", for populated zones only:
 * unusable_index as "%d.%03d ", extfrag_index as "%2d.%03d ".
 */
#include <inttypes.h>
#include <stdbool.h>

#include "render.h"

struct contig_info {
	uint64_t free_pages, free_blocks_total, free_blocks_suitable;
};

static void contig_info(const struct mm_zone_snap *z, int order, struct contig_info *ci)
{
	*ci = (struct contig_info){ 0 };
	for (int o = 0; o < MM_NR_ORDERS; o++) {
		uint64_t blocks = 0;

		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			blocks += z->nr_free[o][mt];
		ci->free_blocks_total += blocks;
		ci->free_pages += blocks << o;
		if (o >= order)
			ci->free_blocks_suitable += blocks << (o - order);
	}
}

static int unusable_index(int order, const struct contig_info *ci)
{
	if (!ci->free_pages)
		return 0;
	return (int)((ci->free_pages - (ci->free_blocks_suitable << order)) * 1000ULL /
		     ci->free_pages);
}

static int fragmentation_index(int order, const struct contig_info *ci)
{
	uint64_t requested = 1ULL << order;

	if (!ci->free_blocks_total)
		return 0;
	if (ci->free_blocks_suitable)
		return -1000;
	return 1000 - (int)((1000 + ci->free_pages * 1000ULL / requested) /
			    ci->free_blocks_total);
}

static void render_index(struct rbuf *b, const struct mm_global_snap *s,
			 int (*index)(int, const struct contig_info *), bool padded)
{
	for (int nid = 0; nid < s->nr_nodes; nid++) {
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			const struct mm_zone_snap *zs = &s->node[nid].zone[z];

			if (!zs->populated)
				continue;
			rbuf_printf(b, "Node %d, zone %8s ", nid, zone_names[z]);
			for (int o = 0; o < MM_NR_ORDERS; o++) {
				struct contig_info ci;
				int i;

				contig_info(zs, o, &ci);
				i = index(o, &ci);
				if (padded)	/* extfrag_index: -1.000 or  0.xxx */
					rbuf_printf(b, "%2d.%03d ", i / 1000, i % 1000);
				else
					rbuf_printf(b, "%d.%03d ", i / 1000, i % 1000);
			}
			rbuf_puts(b, "\n");
		}
	}
}

void render_unusable_index(struct rbuf *b, const struct mm_global_snap *s)
{
	render_index(b, s, unusable_index, false);
}

void render_extfrag_index(struct rbuf *b, const struct mm_global_snap *s)
{
	render_index(b, s, fragmentation_index, true);
}
