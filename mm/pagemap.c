/* SPDX-License-Identifier: MIT */
/*
 * pagemap.c - the binary proc files: proc/PID/mem, proc/PID/pagemap,
 * proc/kpageflags and proc/kpagecount (kernel: fs/proc/base.c mem_rw,
 * fs/proc/task_mmu.c pagemap_read, fs/proc/page.c).
 *
 * Each reader takes the machine lock once per request and fills a whole
 * range, so a large pread costs one lock round trip. kpageflags and
 * kpagecount never look at the struct pages of memory the model has not
 * touched: reserved ranges and the zones' pristine free blocks are
 * answered from the memory layout alone, so reading every pfn of a 1 TiB
 * machine commits no host memory for its mem_map.
 */
#include <limits.h>
#include <string.h>

#include "internal.h"
#include "vmscan.h"
#include "hugetlb.h"
#include "huge_memory.h"
#include "memory.h"
#include "page_alloc.h"
#include "pagemap.h"
#include "pfn_run.h"
#include "pgtable.h"
#include "task.h"

/* ---- one page, as stable_page_flags() sees it ---- */

/*
 * The head of the compound page pfn belongs to, or pfn itself. Compound
 * pages are order-9 blocks whose head carries PG_head: hugetlb pool pages
 * (PG_hugetlb), THPs and the huge zero page (PG_zero).
 */
uint64_t compound_head_pfn(struct machine *m, uint64_t pfn)
{
	struct page *head = compound_head_of(m, pfn_to_page(m, pfn));

	return head ? page_to_pfn(m, head) : pfn;
}

/*
 * How many PTEs map this page (folio_precise_page_mapcount): its own
 * count, plus the whole-folio mappings of the compound page it is part of.
 */
static uint64_t page_mapcount(struct machine *m, uint64_t pfn)
{
	return precise_mapcount(m, pfn_to_page(m, pfn));
}

/* Is the folio mapped anywhere (folio_mapped)? The huge zero page never is. */
static int folio_mapped(struct machine *m, uint64_t head_pfn)
{
	struct page *folio = pfn_to_page(m, head_pfn);

	if (PageFlag(folio, PG_head) && !PageFlag(folio, PG_zero))
		return *folio_entire_mapcount(folio) || *folio_nr_mapped(folio) || folio->mapcount > 0;
	return folio->mapcount > 0;
}

/* A page-cache page of a regular file: the kernel's PG_mappedtodisk. */
static int page_mapped_to_disk(const struct page *page)
{
	return page->mapping && !PageFlag(page, PG_anon) && !PageFlag(page, PG_swapbacked);
}

static uint64_t copy_bit(uint64_t flags, enum pageflags pg, enum kpageflag kpf)
{
	return ((flags >> pg) & 1) << kpf;
}

/*
 * The kpageflags word of a pfn that has a struct page (fs/proc/page.c
 * stable_page_flags). Most bits come from the folio, i.e. the head of a
 * compound page; membership of a free buddy block is the caller's.
 */
static uint64_t stable_page_flags(struct machine *m, uint64_t pfn)
{
	const struct page *page = pfn_to_page(m, pfn);
	uint64_t head_pfn = compound_head_pfn(m, pfn);
	const struct page *folio = pfn_to_page(m, head_pfn);
	uint64_t k = folio->flags, u = 0;

	if (folio_mapped(m, head_pfn))
		u |= KPF(KPF_MMAP);
	if (PageFlag(folio, PG_anon))
		u |= KPF(KPF_ANON);
	if (head_pfn != pfn)
		u |= KPF(KPF_COMPOUND_TAIL);
	else if (PageFlag(page, PG_head))
		u |= KPF(KPF_COMPOUND_HEAD);
	if (PageFlag(folio, PG_head))	/* hugetlb is HUGE, anything else large is THP */
		u |= KPF(PageFlag(folio, PG_hugetlb) ? KPF_HUGE : KPF_THP);
	if (pfn == m->zero_pfn || PageFlag(folio, PG_zero))
		u |= KPF(KPF_ZERO_PAGE);
	if (PageFlag(page, PG_buddy))
		u |= KPF(KPF_BUDDY);
	if (PageFlag(page, PG_pgtable))
		u |= KPF(KPF_PGTABLE);
	u |= copy_bit(k, PG_slab, KPF_SLAB);
	u |= copy_bit(k, PG_locked, KPF_LOCKED);
	u |= copy_bit(k, PG_dirty, KPF_DIRTY);
	u |= copy_bit(k, PG_uptodate, KPF_UPTODATE);
	u |= copy_bit(k, PG_writeback, KPF_WRITEBACK);
	u |= copy_bit(k, PG_lru, KPF_LRU);
	u |= copy_bit(k, PG_referenced, KPF_REFERENCED);
	u |= copy_bit(k, PG_active, KPF_ACTIVE);
	u |= copy_bit(k, PG_reclaim, KPF_RECLAIM);
	if (PageFlag(folio, PG_swapcache) && PageFlag(folio, PG_swapbacked))
		u |= KPF(KPF_SWAPCACHE);
	u |= copy_bit(k, PG_swapbacked, KPF_SWAPBACKED);
	u |= copy_bit(k, PG_unevictable, KPF_UNEVICTABLE);
	u |= copy_bit(k, PG_mlocked, KPF_MLOCKED);
	u |= copy_bit(k, PG_reserved, KPF_RESERVED);
	/* PG_anon_exclusive (per page; a hugetlb folio's is its head's) and
	 * PG_mappedtodisk are one bit in Linux */
	if (PageFlag(PageFlag(folio, PG_hugetlb) ? folio : page, PG_anon_exclusive) ||
	    page_mapped_to_disk(folio))
		u |= KPF(KPF_MAPPEDTODISK);
	return u;
}

/*
 * The end of the free buddy block holding pfn, or 0 when it is in none
 * (is_free_buddy_page: every page of a free block reads BUDDY, not only
 * its head, as the host's kpageflags shows).
 */
uint64_t free_block_end(struct machine *m, uint64_t pfn)
{
	unsigned order;

	return free_block_find(m, pfn, &order);
}

uint64_t free_block_find(struct machine *m, uint64_t pfn, unsigned *order)
{
	for (unsigned o = 0; o <= MM_MAX_ORDER; o++) {
		uint64_t head = pfn & ~((1ULL << o) - 1);
		const struct page *hp = pfn_to_page(m, head);

		if (PageFlag(hp, PG_buddy) && hp->private >= o) {
			*order = (unsigned)hp->private;
			return head + (1ULL << hp->private);
		}
	}
	return 0;
}

/* ---- runs of pfns that the layout alone describes ---- */

/* The first layout range ending after pfn, or NULL. */
static const struct mem_range *range_after(struct machine *m, uint64_t pfn)
{
	int lo = 0, hi = m->nr_ranges;

	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (m->ranges[mid].end <= pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < m->nr_ranges ? &m->ranges[lo] : NULL;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/*
 * Classify [pfn, end): returns where the run that starts at pfn stops.
 * Holes read as reserved: the model's holes (pfn 0, the legacy VGA and
 * BIOS area) lie inside the first memory section, where Linux keeps
 * reserved struct pages, and the host's kpageflags shows RESERVED there.
 */
uint64_t pfn_run(struct machine *m, uint64_t pfn, uint64_t end, enum pfn_run *kind)
{
	const struct mem_range *r = range_after(m, pfn);
	struct zone *z;

	if (r && r->start <= pfn) {
		*kind = RUN_RESERVED;
		return min_u64(r->end, end);
	}
	if (r)
		end = min_u64(end, r->start);
	z = pfn_zone(m, pfn);
	if (!z) {
		*kind = RUN_NOPAGE;
		return pfn + 1;
	}
	end = min_u64(end, zone_end_pfn(z));
	if (pfn >= z->pristine_start && pfn < z->pristine_end) {
		*kind = RUN_FREE;
		return min_u64(end, z->pristine_end);
	}
	if (z->pristine_end > z->pristine_start && z->pristine_start > pfn)
		end = min_u64(end, z->pristine_start);
	*kind = RUN_PAGES;
	return end;
}

static void kpageflags_run(struct machine *m, uint64_t pfn, uint64_t stop,
			   enum pfn_run kind, uint64_t *out)
{
	uint64_t free_end;

	switch (kind) {
	case RUN_RESERVED:
		for (uint64_t p = pfn; p < stop; p++)
			out[p - pfn] = KPF(KPF_RESERVED);
		/* the one reserved page with a life of its own */
		if (m->zero_pfn >= pfn && m->zero_pfn < stop)
			out[m->zero_pfn - pfn] = stable_page_flags(m, m->zero_pfn);
		return;
	case RUN_FREE:
		for (uint64_t p = pfn; p < stop; p++)
			out[p - pfn] = KPF(KPF_BUDDY);
		return;
	case RUN_NOPAGE:
		for (uint64_t p = pfn; p < stop; p++)
			out[p - pfn] = KPF(KPF_NOPAGE);
		return;
	case RUN_PAGES:
		break;
	}
	free_end = free_block_end(m, pfn);
	for (uint64_t p = pfn; p < stop; p++) {
		const struct page *page = pfn_to_page(m, p);

		if (PageFlag(page, PG_buddy))
			free_end = p + (1ULL << page->private);
		out[p - pfn] = stable_page_flags(m, p) | (p < free_end ? KPF(KPF_BUDDY) : 0);
	}
}

static void kpagecount_run(struct machine *m, uint64_t pfn, uint64_t stop,
			   enum pfn_run kind, uint64_t *out)
{
	for (uint64_t p = pfn; p < stop; p++)
		out[p - pfn] = kind == RUN_PAGES ? page_mapcount(m, p) : 0;
}

typedef void (*run_fn)(struct machine *m, uint64_t pfn, uint64_t stop,
		       enum pfn_run kind, uint64_t *out);

static long read_pfns(struct machine *m, uint64_t first, uint64_t *out, size_t n, run_fn fn)
{
	uint64_t end;

	machine_lock(m);
	if (first >= m->max_pfn) {
		machine_unlock(m);
		return 0;
	}
	end = first + min_u64(n, min_u64(m->max_pfn - first, LONG_MAX));
	for (uint64_t pfn = first; pfn < end;) {
		enum pfn_run kind;
		uint64_t stop = pfn_run(m, pfn, end, &kind);

		fn(m, pfn, stop, kind, out + (pfn - first));
		pfn = stop;
	}
	machine_unlock(m);
	return (long)(end - first);
}

long mm_kpageflags_read(struct machine *m, uint64_t first_pfn, uint64_t *out, size_t n)
{
	return read_pfns(m, first_pfn, out, n, kpageflags_run);
}

long mm_kpagecount_read(struct machine *m, uint64_t first_pfn, uint64_t *out, size_t n)
{
	return read_pfns(m, first_pfn, out, n, kpagecount_run);
}

uint64_t mm_max_pfn(struct machine *m)
{
	return m->max_pfn;	/* fixed at boot */
}

/* ---- proc/PID/pagemap ---- */

struct pagemap_walk {
	uint64_t start;		/* address of out[0] */
	uint64_t *out;
};

static uint64_t page_to_pagemap(struct machine *m, uint64_t pfn);

/* One present or swap PTE as pagemap_pte_range() reports it (to root). */
static uint64_t pte_to_pagemap(struct machine *m, pte_t pte)
{
	uint64_t pfn;

	if (pte_is_swap(pte))
		return PM_SWAP | ((pte_swp_type(pte) | (pte_swp_offset(pte) << PM_SWAP_TYPE_BITS)) &
				  PM_PFRAME_MASK);
	pfn = pte_pfn(pte);
	return page_to_pagemap(m, pfn);
}

/* A mapped pfn (of a PTE, or a subpage of a huge PMD) as pagemap reports it. */
static uint64_t page_to_pagemap(struct machine *m, uint64_t pfn)
{
	uint64_t e = PM_PRESENT | (pfn & PM_PFRAME_MASK);
	struct page *head = compound_head_of(m, pfn_to_page(m, pfn));

	if (pfn == m->zero_pfn)
		return e;	/* no normal page behind it: neither file nor exclusive */
	if (!PageFlag(head ? head : pfn_to_page(m, pfn), PG_anon))
		e |= PM_FILE;	/* the huge zero page is a page, and not anonymous */
	if (head && !PageFlag(head, PG_hugetlb) && !PageFlag(head, PG_zero)) {
		if (!thp_maybe_shared(head))
			e |= PM_MMAP_EXCLUSIVE;
	} else if (!(head && PageFlag(head, PG_zero)) && page_mapcount(m, pfn) == 1) {
		e |= PM_MMAP_EXCLUSIVE;
	}
	return e;
}

static int pagemap_pmd(struct machine *m, struct mm_struct *mm, uint64_t addr, uint64_t end,
		       pte_t *pmd, void *arg)
{
	struct pagemap_walk *w = arg;
	uint64_t pfn = pte_pfn(*pmd) + ((addr & (PMD_SIZE - 1)) >> MM_PAGE_SHIFT);

	(void)mm;
	for (uint64_t a = addr; a < end; a += MM_PAGE_SIZE, pfn++)
		w->out[(a - w->start) >> MM_PAGE_SHIFT] = page_to_pagemap(m, pfn);
	return 0;
}

static int pagemap_one(struct machine *m, struct mm_struct *mm, uint64_t addr, pte_t *pte,
		       void *arg)
{
	struct pagemap_walk *w = arg;

	(void)mm;
	w->out[(addr - w->start) >> MM_PAGE_SHIFT] = pte_to_pagemap(m, *pte);
	return 0;
}

long mm_pagemap_read(struct machine *m, int pid, uint64_t first_vpn, uint64_t *out, size_t n)
{
	struct pagemap_walk w = { first_vpn << MM_PAGE_SHIFT, out };
	struct task *t;
	uint64_t end, count;

	machine_lock(m);
	t = find_task_by_pid(m, pid);
	if (!t) {
		machine_unlock(m);
		return -ESRCH;
	}
	end = task_mm_view(t) ? t->mm->task_size : 0;
	if (first_vpn >= end >> MM_PAGE_SHIFT) {
		machine_unlock(m);
		return 0;	/* no address space, or at/after TASK_SIZE */
	}
	count = min_u64(n, min_u64((end >> MM_PAGE_SHIFT) - first_vpn, LONG_MAX));
	memset(out, 0, count * sizeof(*out));	/* holes and unpopulated pages */
	walk_range(m, t->mm, w.start, w.start + (count << MM_PAGE_SHIFT), pagemap_pmd, pagemap_one, &w);
	machine_unlock(m);
	return (long)count;
}

/* ---- proc/PID/mem ---- */

long mm_mem_rw(struct machine *m, int pid, uint64_t addr, void *buf, size_t len, int write)
{
	struct task *t;
	long ret;

	machine_lock(m);
	t = find_task_by_pid(m, pid);
	if (!t)
		ret = -ESRCH;
	else if (!task_mm_view(t) || !len)
		ret = 0;
	else {
		m->cur_task = t;
		ret = access_remote_vm(m, t, addr, buf, len, write);
		m->cur_task = NULL;
		if (t->oom_killed)	/* the OOM killer chose it while it was in use */
			task_exit(m, t);
	}
	kswapd_run(m);
	machine_unlock(m);
	return ret;
}
