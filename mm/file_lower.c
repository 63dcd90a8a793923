// SPDX-License-Identifier: MIT
/*
 * file_lower.c - lower=DIR: a read-only directory beneath backing=DIR, as
 * overlayfs stacks a lower layer beneath its upper one (kernel:
 * fs/overlayfs/namei.c, copy_up.c, dir.c).
 *
 * With a lower layer, a path is resolved one component at a time over
 * both layers (merged_walk): a name in backing=DIR (the upper layer) wins,
 * a name found only in lower=DIR shows through, a whiteout in the upper
 * layer hides the lower name. Symlinks are followed in whichever layer
 * holds them, absolute ones from the merged root (as in a chroot), so
 * `lower=/` resolves /lib/x86_64-linux-gnu/libc.so.6 exactly as the host
 * does, and the resolved path is what maps shows (d_path).
 *
 * Confinement: lower=DIR is only ever opened O_RDONLY or O_PATH, each
 * component beneath it with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS (the walk
 * follows links itself, never past the lower root). An open for writing
 * (O_WRONLY, O_RDWR, O_TRUNC) of a file found only in the lower layer
 * first copies it up: its parent directories are made in backing=DIR, its
 * bytes, mode, owner and times copied, and the model's inode for it is
 * rekeyed to the copy, so the page cache and every mapping carry on with
 * the same inode, as overlayfs keeps one inode across a copy-up.
 *
 * A whiteout is what overlayfs uses: a character device 0:0 in backing=DIR
 * under the deleted name (mknod needs CAP_MKNOD, as overlayfs' does; the
 * unlink fails EPERM without it). Whiteouts never show under files/ and no
 * path resolves through one.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "internal.h"
#include "file.h"
#include "file_lower.h"
#include "vma.h"

#define MAX_LINKS	40	/* MAXSYMLINKS */

int layer_open(int root, const char *rel, int flags, mode_t mode)
{
	struct open_how how = {
		.flags = (uint64_t)flags | O_CLOEXEC,
		.mode = (flags & O_CREAT) ? mode : 0,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	long fd;

	if (root < 0)
		return -EBADF;
	fd = syscall(SYS_openat2, root, *rel ? rel : ".", &how, sizeof(how));
	return fd < 0 ? -errno : (int)fd;
}

int is_whiteout(const struct stat *st)
{
	return S_ISCHR(st->st_mode) && st->st_rdev == makedev(0, 0);
}

/* overlayfs' opaque marks: trusted. when we may, user. otherwise (userxattr) */
const char *const opaque_xattrs[2] = { "trusted.overlay.opaque", "user.overlay.opaque" };

/* Whether the upper directory rel is opaque: the lower one beneath it is hidden. */
static int is_opaque(struct machine *m, const char *rel)
{
	int fd = layer_open(m->backing_fd, rel, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0), opaque = 0;
	char v[4];

	if (fd < 0)
		return 0;
	for (size_t i = 0; i < 2 && !opaque; i++)
		opaque = fgetxattr(fd, opaque_xattrs[i], v, sizeof(v)) == 1 && v[0] == 'y';
	close(fd);
	return opaque;
}

/* lstat of rel in one layer: 0, or -errno (-ENOENT, -ENOTDIR...). */
int layer_stat(int root, const char *rel, struct stat *st)
{
	int fd = layer_open(root, rel, O_PATH | O_NOFOLLOW, 0), err = 0;

	if (fd < 0)
		return fd;
	if (fstatat(fd, "", st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		err = -errno;
	close(fd);
	return err;
}

/* The target of the symlink rel of one layer, NUL-terminated. */
static int layer_readlink(int root, const char *rel, char *buf, size_t len)
{
	int fd = layer_open(root, rel, O_PATH | O_NOFOLLOW, 0);
	ssize_t k;

	if (fd < 0)
		return fd;
	k = readlinkat(fd, "", buf, len - 1);
	close(fd);
	if (k < 0)
		return -errno;
	if ((size_t)k >= len - 1)
		return -ENAMETOOLONG;
	buf[k] = '\0';
	return 0;
}

/*
 * Where name (the candidate path cand) is in the merged tree: LAYER_UPPER,
 * LAYER_LOWER, or LAYER_NONE (*whiteout set when an upper whiteout hides
 * it). st gets its attributes.
 */
static int merged_stat(struct machine *m, const char *cand, struct stat *st, int *whiteout,
		       int lower_ok)
{
	int err = layer_stat(m->backing_fd, cand, st);

	*whiteout = 0;
	if (!err && is_whiteout(st)) {
		*whiteout = 1;
		return LAYER_NONE;
	}
	if (!err)
		return LAYER_UPPER;
	if (err != -ENOENT && err != -ENOTDIR)
		return err;
	if (!lower_ok)
		return LAYER_NONE;	/* below an opaque directory */
	if (m->lower_hide[0] && !strcmp(cand, m->lower_hide))
		return LAYER_NONE;	/* the mount itself: the daemon never enters it */
	err = layer_stat(m->lower_fd, cand, st);
	if (!err)
		return LAYER_LOWER;
	return err == -ENOENT || err == -ENOTDIR ? LAYER_NONE : err;
}

int merged_walk(struct machine *m, const char *path, int follow, struct merged_path *w)
{
	char rest[2 * MM_SNAP_PATH_MAX], target[MM_SNAP_PATH_MAX];
	size_t n = 0;
	int links = 0;
	const char *p;

	memset(w, 0, sizeof(*w));
	w->layer = LAYER_UPPER;		/* the root is in both */
	if (strlen(path) >= sizeof(rest) / 2)
		return -ENAMETOOLONG;
	snprintf(rest, sizeof(rest), "%s", path);
	p = rest;
	for (;;) {
		const char *e;
		size_t cl, save = n;
		int layer, last, wo;
		struct stat st;

		while (*p == '/')
			p++;
		if (!*p)
			return 0;
		e = strchrnul(p, '/');
		cl = (size_t)(e - p);
		last = !e[strspn(e, "/")];
		if (cl == 1 && p[0] == '.') {
			p = e;
			continue;
		}
		if (cl == 2 && p[0] == '.' && p[1] == '.') {
			while (n && w->rel[n - 1] != '/')
				n--;
			if (n)
				n--;
			w->rel[n] = '\0';
			p = e;
			continue;
		}
		if (cl > 255)
			return -ENAMETOOLONG;
		if (n + 1 + cl + 1 > sizeof(w->rel))
			return -ENAMETOOLONG;
		if (n)
			w->rel[n++] = '/';
		memcpy(w->rel + n, p, cl);
		n += cl;
		w->rel[n] = '\0';
		w->hidden_above = w->lower_hidden;
		layer = merged_stat(m, w->rel, &st, &wo, !w->lower_hidden);
		if (layer < 0)
			return layer;
		if (layer == LAYER_NONE) {
			w->layer = LAYER_NONE;
			w->whiteout = wo;
			w->missing_last = last;
			snprintf(w->rest, sizeof(w->rest), "%s", last ? "" : e);
			return -ENOENT;
		}
		if (S_ISLNK(st.st_mode) && (!last || follow)) {
			int err;
			size_t tl;

			if (++links > MAX_LINKS)
				return -ELOOP;
			err = layer_readlink(layer == LAYER_UPPER ? m->backing_fd : m->lower_fd,
					     w->rel, target, sizeof(target));
			if (err)
				return err;
			n = target[0] == '/' ? 0 : save;	/* absolute: from the merged root */
			if (target[0] == '/')
				w->lower_hidden = 0;
			w->rel[n] = '\0';
			tl = strlen(target);
			if (tl + 1 + strlen(e) >= sizeof(rest))
				return -ENAMETOOLONG;
			memmove(rest + tl, e, strlen(e) + 1);
			memcpy(rest, target, tl);
			p = rest;
			continue;
		}
		if (!last && !S_ISDIR(st.st_mode))
			return -ENOTDIR;
		if (layer == LAYER_UPPER && S_ISDIR(st.st_mode) && !w->lower_hidden &&
		    is_opaque(m, w->rel))
			w->lower_hidden = 1;
		w->layer = layer;
		w->st = st;
		p = e;
	}
}

/* Make every directory of rel (itself included) in the upper layer, as the lower has it. */
static int copy_up_dirs(struct machine *m, const char *rel)
{
	char part[MM_SNAP_PATH_MAX];
	size_t len = strlen(rel);

	if (len >= sizeof(part))
		return -ENAMETOOLONG;
	for (size_t i = 1; i <= len; i++) {
		struct stat st, lst;
		int err;

		if (rel[i] != '/' && rel[i] != '\0')
			continue;
		memcpy(part, rel, i);
		part[i] = '\0';
		err = layer_stat(m->backing_fd, part, &st);
		if (!err && S_ISDIR(st.st_mode))
			continue;
		if (!err && !is_whiteout(&st))
			return -ENOTDIR;
		if (err && err != -ENOENT)
			return err;
		if (layer_stat(m->lower_fd, part, &lst) || !S_ISDIR(lst.st_mode))
			lst.st_mode = S_IFDIR | 0755;
		{
			char abs[MM_SNAP_PATH_MAX + 1];

			snprintf(abs, sizeof(abs), "/%s", part);
			backing_will_change(m, abs);
		}
		if (!err && unlinkat(m->backing_fd, part, 0))	/* a whiteout */
			return -errno;
		if (mkdirat(m->backing_fd, part, lst.st_mode & 07777) && errno != EEXIST)
			return -errno;
		if (fchmodat(m->backing_fd, part, lst.st_mode & 07777, 0))
			return -errno;
	}
	return 0;
}

int lower_copy_up_parent(struct machine *m, const char *rel)
{
	char parent[MM_SNAP_PATH_MAX];
	const char *slash = strrchr(rel, '/');

	if (!slash)
		return 0;
	if ((size_t)(slash - rel) >= sizeof(parent))
		return -ENAMETOOLONG;
	memcpy(parent, rel, (size_t)(slash - rel));
	parent[slash - rel] = '\0';
	return copy_up_dirs(m, parent);
}

/* Copy the bytes of src into dst. */
static int copy_bytes(int src, int dst)
{
	char buf[65536];

	for (;;) {
		ssize_t k = read(src, buf, sizeof(buf));

		if (k < 0)
			return -errno;
		if (k == 0)
			return 0;
		for (ssize_t done = 0; done < k;) {
			ssize_t w = write(dst, buf + done, (size_t)(k - done));

			if (w < 0)
				return -errno;
			done += w;
		}
	}
}

int lower_copy_up(struct machine *m, const char *rel)
{
	char abs[MM_SNAP_PATH_MAX + 1];
	struct stat st, nst;
	int src, dst, err;

	err = layer_stat(m->lower_fd, rel, &st);
	if (err)
		return err;
	err = lower_copy_up_parent(m, rel);
	if (err)
		return err;
	snprintf(abs, sizeof(abs), "/%s", rel);
	backing_will_change(m, abs);
	if (S_ISDIR(st.st_mode))
		return copy_up_dirs(m, rel);
	if (S_ISLNK(st.st_mode)) {
		char target[MM_SNAP_PATH_MAX];

		err = layer_readlink(m->lower_fd, rel, target, sizeof(target));
		if (!err && symlinkat(target, m->backing_fd, rel))
			err = -errno;
		return err;
	}
	if (!S_ISREG(st.st_mode))
		return -EPERM;	/* devices, fifos, sockets: not copied up */
	src = layer_open(m->lower_fd, rel, O_RDONLY | O_NOFOLLOW, 0);
	if (src < 0)
		return src;
	dst = layer_open(m->backing_fd, rel, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
	if (dst < 0) {
		close(src);
		return dst;
	}
	err = copy_bytes(src, dst);
	if (!err && fchown(dst, st.st_uid, st.st_gid) && errno != EPERM)
		err = -errno;
	if (!err && fchmod(dst, st.st_mode & 07777))
		err = -errno;
	if (!err) {
		struct timespec ts[2] = { st.st_atim, st.st_mtim };

		futimens(dst, ts);
	}
	if (!err && fstat(dst, &nst))
		err = -errno;
	close(src);
	close(dst);
	if (err) {
		unlinkat(m->backing_fd, rel, 0);
		return err;
	}
	file_table_rekey(m, (uint64_t)st.st_dev, (uint64_t)st.st_ino,
			 (uint64_t)nst.st_dev, (uint64_t)nst.st_ino);
	return 0;
}

int lower_open(struct machine *m, const char *rel, int flags, mode_t mode, int copyup,
	       char *resolved, size_t rlen)
{
	int writes = (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC);
	struct merged_path w;
	int err = merged_walk(m, rel, !(flags & O_NOFOLLOW), &w);

	if (err == -ENOENT && w.missing_last && (flags & O_CREAT)) {
		char abs[MM_SNAP_PATH_MAX + 1];

		err = lower_copy_up_parent(m, w.rel);
		snprintf(abs, sizeof(abs), "/%s", w.rel);
		if (!err && w.whiteout) {
			backing_will_change(m, abs);
			if (unlinkat(m->backing_fd, w.rel, 0))
				err = -errno;
		}
		if (err)
			return err;
		w.layer = LAYER_UPPER;
	} else if (err) {
		return err;
	} else if ((flags & O_CREAT) && (flags & O_EXCL)) {
		return -EEXIST;
	} else if (w.layer == LAYER_LOWER && writes) {
		if (S_ISDIR(w.st.st_mode))
			return -EISDIR;
		if (!copyup)
			return -EROFS;
		err = lower_copy_up(m, w.rel);
		if (err)
			return err;
		w.layer = LAYER_UPPER;
	}
	if (resolved && (size_t)snprintf(resolved, rlen, "%s", w.rel) >= rlen)
		return -ENAMETOOLONG;
	if (w.layer == LAYER_LOWER)
		return layer_open(m->lower_fd, w.rel, flags & (O_ACCMODE | O_PATH | O_NOFOLLOW |
							       O_DIRECTORY), 0);
	return layer_open(m->backing_fd, w.rel, flags, mode);
}

int mm_set_lower(struct machine *m, const char *dir, const char *hide)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	size_t n = strlen(dir);

	if (fd < 0)
		return -errno;
	machine_lock(m);
	if (m->lower_fd >= 0)
		close(m->lower_fd);
	m->lower_fd = fd;
	m->lower_hide[0] = '\0';
	if (n == 1)
		n = 0;	/* lower=/ */
	if (hide && !strncmp(hide, dir, n) && hide[n] == '/')
		snprintf(m->lower_hide, sizeof(m->lower_hide), "%s", hide + n + 1);
	machine_unlock(m);
	return 0;
}

int mm_lower_fd(struct machine *m)
{
	return m->lower_fd;
}

int mm_lower_hidden(struct machine *m, const char *rel)
{
	return m->lower_hide[0] && !strcmp(rel, m->lower_hide);
}
