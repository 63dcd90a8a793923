// SPDX-License-Identifier: MIT
/*
 * mmap.c - mmap, munmap, brk, placement and overcommit (kernel: mm/mmap.c,
 * mm/vma.c __mmap_region, mm/util.c __vm_enough_memory,
 * arch/x86/kernel/sys_x86_64.c, mm/huge_memory.c __thp_get_unmapped_area).
 *
 * Checks run in the kernel's order, so one bad call gets the errno Linux
 * 6.18 gives it (procfs.md §19.2), and nothing changes before the last
 * check that can fail.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "file.h"
#include "hugetlb.h"
#include "internal.h"
#include "pgtable.h"
#include "rmap.h"
#include "swap.h"
#include "syscalls.h"
#include "task.h"
#include "vma.h"

#define TASK_UNMAPPED_BASE	0x2aaaaaaab000ULL	/* PAGE_ALIGN(TASK_SIZE / 3) */
#define SHMEM_DEV_MINOR		1			/* 00:01, the shm mount */

/* x86's own mmap flags, and the huge page size field (MAP_HUGE_SHIFT 26). */
#define MAP_32BIT		0x40		/* place below 2 GiB */
#define MAP_ABOVE4G		0x80		/* place above 4 GiB */
#define MAP_HUGE_2MB		(21U << 26)
#define MAP_HUGE_1GB		(30U << 26)
#define MAP_32BIT_BASE		0x40000000ULL	/* x86 find_start_end, no ASLR */
#define MAP_32BIT_END		0x80000000ULL

/* mmap flags the kernel knows for file mappings (LEGACY_MAP_MASK). */
#define LEGACY_MAP_MASK (MM_MAP_SHARED | MM_MAP_PRIVATE | MM_MAP_FIXED | MM_MAP_ANONYMOUS | \
			 MM_MAP_DENYWRITE | MM_MAP_EXECUTABLE | MM_MAP_UNINITIALIZED |	 \
			 MM_MAP_GROWSDOWN | MM_MAP_LOCKED | MM_MAP_NORESERVE |		 \
			 MM_MAP_POPULATE | MM_MAP_NONBLOCK | MM_MAP_STACK | MM_MAP_HUGETLB | \
			 MAP_32BIT | MAP_ABOVE4G | MAP_HUGE_2MB | MAP_HUGE_1GB)

int sys_fail(struct sys_ctx *x, int err, const char *fmt, ...)
{
	va_list ap;

	if (x->why && x->whylen) {
		va_start(ap, fmt);
		vsnprintf(x->why, x->whylen, fmt, ap);
		va_end(ap);
	}
	return err;
}

/* ---- overcommit ---- */

/*
 * Mode 1 always grants; mode 0 refuses only one request larger than RAM +
 * swap; mode 2 refuses once Committed_AS would reach CommitLimit less the
 * user reserve (root skips the admin reserve).
 */
int vm_enough_memory(struct sys_ctx *x, uint64_t pages)
{
	struct machine *m = x->m;
	int64_t allowed, reserve = m->tun.user_reserve_kbytes >> (MM_PAGE_SHIFT - 10);

	m->vm_committed_as += pages;
	switch (m->tun.overcommit_memory) {
	case 1:
		return 0;
	case 0:
		if (pages <= m->totalram_pages + total_swap_pages(m))
			return 0;
		break;
	default:
		allowed = (int64_t)vm_commit_limit(m);
		if (x->mm)
			allowed -= (int64_t)x->mm->total_vm / 32 < reserve ?
				   (int64_t)x->mm->total_vm / 32 : reserve;
		if ((int64_t)m->vm_committed_as < allowed)
			return 0;
		break;
	}
	kmsg_add(m, "__vm_enough_memory: pid: %d, comm: %s, bytes: %llu not enough memory for the allocation",
		 x->t->pid, x->t->comm, (unsigned long long)pages << MM_PAGE_SHIFT);
	m->vm_committed_as -= pages;
	return sys_fail(x, -ENOMEM, "not enough memory to commit %llu pages (overcommit_memory=%d)",
			(unsigned long long)pages, (int)m->tun.overcommit_memory);
}

void vm_unacct_memory(struct machine *m, uint64_t pages)
{
	m->vm_committed_as -= pages < m->vm_committed_as ? pages : m->vm_committed_as;
}

void shmem_release_mm(struct machine *m, struct mm_struct *mm)
{
	for (struct vm_area_struct *v = vma_first(mm); v; v = vma_next_of(v)) {
		struct file_ref *f = v->vm_file;

		if (!f || !f->shmem_pages)
			continue;
		if (f->refcount == 1)
			vm_unacct_memory(m, f->shmem_pages);
		vma_set_file(v, NULL);	/* off the object's i_mmap before it can go */
		file_ref_put(f);
	}
}

/* ---- placement ---- */

/* A hint is taken when [hint, hint + len) lies below limit and is free, guard gap included. */
static int hint_fits(struct mm_struct *mm, uint64_t hint, uint64_t len, uint64_t limit)
{
	struct vm_area_struct *vma;

	if (!hint || len > limit || hint > limit - len)
		return 0;
	vma = vma_find(mm, hint);
	return !vma || hint + len <= vm_start_gap(vma);
}

/*
 * The gap search of the layout: top-down below mmap_base, falling back to
 * bottom-up from TASK_UNMAPPED_BASE (the legacy layout's only search).
 * 0, or -ENOMEM when no gap of info's length and alignment is free.
 */
static int layout_search(struct sys_ctx *x, struct vm_unmapped_area_info *info, uint64_t *addr)
{
	if (!x->m->tun.legacy_va_layout) {
		info->flags = VM_UNMAPPED_AREA_TOPDOWN;
		info->low_limit = MM_PAGE_SIZE;
		info->high_limit = x->mm->mmap_base;
		if (!vm_unmapped_area(x->mm, info, addr))
			return 0;
	}
	info->flags = 0;
	info->low_limit = TASK_UNMAPPED_BASE;
	info->high_limit = TASK_SIZE;
	return vm_unmapped_area(x->mm, info, addr) ? -ENOMEM : 0;
}

/*
 * MAP_32BIT: bottom-up in [1 GiB, 2 GiB) whatever the layout; a hint counts
 * only when the range fits below 2 GiB.
 */
static int arch_area_32bit(struct sys_ctx *x, uint64_t hint, uint64_t len, uint64_t *addr)
{
	struct vm_unmapped_area_info info = {
		.length = len, .low_limit = MAP_32BIT_BASE, .high_limit = MAP_32BIT_END,
	};

	hint = PAGE_ALIGN_UP(hint);
	if (hint_fits(x->mm, hint, len, MAP_32BIT_END)) {
		*addr = hint;
		return 0;
	}
	if (vm_unmapped_area(x->mm, &info, addr))
		return sys_fail(x, -ENOMEM, "no free range of %llu bytes below 2 GiB",
				(unsigned long long)len);
	return 0;
}

/* x86's arch_get_unmapped_area{,_topdown}: hint, then the gap search. */
static int arch_area(struct sys_ctx *x, uint64_t hint, uint64_t len, uint64_t flags,
		     uint64_t *addr)
{
	int topdown = !x->m->tun.legacy_va_layout;
	struct vm_unmapped_area_info info = { .length = len };

	if (flags & MAP_32BIT)
		return arch_area_32bit(x, hint, len, addr);
	if (hint && topdown && hint > TASK_SIZE - len)
		hint = 0;	/* mmap_address_hint_valid */
	if (hint && !topdown)
		hint = PAGE_ALIGN_UP(hint);
	if (hint_fits(x->mm, hint, len, TASK_SIZE)) {
		*addr = hint;
		return 0;
	}
	if (layout_search(x, &info, addr))
		return sys_fail(x, -ENOMEM, "no free range of %llu bytes", (unsigned long long)len);
	return 0;
}

/*
 * Anonymous private mappings of a 2 MiB multiple without a hint start on a
 * 2 MiB boundary (same offset modulo 2 MiB as the file offset): search for
 * len + 2 MiB and align inside it, the top end when top-down.
 */
static int thp_area(struct sys_ctx *x, uint64_t len, uint64_t pgoff, uint64_t flags,
		    uint64_t *addr)
{
	uint64_t off = pgoff << MM_PAGE_SHIFT, ret, off_sub;
	char *why = x->why;

	x->why = NULL;		/* a failed padded search is not the reply */
	if (len + PMD_SIZE < len || arch_area(x, 0, len + PMD_SIZE, flags, &ret)) {
		x->why = why;
		return arch_area(x, 0, len, flags, addr);
	}
	x->why = why;
	off_sub = (off - ret) & (PMD_SIZE - 1);
	if (!x->m->tun.legacy_va_layout && !off_sub)
		*addr = ret + PMD_SIZE;
	else
		*addr = ret + off_sub;
	return 0;
}

/*
 * hugetlb_get_unmapped_area: 2 MiB pages want 2 MiB-aligned ranges. A
 * fixed address must be aligned; a hint is rounded up to the next 2 MiB
 * boundary and taken if free; else the search asks for the alignment.
 */
static int hugetlb_area(struct sys_ctx *x, uint64_t hint, uint64_t len, uint64_t flags,
			uint64_t *addr)
{
	struct vm_unmapped_area_info info = { .length = len, .align_mask = PMD_SIZE - MM_PAGE_SIZE };

	if (len > TASK_SIZE)
		return sys_fail(x, -ENOMEM, "len is larger than the address space");
	if (flags & MM_MAP_FIXED) {
		if (hint & (PMD_SIZE - 1))
			return sys_fail(x, -EINVAL, "hugetlb address is not 2 MiB-aligned");
		*addr = hint;
		return 0;
	}
	hint = (hint + PMD_SIZE - 1) & ~(PMD_SIZE - 1);
	if (hint_fits(x->mm, hint, len, TASK_SIZE)) {
		*addr = hint;
		return 0;
	}
	if (layout_search(x, &info, addr))
		return sys_fail(x, -ENOMEM, "no free 2 MiB-aligned range of %llu bytes",
				(unsigned long long)len);
	return 0;
}

int get_unmapped_area(struct sys_ctx *x, int file, uint64_t hint, uint64_t len,
		      uint64_t pgoff, uint64_t flags, uint64_t *addr)
{
	int err;

	if (len > TASK_SIZE)
		return sys_fail(x, -ENOMEM, "len is larger than the address space");
	if (flags & MM_MAP_FIXED) {
		*addr = hint;
		err = 0;
	} else if (!file && !(flags & MM_MAP_SHARED) && !hint && !(len & (PMD_SIZE - 1))) {
		err = thp_area(x, len, pgoff, flags, addr);
	} else {
		err = arch_area(x, hint, len, flags, addr);
	}
	if (err)
		return err;
	if (*addr > TASK_SIZE - len)
		return sys_fail(x, -ENOMEM, "range crosses TASK_SIZE 0x%llx",
				(unsigned long long)TASK_SIZE);
	if (PAGE_OFFSET_OF(*addr))
		return sys_fail(x, -EINVAL, "addr is not page-aligned");
	return 0;
}

/* ---- mmap ---- */

/*
 * The file of a file mapping, with a reference the caller drops: the open
 * fd, or (shell form, or strace -y naming an fd no open line made) the
 * named file opened just for this call, read-write when it can be, else
 * read-only, and closed again afterwards as `open; mmap; close` would.
 * fds 0-2 that are still the terminal's give a file_ref of NULL: a file
 * the kernel has, but with no mmap operation.
 */
static int mmap_file(struct sys_ctx *x, const struct mm_call *c, struct fd_entry *out)
{
	struct fd_entry *e = c->fd >= 0 ? fd_lookup(x->t, c->fd) : NULL;
	int err;

	if (e) {
		out->file = file_ref_get(e->file);
		out->flags = e->flags;
		return 0;
	}
	if (!c->path[0] && fd_is_terminal(x->t, c->fd)) {
		out->file = NULL;	/* a file without ->mmap: check_file_mapping says ENODEV */
		out->flags = MM_O_RDWR;
		return 0;
	}
	if (!c->path[0])
		return c->fd >= 0 ? sys_fail(x, -EBADF, "fd %d is not open", c->fd)
				  : sys_fail(x, -EBADF, "no fd and no file");
	out->flags = MM_O_RDWR;
	err = file_open(x->m, c->path, out->flags, &out->file, x->why, x->whylen);
	if (err == -EACCES || err == -EISDIR) {
		out->flags = MM_O_RDONLY;
		err = file_open(x->m, c->path, out->flags, &out->file, x->why, x->whylen);
	}
	return err;
}

/* The file-mapping rules of do_mmap; adjusts *vm_flags. */
static int check_file_mapping(struct sys_ctx *x, const struct fd_entry *fe, uint64_t prot,
			      uint64_t flags, uint64_t *vm_flags)
{
	int acc = fe->flags & MM_O_ACCMODE;
	int can_read = acc != MM_O_WRONLY, can_write = acc != MM_O_RDONLY;

	switch (flags & MM_MAP_TYPE) {
	case MM_MAP_SHARED:
		flags &= LEGACY_MAP_MASK;
		/* fallthrough */
	case MM_MAP_SHARED_VALIDATE:
		/*
		 * Regular files' file system has FOP_MMAP_SYNC (->mmap decides);
		 * a directory's file operations have none: MAP_SYNC is refused here.
		 */
		if (flags & ~(LEGACY_MAP_MASK | (!fe->file || fe->file->is_dir ? 0 : MM_MAP_SYNC)))
			return sys_fail(x, -EOPNOTSUPP, "flags 0x%llx not supported with shared_validate",
					(unsigned long long)(flags & ~LEGACY_MAP_MASK));
		if ((prot & MM_PROT_WRITE) && !can_write)
			return sys_fail(x, -EACCES, "shared writable mapping of a file not open for writing");
		*vm_flags |= MM_VM_SHARED | MM_VM_MAYSHARE;
		if (!can_write)
			*vm_flags &= ~(MM_VM_MAYWRITE | MM_VM_SHARED);
		/* fallthrough */
	case MM_MAP_PRIVATE:
		if (!can_read)
			return sys_fail(x, -EACCES, "file is not open for reading");
		if (!fe->file)
			return sys_fail(x, -ENODEV, "the terminal cannot be mapped");
		if (fe->file->is_dir)
			return sys_fail(x, -ENODEV, "%s is a directory", fe->file->path);
		if (*vm_flags & MM_VM_GROWSDOWN)
			return sys_fail(x, -EINVAL, "a file mapping cannot grow down");
		return 0;
	default:
		return sys_fail(x, -EINVAL, "flags need exactly one of private or shared");
	}
}

static int check_anon_mapping(struct sys_ctx *x, uint64_t flags, uint64_t *vm_flags)
{
	switch (flags & MM_MAP_TYPE) {
	case MM_MAP_SHARED:
		if (*vm_flags & MM_VM_GROWSDOWN)
			return sys_fail(x, -EINVAL, "a shared mapping cannot grow down");
		*vm_flags |= MM_VM_SHARED | MM_VM_MAYSHARE;
		return 0;
	case MM_MAP_PRIVATE:
		return 0;
	default:
		return sys_fail(x, -EINVAL, "anonymous mappings need exactly one of private or shared");
	}
}

/* A new shmem object for a shared anonymous mapping (shmem_zero_setup). */
static struct file_ref *shmem_object(struct sys_ctx *x, uint64_t pages, uint64_t vm_flags)
{
	struct file_ref *f;

	if (!(vm_flags & MM_VM_NORESERVE) && vm_enough_memory(x, pages))
		return NULL;
	f = file_ref_new("/dev/zero (deleted)", 0, SHMEM_DEV_MINOR, 1024 + x->m->shmem_ino++);
	if (!f) {
		if (!(vm_flags & MM_VM_NORESERVE))
			vm_unacct_memory(x->m, pages);
		sys_fail(x, -ENOMEM, "out of memory");
		return NULL;
	}
	f->shmem_pages = vm_flags & MM_VM_NORESERVE ? 0 : pages;
	f->shmem_size = pages << MM_PAGE_SHIFT;	/* the object its pages are cached in */
	return f;
}

/*
 * The file's ->mmap, called once the old range is gone: no file of the
 * simulated file system is on DAX, so it refuses VM_SYNC as ext4 and xfs
 * do (daxdev_mapping_supported), whatever the mapping type.
 */
static int file_mmap_hook(struct sys_ctx *x, struct file_ref *file, uint64_t pgoff,
			  uint64_t pages, uint64_t vm_flags)
{
	if (file->hugetlb && hugetlb_reserve_pages(x->m, file, x->mm, pgoff, pages, vm_flags))
		return sys_fail(x, -ENOMEM, "not enough free huge pages to reserve");
	if (vm_flags & MM_VM_SYNC)
		return sys_fail(x, -EOPNOTSUPP, "MAP_SYNC needs a file on DAX");
	return 0;
}

/*
 * __mmap_region: replace whatever is in [addr, addr + len) by the new
 * mapping. A file's ->mmap refusing it comes after the old VMAs are torn
 * down, so a MAP_FIXED mapping that fails there leaves a hole, as in Linux.
 */
static int mmap_region(struct sys_ctx *x, struct file_ref *file, int shmem, uint64_t addr,
		       uint64_t len, uint64_t vm_flags, uint64_t pgoff, struct vm_area_struct **out)
{
	struct mm_struct *mm = x->mm;
	uint64_t end = addr + len, pages = len >> MM_PAGE_SHIFT, charged = 0;
	uint64_t nr_acc = range_accounted_pages(mm, addr, end);
	struct vm_area_struct *vma = vma_find(mm, addr);
	/* accountable_mapping: hugetlb pages are reserved from the pool instead */
	int accountable = (vm_flags & (MM_VM_NORESERVE | MM_VM_SHARED | MM_VM_WRITE |
				       MM_VM_HUGETLB)) == MM_VM_WRITE;
	struct vma_attr attr = { .flags = vm_flags, .file = file, .pgoff = pgoff };

	if (vma && vma->vm_start < addr && vma->vm_end > end &&
	    (int64_t)mm->map_count >= x->m->tun.max_map_count)
		return sys_fail(x, -ENOMEM, "max_map_count reached");
	if (accountable) {
		charged = pages - nr_acc;
		if (charged && vm_enough_memory(x, charged))
			return -ENOMEM;
		attr.flags |= MM_VM_ACCOUNT;
	}
	if (shmem) {
		attr.file = shmem_object(x, pages, vm_flags);
		if (!attr.file) {
			vm_unacct_memory(x->m, charged);
			return -ENOMEM;
		}
	}
	if (unmap_range(x->m, mm, addr, end, !accountable))
		goto nomem;
	if (file && !shmem) {
		int err = file_mmap_hook(x, file, pgoff, pages, vm_flags);

		if (err) {
			/* the old range's charge went with it */
			vm_unacct_memory(x->m, charged + (accountable ? nr_acc : 0));
			return err;
		}
	}
	vma = vma_map_range(mm, addr, end, &attr, 0);
	if (!vma)
		goto nomem;
	if (shmem)
		file_ref_put(attr.file);	/* the VMA holds it now */
	*out = vma;
	return 0;
nomem:
	if (shmem)
		file_ref_put(attr.file);
	vm_unacct_memory(x->m, charged);
	return sys_fail(x, -ENOMEM, "out of memory");
}

/* calc_vm_prot_bits | calc_vm_flag_bits | def_flags | VM_MAY* */
static uint64_t mmap_vm_flags(struct mm_struct *mm, uint64_t prot, uint64_t flags)
{
	uint64_t f = MM_VM_MAYREAD | MM_VM_MAYWRITE | MM_VM_MAYEXEC | mm->def_flags;

	f |= prot & MM_PROT_READ ? MM_VM_READ : 0;
	f |= prot & MM_PROT_WRITE ? MM_VM_WRITE : 0;
	f |= prot & MM_PROT_EXEC ? MM_VM_EXEC : 0;
	f |= flags & MM_MAP_GROWSDOWN ? MM_VM_GROWSDOWN : 0;
	f |= flags & MM_MAP_LOCKED ? MM_VM_LOCKED : 0;
	f |= flags & MM_MAP_SYNC ? MM_VM_SYNC : 0;
	f |= flags & MM_MAP_STACK ? MM_VM_NOHUGEPAGE : 0;
	return f;
}

static int do_mmap(struct sys_ctx *x, const struct mm_call *c, struct fd_entry *fe,
		   uint64_t *ret)
{
	uint64_t flags = c->flags, addr = c->addr, len = c->len, pgoff = c->off >> MM_PAGE_SHIFT;
	uint64_t vm_flags, populate;
	int hugetlb = fe && fe->file && fe->file->hugetlb;
	struct vm_area_struct *vma = NULL;
	int err;

	if (!len)
		return sys_fail(x, -EINVAL, "len is 0");
	if (flags & MM_MAP_FIXED_NOREPLACE)
		flags |= MM_MAP_FIXED;
	if (!(flags & MM_MAP_FIXED)) {
		addr &= ~(MM_PAGE_SIZE - 1);	/* round_hint_to_min; root: no floor */
	}
	len = PAGE_ALIGN_UP(len);
	if (!len)
		return sys_fail(x, -ENOMEM, "len is larger than the address space");
	if (pgoff + (len >> MM_PAGE_SHIFT) < pgoff)
		return sys_fail(x, -EOVERFLOW, "offset + len overflows");
	if ((int64_t)x->mm->map_count > x->m->tun.max_map_count)
		return sys_fail(x, -ENOMEM, "max_map_count reached");
	vm_flags = mmap_vm_flags(x->mm, c->prot, flags);
	err = hugetlb ? hugetlb_area(x, addr, len, flags, &addr)
		      : get_unmapped_area(x, fe != NULL, addr, len, pgoff, flags, &addr);
	if (err)
		return err;
	if ((flags & MM_MAP_FIXED) && hugetlb_check_split(x->mm, addr, addr + len))
		return sys_fail(x, -EINVAL, "range cuts a hugetlb mapping off its 2 MiB pages");
	if ((flags & MM_MAP_FIXED_NOREPLACE) && vma_find(x->mm, addr) &&
	    vma_find(x->mm, addr)->vm_start < addr + len)
		return sys_fail(x, -EEXIST, "range overlaps an existing mapping");
	err = fe ? check_file_mapping(x, fe, c->prot, flags, &vm_flags)
		 : check_anon_mapping(x, flags, &vm_flags);
	if (err)
		return err;
	if (!fe && !(vm_flags & MM_VM_SHARED))
		pgoff = addr >> MM_PAGE_SHIFT;
	else if (!fe)
		pgoff = 0;
	if ((flags & MM_MAP_NORESERVE) && (x->m->tun.overcommit_memory != 2 || hugetlb))
		vm_flags |= MM_VM_NORESERVE;	/* hugetlb honours it whatever the mode */
	populate = (vm_flags & MM_VM_LOCKED) ||
		   (flags & (MM_MAP_POPULATE | MM_MAP_NONBLOCK)) == MM_MAP_POPULATE;
	if (hugetlb)	/* hugetlbfs_file_mmap; mmap_region drops VM_LOCKED (never counted) */
		vm_flags = (vm_flags | MM_VM_HUGETLB | MM_VM_DONTEXPAND) &
			   ~(MM_VM_LOCKED | MM_VM_LOCKONFAULT);
	err = mmap_region(x, fe ? fe->file : NULL, !fe && (vm_flags & MM_VM_SHARED), addr, len,
			  vm_flags, pgoff, &vma);
	if (err)
		return err;
	if (populate)
		vma_populate(x, vma, addr, addr + len, 0);	/* mm_populate: errors ignored */
	*ret = addr;
	return 0;
}

int do_mmap_fd(struct sys_ctx *x, const struct mm_call *c, struct fd_entry *fe, uint64_t *ret)
{
	return do_mmap(x, c, fe, ret);
}

/*
 * MAP_ANONYMOUS|MAP_HUGETLB (ksys_mmap_pgoff): the size field picks the
 * hstate (default or 2 MiB; no 1 GiB pool exists here, so it cannot
 * reserve), len is rounded up to 2 MiB and the mapping is of a new
 * unlinked hugetlbfs file, which fe then holds.
 */
static int hugetlb_mmap(struct sys_ctx *x, const struct mm_call *c, struct fd_entry *fe,
			uint64_t *ret)
{
	uint64_t size = c->flags & (0x3fULL << 26);
	struct mm_call hc = *c;

	if (size == MAP_HUGE_1GB && !(c->flags & MM_MAP_NORESERVE))
		return sys_fail(x, -ENOMEM, "the 1 GiB hugetlb pool is empty");
	if (size && size != MAP_HUGE_2MB)
		return sys_fail(x, -EINVAL, "no huge page size 2^%llu", (unsigned long long)(size >> 26));
	if (!c->len)
		return sys_fail(x, -EINVAL, "len is 0");
	hc.len = (c->len + PMD_SIZE - 1) & ~(PMD_SIZE - 1);
	if (hc.len < c->len)
		return sys_fail(x, -ENOMEM, "len is larger than the address space");
	fe->file = hugetlb_file_setup(x->m, hc.len, (c->flags & MM_MAP_TYPE) != MM_MAP_PRIVATE);
	if (!fe->file)
		return sys_fail(x, -ENOMEM, "out of memory");
	fe->flags = MM_O_RDWR;
	return do_mmap(x, &hc, fe, ret);
}

/*
 * The shell form names a file and no descriptor: opening it is a step of
 * its own before the mmap (open; mmap; close), so its errors come first.
 */
int sys_mmap(struct sys_ctx *x, const struct mm_call *c, uint64_t *ret)
{
	struct fd_entry fe = { 0 };
	int err = 0;

	if (c->fd < 0 && c->path[0]) {
		err = mmap_file(x, c, &fe);
		if (err)
			return err;
	}
	if (PAGE_OFFSET_OF(c->off)) {
		err = sys_fail(x, -EINVAL, "offset is not page-aligned");
	} else if (!(c->flags & MM_MAP_ANONYMOUS)) {
		if (!fe.file)
			err = mmap_file(x, c, &fe);
		if (err)
			return err;
		if (c->flags & MM_MAP_HUGETLB)
			err = sys_fail(x, -EINVAL, "hugetlb needs an anonymous or hugetlbfs mapping");
		else
			err = do_mmap(x, c, &fe, ret);
	} else if (c->flags & MM_MAP_HUGETLB) {
		file_ref_put(fe.file);	/* the named file plays no part */
		fe.file = NULL;
		err = hugetlb_mmap(x, c, &fe, ret);
	} else {
		err = do_mmap(x, c, NULL, ret);
	}
	file_ref_put(fe.file);
	return err;
}

/* ---- munmap ---- */

int sys_munmap(struct sys_ctx *x, const struct mm_call *c)
{
	uint64_t start = c->addr, len = c->len;

	if (PAGE_OFFSET_OF(start))
		return sys_fail(x, -EINVAL, "addr is not page-aligned");
	if (start > TASK_SIZE || len > TASK_SIZE - start)
		return sys_fail(x, -EINVAL, "range goes beyond TASK_SIZE");
	if (!len)
		return sys_fail(x, -EINVAL, "len is 0");
	if (hugetlb_check_split(x->mm, start, start + PAGE_ALIGN_UP(len)))
		return sys_fail(x, -EINVAL, "range cuts a hugetlb mapping off its 2 MiB pages");
	if (unmap_range(x->m, x->mm, start, start + PAGE_ALIGN_UP(len), 1))
		return sys_fail(x, -ENOMEM, "splitting a VMA would pass max_map_count");
	return 0;
}

/* ---- brk ---- */

/* Grow the heap from oldbrk to newbrk (kernel: do_brk_flags). */
static int brk_grow(struct sys_ctx *x, uint64_t oldbrk, uint64_t newbrk)
{
	struct mm_struct *mm = x->mm;
	struct vm_area_struct *next = vma_find(mm, oldbrk), *vma;
	struct vm_area_struct *prev = next ? vma_prev_of(next) : vma_last(mm);
	uint64_t len = newbrk - oldbrk;
	struct vma_attr attr = {
		.flags = MM_VM_READ | MM_VM_WRITE | MM_VM_MAYREAD | MM_VM_MAYWRITE |
			 MM_VM_MAYEXEC | MM_VM_ACCOUNT | mm->def_flags,
		.pgoff = oldbrk >> MM_PAGE_SHIFT,
	};

	if ((int64_t)mm->map_count > x->m->tun.max_map_count)
		return -ENOMEM;
	if (next && next->vm_start < newbrk + MM_PAGE_SIZE + STACK_GUARD_GAP &&
	    newbrk + MM_PAGE_SIZE > vm_start_gap(next))
		return -ENOMEM;
	if (vm_enough_memory(x, len >> MM_PAGE_SHIFT))
		return -ENOMEM;
	/*
	 * Only the brk VMA grows (brk finds it with vma_prev_limit from
	 * start_brk): a program's bss ending at start_brk stays a VMA of its own
	 * and the heap starts a new one, as the host's maps show.
	 */
	vma = vma_map_range(mm, oldbrk, newbrk, &attr,
			    prev && prev->vm_start < mm->start_brk ? 2 : 1);
	if (!vma) {
		vm_unacct_memory(x->m, len >> MM_PAGE_SHIFT);
		return -ENOMEM;
	}
	if (vma->vm_flags & MM_VM_LOCKED)
		vma_populate(x, vma, oldbrk, newbrk, 0);
	return 0;
}

/*
 * The raw brk system call: it answers the break after the call and never
 * an errno; a refused change leaves the break where it was.
 */
int sys_brk(struct sys_ctx *x, const struct mm_call *c, uint64_t *ret)
{
	struct mm_struct *mm = x->mm;
	uint64_t brk = c->addr, origbrk = mm->brk;
	uint64_t newbrk = PAGE_ALIGN_UP(brk), oldbrk = PAGE_ALIGN_UP(mm->brk);
	struct vm_area_struct *vma;
	char *why = x->why;

	*ret = origbrk;
	x->why = NULL;		/* brk has no failure reply */
	if (brk < mm->start_brk || brk > TASK_SIZE)
		goto out;
	if (oldbrk == newbrk) {
		mm->brk = brk;
	} else if (brk <= mm->brk) {
		vma = vma_find(mm, newbrk);
		if (!vma || vma->vm_start >= oldbrk)
			goto out;
		mm->brk = brk;
		if (unmap_range(x->m, mm, newbrk, oldbrk, 1))
			mm->brk = origbrk;
	} else if (!brk_grow(x, oldbrk, newbrk)) {
		mm->brk = brk;
	}
	*ret = mm->brk;
out:
	x->why = why;
	return 0;
}
