// SPDX-License-Identifier: MIT
/*
 * slub_xa.c - the radix_tree_node objects of the page cache (kernel: the
 * xa_node allocations of lib/xarray.c, from radix_tree_node_cachep).
 *
 * The model's page cache indexes pages with a hash table (filemap.c), so
 * the xarray Linux would build is not kept; its node count is derived from
 * the number of entries n (pages and shadow entries) of each mapping, as if
 * they were packed from index 0, which is what readahead and sequential
 * writes make: an xarray of n <= 1 entries keeps it in the head (0 nodes);
 * otherwise each level of 64-slot nodes needs ceil(n / 64^l) nodes, for
 * l = 1 .. the height, the top level one node. A lone entry is the
 * exception the shrinker sees (mapping_shrinkable): only index 0 fits in
 * the head, one at index i > 0 hangs from a chain of one node per level
 * down to it. A sparse file needs more in Linux (a node per 64-index chunk
 * that is touched); for two entries or more the count here is the floor. The objects are allocated and freed as n crosses the thresholds,
 * last in first out, and their handles are kept in the address_space.
 */
#include "internal.h"
#include "filemap_internal.h"
#include "slab.h"

uint64_t xa_nodes_for(uint64_t n)
{
	uint64_t nodes = 0, level = n;

	if (n <= 1)
		return 0;
	do {
		level = (level + 63) / 64;
		nodes += level;
	} while (level > 1);
	return nodes;
}

/* The index of as's only entry (a page or a shadow). */
static uint64_t sole_index(const struct address_space *as)
{
	if (as->nr_shadows) {
		for (uint64_t i = 0; i < as->shadow_cap; i++)
			if (as->shadows[i].index != UINT64_MAX)
				return as->shadows[i].index;
		return 0;
	}
	for (uint64_t i = 0; i < as->nbuckets; i++)
		if (as->buckets[i])
			return as->buckets[i]->index;
	return 0;
}

/* Nodes of an xarray whose one entry is at index: the levels above it. */
static uint64_t xa_nodes_lone(uint64_t index)
{
	uint64_t levels = 0;

	for (; index; index >>= 6)
		levels++;
	return levels;
}

void xa_nodes_update(struct address_space *as)
{
	uint64_t n = as->nrpages + as->nr_shadows;
	uint64_t want = n == 1 ? xa_nodes_lone(sole_index(as)) : xa_nodes_for(n);
	struct machine *m = as->m;

	if (!m)
		return;
	if (want > as->xa_cap) {
		uint64_t cap = as->xa_cap ? as->xa_cap : 4;
		uint32_t *v;

		while (cap < want)
			cap *= 2;
		v = kmalloc(cap * sizeof(*v));
		if (!v)
			return;	/* host memory short: the count catches up at the next change */
		if (as->nr_xa_nodes)
			memcpy(v, as->xa_slabs, as->nr_xa_nodes * sizeof(*v));
		kfree(as->xa_slabs);
		as->xa_slabs = v;
		as->xa_cap = cap;
	}
	while (as->nr_xa_nodes < want)
		as->xa_slabs[as->nr_xa_nodes++] = kmem_cache_alloc(m, KMEM_RADIX_TREE_NODE, -1);
	while (as->nr_xa_nodes > want)
		kmem_cache_free(m, KMEM_RADIX_TREE_NODE, as->xa_slabs[--as->nr_xa_nodes]);
	if (!as->nrpages)
		icache_pages_gone(as);
}

void xa_nodes_release(struct address_space *as)
{
	while (as->m && as->nr_xa_nodes)
		kmem_cache_free(as->m, KMEM_RADIX_TREE_NODE, as->xa_slabs[--as->nr_xa_nodes]);
	kfree(as->xa_slabs);
	as->xa_slabs = NULL;
	as->xa_cap = 0;
}
