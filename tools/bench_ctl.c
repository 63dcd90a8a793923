/* SPDX-License-Identifier: MIT */
/*
 * bench_ctl.c - the command path: ctlrun drives ctl_run() in process (the
 * parser, the dispatcher and the model, no FUSE); ctl writes the same lines
 * to one open MOUNT/ctl of a real daemon, one per write() and CHUNK per
 * write(). Every reply is checked, so a figure is never the speed of a
 * command that did not run.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mm.h"
#include "../fs/parse.h"
#include "../fs/ctl.h"
#include "bench.h"

/* The workloads; rates of ctlrun are kept so ctl can show FUSE's cost. */
enum { W_KILL_ESRCH, W_SPAWN_KILL, NR_WORKLOADS };
static const char *const workload_name[NR_WORKLOADS] = { "kill_esrch", "spawn_kill" };
static double inproc_rate[NR_WORKLOADS];

#define ESRCH_LINE "kill 999999\n"

struct ctlrun_ctx {
	struct machine *m;
	int parse_only;
	struct replyq reply;
};

static int parse_line(const char *line, size_t len)
{
	struct mm_call call;
	char why[128];

	return parse_command(line, len, PARSE_GLOBAL, &call, why, sizeof(why));
}

/* CHUNK failing kills: the parser, the pid lookup, the error reply, kmsg. */
static long step_ctlrun_esrch(void *p)
{
	struct ctlrun_ctx *c = p;
	size_t len = sizeof(ESRCH_LINE) - 2;

	rq_free(&c->reply);
	for (int i = 0; i < CHUNK; i++) {
		if (c->parse_only) {
			if (parse_line(ESRCH_LINE, len) != 0)
				return -1;
		} else if (ctl_run(c->m, 0, ESRCH_LINE, len, &c->reply) != -ESRCH) {
			return -1;
		}
	}
	return CHUNK;
}

/* CHUNK/2 spawns, each killed at once by the pid its reply names. */
static long step_ctlrun_spawn_kill(void *p)
{
	struct ctlrun_ctx *c = p;
	char line[32];

	for (int i = 0; i < CHUNK / 2; i++) {
		long pid = 12345;
		int len;

		rq_free(&c->reply);
		if (c->parse_only) {
			if (parse_line("spawn", 5) != 0)
				return -1;
		} else {
			char num[32] = "";

			if (ctl_run(c->m, 0, "spawn", 5, &c->reply) != 0)
				return -1;
			rq_read(&c->reply, num, sizeof(num) - 1);
			pid = strtol(num, NULL, 10);
		}
		len = snprintf(line, sizeof(line), "kill %ld", pid);
		if (c->parse_only) {
			if (parse_line(line, (size_t)len) != 0)
				return -1;
		} else if (ctl_run(c->m, 0, line, (size_t)len, &c->reply) != 0) {
			return -1;
		}
	}
	return CHUNK / 2 * 2;
}

static const step_fn ctlrun_step[NR_WORKLOADS] = {
	step_ctlrun_esrch, step_ctlrun_spawn_kill,
};

void bench_ctlrun(void)
{
	struct mm_config cfg = { .ram_bytes = 4 * GiB, .nr_nodes = 1,
				 .swap_bytes = 256 * MiB };
	struct ctlrun_ctx c = { 0 };
	char why[160] = "";

	c.m = mm_boot(&cfg, why, sizeof(why));
	if (!c.m) {
		row_fail("ctlrun", "*", "mm_boot(4G): %s", why);
		return;
	}
	rq_init(&c.reply);
	for (int w = 0; w < NR_WORKLOADS; w++) {
		double r, b;

		c.parse_only = 0;
		r = measure_rate(ctlrun_step[w], &c);
		if (r < 0) {
			char *text = rq_take(&c.reply, NULL);

			row_fail("ctlrun", workload_name[w], "unexpected reply: %.*s",
				 (int)strcspn(text, "\n"), text);
			free(text);
			continue;
		}
		c.parse_only = 1;
		b = measure_rate(ctlrun_step[w], &c);
		row("ctlrun", workload_name[w], r, "cmds/s", "parse_command_only", b);
		inproc_rate[w] = r;
	}
	rq_free(&c.reply);
	mm_shutdown(c.m);
}

/*
 * ctl through FUSE. The same step functions drive either the daemon's ctl
 * (wfd == rfd, replies read back from it) or a pipe (the baseline: the same
 * write()s of the same bytes, and reads of what was written).
 */
struct ctl_ctx {
	int wfd, rfd;
	int is_pipe;
	int per_write;		/* commands per write(): 1 or CHUNK */
	char *batch;		/* CHUNK lines, built once */
	size_t batch_len;
	char why[160];
};

static char rbuf_big[1 << 18];

/*
 * Read replies into rbuf_big. From the pipe: exactly the pipe_bytes written.
 * From ctl: everything pending (a read with nothing pending returns 0), or,
 * with one_reply, reads until the buffer ends a line - one read() when the
 * daemon hands a whole reply at once, as a shell's `read` would see it.
 */
static long drain(struct ctl_ctx *c, size_t pipe_bytes, int one_reply)
{
	size_t total = 0, room = sizeof(rbuf_big) - 1;
	ssize_t n;

	while (total < room) {
		if (c->is_pipe && total >= pipe_bytes)
			break;
		n = read(c->rfd, rbuf_big + total, room - total);
		if (n < 0) {
			snprintf(c->why, sizeof(c->why), "read: %s", strerror(errno));
			return -1;
		}
		total += (size_t)n;
		if (n == 0 || (one_reply && rbuf_big[total - 1] == '\n'))
			break;
	}
	rbuf_big[total] = '\0';
	return (long)total;
}

static int count_lines(const char *s)
{
	int n = 0;

	while ((s = strchr(s, '\n'))) {
		s++;
		n++;
	}
	return n;
}

/* A write to ctl that must fail with `err` (0: succeed). */
static int ctl_write(struct ctl_ctx *c, const char *buf, size_t len, int err)
{
	ssize_t n = write(c->wfd, buf, len);

	if (c->is_pipe || (err == 0 && n == (ssize_t)len) ||
	    (err && n < 0 && errno == err))
		return 0;
	snprintf(c->why, sizeof(c->why), "write(\"%.*s\"...) = %zd (%s), want %s",
		 (int)strcspn(buf, "\n"), buf, n, n < 0 ? strerror(errno) : "short",
		 err ? strerror(err) : "success");
	return -1;
}

static long step_ctl_esrch(void *p)
{
	struct ctl_ctx *c = p;
	size_t line = sizeof(ESRCH_LINE) - 1;

	if (c->per_write == 1) {
		for (int i = 0; i < CHUNK; i++)
			if (ctl_write(c, ESRCH_LINE, line, ESRCH) < 0)
				return -1;
	} else if (ctl_write(c, c->batch, c->batch_len, ESRCH) < 0) {
		return -1;
	}
	long got = drain(c, c->per_write == 1 ? CHUNK * line : c->batch_len, 0);
	if (got < 0)
		return -1;
	if (c->is_pipe)
		return CHUNK;
	if (strncmp(rbuf_big, "error ESRCH", 11) != 0) {
		snprintf(c->why, sizeof(c->why), "reply \"%.*s\", want error ESRCH",
			 (int)strcspn(rbuf_big, "\n"), rbuf_big);
		return -1;
	}
	if (count_lines(rbuf_big) != CHUNK) {
		snprintf(c->why, sizeof(c->why), "%d replies to %d commands",
			 count_lines(rbuf_big), CHUNK);
		return -1;
	}
	return CHUNK;
}

/* Parse the pids the spawn replies name into kill lines; returns how many. */
static int kill_lines(struct ctl_ctx *c, char *out, size_t cap, size_t *len)
{
	char *s = rbuf_big, *end;
	int n = 0;

	*len = 0;
	while (*s) {
		long pid = strtol(s, &end, 10);

		if (end == s || *end != '\n' || pid <= 0) {
			snprintf(c->why, sizeof(c->why), "spawn replied \"%.*s\"",
				 (int)strcspn(s, "\n"), s);
			return -1;
		}
		*len += (size_t)snprintf(out + *len, cap - *len, "kill %ld\n", pid);
		s = end + 1;
		n++;
	}
	return n;
}

static long step_ctl_spawn_kill(void *p)
{
	static char kills[CHUNK * 24];
	struct ctl_ctx *c = p;
	size_t klen;

	if (c->per_write == 1) {
		for (int i = 0; i < CHUNK / 2; i++) {
			if (ctl_write(c, "spawn\n", 6, 0) < 0 || drain(c, 6, 1) < 0)
				return -1;
			if (c->is_pipe) {
				/* the same bytes the daemon path writes next */
				strcpy(kills, "kill 1234\n");
				klen = 10;
			} else if (kill_lines(c, kills, sizeof(kills), &klen) != 1) {
				return -1;
			}
			if (ctl_write(c, kills, klen, 0) < 0 || drain(c, klen, 1) < 0)
				return -1;
		}
		return CHUNK / 2 * 2;
	}
	if (ctl_write(c, c->batch, c->batch_len, 0) < 0 ||
	    drain(c, c->batch_len, 0) < 0)
		return -1;
	if (c->is_pipe) {
		klen = (size_t)CHUNK * 10;	/* as many bytes as CHUNK "kill NNNN\n" */
		memset(kills, 'k', klen);
	} else if (kill_lines(c, kills, sizeof(kills), &klen) != CHUNK) {
		if (!c->why[0])
			snprintf(c->why, sizeof(c->why), "spawn batch: wrong reply count");
		return -1;
	}
	if (ctl_write(c, kills, klen, 0) < 0 || drain(c, klen, 0) < 0)
		return -1;
	if (!c->is_pipe && count_lines(rbuf_big) != CHUNK) {
		snprintf(c->why, sizeof(c->why), "%d replies to %d kills",
			 count_lines(rbuf_big), CHUNK);
		return -1;
	}
	return 2 * CHUNK;
}

static const step_fn ctl_step[NR_WORKLOADS] = { step_ctl_esrch, step_ctl_spawn_kill };

static void build_batch(struct ctl_ctx *c, int w)
{
	const char *line = w == W_KILL_ESRCH ? ESRCH_LINE : "spawn\n";
	size_t l = strlen(line);

	c->batch_len = 0;
	for (int i = 0; i < CHUNK; i++, c->batch_len += l)
		memcpy(c->batch + c->batch_len, line, l);
}

static void ctl_figure(int ctlfd, int w, int per_write)
{
	static char batch[CHUNK * 16];
	struct ctl_ctx c = { .wfd = ctlfd, .rfd = ctlfd, .per_write = per_write,
			     .batch = batch };
	int pfd[2];
	char fig[64];
	double r, b;

	snprintf(fig, sizeof(fig), "%s.%dperwrite", workload_name[w], per_write);
	build_batch(&c, w);
	r = measure_rate(ctl_step[w], &c);
	if (r < 0) {
		row_fail("ctl", fig, "%s", c.why);
		return;
	}
	if (pipe(pfd) < 0) {
		row_fail("ctl", fig, "pipe: %s", strerror(errno));
		return;
	}
	fcntl(pfd[0], F_SETPIPE_SZ, 1 << 20);
	c.wfd = pfd[1];
	c.rfd = pfd[0];
	c.is_pipe = 1;
	b = measure_rate(ctl_step[w], &c);
	close(pfd[0]);
	close(pfd[1]);
	row("ctl", fig, r, "cmds/s", "pipe_same_writes", b);
	if (inproc_rate[w] > 0)
		row("ctl", fig, r, "cmds/s", "inproc_ctl_run", inproc_rate[w]);
}

void bench_ctl(void)
{
	const char *why = fuse_unavailable();
	char err[256], path[160];
	double mount_ms;
	int fd;

	if (why) {
		row_skip("ctl", why);
		return;
	}
	if (daemon_start("ram=4G", &mount_ms, err, sizeof(err)) < 0) {
		row_fail("ctl", "*", "%s", err);
		return;
	}
	snprintf(path, sizeof(path), "%s/ctl", mmfsd.mnt);
	fd = open(path, O_RDWR);
	if (fd < 0) {
		row_fail("ctl", "*", "open %s: %s", path, strerror(errno));
	} else {
		for (int w = 0; w < NR_WORKLOADS; w++) {
			ctl_figure(fd, w, 1);
			ctl_figure(fd, w, CHUNK);
		}
		close(fd);
	}
	if (daemon_stop() < 0)
		row_fail("ctl", "unmount", "daemon did not exit cleanly after unmount");
}

