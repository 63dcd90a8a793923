/*
 * zswap (mm/zswap.c, zsmalloc.c, zswap_comp.c) through MADV_PAGEOUT, which
 * swaps out exactly the pages it is given: what goes to the pool, what is
 * kept as it is, what the swap layer takes first (zeros), what comes back
 * and how it is counted, the pool limit and the writeback it starts, and
 * the parameters' parsing. The compressed lengths are checked against
 * liblz4/libzstd called directly on the same bytes. mm_check, which
 * checks every entry against its slot and the pool's classes, runs after
 * every call.
 */
#include <criterion/criterion.h>
#include <lz4.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "leakcheck.h"
#include "../../mm/internal.h"
#include "../../mm/memory.h"
#include "../../mm/pgtable.h"
#include "../../mm/swap.h"
#include "../../mm/task.h"
#include "../../mm/vmstat.h"
#include "../../mm/zsmalloc.h"
#include "../../mm/zswap.h"
#include "../../mm/slab.h"

static struct machine *m;

#include "mmtest.h"
#include "swaptest.h"
#include "kmsgtest.h"

#define K 4096ULL
#define M (1024 * 1024ULL)

static void boot(uint64_t ram, uint64_t swap)
{
	struct mm_config cfg = { .ram_bytes = ram, .nr_nodes = 1, .swap_bytes = swap };

	m = mm_boot(&cfg, NULL, 0);
	cr_assert(m);
}

static void setup(void)
{
	boot(256 * M, 64 * M);
}

static void teardown(void)
{
	mm_shutdown(m);
	leak_check();
}

TestSuite(zswap, .init = setup, .fini = teardown);

static void param(const char *name, const char *val, int want)
{
	cr_assert_eq(mm_tunable_write(m, name, val, strlen(val)), want, "%s <- %s", name, val);
	check_ok();
}

static void expect_param(const char *name, const char *want)
{
	char buf[128] = "";

	cr_assert_gt(mm_tunable_read(m, name, buf, sizeof(buf)), 0, "%s", name);
	cr_assert_str_eq(buf, want, "%s", name);
}

static uint64_t dbg(const char *name)
{
	char full[96], buf[64] = "";

	snprintf(full, sizeof(full), "zswap-debug/%s", name);
	cr_assert_gt(mm_tunable_read(m, full, buf, sizeof(buf)), 0, "%s", name);
	return strtoull(buf, NULL, 10);
}

/* The bytes of page i of a kind: a line of text, random, or one byte repeated. */
enum kind { TEXT, RANDOM, SAME };
static void fill(enum kind k, uint64_t i, uint8_t *p)
{
	size_t o = 0;

	if (k == SAME) {
		memset(p, 0x5a, K);
		return;
	}
	if (k == RANDOM) {
		uint64_t x = 0x9e3779b97f4a7c15ULL * (i + 1);

		for (size_t b = 0; b < K; b++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			p[b] = (uint8_t)(x >> 32);
		}
		return;
	}
	while (o < K) {
		char line[96];
		int n = snprintf(line, sizeof(line), "page %llu line %zu: the quick brown fox %llu\n",
				 (unsigned long long)i, o / 48, (unsigned long long)(o * 7 + i));

		memcpy(p + o, line, (size_t)n > K - o ? K - o : (size_t)n);
		o += (size_t)n;
	}
}

static void write_pages(int pid, uint64_t a, uint64_t n, enum kind k)
{
	struct task *t = find_task_by_pid(m, pid);
	uint8_t page[K];

	for (uint64_t i = 0; i < n; i++) {
		long r;

		fill(k, i, page);
		machine_lock(m);
		r = access_remote_vm(m, t, a + i * K, page, K, 1);
		machine_unlock(m);
		cr_assert_eq(r, (long)K);
	}
	check_ok();
}

/* Pages first .. first + n - 1 of what write_pages wrote from a on. */
static void expect_range(int pid, uint64_t a, uint64_t first, uint64_t n, enum kind k)
{
	struct task *t = find_task_by_pid(m, pid);
	uint8_t want[K], got[K];

	for (uint64_t i = first; i < first + n; i++) {
		long r;

		fill(k, i, want);
		machine_lock(m);
		r = access_remote_vm(m, t, a + i * K, got, K, 0);
		machine_unlock(m);
		cr_assert_eq(r, (long)K);
		cr_assert(!memcmp(want, got, K), "page %llu changed", (unsigned long long)i);
	}
	check_ok();
}

static void expect_pages(int pid, uint64_t a, uint64_t n, enum kind k)
{
	expect_range(pid, a, 0, n, k);
}

/* The pool entry of addr's swap slot. */
static const struct zswap_entry *entry_of(int pid, uint64_t addr)
{
	uint64_t off = swap_offset(pid, addr);

	cr_assert(off, "not swapped");
	return m->zswap->tree[0][off];
}

static void enable(void)
{
	param("zswap/enabled", "Y\n", 0);
}

Test(zswap, parameters_read_as_linux_shows_them)
{
	char buf[64];
	char *log;

	expect_param("zswap/enabled", "N\n");
	expect_param("zswap/compressor", "lz4\n");
	expect_param("zswap/max_pool_percent", "20\n");
	expect_param("zswap/accept_threshold_percent", "90\n");
	expect_param("zswap/shrinker_enabled", "N\n");
	/* debugfs appears with the first enable */
	cr_assert_eq(mm_tunable_read(m, "zswap-debug/stored_pages", buf, sizeof(buf)), -ENOENT);
	cr_assert_eq(mm_zswap_initialized(m), 0);
	/* before setup any name is taken; setup falls back to the default */
	param("zswap/compressor", "  deflate \n", 0);
	expect_param("zswap/compressor", "deflate\n");
	param("zswap/enabled", "maybe", -EINVAL);	/* set up first, then refused */
	cr_assert_eq(mm_zswap_initialized(m), 1);
	param("zswap/enabled", "", -EINVAL);
	param("zswap/enabled", "n", 0);
	expect_param("zswap/enabled", "N\n");
	expect_param("zswap/compressor", "lz4\n");
	log = kmsg();
	cr_assert(strstr(log, "zswap: compressor deflate not available, using default lz4\n"), "%s", log);
	cr_assert(strstr(log, "zswap: loaded using pool lz4\n"), "%s", log);
	free(log);
	cr_assert_eq(dbg("stored_pages"), 0);
	cr_assert_eq(dbg("pool_total_size"), 0);
	param("zswap/enabled", "on", 0);
	expect_param("zswap/enabled", "Y\n");
	param("zswap/enabled", "0", 0);
	param("zswap/enabled", "t", 0);
	expect_param("zswap/enabled", "Y\n");
	param("zswap/compressor", "lzo", -ENOENT);
	param("zswap/compressor", "zstd\n", 0);
	expect_param("zswap/compressor", "zstd\n");
	param("zswap/max_pool_percent", "0x10\n", 0);
	expect_param("zswap/max_pool_percent", "16\n");
	param("zswap/max_pool_percent", "-1", -EINVAL);
	param("zswap/max_pool_percent", "4294967296", -ERANGE);
	param("zswap/accept_threshold_percent", "+50", 0);
	expect_param("zswap/accept_threshold_percent", "50\n");
	param("zswap/shrinker_enabled", "Y", 0);
	expect_param("zswap/shrinker_enabled", "Y\n");
	param("zswap-debug/stored_pages", "1", -EACCES);
}

/* Zeros never reach zswap (swpout_zero); text compresses to what lz4 makes of it. */
Test(zswap, text_goes_to_the_pool_as_lz4_compresses_it)
{
	uint64_t a = map_anon(1, 16 * K, 0), z = map_anon(1, 4 * K, 0);
	uint8_t page[K], out[K];

	enable();
	touch(1, z, 4 * K, 1);
	write_pages(1, a, 16, TEXT);
	madvise(1, z, 4 * K, MM_MADV_PAGEOUT);
	cr_assert_eq(ev(SWPOUT_ZERO), 4);
	cr_assert_eq(ev(ZSWPOUT), 0);
	madvise(1, a, 16 * K, MM_MADV_PAGEOUT);
	cr_assert_eq(ev(ZSWPOUT), 16);
	cr_assert_eq(ev(PSWPOUT), 0);
	cr_assert_eq(node_pages(NR_SWAPCACHED), 0, "no I/O: the pages went at once");
	cr_assert_eq(dbg("stored_pages"), 16);
	cr_assert_eq(dbg("stored_incompressible_pages"), 0);
	for (uint64_t i = 0; i < 16; i++) {
		const struct zswap_entry *e = entry_of(1, a + i * K);
		int want;

		fill(TEXT, i, page);
		want = LZ4_compress_default((const char *)page, (char *)out, K, K);
		cr_assert_eq(e->length, (uint32_t)want, "page %llu", (unsigned long long)i);
		cr_assert_lt(e->length, K / 2);
	}
	cr_assert_eq(dbg("pool_total_size"), zswap_total_pages(m) * K);
	cr_assert_eq(m->vm_events[ZSWPIN], 0);
	{
		uint64_t mi[NR_MEMINFO_ITEMS];

		machine_lock(m);
		vmstat_fill_meminfo(m, mi);
		machine_unlock(m);
		cr_assert_eq(mi[MI_ZSWAPPED], 64);
		cr_assert_eq(mi[MI_ZSWAP], zswap_total_pages(m) * 4);
		cr_assert_lt(mi[MI_ZSWAP], 64);
	}
}

/*
 * Random bytes do not compress: kept as they are, one page each in the
 * huge class; nothing is rejected (6.18). A page of one byte repeated is
 * just compressed (no same-filled handling since 6.12).
 */
Test(zswap, incompressible_pages_are_kept_as_they_are)
{
	uint64_t a = map_anon(1, 8 * K, 0), s = map_anon(1, 64 * K, 0);
	int64_t free0;

	enable();
	write_pages(1, a, 8, RANDOM);
	madvise(1, a, 8 * K, MM_MADV_PAGEOUT);
	cr_assert_eq(dbg("stored_pages"), 8);
	cr_assert_eq(dbg("stored_incompressible_pages"), 8);
	cr_assert_eq(dbg("pool_total_size"), 8 * K);
	cr_assert_eq(dbg("reject_compress_poor"), 0);
	cr_assert_eq(dbg("reject_compress_fail"), 0);
	cr_assert_eq(entry_of(1, a)->length, K);
	{	/* what lz4 itself makes of them: no room in a page, or no gain */
		uint8_t page[K], out[K];

		for (uint64_t i = 0; i < 8; i++) {
			int n;

			fill(RANDOM, i, page);
			n = LZ4_compress_default((const char *)page, (char *)out, K, K);
			cr_assert(n == 0 || n >= (int)K, "lz4 made %d bytes of page %llu", n,
				  (unsigned long long)i);
		}
	}
	write_pages(1, s, 64, SAME);
	free0 = global_zone_page_state(m, NR_FREE_PAGES);
	madvise(1, s, 64 * K, MM_MADV_PAGEOUT);
	cr_assert_eq(dbg("stored_pages"), 72);
	/*
	 * the pool's pages come out of free memory: 64 pages freed, a 3-page
	 * zspage taken, and a second slab page of the 56-byte cache (73 a
	 * slab) the entries and zspages are objects of: 8 + 8 before, 64 + 1 now
	 */
	cr_assert_eq(global_zone_page_state(m, NR_FREE_PAGES), free0 + 64 - 3 - 1);
	cr_assert_eq(m->slab_caches[KMEM_FTRACE_EVENT_FIELD]->node[0].inuse, 72 + 9);
	cr_assert_eq(global_zone_page_state(m, NR_ZSPAGES), 11);
	cr_assert_eq(ev(SWPOUT_ZERO), 0);
	/*
	 * lz4 makes 26 bytes of a page of 0x5a; with the handle, 34: the
	 * 48-byte class, whose zspage is a chain of 3 pages holding 256
	 * objects (3 × 4096 = 256 × 48). The host's lzo made less of it: its
	 * 64 pages took one page (doc/zswap.md).
	 */
	cr_assert_eq(entry_of(1, s)->length, 26, "%u", entry_of(1, s)->length);
	cr_assert_eq(zs_class_of(m->zswap->pool[ZSWAP_LZ4], 26)->size, 48);
	cr_assert_eq(zs_class_of(m->zswap->pool[ZSWAP_LZ4], 26)->pages_per_zspage, 3);
	cr_assert_eq(dbg("pool_total_size"), 11 * K);
	expect_pages(1, a, 8, RANDOM);
	expect_pages(1, s, 64, SAME);
}

/*
 * A fault on a page in the pool decompresses it: zswpin, no pswpin, still
 * a major fault (the swap cache missed); the page comes back dirty and
 * the pool forgets it; readahead takes its neighbours out of the pool too.
 */
Test(zswap, swap_in_decompresses_with_the_bytes_intact)
{
	struct task *t = find_task_by_pid(m, 1);
	uint64_t a = map_anon(1, 8 * K, 0);

	enable();
	write_pages(1, a, 8, TEXT);
	madvise(1, a, 8 * K, MM_MADV_PAGEOUT);
	m->tun.page_cluster = 0;
	touch(1, a + 2 * K, K, 0);
	cr_assert_eq(ev(ZSWPIN), 1);
	cr_assert_eq(ev(PSWPIN), 0);
	cr_assert_eq(t->maj_flt, 1);
	cr_assert_eq(ev(PGMAJFAULT), 1);
	cr_assert_eq(dbg("stored_pages"), 7);
	cr_assert_eq(node_pages(NR_SWAPCACHED), 1);
	cr_assert_eq(swap_used_kb(), 32, "the slot stays with the swap cache");
	/* dirty: paged out again, it is stored again */
	madvise(1, a + 2 * K, K, MM_MADV_PAGEOUT);
	cr_assert_eq(ev(ZSWPOUT), 9);
	m->tun.page_cluster = 3;
	expect_pages(1, a, 8, TEXT);
	cr_assert_eq(ev(ZSWPIN), 9);
	cr_assert_eq(dbg("stored_pages"), 0);
	cr_assert_eq(dbg("pool_total_size"), 0, "empty zspages go back");
}

/* A freed slot drops its copy (zswap_invalidate); swapoff empties the pool. */
Test(zswap, freed_slots_and_swapoff_empty_the_pool)
{
	uint64_t a = map_anon(1, 8 * K, 0);
	char why[128];

	enable();
	write_pages(1, a, 8, TEXT);
	madvise(1, a, 8 * K, MM_MADV_PAGEOUT);
	call(1, (struct mm_call){ .verb = MMV_MUNMAP, .addr = a, .len = 4 * K });
	cr_assert_eq(dbg("stored_pages"), 4);
	cr_assert_eq(mm_swapoff(m, "/swapfile", why, sizeof(why)), 0, "%s", why);
	check_ok();
	cr_assert_eq(dbg("stored_pages"), 0);
	cr_assert_eq(ev(ZSWPIN), 4);
	expect_range(1, a, 4, 4, TEXT);
}

/* zstd at level 3, as the kernel's crypto driver: the lengths libzstd gives. */
Test(zswap, zstd_compresses_as_libzstd_does)
{
	uint64_t a = map_anon(1, 4 * K, 0);
	uint8_t page[K], out[K];

	enable();
	param("zswap/compressor", "zstd", 0);
	write_pages(1, a, 4, TEXT);
	madvise(1, a, 4 * K, MM_MADV_PAGEOUT);
	for (uint64_t i = 0; i < 4; i++) {
		size_t want;

		fill(TEXT, i, page);
		want = ZSTD_compress(out, K, page, K, 3);
		cr_assert_eq(entry_of(1, a + i * K)->length, (uint32_t)want);
		cr_assert_eq(entry_of(1, a + i * K)->comp, ZSWAP_ZSTD);
	}
	/* entries stay in the pool they went to */
	param("zswap/compressor", "lz4", 0);
	expect_pages(1, a, 4, TEXT);
}

/*
 * The pool limit: 1% of a 64 MiB machine's RAM. Incompressible pages fill
 * it one page each; once full every store is refused (pool_limit_hit) and
 * the pages go to the device; the shrink worker then writes the oldest
 * entries back (each a zswpwb and a pswpout) until the pool is at 90% of
 * the limit. It walks the LRU 32 entries at a time and looks at the pool
 * between walks: the first `max` visits only take the new entries' marks
 * off (second chance), the writeback starts at the next and goes on to
 * the end of that walk.
 */
Test(zswap, a_full_pool_writes_back_its_oldest_entries)
{
	uint64_t a, n = 200, max, thr, wb;

	mm_shutdown(m);
	boot(64 * M, 64 * M);
	a = map_anon(1, n * K, 0);
	enable();
	param("zswap/max_pool_percent", "1", 0);
	max = m->totalram_pages / 100;
	thr = max * 90 / 100;
	write_pages(1, a, n, RANDOM);
	madvise(1, a, n * K, MM_MADV_PAGEOUT);
	cr_assert_eq(dbg("stored_pages"), max);
	cr_assert_eq(dbg("pool_limit_hit"), n - max);
	cr_assert_eq(ev(PSWPOUT), n - max);
	cr_assert_eq(m->zswap->shrink_pending, 1);
	machine_lock(m);
	zswap_run_pending(m);
	machine_unlock(m);
	check_ok();
	wb = (max + 1 + 31) / 32 * 32 - max;
	cr_assert_leq(max - wb, thr, "one walk is enough here");
	cr_assert_eq(dbg("stored_pages"), max - wb);
	cr_assert_eq(dbg("written_back_pages"), wb);
	cr_assert_eq(ev(ZSWPWB), wb);
	cr_assert_eq(ev(PSWPOUT), n - max + wb);
	cr_assert_eq(dbg("reject_reclaim_fail"), 0);
	/* the oldest went: the first pages are now on the device, in the swap cache */
	cr_assert_null(entry_of(1, a));
	cr_assert_null(entry_of(1, a + (wb - 1) * K));
	cr_assert_not_null(entry_of(1, a + wb * K));
	/* the refused ones are still under writeback in the swap cache, too */
	cr_assert_eq(node_pages(NR_SWAPCACHED), n - max + wb);
	expect_pages(1, a, n, RANDOM);
}

/*
 * A THP going to swap whole (a block device gives it a cluster) is stored
 * page by page, all 512 (zswap_store of a large folio, 6.13+): no
 * thp_swpout, no write; its pages come back one by one.
 */
Test(zswap, a_thp_is_stored_page_by_page)
{
	uint64_t a;

	mm_shutdown(m);
	{
		struct mm_config cfg = { .ram_bytes = 256 * M, .nr_nodes = 1, .swap_bytes = 64 * M,
					 .swap_path = "/dev/sdb2" };

		m = mm_boot(&cfg, NULL, 0);
		cr_assert(m);
	}
	enable();
	a = map_anon(1, 4 * M, 0);
	a = (a + 2 * M - 1) & ~(2 * M - 1);
	madvise(1, a, 2 * M, MM_MADV_HUGEPAGE);
	touch(1, a, 2 * M, 1);
	cr_assert_eq(ev(THP_FAULT_ALLOC), 1);
	write_pages(1, a, 512, TEXT);
	madvise(1, a, 2 * M, MM_MADV_PAGEOUT);
	cr_assert_eq(ev(ZSWPOUT), 512);
	cr_assert_eq(ev(THP_SWPOUT), 0);
	cr_assert_eq(ev(THP_SWPOUT_FALLBACK), 0);
	cr_assert_eq(ev(PSWPOUT), 0);
	cr_assert_eq(dbg("stored_pages"), 512);
	cr_assert_eq(node_pages(NR_ANON_PAGES), 0);
	expect_pages(1, a, 512, TEXT);
	cr_assert_eq(ev(ZSWPIN), 512);
	cr_assert_eq(dbg("stored_pages"), 0);
}

/* check learns the pool: a miscounted total, an entry naming another slot, a lost class count. */
Test(zswap, check_reports_a_pool_out_of_step)
{
	uint64_t a = map_anon(1, 4 * K, 0);
	struct zswap_entry *e;
	struct zs_pool *pool;
	char *r;
	int nbad;

	enable();
	write_pages(1, a, 4, TEXT);
	madvise(1, a, 4 * K, MM_MADV_PAGEOUT);
	m->zswap->stored_pages++;
	r = mm_check(m, &nbad);
	cr_assert_gt(nbad, 0);
	cr_assert(strstr(r, "zswap: stored_pages 5 (incompressible 0), the tables hold 4 (0)"), "%s", r);
	free(r);
	m->zswap->stored_pages--;
	e = (struct zswap_entry *)entry_of(1, a);
	e->swpentry.val++;
	r = mm_check(m, &nbad);
	cr_assert(strstr(r, "names slot 0:"), "%s", r);
	free(r);
	e->swpentry.val--;
	pool = m->zswap->pool[ZSWAP_LZ4];
	pool->pages_allocated++;
	r = mm_check(m, &nbad);
	cr_assert(strstr(r, "pages_allocated says"), "%s", r);
	free(r);
	pool->pages_allocated--;
	check_ok();
}

/* Shared anonymous memory (shmem) goes through the pool too, and comes back intact. */
Test(zswap, shmem_pages_go_through_the_pool)
{
	uint64_t a = call(1, (struct mm_call){ .verb = MMV_MMAP, .len = 8 * K, .fd = -1,
		.prot = MM_PROT_READ | MM_PROT_WRITE, .flags = MM_MAP_SHARED | MM_MAP_ANONYMOUS });

	enable();
	write_pages(1, a, 8, TEXT);
	madvise(1, a, 8 * K, MM_MADV_PAGEOUT);
	cr_assert_eq(ev(ZSWPOUT), 8);
	cr_assert_eq(ev(PSWPOUT), 0);
	cr_assert_eq(dbg("stored_pages"), 8);
	expect_pages(1, a, 8, TEXT);
	cr_assert_eq(ev(ZSWPIN), 8);
	cr_assert_eq(dbg("stored_pages"), 0);
}

/*
 * The shrinker (shrinker_enabled), run by shrink_slab as reclaim runs it,
 * with do_shrink_slab's arithmetic (seeks 2, batches of 128). 200
 * incompressible pages: one pool page each, so count = the LRU's length,
 * 200. At priority 1 the first call scans (200 >> 1) * 4 / 2 = 200: one
 * batch of 128 that only takes new entries' marks off, so the scan says
 * stop (nothing written) and the whole 200 is deferred, no slabs_scanned.
 * The second scans 200 >> 1 + 200 = 300: 72 marks, then 56 + 128 written
 * back (two batches, 256 scanned), 44 left over; deferred 200 + 200 - 256.
 */
Test(zswap, the_shrinker_writes_back_as_do_shrink_slab_counts)
{
	uint64_t a, n = 200;
	int64_t slabs = ev(SLABS_SCANNED);

	a = map_anon(1, n * K, 0);
	enable();
	param("zswap/shrinker_enabled", "Y\n", 0);
	write_pages(1, a, n, RANDOM);
	madvise(1, a, n * K, MM_MADV_PAGEOUT);
	cr_assert_eq(dbg("stored_pages"), n);
	cr_assert_eq(zswap_total_pages(m), n);
	machine_lock(m);
	cr_assert_eq(shrink_slab(m, 0, 1, 1), 0);
	machine_unlock(m);
	check_ok();
	cr_assert_eq(dbg("written_back_pages"), 0);
	cr_assert_eq(m->zswap->nr_deferred[0], 200);
	cr_assert_eq(ev(SLABS_SCANNED) - slabs, 0);
	machine_lock(m);
	cr_assert_eq(shrink_slab(m, 0, 1, 1), 184);
	machine_unlock(m);
	check_ok();
	cr_assert_eq(dbg("written_back_pages"), 184);
	cr_assert_eq(ev(ZSWPWB), 184);
	cr_assert_eq(ev(PSWPOUT), 184);
	cr_assert_eq(dbg("stored_pages"), 16);
	cr_assert_eq(m->zswap->nr_deferred[0], 144);
	cr_assert_eq(ev(SLABS_SCANNED) - slabs, 256);
	/* the oldest went to the device; all come back intact */
	cr_assert_null(entry_of(1, a));
	cr_assert_not_null(entry_of(1, a + 184 * K));
	expect_pages(1, a, n, RANDOM);
	/*
	 * Read back from the swap cache; dropped from it (clean) and read
	 * again, from the device now: each such read protects one entry of
	 * the LRU, and the next count uses that protection up.
	 */
	cr_assert_eq(ev(PSWPIN), 0);
	madvise(1, a, 184 * K, MM_MADV_PAGEOUT);
	expect_pages(1, a, n, RANDOM);
	cr_assert_gt(ev(PSWPIN), 16);
	cr_assert_eq(m->zswap->nr_disk_swapins[0], (uint64_t)ev(PSWPIN));
	madvise(1, a + 184 * K, 16 * K, MM_MADV_PAGEOUT);	/* 16 in the pool again */
	cr_assert_eq(dbg("stored_pages"), 16);
	machine_lock(m);
	cr_assert_eq(zswap_shrinker_count(m, 0), 0);
	machine_unlock(m);
	cr_assert_eq(m->zswap->nr_disk_swapins[0], (uint64_t)ev(PSWPIN) - 16);
}

/* Off (the default), the shrinker counts nothing: no writeback, nothing deferred. */
Test(zswap, the_shrinker_is_off_by_default)
{
	uint64_t a, n = 64;

	a = map_anon(1, n * K, 0);
	enable();
	write_pages(1, a, n, RANDOM);
	madvise(1, a, n * K, MM_MADV_PAGEOUT);
	machine_lock(m);
	cr_assert_eq(shrink_slab(m, 0, 0, 0), 0);
	machine_unlock(m);
	cr_assert_eq(dbg("written_back_pages"), 0);
	cr_assert_eq(m->zswap->nr_deferred[0], 0);
	machine_lock(m);
	cr_assert_eq(zswap_shrinker_count(m, 0), 0);
	machine_unlock(m);
}

/*
 * drop_caches 2 runs it too (drop_slab: GFP_KERNEL, priority 0): 200 new
 * entries, count 200, scan 400. The first batch only takes marks off, so
 * the scan stops and all 400 are deferred; nothing freed ends drop_slab.
 * The second drop scans min(400 + 400, 2 * 200) = 400: 56 + 128 + 16
 * written back (the list empties in the third batch), 384 scanned,
 * deferred min(400 + 400 - 384, 400); its next pass counts nothing.
 */
Test(zswap, drop_caches_runs_the_shrinker)
{
	uint64_t a, n = 200;
	char why[128];

	a = map_anon(1, n * K, 0);
	enable();
	param("zswap/shrinker_enabled", "Y\n", 0);
	write_pages(1, a, n, RANDOM);
	madvise(1, a, n * K, MM_MADV_PAGEOUT);
	cr_assert_eq(mm_drop_caches(m, 2, why, sizeof(why)), 0);
	check_ok();
	cr_assert_eq(dbg("written_back_pages"), 0);
	cr_assert_eq(m->zswap->nr_deferred[0], 400);
	cr_assert_eq(mm_drop_caches(m, 2, why, sizeof(why)), 0);
	check_ok();
	cr_assert_eq(dbg("written_back_pages"), 200);
	cr_assert_eq(ev(ZSWPWB), 200);
	cr_assert_eq(ev(PSWPOUT), 200);
	cr_assert_eq(dbg("stored_pages"), 0);
	cr_assert_eq(m->zswap->nr_deferred[0], 400);
	expect_pages(1, a, n, RANDOM);
}

/*
 * Memory pressure: 96 MiB of text written into a 64 MiB machine. Reclaim
 * swaps to the pool and runs shrink_slab at each priority it reaches, so
 * the shrinker writes entries back (each a zswpwb and a pswpout); with
 * no pool limit (100%) the worker has no part in it. Every
 * byte comes back.
 */
Test(zswap, reclaim_runs_the_shrinker_under_pressure)
{
	uint64_t a, n = 96 * M / K;

	mm_shutdown(m);
	boot(64 * M, 128 * M);
	a = map_anon(1, n * K, 0);
	enable();
	param("zswap/shrinker_enabled", "Y\n", 0);
	param("zswap/max_pool_percent", "100", 0);
	write_pages(1, a, n, TEXT);
	check_ok();
	cr_assert_eq(dbg("pool_limit_hit"), 0);
	cr_assert_gt(dbg("written_back_pages"), 0);
	cr_assert_eq(ev(ZSWPWB), dbg("written_back_pages"));
	cr_assert_geq(ev(PSWPOUT), ev(ZSWPWB));
	expect_pages(1, a, n, TEXT);
}
