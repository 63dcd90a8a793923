/* SPDX-License-Identifier: MIT */
/*
 * backing.c - fuzz_model's backing=DIR: one temporary directory per fuzzer
 * process, emptied and refilled with the same small files before every
 * input, so an input sees the same file system whatever ran before it.
 *
 *   /a      3 pages + 100 bytes      /d/e   2 pages + 1 byte
 *   /b      1 page                   /ro    1 page, mode 0444
 *   /c      empty                    /big   16 pages + 5 bytes
 *   /d      a directory
 *
 * The bytes are a pattern of the file's name and offset, so a page read
 * from the wrong file or offset would differ.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "model.h"

static const struct seed_file {
	const char *name;
	size_t size;
	mode_t mode;
} seed_files[] = {
	{ "a", 3 * 4096 + 100, 0644 },
	{ "b", 4096, 0644 },
	{ "c", 0, 0644 },
	{ "d/e", 2 * 4096 + 1, 0644 },
	{ "ro", 4096, 0444 },
	{ "big", 16 * 4096 + 5, 0644 },
};

static char dir_path[4096];

static void remove_dir(void)
{
	backing_reset(NULL);
	rmdir(dir_path);
}

/*
 * Under $TMPDIR, else /dev/shm, else /tmp: the directory is emptied and
 * refilled for every input, which costs a disk file system far more than
 * tmpfs.
 */
const char *backing_dir(void)
{
	const char *tmp = getenv("TMPDIR");
	struct stat st;

	if (dir_path[0])
		return dir_path;
	if (!tmp || !*tmp)
		tmp = !stat("/dev/shm", &st) && S_ISDIR(st.st_mode) && !access("/dev/shm", W_OK)
		      ? "/dev/shm" : "/tmp";
	snprintf(dir_path, sizeof(dir_path), "%s/mmfs-fuzz.XXXXXX", tmp);
	FUZZ_ASSERT(mkdtemp(dir_path), "mkdtemp %s: %s", dir_path, strerror(errno));
	atexit(remove_dir);
	return dir_path;
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	if (ftw->level > 0 && remove(path))
		FUZZ_ASSERT(0, "remove %s: %s", path, strerror(errno));
	return 0;
}

static void write_file(const char *dir, const struct seed_file *f)
{
	static uint8_t *bytes[sizeof(seed_files) / sizeof(seed_files[0])];
	size_t i = (size_t)(f - seed_files);
	char path[4096 + 64];
	int fd;

	if (!bytes[i] && f->size) {	/* computed once: every input writes the same */
		bytes[i] = malloc(f->size);
		FUZZ_ASSERT(bytes[i], "out of memory");
		for (size_t off = 0; off < f->size; off++)
			bytes[i][off] = (uint8_t)(f->name[0] + off / 4096 + off % 251);
	}
	snprintf(path, sizeof(path), "%s/%s", dir, f->name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	FUZZ_ASSERT(fd >= 0, "create %s: %s", path, strerror(errno));
	FUZZ_ASSERT(!f->size || write(fd, bytes[i], f->size) == (ssize_t)f->size, "write %s", path);
	FUZZ_ASSERT(!fchmod(fd, f->mode) && !close(fd), "close %s", path);
}

/* Empty dir (NULL: ours), then fill it with the seed files. */
void backing_reset(const char *dir)
{
	char d[4096 + 8];

	if (nftw(dir ? dir : dir_path, remove_one, 16, FTW_DEPTH | FTW_PHYS))
		FUZZ_ASSERT(0, "empty %s: %s", dir ? dir : dir_path, strerror(errno));
	if (!dir)
		return;
	snprintf(d, sizeof(d), "%s/d", dir);
	FUZZ_ASSERT(!mkdir(d, 0755), "mkdir %s: %s", d, strerror(errno));
	for (size_t i = 0; i < sizeof(seed_files) / sizeof(seed_files[0]); i++)
		write_file(dir, &seed_files[i]);
}

/*
 * What files/ does for a rename (to != NULL) or an unlink: the host
 * operation on backing=DIR; the caller tells the model only when it
 * worked. from and to are absolute paths of the simulated root.
 */
int backing_rename(const char *dir, const char *from, const char *to)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY), err = 0;

	FUZZ_ASSERT(dfd >= 0, "open %s: %s", dir, strerror(errno));
	if (to ? renameat(dfd, from + 1, dfd, to + 1) : unlinkat(dfd, from + 1, 0))
		err = -errno;
	close(dfd);
	return err;
}

/* Open file descriptors of this process: a model that leaks them runs dry. */
int open_fd_count(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	FUZZ_ASSERT(d, "opendir /proc/self/fd: %s", strerror(errno));
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}
