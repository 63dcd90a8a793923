/* SPDX-License-Identifier: MIT */
/*
 * filemap_internal.h - the page cache's index, for the files that share it:
 * filemap.c (the index, reads, eviction, dirty tracking), filemap_folio.c
 * (folio flags, splits, removing a range), filemap_shadow.c (shadows of
 * evicted pages) and filemap_check.c. Nothing
 * else looks inside. Expect m->lock held.
 */
#ifndef MM_FILEMAP_INTERNAL_H
#define MM_FILEMAP_INTERNAL_H

#include <stdint.h>

#include "list.h"

struct machine;
struct page;

/* One cached page: an entry of its object's hash chain. */
struct pc_node {
	uint64_t index;			/* the page's index in its object */
	struct page *page;
	struct pc_node *next;		/* in its hash bucket */
	struct list_head dirty;		/* on m->wb_dirty, or empty */
	uint64_t dirtied_when;		/* sim ns the page was first seen dirty */
};

/* The cache of one inode or shmem object: a chained hash table by index. */
/* The shadow an evicted page left at its index (workingset.h). */
struct pc_shadow {
	uint64_t index;			/* UINT64_MAX: an empty slot */
	uint64_t shadow;
};

struct address_space {
	struct machine *m;
	struct file_ref *host;		/* the inode or shmem object it caches (kernel: a_ops host) */
	struct pc_node **buckets;	/* nbuckets chains */
	uint64_t nbuckets;		/* a power of two */
	uint64_t nrpages;
	struct pc_shadow *shadows;	/* shadow_cap slots, or NULL */
	uint64_t shadow_cap, nr_shadows;
	/* slub_xa.c: the radix_tree_node objects charged to this cache (slab handles) */
	uint32_t *xa_slabs;
	uint64_t nr_xa_nodes, xa_cap;
};

/* slub_xa.c: give back every radix_tree_node object of as (before freeing it). */
void xa_nodes_release(struct address_space *as);

/*
 * Shadows (filemap_shadow.c). An index holds a page or a shadow, never
 * both: a shadow is stored when reclaim evicts the page and taken when a
 * page comes back at the index; truncation and hole punching drop those
 * of the range, the object's release all of them.
 */
/* 0, or -1 when the table cannot grow (a shadow is then simply not kept). */
int shadow_store(struct address_space *as, uint64_t index, uint64_t shadow);
/* The shadow at index, removed; 0 when there is none (or a swap entry). */
uint64_t shadow_take(struct address_space *as, uint64_t index);
/* Drop every value of [first, end): shadows, and swap entries with their slots. */
void shadow_drop_range(struct address_space *as, uint64_t first, uint64_t end);
/* Whether a value (shadow or swap entry) sits at index. */
int shadow_at(const struct address_space *as, uint64_t index);
void shadow_release(struct address_space *as);
/*
 * A shmem object's pages on swap: the same table holds the swap entry
 * (swap.h swp_entry_t.val) of each, where its page was.
 */
int shmem_swap_store(struct address_space *as, uint64_t index, uint64_t entry);	/* 0, -1 */
uint64_t shmem_swap_entry(const struct address_space *as, uint64_t index);	/* 0: none */
void shmem_swap_clear(struct address_space *as, uint64_t index);	/* no slot freed */
uint64_t shmem_swap_count(const struct address_space *as, uint64_t first, uint64_t end);
/*
 * The indices of [first, end) that hold a swap entry, ascending, in a
 * malloc'd *out (NULL when none): their number, or -ENOMEM.
 */
long shmem_swap_indices(const struct address_space *as, uint64_t first, uint64_t end,
			uint64_t **out);
/* qsort's order of uint64_t (page indices). */
int cmp_u64(const void *a, const void *b);

/* Take one cached page out of the cache, dirty or not, dropping the cache's reference. */
void filemap_delete_page(struct page *page);

/*
 * shmem_swap.c's use of the index: a shmem page leaves it for the swap
 * cache (its reference goes with it; NR_FILE_PAGES and NR_SHMEM fall), and
 * a page comes back at index holding the caller's reference as the
 * cache's (-ENOMEM: no room for the entry).
 */
void filemap_swap_out(struct machine *m, struct page *page);
int filemap_swap_in(struct machine *m, struct file_ref *inode, uint64_t index, struct page *page);

#endif
