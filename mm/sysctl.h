/* SPDX-License-Identifier: MIT */
/*
 * sysctl.h - the vm tunables (proc/sys/vm/<name>, sys/kernel/mm/...).
 */
#ifndef MM_SYSCTL_H
#define MM_SYSCTL_H

#include <stdint.h>

enum thp_mode { THP_ALWAYS, THP_MADVISE, THP_NEVER };

struct vm_tunables {
	int64_t min_free_kbytes;
	int64_t user_min_free_kbytes;	/* -1 until a user writes min_free_kbytes */
	int64_t watermark_scale_factor;
	int64_t watermark_boost_factor;
	int64_t lowmem_reserve_ratio[5];
	int64_t overcommit_memory;
	int64_t overcommit_ratio;
	int64_t overcommit_kbytes;
	int64_t admin_reserve_kbytes;
	int64_t user_reserve_kbytes;
	int64_t swappiness;
	int64_t max_map_count;
	int64_t mmap_min_addr;
	int64_t legacy_va_layout;
	int64_t nr_hugepages;
	int64_t nr_overcommit_hugepages;
	int64_t dirty_ratio, dirty_background_ratio;
	int64_t dirty_bytes, dirty_background_bytes;
	int64_t dirty_expire_centisecs, dirty_writeback_centisecs;
	int64_t vfs_cache_pressure;
	int64_t page_cluster;
	int64_t stat_interval;
	int64_t compact_unevictable_allowed;
	int64_t compaction_proactiveness;	/* compaction_node.c: 0..100 */
	int64_t extfrag_threshold;
	int64_t oom_kill_allocating_task, panic_on_oom, oom_dump_tasks;
	int64_t zone_reclaim_mode;
	int64_t laptop_mode;
	int64_t read_ahead_kb;		/* the files/ disk's readahead window */
	int64_t pid_max;		/* kernel.pid_max: pids wrap below it (task.c) */
	enum thp_mode thp_enabled;
	enum thp_mode thp_defrag;
	int64_t shmmni;			/* kernel.shmmni: System V segments at most (shm.c) */
	int64_t shm_rmid_forced;	/* kernel.shm_rmid_forced: stored */
	/* sys/kernel/mm/mempolicy/weighted_interleave (mempolicy_alloc.c) */
	int64_t wi_weight[64];		/* node N's weight, 1..255 (default 1) */
	int64_t wi_auto;		/* the auto switch: 1 until a node weight is written */
};

struct machine;
void tunables_init(struct machine *m);
void tunables_init_reserves(struct machine *m);	/* after totalram is known */

#endif
