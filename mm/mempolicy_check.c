// SPDX-License-Identifier: MIT
/*
 * mempolicy_check.c - what the invariant checker verifies of memory
 * policies: every policy held by a task or a VMA has a valid mode, flags
 * and a non-empty set of online nodes (LOCAL: none) whose count nr_nodes
 * caches, and its refcnt is the
 * number of its holders (tasks, VMAs, shmem objects' shared policy ranges);
 * the shared policy ranges are sorted, disjoint and not empty.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "filemap.h"
#include "mempolicy.h"
#include "task.h"
#include "vma.h"

static void mpol_check_one(struct machine *m, const struct mempolicy *pol, const char *who,
			   struct rbuf_lite *out, int *bad)
{
	if (pol->mode == MM_MPOL_DEFAULT || pol->mode >= MM_MPOL_MAX ||
	    (pol->flags & ~MM_MPOL_MODE_FLAGS)) {
		rbl_printf(out, "%s: policy mode %u flags %#x invalid\n", who, pol->mode, pol->flags);
		(*bad)++;
	}
	if (pol->mode != MM_MPOL_LOCAL && (!pol->nodes || (pol->nodes & ~node_mask_all(m)))) {
		rbl_printf(out, "%s: policy nodes %#llx not a non-empty set of online nodes\n",
				 who, (unsigned long long)pol->nodes);
		(*bad)++;
	} else if (pol->nr_nodes != __builtin_popcountll(pol->nodes)) {
		rbl_printf(out, "%s: policy nr_nodes %d but %d nodes\n", who, pol->nr_nodes,
			   __builtin_popcountll(pol->nodes));
		(*bad)++;
	}
	if (pol->refcnt <= 0) {
		rbl_printf(out, "%s: policy refcnt %d\n", who, pol->refcnt);
		(*bad)++;
	}
}

/*
 * A policy's refcnt must equal the tasks and VMAs pointing at it. Counted
 * without a table: every holder takes HOLDER_BIAS off the count (pass 1),
 * so a policy with count k and h holders reads k - h * HOLDER_BIAS; the
 * first holder met in pass 2 recovers h and k from that, compares them and
 * restores k (a restored count is positive, so later holders skip it).
 */
#define HOLDER_BIAS (1 << 20)

typedef void (*holder_fn)(struct machine *m, struct mempolicy *pol, const char *who,
			  struct rbuf_lite *out, int *bad);

static void for_each_holder(struct machine *m, holder_fn fn, struct rbuf_lite *out, int *bad)
{
	struct list_head *l;
	char who[64];

	/* the shared policies' ranges (mempolicy_shared.c) */
	for (l = m->shared_policies.next; l != &m->shared_policies; l = l->next) {
		struct file_ref *obj = list_entry(l, struct file_ref, sp_link);

		for (struct sp_node *n = obj->sp_root; n; n = n->next) {
			snprintf(who, sizeof(who), "shmem ino %llu range %llu", (unsigned long long)obj->ino,
				 (unsigned long long)n->start);
			fn(m, n->policy, who, out, bad);
		}
	}

	for (int pid = 0; pid < m->pid_max; pid++) {
		struct task *t = m->tasks[pid];
		struct vm_area_struct *vma;

		if (!t)
			continue;
		if (t->mempolicy) {
			snprintf(who, sizeof(who), "pid %d task", pid);
			fn(m, t->mempolicy, who, out, bad);
		}
		if (!t->mm || !thread_group_leader(t))
			continue;	/* a shared mm's VMAs once */
		VMA_ITERATOR(vmi, t->mm, 0);
		for_each_vma(vmi, vma) {
			if (!vma->vm_policy)
				continue;
			snprintf(who, sizeof(who), "pid %d vma %#llx", pid,
				 (unsigned long long)vma->vm_start);
			fn(m, vma->vm_policy, who, out, bad);
		}
	}
}

static void holder_take(struct machine *m, struct mempolicy *pol, const char *who,
			struct rbuf_lite *out, int *bad)
{
	if (pol->refcnt > 0)	/* the first time this policy is met */
		mpol_check_one(m, pol, who, out, bad);
	pol->refcnt -= HOLDER_BIAS;
}

static void holder_settle(struct machine *m, struct mempolicy *pol, const char *who,
			  struct rbuf_lite *out, int *bad)
{
	int h, k;

	(void)m;
	if (pol->refcnt > 0)
		return;
	h = (-pol->refcnt + HOLDER_BIAS - 1) / HOLDER_BIAS;
	k = pol->refcnt + h * HOLDER_BIAS;
	if (k != h) {
		rbl_printf(out, "%s: policy refcnt %d but %d holders\n", who, k, h);
		(*bad)++;
	}
	pol->refcnt = k;
}

/*
 * The shared policies' structure: every object on m->shared_policies has
 * ranges (and only those), sorted, disjoint and not empty.
 */
static void shared_policy_check(struct machine *m, struct rbuf_lite *out, int *bad)
{
	for (struct list_head *l = m->shared_policies.next; l != &m->shared_policies; l = l->next) {
		struct file_ref *obj = list_entry(l, struct file_ref, sp_link);
		uint64_t prev_end = 0;

		if (!obj->sp_root || !shmem_mapping(obj)) {
			rbl_printf(out, "shmem ino %llu: on the shared policy list with %s\n",
				   (unsigned long long)obj->ino,
				   obj->sp_root ? "no shmem mapping" : "no ranges");
			(*bad)++;
		}
		for (struct sp_node *n = obj->sp_root; n; n = n->next) {
			if (n->start >= n->end || n->start < prev_end || !n->policy) {
				rbl_printf(out, "shmem ino %llu: shared policy range [%llu, %llu) after %llu\n",
					   (unsigned long long)obj->ino, (unsigned long long)n->start,
					   (unsigned long long)n->end, (unsigned long long)prev_end);
				(*bad)++;
			}
			prev_end = n->end;
		}
	}
}

int mpol_check(struct machine *m, struct rbuf_lite *out)
{
	int bad = 0;

	shared_policy_check(m, out, &bad);

	for_each_holder(m, holder_take, out, &bad);
	for_each_holder(m, holder_settle, out, &bad);
	return bad;
}
