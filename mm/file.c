/* SPDX-License-Identifier: MIT */
/*
 * file.c - name lookup in the simulated file system (backing=DIR), and the
 * per-machine inode table that makes one struct file_ref per file.
 *
 * Lookup normalises the path lexically ("//", "." and ".." — which cannot
 * climb above the root, as "/.." is "/" on Linux), then opens it below the
 * backing directory with openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS):
 * the host kernel itself refuses symlinks that lead outside. The host file
 * is closed again at once; its inode number and mode are what the model
 * keeps.
 *
 * Inode numbers are the model's own, handed out in lookup order from
 * FIRST_INO: host inode numbers differ from one backing directory to the
 * next, and the same commands must give the same maps byte for byte.
 */
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"
#include "file.h"
#include "file_lower.h"
#include "vma.h"
#include "rmap.h"
#include "filemap.h"
#include "task.h"
#include "shmem_file.h"

#define WHY(...) do { if (why) snprintf(why, whylen, __VA_ARGS__); } while (0)

/* The bytes of a stand-in file that mm's mappings of it reach. */
static uint64_t file_max_need(struct mm_struct *mm, const struct file_ref *f)
{
	uint64_t need = 0;

	for (struct vm_area_struct *v = vma_first(mm); v; v = vma_next_of(v))
		if (v->vm_file == f) {
			uint64_t end = (v->vm_pgoff << MM_PAGE_SHIFT) + (v->vm_end - v->vm_start);

			need = end > need ? end : need;
		}
	return need;
}

/*
 * Processes created before the file system was attached (init, at boot)
 * map stand-in files: give each file-backed VMA the real file of its path,
 * created with the size its mappings need.
 */
static void reattach_files(struct machine *m)
{
	for (int pid = 0; pid < m->pid_max; pid++) {
		struct task *t = m->tasks[pid];

		if (!t || !t->mm)
			continue;
		/* an image's segments share one open, so remember the last swap */
		struct file_ref *old = NULL, *new = NULL;

		for (struct vm_area_struct *v = vma_first(t->mm); v; v = vma_next_of(v)) {
			uint64_t need;

			if (!v->vm_file || v->vm_file->inode)
				continue;
			if (v->vm_file != old) {
				need = file_max_need(t->mm, v->vm_file);
				file_ref_put(new);
				new = NULL;
				old = v->vm_file;
				if (file_ensure(m, old->path, need) ||
				    file_open(m, old->path, MM_O_RDONLY, &new, NULL, 0))
					continue;
			}
			if (!new)
				continue;
			vma_set_file(v, file_ref_get(new));
			file_ref_put(old);	/* v's reference to the stand-in */
		}
		file_ref_put(new);
	}
}

static void standin_made(struct machine *m, const char *rel)
{
	if (m->standin_hook)
		m->standin_hook(m->standin_hook_arg, rel);
}

int mm_set_backing(struct machine *m, const char *dir, uint32_t dev_major, uint32_t dev_minor)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	machine_lock(m);
	if (m->backing_fd >= 0)
		close(m->backing_fd);
	m->backing_fd = fd;
	m->files_dev_major = dev_major;
	m->files_dev_minor = dev_minor;
	reattach_files(m);
	/*
	 * The directory of POSIX shared memory (shm_open), there as a tmpfs is;
	 * what is made here is a stand-in (a default backing= may go at unmount).
	 */
	if (!mkdirat(fd, "dev", 0755))
		standin_made(m, "dev");
	if (!mkdirat(fd, "dev/shm", 01777)) {
		(void)fchmodat(fd, "dev/shm", 01777, 0);	/* past the daemon's umask */
		standin_made(m, "dev/shm");
	}
	machine_unlock(m);
	return 0;
}

void mm_set_backing_hook(struct machine *m, void (*fn)(void *arg, const char *path), void *arg)
{
	machine_lock(m);
	m->backing_hook = fn;
	m->backing_hook_arg = arg;
	machine_unlock(m);
}

void mm_set_standin_hook(struct machine *m, void (*fn)(void *arg, const char *rel), void *arg)
{
	machine_lock(m);
	m->standin_hook = fn;
	m->standin_hook_arg = arg;
	machine_unlock(m);
}

#define DELETED_SUFFIX " (deleted)"

void backing_will_change(struct machine *m, const char *path)
{
	size_t n = strlen(path), k = sizeof(DELETED_SUFFIX) - 1;

	if (!m->backing_hook || !path[0] || (n >= k && !strcmp(path + n - k, DELETED_SUFFIX)))
		return;
	m->backing_hook(m->backing_hook_arg, path);
}

/*
 * "/a//b/./c/../d" -> "a/b/d" (relative to the backing directory) and the
 * absolute form "/a/b/d" for maps. Returns -ENAMETOOLONG or -EINVAL.
 */
static int normalise(const char *path, char *rel, size_t len)
{
	size_t n = 0;
	const char *p = path;

	if (!*path)
		return -EINVAL;
	while (*p) {
		const char *e;
		size_t cl;

		while (*p == '/')
			p++;
		e = strchrnul(p, '/');
		cl = (size_t)(e - p);
		if (cl == 0 || (cl == 1 && p[0] == '.')) {
			/* nothing */
		} else if (cl == 2 && p[0] == '.' && p[1] == '.') {
			while (n && rel[n - 1] != '/')
				n--;
			if (n)
				n--;
		} else {
			if (cl > 255)
				return -ENAMETOOLONG;
			if (n + (n ? 1 : 0) + cl + 1 > len)
				return -ENAMETOOLONG;
			if (n)
				rel[n++] = '/';
			memcpy(rel + n, p, cl);
			n += cl;
		}
		p = e;
	}
	rel[n] = 0;
	return 0;
}

int file_path_normalise(const char *path, char *abs, size_t len)
{
	int err;

	if (len < 2)
		return -ENAMETOOLONG;
	err = normalise(path, abs + 1, len - 1);
	abs[0] = '/';
	return err;
}

static unsigned bucket(dev_t dev, ino_t ino)
{
	return (unsigned)((ino ^ (dev << 7)) % FILE_TABLE_BUCKETS);
}

static struct file_ref *table_find(struct machine *m, uint64_t host_dev, uint64_t host_ino)
{
	for (struct file_ref *f = m->file_table[bucket(host_dev, host_ino)]; f; f = f->hash_next)
		if (f->host_ino == host_ino && f->host_dev == host_dev)
			return f;
	return NULL;
}

void file_table_free(struct machine *m)
{
	icache_release_all(m);
	while (m->files_first) {
		struct file_ref *f = m->files_first;

		m->files_first = f->table_next;
		filemap_release(f);
		file_ref_free(f);
	}
	m->files_last = NULL;
	memset(m->file_table, 0, sizeof(m->file_table));
}

int file_host_open(struct machine *m, const char *rel, int flags, mode_t mode, int copyup)
{
	struct open_how how = {
		.flags = (uint64_t)flags | O_CLOEXEC,
		.mode = (flags & O_CREAT) ? mode : 0,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	long fd;

	if (m->lower_fd >= 0)
		return lower_open(m, rel, flags, mode, copyup, NULL, 0);
	fd = syscall(SYS_openat2, m->backing_fd, *rel ? rel : ".", &how, sizeof(how));
	return fd < 0 ? -errno : (int)fd;
}

static int host_open(struct machine *m, const char *rel, int flags, mode_t mode)
{
	return file_host_open(m, rel, flags, mode, 1);
}

void file_table_rekey(struct machine *m, uint64_t old_dev, uint64_t old_ino,
		      uint64_t new_dev, uint64_t new_ino)
{
	struct file_ref *f = table_find(m, old_dev, old_ino), **pp;

	if (!f)
		return;
	for (pp = &m->file_table[bucket(old_dev, old_ino)]; *pp != f; pp = &(*pp)->hash_next)
		;
	*pp = f->hash_next;
	f->host_dev = new_dev;
	f->host_ino = new_ino;
	if (f->host_fd >= 0)
		close(f->host_fd);	/* the lower file's: reads reopen the copy */
	f->host_fd = -1;
	f->hash_next = m->file_table[bucket(new_dev, new_ino)];
	m->file_table[bucket(new_dev, new_ino)] = f;
}

int file_open(struct machine *m, const char *path, int flags, struct file_ref **out,
	      char *why, size_t whylen)
{
	return file_open_mode(m, path, flags, 0644, out, why, whylen);
}

int file_open_mode(struct machine *m, const char *path, int flags, unsigned mode,
		   struct file_ref **out, char *why, size_t whylen)
{
	char rel[MM_SNAP_PATH_MAX - 1];
	int acc = flags & MM_O_ACCMODE, hflags, fd, err;
	struct file_ref *f, *node;
	struct stat st;

	lockdep_assert_held(m);
	if (m->backing_fd < 0) {
		WHY("no file system is attached (backing=)");
		return -EACCES;
	}
	err = normalise(path, rel, sizeof(rel));
	if (err) {
		WHY(err == -EINVAL ? "empty path" : "path too long");
		return err;
	}
	hflags = acc == MM_O_WRONLY ? O_WRONLY : acc == MM_O_RDWR ? O_RDWR : O_RDONLY;
	if (flags & MM_O_CREAT)
		hflags |= O_CREAT;
	if (flags & MM_O_TRUNC)
		hflags |= O_TRUNC;
	if (flags & MM_O_EXCL)
		hflags |= O_EXCL;
	if (flags & MM_O_NOFOLLOW)
		hflags |= O_NOFOLLOW;
	if (m->backing_hook && (flags & (MM_O_CREAT | MM_O_TRUNC))) {
		/* a create of a missing file, or a truncate, changes the backing */
		fd = host_open(m, rel, O_PATH, 0);
		if (fd >= 0)
			close(fd);
		if ((flags & MM_O_TRUNC) || fd == -ENOENT) {
			char abs[MM_SNAP_PATH_MAX + 1];

			snprintf(abs, sizeof(abs), "/%s", rel);
			backing_will_change(m, abs);
		}
	}
	if (m->lower_fd >= 0) {
		/* the merged tree: rel becomes the resolved path, as d_path shows it */
		char resolved[sizeof(rel)];

		fd = lower_open(m, rel, hflags, mode, 1, resolved, sizeof(resolved));
		if (fd >= 0)
			memcpy(rel, resolved, sizeof(rel));
	} else {
		fd = host_open(m, rel, hflags, mode);
	}
	if (fd == -EXDEV || fd == -ELOOP) {
		WHY("'%s' leads outside the file system", path);
		return fd == -EXDEV ? -EACCES : -ELOOP;
	}
	if (fd < 0) {
		WHY("cannot open '%s'", path);
		return fd;
	}
	if (fstat(fd, &st)) {
		err = -errno;
		close(fd);
		return err;
	}
	close(fd);
	node = table_find(m, st.st_dev, st.st_ino);
	if (!node) {
		node = file_ref_new("", m->files_dev_major, m->files_dev_minor, m->next_ino++);
		if (!node)
			return -ENOMEM;
		snprintf(node->path, sizeof(node->path), "/%s", rel);
		node->host_dev = st.st_dev;
		node->host_ino = st.st_ino;
		node->owner = m;
		if (S_ISREG(st.st_mode) && tmpfs_path(rel))
			tmpfs_inode_init(node);	/* a file of /dev/shm's tmpfs */
		node->hash_next = m->file_table[bucket(st.st_dev, st.st_ino)];
		m->file_table[bucket(st.st_dev, st.st_ino)] = node;
		if (m->files_last)
			m->files_last->table_next = node;
		else
			m->files_first = node;
		m->files_last = node;
	}
	node->is_dir = S_ISDIR(st.st_mode);
	node->mode = st.st_mode & 07777;
	/* the open file: named by the path it was opened with */
	f = file_ref_new("", node->dev_major, node->dev_minor, node->ino);
	if (!f)
		return -ENOMEM;
	snprintf(f->path, sizeof(f->path), "/%s", rel);
	f->host_dev = node->host_dev;
	f->host_ino = node->host_ino;
	f->is_dir = node->is_dir;
	f->mode = node->mode;
	f->inode = node;
	f->slab = kmem_cache_alloc(m, KMEM_FILP, -1);
	f->i_state = F_FILP;
	icache_get(m, node);
	/*
	 * O_TRUNC (handle_truncate): the host cut the backing file when it
	 * opened it; the cache and every mapping of the inode follow.
	 */
	if ((flags & MM_O_TRUNC) && S_ISREG(st.st_mode)) {
		truncate_pagecache(m, node, 0);
		filemap_notify(m, node, 0, UINT64_MAX >> 1);
	}
	*out = f;
	return 0;
}

int mm_file_ino(struct machine *m, const char *path, uint64_t *ino)
{
	struct file_ref *f;
	int err;

	machine_lock(m);
	err = file_open(m, path, MM_O_RDONLY, &f, NULL, 0);
	if (!err) {
		*ino = f->ino;
		file_ref_put(f);
	}
	machine_unlock(m);
	return err;
}

uint64_t file_size(struct machine *m, struct file_ref *f)
{
	char rel[MM_SNAP_PATH_MAX];
	struct stat st;
	int fd;

	if (m->backing_fd < 0 || normalise(f->path, rel, sizeof(rel)))
		return 0;
	fd = host_open(m, rel, O_RDONLY | O_PATH, 0);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st))
		st.st_size = 0;
	close(fd);
	return (uint64_t)st.st_size;
}

/* The model made rel beneath backing= itself (mm_set_standin_hook). */

int file_ensure(struct machine *m, const char *path, uint64_t size)
{
	char rel[MM_SNAP_PATH_MAX];
	struct stat st;
	int fd, err, missing;

	if (m->backing_fd < 0)
		return 0;
	err = normalise(path, rel, sizeof(rel));
	if (err)
		return err;
	if (m->lower_fd >= 0) {
		struct merged_path w;

		/* a real file of the lower layer is used as it is, never hidden */
		err = merged_walk(m, rel, 1, &w);
		if (!err && w.layer == LAYER_LOWER && S_ISREG(w.st.st_mode))
			return 0;
		/*
		 * Else the stand-in goes where the merged tree resolves the path
		 * (/sbin/init is usr/sbin/init when the lower /sbin is a link), so
		 * that no directory made for it shadows a lower symlink.
		 */
		if ((!err || err == -ENOENT) &&
		    (size_t)snprintf(rel, sizeof(rel), "%s%s", w.rel, err ? w.rest : "") >= sizeof(rel))
			return -ENAMETOOLONG;
	}
	/* create the parent directories, one component at a time */
	for (char *s = strchr(rel, '/'); s; s = strchr(s + 1, '/')) {
		*s = 0;
		if (fstatat(m->backing_fd, rel, &st, AT_SYMLINK_NOFOLLOW)) {
			char abs[MM_SNAP_PATH_MAX + 1];

			snprintf(abs, sizeof(abs), "/%s", rel);
			backing_will_change(m, abs);
		}
		if (!mkdirat(m->backing_fd, rel, 0755)) {
			standin_made(m, rel);
		} else if (errno != EEXIST) {
			err = -errno;
			*s = '/';
			return err;
		}
		*s = '/';
	}
	missing = fstatat(m->backing_fd, rel, &st, AT_SYMLINK_NOFOLLOW) != 0;
	if (missing || (uint64_t)st.st_size < size) {
		char abs[MM_SNAP_PATH_MAX + 1];

		snprintf(abs, sizeof(abs), "/%s", rel);
		backing_will_change(m, abs);
	}
	fd = host_open(m, rel, O_RDWR | O_CREAT, 0755);
	if (fd < 0)
		return fd;
	if (missing)
		standin_made(m, rel);
	err = 0;
	if (fstat(fd, &st))
		err = -errno;
	else if ((uint64_t)st.st_size < size && ftruncate(fd, (off_t)size))
		err = -errno;
	close(fd);
	return err;
}

int mm_rekey_files(struct machine *m)
{
	struct file_ref *all = NULL;
	int moved = 0;

	machine_lock(m);
	for (int i = 0; i < FILE_TABLE_BUCKETS; i++)	/* unhash everything */
		while (m->file_table[i]) {
			struct file_ref *f = m->file_table[i];

			m->file_table[i] = f->hash_next;
			f->hash_next = all;
			all = f;
		}
	while (all) {
		struct file_ref *f = all;
		char rel[MM_SNAP_PATH_MAX];
		struct stat st;
		int fd;

		all = f->hash_next;
		if (m->backing_fd >= 0 && !normalise(f->path, rel, sizeof(rel)) &&
		    (fd = host_open(m, rel, O_PATH | O_NOFOLLOW, 0)) >= 0) {
			if (!fstat(fd, &st) && (f->host_dev != st.st_dev || f->host_ino != st.st_ino)) {
				f->host_dev = st.st_dev;
				f->host_ino = st.st_ino;
				moved++;
			}
			close(fd);
		}
		f->hash_next = m->file_table[bucket(f->host_dev, f->host_ino)];
		m->file_table[bucket(f->host_dev, f->host_ino)] = f;
	}
	machine_unlock(m);
	return moved;
}
