// SPDX-License-Identifier: MIT
/*
 * filemap_shadow.c - the shadows evicted page-cache pages leave at their
 * index (kernel: the shadow entries of the page cache's xarray,
 * workingset.c). See filemap_internal.h.
 *
 * Linux keeps a shadow in the very slot the page occupied; here the index
 * of cached pages is a chained hash of pages, so shadows live beside it in
 * an open-addressed table of (index, shadow) that grows at half load and
 * deletes by backward shift, so lookups never cross tombstones.
 */
#include "internal.h"
#include "filemap_internal.h"

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

void shadow_store(struct address_space *as, uint64_t index, uint64_t shadow)
{
	uint64_t h;

	if ((as->nr_shadows + 1) * 2 > as->shadow_cap && shadow_grow(as))
		return;	/* no room: the refault will simply not be recognised */
	h = slot_of(index, as->shadow_cap);
	while (as->shadows[h].index != EMPTY && as->shadows[h].index != index)
		h = (h + 1) & (as->shadow_cap - 1);
	if (as->shadows[h].index == EMPTY)
		as->nr_shadows++;
	as->shadows[h] = (struct pc_shadow){ index, shadow };
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
}

uint64_t shadow_take(struct address_space *as, uint64_t index)
{
	uint64_t h, v;

	if (!as->nr_shadows)
		return 0;
	h = slot_of(index, as->shadow_cap);
	while (as->shadows[h].index != EMPTY && as->shadows[h].index != index)
		h = (h + 1) & (as->shadow_cap - 1);
	if (as->shadows[h].index == EMPTY)
		return 0;
	v = as->shadows[h].shadow;
	shadow_remove_at(as, h);
	return v;
}

void shadow_drop_range(struct address_space *as, uint64_t first, uint64_t end)
{
	uint64_t i = 0;

	while (as->nr_shadows && i < as->shadow_cap) {
		uint64_t idx = as->shadows[i].index;

		if (idx != EMPTY && idx >= first && idx < end)
			shadow_remove_at(as, i);	/* slot i refilled: look at it again */
		else
			i++;
	}
}

void shadow_release(struct address_space *as)
{
	kfree(as->shadows);
	as->shadows = NULL;
	as->shadow_cap = as->nr_shadows = 0;
}
