/* SPDX-License-Identifier: MIT */
/*
 * mmfs-replay - feed a saved strace into a simulated process.
 *
 *   strace -f -o trace.txt CMD            (on the host, any strace 6.x options)
 *   mmfs-replay MOUNT trace.txt           (spawns a process, replays, reports)
 *
 * Lines go to MOUNT/proc/PID/ctl in batches; every reply is read back and
 * counted by its kind (doc/strace.md lists them). By default the replay
 * stops before the traced leader's exit_group, so the process is left as
 * the program was just before it exited, for `cat MOUNT/proc/PID/maps`;
 * --exit runs it. A progress bar goes to stderr when it is a terminal.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../fs/strace_line.h"

#define BATCH_DEFAULT 1024

struct counts {
	long lines, run, skipped, failed, unfinished, events, refused, diverged;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mmfs-replay [OPTIONS] MOUNT TRACE\n"
		"Replay a saved strace (strace -f -o TRACE CMD) into a simulated process of\n"
		"the mmfs machine mounted at MOUNT, and say how it went.\n"
		"\n"
		"  -p, --pid PID    replay into process PID (default: spawn a new one)\n"
		"  -e, --exit       also run the leader's final exit_group (default: stop\n"
		"                   before it, leaving the process as the program was then)\n"
		"  -b, --batch N    lines per write (default %d; 1 = one line per write)\n"
		"  -q, --quiet      no progress bar\n"
		"  -v, --verbose    print every line that was refused, with its reply\n"
		"  -h, --help       this text\n"
		"\n"
		"TRACE may be - for standard input. Exit status: 0 when every line was\n"
		"accepted, 1 when the model refused some (see MOUNT/proc/kmsg), 2 on usage\n"
		"or I/O errors.\n", BATCH_DEFAULT);
}

static int spawn(const char *mount)
{
	char path[4096], buf[64];
	int fd, pid = -1;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/ctl", mount);
	fd = open(path, O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "mmfs-replay: %s: %s (is an mmfs machine mounted there?)\n", path,
			strerror(errno));
		return -1;
	}
	if (write(fd, "spawn\n", 6) == 6 && (n = read(fd, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		pid = atoi(buf);
	}
	if (pid <= 0)
		fprintf(stderr, "mmfs-replay: spawn failed: %s", pid < 0 ? "no reply\n" : buf);
	close(fd);
	return pid > 0 ? pid : -1;
}

static void count_reply(struct counts *c, const char *r, size_t n, bool verbose,
			const char *line)
{
	if (n >= 6 && !memcmp(r, "error ", 6)) {
		c->refused++;
		if (verbose)
			fprintf(stderr, "%s\n  -> %.*s\n", line, (int)n, r);
	} else if (n >= 8 && !memcmp(r, "skipped ", 8)) {
		c->skipped++;
	} else if (n >= 7 && !memcmp(r, "failed ", 7)) {
		c->failed++;
	} else if (n >= 11 && !memcmp(r, "unfinished ", 11)) {
		c->unfinished++;
	} else if ((n >= 7 && !memcmp(r, "signal ", 7)) || (n >= 7 && !memcmp(r, "exited ", 7)) ||
		   (n >= 7 && !memcmp(r, "killed ", 7))) {
		c->events++;
	} else {
		c->run++;
		if (memmem(r, n, " (trace 0x", 10))
			c->diverged++;
	}
}

/* Read replies until `want` lines arrived; each is counted against its line. */
static int read_replies(int fd, struct counts *c, long want, char **lines, bool verbose)
{
	static char buf[1 << 16];
	static size_t have;
	long got = 0;

	while (got < want) {
		char *nl;
		ssize_t n;

		while (got < want && (nl = memchr(buf, '\n', have))) {
			size_t len = (size_t)(nl - buf);

			count_reply(c, buf, len, verbose, lines[got]);
			got++;
			memmove(buf, nl + 1, have - len - 1);
			have -= len + 1;
		}
		if (got == want)
			break;
		n = read(fd, buf + have, sizeof(buf) - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "mmfs-replay: %ld replies missing (%s)\n", want - got,
				n ? strerror(errno) : "the ctl has nothing more");
			return -1;
		}
		have += (size_t)n;
	}
	return 0;
}

static void progress(long done, long total, bool final)
{
	int width = 40, fill = total ? (int)(done * width / total) : width;

	fprintf(stderr, "\r[%.*s%*s] %3ld%% %ld/%ld lines%s", fill,
		"########################################", width - fill, "",
		total ? done * 100 / total : 100, done, total, final ? "\n" : "");
}

/* The leader's exit_group: where the replay stops unless --exit. */
static bool leader_exit(const char *line, size_t len, int *leader)
{
	struct strace_line l;

	if (strace_line_split(line, len, &l, NULL, 0))
		return false;
	if (*leader < 0)
		*leader = l.pid;
	return l.pid == *leader && l.kind == SL_CALL && !strcmp(l.name, "exit_group");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pid", required_argument, NULL, 'p' }, { "exit", no_argument, NULL, 'e' },
		{ "batch", required_argument, NULL, 'b' }, { "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int pid = 0, batch = BATCH_DEFAULT, leader = -1, opt, fd;
	bool do_exit = false, quiet = false, verbose = false;
	struct counts c = { 0 };
	char path[4096], **lines, *out, *text;
	size_t cap = 0, len = 0, outlen = 0;
	long total = 0, pending = 0, next_bar = 0;
	struct timespec t0, t1;
	FILE *in;

	while ((opt = getopt_long(argc, argv, "p:eb:qvh", opts, NULL)) != -1) {
		switch (opt) {
		case 'p': pid = atoi(optarg); break;
		case 'e': do_exit = true; break;
		case 'b': batch = atoi(optarg); break;
		case 'q': quiet = true; break;
		case 'v': verbose = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (argc - optind != 2 || batch < 1 || pid < 0) {
		usage(stderr);
		return 2;
	}
	in = strcmp(argv[optind + 1], "-") ? fopen(argv[optind + 1], "r") : stdin;
	if (!in) {
		fprintf(stderr, "mmfs-replay: %s: %s\n", argv[optind + 1], strerror(errno));
		return 2;
	}
	/* the whole trace first: the bar needs its length */
	text = NULL;
	{
		char chunk[1 << 16];
		size_t n;

		while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0) {
			if (len + n + 1 > cap) {
				cap = (len + n + 1) * 2;
				text = realloc(text, cap);
				if (!text)
					abort();
			}
			memcpy(text + len, chunk, n);
			len += n;
		}
	}
	if (in != stdin)
		fclose(in);
	if (!text)
		text = calloc(1, 1);
	text[len] = '\0';
	for (size_t i = 0; i < len; i++)
		total += text[i] == '\n';
	total += len && text[len - 1] != '\n';
	lines = calloc((size_t)batch, sizeof(*lines));
	out = malloc((size_t)batch * 4200);
	if (!lines || !out)
		abort();

	if (!pid && (pid = spawn(argv[optind])) < 0)
		return 2;
	snprintf(path, sizeof(path), "%s/proc/%d/ctl", argv[optind], pid);
	fd = open(path, O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "mmfs-replay: %s: %s\n", path, strerror(errno));
		return 2;
	}
	quiet = quiet || !isatty(2);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (char *p = text, *e; *p; p = e) {
		size_t n;

		e = strchr(p, '\n');
		e = e ? e + 1 : p + strlen(p);
		n = (size_t)(e - p) - (e[-1] == '\n');
		c.lines++;
		if (!n || n > 4096 - 1) {	/* blank, or longer than a ctl line may be */
			if (n)
				c.refused++;
			continue;
		}
		if (!do_exit && leader_exit(p, n, &leader))
			break;
		memcpy(out + outlen, p, n);
		outlen += n;
		out[outlen++] = '\n';
		lines[pending] = p;
		p[n] = '\0';	/* for --verbose; e already points past it */
		if (++pending == batch || !*e) {
			/* a refused line makes the write fail with its errno: the replies say which */
			if (write(fd, out, outlen) < 0 && (errno == ENOTCONN || errno == EIO))
				fprintf(stderr, "mmfs-replay: write: %s\n", strerror(errno));
			if (read_replies(fd, &c, pending, lines, verbose))
				return 2;
			pending = 0;
			outlen = 0;
		}
		if (!quiet && c.lines >= next_bar) {
			progress(c.lines, total, false);
			next_bar = c.lines + (total / 100 > 1 ? total / 100 : 1);
		}
	}
	if (pending) {
		if (write(fd, out, outlen) < 0 && (errno == ENOTCONN || errno == EIO))
			fprintf(stderr, "mmfs-replay: write: %s\n", strerror(errno));
		if (read_replies(fd, &c, pending, lines, verbose))
			return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!quiet)
		progress(c.lines, total, true);
	close(fd);
	{
		double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

		printf("mmfs-replay: pid %d: %ld lines: %ld run, %ld skipped, %ld failed in the "
		       "trace, %ld unfinished, %ld events, %ld refused, %ld placed elsewhere than "
		       "the trace (%.0f lines/s)\n", pid, c.lines, c.run, c.skipped, c.failed,
		       c.unfinished, c.events, c.refused, c.diverged,
		       s > 0 ? (double)c.lines / s : 0.0);
	}
	free(text);
	free(lines);
	free(out);
	return c.refused ? 1 : 0;
}
