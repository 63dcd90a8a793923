/* SPDX-License-Identifier: MIT */
/*
 * hugetlb.c - the persistent hugetlb pool behind sys/vm/nr_hugepages.
 *
 * Pool pages are order-9 blocks taken from the buddy allocator with
 * GFP_HIGHUSER_MOVABLE (x86's 2 MiB pages are migratable) and kept on
 * m->hugepage_freelist until a MAP_HUGETLB mapping uses them. A fault
 * takes a free page of the node its policy picks (huge_node: the VMA's
 * policy, else the task's; interleave by 2 MiB index), then of that
 * node's zonelist, within BIND's nodes: a bound mapping whose nodes have
 * no free page left gets SIGBUS even while other nodes have some, as on
 * Linux (the pool's reservations are not per node). Below the
 * pool: the mappings (reservations, faults, COW, zap), see hugetlb.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "compaction.h"
#include "trace.h"
#include "arena.h"
#include "page_alloc.h"
#include "huge_memory.h"
#include "hugetlb.h"
#include "mempolicy.h"
#include "memory.h"
#include "pgtable.h"
#include "rmap.h"
#include "task.h"
#include "vma.h"

static int alloc_pool_page(struct machine *m, int nid)
{
	unsigned gfp = GFP_HIGHUSER_MOVABLE | __GFP_THISNODE | __GFP_NOWARN;
	struct page *page;

	page_owner_site(m, PO_SITE_HUGETLB);
	page = TRACE_ALLOC_TRY(m, alloc_pages(m, gfp, HPAGE_PMD_ORDER, nid));

	/*
	 * __GFP_RETRY_MAYFAIL: direct compaction, harder each time
	 * (should_compact_retry raises the priority up to a full sync run).
	 */
	for (int prio = INIT_COMPACT_PRIORITY; !page && prio >= MIN_COMPACT_PRIORITY; prio--)
		page = alloc_pages_direct_compact(m, gfp, HPAGE_PMD_ORDER, nid,
						  (enum compact_priority)prio, NULL);
	/* one allocation, its tries above: one mm_page_alloc, with the page or NULL */
	trace_mm_page_alloc_end(m, page ? page_to_pfn(m, page) : UINT64_MAX, HPAGE_PMD_ORDER, gfp,
				gfp_migratetype(gfp));
	if (!page)
		return 0;
	SetPageFlag(page, PG_head);
	SetPageFlag(page, PG_hugetlb);
	page->private = (uint64_t)nid;
	list_add_tail(&page->lru, &m->hugepage_freelist);
	m->nr_huge_pages++;
	m->free_huge_pages++;
	m->nr_huge_pages_node[nid]++;
	m->free_huge_pages_node[nid]++;
	mod_node_page_state(m->node[nid], NR_HUGETLB, 1 << HPAGE_PMD_ORDER);
	count_vm_event(m, HTLB_BUDDY_ALLOC_SUCCESS);
	return 1;
}

static void free_pool_page(struct machine *m, struct page *page)
{
	int nid = (int)page->private;

	list_del(&page->lru);
	m->nr_huge_pages--;
	m->free_huge_pages--;
	m->nr_huge_pages_node[nid]--;
	m->free_huge_pages_node[nid]--;
	mod_node_page_state(m->node[nid], NR_HUGETLB, -(1 << HPAGE_PMD_ORDER));
	page->private = 0;
	ClearPageFlag(page, PG_head);
	ClearPageFlag(page, PG_hugetlb);
	free_pages(m, page, HPAGE_PMD_ORDER);
}

void hugetlb_set_pool_size(struct machine *m, uint64_t count)
{
	while (m->nr_huge_pages < count) {
		int got = 0;

		for (int i = 0; i < m->nr_nodes && m->nr_huge_pages < count; i++) {
			int nid = (m->hugetlb_next_nid + i) % m->nr_nodes;

			if (alloc_pool_page(m, nid)) {
				got = 1;
				m->hugetlb_next_nid = (nid + 1) % m->nr_nodes;
				break;
			}
		}
		if (!got) {
			count_vm_event(m, HTLB_BUDDY_ALLOC_FAIL);
			break;
		}
	}
	while (m->nr_huge_pages > count && m->free_huge_pages) {
		/* release the most recently added page first */
		struct page *page = list_entry(m->hugepage_freelist.prev, struct page, lru);

		free_pool_page(m, page);
	}
}

void hugetlb_release_all(struct machine *m)
{
	hugetlb_set_pool_size(m, 0);
}


/* ---- pages in use ---- */

/* Pool pages not promised to a reservation (available_huge_pages). */
static uint64_t available_huge_pages(struct machine *m)
{
	return m->free_huge_pages - m->resv_huge_pages;
}

/* The first free pool page of node nid on the freelist (dequeue_hugetlb_folio_node_exact). */
static struct page *dequeue_node_exact(struct machine *m, int nid)
{
	if (!m->free_huge_pages_node[nid])
		return NULL;
	for (struct list_head *e = m->hugepage_freelist.next; e != &m->hugepage_freelist; e = e->next) {
		struct page *p = list_entry(e, struct page, lru);

		if ((int)p->private == nid)
			return p;
	}
	return NULL;
}

/*
 * A free pool page from nid's zonelist -- nid first, then the other
 * nodes by distance -- on the nodes of nodemask alone (0: any node)
 * (dequeue_hugetlb_folio_nodemask); NULL if none.
 */
static struct page *dequeue_huge_page_nodemask(struct machine *m, int nid, uint64_t nodemask)
{
	struct page *pick = NULL;

	for (int i = 0; i < m->nr_nodes && !pick; i++) {
		int n = m->node_order_built ? m->node_order[nid][i] : (nid + i) % m->nr_nodes;

		if (!nodemask || (nodemask >> n & 1))
			pick = dequeue_node_exact(m, n);
	}
	if (!pick)
		return NULL;
	nid = (int)pick->private;
	list_del(&pick->lru);
	m->free_huge_pages--;
	m->free_huge_pages_node[nid]--;
	return pick;
}

/*
 * A free pool page for addr of vma under its policy (dequeue_hugetlb_folio_vma,
 * huge_node): PREFERRED_MANY's nodes first, then any node.
 */
static struct page *dequeue_huge_page_vma(struct machine *m, struct vm_area_struct *vma,
					  uint64_t addr)
{
	uint64_t nodemask;
	int many, nid = huge_node(m, vma, addr, &nodemask, &many);
	struct page *page = NULL;

	if (many) {
		page = dequeue_huge_page_nodemask(m, nid, nodemask);
		nodemask = 0;
	}
	return page ? page : dequeue_huge_page_nodemask(m, nid, nodemask);
}

/* The last reference is gone: back on the freelist, clean (free_huge_folio). */
static void enqueue_huge_page(struct machine *m, struct page *head)
{
	int nid = (int)head->private;

	for (int i = 0; i < HPAGE_PMD_NR; i++) {
		head[i].flags = 0;
		head[i].mapping = NULL;
		head[i].index = 0;
		head[i].mapcount = 0;
		head[i].refcount = 0;
		if (i)
			head[i].private = 0;
	}
	head->flags = (1ULL << PG_head) | (1ULL << PG_hugetlb);
	list_add(&head->lru, &m->hugepage_freelist);
	m->free_huge_pages++;
	m->free_huge_pages_node[nid]++;
}

static void huge_page_put(struct machine *m, struct page *head)
{
	VM_BUG_ON(!*folio_refs(head));
	if (--*folio_refs(head) == 0)
		enqueue_huge_page(m, head);
}

/*
 * A page for a fault at index idx of f: the reservation when one is held
 * (and the faulting mm owns it), else an unreserved free page. Every
 * subpage reads as zero until written (PG_zeroed), as clear_huge_page
 * leaves it. NULL when the pool cannot give one.
 */
static struct page *alloc_huge_page(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
				    struct hugetlb_file *h, uint64_t idx, int use_resv, int anon)
{
	struct page *head;

	use_resv = use_resv && idx < h->nr && h->resv[idx];
	if (!use_resv && !available_huge_pages(m))
		return NULL;
	head = dequeue_huge_page_vma(m, vma, addr);
	if (!head)
		return NULL;
	if (use_resv) {
		h->resv[idx] = 0;
		m->resv_huge_pages--;
	}
	for (int i = 0; i < HPAGE_PMD_NR; i++)
		head[i].flags |= 1ULL << PG_zeroed;
	head->flags |= (1ULL << PG_uptodate) |
		       (anon ? (1ULL << PG_anon) | (1ULL << PG_anon_exclusive) : 1ULL << PG_dirty);
	head->index = idx << HPAGE_PMD_ORDER;
	*folio_entire_mapcount(head) = 0;
	*folio_refs(head) = 0;
	return head;
}

/* ---- the hugetlbfs file of a mapping ---- */

struct file_ref *hugetlb_file_setup(struct machine *m, uint64_t len, int shared)
{
	struct hugetlb_file *h = kzalloc(sizeof(*h));
	struct file_ref *f;

	if (!h)
		return NULL;
	h->m = m;
	h->nr = len / HPAGE_SIZE_BYTES;
	h->shared = shared;
	h->resv = kzalloc(h->nr ? h->nr : 1);
	h->pfn = shared ? kcalloc(h->nr ? h->nr : 1, sizeof(uint64_t)) : NULL;
	f = file_ref_new("/anon_hugepage (deleted)", 0, HUGETLBFS_DEV_MINOR, 1024 + m->shmem_ino++);
	/* hugetlbfs_get_inode: every regular hugetlbfs inode has a resv_map */
	if (!h->resv || (shared && !h->pfn) || !f || resv_acct_alloc(m, &h->iresv, h->nr)) {
		resv_acct_release(m, &h->iresv);
		kfree(h->resv);
		kfree(h->pfn);
		kfree(h);
		file_ref_free(f);
		return NULL;
	}
	f->hugetlb = h;
	return f;
}

/* Drop the reservations still held on [from, to) (hugetlb_unreserve_pages). */
static void unreserve_range(struct machine *m, struct hugetlb_file *h, uint64_t from, uint64_t to)
{
	for (uint64_t i = from; i < to && i < h->nr; i++)
		if (h->resv[i]) {
			h->resv[i] = 0;
			m->resv_huge_pages--;
		}
}

void hugetlb_file_release(struct file_ref *f)
{
	struct hugetlb_file *h = f->hugetlb;

	if (!h)
		return;
	unreserve_range(h->m, h, 0, h->nr);
	for (uint64_t i = 0; h->pfn && i < h->nr; i++)
		if (h->pfn[i])
			huge_page_put(h->m, pfn_to_page(h->m, h->pfn[i]));
	/* hugetlbfs_evict_inode; an owner map outlives no VMA, this is teardown's safety */
	resv_acct_release(h->m, &h->vresv);
	resv_acct_release(h->m, &h->iresv);
	kfree(h->resv);
	kfree(h->pfn);
	kfree(h);
	f->hugetlb = NULL;
}

int hugetlb_reserve_pages(struct machine *m, struct file_ref *f, struct mm_struct *mm,
			  uint64_t pgoff, uint64_t pages, uint64_t vm_flags)
{
	struct hugetlb_file *h = f->hugetlb;
	uint64_t from = pgoff >> HPAGE_PMD_ORDER, to = (pgoff + pages) >> HPAGE_PMD_ORDER, need = 0;

	if (!h->shared)
		h->owner = mm;
	if (vm_flags & MM_VM_NORESERVE)
		return 0;
	for (uint64_t i = from; i < to && i < h->nr; i++)
		need += !h->resv[i] && !(h->pfn && h->pfn[i]);
	/*
	 * A private mapping's map is made before the pool is asked (and
	 * released when it refuses); a shared one's region_chg needs no new
	 * entry for a fresh file, and its region_add comes after.
	 */
	if (!h->shared && !h->vresv.live && resv_acct_alloc(m, &h->vresv, h->nr))
		return -ENOMEM;
	/* gather_surplus_pages: no overcommitted (surplus) pages are made here */
	if (m->resv_huge_pages + need > m->free_huge_pages) {
		if (!h->shared)
			resv_acct_release(m, &h->vresv);
		return -ENOMEM;
	}
	if (h->shared)
		resv_acct_add_fresh(m, &h->iresv, from, to < h->nr ? to : h->nr);
	for (uint64_t i = from; i < to && i < h->nr; i++)
		if (!h->resv[i] && !(h->pfn && h->pfn[i])) {
			h->resv[i] = 1;
			m->resv_huge_pages++;
		}
	return 0;
}

/*
 * The other VMAs of mm still holding vma's resv_map (split pieces of one
 * mmap share it: hugetlb_vm_op_open's kref_get). vma_release calls the
 * close hook with vma out of the tree, exit_mmap with every VMA still in
 * it, closing them in address order: then only the later ones count.
 */
static int owner_vmas_left(struct mm_struct *mm, struct vm_area_struct *vma)
{
	int in_tree = vma_lookup(mm, vma->vm_start) == vma;

	for (struct vm_area_struct *v = vma_first(mm); v; v = vma_next_of(v))
		if (v != vma && v->vm_file == vma->vm_file &&
		    (!in_tree || v->vm_start > vma->vm_start))
			return 1;
	return 0;
}

void hugetlb_vm_close(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct hugetlb_file *h = vma->vm_file ? vma->vm_file->hugetlb : NULL;

	if (!h || h->shared || h->owner != mm)
		return;
	unreserve_range(m, h, vma->vm_pgoff >> HPAGE_PMD_ORDER,
			(vma->vm_pgoff + vma_pages(vma)) >> HPAGE_PMD_ORDER);
	if (h->vresv.live && !owner_vmas_left(mm, vma))
		resv_acct_release(m, &h->vresv);	/* kref_put: the last VMA of the mmap */
}

#define HUGETLB_VMA_LOCK_SIZE	56	/* kref, rw_semaphore, vma: x86-64 */

void hugetlb_vma_lock_alloc(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct hugetlb_file *h = vma->vm_file ? vma->vm_file->hugetlb : NULL;

	vma->hlock_held = 0;	/* a copy's (vm_area_dup) is not its own */
	if (!h || !h->shared || !mm->machine)
		return;
	vma->hlock_slab = kmalloc_acct(mm->machine, HUGETLB_VMA_LOCK_SIZE, LGFP_KERNEL, -1,
				       "hugetlb_vma_lock_alloc");
	vma->hlock_held = 1;
}

void hugetlb_vma_lock_free(struct mm_struct *mm, struct vm_area_struct *vma)
{
	if (!vma->hlock_held || !mm->machine)
		return;
	kfree_acct(mm->machine, HUGETLB_VMA_LOCK_SIZE, LGFP_KERNEL, vma->hlock_slab,
		   "hugetlb_vma_lock_free");
	vma->hlock_held = 0;
}

int hugetlb_check_split(struct mm_struct *mm, uint64_t start, uint64_t end)
{
	uint64_t at[2] = { start, end };

	for (int i = 0; i < 2; i++) {
		struct vm_area_struct *v = vma_lookup(mm, at[i]);

		if (v && (v->vm_flags & MM_VM_HUGETLB) && v->vm_start < at[i] &&
		    (at[i] & (HPAGE_SIZE_BYTES - 1)))
			return -EINVAL;
	}
	return 0;
}

/* ---- page-table hooks ---- */

static pte_t mk_hugetlb_pmd(struct machine *m, struct vm_area_struct *vma, struct page *head,
			    int writable)
{
	uint64_t f = vma->vm_flags;

	return pfn_pte(page_to_pfn(m, head), vm_page_prot(f) & ~_PAGE_RW) | _PAGE_PSE |
	       _PAGE_ACCESSED | (writable && (f & MM_VM_WRITE) ? _PAGE_RW | _PAGE_DIRTY : 0);
}

/*
 * The resv_map a fault of mm in a mapping of h consults (vma_resv_map):
 * the inode's for a shared one, the owner's own for a private one, none
 * for a fork child or a VM_NORESERVE mapping.
 */
static struct resv_acct *fault_resv(struct hugetlb_file *h, struct mm_struct *mm)
{
	if (h->shared)
		return &h->iresv;
	return h->owner == mm && h->vresv.live ? &h->vresv : NULL;
}

/*
 * alloc_hugetlb_folio's vma_needs_reservation (region_chg) and then
 * vma_commit_reservation (region_add) or, without a page,
 * vma_end_reservation (region_abort: no object changes).
 */
static void resv_fault_commit(struct machine *m, struct resv_acct *r, uint64_t idx, int got)
{
	if (!r)
		return;
	resv_acct_chg1(m, r);
	if (got)
		resv_acct_add1(m, r, idx);
}

/* The page at idx of a shared mapping, from the page cache or newly added to it. */
static struct page *shared_page(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
				struct hugetlb_file *h, uint64_t idx)
{
	struct page *head;

	if (idx >= h->nr)
		return NULL;
	if (h->pfn[idx])
		return pfn_to_page(m, h->pfn[idx]);
	head = alloc_huge_page(m, vma, addr, h, idx, 1, 0);
	resv_fault_commit(m, &h->iresv, idx, head != NULL);
	if (!head)
		return NULL;
	h->pfn[idx] = page_to_pfn(m, head);
	*folio_refs(head) = 1;		/* the page cache's */
	return head;
}

/* hugetlb_wp: reuse an exclusive private page, else copy it for this mm. */
static unsigned hugetlb_wp(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma,
			   uint64_t haddr, struct hugetlb_file *h, uint64_t idx, pte_t *pmd)
{
	struct page *old = pfn_to_page(m, pte_pfn(*pmd)), *new;

	if (vma->vm_flags & MM_VM_SHARED) {
		*pmd |= _PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED;
		return 0;
	}
	if (*folio_entire_mapcount(old) == 1 && *folio_refs(old) == 1) {
		SetPageFlag(old, PG_anon_exclusive);
		*pmd |= _PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED;
		return 0;
	}
	/* the COW copy is never reserved, for the owner neither (outside_reserve) */
	new = alloc_huge_page(m, vma, haddr, h, idx, 0, 1);
	resv_fault_commit(m, fault_resv(h, mm), idx, new != NULL);
	if (!new)
		return VM_FAULT_SIGBUS;
	for (int i = 0; i < HPAGE_PMD_NR; i++)
		if (!PageFlag(old + i, PG_zeroed)) {
			ClearPageFlag(new + i, PG_zeroed);
			memcpy(page_address(m, new + i), page_address(m, old + i), MM_PAGE_SIZE);
		}
	(*folio_entire_mapcount(old))--;
	huge_page_put(m, old);
	(*folio_entire_mapcount(new))++;
	(*folio_refs(new))++;
	anon_vma_prepare(mm, vma);
	*pmd = mk_hugetlb_pmd(m, vma, new, 1);
	return 0;
}

unsigned hugetlb_fault(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma,
		       uint64_t haddr, pte_t *pmd, int write)
{
	struct hugetlb_file *h = vma->vm_file ? vma->vm_file->hugetlb : NULL;
	uint64_t idx = linear_page_index(vma, haddr) >> HPAGE_PMD_ORDER;
	int shared = (vma->vm_flags & MM_VM_SHARED) != 0;
	struct page *head;

	if (!h)
		return VM_FAULT_SIGBUS;
	if (pmd_trans_huge(*pmd)) {
		if (write && !pte_write(*pmd)) {
			/* hugetlb_fault: vma_needs_reservation + vma_end_reservation first */
			if (!h->shared && fault_resv(h, mm))
				resv_acct_chg1(m, fault_resv(h, mm));
			return hugetlb_wp(m, mm, vma, haddr, h, idx, pmd);
		}
		*pmd |= _PAGE_ACCESSED | (write ? _PAGE_DIRTY : 0);
		return 0;
	}
	/* hugetlb_no_page: a private read fault gets its own zeroed page too */
	if (h->shared)
		head = shared_page(m, vma, haddr, h, idx);
	else if (idx < h->nr) {
		head = alloc_huge_page(m, vma, haddr, h, idx, h->owner == mm, 1);
		resv_fault_commit(m, fault_resv(h, mm), idx, head != NULL);
		/* hugetlb_no_page: a private write fault checks again for the COW to come */
		if (head && write && fault_resv(h, mm))
			resv_acct_chg1(m, fault_resv(h, mm));
	} else
		head = NULL;
	if (!head)
		return VM_FAULT_SIGBUS;
	if (!h->shared)
		anon_vma_prepare(mm, vma);
	(*folio_entire_mapcount(head))++;
	(*folio_refs(head))++;
	*pmd = mk_hugetlb_pmd(m, vma, head, shared || write);
	return 0;
}

void hugetlb_zap_pmd(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma,
		     pte_t *pmd)
{
	struct page *head;

	(void)mm;
	(void)vma;
	if (!pmd_trans_huge(*pmd))
		return;
	head = pfn_to_page(m, pte_pfn(*pmd));
	*pmd = 0;
	(*folio_entire_mapcount(head))--;
	huge_page_put(m, head);
}

void hugetlb_change_pmd(struct machine *m, struct vm_area_struct *vma, pte_t *pmd)
{
	struct page *head;
	pte_t keep = *pmd & (_PAGE_ACCESSED | _PAGE_DIRTY);

	if (!pmd_trans_huge(*pmd))
		return;
	head = pfn_to_page(m, pte_pfn(*pmd));
	/* a private page is made writable again by its next write fault (hugetlb_wp) */
	*pmd = (mk_hugetlb_pmd(m, vma, head, (vma->vm_flags & MM_VM_SHARED) != 0) &
		~(_PAGE_ACCESSED | _PAGE_DIRTY)) | keep;
}

void hugetlb_copy_pmd(struct machine *m, pte_t *dst_pmd, pte_t *src_pmd)
{
	struct page *head;

	if (!pmd_trans_huge(*src_pmd))
		return;
	head = pfn_to_page(m, pte_pfn(*src_pmd));
	(*folio_entire_mapcount(head))++;
	(*folio_refs(head))++;
	ClearPageFlag(head, PG_anon_exclusive);
	*src_pmd &= ~_PAGE_RW;
	*dst_pmd = *src_pmd & ~_PAGE_ACCESSED;
}

uint64_t hugetlb_usage(struct machine *m, struct mm_struct *mm)
{
	uint64_t bytes = 0;

	if (!mm->pgd)
		return 0;
	for (struct vm_area_struct *v = vma_first(mm); v; v = vma_next_of(v)) {
		if (!(v->vm_flags & MM_VM_HUGETLB))
			continue;
		for (uint64_t a = v->vm_start; a < v->vm_end; a += HPAGE_SIZE_BYTES) {
			pte_t *pmd = pmd_lookup(m, mm, a, 0, NULL);

			if (pmd && pmd_trans_huge(*pmd))
				bytes += HPAGE_SIZE_BYTES;
		}
	}
	return bytes;
}
