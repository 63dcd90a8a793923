// SPDX-License-Identifier: MIT
/*
 * tree_sys.c - the rows tree_init generates at boot beside the static
 * table and the tunables: sys/devices/system/{node,cpu}, tracefs (twice),
 * page_owner's debugfs files, sys/block and proc/diskstats and pressure,
 * sys/kernel/slab. Each row is a file or directory of tree.c's table.
 */
#include <stdio.h>
#include <string.h>

#include "../mm/mm.h"
#include "mmfs.h"
#include "tracefs.h"
#include "tree.h"
#include "tree_internal.h"

struct node *tree_node_add(const char *name, int parent, mode_t mode,
			  enum node_kind kind)
{
	struct node *n = &tree_nodes[tree_nr_nodes++];

	memset(n, 0, sizeof(*n));
	snprintf(n->name, sizeof(n->name), "%s", name);
	n->parent = parent;
	n->mode = mode;
	n->kind = kind;
	return n;
}

static struct node *sys_add(const char *name, int parent,
			    void (*fn)(struct rbuf *, const struct mm_global_snap *, int), int arg)
{
	struct node *n = tree_node_add(name, parent, S_IFREG | 0444, NK_SYS);

	n->show.sys = fn;
	n->arg = arg;
	return n;
}

/* page_owner=on's rows in sys/kernel/debug (tree_add_page_owner) */
#define PAGE_OWNER_ROWS		3
/* proc/diskstats, proc/pressure/, sys/block/ (tree_add_io) */
#define IO_ROWS			(48 + TREE_SWAP_DISKS * SWAPDISK_ROWS)
/* rows of tree_add_nodes and tree_add_cpus: 16 per node, 19 per CPU, 13 besides */
#define NUMA_ROWS_PER_NODE	20
#define NUMA_ROWS_PER_CPU	(3 + CPU_TOPO_NR)
#define NUMA_ROWS		16

/* A directory row; its index, the parent of what goes in it. */
static int dir_add(const char *name, int parent)
{
	tree_node_add(name, parent, S_IFDIR | 0555, NK_DIR);
	return (int)tree_nr_nodes - 1;
}

struct sys_row {
	const char *name;
	void (*fn)(struct rbuf *, const struct mm_global_snap *, int);
};

static void sys_rows(const struct sys_row *r, size_t n, int parent, int arg)
{
	for (size_t i = 0; i < n; i++)
		sys_add(r[i].name, parent, r[i].fn, arg);
}
#define SYS_ROWS(r, parent, arg)	sys_rows(r, sizeof(r) / sizeof(r[0]), parent, arg)

static const struct sys_row node_top[] = {
	{ "possible", render_node_all }, { "online", render_node_all },
	{ "has_normal_memory", render_node_all }, { "has_memory", render_node_all },
	{ "has_cpu", render_node_has_cpu }, { "has_generic_initiator", render_cpu_none },
};
static const struct sys_row node_files[] = {	/* .arg = the node */
	{ "cpumap", render_node_cpumap }, { "cpulist", render_node_cpulist },
	{ "distance", render_node_distance }, { "numastat", render_node_numastat },
	{ "vmstat", render_node_vmstat },
};
static const struct sys_row cpu_top[] = {
	{ "kernel_max", render_cpu_kernel_max }, { "possible", render_cpu_all },
	{ "present", render_cpu_all }, { "online", render_cpu_all },
	{ "offline", render_cpu_none }, { "isolated", render_cpu_none },
};

/* sys/devices/system/node (render_node.c) */
static void tree_add_nodes(int nr_numa)
{
	static const char *const hp_files[] = { "nr_hugepages", "free_hugepages",
						"surplus_hugepages" };
	char name[32];

	SYS_ROWS(node_top, N_SYS_NODE, 0);
	for (int nid = 0; nid < nr_numa; nid++) {
		int dir, hp, sdir;

		snprintf(name, sizeof(name), "node%d", nid);
		dir = dir_add(name, N_SYS_NODE);
		tree_node_add("meminfo", dir, S_IFREG | 0444, NK_NODE_MEMINFO)->arg = nid;
		SYS_ROWS(node_files, dir, nid);
		tree_node_add("compact", dir, S_IFREG | 0200, NK_NODE_COMPACT)->arg = nid;
		hp = dir_add("hugepages", dir);
		/* 1 GiB pages are never reserved: .arg % 4 == 3 prints 0 */
		sdir = dir_add("hugepages-1048576kB", hp);
		for (int f = 0; f < 3; f++)
			sys_add(hp_files[f], sdir, render_node_hugepages, nid * 4 + 3);
		sdir = dir_add("hugepages-2048kB", hp);
		for (int f = 0; f < 3; f++)
			sys_add(hp_files[f], sdir, render_node_hugepages, nid * 4 + f);
	}
}

/* sys/devices/system/cpu (render_node.c) */
static void tree_add_cpus(int nr_cpus)
{
	int cpu_dir = dir_add("cpu", N_SYS_DEVICES_SYSTEM);
	char name[32];

	SYS_ROWS(cpu_top, cpu_dir, 0);
	for (int cpu = 0; cpu < nr_cpus; cpu++) {
		int dir, topo;

		snprintf(name, sizeof(name), "cpu%d", cpu);
		dir = dir_add(name, cpu_dir);
		if (cpu)	/* x86 cannot take the boot CPU offline: cpu0 has no online */
			sys_add("online", dir, render_cpu_online, cpu);
		topo = dir_add("topology", dir);
		for (int t = 0; t < CPU_TOPO_NR; t++)
			sys_add(cpu_topo_names[t], topo, render_cpu_topology, cpu * CPU_TOPO_NR + t);
	}
}

/* tracefs_add_rows' callback: a row, its index (for the rows inside it) */
static int tracefs_row(const char *name, int parent, unsigned mode, int arg)
{
	struct node *n = tree_node_add(name, parent, (mode_t)mode,
				  S_ISDIR(mode) ? NK_DIR : NK_TRACEFS);

	n->arg = arg;
	return (int)tree_nr_nodes - 1;
}

/*
 * debugfs' page_owner files exist only when page_owner is on: pageowner_init
 * creates nothing otherwise ("page_owner is disabled" in kmsg).
 */
static void tree_add_page_owner(void)
{
	int dir;

	if (!mmfs.m || !mm_page_owner_enabled(mmfs.m))
		return;
	tree_node_add("page_owner", N_SYS_DEBUG, S_IFREG | 0400, NK_PAGE_OWNER)->arg = 0;
	dir = (int)tree_nr_nodes;
	tree_node_add("page_owner_stacks", N_SYS_DEBUG, S_IFDIR | 0755, NK_DIR);
	tree_node_add("show_stacks", dir, S_IFREG | 0400, NK_PAGE_OWNER)->arg = 1;
}

/* sys/block/vda/ and its partition vda1/, proc/diskstats, proc/pressure/memory */
static void tree_add_io(void)
{
	static const struct { const char *name; enum block_file f; } disk_files[] = {
		{ "stat", BLKF_STAT }, { "size", BLKF_SIZE }, { "dev", BLKF_DEV },
		{ "removable", BLKF_ZERO }, { "ro", BLKF_ZERO }, { "range", BLKF_RANGE },
		{ "ext_range", BLKF_EXT_RANGE }, { "capability", BLKF_ZERO },
		{ "inflight", BLKF_INFLIGHT }, { "hidden", BLKF_ZERO },
		{ "alignment_offset", BLKF_ZERO }, { "discard_alignment", BLKF_ZERO },
	}, queue_files[] = {
		{ "rotational", BLKF_ONE }, { "logical_block_size", BLKF_512 },
		{ "physical_block_size", BLKF_4096 }, { "hw_sector_size", BLKF_512 },
		{ "minimum_io_size", BLKF_4096 }, { "nr_requests", BLKF_NR_REQUESTS },
		{ "max_sectors_kb", BLKF_MAX_SECTORS_KB }, { "scheduler", BLKF_SCHEDULER },
	}, part_files[] = {
		{ "stat", BLKF_STAT }, { "size", BLKF_SIZE }, { "start", BLKF_START },
		{ "partition", BLKF_PARTITION }, { "dev", BLKF_DEV }, { "ro", BLKF_ZERO },
		{ "inflight", BLKF_INFLIGHT }, { "alignment_offset", BLKF_ZERO },
		{ "discard_alignment", BLKF_ZERO },
	};
	int block = dir_add("block", N_SYS), vda = dir_add("vda", block), queue, part;

	for (size_t i = 0; i < sizeof(disk_files) / sizeof(disk_files[0]); i++)
		tree_node_add(disk_files[i].name, vda, S_IFREG | 0444, NK_IO)->arg = disk_files[i].f;
	queue = dir_add("queue", vda);
	for (size_t i = 0; i < sizeof(queue_files) / sizeof(queue_files[0]); i++)
		tree_node_add(queue_files[i].name, queue, S_IFREG | 0444, NK_IO)->arg = queue_files[i].f;
	part = dir_add("vda1", vda);
	for (size_t i = 0; i < sizeof(part_files) / sizeof(part_files[0]); i++)
		tree_node_add(part_files[i].name, part, S_IFREG | 0444, NK_IO)->arg = 256 + part_files[i].f;
	/* the swap partitions' disks: as vda, without a partition (SWAPDISK_ROWS each) */
	tree_swapdisk_base = tree_nr_nodes;
	for (int k = 0; k < TREE_SWAP_DISKS; k++) {
		int dir = dir_add("", block), base = (MM_NR_DISKS + k) * 256;

		for (size_t i = 0; i < sizeof(disk_files) / sizeof(disk_files[0]); i++)
			tree_node_add(disk_files[i].name, dir, S_IFREG | 0444, NK_IO)->arg =
				base + disk_files[i].f;
		queue = dir_add("queue", dir);
		for (size_t i = 0; i < sizeof(queue_files) / sizeof(queue_files[0]); i++)
			tree_node_add(queue_files[i].name, queue, S_IFREG | 0444, NK_IO)->arg =
				base + queue_files[i].f;
	}
	tree_node_add("diskstats", N_PROC, S_IFREG | 0444, NK_IO)->arg = TREE_IO_DISKSTATS;
	/* psi_proc_init: the directory 0555, memory 0666 (writable for triggers) */
	tree_node_add("memory", dir_add("pressure", N_PROC), S_IFREG | 0666, NK_IO)->arg = TREE_IO_PRESSURE;
}

/*
 * sys/kernel/slab/CACHE/ATTR (render_slab.c), root's only as in sysfs:
 * shrink and validate 0600, written as the tunable "slab/CACHE/ATTR"
 * (tree_write), the others 0400. A merged-in cache's name is a second
 * directory showing the same cache (sysfs makes both links to one
 * :NNNNNNN directory).
 */
static int slab_attr_writable(const char *name)
{
	return !strcmp(name, "shrink") || !strcmp(name, "validate");
}

static void tree_add_slab(void)
{
	int dir = dir_add("slab", N_SYS_KERNEL);

	for (int id = 0; id < mm_slab_nr_caches(); id++) {
		for (int al = 0; al < 2; al++) {
			const char *name = al ? mm_slab_cache_alias(id) : mm_slab_cache_name(id);
			int cdir;

			if (!name)
				continue;
			cdir = dir_add(name, dir);
			for (int a = 0; a < NR_SLAB_ATTRS; a++)
				sys_add(slab_attr_names[a], cdir, render_slab_attr,
					id * NR_SLAB_ATTRS + a)->mode =
					S_IFREG | (slab_attr_writable(slab_attr_names[a]) ? 0600 : 0400);
		}
	}
}
#define SLAB_ROWS	(1 + 2 * (size_t)mm_slab_nr_caches() * (1 + NR_SLAB_ATTRS))

size_t tree_sys_nr_rows(int nr_numa, int nr_cpus)
{
	return NUMA_ROWS + PAGE_OWNER_ROWS + IO_ROWS + NUMA_ROWS_PER_NODE * (size_t)nr_numa +
	       NUMA_ROWS_PER_CPU * (size_t)nr_cpus + 2 * tracefs_nr_rows() + SLAB_ROWS;
}

void tree_sys_add(int nr_numa, int nr_cpus)
{
	tree_add_nodes(nr_numa);
	tree_add_cpus(nr_cpus);
	/* tracefs, mounted at sys/kernel/tracing and automounted in debugfs */
	tracefs_add_rows(N_SYS_KERNEL, tracefs_row);
	tracefs_add_rows(N_SYS_DEBUG, tracefs_row);
	tree_add_page_owner();
	tree_add_io();
	tree_add_slab();
}
