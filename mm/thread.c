// SPDX-License-Identifier: MIT
/*
 * thread.c - threads: tasks sharing one address space (kernel:
 * kernel/fork.c copy_process with CLONE_THREAD, kernel/exit.c
 * do_group_exit, zap_other_threads).
 *
 * A thread group is a leader (tgid == pid) and its threads (tgid == the
 * leader's pid, group_leader == the leader). Every thread holds the mm
 * (mm->mm_users counts the tasks using it) and uses the leader's fd table
 * (CLONE_FILES). The leader's exit (glibc's exit(): exit_group), a kill
 * of any TID, an abort and the OOM killer end the whole group
 * (do_group_exit); a thread's own exit ends only it. The leader's
 * pthread_exit while threads of glibc's run leaves it a zombie (state 'Z',
 * task_zombie) until the group's last thread, or glibc's last pthread,
 * ends (leader_pthread_exit, zombie_group_reap); the zombie keeps its
 * pointers to the mm and fd table, which only its own proc files hide.
 *
 * Each thread has a small index for glibc's allocator (mm/libc/): 0 for
 * the leader, the lowest free one in 1..63 for a new thread. glibc's
 * per-thread state has no number; the index only names the state, so
 * which free index is reused does not change what the allocator does.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "libc/malloc.h"
#include "libc/malloc_internal.h"
#include "mempolicy.h"
#include "syscalls.h"
#include "task.h"

/* clone flags (include/uapi/linux/sched.h) */
#define MM_CLONE_VM		0x00000100ULL
#define MM_CLONE_FS		0x00000200ULL
#define MM_CLONE_FILES		0x00000400ULL
#define MM_CLONE_SIGHAND		0x00000800ULL
#define MM_CLONE_PIDFD		0x00001000ULL
#define MM_CLONE_VFORK		0x00004000ULL
#define MM_CLONE_PARENT		0x00008000ULL
#define MM_CLONE_THREAD		0x00010000ULL
#define MM_CLONE_NEWNS		0x00020000ULL
#define MM_CLONE_NEWMASK		0x7e020080ULL	/* NEWNS NEWCGROUP NEWUTS NEWIPC NEWUSER NEWPID NEWNET NEWTIME */


/* The threads of a group other than its leader, found by tgid. */
#define for_each_other_thread(m, leader, t)					\
	for (int _pid = 0; _pid < (m)->pid_max; _pid++)				\
		if (((t) = (m)->tasks[_pid]) && (t) != (leader) &&		\
		    (t)->group_leader == (leader))

int get_nr_threads(struct machine *m, const struct task *t)
{
	(void)m;
	return (t->group_leader ? t->group_leader : t)->nr_threads;
}

/* The lowest allocator index no thread of leader's group holds; -1 if none. */
static int malloc_thread_alloc(struct machine *m, struct task *leader)
{
	uint64_t used = 1;	/* 0: the leader */
	struct task *t;

	if (leader->nr_threads > 1)
		for_each_other_thread(m, leader, t)
			used |= 1ULL << t->malloc_thread;
	for (int i = 1; i < LIBC_THREADS_MAX; i++)
		if (!(used & (1ULL << i)))
			return i;
	return -1;
}

static int clone_fail(char *why, size_t whylen, int err, const char *msg)
{
	if (why && whylen)
		snprintf(why, whylen, "%s", msg);
	return err;
}

int do_clone(struct machine *m, struct task *t, uint64_t flags, int *tid, char *why, size_t whylen)
{
	struct task *leader = t->group_leader ? t->group_leader : t, *nt;
	int idx, err;

	lockdep_assert_held(m);
	/* copy_process's checks, in its order */
	if ((flags & (MM_CLONE_NEWNS | MM_CLONE_FS)) == (MM_CLONE_NEWNS | MM_CLONE_FS))
		return clone_fail(why, whylen, -EINVAL, "CLONE_NEWNS with CLONE_FS");
	if ((flags & MM_CLONE_THREAD) && !(flags & MM_CLONE_SIGHAND))
		return clone_fail(why, whylen, -EINVAL, "CLONE_THREAD needs CLONE_SIGHAND");
	if ((flags & MM_CLONE_SIGHAND) && !(flags & MM_CLONE_VM))
		return clone_fail(why, whylen, -EINVAL, "CLONE_SIGHAND needs CLONE_VM");
	if ((flags & MM_CLONE_PARENT) && t->pid == 1)
		return clone_fail(why, whylen, -EINVAL, "CLONE_PARENT from init");
	if ((flags & MM_CLONE_THREAD) && (flags & MM_CLONE_PIDFD))
		return clone_fail(why, whylen, -EINVAL, "CLONE_PIDFD with CLONE_THREAD");
	if (flags & MM_CLONE_NEWMASK)
		return clone_fail(why, whylen, -ENOSYS, "namespaces are not modelled");
	if (flags & MM_CLONE_VFORK)
		return clone_fail(why, whylen, -ENOSYS, "CLONE_VFORK is not modelled");
	if (!(flags & MM_CLONE_VM))
		return do_fork(m, t, tid, why, whylen);	/* a process: fork copies the caller only */
	if (!(flags & MM_CLONE_THREAD))
		return clone_fail(why, whylen, -ENOSYS,
				  "CLONE_VM without CLONE_THREAD (a process sharing an mm) is not modelled");
	if (!(flags & MM_CLONE_FILES))
		return clone_fail(why, whylen, -ENOSYS, "a thread without CLONE_FILES is not modelled");
	idx = malloc_thread_alloc(m, leader);
	if (idx < 0)
		return clone_fail(why, whylen, -EAGAIN, "the model keeps 64 threads' allocator state");
	nt = task_alloc(m, leader->ppid, t->comm, leader->cmdline, leader->cmdline_len);
	if (!nt)
		return clone_fail(why, whylen, -ENOMEM, "out of memory");
	nt->tgid = leader->pid;
	nt->group_leader = leader;
	nt->malloc_thread = idx;
	nt->oom_score_adj = leader->oom_score_adj;	/* a signal_struct field: shared */
	nt->cpu = t->cpu;	/* copy_process: the caller's CPU, policy and affinity, as fork */
	nt->cpu_nid = t->cpu_nid;
	mpol_fork(nt, t);
	memcpy(nt->cpus_allowed, t->cpus_allowed, sizeof(nt->cpus_allowed));
	nt->affinity_set = t->affinity_set;
	nt->mm = t->mm;
	t->mm->mm_users++;	/* task_attach's failure path drops it again */
	err = task_attach(m, nt);
	if (err)
		return clone_fail(why, whylen, -EAGAIN, "no free pid");
	leader->nr_threads++;
	*tid = nt->pid;
	return 0;
}

/*
 * glibc's exit of a thread that ends by itself (exit or pthread_exit on
 * its ctl, before its task goes): its tcache emptied into its arena, the
 * arena on the free list. A thread killed with its group (exit_group, a
 * kill, an abort, the OOM killer, exec) runs none of it, as on Linux. If
 * glibc finds the heap corrupt on the way it aborts, and the whole process
 * dies: then -EINTR and t is gone.
 */
int thread_glibc_exit(struct machine *m, struct task *t, char *why, size_t whylen)
{
	struct sys_ctx x = { .m = m, .t = t, .mm = t->mm, .why = why, .whylen = whylen };
	int pid = t->pid;

	if (!t->group_leader || !t->mm || !t->mm->libc_malloc)
		return 0;
	libc_malloc_thread_exit(&x, t->malloc_thread);
	return find_task_by_pid(m, pid) == t ? 0 : -EINTR;
}

/*
 * A thread leaves (task_exit calls this before freeing it): its glibc
 * thread state's index is freed, then the count drops. The stack of a
 * pthread stays mapped: glibc 2.36 puts it in its stack cache (up to
 * 40 MiB) and unmaps nothing at thread exit or join.
 */
void thread_release(struct machine *m, struct task *t)
{
	(void)m;
	/* the index is free for the next thread, which starts as a new one (no tcache, not shutting down) */
	if (t->mm && t->mm->libc_malloc)
		memset(&t->mm->libc_malloc->thr[t->malloc_thread], 0, sizeof(struct libc_thread));
	t->group_leader->nr_threads--;
}

void exit_threads(struct machine *m, struct task *leader)
{
	struct task *t;

	lockdep_assert_held(m);
	if (leader->nr_threads <= 1)
		return;
	for_each_other_thread(m, leader, t)
		task_exit(m, t);
}

int nr_pthreads(struct machine *m, struct task *leader)
{
	struct task *t;
	int n = 0;

	for_each_other_thread(m, leader, t)
		n += t->pthread_stack != 0;
	return n;
}

void leader_pthread_exit(struct machine *m, struct task *leader)
{
	if (!nr_pthreads(m, leader)) {
		task_exit(m, leader);	/* __libc_start_call_main: exit(0) */
		return;
	}
	/* SYS_exit of the main thread: a zombie while its threads run (delay_group_leader) */
	leader->state = 'Z';
}

void zombie_group_reap(struct machine *m, struct task *leader, int pthread)
{
	if (!leader || !task_zombie(leader))
		return;
	if (leader->nr_threads == 1 || (pthread && !nr_pthreads(m, leader)))
		task_exit(m, leader);	/* release_task of the leader; exit_group */
}

void do_group_exit(struct machine *m, struct task *t)
{
	task_exit(m, t->group_leader ? t->group_leader : t);
}

int check_threads(struct machine *m, struct rbuf_lite *out)
{
	int *users = calloc((size_t)m->pid_max + 1, sizeof(int));
	int *threads = calloc((size_t)m->pid_max + 1, sizeof(int));
	int bad = 0;

	lockdep_assert_held(m);
	if (!users || !threads) {
		free(users);
		free(threads);
		return 0;	/* no room to check: say nothing */
	}
	for (int pid = 0; pid < m->pid_max; pid++) {
		struct task *t = m->tasks[pid], *l;

		if (!t)
			continue;
		if (!t->group_leader) {
			if (t->tgid != pid) {
				rbl_printf(out, "pid %d: a leader with tgid %d\n", pid, t->tgid);
				bad++;
			}
			threads[pid]++;
			users[pid]++;
			continue;
		}
		l = find_task_by_pid(m, t->tgid);
		if (l != t->group_leader || !l || l->group_leader) {
			rbl_printf(out, "tid %d: tgid %d is not a live leader\n", pid, t->tgid);
			bad++;
			continue;
		}
		if (t->mm != l->mm || !t->mm) {
			rbl_printf(out, "tid %d: an mm other than its leader's\n", pid);
			bad++;
		}
		if (t->files || !list_empty(&t->children)) {
			rbl_printf(out, "tid %d: owns files or children\n", pid);
			bad++;
		}
		if (t->malloc_thread <= 0 || t->malloc_thread >= LIBC_THREADS_MAX) {
			rbl_printf(out, "tid %d: allocator index %d\n", pid, t->malloc_thread);
			bad++;
		}
		threads[t->tgid]++;
		users[t->tgid]++;
	}
	for (int pid = 0; pid < m->pid_max; pid++) {
		struct task *t = m->tasks[pid];

		if (!t || t->group_leader)
			continue;
		if (task_zombie(t) && t->nr_threads < 2) {
			rbl_printf(out, "pid %d: a zombie leader without threads\n", pid);
			bad++;
		}
		if (t->nr_threads != threads[pid]) {
			rbl_printf(out, "pid %d: nr_threads %d but %d threads\n", pid, t->nr_threads,
				   threads[pid]);
			bad++;
		}
		if (t->mm && t->mm->mm_users != users[pid]) {
			rbl_printf(out, "pid %d: mm_users %d but %d tasks use the mm\n", pid,
				   t->mm->mm_users, users[pid]);
			bad++;
		}
	}
	free(users);
	free(threads);
	return bad;
}

int mm_tids(struct machine *m, int pid, int *tids, int max)
{
	struct task *t, *leader;
	int n = 0;

	machine_lock(m);
	t = find_task_by_pid(m, pid);
	leader = t ? (t->group_leader ? t->group_leader : t) : NULL;
	if (leader) {
		if (max > 0)
			tids[0] = leader->pid;
		n = 1;
		if (leader->nr_threads > 1)
			for_each_other_thread(m, leader, t) {
				if (n < max)
					tids[n] = t->pid;
				n++;
			}
	}
	machine_unlock(m);
	return n;
}

void thread_group_set_oom_score_adj(struct machine *m, struct task *t)
{
	struct task *leader = t->group_leader ? t->group_leader : t, *o;

	leader->oom_score_adj = t->oom_score_adj;
	if (leader->nr_threads > 1)
		for_each_other_thread(m, leader, o)
			o->oom_score_adj = t->oom_score_adj;
}
