// SPDX-License-Identifier: MIT
/*
 * syscall.c - dispatch of the per-process system calls (MOUNT/proc/PID/ctl).
 *
 * The call arrives typed (struct mm_call, parsed by fs/). The target pid is
 * checked first, as the kernel resolves the task before anything else, so
 * a dead pid answers ESRCH whatever the call. touch and fork answer ENOSYS
 * until the paging work lands.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "shmem_file.h"
#include "syscalls.h"
#include "memory.h"
#include "task.h"
#include "writeback.h"
#include "page_alloc.h"
#include "vmscan.h"
#include "shm.h"
#include "libc/malloc.h"
#include "mempolicy.h"

static int is_process_verb(enum mm_verb v)
{
	/* shm_unlink is an unlink of files/: fs/ctl.c runs it */
	return v >= MMV_MMAP && v < MMV_NR && !mm_verb_is_global(v) && v != MMV_SHM_UNLINK;
}

/*
 * exit: the caller only — a thread's exit ends that thread (and the group
 * when it was the last thread of a zombie leader), a leader's ends its
 * group (as glibc's exit() does: exit_group). exit_group: the caller's
 * whole group.
 */
static int sys_exit(struct sys_ctx *x, int group)
{
	if (x->t->tgid == 1)
		return sys_fail(x, -EPERM, "init cannot exit");
	if (group) {
		do_group_exit(x->m, x->t);
	} else {
		struct task *leader = x->t->group_leader;

		if (thread_glibc_exit(x->m, x->t, x->why, x->whylen))
			return -EINTR;	/* glibc aborted: the process is gone */
		task_exit(x->m, x->t);
		zombie_group_reap(x->m, leader, 0);
	}
	return 0;
}

/* A thread's allocator calls go to its own glibc thread state (its tcache and arena). */
static int sys_malloc_call(struct sys_ctx *x, const struct mm_call *c, uint64_t *ret)
{
	if (x->t->malloc_thread)
		return libc_malloc_thread_call(x, x->t->malloc_thread, c, ret);
	switch (c->verb) {
	case MMV_MALLOC: return libc_malloc(x, c->len, ret);
	case MMV_FREE: return libc_free(x, c->addr);
	case MMV_CALLOC: return libc_calloc(x, c->len, c->new_len, ret);
	case MMV_REALLOC: return libc_realloc(x, c->addr, c->new_len, ret);
	default: return libc_memalign(x, c->len, c->new_len, ret);
	}
}

/*
 * exec: a real ELF file (binfmt_elf.c) when PATH is absolute and arguments
 * follow it or the file starts with ELF's magic; otherwise (a bare NAME, no
 * arguments, a missing file or spawn's sparse stand-in) the ready-made
 * layout of task_exec, as the tutorial uses it.
 */
static int sys_exec(struct sys_ctx *x, const struct mm_call *c)
{
	char argv[TASK_CMDLINE_MAX];
	size_t n = strnlen(c->path, sizeof(c->path)) + 1;

	/* de_thread: the other threads go first; a thread taking the leader's place is not modelled */
	if (!thread_group_leader(x->t))
		return sys_fail(x, -ENOSYS, "exec from a thread other than the leader is not modelled");
	exit_threads(x->m, x->t);

	if (n > sizeof(c->path) || c->argv_len > sizeof(c->argv) ||
	    (c->argv_len && c->argv[c->argv_len - 1]))
		return sys_fail(x, -EINVAL, "malformed exec arguments");
	if (c->path[0] == '/' && (c->argv_len || binfmt_elf_is_elf(x->m, c->path))) {
		if (n + c->argv_len > sizeof(argv))
			return sys_fail(x, -E2BIG, "arguments longer than %zu bytes", sizeof(argv));
		memcpy(argv, c->path, n);
		memcpy(argv + n, c->argv, c->argv_len);
		return binfmt_elf_exec(x->m, x->t, c->path, argv, n + c->argv_len, x->why, x->whylen);
	}
	if (c->argv_len)
		return sys_fail(x, -EINVAL, "exec NAME takes no arguments: give the absolute PATH of an ELF file");
	return task_exec(x->m, x->t, c->path, x->why, x->whylen);
}

static int dispatch(struct sys_ctx *x, const struct mm_call *c, uint64_t *ret)
{
	struct mm_runs vec;
	int err;

	switch (c->verb) {
	case MMV_MMAP: return sys_mmap(x, c, ret);
	case MMV_MUNMAP: return sys_munmap(x, c);
	case MMV_MPROTECT: return sys_mprotect(x, c);
	case MMV_MREMAP: return sys_mremap(x, c, ret);
	case MMV_BRK: return sys_brk(x, c, ret);
	case MMV_MADVISE: return sys_madvise(x, c);
	case MMV_MLOCK: return sys_mlock(x, c->addr, c->len, MM_VM_LOCKED);
	case MMV_MLOCK2: return sys_mlock2(x, c);
	case MMV_MUNLOCK: return sys_munlock(x, c);
	case MMV_MLOCKALL: return sys_mlockall(x, c);
	case MMV_MUNLOCKALL: return sys_munlockall(x);
	case MMV_MSYNC: return sys_msync(x, c);
	case MMV_MINCORE:
		/* the residency comes from mm_mincore; here only the verdict */
		err = sys_mincore(x, c->addr, c->len, &vec);
		mm_runs_free(&vec);
		return err;
	case MMV_OPEN: return sys_open(x, c, ret);
	case MMV_CLOSE: return sys_close(x, c);
	case MMV_SHMGET: return sys_shmget(x, c, ret);
	case MMV_SHMAT: return sys_shmat(x, c, ret);
	case MMV_SHMDT: return sys_shmdt(x, c);
	case MMV_SHMCTL: return sys_shmctl(x, c, ret);
	case MMV_DUP: return sys_dup(x, c, ret);
	case MMV_EXEC: return sys_exec(x, c);
	case MMV_EXIT: return sys_exit(x, 0);
	case MMV_EXIT_GROUP: return sys_exit(x, 1);
	case MMV_PTHREAD_CREATE: return sys_pthread_create(x, c->len, ret);
	case MMV_PTHREAD_EXIT: return sys_pthread_exit(x);
	case MMV_CLONE: {
		int tid = 0;
		int err2 = do_clone(x->m, x->t, c->flags, &tid, x->why, x->whylen);

		*ret = (uint64_t)tid;
		return err2;
	}
	case MMV_TOUCH:
		return touch_range(x->m, x->t, c->addr, c->len, c->mode == 'w', x->why, x->whylen);
	case MMV_SET_MEMPOLICY: return sys_set_mempolicy(x, c);
	case MMV_MBIND: return sys_mbind(x, c);
	case MMV_GET_MEMPOLICY: {
		int policy = 0;
		uint64_t nodes = 0;

		err = sys_get_mempolicy(x, c, &policy, &nodes);
		*ret = (uint64_t)(uint32_t)policy;
		return err;
	}
	case MMV_FORK: {
		int pid = 0;
		int err2 = do_fork(x->m, x->t, &pid, x->why, x->whylen);

		*ret = (uint64_t)pid;
		return err2;
	}
	case MMV_MALLOC: case MMV_FREE: case MMV_CALLOC: case MMV_REALLOC: case MMV_MEMALIGN:
		return sys_malloc_call(x, c, ret);
	case MMV_MALLOC_TRIM: return libc_malloc_trim(x, c->len, ret);
	case MMV_MALLOPT: return libc_mallopt(x, (int)c->advice, c->mode, ret);
	case MMV_MALLOC_STATS: {
		char buf[4096];	/* the text goes to ctl through mm_malloc_stats */

		return libc_malloc_stats(x, buf, sizeof(buf));
	}
	default:
		return sys_fail(x, -EINVAL, "not a per-process command");
	}
}

/*
 * Calls that may fail for want of memory and are safe to run again:
 * they undo what they did (fork, exec, mmap) or redo only what is left
 * (populating, locking, willneed). The others answer ENOMEM as they are.
 */
static int retryable(enum mm_verb v)
{
	switch (v) {
	case MMV_MMAP: case MMV_BRK: case MMV_MADVISE: case MMV_MLOCK: case MMV_MLOCK2:
	case MMV_MLOCKALL: case MMV_EXEC: case MMV_TOUCH: case MMV_FORK: case MMV_CLONE:
		return 1;
	default:
		return 0;
	}
}

/*
 * dispatch, and when it failed because an allocation did, reclaim and run
 * the call again (page_alloc_slow.c); a process the OOM killer chose
 * while it was running the call exits when the call has unwound.
 */
static int dispatch_retry(struct sys_ctx *x, const struct mm_call *c, uint64_t *ret)
{
	struct alloc_retry st = { 0 };
	int pid = x->t->pid;
	struct task *t;
	int err;

	x->m->cur_task = x->t;
	for (;;) {
		x->m->alloc_failed = 0;
		err = dispatch(x, c, ret);
		/* exit and kill verbs may have freed the caller's task */
		t = find_task_by_pid(x->m, pid);
		if (err != -ENOMEM || !retryable(c->verb) || !t || t->oom_killed)
			break;
		switch (alloc_retry(x->m, &st)) {
		case ALLOC_RETRY:
			if (x->why && x->whylen)
				x->why[0] = '\0';
			continue;
		case ALLOC_KILLED:
			err = sys_fail(x, -EINTR, "killed by the OOM killer");
			break;
		}
		break;
	}
	x->m->cur_task = NULL;
	if (t && t->oom_killed) {
		if (err != -EINTR)
			err = sys_fail(x, -EINTR, "killed by the OOM killer");
		do_group_exit(x->m, t);	/* the OOM killer's SIGKILL ends the group */
	}
	return err;
}

/* Resolve pid to a task with an address space, or fail ESRCH. */
static int sys_enter(struct machine *m, int pid, struct sys_ctx *x, char *why, size_t whylen)
{
	x->m = m;
	x->why = why;
	x->whylen = whylen;
	x->t = find_task_by_pid(m, pid);
	x->mm = x->t ? x->t->mm : NULL;
	if (x->t && task_zombie(x->t))
		return sys_fail(x, -ESRCH, "pid %d has exited (pthread_exit): a zombie until its "
				"last thread ends", pid);
	if (!x->mm)
		return sys_fail(x, -ESRCH, "no such process");
	return 0;
}

int mm_syscall(struct machine *m, int pid, const struct mm_call *call,
	       uint64_t *ret, char *why, size_t whylen)
{
	uint64_t dummy;
	struct sys_ctx x;
	int err;

	if (!ret)
		ret = &dummy;
	*ret = 0;
	if (why && whylen)
		why[0] = '\0';
	machine_lock(m);
	sim_advance(m, MM_TICK_NS);
	err = sys_enter(m, pid, &x, why, whylen);
	if (!err && !is_process_verb(call->verb))
		err = sys_fail(&x, -EINVAL, "not a per-process command");
	else if (!err)
		err = dispatch_retry(&x, call, ret);
	tmpfs_evict_unused(m);	/* an unlinked /dev/shm file's last unmap or close */
	wb_flush(m);
	kswapd_run(m);
	machine_unlock(m);
	return err;
}

int mm_mincore(struct machine *m, int pid, uint64_t addr, uint64_t len, struct mm_runs *vec,
	       char *why, size_t whylen)
{
	struct sys_ctx x;
	int err;

	memset(vec, 0, sizeof(*vec));
	machine_lock(m);
	sim_advance(m, MM_TICK_NS);
	err = sys_enter(m, pid, &x, why, whylen);
	if (!err)
		err = sys_mincore(&x, addr, len, vec);
	machine_unlock(m);
	return err;
}

int mm_malloc_stats(struct machine *m, int pid, char *buf, size_t len, char *why, size_t whylen)
{
	struct sys_ctx x;
	int err;

	if (len)
		buf[0] = '\0';
	machine_lock(m);
	sim_advance(m, MM_TICK_NS);
	err = sys_enter(m, pid, &x, why, whylen);
	if (!err) {
		m->cur_task = x.t;
		err = libc_malloc_stats(&x, buf, len);
		m->cur_task = NULL;
	}
	machine_unlock(m);
	return err;
}

int mm_get_mempolicy(struct machine *m, int pid, const struct mm_call *call, int *policy,
		     uint64_t *nodes, char *why, size_t whylen)
{
	struct sys_ctx x;
	int err;

	*policy = 0;
	*nodes = 0;
	if (why && whylen)
		why[0] = '\0';
	machine_lock(m);
	sim_advance(m, MM_TICK_NS);
	err = sys_enter(m, pid, &x, why, whylen);
	if (!err) {
		m->cur_task = x.t;	/* MPOL_F_NODE|MPOL_F_ADDR faults the page in */
		err = sys_get_mempolicy(&x, call, policy, nodes);
		m->cur_task = NULL;
	}
	wb_flush(m);
	kswapd_run(m);
	machine_unlock(m);
	return err;
}
