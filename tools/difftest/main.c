// SPDX-License-Identifier: MIT
/*
 * main.c - mmfs-difftest: the host kernel judges mmfs.
 *
 * The same command script runs on two sides (the host kernel through a
 * runner process, a mounted mmfs, or a recorded trace), step by step; after
 * every command the replies and the window's VMAs must be identical. The
 * first difference of a script stops it and is shown with the script prefix
 * that reproduces it. See doc/difftest.md.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <sys/stat.h>

#include "difftest.h"

static const char usage[] =
	"usage: mmfs-difftest files DIR\n"
	"       mmfs-difftest host [--files DIR] [--rss] SCRIPT...\n"
	"       mmfs-difftest mmfs --mount MNT [--rss] SCRIPT...\n"
	"       mmfs-difftest compare [--files DIR] [--mount MNT] [-a SIDE] [-b SIDE]\n"
	"                             [--rss] SCRIPT...\n"
	"       mmfs-difftest random [the options of compare] --seed S [--seeds N]\n"
	"                            --ops N [--print]\n"
	"       mmfs-difftest malloc --mount MNT [--host PROG] --seed S [--seeds N] --ops N\n"
	"                            [--print] | SCRIPT...\n"
	"SIDE is host[:DIR], mmfs:MNT or trace:FILE; compare's default is\n"
	"-a host:FILES -b mmfs:MNT. Exit status: 0 identical, 1 a difference, 2 error.\n";

struct opts {
	const char *files, *mount, *a, *b;
	struct side_opts side;
	uint64_t seed;
	unsigned seeds, ops;
	bool print;
};

/*
 * The host's readahead window for the fixture's disk decides which file
 * pages a fault reads around, which mincore then shows. The mmfs side
 * copies it into the simulated disk's read_ahead_kb (side_mmfs.c).
 */
static void host_readahead_note(const char *dir)
{
	char path[96], val[32] = "";
	struct stat st;
	FILE *f;

	if (stat(dir, &st))
		return;
	snprintf(path, sizeof(path), "/sys/class/bdi/%u:%u/read_ahead_kb", major(st.st_dev),
		 minor(st.st_dev));
	f = fopen(path, "r");
	if (f && fgets(val, sizeof(val), f))
		setenv("MMFS_DIFFTEST_RA_KB", val, 1);
	if (f)
		fclose(f);
}

int side_open(struct side *s, const char *spec, const struct side_opts *o)
{
	const char *arg = strchr(spec, ':');
	size_t n = arg ? (size_t)(arg - spec) : strlen(spec);
	int err = -1;

	memset(s, 0, sizeof(*s));
	arg = arg ? arg + 1 : "";
	if (n == 4 && !strncmp(spec, "host", 4)) {
		err = side_host_init(s, *arg ? arg : ".");
		host_readahead_note(*arg ? arg : ".");
	}
	else if (n == 4 && !strncmp(spec, "mmfs", 4) && *arg)
		err = side_mmfs_init(s, arg);
	else if (n == 5 && !strncmp(spec, "trace", 5) && *arg)
		err = side_trace_init(s, arg);
	else
		fprintf(stderr, "mmfs-difftest: bad side '%s'\n%s", spec, usage);
	if (!err)
		s->opts = *o;
	return err;
}

/* ---- one side alone: print its trace ---- */

static int run_trace(struct side *s, struct script *sc)
{
	struct rbuf b;
	int err = 0;

	if (s->ops->start(s, sc->name))
		return DT_ERROR;
	rbuf_init(&b);
	for (size_t i = 0; i < sc->nr && !err; i++) {
		rbuf_reset(&b);
		err = s->ops->step(s, &sc->lines[i], &b);
		printf("> %s\n%s", sc->lines[i].text, b.buf);
	}
	s->ops->stop(s);
	rbuf_free(&b);
	return err ? DT_ERROR : DT_SAME;
}

/* ---- two sides in step ---- */

/* Whether blk holds the line [p, p+n) as one of its lines. */
static bool block_has_line(const struct rbuf *blk, const char *p, size_t n)
{
	const char *q = blk->buf, *end = blk->buf + blk->len;

	while (q < end) {
		const char *nl = memchr(q, '\n', (size_t)(end - q));
		size_t m = nl ? (size_t)(nl - q) : (size_t)(end - q);

		if (m == n && !memcmp(p, q, n))
			return true;
		q += m + 1;
	}
	return false;
}

/* Print block's lines, each marked '-'/'+' when the other block lacks it. */
static void show_block(const char *label, char mark, const struct rbuf *blk,
		       const struct rbuf *other)
{
	const char *p = blk->buf, *end = blk->buf + blk->len;

	printf("%c%c%c %s\n", mark, mark, mark, label);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		printf("%c %.*s\n", block_has_line(other, p, n) ? ' ' : mark, (int)n, p);
		p += n + 1;
	}
}

static void report_diff(const struct script *sc, size_t step, const struct side *a,
			const struct rbuf *ba, const struct side *b, const struct rbuf *bb)
{
	const struct script_line *l = &sc->lines[step];

	printf("DIFFERENCE in %s at step %zu (line %d): %s\n", sc->name, step + 1,
	       l->lineno, l->text);
	printf("the script up to it:\n");
	for (size_t i = 0; i <= step; i++)
		printf("    %s\n", sc->lines[i].text);
	show_block(a->label, '-', ba, bb);
	show_block(b->label, '+', bb, ba);
}

static int run_compare(struct side *a, struct side *b, struct script *sc, size_t *steps)
{
	struct rbuf ba, bb;
	int rc = DT_SAME;

	if (a->ops->start(a, sc->name))
		return DT_ERROR;
	if (b->ops->start(b, sc->name)) {
		a->ops->stop(a);
		return DT_ERROR;
	}
	rbuf_init(&ba);
	rbuf_init(&bb);
	for (size_t i = 0; i < sc->nr && rc == DT_SAME; i++) {
		rbuf_reset(&ba);
		rbuf_reset(&bb);
		if (a->ops->step(a, &sc->lines[i], &ba) || b->ops->step(b, &sc->lines[i], &bb)) {
			rc = DT_ERROR;
			break;
		}
		if (strcmp(ba.buf, bb.buf)) {
			report_diff(sc, i, a, &ba, b, &bb);
			rc = DT_DIFF;
		}
		(*steps)++;
	}
	a->ops->stop(a);
	b->ops->stop(b);
	rbuf_free(&ba);
	rbuf_free(&bb);
	return rc;
}

/* ---- the commands ---- */

static bool spec_is_host(const char *spec)
{
	return !strncmp(spec, "host", 4) && (!spec[4] || spec[4] == ':');
}

/* Run every script (already loaded) on a and b, or on a alone. */
static int run_scripts(struct opts *o, struct script *sc, size_t nr, bool two)
{
	struct side a, b;
	size_t steps = 0, bad = 0;
	int rc = DT_SAME;

	if (side_open(&a, o->a, &o->side))
		return DT_ERROR;
	if (two && side_open(&b, o->b, &o->side)) {
		a.ops->destroy(&a);
		return DT_ERROR;
	}
	for (size_t i = 0; i < nr && rc != DT_ERROR; i++) {
		int r = two ? run_compare(&a, &b, &sc[i], &steps) : run_trace(&a, &sc[i]);

		if (r == DT_DIFF)
			bad++;
		if (r > rc)
			rc = r;
	}
	if (two && rc != DT_ERROR)
		printf("%zu script%s, %zu steps: %s\n", nr, nr == 1 ? "" : "s", steps,
		       bad ? "DIFFERENT" : "identical");
	if (two && bad)
		printf("%zu of %zu scripts differ\n", bad, nr);
	a.ops->destroy(&a);
	if (two)
		b.ops->destroy(&b);
	return rc;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "files", required_argument, NULL, 'f' },
		{ "mount", required_argument, NULL, 'm' },
		{ "rss", no_argument, NULL, 'r' },
		{ "seed", required_argument, NULL, 's' },
		{ "seeds", required_argument, NULL, 'S' },
		{ "ops", required_argument, NULL, 'n' },
		{ "print", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "a:b:", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': o->files = optarg; break;
		case 'm': o->mount = optarg; break;
		case 'a': o->a = optarg; break;
		case 'b': o->b = optarg; break;
		case 'r': o->side.rss = true; break;
		case 's': o->seed = strtoull(optarg, NULL, 0); break;
		case 'S': o->seeds = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'n': o->ops = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'p': o->print = true; break;
		default: return -1;
		}
	}
	return 0;
}

/* "host:FILES" and "mmfs:MNT" from --files and --mount. */
static char *default_spec(const char *kind, const char *arg)
{
	char *s;

	if (!arg)
		return NULL;
	if (asprintf(&s, "%s:%s", kind, arg) < 0)
		return NULL;
	return s;
}

int main(int argc, char **argv)
{
	struct opts o = { .seeds = 1 };
	const char *cmd = argc > 1 ? argv[1] : "";
	struct script *sc;
	size_t nr = 0;
	bool two = !strcmp(cmd, "compare") || !strcmp(cmd, "random");
	bool random = !strcmp(cmd, "random");
	int rc;

	if (!strcmp(cmd, "malloc"))	/* malloc_diff.c: its own options */
		return malloc_diff_main(argc - 1, argv + 1);
	if (argc < 2 || parse_opts(argc - 1, argv + 1, &o)) {
		fputs(usage, stderr);
		return DT_ERROR;
	}
	optind++;
	if (!strcmp(cmd, "files"))
		return optind < argc && !fixture_create(argv[optind]) ? 0 : DT_ERROR;
	if (!strcmp(cmd, "host"))
		o.a = default_spec("host", o.files ? o.files : ".");
	else if (!strcmp(cmd, "mmfs"))
		o.a = default_spec("mmfs", o.mount);
	else if (two) {
		if (!o.a)
			o.a = default_spec("host", o.files ? o.files : ".");
		if (!o.b)
			o.b = default_spec("mmfs", o.mount);
	} else {
		fputs(usage, stderr);
		return DT_ERROR;
	}
	if ((!(random && o.print) && (!o.a || (two && !o.b))) || (random && !o.ops) ||
	    (!random && optind >= argc)) {
		fputs(usage, stderr);
		return DT_ERROR;
	}
	nr = random ? o.seeds : (size_t)(argc - optind);
	sc = calloc(nr, sizeof(*sc));
	for (size_t i = 0; i < nr; i++) {
		bool host = (o.a && spec_is_host(o.a)) || (o.b && spec_is_host(o.b));

		if (random) {
			if (asprintf(&sc[i].name, "random seed %" PRIu64, o.seed + i) < 0)
				return DT_ERROR;
			gen_script(&sc[i], o.seed + i, o.ops);
		} else if (script_load(&sc[i], argv[optind + i], host)) {
			return DT_ERROR;
		}
	}
	if (random && o.print) {
		for (size_t i = 0; i < nr; i++) {
			printf("# %s, %u ops\n", sc[i].name, o.ops);
			for (size_t j = 0; j < sc[i].nr; j++)
				printf("%s\n", sc[i].lines[j].text);
		}
		rc = DT_SAME;
	} else {
		rc = run_scripts(&o, sc, nr, two);
	}
	for (size_t i = 0; i < nr; i++)
		script_free(&sc[i]);
	free(sc);
	return rc;
}
