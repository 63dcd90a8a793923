// SPDX-License-Identifier: MIT
/*
 * shm_lock_host.c - the host side of shm_lock.sh: SHM_LOCK and SHM_UNLOCK
 * of a System V segment on the host kernel, with its pages sent to swap by
 * MADV_PAGEOUT (the caller has a swap area on). After every step it prints
 * the unevictable_pgs_{culled,scanned,rescued} events since the last step,
 * the segment's perms, rss and swap (proc/sysvipc/shm) and how many of its
 * pages kpageflags calls unevictable. Run it alone in a fresh IPC namespace
 * (unshare -i), as root (kpageflags).
 *
 * The kernel puts pages on the LRU through per-CPU batches: the probe
 * stays on CPU 0 and drains that CPU's batches before it looks
 * (MADV_COLD of a page of its own calls lru_add_drain and touches none of
 * the counters), so the counts are the model's, which has no such batches.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

#define SEG	(128 << 10)
#define PAGES	(SEG / 4096)

static const char *const ev[] = { "unevictable_pgs_culled", "unevictable_pgs_scanned",
				  "unevictable_pgs_rescued" };
static long last[3];
static char *dummy;

static long vmstat(const char *key)
{
	FILE *f = fopen("/proc/vmstat", "r");
	char name[128];
	long v, r = -1;

	while (f && fscanf(f, "%127s %ld", name, &v) == 2)
		if (!strcmp(name, key))
			r = v;
	if (f)
		fclose(f);
	return r;
}

/* How many of the segment's resident pages have KPF_UNEVICTABLE (bit 18). */
static int unevictable_pages(const char *a)
{
	int pm = open("/proc/self/pagemap", O_RDONLY), kf = open("/proc/kpageflags", O_RDONLY);
	int n = 0;

	for (int i = 0; i < PAGES; i++) {
		uint64_t e = 0, fl = 0;

		if (pread(pm, &e, 8, (off_t)(((uintptr_t)a / 4096 + (uintptr_t)i) * 8)) != 8 ||
		    !(e >> 63))
			continue;
		if (pread(kf, &fl, 8, (off_t)((e & ((1ULL << 55) - 1)) * 8)) == 8)
			n += (int)((fl >> 18) & 1);
	}
	close(pm);
	close(kf);
	return n;
}

static void step(const char *what, const char *a)
{
	char line[512], perms[16] = "-";
	unsigned long long rss = 0, swap = 0;
	FILE *f;

	madvise(dummy, 4096, MADV_COLD);	/* lru_add_drain */
	printf("%s:", what);
	for (int i = 0; i < 3; i++) {
		long v = vmstat(ev[i]);

		printf(" %s %ld", ev[i] + 16, v - last[i]);
		last[i] = v;
	}
	f = fopen("/proc/sysvipc/shm", "r");
	if (f && fgets(line, sizeof(line), f) && fgets(line, sizeof(line), f))
		sscanf(line, "%*d %*d %15s %*u %*d %*d %*u %*u %*u %*u %*u %*u %*u %*u %llu %llu",
		       perms, &rss, &swap);
	if (f)
		fclose(f);
	printf(" | perms %s rss %llu swap %llu unevictable %d\n", perms, rss, swap,
	       a ? unevictable_pages(a) : 0);
	fflush(stdout);
}

int main(void)
{
	cpu_set_t cpus;
	char *a;
	int id;

	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus))
		return 2;
	dummy = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
		     -1, 0);
	id = shmget(IPC_PRIVATE, SEG, IPC_CREAT | 0600);
	a = shmat(id, NULL, 0);
	if (id < 0 || a == (void *)-1 || dummy == MAP_FAILED)
		return 2;
	for (int i = 0; i < 3; i++)
		last[i] = vmstat(ev[i]);
	memset(a, 1, 64 << 10);
	step("touch 64K", a);
	printf("lock %d\n", shmctl(id, SHM_LOCK, NULL));
	step("locked", a);
	printf("pageout %d\n", madvise(a, SEG, MADV_PAGEOUT));
	step("pageout while locked", a);
	memset(a + (64 << 10), 2, 4096);
	step("a new page", a);
	printf("lock %d\n", shmctl(id, SHM_LOCK, NULL));
	printf("unlock %d\n", shmctl(id, SHM_UNLOCK, NULL));
	step("unlocked", a);
	printf("unlock %d\n", shmctl(id, SHM_UNLOCK, NULL));
	step("unlocked again", a);
	printf("pageout %d\n", madvise(a, SEG, MADV_PAGEOUT));
	step("pageout unlocked", a);
	printf("lock %d\n", shmctl(id, SHM_LOCK, NULL));
	a[0] = 5;
	step("a page swapped in", a);
	printf("pageout %d\n", madvise(a, SEG, MADV_PAGEOUT));
	step("pageout while locked", a);
	printf("rmid %d\n", shmctl(id, IPC_RMID, NULL));
	printf("shmdt %d\n", shmdt(a));
	step("gone", NULL);
	return 0;
}
