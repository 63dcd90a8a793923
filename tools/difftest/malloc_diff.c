/* SPDX-License-Identifier: MIT */
/*
 * malloc_diff.c - `mmfs-difftest malloc`: the host's glibc judges mmfs's
 * allocator. One malloc script (generated from a seed, or given) runs in
 * mmfs-malloc-host (a real program with the host's glibc, ASLR off) and in
 * a process spawned in mmfs; after every call both sides write the
 * result, the break and the maps (malloc_norm.h), and the two texts must
 * be identical (doc/difftest.md, "malloc mode").
 *
 *   mmfs-difftest malloc --mount MNT [--host PROG] [--heap] --seed S [--seeds N] --ops N
 *   mmfs-difftest malloc [--heap] --seed S --ops N --print
 *
 * --bug: the script ends with a program's bug (a double free, a stray store
 * over a header or a link) that glibc reports and aborts on, or that faults.
 * --heap: the heap profile (mallopt M_MMAP_MAX 0 first; sizes up to 1 MiB;
 * more frees): large bins, consolidation and trims rather than mmap'd chunks.
 * --threads N: up to N threads besides the main one (pthread_create, calls
 * as `@T CALL` on the thread's proc/PID/task/TID/ctl, `@T pthread_exit`):
 * per-thread arenas and tcaches against the host's, one call at a time.
 *   mmfs-difftest malloc --mount MNT [--host PROG] SCRIPT...
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "difftest.h"
#include "malloc_diff.h"
#include "malloc_norm.h"

#define MD_SAME		0
#define MD_DIFF		1
#define MD_ERROR	2
#define MAX_THREADS	64	/* the host side's, and a group's tasks in the model */

void tput(struct text *t, const char *s)
{
	size_t n = strlen(s);

	if (t->len + n + 1 > t->cap) {
		t->cap = (t->len + n + 1) * 2;
		t->s = realloc(t->s, t->cap);
		if (!t->s)
			abort();
	}
	memcpy(t->s + t->len, s, n + 1);
	t->len += n;
}

/* ---- the host side ---- */

static int run_host(const char *prog, const char *script_path, uint64_t heap, struct text *out)
{
	char heaparg[32];

	int pfd[2], status;
	char buf[65536];
	ssize_t n;
	pid_t pid;

	if (pipe(pfd))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		close(pfd[1]);
		snprintf(heaparg, sizeof(heaparg), "0x%" PRIx64, heap);
		execl(prog, prog, script_path, heaparg, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	while ((n = read(pfd[0], buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		tput(out, buf);
	}
	close(pfd[0]);
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	if (WIFSIGNALED(status) || WEXITSTATUS(status)) {
		char note[96];

		if (WIFSIGNALED(status))
			snprintf(note, sizeof(note), "(killed by signal %d)\n", WTERMSIG(status));
		else
			snprintf(note, sizeof(note), "(host program ended with status %#x)\n", status);
		tput(out, note);
	}
	return 0;
}

/* ---- the mmfs side ---- */

/*
 * Write one command to fd and read its reply lines (nlines of them) into
 * reply; nlines < 0: malloc_stats's, up to its "max mmap bytes" line (three
 * lines an arena), or an error line.
 */
static int ctl_call(int fd, const char *cmd, char *reply, size_t len, int nlines)
{
	size_t got = 0;
	int lines = 0;

	if (write(fd, cmd, strlen(cmd)) < 0 && errno != EINTR && errno != ESRCH &&
	    errno != ENOMEM && errno != EINVAL)
		return -1;
	while ((nlines < 0 ? !(got && reply[got - 1] == '\n' &&
			       (strstr(reply, "max mmap bytes") || !strncmp(reply, "error", 5)))
			   : lines < nlines) && got + 1 < len) {
		ssize_t n = read(fd, reply + got, len - 1 - got);

		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++)
			lines += reply[got + i] == '\n';
		got += (size_t)n;
		reply[got] = '\0';
	}
	reply[got] = '\0';
	return 0;
}

static void mmfs_maps(const char *mnt, int pid, uint64_t heap, struct text *out)
{
	char path[512], line[600], *buf = NULL, prog[512] = "";
	size_t cap = 0;
	FILE *f;
	bool first = true;

	snprintf(path, sizeof(path), "%s/proc/%d/maps", mnt, pid);
	f = fopen(path, "r");
	if (!f) {
		tput(out, "(no maps)\n");
		return;
	}
	while (getline(&buf, &cap, f) > 0) {
		size_t n = strcspn(buf, "\n");

		if (first) {
			const char *p = buf;

			for (int field = 0; *p && field < 5; field++) {
				while (*p && *p != ' ')
					p++;
				while (*p == ' ')
					p++;
			}
			snprintf(prog, sizeof(prog), "%.*s", (int)strcspn(p, "\n"), p);
			first = false;
		}
		mnorm_maps_line(line, sizeof(line), buf, n, heap, prog);
		tput(out, line);
	}
	free(buf);
	fclose(f);
}

static void mmfs_heap_rss(const char *mnt, int pid, struct text *out)
{
	char path[512], line[64], buf[65536];
	struct text t = { 0 };
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/proc/%d/smaps", mnt, pid);
	f = fopen(path, "r");
	if (!f) {
		tput(out, "(no smaps)\n");
		return;
	}
	while ((n = fread(buf, 1, sizeof(buf) - 1, f)) > 0) {
		buf[n] = '\0';
		tput(&t, buf);
	}
	fclose(f);
	snprintf(line, sizeof(line), "  heap rss %ld kB\n", mnorm_heap_rss(t.s ? t.s : "", t.len));
	tput(out, line);
	free(t.s);
}

static int run_mmfs(const char *mnt, const char *script, unsigned ops, struct text *out,
		    uint64_t *heapp)
{
	char path[512], reply[4096], cmd[256], val[64], b[64];
	uint64_t heap, *results;
	int gfd, fd, pid, k = 0, tfd[MAX_THREADS] = { 0 };
	const char *s = script;

	for (const char *q = script; *q; q++)	/* a call a line: the bug lines too */
		ops += *q == '\n';
	results = calloc(ops + 1, sizeof(*results));

	snprintf(path, sizeof(path), "%s/ctl", mnt);
	gfd = open(path, O_RDWR);
	if (gfd < 0 || ctl_call(gfd, "spawn malloctest\n", reply, sizeof(reply), 1)) {
		free(results);
		return -1;
	}
	pid = atoi(reply);
	snprintf(path, sizeof(path), "%s/proc/%d/ctl", mnt, pid);
	fd = open(path, O_RDWR);
	if (fd < 0 || ctl_call(fd, "brk 0\n", reply, sizeof(reply), 1)) {
		free(results);
		return -1;
	}
	heap = strtoull(reply, NULL, 0);
	*heapp = heap;
	while (*s) {
		size_t n = strcspn(s, "\n");
		char line[256], *w[5], *save;
		int nw = 0, t = 0, cfd = fd, first = 0;

		snprintf(line, sizeof(line), "%.*s", (int)n, s);
		s += n + (s[n] == '\n');
		for (char *tok = strtok_r(line, " ", &save); tok && nw < 5;
		     tok = strtok_r(NULL, " ", &save))
			w[nw++] = tok;
		if (!nw || w[0][0] == '#')
			continue;
		snprintf(b, sizeof(b), "#%d ", k);
		tput(out, b);
		if (w[0][0] == '@') {	/* @N CALL: thread N's ctl */
			t = atoi(w[0] + 1);
			if (t <= 0 || t >= MAX_THREADS || tfd[t] <= 0 || nw < 2) {
				tput(out, "(no such thread)\n");
				break;
			}
			cfd = tfd[t];
			first = 1;
			tput(out, w[0]);
			tput(out, " ");
		}
		if (!strcmp(w[first], "pthread_create") && !t) {
			int i = 1;

			while (i < MAX_THREADS && tfd[i] > 0)
				i++;	/* the host numbers them the same way */
			ctl_call(fd, "pthread_create\n", reply, sizeof(reply), 1);
			snprintf(path, sizeof(path), "%s/proc/%d/task/%d/ctl", mnt, pid, atoi(reply));
			if (strncmp(reply, "error", 5) && i < MAX_THREADS)
				tfd[i] = open(path, O_RDWR);
			if (i >= MAX_THREADS || tfd[i] < 0) {
				tput(out, "pthread_create -> (failed)\n");
				break;
			}
			tput(out, "pthread_create -> 0");
			goto brk_and_maps;
		}
		if (!strcmp(w[first], "pthread_exit")) {
			ctl_call(cfd, "pthread_exit\n", reply, sizeof(reply), 1);
			close(cfd);
			tfd[t] = 0;
			tput(out, "pthread_exit -> 0");
			goto brk_and_maps;
		}
		cmd[0] = '\0';
		for (int i = first; i < nw; i++) {
			tput(out, i > first ? " " : "");
			tput(out, w[i]);
			if (w[i][0] == '#') {
				unsigned long r = strtoul(w[i] + 1, NULL, 10);

				snprintf(val, sizeof(val), "0x%" PRIx64, r < ops ? results[r] : 0);
			} else {
				snprintf(val, sizeof(val), "%s", w[i]);
			}
			strcat(cmd, i > first ? " " : "");
			strcat(cmd, val);
		}
		strcat(cmd, "\n");
		tput(out, " -> ");
		w[0] = w[first];	/* the call's name, whichever thread */
		if (!strcmp(w[0], "malloc_stats")) {
			tput(out, "stats\n");
			ctl_call(cfd, cmd, reply, sizeof(reply), -1);
			tput(out, reply);
		} else {
			uint64_t r;

			if (!strcmp(w[0], "poke") && nw - first == 4) {
				uint64_t at = strtoull(cmd + 5, NULL, 0) + strtoull(w[2], NULL, 0);
				uint64_t v = strtoull(w[3], NULL, 0);
				int mfd;

				snprintf(path, sizeof(path), "%s/proc/%d/mem", mnt, pid);
				mfd = open(path, O_RDWR);
				if (mfd < 0 || pwrite(mfd, &v, 8, (off_t)at) != 8)
					tput(out, "(poke failed)");
				if (mfd >= 0)
					close(mfd);
				snprintf(reply, sizeof(reply), "0\n");
			} else {
				ctl_call(cfd, cmd, reply, sizeof(reply), 1);
			}
			if (!strncmp(reply, "error", 5)) {
				/* "error EINTR: MSG: the process was killed by SIGxxx": glibc's own words */
				const char *killed = strstr(reply, "the process was killed by SIG");
				const char *msg = strchr(reply, ':');

				if (killed) {
					int sig = strstr(killed, "SIGABRT") ? 6 : strstr(killed, "SIGSEGV") ? 11 : 9;
					char note[64];

					if (msg && msg + 2 < killed) {
						char m2[512];

						snprintf(m2, sizeof(m2), "%.*s\n", (int)(killed - msg - 4), msg + 2);
						tput(out, m2);
					}
					snprintf(note, sizeof(note), "(killed by signal %d)\n", sig);
					tput(out, note);
				} else {
					tput(out, reply);
				}
				break;
			}
			r = strtoull(reply, NULL, 0);
			if (!strcmp(w[0], "free") || !strcmp(w[0], "poke"))
				snprintf(val, sizeof(val), "0");
			else if (!strcmp(w[0], "mallopt") || !strcmp(w[0], "malloc_trim"))
				snprintf(val, sizeof(val), "%" PRIu64, r);
			else
				mnorm_addr(val, sizeof(val), heap, r);
			if ((unsigned)k < ops)
				results[k] = r;
			tput(out, val);
			if (r && strcmp(w[0], "free") && strcmp(w[0], "poke") && strcmp(w[0], "mallopt") &&
			    strcmp(w[0], "malloc_trim")) {
				/* the chunk's size word, as glibc wrote it in the process's memory */
				uint64_t hdr = 0;
				int mfd;

				snprintf(path, sizeof(path), "%s/proc/%d/mem", mnt, pid);
				mfd = open(path, O_RDONLY);
				if (mfd < 0 || pread(mfd, &hdr, 8, (off_t)(r - 8)) != 8)
					hdr = ~0ULL;
				if (mfd >= 0)
					close(mfd);
				snprintf(b, sizeof(b), " size 0x%" PRIx64, hdr);
				tput(out, b);
			}
brk_and_maps:
			ctl_call(fd, "brk 0\n", reply, sizeof(reply), 1);
			mnorm_addr(b, sizeof(b), heap, strtoull(reply, NULL, 0));
			tput(out, " brk ");
			tput(out, b);
			tput(out, "\n");
		}
		k++;
		mmfs_heap_rss(mnt, pid, out);
		mmfs_maps(mnt, pid, heap, out);
	}
	for (int i = 1; i < MAX_THREADS; i++)
		if (tfd[i] > 0)
			close(tfd[i]);
	snprintf(cmd, sizeof(cmd), "kill %d\n", pid);
	ctl_call(gfd, cmd, reply, sizeof(reply), 1);
	close(fd);
	close(gfd);
	free(results);
	return 0;
}

/* The first differing line, with the call that led there. */
static int compare(const char *name, const struct text *h, const struct text *m)
{
	const char *a = h->s ? h->s : "", *b = m->s ? m->s : "", *call = NULL;
	unsigned line = 1;

	while (*a || *b) {
		size_t na = strcspn(a, "\n"), nb = strcspn(b, "\n");

		if (na != nb || memcmp(a, b, na)) {
			printf("%s: differs at line %u\n", name, line);
			if (call)
				printf("  after: %.*s\n", (int)strcspn(call, "\n"), call);
			printf("  host: %.*s\n  mmfs: %.*s\n", (int)na, a, (int)nb, b);
			return MD_DIFF;
		}
		if (*a == '#')
			call = a;
		a += na + (a[na] == '\n');
		b += nb + (b[nb] == '\n');
		line++;
	}
	return MD_SAME;
}

static int one(const char *name, const char *mnt, const char *host, const char *script,
	       unsigned ops)
{
	char tmpl[] = "/tmp/mmfs-malloc-XXXXXX";
	struct text h = { 0 }, m = { 0 };
	int fd = mkstemp(tmpl), rc;

	if (fd < 0 || write(fd, script, strlen(script)) < 0) {
		perror("mmfs-difftest malloc: script file");
		return MD_ERROR;
	}
	close(fd);
	uint64_t heap = 0;

	if (run_mmfs(mnt, script, ops, &m, &heap) || run_host(host, tmpl, heap, &h)) {
		fprintf(stderr, "mmfs-difftest malloc: %s: a side failed to run\n", name);
		unlink(tmpl);
		return MD_ERROR;
	}
	unlink(tmpl);
	if (getenv("MMFS_DIFFTEST_MALLOC_DUMP")) {
		fputs(h.s ? h.s : "", stdout);
		fputs("=====\n", stdout);
		fputs(m.s ? m.s : "", stdout);
	}
	rc = compare(name, &h, &m);
	free(h.s);
	free(m.s);
	return rc;
}

static char *default_host(void)
{
	static char path[4096];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 32);

	if (n <= 0)
		return NULL;
	path[n] = '\0';
	strcpy(strrchr(path, '/') + 1, "mmfs-malloc-host");
	return path;
}

int malloc_diff_main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "mount", required_argument, 0, 'm' }, { "host", required_argument, 0, 'H' },
		{ "seed", required_argument, 0, 's' }, { "seeds", required_argument, 0, 'n' },
		{ "ops", required_argument, 0, 'o' }, { "print", no_argument, 0, 'p' },
		{ "heap", no_argument, 0, 'h' }, { "bug", no_argument, 0, 'b' },
		{ "threads", required_argument, 0, 't' }, { 0, 0, 0, 0 } };
	const char *mnt = NULL, *host = NULL;
	uint64_t seed = 0;
	unsigned seeds = 1, ops = 0, threads = 0;
	bool print = false, seeded = false, heap = false, bug = false;
	int c, rc = MD_SAME;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'm': mnt = optarg; break;
		case 'H': host = optarg; break;
		case 's': seed = strtoull(optarg, NULL, 0); seeded = true; break;
		case 'n': seeds = (unsigned)atoi(optarg); break;
		case 'o': ops = (unsigned)atoi(optarg); break;
		case 'p': print = true; break;
		case 'h': heap = true; break;
		case 'b': bug = true; break;
		case 't': threads = (unsigned)atoi(optarg); break;
		default: return MD_ERROR;
		}
	}
	if (!host)
		host = default_host();
	if ((!print && !mnt) || (seeded && !ops) || (!seeded && optind >= argc)) {
		fputs("usage: mmfs-difftest malloc --mount MNT [--host PROG] --seed S [--seeds N]"
		      " --ops N [--threads N]\n       mmfs-difftest malloc --seed S --ops N --print\n"
		      "       mmfs-difftest malloc --mount MNT [--host PROG] SCRIPT...\n", stderr);
		return MD_ERROR;
	}
	if (seeded) {
		for (unsigned i = 0; i < seeds && rc != MD_ERROR; i++) {
			struct text t = { 0 };
			char name[64];
			int r;

			malloc_gen_script(&t, seed + i, ops, heap, bug, threads);
			snprintf(name, sizeof(name), "malloc seed %" PRIu64 "%s", seed + i,
				 threads ? " (threads)" : "");
			if (print) {
				printf("# %s, %u calls\n%s", name, ops, t.s ? t.s : "");
				r = MD_SAME;
			} else {
				r = one(name, mnt, host, t.s ? t.s : "", ops);
			}
			rc = r > rc ? r : rc;
			free(t.s);
		}
		return rc;
	}
	for (int i = optind; i < argc && rc != MD_ERROR; i++) {
		FILE *f = fopen(argv[i], "r");
		struct text t = { 0 };
		char *buf = NULL;
		size_t cap = 0;
		unsigned n = 0;
		int r;

		if (!f) {
			perror(argv[i]);
			return MD_ERROR;
		}
		while (getline(&buf, &cap, f) > 0) {
			tput(&t, buf);
			n++;
		}
		free(buf);
		fclose(f);
		r = one(argv[i], mnt, host, t.s ? t.s : "", n);
		rc = r > rc ? r : rc;
		free(t.s);
	}
	return rc;
}
