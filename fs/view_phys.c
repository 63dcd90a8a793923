// SPDX-License-Identifier: MIT
/*
 * view_phys.c - view/buddy.svg and view/physical.svg.
 *
 * buddy.svg: for each populated zone, one bar per order whose height is
 * log2(1 + free blocks) (one scale for the whole picture), split into the
 * migratetypes of pagetypeinfo, labelled with buddyinfo's count.
 *
 * physical.svg: each zone as a grid of cells, a cell being one pageblock
 * (2 MiB) or, on a machine with more than VIEW_PHYS_CELLS of them, a
 * power of two of them. A cell's body is split left to right by what its
 * frames hold: free ones first, by the order of their buddy block (large
 * blocks pale, small ones deep green), then the rest in legend order; the
 * strip above it is the migratetype most of its pageblocks have.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "view.h"

static const char *const mt_colour[MIGRATE_TYPES] = {
	[MIGRATE_UNMOVABLE] = "#222222", [MIGRATE_MOVABLE] = "#27ae60",
	[MIGRATE_RECLAIMABLE] = "#00bcd4", [MIGRATE_HIGHATOMIC] = "#ff9800",
	[MIGRATE_ISOLATE] = "#e91e63",
};

static const char *const use_colour[MM_NR_USES] = {
	[MM_USE_FREE] = "#d9f2d9" /* free_colour[MM_MAX_ORDER] */, [MM_USE_ANON] = "#e4572e", [MM_USE_THP] = "#a0261b",
	[MM_USE_CACHE] = "#2e86de", [MM_USE_SHMEM] = "#8e44ad", [MM_USE_PGTABLE] = "#f1c40f",
	[MM_USE_SLAB] = "#16a085", [MM_USE_HUGETLB] = "#6d4c41", [MM_USE_KERNEL] = "#7f8c8d",
	[MM_USE_RESERVED] = "#2c3e50", [MM_USE_HOLE] = "#eeeeee",
};

/* Free frames by the order of their block: large blocks pale, fragments deep. */
static const char *const free_colour[MM_NR_ORDERS] = {
	"#2a8018", "#3a9420", "#4aa828", "#5bbb30", "#6dc348", "#7fcb60",
	"#91d378", "#a3db90", "#b5e3a8", "#c7ebc0", "#d9f2d9",
};

static void mt_legend(struct rbuf *b, int y, const char *heading)
{
	struct svg_key k[MIGRATE_TYPES];

	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		k[mt] = (struct svg_key){ mt_colour[mt], migratetype_names[mt] };
	svg_legend(b, 10, y, heading, k, MIGRATE_TYPES);
}

/* ---- buddy.svg ---- */

#define BUDDY_PANEL	150	/* px per zone */
#define BUDDY_TOP	96
#define BUDDY_BAR_H	96	/* the tallest bar */

static int nr_populated(const struct mm_global_snap *g)
{
	int n = 0;

	for (int nid = 0; nid < g->nr_nodes; nid++)
		for (int z = 0; z < MAX_NR_ZONES; z++)
			n += g->node[nid].zone[z].populated;
	return n;
}

static uint64_t zone_blocks(const struct mm_zone_snap *zs, int o)
{
	uint64_t n = 0;

	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		n += zs->nr_free[o][mt];
	return n;
}

static int bar_height(uint64_t n, uint64_t max)
{
	if (!n)
		return 0;
	return 2 + (int)((BUDDY_BAR_H - 2) * log2_fix(1 + n) / log2_fix(1 + max));
}

static void buddy_bar(struct rbuf *b, int nid, int z, const struct mm_zone_snap *zs, int o,
		      int x, int base, uint64_t max)
{
	uint64_t n = zone_blocks(zs, o), below = 0;
	int h = bar_height(n, max), y = base;
	char sz[32];

	rbuf_printf(b, "<g class=\"bar\" data-node=\"%d\" data-zone=\"%s\" data-order=\"%d\" "
		    "data-blocks=\"%" PRIu64 "\">\n", nid, zone_names[z], o, n);
	for (int mt = 0; mt < MIGRATE_TYPES && n; mt++) {
		uint64_t c = zs->nr_free[o][mt];
		int top;

		if (!c)
			continue;
		below += c;
		top = base - (int)((uint64_t)h * below / n);
		rbuf_printf(b, "<rect class=\"seg\" data-mt=\"%s\" data-blocks=\"%" PRIu64 "\" "
			    "x=\"%d\" y=\"%d\" width=\"70\" height=\"%d\" fill=\"%s\">"
			    "<title>Node %d, zone %s, order %d, %s: %" PRIu64 " free blocks</title>"
			    "</rect>\n", migratetype_names[mt], c, x, top, y - top, mt_colour[mt],
			    nid, zone_names[z], o, migratetype_names[mt], c);
		y = top;
	}
	snprintf(sz, sizeof(sz), "%" PRIu64, n);
	svg_text(b, x + 35, base - h - 4, 12, "middle", sz);
	rbuf_puts(b, "</g>\n");
	fmt_size(sz, sizeof(sz), 4096ULL << o);
	svg_text(b, x + 35, base + 14, 11, "middle", sz);
}

void render_buddy_svg(struct rbuf *b, const struct mm_global_snap *g)
{
	int height = BUDDY_TOP + BUDDY_PANEL * nr_populated(g) + 10, y = BUDDY_TOP;
	uint64_t max = 1;
	char line[160], sz[32];

	for (int nid = 0; nid < g->nr_nodes; nid++)
		for (int z = 0; z < MAX_NR_ZONES; z++)
			for (int o = 0; o < MM_NR_ORDERS; o++)
				if (zone_blocks(&g->node[nid].zone[z], o) > max)
					max = zone_blocks(&g->node[nid].zone[z], o);
	svg_begin(b, VIEW_WIDTH, height, "mmfs: free blocks per zone and order");
	svg_text(b, 10, 24, 18, "start",
		 "Free blocks per zone and order (proc/buddyinfo, proc/pagetypeinfo)");
	svg_text(b, 10, 44, 12, "start",
		 "bar height: log2(1 + free blocks), one scale for all zones; number: free blocks; "
		 "below: block size (4 KiB << order)");
	mt_legend(b, 58, "migratetype:");
	for (int nid = 0; nid < g->nr_nodes; nid++)
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			const struct mm_zone_snap *zs = &g->node[nid].zone[z];
			uint64_t pages = 0;

			if (!zs->populated)
				continue;
			for (int o = 0; o < MM_NR_ORDERS; o++)
				pages += zone_blocks(zs, o) << o;
			rbuf_printf(b, "<g class=\"zone\" data-node=\"%d\" data-zone=\"%s\">\n", nid,
				    zone_names[z]);
			rbuf_printf(b, "<line x1=\"10\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
				    "stroke=\"#cccccc\"/>\n", y + 4, VIEW_WIDTH - 10, y + 4);
			snprintf(line, sizeof(line), "Node %d, zone %s", nid, zone_names[z]);
			svg_text(b, 10, y + 40, 15, "start", line);
			fmt_size(sz, sizeof(sz), pages * 4096);
			snprintf(line, sizeof(line), "free: %s", sz);
			svg_text(b, 10, y + 60, 12, "start", line);
			for (int o = 0; o < MM_NR_ORDERS; o++)
				buddy_bar(b, nid, z, zs, o, 200 + 95 * o, y + BUDDY_BAR_H + 24, max);
			rbuf_puts(b, "</g>\n");
			y += BUDDY_PANEL;
		}
	svg_end(b);
}

/* ---- physical.svg ---- */

#define PHYS_COLS	64
#define PHYS_CELL	16	/* px, plus a 2 px gap */
#define PHYS_STRIP	4	/* the migratetype strip on top of a cell */

static int dominant_mt(const struct mm_phys_cell *c)
{
	int best = 0;

	for (int mt = 1; mt < MIGRATE_TYPES; mt++)
		if (c->pageblocks[mt] > c->pageblocks[best])
			best = mt;
	return best;
}

static void phys_cell(struct rbuf *b, const struct mm_phys_cell *c, int x, int y)
{
	uint64_t total = c->end_pfn - c->start_pfn, cum = 0;
	int mt = dominant_mt(c), px = 0;
	const char *sep = "";
	char sz[32];

	fmt_size(sz, sizeof(sz), total * 4096);
	rbuf_printf(b, "<g class=\"cell\" data-pfn=\"0x%" PRIx64 "\"><title>pfn 0x%" PRIx64
		    "-0x%" PRIx64 " (%s): ", c->start_pfn, c->start_pfn, c->end_pfn, sz);
	for (int u = 0; u < MM_NR_USES; u++) {
		if (!c->pages[u])
			continue;
		rbuf_printf(b, "%s%s %" PRIu32, sep, mm_frame_use_names[u], c->pages[u]);
		sep = ", ";
	}
	rbuf_puts(b, " pages");
	sep = "; free by order: ";
	for (int o = 0; o < MM_NR_ORDERS; o++)
		if (c->free_pages[o]) {
			rbuf_printf(b, "%s%d: %" PRIu32, sep, o, c->free_pages[o]);
			sep = ", ";
		}
	rbuf_printf(b, "; pageblocks: %s</title>\n", migratetype_names[mt]);
	rbuf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>\n", x, y,
		    PHYS_CELL, PHYS_STRIP, mt_colour[mt]);
	/* free first, order by order, then the other uses in legend order */
	for (int k = 0; k < MM_NR_ORDERS + MM_NR_USES - 1; k++) {
		int u = k < MM_NR_ORDERS ? MM_USE_FREE : k - MM_NR_ORDERS + 1;
		uint32_t n = k < MM_NR_ORDERS ? c->free_pages[k] : c->pages[u];
		int end;

		if (!n)
			continue;
		cum += n;
		end = (int)(PHYS_CELL * cum / total);
		if (end > px)
			rbuf_printf(b, "<rect class=\"use\" data-use=\"%d\" x=\"%d\" y=\"%d\" "
				    "width=\"%d\" height=\"%d\" fill=\"%s\"/>\n", u, x + px,
				    y + PHYS_STRIP, end - px, PHYS_CELL - PHYS_STRIP,
				    k < MM_NR_ORDERS ? free_colour[k] : use_colour[u]);
		px = end;
	}
	rbuf_puts(b, "</g>\n");
}

void render_physical_svg(struct rbuf *b, const struct mm_phys_snap *p,
			 const struct mm_global_snap *g)
{
	int height = 148, y;
	struct svg_key keys[MM_NR_USES], orders[MM_NR_ORDERS];
	static const char *const order_names[MM_NR_ORDERS] = {
		"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10",
	};
	char line[200], sz[32], sz2[32];

	for (int i = 0; i < p->nr_zones; i++)
		height += 34 + (int)((p->zone[i].nr_cells + PHYS_COLS - 1) / PHYS_COLS) *
			       (PHYS_CELL + 2);
	svg_begin(b, VIEW_WIDTH, height, "mmfs: physical memory, pageblock by pageblock");
	fmt_size(sz, sizeof(sz), p->pfns_per_cell * 4096);
	fmt_size(sz2, sizeof(sz2), g->meminfo[MI_MEMTOTAL] * 1024);
	snprintf(line, sizeof(line), "Physical memory by zone (MemTotal %s): one cell = %" PRIu64
		 " pageblock%s = %s", sz2, p->pfns_per_cell >> MM_PAGEBLOCK_ORDER,
		 p->pfns_per_cell >> MM_PAGEBLOCK_ORDER > 1 ? "s" : "", sz);
	svg_text(b, 10, 24, 18, "start", line);
	svg_text(b, 10, 44, 12, "start",
		 "cell body: its frames by what they hold, left to right (proc/kpageflags); "
		 "strip on top: the migratetype of most of its pageblocks");
	for (int u = 0; u < MM_NR_USES; u++)
		keys[u] = (struct svg_key){ use_colour[u], mm_frame_use_names[u] };
	y = svg_legend(b, 10, 56, "frames:", keys, MM_NR_USES);
	for (int o = 0; o < MM_NR_ORDERS; o++)
		orders[o] = (struct svg_key){ free_colour[o], order_names[o] };
	y = svg_legend(b, 10, y, "free frames by block order:", orders, MM_NR_ORDERS);
	mt_legend(b, y, "pageblocks:");
	y = 148;
	for (int i = 0; i < p->nr_zones; i++) {
		const struct mm_phys_zone *z = &p->zone[i];

		fmt_size(sz, sizeof(sz), (z->end_pfn - z->start_pfn) * 4096);
		snprintf(line, sizeof(line), "Node %d, zone %s: pfn 0x%" PRIx64 "-0x%" PRIx64
			 " (%s spanned), %zu cells", z->nid, zone_names[z->zid], z->start_pfn,
			 z->end_pfn, sz, z->nr_cells);
		rbuf_printf(b, "<g class=\"zone\" data-node=\"%d\" data-zone=\"%s\">\n", z->nid,
			    zone_names[z->zid]);
		svg_text(b, 10, y + 20, 14, "start", line);
		y += 28;
		for (size_t c = 0; c < z->nr_cells; c++)
			phys_cell(b, &p->cell[z->first_cell + c],
				  20 + (int)(c % PHYS_COLS) * (PHYS_CELL + 2),
				  y + (int)(c / PHYS_COLS) * (PHYS_CELL + 2));
		y += (int)((z->nr_cells + PHYS_COLS - 1) / PHYS_COLS) * (PHYS_CELL + 2) + 6;
		rbuf_puts(b, "</g>\n");
	}
	svg_end(b);
}
