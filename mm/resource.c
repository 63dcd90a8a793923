// SPDX-License-Identifier: MIT
/*
 * resource.c - resource limits (kernel: include/asm-generic/resource.h
 * INIT_RLIMITS, kernel/fork.c set_max_threads).
 *
 * There is no setrlimit: every task has init's limits, the ones Linux
 * boots with and hands down through fork. Those the model enforces come
 * from where it enforces them: RLIMIT_STACK is the stack growth limit of
 * the fault path, RLIMIT_NOFILE's soft limit the size of the fd table.
 * RLIMIT_NPROC and RLIMIT_SIGPENDING are max_threads / 2, and max_threads
 * follows memory as the kernel sizes it at boot: a thread's 16 KiB stack
 * may take an eighth of RAM, so max_threads = RAM pages / 32. Linux counts
 * memblock's free pages at that point, a little less than MemTotal; we
 * count MemTotal.
 */
#include "internal.h"
#include "snapshot.h"
#include "syscalls.h"
#include "task.h"

#define THREAD_SIZE		((uint64_t)THREAD_STACK_PAGES << MM_PAGE_SHIFT)
#define MIN_THREADS		20
#define MAX_THREADS		0x3fffffffULL		/* FUTEX_TID_MASK */
#define NOFILE_HARD		4096			/* INR_OPEN_MAX */
#define MLOCK_LIMIT		(8ULL << 20)		/* MLOCK_LIMIT */
#define MQ_BYTES_MAX		819200

static uint64_t max_threads(const struct machine *m)
{
	uint64_t threads = m->totalram_pages * MM_PAGE_SIZE / (THREAD_SIZE * 8);

	return threads < MIN_THREADS ? MIN_THREADS : threads > MAX_THREADS ? MAX_THREADS : threads;
}

void task_rlimits(struct machine *m, const struct task *t, struct mm_rlimit *rlim)
{
	uint64_t half = max_threads(m) / 2;

	(void)t;	/* all alike: init's */
	for (int i = 0; i < MM_RLIM_NLIMITS; i++)
		rlim[i] = (struct mm_rlimit){ MM_RLIM_INFINITY, MM_RLIM_INFINITY };
	rlim[MM_RLIMIT_STACK].cur = RLIMIT_STACK_DEFAULT;
	rlim[MM_RLIMIT_CORE].cur = 0;
	rlim[MM_RLIMIT_NPROC] = (struct mm_rlimit){ half, half };
	rlim[MM_RLIMIT_NOFILE] = (struct mm_rlimit){ FDTABLE_MAX, NOFILE_HARD };
	rlim[MM_RLIMIT_MEMLOCK] = (struct mm_rlimit){ MLOCK_LIMIT, MLOCK_LIMIT };
	rlim[MM_RLIMIT_SIGPENDING] = (struct mm_rlimit){ half, half };
	rlim[MM_RLIMIT_MSGQUEUE] = (struct mm_rlimit){ MQ_BYTES_MAX, MQ_BYTES_MAX };
	rlim[MM_RLIMIT_NICE] = (struct mm_rlimit){ 0, 0 };
	rlim[MM_RLIMIT_RTPRIO] = (struct mm_rlimit){ 0, 0 };
}
