// SPDX-License-Identifier: MIT
/*
 * render_node.c - sys/devices/system/node and sys/devices/system/cpu, and
 * the NUMA lines of proc/PID (numa_maps; status's Cpus_allowed and
 * Mems_allowed).
 *
 * Masks print as the kernel's %*pb (bitmap_string: 32-bit chunks of hex,
 * most significant first, joined with ',', the first chunk only as wide as
 * the bits it holds) and lists as %*pbl (ranges "0-3,5"). A cpumask has
 * nr_cpu_ids bits; a nodemask MAX_NUMNODES, 1024 on the reference host.
 *
 * The topology: one package (socket) per node with CPUs, one core per
 * CPU, one thread per core; CPUs go to nodes in blocks (mm_node_first_cpu).
 */
#include <inttypes.h>
#include <string.h>

#include "render.h"

#define MAX_NUMNODES	1024	/* CONFIG_NODES_SHIFT=10, as the reference host */
#define MASK_WORDS	(MAX_NUMNODES / 64)

struct mask {
	uint64_t w[MASK_WORDS];
	int nbits;
};

static void mask_init(struct mask *m, int nbits)
{
	memset(m, 0, sizeof(*m));
	m->nbits = nbits;
}

static void mask_set_range(struct mask *m, int first, int n)
{
	for (int i = first; i < first + n; i++)
		m->w[i / 64] |= 1ULL << (i % 64);
}

static int mask_test(const struct mask *m, int i)
{
	return (m->w[i / 64] >> (i % 64)) & 1;
}

/* %*pb */
static void put_mask(struct rbuf *b, const struct mask *m)
{
	int chunk = m->nbits % 32 ? m->nbits % 32 : 32;

	for (int i = ((m->nbits + 31) / 32 - 1) * 32; i >= 0; i -= 32) {
		uint32_t val = (uint32_t)(m->w[i / 64] >> (i % 64));

		if (chunk < 32)
			val &= (1U << chunk) - 1;
		rbuf_printf(b, "%s%0*x", i + chunk == m->nbits ? "" : ",", (chunk + 3) / 4, val);
		chunk = 32;
	}
}

/* %*pbl */
static void put_list(struct rbuf *b, const struct mask *m)
{
	int first = 1;

	for (int i = 0; i < m->nbits; i++) {
		int j = i;

		if (!mask_test(m, i))
			continue;
		while (j + 1 < m->nbits && mask_test(m, j + 1))
			j++;
		if (j > i)
			rbuf_printf(b, "%s%d-%d", first ? "" : ",", i, j);
		else
			rbuf_printf(b, "%s%d", first ? "" : ",", i);
		first = 0;
		i = j;
	}
}

static void node_cpus(const struct mm_global_snap *s, int nid, struct mask *m)
{
	mask_init(m, s->nr_cpus);
	mask_set_range(m, mm_node_first_cpu(s->nr_cpus, s->nr_nodes, nid),
		       mm_node_nr_cpus(s->nr_cpus, s->nr_nodes, nid));
}

static uint64_t clamp0(int64_t v)
{
	return v < 0 ? 0 : (uint64_t)v;
}

/* ---- sys/devices/system/node ---- */

/* online, possible, has_memory, has_normal_memory (every node has RAM, DMA32 or Normal) */
void render_node_all(struct rbuf *b, const struct mm_global_snap *s, int arg)
{
	struct mask m;

	(void)arg;
	mask_init(&m, MAX_NUMNODES);
	mask_set_range(&m, 0, s->nr_nodes);
	put_list(b, &m);
	rbuf_puts(b, "\n");
}

void render_node_has_cpu(struct rbuf *b, const struct mm_global_snap *s, int arg)
{
	struct mask m;

	(void)arg;
	mask_init(&m, MAX_NUMNODES);
	for (int nid = 0; nid < s->nr_nodes; nid++)
		if (mm_node_nr_cpus(s->nr_cpus, s->nr_nodes, nid))
			mask_set_range(&m, nid, 1);
	put_list(b, &m);
	rbuf_puts(b, "\n");
}

void render_node_cpumap(struct rbuf *b, const struct mm_global_snap *s, int nid)
{
	struct mask m;

	node_cpus(s, nid, &m);
	put_mask(b, &m);
	rbuf_puts(b, "\n");
}

void render_node_cpulist(struct rbuf *b, const struct mm_global_snap *s, int nid)
{
	struct mask m;

	node_cpus(s, nid, &m);
	put_list(b, &m);
	rbuf_puts(b, "\n");
}

void render_node_distance(struct rbuf *b, const struct mm_global_snap *s, int nid)
{
	for (int to = 0; to < s->nr_nodes; to++)
		rbuf_printf(b, "%s%d", to ? " " : "", s->distance[nid][to]);
	rbuf_puts(b, "\n");
}

static uint64_t node_numa_stat(const struct mm_global_snap *s, int nid, int item)
{
	int64_t v = 0;

	for (int z = 0; z < MAX_NR_ZONES; z++)
		v += s->node[nid].zone[z].numa_stat[item];
	return clamp0(v);
}

/* drivers/base/node.c node_read_numastat: the old names of the NUMA events */
void render_node_numastat(struct rbuf *b, const struct mm_global_snap *s, int nid)
{
	rbuf_printf(b, "numa_hit %" PRIu64 "\nnuma_miss %" PRIu64 "\nnuma_foreign %" PRIu64 "\n"
		    "interleave_hit %" PRIu64 "\nlocal_node %" PRIu64 "\nother_node %" PRIu64 "\n",
		    node_numa_stat(s, nid, NUMA_HIT), node_numa_stat(s, nid, NUMA_MISS),
		    node_numa_stat(s, nid, NUMA_FOREIGN), node_numa_stat(s, nid, NUMA_INTERLEAVE),
		    node_numa_stat(s, nid, NUMA_LOCAL), node_numa_stat(s, nid, NUMA_OTHER));
}

/* node_read_vmstat: the first three parts of proc/vmstat, for one node */
void render_node_vmstat(struct rbuf *b, const struct mm_global_snap *s, int nid)
{
	const struct mm_node_snap *n = &s->node[nid];

	for (int i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++) {
		int64_t v = 0;

		for (int z = 0; z < MAX_NR_ZONES; z++)
			v += n->zone[z].stat[i];
		rbuf_printf(b, "%s %" PRIu64 "\n", zone_stat_names[i], clamp0(v));
	}
	for (int i = 0; i < NR_VM_NUMA_STAT_ITEMS; i++)
		rbuf_printf(b, "%s %" PRIu64 "\n", numa_stat_names[i], node_numa_stat(s, nid, i));
	for (int i = 0; i < NR_VM_NODE_STAT_ITEMS; i++)
		rbuf_printf(b, "%s %" PRIu64 "\n", node_stat_names[i], clamp0(n->stat[i]));
}

/* hugepages/hugepages-2048kB/{nr,free,surplus}_hugepages: .arg = nid * 4 + which */
void render_node_hugepages(struct rbuf *b, const struct mm_global_snap *s, int arg)
{
	const struct mm_node_snap *n = &s->node[arg / 4];
	uint64_t v[3] = { n->hugepages_total, n->hugepages_free, n->hugepages_surp };

	rbuf_printf(b, "%" PRIu64 "\n", arg % 4 < 3 ? v[arg % 4] : 0);
}

/* ---- sys/devices/system/cpu ---- */

void render_cpu_kernel_max(struct rbuf *b, const struct mm_global_snap *s, int arg)
{
	(void)s;
	(void)arg;
	rbuf_printf(b, "%d\n", MM_MAX_CPUS - 1);
}

/* possible, present, online: every CPU */
void render_cpu_all(struct rbuf *b, const struct mm_global_snap *s, int arg)
{
	struct mask m;

	(void)arg;
	mask_init(&m, s->nr_cpus);
	mask_set_range(&m, 0, s->nr_cpus);
	put_list(b, &m);
	rbuf_puts(b, "\n");
}

/* offline, isolated: none */
void render_cpu_none(struct rbuf *b, const struct mm_global_snap *s, int arg)
{
	(void)s;
	(void)arg;
	rbuf_puts(b, "\n");
}

void render_cpu_online(struct rbuf *b, const struct mm_global_snap *s, int cpu)
{
	(void)s;
	(void)cpu;
	rbuf_puts(b, "1\n");
}

/*
 * cpuN/topology/<file>: .arg = cpu * CPU_TOPO_NR + enum cpu_topo. Package
 * = node; a core per CPU; its cluster and its core's threads are itself.
 */
void render_cpu_topology(struct rbuf *b, const struct mm_global_snap *s, int arg)
{
	int cpu = arg / CPU_TOPO_NR, what = arg % CPU_TOPO_NR;
	int nid = mm_cpu_to_node(s->nr_cpus, s->nr_nodes, cpu);
	int first = mm_node_first_cpu(s->nr_cpus, s->nr_nodes, nid);
	struct mask self, pkg;

	mask_init(&self, s->nr_cpus);
	mask_set_range(&self, cpu, 1);
	node_cpus(s, nid, &pkg);
	switch (what) {
	case CPU_TOPO_PACKAGE_ID:
		rbuf_printf(b, "%d\n", nid);
		return;
	case CPU_TOPO_CORE_ID:
	case CPU_TOPO_CLUSTER_ID:
		rbuf_printf(b, "%d\n", cpu - first);
		return;
	case CPU_TOPO_DIE_ID:
		rbuf_puts(b, "0\n");
		return;
	case CPU_TOPO_THREAD_SIBLINGS:
	case CPU_TOPO_CORE_CPUS:
	case CPU_TOPO_CLUSTER_CPUS:
		put_mask(b, &self);
		break;
	case CPU_TOPO_THREAD_SIBLINGS_LIST:
	case CPU_TOPO_CORE_CPUS_LIST:
	case CPU_TOPO_CLUSTER_CPUS_LIST:
		put_list(b, &self);
		break;
	case CPU_TOPO_CORE_SIBLINGS:
	case CPU_TOPO_DIE_CPUS:
	case CPU_TOPO_PACKAGE_CPUS:
		put_mask(b, &pkg);
		break;
	default:
		put_list(b, &pkg);
		break;
	}
	rbuf_puts(b, "\n");
}

const char *const cpu_topo_names[CPU_TOPO_NR] = {
	[CPU_TOPO_PACKAGE_ID] = "physical_package_id",
	[CPU_TOPO_DIE_ID] = "die_id",
	[CPU_TOPO_CLUSTER_ID] = "cluster_id",
	[CPU_TOPO_CORE_ID] = "core_id",
	[CPU_TOPO_THREAD_SIBLINGS] = "thread_siblings",
	[CPU_TOPO_THREAD_SIBLINGS_LIST] = "thread_siblings_list",
	[CPU_TOPO_CORE_CPUS] = "core_cpus",
	[CPU_TOPO_CORE_CPUS_LIST] = "core_cpus_list",
	[CPU_TOPO_CLUSTER_CPUS] = "cluster_cpus",
	[CPU_TOPO_CLUSTER_CPUS_LIST] = "cluster_cpus_list",
	[CPU_TOPO_CORE_SIBLINGS] = "core_siblings",
	[CPU_TOPO_CORE_SIBLINGS_LIST] = "core_siblings_list",
	[CPU_TOPO_DIE_CPUS] = "die_cpus",
	[CPU_TOPO_DIE_CPUS_LIST] = "die_cpus_list",
	[CPU_TOPO_PACKAGE_CPUS] = "package_cpus",
	[CPU_TOPO_PACKAGE_CPUS_LIST] = "package_cpus_list",
};

/* ---- proc/PID ---- */

/* fs/proc/task_mmu.c show_numa_map: the path through seq_file_path(m, file, "\n\t= ") */
void render_numa_maps(struct rbuf *b, const struct mm_numa_vma *v, size_t nr, int nr_nodes)
{
	for (size_t i = 0; i < nr; i++, v++) {
		rbuf_printf(b, "%08" PRIx64 " %s", v->start, v->policy[0] ? v->policy : "default");
		if (v->is_file) {
			rbuf_puts(b, " file=");
			for (const char *p = v->name; *p; p++) {
				if (*p == '\n' || *p == '\t' || *p == ' ' || *p == '=')
					rbuf_printf(b, "\\%03o", (unsigned char)*p);
				else
					rbuf_put(b, p, 1);
			}
		} else if (v->heap) {
			rbuf_puts(b, " heap");
		} else if (v->stack) {
			rbuf_puts(b, " stack");
		}
		if (v->huge)
			rbuf_puts(b, " huge");
		if (!v->pages) {
			rbuf_puts(b, "\n");
			continue;
		}
		if (v->anon)
			rbuf_printf(b, " anon=%" PRIu64, v->anon);
		if (v->dirty)
			rbuf_printf(b, " dirty=%" PRIu64, v->dirty);
		if (v->pages != v->anon && v->pages != v->dirty)
			rbuf_printf(b, " mapped=%" PRIu64, v->pages);
		if (v->mapcount_max > 1)
			rbuf_printf(b, " mapmax=%" PRIu64, v->mapcount_max);
		if (v->swapcache)
			rbuf_printf(b, " swapcache=%" PRIu64, v->swapcache);
		if (v->active < v->pages && !v->huge)
			rbuf_printf(b, " active=%" PRIu64, v->active);
		if (v->writeback)
			rbuf_printf(b, " writeback=%" PRIu64, v->writeback);
		for (int nid = 0; nid < nr_nodes && nid < MM_MAX_NODES; nid++)
			if (v->node[nid])
				rbuf_printf(b, " N%d=%" PRIu64, nid, v->node[nid]);
		rbuf_printf(b, " kernelpagesize_kB=%u\n", v->kernel_page_kb);
	}
}
