// SPDX-License-Identifier: MIT
/*
 * threads_host.c - a thread made by the host's glibc: while it runs, the
 * process's maps are printed (threads.sh finds the thread's stack and guard
 * in them and compares them with pthread_create's in the model). Run with
 * ASLR off (setarch -R).
 */
#include <pthread.h>
#include <stdio.h>

static void *show_maps(void *arg)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");

	(void)arg;
	if (!f)
		return (void *)1;
	while (fgets(line, sizeof(line), f))
		fputs(line, stdout);
	fclose(f);
	return NULL;
}

int main(void)
{
	pthread_t t;
	void *ret = (void *)1;

	if (pthread_create(&t, NULL, show_maps, NULL) || pthread_join(t, &ret))
		return 1;
	return ret != NULL;
}
