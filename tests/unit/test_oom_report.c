/* SPDX-License-Identifier: MIT */
/*
 * The OOM killer's kernel log report line by line (mm/oom_report.c,
 * reclaim.md §11.5): the task table's widths, the kill line's figures, a
 * Mem-Info block that agrees with itself and with the zones, the rate
 * limit; and the writes to oom_score_adj and oom_adj, parsed as the host
 * kernel parsed the same bytes (Linux 6.18, measured on this host).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leakcheck.h"
#include "../../mm/internal.h"
#include "../../mm/memory.h"
#include "../../mm/oom_kill.h"
#include "../../mm/slab.h"
#include "../../mm/vmstat.h"
#include "../../mm/task.h"

static struct machine *m;

#include "mmtest.h"
#include "kmsgtest.h"

#define MiB (1ULL << 20)

static void setup(void)
{
	struct mm_config cfg = { .ram_bytes = 64 * MiB, .nr_nodes = 1 };

	m = mm_boot(&cfg, NULL, 0);
	cr_assert(m);
	cr_assert_eq(mm_tunable_write(m, "overcommit_memory", "1", 1), 0);
}

static void teardown(void)
{
	mm_shutdown(m);
	leak_check();
}

TestSuite(oom_report, .init = setup, .fini = teardown);

static int spawn(const char *name)
{
	int pid = 0;

	cr_assert_eq(mm_spawn(m, name, &pid, NULL, 0), 0);
	return pid;
}

static uint64_t fill(int pid, uint64_t size)
{
	uint64_t a = map_anon(pid, size, 0);

	touch(pid, a, size, 1);
	return a;
}

static int try_touch(int pid, uint64_t addr, uint64_t len)
{
	struct mm_call c = { .verb = MMV_TOUCH, .addr = addr, .len = len, .mode = 'w' };
	uint64_t ret;
	int err = mm_syscall(m, pid, &c, &ret, NULL, 0);

	check_ok();
	return err;
}

/* The number after key in the first line starting with prefix, from p on. */
static unsigned long long field(const char *p, const char *key)
{
	const char *k = strstr(p, key);

	cr_assert(k, "no %s", key);
	return strtoull(k + strlen(key), NULL, 10);
}

Test(oom_report, the_victims_row_and_kill_line_have_linux_widths)
{
	int a = spawn("a"), b = spawn("bigger");
	struct mm_task_snap *s;
	char row[256], kill[512];
	uint64_t more;
	char *log;

	fill(a, 2 * MiB);
	fill(b, 20 * MiB);
	cr_assert_eq(mm_oom_adj_write(m, b, 0, "7", 1), 1);
	s = mm_snap_task(m, b, 0);
	snprintf(row, sizeof(row), "[%7d] %5d %5d %8llu %8llu %8llu %8llu %9llu %8llu %8llu         %5d %s",
		 b, 0, b, (unsigned long long)s->total_vm,
		 (unsigned long long)(s->rss_anon + s->rss_file + s->rss_shmem),
		 (unsigned long long)s->rss_anon, (unsigned long long)s->rss_file,
		 (unsigned long long)s->rss_shmem, (unsigned long long)s->pgtables_bytes,
		 (unsigned long long)s->swap_ents, 7, "bigger");
	snprintf(kill, sizeof(kill), "Out of memory: Killed process %d (bigger) total-vm:%llukB, "
		 "anon-rss:%llukB, file-rss:%llukB, shmem-rss:%llukB, UID:0 pgtables:%llukB "
		 "oom_score_adj:7", b, (unsigned long long)s->total_vm * 4,
		 (unsigned long long)s->rss_anon * 4, (unsigned long long)s->rss_file * 4,
		 (unsigned long long)s->rss_shmem * 4, (unsigned long long)s->pgtables_bytes >> 10);
	free(s);
	more = map_anon(a, 16 * MiB, 0);
	cr_assert_eq(try_touch(a, more, 16 * MiB), 0);
	log = kmsg();
	cr_assert(has_line(log, "Tasks state (memory values in pages):"));
	cr_assert(has_line(log, "[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem "
			   "pgtables_bytes swapents oom_score_adj name"));
	cr_assert(has_line(log, row), "%s\n%s", row, log);
	cr_assert(strstr(log, "\n[      2]     0     2 "));	/* a's row, before b's */
	cr_assert(strstr(log, "\n[      2]") < strstr(log, row));
	cr_assert(!strstr(log, "\n[      1]"));		/* init is not listed */
	cr_assert(has_line(log, kill), "%s\n%s", kill, log);
	cr_assert(has_line(log, "CPU: 0 UID: 0 PID: 2 Comm: a Not tainted 6.18.0-mmfs #1 "
			   "PREEMPT(voluntary) "));
	cr_assert(has_line(log, "Call Trace:") && has_line(log, " <TASK>") &&
		  has_line(log, " </TASK>"));
	free(log);
}

/* The Mem-Info block: its free counts add up, and RAM/reserved are the zones'. */
Test(oom_report, mem_info_agrees_with_itself_and_the_zones)
{
	int a = spawn("a"), b = spawn("b");
	uint64_t more, present = 0, reserved = 0, zone_free_kb = 0, buddy_kb = 0;
	char line[128], *log, *mi, *p;

	fill(b, 20 * MiB);
	more = map_anon(a, 16 * MiB, 0);
	cr_assert_eq(try_touch(a, more, 16 * MiB), 0);
	log = kmsg();
	mi = strstr(log, "\nMem-Info:\n");
	cr_assert(mi);
	cr_assert(strstr(mi, "\nactive_anon:"));
	cr_assert(strstr(mi, "\n active_file:") && strstr(mi, "\n unevictable:") &&
		  strstr(mi, "\n slab_reclaimable:") && strstr(mi, "\n mapped:") &&
		  strstr(mi, "\n sec_pagetables:") && strstr(mi, "\n kernel_misc_reclaimable:") &&
		  strstr(mi, "\n free:"));
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &m->node[0]->node_zones[z];

		present += zone->present_pages;
		reserved += zone->present_pages - zone->managed_pages;
		if (!zone->present_pages)
			continue;
		snprintf(line, sizeof(line), "\nNode 0 %s free:", zone_names[z]);
		p = strstr(mi, line);
		cr_assert(p, "%s", line);
		zone_free_kb += field(p, " free:");
		cr_assert_eq(field(p, " present:"), zone->present_pages * 4);
		cr_assert_eq(field(p, " managed:"), zone->managed_pages * 4);
		cr_assert_eq(field(p, " min:"), zone->_watermark[WMARK_MIN] * 4);
		cr_assert(strstr(p, "reserved_highatomic:0KB free_highatomic:0KB"));
		p = strchr(p + 1, '\n');
		cr_assert(!strncmp(p, "\nlowmem_reserve[]: ", 19));
		{
			int spaces = 0;

			for (const char *q = p + 1; *q != '\n'; q++)
				spaces += *q == ' ';
			cr_assert_eq(spaces, MAX_NR_ZONES);	/* one number per zone type */
		}
		snprintf(line, sizeof(line), "\nNode 0 %s: ", zone_names[z]);
		p = strstr(mi, line);
		cr_assert(p, "%s", line);
		buddy_kb += field(strstr(p, "= "), "= ");
	}
	cr_assert_eq(zone_free_kb, buddy_kb);
	cr_assert_eq(field(mi, "\n free:") * 4, zone_free_kb);
	snprintf(line, sizeof(line), "%llu pages RAM", (unsigned long long)present);
	cr_assert(has_line(mi, line));
	snprintf(line, sizeof(line), "%llu pages reserved", (unsigned long long)reserved);
	cr_assert(has_line(mi, line));
	cr_assert(has_line(mi, "0 pages HighMem/MovableOnly") && has_line(mi, "0 pages cma reserved"));
	cr_assert(has_line(mi, "Free swap  = 0kB") && has_line(mi, "Total swap = 0kB"));
	cr_assert(has_line(mi, "Node 0 hugepages_total=0 hugepages_free=0 hugepages_surp=0 "
			  "hugepages_size=2048kB"));
	cr_assert(strstr(mi, "all_unreclaimable? ") && strstr(mi, " Balloon:0kB\n"));
	free(log);
}

Test(oom_report, oom_dump_tasks_0_leaves_the_table_out)
{
	int a = spawn("a"), b = spawn("b");
	uint64_t more;
	char *log;

	cr_assert_eq(mm_tunable_write(m, "oom_dump_tasks", "0", 1), 0);
	fill(b, 20 * MiB);
	more = map_anon(a, 16 * MiB, 0);
	cr_assert_eq(try_touch(a, more, 16 * MiB), 0);
	log = kmsg();
	cr_assert(!strstr(log, "Tasks state"));
	cr_assert(strstr(log, "\noom-kill:constraint=CONSTRAINT_NONE"));
	free(log);
}

/* Ten reports per 5 s: the eleventh kill has only its Killed line. */
Test(oom_report, reports_are_rate_limited)
{
	uint64_t more;
	int kills;
	char *log;

	for (int i = 0; i < 16; i++) {
		int p = spawn("small");

		fill(p, 2 * MiB);
		cr_assert_eq(mm_oom_adj_write(m, p, 0, "1000", 4), 4);
	}
	more = map_anon(1, 28 * MiB, 0);
	cr_assert_eq(try_touch(1, more, 28 * MiB), 0);
	log = kmsg();
	kills = count_of(log, "Killed process");
	cr_assert_geq(kills, 11, "%s", log);
	cr_assert_eq(count_of(log, "invoked oom-killer"), 10);
	free(log);
	machine_lock(m);
	sim_advance(m, 6000000000ULL);
	machine_unlock(m);
	more = map_anon(1, 4 * MiB, 0);
	cr_assert_eq(try_touch(1, more, 4 * MiB), 0);
	log = kmsg();
	cr_assert(strstr(log, "\noom_kill_process: "));
	cr_assert(strstr(log, " callbacks suppressed\n"));
	cr_assert_eq(count_of(log, "invoked oom-killer"), 10 + count_of(log, "Killed process") -
		     kills);
	free(log);
}

/* What the host's kernel answered for the same bytes (adj -1000 etc. needed CAP_SYS_RESOURCE there). */
Test(oom_report, oom_score_adj_writes_parse_like_the_host)
{
	static const struct { const char *in; size_t len; long ret; int adj; } cases[] = {
		{ "100\n", 4, 4, 100 }, { " +0x10 \n", 8, 8, 16 }, { "-1000", 5, 5, -1000 },
		{ "1001", 4, -EINVAL, 0 }, { "abc", 3, -EINVAL, 0 }, { "", 0, -EINVAL, 0 },
		{ "99999999999", 11, -ERANGE, 0 }, { "0x", 2, -EINVAL, 0 }, { "08", 2, -EINVAL, 0 },
		{ "010", 3, 3, 8 }, { "-+5", 3, -EINVAL, 0 }, { "+-5", 3, -EINVAL, 0 },
		{ "-0", 2, 2, 0 }, { "\xa0" "5", 2, 2, 5 }, { "5\n\n", 3, 3, 5 },
		{ "  200   \n", 9, 9, 200 }, { "12345678901234", 14, -ERANGE, 0 },
		{ "       5     9", 14, 12, 5 }, { "0X1f", 4, 4, 31 }, { "1e", 2, -EINVAL, 0 },
		{ "\t-3\r", 4, 4, -3 }, { "5\0" "7", 3, 3, 5 }, { "2147483648", 10, -ERANGE, 0 },
		{ "-2147483649", 11, -ERANGE, 0 }, { "4294967296", 10, -ERANGE, 0 },
	};
	int p = spawn("p");

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mm_task_snap *s;

		cr_assert_eq(mm_oom_adj_write(m, p, 0, "0", 1), 1);
		cr_assert_eq(mm_oom_adj_write(m, p, 0, cases[i].in, cases[i].len), cases[i].ret,
			     "case %zu", i);
		s = mm_snap_task(m, p, 0);
		cr_assert_eq(s->oom_score_adj, cases[i].adj, "case %zu", i);
		free(s);
	}
	cr_assert_eq(mm_oom_adj_write(m, 999, 0, "1", 1), -ESRCH);
}

/* oom_adj: -17..15, 15 -> 1000, v -> v * 1000 / 17; reads adj * 17 / 1000, 1000 -> 15. */
Test(oom_report, oom_adj_converts_both_ways)
{
	static const struct { int adj, legacy; } reads[] = {
		{ 16, 0 }, { 58, 0 }, { 59, 1 }, { 100, 1 }, { 200, 3 }, { 300, 5 }, { 500, 8 },
		{ 1000, 15 }, { 999, 16 }, { -1000, -17 }, { -59, -1 },
	};
	static const struct { const char *w; int adj; } writes[] = {
		{ "15", 1000 }, { "-17", -1000 }, { "8", 470 }, { "-16", -941 }, { "1", 58 },
		{ "0", 0 }, { "-1", -58 },
	};
	int p = spawn("p");
	char *log;

	for (size_t i = 0; i < sizeof(reads) / sizeof(reads[0]); i++)
		cr_assert_eq(oom_adj_of(reads[i].adj), reads[i].legacy, "adj %d", reads[i].adj);
	for (size_t i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
		struct mm_task_snap *s;

		cr_assert_eq(mm_oom_adj_write(m, p, 1, writes[i].w, strlen(writes[i].w)),
			     (long)strlen(writes[i].w));
		s = mm_snap_task(m, p, 0);
		cr_assert_eq(s->oom_score_adj, writes[i].adj, "%s", writes[i].w);
		free(s);
	}
	cr_assert_eq(mm_oom_adj_write(m, p, 1, "16", 2), -EINVAL);
	cr_assert_eq(mm_oom_adj_write(m, p, 1, "-18", 3), -EINVAL);
	log = kmsg();
	cr_assert_eq(count_of(log, "oom_adj is deprecated"), 1);	/* once per boot */
	cr_assert(has_line(log, "p (2): /proc/2/oom_adj is deprecated, please use "
			   "/proc/2/oom_score_adj instead."));
	free(log);
}

/* mmap without the checker after each call (thousands of them). */
static void map_quick(int pid, int prot)
{
	struct mm_call c = { .verb = MMV_MMAP, .len = 4096, .fd = -1, .prot = prot,
			     .flags = MM_MAP_PRIVATE | MM_MAP_ANONYMOUS };
	uint64_t ret;

	cr_assert_eq(mm_syscall(m, pid, &c, &ret, NULL, 0), 0);
}

/* dump_unreclaimable_slab's lines for the machine as it is now: newest cache first. */
static void expected_slab_lines(char *out, size_t len)
{
	size_t off = (size_t)snprintf(out, len, "\nUnreclaimable slab info:\n"
				      "Name                      Used          Total\n");

	for (int id = NR_KMEM_CACHES - 1; id >= 0; id--) {
		const struct kmem_cache_info *ci = &kmem_cache_info[id];
		uint64_t active = m->slab_caches[id]->node[0].inuse;
		uint64_t total = m->slab_caches[id]->node[0].total_objects;

		if (!(ci->flags & SLAB_RECLAIM_ACCOUNT) && total)
			off += (size_t)snprintf(out + off, len - off, "%-17s %10lluKB %10lluKB\n",
						ci->name, (unsigned long long)(active * ci->size / 1024),
						(unsigned long long)(total * ci->size / 1024));
	}
}

/*
 * 135000 VMAs in three processes (vm_area_struct slabs of 6429 pages and
 * more) on the smallest machine, 64 MiB: when the OOM comes, unreclaimable
 * slab outweighs the LRU lists, and the report lists every unreclaimable
 * cache after Mem-Info, before the tasks, newest first.
 */
Test(oom_report, unreclaimable_slab_info_when_slab_outweighs_the_lru)
{
	char want[4096], *log, *info, *vma;
	int v[3], b = spawn("b");
	uint64_t more;

	for (int k = 0; k < 3; k++) {
		v[k] = spawn("vmas");
		for (int i = 0; i < 45000; i++)
			map_quick(v[k], i & 1 ? MM_PROT_READ : MM_PROT_READ | MM_PROT_WRITE);
	}
	check_ok();
	more = map_anon(b, 64 * MiB, 0);
	touch(b, more, 4096, 1);	/* its anon_vma and chain exist before the report */
	expected_slab_lines(want, sizeof(want));
	cr_assert_gt(global_node_page_state(m, NR_SLAB_UNRECLAIMABLE), 135000 / 21);
	cr_assert_eq(try_touch(b, more + 4096, 64 * MiB - 4096), -EINTR);
	log = kmsg();
	info = strstr(log, want);
	cr_assert(info, "want:%s\nlog:\n%s", want, log);
	vma = strstr(want, "\nvm_area_struct    ");
	cr_assert(vma);
	cr_assert_geq(strtoull(vma + 18, NULL, 10), 135000ULL * 192 / 1024);
	cr_assert(info > strstr(log, "\n0 pages cma reserved\n"));
	cr_assert(info < strstr(log, "\nTasks state (memory values in pages):\n"));
	cr_assert_eq(count_of(log, "Unreclaimable slab info:"), 1);
	free(log);
}

/* The ordinary OOM (anonymous memory fills the LRU) has no slab section. */
Test(oom_report, no_slab_info_when_the_lru_outweighs_slab)
{
	int a = spawn("a"), b = spawn("b");
	uint64_t more;
	char *log;

	fill(b, 20 * MiB);
	more = map_anon(a, 16 * MiB, 0);
	cr_assert_eq(try_touch(a, more, 16 * MiB), 0);
	log = kmsg();
	cr_assert(strstr(log, "\nMem-Info:\n"));
	cr_assert(!strstr(log, "Unreclaimable slab info:"));
	cr_assert(!strstr(log, "Name                      Used          Total"));
	free(log);
}
