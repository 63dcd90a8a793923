// SPDX-License-Identifier: MIT
/*
 * bench_owner.c - the page_owner group: what page_owner=on costs, against
 * the same machine with it off, in the same run.
 *
 *   bytes_per_page: host memory (this process's VmRSS, which counts the
 *     model's memfds) added by the first write touch of a fresh 256 MiB
 *     anonymous mapping of pid 1 on a 1 GiB machine, per page faulted in;
 *     with page_owner=on against off. The difference is page_owner's
 *     record table (48 bytes a page: a sparse table, committed only for
 *     pfns ever allocated).
 *   faults_per_s: write faults per second of the same touch on mappings
 *     made afresh (the frames already known to the host), median of the
 *     rounds, on against off, interleaved.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm.h"
#include "bench.h"

#define PG		4096ULL
#define TOUCH_LEN	(256 * MiB)
#define TOUCH_PAGES	(TOUCH_LEN / PG)
#define ROUNDS		9

static char why[256];

static int sys(struct machine *m, struct mm_call c, uint64_t *ret)
{
	uint64_t r;

	why[0] = '\0';
	return mm_syscall(m, 1, &c, ret ? ret : &r, why, sizeof(why));
}

/* ns of one write touch of a fresh 256 MiB mapping (unmapped after); -1 on error */
static double touch_ns(struct machine *m)
{
	uint64_t a, t0;
	double ns;

	if (sys(m, (struct mm_call){ .verb = MMV_MMAP, .len = TOUCH_LEN, .fd = -1,
				     .prot = MM_PROT_READ | MM_PROT_WRITE,
				     .flags = MM_MAP_PRIVATE | MM_MAP_ANONYMOUS }, &a))
		return -1;
	t0 = now_ns();
	if (sys(m, (struct mm_call){ .verb = MMV_TOUCH, .addr = a, .len = TOUCH_LEN, .mode = 'w' }, NULL))
		return -1;
	ns = (double)(now_ns() - t0);
	if (sys(m, (struct mm_call){ .verb = MMV_MUNMAP, .addr = a, .len = TOUCH_LEN }, NULL))
		return -1;
	return ns;
}

static struct machine *boot(int page_owner)
{
	struct mm_config cfg = { .ram_bytes = 1 * GiB, .nr_nodes = 1, .page_owner = page_owner };

	return mm_boot(&cfg, why, sizeof(why));
}

/* host bytes per page of the first touch on m */
static double first_touch_bytes(struct machine *m)
{
	double before = vm_rss_mib(0), after;

	if (touch_ns(m) < 0)
		return -1;
	after = vm_rss_mib(0);
	return (after - before) * (double)MiB / (double)TOUCH_PAGES;
}

void bench_owner(void)
{
	struct machine *off = boot(0), *on = boot(1);
	double b_off, b_on, t_off[ROUNDS], t_on[ROUNDS];
	int rounds = opt.quick ? 3 : ROUNDS;

	if (!off || !on) {
		row_fail("page_owner", "boot", "%s", why);
		goto out;
	}
	b_off = first_touch_bytes(off);
	b_on = first_touch_bytes(on);
	if (b_off < 0 || b_on < 0) {
		row_fail("page_owner", "bytes_per_page", "%s", why);
		goto out;
	}
	row("page_owner", "bytes_per_page_on", b_on, "B", "page_owner=off", b_off);
	row("page_owner", "bytes_per_page_added", b_on - b_off, "B", "struct_page_owner", 48);
	for (int i = 0; i < rounds; i++) {
		t_off[i] = touch_ns(off);
		t_on[i] = touch_ns(on);
		if (t_off[i] < 0 || t_on[i] < 0) {
			row_fail("page_owner", "faults_per_s", "%s", why);
			goto out;
		}
	}
	row("page_owner", "faults_per_s_on", (double)TOUCH_PAGES * 1e9 / median_of(t_on, rounds),
	    "faults/s", "page_owner=off", (double)TOUCH_PAGES * 1e9 / median_of(t_off, rounds));
out:
	if (off)
		mm_shutdown(off);
	if (on)
		mm_shutdown(on);
}
