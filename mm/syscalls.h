/* SPDX-License-Identifier: MIT */
/*
 * syscalls.h - the per-process system calls and the VMA surgery they share
 * (kernel: mm/mmap.c, mm/vma.c, mm/mprotect.c, mm/mremap.c, mm/mlock.c,
 * mm/madvise.c, mm/mincore.c, mm/msync.c, fs/file.c).
 *
 * Every function expects the machine lock held. A system call gets a
 * struct sys_ctx naming the caller and the buffer for its failure reason;
 * it returns 0 (with the reply in *ret where it has one) or -errno after
 * writing a short reason with sys_fail().
 *
 * Model conventions that stand in for state Linux keeps elsewhere:
 *  - anon_vma: a VMA gets one (a fresh id from mm->last_anon_vma) when its
 *    pages are first faulted for write; until paging lands that is
 *    MAP_POPULATE, MAP_LOCKED, mlock and MADV_POPULATE_WRITE on private
 *    writable VMAs (vma_prefault). Splits keep it on both halves.
 *  - a shared anonymous mapping is a shmem object: a file_ref named
 *    "/dev/zero (deleted)" on device 00:01 whose shmem_pages stay charged
 *    to Committed_AS until its last VMA goes (shmem_acct_size).
 *  - the caller is root: mmap_min_addr and RLIMIT_MEMLOCK do not apply.
 */
#ifndef MM_SYSCALLS_H
#define MM_SYSCALLS_H

#include <stddef.h>
#include <stdint.h>

#include "uapi.h"

struct machine;
struct task;
struct mm_struct;
struct vm_area_struct;
struct file_ref;

struct sys_ctx {
	struct machine *m;
	struct task *t;
	struct mm_struct *mm;
	char *why;
	size_t whylen;
};

/* Write the reason for a failure and return err. */
int sys_fail(struct sys_ctx *x, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define PAGE_ALIGN_UP(x)	(((x) + MM_PAGE_SIZE - 1) & ~(MM_PAGE_SIZE - 1))
#define PAGE_OFFSET_OF(x)	((x) & (MM_PAGE_SIZE - 1))
/* The flags no merge, split-off or mlock may carry across (VM_SPECIAL). */
#define VM_SPECIAL_MASK	(MM_VM_IO | MM_VM_DONTEXPAND | MM_VM_PFNMAP | MM_VM_MIXEDMAP)
#define VM_LOCKED_MASK	(MM_VM_LOCKED | MM_VM_LOCKONFAULT)
#define VM_ACCESS_MASK	(MM_VM_READ | MM_VM_WRITE | MM_VM_EXEC)

/* ---- vma_ops.c: split, merge and modify (kernel: mm/vma.c) ---- */

/* What a range about to be mapped or re-flagged would be. */
struct vma_attr {
	uint64_t flags;
	struct file_ref *file;
	uint64_t pgoff;		/* of the range's first page */
	uint64_t anon_vma;
	/* the VMA anon_vma comes from (rmap_avc.c clones its chains); NULL with no anon_vma */
	const struct vm_area_struct *anon_src;
	struct mempolicy *policy;	/* the range's policy (mempolicy.h); NULL = none */
};

/*
 * Split vma at addr (strictly inside it): vma keeps [start, addr), a new
 * VMA with the same attributes gets [addr, end) and is returned. No
 * map_count check: callers apply the kernel's rule for their case.
 * NULL on allocation failure.
 */
struct vm_area_struct *vma_split(struct mm_struct *mm, struct vm_area_struct *vma, uint64_t addr);

/*
 * Make [start, end), which lies inside vma, carry newflags: merge with a
 * neighbour when the kernel would, else split off the parts outside the
 * range (each split fails -ENOMEM when map_count >= max_map_count).
 * Returns the VMA now covering [start, end), or NULL with *err set.
 */
struct vm_area_struct *vma_modify_flags(struct machine *m, struct mm_struct *mm,
					struct vm_area_struct *vma, uint64_t start,
					uint64_t end, uint64_t newflags, int *err);

/*
 * Map the free range [start, end) with attr: extend prev and/or next when
 * they can merge (vma_merge_new_range), else link a new VMA. With
 * only_prev, only prev may be extended (brk's just_expand). Takes its own
 * reference on attr->file. Returns the VMA holding the range, or NULL
 * (-ENOMEM).
 */
/*
 * mbind_range's step (kernel: vma_modify_policy): [start, end) of vma gets
 * policy pol, merging with a neighbour of equal attributes and policy, or
 * splitting vma; the VMA that now covers the range, or NULL and *err.
 */
struct mempolicy;
struct vm_area_struct *vma_modify_policy(struct machine *m, struct mm_struct *mm,
					 struct vm_area_struct *vma, uint64_t start,
					 uint64_t end, struct mempolicy *pol, int *err);
/* only_prev: 0 merge with either neighbour, 1 only with the previous VMA, 2 with none */
struct vm_area_struct *vma_map_range(struct mm_struct *mm, uint64_t start, uint64_t end,
				     const struct vma_attr *attr, int only_prev);

/* Unlink and free vma, returning its VM_ACCOUNT pages and shmem charge. */
void vma_release(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma);

/*
 * Remove every mapping in [start, end) (page-aligned), splitting VMAs that
 * straddle the ends (kernel: do_vmi_munmap). -ENOMEM, with nothing done,
 * when a VMA would be split in two while map_count >= max_map_count.
 * uncharge: return the removed VM_ACCOUNT pages to Committed_AS.
 */
int unmap_range(struct machine *m, struct mm_struct *mm, uint64_t start, uint64_t end,
		int uncharge);
/* Σ pages of VM_ACCOUNT VMAs inside [start, end). */
uint64_t range_accounted_pages(struct mm_struct *mm, uint64_t start, uint64_t end);

/*
 * Fault in [start, end) ∩ vma as populate, mlock and MADV_POPULATE do
 * (write faults for private writable mappings, or always with write):
 * 0, -ENOMEM, or -EFAULT for a page past the end of a file.
 */
int vma_populate(struct sys_ctx *x, struct vm_area_struct *vma, uint64_t start, uint64_t end,
		 int write);
/*
 * Whether faulting [start, end) of vma (a range inside it) meets a page at
 * or past the end of its file: that fault is SIGBUS (filemap_fault), which
 * GUP reports as -EFAULT. A shmem object ends at the size it was mapped
 * with (mremap may grow a VMA past it); anonymous memory has no end.
 */
int vma_range_past_eof(struct machine *m, struct vm_area_struct *vma, uint64_t start,
		       uint64_t end);

/* ---- mmap.c ---- */

/* __vm_enough_memory: charge pages to Committed_AS, or -ENOMEM (no charge). */
int vm_enough_memory(struct sys_ctx *x, uint64_t pages);
/*
 * do_mmap of an open file the caller built (shmat: the attach file):
 * c's addr, len, prot and flags, fe's file and access mode.
 */
struct fd_entry;
int do_mmap_fd(struct sys_ctx *x, const struct mm_call *c, struct fd_entry *fe, uint64_t *ret);
void vm_unacct_memory(struct machine *m, uint64_t pages);
/*
 * Placement (kernel: __get_unmapped_area). hint 0 = none; file and shared
 * decide the THP alignment rule. Returns 0 and *addr, or -errno.
 */
int get_unmapped_area(struct sys_ctx *x, int file, uint64_t hint, uint64_t len,
		      uint64_t pgoff, uint64_t flags, uint64_t *addr);
/* Drop the shmem charges of mm's VMAs before it is freed (mmput). */
void shmem_release_mm(struct machine *m, struct mm_struct *mm);

int sys_mmap(struct sys_ctx *x, const struct mm_call *c, uint64_t *ret);
int sys_munmap(struct sys_ctx *x, const struct mm_call *c);
int sys_brk(struct sys_ctx *x, const struct mm_call *c, uint64_t *ret);

/* ---- the others, one file each ---- */
int sys_mprotect(struct sys_ctx *x, const struct mm_call *c);
int sys_mremap(struct sys_ctx *x, const struct mm_call *c, uint64_t *ret);
int sys_mlock(struct sys_ctx *x, uint64_t start, uint64_t len, uint64_t vmflags);
int sys_munlock(struct sys_ctx *x, const struct mm_call *c);
int sys_mlock2(struct sys_ctx *x, const struct mm_call *c);
int sys_mlockall(struct sys_ctx *x, const struct mm_call *c);
int sys_munlockall(struct sys_ctx *x);
int sys_madvise(struct sys_ctx *x, const struct mm_call *c);
/* pthread.c: glibc's pthread_create (*ret: the TID) and a pthread's exit */
int sys_pthread_create(struct sys_ctx *x, uint64_t stacksize, uint64_t *ret);
int sys_pthread_exit(struct sys_ctx *x);
int sys_msync(struct sys_ctx *x, const struct mm_call *c);
/* mincore: *vec (malloc'd, NUL-terminated) gets one '0'/'1' per page. */
struct mm_runs;
/* mincore: the residency of [start, start + len) as runs of 0/1 pages. */
int sys_mincore(struct sys_ctx *x, uint64_t start, uint64_t len, struct mm_runs *vec);

/* ---- fdtable.c: the per-task file descriptors ---- */

#define FDTABLE_MAX	1024	/* RLIMIT_NOFILE's soft limit */

struct fd_entry {
	struct file_ref *file;	/* NULL = free slot */
	int flags;		/* MM_O_* as opened */
};

struct fdtable {
	struct fd_entry fd[FDTABLE_MAX];
	/*
	 * fds 0-2 stand for the terminal a real process inherits, with no
	 * file behind them; bit n: fd n was closed (it is free then).
	 */
	uint8_t std_closed;
};

/* open(path, flags): at fd want (>= 0, strace replay) or the lowest free. */
int sys_open(struct sys_ctx *x, const struct mm_call *c, uint64_t *ret);
int sys_close(struct sys_ctx *x, const struct mm_call *c);
/* dup/dup2/dup3/fcntl(F_DUPFD): c->fd again at c->mode (flags 1) or the lowest free fd. */
int sys_dup(struct sys_ctx *x, const struct mm_call *c, uint64_t *ret);
/* The entry of fd, or NULL when it is not open. */
struct fd_entry *fd_lookup(struct task *t, int fd);
/* fd is 0-2 and still the terminal's (never closed, no file dup'd there). */
int fd_is_terminal(const struct task *t, int fd);
/* Install an opened file at fd (>= 0) or the lowest free slot; the fd or -EMFILE/-EBADF. */
int fd_install(struct task *t, int fd, struct file_ref *f, int flags);
void fdtable_free(struct task *t);
int fdtable_dup(struct task *child, const struct task *parent);

#endif
