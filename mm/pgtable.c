/* SPDX-License-Identifier: MIT */
/*
 * pgtable.c - allocation, lookup, walking and freeing of page tables.
 *
 * Accounting follows Linux: every table page counts in the node's
 * NR_PAGE_TABLE_PAGES (meminfo PageTables); PUD, PMD and PTE tables also
 * count in mm->pgtables_bytes (status VmPTE), the PGD does not.
 */
#include <string.h>

#include "internal.h"
#include "page_alloc.h"
#include "pgtable.h"
#include "task.h"
#include "huge_memory.h"


static const unsigned level_shift[4] = { PGDIR_SHIFT, PUD_SHIFT, PMD_SHIFT, 12 };

static unsigned idx(uint64_t addr, int level)
{
	return (unsigned)(addr >> level_shift[level]) & (PTRS_PER_TABLE - 1);
}

static pte_t *table_at(struct machine *m, uint64_t pfn)
{
	return (pte_t *)(m->frames + (pfn << MM_PAGE_SHIFT));
}

uint64_t vm_page_prot(uint64_t vm_flags)
{
	uint64_t prot = _PAGE_PRESENT | _PAGE_USER;

	/*
	 * PROT_NONE (x86's PAGE_NONE): mapped, so present to the kernel
	 * (pte_present: Rss, pagemap, rmap, zap), but not to the CPU. Never 0:
	 * a non-zero entry without either bit is a swap entry.
	 */
	if (!(vm_flags & (MM_VM_READ | MM_VM_WRITE | MM_VM_EXEC)))
		return _PAGE_PROTNONE;
	/* private writable mappings start read-only: the first write COWs */
	if ((vm_flags & MM_VM_WRITE) && (vm_flags & MM_VM_SHARED))
		prot |= _PAGE_RW;
	if (!(vm_flags & MM_VM_EXEC))
		prot |= _PAGE_NX;
	return prot;
}

static struct page *table_alloc(struct machine *m)
{
	struct page *page;

	page_owner_site(m, PO_SITE_PGTABLE);
	page = alloc_pages(m, GFP_KERNEL, 0, 0);
	if (!page)
		return NULL;
	memset(page_address(m, page), 0, MM_PAGE_SIZE);
	SetPageFlag(page, PG_pgtable);
	INIT_LIST_HEAD(&page->lru);	/* a PMD table: its deposited PTE tables */
	mod_node_page_state(m->node[page_zone(m, page)->nid], NR_PAGE_TABLE_PAGES, 1);
	return page;
}

static void table_free(struct machine *m, uint64_t pfn)
{
	struct page *page = pfn_to_page(m, pfn);

	VM_BUG_ON(!PageFlag(page, PG_pgtable));
	m->pgtable_gen++;	/* a cached walk may lead through it */
	mod_node_page_state(m->node[pfn_zone(m, pfn)->nid], NR_PAGE_TABLE_PAGES, -1);
	free_pages(m, page, 0);
}

int pgd_alloc(struct machine *m, struct mm_struct *mm)
{
	struct page *page = table_alloc(m);

	if (!page)
		return -ENOMEM;
	mm->pgd = page_to_pfn(m, page);
	return 0;
}

/*
 * The slot at level `depth` (2: PMD, 3: PTE) for addr, as pte_lookup describes.
 *
 * mm->ptc[depth - 2] remembers the table the last walk to that depth ended
 * in, with the parent entry that led there. It is used only while no table
 * has been freed since (m->pgtable_gen: the parent's own table is still a
 * table of this mm) and the parent entry still holds the same value (it
 * was not emptied, made huge, or pointed elsewhere): then the walk from
 * the PGD would end in the same table.
 */
static pte_t *slot_lookup(struct machine *m, struct mm_struct *mm, uint64_t addr, int depth,
			  int alloc, int *err)
{
	struct pt_cache *c = &mm->ptc[depth - 2];
	uint64_t pfn = mm->pgd, key = addr >> level_shift[depth - 1];
	pte_t *e = NULL;

	if (!pfn)
		return NULL;
	if (c->pgd == pfn && c->key == key && c->gen == m->pgtable_gen && *c->parent == c->val)
		return &table_at(m, pte_pfn(c->val))[idx(addr, depth)];
	for (int level = 0; level < depth; level++) {
		e = &table_at(m, pfn)[idx(addr, level)];
		if (pmd_trans_huge(*e))
			return NULL;	/* level 2: no PTE table under a huge PMD */
		if (!pte_present(*e)) {
			struct page *t;

			if (!alloc)
				return NULL;
			t = table_alloc(m);
			if (!t) {
				if (err)
					*err = -ENOMEM;
				return NULL;
			}
			*e = pfn_pte(page_to_pfn(m, t), _PAGE_TABLE);
			mm->pgtables_bytes += MM_PAGE_SIZE;
		}
		pfn = pte_pfn(*e);
	}
	*c = (struct pt_cache){ .gen = m->pgtable_gen, .pgd = mm->pgd, .key = key, .parent = e,
				.val = *e };
	return &table_at(m, pfn)[idx(addr, depth)];
}

pte_t *pte_lookup(struct machine *m, struct mm_struct *mm, uint64_t addr, int alloc, int *err)
{
	return slot_lookup(m, mm, addr, 3, alloc, err);
}

pte_t *pmd_lookup(struct machine *m, struct mm_struct *mm, uint64_t addr, int alloc, int *err)
{
	return slot_lookup(m, mm, addr, 2, alloc, err);
}

/* The PMD table page holding the entry pmd points at. */
static struct page *pmd_table_page(struct machine *m, pte_t *pmd)
{
	return pfn_to_page(m, (uint64_t)((uint8_t *)pmd - m->frames) >> MM_PAGE_SHIFT);
}

int pgtable_deposit_new(struct machine *m, struct mm_struct *mm, pte_t *pmd)
{
	struct page *t = table_alloc(m);

	if (!t)
		return -ENOMEM;
	mm->pgtables_bytes += MM_PAGE_SIZE;
	list_add(&t->lru, &pmd_table_page(m, pmd)->lru);
	return 0;
}

uint64_t pgtable_withdraw(struct machine *m, pte_t *pmd)
{
	struct page *holder = pmd_table_page(m, pmd), *t;

	VM_BUG_ON(list_empty(&holder->lru));
	t = list_entry(holder->lru.next, struct page, lru);
	list_del(&t->lru);
	return page_to_pfn(m, t);
}

void pgtable_free_deposit(struct machine *m, struct mm_struct *mm, pte_t *pmd)
{
	table_free(m, pgtable_withdraw(m, pmd));
	mm->pgtables_bytes -= MM_PAGE_SIZE;
}

struct walker {
	pmd_fn pmdf;
	pte_fn ptef;
	void *arg;
};

static int walk_level(struct machine *m, struct mm_struct *mm, uint64_t table, int level,
		      uint64_t start, uint64_t end, const struct walker *w)
{
	uint64_t size = 1ULL << level_shift[level];
	uint64_t addr = start;

	while (addr < end) {
		uint64_t next = (addr & ~(size - 1)) + size;
		pte_t *e = &table_at(m, table)[idx(addr, level)];
		int ret = 0;

		if (next > end || next == 0)
			next = end;
		if (level == 3) {
			if (!pte_none(*e))
				ret = w->ptef(m, mm, addr, e, w->arg);
		} else if (level == 2 && pmd_trans_huge(*e)) {
			ret = w->pmdf ? w->pmdf(m, mm, addr, next, e, w->arg)
				      : split_huge_pmd(m, mm, addr & ~(PMD_SIZE - 1), e);
			if (!ret && pte_present(*e) && !pmd_trans_huge(*e))
				ret = walk_level(m, mm, pte_pfn(*e), 3, addr, next, w);
		} else if (pte_present(*e)) {
			ret = walk_level(m, mm, pte_pfn(*e), level + 1, addr, next, w);
		}
		if (ret)
			return ret;
		addr = next;
	}
	return 0;
}

int walk_range(struct machine *m, struct mm_struct *mm, uint64_t start, uint64_t end,
	       pmd_fn pmdf, pte_fn ptef, void *arg)
{
	struct walker w = { pmdf, ptef, arg };

	if (!mm->pgd || start >= end)
		return 0;
	return walk_level(m, mm, mm->pgd, 0, start, end, &w);
}

int walk_ptes(struct machine *m, struct mm_struct *mm, uint64_t start, uint64_t end,
	      pte_fn fn, void *arg)
{
	return walk_range(m, mm, start, end, NULL, fn, arg);
}

static int table_empty(struct machine *m, uint64_t pfn)
{
	const pte_t *t = table_at(m, pfn);

	for (int i = 0; i < PTRS_PER_TABLE; i++)
		if (t[i])
			return 0;
	return 1;
}

/*
 * Free the child tables of `table` (at level) that cover only [start, end),
 * lie inside [floor, ceiling) and are empty; deepest first, so that a PMD
 * table emptied by freeing its PTE tables can go too.
 */
static void free_level(struct machine *m, struct mm_struct *mm, uint64_t table, int level,
		       uint64_t start, uint64_t end, uint64_t floor, uint64_t ceiling)
{
	uint64_t size = 1ULL << level_shift[level];

	for (uint64_t addr = start & ~(size - 1); addr < end; addr += size) {
		pte_t *e = &table_at(m, table)[idx(addr, level)];
		uint64_t child;

		if (!pte_present(*e) || (level == 2 && pmd_trans_huge(*e)))
			goto next;	/* a huge PMD is a leaf, its owner frees it */
		child = pte_pfn(*e);
		if (level < 2)
			free_level(m, mm, child, level + 1, addr > start ? addr : start,
				   addr + size < end ? addr + size : end, floor, ceiling);
		if (addr >= floor && addr + size - 1 <= ceiling - 1 && table_empty(m, child)) {
			*e = 0;
			table_free(m, child);
			mm->pgtables_bytes -= MM_PAGE_SIZE;
		}
next:
		if (addr + size < addr)
			break;
	}
}

void free_pgtables(struct machine *m, struct mm_struct *mm, uint64_t start, uint64_t end,
		   uint64_t floor, uint64_t ceiling)
{
	if (!mm->pgd || start >= end)
		return;
	free_level(m, mm, mm->pgd, 0, start, end, floor, ceiling);
}

void pgd_free(struct machine *m, struct mm_struct *mm)
{
	if (!mm->pgd)
		return;
	free_level(m, mm, mm->pgd, 0, 0, TASK_SIZE, 0, 0);
	table_free(m, mm->pgd);
	mm->pgd = 0;
}
