// SPDX-License-Identifier: MIT
/*
 * migrate_probe - what the host kernel answers to migrate_pages, move_pages
 * and the affinity calls on its single node, one line per case, in the
 * form migrate_host.sh builds from mmfs's replies to the same calls:
 *
 *   NAME RET [STATUS, ...]     a call that succeeded (move_pages' statuses as strace names them)
 *   NAME RET                   migrate_pages, sched_setaffinity
 *   NAME RET [CPU ...]         sched_getaffinity
 *   NAME error ENAME           a call that failed
 *
 * The scenario: four private anonymous pages at a, the first two written,
 * the third read (the zero page), the fourth untouched, and 0x1000 where
 * nothing is mapped. No address is printed, so both sides compare as text.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NOPID 4194303	/* above every pid the host hands out by default */

static void status_line(const char *name, long r, int n, const int *st)
{
	if (r < 0) {
		printf("%s error %s\n", name, strerrorname_np(errno));
		return;
	}
	printf("%s %ld [", name, r);
	for (int i = 0; i < n; i++) {
		if (st[i] < 0)
			printf("%s-%s", i ? ", " : "", strerrorname_np(-st[i]));
		else
			printf("%s%d", i ? ", " : "", st[i]);
	}
	printf("]\n");
}

static void plain_line(const char *name, long r)
{
	if (r < 0)
		printf("%s error %s\n", name, strerrorname_np(errno));
	else
		printf("%s %ld\n", name, r);
}

/* sched_getaffinity: the bytes copied and the CPUs, "32 [0 1]" */
static void cpus_line(const char *name, long r, const unsigned long *mask)
{
	int first = 1;

	if (r < 0) {
		plain_line(name, r);
		return;
	}
	printf("%s %ld [", name, r);
	for (long c = 0; c < r * 8; c++)
		if ((mask[c / 64] >> (c % 64)) & 1) {
			printf(first ? "%ld" : " %ld", c);
			first = 0;
		}
	printf("]\n");
}

int main(void)
{
	char *a = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *pages[5];
	int st[5], nodes[5] = { 0, 0, 0, 0, 0 };
	unsigned long old = 1, new = 1;
	unsigned long mask[16];
	volatile char c;
	long r;

	if (a == MAP_FAILED)
		return 1;
	a[0] = 1;
	a[4096] = 1;
	c = a[2 * 4096];
	(void)c;
	for (int i = 0; i < 4; i++)
		pages[i] = a + i * 4096;
	pages[4] = (void *)0x1000;

	memset(st, 0x7f, sizeof(st));
	r = syscall(SYS_move_pages, 0, 5, pages, NULL, st, 0);
	status_line("query", r, 5, st);
	memset(st, 0, sizeof(st));
	r = syscall(SYS_move_pages, 0, 5, pages, nodes, st, 0);
	status_line("move", r, 5, st);
	r = syscall(SYS_move_pages, 0, 5, pages, nodes, st, 4);
	status_line("move_all", r, 5, st);
	nodes[1] = 1;
	r = syscall(SYS_move_pages, 0, 5, pages, nodes, st, 0);
	status_line("move_node1", r, 5, st);
	nodes[1] = -1;
	r = syscall(SYS_move_pages, 0, 5, pages, nodes, st, 0);
	status_line("move_node-1", r, 5, st);
	r = syscall(SYS_move_pages, 0, 2, pages, NULL, st, 8);
	status_line("query_flags8", r, 2, st);
	r = syscall(SYS_move_pages, NOPID, 2, pages, NULL, st, 0);
	status_line("query_nopid", r, 2, st);

	r = syscall(SYS_migrate_pages, 0, 64, &old, &new);
	plain_line("migrate_0_0", r);
	new = 2;
	r = syscall(SYS_migrate_pages, 0, 64, &old, &new);
	plain_line("migrate_0_1", r);
	r = syscall(SYS_migrate_pages, NOPID, 64, &old, &old);
	plain_line("migrate_nopid", r);
	new = 1;
	r = syscall(SYS_migrate_pages, 0, 1, &old, &new);	/* maxnode - 1 = 0 bits: nothing */
	plain_line("migrate_maxnode1", r);
	r = syscall(SYS_migrate_pages, 0, 2, &old, &new);
	plain_line("migrate_maxnode2", r);
	r = syscall(SYS_migrate_pages, 0, 40000, &old, &new);	/* more than a page of bits */
	plain_line("migrate_maxnode40000", r);

	memset(mask, 0, sizeof(mask));
	mask[1] = 1UL << 36;	/* CPU 100 */
	r = syscall(SYS_sched_setaffinity, 0, 128, mask);
	plain_line("setaffinity_100", r);
	r = syscall(SYS_sched_setaffinity, NOPID, 128, mask);
	plain_line("setaffinity_nopid", r);
	r = syscall(SYS_sched_getaffinity, 0, 4, mask);
	plain_line("getaffinity_4", r);
	r = syscall(SYS_sched_getaffinity, 0, 12, mask);
	plain_line("getaffinity_12", r);
	/* the host's two CPUs, as mmfs's default cpus=2 */
	memset(mask, 0xff, sizeof(mask));
	r = syscall(SYS_sched_getaffinity, 0, 128, mask);
	cpus_line("getaffinity_128", r, mask);
	memset(mask, 0, sizeof(mask));
	mask[0] = 2;
	r = syscall(SYS_sched_setaffinity, 0, 128, mask);
	plain_line("setaffinity_1", r);
	r = syscall(SYS_sched_getaffinity, 0, 8, mask);
	cpus_line("getaffinity_8", r, mask);
	return 0;
}
