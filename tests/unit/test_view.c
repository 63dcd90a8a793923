// SPDX-License-Identifier: MIT
/*
 * test_view.c - the pictures of view/ against the text files: buddy.svg's
 * bars carry buddyinfo's and pagetypeinfo's counts, physical.svg's cells add
 * up to meminfo, address-space.svg's rows are maps' lines; each the same
 * bytes for the same state; and a process with 100k VMAs renders at once.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../fs/view.h"

#define RW	(MM_PROT_READ | MM_PROT_WRITE)
#define PA	(MM_MAP_PRIVATE | MM_MAP_ANONYMOUS)

static struct machine *m;
static char dir[64];

#include "mmtest.h"	/* call (mm_check after each), touch */

static void boot(void)
{
	struct mm_config cfg = { .ram_bytes = 1ULL << 30, .nr_nodes = 1 };
	char why[128] = "";

	snprintf(dir, sizeof(dir), "/tmp/mmfs-view.XXXXXX");
	cr_assert(mkdtemp(dir), "a backing directory");
	m = mm_boot(&cfg, why, sizeof(why));
	cr_assert(m && !mm_set_backing(m, dir, 0xfe, 1), "mm_boot: %s", why);
}

static void shutdown(void)
{
	char cmd[128];

	mm_shutdown(m);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(view, .init = boot, .fini = shutdown);

static int spawn(void)
{
	char why[128];
	int pid;

	cr_assert_eq(mm_spawn(m, NULL, &pid, why, sizeof(why)), 0, "%s", why);
	return pid;
}

static char *str(struct rbuf *b)
{
	char *s = strndup(b->buf ? b->buf : "", b->len);

	rbuf_free(b);
	return s;
}

static char *buddy_svg(void)
{
	struct mm_global_snap *g = mm_snap_global(m);
	struct rbuf b;

	rbuf_init(&b);
	render_buddy_svg(&b, g);
	free(g);
	return str(&b);
}

static char *physical_svg(struct mm_phys_snap **keep)
{
	struct mm_global_snap *g;
	struct mm_phys_snap *p = mm_snap_phys(m, VIEW_PHYS_CELLS, &g);
	struct rbuf b;

	cr_assert(p);
	rbuf_init(&b);
	render_physical_svg(&b, p, g);
	free(g);
	if (keep)
		*keep = p;
	else
		free(p);
	return str(&b);
}

static char *aspace_svg(int pid)
{
	struct mm_aspace_snap *a = mm_snap_aspace(m, pid, VIEW_VMA_BINS, VIEW_BIN_VMAS);
	struct rbuf b;

	cr_assert(a);
	rbuf_init(&b);
	render_aspace_svg(&b, a);
	free(a);
	return str(&b);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* A small workload: anonymous memory written, read (zero page), a hole. */
static int workload(void)
{
	int pid = spawn();
	uint64_t a = map_anon(pid, 8 << 20, 0);

	touch(pid, a, 2 << 20, 1);
	touch(pid, a + (4 << 20), 1 << 20, 0);
	return pid;
}

Test(view, buddy_bars_are_buddyinfo)
{
	char *svg, *text;
	struct mm_global_snap *g;
	struct rbuf b;
	int zones = 0;

	workload();
	svg = buddy_svg();
	g = mm_snap_global(m);
	rbuf_init(&b);
	render_buddyinfo(&b, g);
	text = str(&b);
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char zone[16];
		int nid, off;
		uint64_t n;
		const char *p;

		cr_assert_eq(sscanf(line, "Node %d, zone %15s%n", &nid, zone, &off), 2);
		p = line + off;
		for (int o = 0; o < MM_NR_ORDERS; o++) {
			char want[128];
			int used;

			cr_assert_eq(sscanf(p, "%" SCNu64 "%n", &n, &used), 1);
			p += used;
			snprintf(want, sizeof(want), "<g class=\"bar\" data-node=\"%d\" "
				 "data-zone=\"%s\" data-order=\"%d\" data-blocks=\"%" PRIu64 "\">",
				 nid, zone, o, n);
			cr_assert(strstr(svg, want), "buddy.svg lacks %s", want);
		}
		zones++;
	}
	cr_assert_eq(count(svg, "<g class=\"bar\""), (size_t)zones * MM_NR_ORDERS);
	/* every segment is one migratetype's count of pagetypeinfo */
	for (int z = 0; z < MAX_NR_ZONES; z++)
		for (int o = 0; o < MM_NR_ORDERS; o++)
			for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
				uint64_t c = g->node[0].zone[z].nr_free[o][mt];
				char want[160];

				if (!c)
					continue;
				snprintf(want, sizeof(want), "<title>Node 0, zone %s, order %d, %s: %"
					 PRIu64 " free blocks</title>", zone_names[z], o,
					 migratetype_names[mt], c);
				cr_assert(strstr(svg, want), "buddy.svg lacks %s", want);
			}
	cr_assert(strstr(svg, "migratetype:"), "a legend");
	free(g);
	free(text);
	free(svg);
}

Test(view, physical_cells_add_up_to_meminfo)
{
	struct mm_phys_snap *p;
	struct mm_global_snap *g;
	char *svg;
	uint64_t sum[MM_NR_USES] = { 0 }, spanned = 0, cells = 0;

	workload();
	svg = physical_svg(&p);
	g = mm_snap_global(m);
	for (size_t i = 0; i < p->nr_cells; i++) {
		uint64_t pages = 0;

		for (int u = 0; u < MM_NR_USES; u++) {
			sum[u] += p->cell[i].pages[u];
			pages += p->cell[i].pages[u];
		}
		cr_assert_eq(pages, p->cell[i].end_pfn - p->cell[i].start_pfn);
		pages = 0;
		for (int o = 0; o < MM_NR_ORDERS; o++)
			pages += p->cell[i].free_pages[o];
		cr_assert_eq(pages, p->cell[i].pages[MM_USE_FREE], "free pages by order add up");
	}
	/* free pages by order, zone by zone, are buddyinfo's blocks << order */
	for (int z = 0; z < p->nr_zones; z++) {
		const struct mm_phys_zone *pz = &p->zone[z];

		for (int o = 0; o < MM_NR_ORDERS; o++) {
			uint64_t cells_o = 0, buddy = 0;

			for (size_t i = 0; i < pz->nr_cells; i++)
				cells_o += p->cell[pz->first_cell + i].free_pages[o];
			for (int mt = 0; mt < MIGRATE_TYPES; mt++)
				buddy += g->node[pz->nid].zone[pz->zid].nr_free[o][mt] << o;
			cr_assert_eq(cells_o, buddy, "zone %s order %d: %" PRIu64 " pages in cells, "
				     "%" PRIu64 " in buddyinfo", zone_names[pz->zid], o, cells_o, buddy);
		}
	}
	for (int z = 0; z < p->nr_zones; z++) {
		spanned += p->zone[z].end_pfn - p->zone[z].start_pfn;
		cells += p->zone[z].nr_cells;
	}
	cr_assert_eq(sum[MM_USE_FREE] * 4, g->meminfo[MI_MEMFREE], "free %" PRIu64 " vs MemFree",
		     sum[MM_USE_FREE] * 4);
	cr_assert_eq((sum[MM_USE_ANON] + sum[MM_USE_THP]) * 4, g->meminfo[MI_ANONPAGES]);
	cr_assert_eq(sum[MM_USE_PGTABLE] * 4, g->meminfo[MI_PAGETABLES]);
	cr_assert_eq(p->pfns_per_cell, 512, "1 GiB: one cell per pageblock");
	cr_assert_eq(cells, p->nr_cells);
	cr_assert_eq(count(svg, "<g class=\"cell\""), p->nr_cells);
	cr_assert_eq(count(svg, "<g class=\"zone\""), (size_t)p->nr_zones);
	cr_assert(strstr(svg, "one cell = 1 pageblock = 2 MiB"), "units");
	cr_assert(strstr(svg, "free frames by block order:"), "the order legend");
	cr_assert(strstr(svg, ">anonymous</text>") && strstr(svg, ">free</text>") &&
		  strstr(svg, ">page tables</text>"), "a legend");
	(void)spanned;
	free(g);
	free(p);
	free(svg);
}

/* maps' lines, the gate VMA aside */
static char *maps_text(int pid)
{
	struct mm_task_snap *t = mm_snap_task(m, pid, 1);
	struct mm_vma_snap v;
	size_t at = 0;
	struct rbuf b;

	rbuf_init(&b);
	while (mm_snap_vma(t, &at, &v))
		render_maps_vma(&b, &v);
	free(t);
	return str(&b);
}

Test(view, aspace_rows_are_maps)
{
	int pid = workload();
	char *svg = aspace_svg(pid), *maps = maps_text(pid), *titles;
	struct rbuf b;
	size_t lines = 0;

	/* the titles of the rows, one a line, are maps (with & < > escaped) */
	rbuf_init(&b);
	for (const char *p = svg; (p = strstr(p, "<g class=\"vma\"")); p++) {
		const char *t = strstr(p, "<title>") + 7, *e = strstr(t, "</title>");

		rbuf_put(&b, t, (size_t)(e - t));
		rbuf_puts(&b, "\n");
		lines++;
	}
	titles = str(&b);
	cr_assert_str_eq(titles, maps);
	cr_assert_eq(lines, count(maps, "\n"));
	cr_assert(strstr(svg, ">rw-p 8 MiB [anon]</text>"), "label: perms, size, name");
	cr_assert(strstr(svg, "[stack]</text>"), "the stack named");
	cr_assert(strstr(svg, ">resident</text>") && strstr(svg, ">zero page</text>") &&
		  strstr(svg, ">heap</text>"), "legends");
	free(titles);
	free(maps);
	free(svg);
}

Test(view, aspace_page_states_are_smaps)
{
	int pid = workload();
	struct mm_aspace_snap *a = mm_snap_aspace(m, pid, VIEW_VMA_BINS, VIEW_BIN_VMAS);
	struct mm_task_snap *t = mm_snap_task(m, pid, 2);
	uint64_t rss = 0, swap = 0, resident = 0, swapped = 0;

	for (size_t i = 0; i < t->nr_vmas; i++) {
		rss += t->vmas[i].u.rss;
		swap += t->vmas[i].u.swap;
	}
	for (size_t i = 0; i < a->nr_vmas; i++) {
		uint64_t bins[MM_NR_PS] = { 0 };

		resident += a->vmas[i].pages[MM_PS_RESIDENT] + a->vmas[i].pages[MM_PS_HUGE];
		swapped += a->vmas[i].pages[MM_PS_SWAP];
		for (uint32_t j = 0; j < a->vmas[i].nr_bins; j++)
			for (int s = 0; s < MM_NR_PS; s++)
				bins[s] += a->bins[a->vmas[i].first_bin + j].pages[s];
		for (int s = 0; a->vmas[i].nr_bins && s < MM_NR_PS; s++)
			cr_assert_eq(bins[s], a->vmas[i].pages[s], "bins add up to the VMA");
		if (a->vmas[i].end - a->vmas[i].start == 8 << 20) {
			cr_assert_eq(a->vmas[i].pages[MM_PS_RESIDENT] + a->vmas[i].pages[MM_PS_HUGE],
				     512, "2 MiB written");
			cr_assert_eq(a->vmas[i].pages[MM_PS_ZERO], 256, "1 MiB read");
			cr_assert_eq(a->vmas[i].pages[MM_PS_NONE], 1280, "5 MiB untouched");
		}
	}
	/* smaps counts the zero page in no Rss */
	cr_assert_eq(resident * 4096, rss);
	cr_assert_eq(swapped * 4096, swap);
	free(a);
	free(t);
}

Test(view, same_state_same_bytes)
{
	int pid = workload();
	char *a1 = aspace_svg(pid), *a2 = aspace_svg(pid);
	char *p1 = physical_svg(NULL), *p2 = physical_svg(NULL);
	char *b1 = buddy_svg(), *b2 = buddy_svg();

	cr_assert_str_eq(a1, a2);
	cr_assert_str_eq(p1, p2);
	cr_assert_str_eq(b1, b2);
	free(a1);
	free(a2);
	free(p1);
	free(p2);
	free(b1);
	free(b2);
}

/* A hand-made snapshot of n VMAs of one page each, a page apart. */
static struct mm_aspace_snap *many_vmas(size_t n)
{
	struct mm_aspace_snap *a = calloc(1, sizeof(*a) + n * sizeof(a->vmas[0]) + 64);

	cr_assert(a);
	a->task.pid = 7;
	a->task.has_mm = 1;
	strcpy(a->task.comm, "many");
	a->nr_vmas = n;
	a->vmas = (struct mm_aspace_vma *)(a + 1);
	a->names = (const char *)(a->vmas + n);
	strcpy((char *)a->names + 1, "a<b&c");
	for (size_t i = 0; i < n; i++) {
		a->vmas[i].start = 0x10000000 + i * 0x2000;
		a->vmas[i].end = a->vmas[i].start + 0x1000;
		a->vmas[i].flags = MM_VM_READ | (i % 2 ? MM_VM_WRITE : 0);
		a->vmas[i].name = i == 3 ? 1 : 0;
		a->vmas[i].pages[i % 3 ? MM_PS_RESIDENT : MM_PS_NONE] = 1;
	}
	return a;
}

Test(view, aspace_aggregates_100k_vmas)
{
	struct mm_aspace_snap *a = many_vmas(100000);
	struct timespec t0, t1;
	struct rbuf b;
	char *svg;
	double ms;

	rbuf_init(&b);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	render_aspace_svg(&b, a);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	svg = str(&b);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	cr_assert_lt(ms, 1000.0, "100k VMAs in %.1f ms", ms);
	cr_assert_eq(count(svg, "<g class=\"group\""), VIEW_VMA_ROWS);
	cr_assert(strstr(svg, "consecutive VMAs share a row"));
	cr_assert_lt(strlen(svg), 1u << 20, "a picture a browser draws at once");
	free(svg);
	free(a);

	a = many_vmas(5);	/* few: one row each, names escaped */
	rbuf_init(&b);
	render_aspace_svg(&b, a);
	svg = str(&b);
	cr_assert_eq(count(svg, "<g class=\"vma\""), 5);
	cr_assert(strstr(svg, "a&lt;b&amp;c</text>"), "escaped name");
	cr_assert_eq(count(svg, "<g class=\"gap\""), 4, "gaps drawn");
	free(svg);
	free(a);
}

Test(view, sizes_in_binary_units)
{
	char s[32];

	fmt_size(s, sizeof(s), 4096);
	cr_assert_str_eq(s, "4 KiB");
	fmt_size(s, sizeof(s), 3 << 19);
	cr_assert_str_eq(s, "1.5 MiB");
	fmt_size(s, sizeof(s), 1ULL << 40);
	cr_assert_str_eq(s, "1 TiB");
	fmt_size(s, sizeof(s), 100);
	cr_assert_str_eq(s, "100 B");
}

/* ---- pagetable.svg and its walk ---- */

static uint64_t pagemap_pfn(int pid, uint64_t addr)
{
	uint64_t e = 0;

	cr_assert_eq(mm_pagemap_read(m, pid, addr >> 12, &e, 1), 1);
	return e & ((1ULL << 55) - 1);
}

Test(view, pagetable_walk_is_pagemap)
{
	int pid = spawn();
	uint64_t a = map_anon(pid, 4 << 20, 0);
	struct mm_pt_snap *s;
	struct mm_task_snap *t;
	struct rbuf b;
	char *svg;
	uint64_t tables = 0;
	size_t walked = 0;

	touch(pid, a, 4 << 20, 1);
	s = mm_snap_pgtable(m, pid, a + 0x3000, VIEW_PT_TABLES);
	t = mm_snap_task(m, pid, 0);
	cr_assert(s && t);
	cr_assert_eq(s->nr_steps, 4);
	for (int l = 0; l < 3; l++)
		cr_assert(s->step[l].kind == MM_PT_TABLE || s->step[l].kind == MM_PT_HUGE);
	if (s->step[2].kind == MM_PT_TABLE) {
		cr_assert_eq(s->step[3].kind, MM_PT_PAGE);
		cr_assert_eq((s->step[3].entry & 0x000ffffffffff000ULL) >> 12,
			     pagemap_pfn(pid, a + 0x3000), "the walk ends where pagemap says");
		cr_assert_eq(s->step[3].index, ((a + 0x3000) >> 12) & 511);
	}
	for (int l = 0; l < 4; l++)
		tables += s->tables[l];
	cr_assert_eq(s->tables[0], 1, "one PGD");
	cr_assert_eq((tables - 1) * 4096, t->pgtables_bytes, "VmPTE: every table but the PGD, %" PRIu64 " vs %" PRIu64, tables, t->pgtables_bytes);
	for (size_t i = 0; i < s->nr_listed; i++)
		walked += s->table[i].on_walk;
	cr_assert_eq(walked, (size_t)s->nr_steps, "each table of the walk listed once");
	rbuf_init(&b);
	render_pgtable_svg(&b, s);
	svg = str(&b);
	cr_assert_eq(count(svg, "data-walk=\"1\""), (size_t)s->nr_steps);
	cr_assert_eq(count(svg, "<text class=\"step\""), (size_t)s->nr_steps);
	cr_assert(strstr(svg, "on the walk") && strstr(svg, ">PTE</text>"), "a legend");
	free(svg);
	free(s);
	free(t);

	/* an unmapped address: the walk stops at the first empty entry */
	s = mm_snap_pgtable(m, pid, 0x1000, VIEW_PT_TABLES);
	cr_assert(s->nr_steps >= 1 && s->step[s->nr_steps - 1].kind == MM_PT_NONE);
	free(s);
	/* ~0: the lowest mapped page, a walk to the bottom */
	s = mm_snap_pgtable(m, pid, ~0ULL, 0);
	cr_assert_eq(s->nr_steps, 4);
	cr_assert(s->step[3].kind == MM_PT_PAGE || s->step[2].kind == MM_PT_HUGE);
	cr_assert_neq(pagemap_pfn(pid, s->addr), 0, "a mapped page");
	cr_assert_eq(s->nr_listed, (size_t)s->nr_steps, "per_level 0 lists only the walk");
	free(s);
	/* a process that never faulted: the first VMA's start, no tables */
	pid = spawn();
	s = mm_snap_pgtable(m, pid, ~0ULL, 0);
	t = mm_snap_task(m, pid, 1);
	cr_assert_eq(s->addr, t->vmas[0].start);
	free(s);
	free(t);
}

Test(view, walk_takes_a_hex_address)
{
	uint64_t a = 1;

	cr_assert_eq(view_parse_addr("0x7ffff7dc0000\n", 15, &a), 0);
	cr_assert_eq(a, 0x7ffff7dc0000);
	cr_assert_eq(view_parse_addr("DEAD000", 7, &a), 0);
	cr_assert_eq(a, 0xdead000);
	cr_assert_eq(view_parse_addr("0\n", 2, &a), 0);
	cr_assert_eq(a, 0);
	static const char *const bad[] = { "", "\n", "0x", "0x\n", "zz\n", "12 34\n",
					   "0x800000000000\n", "-1\n", "1\n\n", "0x7fff\n ",
					   "0x10000000000000000\n", "0x0000000000000000001\n" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(view_parse_addr(bad[i], strlen(bad[i]), &a), -EINVAL, "[%s]", bad[i]);
	cr_assert_eq(view_parse_addr("1\0", 2, &a), -EINVAL, "a NUL");
}
