/* SPDX-License-Identifier: MIT */
/*
 * test_file_lower.c - lower=DIR in the model (mm/file_lower.c): the merged
 * walk (upper wins, symlinks of either layer, absolute ones from the merged
 * root, ".." stopping at the root, ELOOP), copy-up on a write open keeping
 * the model's inode, whiteouts, and not one byte written below lower=DIR.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "leakcheck.h"
#include "../../mm/internal.h"
#include "../../mm/mm.h"
#include "../../mm/file.h"
#include "../../mm/file_lower.h"

static struct machine *m;
static char dir[64], low[64];

#include "mmtest.h"
#include "backingtest.h"

static void put(const char *root, const char *rel, const char *text)
{
	char path[300];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	cr_assert(f, "%s", path);
	fputs(text, f);
	fclose(f);
}

static void sub(const char *root, const char *rel)
{
	char path[300];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	cr_assert_eq(mkdir(path, 0750), 0);
}

static void lnk(const char *root, const char *target, const char *rel)
{
	char path[300];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	cr_assert_eq(symlink(target, path), 0);
}

/* Every name, mode, size, mtime and byte below lower=DIR. */
static char *fingerprint(void)
{
	char cmd[512], *out = calloc(1, 65536);
	FILE *p;

	snprintf(cmd, sizeof(cmd), "cd %s && find . -printf '%%p %%m %%s %%T@\\n' | sort && "
		 "find . -type f -exec md5sum {} + | sort", low);
	p = popen(cmd, "r");
	cr_assert(p && out);
	cr_assert(fread(out, 1, 65535, p) > 0);
	pclose(p);
	return out;
}

static void setup(void)
{
	struct mm_config cfg = { .ram_bytes = 256ULL << 20, .nr_nodes = 1 };

	backing_mkdir(dir, "/tmp/mmfs-up.XXXXXX");
	backing_mkdir(low, "/tmp/mmfs-low.XXXXXX");
	sub(low, "d");
	sub(low, "d/e");
	put(low, "d/e/f", "lower f\n");
	put(low, "d/g", "lower g\n");
	put(low, "top", "lower top\n");
	lnk(low, "/d/e/f", "abs");		/* absolute: from the merged root */
	lnk(low, "d/../../../top", "climb");	/* ".." stops at the root */
	lnk(low, "loop2", "loop1");
	lnk(low, "loop1", "loop2");
	sub(dir, "d");
	put(dir, "d/g", "upper g\n");		/* the upper layer wins */
	m = mm_boot(&cfg, NULL, 0);
	cr_assert(m);
	cr_assert_eq(mm_set_lower(m, low, NULL), 0);
	cr_assert_eq(mm_set_backing(m, dir, 0xfe, 1), 0);
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", low);
	if (system(cmd)) {
	}
	backing_shutdown(dir);
}

TestSuite(file_lower, .init = setup, .fini = teardown);

static int walk(const char *path, int follow, struct merged_path *w)
{
	int err;

	machine_lock(m);
	err = merged_walk(m, path, follow, w);
	machine_unlock(m);
	return err;
}

Test(file_lower, merged_walk)
{
	struct merged_path w;

	cr_assert_eq(walk("d/g", 1, &w), 0);
	cr_expect_eq(w.layer, LAYER_UPPER);
	cr_assert_eq(walk("/d/e/f", 1, &w), 0);
	cr_expect_eq(w.layer, LAYER_LOWER);
	cr_expect_str_eq(w.rel, "d/e/f");
	cr_assert_eq(walk("abs", 1, &w), 0);
	cr_expect_str_eq(w.rel, "d/e/f");
	cr_assert_eq(walk("abs", 0, &w), 0);
	cr_expect(S_ISLNK(w.st.st_mode));
	cr_assert_eq(walk("climb", 1, &w), 0);
	cr_expect_str_eq(w.rel, "top");
	cr_expect_eq(walk("loop1", 1, &w), -ELOOP);
	cr_expect_eq(walk("top/x", 1, &w), -ENOTDIR);
	cr_expect_eq(walk("d/nope", 1, &w), -ENOENT);
	cr_expect(w.missing_last);
	cr_expect_eq(walk("nope/x", 1, &w), -ENOENT);
	cr_expect(!w.missing_last);
}

/* open through the syscall layer, as a process's ctl would: the fd or -errno */
static int sys_open(const char *path, uint64_t flags)
{
	struct mm_call c = { .verb = MMV_OPEN, .fd = -1, .flags = flags };
	char why[256];
	uint64_t ret = 0;
	int err;

	snprintf(c.path, sizeof(c.path), "%s", path);
	err = mm_syscall(m, 1, &c, &ret, why, sizeof(why));
	check_ok();
	return err ? err : (int)ret;
}

Test(file_lower, copy_up_keeps_the_inode)
{
	char *before = fingerprint(), path[300], buf[64] = "";
	uint64_t ino, ino2;
	struct stat st;
	FILE *f;

	cr_assert_eq(mm_file_ino(m, "/abs", &ino), 0);
	cr_assert_geq(sys_open("/abs", MM_O_RDONLY), 3);
	snprintf(path, sizeof(path), "%s/d/e/f", dir);
	cr_expect_neq(stat(path, &st), 0, "a read-only open copied up");
	cr_assert_geq(sys_open("/d/e/f", MM_O_RDWR), 3);
	cr_assert_eq(stat(path, &st), 0, "no copy-up on O_RDWR");
	{
		char lpath[300];
		struct stat lst;

		snprintf(lpath, sizeof(lpath), "%s/d/e/f", low);
		cr_assert_eq(stat(lpath, &lst), 0);
		cr_expect_eq(st.st_mode, lst.st_mode, "the copy's mode");
		cr_expect_eq(st.st_mtime, lst.st_mtime, "the copy's mtime");
	}
	f = fopen(path, "r");
	cr_assert(f);
	cr_expect(fgets(buf, sizeof(buf), f));
	fclose(f);
	cr_expect_str_eq(buf, "lower f\n");
	cr_assert_eq(mm_file_ino(m, "/d/e/f", &ino2), 0);
	cr_expect_eq(ino, ino2, "the inode changed across the copy-up");
	cr_assert_eq(mm_file_write(m, "/d/e/f", 0, "UPPER", 5), 5);
	cr_assert_eq(mm_sync(m, NULL, 0), 0);
	{
		char *after = fingerprint();

		cr_expect_str_eq(before, after, "lower=DIR changed");
		free(after);
	}
	free(before);
}

static int no_host_rm(void *arg)
{
	(void)arg;
	return -EIO;
}

Test(file_lower, whiteout)
{
	char path[300];
	uint64_t ino;
	struct stat st;

	cr_assert_eq(mm_lower_remove(m, "/top", 0, no_host_rm, NULL), 0);
	snprintf(path, sizeof(path), "%s/top", dir);
	cr_assert_eq(lstat(path, &st), 0);
	cr_expect(S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0), "not a 0:0 whiteout");
	cr_expect_eq(mm_file_ino(m, "/top", &ino), -ENOENT);
	cr_expect_eq(mm_file_ino(m, "/climb", &ino), -ENOENT);
	snprintf(path, sizeof(path), "%s/top", low);
	cr_expect_eq(lstat(path, &st), 0, "the lower file went");
	/* a directory with lower entries left is not empty */
	cr_expect_eq(mm_lower_remove(m, "/d/e", 1, no_host_rm, NULL), -ENOTEMPTY);
	/* a create over the whiteout replaces it */
	cr_assert_geq(sys_open("/top", MM_O_RDWR | MM_O_CREAT), 3);
	snprintf(path, sizeof(path), "%s/top", dir);
	cr_assert_eq(lstat(path, &st), 0);
	cr_expect(S_ISREG(st.st_mode) && st.st_size == 0);
}
