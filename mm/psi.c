// SPDX-License-Identifier: MIT
/*
 * psi.c - memory pressure stall information over simulated time (see
 * psi.h for what stalls and which clock).
 *
 * The averaging is kernel/sched/psi.c's: at the end of each period the
 * share of the period spent stalled, in percent and FSHIFT fixed point,
 * enters three exponential averages with the decay of a 2 s step over
 * 10 s, 60 s and 300 s (EXP_10s and friends); missed periods first decay
 * them towards zero. Only the arithmetic is the kernel's idea; the code
 * is written for the model.
 */
#include "internal.h"
#include "psi.h"

#define FSHIFT		11
#define FIXED_1		(1UL << FSHIFT)
#define EXP_10s		1677UL		/* FIXED_1 / exp(2 s / 10 s) */
#define EXP_60s		1981UL		/* FIXED_1 / exp(2 s / 60 s) */
#define EXP_300s	2034UL		/* FIXED_1 / exp(2 s / 300 s) */

/* load * e + active * (1 - e), rounded up while rising (loadavg's calc_load) */
static unsigned long calc_load(unsigned long load, unsigned long exp, unsigned long active)
{
	unsigned long newload = load * exp + active * (FIXED_1 - exp);

	if (active >= load)
		newload += FIXED_1 - 1;
	return newload / FIXED_1;
}

/* x^n in FSHIFT fixed point, by squaring, rounding each product */
static unsigned long fixed_power(unsigned long x, unsigned n)
{
	unsigned long r = FIXED_1;

	while (n) {
		if (n & 1)
			r = (r * x + FIXED_1 / 2) >> FSHIFT;
		n >>= 1;
		x = (x * x + FIXED_1 / 2) >> FSHIFT;
	}
	return r;
}

static void calc_avgs(unsigned long avg[3], uint64_t missed, uint64_t time, uint64_t period)
{
	static const unsigned long exps[3] = { EXP_10s, EXP_60s, EXP_300s };
	unsigned long pct = (unsigned long)(time * 100 / period) * FIXED_1;

	for (int w = 0; w < 3; w++) {
		if (missed)	/* periods without a sample: decay towards 0 */
			avg[w] = calc_load(avg[w], fixed_power(exps[w], (unsigned)missed), 0);
		avg[w] = calc_load(avg[w], exps[w], pct);
	}
}

void psi_init(struct machine *m)
{
	m->psi.avg_next_update = m->sim_ns + PSI_PERIOD_NS;
	m->psi.avg_last_update = m->sim_ns;
	m->psi.tick_ns = m->sim_ns;
}

void psi_memstall(struct machine *m, uint64_t ns, int full)
{
	struct psi_group *g = &m->psi;

	if (g->tick_ns != m->sim_ns) {	/* a new tick: its whole length may stall */
		g->tick_ns = m->sim_ns;
		g->tick_stalled[PSI_MEM_SOME] = g->tick_stalled[PSI_MEM_FULL] = 0;
	}
	for (int s = 0; s <= (full ? PSI_MEM_FULL : PSI_MEM_SOME); s++) {
		uint64_t room = MM_TICK_NS - g->tick_stalled[s], d = ns < room ? ns : room;

		g->tick_stalled[s] += d;
		g->total[s] += d;
	}
}

/* update_averages: the periods that ended by now */
void psi_avgs_work(struct machine *m)
{
	struct psi_group *g = &m->psi;
	uint64_t now = m->sim_ns, missed = 0, period;

	if (now < g->avg_next_update)
		return;
	if (now - g->avg_next_update >= PSI_PERIOD_NS)
		missed = (now - g->avg_next_update) / PSI_PERIOD_NS;
	period = now - (g->avg_last_update + missed * PSI_PERIOD_NS);
	g->avg_next_update += (1 + missed) * PSI_PERIOD_NS;
	g->avg_last_update = now;
	for (int s = 0; s < NR_PSI_MEM; s++) {
		uint64_t sample = g->total[s] - g->avg_total[s];

		if (sample > period)
			sample = period;
		g->avg_total[s] += sample;
		calc_avgs(g->avg[s], missed, sample, period);
	}
}

void mm_snap_psi(struct machine *m, struct mm_psi_snap *out)
{
	machine_lock(m);
	for (int s = 0; s < NR_PSI_MEM; s++) {
		for (int w = 0; w < 3; w++)
			out->avg[s][w] = m->psi.avg[s][w];
		out->total_us[s] = m->psi.total[s] / 1000;
	}
	machine_unlock(m);
}
