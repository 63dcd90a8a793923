/* SPDX-License-Identifier: MIT */
/*
 * Faults on file mappings: fault-around (kernel: do_fault_around,
 * filemap_map_pages) where it meets EOF and a PMD that has no PTE table
 * yet, private write faults (do_cow_fault) past EOF, and the large folios
 * readahead makes (a MADV_HUGEPAGE mapping's): how faults map them, how
 * hole punch and MADV_PAGEOUT split them. Every case uses a 2 MiB region
 * of its own, so whether a table exists there is the test's to decide;
 * mm_check (which checks the folios too) runs after each step.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "leakcheck.h"
#include "../../mm/internal.h"
#include "../../mm/mm.h"
#include "../../mm/filemap.h"
#include "../../mm/memory.h"
#include "../../mm/pgtable.h"
#include "../../mm/task.h"

static struct machine *m;
static char dir[] = "/tmp/mmfs-fa.XXXXXX";

#include "mmtest.h"
#include "backingtest.h"

#define PMD(n)	(0x500000000000ULL + (uint64_t)(n) * PMD_SIZE)

/* A load ('r') or store ('w') of [addr, addr + len) by pid 1: 0 or -errno. */
static int touch_mode(uint64_t addr, uint64_t len, int mode)
{
	char why[256];
	uint64_t ret;
	struct mm_call c = { .verb = MMV_TOUCH, .addr = addr, .len = len, .mode = mode };
	int err = mm_syscall(m, 1, &c, &ret, why, sizeof(why));

	check_ok();
	return err;
}

static int touch_err(uint64_t addr, uint64_t len)
{
	return touch_mode(addr, len, 'r');
}

static uint64_t map_prot(uint64_t addr, uint64_t len, const char *path, uint64_t off,
			 uint64_t prot, uint64_t flags)
{
	struct mm_call c = { .verb = MMV_MMAP, .addr = addr, .len = len, .off = off, .fd = -1,
			     .prot = prot, .flags = flags | MM_MAP_FIXED };

	snprintf(c.path, sizeof(c.path), "%s", path);
	return call(1, c);
}

static uint64_t map_at(uint64_t addr, uint64_t len, const char *path, uint64_t off, uint64_t flags)
{
	struct mm_call c = { .verb = MMV_MMAP, .addr = addr, .len = len, .off = off, .fd = -1,
			     .prot = MM_PROT_READ, .flags = flags | MM_MAP_FIXED };

	snprintf(c.path, sizeof(c.path), "%s", path);
	return call(1, c);
}

static void advise(uint64_t addr, uint64_t len, int64_t advice)
{
	call(1, (struct mm_call){ .verb = MMV_MADVISE, .addr = addr, .len = len, .advice = advice });
}

/* Bring pages [first, first + n) of path into the cache without mapping them anywhere. */
static void cache_pages(const char *path, uint64_t first, uint64_t n)
{
	uint64_t a = map_at(PMD(100), n << 12, path, first << 12, MM_MAP_SHARED);

	advise(a, n << 12, MM_MADV_WILLNEED);
	call(1, (struct mm_call){ .verb = MMV_MUNMAP, .addr = a, .len = n << 12 });
}

/* Whether the PTE table covering addr exists. */
static int has_pte_table(uint64_t addr)
{
	struct task *t = find_task_by_pid(m, 1);
	int has;

	machine_lock(m);
	has = pte_lookup(m, t->mm, addr, 0, NULL) != NULL;
	machine_unlock(m);
	return has;
}

static void put_file(const char *name, size_t size)
{
	backing_put(dir, name, size);
}

static void setup(void)
{
	backing_mkdir(dir, "/tmp/mmfs-fa.XXXXXX");
	put_file("f16", 16 << 12);
	put_file("f2", 4096 + 100);
	put_file("f41", (40 << 12) + 1000);
	backing_boot(dir, 1ULL << 30, 1);
}

static void teardown(void)
{
	backing_shutdown(dir);
}

TestSuite(file_fault, .init = setup, .fini = teardown);

/*
 * The window of a fault past EOF holds one cached page, the file's last:
 * with no PTE table in the PMD nothing is mapped and none is allocated;
 * with one there, the page is mapped.
 *
 *	VMA at +0x9000, file pages 10..25:  [10 11 12 13 14 (15)] 16 ...
 *	                                                      ^ cached, EOF after it
 */
Test(file_fault, last_page_first_needs_a_table)
{
	uint64_t a = PMD(1) + 0x9000, b = PMD(2) + 0x9000;

	cache_pages("/f16", 15, 1);
	map_at(a, 64 << 10, "/f16", 10 << 12, MM_MAP_PRIVATE);
	cr_assert_eq(touch_err(a + (6 << 12), 1), -EFAULT);
	cr_assert_eq(usage(1, a).rss, 0);
	cr_assert(!has_pte_table(a));

	call(1, (struct mm_call){ .verb = MMV_MMAP, .addr = PMD(2), .len = 4096, .fd = -1,
		.prot = MM_PROT_READ | MM_PROT_WRITE,
		.flags = MM_MAP_PRIVATE | MM_MAP_ANONYMOUS | MM_MAP_FIXED });
	touch(1, PMD(2), 1, 1);
	map_at(b, 64 << 10, "/f16", 10 << 12, MM_MAP_PRIVATE);
	cr_assert_eq(touch_err(b + (6 << 12), 1), -EFAULT);
	cr_assert_eq(usage(1, b).rss, 4096, "page 15, through the table the anon page made");
}

/* A first cached page before the last one installs the table: both are mapped. */
Test(file_fault, earlier_page_first_maps_to_eof)
{
	uint64_t a = PMD(1) + 0x9000;

	cache_pages("/f16", 14, 2);
	map_at(a, 64 << 10, "/f16", 10 << 12, MM_MAP_PRIVATE);
	cr_assert_eq(touch_err(a + (6 << 12), 1), -EFAULT);
	cr_assert_eq(usage(1, a).rss, 8192);
}

/* A fault that ends in SIGBUS leaves no PTE table behind for a later one to use. */
Test(file_fault, sigbus_allocates_no_table)
{
	uint64_t a = PMD(1);

	map_at(a, 16 << 10, "/f2", 0, MM_MAP_PRIVATE);
	cr_assert_eq(touch_err(a + (2 << 12), 1), -EFAULT);
	cr_assert(!has_pte_table(a));
	cache_pages("/f2", 1, 1);	/* the last page, partial */
	cr_assert_eq(touch_err(a + (2 << 12), 1), -EFAULT);
	cr_assert_eq(usage(1, a).rss, 0);
	cr_assert(!has_pte_table(a));
}

/*
 * A fault that reads its own page (MADV_RANDOM: that page alone): the
 * first pass finds only the last page and maps nothing; the retry finds
 * the faulting page first, installs the table and maps both.
 */
Test(file_fault, retry_maps_the_last_page_too)
{
	uint64_t a = PMD(1);

	cache_pages("/f16", 15, 1);
	map_at(a, 64 << 10, "/f16", 0, MM_MAP_PRIVATE);
	advise(a, 64 << 10, MM_MADV_RANDOM);
	touch(1, a, 1, 0);
	cr_assert_eq(usage(1, a).rss, 8192);
}

/* Shmem is exempt: its last page first in the window is still mapped. */
Test(file_fault, shmem_maps_its_last_page)
{
	uint64_t a = PMD(1), b = PMD(2);

	call(1, (struct mm_call){ .verb = MMV_MMAP, .addr = a, .len = 16 << 10, .fd = -1,
		.prot = MM_PROT_READ | MM_PROT_WRITE,
		.flags = MM_MAP_SHARED | MM_MAP_ANONYMOUS | MM_MAP_FIXED });
	advise(a + (3 << 12), 4096, MM_MADV_POPULATE_WRITE);
	/* a second mapping of the object, twice its size, with no PTEs yet */
	call(1, (struct mm_call){ .verb = MMV_MREMAP, .addr = a, .len = 0, .new_len = 32 << 10,
		.new_addr = b, .flags = MM_MREMAP_MAYMOVE | MM_MREMAP_FIXED });
	cr_assert(!has_pte_table(b));
	cr_assert_eq(touch_err(b + (4 << 12), 1), -EFAULT);
	cr_assert_eq(usage(1, b).rss, 4096);
}

/*
 * A private store past EOF (do_cow_fault) prepares the VMA's anon_vma
 * before it reads the file, so the VMA keeps it after the SIGBUS: an
 * mlocked neighbour that populated the same way then cannot merge with it.
 */
Test(file_fault, cow_fault_past_eof_prepares_anon_vma)
{
	uint64_t a = PMD(1);
	struct task *t = find_task_by_pid(m, 1);

	map_prot(a, 8 << 12, "/f2", 0, MM_PROT_READ | MM_PROT_WRITE, MM_MAP_PRIVATE);
	cr_assert_eq(touch_mode(a + (4 << 12), 1, 'w'), -EFAULT);
	cr_assert_not_null(vma_lookup(t->mm, a)->anon_vma);
	cr_assert_eq(usage(1, a).rss, 0);
}

/* The folio orders of cached pages [first, first + n) of path, as a string ("4444...", "-" uncached). */
static void expect_orders(uint64_t addr, uint64_t first, const char *want)
{
	struct task *t = find_task_by_pid(m, 1);
	struct file_ref *inode;
	char got[64] = "";
	size_t n = strlen(want);

	machine_lock(m);
	inode = file_inode(vma_lookup(t->mm, addr)->vm_file);
	for (size_t i = 0; i < n && i < sizeof(got) - 1; i++) {
		struct page *p = filemap_find_page(inode, first + i);

		got[i] = p ? (char)('0' + folio_order(p)) : '-';
	}
	machine_unlock(m);
	cr_assert_str_eq(got, want);
}

static void hugepage_mapping(uint64_t a, uint64_t len, const char *path, uint64_t prot, uint64_t flags)
{
	map_prot(a, len, path, 0, prot, flags);
	advise(a, len, MM_MADV_HUGEPAGE);
}

/*
 * A MADV_HUGEPAGE mapping's first fault reads a PMD-aligned block in
 * folios as large as alignment and EOF allow (16 pages: one order-4
 * folio), and finish_fault maps the whole folio. In a fresh PMD, a fault
 * past EOF then maps nothing: the window's first folio reaches EOF.
 */
Test(file_fault, hugepage_folio_mapped_whole)
{
	uint64_t a = PMD(1), b = PMD(2) + 0x9000;

	hugepage_mapping(a, 16 << 12, "/f16", MM_PROT_READ, MM_MAP_SHARED);
	touch(1, a + (3 << 12), 1, 0);
	cr_assert_eq(usage(1, a).rss, 64 << 10);
	expect_orders(a, 0, "4444444444444444");
	map_at(b, 64 << 10, "/f16", 10 << 12, MM_MAP_PRIVATE);
	cr_assert_eq(touch_err(b + (6 << 12), 1), -EFAULT);
	cr_assert_eq(usage(1, b).rss, 0);
}

/*
 * 41 pages read as folios 0-31, 32-39 and 40. The fault at page 0 maps
 * the whole first folio, half of it past the 64 KiB window.
 */
Test(file_fault, hugepage_folio_beyond_the_window)
{
	uint64_t a = PMD(1);

	hugepage_mapping(a, 41 << 12, "/f41", MM_PROT_READ, MM_MAP_PRIVATE);
	touch(1, a, 1, 0);
	cr_assert_eq(usage(1, a).rss, 32 << 12);
	expect_orders(a, 30, "55333333330");
}

/*
 * A VMA of 4 pages over a 16-page folio that reaches EOF: the retried
 * fault's fault-around maps nothing (no PTE table, last page in the first
 * folio), and finish_fault maps the faulting page alone (the folio does
 * not fit the VMA).
 */
Test(file_fault, folio_larger_than_the_vma)
{
	uint64_t a = PMD(1);

	hugepage_mapping(a, 4 << 12, "/f16", MM_PROT_READ, MM_MAP_PRIVATE);
	touch(1, a, 1, 0);
	cr_assert_eq(usage(1, a).rss, 4096);
	expect_orders(a, 0, "4444");
}

/*
 * A hole punched inside a folio splits it where the hole starts and where
 * it ends (0-15, hole 2-4: 0-1, 2, 3, 4, 5, 6-7, 8-15); the pieces in the
 * hole go, and the split unmapped the whole folio. A dirty folio cannot
 * be split: it only leaves the mappings and stays, zeroed in the hole.
 */
Test(file_fault, hole_punch_splits_a_folio)
{
	uint64_t a = PMD(1), b = PMD(2);

	hugepage_mapping(a, 16 << 12, "/f16", MM_PROT_READ | MM_PROT_WRITE, MM_MAP_SHARED);
	touch(1, a, 1, 0);
	advise(a + (2 << 12), 3 << 12, MM_MADV_REMOVE);
	expect_orders(a, 0, "11---0113333333");
	cr_assert_eq(usage(1, a).rss, 0);

	hugepage_mapping(b, 41 << 12, "/f41", MM_PROT_READ | MM_PROT_WRITE, MM_MAP_SHARED);
	touch(1, b, 1, 0);
	touch(1, b + (33 << 12), 1, 1);	/* folio 32-39, mapped whole, is dirty now */
	cr_assert_eq(usage(1, b).rss, 40 << 12);
	advise(b + (30 << 12), 4 << 12, MM_MADV_REMOVE);
	expect_orders(b, 28, "11--33333333");
	cr_assert_eq(usage(1, b).rss, 0, "both folios left every mapping");
}

/*
 * MADV_PAGEOUT of part of a clean folio splits it, which unmaps it all:
 * nothing is mapped in the range any more, so nothing is reclaimed. Of a
 * folio the range maps whole, the whole folio is reclaimed.
 */
Test(file_fault, pageout_of_part_of_a_folio)
{
	uint64_t a = PMD(1);

	hugepage_mapping(a, 16 << 12, "/f16", MM_PROT_READ, MM_MAP_SHARED);
	touch(1, a, 1, 0);
	advise(a, 4 << 12, MM_MADV_PAGEOUT);
	cr_assert_eq(usage(1, a).rss, 0);
	expect_orders(a, 0, "0000000000000000");
	touch(1, a, 1, 0);	/* fault-around maps the 16 single pages */
	cr_assert_eq(usage(1, a).rss, 64 << 10);
	advise(a, 16 << 12, MM_MADV_PAGEOUT);
	expect_orders(a, 0, "----------------");
}

/* Whether the cached page of the VMA at addr is mlocked. */
static int page_mlocked_at(uint64_t addr)
{
	struct task *t = find_task_by_pid(m, 1);
	pte_t *pte;
	int locked;

	machine_lock(m);
	pte = pte_lookup(m, t->mm, addr, 0, NULL);
	locked = PageFlag(pfn_to_page(m, pte_pfn(*pte)), PG_mlocked);
	machine_unlock(m);
	return locked;
}

/*
 * A page stays mlocked while a VM_LOCKED VMA maps it (folio->mlock_count):
 * unmapping one locked mapping of it keeps it locked if another locked
 * one remains, and makes it evictable if only unlocked ones remain, so
 * that MADV_PAGEOUT through those then reclaims it.
 */
Test(file_fault, unmap_of_a_locked_mapping_munlocks)
{
	uint64_t a = PMD(1), b = PMD(2), c = PMD(3);

	map_at(a, 4 << 12, "/f16", 0, MM_MAP_SHARED);
	advise(a, 4 << 12, MM_MADV_RANDOM);
	touch(1, a, 1, 0);
	map_at(b, 4 << 12, "/f16", 0, MM_MAP_SHARED | MM_MAP_LOCKED);
	map_at(c, 4 << 12, "/f16", 0, MM_MAP_SHARED | MM_MAP_LOCKED);
	cr_assert(page_mlocked_at(a));
	call(1, (struct mm_call){ .verb = MMV_MUNMAP, .addr = c, .len = 4 << 12 });
	cr_assert(page_mlocked_at(a), "b still locks it");
	call(1, (struct mm_call){ .verb = MMV_MUNMAP, .addr = b, .len = 4 << 12 });
	cr_assert(!page_mlocked_at(a));
	advise(a, 4 << 12, MM_MADV_PAGEOUT);
	cr_assert_eq(usage(1, a).rss, 0);
}

/* Whether cached page index of the file the VMA at addr maps is a readahead marker. */
static int marked(uint64_t addr, uint64_t index)
{
	struct task *t = find_task_by_pid(m, 1);
	struct page *p;
	int flag;

	machine_lock(m);
	p = filemap_find_page(file_inode(vma_lookup(t->mm, addr)->vm_file), index);
	flag = p && PageFlag(p, PG_readahead);
	machine_unlock(m);
	return flag;
}

/*
 * A populate fault that read its page starts over as a new fault
 * (populate_vma_page_range), which finds the marker its own readahead put
 * on that page and starts async readahead, clearing it; MADV_POPULATE_READ
 * retries with FAULT_FLAG_TRIED and leaves the marker. (Readahead window
 * 32 pages: the first window reads 0-31 with the marker at 24; a fault at
 * 33 reads 17-40 around it, where only 32-40 are new, marker at 33.)
 */
Test(file_fault, populate_retries_as_a_new_fault)
{
	uint64_t a = PMD(1), b = PMD(2), c = PMD(3);
	char why[128];

	map_at(a, 36 << 12, "/f41", 7 << 12, MM_MAP_PRIVATE);
	touch(1, a + (3 << 12), 1, 0);
	cr_assert(marked(a, 24));
	map_at(b, 8 << 12, "/f41", 33 << 12, MM_MAP_SHARED);
	advise(b, 8 << 12, MM_MADV_POPULATE_READ);
	cr_assert(marked(a, 33), "the retry with FAULT_FLAG_TRIED left it");
	call(1, (struct mm_call){ .verb = MMV_MUNMAP, .addr = b, .len = 8 << 12 });
	call(1, (struct mm_call){ .verb = MMV_MUNMAP, .addr = a, .len = 36 << 12 });
	cr_assert_eq(mm_drop_caches(m, 1, why, sizeof(why)), 0);

	map_at(a, 36 << 12, "/f41", 7 << 12, MM_MAP_PRIVATE);
	touch(1, a + (3 << 12), 1, 0);
	map_at(c, 8 << 12, "/f41", 33 << 12, MM_MAP_SHARED | MM_MAP_POPULATE);
	cr_assert(!marked(a, 33), "the new fault started async readahead");
	cr_assert_eq(usage(1, c).rss, 8 << 12);
}

/*
 * mremap gives the new range a PTE table where the old range had one,
 * even with no PTE set there (move_page_tables): a fault past EOF there
 * then maps the cached last page, as it would where the table was.
 */
Test(file_fault, mremap_moves_the_table_too)
{
	uint64_t a = PMD(1), b = PMD(2) + 0x9000;

	map_at(a, 16 << 12, "/f16", 8 << 12, MM_MAP_PRIVATE);
	touch(1, a, 1, 0);	/* maps 8-15: a table in PMD(1) */
	advise(a + (6 << 12), 10 << 12, MM_MADV_DONTNEED);
	call(1, (struct mm_call){ .verb = MMV_MREMAP, .addr = a + (7 << 12), .len = 9 << 12,
		.new_len = 9 << 12, .new_addr = b, .flags = MM_MREMAP_MAYMOVE | MM_MREMAP_FIXED });
	cr_assert(has_pte_table(b));
	cr_assert_eq(touch_err(b + 4096, 1), -EFAULT);
	cr_assert_eq(usage(1, b).rss, 4096, "page 15");
}

/*
 * A folio is dirty as a whole (folio_mark_dirty): a store to one page of
 * a 16-page folio makes Dirty 64 kB, and writeback of any page of it
 * (msync MS_SYNC of that page) writes and cleans all of it. MS_ASYNC
 * writes nothing.
 */
Test(file_fault, a_folio_is_dirty_as_a_whole)
{
	uint64_t a = PMD(1);
	struct mm_global_snap *g;

	hugepage_mapping(a, 16 << 12, "/f16", MM_PROT_READ | MM_PROT_WRITE, MM_MAP_SHARED);
	touch(1, a + (5 << 12), 1, 1);
	g = mm_snap_global(m);
	cr_assert_eq(g->meminfo[MI_DIRTY], 64);
	free(g);
	call(1, (struct mm_call){ .verb = MMV_MSYNC, .addr = a, .len = 4096, .flags = MM_MS_ASYNC });
	g = mm_snap_global(m);
	cr_assert_eq(g->meminfo[MI_DIRTY], 64);
	free(g);
	call(1, (struct mm_call){ .verb = MMV_MSYNC, .addr = a, .len = 4096, .flags = MM_MS_SYNC });
	g = mm_snap_global(m);
	cr_assert_eq(g->meminfo[MI_DIRTY], 0);
	free(g);
}

/*
 * The hardening issue's example: a 32 KiB file written in one write(2) is
 * one folio (ext4's write_begin sizes it to the write), so a fault past
 * EOF in a fresh PMD, whose window holds pages 6 and 7, maps nothing (Rss
 * 0, as on the host); written 4 KiB at a time, it is eight single pages
 * and the fault maps 6 and 7.
 */
Test(file_fault, issue_example_written_file)
{
	static char data[32 << 10];
	uint64_t a = PMD(1) + 0x29000, b = PMD(2) + 0x29000;

	memset(data, 'w', sizeof(data));
	put_file("w1", 0);
	put_file("w8", 0);
	cr_assert_eq(mm_file_write(m, "/w1", 0, data, sizeof(data)), (long)sizeof(data));
	for (int i = 0; i < 8; i++)
		cr_assert_eq(mm_file_write(m, "/w8", (uint64_t)i << 12, data, 4096), 4096);
	map_prot(a, 64 << 10, "/w1", 24576, MM_PROT_READ | MM_PROT_WRITE, MM_MAP_PRIVATE);
	expect_orders(a, 0, "33333333");
	cr_assert_eq(touch_err(a + 0x6000, 8192), -EFAULT);
	cr_assert_eq(usage(1, a).rss, 0);
	map_prot(b, 64 << 10, "/w8", 24576, MM_PROT_READ | MM_PROT_WRITE, MM_MAP_PRIVATE);
	cr_assert_eq(touch_err(b + 0x6000, 8192), -EFAULT);
	cr_assert_eq(usage(1, b).rss, 8192);
}

/*
 * MADV_PAGEOUT unmaps a dirty file page but cannot write it: reclaim
 * marks it PG_reclaim, which is the PG_readahead bit, so fault-around
 * skips it until writeback ends (msync) and clears the bit.
 */
Test(file_fault, dirty_page_out_is_marked_for_reclaim)
{
	uint64_t a = PMD(1);

	map_prot(a, 16 << 12, "/f16", 0, MM_PROT_READ | MM_PROT_WRITE, MM_MAP_SHARED);
	touch_mode(a + (3 << 12), 1, 'w');
	advise(a, 16 << 12, MM_MADV_PAGEOUT);
	cr_assert(marked(a, 3));
	touch(1, a, 1, 0);
	cr_assert_eq(usage(1, a).rss, 15 << 12, "all but the dirty page 3");
	call(1, (struct mm_call){ .verb = MMV_MSYNC, .addr = a, .len = 16 << 12, .flags = MM_MS_SYNC });
	cr_assert(!marked(a, 3));
	advise(a, 16 << 12, MM_MADV_DONTNEED);
	touch(1, a, 1, 0);
	cr_assert_eq(usage(1, a).rss, 16 << 12);
}
