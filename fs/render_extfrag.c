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

/* A snapshot zone's free blocks per order, all migratetypes. */
static void zone_blocks(const struct mm_zone_snap *z, uint64_t blocks[MM_NR_ORDERS])
{
	for (int o = 0; o < MM_NR_ORDERS; o++) {
		blocks[o] = 0;
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			blocks[o] += z->nr_free[o][mt];
	}
}

static void render_index(struct rbuf *b, const struct mm_global_snap *s,
			 int (*index)(const struct contig_page_info *, int), bool padded)
{
	for (int nid = 0; nid < s->nr_nodes; nid++) {
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			const struct mm_zone_snap *zs = &s->node[nid].zone[z];
			uint64_t blocks[MM_NR_ORDERS];

			if (!zs->populated)
				continue;
			zone_blocks(zs, blocks);
			rbuf_printf(b, "Node %d, zone %8s ", nid, zone_names[z]);
			for (int o = 0; o < MM_NR_ORDERS; o++) {
				struct contig_page_info ci;
				int i;

				mm_contig_page_info(blocks, o, &ci);
				i = index(&ci, o);
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
	render_index(b, s, mm_unusable_index, false);
}

void render_extfrag_index(struct rbuf *b, const struct mm_global_snap *s)
{
	render_index(b, s, mm_fragmentation_index, true);
}
