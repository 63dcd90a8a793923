/* SPDX-License-Identifier: MIT */
/*
 * bench_fair.c - the fair group: how long a reader waits behind another
 * client's long command.
 *
 *   meminfo_during_populate: while one client runs `mmap 0 64T --x
 *     private,anon,locked` (a populate of 64 TiB, until page tables fill
 *     the 1 GiB machine, ~10 s), a second thread reads proc/meminfo as cat
 *     does (open, read, close) again and again; p50, p99 and the worst of
 *     those reads, in milliseconds. Target: p99 at most 50 ms.
 *   kill_during_populate: `kill` of the populating process, issued 0.5 s
 *     into the populate: milliseconds until its reply.
 * Baseline: the same reader on the idle machine, in the same run.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

#define MAX_SAMPLES (1 << 20)

struct reader {
	char path[160];
	volatile int stop;
	double *ms;		/* latencies, MAX_SAMPLES at most */
	size_t n;
	int err;
};

static void *read_loop(void *arg)
{
	struct reader *r = arg;
	char buf[8192];

	while (!r->stop && r->n < MAX_SAMPLES) {
		uint64_t t0 = now_ns();
		int fd = open(r->path, O_RDONLY);

		if (fd < 0 || read(fd, buf, sizeof(buf)) <= 0) {
			r->err = errno ? errno : EIO;
			if (fd >= 0)
				close(fd);
			return NULL;
		}
		close(fd);
		r->ms[r->n++] = (double)(now_ns() - t0) / 1e6;
	}
	return NULL;
}

static double pct(const struct reader *r, double p)
{
	size_t i = (size_t)((double)r->n * p);

	return r->n ? r->ms[i < r->n ? i : r->n - 1] : -1;
}

/* Write one line to a ctl path on a fresh descriptor; 0 or -errno. */
static int ctl_line(const char *path, const char *line)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, line, strlen(line));
	close(fd);
	return n < 0 ? -errno : 0;
}

struct populate {
	char ctl[160];
	uint64_t ns;
	int err;
};

static void *populate(void *arg)
{
	struct populate *p = arg;
	uint64_t t0 = now_ns();

	p->err = ctl_line(p->ctl, "mmap 0 64T --x private,anon,locked\n");
	p->ns = now_ns() - t0;
	return NULL;
}

/* Read meminfo for ms milliseconds (or while the populate runs, when pop). */
static int sample(struct reader *r, pthread_t *pop, long ms)
{
	pthread_t t;

	r->n = 0;
	r->stop = 0;
	if (pthread_create(&t, NULL, read_loop, r))
		return -1;
	if (pop)
		pthread_join(*pop, NULL);
	else
		sleep_us(ms * 1000);
	r->stop = 1;
	pthread_join(t, NULL);
	qsort(r->ms, r->n, sizeof(double), cmp_double);
	return r->err ? -1 : 0;
}

void bench_fair(void)
{
	const char *no = fuse_unavailable();
	struct reader r = { 0 };
	struct populate p = { 0 };
	char why[256], ctl[160];
	double idle50, idle99, mount_ms;
	uint64_t t0;
	pthread_t pop;

	if (no) {
		row_skip("fair", no);
		return;
	}
	r.ms = malloc(MAX_SAMPLES * sizeof(double));
	if (!r.ms || daemon_start("ram=1G,swap=0", &mount_ms, why, sizeof(why)) < 0) {
		row_fail("fair", "meminfo_during_populate", "%s", r.ms ? why : "out of memory");
		free(r.ms);
		return;
	}
	snprintf(r.path, sizeof(r.path), "%s/proc/meminfo", mmfsd.mnt);
	snprintf(ctl, sizeof(ctl), "%s/ctl", mmfsd.mnt);
	snprintf(p.ctl, sizeof(p.ctl), "%s/proc/2/ctl", mmfsd.mnt);
	if (ctl_line(ctl, "spawn\n") || sample(&r, NULL, 1000)) {
		row_fail("fair", "meminfo_during_populate", "spawn or idle reads failed");
		goto out;
	}
	idle50 = pct(&r, 0.5);
	idle99 = pct(&r, 0.99);
	if (pthread_create(&pop, NULL, populate, &p) || sample(&r, &pop, 0) || p.err) {
		row_fail("fair", "meminfo_during_populate", "populate: %s", strerror(-p.err));
		goto out;
	}
	printf("# fair: the populate ran %.1f s; %zu meminfo reads meanwhile\n",
	       (double)p.ns / 1e9, r.n);
	row("fair", "meminfo_during_populate.p50", pct(&r, 0.5), "ms", "meminfo_idle.p50", idle50);
	row_verdict("fair", "meminfo_during_populate.p99", pct(&r, 0.99), "ms", "meminfo_idle.p99",
		    idle99, pct(&r, 0.99) <= 50 ? "PASS(<=50ms)" : "FAIL(<=50ms)");
	row("fair", "meminfo_during_populate.max", pct(&r, 1.0), "ms", "meminfo_idle.p99", idle99);

	/* kill of the populating process, half a second into it (pid 2's page tables go first) */
	snprintf(p.ctl, sizeof(p.ctl), "%s/proc/3/ctl", mmfsd.mnt);
	if (ctl_line(ctl, "kill 2\n") || ctl_line(ctl, "spawn\n") ||
	    pthread_create(&pop, NULL, populate, &p)) {
		row_fail("fair", "kill_during_populate", "spawn failed");
		goto out;
	}
	sleep_us(500000);
	t0 = now_ns();
	if (ctl_line(ctl, "kill 3\n")) {
		row_fail("fair", "kill_during_populate", "kill 3 failed");
		pthread_join(pop, NULL);
		goto out;
	}
	row("fair", "kill_during_populate", (double)(now_ns() - t0) / 1e6, "ms", "meminfo_idle.p99",
	    idle99);
	pthread_join(pop, NULL);
out:
	if (daemon_stop() < 0)
		row_fail("fair", "unmount", "the daemon did not stop cleanly");
	free(r.ms);
}
