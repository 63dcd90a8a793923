/* SPDX-License-Identifier: MIT */
/*
 * exit_maps - a program's /proc/PID/maps just before it exits, as the host
 * kernel made it: the judge of the strace replay (tests/integration/strace.sh).
 *
 *   exit_maps CMD [ARG...]
 *
 * Runs CMD with address-space randomization off (as setarch -R does) under
 * ptrace; at the PTRACE_EVENT_EXIT stop of CMD's first thread (its
 * exit_group, when its address space is still whole) it prints the maps to
 * stdout, then lets CMD finish. CMD's own stdout and stderr go to /dev/null. Children and threads CMD makes are followed
 * only so that their stops do not hold it up. Exit status: CMD's, or 125
 * when the probe itself failed.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

static int print_maps(pid_t pid)
{
	char path[64], buf[65536];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stdout);
	fclose(f);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	pid_t leader;
	int status, printed = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: exit_maps CMD [ARG...]\n");
		return 125;
	}
	leader = fork();
	if (leader < 0)
		return 125;
	if (leader == 0) {
		int null = open("/dev/null", O_RDWR);

		/* CMD's output is not the maps: it goes where the traced run's went */
		if (null < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
			_exit(125);
		if (personality(ADDR_NO_RANDOMIZE) < 0 || ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			_exit(125);
		raise(SIGSTOP);
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	if (waitpid(leader, &status, 0) < 0 || !WIFSTOPPED(status))
		return 125;
	if (ptrace(PTRACE_SETOPTIONS, leader, NULL,
		   (void *)(long)(PTRACE_O_TRACEEXIT | PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK |
				  PTRACE_O_TRACEVFORK | PTRACE_O_EXITKILL)) < 0)
		return 125;
	ptrace(PTRACE_CONT, leader, NULL, NULL);
	for (;;) {
		pid_t pid = waitpid(-1, &status, __WALL);
		int sig = 0;

		if (pid < 0)
			break;
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			if (pid == leader)
				return printed ? (WIFEXITED(status) ? WEXITSTATUS(status)
								    : 128 + WTERMSIG(status)) : 125;
			continue;
		}
		if (!WIFSTOPPED(status))
			continue;
		if (status >> 8 == (SIGTRAP | (PTRACE_EVENT_EXIT << 8))) {
			if (pid == leader && !printed) {
				if (print_maps(pid) < 0)
					return 125;
				printed = 1;
			}
		} else if (status >> 16 == 0 && WSTOPSIG(status) != SIGTRAP &&
			   WSTOPSIG(status) != SIGSTOP) {
			sig = WSTOPSIG(status);	/* a real signal: deliver it */
		}
		ptrace(PTRACE_CONT, pid, NULL, (void *)(long)sig);
	}
	return printed ? 0 : 125;
}
