/* SPDX-License-Identifier: MIT */
/*
 * huge_memory.h - transparent huge pages mapped by one PMD (kernel:
 * mm/huge_memory.c, the large-folio parts of mm/rmap.c).
 *
 * A THP is an order-9 buddy block: the head carries PG_head (never
 * PG_hugetlb); every subpage carries PG_anon, PG_swapbacked, PG_uptodate
 * and its own PG_anon_exclusive and PG_zeroed. Only the head is on an LRU
 * list (counting 512 pages there). Folio state lives in the first tails:
 *   - subpage->mapcount: PTEs mapping that subpage (as for any page)
 *   - subpage->refcount: those PTEs; the head's also counts PMD mappings
 *   - folio_entire_mapcount: PMDs mapping the whole folio
 *   - folio_refs: all references; the block is freed when it reaches 0
 *   - folio_nr_mapped: subpages with a PTE mapping
 * AnonPages (NR_ANON_PAGES) counts the subpages mapped at least once (all
 * 512 while a PMD maps the folio); nr_anon_transparent_hugepages counts
 * PMD-mapped folios. A split PMD leaves the folio whole and PTE-mapped; a
 * folio left partly mapped is counted once in thp_deferred_split_page and
 * kept (folio_partially_mapped: head[2].private), until reclaim or
 * MADV_PAGEOUT/COLD splits it (huge_split.c: split_folio).
 *
 * Under reclaim a folio may go to swap whole (vmscan.c): then every
 * subpage is PG_swapcache with its own entry in subpage->swap (the
 * folio's first entry + i), the swap cache points each slot at its
 * subpage, and holds one reference on each (folio_refs counts them).
 *
 * All functions expect m->lock held.
 */
#ifndef MM_HUGE_MEMORY_H
#define MM_HUGE_MEMORY_H

#include <stdint.h>

#include "page.h"
#include "pgtable.h"

struct machine;
struct mm_struct;
struct vm_area_struct;

#define HPAGE_PMD_NR		512
#define VM_FAULT_FALLBACK	0x0800	/* not done at PMD level: take the PTE path */

static inline uint64_t *folio_entire_mapcount(struct page *head) { return &head[1].index; }
static inline uint64_t *folio_refs(struct page *head) { return &head[1].private; }
static inline uint64_t *folio_nr_mapped(struct page *head) { return &head[2].index; }

/* A folio left partly mapped, on the deferred split queue (folio_test_partially_mapped). */
static inline int folio_partially_mapped(const struct page *head) { return head[2].private != 0; }
/* Some PMD or PTE maps a subpage of the folio (folio_mapped). */
static inline int thp_mapped(struct page *head)
{
	return *folio_entire_mapcount(head) || *folio_nr_mapped(head);
}

/* The head of the compound page (THP, hugetlb, huge zero) page is part of, or NULL. */
struct page *compound_head_of(struct machine *m, struct page *page);
/* Is page a subpage of a THP (not hugetlb, not the huge zero page)? */
int page_in_thp(struct machine *m, struct page *page);
/* The PTE mappings of page plus its folio's PMD mappings (folio_precise_page_mapcount). */
uint64_t precise_mapcount(struct machine *m, struct page *page);
/* Might more than one mapping own the folio of page (folio_maybe_mapped_shared)? */
int thp_maybe_shared(struct page *head);

/* Could a PMD-sized THP map [haddr, haddr + 2 MiB) of vma (thp_vma_allowable_order)? */
int thp_vma_suitable(struct machine *m, const struct vm_area_struct *vma, uint64_t haddr);

/*
 * The huge zero page: allocated at the first read fault that maps it, held
 * by every address space that mapped it until that exits (mmput calls
 * mm_put_huge_zero_page), and freed by the shrinker (drop_caches 2) once
 * none holds it.
 */
void mm_put_huge_zero_page(struct machine *m, struct mm_struct *mm);
void shrink_huge_zero_page(struct machine *m);

/* Faults on an empty PMD, and write faults on a read-only huge PMD. */
unsigned do_huge_pmd_anonymous_page(struct machine *m, struct mm_struct *mm,
				    struct vm_area_struct *vma, uint64_t haddr, pte_t *pmd,
				    unsigned flags);
unsigned do_huge_pmd_wp_page(struct machine *m, struct mm_struct *mm,
			     struct vm_area_struct *vma, uint64_t haddr, pte_t *pmd);

/* Replace a THP or huge-zero PMD by the 512 PTEs of its deposited table (hugetlb: no-op). 0. */
int split_huge_pmd(struct machine *m, struct mm_struct *mm, uint64_t haddr, pte_t *pmd);
/* Unmap a whole THP or huge-zero PMD. */
void zap_huge_pmd(struct machine *m, struct mm_struct *mm, pte_t *pmd);
/* fork: the child maps the same folio; both PMDs lose write. 0 or -ENOMEM. */
int copy_huge_pmd(struct machine *m, struct mm_struct *dst, pte_t *dst_pmd, pte_t *src_pmd,
		  int cow);
/* mprotect of a whole huge PMD. */
void change_huge_pmd(struct machine *m, struct vm_area_struct *vma, pte_t *pmd);
/* mlock / munlock of a whole PMD-mapped THP (512 pages Mlocked). */
void mlock_huge_pmd(struct machine *m, pte_t *pmd, int lock);

/* One more reference on subpage page of THP head (folio_get), and one fewer (folio_put: at 0 the block is freed). */
void thp_get(struct page *head, struct page *page);
void thp_put(struct machine *m, struct page *head, struct page *page);
/* One more PTE maps subpage page of THP head (mapcount, AnonPages, a reference; rss is the caller's). */
void thp_add_pte(struct machine *m, struct page *head, struct page *page);

/* A PTE mapping subpage of a THP is gone (zap, COW): unmap and drop its reference. */
void thp_remove_pte(struct machine *m, struct mm_struct *mm, struct page *page);
/* fork: one more PTE maps subpage of a THP. */
void thp_dup_pte(struct machine *m, struct mm_struct *mm, struct page *page);

/*
 * huge_split.c: split_folio (kernel: split_huge_page_to_list_to_order).
 * Every PMD mapping the anonymous THP head is split first (thp_split_pmd
 * each); then its 512 pages become order-0 pages: mapped ones keep their
 * PTEs, except that a subpage holding only zeros is replaced by the shared
 * zero page where a PTE maps it (RMP_USE_SHARED_ZEROPAGE); unmapped ones
 * not in the swap cache are freed. thp_split_page +1.
 *
 * list NULL: head is on an LRU list; the new pages join that list next to
 * it (reclaim meets head first, then 1, 2 ...). Otherwise head is isolated
 * (reclaim holds it): the surviving tails go on list, last first, each with
 * an isolation reference of its own, as lru_add_split_folio does. The
 * caller holds a reference on head (reclaim's isolation, or its own), which
 * stays on head, now an order-0 page, mapped or not: the caller drops it
 * (put_page). Returns 0 (the model's splits do not fail).
 */
struct list_head;
int split_folio(struct machine *m, struct page *head, struct list_head *list);
/* check: every THP's references, mappings and swap-cache state (huge_check.c). */
struct rbuf_lite;
int thp_check(struct machine *m, struct rbuf_lite *out);

#endif
