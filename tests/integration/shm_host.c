/*
 * shm_host.c - the System V scenario of shm.sh on the host kernel, run in a
 * fresh IPC namespace (unshare -i) so ids start at 0. Prints each call's
 * result ("addr" for an address the layout decides, errno names for
 * failures), proc/sysvipc/shm after each step (cpid/lpid as P and C, times
 * dropped) and the SYSV lines of maps without their addresses.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

static int parent, child;

static void res(const char *what, long r, int is_addr)
{
	if (r == -1)
		printf("%s => %s\n", what, strerrorname_np(errno));
	else if (is_addr && r != 0x10000000)
		printf("%s => addr\n", what);
	else if (is_addr)
		printf("%s => 0x%lx\n", what, r);
	else
		printf("%s => %ld\n", what, r);
}

static const char *who(int pid)
{
	static char b[2][16];
	static int k;

	k ^= 1;
	if (pid == parent)
		return "P";
	if (pid && pid == child)
		return "C";
	snprintf(b[k], sizeof(b[k]), "%d", pid);
	return b[k];
}

static void dump(const char *step)
{
	char line[512];
	FILE *f = fopen("/proc/sysvipc/shm", "r");

	printf("== %s\n", step);
	fgets(line, sizeof(line), f);
	while (fgets(line, sizeof(line), f)) {
		long key, id, size, nattch, rss, swap, x;
		int cpid, lpid;
		unsigned mode;

		sscanf(line, "%ld %ld %o %ld %d %d %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld", &key, &id,
		       &mode, &size, &cpid, &lpid, &nattch, &x, &x, &x, &x, &x, &x, &x, &rss, &swap);
		printf("%ld %ld %o %ld %s %s %ld %ld %ld\n", key, id, mode, size, who(cpid), who(lpid),
		       nattch, rss, swap);
	}
	fclose(f);
}

static void maps(void)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");

	while (fgets(line, sizeof(line), f))
		if (strstr(line, "/SYSV"))
			fputs(strchr(line, ' ') + 1, stdout);
	fclose(f);
}

int main(void)
{
	int a, b, pfd[2];
	char *p, *q, *r, *s, c;

	parent = getpid();
	res("shmget IPC_PRIVATE 10000 IPC_CREAT|0640", a = shmget(IPC_PRIVATE, 10000, IPC_CREAT | 0640), 0);
	res("shmget 0x1234 8192 IPC_CREAT|IPC_EXCL|0600", b = shmget(0x1234, 8192, IPC_CREAT | IPC_EXCL | 0600), 0);
	res("shmget 0x1234 8192 IPC_CREAT|IPC_EXCL|0600", shmget(0x1234, 8192, IPC_CREAT | IPC_EXCL | 0600), 0);
	res("shmget 0x1234 100000 0", shmget(0x1234, 100000, 0), 0);
	res("shmget 0x1235 100 0", shmget(0x1235, 100, 0), 0);
	res("shmget IPC_PRIVATE 0 IPC_CREAT", shmget(IPC_PRIVATE, 0, IPC_CREAT), 0);
	res("shmat 0 0 0", (long)(p = shmat(a, NULL, 0)), 1);
	res("shmat 1 0 SHM_RDONLY", (long)(q = shmat(b, NULL, SHM_RDONLY)), 1);
	res("shmat 99 0 0", (long)shmat(99, NULL, 0), 1);
	res("shmat 0 0x1001 0", (long)shmat(a, (void *)0x1001, 0), 1);
	res("shmat 0 0x10000001 SHM_RND", (long)(r = shmat(a, (void *)0x10000001, SHM_RND)), 1);
	memset(p, 1, 8192);
	dump("touched");
	maps();
	if (pipe(pfd))
		return 1;
	child = fork();
	if (!child) {
		close(pfd[1]);
		read(pfd[0], &c, 1);
		_exit(0);
	}
	dump("fork");
	close(pfd[1]);
	waitpid(child, NULL, 0);
	dump("child exit");
	res("shmctl 1 rmid", shmctl(b, IPC_RMID, NULL), 0);
	dump("rmid");
	res("shmat 1 0 0", (long)(s = shmat(b, NULL, 0)), 1);
	dump("attach removed");
	maps();
	res("shmdt q", shmdt(q), 0);
	res("shmdt s", shmdt(s), 0);
	dump("last detach");
	res("shmdt 0x1000", shmdt((void *)0x1000), 0);
	res("shmctl 0 lock", shmctl(a, SHM_LOCK, NULL), 0);
	dump("locked");
	res("shmctl 0 unlock", shmctl(a, SHM_UNLOCK, NULL), 0);
	res("shmctl 77 rmid", shmctl(77, IPC_RMID, NULL), 0);
	res("shmctl 0 rmid", shmctl(a, IPC_RMID, NULL), 0);
	dump("a removed");
	res("shmdt r", shmdt(r), 0);
	res("shmdt p", shmdt(p), 0);
	dump("end");
	res("shmget IPC_PRIVATE 4096 IPC_CREAT|0600", shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600), 0);
	return 0;
}
