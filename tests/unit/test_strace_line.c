/* SPDX-License-Identifier: MIT */
/*
 * test_strace_line.c - strace's line frame: prefixes, stamps, events and
 * split calls, on lines copied from strace 6.x runs on the reference host.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "../../fs/strace_line.h"

static struct strace_line split_ok(const char *line)
{
	struct strace_line l;
	char why[128] = "";
	int rc = strace_line_split(line, strlen(line), &l, why, sizeof(why));

	cr_assert_eq(rc, 0, "'%s': %s", line, why);
	return l;
}

static void expect_text(const struct strace_line *l, const char *want)
{
	cr_expect_eq(l->text_len, strlen(want), "text '%.*s', want '%s'", (int)l->text_len,
		     l->text, want);
	cr_expect(!memcmp(l->text, want, l->text_len), "text '%.*s', want '%s'",
		  (int)l->text_len, l->text, want);
}

Test(strace_line, calls_with_every_prefix_and_stamp)
{
	static const struct {
		const char *line;
		int pid;
		const char *text;
		int64_t result;
	} ok[] = {
		{ "brk(NULL)                               = 0x55d9b6ccb000", 0,
		  "brk(NULL)                               = 0x55d9b6ccb000", 0x55d9b6ccb000 },
		{ "11940 05:08:36.371294 brk(NULL)         = 0x55d9b6ccb000", 11940,
		  "brk(NULL)         = 0x55d9b6ccb000", 0x55d9b6ccb000 },
		{ "[pid 13234] munmap(0x7f0bbb575000, 8392704) = 0", 13234,
		  "munmap(0x7f0bbb575000, 8392704) = 0", 0 },
		{ "[pid  77] 05:08:36 close(3) = 0", 77, "close(3) = 0", 0 },
		{ "     0.000757 brk(NULL)                 = 0x55a13c570000 <0.000005>", 0,
		  "brk(NULL)                 = 0x55a13c570000", 0x55a13c570000 },
		{ "1796274517.637101 close(3)  = 0", 0, "close(3)  = 0", 0 },
		{ "11940 05:08:36.372632 openat(AT_FDCWD</tmp>, \"/etc/ld.so.cache\", O_RDONLY|O_CLOEXEC) = 3</etc/ld.so.cache>",
		  11940, "openat(AT_FDCWD</tmp>, \"/etc/ld.so.cache\", O_RDONLY|O_CLOEXEC) = 3</etc/ld.so.cache>", 3 },
		{ "13230 clone3({flags=CLONE_VM|CLONE_THREAD, stack=0x7f0bbb575000, stack_size=0x7fff80} => {parent_tid=[13234]}, 88) = 13234",
		  13230, "clone3({flags=CLONE_VM|CLONE_THREAD, stack=0x7f0bbb575000, stack_size=0x7fff80} => {parent_tid=[13234]}, 88) = 13234", 13234 },
		{ "write(1, \"a) = (b\", 7) = 7", 0, "write(1, \"a) = (b\", 7) = 7", 7 },
		{ "execve(\"/bin/true\", [\"/bin/true\"], 0x7ffd343839b0 /* 37 vars */) = 0 <0.000595>",
		  0, "execve(\"/bin/true\", [\"/bin/true\"], 0x7ffd343839b0 /* 37 vars */) = 0", 0 },
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct strace_line l = split_ok(ok[i].line);

		cr_expect_eq(l.kind, SL_CALL, "%s", ok[i].line);
		cr_expect_eq(l.pid, ok[i].pid, "%s: pid %d", ok[i].line, l.pid);
		expect_text(&l, ok[i].text);
		cr_expect(l.has_result, "%s", ok[i].line);
		cr_expect_eq(l.result, ok[i].result, "%s: result %lld", ok[i].line,
			     (long long)l.result);
		cr_expect_str_eq(l.err, "");
	}
}

Test(strace_line, errors_and_unknown_results)
{
	struct strace_line l = split_ok("open(\"/x\", O_RDONLY) = -1 ENOENT (No such file or directory)");

	cr_expect(l.has_result);
	cr_expect_eq(l.result, -1);
	cr_expect_str_eq(l.err, "ENOENT");
	l = split_ok("13234 exit(0)                           = ?");
	cr_expect_eq(l.kind, SL_CALL);
	cr_expect_str_eq(l.name, "exit");
	cr_expect(!l.has_result);
	l = split_ok("mmap(NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)");
	cr_expect(!l.has_result);
}

Test(strace_line, events)
{
	struct strace_line l = split_ok("13234 +++ exited with 3 +++");

	cr_expect_eq(l.kind, SL_EXITED);
	cr_expect_eq(l.pid, 13234);
	cr_expect_eq(l.status, 3);
	l = split_ok("1796274517.637186 +++ killed by SIGSEGV (core dumped) +++");
	cr_expect_eq(l.kind, SL_KILLED);
	cr_expect_eq(l.status, 11);
	l = split_ok("11940 05:08:36.502340 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=11941} ---");
	cr_expect_eq(l.kind, SL_SIGNAL);
	cr_expect_eq(l.status, 17);
	l = split_ok("[pid 5] +++ superseded by execve in pid 7 +++");
	cr_expect_eq(l.kind, SL_SUPERSEDED);
	cr_expect_eq(l.status, 7);
}

Test(strace_line, split_calls_join_per_pid)
{
	static const char *const lines[] = {
		"11940 05:08:36.493278 close(4<pipe:[3274032]> <unfinished ...>",
		"11941 05:08:36.493340 close(255</root/x> <unfinished ...>",
		"11940 05:08:36.493368 <... close resumed>) = 0",
		"11941 05:08:36.493376 <... close resumed>) = 0",
		"13230 clone(child_stack=NULL, flags=CLONE_CHILD_SETTID|SIGCHLD <unfinished ...>",
		"13230 <... clone resumed>, child_tidptr=0x7fee46f4ba10) = 11956",
	};
	static const char *const want[] = {
		NULL, NULL, "close(4<pipe:[3274032]>) = 0", "close(255</root/x>) = 0", NULL,
		"clone(child_stack=NULL, flags=CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7fee46f4ba10) = 11956",
	};
	static struct strace_join j;
	char out[4096], why[128];

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		struct strace_line l = split_ok(lines[i]);
		int rc = strace_join(&j, &l, out, sizeof(out), why, sizeof(why));

		cr_expect_eq(l.kind, want[i] ? SL_RESUMED : SL_UNFINISHED, "%s", lines[i]);
		cr_assert_eq(rc, want[i] ? 1 : 0, "%s: rc %d %s", lines[i], rc, why);
		if (want[i])
			cr_expect_str_eq(out, want[i]);
	}
	cr_expect_eq(j.used, 0);
}

Test(strace_line, bad_frames_are_refused)
{
	static const char *const bad[] = {
		"", "hello", "+++ exited with 0", "--- SIGCHLD {}", "+++ launched +++",
		"<... close>) = 0", "mmap(NULL, 4096", "brk(NULL) = zz", "brk(NULL) junk",
		"[pid 12 brk(NULL) = 0",
	};
	static struct strace_join j;
	struct strace_line l;
	char why[128], out[64];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		cr_expect_eq(strace_line_split(bad[i], strlen(bad[i]), &l, why, sizeof(why)), -EINVAL,
			     "'%s' accepted", bad[i]);
		cr_expect_neq(why[0], '\0', "'%s': no reason", bad[i]);
	}
	/* a resumed call that never started, and a pid starting two */
	l = split_ok("5 <... mmap resumed>) = 0x1000");
	cr_expect_eq(strace_join(&j, &l, out, sizeof(out), why, sizeof(why)), -EINVAL);
	l = split_ok("5 mmap(NULL <unfinished ...>");
	cr_expect_eq(strace_join(&j, &l, out, sizeof(out), why, sizeof(why)), 0);
	cr_expect_eq(strace_join(&j, &l, out, sizeof(out), why, sizeof(why)), -EINVAL);
}
