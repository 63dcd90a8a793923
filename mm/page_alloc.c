/* SPDX-License-Identifier: MIT */
/*
 * page_alloc.c - the buddy allocator: free lists, split, merge, fallback.
 *
 * Invariants kept here and verified by check.c:
 *  - a free block of order o starts at a pfn aligned to 2^o, lies inside one
 *    zone, and covers only usable pfns;
 *  - its head page has PG_buddy, private = o, refcount 0;
 *  - it is on free_area[o].free_list[mt] where mt is its pageblock's type
 *    (blocks of pageblock_order or more: every covered pageblock has mt);
 *  - nr_free counts list entries plus pristine blocks; NR_FREE_PAGES is
 *    Σ nr_free × 2^o and NR_FREE_PAGES_BLOCKS the same for o ≥ pageblock_order.
 *
 * Watermark and fallback policy follow Linux 6.x (mm/page_alloc.c); the
 * per-cpu page lists are not modelled (zoneinfo shows count 0), so every
 * order-0 allocation goes straight to the buddy lists.
 */
#include <limits.h>
#include <string.h>

#include "internal.h"
#include "trace.h"
#include "page_alloc.h"
#include "page_owner.h"
#include "vmscan.h"

/* alloc_flags */
#define ALLOC_WMARK_MIN		0x0
#define ALLOC_WMARK_LOW		0x1
#define ALLOC_HIGH		0x2

static const int fallbacks[MIGRATE_PCPTYPES][MIGRATE_PCPTYPES - 1] = {
	[MIGRATE_UNMOVABLE]   = { MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE },
	[MIGRATE_MOVABLE]     = { MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE },
	[MIGRATE_RECLAIMABLE] = { MIGRATE_UNMOVABLE, MIGRATE_MOVABLE },
};

int gfp_migratetype(unsigned gfp)
{
	if (gfp & __GFP_MOVABLE)
		return MIGRATE_MOVABLE;
	if (gfp & __GFP_RECLAIMABLE)
		return MIGRATE_RECLAIMABLE;
	return MIGRATE_UNMOVABLE;
}

enum zone_type gfp_zone(unsigned gfp)
{
	if (gfp & __GFP_DMA)
		return ZONE_DMA;
	if (gfp & __GFP_DMA32)
		return ZONE_DMA32;
	return ZONE_NORMAL;	/* ZONE_MOVABLE is never populated here */
}

/*
 * The zone of a pfn: its node (nodes split RAM evenly, so a short search
 * over node starts), then the fixed zone limits. On every page's path
 * (LRU, rmap, free), so no scan over zones.
 */
struct zone *pfn_zone(struct machine *m, uint64_t pfn)
{
	int lo = 0, hi = m->nr_nodes - 1;
	struct pglist_data *pgdat;
	struct zone *z;

	while (lo < hi) {	/* the last node starting at or below pfn */
		int mid = (lo + hi + 1) / 2;

		if (m->node[mid]->node_start_pfn <= pfn)
			lo = mid;
		else
			hi = mid - 1;
	}
	pgdat = m->node[lo];
	if (pfn < pgdat->node_start_pfn || pfn >= pgdat->node_start_pfn + pgdat->node_spanned_pages)
		return NULL;
	z = &pgdat->node_zones[pfn < DMA_END_PFN ? ZONE_DMA : pfn < DMA32_END_PFN ? ZONE_DMA32 : ZONE_NORMAL];
	return z->spanned_pages && pfn >= z->zone_start_pfn && pfn < zone_end_pfn(z) ? z : NULL;
}

int pageblock_migratetype(struct machine *m, uint64_t pfn)
{
	return m->pageblock_mt[pfn >> pageblock_order];
}

void set_pageblock_migratetype(struct machine *m, uint64_t pfn, int mt)
{
	m->pageblock_mt[pfn >> pageblock_order] = (uint8_t)mt;
}

uint64_t zone_free_pages(const struct zone *z)
{
	return (uint64_t)z->vm_stat[NR_FREE_PAGES];
}

/* ---- free lists ---- */

static void account_freepages(struct zone *z, unsigned order, int mt, int64_t sign)
{
	int64_t nr = sign * (int64_t)(1ULL << order);

	if (mt == MIGRATE_ISOLATE)
		return;
	z->vm_stat[NR_FREE_PAGES] += nr;
	if (order >= pageblock_order)
		z->vm_stat[NR_FREE_PAGES_BLOCKS] += nr;
}

static void add_to_free_list(struct machine *m, struct zone *z, uint64_t pfn,
			     unsigned order, int mt)
{
	struct page *page = pfn_to_page(m, pfn);

	VM_BUG_ON(pfn & ((1ULL << order) - 1));
	SetPageFlag(page, PG_buddy);
	page->private = order;
	page->refcount = 0;
	list_add(&page->lru, &z->free_area[order].free_list[mt]);
	z->free_area[order].nr_free[mt]++;
	account_freepages(z, order, mt, 1);
}

static void del_from_free_list(struct zone *z, struct page *page, unsigned order, int mt)
{
	VM_BUG_ON(!PageFlag(page, PG_buddy) || page->private != order);
	list_del(&page->lru);
	ClearPageFlag(page, PG_buddy);
	page->private = 0;
	z->free_area[order].nr_free[mt]--;
	account_freepages(z, order, mt, -1);
}

static int pristine_blocks(const struct zone *z)
{
	return z->pristine_end > z->pristine_start;
}

/*
 * Take the first block of free_area[order].free_list[mt], or for the top
 * order of Movable, a pristine block once the list is empty. Returns the
 * block's first pfn, or UINT64_MAX when there is none. The block leaves the
 * free accounting.
 */
static uint64_t take_free_block(struct machine *m, struct zone *z, unsigned order, int mt)
{
	struct free_area *area = &z->free_area[order];
	struct page *page;

	if (!list_empty(&area->free_list[mt])) {
		page = list_first_entry(&area->free_list[mt], struct page, lru);
		del_from_free_list(z, page, order, mt);
		return page_to_pfn(m, page);
	}
	if (order == MM_MAX_ORDER && mt == MIGRATE_MOVABLE && pristine_blocks(z)) {
		z->pristine_end -= MAX_ORDER_NR_PAGES;
		area->nr_free[mt]--;
		account_freepages(z, order, mt, -1);
		return z->pristine_end;
	}
	return UINT64_MAX;
}

/*
 * Split a block of order high at pfn down to order low, returning the upper
 * halves to the free lists of their own pageblock type:
 *
 *   high=3: [ low half .... | upper 4 ]  -> upper 4 freed at order 2, recurse
 */
static void expand(struct machine *m, struct zone *z, uint64_t pfn,
		   unsigned low, unsigned high)
{
	while (high > low) {
		uint64_t half;

		high--;
		half = pfn + (1ULL << high);
		add_to_free_list(m, z, half, high, pageblock_migratetype(m, half));
	}
}

static uint64_t rmqueue_smallest(struct machine *m, struct zone *z, unsigned order, int mt)
{
	for (unsigned o = order; o <= MM_MAX_ORDER; o++) {
		uint64_t pfn = take_free_block(m, z, o, mt);

		if (pfn != UINT64_MAX) {
			expand(m, z, pfn, order, o);
			return pfn;
		}
	}
	return UINT64_MAX;
}

/* Move every free block inside the pageblock of pfn onto new_mt's lists. */
static uint64_t move_freepages_block(struct machine *m, struct zone *z, uint64_t pfn, int new_mt)
{
	uint64_t start = pfn & ~(pageblock_nr_pages - 1), moved = 0;
	int old_mt = pageblock_migratetype(m, start);

	for (uint64_t p = start; p < start + pageblock_nr_pages;) {
		struct page *page = pfn_to_page(m, p);

		if (p >= zone_end_pfn(z) || p < z->zone_start_pfn || !PageFlag(page, PG_buddy)) {
			p++;
			continue;
		}
		unsigned order = (unsigned)page->private;

		del_from_free_list(z, page, order, old_mt);
		add_to_free_list(m, z, p, order, new_mt);
		moved += 1ULL << order;
		p += 1ULL << order;
	}
	set_pageblock_migratetype(m, start, new_mt);
	return moved;
}

static int can_claim_block(unsigned order, int start_mt)
{
	return order >= pageblock_order / 2 || start_mt == MIGRATE_RECLAIMABLE ||
	       start_mt == MIGRATE_UNMOVABLE;
}

/*
 * No block of the wanted type: take one from a fallback type, largest
 * first. A large enough block (or any block, for unmovable and reclaimable
 * requests) claims its whole pageblock(s) for the new type, which keeps
 * long-lived unmovable data packed together; otherwise the block is split
 * and its remainder stays with its own pageblock's type.
 */
static uint64_t rmqueue_fallback(struct machine *m, struct zone *z, unsigned order, int start_mt)
{
	for (int o = MM_MAX_ORDER; o >= (int)order; o--) {
		for (int i = 0; i < MIGRATE_PCPTYPES - 1; i++) {
			int fmt = fallbacks[start_mt][i];
			uint64_t pfn;

			if (!z->free_area[o].nr_free[fmt])
				continue;
			if (!can_claim_block((unsigned)o, start_mt) && start_mt == MIGRATE_MOVABLE &&
			    (unsigned)o > order)
				goto find_smallest;
			pfn = take_free_block(m, z, (unsigned)o, fmt);
			if ((unsigned)o >= pageblock_order) {
				for (uint64_t p = pfn; p < pfn + (1ULL << o); p += pageblock_nr_pages)
					set_pageblock_migratetype(m, p, start_mt);
			} else if (can_claim_block((unsigned)o, start_mt)) {
				uint64_t free = move_freepages_block(m, z, pfn, start_mt);

				/* keep the type unless at least half the block was free */
				if (free + (1ULL << o) < pageblock_nr_pages / 2)
					move_freepages_block(m, z, pfn, fmt);
			}
			expand(m, z, pfn, order, (unsigned)o);
			return pfn;
		}
	}
	return UINT64_MAX;

find_smallest:
	for (unsigned o = order; o <= MM_MAX_ORDER; o++) {
		for (int i = 0; i < MIGRATE_PCPTYPES - 1; i++) {
			int fmt = fallbacks[start_mt][i];
			uint64_t pfn;

			if (!z->free_area[o].nr_free[fmt])
				continue;
			pfn = take_free_block(m, z, o, fmt);
			expand(m, z, pfn, order, o);
			return pfn;
		}
	}
	return UINT64_MAX;
}

/*
 * NUMA counters: hit/miss against the preferred zone (the first allowed
 * zone of the requested node's zonelist), local/other against the node of
 * the allocating CPU, which is taken to be the requested node.
 */
static void zone_statistics(struct zone *preferred, struct zone *z, int cpu_nid)
{
	if (z->nid == preferred->nid) {
		z->numa_stat[NUMA_HIT]++;
	} else {
		z->numa_stat[NUMA_MISS]++;
		preferred->numa_stat[NUMA_FOREIGN]++;
	}
	z->numa_stat[z->nid == cpu_nid ? NUMA_LOCAL : NUMA_OTHER]++;
}

static struct page *rmqueue(struct machine *m, struct zone *preferred, struct zone *z,
			    unsigned order, int mt, unsigned gfp, int cpu_nid)
{
	uint64_t pfn = rmqueue_smallest(m, z, order, mt);
	struct page *page;

	if (pfn == UINT64_MAX && mt < MIGRATE_PCPTYPES)
		pfn = rmqueue_fallback(m, z, order, mt);
	if (pfn == UINT64_MAX)
		return NULL;
	/* percpu_refill: an order the per-CPU lists would have taken (pcp_allowed_order) */
	trace_mm_page_alloc_zone_locked(m, pfn, order, mt,
					(order <= PAGE_ALLOC_COSTLY_ORDER || order == pageblock_order) &&
					mt < MIGRATE_PCPTYPES);
	page = pfn_to_page(m, pfn);
	page->refcount = 1;
	page->flags = PAGE_ZONE_VALID | ((uint64_t)z->nid << PAGE_NID_SHIFT) |
		      ((uint64_t)z->idx << PAGE_ZID_SHIFT);
	page->mapping = NULL;
	page->index = 0;
	if (gfp & __GFP_ZERO)
		memset(page_address(m, page), 0, (size_t)MM_PAGE_SIZE << order);
	count_vm_events(m, PGALLOC_DMA + z->idx, 1LL << order);
	zone_statistics(preferred, z, cpu_nid);
	return page;
}

/* ---- watermarks ---- */

int zone_watermark_ok(struct machine *m, struct zone *z, unsigned order,
		      uint64_t mark, enum zone_type highest_zoneidx, unsigned alloc_flags)
{
	int64_t min = (int64_t)mark;
	int64_t free_pages = (int64_t)zone_free_pages(z) - (1LL << order) + 1;

	if (alloc_flags & ALLOC_HIGH)
		min -= min / 2;
	if (free_pages <= min + (int64_t)z->lowmem_reserve[highest_zoneidx])
		return 0;
	if (!order)
		return 1;
	for (unsigned o = order; o <= MM_MAX_ORDER; o++)
		for (int mt = 0; mt < MIGRATE_PCPTYPES; mt++)
			if (z->free_area[o].nr_free[mt])
				return 1;
	return 0;
}

/*
 * find_next_best_node: the local node first, then the nearest unused one;
 * at equal distance a node above the local one before one below, a node
 * without CPUs before one with, the less loaded before the more.
 */
static int find_next_best_node(struct machine *m, int node, uint64_t *used, const int *load)
{
	int best = -1, min_val = INT_MAX;

	if (!(*used & (1ULL << node))) {
		*used |= 1ULL << node;
		return node;
	}
	for (int n = 0; n < m->nr_nodes; n++) {
		int val;

		if (*used & (1ULL << n))
			continue;
		val = m->node_distance[node][n] + (n < node);
		if (mm_node_nr_cpus(m->nr_cpus, m->nr_nodes, n))
			val += 1;	/* PENALTY_FOR_NODE_WITH_CPUS */
		val = val * 1024 + load[n];	/* MAX_NUMNODES of the reference host */
		if (val < min_val) {
			min_val = val;
			best = n;
		}
	}
	if (best >= 0)
		*used |= 1ULL << best;
	return best;
}

/*
 * build_zonelists for every node in id order, as __build_all_zonelists
 * does: node_load, shared by all of them, gives the first node of each
 * distance group a penalty, so that equidistant nodes take turns. With
 * the default SLIT node N falls back to N+1, N+2 ... wrapping.
 */
static void build_node_orders(struct machine *m)
{
	int load[MM_MAX_NODES] = { 0 };

	for (int local = 0; local < m->nr_nodes; local++) {
		uint64_t used = 0;
		int node, prev = local, nr = 0;

		while ((node = find_next_best_node(m, local, &used, load)) >= 0) {
			if (m->node_distance[local][node] != m->node_distance[local][prev])
				load[node]++;
			m->node_order[local][nr++] = (int8_t)node;
			prev = node;
		}
	}
	m->node_order_built = 1;
}

/*
 * Zones in allocation order: the preferred node's zones from the highest
 * allowed downwards, then the other nodes' in build_node_orders' order.
 * Built once per (node, highest zone, THISNODE) on first use: zones never
 * change.
 */
static const struct zonelist *get_zonelist(struct machine *m, unsigned gfp, int nid)
{
	enum zone_type high = gfp_zone(gfp);
	int thisnode = (gfp & __GFP_THISNODE) != 0;
	struct zonelist *zl = &m->zonelists[nid][high][thisnode];

	if (zl->built)
		return zl;
	if (!m->node_order_built)
		build_node_orders(m);
	for (int i = 0; i < m->nr_nodes; i++) {
		struct pglist_data *pgdat = m->node[m->node_order[nid][i]];

		if (i && thisnode)
			break;
		for (int z = (int)high; z >= 0; z--)
			if (managed_zone(&pgdat->node_zones[z]))
				zl->zones[zl->nr++] = &pgdat->node_zones[z];
	}
	zl->built = 1;
	return zl;
}

/*
 * The zones of zl[0, nz) whose node is in nodemask (0: all), in order;
 * zl[0] is the preferred zone: the caller starts zl at the first allowed one.
 */
static struct page *get_page_from_freelist(struct machine *m, unsigned gfp, unsigned order,
					   struct zone *const *zl, int nz, enum zone_watermarks w,
					   unsigned alloc_flags, int nid, uint64_t nodemask)
{
	enum zone_type high = gfp_zone(gfp);

	for (int i = 0; i < nz; i++) {
		struct page *page;

		if (nodemask && !(nodemask >> zl[i]->nid & 1))
			continue;
		if (!zone_watermark_ok(m, zl[i], order, wmark_pages(zl[i], w), high, alloc_flags))
			continue;
		page = rmqueue(m, zl[0], zl[i], order, gfp_migratetype(gfp), gfp, nid);
		if (page) {
			set_page_owner(m, page, order, gfp, w == WMARK_MIN);	/* post_alloc_hook */
			return page;
		}
	}
	return NULL;
}

struct page *alloc_pages(struct machine *m, unsigned gfp, unsigned order, int nid)
{
	return __alloc_pages(m, gfp, order, nid, 0, nid);
}

struct page *__alloc_pages(struct machine *m, unsigned gfp, unsigned order, int nid,
			   uint64_t nodemask, int cpu_nid)
{
	struct zone *allowed[MM_MAX_NODES * MAX_NR_ZONES];
	const struct zonelist *list;
	struct zone *const *zl;
	struct page *page;
	int nz;

	lockdep_assert_held(m);
	if (order > MM_MAX_ORDER)
		return NULL;
	if (nid < 0 || nid >= m->nr_nodes)
		nid = 0;
	list = get_zonelist(m, gfp, nid);
	zl = list->zones;
	nz = list->nr;
	/* for_each_zone_zonelist_nodemask: the zonelist's order, the mask's nodes */
	while (nodemask && nz && !(nodemask >> zl[0]->nid & 1)) {
		zl++;
		nz--;
	}
	if (!nz)
		return NULL;
	/* fast path: stay above the low watermark */
	page = get_page_from_freelist(m, gfp, order, zl, nz, WMARK_LOW, ALLOC_WMARK_LOW, cpu_nid,
				      nodemask);
	if (page)
		goto out;
	/* slow path: kswapd is woken; the allocation may dip to min (half of it for __GFP_HIGH) */
	if (nodemask) {
		int n = 0;

		for (int i = 0; i < nz; i++)
			if (nodemask >> zl[i]->nid & 1)
				allowed[n++] = zl[i];
		zl = allowed;
		nz = n;
	}
	if (!(gfp & __GFP_NOKSWAPD))
		wake_all_kswapds(m, zl, nz, (int)order, gfp_zone(gfp), gfp);
	page = get_page_from_freelist(m, gfp, order, zl, nz, WMARK_MIN,
				      (gfp & __GFP_HIGH) ? ALLOC_HIGH : ALLOC_WMARK_MIN, cpu_nid, 0);
	if (!page && order <= PAGE_ALLOC_COSTLY_ORDER) {
		/* the caller's retry reclaims directly (page_alloc_slow.c) */
		m->alloc_failed = 1;
		m->alloc_fail_gfp = gfp;
		m->alloc_fail_order = (int)order;
		m->alloc_fail_nid = nid;
		m->alloc_fail_nodemask = nodemask;
	}
	if (!page)
		return NULL;
out:
	trace_mm_page_alloc(m, page_to_pfn(m, page), order, gfp, gfp_migratetype(gfp));
	return page;
}

/*
 * Return a block to the buddy lists, merging with free buddies:
 *
 *   buddy_pfn = pfn ^ (1 << order); the merged block starts at pfn & buddy_pfn
 *
 * Merging stops at MAX_ORDER, at a zone edge, at a buddy that is not a free
 * block of the same order, and (for blocks of a pageblock or more) at a
 * buddy whose pageblock type cannot be merged with ours.
 */
static void free_one_page(struct machine *m, struct zone *z, uint64_t pfn, unsigned order)
{
	int mt = pageblock_migratetype(m, pfn);

	while (order < MM_MAX_ORDER) {
		uint64_t buddy_pfn = pfn ^ (1ULL << order);
		struct page *buddy;
		int buddy_mt;

		if (buddy_pfn < z->zone_start_pfn || buddy_pfn >= zone_end_pfn(z))
			break;
		buddy = pfn_to_page(m, buddy_pfn);
		if (!PageFlag(buddy, PG_buddy) || buddy->private != order)
			break;
		buddy_mt = pageblock_migratetype(m, buddy_pfn);
		if (buddy_mt != mt && (order < pageblock_order ||
				       buddy_mt >= MIGRATE_PCPTYPES || mt >= MIGRATE_PCPTYPES))
			break;
		del_from_free_list(z, buddy, order, buddy_mt);
		if (buddy_mt != mt)
			set_pageblock_migratetype(m, buddy_pfn, mt);
		pfn &= buddy_pfn;
		order++;
	}
	add_to_free_list(m, z, pfn, order, mt);
}

void free_pages(struct machine *m, struct page *page, unsigned order)
{
	uint64_t pfn = page_to_pfn(m, page);
	struct zone *z = pfn_zone(m, pfn);

	lockdep_assert_held(m);
	VM_BUG_ON(!z || PageFlag(page, PG_buddy) || order > MM_MAX_ORDER);
	trace_mm_page_free(m, pfn, order);
	page->refcount = 0;
	page->flags = 0;
	page->mapping = NULL;
	reset_page_owner(m, page, order);
	free_one_page(m, z, pfn, order);
	count_vm_events(m, PGFREE, 1LL << order);
}

/*
 * Compaction's free scanner takes a free block as migration targets
 * (kernel: __isolate_free_page, then split_map_pages): unless that would
 * take the zone below min + 2^order free pages, the block at pfn leaves the
 * free lists and its pages go on list as allocated order-0 pages (refcount
 * 1, their zone in flags). Returns the pages taken, 0 for the watermark.
 */
uint64_t isolate_free_block(struct machine *m, struct zone *z, uint64_t pfn, unsigned order,
			    struct list_head *list)
{
	struct page *page = pfn_to_page(m, pfn);

	if (!zone_watermark_ok(m, z, 0, z->_watermark[WMARK_MIN] + (1ULL << order), 0, 0))
		return 0;
	/* never a pristine block: those are order 10, which no target pageblock holds */
	del_from_free_list(z, page, order, pageblock_migratetype(m, pfn));
	for (uint64_t i = 0; i < 1ULL << order; i++) {
		struct page *p = page + i;

		p->flags = PAGE_ZONE_VALID | ((uint64_t)z->nid << PAGE_NID_SHIFT) |
			   ((uint64_t)z->idx << PAGE_ZID_SHIFT);
		p->refcount = 1;
		p->mapping = NULL;
		p->index = 0;
		p->private = 0;
		list_add_tail(&p->lru, list);
	}
	return 1ULL << order;
}

/*
 * The first usable pfn at or after p, below end: past every hole or
 * reserved range p falls in. The ranges are sorted and disjoint, so one
 * pass steps over adjacent ones too, whole, never pfn by pfn (a node's
 * memmap alone is 64K pages per 4 GiB).
 */
static uint64_t skip_unusable(struct machine *m, uint64_t p, uint64_t end)
{
	for (int r = 0; r < m->nr_ranges && p < end; r++)
		if (m->ranges[r].start <= p && p < m->ranges[r].end)
			p = m->ranges[r].end;
	return p < end ? p : end;
}

/*
 * Boot: hand a zone's usable memory to the allocator. The largest usable
 * run's MAX_ORDER-aligned interior becomes the pristine range; everything
 * else is freed block by block, in increasing pfn order as memblock does.
 */
void page_alloc_init_zone(struct machine *m, struct zone *z)
{
	uint64_t best_s = 0, best_e = 0;
	uint64_t s = z->zone_start_pfn, end = zone_end_pfn(z);

	for (int pass = 0; pass < 2; pass++) {
		uint64_t p = z->zone_start_pfn;

		while (p < end) {
			uint64_t run_s, run_e;

			p = skip_unusable(m, p, end);
			run_s = p;
			while (p < end && pfn_kind(m, p) == PFN_USABLE) {
				/* skip whole ranges quickly: find the next range start */
				uint64_t next = end;

				for (int r = 0; r < m->nr_ranges; r++)
					if (m->ranges[r].start > p && m->ranges[r].start < next)
						next = m->ranges[r].start;
				p = next;
			}
			run_e = p;
			if (run_e <= run_s)
				continue;
			if (pass == 0) {
				uint64_t a = (run_s + MAX_ORDER_NR_PAGES - 1) & ~(MAX_ORDER_NR_PAGES - 1);
				uint64_t b = run_e & ~(MAX_ORDER_NR_PAGES - 1);

				if (b > a && b - a > best_e - best_s) {
					best_s = a;
					best_e = b;
				}
				continue;
			}
			for (uint64_t q = run_s; q < run_e;) {
				unsigned order = MM_MAX_ORDER;

				if (q == best_s && best_e > best_s) {
					q = best_e;
					continue;
				}
				while (order && ((q & ((1ULL << order) - 1)) || q + (1ULL << order) > run_e ||
						 (q < best_s && q + (1ULL << order) > best_s)))
					order--;
				free_one_page(m, z, q, order);
				q += 1ULL << order;
			}
		}
		if (pass == 0) {
			z->pristine_start = best_s;
			z->pristine_end = best_e;
		}
	}
	if (best_e > best_s) {
		uint64_t n = (best_e - best_s) >> MM_MAX_ORDER;

		z->free_area[MM_MAX_ORDER].nr_free[MIGRATE_MOVABLE] += n;
		account_freepages(z, MM_MAX_ORDER, MIGRATE_MOVABLE, (int64_t)n);
	}
	(void)s;
}
