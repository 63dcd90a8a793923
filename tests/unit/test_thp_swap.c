/* SPDX-License-Identifier: MIT */
/*
 * Anonymous THPs under reclaim (mm/vmscan.c, huge_split.c, swapfile.c,
 * swap_state.c, memory_swap.c, madvise_cold.c, swapoff.c), with the
 * counts the host showed (doc/reclaim.md, "Transparent huge pages"): a
 * whole cluster and thp_swpout on a block device, a split and
 * thp_swpout_fallback on a swap file or with no free cluster, zeros as
 * zeromap bits, a cached THP mapped back whole, a partly mapped THP split
 * first. mm_check, which checks every THP's references and swap-cache
 * state, runs after every call.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "leakcheck.h"
#include "../../mm/internal.h"
#include "../../mm/huge_memory.h"
#include "../../mm/hugetlb.h"
#include "../../mm/memory.h"
#include "../../mm/pgtable.h"
#include "../../mm/rmap.h"
#include "../../mm/swap.h"
#include "../../mm/task.h"
#include "../../mm/vmscan.h"
#include "../../mm/vmstat.h"

static struct machine *m;

#include "mmtest.h"
#include "swaptest.h"

#define K 4096ULL
#define MB (1ULL << 20)

static void boot(uint64_t ram, uint64_t swap, const char *path)
{
	struct mm_config cfg = { .ram_bytes = ram, .nr_nodes = 1, .swap_bytes = swap,
				 .swap_path = path };

	m = mm_boot(&cfg, NULL, 0);
	cr_assert(m);
}

static void setup(void)
{
	boot(256 * MB, 64 * MB, "/dev/sdb2");	/* a block device: THPs go whole */
}

static void teardown(void)
{
	mm_shutdown(m);
	leak_check();
}

TestSuite(thp_swap, .init = setup, .fini = teardown);

/* n THPs of pid, 2 MiB-aligned, faulted in; with data (a stamp in every page) or zeros. */
static uint64_t map_thps(int pid, unsigned n, int data)
{
	uint64_t a = map_anon(pid, n * 2 * MB, 0);

	cr_assert_eq(a & (2 * MB - 1), 0);
	madvise(pid, a, n * 2 * MB, MM_MADV_HUGEPAGE);
	for (uint64_t h = a; h < a + n * 2 * MB; h += 2 * MB) {
		touch(pid, h, 2 * MB, 1);
		for (uint64_t p = 0; data && p < 512; p++)
			mem_write(pid, h + p * K, "stamp");
	}
	return a;
}

/* pageout of a THP of data: one cluster of 512 slots, written as one (§6, the host's thp_data). */
Test(thp_swap, pageout_writes_a_thp_whole_to_one_cluster)
{
	uint64_t a = map_thps(1, 2, 1);
	struct mm_vma_usage u;

	cr_assert_eq(ev(THP_FAULT_ALLOC), 2);
	madvise(1, a, 4 * MB, MM_MADV_PAGEOUT);
	cr_assert_eq(ev(THP_SWPOUT), 2);
	cr_assert_eq(ev(THP_SPLIT_PMD), 2);
	cr_assert_eq(ev(PSWPOUT), 1024);
	cr_assert_eq(ev(THP_SWPOUT_FALLBACK) + ev(THP_SPLIT_PAGE) + ev(THP_DEFERRED_SPLIT_PAGE), 0);
	for (uint64_t p = 0; p < 1024; p++)	/* clusters 1 and 2: the header's is not free */
		cr_assert_eq(swap_offset(1, a + p * K), 512 + p, "page %llu", (unsigned long long)p);
	cr_assert_eq(swap_used_kb(), 4096);
	cr_assert_eq(node_pages(NR_SWAPCACHED), 1024, "written, still cached (c4)");
	cr_assert_eq(ev(PGROTATED), 1024, "their writes ended: to the inactive tail, 512 each");
	cr_assert_eq(node_pages(NR_ANON_TRANSPARENT_HUGEPAGES), 0);
	u = usage(1, a);
	cr_assert_eq(u.rss, 0);
	cr_assert_eq(u.swap, 4 * MB);

	/* a read fault on a cached THP maps all of it with PTEs: minor */
	touch(1, a + 5 * K, K, 0);
	cr_assert_eq(find_task_by_pid(m, 1)->maj_flt, 0);
	u = usage(1, a);
	cr_assert_eq(u.rss, 2 * MB);
	cr_assert_eq(u.anon_thp, 0);
	cr_assert_eq(u.swap, 2 * MB);
	cr_assert_eq(swap_used_kb(), 4096, "a read fault keeps the slots");
	mem_expect(1, a + 5 * K, "stamp");
	cr_assert_eq(ev(PSWPIN), 0);
}

/* A THP of zeros: zeromap bits only, no thp_swpout, out of the swap cache at once. */
Test(thp_swap, a_thp_of_zeros_goes_to_the_zeromap)
{
	uint64_t a = map_thps(1, 1, 0);

	madvise(1, a, 2 * MB, MM_MADV_PAGEOUT);
	cr_assert_eq(ev(SWPOUT_ZERO), 512);
	cr_assert_eq(ev(PSWPOUT) + ev(THP_SWPOUT) + ev(THP_SWPOUT_FALLBACK), 0);
	cr_assert_eq(ev(THP_SPLIT_PMD), 1);
	cr_assert_eq(node_pages(NR_SWAPCACHED), 0);
	cr_assert_eq(swap_used_kb(), 2048);
	cr_assert_eq(swap_offset(1, a), 512);
	m->tun.page_cluster = 0;
	touch(1, a, K, 0);	/* single pages from the device: a major fault */
	cr_assert_eq(find_task_by_pid(m, 1)->maj_flt, 1);
	cr_assert_eq(ev(SWPIN_ZERO), 1);
}

/*
 * A swap file gives no large entries (SWP_BLKDEV only): the THP is split,
 * its pages of zeros map the zero page and go without a slot, the one
 * with data goes alone.
 */
Test(thp_swap, a_swap_file_splits_the_thp, .init = NULL)
{
	uint64_t a;
	struct mm_vma_usage u;

	boot(256 * MB, 64 * MB, NULL);	/* /swapfile */
	a = map_thps(1, 1, 0);
	mem_write(1, a + 7 * K, "data");
	madvise(1, a, 2 * MB, MM_MADV_PAGEOUT);
	cr_assert_eq(ev(THP_SWPOUT_FALLBACK), 1);
	cr_assert_eq(ev(THP_SPLIT_PAGE), 1);
	cr_assert_eq(ev(THP_SWPOUT), 0);
	cr_assert_eq(ev(PSWPOUT), 1);
	cr_assert_eq(ev(SWPOUT_ZERO), 0);
	cr_assert_eq(swap_offset(1, a + 7 * K), 1);
	cr_assert_eq(swap_used_kb(), 4);
	u = usage(1, a);
	cr_assert_eq(u.rss, 0, "the zero page is not in Rss");
	cr_assert_eq(u.swap, K);
	mem_expect(1, a + 7 * K, "data");
}

/* No free cluster on the device: split, the head first, then from the last page down. */
Test(thp_swap, no_free_cluster_splits_the_thp, .init = NULL)
{
	uint64_t a;

	boot(256 * MB, 4 * MB, "/dev/sdb2");	/* clusters 0 (511 slots) and 1 */
	a = map_thps(1, 2, 1);
	madvise(1, a, 4 * MB, MM_MADV_PAGEOUT);
	cr_assert_eq(ev(THP_SWPOUT), 1);
	cr_assert_eq(ev(THP_SWPOUT_FALLBACK), 1);
	cr_assert_eq(ev(THP_SPLIT_PAGE), 1);
	cr_assert_eq(ev(PSWPOUT), 512 + 511);
	cr_assert_eq(swap_offset(1, a), 512);
	cr_assert_eq(swap_offset(1, a + 2 * MB), 1, "the head");
	cr_assert_eq(swap_offset(1, a + 4 * MB - K), 2, "then the last page");
	cr_assert_eq(swap_offset(1, a + 2 * MB + K), 0, "no slot left for the first tail");
	cr_assert_eq(usage(1, a).rss, K);
}

/*
 * Reclaim meets a THP that munmap left partly mapped: split first, its
 * mapped pages go one by one, its unmapped ones without I/O.
 */
Test(thp_swap, reclaim_splits_a_partly_mapped_thp_first)
{
	uint64_t a = map_thps(1, 1, 1), got;
	struct page *head;
	pte_t *pte;
	LIST_HEAD(batch);

	call(1, (struct mm_call){ .verb = MMV_MUNMAP, .addr = a + 1 * MB, .len = 1 * MB });
	cr_assert_eq(ev(THP_SPLIT_PMD), 1);
	cr_assert_eq(ev(THP_DEFERRED_SPLIT_PAGE), 1);
	machine_lock(m);
	pte = pte_lookup(m, find_task_by_pid(m, 1)->mm, a, 0, NULL);
	head = pfn_to_page(m, pte_pfn(*pte));
	got = isolate_folio(m, head, &batch);
	cr_assert_eq(got, 512);
	got = reclaim_pages(m, &batch);	/* what kswapd's shrink_folio_list does with it */
	machine_unlock(m);
	cr_assert_eq(got, 0, "got %llu: written, they wait in the swap cache", (unsigned long long)got);
	check_ok();
	cr_assert_eq(ev(THP_SPLIT_PAGE), 1);
	cr_assert_eq(ev(THP_SWPOUT) + ev(THP_SWPOUT_FALLBACK), 0);
	cr_assert_eq(ev(PSWPOUT), 256, "the mapped half only");
	cr_assert_eq(swap_used_kb(), 1024);
	cr_assert_eq(swap_offset(1, a), 1);
	cr_assert_eq(swap_offset(1, a + MB - K), 2, "from the last page down");
}

/* kswapd, under pressure from THPs: they go whole, and come back page by page. */
Test(thp_swap, kswapd_swaps_thps_out_whole, .init = NULL)
{
	uint64_t a;

	boot(64 * MB, 256 * MB, "/dev/sdb2");
	a = map_thps(1, 32, 1);	/* 64 MiB of data in a 64 MiB machine */
	cr_assert_gt(ev(THP_FAULT_ALLOC), 16);
	cr_assert_gt(ev(THP_SWPOUT), 0);
	cr_assert_eq(ev(THP_SWPOUT_FALLBACK), 0);
	cr_assert_eq(ev(PSWPOUT) % 512, 0, "THPs only, whole");
	cr_assert_gt(ev(PGSTEAL_KSWAPD) + ev(PGSTEAL_DIRECT), 0);
	cr_assert_eq(ev(PGSTEAL_ANON), ev(PGSTEAL_KSWAPD) + ev(PGSTEAL_DIRECT));
	mem_expect(1, a, "stamp");
	mem_expect(1, a + 64 * MB - K, "stamp");
}

/* swapoff takes a cached THP back page by page; it leaves the cache with its last slot. */
Test(thp_swap, swapoff_brings_a_cached_thp_back)
{
	char why[128];
	uint64_t a = map_thps(1, 1, 1);

	madvise(1, a, 2 * MB, MM_MADV_PAGEOUT);
	cr_assert_eq(node_pages(NR_SWAPCACHED), 512);
	cr_assert_eq(mm_swapoff(m, "/dev/sdb2", why, sizeof(why)), 0, "%s", why);
	check_ok();
	cr_assert_eq(node_pages(NR_SWAPCACHED), 0);
	cr_assert_eq(usage(1, a).rss, 2 * MB);
	cr_assert_eq(ev(PSWPIN), 0, "all of it was in the cache");
	mem_expect(1, a + 100 * K, "stamp");
}

/* MADV_COLD over a whole THP deactivates it whole; over part of it, splits it. */
Test(thp_swap, cold_deactivates_whole_or_splits)
{
	uint64_t a = map_thps(1, 1, 0);
	struct page *head;

	machine_lock(m);
	head = pfn_to_page(m, pte_pfn(*pmd_lookup(m, find_task_by_pid(m, 1)->mm, a, 0, NULL)));
	lru_del(m, head);
	lru_add(m, head, LRU_ACTIVE_ANON);
	machine_unlock(m);
	madvise(1, a, 2 * MB, MM_MADV_COLD);
	cr_assert_eq(ev(PGDEACTIVATE), 512);
	cr_assert_eq(ev(THP_SPLIT_PAGE), 0);
	cr_assert_eq(usage(1, a).anon_thp, 2 * MB);
	madvise(1, a + 4 * K, 8 * K, MM_MADV_COLD);
	cr_assert_eq(ev(THP_SPLIT_PMD), 1);
	cr_assert_eq(ev(THP_SPLIT_PAGE), 1);
	cr_assert_eq(usage(1, a).rss, 0, "its pages of zeros map the zero page now");
}

/* A THP mapped back from the swap cache and unmapped: the folio and its slots go. */
Test(thp_swap, munmap_of_a_thp_mapped_from_the_cache_frees_its_slots)
{
	uint64_t a = map_thps(1, 1, 1);

	madvise(1, a, 2 * MB, MM_MADV_PAGEOUT);
	touch(1, a, K, 0);
	cr_assert_eq(usage(1, a).rss, 2 * MB);
	call(1, (struct mm_call){ .verb = MMV_MUNMAP, .addr = a, .len = 1 * MB });
	cr_assert_eq(swap_used_kb(), 2048, "half of it still mapped");
	call(1, (struct mm_call){ .verb = MMV_MUNMAP, .addr = a + 1 * MB, .len = 1 * MB });
	cr_assert_eq(swap_used_kb(), 0);
	cr_assert_eq(node_pages(NR_SWAPCACHED), 0);
	cr_assert_eq(node_pages(NR_ANON_PAGES), 0);
}

/* After fork both map the THP: pageout leaves it alone (folio_maybe_mapped_shared). */
Test(thp_swap, pageout_leaves_a_shared_thp_alone)
{
	uint64_t a = map_thps(1, 1, 1);
	int child = fork_of(1);

	madvise(1, a, 2 * MB, MM_MADV_PAGEOUT);
	cr_assert_eq(ev(THP_SWPOUT) + ev(THP_SPLIT_PAGE) + ev(PSWPOUT), 0);
	kill_pid(child);
	madvise(1, a, 2 * MB, MM_MADV_PAGEOUT);
	cr_assert_eq(ev(THP_SWPOUT), 1);
}

/* check reports a THP whose references, or whose cluster, are wrong. */
Test(thp_swap, check_reports_broken_thp_state)
{
	uint64_t a = map_thps(1, 1, 1);
	struct page *head;
	int nbad = 0;
	char *r;

	madvise(1, a, 2 * MB, MM_MADV_PAGEOUT);
	touch(1, a, K, 0);
	machine_lock(m);
	head = pfn_to_page(m, pte_pfn(*pte_lookup(m, find_task_by_pid(m, 1)->mm, a, 0, NULL)));
	(*folio_refs(head))++;
	m->swap_info[0]->clusters[1].order = 0;
	machine_unlock(m);
	r = mm_check(m, &nbad);
	cr_assert_eq(nbad, 2, "%s", r);
	cr_assert(strstr(r, "folio_refs 1025, its pages hold 1024"), "%s", r);
	cr_assert(strstr(r, "are not a THP's cluster"), "%s", r);
	free(r);
	machine_lock(m);
	(*folio_refs(head))--;
	m->swap_info[0]->clusters[1].order = HPAGE_PMD_ORDER;
	machine_unlock(m);
}

/* Every VMA of pid: smaps' Rss no larger than the VMA. */
static void rss_fits_vmas(int pid, const char *when)
{
	struct mm_task_snap *t = mm_snap_task(m, pid, 2);

	cr_assert(t);
	for (size_t i = 0; i < t->nr_vmas; i++)
		cr_assert_leq(t->vmas[i].u.rss, t->vmas[i].end - t->vmas[i].start,
			      "%s: VMA %#llx-%#llx: Rss %llu", when, (unsigned long long)t->vmas[i].start,
			      (unsigned long long)t->vmas[i].end,
			      (unsigned long long)t->vmas[i].u.rss);
	free(t);
}

/*
 * fuzz_model's crashes/fuzz_model/thp-pmd-across-a-vma-split: THPs, one
 * cut by a munmap and partly paged out to a block device, another whose
 * VMA MADV_RANDOM splits, then swapoff; smaps must stay within each VMA
 * (test_huge has the split alone).
 */
Test(thp_swap, swapoff_of_a_thp_whose_range_lost_a_hole)
{
	uint64_t a = 0x200000000ULL;
	char why[128];

	cr_assert_eq(mm_swapon(m, "/dev/swap2", 16 * MB, 10, why, sizeof(why)), 0, "%s", why);
	call(1, (struct mm_call){ .verb = MMV_MMAP, .addr = a, .len = 8 * MB, .fd = -1,
				  .prot = MM_PROT_READ | MM_PROT_WRITE,
				  .flags = MM_MAP_PRIVATE | MM_MAP_ANONYMOUS | MM_MAP_FIXED });
	madvise(1, a, 8 * MB, MM_MADV_HUGEPAGE);
	touch(1, a, 8 * MB, 1);
	mem_write(1, a + 2 * MB, "stamp");
	madvise(1, a, 0x13000, MM_MADV_NORMAL);
	touch(1, a + 0x4000, 0x2000, 0);
	touch(1, a + 0x208000, 0x1000, 0);
	call(1, (struct mm_call){ .verb = MMV_MUNMAP, .addr = a + 0x44c000, .len = 0x11000 });
	rss_fits_vmas(1, "after the munmap");
	madvise(1, a + 0x400000, 0x6000, MM_MADV_PAGEOUT);
	rss_fits_vmas(1, "after the pageout");
	madvise(1, a + 0x640000, 0x8000, MM_MADV_RANDOM);
	rss_fits_vmas(1, "after madvise random");
	cr_assert_eq(mm_swapoff(m, "/dev/swap2", why, sizeof(why)), 0, "%s", why);
	check_ok();
	rss_fits_vmas(1, "after the swapoff");
}
