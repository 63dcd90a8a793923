/* SPDX-License-Identifier: MIT */
/*
 * render.h - /proc text from snapshots.
 *
 * Every renderer is a pure function: (snapshot, clock) -> text appended to
 * an rbuf. No locks, no model access, no I/O. The formats are Linux 6.x's,
 * byte for byte (see shared/reference/procfs.md).
 */
#ifndef FS_RENDER_H
#define FS_RENDER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "../mm/mm.h"

/* A growable text buffer. Out of memory aborts: renderers never fail. */
struct rbuf {
	char *buf;
	size_t len, cap;
};

void rbuf_init(struct rbuf *b);
void rbuf_free(struct rbuf *b);
void rbuf_reset(struct rbuf *b);
void rbuf_put(struct rbuf *b, const char *s, size_t n);
void rbuf_puts(struct rbuf *b, const char *s);
void rbuf_printf(struct rbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Host time for the machine-level files (stat, uptime): these follow the
 * wall clock so that vmstat/top see CPU ticks advance; the memory model
 * itself never reads it.
 */
struct render_clock {
	double uptime;		/* seconds since mount */
	time_t btime;		/* mount time, epoch seconds */
};

/* global files (fs/render_global.c) */
void render_meminfo(struct rbuf *b, const struct mm_global_snap *s);
/* render_slab.c: proc/slabinfo, and sys/kernel/slab/CACHE/ATTR (arg = cache * NR_SLAB_ATTRS + attr) */
void render_slabinfo(struct rbuf *b, const struct mm_global_snap *s);
#define NR_SLAB_ATTRS 30
extern const char *const slab_attr_names[NR_SLAB_ATTRS];
void render_slab_attr(struct rbuf *b, const struct mm_global_snap *s, int arg);
void render_vmstat(struct rbuf *b, const struct mm_global_snap *s);
void render_buddyinfo(struct rbuf *b, const struct mm_global_snap *s);
/* render_extfrag.c: sys/kernel/debug/extfrag/ */
void render_unusable_index(struct rbuf *b, const struct mm_global_snap *s);
void render_extfrag_index(struct rbuf *b, const struct mm_global_snap *s);
void render_pagetypeinfo(struct rbuf *b, const struct mm_global_snap *s);
void render_zoneinfo(struct rbuf *b, const struct mm_global_snap *s);
void render_swaps(struct rbuf *b, const struct mm_global_snap *s);
/* render_io.c: proc/diskstats, sys/block/DEV/, proc/pressure/memory */
enum block_file {
	BLKF_STAT, BLKF_SIZE, BLKF_START, BLKF_PARTITION, BLKF_DEV, BLKF_INFLIGHT,
	BLKF_RANGE, BLKF_EXT_RANGE, BLKF_ZERO, BLKF_ONE, BLKF_512, BLKF_4096,
	BLKF_NR_REQUESTS, BLKF_MAX_SECTORS_KB, BLKF_SCHEDULER, NR_BLKF
};
void render_diskstats(struct rbuf *b, const struct mm_disk_snap *d, int n);
void render_block_file(struct rbuf *b, const struct mm_disk_snap *d, enum block_file f);
void render_pressure(struct rbuf *b, const struct mm_psi_snap *p);
/* render_owner.c: sys/kernel/debug/page_owner, page_owner_stacks/show_stacks */
void render_page_owner(struct rbuf *b, const struct mm_page_owner_snap *s);
void render_page_owner_stacks(struct rbuf *b, const struct mm_page_owner_snap *s);
void render_node_meminfo(struct rbuf *b, const struct mm_global_snap *s, int nid);

/* sys/devices/system/{node,cpu} and the NUMA lines of proc/PID (fs/render_node.c) */
enum cpu_topo {
	CPU_TOPO_PACKAGE_ID, CPU_TOPO_DIE_ID, CPU_TOPO_CLUSTER_ID, CPU_TOPO_CORE_ID,
	CPU_TOPO_THREAD_SIBLINGS, CPU_TOPO_THREAD_SIBLINGS_LIST,
	CPU_TOPO_CORE_CPUS, CPU_TOPO_CORE_CPUS_LIST,
	CPU_TOPO_CLUSTER_CPUS, CPU_TOPO_CLUSTER_CPUS_LIST,
	CPU_TOPO_CORE_SIBLINGS, CPU_TOPO_CORE_SIBLINGS_LIST,
	CPU_TOPO_DIE_CPUS, CPU_TOPO_DIE_CPUS_LIST,
	CPU_TOPO_PACKAGE_CPUS, CPU_TOPO_PACKAGE_CPUS_LIST,
	CPU_TOPO_NR
};
extern const char *const cpu_topo_names[CPU_TOPO_NR];
void render_node_all(struct rbuf *b, const struct mm_global_snap *s, int arg);
void render_node_has_cpu(struct rbuf *b, const struct mm_global_snap *s, int arg);
void render_node_cpumap(struct rbuf *b, const struct mm_global_snap *s, int nid);
void render_node_cpulist(struct rbuf *b, const struct mm_global_snap *s, int nid);
void render_node_distance(struct rbuf *b, const struct mm_global_snap *s, int nid);
void render_node_numastat(struct rbuf *b, const struct mm_global_snap *s, int nid);
void render_node_vmstat(struct rbuf *b, const struct mm_global_snap *s, int nid);
void render_node_hugepages(struct rbuf *b, const struct mm_global_snap *s, int arg);
void render_cpu_kernel_max(struct rbuf *b, const struct mm_global_snap *s, int arg);
void render_cpu_all(struct rbuf *b, const struct mm_global_snap *s, int arg);
void render_cpu_none(struct rbuf *b, const struct mm_global_snap *s, int arg);
void render_cpu_online(struct rbuf *b, const struct mm_global_snap *s, int cpu);
void render_cpu_topology(struct rbuf *b, const struct mm_global_snap *s, int arg);
void render_numa_maps(struct rbuf *b, const struct mm_numa_vma *v, size_t nr, int nr_nodes);

/* machine files (fs/render_sys.c) */
void render_stat(struct rbuf *b, const struct mm_global_snap *s, const struct render_clock *c);
void render_uptime(struct rbuf *b, const struct mm_global_snap *s, const struct render_clock *c);
void render_loadavg(struct rbuf *b, const struct mm_global_snap *s);
void render_cpuinfo(struct rbuf *b, const struct mm_global_snap *s);
void render_osrelease(struct rbuf *b, const struct mm_global_snap *s);
/* render_ipc.c: proc/sysvipc/shm */
void render_sysvipc_shm(struct rbuf *b, const struct mm_global_snap *s,
			const struct render_clock *c);
void render_tty_drivers(struct rbuf *b, const struct mm_global_snap *s);
void render_mounts(struct rbuf *b, const struct mm_task_snap *t);

/* per-process files (fs/render_task.c) */
void render_maps(struct rbuf *b, const struct mm_task_snap *t);
void render_smaps(struct rbuf *b, const struct mm_task_snap *t);
/* The same one VMA at a time, then the gate VMA that ends both (taskstream.c). */
void render_maps_vma(struct rbuf *b, const struct mm_vma_snap *v);
void render_maps_gate(struct rbuf *b);
void render_smaps_vma(struct rbuf *b, const struct mm_vma_snap *v);
void render_smaps_gate(struct rbuf *b);
/* Returns -ESRCH when the task has no mm (as Linux does), else 0. */
int render_smaps_rollup(struct rbuf *b, const struct mm_task_snap *t);
void render_status(struct rbuf *b, const struct mm_task_snap *t);
void render_statm(struct rbuf *b, const struct mm_task_snap *t);
void render_stat_pid(struct rbuf *b, const struct mm_task_snap *t);
void render_comm(struct rbuf *b, const struct mm_task_snap *t);
void render_oom_score(struct rbuf *b, const struct mm_task_snap *t);
void render_oom_score_adj(struct rbuf *b, const struct mm_task_snap *t);
void render_oom_adj(struct rbuf *b, const struct mm_task_snap *t);
void render_cmdline(struct rbuf *b, const struct mm_task_snap *t);
void render_environ(struct rbuf *b, const struct mm_task_snap *t);

/* per-process files that are not about memory (fs/render_pid.c) */
/* limits: the 16 resource limits in proc_pid_limits' columns */
void render_limits(struct rbuf *b, const struct mm_task_snap *t);
/* io: the task_io_accounting counters */
void render_io(struct rbuf *b, const struct mm_task_snap *t);
/* cgroup: the root of the v2 hierarchy */
void render_cgroup(struct rbuf *b, const struct mm_task_snap *t);

/*
 * wchan: where a process sleeps, without a newline: WCHAN_SLEEPING, the
 * symbol Linux 6.18 x86-64 shows for pause(2), or "0" when it runs.
 */
#define WCHAN_SLEEPING	"__do_sys_pause"
void render_wchan(struct rbuf *b, const struct mm_task_snap *t);

/*
 * fdinfo/N of one open file; mnt_id is the mount it is on: FILES_MNT_ID,
 * the simulated root file system (files/), its only mount.
 */
#define FILES_MNT_ID	1
void render_fdinfo(struct rbuf *b, const struct mm_fd_snap *f, int mnt_id);

/* The x86-64 gate VMA that maps/smaps print last and no counter includes. */
#define GATE_VMA_START 0xffffffffff600000ULL
#define GATE_VMA_END   0xffffffffff601000ULL

#endif
