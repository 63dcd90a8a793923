/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the buddy allocator, zone geometry and watermark arithmetic.
 * Every expected number below is derived by hand in the comment above it
 * from Linux's formulas, not read back from the code under test. The
 * invariant checker runs after every step.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "../../mm/internal.h"
#include "../../mm/page_alloc.h"
#include "../../mm/hugetlb.h"

static struct machine *boot(uint64_t ram, int nodes)
{
	struct mm_config cfg = { .ram_bytes = ram, .nr_nodes = nodes, .swap_bytes = 256ULL << 20 };
	char why[128] = "";
	struct machine *m = mm_boot(&cfg, why, sizeof(why));

	cr_assert(m, "boot failed: %s", why);
	return m;
}

static void assert_check_ok(struct machine *m)
{
	int nbad = -1;
	char *r = mm_check(m, &nbad);

	cr_assert_eq(nbad, 0, "check failed:\n%s", r);
	cr_assert_str_eq(r, "ok\n");
	free(r);
}

/* Pages in slabs (meminfo Slab), all nodes. */
static uint64_t slab_pages(struct machine *m)
{
	return (uint64_t)(global_node_page_state(m, NR_SLAB_RECLAIMABLE) +
			  global_node_page_state(m, NR_SLAB_UNRECLAIMABLE));
}

static struct zone *zone_of(struct machine *m, int nid, enum zone_type t)
{
	return &m->node[nid]->node_zones[t];
}

/* A copy of every zone's free-area counters, to compare states. */
struct counts {
	uint64_t nr[MM_MAX_NODES][MAX_NR_ZONES][MM_NR_ORDERS][MIGRATE_TYPES];
};

static void take_counts(struct machine *m, struct counts *c)
{
	memset(c, 0, sizeof(*c));
	for (int n = 0; n < m->nr_nodes; n++)
		for (int z = 0; z < MAX_NR_ZONES; z++)
			for (int o = 0; o < MM_NR_ORDERS; o++)
				for (int mt = 0; mt < MIGRATE_TYPES; mt++)
					c->nr[n][z][o][mt] = zone_of(m, n, z)->free_area[o].nr_free[mt];
}

/*
 * buddyinfo's view: free blocks per order, summed over migratetypes.
 * (Exhaustion may legitimately move pageblocks between types.)
 */
static void fold_types(struct counts *c)
{
	for (int n = 0; n < MM_MAX_NODES; n++)
		for (int z = 0; z < MAX_NR_ZONES; z++)
			for (int o = 0; o < MM_NR_ORDERS; o++)
				for (int mt = 1; mt < MIGRATE_TYPES; mt++) {
					c->nr[n][z][o][0] += c->nr[n][z][o][mt];
					c->nr[n][z][o][mt] = 0;
				}
}

static uint64_t total_free(struct machine *m)
{
	return (uint64_t)global_zone_page_state(m, NR_FREE_PAGES);
}

/*
 * ram=1G, one node:
 *   DMA   pfn 1..0x1000: spanned 4095, present 4095-97 = 3998, managed 3998-158 = 3840
 *   DMA32 pfn 0x1000..0x40000: spanned 258048, no holes;
 *         reserved: kernel 6144 + memmap ceil((262144-1-97)*64/4096) = 4095
 *         managed = 258048 - 6144 - 4095 = 247809
 *   MemTotal = (3840 + 247809) * 4 = 1006596 kB
 */
Test(zones, geometry_1g)
{
	struct machine *m = boot(1ULL << 30, 1);
	struct zone *dma = zone_of(m, 0, ZONE_DMA), *dma32 = zone_of(m, 0, ZONE_DMA32);

	cr_assert_eq(dma->zone_start_pfn, 1);
	cr_assert_eq(dma->spanned_pages, 4095);
	cr_assert_eq(dma->present_pages, 3998);
	cr_assert_eq(dma->managed_pages, 3840);
	cr_assert_eq(dma32->zone_start_pfn, 0x1000);
	cr_assert_eq(dma32->spanned_pages, 258048);
	cr_assert_eq(dma32->present_pages, 258048);
	cr_assert_eq(dma32->managed_pages, 247809);
	cr_assert_eq(zone_of(m, 0, ZONE_NORMAL)->present_pages, 0);
	cr_assert_eq(m->totalram_pages, 251649);
	/*
	 * at boot every managed page is free but init's kernel stack (4 pages)
	 * and the slabs of its objects: task_struct and mm_struct (8 pages
	 * each), vm_area_struct (2: 21 a slab), anon_vma and anon_vma_chain (1 each),
	 * pid (1: its struct pid and struct cred) and files_cache (4)
	 */
	cr_assert_eq(zone_free_pages(dma), 3840);
	cr_assert_eq(slab_pages(m), 25, "%llu slab pages", (unsigned long long)slab_pages(m));
	cr_assert_eq(zone_free_pages(dma32), 247809 - 4 - 25);
	assert_check_ok(m);
	mm_shutdown(m);
}

/*
 * min_free_kbytes: sqrt(1006596 * 16) = 4013, then THP raises it to
 *   512 * 2 zones * 2 + 512 * 2 * 9 = 11264 pages (cap 251649/20 = 12582) = 45056 kB.
 * pages_min = 11264:
 *   DMA   min = 11264*3840/251649 = 171; delta = max(42, 3) = 42
 *   DMA32 min = 11264*247809/251649 = 11092; delta = max(2773, 247) = 2773
 * lowmem_reserve of DMA = 247809/256 = 968 towards every higher zone.
 */
Test(watermarks, boot_values_1g)
{
	struct machine *m = boot(1ULL << 30, 1);
	struct zone *dma = zone_of(m, 0, ZONE_DMA), *dma32 = zone_of(m, 0, ZONE_DMA32);
	char buf[64];

	cr_assert_eq(m->tun.min_free_kbytes, 45056);
	cr_assert_eq(mm_tunable_read(m, "min_free_kbytes", buf, sizeof(buf)), 6);
	cr_assert_str_eq(buf, "45056\n");
	cr_assert_eq(dma->_watermark[WMARK_MIN], 171);
	cr_assert_eq(dma->_watermark[WMARK_LOW], 213);
	cr_assert_eq(dma->_watermark[WMARK_HIGH], 255);
	cr_assert_eq(dma->_watermark[WMARK_PROMO], 297);
	cr_assert_eq(dma32->_watermark[WMARK_MIN], 11092);
	cr_assert_eq(dma32->_watermark[WMARK_LOW], 13865);
	cr_assert_eq(dma32->_watermark[WMARK_HIGH], 16638);
	cr_assert_eq(dma32->_watermark[WMARK_PROMO], 19411);
	for (int j = 1; j < MAX_NR_ZONES; j++)
		cr_assert_eq(dma->lowmem_reserve[j], 968);
	cr_assert_eq(dma32->lowmem_reserve[ZONE_NORMAL], 0);
	/* totalreserve = min(968 + 255, 3840) + min(0 + 16638, 247809) */
	cr_assert_eq(m->totalreserve_pages, 1223 + 16638);
	mm_shutdown(m);
}

/* With THP off the boot value is the square-root rule alone. */
Test(watermarks, sysctl_moves_watermarks)
{
	struct machine *m = boot(1ULL << 30, 1);
	struct zone *dma32 = zone_of(m, 0, ZONE_DMA32);
	char buf[64];

	/* 90112 kB = 22528 pages: DMA32 min = 22528*247809/251649 = 22184, delta 5546 */
	cr_assert_eq(mm_tunable_write(m, "min_free_kbytes", "90112\n", 6), 0);
	cr_assert_eq(dma32->_watermark[WMARK_MIN], 22184);
	cr_assert_eq(dma32->_watermark[WMARK_LOW], 22184 + 5546);
	/* watermark_scale_factor 1000: delta = max(5546, 247809*1000/10000 = 24780) */
	cr_assert_eq(mm_tunable_write(m, "watermark_scale_factor", "1000", 4), 0);
	cr_assert_eq(dma32->_watermark[WMARK_HIGH], 22184 + 2 * 24780);
	/* out of range or malformed: EINVAL, value unchanged */
	cr_assert_eq(mm_tunable_write(m, "watermark_scale_factor", "0", 1), -EINVAL);
	cr_assert_eq(mm_tunable_write(m, "watermark_scale_factor", "3001", 4), -EINVAL);
	cr_assert_eq(mm_tunable_write(m, "min_free_kbytes", "-1", 2), -EINVAL);
	cr_assert_eq(mm_tunable_write(m, "min_free_kbytes", "12x", 3), -EINVAL);
	cr_assert_eq(mm_tunable_write(m, "min_free_kbytes", "\n", 1), -EINVAL);
	cr_assert_eq(mm_tunable_write(m, "swappiness", "201", 3), -EINVAL);
	cr_assert_eq(mm_tunable_write(m, "swappiness", "200", 3), 0);
	cr_assert_eq(mm_tunable_write(m, "overcommit_memory", "3", 1), -EINVAL);
	mm_tunable_read(m, "min_free_kbytes", buf, sizeof(buf));
	cr_assert_str_eq(buf, "90112\n");
	/* hex is accepted, as proc_dointvec's base-0 parsing does */
	cr_assert_eq(mm_tunable_write(m, "min_free_kbytes", "0x10000", 7), 0);
	cr_assert_eq(m->tun.min_free_kbytes, 65536);
	/* drop_caches is write-only */
	cr_assert_eq(mm_tunable_read(m, "drop_caches", buf, sizeof(buf)), -EACCES);
	cr_assert_eq(mm_tunable_write(m, "drop_caches", "5", 1), -EINVAL);
	cr_assert_eq(mm_tunable_write(m, "drop_caches", "3", 1), 0);
	cr_assert_eq(m->vm_events[DROP_PAGECACHE], 1);
	cr_assert_eq(m->vm_events[DROP_SLAB], 1);
	/* lowmem_reserve_ratio is a tab-separated list; 0 for DMA clears its reserve */
	mm_tunable_read(m, "lowmem_reserve_ratio", buf, sizeof(buf));
	cr_assert_str_eq(buf, "256\t256\t32\t0\t0\n");
	cr_assert_eq(mm_tunable_write(m, "lowmem_reserve_ratio", "0 256 32 0 0", 12), 0);
	cr_assert_eq(zone_of(m, 0, ZONE_DMA)->lowmem_reserve[ZONE_DMA32], 0);
	/* THP: the bracketed word is the mode; bad words are EINVAL */
	mm_tunable_read(m, "enabled", buf, sizeof(buf));
	cr_assert_str_eq(buf, "always [madvise] never\n");
	cr_assert_eq(mm_tunable_write(m, "enabled", "never\n", 6), 0);
	mm_tunable_read(m, "enabled", buf, sizeof(buf));
	cr_assert_str_eq(buf, "always madvise [never]\n");
	cr_assert_eq(mm_tunable_write(m, "enabled", "sometimes", 9), -EINVAL);
	mm_tunable_read(m, "defrag", buf, sizeof(buf));
	cr_assert_str_eq(buf, "always defer defer+madvise [madvise] never\n");
	assert_check_ok(m);
	mm_shutdown(m);
}

Test(buddy, every_order_aligned_and_restored)
{
	struct machine *m = boot(1ULL << 30, 1);
	struct counts before, after;

	take_counts(m, &before);
	machine_lock(m);
	for (unsigned o = 0; o <= MM_MAX_ORDER; o++) {
		uint64_t free0 = total_free(m);
		struct page *p = alloc_pages(m, GFP_HIGHUSER_MOVABLE, o, 0);

		cr_assert(p, "order %u failed", o);
		cr_assert_eq(page_to_pfn(m, p) & ((1ULL << o) - 1), 0, "order %u misaligned", o);
		cr_assert_eq(p->refcount, 1);
		cr_assert_eq(total_free(m), free0 - (1ULL << o));
		free_pages(m, p, o);
		cr_assert_eq(total_free(m), free0);
	}
	machine_unlock(m);
	take_counts(m, &after);
	cr_assert(!memcmp(&before, &after, sizeof(before)), "free lists not restored");
	assert_check_ok(m);
	mm_shutdown(m);
}

/*
 * Splitting an order-k block for an order-0 request leaves one free block
 * at each order 0..k-1; freeing the page merges them all back.
 */
Test(buddy, split_and_merge)
{
	struct machine *m = boot(1ULL << 30, 1);
	struct zone *z = zone_of(m, 0, ZONE_DMA32);
	uint64_t before[MM_NR_ORDERS];
	unsigned k = 0;
	struct page *p;

	for (int o = 0; o < MM_NR_ORDERS; o++)
		before[o] = z->free_area[o].nr_free[MIGRATE_MOVABLE];
	while (!before[k])
		k++;
	machine_lock(m);
	p = alloc_pages(m, GFP_HIGHUSER_MOVABLE, 0, 0);
	cr_assert(p);
	cr_assert_eq(pfn_zone(m, page_to_pfn(m, p)), z);
	for (unsigned o = 0; o < k; o++)
		cr_assert_eq(z->free_area[o].nr_free[MIGRATE_MOVABLE], before[o] + 1, "order %u", o);
	cr_assert_eq(z->free_area[k].nr_free[MIGRATE_MOVABLE], before[k] - 1);
	free_pages(m, p, 0);
	machine_unlock(m);
	for (int o = 0; o < MM_NR_ORDERS; o++)
		cr_assert_eq(z->free_area[o].nr_free[MIGRATE_MOVABLE], before[o], "order %d", o);
	assert_check_ok(m);
	mm_shutdown(m);
}

/* Freeing 1024 order-0 pages of one MAX_ORDER block in any order rebuilds it. */
Test(buddy, merge_in_scrambled_order)
{
	struct machine *m = boot(256ULL << 20, 1);
	struct page *pages[1024];
	struct counts before, after;

	take_counts(m, &before);
	machine_lock(m);
	for (int i = 0; i < 1024; i++) {
		pages[i] = alloc_pages(m, GFP_HIGHUSER_MOVABLE, 0, 0);
		cr_assert(pages[i]);
	}
	for (int i = 0; i < 1024; i++) {	/* a fixed permutation: i*389 mod 1024 */
		int j = (i * 389) % 1024;

		free_pages(m, pages[j], 0);
	}
	machine_unlock(m);
	take_counts(m, &after);
	cr_assert(!memcmp(&before, &after, sizeof(before)));
	assert_check_ok(m);
	mm_shutdown(m);
}

/*
 * Exhaustion: order-0 allocations succeed until every zone sits at its min
 * watermark (plus lowmem_reserve for the zones below the requested one),
 * then fail; freeing everything restores the boot state.
 */
Test(buddy, exhaustion_stops_at_min_watermark)
{
	struct machine *m = boot(64ULL << 20, 1);
	size_t cap = 1 << 15, n = 0;
	struct page **pages = malloc(cap * sizeof(*pages));
	struct counts before, after;

	take_counts(m, &before);
	machine_lock(m);
	for (;;) {
		struct page *p = alloc_pages(m, GFP_HIGHUSER_MOVABLE, 0, 0);

		if (!p)
			break;
		cr_assert(n < cap);
		pages[n++] = p;
	}
	for (int zt = ZONE_DMA; zt <= ZONE_DMA32; zt++) {
		struct zone *z = zone_of(m, 0, zt);
		uint64_t limit = z->_watermark[WMARK_MIN] + z->lowmem_reserve[ZONE_NORMAL];

		cr_assert_leq(zone_free_pages(z), limit + 1, "zone %d: %llu free > %llu", zt,
			      (unsigned long long)zone_free_pages(z), (unsigned long long)limit);
	}
	/* 9728 managed pages less two min watermarks and a reserve: ~9200 */
	cr_assert_gt(n, 9000);
	/* plus the 4 pages of init's kernel stack and its slabs, allocated at boot */
	cr_assert_eq(m->vm_events[PGALLOC_DMA] + m->vm_events[PGALLOC_DMA32],
		     (int64_t)(n + 4 + slab_pages(m)));
	machine_unlock(m);
	assert_check_ok(m);
	machine_lock(m);
	while (n)
		free_pages(m, pages[--n], 0);
	machine_unlock(m);
	take_counts(m, &after);
	fold_types(&before);
	fold_types(&after);
	cr_assert(!memcmp(&before, &after, sizeof(before)), "buddyinfo not restored");
	assert_check_ok(m);
	free(pages);
	mm_shutdown(m);
}

/* __GFP_DMA allocations come from ZONE_DMA only, and fail when it is exhausted. */
Test(buddy, zone_modifiers)
{
	struct machine *m = boot(1ULL << 30, 1);
	struct page *p;

	machine_lock(m);
	p = alloc_pages(m, GFP_DMA, 0, 0);
	cr_assert(p);
	cr_assert_lt(page_to_pfn(m, p), DMA_END_PFN);
	cr_assert_eq(m->vm_events[PGALLOC_DMA], 1);
	free_pages(m, p, 0);
	p = alloc_pages(m, GFP_DMA32, 3, 0);
	cr_assert(p);
	cr_assert_lt(page_to_pfn(m, p), DMA32_END_PFN);
	free_pages(m, p, 3);
	cr_assert_eq(m->vm_events[PGFREE], 1 + 8);
	cr_assert_null(alloc_pages(m, GFP_HIGHUSER_MOVABLE, MM_MAX_ORDER + 1, 0));
	machine_unlock(m);
	assert_check_ok(m);
	mm_shutdown(m);
}

/*
 * Unmovable allocations on a machine whose pageblocks are all Movable:
 * the first one (init's kernel stack, at boot) steals a whole MAX_ORDER
 * block, largest first, and turns both its pageblocks Unmovable; later
 * unmovable requests are served from the remainder of that block.
 */
Test(buddy, migratetype_fallback_claims_pageblocks)
{
	struct machine *m = boot(1ULL << 30, 1);
	struct zone *z = zone_of(m, 0, ZONE_DMA32);
	struct mm_global_snap *s;
	struct page *p;
	uint64_t before = 0, after = 0;

	for (int o = 0; o < MM_NR_ORDERS; o++)
		before += z->free_area[o].nr_free[MIGRATE_UNMOVABLE] << o;
	/* 1024 pages of the stolen block minus init's 4-page stack and its slabs */
	cr_assert_eq(before, 1020 - slab_pages(m));
	machine_lock(m);
	p = alloc_pages(m, GFP_KERNEL, 0, 0);
	cr_assert(p);
	cr_assert_eq(pageblock_migratetype(m, page_to_pfn(m, p)), MIGRATE_UNMOVABLE);
	for (int o = 0; o < MM_NR_ORDERS; o++)
		after += z->free_area[o].nr_free[MIGRATE_UNMOVABLE] << o;
	cr_assert_eq(after, before - 1);
	machine_unlock(m);
	s = mm_snap_global(m);
	cr_assert_eq(s->node[0].zone[ZONE_DMA32].nr_pageblocks[MIGRATE_UNMOVABLE], 2);
	free(s);
	assert_check_ok(m);
	machine_lock(m);
	free_pages(m, p, 0);
	machine_unlock(m);
	after = 0;
	for (int o = 0; o < MM_NR_ORDERS; o++)
		after += z->free_area[o].nr_free[MIGRATE_UNMOVABLE] << o;
	cr_assert_eq(after, before);
	/* killing every process returns the block whole, still Unmovable as on Linux */
	mm_shutdown(m);
}

Test(buddy, numa_preferred_node_and_fallback)
{
	struct machine *m = boot(2ULL << 30, 2);
	struct page *p;

	machine_lock(m);
	p = alloc_pages(m, GFP_HIGHUSER_MOVABLE, 0, 1);
	cr_assert(p);
	cr_assert_geq(page_to_pfn(m, p), m->node[1]->node_start_pfn);
	cr_assert_eq(zone_of(m, 1, ZONE_DMA32)->numa_stat[NUMA_HIT], 1);
	cr_assert_eq(zone_of(m, 1, ZONE_DMA32)->numa_stat[NUMA_LOCAL], 1);
	free_pages(m, p, 0);
	/*
	 * node 1 has no DMA zone: node 0's DMA is the first zone of node 1's
	 * zonelist, so the request is a hit there, but not local to the CPU
	 */
	p = alloc_pages(m, GFP_DMA, 0, 1);
	cr_assert(p);
	cr_assert_lt(page_to_pfn(m, p), DMA_END_PFN);
	cr_assert_eq(zone_of(m, 0, ZONE_DMA)->numa_stat[NUMA_HIT], 1);
	cr_assert_eq(zone_of(m, 0, ZONE_DMA)->numa_stat[NUMA_OTHER], 1);
	free_pages(m, p, 0);
	machine_unlock(m);
	assert_check_ok(m);
	mm_shutdown(m);
}

/* nr_hugepages takes 2 MiB blocks from the buddy allocator and gives them back. */
Test(hugetlb, pool_resize)
{
	struct machine *m = boot(1ULL << 30, 1);
	uint64_t free0 = total_free(m);
	struct mm_global_snap *s;
	char buf[32];

	cr_assert_eq(mm_tunable_write(m, "nr_hugepages", "10", 2), 0);
	cr_assert_eq(total_free(m), free0 - 10 * 512);
	mm_tunable_read(m, "nr_hugepages", buf, sizeof(buf));
	cr_assert_str_eq(buf, "10\n");
	s = mm_snap_global(m);
	cr_assert_eq(s->meminfo[MI_HUGEPAGES_TOTAL], 10);
	cr_assert_eq(s->meminfo[MI_HUGEPAGES_FREE], 10);
	cr_assert_eq(s->meminfo[MI_HUGETLB], 20480);
	free(s);
	assert_check_ok(m);
	/* asking for more than memory holds stops where allocation fails */
	cr_assert_eq(mm_tunable_write(m, "nr_hugepages", "100000", 6), 0);
	cr_assert_lt(m->nr_huge_pages, 512);
	cr_assert_gt(m->nr_huge_pages, 400);
	assert_check_ok(m);
	cr_assert_eq(mm_tunable_write(m, "nr_hugepages", "0", 1), 0);
	cr_assert_eq(total_free(m), free0);
	assert_check_ok(m);
	mm_shutdown(m);
}

/* meminfo agrees with the buddy lists, and MemAvailable follows si_mem_available. */
Test(meminfo, consistent_figures)
{
	struct machine *m = boot(8ULL << 30, 1);
	struct mm_global_snap *s = mm_snap_global(m);
	uint64_t buddy_kb = 0;

	for (int z = 0; z < MAX_NR_ZONES; z++)
		for (int o = 0; o < MM_NR_ORDERS; o++)
			for (int mt = 0; mt < MIGRATE_TYPES; mt++)
				buddy_kb += (s->node[0].zone[z].nr_free[o][mt] << o) * 4;
	cr_assert_eq(s->meminfo[MI_MEMFREE], buddy_kb);
	cr_assert_eq(s->meminfo[MI_MEMTOTAL], m->totalram_pages * 4);
	cr_assert_lt(s->meminfo[MI_MEMTOTAL], 8ULL << 20);
	cr_assert(s->node[0].zone[ZONE_NORMAL].populated);
	/* no page cache or slab: available = free - totalreserve */
	cr_assert_eq(s->meminfo[MI_MEMAVAILABLE], s->meminfo[MI_MEMFREE] - m->totalreserve_pages * 4);
	/* CommitLimit = totalram * 50% + swap (65535 pages) */
	cr_assert_eq(s->meminfo[MI_COMMITLIMIT], (m->totalram_pages / 2 + 65535) * 4);
	cr_assert_eq(s->meminfo[MI_SWAPTOTAL], 65535 * 4);
	cr_assert_eq(s->meminfo[MI_DIRECTMAP4K] + s->meminfo[MI_DIRECTMAP2M] + s->meminfo[MI_DIRECTMAP1G],
		     8ULL << 20);
	free(s);
	mm_shutdown(m);
}

Test(boot, deterministic_snapshots)
{
	struct machine *a = boot(3ULL << 30, 2), *b = boot(3ULL << 30, 2);
	struct mm_global_snap *sa = mm_snap_global(a), *sb = mm_snap_global(b);
	size_t size = sizeof(*sa) + 2 * sizeof(sa->node[0]);

	/* the slab snapshot is in the same allocation: equal, once its pointers are set aside */
	cr_assert(!memcmp(sa->slab, sb->slab, NR_KMEM_CACHES * sizeof(*sa->slab)));
	cr_assert(!memcmp(sa->slab_node, sb->slab_node, NR_KMEM_CACHES * 2 * sizeof(*sa->slab_node)));
	sa->slab = sb->slab = NULL;
	sa->slab_node = sb->slab_node = NULL;
	cr_assert(!memcmp(sa, sb, size));
	free(sa);
	free(sb);
	mm_shutdown(a);
	mm_shutdown(b);
}

Test(boot, bad_configs_refused)
{
	struct mm_config cfg = { .ram_bytes = 32ULL << 20, .nr_nodes = 1 };
	char why[128];

	cr_assert_null(mm_boot(&cfg, why, sizeof(why)));
	cr_assert(strstr(why, "ram"));
	cfg.ram_bytes = 1ULL << 30;
	cfg.nr_nodes = 0;
	cr_assert_null(mm_boot(&cfg, why, sizeof(why)));
	cfg.nr_nodes = 17;	/* 1G / 17 < 64M */
	cr_assert_null(mm_boot(&cfg, why, sizeof(why)));
	cr_assert(strstr(why, "64M per node"), "%s", why);
	cfg.nr_nodes = 1;
	cfg.swap_bytes = 4096;
	cr_assert_null(mm_boot(&cfg, why, sizeof(why)));
	cr_assert(strstr(why, "swap"));
}

/* 1 TiB on 4 nodes boots, each node has a Normal zone, and the checker agrees. */
Test(boot, one_tebibyte_four_nodes)
{
	struct machine *m = boot(1ULL << 40, 4);

	for (int n = 0; n < 4; n++)
		cr_assert(populated_zone(zone_of(m, n, ZONE_NORMAL)));
	cr_assert_gt(m->totalram_pages, (1ULL << 28) * 98 / 100);
	cr_assert_lt(m->totalram_pages, 1ULL << 28);
	assert_check_ok(m);
	mm_shutdown(m);
}
