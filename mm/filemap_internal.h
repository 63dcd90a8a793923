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
	struct pc_node **buckets;	/* nbuckets chains */
	uint64_t nbuckets;		/* a power of two */
	uint64_t nrpages;
	struct pc_shadow *shadows;	/* shadow_cap slots, or NULL */
	uint64_t shadow_cap, nr_shadows;
};

/*
 * Shadows (filemap_shadow.c). An index holds a page or a shadow, never
 * both: a shadow is stored when reclaim evicts the page and taken when a
 * page comes back at the index; truncation and hole punching drop those
 * of the range, the object's release all of them.
 */
void shadow_store(struct address_space *as, uint64_t index, uint64_t shadow);
/* The shadow at index, removed; 0 when there is none. */
uint64_t shadow_take(struct address_space *as, uint64_t index);
void shadow_drop_range(struct address_space *as, uint64_t first, uint64_t end);
void shadow_release(struct address_space *as);

/* Take one cached page out of the cache, dirty or not, dropping the cache's reference. */
void filemap_delete_page(struct page *page);

#endif
