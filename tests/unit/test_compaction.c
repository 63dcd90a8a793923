/* SPDX-License-Identifier: MIT */
/*
 * Compaction (mm/compaction*.c) on a 128 MiB one-node machine: a
 * fragmented zone's buddyinfo, pagetypeinfo and extfrag files against
 * values computed by hand, a THP fault that falls back, compact_memory,
 * the same fault succeeding; every byte and mapping kept across the
 * migration; direct compaction with extfrag_threshold, deferral,
 * compact_unevictable_allowed, skip bits, kcompactd and proactive
 * compaction. mm_check runs after every step.
 *
 * The fragmentation (frag()): 32 MiB of 4 KiB anonymous pages (THP off
 * for them), then the hugetlb pool takes every 2 MiB block it can, then
 * every other page of the 32 MiB is unmapped: 4096 free pages, each
 * between two used ones, so none can merge. Two THPs then take the last
 * free 2 MiB blocks of DMA32 (DMA's two are out of reach for user pages:
 * lowmem_reserve). Movable pages with holes and free memory in order-0
 * pieces: what compaction is for.
 *
 * The slab allocator takes real pages: each munmap splits A's VMA, so
 * vm_area_struct has 4141 objects in 198 pages (21 a page), anon_vma_chain
 * 4117 in 65 (64 a page); with task_struct's and mm_struct's order-3 slabs
 * (8 pages each) and anon_vma's one page, 280 pages, all Unmovable, all
 * from the free pages of DMA32's one Unmovable pageblock (484 before slab,
 * 204 after): no fallback into a Movable block, so the holes, the pool and
 * the two THPs are as before.
 * (A mounted machine differs: its path lookups allocate dentries, whose
 * Reclaimable slab claims a whole free 2 MiB block; tests/integration/
 * compaction.sh and doc/compaction.md take one THP only, not two.)
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../fs/render.h"
#include "../../mm/internal.h"
#include "../../mm/compaction.h"
#include "../../mm/memory.h"
#include "../../mm/task.h"
#include "../../mm/trace.h"

static struct machine *m;

#include "compactiontest.h"

TestSuite(compaction, .init = setup, .fini = teardown);

static char *global(void (*fn)(struct rbuf *, const struct mm_global_snap *))
{
	struct mm_global_snap *g = mm_snap_global(m);
	struct rbuf b;
	char *s;

	rbuf_init(&b);
	fn(&b, g);
	s = strndup(b.buf ? b.buf : "", b.len);
	rbuf_free(&b);
	free(g);
	return s;
}

static void expect_global(void (*fn)(struct rbuf *, const struct mm_global_snap *), const char *want)
{
	char *s = global(fn);

	cr_expect_str_eq(s, want);
	free(s);
}

static uint64_t pfn_of(int pid, uint64_t addr)
{
	uint64_t e = 0;

	cr_assert_eq(mm_pagemap_read(m, pid, addr >> 12, &e, 1), 1);
	cr_assert(e >> 63, "present");
	return e & ((1ULL << 55) - 1);
}

/* The pages of A that stay mapped: the even ones, each marked with its index. */
static void mark(int pid, uint64_t a)
{
	char s[32];

	for (uint64_t i = 0; i < 32 * MB / K; i += 2) {
		snprintf(s, sizeof(s), "page %llu of A", (unsigned long long)i);
		mem_write(pid, a + i * K + 100, s);
	}
}

static void expect_marks(int pid, uint64_t a)
{
	char s[32];

	for (uint64_t i = 0; i < 32 * MB / K; i += 2) {
		snprintf(s, sizeof(s), "page %llu of A", (unsigned long long)i);
		mem_expect(pid, a + i * K + 100, s);
	}
}

/*
 * DMA32 free blocks: the 4096 holes (4095 of order 0, one paired with a
 * free neighbour into an order-1 block), and what slab left of the
 * Unmovable block (init's pid and files_cache slabs among it): one block
 * each of orders 1, 2, 6 and 7. F = 4095 + 4 + 4 + 64 + 128 = 4295 pages
 * in B = 4095 + 2 + 1 + 2 = 4100 blocks. Order 9 has no block (S = 0):
 * unusable 4295/4295 = 1.000, extfrag 1000 - (1000 + 4295000/512) / 4100
 * = 1000 - 9388/4100 = 0.998 (integer divisions, as Linux). Order 8 has
 * none either now: extfrag 1000 - (1000 + 4295000/256) / 4100 = 1000 -
 * 17777/4100 = 0.996. Order 1: 4 + 4 + 64 + 128 = 200 pages in blocks of
 * order 1 or more, unusable (4295 - 200)/4295 = 0.953; order 2: 196,
 * 0.954; orders 3-6: 192, 0.955; order 7: 128, 4167/4295 = 0.970.
 */
static const char frag_buddyinfo[] =
	"Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      0 \n"
	"Node 0, zone    DMA32   4095      2      1      0      0      0      1      1      0      0      0 \n";
static const char frag_extfrag[] =
	"Node 0, zone      DMA -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000  0.125 \n"
	"Node 0, zone    DMA32 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000  0.996  0.998  0.999 \n";
static const char frag_unusable[] =
	"Node 0, zone      DMA 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.333 1.000 \n"
	"Node 0, zone    DMA32 0.000 0.953 0.954 0.955 0.955 0.955 0.955 0.970 1.000 1.000 1.000 \n";

Test(compaction, fragment_fail_compact_succeed)
{
	static uint64_t pfn[32 * MB / K];
	char why[128], *pt;
	uint64_t a, b, moved = 0;
	int pid;

	cr_assert_eq(mm_spawn(m, "frag", &pid, why, sizeof(why)), 0);
	a = frag(pid);
	expect_global(render_buddyinfo, frag_buddyinfo);
	expect_global(render_extfrag_index, frag_extfrag);
	expect_global(render_unusable_index, frag_unusable);
	/* the holes are Movable; the page tables took one Unmovable block */
	pt = global(render_pagetypeinfo);
	cr_expect(strstr(pt, "Node    0, zone    DMA32, type      Movable   4095      1      0      0"
			 "      0      0      0      0      0      0      0 \n"), "%s", pt);
	cr_expect(strstr(pt, "Node 0, zone    DMA32            1           55            0"), "%s", pt);
	free(pt);
	mark(pid, a);
	for (uint64_t i = 0; i < 32 * MB / K; i += 2)
		pfn[i] = pfn_of(pid, a + i * K);

	/* enabled=always, not madvised: GFP_TRANSHUGE_LIGHT, no compaction, 4 KiB pages */
	tunable("enabled", "always\n");
	b = map_anon(pid, 4 * MB, 0);
	touch(pid, b, 2 * MB, 1);
	cr_expect_eq(ev(THP_FAULT_FALLBACK), 1);
	cr_expect_eq(ev(THP_FAULT_ALLOC), 2);
	cr_expect_eq(ev(COMPACT_STALL), 0);
	cr_expect_eq(usage(pid, b).anon_thp, 0);

	tunable("compact_memory", "1\n");
	/*
	 * The migration scanner went up from the zone's start, the free
	 * scanner down from its end into A's holes; where they met, every
	 * page below has moved up and whole 2 MiB blocks are free (the
	 * Unmovable block's free blocks of orders 2, 6 and 7 stay: the free scanner
	 * takes targets from Movable blocks only).
	 */
	expect_global(render_buddyinfo,
		"Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      0 \n"
		"Node 0, zone    DMA32    450      0      1      0      0      0      2      1      0      2      2 \n");
	expect_global(render_extfrag_index,
		"Node 0, zone      DMA -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000  0.125 \n"
		"Node 0, zone    DMA32 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 \n");
	cr_expect_eq(ev(PGMIGRATE_SUCCESS), 2079);	/* 1567 pages of A, the 512 of B's first 2 MiB */
	cr_expect_eq(ev(PGMIGRATE_FAIL), 1);	/* the scanners met: no target for the last page */
	cr_expect_eq(ev(COMPACT_MIGRATE_SCANNED), 10751);
	cr_expect_eq(ev(COMPACT_FREE_SCANNED), 4897);
	cr_expect_eq(ev(COMPACT_ISOLATED), 4382);	/* 2080 sources + 2302 targets */
	cr_expect_eq(ev(COMPACT_STALL) + ev(COMPACT_FAIL) + ev(COMPACTSUCCESS), 0);
	cr_expect_eq(ev(COMPACT_DAEMON_WAKE), 0);
	/* every byte and every mapping survived the moves */
	expect_marks(pid, a);
	for (uint64_t i = 0; i < 32 * MB / K; i += 2)
		moved += pfn_of(pid, a + i * K) != pfn[i];
	cr_expect_eq(moved, 1567, "moved %llu", (unsigned long long)moved);

	/* the second 2 MiB of B faults a THP now */
	touch(pid, b + 2 * MB, 2 * MB, 1);
	cr_expect_eq(ev(THP_FAULT_ALLOC), 3);
	cr_expect_eq(usage(pid, b).anon_thp, 2 * MB);
	expect_marks(pid, a);
}

/* A madvised range may compact directly: compact_stall, compact_success, a THP. */
Test(compaction, direct_compaction_for_madvised_fault)
{
	char why[128];
	uint64_t a, b;
	int pid;

	cr_assert_eq(mm_spawn(m, "frag", &pid, why, sizeof(why)), 0);
	a = frag(pid);
	mark(pid, a);
	b = map_anon(pid, 2 * MB, 0);
	madvise(pid, b, 2 * MB, MM_MADV_HUGEPAGE);
	touch(pid, b, 2 * MB, 1);
	cr_expect_eq(ev(THP_FAULT_ALLOC), 3);
	cr_expect_eq(ev(THP_FAULT_FALLBACK), 0);
	cr_expect_eq(ev(COMPACT_STALL), 1);
	cr_expect_eq(ev(COMPACTSUCCESS), 1);
	cr_expect_eq(ev(COMPACT_FAIL), 0);
	/* async: it stopped as soon as a 2 MiB block was free, after 255 moves */
	cr_expect_eq(ev(PGMIGRATE_SUCCESS), 255);
	cr_expect_eq(m->node[0]->node_zones[ZONE_DMA32].compact_order_failed, 10);
	expect_marks(pid, a);
}

/* extfrag_threshold 1000: a failure is never "for want of contiguity", no compaction. */
Test(compaction, extfrag_threshold_keeps_compaction_off)
{
	char why[128];
	uint64_t b;
	int pid;

	cr_assert_eq(mm_spawn(m, "frag", &pid, why, sizeof(why)), 0);
	frag(pid);
	tunable("extfrag_threshold", "1000\n");
	b = map_anon(pid, 2 * MB, 0);
	madvise(pid, b, 2 * MB, MM_MADV_HUGEPAGE);
	touch(pid, b, 2 * MB, 1);
	cr_expect_eq(ev(THP_FAULT_FALLBACK), 1);
	cr_expect_eq(ev(COMPACT_STALL), 0);	/* every zone COMPACT_SKIPPED: no stall counted */
	cr_expect_eq(ev(ALLOCSTALL_MOVABLE), 1);	/* the one reclaim pass between the two */
	cr_expect_eq(ev(PGMIGRATE_SUCCESS), 0);
}

/* compact_unevictable_allowed=0: mlocked pages stay where they are. */
Test(compaction, unevictable_pages_stay_when_not_allowed)
{
	static uint64_t pfn[32 * MB / K];
	char why[128];
	uint64_t a;
	int pid;

	cr_assert_eq(mm_spawn(m, "frag", &pid, why, sizeof(why)), 0);
	a = frag(pid);
	call(pid, (struct mm_call){ .verb = MMV_MLOCKALL, .flags = MM_MCL_CURRENT });
	for (uint64_t i = 0; i < 32 * MB / K; i += 2)
		pfn[i] = pfn_of(pid, a + i * K);
	tunable("compact_unevictable_allowed", "0\n");
	tunable("compact_memory", "1\n");
	for (uint64_t i = 0; i < 32 * MB / K; i += 2)
		cr_assert_eq(pfn_of(pid, a + i * K), pfn[i]);
	tunable("compact_unevictable_allowed", "1\n");
	tunable("compact_memory", "1\n");
	cr_expect_gt(ev(PGMIGRATE_SUCCESS), 1000);
	cr_expect_eq(usage(pid, a).locked_pss, 16 * MB);	/* still locked where they went */
	kill_pid(pid);	/* exit while the machine still has all its tasks */
}

/* Deferral: 1, 2, 4 ... 64 attempts passed over after failures, reset by success. */
Test(compaction, deferral)
{
	struct zone z = { 0 };
	int skipped = 0;

	cr_expect(!compaction_deferred(m, &z, 9), "never failed");
	defer_compaction(m, &z, 9);
	cr_expect_eq(z.compact_defer_shift, 1);
	cr_expect_eq(z.compact_order_failed, 0);	/* order_failed only goes down (from 0) */
	z.compact_order_failed = 9;
	cr_expect(!compaction_deferred(m, &z, 4), "a lower order is not deferred");
	cr_expect(compaction_deferred(m, &z, 9), "1 of 2");
	cr_expect(!compaction_deferred(m, &z, 9), "2 of 2: try again");
	for (int i = 0; i < 10; i++)
		defer_compaction(m, &z, 9);
	cr_expect_eq(z.compact_defer_shift, COMPACT_MAX_DEFER_SHIFT);
	while (compaction_deferred(m, &z, 9))
		skipped++;
	cr_expect_eq(skipped, 63);
	compaction_defer_reset(m, &z, 9, 1);
	cr_expect_eq(z.compact_defer_shift, 0);
	cr_expect_eq(z.compact_considered, 0);
	cr_expect_eq(z.compact_order_failed, 10);
}

static char *skip_map(void)
{
	static char s[65];

	for (int b = 0; b < 64; b++)
		s[b] = '0' + get_pageblock_skip(m, (uint64_t)b * 512);
	return s;
}

/*
 * Skip bits after compact_memory: set on each block where a scanner found
 * nothing to isolate (the hugetlb pool's blocks 8-19, the free scanner's
 * used-up targets 54-63), except blocks whose first page is compound: a
 * source the migration scanner passes over without marking. The flush
 * (after a direct run that met the end, as kswapd goes to sleep) clears a
 * bit only where a sample of the block shows an LRU page (walking up) or
 * a free page (walking down), until the two walks meet mid-zone.
 */
Test(compaction, skip_bits)
{
	struct zone *z = &m->node[0]->node_zones[ZONE_DMA32];
	char why[128];
	int pid;

	cr_assert_eq(mm_spawn(m, "frag", &pid, why, sizeof(why)), 0);
	frag(pid);
	cr_expect_str_eq(skip_map(), "0000000000000000000000000000000000000000000000000000000000000000");
	tunable("compact_memory", "1\n");
	cr_expect_str_eq(skip_map(), "1001000011111111111100000000000000000000000000000000001111110111");
	machine_lock(m);
	z->compact_blockskip_flush = 1;
	reset_isolation_suitable(m, m->node[0]);
	machine_unlock(m);
	cr_expect_str_eq(skip_map(), "1001000011111111111100000000000000000000000000000000001111110111");
	cr_expect_eq(z->compact_blockskip_flush, 0);
	/* no block reset on either side: the cached scanners start where the walks met */
	cr_expect_eq(z->compact_cached_migrate_pfn[0], 18432);
	cr_expect_eq(z->compact_cached_free_pfn, 18431);
	check_ok();
}

/* compaction_proactiveness 100: kcompactd compacts the node at its next point. */
Test(compaction, proactive)
{
	char why[128];
	uint64_t a;
	int pid;

	cr_assert_eq(mm_spawn(m, "frag", &pid, why, sizeof(why)), 0);
	a = frag(pid);
	mark(pid, a);
	machine_lock(m);
	cr_expect_eq(fragmentation_score_node(m, m->node[0]), 91);
	machine_unlock(m);
	tunable("compaction_proactiveness", "100\n");
	touch(pid, a, K, 1);	/* a command: kswapd's point, kcompactd runs after it */
	cr_expect_gt(ev(COMPACT_DAEMON_MIGRATE_SCANNED), 0);
	cr_expect_gt(ev(COMPACT_DAEMON_FREE_SCANNED), 0);
	cr_expect_gt(ev(PGMIGRATE_SUCCESS), 1000);
	cr_expect_eq(ev(COMPACT_DAEMON_WAKE), 0);	/* proactive runs are not wakes */
	machine_lock(m);
	cr_expect_lt(fragmentation_score_node(m, m->node[0]), 91);
	machine_unlock(m);
	expect_marks(pid, a);
}

/* kswapd, woken for order 9 by the hugetlb pool, wakes kcompactd as it goes to sleep. */
Test(compaction, kcompactd_after_kswapd)
{
	char why[128];
	uint64_t a;
	int pid;

	cr_assert_eq(mm_spawn(m, "frag", &pid, why, sizeof(why)), 0);
	a = frag(pid);
	mark(pid, a);
	tunable("nr_hugepages", "31\n");
	cr_expect_eq(m->nr_huge_pages, 31);
	cr_expect_eq(ev(COMPACT_STALL), 1);	/* the pool's own direct compaction */
	cr_expect_eq(ev(COMPACT_DAEMON_WAKE), 0);
	touch(pid, a, K, 1);
	cr_expect_eq(ev(COMPACT_DAEMON_WAKE), 1);
	cr_expect_gt(ev(COMPACT_DAEMON_MIGRATE_SCANNED), 0);
	expect_marks(pid, a);
}

/* The checker knows the compaction state: deferral out of range, a bad skip byte. */
Test(compaction, checker_sees_bad_state)
{
	struct zone *z = &m->node[0]->node_zones[ZONE_DMA32];
	char *r;
	int nbad = 0;

	z->compact_defer_shift = COMPACT_MAX_DEFER_SHIFT + 1;
	m->pageblock_skip[3] = 2;
	r = mm_check(m, &nbad);
	cr_expect_eq(nbad, 2, "%s", r);
	cr_expect(strstr(r, "node 0 zone 1: compaction deferral 0/7 out of range\n"), "%s", r);
	cr_expect(strstr(r, "pageblock 3: skip byte 2\n"), "%s", r);
	free(r);
	z->compact_defer_shift = 0;
	m->pageblock_skip[3] = 0;
	check_ok();
}

/*
 * Unmovable allocations interleaved with movable ones: 700 page tables
 * (one per 2 MiB of a sparse range, each with one anonymous page) first
 * use up the Unmovable block's free pages, then fall back into the holes
 * of Movable blocks. A fallback claims its block only when at least half
 * of it is free; with init's pid and files_cache slabs (5 pages taken at
 * boot) none of the blocks the tables land in is, so DMA32 keeps one
 * Unmovable block and the tables stay scattered in Movable ones.
 * Compaction cannot empty a block that holds page tables: where the clean
 * zone of fragment_fail_compact_succeed ends with two blocks of each of
 * orders 9 and 10, this one ends with one of order 9 and none of order
 * 10, and many order-1 pieces beside single tables. Proactive compaction
 * is off, so that nothing runs between the steps.
 */
Test(compaction, unmovable_allocations_pin_their_blocks)
{
	char why[128], *s;
	uint64_t v;
	int pid;

	cr_assert_eq(mm_spawn(m, "frag", &pid, why, sizeof(why)), 0);
	frag(pid);
	tunable("compaction_proactiveness", "0\n");
	v = call(pid, (struct mm_call){ .verb = MMV_MMAP, .len = 2048 * MB, .fd = -1,
		.prot = MM_PROT_READ | MM_PROT_WRITE, .flags = MM_MAP_PRIVATE | MM_MAP_ANONYMOUS | MM_MAP_NORESERVE });
	madvise(pid, v, 2048 * MB, MM_MADV_NOHUGEPAGE);
	for (int i = 0; i < 700; i++)
		touch(pid, v + (uint64_t)i * 2 * MB, K, 1);
	/* 4096 holes + the Unmovable block's free pages - 700 tables - 700 pages - 2 PMD tables */
	expect_global(render_buddyinfo,
		"Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      0 \n"
		"Node 0, zone    DMA32   2893      0      0      0      0      0      0      0      0      0      0 \n");
	s = global(render_pagetypeinfo);
	cr_expect(strstr(s, "Node 0, zone    DMA32            1           55            0"), "%s", s);
	free(s);
	tunable("compact_memory", "1\n");
	expect_global(render_buddyinfo,
		"Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      0 \n"
		"Node 0, zone    DMA32    765    504      2      3      2      1      2      3      0      1      0 \n");
	cr_expect_eq(ev(PGMIGRATE_SUCCESS), 2267);
	cr_expect_eq(ev(COMPACT_DAEMON_MIGRATE_SCANNED), 0);
}

/*
 * Direct compaction that cannot succeed (every page of A mlocked, and
 * compact_unevictable_allowed 0): a madvised fault compacts async, reclaims
 * once (allocstall_movable), compacts sync-light, and falls back: two
 * stalls, two failures; the sync-light failure defers the zone
 * (compact_defer_shift 1). The next fault finds it deferred (a stall and a
 * failure all the same, as Linux counts them), reclaims, and compacts
 * again once 2 attempts were considered; but the skip bits the first run
 * left keep it out of every block: nothing more is scanned, shift 2.
 */
Test(compaction, deferral_after_failed_direct_compaction)
{
	struct zone *z = &m->node[0]->node_zones[ZONE_DMA32];
	char why[128];
	uint64_t b;
	int pid;

	cr_assert_eq(mm_spawn(m, "frag", &pid, why, sizeof(why)), 0);
	frag(pid);
	call(pid, (struct mm_call){ .verb = MMV_MLOCKALL, .flags = MM_MCL_CURRENT });
	tunable("compact_unevictable_allowed", "0\n");
	tunable("compaction_proactiveness", "0\n");
	b = map_anon(pid, 4 * MB, 0);
	madvise(pid, b, 4 * MB, MM_MADV_HUGEPAGE);
	touch(pid, b, 2 * MB, 1);
	cr_expect_eq(ev(COMPACT_STALL), 2);
	cr_expect_eq(ev(COMPACT_FAIL), 2);
	cr_expect_eq(ev(COMPACTSUCCESS), 0);
	cr_expect_eq(ev(THP_FAULT_FALLBACK), 1);
	cr_expect_eq(ev(ALLOCSTALL_MOVABLE), 1);
	cr_expect_eq(ev(COMPACT_MIGRATE_SCANNED), 554);
	cr_expect_eq(z->compact_defer_shift, 1);
	cr_expect_eq(z->compact_considered, 0);
	touch(pid, b + 2 * MB, 2 * MB, 1);
	cr_expect_eq(ev(COMPACT_STALL), 4);
	cr_expect_eq(ev(COMPACT_FAIL), 4);
	cr_expect_eq(ev(THP_FAULT_FALLBACK), 2);
	cr_expect_eq(ev(ALLOCSTALL_MOVABLE), 2);
	cr_expect_eq(ev(COMPACT_MIGRATE_SCANNED), 554);
	cr_expect_eq(z->compact_defer_shift, 2);
	cr_expect_eq(ev(PGMIGRATE_SUCCESS), 0);
	kill_pid(pid);	/* exit while the machine still has all its tasks */
}

/* nodeN/compact is written as the tunable "nodeN/compact": the machine's nodes only. */
Test(compaction, node_compact)
{
	char why[128];
	int pid;

	cr_assert_eq(mm_spawn(m, "frag", &pid, why, sizeof(why)), 0);
	frag(pid);
	cr_expect_eq(mm_tunable_write(m, "node1/compact", "1\n", 2), -ENOENT);
	cr_expect_eq(mm_tunable_write(m, "node0/compactx", "1\n", 2), -ENOENT);
	cr_expect_eq(ev(COMPACT_MIGRATE_SCANNED), 0);
	tunable("node0/compact", "anything\n");
	expect_global(render_buddyinfo,
		"Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      0 \n"
		"Node 0, zone    DMA32    449      1      1      0      0      0      2      1      0      1      3 \n");
	cr_expect_gt(ev(PGMIGRATE_SUCCESS), 0);
}

/*
 * events/compaction: one begin and one end per zone compact_memory
 * compacts, and the migratepages events add up to pgmigrate_success and
 * to the sources isolated (nr_failed: the batch's pages not moved, tried
 * or put back untried; test_trace_compaction.c has the rest).
 */
Test(compaction, trace_events_add_up_to_the_counters)
{
	struct mm_trace_snap *s;
	uint64_t begin = 0, end = 0, moved = 0, failed = 0, taken = 0;
	int64_t success = 0, fail = 0;
	char why[128];
	int pid;

	cr_assert_eq(mm_spawn(m, "frag", &pid, why, sizeof(why)), 0);
	frag(pid);
	cr_assert_eq(mm_trace_write(m, "events/compaction/enable", "1", 1, 0), 0);
	success = ev(PGMIGRATE_SUCCESS);
	fail = ev(PGMIGRATE_FAIL);
	tunable("compact_memory", "1\n");
	s = mm_trace_snap(m, 0, UINT64_MAX);
	cr_assert(s);
	for (uint64_t i = 0; i < s->nr; i++) {
		begin += s->entry[i].type == TE_MM_COMPACTION_BEGIN;
		end += s->entry[i].type == TE_MM_COMPACTION_END;
		if (s->entry[i].type == TE_MM_COMPACTION_MIGRATEPAGES) {
			moved += s->entry[i].f[0];
			failed += s->entry[i].f[1];
		}
		if (s->entry[i].type == TE_MM_COMPACTION_ISOLATE_MIGRATEPAGES)
			taken += s->entry[i].f[3];
	}
	cr_expect_eq(begin, 2, "DMA and DMA32");
	cr_expect_eq(end, 2);
	cr_expect_eq((int64_t)moved, ev(PGMIGRATE_SUCCESS) - success);
	cr_expect_geq((int64_t)failed, ev(PGMIGRATE_FAIL) - fail);
	cr_expect_eq(moved + failed, taken);
	cr_expect_gt(moved, 0);
	free(s);
}
