/* SPDX-License-Identifier: MIT */
/*
 * files.c - MOUNT/files/: a pass-through view of backing=DIR. Names,
 * attributes and symlinks here; the inode table in files_inode.c, open
 * files and directories in files_io.c. A truncate, unlink or rename of
 * a file goes to the model too, whose page cache holds its bytes.
 *
 * Confinement: every inode keeps an O_PATH descriptor of its host file,
 * and every name operation is an *at() call relative to the parent's
 * descriptor with a single name ("." and ".." and names holding '/' are
 * refused), so a name can never climb out. Symlinks are followed by the
 * kernel, not by us: readlink (and symlink creation) checks the target by
 * resolving it from the link's directory with openat2(RESOLVE_BENEATH),
 * the model's own rule, and refuses EACCES if it leads above backing=DIR.
 * Each link is checked when the kernel reads it, so chains are checked
 * link by link; a change to the backing directory behind our back between
 * the check and the kernel's walk is the one race left.
 */
#define FUSE_USE_VERSION 314
#include <errno.h>
#include <fcntl.h>
#include <fuse_lowlevel.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cmd.h"
#include "../mm/mm.h"
#include "files.h"
#include "files_internal.h"
#include "mmfs.h"

static void reply_entry(fuse_req_t req, struct fnode *dir, const char *name, int err)
{
	struct fuse_entry_param e;

	if (!err && !dir)
		err = -EPERM;
	if (!err)
		err = do_lookup(dir, name, &e);
	if (err)
		fuse_reply_err(req, -err);
	else
		fuse_reply_entry(req, &e);
}

void files_lookup_root(fuse_req_t req)
{
	struct fuse_entry_param e;
	int err = files_init();

	memset(&e, 0, sizeof(e));
	if (!err)
		err = node_stat(&files_root, &e.attr);
	if (err) {
		fuse_reply_err(req, -err);
		return;
	}
	e.ino = files_root.nodeid;
	e.attr_timeout = e.entry_timeout = FILES_TIMEOUT;
	fuse_reply_entry(req, &e);
}

static void files_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	reply_entry(req, node_get(parent), name, 0);
}

static void files_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	node_forget(ino, nlookup);
	fuse_reply_none(req);
}

static void files_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *f)
{
	for (size_t i = 0; i < count; i++)
		node_forget(f[i].ino, f[i].nlookup);
	fuse_reply_none(req);
}

static void files_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fnode *n = node_get(ino);
	struct stat st;
	int err = n ? node_stat(n, &st) : -ENOENT;

	if (err)
		fuse_reply_err(req, -err);
	else
		fuse_reply_attr(req, &st, FILES_TIMEOUT);
}

static int set_times(const struct fnode *n, const struct stat *attr, int to_set,
		     struct fuse_file_info *fi)
{
	struct timespec tv[2] = { { .tv_nsec = UTIME_OMIT }, { .tv_nsec = UTIME_OMIT } };
	char path[64];
	struct stat st;

	if (to_set & FUSE_SET_ATTR_ATIME_NOW)
		tv[0].tv_nsec = UTIME_NOW;
	else if (to_set & FUSE_SET_ATTR_ATIME)
		tv[0] = attr->st_atim;
	if (to_set & FUSE_SET_ATTR_MTIME_NOW)
		tv[1].tv_nsec = UTIME_NOW;
	else if (to_set & FUSE_SET_ATTR_MTIME)
		tv[1] = attr->st_mtim;
	if (fi)
		return futimens(ffile_fd(fi), tv) ? -errno : 0;
	if (fstatat(n->fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -errno;
	if (S_ISLNK(st.st_mode))
		return -EPERM;	/* no parent at hand for AT_SYMLINK_NOFOLLOW */
	fd_path(n->fd, path);
	return utimensat(AT_FDCWD, path, tv, 0) ? -errno : 0;
}

static int do_setattr(const struct fnode *n, const struct stat *attr, int to_set,
		      struct fuse_file_info *fi)
{
	char mpath[PATH_MAX];
	int err = node_upper((struct fnode *)n);	/* never a lower file's attributes */

	(void)fi;
	if (!err)
		err = node_mpath(n, mpath, sizeof(mpath));
	if (err)
		return err;
	if ((to_set & FUSE_SET_ATTR_MODE) &&
	    (err = cmd_ns(mmfs.m, CT_NS_CHMOD, mpath, NULL, attr->st_mode, 0)))
		return err;
	if ((to_set & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)) &&
	    (err = cmd_ns(mmfs.m, CT_NS_CHOWN, mpath, NULL,
			  (to_set & FUSE_SET_ATTR_GID) ? attr->st_gid : (uint32_t)-1,
			  (to_set & FUSE_SET_ATTR_UID) ? attr->st_uid : (uint32_t)-1)))
		return err;
	/* through the model: it drops the pages and unmaps them from mappers */
	if ((to_set & FUSE_SET_ATTR_SIZE) &&
	    (err = cmd_file_truncate(mmfs.m, mpath, (uint64_t)attr->st_size)))
		return err;
	if (to_set & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME |
		      FUSE_SET_ATTR_ATIME_NOW | FUSE_SET_ATTR_MTIME_NOW))
		return set_times(n, attr, to_set, fi);
	return 0;
}

static void files_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
			  int to_set, struct fuse_file_info *fi)
{
	struct fnode *n = node_get(ino);
	struct stat st;
	int err = n ? do_setattr(n, attr, to_set, fi) : -ENOENT;

	if (!err)
		err = node_stat(n, &st);
	if (err)
		fuse_reply_err(req, -err);
	else
		fuse_reply_attr(req, &st, FILES_TIMEOUT);
}

/* ---- symlinks: the confinement check ---- */

/*
 * Whether target, read from a symlink in the directory rel (below
 * backing=DIR), leads outside backing=DIR when followed: resolved as the
 * kernel would, but beneath the root. A target that does not resolve for
 * any other reason (dangling, a loop) fails the same way when followed.
 */
static int target_escapes(const char *rel, const char *target)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	char path[PATH_MAX * 2 + 2];
	long fd = -1;

	if (target[0] == '/' || !*rel)
		snprintf(path, sizeof(path), "%s", target);
	else
		snprintf(path, sizeof(path), "%s/%s", rel, target);
	for (int try = 0; try < 8; try++) {
		fd = syscall(SYS_openat2, files_root.fd, path, &how, sizeof(how));
		if (fd >= 0 || errno != EAGAIN)	/* EAGAIN: a rename raced ".." */
			break;
	}
	if (fd >= 0) {
		close((int)fd);
		return 0;
	}
	return errno == EXDEV || errno == EAGAIN;
}

/* The directory part of a relative path ("" for a top-level name). */
static void rel_dirname(char *rel)
{
	char *slash = strrchr(rel, '/');

	if (slash)
		*slash = '\0';
	else
		rel[0] = '\0';
}

/*
 * lower=DIR: a link's target as files/ shows it. The model resolves an
 * absolute target from the merged root (file_lower.c), so files/ turns it
 * into the relative path that reaches the same place inside the mount
 * ("/usr/x" read in etc/ shows as "../usr/x"); a relative one that climbs
 * above the root escapes: -EACCES. The kernel walks what we answer one
 * component at a time, so every link on the way is checked here too.
 */
static int lower_target(const char *rel, char *target, size_t len)
{
	char out[PATH_MAX];
	size_t n = 0, depth = 0;
	const char *p;

	for (p = rel; *p; p++)
		depth += *p == '/';
	depth += *rel != '\0';
	if (target[0] == '/') {
		for (size_t i = 0; i < depth; i++)
			n += (size_t)snprintf(out + n, sizeof(out) - n, "../");
		p = target + strspn(target, "/");
		if (n + strlen(p) + 2 >= sizeof(out) || n + strlen(p) + 2 >= len)
			return -ENAMETOOLONG;
		snprintf(out + n, sizeof(out) - n, "%s", *p ? p : ".");
		snprintf(target, len, "%s", out);
		return 0;
	}
	for (p = target; *p;) {
		size_t cl = strcspn(p, "/");

		if (cl == 2 && p[0] == '.' && p[1] == '.') {
			if (!depth--)
				return -EACCES;
		} else if (cl && !(cl == 1 && p[0] == '.')) {
			depth++;
		}
		p += cl;
		p += strspn(p, "/");
	}
	return 0;
}

static void files_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct fnode *n = node_get(ino);
	char target[PATH_MAX], rel[PATH_MAX];
	ssize_t k;
	int err;

	if (!n) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	k = readlinkat(n->fd, "", target, sizeof(target) - 1);
	err = k < 0 ? -errno : node_relpath(n, rel, sizeof(rel));
	if (!err) {
		target[k] = '\0';
		rel_dirname(rel);
		if (mm_lower_fd(mmfs.m) >= 0)
			err = lower_target(rel, target, sizeof(target));
		else if (target_escapes(rel, target))
			err = -EACCES;
	}
	if (err)
		fuse_reply_err(req, -err);
	else
		fuse_reply_readlink(req, target);
}

static void files_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
			  const char *name)
{
	struct fnode *dir = node_get(parent);
	char rel[PATH_MAX], mpath[PATH_MAX];
	int err = dir ? node_relpath(dir, rel, sizeof(rel)) : 0;

	if (!err && dir && !name_ok(name))
		err = -EACCES;
	if (!err && dir && target_escapes(rel, link))
		err = -EACCES;
	if (!err && dir)
		err = child_mpath(dir, name, mpath, sizeof(mpath));
	if (!err && dir)
		err = cmd_ns(mmfs.m, CT_NS_SYMLINK, mpath, link, 0, 0);
	reply_entry(req, dir, name, err);
}

/* ---- the namespace ---- */

/*
 * Every change of the namespace is a command (backing.c carries it out by
 * path), so that it takes its turn and reaches the journal.
 */
static int ns_child(enum cmd_type type, struct fnode *dir, const char *name, uint64_t arg)
{
	char mpath[PATH_MAX];
	int err;

	if (!name_ok(name))
		return -EACCES;
	err = child_mpath(dir, name, mpath, sizeof(mpath));
	return err ? err : cmd_ns(mmfs.m, type, mpath, NULL, arg, 0);
}

static void files_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
			mode_t mode, dev_t rdev)
{
	struct fnode *dir = node_get(parent);
	int err = 0;

	if (dir && !S_ISREG(mode))
		err = -EPERM;		/* regular files only */
	else if (dir)
		err = ns_child(CT_NS_MKNOD, dir, name, mode);
	reply_entry(req, dir, name, err);
}

static void files_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
	struct fnode *dir = node_get(parent);
	int err = dir ? ns_child(CT_NS_MKDIR, dir, name, mode) : 0;

	reply_entry(req, dir, name, err);
}

static void files_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
		       const char *newname)
{
	struct fnode *n = node_get(ino), *dir = node_get(newparent);
	char from[PATH_MAX], to[PATH_MAX];
	int err = 0;

	if (!n || !dir) {
		fuse_reply_err(req, n || dir ? EXDEV : EPERM);
		return;
	}
	if (!name_ok(newname))
		err = -EACCES;
	if (!err)
		err = node_upper(n);	/* a link of a lower file links its copy */
	if (!err)
		err = node_mpath(n, from, sizeof(from));
	if (!err)
		err = child_mpath(dir, newname, to, sizeof(to));
	if (!err)
		err = cmd_ns(mmfs.m, CT_NS_LINK, from, to, 0, 0);
	reply_entry(req, dir, newname, err);
}

/*
 * The model hears of an unlink, rmdir or rename after the host did it:
 * its inodes of the name leave its namespace (a file's cache goes once no
 * mapper holds it), so a new file that gets the same host inode is a new
 * inode; a rename keeps the model's names current.
 */
static void files_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fnode *dir = node_get(parent);

	fuse_reply_err(req, dir ? -ns_child(CT_NS_UNLINK, dir, name, 0) : EPERM);
}

static void files_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fnode *dir = node_get(parent);

	fuse_reply_err(req, dir ? -ns_child(CT_NS_RMDIR, dir, name, 0) : EPERM);
}

/* RENAME_NOREPLACE and RENAME_EXCHANGE as the host does them. */
static void files_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
			 fuse_ino_t newparent, const char *newname, unsigned int flags)
{
	struct fnode *dir = node_get(parent), *newdir = node_get(newparent);
	char from[PATH_MAX], to[PATH_MAX];
	int err = 0;

	if (!dir || !newdir)
		err = dir || newdir ? -EXDEV : -EPERM;
	else if (!name_ok(name) || !name_ok(newname))
		err = -EACCES;
	if (!err)
		err = child_mpath(dir, name, from, sizeof(from));
	if (!err)
		err = child_mpath(newdir, newname, to, sizeof(to));
	/* the kernel keeps the source's inode: a lower file's node becomes its copy */
	if (!err && !(flags & RENAME_EXCHANGE))
		err = node_upper_name(dir, name);
	if (!err)
		err = cmd_ns(mmfs.m, CT_NS_RENAME, from, to, flags, 0);
	fuse_reply_err(req, -err);
}

static void files_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct statvfs st;

	if (fstatvfs(files_root.fd, &st))
		fuse_reply_err(req, errno);
	else
		fuse_reply_statfs(req, &st);
}

const struct fuse_lowlevel_ops files_ops = {
	.lookup		= files_lookup,
	.forget		= files_forget,
	.forget_multi	= files_forget_multi,
	.getattr	= files_getattr,
	.setattr	= files_setattr,
	.readlink	= files_readlink,
	.mknod		= files_mknod,
	.mkdir		= files_mkdir,
	.unlink		= files_unlink,
	.rmdir		= files_rmdir,
	.symlink	= files_symlink,
	.rename		= files_rename,
	.link		= files_link,
	.open		= files_open,
	.read		= files_read,
	.write		= files_write,
	.flush		= files_flush,
	.release	= files_release,
	.fsync		= files_fsync,
	.opendir	= files_opendir,
	.readdir	= files_readdir,
	.releasedir	= files_releasedir,
	.statfs		= files_statfs,
	.create		= files_create,
};
