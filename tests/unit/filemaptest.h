/* SPDX-License-Identifier: MIT */
/*
 * filemaptest.h - what the page-cache tests share (test_filemap.c,
 * test_filemap_wb.c): a machine booted on a fresh backing directory, calls
 * into it, the host's view of the backing files, and the figures. mm_check
 * runs after every step.
 */
#ifndef TESTS_FILEMAPTEST_H
#define TESTS_FILEMAPTEST_H

#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "leakcheck.h"
#include "../../mm/internal.h"
#include "../../mm/memory.h"
#include "../../mm/task.h"

static struct machine *m;
static char dir[] = "/tmp/mmfs-pc.XXXXXX";

#include "backingtest.h"

static inline void check_ok(void)
{
	int nbad = -1;
	char *r = mm_check(m, &nbad);

	cr_assert_eq(nbad, 0, "check:\n%s", r);
	free(r);
}

static inline int call_err(int pid, struct mm_call c, uint64_t *ret)
{
	char why[256] = "";
	uint64_t dummy;

	if (c.verb == MMV_MMAP && !c.path[0])
		c.fd = -1;
	return mm_syscall(m, pid, &c, ret ? ret : &dummy, why, sizeof(why));
}

static inline uint64_t call(int pid, struct mm_call c)
{
	uint64_t ret = 0;
	int err = call_err(pid, c, &ret);

	cr_assert_eq(err, 0, "%s failed: %d", mm_verb_name(c.verb), err);
	check_ok();
	return ret;
}

static inline uint64_t map_file(int pid, const char *path, uint64_t len, uint64_t flags)
{
	struct mm_call c = { .verb = MMV_MMAP, .len = len, .fd = -1,
		.prot = MM_PROT_READ | MM_PROT_WRITE, .flags = flags };

	snprintf(c.path, sizeof(c.path), "%s", path);
	return call(pid, c);
}

static inline int touch_err(int pid, uint64_t addr, uint64_t len, int write)
{
	return call_err(pid, (struct mm_call){ .verb = MMV_TOUCH, .addr = addr, .len = len,
					       .mode = write ? 'w' : 'r' }, NULL);
}

static inline void touch(int pid, uint64_t addr, uint64_t len, int write)
{
	cr_assert_eq(touch_err(pid, addr, len, write), 0);
	check_ok();
}

static inline void mem_rw(int pid, uint64_t addr, void *buf, size_t len, int write)
{
	cr_assert_eq(mm_mem_rw(m, pid, addr, buf, len, write), (long)len);
	check_ok();
}

/* The backing file path of a simulated name. */
static inline const char *host(const char *name)
{
	static char p[2][256];	/* two at once: rename(host(a), host(b)) */
	static int i;

	i ^= 1;
	snprintf(p[i], sizeof(p[i]), "%s/%s", dir, name);
	return p[i];
}

static inline void put_host(const char *name, const char *bytes, size_t len)
{
	int fd = open(host(name), O_WRONLY | O_CREAT | O_TRUNC, 0644);

	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, bytes, len), (ssize_t)len);
	close(fd);
}

/* Exactly len bytes of the backing file at off; the file's size is returned. */
static inline long get_host(const char *name, uint64_t off, char *buf, size_t len)
{
	int fd = open(host(name), O_RDONLY);
	struct stat st;

	cr_assert(fd >= 0);
	cr_assert_eq(fstat(fd, &st), 0);
	memset(buf, 0, len);
	cr_assert(pread(fd, buf, len, (off_t)off) >= 0);
	close(fd);
	return (long)st.st_size;
}

static inline void file_write(const char *path, uint64_t off, const char *s)
{
	cr_assert_eq(mm_file_write(m, path, off, s, strlen(s)), (long)strlen(s));
	check_ok();
}

static inline void expect_file(const char *path, uint64_t off, const char *s)
{
	char buf[256] = "";

	cr_assert_eq(mm_file_read(m, path, off, buf, strlen(s)), (long)strlen(s));
	cr_assert(!memcmp(buf, s, strlen(s)), "read '%.*s', want '%s'", (int)strlen(s), buf, s);
}

static inline struct mm_global_snap *gsnap(void)
{
	struct mm_global_snap *s = mm_snap_global(m);

	cr_assert(s);
	return s;
}

static inline uint64_t meminfo(int item)
{
	struct mm_global_snap *s = gsnap();
	uint64_t v = s->meminfo[item];

	free(s);
	return v;
}

static inline int64_t nodestat(int item)
{
	struct mm_global_snap *s = gsnap();
	int64_t v = s->node[0].stat[item];

	free(s);
	return v;
}

static inline int64_t event(int item)
{
	struct mm_global_snap *s = gsnap();
	int64_t v = s->vm_events[item];

	free(s);
	return v;
}

static inline struct mm_vma_snap vma_at(int pid, uint64_t addr)
{
	struct mm_task_snap *t = mm_snap_task(m, pid, 2);
	struct mm_vma_snap v = { 0 };

	cr_assert(t);
	for (size_t i = 0; i < t->nr_vmas; i++)
		if (t->vmas[i].start <= addr && addr < t->vmas[i].end)
			v = t->vmas[i];
	free(t);
	return v;
}

static inline void tunable(const char *name, const char *val)
{
	cr_assert_eq(mm_tunable_write(m, name, val, strlen(val)), 0, "%s=%s", name, val);
}

static inline void setup(void)
{
	backing_mkdir(dir, "/tmp/mmfs-pc.XXXXXX");
	backing_boot(dir, 1ULL << 30, 1);
}

static inline void teardown(void)
{
	backing_shutdown(dir);
}

TestSuite(filemap, .init = setup, .fini = teardown);

#endif
