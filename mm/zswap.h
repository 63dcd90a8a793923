/* SPDX-License-Identifier: MIT */
/*
 * zswap.h - a compressed cache in front of the swap devices (kernel:
 * mm/zswap.c, include/linux/zswap.h; doc/zswap.md).
 *
 * A page on its way to a swap slot is compressed and kept in memory
 * instead (zswap_store, zswpout); a fault on the slot decompresses it back
 * and forgets the copy (zswap_load, zswpin: the page is dirty again); a
 * freed slot drops its copy (zswap_invalidate). When the pool reaches
 * max_pool_percent of RAM, stores are refused (pool_limit_hit) until it
 * is back under accept_threshold_percent of that, and the shrink worker
 * writes the oldest entries to their slots (zswpwb). All functions expect
 * m->lock held.
 */
#ifndef MM_ZSWAP_H
#define MM_ZSWAP_H

#include <stddef.h>
#include <stdint.h>

#include "list.h"
#include "swap.h"

/* ---- zswap_comp.c: the compressors ---- */

enum { ZSWAP_LZ4, ZSWAP_LZ4HC, ZSWAP_ZSTD, ZSWAP_NR_COMP };
/* The compressor called name, or -1 (not available: Linux's -ENOENT). */
int zswap_comp_find(const char *name);
const char *zswap_comp_name(int comp);
/* A 4096-byte page into dst (4096 bytes of room): the length, or -1 when it does not fit. */
int zswap_compress(int comp, const void *src, void *dst);
/* len bytes back into a 4096-byte page at dst: 0, or -1 (corrupt). */
int zswap_decompress(int comp, const void *src, int len, void *dst);

/* ---- zswap.c ---- */

/* The debugfs counters, in the order Linux creates the files. */
enum zswap_stat {
	ZSWAP_POOL_LIMIT_HIT,
	ZSWAP_REJECT_RECLAIM_FAIL,
	ZSWAP_REJECT_ALLOC_FAIL,
	ZSWAP_REJECT_KMEMCACHE_FAIL,
	ZSWAP_REJECT_COMPRESS_FAIL,
	ZSWAP_REJECT_COMPRESS_POOR,
	ZSWAP_DECOMPRESS_FAIL,
	ZSWAP_WRITTEN_BACK_PAGES,
	ZSWAP_POOL_TOTAL_SIZE,		/* computed: the pools' pages × 4096 */
	ZSWAP_STORED_PAGES,
	ZSWAP_STORED_INCOMPRESSIBLE_PAGES,
	ZSWAP_NR_STATS
};

struct zs_pool;
struct zs_handle;

struct zswap_entry {
	swp_entry_t swpentry;
	uint32_t length;		/* compressed bytes; 4096: stored as it is */
	uint8_t referenced;		/* new: the shrinker passes it over once */
	uint8_t comp;			/* the pool (compressor) it is in */
	uint8_t nid;			/* the LRU it is on: the node of the stored page */
	struct zs_handle *handle;
	struct list_head lru;		/* on zswap->lru[nid], oldest first */
	uint32_t slab;			/* slab.h: its zswap_entry object (in ftrace_event_field) */
};

struct zswap {
	/* sys/module/zswap/parameters */
	int enabled, shrinker_enabled;
	uint32_t max_pool_percent, accept_thr_percent;
	char compressor[1025];		/* as written (before the first enable: unchecked; 1024 at most) */
	int initialized;		/* zswap_setup ran: the pool and debugfs exist */
	int cur_comp;			/* the current pool, -1 before setup */
	int pool_reached_full;		/* refusing stores until under the threshold */
	int shrink_pending;		/* the shrink worker is queued (runs at the command's end) */
	uint64_t stat[ZSWAP_NR_STATS];	/* the counted ones; the computed read as 0 here */
	uint64_t stored_pages, stored_incompressible_pages;
	struct zs_pool *pool[ZSWAP_NR_COMP];	/* one zsmalloc pool per compressor used */
	struct zswap_entry **tree[MAX_SWAPFILES];	/* per device, by slot */
	uint64_t tree_len[MAX_SWAPFILES];
	struct list_head lru[64];	/* per node (MM_MAX_NODES): the list_lru */
	uint64_t nr_lru[64];		/* the entries on each node's list (list_lru_count_node) */
	/* the shrinker ("mm-zswap"): work deferred per node, and pages read from the device */
	int64_t nr_deferred[64];
	uint64_t nr_disk_swapins[64];	/* zswap_lruvec_state: recent disk swap-ins protect the LRU */
};

/* The compressor at boot (CONFIG_ZSWAP_COMPRESSOR_DEFAULT; the host's kernel says lzo). */
#define ZSWAP_DEFAULT_COMP	"lz4"

/* Where e's entry is kept, or NULL (no table for its device, or past its end). */
static inline struct zswap_entry **zswap_slot(struct zswap *z, swp_entry_t e)
{
	unsigned t = swp_type(e);

	if (t >= MAX_SWAPFILES || !z->tree[t] || swp_offset(e) >= z->tree_len[t])
		return NULL;
	return &z->tree[t][swp_offset(e)];
}

/*
 * The shrinker, as Linux with memory cgroups disabled runs it (the
 * pool-wide counts; doc/zswap.md): count is 0 unless shrinker_enabled and
 * the pool is set up, else node nid's LRU length less the recent disk
 * swap-ins, scaled by pool pages / stored pages. scan walks nr_to_scan
 * entries of the LRU (second chance, writeback) and returns the written
 * back, or ZSWAP_SHRINK_STOP when none was or a page was met in the swap
 * cache. zswap_folio_swapin: a page was read from the device (the
 * protection grows).
 */
#define ZSWAP_SHRINK_STOP	(~0ULL - 1)
uint64_t zswap_shrinker_count(struct machine *m, int nid);
uint64_t zswap_shrinker_scan(struct machine *m, int nid, uint64_t nr_to_scan);
void zswap_folio_swapin(struct machine *m, int nid);

/* Boot: the parameters at their defaults (off, lz4, 20, 90, shrinker off). */
int zswap_init(struct machine *m);
void zswap_exit(struct machine *m);
/* swapon / swapoff of device type (a table of max slots; swapoff drops what is left). */
int zswap_swapon(struct machine *m, int type, uint64_t max);
void zswap_swapoff(struct machine *m, int type);

/*
 * Store the nr pages from page on (a folio in the swap cache, its slots
 * from page->swap on): 1 when every page went to the pool (zswpout), 0
 * when zswap is off, full or failed (and no stale copy is left for the
 * slots: the caller writes them to the device).
 */
int zswap_store(struct machine *m, struct page *page, uint64_t nr);
/* Bring e's copy into page (zswpin) and drop it: 0; -ENOENT: not in the pool; -EIO. */
int zswap_load(struct machine *m, swp_entry_t e, struct page *page);
/* The slot was freed: its copy goes. */
void zswap_invalidate(struct machine *m, swp_entry_t e);
/* Is e's page in the pool? */
int zswap_present(struct machine *m, swp_entry_t e);
/* Pages of the pools (meminfo Zswap / 4), and pages stored (Zswapped / 4). */
uint64_t zswap_total_pages(struct machine *m);
uint64_t zswap_stored_pages(struct machine *m);
/* At the end of a command: run the shrink worker if a full pool queued it. */
void zswap_run_pending(struct machine *m);

/* ---- zswap_param.c ---- */

/* Parameters and debugfs (sysctl.c's rows "zswap/<name>", "zswap-debug/<name>"). */
int zswap_param_read(struct machine *m, const char *name, char *buf, size_t len);
int zswap_param_write(struct machine *m, const char *name, const char *buf, size_t len);
int zswap_debug_read(struct machine *m, const char *name, char *buf, size_t len);
/* Has zswap been set up (sys/kernel/debug/zswap exists)? Takes the lock. */
int mm_zswap_initialized(struct machine *m);

/* ---- zswap_check.c ---- */

struct rbuf_lite;
/*
 * check: every entry names its own slot, which is in use and holds no
 * bytes on the device nor a zero mark; the LRU lists hold exactly the
 * entries; stored_pages and stored_incompressible_pages count them; each
 * pool's classes hold its entries (zs_check). Violations, one line each.
 */
int zswap_check(struct machine *m, struct rbuf_lite *out);

#endif
