// SPDX-License-Identifier: MIT
/*
 * render_global.c - the machine-wide memory files: meminfo, vmstat,
 * buddyinfo, pagetypeinfo, zoneinfo, swaps and the per-node meminfo.
 *
 * Formats are Linux 6.18's (fs/proc/meminfo.c, mm/vmstat.c, mm/swapfile.c,
 * drivers/base/node.c). Counter values are taken as the snapshot holds them,
 * already in the units the kernel prints (pages, kB for nr_kernel_stack, THP
 * units for the *_hugepages / *_pmdmapped items, kB for pgpgin/pgpgout).
 * Negative counters print as 0, as the kernel's global readers clamp them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "render.h"

#define PAGE_KB ((uint64_t)4)			/* kB per 4 KiB page */
#define HPAGE_PMD_KB ((uint64_t)2048)		/* kB per PMD-sized THP */
#define PAGETYPE_COUNT_CAP ((uint64_t)100000)	/* pagetypeinfo stops counting here */

static uint64_t clamp0(int64_t v)
{
	return v < 0 ? 0 : (uint64_t)v;
}

/* ---- meminfo ---- */

enum mi_kind { KB, N5 };

#define MM__MI_ROW(id, key, kind) { key, kind },
static const struct { const char *key; enum mi_kind kind; } meminfo_rows[] = {
	MM_MEMINFO_FIELDS(MM__MI_ROW)
};
#undef MM__MI_ROW

void render_meminfo(struct rbuf *b, const struct mm_global_snap *s)
{
	char key[32];

	for (int i = 0; i < NR_MEMINFO_ITEMS; i++) {
		snprintf(key, sizeof(key), "%s:", meminfo_rows[i].key);
		if (meminfo_rows[i].kind == N5)
			rbuf_printf(b, "%-19s%5" PRIu64 "\n", key, s->meminfo[i]);
		else
			rbuf_printf(b, "%-16s%8" PRIu64 " kB\n", key, s->meminfo[i]);
	}
}

/* ---- vmstat ---- */

static uint64_t sum_zone_stat(const struct mm_global_snap *s, int item)
{
	int64_t v = 0;

	for (int nid = 0; nid < s->nr_nodes; nid++)
		for (int z = 0; z < MAX_NR_ZONES; z++)
			v += s->node[nid].zone[z].stat[item];
	return clamp0(v);
}

static uint64_t sum_numa_stat(const struct mm_global_snap *s, int item)
{
	int64_t v = 0;

	for (int nid = 0; nid < s->nr_nodes; nid++)
		for (int z = 0; z < MAX_NR_ZONES; z++)
			v += s->node[nid].zone[z].numa_stat[item];
	return clamp0(v);
}

static uint64_t sum_node_stat(const struct mm_global_snap *s, int item)
{
	int64_t v = 0;

	for (int nid = 0; nid < s->nr_nodes; nid++)
		v += s->node[nid].stat[item];
	return clamp0(v);
}

void render_vmstat(struct rbuf *b, const struct mm_global_snap *s)
{
	for (int i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++)
		rbuf_printf(b, "%s %" PRIu64 "\n", zone_stat_names[i], sum_zone_stat(s, i));
	for (int i = 0; i < NR_VM_NUMA_STAT_ITEMS; i++)
		rbuf_printf(b, "%s %" PRIu64 "\n", numa_stat_names[i], sum_numa_stat(s, i));
	for (int i = 0; i < NR_VM_NODE_STAT_ITEMS; i++)
		rbuf_printf(b, "%s %" PRIu64 "\n", node_stat_names[i], sum_node_stat(s, i));
	rbuf_printf(b, "nr_dirty_threshold %" PRIu64 "\n", s->dirty_threshold);
	rbuf_printf(b, "nr_dirty_background_threshold %" PRIu64 "\n",
		    s->dirty_background_threshold);
	rbuf_printf(b, "nr_memmap_pages %" PRIu64 "\n", s->memmap_pages);
	rbuf_printf(b, "nr_memmap_boot_pages %" PRIu64 "\n", s->memmap_boot_pages);
	for (int i = 0; i < NR_VM_EVENT_ITEMS; i++)
		rbuf_printf(b, "%s %" PRIu64 "\n", vm_event_names[i], clamp0(s->vm_events[i]));
	rbuf_puts(b, "nr_unstable 0\n");
}

/* ---- buddyinfo and pagetypeinfo ---- */

static int node_has_memory(const struct mm_node_snap *n)
{
	for (int z = 0; z < MAX_NR_ZONES; z++)
		if (n->zone[z].populated)
			return 1;
	return 0;
}

void render_buddyinfo(struct rbuf *b, const struct mm_global_snap *s)
{
	for (int nid = 0; nid < s->nr_nodes; nid++) {
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			const struct mm_zone_snap *zs = &s->node[nid].zone[z];

			if (!zs->populated)
				continue;
			rbuf_printf(b, "Node %d, zone %8s ", nid, zone_names[z]);
			for (int o = 0; o < MM_NR_ORDERS; o++) {
				uint64_t n = 0;

				for (int mt = 0; mt < MIGRATE_TYPES; mt++)
					n += zs->nr_free[o][mt];
				rbuf_printf(b, "%6" PRIu64 " ", n);
			}
			rbuf_puts(b, "\n");
		}
	}
}

/* The free-block table of one node; the kernel stops counting at the cap. */
static void pagetypeinfo_showfree(struct rbuf *b, const struct mm_node_snap *n, int nid)
{
	rbuf_printf(b, "%-43s ", "Free pages count per migrate type at order");
	for (int o = 0; o < MM_NR_ORDERS; o++)
		rbuf_printf(b, "%6d ", o);
	rbuf_puts(b, "\n");

	for (int z = 0; z < MAX_NR_ZONES; z++) {
		const struct mm_zone_snap *zs = &n->zone[z];

		if (!zs->populated)
			continue;
		for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
			rbuf_printf(b, "Node %4d, zone %8s, type %12s ", nid, zone_names[z],
				    migratetype_names[mt]);
			for (int o = 0; o < MM_NR_ORDERS; o++) {
				uint64_t cnt = zs->nr_free[o][mt];
				int capped = cnt >= PAGETYPE_COUNT_CAP;

				rbuf_printf(b, "%s%6" PRIu64 " ", capped ? ">" : "",
					    capped ? PAGETYPE_COUNT_CAP : cnt);
			}
			rbuf_puts(b, "\n");
		}
	}
}

static void pagetypeinfo_showblockcount(struct rbuf *b, const struct mm_node_snap *n, int nid)
{
	rbuf_printf(b, "\n%-23s", "Number of blocks type ");
	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		rbuf_printf(b, "%12s ", migratetype_names[mt]);
	rbuf_puts(b, "\n");

	for (int z = 0; z < MAX_NR_ZONES; z++) {
		const struct mm_zone_snap *zs = &n->zone[z];

		if (!zs->populated)
			continue;
		rbuf_printf(b, "Node %d, zone %8s ", nid, zone_names[z]);
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			rbuf_printf(b, "%12" PRIu64 " ", zs->nr_pageblocks[mt]);
		rbuf_puts(b, "\n");
	}
}

/* As in Linux, the whole report repeats per node with memory. */
void render_pagetypeinfo(struct rbuf *b, const struct mm_global_snap *s)
{
	for (int nid = 0; nid < s->nr_nodes; nid++) {
		const struct mm_node_snap *n = &s->node[nid];

		if (!node_has_memory(n))
			continue;
		rbuf_printf(b, "Page block order: %d\n", MM_PAGEBLOCK_ORDER);
		rbuf_printf(b, "Pages per block:  %lu\n", 1UL << MM_PAGEBLOCK_ORDER);
		rbuf_puts(b, "\n");
		pagetypeinfo_showfree(b, n, nid);
		pagetypeinfo_showblockcount(b, n, nid);
	}
}

/* ---- zoneinfo ---- */

static int fls64(uint64_t x)
{
	return x ? 64 - __builtin_clzll(x) : 0;
}

static int cpus_of_node(const struct mm_global_snap *s, int nid)
{
	int n = s->nr_cpus / s->nr_nodes + (nid < s->nr_cpus % s->nr_nodes);

	return n ? n : s->nr_cpus;
}

/*
 * Per-cpu pageset parameters. We keep no pcp lists (count is always 0), so
 * batch/high/high_min/high_max are what the kernel would compute for this
 * zone with percpu_pagelist_high_fraction 0 (zone_batchsize, zone_highsize)
 * and high sits at high_min.
 */
struct pcp_params {
	uint64_t batch, high_min, high_max;
	int stat_threshold;
};

static void zone_pcp_params(const struct mm_global_snap *s, int nid,
			    const struct mm_zone_snap *zs, struct pcp_params *p)
{
	uint64_t managed = zs->managed_pages;
	uint64_t low = zs->watermark[WMARK_LOW] + zs->watermark_boost;
	uint64_t batch = managed >> 10;
	int split = cpus_of_node(s, nid);
	int t;

	if (batch > 256)		/* 1 MiB worth of pages */
		batch = 256;
	batch /= 4;
	if (batch < 1)
		batch = 1;
	batch = batch + batch / 2;
	batch = (1ULL << (fls64(batch) - 1)) - 1;
	if (batch < 1)
		batch = 1;
	p->batch = batch;
	p->high_min = low / split;
	if (p->high_min < batch << 2)
		p->high_min = batch << 2;
	p->high_max = managed / 8 / split;	/* MIN_PERCPU_PAGELIST_HIGH_FRACTION */
	if (p->high_max < batch << 2)
		p->high_max = batch << 2;
	t = 2 * fls64((uint64_t)s->nr_cpus) * (1 + fls64(managed >> 15));
	p->stat_threshold = t < 125 ? t : 125;
}

static int is_first_populated(const struct mm_node_snap *n, int z)
{
	for (int i = 0; i < MAX_NR_ZONES; i++)
		if (n->zone[i].populated)
			return i == z;
	return 0;
}

static void zoneinfo_pagesets(struct rbuf *b, const struct mm_global_snap *s, int nid,
			      const struct mm_zone_snap *zs)
{
	struct pcp_params p;

	zone_pcp_params(s, nid, zs, &p);
	rbuf_puts(b, "\n  pagesets");
	for (int cpu = 0; cpu < s->nr_cpus; cpu++) {
		rbuf_printf(b, "\n    cpu: %d"
			    "\n              count:    0"
			    "\n              high:     %" PRIu64
			    "\n              batch:    %" PRIu64
			    "\n              high_min: %" PRIu64
			    "\n              high_max: %" PRIu64
			    "\n  vm stats threshold: %d",
			    cpu, p.high_min, p.batch, p.high_min, p.high_max,
			    p.stat_threshold);
	}
}

static void zoneinfo_zone(struct rbuf *b, const struct mm_global_snap *s, int nid, int z)
{
	const struct mm_node_snap *n = &s->node[nid];
	const struct mm_zone_snap *zs = &n->zone[z];
	uint64_t boost = zs->watermark_boost;

	rbuf_printf(b, "Node %d, zone %8s", nid, zone_names[z]);
	if (is_first_populated(n, z)) {
		rbuf_puts(b, "\n  per-node stats");
		for (int i = 0; i < NR_VM_NODE_STAT_ITEMS; i++)
			rbuf_printf(b, "\n      %-12s %" PRIu64, node_stat_names[i],
				    clamp0(n->stat[i]));
	}
	rbuf_printf(b, "\n  pages free     %" PRIu64
		    "\n        boost    %" PRIu64
		    "\n        min      %" PRIu64
		    "\n        low      %" PRIu64
		    "\n        high     %" PRIu64
		    "\n        promo    %" PRIu64
		    "\n        spanned  %" PRIu64
		    "\n        present  %" PRIu64
		    "\n        managed  %" PRIu64
		    "\n        cma      0",
		    clamp0(zs->stat[NR_FREE_PAGES]), boost,
		    zs->watermark[WMARK_MIN] + boost, zs->watermark[WMARK_LOW] + boost,
		    zs->watermark[WMARK_HIGH] + boost, zs->watermark[WMARK_PROMO] + boost,
		    zs->spanned_pages, zs->present_pages, zs->managed_pages);
	rbuf_printf(b, "\n        protection: (%" PRIu64, zs->lowmem_reserve[0]);
	for (int i = 1; i < MAX_NR_ZONES; i++)
		rbuf_printf(b, ", %" PRIu64, zs->lowmem_reserve[i]);
	rbuf_puts(b, ")");
	if (!zs->populated) {
		rbuf_puts(b, "\n");
		return;
	}
	for (int i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++)
		rbuf_printf(b, "\n      %-12s %" PRIu64, zone_stat_names[i], clamp0(zs->stat[i]));
	for (int i = 0; i < NR_VM_NUMA_STAT_ITEMS; i++)
		rbuf_printf(b, "\n      %-12s %" PRIu64, numa_stat_names[i],
			    clamp0(zs->numa_stat[i]));
	zoneinfo_pagesets(b, s, nid, zs);
	rbuf_printf(b, "\n  node_unreclaimable:  0"
		    "\n  start_pfn:           %" PRIu64 "\n", zs->zone_start_pfn);
}

/* Every zone of every node, populated or not (lowmem_reserve spans them all). */
void render_zoneinfo(struct rbuf *b, const struct mm_global_snap *s)
{
	for (int nid = 0; nid < s->nr_nodes; nid++)
		for (int z = 0; z < MAX_NR_ZONES; z++)
			zoneinfo_zone(b, s, nid, z);
}

/* ---- swaps ---- */

/* seq_file_path() escaping: space, tab, newline and backslash as \ooo. */
static size_t put_mangled_path(struct rbuf *b, const char *path)
{
	size_t len = 0;

	for (const char *p = path; *p; p++) {
		if (strchr(" \t\n\\", *p)) {
			rbuf_printf(b, "\\%03o", (unsigned char)*p);
			len += 4;
		} else {
			rbuf_put(b, p, 1);
			len++;
		}
	}
	return len;
}

void render_swaps(struct rbuf *b, const struct mm_global_snap *s)
{
	rbuf_puts(b, "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
	for (int i = 0; i < s->nr_swap; i++) {
		const struct mm_swap_snap *sw = &s->swap[i];
		size_t len = put_mangled_path(b, sw->path);

		rbuf_printf(b, "%*s%s\t%" PRIu64 "\t%s%" PRIu64 "\t%s%d\n",
			    len < 40 ? 40 - (int)len : 1, " ",
			    sw->is_partition ? "partition" : "file\t",
			    sw->size_kb, sw->size_kb < 10000000 ? "\t" : "",
			    sw->used_kb, sw->used_kb < 10000000 ? "\t" : "",
			    sw->priority);
	}
}

/* ---- node meminfo (sys/devices/system/node/nodeN/meminfo) ---- */

static uint64_t node_zone_sum(const struct mm_node_snap *n, int item)
{
	int64_t v = 0;

	for (int z = 0; z < MAX_NR_ZONES; z++)
		v += n->zone[z].stat[item];
	return clamp0(v);
}

static uint64_t node_managed(const struct mm_node_snap *n)
{
	uint64_t v = 0;

	for (int z = 0; z < MAX_NR_ZONES; z++)
		v += n->zone[z].managed_pages;
	return v;
}

static void node_kb(struct rbuf *b, int nid, const char *key, uint64_t kb)
{
	char k[24];

	snprintf(k, sizeof(k), "%s:", key);
	rbuf_printf(b, "Node %d %-16s%8" PRIu64 " kB\n", nid, k, kb);
}

/*
 * drivers/base/node.c node_read_meminfo() for an x86-64 6.18 kernel without
 * HIGHMEM, shadow call stacks or unaccepted memory (as the reference host).
 */
void render_node_meminfo(struct rbuf *b, const struct mm_global_snap *s, int nid)
{
	const struct mm_node_snap *n;
	uint64_t total, free_pg, srec, sunrec;

	if (nid < 0 || nid >= s->nr_nodes)
		return;
	n = &s->node[nid];
#define NS(item) clamp0(n->stat[item])
	total = node_managed(n);
	free_pg = node_zone_sum(n, NR_FREE_PAGES);
	srec = NS(NR_SLAB_RECLAIMABLE);
	sunrec = NS(NR_SLAB_UNRECLAIMABLE);

	node_kb(b, nid, "MemTotal", total * PAGE_KB);
	node_kb(b, nid, "MemFree", free_pg * PAGE_KB);
	node_kb(b, nid, "MemUsed", (total > free_pg ? total - free_pg : 0) * PAGE_KB);
	node_kb(b, nid, "SwapCached", NS(NR_SWAPCACHED) * PAGE_KB);
	node_kb(b, nid, "Active", (NS(NR_ACTIVE_ANON) + NS(NR_ACTIVE_FILE)) * PAGE_KB);
	node_kb(b, nid, "Inactive", (NS(NR_INACTIVE_ANON) + NS(NR_INACTIVE_FILE)) * PAGE_KB);
	node_kb(b, nid, "Active(anon)", NS(NR_ACTIVE_ANON) * PAGE_KB);
	node_kb(b, nid, "Inactive(anon)", NS(NR_INACTIVE_ANON) * PAGE_KB);
	node_kb(b, nid, "Active(file)", NS(NR_ACTIVE_FILE) * PAGE_KB);
	node_kb(b, nid, "Inactive(file)", NS(NR_INACTIVE_FILE) * PAGE_KB);
	node_kb(b, nid, "Unevictable", NS(NR_UNEVICTABLE) * PAGE_KB);
	node_kb(b, nid, "Mlocked", node_zone_sum(n, NR_MLOCK) * PAGE_KB);
	node_kb(b, nid, "Dirty", NS(NR_DIRTY) * PAGE_KB);
	node_kb(b, nid, "Writeback", NS(NR_WRITEBACK) * PAGE_KB);
	node_kb(b, nid, "FilePages", NS(NR_FILE_PAGES) * PAGE_KB);
	node_kb(b, nid, "Mapped", NS(NR_MAPPED) * PAGE_KB);
	node_kb(b, nid, "AnonPages", NS(NR_ANON_PAGES) * PAGE_KB);
	node_kb(b, nid, "Shmem", NS(NR_SHMEM) * PAGE_KB);
	node_kb(b, nid, "KernelStack", NS(NR_KERNEL_STACK));
	node_kb(b, nid, "PageTables", NS(NR_PAGE_TABLE_PAGES) * PAGE_KB);
	node_kb(b, nid, "SecPageTables", NS(NR_SEC_PAGE_TABLE_PAGES) * PAGE_KB);
	node_kb(b, nid, "NFS_Unstable", 0);
	node_kb(b, nid, "Bounce", 0);
	node_kb(b, nid, "WritebackTmp", 0);
	node_kb(b, nid, "KReclaimable", (srec + NS(NR_KERNEL_MISC_RECLAIMABLE)) * PAGE_KB);
	node_kb(b, nid, "Slab", (srec + sunrec) * PAGE_KB);
	node_kb(b, nid, "SReclaimable", srec * PAGE_KB);
	node_kb(b, nid, "SUnreclaim", sunrec * PAGE_KB);
	node_kb(b, nid, "AnonHugePages", NS(NR_ANON_TRANSPARENT_HUGEPAGES) * HPAGE_PMD_KB);
	node_kb(b, nid, "ShmemHugePages", NS(NR_SHMEM_HUGEPAGES) * HPAGE_PMD_KB);
	node_kb(b, nid, "ShmemPmdMapped", NS(NR_SHMEM_PMDMAPPED) * HPAGE_PMD_KB);
	node_kb(b, nid, "FileHugePages", NS(NR_FILE_HUGEPAGES) * HPAGE_PMD_KB);
	node_kb(b, nid, "FilePmdMapped", NS(NR_FILE_PMDMAPPED) * HPAGE_PMD_KB);
	/* no Balloon line: Linux 6.18 has it in /proc/meminfo only (numastat -m chokes on it) */
#undef NS
	rbuf_printf(b, "Node %d HugePages_Total: %5" PRIu64 "\n", nid, n->hugepages_total);
	rbuf_printf(b, "Node %d HugePages_Free:  %5" PRIu64 "\n", nid, n->hugepages_free);
	rbuf_printf(b, "Node %d HugePages_Surp:  %5" PRIu64 "\n", nid, n->hugepages_surp);
}
