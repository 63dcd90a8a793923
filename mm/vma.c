// SPDX-License-Identifier: MIT
/*
 * vma.c - VMA storage and the counters that follow it.
 *
 * The store is the augmented tree of vma_tree.c; this file keeps the mm
 * counters (map_count, total_vm, locked_vm, data/exec/stack_vm) in step
 * with every link, unlink, resize and flag change.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "arena.h"
#include "task.h"
#include "vma.h"
#include "mempolicy.h"
#include "rmap.h"
#include "file.h"
#include "filemap.h"
#include "hugetlb.h"
#include "shm.h"

long file_refs_live;

struct file_ref *file_ref_new(const char *path, uint32_t major, uint32_t minor, uint64_t ino)
{
	struct file_ref *f = kzalloc(sizeof(*f));

	if (!f)
		return NULL;
	__atomic_add_fetch(&file_refs_live, 1, __ATOMIC_RELAXED);
	f->refcount = 1;
	f->host_fd = -1;
	f->dev_major = major;
	f->dev_minor = minor;
	f->ino = ino;
	snprintf(f->path, sizeof(f->path), "%s", path);
	return f;
}

void file_ref_free(struct file_ref *f)
{
	if (f) {
		__atomic_sub_fetch(&file_refs_live, 1, __ATOMIC_RELAXED);
		if (f->i_state & F_FILP) {	/* an open file of files/: its filp */
			kmem_cache_free(f->inode->owner, KMEM_FILP, f->slab);
			icache_put(f->inode->owner, f->inode);
		}
		kfree(f);
	}
}

struct file_ref *file_ref_get(struct file_ref *f)
{
	if (f)
		f->refcount++;
	return f;
}

/*
 * A file of the simulated file system stays in its machine's inode table
 * when unreferenced, so its inode number is stable for the life of the
 * machine (file_table_free releases them); stand-ins are freed at once.
 */
void file_ref_put(struct file_ref *f)
{
	if (f && --f->refcount == 0 && !f->owner) {
		filemap_release(f);	/* a shmem object's pages die with it */
		hugetlb_file_release(f);
		shm_file_release(f);
		file_ref_free(f);
	}
}

struct vm_area_struct *vm_area_alloc(void)
{
	return kzalloc(sizeof(struct vm_area_struct));
}

void vm_area_free(struct vm_area_struct *vma)
{
	if (!vma)
		return;
	file_ref_put(vma->vm_file);
	mpol_put(vma->vm_policy);
	kfree(vma);
}

struct vm_area_struct *vma_find(struct mm_struct *mm, uint64_t addr)
{
	return vt_find(&mm->vmas, addr);
}

struct vm_area_struct *vma_lookup(struct mm_struct *mm, uint64_t addr)
{
	struct vm_area_struct *vma = vt_find(&mm->vmas, addr);

	return vma && vma->vm_start <= addr ? vma : NULL;
}

struct vm_area_struct *vma_first(struct mm_struct *mm)
{
	return mm->vmas.first;
}

struct vm_area_struct *vma_last(struct mm_struct *mm)
{
	return mm->vmas.last;
}

/* Add (sign 1) or remove (sign -1) a VMA's pages from the mm counters. */
static void vm_stat_account(struct mm_struct *mm, uint64_t flags, uint64_t npages, int sign)
{
	uint64_t d = sign > 0 ? npages : -npages;

	mm->total_vm += d;
	if (flags & MM_VM_LOCKED)
		mm->locked_vm += d;
	if (is_exec_mapping(flags))
		mm->exec_vm += d;
	else if (is_stack_mapping(flags))
		mm->stack_vm += d;
	else if (is_data_mapping(flags))
		mm->data_vm += d;
}

static void update_hiwater_vm(struct mm_struct *mm)
{
	if (mm->hiwater_vm < mm->total_vm)
		mm->hiwater_vm = mm->total_vm;
}

/*
 * The numa_policy object of a linked VMA with a policy: Linux gives every
 * VMA its own copy (mpol_dup on split, fork, mbind), the model shares one
 * struct mempolicy by reference, so the objects follow the VMAs.
 */
static void vma_policy_link(struct mm_struct *mm, struct vm_area_struct *vma)
{
	if (!mm->machine || !vma->vm_policy || vma->pol_held)
		return;
	vma->pol_slab = kmem_cache_alloc_at(mm->machine, KMEM_NUMA_POLICY, -1, "__mpol_dup");
	vma->pol_held = 1;
}

static void vma_policy_unlink(struct mm_struct *mm, struct vm_area_struct *vma)
{
	if (!vma->pol_held)
		return;
	kmem_cache_free(mm->machine, KMEM_NUMA_POLICY, vma->pol_slab);
	vma->pol_slab = 0;
	vma->pol_held = 0;
}

void vma_replace_policy(struct mm_struct *mm, struct vm_area_struct *vma, struct mempolicy *pol)
{
	struct mempolicy *old = vma->vm_policy;
	int held = vma->pol_held;
	uint32_t slab = vma->pol_slab;

	/* mpol_dup of the new one first, then the old one's __mpol_put */
	vma->vm_policy = mpol_get(pol);
	vma->pol_held = 0;
	vma_policy_link(mm, vma);
	if (held)
		kmem_cache_free(mm->machine, KMEM_NUMA_POLICY, slab);
	mpol_put(old);
}

int vma_insert(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *next;

	if (vma->vm_start >= vma->vm_end || vma->vm_end > TASK_SIZE ||
	    (vma->vm_start | vma->vm_end) & (MM_PAGE_SIZE - 1))
		return -EINVAL;
	next = vt_find(&mm->vmas, vma->vm_start);
	if (next && next->vm_start < vma->vm_end)
		return -EEXIST;
	vt_insert(&mm->vmas, vma);
	rmap_link_vma(mm, vma);
	vma_policy_link(mm, vma);
	mm->map_count++;
	vm_stat_account(mm, vma->vm_flags, vma_pages(vma), 1);
	if (vma->vm_file && vma->vm_file->shm)
		shm_vma_open(mm, vma);
	if (vma->vm_file && vma->vm_file->hugetlb)
		hugetlb_vma_lock_alloc(mm, vma);
	return 0;
}

void vma_remove(struct mm_struct *mm, struct vm_area_struct *vma)
{
	update_hiwater_vm(mm);
	if (vma->vm_file && vma->vm_file->shm)
		shm_vma_close(mm, vma);
	vt_erase(&mm->vmas, vma);
	hugetlb_vma_lock_free(mm, vma);
	vma_policy_unlink(mm, vma);
	rmap_unlink_vma(vma);
	mm->map_count--;
	vm_stat_account(mm, vma->vm_flags, vma_pages(vma), -1);
}

void vma_adjust(struct mm_struct *mm, struct vm_area_struct *vma,
		uint64_t start, uint64_t end, uint64_t pgoff)
{
	VM_BUG_ON(start >= end || (start | end) & (MM_PAGE_SIZE - 1));
	VM_BUG_ON(vma->vm_prev && vma->vm_prev->vm_end > start);
	VM_BUG_ON(vma->vm_next && vma->vm_next->vm_start < end);
	if (end - start < vma->vm_end - vma->vm_start)
		update_hiwater_vm(mm);
	vm_stat_account(mm, vma->vm_flags, vma_pages(vma), -1);
	vma->vm_start = start;
	vma->vm_end = end;
	vma->vm_pgoff = pgoff;
	vm_stat_account(mm, vma->vm_flags, vma_pages(vma), 1);
	vt_update_gaps(&mm->vmas, vma);
}

void vma_set_flags(struct mm_struct *mm, struct vm_area_struct *vma, uint64_t flags)
{
	uint64_t old = vma->vm_flags;

	vm_stat_account(mm, vma->vm_flags, vma_pages(vma), -1);
	vma->vm_flags = flags;
	vm_stat_account(mm, vma->vm_flags, vma_pages(vma), 1);
	if ((old ^ flags) & MM_VM_GROWSDOWN)
		vt_update_gaps(&mm->vmas, vma);
}

void mm_free_vmas(struct mm_struct *mm)
{
	struct vm_area_struct *vma = mm->vmas.first;

	update_hiwater_vm(mm);
	while (vma) {
		struct vm_area_struct *next = vma->vm_next;

		vm_stat_account(mm, vma->vm_flags, vma_pages(vma), -1);
		if (vma->vm_file && vma->vm_file->shm)
			shm_vma_close(mm, vma);
		hugetlb_vma_lock_free(mm, vma);
		vma_policy_unlink(mm, vma);
		rmap_unlink_vma(vma);
		vm_area_free(vma);
		vma = next;
	}
	memset(&mm->vmas, 0, sizeof(mm->vmas));
	mm->map_count = 0;
}

size_t vma_count(const struct mm_struct *mm)
{
	return mm->vmas.nr;
}

uint64_t vma_accounted_pages(struct mm_struct *mm)
{
	uint64_t n = 0;

	for (struct vm_area_struct *v = mm->vmas.first; v; v = v->vm_next)
		if (v->vm_flags & MM_VM_ACCOUNT)
			n += vma_pages(v);
	return n;
}

void vma_iter_init(struct vma_iterator *vmi, struct mm_struct *mm, uint64_t addr)
{
	vmi->mm = mm;
	vmi->next = vt_find(&mm->vmas, addr);
}

struct vm_area_struct *vma_next(struct vma_iterator *vmi)
{
	struct vm_area_struct *v = vmi->next;

	if (v)
		vmi->next = v->vm_next;
	return v;
}

/* validate_mm: the VMAs of mm and the counters derived from them. */
int vma_check(struct mm_struct *mm, int pid, struct rbuf_lite *out)
{
	struct mm_struct sum = { 0 };
	uint64_t prev_end = 0;
	int bad = 0;

	char why[160];

	if (vt_check(&mm->vmas, why, sizeof(why))) {
		rbl_printf(out, "pid %d: vma tree: %s\n", pid, why);
		return 1;
	}
	for (const struct vm_area_struct *vma = mm->vmas.first; vma; vma = vma->vm_next) {

		if (vma->vm_start >= vma->vm_end || vma->vm_end > TASK_SIZE ||
		    (vma->vm_start | vma->vm_end) & (MM_PAGE_SIZE - 1)) {
			rbl_printf(out, "pid %d: bad vma %llx-%llx\n", pid,
				   (unsigned long long)vma->vm_start, (unsigned long long)vma->vm_end);
			bad++;
		}
		if (vma->vm_start < prev_end) {
			rbl_printf(out, "pid %d: vma %llx-%llx overlaps or precedes the one before\n",
				   pid, (unsigned long long)vma->vm_start,
				   (unsigned long long)vma->vm_end);
			bad++;
		}
		if (vma->vm_file && vma->vm_file->refcount <= 0) {
			rbl_printf(out, "pid %d: vma %llx file refcount %d\n", pid,
				   (unsigned long long)vma->vm_start, vma->vm_file->refcount);
			bad++;
		}
		prev_end = vma->vm_end;
		vm_stat_account(&sum, vma->vm_flags, vma_pages(vma), 1);
	}
#define CHECK_COUNTER(field, want)						\
	do {									\
		if (mm->field != (want)) {					\
			rbl_printf(out, "pid %d: " #field " %llu, VMAs say %llu\n", pid, \
				   (unsigned long long)mm->field, (unsigned long long)(want)); \
			bad++;							\
		}								\
	} while (0)
	CHECK_COUNTER(map_count, mm->vmas.nr);
	CHECK_COUNTER(total_vm, sum.total_vm);
	CHECK_COUNTER(locked_vm, sum.locked_vm);
	CHECK_COUNTER(data_vm, sum.data_vm);
	CHECK_COUNTER(exec_vm, sum.exec_vm);
	CHECK_COUNTER(stack_vm, sum.stack_vm);
#undef CHECK_COUNTER
	if (mm->start_brk > mm->brk) {
		rbl_printf(out, "pid %d: brk %llx below start_brk %llx\n", pid,
			   (unsigned long long)mm->brk, (unsigned long long)mm->start_brk);
		bad++;
	}
	return bad;
}
