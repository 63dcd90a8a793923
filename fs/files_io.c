/* SPDX-License-Identifier: MIT */
/*
 * files_io.c - open directories and open regular files of MOUNT/files/.
 *
 * Files are opened on the host through /proc/self/fd/N of their node and
 * served through the kernel page cache, not direct_io, so real processes
 * can mmap them; keep_cache is off, so each open starts from what the
 * backing file holds. Writes go to the host file at once (pwrite). A
 * directory's entries are read at opendir and again at each rewind, with
 * d_ino what stat shows.
 */
#define FUSE_USE_VERSION 314
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fuse_lowlevel.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files_internal.h"

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

static int fdir_fill(struct fdir *d)
{
	struct fnode *dir = d->node;
	size_t cap = 0;
	struct dirent *de;
	DIR *dp;
	int dfd = openat(dir->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), err = 0;
	uint64_t up = dir == &files_root ? FUSE_ROOT_ID : 0;

	if (dfd < 0)
		return -errno;
	dp = fdopendir(dfd);
	if (!dp) {
		close(dfd);
		return -errno;
	}
	fdir_clear(d);
	while (!err && (errno = 0, de = readdir(dp))) {
		mode_t type = (mode_t)DTTOIF(de->d_type);
		uint64_t ino;

		if (!strcmp(de->d_name, "."))
			ino = dir->st_ino;
		else if (!strcmp(de->d_name, ".."))
			ino = up ? up : dirent_ino(dir, dfd, "..", &type);
		else
			ino = dirent_ino(dir, dfd, de->d_name, &type);
		if (ino)	/* 0: gone meanwhile */
			err = fdir_add(d, &cap, de->d_name, ino, type);
	}
	if (!err && errno)
		err = -errno;
	closedir(dp);
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

static void reply_open(fuse_req_t req, struct fuse_file_info *fi, int fd,
		       const struct fuse_entry_param *e)
{
	fi->fh = (uint64_t)fd;
	fi->direct_io = 0;
	fi->keep_cache = 0;
	if (e ? fuse_reply_create(req, e, fi) : fuse_reply_open(req, fi)) {
		close(fd);	/* the opener was interrupted: no RELEASE follows */
		if (e)
			node_forget(e->ino, 1);
	}
}

void files_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fnode *n = node_get(ino);
	char path[64];
	int fd;

	if (!n) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	fd_path(n->fd, path);
	fd = open(path, (fi->flags & ~O_NOFOLLOW) | O_CLOEXEC);
	if (fd < 0)
		fuse_reply_err(req, errno);
	else
		reply_open(req, fi, fd, NULL);
}

void files_create(fuse_req_t req, fuse_ino_t parent, const char *name,
			 mode_t mode, struct fuse_file_info *fi)
{
	struct fnode *dir = node_get(parent);
	struct fuse_entry_param e;
	int fd = -1, err = 0;

	if (!dir)
		err = -EPERM;
	else if (!name_ok(name))
		err = -EACCES;
	else if ((fd = openat(dir->fd, name, (fi->flags | O_CREAT | O_NOFOLLOW | O_CLOEXEC),
			      mode)) < 0)
		err = -errno;
	if (!err)
		err = do_lookup(dir, name, &e);
	if (err) {
		if (fd >= 0)
			close(fd);
		fuse_reply_err(req, -err);
		return;
	}
	reply_open(req, fi, fd, &e);
}

void files_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	char *buf = malloc(size ? size : 1);
	ssize_t k;

	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	k = pread((int)fi->fh, buf, size, off);
	if (k < 0)
		fuse_reply_err(req, errno);
	else
		fuse_reply_buf(req, buf, (size_t)k);
	free(buf);
}

/* An O_APPEND host descriptor appends whatever off the kernel believed. */
void files_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size,
			off_t off, struct fuse_file_info *fi)
{
	ssize_t k = pwrite((int)fi->fh, buf, size, off);

	if (k < 0)
		fuse_reply_err(req, errno);
	else
		fuse_reply_write(req, (size_t)k);
}

void files_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	fuse_reply_err(req, 0);
}

void files_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	close((int)fi->fh);
	fuse_reply_err(req, 0);
}

void files_fsync(fuse_req_t req, fuse_ino_t ino, int datasync,
			struct fuse_file_info *fi)
{
	int fd = (int)fi->fh;

	fuse_reply_err(req, (datasync ? fdatasync(fd) : fsync(fd)) ? errno : 0);
}
