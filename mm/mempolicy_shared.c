// SPDX-License-Identifier: MIT
/*
 * mempolicy_shared.c - shared policies of shmem objects (kernel:
 * mm/mempolicy.c's shared_policy, sp_lookup, shared_policy_replace,
 * mpol_set_shared_policy, mpol_shared_policy_lookup,
 * mpol_free_shared_policy; mm/shmem.c's shmem_set_policy,
 * shmem_get_policy, shmem_get_pgoff_policy).
 *
 * The kernel keeps the ranges in an rb-tree; here they are a list sorted
 * by start (an object has a handful of ranges: one per mbind that did
 * not cover an earlier one). The semantics are the tree's:
 *
 *   - setting [s, e) cuts every range it meets: a range inside goes, one
 *     sticking out keeps the part outside, one covering [s, e) with room
 *     on both sides becomes two (the upper half shares its policy);
 *   - ranges are never merged, even when equal neighbours meet;
 *   - a range holds its own copy of the caller's policy (sp_alloc's
 *     mpol_dup), which the VMA's vm_policy does not share.
 *
 * Every object with ranges is on m->shared_policies, so that the checker
 * can count the policies' holders.
 */
#include "internal.h"
#include "filemap.h"
#include "mempolicy.h"
#include "vma.h"

struct file_ref *vma_shared_policy_object(const struct vm_area_struct *vma)
{
	struct file_ref *obj;

	/* shmem_vm_ops, shmem_anon_vm_ops, shm_vm_ops over shmem; hugetlb_vm_ops has none */
	if (!vma->vm_file || (vma->vm_flags & MM_VM_HUGETLB))
		return NULL;
	obj = file_inode(vma->vm_file);
	return shmem_mapping(obj) ? obj : NULL;
}

struct mempolicy *mpol_shared_policy_lookup(const struct file_ref *obj, uint64_t idx)
{
	for (const struct sp_node *n = obj->sp_root; n && n->start <= idx; n = n->next)
		if (idx < n->end)
			return n->policy;
	return NULL;
}

/* sp_alloc: the node from sn_cache, its policy copy (mpol_dup) from policy_cache. */
static struct sp_node *sp_alloc(struct machine *m, uint64_t start, uint64_t end,
				struct mempolicy *pol)
{
	struct sp_node *n = kmalloc(sizeof(*n));

	if (!n)
		return NULL;
	n->m = m;
	n->slab = kmem_cache_alloc(m, KMEM_SHARED_POLICY_NODE, -1);
	n->pol_slab = kmem_cache_alloc_at(m, KMEM_NUMA_POLICY, -1, "__mpol_dup");
	n->next = NULL;
	n->start = start;
	n->end = end;
	n->policy = mpol_get(pol);
	return n;
}

/* mpol_dup: a copy of pol of its own (refcnt 1). */
static struct mempolicy *mpol_dup(const struct mempolicy *pol)
{
	struct mempolicy *copy = kmalloc(sizeof(*copy));

	if (copy) {
		*copy = *pol;
		copy->refcnt = 1;
	}
	return copy;
}

static void sp_free(struct sp_node *n)
{
	kmem_cache_free(n->m, KMEM_NUMA_POLICY, n->pol_slab);
	kmem_cache_free(n->m, KMEM_SHARED_POLICY_NODE, n->slab);
	mpol_put(n->policy);
	kfree(n);
}

int mpol_set_shared_policy(struct machine *m, struct file_ref *obj, uint64_t start, uint64_t nr,
			   struct mempolicy *pol)
{
	uint64_t end = start + nr;
	struct sp_node *new = NULL, *tail = NULL, **pp;
	struct mempolicy *copy;

	/* allocate first: a failure leaves the ranges as they were */
	if (pol) {
		copy = mpol_dup(pol);
		new = copy ? sp_alloc(m, start, end, copy) : NULL;
		mpol_put(copy);
		if (!new)
			return -ENOMEM;
	}
	for (struct sp_node *n = obj->sp_root; n; n = n->next)
		if (n->start < start && n->end > end) {
			tail = sp_alloc(m, end, n->end, n->policy);	/* the upper half */
			if (!tail) {
				if (new)
					sp_free(new);
				return -ENOMEM;
			}
			break;
		}
	pp = &obj->sp_root;
	while (*pp && (*pp)->start < end) {
		struct sp_node *n = *pp;

		if (n->end <= start) {
			pp = &n->next;
		} else if (n->start >= start && n->end <= end) {
			*pp = n->next;		/* inside: goes */
			sp_free(n);
		} else if (n->start >= start) {
			n->start = end;		/* sticks out above: keeps its upper part */
			break;
		} else {
			n->end = start;		/* sticks out below (and maybe above: tail) */
			pp = &n->next;
		}
	}
	/* *pp is the first range at or above end: new, then tail, go before it */
	if (tail) {
		tail->next = *pp;
		*pp = tail;
	}
	if (new) {
		new->next = *pp;
		*pp = new;
	}
	if (obj->sp_root && !obj->sp_link.next)
		list_add_tail(&obj->sp_link, &m->shared_policies);
	else if (!obj->sp_root && obj->sp_link.next)
		mpol_free_shared_policy(obj);
	return 0;
}

void mpol_free_shared_policy(struct file_ref *obj)
{
	while (obj->sp_root) {
		struct sp_node *n = obj->sp_root;

		obj->sp_root = n->next;
		sp_free(n);
	}
	if (obj->sp_link.next) {
		list_del(&obj->sp_link);
		obj->sp_link.next = obj->sp_link.prev = NULL;
	}
}

struct mempolicy *__get_vma_policy(const struct vm_area_struct *vma, uint64_t addr, uint64_t *ilx)
{
	const struct file_ref *obj;

	*ilx = 0;
	if (!vma)
		return NULL;
	obj = vma_shared_policy_object(vma);
	if (!obj)
		return vma->vm_policy;
	/* shmem_get_policy: biased by the inode number, looked up by page offset */
	*ilx = obj->ino;
	if (!obj->sp_root)
		return NULL;
	return mpol_shared_policy_lookup(obj, linear_page_index(vma, addr));
}
