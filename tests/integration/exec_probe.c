// SPDX-License-Identifier: MIT
/*
 * exec_probe - the host's side of exec_elf.sh: run PATH ARG... under
 * ptrace with the environment mmfs gives every process (HOME=/ TERM=linux),
 * stop at the exec (the kernel has loaded the program and its interpreter;
 * not one user instruction has run) and print /proc/PID/maps there (with -s
 * first: smaps; with -t: stat). Run it under `setarch -R`, as the model has
 * no ASLR. Exit 0, or 1 with a reason.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char *envp[] = { "HOME=/", "TERM=linux", NULL };
	char path[64], buf[4096];
	const char *file = "maps";
	int status;
	size_t n;
	pid_t pid;
	FILE *f;

	if (argc > 1 && (!strcmp(argv[1], "-s") || !strcmp(argv[1], "-t"))) {
		file = argv[1][1] == 's' ? "smaps" : "stat";
		argv++;
		argc--;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: exec_probe [-s | -t] PATH [ARG...]\n");
		return 1;
	}
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		execve(argv[1], argv + 1, envp);
		_exit(127);
	}
	/* a traced execve stops with SIGTRAP before the first instruction */
	if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status) || WSTOPSIG(status) != SIGTRAP) {
		fprintf(stderr, "exec_probe: %s did not stop at its exec\n", argv[1]);
		return 1;
	}
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	f = fopen(path, "r");
	if (!f) {
		perror(path);
		return 1;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stdout);
	fclose(f);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return 0;
}
