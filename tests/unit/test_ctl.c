// SPDX-License-Identifier: MIT
/*
 * test_ctl.c - the command dispatcher (fs/ctl.c) and the control-file
 * stream (fs/ctlfile.c) against a booted model: exact reply lines, exact
 * errnos, kmsg lines, and the stream rules of interface.md.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../mm/mm.h"
#include "../../fs/ctl.h"
#include "../../fs/ctlfile.h"

static struct machine *m;
static struct replyq reply;

static void boot(void)
{
	struct mm_config cfg = { .ram_bytes = 1ULL << 30, .nr_nodes = 1, .swap_bytes = 256ULL << 20 };
	char why[128] = "";

	m = mm_boot(&cfg, why, sizeof(why));
	cr_assert_not_null(m, "mm_boot: %s", why);
	rq_init(&reply);
}

static void shutdown(void)
{
	rq_free(&reply);
	mm_shutdown(m);
}

static char *last;	/* the replies of the last run(), as text */
static size_t last_len;

static int run(int pid, const char *line)
{
	int err = ctl_run(m, pid, line, strlen(line), &reply);

	free(last);
	last = rq_take(&reply, &last_len);
	return err;
}

static const char *text(void)
{
	return last;
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
	cr_assert_eq(text()[last_len - 1], '\n');
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
	cr_assert_eq(last_len, 0);
	cr_assert_eq(run(0, "# a comment"), PARSE_EMPTY);
	cr_assert_eq(last_len, 0);
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

/* move_pages answers its return value and status array as strace prints them */
Test(ctl, migration_and_affinity_replies)
{
	char line[160];
	unsigned long long a;

	cr_assert_eq(run(1, "mmap 0 16K rw- private,anon"), 0);
	a = strtoull(text(), NULL, 16);
	snprintf(line, sizeof(line), "touch %#llx 8K w", a);
	cr_assert_eq(run(1, line), 0);
	snprintf(line, sizeof(line), "move_pages 0 %#llx,%#llx,%#llx,0x1000", a, a + 4096, a + 8192);
	cr_assert_eq(run(1, line), 0);
	cr_assert_str_eq(text(), "0 [0, 0, -ENOENT, -EFAULT]\n");
	snprintf(line, sizeof(line), "move_pages(0, 2, [%#llx, %#llx], [0, 0], 0x7ff, 0) = 0", a, a + 4096);
	cr_assert_eq(run(1, line), 0);
	cr_assert_str_eq(text(), "0 [0, 0]\n");
	snprintf(line, sizeof(line), "move_pages(0, 3, [%#llx, %#llx], NULL, 0x7ff, 0) = 0", a, a + 4096);
	cr_assert_eq(run(1, line), -EINVAL);
	/* a trace line whose call succeeded there: the reply says the model refused it */
	cr_assert_str_eq(text(), "error EINVAL: move_pages count 3 but 2 page addresses; "
			 "(the traced call succeeded)\n");
	snprintf(line, sizeof(line), "move_pages 0 %#llx,%#llx 0,0,0", a, a + 4096);
	cr_assert_eq(run(1, line), -EINVAL);
	cr_assert_str_eq(text(), "error EINVAL: move_pages has 2 pages but 3 nodes\n");
	snprintf(line, sizeof(line), "move_pages 0 %#llx 1", a);
	cr_assert_eq(run(1, line), -ENODEV);
	cr_assert_str_eq(text(), "error ENODEV: node 1 has no memory\n");
	cr_assert_eq(run(1, "move_pages(0, 0, NULL, NULL, NULL, 0) = 0"), 0);
	cr_assert_str_eq(text(), "0 []\n");
	cr_assert_eq(run(1, "migrate_pages 0 0 0"), 0);
	cr_assert_str_eq(text(), "0\n");
	cr_assert_eq(run(1, "migrate_pages 0 0 1"), -EINVAL);
	cr_assert_str_eq(text(), "error EINVAL: no online node in the new node set\n");
	cr_assert_eq(run(1, "sched_getaffinity 0"), 0);
	cr_assert_str_eq(text(), "32 [0 1]\n");
	cr_assert_eq(run(0, "taskset 1 1"), 0);
	cr_assert_str_eq(text(), "0\n");
	cr_assert_eq(run(1, "sched_getaffinity(1, 8, [1]) = 8"), 0);
	cr_assert_str_eq(text(), "8 [1]\n");
	cr_assert_eq(run(1, "sched_setaffinity 0 5"), -EINVAL);
	cr_assert_str_eq(text(), "error EINVAL: no online CPU in the mask\n");
	cr_assert_eq(run(1, "sched_setaffinity 7 0"), -ESRCH);
	cr_assert_str_eq(text(), "error ESRCH: no process 7\n");
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
	cf = ctlfile_new(m, 0, 1);
	cr_assert_not_null(cf);
}

static void stream_fini(void)
{
	ctlfile_free(cf);
	free(last);
	last = NULL;
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
	cr_assert_eq(ctlfile_write(cf, "spa", 3, NULL), 3);
	cr_assert_str_eq(drain(), "");
	cr_assert_eq(ctlfile_write(cf, "wn\nspawn", 8, NULL), 8);
	cr_assert_str_eq(drain(), "2\n");
	cr_assert_eq(ctlfile_flush(cf), 0, "flush runs the unterminated line");
	cr_assert_str_eq(drain(), "3\n");
	cr_assert_eq(ctlfile_flush(cf), 0, "nothing pending: no-op");
	cr_assert_str_eq(drain(), "");
}

Test(ctlfile, write_returns_the_first_failure_but_runs_every_line)
{
	const char *cmds = "spawn\nkill 999\nfrob\n\nspawn\n";

	cr_assert_eq(ctlfile_write(cf, cmds, strlen(cmds), NULL), -ESRCH);
	const char *r = drain();

	cr_assert(!strncmp(r, "2\nerror ESRCH: ", 15), "got %s", r);
	cr_assert(strstr(r, "\nerror EINVAL: "), "got %s", r);
	cr_assert(strlen(r) > 2 && !strcmp(r + strlen(r) - 2, "3\n"), "got %s", r);
}

Test(ctlfile, flush_returns_the_last_lines_error)
{
	cr_assert_eq(ctlfile_write(cf, "frob", 4, NULL), 4);
	cr_assert_eq(ctlfile_flush(cf), -EINVAL);
	cr_assert(!strncmp(drain(), "error EINVAL: ", 14));
}

Test(ctlfile, reads_consume_one_byte_at_a_time)
{
	char c;

	cr_assert_eq(ctlfile_write(cf, "spawn\n", 6, NULL), 6);
	cr_assert_eq(ctlfile_read(cf, &c, 1), 1);
	cr_assert_eq(c, '2');
	cr_assert_eq(ctlfile_read(cf, &c, 1), 1);
	cr_assert_eq(c, '\n');
	cr_assert_eq(ctlfile_read(cf, &c, 1), 0, "nothing pending is EOF");
}

Test(ctlfile, an_overlong_line_fails_once_and_the_next_write_runs)
{
	size_t n = CTLFILE_LINE_MAX + 10;
	char *big = malloc(n + 16);

	memset(big, 'x', n);
	cr_assert_eq(ctlfile_write(cf, big, n, NULL), -EINVAL);
	cr_assert_str_eq(drain(), "error EINVAL: line longer than 65536 bytes\n");
	cr_assert(kmsg_has("mmfs ctl: xxxx"), "the line's first bytes reach kmsg");
	/* the kernel sends nothing more of a write that failed: a fresh line */
	cr_assert_eq(ctlfile_write(cf, "spawn\n", 6, NULL), 6);
	cr_assert_str_eq(drain(), "2\n");
	/* what the same write holds after the long line's newline runs */
	memcpy(big + n, "\nspawn\n", 7);
	cr_assert_eq(ctlfile_write(cf, big, n + 7, NULL), -EINVAL);
	cr_assert_str_eq(drain(), "error EINVAL: line longer than 65536 bytes\n3\n");
	free(big);
}

Test(ctlfile, a_line_grown_past_the_limit_by_a_later_write_fails_there)
{
	char *part = malloc(40 << 10);

	memset(part, 'y', 40 << 10);
	cr_assert_eq(ctlfile_write(cf, part, 40 << 10, NULL), 40 << 10);
	cr_assert_eq(ctlfile_write(cf, part, 40 << 10, NULL), -EINVAL);
	cr_assert_str_eq(drain(), "error EINVAL: line longer than 65536 bytes\n");
	cr_assert_eq(ctlfile_flush(cf), 0, "nothing of it is pending");
	cr_assert_eq(ctlfile_write(cf, "spawn\n", 6, NULL), 6);
	cr_assert_str_eq(drain(), "2\n");
	free(part);
}

Test(ctlfile, a_write_only_file_keeps_no_replies)
{
	struct ctlfile *wo = ctlfile_new(m, 0, 0);
	char c;

	cr_assert_eq(ctlfile_write(wo, "spawn\nfrob\n", 11, NULL), -EINVAL);
	cr_assert_eq(ctlfile_read(wo, &c, 1), 0);
	cr_assert(kmsg_has("mmfs ctl: frob: error EINVAL"));
	cr_assert_eq(ctlfile_write(wo, "spawn\n", 6, NULL), 6, "no reader: never full");
	ctlfile_free(wo);
	cr_assert_eq(run(0, "spawn"), 0);
	cr_assert_str_eq(text(), "4\n", "both spawns ran");
}

/* Count the reply lines of a process ctlfile until it is empty. */
static uint64_t drain_lines(struct ctlfile *f, const char *want)
{
	static char buf[1 << 16];
	uint64_t lines = 0, wlen = strlen(want), at = 0;
	size_t n;

	while ((n = ctlfile_read(f, buf, sizeof(buf))) > 0) {
		for (size_t i = 0; i < n; i++) {
			cr_assert_eq(buf[i], want[at], "reply %llu byte %llu: %c",
				     (unsigned long long)lines, (unsigned long long)at, buf[i]);
			if (++at == wlen) {
				at = 0;
				lines++;
			}
		}
	}
	cr_assert_eq(at, 0, "a reply ends mid-line");
	return lines;
}

/*
 * 10 MiB of "brk 0" (1.7 million lines, 26 MB of replies) written in 1 MiB
 * requests to a file nobody reads: each request runs while fewer than 4 MiB
 * of replies wait, ends short when it passes that, and ENOBUFS when it can
 * run nothing. Every line that ran has its reply; none is dropped.
 */
Test(ctlfile, back_pressure_loses_no_reply)
{
	struct ctlfile *pf = ctlfile_new(m, 1, 1);
	const size_t chunk = 1 << 20, total = 10 << 20;
	char *buf = malloc(chunk);
	uint64_t ran = 0, replies = 0, sent = 0, lines_total = total / 6;
	int shorts = 0, nobufs = 0;
	char brk[32];

	cr_assert_eq(run(1, "brk 0"), 0);
	snprintf(brk, sizeof(brk), "%s", text());
	for (size_t i = 0; i + 6 <= chunk; i += 6)
		memcpy(buf + i, "brk 0\n", 6);
	while (sent < lines_total * 6) {
		size_t len = total - sent < chunk ? total - sent : chunk;
		ssize_t r;

		len -= len % 6;
		r = ctlfile_write(pf, buf, len, NULL);
		if (r == -ENOBUFS) {
			nobufs++;
			replies += drain_lines(pf, brk);
			continue;
		}
		cr_assert_gt(r, 0, "write: %zd", r);
		cr_assert_eq(r % 6, 0, "a short write ends at a line's end");
		if ((size_t)r < len)
			shorts++;
		sent += (uint64_t)r;
		ran += (uint64_t)r / 6;
		cr_assert_leq(rq_pending(&pf->replies), CTLFILE_REPLY_MAX + 64);
	}
	replies += drain_lines(pf, brk);
	cr_assert_eq(ran, lines_total);
	cr_assert_eq(replies, lines_total, "replies %llu of %llu lines",
		     (unsigned long long)replies, (unsigned long long)lines_total);
	cr_assert_gt(shorts, 0);
	cr_assert_gt(nobufs, 0);
	ctlfile_free(pf);
	free(buf);
}

/* mincore of 32 GiB: an 8 MiB reply, queued as runs, read whole. */
Test(ctlfile, a_huge_mincore_reply_arrives_whole)
{
	struct ctlfile *pf;
	static char buf[1 << 20];
	char cmd[96];
	uint64_t addr, got = 0, ones = 0;
	size_t n;

	cr_assert_eq(run(0, "spawn"), 0);
	pf = ctlfile_new(m, 2, 1);
	cr_assert_eq(ctlfile_write(pf, "mmap 0 32G r-- private,anon,noreserve\n", 38, NULL), 38);
	n = ctlfile_read(pf, buf, sizeof(buf) - 1);
	buf[n] = '\0';
	addr = strtoull(buf, NULL, 16);
	cr_assert_neq(addr, 0, "mmap: %s", buf);
	snprintf(cmd, sizeof(cmd), "touch 0x%llx 8K r\nmincore 0x%llx 32G\n",
		 (unsigned long long)addr + (5ULL << 30), (unsigned long long)addr);
	cr_assert_eq(ctlfile_write(pf, cmd, strlen(cmd), NULL), (ssize_t)strlen(cmd));
	n = ctlfile_read(pf, buf, 2);
	cr_assert(n == 2 && !memcmp(buf, "0\n", 2), "touch replies 0");
	cr_assert_eq(rq_pending(&pf->replies), (32ULL << 18) + 1);
	while ((n = ctlfile_read(pf, buf, sizeof(buf))) > 0) {
		for (size_t i = 0; i < n; i++) {
			uint64_t at = got + i;

			if (at == 32ULL << 18)
				cr_assert_eq(buf[i], '\n');
			else if (buf[i] == '1')
				ones += at == (5ULL << 18) || at == (5ULL << 18) + 1;
			else
				cr_assert_eq(buf[i], '0', "byte %llu", (unsigned long long)at);
		}
		got += n;
	}
	cr_assert_eq(got, (32ULL << 18) + 1);
	/* the two read faults mapped the zero page: present, so resident */
	cr_assert_eq(ones, 2);
	ctlfile_free(pf);
}

/* 64 TiB: a 16 GiB reply costs its runs; its first and last bytes are right. */
Test(ctlfile, a_64t_mincore_reply_costs_its_runs)
{
	struct replyq q;
	char line[96];
	uint64_t addr;

	rq_init(&q);
	cr_assert_eq(run(0, "spawn"), 0);
	cr_assert_eq(run(2, "mmap 0 64T --- private,anon,noreserve"), 0);
	addr = strtoull(text(), NULL, 16);
	snprintf(line, sizeof(line), "mincore 0x%llx 64T", (unsigned long long)addr);
	cr_assert_eq(ctl_run(m, 2, line, strlen(line), &q), 0);
	cr_assert_eq(rq_pending(&q), (64ULL << 28) + 1);
	rq_free(&q);
}

/*
 * The kernel cuts a 2 MiB write into 1 MiB requests; when the second
 * fails it reports the first as written and the writer sends the second
 * again. That resend must not run its lines twice. A failed write that
 * was not a continuation (a fresh write the user repeats) runs again.
 */
Test(ctlfile, a_resent_request_does_not_run_twice)
{
	struct ctlfile *pf = ctlfile_new(m, 1, 1);
	const size_t mw = 1 << 20;
	char *full = malloc(mw), brk[32];
	struct ctl_wsrc src = { 0, 4242, mw };
	const char *bad = "brk 0\nfrob\nbrk 0\n";

	cr_assert_eq(run(1, "brk 0"), 0);
	snprintf(brk, sizeof(brk), "%s", text());
	for (size_t i = 0; i + 6 <= mw; i += 6)
		memcpy(full + i, "brk 0\n", 6);
	memset(full + mw - mw % 6, '\n', mw % 6);
	cr_assert_eq(ctlfile_write(pf, full, mw, &src), (ssize_t)mw);
	cr_assert_eq(drain_lines(pf, brk), mw / 6);
	src.off = mw;
	cr_assert_eq(ctlfile_write(pf, bad, strlen(bad), &src), -EINVAL);
	cr_assert_eq(ctlfile_write(pf, bad, strlen(bad), &src), -EINVAL, "the resend fails too");
	cr_assert_eq(ctlfile_read(pf, brk, 0), 0);
	{
		char *r = rq_take(&pf->replies, NULL);

		cr_assert(!strncmp(r, brk, strlen(brk)), "got %s", r);
		cr_assert(strstr(r, "error EINVAL: unknown command 'frob'\n"), "got %s", r);
		cr_assert_eq(strlen(r), 2 * strlen(brk) + strlen("error EINVAL: unknown command 'frob'\n"),
			     "ran once: %s", r);
		free(r);
	}
	/* the user writes the same failing line again at the same offset: it runs */
	src.off = 5;
	cr_assert_eq(ctlfile_write(pf, "frob\n", 5, &src), -EINVAL);
	cr_assert_eq(ctlfile_write(pf, "frob\n", 5, &src), -EINVAL);
	{
		char *r = rq_take(&pf->replies, NULL);

		cr_assert_str_eq(r, "error EINVAL: unknown command 'frob'\n"
				    "error EINVAL: unknown command 'frob'\n");
		free(r);
	}
	ctlfile_free(pf);
	free(full);
}
