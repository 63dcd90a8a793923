// SPDX-License-Identifier: MIT
/*
 * test_numa.c - sys/devices/system/{node,cpu}, status's *_allowed lines and
 * numa_maps against exact Linux 6.18 text; the zonelist order of a SLIT;
 * numa_maps counts against smaps Rss on a booted 2-node machine.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "../../fs/render.h"

static struct machine *m;

#include "mmtest.h"

static struct mm_global_snap *global_new(int nr_nodes, int nr_cpus)
{
	struct mm_global_snap *s = calloc(1, sizeof(*s) + nr_nodes * sizeof(s->node[0]));

	cr_assert(s);
	s->nr_nodes = nr_nodes;
	s->nr_cpus = nr_cpus;
	for (int i = 0; i < nr_nodes; i++)
		for (int j = 0; j < nr_nodes; j++)
			s->distance[i][j] = i == j ? 10 : 20;
	return s;
}

typedef void (*sys_fn)(struct rbuf *, const struct mm_global_snap *, int);

static void expect(const struct mm_global_snap *s, sys_fn fn, int arg, const char *want)
{
	struct rbuf b;

	rbuf_init(&b);
	fn(&b, s, arg);
	rbuf_put(&b, "", 1);
	cr_assert_str_eq(b.buf, want);
	rbuf_free(&b);
}

struct want {
	sys_fn fn;
	int arg;
	const char *text;
};

static void expect_all(int nr_nodes, int nr_cpus, const struct want *w, size_t n)
{
	struct mm_global_snap *s = global_new(nr_nodes, nr_cpus);

	for (size_t i = 0; i < n; i++)
		expect(s, w[i].fn, w[i].arg, w[i].text);
	free(s);
}

#define TOPO(cpu, what)	((cpu) * CPU_TOPO_NR + CPU_TOPO_##what)
#define EXPECT_ALL(nodes, cpus, w) expect_all(nodes, cpus, w, sizeof(w) / sizeof(w[0]))

Test(node, two_nodes_four_cpus)
{
	static const struct want w[] = {
		{ render_node_all, 0, "0-1\n" },
		{ render_node_has_cpu, 0, "0-1\n" },
		{ render_node_cpumap, 0, "3\n" },
		{ render_node_cpumap, 1, "c\n" },
		{ render_node_cpulist, 1, "2-3\n" },
		{ render_node_distance, 1, "20 10\n" },
		{ render_cpu_kernel_max, 0, "255\n" },
		{ render_cpu_all, 0, "0-3\n" },
		{ render_cpu_none, 0, "\n" },
		{ render_cpu_online, 3, "1\n" },
		/* cpu 3: core 1 of package 1 */
		{ render_cpu_topology, TOPO(3, PACKAGE_ID), "1\n" },
		{ render_cpu_topology, TOPO(3, CORE_ID), "1\n" },
		{ render_cpu_topology, TOPO(3, DIE_ID), "0\n" },
		{ render_cpu_topology, TOPO(3, THREAD_SIBLINGS), "8\n" },
		{ render_cpu_topology, TOPO(3, THREAD_SIBLINGS_LIST), "3\n" },
		{ render_cpu_topology, TOPO(3, CORE_SIBLINGS), "c\n" },
		{ render_cpu_topology, TOPO(3, PACKAGE_CPUS_LIST), "2-3\n" },
	};

	EXPECT_ALL(2, 4, w);
}

Test(node, numastat)
{
	struct mm_global_snap *s = global_new(2, 4);

	s->node[1].zone[2].numa_stat[NUMA_HIT] = 7;
	s->node[1].zone[3].numa_stat[NUMA_HIT] = 5;
	s->node[1].zone[3].numa_stat[NUMA_MISS] = 2;
	s->node[0].zone[1].numa_stat[NUMA_FOREIGN] = 2;
	s->node[1].zone[3].numa_stat[NUMA_LOCAL] = 12;
	s->node[1].zone[3].numa_stat[NUMA_OTHER] = 2;
	expect(s, render_node_numastat, 1,
	       "numa_hit 12\nnuma_miss 2\nnuma_foreign 0\ninterleave_hit 0\n"
	       "local_node 12\nother_node 2\n");
	expect(s, render_node_numastat, 0,
	       "numa_hit 0\nnuma_miss 0\nnuma_foreign 2\ninterleave_hit 0\n"
	       "local_node 0\nother_node 0\n");
	free(s);
}

/* the reference host's own files: one node, two CPUs */
Test(node, host_shapes)
{
	static const struct want w[] = {
		{ render_node_all, 0, "0\n" },
		{ render_node_cpumap, 0, "3\n" },
		{ render_node_cpulist, 0, "0-1\n" },
		{ render_node_distance, 0, "10\n" },
		{ render_cpu_all, 0, "0-1\n" },
		{ render_cpu_topology, TOPO(0, CORE_SIBLINGS_LIST), "0-1\n" },
		{ render_cpu_topology, TOPO(1, CORE_CPUS), "2\n" },
	};

	EXPECT_ALL(1, 2, w);
}

/* %*pb chunks of 32 bits, the first only as wide as it needs */
Test(node, wide_masks)
{
	static const struct want w[] = {
		{ render_node_cpumap, 0, "00,00003fff\n" },	/* 14 CPUs: 0-13 */
		{ render_node_cpumap, 2, "ff,f8000000\n" },	/* 13 CPUs: 27-39 */
		{ render_node_cpulist, 1, "14-26\n" },
		{ render_cpu_topology, TOPO(39, THREAD_SIBLINGS), "80,00000000\n" },
	};

	EXPECT_ALL(3, 40, w);
}

/* fewer CPUs than nodes: the last nodes have none */
Test(node, memory_only_nodes)
{
	static const struct want w[] = {
		{ render_node_has_cpu, 0, "0-1\n" },
		{ render_node_all, 0, "0-3\n" },
		{ render_node_cpumap, 3, "0\n" },
		{ render_node_cpulist, 3, "\n" },
	};

	EXPECT_ALL(4, 2, w);
	cr_assert_eq(mm_cpu_to_node(2, 4, 1), 1);
	cr_assert_eq(mm_cpu_to_node(5, 2, 2), 0);
	cr_assert_eq(mm_cpu_to_node(5, 2, 3), 1);
}

/* node vmstat: proc/vmstat's first three parts, this node's values; hugepages */
Test(node, vmstat_and_hugepages)
{
	struct mm_global_snap *s = global_new(2, 2);
	struct rbuf b;
	char line[64];

	s->node[1].zone[1].stat[NR_FREE_PAGES] = 100;
	s->node[1].zone[2].stat[NR_FREE_PAGES] = 23;
	s->node[0].zone[1].stat[NR_FREE_PAGES] = 7;
	s->node[1].zone[2].numa_stat[NUMA_OTHER] = 5;
	s->node[1].stat[NR_FILE_PAGES] = 9;
	s->node[1].hugepages_total = 3;
	s->node[1].hugepages_free = 2;
	rbuf_init(&b);
	render_node_vmstat(&b, s, 1);
	rbuf_put(&b, "", 1);
	cr_assert(!strncmp(b.buf, "nr_free_pages 123\n", 18));
	cr_assert(strstr(b.buf, "\nnuma_other 5\n"));
	snprintf(line, sizeof(line), "\n%s 9\n", node_stat_names[NR_FILE_PAGES]);
	cr_assert(strstr(b.buf, line));
	cr_assert_null(strstr(b.buf, "nr_dirty_threshold"));
	rbuf_free(&b);
	expect(s, render_node_hugepages, 1 * 4 + 0, "3\n");
	expect(s, render_node_hugepages, 1 * 4 + 1, "2\n");
	expect(s, render_node_hugepages, 1 * 4 + 2, "0\n");
	expect(s, render_node_hugepages, 1 * 4 + 3, "0\n");
	free(s);
}

/* proc/cpuinfo says what cpuN/topology says: a package per node */
Test(node, cpuinfo_packages)
{
	struct mm_global_snap *s = global_new(2, 4);
	struct rbuf b;
	char *p;

	rbuf_init(&b);
	render_cpuinfo(&b, s);
	rbuf_put(&b, "", 1);
	p = strstr(b.buf, "processor\t: 3\n");
	cr_assert(p);
	cr_assert(strstr(p, "physical id\t: 1\nsiblings\t: 2\ncore id\t\t: 1\ncpu cores\t: 2\n"
			    "apicid\t\t: 3\n"));
	rbuf_free(&b);
	free(s);
}

/* lines of the host's own numa_maps (one node), rebuilt from their counts */
Test(numa_maps, format)
{
	struct mm_numa_vma v[5] = {
		{ .start = 0x5648f1691000, .is_file = 1, .name = "/usr/bin/cat",
		  .pages = 2, .active = 2, .mapcount_max = 1, .node = { 2 }, .kernel_page_kb = 4 },
		{ .start = 0x5648f5a49000, .heap = 1, .pages = 4, .anon = 4, .dirty = 4,
		  .mapcount_max = 1, .node = { 4 }, .kernel_page_kb = 4 },
		{ .start = 0x7fa88e5c5000, .is_file = 1, .name = "/usr/lib/locale/C.utf8/LC_CTYPE",
		  .pages = 32, .active = 32, .mapcount_max = 44, .node = { 32 }, .kernel_page_kb = 4 },
		{ .start = 0x7fa88e815000, .kernel_page_kb = 4 },
		{ .start = 0x7fff620f2000, .stack = 1, .pages = 3, .anon = 3, .dirty = 3,
		  .active = 1, .mapcount_max = 1, .node = { 1, 2 }, .kernel_page_kb = 4 },
	};
	struct rbuf b;

	rbuf_init(&b);
	render_numa_maps(&b, v, 5, 2);
	rbuf_put(&b, "", 1);
	cr_assert_str_eq(b.buf,
		"5648f1691000 default file=/usr/bin/cat mapped=2 N0=2 kernelpagesize_kB=4\n"
		"5648f5a49000 default heap anon=4 dirty=4 active=0 N0=4 kernelpagesize_kB=4\n"
		"7fa88e5c5000 default file=/usr/lib/locale/C.utf8/LC_CTYPE mapped=32 mapmax=44 N0=32 kernelpagesize_kB=4\n"
		"7fa88e815000 default\n"
		"7fff620f2000 default stack anon=3 dirty=3 active=1 N0=1 N1=2 kernelpagesize_kB=4\n");
	rbuf_free(&b);
}

static void boot(const char *ram, int nodes, int cpus, const unsigned char *slit)
{
	struct mm_config cfg = { .ram_bytes = strtoull(ram, NULL, 0) << 20, .nr_nodes = nodes,
				 .nr_cpus = cpus, .distance = slit };
	char why[256];

	m = mm_boot(&cfg, why, sizeof(why));
	cr_assert(m, "%s", why);
}

/*
 * build_zonelists with a SLIT (find_next_best_node, worked by hand; every
 * node has a CPU, so the CPU penalty is the same for all):
 *   node 0: 0, then 2 (15+1)*1024 before 1 (30+1)*1024; load[2], load[1] = 1
 *   node 1: 1, then 2 (21+0+1)*1024+1 before 0 (21+1+1)*1024; load[2] = 2
 *   node 2: 2, then 0 (15+1+1)*1024 before 1 (30+1+1)*1024
 * and with the default SLIT each node falls back to the next ones, wrapping.
 */
Test(zonelist, by_distance)
{
	static const unsigned char slit[9] = { 10, 30, 15,
					       21, 10, 21,
					       15, 30, 10 };
	static const int8_t want[3][3] = { { 0, 2, 1 }, { 1, 2, 0 }, { 2, 0, 1 } };

	boot("192", 3, 3, slit);	/* boot allocates: the orders are built */
	cr_assert(m->node_order_built);
	cr_assert_arr_eq(m->node_order, want, sizeof(want[0]));
	for (int n = 1; n < 3; n++)
		cr_assert_arr_eq(m->node_order[n], want[n], sizeof(want[n]));
	cr_assert_eq(m->nr_cpus, 3);
	mm_shutdown(m);
}

Test(zonelist, default_slit)
{
	static const int8_t want[4][4] = { { 0, 1, 2, 3 }, { 1, 2, 3, 0 },
					   { 2, 3, 0, 1 }, { 3, 0, 1, 2 } };

	boot("256", 4, 0, NULL);
	cr_assert_eq(m->nr_cpus, 4);	/* the default: one per node, at least 2 */
	cr_assert_eq(m->node_distance[2][3], 20);
	for (int n = 0; n < 4; n++)
		cr_assert_arr_eq(m->node_order[n], want[n], sizeof(want[n]));
	mm_shutdown(m);
}

Test(zonelist, bad_slit)
{
	static const unsigned char slit[4] = { 10, 10, 20, 10 };
	struct mm_config cfg = { .ram_bytes = 256 << 20, .nr_nodes = 2, .distance = slit };
	char why[256];

	cr_assert_null(mm_boot(&cfg, why, sizeof(why)));
	cr_assert_str_eq(why, "distance from node 0 to node 1 is 10: "
			      "must be 10 to itself, 11..254 to another");
}

/* numa_maps against smaps: the N<node>= counts add up to Rss */
Test(numa_maps, counts_match_rss)
{
	struct mm_numa_vma *v;
	struct mm_task_snap *t;
	uint64_t addr;
	size_t n;
	int child;

	boot("256", 2, 0, NULL);
	addr = map_anon(1, 64 << 10, 0);
	touch(1, addr, 64 << 10, 1);
	child = fork_of(1);
	cr_assert_eq(mm_numa_maps(m, 1, &v, &n), 0);
	t = mm_snap_task(m, 1, 2);
	cr_assert(t);
	cr_assert_eq(n, t->nr_vmas);
	for (size_t i = 0; i < n; i++) {
		uint64_t sum = 0;

		for (int nid = 0; nid < MM_MAX_NODES; nid++)
			sum += v[i].node[nid];
		cr_assert_eq(v[i].start, t->vmas[i].start);
		if (strcmp(t->vmas[i].name, "[vdso]") && strcmp(t->vmas[i].name, "[vvar]") &&
		    strcmp(t->vmas[i].name, "[vvar_vclock]"))
			cr_assert_eq(sum * 4096, t->vmas[i].u.rss, "%s at %lx", t->vmas[i].name,
				     (unsigned long)v[i].start);
		if (v[i].start == addr) {
			cr_assert_eq(v[i].anon, 16);
			cr_assert_eq(v[i].dirty, 16);
			cr_assert_eq(v[i].mapcount_max, 2);	/* shared with the child */
			cr_assert_eq(v[i].active, 0);
		}
	}
	free(t);
	free(v);
	cr_assert_eq(mm_numa_maps(m, child + 100, &v, &n), -ESRCH);
	mm_shutdown(m);
}
