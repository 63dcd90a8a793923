// SPDX-License-Identifier: MIT
/*
 * page_alloc_slow.c - the allocator's slow path after a failure (kernel:
 * __alloc_pages_slowpath, should_reclaim_retry, __alloc_pages_may_oom in
 * mm/page_alloc.c; reclaim.md §1).
 *
 * alloc_pages never reclaims: a failure at the min watermark is recorded
 * and the allocation returns NULL. The loops that fault pages in (touch,
 * populate, proc/PID/mem, file writes) and the commands that allocate
 * (fork, exec, mmap...) hold no page or PTE pointer across that point, so
 * they call alloc_retry and simply take the failed step again, which is
 * what Linux's retry loop amounts to. alloc_retry reclaims directly; a
 * pass that frees nothing counts towards MAX_RECLAIM_RETRIES, and retries
 * stop early when even freeing every reclaimable page could not lift a
 * zone above min. Then the OOM killer frees memory by killing a process;
 * the allocation is retried and normally succeeds. Costly orders (> 3)
 * never get here: alloc_pages records only orders <= 3.
 */
#include "internal.h"
#include "oom_kill.h"
#include "page_alloc.h"
#include "swap.h"
#include "vmscan.h"

/* What reclaim could free in a zone: the file lists, and anon while swap has room. */
static uint64_t zone_reclaimable_pages(struct machine *m, struct zone *z)
{
	uint64_t n = (uint64_t)(z->vm_stat[NR_ZONE_INACTIVE_FILE] + z->vm_stat[NR_ZONE_ACTIVE_FILE]);

	if (nr_swap_pages(m) > 0)
		n += (uint64_t)(z->vm_stat[NR_ZONE_INACTIVE_ANON] + z->vm_stat[NR_ZONE_ACTIVE_ANON]);
	return n;
}

/*
 * Retry after a reclaim pass that freed nothing? Not after 16 such passes
 * in a row, nor when no zone would pass min even with all it could reclaim.
 */
static int should_reclaim_retry(struct machine *m, struct alloc_retry *st, unsigned gfp, int order,
				int nid, uint64_t nodemask)
{
	enum zone_type high = gfp_zone(gfp);

	if (++st->no_progress_loops > MAX_RECLAIM_RETRIES)
		return 0;
	for (int i = 0; i < m->nr_nodes; i++) {
		struct pglist_data *pgdat = m->node[(nid + i) % m->nr_nodes];

		if (nodemask && !(nodemask >> pgdat->node_id & 1))
			continue;

		for (int z = (int)high; z >= 0; z--) {
			struct zone *zone = &pgdat->node_zones[z];
			int64_t available;

			if (!managed_zone(zone))
				continue;
			available = (int64_t)(zone_reclaimable_pages(m, zone) + zone_free_pages(zone));
			if (available - (1LL << order) + 1 >
			    (int64_t)(wmark_pages(zone, WMARK_MIN) + zone->lowmem_reserve[high]))
				return 1;
		}
	}
	return 0;
}

int alloc_retry(struct machine *m, struct alloc_retry *st)
{
	unsigned gfp = m->alloc_fail_gfp;
	int order = m->alloc_fail_order, nid = m->alloc_fail_nid;
	uint64_t progress, nodemask = m->alloc_fail_nodemask, scanned;

	lockdep_assert_held(m);
	if (!m->alloc_failed)
		return ALLOC_FAIL;	/* ENOMEM of policy (a limit), not of memory */
	m->alloc_failed = 0;
	m->reclaim_nodemask = nodemask;
	scanned = (uint64_t)m->vm_events[PGSCAN_DIRECT];
	progress = try_to_free_pages(m, order, gfp, nid);
	psi_memstall(m, ((uint64_t)m->vm_events[PGSCAN_DIRECT] - scanned) * PSI_SCAN_NS, 1);
	m->reclaim_nodemask = 0;
	if (progress) {
		st->no_progress_loops = 0;
		return ALLOC_RETRY;
	}
	if (should_reclaim_retry(m, st, gfp, order, nid, nodemask))
		return ALLOC_RETRY;
	switch (out_of_memory(m, gfp, order, nodemask)) {
	case OOM_KILLED:
		st->no_progress_loops = 0;	/* a kill is progress */
		return ALLOC_RETRY;
	case OOM_KILLED_CURRENT:
		return ALLOC_KILLED;
	default:
		return ALLOC_FAIL;
	}
}
