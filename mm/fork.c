/* SPDX-License-Identifier: MIT */
/*
 * fork.c - a new process as a copy of its parent (kernel: kernel/fork.c
 * dup_mmap, mm/memory.c copy_page_range).
 *
 * The child gets every VMA but MADV_DONTFORK ones, without VM_LOCKED
 * (memory locks are not inherited). Page tables are copied only where
 * Linux copies them — VMAs with anonymous pages (an anon_vma); file and
 * shared mappings without one are left to fault in the child. A private
 * page then becomes copy-on-write: both PTEs lose their write bit and the
 * page gains a mapcount, so the first writer on either side copies it.
 * MADV_WIPEONFORK VMAs arrive empty.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "libc/malloc.h"
#include "arena.h"
#include "pgtable.h"
#include "huge_memory.h"
#include "hugetlb.h"
#include "memory_internal.h"
#include "rmap.h"
#include "syscalls.h"
#include "task.h"
#include "vma.h"
#include "mempolicy.h"

struct copy_arg {
	struct mm_struct *dst;
	struct vm_area_struct *vma;	/* the parent's */
	struct task *parent;
	int err;
};

static int copy_one_pte(struct machine *m, struct mm_struct *src, uint64_t addr, pte_t *pte,
			void *arg)
{
	struct copy_arg *ca = arg;
	pte_t *dst, v = *pte;
	struct page *page;

	(void)src;
	if (step_boundary(addr) && resched_or_killed(m, ca->parent))
		return -EINTR;	/* kill of the parent: the child goes */
	dst = pte_lookup(m, ca->dst, addr, 1, &ca->err);
	if (!dst)
		return ca->err ? ca->err : -ENOMEM;
	if (pte_is_swap(v)) {
		*dst = copy_swap_pte(m, ca->dst, pte);
		return 0;
	}
	if (pte_pfn(v) != m->zero_pfn) {
		page = pfn_to_page(m, pte_pfn(v));
		if (page_in_thp(m, page))
			thp_dup_pte(m, ca->dst, page);
		else if (page_is_anon(page))
			page_dup_rmap(m, ca->dst, page);
		else
			page_add_file_rmap(m, ca->dst, page);
	}
	/* a private writable mapping: both sides now copy on write */
	if (!(ca->vma->vm_flags & MM_VM_SHARED) && (ca->vma->vm_flags & MM_VM_MAYWRITE)) {
		*pte &= ~_PAGE_RW;
		v &= ~_PAGE_RW;
	}
	if (ca->vma->vm_flags & MM_VM_SHARED)
		v &= ~_PAGE_DIRTY;
	*dst = v & ~_PAGE_ACCESSED;	/* the child's view starts old */
	return 0;
}

/* A huge PMD is copied whole (copy_huge_pmd); the walk never splits it. */
static int copy_one_pmd(struct machine *m, struct mm_struct *src, uint64_t addr, uint64_t end,
			pte_t *pmd, void *arg)
{
	struct copy_arg *ca = arg;
	pte_t *dst;
	uint64_t f = ca->vma->vm_flags;

	(void)src;
	(void)end;
	if (resched_or_killed(m, ca->parent))
		return -EINTR;
	dst = pmd_lookup(m, ca->dst, addr, 1, &ca->err);
	if (!dst)
		return ca->err ? ca->err : -ENOMEM;
	if (f & MM_VM_HUGETLB) {
		hugetlb_copy_pmd(m, dst, pmd);
		return 0;
	}
	return copy_huge_pmd(m, ca->dst, dst, pmd,
			     !(f & MM_VM_SHARED) && (f & MM_VM_MAYWRITE));
}

static int dup_mmap(struct machine *m, struct task *parent, struct mm_struct *mm)
{
	struct mm_struct *old = parent->mm;
	int err = 0;

	for (struct vm_area_struct *v = vma_first(old); v && !err; v = vma_next_of(v)) {
		struct vm_area_struct *tmp;

		if (v->vm_flags & MM_VM_DONTCOPY)
			continue;
		tmp = vm_area_alloc();
		if (!tmp)
			return -ENOMEM;
		tmp->vm_start = v->vm_start;
		tmp->vm_end = v->vm_end;
		tmp->vm_flags = v->vm_flags & ~(MM_VM_LOCKED | MM_VM_LOCKONFAULT);
		tmp->vm_pgoff = v->vm_pgoff;
		tmp->vm_file = file_ref_get(v->vm_file);
		tmp->vm_policy = mpol_get(v->vm_policy);
		tmp->special = v->special;
		tmp->anon_vma = (v->vm_flags & MM_VM_WIPEONFORK) ? 0 : v->anon_vma;
		err = vma_insert(mm, tmp);
		if (err) {
			vm_area_free(tmp);
			break;
		}
		if (tmp->vm_flags & MM_VM_ACCOUNT)
			m->vm_committed_as += vma_pages(tmp);	/* mmput gives it back */
		if (v->anon_vma && !(v->vm_flags & MM_VM_WIPEONFORK)) {
			struct copy_arg ca = { mm, v, parent, 0 };

			if (!mm->pgd && pgd_alloc(m, mm))
				return -ENOMEM;
			anon_vma_fork(tmp, v);	/* Linux's anon_vma tree: rmap_avc.c */
			err = walk_range(m, old, v->vm_start, v->vm_end, copy_one_pmd, copy_one_pte, &ca);
		}
	}
	return err;
}

int do_fork(struct machine *m, struct task *parent, int *child_pid, char *why, size_t whylen)
{
	struct mm_struct *old = parent->mm, *mm;
	struct task *t;
	int err;

	lockdep_assert_held(m);
	/* from a thread: the child's parent is the process (copy_process's real_parent's tgid) */
	t = task_alloc(m, parent->tgid ? parent->tgid : parent->pid, parent->comm, parent->cmdline,
		       parent->cmdline_len);
	mm = mm_alloc(m);
	if (!t || !mm) {
		mm_free(m, mm);
		if (t)
			task_discard(m, t);
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	t->oom_score_adj = parent->oom_score_adj;
	t->cpu = parent->cpu;
	t->cpu_nid = parent->cpu_nid;
	mpol_fork(t, parent);
	memcpy(t->cpus_allowed, parent->cpus_allowed, sizeof(t->cpus_allowed));
	t->affinity_set = parent->affinity_set;
	/* the layout fields travel with the address space */
	mm->start_code = old->start_code;
	mm->end_code = old->end_code;
	mm->start_data = old->start_data;
	mm->end_data = old->end_data;
	mm->start_brk = old->start_brk;
	mm->brk = old->brk;
	mm->start_stack = old->start_stack;
	mm->arg_start = old->arg_start;
	mm->arg_end = old->arg_end;
	mm->env_start = old->env_start;
	mm->env_end = old->env_end;
	mm->mmap_base = old->mmap_base;
	mm->task_size = old->task_size;
	mm->last_anon_vma = old->last_anon_vma;
	/* glibc's stack cache is process memory: the child has it too */
	memcpy(mm->stack_cache, old->stack_cache, sizeof(mm->stack_cache));
	mm->stack_cache_nr = old->stack_cache_nr;
	mm->exe_file = old->exe_file ? file_ref_get(old->exe_file) : NULL;
	t->mm = mm;
	err = trace_xlate_dup(mm, old);
	if (!err)
		err = dup_mmap(m, parent, mm);
	if (!err)
		err = fdtable_dup(t, parent);
	if (!err)
		err = libc_malloc_dup(mm, old);
	if (err) {
		task_discard(m, t);
		if (err == -EINTR) {
			snprintf(why, whylen, "interrupted: the process is being killed");
			return -EINTR;
		}
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	mm->hiwater_vm = mm->total_vm;
	err = task_attach(m, t);
	if (err) {
		snprintf(why, whylen, "no free pid");
		return -EAGAIN;
	}
	*child_pid = t->pid;
	return 0;
}
