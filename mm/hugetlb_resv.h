/* SPDX-License-Identifier: MIT */
/*
 * hugetlb_resv.h - the slab objects of hugetlb's reservation maps
 * (kernel: mm/hugetlb.c resv_map_alloc, region_chg, region_add,
 * region_abort, region_del, resv_map_release).
 *
 * The model keeps its reservations per 2 MiB index (hugetlb.h); this is
 * the accounting of the objects Linux needs to keep the same facts:
 *
 *   struct resv_map     120 bytes (x86-64, CONFIG_CGROUP_HUGETLB) -> kmalloc-128
 *   struct file_region   48 bytes                                 -> kmalloc-64
 *
 * Every hugetlbfs file has an inode map (hugetlbfs_get_inode); a private
 * mapping that reserves gets a second one for its VMAs (the owner's,
 * HPAGE_RESV_OWNER), shared by the VMAs split from it and released with
 * the last of them. A map's file_regions are its regions (maximal runs of
 * indices: coalesce_file_region merges neighbours) plus its region_cache.
 * Only the region_chg / region_add / region_abort sequences of one index
 * or of a whole fresh file are needed, so the runs are kept as a per-index
 * byte map and the cache as a count; objects = runs + cache.
 */
#ifndef MM_HUGETLB_RESV_H
#define MM_HUGETLB_RESV_H

#include <stdint.h>

struct machine;

#define RESV_MAP_SIZE		120
#define FILE_REGION_SIZE	48

struct resv_acct {
	int live;		/* the resv_map exists */
	uint32_t map;		/* its kmalloc-128 handle */
	uint64_t nr;		/* indices covered by inreg */
	uint8_t *inreg;		/* per index: inside one of the map's regions */
	uint64_t cache;		/* region_cache_count */
	uint32_t *fr;		/* handles of its file_regions (regions and cache) */
	uint64_t nr_fr, cap_fr;
};

/* resv_map_alloc: the map and the one file_region of its cache; -ENOMEM. */
int resv_acct_alloc(struct machine *m, struct resv_acct *r, uint64_t nr);
/* resv_map_release (after region_del of everything): all objects back. */
void resv_acct_release(struct machine *m, struct resv_acct *r);
/* region_chg of one index: the cache is topped up to one entry. */
void resv_acct_chg1(struct machine *m, struct resv_acct *r);
/* region_add of one index after region_chg: a cache entry, coalesced. */
void resv_acct_add1(struct machine *m, struct resv_acct *r, uint64_t idx);
/* region_chg + region_add of [from, to) of a map with no regions yet. */
void resv_acct_add_fresh(struct machine *m, struct resv_acct *r, uint64_t from, uint64_t to);
/* The regions of the map (runs of inreg). */
uint64_t resv_acct_runs(const struct resv_acct *r);

#endif
