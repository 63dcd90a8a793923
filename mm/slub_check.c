// SPDX-License-Identifier: MIT
/*
 * slub_check.c - what the slab caches show (slabinfo, sys/kernel/slab) and
 * the invariant checker's view of them (kernel: slab_common.c get_slabinfo,
 * slub.c show_slab_objects, validate_slab_cache).
 */
#include <string.h>

#include "internal.h"
#include "slab.h"
#include "snapshot.h"
#include "task.h"

#define CHECK_REPORT(...) do { if (bad++ < 16) rbl_printf(out, __VA_ARGS__); } while (0)

static unsigned head_inuse(const struct page *p) { return (unsigned)p->private; }
static unsigned head_order(const struct page *p) { return (unsigned)(p->private >> 32); }

int slab_snap_fill(struct machine *m, struct mm_slab_snap *out, struct mm_slab_node_snap *node)
{
	for (int id = 0; id < NR_KMEM_CACHES; id++) {
		const struct kmem_cache_info *ci = &kmem_cache_info[id];
		const struct kmem_cache *s = m->slab_caches[id];
		struct mm_slab_snap *o = &out[id];

		o->name = ci->name;
		o->ctor = ci->ctor;
		o->object_size = ci->object_size;
		o->size = ci->size;
		o->align = ci->align;
		o->order = ci->order;
		o->objs_per_slab = oo_objects(ci);
		o->min_partial = ci->min_partial;
		o->cpu_partial = ci->cpu_partial;
		o->usersize = ci->usersize;
		o->reclaim_account = !!(ci->flags & SLAB_RECLAIM_ACCOUNT);
		o->hwcache_align = !!(ci->flags & SLAB_HWCACHE_ALIGN);
		o->destroy_by_rcu = !!(ci->flags & SLAB_TYPESAFE_BY_RCU);
		o->aliases = ci->alias ? 1 : 0;
		for (int nid = 0; nid < m->nr_nodes; nid++) {
			struct mm_slab_node_snap *ns = &node[id * m->nr_nodes + nid];
			const struct kmem_cache_node *n;

			memset(ns, 0, sizeof(*ns));
			if (!s)
				continue;
			n = &s->node[nid];
			ns->slabs = n->nr_slabs;
			ns->partial = n->nr_partial;
			ns->objects = n->inuse;
			ns->objects_partial = n->partial_inuse;
			ns->total_objects = n->total_objects;
			ns->pages = n->pages;
		}
	}
	return NR_KMEM_CACHES;
}

/* One list of a cache's node: every slab's pages, cache and count. */
static int check_list(struct machine *m, int id, int nid, const struct list_head *head, int full,
		      uint64_t *slabs, uint64_t *objs, uint64_t *inuse, uint64_t *pages,
		      struct rbuf_lite *out)
{
	const struct kmem_cache_info *ci = &kmem_cache_info[id];
	const struct list_head *e;
	int bad = 0;

	for (e = head->next; e != head; e = e->next) {
		const struct page *p = list_entry(e, struct page, lru);
		uint64_t pfn = page_to_pfn(m, p);
		unsigned order = head_order(p), nobj = (4096u << order) / ci->size;

		for (unsigned i = 0; i < 1u << order; i++)
			if (!PageFlag(p + i, PG_slab) || p[i].refcount != (i ? 0 : 1)) {
				CHECK_REPORT("slab %s: pfn %#llx of the slab at %#llx is not a slab page\n",
					     ci->name, (unsigned long long)(pfn + i),
					     (unsigned long long)pfn);
				break;
			}
		if (p->index != (uint64_t)id || order > ci->order ||
		    page_zone(m, (struct page *)p)->nid != nid) {
			CHECK_REPORT("slab %s: the slab at %#llx belongs to cache %llu order %u node %d\n",
				     ci->name, (unsigned long long)pfn, (unsigned long long)p->index,
				     order, page_zone(m, (struct page *)p)->nid);
		}
		if (full ? head_inuse(p) != nobj : head_inuse(p) >= nobj) {
			CHECK_REPORT("slab %s: the slab at %#llx has %u of %u objects in use on the %s list\n",
				     ci->name, (unsigned long long)pfn, head_inuse(p), nobj,
				     full ? "full" : "partial");
		}
		(*slabs)++;
		*objs += nobj;
		*inuse += head_inuse(p);
		*pages += 1ULL << order;
	}
	return bad;
}

int slab_check(struct machine *m, struct rbuf_lite *out)
{
	uint64_t node_pages[MM_MAX_NODES][2] = { { 0 } };
	uint64_t tasks = 0;
	int bad = 0;

	for (int id = 0; id < NR_KMEM_CACHES; id++) {
		const struct kmem_cache_info *ci = &kmem_cache_info[id];
		const struct kmem_cache *s = m->slab_caches[id];

		if (!s)
			continue;
		for (int nid = 0; nid < m->nr_nodes; nid++) {
			const struct kmem_cache_node *n = &s->node[nid];
			uint64_t slabs = 0, objs = 0, inuse = 0, pages = 0, partial, pinuse;

			bad += check_list(m, id, nid, &n->partial, 0, &slabs, &objs, &inuse, &pages, out);
			partial = slabs;
			pinuse = inuse;
			bad += check_list(m, id, nid, &n->full, 1, &slabs, &objs, &inuse, &pages, out);
			if (partial != n->nr_partial || slabs != n->nr_slabs || objs != n->total_objects ||
			    inuse != n->inuse || pinuse != n->partial_inuse || pages != n->pages) {
				CHECK_REPORT("slab %s node %d: lists hold %llu slabs (%llu partial) of %llu pages, %llu objects, %llu in use (%llu in partial ones); counters say %llu (%llu), %llu, %llu, %llu (%llu)\n",
					     ci->name, nid, (unsigned long long)slabs,
					     (unsigned long long)partial, (unsigned long long)pages,
					     (unsigned long long)objs, (unsigned long long)inuse,
					     (unsigned long long)pinuse, (unsigned long long)n->nr_slabs,
					     (unsigned long long)n->nr_partial, (unsigned long long)n->pages,
					     (unsigned long long)n->total_objects,
					     (unsigned long long)n->inuse,
					     (unsigned long long)n->partial_inuse);
			}
			node_pages[nid][!!(ci->flags & SLAB_RECLAIM_ACCOUNT)] += pages;
		}
	}
	for (int nid = 0; nid < m->nr_nodes; nid++) {
		const struct pglist_data *pgdat = m->node[nid];

		if (node_pages[nid][1] != (uint64_t)pgdat->vm_stat[NR_SLAB_RECLAIMABLE] ||
		    node_pages[nid][0] != (uint64_t)pgdat->vm_stat[NR_SLAB_UNRECLAIMABLE]) {
			CHECK_REPORT("slab: node %d has %llu reclaimable and %llu unreclaimable slab pages; nr_slab_reclaimable %lld, nr_slab_unreclaimable %lld\n",
				     nid, (unsigned long long)node_pages[nid][1],
				     (unsigned long long)node_pages[nid][0],
				     (long long)pgdat->vm_stat[NR_SLAB_RECLAIMABLE],
				     (long long)pgdat->vm_stat[NR_SLAB_UNRECLAIMABLE]);
		}
	}
	/* the model's own objects: one task_struct per task */
	if (m->slab_caches[KMEM_TASK_STRUCT]) {
		const struct kmem_cache *s = m->slab_caches[KMEM_TASK_STRUCT];

		for (int nid = 0; nid < m->nr_nodes; nid++)
			tasks += s->node[nid].inuse;
		tasks += s->nr_unaccounted;
		if (tasks != (uint64_t)m->nr_tasks) {
			CHECK_REPORT("slab task_struct: %llu objects, %d tasks\n",
				     (unsigned long long)tasks, m->nr_tasks);
		}
	}
	bad += slab_objs_check(m, out);
	return bad;
}
