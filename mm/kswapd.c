// SPDX-License-Identifier: MIT
/*
 * kswapd.c - who reclaims and when (kernel: kswapd, balance_pgdat,
 * wakeup_kswapd, try_to_free_pages in mm/vmscan.c; reclaim.md §1-§3).
 *
 * kswapd. Each node has one. An allocation that finds every zone below
 * its low watermark wakes it (unless the node is balanced, or kswapd gave
 * up after 16 runs that freed nothing); the allocation itself goes on
 * down to min. Linux's kswapd is a thread; here it runs at defined points
 * of the command sequence (kswapd_run): at each 2 MiB step of a long
 * command, where a real CPU would let it in (cond_resched), and at the end
 * of every command that allocates. A run is one balance_pgdat: priority
 * 12 down to 1 until some zone is above high (pageoutrun). Then it naps
 * 100 ms of simulated time: woken again during the nap counts
 * kswapd_low_wmark_hit_quickly; finding the node unbalanced when the nap
 * ends, kswapd_high_wmark_hit_quickly (and it runs at once). The model is
 * deterministic: the same commands wake and run it at the same points.
 *
 * Direct reclaim: an allocation that failed at min makes its task reclaim
 * 32 pages itself (allocstall_<zone>), priority 12 down to 0, once more
 * with forced deactivation if that freed nothing. The retry rules around
 * it are page_alloc_slow.c's.
 */
#include "internal.h"
#include "trace.h"
#include "compaction.h"
#include "page_alloc.h"
#include "swap.h"
#include "vmscan.h"

enum { KSWAPD_ASLEEP, KSWAPD_WOKEN, KSWAPD_NAPPING };

#define KSWAPD_NAP_NS	100000000ULL	/* HZ/10 */

int pgdat_balanced(struct machine *m, struct pglist_data *pgdat, int order,
		   enum zone_type highest_zoneidx)
{
	int eligible = 0;

	for (int z = 0; z <= (int)highest_zoneidx && z < MAX_NR_ZONES; z++) {
		struct zone *zone = &pgdat->node_zones[z];

		if (!managed_zone(zone))
			continue;
		eligible = 1;
		if (zone_watermark_ok(m, zone, (unsigned)order, wmark_pages(zone, WMARK_HIGH),
				      highest_zoneidx, 0))
			return 1;
	}
	return !eligible;	/* a node with no eligible zone counts as balanced */
}

static int kswapd_hopeless(struct pglist_data *pgdat)
{
	return pgdat->kswapd_failures >= MAX_RECLAIM_RETRIES;
}

static void wakeup_kswapd(struct machine *m, struct zone *zone, int order,
			  enum zone_type highest_zoneidx, unsigned gfp)
{
	struct pglist_data *pgdat = zone->zone_pgdat;

	if (!managed_zone(zone))
		return;
	if (pgdat->kswapd_highest_zoneidx < (int)highest_zoneidx)
		pgdat->kswapd_highest_zoneidx = (int)highest_zoneidx;
	if (pgdat->kswapd_order < order)
		pgdat->kswapd_order = order;
	if (pgdat->kswapd_state == KSWAPD_WOKEN)
		return;		/* awake already: it reads the new request */
	if (kswapd_hopeless(pgdat) || pgdat_balanced(m, pgdat, order, highest_zoneidx))
		return;
	if (pgdat->kswapd_state == KSWAPD_NAPPING && m->sim_ns < pgdat->kswapd_nap_end)
		count_vm_event(m, KSWAPD_LOW_WMARK_HIT_QUICKLY);
	trace_mm_vmscan_wakeup_kswapd(m, pgdat->node_id, highest_zoneidx, order, gfp);
	pgdat->kswapd_state = KSWAPD_WOKEN;
	m->kswapd_active = 1;
}

void wake_all_kswapds(struct machine *m, struct zone *const *zl, int nz, int order,
		      enum zone_type highest_zoneidx, unsigned gfp)
{
	struct pglist_data *last = NULL;

	for (int i = 0; i < nz; i++) {
		if (zl[i]->zone_pgdat == last)
			continue;
		last = zl[i]->zone_pgdat;
		wakeup_kswapd(m, zl[i], order, highest_zoneidx, gfp);
	}
}

/* Age the anon lists a little before each round, for consistent aging. */
static void kswapd_age_node(struct machine *m, struct pglist_data *pgdat, struct scan_control *sc)
{
	if (!can_age_anon_pages(m) || !inactive_is_low(pgdat, LRU_INACTIVE_ANON))
		return;
	shrink_active_list(m, pgdat, LRU_ACTIVE_ANON, SWAP_CLUSTER_MAX, sc);
}

/* One round: reclaim what the eligible zones' high watermarks add up to. */
static int kswapd_shrink_node(struct machine *m, struct pglist_data *pgdat, struct scan_control *sc)
{
	sc->nr_to_reclaim = 0;
	for (int z = 0; z <= (int)sc->reclaim_idx && z < MAX_NR_ZONES; z++) {
		struct zone *zone = &pgdat->node_zones[z];
		uint64_t high = wmark_pages(zone, WMARK_HIGH);

		if (managed_zone(zone))
			sc->nr_to_reclaim += high > SWAP_CLUSTER_MAX ? high : SWAP_CLUSTER_MAX;
	}
	shrink_node(m, pgdat, sc);
	/* twice the request reclaimed: fragmentation is compaction's business now */
	if (sc->order && sc->nr_reclaimed >= 2ULL << sc->order)
		sc->order = 0;
	/* scanning that much would meet the goal at full efficiency: no need to push harder */
	return sc->nr_scanned >= sc->nr_to_reclaim;
}

static void balance_pgdat(struct machine *m, struct pglist_data *pgdat, int order,
			  enum zone_type highest_zoneidx)
{
	struct scan_control sc = {
		.gfp = GFP_KERNEL, .order = order, .may_unmap = 1, .who = RECLAIMER_KSWAPD,
	};

	count_vm_event(m, PAGEOUTRUN);
restart:
	sc.priority = DEF_PRIORITY;
	do {
		uint64_t before = sc.nr_reclaimed;
		int raise = 1;

		sc.reclaim_idx = highest_zoneidx;
		if (pgdat_balanced(m, pgdat, sc.order, highest_zoneidx))
			goto out;
		sc.may_writepage = !m->tun.laptop_mode || sc.priority < DEF_PRIORITY - 2;
		sc.may_swap = 1;
		kswapd_age_node(m, pgdat, &sc);
		sc.nr_scanned = 0;
		if (kswapd_shrink_node(m, pgdat, &sc))
			raise = 0;
		if (raise || sc.nr_reclaimed == before)
			sc.priority--;
	} while (sc.priority >= 1);
	/* all the way down and the cache-first rule got nowhere: once more without it */
	if (!sc.nr_reclaimed && !sc.no_cache_trim_mode && sc.cache_trim_mode_failed) {
		sc.no_cache_trim_mode = 1;
		goto restart;
	}
	if (!sc.nr_reclaimed)
		pgdat->kswapd_failures++;
out:
	snapshot_refaults(pgdat);
}

/* kswapd's task name, as the kernel names the thread of node n */
static const char *kswapd_comm(int n)
{
	static const char *const names[] = {
		"kswapd0", "kswapd1", "kswapd2", "kswapd3", "kswapd4", "kswapd5", "kswapd6", "kswapd7",
	};

	return n < 8 ? names[n] : "kswapd";
}

void kswapd_run(struct machine *m)
{
	int active = 0;

	lockdep_assert_held(m);
	if (!m->kswapd_active) {
		kcompactd_run(m);	/* kcompactd's point is kswapd's (compaction_node.c) */
		return;
	}
	for (int n = 0; n < m->nr_nodes; n++) {
		struct pglist_data *pgdat = m->node[n];
		enum zone_type idx = MAX_NR_ZONES - 1;
		uint64_t scanned;
		int order;

		if (pgdat->kswapd_state == KSWAPD_NAPPING && m->sim_ns >= pgdat->kswapd_nap_end) {
			/* the nap is over: still balanced, sleep until woken; else back to work */
			if (kswapd_hopeless(pgdat) || pgdat_balanced(m, pgdat, 0, idx)) {
				struct trace_kthread save;

				trace_kthread_enter(m, &save, kswapd_comm(n));
				trace_mm_vmscan_kswapd_sleep(m, n);
				trace_kthread_exit(m, &save);
				pgdat->kswapd_state = KSWAPD_ASLEEP;
				pgdat->reclaim_dirty = 0;
			} else {
				count_vm_event(m, KSWAPD_HIGH_WMARK_HIT_QUICKLY);
				pgdat->kswapd_state = KSWAPD_WOKEN;
			}
		}
		if (pgdat->kswapd_state == KSWAPD_WOKEN) {
			struct trace_kthread save;

			if (pgdat->kswapd_highest_zoneidx >= 0)
				idx = (enum zone_type)pgdat->kswapd_highest_zoneidx;
			order = pgdat->kswapd_order;
			pgdat->kswapd_order = 0;
			pgdat->kswapd_highest_zoneidx = -1;
			trace_kthread_enter(m, &save, kswapd_comm(n));
			trace_mm_vmscan_kswapd_wake(m, n, idx, order);
			scanned = (uint64_t)m->vm_events[PGSCAN_KSWAPD];
			balance_pgdat(m, pgdat, order, idx);
			/* kswapd's memstall: SOME, the faulting task runs on meanwhile */
			psi_memstall(m, ((uint64_t)m->vm_events[PGSCAN_KSWAPD] - scanned) * PSI_SCAN_NS, 0);
			if (kswapd_hopeless(pgdat) || pgdat_balanced(m, pgdat, 0, idx)) {
				/* kswapd_try_to_sleep: skip bits cleared, kcompactd woken for the order */
				reset_isolation_suitable(m, pgdat);
				/* by kswapd: its events are kswapd0's */
				wakeup_kcompactd(m, pgdat, order, (int)idx);
				pgdat->kswapd_state = KSWAPD_NAPPING;
				pgdat->kswapd_nap_end = m->sim_ns + KSWAPD_NAP_NS;
			} else {
				/* progress but not balanced: it goes on at the next point */
				count_vm_event(m, KSWAPD_HIGH_WMARK_HIT_QUICKLY);
			}
			trace_kthread_exit(m, &save);
		}
		active |= pgdat->kswapd_state != KSWAPD_ASLEEP;
	}
	m->kswapd_active = active;
	kcompactd_run(m);
}

/* ---- direct reclaim ---- */

/*
 * The highest zone reclaim may take from (sc.reclaim_idx). Linux's user and
 * page-cache pages are GFP_HIGHUSER_MOVABLE, whose __GFP_MOVABLE|__GFP_HIGHMEM
 * names ZONE_MOVABLE: so a stall for one counts in allocstall_movable
 * (reclaim.md §1). ZONE_MOVABLE holds no pages here, so nothing but the
 * counter differs from ZONE_NORMAL.
 */
static enum zone_type reclaim_zone(unsigned gfp)
{
	enum zone_type z = gfp_zone(gfp);

	return (gfp & __GFP_MOVABLE) && z == ZONE_NORMAL ? ZONE_MOVABLE : z;
}

uint64_t try_to_free_pages(struct machine *m, int order, unsigned gfp, int nid)
{
	struct scan_control sc = {
		.nr_to_reclaim = SWAP_CLUSTER_MAX, .gfp = gfp, .order = order,
		.reclaim_idx = reclaim_zone(gfp), .who = RECLAIMER_DIRECT,
		.may_writepage = !m->tun.laptop_mode, .may_unmap = 1, .may_swap = 1,
	};

	lockdep_assert_held(m);
	if (nid < 0 || nid >= m->nr_nodes)
		nid = 0;
	trace_mm_vmscan_direct_reclaim_begin(m, order, gfp);
	count_vm_event(m, ALLOCSTALL_DMA + sc.reclaim_idx);
retry:
	sc.priority = DEF_PRIORITY;
	do {
		sc.nr_scanned = 0;
		/* each node of the zonelist once, the preferred one first */
		for (int i = 0; i < m->nr_nodes; i++) {
			int n = (nid + i) % m->nr_nodes;

			/* a policy's nodemask bounds reclaim too (shrink_zones' sc->nodemask) */
			if (m->reclaim_nodemask && !(m->reclaim_nodemask >> n & 1))
				continue;
			shrink_node(m, m->node[n], &sc);
		}
		if (sc.nr_reclaimed >= sc.nr_to_reclaim)
			break;
		if (sc.priority < DEF_PRIORITY - 2)
			sc.may_writepage = 1;
	} while (--sc.priority >= 0);
	for (int i = 0; i < m->nr_nodes; i++)
		snapshot_refaults(m->node[i]);
	if (sc.nr_reclaimed || !sc.skipped_deactivate) {
		trace_mm_vmscan_direct_reclaim_end(m, sc.nr_reclaimed);
		return sc.nr_reclaimed;
	}
	/* the active lists were spared on estimates: try again with them */
	if (sc.skipped_deactivate) {
		sc.force_deactivate = 1;
		sc.skipped_deactivate = 0;
		goto retry;
	}
	return 0;
}

int kswapd_check(struct machine *m, struct rbuf_lite *out)
{
	int active = 0, bad = 0;

	for (int n = 0; n < m->nr_nodes; n++) {
		const struct pglist_data *pgdat = m->node[n];

		if (pgdat->kswapd_state != KSWAPD_ASLEEP)
			active = 1;
		if (pgdat->kswapd_state > KSWAPD_NAPPING) {
			rbl_printf(out, "node %d: kswapd in state %d\n", n, pgdat->kswapd_state);
			bad++;
		}
	}
	/* a kswapd that is awake but not flagged would never run again */
	if (active != !!m->kswapd_active) {
		rbl_printf(out, "kswapd_active is %d, but %s node's kswapd is awake\n",
			   m->kswapd_active, active ? "a" : "no");
		bad++;
	}
	return bad;
}
