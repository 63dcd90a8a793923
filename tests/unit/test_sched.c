// SPDX-License-Identifier: MIT
/*
 * test_sched.c - who runs when (mm/sched.c): readers get in at a long
 * command's step boundaries, commands run one at a time in order, and a
 * kill stops its victim's long command at a step that a replay can hit
 * again exactly.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "leakcheck.h"
#include "../../mm/internal.h"
#include "../../mm/task.h"

static struct machine *m;

#include "mmtest.h"

static void boot(void)
{
	struct mm_config cfg = { .ram_bytes = 1ULL << 30, .nr_nodes = 1 };

	m = mm_boot(&cfg, NULL, 0);
	cr_assert(m);
}

static void shutdown(void)
{
	mm_shutdown(m);
	leak_check();
}

TestSuite(sched, .init = boot, .fini = shutdown);

#define MB (1ULL << 20)

static int reader_done;

static void *reader(void *arg)
{
	machine_lock(m);
	reader_done = 1;
	machine_unlock(m);
	return arg;
}

/* A reader queued for the lock goes first at the next step boundary. */
Test(sched, cond_resched_lets_a_queued_reader_in)
{
	pthread_t t;

	machine_lock(m);
	cond_resched(m);	/* nobody waits: nothing happens */
	cr_assert(pthread_create(&t, NULL, reader, NULL) == 0);
	while (__atomic_load_n(&m->lock_next, __ATOMIC_ACQUIRE) - m->lock_serving < 2)
		sched_yield();
	cr_assert_eq(reader_done, 0);
	cond_resched(m);
	cr_assert_eq(reader_done, 1, "the reader ran inside the step boundary");
	machine_unlock(m);
	pthread_join(t, NULL);
}

static uint64_t rss_of(int pid)
{
	struct mm_task_snap *s = mm_snap_task(m, pid, 0);
	uint64_t rss = s->rss_anon + s->rss_file + s->rss_shmem;

	free(s);
	return rss;
}

/* mmap of 64 MiB, locked: populated 2 MiB per step. */
static int map_locked(int pid, uint64_t *addr, char *why)
{
	struct mm_call c = { .verb = MMV_MMAP, .len = 64 * MB, .fd = -1,
			     .prot = MM_PROT_READ | MM_PROT_WRITE,
			     .flags = MM_MAP_PRIVATE | MM_MAP_ANONYMOUS | MM_MAP_LOCKED };

	return mm_syscall(m, pid, &c, addr, why, 128);
}

/*
 * A replay that says "interrupted at poll 3" stops the populate at the
 * third step boundary: 3 steps of 2 MiB faulted in, the mmap itself done
 * (populate errors are ignored), and the command reports poll 3 again.
 */
Test(sched, an_injected_interrupt_stops_at_its_step)
{
	char why[128];
	uint64_t addr = 0;

	mm_cmd_begin(m, 3);
	cr_assert_eq(map_locked(1, &addr, why), 0, "%s", why);
	cr_assert_eq(mm_cmd_interrupted(m), 3);
	mm_cmd_end(m);
	check_ok();
	cr_assert_eq(addr & (2 * MB - 1), 0, "a THP-aligned mapping");
	cr_assert_eq(rss_of(1), 3 * 2 * MB / 4096, "rss %llu pages", (unsigned long long)rss_of(1));
	/* the next command is not interrupted */
	mm_cmd_begin(m, 0);
	cr_assert_eq(map_locked(1, &addr, why), 0);
	cr_assert_eq(mm_cmd_interrupted(m), 0);
	mm_cmd_end(m);
	cr_assert_eq(rss_of(1), (3 * 2 * MB + 64 * MB) / 4096);
}

/*
 * A kill on its way (mm_signal_kill) stops the victim's command at its
 * first poll; other processes' commands do not see it; init cannot be
 * signalled.
 */
Test(sched, a_pending_kill_stops_only_its_victim)
{
	char why[128];
	uint64_t addr;
	int pid;

	cr_assert_eq(mm_spawn(m, NULL, &pid, why, sizeof(why)), 0);
	cr_assert_eq(mm_signal_kill(m, 1), 0, "init cannot be killed");
	cr_assert_eq(mm_signal_kill(m, 99), 0);
	cr_assert_eq(mm_signal_kill(m, pid), 1);
	mm_cmd_begin(m, 0);
	cr_assert_eq(map_locked(1, &addr, why), 0);
	cr_assert_eq(mm_cmd_interrupted(m), 0, "pid 1 is not the victim");
	mm_cmd_end(m);
	mm_cmd_begin(m, 0);
	cr_assert_eq(map_locked(pid, &addr, why), 0);
	cr_assert_eq(mm_cmd_interrupted(m), 1);
	mm_cmd_end(m);
	cr_assert_eq(rss_of(pid), 2 * MB / 4096, "one step before the first poll");
	/* a fork of the victim stops too, and leaves no child */
	mm_cmd_begin(m, 0);
	cr_assert_eq(mm_syscall(m, pid, &(struct mm_call){ .verb = MMV_FORK }, &addr, why, sizeof(why)),
		     -EINTR);
	mm_cmd_end(m);
	cr_assert_eq(mm_pids(m, NULL, 0), 2);
	check_ok();
	kill_pid(pid);
}

static int order[8], norder;

static void *commander(void *arg)
{
	mm_cmd_begin(m, 0);
	order[norder++] = (int)(intptr_t)arg;
	mm_cmd_end(m);
	return NULL;
}

/* Commands wait for their turn in the order they asked for it. */
Test(sched, commands_run_in_turn_order)
{
	pthread_t t[4];

	mm_cmd_begin(m, 0);
	for (intptr_t i = 0; i < 4; i++) {
		uint64_t want = m->turn_serving + 2 + (uint64_t)i;

		cr_assert(pthread_create(&t[i], NULL, commander, (void *)i) == 0);
		while (__atomic_load_n(&m->turn_next, __ATOMIC_ACQUIRE) < want)
			sched_yield();
	}
	cr_assert_eq(norder, 0, "nobody runs while the turn is held");
	mm_cmd_end(m);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	cr_assert_eq(norder, 4);
	for (int i = 0; i < 4; i++)
		cr_assert_eq(order[i], i);
}
