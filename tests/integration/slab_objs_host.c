// SPDX-License-Identifier: MIT
/*
 * slab_objs_host.c - what one operation adds to the host's slab caches.
 *
 *   slab_objs_host shm N            N System V segments (run it under unshare -i)
 *   slab_objs_host fork N           N children that wait to be killed
 *   slab_objs_host mbind_shared N   mbind of every other page of a shared mapping
 *
 * prints "CACHE PER-OP" for each cache of interest: the change of
 * /sys/kernel/slab/CACHE/objects over the N operations divided by N,
 * rounded. The host counts the objects of its per-CPU slabs as used, so a
 * single operation cannot be seen; N in the thousands makes the noise
 * (a few slabs) a fraction of an object per operation. Everything is
 * undone before it exits.
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

int main(int argc, char **argv)
{
	long before[NR];
	int n;

	if (argc != 3 || (n = atoi(argv[2])) < 1) {
		fprintf(stderr, "usage: %s shm|fork|mbind_shared N\n", argv[0]);
		return 2;
	}
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
