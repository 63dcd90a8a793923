// SPDX-License-Identifier: MIT
/*
 * undo.c - what a path of backing=DIR held, kept and put back.
 *
 * The journal replays commands on the machine it started from, and a
 * command reads backing=DIR (a fault reads a file's page, an mmap reads
 * its size), so a replay must see backing=DIR as it was then, not as the
 * run left it. Before anything changes a path for the first time since
 * the journal (or its last checkpoint) began, the journal keeps what the
 * path held (undo_capture: the whole subtree, files with their bytes);
 * before a replay it puts every kept path back, newest first
 * (undo_restore), which leaves each path as its oldest record says: as
 * it was when the journal began. The replay then changes backing=DIR
 * again exactly as the run did.
 *
 * A capture is one record: the path, then its entries in pre-order, each
 * (relative path, kind, mode, uid, gid, bytes): a regular file's contents
 * or a symlink's target. Timestamps are not kept: the model never reads
 * them.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backing.h"
#include "undo.h"

enum { UK_ABSENT, UK_REG, UK_DIR, UK_SYMLINK, UK_FIFO };

#define REL_MAX 4096

/* The parent of model path (opened beneath the root) and its last name. */
static int split(const char *path, char *name, size_t namelen)
{
	char rel[REL_MAX];
	char *slash;

	while (*path == '/')
		path++;
	if (strlen(path) >= sizeof(rel))
		return -ENAMETOOLONG;
	snprintf(rel, sizeof(rel), "%s", path);
	slash = strrchr(rel, '/');
	if (strlen(slash ? slash + 1 : rel) >= namelen)
		return -ENAMETOOLONG;
	memcpy(name, slash ? slash + 1 : rel, strlen(slash ? slash + 1 : rel) + 1);
	if (slash)
		*slash = '\0';
	else
		rel[0] = '\0';
	return backing_open(rel, O_PATH | O_DIRECTORY, 0);
}

static int read_all(int fd, struct jbuf *b, size_t size)
{
	size_t start = b->len;

	jb_varint(b, (uint64_t)size + 1);
	for (size_t done = 0; done < size; ) {
		char chunk[65536];
		ssize_t k = read(fd, chunk, sizeof(chunk) < size - done ? sizeof(chunk) : size - done);

		if (k <= 0) {
			b->len = start;	/* shrank under us: record what is there */
			return k < 0 ? -errno : -EAGAIN;
		}
		jb_raw(b, chunk, (size_t)k);
		done += (size_t)k;
	}
	return 0;
}

static int capture_at(int dir, const char *name, const char *rel, struct jbuf *b, int depth);

static int by_name(const void *a, const void *b)
{
	return strcmp((*(struct dirent *const *)a)->d_name, (*(struct dirent *const *)b)->d_name);
}

static int capture_children(int fd, const char *rel, struct jbuf *b, int depth)
{
	DIR *d = fdopendir(fd);
	struct dirent **list = NULL;
	struct dirent *e;
	size_t n = 0, cap = 0;
	int err = 0;

	if (!d) {
		close(fd);
		return -errno;
	}
	while ((e = readdir(d))) {	/* sorted below: the same tree, the same record */
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (n == cap) {
			struct dirent **p = realloc(list, (cap = cap ? 2 * cap : 16) * sizeof(*p));

			if (!p) {
				err = -ENOMEM;
				break;
			}
			list = p;
		}
		list[n] = malloc(sizeof(*e));
		if (!list[n]) {
			err = -ENOMEM;
			break;
		}
		memcpy(list[n++], e, sizeof(*e));
	}
	if (n)
		qsort(list, n, sizeof(*list), by_name);
	for (size_t i = 0; i < n && !err; i++) {
		char sub[REL_MAX];

		snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", list[i]->d_name);
		err = capture_at(dirfd(d), list[i]->d_name, sub, b, depth + 1);
	}
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
	closedir(d);
	return err;
}

/* One entry (and below it, for a directory), named name in dir. */
static int capture_at(int dir, const char *name, const char *rel, struct jbuf *b, int depth)
{
	struct stat st;
	char target[REL_MAX];
	int fd, err = 0;
	ssize_t k;

	if (depth > 64)
		return -ELOOP;
	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW))
		return errno == ENOENT ? 0 : -errno;	/* gone meanwhile: nothing to keep */
	jb_str(b, rel);
	jb_u8(b, S_ISREG(st.st_mode) ? UK_REG : S_ISDIR(st.st_mode) ? UK_DIR :
		 S_ISLNK(st.st_mode) ? UK_SYMLINK : UK_FIFO);
	jb_varint(b, st.st_mode & 07777);
	jb_varint(b, st.st_uid);
	jb_varint(b, st.st_gid);
	if (S_ISREG(st.st_mode)) {
		fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		err = read_all(fd, b, (size_t)st.st_size);
		close(fd);
		return err;
	}
	if (S_ISLNK(st.st_mode)) {
		k = readlinkat(dir, name, target, sizeof(target) - 1);
		if (k < 0)
			return -errno;
		jb_bytes(b, target, (size_t)k);
		return 0;
	}
	jb_bytes(b, NULL, 0);
	if (!S_ISDIR(st.st_mode))
		return 0;
	fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return capture_children(fd, rel, b, depth);
}

int undo_capture(const char *path, struct jbuf *b)
{
	char name[256];
	int dir = split(path, name, sizeof(name)), err;

	jb_str(b, path);
	if (dir == -ENOENT || dir == -ENOTDIR)
		return 0;	/* no parent: the path is absent, no entries */
	if (dir < 0)
		return dir;
	if (!name[0]) {		/* files/ itself: its children (its own mode is not kept) */
		int fd = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		close(dir);
		return fd < 0 ? -errno : capture_children(fd, "", b, 0);
	}
	err = capture_at(dir, name, "", b, 0);
	close(dir);
	return err;
}

/* ---- restore ---- */

/* rm -rf name in dir; 0 when it is gone. */
static int remove_at(int dir, const char *name, int depth)
{
	struct stat st;
	struct dirent *e;
	DIR *d;
	int fd;

	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW))
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(dir, name, 0) ? -errno : 0;
	if (depth > 64)
		return -ELOOP;
	fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return -errno;
	}
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			remove_at(dirfd(d), e->d_name, depth + 1);
	closedir(d);
	return *name && strcmp(name, ".") && unlinkat(dir, name, AT_REMOVEDIR) ? -errno : 0;
}

/* Recreate one entry at rel (beneath the root). */
static int make_entry(const char *rel, int kind, mode_t mode, uid_t uid, gid_t gid,
		      const void *bytes, size_t n)
{
	char name[256];
	char full[REL_MAX + 1];
	int dir, fd, err = 0;

	snprintf(full, sizeof(full), "/%s", rel);
	dir = split(full, name, sizeof(name));
	if (dir < 0)
		return dir;
	switch (kind) {
	case UK_REG:
		fd = openat(dir, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0) {
			err = -errno;
			break;
		}
		for (size_t done = 0; done < n && !err; ) {
			ssize_t k = write(fd, (const char *)bytes + done, n - done);

			if (k <= 0)
				err = k < 0 ? -errno : -EIO;
			else
				done += (size_t)k;
		}
		if (!err && (fchmod(fd, mode) || fchown(fd, uid, gid)))
			err = errno == EPERM ? 0 : -errno;
		close(fd);
		break;
	case UK_DIR:
		if (mkdirat(dir, name, 0700) && errno != EEXIST)
			err = -errno;
		else if (fchmodat(dir, name, mode, 0) ||
			 fchownat(dir, name, uid, gid, AT_SYMLINK_NOFOLLOW))
			err = errno == EPERM ? 0 : -errno;
		break;
	case UK_SYMLINK: {
		char target[REL_MAX];

		snprintf(target, sizeof(target), "%.*s", (int)n, (const char *)bytes);
		if (symlinkat(target, dir, name))
			err = -errno;
		else
			fchownat(dir, name, uid, gid, AT_SYMLINK_NOFOLLOW);
		break;
	}
	case UK_FIFO:
		if (mkfifoat(dir, name, mode))
			err = -errno;
		break;
	}
	close(dir);
	return err;
}

int undo_restore(struct jcur *c)
{
	size_t n;
	const char *path = jc_bytes(c, &n);
	char name[256], rel[REL_MAX];
	int dir, err, first = 1;

	if (c->err || !path || !n || path[n - 1])
		return -EINVAL;
	dir = split(path, name, sizeof(name));
	if (dir < 0)
		return dir == -ENOENT ? 0 : dir;	/* no parent: nothing there now */
	err = remove_at(dir, name[0] ? name : ".", 0);
	close(dir);
	if (err)
		return err;
	while (*path == '/')
		path++;
	while (c->p < c->end && !c->err) {
		const char *sub = jc_bytes(c, &n);
		int kind = jc_u8(c);
		mode_t mode = (mode_t)jc_varint(c);
		uid_t uid = (uid_t)jc_varint(c);
		gid_t gid = (gid_t)jc_varint(c);
		size_t blen;
		const void *bytes = jc_bytes(c, &blen);

		if (c->err || !sub || !n || sub[n - 1])
			return -EINVAL;
		if (first && !name[0] && !sub[0])
			continue;	/* files/ itself is never recreated */
		first = 0;
		snprintf(rel, sizeof(rel), "%s%s%s", path, *path && *sub ? "/" : "", sub);
		err = make_entry(rel, kind, mode, uid, gid, bytes, blen);
		if (err)
			return err;
	}
	return c->err ? -EINVAL : 0;
}
