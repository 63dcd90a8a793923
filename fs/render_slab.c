// SPDX-License-Identifier: MIT
/*
 * render_slab.c - proc/slabinfo and sys/kernel/slab/CACHE/ (kernel:
 * mm/slab_common.c cache_show, mm/slub.c's sysfs attributes).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "render.h"

/*
 * slabinfo 2.1 as SLUB prints it: newest cache first, active_objs = slots
 * minus the free ones of partial slabs, no tunables, active_slabs ==
 * num_slabs, sharedavail 0.
 */
void render_slabinfo(struct rbuf *b, const struct mm_global_snap *s)
{
	rbuf_printf(b, "slabinfo - version: 2.1\n");
	rbuf_printf(b, "# name            <active_objs> <num_objs> <objsize> <objperslab> "
		       "<pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata "
		       "<active_slabs> <num_slabs> <sharedavail>\n");
	for (int id = s->nr_slab - 1; id >= 0; id--) {
		const struct mm_slab_snap *c = &s->slab[id];
		uint64_t objs = 0, total = 0, slabs = 0;

		for (int nid = 0; nid < s->nr_nodes; nid++) {
			const struct mm_slab_node_snap *n = &s->slab_node[id * s->nr_nodes + nid];

			objs += n->objects;
			total += n->total_objects;
			slabs += n->slabs;
		}
		rbuf_printf(b, "%-17s %6" PRIu64 " %6" PRIu64 " %6u %4u %4d", c->name, objs, total,
			    c->size, c->objs_per_slab, 1 << c->order);
		rbuf_printf(b, " : tunables %4u %4u %4u", 0u, 0u, 0u);
		rbuf_printf(b, " : slabdata %6" PRIu64 " %6" PRIu64 " %6lu\n", slabs, slabs, 0UL);
	}
}

/* The attributes of a cache directory, in the order ls shows them. */
const char *const slab_attr_names[NR_SLAB_ATTRS] = {
	"aliases", "align", "cache_dma", "cpu_partial", "cpu_slabs", "ctor", "destroy_by_rcu",
	"hwcache_align", "min_partial", "object_size", "objects", "objects_partial",
	"objs_per_slab", "order", "partial", "poison", "reclaim_account", "red_zone",
	"remote_node_defrag_ratio", "sanity_checks", "sheaf_capacity", "shrink", "slab_size",
	"slabs", "slabs_cpu_partial", "store_user", "total_objects", "trace", "usersize",
	"validate",
};

/* show_slab_objects: the total, then N<nid>=<count> for every node that has some. */
static void per_node(struct rbuf *b, const struct mm_global_snap *s, int id, size_t off)
{
	uint64_t total = 0;

	for (int nid = 0; nid < s->nr_nodes; nid++)
		total += *(const uint64_t *)((const char *)&s->slab_node[id * s->nr_nodes + nid] + off);
	rbuf_printf(b, "%" PRIu64, total);
	for (int nid = 0; nid < s->nr_nodes; nid++) {
		uint64_t v = *(const uint64_t *)((const char *)&s->slab_node[id * s->nr_nodes + nid] +
						 off);

		if (v)
			rbuf_printf(b, " N%d=%" PRIu64, nid, v);
	}
	rbuf_printf(b, "\n");
}

/* arg = cache id * NR_SLAB_ATTRS + attribute */
void render_slab_attr(struct rbuf *b, const struct mm_global_snap *s, int arg)
{
	int id = arg / NR_SLAB_ATTRS, attr = arg % NR_SLAB_ATTRS;
	const struct mm_slab_snap *c;
	const char *name;

	if (id >= s->nr_slab)
		return;
	c = &s->slab[id];
	name = slab_attr_names[attr];
#define NODE_SUM(field) per_node(b, s, id, offsetof(struct mm_slab_node_snap, field))
	if (!strcmp(name, "objects"))
		NODE_SUM(objects);
	else if (!strcmp(name, "objects_partial"))
		NODE_SUM(objects_partial);
	else if (!strcmp(name, "partial"))
		NODE_SUM(partial);
	else if (!strcmp(name, "slabs"))
		NODE_SUM(slabs);
	else if (!strcmp(name, "total_objects"))
		NODE_SUM(total_objects);
	else if (!strcmp(name, "shrink") || !strcmp(name, "validate"))
		;	/* write-only actions: shrink_show and validate_show print nothing */
	else if (!strcmp(name, "slabs_cpu_partial"))
		rbuf_printf(b, "0(0)\n");	/* no per-CPU partial slabs */
	else if (!strcmp(name, "ctor")) {
		if (*c->ctor)
			rbuf_printf(b, "%s\n", c->ctor);
	} else {
		unsigned v = 0;

		if (!strcmp(name, "align"))
			v = c->align;
		else if (!strcmp(name, "cpu_partial"))
			v = c->cpu_partial;
		else if (!strcmp(name, "destroy_by_rcu"))
			v = (unsigned)c->destroy_by_rcu;
		else if (!strcmp(name, "hwcache_align"))
			v = (unsigned)c->hwcache_align;
		else if (!strcmp(name, "min_partial"))
			v = c->min_partial;
		else if (!strcmp(name, "object_size"))
			v = c->object_size;
		else if (!strcmp(name, "objs_per_slab"))
			v = c->objs_per_slab;
		else if (!strcmp(name, "order"))
			v = c->order;
		else if (!strcmp(name, "reclaim_account"))
			v = (unsigned)c->reclaim_account;
		else if (!strcmp(name, "remote_node_defrag_ratio"))
			v = 100;
		else if (!strcmp(name, "slab_size"))
			v = c->size;
		else if (!strcmp(name, "usersize"))
			v = c->usersize;
		else if (!strcmp(name, "aliases"))
			v = c->aliases;
		/* cache_dma, cpu_slabs, poison, red_zone, sanity_checks, sheaf_capacity,
		 * store_user, trace: 0 (no debugging, no per-CPU slabs) */
		rbuf_printf(b, "%u\n", v);
	}
#undef NODE_SUM
}
