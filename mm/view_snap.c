// SPDX-License-Identifier: MIT
/*
 * view_snap.c - what the pictures of view/ are drawn from (view_snap.h).
 *
 * The physical map walks memory by runs (pfn_run.h): the pristine free
 * range of a zone and the reserved ranges cost one step each, free buddy
 * blocks one step per block, and only allocated frames are looked at one
 * by one; so a 1 TiB machine is a few thousand steps plus what is in use.
 * The address-space map walks the page tables of each VMA (walk_range),
 * visiting only the tables that exist.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "page.h"
#include "pfn_run.h"
#include "pgtable.h"
#include "task.h"
#include "vma.h"
#include "vmstat.h"

const char *const mm_frame_use_names[MM_NR_USES] = {
	[MM_USE_FREE] = "free", [MM_USE_ANON] = "anonymous", [MM_USE_THP] = "anonymous THP",
	[MM_USE_CACHE] = "page cache", [MM_USE_SHMEM] = "shmem / swap cache",
	[MM_USE_PGTABLE] = "page tables", [MM_USE_SLAB] = "slab",
	[MM_USE_HUGETLB] = "hugetlb", [MM_USE_KERNEL] = "kernel (other)",
	[MM_USE_RESERVED] = "reserved", [MM_USE_HOLE] = "hole",
};

const char *const mm_page_state_names[MM_NR_PS] = {
	[MM_PS_NONE] = "not present", [MM_PS_RESIDENT] = "resident",
	[MM_PS_HUGE] = "huge page", [MM_PS_ZERO] = "zero page", [MM_PS_SWAP] = "swapped",
};

/* ---- physical memory ---- */

struct phys_walk {
	struct mm_phys_snap *s;
	const struct mm_phys_zone *z;
};

/*
 * Count [pfn, end) of zone w->z as use (free: in blocks of order), across as
 * many cells as it spans.
 */
static void add_run_order(struct phys_walk *w, uint64_t pfn, uint64_t end, enum mm_frame_use use,
			  unsigned order)
{
	uint64_t ppc = w->s->pfns_per_cell, base = w->z->start_pfn / ppc;

	while (pfn < end) {
		struct mm_phys_cell *c = &w->s->cell[w->z->first_cell + (pfn / ppc - base)];
		uint64_t stop = end < c->end_pfn ? end : c->end_pfn;

		c->pages[use] += (uint32_t)(stop - pfn);
		if (use == MM_USE_FREE)
			c->free_pages[order] += (uint32_t)(stop - pfn);
		pfn = stop;
	}
}

static void add_run(struct phys_walk *w, uint64_t pfn, uint64_t end, enum mm_frame_use use)
{
	add_run_order(w, pfn, end, use, MM_MAX_ORDER);
}

/* What an allocated frame holds, from its folio's flags (kpageflags' view). */
static enum mm_frame_use page_use(struct machine *m, uint64_t pfn)
{
	const struct page *page = pfn_to_page(m, pfn);
	const struct page *folio = pfn_to_page(m, compound_head_pfn(m, pfn));

	if (pfn == m->zero_pfn || PageFlag(folio, PG_zero))
		return MM_USE_KERNEL;
	if (PageFlag(folio, PG_hugetlb))
		return MM_USE_HUGETLB;
	if (PageFlag(page, PG_pgtable))
		return MM_USE_PGTABLE;
	if (PageFlag(folio, PG_slab))
		return MM_USE_SLAB;
	if (PageFlag(folio, PG_anon))
		return PageFlag(folio, PG_head) ? MM_USE_THP : MM_USE_ANON;
	if (PageFlag(folio, PG_swapbacked) || PageFlag(folio, PG_swapcache))
		return MM_USE_SHMEM;
	if (folio->mapping)
		return MM_USE_CACHE;
	if (PageFlag(page, PG_reserved))
		return MM_USE_RESERVED;
	return MM_USE_KERNEL;
}

static void walk_pages(struct phys_walk *w, struct machine *m, uint64_t pfn, uint64_t stop)
{
	unsigned order = 0;
	uint64_t free_end = free_block_find(m, pfn, &order);

	while (pfn < stop) {
		const struct page *page = pfn_to_page(m, pfn);

		if (pfn >= free_end && PageFlag(page, PG_buddy)) {
			order = (unsigned)page->private;
			free_end = pfn + (1ULL << order);
		}
		if (pfn < free_end) {
			uint64_t end = free_end < stop ? free_end : stop;

			add_run_order(w, pfn, end, MM_USE_FREE, order);
			pfn = end;
			continue;
		}
		add_run(w, pfn, pfn + 1, page_use(m, pfn));
		pfn++;
	}
}

static void walk_zone(struct phys_walk *w, struct machine *m)
{
	for (uint64_t pfn = w->z->start_pfn; pfn < w->z->end_pfn;) {
		enum pfn_run kind;
		uint64_t stop = pfn_run(m, pfn, w->z->end_pfn, &kind);

		switch (kind) {
		case RUN_RESERVED:
			add_run(w, pfn, stop, pfn_kind(m, pfn) == PFN_HOLE ? MM_USE_HOLE
									 : MM_USE_RESERVED);
			break;
		case RUN_FREE:	/* the pristine range: MAX_ORDER blocks */
			add_run(w, pfn, stop, MM_USE_FREE);
			break;
		case RUN_NOPAGE:
			add_run(w, pfn, stop, MM_USE_HOLE);
			break;
		case RUN_PAGES:
			walk_pages(w, m, pfn, stop);
			break;
		}
		pfn = stop;
	}
}

/* Cells zone z takes at ppc pfns a cell. */
static uint64_t zone_cells(const struct zone *z, uint64_t ppc)
{
	return (zone_end_pfn(z) - 1) / ppc - z->zone_start_pfn / ppc + 1;
}

static uint64_t cells_needed(struct machine *m, uint64_t ppc)
{
	uint64_t n = 0;

	for (int nid = 0; nid < m->nr_nodes; nid++)
		for (int zid = 0; zid < MAX_NR_ZONES; zid++) {
			const struct zone *z = &m->node[nid]->node_zones[zid];

			if (populated_zone(z))
				n += zone_cells(z, ppc);
		}
	return n;
}

static struct mm_phys_snap *phys_locked(struct machine *m, size_t max_cells)
{
	uint64_t ppc = 1ULL << MM_PAGEBLOCK_ORDER, n;
	struct mm_phys_snap *s;
	struct phys_walk w;

	while ((n = cells_needed(m, ppc)) > max_cells && ppc < m->max_pfn)
		ppc <<= 1;
	s = calloc(1, sizeof(*s) + n * sizeof(s->cell[0]));
	if (!s)
		return NULL;
	s->pfns_per_cell = ppc;
	w.s = s;
	for (int nid = 0; nid < m->nr_nodes; nid++)
		for (int zid = 0; zid < MAX_NR_ZONES; zid++) {
			const struct zone *z = &m->node[nid]->node_zones[zid];
			struct mm_phys_zone *pz = &s->zone[s->nr_zones];

			if (!populated_zone(z))
				continue;
			s->nr_zones++;
			pz->nid = nid;
			pz->zid = zid;
			pz->start_pfn = z->zone_start_pfn;
			pz->end_pfn = zone_end_pfn(z);
			pz->first_cell = s->nr_cells;
			pz->nr_cells = zone_cells(z, ppc);
			for (size_t i = 0; i < pz->nr_cells; i++) {
				struct mm_phys_cell *c = &s->cell[s->nr_cells++];
				uint64_t a = (pz->start_pfn / ppc + i) * ppc;

				c->start_pfn = a > pz->start_pfn ? a : pz->start_pfn;
				c->end_pfn = a + ppc < pz->end_pfn ? a + ppc : pz->end_pfn;
				for (uint64_t b = c->start_pfn >> MM_PAGEBLOCK_ORDER;
				     b <= (c->end_pfn - 1) >> MM_PAGEBLOCK_ORDER; b++)
					c->pageblocks[m->pageblock_mt[b]]++;
			}
			w.z = pz;
			walk_zone(&w, m);
		}
	return s;
}

struct mm_phys_snap *mm_snap_phys(struct machine *m, size_t max_cells, struct mm_global_snap **g)
{
	struct mm_phys_snap *s;

	machine_lock(m);
	*g = snap_global_locked(m);
	s = *g ? phys_locked(m, max_cells ? max_cells : 1) : NULL;
	machine_unlock(m);
	if (!s) {
		free(*g);
		*g = NULL;
	}
	return s;
}

/* ---- an address space ---- */

struct aspace_walk {
	struct machine *m;
	struct mm_aspace_vma *v;
	struct mm_aspace_bin *bins;	/* v's, or NULL */
};

static void count_pages(struct aspace_walk *w, uint64_t addr, uint64_t n, enum mm_page_state st)
{
	uint64_t pages = (w->v->end - w->v->start) >> MM_PAGE_SHIFT;
	uint64_t first = (addr - w->v->start) >> MM_PAGE_SHIFT;
	uint64_t nb = w->v->nr_bins;

	w->v->pages[st] += n;
	w->v->pages[MM_PS_NONE] -= n;
	for (uint64_t p = first; w->bins && p < first + n;) {
		/* bin i holds pages [i*P/nb, (i+1)*P/nb): p's, then where it ends */
		uint64_t i = p * nb / pages, hi;

		while ((i + 1) * pages / nb <= p)
			i++;
		hi = (i + 1) * pages / nb < first + n ? (i + 1) * pages / nb : first + n;
		w->bins[i].pages[st] += (uint32_t)(hi - p);
		w->bins[i].pages[MM_PS_NONE] -= (uint32_t)(hi - p);
		p = hi;
	}
}

static int aspace_pmd(struct machine *m, struct mm_struct *mm, uint64_t addr, uint64_t end,
		      pte_t *pmd, void *arg)
{
	struct aspace_walk *w = arg;
	uint64_t pfn = pte_pfn(*pmd);

	(void)mm;
	count_pages(w, addr, (end - addr) >> MM_PAGE_SHIFT,
		    pfn && pfn == m->huge_zero_pfn ? MM_PS_ZERO : MM_PS_HUGE);
	return 0;
}

static int aspace_pte(struct machine *m, struct mm_struct *mm, uint64_t addr, pte_t *pte,
		      void *arg)
{
	struct aspace_walk *w = arg;

	(void)mm;
	if (pte_is_swap(*pte))
		count_pages(w, addr, 1, MM_PS_SWAP);
	else
		count_pages(w, addr, 1, pte_pfn(*pte) == m->zero_pfn ? MM_PS_ZERO
								: MM_PS_RESIDENT);
	return 0;
}

static uint32_t vma_bins(const struct vm_area_struct *vma, unsigned nbins)
{
	uint64_t pages = (vma->vm_end - vma->vm_start) >> MM_PAGE_SHIFT;

	return nbins && pages > 1 ? (uint32_t)(pages < nbins ? pages : nbins) : 0;
}

/* What the snapshot of mm needs: VMAs, bins and name bytes. */
static void aspace_size(struct machine *m, struct mm_struct *mm, unsigned nbins,
			struct mm_vma_snap *vs, size_t *nr, size_t *bins, size_t *names)
{
	VMA_ITERATOR(vmi, mm, 0);
	struct vm_area_struct *vma;

	for_each_vma(vmi, vma) {
		vma_snap_fill(m, mm, vma, vs, 1);
		(*nr)++;
		*bins += vma_bins(vma, nbins);
		*names += strlen(vs->name) + 1;
	}
}

/* Fill the VMAs, their bins all "not present", then walk the page tables. */
static void aspace_fill(struct machine *m, struct mm_struct *mm, unsigned nbins,
			struct mm_vma_snap *vs, struct mm_aspace_snap *s)
{
	VMA_ITERATOR(vmi, mm, 0);
	struct vm_area_struct *vma;
	size_t i = 0, bin = 0, name = 0;

	for_each_vma(vmi, vma) {
		struct mm_aspace_vma *v = &s->vmas[i++];
		uint64_t pages = (vma->vm_end - vma->vm_start) >> MM_PAGE_SHIFT;
		struct aspace_walk w = { m, v, NULL };

		vma_snap_fill(m, mm, vma, vs, 1);
		*v = (struct mm_aspace_vma){ .start = vs->start, .end = vs->end,
			.flags = vs->flags, .pgoff = vs->pgoff, .is_file = vs->is_file,
			.dev_major = vs->dev_major, .dev_minor = vs->dev_minor, .ino = vs->ino,
			.name = (uint32_t)name, .nr_bins = vma_bins(vma, nbins), .first_bin = bin };
		v->pages[MM_PS_NONE] = pages;
		strcpy((char *)s->names + name, vs->name);
		name += strlen(vs->name) + 1;
		for (uint32_t b = 0; b < v->nr_bins; b++)
			s->bins[bin + b].pages[MM_PS_NONE] =
				(uint32_t)((b + 1) * pages / v->nr_bins - b * pages / v->nr_bins);
		w.bins = v->nr_bins ? &s->bins[bin] : NULL;
		bin += v->nr_bins;
		walk_range(m, mm, v->start, v->end, aspace_pmd, aspace_pte, &w);
	}
}

struct mm_aspace_snap *mm_snap_aspace(struct machine *m, int pid, unsigned max_bins,
				      size_t bin_vmas)
{
	struct mm_vma_snap *vs = malloc(sizeof(*vs));
	struct mm_aspace_snap *s = NULL;
	size_t nr = 0, bins = 0, names = 1;
	unsigned nbins = 0;
	struct task *t;

	if (!vs)
		return NULL;
	machine_lock(m);
	t = find_task_by_pid(m, pid);
	if (t && t->mm) {
		nbins = vma_count(t->mm) <= bin_vmas ? max_bins : 0;
		aspace_size(m, t->mm, nbins, vs, &nr, &bins, &names);
	}
	if (t)
		s = calloc(1, sizeof(*s) + nr * sizeof(s->vmas[0]) + bins * sizeof(s->bins[0]) +
			      names);
	if (s) {
		task_snap_fill(m, t, &s->task, 0);
		s->nr_vmas = nr;
		s->nr_bins = bins;
		s->vmas = (struct mm_aspace_vma *)(s + 1);
		s->bins = (struct mm_aspace_bin *)(s->vmas + nr);
		s->names = (const char *)(s->bins + bins);
		if (t->mm)
			aspace_fill(m, t->mm, nbins, vs, s);
	}
	machine_unlock(m);
	free(vs);
	return s;
}
