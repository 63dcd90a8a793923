/* SPDX-License-Identifier: MIT */
/*
 * huge_memory.c - anonymous transparent huge pages (see huge_memory.h for
 * the folio bookkeeping).
 *
 * A write fault on an empty PMD of a THP-eligible range allocates an
 * order-9 block and maps it with one PMD (thp_fault_alloc), or falls back
 * to 4 KiB pages when no block is free (thp_fault_fallback). A read fault
 * maps the huge zero page (use_zero_page=1), which a later write replaces
 * by a fresh THP. Every huge PMD keeps a PTE table deposited for its split,
 * counted in PageTables/VmPTE as Linux counts it.
 *
 * A write to a PMD shared after fork splits it (thp_split_pmd) and copies
 * one 4 KiB subpage: the folio stays whole, PMD-mapped by the other side.
 */
#include "internal.h"
#include "trace.h"
#include "compaction.h"
#include "mempolicy.h"
#include "page_alloc.h"
#include "pgtable.h"
#include "huge_memory.h"
#include "hugetlb.h"
#include "rmap.h"
#include "task.h"
#include "vma.h"
#include "vmscan.h"

#define HPAGE_SIZE (1ULL << PMD_SHIFT)

static struct pglist_data *head_pgdat(struct machine *m, struct page *head)
{
	return m->node[pfn_zone(m, page_to_pfn(m, head))->nid];
}

static void add_anon_rss(struct machine *m, struct mm_struct *mm, int64_t d)
{
	if (d < 0) {	/* the peak is taken before Rss shrinks */
		uint64_t rss = mm->rss[MM_ANONPAGES] + mm->rss[MM_FILEPAGES] + mm->rss[MM_SHMEMPAGES];

		if (mm->hiwater_rss < rss)
			mm->hiwater_rss = rss;
	}
	mm->rss[MM_ANONPAGES] += (uint64_t)d;
	trace_rss_stat(m, mm, MM_ANONPAGES, mm->rss[MM_ANONPAGES]);
}

struct page *compound_head_of(struct machine *m, struct page *page)
{
	uint64_t pfn = page_to_pfn(m, page);
	struct page *head = pfn_to_page(m, pfn & ~(uint64_t)(HPAGE_PMD_NR - 1));

	return PageFlag(head, PG_head) ? head : NULL;
}

int page_in_thp(struct machine *m, struct page *page)
{
	struct page *head = compound_head_of(m, page);

	return head && !PageFlag(head, PG_hugetlb) && !PageFlag(head, PG_zero);
}

uint64_t precise_mapcount(struct machine *m, struct page *page)
{
	struct page *head = compound_head_of(m, page);
	int64_t n = page->mapcount;

	if (head && !PageFlag(head, PG_zero))
		n += (int64_t)*folio_entire_mapcount(head);
	return n > 0 ? (uint64_t)n : 0;
}

int thp_maybe_shared(struct page *head)
{
	uint64_t entire = *folio_entire_mapcount(head), refs = *folio_refs(head);

	if (PageFlag(head, PG_swapcache))
		refs -= HPAGE_PMD_NR;	/* the swap cache's references map nothing */

	if (entire)
		return !(entire == 1 && refs == 1);
	return refs != *folio_nr_mapped(head);
}

int thp_vma_suitable(struct machine *m, const struct vm_area_struct *vma, uint64_t haddr)
{
	const uint64_t never = MM_VM_MAYSHARE | MM_VM_NOHUGEPAGE | MM_VM_HUGETLB |
			       MM_VM_PFNMAP | MM_VM_IO | MM_VM_DONTEXPAND | MM_VM_MIXEDMAP;

	if (!vma_is_anonymous(vma) || vma->special != VMA_SPECIAL_NONE || (vma->vm_flags & never))
		return 0;
	if (m->tun.thp_enabled == THP_NEVER ||
	    (m->tun.thp_enabled == THP_MADVISE && !(vma->vm_flags & MM_VM_HUGEPAGE)))
		return 0;
	return haddr >= vma->vm_start && haddr + HPAGE_SIZE <= vma->vm_end;
}

/* ---- folio references and rmap ---- */

void thp_get(struct page *head, struct page *page)
{
	page->refcount++;
	(*folio_refs(head))++;
}

static void free_thp(struct machine *m, struct page *head)
{
	lru_del(m, head);
	for (int i = 0; i < HPAGE_PMD_NR; i++) {
		struct page *p = head + i;

		p->flags = 0;
		p->mapping = NULL;
		p->index = 0;
		p->private = 0;
		p->mapcount = 0;
		p->refcount = 0;
	}
	free_pages(m, head, HPAGE_PMD_ORDER);
}

void thp_put(struct machine *m, struct page *head, struct page *page)
{
	VM_BUG_ON(page->refcount <= 0 || !*folio_refs(head));
	page->refcount--;
	if (--*folio_refs(head) == 0)
		free_thp(m, head);
}

/* Mlocked counts the folio's 512 pages; only a PMD-mapped folio is mlocked. */
static void thp_mlock(struct machine *m, struct page *head, int lock)
{
	struct zone *z = pfn_zone(m, page_to_pfn(m, head));

	if (lock == PageFlag(head, PG_mlocked))
		return;
	if (lock)
		mlock_page(m, head);
	else
		munlock_page(m, head);
	mod_zone_page_state(z, NR_MLOCK, lock ? HPAGE_PMD_NR - 1 : -(HPAGE_PMD_NR - 1));
}

/* A folio with some but not all pages mapped goes on the deferred split queue, once. */
static void deferred_split_check(struct machine *m, struct page *head)
{
	uint64_t mapped = *folio_nr_mapped(head);

	/* one reclaim is swapping out is left to it (deferred_split_folio skips the swap cache) */
	if (*folio_entire_mapcount(head) || !mapped || mapped == HPAGE_PMD_NR || head[2].private ||
	    PageFlag(head, PG_swapcache))
		return;
	head[2].private = 1;
	count_vm_event(m, THP_DEFERRED_SPLIT_PAGE);
}

/* One more PMD maps head (rss is the caller's). */
static void thp_add_pmd(struct machine *m, struct page *head)
{
	if ((*folio_entire_mapcount(head))++ == 0) {
		mod_node_page_state(head_pgdat(m, head), NR_ANON_TRANSPARENT_HUGEPAGES, 1);
		mod_node_page_state(head_pgdat(m, head), NR_ANON_PAGES,
				    HPAGE_PMD_NR - (int64_t)*folio_nr_mapped(head));
	}
	thp_get(head, head);
}

/* A PMD mapping head is gone: the mapping's reference is dropped too. */
static void thp_remove_pmd(struct machine *m, struct page *head)
{
	if (--*folio_entire_mapcount(head) == 0) {
		mod_node_page_state(head_pgdat(m, head), NR_ANON_TRANSPARENT_HUGEPAGES, -1);
		mod_node_page_state(head_pgdat(m, head), NR_ANON_PAGES,
				    -(HPAGE_PMD_NR - (int64_t)*folio_nr_mapped(head)));
		thp_mlock(m, head, 0);
		deferred_split_check(m, head);
	}
	thp_put(m, head, head);
}

void thp_add_pte(struct machine *m, struct page *head, struct page *page)
{
	if (page->mapcount++ == 0) {
		(*folio_nr_mapped(head))++;
		if (!*folio_entire_mapcount(head))
			mod_node_page_state(head_pgdat(m, head), NR_ANON_PAGES, 1);
	}
	thp_get(head, page);
}

void thp_remove_pte(struct machine *m, struct mm_struct *mm, struct page *page)
{
	struct page *head = compound_head_of(m, page);

	VM_BUG_ON(page->mapcount <= 0);
	add_anon_rss(m, mm, -1);
	if (--page->mapcount == 0) {
		(*folio_nr_mapped(head))--;
		if (!*folio_entire_mapcount(head))
			mod_node_page_state(head_pgdat(m, head), NR_ANON_PAGES, -1);
		deferred_split_check(m, head);
	}
	thp_put(m, head, page);
}

void thp_dup_pte(struct machine *m, struct mm_struct *mm, struct page *page)
{
	struct page *head = compound_head_of(m, page);

	thp_add_pte(m, head, page);
	ClearPageFlag(page, PG_anon_exclusive);
	add_anon_rss(m, mm, 1);
}

/* ---- faults ---- */

static pte_t mk_huge_pmd(struct machine *m, struct vm_area_struct *vma, struct page *head)
{
	pte_t pmd = pfn_pte(page_to_pfn(m, head), vm_page_prot(vma->vm_flags) & ~_PAGE_RW);

	pmd |= _PAGE_PSE | _PAGE_ACCESSED | _PAGE_DIRTY;
	if (vma->vm_flags & MM_VM_WRITE)
		pmd |= _PAGE_RW;
	return pmd;
}

/*
 * The fault's gfp (vma_thp_gfp_mask) allows direct reclaim, hence direct
 * compaction: defrag=always, or defrag=madvise in a MADV_HUGEPAGE range.
 * Otherwise (GFP_TRANSHUGE_LIGHT) a failed fault just falls back.
 */
static int thp_may_compact(struct machine *m, struct vm_area_struct *vma)
{
	return m->tun.thp_defrag == THP_ALWAYS ||
	       (m->tun.thp_defrag == THP_MADVISE && (vma->vm_flags & MM_VM_HUGEPAGE));
}

/* A THP fault's gfp (a user folio; no kswapd wakeup, as GFP_TRANSHUGE_LIGHT has none) */
#define THP_GFP	(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN | __GFP_NOKSWAPD)

/*
 * The slow path of a THP fault's allocation (__alloc_pages_slowpath with
 * GFP_TRANSHUGE: kswapd is not woken): async direct compaction; one pass
 * of direct reclaim and the free lists again; compaction once more,
 * sync-light (async under __GFP_NORETRY, which also gives up at once when
 * the first compaction was skipped or deferred). A costly order without
 * __GFP_RETRY_MAYFAIL stops there. defrag=always adds __GFP_NORETRY
 * outside madvised ranges.
 */
static struct page *thp_alloc_tries(struct machine *m, struct vm_area_struct *vma, uint64_t haddr)
{
	unsigned gfp = THP_GFP;
	int noretry = !(vma->vm_flags & MM_VM_HUGEPAGE);
	enum compact_result r;
	struct page *head;

	page_owner_site(m, PO_SITE_THP);
	head = TRACE_ALLOC_TRY(m, vma_alloc_pages(m, gfp, HPAGE_PMD_ORDER, vma, haddr));

	if (head || !thp_may_compact(m, vma))
		return head;
	page_owner_site(m, PO_SITE_THP);
	head = alloc_pages_direct_compact(m, gfp, HPAGE_PMD_ORDER, -1, INIT_COMPACT_PRIORITY, &r);
	if (head || (noretry && (r == COMPACT_SKIPPED || r == COMPACT_DEFERRED)))
		return head;
	try_to_free_pages(m, HPAGE_PMD_ORDER, gfp, m->cur_task ? task_node(m, m->cur_task) : 0);
	page_owner_site(m, PO_SITE_THP);
	head = TRACE_ALLOC_TRY(m, vma_alloc_pages(m, gfp, HPAGE_PMD_ORDER, vma, haddr));
	if (head)
		return head;
	page_owner_site(m, PO_SITE_THP);
	return alloc_pages_direct_compact(m, gfp, HPAGE_PMD_ORDER, -1,
					  noretry ? INIT_COMPACT_PRIORITY : DEF_COMPACT_PRIORITY, NULL);
}

/* The fault's one allocation: one mm_page_alloc at its end, with the page or NULL. */
static struct page *thp_alloc(struct machine *m, struct vm_area_struct *vma, uint64_t haddr)
{
	struct page *head = thp_alloc_tries(m, vma, haddr);

	trace_mm_page_alloc_end(m, head ? page_to_pfn(m, head) : UINT64_MAX, HPAGE_PMD_ORDER,
				THP_GFP, gfp_migratetype(THP_GFP));
	return head;
}

/* A new THP for haddr of vma, mapped by pmd (whose table is already deposited). */
static int map_new_thp(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma,
		       uint64_t haddr, pte_t *pmd)
{
	struct page *head = thp_alloc(m, vma, haddr);
	uint64_t index = linear_page_index(vma, haddr);

	if (!head)
		return -ENOMEM;
	anon_vma_prepare(mm, vma);
	for (int i = 0; i < HPAGE_PMD_NR; i++) {
		struct page *p = head + i;

		p->flags = (1ULL << PG_anon) | (1ULL << PG_swapbacked) | (1ULL << PG_uptodate) |
			   (1ULL << PG_anon_exclusive) | (1ULL << PG_zeroed);
		p->mapcount = 0;
		p->refcount = 0;
		p->index = index + (uint64_t)i;
		p->private = 0;
	}
	SetPageFlag(head, PG_head);
	head->private = vma->anon_vma;
	*folio_entire_mapcount(head) = 0;
	*folio_refs(head) = 0;
	*folio_nr_mapped(head) = 0;
	head[2].private = 0;
	thp_add_pmd(m, head);
	add_anon_rss(m, mm, HPAGE_PMD_NR);
	lru_add(m, head, LRU_INACTIVE_ANON);
	*pmd = mk_huge_pmd(m, vma, head);
	if (vma->vm_flags & MM_VM_LOCKED)
		thp_mlock(m, head, 1);
	count_vm_event(m, THP_FAULT_ALLOC);
	return 0;
}

/* The huge zero page exists after this, unless the allocation failed. */
static int alloc_huge_zero_page(struct machine *m)
{
	struct page *head;

	if (m->huge_zero_pfn)
		return 0;
	page_owner_site(m, PO_SITE_HUGE_ZERO);
	head = alloc_pages(m, GFP_KERNEL | __GFP_NOWARN, HPAGE_PMD_ORDER, 0);
	if (!head) {
		count_vm_event(m, THP_ZERO_PAGE_ALLOC_FAILED);
		return -ENOMEM;
	}
	for (int i = 0; i < HPAGE_PMD_NR; i++)
		head[i].flags = (1ULL << PG_zero) | (1ULL << PG_zeroed);
	SetPageFlag(head, PG_head);
	m->huge_zero_pfn = page_to_pfn(m, head);
	count_vm_event(m, THP_ZERO_PAGE_ALLOC);
	return 0;
}

/* mm_get_huge_zero_page: 0 with the page existing and held by mm, or -ENOMEM. */
static int get_huge_zero_page(struct machine *m, struct mm_struct *mm)
{
	if (!mm->huge_zero_ref && !alloc_huge_zero_page(m)) {
		mm->huge_zero_ref = 1;
		m->huge_zero_users++;
	}
	return mm->huge_zero_ref ? 0 : -ENOMEM;
}

void mm_put_huge_zero_page(struct machine *m, struct mm_struct *mm)
{
	if (!mm->huge_zero_ref)
		return;
	mm->huge_zero_ref = 0;
	m->huge_zero_users--;
}

/*
 * The shrinker (shrink_huge_zero_page_scan): the page goes back to the
 * buddy allocator once no address space holds it. No PMD maps it then:
 * every mapper's mm holds it until mmput.
 */
void shrink_huge_zero_page(struct machine *m)
{
	struct page *head;

	if (!m->huge_zero_pfn || m->huge_zero_users)
		return;
	head = pfn_to_page(m, m->huge_zero_pfn);
	for (int i = 0; i < HPAGE_PMD_NR; i++)
		head[i].flags = 0;
	m->huge_zero_pfn = 0;
	free_pages(m, head, HPAGE_PMD_ORDER);
}

unsigned do_huge_pmd_anonymous_page(struct machine *m, struct mm_struct *mm,
				    struct vm_area_struct *vma, uint64_t haddr, pte_t *pmd,
				    unsigned flags)
{
	int write = flags & 0x01;	/* FAULT_FLAG_WRITE */

	if (pgtable_deposit_new(m, mm, pmd))
		return VM_FAULT_FALLBACK;
	if (!write && !get_huge_zero_page(m, mm)) {
		*pmd = pfn_pte(m->huge_zero_pfn, vm_page_prot(vma->vm_flags) & ~_PAGE_RW) |
		       _PAGE_PSE | _PAGE_ACCESSED;
		return 0;
	}
	if (map_new_thp(m, mm, vma, haddr, pmd)) {
		pgtable_free_deposit(m, mm, pmd);
		count_vm_event(m, THP_FAULT_FALLBACK);
		return VM_FAULT_FALLBACK;
	}
	return 0;
}

unsigned do_huge_pmd_wp_page(struct machine *m, struct mm_struct *mm,
			     struct vm_area_struct *vma, uint64_t haddr, pte_t *pmd)
{
	struct page *head = pfn_to_page(m, pte_pfn(*pmd));

	if (!(vma->vm_flags & MM_VM_WRITE))
		goto fallback;	/* a forced write: COW one subpage */
	if (pte_pfn(*pmd) == m->huge_zero_pfn) {
		if (!map_new_thp(m, mm, vma, haddr, pmd))
			return 0;	/* the deposited table stays with the PMD */
		count_vm_event(m, THP_FAULT_FALLBACK);
		goto fallback;
	}
	if (*folio_entire_mapcount(head) == 1 && *folio_refs(head) == 1) {
		for (int i = 0; i < HPAGE_PMD_NR; i++)	/* wp_page_reuse */
			SetPageFlag(head + i, PG_anon_exclusive);
		*pmd |= _PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED;
		return 0;
	}
fallback:
	split_huge_pmd(m, mm, haddr, pmd);
	return VM_FAULT_FALLBACK;
}

/* ---- whole-PMD operations ---- */

int split_huge_pmd(struct machine *m, struct mm_struct *mm, uint64_t haddr, pte_t *pmd)
{
	pte_t old = *pmd, flags = (old & PTE_FLAGS_MASK) & ~_PAGE_PSE;
	struct page *head = pfn_to_page(m, pte_pfn(old));
	uint64_t table;
	pte_t *ptes;

	(void)mm;
	(void)haddr;
	if (PageFlag(head, PG_hugetlb))
		return 0;	/* hugetlb PMDs are never split */
	table = pgtable_withdraw(m, pmd);
	ptes = (pte_t *)(m->frames + (table << MM_PAGE_SHIFT));
	if (pte_pfn(old) == m->huge_zero_pfn) {
		for (int i = 0; i < HPAGE_PMD_NR; i++)
			ptes[i] = pfn_pte(m->zero_pfn, flags & ~(_PAGE_RW | _PAGE_DIRTY));
	} else {
		for (int i = 0; i < HPAGE_PMD_NR; i++) {
			thp_add_pte(m, head, head + i);
			ptes[i] = pfn_pte(page_to_pfn(m, head) + (uint64_t)i, flags);
		}
		if (old & _PAGE_DIRTY)
			SetPageFlag(head, PG_dirty);
		thp_remove_pmd(m, head);
	}
	*pmd = pfn_pte(table, _PAGE_TABLE);
	count_vm_event(m, THP_SPLIT_PMD);
	return 0;
}

void zap_huge_pmd(struct machine *m, struct mm_struct *mm, pte_t *pmd)
{
	pte_t old = *pmd;
	struct page *head = pfn_to_page(m, pte_pfn(old));

	*pmd = 0;
	pgtable_free_deposit(m, mm, pmd);
	if (pte_pfn(old) == m->huge_zero_pfn)
		return;
	add_anon_rss(m, mm, -HPAGE_PMD_NR);
	thp_remove_pmd(m, head);
}

int copy_huge_pmd(struct machine *m, struct mm_struct *dst, pte_t *dst_pmd, pte_t *src_pmd,
		  int cow)
{
	struct page *head = pfn_to_page(m, pte_pfn(*src_pmd));

	if (pgtable_deposit_new(m, dst, dst_pmd))
		return -ENOMEM;
	if (pte_pfn(*src_pmd) == m->huge_zero_pfn && !dst->huge_zero_ref) {
		dst->huge_zero_ref = 1;		/* the page exists: taking it cannot fail */
		m->huge_zero_users++;
	} else if (pte_pfn(*src_pmd) != m->huge_zero_pfn) {
		thp_add_pmd(m, head);
		add_anon_rss(m, dst, HPAGE_PMD_NR);
		for (int i = 0; i < HPAGE_PMD_NR; i++)
			ClearPageFlag(head + i, PG_anon_exclusive);
	}
	if (cow)
		*src_pmd &= ~_PAGE_RW;
	*dst_pmd = *src_pmd & ~(_PAGE_RW | _PAGE_ACCESSED);
	if (!cow)
		*dst_pmd |= *src_pmd & _PAGE_RW;
	return 0;
}

void change_huge_pmd(struct machine *m, struct vm_area_struct *vma, pte_t *pmd)
{
	uint64_t pfn = pte_pfn(*pmd);
	pte_t keep = *pmd & (_PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_PSE);
	struct page *head = pfn_to_page(m, pfn);
	int writable = 0;

	if (pfn != m->huge_zero_pfn && (vma->vm_flags & MM_VM_WRITE))
		writable = *folio_entire_mapcount(head) == 1 && *folio_refs(head) == 1 &&
			   (keep & _PAGE_DIRTY);
	*pmd = pfn_pte(pfn, vm_page_prot(vma->vm_flags) & ~_PAGE_RW) | keep |
	       (writable ? _PAGE_RW : 0);
}

void mlock_huge_pmd(struct machine *m, pte_t *pmd, int lock)
{
	if (pte_pfn(*pmd) == m->huge_zero_pfn)
		return;
	thp_mlock(m, pfn_to_page(m, pte_pfn(*pmd)), lock);
}
