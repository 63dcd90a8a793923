/* SPDX-License-Identifier: MIT */
/*
 * swaptest.h - what the swap tests share on top of mmtest.h: the machine's
 * event counters and node counters, madvise that must succeed, and the
 * swap space in use. Include after mmtest.h (and mm/swap.h, mm/vmstat.h).
 */
#ifndef TESTS_SWAPTEST_H
#define TESTS_SWAPTEST_H

static inline int64_t ev(enum vm_event_item i)
{
	return m->vm_events[i];
}

static inline int64_t node_pages(enum node_stat_item i)
{
	return global_node_page_state(m, i);
}

static inline void madvise(int pid, uint64_t addr, uint64_t len, int64_t advice)
{
	call(pid, (struct mm_call){ .verb = MMV_MADVISE, .addr = addr, .len = len, .advice = advice });
}

/* Used in proc/swaps: SwapTotal - SwapFree, in kB. */
static inline uint64_t swap_used_kb(void)
{
	return (total_swap_pages(m) - nr_swap_pages(m)) * 4;
}

#endif
