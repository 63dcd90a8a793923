// SPDX-License-Identifier: MIT
/*
 * test_shmem_file.c - /dev/shm as a tmpfs (mm/shmem_file.c): a file made by
 * shm_open and written through files/ (mm_file_write) lives in the page
 * cache alone as shmem pages. Exact counters (Shmem and Cached move
 * together, Dirty never does), nothing of its bytes in backing=DIR (the
 * host file is a sparse stand-in, gone at shutdown and at the next boot),
 * MADV_PAGEOUT sends the pages to swap and a read brings them back intact,
 * drop_caches and sync leave them, an unlinked file keeps its pages until
 * its last unmap and close, maps names it on 00:1b, renames out of
 * /dev/shm are EXDEV. The checker runs after every step.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "leakcheck.h"
#include "../../mm/mm.h"
#include "../../mm/internal.h"
#include "../../mm/memory.h"
#include "../../mm/task.h"
#include "../../mm/vma.h"
#include "../../mm/vmstat.h"
#include "../../fs/backing.h"
#include "../../fs/cmd.h"
#include "../../fs/ctl.h"
#include "../../fs/ctlfile.h"

static struct machine *m;

#include "mmtest.h"

#define PAGE 4096ULL

static char dir[64];
static struct replyq reply;
static char *last;
static size_t last_len;

static void boot(void)
{
	struct mm_config cfg = { .ram_bytes = 256ULL << 20, .nr_nodes = 1, .swap_bytes = 64ULL << 20 };
	int fd;

	strcpy(dir, "/tmp/test_shmem_file.XXXXXX");
	cr_assert(mkdtemp(dir));
	m = mm_boot(&cfg, NULL, 0);
	cr_assert(m);
	cr_assert_eq(mm_set_backing(m, dir, 0xfe, 1), 0);
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	cr_assert_eq(backing_init(fd), 0);
	close(fd);
	rq_init(&reply);
}

static void down(void)
{
	char cmd[128];

	free(last);
	last = NULL;
	rq_free(&reply);
	mm_shutdown(m);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
	leak_check();
}

TestSuite(shmem_file, .init = boot, .fini = down);

/* One line on pid's ctl (0: MOUNT/ctl); the reply without its newline. */
static const char *run(int pid, const char *line)
{
	ctl_run(m, pid, line, strlen(line), &reply);
	free(last);
	last = rq_take(&reply, &last_len);
	if (last_len && last[last_len - 1] == '\n')
		last[--last_len] = '\0';
	check_ok();
	return last;
}

#define EXPECT(pid, line, want) \
	cr_assert_str_eq(run(pid, line), want, "%s -> %s", line, last)

static int64_t shmem(void)
{
	return global_node_page_state(m, NR_SHMEM);
}

static int64_t cached(void)
{
	return global_node_page_state(m, NR_FILE_PAGES);
}

/* dir/REL's st_size and st_blocks; -1 when it does not exist. */
static long long host_size(const char *rel, long long *blocks)
{
	char p[256];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	if (stat(p, &st))
		return -1;
	if (blocks)
		*blocks = st.st_blocks;
	return st.st_size;
}

/* Eight pages of "page<i>" at page i, written through files/. */
static void write_pages(const char *path, int n)
{
	for (int i = 0; i < n; i++) {
		char s[PAGE];

		memset(s, 0, sizeof(s));
		snprintf(s, sizeof(s), "page%d", i);
		cr_assert_eq(mm_file_write(m, path, (uint64_t)i * PAGE, s, PAGE), (long)PAGE);
		check_ok();
	}
}

static void read_expect(const char *path, int n)
{
	for (int i = 0; i < n; i++) {
		char s[16], want[16];

		snprintf(want, sizeof(want), "page%d", i);
		cr_assert_eq(mm_file_read(m, path, (uint64_t)i * PAGE, s, sizeof(want)),
			     (long)sizeof(want));
		check_ok();
		cr_assert_str_eq(s, want);
	}
}

static struct vm_area_struct *vma_at(int pid, uint64_t addr)
{
	return vma_find(find_task_by_pid(m, pid)->mm, addr);
}

Test(shmem_file, pages_are_shmem_never_written_to_the_backing_directory)
{
	int64_t s0, c0;
	long long blocks = -1;

	EXPECT(0, "spawn", "2");
	EXPECT(2, "shm_open /t O_CREAT|O_RDWR 0600", "3");
	s0 = shmem();
	c0 = cached();
	write_pages("/dev/shm/t", 3);
	cr_assert_eq(shmem() - s0, 3);
	cr_assert_eq(cached() - c0, 3);	/* Cached includes Shmem */
	cr_assert_eq(global_node_page_state(m, NR_DIRTY), 0);
	cr_assert_eq(global_node_page_state(m, NR_INACTIVE_ANON) +
		     global_node_page_state(m, NR_ACTIVE_ANON), 3);	/* swap-backed LRU */
	read_expect("/dev/shm/t", 3);
	/* the host file: its size, never a byte of data */
	cr_assert_eq(host_size("dev/shm/t", &blocks), (long long)(3 * PAGE));
	cr_assert_eq(blocks, 0);
	EXPECT(0, "sync", "0");
	cr_assert_eq(mm_file_fsync(m, "/dev/shm/t"), 0);
	cr_assert_eq(host_size("dev/shm/t", &blocks), (long long)(3 * PAGE));
	cr_assert_eq(blocks, 0);
	cr_assert_eq(global_node_page_state(m, NR_WRITTEN), 0);
	/* drop_caches passes them by */
	EXPECT(0, "drop_caches 3", "0");
	cr_assert_eq(shmem() - s0, 3);
	read_expect("/dev/shm/t", 3);
	/* a truncate takes pages away, a grow adds none */
	cr_assert_eq(mm_file_truncate(m, "/dev/shm/t", PAGE + 5), 0);
	check_ok();
	cr_assert_eq(shmem() - s0, 2);
	cr_assert_eq(mm_file_truncate(m, "/dev/shm/t", 64 * PAGE), 0);
	check_ok();
	cr_assert_eq(shmem() - s0, 2);
	{	/* a read of the holes allocates nothing (shmem's SGP_READ) */
		char *big = malloc(64 * PAGE), zero[PAGE] = { 0 };

		cr_assert_eq(mm_file_read(m, "/dev/shm/t", 0, big, 64 * PAGE), (long)(64 * PAGE));
		check_ok();
		cr_assert_str_eq(big, "page0");
		cr_assert_eq(memcmp(big + 40 * PAGE, zero, PAGE), 0);
		cr_assert_eq(big[PAGE + 5], 0);
		free(big);
		cr_assert_eq(shmem() - s0, 2);
	}
	cr_assert_eq(host_size("dev/shm/t", &blocks), (long long)(64 * PAGE));
	cr_assert_eq(blocks, 0);
}

Test(shmem_file, a_mapping_shares_the_pages_and_maps_names_the_tmpfs)
{
	int64_t s0;
	uint64_t a;
	char line[128];
	struct vm_area_struct *v;

	EXPECT(0, "spawn", "2");
	EXPECT(2, "shm_open /w O_CREAT|O_RDWR 0600", "3");
	cr_assert_eq(mm_file_truncate(m, "/dev/shm/w", 8 * PAGE), 0);
	s0 = shmem();
	a = strtoull(run(2, "mmap(NULL, 32768, PROT_READ|PROT_WRITE, MAP_SHARED, 3, 0) = 0x7f0000000000"),
		     NULL, 0);
	cr_assert(a);
	snprintf(line, sizeof(line), "touch %#llx 32K w", (unsigned long long)a);
	EXPECT(2, line, "0");
	cr_assert_eq(shmem() - s0, 8);
	mem_write(2, a + 2 * PAGE, "from pid 2");
	check_ok();
	{
		char s[11] = "";

		cr_assert_eq(mm_file_read(m, "/dev/shm/w", 2 * PAGE, s, 10), 10);
		cr_assert_str_eq(s, "from pid 2");
	}
	cr_assert_eq(mm_file_write(m, "/dev/shm/w", 5 * PAGE, "from files/", 11), 11);
	check_ok();
	mem_expect(2, a + 5 * PAGE, "from files/");
	v = vma_at(2, a);
	cr_assert_eq(v->vm_file->dev_major, 0);
	cr_assert_eq(v->vm_file->dev_minor, 0x1b);
	cr_assert_str_eq(v->vm_file->path, "/dev/shm/w");
	cr_assert_eq(usage(2, a).pss_shmem, 8 * PAGE << 12);
	cr_assert_eq(global_node_page_state(m, NR_DIRTY), 0);
}

Test(shmem_file, pageout_sends_the_pages_to_swap_and_they_come_back_intact)
{
	int64_t s0, out0;
	uint64_t a;
	char line[128];

	EXPECT(0, "spawn", "2");
	EXPECT(2, "shm_open /s O_CREAT|O_RDWR 0600", "3");
	s0 = shmem();
	write_pages("/dev/shm/s", 8);
	cr_assert_eq(shmem() - s0, 8);
	a = strtoull(run(2, "mmap(NULL, 32768, PROT_READ|PROT_WRITE, MAP_SHARED, 3, 0) = 0x7f0000000000"),
		     NULL, 0);
	snprintf(line, sizeof(line), "touch %#llx 32K r", (unsigned long long)a);
	EXPECT(2, line, "0");
	out0 = m->vm_events[PSWPOUT];
	snprintf(line, sizeof(line), "madvise %#llx 32K pageout", (unsigned long long)a);
	EXPECT(2, line, "0");
	cr_assert_eq(m->vm_events[PSWPOUT] - out0, 8);
	cr_assert_eq(shmem() - s0, 0);
	cr_assert_eq(usage(2, a).swap, 8 * PAGE);
	{	/* i_blocks: the pages in memory and on swap */
		uint64_t ino, blocks = 0;

		cr_assert_eq(mm_file_ino(m, "/dev/shm/s", &ino), 0);
		cr_assert_eq(mm_tmpfs_blocks(m, ino, &blocks), 0);
		cr_assert_eq(blocks, 64);
		cr_assert_eq(mm_tmpfs_blocks(m, 999999, &blocks), -ENOENT);
	}
	/* drop_caches never loses what is on swap */
	EXPECT(0, "drop_caches 3", "0");
	/* a read through files/ swaps in; the mapping faults the rest back */
	read_expect("/dev/shm/s", 4);
	cr_assert_eq(shmem() - s0, 4);
	mem_expect(2, a + 7 * PAGE, "page7");
	mem_expect(2, a + 5 * PAGE, "page5");
	read_expect("/dev/shm/s", 8);
}

Test(shmem_file, unpopulated_pages_on_swap_are_found_by_the_checker_unmapped)
{
	int64_t s0;
	uint64_t a;
	char line[128];

	EXPECT(0, "spawn", "2");
	EXPECT(2, "shm_open /u O_CREAT|O_RDWR 0600", "3");
	s0 = shmem();
	write_pages("/dev/shm/u", 4);
	a = strtoull(run(2, "mmap(NULL, 16384, PROT_READ|PROT_WRITE, MAP_SHARED, 3, 0) = 0x7f0000000000"),
		     NULL, 0);
	snprintf(line, sizeof(line), "touch %#llx 16K r", (unsigned long long)a);
	EXPECT(2, line, "0");
	snprintf(line, sizeof(line), "madvise %#llx 16K pageout", (unsigned long long)a);
	EXPECT(2, line, "0");
	cr_assert_eq(shmem() - s0, 0);
	snprintf(line, sizeof(line), "munmap %#llx 16K", (unsigned long long)a);
	EXPECT(2, line, "0");
	EXPECT(2, "close 3", "0");
	/* nothing maps or holds it: its swap entries are still the file's (check agrees) */
	read_expect("/dev/shm/u", 4);
	cr_assert_eq(shmem() - s0, 4);
}

Test(shmem_file, unlink_while_mapped_keeps_the_pages_until_the_last_unmap)
{
	int64_t s0;
	uint64_t a;
	char line[128];

	EXPECT(0, "spawn", "2");
	EXPECT(2, "shm_open /d O_CREAT|O_RDWR 0600", "3");
	s0 = shmem();
	write_pages("/dev/shm/d", 2);
	a = strtoull(run(2, "mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_SHARED, 3, 0) = 0x7f0000000000"),
		     NULL, 0);
	EXPECT(2, "shm_unlink d", "0");
	cr_assert_eq(host_size("dev/shm/d", NULL), -1);
	cr_assert_str_eq(vma_at(2, a)->vm_file->path, "/dev/shm/d (deleted)");
	cr_assert_eq(shmem() - s0, 2);
	mem_expect(2, a + PAGE, "page1");
	EXPECT(2, "close 3", "0");
	cr_assert_eq(shmem() - s0, 2);	/* still mapped */
	snprintf(line, sizeof(line), "munmap %#llx 8K", (unsigned long long)a);
	EXPECT(2, line, "0");
	cr_assert_eq(shmem() - s0, 0);	/* the last holder went: the pages with it */
	/* a new file of the name is a new, empty one */
	EXPECT(2, "shm_open /d O_CREAT|O_RDWR 0600", "3");
	cr_assert_eq(host_size("dev/shm/d", NULL), 0);
}

Test(shmem_file, renames_out_of_dev_shm_cross_file_systems)
{
	struct cmd c = { .type = CT_NS_RENAME, .path = "/dev/shm/r", .path2 = "/r" };

	EXPECT(0, "spawn", "2");
	EXPECT(2, "shm_open /r O_CREAT|O_RDWR 0600", "3");
	cr_assert_eq(backing_exec(m, &c), -EXDEV);
	c.type = CT_NS_LINK;
	cr_assert_eq(backing_exec(m, &c), -EXDEV);
	c = (struct cmd){ .type = CT_NS_RENAME, .path = "/dev/shm/r", .path2 = "/dev/shm/q" };
	cr_assert_eq(backing_exec(m, &c), 0);
	check_ok();
	cr_assert_eq(host_size("dev/shm/q", NULL), 0);
	/* the mount points stay */
	c = (struct cmd){ .type = CT_NS_RMDIR, .path = "/dev/shm" };
	cr_assert_eq(backing_exec(m, &c), -EBUSY);
	c = (struct cmd){ .type = CT_NS_RENAME, .path = "/dev", .path2 = "/devx" };
	cr_assert_eq(backing_exec(m, &c), -EBUSY);
	c = (struct cmd){ .type = CT_NS_RENAME, .path = "/x", .path2 = "/dev/shm" };
	cr_assert_eq(backing_exec(m, &c), -EBUSY);
}

Test(shmem_file, the_tmpfs_is_empty_at_boot_and_gone_at_shutdown)
{
	char p[128];
	int fd;
	struct mm_config cfg = { .ram_bytes = 256ULL << 20, .nr_nodes = 1 };

	EXPECT(0, "spawn", "2");
	EXPECT(2, "shm_open /g O_CREAT|O_RDWR 0600", "3");
	write_pages("/dev/shm/g", 2);
	cr_assert_eq(host_size("dev/shm/g", NULL), (long long)(2 * PAGE));
	free(last);
	last = NULL;
	mm_tmpfs_clear(m);	/* what the daemon does at unmount without a journal */
	mm_shutdown(m);
	cr_assert_eq(host_size("dev/shm/g", NULL), -1);
	cr_assert_eq(host_size("dev/shm", NULL) >= 0, 1);
	/* what a crash would leave: the next boot starts with an empty tmpfs */
	snprintf(p, sizeof(p), "%s/dev/shm/left", dir);
	fd = open(p, O_CREAT | O_WRONLY, 0600);
	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, "x", 1), 1);
	close(fd);
	m = mm_boot(&cfg, NULL, 0);
	cr_assert(m);
	cr_assert_eq(mm_set_backing(m, dir, 0xfe, 1), 0);
	cr_assert_eq(host_size("dev/shm/left", NULL), 1);	/* kept until cleared */
	mm_tmpfs_clear(m);	/* the daemon's mount without a journal */
	cr_assert_eq(host_size("dev/shm/left", NULL), -1);
	check_ok();
}

Test(shmem_file, an_exit_frees_the_pages_of_an_unlinked_file_it_held)
{
	int64_t s0;
	int nbad = 0;
	char *r;

	EXPECT(0, "spawn", "2");
	EXPECT(2, "shm_open /k O_CREAT|O_RDWR 0600", "3");
	s0 = shmem();
	write_pages("/dev/shm/k", 3);
	EXPECT(2, "shm_unlink k", "0");
	cr_assert_eq(shmem() - s0, 3);	/* fd 3 holds it */
	cr_assert_eq(m->tmpfs_orphans, 1);
	/* the checker knows the count */
	m->tmpfs_orphans++;
	r = mm_check(m, &nbad);
	cr_assert_eq(nbad, 1);
	cr_assert(strstr(r, "1 unlinked tmpfs files are held, tmpfs_orphans says 2"), "%s", r);
	free(r);
	m->tmpfs_orphans--;
	check_ok();
	EXPECT(0, "kill 2", "0");
	cr_assert_eq(shmem() - s0, 0);
	cr_assert_eq(m->tmpfs_orphans, 0);
}

Test(shmem_file, open_creat_below_dev_shm_and_a_mmap_by_path_are_tmpfs_too)
{
	int64_t s0 = shmem();
	uint64_t a;
	char line[128];

	EXPECT(0, "spawn", "2");
	EXPECT(2, "open /dev/shm/sub O_CREAT|O_RDWR", "3");
	cr_assert_eq(mm_file_truncate(m, "/dev/shm/sub", 2 * PAGE), 0);
	check_ok();
	a = strtoull(run(2, "mmap 0 8K rw- shared /dev/shm/sub 0"), NULL, 0);
	cr_assert(a);
	snprintf(line, sizeof(line), "touch %#llx 8K w", (unsigned long long)a);
	EXPECT(2, line, "0");
	cr_assert_eq(shmem() - s0, 2);
	cr_assert_eq(vma_at(2, a)->vm_file->dev_minor, 0x1b);
	/* a file elsewhere stays a file: Cached, not Shmem */
	EXPECT(2, "open /plain O_CREAT|O_RDWR", "4");
	cr_assert_eq(mm_file_write(m, "/plain", 0, "x", 1), 1);
	check_ok();
	cr_assert_eq(shmem() - s0, 2);
	cr_assert_eq(global_node_page_state(m, NR_DIRTY), 1);
}

/* Two nodes: mbind ... move takes a tmpfs file's pages to node 1, bytes and Shmem intact. */
Test(shmem_file_numa, mbind_move_migrates_tmpfs_pages)
{
	struct mm_config cfg = { .ram_bytes = 256ULL << 20, .nr_nodes = 2, .swap_bytes = 64ULL << 20 };
	int fd;
	int64_t s0;
	uint64_t a;
	char line[128];

	strcpy(dir, "/tmp/test_shmem_file.XXXXXX");
	cr_assert(mkdtemp(dir));
	m = mm_boot(&cfg, NULL, 0);
	cr_assert(m);
	cr_assert_eq(mm_set_backing(m, dir, 0xfe, 1), 0);
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	cr_assert_eq(backing_init(fd), 0);
	close(fd);
	rq_init(&reply);
	EXPECT(0, "spawn", "2");
	EXPECT(2, "shm_open /n O_CREAT|O_RDWR 0600", "3");
	s0 = shmem();
	write_pages("/dev/shm/n", 4);
	a = strtoull(run(2, "mmap(NULL, 16384, PROT_READ|PROT_WRITE, MAP_SHARED, 3, 0) = 0x7f0000000000"),
		     NULL, 0);
	snprintf(line, sizeof(line), "touch %#llx 16K r", (unsigned long long)a);
	EXPECT(2, line, "0");
	cr_assert_eq(m->node[1]->vm_stat[NR_SHMEM], 0);
	snprintf(line, sizeof(line), "mbind %#llx 16K bind 1 move", (unsigned long long)a);
	EXPECT(2, line, "0");
	cr_assert_eq(m->node[1]->vm_stat[NR_SHMEM], 4);
	cr_assert_eq(shmem() - s0, 4);
	read_expect("/dev/shm/n", 4);
	mem_expect(2, a + 3 * PAGE, "page3");
	down();
}
