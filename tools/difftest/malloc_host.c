/* SPDX-License-Identifier: MIT */
/*
 * malloc_host.c - the host side of `mmfs-difftest malloc`: runs a malloc
 * script with the host's own glibc and prints, after every call, what it
 * returned, the break and the maps, as malloc_norm.h writes them.
 *
 *   mmfs-malloc-host SCRIPT [HEAP]
 *
 * HEAP is where the mmfs process's heap starts: the host program first moves
 * its break to the same address modulo 2 MiB, so that aligned requests
 * (memalign) fall at the same offsets from the heap start on both sides.
 * It re-executes itself with ASLR off first (the mmap area then matches a
 * process spawned in mmfs), without the environment's malloc tunables. It must not allocate behind the script's back:
 * no stdio streams, the script is read with read(2) into static memory,
 * output goes out with write(2); malloc_stats writes to stderr, which is
 * made the same pipe as stdout so its lines fall in order.
 *
 * Script lines: malloc SIZE | free REF | calloc N SIZE | realloc REF SIZE |
 * memalign ALIGN SIZE | mallopt NAME VALUE | malloc_trim PAD | malloc_stats,
 * where REF is #K (what call K returned, K from 0) or a number; and
 * poke REF OFFSET VALUE, a program's bug: 8 bytes stored at REF + OFFSET.
 *
 * Threads: `pthread_create` makes thread N (1, 2 ... in creation order,
 * the lowest number free); a call prefixed `@N ` runs in thread N, and
 * `@N pthread_exit` ends it (the thread returns; the main thread joins it,
 * which puts its stack in glibc's stack cache). One thread runs at a time:
 * the main thread hands each call to its thread and waits for it
 * (semaphores, which allocate nothing), so the order is the script's.
 */
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <unistd.h>

#include "malloc_norm.h"

#define MAX_OPS		100000
#define SCRIPT_MAX	(4 << 20)

static char script[SCRIPT_MAX];
static uint64_t results[MAX_OPS];
static char out[1 << 16];
static size_t outlen;
static char mapsbuf[1 << 16];
static uint64_t heap;
static char prog[512];

static void flush_out(void)
{
	size_t o = 0;

	while (o < outlen) {
		ssize_t n = write(1, out + o, outlen - o);

		if (n <= 0)
			_exit(3);
		o += (size_t)n;
	}
	outlen = 0;
}

static void put(const char *s)
{
	size_t n = strlen(s);

	if (outlen + n > sizeof(out))
		flush_out();
	memcpy(out + outlen, s, n);
	outlen += n;
}

static char smapsbuf[1 << 18];

static void put_heap_rss(void)
{
	int fd = open("/proc/self/smaps", O_RDONLY);
	size_t len = 0;
	ssize_t n;
	char line[64];

	if (fd < 0)
		_exit(4);
	while ((n = read(fd, smapsbuf + len, sizeof(smapsbuf) - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	snprintf(line, sizeof(line), "  heap rss %ld kB\n", mnorm_heap_rss(smapsbuf, len));
	put(line);
}

static void put_maps(void)
{
	int fd = open("/proc/self/maps", O_RDONLY);
	size_t len = 0;
	ssize_t n;
	char line[600];

	if (fd < 0)
		_exit(4);
	while ((n = read(fd, mapsbuf + len, sizeof(mapsbuf) - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	for (size_t s = 0; s < len;) {
		char *nl = memchr(mapsbuf + s, '\n', len - s);
		size_t e = nl ? (size_t)(nl - mapsbuf) : len;

		if (!prog[0]) {	/* the first line names the program */
			const char *p = mapsbuf + s;
			int field = 0;

			while (p < mapsbuf + e && field < 5) {
				while (p < mapsbuf + e && *p != ' ')
					p++;
				while (p < mapsbuf + e && *p == ' ')
					p++;
				field++;
			}
			memcpy(prog, p, (size_t)(mapsbuf + e - p));
			prog[mapsbuf + e - p] = '\0';
		}
		mnorm_maps_line(line, sizeof(line), mapsbuf + s, e - s, heap, prog);
		put(line);
		s = e + 1;
	}
}

/* ---- threads ---- */

#define MAX_THREADS	64

struct worker {
	pthread_t th;
	sem_t go;		/* posted by the main thread: run the call in cur */
	int live;
};
static struct worker workers[MAX_THREADS];
static sem_t done;		/* posted by a worker: its call returned */
static struct { char **w; int nw; uint64_t r; int bad; } cur;

static uint64_t do_call(char **w, int nw, int *bad);

static void *worker_main(void *arg)
{
	struct worker *wk = arg;

	for (;;) {
		sem_wait(&wk->go);
		if (!strcmp(cur.w[0], "pthread_exit"))
			return NULL;	/* the main thread joins */
		cur.r = do_call(cur.w, cur.nw, &cur.bad);
		sem_post(&done);
	}
}

/* Run w in thread t (0: this, the main thread); pthread_create/exit here too. */
static uint64_t call_in(int t, char **w, int nw, int *bad)
{
	struct worker *wk;

	*bad = 0;
	if (!strcmp(w[0], "pthread_create") && nw == 1 && !t) {
		for (int i = 1; i < MAX_THREADS; i++) {
			wk = &workers[i];
			if (wk->live)
				continue;
			sem_init(&wk->go, 0, 0);
			if (pthread_create(&wk->th, NULL, worker_main, wk))
				return 0;
			wk->live = 1;
			return (uint64_t)i;
		}
		return 0;
	}
	if (!t)
		return do_call(w, nw, bad);
	if (t >= MAX_THREADS || !workers[t].live) {
		*bad = 1;
		return 0;
	}
	wk = &workers[t];
	cur.w = w;
	cur.nw = nw;
	cur.bad = 0;
	sem_post(&wk->go);
	if (!strcmp(w[0], "pthread_exit")) {
		pthread_join(wk->th, NULL);
		sem_destroy(&wk->go);
		wk->live = 0;
		return 0;
	}
	sem_wait(&done);
	*bad = cur.bad;
	return cur.r;
}

static uint64_t num(const char *s)
{
	return strtoull(s, NULL, 0);
}

static uint64_t ref(const char *s)
{
	if (s[0] == '#') {
		unsigned long k = strtoul(s + 1, NULL, 10);

		return k < MAX_OPS ? results[k] : 0;
	}
	return num(s);
}

static int param(const char *s)
{
	static const struct { const char *n; int v; } t[] = {
		{ "M_MXFAST", M_MXFAST }, { "M_TRIM_THRESHOLD", M_TRIM_THRESHOLD },
		{ "M_TOP_PAD", M_TOP_PAD }, { "M_MMAP_THRESHOLD", M_MMAP_THRESHOLD },
		{ "M_MMAP_MAX", M_MMAP_MAX }, { "M_ARENA_MAX", M_ARENA_MAX },
		{ "M_ARENA_TEST", M_ARENA_TEST },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(s, t[i].n))
			return t[i].v;
	return atoi(s);
}

/* One call of the malloc family, in the calling thread; *bad for a line it cannot read. */
static uint64_t do_call(char **w, int nw, int *bad)
{
	uint64_t r = 0;

	*bad = 0;
	if (!strcmp(w[0], "malloc_stats") && nw == 1)
		malloc_stats();
	else if (!strcmp(w[0], "malloc") && nw == 2)
		r = (uint64_t)malloc(num(w[1]));
	else if (!strcmp(w[0], "free") && nw == 2)
		free((void *)ref(w[1]));
	else if (!strcmp(w[0], "calloc") && nw == 3)
		r = (uint64_t)calloc(num(w[1]), num(w[2]));
	else if (!strcmp(w[0], "realloc") && nw == 3)
		r = (uint64_t)realloc((void *)ref(w[1]), num(w[2]));
	else if (!strcmp(w[0], "memalign") && nw == 3)
		r = (uint64_t)memalign(num(w[1]), num(w[2]));
	else if (!strcmp(w[0], "mallopt") && nw == 3)
		r = (uint64_t)mallopt(param(w[1]), atoi(w[2]));
	else if (!strcmp(w[0], "malloc_trim") && nw == 2)
		r = (uint64_t)malloc_trim(num(w[1]));
	else if (!strcmp(w[0], "poke") && nw == 4)	/* a bug: a stray store */
		*(volatile uint64_t *)(ref(w[1]) + num(w[2])) = num(w[3]);
	else
		*bad = 1;
	return r;
}

int main(int argc, char **argv)
{
	char line[512], *w[5], val[64], b[64];
	size_t len = 0;
	ssize_t n;
	int fd, k = 0;

	if (argc != 2 && argc != 3)
		return 2;
	if (!getenv("MMFS_MALLOC_HOST_READY")) {
		static const char *const tunables[] = {
			"MALLOC_PERTURB_", "MALLOC_CHECK_", "MALLOC_TOP_PAD_", "MALLOC_TRIM_THRESHOLD_",
			"MALLOC_MMAP_THRESHOLD_", "MALLOC_MMAP_MAX_", "MALLOC_ARENA_MAX",
			"MALLOC_ARENA_TEST", "GLIBC_TUNABLES", "LD_PRELOAD",
		};
		struct rlimit nocore = { 0, 0 }, stack;

		personality(ADDR_NO_RANDOMIZE);
		/* glibc's defaults (meson sets MALLOC_PERTURB_, for one) */
		for (size_t i = 0; i < sizeof(tunables) / sizeof(tunables[0]); i++)
			unsetenv(tunables[i]);
		/* glibc's fatal messages to stderr, not /dev/tty; an abort leaves no core */
		setenv("LIBC_FATAL_STDERR_", "1", 1);
		setenv("MMFS_MALLOC_HOST_READY", "1", 1);
		setrlimit(RLIMIT_CORE, &nocore);
		/* a thread's stack is RLIMIT_STACK, as spawn's default (8 MiB) */
		if (!getrlimit(RLIMIT_STACK, &stack) &&
		    (stack.rlim_max == RLIM_INFINITY || stack.rlim_max >= (8 << 20))) {
			stack.rlim_cur = 8 << 20;
			setrlimit(RLIMIT_STACK, &stack);
		}
		execv("/proc/self/exe", argv);
		return 5;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0)
		return 2;
	while ((n = read(fd, script + len, sizeof(script) - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	dup2(1, 2);
	heap = (uint64_t)sbrk(0);
	if (argc == 3) {
		uint64_t want = strtoull(argv[2], NULL, 0), shift = (want - heap) & ((2 << 20) - 1);

		if (shift && sbrk((intptr_t)shift) == (void *)-1)
			return 6;
		heap += shift;
	}
	sem_init(&done, 0, 0);
	for (char *s = script, *e; s < script + len; s = e + 1) {
		int nw = 0, t = 0, nx, bad = 0;
		uint64_t r = 0;
		char *save, **x = w;

		e = memchr(s, '\n', (size_t)(script + len - s));
		if (!e)
			e = script + len;
		if ((size_t)(e - s) >= sizeof(line) || e == s)
			continue;
		memcpy(line, s, (size_t)(e - s));
		line[e - s] = '\0';
		for (char *tok = strtok_r(line, " ", &save); tok && nw < 5;
		     tok = strtok_r(NULL, " ", &save))
			w[nw++] = tok;
		if (!nw || w[0][0] == '#')
			continue;
		nx = nw;
		snprintf(b, sizeof(b), "#%d ", k);
		put(b);
		put(w[0]);
		for (int i = 1; i < nw; i++) {
			put(" ");
			put(w[i]);
		}
		put(" -> ");
		flush_out();	/* an abort's message follows the call it ends */
		if (w[0][0] == '@') {	/* @N CALL: thread N's */
			t = atoi(w[0] + 1);
			x = w + 1;
			nx = nw - 1;
		}
		if (!nx)
			return 2;
		if (!strcmp(x[0], "malloc_stats")) {
			put("stats\n");
			flush_out();
			call_in(t, x, nx, &bad);
		} else {
			r = call_in(t, x, nx, &bad);
			if (bad)
				return 2;
			if (!strcmp(x[0], "pthread_create") || !strcmp(x[0], "pthread_exit"))
				snprintf(val, sizeof(val), "0");
			else if (!strcmp(x[0], "free") || !strcmp(x[0], "poke"))
				snprintf(val, sizeof(val), "0");
			else if (!strcmp(x[0], "mallopt") || !strcmp(x[0], "malloc_trim"))
				snprintf(val, sizeof(val), "%llu", (unsigned long long)r);
			else
				mnorm_addr(val, sizeof(val), heap, r);
			put(val);
			if (r && strcmp(x[0], "free") && strcmp(x[0], "poke") && strcmp(x[0], "mallopt") &&
			    strcmp(x[0], "malloc_trim") && strcmp(x[0], "pthread_create")) {
				snprintf(b, sizeof(b), " size 0x%llx",
					 (unsigned long long)*(const uint64_t *)(r - 8));
				put(b);
			}
			put(" brk ");
			mnorm_addr(b, sizeof(b), heap, (uint64_t)sbrk(0));
			put(b);
			put("\n");
		}
		if (k < MAX_OPS)
			results[k] = r;
		k++;
		put_heap_rss();
		put_maps();
		flush_out();
	}
	flush_out();
	return 0;
}
