/* SPDX-License-Identifier: MIT */
/*
 * psi.h - memory pressure stall information (kernel: kernel/sched/psi.c,
 * /proc/pressure/memory).
 *
 * A task is in a memory stall while it reclaims directly (the kernel's
 * psi_memstall_enter in __perform_reclaim), while kswapd balances a node
 * (balance_pgdat), and while it waits for the read of a page that was
 * part of the working set before (a refault: folio_wait_bit and
 * swap_read_folio enter a memstall for PG_workingset folios). The model
 * runs one command at a time, so a stalled task is the only one running:
 * its stall is SOME and FULL; kswapd's is SOME only (it stands in for a
 * thread on another CPU while the faulting task goes on).
 *
 * The clock is the simulated one (sim_ns, 1 ms per command). Stall time
 * is simulated too: a refault stalls for the disk time of its read
 * (blk_stat.h), reclaim for PSI_SCAN_NS per page it scanned. A command
 * cannot stall for longer than the tick it runs in: what exceeds it is
 * dropped, so SOME and FULL never pass 100 %. Every PSI period (2 s and
 * one jiffy of simulated time) update_averages folds the period's stall
 * into the 10 s, 60 s and 300 s averages with the kernel's fixed-point
 * decay (periods in which nothing advanced the clock count as missed).
 */
#ifndef MM_PSI_H
#define MM_PSI_H

#include <stdint.h>

struct machine;

#define PSI_SCAN_NS	1000ULL		/* reclaim's cost per page scanned: 1 µs */
#define PSI_HZ		1000		/* the jiffy of PSI_FREQ */
#define PSI_PERIOD_NS	((2ULL * PSI_HZ + 1) * (1000000000ULL / PSI_HZ))	/* PSI_FREQ */

enum psi_res { PSI_MEM_SOME, PSI_MEM_FULL, NR_PSI_MEM };

struct psi_group {
	uint64_t total[NR_PSI_MEM];	/* stall time, ns */
	uint64_t avg_total[NR_PSI_MEM];	/* the part of total the averages have seen */
	unsigned long avg[NR_PSI_MEM][3];	/* avg10, avg60, avg300: % in FIXED_1 units */
	uint64_t avg_next_update;	/* sim_ns of the next period's end */
	uint64_t avg_last_update;
	uint64_t tick_ns;		/* the tick the stall budget below is for */
	uint64_t tick_stalled[NR_PSI_MEM];	/* stall already charged to that tick */
};

/* Boot: the first period ends PSI_PERIOD_NS from now. */
void psi_init(struct machine *m);
/* A stall of ns in the running command; full: FULL as well as SOME. */
void psi_memstall(struct machine *m, uint64_t ns, int full);
/* The clock moved (sim_advance): run the averaging work when a period ended. */
void psi_avgs_work(struct machine *m);

#endif
