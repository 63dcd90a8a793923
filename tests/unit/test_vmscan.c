/* SPDX-License-Identifier: MIT */
/*
 * Reclaim's choices (mm/vmscan.c, vmscan_node.c, kswapd.c) seen from
 * outside: which pages direct reclaim takes first, which lists
 * get_scan_count lets it scan, what it never touches, and what kswapd
 * counts when an allocation wakes it. mm_check runs after every call.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leakcheck.h"
#include "../../mm/internal.h"
#include "../../mm/memory.h"
#include "../../mm/page_alloc.h"
#include "../../mm/pgtable.h"
#include "../../mm/swap.h"
#include "../../mm/task.h"
#include "../../mm/vmscan.h"
#include "../../mm/vmstat.h"

static struct machine *m;

#include "mmtest.h"

#define K 4096ULL
#define M (1024 * 1024ULL)

static void boot(uint64_t ram, uint64_t swap)
{
	struct mm_config cfg = { .ram_bytes = ram, .nr_nodes = 1, .swap_bytes = swap };

	m = mm_boot(&cfg, NULL, 0);
	cr_assert(m);
}

static void teardown(void)
{
	mm_shutdown(m);
	leak_check();
}

static void with_swap(void) { boot(128 * M, 64 * M); }
static void without_swap(void) { boot(128 * M, 0); }

static char dir[64];

/* With a backing directory, so that files/ has a page cache to reclaim. */
static void with_files(void)
{
	boot(128 * M, 64 * M);
	strcpy(dir, "/tmp/mmfs-vmscan.XXXXXX");
	cr_assert(mkdtemp(dir));
	cr_assert_eq(mm_set_backing(m, dir, 0xfe, 1), 0);
}

static void teardown_files(void)
{
	char cmd[128];

	teardown();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(vmscan, .init = with_swap, .fini = teardown);
TestSuite(vmscan_noswap, .init = without_swap, .fini = teardown);
TestSuite(vmscan_files, .init = with_files, .fini = teardown_files);

static int64_t ev(enum vm_event_item i)
{
	return m->vm_events[i];
}

static uint64_t direct_reclaim(void)
{
	uint64_t n;

	machine_lock(m);
	n = try_to_free_pages(m, 0, GFP_HIGHUSER_MOVABLE, 0);
	machine_unlock(m);
	check_ok();
	return n;
}

/*
 * The inactive list is aged from its tail: pages written earlier go to
 * swap before pages written later, and take slots in that order (§4.3,
 * §6.3: offsets rise with the address of a region written in order).
 */
Test(vmscan, oldest_pages_go_first)
{
	uint64_t a = map_anon(1, 1024 * K, 0), swapped = 0, last = 0;

	touch(1, a, 1024 * K, 1);
	while (!swap_offset(1, a + 1023 * K) && direct_reclaim())
		;
	cr_assert(ev(SWPOUT_ZERO) > 0, "reclaim swapped");
	for (uint64_t i = 0; i < 1024; i++) {
		uint64_t off = swap_offset(1, a + i * K);

		if (!off)
			break;
		cr_assert_gt(off, last, "page %llu: slot %llu after %llu", (unsigned long long)i,
			     (unsigned long long)off, (unsigned long long)last);
		last = off;
		swapped++;
	}
	for (uint64_t i = swapped; i < 1024; i++)
		cr_assert_eq(swap_offset(1, a + i * K), 0, "page %llu is on swap but an older one is not",
			     (unsigned long long)i);
	cr_assert_gt(swapped, 0);
	/* each page was scanned twice: once to clear the accessed bit (second chance) */
	cr_assert_geq(ev(PGSCAN_DIRECT), 2 * ev(PGSTEAL_DIRECT) - 64);
	/* a user page's stall is counted in its highest zone, ZONE_MOVABLE (reclaim.md §1) */
	cr_assert_gt(ev(ALLOCSTALL_MOVABLE), 0);
	cr_assert_eq(ev(ALLOCSTALL_NORMAL) + ev(ALLOCSTALL_DMA32), 0);
}

/* mlocked pages are on the unevictable list: reclaim never scans them (§10.1). */
Test(vmscan, mlocked_pages_stay)
{
	uint64_t l = map_anon(1, 256 * K, MM_MAP_LOCKED), a = map_anon(1, 256 * K, 0);

	touch(1, a, 256 * K, 1);
	for (int i = 0; i < 64; i++)
		direct_reclaim();
	cr_assert_gt(usage(1, a).swap, 0, "the other region went to swap");
	cr_assert_eq(usage(1, l).swap, 0);
	cr_assert_eq(usage(1, l).rss, 256 * K);
}

/* Without swap, get_scan_count never scans anonymous memory (§5.1). */
Test(vmscan_noswap, anon_is_not_scanned_without_swap)
{
	uint64_t a = map_anon(1, 1024 * K, 0);

	touch(1, a, 1024 * K, 1);
	direct_reclaim();
	cr_assert_eq(ev(PGSCAN_ANON), 0);
	cr_assert_eq(usage(1, a).rss, 1024 * K);
}

/*
 * Allocations that leave every zone below low wake kswapd; it runs at the
 * next defined point (inside the touch, at its end) and reclaims until a
 * zone is above high: pageoutrun, pgsteal_kswapd (reclaim.md §2).
 */
Test(vmscan, kswapd_balances_to_high)
{
	uint64_t len = (uint64_t)(global_zone_page_state(m, NR_FREE_PAGES) - 200) * K;
	int balanced = 0;

	touch(1, map_anon(1, len, 0), len, 1);
	cr_assert_gt(ev(PAGEOUTRUN), 0, "kswapd ran");
	cr_assert_gt(ev(PGSTEAL_KSWAPD), 0);
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &m->node[0]->node_zones[i];

		if (z->managed_pages && (uint64_t)z->vm_stat[NR_FREE_PAGES] >= wmark_pages(z, WMARK_HIGH))
			balanced = 1;
	}
	cr_assert(balanced, "some zone is above its high watermark once kswapd has run");
}

/*
 * get_scan_count (§5.1): while the inactive file list is large enough and
 * not thrashing, reclaim takes page cache only, and anonymous memory is
 * left alone even with swap free; only when the file list runs low does
 * it scan anon.
 */
Test(vmscan_files, page_cache_goes_before_anonymous_memory)
{
	static char chunk[1 << 20];
	uint64_t a = map_anon(1, 8 * M, 0);

	char path[128];
	FILE *f;

	touch(1, a, 8 * M, 1);
	snprintf(path, sizeof(path), "%s/cache", dir);	/* the daemon creates on the host first */
	f = fopen(path, "w");
	cr_assert(f);
	fclose(f);
	memset(chunk, 'x', sizeof(chunk));
	for (int i = 0; i < 32; i++)
		cr_assert_eq(mm_file_write(m, "/cache", (uint64_t)i << 20, chunk, sizeof(chunk)),
			     (long)sizeof(chunk));
	cr_assert_eq(mm_sync(m, NULL, 0), 0);	/* clean: reclaim may drop it */
	for (int i = 0; i < 8; i++)
		direct_reclaim();
	cr_assert_gt(ev(PGSTEAL_FILE), 0, "page cache was reclaimed");
	cr_assert_eq(ev(PGSCAN_ANON), 0, "anon was not even scanned");
	cr_assert_eq(usage(1, a).swap, 0);
}
