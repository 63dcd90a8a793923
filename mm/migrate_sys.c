// SPDX-License-Identifier: MIT
/*
 * migrate_sys.c - migrate_pages(2), move_pages(2) (kernel: mempolicy.c's
 * kernel_migrate_pages and do_migrate_pages, migrate.c's
 * kernel_move_pages, do_pages_move, do_pages_stat) and the CPU affinity
 * calls (kernel/sched/syscalls.c).
 *
 * The caller is the process whose ctl the line was written to; PID 0 in
 * the call names the caller itself. Every simulated process has root's
 * credentials (CAP_SYS_NICE): migrate_pages moves shared pages too
 * (MPOL_MF_MOVE_ALL), move_pages accepts MPOL_MF_MOVE_ALL, and the EPERM
 * cases of Linux (another user's process, nodes outside the target's
 * cpuset without CAP_SYS_NICE) cannot arise.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "mm.h"
#include "migrate.h"
#include "pgtable.h"
#include "syscalls.h"
#include "task.h"
#include "vma.h"
#include "vmscan.h"
#include "writeback.h"

#define MAX_NUMNODES	1024		/* CONFIG_NODES_SHIFT=10 */

/* ---- entry and exit, as mm_syscall's ---- */

static int enter(struct machine *m, int pid, struct sys_ctx *x, char *why, size_t whylen)
{
	if (why && whylen)
		why[0] = '\0';
	machine_lock(m);
	sim_advance(m, MM_TICK_NS);
	x->m = m;
	x->why = why;
	x->whylen = whylen;
	x->t = find_task_by_pid(m, pid);
	x->mm = x->t ? task_mm_view(x->t) : NULL;	/* a zombie leader makes no calls */
	if (!x->mm)
		return sys_fail(x, -ESRCH, "no such process");
	return 0;
}

static void leave(struct machine *m)
{
	wb_flush(m);
	kswapd_run(m);
	machine_unlock(m);
}

/* The target of a call: pid 0 is the caller. */
static struct task *target_task(struct sys_ctx *x, int pid)
{
	if (pid == 0)
		return x->t;
	return pid > 0 ? find_task_by_pid(x->m, pid) : NULL;
}

/* ---- migrate_pages ---- */

struct remap {
	int source, dest;
};

static int to_dest(void *arg, struct vm_area_struct *vma, uint64_t addr, int nid)
{
	const struct remap *r = arg;

	(void)vma, (void)addr;
	return nid == r->source ? r->dest : -1;
}

/* The n-th (from 0) set bit of mask, or -1. */
static int nth_node(uint64_t mask, int n)
{
	for (int b = 0; b < 64; b++)
		if ((mask >> b) & 1 && n-- == 0)
			return b;
	return -1;
}

/*
 * node_remap(s, from, to): s is the k-th node of from; it goes to the
 * (k mod |to|)-th node of to (bitmap_bitremap).
 */
static int node_remap(int s, uint64_t from, uint64_t to)
{
	int k = __builtin_popcountll(from & ((1ULL << s) - 1));

	return nth_node(to, k % __builtin_popcountll(to));
}

/*
 * do_migrate_pages: pick a source node s and its destination d = remap(s)
 * with s != d, preferring an s whose d is not itself still a source (so
 * nothing moves twice), move every page on s to d, drop s, repeat. The
 * failures add up.
 */
static int do_migrate_pages(struct machine *m, struct mm_struct *mm, uint64_t from, uint64_t to,
			    uint64_t *failed)
{
	uint64_t tmp = from;

	*failed = 0;
	if (from == to)
		return 0;
	while (tmp) {
		int source = -1, dest = 0;
		struct remap r;
		uint64_t nf = 0;
		int err;

		for (int s = 0; s < 64; s++) {
			int d;

			if (!((tmp >> s) & 1))
				continue;
			d = node_remap(s, from, to);
			if (s == d)
				continue;
			source = s;
			dest = d;
			if (!((tmp >> d) & 1))
				break;
		}
		if (source == -1)
			break;
		tmp &= ~(1ULL << source);
		r.source = source;
		r.dest = dest;
		err = migrate_range(m, mm, 0, UINT64_MAX & ~(MM_PAGE_SIZE - 1), to_dest, &r,
				    MPOL_MF_MOVE_ALL, &nf);
		if (err < 0)
			return err;
		*failed += nf;
	}
	return 0;
}

static uint64_t online_nodes(struct machine *m)
{
	return m->nr_nodes >= 64 ? ~0ULL : (1ULL << m->nr_nodes) - 1;
}

int mm_migrate_pages(struct machine *m, int caller, int pid, uint64_t old, uint64_t new,
		     int new_far, uint64_t *ret, char *why, size_t whylen)
{
	struct sys_ctx x;
	struct task *t;
	uint64_t failed = 0;
	int err;

	(void)new_far;	/* a node above 63 is never online: and-ed away below */
	*ret = 0;
	err = enter(m, caller, &x, why, whylen);
	if (err)
		goto out;
	t = target_task(&x, pid);
	if (!t) {
		err = sys_fail(&x, -ESRCH, "no process %d", pid);
		goto out;
	}
	new &= online_nodes(m);		/* nodes_and(*new, *new, task_nodes) */
	if (!new) {
		err = sys_fail(&x, -EINVAL, "no online node in the new node set");
		goto out;
	}
	if (!task_mm_view(t)) {	/* get_task_mm: a zombie leader has none */
		err = sys_fail(&x, -EINVAL, "process %d has no address space", pid);
		goto out;
	}
	err = do_migrate_pages(m, t->mm, old & online_nodes(m), new, &failed);
	if (err)
		sys_fail(&x, err, "out of memory");
	*ret = failed;
out:
	leave(m);
	return err;
}

/* ---- move_pages ---- */

/* The page mapped at addr of mm, *err = -EFAULT / -ENOENT when there is none. */
static struct page *page_at(struct machine *m, struct mm_struct *mm, uint64_t addr, int *err)
{
	struct vm_area_struct *vma = vma_lookup(mm, addr);
	pte_t *pmd, *pte;

	*err = -EFAULT;
	if (!vma || (vma->vm_flags & (MM_VM_IO | MM_VM_PFNMAP)))
		return NULL;	/* !vma_migratable */
	*err = -ENOENT;
	pmd = pmd_lookup(m, mm, addr, 0, NULL);
	if (pmd && pmd_trans_huge(*pmd)) {
		uint64_t pfn = pte_pfn(*pmd) + ((addr >> MM_PAGE_SHIFT) & (PTRS_PER_TABLE - 1));

		if (m->huge_zero_pfn && pte_pfn(*pmd) == m->huge_zero_pfn) {
			*err = -EFAULT;
			return NULL;
		}
		return pfn_to_page(m, pfn);
	}
	pte = pte_lookup(m, mm, addr, 0, NULL);
	if (!pte || !pte_present(*pte))
		return NULL;
	if (pte_pfn(*pte) == m->zero_pfn) {
		*err = -EFAULT;		/* the zero page: folio_walk's FW_ZEROPAGE, then -EFAULT */
		return NULL;
	}
	return pfn_to_page(m, pte_pfn(*pte));
}

/* do_pages_stat: the node of each page, or -EFAULT / -ENOENT. */
static void pages_stat(struct machine *m, struct mm_struct *mm, uint64_t nr,
		       const uint64_t *pages, int32_t *status)
{
	for (uint64_t i = 0; i < nr; i++) {
		int err;
		struct page *page = page_at(m, mm, pages[i] & ~(MM_PAGE_SIZE - 1), &err);

		status[i] = page ? migrate_page_nid(m, page) : err;
	}
}

/*
 * One batch: the isolated pages of status[start, i) go to node; their
 * statuses become node when all moved. A positive return is Linux's count
 * of pages not moved, the ones not tried included (nr - i); the batch's
 * statuses are then left as they were.
 */
static long flush_batch(struct machine *m, struct list_head *list, int node, int32_t *status,
			uint64_t start, uint64_t i, uint64_t nr)
{
	uint64_t stayed;

	if (list_empty(list))
		return 0;
	stayed = migrate_pages_list(m, list, node, NULL);
	if (stayed)
		return (long)(stayed + nr - i);
	for (uint64_t k = start; k < i; k++)
		status[k] = node;
	return 0;
}

/* add_folio_for_migration: 1 queued, 0 already there, -errno. */
static int queue_page(struct machine *m, struct mm_struct *mm, uint64_t addr, int node,
		      int move_all, struct list_head *list)
{
	int err;
	struct page *page = page_at(m, mm, addr, &err), *folio;

	if (!page)
		return err;
	folio = migrate_folio_of(m, page);
	if (PageFlag(folio, PG_hugetlb))
		return -EBUSY;	/* hugetlb migration is not modelled */
	if (migrate_page_nid(m, folio) == node)
		return 0;
	if (!move_all && migrate_folio_shared(m, folio))
		return -EACCES;
	return migrate_isolate(m, folio, list) ? -EBUSY : 1;
}

static long pages_move(struct sys_ctx *x, struct mm_struct *mm, uint64_t nr,
		       const uint64_t *pages, const int32_t *nodes, int32_t *status, int flags)
{
	struct machine *m = x->m;
	int cur = -1;
	uint64_t start = 0;
	long ret;
	LIST_HEAD(list);

	for (uint64_t i = 0; i < nr; i++) {
		int node = nodes[i], err;

		if (node < 0 || node >= MAX_NUMNODES || node >= m->nr_nodes) {
			flush_batch(m, &list, cur, status, start, i, nr);	/* its error wins */
			return sys_fail(x, -ENODEV, "node %d has no memory", node);
		}
		if (cur == -1) {
			cur = node;
			start = i;
		} else if (node != cur) {
			ret = flush_batch(m, &list, cur, status, start, i, nr);
			if (ret)
				return ret;
			cur = node;
			start = i;
		}
		err = queue_page(m, mm, pages[i] & ~(MM_PAGE_SIZE - 1), cur, flags & MPOL_MF_MOVE_ALL,
				 &list);
		if (err > 0)
			continue;
		status[i] = err ? err : cur;
		ret = flush_batch(m, &list, cur, status, start, i, nr);
		if (ret)
			return ret - 1;		/* page i is accounted for */
		cur = -1;
	}
	return flush_batch(m, &list, cur, status, start, nr, nr);
}

int mm_move_pages(struct machine *m, int caller, int pid, uint64_t nr, const uint64_t *pages,
		  const int32_t *nodes, int32_t *status, int flags, long *ret, char *why,
		  size_t whylen)
{
	struct sys_ctx x;
	struct task *t;
	int err;

	*ret = 0;
	err = enter(m, caller, &x, why, whylen);
	if (err)
		goto out;
	if (flags & ~(MPOL_MF_MOVE | MPOL_MF_MOVE_ALL)) {
		err = sys_fail(&x, -EINVAL, "flags %#x: only MPOL_MF_MOVE and MPOL_MF_MOVE_ALL", flags);
		goto out;
	}
	t = target_task(&x, pid);
	if (!t) {
		err = sys_fail(&x, -ESRCH, "no process %d", pid);
		goto out;
	}
	if (!task_mm_view(t)) {	/* get_task_mm: a zombie leader has none */
		err = sys_fail(&x, -EINVAL, "process %d has no address space", pid);
		goto out;
	}
	if (!nodes) {
		pages_stat(m, t->mm, nr, pages, status);
		goto out;
	}
	*ret = pages_move(&x, t->mm, nr, pages, nodes, status, flags);
	if (*ret < 0) {
		err = (int)*ret;
		*ret = 0;
	}
out:
	leave(m);
	return err;
}

/* ---- affinity ---- */

/* The CPUs t may run on: its mask, or every CPU. */
static void allowed_of(struct machine *m, const struct task *t, uint64_t mask[MM_MAX_CPUS / 64])
{
	memset(mask, 0, MM_MAX_CPUS / 8);
	if (t->affinity_set) {
		memcpy(mask, t->cpus_allowed, MM_MAX_CPUS / 8);
		return;
	}
	for (int c = 0; c < m->nr_cpus; c++)
		mask[c / 64] |= 1ULL << (c % 64);
}

int mm_sched_setaffinity(struct machine *m, int caller, int pid, const uint64_t *mask,
			 char *why, size_t whylen)
{
	uint64_t eff[MM_MAX_CPUS / 64] = { 0 };
	struct sys_ctx x;
	struct task *t;
	int err, any = 0, first = -1;

	err = enter(m, caller, &x, why, whylen);
	if (err)
		goto out;
	t = target_task(&x, pid);
	if (!t) {
		err = sys_fail(&x, -ESRCH, "no process %d", pid);
		goto out;
	}
	for (int c = 0; c < m->nr_cpus && c < MM_MAX_CPUS; c++)
		if ((mask[c / 64] >> (c % 64)) & 1) {
			eff[c / 64] |= 1ULL << (c % 64);
			if (first < 0)
				first = c;
			any = 1;
		}
	if (!any) {
		err = sys_fail(&x, -EINVAL, "no online CPU in the mask");
		goto out;
	}
	memcpy(t->cpus_allowed, eff, sizeof(eff));
	t->affinity_set = 1;
	/* a task already on an allowed CPU stays there (__set_cpus_allowed_ptr) */
	if (!((eff[t->cpu / 64] >> (t->cpu % 64)) & 1))
		task_set_cpu(m, t, first);
out:
	leave(m);
	return err;
}

int mm_sched_getaffinity(struct machine *m, int caller, int pid, uint64_t len, uint64_t *mask,
			 long *ret, char *why, size_t whylen)
{
	/*
	 * cpumask_size(): NR_CPUS bits (the reference host's kernel_max 255, no
	 * CPUMASK_OFFSTACK), 32 bytes whatever cpus= says; the host answers 32 too
	 */
	uint64_t size = MM_MAX_CPUS / 8;
	struct sys_ctx x;
	struct task *t;
	int err;

	*ret = 0;
	err = enter(m, caller, &x, why, whylen);
	if (err)
		goto out;
	if (len * 8 < (uint64_t)m->nr_cpus || len & 7) {
		err = sys_fail(&x, -EINVAL, "%llu bytes do not hold %d CPUs in whole longs",
			       (unsigned long long)len, m->nr_cpus);
		goto out;
	}
	t = target_task(&x, pid);
	if (!t) {
		err = sys_fail(&x, -ESRCH, "no process %d", pid);
		goto out;
	}
	allowed_of(m, t, mask);
	*ret = (long)(len < size ? len : size);
out:
	leave(m);
	return err;
}
