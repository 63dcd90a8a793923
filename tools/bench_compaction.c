/* SPDX-License-Identifier: MIT */
/*
 * bench_compaction.c - the compaction group: compaction of a fragmented
 * 4 GiB zone, in pages migrated per second, against the host kernel's
 * compact_memory over a comparable amount of fragmented movable memory in
 * the same run.
 *
 *   compact_4g: a one-node 4 GiB machine, whose DMA32 zone is its 4 GiB
 *     less the first 16 MiB; pid 1 maps and writes 2 GiB of 4 KiB
 *     anonymous pages (MADV_NOHUGEPAGE), every page holding bytes, then
 *     MADV_DONTNEEDs every other page: 1 GiB of movable pages with a hole
 *     next to each. Timed: one mm_compact (compact_memory), from the
 *     command to its reply; pages = pgmigrate_success across it.
 *   host: the same 2 GiB mapping in this process, fragmented the same
 *     way, then "1" written to /proc/sys/vm/compact_memory (root), timed;
 *     pages = the host's pgmigrate_success across it. The host compacts
 *     every zone and every process's pages, not only ours: the figure is
 *     its migration rate, the comparison is rate against rate.
 *
 * The model's figure is the median of ROUNDS rounds (1 with --quick), each
 * on a fresh machine. The host's is its pages over its time summed over
 * the rounds: after the first, its zones hold little below our holes that
 * is left to move (a round may migrate a few pages in 30 ms of scanning
 * 24 GiB), so a per-round median would measure scanning, not migration.
 * Needs root for the host side; without it the group reports the model
 * alone.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "mm.h"
#include "bench.h"

#define PG	4096ULL
#define LEN	(2 * GiB)
#define ROUNDS	3

static char why[256];

static int msys(struct machine *m, struct mm_call c, uint64_t *ret)
{
	uint64_t r;
	int err;

	why[0] = '\0';
	c.fd = -1;
	err = mm_syscall(m, 1, &c, ret ? ret : &r, why, sizeof(why));
	if (err && !why[0])
		snprintf(why, sizeof(why), "%s: %s", mm_verb_name(c.verb), strerror(-err));
	return err;
}

static int64_t model_migrated(struct machine *m)
{
	struct mm_global_snap *g = mm_snap_global(m);
	int64_t v = g ? g->vm_events[PGMIGRATE_SUCCESS] : -1;

	free(g);
	return v;
}

/* One round on a fresh machine: *ns for compact_memory, *pages migrated. -1 on error. */
static int model_round(double *ns, double *pages)
{
	struct mm_config cfg = { .ram_bytes = 4 * GiB, .nr_nodes = 1 };
	struct machine *m = mm_boot(&cfg, why, sizeof(why));
	static char buf[MiB];
	uint64_t a = 0, t0;
	int64_t before;
	int ret = -1;

	if (!m)
		return -1;
	if (msys(m, (struct mm_call){ .verb = MMV_MMAP, .len = LEN,
		 .prot = MM_PROT_READ | MM_PROT_WRITE, .flags = MM_MAP_PRIVATE | MM_MAP_ANONYMOUS }, &a) ||
	    msys(m, (struct mm_call){ .verb = MMV_MADVISE, .addr = a, .len = LEN,
		 .advice = MM_MADV_NOHUGEPAGE }, NULL))
		goto out;
	for (uint64_t off = 0; off < LEN; off += MiB) {
		memset(buf, (int)(off >> 20) | 1, sizeof(buf));
		if (mm_mem_rw(m, 1, a + off, buf, sizeof(buf), 1) != (long)sizeof(buf)) {
			snprintf(why, sizeof(why), "proc/1/mem write failed");
			goto out;
		}
	}
	for (uint64_t off = PG; off < LEN; off += 2 * PG)
		if (msys(m, (struct mm_call){ .verb = MMV_MADVISE, .addr = a + off, .len = PG,
			 .advice = MM_MADV_DONTNEED }, NULL))
			goto out;
	before = model_migrated(m);
	t0 = now_ns();
	if (mm_compact(m, why, sizeof(why)))
		goto out;
	*ns = (double)(now_ns() - t0);
	*pages = (double)(model_migrated(m) - before);
	ret = *pages > 0 ? 0 : -1;
	if (ret)
		snprintf(why, sizeof(why), "the model's compact_memory migrated nothing");
out:
	mm_shutdown(m);
	return ret;
}

static long long host_vmstat(const char *key)
{
	char name[128];
	long long x, v = -1;
	FILE *f = fopen("/proc/vmstat", "r");

	if (!f)
		return -1;
	while (fscanf(f, "%127s %lld", name, &x) == 2)
		if (!strcmp(name, key))
			v = x;
	fclose(f);
	return v;
}

/* The host's round: 0, 1 when compact_memory cannot be written (no root), -1 on error. */
static int host_round(double *ns, double *pages)
{
	char *h = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long long before;
	uint64_t t0;
	FILE *f;
	int ret = -1;

	if (h == MAP_FAILED) {
		snprintf(why, sizeof(why), "host mmap: %s", strerror(errno));
		return -1;
	}
	madvise(h, LEN, MADV_NOHUGEPAGE);
	for (uint64_t off = 0; off < LEN; off += MiB)
		memset(h + off, (int)(off >> 20) | 1, MiB);
	for (uint64_t off = PG; off < LEN; off += 2 * PG)
		madvise(h + off, PG, MADV_DONTNEED);
	before = host_vmstat("pgmigrate_success");
	f = fopen("/proc/sys/vm/compact_memory", "w");
	if (!f) {
		ret = 1;
		goto out;
	}
	t0 = now_ns();
	if (fputs("1\n", f) < 0 || fclose(f)) {
		snprintf(why, sizeof(why), "host compact_memory: %s", strerror(errno));
		goto out;
	}
	*ns = (double)(now_ns() - t0);
	*pages = (double)(host_vmstat("pgmigrate_success") - before);
	ret = 0;
out:
	munmap(h, LEN);
	return ret;
}

void bench_compaction(void)
{
	int n = opt.quick ? 1 : ROUNDS, host_ok = 1;
	double mrate[ROUNDS], mns[ROUNDS], mpg = 0, hpg = 0, hns = 0;

	for (int k = 0; k < n; k++) {
		double ns = 0, pages = 0;
		int r;

		if (model_round(&ns, &pages)) {
			row_fail("compaction", "compact_4g", "%s", why);
			return;
		}
		mrate[k] = pages / (ns / 1e9);
		mns[k] = ns;
		mpg = pages;
		if (!host_ok)
			continue;
		r = host_round(&ns, &pages);
		if (r < 0) {
			row_fail("compaction", "host", "%s", why);
			return;
		}
		if (r > 0 || pages <= 0) {
			host_ok = 0;
			continue;
		}
		hns += ns;
		hpg += pages;
	}
	qsort(mrate, (size_t)n, sizeof(double), cmp_double);
	qsort(mns, (size_t)n, sizeof(double), cmp_double);
	printf("# compaction: model %.0f pages migrated in %.1f ms (median); ", mpg, median_of(mns, n) / 1e6);
	if (!host_ok) {
		printf("host: compact_memory not writable here\n");
		row("compaction", "compact_4g (pages migrated)", median_of(mrate, n), "pg/s", "-", 0);
		return;
	}
	printf("host %.0f pages in %.1f ms over %d rounds\n", hpg, hns / 1e6, n);
	row("compaction", "compact_4g (pages migrated)", median_of(mrate, n), "pg/s",
	    "host compact_memory 2G fragmented", hpg / (hns / 1e9));
}
