/* SPDX-License-Identifier: MIT */
/*
 * memmap.c - the struct page array and the frame contents.
 *
 * Both are regions (arena.h): sparse memfds, never touched at boot, so the
 * host commits memory only for the struct pages and frames the model
 * writes and the cost of a machine is proportional to what it uses, not to
 * ram=; and a checkpoint saves exactly what was written.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"
#include "arena.h"
#include "page_alloc.h"

/*
 * With a fixed image base the regions follow the arena there, each on a
 * 2 MiB boundary, so that every process maps them at the same addresses.
 */
static uint64_t next_fixed(const struct machine *m, const struct region *after)
{
	uint64_t end;

	if (!m->cfg.image_base)
		return 0;
	end = (uint64_t)(uintptr_t)after->addr + after->size;
	return (end + (2ULL << 20) - 1) & ~((2ULL << 20) - 1);
}

int memmap_init(struct machine *m)
{
	size_t nblocks = (size_t)(m->max_pfn >> pageblock_order) + 1;
	int err;

	m->mem_map_bytes = (size_t)m->max_pfn * sizeof(struct page);
	m->frames_bytes = (size_t)m->max_pfn << MM_PAGE_SHIFT;
	err = region_reserve(&m->mem_map_region, next_fixed(m, arena_region(m->arena)),
			     m->mem_map_bytes, "mmfs-mem_map");
	if (!err)
		err = region_reserve(&m->frames_region, next_fixed(m, &m->mem_map_region),
				     m->frames_bytes, "mmfs-frames");
	m->mem_map = (struct page *)m->mem_map_region.addr;
	m->frames = m->frames_region.addr;
	m->pageblock_mt = kmalloc(nblocks);
	m->pageblock_skip = kzalloc(nblocks);
	if (err || !m->pageblock_mt || !m->pageblock_skip) {
		memmap_free(m);
		return err ? err : -ENOMEM;
	}
	/* Linux marks every pageblock Movable at boot (memmap_init_range). */
	memset(m->pageblock_mt, MIGRATE_MOVABLE, nblocks);
	return 0;
}

void memmap_free(struct machine *m)
{
	region_release(&m->mem_map_region);
	region_release(&m->frames_region);
	kfree(m->pageblock_mt);
	kfree(m->pageblock_skip);
	m->pageblock_skip = NULL;
	m->mem_map = NULL;
	m->frames = NULL;
	m->pageblock_mt = NULL;
}

enum pfn_kind pfn_kind(struct machine *m, uint64_t pfn)
{
	int lo = 0, hi = m->nr_ranges;

	if (pfn >= m->max_pfn)
		return PFN_HOLE;
	while (lo < hi) {	/* first range with end > pfn */
		int mid = (lo + hi) / 2;

		if (m->ranges[mid].end <= pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < m->nr_ranges && m->ranges[lo].start <= pfn)
		return m->ranges[lo].kind;
	return PFN_USABLE;
}
