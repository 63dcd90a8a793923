/* SPDX-License-Identifier: MIT */
/*
 * Transparent huge pages, checked against what the Linux 6.18 host shows
 * (THP=madvise, use_zero_page=1): PMD faults, the huge zero page, fork and
 * COW of a shared PMD, splits, pagemap and kpageflags. mm_check runs
 * after every step.
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

/* The usage of the VMA containing addr, as smaps reports it. */

static void setup(void)
{
	struct mm_config cfg = { .ram_bytes = 1ULL << 30, .nr_nodes = 1 };

	m = mm_boot(&cfg, NULL, 0);
	cr_assert(m);
}
#include "../../mm/pagemap.h"

static void teardown(void)
{
	mm_shutdown(m);
	leak_check();
}

TestSuite(huge, .init = setup, .fini = teardown);

#define MB (1ULL << 20)

static int64_t vmev(enum vm_event_item e)
{
	struct mm_global_snap *g = mm_snap_global(m);
	int64_t v = g->vm_events[e];

	free(g);
	return v;
}

static uint64_t meminfo(enum meminfo_item i)
{
	struct mm_global_snap *g = mm_snap_global(m);
	uint64_t v = g->meminfo[i];

	free(g);
	return v;
}

/* A 4 MiB madvise(MADV_HUGEPAGE) region, 2 MiB-aligned (the placement gives it). */
static uint64_t map_thp(int pid)
{
	uint64_t a = map_anon(pid, 4 * MB, 0);

	cr_assert_eq(a & (2 * MB - 1), 0, "a 2 MiB multiple is placed 2 MiB-aligned");
	call(pid, (struct mm_call){ .verb = MMV_MADVISE, .addr = a, .len = 4 * MB,
		.advice = MM_MADV_HUGEPAGE });
	return a;
}

static uint64_t pagemap_at(int pid, uint64_t addr)
{
	uint64_t e = 0;

	cr_assert_eq(mm_pagemap_read(m, pid, addr >> 12, &e, 1), 1);
	return e;
}

static uint64_t kpf(uint64_t pfn)
{
	uint64_t f = 0;

	cr_assert_eq(mm_kpageflags_read(m, pfn, &f, 1), 1);
	return f;
}

static uint64_t kpc(uint64_t pfn)
{
	uint64_t c = 0;

	cr_assert_eq(mm_kpagecount_read(m, pfn, &c, 1), 1);
	return c;
}

#define PFN(e) ((e) & ((1ULL << 55) - 1))

/* Host: one write maps 2 MiB; AnonHugePages 2048; head/tail kpageflags as printed. */
Test(huge, write_fault_maps_a_thp)
{
	uint64_t a = map_thp(1), anon0 = meminfo(MI_ANONPAGES), e;
	struct mm_vma_usage u;

	touch(1, a, 1, 1);
	cr_assert_eq(vmev(THP_FAULT_ALLOC), 1);
	cr_assert_eq(meminfo(MI_ANONHUGEPAGES), 2048);
	cr_assert_eq(meminfo(MI_ANONPAGES) - anon0, 2048);
	u = usage(1, a);
	cr_assert_eq(u.rss, 2 * MB);
	cr_assert_eq(u.anon_thp, 2 * MB);
	cr_assert_eq(u.private_dirty, 2 * MB);
	cr_assert_eq(u.pss >> MM_PSS_SHIFT, 2 * MB);
	e = pagemap_at(1, a);
	cr_assert_eq(e >> 55, 0x102, "present|exclusive: %llx", (unsigned long long)e);
	cr_assert_eq(PFN(e) % 512, 0);
	cr_assert_eq(kpf(PFN(e)), 0x40040d828ULL, "head %llx", (unsigned long long)kpf(PFN(e)));
	cr_assert_eq(kpf(PFN(e) + 1), 0x400415828ULL, "tail %llx", (unsigned long long)kpf(PFN(e) + 1));
	cr_assert_eq(kpc(PFN(e)), 1);
	cr_assert_eq(kpc(PFN(e) + 511), 1);
	cr_assert_eq(PFN(pagemap_at(1, a + 511 * 4096)), PFN(e) + 511);
	/* the other 511 pages need no fault */
	{
		struct mm_task_snap *t = mm_snap_task(m, 1, 0);
		uint64_t flt = t->min_flt;

		free(t);
		touch(1, a, 2 * MB, 1);
		t = mm_snap_task(m, 1, 0);
		cr_assert_eq(t->min_flt, flt);
		free(t);
	}
}

/* Host: a read maps the huge zero page (kpf ZERO|THP|COMPOUND, count 0, Rss 0); a write replaces it. */
Test(huge, read_maps_huge_zero_page_then_write_allocates)
{
	uint64_t a = map_thp(1), e;

	touch(1, a + 2 * MB, 1, 0);
	cr_assert_eq(vmev(THP_ZERO_PAGE_ALLOC), 1);
	cr_assert_eq(usage(1, a).rss, 0);
	e = pagemap_at(1, a + 2 * MB);
	cr_assert_eq(e >> 56, 0xa0, "present|file: %llx", (unsigned long long)e);
	cr_assert_eq(kpf(PFN(e)), 0x1408000ULL, "%llx", (unsigned long long)kpf(PFN(e)));
	cr_assert_eq(kpf(PFN(e) + 1), 0x1410000ULL);
	cr_assert_eq(kpc(PFN(e)), 0);
	mem_expect_n(1, a + 2 * MB + 5, "\0\0", 2);
	touch(1, a + 2 * MB + 4096, 1, 1);
	cr_assert_eq(vmev(THP_FAULT_ALLOC), 1);
	cr_assert_eq(vmev(THP_SPLIT_PMD), 0);
	cr_assert_eq(usage(1, a).anon_thp, 2 * MB);
}

/*
 * Linux frees the huge zero page once no address space that used it is
 * left (each holds a reference until it exits, MMF_HUGE_ZERO_PAGE), when
 * its shrinker runs: under pressure, or at drop_caches 2. So a machine
 * whose processes are all gone gets its 512 pages back. (Found by
 * fuzz_model's boot-state check: the model kept the page for good.)
 */
Test(huge, huge_zero_page_freed_once_unused)
{
	/* what is not free is in the slab caches, which keep their empty slabs */
#define meminfo_free()	(meminfo(MI_MEMFREE) + meminfo(MI_SLAB))
	uint64_t free0 = meminfo_free(), a;
	char why[64];
	int pid, child;

	cr_assert_eq(mm_spawn(m, "sh", &pid, why, sizeof(why)), 0);
	a = map_thp(pid);
	touch(pid, a + 2 * MB, 1, 1);	/* a THP: the VMA gets an anon_vma, fork copies it */
	touch(pid, a, 1, 0);		/* the huge zero page */
	cr_assert_eq(vmev(THP_ZERO_PAGE_ALLOC), 1);
	child = fork_of(pid);		/* copies the PMD and takes its own hold */
	kill_pid(pid);
	cr_assert_eq(mm_drop_caches(m, 3, why, sizeof(why)), 0);
	cr_assert_neq(m->huge_zero_pfn, 0, "the child still holds it");
	kill_pid(child);
	cr_assert_eq(meminfo_free(), free0 - 2048, "freed only by the shrinker");
	cr_assert_eq(mm_drop_caches(m, 1, why, sizeof(why)), 0);
	cr_assert_eq(meminfo_free(), free0 - 2048, "which drop_caches 1 does not run");
	cr_assert_eq(mm_drop_caches(m, 2, why, sizeof(why)), 0);
	cr_assert_eq(meminfo_free(), free0);
	cr_assert_eq(m->huge_zero_pfn, 0);
	check_ok();
	touch(1, map_thp(1), 1, 0);
	cr_assert_eq(vmev(THP_ZERO_PAGE_ALLOC), 2, "allocated afresh at the next use");
#undef meminfo_free
}

/* Host: fork shares both PMDs; a parent write splits its PMD and copies one 4K page. */
Test(huge, fork_then_write_splits_the_writers_pmd)
{
	uint64_t a = map_thp(1), anon0;
	struct mm_vma_usage p, c;
	int child;

	touch(1, a, 4 * MB, 1);
	mem_write(1, a + 4096, "parent");
	child = fork_of(1);
	p = usage(1, a);
	cr_assert_eq(p.pss >> MM_PSS_SHIFT, 2 * MB);
	cr_assert_eq(p.shared_dirty, 4 * MB);
	cr_assert_eq(pagemap_at(1, a) >> 55, 0x100);
	cr_assert_eq(kpc(PFN(pagemap_at(1, a))), 2);
	/* the host also shows KPF_IDLE (bit 25) here: the model has no page_idle */
	cr_assert_eq(kpf(PFN(pagemap_at(1, a))), 0x240d828ULL & ~(1ULL << 25), "%llx", (unsigned long long)kpf(PFN(pagemap_at(1, a))));
	anon0 = meminfo(MI_ANONPAGES);
	touch(1, a + 4096, 1, 1);
	cr_assert_eq(vmev(THP_SPLIT_PMD), 1);
	p = usage(1, a);
	c = usage(child, a);
	cr_assert_eq(p.anon_thp, 2 * MB);
	cr_assert_eq(c.anon_thp, 4 * MB);
	cr_assert_eq(p.rss, 4 * MB);
	cr_assert_eq(p.pss >> MM_PSS_SHIFT, 2050 << 10);
	cr_assert_eq(c.pss >> MM_PSS_SHIFT, 2050 << 10);
	cr_assert_eq(p.private_dirty, 4 << 10);
	cr_assert_eq(c.private_dirty, 4 << 10);
	cr_assert_eq(meminfo(MI_ANONPAGES) - anon0, 4, "one new 4K page");
	cr_assert_eq(meminfo(MI_ANONHUGEPAGES), 4096);
	cr_assert_eq(kpf(PFN(pagemap_at(1, a))), 0x240d838ULL & ~(1ULL << 25));
	cr_assert_eq(kpf(PFN(pagemap_at(1, a + 4096))), 0x400005828ULL);
	cr_assert_eq(pagemap_at(1, a + 4096) >> 55, 0x102);
	cr_assert_eq(kpc(PFN(pagemap_at(child, a + 4096))), 1);
	mem_expect(1, a + 4096, "parent");
	mem_expect(child, a + 4096, "parent");
	kill_pid(child);
	cr_assert_eq(vmev(THP_DEFERRED_SPLIT_PAGE), 1);
	p = usage(1, a);
	cr_assert_eq(p.private_dirty, 4 * MB);
	cr_assert_eq(meminfo(MI_ANONHUGEPAGES), 2048);
}

/* Host: munmap of 4K inside a THP splits the PMD; the rest stays mapped. */
Test(huge, partial_munmap_and_mprotect_split)
{
	uint64_t a = map_thp(1), free0;

	touch(1, a, 4 * MB, 1);
	call(1, (struct mm_call){ .verb = MMV_MPROTECT, .addr = a, .len = 4096, .prot = MM_PROT_READ });
	cr_assert_eq(vmev(THP_SPLIT_PMD), 1);
	cr_assert_eq(vmev(THP_DEFERRED_SPLIT_PAGE), 0);
	cr_assert_eq(meminfo(MI_ANONHUGEPAGES), 2048);
	cr_assert_eq(usage(1, a).rss, 4096);
	cr_assert_eq(usage(1, a + 4096).rss, 4 * MB - 4096);
	cr_assert_eq(kpf(PFN(pagemap_at(1, a + 4096))), 0x400415838ULL);
	call(1, (struct mm_call){ .verb = MMV_MUNMAP, .addr = a + 2 * MB + 16384, .len = 4096 });
	cr_assert_eq(vmev(THP_SPLIT_PMD), 2);
	cr_assert_eq(vmev(THP_DEFERRED_SPLIT_PAGE), 1);
	cr_assert_eq(meminfo(MI_ANONHUGEPAGES), 0);
	free0 = meminfo(MI_MEMFREE);
	call(1, (struct mm_call){ .verb = MMV_MUNMAP, .addr = a, .len = 4 * MB });
	cr_assert_geq(meminfo(MI_MEMFREE) - free0, 4096, "both folios freed");
	cr_assert_eq(meminfo(MI_ANONPAGES) < 4096, 1);
}

/*
 * A debugger's write into a PROT_NONE range that may use THP faults in a
 * huge page with a PROT_NONE PMD: present to the kernel (Rss,
 * AnonHugePages), inaccessible to the process, freed by munmap. (Such a
 * PMD used to get neither the present nor the PROT_NONE bit: it read as a
 * swap entry and the folio leaked.)
 */
Test(huge, remote_write_into_prot_none_maps_a_thp)
{
	uint64_t a = map_thp(1), free1;
	char buf[4] = "";

	call(1, (struct mm_call){ .verb = MMV_MPROTECT, .addr = a, .len = 4 * MB,
		.prot = MM_PROT_NONE });
	cr_assert_eq(mm_mem_rw(m, 1, a + 5, "gdb", 3, 1), 3);
	check_ok();
	cr_assert_eq(vmev(THP_FAULT_ALLOC), 1);
	cr_assert_eq(usage(1, a).anon_thp, 2 * MB);
	cr_assert_eq(mm_mem_rw(m, 1, a + 5, buf, 3, 0), 3);
	cr_assert_str_eq(buf, "gdb");
	cr_assert_eq(mm_mem_rw(m, 1, a + 2 * MB, buf, 3, 0), 3, "the huge zero page");
	check_ok();
	free1 = meminfo(MI_MEMFREE);
	call(1, (struct mm_call){ .verb = MMV_MUNMAP, .addr = a, .len = 4 * MB });
	cr_assert_geq(meminfo(MI_MEMFREE) - free1, 2048, "the folio is freed");
}

/* A whole aligned munmap frees the folio without a split. */
Test(huge, whole_unmap_frees_without_split)
{
	uint64_t a = map_thp(1), free0 = meminfo(MI_MEMFREE);

	touch(1, a, 4 * MB, 1);
	cr_assert_eq(free0 - meminfo(MI_MEMFREE), 4096 + 4 * 5, "2 THPs + PGD/PUD/PMD + 2 deposited tables: %llu", (unsigned long long)(free0 - meminfo(MI_MEMFREE)));
	call(1, (struct mm_call){ .verb = MMV_MUNMAP, .addr = a, .len = 4 * MB });
	cr_assert_eq(vmev(THP_SPLIT_PMD), 0);
	cr_assert_eq(meminfo(MI_ANONHUGEPAGES), 0);
}

/* THP=never or no MADV_HUGEPAGE: 4 KiB pages only. */
Test(huge, not_eligible_without_madvise)
{
	uint64_t a = map_anon(1, 4 * MB, 0);

	touch(1, a, 1, 1);
	cr_assert_eq(vmev(THP_FAULT_ALLOC), 0);
	cr_assert_eq(usage(1, a).rss, 4096);
}

/* mremap to an aligned address moves the PMD whole; mlock counts 512 pages. */
Test(huge, mremap_and_mlock_keep_the_pmd)
{
	uint64_t a = map_thp(1), b;

	touch(1, a, 4 * MB, 1);
	call(1, (struct mm_call){ .verb = MMV_MLOCK, .addr = a, .len = 4 * MB });
	cr_assert_eq(meminfo(MI_MLOCKED), 4096);
	call(1, (struct mm_call){ .verb = MMV_MUNLOCK, .addr = a, .len = 4 * MB });
	cr_assert_eq(meminfo(MI_MLOCKED), 0);
	b = call(1, (struct mm_call){ .verb = MMV_MREMAP, .addr = a, .len = 4 * MB, .new_len = 8 * MB,
		.flags = 1 /* MREMAP_MAYMOVE */ });
	cr_assert_eq(vmev(THP_SPLIT_PMD), 0);
	cr_assert_eq(usage(1, b).anon_thp, 4 * MB);
}

/*
 * A VMA split inside a PMD-mapped THP splits the PMD first
 * (vma_adjust_trans_huge), whatever splits the VMA: MADV_RANDOM changes a
 * flag and walks no page table, yet left the PMD mapping 2 MiB across
 * three VMAs (smaps then counted 2 MiB of Rss in a smaller VMA; found by
 * fuzz_model, crashes/fuzz_model/thp-pmd-across-a-vma-split).
 */
Test(huge, vma_split_by_a_flag_change_splits_the_pmd)
{
	uint64_t a = map_thp(1), splits0;

	touch(1, a, 4 * MB, 1);
	cr_assert_eq(meminfo(MI_ANONHUGEPAGES), 4096);
	splits0 = (uint64_t)vmev(THP_SPLIT_PMD);
	call(1, (struct mm_call){ .verb = MMV_MADVISE, .addr = a + 2 * MB + 256 * 1024,
				  .len = 32 * 1024, .advice = MM_MADV_RANDOM });
	cr_assert_eq((uint64_t)vmev(THP_SPLIT_PMD), splits0 + 1);
	cr_assert_eq(meminfo(MI_ANONHUGEPAGES), 2048, "the first THP keeps its PMD");
	cr_assert_eq(usage(1, a + 2 * MB).rss, 2 * MB + 256 * 1024);
	cr_assert_eq(usage(1, a + 2 * MB + 256 * 1024).rss, 32 * 1024);
	cr_assert_eq(usage(1, a + 3 * MB).rss, 2 * MB - 288 * 1024);
	/* a split on a 2 MiB boundary leaves both PMDs whole */
	call(1, (struct mm_call){ .verb = MMV_MADVISE, .addr = a, .len = 2 * MB,
				  .advice = MM_MADV_SEQUENTIAL });
	cr_assert_eq((uint64_t)vmev(THP_SPLIT_PMD), splits0 + 1);
	cr_assert_eq(meminfo(MI_ANONHUGEPAGES), 2048);
}
