// SPDX-License-Identifier: MIT
/*
 * filemap_shadow.c - the shadows evicted page-cache pages leave at their
 * index (kernel: the shadow entries of the page cache's xarray,
 * workingset.c). See filemap_internal.h.
 *
 * Linux keeps a shadow in the very slot the page occupied; here the index
 * of cached pages is a chained hash of pages, so shadows live beside it in
 * an open-addressed table of (index, value) that grows at half load and
 * deletes by backward shift, so lookups never cross tombstones. A value is
 * odd for a shadow (workingset.c makes them so) and even for the swap
 * entry of a shmem page on swap (entry << 1), which holds a reference to
 * its slot until it is taken back or dropped.
 */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"
#include "filemap_internal.h"
#include "swap.h"

#define IS_SWAP(v)	(!((v) & 1))

#define EMPTY UINT64_MAX

static uint64_t slot_of(uint64_t index, uint64_t cap)
{
	return (index * 0x9e3779b97f4a7c15ULL >> 17) & (cap - 1);
}

static int shadow_grow(struct address_space *as)
{
	uint64_t cap = as->shadow_cap ? as->shadow_cap * 2 : 64;
	struct pc_shadow *t = kmalloc(cap * sizeof(*t));

	if (!t)
		return -1;
	for (uint64_t i = 0; i < cap; i++)
		t[i].index = EMPTY;
	for (uint64_t i = 0; i < as->shadow_cap; i++) {
		uint64_t h;

		if (as->shadows[i].index == EMPTY)
			continue;
		h = slot_of(as->shadows[i].index, cap);
		while (t[h].index != EMPTY)
			h = (h + 1) & (cap - 1);
		t[h] = as->shadows[i];
	}
	kfree(as->shadows);
	as->shadows = t;
	as->shadow_cap = cap;
	return 0;
}

int shadow_store(struct address_space *as, uint64_t index, uint64_t shadow)
{
	uint64_t h;

	if ((as->nr_shadows + 1) * 2 > as->shadow_cap && shadow_grow(as))
		return -1;
	h = slot_of(index, as->shadow_cap);
	while (as->shadows[h].index != EMPTY && as->shadows[h].index != index)
		h = (h + 1) & (as->shadow_cap - 1);
	if (as->shadows[h].index == EMPTY)
		as->nr_shadows++;
	as->shadows[h] = (struct pc_shadow){ index, shadow };
	xa_nodes_update(as);
	return 0;
}

/* Remove the entry at slot h, shifting back the ones its removal would orphan. */
static void shadow_remove_at(struct address_space *as, uint64_t h)
{
	uint64_t mask = as->shadow_cap - 1, j = h;

	for (;;) {
		uint64_t want;

		j = (j + 1) & mask;
		if (as->shadows[j].index == EMPTY)
			break;
		want = slot_of(as->shadows[j].index, as->shadow_cap);
		/* j may move to h unless its home lies cyclically in (h, j] */
		if ((j > h && (want <= h || want > j)) || (j < h && want <= h && want > j)) {
			as->shadows[h] = as->shadows[j];
			h = j;
		}
	}
	as->shadows[h].index = EMPTY;
	as->nr_shadows--;
	xa_nodes_update(as);
}

/* The slot of index in the table, or UINT64_MAX. */
static uint64_t shadow_find(const struct address_space *as, uint64_t index)
{
	uint64_t h;

	if (!as->nr_shadows)
		return UINT64_MAX;
	h = slot_of(index, as->shadow_cap);
	while (as->shadows[h].index != EMPTY && as->shadows[h].index != index)
		h = (h + 1) & (as->shadow_cap - 1);
	return as->shadows[h].index == EMPTY ? UINT64_MAX : h;
}

int shadow_at(const struct address_space *as, uint64_t index)
{
	return shadow_find(as, index) != UINT64_MAX;
}

uint64_t shadow_take(struct address_space *as, uint64_t index)
{
	uint64_t h = shadow_find(as, index), v;

	if (h == UINT64_MAX || IS_SWAP(as->shadows[h].shadow))
		return 0;
	v = as->shadows[h].shadow;
	shadow_remove_at(as, h);
	return v;
}

uint64_t shmem_swap_entry(const struct address_space *as, uint64_t index)
{
	uint64_t h = shadow_find(as, index);

	return h == UINT64_MAX || !IS_SWAP(as->shadows[h].shadow) ? 0 : as->shadows[h].shadow >> 1;
}

void shmem_swap_clear(struct address_space *as, uint64_t index)
{
	uint64_t h = shadow_find(as, index);

	if (h != UINT64_MAX)
		shadow_remove_at(as, h);
}

uint64_t shmem_swap_count(const struct address_space *as, uint64_t first, uint64_t end)
{
	uint64_t n = 0;

	for (uint64_t i = 0; as->nr_shadows && i < as->shadow_cap; i++) {
		uint64_t idx = as->shadows[i].index;

		n += idx != EMPTY && idx >= first && idx < end && IS_SWAP(as->shadows[i].shadow);
	}
	return n;
}

long shmem_swap_indices(const struct address_space *as, uint64_t first, uint64_t end,
			uint64_t **out)
{
	/* probing each index of a short range is cheaper than a pass over the table */
	int probe = end - first <= as->shadow_cap;
	uint64_t k = 0, *v;

	*out = NULL;
	if (!as->nr_shadows || first >= end)
		return 0;
	v = malloc((probe ? end - first : as->nr_shadows) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (uint64_t i = first; probe && i < end; i++)
		if (shmem_swap_entry(as, i))
			v[k++] = i;
	for (uint64_t h = 0; !probe && h < as->shadow_cap; h++)
		if (as->shadows[h].index != EMPTY && as->shadows[h].index >= first &&
		    as->shadows[h].index < end && IS_SWAP(as->shadows[h].shadow))
			v[k++] = as->shadows[h].index;
	if (!probe)
		qsort(v, k, sizeof(*v), cmp_u64);
	if (!k) {
		free(v);
		v = NULL;
	}
	*out = v;
	return (long)k;
}

void shadow_drop_range(struct address_space *as, uint64_t first, uint64_t end)
{
	uint64_t i = 0;

	while (as->nr_shadows && i < as->shadow_cap) {
		uint64_t idx = as->shadows[i].index;

		if (idx != EMPTY && idx >= first && idx < end) {
			uint64_t v = as->shadows[i].shadow;

			shadow_remove_at(as, i);	/* slot i refilled: look at it again */
			if (IS_SWAP(v))		/* a shmem page on swap: its slot goes too */
				free_swap_and_cache(as->m, (swp_entry_t){ v >> 1 });
		} else {
			i++;
		}
	}
}

void shadow_release(struct address_space *as)
{
	shadow_drop_range(as, 0, UINT64_MAX);
	kfree(as->shadows);
	as->shadows = NULL;
	as->shadow_cap = as->nr_shadows = 0;
	xa_nodes_update(as);
}

int shmem_swap_store(struct address_space *as, uint64_t index, uint64_t entry)
{
	return shadow_store(as, index, entry << 1);
}
