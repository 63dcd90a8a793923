/* SPDX-License-Identifier: MIT */
/*
 * bench_cat.c - the cat group: reading a 256 MiB file through MNT/files/,
 * whose bytes come from the simulated page cache, against reading the
 * same file directly from backing=DIR, in the same run.
 *
 *   cat_256m.cold: the first cat through files/ (every page read from the
 *     backing file into the simulated cache), MiB/s;
 *   cat_256m.warm: the best later cat (the simulated cache holds it all);
 *   mmap_256m: a real process maps MNT/files/cat.bin shared and reads
 *     every byte (the host faults its pages in through FUSE reads), best
 *     of the rounds.
 * Baselines: cat of backing=DIR/cat.bin (the host's page cache holds it:
 * it was just written) and a real mmap read of it. Every open of files/
 * drops the host's cached pages of the file (keep_cache off), so each
 * round goes to the daemon.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "bench.h"

#define CAT_LEN		(256 * MiB)
#define ROUNDS		5

static char why[256];

static int rounds(void)
{
	return opt.quick ? 2 : ROUNDS;
}

static double mib_s(double us)
{
	return us > 0 ? (double)CAT_LEN / MiB / (us / 1e6) : -1;
}

/* Fill path with CAT_LEN bytes that are not all zeros. */
static int make_file(const char *path)
{
	static uint64_t buf[(1 << 20) / sizeof(uint64_t)];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	uint64_t x = 0x9e3779b97f4a7c15ULL;

	if (fd < 0)
		return -errno;
	for (uint64_t done = 0; done < CAT_LEN; done += sizeof(buf)) {
		for (size_t i = 0; i < sizeof(buf) / sizeof(buf[0]); i++)
			buf[i] = x += 0x2545f4914f6cdd1dULL;
		if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf)) {
			int err = errno ? -errno : -EIO;

			close(fd);
			return err;
		}
	}
	return close(fd) ? -errno : 0;
}

/* Map path shared and read every word; microseconds, or -1 (why set). */
static double mmap_read_us(const char *path)
{
	volatile uint64_t sink;
	uint64_t t0 = now_ns(), sum = 0;
	int fd = open(path, O_RDONLY);
	const uint64_t *p;

	if (fd < 0) {
		snprintf(why, sizeof(why), "open %s: %s", path, strerror(errno));
		return -1;
	}
	p = mmap(NULL, CAT_LEN, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		snprintf(why, sizeof(why), "mmap %s: %s", path, strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < CAT_LEN / sizeof(*p); i++)
		sum += p[i];
	sink = sum;
	(void)sink;
	munmap((void *)p, CAT_LEN);
	return (double)(now_ns() - t0) / 1e3;
}

static double best_mmap_us(const char *path)
{
	double best = -1;

	for (int i = 0; i < rounds(); i++) {
		double us = mmap_read_us(path);

		if (us < 0)
			return -1;
		if (best < 0 || us < best)
			best = us;
	}
	return best;
}

static void cat_figures(const char *direct, const char *through)
{
	double cold = read_us(through, 1);
	double warm = read_us(through, rounds());
	double host = read_us(direct, rounds());
	double mm_fs = best_mmap_us(through);
	double mm_host = best_mmap_us(direct);

	if (cold < 0 || warm < 0 || host < 0) {
		row_fail("cat", "cat_256m", "reading %s or %s failed", through, direct);
		return;
	}
	row("cat", "cat_256m.cold", mib_s(cold), "MiB/s", "cat_backing_dir", mib_s(host));
	row("cat", "cat_256m.warm", mib_s(warm), "MiB/s", "cat_backing_dir", mib_s(host));
	if (mm_fs < 0 || mm_host < 0)
		row_fail("cat", "mmap_256m", "%s", why);
	else
		row("cat", "mmap_256m", mib_s(mm_fs), "MiB/s", "mmap_backing_dir", mib_s(mm_host));
}

void bench_cat(void)
{
	const char *no = fuse_unavailable();
	char direct[160], through[160];
	double mount_ms;
	int err;

	if (no) {
		row_skip("cat", no);
		return;
	}
	if (daemon_start("ram=2G", &mount_ms, why, sizeof(why)) < 0) {
		row_fail("cat", "cat_256m", "%s", why);
		return;
	}
	snprintf(direct, sizeof(direct), "%s/cat.bin", mmfsd.backing);
	snprintf(through, sizeof(through), "%s/files/cat.bin", mmfsd.mnt);
	err = make_file(direct);
	if (err)
		row_fail("cat", "cat_256m", "writing %s: %s", direct, strerror(-err));
	else
		cat_figures(direct, through);
	if (daemon_stop() < 0)
		row_fail("cat", "unmount", "daemon did not exit cleanly after unmount");
}
