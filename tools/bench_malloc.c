/* SPDX-License-Identifier: MIT */
/*
 * bench_malloc.c - the malloc group: malloc+free pairs of the model's glibc
 * allocator (mm/libc/), against the host glibc's own malloc+free of the same
 * size in the same run:
 *   api.pairN     mm_syscall(malloc N) + mm_syscall(free): the model API, each
 *                 call taking the machine lock as a command does (goal: within
 *                 20x of glibc, doc/malloc.md);
 *   ctl.batchN    the same pairs as text through one ctl fd of a mounted daemon,
 *                 CHUNK commands a write (the pointer is the same every time:
 *                 the tcache hands the chunk back).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mm.h"
#include "bench.h"

struct malloc_ctx {
	struct machine *m;
	int pid;
	size_t bytes;
	int fd;
	char *batch;
	size_t batch_len;
	char *reply;
	size_t reply_len;
};

static void *volatile sink;

static long step_host(void *p)
{
	struct malloc_ctx *c = p;

	for (long i = 0; i < CHUNK; i++) {
		sink = malloc(c->bytes);
		free(sink);
	}
	return CHUNK;
}

static long step_api(void *p)
{
	struct malloc_ctx *c = p;
	char why[160];

	for (long i = 0; i < CHUNK; i++) {
		struct mm_call mc = { .verb = MMV_MALLOC, .len = c->bytes, .fd = -1 };
		struct mm_call fc = { .verb = MMV_FREE, .fd = -1 };
		uint64_t ptr = 0;

		if (mm_syscall(c->m, c->pid, &mc, &ptr, why, sizeof(why)) || !ptr)
			return -1;
		fc.addr = ptr;
		if (mm_syscall(c->m, c->pid, &fc, NULL, why, sizeof(why)))
			return -1;
	}
	return CHUNK;
}

/* CHUNK commands (CHUNK/2 pairs) in one write, then their replies. */
static long step_ctl(void *p)
{
	struct malloc_ctx *c = p;
	size_t got = 0;

	if (write(c->fd, c->batch, c->batch_len) != (ssize_t)c->batch_len)
		return -1;
	while (got < c->reply_len) {
		ssize_t n = read(c->fd, c->reply, c->reply_len - got);

		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return CHUNK / 2;
}

static void api_figure(struct machine *m, int pid, size_t bytes)
{
	struct malloc_ctx c = { .m = m, .pid = pid, .bytes = bytes };
	char fig[32];
	double r, b;

	snprintf(fig, sizeof(fig), "api.pair%zu", bytes);
	r = measure_rate(step_api, &c);
	if (r < 0) {
		row_fail("malloc", fig, "a malloc or free failed");
		return;
	}
	b = measure_rate(step_host, &c);
	row("malloc", fig, r, "pairs/s", "host_glibc_malloc_free", b);
}

/* Pairs through one ctl fd of a mounted daemon. */
static void ctl_figure(size_t bytes)
{
	struct malloc_ctx c = { .bytes = bytes };
	char path[160], line[96], err[256], fig[32];
	double mount_ms, r, b;
	uint64_t ptr;
	int gfd, pid;
	ssize_t n;

	snprintf(fig, sizeof(fig), "ctl.batch%zu", bytes);
	if (daemon_start("ram=1G", &mount_ms, err, sizeof(err)) < 0) {
		row_fail("malloc", fig, "%s", err);
		return;
	}
	snprintf(path, sizeof(path), "%s/ctl", mmfsd.mnt);
	gfd = open(path, O_RDWR);
	if (gfd < 0 || write(gfd, "spawn\n", 6) != 6 || (n = read(gfd, line, sizeof(line) - 1)) <= 0) {
		row_fail("malloc", fig, "spawn: %s", strerror(errno));
		goto out;
	}
	line[n] = '\0';
	pid = atoi(line);
	snprintf(path, sizeof(path), "%s/proc/%d/ctl", mmfsd.mnt, pid);
	c.fd = open(path, O_RDWR);
	n = snprintf(line, sizeof(line), "malloc %zu\n", bytes);
	if (c.fd < 0 || write(c.fd, line, (size_t)n) != n ||
	    (n = read(c.fd, line, sizeof(line) - 1)) <= 0) {
		row_fail("malloc", fig, "first malloc: %s", strerror(errno));
		goto out;
	}
	line[n] = '\0';
	ptr = strtoull(line, NULL, 0);
	/* malloc then free of the same chunk: the tcache returns ptr every time */
	c.batch = malloc((size_t)CHUNK * 48);
	c.batch_len = 0;
	for (int i = 0; i < CHUNK / 2; i++)
		c.batch_len += (size_t)sprintf(c.batch + c.batch_len, "free 0x%" PRIx64 "\nmalloc %zu\n",
					       ptr, bytes);
	n = snprintf(line, sizeof(line), "0\n0x%" PRIx64 "\n", ptr);
	c.reply_len = (size_t)n * (CHUNK / 2);
	c.reply = malloc(c.reply_len);
	r = measure_rate(step_ctl, &c);
	if (r < 0) {
		row_fail("malloc", fig, "a batch failed");
	} else {
		b = measure_rate(step_host, &c);
		row("malloc", fig, r, "pairs/s", "host_glibc_malloc_free", b);
	}
	free(c.batch);
	free(c.reply);
out:
	if (c.fd > 0)
		close(c.fd);
	if (gfd >= 0)
		close(gfd);
	if (daemon_stop() < 0)
		row_fail("malloc", "unmount", "daemon did not exit cleanly after unmount");
}

void bench_malloc(void)
{
	struct mm_config cfg = { .ram_bytes = 1 * GiB, .nr_nodes = 1 };
	char why[160] = "";
	struct machine *m = mm_boot(&cfg, why, sizeof(why));
	const char *nofuse;
	int pid = 0;

	if (!m) {
		row_fail("malloc", "*", "mm_boot(1G): %s", why);
		return;
	}
	if (mm_spawn(m, "bench", &pid, why, sizeof(why))) {
		row_fail("malloc", "*", "spawn: %s", why);
	} else {
		api_figure(m, pid, 64);		/* tcache */
		api_figure(m, pid, 4000);	/* unsorted list, merge with the top */
	}
	mm_shutdown(m);
	nofuse = fuse_unavailable();
	if (nofuse)
		row_skip("malloc", nofuse);
	else
		ctl_figure(64);
}
