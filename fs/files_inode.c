/* SPDX-License-Identifier: MIT */
/*
 * files_inode.c - the inodes of MOUNT/files/.
 *
 * FUSE node ids are FILES_INO | a counter, never reused, so no generation
 * is needed. A table maps the host (st_dev, st_ino) to the node, which
 * keeps an O_PATH descriptor of the host file and the kernel's lookup
 * count, dropped by FORGET. st_ino is the model's number for the file
 * (mm_file_ino, what maps prints), asked once when the node is made, with
 * our lock dropped; symlinks and special files, which the model does not
 * number, and files it cannot open show FILES_ALIEN_INO | host inode.
 * A third table maps that st_ino back to the node id: the model names a
 * file by it when it tells the notify thread that bytes changed.
 */
#define FUSE_USE_VERSION 314
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
#include "files.h"
#include "files_internal.h"
#include "mmfs.h"
#include "tree.h"

#define NODE_BUCKETS	4096

static pthread_mutex_t files_lock = PTHREAD_MUTEX_INITIALIZER; /* the tables */
static struct fnode *by_id[NODE_BUCKETS], *by_host[NODE_BUCKETS], *by_model[NODE_BUCKETS];
static uint64_t next_nodeid = 1;
struct fnode files_root = { .fd = -1 };
static char root_path[PATH_MAX];	/* backing=DIR as /proc/self/fd shows it */
static char lower_path[PATH_MAX];	/* lower=DIR as /proc/self/fd shows it, or "" */

/* ---- the node table ---- */

static unsigned id_bucket(uint64_t nodeid)
{
	return (unsigned)(nodeid % NODE_BUCKETS);
}

static unsigned host_bucket(dev_t dev, ino_t ino)
{
	return (unsigned)((ino ^ ((uint64_t)dev << 7)) % NODE_BUCKETS);
}

int files_owns(uint64_t ino)
{
	return (ino & FILES_INO) || (files_root.nodeid && ino == files_root.nodeid);
}

/*
 * The node of ino, or NULL. The kernel sends no FORGET for an inode while
 * a request on it is in flight, so the node outlives the request.
 */
struct fnode *node_get(uint64_t ino)
{
	struct fnode *n;

	if (files_root.fd >= 0 && ino == files_root.nodeid)
		return &files_root;
	if (!(ino & FILES_INO))
		return NULL;
	pthread_mutex_lock(&files_lock);
	for (n = by_id[id_bucket(ino)]; n && n->nodeid != ino; n = n->id_next)
		;
	pthread_mutex_unlock(&files_lock);
	return n;
}

static unsigned model_bucket(uint64_t st_ino)
{
	return (unsigned)((st_ino * 0x9e3779b97f4a7c15ULL) >> 52) % NODE_BUCKETS;
}

static struct fnode *host_find(dev_t dev, ino_t ino)
{
	struct fnode *n = by_host[host_bucket(dev, ino)];

	while (n && !(n->dev == dev && n->ino == ino))
		n = n->host_next;
	return n;
}

static void node_unhash(struct fnode *n)
{
	struct fnode **p;

	for (p = &by_id[id_bucket(n->nodeid)]; *p != n; p = &(*p)->id_next)
		;
	*p = n->id_next;
	for (p = &by_host[host_bucket(n->dev, n->ino)]; *p != n; p = &(*p)->host_next)
		;
	*p = n->host_next;
	for (p = &by_model[model_bucket(n->st_ino)]; *p != n; p = &(*p)->model_next)
		;
	*p = n->model_next;
}

uint64_t files_nodeid_of(uint64_t st_ino)
{
	struct fnode *n;
	uint64_t nodeid;

	pthread_mutex_lock(&files_lock);
	n = by_model[model_bucket(st_ino)];
	while (n && n->st_ino != st_ino)
		n = n->model_next;
	nodeid = n ? n->nodeid : 0;
	pthread_mutex_unlock(&files_lock);
	return nodeid;
}

size_t files_nodeids(uint64_t *ids, size_t max)
{
	size_t k = 0;

	pthread_mutex_lock(&files_lock);
	for (unsigned b = 0; b < NODE_BUCKETS; b++)
		for (struct fnode *n = by_id[b]; n; n = n->id_next, k++)
			if (k < max)
				ids[k] = n->nodeid;
	pthread_mutex_unlock(&files_lock);
	return k;
}

/* "/proc/self/fd/N": reopens exactly the file an O_PATH descriptor holds. */
void fd_path(int fd, char buf[static 64])
{
	snprintf(buf, 64, "/proc/self/fd/%d", fd);
}

/*
 * The path of n below backing=DIR, without a leading '/' ("" for files/
 * itself), as the host sees it now. -ENOENT once it is unlinked.
 */
int node_relpath(const struct fnode *n, char *buf, size_t len)
{
	char link[64], full[PATH_MAX];
	size_t blen = strlen(n->lower ? lower_path : root_path);
	struct stat st;
	ssize_t k;

	if (n == &files_root) {
		buf[0] = '\0';
		return 0;
	}
	if (fstatat(n->fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -errno;
	if (st.st_nlink == 0)
		return -ENOENT;
	fd_path(n->fd, link);
	k = readlink(link, full, sizeof(full) - 1);
	if (k < 0)
		return -errno;
	full[k] = '\0';
	if (blen == 1)		/* backing=/ */
		blen = 0;
	if (strncmp(full, n->lower ? lower_path : root_path, blen) || full[blen] != '/')
		return -ENOENT;
	if (strlen(full + blen + 1) >= len)
		return -ENAMETOOLONG;
	strcpy(buf, full + blen + 1);
	return 0;
}

int node_mpath(const struct fnode *n, char *buf, size_t len)
{
	int err;

	if (len < 2)
		return -ENAMETOOLONG;
	buf[0] = '/';
	err = node_relpath(n, buf + 1, len - 1);	/* files/ itself: "/" */
	return err;
}

int child_mpath(const struct fnode *dir, const char *name, char *buf, size_t len)
{
	char rel[PATH_MAX];
	int err = node_relpath(dir, rel, sizeof(rel));

	if (err)
		return err;
	if ((size_t)snprintf(buf, len, "/%s%s%s", rel, *rel ? "/" : "", name) >= len)
		return -ENAMETOOLONG;
	return 0;
}

/* The st_ino users see for the host file st, named name in directory dir. */
uint64_t model_ino(const struct fnode *dir, const char *name, const struct stat *st)
{
	char rel[PATH_MAX], path[PATH_MAX + 2];
	uint64_t ino;

	if ((S_ISREG(st->st_mode) || S_ISDIR(st->st_mode)) &&
	    !node_relpath(dir, rel, sizeof(rel)) &&
	    (size_t)snprintf(path, sizeof(path), "/%s%s%s", rel, *rel ? "/" : "", name) < sizeof(path) &&
	    !cmd_file_ino(mmfs.m, path, &ino))
		return ino;
	return FILES_ALIEN_INO | ((uint64_t)st->st_ino & (FILES_ALIEN_INO - 1));
}

/*
 * One more kernel reference to the host file fd (O_PATH, consumed), found
 * as name in dir. Returns its node, or NULL (-ENOMEM).
 */
static struct fnode *node_install(const struct fnode *dir, const char *name, int fd,
				  const struct stat *st, int lower)
{
	struct fnode *n, *fresh;

	pthread_mutex_lock(&files_lock);
	n = host_find(st->st_dev, st->st_ino);
	if (n)
		n->nlookup++;
	pthread_mutex_unlock(&files_lock);
	if (n) {
		close(fd);
		return n;
	}
	fresh = calloc(1, sizeof(*fresh));
	if (!fresh) {
		close(fd);
		return NULL;
	}
	fresh->dev = st->st_dev;
	fresh->ino = st->st_ino;
	fresh->fd = fd;
	fresh->lower = lower;
	fresh->nlookup = 1;
	fresh->st_ino = model_ino(dir, name, st);	/* the model's lock, not ours */
	pthread_mutex_lock(&files_lock);
	n = host_find(st->st_dev, st->st_ino);
	if (n) {
		n->nlookup++;
	} else {
		n = fresh;
		n->nodeid = FILES_INO | next_nodeid++;
		n->id_next = by_id[id_bucket(n->nodeid)];
		by_id[id_bucket(n->nodeid)] = n;
		n->host_next = by_host[host_bucket(n->dev, n->ino)];
		by_host[host_bucket(n->dev, n->ino)] = n;
		n->model_next = by_model[model_bucket(n->st_ino)];
		by_model[model_bucket(n->st_ino)] = n;
	}
	pthread_mutex_unlock(&files_lock);
	if (n != fresh) {
		close(fd);
		free(fresh);
	}
	return n;
}

void node_forget(uint64_t ino, uint64_t nlookup)
{
	struct fnode *n = ino == files_root.nodeid ? NULL : node_get(ino);

	if (!n)
		return;
	pthread_mutex_lock(&files_lock);
	n->nlookup = n->nlookup > nlookup ? n->nlookup - nlookup : 0;
	if (n->nlookup)
		n = NULL;
	else
		node_unhash(n);
	pthread_mutex_unlock(&files_lock);
	if (n) {
		close(n->fd);
		free(n);
	}
}

/* ---- setup ---- */

int files_init(void)
{
	char link[64];
	struct tree_ref ref;
	struct stat st;
	ssize_t k;
	int fd, err = 0;

	pthread_mutex_lock(&files_lock);
	if (files_root.fd >= 0)
		goto out;
	err = -ENOENT;
	if (!mmfs.backing || tree_lookup(FUSE_ROOT_ID, "files", 0, &ref))
		goto out;
	fd = open(mmfs.backing, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		err = -errno;
		if (fd >= 0)
			close(fd);
		goto out;
	}
	fd_path(fd, link);
	k = readlink(link, root_path, sizeof(root_path) - 1);
	if (k > 0)
		root_path[k] = '\0';
	else
		snprintf(root_path, sizeof(root_path), "%s", mmfs.backing);
	err = 0;
	lower_path[0] = '\0';
	if (mmfs.lower) {
		int lfd = open(mmfs.lower, O_PATH | O_DIRECTORY | O_CLOEXEC);

		fd_path(lfd, link);
		k = lfd >= 0 ? readlink(link, lower_path, sizeof(lower_path) - 1) : -1;
		lower_path[k > 0 ? k : 0] = '\0';
		if (lfd >= 0)
			close(lfd);
	}
	umask(0);
	files_root.nodeid = ref.ino;
	files_root.dev = st.st_dev;
	files_root.ino = st.st_ino;
	files_root.st_ino = ref.ino;
	files_root.fd = fd;
out:
	pthread_mutex_unlock(&files_lock);
	return err;
}

/* The last chance for dirty pages to reach backing=DIR: the model goes next. */
void files_exit(void)
{
	cmd_sync(mmfs.m);
	for (unsigned b = 0; b < NODE_BUCKETS; b++) {
		while (by_id[b]) {
			struct fnode *n = by_id[b];

			by_id[b] = n->id_next;
			close(n->fd);
			free(n);
		}
		by_host[b] = NULL;
		by_model[b] = NULL;
	}
	if (files_root.fd >= 0)
		close(files_root.fd);
	files_root.fd = -1;
}

/* ---- attributes and entries ---- */

/*
 * A tmpfs file's stand-in holds no block (mm/shmem_file.c): its blocks are
 * the model's pages. Asked only of empty or sparse regular files.
 */
static void tmpfs_blocks(struct stat *st)
{
	uint64_t blocks;

	if (S_ISREG(st->st_mode) && !st->st_blocks && !mm_tmpfs_blocks(mmfs.m, st->st_ino, &blocks))
		st->st_blocks = (blkcnt_t)blocks;
}

int node_stat(const struct fnode *n, struct stat *st)
{
	if (fstatat(n->fd, "", st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -errno;
	st->st_ino = n->st_ino;
	tmpfs_blocks(st);
	return 0;
}

/* A name the host may resolve only inside dir: one component. */
int name_ok(const char *name)
{
	return name[0] && strcmp(name, ".") && strcmp(name, "..") && !strchr(name, '/');
}

/* Look name up in dir and take a reference: the reply of every entry op. */
int do_lookup(struct fnode *dir, const char *name, struct fuse_entry_param *e)
{
	struct fnode *n;
	int fd, layer = 1;

	if (!name_ok(name))
		return -EACCES;
	if (mm_lower_fd(mmfs.m) >= 0) {
		char mpath[PATH_MAX];
		int err = child_mpath(dir, name, mpath, sizeof(mpath));

		fd = err ? err : mm_lower_lookup(mmfs.m, mpath, &layer);
		if (fd < 0)
			return fd;
	} else {
		fd = openat(dir->fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return -errno;
	}
	memset(e, 0, sizeof(*e));
	if (fstatat(fd, "", &e->attr, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)) {
		int err = -errno;

		close(fd);
		return err;
	}
	n = node_install(dir, name, fd, &e->attr, layer == 2);
	if (!n)
		return -ENOMEM;
	e->ino = n->nodeid;
	e->attr.st_ino = n->st_ino;
	tmpfs_blocks(&e->attr);
	e->attr_timeout = e->entry_timeout = FILES_TIMEOUT;
	return 0;
}

int node_upper(struct fnode *n)
{
	char mpath[PATH_MAX];
	struct stat st;
	int err, fd, layer, old;

	if (!n->lower)
		return 0;
	err = node_mpath(n, mpath, sizeof(mpath));
	if (!err)
		err = mm_lower_prepare(mmfs.m, mpath, 1);
	fd = err ? err : mm_lower_lookup(mmfs.m, mpath, &layer);
	if (fd < 0)
		return fd;
	if (layer != 1 || fstatat(fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)) {
		close(fd);
		return -EIO;
	}
	/* the node now stands for the copy: rehash it by its new host identity */
	pthread_mutex_lock(&files_lock);
	if (n->lower) {
		struct fnode **p;

		for (p = &by_host[host_bucket(n->dev, n->ino)]; *p != n; p = &(*p)->host_next)
			;
		*p = n->host_next;
		n->dev = st.st_dev;
		n->ino = st.st_ino;
		n->host_next = by_host[host_bucket(n->dev, n->ino)];
		by_host[host_bucket(n->dev, n->ino)] = n;
		old = n->fd;
		n->fd = fd;
		n->lower = 0;
		fd = old;
	}
	pthread_mutex_unlock(&files_lock);
	close(fd);
	return 0;
}

int node_upper_name(struct fnode *dir, const char *name)
{
	char mpath[PATH_MAX];
	struct fnode *n = NULL;
	struct stat st;
	int err, fd, layer;

	if (mm_lower_fd(mmfs.m) < 0)
		return 0;
	err = child_mpath(dir, name, mpath, sizeof(mpath));
	fd = err ? err : mm_lower_lookup(mmfs.m, mpath, &layer);
	if (fd < 0)
		return fd == -ENOENT ? 0 : fd;	/* the command answers ENOENT */
	if (layer == 2 && !fstatat(fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)) {
		pthread_mutex_lock(&files_lock);
		n = host_find(st.st_dev, st.st_ino);
		pthread_mutex_unlock(&files_lock);
	}
	close(fd);
	return n ? node_upper(n) : 0;
}

/* The st_ino of a host file we have a node for, else 0. */
uint64_t known_ino(const struct stat *st)
{
	struct fnode *n;
	uint64_t ino;

	if (st->st_dev == files_root.dev && st->st_ino == files_root.ino)
		return files_root.st_ino;
	pthread_mutex_lock(&files_lock);
	n = host_find(st->st_dev, st->st_ino);
	ino = n ? n->st_ino : 0;
	pthread_mutex_unlock(&files_lock);
	return ino;
}
