/* SPDX-License-Identifier: MIT */
/*
 * Determinism: the model's state is a function of its options and the
 * commands it ran, never of the host. The backing directory is the host's
 * closest contact: its files' host inode numbers differ from run to run,
 * so nothing the model decides may depend on them.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "leakcheck.h"
#include "../../mm/internal.h"
#include "../../mm/task.h"

static struct machine *m;

#include "mmtest.h"

#define K 4096ULL
#define FILE_A 0x10000000ULL
#define FILE_B 0x20000000ULL
#define ANON 0x30000000ULL

static void make_file(const char *dir, const char *name)
{
	char path[128], page[K];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	memset(page, name[0], sizeof(page));
	fd = open(path, O_CREAT | O_WRONLY, 0644);
	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, page, K), (ssize_t)K);
	close(fd);
}

static void map_at(uint64_t addr, uint64_t len, uint64_t flags, const char *path)
{
	struct mm_call c = { .verb = MMV_MMAP, .addr = addr, .len = len, .fd = -1,
			     .prot = MM_PROT_READ | MM_PROT_WRITE, .flags = flags | MM_MAP_FIXED };

	snprintf(c.path, sizeof(c.path), "%s", path);
	call(1, c);
}

static uint64_t pfn_at(uint64_t addr)
{
	uint64_t e = 0;

	cr_assert_eq(mm_pagemap_read(m, 1, addr / K, &e, 1), 1);
	return e & ((1ULL << 55) - 1);
}

/*
 * Two one-page files, created on the host in the given order (so with
 * host inode numbers in that order), cached between anonymous pages so
 * that their frames cannot merge back when freed; drop_caches then frees
 * both, and the next anonymous page reuses one of them. Returns its pfn.
 */
static uint64_t run(const char *first, const char *second)
{
	struct mm_config cfg = { .ram_bytes = 256ULL << 20, .nr_nodes = 1 };
	char dir[] = "/tmp/mmfs-det.XXXXXX", cmd[64], why[64];
	uint64_t pfn;

	cr_assert(mkdtemp(dir));
	make_file(dir, first);
	make_file(dir, second);
	m = mm_boot(&cfg, NULL, 0);
	cr_assert(m);
	cr_assert_eq(mm_set_backing(m, dir, 0xfe, 1), 0);
	map_at(FILE_A, K, MM_MAP_SHARED, "/a");
	map_at(FILE_B, K, MM_MAP_SHARED, "/b");
	map_at(ANON, 4 * K, MM_MAP_PRIVATE | MM_MAP_ANONYMOUS, "");
	touch(1, ANON, 1, 1);
	touch(1, FILE_A, 1, 0);
	touch(1, ANON + K, 1, 1);
	touch(1, FILE_B, 1, 0);
	touch(1, ANON + 2 * K, 1, 1);
	call(1, (struct mm_call){ .verb = MMV_MUNMAP, .addr = FILE_A, .len = K });
	call(1, (struct mm_call){ .verb = MMV_MUNMAP, .addr = FILE_B, .len = K });
	cr_assert_eq(mm_drop_caches(m, 1, why, sizeof(why)), 0);
	touch(1, ANON + 3 * K, 1, 1);
	pfn = pfn_at(ANON + 3 * K);
	mm_shutdown(m);
	m = NULL;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
	return pfn;
}

static void teardown(void)
{
	leak_check();
}

TestSuite(determinism, .fini = teardown);

/*
 * drop_caches frees the cache file by file; the order must be the model's
 * (the order it first looked the files up), not the host inode table's.
 */
Test(determinism, drop_caches_order_ignores_host_inode_numbers)
{
	uint64_t ab = run("a", "b"), ba = run("b", "a");

	cr_assert_eq(ab, ba, "the next page is pfn %#llx or %#llx as the host numbered the files",
		     (unsigned long long)ab, (unsigned long long)ba);
}
