/* SPDX-License-Identifier: MIT */
/*
 * shmem swap-in (mm/shmem_swap.c) and its cluster readahead
 * (mm/swap_state.c: swap_cluster_readahead, swapin_nr_pages), against what
 * a Linux 6.18 host did on a non-rotational loop device: shared anonymous
 * regions paged out with MADV_PAGEOUT (slots 1, 2, 3 ... in page order),
 * their swap cache emptied (memory.force_empty there, reclaim of the clean
 * swap-cache pages here), then read back. Every expectation below is the
 * host's, fault by fault: majflt, pswpin, swap_ra, swap_ra_hit and the
 * region's mincore. mm_check runs after every call.
 *
 * Cluster readahead keeps one state for the machine (hits, the last miss,
 * the last window). The host's is whatever came before, so both sides
 * start with the same warm-up: seven misses far apart, which leave the
 * window at 1 and no hits whatever the state was (each halves the window).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leakcheck.h"
#include "../../mm/internal.h"
#include "../../mm/filemap.h"
#include "../../mm/memory.h"
#include "../../mm/swap.h"
#include "../../mm/task.h"
#include "../../mm/vmscan.h"
#include "../../mm/vmstat.h"

static struct machine *m;

#include "mmtest.h"

#define PAGE 4096ULL

static void shmem_boot(void)
{
	struct mm_config cfg = { .ram_bytes = 256ULL << 20, .nr_nodes = 1,
				 .swap_bytes = 64ULL << 20 };

	m = mm_boot(&cfg, NULL, 0);
	cr_assert(m);
	m->tun.page_cluster = 3;
}

static void shmem_down(void)
{
	mm_shutdown(m);
	leak_check();
}

TestSuite(shmem_swap, .init = shmem_boot, .fini = shmem_down);

/*
 * A region of n written pages where the host probe put region `slot`
 * (2 MiB-aligned, as VMA readahead's windows are clipped there): shared
 * anonymous, page i holding "sh<i>" when data, or private anonymous.
 */
static uint64_t region(int slot, uint64_t n, int shared, int data)
{
	uint64_t a = call(1, (struct mm_call){ .verb = MMV_MMAP, .len = n * PAGE, .fd = -1,
		.addr = 0x500000000000ULL + (uint64_t)slot * 0x10000000ULL,
		.prot = MM_PROT_READ | MM_PROT_WRITE,
		.flags = (shared ? MM_MAP_SHARED : MM_MAP_PRIVATE) | MM_MAP_ANONYMOUS | MM_MAP_FIXED });

	touch(1, a, n * PAGE, 1);
	for (uint64_t i = 0; data && i < n; i++) {
		char s[32];

		snprintf(s, sizeof(s), "sh%llu", (unsigned long long)i);
		mem_write(1, a + i * PAGE, s);
	}
	return a;
}

static uint64_t shared_region(int slot, uint64_t n, int data)
{
	return region(slot, n, 1, data);
}

static void pageout(uint64_t a, uint64_t from, uint64_t to)
{
	call(1, (struct mm_call){ .verb = MMV_MADVISE, .addr = a + from * PAGE,
		.len = (to - from + 1) * PAGE, .advice = MM_MADV_PAGEOUT });
}

/* Reclaim every unmapped swap-cache page: clean, so dropped (memory.force_empty). */
static void empty_swap_cache(void)
{
	struct swap_info_struct *si = m->swap_info[0];
	LIST_HEAD(batch);

	machine_lock(m);
	for (uint64_t off = 1; off < si->max; off++) {
		struct page *page = swap_cache_get(m, swp_entry(0, off));

		if (page && !page->mapcount)
			isolate_folio(m, page, &batch);
	}
	reclaim_pages(m, &batch);
	machine_unlock(m);
	check_ok();
}

/* The '1' runs of a region's mincore, as the host probe printed them: "100-126 200-202". */
static void expect_incore(uint64_t a, uint64_t n, const char *want)
{
	char why[128], *v, got[512] = "";
	size_t len = 0;

	cr_assert_eq(mincore_s(m, 1, a, n * PAGE, &v, why, sizeof(why)), 0, "%s", why);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t j = i;

		if (v[i] != '1')
			continue;
		while (j + 1 < n && v[j + 1] == '1')
			j++;
		len += (size_t)snprintf(got + len, sizeof(got) - len, "%s%llu-%llu", len ? " " : "",
					(unsigned long long)i, (unsigned long long)j);
		i = j;
	}
	free(v);
	cr_assert_str_eq(got, want);
}

/* What one fault did: the counters' deltas and the region's mincore after it. */
struct fault_row {
	uint64_t page;
	int64_t majflt, pswpin, swap_ra, swap_ra_hit;
	const char *incore;
};

static void fault_rows(uint64_t a, uint64_t n, const struct fault_row *rows, size_t nr)
{
	struct task *t = find_task_by_pid(m, 1);

	for (size_t r = 0; r < nr; r++) {
		int64_t maj = (int64_t)t->maj_flt, pgmaj = m->vm_events[PGMAJFAULT];
		int64_t in = m->vm_events[PSWPIN], ra = m->vm_events[SWAP_RA];
		int64_t hit = m->vm_events[SWAP_RA_HIT];
		char s[32];

		touch(1, a + rows[r].page * PAGE, PAGE, 0);
		cr_assert_eq((int64_t)t->maj_flt - maj, rows[r].majflt, "page %llu: majflt",
			     (unsigned long long)rows[r].page);
		cr_assert_eq(m->vm_events[PGMAJFAULT] - pgmaj, rows[r].majflt);
		cr_assert_eq(m->vm_events[PSWPIN] - in, rows[r].pswpin, "page %llu: pswpin",
			     (unsigned long long)rows[r].page);
		cr_assert_eq(m->vm_events[SWAP_RA] - ra, rows[r].swap_ra, "page %llu: swap_ra",
			     (unsigned long long)rows[r].page);
		cr_assert_eq(m->vm_events[SWAP_RA_HIT] - hit, rows[r].swap_ra_hit,
			     "page %llu: swap_ra_hit", (unsigned long long)rows[r].page);
		if (rows[r].incore)
			expect_incore(a, n, rows[r].incore);
		snprintf(s, sizeof(s), "sh%llu", (unsigned long long)rows[r].page);
		mem_expect(1, a + rows[r].page * PAGE, s);
	}
}

/* Seven misses 64 pages apart in region w (slots 1..512): no hits, a window of 1. */
static void warm_up(uint64_t w)
{
	for (uint64_t i = 32; i <= 416; i += 64)
		touch(1, w + i * PAGE, PAGE, 0);
	cr_assert_eq(m->swapin_readahead_hits, 0);
	cr_assert_eq(m->swapin_last_ra_pages, 1);
	cr_assert_eq(m->swapin_prev_offset, 417);
}

/*
 * The host's run, page-cluster 3: region 1 (slots 513..1024) read from
 * page 100 on, then at random. Misses without hits read one page, or two
 * when next to the last miss; each hit grows the next window (hits + 2,
 * rounded up to a power of two, at most 8), aligned on slot numbers.
 */
Test(shmem_swap, cluster_readahead_follows_the_host)
{
	uint64_t w = shared_region(0, 512, 1), a = shared_region(1, 512, 1);
	static const struct fault_row seq[] = {
		{ 100, 1, 1, 0, 0, "100-100" },		/* slot 613: a miss far from 417 */
		{ 101, 1, 2, 1, 0, "100-102" },		/* next to it: 2 slots, 614-615 */
		{ 102, 0, 0, 0, 1, "100-102" },		/* a hit */
		{ 103, 1, 4, 3, 0, "100-106" },		/* 1 hit: 4 slots, 616-619 */
		{ 104, 0, 0, 0, 1, NULL }, { 105, 0, 0, 0, 1, NULL }, { 106, 0, 0, 0, 1, NULL },
		{ 107, 1, 4, 3, 0, "100-110" },		/* 3 hits: 8 slots, 616-623; 4 left */
		{ 108, 0, 0, 0, 1, NULL }, { 109, 0, 0, 0, 1, NULL }, { 110, 0, 0, 0, 1, NULL },
		{ 111, 1, 8, 7, 0, "100-118" },
		{ 112, 0, 0, 0, 1, NULL }, { 113, 0, 0, 0, 1, NULL }, { 114, 0, 0, 0, 1, NULL },
		{ 115, 0, 0, 0, 1, NULL }, { 116, 0, 0, 0, 1, NULL }, { 117, 0, 0, 0, 1, NULL },
		{ 118, 0, 0, 0, 1, "100-118" },
		{ 119, 1, 8, 7, 0, "100-126" },		/* 7 hits: 8 at most */
		{ 120, 0, 0, 0, 1, "100-126" },
		{ 300, 1, 4, 3, 0, "100-126 299-302" },	/* 1 hit: 4; the last miss stays 614 */
		{ 250, 1, 2, 1, 0, "100-126 249-250 299-302" },	/* 1, but half the last: 2 */
		{ 200, 1, 1, 0, 0, "100-126 200-200 249-250 299-302" },
		{ 201, 1, 2, 1, 0, "100-126 200-202 249-250 299-302" },
		{ 202, 0, 0, 0, 1, NULL },
		{ 150, 1, 4, 3, 0, "100-126 147-150 200-202 249-250 299-302" },
	};

	pageout(w, 0, 511);
	pageout(a, 0, 511);
	empty_swap_cache();
	cr_assert_eq(global_node_page_state(m, NR_SWAPCACHED), 0);
	warm_up(w);
	fault_rows(a, 512, seq, sizeof(seq) / sizeof(seq[0]));
	/* the pages a fault took back left their slots; the rest wait in the swap cache */
	cr_assert_eq(usage(1, a).swap, (512 - 27) * PAGE);
	/* 121-126 147-149 249 299 301 302, and the warm-up's (7 + 3 + 1 here) */
	cr_assert_eq(global_node_page_state(m, NR_SWAPCACHED), 13 + 11);
}

/*
 * The host's second run: shmem region 1 and anonymous region 2 paged out
 * in turns, 32 pages at a time (1: slots 513-544 and 577-608, 2: 545-576
 * and 609-640), region 3 all zeros but for pages 8-11 (641-704).
 */
Test(shmem_swap, windows_cross_other_slots_as_on_the_host)
{
	struct task *t = find_task_by_pid(m, 1);
	uint64_t w = shared_region(0, 512, 1), a = shared_region(1, 64, 1);
	uint64_t anon = region(2, 64, 0, 1), z = shared_region(3, 64, 0);
	int64_t ra, hit, in, zin, maj;

	mem_write(1, z + 8 * PAGE, "z8");
	mem_write(1, z + 9 * PAGE, "z9");
	mem_write(1, z + 10 * PAGE, "z10");
	mem_write(1, z + 11 * PAGE, "z11");
	pageout(w, 0, 511);
	pageout(a, 0, 31);
	call(1, (struct mm_call){ .verb = MMV_MADVISE, .addr = anon, .len = 32 * PAGE,
		.advice = MM_MADV_PAGEOUT });
	pageout(a, 32, 63);
	call(1, (struct mm_call){ .verb = MMV_MADVISE, .addr = anon + 32 * PAGE, .len = 32 * PAGE,
		.advice = MM_MADV_PAGEOUT });
	pageout(z, 0, 63);
	empty_swap_cache();
	warm_up(w);

	/* a shmem miss at 20 reads it alone; anonymous faults use their VMA's window */
	maj = (int64_t)t->maj_flt;
	in = m->vm_events[PSWPIN];
	touch(1, a + 20 * PAGE, PAGE, 0);
	touch(1, anon + 21 * PAGE, 3 * PAGE, 0);
	cr_assert_eq(m->vm_events[PSWPIN] - in, 1 + 8);
	touch(1, a + 50 * PAGE, PAGE, 0);
	expect_incore(a, 64, "20-20 50-50");
	cr_assert_eq((int64_t)t->maj_flt - maj, 3);

	/* zero pages: swpin_zero; a window of 2 over a zero slot and a data slot */
	zin = m->vm_events[SWPIN_ZERO];
	in = m->vm_events[PSWPIN];
	ra = m->vm_events[SWAP_RA];
	touch(1, z + 5 * PAGE, 3 * PAGE, 0);	/* 646; 647 next to it; 648 next: 648-649 */
	cr_assert_eq(m->vm_events[SWPIN_ZERO] - zin, 3);
	cr_assert_eq(m->vm_events[PSWPIN] - in, 1);
	cr_assert_eq(m->vm_events[SWAP_RA] - ra, 1);
	expect_incore(z, 64, "5-8");
	touch(1, z + 9 * PAGE, PAGE, 0);	/* 650: the last miss was 648, no hits: 1 */
	cr_assert_eq(m->vm_events[PSWPIN] - in, 2);
	expect_incore(z, 64, "5-9");

	/* a store takes the page back the same way: 538 alone, then 536-537 */
	in = m->vm_events[PSWPIN];
	touch(1, a + 25 * PAGE, PAGE, 1);
	touch(1, a + 24 * PAGE, PAGE, 1);
	cr_assert_eq(m->vm_events[PSWPIN] - in, 3);
	expect_incore(a, 64, "20-20 23-25 50-50");

	/* MADV_WILLNEED: read, no fault, no mark: later faults are minor but no hits */
	maj = (int64_t)t->maj_flt;
	in = m->vm_events[PSWPIN];
	hit = m->vm_events[SWAP_RA_HIT];
	call(1, (struct mm_call){ .verb = MMV_MADVISE, .addr = a + 2 * PAGE, .len = 4 * PAGE,
		.advice = MM_MADV_WILLNEED });
	cr_assert_eq(m->vm_events[PSWPIN] - in, 4);
	expect_incore(a, 64, "2-5 20-20 23-25 50-50");
	touch(1, a + 3 * PAGE, 2 * PAGE, 0);
	cr_assert_eq((int64_t)t->maj_flt - maj, 0);
	cr_assert_eq(m->vm_events[SWAP_RA_HIT] - hit, 0);

	/* page-cluster 0: one page each, and the state is left alone */
	m->tun.page_cluster = 0;
	in = m->vm_events[PSWPIN];
	touch(1, a + 10 * PAGE, 4 * PAGE, 0);
	cr_assert_eq(m->vm_events[PSWPIN] - in, 4);
	cr_assert_eq(m->swapin_prev_offset, 537);
	m->tun.page_cluster = 3;
	touch(1, a + 40 * PAGE, PAGE, 0);
	cr_assert_eq(m->vm_events[PSWPIN] - in, 5);
	expect_incore(a, 64, "2-5 10-13 20-20 23-25 40-40 50-50");
	mem_expect(1, z + 8 * PAGE, "z8");	/* read ahead with page 7 */
}

/*
 * A window over another process's slots: its page waits in the swap cache
 * unmapped, and the fault that takes it is minor and a readahead hit (to
 * that VMA's state, not the machine's). Then a readahead page reclaimed
 * again leaves a shadow: a fault on it reads it, a refault.
 */
Test(shmem_swap, readahead_of_anonymous_slots_and_reclaim)
{
	struct task *t = find_task_by_pid(m, 1);
	uint64_t a = shared_region(0, 8, 1), anon = region(2, 8, 0, 0);
	int64_t maj, hit;

	mem_write(1, anon + 3 * PAGE, "anon3");
	pageout(a, 0, 7);				/* slots 1-8 */
	call(1, (struct mm_call){ .verb = MMV_MADVISE, .addr = anon, .len = 8 * PAGE,
		.advice = MM_MADV_PAGEOUT });		/* slots 9-16 */
	empty_swap_cache();
	m->swapin_readahead_hits = 6;			/* a window of 8: slots 8-15 */
	touch(1, a + 7 * PAGE, PAGE, 0);
	cr_assert_eq(m->vm_events[SWAP_RA], 7);
	cr_assert_eq(global_node_page_state(m, NR_SWAPCACHED), 7);
	maj = (int64_t)t->maj_flt;
	hit = m->vm_events[SWAP_RA_HIT];
	touch(1, anon + 3 * PAGE, PAGE, 0);		/* slot 12 */
	cr_assert_eq((int64_t)t->maj_flt, maj);
	cr_assert_eq(m->vm_events[SWAP_RA_HIT] - hit, 1);
	cr_assert_eq(m->swapin_readahead_hits, 0, "the VMA's hit, not cluster readahead's");
	mem_expect(1, anon + 3 * PAGE, "anon3");

	/* the readahead pages are clean copies: reclaim drops them, a fault reads again */
	empty_swap_cache();
	maj = (int64_t)t->maj_flt;
	touch(1, anon + 5 * PAGE, PAGE, 0);
	cr_assert_eq((int64_t)t->maj_flt - maj, 1);
	cr_assert_geq(global_node_page_state(m, WORKINGSET_REFAULT_ANON), 1);
}

/* swapoff brings shmem pages back one by one: no readahead, no fault. */
Test(shmem_swap, swapoff_reads_without_readahead)
{
	char why[128];
	uint64_t a = shared_region(0, 64, 1);

	pageout(a, 0, 63);
	empty_swap_cache();
	cr_assert_eq(mm_swapoff(m, "/swapfile", why, sizeof(why)), 0, "%s", why);
	check_ok();
	cr_assert_eq(m->vm_events[PSWPIN], 64);
	cr_assert_eq(m->vm_events[SWAP_RA], 0);
	cr_assert_eq(find_task_by_pid(m, 1)->maj_flt, 0);
	cr_assert_eq(usage(1, a).swap, 0);
	mem_expect(1, a + 63 * PAGE, "sh63");
}

/* mm_check's report holds every one of the lines given (parts of them), and no others. */
static void check_reports(int lines, const char *a, const char *b)
{
	int nbad = 0;
	char *r = mm_check(m, &nbad);
	int found = strstr(r, a) && (!b || strstr(r, b));

	free(r);
	cr_assert(found && nbad == lines, "%d lines; wanted '%s' and '%s'", nbad, a, b ? b : "");
}

/* check sees a shmem page also marked as read ahead, a bad window, a cached page in two caches. */
Test(shmem_swap, check_reports_broken_shmem_swap_state)
{
	uint64_t a = shared_region(0, 8, 1);
	struct file_ref *obj = vma_lookup(find_task_by_pid(m, 1)->mm, a)->vm_file;
	struct page *page;

	machine_lock(m);
	page = filemap_find_page(obj, 2);
	SetPageFlag(page, PG_readahead);
	m->swapin_last_ra_pages = 3;
	machine_unlock(m);
	check_reports(2, "page 2 is marked as read ahead", "last window, 3 pages, is no power of two");
	machine_lock(m);
	ClearPageFlag(page, PG_readahead);
	m->swapin_last_ra_pages = 1;
	machine_unlock(m);
	check_ok();

	pageout(a, 0, 0);	/* data: the page waits in the swap cache, slot 1 */
	machine_lock(m);
	page = swap_cache_get(m, swp_entry(0, 1));
	page->mapping = obj;
	machine_unlock(m);
	check_reports(1, "swap 0 slot 1: pfn", "is in a page cache too");
	page->mapping = NULL;
	check_ok();
}
