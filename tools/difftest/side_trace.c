// SPDX-License-Identifier: MIT
/*
 * side_trace.c - a recorded trace as a side: the output of
 * `mmfs-difftest host` or `mmfs-difftest mmfs` replayed step by step, so a
 * trace recorded once (or edited by hand, to check that the tester notices)
 * can stand in for a live side.
 *
 * A trace is a sequence of steps, each "> COMMAND" followed by the block
 * the side produced for it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "difftest.h"

struct trace_side {
	char *file;
	struct rbuf text;	/* the whole trace */
	size_t at;		/* offset of the next "> " line */
};

static int trace_start(struct side *s, const char *script_name)
{
	struct trace_side *t = s->priv;
	int err = read_whole(AT_FDCWD, t->file, &t->text);

	if (err) {
		fprintf(stderr, "mmfs-difftest: %s: %s\n", t->file, strerror(-err));
		return -1;
	}
	t->at = 0;
	return 0;
}

/* Length of the line at p (without "\n") within [p, end). */
static size_t line_len(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl ? (size_t)(nl - p) : (size_t)(end - p);
}

static int trace_step(struct side *s, const struct script_line *l, struct rbuf *out)
{
	struct trace_side *t = s->priv;
	const char *end = t->text.buf + t->text.len, *p = t->text.buf + t->at;
	size_t n;

	if (p >= end || strncmp(p, "> ", 2)) {
		fprintf(stderr, "mmfs-difftest: %s ends before: %s\n", t->file, l->text);
		return -1;
	}
	n = line_len(p, end);
	if (n - 2 != strlen(l->text) || memcmp(p + 2, l->text, n - 2)) {
		fprintf(stderr, "mmfs-difftest: %s has [%.*s] where the script has [%s]\n",
			t->file, (int)n, p, l->text);
		return -1;
	}
	for (p += n + 1; p < end && strncmp(p, "> ", 2); p += n + 1) {
		n = line_len(p, end);
		rbuf_put(out, p, n);
		rbuf_puts(out, "\n");
	}
	t->at = p < end ? (size_t)(p - t->text.buf) : t->text.len;
	return 0;
}

static void trace_stop(struct side *s)
{
}

static void trace_destroy(struct side *s)
{
	struct trace_side *t = s->priv;

	rbuf_free(&t->text);
	free(t->file);
	free(t);
}

static const struct side_ops trace_ops = {
	.start = trace_start,
	.step = trace_step,
	.stop = trace_stop,
	.destroy = trace_destroy,
};

int side_trace_init(struct side *s, const char *file)
{
	struct trace_side *t = calloc(1, sizeof(*t));

	if (!t || !(t->file = strdup(file))) {
		free(t);
		return -1;
	}
	rbuf_init(&t->text);
	s->ops = &trace_ops;
	s->priv = t;
	snprintf(s->label, sizeof(s->label), "trace");
	return 0;
}
