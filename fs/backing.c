// SPDX-License-Identifier: MIT
/*
 * backing.c - the namespace operations of files/ on backing=DIR, by path.
 *
 * files.c turns create, mkdir, mknod, symlink, link, unlink, rmdir,
 * rename, chmod and chown into commands (cmd.h, CT_NS_*) so that they run
 * in their turn and are journaled; this file carries them out, live and
 * on replay alike. A path is a model path ("/dir/name"); its parent is
 * opened beneath backing=DIR with openat2(RESOLVE_BENEATH), and the
 * operation is an *at() call on the last component, so nothing ever
 * reaches outside. Before changing a path, the journal is told
 * (journal_preserve), so that it can put back what was there.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../mm/mm.h"
#include "backing.h"
#include "journal.h"

static int root_fd = -1;

/*
 * /dev/shm is a tmpfs of its own (mm/shmem_file.c): a rename or a link
 * between it and the rest of the tree crosses file systems.
 */
static int in_devshm(const char *path)
{
	return !strncmp(path, "/dev/shm/", 9) && path[9];
}

static int cross_devshm(const struct cmd *c)
{
	return in_devshm(c->path) != in_devshm(c->path2);
}

/* /dev and /dev/shm are mount points (devtmpfs, tmpfs): they cannot go or move. */
static int mount_point(const char *path)
{
	return path && (!strcmp(path, "/dev") || !strcmp(path, "/dev/shm"));
}

int backing_init(int dirfd)
{
	int fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	if (root_fd >= 0)
		close(root_fd);
	root_fd = fd;
	return 0;
}

void backing_exit(void)
{
	if (root_fd >= 0)
		close(root_fd);
	root_fd = -1;
}

int backing_root(void)
{
	return root_fd;
}

int backing_open(const char *rel, int flags, mode_t mode)
{
	struct open_how how = {
		.flags = (uint64_t)flags | O_CLOEXEC,
		.mode = (flags & O_CREAT) ? mode : 0,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	long fd;

	if (root_fd < 0)
		return -EBADF;
	for (int try = 0; try < 8; try++) {
		fd = syscall(SYS_openat2, root_fd, *rel ? rel : ".", &how, sizeof(how));
		if (fd >= 0 || errno != EAGAIN)	/* EAGAIN: a rename raced ".." */
			break;
	}
	return fd < 0 ? -errno : (int)fd;
}

/*
 * Split a model path into its parent directory (opened O_PATH beneath the
 * root; the caller closes it) and its last component. -EINVAL for "/" or
 * an empty name, -ENAMETOOLONG, or the parent's open error.
 */
static int parent_of(const char *path, char *name, size_t namelen)
{
	char rel[4096];
	const char *slash;
	size_t n;

	while (*path == '/')
		path++;
	if (strlen(path) >= sizeof(rel))
		return -ENAMETOOLONG;
	snprintf(rel, sizeof(rel), "%s", path);
	n = strlen(rel);
	while (n && rel[n - 1] == '/')
		rel[--n] = '\0';
	slash = strrchr(rel, '/');
	if (!n || strlen(slash ? slash + 1 : rel) >= namelen)
		return n ? -ENAMETOOLONG : -EINVAL;
	snprintf(name, namelen, "%s", slash ? slash + 1 : rel);
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	if (slash)
		rel[slash - rel] = '\0';
	else
		rel[0] = '\0';
	return backing_open(rel, O_PATH | O_DIRECTORY, 0);
}

/* The object at path itself, not followed if a symlink, O_PATH. */
static int object_of(const char *path)
{
	while (*path == '/')
		path++;
	return backing_open(path, O_PATH | O_NOFOLLOW, 0);
}

static long ns_create(const struct cmd *c, const char *name, int dir)
{
	int fd;

	switch (c->type) {
	case CT_NS_CREATE:
		fd = openat(dir, name, O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC |
			    ((c->off & 1) ? O_EXCL : 0), (mode_t)c->arg);
		if (fd < 0)
			return -errno;
		close(fd);
		return 0;
	case CT_NS_MKNOD:
		return mknodat(dir, name, (mode_t)c->arg, 0) ? -errno : 0;
	case CT_NS_MKDIR:
		return mkdirat(dir, name, (mode_t)c->arg) ? -errno : 0;
	case CT_NS_SYMLINK:
		return symlinkat(c->path2, dir, name) ? -errno : 0;
	default:
		return -EINVAL;
	}
}

/* chmod and chown of the object itself, through its O_PATH descriptor. */
static long ns_attr(const struct cmd *c)
{
	char magic[64];
	int fd = object_of(c->path);
	long err = 0;

	if (fd < 0)
		return fd;
	snprintf(magic, sizeof(magic), "/proc/self/fd/%d", fd);
	if (c->type == CT_NS_CHMOD && chmod(magic, (mode_t)c->arg))
		err = -errno;
	if (c->type == CT_NS_CHOWN &&
	    fchownat(fd, "", (uid_t)c->off, (gid_t)c->arg, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		err = -errno;
	close(fd);
	return err;
}

/* unlink/rmdir of the upper name, for mm_lower_remove. */
struct rm_arg {
	struct machine *m;
	const struct cmd *c;
};

static int rm_upper(void *arg)
{
	const struct rm_arg *a = arg;
	char name[256];
	int dir = parent_of(a->c->path, name, sizeof(name)), err;

	if (dir < 0)
		return dir;
	journal_preserve(a->c->path);
	err = unlinkat(dir, name, a->c->type == CT_NS_RMDIR ? AT_REMOVEDIR : 0) ? -errno : 0;
	close(dir);
	if (!err)
		mm_file_rename(a->m, a->c->path, NULL);
	return err;
}

/*
 * lower=DIR (mm/file_lower.c): before the host call, what the upper layer
 * needs: a lower name copied up, parent directories made, a whiteout
 * cleared; unlink and rmdir are done here whole (a whiteout hides the
 * lower name). 1: done, *err the result; 0: go on with the host call.
 */
static int lower_ns(struct machine *m, const struct cmd *c, long *err)
{
	int layer, fd;

	*err = 0;
	switch (c->type) {
	case CT_NS_CHMOD:
	case CT_NS_CHOWN:
		*err = mm_lower_prepare(m, c->path, 1);
		return *err != 0;
	case CT_NS_CREATE:
	case CT_NS_MKNOD:
	case CT_NS_MKDIR:
	case CT_NS_SYMLINK:
		fd = mm_lower_lookup(m, c->path, &layer);
		if (fd >= 0) {
			close(fd);
			if (c->type != CT_NS_CREATE || (c->off & 1)) {
				*err = -EEXIST;
				return 1;
			}
			/* a create without O_EXCL of an existing file: the open copies up */
			return layer == 2;
		}
		*err = mm_lower_prepare(m, c->path, 0);
		return *err != 0;
	case CT_NS_LINK:
	case CT_NS_RENAME:
		fd = mm_lower_lookup(m, c->path, &layer);
		if (fd < 0) {
			*err = fd;
			return 1;
		}
		if (c->type == CT_NS_RENAME && layer == 2) {
			struct stat st;

			if (!fstat(fd, &st) && S_ISDIR(st.st_mode)) {
				close(fd);
				*err = -EXDEV;	/* overlayfs without redirect_dir */
				return 1;
			}
		}
		close(fd);
		*err = mm_lower_prepare(m, c->path, 1);
		if (!*err)
			*err = mm_lower_prepare(m, c->path2, 0);
		return *err != 0;
	case CT_NS_UNLINK:
	case CT_NS_RMDIR: {
		struct rm_arg a = { m, c };

		*err = mm_lower_remove(m, c->path, c->type == CT_NS_RMDIR, rm_upper, &a);
		return 1;
	}
	default:
		return 0;
	}
}

long backing_exec(struct machine *m, const struct cmd *c)
{
	char name[256], name2[256];
	int dir = -1, dir2 = -1;
	long err;

	if (mm_lower_fd(m) >= 0 && lower_ns(m, c, &err))
		return err;
	if (c->type == CT_NS_CHMOD || c->type == CT_NS_CHOWN) {
		journal_preserve(c->path);
		return ns_attr(c);
	}
	dir = parent_of(c->path, name, sizeof(name));
	if (dir < 0)
		return dir;
	if (c->type == CT_NS_LINK || c->type == CT_NS_RENAME) {
		dir2 = parent_of(c->path2, name2, sizeof(name2));
		if (dir2 < 0) {
			close(dir);
			return dir2;
		}
	}
	switch (c->type) {
	case CT_NS_CREATE:
	case CT_NS_MKNOD:
	case CT_NS_MKDIR:
	case CT_NS_SYMLINK:
		journal_preserve(c->path);
		err = ns_create(c, name, dir);
		if (!err && c->type == CT_NS_MKDIR && mm_lower_fd(m) >= 0)
			err = mm_lower_made_dir(m, c->path);	/* over a whiteout: opaque */
		break;
	case CT_NS_LINK:
		if (cross_devshm(c)) {
			err = -EXDEV;
			break;
		}
		journal_preserve(c->path2);
		err = linkat(dir, name, dir2, name2, 0) ? -errno : 0;
		break;
	case CT_NS_UNLINK:
	case CT_NS_RMDIR:
		if (mount_point(c->path)) {
			err = -EBUSY;
			break;
		}
		journal_preserve(c->path);
		err = unlinkat(dir, name, c->type == CT_NS_RMDIR ? AT_REMOVEDIR : 0) ? -errno : 0;
		if (!err)	/* the model hears of it after the host did it */
			mm_file_rename(m, c->path, NULL);
		break;
	case CT_NS_RENAME:
		if (mount_point(c->path) || mount_point(c->path2)) {
			err = -EBUSY;
			break;
		}
		if (cross_devshm(c)) {
			err = -EXDEV;
			break;
		}
		journal_preserve(c->path);
		journal_preserve(c->path2);
		err = renameat2(dir, name, dir2, name2, (unsigned)c->arg) ? -errno : 0;
		if (!err && (c->arg & RENAME_EXCHANGE)) {
			/* through a name no file has, so neither is a replaced target */
			static const char parked[] = "/\x7fmmfs-exchange\x7f";

			mm_file_rename(m, c->path, parked);
			mm_file_rename(m, c->path2, c->path);
			mm_file_rename(m, parked, c->path2);
		} else if (!err) {
			mm_file_rename(m, c->path, c->path2);
			if (mm_lower_fd(m) >= 0) {
				/* the source's lower name, if any, stays hidden */
				struct rm_arg a = { m, c };

				mm_lower_remove(m, c->path, 0, NULL, &a);
			}
		}
		break;
	default:
		err = -EINVAL;
	}
	close(dir);
	if (dir2 >= 0)
		close(dir2);
	return err;
}
