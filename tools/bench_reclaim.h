/* SPDX-License-Identifier: MIT */
/*
 * bench_reclaim.h - the reclaim group's two halves: bench_reclaim.c (the
 * model's touch, the figures) and bench_reclaim_host.c (the host baseline
 * in a memory cgroup v1 with a temporary swap file).
 */
#ifndef TOOLS_BENCH_RECLAIM_H
#define TOOLS_BENCH_RECLAIM_H

#include <stdint.h>

#define PG		4096ULL
#define CGROOT		"/sys/fs/cgroup/memory"
/* Held while a host swap area of a bench or test is on (see host_setup). */
#define HOST_SWAP_LOCK "/run/lock/mmfs-host-swap"

/* One touch, model or host. */
struct touch_result {
	double s;		/* wall time of the touch */
	long long steal;	/* pgsteal_kswapd + pgsteal_direct (host: cgroup pgpgout) */
	long long steal2;	/* host: global pgsteal_anon + pgsteal_file */
	long long zero;		/* swpout_zero */
	long long pswpout;
	long long kswapd, direct;
	double rss, hwm;	/* daemon MiB after the touch */
};

/* Why the last step failed (both halves set it). */
extern char reclaim_why[256];

/* "key value" lines (vmstat, memory.stat): the value of key, or -1. */
long long kv_get(const char *path, const char *key);
/* k1 + k2, or -1 if either is missing. */
long long kv_sum(const char *path, const char *k1, const char *k2);

/*
 * The host baseline: a cgroup limited to `limit` and a swap file of
 * swap_size, swapped on (0, or -1 with reclaim_why; what was made is
 * undone); host_touch times a child in it writing len (a non-zero stamp in
 * each page when stamp); host_teardown undoes everything (also on exit and
 * on the fatal signals, through handlers host_setup installs).
 */
int host_setup(uint64_t limit, uint64_t swap_size, uint64_t len);
int host_touch(uint64_t len, int stamp, struct touch_result *r);
void host_teardown(void);

#endif
