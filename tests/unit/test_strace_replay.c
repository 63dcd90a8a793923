// SPDX-License-Identifier: MIT
/*
 * test_strace_replay.c - strace lines written to a process's ctl become
 * simulated processes (fs/strace_replay.c, mm/trace_map.c): pid binding,
 * children from clone lines (also when the child's first line comes
 * before its parent's clone resumes), address translation when the model
 * places memory elsewhere than the trace, failed and skipped calls, and
 * exits. Exact replies; the invariant checker after every line.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../mm/mm.h"
#include "../../mm/snapshot.h"
#include "../../fs/ctl.h"

static struct machine *m;
static struct replyq reply;
static char *last;

static void boot(void)
{
	struct mm_config cfg = { .ram_bytes = 256ULL << 20, .nr_nodes = 1 };
	char why[128] = "";

	m = mm_boot(&cfg, why, sizeof(why));
	cr_assert_not_null(m, "mm_boot: %s", why);
	rq_init(&reply);
}

static void shutdown(void)
{
	free(last);
	last = NULL;
	rq_free(&reply);
	mm_shutdown(m);
}

TestSuite(replay, .init = boot, .fini = shutdown);

/* Run one line, then the checker; returns the reply without its newline. */
static const char *run(int pid, const char *line)
{
	size_t len;
	int nbad;
	char *report;

	ctl_run(m, pid, line, strlen(line), &reply);
	free(last);
	last = rq_take(&reply, &len);
	cr_assert(len && last[len - 1] == '\n', "%s: no reply line", line);
	last[len - 1] = '\0';
	cr_assert_null(strchr(last, '\n'), "%s: more than one reply line", line);
	report = mm_check(m, &nbad);
	cr_assert_eq(nbad, 0, "after '%s': %s", line, report);
	free(report);
	return last;
}

/* The flags of pid's VMA at addr (MM_VM_*), or -1 when nothing is mapped there. */
static long long vma_at(int pid, uint64_t addr)
{
	struct mm_task_snap *s = mm_snap_task(m, pid, 1);
	long long flags = -1;

	cr_assert_not_null(s, "pid %d", pid);
	for (size_t i = 0; i < s->nr_vmas; i++)
		if (s->vmas[i].start <= addr && addr < s->vmas[i].end)
			flags = (long long)s->vmas[i].flags;
	free(s);
	return flags;
}

#define RW (MM_VM_READ | MM_VM_WRITE)
#define PROT_OF(f) ((f) < 0 ? -1LL : (long long)((f) & RW))

static int alive(int pid)
{
	struct mm_task_snap *s = mm_snap_task(m, pid, 0);

	free(s);
	return s != NULL;
}

Test(replay, the_first_pid_binds_and_moved_addresses_are_translated)
{
	uint64_t got;
	char want[80];

	cr_assert_str_eq(run(0, "spawn"), "2");
	/* the model's spawn layout will not put this where the trace's ASLR did */
	run(2, "4242 05:08:36.372301 mmap(NULL, 8192, PROT_READ|PROT_WRITE, "
	       "MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f37948c2000");
	cr_assert_eq(sscanf(last, "0x%lx", &got), 1, "reply '%s'", last);
	cr_assert_neq(got, 0x7f37948c2000ULL);
	snprintf(want, sizeof(want), "0x%lx (trace 0x7f37948c2000)", got);
	cr_expect_str_eq(last, want);
	cr_assert_eq(PROT_OF(vma_at(2, got + 4096)), RW);
	/* later calls name the trace's address: they reach the model's mapping */
	cr_expect_str_eq(run(2, "4242 mprotect(0x7f37948c3000, 4096, PROT_NONE) = 0"), "0");
	cr_expect_eq(PROT_OF(vma_at(2, got + 4096)), 0);
	cr_expect_eq(PROT_OF(vma_at(2, got)), RW);
	cr_expect_str_eq(run(2, "4242 munmap(0x7f37948c2000, 8192) = 0"), "0");
	cr_expect_eq(vma_at(2, got), -1);
	cr_expect_eq(vma_at(2, got + 4096), -1);
	/* a pid the trace never made is refused */
	cr_expect(!strncmp(run(2, "777 munmap(0x1000, 4096) = 0"), "error ESRCH: ", 13),
		  "got '%s'", last);
}

Test(replay, skipped_failed_signals_and_exit)
{
	cr_assert_str_eq(run(0, "spawn"), "2");
	cr_expect_str_eq(run(2, "read(3, \"\\177ELF\", 832) = 832"), "skipped read");
	/* a call that failed in the trace runs: the model fails alike, or says it did not */
	cr_expect_str_eq(run(2, "munmap(0x1001, 4096) = -1 EINVAL (Invalid argument)"),
			 "failed EINVAL");
	cr_expect_str_eq(run(2, "mprotect(0x500000000000, 4096, PROT_READ) = -1 EACCES "
			    "(Permission denied)"),
			 "error ENOMEM: range is not mapped; (the trace says EACCES)");
	cr_expect_str_eq(run(2, "mmap(0x500000000000, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS|"
			    "MAP_FIXED, -1, 0) = -1 ENOMEM (Cannot allocate memory)"),
			 "0x500000000000 (the trace says ENOMEM)");
	cr_expect_str_eq(run(2, "--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED} ---"),
			 "signal 17");
	cr_expect_str_eq(run(2, "exit_group(3) = ?"), "0");
	cr_expect(!alive(2));
	cr_expect_str_eq(run(2, "+++ exited with 3 +++"), "exited 3");
}

Test(replay, clone_lines_make_children_that_get_their_own_lines)
{
	cr_assert_str_eq(run(0, "spawn"), "2");
	cr_expect_str_eq(run(2, "100 brk(NULL) = 0x560000000000"),
			 "0x555555559000 (trace 0x560000000000)");
	/* the heap moves with its start */
	cr_expect_str_eq(run(2, "100 brk(0x560000021000) = 0x560000021000"), "0x55555557a000");
	cr_expect_eq(PROT_OF(vma_at(2, 0x555555579000ULL)), RW);
	cr_expect_str_eq(run(2, "100 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|"
			    "CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f0000000a10) = 101"), "3");
	cr_expect(alive(3));
	cr_expect_str_eq(run(2, "101 mmap(0x500000000000, 4096, PROT_READ, MAP_PRIVATE|"
			    "MAP_ANONYMOUS|MAP_FIXED, -1, 0) = 0x500000000000"), "0x500000000000");
	cr_expect_eq(PROT_OF(vma_at(3, 0x500000000000ULL)), MM_VM_READ, "the child got it");
	cr_expect_eq(vma_at(2, 0x500000000000ULL), -1, "not the parent");
	cr_expect_str_eq(run(2, "101 exit_group(0) = ?"), "0");
	cr_expect_str_eq(run(2, "101 +++ exited with 0 +++"), "exited 0");
	cr_expect(!alive(3));
	cr_expect(alive(2));

	/* strace shows the new child's first line before the clone resumes */
	cr_expect_str_eq(run(2, "100 clone(child_stack=NULL, flags=SIGCHLD <unfinished ...>"),
			 "unfinished clone");
	cr_expect_str_eq(run(2, "102 munmap(0x500000000000, 4096) = 0"), "0");
	cr_expect(alive(4));
	cr_expect_str_eq(run(2, "100 <... clone resumed>) = 102"),
			 "skipped clone (its child came first)");
	/* a killed process ends, its events after that are still answered */
	cr_expect_str_eq(run(2, "102 +++ killed by SIGSEGV (core dumped) +++"), "killed 11");
	cr_expect(!alive(4));
	cr_expect_str_eq(run(2, "102 +++ exited with 0 +++"), "exited 0");
}

Test(replay, split_memory_calls_run_when_they_resume)
{
	cr_assert_str_eq(run(0, "spawn"), "2");
	cr_expect_str_eq(run(2, "[pid 100] mmap(0x500000000000, 8192, PROT_READ|PROT_WRITE, "
			    "MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED, -1, 0 <unfinished ...>"),
			 "unfinished mmap");
	cr_expect_eq(vma_at(2, 0x500000000000ULL), -1);
	cr_expect_str_eq(run(2, "[pid 100] <... mmap resumed>) = 0x500000000000"),
			 "0x500000000000");
	cr_expect_eq(PROT_OF(vma_at(2, 0x500000001000ULL)), RW);
	cr_expect(!strncmp(run(2, "[pid 100] <... munmap resumed>) = 0"), "error EINVAL: ", 14),
		  "got '%s'", last);
}
