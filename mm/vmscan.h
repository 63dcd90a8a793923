/* SPDX-License-Identifier: MIT */
/* vmscan.h - reclaim (expects m->lock held). */
#ifndef MM_VMSCAN_H
#define MM_VMSCAN_H

#include <stdint.h>

struct machine;
struct mm_struct;

/*
 * MADV_COLD (pageout 0): deactivate the pages of [start, end); MADV_PAGEOUT
 * (1): reclaim what can be reclaimed of them. Either splits the large
 * page-cache folios the range maps only in part (see vmscan.c).
 */
void cold_or_pageout_range(struct machine *m, struct mm_struct *mm, uint64_t start, uint64_t end,
			   int pageout);

#endif
