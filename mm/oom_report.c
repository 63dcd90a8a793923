// SPDX-License-Identifier: MIT
/*
 * oom_report.c - the OOM killer's kernel log lines (kernel: mm/oom_kill.c
 * dump_header, dump_tasks, dump_oom_summary, __oom_kill_process;
 * mm/show_mem.c __show_mem; lib/dump_stack.c; kernel/panic.c), in Linux
 * 6.18's format as reclaim.md §11.5 gives it. Every figure is read from
 * the model at the moment of the report, so the Mem-Info block agrees with
 * meminfo, zoneinfo and buddyinfo read at the same point.
 *
 * Fixed parts: CPU 0, uid 0, release 6.18.0-mmfs (the boot line's), no
 * "Hardware name:" line (as on the Firecracker reference host), and a call
 * trace of plausible frames whose offsets are illustrative (nothing parses
 * them). Values the model does not have (per-CPU lists, CMA, highatomic,
 * bounce, zsmalloc) print 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "oom_kill.h"
#include "page_alloc.h"
#include "slab.h"
#include "swap.h"
#include "task.h"
#include "vmscan.h"

#define K(pages)	((unsigned long long)(pages) * 4)

/* Linux's gfp bits (include/linux/gfp_types.h) that these reports use. */
#define L_GFP_DMA		0x01u
#define L_GFP_HIGHMEM		0x02u
#define L_GFP_DMA32		0x04u
#define L_GFP_MOVABLE		0x08u
#define L_GFP_IO		0x40u
#define L_GFP_FS		0x80u
#define L_GFP_ZERO		0x100u
#define L_GFP_DIRECT_RECLAIM	0x400u
#define L_GFP_KSWAPD_RECLAIM	0x800u
#define L_GFP_NOWARN		0x2000u
#define L_GFP_COMP		0x40000u
#define L_GFP_HARDWALL		0x100000u
#define L_GFP_THISNODE		0x200000u
#define L_GFP_ACCOUNT		0x400000u
#define L_GFP_KERNEL		(L_GFP_DIRECT_RECLAIM | L_GFP_KSWAPD_RECLAIM | L_GFP_IO | L_GFP_FS)
#define L_GFP_KERNEL_ACCOUNT	(L_GFP_KERNEL | L_GFP_ACCOUNT)
#define L_GFP_USER		(L_GFP_KERNEL | L_GFP_HARDWALL)
#define L_GFP_HIGHUSER		(L_GFP_USER | L_GFP_HIGHMEM)
#define L_GFP_HIGHUSER_MOVABLE	(L_GFP_HIGHUSER | L_GFP_MOVABLE)

/* %pGg's names, composites first, in the kernel's table order (mmflags.h). */
static const struct { unsigned mask; const char *name; } gfp_names[] = {
	{ L_GFP_HIGHUSER_MOVABLE, "GFP_HIGHUSER_MOVABLE" },
	{ L_GFP_HIGHUSER, "GFP_HIGHUSER" },
	{ L_GFP_USER, "GFP_USER" },
	{ L_GFP_KERNEL_ACCOUNT, "GFP_KERNEL_ACCOUNT" },
	{ L_GFP_KERNEL, "GFP_KERNEL" },
	{ L_GFP_DMA, "GFP_DMA" },
	{ L_GFP_HIGHMEM, "__GFP_HIGHMEM" },
	{ L_GFP_DMA32, "GFP_DMA32" },
	{ L_GFP_IO, "__GFP_IO" },
	{ L_GFP_FS, "__GFP_FS" },
	{ L_GFP_NOWARN, "__GFP_NOWARN" },
	{ L_GFP_COMP, "__GFP_COMP" },
	{ L_GFP_ZERO, "__GFP_ZERO" },
	{ L_GFP_HARDWALL, "__GFP_HARDWALL" },
	{ L_GFP_THISNODE, "__GFP_THISNODE" },
	{ L_GFP_MOVABLE, "__GFP_MOVABLE" },
	{ L_GFP_ACCOUNT, "__GFP_ACCOUNT" },
	{ L_GFP_DIRECT_RECLAIM, "__GFP_DIRECT_RECLAIM" },
	{ L_GFP_KSWAPD_RECLAIM, "__GFP_KSWAPD_RECLAIM" },
};

/*
 * The mask Linux passes for the same allocation: a user page is a folio
 * (GFP_HIGHUSER_MOVABLE|__GFP_COMP), zeroed for a new anonymous page
 * (__GFP_USER_ZERO: alloc_user_page); a kernel page here is a page table
 * or a kernel stack, both GFP_KERNEL_ACCOUNT|__GFP_ZERO on Linux.
 */
static unsigned linux_gfp(unsigned gfp)
{
	unsigned l;

	if (gfp & __GFP_MOVABLE)
		l = L_GFP_HIGHUSER_MOVABLE | L_GFP_COMP | ((gfp & __GFP_USER_ZERO) ? L_GFP_ZERO : 0);
	else
		l = L_GFP_KERNEL_ACCOUNT | L_GFP_ZERO;
	if (gfp & __GFP_NOWARN)
		l |= L_GFP_NOWARN;
	if (gfp & __GFP_THISNODE)
		l |= L_GFP_THISNODE;
	if (gfp & __GFP_ZERO)
		l |= L_GFP_ZERO;
	return l;
}

void oom_format_gfp(unsigned gfp, char *buf, size_t len)
{
	unsigned l = linux_gfp(gfp), left = l;
	size_t off = (size_t)snprintf(buf, len, "%#x(", l);

	for (size_t i = 0; i < sizeof(gfp_names) / sizeof(gfp_names[0]) && left; i++) {
		if ((left & gfp_names[i].mask) != gfp_names[i].mask)
			continue;
		left &= ~gfp_names[i].mask;
		if (off < len)
			off += (size_t)snprintf(buf + off, len - off, "%s%s",
						off > 0 && buf[off - 1] != '(' ? "|" : "",
						gfp_names[i].name);
	}
	if (off < len)
		snprintf(buf + off, len - off, ")");
}

/* dump_stack: the CPU line and a fixed trace (frames of the failing path, skip: one left out). */
static void dump_stack(struct machine *m, const struct task *cur, const char *const *frames,
		       const char *skip)
{
	kmsg_add(m, "CPU: 0 UID: 0 PID: %d Comm: %s Not tainted " MM_UTS_RELEASE " #1 PREEMPT(voluntary) ",
		 cur ? cur->pid : 0, cur ? cur->comm : "swapper/0");
	kmsg_add(m, "Call Trace:");
	kmsg_add(m, " <TASK>");
	for (; *frames; frames++)
		if (*frames != skip)
			kmsg_add(m, " %s", *frames);
	kmsg_add(m, " </TASK>");
}

static const char *const oom_frames[] = {
	"dump_stack_lvl+0x5d/0x80", "dump_header+0x43/0x1a0", "oom_kill_process+0xfb/0x1f0",
	"out_of_memory+0x101/0x2d0", "__alloc_pages_slowpath.constprop.0+0xa9e/0xd80",
	"__alloc_frozen_pages_noprof+0x31e/0x340", "alloc_pages_mpol+0x84/0x180",
	"folio_alloc_mpol_noprof+0x14/0x40", "vma_alloc_folio_noprof+0x6a/0xc0",
	"do_anonymous_page+0x12f/0x8a0", "__handle_mm_fault+0x6b4/0xf40",
	"handle_mm_fault+0x18d/0x350", "do_user_addr_fault+0x1f4/0x6a0",
	"exc_page_fault+0x7e/0x1a0", "asm_exc_page_fault+0x26/0x30", NULL
};

/*
 * show_mem_node_skip: with SHOW_MEM_FILTER_NODES (the OOM report's), the
 * nodes outside the OOM's nodemask, else outside current's mems_allowed
 * (every node: no cpusets), are left out.
 */
static int node_skip(uint64_t nodemask, int nid)
{
	return nodemask && !(nodemask >> nid & 1);
}

static void show_free_areas(struct machine *m, int max_zone, uint64_t nodemask)
{
	kmsg_add(m, "active_anon:%lld inactive_anon:%lld isolated_anon:%lld\n"
		 " active_file:%lld inactive_file:%lld isolated_file:%lld\n"
		 " unevictable:%lld dirty:%lld writeback:%lld\n"
		 " slab_reclaimable:%lld slab_unreclaimable:%lld\n"
		 " mapped:%lld shmem:%lld pagetables:%lld\n"
		 " sec_pagetables:%lld bounce:0\n"
		 " kernel_misc_reclaimable:%lld\n"
		 " free:%lld free_pcp:0 free_cma:%lld",
		 (long long)global_node_page_state(m, NR_ACTIVE_ANON),
		 (long long)global_node_page_state(m, NR_INACTIVE_ANON),
		 (long long)global_node_page_state(m, NR_ISOLATED_ANON),
		 (long long)global_node_page_state(m, NR_ACTIVE_FILE),
		 (long long)global_node_page_state(m, NR_INACTIVE_FILE),
		 (long long)global_node_page_state(m, NR_ISOLATED_FILE),
		 (long long)global_node_page_state(m, NR_UNEVICTABLE),
		 (long long)global_node_page_state(m, NR_DIRTY),
		 (long long)global_node_page_state(m, NR_WRITEBACK),
		 (long long)global_node_page_state(m, NR_SLAB_RECLAIMABLE),
		 (long long)global_node_page_state(m, NR_SLAB_UNRECLAIMABLE),
		 (long long)global_node_page_state(m, NR_MAPPED),
		 (long long)global_node_page_state(m, NR_SHMEM),
		 (long long)global_node_page_state(m, NR_PAGE_TABLE_PAGES),
		 (long long)global_node_page_state(m, NR_SEC_PAGE_TABLE_PAGES),
		 (long long)global_node_page_state(m, NR_KERNEL_MISC_RECLAIMABLE),
		 (long long)global_zone_page_state(m, NR_FREE_PAGES),
		 (long long)global_zone_page_state(m, NR_FREE_CMA));
	for (int n = 0; n < m->nr_nodes; n++) {
		struct pglist_data *p = m->node[n];
		int managed = 0;

		if (node_skip(nodemask, n))
			continue;
		for (int z = 0; z <= max_zone; z++)
			managed |= managed_zone(&p->node_zones[z]);
		if (!managed)
			continue;
#define NK(i) K(p->vm_stat[i])
		kmsg_add(m, "Node %d active_anon:%llukB inactive_anon:%llukB active_file:%llukB "
			 "inactive_file:%llukB unevictable:%llukB isolated(anon):%llukB "
			 "isolated(file):%llukB mapped:%llukB dirty:%llukB writeback:%llukB "
			 "shmem:%llukB shmem_thp:%llukB shmem_pmdmapped:%llukB anon_thp:%llukB "
			 "kernel_stack:%lldkB pagetables:%llukB sec_pagetables:%llukB "
			 "all_unreclaimable? %s Balloon:%llukB",
			 n, NK(NR_ACTIVE_ANON), NK(NR_INACTIVE_ANON), NK(NR_ACTIVE_FILE),
			 NK(NR_INACTIVE_FILE), NK(NR_UNEVICTABLE), NK(NR_ISOLATED_ANON),
			 NK(NR_ISOLATED_FILE), NK(NR_MAPPED), NK(NR_DIRTY), NK(NR_WRITEBACK),
			 NK(NR_SHMEM), NK(NR_SHMEM_HUGEPAGES) * 512, NK(NR_SHMEM_PMDMAPPED) * 512,
			 NK(NR_ANON_TRANSPARENT_HUGEPAGES) * 512, (long long)p->vm_stat[NR_KERNEL_STACK],
			 NK(NR_PAGE_TABLE_PAGES), NK(NR_SEC_PAGE_TABLE_PAGES),
			 p->kswapd_failures >= MAX_RECLAIM_RETRIES ? "yes" : "no",
			 NK(NR_BALLOON_PAGES));
#undef NK
	}
	for (int n = 0; n < m->nr_nodes; n++)
		for (int zi = 0; zi <= max_zone; zi++) {
			struct zone *z = &m->node[n]->node_zones[zi];
			char lr[128];
			size_t off = 0;

			if (!populated_zone(z) || node_skip(nodemask, n))
				continue;
#define ZK(i) K(z->vm_stat[i])
			kmsg_add(m, "Node %d %s free:%llukB boost:%llukB min:%llukB low:%llukB "
				 "high:%llukB reserved_highatomic:0KB free_highatomic:0KB "
				 "active_anon:%llukB inactive_anon:%llukB active_file:%llukB "
				 "inactive_file:%llukB unevictable:%llukB writepending:%llukB "
				 "zspages:%llukB present:%llukB managed:%llukB mlocked:%llukB "
				 "bounce:0kB free_pcp:0kB local_pcp:0kB free_cma:%llukB",
				 n, zone_names[zi], ZK(NR_FREE_PAGES), K(z->watermark_boost),
				 K(wmark_pages(z, WMARK_MIN)), K(wmark_pages(z, WMARK_LOW)),
				 K(wmark_pages(z, WMARK_HIGH)), ZK(NR_ZONE_ACTIVE_ANON),
				 ZK(NR_ZONE_INACTIVE_ANON), ZK(NR_ZONE_ACTIVE_FILE),
				 ZK(NR_ZONE_INACTIVE_FILE), ZK(NR_ZONE_UNEVICTABLE),
				 ZK(NR_ZONE_WRITE_PENDING), ZK(NR_ZSPAGES), K(z->present_pages),
				 K(z->managed_pages), ZK(NR_MLOCK), ZK(NR_FREE_CMA));
#undef ZK
			for (int i = 0; i < MAX_NR_ZONES; i++)
				off += (size_t)snprintf(lr + off, sizeof(lr) - off, " %llu",
							(unsigned long long)z->lowmem_reserve[i]);
			kmsg_add(m, "lowmem_reserve[]:%s", lr);
		}
	for (int n = 0; n < m->nr_nodes; n++)
		for (int zi = 0; zi <= max_zone; zi++) {
			static const char letters[MIGRATE_TYPES] = { 'U', 'M', 'E', 'H', 'I' };
			struct zone *z = &m->node[n]->node_zones[zi];
			char line[640];
			size_t off;
			uint64_t total = 0;

			if (!populated_zone(z) || node_skip(nodemask, n))
				continue;
			off = (size_t)snprintf(line, sizeof(line), "Node %d %s: ", n, zone_names[zi]);
			for (int o = 0; o < MM_NR_ORDERS; o++) {
				uint64_t nr = 0;
				char types[MIGRATE_TYPES + 1];
				int nt = 0;

				for (int t = 0; t < MIGRATE_TYPES; t++) {
					nr += z->free_area[o].nr_free[t];
					if (z->free_area[o].nr_free[t])
						types[nt++] = letters[t];
				}
				types[nt] = '\0';
				total += nr << o;
				off += (size_t)snprintf(line + off, sizeof(line) - off, "%llu*%llukB ",
							(unsigned long long)nr, K(1ULL << o));
				if (nr)
					off += (size_t)snprintf(line + off, sizeof(line) - off, "(%s) ", types);
			}
			kmsg_add(m, "%s= %llukB", line, K(total));
		}
	for (int n = 0; n < m->nr_nodes; n++) {
		if (node_skip(nodemask, n))
			continue;
		kmsg_add(m, "Node %d hugepages_total=0 hugepages_free=0 hugepages_surp=0 "
			 "hugepages_size=1048576kB", n);
		kmsg_add(m, "Node %d hugepages_total=%llu hugepages_free=%llu hugepages_surp=0 "
			 "hugepages_size=2048kB", n, (unsigned long long)m->nr_huge_pages_node[n],
			 (unsigned long long)m->free_huge_pages_node[n]);
	}
	kmsg_add(m, "%lld total pagecache pages", (long long)global_node_page_state(m, NR_FILE_PAGES));
	kmsg_add(m, "%lld pages in swap cache", (long long)global_node_page_state(m, NR_SWAPCACHED));
	kmsg_add(m, "Free swap  = %llukB", K(nr_swap_pages(m)));
	kmsg_add(m, "Total swap = %llukB", K(total_swap_pages(m)));
}

/* __show_mem: Mem-Info, the free areas, then the page totals of populated zones. */
static void show_mem(struct machine *m, int max_zone, uint64_t nodemask)
{
	uint64_t total = 0, reserved = 0;

	kmsg_add(m, "Mem-Info:");
	show_free_areas(m, max_zone, nodemask);
	for (int n = 0; n < m->nr_nodes; n++)
		for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
			struct zone *z = &m->node[n]->node_zones[zi];

			total += z->present_pages;
			reserved += z->present_pages - z->managed_pages;
		}
	kmsg_add(m, "%llu pages RAM", (unsigned long long)total);
	kmsg_add(m, "0 pages HighMem/MovableOnly");
	kmsg_add(m, "%llu pages reserved", (unsigned long long)reserved);
	kmsg_add(m, "0 pages cma reserved");
}

static int by_seq(const void *a, const void *b)
{
	const struct task *x = *(struct task *const *)a, *y = *(struct task *const *)b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * dump_tasks: every process with an mm but init that the OOM may kill
 * (oom_cpuset_eligible), in creation order; pages except pgtables.
 */
static void dump_tasks(struct machine *m, const struct oom_control *oc)
{
	struct task **v = malloc((size_t)(m->nr_tasks > 0 ? m->nr_tasks : 1) * sizeof(*v));
	int nr = 0;

	kmsg_add(m, "Tasks state (memory values in pages):");
	kmsg_add(m, "[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem "
		 "pgtables_bytes swapents oom_score_adj name");
	if (!v)
		return;
	for (int pid = 2; pid < m->pid_max && nr < m->nr_tasks; pid++)
		if (m->tasks[pid] && m->tasks[pid]->mm && thread_group_leader(m->tasks[pid]) &&
		    oom_cpuset_eligible(m, m->tasks[pid], oc))
			v[nr++] = m->tasks[pid];
	qsort(v, (size_t)nr, sizeof(*v), by_seq);
	for (int i = 0; i < nr; i++) {
		const struct mm_struct *mm = v[i]->mm;

		kmsg_add(m, "[%7d] %5d %5d %8llu %8llu %8llu %8llu %9llu %8lld %8llu         %5hd %s",
			 v[i]->pid, 0, v[i]->pid, (unsigned long long)mm->total_vm,
			 (unsigned long long)(mm->rss[MM_ANONPAGES] + mm->rss[MM_FILEPAGES] +
					      mm->rss[MM_SHMEMPAGES]),
			 (unsigned long long)mm->rss[MM_ANONPAGES],
			 (unsigned long long)mm->rss[MM_FILEPAGES],
			 (unsigned long long)mm->rss[MM_SHMEMPAGES], (long long)mm->pgtables_bytes,
			 (unsigned long long)mm->rss[MM_SWAPENTS], v[i]->oom_score_adj, v[i]->comm);
	}
	free(v);
}

/*
 * should_dump_unreclaim_slab (mm/oom_kill.c): unreclaimable slab takes more
 * pages than all the LRU lists together (isolated and unevictable pages
 * included), so the kernel's own objects are the likelier culprit.
 */
static int should_dump_unreclaim_slab(struct machine *m)
{
	static const enum node_stat_item lru[] = {
		NR_ACTIVE_ANON, NR_INACTIVE_ANON, NR_ACTIVE_FILE, NR_INACTIVE_FILE,
		NR_ISOLATED_ANON, NR_ISOLATED_FILE, NR_UNEVICTABLE,
	};
	int64_t nr_lru = 0;

	for (size_t i = 0; i < sizeof(lru) / sizeof(lru[0]); i++)
		nr_lru += global_node_page_state(m, lru[i]);
	return global_node_page_state(m, NR_SLAB_UNRECLAIMABLE) > nr_lru;
}

/*
 * dump_unreclaimable_slab (mm/slab_common.c): every cache without
 * SLAB_RECLAIM_ACCOUNT that has slabs, in slab_caches order (newest
 * first, as slabinfo), with its active objects' and all its slots' size
 * in KB (get_slabinfo's active_objs and num_objs times the slot size).
 */
static void dump_unreclaimable_slab(struct machine *m)
{
	kmsg_add(m, "Unreclaimable slab info:");
	kmsg_add(m, "Name                      Used          Total");
	for (int id = NR_KMEM_CACHES - 1; id >= 0; id--) {
		const struct kmem_cache_info *ci = &kmem_cache_info[id];
		const struct kmem_cache *s = m->slab_caches[id];
		uint64_t active = 0, total = 0;

		if (!s || (ci->flags & SLAB_RECLAIM_ACCOUNT))
			continue;
		for (int n = 0; n < m->nr_nodes; n++) {
			active += s->node[n].inuse;
			total += s->node[n].total_objects;
		}
		if (total)
			kmsg_add(m, "%-17s %10lluKB %10lluKB", ci->name,
				 (unsigned long long)(active * ci->size / 1024),
				 (unsigned long long)(total * ci->size / 1024));
	}
}

void oom_dump_header(struct machine *m, struct task *cur, const struct oom_control *oc,
		     int from_kill)
{
	char mask[160];

	oom_format_gfp(oc->gfp, mask, sizeof(mask));
	kmsg_add(m, "%s invoked oom-killer: gfp_mask=%s, order=%d, oom_score_adj=%d",
		 cur ? cur->comm : "swapper/0", mask, oc->order, cur ? cur->oom_score_adj : 0);
	dump_stack(m, cur, oom_frames, from_kill ? NULL : oom_frames[2]);
	show_mem(m, (int)gfp_zone(oc->gfp), oc->nodemask);
	if (should_dump_unreclaim_slab(m))
		dump_unreclaimable_slab(m);
	if (m->tun.oom_dump_tasks)
		dump_tasks(m, oc);
}

void oom_dump_summary(struct machine *m, const struct oom_control *oc, const struct task *victim)
{
	static const char *const constraint_text[] = {
		"CONSTRAINT_NONE", "CONSTRAINT_CPUSET", "CONSTRAINT_MEMORY_POLICY", "CONSTRAINT_MEMCG",
	};
	char mems[16], nodes[200];

	snprintf(mems, sizeof(mems), m->nr_nodes > 1 ? "0-%d" : "0", m->nr_nodes - 1);
	/* %*pbl of the nodemask: a node list, or (null) when there is none */
	if (oc->nodemask)
		mm_nodelist(nodes, sizeof(nodes), oc->nodemask);
	else
		snprintf(nodes, sizeof(nodes), "(null)");
	kmsg_add(m, "oom-kill:constraint=%s,nodemask=%s,cpuset=/,mems_allowed=%s,"
		 "global_oom,task_memcg=/,task=%s,pid=%d,uid=0", constraint_text[oc->constraint],
		 nodes, mems, victim->comm, victim->pid);
}

void oom_kill_line(struct machine *m, const char *prefix, const struct task *victim)
{
	const struct mm_struct *mm = victim->mm;

	kmsg_add(m, "%s: Killed process %d (%s) total-vm:%llukB, anon-rss:%llukB, file-rss:%llukB, "
		 "shmem-rss:%llukB, UID:0 pgtables:%llukB oom_score_adj:%hd", prefix, victim->pid,
		 victim->comm, K(mm->total_vm), K(mm->rss[MM_ANONPAGES]), K(mm->rss[MM_FILEPAGES]),
		 K(mm->rss[MM_SHMEMPAGES]), (unsigned long long)(mm->pgtables_bytes >> 10),
		 victim->oom_score_adj);
}

static const char *const panic_frames[] = {
	"dump_stack_lvl+0x5d/0x80", "panic+0x118/0x2f0", "out_of_memory+0x2c4/0x2d0",
	"__alloc_pages_slowpath.constprop.0+0xa9e/0xd80",
	"__alloc_frozen_pages_noprof+0x31e/0x340", "alloc_pages_mpol+0x84/0x180", NULL
};

void oom_panic(struct machine *m, struct task *cur, const char *msg)
{
	kmsg_add(m, "Kernel panic - not syncing: %s", msg);
	dump_stack(m, cur, panic_frames, NULL);
	kmsg_add(m, "Kernel Offset: disabled");
	kmsg_add(m, "---[ end Kernel panic - not syncing: %s ]---", msg);
	snprintf(m->panic_msg, sizeof(m->panic_msg), "%s", msg);
}
