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
#include "syscalls.h"
#include "memory.h"
#include "task.h"
#include "writeback.h"

static int is_process_verb(enum mm_verb v)
{
	return v >= MMV_MMAP && v <= MMV_CLOSE;
}

static int sys_exit(struct sys_ctx *x)
{
	if (x->t->pid == 1)
		return sys_fail(x, -EPERM, "init cannot exit");
	task_exit(x->m, x->t);
	return 0;
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
	case MMV_EXEC: return task_exec(x->m, x->t, c->path, x->why, x->whylen);
	case MMV_EXIT: return sys_exit(x);
	case MMV_TOUCH:
		return touch_range(x->m, x->t, c->addr, c->len, c->mode == 'w', x->why, x->whylen);
	case MMV_FORK: {
		int pid = 0;
		int err2 = do_fork(x->m, x->t, &pid, x->why, x->whylen);

		*ret = (uint64_t)pid;
		return err2;
	}
	default:
		return sys_fail(x, -EINVAL, "not a per-process command");
	}
}

/* Resolve pid to a task with an address space, or fail ESRCH. */
static int sys_enter(struct machine *m, int pid, struct sys_ctx *x, char *why, size_t whylen)
{
	x->m = m;
	x->why = why;
	x->whylen = whylen;
	x->t = find_task_by_pid(m, pid);
	x->mm = x->t ? x->t->mm : NULL;
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
		err = dispatch(&x, call, ret);
	wb_flush(m);
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
