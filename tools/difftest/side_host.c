// SPDX-License-Identifier: MIT
/*
 * side_host.c - the host kernel as a side: one forked runner per script
 * (host_run.c), fed a line at a time over a pipe.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "difftest.h"
#include "host_run.h"

struct host_side {
	char *files_dir;
	pid_t pid;		/* the runner, or 0 */
	int to, from;		/* pipe ends: commands out, blocks in */
	char buf[65536];	/* bytes read from the runner, not used yet */
	size_t have;
};

/* Read exactly n bytes of the runner's output into out. 0 or -1. */
static int host_read(struct host_side *h, size_t n, struct rbuf *out)
{
	while (n) {
		if (!h->have) {
			ssize_t r = read(h->from, h->buf, sizeof(h->buf));

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				return -1;
			h->have = (size_t)r;
		}
		size_t take = n < h->have ? n : h->have;

		rbuf_put(out, h->buf, take);
		memmove(h->buf, h->buf + take, h->have - take);
		h->have -= take;
		n -= take;
	}
	return 0;
}

/* One "<length>\n<block>" from the runner, appended to out. 0 or -1. */
static int host_block(struct host_side *h, struct rbuf *out)
{
	struct rbuf head;
	size_t len;
	int err = 0;

	rbuf_init(&head);
	do {
		err = host_read(h, 1, &head);
	} while (!err && head.buf[head.len - 1] != '\n');
	if (!err) {
		len = strtoul(head.buf, NULL, 10);
		err = host_read(h, len, out);
	}
	rbuf_free(&head);
	return err;
}

static void host_stop(struct side *s)
{
	struct host_side *h = s->priv;
	int status;

	if (!h->pid)
		return;
	close(h->to);
	close(h->from);
	if (waitpid(h->pid, &status, 0) == h->pid && WIFSIGNALED(status))
		fprintf(stderr, "mmfs-difftest: the host runner died of signal %d\n",
			WTERMSIG(status));
	h->pid = 0;
	h->have = 0;
}

/* Keep only a and b (and stdio) open in the runner: another side's pipes
 * must not stay open in it, or that side never sees its runner end. */
static void close_others(int a, int b)
{
	int lo = a < b ? a : b, hi = a < b ? b : a;

	close_range(3, (unsigned)lo - 1, 0);
	close_range((unsigned)lo + 1, (unsigned)hi - 1, 0);
	close_range((unsigned)hi + 1, ~0U, 0);
}

static int host_start(struct side *s, const char *script_name)
{
	struct host_side *h = s->priv;
	int down[2], up[2];
	struct rbuf b;
	int err;

	if (pipe2(down, O_CLOEXEC) || pipe2(up, O_CLOEXEC)) {
		perror("mmfs-difftest: pipe");
		return -1;
	}
	fflush(NULL);
	h->pid = fork();
	if (h->pid < 0) {
		perror("mmfs-difftest: fork");
		h->pid = 0;
		return -1;
	}
	if (!h->pid) {
		close_others(down[0], up[1]);
		host_opt_rss = s->opts.rss;
		host_child_main(down[0], up[1], h->files_dir);
	}
	close(down[0]);
	close(up[1]);
	h->to = down[1];
	h->from = up[0];
	rbuf_init(&b);
	err = host_block(h, &b);
	if (err || strcmp(b.buf, "ready\n")) {
		fprintf(stderr, "mmfs-difftest: host runner: %s", err ? "no answer\n" : b.buf + 1);
		host_stop(s);
		err = -1;
	}
	rbuf_free(&b);
	return err;
}

static int host_step(struct side *s, const struct script_line *l, struct rbuf *out)
{
	struct host_side *h = s->priv;
	size_t n = strlen(l->text), at = out->len;

	if (write(h->to, l->text, n) != (ssize_t)n || write(h->to, "\n", 1) != 1 ||
	    host_block(h, out)) {
		fprintf(stderr, "mmfs-difftest: the host runner stopped at: %s\n", l->text);
		return -1;
	}
	if (out->buf[at] == '!') {
		fprintf(stderr, "mmfs-difftest: host runner: %s", out->buf + at + 1);
		return -1;
	}
	return 0;
}

static void host_destroy(struct side *s)
{
	struct host_side *h = s->priv;

	host_stop(s);
	free(h->files_dir);
	free(h);
}

static const struct side_ops host_ops = {
	.start = host_start,
	.step = host_step,
	.stop = host_stop,
	.destroy = host_destroy,
};

int side_host_init(struct side *s, const char *files_dir)
{
	struct host_side *h = calloc(1, sizeof(*h));

	if (!h || !(h->files_dir = strdup(files_dir))) {
		free(h);
		return -1;
	}
	s->ops = &host_ops;
	s->priv = h;
	snprintf(s->label, sizeof(s->label), "host");
	signal(SIGPIPE, SIG_IGN);
	return 0;
}
