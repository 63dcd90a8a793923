/* SPDX-License-Identifier: MIT */
/*
 * snapshot.h - plain-data copies of the model, taken under its lock.
 *
 * fs/ renders /proc text from these and nothing else. They hold no pointers
 * into the model: a snapshot stays valid after the lock is dropped and is
 * released with a single free().
 */
#ifndef MM_SNAPSHOT_H
#define MM_SNAPSHOT_H

#include <stdint.h>
#include <stddef.h>

#include "vmstat_items.h"

#define MM_MAX_NODES	64
#define MM_MAX_CPUS	256	/* NR_CPUS of the reference host (cpu/kernel_max 255) */
#define MM_LOCAL_DISTANCE	10
#define MM_REMOTE_DISTANCE	20
#define MM_MAX_ORDER	10		/* orders 0..MM_MAX_ORDER */
#define MM_NR_ORDERS	(MM_MAX_ORDER + 1)
#define MM_PAGEBLOCK_ORDER 9		/* 2 MiB pageblocks */
#define MM_SNAP_PATH_MAX 256

enum zone_type { ZONE_DMA, ZONE_DMA32, ZONE_NORMAL, ZONE_MOVABLE, ZONE_DEVICE, MAX_NR_ZONES };

/* Linux's order; the names are what pagetypeinfo prints. */
enum migratetype {
	MIGRATE_UNMOVABLE,
	MIGRATE_MOVABLE,
	MIGRATE_RECLAIMABLE,
	MIGRATE_HIGHATOMIC,
	MIGRATE_ISOLATE,
	MIGRATE_TYPES
};
#define MIGRATE_PCPTYPES 3

enum zone_watermarks { WMARK_MIN, WMARK_LOW, WMARK_HIGH, WMARK_PROMO, NR_WMARK };

extern const char *const zone_names[MAX_NR_ZONES];	/* "DMA" "DMA32" "Normal" "Movable" "Device" */
extern const char *const migratetype_names[MIGRATE_TYPES];

struct mm_zone_snap {
	int populated;			/* present_pages > 0 */
	uint64_t zone_start_pfn;
	uint64_t spanned_pages;		/* end - start, holes included */
	uint64_t present_pages;		/* spanned minus holes */
	uint64_t managed_pages;		/* present minus what the kernel holds back */
	uint64_t watermark[NR_WMARK];	/* pages */
	uint64_t watermark_boost;
	uint64_t lowmem_reserve[MAX_NR_ZONES];
	uint64_t nr_free[MM_NR_ORDERS][MIGRATE_TYPES];	/* free blocks, not pages */
	uint64_t nr_pageblocks[MIGRATE_TYPES];		/* pageblocks of each type */
	int64_t stat[NR_VM_ZONE_STAT_ITEMS];
	int64_t numa_stat[NR_VM_NUMA_STAT_ITEMS];
};

struct mm_node_snap {
	uint64_t node_start_pfn;
	uint64_t node_spanned_pages;
	uint64_t node_present_pages;
	struct mm_zone_snap zone[MAX_NR_ZONES];
	int64_t stat[NR_VM_NODE_STAT_ITEMS];
	uint64_t hugepages_total, hugepages_free, hugepages_surp;
};

/*
 * /proc/meminfo, in print order: X(ID, "Key", kind). kind KB prints
 * "%-16s%8lu kB" with "Key:" in the field; kind N5 prints "Key:" padded to
 * 19 then "%5lu" with no unit (the HugePages_* lines). Values of KB lines
 * are kB, of N5 lines plain counts.
 */
#define MM_MEMINFO_FIELDS(X) \
	X(MI_MEMTOTAL, "MemTotal", KB) \
	X(MI_MEMFREE, "MemFree", KB) \
	X(MI_MEMAVAILABLE, "MemAvailable", KB) \
	X(MI_BUFFERS, "Buffers", KB) \
	X(MI_CACHED, "Cached", KB) \
	X(MI_SWAPCACHED, "SwapCached", KB) \
	X(MI_ACTIVE, "Active", KB) \
	X(MI_INACTIVE, "Inactive", KB) \
	X(MI_ACTIVE_ANON, "Active(anon)", KB) \
	X(MI_INACTIVE_ANON, "Inactive(anon)", KB) \
	X(MI_ACTIVE_FILE, "Active(file)", KB) \
	X(MI_INACTIVE_FILE, "Inactive(file)", KB) \
	X(MI_UNEVICTABLE, "Unevictable", KB) \
	X(MI_MLOCKED, "Mlocked", KB) \
	X(MI_SWAPTOTAL, "SwapTotal", KB) \
	X(MI_SWAPFREE, "SwapFree", KB) \
	X(MI_ZSWAP, "Zswap", KB) \
	X(MI_ZSWAPPED, "Zswapped", KB) \
	X(MI_DIRTY, "Dirty", KB) \
	X(MI_WRITEBACK, "Writeback", KB) \
	X(MI_ANONPAGES, "AnonPages", KB) \
	X(MI_MAPPED, "Mapped", KB) \
	X(MI_SHMEM, "Shmem", KB) \
	X(MI_KRECLAIMABLE, "KReclaimable", KB) \
	X(MI_SLAB, "Slab", KB) \
	X(MI_SRECLAIMABLE, "SReclaimable", KB) \
	X(MI_SUNRECLAIM, "SUnreclaim", KB) \
	X(MI_KERNELSTACK, "KernelStack", KB) \
	X(MI_PAGETABLES, "PageTables", KB) \
	X(MI_SECPAGETABLES, "SecPageTables", KB) \
	X(MI_NFS_UNSTABLE, "NFS_Unstable", KB) \
	X(MI_BOUNCE, "Bounce", KB) \
	X(MI_WRITEBACKTMP, "WritebackTmp", KB) \
	X(MI_COMMITLIMIT, "CommitLimit", KB) \
	X(MI_COMMITTED_AS, "Committed_AS", KB) \
	X(MI_VMALLOCTOTAL, "VmallocTotal", KB) \
	X(MI_VMALLOCUSED, "VmallocUsed", KB) \
	X(MI_VMALLOCCHUNK, "VmallocChunk", KB) \
	X(MI_PERCPU, "Percpu", KB) \
	X(MI_ANONHUGEPAGES, "AnonHugePages", KB) \
	X(MI_SHMEMHUGEPAGES, "ShmemHugePages", KB) \
	X(MI_SHMEMPMDMAPPED, "ShmemPmdMapped", KB) \
	X(MI_FILEHUGEPAGES, "FileHugePages", KB) \
	X(MI_FILEPMDMAPPED, "FilePmdMapped", KB) \
	X(MI_BALLOON, "Balloon", KB) \
	X(MI_HUGEPAGES_TOTAL, "HugePages_Total", N5) \
	X(MI_HUGEPAGES_FREE, "HugePages_Free", N5) \
	X(MI_HUGEPAGES_RSVD, "HugePages_Rsvd", N5) \
	X(MI_HUGEPAGES_SURP, "HugePages_Surp", N5) \
	X(MI_HUGEPAGESIZE, "Hugepagesize", KB) \
	X(MI_HUGETLB, "Hugetlb", KB) \
	X(MI_DIRECTMAP4K, "DirectMap4k", KB) \
	X(MI_DIRECTMAP2M, "DirectMap2M", KB) \
	X(MI_DIRECTMAP1G, "DirectMap1G", KB)

#define MM__MI_ENUM(id, key, kind) id,
enum meminfo_item { MM_MEMINFO_FIELDS(MM__MI_ENUM) NR_MEMINFO_ITEMS };
#undef MM__MI_ENUM

struct mm_swap_snap {
	char path[MM_SNAP_PATH_MAX];
	int is_partition;
	uint64_t size_kb;		/* excludes the header page */
	uint64_t used_kb;
	int priority;
};

/* One System V segment, as proc/sysvipc/shm shows it (shm.c). */
struct mm_shm_snap {
	int32_t key;			/* 0 once removed */
	int id;
	unsigned mode;			/* 0777 | SHM_DEST 01000 | SHM_LOCKED 02000 */
	uint64_t segsz;			/* bytes */
	int cpid, lpid;
	uint64_t nattch;
	uint64_t atime, dtime, ctime;	/* simulated ns (sim_ns) of the event, 0: never */
	uint64_t rss, swap;		/* pages */
};

/* One slab cache (slab.h): its geometry and, per node, its slabs. */
struct mm_slab_snap {
	const char *name;		/* static: the cache table's */
	const char *ctor;		/* "" when none */
	unsigned object_size, size, align, order, objs_per_slab;
	unsigned min_partial, cpu_partial, usersize;
	int reclaim_account, hwcache_align, destroy_by_rcu;
	unsigned aliases;		/* merged-in caches the model has (sysfs aliases) */
};

struct mm_slab_node_snap {
	uint64_t slabs, partial;	/* slabs, of which partial (empty ones too) */
	uint64_t objects;		/* objects in use */
	uint64_t objects_partial;	/* of those, in partial slabs */
	uint64_t total_objects;		/* slots in all slabs */
	uint64_t pages;			/* pages of all slabs */
};

struct mm_global_snap {
	int nr_nodes;
	int nr_cpus;
	uint8_t distance[MM_MAX_NODES][MM_MAX_NODES];	/* the SLIT, [from][to] */
	uint64_t meminfo[NR_MEMINFO_ITEMS];	/* computed by mm, see MM_MEMINFO_FIELDS */
	int64_t vm_events[NR_VM_EVENT_ITEMS];
	/* the four computed lines between node items and events in vmstat */
	uint64_t dirty_threshold, dirty_background_threshold;
	uint64_t memmap_pages, memmap_boot_pages;
	int nr_swap;				/* devices, in swap_info order */
	struct mm_swap_snap swap[32];		/* MAX_SWAPFILES */
	uint64_t forks;				/* "processes" in /proc/stat */
	int nr_running;				/* live tasks */
	int last_pid;				/* the pid handed out last (loadavg) */
	uint64_t sim_ns;			/* the simulated clock */
	int nr_shm;				/* System V segments, in shm[] */
	struct mm_shm_snap *shm;		/* in the same allocation, after node[]; NULL if none */
	/* slub.c: every kmem_cache, in creation order, and [cache * nr_nodes + nid] */
	int nr_slab;
	struct mm_slab_snap *slab;		/* in the same allocation, after shm */
	struct mm_slab_node_snap *slab_node;	/* the same */
	struct mm_node_snap node[];		/* nr_nodes entries */
};

/*
 * CPUs go to nodes in blocks, the first nr_cpus % nr_nodes nodes one more:
 * cpus=4,nodes=2 gives node 0 CPUs 0-1 and node 1 CPUs 2-3; with fewer
 * CPUs than nodes the last nodes have none (memory-only nodes).
 */
static inline int mm_node_first_cpu(int nr_cpus, int nr_nodes, int nid)
{
	int each = nr_cpus / nr_nodes, extra = nr_cpus % nr_nodes;

	return nid * each + (nid < extra ? nid : extra);
}

static inline int mm_node_nr_cpus(int nr_cpus, int nr_nodes, int nid)
{
	return nr_cpus / nr_nodes + (nid < nr_cpus % nr_nodes);
}

static inline int mm_cpu_to_node(int nr_cpus, int nr_nodes, int cpu)
{
	for (int nid = nr_nodes - 1; nid > 0; nid--)
		if (cpu >= mm_node_first_cpu(nr_cpus, nr_nodes, nid) &&
		    mm_node_nr_cpus(nr_cpus, nr_nodes, nid))
			return nid;
	return 0;
}

/* ---- one process ---- */

/* One line of proc/PID/numa_maps: a VMA and what gather_stats counted in it (pages). */
struct mm_numa_vma {
	uint64_t start;
	int is_file, heap, stack, huge;	/* file=name, heap, stack, huge */
	char name[MM_SNAP_PATH_MAX];	/* the file's path, as maps shows it */
	uint32_t kernel_page_kb;
	uint64_t pages, anon, dirty, swapcache, active, writeback, mapcount_max;
	uint64_t node[MM_MAX_NODES];
	char policy[96];		/* mempolicy.c's mpol_to_str: "default", "bind:1"... */
};

/* vm_flags bits, with the kernel's bit numbers (smaps VmFlags order). */
#define MM_VM_READ		(1ULL << 0)
#define MM_VM_WRITE		(1ULL << 1)
#define MM_VM_EXEC		(1ULL << 2)
#define MM_VM_SHARED		(1ULL << 3)
#define MM_VM_MAYREAD		(1ULL << 4)
#define MM_VM_MAYWRITE		(1ULL << 5)
#define MM_VM_MAYEXEC		(1ULL << 6)
#define MM_VM_MAYSHARE		(1ULL << 7)
#define MM_VM_GROWSDOWN		(1ULL << 8)
#define MM_VM_UFFD_MISSING	(1ULL << 9)
#define MM_VM_PFNMAP		(1ULL << 10)
#define MM_VM_UFFD_WP		(1ULL << 12)
#define MM_VM_LOCKED		(1ULL << 13)
#define MM_VM_IO		(1ULL << 14)
#define MM_VM_SEQ_READ		(1ULL << 15)
#define MM_VM_RAND_READ		(1ULL << 16)
#define MM_VM_DONTCOPY		(1ULL << 17)
#define MM_VM_DONTEXPAND	(1ULL << 18)
#define MM_VM_LOCKONFAULT	(1ULL << 19)
#define MM_VM_ACCOUNT		(1ULL << 20)
#define MM_VM_NORESERVE		(1ULL << 21)
#define MM_VM_HUGETLB		(1ULL << 22)
#define MM_VM_SYNC		(1ULL << 23)
#define MM_VM_ARCH_1		(1ULL << 24)
#define MM_VM_WIPEONFORK	(1ULL << 25)
#define MM_VM_DONTDUMP		(1ULL << 26)
#define MM_VM_SOFTDIRTY		(1ULL << 27)
#define MM_VM_MIXEDMAP		(1ULL << 28)
#define MM_VM_HUGEPAGE		(1ULL << 29)
#define MM_VM_NOHUGEPAGE	(1ULL << 30)
#define MM_VM_MERGEABLE		(1ULL << 31)

/*
 * Residency of one VMA, as smaps accumulates it: bytes, except the *_pss
 * fields which are bytes << MM_PSS_SHIFT (the kernel's fixed point).
 */
#define MM_PSS_SHIFT 12
struct mm_vma_usage {
	uint64_t rss, pss, pss_dirty, pss_anon, pss_file, pss_shmem;
	uint64_t shared_clean, shared_dirty, private_clean, private_dirty;
	uint64_t referenced, anonymous, ksm, lazyfree, anon_thp, shmem_thp, file_thp;
	uint64_t shared_hugetlb, private_hugetlb, swap, swap_pss, locked_pss;
};

struct mm_vma_snap {
	uint64_t start, end;		/* [start, end) */
	uint64_t flags;			/* MM_VM_* */
	uint64_t pgoff;			/* pages; shown only for file VMAs */
	int is_file;			/* file-backed: offset and name are the file's */
	uint32_t dev_major, dev_minor;
	uint64_t ino;
	char name[MM_SNAP_PATH_MAX];	/* "/path", "[heap]", "[stack]", "[vdso]"... or "" */
	uint32_t kernel_page_kb, mmu_page_kb;	/* 4 unless hugetlb */
	int thp_eligible;
	struct mm_vma_usage u;
};

/*
 * A run-length vector of small values (mincore's residency): run[i].len
 * consecutive items of value run[i].val, adjacent runs of one value merged.
 * Malloc'd; free with mm_runs_free.
 */
struct mm_run {
	uint64_t len;
	uint8_t val;
};
struct mm_runs {
	size_t nr, cap;			/* runs used, allocated */
	uint64_t total;			/* Σ len */
	struct mm_run *run;
};
/* Append len items of val (merging with the last run); 0 or -ENOMEM. */
int mm_runs_push(struct mm_runs *r, uint8_t val, uint64_t len);
void mm_runs_free(struct mm_runs *r);

/* Resource limits in RLIMIT_* order (asm-generic/resource.h), proc/PID/limits. */
enum {
	MM_RLIMIT_CPU, MM_RLIMIT_FSIZE, MM_RLIMIT_DATA, MM_RLIMIT_STACK, MM_RLIMIT_CORE,
	MM_RLIMIT_RSS, MM_RLIMIT_NPROC, MM_RLIMIT_NOFILE, MM_RLIMIT_MEMLOCK, MM_RLIMIT_AS,
	MM_RLIMIT_LOCKS, MM_RLIMIT_SIGPENDING, MM_RLIMIT_MSGQUEUE, MM_RLIMIT_NICE,
	MM_RLIMIT_RTPRIO, MM_RLIMIT_RTTIME, MM_RLIM_NLIMITS
};
#define MM_RLIM_INFINITY	UINT64_MAX
struct mm_rlimit {
	uint64_t cur, max;		/* soft and hard limit; MM_RLIM_INFINITY: unlimited */
};

/* proc/PID/io: struct task_io_accounting's counters (bytes, or calls for sysc*). */
struct mm_task_io {
	uint64_t rchar, wchar, syscr, syscw, read_bytes, write_bytes, cancelled_write_bytes;
};

struct mm_task_snap {
	int pid, ppid;
	int tgid, nr_threads;		/* its thread group (pid for a process) and the group's size */
	char comm[16];			/* NUL-terminated, at most 15 chars */
	char cmdline[256];		/* NUL-separated argv */
	size_t cmdline_len;		/* bytes of cmdline, last NUL included */
	char state;			/* 'R', 'S', 'Z' ... */
	uint64_t start_ticks;		/* USER_HZ ticks after boot */
	int has_mm;			/* 0 for a zombie or a kernel thread */
	int oom_score_adj;		/* -1000..1000 */
	unsigned long oom_score;	/* proc/PID/oom_score (oom_kill.h) */
	/* mm counters, pages unless stated */
	uint64_t total_vm, locked_vm, pinned_vm, data_vm, exec_vm, stack_vm;
	uint64_t hiwater_vm, hiwater_rss;
	uint64_t rss_anon, rss_file, rss_shmem, swap_ents;
	uint64_t pgtables_bytes, hugetlb_kb;
	uint64_t start_code, end_code, start_data, end_data;
	uint64_t start_brk, brk, start_stack;
	uint64_t arg_start, arg_end, env_start, env_end;
	uint64_t min_flt, maj_flt, cmin_flt, cmaj_flt;
	int thp_enabled;		/* status THP_enabled */
	int nr_cpus, nr_nodes;		/* the machine's: what Cpus_allowed and Mems_allowed allow */
	int cpu;			/* the CPU it runs on: stat's processor */
	uint64_t cpus_allowed[MM_MAX_CPUS / 64];	/* its affinity mask, online CPUs only */
	struct mm_task_io io;
	struct mm_rlimit rlim[MM_RLIM_NLIMITS];
	char exe[MM_SNAP_PATH_MAX];	/* the program (mm->exe_file) as maps names it; "" without one */
	uint64_t exe_ino;		/* its inode number */
	char environ[64];		/* NUL-separated, as env_start..env_end holds it */
	size_t environ_len;		/* bytes of environ, last NUL included; 0 without an mm */
	size_t nr_vmas;			/* map_count; the gate VMA is not included */
	/*
	 * The VMAs, ascending: in vmas[] (mm_snap_task), or packed into
	 * packed_len bytes at packed (mm_snap_task_packed, a few dozen bytes
	 * each), in the same allocation. Read them with mm_snap_vma either way.
	 */
	const uint8_t *packed;
	size_t packed_len;
	int have_vmas;			/* the VMAs were asked for (vmas[] or packed) */
	struct mm_vma_snap vmas[];	/* nr_vmas entries when asked for and not packed */
};

/* One open file of a process (proc/PID/fd/N, fdinfo/N). */
struct mm_fd_snap {
	int fd;
	int flags;			/* MM_O_* (uapi.h) as opened */
	uint64_t ino;			/* inode number, as maps and files/ show it */
	char path[MM_SNAP_PATH_MAX];	/* as maps names it; " (deleted)" once unlinked */
};

/*
 * The next VMA of snapshot s into *v: *cursor starts at 0. 1, or 0 after
 * the last one (or when the snapshot holds no VMAs).
 */
int mm_snap_vma(const struct mm_task_snap *s, size_t *cursor, struct mm_vma_snap *v);

/*
 * page_owner=on (page_owner.c): one allocated block, as read_page_owner
 * prints it. flags is Linux's page->flags for the head page: the
 * page-flags bits of include/linux/page-flags.h and the node, zone and
 * last_cpupid fields where an x86-64 distribution kernel keeps them.
 */
struct mm_page_owner_rec {
	uint64_t pfn;
	uint64_t ts_nsec;		/* the simulated clock at the allocation */
	uint64_t flags;			/* Linux's page->flags (above) */
	unsigned gfp;			/* the model's gfp: mm_gfp_format names Linux's */
	int pid, tgid;
	int handle;			/* the stack: mm_page_owner_stack */
	int order;
	int last_migrate_reason;	/* -1: never migrated; else an index of mm_migrate_reason_names */
	int page_mt, block_mt;		/* the gfp's and the pageblock's enum migratetype */
	char comm[16];
};

/* page_owner_stacks: a stack with the base pages it holds, newest stack first. */
#define MM_PO_MAX_STACKS	64
struct mm_page_owner_snap {
	int nr_stacks;
	struct { int handle; uint64_t nr_base_pages; } stacks[MM_PO_MAX_STACKS];
	size_t nr;			/* records, in pfn order */
	struct mm_page_owner_rec recs[];
};

/* /proc/diskstats and sys/block (blk_stat.c): vda, then its partition vda1. */
#define MM_NR_DISKS	2
/* and then the swap partitions' disks (blk_swap_disk): at most this many in all */
#define MM_MAX_DISKS	(MM_NR_DISKS + 32)
struct mm_disk_snap {
	char name[16];
	int major, minor, partno;	/* partno 0: the whole disk */
	uint64_t start, size;		/* in 512-byte sectors */
	uint64_t ios[2], merges[2], sectors[2], ticks_ms[2];	/* [0] read, [1] write */
	uint64_t io_ticks_ms, time_in_queue_ms;
};

/* /proc/pressure/memory (psi.c): [0] some, [1] full. */
struct mm_psi_snap {
	unsigned long avg[2][3];	/* avg10, avg60, avg300: percent << 11 (FIXED_1) */
	uint64_t total_us[2];
};

#endif
