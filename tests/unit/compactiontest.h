/* SPDX-License-Identifier: MIT */
/*
 * compactiontest.h - what the compaction tests share: a 128 MiB one-node
 * machine (mm_check and the arena's leak check at the end), tunables,
 * event counters, and frag(), the fragmented machine test_compaction.c's
 * file comment describes. Each test file defines `m` before including this.
 */
#ifndef TESTS_COMPACTIONTEST_H
#define TESTS_COMPACTIONTEST_H

#include "leakcheck.h"
#include "mmtest.h"

#define MB (1ULL << 20)
#define K 4096ULL

static inline void setup(void)
{
	struct mm_config cfg = { .ram_bytes = 128 * MB, .nr_nodes = 1 };

	m = mm_boot(&cfg, NULL, 0);
	cr_assert(m);
}

static inline void teardown(void)
{
	mm_shutdown(m);
	leak_check();
}

static inline int64_t ev(enum vm_event_item e)
{
	struct mm_global_snap *g = mm_snap_global(m);
	int64_t v = g->vm_events[e];

	free(g);
	return v;
}

static inline void tunable(const char *name, const char *val)
{
	cr_assert_eq(mm_tunable_write(m, name, val, strlen(val)), 0, "%s=%s", name, val);
	check_ok();
}

static inline void madvise(int pid, uint64_t a, uint64_t len, int advice)
{
	call(pid, (struct mm_call){ .verb = MMV_MADVISE, .addr = a, .len = len, .advice = advice });
}

/*
 * The fragmented machine: 32 MiB of 4 KiB pages (A), the hugetlb pool
 * takes the 30 blocks it can, every other page of A is unmapped, two THPs
 * take DMA32's last free blocks. Returns A.
 */
static inline uint64_t frag(int pid)
{
	uint64_t a = map_anon(pid, 32 * MB, 0), p;

	madvise(pid, a, 32 * MB, MM_MADV_NOHUGEPAGE);
	touch(pid, a, 32 * MB, 1);
	tunable("nr_hugepages", "1000\n");
	cr_assert_eq(m->nr_huge_pages, 30);
	for (uint64_t off = K, n = 1; off < 32 * MB; off += 2 * K, n++) {
		struct mm_call c = { .verb = MMV_MUNMAP, .addr = a + off, .len = K, .fd = -1 };
		char why[128];
		uint64_t r;

		/* 4096 alike steps: the checker runs after every 256th and the last */
		cr_assert_eq(mm_syscall(m, pid, &c, &r, why, sizeof(why)), 0, "%s", why);
		if (!(n % 256))
			check_ok();
	}
	p = map_anon(pid, 4 * MB, 0);
	madvise(pid, p, 4 * MB, MM_MADV_HUGEPAGE);
	touch(pid, p, 4 * MB, 1);
	cr_assert_eq(ev(THP_FAULT_ALLOC), 2);
	return a;
}

#endif
