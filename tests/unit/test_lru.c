/* SPDX-License-Identifier: MIT */
/*
 * The LRU lists (mm/lru.c) as pages move between them: which list a page
 * is on after it is mapped, advised, locked, unlocked and unmapped, and
 * the counters meminfo shows for each list. mm_check, which walks the
 * lists against their counters and each page's flags, runs after every
 * call.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "leakcheck.h"
#include "../../mm/internal.h"
#include "../../mm/memory.h"
#include "../../mm/task.h"

static struct machine *m;

#include "mmtest.h"

#define K 4096ULL

static void setup(void)
{
	struct mm_config cfg = { .ram_bytes = 1ULL << 30, .nr_nodes = 1 };

	m = mm_boot(&cfg, NULL, 0);
	cr_assert(m);
}

static void teardown(void)
{
	mm_shutdown(m);
	leak_check();
}

TestSuite(lru, .init = setup, .fini = teardown);

static int64_t lru_pages(enum node_stat_item item)
{
	return m->node[0]->vm_stat[item];
}

static void madvise(int pid, uint64_t addr, uint64_t len, int64_t advice)
{
	call(pid, (struct mm_call){ .verb = MMV_MADVISE, .addr = addr, .len = len, .advice = advice });
}

static void mlock(int pid, uint64_t addr, uint64_t len, int lock)
{
	call(pid, (struct mm_call){ .verb = lock ? MMV_MLOCK : MMV_MUNLOCK, .addr = addr, .len = len });
}

/*
 * MADV_FREE makes an anonymous page lazily freeable: no longer swap-backed,
 * it moves to the inactive file list (LazyFree). Locked and unlocked again
 * it must go back to that list, the one its flags name, not to the anon
 * list its mapping would suggest. (Found by fuzz_model and by difftest's
 * seed 178, fixed in 2e24c33: the page sat on the inactive anon list while
 * counted on the file one, and freeing it later left the anon counter
 * above the list's length for good.)
 */
Test(lru, lazyfree_page_unlocked_returns_to_the_file_list)
{
	uint64_t a = map_anon(1, 8 * K, 0);
	int64_t anon0 = lru_pages(NR_INACTIVE_ANON), file0 = lru_pages(NR_INACTIVE_FILE);

	touch(1, a, 8 * K, 1);
	cr_assert_eq(lru_pages(NR_INACTIVE_ANON), anon0 + 8);
	madvise(1, a, 8 * K, MM_MADV_FREE);
	cr_assert_eq(lru_pages(NR_INACTIVE_ANON), anon0);
	cr_assert_eq(lru_pages(NR_INACTIVE_FILE), file0 + 8);
	mlock(1, a, 8 * K, 1);
	cr_assert_eq(lru_pages(NR_UNEVICTABLE), 8);
	mlock(1, a, 8 * K, 0);
	cr_assert_eq(lru_pages(NR_UNEVICTABLE), 0);
	cr_assert_eq(lru_pages(NR_INACTIVE_ANON), anon0);
	cr_assert_eq(lru_pages(NR_INACTIVE_FILE), file0 + 8);
	call(1, (struct mm_call){ .verb = MMV_MUNMAP, .addr = a, .len = 8 * K });
	cr_assert_eq(lru_pages(NR_INACTIVE_ANON), anon0);
	cr_assert_eq(lru_pages(NR_INACTIVE_FILE), file0);
}

/* The same page unmapped while still locked: the last unmap unlocks it. */
Test(lru, lazyfree_page_unmapped_while_locked)
{
	uint64_t a = map_anon(1, 8 * K, 0);
	int64_t anon0 = lru_pages(NR_INACTIVE_ANON), file0 = lru_pages(NR_INACTIVE_FILE);

	touch(1, a, 8 * K, 1);
	madvise(1, a, 8 * K, MM_MADV_FREE);
	mlock(1, a, 8 * K, 1);
	call(1, (struct mm_call){ .verb = MMV_MUNMAP, .addr = a, .len = 8 * K });
	cr_assert_eq(lru_pages(NR_UNEVICTABLE), 0);
	cr_assert_eq(lru_pages(NR_INACTIVE_ANON), anon0);
	cr_assert_eq(lru_pages(NR_INACTIVE_FILE), file0);
}

/* The unevictable_pgs_* events since the last call: culled rescued mlocked munlocked. */
static int64_t ev_last[4];
static void expect_events(int64_t culled, int64_t rescued, int64_t mlocked, int64_t munlocked)
{
	static const enum vm_event_item ev[4] = {
		UNEVICTABLE_PGS_CULLED, UNEVICTABLE_PGS_RESCUED, UNEVICTABLE_PGS_MLOCKED,
		UNEVICTABLE_PGS_MUNLOCKED,
	};
	int64_t want[4] = { culled, rescued, mlocked, munlocked };

	for (int i = 0; i < 4; i++) {
		int64_t got = m->vm_events[ev[i]] - ev_last[i];

		cr_expect_eq(got, want[i], "event %d: %lld, want %lld", i, (long long)got,
			     (long long)want[i]);
		ev_last[i] = m->vm_events[ev[i]];
	}
}

/*
 * mlock moves pages off the evictable lists (culled, one per page, as the
 * mlocked count), munlock and the unmap of a locked page move them back
 * (rescued, as munlocked). The host (Linux 6.18, one CPU, its per-CPU LRU
 * batches drained before each look) counted exactly these for the same
 * calls on 16 pages.
 */
Test(lru, mlock_culls_and_munlock_rescues_as_the_host_counts)
{
	int pid = 1;
	uint64_t a = map_anon(pid, 16 * K, 0), b, d;

	for (int i = 0; i < 4; i++)
		ev_last[i] = m->vm_events[i == 0 ? UNEVICTABLE_PGS_CULLED : i == 1 ? UNEVICTABLE_PGS_RESCUED :
					   i == 2 ? UNEVICTABLE_PGS_MLOCKED : UNEVICTABLE_PGS_MUNLOCKED];
	touch(pid, a, 16 * K, 1);
	expect_events(0, 0, 0, 0);
	mlock(pid, a, 16 * K, 1);
	expect_events(16, 0, 16, 0);
	cr_expect_eq(lru_pages(NR_UNEVICTABLE), 16);
	mlock(pid, a, 16 * K, 0);
	expect_events(0, 16, 0, 16);
	cr_expect_eq(lru_pages(NR_UNEVICTABLE), 0);
	mlock(pid, a, 16 * K, 1);
	expect_events(16, 0, 16, 0);
	call(pid, (struct mm_call){ .verb = MMV_MUNMAP, .addr = a, .len = 8 * K });
	expect_events(0, 8, 0, 8);
	call(pid, (struct mm_call){ .verb = MMV_MUNMAP, .addr = a + 8 * K, .len = 8 * K });
	expect_events(0, 8, 0, 8);
	b = map_anon(pid, 16 * K, 0);
	mlock(pid, b, 16 * K, 1);	/* populate: new pages, locked as they come */
	expect_events(16, 0, 16, 0);
	mlock(pid, b, 16 * K, 0);
	expect_events(0, 16, 0, 16);
	d = map_anon(pid, 16 * K, MM_MAP_LOCKED);
	(void)d;
	expect_events(16, 0, 16, 0);
	cr_expect_eq(lru_pages(NR_UNEVICTABLE), 16);
}
