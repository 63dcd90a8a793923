/* SPDX-License-Identifier: MIT */
/*
 * machine.c - boot and shutdown, the model's lock, and the global commands.
 *
 * Boot lays out physical memory the way an x86-64 PC presents it to Linux
 * (memblock's view), then hands every usable page to the buddy allocator:
 *
 *   pfn 0          hole (outside every zone: DMA starts at pfn 1)
 *   pfn 1-0x9e     reserved: BIOS data, real-mode trampoline (158 pages)
 *   pfn 0x9f-0xff  hole: legacy VGA and BIOS ROM (97 pages)
 *   16 MiB         reserved: the kernel image (24 MiB)
 *   top of node    reserved: that node's struct page array (64 B per page)
 *
 * so MemTotal < ram as on a real machine, and DMA shows the same
 * spanned 4095 / present 3998 / managed 3840 as the reference host.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shm.h"
#include "internal.h"
#include "trace.h"
#include "vmscan.h"
#include "rmap.h"
#include "swap.h"
#include "arena.h"
#include "page_alloc.h"
#include "hugetlb.h"
#include "huge_memory.h"
#include "file.h"
#include "filemap.h"
#include "writeback.h"
#include "task.h"
#include "zswap.h"
#include "compaction.h"

#define KERNEL_START_PFN	0x1000ULL	/* 16 MiB, CONFIG_PHYSICAL_START */
#define KERNEL_PAGES		(24ULL << 8)	/* 24 MiB: text, rodata, data, bss */
#define LOW_RESERVED_END	0x9fULL
#define LEGACY_HOLE_END		0x100ULL
#define STRUCT_PAGE_BYTES	64ULL		/* what the kernel's struct page costs */
#define MIN_NODE_BYTES		(64ULL << 20)
#define ARENA_RESERVE		(256ULL << 30)	/* address space for the model's objects */

static int add_range(struct machine *m, uint64_t s, uint64_t e, int kind, const char *what)
{
	if (e > m->max_pfn)
		e = m->max_pfn;
	if (s >= e)
		return 0;
	if (m->nr_ranges == (int)(sizeof(m->ranges) / sizeof(m->ranges[0])))
		return -ENOMEM;
	m->ranges[m->nr_ranges++] = (struct mem_range){ s, e, kind, what };
	return 0;
}

static uint64_t count_kind(struct machine *m, uint64_t s, uint64_t e, int kind)
{
	uint64_t n = 0;

	for (int i = 0; i < m->nr_ranges; i++) {
		uint64_t a = m->ranges[i].start > s ? m->ranges[i].start : s;
		uint64_t b = m->ranges[i].end < e ? m->ranges[i].end : e;

		if (m->ranges[i].kind == kind && b > a)
			n += b - a;
	}
	return n;
}

static int cmp_range(const void *a, const void *b)
{
	const struct mem_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static void setup_zone(struct machine *m, struct pglist_data *pgdat, enum zone_type idx,
		       uint64_t lo, uint64_t hi)
{
	struct zone *z = &pgdat->node_zones[idx];
	uint64_t s = pgdat->node_start_pfn > lo ? pgdat->node_start_pfn : lo;
	uint64_t e = pgdat->node_start_pfn + pgdat->node_spanned_pages;

	e = e < hi ? e : hi;
	z->zone_pgdat = pgdat;
	z->idx = idx;
	z->nid = pgdat->node_id;
	for (int o = 0; o < MM_NR_ORDERS; o++)
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			INIT_LIST_HEAD(&z->free_area[o].free_list[mt]);
	if (s >= e)
		return;
	z->zone_start_pfn = s;
	z->spanned_pages = e - s;
	z->present_pages = z->spanned_pages - count_kind(m, s, e, PFN_HOLE);
	z->managed_pages = z->present_pages - count_kind(m, s, e, PFN_RESERVED);
	pgdat->node_present_pages += z->present_pages;
	m->totalram_pages += z->managed_pages;
}

static int layout(struct machine *m, char *why, size_t whylen)
{
	uint64_t starts[MM_MAX_NODES + 1];
	int n = m->nr_nodes;

	for (int i = 0; i < n; i++)
		starts[i] = (m->max_pfn * (uint64_t)i / (uint64_t)n) & ~(MAX_ORDER_NR_PAGES - 1);
	starts[n] = m->max_pfn;
	add_range(m, 0, 1, PFN_HOLE, "pfn 0");
	add_range(m, 1, LOW_RESERVED_END, PFN_RESERVED, "BIOS data and trampoline");
	add_range(m, LOW_RESERVED_END, LEGACY_HOLE_END, PFN_HOLE, "legacy VGA and BIOS ROM");
	add_range(m, KERNEL_START_PFN, KERNEL_START_PFN + KERNEL_PAGES, PFN_RESERVED, "kernel image");
	for (int i = 0; i < n; i++) {
		uint64_t s = starts[i], e = starts[i + 1];
		uint64_t present = e - s - count_kind(m, s, e, PFN_HOLE);
		uint64_t memmap = (present * STRUCT_PAGE_BYTES + MM_PAGE_SIZE - 1) / MM_PAGE_SIZE;

		m->memmap_pages += memmap;
		if (add_range(m, e - memmap, e, PFN_RESERVED, "memmap")) {
			snprintf(why, whylen, "too many memory ranges");
			return -EINVAL;
		}
	}
	qsort(m->ranges, (size_t)m->nr_ranges, sizeof(m->ranges[0]), cmp_range);
	for (int i = 0; i < n; i++) {
		struct pglist_data *pgdat = kzalloc(sizeof(*pgdat));

		if (!pgdat) {
			snprintf(why, whylen, "out of host memory");
			return -ENOMEM;
		}
		m->node[i] = pgdat;
		pgdat->node_id = i;
		pgdat->node_start_pfn = starts[i];
		pgdat->node_spanned_pages = starts[i + 1] - starts[i];
		for (int l = 0; l < NR_LRU_LISTS; l++)
			INIT_LIST_HEAD(&pgdat->lru[l]);
		pgdat->kswapd_highest_zoneidx = -1;
		setup_zone(m, pgdat, ZONE_DMA, 1, DMA_END_PFN);
		setup_zone(m, pgdat, ZONE_DMA32, DMA_END_PFN, DMA32_END_PFN);
		setup_zone(m, pgdat, ZONE_NORMAL, DMA32_END_PFN, UINT64_MAX);
		setup_zone(m, pgdat, ZONE_MOVABLE, 0, 0);
		setup_zone(m, pgdat, ZONE_DEVICE, 0, 0);
	}
	return 0;
}

static void boot_log(struct machine *m)
{
	static const char *const fmt_names[] = { "DMA     ", "DMA32   ", "Normal  " };
	uint64_t lim[] = { 1, DMA_END_PFN, DMA32_END_PFN, m->max_pfn };
	uint64_t present = 0;

	kmsg_add(m, "Linux version " MM_UTS_RELEASE " (mmfs " MMFS_VERSION ") #1 SMP PREEMPT_DYNAMIC");
	kmsg_add(m, "Zone ranges:");
	for (int z = 0; z < 3; z++) {
		uint64_t hi = lim[z + 1] < m->max_pfn ? lim[z + 1] : m->max_pfn;

		if (lim[z] >= hi)
			kmsg_add(m, "  %sempty", fmt_names[z]);
		else
			kmsg_add(m, "  %s[mem %#018llx-%#018llx]", fmt_names[z],
				 (unsigned long long)(lim[z] << 12), (unsigned long long)((hi << 12) - 1));
	}
	kmsg_add(m, "  Device   empty");
	kmsg_add(m, "Movable zone start for each node");
	kmsg_add(m, "Early memory node ranges");
	for (int n = 0; n < m->nr_nodes; n++) {
		struct pglist_data *p = m->node[n];
		uint64_t s = p->node_start_pfn ? p->node_start_pfn : 1;
		uint64_t e = p->node_start_pfn + p->node_spanned_pages;

		if (s < LOW_RESERVED_END && e > LEGACY_HOLE_END) {
			kmsg_add(m, "  node %3d: [mem %#018llx-%#018llx]", n, (unsigned long long)(s << 12),
				 (unsigned long long)((LOW_RESERVED_END << 12) - 1));
			s = LEGACY_HOLE_END;
		}
		kmsg_add(m, "  node %3d: [mem %#018llx-%#018llx]", n, (unsigned long long)(s << 12),
			 (unsigned long long)((e << 12) - 1));
		present += p->node_present_pages;
	}
	kmsg_add(m, "Built %d zonelists, mobility grouping on.  Total pages: %llu", m->nr_nodes,
		 (unsigned long long)present);
	kmsg_add(m, "Memory: %lluK/%lluK available (%lluK kernel code, %lluK reserved)",
		 (unsigned long long)m->totalram_pages * 4, (unsigned long long)present * 4,
		 (unsigned long long)KERNEL_PAGES * 4, (unsigned long long)(present - m->totalram_pages) * 4);
}

static int check_distance(const struct mm_config *cfg, char *why, size_t whylen);

int mm_nr_cpus(const struct machine *m)
{
	return m->nr_cpus;	/* fixed at boot */
}

static int check_config(const struct mm_config *cfg, char *why, size_t whylen)
{
	if (cfg->ram_bytes < MM_MIN_RAM || cfg->ram_bytes > MM_MAX_RAM) {
		snprintf(why, whylen, "ram must be between 64M and 64T");
		return -EINVAL;
	}
	if (cfg->nr_nodes < 1 || cfg->nr_nodes > MM_MAX_NODES) {
		snprintf(why, whylen, "nodes must be between 1 and %d", MM_MAX_NODES);
		return -EINVAL;
	}
	if (cfg->ram_bytes / (uint64_t)cfg->nr_nodes < MIN_NODE_BYTES) {
		snprintf(why, whylen, "%d nodes need at least %lluM of ram (64M per node)",
			 cfg->nr_nodes, (unsigned long long)cfg->nr_nodes * 64);
		return -EINVAL;
	}
	if (cfg->swap_bytes && (cfg->swap_bytes < 40960 || cfg->swap_bytes > (16ULL << 40))) {
		snprintf(why, whylen, "swap must be 0 or between 40K and 16T");
		return -EINVAL;
	}
	if (cfg->nr_cpus < 0 || cfg->nr_cpus > MM_MAX_CPUS) {
		snprintf(why, whylen, "cpus must be between 1 and %d", MM_MAX_CPUS);
		return -EINVAL;
	}
	return check_distance(cfg, why, whylen);
}

/*
 * The SLIT as Linux accepts it (arch/x86/mm/numa.c, acpi slit_valid):
 * LOCAL_DISTANCE (10) from a node to itself, more than that between two.
 */
static int check_distance(const struct mm_config *cfg, char *why, size_t whylen)
{
	int n = cfg->nr_nodes;

	if (!cfg->distance)
		return 0;
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++) {
			int d = cfg->distance[i * n + j];

			if (i == j ? d != MM_LOCAL_DISTANCE : d <= MM_LOCAL_DISTANCE || d > 254) {
				snprintf(why, whylen, "distance from node %d to node %d is %d: "
					 "must be 10 to itself, 11..254 to another", i, j, d);
				return -EINVAL;
			}
		}
	return 0;
}

struct machine *mm_boot(const struct mm_config *cfg, char *why, size_t whylen)
{
	struct machine *m;
	struct arena *a;
	char dummy[8];

	if (!why) {
		why = dummy;
		whylen = sizeof(dummy);
	}
	if (check_config(cfg, why, whylen))
		return NULL;
	a = arena_create(cfg->image_base, ARENA_RESERVE);
	if (!a) {
		snprintf(why, whylen, "cannot reserve host address space for the model's arena%s",
			 cfg->image_base ? " at its fixed address" : "");
		return NULL;
	}
	arena_set_current(a);
	m = kzalloc(sizeof(*m));
	m->arena = a;
	pthread_mutex_init(&m->lock, NULL);
	pthread_cond_init(&m->lock_cond, NULL);
	pthread_mutex_init(&m->turn_lock, NULL);
	pthread_cond_init(&m->turn_cond, NULL);
	m->backing_fd = -1;
	m->lower_fd = -1;
	m->next_ino = 131073;	/* as the first files of a fresh ext4 root are numbered */
	m->cfg = *cfg;
	m->cfg.swap_path = m->swap_path;	/* the caller's string does not last */
	m->nr_nodes = cfg->nr_nodes;
	m->nr_cpus = cfg->nr_cpus ? cfg->nr_cpus : cfg->nr_nodes > 2 ? cfg->nr_nodes : 2;
	m->cfg.nr_cpus = m->nr_cpus;
	for (int i = 0; i < cfg->nr_nodes; i++)
		for (int j = 0; j < cfg->nr_nodes; j++)
			m->node_distance[i][j] = cfg->distance ?
				cfg->distance[i * cfg->nr_nodes + j] :
				i == j ? MM_LOCAL_DISTANCE : MM_REMOTE_DISTANCE;
	m->cfg.distance = NULL;	/* the caller's table does not last: node_distance */
	m->max_pfn = cfg->ram_bytes >> MM_PAGE_SHIFT;
	INIT_LIST_HEAD(&m->hugepage_freelist);
	INIT_LIST_HEAD(&m->wb_dirty);
	INIT_LIST_HEAD(&m->shared_policies);
	m->zonelists = kcalloc((size_t)cfg->nr_nodes, sizeof(*m->zonelists));
	if (!m->zonelists) {
		snprintf(why, whylen, "out of host memory");
		goto out_free;
	}
	snprintf(m->swap_path, sizeof(m->swap_path), "%s", cfg->swap_path ? cfg->swap_path : "/swapfile");
	m->swap_least_prio = -1;
	m->swapin_readahead_hits = 4;	/* a small first window, as at Linux's boot */
	tunables_init(m);
	if (zswap_init(m)) {
		snprintf(why, whylen, "out of host memory");
		goto out_free;
	}
	m->kmsg = kmsg_new();
	if (!m->kmsg || trace_ring_init(m) || memmap_init(m)) {
		snprintf(why, whylen, "cannot reserve host address space for %llu MiB of ram",
			 (unsigned long long)(cfg->ram_bytes >> 20));
		goto out_free;
	}
	if (page_owner_init(m)) {
		snprintf(why, whylen, "out of host memory for page_owner");
		goto out_free;
	}
	if (layout(m, why, whylen))
		goto out_free;

	machine_lock(m);
	for (int n = 0; n < m->nr_nodes; n++)
		for (int z = 0; z < MAX_NR_ZONES; z++)
			if (populated_zone(&m->node[n]->node_zones[z]))
				page_alloc_init_zone(m, &m->node[n]->node_zones[z]);
	/* the shared zero page lives in the kernel's bss, never in the buddy lists */
	m->zero_pfn = KERNEL_START_PFN + KERNEL_PAGES - 1;
	pfn_to_page(m, m->zero_pfn)->flags = (1ULL << PG_reserved) | (1ULL << PG_zero);
	boot_log(m);
	if (cfg->swap_bytes && sys_swapon(m, m->swap_path, cfg->swap_bytes, 0, 1, why, whylen)) {
		machine_unlock(m);
		goto out_free;
	}
	tunables_init_reserves(m);
	init_per_zone_wmark_min(m);
	set_recommended_min_free_kbytes(m);
	page_owner_boot_log(m);
	psi_init(m);
	if (kmem_cache_init(m) || shm_init(m) || task_init(m)) {
		machine_unlock(m);
		snprintf(why, whylen, "cannot create init");
		goto out_free;
	}
	machine_unlock(m);
	return m;

out_free:
	mm_shutdown(m);
	return NULL;
}

uint64_t mm_arena_bytes(struct machine *m)
{
	uint64_t bytes, n;

	machine_lock(m);
	n = arena_live(m->arena, &bytes);
	machine_unlock(m);
	return bytes + 16 * n;	/* each object's header too */
}

/* Everything the model allocated was freed: a leak is reported, loudly in tests. */
static void arena_check_empty(struct arena *a)
{
	uint64_t bytes, n = arena_live(a, &bytes);

	if (!n)
		return;
	fprintf(stderr, "mmfs: the model leaked %llu objects (%llu bytes)\n",
		(unsigned long long)n, (unsigned long long)bytes);
	VM_BUG_ON(n);
}

void mm_shutdown(struct machine *m)
{
	struct arena *a;

	if (!m)
		return;
	machine_lock(m);
	if (m->tasks) {
		task_exit_all(m);
		hugetlb_release_all(m);
	}
	shm_exit_ns(m);		/* the segments' memory, now that nothing attaches them */
	wb_sync_all(m);		/* unmount: every dirty page reaches backing=DIR */
	file_table_free(m);	/* gives the page cache back to the buddy allocator */
	kmem_cache_exit(m);	/* the slabs, now that every object is gone */
	swap_release_all(m);
	zswap_exit(m);
	machine_unlock(m);
	arena_set_current(m->arena);	/* the frees below are the arena's */
	for (int n = 0; n < MM_MAX_NODES; n++)
		kfree(m->node[n]);
	page_owner_free(m);
	memmap_free(m);
	if (m->backing_fd >= 0)
		close(m->backing_fd);
	if (m->lower_fd >= 0)
		close(m->lower_fd);
	if (m->kmsg)
		kmsg_free(m->kmsg);
	trace_ring_free(m);
	pthread_mutex_destroy(&m->lock);
	pthread_cond_destroy(&m->lock_cond);
	pthread_mutex_destroy(&m->turn_lock);
	pthread_cond_destroy(&m->turn_cond);
	kfree(m->zonelists);
	kfree(m->anon_vmas);
	a = m->arena;
	kfree(m);
	arena_check_empty(a);
	arena_destroy(a);
}

int drop_caches_locked(struct machine *m, int mode)
{
	if (mode < 1 || mode > 4)
		return -EINVAL;
	/* clean unmapped page cache goes; then the dentries and inodes of files/ */
	if (mode & 1) {
		filemap_drop_clean(m);
		count_vm_event(m, DROP_PAGECACHE);
	}
	if (mode & 2) {	/* drop_slab: the shrinkers run */
		drop_slab(m);
		shrink_huge_zero_page(m);
		count_vm_event(m, DROP_SLAB);
	}
	if (!(mode & 4))
		kmsg_add(m, "mmfs (0): drop_caches: %d", mode);
	return 0;
}

int compact_locked(struct machine *m)
{
	compact_nodes(m);	/* compaction_node.c */
	return 0;
}

int mm_drop_caches(struct machine *m, int mode, char *why, size_t whylen)
{
	int ret;

	if (mode < 1 || mode > 3) {
		if (why)
			snprintf(why, whylen, "drop_caches takes 1, 2 or 3");
		return -EINVAL;
	}
	machine_lock(m);
	sim_advance(m, MM_TICK_NS);
	ret = drop_caches_locked(m, mode);
	machine_unlock(m);
	return ret;
}

int mm_compact(struct machine *m, char *why, size_t whylen)
{
	int ret;

	machine_lock(m);
	sim_advance(m, MM_TICK_NS);
	ret = compact_locked(m);
	machine_unlock(m);
	return ret;
}

char *mm_check(struct machine *m, int *nbad)
{
	struct rbuf_lite b = { 0 };
	int n;

	machine_lock(m);
	n = check_page_alloc(m, &b) + check_vmstat(m, &b) + check_tasks(m, &b) +
	    check_paging(m, &b) + rmap_check(m, &b) + kswapd_check(m, &b) +
	    trace_check(m, &b) + trace_ring_check(m, &b);
	n += page_owner_check(m, &b) + io_check(m, &b) + slab_check(m, &b) +
	     compaction_check(m, &b);
	machine_unlock(m);
	if (!n)
		rbl_printf(&b, "ok\n");
	if (nbad)
		*nbad = n;
	return b.buf;
}
