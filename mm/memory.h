/* SPDX-License-Identifier: MIT */
/*
 * memory.h - the fault path and the PTE-level operations on a range
 * (kernel: mm/memory.c, mm/gup.c, mm/mprotect.c's change_protection).
 *
 * All functions expect m->lock held.
 */
#ifndef MM_MEMORY_H
#define MM_MEMORY_H

#include <stddef.h>
#include <stdint.h>

struct machine;
struct task;
struct mm_struct;
struct vm_area_struct;

/* vm_fault_t: what a fault came to */
#define VM_FAULT_OOM		0x0001
#define VM_FAULT_SIGBUS		0x0002
#define VM_FAULT_SIGSEGV	0x0040
#define VM_FAULT_MAJOR		0x0004
#define VM_FAULT_ERROR		(VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV)

/* fault flags */
#define FAULT_FLAG_WRITE	0x01
#define FAULT_FLAG_REMOTE	0x02	/* a debugger's access (proc/PID/mem): FOLL_FORCE */
/*
 * A fault that drops mmap_lock to wait for I/O (VM_FAULT_RETRY) is taken
 * again as a new fault, not with FAULT_FLAG_TRIED: populate_vma_page_range
 * (MAP_POPULATE, mlock) starts over at that page, so the new fault sees a
 * readahead marker there and starts async readahead. A page fault and
 * MADV_POPULATE_* retry with FAULT_FLAG_TRIED, which starts no readahead.
 */
#define FAULT_FLAG_RETRY_FRESH	0x04

/*
 * Resolve one fault at addr in vma (the caller checked access rights):
 * allocate tables, then the anonymous / file / COW / write-protect path.
 * Counts minflt/majflt on t and pgfault/pgmajfault.
 */
unsigned handle_mm_fault(struct machine *m, struct task *t, struct vm_area_struct *vma,
			 uint64_t addr, unsigned flags);

/*
 * `touch ADDR LEN r|w`: load or store to every page as a CPU would. A bad
 * access stops there: -EFAULT, and a segfault line in kmsg (or a bus-error
 * line for SIGBUS); -ENOMEM when memory ran out. why gets the reason.
 */
int touch_range(struct machine *m, struct task *t, uint64_t addr, uint64_t len, int write,
		char *why, size_t whylen);

/*
 * Fault in [start, end) of vma as populate / mlock / MADV_POPULATE do:
 * write faults for private writable mappings, read faults otherwise
 * (or always write faults when write is set). 0, -ENOMEM, or -EFAULT
 * (a page past the end of a file: SIGBUS).
 */
/* faultin_range's modes: populate's rule, or read / write faults only (MADV_POPULATE_*) */
enum { FAULTIN_POPULATE, FAULTIN_READ, FAULTIN_WRITE };
int faultin_range(struct machine *m, struct task *t, struct vm_area_struct *vma,
		   uint64_t start, uint64_t end, int write);

/* Unmap every page in [start, end) of vma (munmap, MADV_DONTNEED, exit). */
void zap_page_range(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma,
		    uint64_t start, uint64_t end);
/* Unmap only the page-cache pages in [start, end); COW copies stay (hole punch). */
void zap_mapping_pages(struct machine *m, struct mm_struct *mm, uint64_t start, uint64_t end);

/* Re-apply vma's protection to the PTEs of [start, end) (mprotect). */
void change_protection(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma,
		       uint64_t start, uint64_t end);

/* Mark the pages of [start, end) mlocked, or evictable again (mlock, munlock). */
void mlock_range(struct machine *m, struct mm_struct *mm, uint64_t start, uint64_t end, int lock);

/*
 * Move the PTEs of [old, old + len) to new (mremap). The destination range
 * must be empty; the VMAs are the caller's business.
 */
int move_page_tables(struct machine *m, struct mm_struct *mm, uint64_t old, uint64_t new,
		     uint64_t len);

/* Is the page at addr resident (mincore)? File pages: in the page cache. */
int page_resident(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma,
		  uint64_t addr);

/* Unmap everything and free the page tables (exit, exec). */
void exit_mmap(struct machine *m, struct mm_struct *mm);

/*
 * proc/PID/mem: read or write len bytes at addr as a debugger does,
 * faulting pages in (writes to read-only private mappings COW, as with
 * FOLL_FORCE). Returns the bytes done, or -EIO when nothing could be.
 */
long access_remote_vm(struct machine *m, struct task *t, uint64_t addr, void *buf,
		      size_t len, int write);

#endif
