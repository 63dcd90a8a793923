// SPDX-License-Identifier: MIT
/*
 * compaction_probe.c - the host's compact_memory on fragmented anonymous
 * memory (tests/integration/compaction.sh, tools/mmfs-bench --only
 * compaction). Maps MIB MiB of anonymous memory (THP off for it), writes
 * every page, frees every other page (MADV_DONTNEED: no VMA splits), then
 * writes 1 to /proc/sys/vm/compact_memory and prints the deltas of the
 * compact_* and pgmigrate_* lines of /proc/vmstat across that write, the
 * nanoseconds it took, and how many kept pages still hold their bytes.
 * Safe for the host: the memory is its own and goes at exit; compaction
 * is an ordinary administrative action. Needs root for the write.
 *
 * usage: compaction_probe [MIB]   (default 64)
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define NKEYS 16

static const char *const keys[NKEYS] = {
	"pgmigrate_success", "pgmigrate_fail", "compact_migrate_scanned", "compact_free_scanned",
	"compact_isolated", "compact_stall", "compact_fail", "compact_success",
	"compact_daemon_wake", "compact_daemon_migrate_scanned", "compact_daemon_free_scanned",
};

static void read_vmstat(long long *v)
{
	char name[128];
	long long x;
	FILE *f = fopen("/proc/vmstat", "r");

	if (!f) {
		perror("/proc/vmstat");
		exit(1);
	}
	memset(v, 0, NKEYS * sizeof(*v));
	while (fscanf(f, "%127s %lld", name, &x) == 2)
		for (int i = 0; i < NKEYS && keys[i]; i++)
			if (!strcmp(name, keys[i]))
				v[i] = x;
	fclose(f);
}

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 64, len = mib << 20, pg = 4096;
	long long before[NKEYS], after[NKEYS];
	struct timespec t0, t1;
	size_t ok = 0;
	char *a;
	FILE *f;

	a = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	madvise(a, len, MADV_NOHUGEPAGE);
	for (size_t i = 0; i < len / pg; i++)
		snprintf(a + i * pg + 100, 32, "page %zu", i);
	for (size_t i = 1; i < len / pg; i += 2)
		madvise(a + i * pg, pg, MADV_DONTNEED);
	read_vmstat(before);
	f = fopen("/proc/sys/vm/compact_memory", "w");
	if (!f) {
		perror("/proc/sys/vm/compact_memory");
		return 77;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (fputs("1\n", f) < 0 || fclose(f)) {
		perror("compact_memory");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	read_vmstat(after);
	for (size_t i = 0; i < len / pg; i += 2) {
		char want[32];

		snprintf(want, sizeof(want), "page %zu", i);
		ok += !strcmp(a + i * pg + 100, want);
	}
	for (int i = 0; i < NKEYS && keys[i]; i++)
		printf("%s %lld\n", keys[i], after[i] - before[i]);
	printf("ns %lld\nkept %zu\nintact %zu\n",
	       (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec),
	       len / pg / 2, ok);
	munmap(a, len);
	return 0;
}
