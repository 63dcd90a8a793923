/* SPDX-License-Identifier: MIT */
/*
 * The OOM killer (mm/oom_kill.c, mm/oom_report.c; reclaim.md §11): the
 * badness and oom_score formulas, the victim's choice (size, adj, ties,
 * -1000, the allocating task), the report's lines in kmsg, panic_on_oom,
 * a machine with nothing to kill, and the oom_score_adj / oom_adj writes.
 * A 64 MiB machine without swap runs out after ~45 MiB of anonymous
 * memory; mm_check runs after every call (mmtest.h) and after every OOM.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leakcheck.h"
#include "../../mm/internal.h"
#include "../../mm/memory.h"
#include "../../mm/oom_kill.h"
#include "../../mm/task.h"

static struct machine *m;

#include "mmtest.h"
#include "kmsgtest.h"

#define MiB (1ULL << 20)

static void boot(uint64_t swap)
{
	struct mm_config cfg = { .ram_bytes = 64 * MiB, .nr_nodes = 1, .swap_bytes = swap };

	m = mm_boot(&cfg, NULL, 0);
	cr_assert(m);
	/* mappings larger than the machine: the faults, not mmap, meet the limit */
	cr_assert_eq(mm_tunable_write(m, "overcommit_memory", "1", 1), 0);
}

static void setup(void) { boot(0); }

static void teardown(void)
{
	mm_shutdown(m);
	leak_check();
}

TestSuite(oom, .init = setup, .fini = teardown);

static int spawn(const char *name)
{
	char why[128];
	int pid = 0;

	cr_assert_eq(mm_spawn(m, name, &pid, why, sizeof(why)), 0, "%s", why);
	return pid;
}

static void set_adj(int pid, const char *text)
{
	cr_assert_eq(mm_oom_adj_write(m, pid, 0, text, strlen(text)), (long)strlen(text));
}

static void tunable(const char *name, const char *v)
{
	cr_assert_eq(mm_tunable_write(m, name, v, strlen(v)), 0);
}

/* touch that may meet the OOM killer: its errno, mm_check after it. */
static int try_touch(int pid, uint64_t addr, uint64_t len)
{
	struct mm_call c = { .verb = MMV_TOUCH, .addr = addr, .len = len, .mode = 'w' };
	char why[256] = "";
	uint64_t ret;
	int err = mm_syscall(m, pid, &c, &ret, why, sizeof(why));

	check_ok();
	return err;
}

/* A process of pid with size bytes of written anonymous memory. */
static uint64_t fill(int pid, uint64_t size)
{
	uint64_t a = map_anon(pid, size, 0);

	touch(pid, a, size, 1);
	return a;
}

static int alive(int pid)
{
	machine_lock(m);
	int yes = find_task_by_pid(m, pid) != NULL;
	machine_unlock(m);
	return yes;
}

static int64_t badness(int pid)
{
	machine_lock(m);
	int64_t b = oom_badness(m, find_task_by_pid(m, pid), oom_totalpages(m));
	machine_unlock(m);
	return b;
}

static struct mm_task_snap *snap(int pid)
{
	struct mm_task_snap *s = mm_snap_task(m, pid, 0);

	cr_assert(s);
	return s;
}

Test(oom, badness_and_oom_score_follow_the_formulas)
{
	int a = spawn("a");
	uint64_t tp;

	fill(a, 4 * MiB);
	machine_lock(m);
	tp = oom_totalpages(m);
	struct mm_struct *mm = find_task_by_pid(m, a)->mm;
	int64_t own = (int64_t)(mm->rss[MM_ANONPAGES] + mm->rss[MM_FILEPAGES] +
				mm->rss[MM_SHMEMPAGES] + mm->rss[MM_SWAPENTS] + mm->pgtables_bytes / 4096);
	machine_unlock(m);
	cr_assert_eq(tp, m->totalram_pages);	/* no swap */
	cr_assert_geq(own, 1024);
	for (int adj = -999; adj <= 1000; adj += 37) {
		char text[16];
		struct mm_task_snap *s;
		int64_t b = own + adj * (int64_t)(tp / 1000);

		snprintf(text, sizeof(text), "%d", adj);
		set_adj(a, text);
		cr_assert_eq(badness(a), b, "adj %d", adj);
		s = snap(a);
		cr_assert_eq(s->oom_score, (unsigned long)((1000 + b * 1000 / (int64_t)tp) * 2 / 3));
		cr_assert_eq(s->oom_score_adj, adj);
		free(s);
	}
	set_adj(a, "-1000");
	cr_assert_eq(badness(a), OOM_BADNESS_NEVER);
	struct mm_task_snap *s = snap(a), *i = snap(1);

	cr_assert_eq(s->oom_score, 0);
	cr_assert_eq(i->oom_score, 0);	/* init is never a victim */
	free(s);
	free(i);
}

Test(oom, totalpages_counts_swap)
{
	mm_shutdown(m);
	boot(32 * MiB);
	machine_lock(m);
	cr_assert_eq(oom_totalpages(m), m->totalram_pages + 8191);	/* header page excluded */
	machine_unlock(m);
}

Test(oom, the_bigger_process_dies_and_the_allocation_completes)
{
	int a = spawn("a"), b = spawn("b");
	uint64_t big, p;
	char *log;

	fill(a, 2 * MiB);
	fill(b, 20 * MiB);
	big = map_anon(a, 16 * MiB, 0);
	cr_assert_eq(try_touch(a, big, 16 * MiB), 0);	/* retried after the kill, and done */
	cr_assert(!alive(b));
	cr_assert(alive(a));
	cr_assert_eq(m->vm_events[OOM_KILL], 1);
	p = usage(a, big).rss;	/* the two mappings merged into one VMA */
	cr_assert_eq(p, 18 * MiB, "%llu", (unsigned long long)p);
	log = kmsg();
	cr_assert(has_line(log, "a invoked oom-killer: gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE|"
			  "__GFP_COMP|__GFP_ZERO), order=0, oom_score_adj=0"), "%s", log);
	cr_assert(strstr(log, "\noom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,"
			 "mems_allowed=0,global_oom,task_memcg=/,task=b,pid=3,uid=0\n"));
	cr_assert(strstr(log, "\nOut of memory: Killed process 3 (b) total-vm:"));
	cr_assert_eq(count_of(log, "invoked oom-killer"), 1);
	cr_assert_eq(count_of(log, "oom_reaper"), 0);
	free(log);
}

Test(oom, the_allocating_process_may_be_the_victim)
{
	int a = spawn("a"), b = spawn("b");
	uint64_t more;

	fill(b, 4 * MiB);
	fill(a, 16 * MiB);
	more = map_anon(a, 20 * MiB, 0);
	cr_assert_eq(try_touch(a, more, 20 * MiB), -EINTR);
	cr_assert(!alive(a));
	cr_assert(alive(b));
	cr_assert_eq(m->vm_events[OOM_KILL], 1);
}

/* E3: a small process with adj 1000 goes first, then the biggest. */
Test(oom, oom_score_adj_moves_the_choice)
{
	int a = spawn("a"), b = spawn("b"), c = spawn("c");
	uint64_t more;
	char *log;

	fill(c, 1 * MiB);
	set_adj(c, "1000");
	fill(b, 20 * MiB);
	fill(a, 1 * MiB);
	more = map_anon(a, 16 * MiB, 0);
	cr_assert_eq(try_touch(a, more, 16 * MiB), 0);
	cr_assert(!alive(c));
	cr_assert(!alive(b));
	cr_assert(alive(a));
	cr_assert_eq(m->vm_events[OOM_KILL], 2);
	log = kmsg();
	cr_assert(strstr(log, "Killed process 4 (c)") < strstr(log, "Killed process 3 (b)"));
	cr_assert(strstr(log, "oom_score_adj:1000\n"));
	free(log);
}

Test(oom, adj_minus_1000_is_never_killed)
{
	int a = spawn("a"), b = spawn("b");
	uint64_t more;

	fill(b, 20 * MiB);
	set_adj(b, "-1000");
	fill(a, 2 * MiB);
	more = map_anon(a, 20 * MiB, 0);
	cr_assert_eq(try_touch(a, more, 20 * MiB), -EINTR);
	cr_assert(!alive(a));
	cr_assert(alive(b));
}

/* Equal badness: the later process in creation order is the victim. */
Test(oom, ties_go_to_the_later_process)
{
	int a = spawn("a"), b = spawn("b");
	uint64_t more;

	fill(a, 12 * MiB);
	fill(b, 12 * MiB);
	cr_assert_eq(badness(a), badness(b));
	more = map_anon(1, 20 * MiB, 0);	/* init allocates: never its own victim */
	cr_assert_eq(try_touch(1, more, 20 * MiB), 0);
	cr_assert(!alive(b));
	cr_assert(alive(a));
	cr_assert_eq(m->vm_events[OOM_KILL], 1);
	char *log = kmsg();

	cr_assert(strstr(log, "Killed process 3 (b)"));
	cr_assert(has_line(log, "init invoked oom-killer: gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE|"
			  "__GFP_COMP|__GFP_ZERO), order=0, oom_score_adj=0"));
	free(log);
}

Test(oom, oom_kill_allocating_task_kills_the_caller)
{
	int a = spawn("a"), b = spawn("b");
	uint64_t more;
	char *log;

	tunable("oom_kill_allocating_task", "1");
	fill(b, 20 * MiB);
	fill(a, 2 * MiB);
	more = map_anon(a, 20 * MiB, 0);
	cr_assert_eq(try_touch(a, more, 20 * MiB), -EINTR);
	cr_assert(!alive(a));
	cr_assert(alive(b));
	log = kmsg();
	cr_assert(strstr(log, "\nOut of memory (oom_kill_allocating_task): Killed process 2 (a) "));
	free(log);
}

static void expect_panic(const char *msg)
{
	char got[128], line[200];
	char *log = kmsg();

	cr_assert(mm_panicked(m, got, sizeof(got)));
	cr_assert_str_eq(got, msg);
	snprintf(line, sizeof(line), "Kernel panic - not syncing: %s", msg);
	cr_assert(has_line(log, line), "%s", log);
	snprintf(line, sizeof(line), "---[ end Kernel panic - not syncing: %s ]---", msg);
	cr_assert(has_line(log, line));
	cr_assert_eq(count_of(log, "Killed process"), 0);
	cr_assert_eq(m->vm_events[OOM_KILL], 0);
	free(log);
}

Test(oom, panic_on_oom_1_panics)
{
	int a = spawn("a"), b = spawn("b");
	uint64_t more;

	tunable("panic_on_oom", "1");
	fill(b, 20 * MiB);
	more = map_anon(a, 30 * MiB, 0);
	cr_assert_eq(try_touch(a, more, 30 * MiB), -ENOMEM);
	cr_assert(alive(a) && alive(b));
	expect_panic("Out of memory: system-wide panic_on_oom is enabled");
}

Test(oom, panic_on_oom_2_panics_compulsorily)
{
	int a = spawn("a");
	uint64_t more;

	tunable("panic_on_oom", "2");
	more = map_anon(a, 60 * MiB, 0);
	cr_assert_eq(try_touch(a, more, 60 * MiB), -ENOMEM);
	expect_panic("Out of memory: compulsory panic_on_oom is enabled");
}

Test(oom, nothing_to_kill_deadlocks_the_machine)
{
	uint64_t more = map_anon(1, 60 * MiB, 0);
	char *log;

	cr_assert_eq(try_touch(1, more, 60 * MiB), -ENOMEM);
	log = kmsg();
	cr_assert(has_line(log, "Out of memory and no killable processes..."));
	free(log);
	expect_panic("System is deadlocked on memory");
}

Test(oom, fork_inherits_oom_score_adj)
{
	int a = spawn("a"), c;
	struct mm_task_snap *s;

	set_adj(a, "321");
	c = fork_of(a);
	s = snap(c);
	cr_assert_eq(s->oom_score_adj, 321);
	free(s);
}

/*
 * spawn (a fork in Linux) short of memory reclaims and then calls the OOM
 * killer like any allocation, instead of failing with ENOMEM while a
 * process could be killed.
 */
Test(oom, spawn_short_of_memory_kills_rather_than_fails)
{
	int b = spawn("b"), n = 0;
	uint64_t floor = 256, big, a;

	/* fill b to 256 pages above what user pages may not take (min and reserves) */
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		const struct zone *z = &m->node[0]->node_zones[i];
		uint64_t reserve = 0;

		for (int j = 0; j < MAX_NR_ZONES; j++)
			if (z->lowmem_reserve[j] > reserve)
				reserve = z->lowmem_reserve[j];
		if (z->managed_pages)
			floor += wmark_pages(z, WMARK_MIN) + reserve;
	}
	big = ((uint64_t)global_zone_page_state(m, NR_FREE_PAGES) - floor) * 4096;
	a = map_anon(b, big, 0);
	cr_assert_eq(try_touch(b, a, big), 0);
	cr_assert(alive(b));
	cr_assert_eq(m->vm_events[OOM_KILL], 0);
	while (alive(b) && n++ < 400)
		spawn("c");	/* never ENOMEM: spawn asserts success */
	cr_assert(!alive(b), "%d spawns and the big process still lives", n);
	cr_assert_eq(m->vm_events[OOM_KILL], 1);
}

/* ---- an OOM constrained by a memory policy (constrained_alloc) ---- */

static void boot_two_nodes(void)
{
	struct mm_config cfg = { .ram_bytes = 256 * MiB, .nr_nodes = 2 };

	m = mm_boot(&cfg, NULL, 0);
	cr_assert(m);
	cr_assert_eq(mm_tunable_write(m, "overcommit_memory", "1", 1), 0);
}

TestSuite(oom_policy, .init = boot_two_nodes, .fini = teardown);

/* set_mempolicy(MPOL_BIND, nodes) for pid, or mbind of [addr, addr + len) when len. */
static void bind(int pid, uint64_t nodes, uint64_t addr, uint64_t len)
{
	call(pid, (struct mm_call){ .verb = len ? MMV_MBIND : MMV_SET_MEMPOLICY, .addr = addr,
		.len = len, .mode = MM_MPOL_BIND, .nodes = { nodes }, .nodes_ptr = { 1 }, .maxnode = 65,
		.fd = -1 });
}

/* The anonymous pages on node nid (its LRU lists). */
static uint64_t node_anon(int nid)
{
	return (uint64_t)(m->node[nid]->vm_stat[NR_ACTIVE_ANON] + m->node[nid]->vm_stat[NR_INACTIVE_ANON]);
}

/*
 * A 2-node machine (128 MiB a node, no swap). "big" is bound to node 0
 * (task policy) and is the biggest process; "mid" has a VMA bound to node
 * 1 but no task policy; "a" is bound to node 1 and fills it. Node 1 runs
 * out: node 0 is not touched, and the OOM is CONSTRAINT_MEMORY_POLICY
 * over node 1: "big" cannot help (mempolicy_in_oom_domain) and is neither
 * a candidate nor listed, so "mid", the biggest of the others, dies; the
 * Mem-Info shows node 1 alone, and panic_on_oom=1 does not panic.
 */
Test(oom_policy, bind_to_node_1_kills_within_node_1)
{
	int big = spawn("big"), mid = spawn("mid"), a = spawn("a");
	uint64_t va, anon0;
	char *log;

	tunable("panic_on_oom", "1");
	bind(big, 1, 0, 0);
	fill(big, 90 * MiB);
	va = map_anon(mid, 80 * MiB, 0);
	bind(mid, 2, va, 80 * MiB);
	touch(mid, va, 80 * MiB, 1);
	bind(a, 2, 0, 0);
	anon0 = node_anon(0);
	va = map_anon(a, 60 * MiB, 0);
	cr_assert_eq(try_touch(a, va, 60 * MiB), 0);	/* mid's pages freed: a's fit */
	cr_assert(alive(big) && alive(a));
	cr_assert(!alive(mid));
	cr_assert_eq(m->vm_events[OOM_KILL], 1);
	cr_assert_eq(node_anon(0), anon0, "node 0's user pages untouched");
	cr_assert_null(m->panic_msg[0] ? m->panic_msg : NULL);
	log = kmsg();
	cr_assert(has_line(log, "a invoked oom-killer: gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE|"
			  "__GFP_COMP|__GFP_ZERO), order=0, oom_score_adj=0"), "%s", log);
	cr_assert(has_line(log, "oom-kill:constraint=CONSTRAINT_MEMORY_POLICY,nodemask=1,cpuset=/,"
			   "mems_allowed=0-1,global_oom,task_memcg=/,task=mid,pid=3,uid=0"), "%s", log);
	cr_assert_eq(count_of(log, "\nNode 0 "), 0, "%s", log);
	cr_assert_eq(count_of(log, "\nNode 1 DMA32: "), 1, "%s", log);
	cr_assert_eq(count_of(log, "\nNode 1 hugepages_total="), 2, "%s", log);
	cr_assert_eq(count_of(log, " big\n"), 0, "%s", log);
	cr_assert_eq(count_of(log, " mid\n"), 1, "%s", log);
	cr_assert_eq(count_of(log, " a\n"), 1, "%s", log);
	cr_assert(strstr(log, "\nOut of memory: Killed process 3 (mid) total-vm:"), "%s", log);
	free(log);
}

/* A nodemask naming every node is no constraint: CONSTRAINT_NONE, every process a candidate. */
Test(oom_policy, bind_to_every_node_is_a_global_oom)
{
	int big = spawn("big"), a = spawn("a");
	uint64_t va;
	char *log;

	fill(big, 120 * MiB);
	bind(a, 3, 0, 0);
	va = map_anon(a, 150 * MiB, 0);
	cr_assert_eq(try_touch(a, va, 150 * MiB), 0);
	cr_assert(!alive(big));
	log = kmsg();
	cr_assert(has_line(log, "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,"
			   "mems_allowed=0-1,global_oom,task_memcg=/,task=big,pid=2,uid=0"), "%s", log);
	cr_assert_eq(count_of(log, "\nNode 0 active_anon:"), 1, "%s", log);
	free(log);
}

/*
 * oom_cpuset_eligible looks at every thread: a process whose leader is
 * bound to node 0 but has a thread without a policy may free node 1's
 * memory (its VMA bound there holds 80 MiB), so it is the victim, not
 * the allocating process with its 40-odd MiB.
 */
Test(oom_policy, one_thread_without_the_bind_makes_a_candidate)
{
	int thr = spawn("thr"), a = spawn("a");
	uint64_t va;
	char *log;

	call(thr, (struct mm_call){ .verb = MMV_CLONE, .flags = 0x3d0f00ULL });	/* pthread_create */
	bind(thr, 1, 0, 0);	/* the leader alone: the thread keeps the default */
	va = map_anon(thr, 80 * MiB, 0);
	bind(thr, 2, va, 80 * MiB);
	touch(thr, va, 80 * MiB, 1);
	bind(a, 2, 0, 0);
	va = map_anon(a, 80 * MiB, 0);
	cr_assert_eq(try_touch(a, va, 80 * MiB), 0);
	cr_assert(!alive(thr));
	log = kmsg();
	cr_assert(has_line(log, "oom-kill:constraint=CONSTRAINT_MEMORY_POLICY,nodemask=1,cpuset=/,"
			   "mems_allowed=0-1,global_oom,task_memcg=/,task=thr,pid=2,uid=0"), "%s", log);
	free(log);
}
