/* SPDX-License-Identifier: MIT */
/*
 * bench_trace.c - the trace group: what the trace events cost the fault
 * path (doc/tracing.md).
 *
 *   touch_64m: one MMV_TOUCH 'w' over a fresh 64 MiB private anonymous
 *     mapping of pid 1 (16384 write faults), in faults/s, in three states
 *     measured in interleaved rounds on one machine:
 *       off      no event enabled: every hook is one untaken branch on
 *                m->trace_mask (the baseline);
 *       idle     every event enabled but tracing_on 0: the same branch, so
 *                the ratio to off shows the noise floor (target: >= 0.97);
 *       kmem     events/kmem enabled (mm_page_alloc, _zone_locked,
 *                mm_page_free, rss_stat ...): each fault records about
 *                four entries into the ring;
 *       all      every event enabled (page_fault_user and filemap too).
 *     The ring is 1408 KiB per CPU, Linux's default, so it wraps: the
 *     figures include overwriting the oldest entries, as a long trace does.
 *
 * Every figure is the median of ROUNDS rounds (3 with --quick); in round i
 * the states run in turn starting with state i mod 4.
 */
#include <stdio.h>
#include <string.h>

#include "mm.h"
#include "bench.h"

#define PG		4096ULL
#define TOUCH_LEN	(64 * MiB)
#define TOUCH_PAGES	(TOUCH_LEN / PG)
#define ROUNDS		21
#define IDLE_TARGET	0.97	/* idle faults/s >= this x off */

#define RW	(MM_PROT_READ | MM_PROT_WRITE)
#define ANON	(MM_MAP_PRIVATE | MM_MAP_ANONYMOUS)

enum state { OFF, IDLE, KMEM, ALL, NR_STATES };

static char why[256];

static int msys(struct machine *m, struct mm_call *c, uint64_t *ret)
{
	uint64_t r;

	why[0] = '\0';
	return mm_syscall(m, 1, c, ret ? ret : &r, why, sizeof(why));
}

static int tw(struct machine *m, const char *path, const char *text)
{
	return mm_trace_write(m, path, text, strlen(text), 0);
}

/* Put the machine's tracing in state s. */
static int set_state(struct machine *m, enum state s)
{
	int err = tw(m, "events/enable", "0") || tw(m, "tracing_on", "1");

	if (!err && s == IDLE)
		err = tw(m, "events/enable", "1") || tw(m, "tracing_on", "0");
	if (!err && s == KMEM)
		err = tw(m, "events/kmem/enable", "1");
	if (!err && s == ALL)
		err = tw(m, "events/enable", "1");
	return err;
}

/* ns of one touch of a fresh 64 MiB mapping, -1 on error. */
static double touch_once(struct machine *m)
{
	struct mm_call c = { .verb = MMV_MMAP, .len = TOUCH_LEN, .prot = RW, .flags = ANON, .fd = -1 };
	uint64_t a, t0;
	double ns;

	if (msys(m, &c, &a))
		return -1;
	c = (struct mm_call){ .verb = MMV_TOUCH, .addr = a, .len = TOUCH_LEN, .mode = 'w', .fd = -1 };
	t0 = now_ns();
	if (msys(m, &c, NULL))
		return -1;
	ns = (double)(now_ns() - t0);
	c = (struct mm_call){ .verb = MMV_MUNMAP, .addr = a, .len = TOUCH_LEN, .fd = -1 };
	return msys(m, &c, NULL) ? -1 : ns;
}

void bench_trace(void)
{
	struct mm_config cfg = { .ram_bytes = 1 * GiB, .nr_nodes = 1, .swap_bytes = 0 };
	int n = opt.quick ? 3 : ROUNDS;
	double t[NR_STATES][ROUNDS], rate[NR_STATES];
	char bwhy[256];
	struct machine *m = mm_boot(&cfg, bwhy, sizeof(bwhy));

	if (!m) {
		row_fail("trace", "touch_64m", "boot: %s", bwhy);
		return;
	}
	if (touch_once(m) < 0)	/* warm: the host memory behind struct pages and tables */
		goto fail;
	/* the states take turns going first, so that no one always follows another */
	for (int i = 0; i < n; i++)
		for (int k = 0; k < NR_STATES; k++) {
			int s = (k + i) % NR_STATES;

			if (set_state(m, (enum state)s)) {
				snprintf(why, sizeof(why), "tracefs write failed");
				goto fail;
			}
			t[s][i] = touch_once(m);
			if (t[s][i] < 0)
				goto fail;
		}
	for (int s = 0; s < NR_STATES; s++)
		rate[s] = (double)TOUCH_PAGES / (median_of(t[s], n) / 1e9);
	row("trace", "touch_64m events off", rate[OFF], "faults/s", "-", 0);
	row_verdict("trace", "touch_64m enabled, tracing_on 0", rate[IDLE], "faults/s", "off",
		    rate[OFF], rate[IDLE] >= IDLE_TARGET * rate[OFF] ? "ok" : "SLOW");
	row("trace", "touch_64m events/kmem on", rate[KMEM], "faults/s", "off", rate[OFF]);
	row("trace", "touch_64m every event on", rate[ALL], "faults/s", "off", rate[OFF]);
	mm_shutdown(m);
	return;
fail:
	row_fail("trace", "touch_64m", "%s", why[0] ? why : "touch failed");
	mm_shutdown(m);
}
