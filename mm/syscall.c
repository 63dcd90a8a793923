// SPDX-License-Identifier: MIT
/*
 * syscall.c - dispatch of the per-process system calls (MOUNT/proc/PID/ctl).
 *
 * The call arrives typed (struct mm_call, parsed by fs/). The target pid is
 * checked first, as the kernel resolves the task before anything else, so
 * a dead pid answers ESRCH whatever the call. No call is implemented yet:
 * each answers ENOSYS until its issue lands.
 */
#include <stdio.h>

#include "internal.h"
#include "task.h"

static int is_process_verb(enum mm_verb v)
{
	return v >= MMV_MMAP && v <= MMV_CLOSE;
}

int mm_syscall(struct machine *m, int pid, const struct mm_call *call,
	       uint64_t *ret, char *why, size_t whylen)
{
	const char *msg = NULL;
	int err;

	if (ret)
		*ret = 0;
	machine_lock(m);
	sim_advance(m, MM_TICK_NS);
	if (!find_task_by_pid(m, pid)) {
		msg = "no such process";
		err = -ESRCH;
	} else if (!is_process_verb(call->verb)) {
		msg = "not a per-process command";
		err = -EINVAL;
	} else {
		err = -ENOSYS;
	}
	machine_unlock(m);

	if (why && whylen) {
		if (err == -ENOSYS)
			snprintf(why, whylen, "%s is not implemented yet", mm_verb_name(call->verb));
		else
			snprintf(why, whylen, "%s", msg);
	}
	return err;
}
