// SPDX-License-Identifier: MIT
/*
 * test_thread.c - threads (mm/thread.c): clone(CLONE_VM|CLONE_THREAD)
 * makes a task sharing the caller's mm, the exit of a thread vs its
 * group's, fork from a thread, kill and the OOM killer of a group, and
 * glibc's allocator state per thread. mm_check (which counts mm_users and
 * checks every tgid) runs after every call (mmtest.h).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leakcheck.h"

static struct machine *m;

#include "mmtest.h"

#define MiB (1ULL << 20)
/* what glibc 2.36's pthread_create passes (strace -f of a pthread program) */
#define GLIBC_THREAD_FLAGS 0x3d0f00ULL	/* VM FS FILES SIGHAND THREAD SYSVSEM SETTLS PARENT_SETTID CHILD_CLEARTID */

static void boot(void)
{
	struct mm_config cfg = { .ram_bytes = 256 * MiB, .nr_nodes = 1, .swap_bytes = 0 };

	m = mm_boot(&cfg, NULL, 0);
	cr_assert(m);
}

static void teardown(void)
{
	check_ok();
	mm_shutdown(m);
	leak_check();
}

TestSuite(thread, .init = boot, .fini = teardown);

static int spawn(const char *name)
{
	char why[128];
	int pid = 0;

	cr_assert_eq(mm_spawn(m, name, &pid, why, sizeof(why)), 0, "%s", why);
	check_ok();
	return pid;
}

static int try_call(int pid, struct mm_call c, uint64_t *ret, char *why, size_t whylen)
{
	uint64_t r = 0;
	int err;

	if (!c.fd)
		c.fd = -1;
	why[0] = '\0';
	err = mm_syscall(m, pid, &c, &r, why, whylen);
	if (ret)
		*ret = r;
	check_ok();
	return err;
}

static int clone_of(int pid)
{
	return (int)call(pid, (struct mm_call){ .verb = MMV_CLONE, .flags = GLIBC_THREAD_FLAGS });
}

static int alive(int pid)
{
	machine_lock(m);
	int yes = find_task_by_pid(m, pid) != NULL;
	machine_unlock(m);
	return yes;
}

static struct mm_task_snap *snap(int pid)
{
	struct mm_task_snap *s = mm_snap_task(m, pid, 0);

	cr_assert(s, "pid %d", pid);
	return s;
}

static int users(int pid)
{
	machine_lock(m);
	int n = find_task_by_pid(m, pid)->mm->mm_users;
	machine_unlock(m);
	return n;
}

Test(thread, clone_shares_the_mm_and_counts_the_group)
{
	int a = spawn("a"), t1, t2, pids[8], tids[8];
	struct mm_task_snap *s;
	uint64_t p;

	t1 = clone_of(a);
	t2 = clone_of(t1);	/* a thread's clone joins the same group */
	cr_expect_eq(t1, a + 1);
	cr_expect_eq(t2, a + 2);
	cr_expect_eq(users(a), 3);
	s = snap(t2);
	cr_expect_eq(s->pid, t2);
	cr_expect_eq(s->tgid, a);
	cr_expect_eq(s->ppid, 1);
	cr_expect_eq(s->nr_threads, 3);
	cr_expect_str_eq(s->comm, "a");
	free(s);
	/* a mapping made and touched by one thread is the group's: the RSS is shared */
	p = map_anon(t1, 4 * MiB, 0);
	touch(t2, p, 4 * MiB, 1);
	cr_expect_eq(usage(a, p).rss, 4 * MiB);
	s = snap(a);
	{
		struct mm_task_snap *s1 = snap(t1);

		cr_expect_eq(s->rss_anon, s1->rss_anon);
		free(s1);
	}
	free(s);
	/* readdir of proc shows the leader only; the group lists every TID */
	cr_expect_eq(mm_pids(m, pids, 8), 2);
	cr_expect_eq(pids[1], a);
	cr_expect_eq(mm_tids(m, t2, tids, 8), 3);
	cr_expect_eq(tids[0], a);
	cr_expect_eq(tids[1], t1);
	cr_expect_eq(tids[2], t2);
}

Test(thread, clone_flags_are_checked_as_copy_process_does)
{
	int a = spawn("a"), child;
	char why[256];
	uint64_t r;

	cr_expect_eq(try_call(a, (struct mm_call){ .verb = MMV_CLONE, .flags = 0x10100 }, &r, why,
			      sizeof(why)), -EINVAL);
	cr_expect_str_eq(why, "CLONE_THREAD needs CLONE_SIGHAND");
	cr_expect_eq(try_call(a, (struct mm_call){ .verb = MMV_CLONE, .flags = 0x10800 }, &r, why,
			      sizeof(why)), -EINVAL);
	cr_expect_str_eq(why, "CLONE_SIGHAND needs CLONE_VM");
	cr_expect_eq(try_call(a, (struct mm_call){ .verb = MMV_CLONE, .flags = 0x100 | 17 }, &r, why,
			      sizeof(why)), -ENOSYS);
	cr_expect_eq(try_call(a, (struct mm_call){ .verb = MMV_CLONE, .flags = 0x10d00 | 0x20000000 },
			      &r, why, sizeof(why)), -ENOSYS);
	cr_expect_str_eq(why, "namespaces are not modelled");
	/* without CLONE_VM: a process, as fork (glibc's fork is clone(CHILD_SETTID|CLEARTID|SIGCHLD)) */
	child = (int)call(a, (struct mm_call){ .verb = MMV_CLONE, .flags = 0x1200011 });
	cr_expect_eq(child, a + 1);
	cr_expect_eq(users(child), 1);
	cr_expect_eq(users(a), 1);
}

Test(thread, a_thread_exit_ends_only_that_thread)
{
	int a = spawn("a"), t1 = clone_of(a), t2 = clone_of(a);
	uint64_t p = map_anon(t1, MiB, 0);
	struct mm_task_snap *s;

	touch(t1, p, MiB, 1);
	call(t1, (struct mm_call){ .verb = MMV_EXIT });
	cr_expect(!alive(t1));
	cr_expect(alive(a));
	cr_expect(alive(t2));
	cr_expect_eq(users(a), 2);
	s = snap(a);
	cr_expect_eq(s->nr_threads, 2);
	free(s);
	cr_expect_eq(usage(a, p).rss, MiB);	/* the memory is the process's */
	/* exit_group from any thread ends them all */
	call(t2, (struct mm_call){ .verb = MMV_EXIT_GROUP });
	cr_expect(!alive(t2));
	cr_expect(!alive(a));
}

Test(thread, the_leaders_exit_and_a_kill_end_the_group)
{
	int a = spawn("a"), t1 = clone_of(a), b = spawn("b"), u1 = clone_of(b), u2 = clone_of(u1);

	call(a, (struct mm_call){ .verb = MMV_EXIT });
	cr_expect(!alive(a));
	cr_expect(!alive(t1));
	kill_pid(u2);	/* SIGKILL to a TID: the whole group */
	cr_expect(!alive(b));
	cr_expect(!alive(u1));
	cr_expect(!alive(u2));
	cr_expect_eq(mm_pids(m, NULL, 0), 1);
}

Test(thread, fork_from_a_thread_copies_that_thread_only)
{
	int a = spawn("a"), t1 = clone_of(a), t2 = clone_of(a), child;
	uint64_t p = map_anon(t2, MiB, 0);
	struct mm_task_snap *s;

	touch(t2, p, MiB, 1);
	child = fork_of(t1);
	s = snap(child);
	cr_expect_eq(s->tgid, child);
	cr_expect_eq(s->ppid, a);		/* the process is the parent */
	cr_expect_eq(s->nr_threads, 1);
	free(s);
	cr_expect_eq(users(child), 1);
	cr_expect_eq(users(a), 3);
	cr_expect_eq(usage(child, p).rss, MiB);	/* copy-on-write of the group's memory */
	call(t1, (struct mm_call){ .verb = MMV_EXIT });
	cr_expect(alive(child));		/* the thread's child belongs to the process */
}

Test(thread, exec_from_a_thread_is_refused_and_from_the_leader_ends_the_others)
{
	int a = spawn("a"), t1 = clone_of(a);
	char why[256];

	cr_expect_eq(try_call(t1, (struct mm_call){ .verb = MMV_EXEC }, NULL, why, sizeof(why)),
		     -ENOSYS);
	call(a, (struct mm_call){ .verb = MMV_EXEC });
	cr_expect(!alive(t1));
	cr_expect_eq(users(a), 1);
}

Test(thread, the_oom_killer_scores_a_group_once_and_kills_it_whole)
{
	int a = spawn("a"), t1 = clone_of(a), b = spawn("b");
	uint64_t big, more;
	char why[256];

	cr_assert_eq(mm_tunable_write(m, "overcommit_memory", "1", 1), 0);
	big = map_anon(t1, 160 * MiB, 0);
	touch(t1, big, 160 * MiB, 1);
	more = map_anon(b, 200 * MiB, 0);
	/* b's faults meet the limit: a's group (the biggest) goes, threads and all */
	cr_expect_eq(try_call(b, (struct mm_call){ .verb = MMV_TOUCH, .addr = more, .len = 120 * MiB,
						    .mode = 'w' }, NULL, why, sizeof(why)), 0, "%s", why);
	cr_expect(!alive(a));
	cr_expect(!alive(t1));
	cr_expect(alive(b));
	cr_expect_eq(m->vm_events[OOM_KILL], 1);
}

Test(thread, a_thread_caught_by_the_oom_killer_takes_its_group)
{
	int a = spawn("a"), t1 = clone_of(a), b = spawn("b");
	uint64_t big;
	char why[256];

	cr_assert_eq(mm_tunable_write(m, "overcommit_memory", "1", 1), 0);
	touch(b, map_anon(b, 8 * MiB, 0), 8 * MiB, 1);
	big = map_anon(t1, 400 * MiB, 0);
	cr_expect_eq(try_call(t1, (struct mm_call){ .verb = MMV_TOUCH, .addr = big, .len = 400 * MiB,
						     .mode = 'w' }, NULL, why, sizeof(why)), -EINTR);
	cr_expect(!alive(t1));
	cr_expect(!alive(a));
	cr_expect(alive(b));
}

/*
 * glibc's allocator per thread: the leader stays on main_arena, a thread's
 * first malloc makes its arena in a 64 MiB-aligned heap (the same pointers
 * as test_malloc's explicit thread 1, taken from the host), and an exited
 * thread's arena goes to the next new thread.
 */
Test(thread, malloc_of_a_thread_uses_its_arena)
{
	const uint64_t heap = 0x555555559000ULL, h = 0x7ffff0000000ULL;
	int a = spawn("a.out"), t1, t2;

	cr_expect_eq(call(a, (struct mm_call){ .verb = MMV_MALLOC, .len = 10 }), heap + 0x2a0);
	t1 = clone_of(a);
	cr_expect_eq(call(t1, (struct mm_call){ .verb = MMV_MALLOC, .len = 10 }), h + 0xb70);
	{	/* the heap: 132 KiB read-write, the rest of the 64 MiB PROT_NONE */
		struct mm_task_snap *s = mm_snap_task(m, a, 1);
		int seen = 0;

		for (size_t i = 0; i + 1 < s->nr_vmas; i++)
			if (s->vmas[i].start == h) {
				seen = 1;
				cr_expect_eq(s->vmas[i].end, h + 0x21000);
				cr_expect_eq(s->vmas[i + 1].end, h + 64 * MiB);
			}
		cr_expect(seen);
		free(s);
	}
	call(t1, (struct mm_call){ .verb = MMV_FREE,
		.addr = call(t1, (struct mm_call){ .verb = MMV_MALLOC, .len = 5000 }) });
	call(t1, (struct mm_call){ .verb = MMV_EXIT });
	t2 = clone_of(a);
	cr_expect_eq(call(t2, (struct mm_call){ .verb = MMV_MALLOC, .len = 10 }), h + 0xb90);
	cr_expect_eq(call(t2, (struct mm_call){ .verb = MMV_MALLOC, .len = 5000 }), h + 0xbb0);
	cr_expect_eq(call(a, (struct mm_call){ .verb = MMV_MALLOC, .len = 10 }), heap + 0x2c0);
}

static int vma_of(int pid, uint64_t addr, uint64_t *start, uint64_t *end, uint64_t *prot)
{
	struct mm_task_snap *s = mm_snap_task(m, pid, 1);
	int found = 0;

	for (size_t i = 0; i < s->nr_vmas; i++)
		if (s->vmas[i].start <= addr && addr < s->vmas[i].end) {
			*start = s->vmas[i].start;
			*end = s->vmas[i].end;
			*prot = s->vmas[i].flags & (MM_VM_READ | MM_VM_WRITE | MM_VM_EXEC);
			found = 1;
		}
	free(s);
	return found;
}

static int pthread_of(int pid, uint64_t stacksize)
{
	return (int)call(pid, (struct mm_call){ .verb = MMV_PTHREAD_CREATE, .len = stacksize });
}

static uint64_t stack_of(int tid)
{
	machine_lock(m);
	uint64_t a = find_task_by_pid(m, tid)->pthread_stack;
	machine_unlock(m);
	return a;
}

/*
 * pthread_create as the host's glibc 2.36 does it: 8 MiB + a guard page
 * mapped PROT_NONE, all but the lowest page made read-write; the thread's
 * exit madvises the stack and caches it; the next thread takes it back.
 */
Test(thread, pthread_create_maps_a_guarded_stack_and_caches_it)
{
	int a = spawn("a"), t1, t2;
	uint64_t mem, s, e, prot, rss;

	t1 = pthread_of(a, 0);
	mem = stack_of(t1);
	cr_assert(vma_of(a, mem, &s, &e, &prot));
	cr_expect_eq(s, mem);
	cr_expect_eq(e, mem + 4096);
	cr_expect_eq(prot, 0);
	cr_assert(vma_of(a, mem + 4096, &s, &e, &prot));
	cr_expect_eq(e, mem + 8392704);
	cr_expect_eq(prot, MM_VM_READ | MM_VM_WRITE);
	touch(t1, mem + 4096, 8 * MiB, 1);
	call(t1, (struct mm_call){ .verb = MMV_PTHREAD_EXIT });
	cr_expect(!alive(t1));
	/* madvise(mem, 8368128, MADV_DONTNEED): the top 24 KiB stay resident */
	rss = usage(a, mem + 4096).rss;
	cr_expect_eq(rss, 24 * 1024, "%llu", (unsigned long long)rss);
	t2 = pthread_of(a, 0);
	cr_expect_eq(stack_of(t2), mem);	/* from the cache: no new mapping */
	cr_assert(vma_of(a, mem + 4096, &s, &e, &prot));
	cr_expect_eq(e, mem + 8392704);
}

Test(thread, the_stack_cache_keeps_40_mib)
{
	int a = spawn("a"), t[5];
	uint64_t mem[5], s, e, prot;
	char why[256];

	for (int i = 0; i < 5; i++) {
		t[i] = pthread_of(a, 0);
		mem[i] = stack_of(t[i]);
	}
	for (int i = 0; i < 5; i++)
		call(t[i], (struct mm_call){ .verb = MMV_PTHREAD_EXIT });
	/* five 8 MiB + 4 KiB stacks are more than 40 MiB: the oldest is unmapped */
	cr_expect(!vma_of(a, mem[0], &s, &e, &prot));
	for (int i = 1; i < 5; i++)
		cr_expect(vma_of(a, mem[i], &s, &e, &prot));
	cr_expect_eq(try_call(a, (struct mm_call){ .verb = MMV_PTHREAD_CREATE, .len = 4096 }, NULL,
			      why, sizeof(why)), -EINVAL);
}

/* oom_score_adj is the group's (signal->oom_score_adj): written through a thread, the leader has it. */
Test(thread, oom_score_adj_is_the_groups)
{
	int a = spawn("a"), t1 = clone_of(a);
	struct mm_task_snap *s;

	cr_assert_eq(mm_oom_adj_write(m, t1, 0, "500\n", 4), 4);
	s = snap(a);
	cr_expect_eq(s->oom_score_adj, 500);
	free(s);
	cr_assert_eq(mm_oom_adj_write(m, a, 0, "-3\n", 3), 3);
	s = snap(t1);
	cr_expect_eq(s->oom_score_adj, -3);
	free(s);
}

/*
 * The DTV: a new stack's thread gets it from the creating thread's calloc
 * (288 bytes of main_arena here); a cached stack keeps its own. The host's
 * glibc (ASLR off, the same heap start) answers the leader's malloc(10)
 * after each create and join with these pointers, and the brk it set.
 */
Test(thread, pthread_create_callocs_the_dtv_as_the_host)
{
	const uint64_t heap = 0x555555559000ULL;
	int a = spawn("a.out"), t;
	struct mm_task_snap *s;

	t = pthread_of(a, 0);
	call(t, (struct mm_call){ .verb = MMV_PTHREAD_EXIT });
	cr_expect_eq(call(a, (struct mm_call){ .verb = MMV_MALLOC, .len = 10 }), heap + 0x3c0);
	t = pthread_of(a, 0);
	call(t, (struct mm_call){ .verb = MMV_PTHREAD_EXIT });
	cr_expect_eq(call(a, (struct mm_call){ .verb = MMV_MALLOC, .len = 10 }), heap + 0x3e0);
	s = snap(a);
	cr_expect_eq(s->brk, 0x55555557a000ULL);
	free(s);
}

/* The checker finds a wrong mm_users, a thread whose tgid names no leader, a wrong count. */
Test(thread, check_finds_broken_thread_state)
{
	int a = spawn("a"), t1 = clone_of(a);
	struct task *l, *t;
	char *r;
	int nbad = 0;

	machine_lock(m);
	l = find_task_by_pid(m, a);
	t = find_task_by_pid(m, t1);
	l->mm->mm_users++;
	l->nr_threads++;
	machine_unlock(m);
	r = mm_check(m, &nbad);
	cr_expect(strstr(r, "mm_users 3 but 2 tasks use the mm"), "%s", r);
	cr_expect(strstr(r, "nr_threads 3 but 2 threads"), "%s", r);
	free(r);
	machine_lock(m);
	l->mm->mm_users--;
	l->nr_threads--;
	t->tgid = 1;
	machine_unlock(m);
	r = mm_check(m, &nbad);
	cr_expect(strstr(r, "tgid 1 is not a live leader"), "%s", r);
	free(r);
	machine_lock(m);
	t->tgid = a;
	machine_unlock(m);
	/* a zombie leader must have a thread left */
	call(t1, (struct mm_call){ .verb = MMV_EXIT });
	machine_lock(m);
	l->state = 'Z';
	machine_unlock(m);
	r = mm_check(m, &nbad);
	cr_expect(strstr(r, "pid 2: a zombie leader without threads"), "%s", r);
	free(r);
	machine_lock(m);
	l->state = 'S';
	machine_unlock(m);
}

/*
 * pthread_exit of the main thread, as glibc 2.36 and Linux do it: with
 * other threads of glibc's running, the leader makes the exit system call
 * alone and is a zombie until they end (the host: State Z, no memory, no
 * files, Threads counting it; tests/integration/threads.sh compares its
 * proc files); the process lives on in its threads and ends with the last
 * of glibc's threads (its exit(0)) or the last thread at all.
 */
Test(thread, pthread_exit_of_the_main_thread_leaves_a_zombie_leader)
{
	int a = spawn("a"), t1 = pthread_of(a, 0), t2 = pthread_of(a, 0), n;
	struct mm_call c = { .verb = MMV_MMAP, .len = 4096, .prot = MM_PROT_READ,
			     .flags = MM_MAP_PRIVATE | MM_MAP_ANONYMOUS };
	struct mm_fd_snap *fds = NULL;
	struct mm_task_snap *s;
	char why[160];
	uint64_t p;

	call(a, (struct mm_call){ .verb = MMV_PTHREAD_EXIT });
	cr_expect(alive(a));
	s = snap(a);
	cr_expect_eq(s->state, 'Z');
	cr_expect_eq(s->has_mm, 0);		/* get_task_mm: none */
	cr_expect_eq(s->nr_threads, 3);		/* Threads: counts the zombie */
	free(s);
	n = mm_snap_files(m, a, &fds);
	cr_expect_eq(n, 0);			/* exit_files */
	free(fds);
	cr_expect_eq(try_call(a, c, NULL, why, sizeof(why)), -ESRCH);
	cr_expect_str_eq(why, "pid 2 has exited (pthread_exit): a zombie until its last thread ends");
	/* migrate_pages of it: get_task_mm finds no mm (EINVAL); from it: no caller (ESRCH) */
	cr_expect_eq(mm_migrate_pages(m, t1, a, 1, 1, 0, &p, why, sizeof(why)), -EINVAL);
	cr_expect_eq(mm_migrate_pages(m, a, t1, 1, 1, 0, &p, why, sizeof(why)), -ESRCH);
	/* the threads go on with the process's memory */
	p = map_anon(t1, MiB, 0);
	touch(t2, p, MiB, 1);
	s = snap(t1);
	cr_expect_eq(s->has_mm, 1);
	cr_expect_eq(s->state, 'S');
	free(s);
	cr_expect_eq(usage(t1, p).rss, MiB);
	call(t1, (struct mm_call){ .verb = MMV_PTHREAD_EXIT });
	cr_expect(alive(a));
	cr_expect(alive(t2));
	/* glibc's last thread returns: exit(0) ends the process */
	call(t2, (struct mm_call){ .verb = MMV_PTHREAD_EXIT });
	cr_expect(!alive(t2));
	cr_expect(!alive(a));
	cr_expect_eq(mm_pids(m, NULL, 0), 1);
}

Test(thread, pthread_exit_of_a_lone_main_thread_or_its_last_raw_thread_ends_the_process)
{
	int a = spawn("a"), b, u, v;

	call(a, (struct mm_call){ .verb = MMV_PTHREAD_EXIT });	/* exit(0): no other thread */
	cr_expect(!alive(a));
	b = spawn("b");
	u = pthread_of(b, 0);
	v = clone_of(b);		/* a raw clone: not one of glibc's */
	call(b, (struct mm_call){ .verb = MMV_PTHREAD_EXIT });
	cr_expect(alive(b));
	call(v, (struct mm_call){ .verb = MMV_EXIT });	/* the exit system call of one thread */
	cr_expect(alive(b));
	cr_expect(alive(u));
	call(u, (struct mm_call){ .verb = MMV_EXIT });	/* the last thread: the group ends */
	cr_expect(!alive(u));
	cr_expect(!alive(b));
	b = spawn("c");
	u = pthread_of(b, 0);
	v = clone_of(b);
	call(b, (struct mm_call){ .verb = MMV_PTHREAD_EXIT });
	call(u, (struct mm_call){ .verb = MMV_PTHREAD_EXIT });	/* glibc's count reaches 0: exit(0) */
	cr_expect(!alive(v));
	cr_expect(!alive(b));
}

/*
 * glibc's abort (a double free) in one thread kills the whole process, as
 * SIGABRT does; the other threads run none of glibc's thread exit (the
 * kernel kills them), so a corrupt heap is not walked again. A heap found
 * corrupt by a thread's own exit (its tcache flushed into the arena) is an
 * abort too: the process goes with it.
 */
Test(thread, an_abort_in_any_thread_kills_the_whole_process)
{
	int a = spawn("a"), t1 = pthread_of(a, 0), t2 = pthread_of(a, 0), b, u;
	uint64_t p;
	char why[256];

	p = call(t1, (struct mm_call){ .verb = MMV_MALLOC, .len = 40 });
	call(t2, (struct mm_call){ .verb = MMV_MALLOC, .len = 40 });
	call(t1, (struct mm_call){ .verb = MMV_FREE, .addr = p });
	cr_expect_eq(try_call(t1, (struct mm_call){ .verb = MMV_FREE, .addr = p }, NULL, why,
			      sizeof(why)), -EINTR);
	cr_expect_str_eq(why, "free(): double free detected in tcache 2: the process was killed by SIGABRT");
	cr_expect(!alive(t1));
	cr_expect(!alive(t2));
	cr_expect(!alive(a));
	/* the leader's abort, threads alive */
	b = spawn("b");
	u = pthread_of(b, 0);
	p = call(u, (struct mm_call){ .verb = MMV_MALLOC, .len = 40 });
	call(b, (struct mm_call){ .verb = MMV_FREE, .addr = p });	/* to the leader's tcache */
	cr_expect_eq(try_call(b, (struct mm_call){ .verb = MMV_FREE, .addr = p }, NULL, why,
			      sizeof(why)), -EINTR);
	cr_expect(!alive(u));
	cr_expect(!alive(b));
}
