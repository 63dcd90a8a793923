// SPDX-License-Identifier: MIT
/*
 * file_lower_ns.c - lower=DIR for files/ and its namespace commands
 * (mm.h: mm_lower_*): what fs/ asks of the merged tree before and after a
 * create, unlink, rmdir, rename, link, chmod or chown, so that names of the
 * lower layer are copied up, hidden by whiteouts and made opaque as
 * overlayfs does (see file_lower.c for the layers). Each entry point takes
 * the model's lock: fs/ calls them from its command turn or a FUSE thread.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "internal.h"
#include "file.h"
#include "file_lower.h"

/* "/a/b" -> "a/b" normalised; 0 or -errno. */
static int mpath_rel(const char *path, char *rel, size_t len)
{
	char abs[MM_SNAP_PATH_MAX + 1];
	int err = file_path_normalise(path, abs, sizeof(abs));

	if (!err && (size_t)snprintf(rel, len, "%s", abs + 1) >= len)
		err = -ENAMETOOLONG;
	return err;
}

int mm_lower_lookup(struct machine *m, const char *path, int *layer)
{
	char rel[MM_SNAP_PATH_MAX];
	struct merged_path w;
	int err;

	machine_lock(m);
	err = m->lower_fd < 0 ? -EINVAL : mpath_rel(path, rel, sizeof(rel));
	if (!err)
		err = merged_walk(m, rel, 0, &w);
	if (!err) {
		*layer = w.layer;
		err = layer_open(w.layer == LAYER_LOWER ? m->lower_fd : m->backing_fd, w.rel,
				 O_PATH | O_NOFOLLOW, 0);
	}
	machine_unlock(m);
	return err;
}

int mm_lower_prepare(struct machine *m, const char *path, int self)
{
	char rel[MM_SNAP_PATH_MAX];
	struct merged_path w;
	int err;

	machine_lock(m);
	err = m->lower_fd < 0 ? 0 : mpath_rel(path, rel, sizeof(rel));
	if (m->lower_fd < 0 || err)
		goto out;
	err = merged_walk(m, rel, 0, &w);
	if (!self || (err == -ENOENT && w.missing_last)) {
		/* the parent (resolved) made in the upper layer, a whiteout cleared */
		if (err && !(err == -ENOENT && w.missing_last))
			goto out;
		err = lower_copy_up_parent(m, w.rel);
		if (!err && w.whiteout) {
			char abs[MM_SNAP_PATH_MAX + 1];

			snprintf(abs, sizeof(abs), "/%s", w.rel);
			backing_will_change(m, abs);
			if (unlinkat(m->backing_fd, w.rel, 0))
				err = -errno;
		}
		goto out;
	}
	if (!err && w.layer == LAYER_LOWER)
		err = lower_copy_up(m, w.rel);
out:
	machine_unlock(m);
	return err;
}

/* Whether the merged directory rel has any entry left. */
static int merged_dir_empty(struct machine *m, const char *rel, int lower_hidden)
{
	for (int root = 0; root < 2 - lower_hidden; root++) {
		int fd = layer_open(root ? m->lower_fd : m->backing_fd, rel,
				    O_RDONLY | O_DIRECTORY, 0);
		struct dirent *de;
		DIR *d;
		int empty = 1;

		if (fd < 0)
			continue;
		d = fdopendir(fd);
		if (!d) {
			close(fd);
			continue;
		}
		while (empty && (de = readdir(d))) {
			char cand[2 * MM_SNAP_PATH_MAX];
			struct merged_path w;

			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			snprintf(cand, sizeof(cand), "%s/%s", rel, de->d_name);
			if (!merged_walk(m, cand, 0, &w))
				empty = 0;
		}
		closedir(d);
		if (!empty)
			return 0;
	}
	return 1;
}

int mm_lower_remove(struct machine *m, const char *path, int dir, int (*host_rm)(void *arg),
		    void *arg)
{
	char rel[MM_SNAP_PATH_MAX], abs[MM_SNAP_PATH_MAX + 1];
	struct merged_path w;
	struct stat lst;
	int err, in_lower;

	machine_lock(m);
	err = mpath_rel(path, rel, sizeof(rel));
	if (!err)
		err = merged_walk(m, rel, 0, &w);
	if (err)
		goto out;
	if (dir && !S_ISDIR(w.st.st_mode)) {
		err = -ENOTDIR;
		goto out;
	}
	if (!dir && S_ISDIR(w.st.st_mode)) {
		err = -EISDIR;
		goto out;
	}
	in_lower = !w.hidden_above && !layer_stat(m->lower_fd, w.rel, &lst);
	if (dir && !merged_dir_empty(m, w.rel, w.lower_hidden || !in_lower)) {
		err = -ENOTEMPTY;
		goto out;
	}
	if (w.layer == LAYER_UPPER && !host_rm) {
		err = 0;	/* a rename's source: the upper name is still there */
		goto out;
	}
	if (w.layer == LAYER_UPPER) {
		if (dir) {
			/* its upper part may hold only whiteouts: clear them */
			int fd = layer_open(m->backing_fd, w.rel, O_RDONLY | O_DIRECTORY, 0);
			DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
			struct dirent *de;

			while (d && (de = readdir(d)))
				if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
					unlinkat(fd, de->d_name, 0);
			if (d)
				closedir(d);
			else if (fd >= 0)
				close(fd);
		}
		machine_unlock(m);
		err = host_rm(arg);	/* the upper name, by the caller (journaled there) */
		machine_lock(m);
		if (err)
			goto out;
	}
	if (in_lower) {
		snprintf(abs, sizeof(abs), "/%s", w.rel);
		backing_will_change(m, abs);
		err = lower_copy_up_parent(m, w.rel);
		if (!err && mknodat(m->backing_fd, w.rel, S_IFCHR | 0, makedev(0, 0)))
			err = -errno;
	}
out:
	machine_unlock(m);
	return err;
}

int mm_lower_made_dir(struct machine *m, const char *path)
{
	char rel[MM_SNAP_PATH_MAX];
	struct merged_path w;
	struct stat st;
	int err = 0, fd;

	machine_lock(m);
	if (m->lower_fd < 0 || mpath_rel(path, rel, sizeof(rel)) || merged_walk(m, rel, 0, &w) ||
	    w.layer != LAYER_UPPER || layer_stat(m->lower_fd, w.rel, &st))
		goto out;	/* nothing of the lower layer to hide */
	fd = layer_open(m->backing_fd, w.rel, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0);
	if (fd < 0) {
		err = fd;
		goto out;
	}
	err = -ENOTSUP;
	for (size_t i = 0; i < 2 && err; i++)
		err = fsetxattr(fd, opaque_xattrs[i], "y", 1, 0) ? -errno : 0;
	close(fd);
out:
	machine_unlock(m);
	return err;
}

int mm_lower_dir_merged(struct machine *m, const char *path)
{
	char rel[MM_SNAP_PATH_MAX];
	struct merged_path w;
	int merged;

	machine_lock(m);
	merged = m->lower_fd >= 0 && !mpath_rel(path, rel, sizeof(rel)) &&
		 !merged_walk(m, rel, 1, &w) && !w.lower_hidden;
	machine_unlock(m);
	return merged;
}
