/* SPDX-License-Identifier: MIT */
/*
 * oom_kill.h - the OOM killer (kernel: mm/oom_kill.c, fs/proc/base.c's
 * oom_* files; reclaim.md §11). Expects m->lock held.
 */
#ifndef MM_OOM_KILL_H
#define MM_OOM_KILL_H

#include <stddef.h>
#include <stdint.h>

struct machine;
struct task;

enum { OOM_NONE, OOM_KILLED, OOM_KILLED_CURRENT };

/*
 * Memory ran out for an allocation (gfp, order, on the nodes of nodemask;
 * 0: any node) of m->cur_task (NULL: a command of no process, reported as
 * init's): choose a victim by badness, report it to kmsg as Linux does,
 * kill it and free its memory. An allocation bound to some of the nodes
 * (an MPOL_BIND policy) is CONSTRAINT_MEMORY_POLICY: only processes whose
 * task policy may use those nodes are candidates, badness is scaled by
 * those nodes' pages, and panic_on_oom=1 does not panic.
 * OOM_KILLED: retry the allocation. OOM_KILLED_CURRENT: the victim is the
 * command's own process (or it is being killed already); it is marked
 * (t->oom_killed) and exits when the command unwinds. OOM_NONE: nothing
 * was killed: the machine panicked (panic_on_oom, or no killable process,
 * "System is deadlocked on memory"), and the allocation fails.
 */
int out_of_memory(struct machine *m, unsigned gfp, int order, uint64_t nodemask);

/* Why the OOM happened (kernel: enum oom_constraint); the report names it. */
enum oom_constraint {
	CONSTRAINT_NONE,
	CONSTRAINT_CPUSET,
	CONSTRAINT_MEMORY_POLICY,
	CONSTRAINT_MEMCG,
};

/* The OOM in hand (kernel: struct oom_control, the parts the model has). */
struct oom_control {
	unsigned gfp;
	int order;
	uint64_t nodemask;		/* CONSTRAINT_MEMORY_POLICY's nodes, else 0 (NULL) */
	uint64_t totalpages;		/* the badness scale: the memory the OOM is about */
	enum oom_constraint constraint;
};

#define OOM_SCORE_ADJ_MIN	(-1000)
#define OOM_SCORE_ADJ_MAX	1000
#define OOM_DISABLE		(-17)	/* legacy oom_adj range: -17..15 */
#define OOM_ADJUST_MAX		15
#define OOM_BADNESS_NEVER	INT64_MIN	/* kernel: LONG_MIN, "never kill" */

/* totalram pages + total swap pages: the badness scale of a global OOM. */
uint64_t oom_totalpages(struct machine *m);
/*
 * rss + swap entries + page-table pages + adj * (totalpages / 1000), or
 * OOM_BADNESS_NEVER for init, a task without an mm, and adj -1000.
 */
int64_t oom_badness(struct machine *m, const struct task *t, uint64_t totalpages);
/* proc/PID/oom_score: (1000 + badness * 1000 / totalpages) * 2 / 3, 0 for never. */
unsigned long oom_score(struct machine *m, const struct task *t);
/* proc/PID/oom_adj as read: adj * 17 / 1000, 15 for adj 1000. */
int oom_adj_of(int oom_score_adj);

/* oom_report.c: the kernel log's lines (dump_header and its parts). */
/* from_kill: called by oom_kill_process (its frame is in the trace), else by out_of_memory. */
void oom_dump_header(struct machine *m, struct task *cur, const struct oom_control *oc,
		     int from_kill);
void oom_dump_summary(struct machine *m, const struct oom_control *oc, const struct task *victim);
/* oom_cpuset_eligible: may victim be killed for oc (its task policy meets oc's nodes)? */
int oom_cpuset_eligible(struct machine *m, const struct task *victim, const struct oom_control *oc);
void oom_kill_line(struct machine *m, const char *prefix, const struct task *victim);
/* "0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO)": Linux's mask for an mmfs gfp. */
void oom_format_gfp(unsigned gfp, char *buf, size_t len);
/* The panic's lines; from then on m->panic_msg is set and the daemon refuses commands. */
void oom_panic(struct machine *m, struct task *cur, const char *msg);

#endif
