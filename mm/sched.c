// SPDX-License-Identifier: MIT
/*
 * sched.c - who runs in the model, and when: the command turn, the model
 * lock, step boundaries and fatal signals (kernel: kernel/sched/core.c's
 * cond_resched, signal.h's fatal_signal_pending).
 *
 * Two locks, both FIFO tickets so that nobody starves:
 *
 *   the turn     held by one command from mm_cmd_begin to mm_cmd_end: the
 *                commands of all clients run one at a time, in the order
 *                they asked, which is the order the journal records.
 *   m->lock      the model itself: taken by every public entry point,
 *                commands and readers (snapshots) alike.
 *
 * A long command (populate or mlock of terabytes, fork of a huge process,
 * mincore of a huge range...) calls cond_resched() at its step boundaries,
 * points where the model is consistent. There it lets every reader waiting
 * for m->lock go first, so no reader waits behind a long command for more
 * than a step; other commands wait for the turn, so the order of commands,
 * and with it the model, stays deterministic.
 *
 * A command working for a process polls fatal_signal_pending() at the same
 * boundaries; `kill` of that process (mm_signal_kill, called before the
 * kill command waits for its turn) makes it stop there with -EINTR. Where
 * it stopped is the one non-deterministic fact of a run: the N-th poll of
 * the command. mm_cmd_end hands N back for the journal, and a replay hands
 * it to mm_cmd_begin, which makes the N-th poll true again.
 */
#include <stdio.h>

#include "internal.h"
#include "shmem_file.h"
#include "task.h"
#include "zswap.h"

/* ---- the model lock: a ticket lock ---- */

void machine_lock(struct machine *m)
{
	uint64_t ticket;

	pthread_mutex_lock(&m->lock);
	ticket = m->lock_next++;
	while (m->lock_serving != ticket)
		pthread_cond_wait(&m->lock_cond, &m->lock);
	m->locked = 1;
	m->lock_owner = pthread_self();
	pthread_mutex_unlock(&m->lock);
	arena_set_current(m->arena);	/* the holder allocates in the machine's arena */
}

void machine_unlock(struct machine *m)
{
	arena_set_current(NULL);
	pthread_mutex_lock(&m->lock);
	m->locked = 0;
	m->lock_serving++;
	if (m->lock_next != m->lock_serving)
		pthread_cond_broadcast(&m->lock_cond);
	pthread_mutex_unlock(&m->lock);
}

void lockdep_assert_held(struct machine *m)
{
	VM_BUG_ON(!m->locked || !pthread_equal(m->lock_owner, pthread_self()));
}

/* Threads queued behind the holder of m->lock (a racy hint, not a decision). */
static int lock_waiters(struct machine *m)
{
	return __atomic_load_n(&m->lock_next, __ATOMIC_RELAXED) -
	       __atomic_load_n(&m->lock_serving, __ATOMIC_RELAXED) > 1;
}

void cond_resched(struct machine *m)
{
	lockdep_assert_held(m);
	if (!lock_waiters(m))
		return;
	machine_unlock(m);	/* the waiters hold tickets before ours */
	machine_lock(m);
}

/* ---- the command turn ---- */

void mm_cmd_begin(struct machine *m, uint64_t interrupt_at)
{
	uint64_t ticket;

	pthread_mutex_lock(&m->turn_lock);
	ticket = m->turn_next++;
	while (m->turn_serving != ticket)
		pthread_cond_wait(&m->turn_cond, &m->turn_lock);
	pthread_mutex_unlock(&m->turn_lock);
	/* the command's own state: only the turn's holder touches it */
	m->cmd_polls = 0;
	m->cmd_interrupted = 0;
	m->cmd_inject = interrupt_at;
}

uint64_t mm_cmd_interrupted(struct machine *m)
{
	return m->cmd_interrupted;
}

void mm_cmd_end(struct machine *m)
{
	if (m->zswap && m->zswap->shrink_pending) {	/* zswap's worker, queued by a full pool */
		machine_lock(m);
		zswap_run_pending(m);
		machine_unlock(m);
	}
	if (m->tmpfs_orphans) {	/* only commands change it, and this one still has its turn */
		machine_lock(m);
		tmpfs_evict_unused(m);	/* whatever the command was: a kill, an unlink, a close */
		machine_unlock(m);
	}
	m->cmd_inject = 0;
	pthread_mutex_lock(&m->turn_lock);
	m->turn_serving++;
	pthread_cond_broadcast(&m->turn_cond);
	pthread_mutex_unlock(&m->turn_lock);
}

/* ---- fatal signals ---- */

int mm_signal_kill(struct machine *m, int pid)
{
	struct task *t;
	int found;

	machine_lock(m);
	t = pid > 1 ? find_task_by_pid(m, pid) : NULL;
	if (t && t->group_leader)
		t = t->group_leader;	/* fatal_signal_pending looks at the leader too */
	found = t != NULL;
	if (t)
		t->sigkill = 1;
	machine_unlock(m);
	return found;
}

int fatal_signal_pending(struct machine *m, struct task *t)
{
	int hit;

	lockdep_assert_held(m);
	m->cmd_polls++;
	if (m->cmd_interrupted)
		return 1;	/* once stopped, every later poll agrees */
	if (m->cmd_inject)
		hit = m->cmd_polls == m->cmd_inject;	/* a replay: stop where the run did */
	else
		hit = t && (t->sigkill || (t->group_leader && t->group_leader->sigkill));
	if (hit)
		m->cmd_interrupted = m->cmd_polls;
	return hit;
}
