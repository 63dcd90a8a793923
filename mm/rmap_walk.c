// SPDX-License-Identifier: MIT
/*
 * rmap_walk.c - from a page to the PTEs that map it (kernel: rmap_walk,
 * anon_vma's interval tree, address_space's i_mmap).
 *
 * Reclaim asks of every page it looks at who maps it: to test and clear
 * the accessed bits (folio_referenced) and to turn the PTEs into swap
 * entries (try_to_unmap). Two indexes answer, both kept by vma_insert and
 * vma_remove:
 *
 *   anon  an anonymous page remembers its anon_vma id and its linear
 *         index; the id leads to the list of VMAs that carry it (the VMA
 *         it was born in, its splits, the copies fork made), and in each
 *         the index gives the one address where it can be mapped;
 *   file  a page-cache page remembers its inode and index; the inode
 *         lists every VMA that maps it (i_mmap).
 *
 * Anon_vma ids come from one counter per machine, so two processes never
 * share one by accident. These lists are the model's own index: Linux's
 * anon_vma tree (a new anon_vma per forked VMA, its anon_vma_chain
 * objects) is kept beside them in rmap_avc.c, for the slab counts only. A VMA whose anon_vma changes while it is linked
 * goes through vma_set_anon_vma; one whose file changes, vma_set_file.
 * All functions expect m->lock held.
 */
#include <stdlib.h>

#include "internal.h"
#include "arena.h"
#include "file.h"
#include "filemap.h"
#include "pgtable.h"
#include "rmap.h"
#include "task.h"
#include "vma.h"

/* One anon_vma: the VMAs that carry its id. */
struct anon_vma {
	uint64_t id;
	struct anon_vma *hnext;		/* hash chain */
	struct list_head vmas;		/* their anon_link */
};

static uint64_t av_hash(uint64_t id, uint64_t n)
{
	return (id * 0x9e3779b97f4a7c15ULL >> 20) & (n - 1);
}

static struct anon_vma *av_find(struct machine *m, uint64_t id)
{
	if (!m->anon_vmas)
		return NULL;
	for (struct anon_vma *av = m->anon_vmas[av_hash(id, m->anon_nbuckets)]; av; av = av->hnext)
		if (av->id == id)
			return av;
	return NULL;
}

/* Double the table when it holds twice as many anon_vmas as buckets. */
static void av_grow(struct machine *m)
{
	uint64_t n = m->anon_nbuckets ? 2 * m->anon_nbuckets : 1024;
	struct anon_vma **b = kcalloc(n, sizeof(*b));

	if (!b)
		return;		/* longer chains, still right */
	for (uint64_t i = 0; i < m->anon_nbuckets; i++)
		while (m->anon_vmas[i]) {
			struct anon_vma *av = m->anon_vmas[i];

			m->anon_vmas[i] = av->hnext;
			av->hnext = b[av_hash(av->id, n)];
			b[av_hash(av->id, n)] = av;
		}
	kfree(m->anon_vmas);
	m->anon_vmas = b;
	m->anon_nbuckets = n;
}

static void anon_link(struct machine *m, struct vm_area_struct *vma)
{
	struct anon_vma *av = av_find(m, vma->anon_vma);

	if (!av) {
		if (m->nr_anon_vmas >= 2 * m->anon_nbuckets)
			av_grow(m);
		av = kzalloc(sizeof(*av));
		if (!av)
			return;	/* the page's PTEs stay unseen by reclaim: it keeps them */
		av->id = vma->anon_vma;
		INIT_LIST_HEAD(&av->vmas);
		av->hnext = m->anon_vmas[av_hash(av->id, m->anon_nbuckets)];
		m->anon_vmas[av_hash(av->id, m->anon_nbuckets)] = av;
		m->nr_anon_vmas++;
	}
	list_add_tail(&vma->anon_link, &av->vmas);
}

static void anon_unlink(struct machine *m, struct vm_area_struct *vma)
{
	struct anon_vma *av, **pp;

	if (!vma->anon_link.next)
		return;
	list_del(&vma->anon_link);
	vma->anon_link.next = vma->anon_link.prev = NULL;
	av = av_find(m, vma->anon_vma);
	if (!av || !list_empty(&av->vmas))
		return;
	for (pp = &m->anon_vmas[av_hash(av->id, m->anon_nbuckets)]; *pp != av; pp = &(*pp)->hnext)
		;
	*pp = av->hnext;
	m->nr_anon_vmas--;
	kfree(av);
}

static void file_link(struct vm_area_struct *vma)
{
	struct file_ref *inode = file_inode(vma->vm_file);

	if (!inode->i_mmap.next)
		INIT_LIST_HEAD(&inode->i_mmap);
	list_add_tail(&vma->mmap_link, &inode->i_mmap);
}

static void file_unlink(struct vm_area_struct *vma)
{
	if (!vma->mmap_link.next)
		return;
	list_del(&vma->mmap_link);
	vma->mmap_link.next = vma->mmap_link.prev = NULL;
}

void rmap_link_vma(struct mm_struct *mm, struct vm_area_struct *vma)
{
	vma->vm_mm = mm;
	if (!mm->machine)
		return;		/* a bare mm (the VMA tree's own tests): nothing to find */
	vma->slab = kmem_cache_alloc(mm->machine, KMEM_VM_AREA_STRUCT, -1);
	if (vma->anon_vma)
		anon_link(mm->machine, vma);
	if (vma->vm_file)
		file_link(vma);
}

void rmap_unlink_vma(struct vm_area_struct *vma)
{
	if (vma->vm_mm && vma->vm_mm->machine) {
		unlink_anon_vmas(vma);
		anon_unlink(vma->vm_mm->machine, vma);
		file_unlink(vma);
		kmem_cache_free(vma->vm_mm->machine, KMEM_VM_AREA_STRUCT, vma->slab);
		vma->slab = 0;
	}
	vma->vm_mm = NULL;
}

void vma_set_anon_vma(struct vm_area_struct *vma, uint64_t id)
{
	struct machine *m = vma->vm_mm ? vma->vm_mm->machine : NULL;

	if (vma->anon_vma == id)
		return;
	if (m) {
		unlink_anon_vmas(vma);	/* the caller attaches or clones the new one's */
		anon_unlink(m, vma);
	}
	vma->anon_vma = id;
	if (m && id)
		anon_link(m, vma);
}

void vma_set_file(struct vm_area_struct *vma, struct file_ref *file)
{
	int linked = vma->vm_mm && vma->vm_mm->machine;

	if (linked)
		file_unlink(vma);
	vma->vm_file = file;
	if (linked && file)
		file_link(vma);
}

uint64_t new_anon_vma_id(struct mm_struct *mm)
{
	return mm->machine ? ++mm->machine->last_anon_vma : ++mm->last_anon_vma;
}

/* ---- the walk ---- */

/* The PTE at addr of vma's mm if it maps page's pfn (not through a huge PMD). */
static pte_t *pte_of(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
		     struct page *page)
{
	pte_t *pte = pte_lookup(m, vma->vm_mm, addr, 0, NULL);

	if (!pte || !pte_present(*pte) || pte_pfn(*pte) != page_to_pfn(m, page))
		return NULL;
	return pte;
}

int rmap_walk(struct machine *m, struct page *page, rmap_fn fn, void *arg)
{
	struct list_head *pos, *n;
	int ret;

	lockdep_assert_held(m);
	if (page_is_anon(page)) {
		struct anon_vma *av = av_find(m, page->private);

		if (!av)
			return 0;
		list_for_each_safe(pos, n, &av->vmas) {
			struct vm_area_struct *v = list_entry(pos, struct vm_area_struct, anon_link);
			uint64_t addr;
			pte_t *pte;

			if (page->index < v->vm_pgoff || page->index >= v->vm_pgoff + vma_pages(v))
				continue;
			addr = v->vm_start + ((page->index - v->vm_pgoff) << MM_PAGE_SHIFT);
			pte = pte_of(m, v, addr, page);
			if (pte && (ret = fn(m, v, addr, pte, arg)))
				return ret;
		}
		return 0;
	}
	if (!page->mapping || !page->mapcount)
		return 0;
	{
		struct file_ref *inode = page->mapping;

		if (!inode->i_mmap.next)
			return 0;
		list_for_each_safe(pos, n, &inode->i_mmap) {
			struct vm_area_struct *v = list_entry(pos, struct vm_area_struct, mmap_link);
			uint64_t addr;
			pte_t *pte;

			if (page->index < v->vm_pgoff || page->index >= v->vm_pgoff + vma_pages(v))
				continue;
			addr = v->vm_start + ((page->index - v->vm_pgoff) << MM_PAGE_SHIFT);
			pte = pte_of(m, v, addr, page);
			if (pte && (ret = fn(m, v, addr, pte, arg)))
				return ret;
		}
	}
	return 0;
}

int rmap_walk_thp(struct machine *m, struct page *head, rmap_thp_pmd_fn pmdf,
		  rmap_thp_pte_fn ptef, void *arg)
{
	struct anon_vma *av = av_find(m, head->private);
	uint64_t pfn = page_to_pfn(m, head), first = head->index;
	struct list_head *pos, *n;
	int ret;

	lockdep_assert_held(m);
	if (!av)
		return 0;
	list_for_each_safe(pos, n, &av->vmas) {
		struct vm_area_struct *v = list_entry(pos, struct vm_area_struct, anon_link);
		uint64_t lo = first > v->vm_pgoff ? first : v->vm_pgoff;
		uint64_t hi = v->vm_pgoff + vma_pages(v);

		if (hi > first + 512)
			hi = first + 512;
		if (lo >= hi)
			continue;
		if (lo == first && hi == first + 512) {	/* the whole folio: a PMD may map it */
			uint64_t haddr = v->vm_start + ((first - v->vm_pgoff) << MM_PAGE_SHIFT);
			pte_t *pmd = pmd_lookup(m, v->vm_mm, haddr, 0, NULL);

			if (pmd && pmd_trans_huge(*pmd) && pte_pfn(*pmd) == pfn) {
				if ((ret = pmdf(m, v, haddr, pmd, arg)))
					return ret;
				if (pmd_trans_huge(*pmd))
					continue;	/* still huge: no PTEs beneath */
			}
		}
		for (uint64_t idx = lo; idx < hi; idx++) {
			uint64_t addr = v->vm_start + ((idx - v->vm_pgoff) << MM_PAGE_SHIFT);
			pte_t *pte = pte_lookup(m, v->vm_mm, addr, 0, NULL);

			if (pte && pte_present(*pte) && pte_pfn(*pte) == pfn + (idx - first) &&
			    (ret = ptef(m, v, addr, pte, (unsigned)(idx - first), arg)))
				return ret;
		}
	}
	return 0;
}

/* check: every linked VMA is in the index it belongs to, and nothing else is. */
int rmap_check(struct machine *m, struct rbuf_lite *out)
{
	uint64_t listed = 0, linked = 0;
	int bad = 0;

	for (uint64_t b = 0; b < m->anon_nbuckets; b++)
		for (struct anon_vma *av = m->anon_vmas[b]; av; av = av->hnext) {
			struct list_head *pos;

			if (list_empty(&av->vmas)) {
				rbl_printf(out, "rmap: anon_vma %llu is empty\n", (unsigned long long)av->id);
				bad++;
			}
			list_for_each(pos, &av->vmas) {
				struct vm_area_struct *v = list_entry(pos, struct vm_area_struct, anon_link);

				listed++;
				if (v->anon_vma != av->id) {
					rbl_printf(out, "rmap: a VMA of anon_vma %llu is on the list of %llu\n",
						   (unsigned long long)v->anon_vma,
						   (unsigned long long)av->id);
					bad++;
				}
			}
		}
	for (int pid = 0; pid < m->pid_max; pid++) {
		struct task *t = m->tasks[pid];

		if (!t || !t->mm || !thread_group_leader(t))
			continue;	/* a shared mm once */
		for (struct vm_area_struct *v = vma_first(t->mm); v; v = vma_next_of(v)) {
			linked += v->anon_vma != 0;
			if (v->vm_mm != t->mm || (v->anon_vma && !v->anon_link.next) ||
			    (v->vm_file && !v->mmap_link.next)) {
				rbl_printf(out, "pid %d: VMA %#llx-%#llx is missing from the rmap index\n",
					   pid, (unsigned long long)v->vm_start,
					   (unsigned long long)v->vm_end);
				bad++;
			}
		}
	}
	if (listed != linked) {
		rbl_printf(out, "rmap: %llu VMAs on anon_vma lists, %llu carry an anon_vma\n",
			   (unsigned long long)listed, (unsigned long long)linked);
		bad++;
	}
	return bad + anon_vma_tree_check(m, out);
}
