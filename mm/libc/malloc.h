/* SPDX-License-Identifier: MIT */
/*
 * malloc.h - glibc 2.36's malloc family, run by a simulated process
 * (the `malloc`, `free`... per-process commands; see doc/malloc.md).
 *
 * Each entry point is one call made by the calling task (x->t) on its
 * address space (x->mm), with the machine lock held: it makes the system
 * calls ptmalloc2 makes, through the model's own sys_brk, sys_mmap...
 * Results as the C functions return them (a user pointer, 0 for NULL).
 * A call that finds the heap corrupted (malloc_printerr) or faults kills
 * the process (SIGABRT / SIGSEGV, a kmsg line) and returns -EINTR with the
 * message in x->why; the task is gone afterwards.
 */
#ifndef MM_LIBC_MALLOC_H
#define MM_LIBC_MALLOC_H

#include <stddef.h>
#include <stdint.h>

struct sys_ctx;
struct libc_malloc;
struct machine;
struct mm_struct;

/* mallopt parameters (malloc.h) */
#define M_MXFAST		1
#define M_TRIM_THRESHOLD	-1
#define M_TOP_PAD		-2
#define M_MMAP_THRESHOLD	-3
#define M_MMAP_MAX		-4
#define M_CHECK_ACTION		-5
#define M_PERTURB		-6
#define M_ARENA_TEST		-7
#define M_ARENA_MAX		-8

int libc_malloc(struct sys_ctx *x, uint64_t bytes, uint64_t *ret);
int libc_free(struct sys_ctx *x, uint64_t mem);
int libc_calloc(struct sys_ctx *x, uint64_t n, uint64_t elem, uint64_t *ret);
int libc_realloc(struct sys_ctx *x, uint64_t mem, uint64_t bytes, uint64_t *ret);
int libc_memalign(struct sys_ctx *x, uint64_t alignment, uint64_t bytes, uint64_t *ret);
/* mallopt and malloc_trim: *ret is glibc's return value (1 or 0). */
int libc_mallopt(struct sys_ctx *x, int param, int value, uint64_t *ret);
int libc_malloc_trim(struct sys_ctx *x, uint64_t pad, uint64_t *ret);
/* malloc_stats: the text glibc writes to stderr, in buf (NUL-terminated). */
int libc_malloc_stats(struct sys_ctx *x, char *buf, size_t len);

/*
 * The calls of one thread of the process (index 0: the main thread, which the
 * functions above are). glibc keeps a tcache and an arena per thread; the
 * first call of another thread makes the process multi-threaded, and its
 * first call gets it an arena (a new heap while under the arena limit).
 * mc is a parsed malloc/free/calloc/realloc/memalign command. The thread
 * index is the caller's mapping of its tasks (0 .. 63).
 */
struct mm_call;
int libc_malloc_thread_call(struct sys_ctx *x, int thread, const struct mm_call *mc, uint64_t *ret);
/* Thread exit: its tcache emptied and freed, its arena to the free list. */
int libc_malloc_thread_exit(struct sys_ctx *x, int thread);

/* The state of an mm: free it with the mm, copy it at fork (NULL: untouched). */
void libc_malloc_release(struct mm_struct *mm);
int libc_malloc_dup(struct mm_struct *dst, const struct mm_struct *src);
/* check: the allocator state of mm (pid's) is sane; one line per problem in out. */
struct rbuf_lite;
int libc_malloc_check(struct mm_struct *mm, int pid, struct rbuf_lite *out);

#endif
