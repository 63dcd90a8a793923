// SPDX-License-Identifier: MIT
/*
 * hugetlb_resv.c - kmalloc accounting of hugetlb's resv_map and
 * file_region objects (see hugetlb_resv.h for what is counted and why).
 * Each step fires the kmalloc / kfree events Linux's does, at the call
 * sites Linux's are made from.
 */
#include <errno.h>

#include "internal.h"
#include "arena.h"
#include "hugetlb_resv.h"
#include "slab.h"
#include "trace.h"

static int fr_alloc(struct machine *m, struct resv_acct *r, const char *site)
{
	if (r->nr_fr == r->cap_fr) {
		uint64_t cap = r->cap_fr ? 2 * r->cap_fr : 4;
		uint32_t *a = kcalloc(cap, sizeof(*a));

		if (!a)
			return -ENOMEM;
		for (uint64_t i = 0; i < r->nr_fr; i++)
			a[i] = r->fr[i];
		kfree(r->fr);
		r->fr = a;
		r->cap_fr = cap;
	}
	r->fr[r->nr_fr++] = kmalloc_acct(m, FILE_REGION_SIZE, LGFP_KERNEL, -1, site);
	return 0;
}

static void fr_free(struct machine *m, struct resv_acct *r, const char *site)
{
	kfree_acct(m, FILE_REGION_SIZE, LGFP_KERNEL, r->fr[--r->nr_fr], site);
}

int resv_acct_alloc(struct machine *m, struct resv_acct *r, uint64_t nr)
{
	r->inreg = kzalloc(nr ? nr : 1);
	if (!r->inreg)
		return -ENOMEM;
	r->nr = nr;
	r->map = kmalloc_acct(m, RESV_MAP_SIZE, LGFP_KERNEL, -1, "resv_map_alloc");
	r->live = 1;
	if (fr_alloc(m, r, "resv_map_alloc")) {
		resv_acct_release(m, r);
		return -ENOMEM;
	}
	r->cache = 1;
	return 0;
}

uint64_t resv_acct_runs(const struct resv_acct *r)
{
	uint64_t runs = 0;

	for (uint64_t i = 0; r->inreg && i < r->nr; i++)
		runs += r->inreg[i] && (!i || !r->inreg[i - 1]);
	return runs;
}

void resv_acct_release(struct machine *m, struct resv_acct *r)
{
	uint64_t regions = resv_acct_runs(r);

	if (!r->live)
		return;
	/* region_del(0, LONG_MAX) frees the regions, then the cache and the map go */
	for (uint64_t i = 0; i < regions && r->nr_fr; i++)
		fr_free(m, r, "region_del");
	while (r->nr_fr)
		fr_free(m, r, "resv_map_release");
	kfree_acct(m, RESV_MAP_SIZE, LGFP_KERNEL, r->map, "resv_map_release");
	kfree(r->fr);
	kfree(r->inreg);
	*r = (struct resv_acct){ 0 };
}

void resv_acct_chg1(struct machine *m, struct resv_acct *r)
{
	/* allocate_file_region_entries: adds_in_progress (0) + 1 */
	if (r->live && r->cache < 1 && !fr_alloc(m, r, "allocate_file_region_entries"))
		r->cache++;
}

void resv_acct_add1(struct machine *m, struct resv_acct *r, uint64_t idx)
{
	if (!r->live || idx >= r->nr || r->inreg[idx] || !r->cache)
		return;
	r->cache--;
	r->inreg[idx] = 1;
	/* coalesce_file_region: merged into the left neighbour, that into the right one */
	if (idx && r->inreg[idx - 1])
		fr_free(m, r, "coalesce_file_region");
	if (idx + 1 < r->nr && r->inreg[idx + 1])
		fr_free(m, r, "coalesce_file_region");
}

void resv_acct_add_fresh(struct machine *m, struct resv_acct *r, uint64_t from, uint64_t to)
{
	if (!r->live || from >= to || to > r->nr)
		return;
	resv_acct_chg1(m, r);
	r->cache--;
	for (uint64_t i = from; i < to; i++)
		r->inreg[i] = 1;
}
