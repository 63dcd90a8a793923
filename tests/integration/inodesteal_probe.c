// SPDX-License-Identifier: MIT
/*
 * inodesteal_probe.c - the inode shrinker's page stealing on the host
 * (Linux 6.18 x86-64, fs/inode.c inode_lru_isolate), for inodesteal_host.sh.
 *
 * usage: inodesteal_probe DIR N pageout|plain
 *
 * Makes N files of one page under DIR (a fresh directory on a disk file
 * system), syncs them (clean pages, clean inodes: a dirty inode is kept
 * off the inode LRU), then with "pageout" maps each one shared, reads its
 * page and gives it to reclaim with MADV_PAGEOUT, which leaves a shadow at
 * index 0 (opened O_NOATIME: an atime update would dirty the inode again).
 * Then it writes 2 to drop_caches and prints the deltas of pginodesteal
 * and kswapd_inodesteal, and the pages still resident:
 *
 *   resident R pginodesteal P kswapd_inodesteal K
 *
 * On 6.18 a pageout file's inode is shrinkable (a lone value entry in the
 * xarray's head) and its shadow is counted as stolen: P = N. A "plain"
 * file keeps its page, its inode never reaches the LRU: P = 0. The files
 * stay for the caller to remove.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static long long vmstat(const char *key)
{
	char name[64];
	long long v, r = -1;
	FILE *f = fopen("/proc/vmstat", "r");

	while (f && fscanf(f, "%63s %lld", name, &v) == 2)
		if (!strcmp(name, key))
			r = v;
	if (f)
		fclose(f);
	return r;
}

static int die(const char *what)
{
	perror(what);
	return 1;
}

int main(int argc, char **argv)
{
	static char page[4096];
	char path[4096];
	int n, pageout, resident = 0, fd;
	long long steal, kswapd;

	if (argc != 4 || (strcmp(argv[3], "pageout") && strcmp(argv[3], "plain"))) {
		fprintf(stderr, "usage: %s DIR N pageout|plain\n", argv[0]);
		return 2;
	}
	n = atoi(argv[2]);
	pageout = !strcmp(argv[3], "pageout");
	memset(page, 'x', sizeof(page));
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/f%d", argv[1], i);
		fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || write(fd, page, sizeof(page)) != (ssize_t)sizeof(page))
			return die(path);
		close(fd);
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || syncfs(fd))
		return die("syncfs");
	close(fd);
	for (int i = 0; i < n; i++) {
		unsigned char vec = 0;
		volatile char *p;

		snprintf(path, sizeof(path), "%s/f%d", argv[1], i);
		fd = open(path, O_RDONLY | O_NOATIME);
		if (fd < 0)
			return die(path);
		p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			return die("mmap");
		(void)p[0];
		if (pageout && madvise((void *)p, 4096, MADV_PAGEOUT))
			return die("madvise");
		mincore((void *)p, 4096, &vec);
		resident += vec & 1;
		munmap((void *)p, 4096);
		close(fd);
	}
	steal = vmstat("pginodesteal");
	kswapd = vmstat("kswapd_inodesteal");
	fd = open("/proc/sys/vm/drop_caches", O_WRONLY);
	if (fd < 0 || write(fd, "2\n", 2) != 2)
		return die("drop_caches");
	close(fd);
	printf("resident %d pginodesteal %lld kswapd_inodesteal %lld\n", resident,
	       vmstat("pginodesteal") - steal, vmstat("kswapd_inodesteal") - kswapd);
	return 0;
}
