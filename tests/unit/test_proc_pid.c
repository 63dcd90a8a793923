/* SPDX-License-Identifier: MIT */
/*
 * test_proc_pid.c - what the model tells proc/PID about a process beyond
 * its memory: its program (exe_file) through exec, fork, rename and
 * unlink; its environment and resource limits; its I/O accounting; its
 * open files; and kernel.pid_max. mm_check runs after every call.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "leakcheck.h"
#include "../../mm/internal.h"
#include "../../mm/mm.h"
#include "../../mm/task.h"

static struct machine *m;
static char dir[] = "/tmp/mmfs-pp.XXXXXX";

#include "mmtest.h"
#include "backingtest.h"

static void setup(void)
{
	backing_mkdir(dir, "/tmp/mmfs-pp.XXXXXX");
	backing_put(dir, "data", 64 << 10);
	backing_boot(dir, 1ULL << 30, 2);
}

static void teardown(void)
{
	backing_shutdown(dir);
}

TestSuite(proc_pid, .init = setup, .fini = teardown);

static struct mm_task_snap *snap(int pid)
{
	struct mm_task_snap *t = mm_snap_task(m, pid, 0);

	cr_assert_not_null(t, "pid %d", pid);
	return t;
}

static int spawn(const char *name)
{
	char why[128] = "";
	int pid = 0;

	cr_assert_eq(mm_spawn(m, name, &pid, why, sizeof(why)), 0, "%s", why);
	check_ok();
	return pid;
}

/* rename (to NULL: unlink) a file of backing=DIR, behind the model's back */
static void host_rename(const char *from, const char *to)
{
	char a[300], b[300];

	snprintf(a, sizeof(a), "%s/%s", dir, from);
	snprintf(b, sizeof(b), "%s/%s", dir, to ? to : "");
	cr_assert_eq(to ? rename(a, b) : unlink(a), 0, "%s", a);
}

static void expect_exe(int pid, const char *path)
{
	struct mm_task_snap *t = snap(pid);

	cr_assert_str_eq(t->exe, path);
	free(t);
}

Test(proc_pid, exe_follows_exec_fork_rename_and_unlink)
{
	int a, b;

	expect_exe(1, "/sbin/init");
	a = spawn("prog");
	expect_exe(a, "/usr/bin/prog");
	b = fork_of(a);
	expect_exe(b, "/usr/bin/prog");
	call(b, (struct mm_call){ .verb = MMV_EXEC, .path = "other" });
	expect_exe(b, "/usr/bin/other");
	/* the program stays the exe when its text is unmapped */
	call(a, (struct mm_call){ .verb = MMV_MUNMAP, .addr = 0x555555554000ULL, .len = 5 << 12 });
	expect_exe(a, "/usr/bin/prog");
	/* the host renames and unlinks first, then tells the model (as files/ does) */
	host_rename("usr/bin/prog", "usr/bin/prog2");
	cr_assert_eq(mm_file_rename(m, "/usr/bin/prog", "/usr/bin/prog2"), 0);
	expect_exe(a, "/usr/bin/prog2");
	host_rename("usr/bin/prog2", NULL);
	cr_assert_eq(mm_file_rename(m, "/usr/bin/prog2", NULL), 0);
	expect_exe(a, "/usr/bin/prog2 (deleted)");
	check_ok();
}

Test(proc_pid, environ_and_machine_facts)
{
	struct mm_task_snap *t = snap(1);

	cr_assert_eq(t->environ_len, 18);
	cr_assert(!memcmp(t->environ, "HOME=/\0TERM=linux\0", 18));
	cr_assert_eq(t->nr_nodes, 2);
	cr_assert_eq(t->nr_cpus, 2, "cpus= default: 2, one per node beyond");
	free(t);
}

/*
 * 1 GiB: MemTotal 1006596 kB = 251649 pages; max_threads = pages / 32 =
 * 7864; RLIMIT_NPROC and RLIMIT_SIGPENDING are half of it.
 */
Test(proc_pid, limits_are_inits)
{
	struct mm_global_snap *g = mm_snap_global(m);
	struct mm_task_snap *t = snap(spawn("x"));

	cr_assert_eq(g->meminfo[MI_MEMTOTAL], 1006596);
	cr_assert_eq(t->rlim[MM_RLIMIT_NPROC].cur, 3932);
	cr_assert_eq(t->rlim[MM_RLIMIT_NPROC].max, 3932);
	cr_assert_eq(t->rlim[MM_RLIMIT_SIGPENDING].cur, 3932);
	cr_assert_eq(t->rlim[MM_RLIMIT_NOFILE].cur, 1024);
	cr_assert_eq(t->rlim[MM_RLIMIT_NOFILE].max, 4096);
	cr_assert_eq(t->rlim[MM_RLIMIT_STACK].cur, 8 << 20);
	cr_assert_eq(t->rlim[MM_RLIMIT_STACK].max, MM_RLIM_INFINITY);
	cr_assert_eq(t->rlim[MM_RLIMIT_CORE].cur, 0);
	cr_assert_eq(t->rlim[MM_RLIMIT_AS].cur, MM_RLIM_INFINITY);
	cr_assert_eq(t->rlim[MM_RLIMIT_MEMLOCK].max, 8 << 20);
	cr_assert_eq(t->rlim[MM_RLIMIT_MSGQUEUE].cur, 819200);
	cr_assert_eq(t->rlim[MM_RLIMIT_NICE].cur, 0);
	free(t);
	free(g);
}

static struct mm_task_io io_of(int pid)
{
	struct mm_task_snap *t = snap(pid);
	struct mm_task_io io = t->io;

	free(t);
	return io;
}

static int64_t vm_event(int item)
{
	struct mm_global_snap *g = mm_snap_global(m);
	int64_t v = g->vm_events[item];

	free(g);
	return v;
}

/*
 * read_bytes is what the process's faults read from the disk (pgpgin, in
 * bytes), write_bytes the file pages it dirtied; a fork starts from zero;
 * a read through files/ (a host process's) counts for nobody.
 */
Test(proc_pid, io_accounting_is_the_faulting_processs)
{
	int pid = spawn("io"), child;
	int64_t in0 = vm_event(PGPGIN);
	char buf[4096];
	uint64_t a;

	cr_assert_eq(mm_file_read(m, "/data", 60 << 10, buf, sizeof(buf)), (long)sizeof(buf));
	cr_assert_eq(io_of(1).read_bytes, 0);
	cr_assert_eq(io_of(pid).read_bytes, 0);
	in0 = vm_event(PGPGIN);
	a = call(pid, (struct mm_call){ .verb = MMV_MMAP, .len = 32 << 10, .fd = -1,
		.prot = MM_PROT_READ | MM_PROT_WRITE, .flags = MM_MAP_SHARED, .path = "/data" });
	touch(pid, a, 4096, 0);
	cr_assert_gt(vm_event(PGPGIN), in0);
	cr_assert_eq(io_of(pid).read_bytes, (uint64_t)(vm_event(PGPGIN) - in0) * 1024);
	touch(pid, a, 8192, 1);
	cr_assert_eq(io_of(pid).write_bytes, 8192);
	touch(pid, a, 8192, 1);		/* already dirty: nothing more */
	cr_assert_eq(io_of(pid).write_bytes, 8192);
	child = fork_of(pid);
	cr_assert_eq(io_of(child).read_bytes, 0);
	cr_assert_eq(io_of(child).write_bytes, 0);
	cr_assert_eq(io_of(pid).rchar + io_of(pid).syscr + io_of(pid).cancelled_write_bytes, 0);
	/* the child's own I/O goes to its parent when it is reaped (at its exit) */
	touch(child, a + 8192, 4096, 1);
	cr_assert_eq(io_of(child).write_bytes, 4096);
	call(child, (struct mm_call){ .verb = MMV_EXIT, .fd = -1 });
	cr_assert_eq(io_of(pid).write_bytes, 8192 + 4096);
}

static int open_file(int pid, const char *path, int flags)
{
	struct mm_call c = { .verb = MMV_OPEN, .fd = -1, .flags = (uint64_t)flags };

	snprintf(c.path, sizeof(c.path), "%s", path);
	return (int)call(pid, c);
}

Test(proc_pid, open_files_in_fd_order)
{
	int pid = spawn("fds"), n, child;
	struct mm_fd_snap *fds, f;
	char why[64];
	uint64_t ret;

	cr_assert_eq(mm_snap_files(m, pid, &fds), 0);
	cr_assert_null(fds);
	cr_assert_eq(open_file(pid, "/data", MM_O_RDWR), 3);
	cr_assert_eq(open_file(pid, "/new", MM_O_WRONLY | MM_O_CREAT), 4);
	n = mm_snap_files(m, pid, &fds);
	cr_assert_eq(n, 2);
	cr_assert_eq(fds[0].fd, 3);
	cr_assert_str_eq(fds[0].path, "/data");
	cr_assert_eq(fds[0].flags, MM_O_RDWR);
	cr_assert_eq(fds[1].fd, 4);
	cr_assert_str_eq(fds[1].path, "/new");
	cr_assert_eq(fds[1].flags, MM_O_WRONLY | MM_O_CREAT);
	free(fds);
	child = fork_of(pid);
	cr_assert_eq(mm_snap_file(m, child, 4, &f), 0);
	cr_assert_str_eq(f.path, "/new");
	cr_assert_eq(mm_snap_file(m, pid, 5, &f), -ENOENT);
	cr_assert_eq(mm_snap_file(m, 9999, 3, &f), -ESRCH);
	cr_assert_eq(mm_snap_files(m, 9999, &fds), -ESRCH);
	host_rename("new", NULL);
	cr_assert_eq(mm_file_rename(m, "/new", NULL), 0);
	cr_assert_eq(mm_snap_file(m, pid, 4, &f), 0);
	cr_assert_str_eq(f.path, "/new (deleted)");
	cr_assert_eq(mm_syscall(m, pid, &(struct mm_call){ .verb = MMV_CLOSE, .fd = 3 }, &ret,
				why, sizeof(why)), 0);
	cr_assert_eq(mm_snap_file(m, pid, 3, &f), -ENOENT);
	check_ok();
}

/*
 * fds 0-2 are the terminal's: closing one succeeds once, as a program's
 * close(1) at exit does on the host, and frees it for the next open
 * (the lowest free fd); a second close is EBADF. A fork copies that.
 */
Test(proc_pid, the_terminals_fds)
{
	int pid = spawn("std"), child;
	char why[64];
	uint64_t ret;
	struct mm_call close1 = { .verb = MMV_CLOSE, .fd = 1 };

	struct mm_call map2 = { .verb = MMV_MMAP, .len = 4096, .prot = MM_PROT_READ,
				.flags = MM_MAP_PRIVATE, .fd = 2 };

	/* the terminal cannot be mapped: ENODEV where do_mmap finds no ->mmap */
	cr_assert_eq(mm_syscall(m, pid, &map2, &ret, why, sizeof(why)), -ENODEV);
	map2.flags = 0x4;	/* no valid type: EINVAL comes first */
	cr_assert_eq(mm_syscall(m, pid, &map2, &ret, why, sizeof(why)), -EINVAL);
	cr_assert_eq(mm_syscall(m, pid, &close1, &ret, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(mm_syscall(m, pid, &close1, &ret, why, sizeof(why)), -EBADF);
	cr_assert_str_eq(why, "fd 1 is not open");
	child = fork_of(pid);
	cr_assert_eq(open_file(pid, "/data", MM_O_RDONLY), 1);
	cr_assert_eq(open_file(pid, "/data", MM_O_RDONLY), 3);
	cr_assert_eq(mm_syscall(m, child, &close1, &ret, why, sizeof(why)), -EBADF);
	cr_assert_eq(open_file(child, "/data", MM_O_RDONLY), 1);
	check_ok();
}

static void set_pid_max(const char *v, int want)
{
	cr_assert_eq(mm_tunable_write(m, "pid_max", v, strlen(v)), want, "pid_max %s", v);
}

/* kernel.pid_max: 301..4194304, where alloc_pid wraps to RESERVED_PIDS. */
Test(proc_pid, pid_max_is_where_pids_wrap)
{
	char buf[32] = "";

	cr_assert_eq(mm_tunable_read(m, "pid_max", buf, sizeof(buf)), 8);
	cr_assert_str_eq(buf, "4194304\n");
	set_pid_max("300", -EINVAL);
	set_pid_max("4194305", -EINVAL);
	set_pid_max("1000\n", 0);
	cr_assert_eq(mm_tunable_read(m, "pid_max", buf, sizeof(buf)), 5);
	cr_assert_str_eq(buf, "1000\n");
	machine_lock(m);
	m->last_pid = 998;
	machine_unlock(m);
	cr_assert_eq(spawn("a"), 999);
	cr_assert_eq(spawn("b"), RESERVED_PIDS);
	set_pid_max("302", 0);
	cr_assert_eq(spawn("c"), RESERVED_PIDS + 1);
	{
		char why[128] = "";
		int pid = 0;

		/* 300 and 301 are taken, and nothing is below pid_max after them */
		cr_assert_eq(mm_spawn(m, "d", &pid, why, sizeof(why)), -EAGAIN);
	}
	check_ok();
}
