/* SPDX-License-Identifier: MIT */
/*
 * memmap.c - the struct page array and the frame contents.
 *
 * Both are reserved with MAP_NORESERVE and never touched at boot: the host
 * commits memory only for the struct pages and frames the model writes, so
 * the cost of a machine is proportional to what it uses, not to ram=.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"
#include "page_alloc.h"

static void *reserve(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

int memmap_init(struct machine *m)
{
	size_t nblocks = (size_t)(m->max_pfn >> pageblock_order) + 1;

	m->mem_map_bytes = (size_t)m->max_pfn * sizeof(struct page);
	m->frames_bytes = (size_t)m->max_pfn << MM_PAGE_SHIFT;
	m->mem_map = reserve(m->mem_map_bytes);
	m->frames = reserve(m->frames_bytes);
	m->pageblock_mt = malloc(nblocks);
	if (!m->mem_map || !m->frames || !m->pageblock_mt) {
		memmap_free(m);
		return -ENOMEM;
	}
	/* Linux marks every pageblock Movable at boot (memmap_init_range). */
	memset(m->pageblock_mt, MIGRATE_MOVABLE, nblocks);
	return 0;
}

void memmap_free(struct machine *m)
{
	if (m->mem_map)
		munmap(m->mem_map, m->mem_map_bytes);
	if (m->frames)
		munmap(m->frames, m->frames_bytes);
	free(m->pageblock_mt);
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
