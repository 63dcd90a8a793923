/* SPDX-License-Identifier: MIT */
/*
 * oom_kill.h - the OOM killer (kernel: mm/oom_kill.c; reclaim.md §11).
 * Expects m->lock held.
 */
#ifndef MM_OOM_KILL_H
#define MM_OOM_KILL_H

struct machine;

enum { OOM_NONE, OOM_KILLED, OOM_KILLED_CURRENT };

/*
 * Memory ran out for an allocation (gfp, order) of m->cur_task (NULL:
 * a command of no process, reported as init's): choose a victim by
 * badness, report it to kmsg as Linux does, kill it and free its memory.
 * OOM_KILLED: retry the allocation. OOM_KILLED_CURRENT: the victim is the
 * command's own process; it is marked (sigkill) and exits when the command
 * unwinds. OOM_NONE: nothing could be killed.
 */
int out_of_memory(struct machine *m, unsigned gfp, int order);

#endif
