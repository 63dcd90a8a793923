// SPDX-License-Identifier: MIT
/*
 * anonvma_probe: how many anon_vma and anon_vma_chain objects Linux's
 * fork tree costs, measured on the host for anonvma_host.sh.
 *
 * A worker P maps K one-page anonymous VMAs (holes between them, so none
 * merges or shares an anon_vma) and writes each. Then, N times over:
 *   fork         P forks B
 *   grandchild   each B forks D
 *   middle_exit  each B exits while its D lives
 *   reuse        each D forks E (B's anon_vmas are orphans: E reuses them)
 * Each step's change of /sys/kernel/slab/{anon_vma,anon_vma_chain}/objects
 * is divided by N. The processes' own VMAs (stack, heap, libc) cost too,
 * so the run is made with K and with 0 VMAs and the difference printed:
 * what K VMAs cost, per process, one line per step. Other processes of the
 * host allocate these objects too, and SLUB's per-CPU slabs blur the
 * count by a few slabs (flushed through the shrink file before each
 * sample): a large N, and the median of three rounds, make that noise
 * vanish in the rounding.
 *
 * Usage: anonvma_probe [K [N]]
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

enum { STEPS = 4, ROUNDS = 3 };
static const char *const step_name[STEPS] = { "fork", "grandchild", "middle_exit", "reuse" };

static long objects(const char *cache)
{
	char path[128];
	long n = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/objects", cache);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%ld", &n) != 1) {
		perror(path);
		exit(2);
	}
	fclose(f);
	return n;
}

/*
 * Flush the per-CPU slabs first (the sysfs shrink file, as root; a cache
 * operation that frees nothing in use): objects free in a CPU's slab count
 * as in use until then.
 */
static void shrink(const char *cache)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", cache);
	f = fopen(path, "w");
	if (f) {
		fputs("1", f);
		fclose(f);
	}
}

static void sample(long out[2])
{
	shrink("anon_vma");
	shrink("anon_vma_chain");
	out[0] = objects("anon_vma");
	out[1] = objects("anon_vma_chain");
}

static void put(int fd, int n)
{
	char c = 0;

	while (n-- > 0)
		if (write(fd, &c, 1) != 1)
			_exit(3);
}

static void get(int fd, int n)
{
	char c;

	while (n-- > 0)
		if (read(fd, &c, 1) != 1)
			_exit(3);
}

/* pipes: go[i] wakes a level's processes one byte each; done reports back */
static int go[5][2], done[2], res_w = -1;

/*
 * A child keeps only the ends it uses: should the worker die, its reads
 * then see end of file and it exits, leaving no process behind.
 */
static void child_fds(void)
{
	for (int i = 0; i < 5; i++)
		close(go[i][1]);
	close(done[0]);
	close(res_w);
}

static void e_proc(void)
{
	get(go[4][0], 1);
	_exit(0);
}

static void d_proc(void)
{
	child_fds();
	get(go[2][0], 1);	/* reuse: fork E */
	if (fork() == 0)
		e_proc();
	put(done[1], 1);
	get(go[3][0], 1);
	_exit(0);
}

static void b_proc(void)
{
	child_fds();
	get(go[0][0], 1);	/* grandchild: fork D */
	if (fork() == 0)
		d_proc();
	put(done[1], 1);
	get(go[1][0], 1);	/* middle_exit */
	_exit(0);
}

/* The worker: its deltas per process go to out (written through a pipe). */
static void worker(int k, int n, int res)
{
	long s[STEPS + 1][2], d[STEPS][2];
	long page = sysconf(_SC_PAGESIZE);
	char *base = k ? mmap(NULL, 2 * k * page, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) : NULL;

	if (base == MAP_FAILED)
		_exit(4);
	for (int i = 0; i < k; i++)
		munmap(base + (2 * i + 1) * page, page);
	for (int i = 0; i < k; i++)
		base[2 * i * page] = 1;
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	sample(s[0]);
	for (int i = 0; i < n; i++) {
		pid_t p = fork();

		if (p < 0)
			_exit(5);
		if (p == 0)
			b_proc();
	}
	sample(s[1]);
	put(go[0][1], n);
	get(done[0], n);
	sample(s[2]);
	put(go[1][1], n);
	for (int i = 0; i < n; i++)	/* the Bs (the Ds are not ours yet) */
		if (wait(NULL) < 0)
			_exit(6);
	sample(s[3]);
	put(go[2][1], n);
	get(done[0], n);
	sample(s[4]);
	put(go[3][1], n);
	put(go[4][1], n);
	while (wait(NULL) > 0)
		;
	for (int i = 0; i < STEPS; i++)
		for (int j = 0; j < 2; j++)
			d[i][j] = s[i + 1][j] - s[i][j];
	if (write(res, d, sizeof(d)) != sizeof(d))
		_exit(7);
	_exit(0);
}

static void run(int k, int n, long d[STEPS][2])
{
	int res[2];
	pid_t p;

	if (pipe(res))
		exit(2);
	for (int i = 0; i < 5; i++)
		if (pipe(go[i]))
			exit(2);
	if (pipe(done))
		exit(2);
	p = fork();
	if (p == 0) {
		close(res[0]);
		res_w = res[1];
		worker(k, n, res[1]);
	}
	close(res[1]);
	for (int i = 0; i < 5; i++)	/* the worker's alone: its death ends every child */
		close(go[i][0]), close(go[i][1]);
	close(done[0]);
	close(done[1]);
	if (read(res[0], d, sizeof(long) * STEPS * 2) != (ssize_t)(sizeof(long) * STEPS * 2)) {
		fprintf(stderr, "anonvma_probe: the worker failed\n");
		exit(2);
	}
	waitpid(p, NULL, 0);
	close(res[0]);
}

static int cmp(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int k = argc > 1 ? atoi(argv[1]) : 64, n = argc > 2 ? atoi(argv[2]) : 400;
	long r[ROUNDS][STEPS][2];

	for (int i = 0; i < ROUNDS; i++) {
		long with[STEPS][2], without[STEPS][2];

		run(k, n, with);
		run(0, n, without);
		for (int s = 0; s < STEPS; s++)
			for (int j = 0; j < 2; j++) {
				double v = (double)(with[s][j] - without[s][j]) / n;

				if (getenv("ANONVMA_PROBE_RAW"))	/* the noise left: distance from a whole number */
					fprintf(stderr, "round %d %s %s %.3f\n", i, step_name[s],
						j ? "anon_vma_chain" : "anon_vma", v);

				r[i][s][j] = (long)(v < 0 ? v - 0.5 : v + 0.5);
			}
	}
	for (int s = 0; s < STEPS; s++) {
		long v[2][ROUNDS];

		for (int j = 0; j < 2; j++) {
			for (int i = 0; i < ROUNDS; i++)
				v[j][i] = r[i][s][j];
			qsort(v[j], ROUNDS, sizeof(long), cmp);
		}
		printf("%s anon_vma %ld anon_vma_chain %ld\n", step_name[s], v[0][1], v[1][1]);
	}
	return 0;
}
