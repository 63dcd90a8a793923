/* SPDX-License-Identifier: MIT */
/*
 * MAP_HUGETLB mappings, checked against what the Linux 6.18 host showed
 * with nr_hugepages=8: reservations at mmap, faults taking pool pages,
 * smaps/status/meminfo, fork (COW of private pages), 2 MiB split rules,
 * pagemap and kpageflags. mm_check runs after every step.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "leakcheck.h"
#include "../../mm/internal.h"
#include "../../mm/memory.h"
#include "../../mm/task.h"
#include "../../mm/pagemap.h"
#include "../../mm/vma.h"

static struct machine *m;

#include "mmtest.h"

static void setup(void)
{
	struct mm_config cfg = { .ram_bytes = 1ULL << 30, .nr_nodes = 1 };

	m = mm_boot(&cfg, NULL, 0);
	cr_assert(m);
	cr_assert_eq(mm_tunable_write(m, "nr_hugepages", "8\n", 2), 0);
}

static void teardown(void)
{
	mm_shutdown(m);
	leak_check();
}

TestSuite(hugetlb, .init = setup, .fini = teardown);

#define MB (1ULL << 20)

static uint64_t meminfo(enum meminfo_item i)
{
	struct mm_global_snap *g = mm_snap_global(m);
	uint64_t v = g->meminfo[i];

	free(g);
	return v;
}

/* HugePages_Total, _Free, _Rsvd as meminfo shows them. */
static void expect_pool(uint64_t total, uint64_t free_, uint64_t rsvd)
{
	cr_assert_eq(meminfo(MI_HUGEPAGES_TOTAL), total);
	cr_assert_eq(meminfo(MI_HUGEPAGES_FREE), free_, "free %llu", (unsigned long long)meminfo(MI_HUGEPAGES_FREE));
	cr_assert_eq(meminfo(MI_HUGEPAGES_RSVD), rsvd, "rsvd %llu", (unsigned long long)meminfo(MI_HUGEPAGES_RSVD));
}

static int try_call(int pid, struct mm_call c, uint64_t *ret)
{
	char why[256] = "";
	uint64_t r = 0;
	int err;

	if (c.verb == MMV_MMAP && !c.fd)
		c.fd = -1;
	err = mm_syscall(m, pid, &c, &r, why, sizeof(why));
	check_ok();
	if (ret)
		*ret = r;
	return err;
}

static struct mm_call htlb_call(uint64_t addr, uint64_t len, uint64_t prot, uint64_t flags)
{
	return (struct mm_call){ .verb = MMV_MMAP, .addr = addr, .len = len, .fd = -1, .prot = prot,
		.flags = MM_MAP_ANONYMOUS | MM_MAP_HUGETLB | flags };
}

static uint64_t map_htlb(int pid, uint64_t len, uint64_t flags)
{
	return call(pid, htlb_call(0, len, MM_PROT_READ | MM_PROT_WRITE, flags));
}

/* The snapshot of the VMA starting at addr (asserted to exist). */
static struct mm_vma_snap vma_at(int pid, uint64_t addr)
{
	struct mm_task_snap *t = mm_snap_task(m, pid, 2);
	struct mm_vma_snap v = { 0 };
	int found = 0;

	cr_assert(t);
	for (size_t i = 0; i < t->nr_vmas; i++)
		if (t->vmas[i].start == addr) {
			v = t->vmas[i];
			found = 1;
		}
	free(t);
	cr_assert(found, "no VMA at %llx", (unsigned long long)addr);
	return v;
}

static uint64_t hugetlb_kb(int pid)
{
	struct mm_task_snap *t = mm_snap_task(m, pid, 0);
	uint64_t v = t->hugetlb_kb;

	free(t);
	return v;
}

Test(hugetlb, private_mmap_reserves_and_fault_consumes)
{
	/* host: 6 MiB + 4 KiB gives an 8 MiB VMA and HugePages_Rsvd 4 */
	uint64_t a = map_htlb(1, 6 * MB + 4096, MM_MAP_PRIVATE), committed = meminfo(MI_COMMITTED_AS);
	struct mm_vma_snap v = vma_at(1, a);

	cr_assert_eq(a & (2 * MB - 1), 0);
	cr_assert_eq(v.end - v.start, 8 * MB);
	cr_assert_eq(v.flags & (MM_VM_HUGETLB | MM_VM_DONTEXPAND | MM_VM_ACCOUNT | MM_VM_SHARED),
		     MM_VM_HUGETLB | MM_VM_DONTEXPAND);
	cr_assert_str_eq(v.name, "/anon_hugepage (deleted)");
	cr_assert_eq(v.dev_minor, 0x11);
	cr_assert_eq(v.pgoff, 0);
	cr_assert_eq(v.kernel_page_kb, 2048);
	cr_assert_eq(v.mmu_page_kb, 2048);
	expect_pool(8, 8, 4);
	cr_assert_eq(meminfo(MI_HUGETLB), 16384);

	touch(1, a, 1, 1);
	touch(1, a + 2 * MB + 5, 1, 0);	/* a read fault takes its own page too */
	expect_pool(8, 6, 2);
	v = vma_at(1, a);
	cr_assert_eq(v.u.rss, 0, "hugetlb pages are not in Rss");
	cr_assert_eq(v.u.private_hugetlb, 4 * MB);
	cr_assert_eq(v.u.shared_hugetlb, 0);
	cr_assert_eq(hugetlb_kb(1), 4096);
	cr_assert_eq(meminfo(MI_COMMITTED_AS), committed, "no VM_ACCOUNT");
	mem_expect_n(1, a + 100, "\0\0\0", 3);
	mem_write(1, a + 100, "huge");
	mem_expect(1, a + 100, "huge");

	call(1, (struct mm_call){ .verb = MMV_MUNMAP, .addr = a, .len = 8 * MB });
	expect_pool(8, 8, 0);
	cr_assert_eq(hugetlb_kb(1), 0);
}

Test(hugetlb, reservation_failure_and_noreserve)
{
	uint64_t a;

	cr_assert_eq(try_call(1, htlb_call(0, 18 * MB, MM_PROT_READ | MM_PROT_WRITE, MM_MAP_PRIVATE), NULL),
		     -ENOMEM);
	cr_assert_eq(try_call(1, htlb_call(0, 18 * MB, MM_PROT_READ | MM_PROT_WRITE, MM_MAP_SHARED), NULL),
		     -ENOMEM);
	a = map_htlb(1, 200 * MB, MM_MAP_PRIVATE | MM_MAP_NORESERVE);
	cr_assert(vma_at(1, a).flags & MM_VM_NORESERVE);
	expect_pool(8, 8, 0);
	/* a read-only private mapping reserves as well */
	call(1, htlb_call(0, 14 * MB, MM_PROT_READ, MM_MAP_PRIVATE));
	expect_pool(8, 8, 7);
	touch(1, a, 1, 1);	/* the one unreserved page */
	expect_pool(8, 7, 7);
	cr_assert_eq(try_call(1, (struct mm_call){ .verb = MMV_TOUCH, .addr = a + 2 * MB, .len = 1,
		.mode = 'w' }, NULL), -EFAULT, "no page left outside the reservations: SIGBUS");
	expect_pool(8, 7, 7);
}

Test(hugetlb, alignment_rules)
{
	uint64_t a, r;

	cr_assert_eq(try_call(1, htlb_call(0x7f0000001000ULL, 2 * MB, MM_PROT_READ,
					   MM_MAP_PRIVATE | MM_MAP_FIXED), NULL), -EINVAL);
	cr_assert_eq(try_call(1, htlb_call(0x7f0000001000ULL, 2 * MB, MM_PROT_READ, MM_MAP_PRIVATE), &r), 0);
	cr_assert_eq(r, 0x7f0000200000ULL, "a hint is rounded up to 2 MiB: %llx", (unsigned long long)r);
	cr_assert_eq(try_call(1, htlb_call(0x7f0000400000ULL, 2 * MB, MM_PROT_READ,
					   MM_MAP_PRIVATE | MM_MAP_FIXED), &r), 0);
	cr_assert_eq(r, 0x7f0000400000ULL);

	a = map_htlb(1, 8 * MB, MM_MAP_PRIVATE);
	cr_assert_eq(try_call(1, (struct mm_call){ .verb = MMV_MUNMAP, .addr = a + 4096, .len = 2 * MB }, NULL),
		     -EINVAL);
	cr_assert_eq(try_call(1, (struct mm_call){ .verb = MMV_MUNMAP, .addr = a, .len = 4096 }, NULL), -EINVAL);
	cr_assert_eq(try_call(1, (struct mm_call){ .verb = MMV_MPROTECT, .addr = a, .len = 4096,
		.prot = MM_PROT_READ }, NULL), -EINVAL);
	cr_assert_eq(try_call(1, (struct mm_call){ .verb = MMV_MPROTECT, .addr = a + 4096, .len = 2 * MB,
		.prot = MM_PROT_READ }, NULL), -EINVAL);
	call(1, (struct mm_call){ .verb = MMV_MPROTECT, .addr = a + 2 * MB, .len = 2 * MB, .prot = MM_PROT_READ });
	cr_assert_eq(vma_at(1, a + 2 * MB).pgoff, 512, "maps shows offset 00200000");
	cr_assert_eq(vma_at(1, a + 4 * MB).pgoff, 1024);
	touch(1, a, 1, 1);
	touch(1, a + 2 * MB, 1, 0);
	expect_pool(8, 6, 4);	/* 1 + 1 + 4 reserved, 2 used */
	call(1, (struct mm_call){ .verb = MMV_MUNMAP, .addr = a + 2 * MB, .len = 2 * MB });
	expect_pool(8, 7, 4);
	cr_assert_eq(try_call(1, (struct mm_call){ .verb = MMV_MUNMAP, .addr = a + 4 * MB, .len = 4097 }, NULL),
		     -EINVAL);
	/* mprotect to PROT_NONE and back keeps the page */
	call(1, (struct mm_call){ .verb = MMV_MPROTECT, .addr = a, .len = 2 * MB, .prot = MM_PROT_NONE });
	call(1, (struct mm_call){ .verb = MMV_MPROTECT, .addr = a, .len = 2 * MB,
		.prot = MM_PROT_READ | MM_PROT_WRITE });
	touch(1, a, 1, 1);
	expect_pool(8, 7, 4);
	cr_assert_eq(vma_at(1, a).u.private_hugetlb, 2 * MB);
}

Test(hugetlb, fork_shares_private_pages_until_written)
{
	uint64_t p = map_htlb(1, 4 * MB, MM_MAP_PRIVATE), s = map_htlb(1, 2 * MB, MM_MAP_SHARED);
	int child;

	touch(1, p, 4 * MB, 1);
	mem_write(1, p + 10, "parent");
	touch(1, s, 1, 1);
	expect_pool(8, 5, 0);
	cr_assert(vma_at(1, s).flags & MM_VM_MAYSHARE);
	child = fork_of(1);
	/* host: parent and child show Shared_Hugetlb 4096 kB for the private VMA */
	cr_assert_eq(vma_at(1, p).u.shared_hugetlb, 4 * MB);
	cr_assert_eq(vma_at(child, p).u.shared_hugetlb, 4 * MB);
	/* the shared VMA is not copied: the child faults it later */
	cr_assert_eq(vma_at(1, s).u.private_hugetlb, 2 * MB);
	cr_assert_eq(vma_at(child, s).u.private_hugetlb + vma_at(child, s).u.shared_hugetlb, 0);
	cr_assert_eq(hugetlb_kb(child), 4096);
	expect_pool(8, 5, 0);

	mem_write(child, p + 10, "child!");	/* COW: a new page, no reservation */
	expect_pool(8, 4, 0);
	mem_expect(1, p + 10, "parent");
	mem_expect(child, p + 10, "child!");
	cr_assert_eq(vma_at(child, p).u.shared_hugetlb, 2 * MB);
	cr_assert_eq(vma_at(child, p).u.private_hugetlb, 2 * MB);

	touch(child, s, 1, 0);
	cr_assert_eq(vma_at(1, s).u.shared_hugetlb, 2 * MB);
	expect_pool(8, 4, 0);

	kill_pid(child);
	expect_pool(8, 5, 0);
	cr_assert_eq(vma_at(1, p).u.private_hugetlb, 4 * MB);
	touch(1, p, 1, 1);	/* reused, not copied */
	expect_pool(8, 5, 0);
	call(1, (struct mm_call){ .verb = MMV_MUNMAP, .addr = s, .len = 2 * MB });
	call(1, (struct mm_call){ .verb = MMV_MUNMAP, .addr = p, .len = 4 * MB });
	expect_pool(8, 8, 0);
}

Test(hugetlb, shared_partial_unmap_keeps_page_cache)
{
	uint64_t s = map_htlb(1, 4 * MB, MM_MAP_SHARED);

	expect_pool(8, 8, 2);
	touch(1, s, 4 * MB, 1);
	expect_pool(8, 6, 0);
	call(1, (struct mm_call){ .verb = MMV_MUNMAP, .addr = s, .len = 2 * MB });
	expect_pool(8, 6, 0);	/* the file still holds both pages */
	call(1, (struct mm_call){ .verb = MMV_MUNMAP, .addr = s + 2 * MB, .len = 2 * MB });
	expect_pool(8, 8, 0);
}

Test(hugetlb, populate_and_locked)
{
	uint64_t a = map_htlb(1, 2 * MB, MM_MAP_PRIVATE | MM_MAP_POPULATE);
	uint64_t b = map_htlb(1, 2 * MB, MM_MAP_PRIVATE | MM_MAP_LOCKED);

	expect_pool(8, 6, 0);
	cr_assert_eq(vma_at(1, b).flags & MM_VM_LOCKED, 0, "hugetlb VMAs drop VM_LOCKED");
	cr_assert_eq(vma_at(1, a).u.private_hugetlb, 2 * MB);
	cr_assert_eq(vma_at(1, b).u.locked_pss, 0);
	kill_pid(fork_of(1));	/* exit of a child that copied nothing reserved */
	expect_pool(8, 6, 0);
}

Test(hugetlb, pagemap_and_kpageflags)
{
	uint64_t p = map_htlb(1, 2 * MB, MM_MAP_PRIVATE), s = map_htlb(1, 2 * MB, MM_MAP_SHARED);
	uint64_t pm[2], kf[2], kc[2], pfn;
	char *vec = NULL, why[64];

	cr_assert_eq(mm_pagemap_read(m, 1, p >> 12, pm, 2), 2);
	cr_assert_eq(pm[0], 0);
	cr_assert_eq(mincore_s(m, 1, p, 8192, &vec, why, sizeof(why)), 0);
	cr_assert_str_eq(vec, "00");
	free(vec);
	touch(1, p, 1, 0);
	touch(1, s, 1, 1);
	cr_assert_eq(mincore_s(m, 1, p, 8192, &vec, why, sizeof(why)), 0);
	cr_assert_str_eq(vec, "11");
	free(vec);
	cr_assert_eq(mm_pagemap_read(m, 1, p >> 12, pm, 2), 2);
	pfn = pm[0] & PM_PFRAME_MASK;
	/* host: 8100000000146c00 8100000000146c01, kpageflags 400029808 / 400031808 */
	cr_assert_eq(pm[0] >> 55, 0x102, "%016llx", (unsigned long long)pm[0]);
	cr_assert_eq(pm[1], pm[0] + 1);
	cr_assert_eq(pfn & 511, 0);
	cr_assert_eq(mm_kpageflags_read(m, pfn, kf, 2), 2);
	cr_assert_eq(kf[0], 0x400029808ULL, "%llx", (unsigned long long)kf[0]);
	cr_assert_eq(kf[1], 0x400031808ULL, "%llx", (unsigned long long)kf[1]);
	cr_assert_eq(mm_kpagecount_read(m, pfn, kc, 2), 2);
	cr_assert_eq(kc[0], 1);
	cr_assert_eq(kc[1], 1);
	/* host shared: a100000000151c00, kpageflags 28818 / 30818 */
	cr_assert_eq(mm_pagemap_read(m, 1, s >> 12, pm, 1), 1);
	cr_assert_eq(pm[0] >> 55, 0x142, "%016llx", (unsigned long long)pm[0]);
	cr_assert_eq(mm_kpageflags_read(m, pm[0] & PM_PFRAME_MASK, kf, 2), 2);
	cr_assert_eq(kf[0], 0x28818ULL, "%llx", (unsigned long long)kf[0]);
	cr_assert_eq(kf[1], 0x30818ULL, "%llx", (unsigned long long)kf[1]);
	/* host after fork: 8000000000146c00, kpageflags 29808, kpagecount 2 */
	fork_of(1);
	cr_assert_eq(mm_pagemap_read(m, 1, p >> 12, pm, 1), 1);
	cr_assert_eq(pm[0] >> 55, 0x100, "%016llx", (unsigned long long)pm[0]);
	cr_assert_eq(mm_kpageflags_read(m, pfn, kf, 1), 1);
	cr_assert_eq(kf[0], 0x29808ULL, "%llx", (unsigned long long)kf[0]);
	cr_assert_eq(mm_kpagecount_read(m, pfn + 7, kc, 1), 1);
	cr_assert_eq(kc[0], 2);
}

/* ---- policies on a 2-node machine (dequeue_hugetlb_folio_vma, huge_node) ---- */

#include "../../mm/pgtable.h"

static void setup_numa(void)
{
	struct mm_config cfg = { .ram_bytes = 1ULL << 30, .nr_nodes = 2 };

	m = mm_boot(&cfg, NULL, 0);
	cr_assert(m);
	/* the pool grows round-robin over the nodes: 4 pages each */
	cr_assert_eq(mm_tunable_write(m, "nr_hugepages", "8\n", 2), 0);
	cr_assert_eq(m->free_huge_pages_node[0], 4);
	cr_assert_eq(m->free_huge_pages_node[1], 4);
}

TestSuite(hugetlb_numa, .init = setup_numa, .fini = teardown);

static int spawn_proc(void)
{
	char why[128];
	int pid = 0;

	cr_assert_eq(mm_spawn(m, "", &pid, why, sizeof(why)), 0, "%s", why);
	return pid;
}

static void mbind_mode(int pid, uint64_t addr, uint64_t len, int mode, uint64_t nodes)
{
	call(pid, (struct mm_call){ .verb = MMV_MBIND, .addr = addr, .len = len, .mode = mode,
		.nodes = { nodes }, .nodes_ptr = { 1 }, .maxnode = 65, .fd = -1 });
}

/* The node of the huge page mapped at addr, or -1. */
static int huge_node_at(int pid, uint64_t addr)
{
	struct task *t = find_task_by_pid(m, pid);
	int err = 0, nid = -1;
	pte_t *pmd;

	machine_lock(m);
	pmd = pmd_lookup(m, t->mm, addr, 0, &err);
	if (pmd && pmd_trans_huge(*pmd))
		nid = pfn_zone(m, pte_pfn(*pmd))->nid;
	machine_unlock(m);
	return nid;
}

static int try_touch(int pid, uint64_t addr, uint64_t len)
{
	return try_call(pid, (struct mm_call){ .verb = MMV_TOUCH, .addr = addr, .len = len, .mode = 'w' },
			NULL);
}

/* BIND 1: every page from node 1's pool; when it is empty, SIGBUS though node 0 has pages. */
Test(hugetlb_numa, bind_takes_its_nodes_pages_only)
{
	int pid = spawn_proc();
	uint64_t a = map_htlb(pid, 8 * MB, MM_MAP_PRIVATE), b;

	mbind_mode(pid, a, 8 * MB, MM_MPOL_BIND, 2);
	touch(pid, a, 8 * MB, 1);
	for (int k = 0; k < 4; k++)
		cr_assert_eq(huge_node_at(pid, a + k * 2 * MB), 1, "page %d", k);
	cr_assert_eq(m->free_huge_pages_node[1], 0);
	cr_assert_eq(m->free_huge_pages_node[0], 4);
	b = map_htlb(pid, 2 * MB, MM_MAP_PRIVATE);	/* the reservation is the pool's, not a node's */
	mbind_mode(pid, b, 2 * MB, MM_MPOL_BIND, 2);
	cr_assert_neq(try_touch(pid, b, 2 * MB), 0);
	cr_assert_eq(m->free_huge_pages_node[0], 4);
	expect_pool(8, 4, 1);
}

/* INTERLEAVE 0-1: page k of the mapping on node k mod 2 (the index in 2 MiB units). */
Test(hugetlb_numa, interleave_by_huge_page_index)
{
	int pid = spawn_proc();
	uint64_t a = map_htlb(pid, 8 * MB, MM_MAP_SHARED);

	mbind_mode(pid, a, 8 * MB, MM_MPOL_INTERLEAVE, 3);
	touch(pid, a, 8 * MB, 1);
	for (int k = 0; k < 4; k++)
		cr_assert_eq(huge_node_at(pid, a + k * 2 * MB), k % 2, "page %d", k);
	cr_assert_eq(m->free_huge_pages_node[0], 2);
	cr_assert_eq(m->free_huge_pages_node[1], 2);
}

/* PREFERRED 1 (a task policy): node 1 first, then node 0 when node 1's pool is empty. */
Test(hugetlb_numa, preferred_spills_to_the_next_node)
{
	int pid = spawn_proc();
	uint64_t a = map_htlb(pid, 12 * MB, MM_MAP_PRIVATE);

	call(pid, (struct mm_call){ .verb = MMV_SET_MEMPOLICY, .mode = MM_MPOL_PREFERRED,
		.nodes = { 2 }, .nodes_ptr = { 1 }, .maxnode = 65, .fd = -1 });
	touch(pid, a, 12 * MB, 1);
	for (int k = 0; k < 6; k++)
		cr_assert_eq(huge_node_at(pid, a + k * 2 * MB), k < 4 ? 1 : 0, "page %d", k);
	cr_assert_eq(m->free_huge_pages_node[0], 2);
	cr_assert_eq(m->free_huge_pages_node[1], 0);
}

/* The default policy: the task's own node first (numa_node_id), not node 0. */
Test(hugetlb_numa, default_is_the_local_node)
{
	int pid = spawn_proc(), local;
	uint64_t a = map_htlb(pid, 4 * MB, MM_MAP_PRIVATE);

	uint64_t cpus[MM_MAX_CPUS / 64] = { 2 };	/* CPU 1: node 1's */

	cr_assert_eq(mm_sched_setaffinity(m, pid, pid, cpus, NULL, 0), 0);
	local = task_node(m, find_task_by_pid(m, pid));
	cr_assert_eq(local, 1);
	touch(pid, a, 4 * MB, 1);
	cr_assert_eq(huge_node_at(pid, a), 1);
	cr_assert_eq(huge_node_at(pid, a + 2 * MB), 1);
}
