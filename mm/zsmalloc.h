/* SPDX-License-Identifier: MIT */
/*
 * zsmalloc.h - the allocator zswap keeps compressed pages in (kernel:
 * mm/zsmalloc.c), modelled for its accounting: which size class an object
 * falls in, how many objects a zspage of that class holds, which zspage an
 * object goes to, and so how many pages the pool has allocated
 * (zs_get_total_pages: zswap's pool_total_size and meminfo Zswap).
 *
 * Linux 6.18 with 4 KiB pages and CONFIG_ZSMALLOC_CHAIN_SIZE=8: classes of
 * 32, 48, 64 ... 4096 bytes (255 of them, 16 bytes apart); a zspage is the
 * chain of 1..8 pages that wastes least for its class (a power-of-two size
 * takes one page); neighbouring classes whose zspages hold the same number
 * of objects in the same number of pages are one class (the larger size).
 * Every object carries an 8-byte handle in front of it, so a compressed
 * length of n asks for n + 8 bytes; 4089 bytes or more land in the 4096
 * class, one object per page (the "huge" class). An allocation goes to the
 * first zspage of the fullest group that is not full (10% steps), else a
 * new zspage; a zspage whose last object is freed goes back at once.
 *
 * A zspage's pages come from the buddy allocator (movable, without
 * direct reclaim, as zsmalloc's GFP_NOWAIT|__GFP_NORETRY), so the pool
 * takes MemFree and shows in nr_zspages; a failure is zs_malloc's -ENOMEM.
 * The pages are frames held and counted; the bytes themselves are kept
 * with the handle, in the arena. Not modelled: zspage compaction (the
 * pool's shrinker, zs_compact) never runs.
 */
#ifndef MM_ZSMALLOC_H
#define MM_ZSMALLOC_H

#include <stdint.h>

#include "list.h"

#define ZS_HANDLE_SIZE		8
#define ZS_MIN_ALLOC_SIZE	32
#define ZS_MAX_ALLOC_SIZE	4096
#define ZS_SIZE_CLASS_DELTA	16
#define ZS_SIZE_CLASSES		255
#define ZS_MAX_PAGES_PER_ZSPAGE	8
#define ZS_NR_FULLNESS		12	/* inuse 0, (0,10%], ... (90,99%], 100% */

struct page;
struct machine;

struct zspage {
	struct list_head list;		/* on its class's fullness list */
	struct page *pages[ZS_MAX_PAGES_PER_ZSPAGE];	/* its chain (pages_per_zspage of them) */
	uint32_t inuse;			/* objects allocated in it */
	uint16_t class_idx;		/* the class's index (its own, after merging) */
	uint8_t fullness;		/* the group it is listed in */
	uint32_t slab;			/* slab.h: its zspage object (zspage-zswapN merges into
					 * ftrace_event_field) */
};

struct size_class {
	struct list_head fullness_list[ZS_NR_FULLNESS];
	uint32_t size;			/* bytes per object */
	uint32_t objs_per_zspage;
	uint32_t pages_per_zspage;
	uint32_t index;			/* where it sits in size_class[] */
	uint64_t objs_allocated;	/* slots of all its zspages */
	uint64_t objs_inuse;
};

struct zs_pool {
	struct size_class *size_class[ZS_SIZE_CLASSES];	/* merged classes share one */
	uint64_t pages_allocated;
};

/* An allocated object: where it lives and the bytes it holds. */
struct zs_handle {
	struct zspage *zspage;
	uint32_t len;			/* bytes stored (without the handle) */
	uint8_t data[];
};

/* A pool with its classes; NULL when the arena is out of memory. */
struct zs_pool *zs_create_pool(void);
/* Every zspage must be gone already (its objects freed). */
void zs_destroy_pool(struct zs_pool *pool);
/*
 * An object of len bytes (1..4096), len bytes copied from src; a new
 * zspage's pages preferably from node nid. NULL when no page or no arena
 * memory is left (zs_malloc's -ENOMEM); len out of range is the caller's
 * bug.
 */
struct zs_handle *zs_malloc(struct machine *m, struct zs_pool *pool, const void *src,
			    uint32_t len, int nid);
void zs_free(struct machine *m, struct zs_pool *pool, struct zs_handle *h);
static inline uint64_t zs_get_total_pages(const struct zs_pool *pool)
{
	return pool ? pool->pages_allocated : 0;
}
/* The class an object of len bytes (without the handle) is stored in. */
const struct size_class *zs_class_of(const struct zs_pool *pool, uint32_t len);

struct rbuf_lite;
/*
 * check: each class's in-use count against the objects the caller found
 * in it (inuse[class index], from its live handles), the zspages' counts,
 * fullness groups and pages (held, not free), and pages_allocated.
 * Violations, one line each.
 */
int zs_check(struct machine *m, const struct zs_pool *pool, const uint64_t *inuse,
	     const char *name, struct rbuf_lite *out);

#endif
