/* SPDX-License-Identifier: MIT */
/*
 * vmstat.c - counters, the meminfo arithmetic, and the global snapshot.
 *
 * Every figure of meminfo is derived here from zone, node and machine
 * counters exactly as meminfo_proc_show() derives it, so that the files
 * agree with each other by construction: MemFree is 4 × Σ NR_FREE_PAGES,
 * which is also what buddyinfo and zoneinfo sum to.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shm.h"
#include "internal.h"
#include "swap.h"
#include "zswap.h"
#include "page_alloc.h"

#define NAME(e, s) s,
const char *const zone_stat_names[NR_VM_ZONE_STAT_ITEMS] = { MM_ZONE_STAT_ITEMS(NAME) };
const char *const numa_stat_names[NR_VM_NUMA_STAT_ITEMS] = { MM_NUMA_STAT_ITEMS(NAME) };
const char *const node_stat_names[NR_VM_NODE_STAT_ITEMS] = { MM_NODE_STAT_ITEMS(NAME) };
const char *const vm_event_names[NR_VM_EVENT_ITEMS] = { MM_VM_EVENT_ITEMS(NAME) };
#undef NAME

const char *const zone_names[MAX_NR_ZONES] = { "DMA", "DMA32", "Normal", "Movable", "Device" };
const char *const migratetype_names[MIGRATE_TYPES] = {
	"Unmovable", "Movable", "Reclaimable", "HighAtomic", "Isolate"
};

void count_vm_events(struct machine *m, enum vm_event_item i, int64_t d)
{
	m->vm_events[i] += d;
}

int64_t global_zone_page_state(struct machine *m, enum zone_stat_item i)
{
	int64_t sum = 0;

	for (int n = 0; n < m->nr_nodes; n++)
		for (int z = 0; z < MAX_NR_ZONES; z++)
			sum += m->node[n]->node_zones[z].vm_stat[i];
	return sum;
}

int64_t global_node_page_state(struct machine *m, enum node_stat_item i)
{
	int64_t sum = 0;

	for (int n = 0; n < m->nr_nodes; n++)
		sum += m->node[n]->vm_stat[i];
	return sum;
}

static uint64_t nonneg(int64_t v)
{
	return v < 0 ? 0 : (uint64_t)v;
}

/* vm_commit_limit(): what overcommit_memory=2 lets processes commit. */
uint64_t vm_commit_limit(struct machine *m)
{
	uint64_t allowed;

	if (m->tun.overcommit_kbytes)
		allowed = (uint64_t)m->tun.overcommit_kbytes >> (MM_PAGE_SHIFT - 10);
	else
		allowed = (m->totalram_pages - m->nr_huge_pages * 512) *
			  (uint64_t)m->tun.overcommit_ratio / 100;
	return allowed + total_swap_pages(m);
}

/*
 * The direct map: x86-64 maps physical memory with the largest page that
 * fits an aligned piece: 4k below 2M, 2M pieces up to the first 1G
 * boundary, 1G pieces after it, then 2M and 4k for the tail.
 */
static void direct_map(struct machine *m, uint64_t *k4, uint64_t *m2, uint64_t *g1)
{
	uint64_t end = m->max_pfn << MM_PAGE_SHIFT, p = 0;
	const uint64_t M2 = 2ULL << 20, G1 = 1ULL << 30;

	*k4 = *m2 = *g1 = 0;
	while (p < end) {
		if (p % G1 == 0 && p + G1 <= end) {
			*g1 += G1;
			p += G1;
		} else if (p >= M2 && p % M2 == 0 && p + M2 <= end) {
			*m2 += M2;
			p += M2;
		} else {
			*k4 += 4096;
			p += 4096;
		}
	}
	*k4 >>= 10;
	*m2 >>= 10;
	*g1 >>= 10;
}

void vmstat_fill_meminfo(struct machine *m, uint64_t *mi)
{
#define NODE(i) nonneg(global_node_page_state(m, i))
	uint64_t file = NODE(NR_FILE_PAGES), swapcache = NODE(NR_SWAPCACHED);
	uint64_t buffers = 0, cached;
	uint64_t sreclaim = NODE(NR_SLAB_RECLAIMABLE), sunreclaim = NODE(NR_SLAB_UNRECLAIMABLE);

	cached = file > swapcache + buffers ? file - swapcache - buffers : 0;
	memset(mi, 0, sizeof(uint64_t) * NR_MEMINFO_ITEMS);
	mi[MI_MEMTOTAL] = m->totalram_pages * 4;
	mi[MI_MEMFREE] = nonneg(global_zone_page_state(m, NR_FREE_PAGES)) * 4;
	mi[MI_MEMAVAILABLE] = si_mem_available(m) * 4;
	mi[MI_BUFFERS] = buffers * 4;
	mi[MI_CACHED] = cached * 4;
	mi[MI_SWAPCACHED] = swapcache * 4;
	mi[MI_ACTIVE_ANON] = NODE(NR_ACTIVE_ANON) * 4;
	mi[MI_INACTIVE_ANON] = NODE(NR_INACTIVE_ANON) * 4;
	mi[MI_ACTIVE_FILE] = NODE(NR_ACTIVE_FILE) * 4;
	mi[MI_INACTIVE_FILE] = NODE(NR_INACTIVE_FILE) * 4;
	mi[MI_ACTIVE] = mi[MI_ACTIVE_ANON] + mi[MI_ACTIVE_FILE];
	mi[MI_INACTIVE] = mi[MI_INACTIVE_ANON] + mi[MI_INACTIVE_FILE];
	mi[MI_UNEVICTABLE] = NODE(NR_UNEVICTABLE) * 4;
	mi[MI_MLOCKED] = nonneg(global_zone_page_state(m, NR_MLOCK)) * 4;
	mi[MI_SWAPTOTAL] = total_swap_pages(m) * 4;
	mi[MI_SWAPFREE] = nr_swap_pages(m) * 4;
	mi[MI_ZSWAP] = zswap_total_pages(m) * 4;
	mi[MI_ZSWAPPED] = zswap_stored_pages(m) * 4;
	mi[MI_DIRTY] = NODE(NR_DIRTY) * 4;
	mi[MI_WRITEBACK] = NODE(NR_WRITEBACK) * 4;
	mi[MI_ANONPAGES] = NODE(NR_ANON_PAGES) * 4;
	mi[MI_MAPPED] = NODE(NR_MAPPED) * 4;
	mi[MI_SHMEM] = NODE(NR_SHMEM) * 4;
	mi[MI_KRECLAIMABLE] = (sreclaim + NODE(NR_KERNEL_MISC_RECLAIMABLE)) * 4;
	mi[MI_SLAB] = (sreclaim + sunreclaim) * 4;
	mi[MI_SRECLAIMABLE] = sreclaim * 4;
	mi[MI_SUNRECLAIM] = sunreclaim * 4;
	mi[MI_KERNELSTACK] = NODE(NR_KERNEL_STACK);
	mi[MI_PAGETABLES] = NODE(NR_PAGE_TABLE_PAGES) * 4;
	mi[MI_SECPAGETABLES] = NODE(NR_SEC_PAGE_TABLE_PAGES) * 4;
	mi[MI_COMMITLIMIT] = vm_commit_limit(m) * 4;
	mi[MI_COMMITTED_AS] = m->vm_committed_as * 4;
	mi[MI_VMALLOCTOTAL] = 34359738367ULL;
	/* vmalloc and percpu: fixed believable costs of a small kernel */
	mi[MI_VMALLOCUSED] = 12288 + 1024 * (uint64_t)m->nr_cpus;
	mi[MI_PERCPU] = 480 * (uint64_t)m->nr_cpus;
	mi[MI_ANONHUGEPAGES] = NODE(NR_ANON_TRANSPARENT_HUGEPAGES) * 2048;
	mi[MI_SHMEMHUGEPAGES] = NODE(NR_SHMEM_HUGEPAGES) * 2048;
	mi[MI_SHMEMPMDMAPPED] = NODE(NR_SHMEM_PMDMAPPED) * 2048;
	mi[MI_FILEHUGEPAGES] = NODE(NR_FILE_HUGEPAGES) * 2048;
	mi[MI_FILEPMDMAPPED] = NODE(NR_FILE_PMDMAPPED) * 2048;
	mi[MI_HUGEPAGES_TOTAL] = m->nr_huge_pages;
	mi[MI_HUGEPAGES_FREE] = m->free_huge_pages;
	mi[MI_HUGEPAGES_RSVD] = m->resv_huge_pages;
	mi[MI_HUGEPAGES_SURP] = m->surplus_huge_pages;
	mi[MI_HUGEPAGESIZE] = 2048;
	mi[MI_HUGETLB] = m->nr_huge_pages * 2048;
	direct_map(m, &mi[MI_DIRECTMAP4K], &mi[MI_DIRECTMAP2M], &mi[MI_DIRECTMAP1G]);
#undef NODE
}

/* domain_dirty_limits() for the global domain, in pages. */
void dirty_limits(struct machine *m, uint64_t *thresh, uint64_t *bg)
{
	uint64_t avail = nonneg(global_zone_page_state(m, NR_FREE_PAGES));

	avail -= avail < m->totalreserve_pages ? avail : m->totalreserve_pages;
	avail += nonneg(global_node_page_state(m, NR_INACTIVE_FILE)) +
		 nonneg(global_node_page_state(m, NR_ACTIVE_FILE));
	if (m->tun.dirty_bytes)
		*thresh = ((uint64_t)m->tun.dirty_bytes + MM_PAGE_SIZE - 1) / MM_PAGE_SIZE;
	else
		*thresh = avail * (uint64_t)m->tun.dirty_ratio / 100;
	if (m->tun.dirty_background_bytes)
		*bg = ((uint64_t)m->tun.dirty_background_bytes + MM_PAGE_SIZE - 1) / MM_PAGE_SIZE;
	else
		*bg = avail * (uint64_t)m->tun.dirty_background_ratio / 100;
	if (*bg >= *thresh)
		*bg = *thresh / 2;
}

static void snap_zone(struct machine *m, const struct zone *z, struct mm_zone_snap *zs)
{
	zs->populated = populated_zone(z);
	zs->zone_start_pfn = z->zone_start_pfn;
	zs->spanned_pages = z->spanned_pages;
	zs->present_pages = z->present_pages;
	zs->managed_pages = z->managed_pages;
	memcpy(zs->watermark, z->_watermark, sizeof(zs->watermark));
	zs->watermark_boost = z->watermark_boost;
	memcpy(zs->lowmem_reserve, z->lowmem_reserve, sizeof(zs->lowmem_reserve));
	for (int o = 0; o < MM_NR_ORDERS; o++)
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			zs->nr_free[o][mt] = z->free_area[o].nr_free[mt];
	if (z->spanned_pages) {
		uint64_t first = z->zone_start_pfn >> pageblock_order;
		uint64_t last = (zone_end_pfn(z) - 1) >> pageblock_order;

		for (uint64_t b = first; b <= last; b++)
			zs->nr_pageblocks[m->pageblock_mt[b]]++;
	}
	memcpy(zs->stat, z->vm_stat, sizeof(zs->stat));
	memcpy(zs->numa_stat, z->numa_stat, sizeof(zs->numa_stat));
}

/* mm_snap_global with m->lock held: for snapshots that take more in the same hold. */
struct mm_global_snap *snap_global_locked(struct machine *m)
{
	struct mm_global_snap *s;
	int nr_shm;

	lockdep_assert_held(m);
	nr_shm = shm_count(m);
	s = calloc(1, sizeof(*s) + (size_t)m->nr_nodes * sizeof(s->node[0]) +
		   (size_t)nr_shm * sizeof(*s->shm) + NR_KMEM_CACHES * sizeof(*s->slab) +
		   NR_KMEM_CACHES * (size_t)m->nr_nodes * sizeof(*s->slab_node));
	if (!s)
		return NULL;
	s->slab = (struct mm_slab_snap *)((char *)&s->node[m->nr_nodes] +
					  (size_t)nr_shm * sizeof(*s->shm));
	s->slab_node = (struct mm_slab_node_snap *)&s->slab[NR_KMEM_CACHES];
	s->nr_slab = slab_snap_fill(m, s->slab, s->slab_node);
	/* NULL without segments: equal machines give byte-equal snapshots */
	s->shm = nr_shm ? (struct mm_shm_snap *)&s->node[m->nr_nodes] : NULL;
	s->nr_shm = nr_shm ? shm_snap_fill(m, s->shm, nr_shm) : 0;
	s->nr_nodes = m->nr_nodes;
	s->nr_cpus = m->nr_cpus;
	memcpy(s->distance, m->node_distance, sizeof(s->distance));
	vmstat_fill_meminfo(m, s->meminfo);
	memcpy(s->vm_events, m->vm_events, sizeof(s->vm_events));
	dirty_limits(m, &s->dirty_threshold, &s->dirty_background_threshold);
	s->memmap_pages = 0;
	s->memmap_boot_pages = m->memmap_pages;
	for (int t = 0; t < MAX_SWAPFILES; t++) {
		const struct swap_info_struct *si = m->swap_info[t];
		struct mm_swap_snap *sw = &s->swap[s->nr_swap];

		if (!si || !si->writeok)
			continue;	/* swapoff in progress: gone from /proc/swaps */
		snprintf(sw->path, sizeof(sw->path), "%s", si->path);
		sw->is_partition = !strncmp(si->path, "/dev/", 5);
		sw->size_kb = si->pages * 4;
		sw->used_kb = si->inuse_pages * 4;
		sw->priority = si->prio;
		s->nr_swap++;
	}
	s->forks = m->forks;
	s->nr_running = m->nr_tasks;
	s->last_pid = m->last_pid;
	s->sim_ns = m->sim_ns;
	for (int n = 0; n < m->nr_nodes; n++) {
		struct pglist_data *pgdat = m->node[n];
		struct mm_node_snap *ns = &s->node[n];

		ns->node_start_pfn = pgdat->node_start_pfn;
		ns->node_spanned_pages = pgdat->node_spanned_pages;
		ns->node_present_pages = pgdat->node_present_pages;
		for (int z = 0; z < MAX_NR_ZONES; z++)
			snap_zone(m, &pgdat->node_zones[z], &ns->zone[z]);
		memcpy(ns->stat, pgdat->vm_stat, sizeof(ns->stat));
		ns->hugepages_total = m->nr_huge_pages_node[n];
		ns->hugepages_free = m->free_huge_pages_node[n];
	}
	return s;
}

struct mm_global_snap *mm_snap_global(struct machine *m)
{
	struct mm_global_snap *s;

	machine_lock(m);
	s = snap_global_locked(m);
	machine_unlock(m);
	return s;
}
