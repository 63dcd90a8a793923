/* SPDX-License-Identifier: MIT */
/*
 * Trace events: the lines and format files against samples of the host's
 * tracefs (Linux 6.18), and the model's ring: what the hooks record, that
 * the kmem events agree with vmstat, filters, set_event, the ring that
 * drops its oldest entries, consumption, and the checker's invariants.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leakcheck.h"
#include "../../mm/internal.h"
#include "../../mm/memory.h"
#include "../../mm/task.h"
#include "../../mm/trace.h"
#include "../../mm/trace_internal.h"
#include "../../mm/vmstat.h"
#include "../../fs/tracefs.h"

static struct machine *m;

#include "mmtest.h"

#define MiB (1ULL << 20)

static void setup(void)
{
	struct mm_config cfg = { .ram_bytes = 64 * MiB, .nr_nodes = 1 };

	m = mm_boot(&cfg, NULL, 0);
	cr_assert(m);
}

static void teardown(void)
{
	mm_shutdown(m);
	leak_check();
}

TestSuite(trace, .init = setup, .fini = teardown);

/* ---- lines, against the host's ---- */

/* The line of e, with the 16 hex digits of each hashed pointer masked as X */
static char *line_of(const struct trace_entry *e)
{
	struct rbuf b;

	rbuf_init(&b);
	trace_print_line(&b, e);
	for (char *p = b.buf; (p = strstr(p, "page=")) || (p = NULL); p += 5)
		if (strlen(p) >= 21 && p[21] == ' ')
			memset(p + 5, 'X', 16);
	for (char *p = b.buf; (p = strstr(p, "ptr=")); p += 4)
		if (strlen(p) >= 20 && strncmp(p + 4, "0000000000000000", 16))
			memset(p + 4, 'X', 16);
	return b.buf;
}

static struct trace_entry ent(enum trace_event_id type, const char *comm, int pid, int cpu,
			      uint64_t ts_ns)
{
	struct trace_entry e = { .type = (uint16_t)type, .pid = pid, .cpu = (uint16_t)cpu,
				 .ts_ns = ts_ns };

	snprintf(e.comm, sizeof(e.comm), "%s", comm);
	return e;
}

static void expect_line(const struct trace_entry *e, const char *want)
{
	char *got = line_of(e);

	cr_expect_str_eq(got, want);
	free(got);
}

#define TS(s, us)	((uint64_t)(s) * 1000000000ULL + (uint64_t)(us) * 1000ULL + 123)
#define L_HIGHUSER_MOVABLE_ZERO_COMP	(LGFP_HIGHUSER_MOVABLE | LGFP_ZERO | LGFP_COMP)

Test(trace, lines_as_the_host_prints_them)
{
	struct trace_entry e;

	e = ent(TE_PAGE_FAULT_USER, "as", 2715, 1, TS(59113, 491900));
	e.f[0] = 0x56329b7826c8;
	e.f[1] = 0x7fc97c2d9109;
	e.f[2] = 6;
	expect_line(&e, "              as-2715    [001] d.... 59113.491900: page_fault_user: "
		    "address=0x56329b7826c8 ip=0x7fc97c2d9109 error_code=0x6\n");

	e = ent(TE_MM_PAGE_ALLOC, "as", 2715, 1, TS(59113, 491905));
	e.f[0] = 0x3813f2;
	e.f[2] = L_HIGHUSER_MOVABLE_ZERO_COMP;
	e.f[3] = 1;
	expect_line(&e, "              as-2715    [001] ..... 59113.491905: mm_page_alloc: "
		    "page=XXXXXXXXXXXXXXXX pfn=0x3813f2 order=0 migratetype=1 "
		    "gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_ZERO|__GFP_COMP\n");

	e = ent(TE_MM_PAGE_ALLOC, "bash", 2723, 1, TS(59113, 483219));
	e.f[0] = 0x49305e;
	e.f[1] = 1;
	e.f[2] = LGFP_RECLAIMABLE | LGFP_IO | LGFP_FS | LGFP_NOWARN | (1UL << 16) | LGFP_COMP |
		 (1UL << 19);
	e.f[3] = 2;
	expect_line(&e, "            bash-2723    [001] ..... 59113.483219: mm_page_alloc: "
		    "page=XXXXXXXXXXXXXXXX pfn=0x49305e order=1 migratetype=2 gfp_flags=__GFP_RECLAIMABLE|"
		    "__GFP_IO|__GFP_FS|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP|__GFP_NOMEMALLOC\n");

	e = ent(TE_MM_PAGE_ALLOC, "as", 2715, 1, TS(59113, 494549));
	e.f[0] = 0x5bda2e;
	e.f[2] = trace_gfp(0, 0);	/* a page table */
	expect_line(&e, "              as-2715    [001] ..... 59113.494549: mm_page_alloc: "
		    "page=XXXXXXXXXXXXXXXX pfn=0x5bda2e order=0 migratetype=0 "
		    "gfp_flags=GFP_KERNEL_ACCOUNT|__GFP_ZERO|__GFP_COMP\n");

	e = ent(TE_RSS_STAT, "as", 2715, 1, TS(59113, 491908));
	e.f[0] = 3173569582u;
	e.f[1] = 1;
	e.f[2] = MM_ANONPAGES;
	e.f[3] = 3223552;
	expect_line(&e, "              as-2715    [001] ...1. 59113.491908: rss_stat: "
		    "mm_id=3173569582 curr=1 type=MM_ANONPAGES size=3223552B\n");

	e = ent(TE_MM_PAGE_FREE, "as", 2715, 1, TS(59113, 493096));
	e.f[0] = 0x4209dc;
	expect_line(&e, "              as-2715    [001] ...2. 59113.493096: mm_page_free: "
		    "page=XXXXXXXXXXXXXXXX pfn=0x4209dc order=0\n");

	e = ent(TE_MM_PAGE_ALLOC_ZONE_LOCKED, "dpkg-preconfigu", 2721, 0, TS(59113, 664018));
	e.f[0] = 0x56c618;
	e.f[3] = 1;
	expect_line(&e, " dpkg-preconfigu-2721    [000] d..3. 59113.664018: mm_page_alloc_zone_locked: "
		    "page=XXXXXXXXXXXXXXXX pfn=0x56c618 order=0 migratetype=0 percpu_refill=1\n");

	e = ent(TE_MM_FILEMAP_GET_PAGES, "as", 2715, 1, TS(59113, 492056));
	e.f[0] = 0xa7214b;
	e.f[1] = 254 << 20;
	e.f[2] = 120;
	e.f[3] = 127;
	expect_line(&e, "              as-2715    [001] ..... 59113.492056: mm_filemap_get_pages: "
		    "dev=254:0 ino=a7214b ofs=491520-524287\n");

	e = ent(TE_MM_FILEMAP_MAP_PAGES, "cc1", 2714, 1, TS(59113, 502810));
	e.f[0] = 0x3f83a;
	e.f[1] = 254 << 20;
	e.f[2] = 5373952 >> 12;
	e.f[3] = (5439487 + 1) / 4096 - 1;
	expect_line(&e, "             cc1-2714    [001] ..... 59113.502810: mm_filemap_map_pages: "
		    "dev=254:0 ino=3f83a ofs=5373952-5439487\n");

	e = ent(TE_MM_FILEMAP_FAULT, "cat", 2728, 1, TS(59113, 507867));
	e.f[0] = 0x3c55e;
	e.f[1] = 254 << 20;
	e.f[2] = 10;
	expect_line(&e, "             cat-2728    [001] ..... 59113.507867: mm_filemap_fault: "
		    "dev=254:0 ino=3c55e ofs=40960\n");

	e = ent(TE_MM_FILEMAP_ADD_TO_PAGE_CACHE, "dpkg-preconfigu", 2721, 0, TS(59113, 508092));
	e.f[0] = 0x126e36;
	e.f[1] = 0xfe00000;
	e.f[2] = 11647778816ULL >> 12;
	e.f[3] = 3;
	expect_line(&e, " dpkg-preconfigu-2721    [000] ..... 59113.508092: mm_filemap_add_to_page_cache: "
		    "dev 0:3 ino fe00000 pfn=0x126e36 ofs=11647778816 order=0\n");

	e = ent(TE_MM_FILEMAP_DELETE_FROM_PAGE_CACHE, "cc", 2424, 1, TS(59113, 563671));
	e.f[0] = 0x2c35e7;
	e.f[1] = 0xa7214b;
	e.f[3] = 254 << 20;
	expect_line(&e, "              cc-2424    [001] d..2. 59113.563671: "
		    "mm_filemap_delete_from_page_cache: dev 254:0 ino a7214b pfn=0x2c35e7 ofs=0 order=0\n");
}

Test(trace, slab_lines_as_the_host_prints_them)
{
	struct trace_entry e;

	e = ent(TE_KMALLOC, "bash", 2723, 1, TS(59113, 499782));
	snprintf(e.site, sizeof(e.site), "eventfs_set_attr+0x10d/0x140");
	e.f[1] = 0x610f83dd;
	e.f[2] = 60;
	e.f[3] = 64;
	e.f[4] = LGFP_DIRECT_RECLAIM | LGFP_KSWAPD_RECLAIM | LGFP_IO | LGFP_ZERO;
	e.f[5] = (uint64_t)-1;
	expect_line(&e, "            bash-2723    [001] ..... 59113.499782: kmalloc: "
		    "call_site=eventfs_set_attr+0x10d/0x140 ptr=XXXXXXXXXXXXXXXX bytes_req=60 "
		    "bytes_alloc=64 gfp_flags=GFP_NOFS|__GFP_ZERO node=-1 accounted=false\n");

	e = ent(TE_KFREE, "bash", 2723, 1, TS(59113, 501590));
	snprintf(e.site, sizeof(e.site), "ida_alloc_range+0x39b/0x400");
	expect_line(&e, "            bash-2723    [001] ..... 59113.501590: kfree: "
		    "call_site=ida_alloc_range+0x39b/0x400 ptr=0000000000000000\n");

	e = ent(TE_KMEM_CACHE_ALLOC, "bash", 2723, 1, TS(59113, 500522));
	snprintf(e.site, sizeof(e.site), "alloc_empty_file+0x3c/0x110");
	snprintf(e.str, sizeof(e.str), "filp");
	e.f[1] = 0xdf8a0c63;
	e.f[3] = 184;
	e.f[4] = 192;
	e.f[5] = LGFP_KERNEL;
	e.f[6] = (uint64_t)-1;
	e.f[7] = 1;
	expect_line(&e, "            bash-2723    [001] ..... 59113.500522: kmem_cache_alloc: "
		    "call_site=alloc_empty_file+0x3c/0x110 ptr=XXXXXXXXXXXXXXXX name=filp bytes_req=184 "
		    "bytes_alloc=192 gfp_flags=GFP_KERNEL node=-1 accounted=true\n");

	e = ent(TE_KMEM_CACHE_FREE, "bash", 2723, 1, TS(59113, 500781));
	snprintf(e.site, sizeof(e.site), "task_work_run+0x59/0x90");
	snprintf(e.str, sizeof(e.str), "filp");
	e.f[1] = 0xdf8a0c63;
	expect_line(&e, "            bash-2723    [001] ..... 59113.500781: kmem_cache_free: "
		    "call_site=task_work_run+0x59/0x90 ptr=XXXXXXXXXXXXXXXX name=filp\n");
}

/* Every format file is the host's, byte for byte. */
Test(trace, format_files_are_the_hosts)
{
	for (int e = 0; e < TE_NR; e++) {
		char path[512], *want;
		struct rbuf b;
		FILE *f;
		long n;

		snprintf(path, sizeof(path), "%s/tools/trace/samples/%s/%s.format", MMFS_SRCDIR,
			 trace_events[e].system, trace_events[e].name);
		f = fopen(path, "r");
		cr_assert(f, "%s", path);
		fseek(f, 0, SEEK_END);
		n = ftell(f);
		rewind(f);
		want = calloc(1, (size_t)n + 1);
		cr_assert_eq(fread(want, 1, (size_t)n, f), (size_t)n);
		fclose(f);
		rbuf_init(&b);
		trace_print_format(&b, (enum trace_event_id)e);
		rbuf_put(&b, "", 1);
		cr_expect_str_eq(b.buf, want, "%s", trace_events[e].name);
		rbuf_free(&b);
		free(want);
	}
}

/* ---- the model ---- */

static void twrite(const char *path, const char *text)
{
	cr_assert_eq(mm_trace_write(m, path, text, strlen(text), 0), 0, "%s <- %s", path, text);
	check_ok();
}

static struct mm_trace_snap *snap(void)
{
	struct mm_trace_snap *s = mm_trace_snap(m, 0, UINT64_MAX);

	cr_assert(s);
	return s;
}

static uint64_t count(const struct mm_trace_snap *s, enum trace_event_id e)
{
	uint64_t n = 0;

	for (uint64_t i = 0; i < s->nr; i++)
		n += s->entry[i].type == e;
	return n;
}

static int64_t pgalloc(void)
{
	return m->vm_events[PGALLOC_DMA] + m->vm_events[PGALLOC_DMA32] +
	       m->vm_events[PGALLOC_NORMAL] + m->vm_events[PGALLOC_MOVABLE];
}

Test(trace, nothing_records_until_an_event_is_enabled)
{
	struct mm_trace_snap *s = snap();

	cr_expect_eq(s->expanded, 0);
	cr_expect_eq(m->trace_mask, 0);
	touch(1, map_anon(1, 64 << 10, 0), 64 << 10, 1);
	free(s);
	s = snap();
	cr_expect_eq(s->nr, 0);
	cr_expect_eq(s->written, 0);
	free(s);
}

Test(trace, page_alloc_events_match_pgalloc)
{
	uint64_t addr = map_anon(1, 256 << 10, 0);
	int64_t before = pgalloc(), pgfree = m->vm_events[PGFREE];
	struct mm_trace_snap *s;
	uint64_t pages = 0, freed = 0;

	twrite("events/kmem/mm_page_alloc/enable", "1\n");
	twrite("events/kmem/mm_page_free/enable", "1");
	twrite("events/exceptions/page_fault_user/enable", "1");
	touch(1, addr, 256 << 10, 1);
	call(1, (struct mm_call){ .verb = MMV_MUNMAP, .addr = addr, .len = 256 << 10 });
	s = snap();
	for (uint64_t i = 0; i < s->nr; i++) {
		const struct trace_entry *e = &s->entry[i];

		if (e->type == TE_MM_PAGE_ALLOC)
			pages += 1ULL << e->f[1];
		if (e->type == TE_MM_PAGE_FREE)
			freed += 1ULL << e->f[1];
		cr_expect_eq(e->pid, 1);
		cr_expect_str_eq(e->comm, "init");
		if (i)
			cr_expect_gt(e->ts_ns, s->entry[i - 1].ts_ns);
	}
	cr_expect_eq((int64_t)pages, pgalloc() - before);
	cr_expect_eq((int64_t)freed, m->vm_events[PGFREE] - pgfree);
	cr_expect_eq(count(s, TE_PAGE_FAULT_USER), 64, "one fault per page");
	cr_expect_geq(count(s, TE_MM_PAGE_ALLOC), 64);
	cr_expect_eq(s->entries, s->nr);
	cr_expect_eq(s->written, s->nr);
	free(s);
}

Test(trace, rss_stat_follows_the_counters)
{
	uint64_t addr = map_anon(1, 16 << 10, 0);
	struct mm_trace_snap *s;

	twrite("events/kmem/rss_stat/enable", "1");
	touch(1, addr, 16 << 10, 1);
	s = snap();
	cr_assert_eq(s->nr, 4);
	for (uint64_t i = 0; i < 4; i++) {
		cr_expect_eq(s->entry[i].f[1], 1, "curr");
		cr_expect_eq(s->entry[i].f[2], MM_ANONPAGES);
		cr_expect_eq(s->entry[i].f[3], (i + 1) * 4096 + (s->entry[0].f[3] - 4096));
	}
	free(s);
}

Test(trace, filters_select_and_refuse)
{
	uint64_t addr = map_anon(1, 64 << 10, 0);
	char text[512];
	struct mm_trace_snap *s;

	twrite("events/kmem/mm_page_alloc/enable", "1");
	twrite("events/kmem/mm_page_alloc/filter", "migratetype == 1 && order == 0\n");
	cr_assert_eq(mm_trace_filter_text(m, "events/kmem/mm_page_alloc/filter", text, sizeof(text)), 0);
	cr_expect_str_eq(text, "migratetype == 1 && order == 0\n");
	touch(1, addr, 64 << 10, 1);
	s = snap();
	cr_expect_eq(s->nr, 16, "only the user pages, no page table");
	for (uint64_t i = 0; i < s->nr; i++)
		cr_expect_eq(s->entry[i].f[3], 1);
	free(s);

	cr_expect_eq(mm_trace_write(m, "events/kmem/mm_page_alloc/filter", "bogus > 2", 9, 0), -EINVAL);
	mm_trace_filter_text(m, "events/kmem/mm_page_alloc/filter", text, sizeof(text));
	cr_expect_str_eq(text, "bogus > 2\n      ^\nparse_error: Field not found\n");
	twrite("events/kmem/mm_page_alloc/filter", "0");
	mm_trace_filter_text(m, "events/kmem/mm_page_alloc/filter", text, sizeof(text));
	cr_expect_str_eq(text, "none\n");
	twrite("events/kmem/filter", "order > 2 || common_pid == 1");
	mm_trace_filter_text(m, "events/kmem/filter", text, sizeof(text));
	cr_expect_str_eq(text, "order > 2 || common_pid == 1\n");
	mm_trace_filter_text(m, "events/kmem/mm_page_free/filter", text, sizeof(text));
	cr_expect_str_eq(text, "order > 2 || common_pid == 1\n");
	/* kmalloc has no order: it gets no filter, the others take it */
	mm_trace_filter_text(m, "events/kmem/kmalloc/filter", text, sizeof(text));
	cr_expect_str_eq(text, "none\n");
	cr_expect_eq(mm_trace_write(m, "events/kmem/filter", "nonesuch == 1", 13, 0), -EINVAL);
}

Test(trace, set_event_words)
{
	struct mm_trace_snap *s;

	twrite("set_event", "kmem:mm_page_alloc");
	twrite("set_event", "vmscan:*");
	twrite("set_event", "oom");
	twrite("set_event", "!vmscan:mm_vmscan_write_folio");
	s = snap();
	cr_expect_eq(s->enabled >> TE_MM_PAGE_ALLOC & 1, 1);
	cr_expect_eq(s->enabled >> TE_MM_VMSCAN_KSWAPD_WAKE & 1, 1);
	cr_expect_eq(s->enabled >> TE_MM_VMSCAN_WRITE_FOLIO & 1, 0);
	cr_expect_eq(s->enabled >> TE_MARK_VICTIM & 1, 1);
	cr_expect_eq(s->enabled >> TE_MM_PAGE_FREE & 1, 0);
	free(s);
	cr_expect_eq(mm_trace_write(m, "set_event", "kmem:nonesuch", 13, 0), -EINVAL);
	cr_expect_eq(mm_trace_write(m, "set_event", NULL, 0, 1), 0);	/* > set_event */
	s = snap();
	cr_expect_eq(s->enabled, 0);
	free(s);
	cr_expect_eq(mm_trace_write(m, "events/kmem/mm_page_alloc/enable", "2", 1, 0), -EINVAL);
	cr_expect_eq(mm_trace_write(m, "events/nosys/enable", "1", 1, 0), -ENOENT);
	cr_expect_eq(mm_trace_write(m, "tracing_on", "x", 1, 0), -EINVAL);
}

Test(trace, the_ring_drops_its_oldest)
{
	uint64_t addr = map_anon(1, 1 << 20, 0);
	struct mm_trace_snap *s;

	twrite("buffer_size_kb", "1");	/* 2 sub-buffers of 4080 bytes x 2 CPUs / 64 B: 255 entries */
	twrite("events/exceptions/page_fault_user/enable", "1");
	touch(1, addr, 1 << 20, 1);
	s = snap();
	cr_expect_eq(s->buffer_size_kb, 7, "rounded as the host rounds it");
	cr_expect_eq(s->nr, 255);
	cr_expect_eq(s->written, 256);
	cr_expect_eq(s->first_seq, 1);
	cr_expect_eq(s->entry[254].f[0], addr + (255 << 12), "the newest is kept");
	free(s);
	twrite("tracing_on", "0");
	touch(1, map_anon(1, 64 << 10, 0), 64 << 10, 1);
	s = snap();
	cr_expect_eq(s->written, 256, "tracing_on 0 records nothing");
	free(s);
	/* a trace_pipe read consumes through seq 240 */
	twrite("trace_pipe", "240");
	s = snap();
	cr_expect_eq(s->nr, 16);
	cr_expect_eq(s->first_seq, 240);
	free(s);
	cr_expect_eq(mm_trace_write(m, "trace", NULL, 0, 1), 0);	/* echo > trace */
	s = snap();
	cr_expect_eq(s->nr, 0);
	cr_expect_eq(s->written, 0);
	free(s);
	check_ok();
}

Test(trace, kmem_emitters_record_what_slub_passes)
{
	struct mm_trace_snap *s;
	void *obj = m->trace;	/* any object of the arena */

	twrite("events/kmem/enable", "1");
	machine_lock(m);	/* as inside the model, where slub.c calls them */
	trace_kmem_cache_alloc(m, "vm_area_alloc", obj, "vm_area_struct", 184, 184, LGFP_KERNEL, -1, 1);
	trace_kmem_cache_free(m, "vm_area_free", obj, "vm_area_struct");
	trace_kmalloc(m, "anon_vma_alloc", obj, 60, 64, LGFP_KERNEL, -1);
	trace_kfree(m, "anon_vma_free", obj);
	machine_unlock(m);
	s = snap();
	cr_assert_eq(s->nr, 4);
	cr_expect_str_eq(s->entry[0].str, "vm_area_struct");
	cr_expect_str_eq(s->entry[0].site, "vm_area_alloc");
	cr_expect_eq(s->entry[0].f[1], s->entry[1].f[1], "the same object hashes the same");
	cr_expect_neq(s->entry[0].f[1], 0);
	free(s);
}

Test(trace, checker_sees_a_broken_ring)
{
	char *r;
	int nbad;

	twrite("events/kmem/mm_page_alloc/enable", "1");
	m->trace_mask = 0;
	r = mm_check(m, &nbad);
	cr_expect_eq(nbad, 1);
	cr_expect(strstr(r, "trace: event mask 0 but enabled"), "%s", r);
	free(r);
	m->trace_mask = m->trace->enabled;
	m->trace->head = m->trace->next + 1;
	r = mm_check(m, &nbad);
	cr_expect_eq(nbad, 1);
	cr_expect(strstr(r, "trace: ring holds"), "%s", r);
	free(r);
	m->trace->head = m->trace->next;
}

/* The same commands give the same ring (the ring is model state). */
Test(trace, deterministic)
{
	struct mm_config cfg = { .ram_bytes = 64 * MiB, .nr_nodes = 1 };
	struct machine *m2 = mm_boot(&cfg, NULL, 0), *m1 = m;
	struct mm_trace_snap *a, *b;

	cr_assert(m2);
	for (int k = 0; k < 2; k++) {
		m = k ? m2 : m1;
		twrite("events/enable", "1");
		touch(1, map_anon(1, 128 << 10, 0), 128 << 10, 1);
	}
	a = mm_trace_snap(m1, 0, UINT64_MAX);
	b = mm_trace_snap(m2, 0, UINT64_MAX);
	m = m1;
	cr_assert_eq(a->nr, b->nr);
	for (uint64_t i = 0; i < a->nr; i++)
		cr_expect_eq(memcmp(&a->entry[i], &b->entry[i], sizeof(a->entry[i])), 0, "entry %llu",
			     (unsigned long long)i);
	free(a);
	free(b);
	mm_shutdown(m2);
}

/* ---- reclaim and the OOM killer, on small machines ---- */

static void boot_swap(void)
{
	struct mm_config cfg = { .ram_bytes = 128 * MiB, .nr_nodes = 1, .swap_bytes = 64 * MiB };

	m = mm_boot(&cfg, NULL, 0);
	cr_assert(m);
}

TestSuite(trace_reclaim, .init = boot_swap, .fini = teardown);

static uint64_t sum_field(const struct mm_trace_snap *s, enum trace_event_id e, int f)
{
	uint64_t n = 0;

	for (uint64_t i = 0; i < s->nr; i++)
		if (s->entry[i].type == e)
			n += s->entry[i].f[f];
	return n;
}

/*
 * Past the low watermark kswapd is woken, wakes, scans and sleeps: its
 * events say so, as kswapd0-0, and what shrink_inactive reports adds up to
 * pgscan and pgsteal.
 */
Test(trace_reclaim, vmscan_events_add_up_to_the_counters)
{
	uint64_t len = (uint64_t)(global_zone_page_state(m, NR_FREE_PAGES) - 200) * 4096;
	int64_t scan0 = m->vm_events[PGSCAN_KSWAPD] + m->vm_events[PGSCAN_DIRECT];
	int64_t steal0 = m->vm_events[PGSTEAL_KSWAPD] + m->vm_events[PGSTEAL_DIRECT];
	uint64_t wake = 0;
	struct mm_trace_snap *s;

	twrite("buffer_size_kb", "16384");
	twrite("events/vmscan/enable", "1");
	touch(1, map_anon(1, len, 0), len, 1);
	s = snap();
	cr_assert_eq(s->written, s->nr, "nothing lost");
	cr_expect_gt(count(s, TE_MM_VMSCAN_WAKEUP_KSWAPD), 0);
	cr_expect_gt(count(s, TE_MM_VMSCAN_KSWAPD_WAKE), 0);
	cr_expect_gt(count(s, TE_MM_VMSCAN_LRU_ISOLATE), 0);
	cr_expect_eq((int64_t)sum_field(s, TE_MM_VMSCAN_LRU_SHRINK_INACTIVE, 1),
		     m->vm_events[PGSCAN_KSWAPD] + m->vm_events[PGSCAN_DIRECT] - scan0, "nr_scanned");
	cr_expect_eq((int64_t)sum_field(s, TE_MM_VMSCAN_LRU_SHRINK_INACTIVE, 2),
		     m->vm_events[PGSTEAL_KSWAPD] + m->vm_events[PGSTEAL_DIRECT] - steal0, "nr_reclaimed");
	for (uint64_t i = 0; i < s->nr; i++)
		if (s->entry[i].type == TE_MM_VMSCAN_KSWAPD_WAKE) {
			cr_expect_str_eq(s->entry[i].comm, "kswapd0");
			cr_expect_eq(s->entry[i].pid, 0);
			wake++;
		}
	cr_expect_gt(wake, 0);
	free(s);
}

static void boot_small(void)
{
	struct mm_config cfg = { .ram_bytes = 64 * MiB, .nr_nodes = 1 };

	m = mm_boot(&cfg, NULL, 0);
	cr_assert(m);
	cr_assert_eq(mm_tunable_write(m, "overcommit_memory", "1", 1), 0);
}

TestSuite(trace_oom, .init = boot_small, .fini = teardown);

Test(trace_oom, mark_victim_and_oom_score_adj_update)
{
	int a = 0, b = 0;
	uint64_t addr;
	struct mm_trace_snap *s;
	struct trace_entry *v = NULL, *adj = NULL;
	char why[128];

	cr_assert_eq(mm_spawn(m, "hog", &a, NULL, 0), 0);
	cr_assert_eq(mm_spawn(m, "small", &b, NULL, 0), 0);
	twrite("events/oom/enable", "1");
	cr_assert_eq(mm_oom_adj_write(m, a, 0, "500", 3), 3);
	addr = call(a, (struct mm_call){ .verb = MMV_MMAP, .len = 128 * MiB, .fd = -1,
		.prot = MM_PROT_READ | MM_PROT_WRITE, .flags = MM_MAP_PRIVATE | MM_MAP_ANONYMOUS });
	mm_syscall(m, a, &(struct mm_call){ .verb = MMV_TOUCH, .addr = addr, .len = 128 * MiB,
		   .mode = 'w' }, &addr, why, sizeof(why));
	s = snap();
	for (uint64_t i = 0; i < s->nr; i++) {
		if (s->entry[i].type == TE_MARK_VICTIM)
			v = &s->entry[i];
		if (s->entry[i].type == TE_OOM_SCORE_ADJ_UPDATE)
			adj = &s->entry[i];
	}
	cr_assert(adj && v);
	cr_expect_eq((int)adj->f[0], a);
	cr_expect_str_eq(adj->str, "hog");
	cr_expect_eq((int16_t)adj->f[2], 500);
	cr_expect_eq((int)v->f[0], a, "the hog is the victim");
	cr_expect_str_eq(v->str, "hog");
	cr_expect_gt(v->f[3], 0, "anon-rss in kB");
	cr_expect_eq((int16_t)v->f[8], 500);
	free(s);
}

/*
 * Whatever is written to a filter or set_event: 0 or -EINVAL, never a
 * crash, and the checker content (random bytes from a fixed seed, and
 * pieces of real expressions glued at random).
 */
Test(trace, any_bytes_to_filter_and_set_event)
{
	static const char *const bits[] = {
		"order", "pfn", "==", "!=", "<", "<=", ">", ">=", "&", "&&", "||", " ", "0x1f",
		"-3", "\"", "name", "common_pid", "migratetype", "kmem:", "*", "!", ":", "\n",
		"gfp_flags", "18446744073709551616", "(", "comm", "vm_area_struct",
	};
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	char buf[300];

	for (int round = 0; round < 3000; round++) {
		size_t n = 0, len;

		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		len = x % 280;
		while (n < len) {
			x ^= x << 13; x ^= x >> 7; x ^= x << 17;
			if (round & 1) {
				buf[n++] = (char)(x & 0xff);
			} else {
				const char *b = bits[x % (sizeof(bits) / sizeof(bits[0]))];
				size_t bl = strlen(b);

				if (n + bl >= len)
					break;
				memcpy(buf + n, b, bl);
				n += bl;
			}
		}
		for (int w = 0; w < 4; w++) {
			static const char *const paths[] = {
				"events/kmem/mm_page_alloc/filter", "events/kmem/filter",
				"events/oom/mark_victim/filter", "set_event",
			};
			int err = mm_trace_write(m, paths[w], buf, n, 0);

			cr_assert(err == 0 || err == -EINVAL, "%s: %d", paths[w], err);
		}
	}
	check_ok();
}

/* The shrinkers' events, as mm/slub.c's shrinkers will call them. */
Test(trace, shrink_slab_lines)
{
	struct mm_trace_snap *s;
	struct rbuf b;

	twrite("events/vmscan/enable", "1");
	machine_lock(m);
	trace_mm_shrink_slab_start(m, "super_cache_scan", m->trace, 0, 0, LGFP_KERNEL, 1234, 10, 10, 12);
	trace_mm_shrink_slab_end(m, "super_cache_scan", m->trace, 0, 8, 0, 2, 10);
	machine_unlock(m);
	s = snap();
	cr_assert_eq(s->nr, 2);
	rbuf_init(&b);
	trace_print_fields(&b, &s->entry[0]);
	rbuf_puts(&b, "|");
	trace_print_fields(&b, &s->entry[1]);
	rbuf_put(&b, "", 1);
	cr_expect(!strncmp(b.buf, "super_cache_scan ", 17), "%s", b.buf);
	cr_expect(strstr(b.buf, ": nid: 0 objects to shrink 0 gfp_flags GFP_KERNEL "
			 "cache items 1234 delta 10 total_scan 10 priority 12|super_cache_scan "),
		  "%s", b.buf);
	cr_expect(strstr(b.buf, ": nid: 0 unused scan count 0 new scan count 2 total_scan 10 last "
			 "shrinker return val 8"), "%s", b.buf);
	rbuf_free(&b);
	free(s);
}

/* Objects in use in cache `name` over all nodes, from the slabinfo snapshot. */
static int64_t slab_objects_of(const char *name)
{
	struct mm_global_snap *g = mm_snap_global(m);
	int64_t n = 0;

	cr_assert(g);
	for (int i = 0; i < g->nr_slab; i++)
		if (!strcmp(g->slab[i].name, name))
			for (int nid = 0; nid < g->nr_nodes; nid++)
				n += (int64_t)g->slab_node[i * g->nr_nodes + nid].objects;
	free(g);
	return n;
}

/*
 * slub.c fires kmem_cache_alloc/free with the kernel's call sites, and the
 * events add up to slabinfo's active objects: an mmap is one vm_area_struct
 * from vm_area_alloc, its munmap gives it back through vm_area_free.
 */
Test(trace, slab_events_add_up_to_slabinfo)
{
	int64_t vmas = slab_objects_of("vm_area_struct"), tasks = slab_objects_of("task_struct");
	struct mm_trace_snap *s;
	uint64_t a, n_alloc = 0, n_free = 0, n_task = 0;
	char why[128];
	int pid;

	twrite("events/kmem/kmem_cache_alloc/enable", "1");
	twrite("events/kmem/kmem_cache_free/enable", "1");
	/* read and execute: no neighbour to merge with, so a VMA of its own */
	a = call(1, (struct mm_call){ .verb = MMV_MMAP, .len = 64 << 10, .fd = -1,
		.prot = MM_PROT_READ | MM_PROT_EXEC, .flags = MM_MAP_PRIVATE | MM_MAP_ANONYMOUS });
	s = snap();
	cr_assert_eq(s->nr, 1);
	cr_expect_eq(s->entry[0].type, TE_KMEM_CACHE_ALLOC);
	cr_expect_str_eq(s->entry[0].str, "vm_area_struct");
	cr_expect_str_eq(s->entry[0].site, "vm_area_alloc");
	cr_expect_eq(slab_objects_of("vm_area_struct"), vmas + 1);
	free(s);
	call(1, (struct mm_call){ .verb = MMV_MUNMAP, .addr = a, .len = 64 << 10, .fd = -1 });
	cr_expect_eq(slab_objects_of("vm_area_struct"), vmas);
	cr_assert_eq(mm_spawn(m, "child", &pid, why, sizeof(why)), 0, "%s", why);
	s = snap();
	for (uint64_t i = 0; i < s->nr; i++) {
		if (strcmp(s->entry[i].str, "vm_area_struct") == 0) {
			n_alloc += s->entry[i].type == TE_KMEM_CACHE_ALLOC;
			n_free += s->entry[i].type == TE_KMEM_CACHE_FREE;
		}
		n_task += s->entry[i].type == TE_KMEM_CACHE_ALLOC &&
			  !strcmp(s->entry[i].site, "dup_task_struct");
	}
	cr_expect_eq(s->entry[1].type, TE_KMEM_CACHE_FREE);
	cr_expect_str_eq(s->entry[1].site, "vm_area_free");
	cr_expect_eq(s->entry[0].f[1], s->entry[1].f[1], "the same slot freed as taken");
	cr_expect_eq((int64_t)(n_alloc - n_free), slab_objects_of("vm_area_struct") - vmas);
	cr_expect_eq((int64_t)n_task, slab_objects_of("task_struct") - tasks);
	cr_expect_eq(n_task, 1);
	free(s);
}
