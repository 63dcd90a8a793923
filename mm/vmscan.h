/* SPDX-License-Identifier: MIT */
/* vmscan.h - reclaim (expects m->lock held). */
#ifndef MM_VMSCAN_H
#define MM_VMSCAN_H

#include <stdint.h>

struct machine;
struct mm_struct;

/* MADV_PAGEOUT: reclaim what can be reclaimed of the pages of [start, end). */
void reclaim_range(struct machine *m, struct mm_struct *mm, uint64_t start, uint64_t end);

#endif
