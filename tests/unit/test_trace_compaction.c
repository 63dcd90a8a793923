/* SPDX-License-Identifier: MIT */
/*
 * events/compaction and mm_page_alloc's failures (mm/compaction*.c,
 * include/trace/events/compaction.h of Linux 6.18) on a 128 MiB one-node
 * machine: the exact lines of compact_memory over 4 MiB of holes (DMA's
 * run is the host's, line for line but the context: see
 * compact_memory_lines), of a madvised THP fault whose direct
 * compaction fails and defers, then is deferred; kcompactd's sleep and
 * its proactive run; and the events adding up to the counters they
 * shadow (compact_isolated, compact_*_scanned, pgmigrate_*,
 * compact_stall/fail). mm_check runs after every step.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../mm/internal.h"
#include "../../mm/compaction.h"
#include "../../mm/memory.h"
#include "../../mm/task.h"
#include "../../mm/trace.h"
#include "../../fs/tracefs.h"

static struct machine *m;

#include "compactiontest.h"

TestSuite(trace_compaction, .init = setup, .fini = teardown);

static void trace_on(const char *path, const char *val)
{
	cr_assert_eq(mm_trace_write(m, path, val, strlen(val), 0), 0, "%s", path);
}

static void trace_clear(void)
{
	cr_assert_eq(mm_trace_write(m, "trace", "", 0, 1), 0);
}

/* The ring's lines, each without its context: "EVENT: FIELDS" (the context is asserted once). */
struct lines {
	uint64_t n;
	char **l;
};

static struct lines lines(const char *context)
{
	struct mm_trace_snap *s = mm_trace_snap(m, 0, UINT64_MAX);
	struct lines r = { s->nr, calloc(s->nr + 1, sizeof(char *)) };

	for (uint64_t i = 0; i < s->nr; i++) {
		struct rbuf b;
		char *p;

		rbuf_init(&b);
		trace_print_line(&b, &s->entry[i]);
		p = strstr(b.buf, ": ");	/* after the timestamp */
		cr_assert(p, "%s", b.buf);
		if (context)
			cr_expect(!strncmp(b.buf, context, (size_t)(p - b.buf)), "%s", b.buf);
		r.l[i] = strndup(p + 2, strcspn(p + 2, "\n"));
		rbuf_free(&b);
	}
	free(s);
	return r;
}

static void lines_free(struct lines *r)
{
	for (uint64_t i = 0; i < r->n; i++)
		free(r->l[i]);
	free(r->l);
}

/* Expected lines, built up in order and compared at the end. */
static char *want[512];
static int nwant;

static void W(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void W(const char *fmt, ...)
{
	va_list ap;

	cr_assert_lt(nwant, 512);
	va_start(ap, fmt);
	cr_assert_geq(vasprintf(&want[nwant++], fmt, ap), 0);
	va_end(ap);
}

/* skip: lines left out of the comparison (counted and summed by the caller instead) */
static void expect_lines_but(const char *context, int (*skip)(const char *))
{
	struct lines got = lines(context);
	uint64_t n = 0;

	for (uint64_t i = 0; i < got.n; i++) {
		if (skip && skip(got.l[i]))
			continue;
		if (n < (uint64_t)nwant)
			cr_expect_str_eq(got.l[i], want[n], "line %llu", (unsigned long long)i);
		n++;
	}
	cr_expect_eq(n, (uint64_t)nwant, "%llu lines, %d expected", (unsigned long long)n, nwant);
	lines_free(&got);
	for (int i = 0; i < nwant; i++)
		free(want[i]);
	nwant = 0;
}

static void expect_lines(const char *context)
{
	expect_lines_but(context, NULL);
}

static uint64_t field_sum(enum trace_event_id e, int f)
{
	struct mm_trace_snap *s = mm_trace_snap(m, 0, UINT64_MAX);
	uint64_t sum = 0;

	for (uint64_t i = 0; i < s->nr; i++)
		if (s->entry[i].type == e)
			sum += f < 0 ? 1 : s->entry[i].f[f];
	free(s);
	return sum;
}

#define COUNT(e)	field_sum(e, -1)


/* A task keeps every other page of 4 MiB of anonymous memory; returns its address. */
static uint64_t holes(int pid)
{
	uint64_t a = map_anon(pid, 4 * MB, 0);

	touch(pid, a, 4 * MB, 1);
	for (uint64_t off = K; off < 4 * MB; off += 2 * K) {
		struct mm_call c = { .verb = MMV_MUNMAP, .addr = a + off, .len = K, .fd = -1 };
		char why[128];
		uint64_t r;

		cr_assert_eq(mm_syscall(m, pid, &c, &r, why, sizeof(why)), 0, "%s", why);
	}
	return a;
}

/*
 * compact_memory: DMA [0x1, 0x1000) then DMA32 [0x1000, 0x8000), each
 * whole and sync, a compact_finished before each round. DMA's 17 lines
 * are the host's (free order-10 blocks at 0x400, 0x800 and 0xc00 count
 * 1024 scanned from their first page; the scanner resumes mid-block after
 * them). The host's compact_memory (Linux 6.18, 24 GiB) began:
 *
 *   sh-4281 [000] ..... 70209.367836: mm_compaction_begin: zone_start=0x1
 *     migrate_pfn=0x1 free_pfn=0xe00 zone_end=0x1000, mode=sync
 *   ... mm_compaction_finished: node=0 zone=DMA      order=-1 ret=continue
 *   ... mm_compaction_isolate_migratepages: range=(0x1 ~ 0x200) nr_scanned=511 nr_taken=0
 *   ... range=(0x200 ~ 0x400) nr_scanned=512, (0x400 ~ 0x600) 1024, (0x600 ~ 0x800) 512,
 *       (0x800 ~ 0xa00) 1024, (0xa00 ~ 0xc00) 512, (0xc00 ~ 0xe00) 1024, nr_taken=0
 *   ... mm_compaction_finished: node=0 zone=DMA      order=-1 ret=complete
 *   ... mm_compaction_end: zone_start=0x1 migrate_pfn=0xe00 free_pfn=0xe00
 *     zone_end=0x1000, mode=sync status=complete
 * DMA32: the early kernel blocks below 0x2800, then free order-10
 * blocks alternate with their second halves; the 1024 held pages (512
 * kept, holes between) are at [0x7400, 0x7600]. The free scanner starts
 * in the top block (free, but a block of pageblock order is no target:
 * 512 scanned, none taken), its stride doubled to 2 in the next, where
 * every other page is a hole. The second round finishes the block it
 * started (finish_pageblock): 223 taken past COMPACT_CLUSTER_MAX.
 */
Test(trace_compaction, compact_memory_lines)
{
	const char *const dma32 = "finished: node=0 zone=DMA32    order=-1 ret=continue";
	char why[128];
	int pid;

	cr_assert_eq(mm_spawn(m, "holes", &pid, why, sizeof(why)), 0);
	holes(pid);
	trace_on("events/compaction/enable", "1");
	tunable("compact_memory", "1\n");

	W("mm_compaction_begin: zone_start=0x1 migrate_pfn=0x1 free_pfn=0xe00 zone_end=0x1000, mode=sync");
	for (uint64_t pfn = 0; pfn < 0xe00; pfn += 0x200) {
		W("mm_compaction_finished: node=0 zone=DMA      order=-1 ret=continue");
		W("mm_compaction_isolate_migratepages: range=(0x%llx ~ 0x%llx) nr_scanned=%d nr_taken=0",
		  (unsigned long long)(pfn ? pfn : 1), (unsigned long long)pfn + 0x200,
		  !pfn ? 511 : pfn == 0x400 || pfn == 0x800 || pfn == 0xc00 ? 1024 : 512);
	}
	W("mm_compaction_finished: node=0 zone=DMA      order=-1 ret=complete");
	W("mm_compaction_end: zone_start=0x1 migrate_pfn=0xe00 free_pfn=0xe00 zone_end=0x1000, mode=sync "
	  "status=complete");
	W("mm_compaction_begin: zone_start=0x1000 migrate_pfn=0x1000 free_pfn=0x7e00 zone_end=0x8000, "
	  "mode=sync");
	for (uint64_t pfn = 0x1000; pfn < 0x7400; pfn += 0x200) {
		W("mm_compaction_%s", dma32);
		W("mm_compaction_isolate_migratepages: range=(0x%llx ~ 0x%llx) nr_scanned=%d nr_taken=0",
		  (unsigned long long)pfn, (unsigned long long)pfn + 0x200,
		  pfn >= 0x2800 && !((pfn - 0x2800) & 0x200) ? 1024 : 512);
	}
	W("mm_compaction_%s", dma32);
	W("mm_compaction_isolate_migratepages: range=(0x7400 ~ 0x7440) nr_scanned=64 nr_taken=32");
	W("mm_compaction_isolate_freepages: range=(0x7e00 ~ 0x8000) nr_scanned=512 nr_taken=0");
	W("mm_compaction_isolate_freepages: range=(0x7c00 ~ 0x7c3f) nr_scanned=32 nr_taken=32");
	W("mm_compaction_migratepages: nr_migrated=32 nr_failed=0");
	W("mm_compaction_%s", dma32);
	W("mm_compaction_isolate_migratepages: range=(0x7440 ~ 0x7600) nr_scanned=448 nr_taken=223");
	W("mm_compaction_isolate_freepages: range=(0x7c3f ~ 0x7dfd) nr_scanned=446 nr_taken=223");
	W("mm_compaction_migratepages: nr_migrated=223 nr_failed=0");
	for (uint64_t pfn = 0x7600; pfn < 0x7c00; pfn += 0x200) {
		W("mm_compaction_%s", dma32);
		W("mm_compaction_isolate_migratepages: range=(0x%llx ~ 0x%llx) nr_scanned=512 nr_taken=0",
		  (unsigned long long)pfn, (unsigned long long)pfn + 0x200);
	}
	W("mm_compaction_finished: node=0 zone=DMA32    order=-1 ret=complete");
	W("mm_compaction_end: zone_start=0x1000 migrate_pfn=0x7c00 free_pfn=0x7dfd zone_end=0x8000, "
	  "mode=sync status=complete");
	/* a write of compact_memory by no task of the machine: <...>-0, the command's clock */
	expect_lines("           <...>-0       [000] .....     0.515000");
	cr_expect_eq(ev(COMPACT_ISOLATED), 2 * 255);
	kill_pid(pid);
}

/* The async run's scan of the blocks, one line a block: summed, not listed. */
static int scan_line(const char *l)
{
	return !strncmp(l, "mm_compaction_isolate_migratepages:", 35) ||
	       !strcmp(l, "mm_compaction_finished: node=0 zone=DMA32    order=9 ret=no_suitable_page");
}

/*
 * test_compaction's fragmented machine (frag: no free 2 MiB block left),
 * every page mlocked and compact_unevictable_allowed 0: a madvised THP
 * fault compacts directly and fails. try_to_compact_pages walks the
 * zonelist down from DMA32: DMA32 is suitable (fragindex 998 > 500), DMA
 * has too little free memory (skipped). The async run (priority 2,
 * COMPACT_PRIO_ASYNC) passes every block (a locked page fails its order-9
 * block at once) and is not deferred; the sync-light one (priority 1)
 * finds nothing either and defers DMA32: limit 2. The fault's one
 * allocation then fails: mm_page_alloc with a NULL page. The next fault
 * finds DMA32 deferred (1 of 2) at priority 2, tries it at priority 1
 * (2 of 2 ends the deferral) and defers it again: limit 4.
 */
Test(trace_compaction, direct_compaction_defers)
{
	const char *const tcp = "mm_compaction_try_to_compact_pages: order=9 "
				"gfp_mask=GFP_HIGHUSER_MOVABLE|__GFP_NOWARN|__GFP_COMP priority=";
	const char *const dma_skipped = "mm_compaction_suitable: node=0 zone=DMA      order=9 ret=skipped";
	const char *const fail = "mm_page_alloc: page=0000000000000000 pfn=0x0 order=9 migratetype=1 "
				 "gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_NOWARN|__GFP_COMP";
	int64_t scanned, stall, fail0;
	char why[128];
	uint64_t b;
	int pid;

	cr_assert_eq(mm_spawn(m, "frag", &pid, why, sizeof(why)), 0);
	frag(pid);
	call(pid, (struct mm_call){ .verb = MMV_MLOCKALL, .flags = MM_MCL_CURRENT });
	tunable("compact_unevictable_allowed", "0\n");
	tunable("compaction_proactiveness", "0\n");
	b = map_anon(pid, 4 * MB, 0);
	madvise(pid, b, 4 * MB, MM_MADV_HUGEPAGE);
	trace_on("events/compaction/enable", "1");
	trace_on("events/kmem/mm_page_alloc/filter", "order == 9");
	trace_on("events/kmem/mm_page_alloc/enable", "1");
	scanned = ev(COMPACT_MIGRATE_SCANNED);
	stall = ev(COMPACT_STALL);
	fail0 = ev(COMPACT_FAIL);
	touch(pid, b, 2 * MB, 1);
	touch(pid, b + 2 * MB, 2 * MB, 1);

	W("%s2", tcp);
	W("mm_compaction_suitable: node=0 zone=DMA32    order=9 ret=continue");
	W("mm_compaction_begin: zone_start=0x1000 migrate_pfn=0x1000 free_pfn=0x7e00 zone_end=0x8000, mode=async");
	W("mm_compaction_finished: node=0 zone=DMA32    order=9 ret=partial_skipped");
	W("mm_compaction_end: zone_start=0x1000 migrate_pfn=0x7e00 free_pfn=0x7e00 zone_end=0x8000, mode=async "
	  "status=partial_skipped");
	W("%s", dma_skipped);
	W("%s1", tcp);
	W("mm_compaction_suitable: node=0 zone=DMA32    order=9 ret=continue");
	W("mm_compaction_begin: zone_start=0x1000 migrate_pfn=0x1000 free_pfn=0x7e00 zone_end=0x8000, mode=sync");
	W("mm_compaction_finished: node=0 zone=DMA32    order=9 ret=partial_skipped");
	W("mm_compaction_end: zone_start=0x1000 migrate_pfn=0x7e00 free_pfn=0x7e00 zone_end=0x8000, mode=sync "
	  "status=partial_skipped");
	W("mm_compaction_defer_compaction: node=0 zone=DMA32    order=9 order_failed=0 consider=0 limit=2");
	W("%s", dma_skipped);
	W("%s", fail);
	/* the second fault */
	W("%s2", tcp);
	W("mm_compaction_deferred: node=0 zone=DMA32    order=9 order_failed=0 consider=1 limit=2");
	W("%s", dma_skipped);
	W("%s1", tcp);
	W("mm_compaction_suitable: node=0 zone=DMA32    order=9 ret=continue");
	W("mm_compaction_begin: zone_start=0x1000 migrate_pfn=0x1000 free_pfn=0x7e00 zone_end=0x8000, mode=sync");
	W("mm_compaction_finished: node=0 zone=DMA32    order=9 ret=partial_skipped");
	W("mm_compaction_end: zone_start=0x1000 migrate_pfn=0x7e00 free_pfn=0x7e00 zone_end=0x8000, mode=sync "
	  "status=partial_skipped");
	W("mm_compaction_defer_compaction: node=0 zone=DMA32    order=9 order_failed=0 consider=0 limit=4");
	W("%s", dma_skipped);
	W("%s", fail);
	expect_lines_but(NULL, scan_line);
	{	/* all the fault's task's: direct compaction runs in the allocating task */
		struct mm_trace_snap *t = mm_trace_snap(m, 0, UINT64_MAX);

		for (uint64_t i = 0; i < t->nr; i++)
			cr_expect(!strcmp(t->entry[i].comm, "frag") && t->entry[i].pid == 2);
		free(t);
	}

	/*
	 * The lines left out: a finished (no_suitable_page) before each round,
	 * 31 rounds: 28 async ones, each scanning a block; the sync runs' 2 and
	 * 1, whose last round finds no block left before the free scanner (the
	 * skip bits of the runs before). 3 more finished: the partial_skipped.
	 */
	cr_expect_eq(COUNT(TE_MM_COMPACTION_ISOLATE_MIGRATEPAGES), 29);
	cr_expect_eq(COUNT(TE_MM_COMPACTION_FINISHED), 31 + 3);
	cr_expect_eq(field_sum(TE_MM_COMPACTION_ISOLATE_MIGRATEPAGES, 2),
		     (uint64_t)(ev(COMPACT_MIGRATE_SCANNED) - scanned));
	cr_expect_eq(field_sum(TE_MM_COMPACTION_ISOLATE_MIGRATEPAGES, 3), 0);
	/* every try_to_compact_pages that compacted a zone stalled, and failed */
	cr_expect_eq(ev(COMPACT_STALL) - stall, 4);
	cr_expect_eq(ev(COMPACT_FAIL) - fail0, 4);
	cr_expect_eq(COUNT(TE_MM_COMPACTION_TRY_TO_COMPACT_PAGES), 4);
	cr_expect_eq(COUNT(TE_MM_COMPACTION_DEFERRED), 1);
	cr_expect_eq(COUNT(TE_MM_COMPACTION_DEFER_COMPACTION), 2);
	cr_expect_eq(ev(THP_FAULT_FALLBACK), 2);
	kill_pid(pid);
}

/*
 * frag() then compact_memory with every compaction event on: the events
 * add up to the counters they shadow. compact_isolated counts the pages
 * both scanners take (isolate_migratepages' and isolate_freepages'
 * nr_taken), compact_migrate_scanned and compact_free_scanned their
 * nr_scanned, pgmigrate_success/fail the migratepages lines. The hugetlb
 * pool's growth in frag() takes 30 pages of order 9, then one allocation
 * fails: 30 mm_page_alloc lines and one of a NULL page.
 */
Test(trace_compaction, events_add_up_to_the_counters)
{
	int64_t iso, mscan, fscan, ok, bad;
	char why[128];
	int pid;

	cr_assert_eq(mm_spawn(m, "frag", &pid, why, sizeof(why)), 0);
	trace_on("events/kmem/mm_page_alloc/filter", "order == 9");
	trace_on("events/kmem/mm_page_alloc/enable", "1");
	frag(pid);
	{
		struct lines l = lines(NULL);
		uint64_t fails = 0, allocs = 0;

		for (uint64_t i = 0; i < l.n; i++) {
			fails += !strcmp(l.l[i], "mm_page_alloc: page=0000000000000000 pfn=0x0 order=9 "
					 "migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_NOWARN|"
					 "__GFP_COMP|__GFP_THISNODE");
			allocs++;
		}
		cr_expect_eq(fails, 1);
		cr_expect_eq(allocs, 30 + 1 + 2, "the pool's 30, its failure, the two THPs");
		lines_free(&l);
	}
	trace_on("events/kmem/mm_page_alloc/enable", "0");
	trace_clear();
	trace_on("events/compaction/enable", "1");
	iso = ev(COMPACT_ISOLATED);
	mscan = ev(COMPACT_MIGRATE_SCANNED);
	fscan = ev(COMPACT_FREE_SCANNED);
	ok = ev(PGMIGRATE_SUCCESS);
	bad = ev(PGMIGRATE_FAIL);
	tunable("compact_memory", "1\n");
	cr_expect_eq(field_sum(TE_MM_COMPACTION_ISOLATE_MIGRATEPAGES, 3) +
		     field_sum(TE_MM_COMPACTION_ISOLATE_FREEPAGES, 3), (uint64_t)(ev(COMPACT_ISOLATED) - iso));
	cr_expect_eq(field_sum(TE_MM_COMPACTION_ISOLATE_MIGRATEPAGES, 3), 2047, "the sources");
	cr_expect_eq(field_sum(TE_MM_COMPACTION_ISOLATE_FREEPAGES, 3), 1823, "the targets");
	cr_expect_eq(field_sum(TE_MM_COMPACTION_ISOLATE_MIGRATEPAGES, 2),
		     (uint64_t)(ev(COMPACT_MIGRATE_SCANNED) - mscan));
	cr_expect_eq(field_sum(TE_MM_COMPACTION_ISOLATE_FREEPAGES, 2),
		     (uint64_t)(ev(COMPACT_FREE_SCANNED) - fscan));
	/*
	 * Each source is moved or not: nr_failed counts the batch's pages not
	 * moved, the one that failed (pgmigrate_fail: the scanners met, no
	 * target left) and the 223 of the batch left untried, put back.
	 */
	cr_expect_eq(field_sum(TE_MM_COMPACTION_MIGRATEPAGES, 0), (uint64_t)(ev(PGMIGRATE_SUCCESS) - ok));
	cr_expect_eq(ev(PGMIGRATE_SUCCESS) - ok, 1823);
	cr_expect_eq(ev(PGMIGRATE_FAIL) - bad, 1);
	cr_expect_eq(field_sum(TE_MM_COMPACTION_MIGRATEPAGES, 1), 1 + 223);
	cr_expect_eq(field_sum(TE_MM_COMPACTION_MIGRATEPAGES, 0) + field_sum(TE_MM_COMPACTION_MIGRATEPAGES, 1),
		     field_sum(TE_MM_COMPACTION_ISOLATE_MIGRATEPAGES, 3));
	/* one begin, one end a zone; a finished before each of the 31 rounds and one at the end */
	cr_expect_eq(COUNT(TE_MM_COMPACTION_BEGIN), 2);
	cr_expect_eq(COUNT(TE_MM_COMPACTION_END), 2);
	cr_expect_eq(COUNT(TE_MM_COMPACTION_FINISHED), 31 + 2);
	cr_expect_eq(COUNT(TE_MM_COMPACTION_ISOLATE_MIGRATEPAGES), 30, "a round that found no block has none");
	/* compact_memory asks no zone whether it is suitable, defers nothing */
	cr_expect_eq(COUNT(TE_MM_COMPACTION_SUITABLE) + COUNT(TE_MM_COMPACTION_DEFERRED) +
		     COUNT(TE_MM_COMPACTION_DEFER_COMPACTION) + COUNT(TE_MM_COMPACTION_DEFER_RESET) +
		     COUNT(TE_MM_COMPACTION_TRY_TO_COMPACT_PAGES), 0);
	kill_pid(pid);
}

/*
 * kcompactd: a write of compaction_proactiveness wakes it (order -1, the
 * node's highest zone), by the writer; at the next point, the fragmented
 * node's score above the watermark, it runs the proactive compaction as
 * kcompactd0 and goes back to sleep. With
 * proactiveness on, it wakes every 500 ms of simulated time to look, and
 * sleeps again: one kcompactd_sleep each time (each command costs 1 ms).
 */
Test(trace_compaction, kcompactd_sleeps_and_proactive_wakeup)
{
	struct mm_trace_snap *s;
	uint64_t sleeps = 0, by_kcompactd = 0, begins = 0;
	char why[128];
	uint64_t a;
	int pid;

	cr_assert_eq(mm_spawn(m, "frag", &pid, why, sizeof(why)), 0);
	a = frag(pid);
	trace_on("events/compaction/enable", "1");
	tunable("compaction_proactiveness", "100\n");
	tunable("compaction_proactiveness", "90\n");	/* already triggered: no second wakeup */
	touch(pid, a, K, 1);
	s = mm_trace_snap(m, 0, UINT64_MAX);
	cr_assert_gt(s->nr, 2);
	cr_expect_eq(s->entry[0].type, TE_MM_COMPACTION_WAKEUP_KCOMPACTD);
	cr_expect_eq((int64_t)s->entry[0].f[1], -1);
	cr_expect_eq(s->entry[0].f[2], ZONE_DMA32);
	cr_expect_str_eq(s->entry[0].comm, "<...>");
	cr_expect_neq(s->entry[1].type, TE_MM_COMPACTION_WAKEUP_KCOMPACTD);
	for (uint64_t i = 1; i < s->nr; i++) {
		by_kcompactd += !strcmp(s->entry[i].comm, "kcompactd0") && s->entry[i].pid == 0;
		sleeps += s->entry[i].type == TE_MM_COMPACTION_KCOMPACTD_SLEEP;
		begins += s->entry[i].type == TE_MM_COMPACTION_BEGIN;
	}
	cr_expect_eq(by_kcompactd, s->nr - 1, "the proactive run is kcompactd's");
	cr_expect_eq(sleeps, 1);
	cr_expect_eq(s->entry[s->nr - 1].type, TE_MM_COMPACTION_KCOMPACTD_SLEEP);
	cr_expect_eq(begins, 2, "DMA and DMA32");
	free(s);

	/* 500 commands later, kcompactd has looked again: one more sleep */
	trace_clear();
	tunable("compaction_proactiveness", "0\n");
	for (int i = 0; i < 501; i++)
		touch(pid, a, K, 1);
	cr_expect_eq(COUNT(TE_MM_COMPACTION_KCOMPACTD_SLEEP), 0, "proactiveness 0: no timeout");
	trace_clear();
	tunable("compaction_proactiveness", "20\n");
	for (int i = 0; i < 1001; i++)
		touch(pid, a, K, 1);
	/* the write's wakeup, then the timeout at 500 and at 1000 ms */
	cr_expect_eq(COUNT(TE_MM_COMPACTION_WAKEUP_KCOMPACTD), 1);
	cr_expect_eq(COUNT(TE_MM_COMPACTION_KCOMPACTD_SLEEP), 3);
	kill_pid(pid);
}

/* The run's scanning lines: left out where the steps around them are the point. */
static int run_line(const char *l)
{
	return scan_line(l) || !strncmp(l, "mm_compaction_isolate_freepages:", 32) ||
	       !strncmp(l, "mm_compaction_migratepages:", 27) ||
	       !strncmp(l, "mm_compaction_finished:", 23);
}

/*
 * The hugetlb pool grows by one page on frag()'s machine: its async
 * direct compaction succeeds (defer_reset, expected to succeed: consider
 * 1), the allocation does (defer_reset again, alloc_success: consider 0),
 * then the page's one mm_page_alloc, last, as Linux writes it at the end
 * of __alloc_pages. kswapd, woken for order 9, goes to sleep balanced and
 * wakes kcompactd (as kswapd0: DMA has too little free memory above its
 * reserve for DMA32's allocations, DMA32 is suitable); kcompactd runs at
 * the next point (as kcompactd0), checks DMA32 twice as Linux does
 * (kcompactd_do_work, then compact_zone), compacts it and sleeps.
 */
Test(trace_compaction, kswapd_wakes_kcompactd)
{
	const char *const ctx = "           <...>-0       [000] .....     4.103000: ";
	const char *const ksw = "         kswapd0-0       [000] .....     4.104000: ";
	const char *const kcd = "      kcompactd0-0       [000] .....     4.104000: ";
	struct mm_trace_snap *s;
	uint64_t n = 0;
	char why[128];
	uint64_t a;
	int pid;

	cr_assert_eq(mm_spawn(m, "frag", &pid, why, sizeof(why)), 0);
	a = frag(pid);
	trace_on("events/compaction/enable", "1");
	trace_on("events/kmem/mm_page_alloc/filter", "order == 9");
	trace_on("events/kmem/mm_page_alloc/enable", "1");
	trace_on("events/vmscan/mm_vmscan_kswapd_wake/enable", "1");
	tunable("nr_hugepages", "31\n");
	touch(pid, a, K, 1);

	W("%smm_compaction_try_to_compact_pages: order=9 gfp_mask=GFP_HIGHUSER_MOVABLE|__GFP_NOWARN|"
	  "__GFP_COMP|__GFP_THISNODE priority=2", ctx);
	W("%smm_compaction_suitable: node=0 zone=DMA32    order=9 ret=continue", ctx);
	W("%smm_compaction_begin: zone_start=0x1000 migrate_pfn=0x1000 free_pfn=0x7e00 zone_end=0x8000, "
	  "mode=async", ctx);
	W("%smm_compaction_end: zone_start=0x1000 migrate_pfn=0x5a00 free_pfn=0x739d zone_end=0x8000, "
	  "mode=async status=success", ctx);
	W("%smm_compaction_defer_reset: node=0 zone=DMA32    order=9 order_failed=10 consider=1 limit=1", ctx);
	W("%smm_compaction_defer_reset: node=0 zone=DMA32    order=9 order_failed=10 consider=0 limit=1", ctx);
	W("%smm_page_alloc: page=00000000850faeba pfn=0x5800 order=9 migratetype=1 "
	  "gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_NOWARN|__GFP_COMP|__GFP_THISNODE", ctx);
	W("%smm_vmscan_kswapd_wake: nid=0 order=9", ksw);
	W("%smm_compaction_suitable: node=0 zone=DMA      order=9 ret=skipped", ksw);
	W("%smm_compaction_suitable: node=0 zone=DMA32    order=9 ret=continue", ksw);
	W("%smm_compaction_wakeup_kcompactd: nid=0 order=9 classzone_idx=Normal  ", ksw);
	W("%smm_compaction_kcompactd_wake: nid=0 order=9 classzone_idx=DMA32   ", kcd);
	W("%smm_compaction_suitable: node=0 zone=DMA32    order=9 ret=continue", kcd);
	W("%smm_compaction_suitable: node=0 zone=DMA32    order=9 ret=continue", kcd);
	W("%smm_compaction_begin: zone_start=0x1000 migrate_pfn=0x2a00 free_pfn=0x7200 zone_end=0x8000, "
	  "mode=sync", kcd);
	W("%smm_compaction_end: zone_start=0x1000 migrate_pfn=0x5e00 free_pfn=0x719d zone_end=0x8000, "
	  "mode=sync status=success", kcd);
	W("%smm_compaction_defer_reset: node=0 zone=DMA32    order=9 order_failed=10 consider=0 limit=1", kcd);
	W("%smm_compaction_kcompactd_sleep: nid=0", kcd);
	s = mm_trace_snap(m, 0, UINT64_MAX);
	for (uint64_t i = 0; i < s->nr; i++) {
		struct rbuf b;
		const char *event;

		rbuf_init(&b);
		trace_print_line(&b, &s->entry[i]);
		b.buf[b.len - 1] = '\0';	/* the newline */
		event = strstr(b.buf, ": ") + 2;
		if (!run_line(event)) {
			if (n < (uint64_t)nwant)
				cr_expect_str_eq(b.buf, want[n], "line %llu", (unsigned long long)i);
			n++;
		}
		rbuf_free(&b);
	}
	free(s);
	cr_expect_eq(n, (uint64_t)nwant);
	for (int i = 0; i < nwant; i++)
		free(want[i]);
	nwant = 0;
	cr_expect_eq(ev(COMPACT_DAEMON_WAKE), 1);
	cr_expect_eq(COUNT(TE_MM_COMPACTION_KCOMPACTD_WAKE), 1);
}

/* An allocation's try left open (trace_alloc_tries) between commands: the checker says so. */
Test(trace_compaction, checker_sees_an_open_allocation_try)
{
	char *r;
	int nbad;

	m->trace_alloc_tries = 1;
	r = mm_check(m, &nbad);
	cr_expect_eq(nbad, 1);
	cr_expect(strstr(r, "trace: 1 allocation tries still open between commands"), "%s", r);
	free(r);
	m->trace_alloc_tries = 0;
}
