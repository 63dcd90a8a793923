/* SPDX-License-Identifier: MIT */
/*
 * Page migration (mm/migrate*.c) on a 2-node machine: bytes, mappings,
 * node counters and vmstat events across moves of anonymous, file, shmem,
 * swap-cache, mlocked and THP pages, pages shared by fork, what is refused;
 * move_pages' statuses as the host prints them (tests/integration/
 * migrate_probe.c); migrate_range() with a callback; CPU affinity.
 * mm_check runs after every step.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../mm/internal.h"
#include "../../mm/filemap.h"
#include "../../mm/memory.h"
#include "../../mm/migrate.h"
#include "../../mm/page_alloc.h"
#include "../../mm/pgtable.h"
#include "../../mm/rmap.h"
#include "../../mm/swap.h"
#include "../../mm/task.h"
#include "../../mm/vmstat.h"

static struct machine *m;
static char dir[64];

#include "backingtest.h"
#include "mmtest.h"
#include "swaptest.h"

#define K 4096ULL
#define MB (1ULL << 20)

static void setup(void)
{
	struct mm_config cfg = { .ram_bytes = 512 * MB, .nr_nodes = 2, .nr_cpus = 4,
				 .swap_bytes = 64 * MB };

	backing_mkdir(dir, "/tmp/test_migrate.XXXXXX");
	backing_put(dir, "f", 64 * K);
	backing_put(dir, "big", 2 * MB);
	m = mm_boot(&cfg, NULL, 0);
	cr_assert(m);
	cr_assert_eq(mm_set_backing(m, dir, 0xfe, 1), 0);
}

static void teardown(void)
{
	backing_shutdown(dir);
}

TestSuite(migrate, .init = setup, .fini = teardown);

static int64_t nstat(int nid, enum node_stat_item i)
{
	return m->node[nid]->vm_stat[i];
}

/* move_pages as the model's caller pid makes it; check runs after. */
static int movep(int pid, uint64_t nr, const uint64_t *pages, const int32_t *nodes, int flags,
		 int32_t *status, long *ret)
{
	char why[256];
	long r = 0;
	int err = mm_move_pages(m, pid, 0, nr, pages, nodes, status, flags, &r, why, sizeof(why));

	check_ok();
	if (ret)
		*ret = r;
	return err;
}

/* Every page of [addr, addr + n pages) to node (MOVE_ALL when all); what move_pages returned. */
static long move_all_to(int pid, uint64_t addr, uint64_t n, int node, int flags)
{
	uint64_t pages[64];
	int32_t nodes[64], status[64];
	long ret;

	cr_assert_leq(n, 64);
	for (uint64_t i = 0; i < n; i++) {
		pages[i] = addr + i * K;
		nodes[i] = node;
	}
	cr_assert_eq(movep(pid, n, pages, nodes, flags, status, &ret), 0);
	return ret;
}

/* The node of the page at addr, or its -errno (move_pages' query). */
static int node_of(int pid, uint64_t addr)
{
	int32_t st = 99;

	cr_assert_eq(movep(pid, 1, &addr, NULL, 0, &st, NULL), 0);
	return st;
}

static struct page *page_of(int pid, uint64_t addr)
{
	struct task *t = find_task_by_pid(m, pid);
	struct page *p = NULL;
	pte_t *pte;

	machine_lock(m);
	pte = pte_lookup(m, t->mm, addr, 0, NULL);
	if (pte && pte_present(*pte))
		p = pfn_to_page(m, pte_pfn(*pte));
	machine_unlock(m);
	return p;
}

static uint64_t rss_pages(int pid)
{
	struct mm_task_snap *t = mm_snap_task(m, pid, 0);
	uint64_t n;

	cr_assert(t);
	n = t->rss_anon + t->rss_file + t->rss_shmem;
	free(t);
	return n;
}

/* migrate_pages(pid, old, new) from pid itself; its return value. */
static uint64_t migrate(int pid, uint64_t old, uint64_t new)
{
	char why[256];
	uint64_t ret = 99;

	cr_assert_eq(mm_migrate_pages(m, pid, 0, old, new, 0, &ret, why, sizeof(why)), 0, "%s", why);
	check_ok();
	return ret;
}

/* ---- anonymous memory ---- */

Test(migrate, anon_pages_keep_bytes_and_move_counters)
{
	uint64_t a = map_anon(1, 64 * K, 0), rss;
	int64_t anon0, anon1, inact1;

	touch(1, a, 64 * K, 1);
	anon0 = nstat(0, NR_ANON_PAGES);
	anon1 = nstat(1, NR_ANON_PAGES);
	inact1 = nstat(1, NR_INACTIVE_ANON);
	mem_write(1, a, "first page");
	mem_write(1, a + 15 * K, "last page");
	cr_assert_eq(node_of(1, a), 0);
	rss = rss_pages(1);
	/* every page of pid 1 on node 0 goes to node 1: none fails */
	cr_assert_eq(migrate(1, 0x1, 0x2), 0);
	cr_assert_eq(ev(PGMIGRATE_SUCCESS), (int64_t)rss);
	cr_assert_eq(ev(PGMIGRATE_FAIL), 0);
	cr_assert_eq(ev(NUMA_PAGES_MIGRATED), 0, "only NUMA balancing counts it");
	for (int i = 0; i < 16; i++)
		cr_assert_eq(node_of(1, a + i * K), 1);
	/* every anonymous page of node 0 was pid 1's: all went */
	cr_assert_eq(nstat(0, NR_ANON_PAGES), 0);
	cr_assert_eq(nstat(1, NR_ANON_PAGES) - anon1, anon0);
	cr_assert_geq(nstat(1, NR_INACTIVE_ANON) - inact1, 16);
	mem_expect(1, a, "first page");
	mem_expect(1, a + 15 * K, "last page");
	cr_assert_eq(usage(1, a).rss, 64 * K);
	/* and back: move_pages of each page */
	cr_assert_eq(move_all_to(1, a, 16, 0, 0), 0);
	cr_assert_eq(ev(PGMIGRATE_SUCCESS), (int64_t)rss + 16);
	cr_assert_eq(nstat(1, NR_ANON_PAGES), anon1 + anon0 - 16);
	cr_assert_eq(nstat(0, NR_ANON_PAGES), 16);
	mem_expect(1, a + 15 * K, "last page");
	/* the same move again moves nothing: the pages are there */
	cr_assert_eq(move_all_to(1, a, 16, 0, 0), 0);
	cr_assert_eq(ev(PGMIGRATE_SUCCESS), (int64_t)rss + 16);
}

Test(migrate, fork_shared_pages_need_move_all_and_update_every_pte)
{
	uint64_t a = map_anon(1, 4 * K, 0), pages[2];
	int32_t nodes[2] = { 1, 1 }, status[2] = { 0, 0 };
	struct page *old;
	long ret;
	int child;

	touch(1, a, 4 * K, 1);
	mem_write(1, a, "shared");
	child = fork_of(1);
	old = page_of(1, a);
	cr_assert_eq(old, page_of(child, a));
	pages[0] = a;
	pages[1] = a + K;
	cr_assert_eq(movep(1, 2, pages, nodes, 0, status, &ret), 0);
	cr_assert_eq(ret, 0);
	cr_assert_eq(status[0], -EACCES);
	cr_assert_eq(status[1], -EACCES);
	cr_assert_eq(ev(PGMIGRATE_SUCCESS), 0);
	cr_assert_eq(movep(1, 2, pages, nodes, MPOL_MF_MOVE_ALL, status, &ret), 0);
	cr_assert_eq(status[0], 1);
	cr_assert_eq(status[1], 1);
	cr_assert_eq(ev(PGMIGRATE_SUCCESS), 2);
	cr_assert_neq(page_of(1, a), old);
	cr_assert_eq(page_of(1, a), page_of(child, a), "both PTEs name the new frame");
	cr_assert_eq(page_of(1, a)->mapcount, 2);
	cr_assert_eq(node_of(child, a), 1);
	mem_expect(child, a, "shared");
	/* COW still works on the moved page */
	mem_write(child, a, "child");
	mem_expect(1, a, "shared");
	mem_expect(child, a, "child");
}

Test(migrate, extra_reference_fails_and_counts)
{
	uint64_t a = map_anon(1, 4 * K, 0);
	int32_t node = 1, status = 7;
	struct page *p;
	long ret;

	touch(1, a, K, 1);
	p = page_of(1, a);
	machine_lock(m);
	get_page(p);		/* a pin */
	machine_unlock(m);
	cr_assert_eq(movep(1, 1, &a, &node, 0, &status, &ret), 0);
	cr_assert_eq(ret, 1, "one page not moved");
	cr_assert_eq(status, 7, "the failed batch's status is left as it was");
	cr_assert_eq(ev(PGMIGRATE_FAIL), 1);
	cr_assert_eq(ev(PGMIGRATE_SUCCESS), 0);
	cr_assert_eq(page_of(1, a), p);
	machine_lock(m);
	put_page(m, p);
	machine_unlock(m);
	cr_assert_eq(movep(1, 1, &a, &node, 0, &status, &ret), 0);
	cr_assert_eq(ret, 0);
	cr_assert_eq(status, 1);
}

Test(migrate, mlocked_pages_stay_mlocked)
{
	uint64_t a = map_anon(1, 8 * K, 0);

	call(1, (struct mm_call){ .verb = MMV_MLOCK, .addr = a, .len = 8 * K });
	cr_assert_eq(nstat(1, NR_UNEVICTABLE), 0);
	cr_assert_eq(move_all_to(1, a, 8, 1, 0), 0);
	cr_assert_eq(nstat(1, NR_UNEVICTABLE), 8);
	cr_assert(PageFlag(page_of(1, a), PG_mlocked));
	call(1, (struct mm_call){ .verb = MMV_MUNLOCK, .addr = a, .len = 8 * K });
	cr_assert_eq(nstat(1, NR_UNEVICTABLE), 0);
	cr_assert_eq(nstat(1, NR_INACTIVE_ANON), 8);
}

/* ---- the page cache ---- */

static uint64_t map_file(int pid, uint64_t len, uint64_t prot, uint64_t flags)
{
	struct mm_call c = { .verb = MMV_MMAP, .len = len, .fd = -1, .prot = prot, .flags = flags };

	strcpy(c.path, "f");
	return call(pid, c);
}

Test(migrate, file_pages_move_in_the_cache)
{
	uint64_t a = map_file(1, 16 * K, MM_PROT_READ, MM_MAP_PRIVATE);
	int64_t file1 = nstat(1, NR_FILE_PAGES), mapped1 = nstat(1, NR_MAPPED);

	touch(1, a, K, 0);
	cr_assert_eq(node_of(1, a), 0);
	cr_assert_eq(move_all_to(1, a, 1, 1, 0), 0);
	cr_assert_eq(node_of(1, a), 1);
	cr_assert_eq(nstat(1, NR_FILE_PAGES) - file1, 1);
	cr_assert_eq(nstat(1, NR_MAPPED) - mapped1, 1);
	mem_expect(1, a, "ffff");
	/* the cache serves the new frame: another mapping finds it */
	{
		uint64_t b = map_file(1, 16 * K, MM_PROT_READ, MM_MAP_PRIVATE);

		touch(1, b, K, 0);
		cr_assert_eq(page_of(1, b), page_of(1, a));
	}
}

/*
 * Readahead's large folios move whole (their pages are separate frames
 * here, each moved, all or none); a second address in a folio already
 * taken is -EBUSY, as Linux's second isolation of a folio fails.
 */
Test(migrate, readahead_folios_move_whole)
{
	struct mm_call c = { .verb = MMV_MMAP, .len = 2 * MB, .fd = -1, .prot = MM_PROT_READ,
			     .flags = MM_MAP_PRIVATE };
	uint64_t a, big = 0;
	int64_t file0 = nstat(0, NR_FILE_PAGES), file1 = nstat(1, NR_FILE_PAGES), cached;

	strcpy(c.path, "big");
	a = call(1, c);
	touch(1, a, 2 * MB, 0);
	cached = nstat(0, NR_FILE_PAGES) - file0;
	for (uint64_t i = 0; i < 512; i++) {
		struct page *p = page_of(1, a + i * K);

		if (p && folio_order(p) > (unsigned)big)
			big = folio_order(p);
	}
	cr_assert_gt(big, 0, "readahead made a large folio");
	{
		uint64_t i = 0, pages[2];
		int32_t nodes[2] = { 1, 1 }, st[2];
		long ret;

		while (folio_order(page_of(1, a + i * K)) == 0)
			i++;
		pages[0] = a + i * K;
		pages[1] = a + (i + 1) * K;
		cr_assert_eq(movep(1, 2, pages, nodes, 0, st, &ret), 0);
		cr_assert_eq(ret, 0);
		cr_assert_eq(st[0], 1);
		cr_assert_eq(st[1], -EBUSY, "its folio is taken already (folio_isolate_lru fails)");
		cr_assert_eq(node_of(1, pages[1]), 1, "the folio went whole");
		cr_assert_eq(ev(PGMIGRATE_SUCCESS), 1 << folio_order(page_of(1, pages[0])));
		cr_assert_eq(node_of(1, pages[0] + (K << folio_order(page_of(1, pages[0]))) - K), 1);
	}
	cr_assert_eq(migrate(1, 0x1, 0x2), 0);
	for (uint64_t i = 0; i < 512; i += 37)
		cr_assert_eq(node_of(1, a + i * K), 1);
	cr_assert_eq(nstat(1, NR_FILE_PAGES) - file1, (int64_t)usage(1, a).rss / 4096);
	cr_assert_eq(nstat(0, NR_FILE_PAGES) - file0, cached - (int64_t)usage(1, a).rss / 4096);
	mem_expect(1, a + 2 * MB - 4, "ffff");
}

Test(migrate, dirty_shared_file_page_reaches_the_file)
{
	uint64_t a = map_file(1, 16 * K, MM_PROT_READ | MM_PROT_WRITE, MM_MAP_SHARED);
	char path[128], buf[8] = "";
	char why[64];
	int fd;

	touch(1, a, K, 1);
	mem_write(1, a, "dirty!");
	cr_assert_eq(nstat(0, NR_DIRTY), 1);
	cr_assert_eq(move_all_to(1, a, 1, 1, 0), 0);
	cr_assert_eq(nstat(0, NR_DIRTY), 0);
	cr_assert_eq(nstat(1, NR_DIRTY), 1);
	cr_assert_eq(mm_sync(m, why, sizeof(why)), 0);
	check_ok();
	snprintf(path, sizeof(path), "%s/f", dir);
	fd = open(path, O_RDONLY);
	cr_assert(fd >= 0);
	cr_assert_eq(pread(fd, buf, 6, 0), 6);
	close(fd);
	cr_assert_str_eq(buf, "dirty!");
}

Test(migrate, shmem_pages_move_with_their_counters)
{
	uint64_t a = call(1, (struct mm_call){ .verb = MMV_MMAP, .len = 16 * K, .fd = -1,
		.prot = MM_PROT_READ | MM_PROT_WRITE, .flags = MM_MAP_SHARED | MM_MAP_ANONYMOUS });
	int child;

	touch(1, a, 16 * K, 1);
	mem_write(1, a + 3 * K, "shm");
	child = fork_of(1);
	touch(child, a, 16 * K, 0);
	cr_assert_eq(nstat(0, NR_SHMEM), 16);
	cr_assert_eq(move_all_to(1, a, 4, 1, 0), 0);
	{
		int32_t st[4];
		uint64_t pages[4] = { a, a + K, a + 2 * K, a + 3 * K };

		cr_assert_eq(movep(1, 4, pages, NULL, 0, st, NULL), 0);
		cr_assert_eq(st[0], 0, "mapped twice: stays without MPOL_MF_MOVE_ALL");
	}
	cr_assert_eq(move_all_to(1, a, 4, 1, MPOL_MF_MOVE_ALL), 0);
	cr_assert_eq(nstat(0, NR_SHMEM), 12);
	cr_assert_eq(nstat(1, NR_SHMEM), 4);
	cr_assert_eq(node_of(child, a + 3 * K), 1);
	mem_expect(child, a + 3 * K, "shm");
	cr_assert_eq(page_of(child, a + 3 * K), page_of(1, a + 3 * K));
}

/* ---- the swap cache ---- */

Test(migrate, swap_cache_page_moves_with_its_slot)
{
	uint64_t a = map_anon(1, 4 * K, 0);
	struct page *p;

	touch(1, a, 4 * K, 1);
	mem_write(1, a, "swapped");
	madvise(1, a, 4 * K, MM_MADV_PAGEOUT);
	cr_assert_eq(node_of(1, a), -ENOENT);
	touch(1, a, K, 0);	/* read in: mapped and in the swap cache */
	p = page_of(1, a);
	cr_assert(PageFlag(p, PG_swapcache));
	cr_assert_eq(nstat(0, NR_SWAPCACHED), 1);
	cr_assert_eq(move_all_to(1, a, 1, 1, 0), 0);
	cr_assert_eq(nstat(0, NR_SWAPCACHED), 0);
	cr_assert_eq(nstat(1, NR_SWAPCACHED), 1);
	p = page_of(1, a);
	cr_assert(PageFlag(p, PG_swapcache));
	machine_lock(m);
	cr_assert_eq(swap_cache_get(m, (swp_entry_t){ p->swap }), p);
	machine_unlock(m);
	mem_expect(1, a, "swapped");
	mem_write(1, a, "written");	/* the write fault frees the slot as usual */
	mem_expect(1, a, "written");
}

/* ---- THPs ---- */

static uint64_t map_thp(int pid)
{
	uint64_t a = map_anon(pid, 4 * MB, 0);

	cr_assert_eq(a & (2 * MB - 1), 0);
	madvise(pid, a, 4 * MB, MM_MADV_HUGEPAGE);
	return a;
}

Test(migrate, thp_moves_whole)
{
	uint64_t a = map_thp(1);

	touch(1, a, K, 1);
	mem_write(1, a + 2 * MB - 8, "tail");
	cr_assert_eq(nstat(0, NR_ANON_TRANSPARENT_HUGEPAGES), 1);
	cr_assert_eq(move_all_to(1, a + 5 * K, 1, 1, 0), 0);
	cr_assert_eq(ev(THP_MIGRATION_SUCCESS), 1);
	cr_assert_eq(ev(PGMIGRATE_SUCCESS), 512);
	cr_assert_eq(ev(THP_MIGRATION_SPLIT), 0);
	cr_assert_eq(nstat(0, NR_ANON_TRANSPARENT_HUGEPAGES), 0);
	cr_assert_eq(nstat(1, NR_ANON_TRANSPARENT_HUGEPAGES), 1);
	cr_assert_eq(nstat(1, NR_ANON_PAGES), 512);
	cr_assert_eq(node_of(1, a + 2 * MB - K), 1);
	mem_expect(1, a + 2 * MB - 8, "tail");
	cr_assert_eq(usage(1, a).anon_thp, 2 * MB);
}

/* A THP both sides of a fork map by PMD: MOVE_ALL moves it whole, both PMDs follow. */
Test(migrate, thp_shared_by_fork_moves_with_both_pmds)
{
	uint64_t a = map_thp(1), addr;
	int32_t node = 1, st = 7;
	long ret;
	int child;

	touch(1, a, K, 1);
	mem_write(1, a + 5 * K, "both");
	child = fork_of(1);
	addr = a + 5 * K;
	cr_assert_eq(movep(1, 1, &addr, &node, 0, &st, &ret), 0);
	cr_assert_eq(st, -EACCES);
	cr_assert_eq(movep(1, 1, &addr, &node, MPOL_MF_MOVE_ALL, &st, &ret), 0);
	cr_assert_eq(st, 1);
	cr_assert_eq(ev(THP_MIGRATION_SUCCESS), 1);
	cr_assert_eq(nstat(1, NR_ANON_TRANSPARENT_HUGEPAGES), 1);
	cr_assert_eq(node_of(child, a + 2 * MB - K), 1);
	mem_expect(child, a + 5 * K, "both");
	cr_assert_eq(usage(child, a).anon_thp, 2 * MB);
	/* a write in the child still breaks COW as before */
	mem_write(child, a + 5 * K, "kid!");
	mem_expect(1, a + 5 * K, "both");
}

/*
 * No order-9 block free on node 1: the THP is split and its pages move one
 * by one (every page written, so the split maps no zero page).
 */
Test(migrate, thp_split_when_the_target_has_no_huge_page)
{
	uint64_t a = map_thp(1);
	struct page **held;
	uint64_t nheld = 0;

	touch(1, a, 2 * MB, 1);
	for (int i = 0; i < 512; i++) {
		char s[8];

		snprintf(s, sizeof(s), "p%d", i);
		mem_write(1, a + (uint64_t)i * K, s);
	}
	/* watermarks as low as they go, then node 1 emptied: huge blocks first */
	cr_assert_eq(mm_tunable_write(m, "min_free_kbytes", "128", 3), 0);
	held = calloc(256 * MB / K, sizeof(*held));
	machine_lock(m);
	for (unsigned order = 9;; order = 0) {
		struct page *p = alloc_pages(m, GFP_HIGHUSER_MOVABLE | __GFP_THISNODE | __GFP_NOWARN,
					     order, 1);

		if (!p && order == 0)
			break;
		if (!p)
			continue;
		for (unsigned i = 0; i < (1u << order); i++) {
			if (i)
				p[i].refcount = 1;	/* each page alone, as split_page does */
			held[nheld++] = p + i;
		}
	}
	/* give back every other page: 2048 free pages, no order-1 block among them */
	for (uint64_t i = 0, freed = 0; i < nheld && freed < 2048; i++)
		if (page_to_pfn(m, held[i]) & 1) {
			free_pages(m, held[i], 0);
			held[i] = NULL;
			freed++;
		}
	m->alloc_failed = 0;
	machine_unlock(m);
	cr_assert_eq(move_all_to(1, a, 1, 1, 0), 0);
	cr_assert_eq(ev(THP_MIGRATION_SPLIT), 1, "held %llu succ %lld thp %lld fail %lld", (unsigned long long)nheld, (long long)ev(PGMIGRATE_SUCCESS), (long long)ev(THP_MIGRATION_SUCCESS), (long long)ev(PGMIGRATE_FAIL));
	cr_assert_eq(ev(THP_MIGRATION_SUCCESS), 0);
	cr_assert_eq(ev(PGMIGRATE_SUCCESS), 512);
	cr_assert_eq(ev(THP_SPLIT_PAGE), 1);
	for (int i = 0; i < 512; i += 97) {
		char s[8];

		snprintf(s, sizeof(s), "p%d", i);
		mem_expect(1, a + (uint64_t)i * K, s);
		cr_assert_eq(node_of(1, a + (uint64_t)i * K), 1);
	}
	machine_lock(m);
	for (uint64_t i = 0; i < nheld; i++)
		if (held[i])
			free_pages(m, held[i], 0);
	machine_unlock(m);
	free(held);
	check_ok();
}

/* ---- move_pages' statuses and errors (the host's, tests/integration/migrate_probe.c) ---- */

Test(migrate, move_pages_statuses_and_errors)
{
	uint64_t a = map_anon(1, 4 * K, 0);
	uint64_t pages[5] = { a, a + K, a + 2 * K, a + 3 * K, 0x1000 };
	int32_t st[5], nodes[5] = { 0, 0, 0, 0, 0 };
	char why[128];
	long ret;

	touch(1, a, 2 * K, 1);
	touch(1, a + 2 * K, K, 0);	/* the zero page */
	cr_assert_eq(movep(1, 5, pages, NULL, 0, st, &ret), 0);
	cr_assert_eq(ret, 0);
	cr_assert_eq(st[0], 0);
	cr_assert_eq(st[1], 0);
	cr_assert_eq(st[2], -EFAULT, "the zero page");
	cr_assert_eq(st[3], -ENOENT, "nothing mapped yet");
	cr_assert_eq(st[4], -EFAULT, "no VMA");
	memset(st, 0, sizeof(st));
	cr_assert_eq(movep(1, 5, pages, nodes, 0, st, &ret), 0);
	cr_assert_eq(st[0], 0);
	cr_assert_eq(st[2], -EFAULT);
	cr_assert_eq(st[3], -ENOENT);
	cr_assert_eq(st[4], -EFAULT);
	nodes[1] = 2;
	cr_assert_eq(movep(1, 5, pages, nodes, 0, st, &ret), -ENODEV);
	nodes[1] = -1;
	cr_assert_eq(movep(1, 5, pages, nodes, 0, st, &ret), -ENODEV);
	cr_assert_eq(movep(1, 2, pages, NULL, 8, st, &ret), -EINVAL);
	cr_assert_eq(mm_move_pages(m, 1, 999, 1, pages, NULL, st, 0, &ret, why, sizeof(why)),
		     -ESRCH);
	cr_assert_eq(mm_move_pages(m, 999, 0, 1, pages, NULL, st, 0, &ret, why, sizeof(why)),
		     -ESRCH);
	cr_assert_eq(ev(PGMIGRATE_SUCCESS) + ev(PGMIGRATE_FAIL), 0);
}

Test(migrate, migrate_pages_errors)
{
	char why[128];
	uint64_t ret;

	cr_assert_eq(mm_migrate_pages(m, 1, 0, 1, 4, 0, &ret, why, sizeof(why)), -EINVAL,
		     "node 2 is not online: nothing is left of NEW");
	cr_assert_eq(mm_migrate_pages(m, 1, 0, 1, 0, 0, &ret, why, sizeof(why)), -EINVAL);
	cr_assert_eq(mm_migrate_pages(m, 1, 99, 1, 2, 0, &ret, why, sizeof(why)), -ESRCH);
	cr_assert_eq(mm_migrate_pages(m, 1, 0, 1, 1, 0, &ret, why, sizeof(why)), 0);
	cr_assert_eq(ret, 0);
}

/* ---- migrate_range: the mechanism mbind(MPOL_MF_MOVE) uses ---- */

static int by_page_parity(void *arg, struct vm_area_struct *vma, uint64_t addr, int nid)
{
	(void)arg, (void)vma, (void)nid;
	return (int)((addr >> 12) & 1);
}

static int leave_alone(void *arg, struct vm_area_struct *vma, uint64_t addr, int nid)
{
	(void)arg, (void)vma, (void)addr, (void)nid;
	return -1;
}

Test(migrate, migrate_range_follows_the_callback)
{
	uint64_t a = map_anon(1, 16 * K, 0), failed = 99;
	struct task *t = find_task_by_pid(m, 1);
	int err;

	touch(1, a, 16 * K, 1);
	machine_lock(m);
	err = migrate_range(m, t->mm, a, a + 16 * K, by_page_parity, NULL, MPOL_MF_MOVE, &failed);
	machine_unlock(m);
	check_ok();
	cr_assert_eq(err, 0);
	cr_assert_eq(failed, 0);
	for (int i = 0; i < 16; i++)
		cr_assert_eq(node_of(1, a + i * K), (int)(((a >> 12) + i) & 1));
	cr_assert_eq(ev(PGMIGRATE_SUCCESS), 8);
	machine_lock(m);
	err = migrate_range(m, t->mm, a, a + 16 * K, leave_alone, NULL, MPOL_MF_MOVE, &failed);
	cr_assert_eq(migrate_range(m, t->mm, a + 1, a + K, leave_alone, NULL, 0, NULL), -EINVAL);
	machine_unlock(m);
	cr_assert_eq(err, 0);
	cr_assert_eq(ev(PGMIGRATE_SUCCESS), 8);
}

/* ---- CPU affinity ---- */

Test(migrate, affinity)
{
	uint64_t mask[4] = { 0xc }, got[4];
	struct mm_task_snap *s;
	char why[128];
	long ret;
	int child;

	cr_assert_eq(find_task_by_pid(m, 1)->cpu, 0, "a task starts on CPU 0");
	cr_assert_eq(mm_sched_getaffinity(m, 1, 0, 128, got, &ret, why, sizeof(why)), 0);
	cr_assert_eq(ret, 32, "cpumask_size: NR_CPUS (256) bits");
	cr_assert_eq(mm_sched_getaffinity(m, 1, 0, 8, got, &ret, why, sizeof(why)), 0);
	cr_assert_eq(ret, 8);
	cr_assert_eq(got[0], 0xf);
	cr_assert_eq(mm_sched_setaffinity(m, 1, 0, mask, why, sizeof(why)), 0);
	cr_assert_eq(find_task_by_pid(m, 1)->cpu, 2, "off the mask: the first allowed CPU");
	cr_assert_eq(task_node(m, find_task_by_pid(m, 1)), 1);
	mask[0] = 0x6;
	cr_assert_eq(mm_sched_setaffinity(m, 1, 0, mask, why, sizeof(why)), 0);
	cr_assert_eq(find_task_by_pid(m, 1)->cpu, 2, "still allowed: it stays");
	child = fork_of(1);
	s = mm_snap_task(m, child, 0);
	cr_assert_eq(s->cpu, 2);
	cr_assert_eq(s->cpus_allowed[0], 0x6);
	free(s);
	mask[0] = 0x30;		/* CPUs 4-5 do not exist */
	cr_assert_eq(mm_sched_setaffinity(m, 1, 0, mask, why, sizeof(why)), -EINVAL);
	cr_assert_eq(mm_sched_setaffinity(m, 1, 99, mask, why, sizeof(why)), -ESRCH);
	cr_assert_eq(mm_sched_getaffinity(m, 1, 0, 4, got, &ret, why, sizeof(why)), -EINVAL);
	cr_assert_eq(mm_sched_getaffinity(m, 1, 0, 12, got, &ret, why, sizeof(why)), -EINVAL);
	cr_assert_eq(mm_sched_getaffinity(m, 1, child, 8, got, &ret, why, sizeof(why)), 0);
	cr_assert_eq(got[0], 0x6);
	check_ok();
}
