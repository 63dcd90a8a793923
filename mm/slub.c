// SPDX-License-Identifier: MIT
/*
 * slub.c - the slab allocator's accounting (kernel: mm/slub.c).
 *
 * See slab.h for the model: objects are handles (their slab's pfn), slabs
 * are real buddy blocks whose head struct page carries the slab's state.
 *
 *   page->flags    PG_slab on every page of the slab
 *   page->index    the cache id (head page)
 *   page->private  objects in use (low 32 bits) and the slab's order (high
 *                  32 bits: a fallback slab may be smaller than the cache's)
 *   page->lru      on its node's partial list (0 < inuse < objs, or empty
 *                  and kept) or full list (inuse == objs)
 */
#include <errno.h>
#include <string.h>

#include "internal.h"
#include "arena.h"
#include "page_alloc.h"
#include "slab.h"
#include "task.h"
#include "trace.h"
#include "page_owner.h"
#include "arena.h"
#include "vmstat.h"

/*
 * The host's values (Linux 6.18 x86-64, /sys/kernel/slab/NAME): object
 * size, slot size, align, order. min_partial is SLUB's
 * clamp(ilog2(size) / 2, 5, 10).
 */
#define KM(n, sz, al, ord, mp, cp)	{ n, sz, sz, al, ord, 0, mp, cp, sz, "", NULL }
#define KMCG(n, sz, al, ord, mp, cp)	{ n, sz, sz, al, ord, SLAB_ACCOUNT, mp, cp, sz, "", NULL }
const struct kmem_cache_info kmem_cache_info[NR_KMEM_CACHES] = {
	[KMALLOC_96]  = KM("kmalloc-96", 96, 32, 0, 5, 120),
	[KMALLOC_192] = KM("kmalloc-192", 192, 64, 0, 5, 120),
	[KMALLOC_8]   = KM("kmalloc-8", 8, 8, 0, 5, 120),
	[KMALLOC_16]  = KM("kmalloc-16", 16, 16, 0, 5, 120),
	[KMALLOC_32]  = KM("kmalloc-32", 32, 32, 0, 5, 120),
	[KMALLOC_64]  = KM("kmalloc-64", 64, 64, 0, 5, 120),
	[KMALLOC_128] = KM("kmalloc-128", 128, 128, 0, 5, 120),
	[KMALLOC_256] = KM("kmalloc-256", 256, 256, 0, 5, 52),
	[KMALLOC_512] = KM("kmalloc-512", 512, 512, 1, 5, 52),
	[KMALLOC_1K]  = KM("kmalloc-1k", 1024, 1024, 2, 5, 24),
	[KMALLOC_2K]  = KM("kmalloc-2k", 2048, 2048, 3, 5, 24),
	[KMALLOC_4K]  = KM("kmalloc-4k", 4096, 4096, 3, 6, 6),
	[KMALLOC_8K]  = KM("kmalloc-8k", 8192, 8192, 3, 6, 6),
	/* KMALLOC_CGROUP: the same geometry; objects charged (SLAB_ACCOUNT) */
	[KMALLOC_CG_96]  = KMCG("kmalloc-cg-96", 96, 32, 0, 5, 120),
	[KMALLOC_CG_192] = KMCG("kmalloc-cg-192", 192, 64, 0, 5, 120),
	[KMALLOC_CG_8]   = KMCG("kmalloc-cg-8", 8, 8, 0, 5, 120),
	[KMALLOC_CG_16]  = KMCG("kmalloc-cg-16", 16, 16, 0, 5, 120),
	[KMALLOC_CG_32]  = KMCG("kmalloc-cg-32", 32, 32, 0, 5, 120),
	[KMALLOC_CG_64]  = KMCG("kmalloc-cg-64", 64, 64, 0, 5, 120),
	[KMALLOC_CG_128] = KMCG("kmalloc-cg-128", 128, 128, 0, 5, 120),
	[KMALLOC_CG_256] = KMCG("kmalloc-cg-256", 256, 256, 0, 5, 52),
	[KMALLOC_CG_512] = KMCG("kmalloc-cg-512", 512, 512, 1, 5, 52),
	[KMALLOC_CG_1K]  = KMCG("kmalloc-cg-1k", 1024, 1024, 2, 5, 24),
	[KMALLOC_CG_2K]  = KMCG("kmalloc-cg-2k", 2048, 2048, 3, 5, 24),
	[KMALLOC_CG_4K]  = KMCG("kmalloc-cg-4k", 4096, 4096, 3, 6, 6),
	[KMALLOC_CG_8K]  = KMCG("kmalloc-cg-8k", 8192, 8192, 3, 6, 6),
	[KMEM_MM_STRUCT] = { "mm_struct", 1568, 1600, 64, 3, SLAB_HWCACHE_ALIGN | SLAB_ACCOUNT, 5, 24,
			     448, "",
			     NULL },
	[KMEM_RADIX_TREE_NODE] = { "radix_tree_node", 576, 584, 8, 1, SLAB_RECLAIM_ACCOUNT, 5, 52,
				   0, "radix_tree_node_ctor+0x0/0x50", NULL },
	/* the 56-byte group zswap_entry (and zspage-zswapN) merge into at boot */
	[KMEM_FTRACE_EVENT_FIELD] = { "ftrace_event_field", 56, 56, 8, 0, 0, 5, 120, 0, "",
				      "zswap_entry" },
	[KMEM_NUMA_POLICY] = { "numa_policy", 288, 288, 8, 0, 0, 5, 52, 0, "", NULL },
	[KMEM_SHARED_POLICY_NODE] = { "shared_policy_node", 48, 48, 8, 0, 0, 5, 120, 0, "", NULL },
	/* cred_jar ("cred") merges into pid */
	[KMEM_PID] = { "pid", 184, 192, 64, 0, SLAB_HWCACHE_ALIGN | SLAB_ACCOUNT, 5, 120, 0, "",
		       "cred" },
	[KMEM_ANON_VMA] = { "anon_vma", 96, 104, 8, 0, SLAB_TYPESAFE_BY_RCU | SLAB_ACCOUNT, 5, 120, 0,
			    "anon_vma_ctor+0x0/0x50", NULL },
	[KMEM_ANON_VMA_CHAIN] = { "anon_vma_chain", 64, 64, 8, 0, SLAB_ACCOUNT, 5, 120, 0, "", NULL },
	[KMEM_TASK_STRUCT] = { "task_struct", 5824, 5824, 64, 3, SLAB_ACCOUNT, 6, 6, 2432, "", NULL },
	[KMEM_FILES_CACHE] = { "files_cache", 704, 704, 64, 2, SLAB_HWCACHE_ALIGN | SLAB_ACCOUNT, 5,
			       52, 0, "", NULL },
	[KMEM_VM_AREA_STRUCT] = { "vm_area_struct", 192, 192, 64, 0,
				  SLAB_HWCACHE_ALIGN | SLAB_TYPESAFE_BY_RCU | SLAB_ACCOUNT, 5, 120, 0,
				  "", NULL },
	[KMEM_DENTRY] = { "dentry", 192, 192, 8, 0, SLAB_RECLAIM_ACCOUNT | SLAB_ACCOUNT, 5, 120, 40,
			  "", NULL },
	[KMEM_FILP] = { "filp", 184, 192, 64, 0,
			SLAB_HWCACHE_ALIGN | SLAB_TYPESAFE_BY_RCU | SLAB_ACCOUNT, 5, 120,
			0, "", NULL },
	[KMEM_SHMEM_INODE] = { "shmem_inode_cache", 744, 752, 8, 2, SLAB_ACCOUNT, 5, 52, 0,
			       "shmem_init_inode+0x0/0x10", NULL },
	[KMEM_EXT4_INODE] = { "ext4_inode_cache", 1120, 1128, 8, 2,
				 SLAB_RECLAIM_ACCOUNT | SLAB_ACCOUNT, 5, 24, 60,
			      "init_once+0x0/0x80", NULL },
};

int mm_slab_nr_caches(void)
{
	return NR_KMEM_CACHES;
}

const char *mm_slab_cache_name(int id)
{
	return id >= 0 && id < NR_KMEM_CACHES ? kmem_cache_info[id].name : NULL;
}

const char *mm_slab_cache_alias(int id)
{
	return id >= 0 && id < NR_KMEM_CACHES ? kmem_cache_info[id].alias : NULL;
}

int kmem_cache_init(struct machine *m)
{
	for (int id = 0; id < NR_KMEM_CACHES; id++) {
		struct kmem_cache *s = kzalloc(sizeof(*s) +
					       (size_t)m->nr_nodes * sizeof(s->node[0]));

		if (!s)
			return -ENOMEM;
		s->id = id;
		for (int n = 0; n < m->nr_nodes; n++) {
			INIT_LIST_HEAD(&s->node[n].partial);
			INIT_LIST_HEAD(&s->node[n].full);
		}
		m->slab_caches[id] = s;
	}
	icache_init(m);
	return 0;
}

static void discard_slab(struct machine *m, const struct kmem_cache_info *ci,
			 struct kmem_cache_node *n, struct page *page);

void kmem_cache_exit(struct machine *m)
{
	for (int id = 0; id < NR_KMEM_CACHES; id++) {
		struct kmem_cache *s = m->slab_caches[id];

		if (!s)
			continue;
		for (int nid = 0; nid < m->nr_nodes; nid++) {
			struct kmem_cache_node *n = &s->node[nid];

			while (!list_empty(&n->partial))
				discard_slab(m, &kmem_cache_info[id], n,
					     list_entry(n->partial.next, struct page, lru));
			while (!list_empty(&n->full))
				discard_slab(m, &kmem_cache_info[id], n,
					     list_entry(n->full.next, struct page, lru));
		}
		kfree(s);
		m->slab_caches[id] = NULL;
	}
}

static enum node_stat_item slab_stat(const struct kmem_cache_info *ci)
{
	return (ci->flags & SLAB_RECLAIM_ACCOUNT) ? NR_SLAB_RECLAIMABLE : NR_SLAB_UNRECLAIMABLE;
}

static unsigned slab_gfp(const struct kmem_cache_info *ci)
{
	return (ci->flags & SLAB_RECLAIM_ACCOUNT) ? __GFP_RECLAIMABLE : GFP_KERNEL;
}

/*
 * allocate_slab: the cache's order first, then the smallest order that
 * holds one object (every cache here fits one object in its order, so
 * that is get_order(size)). Returns the head page, or NULL.
 */
static struct page *allocate_slab(struct machine *m, const struct kmem_cache_info *ci, int nid,
				  unsigned *order)
{
	unsigned min_order = ci->size > 4096 ? (ci->size > 8192 ? 2 : 1) : 0;
	/* the kmalloc caches come first in kmem_cache_id */
	enum page_owner_site site = ci < &kmem_cache_info[KMEM_MM_STRUCT] ? PO_SITE_SLAB_KMALLOC
									 : PO_SITE_SLAB;
	int failed = m->alloc_failed;
	struct page *page;

	*order = ci->order;
	page_owner_site(m, site);
	/*
	 * Linux lets the first, higher-order try fail under pressure without
	 * reclaim (~__GFP_RECLAIM): it does not wake kswapd either.
	 */
	page = alloc_pages(m, slab_gfp(ci) | (ci->order > min_order ? __GFP_NOKSWAPD : 0),
			   ci->order, nid);
	if (!page) {
		page_owner_site(m, site);
		page = alloc_pages(m, slab_gfp(ci) | __GFP_HIGH, ci->order, nid);
	}
	if (!page && min_order < ci->order) {
		*order = min_order;
		page_owner_site(m, site);
		page = alloc_pages(m, slab_gfp(ci) | __GFP_HIGH, min_order, nid);
	}
	m->alloc_failed = failed;
	return page;
}

/* The objects a slab of this order holds (a min-order slab holds fewer). */
static unsigned slab_objects(const struct kmem_cache_info *ci, unsigned order)
{
	return (4096u << order) / ci->size;
}

/* A slab's order and objects in use, from its head page. */
static unsigned slab_order(const struct page *head)
{
	return (unsigned)(head->private >> 32);
}

static unsigned slab_inuse(const struct page *head)
{
	return (unsigned)head->private;
}

static struct page *new_slab(struct machine *m, const struct kmem_cache_info *ci,
			     struct kmem_cache_node *n, enum kmem_cache_id id, int nid)
{
	unsigned order;
	struct page *page = allocate_slab(m, ci, nid, &order);

	if (!page)
		return NULL;
	for (unsigned i = 0; i < 1u << order; i++)
		SetPageFlag(page + i, PG_slab);
	page->index = id;
	page->private = (uint64_t)order << 32;
	/* the node it really came from: the statistics follow the page */
	n = &m->slab_caches[id]->node[page_zone(m, page)->nid];
	list_add(&page->lru, &n->partial);
	n->nr_partial++;
	n->nr_slabs++;
	n->pages += 1ULL << order;
	n->total_objects += slab_objects(ci, order);
	mod_node_page_state(m->node[page_zone(m, page)->nid], slab_stat(ci), 1LL << order);
	return page;
}

static void discard_slab(struct machine *m, const struct kmem_cache_info *ci,
			 struct kmem_cache_node *n, struct page *page)
{
	unsigned order = slab_order(page);

	list_del(&page->lru);
	if (slab_inuse(page) < slab_objects(ci, order)) {
		n->nr_partial--;
		n->partial_inuse -= slab_inuse(page);
	}
	n->nr_slabs--;
	n->pages -= 1ULL << order;
	n->total_objects -= slab_objects(ci, order);
	n->inuse -= slab_inuse(page);
	mod_node_page_state(m->node[page_zone(m, page)->nid], slab_stat(ci), -(1LL << order));
	for (unsigned i = 0; i < 1u << order; i++)
		ClearPageFlag(page + i, PG_slab);
	page->index = 0;
	page->private = 0;
	INIT_LIST_HEAD(&page->lru);
	free_pages(m, page, order);
}

/*
 * The kernel functions that allocate and free each cache's objects: the
 * call_site of the kmem_cache_alloc / kmem_cache_free trace events.
 */
static const char *const alloc_site[NR_KMEM_CACHES] = {
	[KMEM_MM_STRUCT] = "mm_alloc", [KMEM_RADIX_TREE_NODE] = "xas_alloc",
	[KMEM_ANON_VMA] = "__anon_vma_prepare", [KMEM_ANON_VMA_CHAIN] = "__anon_vma_prepare",
	[KMEM_TASK_STRUCT] = "dup_task_struct", [KMEM_VM_AREA_STRUCT] = "vm_area_alloc",
	[KMEM_DENTRY] = "__d_alloc", [KMEM_FILP] = "alloc_empty_file",
	[KMEM_SHMEM_INODE] = "shmem_alloc_inode", [KMEM_EXT4_INODE] = "ext4_alloc_inode",
	[KMEM_NUMA_POLICY] = "mpol_new", [KMEM_SHARED_POLICY_NODE] = "sp_alloc",
	[KMEM_PID] = "alloc_pid", [KMEM_FILES_CACHE] = "dup_fd",
	[KMEM_FTRACE_EVENT_FIELD] = "zswap_entry_cache_alloc",
};
static const char *const free_site[NR_KMEM_CACHES] = {
	[KMEM_MM_STRUCT] = "__mmdrop", [KMEM_RADIX_TREE_NODE] = "radix_tree_node_rcu_free",
	[KMEM_ANON_VMA] = "__put_anon_vma", [KMEM_ANON_VMA_CHAIN] = "unlink_anon_vmas",
	[KMEM_TASK_STRUCT] = "free_task", [KMEM_VM_AREA_STRUCT] = "vm_area_free",
	[KMEM_DENTRY] = "__d_free", [KMEM_FILP] = "file_free",
	[KMEM_SHMEM_INODE] = "shmem_free_in_core_inode", [KMEM_EXT4_INODE] = "ext4_free_in_core_inode",
	[KMEM_NUMA_POLICY] = "__mpol_put", [KMEM_SHARED_POLICY_NODE] = "sp_free",
	[KMEM_PID] = "put_pid", [KMEM_FILES_CACHE] = "put_files_struct",
	[KMEM_FTRACE_EVENT_FIELD] = "zswap_entry_cache_free",
};

/*
 * The object's address for the trace (%p hashes it): slot `slot` of the
 * slab at its direct-map address. The model keeps no slots, so objects
 * are named as a stack of them: an allocation takes slot inuse, a free
 * gives back slot inuse - 1 (the last one taken).
 */
static const void *slab_obj_ptr(struct machine *m, const struct kmem_cache_info *ci,
				struct page *page, unsigned slot)
{
	uintptr_t base = (uintptr_t)arena_region(m->arena)->addr;

	return (const void *)(base + ((uintptr_t)page_to_pfn(m, page) << 12) +
			      (uintptr_t)(slot % slab_objects(ci, slab_order(page))) * ci->size);
}

/* numa_node_id(): the node of the task the model is working for. */
static int slab_local_node(struct machine *m)
{
	if (m->cur_task)
		return task_node(m, m->cur_task);
	return 0;
}

/*
 * slab_alloc_node: one object of cache id; site and bytes_req name it in
 * the event: kmem_cache_alloc, or kmalloc when kmalloc_req is set (the
 * bytes asked for, with the request's gfp).
 */
static uint32_t slab_alloc(struct machine *m, enum kmem_cache_id id, int nid, const char *site,
			   uint64_t kmalloc_req, unsigned long lgfp)
{
	const struct kmem_cache_info *ci = &kmem_cache_info[id];
	struct kmem_cache *s = m->slab_caches[id];
	struct kmem_cache_node *n;
	struct page *page;

	int req_nid = nid;	/* the event shows the node asked for, NUMA_NO_NODE -1 */

	lockdep_assert_held(m);
	if (!s)
		return 0;
	if (nid < 0 || nid >= m->nr_nodes)
		nid = slab_local_node(m);
	n = &s->node[nid];
	/* get_partial_node: the first partial slab of the node */
	if (!list_empty(&n->partial)) {
		page = list_entry(n->partial.next, struct page, lru);
	} else {
		page = new_slab(m, ci, n, id, nid);
		if (!page) {
			s->nr_unaccounted++;
			return 0;
		}
		n = &s->node[page_zone(m, page)->nid];
	}
	if (kmalloc_req)
		trace_kmalloc(m, site, slab_obj_ptr(m, ci, page, slab_inuse(page)), kmalloc_req,
			      ci->size, lgfp, req_nid < 0 ? -1 : req_nid);
	else
		trace_kmem_cache_alloc(m, site, slab_obj_ptr(m, ci, page, slab_inuse(page)),
				       ci->name, ci->object_size, ci->size, lgfp,
				       req_nid < 0 ? -1 : req_nid, !!(ci->flags & SLAB_ACCOUNT));
	page->private++;
	n->inuse++;
	n->partial_inuse++;
	if (slab_inuse(page) == slab_objects(ci, slab_order(page))) {
		/* full: off the partial list */
		list_move(&page->lru, &n->full);
		n->nr_partial--;
		n->partial_inuse -= slab_inuse(page);
	}
	return (uint32_t)page_to_pfn(m, page);
}

uint32_t kmem_cache_alloc_at(struct machine *m, enum kmem_cache_id id, int nid, const char *site)
{
	return slab_alloc(m, id, nid, site, 0, LGFP_KERNEL);
}

uint32_t kmem_cache_alloc(struct machine *m, enum kmem_cache_id id, int nid)
{
	return slab_alloc(m, id, nid, alloc_site[id] ? alloc_site[id] : "__kmalloc_noprof", 0,
			  LGFP_KERNEL);
}

/* slab_free: kmalloc set for kfree's event instead of kmem_cache_free's. */
static void slab_free(struct machine *m, enum kmem_cache_id id, uint32_t handle,
		      const char *site, int kmalloc)
{
	const struct kmem_cache_info *ci = &kmem_cache_info[id];
	struct kmem_cache *s = m->slab_caches[id];
	struct kmem_cache_node *n;
	struct page *page;

	lockdep_assert_held(m);
	if (!s)
		return;
	if (!handle) {
		if (s->nr_unaccounted)
			s->nr_unaccounted--;
		return;
	}
	page = pfn_to_page(m, handle);
	VM_BUG_ON(!PageFlag(page, PG_slab) || page->index != (uint64_t)id || !slab_inuse(page));
	n = &s->node[page_zone(m, page)->nid];
	if (kmalloc)
		trace_kfree(m, site, slab_obj_ptr(m, ci, page, slab_inuse(page) - 1));
	else
		trace_kmem_cache_free(m, site, slab_obj_ptr(m, ci, page, slab_inuse(page) - 1),
				      ci->name);
	if (slab_inuse(page) == slab_objects(ci, slab_order(page))) {
		/* full -> partial: to the tail (DEACTIVATE_TO_TAIL) */
		list_move_tail(&page->lru, &n->partial);
		n->nr_partial++;
		n->partial_inuse += slab_inuse(page);
	}
	page->private--;
	n->inuse--;
	n->partial_inuse--;
	/* __slab_free: an empty slab goes back once the node keeps enough partial ones */
	if (!slab_inuse(page) && n->nr_partial >= ci->min_partial)
		discard_slab(m, ci, n, page);
}

void kmem_cache_free_at(struct machine *m, enum kmem_cache_id id, uint32_t handle,
			const char *site)
{
	slab_free(m, id, handle, site, 0);
}

void kmem_cache_free(struct machine *m, enum kmem_cache_id id, uint32_t handle)
{
	slab_free(m, id, handle, free_site[id] ? free_site[id] : "kfree", 0);
}

#define SHRINK_PROMOTE_MAX	32

/*
 * __kmem_cache_do_shrink (sysfs CACHE/shrink): on every node, the empty
 * slabs go back to the buddy allocator whatever min_partial keeps, and
 * the partial slabs with at most SHRINK_PROMOTE_MAX free slots move to
 * the head of the list, fullest first (so the next allocations fill
 * them). Within one count of free slots the order is reversed, as each
 * slab is moved to the head of its promote list; the others keep their
 * order behind them. Returns the pages freed.
 */
uint64_t kmem_cache_shrink(struct machine *m, enum kmem_cache_id id)
{
	const struct kmem_cache_info *ci = &kmem_cache_info[id];
	struct kmem_cache *s = m->slab_caches[id];
	uint64_t freed = 0;

	lockdep_assert_held(m);
	if (!s)
		return 0;
	for (int nid = 0; nid < m->nr_nodes; nid++) {
		struct kmem_cache_node *n = &s->node[nid];
		struct list_head promote[SHRINK_PROMOTE_MAX], *pos, *next;

		for (int i = 0; i < SHRINK_PROMOTE_MAX; i++)
			INIT_LIST_HEAD(&promote[i]);
		list_for_each_safe(pos, next, &n->partial) {
			struct page *page = list_entry(pos, struct page, lru);
			unsigned free = slab_objects(ci, slab_order(page)) - slab_inuse(page);

			if (!slab_inuse(page)) {
				freed += 1ULL << slab_order(page);
				discard_slab(m, ci, n, page);
			} else if (free <= SHRINK_PROMOTE_MAX) {
				list_move(&page->lru, &promote[free - 1]);
			}
		}
		for (int i = SHRINK_PROMOTE_MAX - 1; i >= 0; i--)
			list_splice(&promote[i], &n->partial);
	}
	return freed;
}

/* Every cache shrunk (the model fuzzer's step). */
void mm_slab_shrink(struct machine *m)
{
	machine_lock(m);
	for (int id = 0; id < NR_KMEM_CACHES; id++)
		kmem_cache_shrink(m, (enum kmem_cache_id)id);
	machine_unlock(m);
}

enum kmem_cache_id kmalloc_cache(uint64_t size, unsigned long lgfp)
{
	static const enum kmem_cache_id pow2[] = {
		KMALLOC_8, KMALLOC_8, KMALLOC_8, KMALLOC_8, KMALLOC_16, KMALLOC_32, KMALLOC_64,
		KMALLOC_128, KMALLOC_256, KMALLOC_512, KMALLOC_1K, KMALLOC_2K, KMALLOC_4K,
		KMALLOC_8K,
	};
	/* the kmalloc-cg caches follow the plain ones in the same order */
	unsigned cg = (lgfp & LGFP_ACCOUNT) ? NR_KMALLOC_SIZES : 0;
	unsigned shift = 0;

	if (size > 64 && size <= 96)
		return KMALLOC_96 + cg;
	if (size > 128 && size <= 192)
		return KMALLOC_192 + cg;
	while ((1ULL << shift) < size && shift < 13)
		shift++;
	return pow2[shift] + cg;
}

uint32_t kmalloc_acct(struct machine *m, uint64_t size, unsigned long lgfp, int nid,
		      const char *site)
{
	return slab_alloc(m, kmalloc_cache(size, lgfp), nid, site, size ? size : 1, lgfp);
}

void kfree_acct(struct machine *m, uint64_t size, unsigned long lgfp, uint32_t handle,
		const char *site)
{
	slab_free(m, kmalloc_cache(size, lgfp), handle, site, 1);
}

int slab_nid(struct machine *m, uint32_t handle)
{
	return handle ? page_zone(m, pfn_to_page(m, handle))->nid : -1;
}
