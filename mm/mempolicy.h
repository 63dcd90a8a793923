/* SPDX-License-Identifier: MIT */
/*
 * mempolicy.h - NUMA memory policies (kernel: include/linux/mempolicy.h,
 * mm/mempolicy.c).
 *
 * A policy says where the pages of a task (set_mempolicy) or of a range of
 * its address space (mbind) come from. A VMA without a policy of its own
 * follows its task's; a task without one allocates on its local node (the
 * node of its CPU, task_node()).
 *
 * Policies are immutable once made and shared by reference: a split VMA, a
 * forked child and a merged neighbour hold the same object (Linux copies
 * them with mpol_dup, but only cpuset rebinding ever changes a policy in
 * place, and the model has no cpusets). refcnt counts the VMAs and tasks
 * that point at it; the checker (check_mm.c) recounts them.
 *
 * Every function expects the machine lock held.
 */
#ifndef MM_MEMPOLICY_H
#define MM_MEMPOLICY_H

#include <stdint.h>

#include "uapi.h"

struct machine;
struct task;
struct mm_struct;
struct vm_area_struct;
struct page;
struct sys_ctx;
struct mm_call;

struct mempolicy {
	int refcnt;			/* VMAs and tasks holding it */
	uint16_t mode;			/* MM_MPOL_*, never DEFAULT (that is "no policy") */
	uint16_t flags;			/* MM_MPOL_F_STATIC/RELATIVE/NUMA_BALANCING as given */
	uint64_t nodes;			/* the nodes in effect (bit n = node n); 0 for LOCAL */
	uint64_t user_nodemask;		/* the nodes as given, kept for STATIC/RELATIVE */
	int nr_nodes;			/* nodes_weight(nodes), kept for interleave_nid's fault path */
};

/* Take / drop a reference; NULL is the default policy and is ignored. */
struct mempolicy *mpol_get(struct mempolicy *pol);
void mpol_put(struct mempolicy *pol);
/* Same mode, flags and nodes (kernel: __mpol_equal); two NULLs are equal. */
int mpol_equal(const struct mempolicy *a, const struct mempolicy *b);

/*
 * Linux's text for a policy, as numa_maps prints it (mpol_to_str):
 * "default", "local", "bind:0-1", "interleave=static:1", "prefer (many):0-1".
 */
void mpol_to_str(char *buf, size_t len, const struct mempolicy *pol);

/* The policy at vma's start (its own or its shmem object's, else its task's; NULL = default): numa_maps'. */
struct mempolicy *vma_effective_policy(const struct task *t, const struct vm_area_struct *vma);

/*
 * Allocate 2^order user pages for addr of vma under the policy in force
 * (kernel: vma_alloc_folio -> alloc_pages_mpol). The task is m->cur_task
 * (NULL: a host process, node 0, default policy).
 */
struct page *vma_alloc_pages(struct machine *m, unsigned gfp, unsigned order,
			     struct vm_area_struct *vma, uint64_t addr);
/* Allocate for the task policy alone, no VMA (page cache: alloc_pages with NO_INTERLEAVE_INDEX). */
struct page *alloc_pages_task_policy(struct machine *m, unsigned gfp, unsigned order);

/* fork: the child shares the parent's task policy (dup_task_struct's mpol_dup). */
void mpol_fork(struct task *child, const struct task *parent);
/* A task goes: drop its policy. */
void mpol_task_exit(struct task *t);

/* The system calls (syscall.c dispatches them; x->t is the caller). */
int sys_set_mempolicy(struct sys_ctx *x, const struct mm_call *c);
int sys_mbind(struct sys_ctx *x, const struct mm_call *c);
/* *policy and *nodes as the kernel would store them into user memory. */
int sys_get_mempolicy(struct sys_ctx *x, const struct mm_call *c, int *policy, uint64_t *nodes);

/*
 * THE migration seam: mbind with MPOL_MF_MOVE / MPOL_MF_MOVE_ALL moves the
 * pages of [start, end) that are not on a node of nodes (queue_pages_range's
 * choice) to the node the range's new policy gives them (mpol_target_node),
 * through mm/migrate.c's migrate_range. Returns the pages that could not
 * be moved.
 */
/*
 * The node a new page at addr of vma would come from under the policy in
 * force for task t (alloc_migration_target_by_mpol's choice): the
 * interleave node of its index, the preferred node, BIND's nearest node.
 */
int mpol_target_node(struct machine *m, struct task *t, struct vm_area_struct *vma, uint64_t addr);
int mbind_migrate_range(struct machine *m, struct task *t, uint64_t start, uint64_t end,
			uint64_t nodes, unsigned flags);

/* weighted_interleave/nodeN (sysfs): 1..255, default 1. */
int mpol_wi_weight(const struct machine *m, int nid);

/* Inside mempolicy*.c: the kernel's steps of building a policy from a call. */
uint64_t node_mask_all(const struct machine *m);	/* every node: mems_allowed */
int sanitize_mpol_flags(struct sys_ctx *x, int32_t arg, int *mode, unsigned *flags);
int get_nodes(struct sys_ctx *x, const struct mm_call *c, uint64_t *nodes);
int mpol_new(struct sys_ctx *x, int mode, unsigned flags, uint64_t nodes, struct mempolicy **pol);
int mpol_set_nodemask(struct sys_ctx *x, struct mempolicy *pol, uint64_t nodes);

/*
 * Shared policies (mempolicy_shared.c; kernel: struct shared_policy,
 * mpol_set_shared_policy, mpol_shared_policy_lookup). A shmem object -- a
 * shared anonymous mapping's, a System V segment's, a /dev/shm file --
 * keeps its policy per range of page offsets, not per VMA: mbind on any
 * mapping of it sets [vm_pgoff, vm_pgoff + pages) of the object's ranges
 * (every process mapping it sees the change), and a new page of the
 * object at index idx follows the range holding idx, else the allocating
 * task's policy, interleaving by i_ino + idx (shmem_get_pgoff_policy).
 * The ranges live as long as the object (freed with its pages,
 * filemap_release: shmem_evict_inode's mpol_free_shared_policy).
 */
struct file_ref;
struct sp_node {
	struct sp_node *next;		/* the next range up */
	uint64_t start, end;		/* [start, end) in pages of the object */
	struct mempolicy *policy;	/* one reference */
	/*
	 * slab.h: Linux's sp_node (shared_policy_node) and the policy copy it
	 * owns (numa_policy; here policy may be shared with a neighbour)
	 */
	struct machine *m;
	uint32_t slab, pol_slab;
};

/* The shmem object whose shared policy a VMA's mbind sets (vm_ops->set_policy), or NULL. */
struct file_ref *vma_shared_policy_object(const struct vm_area_struct *vma);
/* The policy of page idx of obj (NULL: none), no reference taken. */
struct mempolicy *mpol_shared_policy_lookup(const struct file_ref *obj, uint64_t idx);
/* Set [start, start + nr) of obj to pol (NULL deletes): shared_policy_replace. 0 or -ENOMEM. */
int mpol_set_shared_policy(struct machine *m, struct file_ref *obj, uint64_t start, uint64_t nr,
			   struct mempolicy *pol);
/* The object goes: drop every range. */
void mpol_free_shared_policy(struct file_ref *obj);
/*
 * __get_vma_policy: the policy vma itself has at addr (a shmem VMA's
 * shared range, else vm_policy; NULL: none), *ilx its interleave bias
 * (the object's inode number, else 0).
 */
struct mempolicy *__get_vma_policy(const struct vm_area_struct *vma, uint64_t addr, uint64_t *ilx);
/* A new page (2^order) at index of shmem object obj (shmem_alloc_folio). */
struct page *alloc_pages_shmem(struct machine *m, unsigned gfp, unsigned order,
			       struct file_ref *obj, uint64_t index);

/*
 * huge_node: where a hugetlb page for addr of vma comes from under the
 * policy in force (the VMA's, else the task's; interleave by 2 MiB index):
 * the first node (the return), and *nodemask the nodes it may come from
 * (0: any; BIND's and PREFERRED_MANY's nodes). *many: PREFERRED_MANY,
 * whose nodes are tried first and then every node.
 */
int huge_node(struct machine *m, struct vm_area_struct *vma, uint64_t addr, uint64_t *nodemask,
	      int *many);

/* mempolicy_check.c (check_mm.c calls it): refcounts and fields, one line per problem. */
struct rbuf_lite;
int mpol_check(struct machine *m, struct rbuf_lite *out);

#endif
