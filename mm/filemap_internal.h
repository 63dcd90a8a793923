/* SPDX-License-Identifier: MIT */
/*
 * filemap_internal.h - the page cache's index, for the files that share it:
 * filemap.c (the index, reads, eviction, dirty tracking), filemap_folio.c
 * (folio flags, splits, removing a range) and filemap_check.c. Nothing
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
struct address_space {
	struct machine *m;
	struct pc_node **buckets;	/* nbuckets chains */
	uint64_t nbuckets;		/* a power of two */
	uint64_t nrpages;
};

/* Take one cached page out of the cache, dirty or not, dropping the cache's reference. */
void filemap_delete_page(struct page *page);

#endif
