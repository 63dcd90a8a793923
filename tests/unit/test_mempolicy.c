// SPDX-License-Identifier: MIT
/*
 * test_mempolicy.c - NUMA memory policies (mm/mempolicy.c): the errno of
 * every bad call as the reference host (one node) gives it, and on a
 * 2-node machine the placement rules derived from Linux's mm/mempolicy.c
 * (doc/numa.md): interleave by page offset, bind never spills, preferred
 * spills, local follows the task's CPU; VMA split and merge by policy,
 * fork inheritance, exact numa_* counters. The checker runs after every
 * call.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../fs/parse.h"
#include "../../mm/filemap.h"
#include "../../mm/mempolicy.h"
#include "../../mm/page_alloc.h"
#include "../../mm/pgtable.h"
#include "../../mm/vma.h"

static struct machine *m;

#include "mmtest.h"

static void boot(uint64_t ram_mb, int nodes)
{
	struct mm_config cfg = { .ram_bytes = ram_mb << 20, .nr_nodes = nodes };
	char why[256];

	m = mm_boot(&cfg, why, sizeof(why));
	cr_assert(m, "%s", why);
}

static int spawn(void)
{
	char why[128];
	int pid;

	cr_assert_eq(mm_spawn(m, "", &pid, why, sizeof(why)), 0, "%s", why);
	return pid;
}

/* One control line for pid: 0 or -errno; *val the reply's number. */
static int run_v(int pid, const char *line, uint64_t *val)
{
	struct mm_call c;
	char why[256] = "";
	int err = parse_command(line, strlen(line), PARSE_PROCESS, &c, why, sizeof(why));

	cr_assert_eq(err, 0, "parse '%s': %s", line, why);
	err = mm_syscall(m, pid, &c, val, why, sizeof(why));
	check_ok();
	return err;
}

static int run(int pid, const char *line)
{
	uint64_t v;

	return run_v(pid, line, &v);
}

/* get_mempolicy's reply as ctl writes it: "POLICY NODES" (or the -errno). */
static char *getpol(int pid, const char *line)
{
	static char out[64];
	struct mm_call c;
	char why[256] = "";
	uint64_t nodes;
	int policy, err = parse_command(line, strlen(line), PARSE_PROCESS, &c, why, sizeof(why));

	cr_assert_eq(err, 0, "parse '%s': %s", line, why);
	err = mm_get_mempolicy(m, pid, &c, &policy, &nodes, why, sizeof(why));
	check_ok();
	if (err)
		snprintf(out, sizeof(out), "%d", err);
	else
		snprintf(out, sizeof(out), "%d %#llx", policy, (unsigned long long)nodes);
	return out;
}

/* The node of the page mapped at addr, or -1. */
static int node_at(int pid, uint64_t addr)
{
	struct task *t = find_task_by_pid(m, pid);
	int err = 0, nid = -1;
	pte_t *pte;

	machine_lock(m);
	pte = pte_lookup(m, t->mm, addr, 0, &err);
	if (pte && pte_present(*pte))
		nid = pfn_zone(m, pte_pfn(*pte))->nid;
	machine_unlock(m);
	return nid;
}

/* numa_maps policy text and N0/N1 of the VMA at addr. */
static void numa_vma(int pid, uint64_t addr, char *policy, uint64_t *n0, uint64_t *n1)
{
	struct mm_numa_vma *v;
	size_t nr;

	cr_assert_eq(mm_numa_maps(m, pid, &v, &nr), 0);
	policy[0] = '\0';
	for (size_t i = 0; i < nr; i++) {
		if (v[i].start != addr)
			continue;
		strcpy(policy, v[i].policy);
		*n0 = v[i].node[0];
		*n1 = v[i].node[1];
	}
	free(v);
	cr_assert(policy[0], "no VMA at %#llx", (unsigned long long)addr);
}

static int64_t numa_stat(int nid, int item)
{
	int64_t n = 0;

	for (int z = 0; z < MAX_NR_ZONES; z++)
		n += m->node[nid]->node_zones[z].numa_stat[item];
	return n;
}

static size_t vmas(int pid)
{
	return find_task_by_pid(m, pid)->mm->map_count;
}

#define A "0x7f0000000000"
#define ADDR 0x7f0000000000ULL

static uint64_t map_at(int pid, const char *len)
{
	char line[128];
	uint64_t a;

	snprintf(line, sizeof(line), "mmap " A " %s rw- private,anon,fixed", len);
	cr_assert_eq(run_v(pid, line, &a), 0);
	return a;
}

/*
 * The reference host (Linux 6.18, one node, MAX_NUMNODES 1024): every line
 * below was run there as a raw system call (tests/diff/mempolicy.cmds runs
 * them through the differential tester too).
 */
Test(errnos, one_node_as_the_host)
{
	static const struct { const char *line; int err; } rows[] = {
		{ "set_mempolicy(MPOL_DEFAULT, [0000000000000000], 64)", 0 },
		{ "set_mempolicy(MPOL_DEFAULT, [0x00000000000001], 64)", -EINVAL },
		{ "set_mempolicy(MPOL_DEFAULT, NULL, 0)", 0 },
		{ "set_mempolicy(MPOL_DEFAULT, [], 0)", -EINVAL },	/* maxnode 0 wraps */
		{ "set_mempolicy(MPOL_DEFAULT, [0x00000000000001], 1)", 0 },
		{ "set_mempolicy(MPOL_BIND, [0x00000000000001], 64)", 0 },
		{ "set_mempolicy(MPOL_BIND, [0000000000000000], 64)", -EINVAL },
		{ "set_mempolicy(MPOL_BIND, [0x00000000000002], 64)", -EINVAL },
		{ "set_mempolicy(MPOL_BIND, NULL, 64)", -EINVAL },
		{ "set_mempolicy(MPOL_BIND, [0x00000000000001], 2)", 0 },
		{ "set_mempolicy(0x7 /* MPOL_??? */, [0x00000000000001], 64)", -EINVAL },
		{ "set_mempolicy(0x63 /* MPOL_??? */, [0x00000000000001], 64)", -EINVAL },
		{ "set_mempolicy(0xffffffff /* MPOL_??? */, [0x00000000000001], 64)", -EINVAL },
		{ "set_mempolicy(0x10002 /* MPOL_??? */, [0x00000000000001], 64)", -EINVAL },
		{ "set_mempolicy(MPOL_BIND|MPOL_F_STATIC_NODES|MPOL_F_RELATIVE_NODES, [0x00000000000001], 64)", -EINVAL },
		{ "set_mempolicy(MPOL_BIND|MPOL_F_NUMA_BALANCING, [0x00000000000001], 64)", 0 },
		{ "set_mempolicy(MPOL_INTERLEAVE|MPOL_F_NUMA_BALANCING, [0x00000000000001], 64)", -EINVAL },
		{ "set_mempolicy(MPOL_PREFERRED_MANY|MPOL_F_NUMA_BALANCING, [0x00000000000001], 64)", 0 },
		{ "set_mempolicy(MPOL_LOCAL|MPOL_F_NUMA_BALANCING, NULL, 0)", -EINVAL },
		{ "set_mempolicy(MPOL_PREFERRED, [0000000000000000], 64)", 0 },
		{ "set_mempolicy(MPOL_PREFERRED|MPOL_F_STATIC_NODES, [0000000000000000], 64)", -EINVAL },
		{ "set_mempolicy(MPOL_LOCAL, [0000000000000000], 64)", 0 },
		{ "set_mempolicy(MPOL_LOCAL, [0x00000000000001], 64)", -EINVAL },
		{ "set_mempolicy(MPOL_LOCAL|MPOL_F_STATIC_NODES, NULL, 0)", -EINVAL },
		{ "set_mempolicy(MPOL_BIND, [0000000000000000, 0000000000000000, 0x00000000000001], 129)", -EINVAL },
		{ "set_mempolicy(MPOL_BIND, [0x00000000000001, 0000000000000000, 0x00000000000001], 192)", 0 },
		{ "set_mempolicy(MPOL_BIND, [0x00000000000001], 32769)", 0 },
		{ "set_mempolicy(MPOL_BIND, [0x00000000000001], 32770)", -EINVAL },
		{ "set_mempolicy(MPOL_BIND, 0x8, 64)", -EFAULT },
		{ "set_mempolicy(MPOL_INTERLEAVE, [0x00000000000003], 64)", 0 },
		{ "set_mempolicy(MPOL_DEFAULT, NULL, 0)", 0 },
	};
	int pid;

	boot(256, 1);
	pid = spawn();
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		cr_expect_eq(run(pid, rows[i].line), rows[i].err, "%s", rows[i].line);
	mm_shutdown(m);
}

Test(errnos, mbind_and_get_mempolicy_as_the_host)
{
	static const struct { const char *line; int err; } rows[] = {
		{ "mbind(0x7f0000000000, 4096, MPOL_BIND, [0x00000000000001], 64, 0)", 0 },
		{ "mbind(0x7f0000000001, 4096, MPOL_BIND, [0x00000000000001], 64, 0)", -EINVAL },
		{ "mbind(0x7f0000000000, 0, MPOL_BIND, [0x00000000000001], 64, 0)", 0 },
		{ "mbind(0x7f0000000000, 0, MPOL_BIND, [0000000000000000], 64, 0)", 0 },
		{ "mbind(0x7f0000000000, 4096, MPOL_BIND, [0x00000000000001], 64, 0x8)", -EINVAL },
		{ "mbind(0x7f0000000000, 4096, MPOL_BIND, [0x00000000000001], 64, MPOL_MF_STRICT|MPOL_MF_MOVE|MPOL_MF_MOVE_ALL)", 0 },
		{ "mbind(0x7f0000000000, 4096, 0x9 /* MPOL_??? */, [0x00000000000001], 64, 0)", -EINVAL },
		{ "mbind(0x7f0000000000, 4096, MPOL_BIND, [0000000000000000], 64, 0)", -EINVAL },
		{ "mbind(0x7f0000000000, 4096, MPOL_DEFAULT, [0x00000000000001], 64, 0)", -EINVAL },
		{ "mbind(0x7f0000000000, 18446744073709547520, MPOL_BIND, [0x00000000000001], 64, 0)", -EINVAL },
		{ "mbind(0x7f0000000000, 1, MPOL_BIND, [0x00000000000001], 64, 0)", 0 },
		{ "mbind(0x1000, 4096, MPOL_BIND, [0x00000000000001], 64, 0)", -EFAULT },
		{ "mbind(0x1000, 4096, MPOL_DEFAULT, NULL, 0, 0)", -EFAULT },
		{ "mbind(0x7efffffff000, 8192, MPOL_BIND, [0x00000000000001], 64, 0)", -EFAULT },
		{ "mbind(0x7efffffff000, 8192, MPOL_DEFAULT, NULL, 0, 0)", 0 },
		{ "mbind(0x7f00000ff000, 8192, MPOL_DEFAULT, NULL, 0, 0)", 0 },
		{ "mbind(0x7f0000000000, 4096, MPOL_BIND, [0x00000000000002], 64, 0)", -EINVAL },
		{ "mbind(0x7f0000000000, 4096, MPOL_BIND|MPOL_F_NUMA_BALANCING, [0x00000000000001], 64, 0)", 0 },
		{ "mbind(0x7f0000000000, 4096, MPOL_INTERLEAVE|MPOL_F_NUMA_BALANCING, [0x00000000000001], 64, 0)", -EINVAL },
		{ "mbind(0x7f0000000000, 4096, MPOL_BIND, 0x8, 64, 0)", -EFAULT },
		{ "mbind(0x7f0000000000, 4096, MPOL_BIND, 0x55fa8af8f060, 1, 0)", -EINVAL },
		/* a page on node 0 in the range: STRICT with a policy that excludes it */
		{ "mbind(0x7f0000000000, 4096, MPOL_BIND, [0x00000000000001], 64, MPOL_MF_STRICT)", 0 },
		{ "mbind(0x7f0000000000, 4096, MPOL_LOCAL, NULL, 0, MPOL_MF_STRICT)", -EIO },
		{ "mbind(0x7f0000000000, 4096, MPOL_LOCAL, NULL, 0, 0)", 0 },
		{ "mbind(0x7f0000000000, 4096, MPOL_PREFERRED, NULL, 0, MPOL_MF_STRICT)", -EIO },
		{ "mbind(0x7f0000000000, 4096, MPOL_DEFAULT, NULL, 0, MPOL_MF_STRICT)", 0 },
	};
	int pid;

	boot(256, 1);
	pid = spawn();
	map_at(pid, "1M");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (!strcmp(rows[i].line + 6, "0x7f0000000000, 4096, MPOL_BIND, [0x00000000000001], 64, MPOL_MF_STRICT)"))
			touch(pid, ADDR, 1, 1);
		cr_expect_eq(run(pid, rows[i].line), rows[i].err, "%s", rows[i].line);
	}
	/* get_mempolicy: the host's answers */
	cr_expect_eq(run(pid, "set_mempolicy(MPOL_BIND, [0x00000000000001], 64)"), 0);
	cr_expect_str_eq(getpol(pid, "get_mempolicy([MPOL_BIND], [0x00000000000001], 64, NULL, 0)"), "2 0x1");
	cr_expect_str_eq(getpol(pid, "get_mempolicy([MPOL_BIND], [], 0, NULL, 0)"), "-22");
	cr_expect_str_eq(getpol(pid, "get_mempolicy([MPOL_BIND], NULL, 0, NULL, 0)"), "2 0");
	cr_expect_str_eq(getpol(pid, "get_mempolicy([MPOL_BIND], [0x1], 1, NULL, 0)"), "2 0");
	cr_expect_str_eq(getpol(pid, "get_mempolicy(0x7ffd4486cb04, 0x55fa8af91060, 64, NULL, 0x8)"), "-22");
	cr_expect_str_eq(getpol(pid, "get_mempolicy(0x7ffd4486cb04, 0x55fa8af91060, 64, 0x1000, 0)"), "-22");
	cr_expect_str_eq(getpol(pid, "get_mempolicy(0x7ffd4486cb04, 0x55fa8af91060, 64, NULL, MPOL_F_NODE)"), "-22");
	cr_expect_str_eq(getpol(pid, "get_mempolicy([MPOL_DEFAULT], [0x1], 64, NULL, MPOL_F_MEMS_ALLOWED)"), "0 0x1");
	cr_expect_str_eq(getpol(pid, "get_mempolicy(0x7ffd4486cb04, 0x55fa8af91060, 64, NULL, MPOL_F_NODE|MPOL_F_MEMS_ALLOWED)"), "-22");
	cr_expect_str_eq(getpol(pid, "get_mempolicy(0x7ffd4486cb04, 0x55fa8af91060, 64, NULL, MPOL_F_ADDR)"), "-14");
	cr_expect_str_eq(getpol(pid, "get_mempolicy(0x7ffd4486cb04, 0x55fa8af91060, 64, 0x1000, MPOL_F_ADDR)"), "-14");
	cr_expect_str_eq(getpol(pid, "get_mempolicy(0x7ffd4486cb04, 0x55fa8af91060, 40000, NULL, 0)"), "-22");
	cr_expect_str_eq(getpol(pid, "get_mempolicy([MPOL_BIND], [0x1], 32769, NULL, 0)"), "2 0x1");
	cr_expect_str_eq(getpol(pid, "get_mempolicy(0x7ffd4486cb04, 0x55fa8af91060, 32770, NULL, 0)"), "-22");
	cr_expect_str_eq(getpol(pid, "get_mempolicy([MPOL_DEFAULT], [0000000000000000], 64, 0x7f0000000000, MPOL_F_NODE|MPOL_F_ADDR)"), "0 0");
	cr_expect_str_eq(getpol(pid, "get_mempolicy([MPOL_DEFAULT], [0000000000000000], 64, 0x7f0000000000, MPOL_F_ADDR)"), "0 0");
	cr_expect_eq(run(pid, "set_mempolicy(MPOL_INTERLEAVE, [0x00000000000001], 64)"), 0);
	cr_expect_str_eq(getpol(pid, "get_mempolicy([0], [0x1], 64, NULL, MPOL_F_NODE)"), "0 0x1");
	cr_expect_eq(run(pid, "set_mempolicy(MPOL_PREFERRED|MPOL_F_STATIC_NODES, [0x00000000000001], 64)"), 0);
	cr_expect_str_eq(getpol(pid, "get_mempolicy([32769], [0x1], 64, NULL, 0)"), "32769 0x1");
	cr_expect_eq(run(pid, "set_mempolicy(MPOL_BIND|MPOL_F_NUMA_BALANCING, [0x00000000000001], 64)"), 0);
	cr_expect_str_eq(getpol(pid, "get_mempolicy"), "8194 0x1");
	cr_expect_eq(run(pid, "set_mempolicy local"), 0);
	cr_expect_str_eq(getpol(pid, "get_mempolicy"), "4 0");
	mm_shutdown(m);
}

/* interleave_index: page k of a VMA goes to node (vm_pgoff + k) mod 2. */
Test(placement, interleave_by_offset)
{
	char pol[96];
	uint64_t n0 = 0, n1 = 0;
	int pid;

	boot(256, 2);
	pid = spawn();
	map_at(pid, "64K");
	cr_assert_eq(run(pid, "mbind " A " 64K interleave 0-1"), 0);
	touch(pid, ADDR + 3 * 4096, 4096, 1);	/* out of order: the offset decides */
	touch(pid, ADDR, 64 << 10, 1);
	for (int k = 0; k < 16; k++)
		cr_assert_eq(node_at(pid, ADDR + k * 4096ULL), (int)(((ADDR >> 12) + k) % 2), "page %d", k);
	numa_vma(pid, ADDR, pol, &n0, &n1);
	cr_assert_str_eq(pol, "interleave:0-1");
	cr_assert_eq(n0, 8);
	cr_assert_eq(n1, 8);
	cr_assert_eq(numa_stat(0, NUMA_INTERLEAVE), 8);
	cr_assert_eq(numa_stat(1, NUMA_INTERLEAVE), 8);
	mm_shutdown(m);
}

/* bind 1 from a CPU of node 0: every page on node 1; hit and other there. */
Test(placement, bind_counters_exact)
{
	int64_t hit0, hit1, other1, local0, local1, miss1, foreign0;
	char pol[96];
	uint64_t n0 = 0, n1 = 0;
	int pid;

	boot(256, 2);
	pid = spawn();
	map_at(pid, "40K");
	cr_assert_eq(run(pid, "mbind(0x7f0000000000, 40960, MPOL_BIND, [0x00000000000002], 64, 0) = 0"), 0);
	hit0 = numa_stat(0, NUMA_HIT);
	hit1 = numa_stat(1, NUMA_HIT);
	other1 = numa_stat(1, NUMA_OTHER);
	local0 = numa_stat(0, NUMA_LOCAL);
	local1 = numa_stat(1, NUMA_LOCAL);
	miss1 = numa_stat(1, NUMA_MISS);
	foreign0 = numa_stat(0, NUMA_FOREIGN);
	touch(pid, ADDR, 40960, 1);	/* 10 pages; the tables are kernel pages of node 0 */
	numa_vma(pid, ADDR, pol, &n0, &n1);
	cr_assert_str_eq(pol, "bind:1");
	cr_assert_eq(n0, 0);
	cr_assert_eq(n1, 10);
	cr_assert_eq(numa_stat(1, NUMA_HIT) - hit1, 10);
	cr_assert_eq(numa_stat(1, NUMA_OTHER) - other1, 10);
	cr_assert_eq(numa_stat(1, NUMA_LOCAL) - local1, 0);
	cr_assert_eq(numa_stat(1, NUMA_MISS) - miss1, 0);
	cr_assert_eq(numa_stat(0, NUMA_FOREIGN) - foreign0, 0);
	/* the page-table pages: kernel allocations on the local node 0 */
	cr_assert_eq(numa_stat(0, NUMA_HIT) - hit0, numa_stat(0, NUMA_LOCAL) - local0);
	mm_shutdown(m);
}

/* preferred 1 spills to node 0 when node 1 is full; bind 1 never does. */
Test(placement, preferred_spills_bind_does_not)
{
	char pol[96];
	uint64_t n0 = 0, n1 = 0, free0;
	int pid, pid2;

	boot(128, 2);	/* 64 MiB a node */
	pid = spawn();
	map_at(pid, "80M");
	cr_assert_eq(run(pid, "set_mempolicy preferred 1"), 0);
	touch(pid, ADDR, 80 << 20, 1);
	numa_vma(pid, ADDR, pol, &n0, &n1);
	cr_assert_str_eq(pol, "prefer:1");
	cr_assert_gt(n1, 12000);
	cr_assert_gt(n0, 0);
	cr_assert_eq(n0 + n1, 20480);
	kill_pid(pid);

	pid2 = spawn();
	map_at(pid2, "80M");
	cr_assert_eq(run(pid2, "set_mempolicy bind 1"), 0);
	free0 = zone_free_pages(&m->node[0]->node_zones[ZONE_DMA32]);
	/* node 1 fills, reclaim finds nothing, the OOM killer takes the process */
	cr_assert_neq(run(pid2, "touch " A " 80M w"), 0);
	cr_assert_null(find_task_by_pid(m, pid2));
	cr_assert_geq(zone_free_pages(&m->node[0]->node_zones[ZONE_DMA32]), free0 - 8,
		      "bind 1 took pages of node 0");
	mm_shutdown(m);
}

/* MPOL_LOCAL (and the default) follow the node of the task's CPU. */
Test(placement, local_follows_task_node)
{
	uint64_t n0 = 0, n1 = 0;
	char pol[96];
	int pid;

	boot(256, 2);	/* cpus 0 and 1: one a node */
	pid = spawn();
	map_at(pid, "32K");
	cr_assert_eq(run(pid, "set_mempolicy local"), 0);
	machine_lock(m);
	task_set_cpu(m, find_task_by_pid(m, pid), 1);	/* what taskset does */
	machine_unlock(m);
	touch(pid, ADDR, 16384, 1);
	cr_assert_eq(run(pid, "set_mempolicy default"), 0);
	touch(pid, ADDR + 16384, 16384, 1);
	numa_vma(pid, ADDR, pol, &n0, &n1);
	cr_assert_str_eq(pol, "default");
	cr_assert_eq(n0, 0);
	cr_assert_eq(n1, 8);
	mm_shutdown(m);
}

/*
 * mbind splits at the range's edges and merges neighbours whose policies
 * are equal, as vma_modify_policy does:
 *
 *   AAAA  -> mbind [1,3) bind 1 -> ABBA -> again: unchanged
 *   -> mbind [0,1) bind 1 -> BBBA (merged left) -> mbind [0,4) default -> AAAA
 */
Test(vma, split_and_merge_by_policy)
{
	char pol[96];
	uint64_t n0, n1;
	int pid;
	size_t base;

	boot(256, 2);
	pid = spawn();
	base = vmas(pid);
	map_at(pid, "16K");
	cr_assert_eq(vmas(pid), base + 1);
	cr_assert_eq(run(pid, "mbind 0x7f0000001000 8K bind 1"), 0);
	cr_assert_eq(vmas(pid), base + 3);
	cr_assert_eq(run(pid, "mbind 0x7f0000001000 8K bind 1"), 0);
	cr_assert_eq(vmas(pid), base + 3);
	cr_assert_eq(run(pid, "mbind " A " 4K bind 1"), 0);
	cr_assert_eq(vmas(pid), base + 2);
	numa_vma(pid, ADDR, pol, &n0, &n1);
	cr_assert_str_eq(pol, "bind:1");
	numa_vma(pid, ADDR + 0x3000, pol, &n0, &n1);
	cr_assert_str_eq(pol, "default");
	/* same nodes, other flags: not equal, no merge */
	cr_assert_eq(run(pid, "mbind 0x7f0000003000 4K bind,static 1"), 0);
	cr_assert_eq(vmas(pid), base + 2);
	numa_vma(pid, ADDR + 0x3000, pol, &n0, &n1);
	cr_assert_str_eq(pol, "bind=static:1");
	cr_assert_eq(run(pid, "mbind " A " 16K default none"), 0);
	cr_assert_eq(vmas(pid), base + 1);
	/* a new mapping next to one with a policy does not merge with it */
	cr_assert_eq(run(pid, "mbind " A " 16K interleave 0-1"), 0);
	cr_assert_eq(run(pid, "mmap 0x7f0000004000 4K rw- private,anon,fixed"), 0);
	cr_assert_eq(vmas(pid), base + 2);
	mm_shutdown(m);
}

Test(fork, inherits_task_and_vma_policies)
{
	char pol[96];
	uint64_t n0 = 0, n1 = 0;
	int pid, child;

	boot(256, 2);
	pid = spawn();
	map_at(pid, "16K");
	cr_assert_eq(run(pid, "set_mempolicy interleave 0-1"), 0);
	cr_assert_eq(run(pid, "mbind " A " 16K bind 1"), 0);
	touch(pid, ADDR, 4096, 1);
	child = fork_of(pid);
	cr_assert_str_eq(getpol(child, "get_mempolicy"), "3 0x3");
	cr_assert_str_eq(getpol(child, "get_mempolicy " A " addr"), "2 0x2");
	touch(child, ADDR + 4096, 4096, 1);
	numa_vma(child, ADDR, pol, &n0, &n1);
	cr_assert_str_eq(pol, "bind:1");
	cr_assert_eq(n1, 2);
	/* exec: the VMA policies go with the mm, the task policy stays (Linux) */
	cr_assert_eq(run(child, "exec"), 0);
	cr_assert_str_eq(getpol(child, "get_mempolicy"), "3 0x3");
	kill_pid(pid);
	cr_assert_str_eq(getpol(child, "get_mempolicy"), "3 0x3");
	mm_shutdown(m);
}

/* A VMA without a policy shows the task's in numa_maps; the texts of every mode. */
Test(numa_maps, policy_texts)
{
	static const struct { const char *set, *want; } rows[] = {
		{ "set_mempolicy default", "default" },
		{ "set_mempolicy local", "local" },
		{ "set_mempolicy preferred none", "local" },
		{ "set_mempolicy preferred 1", "prefer:1" },
		{ "set_mempolicy preferred 0-1", "prefer:0" },
		{ "set_mempolicy bind 0-1", "bind:0-1" },
		{ "set_mempolicy interleave 0x3", "interleave:0-1" },
		{ "set_mempolicy preferred_many 0,1", "prefer (many):0-1" },
		{ "set_mempolicy weighted_interleave 0-1", "weighted interleave:0-1" },
		{ "set_mempolicy bind,static 1-5", "bind=static:1" },
		{ "set_mempolicy bind|relative 2-3", "bind=relative:0-1" },
		{ "set_mempolicy bind|balancing 1", "bind=balancing:1" },
		{ "set_mempolicy bind|relative|balancing 1", "bind=relative|balancing:1" },
		{ "set_mempolicy(MPOL_PREFERRED|MPOL_F_STATIC_NODES, [0x00000000000002], 64)", "prefer=static:1" },
	};
	char pol[96];
	uint64_t n0, n1;
	int pid;

	boot(256, 2);
	pid = spawn();
	map_at(pid, "4K");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		cr_assert_eq(run(pid, rows[i].set), 0, "%s", rows[i].set);
		numa_vma(pid, ADDR, pol, &n0, &n1);
		cr_expect_str_eq(pol, rows[i].want, "%s", rows[i].set);
	}
	/* static and relative keep the nodes as given for get_mempolicy */
	cr_assert_eq(run(pid, "set_mempolicy bind,static 1-5"), 0);
	cr_assert_str_eq(getpol(pid, "get_mempolicy"), "32770 0x3e");
	mm_shutdown(m);
}

/* Task-level interleave (no VMA: the page cache) goes round-robin from il_prev. */
Test(placement, task_interleave_round_robin)
{
	int pid;

	boot(256, 2);
	pid = spawn();
	cr_assert_eq(run(pid, "set_mempolicy interleave 0-1"), 0);
	cr_assert_str_eq(getpol(pid, "get_mempolicy 0 node"), "0 0x3");
	machine_lock(m);
	m->cur_task = find_task_by_pid(m, pid);
	for (int i = 0; i < 5; i++) {
		struct page *p = alloc_pages_task_policy(m, 0, 0);

		cr_assert_eq(page_zone(m, p)->nid, i % 2);
		free_pages(m, p, 0);
	}
	m->cur_task = NULL;
	machine_unlock(m);
	cr_assert_str_eq(getpol(pid, "get_mempolicy 0 node"), "1 0x3");
	mm_shutdown(m);
}

/* The checker recounts every policy's holders and checks its fields. */
Test(check, policy_refcounts_and_fields)
{
	struct mempolicy *pol;
	char *r;
	int pid, child, nbad = 0;

	boot(256, 2);
	pid = spawn();
	map_at(pid, "16K");
	cr_assert_eq(run(pid, "set_mempolicy interleave 0-1"), 0);
	cr_assert_eq(run(pid, "mbind 0x7f0000001000 4K bind 1"), 0);
	child = fork_of(pid);
	pol = find_task_by_pid(m, pid)->mempolicy;
	cr_assert_eq(pol, find_task_by_pid(m, child)->mempolicy, "fork shares the policy");
	cr_assert_eq(pol->refcnt, 2);
	pol->refcnt++;
	r = mm_check(m, &nbad);
	cr_assert_eq(nbad, 1, "%s", r);
	cr_assert(strstr(r, "policy refcnt 3 but 2 holders"), "%s", r);
	free(r);
	pol->refcnt--;
	pol->nodes = 0x4;	/* node 2 does not exist */
	r = mm_check(m, &nbad);
	cr_assert_eq(nbad, 1, "%s", r);
	cr_assert(strstr(r, "policy nodes 0x4 not a non-empty set of online nodes"), "%s", r);
	free(r);
	pol->nodes = 0x3;
	pol->nr_nodes = 1;	/* the cached weight of the interleave fault path */
	r = mm_check(m, &nbad);
	cr_assert_eq(nbad, 1, "%s", r);
	cr_assert(strstr(r, "policy nr_nodes 1 but 2 nodes"), "%s", r);
	free(r);
	pol->nr_nodes = 2;
	check_ok();
	kill_pid(child);
	cr_assert_eq(pol->refcnt, 1);
	mm_shutdown(m);
}

/*
 * Weighted interleave: node n takes weight(n) consecutive slots of the
 * interleave index (weighted_interleave_nid). node1 = 3: of every 4 pages
 * one goes to node 0 and three to node 1. Writing a weight turns auto off;
 * auto on gives every node weight 1 again (no bandwidth data).
 */
Test(placement, weighted_interleave_weights)
{
	char pol[96], buf[16];
	uint64_t n0 = 0, n1 = 0;
	int pid;

	boot(256, 2);
	pid = spawn();
	cr_assert_eq(mm_tunable_read(m, "__auto_type", buf, sizeof(buf)), 5);
	cr_assert_str_eq(buf, "true\n");
	cr_assert_eq(mm_tunable_write(m, "node1", "3\n", 2), 0);
	cr_assert_eq(mm_tunable_write(m, "node1", "0", 1), -EINVAL);
	cr_assert_eq(mm_tunable_write(m, "node1", "256", 3), -EINVAL);
	cr_assert_eq(mm_tunable_read(m, "__auto_type", buf, sizeof(buf)), 6);
	cr_assert_str_eq(buf, "false\n");
	map_at(pid, "64K");
	cr_assert_eq(run(pid, "mbind " A " 64K weighted_interleave 0-1"), 0);
	touch(pid, ADDR, 64 << 10, 1);
	for (int k = 0; k < 16; k++)
		cr_assert_eq(node_at(pid, ADDR + k * 4096ULL), ((ADDR >> 12) + k) % 4 ? 1 : 0, "page %d", k);
	numa_vma(pid, ADDR, pol, &n0, &n1);
	cr_assert_str_eq(pol, "weighted interleave:0-1");
	cr_assert_eq(n0, 4);
	cr_assert_eq(n1, 12);
	cr_assert_eq(mm_tunable_write(m, "__auto_type", "on", 2), 0);
	cr_assert_eq(mm_tunable_read(m, "node1", buf, sizeof(buf)), 2);
	cr_assert_str_eq(buf, "1\n");
	mm_shutdown(m);
}

/* Swap-in allocates under the faulting VMA's policy (swap_vma_readahead's mpol). */
Test(placement, swapin_follows_the_vma_policy)
{
	struct mm_config cfg = { .ram_bytes = 256ULL << 20, .nr_nodes = 2, .swap_bytes = 64ULL << 20 };
	char why[256], pol[96];
	uint64_t n0 = 0, n1 = 0;
	int pid;

	m = mm_boot(&cfg, why, sizeof(why));
	cr_assert(m, "%s", why);
	pid = spawn();
	map_at(pid, "64K");
	mem_write(pid, ADDR, "hello");	/* a page that is not zeros: it goes to the device */
	touch(pid, ADDR, 64 << 10, 1);
	cr_assert_eq(node_at(pid, ADDR), 0);
	cr_assert_eq(run(pid, "madvise " A " 64K pageout"), 0);
	cr_assert_eq(node_at(pid, ADDR), -1, "paged out");
	cr_assert_eq(run(pid, "mbind " A " 64K bind 1"), 0);
	touch(pid, ADDR, 64 << 10, 0);
	mem_expect(pid, ADDR, "hello");
	numa_vma(pid, ADDR, pol, &n0, &n1);
	cr_assert_str_eq(pol, "bind:1");
	/*
	 * 15 pages of zeros came back from nothing into new pages on node 1;
	 * the page written to the device is still in the swap cache after
	 * its writeback, and a swap-cache hit maps that page where it is
	 */
	cr_assert_eq(n0, 1, "N0=%llu N1=%llu", (unsigned long long)n0, (unsigned long long)n1);
	cr_assert_eq(n1, 15, "N1=%llu", (unsigned long long)n1);
	cr_assert_eq(node_at(pid, ADDR), 0);
	cr_assert_eq(node_at(pid, ADDR + 4096), 1);
	mm_shutdown(m);
}

/* A shmem fault (shared anonymous memory) allocates under its VMA's policy. */
Test(placement, shmem_follows_the_vma_policy)
{
	char pol[96];
	uint64_t n0 = 0, n1 = 0;
	int pid;

	boot(256, 2);
	pid = spawn();
	cr_assert_eq(run(pid, "mmap " A " 64K rw- shared,anon,fixed"), 0);
	cr_assert_eq(run(pid, "mbind " A " 32K interleave 0-1"), 0);
	cr_assert_eq(run(pid, "mbind 0x7f0000008000 32K bind 1"), 0);
	touch(pid, ADDR, 64 << 10, 1);
	/* vm_pgoff of a shared anonymous mapping is its offset in the object: 0 */
	for (int k = 0; k < 8; k++)
		cr_assert_eq(node_at(pid, ADDR + k * 4096ULL), k % 2, "page %d", k);
	numa_vma(pid, ADDR + 0x8000, pol, &n0, &n1);
	cr_assert_str_eq(pol, "bind:1");
	cr_assert_eq(n0, 0);
	cr_assert_eq(n1, 8);
	mm_shutdown(m);
}

static int64_t vm_event(int item)
{
	struct mm_global_snap *g = mm_snap_global(m);
	int64_t v = g->vm_events[item];

	free(g);
	return v;
}

/*
 * mbind with MPOL_MF_MOVE: the pages of the range that are on a node the new
 * policy leaves out move to where the policy allocates (bind: its node;
 * interleave: the node of each page's index), with their bytes; pages
 * already on an allowed node stay (queue_pages_range takes only the
 * misplaced ones).
 */
Test(migrate, mbind_move_moves_the_misplaced_pages)
{
	int64_t moved0 = 0;
	int pid;

	boot(256, 2);
	pid = spawn();
	map_at(pid, "64K");
	touch(pid, ADDR, 64 << 10, 1);
	mem_write(pid, ADDR + 5 * 4096, "page five");
	for (int k = 0; k < 16; k++)
		cr_assert_eq(node_at(pid, ADDR + k * 4096ULL), 0);
	moved0 = vm_event(PGMIGRATE_SUCCESS);
	cr_assert_eq(run(pid, "mbind " A " 64K bind 1 move"), 0);
	for (int k = 0; k < 16; k++)
		cr_assert_eq(node_at(pid, ADDR + k * 4096ULL), 1, "page %d", k);
	cr_assert_eq(vm_event(PGMIGRATE_SUCCESS) - moved0, 16);
	mem_expect(pid, ADDR + 5 * 4096, "page five");
	/* interleave over both: every page is already on an allowed node */
	cr_assert_eq(run(pid, "mbind " A " 64K interleave 0-1 move,strict"), 0);
	cr_assert_eq(vm_event(PGMIGRATE_SUCCESS) - moved0, 16);
	/* interleave over node 0 alone: all come back */
	cr_assert_eq(run(pid, "mbind " A " 32K interleave 0 move"), 0);
	for (int k = 0; k < 16; k++)
		cr_assert_eq(node_at(pid, ADDR + k * 4096ULL), k < 8 ? 0 : 1, "page %d", k);
	cr_assert_eq(vm_event(PGMIGRATE_SUCCESS) - moved0, 24);
	mem_expect(pid, ADDR + 5 * 4096, "page five");
	mm_shutdown(m);
}

/* ---- shared policies of shmem objects (mempolicy_shared.c) ---- */

#include <fcntl.h>
#include <unistd.h>

#include "../../fs/backing.h"
#include "../../fs/cmd.h"
#include "../../mm/swap.h"
#include "../../mm/vmscan.h"

/* The shmem object mapped at addr of pid and its ranges, "[s,e) text" each. */
static struct file_ref *object_at(int pid, uint64_t addr)
{
	struct vm_area_struct *vma = vma_lookup(find_task_by_pid(m, pid)->mm, addr);

	cr_assert(vma);
	return vma_shared_policy_object(vma);
}

static char *ranges(struct file_ref *obj)
{
	static char out[256];
	size_t o = 0;

	out[0] = '\0';
	for (struct sp_node *n = obj->sp_root; n; n = n->next) {
		char pol[64];

		mpol_to_str(pol, sizeof(pol), n->policy);
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s[%llu,%llu) %s", o ? " " : "",
				      (unsigned long long)n->start, (unsigned long long)n->end, pol);
	}
	return out;
}

static int on_list(void)
{
	int n = 0;

	for (struct list_head *l = m->shared_policies.next; l != &m->shared_policies; l = l->next)
		n++;
	return n;
}

/*
 * Two processes attach one System V segment; one mbinds interleave over
 * its attach: the policy is the segment's, so the other's faults follow
 * it (interleave by i_ino + page offset: the segment's id 0 + k), its
 * numa_maps and get_mempolicy(MPOL_F_ADDR) show it, though its VMA has no
 * policy of its own.
 */
Test(shared, segment_policy_followed_by_every_attach)
{
	char pol[96], line[128];
	uint64_t id, aa, ba, n0 = 0, n1 = 0;
	int a, b;

	boot(256, 2);
	a = spawn();
	b = spawn();
	cr_assert_eq(run_v(a, "shmget IPC_PRIVATE 65536 IPC_CREAT|0600", &id), 0);
	cr_assert_eq(id, 0);
	cr_assert_eq(run_v(a, "shmat 0 0 0", &aa), 0);
	cr_assert_eq(run_v(b, "shmat 0 0 0", &ba), 0);
	snprintf(line, sizeof(line), "mbind %#llx 64K interleave 0-1", (unsigned long long)aa);
	cr_assert_eq(run(a, line), 0);
	cr_assert_eq(object_at(a, aa), object_at(b, ba));
	cr_assert_str_eq(ranges(object_at(b, ba)), "[0,16) interleave:0-1");
	cr_assert_null(vma_lookup(find_task_by_pid(m, b)->mm, ba)->vm_policy);
	touch(b, ba, 64 << 10, 1);
	for (int k = 0; k < 16; k++)
		cr_assert_eq(node_at(b, ba + k * 4096ULL), k % 2, "page %d", k);
	numa_vma(b, ba, pol, &n0, &n1);
	cr_assert_str_eq(pol, "interleave:0-1");
	cr_assert_eq(n0, 8);
	cr_assert_eq(n1, 8);
	snprintf(line, sizeof(line), "get_mempolicy %#llx addr", (unsigned long long)ba);
	cr_assert_str_eq(getpol(b, line), "3 0x3");
	/* the task's own policy does not override the object's */
	cr_assert_eq(run(b, "set_mempolicy bind 0"), 0);
	snprintf(line, sizeof(line), "get_mempolicy %#llx addr", (unsigned long long)ba);
	cr_assert_str_eq(getpol(b, line), "3 0x3");
	/* the segment goes (rmid, last detach): its ranges with it */
	cr_assert_eq(on_list(), 1);
	cr_assert_eq(run(a, "shmctl 0 rmid"), 0);
	snprintf(line, sizeof(line), "shmdt %#llx", (unsigned long long)aa);
	cr_assert_eq(run(a, line), 0);
	cr_assert_eq(on_list(), 1);
	snprintf(line, sizeof(line), "shmdt %#llx", (unsigned long long)ba);
	cr_assert_eq(run(b, line), 0);
	cr_assert_eq(on_list(), 0);
	mm_shutdown(m);
}

/*
 * shared_policy_replace: a new range cuts the ones it meets (one covering
 * it on both sides becomes two sharing one policy), equal neighbours are
 * not merged, MPOL_DEFAULT deletes; a range set through a later attach is
 * in object offsets (vm_pgoff), not addresses.
 */
Test(shared, ranges_split_and_go)
{
	struct file_ref *obj;
	uint64_t aa, ab;
	char line[128];
	int a;

	boot(256, 2);
	a = spawn();
	cr_assert_eq(run(a, "shmget IPC_PRIVATE 65536 IPC_CREAT|0600"), 0);
	cr_assert_eq(run_v(a, "shmat 0 0 0", &aa), 0);
	obj = object_at(a, aa);
	snprintf(line, sizeof(line), "mbind %#llx 64K interleave 0-1", (unsigned long long)aa);
	cr_assert_eq(run(a, line), 0);
	snprintf(line, sizeof(line), "mbind %#llx 16K bind 1", (unsigned long long)aa + 0x4000);
	cr_assert_eq(run(a, line), 0);
	cr_assert_str_eq(ranges(obj), "[0,4) interleave:0-1 [4,8) bind:1 [8,16) interleave:0-1");
	cr_assert_eq(obj->sp_root->policy, obj->sp_root->next->next->policy, "the halves share one");
	cr_assert_eq(obj->sp_root->policy->refcnt, 2);
	/* the same policy again over [2,6): still cut, not merged */
	snprintf(line, sizeof(line), "mbind %#llx 16K bind 1", (unsigned long long)aa + 0x2000);
	cr_assert_eq(run(a, line), 0);
	/* (the VMA of [4,8) has the policy already: mbind_range leaves it, only [2,4) is set) */
	cr_assert_str_eq(ranges(obj), "[0,2) interleave:0-1 [2,4) bind:1 [4,8) bind:1 "
			 "[8,16) interleave:0-1");
	/* a second attach of the same segment, mbind over its pages 12..16 */
	cr_assert_eq(run_v(a, "shmat 0 0 0", &ab), 0);
	snprintf(line, sizeof(line), "mbind %#llx 16K prefer 0", (unsigned long long)ab + 0xc000);
	cr_assert_eq(run(a, line), 0);
	cr_assert_str_eq(ranges(obj), "[0,2) interleave:0-1 [2,4) bind:1 [4,8) bind:1 "
			 "[8,12) interleave:0-1 [12,16) prefer:0");
	/*
	 * MPOL_DEFAULT over the first attach: each of its VMAs that had a
	 * policy clears its own offsets -- [8,16) takes the second attach's
	 * [12,16) with it. No range left: off the list.
	 */
	snprintf(line, sizeof(line), "mbind %#llx 64K default 0x0", (unsigned long long)aa);
	cr_assert_eq(run(a, line), 0);
	cr_assert_null(obj->sp_root);
	cr_assert_eq(on_list(), 0);
	/* the second attach's VMA keeps vm_policy, but the object's (none) is what counts */
	snprintf(line, sizeof(line), "get_mempolicy %#llx addr", (unsigned long long)ab + 0xc000);
	cr_assert_str_eq(getpol(a, line), "0 0");
	mm_shutdown(m);
}

/*
 * A shared anonymous mapping is a shmem object too: after fork, the
 * parent's mbind governs the child's faults, numa_maps and get_mempolicy.
 */
Test(shared, shared_anon_across_fork)
{
	char pol[96];
	uint64_t n0 = 0, n1 = 0;
	int pid, child;

	boot(256, 2);
	pid = spawn();
	cr_assert_eq(run(pid, "mmap " A " 32K rw- shared,anon,fixed"), 0);
	child = fork_of(pid);
	cr_assert_eq(run(pid, "mbind " A " 32K bind 1"), 0);
	touch(child, ADDR, 32 << 10, 1);
	numa_vma(child, ADDR, pol, &n0, &n1);
	cr_assert_str_eq(pol, "bind:1");
	cr_assert_eq(n0, 0);
	cr_assert_eq(n1, 8);
	cr_assert_str_eq(getpol(child, "get_mempolicy " A " addr"), "2 0x2");
	kill_pid(pid);
	numa_vma(child, ADDR, pol, &n0, &n1);
	cr_assert_str_eq(pol, "bind:1", "the object outlives the mbinding process");
	kill_pid(child);
	cr_assert_eq(on_list(), 0);
	mm_shutdown(m);
}

/*
 * A /dev/shm file keeps its policy while it exists, mapped or not: pages
 * written through files/ after the last munmap still follow it
 * (interleave by i_ino + index); unlinking the file drops it.
 */
Test(shared, tmpfs_policy_outlives_the_mappings)
{
	struct file_ref *obj;
	char line[128];
	uint64_t a;
	int pid;

	char dir[64] = "/tmp/test_mempolicy.XXXXXX", cmd[96];
	int fd;

	boot(256, 2);
	cr_assert(mkdtemp(dir));
	cr_assert_eq(mm_set_backing(m, dir, 0xfe, 1), 0);
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	cr_assert_eq(backing_init(fd), 0);
	close(fd);
	pid = spawn();
	cr_assert_eq(run(pid, "shm_open /p O_CREAT|O_RDWR 0600"), 0);
	cr_assert_eq(mm_file_write(m, "/dev/shm/p", 15 * 4096, "x", 1), 1);
	cr_assert_eq(run_v(pid, "mmap 0 64K rw- shared /dev/shm/p", &a), 0);
	obj = object_at(pid, a);
	cr_assert(obj && obj->tmpfs);
	snprintf(line, sizeof(line), "mbind %#llx 32K interleave 0-1", (unsigned long long)a);
	cr_assert_eq(run(pid, line), 0);
	snprintf(line, sizeof(line), "munmap %#llx 64K", (unsigned long long)a);
	cr_assert_eq(run(pid, line), 0);
	cr_assert_str_eq(ranges(obj), "[0,8) interleave:0-1");
	for (int k = 0; k < 10; k++)
		cr_assert_eq(mm_file_write(m, "/dev/shm/p", (uint64_t)k * 4096, "y", 1), 1);
	check_ok();
	machine_lock(m);
	for (uint64_t k = 0; k < 10; k++) {
		struct page *page = filemap_find_page(obj, k);

		cr_assert(page);
		cr_assert_eq(page_zone(m, page)->nid, k < 8 ? (int)((obj->ino + k) % 2) : 0,
			     "page %llu", (unsigned long long)k);
	}
	machine_unlock(m);
	{
		/* shm_unlink is unlink in files/ (fs/ctl.c does the same) */
		struct cmd uc = { .type = CT_NS_UNLINK, .path = "/dev/shm/p" };

		cr_assert_eq(backing_exec(m, &uc), 0);
		check_ok();
	}
	cr_assert_eq(on_list(), 1, "open: the inode lives on");
	cr_assert_eq(run(pid, "close 3"), 0);
	cr_assert_eq(on_list(), 0);
	check_ok();
	mm_shutdown(m);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
}

/* The checker: the ranges' policies are holders; the ranges sorted and disjoint. */
Test(check, shared_policy_ranges)
{
	struct file_ref *obj;
	struct sp_node *n;
	uint64_t aa;
	char line[128], *r;
	int a, nbad = 0;

	boot(256, 2);
	a = spawn();
	cr_assert_eq(run(a, "shmget IPC_PRIVATE 65536 IPC_CREAT|0600"), 0);
	cr_assert_eq(run_v(a, "shmat 0 0 0", &aa), 0);
	obj = object_at(a, aa);
	snprintf(line, sizeof(line), "mbind %#llx 64K interleave 0-1", (unsigned long long)aa);
	cr_assert_eq(run(a, line), 0);
	snprintf(line, sizeof(line), "mbind %#llx 16K bind 1", (unsigned long long)aa + 0x4000);
	cr_assert_eq(run(a, line), 0);
	n = obj->sp_root->next;
	n->start = 3;
	r = mm_check(m, &nbad);
	cr_assert_eq(nbad, 1, "%s", r);
	cr_assert(strstr(r, "shmem ino 0: shared policy range [3, 8) after 4"), "%s", r);
	free(r);
	n->start = 4;
	n->policy->refcnt++;
	r = mm_check(m, &nbad);
	cr_assert_eq(nbad, 1, "%s", r);
	cr_assert(strstr(r, "shmem ino 0 range 4: policy refcnt 2 but 1 holders"), "%s", r);
	free(r);
	n->policy->refcnt--;
	check_ok();
	mm_shutdown(m);
}

/*
 * A shmem page read back from swap follows its object's shared policy at
 * its index (shmem_swapin_cluster), not the task's, also when no fault
 * reads it: written on node 0, paged out, the object bound to node 1,
 * read back by MADV_WILLNEED on node 1.
 */
Test(shared, shmem_swapin_follows_the_object)
{
	struct mm_config cfg = { .ram_bytes = 256ULL << 20, .nr_nodes = 2, .swap_bytes = 64ULL << 20 };
	char why[256], pol[96];
	uint64_t n0 = 0, n1 = 0;
	int pid;

	m = mm_boot(&cfg, why, sizeof(why));
	cr_assert(m, "%s", why);
	pid = spawn();
	cr_assert_eq(run(pid, "mmap " A " 32K rw- shared,anon,fixed"), 0);
	for (int k = 0; k < 8; k++)
		mem_write(pid, ADDR + k * 4096ULL, "not zeros");
	cr_assert_eq(node_at(pid, ADDR), 0);
	cr_assert_eq(run(pid, "madvise " A " 32K pageout"), 0);
	cr_assert_eq(node_at(pid, ADDR), -1, "paged out");
	{
		/* the written-back pages wait in the swap cache: reclaim drops them */
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
	cr_assert_eq(run(pid, "mbind " A " 32K bind 1"), 0);
	/* MADV_WILLNEED reads them back with no fault (shmem_swapin_range): the fault maps them */
	cr_assert_eq(run(pid, "madvise " A " 32K willneed"), 0);
	touch(pid, ADDR, 32 << 10, 0);
	numa_vma(pid, ADDR, pol, &n0, &n1);
	cr_assert_str_eq(pol, "bind:1");
	cr_assert_eq(n0, 0, "N0=%llu", (unsigned long long)n0);
	cr_assert_eq(n1, 8, "N1=%llu", (unsigned long long)n1);
	mem_expect(pid, ADDR + 7 * 4096ULL, "not zeros");
	mm_shutdown(m);
}
