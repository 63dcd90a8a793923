/* SPDX-License-Identifier: MIT */
/*
 * The page cache's writeback and names: the flusher's expiry and background
 * threshold, drop_caches, unmount, the notify hook, rename and unlink, and
 * reads larger than RAM. Every byte is checked against the backing file;
 * mm_check runs after every step (filemaptest.h).
 */
#include "filemaptest.h"

/* Periodic writeback: pages older than dirty_expire_centisecs go at a flusher wakeup. */
Test(filemap, flusher_writes_back_expired_pages)
{
	char buf[4];
	uint64_t anon;
	int n;

	put_host("e", "....", 4);
	anon = call(1, (struct mm_call){ .verb = MMV_MMAP, .len = 4096, .fd = -1,
		.prot = MM_PROT_READ, .flags = MM_MAP_PRIVATE | MM_MAP_ANONYMOUS });
	/* defaults (30 s expiry): 100 commands later the page is still dirty */
	file_write("/e", 0, "old!");
	for (n = 0; n < 100; n++)
		touch(1, anon, 1, 0);
	cr_assert_eq(meminfo(MI_DIRTY), 4);

	tunable("dirty_writeback_centisecs", "1");	/* wake every 10 ms */
	tunable("dirty_expire_centisecs", "2");		/* 20 ms = 20 commands */
	cr_assert_eq(mm_file_fsync(m, "/e"), 0);
	file_write("/e", 0, "new!");
	for (n = 0; n < 19; n++)
		touch(1, anon, 1, 0);
	cr_assert_eq(meminfo(MI_DIRTY), 4, "written back after %d commands", n);
	get_host("e", 0, buf, 4);
	cr_assert(!memcmp(buf, "old!", 4));
	for (n = 0; n < 10 && meminfo(MI_DIRTY); n++)
		touch(1, anon, 1, 0);
	cr_assert_eq(meminfo(MI_DIRTY), 0);
	get_host("e", 0, buf, 4);
	cr_assert(!memcmp(buf, "new!", 4));
	/* 0 turns periodic writeback off */
	tunable("dirty_writeback_centisecs", "0");
	file_write("/e", 0, "off!");
	for (n = 0; n < 50; n++)
		touch(1, anon, 1, 0);
	cr_assert_eq(meminfo(MI_DIRTY), 4);
}

/* Background writeback: above the background threshold, the oldest pages go first. */
Test(filemap, flusher_background_threshold)
{
	char page[4096], buf[1];

	memset(page, 'b', sizeof(page));
	put_host("bg", "", 0);
	tunable("dirty_background_bytes", "8192");	/* 2 pages */
	for (int i = 0; i < 5; i++) {
		page[0] = (char)('0' + i);
		cr_assert_eq(mm_file_write(m, "/bg", (uint64_t)i * 4096, page, sizeof(page)), 4096);
		check_ok();
	}
	cr_assert_eq(meminfo(MI_DIRTY), 8);
	for (int i = 0; i < 5; i++) {
		get_host("bg", (uint64_t)i * 4096, buf, 1);
		cr_assert_eq(buf[0], i < 3 ? '0' + i : 0, "page %d", i);
	}
}

/* drop_caches 1 drops clean unmapped pages only: Cached falls by exactly those. */
Test(filemap, drop_caches_figures)
{
	char big[8 * 4096], why[64];
	uint64_t cached0 = meminfo(MI_CACHED), a;

	memset(big, 'd', sizeof(big));
	put_host("d1", big, sizeof(big));
	put_host("d2", big, 4096);
	cr_assert_eq(mm_file_read(m, "/d1", 0, big, sizeof(big)), (long)sizeof(big));
	a = map_file(1, "/d2", 4096, MM_MAP_SHARED);
	touch(1, a, 1, 0);
	file_write("/d1", 0, "dirty");
	cr_assert_eq(meminfo(MI_CACHED) - cached0, 9 * 4);
	cr_assert_eq(mm_drop_caches(m, 1, why, sizeof(why)), 0);
	check_ok();
	/* the dirty page of d1 and the mapped page of d2 stay */
	cr_assert_eq(meminfo(MI_CACHED) - cached0, 2 * 4);
	expect_file("/d1", 0, "dirtyddd");
}

/* Unmount writes every dirty page back: nothing is lost. */
Test(filemap, shutdown_writes_back)
{
	char buf[8];
	uint64_t a;

	put_host("u", "........", 8);
	a = map_file(1, "/u", 4096, MM_MAP_SHARED);
	touch(1, a, 1, 1);
	mem_rw(1, a, "MAP", 3, 1);
	file_write("/u", 4, "WR");
	mm_shutdown(m);
	m = NULL;
	cr_assert_eq(get_host("u", 0, buf, 8), 8);
	cr_assert(!memcmp(buf, "MAP.WR..", 8));
}

struct notes {
	int n;
	uint64_t ino, off, len;
};

static void note(void *arg, uint64_t ino, uint64_t off, uint64_t len)
{
	struct notes *x = arg;

	x->n++;
	x->ino = ino;
	x->off = off;
	x->len = len;
}

/* The notify hook hears of every change to a file's bytes, with the inode the model numbers. */
Test(filemap, notify_hook)
{
	struct notes x = { 0 };
	uint64_t ino, a;

	put_host("n", "0123456789", 10);
	cr_assert_eq(mm_file_ino(m, "/n", &ino), 0);
	mm_set_file_notify(m, note, &x);
	file_write("/n", 3, "abc");
	cr_assert_eq(x.n, 1);
	cr_assert_eq(x.ino, ino);
	cr_assert_eq(x.off, 3);
	cr_assert_eq(x.len, 3);
	file_write("/n", 20, "z");	/* 10..21 changed: the gap too */
	cr_assert_eq(x.off, 10);
	cr_assert_eq(x.len, 11);
	cr_assert_eq(mm_file_truncate(m, "/n", 4), 0);
	cr_assert_eq(x.n, 3);
	cr_assert_eq(x.off, 4);
	cr_assert_eq(x.len, 17);
	/* a store through a shared mapping is heard at the end of the next command */
	a = map_file(1, "/n", 4096, MM_MAP_SHARED);
	cr_assert_eq(mm_file_fsync(m, "/n"), 0);
	x.n = 0;
	touch(1, a, 1, 1);
	cr_assert_eq(x.n, 1);
	cr_assert_eq(x.off, 0);
	cr_assert_eq(x.len, 4096);
	mm_set_file_notify(m, NULL, NULL);
}

/* Rename keeps the inode (and maps names the new path); unlink keeps a mapped file's bytes. */
Test(filemap, rename_and_unlink)
{
	char buf[16] = "";
	uint64_t ino, ino2, a;

	put_host("r1", "renamed!", 8);
	cr_assert_eq(mm_file_ino(m, "/r1", &ino), 0);
	a = map_file(1, "/r1", 4096, MM_MAP_SHARED);
	touch(1, a, 1, 0);
	file_write("/r1", 0, "R");
	cr_assert_eq(rename(host("r1"), host("r2")), 0);
	cr_assert_eq(mm_file_rename(m, "/r1", "//r2"), 0);
	check_ok();
	cr_assert_eq(mm_file_ino(m, "/r2", &ino2), 0);
	cr_assert_eq(ino2, ino);
	cr_assert_str_eq(vma_at(1, a).name, "/r2");
	expect_file("/r2", 0, "Renamed!");
	cr_assert_eq(mm_file_fsync(m, "/r2"), 0);
	get_host("r2", 0, buf, 8);
	cr_assert(!memcmp(buf, "Renamed!", 8));

	/* unlink told first: the mapping keeps the bytes, maps says (deleted) */
	cr_assert_eq(mm_file_rename(m, "/r2", NULL), 0);
	cr_assert_eq(unlink(host("r2")), 0);
	check_ok();
	cr_assert_str_eq(vma_at(1, a).name, "/r2 (deleted)");
	mem_rw(1, a + 1, "E", 1, 1);
	mem_rw(1, a, buf, 8, 0);
	cr_assert(!memcmp(buf, "REnamed!", 8));
	cr_assert_eq(mm_sync(m, NULL, 0), 0);
	check_ok();
	/* a new file of the name is a new inode with its own bytes */
	put_host("r2", "fresh", 5);
	cr_assert_eq(mm_file_ino(m, "/r2", &ino2), 0);
	cr_assert_neq(ino2, ino);
	expect_file("/r2", 0, "fresh");
	cr_assert_eq(mm_file_read(m, "/r2", 0, buf, 8), 5);
}

/* A rename over an existing file unlinks it; RENAME_EXCHANGE told as two halves swaps the names. */
Test(filemap, rename_replace_and_exchange)
{
	uint64_t ia, ib, ic, got, a;

	put_host("a", "AAAA", 4);
	put_host("b", "BBBB", 4);
	put_host("c", "CCCC", 4);
	cr_assert_eq(mm_file_ino(m, "/a", &ia), 0);
	cr_assert_eq(mm_file_ino(m, "/b", &ib), 0);
	cr_assert_eq(mm_file_ino(m, "/c", &ic), 0);
	a = map_file(1, "/b", 4096, MM_MAP_SHARED);
	touch(1, a, 1, 0);

	/* exchange a and c: both halves, after the host did it */
	cr_assert_eq(renameat2(AT_FDCWD, host("a"), AT_FDCWD, host("c"), RENAME_EXCHANGE), 0);
	cr_assert_eq(mm_file_rename(m, "/a", "/c"), 0);
	cr_assert_eq(mm_file_rename(m, "/c", "/a"), 0);
	check_ok();
	cr_assert_eq(mm_file_ino(m, "/a", &got), 0);
	cr_assert_eq(got, ic);
	cr_assert_eq(mm_file_ino(m, "/c", &got), 0);
	cr_assert_eq(got, ia);
	expect_file("/a", 0, "CCCC");

	/* c replaces the mapped b: b's inode is unlinked, its mapping keeps its bytes */
	cr_assert_eq(rename(host("c"), host("b")), 0);
	cr_assert_eq(mm_file_rename(m, "/c", "/b"), 0);
	check_ok();
	cr_assert_eq(mm_file_ino(m, "/b", &got), 0);
	cr_assert_eq(got, ia);
	expect_file("/b", 0, "AAAA");
	cr_assert_str_eq(vma_at(1, a).name, "/b (deleted)");
	cr_assert_eq(vma_at(1, a).ino, ib);
	char buf[4];

	mem_rw(1, a, buf, 4, 0);
	cr_assert(!memcmp(buf, "BBBB", 4));
}

/* A file larger than RAM reads whole: out of memory, the clean cache is dropped and the read goes on. */
Test(filemap, read_larger_than_ram)
{
	struct mm_config cfg = { .ram_bytes = 128ULL << 20, .nr_nodes = 1 };
	static char buf[1 << 20];
	uint64_t total = 0;
	long n;
	int fd;

	mm_shutdown(m);
	m = mm_boot(&cfg, NULL, 0);
	cr_assert(m);
	cr_assert_eq(mm_set_backing(m, dir, 0xfe, 1), 0);
	fd = open(host("huge"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert(fd >= 0);
	cr_assert_eq(ftruncate(fd, 192 << 20), 0);
	cr_assert_eq(pwrite(fd, "end", 3, (192 << 20) - 3), 3);
	close(fd);
	while ((n = mm_file_read(m, "/huge", total, buf, sizeof(buf))) > 0)
		total += (uint64_t)n;
	cr_assert_eq(n, 0);
	cr_assert_eq(total, 192 << 20);
	cr_assert(!memcmp(buf + sizeof(buf) - 3, "end", 3));
	check_ok();
	cr_assert_lt(meminfo(MI_CACHED), 128 << 10);
}
