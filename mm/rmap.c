/* SPDX-License-Identifier: MIT */
/*
 * rmap.c - mapping and unmapping pages, and everything counted on the way:
 * mapcount and refcount, the mm's Rss counters, NR_ANON_PAGES (AnonPages),
 * NR_MAPPED (Mapped), mlocked pages (Mlocked, Unevictable).
 *
 * An anonymous page keeps the anon_vma id of the VMA it was born in
 * (page->private) and its linear index (page->index = vm_pgoff + offset):
 * every VMA sharing that anon_vma (the VMA itself, its splits, and with
 * fork its children's copies) finds it at vm_start + (index - vm_pgoff).
 * That is the walk reclaim will use.
 */
#include "internal.h"
#include "trace.h"
#include "page_alloc.h"
#include "filemap.h"
#include "pgtable.h"
#include "rmap.h"
#include "task.h"
#include "vma.h"

int page_is_shmem(const struct page *page)
{
	return !PageFlag(page, PG_anon) && PageFlag(page, PG_swapbacked);
}

static int mm_counter(const struct page *page)
{
	if (page_is_anon(page))
		return MM_ANONPAGES;
	return page_is_shmem(page) ? MM_SHMEMPAGES : MM_FILEPAGES;
}

static void add_mm_counter(struct machine *m, struct mm_struct *mm, int counter, int64_t d)
{
	if (d < 0) {	/* the peak is taken before Rss shrinks, as Linux does */
		uint64_t rss = mm->rss[MM_ANONPAGES] + mm->rss[MM_FILEPAGES] + mm->rss[MM_SHMEMPAGES];

		if (mm->hiwater_rss < rss)
			mm->hiwater_rss = rss;
	}
	mm->rss[counter] += (uint64_t)d;
	trace_rss_stat(m, mm, counter, mm->rss[counter]);
}

static struct pglist_data *page_pgdat(struct machine *m, struct page *page)
{
	return m->node[page_zone(m, page)->nid];
}

/*
 * Could a and its right neighbour b share an anon_vma (anon_vma_compatible)?
 * Adjacent, same file, flags equal but for access bits, linear pgoff: they
 * would merge once their protections agree.
 */
static int anon_vma_compatible(const struct vm_area_struct *a, const struct vm_area_struct *b)
{
	const uint64_t access = MM_VM_READ | MM_VM_WRITE | MM_VM_EXEC | MM_VM_SOFTDIRTY;

	return a->vm_end == b->vm_start && a->vm_file == b->vm_file &&
	       a->special == b->special && !((a->vm_flags ^ b->vm_flags) & ~access) &&
	       b->vm_pgoff == linear_page_index(a, b->vm_start);
}

/*
 * The first anonymous page of a VMA gives it an anon_vma: a compatible
 * neighbour's if that one's chain is singular, i.e. it is no fork child
 * (find_mergeable_anon_vma, next first), so that VMAs faulted side by
 * side can still merge later; else a new one. The anon_vma_chain (and
 * the new anon_vma object) come with it (rmap_avc.c).
 */
void anon_vma_prepare(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *next = vma_next_of(vma), *prev = vma_prev_of(vma), *reuse = NULL;

	if (vma->anon_vma)
		return;
	if (next && next->anon_vma && !vma_is_fork_child(next) && anon_vma_compatible(vma, next))
		reuse = next;
	else if (prev && prev->anon_vma && !vma_is_fork_child(prev) && anon_vma_compatible(prev, vma))
		reuse = prev;
	vma_set_anon_vma(vma, reuse ? reuse->anon_vma : new_anon_vma_id(mm));
	anon_vma_attach(vma, reuse);
}

void get_page(struct page *page)
{
	page->refcount++;
}

void page_add_new_anon_rmap(struct machine *m, struct mm_struct *mm, struct page *page,
			    struct vm_area_struct *vma, uint64_t addr)
{
	SetPageFlag(page, PG_anon);
	SetPageFlag(page, PG_swapbacked);
	SetPageFlag(page, PG_anon_exclusive);
	SetPageFlag(page, PG_uptodate);
	page->private = vma->anon_vma;
	page->index = linear_page_index(vma, addr);
	page->mapcount = 1;
	mod_node_page_state(page_pgdat(m, page), NR_ANON_PAGES, 1);
	add_mm_counter(m, mm, MM_ANONPAGES, 1);
	lru_add(m, page, LRU_INACTIVE_ANON);
}

void page_add_anon_rmap(struct machine *m, struct mm_struct *mm, struct page *page,
			struct vm_area_struct *vma, uint64_t addr)
{
	if (!PageFlag(page, PG_anon)) {	/* read in from swap: it joins vma now */
		SetPageFlag(page, PG_anon);
		SetPageFlag(page, PG_swapbacked);
		page->private = vma->anon_vma;
		page->index = linear_page_index(vma, addr);
	}
	if (page->mapcount++ == 0)
		mod_node_page_state(page_pgdat(m, page), NR_ANON_PAGES, 1);
	else
		ClearPageFlag(page, PG_anon_exclusive);
	page->refcount++;
	add_mm_counter(m, mm, MM_ANONPAGES, 1);
}

void page_dup_rmap(struct machine *m, struct mm_struct *mm, struct page *page)
{
	(void)m;
	page->mapcount++;
	page->refcount++;
	ClearPageFlag(page, PG_anon_exclusive);
	add_mm_counter(m, mm, mm_counter(page), 1);
}

void page_add_file_rmap(struct machine *m, struct mm_struct *mm, struct page *page)
{
	if (page->mapcount++ == 0)
		mod_node_page_state(page_pgdat(m, page), NR_MAPPED, 1);
	page->refcount++;
	add_mm_counter(m, mm, mm_counter(page), 1);
}

/*
 * A page that was mlocked goes back to an inactive list, the one its
 * swap-backing says (folio_lru_list): anonymous memory and shmem on the
 * anon list, but a lazily freeable anonymous page (MADV_FREE, no longer
 * swap-backed) on the file list, where its page_lru() looks for it.
 */
static void putback_evictable(struct machine *m, struct page *page)
{
	int rescued = PageFlag(page, PG_lru) && PageFlag(page, PG_unevictable);

	if (!folio_evictable(page))
		return;	/* a SHM_LOCK'd segment's page stays unevictable */
	lru_del(m, page);
	lru_add(m, page, PageFlag(page, PG_swapbacked) ? LRU_INACTIVE_ANON : LRU_INACTIVE_FILE);
	if (rescued)	/* __munlock_folio: back from the unevictable list */
		count_vm_events(m, UNEVICTABLE_PGS_RESCUED, PageFlag(page, PG_head) ? 512 : 1);
}

void page_remove_rmap(struct machine *m, struct mm_struct *mm, struct page *page)
{
	VM_BUG_ON(page->mapcount <= 0);
	add_mm_counter(m, mm, mm_counter(page), -1);
	if (--page->mapcount)
		return;
	mod_node_page_state(page_pgdat(m, page), page_is_anon(page) ? NR_ANON_PAGES : NR_MAPPED, -1);
	if (PageFlag(page, PG_mlocked)) {
		/* the last mapping went (munlock_vma_folio of the zap): evictable again */
		ClearPageFlag(page, PG_mlocked);
		mod_zone_page_state(page_zone(m, page), NR_MLOCK, -1);
		count_vm_event(m, UNEVICTABLE_PGS_MUNLOCKED);
		putback_evictable(m, page);
	}
}

void put_page(struct machine *m, struct page *page)
{
	VM_BUG_ON(page->refcount <= 0);
	if (--page->refcount)
		return;
	VM_BUG_ON(page->mapcount);
	lru_del(m, page);
	page->private = 0;
	free_pages(m, page, 0);
}

/* A page mapped by a VM_LOCKED VMA cannot be reclaimed: Mlocked, Unevictable. */
void mlock_page(struct machine *m, struct page *page)
{
	if (PageFlag(page, PG_mlocked))
		return;
	SetPageFlag(page, PG_mlocked);
	mod_zone_page_state(page_zone(m, page), NR_MLOCK, 1);
	count_vm_event(m, UNEVICTABLE_PGS_MLOCKED);
	if (!PageFlag(page, PG_lru))
		return;	/* isolated by reclaim: its putback sends it to the unevictable list */
	if (PageFlag(page, PG_unevictable))
		return;	/* a SHM_LOCK'd segment's page: there already */
	lru_del(m, page);
	lru_add(m, page, LRU_UNEVICTABLE);
	/* __mlock_folio: moved off an evictable list */
	count_vm_events(m, UNEVICTABLE_PGS_CULLED, PageFlag(page, PG_head) ? 512 : 1);
}

uint64_t page_locked_mappings(struct machine *m, struct page *page)
{
	uint64_t n = 0;

	for (int pid = 0; pid < m->pid_max; pid++) {
		struct task *t = m->tasks[pid];

		if (!t || !t->mm || !t->mm->pgd || !thread_group_leader(t))
			continue;	/* a shared mm once */
		for (struct vm_area_struct *v = vma_first(t->mm); v; v = vma_next_of(v)) {
			uint64_t addr;
			pte_t *pte;

			if (!(v->vm_flags & MM_VM_LOCKED) || page->index < v->vm_pgoff ||
			    page->index - v->vm_pgoff >= vma_pages(v) ||
			    (!page_is_anon(page) && (!v->vm_file || file_inode(v->vm_file) != page->mapping)))
				continue;
			addr = v->vm_start + ((page->index - v->vm_pgoff) << MM_PAGE_SHIFT);
			pte = pte_lookup(m, t->mm, addr, 0, NULL);
			if (pte && pte_present(*pte) && pte_pfn(*pte) == page_to_pfn(m, page))
				n++;
		}
	}
	return n;
}

void munlock_page(struct machine *m, struct page *page)
{
	if (!PageFlag(page, PG_mlocked))
		return;
	ClearPageFlag(page, PG_mlocked);
	mod_zone_page_state(page_zone(m, page), NR_MLOCK, -1);
	count_vm_event(m, UNEVICTABLE_PGS_MUNLOCKED);
	putback_evictable(m, page);
}
