/* SPDX-License-Identifier: MIT */
/*
 * files_io.c - open directories and open regular files of MOUNT/files/.
 *
 * A regular file's bytes are the model's page cache: read, write and fsync
 * go through mm_file_read/write/fsync with the file's path below files/,
 * so Cached and Dirty are the cache's figures and simulated mappers see
 * every write at once. The host's own page cache of the mount is kept
 * (not direct_io) so real processes can mmap the files; notify.c keeps it
 * coherent. A directory's entries are read at opendir and again at each
 * rewind, with d_ino what stat shows.
 */
#define FUSE_USE_VERSION 314
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fuse_lowlevel.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "../mm/mm.h"
#include "files_internal.h"
#include "mmfs.h"
#include "notify.h"

/* ---- directories ---- */

struct fdirent {
	char *name;
	uint64_t ino;
	mode_t type;
};

/* One open directory (fi->fh): its entries, read at opendir and at rewind. */
struct fdir {
	pthread_mutex_t lock;
	struct fnode *node;
	struct fdirent *ents;
	size_t n;
	int fresh;		/* filled by opendir, not yet read */
};

static void fdir_clear(struct fdir *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->ents[i].name);
	free(d->ents);
	d->ents = NULL;
	d->n = 0;
}

static int fdir_add(struct fdir *d, size_t *cap, const char *name, uint64_t ino, mode_t type)
{
	struct fdirent *e;

	if (d->n == *cap) {
		size_t ncap = *cap ? 2 * *cap : 32;

		e = realloc(d->ents, ncap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		d->ents = e;
		*cap = ncap;
	}
	e = &d->ents[d->n];
	e->name = strdup(name);
	if (!e->name)
		return -ENOMEM;
	e->ino = ino;
	e->type = type;
	d->n++;
	return 0;
}

/* d_ino of an entry: what stat would show for it; 0 if it is gone. */
static uint64_t dirent_ino(struct fnode *dir, int dfd, const char *name, mode_t *type)
{
	struct stat st;
	uint64_t ino;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW))
		return 0;
	*type = st.st_mode & S_IFMT;
	ino = known_ino(&st);
	return ino ? ino : model_ino(dir, name, &st);
}

/* The mount point, as the lower layer would list it (mm_lower_hidden). */
static int hidden(struct fdir *d, const char *name)
{
	char rel[PATH_MAX], path[PATH_MAX + 256];

	if (node_relpath(d->node, rel, sizeof(rel)))
		return 0;
	snprintf(path, sizeof(path), "%s%s%s", rel, *rel ? "/" : "", name);
	return mm_lower_hidden(mmfs.m, path);
}

/*
 * The entries of one layer's directory dfd (consumed). With lower=DIR the
 * upper layer is read first (whiteouts left out), then the lower one
 * (other: the upper directory, or -1): a name the upper has, or hides with
 * a whiteout, is skipped.
 */
static int fdir_scan(struct fdir *d, size_t *cap, int dfd, int other, int lower)
{
	struct fnode *dir = d->node;
	uint64_t up = dir == &files_root ? FUSE_ROOT_ID : 0;
	struct dirent *de;
	DIR *dp = fdopendir(dfd);
	int err = 0;

	if (!dp) {
		close(dfd);
		return -errno;
	}
	while (!err && (errno = 0, de = readdir(dp))) {
		mode_t type = (mode_t)DTTOIF(de->d_type);
		struct stat st;
		uint64_t ino;
		int seen = 0;

		if (lower) {
			for (size_t i = 0; i < d->n && !seen; i++)
				seen = !strcmp(d->ents[i].name, de->d_name);
			if (seen || (other >= 0 && !fstatat(other, de->d_name, &st, AT_SYMLINK_NOFOLLOW)))
				continue;
			if (hidden(d, de->d_name))
				continue;
		} else if (mm_lower_fd(mmfs.m) >= 0 && de->d_type == DT_CHR &&
			   !fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) &&
			   S_ISCHR(st.st_mode) && st.st_rdev == 0) {
			continue;	/* a whiteout */
		}
		if (!strcmp(de->d_name, "."))
			ino = dir->st_ino;
		else if (!strcmp(de->d_name, ".."))
			ino = up ? up : dirent_ino(dir, dfd, "..", &type);
		else
			ino = dirent_ino(dir, dfd, de->d_name, &type);
		if (ino)	/* 0: gone meanwhile */
			err = fdir_add(d, cap, de->d_name, ino, type);
	}
	if (!err && errno)
		err = -errno;
	closedir(dp);
	return err;
}

static int fdir_fill(struct fdir *d)
{
	struct fnode *dir = d->node;
	char rel[PATH_MAX];
	size_t cap = 0;
	int dfd, lfd, other, err;

	fdir_clear(d);
	if (mm_lower_fd(mmfs.m) < 0) {
		dfd = openat(dir->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		return dfd < 0 ? -errno : fdir_scan(d, &cap, dfd, -1, 0);
	}
	/* both layers' directories at dir's path */
	err = node_relpath(dir, rel, sizeof(rel));
	if (err)
		return err;
	dfd = openat(files_root.fd, *rel ? rel : ".", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	{
		char mpath[PATH_MAX + 1];

		snprintf(mpath, sizeof(mpath), "/%s", rel);
		lfd = !mm_lower_dir_merged(mmfs.m, mpath) ? -1 :	/* opaque */
		      openat(mm_lower_fd(mmfs.m), *rel ? rel : ".",
			     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	other = dfd >= 0 ? dup(dfd) : -1;
	err = dfd >= 0 ? fdir_scan(d, &cap, dfd, -1, 0) : 0;
	if (!err && lfd >= 0) {
		err = fdir_scan(d, &cap, lfd, other, 1);
		lfd = -1;
	}
	if (lfd >= 0)
		close(lfd);
	if (other >= 0)
		close(other);
	return err;
}

void files_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fnode *n = node_get(ino);
	struct fdir *d = n ? calloc(1, sizeof(*d)) : NULL;
	int err = !n ? -ENOENT : !d ? -ENOMEM : 0;

	if (!err) {
		d->node = n;
		pthread_mutex_init(&d->lock, NULL);
		err = fdir_fill(d);
		d->fresh = 1;
	}
	if (err) {
		if (d) {
			fdir_clear(d);
			pthread_mutex_destroy(&d->lock);
		}
		free(d);
		fuse_reply_err(req, -err);
		return;
	}
	fi->fh = (uintptr_t)d;
	fuse_reply_open(req, fi);
}

void files_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
			  struct fuse_file_info *fi)
{
	struct fdir *d = (struct fdir *)(uintptr_t)fi->fh;
	char *buf = malloc(size ? size : 1);
	size_t pos = 0;
	int err = buf ? 0 : -ENOMEM;

	pthread_mutex_lock(&d->lock);
	if (!err && off == 0 && !d->fresh)	/* rewinddir sees the present */
		err = fdir_fill(d);
	d->fresh = 0;
	for (size_t i = off > 0 ? (size_t)off : 0; !err && i < d->n; i++) {
		struct stat st = { .st_ino = d->ents[i].ino, .st_mode = d->ents[i].type };
		size_t need = fuse_add_direntry(req, buf + pos, size - pos,
						d->ents[i].name, &st, (off_t)i + 1);

		if (need > size - pos)
			break;
		pos += need;
	}
	pthread_mutex_unlock(&d->lock);
	if (err)
		fuse_reply_err(req, -err);
	else
		fuse_reply_buf(req, buf, pos);
	free(buf);
}

void files_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fdir *d = (struct fdir *)(uintptr_t)fi->fh;

	fdir_clear(d);
	pthread_mutex_destroy(&d->lock);
	free(d);
	fuse_reply_err(req, 0);
}

/* ---- regular files ---- */

/*
 * The host file is opened too, without O_TRUNC and O_APPEND: it answers
 * the permission check of the open and carries fchmod/futimens, while the
 * bytes come and go through the model. O_TRUNC truncates the model's file
 * (FUSE_CAP_ATOMIC_O_TRUNC brings it here).
 */
static int ffile_open(struct fnode *n, int dirfd, const char *name, int flags,
		      mode_t mode, struct ffile **out)
{
	int hflags = (flags & ~(O_TRUNC | O_APPEND | O_NOFOLLOW)) | O_CLOEXEC;
	struct ffile *f = malloc(sizeof(*f));
	char path[64];
	int err = 0;

	if (!f)
		return -ENOMEM;
	/* a lower file is copied up before the host file is opened for writing */
	if (n && ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC)) && (err = node_upper(n))) {
		free(f);
		return err;
	}
	if (n) {
		fd_path(n->fd, path);
		f->fd = open(path, hflags & ~(O_CREAT | O_EXCL));
	} else if (name) {
		f->fd = openat(dirfd, name, hflags | O_NOFOLLOW, mode);
	} else {
		f->fd = -1;
		errno = ENOENT;
	}
	if (f->fd < 0) {
		err = -errno;
		free(f);
		return err;
	}
	f->append = !!(flags & O_APPEND);
	*out = f;
	return 0;
}

static void ffile_close(struct ffile *f)
{
	close(f->fd);
	free(f);
}

/* O_TRUNC of an open or create: through the model, which also tells mappers. */
static int open_trunc(const struct fnode *n, int flags)
{
	char path[PATH_MAX];
	int err;

	if (!(flags & O_TRUNC))
		return 0;
	err = node_mpath(n, path, sizeof(path));
	return err ? err : cmd_file_truncate(mmfs.m, path, 0);
}

/*
 * keep_cache off: an open drops what the host cached of the file (a
 * change made while nobody had it open may not have been notified); no
 * direct_io: real processes mmap it through the host's page cache.
 */
static void reply_open(fuse_req_t req, struct fuse_file_info *fi, struct ffile *f,
		       const struct fuse_entry_param *e)
{
	fi->fh = (uintptr_t)f;
	fi->direct_io = 0;
	fi->keep_cache = 0;
	if (e ? fuse_reply_create(req, e, fi) : fuse_reply_open(req, fi)) {
		ffile_close(f);	/* the opener was interrupted: no RELEASE follows */
		if (e)
			node_forget(e->ino, 1);
	}
}

void files_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fnode *n = node_get(ino);
	struct ffile *f = NULL;
	int err = n ? ffile_open(n, -1, NULL, fi->flags, 0, &f) : -ENOENT;

	if (!err)
		err = open_trunc(n, fi->flags);
	if (err) {
		if (f)
			ffile_close(f);
		fuse_reply_err(req, -err);
		return;
	}
	reply_open(req, fi, f, NULL);
}

void files_create(fuse_req_t req, fuse_ino_t parent, const char *name,
		  mode_t mode, struct fuse_file_info *fi)
{
	struct fnode *dir = node_get(parent);
	struct fuse_entry_param e;
	struct ffile *f = NULL;
	int err = 0, looked = 0;

	char mpath[PATH_MAX];

	if (!dir)
		err = -EPERM;
	else if (!name_ok(name))
		err = -EACCES;
	else
		err = child_mpath(dir, name, mpath, sizeof(mpath));
	/* the create is a command (journaled); the open that follows is not */
	if (!err)
		err = cmd_ns(mmfs.m, CT_NS_CREATE, mpath, NULL, mode & 07777, !!(fi->flags & O_EXCL));
	if (!err)
		err = do_lookup(dir, name, &e);
	looked = !err;
	if (!err)
		err = ffile_open(node_get(e.ino), -1, NULL, fi->flags & ~(O_CREAT | O_EXCL), mode, &f);
	if (!err)
		err = open_trunc(node_get(e.ino), fi->flags);
	if (err) {
		if (f)
			ffile_close(f);
		if (looked)
			node_forget(e.ino, 1);
		fuse_reply_err(req, -err);
		return;
	}
	reply_open(req, fi, f, &e);
}

void files_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		struct fuse_file_info *fi)
{
	struct fnode *n = node_get(ino);
	char *buf = malloc(size ? size : 1), path[PATH_MAX];
	long k = !buf ? -ENOMEM : n ? node_mpath(n, path, sizeof(path)) : -ENOENT;

	if (!k)
		k = cmd_file_read(mmfs.m, path, (uint64_t)off, buf, size);
	if (k < 0)
		fuse_reply_err(req, (int)-k);
	else
		fuse_reply_buf(req, buf, (size_t)k);
	free(buf);
}

/*
 * A write (or the writeback of a real mapper's page, fi->writepage) lands
 * in the model's page cache. The host already caches those bytes, so the
 * model's report of the change is not sent back (notify_quiet), unless
 * O_APPEND moved them: the kernel put them at the end it believed, the
 * model at the end it knows.
 */
void files_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size,
		 off_t off, struct fuse_file_info *fi)
{
	static const struct timespec mtime[2] = { { .tv_nsec = UTIME_OMIT },
						  { .tv_nsec = UTIME_NOW } };
	struct ffile *f = (struct ffile *)(uintptr_t)fi->fh;
	struct fnode *n = node_get(ino);
	uint64_t at = (uint64_t)off;
	char path[PATH_MAX];
	struct stat st;
	long k = n ? node_mpath(n, path, sizeof(path)) : -ENOENT;

	if (!k && f->append && !fi->writepage)
		k = fstat(f->fd, &st) ? -errno : 0;
	if (!k && f->append && !fi->writepage)
		at = (uint64_t)st.st_size;
	if (!k) {
		notify_quiet(at == (uint64_t)off ? n->st_ino : 0);
		k = cmd_file_write(mmfs.m, path, at, buf, size);
		notify_quiet(0);
	}
	if (k >= 0 && at != (uint64_t)off)
		notify_inval(n->st_ino, 0, 0);
	if (k > 0)
		futimens(f->fd, mtime);		/* write(2) sets mtime and ctime */
	if (k < 0)
		fuse_reply_err(req, (int)-k);
	else
		fuse_reply_write(req, (size_t)k);
}

void files_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	fuse_reply_err(req, 0);
}

void files_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	ffile_close((struct ffile *)(uintptr_t)fi->fh);
	fuse_reply_err(req, 0);
}

/* The model writes the file's dirty pages to the host file; the host makes it durable. */
void files_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi)
{
	struct ffile *f = (struct ffile *)(uintptr_t)fi->fh;
	struct fnode *n = node_get(ino);
	char path[PATH_MAX];
	int err = n ? node_mpath(n, path, sizeof(path)) : -ENOENT;

	if (!err)
		err = cmd_file_fsync(mmfs.m, path);
	if (!err && (datasync ? fdatasync(f->fd) : fsync(f->fd)))
		err = -errno;
	fuse_reply_err(req, -err);
}
