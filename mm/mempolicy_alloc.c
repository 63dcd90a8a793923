// SPDX-License-Identifier: MIT
/*
 * mempolicy_alloc.c - allocating user pages under a memory policy
 * (kernel: mm/mempolicy.c get_vma_policy, policy_nodemask,
 * alloc_pages_mpol, interleave_nid, weighted_interleave_nid).
 *
 * Where a page of a policy goes ("local" = task_node() of the allocating
 * task, m->cur_task; a host process through files/ is node 0):
 *
 *   default, local     local node first, then its zonelist (distance order)
 *   prefer N           node N first, then N's zonelist: spills when N is full
 *   bind S             local node's zonelist, only the nodes of S: never spills
 *   prefer (many) S    like bind S without reclaim, then like default
 *   interleave S       a VMA page: the (ilx mod |S|)-th node of S, where
 *                      ilx = vm_pgoff + page index in the VMA (interleave_index),
 *                      so page k of a VMA lands on node k mod |S| from its
 *                      start's pgoff; no VMA (the page cache): round-robin
 *                      from the task's il_prev. Then that node's zonelist:
 *                      interleave spills too. numa_interleave counts a page
 *                      that landed on the node interleave chose.
 *   weighted inter.    the same with node n taking weight(n) consecutive slots
 *
 * A THP (order 9) under any but the interleave modes is tried on the
 * chosen node alone (__GFP_THISNODE) and, failing, the fault falls back to
 * small pages, as Linux's THP fault without direct reclaim does.
 */
#include "internal.h"
#include "filemap.h"
#include "huge_memory.h"
#include "hugetlb.h"
#include "mempolicy.h"
#include "page_alloc.h"
#include "task.h"
#include "vma.h"

#define NO_INTERLEAVE_INDEX UINT64_MAX
#define MAX_NUMNODES	1024

int mpol_wi_weight(const struct machine *m, int nid)
{
	return (int)m->tun.wi_weight[nid & 63];	/* sys/kernel/mm/mempolicy/weighted_interleave */
}

static int nth_node(uint64_t nodes, uint64_t k)
{
	while (k--)
		nodes &= nodes - 1;
	return __builtin_ctzll(nodes);
}

/*
 * interleave_nid: the (ilx mod |nodes|)-th node of pol. The fault path of
 * an interleaved VMA runs this for every page: the weight is the policy's
 * cached one (no popcount), a power of two takes a mask instead of a
 * division, and the common 1- and 2-node cases need no walk.
 */
static int interleave_nid(const struct mempolicy *pol, uint64_t ilx)
{
	uint64_t w = (uint64_t)pol->nr_nodes, nodes = pol->nodes;
	uint64_t k = (w & (w - 1)) ? ilx % w : ilx & (w - 1);

	if (k)
		nodes &= nodes - 1;	/* past the first node: the second is the answer for w = 2 */
	return k > 1 ? nth_node(nodes, k - 1) : __builtin_ctzll(nodes);
}

static int weighted_interleave_nid(const struct machine *m, uint64_t nodes, uint64_t ilx)
{
	uint64_t total = 0, target;

	for (uint64_t s = nodes; s; s &= s - 1)
		total += (uint64_t)mpol_wi_weight(m, __builtin_ctzll(s));
	target = ilx % total;
	for (uint64_t s = nodes; s; s &= s - 1) {
		uint64_t w = (uint64_t)mpol_wi_weight(m, __builtin_ctzll(s));

		if (target < w)
			return __builtin_ctzll(s);
		target -= w;
	}
	return __builtin_ctzll(nodes);
}

static int next_node_in(int n, uint64_t nodes)
{
	uint64_t above = n + 1 < 64 && n >= -1 ? nodes & (~0ULL << (n + 1)) : 0;

	return above ? __builtin_ctzll(above) : __builtin_ctzll(nodes);
}

/* interleave_nodes / weighted_interleave_nodes: the task's round-robin. */
static int interleave_nodes(const struct machine *m, struct task *t, const struct mempolicy *pol)
{
	int nid;

	if (!t)
		return __builtin_ctzll(pol->nodes);
	if (pol->mode == MM_MPOL_INTERLEAVE) {
		nid = next_node_in(t->il_prev, pol->nodes);
		t->il_prev = nid;
		return nid;
	}
	nid = t->il_prev;
	if (!t->il_weight || nid >= 64 || !(pol->nodes >> nid & 1)) {
		nid = next_node_in(nid, pol->nodes);
		t->il_prev = nid;
		t->il_weight = mpol_wi_weight(m, nid);
	}
	t->il_weight--;
	return nid;
}

/* The first node of nodes in local's fallback order (its own first): where BIND goes. */
static int nearest_node(const struct machine *m, int local, uint64_t nodes)
{
	if (nodes >> local & 1)
		return local;
	for (int i = 0; m->node_order_built && i < m->nr_nodes; i++)
		if (nodes >> m->node_order[local][i] & 1)
			return m->node_order[local][i];
	return nodes ? __builtin_ctzll(nodes) : local;
}

/*
 * get_vma_policy: the policy in force at addr of vma (the VMA's or its
 * shmem object's, else the task's; NULL = default) and, for interleave,
 * its index: the bias (__get_vma_policy's) + vm_pgoff + the page's place
 * in the VMA, in units of 2^order pages.
 */
static inline __attribute__((always_inline)) const struct mempolicy *
get_vma_policy(const struct task *t, const struct vm_area_struct *vma, uint64_t addr,
	       unsigned order, uint64_t *ilx)
{
	const struct mempolicy *pol;

	if (vma && !vma->vm_file) {	/* anonymous: no shared policy to look up */
		*ilx = 0;
		pol = vma->vm_policy;
	} else {
		pol = __get_vma_policy(vma, addr, ilx);
	}
	if (!pol)
		pol = t ? t->mempolicy : NULL;
	if (pol && (pol->mode == MM_MPOL_INTERLEAVE || pol->mode == MM_MPOL_WEIGHTED_INTERLEAVE))
		*ilx += (vma->vm_pgoff >> order) + ((addr - vma->vm_start) >> (MM_PAGE_SHIFT + order));
	return pol;
}

/* The node pol's first choice is for interleave index ilx (local: the task's node). */
static int policy_node(struct machine *m, const struct mempolicy *pol, uint64_t ilx, int local)
{
	if (!pol)
		return local;
	switch (pol->mode) {
	case MM_MPOL_PREFERRED:
		return __builtin_ctzll(pol->nodes);
	case MM_MPOL_INTERLEAVE:
		return interleave_nid(pol, ilx);
	case MM_MPOL_WEIGHTED_INTERLEAVE:
		return weighted_interleave_nid(m, pol->nodes, ilx);
	case MM_MPOL_BIND:
	case MM_MPOL_PREFERRED_MANY:
		return nearest_node(m, local, pol->nodes);
	default:
		return local;
	}
}

int huge_node(struct machine *m, struct vm_area_struct *vma, uint64_t addr, uint64_t *nodemask,
	      int *many)
{
	struct task *t = m->cur_task;
	int local = t ? task_node(m, t) : 0;
	uint64_t ilx;
	const struct mempolicy *pol = get_vma_policy(t, vma, addr, HPAGE_PMD_ORDER, &ilx);

	/* policy_nodemask: BIND and PREFERRED_MANY restrict, the others pick the first node */
	*nodemask = 0;
	*many = 0;
	if (!pol)
		return local;
	switch (pol->mode) {
	case MM_MPOL_BIND:
		*nodemask = pol->nodes;
		return local;
	case MM_MPOL_PREFERRED_MANY:
		*nodemask = pol->nodes;
		*many = 1;
		return local;
	case MM_MPOL_INTERLEAVE:
	case MM_MPOL_WEIGHTED_INTERLEAVE:
		return policy_node(m, pol, ilx, local);
	case MM_MPOL_PREFERRED:
		return __builtin_ctzll(pol->nodes);
	default:
		return local;
	}
}

int mpol_target_node(struct machine *m, struct task *t, struct vm_area_struct *vma, uint64_t addr)
{
	uint64_t ilx;
	const struct mempolicy *pol = get_vma_policy(t, vma, addr, 0, &ilx);

	return policy_node(m, pol, ilx, t ? task_node(m, t) : 0);
}

/* alloc_pages_mpol: where pol sends 2^order pages; ilx for interleave. */
static struct page *alloc_pages_mpol(struct machine *m, unsigned gfp, unsigned order,
				     const struct mempolicy *pol, uint64_t ilx, int local)
{
	struct task *t = m->cur_task;
	int nid = local, interleave = 0;
	uint64_t mask = 0;
	struct page *page;

	if (pol) {
		switch (pol->mode) {
		case MM_MPOL_PREFERRED:
			nid = __builtin_ctzll(pol->nodes);
			break;
		case MM_MPOL_BIND:
			mask = pol->nodes;
			break;
		case MM_MPOL_INTERLEAVE:
		case MM_MPOL_WEIGHTED_INTERLEAVE:
			interleave = 1;
			if (ilx == NO_INTERLEAVE_INDEX)
				nid = interleave_nodes(m, t, pol);
			else if (pol->mode == MM_MPOL_INTERLEAVE)
				nid = interleave_nid(pol, ilx);
			else
				nid = weighted_interleave_nid(m, pol->nodes, ilx);
			break;
		case MM_MPOL_PREFERRED_MANY: {
			/* the preferred nodes without reclaim, then anywhere (alloc_pages_preferred_many) */
			int failed = m->alloc_failed;

			page = __alloc_pages(m, gfp | __GFP_NOWARN, order, nid, pol->nodes, local);
			if (page)
				return page;
			m->alloc_failed = failed;
			return __alloc_pages(m, gfp, order, nid, 0, local);
		}
		}
	}
	if (order == HPAGE_PMD_ORDER && !interleave && (!mask || (mask >> nid & 1)))
		return __alloc_pages(m, gfp | __GFP_THISNODE, order, nid, 0, local);
	page = __alloc_pages(m, gfp, order, nid, mask, local);
	if (interleave && page) {
		struct zone *z = page_zone(m, page);

		if (z->nid == nid)
			z->numa_stat[NUMA_INTERLEAVE]++;
	}
	return page;
}

struct page *vma_alloc_pages(struct machine *m, unsigned gfp, unsigned order,
			     struct vm_area_struct *vma, uint64_t addr)
{
	int local = m->cur_task ? task_node(m, m->cur_task) : 0;
	const struct mempolicy *pol;
	uint64_t ilx;

	pol = get_vma_policy(m->cur_task, vma, addr, order, &ilx);
	if (!pol && order != HPAGE_PMD_ORDER)	/* the common case, kept short: the local node */
		return __alloc_pages(m, gfp, order, local, 0, local);
	if (pol && pol->mode == MM_MPOL_INTERLEAVE && order != HPAGE_PMD_ORDER) {
		/* an interleaved VMA's small page, kept as short: its node by index */
		int nid = interleave_nid(pol, ilx);
		struct page *page = __alloc_pages(m, gfp, order, nid, 0, local);

		if (page) {
			struct zone *z = page_zone(m, page);

			if (z->nid == nid)
				z->numa_stat[NUMA_INTERLEAVE]++;
		}
		return page;
	}
	return alloc_pages_mpol(m, gfp, order, pol, ilx, local);
}

struct page *alloc_pages_shmem(struct machine *m, unsigned gfp, unsigned order,
			       struct file_ref *obj, uint64_t index)
{
	/* shmem_get_pgoff_policy: the object's range, else the task's; biased by i_ino */
	const struct mempolicy *pol = obj->sp_root ? mpol_shared_policy_lookup(obj, index) : NULL;

	if (!pol)
		pol = m->cur_task ? m->cur_task->mempolicy : NULL;
	return alloc_pages_mpol(m, gfp, order, pol, obj->ino + (index >> order),
				m->cur_task ? task_node(m, m->cur_task) : 0);
}

struct page *alloc_pages_task_policy(struct machine *m, unsigned gfp, unsigned order)
{
	return alloc_pages_mpol(m, gfp, order, m->cur_task ? m->cur_task->mempolicy : NULL,
				NO_INTERLEAVE_INDEX, m->cur_task ? task_node(m, m->cur_task) : 0);
}
