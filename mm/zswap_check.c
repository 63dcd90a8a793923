// SPDX-License-Identifier: MIT
/*
 * zswap_check.c - what `check` verifies of zswap (zswap.h: zswap_check):
 * every entry sits in its own slot's place, the slot is in use and holds
 * neither a zero mark nor bytes on the device; the LRU lists hold exactly
 * the entries; stored_pages and stored_incompressible_pages count them;
 * each pool's classes and zspages agree with its entries (zs_check), and
 * nr_zspages with the pools' pages.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "zsmalloc.h"
#include "zswap.h"

#define PAGE	4096u

/* ---- check ---- */

#define MAX_REPORTS 16
#define REPORT(...) do { if (bad++ < MAX_REPORTS) rbl_printf(out, __VA_ARGS__); } while (0)

int zswap_check(struct machine *m, struct rbuf_lite *out)
{
	struct zswap *z = m->zswap;
	uint64_t stored = 0, incompressible = 0, on_lru = 0;
	uint64_t (*inuse)[ZS_SIZE_CLASSES] = calloc(ZSWAP_NR_COMP, sizeof(*inuse));
	int bad = 0;

	if (!inuse) {
		REPORT("zswap: no host memory to check the pool\n");
		return bad;
	}
	for (int t = 0; t < MAX_SWAPFILES; t++) {
		if (z->tree[t] && (!m->swap_info[t] || z->tree_len[t] != m->swap_info[t]->max))
			REPORT("zswap: a table for swap type %d, which has no such device\n", t);
		for (uint64_t off = 0; z->tree[t] && off < z->tree_len[t]; off++) {
			const struct zswap_entry *entry = z->tree[t][off];
			swp_entry_t e = swp_entry((unsigned)t, off);

			if (!entry)
				continue;
			stored++;
			incompressible += entry->length == PAGE;
			if (entry->swpentry.val != e.val)
				REPORT("zswap: the entry at %d:%llu names slot %d:%llu\n", t,
				       (unsigned long long)off, swp_type(entry->swpentry),
				       (unsigned long long)swp_offset(entry->swpentry));
			if (!m->swap_info[t] || !m->swap_info[t]->swap_map[off])
				REPORT("zswap: slot %d:%llu is stored but free\n", t,
				       (unsigned long long)off);
			else if ((m->swap_info[t]->zeromap[off / 64] >> (off % 64) & 1) ||
				 (m->swap_info[t]->datamap[off / 64] >> (off % 64) & 1))
				REPORT("zswap: slot %d:%llu is stored and also on the device\n", t,
				       (unsigned long long)off);
			if (entry->comp >= ZSWAP_NR_COMP || !z->pool[entry->comp] ||
			    entry->handle->len != entry->length || !entry->length ||
			    entry->length > PAGE) {
				REPORT("zswap: the entry of %d:%llu has length %u in pool %u\n", t,
				       (unsigned long long)off, entry->length, entry->comp);
				continue;
			}
			inuse[entry->comp][zs_class_of(z->pool[entry->comp], entry->length)->index]++;
		}
	}
	for (int n = 0; n < 64; n++) {
		const struct list_head *pos;
		uint64_t here = 0;

		list_for_each(pos, &z->lru[n]) {
			here++;
			const struct zswap_entry *entry = list_entry(pos, struct zswap_entry, lru);
			struct zswap_entry **s = zswap_slot(z, entry->swpentry);

			on_lru++;
			if (!s || *s != entry || entry->nid != n)
				REPORT("zswap: an entry on node %d's LRU is not in its slot's table\n",
				       n);
		}
		if (here != z->nr_lru[n])
			REPORT("zswap: node %d's LRU holds %llu entries, its count says %llu\n", n,
			       (unsigned long long)here, (unsigned long long)z->nr_lru[n]);
		if (z->nr_deferred[n] < 0)
			REPORT("zswap: the shrinker's deferred work on node %d is negative\n", n);
	}
	if (on_lru != stored)
		REPORT("zswap: %llu entries on the LRU lists, %llu in the tables\n",
		       (unsigned long long)on_lru, (unsigned long long)stored);
	if (stored != z->stored_pages || incompressible != z->stored_incompressible_pages)
		REPORT("zswap: stored_pages %llu (incompressible %llu), the tables hold %llu (%llu)\n",
		       (unsigned long long)z->stored_pages,
		       (unsigned long long)z->stored_incompressible_pages,
		       (unsigned long long)stored, (unsigned long long)incompressible);
	for (int c = 0; c < ZSWAP_NR_COMP; c++)
		if (z->pool[c])
			bad += zs_check(m, z->pool[c], inuse[c], zswap_comp_name(c), out);
	if ((uint64_t)global_zone_page_state(m, NR_ZSPAGES) != zswap_total_pages(m))
		REPORT("zswap: nr_zspages %lld, the pools hold %llu pages\n",
		       (long long)global_zone_page_state(m, NR_ZSPAGES),
		       (unsigned long long)zswap_total_pages(m));
	free(inuse);
	if (z->enabled && !z->initialized)
		REPORT("zswap: enabled but never set up\n");
	return bad;
}
