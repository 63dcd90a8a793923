/* SPDX-License-Identifier: MIT */
/*
 * check_mm.c - the paging invariants of `check` (the kernel's
 * validate_mm and the page-accounting checks of DEBUG_VM, as a report).
 *
 * One pass over every process's page tables counts, per page frame, the
 * PTEs that map it and, per mm, what Rss should be; a pass over the LRU
 * lists counts them. Then:
 *   - every present PTE lies inside a VMA of its mm, and maps a page in use
 *   - page->mapcount equals the PTEs found, refcount is at least that
 *   - each mm's Rss counters equal its PTEs, pgtables_bytes its tables
 *   - AnonPages/Mapped/PageTables equal what the walk found
 *   - each LRU list's length equals its counter, and its pages say so
 *   - Committed_AS equals the VM_ACCOUNT pages and shmem objects charged
 *   - MM_SWAPENTS equals each mm's swap PTEs, and swap_check() holds
 *     with the references they make to slots
 *   - shmem_swap_check(): no page of a shmem object's cache is in the
 *     swap cache too, or marked as read ahead
 * A huge PMD leaf (_PAGE_PSE) maps 512 pages at once: it counts 512 in
 * Rss and AnonPages/Mapped (once per compound page), but the mapcounts of
 * compound pages follow their own rules: huge_check.c checks THPs.
 */
#include <stdlib.h>
#include <string.h>

#include "shm.h"
#include "shmem_file.h"
#include "internal.h"
#include "mempolicy.h"
#include "filemap.h"
#include "huge_memory.h"
#include "page_alloc.h"
#include "pgtable.h"
#include "rmap.h"
#include "swap.h"
#include "task.h"
#include "vma.h"
#include "zswap.h"

#define MAX_REPORTS 16
#define REPORT(...) do { if ((*bad)++ < MAX_REPORTS) rbl_printf(out, __VA_ARGS__); } while (0)

/* pfn -> number of PTEs found: open addressing, grown at half load. */
struct pfn_count {
	uint64_t *pfn;		/* UINT64_MAX = empty */
	uint32_t *count;
	uint64_t cap, used;
};

static int pc_grow(struct pfn_count *pc)
{
	struct pfn_count n = { 0 };

	n.cap = pc->cap ? pc->cap * 2 : 1024;
	n.pfn = malloc(n.cap * sizeof(*n.pfn));
	n.count = calloc(n.cap, sizeof(*n.count));
	if (!n.pfn || !n.count) {
		free(n.pfn);
		free(n.count);
		return -1;
	}
	memset(n.pfn, 0xff, n.cap * sizeof(*n.pfn));
	for (uint64_t i = 0; i < pc->cap; i++)
		if (pc->pfn[i] != UINT64_MAX) {
			uint64_t h = (pc->pfn[i] * 0x9e3779b97f4a7c15ULL) & (n.cap - 1);

			while (n.pfn[h] != UINT64_MAX)
				h = (h + 1) & (n.cap - 1);
			n.pfn[h] = pc->pfn[i];
			n.count[h] = pc->count[i];
			n.used++;
		}
	free(pc->pfn);
	free(pc->count);
	*pc = n;
	return 0;
}

static int pc_add(struct pfn_count *pc, uint64_t pfn)
{
	uint64_t h;

	if ((pc->used + 1) * 2 > pc->cap && pc_grow(pc))
		return -1;
	h = (pfn * 0x9e3779b97f4a7c15ULL) & (pc->cap - 1);
	while (pc->pfn[h] != UINT64_MAX && pc->pfn[h] != pfn)
		h = (h + 1) & (pc->cap - 1);
	if (pc->pfn[h] == UINT64_MAX) {
		pc->pfn[h] = pfn;
		pc->used++;
	}
	pc->count[h]++;
	return 0;
}

struct walk {
	struct machine *m;
	struct task *t;
	struct pfn_count pc;
	struct pfn_count huge;		/* heads of PMD-mapped compound pages */
	uint64_t rss[NR_MM_COUNTERS];
	uint64_t tables;		/* PUD/PMD/PTE tables of this mm */
	uint64_t all_tables;		/* every table page, PGDs included */
	uint32_t *swap_refs[MAX_SWAPFILES];	/* per device and slot: swap PTEs found */
	struct rbuf_lite *out;
	int *bad;
};

static const int shifts[4] = { PGDIR_SHIFT, PUD_SHIFT, PMD_SHIFT, 12 };

static void leaf(struct walk *w, uint64_t addr, pte_t pte)
{
	struct machine *m = w->m;
	struct rbuf_lite *out = w->out;
	int *bad = w->bad;
	struct vm_area_struct *vma = vma_lookup(w->t->mm, addr);
	struct page *page;
	uint64_t pfn = pte_pfn(pte);

	if (!vma)
		REPORT("pid %d: PTE for %#llx outside every VMA\n", w->t->pid, (unsigned long long)addr);
	if (pte_is_swap(pte)) {
		unsigned type = pte_swp_type(pte);
		uint64_t off = pte_swp_offset(pte);
		const struct swap_info_struct *si = m->swap_info[type];

		w->rss[MM_SWAPENTS]++;
		if (!si || !off || off >= si->max)
			REPORT("pid %d: %#llx holds swap entry %u:%llu of no slot\n", w->t->pid,
			       (unsigned long long)addr, type, (unsigned long long)off);
		else if (w->swap_refs[type])
			w->swap_refs[type][off]++;
		return;
	}
	if (pfn == m->zero_pfn)
		return;
	if (pfn >= m->max_pfn) {
		REPORT("pid %d: PTE for %#llx maps pfn %#llx beyond memory\n", w->t->pid,
		       (unsigned long long)addr, (unsigned long long)pfn);
		return;
	}
	page = pfn_to_page(m, pfn);
	if (page->refcount <= 0 || PageFlag(page, PG_buddy))
		REPORT("pid %d: %#llx maps pfn %#llx, a free page (refcount %d)\n", w->t->pid,
		       (unsigned long long)addr, (unsigned long long)pfn, page->refcount);
	w->rss[page_is_anon(page) ? MM_ANONPAGES : page_is_shmem(page) ? MM_SHMEMPAGES : MM_FILEPAGES]++;
	pc_add(&w->pc, pfn);
}

static void walk_table(struct walk *w, uint64_t table, int level, uint64_t base)
{
	const pte_t *t = (const pte_t *)(w->m->frames + (table << MM_PAGE_SHIFT));

	for (int i = 0; i < PTRS_PER_TABLE; i++) {
		uint64_t addr = base + ((uint64_t)i << shifts[level]);

		if (!t[i])
			continue;
		if (level == 3) {
			leaf(w, addr, t[i]);
		} else if (!pte_present(t[i])) {
			continue;
		} else if ((t[i] & _PAGE_PSE) && level == 2) {	/* PROT_NONE ones too */
			struct page *head = pfn_to_page(w->m, pte_pfn(t[i]));
			struct vm_area_struct *vma = vma_lookup(w->t->mm, addr);
			int *bad = w->bad;
			struct rbuf_lite *out = w->out;

			/* one VMA maps the whole of it (a split VMA splits the PMD first) */
			if (!vma || vma->vm_start > addr || vma->vm_end < addr + PMD_SIZE)
				REPORT("pid %d: huge PMD at %#llx not inside one VMA (%#llx-%#llx)\n",
				       w->t->pid, (unsigned long long)addr,
				       (unsigned long long)(vma ? vma->vm_start : 0),
				       (unsigned long long)(vma ? vma->vm_end : 0));

			if (!PageFlag(head, PG_hugetlb)) {
				w->tables++;	/* the PTE table deposited for its split */
				w->all_tables++;
			}
			if (PageFlag(head, PG_zero) || PageFlag(head, PG_hugetlb))
				continue;	/* neither counts in Rss nor AnonPages */
			w->rss[page_is_anon(head) ? MM_ANONPAGES :
			       page_is_shmem(head) ? MM_SHMEMPAGES : MM_FILEPAGES] += PTRS_PER_TABLE;
			pc_add(&w->huge, pte_pfn(t[i]));
		} else {
			w->tables++;
			w->all_tables++;
			walk_table(w, pte_pfn(t[i]), level + 1, addr);
		}
	}
}

static void check_lru(struct machine *m, struct rbuf_lite *out, int *bad)
{
	static const enum node_stat_item item[NR_LRU_LISTS] = {
		NR_INACTIVE_ANON, NR_ACTIVE_ANON, NR_INACTIVE_FILE, NR_ACTIVE_FILE, NR_UNEVICTABLE,
	};

	for (int n = 0; n < m->nr_nodes; n++)
		for (int l = 0; l < NR_LRU_LISTS; l++) {
			struct list_head *head = &m->node[n]->lru[l], *pos;
			int64_t len = 0;

			list_for_each(pos, head) {
				struct page *page = list_entry(pos, struct page, lru);

				if (!PageFlag(page, PG_lru) || (int)page_lru(page) != l)
					REPORT("node %d: pfn %#llx on LRU list %d says lru=%d list=%d\n", n,
					       (unsigned long long)page_to_pfn(m, page), l,
					       PageFlag(page, PG_lru), page_lru(page));
				if (l == LRU_UNEVICTABLE && folio_evictable(page))
					REPORT("node %d: pfn %#llx is on the unevictable list but evictable\n",
					       n, (unsigned long long)page_to_pfn(m, page));
				len += PageFlag(page, PG_head) ? 512 : 1;	/* a THP */
				if (len > m->node[n]->vm_stat[item[l]] + 512)
					break;
			}
			if (len != m->node[n]->vm_stat[item[l]])
				REPORT("node %d: LRU list %d holds %lld pages, its counter says %lld\n", n, l,
				       (long long)len, (long long)m->node[n]->vm_stat[item[l]]);
		}
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(void *const *)a, y = (uintptr_t)*(void *const *)b;

	return x < y ? -1 : x > y;
}

/*
 * Committed_AS is what the address spaces hold charged: the pages of
 * their VM_ACCOUNT VMAs, and each shared anonymous (shmem) object's pages
 * once, however many VMAs map it.
 */
static void check_committed(struct machine *m, struct rbuf_lite *out, int *bad)
{
	const struct file_ref **objs = NULL;
	size_t n = 0, cap = 0;
	uint64_t want = 0;

	for (int pid = 0; pid < m->pid_max; pid++) {
		struct task *t = m->tasks[pid];

		if (!t || !t->mm || !thread_group_leader(t))
			continue;	/* a shared mm once */
		want += vma_accounted_pages(t->mm);
		for (struct vm_area_struct *v = vma_first(t->mm); v; v = vma_next_of(v)) {
			if (!v->vm_file || !v->vm_file->shmem_pages)
				continue;
			if (n == cap) {
				const struct file_ref **o = realloc(objs, (cap = cap ? 2 * cap : 16) *
								   sizeof(*o));

				if (!o) {
					free(objs);
					return;
				}
				objs = o;
			}
			objs[n++] = v->vm_file;
		}
	}
	if (n)
		qsort(objs, n, sizeof(*objs), cmp_ptr);
	for (size_t i = 0; i < n; i++)
		if (!i || objs[i] != objs[i - 1])
			want += objs[i]->shmem_pages;
	free(objs);
	want += shm_committed(m);	/* System V segments stay charged unattached */
	if (want != m->vm_committed_as)
		REPORT("Committed_AS is %llu pages, the address spaces charged %llu\n",
		       (unsigned long long)m->vm_committed_as, (unsigned long long)want);
}

/* Is pfn a subpage of a compound page that some PMD maps (found in huge)? */
static int huge_head_mapped(const struct pfn_count *huge, struct machine *m, uint64_t pfn)
{
	uint64_t head = pfn & ~(uint64_t)(PTRS_PER_TABLE - 1), h;

	if (!huge->cap || !PageFlag(pfn_to_page(m, head), PG_head))
		return 0;
	h = (head * 0x9e3779b97f4a7c15ULL) & (huge->cap - 1);
	while (huge->pfn[h] != UINT64_MAX) {
		if (huge->pfn[h] == head)
			return 1;
		h = (h + 1) & (huge->cap - 1);
	}
	return 0;
}

int check_paging(struct machine *m, struct rbuf_lite *out)
{
	struct walk w = { .m = m, .out = out };
	int nbad = 0, *bad = &nbad;
	int64_t anon = 0, mapped = 0;

	w.bad = bad;
	for (int t = 0; t < MAX_SWAPFILES; t++)
		if (m->swap_info[t])
			w.swap_refs[t] = calloc(m->swap_info[t]->max, sizeof(uint32_t));
	for (int pid = 0; pid < m->pid_max; pid++) {
		struct task *t = m->tasks[pid];

		if (!t || !t->mm || !t->mm->pgd || !thread_group_leader(t))
			continue;	/* a shared mm once */
		w.t = t;
		memset(w.rss, 0, sizeof(w.rss));
		w.tables = 0;
		w.all_tables++;
		walk_table(&w, t->mm->pgd, 0, 0);
		for (int c = MM_FILEPAGES; c <= MM_SHMEMPAGES; c++)
			if (w.rss[c] != t->mm->rss[c])
				REPORT("pid %d: rss counter %d is %llu, its PTEs map %llu\n", pid, c,
				       (unsigned long long)t->mm->rss[c], (unsigned long long)w.rss[c]);
		if (w.tables * MM_PAGE_SIZE != t->mm->pgtables_bytes)
			REPORT("pid %d: pgtables_bytes %llu, its tables %llu\n", pid,
			       (unsigned long long)t->mm->pgtables_bytes,
			       (unsigned long long)(w.tables * MM_PAGE_SIZE));
	}
	for (uint64_t i = 0; i < w.pc.cap; i++) {
		struct page *page;

		if (w.pc.pfn[i] == UINT64_MAX)
			continue;
		page = pfn_to_page(m, w.pc.pfn[i]);
		if ((uint32_t)page->mapcount != w.pc.count[i])
			REPORT("pfn %#llx: mapcount %d, mapped by %u PTEs\n",
			       (unsigned long long)w.pc.pfn[i], page->mapcount, w.pc.count[i]);
		if (page->refcount < page->mapcount)
			REPORT("pfn %#llx: refcount %d below mapcount %d\n",
			       (unsigned long long)w.pc.pfn[i], page->refcount, page->mapcount);
		if (huge_head_mapped(&w.huge, m, w.pc.pfn[i]))
			continue;	/* a subpage of a PMD-mapped THP: counted with it */
		if (page_is_anon(page))
			anon++;
		else
			mapped++;
	}
	for (uint64_t i = 0; i < w.huge.cap; i++)
		if (w.huge.pfn[i] != UINT64_MAX) {
			if (page_is_anon(pfn_to_page(m, w.huge.pfn[i])))
				anon += PTRS_PER_TABLE;
			else
				mapped += PTRS_PER_TABLE;
		}
	free(w.pc.pfn);
	free(w.pc.count);
	free(w.huge.pfn);
	free(w.huge.count);
	if (anon != global_node_page_state(m, NR_ANON_PAGES))
		REPORT("AnonPages counts %lld pages, the page tables map %lld\n",
		       (long long)global_node_page_state(m, NR_ANON_PAGES), (long long)anon);
	if (mapped != global_node_page_state(m, NR_MAPPED))
		REPORT("Mapped counts %lld pages, the page tables map %lld\n",
		       (long long)global_node_page_state(m, NR_MAPPED), (long long)mapped);
	if ((int64_t)w.all_tables != global_node_page_state(m, NR_PAGE_TABLE_PAGES))
		REPORT("PageTables counts %lld pages, the processes have %llu\n",
		       (long long)global_node_page_state(m, NR_PAGE_TABLE_PAGES),
		       (unsigned long long)w.all_tables);
	check_lru(m, out, bad);
	nbad += thp_check(m, out);
	check_committed(m, out, bad);
	shmem_swap_refs(m, w.swap_refs);
	nbad += swap_check(m, w.swap_refs, out);
	nbad += shmem_swap_check(m, out);
	nbad += zswap_check(m, out);
	for (int t = 0; t < MAX_SWAPFILES; t++)
		free(w.swap_refs[t]);
	nbad += filemap_check(m, out);
	nbad += tmpfs_check(m, out);
	nbad += shm_check(m, out);
	nbad += mpol_check(m, out);
	return nbad;
}
