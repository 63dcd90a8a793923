/* SPDX-License-Identifier: MIT */
/*
 * Swap-out and swap-in (mm/swapfile.c, swap_state.c, memory_swap.c,
 * vmscan.c) through MADV_PAGEOUT, which reclaims exactly the pages it is
 * given, so every expectation is exact: slot numbers, the counters of
 * reclaim.md §6-§9, the VMA readahead windows measured on the host
 * (§8.3), and what smaps, pagemap and mincore show. mm_check, which
 * checks swap_map against the swap PTEs and the swap cache, runs after
 * every call.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "leakcheck.h"
#include "../../mm/internal.h"
#include "../../mm/memory.h"
#include "../../mm/pagemap.h"
#include "../../mm/pgtable.h"
#include "../../mm/swap.h"
#include "../../mm/task.h"
#include "../../mm/vmstat.h"

static struct machine *m;

#include "mmtest.h"
#include "swaptest.h"

#define K 4096ULL
#define M (1024 * 1024ULL)

static void boot(uint64_t ram, uint64_t swap)
{
	struct mm_config cfg = { .ram_bytes = ram, .nr_nodes = 1, .swap_bytes = swap };

	m = mm_boot(&cfg, NULL, 0);
	cr_assert(m);
}

static void setup(void)
{
	boot(256 * M, 64 * M);
}

static void teardown(void)
{
	mm_shutdown(m);
	leak_check();
}

TestSuite(swap, .init = setup, .fini = teardown);

static char *mincore_of(int pid, uint64_t addr, uint64_t len)
{
	char why[128], *v;

	cr_assert_eq(mincore_s(m, pid, addr, len, &v, why, sizeof(why)), 0, "%s", why);
	return v;
}

/* Slots go out 1, 2, 3 ... on a fresh device; slot 0 is the header. */
Test(swap, slots_are_handed_out_from_one_up)
{
	uint64_t a = map_anon(1, 8 * K, 0);

	touch(1, a, 8 * K, 1);
	madvise(1, a, 8 * K, MM_MADV_PAGEOUT);
	for (int i = 0; i < 8; i++)
		cr_assert_eq(swap_offset(1, a + i * K), (uint64_t)i + 1, "page %d", i);
	cr_assert_eq(swap_used_kb(), 32);
	cr_assert_eq(find_task_by_pid(m, 1)->mm->rss[MM_SWAPENTS], 8);
}

/*
 * touch w leaves pages of zeros: they go out as swpout_zero and the device
 * stores nothing; a page written through proc/PID/mem holds data: pswpout,
 * and it stays in the swap cache once written (§6.2, c4: SwapCached), so
 * reading it back is a cache hit. MADV_PAGEOUT does not scan: no
 * pgscan/pgsteal (reclaim.md §12).
 */
Test(swap, zero_pages_and_data_pages_are_counted_apart)
{
	uint64_t a = map_anon(1, 4 * K, 0);

	touch(1, a, 4 * K, 1);
	mem_write(1, a + K, "data");
	madvise(1, a, 4 * K, MM_MADV_PAGEOUT);
	cr_assert_eq(ev(SWPOUT_ZERO), 3);
	cr_assert_eq(ev(PSWPOUT), 1);
	cr_assert_eq(ev(PGSCAN_DIRECT) + ev(PGSCAN_KSWAPD) + ev(PGSTEAL_DIRECT) + ev(PGSTEAL_KSWAPD), 0);
	cr_assert_eq(node_pages(NR_ANON_PAGES), 0);
	cr_assert_eq(node_pages(NR_SWAPCACHED), 1);
	cr_assert_eq(ev(PGROTATED), 1, "its write ended: rotated to the inactive tail");
	mem_expect(1, a + K, "data");
	cr_assert_eq(ev(PSWPIN), 0);
	cr_assert_eq(find_task_by_pid(m, 1)->maj_flt, 0);
}

/* §8.2: a read fault keeps the slot and the swap-cache copy; a write frees it. */
Test(swap, read_fault_keeps_the_slot_write_fault_frees_it)
{
	struct task *t = find_task_by_pid(m, 1);
	uint64_t a = map_anon(1, 2 * K, 0);
	struct mm_vma_usage u;

	touch(1, a, 2 * K, 1);
	madvise(1, a, 2 * K, MM_MADV_PAGEOUT);
	u = usage(1, a);
	cr_assert_eq(u.rss, 0);
	cr_assert_eq(u.swap, 2 * K);
	cr_assert_eq(u.swap_pss, (2 * K) << MM_PSS_SHIFT);

	m->tun.page_cluster = 0;
	touch(1, a, K, 0);
	cr_assert_eq(t->maj_flt, 1, "majflt %llu", (unsigned long long)t->maj_flt);
	cr_assert_eq(ev(PGMAJFAULT), 1);
	cr_assert_eq(ev(SWPIN_ZERO), 1);
	cr_assert_eq(node_pages(NR_SWAPCACHED), 1);
	cr_assert_eq(swap_used_kb(), 8);
	u = usage(1, a);
	cr_assert_eq(u.rss, K);
	cr_assert_eq(u.private_clean, K);
	cr_assert_eq(u.swap, K);

	touch(1, a + K, K, 1);
	cr_assert_eq(t->maj_flt, 2);
	cr_assert_eq(swap_used_kb(), 4);
	cr_assert_eq(node_pages(NR_SWAPCACHED), 1);
	u = usage(1, a);
	cr_assert_eq(u.private_dirty, K);
	cr_assert_eq(u.swap, 0);

	/* paged out again: the clean copy needs no write, the slot is still there */
	madvise(1, a, K, MM_MADV_PAGEOUT);
	cr_assert_eq(ev(SWPOUT_ZERO), 2, "nothing written again");
	cr_assert_eq(node_pages(NR_SWAPCACHED), 0);
	cr_assert_eq(swap_offset(1, a), 1);
}

/* munmap, DONTNEED and exit free the slots of the swap entries they clear. */
Test(swap, unmap_dontneed_and_exit_free_slots)
{
	uint64_t a = map_anon(1, 16 * K, 0);
	int child;

	touch(1, a, 16 * K, 1);
	madvise(1, a, 16 * K, MM_MADV_PAGEOUT);
	cr_assert_eq(swap_used_kb(), 64);
	madvise(1, a, 4 * K, MM_MADV_DONTNEED);
	cr_assert_eq(swap_used_kb(), 48);
	call(1, (struct mm_call){ .verb = MMV_MUNMAP, .addr = a + 4 * K, .len = 4 * K });
	cr_assert_eq(swap_used_kb(), 32);
	child = fork_of(1);
	cr_assert_eq(swap_used_kb(), 32);
	call(1, (struct mm_call){ .verb = MMV_MUNMAP, .addr = a + 8 * K, .len = 8 * K });
	cr_assert_eq(swap_used_kb(), 32, "the child still refers to them");
	kill_pid(child);
	cr_assert_eq(swap_used_kb(), 0);
	cr_assert_eq(nr_swap_pages(m), total_swap_pages(m));
}

/* §9.1: after fork both processes show the whole Swap and half the SwapPss. */
Test(swap, fork_shares_swap_entries)
{
	uint64_t a = map_anon(1, 8 * K, 0);
	struct mm_vma_usage p, c;
	int child;

	touch(1, a, 8 * K, 1);
	madvise(1, a, 8 * K, MM_MADV_PAGEOUT);
	child = fork_of(1);
	p = usage(1, a);
	c = usage(child, a);
	cr_assert_eq(p.swap, 8 * K);
	cr_assert_eq(c.swap, 8 * K);
	cr_assert_eq(p.swap_pss, (4 * K) << MM_PSS_SHIFT);
	cr_assert_eq(c.swap_pss, (4 * K) << MM_PSS_SHIFT);
	cr_assert_eq(find_task_by_pid(m, child)->mm->rss[MM_SWAPENTS], 8);
	/* the child's write fault gets its own page: the slot keeps the parent's reference */
	touch(child, a, K, 1);
	cr_assert_eq(usage(child, a).swap, 7 * K);
	cr_assert_eq(usage(1, a).swap_pss, (K << MM_PSS_SHIFT) + ((7 * K) << MM_PSS_SHIFT) / 2);
	cr_assert_eq(swap_used_kb(), 32);
}

/*
 * §8.3, measured on the host (reclaim-c3-vma-readahead-ssd.txt): a fresh
 * 1 MiB region entirely swapped, page-cluster 3, read faults in this
 * order bring exactly these windows into the swap cache.
 */
Test(swap, vma_readahead_windows_match_the_host)
{
	static const struct {
		int page, major, first, last;	/* a major fault reads [first, last] */
	} step[] = {
		{ 100, 1, 97, 104 }, { 101, 0, 0, 0 }, { 102, 0, 0, 0 }, { 103, 0, 0, 0 }, { 104, 0, 0, 0 },
		{ 105, 1, 105, 112 }, { 106, 0, 0, 0 }, { 107, 0, 0, 0 }, { 108, 0, 0, 0 }, { 109, 0, 0, 0 },
		{ 110, 0, 0, 0 }, { 111, 0, 0, 0 }, { 112, 0, 0, 0 },
		{ 140, 1, 137, 144 }, { 139, 0, 0, 0 }, { 138, 0, 0, 0 }, { 137, 0, 0, 0 },
		{ 136, 1, 129, 136 },
		{ 200, 1, 199, 202 },
	};
	struct task *t = find_task_by_pid(m, 1);
	uint64_t a = map_anon(1, M, 0);
	char want[257];
	int64_t ra = 0, hits = 0;

	touch(1, a, M, 1);
	madvise(1, a, M, MM_MADV_PAGEOUT);
	memset(want, '0', 256);
	want[256] = '\0';
	for (size_t i = 0; i < sizeof(step) / sizeof(step[0]); i++) {
		uint64_t maj = t->maj_flt;
		char *got;

		touch(1, a + step[i].page * K, K, 0);
		cr_assert_eq(t->maj_flt - maj, (uint64_t)step[i].major, "fault at page %d", step[i].page);
		if (step[i].major) {
			for (int p = step[i].first; p <= step[i].last; p++)
				want[p] = '1';
			ra += step[i].last - step[i].first;
		} else {
			hits++;
		}
		got = mincore_of(1, a, M);
		cr_assert_str_eq(got, want, "after the fault at page %d", step[i].page);
		free(got);
		cr_assert_eq(ev(SWAP_RA), ra, "swap_ra after page %d", step[i].page);
		cr_assert_eq(ev(SWAP_RA_HIT), hits, "swap_ra_hit after page %d", step[i].page);
	}
	cr_assert_eq(ev(PSWPIN) + ev(SWPIN_ZERO), ra + 5);
}

/* page-cluster 0 turns readahead off: every fault reads one page. */
Test(swap, page_cluster_zero_reads_one_page)
{
	struct task *t = find_task_by_pid(m, 1);
	uint64_t a = map_anon(1, 64 * K, 0);

	m->tun.page_cluster = 0;
	touch(1, a, 64 * K, 1);
	madvise(1, a, 64 * K, MM_MADV_PAGEOUT);
	touch(1, a, 64 * K, 0);
	cr_assert_eq(t->maj_flt, 64);
	cr_assert_eq(ev(SWAP_RA), 0);
	cr_assert_eq(ev(SWPIN_ZERO), 64);
}

/* §8.1: MADV_WILLNEED reads swapped pages into the swap cache without a fault. */
Test(swap, willneed_fills_the_swap_cache)
{
	struct task *t = find_task_by_pid(m, 1);
	uint64_t a = map_anon(1, 64 * K, 0);
	char *v;

	touch(1, a, 64 * K, 1);
	madvise(1, a, 64 * K, MM_MADV_PAGEOUT);
	madvise(1, a, 64 * K, MM_MADV_WILLNEED);
	cr_assert_eq(ev(SWPIN_ZERO), 64);
	cr_assert_eq(node_pages(NR_SWAPCACHED), 64);
	cr_assert_eq(usage(1, a).swap, 64 * K, "still swap entries");
	v = mincore_of(1, a, 64 * K);
	cr_assert_str_eq(v, "1111111111111111111111111111111111111111111111111111111111111111");
	free(v);
	touch(1, a, 64 * K, 0);
	cr_assert_eq(t->maj_flt, 0);
	cr_assert_eq(ev(SWAP_RA_HIT), 0, "not readahead pages");
}

/* §7: once swap is more than half full, a swap-in frees its slot. */
Test(swap, swap_in_frees_the_slot_when_swap_is_half_full)
{
	uint64_t pages = total_swap_pages(m), n = pages / 2 + 16;
	uint64_t a = map_anon(1, n * K, 0);

	m->tun.page_cluster = 0;
	touch(1, a, n * K, 1);
	madvise(1, a, n * K, MM_MADV_PAGEOUT);
	cr_assert(vm_swap_full(m));
	touch(1, a, K, 0);
	cr_assert_eq(node_pages(NR_SWAPCACHED), 0);
	cr_assert_eq(swap_used_kb(), (n - 1) * 4);
}

/* §10.2: clean MADV_FREE pages are discarded, not swapped. */
Test(swap, lazyfree_pages_are_dropped_not_swapped)
{
	uint64_t a = map_anon(1, 16 * K, 0);

	touch(1, a, 16 * K, 1);
	madvise(1, a, 16 * K, MM_MADV_FREE);
	madvise(1, a, 16 * K, MM_MADV_PAGEOUT);
	cr_assert_eq(ev(PGLAZYFREED), 16);
	cr_assert_eq(ev(SWPOUT_ZERO) + ev(PSWPOUT), 0);
	cr_assert_eq(swap_used_kb(), 0);
	cr_assert_eq(usage(1, a).rss, 0);
	cr_assert_eq(usage(1, a).swap, 0);
}

/*
 * §9.3: a page the swap cache holds reads SWAPCACHE and SWAPBACKED in
 * kpageflags; one readahead brought and nothing used yet also RECLAIM,
 * which is the PG_readahead bit in Linux.
 */
Test(swap, kpageflags_of_swap_cache_pages)
{
	uint64_t a = map_anon(1, 64 * K, 0), flags;
	struct page *page;
	swp_entry_t e;

	touch(1, a, 64 * K, 1);
	madvise(1, a, 64 * K, MM_MADV_PAGEOUT);
	touch(1, a + 8 * K, K, 0);	/* brings pages 5..12 with it */
	e = swp_entry(0, swap_offset(1, a + 9 * K));
	cr_assert_neq(e.val, 0);
	machine_lock(m);
	page = swap_cache_get(m, e);
	machine_unlock(m);
	cr_assert(page, "page 9 came in with the readahead window");
	cr_assert_eq(mm_kpageflags_read(m, page_to_pfn(m, page), &flags, 1), 1);
	cr_assert_eq(flags & (KPF(KPF_SWAPCACHE) | KPF(KPF_SWAPBACKED) | KPF(KPF_RECLAIM)),
		     KPF(KPF_SWAPCACHE) | KPF(KPF_SWAPBACKED) | KPF(KPF_RECLAIM), "flags %#llx",
		     (unsigned long long)flags);
	touch(1, a + 9 * K, K, 0);	/* a readahead hit uses it: the mark goes */
	cr_assert_eq(mm_kpageflags_read(m, page_to_pfn(m, page), &flags, 1), 1);
	cr_assert_eq(flags & KPF(KPF_RECLAIM), 0, "flags %#llx", (unsigned long long)flags);
	cr_assert_neq(flags & KPF(KPF_SWAPCACHE), 0);
}

/*
 * §10.3 and §9: shared anonymous memory (shmem) goes to swap too. The
 * object keeps the swap entry, not the PTE: smaps counts Swap with no
 * SwapPss, VmSwap and pagemap do not see it, meminfo Shmem falls. A fault
 * brings the page back into the object's page cache and frees the slot.
 */
Test(swap, shmem_pages_go_to_swap_and_back)
{
	struct task *t = find_task_by_pid(m, 1);
	uint64_t a = call(1, (struct mm_call){ .verb = MMV_MMAP, .len = 8 * K, .fd = -1,
		.prot = MM_PROT_READ | MM_PROT_WRITE, .flags = MM_MAP_SHARED | MM_MAP_ANONYMOUS });
	int64_t shmem0 = node_pages(NR_SHMEM);
	struct mm_vma_usage u;

	touch(1, a, 8 * K, 1);
	mem_write(1, a + 3 * K, "shared");
	cr_assert_eq(node_pages(NR_SHMEM), shmem0 + 8);
	madvise(1, a, 8 * K, MM_MADV_PAGEOUT);
	u = usage(1, a);
	cr_assert_eq(u.rss, 0);
	cr_assert_eq(u.swap, 8 * K);
	cr_assert_eq(u.swap_pss, 0);
	cr_assert_eq(t->mm->rss[MM_SWAPENTS], 0, "VmSwap does not count shmem");
	cr_assert_eq(swap_offset(1, a), 0, "the PTE holds no swap entry");
	cr_assert_eq(node_pages(NR_SHMEM), shmem0);
	cr_assert_eq(ev(SWPOUT_ZERO), 7);
	cr_assert_eq(ev(PSWPOUT), 1);
	cr_assert_eq(swap_used_kb(), 32);

	m->tun.page_cluster = 0;
	mem_expect(1, a + 3 * K, "shared");	/* still in the swap cache: no read */
	cr_assert_eq(swap_used_kb(), 28, "back in the page cache: its slot is free");
	touch(1, a, K, 0);
	cr_assert_eq(t->maj_flt, 1);
	cr_assert_eq(ev(SWPIN_ZERO), 1);
	cr_assert_eq(swap_used_kb(), 24);
	cr_assert_eq(usage(1, a).swap, 6 * K);
	/* unmapping the object frees the slots of the pages still on swap */
	call(1, (struct mm_call){ .verb = MMV_MUNMAP, .addr = a, .len = 8 * K });
	cr_assert_eq(swap_used_kb(), 0);
	cr_assert_eq(node_pages(NR_SHMEM), shmem0);
}

/* The device and slot of the swap entry in the PTE of addr ({-1, 0}: none). */
static void swap_slot(int pid, uint64_t addr, int *type, uint64_t *off)
{
	struct task *t = find_task_by_pid(m, pid);
	pte_t *pte;
	int err;

	*type = -1;
	*off = 0;
	machine_lock(m);
	pte = pte_lookup(m, t->mm, addr, 0, &err);
	if (pte && pte_is_swap(*pte)) {
		*type = (int)pte_swp_type(*pte);
		*off = pte_swp_offset(*pte);
	}
	machine_unlock(m);
}

/*
 * swapon(8): areas of equal priority are used round-robin, a cluster at a
 * time (the cluster in use is finished first); a lower priority only when
 * they are full. Here /a and /b (priority 5) take turns; the mount's
 * /swapfile (-2) is not used.
 */
Test(swap, equal_priorities_take_turns_a_cluster_each)
{
	char why[128];
	uint64_t a = map_anon(1, 1100 * K, 0), off;
	int type;

	cr_assert_eq(mm_swapon(m, "/a", 4 * M, 5, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(mm_swapon(m, "/b", 4 * M, 5, why, sizeof(why)), 0, "%s", why);
	touch(1, a, 1100 * K, 1);
	madvise(1, a, 1100 * K, MM_MADV_PAGEOUT);
	for (uint64_t i = 0; i < 1100; i++) {
		/* /a: slots 1..511 (slot 0 is the header), /b: 1..511, /a again: 512.. */
		int want_type = i < 511 ? 1 : i < 1022 ? 2 : 1;
		uint64_t want_off = i < 511 ? i + 1 : i < 1022 ? i - 510 : i - 1022 + 512;

		swap_slot(1, a + i * K, &type, &off);
		cr_assert_eq(type, want_type, "page %llu: device %d", (unsigned long long)i, type);
		cr_assert_eq(off, want_off, "page %llu: slot %llu", (unsigned long long)i,
			     (unsigned long long)off);
	}
	cr_assert_eq(m->swap_info[0]->inuse_pages, 0, "the lower priority was not used");
}

/* check sees a slot whose count disagrees with the PTEs, and a lost cache page. */
Test(swap, check_reports_broken_swap_state)
{
	uint64_t a = map_anon(1, 2 * K, 0);
	struct swap_info_struct *si = m->swap_info[0];
	uint64_t saved;
	char *r;
	int nbad;

	touch(1, a, 2 * K, 1);
	madvise(1, a, 2 * K, MM_MADV_PAGEOUT);
	machine_lock(m);
	si->swap_map[1]++;
	machine_unlock(m);
	r = mm_check(m, &nbad);
	cr_assert_eq(nbad, 1, "%s", r);
	cr_assert(strstr(r, "swap 0 slot 1: swap_map counts 2 references, 1 PTEs found"), "%s", r);
	free(r);
	machine_lock(m);
	si->swap_map[1]--;
	saved = si->swap_map[2];
	si->swap_map[2] |= SWAP_HAS_CACHE;	/* the cache says it holds a page it does not */
	machine_unlock(m);
	r = mm_check(m, &nbad);
	cr_assert_eq(nbad, 1, "%s", r);
	cr_assert(strstr(r, "swap 0 slot 2: SWAP_HAS_CACHE with no cached page"), "%s", r);
	free(r);
	machine_lock(m);
	si->swap_map[2] = (uint16_t)saved;
	machine_unlock(m);
	check_ok();
}
