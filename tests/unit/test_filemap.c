/* SPDX-License-Identifier: MIT */
/*
 * The page cache from outside (mm_file_read/write/truncate/fsync/rename),
 * its coherence with simulated mappings, and writeback: fsync, msync, the
 * flusher's expiry and background threshold, unmount. Every byte is
 * checked against the backing file; mm_check runs after every step.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "leakcheck.h"
#include "../../mm/internal.h"
#include "../../mm/memory.h"
#include "../../mm/task.h"

static struct machine *m;
static char dir[] = "/tmp/mmfs-pc.XXXXXX";

#include "backingtest.h"

static void check_ok(void)
{
	int nbad = -1;
	char *r = mm_check(m, &nbad);

	cr_assert_eq(nbad, 0, "check:\n%s", r);
	free(r);
}

static int call_err(int pid, struct mm_call c, uint64_t *ret)
{
	char why[256] = "";
	uint64_t dummy;

	if (c.verb == MMV_MMAP && !c.path[0])
		c.fd = -1;
	return mm_syscall(m, pid, &c, ret ? ret : &dummy, why, sizeof(why));
}

static uint64_t call(int pid, struct mm_call c)
{
	uint64_t ret = 0;
	int err = call_err(pid, c, &ret);

	cr_assert_eq(err, 0, "%s failed: %d", mm_verb_name(c.verb), err);
	check_ok();
	return ret;
}

static uint64_t map_file(int pid, const char *path, uint64_t len, uint64_t flags)
{
	struct mm_call c = { .verb = MMV_MMAP, .len = len, .fd = -1,
		.prot = MM_PROT_READ | MM_PROT_WRITE, .flags = flags };

	snprintf(c.path, sizeof(c.path), "%s", path);
	return call(pid, c);
}

static int touch_err(int pid, uint64_t addr, uint64_t len, int write)
{
	return call_err(pid, (struct mm_call){ .verb = MMV_TOUCH, .addr = addr, .len = len,
					       .mode = write ? 'w' : 'r' }, NULL);
}

static void touch(int pid, uint64_t addr, uint64_t len, int write)
{
	cr_assert_eq(touch_err(pid, addr, len, write), 0);
	check_ok();
}

static void mem_rw(int pid, uint64_t addr, void *buf, size_t len, int write)
{
	cr_assert_eq(mm_mem_rw(m, pid, addr, buf, len, write), (long)len);
	check_ok();
}

/* The backing file path of a simulated name. */
static const char *host(const char *name)
{
	static char p[2][256];	/* two at once: rename(host(a), host(b)) */
	static int i;

	i ^= 1;
	snprintf(p[i], sizeof(p[i]), "%s/%s", dir, name);
	return p[i];
}

static void put_host(const char *name, const char *bytes, size_t len)
{
	int fd = open(host(name), O_WRONLY | O_CREAT | O_TRUNC, 0644);

	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, bytes, len), (ssize_t)len);
	close(fd);
}

/* Exactly len bytes of the backing file at off; the file's size is returned. */
static long get_host(const char *name, uint64_t off, char *buf, size_t len)
{
	int fd = open(host(name), O_RDONLY);
	struct stat st;

	cr_assert(fd >= 0);
	cr_assert_eq(fstat(fd, &st), 0);
	memset(buf, 0, len);
	cr_assert(pread(fd, buf, len, (off_t)off) >= 0);
	close(fd);
	return (long)st.st_size;
}

static void file_write(const char *path, uint64_t off, const char *s)
{
	cr_assert_eq(mm_file_write(m, path, off, s, strlen(s)), (long)strlen(s));
	check_ok();
}

static void expect_file(const char *path, uint64_t off, const char *s)
{
	char buf[256] = "";

	cr_assert_eq(mm_file_read(m, path, off, buf, strlen(s)), (long)strlen(s));
	cr_assert(!memcmp(buf, s, strlen(s)), "read '%.*s', want '%s'", (int)strlen(s), buf, s);
}

static struct mm_global_snap *gsnap(void)
{
	struct mm_global_snap *s = mm_snap_global(m);

	cr_assert(s);
	return s;
}

static uint64_t meminfo(int item)
{
	struct mm_global_snap *s = gsnap();
	uint64_t v = s->meminfo[item];

	free(s);
	return v;
}

static int64_t nodestat(int item)
{
	struct mm_global_snap *s = gsnap();
	int64_t v = s->node[0].stat[item];

	free(s);
	return v;
}

static int64_t event(int item)
{
	struct mm_global_snap *s = gsnap();
	int64_t v = s->vm_events[item];

	free(s);
	return v;
}

static struct mm_vma_snap vma_at(int pid, uint64_t addr)
{
	struct mm_task_snap *t = mm_snap_task(m, pid, 2);
	struct mm_vma_snap v = { 0 };

	cr_assert(t);
	for (size_t i = 0; i < t->nr_vmas; i++)
		if (t->vmas[i].start <= addr && addr < t->vmas[i].end)
			v = t->vmas[i];
	free(t);
	return v;
}

static void tunable(const char *name, const char *val)
{
	cr_assert_eq(mm_tunable_write(m, name, val, strlen(val)), 0, "%s=%s", name, val);
}

static void setup(void)
{
	backing_mkdir(dir, "/tmp/mmfs-pc.XXXXXX");
	backing_boot(dir, 1ULL << 30, 1);
}

static void teardown(void)
{
	backing_shutdown(dir);
}

TestSuite(filemap, .init = setup, .fini = teardown);

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
