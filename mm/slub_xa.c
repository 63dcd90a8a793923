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
 * l = 1 .. the height, the top level one node. A sparse file needs more in
 * Linux (a node per 64-index chunk that is touched); the count here is the
 * floor. The objects are allocated and freed as n crosses the thresholds,
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

void xa_nodes_update(struct address_space *as)
{
	uint64_t want = xa_nodes_for(as->nrpages + as->nr_shadows);
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
