// SPDX-License-Identifier: MIT
/*
 * compaction_node.c - who runs compaction, and when (kernel: the rest of
 * mm/compaction.c, __alloc_pages_direct_compact in mm/page_alloc.c).
 *
 *  - compact_memory (sysctl) and nodeN/compact: every populated zone of
 *    the node(s), whole, synchronous, skip bits ignored (compact_node).
 *  - kcompactd: kswapd wakes it for the order it was balancing for as it
 *    goes to sleep (kswapd_run); it runs right after kswapd at the same
 *    point of the command sequence, compacting each zone that cannot yet
 *    serve the order at min and is suitable and not deferred
 *    (compact_daemon_wake, compact_daemon_*_scanned). The model has no
 *    timers: kcompactd's 500 ms proactive check runs at the first such
 *    point after 500 ms of simulated time, and compacts a node whose
 *    fragmentation score is above the proactiveness watermark.
 *  - direct compaction: an allocation of a costly order that may reclaim
 *    (a THP fault in a madvised range, the hugetlb pool growing) compacts
 *    its zonelist before it gives up (compact_stall, then compact_success
 *    or compact_fail), with Linux's deferral: after a failure a zone is
 *    passed over 1, 2, 4 ... 64 times (compact_defer_shift) for that
 *    order and above (compact_order_failed).
 */
#include "internal.h"
#include "compaction.h"
#include "trace.h"
#include "page_alloc.h"
#include "task.h"
#include "vmstat.h"

/* ---- deferral: each step traced with the zone's state after it ---- */

#define trace_defer(m, event, z, order) \
	trace_mm_compaction_##event(m, (z)->nid, (z)->idx, order, (z)->compact_considered, \
				    (z)->compact_defer_shift, (z)->compact_order_failed)

void defer_compaction(struct machine *m, struct zone *z, int order)
{
	z->compact_considered = 0;
	z->compact_defer_shift++;
	if (order < z->compact_order_failed)
		z->compact_order_failed = order;
	if (z->compact_defer_shift > COMPACT_MAX_DEFER_SHIFT)
		z->compact_defer_shift = COMPACT_MAX_DEFER_SHIFT;
	trace_defer(m, defer_compaction, z, order);
}

/* Only a deferral (a zone passed over) is traced, not the try that ends one. */
int compaction_deferred(struct machine *m, struct zone *z, int order)
{
	unsigned limit = 1U << z->compact_defer_shift;

	if (order < z->compact_order_failed)
		return 0;
	if (++z->compact_considered >= limit) {
		z->compact_considered = limit;
		return 0;
	}
	trace_defer(m, deferred, z, order);
	return 1;
}

void compaction_defer_reset(struct machine *m, struct zone *z, int order, int alloc_success)
{
	if (alloc_success) {
		z->compact_considered = 0;
		z->compact_defer_shift = 0;
	}
	if (order >= z->compact_order_failed)
		z->compact_order_failed = order + 1;
	trace_defer(m, defer_reset, z, order);
}

/* ---- compact_memory, nodeN/compact ---- */

static void compact_node_cc(struct machine *m, struct pglist_data *pgdat, int proactive)
{
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct compact_control cc = {
			.order = -1, .mode = proactive ? MIGRATE_SYNC_LIGHT : MIGRATE_SYNC,
			.ignore_skip_hint = 1, .whole_zone = 1, .gfp = GFP_KERNEL,
			.proactive_compaction = proactive, .zone = &pgdat->node_zones[i],
		};

		if (!populated_zone(cc.zone))
			continue;
		compact_zone(m, &cc);
		if (proactive) {
			count_vm_events(m, COMPACT_DAEMON_MIGRATE_SCANNED, (int64_t)cc.total_migrate_scanned);
			count_vm_events(m, COMPACT_DAEMON_FREE_SCANNED, (int64_t)cc.total_free_scanned);
		}
	}
}

void compact_node(struct machine *m, int nid)
{
	lockdep_assert_held(m);
	if (nid >= 0 && nid < m->nr_nodes)
		compact_node_cc(m, m->node[nid], 0);
}

void compact_nodes(struct machine *m)
{
	for (int n = 0; n < m->nr_nodes; n++)
		compact_node(m, n);
}

/* The highest populated zone: kcompactd's default (pgdat->nr_zones - 1). */
static int node_top_zone(struct pglist_data *pgdat)
{
	int top = 0;

	for (int i = 0; i < MAX_NR_ZONES; i++)
		if (populated_zone(&pgdat->node_zones[i]))
			top = i;
	return top;
}

static int should_proactive_compact_node(struct machine *m, struct pglist_data *pgdat)
{
	if (!m->tun.compaction_proactiveness || pgdat->kswapd_state == 1 /* KSWAPD_WOKEN */)
		return 0;
	return fragmentation_score_node(m, pgdat) > fragmentation_score_wmark(m, 0);
}

/* A node already triggered is not woken (nor traced) again; the order -1 names the sysctl. */
void compaction_proactiveness_changed(struct machine *m)
{
	if (!m->tun.compaction_proactiveness)
		return;
	for (int n = 0; n < m->nr_nodes; n++) {
		struct pglist_data *pgdat = m->node[n];

		if (pgdat->proactive_compact_trigger)
			continue;
		pgdat->proactive_compact_trigger = 1;
		trace_mm_compaction_wakeup_kcompactd(m, pgdat->node_id, -1, node_top_zone(pgdat));
	}
	m->kcompactd_active = 1;
}

/* ---- kcompactd ---- */

static int kcompactd_node_suitable(struct machine *m, struct pglist_data *pgdat)
{
	int high = pgdat->kcompactd_highest_zoneidx;

	for (int i = 0; i <= high && i < MAX_NR_ZONES; i++) {
		struct zone *z = &pgdat->node_zones[i];

		if (!populated_zone(z))
			continue;
		if (zone_watermark_ok(m, z, (unsigned)pgdat->kcompactd_max_order,
				      wmark_pages(z, WMARK_MIN), (enum zone_type)high, 0))
			continue;	/* the allocation can already succeed here */
		if (compaction_suitable(m, z, pgdat->kcompactd_max_order, high))
			return 1;
	}
	return 0;
}

void wakeup_kcompactd(struct machine *m, struct pglist_data *pgdat, int order, int highest_zoneidx)
{
	if (!order)
		return;
	if (!pgdat->kcompactd_max_order)	/* asleep: its zone index is the default */
		pgdat->kcompactd_highest_zoneidx = node_top_zone(pgdat);
	if (pgdat->kcompactd_max_order < order)
		pgdat->kcompactd_max_order = order;
	if (pgdat->kcompactd_highest_zoneidx > highest_zoneidx)
		pgdat->kcompactd_highest_zoneidx = highest_zoneidx;
	if (pgdat->kcompactd_wake || !kcompactd_node_suitable(m, pgdat))
		return;
	pgdat->kcompactd_wake = 1;
	m->kcompactd_active = 1;
	trace_mm_compaction_wakeup_kcompactd(m, pgdat->node_id, order, highest_zoneidx);
}

/* The kernel thread's name on trace lines. */
static const char *kcompactd_comm(int n)
{
	static const char *const names[] = {
		"kcompactd0", "kcompactd1", "kcompactd2", "kcompactd3",
		"kcompactd4", "kcompactd5", "kcompactd6", "kcompactd7",
	};

	return n < 8 ? names[n] : "kcompactd";
}

static void kcompactd_do_work(struct machine *m, struct pglist_data *pgdat)
{
	struct compact_control cc = {
		.order = pgdat->kcompactd_max_order, .highest_zoneidx = pgdat->kcompactd_highest_zoneidx,
		.mode = MIGRATE_SYNC_LIGHT, .gfp = GFP_KERNEL,
	};
	struct trace_kthread save;

	trace_kthread_enter(m, &save, kcompactd_comm(pgdat->node_id));
	trace_mm_compaction_kcompactd_wake(m, pgdat->node_id, cc.order, cc.highest_zoneidx);
	count_vm_event(m, COMPACT_DAEMON_WAKE);
	for (int i = 0; i <= cc.highest_zoneidx && i < MAX_NR_ZONES; i++) {
		struct zone *z = &pgdat->node_zones[i];
		enum compact_result status;

		if (!populated_zone(z) || compaction_deferred(m, z, cc.order))
			continue;
		if (zone_watermark_ok(m, z, (unsigned)cc.order, wmark_pages(z, WMARK_MIN),
				      (enum zone_type)i, 0))
			continue;
		if (!compaction_suitable(m, z, cc.order, i))
			continue;
		cc.zone = z;	/* whole_zone, once set by a zone, stays for the next: one cc, as Linux's */
		status = compact_zone(m, &cc);
		if (status == COMPACT_SUCCESS)
			compaction_defer_reset(m, z, cc.order, 0);
		else if (status == COMPACT_PARTIAL_SKIPPED || status == COMPACT_COMPLETE)
			defer_compaction(m, z, cc.order);	/* sync: defers as sync direct does */
		count_vm_events(m, COMPACT_DAEMON_MIGRATE_SCANNED, (int64_t)cc.total_migrate_scanned);
		count_vm_events(m, COMPACT_DAEMON_FREE_SCANNED, (int64_t)cc.total_free_scanned);
	}
	if (pgdat->kcompactd_max_order <= cc.order)
		pgdat->kcompactd_max_order = 0;
	if (pgdat->kcompactd_highest_zoneidx >= cc.highest_zoneidx)
		pgdat->kcompactd_highest_zoneidx = node_top_zone(pgdat);
	trace_kthread_exit(m, &save);
}

/* kcompactd goes back to its wait: traced each time round its loop. */
static void kcompactd_sleep(struct machine *m, struct pglist_data *pgdat)
{
	struct trace_kthread save;

	if (!trace_enabled(m, TE_MM_COMPACTION_KCOMPACTD_SLEEP))
		return;
	trace_kthread_enter(m, &save, kcompactd_comm(pgdat->node_id));
	trace_mm_compaction_kcompactd_sleep(m, pgdat->node_id);
	trace_kthread_exit(m, &save);
}

void kcompactd_run(struct machine *m)
{
	int active = 0;

	lockdep_assert_held(m);
	for (int n = 0; n < m->nr_nodes; n++) {
		struct pglist_data *pgdat = m->node[n];

		if (pgdat->kcompactd_wake && !pgdat->proactive_compact_trigger) {
			pgdat->kcompactd_wake = 0;
			kcompactd_do_work(m, pgdat);
			kcompactd_sleep(m, pgdat);
			pgdat->kcompactd_next_ns = m->sim_ns + HPAGE_FRAG_CHECK_INTERVAL_NS;
			continue;
		}
		/* the timeout, or a write of compaction_proactiveness */
		if (pgdat->proactive_compact_trigger ||
		    (m->tun.compaction_proactiveness && m->sim_ns >= pgdat->kcompactd_next_ns)) {
			pgdat->kcompactd_wake = 0;
			pgdat->kcompactd_next_ns = m->sim_ns + HPAGE_FRAG_CHECK_INTERVAL_NS;
			if (should_proactive_compact_node(m, pgdat)) {
				unsigned prev = fragmentation_score_node(m, pgdat);
				struct trace_kthread save;

				trace_kthread_enter(m, &save, kcompactd_comm(pgdat->node_id));
				compact_node_cc(m, pgdat, 1);	/* kcompactd's work: its events */
				trace_kthread_exit(m, &save);
				/* no progress: back off 64 periods */
				if (fragmentation_score_node(m, pgdat) >= prev)
					pgdat->kcompactd_next_ns = m->sim_ns +
						(HPAGE_FRAG_CHECK_INTERVAL_NS << COMPACT_MAX_DEFER_SHIFT);
			}
			pgdat->proactive_compact_trigger = 0;
			kcompactd_sleep(m, pgdat);
		}
		active |= pgdat->kcompactd_wake;
	}
	m->kcompactd_active = active;
}

/* ---- direct compaction ---- */

static enum compact_result compact_zone_order(struct machine *m, struct zone *z, int order,
					      unsigned gfp, enum compact_priority prio,
					      int highest_zoneidx)
{
	struct compact_control cc = {
		.order = order, .gfp = gfp, .zone = z,
		.mode = prio == COMPACT_PRIO_ASYNC ? MIGRATE_ASYNC : MIGRATE_SYNC_LIGHT,
		.alloc_flags = 0, .highest_zoneidx = highest_zoneidx, .direct_compaction = 1,
		.whole_zone = prio == MIN_COMPACT_PRIORITY,
		.ignore_skip_hint = prio == MIN_COMPACT_PRIORITY,
		.ignore_block_suitable = prio == MIN_COMPACT_PRIORITY,
	};

	return compact_zone(m, &cc);
}

/* try_to_compact_pages: nid's zonelist, the allocation's zones and nodes. */
static enum compact_result try_to_compact_pages(struct machine *m, unsigned gfp, int order, int nid,
						enum compact_priority prio)
{
	enum compact_result rc = COMPACT_SKIPPED;
	int high = (int)gfp_zone(gfp);

	trace_mm_compaction_try_to_compact_pages(m, order, gfp, prio);
	for (int i = 0; i < m->nr_nodes; i++) {
		struct pglist_data *pgdat = m->node[(nid + i) % m->nr_nodes];

		if (i && (gfp & __GFP_THISNODE))
			break;
		for (int zi = high; zi >= 0; zi--) {
			struct zone *z = &pgdat->node_zones[zi];
			enum compact_result status;

			if (!managed_zone(z))
				continue;
			if (prio > MIN_COMPACT_PRIORITY && compaction_deferred(m, z, order)) {
				if (rc < COMPACT_DEFERRED)
					rc = COMPACT_DEFERRED;
				continue;
			}
			status = compact_zone_order(m, z, order, gfp, prio, high);
			if (status > rc)
				rc = status;
			if (status == COMPACT_SUCCESS) {
				/* likely, not certain */
				compaction_defer_reset(m, z, order, 0);
				return rc;
			}
			if (prio != COMPACT_PRIO_ASYNC &&
			    (status == COMPACT_COMPLETE || status == COMPACT_PARTIAL_SKIPPED))
				defer_compaction(m, z, order);
		}
	}
	return rc;
}

struct page *alloc_pages_direct_compact(struct machine *m, unsigned gfp, unsigned order, int nid,
					enum compact_priority prio, enum compact_result *result)
{
	struct page *page;
	enum compact_result r;

	lockdep_assert_held(m);
	if (nid < 0 || nid >= m->nr_nodes)
		nid = m->cur_task ? task_node(m, m->cur_task) : 0;
	r = try_to_compact_pages(m, gfp, (int)order, nid, prio);
	if (result)
		*result = r;
	if (r == COMPACT_SKIPPED)
		return NULL;
	count_vm_event(m, COMPACT_STALL);
	/* a try of the caller's allocation, which writes its mm_page_alloc */
	page = TRACE_ALLOC_TRY(m, alloc_pages(m, gfp | __GFP_NOWARN, order, nid));
	if (page) {
		struct zone *z = pfn_zone(m, page_to_pfn(m, page));

		z->compact_blockskip_flush = 0;
		compaction_defer_reset(m, z, (int)order, 1);
		count_vm_event(m, COMPACTSUCCESS);
		return page;
	}
	count_vm_event(m, COMPACT_FAIL);
	return NULL;
}

/* ---- the checker ---- */

int compaction_check(struct machine *m, struct rbuf_lite *out)
{
	int bad = 0;

	for (int n = 0; n < m->nr_nodes; n++) {
		struct pglist_data *pgdat = m->node[n];

		for (int i = 0; i < MAX_NR_ZONES; i++) {
			struct zone *z = &pgdat->node_zones[i];

			if (z->compact_defer_shift > COMPACT_MAX_DEFER_SHIFT ||
			    z->compact_considered > 1U << z->compact_defer_shift) {
				rbl_printf(out, "node %d zone %d: compaction deferral %u/%u out of range\n",
					   n, i, z->compact_considered, z->compact_defer_shift);
				bad++;
			}
			if (z->compact_order_failed < 0 || z->compact_order_failed > MM_MAX_ORDER + 1) {
				rbl_printf(out, "node %d zone %d: compact_order_failed %d\n", n, i,
					   z->compact_order_failed);
				bad++;
			}
			/* cached scanner positions: 0 (never run) or inside the zone */
			for (int s = 0; s < 3; s++) {
				uint64_t pfn = s < 2 ? z->compact_cached_migrate_pfn[s] : z->compact_cached_free_pfn;

				if (pfn && populated_zone(z) &&
				    (pfn < (z->zone_start_pfn & ~(pageblock_nr_pages - 1)) || pfn > zone_end_pfn(z))) {
					rbl_printf(out, "node %d zone %d: compaction scanner cached at pfn %llu, "
						   "outside the zone\n", n, i, (unsigned long long)pfn);
					bad++;
				}
			}
		}
		if (pgdat->kcompactd_wake && !m->kcompactd_active) {
			rbl_printf(out, "node %d: kcompactd woken but kcompactd_active is 0\n", n);
			bad++;
		}
		if (pgdat->kcompactd_max_order < 0 || pgdat->kcompactd_max_order > MM_MAX_ORDER) {
			rbl_printf(out, "node %d: kcompactd order %d\n", n, pgdat->kcompactd_max_order);
			bad++;
		}
	}
	/* skip bits only ever name pageblocks of memory */
	for (uint64_t b = 0; b <= m->max_pfn >> pageblock_order; b++)
		if (m->pageblock_skip[b] > 1) {
			rbl_printf(out, "pageblock %llu: skip byte %u\n", (unsigned long long)b,
				   m->pageblock_skip[b]);
			bad++;
		}
	return bad;
}
