/* SPDX-License-Identifier: MIT */
/*
 * trace.h - trace events: the hooks the model's code paths call where
 * Linux calls its tracepoints (kernel: trace_mm_page_alloc() and friends).
 *
 * A hook costs one test of one bit of m->trace_mask, which is the set of
 * enabled events while tracing_on is 1 and 0 otherwise: with no event
 * enabled every hook is a single well-predicted branch (the kernel's
 * static key, without the code patching). Only past that branch are the
 * values gathered and trace_event_emit() called, which applies the
 * event's filter and writes the ring (trace_ring.c).
 *
 * Values are passed in the order of the event's format file; gfp masks are
 * the model's (page_alloc.h) and are turned into Linux's bits here, so the
 * lines print Linux's flag names. All hooks expect m->lock held.
 */
#ifndef MM_TRACE_H
#define MM_TRACE_H

#include <stdint.h>

#include "internal.h"
#include "trace_snap.h"

#define trace_enabled(m, e)	__builtin_expect((int)(((m)->trace_mask >> (e)) & 1), 0)

/* Record event e with values f[0 .. nfields) and its string field's text (or NULL). */
void trace_event_emit(struct machine *m, enum trace_event_id e, const uint64_t *f,
		      const char *str);

/* Linux's gfp bits (include/linux/gfp_types.h), for the gfp_flags fields. */
#define LGFP_DMA		(1UL << 0)
#define LGFP_HIGHMEM		(1UL << 1)
#define LGFP_DMA32		(1UL << 2)
#define LGFP_MOVABLE		(1UL << 3)
#define LGFP_RECLAIMABLE	(1UL << 4)
#define LGFP_HIGH		(1UL << 5)
#define LGFP_IO			(1UL << 6)
#define LGFP_FS			(1UL << 7)
#define LGFP_ZERO		(1UL << 8)
#define LGFP_DIRECT_RECLAIM	(1UL << 10)
#define LGFP_KSWAPD_RECLAIM	(1UL << 11)
#define LGFP_NOWARN		(1UL << 13)
#define LGFP_COMP		(1UL << 18)
#define LGFP_HARDWALL		(1UL << 20)
#define LGFP_THISNODE		(1UL << 21)
#define LGFP_ACCOUNT		(1UL << 22)
#define LGFP_KERNEL		(LGFP_DIRECT_RECLAIM | LGFP_KSWAPD_RECLAIM | LGFP_IO | LGFP_FS)
#define LGFP_HIGHUSER_MOVABLE	(LGFP_KERNEL | LGFP_HARDWALL | LGFP_HIGHMEM | LGFP_MOVABLE)

/*
 * The Linux gfp mask of a model allocation: a movable request is a user
 * folio (GFP_HIGHUSER_MOVABLE|__GFP_COMP), a reclaimable one a slab
 * (GFP_KERNEL|__GFP_RECLAIMABLE|__GFP_COMP), anything else a page table
 * or kernel stack (GFP_KERNEL_ACCOUNT|__GFP_ZERO|__GFP_COMP).
 */
unsigned long trace_gfp(unsigned gfp, unsigned order);
/* A stable 32-bit stand-in for a kernel pointer (%p prints it hashed). */
uint32_t trace_ptr_hash(const struct machine *m, const void *p);

/* ---- kmem ---- */

static inline void trace_mm_page_alloc(struct machine *m, uint64_t pfn, unsigned order,
				       unsigned gfp, int mt)
{
	if (trace_enabled(m, TE_MM_PAGE_ALLOC) && !m->trace_alloc_tries) {
		uint64_t f[] = { pfn, order, trace_gfp(gfp, order), (uint64_t)(int64_t)mt };

		trace_event_emit(m, TE_MM_PAGE_ALLOC, f, NULL);
	}
}

/*
 * The end of an allocation made of several tries (a THP fault, a hugetlb
 * pool page: kernel __alloc_pages, whose slow path retries after direct
 * compaction and reclaim): each try runs with m->trace_alloc_tries raised
 * (TRACE_ALLOC_TRY), so that only this one mm_page_alloc is written, last,
 * as Linux writes it at the end of __alloc_pages. pfn UINT64_MAX: the
 * allocation failed (a NULL page; the line prints page=0000000000000000
 * pfn=0x0).
 */
#define TRACE_ALLOC_TRY(m, call) ({ \
	__typeof__(call) r_; \
	(m)->trace_alloc_tries++; \
	r_ = (call); \
	(m)->trace_alloc_tries--; \
	r_; })
static inline void trace_mm_page_alloc_end(struct machine *m, uint64_t pfn, unsigned order,
					   unsigned gfp, int mt)
{
	if (trace_enabled(m, TE_MM_PAGE_ALLOC)) {
		uint64_t f[] = { pfn, order, trace_gfp(gfp, order), (uint64_t)(int64_t)mt };

		trace_event_emit(m, TE_MM_PAGE_ALLOC, f, NULL);
	}
}

static inline void trace_mm_page_alloc_zone_locked(struct machine *m, uint64_t pfn,
						   unsigned order, int mt, int percpu_refill)
{
	if (trace_enabled(m, TE_MM_PAGE_ALLOC_ZONE_LOCKED)) {
		uint64_t f[] = { pfn, order, (uint64_t)(int64_t)mt, (uint64_t)percpu_refill };

		trace_event_emit(m, TE_MM_PAGE_ALLOC_ZONE_LOCKED, f, NULL);
	}
}

static inline void trace_mm_page_free(struct machine *m, uint64_t pfn, unsigned order)
{
	if (trace_enabled(m, TE_MM_PAGE_FREE)) {
		uint64_t f[] = { pfn, order };

		trace_event_emit(m, TE_MM_PAGE_FREE, f, NULL);
	}
}

/* The model has no per-CPU page lists: nothing calls this yet. */
static inline void trace_mm_page_pcpu_drain(struct machine *m, uint64_t pfn, unsigned order,
					    int mt)
{
	if (trace_enabled(m, TE_MM_PAGE_PCPU_DRAIN)) {
		uint64_t f[] = { pfn, order, (uint64_t)(int64_t)mt };

		trace_event_emit(m, TE_MM_PAGE_PCPU_DRAIN, f, NULL);
	}
}

/*
 * The slab allocator's events (kernel: mm/slub.c). call_site is the
 * caller's name (printed as %pS, "name+0x0/0x0" is not claimed: the model
 * prints the bare name), ptr the object, lgfp the Linux gfp mask (LGFP_*).
 */
void trace_kmalloc_emit(struct machine *m, const char *call_site, const void *ptr,
			uint64_t bytes_req, uint64_t bytes_alloc, unsigned long lgfp, int node);
void trace_kfree_emit(struct machine *m, const char *call_site, const void *ptr);
void trace_kmem_cache_alloc_emit(struct machine *m, const char *call_site, const void *ptr,
				 const char *name, uint64_t bytes_req, uint64_t bytes_alloc,
				 unsigned long lgfp, int node, int accounted);
void trace_kmem_cache_free_emit(struct machine *m, const char *call_site, const void *ptr,
				const char *name);
#define trace_kmalloc(m, ...) \
	do { if (trace_enabled(m, TE_KMALLOC)) trace_kmalloc_emit(m, __VA_ARGS__); } while (0)
#define trace_kfree(m, ...) \
	do { if (trace_enabled(m, TE_KFREE)) trace_kfree_emit(m, __VA_ARGS__); } while (0)
#define trace_kmem_cache_alloc(m, ...) \
	do { if (trace_enabled(m, TE_KMEM_CACHE_ALLOC)) trace_kmem_cache_alloc_emit(m, __VA_ARGS__); } while (0)
#define trace_kmem_cache_free(m, ...) \
	do { if (trace_enabled(m, TE_KMEM_CACHE_FREE)) trace_kmem_cache_free_emit(m, __VA_ARGS__); } while (0)

/* rss_stat: member is MM_FILEPAGES..., the counter's new value in pages. */
struct mm_struct;
void trace_rss_stat_emit(struct machine *m, const struct mm_struct *mm, int member,
			 uint64_t pages);
#define trace_rss_stat(m, mm, member, pages) \
	do { if (trace_enabled(m, TE_RSS_STAT)) trace_rss_stat_emit(m, mm, member, pages); } while (0)

/* ---- exceptions ---- */

/* error_code: x86's page fault error bits (arch/x86/include/asm/trap_pf.h) */
#define PF_PROT		0x1UL	/* the page was present: a protection fault */
#define PF_WRITE	0x2UL
#define PF_USER		0x4UL
#define PF_INSTR	0x10UL
static inline void trace_page_fault_user(struct machine *m, uint64_t address, uint64_t ip,
					 unsigned long error_code)
{
	if (trace_enabled(m, TE_PAGE_FAULT_USER)) {
		uint64_t f[] = { address, ip, error_code };

		trace_event_emit(m, TE_PAGE_FAULT_USER, f, NULL);
	}
}

/* ---- filemap: ino and index of the file page, dev the files/ disk ---- */

void trace_filemap_emit(struct machine *m, enum trace_event_id e, uint64_t pfn, uint64_t ino,
			uint64_t index, uint64_t last, unsigned order);
#define trace_mm_filemap_add_to_page_cache(m, pfn, ino, index, order) \
	do { if (trace_enabled(m, TE_MM_FILEMAP_ADD_TO_PAGE_CACHE)) \
		trace_filemap_emit(m, TE_MM_FILEMAP_ADD_TO_PAGE_CACHE, pfn, ino, index, 0, order); } while (0)
#define trace_mm_filemap_delete_from_page_cache(m, pfn, ino, index, order) \
	do { if (trace_enabled(m, TE_MM_FILEMAP_DELETE_FROM_PAGE_CACHE)) \
		trace_filemap_emit(m, TE_MM_FILEMAP_DELETE_FROM_PAGE_CACHE, pfn, ino, index, 0, order); } while (0)
#define trace_mm_filemap_fault(m, ino, index) \
	do { if (trace_enabled(m, TE_MM_FILEMAP_FAULT)) \
		trace_filemap_emit(m, TE_MM_FILEMAP_FAULT, 0, ino, index, 0, 0); } while (0)
#define trace_mm_filemap_map_pages(m, ino, index, last) \
	do { if (trace_enabled(m, TE_MM_FILEMAP_MAP_PAGES)) \
		trace_filemap_emit(m, TE_MM_FILEMAP_MAP_PAGES, 0, ino, index, last, 0); } while (0)
#define trace_mm_filemap_get_pages(m, ino, index, last) \
	do { if (trace_enabled(m, TE_MM_FILEMAP_GET_PAGES)) \
		trace_filemap_emit(m, TE_MM_FILEMAP_GET_PAGES, 0, ino, index, last, 0); } while (0)

/* ---- vmscan, oom, compaction: values in format order ---- */

#define TRACE_EMIT(m, e, ...) \
	do { if (trace_enabled(m, e)) { \
		uint64_t f_[] = { __VA_ARGS__ }; \
		trace_event_emit(m, e, f_, NULL); } } while (0)
/* TRACE_S() passes a signed value so that it sign-extends */
#define TRACE_S(x)	((uint64_t)(int64_t)(x))

#define trace_mm_vmscan_kswapd_sleep(m, nid)	TRACE_EMIT(m, TE_MM_VMSCAN_KSWAPD_SLEEP, TRACE_S(nid))
#define trace_mm_vmscan_kswapd_wake(m, nid, zid, order) \
	TRACE_EMIT(m, TE_MM_VMSCAN_KSWAPD_WAKE, TRACE_S(nid), TRACE_S(zid), TRACE_S(order))
#define trace_mm_vmscan_wakeup_kswapd(m, nid, zid, order, gfp) \
	TRACE_EMIT(m, TE_MM_VMSCAN_WAKEUP_KSWAPD, TRACE_S(nid), TRACE_S(zid), TRACE_S(order), trace_gfp(gfp, 0))
#define trace_mm_vmscan_direct_reclaim_begin(m, order, gfp) \
	TRACE_EMIT(m, TE_MM_VMSCAN_DIRECT_RECLAIM_BEGIN, TRACE_S(order), trace_gfp(gfp, 0))
#define trace_mm_vmscan_direct_reclaim_end(m, nr_reclaimed) \
	TRACE_EMIT(m, TE_MM_VMSCAN_DIRECT_RECLAIM_END, (uint64_t)(nr_reclaimed))
/* lru: LRU_INACTIVE_ANON 0, ACTIVE_ANON 1, INACTIVE_FILE 2, ACTIVE_FILE 3, UNEVICTABLE 4 */
#define trace_mm_vmscan_lru_isolate(m, zidx, order, req, scanned, skipped, taken, lru) \
	TRACE_EMIT(m, TE_MM_VMSCAN_LRU_ISOLATE, TRACE_S(zidx), TRACE_S(order), (uint64_t)(req), \
		   (uint64_t)(scanned), (uint64_t)(skipped), (uint64_t)(taken), TRACE_S(lru))
/* reclaim_flags (trace_reclaim_flags): the LRU's kind, and always ASYNC */
#define RECLAIM_WB_ANON		0x0001
#define RECLAIM_WB_FILE		0x0002
#define RECLAIM_WB_SYNC		0x0004
#define RECLAIM_WB_ASYNC	0x0008
#define trace_mm_vmscan_lru_shrink_inactive(m, nid, scanned, reclaimed, dirty, wb, congested, \
					    immediate, act_anon, act_file, ref_keep, unmap_fail, \
					    prio, flags) \
	TRACE_EMIT(m, TE_MM_VMSCAN_LRU_SHRINK_INACTIVE, TRACE_S(nid), (uint64_t)(scanned), \
		   (uint64_t)(reclaimed), (uint64_t)(dirty), (uint64_t)(wb), (uint64_t)(congested), \
		   (uint64_t)(immediate), (uint64_t)(act_anon), (uint64_t)(act_file), \
		   (uint64_t)(ref_keep), (uint64_t)(unmap_fail), TRACE_S(prio), TRACE_S(flags))
#define trace_mm_vmscan_lru_shrink_active(m, nid, taken, active, deactivated, referenced, prio, \
					  flags) \
	TRACE_EMIT(m, TE_MM_VMSCAN_LRU_SHRINK_ACTIVE, TRACE_S(nid), (uint64_t)(taken), (uint64_t)(active), \
		   (uint64_t)(deactivated), (uint64_t)(referenced), TRACE_S(prio), TRACE_S(flags))
#define trace_mm_vmscan_write_folio(m, pfn, flags) \
	TRACE_EMIT(m, TE_MM_VMSCAN_WRITE_FOLIO, (uint64_t)(pfn), TRACE_S(flags))
/*
 * Shrinkers (kernel: do_shrink_slab): shrink names the shrinker's scan
 * function (printed as %pS), shr is the shrinker object (hashed).
 */
void trace_shrink_slab_start_emit(struct machine *m, const char *shrink, const void *shr, int nid,
				  int64_t nr_objects_to_shrink, unsigned long lgfp, uint64_t cache_items,
				  uint64_t delta, uint64_t total_scan, int priority);
void trace_shrink_slab_end_emit(struct machine *m, const char *shrink, const void *shr, int nid,
				int shrinker_retval, int64_t unused_scan, int64_t new_scan,
				int64_t total_scan);
#define trace_mm_shrink_slab_start(m, ...) \
	do { if (trace_enabled(m, TE_MM_SHRINK_SLAB_START)) trace_shrink_slab_start_emit(m, __VA_ARGS__); } while (0)
#define trace_mm_shrink_slab_end(m, ...) \
	do { if (trace_enabled(m, TE_MM_SHRINK_SLAB_END)) trace_shrink_slab_end_emit(m, __VA_ARGS__); } while (0)

struct task;
void trace_mark_victim_emit(struct machine *m, const struct task *t);
#define trace_mark_victim(m, t) \
	do { if (trace_enabled(m, TE_MARK_VICTIM)) trace_mark_victim_emit(m, t); } while (0)
void trace_oom_score_adj_update_emit(struct machine *m, const struct task *t);
#define trace_oom_score_adj_update(m, t) \
	do { if (trace_enabled(m, TE_OOM_SCORE_ADJ_UPDATE)) trace_oom_score_adj_update_emit(m, t); } while (0)
#define trace_wake_reaper(m, pid)		TRACE_EMIT(m, TE_WAKE_REAPER, TRACE_S(pid))
#define trace_start_task_reaping(m, pid)	TRACE_EMIT(m, TE_START_TASK_REAPING, TRACE_S(pid))
#define trace_finish_task_reaping(m, pid)	TRACE_EMIT(m, TE_FINISH_TASK_REAPING, TRACE_S(pid))
#define trace_skip_task_reaping(m, pid)		TRACE_EMIT(m, TE_SKIP_TASK_REAPING, TRACE_S(pid))
#define trace_reclaim_retry_zone(m, node, zidx, order, reclaimable, available, min_wmark, loops, \
				 wmark_check) \
	TRACE_EMIT(m, TE_RECLAIM_RETRY_ZONE, TRACE_S(node), TRACE_S(zidx), TRACE_S(order), (uint64_t)(reclaimable), \
		   (uint64_t)(available), (uint64_t)(min_wmark), TRACE_S(loops), (uint64_t)(wmark_check))
#define trace_compact_retry(m, order, prio, result, retries, max_retries, ret) \
	TRACE_EMIT(m, TE_COMPACT_RETRY, TRACE_S(order), TRACE_S(prio), TRACE_S(result), TRACE_S(retries), TRACE_S(max_retries), \
		   (uint64_t)(ret))

/*
 * compaction (kernel: include/trace/events/compaction.h), for mm/compaction.c.
 * zone indices: DMA 0, DMA32 1, Normal 2, Movable 3; status / ret: the
 * kernel's enum compact_result (COMPACT_NOT_SUITABLE_ZONE 0 ... COMPACT_SUCCESS 8,
 * as compaction.h has it).
 */
#define trace_mm_compaction_begin(m, zone_start, migrate_pfn, free_pfn, zone_end, sync) \
	TRACE_EMIT(m, TE_MM_COMPACTION_BEGIN, (uint64_t)(zone_start), (uint64_t)(migrate_pfn), \
		   (uint64_t)(free_pfn), (uint64_t)(zone_end), (uint64_t)!!(sync))
#define trace_mm_compaction_end(m, zone_start, migrate_pfn, free_pfn, zone_end, sync, status) \
	TRACE_EMIT(m, TE_MM_COMPACTION_END, (uint64_t)(zone_start), (uint64_t)(migrate_pfn), \
		   (uint64_t)(free_pfn), (uint64_t)(zone_end), (uint64_t)!!(sync), TRACE_S(status))
#define trace_mm_compaction_migratepages(m, nr_migrated, nr_failed) \
	TRACE_EMIT(m, TE_MM_COMPACTION_MIGRATEPAGES, (uint64_t)(nr_migrated), (uint64_t)(nr_failed))
#define trace_mm_compaction_isolate_migratepages(m, start, end, scanned, taken) \
	TRACE_EMIT(m, TE_MM_COMPACTION_ISOLATE_MIGRATEPAGES, (uint64_t)(start), (uint64_t)(end), \
		   (uint64_t)(scanned), (uint64_t)(taken))
#define trace_mm_compaction_isolate_freepages(m, start, end, scanned, taken) \
	TRACE_EMIT(m, TE_MM_COMPACTION_ISOLATE_FREEPAGES, (uint64_t)(start), (uint64_t)(end), \
		   (uint64_t)(scanned), (uint64_t)(taken))
#define trace_mm_compaction_fast_isolate_freepages(m, start, end, scanned, taken) \
	TRACE_EMIT(m, TE_MM_COMPACTION_FAST_ISOLATE_FREEPAGES, (uint64_t)(start), (uint64_t)(end), \
		   (uint64_t)(scanned), (uint64_t)(taken))
#define trace_mm_compaction_try_to_compact_pages(m, order, gfp, prio) \
	TRACE_EMIT(m, TE_MM_COMPACTION_TRY_TO_COMPACT_PAGES, TRACE_S(order), trace_gfp(gfp, 0), TRACE_S(prio))
#define trace_mm_compaction_finished(m, nid, zidx, order, ret) \
	TRACE_EMIT(m, TE_MM_COMPACTION_FINISHED, TRACE_S(nid), (uint64_t)(zidx), TRACE_S(order), TRACE_S(ret))
#define trace_mm_compaction_suitable(m, nid, zidx, order, ret) \
	TRACE_EMIT(m, TE_MM_COMPACTION_SUITABLE, TRACE_S(nid), (uint64_t)(zidx), TRACE_S(order), TRACE_S(ret))
/* deferred, defer_compaction, defer_reset: the zone's compact_considered,
 * compact_defer_shift and compact_order_failed */
#define trace_mm_compaction_deferred(m, nid, zidx, order, considered, shift, failed) \
	TRACE_EMIT(m, TE_MM_COMPACTION_DEFERRED, TRACE_S(nid), (uint64_t)(zidx), TRACE_S(order), \
		   (uint64_t)(considered), (uint64_t)(shift), TRACE_S(failed))
#define trace_mm_compaction_defer_compaction(m, nid, zidx, order, considered, shift, failed) \
	TRACE_EMIT(m, TE_MM_COMPACTION_DEFER_COMPACTION, TRACE_S(nid), (uint64_t)(zidx), TRACE_S(order), \
		   (uint64_t)(considered), (uint64_t)(shift), TRACE_S(failed))
#define trace_mm_compaction_defer_reset(m, nid, zidx, order, considered, shift, failed) \
	TRACE_EMIT(m, TE_MM_COMPACTION_DEFER_RESET, TRACE_S(nid), (uint64_t)(zidx), TRACE_S(order), \
		   (uint64_t)(considered), (uint64_t)(shift), TRACE_S(failed))
#define trace_mm_compaction_kcompactd_sleep(m, nid) \
	TRACE_EMIT(m, TE_MM_COMPACTION_KCOMPACTD_SLEEP, TRACE_S(nid))
#define trace_mm_compaction_kcompactd_wake(m, nid, order, zidx) \
	TRACE_EMIT(m, TE_MM_COMPACTION_KCOMPACTD_WAKE, TRACE_S(nid), TRACE_S(order), (uint64_t)(zidx))
#define trace_mm_compaction_wakeup_kcompactd(m, nid, order, zidx) \
	TRACE_EMIT(m, TE_MM_COMPACTION_WAKEUP_KCOMPACTD, TRACE_S(nid), TRACE_S(order), (uint64_t)(zidx))

/*
 * Who the events are for while a kernel thread runs (kswapd, the OOM
 * reaper): set around its work, restored after; NULL comm: m->cur_task.
 */
struct trace_kthread {
	const char *comm;
	int pid;
};
void trace_kthread_enter(struct machine *m, struct trace_kthread *save, const char *comm);
void trace_kthread_exit(struct machine *m, const struct trace_kthread *save);

/* trace_ring.c: boot, shutdown, the checker */
int trace_ring_init(struct machine *m);
void trace_ring_free(struct machine *m);
int trace_ring_check(struct machine *m, struct rbuf_lite *out);

#endif
