// SPDX-License-Identifier: MIT
/*
 * zsmalloc.c - size classes, zspages and their fullness groups (kernel:
 * mm/zsmalloc.c; the contract is in zsmalloc.h).
 */
#include <string.h>

#include "internal.h"
#include "arena.h"
#include "page_alloc.h"
#include "zsmalloc.h"

#define MM_PAGE 4096u
#define RATIO_0		0
#define RATIO_99	10
#define RATIO_100	11

/* The chain length that wastes least (kernel: calculate_zspage_chain_size). */
static uint32_t chain_size(uint32_t size)
{
	uint32_t best = 1, min_waste = UINT32_MAX;

	if (!(size & (size - 1)))
		return 1;	/* a power of two fills one page exactly */
	for (uint32_t i = 1; i <= ZS_MAX_PAGES_PER_ZSPAGE; i++) {
		uint32_t waste = i * MM_PAGE % size;

		if (waste < min_waste) {
			min_waste = waste;
			best = i;
		}
	}
	return best;
}

struct zs_pool *zs_create_pool(void)
{
	struct zs_pool *pool = kzalloc(sizeof(*pool));
	struct size_class *prev = NULL;

	if (!pool)
		return NULL;
	/* from the largest down: a class like the one above it is that one */
	for (int i = ZS_SIZE_CLASSES - 1; i >= 0; i--) {
		uint32_t size = ZS_MIN_ALLOC_SIZE + (uint32_t)i * ZS_SIZE_CLASS_DELTA;
		uint32_t ppz, opz;
		struct size_class *c;

		if (size > ZS_MAX_ALLOC_SIZE)
			size = ZS_MAX_ALLOC_SIZE;
		ppz = chain_size(size);
		opz = ppz * MM_PAGE / size;
		if (prev && prev->pages_per_zspage == ppz && prev->objs_per_zspage == opz) {
			pool->size_class[i] = prev;
			continue;
		}
		c = kzalloc(sizeof(*c));
		if (!c) {
			zs_destroy_pool(pool);
			return NULL;
		}
		c->size = size;
		c->index = (uint32_t)i;
		c->pages_per_zspage = ppz;
		c->objs_per_zspage = opz;
		for (int f = 0; f < ZS_NR_FULLNESS; f++)
			INIT_LIST_HEAD(&c->fullness_list[f]);
		pool->size_class[i] = c;
		prev = c;
	}
	return pool;
}

void zs_destroy_pool(struct zs_pool *pool)
{
	if (!pool)
		return;
	for (int i = 0; i < ZS_SIZE_CLASSES; i++)
		if (pool->size_class[i] && pool->size_class[i]->index == (uint32_t)i)
			kfree(pool->size_class[i]);
	kfree(pool);
}

static int size_class_index(uint32_t size)
{
	uint32_t idx = 0;

	if (size > ZS_MIN_ALLOC_SIZE)
		idx = (size - ZS_MIN_ALLOC_SIZE + ZS_SIZE_CLASS_DELTA - 1) / ZS_SIZE_CLASS_DELTA;
	return idx < ZS_SIZE_CLASSES - 1 ? (int)idx : ZS_SIZE_CLASSES - 1;
}

const struct size_class *zs_class_of(const struct zs_pool *pool, uint32_t len)
{
	return pool->size_class[size_class_index(len + ZS_HANDLE_SIZE)];
}

/* 0 empty, 11 full, else 1 + the tenth of use it reached (kernel: get_fullness_group). */
static uint8_t fullness_of(const struct size_class *c, const struct zspage *z)
{
	if (!z->inuse)
		return RATIO_0;
	if (z->inuse == c->objs_per_zspage)
		return RATIO_100;
	return (uint8_t)(100 * z->inuse / c->objs_per_zspage / 10 + 1);
}

/* Move z to the group its count now says, at the group's head (insert_zspage). */
static void fix_fullness(struct size_class *c, struct zspage *z)
{
	uint8_t f = fullness_of(c, z);

	if (f == z->fullness)
		return;
	list_del(&z->list);
	list_add(&z->list, &c->fullness_list[f]);
	z->fullness = f;
}

/* The pages of a zspage back to the buddy allocator. */
static void free_chain(struct machine *m, struct zspage *z, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		mod_zone_page_state(page_zone(m, z->pages[i]), NR_ZSPAGES, -1);
		free_pages(m, z->pages[i], 0);
	}
}

/*
 * A new zspage of class c (alloc_zspage): its pages one by one, movable,
 * never reclaiming for it; NULL (nothing kept) when one is missing. The
 * failure asks no retry of the command (GFP_NOWAIT|__GFP_NORETRY).
 */
static struct zspage *alloc_zspage(struct machine *m, struct size_class *c, int nid)
{
	struct zspage *z = kzalloc(sizeof(*z));
	int failed = m->alloc_failed;

	if (!z)
		return NULL;
	/* cache_alloc_zspage */
	z->slab = kmem_cache_alloc_at(m, KMEM_FTRACE_EVENT_FIELD, -1, "alloc_zspage");
	for (uint32_t i = 0; i < c->pages_per_zspage; i++) {
		z->pages[i] = alloc_pages(m, GFP_HIGHUSER_MOVABLE, 0, nid);
		if (!z->pages[i]) {
			free_chain(m, z, i);
			kmem_cache_free_at(m, KMEM_FTRACE_EVENT_FIELD, z->slab, "alloc_zspage");
			kfree(z);
			m->alloc_failed = failed;
			return NULL;
		}
		mod_zone_page_state(page_zone(m, z->pages[i]), NR_ZSPAGES, 1);
	}
	return z;
}

struct zs_handle *zs_malloc(struct machine *m, struct zs_pool *pool, const void *src,
			    uint32_t len, int nid)
{
	struct size_class *c = pool->size_class[size_class_index(len + ZS_HANDLE_SIZE)];
	struct zs_handle *h = kmalloc(sizeof(*h) + len);
	struct zspage *z = NULL;

	if (!h)
		return NULL;
	/* the fullest zspage with room (find_get_zspage) */
	for (int f = RATIO_99; f >= RATIO_0 && !z; f--)
		if (!list_empty(&c->fullness_list[f]))
			z = list_first_entry(&c->fullness_list[f], struct zspage, list);
	if (!z) {
		z = alloc_zspage(m, c, nid);
		if (!z) {
			kfree(h);
			return NULL;
		}
		z->class_idx = (uint16_t)c->index;
		z->fullness = RATIO_0;
		list_add(&z->list, &c->fullness_list[RATIO_0]);
		pool->pages_allocated += c->pages_per_zspage;
		c->objs_allocated += c->objs_per_zspage;
	}
	z->inuse++;
	c->objs_inuse++;
	fix_fullness(c, z);
	h->zspage = z;
	h->len = len;
	memcpy(h->data, src, len);
	return h;
}

void zs_free(struct machine *m, struct zs_pool *pool, struct zs_handle *h)
{
	struct zspage *z = h->zspage;
	struct size_class *c = pool->size_class[z->class_idx];

	kfree(h);
	z->inuse--;
	c->objs_inuse--;
	fix_fullness(c, z);
	if (z->inuse)
		return;
	/* empty: its pages go back at once (free_zspage) */
	list_del(&z->list);
	free_chain(m, z, c->pages_per_zspage);
	pool->pages_allocated -= c->pages_per_zspage;
	c->objs_allocated -= c->objs_per_zspage;
	kmem_cache_free_at(m, KMEM_FTRACE_EVENT_FIELD, z->slab, "__free_zspage");
	kfree(z);
}

#define MAX_REPORTS 16
#define REPORT(...) do { if (bad++ < MAX_REPORTS) rbl_printf(out, __VA_ARGS__); } while (0)

int zs_check(struct machine *m, const struct zs_pool *pool, const uint64_t *inuse,
	     const char *name, struct rbuf_lite *out)
{
	uint64_t pages = 0;
	int bad = 0;

	for (int i = 0; i < ZS_SIZE_CLASSES; i++) {
		const struct size_class *c = pool->size_class[i];
		uint64_t zspages = 0, objs = 0;

		if (c->index != (uint32_t)i)
			continue;
		for (int f = 0; f < ZS_NR_FULLNESS; f++) {
			const struct list_head *pos;

			list_for_each(pos, &c->fullness_list[f]) {
				const struct zspage *z = list_entry(pos, struct zspage, list);

				zspages++;
				objs += z->inuse;
				for (uint32_t p = 0; p < c->pages_per_zspage; p++)
					if (!z->pages[p] || z->pages[p]->refcount != 1 ||
					    PageFlag(z->pages[p], PG_buddy))
						REPORT("zswap pool %s: a zspage of class %u has page %u "
						       "not held\n", name, c->size, p);
				if (z->fullness != f || fullness_of(c, z) != f || !z->inuse)
					REPORT("zswap pool %s: a zspage of class %u with %u objects "
					       "is in fullness group %d\n", name, c->size, z->inuse, f);
			}
		}
		if (objs != c->objs_inuse || objs != inuse[i])
			REPORT("zswap pool %s: class %u holds %llu objects, counts %llu, "
			       "its entries %llu\n", name, c->size, (unsigned long long)objs,
			       (unsigned long long)c->objs_inuse, (unsigned long long)inuse[i]);
		if (c->objs_allocated != zspages * c->objs_per_zspage)
			REPORT("zswap pool %s: class %u has %llu zspages but counts %llu slots\n",
			       name, c->size, (unsigned long long)zspages,
			       (unsigned long long)c->objs_allocated);
		pages += zspages * c->pages_per_zspage;
	}
	if (pages != pool->pages_allocated)
		REPORT("zswap pool %s: its zspages have %llu pages, pages_allocated says %llu\n",
		       name, (unsigned long long)pages, (unsigned long long)pool->pages_allocated);
	return bad;
}
