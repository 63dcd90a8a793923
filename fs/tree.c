/* SPDX-License-Identifier: MIT */
/*
 * tree.c - the one table of nodes, and what each kind of node shows.
 *
 * Adding a file is one row here plus its renderer in render_*.c. Static
 * rows come first (the directories by name, for parent links), then rows
 * generated at boot: the tunables here, then tree_sys.c's (NUMA nodes and
 * CPUs, tracefs, page_owner, block devices, slab caches).
 * Files under proc/<pid> are tree_pid.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "../mm/mm.h"
#include "ctl.h"
#include "mmfs.h"
#include "procbin.h"
#include "taskstream.h"
#include "tree.h"
#include "tree_internal.h"
#include "tracefs.h"
#include "tree_pid.h"
#include "view.h"


#define DIR_ROW(id, nm, par) \
	[id] = { .name = nm, .parent = par, .mode = S_IFDIR | 0555, .kind = NK_DIR }
#define GLOBAL_ROW(nm, perm, fn) \
	{ .name = nm, .parent = N_PROC, .mode = S_IFREG | (perm), \
	  .kind = NK_GLOBAL, .show.global = fn }
#define VIEW_ROW(nm, what) \
	{ .name = nm, .parent = N_VIEW, .mode = S_IFREG | 0444, .kind = NK_VIEW, .arg = what }
#define CLOCKED_ROW(nm, fn) \
	{ .name = nm, .parent = N_PROC, .mode = S_IFREG | 0444, \
	  .kind = NK_CLOCKED, .show.clocked = fn }

static const struct node static_nodes[] = {
	DIR_ROW(N_ROOT, "", N_ROOT),
	[N_CTL] = { .name = "ctl", .parent = N_ROOT, .mode = S_IFREG | 0600, .kind = NK_CTL },
	[N_FILES] = { .name = "files", .parent = N_ROOT, .mode = S_IFDIR | 0555, .kind = NK_FILES },
	[N_PROC] = { .name = "proc", .parent = N_ROOT, .mode = S_IFDIR | 0555, .kind = NK_PROC },
	DIR_ROW(N_SYS, "sys", N_ROOT),
	DIR_ROW(N_PROC_SYS, "sys", N_PROC),
	DIR_ROW(N_PROC_SYS_VM, "vm", N_PROC_SYS),
	DIR_ROW(N_PROC_SYS_KERNEL, "kernel", N_PROC_SYS),
	DIR_ROW(N_PROC_TTY, "tty", N_PROC),
	DIR_ROW(N_SYS_KERNEL, "kernel", N_SYS),
	DIR_ROW(N_SYS_KERNEL_MM, "mm", N_SYS_KERNEL),
	DIR_ROW(N_SYS_THP, "transparent_hugepage", N_SYS_KERNEL_MM),
	DIR_ROW(N_SYS_MEMPOLICY, "mempolicy", N_SYS_KERNEL_MM),
	DIR_ROW(N_SYS_WI, "weighted_interleave", N_SYS_MEMPOLICY),
	DIR_ROW(N_SYS_CLASS, "class", N_SYS),
	DIR_ROW(N_SYS_BDI, "bdi", N_SYS_CLASS),
	DIR_ROW(N_SYS_BDI_FILES, "254:1", N_SYS_BDI),	/* the disk behind files/ (maps: fe:01) */
	DIR_ROW(N_SYS_DEVICES, "devices", N_SYS),
	DIR_ROW(N_SYS_DEVICES_SYSTEM, "system", N_SYS_DEVICES),
	DIR_ROW(N_SYS_NODE, "node", N_SYS_DEVICES_SYSTEM),
	[N_VIEW] = { .name = "view", .parent = N_ROOT, .mode = S_IFDIR | 0555, .kind = NK_VIEW_DIR },
	/* debugfs: its root is root's only, as mounted by default */
	[N_SYS_DEBUG] = { .name = "debug", .parent = N_SYS_KERNEL, .mode = S_IFDIR | 0700,
			  .kind = NK_DIR },
	[N_SYS_DEBUG_EXTFRAG] = { .name = "extfrag", .parent = N_SYS_DEBUG,
				  .mode = S_IFDIR | 0755, .kind = NK_DIR },
	DIR_ROW(N_PROC_SYSVIPC, "sysvipc", N_PROC),
	DIR_ROW(N_SYS_MODULE, "module", N_SYS),
	DIR_ROW(N_SYS_MODULE_ZSWAP, "zswap", N_SYS_MODULE),
	DIR_ROW(N_SYS_ZSWAP_PARAMS, "parameters", N_SYS_MODULE_ZSWAP),
	/* created by zswap's first enable: hidden until then (node_hidden) */
	[N_SYS_DEBUG_ZSWAP] = { .name = "zswap", .parent = N_SYS_DEBUG, .mode = S_IFDIR | 0755,
				.kind = NK_DIR },
	{ .name = "extfrag_index", .parent = N_SYS_DEBUG_EXTFRAG, .mode = S_IFREG | 0444,
	  .kind = NK_GLOBAL, .show.global = render_extfrag_index },
	{ .name = "unusable_index", .parent = N_SYS_DEBUG_EXTFRAG, .mode = S_IFREG | 0444,
	  .kind = NK_GLOBAL, .show.global = render_unusable_index },
	VIEW_ROW("index.html", VIEW_INDEX),
	VIEW_ROW("buddy.svg", VIEW_BUDDY),
	VIEW_ROW("physical.svg", VIEW_PHYSICAL),
	GLOBAL_ROW("meminfo", 0444, render_meminfo),
	GLOBAL_ROW("vmstat", 0444, render_vmstat),
	GLOBAL_ROW("buddyinfo", 0444, render_buddyinfo),
	GLOBAL_ROW("pagetypeinfo", 0400, render_pagetypeinfo),
	GLOBAL_ROW("zoneinfo", 0444, render_zoneinfo),
	GLOBAL_ROW("swaps", 0444, render_swaps),
	GLOBAL_ROW("cpuinfo", 0444, render_cpuinfo),
	CLOCKED_ROW("stat", render_stat),
	CLOCKED_ROW("uptime", render_uptime),
	GLOBAL_ROW("loadavg", 0444, render_loadavg),
	{ .name = "kmsg", .parent = N_PROC, .mode = S_IFREG | 0400, .kind = NK_KMSG },
	{ .name = "kpageflags", .parent = N_PROC, .mode = S_IFREG | 0400, .kind = NK_BINARY,
	  .arg = PROCBIN_KPAGEFLAGS },
	{ .name = "kpagecount", .parent = N_PROC, .mode = S_IFREG | 0400, .kind = NK_BINARY,
	  .arg = PROCBIN_KPAGECOUNT },
	{ .name = "osrelease", .parent = N_PROC_SYS_KERNEL, .mode = S_IFREG | 0444,
	  .kind = NK_GLOBAL, .show.global = render_osrelease },
	{ .name = "drivers", .parent = N_PROC_TTY, .mode = S_IFREG | 0444, .kind = NK_GLOBAL,
	  .show.global = render_tty_drivers },
	{ .name = "self", .parent = N_PROC, .mode = S_IFLNK | 0777, .kind = NK_LINK,
	  .arg = LINK_SELF },
	{ .name = "thread-self", .parent = N_PROC, .mode = S_IFLNK | 0777, .kind = NK_LINK,
	  .arg = LINK_THREAD_SELF },
	{ .name = "mounts", .parent = N_PROC, .mode = S_IFLNK | 0777, .kind = NK_LINK,
	  .arg = LINK_MOUNTS },
	{ .name = "shm", .parent = N_PROC_SYSVIPC, .mode = S_IFREG | 0444, .kind = NK_CLOCKED,
	  .show.clocked = render_sysvipc_shm },
	GLOBAL_ROW("slabinfo", 0400, render_slabinfo),
};

struct node *tree_nodes;	/* static rows, then generated ones */
size_t tree_nr_nodes;
static const struct mm_tunable_info *tunable_tab;	/* NK_TUNABLE rows: .arg = index + 1 */


/*
 * sys/block's rows for the swap partitions' disks (tree_add_io): slot k's
 * directory is row tree_swapdisk_base + k * SWAPDISK_ROWS, named by the model
 * (mm_swap_disk_name) and there once the disk is.
 */
size_t tree_swapdisk_base;

/* The swap disk slot whose directory row i is, or -1. */
static int swapdisk_slot(size_t i)
{
	if (!tree_swapdisk_base || i < tree_swapdisk_base ||
	    i >= tree_swapdisk_base + (size_t)TREE_SWAP_DISKS * SWAPDISK_ROWS ||
	    (i - tree_swapdisk_base) % SWAPDISK_ROWS)
		return -1;
	return (int)((i - tree_swapdisk_base) / SWAPDISK_ROWS);
}

/* Row i's name: the model's for a swap disk's directory (NULL: not there yet). */
static const char *row_name(size_t i, char *buf)
{
	int slot = swapdisk_slot(i);

	if (slot < 0)
		return tree_nodes[i].name;
	return mmfs.m && !mm_swap_disk_name(mmfs.m, slot, buf) ? buf : NULL;
}

/* A directory that does not exist yet: sys/kernel/debug/zswap before zswap is set up. */
static int node_hidden(size_t i)
{
	return i == N_SYS_DEBUG_ZSWAP && !mm_zswap_initialized(mmfs.m);
}

/* The name mm knows a tunable row by ("zswap/enabled" for zswap's enabled). */
static const char *tunable_name(const struct node *n)
{
	return n->arg ? tunable_tab[n->arg - 1].name : n->name;
}

int tree_init(int nr_numa, int nr_cpus)
{
	const size_t nr_static = sizeof(static_nodes) / sizeof(static_nodes[0]);
	const struct mm_tunable_info *tun;
	int nr_tun = mm_tunables(&tun);

	tree_nodes = calloc(nr_static + (size_t)nr_tun + tree_sys_nr_rows(nr_numa, nr_cpus),
			    sizeof(*tree_nodes));
	if (!tree_nodes)
		return -ENOMEM;
	memcpy(tree_nodes, static_nodes, sizeof(static_nodes));
	tree_nr_nodes = nr_static;
	tunable_tab = tun;
	for (int i = 0; i < nr_tun; i++) {
		const char *slash = strrchr(tun[i].name, '/');
		int parent = tun[i].dir == MM_TUNABLE_SYSFS_ZSWAP ? N_SYS_ZSWAP_PARAMS :
			     tun[i].dir == MM_TUNABLE_DEBUG_ZSWAP ? N_SYS_DEBUG_ZSWAP :
			     tun[i].dir == MM_TUNABLE_SYSFS_WI ? N_SYS_WI :
			     tun[i].dir == MM_TUNABLE_SYSFS_THP ? N_SYS_THP :
			     tun[i].dir == MM_TUNABLE_SYSFS_BDI ? N_SYS_BDI_FILES :
			     tun[i].dir == MM_TUNABLE_SYSCTL_KERNEL ? N_PROC_SYS_KERNEL : N_PROC_SYS_VM;

		/* weighted_interleave/nodeN exists for the machine's nodes only */
		if (parent == N_SYS_WI && !strncmp(tun[i].name, "node", 4) &&
		    atoi(tun[i].name + 4) >= nr_numa)
			continue;
		tree_node_add(slash ? slash + 1 : tun[i].name, parent, S_IFREG | (tun[i].mode & 07777),
			 NK_TUNABLE)->arg = i + 1;
	}
	tree_sys_add(nr_numa, nr_cpus);
	return 0;
}

void tree_exit(void)
{
	free(tree_nodes);
	tree_nodes = NULL;
	tree_nr_nodes = 0;
}

/* ---- inodes ---- */

int tree_resolve(uint64_t ino, struct tree_ref *ref, int need_alive)
{
	memset(ref, 0, sizeof(*ref));
	if (ino & TREE_VIEW_INO)
		return view_resolve(ino, ref, need_alive);
	if (ino & TREE_PID_INO)
		return pid_resolve(ino, ref, need_alive);
	if (ino < 1 || ino > tree_nr_nodes)
		return -ENOENT;
	ref->ino = ino;
	ref->node = &tree_nodes[ino - 1];
	return 0;
}

int tree_lookup(uint64_t parent, const char *name, pid_t reader, struct tree_ref *ref)
{
	struct tree_ref dir;
	int err = tree_resolve(parent, &dir, 1);

	if (err)
		return err;
	if (!S_ISDIR(dir.node->mode))
		return -ENOTDIR;
	if (dir.node->kind == NK_VIEW_PID_DIR)	/* before dir.pid: view/<pid> has one too */
		return view_lookup(&dir, name, ref);
	if (dir.pid)
		return pid_lookup(&dir, name, ref);
	if (dir.node->kind == NK_FILES)
		return -ENOENT;
	for (size_t i = 1; i < tree_nr_nodes; i++) {
		char buf[16];
		const char *rn;

		if (tree_nodes[i].parent == (int)(dir.ino - 1) && (rn = row_name(i, buf)) &&
		    !strcmp(rn, name) && !node_hidden(i)) {
			memset(ref, 0, sizeof(*ref));
			ref->ino = i + 1;
			ref->node = &tree_nodes[i];
			return 0;
		}
	}
	if (dir.node->kind == NK_PROC)
		return pid_lookup_proc(name, reader, ref);
	if (dir.node->kind == NK_VIEW_DIR) {
		long pid = tree_parse_num(name, 0, INT32_MAX);

		return pid > 0 ? view_resolve(view_pid_ino((int)pid, 0), ref, 1) : -ENOENT;
	}
	return -ENOENT;
}

void tree_stat(const struct tree_ref *ref, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = ref->ino;
	st->st_mode = ref->node->mode;
	st->st_nlink = S_ISDIR(ref->node->mode) ? 2 : 1;
	st->st_uid = mmfs.uid;
	st->st_gid = mmfs.gid;
	st->st_size = 0;	/* procfs: promise nothing, reads tell */
	if (ref->node->kind == NK_VIEW)
		st->st_size = view_size(ref);	/* browsers trust it: the real size */
	st->st_blksize = 4096;
	st->st_atime = st->st_mtime = st->st_ctime = mmfs.mount_time;
	if (ref->pid && !(ref->ino & TREE_VIEW_INO))
		pid_stat(ref, st);
}

double tree_timeout(const struct tree_ref *ref)
{
	return ref->pid || ref->node->kind == NK_VIEW ? 0.0 : 1.0;
}

/* ---- directories ---- */

static void dirent_set(struct tree_dirent *d, const char *name, uint64_t ino, mode_t mode)
{
	size_t n = strnlen(name, sizeof(d->name) - 1);

	memcpy(d->name, name, n);
	d->name[n] = '\0';
	d->ino = ino;
	d->mode = mode;
}

/* Live pids, malloc'd; *n receives the count. */
static int *live_pids(int *n)
{
	int max = 256, *pids = NULL;

	for (;;) {
		int *p = realloc(pids, (size_t)max * sizeof(*p));

		if (!p) {
			free(pids);
			return NULL;
		}
		pids = p;
		*n = mm_pids(mmfs.m, pids, max);
		if (*n <= max)
			return pids;
		max = *n + 64;
	}
}

int tree_list(const struct tree_ref *dir, struct tree_dirent **out, size_t *n)
{
	size_t cap = 2 + tree_nr_nodes + NR_PID_ROWS, k = 0;
	int *pids = NULL, nr_pids = 0, err = 0;
	struct tree_dirent *d;
	uint64_t parent_ino = dir->pid ? pid_parent_ino(dir) : (uint64_t)dir->node->parent + 1;

	if (!S_ISDIR(dir->node->mode))
		return -ENOTDIR;
	if (dir->node->kind == NK_VIEW_PID_DIR)
		return view_list(dir, out, n);
	if (dir->node->kind == NK_PROC || dir->node->kind == NK_VIEW_DIR) {
		pids = live_pids(&nr_pids);
		if (!pids)
			return -ENOMEM;
		cap += (size_t)nr_pids;
	}
	d = calloc(cap, sizeof(*d));
	if (!d) {
		free(pids);
		return -ENOMEM;
	}
	dirent_set(&d[k++], ".", dir->ino, S_IFDIR);
	dirent_set(&d[k++], "..", parent_ino ? parent_ino : N_PROC + 1, S_IFDIR);
	if (dir->pid) {
		err = pid_list(dir, &d, &k);
	} else if (dir->node->kind != NK_FILES) {
		for (size_t i = 1; i < tree_nr_nodes; i++) {
			char buf[16];
			const char *rn;

			if (tree_nodes[i].parent == (int)(dir->ino - 1) && !node_hidden(i) &&
			    (rn = row_name(i, buf)))
				dirent_set(&d[k++], rn, i + 1, tree_nodes[i].mode);
		}
	}
	for (int i = 0; i < nr_pids; i++) {
		char name[sizeof(d->name)];

		snprintf(name, sizeof(name), "%d", pids[i]);
		dirent_set(&d[k++], name, dir->node->kind == NK_VIEW_DIR ? view_pid_ino(pids[i], 0)
					  : pid_dir_ino(pids[i]), S_IFDIR | 0555);
	}
	free(pids);
	if (err) {
		free(d);
		return err;
	}
	*out = d;
	*n = k;
	return 0;
}

/* ---- contents ---- */

static void host_clock(struct render_clock *c)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	c->btime = mmfs.mount_time;
	c->uptime = (double)(now.tv_sec - mmfs.mount_mono.tv_sec) +
		    (double)(now.tv_nsec - mmfs.mount_mono.tv_nsec) / 1e9;
}

static int render_global_node(const struct node *node, struct rbuf *out)
{
	struct mm_global_snap *g;
	struct render_clock c;

	g = mm_snap_global(mmfs.m);
	if (!g)
		return -ENOMEM;
	switch (node->kind) {
	case NK_GLOBAL:
		node->show.global(out, g);
		break;
	case NK_CLOCKED:
		host_clock(&c);
		node->show.clocked(out, g, &c);
		break;
	case NK_NODE_MEMINFO:
		render_node_meminfo(out, g, node->arg);
		break;
	case NK_SYS:
		node->show.sys(out, g, node->arg);
		break;
	default:
		break;
	}
	free(g);
	return 0;
}

struct tstream *tree_stream(const struct tree_ref *ref, int *err)
{
	struct tstream_fmt fmt = { ref->node->show.stream.vma, ref->node->show.stream.gate,
				   ref->node->arg };
	struct mm_task_snap *t;
	struct tstream *ts;

	if (ref->node->kind != NK_TASK_STREAM) {
		*err = -EINVAL;
		return NULL;
	}
	t = mm_snap_task_packed(mmfs.m, ref->pid, ref->node->arg);
	if (!t || ctl_pid_generation(ref->pid) != ref->gen) {
		free(t);
		*err = -ESRCH;
		return NULL;
	}
	ts = tstream_new(t, &fmt);
	*err = ts ? 0 : -ENOMEM;
	return ts;
}

static int render_task_node(const struct tree_ref *ref, struct rbuf *out)
{
	/* packed: smaps_rollup of a million VMAs must not cost an array of them */
	int vmas = ref->node->kind == NK_TASK_ADJ ? 0 : ref->node->arg;
	struct mm_task_snap *t = vmas ? mm_snap_task_packed(mmfs.m, ref->pid, vmas)
				      : mm_snap_task(mmfs.m, ref->pid, 0);
	int err = 0;

	if (!t || ctl_pid_generation(ref->pid) != ref->gen) {
		free(t);
		return -ESRCH;
	}
	if (ref->node->kind == NK_TASK_ERR)
		err = ref->node->show.task_err(out, t);
	else
		ref->node->show.task(out, t);
	free(t);
	return err;
}

static int render_numa_maps_node(const struct tree_ref *ref, struct rbuf *out)
{
	struct mm_numa_vma *v;
	size_t n;
	int err = mm_numa_maps(mmfs.m, ref->pid, &v, &n);

	if (!err && ctl_pid_generation(ref->pid) != ref->gen)
		err = -ESRCH;
	if (!err)
		render_numa_maps(out, v, n, mmfs.nr_nodes);
	free(v);
	return err;
}

static int render_tunable(const struct node *node, struct rbuf *out)
{
	char buf[4096];
	int err;

	buf[0] = '\0';
	err = mm_tunable_read(mmfs.m, tunable_name(node), buf, sizeof(buf));
	if (err < 0)
		return err;
	rbuf_put(out, buf, strnlen(buf, sizeof(buf)));
	return 0;
}

static int render_page_owner_node(const struct node *node, struct rbuf *out)
{
	int err;
	struct mm_page_owner_snap *s = mm_snap_page_owner(mmfs.m, node->arg == 1, &err);

	if (!s)
		return err;
	if (node->arg == 1)
		render_page_owner_stacks(out, s);
	else
		render_page_owner(out, s);
	free(s);
	return 0;
}

static int render_io_node(const struct node *node, struct rbuf *out)
{
	struct mm_disk_snap d[MM_MAX_DISKS];
	struct mm_psi_snap p;
	int n;

	if (node->arg == TREE_IO_PRESSURE) {
		mm_snap_psi(mmfs.m, &p);
		render_pressure(out, &p);
		return 0;
	}
	n = mm_snap_disks(mmfs.m, d);
	if (node->arg == TREE_IO_DISKSTATS)
		render_diskstats(out, d, n);
	else if (node->arg / 256 < n)
		render_block_file(out, &d[node->arg / 256], (enum block_file)(node->arg % 256));
	return 0;
}

int tree_render(const struct tree_ref *ref, struct rbuf *out)
{
	char *text;
	size_t len = 0;

	switch (ref->node->kind) {
	case NK_GLOBAL:
	case NK_CLOCKED:
	case NK_NODE_MEMINFO:
	case NK_SYS:
		return render_global_node(ref->node, out);
	case NK_NUMA_MAPS:
		return render_numa_maps_node(ref, out);
	case NK_TASK:
	case NK_TASK_ERR:
	case NK_TASK_ADJ:
		return render_task_node(ref, out);
	case NK_TASK_STREAM: {	/* whole, for callers that want it at once */
		int err;
		struct tstream *ts = tree_stream(ref, &err);
		char buf[65536];
		uint64_t off = 0;
		size_t n;

		if (!ts)
			return err;
		while ((n = tstream_read(ts, buf, sizeof(buf), off)) > 0) {
			rbuf_put(out, buf, n);
			off += n;
		}
		tstream_free(ts);
		return 0;
	}
	case NK_TUNABLE:
		return render_tunable(ref->node, out);
	case NK_PAGE_OWNER:
		return render_page_owner_node(ref->node, out);
	case NK_IO:
		return render_io_node(ref->node, out);
	case NK_FDINFO:
		return pid_render_fdinfo(ref, out);
	case NK_VIEW:
		return view_render(ref, out);
	case NK_TRACEFS:
		return tracefs_render(mmfs.m, ref->node->arg, out);
	case NK_KMSG:
		text = mm_kmsg_text(mmfs.m, &len);
		if (!text)
			return -ENOMEM;
		rbuf_put(out, text, len);
		free(text);
		return 0;
	default:
		return -EISDIR;
	}
}

int tree_readlink(const struct tree_ref *ref, char *buf, size_t size)
{
	int n;

	if (ref->node->kind != NK_LINK)
		return -EINVAL;
	switch (ref->node->arg) {
	case LINK_SELF:
		n = snprintf(buf, size, "%d", TREE_SELF_PID);
		break;
	case LINK_THREAD_SELF:
		n = snprintf(buf, size, "%d/task/%d", TREE_SELF_PID, TREE_SELF_PID);
		break;
	case LINK_MOUNTS:
		n = snprintf(buf, size, "self/mounts");
		break;
	default:
		return pid_readlink(ref, buf, size);
	}
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int tree_writable(const struct tree_ref *ref)
{
	const struct node *n = ref->node;

	return n->kind == NK_CTL || n->kind == NK_TASK_ADJ || (n->kind == NK_TUNABLE && (n->mode & 0200)) ||
	       n->kind == NK_NODE_COMPACT || (n->kind == NK_SYS && (n->mode & 0200)) ||
	       (n->kind == NK_VIEW && (n->mode & 0200)) ||
	       (n->kind == NK_BINARY && (n->mode & 0200)) ||
	       (n->kind == NK_TRACEFS && (n->mode & 0200) && tracefs_writable(n->arg));
}

int tree_write(const struct tree_ref *ref, const char *buf, size_t len)
{
	if (ref->node->kind == NK_TASK_ADJ) {
		if (ctl_pid_generation(ref->pid) != ref->gen)
			return -ESRCH;	/* the process this file was opened for has gone */
		return cmd_oom_adj_write(mmfs.m, ref->pid, ref->node->arg, buf, len);
	}
	if (ref->node->kind == NK_VIEW)
		return view_write(ref, buf, len);	/* view/PID/walk */
	if (ref->node->kind == NK_TRACEFS)
		return tracefs_write(mmfs.m, ref->node->arg, buf, len);
	if (ref->node->kind == NK_NODE_COMPACT) {	/* journaled as the tunable "nodeN/compact" */
		char name[32];

		snprintf(name, sizeof(name), "node%d/compact", (int)ref->node->arg);
		return cmd_tunable_write(mmfs.m, name, buf, len);
	}
	if (ref->node->kind == NK_SYS && (ref->node->mode & 0200)) {
		/* sys/kernel/slab/CACHE/{shrink,validate}: journaled as the tunable "slab/CACHE/ATTR" */
		char name[96];

		snprintf(name, sizeof(name), "slab/%s/%s",
			 mm_slab_cache_name((int)ref->node->arg / NR_SLAB_ATTRS),
			 slab_attr_names[ref->node->arg % NR_SLAB_ATTRS]);
		return cmd_tunable_write(mmfs.m, name, buf, len);
	}
	if (ref->node->kind != NK_TUNABLE)
		return -EIO;
	return cmd_tunable_write(mmfs.m, tunable_name(ref->node), buf, len);
}

/* A binary node of a process that is gone reads as empty (procbin.h). */
static int binary_gone(const struct tree_ref *ref)
{
	return ref->pid && ctl_pid_generation(ref->pid) != ref->gen;
}

ssize_t tree_pread(const struct tree_ref *ref, void *buf, size_t size, uint64_t off)
{
	if (ref->node->kind != NK_BINARY)
		return -EIO;
	if (binary_gone(ref))
		return 0;
	return procbin_read(mmfs.m, (enum procbin_kind)ref->node->arg, ref->pid, buf, size, off);
}

ssize_t tree_pwrite(const struct tree_ref *ref, const void *buf, size_t size, uint64_t off)
{
	if (ref->node->kind != NK_BINARY)
		return -EIO;
	if (binary_gone(ref))
		return 0;
	return procbin_write(mmfs.m, (enum procbin_kind)ref->node->arg, ref->pid, buf, size, off);
}
