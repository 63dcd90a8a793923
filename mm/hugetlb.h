/* SPDX-License-Identifier: MIT */
/* hugetlb.h - the persistent 2 MiB hugetlb pool (kernel: mm/hugetlb.c). */
#ifndef MM_HUGETLB_H
#define MM_HUGETLB_H

#include <stdint.h>

struct machine;

#define HPAGE_PMD_ORDER 9

/*
 * Grow or shrink the pool towards count pages, allocating round-robin over
 * the nodes as the kernel does; growth stops at the first node round where
 * no node can supply a page. Only free pages are released when shrinking.
 * Expects m->lock held.
 */
void hugetlb_set_pool_size(struct machine *m, uint64_t count);
void hugetlb_release_all(struct machine *m);

#endif
