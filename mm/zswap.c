// SPDX-License-Identifier: MIT
/*
 * zswap.c - the compressed swap cache (kernel: mm/zswap.c of Linux 6.18;
 * the contract is in zswap.h, the behaviour seen on the host in
 * doc/zswap.md).
 *
 * What 6.18 does, and so this does:
 *   - pages of zeros never get here: the swap layer marks them in its
 *     zeromap first (swpout_zero); there is no same-filled handling left
 *     in zswap (removed in 6.12) and no same_filled_pages file;
 *   - a page that does not compress to less than a page is kept as it is,
 *     4096 bytes in zsmalloc's huge class (stored_incompressible_pages):
 *     with no memory cgroup refusing writeback, nothing is rejected for
 *     compressing badly, so reject_compress_poor/fail stay 0;
 *   - a load is exclusive: the page comes back dirty into the swap cache
 *     and the copy goes (zswpin, no pswpin); a fault that needs it is
 *     still a major fault, and readahead reads pages out of the pool too;
 *   - the pool limit: at max_pool_percent of RAM every store is refused
 *     (pool_limit_hit) until the pool is back at accept_threshold_percent
 *     of the limit; a refused store queues the shrink worker, which writes
 *     the oldest entries (a second chance for new ones) to their slots
 *     until the pool is under the threshold (zswpwb, written_back_pages).
 *     Linux runs it on a workqueue; here at the end of the command;
 *   - zswap is set up at its first enable (or compressor change after
 *     it): the pool is created, "zswap: loaded using pool NAME" logged,
 *     and sys/kernel/debug/zswap appears.
 *   - the memory-pressure shrinker (shrinker_enabled), run by
 *     shrink_slab (slub_shrink.c) after the super block shrinker, as
 *     Linux runs it with memory cgroups disabled (doc/zswap.md): it
 *     counts the pool-wide pages and writes back through the same walk.
 * The parameters and debugfs are
 * zswap_param.c's, the invariants zswap_check.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "arena.h"
#include "page_alloc.h"
#include "rmap.h"
#include "swap.h"
#include "workingset.h"
#include "zsmalloc.h"
#include "zswap.h"

#define PAGE			4096u
#define MAX_RECLAIM_RETRIES	16
#define SWAP_CLUSTER_MAX	32

static struct zswap *Z(struct machine *m) { return m->zswap; }

int zswap_init(struct machine *m)
{
	struct zswap *z = kzalloc(sizeof(*z));

	if (!z)
		return -ENOMEM;
	z->max_pool_percent = 20;
	z->accept_thr_percent = 90;
	z->cur_comp = -1;
	snprintf(z->compressor, sizeof(z->compressor), "%s", ZSWAP_DEFAULT_COMP);
	for (int n = 0; n < 64; n++)
		INIT_LIST_HEAD(&z->lru[n]);
	m->zswap = z;
	return 0;
}

void zswap_exit(struct machine *m)
{
	struct zswap *z = Z(m);

	if (!z)
		return;
	for (int t = 0; t < MAX_SWAPFILES; t++)
		zswap_swapoff(m, t);
	for (int c = 0; c < ZSWAP_NR_COMP; c++)
		zs_destroy_pool(z->pool[c]);
	kfree(z);
	m->zswap = NULL;
}

/* ---- entries ---- */

static void entry_free(struct machine *m, struct zswap_entry *entry)
{
	struct zswap *z = Z(m);

	list_del(&entry->lru);
	z->nr_lru[entry->nid]--;
	zs_free(m, z->pool[entry->comp], entry->handle);
	if (entry->length == PAGE)
		z->stored_incompressible_pages--;
	z->stored_pages--;
	kmem_cache_free_at(m, KMEM_FTRACE_EVENT_FIELD, entry->slab, "zswap_entry_cache_free");
	kfree(entry);
}

/* Take e's entry out of its table and free it. */
static void erase(struct machine *m, swp_entry_t e)
{
	struct zswap_entry **s = zswap_slot(Z(m), e);

	if (s && *s) {
		entry_free(m, *s);
		*s = NULL;
	}
}

int zswap_swapon(struct machine *m, int type, uint64_t max)
{
	struct zswap *z = Z(m);

	z->tree[type] = kcalloc(max, sizeof(*z->tree[type]));
	if (!z->tree[type])
		return -ENOMEM;
	z->tree_len[type] = max;
	return 0;
}

void zswap_swapoff(struct machine *m, int type)
{
	struct zswap *z = Z(m);

	if (!z->tree[type])
		return;
	/* swapoff brought every page in; only a machine going down leaves some */
	for (uint64_t off = 0; off < z->tree_len[type]; off++)
		erase(m, swp_entry((unsigned)type, off));
	kfree(z->tree[type]);
	z->tree[type] = NULL;
	z->tree_len[type] = 0;
}

uint64_t zswap_total_pages(struct machine *m)
{
	uint64_t n = 0;

	for (int c = 0; c < ZSWAP_NR_COMP; c++)
		n += zs_get_total_pages(Z(m)->pool[c]);
	return n;
}

uint64_t zswap_stored_pages(struct machine *m)
{
	return Z(m)->stored_pages;
}

int zswap_present(struct machine *m, swp_entry_t e)
{
	struct zswap_entry **s = zswap_slot(Z(m), e);

	return s && *s;
}

void zswap_invalidate(struct machine *m, swp_entry_t e)
{
	if (Z(m))
		erase(m, e);
}

/* ---- the pool limit ---- */

static uint64_t max_pages(struct machine *m)
{
	return m->totalram_pages * Z(m)->max_pool_percent / 100;
}

static uint64_t accept_thr_pages(struct machine *m)
{
	return max_pages(m) * Z(m)->accept_thr_percent / 100;
}

/* Full, or not yet back under the threshold since it was (zswap_check_limits)? */
static int check_limits(struct machine *m)
{
	struct zswap *z = Z(m);
	uint64_t cur = zswap_total_pages(m);

	if (cur >= max_pages(m)) {
		z->stat[ZSWAP_POOL_LIMIT_HIT]++;
		z->pool_reached_full = 1;
	} else if (z->pool_reached_full && cur <= accept_thr_pages(m)) {
		z->pool_reached_full = 0;
	}
	return z->pool_reached_full;
}

/* ---- store and load ---- */

static int store_page(struct machine *m, struct page *page, int comp)
{
	struct zswap *z = Z(m);
	swp_entry_t e = { page->swap };
	struct zswap_entry *entry = kzalloc(sizeof(*entry)), **s = zswap_slot(z, e);
	uint8_t dst[PAGE];
	const void *src = dst;
	int dlen;

	if (!entry) {
		z->stat[ZSWAP_REJECT_KMEMCACHE_FAIL]++;
		return 0;
	}
	/* zswap_entry_cache_alloc(GFP_KERNEL, page_to_nid(page)): merged into a 56-byte cache */
	entry->slab = kmem_cache_alloc_at(m, KMEM_FTRACE_EVENT_FIELD, page_zone(m, page)->nid,
					  "zswap_entry_cache_alloc");
	dlen = zswap_compress(comp, page_address(m, page), dst);
	if (dlen <= 0 || dlen >= (int)PAGE) {
		/* no gain: kept as it is, so writeback keeps the LRU order */
		dlen = PAGE;
		src = page_address(m, page);
	}
	entry->handle = zs_malloc(m, z->pool[comp], src, (uint32_t)dlen, page_zone(m, page)->nid);
	if (!entry->handle || !s) {
		if (entry->handle)
			zs_free(m, z->pool[comp], entry->handle);
		z->stat[ZSWAP_REJECT_ALLOC_FAIL]++;
		kmem_cache_free_at(m, KMEM_FTRACE_EVENT_FIELD, entry->slab, "zswap_entry_cache_free");
		kfree(entry);
		return 0;
	}
	if (*s)		/* a stale copy of this slot (a page dirtied again) */
		entry_free(m, *s);
	*s = entry;
	z->stored_pages++;
	if (dlen == (int)PAGE)
		z->stored_incompressible_pages++;
	entry->swpentry = e;
	entry->length = (uint32_t)dlen;
	entry->comp = (uint8_t)comp;
	entry->referenced = 1;
	entry->nid = (uint8_t)page_zone(m, page)->nid;
	list_add_tail(&entry->lru, &z->lru[entry->nid]);
	z->nr_lru[entry->nid]++;
	swap_slot_clear_data(m, e);	/* no zero mark, no bytes on the device */
	return 1;
}

int zswap_store(struct machine *m, struct page *page, uint64_t nr)
{
	struct zswap *z = Z(m);
	swp_entry_t e = { page->swap };
	uint64_t i;

	if (!z->enabled)
		goto check_old;
	if (check_limits(m))
		goto refused;
	for (i = 0; i < nr; i++)
		if (!store_page(m, page + i, z->cur_comp))
			goto refused;
	count_vm_events(m, ZSWPOUT, (int64_t)nr);
	return 1;
refused:
	if (z->pool_reached_full)
		z->shrink_pending = 1;
check_old:
	/* whatever is stored for these slots is stale now: the device gets the pages */
	for (i = 0; i < nr; i++)
		erase(m, swp_entry(swp_type(e), swp_offset(e) + i));
	return 0;
}

/* The entry's bytes into dst (a page): 0, or -1 (decompress_fail). */
static int decompress(struct zswap *z, const struct zswap_entry *entry, void *dst)
{
	if (entry->length == PAGE) {
		memcpy(dst, entry->handle->data, PAGE);
		return 0;
	}
	if (!zswap_decompress(entry->comp, entry->handle->data, (int)entry->length, dst))
		return 0;
	z->stat[ZSWAP_DECOMPRESS_FAIL]++;
	return -1;
}

int zswap_load(struct machine *m, swp_entry_t e, struct page *page)
{
	struct zswap *z = Z(m);
	struct zswap_entry **s = z->initialized ? zswap_slot(z, e) : NULL;

	if (!s || !*s)
		return -ENOENT;
	if (decompress(z, *s, page_address(m, page)))
		return -EIO;
	ClearPageFlag(page, PG_zeroed);
	count_vm_event(m, ZSWPIN);
	/* the swap cache owns the page now: the caller dirties it */
	entry_free(m, *s);
	*s = NULL;
	return 0;
}

/* ---- writeback ---- */

/*
 * The entry back to its slot (zswap_writeback_entry): a new page in the
 * swap cache gets its bytes, the entry goes (zswpwb), the page is written
 * (pswpout) and, the write over, waits at the inactive tail for reclaim.
 * -EEXIST: the swap cache has the page already; -ENOMEM: no page (or
 * the copy would not decompress).
 */
static int writeback_entry(struct machine *m, struct zswap_entry *entry)
{
	struct zswap *z = Z(m);
	swp_entry_t e = entry->swpentry;
	struct pglist_data *pgdat;
	struct page *page;
	uint64_t shadow;
	int zero, failed = m->alloc_failed;

	if (swap_cache_get(m, e))
		return -EEXIST;
	/* GFP_KERNEL, as Linux's; the worker retries nothing: no failure is left behind */
	page = alloc_pages(m, GFP_KERNEL, 0, entry->nid);
	m->alloc_failed = failed;
	if (!page)
		return -ENOMEM;
	if (decompress(z, entry, page_address(m, page)) || swapcache_prepare(m, e)) {
		free_pages(m, page, 0);
		return -ENOMEM;
	}
	ClearPageFlag(page, PG_zeroed);
	shadow = swap_cache_shadow(m, e);
	page->refcount = 0;	/* the cache's reference is the only one */
	add_to_swap_cache(m, page, e);
	SetPageFlag(page, PG_uptodate);
	workingset_refault(m, page, shadow, 0);
	lru_add(m, page, PageFlag(page, PG_active) ? LRU_ACTIVE_ANON : LRU_INACTIVE_ANON);
	erase(m, e);
	count_vm_event(m, ZSWPWB);
	zero = swap_write_page(m, e, page);
	count_vm_event(m, zero == 1 ? SWPOUT_ZERO : PSWPOUT);
	/* the write ended: PG_reclaim sends it to the inactive tail */
	pgdat = m->node[page_zone(m, page)->nid];
	if (PageFlag(page, PG_lru) && !PageFlag(page, PG_active)) {
		list_move_tail(&page->lru, &pgdat->lru[LRU_INACTIVE_ANON]);
		count_vm_event(m, PGROTATED);
	}
	return 0;
}

/*
 * Up to to_walk entries of node nid's LRU, oldest first (list_lru_walk_one
 * with shrink_memcg_cb): a referenced one loses the mark and goes to the
 * tail, another goes to the tail and is written back. *scanned, *shrunk
 * add up. With stop (the shrinker's walk), a page met in the swap cache
 * ends the walk and sets *stop (LRU_STOP: shrinking into the warm part).
 */
static void walk_lru(struct machine *m, int nid, uint64_t to_walk, uint64_t *scanned,
		     uint64_t *shrunk, int *stop)
{
	struct zswap *z = Z(m);
	struct list_head *head = &z->lru[nid];

	while (!list_empty(head) && to_walk) {
		struct zswap_entry *entry = list_first_entry(head, struct zswap_entry, lru);
		int ret;

		to_walk--;
		(*scanned)++;
		list_move_tail(&entry->lru, head);
		if (entry->referenced) {
			entry->referenced = 0;
			continue;
		}
		/* rotated first: a failure leaves it at the tail, a success frees it */
		ret = writeback_entry(m, entry);
		if (ret) {
			z->stat[ZSWAP_REJECT_RECLAIM_FAIL]++;
			if (ret == -EEXIST && stop) {
				*stop = 1;
				break;
			}
		} else {
			z->stat[ZSWAP_WRITTEN_BACK_PAGES]++;
			(*shrunk)++;
		}
	}
}

/* Write back until the pool is under the accept threshold (shrink_worker). */
static void shrink_worker(struct machine *m)
{
	uint64_t thr = accept_thr_pages(m);
	int failures = 0;

	do {
		uint64_t scanned = 0, shrunk = 0;

		for (int nid = 0; nid < m->nr_nodes; nid++)
			walk_lru(m, nid, SWAP_CLUSTER_MAX, &scanned, &shrunk, NULL);
		/* nothing to scan, or nothing written: a failure; 16 end it */
		if ((!scanned || !shrunk) && ++failures == MAX_RECLAIM_RETRIES)
			break;
	} while (zswap_total_pages(m) > thr);
}

/* ---- the shrinker ---- */

static uint64_t mult_frac(uint64_t x, uint64_t n, uint64_t d)
{
	return (x / d) * n + ((x % d) * n) / d;
}

/*
 * zswap_shrinker_count with memory cgroups disabled: the pool-wide pages
 * and stored pages (there is no cgroup to charge). Every caller here asks
 * with __GFP_IO|__GFP_FS (reclaim for user pages, kswapd, drop_slab's
 * GFP_KERNEL), so the gfp test never says no. The disk swap-ins since
 * the last count protect as many entries (and are used up by it).
 */
uint64_t zswap_shrinker_count(struct machine *m, int nid)
{
	struct zswap *z = Z(m);
	uint64_t freeable, used;

	if (!z || !z->initialized || !z->shrinker_enabled || !z->stored_pages)
		return 0;
	freeable = z->nr_lru[nid];
	if (!freeable)
		return 0;
	used = z->nr_disk_swapins[nid] < freeable ? z->nr_disk_swapins[nid] : freeable;
	z->nr_disk_swapins[nid] -= used;
	freeable -= used;
	if (!freeable)
		return 0;
	/* the better the pool compresses, the less writeback is worth */
	return mult_frac(freeable, zswap_total_pages(m), z->stored_pages);
}

uint64_t zswap_shrinker_scan(struct machine *m, int nid, uint64_t nr_to_scan)
{
	struct zswap *z = Z(m);
	uint64_t scanned = 0, shrunk = 0;
	int stop = 0;

	if (!z->shrinker_enabled)
		return ZSWAP_SHRINK_STOP;
	walk_lru(m, nid, nr_to_scan, &scanned, &shrunk, &stop);
	if (stop || !shrunk)
		return ZSWAP_SHRINK_STOP;
	return shrunk;
}

void zswap_folio_swapin(struct machine *m, int nid)
{
	if (Z(m))
		Z(m)->nr_disk_swapins[nid]++;
}

void zswap_run_pending(struct machine *m)
{
	struct zswap *z = Z(m);

	if (!z || !z->shrink_pending)
		return;
	z->shrink_pending = 0;
	shrink_worker(m);
}
