/*
 * mempolicy_shared_host.c - the host side of mempolicy_shared_host.sh: the
 * shared-policy scenario of one System V segment and two processes, run on
 * the host kernel (one node) in a fresh IPC namespace (unshare -i) so the
 * segment's id is 0. Prints each process's SYSV lines of numa_maps with
 * their address cut to its offset from the attach ("+0x4000"), and
 * get_mempolicy(MPOL_F_ADDR) of the other process in the middle.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MPOL_BIND	2
#define MPOL_INTERLEAVE	3
#define MPOL_F_ADDR	2

static void lines(const char *who, pid_t pid, unsigned long base)
{
	char path[64], line[512];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/numa_maps", (int)pid);
	f = fopen(path, "r");
	if (!f)
		exit(2);
	while (fgets(line, sizeof(line), f)) {
		char *rest;
		unsigned long a = strtoul(line, &rest, 16);

		if (strstr(line, "SYSV"))
			printf("%s +%#lx%s", who, a - base, rest);
	}
	fclose(f);
}

static void getpol(const char *who, void *addr)
{
	unsigned long nodes = 0;
	int pol = -1;
	long r = syscall(SYS_get_mempolicy, &pol, &nodes, 64, addr, MPOL_F_ADDR);

	printf("%s get_mempolicy %ld %d %#lx\n", who, r, pol, nodes);
}

int main(void)
{
	int id = shmget(IPC_PRIVATE, 65536, IPC_CREAT | 0600), go[2], done[2];
	char *a = shmat(id, NULL, 0), c;
	unsigned long one = 1;
	pid_t kid;

	if (id != 0 || a == (void *)-1 || pipe(go) || pipe(done))
		return 2;
	kid = fork();
	if (kid == 0) {
		char *b = shmat(id, NULL, 0);

		if (read(go[0], &c, 1) != 1)	/* the parent has mbound its attach */
			_exit(2);
		memset(b, 1, 65536);
		lines("b", getpid(), (unsigned long)b);
		getpol("b", b);
		fflush(stdout);
		if (write(done[1], "x", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(2);
		lines("b", getpid(), (unsigned long)b);
		getpol("b", b + 0x5000);
		fflush(stdout);
		_exit(0);
	}
	printf("mbind %ld\n", syscall(SYS_mbind, a, 65536, MPOL_INTERLEAVE, &one, 64, 0));
	fflush(stdout);
	if (write(go[1], "x", 1) != 1 || read(done[0], &c, 1) != 1)
		return 2;
	printf("mbind %ld\n", syscall(SYS_mbind, a + 0x4000, 16384, MPOL_BIND, &one, 64, 0));
	lines("a", getpid(), (unsigned long)a);
	fflush(stdout);
	if (write(go[1], "x", 1) != 1)
		return 2;
	waitpid(kid, NULL, 0);
	shmdt(a);
	shmctl(id, IPC_RMID, NULL);
	return 0;
}
