// SPDX-License-Identifier: MIT
/*
 * pthread.c - the system calls glibc 2.36's pthread_create and a thread's
 * exit make (nptl/allocate_stack.c, nptl/nptl-stack.c, pthread_create.c),
 * as strace -f shows them on the host (Debian 12, x86-64):
 *
 *   pthread_create: mmap(NULL, SIZE + 4096, PROT_NONE,
 *                        MAP_PRIVATE|MAP_ANONYMOUS|MAP_STACK, -1, 0) = MEM
 *                   mprotect(MEM + 4096, SIZE, PROT_READ|PROT_WRITE)
 *                   clone3({flags=VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|SETTLS|
 *                          PARENT_SETTID|CHILD_CLEARTID}) = TID
 *   thread exit:    madvise(MEM, SIZE + 4096 - 8192 - 16384, MADV_DONTNEED)
 *                   exit(0)
 *
 * The guard page is the lowest page of the mapping; the madvise frees the
 * stack below the thread's last frames (its sp was in the top two pages,
 * under struct pthread and the static TLS) less PTHREAD_STACK_MIN. Nothing
 * is unmapped at exit or join: the stack goes to glibc's stack cache, and
 * the next pthread_create takes the smallest cached stack that fits (not
 * more than four times the size asked) without any call. The cache keeps
 * 40 MiB; past that the oldest stacks are unmapped (free_stacks). The model
 * keeps at most PTHREAD_STACK_CACHE_MAX stacks (more unmaps the oldest).
 *
 * A new stack also gets the thread's DTV from the creating thread's malloc
 * (_dl_allocate_tls: calloc(max_dtv_idx 1 + DTV_SURPLUS 14 + 2, 16), a
 * 288-byte chunk; the host shows its brk when it is the process's first
 * malloc). A cached stack keeps its DTV; it is freed when the cache unmaps
 * the stack (_dl_deallocate_tls), by the joining thread (the leader here).
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "libc/malloc.h"
#include "syscalls.h"
#include "task.h"

#define PAGE			4096ULL
#define GUARD			PAGE		/* the default guardsize: one page */
#define NPTL_STACK_MIN	16384ULL
#define STACK_CACHE_BYTES	(40ULL << 20)	/* stack_cache_maxsize */
#define SP_TOP_BYTES		8192ULL		/* the exiting thread's frames, TLS and struct pthread */
#define GLIBC_CLONE_FLAGS	0x3d0f00ULL
#define DTV_ENTRIES		17ULL		/* max_dtv_idx (libc's TLS) + DTV_SURPLUS + 2 */
#define DTV_ENTRY_SIZE		16ULL

/* The caller's calloc: its own allocator thread state (syscall.c's routing). */
static int dtv_alloc(struct sys_ctx *x, uint64_t *dtv)
{
	struct mm_call c = { .verb = MMV_CALLOC, .len = DTV_ENTRIES, .new_len = DTV_ENTRY_SIZE,
			     .fd = -1 };

	if (x->t->malloc_thread)
		return libc_malloc_thread_call(x, x->t->malloc_thread, &c, dtv);
	return libc_calloc(x, DTV_ENTRIES, DTV_ENTRY_SIZE, dtv);
}

/* An unmapped cached stack: its DTV is freed first, then the mapping goes. */
static void stack_free(struct sys_ctx *x, uint64_t addr, uint64_t size, uint64_t dtv)
{
	struct mm_call c = { .verb = MMV_MUNMAP, .addr = addr, .len = size, .fd = -1 };

	if (dtv)
		libc_free(x, dtv);
	sys_munmap(x, &c);
}

static uint64_t cache_bytes(const struct mm_struct *mm)
{
	uint64_t n = 0;

	for (int i = 0; i < mm->stack_cache_nr; i++)
		n += mm->stack_cache[i].size;
	return n;
}

static void cache_del(struct mm_struct *mm, int i)
{
	memmove(&mm->stack_cache[i], &mm->stack_cache[i + 1],
		(size_t)(mm->stack_cache_nr - i - 1) * sizeof(mm->stack_cache[0]));
	mm->stack_cache_nr--;
}

/* get_cached_stack: newest first, the smallest that fits; an exact size ends the search. */
static int cache_take(struct mm_struct *mm, uint64_t size, uint64_t *addr, uint64_t *dtv)
{
	int best = -1;

	for (int i = mm->stack_cache_nr - 1; i >= 0; i--) {
		uint64_t s = mm->stack_cache[i].size;

		if (s >= size && (best < 0 || s < mm->stack_cache[best].size)) {
			best = i;
			if (s == size)
				break;
		}
	}
	if (best < 0 || mm->stack_cache[best].size > 4 * size)
		return 0;
	*addr = mm->stack_cache[best].addr;
	*dtv = mm->stack_cache[best].dtv;
	cache_del(mm, best);
	return 1;
}

/* queue_stack then free_stacks: the oldest go while the cache is over its size. */
static void cache_put(struct sys_ctx *x, uint64_t addr, uint64_t size, uint64_t dtv)
{
	struct mm_struct *mm = x->mm;

	if (mm->stack_cache_nr == PTHREAD_STACK_CACHE_MAX) {
		stack_free(x, mm->stack_cache[0].addr, mm->stack_cache[0].size, mm->stack_cache[0].dtv);
		cache_del(mm, 0);
	}
	mm->stack_cache[mm->stack_cache_nr].addr = addr;
	mm->stack_cache[mm->stack_cache_nr].size = size;
	mm->stack_cache[mm->stack_cache_nr].dtv = dtv;
	mm->stack_cache_nr++;
	while (mm->stack_cache_nr && cache_bytes(mm) > STACK_CACHE_BYTES) {
		stack_free(x, mm->stack_cache[0].addr, mm->stack_cache[0].size, mm->stack_cache[0].dtv);
		cache_del(mm, 0);
	}
}

int sys_pthread_create(struct sys_ctx *x, uint64_t stacksize, uint64_t *ret)
{
	uint64_t size = stacksize ? stacksize : RLIMIT_STACK_DEFAULT, mem, dtv = 0;
	struct task *nt;
	int tid = 0, err;

	if (size < NPTL_STACK_MIN)
		return sys_fail(x, -EINVAL, "stack size below PTHREAD_STACK_MIN (16384)");
	if (size > (1ULL << 46))
		return sys_fail(x, -EINVAL, "stack size too large");
	size = (size + PAGE - 1) & ~(PAGE - 1);	/* the model takes whole pages */
	size += GUARD;
	if (!cache_take(x->mm, size, &mem, &dtv)) {
		struct mm_call c = { .verb = MMV_MMAP, .len = size, .prot = MM_PROT_NONE,
				     .flags = MM_MAP_PRIVATE | MM_MAP_ANONYMOUS | MM_MAP_STACK, .fd = -1 };

		err = sys_mmap(x, &c, &mem);
		if (err)
			return err;	/* pthread_create's EAGAIN; the reason says mmap's */
		c = (struct mm_call){ .verb = MMV_MPROTECT, .addr = mem + GUARD, .len = size - GUARD,
				      .prot = MM_PROT_READ | MM_PROT_WRITE, .fd = -1 };
		err = sys_mprotect(x, &c);
		if (!err)
			err = dtv_alloc(x, &dtv);
		if (err) {
			c = (struct mm_call){ .verb = MMV_MUNMAP, .addr = mem, .len = size, .fd = -1 };
			sys_munmap(x, &c);
			return err;
		}
	}
	err = do_clone(x->m, x->t, GLIBC_CLONE_FLAGS, &tid, x->why, x->whylen);
	if (err) {
		cache_put(x, mem, size, dtv);	/* __nptl_deallocate_stack */
		return err;
	}
	nt = find_task_by_pid(x->m, tid);
	nt->pthread_stack = mem;
	nt->pthread_stack_size = size;
	nt->pthread_dtv = dtv;
	*ret = (uint64_t)tid;
	return 0;
}

int sys_pthread_exit(struct sys_ctx *x)
{
	struct task *t = x->t, *leader = t->group_leader;
	uint64_t mem = t->pthread_stack, size = t->pthread_stack_size, dtv = t->pthread_dtv;
	struct sys_ctx lx;

	if (!leader) {
		leader_pthread_exit(x->m, t);
		return 0;
	}
	/* start_thread: __libc_thread_freeres, then the stack is advised away */
	if (thread_glibc_exit(x->m, t, x->why, x->whylen))
		return -EINTR;	/* glibc aborted: the process is gone */
	if (mem && size - SP_TOP_BYTES > NPTL_STACK_MIN) {	/* advise_stack_range */
		struct mm_call c = { .verb = MMV_MADVISE, .addr = mem,
				     .len = size - SP_TOP_BYTES - NPTL_STACK_MIN,
				     .advice = MM_MADV_DONTNEED, .fd = -1 };

		sys_madvise(x, &c);
	}
	task_exit(x->m, t);
	if (mem) {
		/* joined (or detached): the stack goes to the cache, the leader's mm keeps it */
		lx = (struct sys_ctx){ .m = x->m, .t = leader, .mm = leader->mm, .why = x->why,
				       .whylen = x->whylen };
		cache_put(&lx, mem, size, dtv);
	}
	zombie_group_reap(x->m, leader, 1);	/* glibc's last thread: exit(0) */
	return 0;
}
