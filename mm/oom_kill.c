// SPDX-License-Identifier: MIT
/*
 * oom_kill.c - the OOM killer (kernel: mm/oom_kill.c out_of_memory,
 * select_bad_process, oom_badness, oom_kill_process; fs/proc/base.c's
 * oom_score, oom_score_adj and oom_adj; reclaim.md §11).
 *
 * The constraint (constrained_alloc): an allocation whose nodes an
 * MPOL_BIND policy narrowed to some of the nodes is CONSTRAINT_MEMORY_POLICY
 * (totalpages = those nodes' present pages + total swap; only processes
 * one of whose threads has no BIND task policy, or one meeting those nodes,
 * are candidates and listed: oom_cpuset_eligible, mempolicy_in_oom_domain;
 * the Mem-Info shows those nodes alone; panic_on_oom=1 does not panic).
 * Any other is CONSTRAINT_NONE (no memcg, no cpusets; a __GFP_THISNODE
 * allocation too): totalpages = totalram + total swap.
 *
 * Where the simulation differs from Linux, on purpose:
 *  - The victim's memory is freed at once (task_exit), as if it had exited
 *    before the OOM reaper's 2 s delay ran out: no `oom_reaper:` line, as on
 *    the reference host where every victim exited promptly. A victim that is
 *    the allocating process itself is marked (t->oom_killed) and exits when
 *    its command unwinds (syscall.c, pagemap.c), answering EINTR.
 *  - A command of no process (a write through files/) has init as its
 *    "current" in the report; init is never killable, so such a command
 *    never kills its own caller.
 *  - A panic (panic_on_oom, or no killable process: "System is deadlocked on
 *    memory") cannot stop the host: the kernel's panic lines go to kmsg,
 *    m->panic_msg is set, the command that panicked fails with ENOMEM, and
 *    the daemon refuses every later command with EIO (fs/cmd.c); the views
 *    stay readable. Unmount and mount again (without the journal, which
 *    would replay the panic) to start over.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "trace.h"
#include "mempolicy.h"
#include "oom_kill.h"
#include "page_alloc.h"
#include "swap.h"
#include "task.h"

#define OOM_RS_INTERVAL_NS	(5ULL * 1000000000ULL)	/* DEFAULT_RATELIMIT_INTERVAL */
#define OOM_RS_BURST		10			/* DEFAULT_RATELIMIT_BURST */

uint64_t oom_totalpages(struct machine *m)
{
	return m->totalram_pages + total_swap_pages(m);
}

/* constrained_alloc: the constraint of oc and its totalpages; oc->nodemask kept only for a policy's. */
static void constrained_alloc(struct machine *m, struct oom_control *oc)
{
	oc->constraint = CONSTRAINT_NONE;
	oc->totalpages = oom_totalpages(m);
	if (oc->nodemask && !(oc->gfp & __GFP_THISNODE) &&
	    (node_mask_all(m) & ~oc->nodemask)) {
		/* a nodemask short of the nodes with memory: a mempolicy is in effect */
		oc->totalpages = total_swap_pages(m);
		for (int nid = 0; nid < m->nr_nodes; nid++)
			if (oc->nodemask >> nid & 1)
				oc->totalpages += m->node[nid]->node_present_pages;
		oc->constraint = CONSTRAINT_MEMORY_POLICY;
		return;
	}
	oc->nodemask = 0;
}

/* mempolicy_in_oom_domain: a BIND task policy must meet the nodes; any other may. */
static int mempolicy_in_oom_domain(const struct task *t, uint64_t nodemask)
{
	const struct mempolicy *pol = t->mempolicy;

	return !nodemask || !pol || pol->mode != MM_MPOL_BIND || (pol->nodes & nodemask);
}

int oom_cpuset_eligible(struct machine *m, const struct task *victim, const struct oom_control *oc)
{
	const struct task *leader = victim->group_leader ? victim->group_leader : victim;
	int left = leader->nr_threads;

	if (!oc->nodemask)
		return 1;	/* not a policy's OOM: every cpuset (the one) meets current's */
	if (left <= 1)
		return mempolicy_in_oom_domain(leader, oc->nodemask);
	/* for_each_thread: one thread that may use the nodes is enough */
	for (int pid = 1; pid < m->pid_max && left > 0; pid++) {
		const struct task *t = m->tasks[pid];

		if (!t || t->tgid != leader->tgid)
			continue;
		if (mempolicy_in_oom_domain(t, oc->nodemask))
			return 1;
		left--;
	}
	return 0;
}

int64_t oom_badness(struct machine *m, const struct task *t, uint64_t totalpages)
{
	const struct mm_struct *mm = t->mm;
	int64_t points;

	(void)m;
	if (t->pid == 1 || !mm || t->oom_score_adj == OOM_SCORE_ADJ_MIN)
		return OOM_BADNESS_NEVER;
	points = (int64_t)(mm->rss[MM_ANONPAGES] + mm->rss[MM_FILEPAGES] + mm->rss[MM_SHMEMPAGES] +
			   mm->rss[MM_SWAPENTS] + mm->pgtables_bytes / 4096);
	return points + (int64_t)t->oom_score_adj * (int64_t)(totalpages / 1000);
}

unsigned long oom_score(struct machine *m, const struct task *t)
{
	uint64_t totalpages = oom_totalpages(m);
	int64_t badness = oom_badness(m, t, totalpages);

	if (badness == OOM_BADNESS_NEVER || !totalpages)
		return 0;
	return (unsigned long)((1000 + badness * 1000 / (int64_t)totalpages) * 2 / 3);
}

int oom_adj_of(int adj)
{
	if (adj == OOM_SCORE_ADJ_MAX)
		return OOM_ADJUST_MAX;
	return adj * -OOM_DISABLE / OOM_SCORE_ADJ_MAX;
}

/*
 * The task with the highest badness, walking in creation order: a later
 * task replaces the chosen one unless its badness is strictly lower, so
 * ties go to the later task (kernel: oom_evaluate_task). Without a walk in
 * order, the same rule compares creation numbers. NULL: none killable.
 */
static struct task *select_bad_process(struct machine *m, const struct oom_control *oc)
{
	struct task *chosen = NULL;
	int64_t chosen_points = OOM_BADNESS_NEVER;

	for (int pid = 2; pid < m->pid_max; pid++) {
		struct task *t = m->tasks[pid];
		int64_t points;

		if (!t || t->oom_killed || !thread_group_leader(t))
			continue;	/* a victim not yet gone exits at once here; a group scores once */
		if (!oom_cpuset_eligible(m, t, oc))
			continue;	/* its policy keeps it off the nodes: killing it frees none */
		points = oom_badness(m, t, oc->totalpages);
		if (points == OOM_BADNESS_NEVER || points < chosen_points)
			continue;
		if (chosen && points == chosen_points && t->seq < chosen->seq)
			continue;
		chosen = t;
		chosen_points = points;
	}
	return chosen;
}

/* Linux's oom_rs (__ratelimit) on the simulated clock: may the report print? */
static int oom_ratelimit(struct machine *m)
{
	uint64_t now = m->sim_ns ? m->sim_ns : 1;

	if (!m->oom_rs_begin_ns)
		m->oom_rs_begin_ns = now;
	if (now - m->oom_rs_begin_ns > OOM_RS_INTERVAL_NS) {
		if (m->oom_rs_missed)
			kmsg_add(m, "oom_kill_process: %d callbacks suppressed", m->oom_rs_missed);
		m->oom_rs_begin_ns = now;
		m->oom_rs_printed = 0;
		m->oom_rs_missed = 0;
	}
	if (m->oom_rs_printed < OOM_RS_BURST) {
		m->oom_rs_printed++;
		return 1;
	}
	m->oom_rs_missed++;
	return 0;
}

/*
 * Report and kill victim (kernel: oom_kill_process, __oom_kill_process).
 * The victim is freed at once unless it is the allocating process.
 */
static int oom_kill_process(struct machine *m, struct task *cur, struct task *victim,
			    const struct oom_control *oc, const char *message)
{
	if (oom_ratelimit(m)) {
		oom_dump_header(m, cur, oc, 1);
		oom_dump_summary(m, oc, victim);
	}
	count_vm_event(m, OOM_KILL);
	trace_mark_victim(m, victim);	/* mark_oom_victim */
	oom_kill_line(m, message, victim);
	if (m->cur_task && m->cur_task->tgid == victim->tgid) {
		/* the caller's group: it exits when the call has unwound */
		m->cur_task->oom_killed = 1;
		victim->oom_killed = 1;
		return OOM_KILLED_CURRENT;
	}
	task_exit(m, victim);
	return OOM_KILLED;
}

int out_of_memory(struct machine *m, unsigned gfp, int order, uint64_t nodemask)
{
	struct task *cur = m->cur_task, *init = find_task_by_pid(m, 1), *victim;
	struct oom_control oc = { .gfp = gfp, .order = order, .nodemask = nodemask };

	lockdep_assert_held(m);
	if (m->panic_msg[0])
		return OOM_NONE;	/* the machine is dead already */
	/* a current task that is dying anyway frees its memory: no kill (task_will_free_mem) */
	if (cur && (cur->oom_killed || fatal_signal_pending(m, cur)))
		return OOM_KILLED_CURRENT;
	if (!cur)
		cur = init;	/* a command of no process: reported as init's */
	constrained_alloc(m, &oc);
	/* check_panic_on_oom: 1 panics for CONSTRAINT_NONE only, 2 for every OOM */
	if (m->tun.panic_on_oom && (m->tun.panic_on_oom == 2 || oc.constraint == CONSTRAINT_NONE)) {
		oom_dump_header(m, cur, &oc, 0);
		oom_panic(m, cur, m->tun.panic_on_oom == 2 ?
			  "Out of memory: compulsory panic_on_oom is enabled" :
			  "Out of memory: system-wide panic_on_oom is enabled");
		return OOM_NONE;
	}
	if (m->tun.oom_kill_allocating_task && cur && cur->mm && cur->pid != 1 &&
	    oom_cpuset_eligible(m, cur, &oc) && cur->oom_score_adj != OOM_SCORE_ADJ_MIN)
		return oom_kill_process(m, cur, cur->group_leader ? cur->group_leader : cur, &oc,
					"Out of memory (oom_kill_allocating_task)");
	victim = select_bad_process(m, &oc);
	if (!victim) {
		oom_dump_header(m, cur, &oc, 0);
		kmsg_add(m, "Out of memory and no killable processes...");
		oom_panic(m, cur, "System is deadlocked on memory");
		return OOM_NONE;
	}
	return oom_kill_process(m, cur, victim, &oc, "Out of memory");
}

/* ---- proc/PID/oom_score_adj and oom_adj ---- */

#define PROC_NUMBUF	13	/* the kernel's buffer: 12 bytes of a write are read */

/* The kernel's isspace (lib/ctype.c): the C blanks and Latin-1 NBSP. */
static int k_isspace(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0;
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : 99;
}

/* kstrtoull's body with base 0: 0 or -EINVAL / -ERANGE. */
static int k_strtoull0(const char *s, unsigned long long *res)
{
	unsigned base = 10, n = 0;
	unsigned long long v = 0;
	int overflow = 0;

	if (s[0] == '0') {
		base = ((s[1] | 0x20) == 'x' && hexval((unsigned char)s[2]) < 16) ? 16 : 8;
		if (base == 16)
			s += 2;
	}
	for (; hexval((unsigned char)*s) < (int)base; s++, n++) {
		unsigned d = (unsigned)hexval((unsigned char)*s);

		if (v > (~0ULL - d) / base)
			overflow = 1;
		v = v * base + d;
	}
	if (overflow)
		return -ERANGE;
	if (!n)
		return -EINVAL;
	if (*s == '\n')
		s++;
	if (*s)
		return -EINVAL;
	*res = v;
	return 0;
}

/* kstrtoint(s, 0, res): an optional '+' or '-', base by prefix, one trailing newline. */
static int k_strtoint0(const char *s, int *res)
{
	unsigned long long v;
	long long ll;
	int err;

	if (s[0] == '-') {
		err = k_strtoull0(s + 1, &v);
		if (err)
			return err;
		if ((long long)(0 - v) > 0)
			return -ERANGE;
		ll = (long long)(0 - v);
	} else {
		err = k_strtoull0(s[0] == '+' ? s + 1 : s, &v);
		if (err)
			return err;
		if ((long long)v < 0)
			return -ERANGE;
		ll = (long long)v;
	}
	if (ll != (int)ll)
		return -ERANGE;
	*res = (int)ll;
	return 0;
}

/*
 * A write to oom_score_adj (legacy 0) or oom_adj (legacy 1), as
 * fs/proc/base.c takes it: the first 12 bytes, whitespace stripped at both
 * ends, kstrtoint base 0; the range -1000..1000 (legacy: -17..15, then
 * 15 -> 1000 and v -> v * 1000 / 17). Root has CAP_SYS_RESOURCE, so the
 * value may go down as well as up. The first legacy write logs the
 * deprecation line once; its "current" is the target process itself
 * (the real writer is a host process outside the model).
 */
static long oom_adj_write(struct machine *m, struct task *t, int legacy, const char *buf,
			  size_t len)
{
	char s[PROC_NUMBUF] = { 0 };
	size_t count = len < PROC_NUMBUF - 1 ? len : PROC_NUMBUF - 1;
	char *p = s, *e;
	int v, err;

	memcpy(s, buf, count);
	e = s + strlen(s);
	while (e > s && k_isspace((unsigned char)e[-1]))
		*--e = '\0';
	while (k_isspace((unsigned char)*p))
		p++;
	err = k_strtoint0(p, &v);
	if (err)
		return err;
	if (!legacy) {
		if (v < OOM_SCORE_ADJ_MIN || v > OOM_SCORE_ADJ_MAX)
			return -EINVAL;
	} else {
		if (v < OOM_DISABLE || v > OOM_ADJUST_MAX)
			return -EINVAL;
		v = v == OOM_ADJUST_MAX ? OOM_SCORE_ADJ_MAX : v * OOM_SCORE_ADJ_MAX / -OOM_DISABLE;
		if (!m->oom_adj_warned) {
			m->oom_adj_warned = 1;
			kmsg_add(m, "%s (%d): /proc/%d/oom_adj is deprecated, please use "
				 "/proc/%d/oom_score_adj instead.", t->comm, t->pid, t->pid, t->pid);
		}
	}
	t->oom_score_adj = (int16_t)v;
	trace_oom_score_adj_update(m, t);
	thread_group_set_oom_score_adj(m, t);	/* signal->oom_score_adj: the group's */
	return (long)count;
}

long mm_oom_adj_write(struct machine *m, int pid, int legacy, const char *buf, size_t len)
{
	struct task *t;
	long ret;

	machine_lock(m);
	sim_advance(m, MM_TICK_NS);
	t = find_task_by_pid(m, pid);
	ret = t ? oom_adj_write(m, t, legacy, buf, len) : -ESRCH;
	machine_unlock(m);
	return ret;
}

int mm_panicked(struct machine *m, char *msg, size_t len)
{
	int dead;

	machine_lock(m);
	dead = m->panic_msg[0] != '\0';
	if (dead && msg && len)
		snprintf(msg, len, "%s", m->panic_msg);
	machine_unlock(m);
	return dead;
}
