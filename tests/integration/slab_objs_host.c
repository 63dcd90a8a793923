// SPDX-License-Identifier: MIT
/*
 * slab_objs_host.c - what one operation adds to the host's slab caches.
 *
 *   slab_objs_host shm N            N System V segments (run it under unshare -i)
 *   slab_objs_host fork N           N children that wait to be killed
 *   slab_objs_host mbind_shared N   mbind of every other page of a shared mapping
 *   slab_objs_host hugetlb N        N 2 MiB MAP_HUGETLB mappings of each kind
 *
 * prints "CACHE PER-OP" for each cache of interest: the change of
 * /sys/kernel/slab/CACHE/objects over the N operations divided by N,
 * rounded. The host counts the objects of its per-CPU slabs as used, so a
 * single operation cannot be seen; N in the thousands makes the noise
 * (a few slabs) a fraction of an object per operation. Everything is
 * undone before it exits.
 *
 * hugetlb sets a pool of N + 8 huge pages (the old size is put back
 * before it exits) and prints, per kind of mapping, the kmalloc-128 and
 * kmalloc-64 objects one mapping adds: the median of three rounds, each
 * read after the caches' shrink (their per-CPU slabs flushed); kmalloc-64
 * is busy enough on a host that one round in a few sees a burst.
 */
#define _GNU_SOURCE
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const caches[] = { "kmalloc-cg-256", "pid", "files_cache",
				      "shared_policy_node" };
#define NR (sizeof(caches) / sizeof(caches[0]))

static long objects(const char *c)
{
	char path[256];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/objects", c);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/*
 * Wait (at most 5 s) until the counts stop moving: what an earlier run
 * freed through RCU (segments, creds) must be gone before this one counts.
 */
static void settle(long *now)
{
	for (int tries = 0; tries < 25; tries++) {
		long again[NR];
		int same = 1;

		for (size_t i = 0; i < NR; i++)
			now[i] = objects(caches[i]);
		usleep(200000);
		for (size_t i = 0; i < NR; i++) {
			again[i] = objects(caches[i]);
			same &= again[i] == now[i];
		}
		if (same)
			return;
	}
}

static long shrunk_objects(const char *c)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", c);
	f = fopen(path, "w");
	if (f) {
		fputs("1", f);
		fclose(f);
	}
	return objects(c);
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

/* One kind of MAP_HUGETLB mapping: objects per mapping of the two caches. */
static int hugetlb_kind(const char *kind, int n)
{
	static const char *const hc[] = { "kmalloc-128", "kmalloc-64" };
	int shared = !strcmp(kind, "shared"), touch = !strcmp(kind, "write");
	int flags = (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS | MAP_HUGETLB |
		    (!strcmp(kind, "noreserve") ? MAP_NORESERVE : 0);
	char **p = calloc((size_t)n, sizeof(*p));
	long per[2][3];

	if (!p)
		return -1;
	for (int round = 0; round < 3; round++) {
		long b[2];

		for (int c = 0; c < 2; c++)
			b[c] = shrunk_objects(hc[c]);
		for (int i = 0; i < n; i++) {
			p[i] = mmap(NULL, 2 << 20, PROT_READ | PROT_WRITE, flags, -1, 0);
			if (p[i] == MAP_FAILED) {
				while (i--)
					munmap(p[i], 2 << 20);
				free(p);
				return -1;
			}
			if (touch)
				p[i][0] = 1;
		}
		for (int c = 0; c < 2; c++)
			per[c][round] = lround((double)(shrunk_objects(hc[c]) - b[c]) / n);
		for (int i = 0; i < n; i++)
			munmap(p[i], 2 << 20);
	}
	printf("%s", kind);
	for (int c = 0; c < 2; c++) {
		qsort(per[c], 3, sizeof(long), cmp_long);
		printf(" %s %ld", hc[c], per[c][1]);
	}
	printf("\n");
	free(p);
	return 0;
}

static int hugetlb(int n)
{
	static const char *const kinds[] = { "private", "write", "noreserve", "shared" };
	const char *path = "/proc/sys/vm/nr_hugepages";
	long old = -1, got = -1;
	int ret = 0;
	FILE *f = fopen(path, "r");

	if (!f || fscanf(f, "%ld", &old) != 1 || fclose(f) || !(f = fopen(path, "w")))
		return 3;
	fprintf(f, "%ld\n", old + n + 8);
	fclose(f);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%ld", &got) != 1)
			got = -1;
		fclose(f);
	}
	for (size_t k = 0; got >= old + n + 8 && k < 4 && !ret; k++)
		ret = hugetlb_kind(kinds[k], n);
	f = fopen(path, "w");
	if (f) {
		fprintf(f, "%ld\n", old);
		fclose(f);
	}
	return got < old + n + 8 || ret ? 3 : 0;	/* 3: no pool to measure with */
}

int main(int argc, char **argv)
{
	long before[NR];
	int n;

	if (argc != 3 || (n = atoi(argv[2])) < 1) {
		fprintf(stderr, "usage: %s shm|fork|mbind_shared|hugetlb N\n", argv[0]);
		return 2;
	}
	if (!strcmp(argv[1], "hugetlb"))
		return hugetlb(n);
	settle(before);
	if (!strcmp(argv[1], "shm")) {
		int *ids = calloc((size_t)n, sizeof(int));

		for (int i = 0; i < n; i++)
			ids[i] = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
		for (size_t i = 0; i < NR; i++)
			printf("%s %ld\n", caches[i], lround((double)(objects(caches[i]) - before[i]) / n));
		for (int i = 0; i < n; i++)
			shmctl(ids[i], IPC_RMID, NULL);
		free(ids);
	} else if (!strcmp(argv[1], "fork")) {
		pid_t *kids = calloc((size_t)n, sizeof(pid_t));

		for (int i = 0; i < n; i++) {
			kids[i] = fork();
			if (!kids[i]) {
				pause();
				_exit(0);
			}
		}
		for (size_t i = 0; i < NR; i++)
			printf("%s %ld\n", caches[i], lround((double)(objects(caches[i]) - before[i]) / n));
		for (int i = 0; i < n; i++) {
			kill(kids[i], SIGKILL);
			waitpid(kids[i], NULL, 0);
		}
		free(kids);
	} else if (!strcmp(argv[1], "mbind_shared")) {
		size_t len = (size_t)n * 2 * 4096;
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		unsigned long mask = 1;

		for (int i = 0; i < n; i++)
			syscall(SYS_mbind, p + (size_t)i * 2 * 4096, 4096, 2 /* MPOL_BIND */, &mask, 64, 0);
		for (size_t i = 0; i < NR; i++)
			printf("%s %ld\n", caches[i], lround((double)(objects(caches[i]) - before[i]) / n));
		munmap(p, len);
	} else {
		return 2;
	}
	return 0;
}
