// SPDX-License-Identifier: MIT
/*
 * trace_output.c - trace entries as ftrace prints them (kernel:
 * kernel/trace/trace_output.c and each event's TP_printk).
 *
 * A line is the context, then the event's own text:
 *
 *	"%16s-%-7d [%03d] %5s %5llu.%06llu: %s: " comm, pid, cpu, flags, ts, name
 *
 * The flags column (irqs-off, need-resched, hardirq/softirq,
 * preempt-depth, migrate-disable) is what the host shows for each event
 * where the kernel emits it: "d...." for a fault taken with interrupts
 * off, "...1." for rss_stat under the page table lock, "d..3." for
 * mm_page_alloc_zone_locked under the zone lock, and so on. Pointers
 * print hashed as %p does: 32 bits in 16 hex digits.
 */
#include <stdio.h>
#include <string.h>

#include "tracefs.h"

struct sym {
	long v;
	const char *s;
};

static const struct sym zone_syms[] = {
	{ 0, "DMA" }, { 1, "DMA32" }, { 2, "Normal" }, { 3, "Movable" }, { 0, NULL },
};
static const struct sym rss_syms[] = {
	{ 0, "MM_FILEPAGES" }, { 1, "MM_ANONPAGES" }, { 2, "MM_SWAPENTS" }, { 3, "MM_SHMEMPAGES" },
	{ 0, NULL },
};
static const struct sym lru_syms[] = {
	{ 0, "inactive_anon" }, { 1, "active_anon" }, { 2, "inactive_file" },
	{ 3, "active_file" }, { 4, "unevictable" }, { 0, NULL },
};
static const struct sym compact_syms[] = {
	{ 1, "skipped" }, { 2, "deferred" }, { 4, "continue" }, { 8, "success" },
	{ 6, "partial_skipped" }, { 5, "complete" }, { 3, "no_suitable_page" },
	{ 0, "not_suitable_zone" }, { 7, "contended" }, { 0, NULL },
};
static const struct sym prio_syms[] = {
	{ 0, "COMPACT_PRIO_SYNC_FULL" }, { 1, "COMPACT_PRIO_SYNC_LIGHT" },
	{ 2, "COMPACT_PRIO_ASYNC" }, { 0, NULL },
};
static const struct sym retry_syms[] = {
	{ 1, "failed" }, { 2, "withdrawn" }, { 3, "progress" }, { 0, NULL },
};

/* __print_symbolic: the name, or the value in hex */
static void print_sym(struct rbuf *b, const struct sym *t, long v, const char *fmt)
{
	char hex[24];

	for (; t->s; t++)
		if (t->v == v) {
			rbuf_printf(b, fmt, t->s);
			return;
		}
	snprintf(hex, sizeof(hex), "0x%lx", (unsigned long)v);
	rbuf_printf(b, fmt, hex);
}

struct flag {
	unsigned long mask;
	const char *s;
};

#define G_RECLAIM	(0x400UL | 0x800UL)
#define G_KERNEL	(G_RECLAIM | 0x40UL | 0x80UL)
#define G_USER		(G_KERNEL | 0x100000UL)
#define G_HIGHUSER	(G_USER | 0x2UL)
#define G_HU_MOVABLE	(G_HIGHUSER | 0x8UL)
#define G_TH_LIGHT	((G_HU_MOVABLE | 0x40000UL | 0x80000UL | 0x2000UL) & ~G_RECLAIM)

/* the gfp names in the order of include/trace/events/mmflags.h (the format's table) */
static const struct flag gfp_flags[] = {
	{ G_TH_LIGHT | 0x400UL, "GFP_TRANSHUGE" }, { G_TH_LIGHT, "GFP_TRANSHUGE_LIGHT" },
	{ G_HU_MOVABLE, "GFP_HIGHUSER_MOVABLE" }, { G_HIGHUSER, "GFP_HIGHUSER" },
	{ G_USER, "GFP_USER" }, { G_KERNEL | 0x400000UL, "GFP_KERNEL_ACCOUNT" },
	{ G_KERNEL, "GFP_KERNEL" }, { G_RECLAIM | 0x40UL, "GFP_NOFS" },
	{ 0x20UL | 0x800UL, "GFP_ATOMIC" }, { G_RECLAIM, "GFP_NOIO" },
	{ 0x800UL | 0x2000UL, "GFP_NOWAIT" }, { 0x1UL, "GFP_DMA" }, { 0x4UL, "GFP_DMA32" },
	{ G_RECLAIM, "__GFP_RECLAIM" },
	{ 1UL << 0, "__GFP_DMA" }, { 1UL << 1, "__GFP_HIGHMEM" }, { 1UL << 2, "__GFP_DMA32" },
	{ 1UL << 3, "__GFP_MOVABLE" }, { 1UL << 4, "__GFP_RECLAIMABLE" },
	{ 1UL << 5, "__GFP_HIGH" }, { 1UL << 6, "__GFP_IO" }, { 1UL << 7, "__GFP_FS" },
	{ 1UL << 8, "__GFP_ZERO" }, { 1UL << 10, "__GFP_DIRECT_RECLAIM" },
	{ 1UL << 11, "__GFP_KSWAPD_RECLAIM" }, { 1UL << 12, "__GFP_WRITE" },
	{ 1UL << 13, "__GFP_NOWARN" }, { 1UL << 14, "__GFP_RETRY_MAYFAIL" },
	{ 1UL << 15, "__GFP_NOFAIL" }, { 1UL << 16, "__GFP_NORETRY" },
	{ 1UL << 17, "__GFP_MEMALLOC" }, { 1UL << 18, "__GFP_COMP" },
	{ 1UL << 19, "__GFP_NOMEMALLOC" }, { 1UL << 20, "__GFP_HARDWALL" },
	{ 1UL << 21, "__GFP_THISNODE" }, { 1UL << 22, "__GFP_ACCOUNT" },
	{ 1UL << 23, "__GFP_ZEROTAGS" }, { 1UL << 24, "__GFP_NO_OBJ_EXT" },
	{ 0, NULL },
};

static const struct flag reclaim_flags[] = {
	{ 0x1, "RECLAIM_WB_ANON" }, { 0x2, "RECLAIM_WB_FILE" }, { 0x10, "RECLAIM_WB_MIXED" },
	{ 0x4, "RECLAIM_WB_SYNC" }, { 0x8, "RECLAIM_WB_ASYNC" }, { 0, NULL },
};

/* __print_flags: names of the masks wholly set, in table order, then what is left in hex */
static void print_flags(struct rbuf *b, const struct flag *t, unsigned long v, const char *none)
{
	int first = 1;

	if (!v) {
		rbuf_puts(b, none);
		return;
	}
	for (; t->s && v; t++) {
		if ((v & t->mask) != t->mask)
			continue;
		v &= ~t->mask;
		rbuf_printf(b, "%s%s", first ? "" : "|", t->s);
		first = 0;
	}
	if (v)
		rbuf_printf(b, "%s0x%lx", first ? "" : "|", v);
}

void trace_print_gfp(struct rbuf *b, unsigned long gfp)
{
	print_flags(b, gfp_flags, gfp, "none");
}

/* %p of a struct page: vmemmap_base + pfn, hashed */
static unsigned long page_ptr(uint64_t pfn)
{
	uint64_t x = 0xffffea0000000000ULL + pfn * 64;

	x ^= x >> 31;
	x *= 0x7fb5d329728ea185ULL;
	x ^= x >> 27;
	x *= 0x81dadef4bc2dd44dULL;
	x ^= x >> 33;
	return (unsigned long)(uint32_t)x;
}

#define L(i)	((long)e->f[i])
#define U(i)	((unsigned long)e->f[i])
#define I(i)	((int)e->f[i])

static void print_dev_ino(struct rbuf *b, const struct trace_entry *e, int dev, int ino,
			  const char *fmt)
{
	rbuf_printf(b, fmt, (unsigned)(e->f[dev] >> 20), (unsigned)(e->f[dev] & 0xfffff), U(ino));
}

static void print_kmem(struct rbuf *b, const struct trace_entry *e)
{
	switch ((enum trace_event_id)e->type) {
	case TE_RSS_STAT:
		rbuf_printf(b, "mm_id=%u curr=%d ", (unsigned)e->f[0], I(1));
		print_sym(b, rss_syms, I(2), "type=%s");
		rbuf_printf(b, " size=%ldB", L(3));
		break;
	case TE_MM_PAGE_PCPU_DRAIN:
		rbuf_printf(b, "page=%016lx pfn=0x%lx order=%d migratetype=%d", page_ptr(e->f[0]), U(0),
			    I(1), I(2));
		break;
	case TE_MM_PAGE_ALLOC_ZONE_LOCKED:
		rbuf_printf(b, "page=%016lx pfn=0x%lx order=%u migratetype=%d percpu_refill=%d",
			    page_ptr(e->f[0]), U(0), (unsigned)e->f[1], I(2), I(3));
		break;
	case TE_MM_PAGE_ALLOC:	/* a failure's pfn is -1UL: a NULL page, pfn 0 */
		rbuf_printf(b, "page=%016lx pfn=0x%lx order=%d migratetype=%d gfp_flags=",
			    e->f[0] == UINT64_MAX ? 0 : page_ptr(e->f[0]),
			    e->f[0] == UINT64_MAX ? 0 : U(0), I(1), I(3));
		trace_print_gfp(b, U(2));
		break;
	case TE_MM_PAGE_FREE:
		rbuf_printf(b, "page=%016lx pfn=0x%lx order=%d", page_ptr(e->f[0]), U(0), I(1));
		break;
	case TE_KMEM_CACHE_FREE:
		rbuf_printf(b, "call_site=%s ptr=%016lx name=%s", e->site, U(1), e->str);
		break;
	case TE_KFREE:
		rbuf_printf(b, "call_site=%s ptr=%016lx", e->site, U(1));
		break;
	case TE_KMALLOC:
		rbuf_printf(b, "call_site=%s ptr=%016lx bytes_req=%lu bytes_alloc=%lu gfp_flags=",
			    e->site, U(1), U(2), U(3));
		trace_print_gfp(b, U(4));
		rbuf_printf(b, " node=%d accounted=%s", I(5), U(4) & (1UL << 22) ? "true" : "false");
		break;
	case TE_KMEM_CACHE_ALLOC:
		rbuf_printf(b, "call_site=%s ptr=%016lx name=%s bytes_req=%lu bytes_alloc=%lu gfp_flags=",
			    e->site, U(1), e->str, U(3), U(4));
		trace_print_gfp(b, U(5));
		rbuf_printf(b, " node=%d accounted=%s", I(6), e->f[7] ? "true" : "false");
		break;
	default:
		break;
	}
}

static void print_vmscan(struct rbuf *b, const struct trace_entry *e)
{
	switch ((enum trace_event_id)e->type) {
	case TE_MM_VMSCAN_LRU_SHRINK_ACTIVE:
		rbuf_printf(b, "nid=%d nr_taken=%ld nr_active=%ld nr_deactivated=%ld nr_referenced=%ld "
			    "priority=%d flags=", I(0), L(1), L(2), L(3), L(4), I(5));
		print_flags(b, reclaim_flags, U(6), "RECLAIM_WB_NONE");
		break;
	case TE_MM_VMSCAN_LRU_SHRINK_INACTIVE:
		rbuf_printf(b, "nid=%d nr_scanned=%ld nr_reclaimed=%ld nr_dirty=%ld nr_writeback=%ld "
			    "nr_congested=%ld nr_immediate=%ld nr_activate_anon=%d nr_activate_file=%d "
			    "nr_ref_keep=%ld nr_unmap_fail=%ld priority=%d flags=", I(0), L(1), L(2),
			    L(3), L(4), L(5), L(6), I(7), I(8), L(9), L(10), I(11));
		print_flags(b, reclaim_flags, U(12), "RECLAIM_WB_NONE");
		break;
	case TE_MM_VMSCAN_WRITE_FOLIO:
		rbuf_printf(b, "page=%016lx pfn=0x%lx flags=", page_ptr(e->f[0]), U(0));
		print_flags(b, reclaim_flags, U(1), "RECLAIM_WB_NONE");
		break;
	case TE_MM_VMSCAN_LRU_ISOLATE:
		rbuf_printf(b, "classzone=%d order=%d nr_requested=%lu nr_scanned=%lu nr_skipped=%lu "
			    "nr_taken=%lu ", I(0), I(1), U(2), U(3), U(4), U(5));
		print_sym(b, lru_syms, I(6), "lru=%s");
		break;
	case TE_MM_SHRINK_SLAB_END:	/* shr, nid, shrink, unused, new, retval, total */
		rbuf_printf(b, "%s %016lx: nid: %d unused scan count %ld new scan count %ld total_scan "
			    "%ld last shrinker return val %d", e->site, U(0), I(1), L(3), L(4), L(6),
			    I(5));
		break;
	case TE_MM_SHRINK_SLAB_START:	/* shr, shrink, nid, nr, gfp, items, delta, total, prio */
		rbuf_printf(b, "%s %016lx: nid: %d objects to shrink %ld gfp_flags ", e->site, U(0),
			    I(2), L(3));
		trace_print_gfp(b, U(4));
		rbuf_printf(b, " cache items %ld delta %lld total_scan %ld priority %d", L(5),
			    (long long)e->f[6], L(7), I(8));
		break;
	case TE_MM_VMSCAN_DIRECT_RECLAIM_END:
		rbuf_printf(b, "nr_reclaimed=%lu", U(0));
		break;
	case TE_MM_VMSCAN_DIRECT_RECLAIM_BEGIN:
		rbuf_printf(b, "order=%d gfp_flags=", I(0));
		trace_print_gfp(b, U(1));
		break;
	case TE_MM_VMSCAN_WAKEUP_KSWAPD:
		rbuf_printf(b, "nid=%d order=%d gfp_flags=", I(0), I(2));
		trace_print_gfp(b, U(3));
		break;
	case TE_MM_VMSCAN_KSWAPD_WAKE:
		rbuf_printf(b, "nid=%d order=%d", I(0), I(2));
		break;
	case TE_MM_VMSCAN_KSWAPD_SLEEP:
		rbuf_printf(b, "nid=%d", I(0));
		break;
	default:
		break;
	}
}

static void print_compaction(struct rbuf *b, const struct trace_entry *e)
{
	switch ((enum trace_event_id)e->type) {
	case TE_MM_COMPACTION_KCOMPACTD_WAKE:
	case TE_MM_COMPACTION_WAKEUP_KCOMPACTD:
		rbuf_printf(b, "nid=%d order=%d ", I(0), I(1));
		print_sym(b, zone_syms, I(2), "classzone_idx=%-8s");
		break;
	case TE_MM_COMPACTION_KCOMPACTD_SLEEP:
		rbuf_printf(b, "nid=%d", I(0));
		break;
	case TE_MM_COMPACTION_DEFER_RESET:
	case TE_MM_COMPACTION_DEFER_COMPACTION:
	case TE_MM_COMPACTION_DEFERRED:
		rbuf_printf(b, "node=%d ", I(0));
		print_sym(b, zone_syms, I(1), "zone=%-8s");
		rbuf_printf(b, " order=%d order_failed=%d consider=%u limit=%lu", I(2), I(5),
			    (unsigned)e->f[3], 1UL << (e->f[4] & 63));
		break;
	case TE_MM_COMPACTION_SUITABLE:
	case TE_MM_COMPACTION_FINISHED:
		rbuf_printf(b, "node=%d ", I(0));
		print_sym(b, zone_syms, I(1), "zone=%-8s");
		rbuf_printf(b, " order=%d ", I(2));
		print_sym(b, compact_syms, I(3), "ret=%s");
		break;
	case TE_MM_COMPACTION_TRY_TO_COMPACT_PAGES:
		rbuf_printf(b, "order=%d gfp_mask=", I(0));
		trace_print_gfp(b, U(1));
		rbuf_printf(b, " priority=%d", I(2));
		break;
	case TE_MM_COMPACTION_END:
	case TE_MM_COMPACTION_BEGIN:
		rbuf_printf(b, "zone_start=0x%lx migrate_pfn=0x%lx free_pfn=0x%lx zone_end=0x%lx, mode=%s",
			    U(0), U(1), U(2), U(3), e->f[4] ? "sync" : "async");
		if (e->type == TE_MM_COMPACTION_END)
			print_sym(b, compact_syms, I(5), " status=%s");
		break;
	case TE_MM_COMPACTION_MIGRATEPAGES:
		rbuf_printf(b, "nr_migrated=%lu nr_failed=%lu", U(0), U(1));
		break;
	case TE_MM_COMPACTION_FAST_ISOLATE_FREEPAGES:
	case TE_MM_COMPACTION_ISOLATE_FREEPAGES:
	case TE_MM_COMPACTION_ISOLATE_MIGRATEPAGES:
		rbuf_printf(b, "range=(0x%lx ~ 0x%lx) nr_scanned=%lu nr_taken=%lu", U(0), U(1), U(2),
			    U(3));
		break;
	default:
		break;
	}
}

void trace_print_fields(struct rbuf *b, const struct trace_entry *e)
{
	switch ((enum trace_event_id)e->type) {
	case TE_PAGE_FAULT_KERNEL:
	case TE_PAGE_FAULT_USER:	/* %ps of an address with no symbol: hex */
		rbuf_printf(b, "address=0x%lx ip=0x%lx error_code=0x%lx", U(0), U(1), U(2));
		break;
	case TE_MM_FILEMAP_FAULT:
		print_dev_ino(b, e, 1, 0, "dev=%u:%u ino=%lx");
		rbuf_printf(b, " ofs=%lld", (long long)(e->f[2] << 12));
		break;
	case TE_MM_FILEMAP_MAP_PAGES:
	case TE_MM_FILEMAP_GET_PAGES:
		print_dev_ino(b, e, 1, 0, "dev=%u:%u ino=%lx");
		rbuf_printf(b, " ofs=%lld-%lld", (long long)(e->f[2] << 12),
			    (long long)(((e->f[3] + 1) << 12) - 1));
		break;
	case TE_MM_FILEMAP_ADD_TO_PAGE_CACHE:
	case TE_MM_FILEMAP_DELETE_FROM_PAGE_CACHE:
		print_dev_ino(b, e, 3, 1, "dev %u:%u ino %lx");
		rbuf_printf(b, " pfn=0x%lx ofs=%lu order=%u", U(0), U(2) << 12, (unsigned)e->f[4]);
		break;
	case TE_COMPACT_RETRY:
		rbuf_printf(b, "order=%d ", I(0));
		print_sym(b, prio_syms, I(1), "priority=%s");
		print_sym(b, retry_syms, I(2), " compaction_result=%s");
		rbuf_printf(b, " retries=%d max_retries=%d should_retry=%d", I(3), I(4), I(5));
		break;
	case TE_SKIP_TASK_REAPING:
	case TE_FINISH_TASK_REAPING:
	case TE_START_TASK_REAPING:
	case TE_WAKE_REAPER:
		rbuf_printf(b, "pid=%d", I(0));
		break;
	case TE_MARK_VICTIM:
		rbuf_printf(b, "pid=%d comm=%s total-vm=%lukB anon-rss=%lukB file-rss:%lukB "
			    "shmem-rss:%lukB uid=%u pgtables=%lukB oom_score_adj=%hd", I(0), e->str,
			    U(2), U(3), U(4), U(5), (unsigned)e->f[6], U(7), (short)e->f[8]);
		break;
	case TE_RECLAIM_RETRY_ZONE:
		rbuf_printf(b, "node=%d ", I(0));
		print_sym(b, zone_syms, I(1), "zone=%-8s");
		rbuf_printf(b, " order=%d reclaimable=%lu available=%lu min_wmark=%lu "
			    "no_progress_loops=%d wmark_check=%d", I(2), U(3), U(4), U(5), I(6), I(7));
		break;
	case TE_OOM_SCORE_ADJ_UPDATE:
		rbuf_printf(b, "pid=%d comm=%s oom_score_adj=%hd", I(0), e->str, (short)e->f[2]);
		break;
	default:
		if (!strcmp(trace_events[e->type].system, "kmem"))
			print_kmem(b, e);
		else if (!strcmp(trace_events[e->type].system, "vmscan"))
			print_vmscan(b, e);
		else
			print_compaction(b, e);
		break;
	}
}

/* The flags column the host shows where the kernel emits each event. */
static const char *entry_flags(enum trace_event_id t)
{
	switch (t) {
	case TE_PAGE_FAULT_USER:
	case TE_PAGE_FAULT_KERNEL:
		return "d....";
	case TE_RSS_STAT:
		return "...1.";
	case TE_MM_PAGE_FREE:
		return "...2.";
	case TE_MM_PAGE_ALLOC_ZONE_LOCKED:
		return "d..3.";
	case TE_MM_PAGE_PCPU_DRAIN:
	case TE_MM_FILEMAP_DELETE_FROM_PAGE_CACHE:
		return "d..2.";
	default:
		return ".....";
	}
}

void trace_print_line(struct rbuf *b, const struct trace_entry *e)
{
	if (e->type >= TE_NR)
		return;
	rbuf_printf(b, "%16s-%-7d [%03u] %s %5llu.%06llu: %s: ", e->comm, e->pid, e->cpu,
		    entry_flags((enum trace_event_id)e->type),
		    (unsigned long long)(e->ts_ns / 1000000000ULL),
		    (unsigned long long)(e->ts_ns % 1000000000ULL / 1000), trace_events[e->type].name);
	trace_print_fields(b, e);
	rbuf_puts(b, "\n");
}

void trace_print_header(struct rbuf *b, const struct mm_trace_snap *s)
{
	rbuf_printf(b, "# tracer: nop\n#\n# entries-in-buffer/entries-written: %llu/%llu   #P:%d\n#\n",
		    (unsigned long long)s->entries, (unsigned long long)s->written, s->nr_cpus);
	rbuf_puts(b,
		  "#                                _-----=> irqs-off/BH-disabled\n"
		  "#                               / _----=> need-resched\n"
		  "#                              | / _---=> hardirq/softirq\n"
		  "#                              || / _--=> preempt-depth\n"
		  "#                              ||| / _-=> migrate-disable\n"
		  "#                              |||| /     delay\n"
		  "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
		  "#              | |         |   |||||     |         |\n");
}

void trace_print_format(struct rbuf *b, enum trace_event_id e)
{
	const char *p = trace_formats[e].print_fmt, *x;

	rbuf_printf(b, "name: %s\nID: %d\nformat:\n%s\nprint fmt: ", trace_events[e].name,
		    trace_events[e].id, trace_formats[e].fields);
	while ((x = strchr(p, '\001'))) {
		rbuf_put(b, p, (size_t)(x - p));
		rbuf_puts(b, trace_gfp_table);
		p = x + 1;
	}
	rbuf_puts(b, p);
	rbuf_puts(b, "\n");
}
