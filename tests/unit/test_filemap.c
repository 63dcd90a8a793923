/* SPDX-License-Identifier: MIT */
/*
 * The page cache from outside (mm_file_read/write/truncate), its coherence
 * with simulated mappings, holes, fsync and msync (test_filemap_wb.c has
 * the flusher, unmount and names). Every byte is checked against the
 * backing file; mm_check runs after every step.
 */
#include "filemaptest.h"

/* Reads come from the backing file through the cache; writes stay in it until fsync. */
Test(filemap, read_write_round_trip)
{
	char buf[64] = "";
	int64_t in0 = event(PGPGIN), dirtied0 = nodestat(NR_DIRTIED);
	uint64_t cached0 = meminfo(MI_CACHED);

	put_host("f", "hello, page cache", 17);
	expect_file("/f", 0, "hello, page cache");
	cr_assert_eq(event(PGPGIN) - in0, 4);
	cr_assert_eq(meminfo(MI_CACHED) - cached0, 4);
	/* never past EOF */
	cr_assert_eq(mm_file_read(m, "/f", 7, buf, sizeof(buf)), 10);
	cr_assert_eq(mm_file_read(m, "/f", 17, buf, sizeof(buf)), 0);
	cr_assert_eq(mm_file_read(m, "/f", 4096, buf, sizeof(buf)), 0);

	file_write("/f", 7, "PAGE");
	expect_file("/f", 0, "hello, PAGE cache");
	cr_assert_eq(meminfo(MI_DIRTY), 4);
	cr_assert_eq(nodestat(NR_DIRTIED) - dirtied0, 1);
	memset(buf, 0, sizeof(buf));
	cr_assert_eq(get_host("f", 0, buf, 17), 17);
	cr_assert(!memcmp(buf, "hello, page cache", 17));	/* not written back yet */

	int64_t out0 = event(PGPGOUT), written0 = nodestat(NR_WRITTEN);

	cr_assert_eq(mm_file_fsync(m, "/f"), 0);
	check_ok();
	cr_assert_eq(get_host("f", 0, buf, 17), 17);
	cr_assert(!memcmp(buf, "hello, PAGE cache", 17));
	cr_assert_eq(meminfo(MI_DIRTY), 0);
	cr_assert_eq(meminfo(MI_WRITEBACK), 0);
	cr_assert_eq(event(PGPGOUT) - out0, 4);
	cr_assert_eq(nodestat(NR_WRITTEN) - written0, 1);

	cr_assert_eq(mm_file_read(m, "/nothere", 0, buf, 1), -ENOENT);
	cr_assert_eq(mm_file_write(m, "/", 0, "x", 1), -EISDIR);
	cr_assert_eq(mm_file_truncate(m, "/nothere", 0), -ENOENT);
}

/* A write past EOF grows the backing file at once; the gap reads as zeros. */
Test(filemap, write_extends_file)
{
	char buf[16], zeros[16] = { 0 };
	struct stat st;

	put_host("g", "abc", 3);
	file_write("/g", 8192 + 10, "tail");
	cr_assert_eq(stat(host("g"), &st), 0);
	cr_assert_eq(st.st_size, 8192 + 14);
	expect_file("/g", 0, "abc");
	cr_assert_eq(mm_file_read(m, "/g", 3, buf, sizeof(buf)), (long)sizeof(buf));
	cr_assert(!memcmp(buf, zeros, sizeof(buf)));
	expect_file("/g", 8192 + 10, "tail");
	cr_assert_eq(mm_file_read(m, "/g", 8192 + 10, buf, sizeof(buf)), 4);
	cr_assert_eq(meminfo(MI_DIRTY), 4);	/* only the page written to */
	cr_assert_eq(mm_file_fsync(m, "/g"), 0);
	cr_assert_eq(get_host("g", 8192 + 10, buf, 4), 8192 + 14);
	cr_assert(!memcmp(buf, "tail", 4));

	/* a full page over a hole is not read first */
	char page[4096];
	int64_t in0 = event(PGPGIN);

	memset(page, 'z', sizeof(page));
	cr_assert_eq(mm_file_write(m, "/g", 4096, page, sizeof(page)), 4096);
	check_ok();
	cr_assert_eq(event(PGPGIN), in0);
	expect_file("/g", 8190, "zz");
}

/* The cache page is the mapped page: both sides see each other's stores at once. */
Test(filemap, shared_mapping_coherence)
{
	char buf[16] = "";
	uint64_t a;

	put_host("s", "0123456789", 10);
	a = map_file(1, "/s", 4096, MM_MAP_SHARED);
	touch(1, a, 1, 0);
	file_write("/s", 2, "AB");
	mem_rw(1, a, buf, 6, 0);
	cr_assert_str_eq(buf, "01AB45");
	mem_rw(1, a + 6, "xy", 2, 1);
	expect_file("/s", 0, "01AB45xy89");
	cr_assert_eq(meminfo(MI_DIRTY), 4);
	cr_assert_eq(mm_sync(m, NULL, 0), 0);
	check_ok();
	cr_assert_eq(get_host("s", 0, buf, 8), 10);
	cr_assert(!memcmp(buf, "01AB45xy", 8));
	/* a store through the mapping after writeback: dirty again, counted once */
	int64_t dirtied0 = nodestat(NR_DIRTIED);

	touch(1, a + 8, 1, 1);
	touch(1, a + 9, 1, 1);
	cr_assert_eq(nodestat(NR_DIRTIED) - dirtied0, 1);
	cr_assert_eq(meminfo(MI_DIRTY), 4);
}

/* A private mapping copies on write: the file and the cache never see its stores. */
Test(filemap, private_cow_stays_private)
{
	char buf[16] = "";
	uint64_t a;

	put_host("p", "original", 8);
	a = map_file(1, "/p", 4096, MM_MAP_PRIVATE);
	touch(1, a, 1, 0);
	mem_rw(1, a, "PRIV", 4, 1);
	mem_rw(1, a, buf, 8, 0);
	cr_assert_str_eq(buf, "PRIVinal");
	expect_file("/p", 0, "original");
	cr_assert_eq(meminfo(MI_DIRTY), 0);
	cr_assert_eq(mm_sync(m, NULL, 0), 0);
	get_host("p", 0, buf, 8);
	cr_assert(!memcmp(buf, "original", 8));
	/* a write() after the COW does not reach the private copy */
	file_write("/p", 0, "NEW!");
	mem_rw(1, a, buf, 8, 0);
	cr_assert(!memcmp(buf, "PRIVinal", 8));
}

/* Two processes sharing the same file pages: Pss is half of Rss for each. */
Test(filemap, two_mappers_split_pss)
{
	char big[4 * 4096], why[128];
	uint64_t a, b;
	int p2;

	memset(big, 'q', sizeof(big));
	put_host("two", big, sizeof(big));
	cr_assert_eq(mm_spawn(m, "other", &p2, why, sizeof(why)), 0, "%s", why);
	a = map_file(1, "/two", sizeof(big), MM_MAP_SHARED);
	b = map_file(p2, "/two", sizeof(big), MM_MAP_SHARED);
	touch(1, a, sizeof(big), 0);
	touch(p2, b, sizeof(big), 0);
	cr_assert_eq(vma_at(1, a).u.rss, 16 << 10);
	cr_assert_eq(vma_at(1, a).u.pss >> MM_PSS_SHIFT, 8 << 10);
	cr_assert_eq(vma_at(p2, b).u.pss >> MM_PSS_SHIFT, 8 << 10);
	cr_assert_eq(vma_at(1, a).u.shared_clean, 16 << 10);
	/* one store: the other process sees it, and the page is Shared_Dirty for both */
	mem_rw(p2, b + 4096, "!", 1, 1);
	char c = 0;

	mem_rw(1, a + 4096, &c, 1, 0);
	cr_assert_eq(c, '!');
	cr_assert_eq(vma_at(1, a).u.shared_dirty, 4 << 10);
	cr_assert_eq(vma_at(p2, b).u.shared_dirty, 4 << 10);
}

/* Shrinking unmaps the pages past EOF everywhere; touching them is SIGBUS (EFAULT). */
Test(filemap, truncate_unmaps_and_zeroes_tail)
{
	char big[4 * 4096], buf[4096];
	uint64_t a, p;
	int64_t mapped0;

	memset(big, 'w', sizeof(big));
	put_host("t", big, sizeof(big));
	a = map_file(1, "/t", sizeof(big), MM_MAP_SHARED);
	p = map_file(1, "/t", sizeof(big), MM_MAP_PRIVATE);
	touch(1, a, sizeof(big), 0);
	touch(1, p + 3 * 4096, 1, 1);	/* a private COW copy of the last page */
	file_write("/t", 3 * 4096, "dirty page");	/* a dirty page that will go */
	cr_assert_eq(vma_at(1, a).u.rss, 16 << 10);
	mapped0 = nodestat(NR_MAPPED);

	cr_assert_eq(mm_file_truncate(m, "/t", 4096 + 100), 0);
	check_ok();
	cr_assert_eq(get_host("t", 0, buf, 1), 4096 + 100);
	cr_assert_eq(vma_at(1, a).u.rss, 8 << 10);
	cr_assert_eq(vma_at(1, p).u.rss, 0);	/* even the COW copy: SIGBUS there too */
	cr_assert_eq(nodestat(NR_MAPPED), mapped0 - 2);
	cr_assert_eq(touch_err(1, a + 2 * 4096, 1, 0), -EFAULT);
	cr_assert_eq(touch_err(1, p + 3 * 4096, 1, 0), -EFAULT);
	check_ok();
	/* the partial page's tail is zero in the cache (the mapping sees it) and dirty */
	mem_rw(1, a + 4096 + 98, buf, 4, 0);
	cr_assert(!memcmp(buf, "ww\0\0", 4));
	cr_assert_eq(meminfo(MI_DIRTY), 4);
	cr_assert_eq(mm_file_read(m, "/t", 4096, buf, sizeof(buf)), 100);
	/* growing again: zeros, not the old bytes */
	cr_assert_eq(mm_file_truncate(m, "/t", 3 * 4096), 0);
	check_ok();
	cr_assert_eq(mm_file_read(m, "/t", 4096 + 100, buf, 8), 8);
	cr_assert(!memcmp(buf, "\0\0\0\0\0\0\0\0", 8));
	touch(1, a + 2 * 4096, 1, 0);
	cr_assert_eq(mm_sync(m, NULL, 0), 0);
	cr_assert_eq(get_host("t", 4096 + 96, buf, 8), 3 * 4096);
	cr_assert(!memcmp(buf, "wwww\0\0\0\0", 8));
}

/*
 * open(O_TRUNC) through a process (handle_truncate) empties the cache and
 * unmaps the pages from every mapper, as a truncate to 0 does: once, the
 * model left them cached past the new EOF and check failed.
 */
Test(filemap, open_trunc_drops_the_cache)
{
	char big[3 * 4096];
	struct mm_call c = { .verb = MMV_OPEN, .flags = MM_O_WRONLY | MM_O_TRUNC };
	uint64_t a, fd;

	memset(big, 'q', sizeof(big));
	put_host("o", big, sizeof(big));
	a = map_file(1, "/o", sizeof(big), MM_MAP_SHARED);
	touch(1, a, sizeof(big), 0);
	file_write("/o", 4096, "dirty");
	cr_assert_eq(vma_at(1, a).u.rss, 12 << 10);
	strcpy(c.path, "/o");
	fd = call(1, c);
	cr_assert_eq(meminfo(MI_CACHED), 0);
	cr_assert_eq(meminfo(MI_DIRTY), 0);
	cr_assert_eq(vma_at(1, a).u.rss, 0);
	cr_assert_eq(touch_err(1, a, 1, 0), -EFAULT);
	cr_assert_eq(get_host("o", 0, big, 1), 0);
	call(1, (struct mm_call){ .verb = MMV_CLOSE, .fd = (int32_t)fd });
}

/*
 * mmap of MAP_ANONYMOUS|MAP_HUGETLB naming a file (the shell form opens it
 * first) ignores the file, as ksys_mmap_pgoff does, and drops it whatever
 * the outcome: the empty pool's ENOMEM once leaked the open file.
 */
Test(filemap, hugetlb_anon_with_a_file_name)
{
	struct mm_call c = { .verb = MMV_MMAP, .len = 4096, .fd = -1, .prot = MM_PROT_READ,
			     .flags = MM_MAP_PRIVATE | MM_MAP_ANONYMOUS | MM_MAP_HUGETLB };

	long live;

	put_host("small", "x", 1);
	cr_assert_eq(mm_file_read(m, "/small", 0, &live, 1), 1);	/* its inode exists */
	live = file_refs_live;
	strcpy(c.path, "small");
	cr_assert_eq(call_err(1, c, NULL), -ENOMEM);
	check_ok();
	cr_assert_eq(file_refs_live, live, "file_refs: %ld before, %ld after", live, file_refs_live);
}

/*
 * MADV_REMOVE punches a hole: the file's bytes become zeros (in the cache
 * and the backing file, size kept), the cache pages leave every mapping,
 * dirty ones unwritten, but a private mapper's COW copy stays.
 */
Test(filemap, madvise_remove_punches_a_hole)
{
	char big[4 * 4096], buf[8];
	uint64_t a, p;

	memset(big, 'h', sizeof(big));
	put_host("h", big, sizeof(big));
	a = map_file(1, "/h", sizeof(big), MM_MAP_SHARED);
	p = map_file(1, "/h", sizeof(big), MM_MAP_PRIVATE);
	touch(1, a, sizeof(big), 0);
	touch(1, p + 4096, 4096, 0);	/* cache pages, mapped privately (fault-around: all 4) */
	mem_rw(1, p + 2 * 4096, "COW", 3, 1);	/* a private copy */
	mem_rw(1, a + 4096, "D", 1, 1);	/* a dirty page that will go */
	cr_assert_eq(vma_at(1, p).u.rss, 16 << 10);

	call(1, (struct mm_call){ .verb = MMV_MADVISE, .addr = a + 4096, .len = 2 * 4096,
				  .advice = MM_MADV_REMOVE });
	cr_assert_eq(vma_at(1, a).u.rss, 8 << 10);
	cr_assert_eq(vma_at(1, p).u.rss, 12 << 10, "the COW copy stays, cache page 1 goes");
	cr_assert_eq(meminfo(MI_DIRTY), 0);
	cr_assert_eq(get_host("h", 4096, buf, 8), (long)sizeof(big));
	cr_assert(!memcmp(buf, "\0\0\0\0\0\0\0\0", 8));
	get_host("h", 3 * 4096, buf, 8);
	cr_assert(!memcmp(buf, "hhhhhhhh", 8));
	mem_rw(1, a + 4096, buf, 8, 0);
	cr_assert(!memcmp(buf, "\0\0\0\0\0\0\0\0", 8));
	mem_rw(1, p + 2 * 4096, buf, 4, 0);
	cr_assert(!memcmp(buf, "COWh", 4));
	cr_assert_eq(mm_sync(m, NULL, 0), 0);
	get_host("h", 4096, buf, 8);
	cr_assert(!memcmp(buf, "\0\0\0\0\0\0\0\0", 8), "the dirty page was never written");
}

/*
 * msync MS_SYNC writes the mapping's dirty pages; MS_ASYNC writes nothing
 * (Linux since 2.6.19: the flusher will); MS_INVALIDATE of a locked one is
 * EBUSY.
 */
Test(filemap, msync_reaches_backing_file)
{
	char big[2 * 4096], buf[4];
	uint64_t a;

	memset(big, '.', sizeof(big));
	put_host("ms", big, sizeof(big));
	a = map_file(1, "/ms", sizeof(big), MM_MAP_SHARED);
	touch(1, a, sizeof(big), 1);
	mem_rw(1, a + 4096, "SYNC", 4, 1);
	mem_rw(1, a, "ASYN", 4, 1);
	call(1, (struct mm_call){ .verb = MMV_MSYNC, .addr = a + 4096, .len = 4096, .flags = MM_MS_SYNC });
	cr_assert_eq(meminfo(MI_DIRTY), 4);	/* only the page asked for */
	get_host("ms", 4096, buf, 4);
	cr_assert(!memcmp(buf, "SYNC", 4));
	get_host("ms", 0, buf, 4);
	cr_assert(!memcmp(buf, "....", 4));
	call(1, (struct mm_call){ .verb = MMV_MSYNC, .addr = a, .len = 4096, .flags = MM_MS_ASYNC });
	cr_assert_eq(meminfo(MI_DIRTY), 4);
	get_host("ms", 0, buf, 4);
	cr_assert(!memcmp(buf, "....", 4), "MS_ASYNC wrote");
	call(1, (struct mm_call){ .verb = MMV_MSYNC, .addr = a, .len = 4096, .flags = MM_MS_SYNC });
	cr_assert_eq(meminfo(MI_DIRTY), 0);
	get_host("ms", 0, buf, 4);
	cr_assert(!memcmp(buf, "ASYN", 4));
	/* the PTEs were cleaned: the next store dirties again */
	touch(1, a, 1, 1);
	cr_assert_eq(meminfo(MI_DIRTY), 4);
	call(1, (struct mm_call){ .verb = MMV_MLOCK, .addr = a, .len = 4096 });
	cr_assert_eq(call_err(1, (struct mm_call){ .verb = MMV_MSYNC, .addr = a, .len = 4096,
						  .flags = MM_MS_INVALIDATE }, NULL), -EBUSY);
}

/*
 * What reclaim leaves survives drop_caches: MADV_PAGEOUT evicts the four
 * pages of a private mapping with a shadow entry each; drop_caches 3 drops
 * pages, not shadows, so the xarray keeps its node (Linux's shadow-node
 * shrinker leaves node_present_pages / 8 of them) and the inode, not
 * shrinkable while it holds more than one shadow, stays cached. fuzz_model's
 * boot-state check relies on exactly this (shadow-nodes-survive-drop-caches).
 */
Test(filemap, shadows_keep_their_node_and_inode_through_drop_caches)
{
	struct kmem_cache_node *xa = &m->slab_caches[KMEM_RADIX_TREE_NODE]->node[0];
	struct kmem_cache_node *ino = &m->slab_caches[KMEM_EXT4_INODE]->node[0];
	uint64_t xa0 = xa->inuse, ino0 = ino->inuse, addr;
	char page[4 * 4096], why[64];

	memset(page, 'x', sizeof(page));
	put_host("f", page, sizeof(page));
	addr = map_file(1, "/f", sizeof(page), MM_MAP_PRIVATE);
	touch(1, addr, sizeof(page), 0);
	cr_assert_eq(xa->inuse, xa0 + 1, "four pages: one node");
	cr_assert_eq(ino->inuse, ino0 + 1);
	call(1, (struct mm_call){ .verb = MMV_MADVISE, .addr = addr, .len = sizeof(page),
				  .advice = MM_MADV_PAGEOUT });
	call(1, (struct mm_call){ .verb = MMV_MUNMAP, .addr = addr, .len = sizeof(page) });
	for (int mode = 3; mode >= 2; mode--) {
		cr_assert_eq(mm_drop_caches(m, mode, why, sizeof(why)), 0, "%s", why);
		cr_assert_eq(mm_drop_caches(m, 2, why, sizeof(why)), 0, "%s", why);
		check_ok();
	}
	cr_assert_eq(meminfo(MI_CACHED), 0);
	cr_assert_eq(xa->inuse, xa0 + 1, "four shadows: still one node");
	cr_assert_eq(ino->inuse, ino0 + 1, "the shadows pin the inode");
	/* a truncate takes the shadows: node and inode can go */
	cr_assert_eq(mm_file_truncate(m, "/f", 0), 0);
	cr_assert_eq(mm_drop_caches(m, 2, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(mm_drop_caches(m, 2, why, sizeof(why)), 0, "%s", why);
	check_ok();
	cr_assert_eq(xa->inuse, xa0);
	cr_assert_eq(ino->inuse, ino0);
}
