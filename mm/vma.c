// SPDX-License-Identifier: MIT
/*
 * vma.c - VMA storage and the counters that follow it.
 *
 * The store is a sorted array of VMA pointers: lookups binary-search it,
 * insertion and removal shift the tail. That is O(n) per change and is
 * replaced by the VMA tree (with gap search) in the address-space issue;
 * the interface in vma.h is the one the tree keeps.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "task.h"
#include "vma.h"

struct file_ref *file_ref_new(const char *path, uint32_t major, uint32_t minor, uint64_t ino)
{
	struct file_ref *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->refcount = 1;
	f->dev_major = major;
	f->dev_minor = minor;
	f->ino = ino;
	snprintf(f->path, sizeof(f->path), "%s", path);
	return f;
}

struct file_ref *file_ref_get(struct file_ref *f)
{
	if (f)
		f->refcount++;
	return f;
}

void file_ref_put(struct file_ref *f)
{
	if (f && --f->refcount == 0)
		free(f);
}

struct vm_area_struct *vm_area_alloc(void)
{
	return calloc(1, sizeof(struct vm_area_struct));
}

void vm_area_free(struct vm_area_struct *vma)
{
	if (!vma)
		return;
	file_ref_put(vma->vm_file);
	free(vma);
}

/* Index of the first VMA with vm_end > addr (nr if none). */
static size_t store_search(const struct vma_store *s, uint64_t addr)
{
	size_t lo = 0, hi = s->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->v[mid]->vm_end > addr)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

struct vm_area_struct *vma_find(struct mm_struct *mm, uint64_t addr)
{
	size_t i = store_search(&mm->vmas, addr);

	return i < mm->vmas.nr ? mm->vmas.v[i] : NULL;
}

struct vm_area_struct *vma_lookup(struct mm_struct *mm, uint64_t addr)
{
	struct vm_area_struct *vma = vma_find(mm, addr);

	return vma && vma->vm_start <= addr ? vma : NULL;
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

int vma_insert(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vma_store *s = &mm->vmas;
	size_t i;

	if (vma->vm_start >= vma->vm_end || vma->vm_end > TASK_SIZE ||
	    (vma->vm_start | vma->vm_end) & (MM_PAGE_SIZE - 1))
		return -EINVAL;
	i = store_search(s, vma->vm_start);
	if (i < s->nr && s->v[i]->vm_start < vma->vm_end)
		return -EEXIST;
	if (s->nr == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 32;
		struct vm_area_struct **v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	memmove(&s->v[i + 1], &s->v[i], (s->nr - i) * sizeof(*s->v));
	s->v[i] = vma;
	s->nr++;
	mm->map_count++;
	vm_stat_account(mm, vma->vm_flags, vma_pages(vma), 1);
	return 0;
}

void vma_remove(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vma_store *s = &mm->vmas;
	size_t i = store_search(s, vma->vm_start);

	VM_BUG_ON(i >= s->nr || s->v[i] != vma);
	if (i >= s->nr || s->v[i] != vma)
		return;
	update_hiwater_vm(mm);
	memmove(&s->v[i], &s->v[i + 1], (s->nr - i - 1) * sizeof(*s->v));
	s->nr--;
	mm->map_count--;
	vm_stat_account(mm, vma->vm_flags, vma_pages(vma), -1);
}

void vma_set_flags(struct mm_struct *mm, struct vm_area_struct *vma, uint64_t flags)
{
	vm_stat_account(mm, vma->vm_flags, vma_pages(vma), -1);
	vma->vm_flags = flags;
	vm_stat_account(mm, vma->vm_flags, vma_pages(vma), 1);
}

void mm_free_vmas(struct mm_struct *mm)
{
	struct vma_store *s = &mm->vmas;

	update_hiwater_vm(mm);
	for (size_t i = 0; i < s->nr; i++) {
		vm_stat_account(mm, s->v[i]->vm_flags, vma_pages(s->v[i]), -1);
		vm_area_free(s->v[i]);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
	mm->map_count = 0;
}

size_t vma_count(const struct mm_struct *mm)
{
	return mm->vmas.nr;
}

uint64_t vma_accounted_pages(struct mm_struct *mm)
{
	uint64_t n = 0;

	for (size_t i = 0; i < mm->vmas.nr; i++)
		if (mm->vmas.v[i]->vm_flags & MM_VM_ACCOUNT)
			n += vma_pages(mm->vmas.v[i]);
	return n;
}

void vma_iter_init(struct vma_iterator *vmi, struct mm_struct *mm, uint64_t addr)
{
	vmi->mm = mm;
	vmi->idx = store_search(&mm->vmas, addr);
}

struct vm_area_struct *vma_next(struct vma_iterator *vmi)
{
	struct vma_store *s = &vmi->mm->vmas;

	return vmi->idx < s->nr ? s->v[vmi->idx++] : NULL;
}

/* validate_mm: the VMAs of mm and the counters derived from them. */
int vma_check(struct mm_struct *mm, int pid, struct rbuf_lite *out)
{
	struct mm_struct sum = { 0 };
	uint64_t prev_end = 0;
	int bad = 0;

	for (size_t i = 0; i < mm->vmas.nr; i++) {
		const struct vm_area_struct *vma = mm->vmas.v[i];

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
