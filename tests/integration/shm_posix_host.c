/*
 * shm_posix_host.c NAME - the POSIX scenario of shm.sh on the host: glibc's
 * shm_open and shm_unlink of /dev/shm/NAME (removed again at the end), each
 * result as shm.sh prints mmfs's, the fd's fdinfo flags, the created
 * file's mode, and the maps line of a mapping (perms, offset and name).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static void res(const char *what, int r)
{
	if (r < 0)
		printf("%s => %s\n", what, strerrorname_np(errno));
	else
		printf("%s => %d\n", what, r);
}

static void maps(const char *name)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");

	while (fgets(line, sizeof(line), f)) {
		char perms[8], off[32], path[400] = "";

		if (!strstr(line, name))
			continue;
		sscanf(line, "%*s %7s %31s %*s %*s %399[^\n]", perms, off, path);
		printf("%s %s %s\n", perms, off, path);
	}
	fclose(f);
}

int main(int argc, char **argv)
{
	char slashed[300], buf[300];
	const char *name = argc > 1 ? argv[1] : "mmfs-it";
	int fd;
	struct stat st;
	FILE *f;
	char *p;

	snprintf(slashed, sizeof(slashed), "/%s", name);
	res("shm_open /NAME O_CREAT|O_RDWR 0666", fd = shm_open(slashed, O_CREAT | O_RDWR, 0666));
	res("shm_open /NAME O_CREAT|O_EXCL|O_RDWR 0600", shm_open(slashed, O_CREAT | O_EXCL | O_RDWR, 0600));
	res("shm_open a/b O_RDWR 0", shm_open("a/b", O_RDWR, 0));
	res("shm_open / O_RDWR 0", shm_open("/", O_RDWR, 0));
	res("shm_open NAME-none O_RDWR 0", shm_open("mmfs-it-none", O_RDWR, 0));
	snprintf(buf, sizeof(buf), "/proc/self/fdinfo/%d", fd);
	f = fopen(buf, "r");
	while (fgets(buf, sizeof(buf), f))
		if (!strncmp(buf, "flags:", 6))
			fputs(buf, stdout);
	fclose(f);
	fstat(fd, &st);
	printf("mode %o\n", st.st_mode & 07777);
	ftruncate(fd, 4096);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	maps(name);
	res("shm_unlink NAME", shm_unlink(name));
	res("shm_unlink NAME", shm_unlink(name));
	maps(name);
	munmap(p, 4096);
	return 0;
}
