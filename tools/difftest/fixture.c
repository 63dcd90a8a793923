// SPDX-License-Identifier: MIT
/*
 * fixture.c - the files scripts map. The same tree is made in the host
 * runner's directory (--files) and in mmfs's backing directory, so that
 * "data/f1" names equal files on both sides.
 *
 *	data/f1		16 pages		data/f2		16 pages
 *	data/big	256 pages		data/small	1 page + 100 bytes
 *	data/p8		8 pages (32 KiB)	data/p41	40 pages + 1000 bytes
 *	data/p3		3 pages + 10 bytes	data/empty	0 bytes
 *	data/		(a directory: ENODEV)
 *
 * The p files give faults next to EOF several shapes: a last page that is
 * whole or partial, a file shorter than the readahead window, and one whose
 * async readahead (past page 32) reaches EOF.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "difftest.h"

const struct fixture_file fixture_files[] = {
	{ "data/f1", 16 * PAGE },
	{ "data/f2", 16 * PAGE },
	{ "data/big", 256 * PAGE },
	{ "data/small", PAGE + 100 },
	{ "data/empty", 0 },
	{ "data/p8", 8 * PAGE },
	{ "data/p41", 40 * PAGE + 1000 },
	{ "data/p3", 3 * PAGE + 10 },
};
const size_t fixture_nr_files = sizeof(fixture_files) / sizeof(fixture_files[0]);

/* name's content: every page starts with its name and page number, so a
 * misplaced page is visible; the rest is a byte pattern. */
static int write_file(int dirfd, const char *name, size_t size)
{
	char page[PAGE];
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return -1;
	for (size_t off = 0; off < size; off += PAGE) {
		size_t n = size - off < PAGE ? size - off : PAGE;

		for (size_t i = 0; i < PAGE; i++)
			page[i] = (char)('a' + (i + off / PAGE) % 26);
		snprintf(page, sizeof(page), "%s page %zu\n", name, (size_t)(off / PAGE));
		if (write(fd, page, n) != (ssize_t)n) {
			close(fd);
			return -1;
		}
	}
	return close(fd);
}

int fixture_create(const char *dir)
{
	int dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (dirfd < 0 || (mkdirat(dirfd, "data", 0755) && errno != EEXIST)) {
		fprintf(stderr, "mmfs-difftest: %s: %s\n", dir, strerror(errno));
		if (dirfd >= 0)
			close(dirfd);
		return -1;
	}
	for (size_t i = 0; i < fixture_nr_files; i++) {
		if (write_file(dirfd, fixture_files[i].name, fixture_files[i].size)) {
			fprintf(stderr, "mmfs-difftest: %s/%s: %s\n", dir,
				fixture_files[i].name, strerror(errno));
			close(dirfd);
			return -1;
		}
	}
	close(dirfd);
	return 0;
}
