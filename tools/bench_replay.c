/* SPDX-License-Identifier: MIT */
/*
 * bench_replay.c - the replay group: how fast a real program's strace
 * becomes simulated processes.
 *
 * The program is this binary's own workload (mmfs-bench --replay-workload
 * N: N rounds of mmap 64K, mprotect, munmap and a getpid, so one trace line
 * in four is skipped), traced by the host's strace -f. Figures, lines per
 * second:
 *   host_strace: the program running under strace on the host, its trace
 *     going to a file: the rate a live trace arrives at (the baseline);
 *   file: mmfs-replay feeding the saved trace into a mounted machine,
 *     against host_strace; the goal is 200k lines/s;
 *   live: strace -f -o MNT/proc/PID/ctl running the same program, against
 *     host_strace (what mirroring a program costs it).
 * The replay tool is found next to this binary (BUILD/tools/mmfs-replay).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define GOAL_LINES_S 200000.0

int replay_workload(long rounds)
{
	for (long i = 0; i < rounds; i++) {
		char *p = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);

		if (p == MAP_FAILED)
			return 1;
		mprotect(p, 4096, PROT_NONE);
		munmap(p, 65536);
		getpid();
	}
	return 0;
}

/* Run argv, stdout and stderr to /dev/null; seconds it took, or -1. */
static double run_timed(char *const argv[])
{
	uint64_t t0 = now_ns();
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(null, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) > 1)
		return -1;
	return (double)(now_ns() - t0) / 1e9;
}

static long count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	long n = 0;
	int c;

	if (!f)
		return -1;
	while ((c = getc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

static int self_path(char *self, size_t cap, char *dir, size_t dircap)
{
	ssize_t n = readlink("/proc/self/exe", self, cap - 1);
	char *slash;

	if (n <= 0)
		return -1;
	self[n] = '\0';
	snprintf(dir, dircap, "%s", self);
	slash = strrchr(dir, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	return 0;
}

static int spawn_pid(void)
{
	char path[160], reply[64], why[128];
	int fd, pid = -1;

	snprintf(path, sizeof(path), "%s/ctl", mmfsd.mnt);
	fd = open(path, O_RDWR);
	if (fd >= 0 && !daemon_ctl_cmd(fd, "spawn\n", reply, sizeof(reply), why, sizeof(why)))
		pid = atoi(reply);
	if (fd >= 0)
		close(fd);
	return pid;
}

void bench_replay(void)
{
	char self[PATH_MAX], dir[PATH_MAX], tool[PATH_MAX + 16], trace[PATH_MAX + 16];
	char rounds_s[32], ctl[200], why[256], pid_s[16];
	long rounds = opt.quick ? 5000 : 50000, lines;
	double host_s, file_s, live_s, ms;
	int pid;
	const char *nofuse = fuse_unavailable();

	if (access("/usr/bin/strace", X_OK)) {
		row_skip("replay", "no /usr/bin/strace (apt-get install strace)");
		return;
	}
	if (nofuse) {
		row_skip("replay", nofuse);
		return;
	}
	if (self_path(self, sizeof(self), dir, sizeof(dir))) {
		row_fail("replay", "host_strace", "cannot find this binary");
		return;
	}
	snprintf(tool, sizeof(tool), "%s/mmfs-replay", dir);
	snprintf(rounds_s, sizeof(rounds_s), "%ld", rounds);
	if (daemon_start("ram=1G", &ms, why, sizeof(why))) {
		row_fail("replay", "host_strace", "%s", why);
		return;
	}
	snprintf(trace, sizeof(trace), "%s/trace.txt", mmfsd.dir);

	host_s = run_timed((char *const[]){ "strace", "-f", "-o", trace, self,
					    "--replay-workload", rounds_s, NULL });
	lines = count_lines(trace);
	if (host_s <= 0 || lines < rounds * 4) {
		row_fail("replay", "host_strace", "strace of the workload failed");
		daemon_stop();
		return;
	}
	row("replay", "host_strace", (double)lines / host_s, "lines/s", "-", 0);

	file_s = run_timed((char *const[]){ tool, "-q", mmfsd.mnt, trace, NULL });
	if (file_s <= 0)
		row_fail("replay", "file", "%s failed", tool);
	else
		row_verdict("replay", "file", (double)lines / file_s, "lines/s", "host_strace",
			    (double)lines / host_s,
			    (double)lines / file_s >= GOAL_LINES_S ? "PASS >=200k lines/s"
								   : "FAIL <200k lines/s");

	pid = spawn_pid();
	snprintf(pid_s, sizeof(pid_s), "%d", pid);
	snprintf(ctl, sizeof(ctl), "%s/proc/%s/ctl", mmfsd.mnt, pid_s);
	live_s = pid > 0 ? run_timed((char *const[]){ "strace", "-f", "-o", ctl, self,
						      "--replay-workload", rounds_s, NULL })
			 : -1;
	if (live_s <= 0)
		row_fail("replay", "live", "strace -o %s failed", ctl);
	else
		row("replay", "live", (double)lines / live_s, "lines/s", "host_strace",
		    (double)lines / host_s);
	unlink(trace);
	daemon_stop();
}
