/* SPDX-License-Identifier: MIT */
/*
 * internal.h - the machine: what every mm/ file shares.
 *
 * Locking: one mutex, m->lock, taken by the public entry points of mm.h only
 * (never recursively). Every function declared in mm/ headers other than
 * mm.h expects it held; lockdep_assert_held() documents and checks that.
 */
#ifndef MM_INTERNAL_H
#define MM_INTERNAL_H

#include <pthread.h>
#include <stdint.h>
#include <stddef.h>
#include <errno.h>

#include "mm.h"
#include "mmzone.h"
#include "vmstat.h"
#include "sysctl.h"
#include "page.h"
#include "list.h"
#include "arena.h"
#include "page_owner.h"
#include "blk_stat.h"
#include "psi.h"
#include "slab.h"

struct task;
struct kmsg;

/* Debug checks that cost nothing when off but are always type-checked. */
#ifdef MM_DEBUG
#include <stdio.h>
#include <stdlib.h>
#define VM_BUG_ON(cond) do { if (cond) { \
	fprintf(stderr, "VM_BUG_ON(%s) at %s:%d\n", #cond, __FILE__, __LINE__); abort(); } } while (0)
#else
#define VM_BUG_ON(cond) do { if (0 && (cond)) {} } while (0)
#endif

struct machine {
	/* sched.c: the model lock, a FIFO ticket lock under this mutex */
	pthread_mutex_t lock;		/* guards the ticket fields only */
	pthread_cond_t lock_cond;
	uint64_t lock_next, lock_serving;	/* tickets handed out / the holder's */
	pthread_t lock_owner;		/* valid while locked; for lockdep_assert_held */
	int locked;
	/* sched.c: the command turn (mm_cmd_begin/end), FIFO too */
	pthread_mutex_t turn_lock;
	pthread_cond_t turn_cond;
	uint64_t turn_next, turn_serving;
	/* the running command (the turn's holder): fatal_signal_pending polls */
	uint64_t cmd_polls;		/* polls so far */
	uint64_t cmd_interrupted;	/* the poll that stopped it, or 0 */
	uint64_t cmd_inject;		/* replay: the poll that must stop it, or 0 */

	struct arena *arena;		/* arena.h: where this machine's objects live (it too) */
	struct mm_config cfg;
	char swap_path[256];
	int nr_nodes;
	int nr_cpus;
	uint8_t node_distance[MM_MAX_NODES][MM_MAX_NODES];	/* the SLIT, [from][to] */
	/* zonelist node order of each node (page_alloc.c build_node_orders), once built */
	int8_t node_order[MM_MAX_NODES][MM_MAX_NODES];
	int node_order_built;
	struct pglist_data *node[MM_MAX_NODES];	/* [0, nr_nodes) are set */

	/* physical memory: [0, max_pfn), see memmap.h */
	uint64_t max_pfn;
	struct page *mem_map;		/* max_pfn entries, reserved sparsely */
	uint8_t *frames;		/* max_pfn * 4 KiB of contents, reserved sparsely */
	struct region mem_map_region, frames_region;	/* what the two above live in */
	size_t mem_map_bytes, frames_bytes;
	uint8_t *pageblock_mt;		/* migratetype per pageblock, max_pfn >> 9 */

	/*
	 * Holes and reserved ranges of physical memory (memblock's role),
	 * sorted and disjoint. Every other pfn below max_pfn is usable RAM.
	 */
	struct mem_range {
		uint64_t start, end;	/* pfns, [start, end) */
		int kind;		/* enum pfn_kind: PFN_HOLE or PFN_RESERVED */
		const char *what;	/* for kmsg and check reports */
	} ranges[8 + 2 * MM_MAX_NODES];
	int nr_ranges;

	uint64_t zero_pfn;		/* the shared zero page (in the kernel image) */
	struct zonelist (*zonelists)[MAX_NR_ZONES][2];	/* [nid][highest zone][THISNODE], lazily built */
	uint64_t huge_zero_pfn;		/* head of the huge zero page, 0 while there is none */
	uint64_t huge_zero_users;	/* address spaces holding it (mm->huge_zero_ref) */
	uint64_t totalram_pages;	/* Σ managed */
	uint64_t totalreserve_pages;	/* Σ zone reserves, see calculate_totalreserve_pages */
	uint64_t memmap_pages;		/* pages the struct page array costs */

	int64_t vm_events[NR_VM_EVENT_ITEMS];
	uint64_t vm_committed_as;	/* pages charged by VM_ACCOUNT mappings and shmem objects */
	uint64_t shmem_ino;		/* last inode number given to a shared anon object */
	/* pgtable.c: bumped when a table is freed; mm->ptc entries older are stale */
	uint64_t pgtable_gen;
	/* rmap_walk.c: anon_vma ids and the VMAs that carry them */
	uint64_t last_anon_vma;		/* the last id handed out */
	struct anon_vma **anon_vmas;	/* hash table, anon_nbuckets chains */
	uint64_t anon_nbuckets, nr_anon_vmas;
	/* rmap_avc.c: Linux's anon_vma tree (its slab objects) */
	uint64_t nr_av_nodes, nr_avcs;	/* anon_vma and anon_vma_chain objects */
	uint64_t avc_lost;		/* host allocations that failed: counts not exact */
	/* swapfile.c: the swap devices, by type */
	struct swap_info_struct *swap_info[32];	/* MAX_SWAPFILES */
	int swap_least_prio;		/* the last priority swapon assigned (-1 at boot) */
	/* kswapd.c: some node's kswapd is woken or napping (kswapd_run has work) */
	int kswapd_active;
	struct swap_info_struct *swap_best;	/* swapfile.c: the device of the cluster in use */
	uint64_t swap_avail_seq;		/* swapfile.c: orders devices of equal priority */
	/*
	 * swap_state.c: cluster readahead (a shmem swap-in: no VMA keeps its
	 * state), one for the machine as Linux's are statics: the readahead
	 * hits since the last miss (4 at boot), the slot of the last miss that
	 * had none to judge by, and the window of the last miss (pages)
	 */
	uint32_t swapin_readahead_hits;
	uint32_t swapin_last_ra_pages;
	uint64_t swapin_prev_offset;
	struct zswap *zswap;		/* zswap.c: the compressed cache in front of swap */
	/*
	 * page_alloc.c: the last allocation that failed and may be retried
	 * after reclaim (order <= 3): a command that failed with ENOMEM
	 * retries only when this is set (page_alloc_slow.c)
	 */
	int alloc_failed;
	unsigned alloc_fail_gfp;
	int alloc_fail_order, alloc_fail_nid;
	uint64_t alloc_fail_nodemask;	/* the failed allocation's nodes (0: all): reclaim's */
	uint64_t reclaim_nodemask;	/* direct reclaim's nodes while alloc_retry runs it (0: all) */
	/*
	 * The VMA and address an allocation made without one in hand is for
	 * (a swap-in's readahead page, a shmem fault's page-cache page): its
	 * memory policy places the page (mempolicy_alloc.c); NULL otherwise.
	 */
	struct vm_area_struct *policy_vma;
	uint64_t policy_addr;
	/*
	 * A shmem swap-in's object and index (shmem_swapin_cluster's mpol and
	 * ilx): its readahead pages follow the object's shared policy; NULL otherwise.
	 */
	struct file_ref *policy_shmem;
	uint64_t policy_shmem_index;
	/* the process the running command works for (the OOM report's current), or NULL */
	struct task *cur_task;
	/* oom_kill.c: the report's rate limit, the panic, the oom_adj warning */
	uint64_t oom_rs_begin_ns;	/* the rate limit's interval start, 0: none yet */
	int oom_rs_printed, oom_rs_missed;	/* reports printed / suppressed in it */
	int oom_adj_warned;		/* the legacy oom_adj deprecation line was logged */
	char panic_msg[128];		/* "" or the panic's message: the machine has stopped */

	/* the persistent hugetlb pool (2 MiB pages taken from the buddy allocator) */
	struct list_head hugepage_freelist;
	uint64_t nr_huge_pages, free_huge_pages, resv_huge_pages, surplus_huge_pages;
	uint64_t nr_huge_pages_node[MM_MAX_NODES];
	uint64_t free_huge_pages_node[MM_MAX_NODES];
	int hugetlb_next_nid;		/* round-robin cursor for pool growth */
	struct vm_tunables tun;		/* sysctl.h */

	/* processes (task.c) */
	struct task **tasks;		/* indexed by pid, NULL when free */
	int pid_max;			/* length of tasks[] */
	int last_pid;
	int nr_tasks;
	uint64_t forks;

	/* the simulated file system (file.c) */
	int backing_fd;			/* backing=DIR, or -1 */
	int lower_fd;			/* lower=DIR beneath it (file_lower.c), or -1 */
	char lower_hide[256];		/* relative to lower=DIR: never entered (the mount) */
	uint32_t files_dev_major, files_dev_minor;	/* the device maps shows */
	uint64_t next_ino;		/* next inode number to hand out */
#define FILE_TABLE_BUCKETS 256
	struct file_ref *file_table[FILE_TABLE_BUCKETS];	/* by host inode */
	struct file_ref *files_first, *files_last;	/* the same, in model inode order */

	/* kernel log (kmsg.c) */
	struct kmsg *kmsg;

	/* simulated clock: advances at well-defined points only */
	uint64_t sim_ns;

	/* page-writeback.c: the flusher's dirty page-cache pages, oldest first */
	struct list_head wb_dirty;
	uint64_t wb_nr_listed;		/* pages on wb_dirty */
	uint64_t wb_last_kupdate_ns;	/* the flusher's last periodic wakeup */
	/* file.c: who hears before a backing file changes (mm_set_backing_hook) */
	void (*backing_hook)(void *arg, const char *path);
	void *backing_hook_arg;
	/* file.c: who hears of each stand-in file or directory the model makes */
	void (*standin_hook)(void *arg, const char *rel);
	void *standin_hook_arg;
	/* filemap_rw.c: who hears about changed file bytes (mm_set_file_notify) */
	void (*file_notify)(void *arg, uint64_t ino, uint64_t off, uint64_t len);
	void *file_notify_arg;
	/* shm.c: the mount's IPC namespace (System V shared memory) */
	struct ipc_namespace *ipc;
	/* shmem_file.c: /dev/shm files unlinked while still mapped or open */
	uint64_t tmpfs_orphans;
	/*
	 * trace_ring.c: the events that record (enabled and tracing_on, else
	 * 0): the one word every hook tests (trace.h); the ring and switches;
	 * who hears of a new entry (mm_set_trace_notify); the kernel thread
	 * the events are for (trace_kthread_enter), NULL for m->cur_task
	 */
	uint64_t trace_mask;
	struct trace_state *trace;
	void (*trace_notify)(void *arg);
	void *trace_notify_arg;
	const char *trace_comm;
	int trace_pid;
	/*
	 * > 0 during one try of an allocation made of several (a THP fault's,
	 * a hugetlb pool page's: not the reclaim or compaction between them):
	 * its mm_page_alloc is left to the caller, who traces the allocation
	 * once, as it ends (trace_mm_page_alloc_end). 0 between commands.
	 */
	int trace_alloc_tries;
	/* mempolicy_shared.c: the shmem objects that have a shared policy, in the order they got one */
	struct list_head shared_policies;
	/* page_owner.c (page_owner=on): one record per pfn, NULL when off */
	struct page_owner *page_owner;
	uint8_t po_site;			/* enum page_owner_site of the next allocation */
	uint32_t po_nr_stacks;			/* stacks used so far */
	uint32_t po_stack_seq[PO_NR_HANDLES];	/* when each stack was first used (1..), 0: never */
	uint64_t po_nr_base_pages[PO_NR_HANDLES];	/* pages each stack holds allocated now */
	/* blk_stat.c: the disk's I/O counters (vda, vda1) and the plug merging bios */
	struct blk_stats blk[MM_NR_DISKS];
	struct blk_plug_state blk_plug;
	struct swap_disk swap_disks[MM_MAX_SWAP_DISKS];	/* the swap partitions' disks */
	int nr_swap_disks;
	int nr_blkext;				/* 259:N numbers given so far */
	/* psi.c: memory pressure */
	struct psi_group psi;
	/* slub.c: the slab caches (slab.h), by enum kmem_cache_id */
	struct kmem_cache *slab_caches[NR_KMEM_CACHES];
	/* slub_shrink.c: the super block shrinker's nr_deferred, per node */
	int64_t sb_nr_deferred[MM_MAX_NODES];
	/* slub_shrink.c: unused dentries, and unused inodes that cache nothing, per node */
	struct list_head dentry_lru[MM_MAX_NODES], inode_lru[MM_MAX_NODES];
	uint64_t nr_dentry_lru[MM_MAX_NODES], nr_inode_lru[MM_MAX_NODES];
	/* compaction.c: PB_migrate_skip per pageblock (max_pfn >> 9), kcompactd has work */
	uint8_t *pageblock_skip;
	int kcompactd_active;
};

struct zone *pfn_zone(struct machine *m, uint64_t pfn);

/* The zone of a page: from its flags when the allocator stamped them, else by pfn. */
static inline struct zone *page_zone(struct machine *m, struct page *page)
{
	if (page->flags & PAGE_ZONE_VALID)
		return &m->node[(page->flags >> PAGE_NID_SHIFT) & 63]->node_zones[(page->flags >> PAGE_ZID_SHIFT) & 7];
	return pfn_zone(m, (uint64_t)(page - m->mem_map));
}

void machine_lock(struct machine *m);
void machine_unlock(struct machine *m);
/*
 * sched.c. A step boundary of a long command (kernel: cond_resched): the
 * model is consistent here, so readers waiting for the lock may take it
 * now. The caller holds m->lock and holds it again on return.
 */
void cond_resched(struct machine *m);
/*
 * Whether the command working for task t must stop (its process is being
 * killed): poll it at step boundaries and unwind with -EINTR on 1. Once
 * it returned 1 it returns 1 for the rest of the command. t may be NULL.
 */
int fatal_signal_pending(struct machine *m, struct task *t);
/*
 * Long loops over addresses take a step boundary at every 2 MiB (a PMD's
 * worth of pages): cheap enough to be unseen, short enough that a reader
 * waits for 512 page operations at most.
 */
#define STEP_BYTES	(1ULL << 21)
static inline int step_boundary(uint64_t addr) { return !(addr & (STEP_BYTES - 1)); }
/*
 * Where a woken kswapd runs inside a long fault loop: every 32 pages
 * (SWAP_CLUSTER_MAX), as often as it reclaims a batch, standing in for a
 * kswapd on another CPU that keeps pace with the faulting task. A fixed
 * point of the command, so the model stays deterministic.
 */
#define KSWAPD_STEP_BYTES	(32ULL << 12)
static inline int kswapd_point(struct machine *m, uint64_t addr)
{
	return m->kswapd_active && !(addr & (KSWAPD_STEP_BYTES - 1));
}
/* cond_resched, then fatal_signal_pending: the usual pair at a boundary. */
static inline int resched_or_killed(struct machine *m, struct task *t)
{
	cond_resched(m);
	return fatal_signal_pending(m, t);
}
void lockdep_assert_held(struct machine *m);

/* Advance the simulated clock (every command costs MM_TICK_NS). */
#define MM_TICK_NS 1000000ULL
static inline void sim_advance(struct machine *m, uint64_t ns)
{
	m->sim_ns += ns;
	psi_avgs_work(m);	/* PSI's averaging work runs on the same clock */
}

/* kmsg.c */
struct kmsg *kmsg_new(void);
void kmsg_free(struct kmsg *k);
void kmsg_add(struct machine *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* task.c: the pid table; see task.h */
int task_init(struct machine *m);
void task_exit_all(struct machine *m);
void task_snap_fill(struct machine *m, struct task *t, struct mm_task_snap *s, int want_vmas);

/* machine.c: the actions behind drop_caches / compact_memory, lock held */
int drop_caches_locked(struct machine *m, int mode);
int compact_locked(struct machine *m);

/* check.c: append one violation line per broken invariant; returns count */
struct rbuf_lite {
	char *buf;
	size_t len, cap;
};
void rbl_printf(struct rbuf_lite *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int check_page_alloc(struct machine *m, struct rbuf_lite *out);
int check_vmstat(struct machine *m, struct rbuf_lite *out);
int check_tasks(struct machine *m, struct rbuf_lite *out);
int check_paging(struct machine *m, struct rbuf_lite *out);	/* check_mm.c */
int io_check(struct machine *m, struct rbuf_lite *out);		/* io_check.c: diskstats, PSI */

#endif
