/* SPDX-License-Identifier: MIT */
/*
 * backingtest.h - a machine with a fresh backing directory, for the tests
 * of files and the page cache: make the directory, put files in it, boot
 * on it, and take it all down (machine, directory, leak check). Each test
 * file defines `m`, the machine under test, before including this.
 */
#ifndef TESTS_BACKINGTEST_H
#define TESTS_BACKINGTEST_H

#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "leakcheck.h"
#include "../../mm/mm.h"

/* A fresh directory from template (".../name.XXXXXX"), into dir (as long). */
static inline void backing_mkdir(char *dir, const char *template)
{
	strcpy(dir, template);
	cr_assert(mkdtemp(dir), "mkdtemp %s", template);
}

/* dir/name: size bytes of 'f', written a page at a time. */
static inline void backing_put(const char *dir, const char *name, size_t size)
{
	char path[300], page[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert(fd >= 0);
	memset(page, 'f', sizeof(page));
	for (size_t off = 0; off < size; off += sizeof(page))
		cr_assert_eq(write(fd, page, size - off < 4096 ? size - off : 4096),
			     (ssize_t)(size - off < 4096 ? size - off : 4096));
	close(fd);
}

/* Boot m with ram_bytes in nr_nodes nodes, its files in dir (device fe:01). */
static inline void backing_boot(const char *dir, uint64_t ram_bytes, int nr_nodes)
{
	struct mm_config cfg = { .ram_bytes = ram_bytes, .nr_nodes = nr_nodes };

	m = mm_boot(&cfg, NULL, 0);
	cr_assert(m);
	cr_assert_eq(mm_set_backing(m, dir, 0xfe, 1), 0);
}

/* Shut m down, remove dir, and fail the test if anything leaked. */
static inline void backing_shutdown(const char *dir)
{
	char cmd[300];

	mm_shutdown(m);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd)) {
	}
	leak_check();
}

#endif
