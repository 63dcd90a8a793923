/* SPDX-License-Identifier: MIT */
/*
 * bench_mempolicy.c - the mempolicy group: what a memory policy costs a
 * fault (mm/mempolicy_alloc.c), against the default policy in the same run.
 *
 *   touch_256m.interleave: one MMV_TOUCH 'w' over a fresh 256 MiB private
 *     anonymous mapping of pid 1 with `mbind ... interleave 0-1` (65536
 *     write faults, every page placed by interleave_index over 2 nodes),
 *     ns per fault, against the same touch with the default policy.
 *     Target: at most 1.10x (the policy lookup costs at most 10%).
 *   touch_256m.bind: the same with `mbind ... bind 1` (the zonelist filtered
 *     by the nodemask on every allocation), shown, not judged.
 *
 * A 2-node machine of 2 GiB, in process (no FUSE). The four kinds run in
 * interleaved rounds and each figure is the median of ROUNDS (3 with
 * --quick), each kind first in turn, so load on a shared host falls on
 * all four alike.
 */
#include <stdio.h>

#include "mm.h"
#include "bench.h"

#define LEN		(256 * MiB)
#define PAGES		(LEN / 4096)
#define ROUNDS		21
#define TARGET		1.10

static char why[256];

static int sys(struct machine *m, struct mm_call *c, uint64_t *ret)
{
	uint64_t r;

	why[0] = '\0';
	return mm_syscall(m, 1, c, ret ? ret : &r, why, sizeof(why));
}

/* ns of the touch of a fresh mapping under mode (-1: no mbind), or -1. */
static double touch_once(struct machine *m, int mode, uint64_t nodes)
{
	struct mm_call map = { .verb = MMV_MMAP, .len = LEN, .fd = -1,
			       .prot = MM_PROT_READ | MM_PROT_WRITE,
			       .flags = MM_MAP_PRIVATE | MM_MAP_ANONYMOUS };
	uint64_t a, t0;
	double ns;

	if (sys(m, &map, &a))
		return -1;
	if (mode >= 0) {
		struct mm_call mb = { .verb = MMV_MBIND, .addr = a, .len = LEN, .mode = mode,
				      .nodes = { nodes }, .nodes_ptr = { 1 }, .maxnode = 65, .fd = -1 };

		if (sys(m, &mb, NULL))
			return -1;
	}
	{
		struct mm_call t = { .verb = MMV_TOUCH, .addr = a, .len = LEN, .mode = 'w', .fd = -1 };

		t0 = now_ns();
		if (sys(m, &t, NULL))
			return -1;
		ns = (double)(now_ns() - t0);
	}
	{
		struct mm_call u = { .verb = MMV_MUNMAP, .addr = a, .len = LEN, .fd = -1 };

		if (sys(m, &u, NULL))
			return -1;
	}
	return ns;
}

void bench_mempolicy(void)
{
	struct mm_config cfg = { .ram_bytes = 2 * GiB, .nr_nodes = 2 };
	struct machine *m = mm_boot(&cfg, why, sizeof(why));
	int n = opt.quick ? 3 : ROUNDS;
	double td[ROUNDS], ti[ROUNDS], tb[ROUNDS], t1[ROUNDS], d, il, b, one, x;

	if (!m) {
		row_fail("mempolicy", "touch_256m", "mm_boot(2G, 2 nodes): %s", why);
		return;
	}
	touch_once(m, -1, 0);	/* warm: page tables, the arena */
	for (int i = 0; i < n; i++) {
		/* each kind goes first in turn: no kind always meets a cold cache */
		for (int k = 0; k < 4; k++) {
			switch ((i + k) % 4) {
			case 3: t1[i] = touch_once(m, MM_MPOL_INTERLEAVE, 1); break;
			case 0: td[i] = touch_once(m, -1, 0); break;
			case 1: ti[i] = touch_once(m, MM_MPOL_INTERLEAVE, 3); break;
			case 2: tb[i] = touch_once(m, MM_MPOL_BIND, 2); break;
			}
		}
		if (td[i] < 0 || ti[i] < 0 || tb[i] < 0 || t1[i] < 0) {
			mm_shutdown(m);
			row_fail("mempolicy", "touch_256m", "%s", why);
			return;
		}
	}
	mm_shutdown(m);
	d = median_of(td, n) / PAGES;
	il = median_of(ti, n) / PAGES;
	b = median_of(tb, n) / PAGES;
	one = median_of(t1, n) / PAGES;
	printf("# mempol: %llu write faults per touch on a 2-node machine; median of %d"
	       " interleaved rounds\n", (unsigned long long)PAGES, n);
	row("mempolicy", "touch_256m.default_ns", d, "ns", "-", 0);
	row("mempolicy", "touch_256m.interleave_ns", il, "ns", "default_policy_ns", d);
	row("mempolicy", "touch_256m.bind_ns", b, "ns", "default_policy_ns", d);
	row("mempolicy", "touch_256m.interleave_1node_ns", one, "ns", "default_policy_ns", d);
	x = il / d;
	row_verdict("target", "mempol.interleave_over_default", x, "x", "limit_x", TARGET,
		    x <= TARGET ? "PASS" : "FAIL");
}
