/* SPDX-License-Identifier: MIT */
/*
 * bench_reclaim_host.c - the reclaim group's host baseline (see
 * bench_reclaim.c for what is measured): a memory cgroup v1 and a
 * temporary swap file, made, used by a child process and undone, on
 * return, exit() and the fatal signals alike.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "bench.h"
#include "bench_reclaim.h"

/* "key value" lines (vmstat, memory.stat): the value of key, or -1. */
long long kv_get(const char *path, const char *key)
{
	static char buf[1 << 16];
	size_t klen = strlen(key), got = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	while (got < sizeof(buf) - 1 && (n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)n;
	close(fd);
	buf[got] = '\0';
	for (char *p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, klen) && (p[klen] == ' ' || p[klen] == ':'))
			return strtoll(p + klen + 1, NULL, 10);
	return -1;
}

long long kv_sum(const char *path, const char *k1, const char *k2)
{
	long long a = kv_get(path, k1), b = kv_get(path, k2);

	return a < 0 || b < 0 ? -1 : a + b;
}

/* ---- the host side: a memory cgroup v1 and a temporary swap file ---- */

static struct {
	char cg[128];		/* made: rmdir */
	char swap[128];		/* made: unlink */
	volatile int swap_on;	/* swapon'd: swapoff */
	volatile pid_t child;	/* in the cgroup: SIGKILL, reap */
	int lock_fd;		/* HOST_SWAP_LOCK held: close (0: none) */
	int handlers;
	struct sigaction old[32];
} host;

/*
 * The model once had its own swapon() and swapoff() (now sys_swapon/off);
 * the host's are reached by their system calls.
 */
static int host_swapon(const char *path)
{
	return (int)syscall(SYS_swapon, path, 0);
}

static int host_swapoff(const char *path)
{
	return (int)syscall(SYS_swapoff, path);
}

static const int fatal_sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT,
				  SIGSEGV, SIGBUS, SIGABRT, SIGFPE };

/* Async-signal-safe: every step is a system call. Idempotent. */
static void host_cleanup(void)
{
	if (host.child > 0) {
		kill(host.child, SIGKILL);
		waitpid(host.child, NULL, 0);
		host.child = 0;
	}
	if (host.cg[0]) {
		/* a just-reaped task may still be leaving the cgroup */
		for (int i = 0; i < 100 && rmdir(host.cg) < 0 && errno == EBUSY; i++) {
			struct timespec ts = { 0, 50000000 };

			nanosleep(&ts, NULL);
		}
		host.cg[0] = '\0';
	}
	if (host.swap_on) {
		host_swapoff(host.swap);
		host.swap_on = 0;
	}
	if (host.swap[0]) {
		unlink(host.swap);
		host.swap[0] = '\0';
	}
	if (host.lock_fd > 0) {
		close(host.lock_fd);
		host.lock_fd = 0;
	}
}

static void on_signal(int sig)
{
	host_cleanup();
	sigaction(sig, &host.old[sig], NULL);
	raise(sig);	/* delivered to the chained handler once this returns */
}

static void host_handlers(int on)
{
	struct sigaction sa;

	if (on == host.handlers)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(fatal_sigs) / sizeof(fatal_sigs[0]); i++) {
		if (on)
			sigaction(fatal_sigs[i], &sa, &host.old[fatal_sigs[i]]);
		else
			sigaction(fatal_sigs[i], &host.old[fatal_sigs[i]], NULL);
	}
	host.handlers = on;
}

void host_teardown(void)
{
	host_cleanup();
	host_handlers(0);
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	if (n < 0) {
		n = -errno;
		close(fd);
		return (int)n;
	}
	close(fd);
	return 0;
}

static int write_u64(const char *dir, const char *file, unsigned long long v)
{
	char path[192], s[32];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	snprintf(s, sizeof(s), "%llu", v);
	return write_str(path, s);
}

static int run_quiet(const char *prog, const char *arg)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(null, 2);
		execlp(prog, prog, arg, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Write zeros over the whole file (when a fallocated one is refused). */
static int fill_zeros(int fd, uint64_t size)
{
	static char zero[1 << 20];

	if (lseek(fd, 0, SEEK_SET) < 0)
		return -1;
	for (uint64_t done = 0; done < size; done += sizeof(zero))
		if (write(fd, zero, sizeof(zero)) != (ssize_t)sizeof(zero))
			return -1;
	return fsync(fd);
}

/*
 * The cgroup (limit, memsw) and a swap file of swap_size, swapped on.
 * 0, or -1 with reclaim_why (what was made is undone).
 */
int host_setup(uint64_t limit, uint64_t swap_size, uint64_t len)
{
	struct stat st;
	int fd, err;

	if (geteuid() != 0) {
		snprintf(reclaim_why, sizeof(reclaim_why), "not root: no cgroup or swapon");
		return -1;
	}
	if (stat(CGROOT "/memory.memsw.limit_in_bytes", &st) != 0) {
		snprintf(reclaim_why, sizeof(reclaim_why), "no memory cgroup v1 with memsw at %s", CGROOT);
		return -1;
	}
	static int registered;

	host_handlers(1);
	if (!registered++)
		atexit(host_cleanup);	/* idempotent */

	/*
	 * The tests that measure the host's swap (swap_host.sh and others)
	 * hold this lock while their swap area is on: a second swap area,
	 * ours being rotational, would change their readahead.
	 */
	host.lock_fd = open(HOST_SWAP_LOCK, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (host.lock_fd < 0 || flock(host.lock_fd, LOCK_EX) < 0) {
		snprintf(reclaim_why, sizeof(reclaim_why), "lock %s: %s", HOST_SWAP_LOCK, strerror(errno));
		goto fail;
	}
	snprintf(host.swap, sizeof(host.swap), "/var/tmp/mmfs-bench-swap.%d", (int)getpid());
	fd = open(host.swap, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		snprintf(reclaim_why, sizeof(reclaim_why), "create %s: %s", host.swap, strerror(errno));
		host.swap[0] = '\0';
		goto fail;
	}
	err = posix_fallocate(fd, 0, (off_t)swap_size);
	if (err) {
		snprintf(reclaim_why, sizeof(reclaim_why), "fallocate %s (%llu MiB): %s", host.swap,
			 (unsigned long long)(swap_size / MiB), strerror(err));
		close(fd);
		goto fail;
	}
	if (run_quiet("mkswap", host.swap) != 0) {
		snprintf(reclaim_why, sizeof(reclaim_why), "mkswap %s failed", host.swap);
		close(fd);
		goto fail;
	}
	if (host_swapon(host.swap) < 0) {
		/* a file system that refuses unwritten extents: write it */
		if (fill_zeros(fd, swap_size) < 0 || run_quiet("mkswap", host.swap) != 0 ||
		    host_swapon(host.swap) < 0) {
			snprintf(reclaim_why, sizeof(reclaim_why), "swapon %s: %s", host.swap, strerror(errno));
			close(fd);
			goto fail;
		}
	}
	close(fd);
	host.swap_on = 1;

	snprintf(host.cg, sizeof(host.cg), CGROOT "/mmfs-bench.%d", (int)getpid());
	if (mkdir(host.cg, 0755) < 0) {
		snprintf(reclaim_why, sizeof(reclaim_why), "mkdir %s: %s", host.cg, strerror(errno));
		host.cg[0] = '\0';
		goto fail;
	}
	/* limit first: memsw must never be below it */
	if ((err = write_u64(host.cg, "memory.limit_in_bytes", limit)) ||
	    (err = write_u64(host.cg, "memory.memsw.limit_in_bytes", limit + len + 512 * MiB)) ||
	    (err = write_u64(host.cg, "memory.swappiness", 60))) {
		snprintf(reclaim_why, sizeof(reclaim_why), "limits of %s: %s", host.cg, strerror(-err));
		goto fail;
	}
	return 0;
fail:
	host_teardown();
	return -1;
}

static int read_byte(int fd, char want)
{
	char c;

	return read(fd, &c, 1) == 1 && c == want ? 0 : -1;
}

/*
 * A child in the cgroup maps len and stores one 8-byte word in each page:
 * 0 (a zero-filled page, as the model's), or a non-zero stamp when `stamp`.
 * The touch is timed from the parent; the reclaim counters around it.
 */
int host_touch(uint64_t len, int stamp, struct touch_result *r)
{
	char pidbuf[32], stat_path[192];
	int go[2], done[2];
	long long pg0, pg1, g0, g1, z0, p0;
	uint64_t t0, t1;
	int status;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	snprintf(stat_path, sizeof(stat_path), "%s/memory.stat", host.cg);
	if (pipe(go) < 0)
		goto err;
	if (pipe(done) < 0) {
		close(go[0]);
		close(go[1]);
		goto err;
	}
	pid = fork();
	if (pid < 0) {
		close(go[0]); close(go[1]); close(done[0]); close(done[1]);
		goto err;
	}
	if (pid == 0) {
		char c;
		volatile uint64_t *q;
		char *p;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(go[1]);
		close(done[0]);
		/* wait to be put in the cgroup */
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			_exit(2);
		madvise(p, len, MADV_NOHUGEPAGE);
		if (write(done[1], "m", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(3);
		for (uint64_t o = 0; o < len; o += PG) {
			q = (volatile uint64_t *)(p + o);
			*q = stamp ? (0x5a5a000000000000ULL | (o / PG)) : 0;
		}
		if (write(done[1], "d", 1) != 1)
			_exit(4);
		pause();	/* until killed: exit is not timed */
		_exit(0);
	}
	host.child = pid;
	close(go[0]);
	close(done[1]);
	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)pid);
	{
		char procs[192];
		int err;

		snprintf(procs, sizeof(procs), "%s/cgroup.procs", host.cg);
		if ((err = write_str(procs, pidbuf))) {
			snprintf(reclaim_why, sizeof(reclaim_why), "join %s: %s", host.cg, strerror(-err));
			goto fail;
		}
	}
	if (write(go[1], "g", 1) != 1 || read_byte(done[0], 'm')) {
		snprintf(reclaim_why, sizeof(reclaim_why), "host child could not map %llu MiB",
			 (unsigned long long)(len / MiB));
		goto fail;
	}
	pg0 = kv_get(stat_path, "pgpgout");
	g0 = kv_sum("/proc/vmstat", "pgsteal_anon", "pgsteal_file");
	z0 = kv_get("/proc/vmstat", "swpout_zero");
	p0 = kv_get("/proc/vmstat", "pswpout");
	t0 = now_ns();
	if (write(go[1], "g", 1) != 1 || read_byte(done[0], 'd')) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			host.child = 0;
			snprintf(reclaim_why, sizeof(reclaim_why), "host child died during the touch (status 0x%x%s)",
				 status, WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL ?
				 ": OOM-killed in the cgroup?" : "");
		} else {
			snprintf(reclaim_why, sizeof(reclaim_why), "host child did not finish the touch");
		}
		goto fail;
	}
	t1 = now_ns();
	pg1 = kv_get(stat_path, "pgpgout");
	g1 = kv_sum("/proc/vmstat", "pgsteal_anon", "pgsteal_file");
	r->s = (double)(t1 - t0) / 1e9;
	r->steal = pg1 - pg0;
	r->steal2 = g1 - g0;
	r->zero = kv_get("/proc/vmstat", "swpout_zero") - z0;
	r->pswpout = kv_get("/proc/vmstat", "pswpout") - p0;
	close(go[1]);
	close(done[0]);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	host.child = 0;
	if (pg0 < 0 || pg1 < 0 || g0 < 0 || g1 < 0) {
		snprintf(reclaim_why, sizeof(reclaim_why), "no pgpgout in %s or no pgsteal_anon in /proc/vmstat",
			 stat_path);
		return -1;
	}
	return 0;
fail:
	close(go[1]);
	close(done[0]);
	if (host.child > 0) {
		kill(host.child, SIGKILL);
		waitpid(host.child, NULL, 0);
		host.child = 0;
	}
	return -1;
err:
	snprintf(reclaim_why, sizeof(reclaim_why), "pipe/fork: %s", strerror(errno));
	return -1;
}
