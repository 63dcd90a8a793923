// SPDX-License-Identifier: MIT
/*
 * test_ctl.c - the command dispatcher (fs/ctl.c) and the control-file
 * stream (fs/ctlfile.c) against a booted model: exact reply lines, exact
 * errnos, kmsg lines, and the stream rules of interface.md.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../mm/mm.h"
#include "../../fs/ctl.h"
#include "../../fs/ctlfile.h"

static struct machine *m;
static struct rbuf reply;

static void boot(void)
{
	struct mm_config cfg = { .ram_bytes = 1ULL << 30, .nr_nodes = 1, .swap_bytes = 256ULL << 20 };
	char why[128] = "";

	m = mm_boot(&cfg, why, sizeof(why));
	cr_assert_not_null(m, "mm_boot: %s", why);
	rbuf_init(&reply);
}

static void shutdown(void)
{
	rbuf_free(&reply);
	mm_shutdown(m);
}

static int run(int pid, const char *line)
{
	rbuf_reset(&reply);
	return ctl_run(m, pid, line, strlen(line), &reply);
}

static const char *text(void)
{
	rbuf_put(&reply, "", 1);	/* NUL-terminate for comparisons */
	reply.len--;
	return reply.buf;
}

static int kmsg_has(const char *needle)
{
	size_t len;
	char *log = mm_kmsg_text(m, &len);
	int found = strstr(log, needle) != NULL;

	free(log);
	return found;
}

TestSuite(ctl, .init = boot, .fini = shutdown);

Test(ctl, spawn_replies_the_pid_and_bumps_its_generation)
{
	cr_assert_eq(run(0, "spawn"), 0);
	cr_assert_str_eq(text(), "2\n");
	cr_assert_gt(ctl_pid_generation(2), 0);
	cr_assert_eq(run(0, "spawn"), 0);
	cr_assert_str_eq(text(), "3\n");
	cr_assert_gt(ctl_pid_generation(3), ctl_pid_generation(2));
	cr_assert_eq(ctl_pid_generation(1), 0, "pid 1 was not born through ctl");
}

Test(ctl, unknown_command_fails_with_einval_and_logs)
{
	cr_assert_eq(run(0, "frob"), -EINVAL);
	cr_assert(!strncmp(text(), "error EINVAL: ", 14), "got %s", text());
	cr_assert_eq(text()[reply.len - 1], '\n');
	cr_assert(kmsg_has("mmfs ctl: frob: error EINVAL: "));
}

Test(ctl, kill_of_a_missing_pid_is_esrch)
{
	cr_assert_eq(run(0, "kill 999"), -ESRCH);
	cr_assert(!strncmp(text(), "error ESRCH: ", 13), "got %s", text());
	cr_assert(kmsg_has("mmfs ctl: kill 999: error ESRCH: "));
}

Test(ctl, kill_replies_zero)
{
	cr_assert_eq(run(0, "spawn"), 0);
	cr_assert_eq(run(0, "kill 2"), 0);
	cr_assert_str_eq(text(), "0\n");
}

Test(ctl, blank_and_comment_lines_reply_nothing)
{
	cr_assert_eq(run(0, ""), PARSE_EMPTY);
	cr_assert_eq(reply.len, 0);
	cr_assert_eq(run(0, "# a comment"), PARSE_EMPTY);
	cr_assert_eq(reply.len, 0);
}

Test(ctl, check_replies_ok)
{
	cr_assert_eq(run(0, "check"), 0);
	cr_assert_str_eq(text(), "ok\n");
}

Test(ctl, global_verb_on_a_process_ctl_is_einval_logged_with_pid)
{
	cr_assert_eq(run(1, "spawn"), -EINVAL);
	cr_assert(!strncmp(text(), "error EINVAL: ", 14), "got %s", text());
	cr_assert(kmsg_has("mmfs ctl[1]: spawn: error EINVAL: "));
}

Test(ctl, kmsg_escapes_non_printables)
{
	cr_assert_eq(run(0, "fr\001ob\\"), -EINVAL);
	cr_assert(kmsg_has("mmfs ctl: fr\\x01ob\\x5c: error EINVAL: "));
}

/* ---- the stream ---- */

static struct ctlfile *cf;

static void stream_init(void)
{
	boot();
	cf = ctlfile_new(m, 0);
	cr_assert_not_null(cf);
}

static void stream_fini(void)
{
	ctlfile_free(cf);
	shutdown();
}

static const char *drain(void)
{
	static char buf[1 << 17];
	size_t n = ctlfile_read(cf, buf, sizeof(buf) - 1);

	buf[n] = '\0';
	return buf;
}

TestSuite(ctlfile, .init = stream_init, .fini = stream_fini);

Test(ctlfile, a_line_split_across_writes_runs_once_whole)
{
	cr_assert_eq(ctlfile_write(cf, "spa", 3), 3);
	cr_assert_str_eq(drain(), "");
	cr_assert_eq(ctlfile_write(cf, "wn\nspawn", 8), 8);
	cr_assert_str_eq(drain(), "2\n");
	cr_assert_eq(ctlfile_flush(cf), 0, "flush runs the unterminated line");
	cr_assert_str_eq(drain(), "3\n");
	cr_assert_eq(ctlfile_flush(cf), 0, "nothing pending: no-op");
	cr_assert_str_eq(drain(), "");
}

Test(ctlfile, write_returns_the_first_failure_but_runs_every_line)
{
	const char *cmds = "spawn\nkill 999\nfrob\n\nspawn\n";

	cr_assert_eq(ctlfile_write(cf, cmds, strlen(cmds)), -ESRCH);
	const char *r = drain();

	cr_assert(!strncmp(r, "2\nerror ESRCH: ", 15), "got %s", r);
	cr_assert(strstr(r, "\nerror EINVAL: "), "got %s", r);
	cr_assert(strlen(r) > 2 && !strcmp(r + strlen(r) - 2, "3\n"), "got %s", r);
}

Test(ctlfile, flush_returns_the_last_lines_error)
{
	cr_assert_eq(ctlfile_write(cf, "frob", 4), 4);
	cr_assert_eq(ctlfile_flush(cf), -EINVAL);
	cr_assert(!strncmp(drain(), "error EINVAL: ", 14));
}

Test(ctlfile, reads_consume_one_byte_at_a_time)
{
	char c;

	cr_assert_eq(ctlfile_write(cf, "spawn\n", 6), 6);
	cr_assert_eq(ctlfile_read(cf, &c, 1), 1);
	cr_assert_eq(c, '2');
	cr_assert_eq(ctlfile_read(cf, &c, 1), 1);
	cr_assert_eq(c, '\n');
	cr_assert_eq(ctlfile_read(cf, &c, 1), 0, "nothing pending is EOF");
}

Test(ctlfile, an_overlong_line_is_refused_and_the_next_runs)
{
	size_t n = CTLFILE_LINE_MAX + 10;
	char *big = malloc(n);

	memset(big, 'x', n);
	cr_assert_eq(ctlfile_write(cf, big, n), -EINVAL);
	cr_assert_eq(ctlfile_write(cf, big, n), n, "the rest of that line is skipped silently");
	cr_assert_eq(ctlfile_write(cf, "\nspawn\n", 7), 7);
	free(big);
	cr_assert_str_eq(drain(), "error EINVAL: line longer than 65536 bytes\n2\n");
}
