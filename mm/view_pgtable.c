// SPDX-License-Identifier: MIT
/*
 * view_pgtable.c - a process's page-table tree for view/PID/pagetable.svg
 * (view_snap.h): every table counted by level, some listed, and the walk
 * of one address as the MMU does it (CR3 -> PGD -> PUD -> PMD -> PTE).
 *
 * Tables a huge PMD keeps in deposit are not in the tree, so not here.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "pgtable.h"
#include "task.h"
#include "vma.h"

static const unsigned shift[4] = { PGDIR_SHIFT, PUD_SHIFT, PMD_SHIFT, 12 };

static const pte_t *table(struct machine *m, uint64_t pfn)
{
	return (const pte_t *)(m->frames + (pfn << MM_PAGE_SHIFT));
}

static void walk_addr(struct machine *m, uint64_t pgd, struct mm_pt_snap *s)
{
	uint64_t pfn = pgd;

	for (int l = 0; l < 4 && pfn; l++) {
		struct mm_pt_step *st = &s->step[s->nr_steps++];
		pte_t e;

		st->table_pfn = pfn;
		st->index = (unsigned)(s->addr >> shift[l]) & (PTRS_PER_TABLE - 1);
		st->entry = e = table(m, pfn)[st->index];
		pfn = 0;
		if (!e)
			st->kind = MM_PT_NONE;
		else if (l == 3)
			st->kind = pte_present(e) ? MM_PT_PAGE : MM_PT_SWAP;
		else if (l == 2 && pmd_trans_huge(e))
			st->kind = MM_PT_HUGE;
		else if (pte_present(e)) {
			st->kind = MM_PT_TABLE;
			pfn = pte_pfn(e);
		} else
			st->kind = MM_PT_NONE;
	}
}

struct lister {
	struct mm_pt_snap *s;
	size_t per_level, listed[4];
	struct mm_pt_table *by_level[4];	/* each level's slots in s->table */
};

static int on_walk(const struct mm_pt_snap *s, int level, uint64_t pfn)
{
	return level < s->nr_steps && s->step[level].table_pfn == pfn;
}

static void visit(struct machine *m, struct lister *ls, int level, uint64_t pfn, uint64_t va)
{
	const pte_t *t = table(m, pfn);
	struct mm_pt_table row = { .pfn = pfn, .va = va, .level = (uint16_t)level,
				   .on_walk = on_walk(ls->s, level, pfn) };

	for (unsigned i = 0; i < PTRS_PER_TABLE; i++) {
		pte_t e = t[i];

		if (!e)
			continue;
		row.used++;
		if (level == 3 && !pte_present(e))
			row.swap++;
		if (level == 2 && pmd_trans_huge(e))
			row.huge++;
	}
	ls->s->tables[level]++;
	ls->s->used[level] += row.used;
	if (ls->listed[level] < ls->per_level || row.on_walk)
		ls->by_level[level][ls->listed[level]++] = row;
	if (level == 3)
		return;
	for (unsigned i = 0; i < PTRS_PER_TABLE; i++) {
		pte_t e = t[i];

		if (pte_present(e) && !(level == 2 && pmd_trans_huge(e)))
			visit(m, ls, level + 1, pte_pfn(e), va + ((uint64_t)i << shift[level]));
	}
}

static int found_pmd(struct machine *m, struct mm_struct *mm, uint64_t addr, uint64_t end,
		     pte_t *pmd, void *arg)
{
	(void)m, (void)mm, (void)end, (void)pmd;
	*(uint64_t *)arg = addr;
	return 1;
}

static int found_pte(struct machine *m, struct mm_struct *mm, uint64_t addr, pte_t *pte,
		     void *arg)
{
	(void)m, (void)mm, (void)pte;
	*(uint64_t *)arg = addr;
	return 1;
}

/*
 * What a picture walks before it is told: the lowest mapped page (a walk
 * to the bottom), else the first VMA's start.
 */
static uint64_t default_addr(struct machine *m, struct mm_struct *mm)
{
	VMA_ITERATOR(vmi, mm, 0);
	struct vm_area_struct *vma = vma_next(&vmi);
	uint64_t addr = vma ? vma->vm_start : 0;

	walk_range(m, mm, 0, mm->task_size, found_pmd, found_pte, &addr);
	return addr;
}

struct mm_pt_snap *mm_snap_pgtable(struct machine *m, int pid, uint64_t addr, size_t per_level)
{
	size_t slots = per_level + 1;
	struct mm_pt_snap *s = NULL;
	struct lister ls = { .per_level = per_level };
	struct task *t;

	machine_lock(m);
	t = find_task_by_pid(m, pid);
	if (t)
		s = calloc(1, sizeof(*s) + 4 * slots * sizeof(s->table[0]));
	if (s) {
		task_snap_fill(m, t, &s->task, 0);
		s->addr = addr == ~0ULL && t->mm ? default_addr(m, t->mm) : addr;
		if (t->mm && t->mm->pgd) {
			walk_addr(m, t->mm->pgd, s);
			ls.s = s;
			for (int l = 0; l < 4; l++)
				ls.by_level[l] = &s->table[l * slots];
			visit(m, &ls, 0, t->mm->pgd, 0);
		}
	}
	machine_unlock(m);
	if (!s)
		return NULL;
	/* close the levels' gaps: table[] is by level, then address */
	for (int l = 0; l < 4; l++) {
		memmove(&s->table[s->nr_listed], &s->table[l * slots],
			ls.listed[l] * sizeof(s->table[0]));
		s->nr_listed += ls.listed[l];
	}
	return s;
}
