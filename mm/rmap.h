/* SPDX-License-Identifier: MIT */
/*
 * rmap.h - who maps a page, and the counters that follow (kernel: rmap.c,
 * swap.c's LRU insertion, mm_counter).
 *
 * An anonymous page records the anon_vma it was born in (page->mapping,
 * tagged as in Linux with bit 0) and its linear index (page->index), so it
 * can be found again from any VMA sharing that anon_vma; a file or shmem
 * page records its inode and offset. page->mapcount counts the PTEs that
 * map it: Pss divides by it, kpagecount prints it. page->refcount counts
 * every holder (mappings, the page cache); the page is freed at 0.
 *
 * All functions expect m->lock held.
 */
#ifndef MM_RMAP_H
#define MM_RMAP_H

#include <stdint.h>

#include "page.h"

#include "mmzone.h"

struct machine;
struct page;
struct mm_struct;
struct vm_area_struct;
struct file_ref;

/* LRU (lru.c) */
void lru_add(struct machine *m, struct page *page, enum lru_list lru);
void lru_del(struct machine *m, struct page *page);
/* As lru_add, but in front of at (a page on that list): the younger side of it. */
void lru_add_before(struct machine *m, struct page *page, enum lru_list lru, struct list_head *at);
enum lru_list page_lru(const struct page *page);
/*
 * Whether reclaim may evict the page (folio_evictable): not mlocked, and
 * not of a mapping marked unevictable (a SHM_LOCK'd segment's object).
 */
int folio_evictable(const struct page *page);
/*
 * folio_add_lru of a page entering the LRU (a new page-cache page): to
 * the list its flags say, or, when it is not evictable, to the
 * unevictable list (inactive, unevictable_pgs_culled).
 */
void folio_add_lru(struct machine *m, struct page *page);
/*
 * check_move_unevictable_folios over the cached pages of inode's first
 * nr_pages, in index order (shmem_unlock_mapping at SHM_UNLOCK):
 * every cached page counts in unevictable_pgs_scanned; those on the
 * unevictable list that are evictable now go to the head of the inactive
 * anon (or file) list, counting unevictable_pgs_rescued.
 */
void check_move_unevictable_pages(struct machine *m, struct file_ref *inode, uint64_t nr_pages);

/*
 * rmap_walk.c: the indexes from a page to the VMAs that may map it. vma_insert
 * and vma_remove link and unlink; a linked VMA changes its anon_vma or its
 * file only through these setters.
 */
void rmap_link_vma(struct mm_struct *mm, struct vm_area_struct *vma);
void rmap_unlink_vma(struct vm_area_struct *vma);
void vma_set_anon_vma(struct vm_area_struct *vma, uint64_t id);
struct file_ref;
void vma_set_file(struct vm_area_struct *vma, struct file_ref *file);
/* A fresh anon_vma id: one counter per machine. */
uint64_t new_anon_vma_id(struct mm_struct *mm);

/*
 * Call fn for every PTE that maps page (not through a huge PMD), with its
 * VMA and address; a non-zero return stops the walk and is returned.
 */
typedef int (*rmap_fn)(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
		       uint64_t *pte, void *arg);
int rmap_walk(struct machine *m, struct page *page, rmap_fn fn, void *arg);
/*
 * The same for an anonymous THP (head): pmdf for every huge PMD that maps
 * it, ptef for every PTE that maps one of its subpages (i: which one). A
 * PMD that pmdf split is walked again as PTEs.
 */
typedef int (*rmap_thp_pmd_fn)(struct machine *m, struct vm_area_struct *vma, uint64_t haddr,
			       uint64_t *pmd, void *arg);
typedef int (*rmap_thp_pte_fn)(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
			       uint64_t *pte, unsigned i, void *arg);
int rmap_walk_thp(struct machine *m, struct page *head, rmap_thp_pmd_fn pmdf,
		  rmap_thp_pte_fn ptef, void *arg);
struct rbuf_lite;
int rmap_check(struct machine *m, struct rbuf_lite *out);

/*
 * rmap_avc.c: Linux's anon_vma tree, a shadow kept for the anon_vma and
 * anon_vma_chain slab objects (see there why). vma must be linked.
 *   anon_vma_attach   __anon_vma_prepare's half: a new root anon_vma, or
 *                     reuse's (a neighbour whose chain is singular)
 *   anon_vma_clone    dst (no chains yet) gets a copy of src's: split, dup_anon_vma, copy_vma
 *   anon_vma_fork     the child VMA: src's chains, plus its own anon_vma
 *                     unless one of them can be reused
 *   unlink_anon_vmas  all of vma's chains go, and anon_vmas left without any
 */
struct anon_vma_node;
struct avc_ext;
void anon_vma_attach(struct vm_area_struct *vma, const struct vm_area_struct *reuse);
void anon_vma_clone(struct vm_area_struct *dst, const struct vm_area_struct *src);
void anon_vma_fork(struct vm_area_struct *vma, const struct vm_area_struct *pvma);
void unlink_anon_vmas(struct vm_area_struct *vma);
/* Its chains are more than one: forked from a parent (kernel: vma_is_fork_child). */
int vma_is_fork_child(const struct vm_area_struct *vma);
/* The anon_vma_chains vma owns. */
uint64_t vma_nr_avc(const struct vm_area_struct *vma);
/* Both name the same Linux anon_vma (the same id for VMAs of a bare mm). */
int anon_vma_same(const struct vm_area_struct *a, const struct vm_area_struct *b);
int anon_vma_tree_check(struct machine *m, struct rbuf_lite *out);

/* Give vma an anon_vma before its first anonymous page (kernel: anon_vma_prepare). */
void anon_vma_prepare(struct mm_struct *mm, struct vm_area_struct *vma);

/* A freshly allocated anon page mapped once at addr of vma. */
void page_add_new_anon_rmap(struct machine *m, struct mm_struct *mm, struct page *page,
			    struct vm_area_struct *vma, uint64_t addr);
/*
 * A PTE maps an anonymous page that is already on the LRU (swap-in): one
 * the swap cache read in joins vma at addr; one already anon gains a mapping.
 */
void page_add_anon_rmap(struct machine *m, struct mm_struct *mm, struct page *page,
			struct vm_area_struct *vma, uint64_t addr);
/* One more PTE maps an existing anon page (fork). */
void page_dup_rmap(struct machine *m, struct mm_struct *mm, struct page *page);
/* One more PTE maps a page-cache page. */
void page_add_file_rmap(struct machine *m, struct mm_struct *mm, struct page *page);
/* A PTE mapping page is gone. */
void page_remove_rmap(struct machine *m, struct mm_struct *mm, struct page *page);

void get_page(struct page *page);
/* Make a mapped page unevictable (VM_LOCKED), or evictable again. */
void mlock_page(struct machine *m, struct page *page);
void munlock_page(struct machine *m, struct page *page);
/*
 * How many PTEs of VM_LOCKED VMAs map page, in every process (what
 * Linux's folio->mlock_count counts): an rmap walk, for a page that loses
 * a locked mapping (munlock, unmap) while it may keep others. Only when
 * none is left does the page stop being mlocked (__munlock_folio).
 */
uint64_t page_locked_mappings(struct machine *m, struct page *page);
/* Drop one reference; the page goes back to the buddy allocator at 0. */
void put_page(struct machine *m, struct page *page);

static inline int page_is_anon(const struct page *page) { return PageFlag(page, PG_anon); }
int page_is_shmem(const struct page *page);

#endif
