/* SPDX-License-Identifier: MIT */
/*
 * bench_migrate.c - the migrate group: move_pages of 1 GiB, in pages per
 * second, against the host kernel's move_pages of 1 GiB in the same run.
 *
 *   move_1g: one mm_move_pages of the 262144 pages of a touched 1 GiB
 *     private anonymous mapping (MADV_NOHUGEPAGE) of pid 1 on a 4 GiB,
 *     2-node machine, to the other node (the rounds go 0 -> 1 -> 0 ...):
 *     every page really moves (frame allocated, 4 KiB copied: the pages
 *     hold bytes written through proc/1/mem, PTE re-pointed, old frame
 *     freed).
 *   stay_1g: the same call to the node the pages are on already: the
 *     lookups and the status array only.
 *   host: move_pages(0, 262144, pages, nodes = 0, status, 0) of a touched
 *     1 GiB MAP_PRIVATE|MAP_ANONYMOUS mapping (MADV_NOHUGEPAGE) in this
 *     process. The host has one node, so its pages are on node 0 already:
 *     what it measures is stay_1g's work, and move_1g's ratio says what a
 *     real move costs the model beyond that.
 *
 * Every figure is the median of ROUNDS rounds (3 with --quick), the sides
 * interleaved.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "mm.h"
#include "bench.h"

#define PG		4096ULL
#define LEN		(1 * GiB)
#define NPAGES		(LEN / PG)
#define ROUNDS		7

static char why[256];

static int msys(struct machine *m, struct mm_call *c, uint64_t *ret)
{
	uint64_t r;
	int err;

	why[0] = '\0';
	err = mm_syscall(m, 1, c, ret ? ret : &r, why, sizeof(why));
	if (err && !why[0])
		snprintf(why, sizeof(why), "%s: %s", mm_verb_name(c->verb), strerror(-err));
	return err;
}

/* ns of one model move_pages of every page to node; -1 on error. */
static double model_move(struct machine *m, const uint64_t *pages, int32_t *nodes,
			 int32_t *status, int node)
{
	uint64_t t0;
	long ret = 0;
	int err;

	for (uint64_t i = 0; i < NPAGES; i++)
		nodes[i] = node;
	t0 = now_ns();
	err = mm_move_pages(m, 1, 0, NPAGES, pages, nodes, status, 0, &ret, why, sizeof(why));
	if (err || ret || status[NPAGES - 1] != node) {
		if (!why[0])
			snprintf(why, sizeof(why), "model move_pages: %d, %ld not moved", err, ret);
		return -1;
	}
	return (double)(now_ns() - t0);
}

static double host_move(void **pages, int *nodes, int *status)
{
	uint64_t t0 = now_ns();
	long r = syscall(SYS_move_pages, 0, NPAGES, pages, nodes, status, 0);

	if (r) {
		snprintf(why, sizeof(why), "host move_pages: %s", r < 0 ? strerror(errno) : "pages left");
		return -1;
	}
	return (double)(now_ns() - t0);
}

void bench_migrate(void)
{
	struct mm_config cfg = { .ram_bytes = 4 * GiB, .nr_nodes = 2 };
	int n = opt.quick ? 3 : ROUNDS, k = 0;
	double move[ROUNDS], stay[ROUNDS], host[ROUNDS];
	uint64_t *pages = calloc(NPAGES, sizeof(*pages)), a = 0;
	int32_t *nodes = calloc(NPAGES, sizeof(*nodes)), *status = calloc(NPAGES, sizeof(*status));
	void **hpages = calloc(NPAGES, sizeof(*hpages));
	int *hnodes = calloc(NPAGES, sizeof(*hnodes)), *hstatus = calloc(NPAGES, sizeof(*hstatus));
	struct machine *m = NULL;
	char *h = MAP_FAILED;
	int node = 0;

	if (!pages || !nodes || !status || !hpages || !hnodes || !hstatus) {
		row_fail("migrate", "move_1g", "out of memory");
		goto out;
	}
	if (syscall(SYS_move_pages, 0, 0, NULL, NULL, NULL, 0) < 0 && errno == ENOSYS) {
		row_skip("migrate", "the host has no move_pages (no NUMA)");
		goto out;
	}
	m = mm_boot(&cfg, why, sizeof(why));
	if (!m) {
		row_fail("migrate", "move_1g", "boot: %s", why);
		goto out;
	}
	{
		struct mm_call c = { .verb = MMV_MMAP, .len = LEN, .fd = -1,
			.prot = MM_PROT_READ | MM_PROT_WRITE, .flags = MM_MAP_PRIVATE | MM_MAP_ANONYMOUS };

		if (msys(m, &c, &a))
			goto model_fail;
		c = (struct mm_call){ .verb = MMV_MADVISE, .addr = a, .len = LEN,
			.advice = MM_MADV_NOHUGEPAGE, .fd = -1 };
		if (msys(m, &c, NULL))
			goto model_fail;
		c = (struct mm_call){ .verb = MMV_TOUCH, .addr = a, .len = LEN, .mode = 'w', .fd = -1 };
		if (msys(m, &c, NULL))
			goto model_fail;
		/* bytes in every page, so that each move copies 4 KiB as the kernel's does */
		for (uint64_t off = 0; off < LEN; off += MiB) {
			static char buf[MiB];

			memset(buf, (int)(off >> 20) | 1, sizeof(buf));
			if (mm_mem_rw(m, 1, a + off, buf, sizeof(buf), 1) != (long)sizeof(buf)) {
				snprintf(why, sizeof(why), "proc/1/mem write failed");
				goto model_fail;
			}
		}
	}
	for (uint64_t i = 0; i < NPAGES; i++)
		pages[i] = a + i * PG;
	h = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (h == MAP_FAILED) {
		row_fail("migrate", "host", "mmap: %s", strerror(errno));
		goto out;
	}
	madvise(h, LEN, MADV_NOHUGEPAGE);
	for (uint64_t i = 0; i < NPAGES; i++) {
		h[i * PG] = 1;
		hpages[i] = h + i * PG;
	}
	for (k = 0; k < n; k++) {
		host[k] = host_move(hpages, hnodes, hstatus);
		node = !node;
		move[k] = model_move(m, pages, nodes, status, node);
		stay[k] = model_move(m, pages, nodes, status, node);
		if (host[k] < 0 || move[k] < 0 || stay[k] < 0)
			goto model_fail;
	}
	qsort(move, (size_t)n, sizeof(double), cmp_double);
	qsort(stay, (size_t)n, sizeof(double), cmp_double);
	qsort(host, (size_t)n, sizeof(double), cmp_double);
	{
		double host_rate = NPAGES / (median_of(host, n) / 1e9);

		row("migrate", "move_1g (to the other node)", NPAGES / (median_of(move, n) / 1e9),
		    "pg/s", "host move_pages 1G node 0", host_rate);
		row("migrate", "stay_1g (already there)", NPAGES / (median_of(stay, n) / 1e9),
		    "pg/s", "host move_pages 1G node 0", host_rate);
	}
	goto out;
model_fail:
	row_fail("migrate", "move_1g", "%s", why);
out:
	if (h != MAP_FAILED)
		munmap(h, LEN);
	if (m)
		mm_shutdown(m);
	free(pages);
	free(nodes);
	free(status);
	free(hpages);
	free(hnodes);
	free(hstatus);
}
