// SPDX-License-Identifier: MIT
/*
 * mempolicy.c - NUMA memory policies: the objects, building one from a
 * call, set_mempolicy and get_mempolicy (kernel: mm/mempolicy.c). mbind is
 * mempolicy_mbind.c's, allocation under a policy mempolicy_alloc.c's, the
 * checker's part mempolicy_check.c's.
 *
 * The order of the checks is the kernel's, because it decides which errno
 * a call with several faults gets (verified against the host, doc/numa.md):
 *
 *   set_mempolicy  mode/flags (sanitize_mpol_flags) > nodemask (get_nodes)
 *                  > mpol_new > the nodes after the online mask
 *   mbind          mode/flags > nodemask > flags > start alignment > length
 *                  > mpol_new > nodes > holes (EFAULT) > apply > STRICT (EIO)
 *   get_mempolicy  maxnode < nr_node_ids > flags > addr > copy-out size
 *
 * Nodes: every node is online and has memory, so node_states[N_MEMORY]
 * and the task's mems_allowed (no cpusets) are nodes 0..nr_nodes-1.
 * MAX_NUMNODES is 1024 as on the reference host (CONFIG_NODES_SHIFT=10).
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "mempolicy.h"
#include "memory.h"
#include "pgtable.h"
#include "syscalls.h"
#include "task.h"
#include "vma.h"

#define MAX_NUMNODES	1024
#define BITS_PER_PAGE	(MM_PAGE_SIZE * 8)

uint64_t node_mask_all(const struct machine *m)
{
	return m->nr_nodes >= 64 ? ~0ULL : (1ULL << m->nr_nodes) - 1;
}

/* ---- the objects ---- */

struct mempolicy *mpol_get(struct mempolicy *pol)
{
	if (pol)
		pol->refcnt++;
	return pol;
}

void mpol_put(struct mempolicy *pol)
{
	if (pol && --pol->refcnt == 0)
		kfree(pol);
}

int mpol_equal(const struct mempolicy *a, const struct mempolicy *b)
{
	if (a == b)
		return 1;
	if (!a || !b)
		return 0;
	if (a->mode != b->mode || a->flags != b->flags)
		return 0;
	if ((a->flags & (MM_MPOL_F_STATIC_NODES | MM_MPOL_F_RELATIVE_NODES)) &&
	    a->user_nodemask != b->user_nodemask)
		return 0;
	return a->mode == MM_MPOL_LOCAL || a->nodes == b->nodes;
}

void mm_nodelist(char *buf, size_t len, uint64_t nodes)
{
	size_t o = 0;

	buf[0] = '\0';
	for (int n = 0; n < 64 && o < len; n++) {
		int e = n;

		if (!(nodes >> n & 1))
			continue;
		while (e + 1 < 64 && (nodes >> (e + 1) & 1))
			e++;
		o += (size_t)snprintf(buf + o, len - o, o ? ",%d" : "%d", n);
		if (e > n && o < len)
			o += (size_t)snprintf(buf + o, len - o, "-%d", e);
		n = e;
	}
}

void mpol_to_str(char *buf, size_t len, const struct mempolicy *pol)
{
	static const char *const names[MM_MPOL_MAX] = {
		"default", "prefer", "bind", "interleave", "local", "prefer (many)",
		"weighted interleave",
	};
	char nodes[200];
	size_t o;
	unsigned flags;

	if (!pol) {
		snprintf(buf, len, "default");
		return;
	}
	o = (size_t)snprintf(buf, len, "%s", names[pol->mode]);
	flags = pol->flags & MM_MPOL_MODE_FLAGS;
	if (flags && o < len) {
		o += (size_t)snprintf(buf + o, len - o, "=%s",
				      flags & MM_MPOL_F_STATIC_NODES ? "static" :
				      flags & MM_MPOL_F_RELATIVE_NODES ? "relative" : "");
		if ((flags & MM_MPOL_F_NUMA_BALANCING) && o < len)
			o += (size_t)snprintf(buf + o, len - o, "%sbalancing",
					      (flags & (flags - 1)) ? "|" : "");
	}
	mm_nodelist(nodes, sizeof(nodes), pol->mode == MM_MPOL_LOCAL ? 0 : pol->nodes);
	if (nodes[0] && o < len)
		snprintf(buf + o, len - o, ":%s", nodes);
}

struct mempolicy *vma_effective_policy(const struct task *t, const struct vm_area_struct *vma)
{
	uint64_t ilx;
	struct mempolicy *pol = vma ? __get_vma_policy(vma, vma->vm_start, &ilx) : NULL;

	return pol ? pol : t ? t->mempolicy : NULL;
}

void mpol_fork(struct task *child, const struct task *parent)
{
	child->mempolicy = mpol_get(parent->mempolicy);
	child->il_prev = parent->il_prev;
	child->il_weight = 0;
}

void mpol_task_exit(struct task *t)
{
	mpol_put(t->mempolicy);
	t->mempolicy = NULL;
}

/* ---- building a policy from a call ---- */

/* sanitize_mpol_flags: split the int into mode and mode flags. */
int sanitize_mpol_flags(struct sys_ctx *x, int32_t arg, int *mode, unsigned *flags)
{
	*flags = (unsigned)arg & MM_MPOL_MODE_FLAGS;
	*mode = (int)((unsigned)arg & ~(unsigned)MM_MPOL_MODE_FLAGS);
	if ((unsigned)*mode >= MM_MPOL_MAX)
		return sys_fail(x, -EINVAL, "unknown memory policy mode %#x", (unsigned)*mode);
	if ((*flags & MM_MPOL_F_STATIC_NODES) && (*flags & MM_MPOL_F_RELATIVE_NODES))
		return sys_fail(x, -EINVAL, "MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES together");
	if ((*flags & MM_MPOL_F_NUMA_BALANCING) &&
	    *mode != MM_MPOL_BIND && *mode != MM_MPOL_PREFERRED_MANY)
		return sys_fail(x, -EINVAL, "MPOL_F_NUMA_BALANCING needs MPOL_BIND or MPOL_PREFERRED_MANY");
	return 0;
}

/*
 * get_nodes: maxnode - 1 bits of the user's mask. Nodes above 63 are not
 * online here, so a mask naming them only (nodes_far) reads as those nodes
 * dropped later; the model cannot tell a bit above MAX_NUMNODES from one
 * below it, and takes them all to be below (doc/numa.md).
 */
int get_nodes(struct sys_ctx *x, const struct mm_call *c, uint64_t *nodes)
{
	uint64_t maxnode = c->maxnode - 1;

	*nodes = 0;
	if (maxnode == 0 || !c->nodes_ptr[0])
		return 0;
	if (maxnode > BITS_PER_PAGE)
		return sys_fail(x, -EINVAL, "maxnode %llu is more than %llu + 1 bits",
				(unsigned long long)c->maxnode, (unsigned long long)BITS_PER_PAGE);
	if (maxnode > MAX_NUMNODES)
		maxnode = MAX_NUMNODES;
	if (c->nodes_ptr[0] == 2)
		return sys_fail(x, -EFAULT, "the nodemask cannot be read");
	*nodes = maxnode >= 64 ? c->nodes[0] : c->nodes[0] & ((1ULL << maxnode) - 1);
	return 0;
}

/* mpol_new's checks: 0 and *pol (NULL for MPOL_DEFAULT), or -EINVAL. */
int mpol_new(struct sys_ctx *x, int mode, unsigned flags, uint64_t nodes,
		    struct mempolicy **pol)
{
	*pol = NULL;
	if (mode == MM_MPOL_DEFAULT) {
		if (nodes)
			return sys_fail(x, -EINVAL, "MPOL_DEFAULT takes no nodes");
		return 0;
	}
	if (mode == MM_MPOL_PREFERRED) {
		if (!nodes) {
			if (flags & (MM_MPOL_F_STATIC_NODES | MM_MPOL_F_RELATIVE_NODES))
				return sys_fail(x, -EINVAL, "MPOL_PREFERRED with no nodes takes no node flags");
			mode = MM_MPOL_LOCAL;	/* the local node: MPOL_LOCAL */
		}
	} else if (mode == MM_MPOL_LOCAL) {
		if (nodes || (flags & (MM_MPOL_F_STATIC_NODES | MM_MPOL_F_RELATIVE_NODES)))
			return sys_fail(x, -EINVAL, "MPOL_LOCAL takes no nodes and no node flags");
	} else if (!nodes) {
		return sys_fail(x, -EINVAL, "the nodemask is empty");
	}
	*pol = kzalloc(sizeof(**pol));
	if (!*pol)
		return sys_fail(x, -ENOMEM, "out of memory");
	(*pol)->refcnt = 1;
	(*pol)->mode = (uint16_t)mode;
	(*pol)->flags = (uint16_t)flags;
	return 0;
}

/* mpol_relative_nodemask: fold the user's nodes onto the allowed ones, in order. */
static uint64_t relative_nodes(uint64_t user, uint64_t allowed)
{
	int w = __builtin_popcountll(allowed), nth[64], k = 0;
	uint64_t out = 0;

	for (int n = 0; n < 64; n++)
		if (allowed >> n & 1)
			nth[k++] = n;
	for (int n = 0; n < 64 && w; n++)
		if (user >> n & 1)
			out |= 1ULL << nth[n % w];
	return out;
}

/* mpol_set_nodemask: the nodes in effect, from the allowed ones. */
int mpol_set_nodemask(struct sys_ctx *x, struct mempolicy *pol, uint64_t nodes)
{
	uint64_t allowed = node_mask_all(x->m), eff;

	if (!pol || pol->mode == MM_MPOL_LOCAL)
		return 0;
	if (pol->flags & MM_MPOL_F_RELATIVE_NODES)
		eff = relative_nodes(nodes, allowed);
	else
		eff = nodes & allowed;
	if (pol->flags & (MM_MPOL_F_STATIC_NODES | MM_MPOL_F_RELATIVE_NODES))
		pol->user_nodemask = nodes;
	if (!eff)
		return sys_fail(x, -EINVAL, "no node of the nodemask is online (nodes 0-%d)",
				x->m->nr_nodes - 1);
	if (pol->mode == MM_MPOL_PREFERRED)
		eff &= -eff;	/* the first node only */
	pol->nodes = eff;
	pol->nr_nodes = __builtin_popcountll(eff);
	return 0;
}

/* mode, flags and nodes of a call into a new policy (NULL: default). */
static int mpol_from_call(struct sys_ctx *x, const struct mm_call *c, int *mode, uint64_t *nodes,
			  struct mempolicy **pol)
{
	unsigned flags;
	int err;

	*pol = NULL;
	err = sanitize_mpol_flags(x, c->mode, mode, &flags);
	if (!err)
		err = get_nodes(x, c, nodes);
	if (!err)
		err = mpol_new(x, *mode, flags, *nodes, pol);
	return err;
}

/* ---- set_mempolicy ---- */

int sys_set_mempolicy(struct sys_ctx *x, const struct mm_call *c)
{
	struct mempolicy *pol;
	uint64_t nodes;
	int mode, err;

	err = mpol_from_call(x, c, &mode, &nodes, &pol);
	if (err)
		return err;
	err = mpol_set_nodemask(x, pol, nodes);
	if (err) {
		mpol_put(pol);
		return err;
	}
	/* the task's numa_policy object: mpol_new's, then the old one's __mpol_put */
	if (pol) {
		uint32_t slab = kmem_cache_alloc(x->m, KMEM_NUMA_POLICY, -1);

		if (x->t->has_pid_objs & 4)
			kmem_cache_free(x->m, KMEM_NUMA_POLICY, x->t->pol_slab);
		x->t->pol_slab = slab;
		x->t->has_pid_objs |= 4;
	} else if (x->t->has_pid_objs & 4) {
		kmem_cache_free(x->m, KMEM_NUMA_POLICY, x->t->pol_slab);
		x->t->has_pid_objs &= (uint8_t)~4;
	}
	mpol_put(x->t->mempolicy);
	x->t->mempolicy = pol;
	if (pol && (pol->mode == MM_MPOL_INTERLEAVE || pol->mode == MM_MPOL_WEIGHTED_INTERLEAVE)) {
		x->t->il_prev = MAX_NUMNODES - 1;
		x->t->il_weight = 0;
	}
	return 0;
}

/* ---- get_mempolicy ---- */

/* The node that addr's page is on, faulting it in for reading (lookup_node's GUP). */
static int lookup_node(struct sys_ctx *x, struct vm_area_struct *vma, uint64_t addr)
{
	uint64_t pfn;
	pte_t *pte, *pmd;
	int err = 0;

	addr &= ~(MM_PAGE_SIZE - 1);
	if (!(vma->vm_flags & (MM_VM_READ | MM_VM_WRITE | MM_VM_EXEC)))
		return sys_fail(x, -EFAULT, "the page at %#llx cannot be read", (unsigned long long)addr);
	err = touch_range(x->m, x->t, addr, 1, 0, x->why, x->whylen);
	if (err)
		return err;
	pmd = pmd_lookup(x->m, x->mm, addr, 0, &err);
	if (pmd && pmd_trans_huge(*pmd)) {
		pfn = pte_pfn(*pmd) + ((addr >> MM_PAGE_SHIFT) & 511);
	} else {
		pte = pte_lookup(x->m, x->mm, addr, 0, &err);
		if (!pte || !pte_present(*pte))
			return sys_fail(x, -EFAULT, "no page at %#llx", (unsigned long long)addr);
		pfn = pte_pfn(*pte);
	}
	return pfn_zone(x->m, pfn) ? pfn_zone(x->m, pfn)->nid : 0;
}

/* next_node_in: the next node of nodes after n, wrapping; MAX_NUMNODES if none. */
static int next_node_in(int n, uint64_t nodes)
{
	uint64_t above = n + 1 < 64 ? nodes & (~0ULL << (n + 1)) : 0;

	if (above)
		return __builtin_ctzll(above);
	return nodes ? __builtin_ctzll(nodes) : MAX_NUMNODES;
}

int sys_get_mempolicy(struct sys_ctx *x, const struct mm_call *c, int *policy, uint64_t *out)
{
	unsigned long flags = (unsigned long)c->flags;
	const struct mempolicy *pol = NULL;
	int want_mask = (c->advice & 2) != 0;
	uint64_t copy;

	if (want_mask && c->maxnode < (uint64_t)x->m->nr_nodes)
		return sys_fail(x, -EINVAL, "maxnode %llu is below the %d nodes",
				(unsigned long long)c->maxnode, x->m->nr_nodes);
	if (flags & ~(unsigned long)(MM_MPOL_F_NODE | MM_MPOL_F_ADDR | MM_MPOL_F_MEMS_ALLOWED))
		return sys_fail(x, -EINVAL, "unknown get_mempolicy flags %#lx", flags);
	if (flags & MM_MPOL_F_MEMS_ALLOWED) {
		if (flags & (MM_MPOL_F_NODE | MM_MPOL_F_ADDR))
			return sys_fail(x, -EINVAL, "MPOL_F_MEMS_ALLOWED goes alone");
		*policy = 0;
		*out = node_mask_all(x->m);
		goto copy_out;
	}
	if (flags & MM_MPOL_F_ADDR) {
		struct vm_area_struct *vma = vma_lookup(x->mm, c->addr);
		uint64_t ilx;

		if (!vma)
			return sys_fail(x, -EFAULT, "no mapping at %#llx", (unsigned long long)c->addr);
		pol = __get_vma_policy(vma, c->addr, &ilx);	/* the VMA's or its object's, not the task's */
		if (flags & MM_MPOL_F_NODE) {
			int nid = lookup_node(x, vma, c->addr);

			if (nid < 0)
				return nid;
			*policy = nid;
			goto nodes;
		}
	} else if (c->addr) {
		return sys_fail(x, -EINVAL, "an address needs MPOL_F_ADDR");
	} else {
		pol = x->t->mempolicy;
	}
	if (flags & MM_MPOL_F_NODE) {
		/* MPOL_F_NODE alone: the next node of the task's interleave */
		if (pol && pol->mode == MM_MPOL_INTERLEAVE)
			*policy = next_node_in(x->t->il_prev, pol->nodes);
		else if (pol && pol->mode == MM_MPOL_WEIGHTED_INTERLEAVE)
			*policy = x->t->il_weight ? x->t->il_prev : next_node_in(x->t->il_prev, pol->nodes);
		else
			return sys_fail(x, -EINVAL, "MPOL_F_NODE needs an interleave task policy or MPOL_F_ADDR");
	} else {
		*policy = pol ? pol->mode | (pol->flags & MM_MPOL_MODE_FLAGS) : MM_MPOL_DEFAULT;
	}
nodes:
	if (!pol)
		*out = 0;
	else if (pol->flags & (MM_MPOL_F_STATIC_NODES | MM_MPOL_F_RELATIVE_NODES))
		*out = pol->user_nodemask;
	else
		*out = pol->mode == MM_MPOL_LOCAL ? 0 : pol->nodes;
copy_out:
	/* copy_nodes_to_user: past nr_node_ids the user's words are cleared, at most a page */
	copy = ((c->maxnode - 1 + 63) & ~63ULL) / 8;
	if (want_mask && copy > ((uint64_t)x->m->nr_nodes + 63) / 64 * 8 && copy > MM_PAGE_SIZE)
		return sys_fail(x, -EINVAL, "maxnode %llu is more than a page of bits",
				(unsigned long long)c->maxnode);
	if (!copy)
		*out = 0;	/* maxnode 1: not a word is copied out */
	return 0;
}
