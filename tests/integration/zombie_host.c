// SPDX-License-Identifier: MIT
/*
 * zombie_host.c - the host side of threads.sh's zombie leader: the main
 * thread calls pthread_exit while a thread of its own runs; that thread
 * then prints what proc shows of the process (the zombie leader) and of
 * itself, as threads.sh prints the same of a process in mmfs:
 *
 *   status KEY VALUE   the leader's State, FDSize and Threads
 *   gone KEY           a key of the live thread's status the leader's lacks
 *   maps N             bytes of the leader's maps
 *   statm ...          the leader's statm
 *   stat S T V R       the leader's stat: state, num_threads, vsize, rss
 *   fds N              entries of the leader's fd/
 *   tasks N            entries of task/
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char leader[64];

static ssize_t slurp(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, len - 1);

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return n;
}

static int entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static void *thread(void *arg)
{
	char path[128], z[8192], live[8192], key[64], *save, *l;
	unsigned long v[7] = { 0 };

	(void)arg;
	usleep(200000);		/* the main thread has exited */
	snprintf(path, sizeof(path), "%s/status", leader);
	slurp(path, z, sizeof(z));
	for (l = strtok_r(z, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (!strncmp(l, "State:", 6) || !strncmp(l, "FDSize:", 7) || !strncmp(l, "Threads:", 8))
			printf("status %s\n", l);
	slurp("/proc/thread-self/status", live, sizeof(live));
	slurp(path, z, sizeof(z));
	for (l = strtok_r(live, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		snprintf(key, sizeof(key), "\n%.*s", (int)strcspn(l, ":") + 1, l);
		if (!strstr(z, key) && strncmp(z, key + 1, strlen(key + 1)))
			printf("gone %s\n", key + 1);
	}
	snprintf(path, sizeof(path), "%s/maps", leader);
	printf("maps %zd\n", slurp(path, z, sizeof(z)));
	snprintf(path, sizeof(path), "%s/statm", leader);
	slurp(path, z, sizeof(z));
	sscanf(z, "%lu %lu %lu %lu %lu %lu %lu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6]);
	printf("statm %lu %lu %lu %lu %lu %lu %lu\n", v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
	snprintf(path, sizeof(path), "%s/stat", leader);
	slurp(path, z, sizeof(z));
	{
		char st = '?', *p = strrchr(z, ')');
		long f[30] = { 0 };
		int n = 0;

		if (p && sscanf(p + 2, "%c", &st) == 1)
			for (char *q = strtok_r(p + 4, " ", &save); q && n < 30; q = strtok_r(NULL, " ", &save))
				sscanf(q, "%ld", &f[n++]);
		/* after the state: ppid is f[0]; num_threads, vsize, rss are fields 20, 23, 24 */
		printf("stat %c %ld %ld %ld\n", st, f[16], f[19], f[20]);
	}
	snprintf(path, sizeof(path), "%s/fd", leader);
	printf("fds %d\n", entries(path));
	snprintf(path, sizeof(path), "%s/task", leader);
	printf("tasks %d\n", entries(path));
	fflush(stdout);
	return NULL;
}

int main(void)
{
	pthread_t t;

	snprintf(leader, sizeof(leader), "/proc/%d", getpid());
	if (pthread_create(&t, NULL, thread, NULL))
		return 1;
	pthread_exit(NULL);
}
