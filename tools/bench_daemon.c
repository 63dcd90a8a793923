/* SPDX-License-Identifier: MIT */
/*
 * bench_daemon.c - the real mmfs daemon for mmfs-bench: start it in the
 * foreground, wait for its mount to answer, unmount it, reap it, and never
 * leave a mount or a directory behind, even when the bench dies.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "bench.h"

struct bench_daemon mmfsd;

/*
 * Async-signal-safe: lazy unmount, stop the daemon, remove what we made.
 * backing/ holds what the daemon wrote: a child execs rm -r on it (fork and
 * execve may be called from a handler; nftw may not).
 */
static void daemon_emergency_cleanup(void)
{
	pid_t rm;

	if (!mmfsd.pid)
		return;
	umount2(mmfsd.mnt, MNT_DETACH);
	kill(mmfsd.pid, SIGKILL);
	waitpid(mmfsd.pid, NULL, 0);
	mmfsd.pid = 0;
	unlink(mmfsd.log);
	rmdir(mmfsd.mnt);
	rm = fork();
	if (rm == 0) {
		char *const argv[] = { "rm", "-rf", "--", mmfsd.backing, NULL };
		char *const envp[] = { NULL };

		execve("/bin/rm", argv, envp);
		_exit(127);
	}
	if (rm > 0)
		waitpid(rm, NULL, 0);
	rmdir(mmfsd.backing);	/* rm could not run: at least an empty one goes */
	rmdir(mmfsd.dir);
}

static void on_fatal_signal(int sig)
{
	daemon_emergency_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

void install_cleanup(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT,
				    SIGSEGV, SIGBUS, SIGABRT, SIGFPE };

	atexit(daemon_emergency_cleanup);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], on_fatal_signal);
	signal(SIGPIPE, SIG_IGN);
}

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	return remove(path) < 0 ? -1 : 0;
}

static void print_log_tail(const char *path)
{
	char buf[2048];
	int fd = open(path, O_RDONLY);
	off_t size;
	ssize_t n;

	if (fd < 0)
		return;
	size = lseek(fd, 0, SEEK_END);
	lseek(fd, size > (off_t)sizeof(buf) - 1 ? size - (off_t)sizeof(buf) + 1 : 0, SEEK_SET);
	n = read(fd, buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = '\0';
		fprintf(stderr, "--- daemon log (tail) ---\n%s--- end ---\n", buf);
	}
	close(fd);
}

/* Wait up to ms for pid; returns its wait status, or -1 if still running. */
static int wait_for(pid_t pid, long ms)
{
	int status;

	for (long waited = 0; waited <= ms * 10; waited++) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return status;
		if (r < 0)
			return 0;
		sleep_us(100);
	}
	return -1;
}

static int unmount(const char *mnt)
{
	pid_t pid;
	int status;

	if (umount2(mnt, 0) == 0)
		return 0;
	if (errno != EPERM)
		return umount2(mnt, MNT_DETACH) == 0 ? 0 : -errno;
	pid = fork();
	if (pid == 0) {
		execlp("fusermount3", "fusermount3", "-u", "-z", mnt, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -ECHILD;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EPERM;
}

/* Once the daemon is gone: the log, the mount point, backing/, the dir. */
static void daemon_remove_dirs(void)
{
	unlink(mmfsd.log);
	rmdir(mmfsd.mnt);
	nftw(mmfsd.backing, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	rmdir(mmfsd.dir);
}

/* A daemon that lingers after unmount is killed. */
int daemon_stop(void)
{
	int status, ret = 0, err;

	if (!mmfsd.pid)
		return 0;
	err = unmount(mmfsd.mnt);
	if (err)
		fprintf(stderr, "# unmount %s: %s\n", mmfsd.mnt, strerror(-err));
	status = wait_for(mmfsd.pid, 10000);
	if (status == -1) {
		fprintf(stderr, "# daemon %d did not exit after unmount: killed\n", (int)mmfsd.pid);
		kill(mmfsd.pid, SIGKILL);
		waitpid(mmfsd.pid, &status, 0);
		ret = -1;
	} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "# daemon %d ended badly (status 0x%x)\n", (int)mmfsd.pid, status);
		print_log_tail(mmfsd.log);
		ret = -1;
	}
	mmfsd.pid = 0;
	daemon_remove_dirs();
	return ret;
}

int daemon_kill(void)
{
	int status;

	if (!mmfsd.pid)
		return 0;
	kill(mmfsd.pid, SIGKILL);
	waitpid(mmfsd.pid, &status, 0);
	mmfsd.pid = 0;
	umount2(mmfsd.mnt, MNT_DETACH);	/* the dead mount it leaves */
	daemon_remove_dirs();
	return 0;
}

int daemon_start(const char *opts, double *mount_ms, char *why, size_t whylen)
{
	char o[1024], probe[128];
	uint64_t t0, deadline;
	struct stat st;
	pid_t pid;

	snprintf(mmfsd.dir, sizeof(mmfsd.dir), "/tmp/mmfs-bench.XXXXXX");
	if (!mkdtemp(mmfsd.dir)) {
		snprintf(why, whylen, "mkdtemp: %s", strerror(errno));
		return -1;
	}
	snprintf(mmfsd.mnt, sizeof(mmfsd.mnt), "%s/mnt", mmfsd.dir);
	snprintf(mmfsd.backing, sizeof(mmfsd.backing), "%s/backing", mmfsd.dir);
	snprintf(mmfsd.log, sizeof(mmfsd.log), "%s/daemon.log", mmfsd.dir);
	mkdir(mmfsd.mnt, 0755);
	mkdir(mmfsd.backing, 0755);
	if (strstr(opts, "backing="))	/* the caller's own (a journal records its backing) */
		snprintf(o, sizeof(o), "%s", opts);
	else
		snprintf(o, sizeof(o), "%s,backing=%s", opts, mmfsd.backing);
	snprintf(probe, sizeof(probe), "%s/proc/meminfo", mmfsd.mnt);

	t0 = now_ns();
	pid = fork();
	if (pid < 0) {
		snprintf(why, whylen, "fork: %s", strerror(errno));
		daemon_remove_dirs();
		return -1;
	}
	if (pid == 0) {
		int fd = open(mmfsd.log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int null = open("/dev/null", O_RDONLY);

		prctl(PR_SET_PDEATHSIG, SIGTERM);
		dup2(null, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		execl(opt.mmfs, "mmfs", "-f", "-o", o, mmfsd.mnt, (char *)NULL);
		_exit(127);
	}
	mmfsd.pid = pid;

	deadline = t0 + 60ULL * 1000000000ULL;
	while (stat(probe, &st) != 0) {
		int status;

		if (waitpid(pid, &status, WNOHANG) == pid) {
			mmfsd.pid = 0;
			snprintf(why, whylen, "daemon exited before mounting (status 0x%x)", status);
			print_log_tail(mmfsd.log);
			umount2(mmfsd.mnt, MNT_DETACH);
			daemon_remove_dirs();
			return -1;
		}
		if (now_ns() > deadline) {
			snprintf(why, whylen, "no answer from %s after 60 s", probe);
			daemon_stop();
			return -1;
		}
		sleep_us(100);
	}
	*mount_ms = (double)(now_ns() - t0) / 1e6;
	return 0;
}

const char *find_mmfs(void)
{
	static char path[PATH_MAX];
	char self[PATH_MAX - 32];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n <= 0)
		return NULL;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	snprintf(path, sizeof(path), "%s/../fs/mmfs", self);
	if (access(path, X_OK) == 0)
		return path;
	snprintf(path, sizeof(path), "%s/mmfs", self);
	return access(path, X_OK) == 0 ? path : NULL;
}

const char *fuse_unavailable(void)
{
	if (!opt.mmfs)
		return "no mmfs binary (give --mmfs PATH)";
	if (access(opt.mmfs, X_OK) != 0)
		return "mmfs binary not executable";
	if (access("/dev/fuse", R_OK | W_OK) != 0)
		return "/dev/fuse not accessible";
	return NULL;
}

int daemon_ctl_cmd(int fd, const char *cmd, char *reply, size_t cap, char *why, size_t whylen)
{
	size_t len = strlen(cmd), got = 0;
	ssize_t n = write(fd, cmd, len);

	if (n != (ssize_t)len) {
		snprintf(why, whylen, "write(\"%.*s\") = %zd (%s)", (int)strcspn(cmd, "\n"),
			 cmd, n, n < 0 ? strerror(errno) : "short");
		return -1;
	}
	while (got < cap - 1) {
		n = read(fd, reply + got, cap - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
		if (reply[got - 1] == '\n')
			break;
	}
	reply[got] = '\0';
	if (n < 0 || !got || !strncmp(reply, "error", 5)) {
		snprintf(why, whylen, "\"%.*s\" replied \"%.60s\"", (int)strcspn(cmd, "\n"),
			 cmd, n < 0 ? strerror(errno) : reply);
		return -1;
	}
	return 0;
}
