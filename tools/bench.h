/* SPDX-License-Identifier: MIT */
/*
 * bench.h - what the parts of mmfs-bench share: options, the clock, the
 * result table, the rate loop, host facts, and the one mounted daemon.
 */
#ifndef TOOLS_BENCH_H
#define TOOLS_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)
#define TiB (1ULL << 40)

/* Operations per chunk of a rate loop; also the "1000 per write" batch. */
#define CHUNK 1000

struct bench_opts {
	int quick;
	const char *mmfs;	/* the daemon binary, or NULL */
	const char *only;	/* run one group */
	uint64_t min_ns;	/* how long each rate is measured */
	int errors;		/* figures that could not be measured */
};
extern struct bench_opts opt;

uint64_t now_ns(void);
void sleep_us(long us);

/*
 * One line of the table: group figure value unit baseline base_value ratio
 * [verdict], ratio = value / base_value ("-" when base_value <= 0).
 */
void row(const char *group, const char *figure, double value, const char *unit,
	 const char *base, double base_value);
void row_verdict(const char *group, const char *figure, double value, const char *unit,
		 const char *base, double base_value, const char *verdict);
/* A figure that could not be measured ("FAIL why"); counts in opt.errors. */
void row_fail(const char *group, const char *figure, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A group that cannot run here ("SKIP why"); not an error. */
void row_skip(const char *group, const char *why);

/*
 * Call step(ctx), which does a chunk of work and returns how many operations
 * it did (or -1 on error), until opt.min_ns has passed. Returns operations
 * per second, or -1 if a step failed.
 */
/* qsort's comparison of doubles; the median of t[0..n) (t is sorted). */
int cmp_double(const void *a, const void *b);
double median_of(double *t, int n);

typedef long (*step_fn)(void *ctx);
double measure_rate(step_fn step, void *ctx);

/* VmRSS of pid (0: this process) in MiB, or -1. */
double vm_rss_mib(pid_t pid);
/* Read a whole file as cat does; returns bytes read or -errno. */
long slurp(const char *path);
/* Best of `tries` whole-file reads, in microseconds; -1 on error. */
double read_us(const char *path, int tries);

/*
 * The one daemon alive at a time (bench_daemon.c). The signal handlers and
 * atexit() tear it down, so its paths are fixed arrays.
 */
struct bench_daemon {
	volatile pid_t pid;	/* 0: none */
	char dir[64];		/* mkdtemp'd; holds the three below */
	char mnt[96];
	char backing[96];	/* backing=, so no directory outlives the run */
	char log[96];		/* the daemon's stdout and stderr */
};
extern struct bench_daemon mmfsd;

/* Unmount and remove everything on exit() and on fatal signals. */
void install_cleanup(void);
/* opt.mmfs when not given: BUILD/fs/mmfs next to BUILD/tools/mmfs-bench. */
const char *find_mmfs(void);
/* NULL if the daemon can be mounted here, else why not. */
const char *fuse_unavailable(void);
/* kill -9 the daemon (a crash): its dead mount is detached, its dirs removed. */
int daemon_kill(void);
/*
 * Start `mmfs -f -o OPTS,backing=DIR MNT` (OPTS alone when it names a
 * backing=) and wait until MNT/proc/meminfo answers stat(); *mount_ms runs
 * from just before fork() to that answer. Returns 0, or -1 with a reason
 * in why (nothing is left mounted).
 */
int daemon_start(const char *opts, double *mount_ms, char *why, size_t whylen);
/* Unmount, reap, remove. 0 if the daemon exited with status 0, else -1. */
int daemon_stop(void);
/*
 * Write cmd (its newline included) to a ctl fd and read its one reply line
 * into reply. 0, or -1 with why set: a short write, no reply, an error.
 */
int daemon_ctl_cmd(int fd, const char *cmd, char *reply, size_t cap, char *why, size_t whylen);

/* The groups. */
void bench_boot(void);
void bench_alloc(void);
void bench_ctlrun(void);
void bench_ctl(void);
void bench_vma(void);
void bench_fault(void);
void bench_cat(void);
void bench_fair(void);
void bench_journal(void);
void bench_reclaim(void);
void bench_replay(void);
/* mmfs-bench --replay-workload N: the traced program of the replay group. */
int replay_workload(long rounds);
void bench_malloc(void);
void bench_mempolicy(void);
void bench_migrate(void);
void bench_zswap(void);
void bench_trace(void);
void bench_owner(void);
void bench_compaction(void);

#endif
