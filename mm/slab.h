/* SPDX-License-Identifier: MIT */
/*
 * slab.h - the slab allocator (kernel: mm/slub.c, mm/slab.h, slab_common.c).
 *
 * The model's kernel objects (struct task, mm_struct, VMAs ...) are C
 * structures in the arena; this layer is their *accounting* as SLUB would
 * place them: each kmem_cache cuts slabs of 2^order buddy pages (Unmovable,
 * or Reclaimable for SLAB_RECLAIM_ACCOUNT caches) into objs_per_slab slots,
 * so the memory is really taken from the buddy allocator, fragments it as
 * Linux's unmovable allocations do, and shows in meminfo Slab and
 * /proc/slabinfo. An object is a *handle*: the pfn of the slab it sits in
 * (0: not accounted, see kmem_cache_alloc). The caller keeps the handle and
 * gives it back to kmem_cache_free; nothing else is stored per object, so a
 * million VMAs cost 4 bytes each of host memory here.
 *
 * A slab's state lives in its head struct page (as struct slab overlays
 * struct page): PG_slab on every page, index = the cache id, private =
 * objects in use, lru = its place on its node's partial or full list.
 * No per-CPU slabs: the head of the node's partial list plays the CPU
 * slab (allocation takes from it first, a full slab leaves the list, a
 * slab that becomes partial again goes to the tail, an empty one is given
 * back to the buddy allocator once the node keeps min_partial partial
 * slabs), so slabinfo's active_objs is exact.
 *
 * All functions expect m->lock held.
 */
#ifndef MM_SLAB_H
#define MM_SLAB_H

#include <stdint.h>
#include <string.h>

#include "list.h"

struct machine;
struct rbuf_lite;

/* s->flags (kernel: slab_flags_t bits of the same names) */
#define SLAB_HWCACHE_ALIGN	0x1u
#define SLAB_RECLAIM_ACCOUNT	0x2u	/* slabs are Reclaimable: NR_SLAB_RECLAIMABLE, SReclaimable */
#define SLAB_TYPESAFE_BY_RCU	0x4u	/* sysfs destroy_by_rcu */
#define SLAB_ACCOUNT		0x8u	/* every object is memcg-charged: the events' accounted=true */

/*
 * The caches, in the order Linux 6.18 creates them at boot (slabinfo lists
 * the newest first): the kmalloc caches (96 and 192 before the powers of
 * two, as create_kmalloc_caches makes them), the kmalloc-cg ones
 * (__GFP_ACCOUNT requests) in the same order, then the named ones.
 *
 * Merging: Linux merges a new cache into an older one of the same size and
 * flags; the merged cache keeps the older one's name (slabinfo, the trace
 * events' name=) and the newer names become sysfs aliases. The model has
 * one cache per merged group that holds a modelled object, named as the
 * host names it: KMEM_FTRACE_EVENT_FIELD is where zswap_entry and zspage
 * objects go (56 bytes; ftrace_event_field is the group's oldest name),
 * KMEM_PID holds the struct pid and struct cred objects (cred is its
 * alias). See doc/slab.md.
 */
enum kmem_cache_id {
	KMALLOC_96, KMALLOC_192, KMALLOC_8, KMALLOC_16, KMALLOC_32, KMALLOC_64,
	KMALLOC_128, KMALLOC_256, KMALLOC_512, KMALLOC_1K, KMALLOC_2K, KMALLOC_4K, KMALLOC_8K,
	KMALLOC_CG_96, KMALLOC_CG_192, KMALLOC_CG_8, KMALLOC_CG_16, KMALLOC_CG_32, KMALLOC_CG_64,
	KMALLOC_CG_128, KMALLOC_CG_256, KMALLOC_CG_512, KMALLOC_CG_1K, KMALLOC_CG_2K,
	KMALLOC_CG_4K, KMALLOC_CG_8K,
	KMEM_MM_STRUCT, KMEM_RADIX_TREE_NODE, KMEM_FTRACE_EVENT_FIELD, KMEM_NUMA_POLICY,
	KMEM_SHARED_POLICY_NODE, KMEM_PID, KMEM_ANON_VMA, KMEM_ANON_VMA_CHAIN,
	KMEM_TASK_STRUCT, KMEM_FILES_CACHE, KMEM_VM_AREA_STRUCT, KMEM_DENTRY, KMEM_FILP,
	KMEM_SHMEM_INODE, KMEM_EXT4_INODE,
	NR_KMEM_CACHES
};
#define NR_KMALLOC_SIZES	(KMALLOC_8K + 1)

/* A cache's geometry: fixed, the values the host's /sys/kernel/slab shows. */
struct kmem_cache_info {
	const char *name;
	unsigned object_size;	/* bytes the object needs (sysfs object_size) */
	unsigned size;		/* bytes a slot takes (slab_size; slabinfo objsize) */
	unsigned align;		/* sysfs align */
	unsigned order;		/* slab = 2^order pages */
	unsigned flags;		/* SLAB_* */
	unsigned min_partial;	/* empty slabs a node keeps (kernel: s->min_partial) */
	unsigned cpu_partial;	/* sysfs cpu_partial (no per-CPU lists here) */
	unsigned usersize;	/* sysfs usersize */
	const char *ctor;	/* sysfs ctor line, "" for none */
	const char *alias;	/* the merged-in cache the model has objects of (sysfs dir), or NULL */
};
extern const struct kmem_cache_info kmem_cache_info[NR_KMEM_CACHES];

static inline unsigned oo_objects(const struct kmem_cache_info *ci)
{
	return (4096u << ci->order) / ci->size;
}

/* One node's slabs of a cache (kernel: struct kmem_cache_node). */
struct kmem_cache_node {
	struct list_head partial;	/* slabs with free slots (empty ones too), head first */
	struct list_head full;		/* slabs with none (SLUB keeps this list only for debug) */
	uint64_t nr_partial;		/* slabs on partial */
	uint64_t nr_slabs;		/* every slab of this node */
	uint64_t total_objects;		/* nr_slabs * objs_per_slab */
	uint64_t inuse;			/* objects allocated */
	uint64_t partial_inuse;		/* of those, in slabs on partial (sysfs objects_partial) */
	uint64_t pages;			/* pages of all slabs (a fallback slab may be smaller) */
};

/* A cache's state: per node, in the arena (m->slab_caches[id]). */
struct kmem_cache {
	enum kmem_cache_id id;
	uint64_t nr_unaccounted;	/* objects handed out with handle 0 (no memory at all) */
	struct kmem_cache_node node[];	/* [m->nr_nodes] */
};

/* Boot: one kmem_cache per id; slab_exit at shutdown (every slab freed). */
int kmem_cache_init(struct machine *m);
void kmem_cache_exit(struct machine *m);

/*
 * Allocate one object of cache id on node nid (-1: the current task's node,
 * else node 0): the slab's pfn, the handle to free it with. A new slab is
 * taken from the buddy allocator with the cache's gfp (watermark low, then
 * min); failing that with __GFP_HIGH, then at the smallest order that holds
 * one object (SLUB's s->min). Never fails for the caller: when no page at
 * all is left the object is counted in nr_unaccounted and 0 is returned
 * (kmem_cache_free of 0 undoes that). A failed try leaves m->alloc_failed
 * as it found it, so no caller mistakes it for its own failure.
 *
 * These are the points where Linux's kmem_cache_alloc / kmem_cache_free
 * (and kmalloc / kfree for the kmalloc caches) trace events fire.
 */
uint32_t kmem_cache_alloc(struct machine *m, enum kmem_cache_id id, int nid);
void kmem_cache_free(struct machine *m, enum kmem_cache_id id, uint32_t handle);
/*
 * The same, naming the kernel function that allocates or frees (the
 * events' call_site) where one cache serves several kinds of object.
 */
uint32_t kmem_cache_alloc_at(struct machine *m, enum kmem_cache_id id, int nid, const char *site);
void kmem_cache_free_at(struct machine *m, enum kmem_cache_id id, uint32_t handle,
			const char *site);
/*
 * kmalloc(size, gfp): the smallest kmalloc cache that holds size bytes
 * (<= 8 KiB), the kmalloc-cg one when lgfp has LGFP_ACCOUNT
 * (GFP_KERNEL_ACCOUNT), as kmalloc_type picks it. kmalloc_acct fires the
 * kmalloc event (call_site site, bytes_req size), kfree_acct the kfree
 * one; the caller keeps the handle and gives back the same size and lgfp.
 */
enum kmem_cache_id kmalloc_cache(uint64_t size, unsigned long lgfp);
uint32_t kmalloc_acct(struct machine *m, uint64_t size, unsigned long lgfp, int nid,
		      const char *site);
void kfree_acct(struct machine *m, uint64_t size, unsigned long lgfp, uint32_t handle,
		const char *site);

/*
 * kmem_cache_shrink (sysfs CACHE/shrink): every node's empty slabs freed,
 * the fullest partial ones first on the list; the pages freed.
 */
uint64_t kmem_cache_shrink(struct machine *m, enum kmem_cache_id id);
/* A write to sys/kernel/slab/CACHE/ATTR (path "CACHE/ATTR"), locking m: 0 or -errno (slub_sysfs.c). */
int slab_sysfs_write(struct machine *m, const char *path, const char *buf, size_t len);

/* The node a slab handle sits on (-1 for 0). */
int slab_nid(struct machine *m, uint32_t handle);

/* The snapshot of every cache (snapshot.h): NR_KMEM_CACHES entries, node[id * nr_nodes + nid]. */
struct mm_slab_snap;
struct mm_slab_node_snap;
int slab_snap_fill(struct machine *m, struct mm_slab_snap *out, struct mm_slab_node_snap *node);

/* check: every slab's page flags, counts and lists against the totals and meminfo. */
int slab_check(struct machine *m, struct rbuf_lite *out);
/* check: the pid, files_cache, numa_policy ... objects against the model's structures. */
int slab_objs_check(struct machine *m, struct rbuf_lite *out);

/* ---- the radix_tree_node objects of a page cache (slub_xa.c) ---- */
struct address_space;
/*
 * Bring the xarray nodes charged to as in line with its entries (pages and
 * shadows): see slub_xa.c for how their number is derived.
 */
void xa_nodes_update(struct address_space *as);
/* The number of nodes an xarray of n entries packed from index 0 needs. */
uint64_t xa_nodes_for(uint64_t n);

/* ---- the dentries and inodes of files/ and their shrinker (slub_shrink.c) ---- */
struct file_ref;
/* i_state bits (kernel: inode->i_state, dentry->d_flags) */
#define I_CACHED	0x1u	/* the in-core inode exists (its object is inode->slab) */
#define D_CACHED	0x2u	/* its dentry exists (inode->dentry_slab) */
#define D_REFERENCED	0x4u	/* DCACHE_REFERENCED: the LRU walk rotates it once */
#define I_REFERENCED	0x8u
#define I_SHMEM		0x10u	/* the object is a shmem_inode_cache one (/dev/shm) */
#define F_FILP		0x20u	/* an open file of files/ (file.c): slab is its filp, inode its table entry */
void icache_init(struct machine *m);
/* An open file of inode is made / freed (its filp is the caller's). */
void icache_get(struct machine *m, struct file_ref *inode);
void icache_put(struct machine *m, struct file_ref *inode);
/* as lost its last page (xa_nodes_update calls it). */
void icache_pages_gone(struct address_space *as);
/*
 * shrink_slab (kernel: mm/shrinker.c) on node nid at priority: the objects
 * the super block shrinker freed. kswapd: whose inodesteal counter moves.
 */
uint64_t shrink_slab(struct machine *m, int nid, int priority, int kswapd);
/* drop_caches 2 (kernel: drop_slab). */
void drop_slab(struct machine *m);
/* Shutdown: every dentry and inode object of the inode table back. */
void icache_release_all(struct machine *m);

#endif
