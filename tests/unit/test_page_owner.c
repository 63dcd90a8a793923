/* SPDX-License-Identifier: MIT */
/*
 * test_page_owner.c - page_owner=on (mm/page_owner.c, fs/render_owner.c),
 * the disk counters (mm/blk_stat.c, fs/render_io.c) and memory pressure
 * (mm/psi.c): records exactly for the pages the buddy allocator gave out,
 * the kernel's text formats, counters that move by exactly the model's
 * I/O, and PSI's averaging against values worked out by hand from
 * kernel/sched/psi.c's arithmetic.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../mm/internal.h"
#include "../../mm/vmstat.h"
#include "../../fs/render.h"

static struct machine *m;
static char dir[64];

#include "backingtest.h"
#include "mmtest.h"

#define K 4096ULL
#define MB (1ULL << 20)

static void boot(int page_owner, int nodes)
{
	struct mm_config cfg = { .ram_bytes = 256 * MB, .nr_nodes = nodes, .swap_bytes = 64 * MB,
				 .page_owner = page_owner };

	backing_mkdir(dir, "/tmp/test_page_owner.XXXXXX");
	backing_put(dir, "f", 64 * K);
	m = mm_boot(&cfg, NULL, 0);
	cr_assert(m);
	cr_assert_eq(mm_set_backing(m, dir, 0xfe, 1), 0);
	check_ok();
}

static void teardown(void)
{
	backing_shutdown(dir);
}

TestSuite(page_owner, .fini = teardown);

/* pages the buddy allocator has given out: Σ managed - free */
static uint64_t allocated(void)
{
	uint64_t n = 0;

	for (int nid = 0; nid < m->nr_nodes; nid++)
		for (int z = 0; z < MAX_NR_ZONES; z++)
			n += m->node[nid]->node_zones[z].managed_pages -
			     (uint64_t)m->node[nid]->node_zones[z].vm_stat[NR_FREE_PAGES];
	return n;
}

/* Σ 2^order over the records, and over show_stacks' nr_base_pages */
static void expect_recorded(uint64_t want)
{
	int err;
	struct mm_page_owner_snap *s = mm_snap_page_owner(m, 0, &err);
	uint64_t recs = 0, stacks = 0;

	cr_assert(s, "err %d", err);
	for (size_t i = 0; i < s->nr; i++)
		recs += 1ULL << s->recs[i].order;
	for (int i = 0; i < s->nr_stacks; i++)
		stacks += s->stacks[i].nr_base_pages;
	cr_expect_eq(recs, want, "records hold %llu pages, want %llu", (unsigned long long)recs,
		     (unsigned long long)want);
	cr_expect_eq(stacks, want);
	free(s);
}

static char *render_owner(int stacks)
{
	struct rbuf b = { 0 };
	int err;
	struct mm_page_owner_snap *s = mm_snap_page_owner(m, stacks, &err);

	cr_assert(s);
	if (stacks)
		render_page_owner_stacks(&b, s);
	else
		render_page_owner(&b, s);
	free(s);
	return b.buf;
}

Test(page_owner, off_reads_einval_and_logs_disabled)
{
	int err = 0;
	size_t len;
	char *log;

	boot(0, 1);
	cr_expect_null(mm_snap_page_owner(m, 0, &err));
	cr_expect_eq(err, -EINVAL);
	cr_expect_not(mm_page_owner_enabled(m));
	log = mm_kmsg_text(m, &len);
	cr_expect(strstr(log, "page_owner is disabled\n"));
	free(log);
}

Test(page_owner, records_exactly_the_allocated_pages)
{
	uint64_t a;
	int child;

	boot(1, 1);
	expect_recorded(allocated());
	a = map_anon(1, 256 * K, 0);
	touch(1, a, 256 * K, 1);
	expect_recorded(allocated());
	child = fork_of(1);
	touch(child, a, 64 * K, 1);	/* COW copies */
	expect_recorded(allocated());
	kill_pid(child);
	call(1, (struct mm_call){ .verb = MMV_MUNMAP, .addr = a, .len = 256 * K });
	expect_recorded(allocated());
}

Test(page_owner, thp_and_its_split)
{
	uint64_t a;

	boot(1, 1);
	a = map_anon(1, 4 * MB, 0);
	a = (a + 2 * MB - 1) & ~(2 * MB - 1);
	call(1, (struct mm_call){ .verb = MMV_MADVISE, .addr = a, .len = 2 * MB,
				  .advice = MM_MADV_HUGEPAGE });
	touch(1, a, K, 1);
	expect_recorded(allocated());
	call(1, (struct mm_call){ .verb = MMV_MADVISE, .addr = a, .len = 4 * K,
				  .advice = MM_MADV_DONTNEED });	/* splits the PMD */
	expect_recorded(allocated());
	call(1, (struct mm_call){ .verb = MMV_MADVISE, .addr = a, .len = 2 * MB,
				  .advice = MM_MADV_PAGEOUT });
	expect_recorded(allocated());
}

/*
 * The format of print_page_owner: a pid 1 anonymous write fault on a fresh
 * machine; its flags as page->flags would read for an LRU anonymous page
 * of zone DMA32 (1) on node 0, last_cpupid all ones.
 */
Test(page_owner, format)
{
	uint64_t a;
	char *t, *first;
	const char *want_head =
		"Page allocated via order 0, mask 0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO), "
		"pid 1, tgid 1 (init), ts ";

	boot(1, 1);
	a = map_anon(1, 4 * K, 0);
	touch(1, a, 4 * K, 1);
	t = render_owner(0);
	first = strstr(t, "Page allocated via order 0, mask 0x140dca");
	cr_assert(first, "%s", t);
	cr_expect_eq(strncmp(first, want_head, strlen(want_head)), 0, "%.300s", first);
	cr_expect(strstr(first, " ns\nPFN 0x"));
	cr_expect(strstr(first, " type Movable Block "));
	cr_expect(strstr(first, " type Movable Flags 0xfffffc0020028("
			 "uptodate|lru|swapbacked|node=0|zone=1|lastcpupid=0x1fffff)\n"
			 " post_alloc_hook\n get_page_from_freelist\n __alloc_frozen_pages_noprof\n"
			 " alloc_pages_mpol\n vma_alloc_folio_noprof\n do_anonymous_page\n"
			 " __handle_mm_fault\n handle_mm_fault\n do_user_addr_fault\n"
			 " exc_page_fault\n asm_exc_page_fault\n\n"), "%.600s", first);
	free(t);
	/* page tables are GFP_KERNEL_ACCOUNT|__GFP_ZERO, Unmovable */
	t = render_owner(0);
	cr_expect(strstr(t, "mask 0x400dc0(GFP_KERNEL_ACCOUNT|__GFP_ZERO)"));
	cr_expect(strstr(t, " pte_alloc_one\n __pte_alloc\n\n"));
	free(t);
}

Test(page_owner, show_stacks_counts_base_pages)
{
	uint64_t a;
	char *t;

	boot(1, 1);
	a = map_anon(1, 16 * K, 0);
	touch(1, a, 16 * K, 1);
	expect_recorded(allocated());
	t = render_owner(1);
	/* the newest stack first: the fault's, holding the 16 pages */
	cr_expect(strstr(t, " asm_exc_page_fault\nnr_base_pages: 16\n\n"), "%s", t);
	cr_expect(strstr(t, " kernel_clone\nnr_base_pages: 4\n\n"), "%s", t);	/* init's stack */
	free(t);
}

Test(page_owner, migration_keeps_the_owner_and_says_why)
{
	uint64_t a, ret;
	char why[128], *t;

	boot(1, 2);
	a = map_anon(1, 16 * K, 0);
	touch(1, a, 16 * K, 1);
	cr_assert_eq(mm_migrate_pages(m, 1, 0, 1, 2, 0, &ret, why, sizeof(why)), 0, "%s", why);
	check_ok();
	expect_recorded(allocated());
	t = render_owner(0);
	cr_expect(strstr(t, " do_anonymous_page\n __handle_mm_fault\n handle_mm_fault\n"
			 " do_user_addr_fault\n exc_page_fault\n asm_exc_page_fault\n"
			 "Page has been migrated, last migrate reason: syscall_or_cpuset\n\n"), "%s", t);
	cr_expect(strstr(t, "node=1|zone=1|"));
	free(t);
}

/*
 * Compaction migrates with MR_COMPACTION (Linux's migrate_pages(...,
 * MR_COMPACTION) in compact_zone): every other page of 8 MiB unmapped,
 * compact_memory moves the kept ones up; each moved page keeps its owner's
 * stack and says "compaction", the free pages compaction isolated as
 * targets got records when they were allocated, and none is left over.
 */
Test(page_owner, compaction_says_compaction)
{
	uint64_t a;
	char *t;

	boot(1, 1);
	a = map_anon(1, 8 * MB, 0);
	call(1, (struct mm_call){ .verb = MMV_MADVISE, .addr = a, .len = 8 * MB,
				  .advice = MM_MADV_NOHUGEPAGE });
	touch(1, a, 8 * MB, 1);
	for (uint64_t off = K; off < 8 * MB; off += 2 * K)
		call(1, (struct mm_call){ .verb = MMV_MUNMAP, .addr = a + off, .len = K, .fd = -1 });
	check_ok();
	cr_assert_eq(mm_tunable_write(m, "compact_memory", "1\n", 2), 0);
	check_ok();
	cr_expect_gt(m->vm_events[PGMIGRATE_SUCCESS], 0);	/* the reason is the point here, not how many */
	expect_recorded(allocated());
	t = render_owner(0);
	cr_expect(strstr(t, " do_anonymous_page\n __handle_mm_fault\n handle_mm_fault\n"
			 " do_user_addr_fault\n exc_page_fault\n asm_exc_page_fault\n"
			 "Page has been migrated, last migrate reason: compaction\n\n"), "%s", t);
	cr_expect(!strstr(t, "syscall_or_cpuset"));
	free(t);
}

/* ---- the disk ---- */

static struct mm_disk_snap disk(int d)
{
	struct mm_disk_snap s[MM_MAX_DISKS];

	cr_assert_geq(mm_snap_disks(m, s), MM_NR_DISKS);
	return s[d];
}

Test(page_owner, diskstats_count_the_model_io)
{
	struct mm_disk_snap before, after;
	int64_t pgpgin;
	uint64_t a;

	boot(0, 1);
	before = disk(1);
	pgpgin = m->vm_events[PGPGIN];
	a = call(1, (struct mm_call){ .verb = MMV_MMAP, .len = 64 * K, .prot = MM_PROT_READ,
				      .flags = MM_MAP_SHARED, .path = "f" });
	touch(1, a, 4 * K, 0);	/* one fault: read-around reads 128 KiB (read_ahead_kb) */
	after = disk(1);
	cr_expect_eq(after.sectors[0] - before.sectors[0], 32 * 8, "%llu sectors",
		     (unsigned long long)(after.sectors[0] - before.sectors[0]));
	cr_expect_eq((int64_t)(after.sectors[0] - before.sectors[0]), (m->vm_events[PGPGIN] - pgpgin) * 2);
	cr_expect_eq(after.ios[0] - before.ios[0], 1);		/* one request ... */
	cr_expect_eq(after.merges[0] - before.merges[0], 31, "%llu merges",	/* ... the other 31 merged */
		     (unsigned long long)(after.merges[0] - before.merges[0]));
	cr_expect_eq(after.ticks_ms[0], 0);	/* 100 µs + 32 x 4 µs */
	cr_expect_eq(disk(0).sectors[0], after.sectors[0]);	/* vda counts its partition */
}

/*
 * fsync writes a file's dirty pages in index order (write_cache_pages), so
 * 16 consecutive pages dirtied out of order reach the disk as one request
 * and 15 merges, whatever order the page cache keeps them in.
 */
Test(page_owner, writeback_in_index_order_merges)
{
	struct mm_disk_snap before, after;
	uint64_t a;

	boot(0, 1);
	a = call(1, (struct mm_call){ .verb = MMV_MMAP, .len = 64 * K,
				      .prot = MM_PROT_READ | MM_PROT_WRITE,
				      .flags = MM_MAP_SHARED, .path = "f" });
	for (int i = 15; i >= 0; i--)
		touch(1, a + (uint64_t)i * K, K, 1);
	before = disk(1);
	cr_assert_eq(mm_file_fsync(m, "f"), 0);
	after = disk(1);
	cr_expect_eq(after.sectors[1] - before.sectors[1], 16 * 8, "%llu sectors",
		     (unsigned long long)(after.sectors[1] - before.sectors[1]));
	cr_expect_eq(after.ios[1] - before.ios[1], 1, "%llu writes",
		     (unsigned long long)(after.ios[1] - before.ios[1]));
	cr_expect_eq(after.merges[1] - before.merges[1], 15, "%llu merges",
		     (unsigned long long)(after.merges[1] - before.merges[1]));
	check_ok();
}

Test(page_owner, diskstats_format)
{
	struct mm_disk_snap d[2] = {
		{ "vda", 254, 0, 0, 0, 20971520, { 613030, 1045609 }, { 67834, 13343467 },
		  { 30341258, 371758088 }, { 422084, 2258978 }, 546180, 2838122 },
		{ "vda1", 254, 1, 1, 2048, 20969439, { 0 }, { 0 }, { 0 }, { 0 }, 0, 0 },
	};
	struct rbuf b = { 0 };

	render_diskstats(&b, d, 2);
	/* the host's line for vda, with its discard and flush fields zero */
	cr_expect_str_eq(b.buf,
		" 254       0 vda 613030 67834 30341258 422084 1045609 13343467 371758088 2258978 0 546180 2838122 0 0 0 0 0 0\n"
		" 254       1 vda1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
	rbuf_reset(&b);
	render_block_file(&b, &d[0], BLKF_STAT);
	cr_expect_str_eq(b.buf,
		"  613030    67834 30341258   422084  1045609 13343467 371758088  2258978        0   546180  2838122        0        0        0        0        0        0\n");
	rbuf_reset(&b);
	render_block_file(&b, &d[1], BLKF_DEV);
	render_block_file(&b, &d[1], BLKF_START);
	render_block_file(&b, &d[1], BLKF_INFLIGHT);
	cr_expect_str_eq(b.buf, "254:1\n2048\n       0        0\n");
	free(b.buf);
}

/*
 * A swap partition is a disk of its own: Linux's number for its name, its
 * own counters, kept after swapoff; a swap file counts on vda1.
 */
Test(page_owner, diskstats_swap_partitions)
{
	static const char *const devs[] = { "/dev/sdb", "/dev/vdc", "/dev/zram0", "/dev/mapper/sw" };
	struct mm_disk_snap s[MM_MAX_DISKS], vda1;
	struct rbuf b = { 0 };
	char why[128];
	uint64_t a;

	boot(0, 1);
	cr_assert_eq(mm_swapon(m, devs[0], 16 * MB, 100, why, sizeof(why)), 0, "%s", why);
	for (int i = 1; i < 4; i++)
		cr_assert_eq(mm_swapon(m, devs[i], 4 * MB, -1, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(mm_swapon(m, "/swap2", 4 * MB, -1, why, sizeof(why)), 0, "%s", why);
	check_ok();
	vda1 = disk(1);
	a = map_anon(1, 8 * K, 0);
	mem_write(1, a, "one");
	mem_write(1, a + K, "two");
	call(1, (struct mm_call){ .verb = MMV_MADVISE, .addr = a, .len = 8 * K,
				  .advice = MM_MADV_PAGEOUT });
	check_ok();
	/* the two pages are one request of two bios; swapoff finds them still
	 * in the swap cache, so nothing is read back */
	cr_assert_eq(mm_swapoff(m, devs[0], why, sizeof(why)), 0, "%s", why);
	check_ok();
	mem_expect(1, a + K, "two");
	cr_assert_eq(mm_snap_disks(m, s), 6);
	cr_expect_eq(memcmp(&s[1], &vda1, sizeof(vda1)), 0);	/* nothing on vda1 */
	render_diskstats(&b, s + 2, 4);
	cr_expect_str_eq(b.buf,
		"   8      16 sdb 0 0 0 0 1 1 16 0 0 0 0 0 0 0 0 0 0\n"
		" 254      32 vdc 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
		" 253       0 zram0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
		" 259       0 mapper/sw 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n", "%s", b.buf);
	cr_expect_eq(s[2].size, 16 * MB / 512);
	/* swapped on again, smaller: the same disk, its counters kept */
	cr_assert_eq(mm_swapon(m, devs[0], 8 * MB, 100, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(mm_snap_disks(m, s), 6);
	cr_expect_eq(s[2].size, 8 * MB / 512);
	cr_expect_eq(s[2].ios[1], 1);
	check_ok();
	free(b.buf);
}

/* vda is the root disk, sdb1 a partition: 259 numbers; 32 disks at most */
Test(page_owner, diskstats_swap_disk_numbers)
{
	struct mm_disk_snap s[MM_MAX_DISKS];
	char why[128], name[32];

	boot(0, 1);
	for (int i = 0; i < 32; i++) {
		snprintf(name, sizeof(name), i == 0 ? "/dev/vda" : i == 1 ? "/dev/sdb1" :
			 i == 2 ? "/dev/hdd" : "/dev/sd%c", 'a' + i - 3);
		if (i >= 29)
			snprintf(name, sizeof(name), "/dev/x%d", i);
		cr_assert_eq(mm_swapon(m, name, 1 * MB, -1, why, sizeof(why)), 0, "%s: %s", name, why);
		cr_assert_eq(mm_swapoff(m, name, why, sizeof(why)), 0, "%s", why);
	}
	cr_expect_eq(mm_swapon(m, "/dev/sdzz", 1 * MB, -1, why, sizeof(why)), -ENOSPC);
	cr_expect_str_eq(why, "32 swap disks already");
	cr_expect_eq(mm_swapon(m, "/dev/sda", 1 * MB, -1, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(mm_snap_disks(m, s), MM_MAX_DISKS);
	cr_expect_str_eq(s[2].name, "vda");
	cr_expect_eq(s[2].major * 1000 + s[2].minor, 259000);
	cr_expect_eq(s[3].major * 1000 + s[3].minor, 259001);
	cr_expect_eq(s[4].major * 1000 + s[4].minor, 22064);	/* hdd */
	cr_expect_eq(s[6].major * 1000 + s[6].minor, 8016);	/* sdb */
	cr_expect_eq(s[30].major * 1000 + s[30].minor, 65144);	/* sdz */
	cr_expect_eq(s[33].major * 1000 + s[33].minor, 259004);	/* x31 */
	check_ok();
}

/* ---- pressure ---- */

Test(page_owner, pressure_format)
{
	struct mm_psi_snap p = { { { 0, 0, 0 }, { 2048 * 12 + 1024, 2048 / 100 + 1, 0 } },
				 { 542908267, 456541633 } };
	struct rbuf b = { 0 };

	render_pressure(&b, &p);
	cr_expect_str_eq(b.buf,
		"some avg10=0.00 avg60=0.00 avg300=0.00 total=542908267\n"
		"full avg10=12.50 avg60=0.01 avg300=0.00 total=456541633\n");
	free(b.buf);
}

/*
 * One period (2.001 s) with 500.25 ms of stall: pct = 500250000 * 100 /
 * 2001000000 = 25, x2048 = 51200; avg10 = (0 x 1677 + 51200 x 371 + 2047)
 * / 2048 = 9275 -> 4.52; avg60 = (51200 x 67 + 2047) / 2048 = 1675 -> 0.81;
 * avg300 = (51200 x 14 + 2047) / 2048 = 350 -> 0.17. A command stalls for
 * 1 ms at most (the tick it runs in). Then two periods with no stall:
 * the second comes as a missed one, decayed by EXP_10s^1 first.
 */
Test(page_owner, pressure_averages)
{
	struct mm_psi_snap p;

	boot(0, 1);
	m->sim_ns = 0;
	psi_init(m);
	machine_lock(m);
	for (int i = 0; i < 2001; i++) {
		sim_advance(m, MM_TICK_NS);
		if (i < 500)
			psi_memstall(m, 2 * MM_TICK_NS, 1);	/* clamped to the tick */
		else if (i == 500)
			psi_memstall(m, MM_TICK_NS / 4, 0);
	}
	machine_unlock(m);
	mm_snap_psi(m, &p);
	cr_expect_eq(p.total_us[0], 500250);
	cr_expect_eq(p.total_us[1], 500000);
	cr_expect_eq(p.avg[0][0], 9275, "%lu %lu %lu", p.avg[0][0], p.avg[0][1], p.avg[0][2]);
	cr_expect_eq(p.avg[0][1], 1675);
	cr_expect_eq(p.avg[0][2], 350);
	cr_expect_eq(p.avg[1][0], 8904, "%lu", p.avg[1][0]);	/* full: 500 ms, pct 24.98 -> 24: (49152 x 371 + 2047) / 2048 */
	/*
	 * 4002 ms + 2001 ms later, in one step of the clock: missed = 1, the
	 * average decays by 1677/2048 once, then takes the empty sample:
	 * (9275 x 1677 + 0) / 2048 = 7594, then (7594 x 1677) / 2048 = 6218.
	 */
	machine_lock(m);
	sim_advance(m, 2 * PSI_PERIOD_NS);
	machine_unlock(m);
	mm_snap_psi(m, &p);
	cr_expect_eq(p.avg[0][0], 6218, "%lu", p.avg[0][0]);
}

/* check reports each broken invariant of page_owner, the disk and PSI */
Test(page_owner, check_catches_corruption)
{
	uint64_t a, pfn;
	int nbad;
	char *r;

	boot(1, 1);
	a = map_anon(1, 16 * K, 0);
	touch(1, a, 16 * K, 1);
	for (pfn = 0; !(m->page_owner[pfn].ext_flags & PAGE_EXT_OWNER_ALLOCATED); pfn++)
		;
	m->page_owner[pfn].ext_flags = 0;	/* an allocated page without its record */
	m->blk[1].ios[0]++;			/* vda1 counts a read vda does not */
	m->psi.total[PSI_MEM_FULL] = m->psi.total[PSI_MEM_SOME] + 1;
	r = mm_check(m, &nbad);
	cr_expect(strstr(r, "page_owner: stack "), "%s", r);
	cr_expect(strstr(r, " pages recorded allocated but the buddy allocator gave out "), "%s", r);
	cr_expect(strstr(r, "diskstats: vda's read counters differ from vda1's\n"), "%s", r);
	cr_expect(strstr(r, "diskstats: vda1 read 0 sectors for 1 bios\n"), "%s", r);
	cr_expect(strstr(r, "psi: memory full 1 ns > some 0 ns\n"), "%s", r);
	cr_expect_eq(nbad, 5, "%s", r);
	free(r);
	m->page_owner[pfn].ext_flags = PAGE_EXT_OWNER | PAGE_EXT_OWNER_ALLOCATED;
	m->blk[1].ios[0]--;
	m->psi.total[PSI_MEM_FULL] = 0;
	check_ok();
}

/*
 * Differential: the host's own /proc/diskstats line for its first disk and
 * its /proc/pressure/memory, re-rendered from the numbers they hold, print
 * the same text (the diskstats line up to time_in_queue: the model has no
 * discards or flushes).
 */
Test(page_owner, host_diskstats_and_pressure_render_alike)
{
	char line[512], name[16], host[2][128];
	struct mm_disk_snap d = { 0 };
	struct mm_psi_snap p = { 0 };
	struct rbuf b = { 0 };
	unsigned long long v[11];
	int maj, min, n = 0;
	FILE *f = fopen("/proc/diskstats", "r");

	cr_assert(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%d %d %15s %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
			   &maj, &min, name, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7],
			   &v[8], &v[9], &v[10]) == 14 && v[0]) {
			n = 1;
			break;
		}
	fclose(f);
	if (n) {
		char *cut;
		int words = 0;

		snprintf(d.name, sizeof(d.name), "%s", name);
		d.major = maj;
		d.minor = min;
		d.ios[0] = v[0], d.merges[0] = v[1], d.sectors[0] = v[2], d.ticks_ms[0] = v[3];
		d.ios[1] = v[4], d.merges[1] = v[5], d.sectors[1] = v[6], d.ticks_ms[1] = v[7];
		d.io_ticks_ms = v[9];
		d.time_in_queue_ms = v[10];
		cr_assert_eq(v[8], 0, "in flight");
		render_diskstats(&b, &d, 1);
		/* the first 14 fields: major, minor, name and 11 counters */
		for (cut = line; *cut && words < 14; cut++)
			if (*cut != ' ' && (cut[1] == ' ' || cut[1] == '\n'))
				words++;
		cr_expect_eq(strncmp(b.buf, line, (size_t)(cut - line)), 0, "host [%.*s] model [%s]",
			     (int)(cut - line), line, b.buf);
		rbuf_reset(&b);
	}
	f = fopen("/proc/pressure/memory", "r");
	if (!f)
		return;		/* a host without PSI */
	for (int s = 0; s < 2; s++) {
		unsigned long i[3], fr[3];
		unsigned long long total;

		cr_assert(fgets(host[s], sizeof(host[s]), f));
		cr_assert_eq(sscanf(host[s] + 4, " avg10=%lu.%lu avg60=%lu.%lu avg300=%lu.%lu total=%llu",
				    &i[0], &fr[0], &i[1], &fr[1], &i[2], &fr[2], &total), 7);
		/* the smallest fixed-point value that prints as i.fr */
		for (int w = 0; w < 3; w++)
			p.avg[s][w] = (i[w] << 11) + (fr[w] * 2048 + 99) / 100;
		p.total_us[s] = total;
	}
	fclose(f);
	render_pressure(&b, &p);
	cr_expect_eq(strncmp(b.buf, host[0], strlen(host[0])), 0, "%s vs %s", b.buf, host[0]);
	cr_expect_str_eq(b.buf + strlen(host[0]), host[1]);
	free(b.buf);
}
