// SPDX-License-Identifier: MIT
/*
 * truncate.c - a file's size changing under its mappers, and names going
 * away (kernel: mm/truncate.c, truncate_setsize, unmap_mapping_range;
 * fs/namei.c for rename and unlink).
 *
 * Shrinking a file unmaps the pages wholly past the new EOF from every
 * process (private COW copies included, as the kernel's even_cows does),
 * drops them from the cache (dirty ones are discarded, never written) and
 * zeroes the tail of the partial last page, which becomes dirty. A later
 * access there is SIGBUS. Growing only sets the size: the gap reads as
 * zeros.
 *
 * Names: the inode table keeps each inode's path (what the backing file is
 * opened by). A rename, told after the host did it, rewrites the paths of
 * the inodes at or below the old name, and of the open files (VMAs, fd
 * tables) that name them, so maps shows the current name as Linux's d_path
 * does. An unlink (rename to NULL; told before the host unlink, the model
 * can still open the file to keep a mapped file's bytes) leaves the inode
 * in the table under "PATH (deleted)", out of
 * reach of lookups; its open files show the same suffix, as in Linux's
 * maps. An unlinked inode still mapped or open keeps its backing file open
 * (its bytes stay reachable for the machine's life); one nobody holds
 * loses its cached pages at once.
 */
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"
#include "file.h"
#include "filemap.h"
#include "memory.h"
#include "syscalls.h"
#include "task.h"
#include "vma.h"
#include "writeback.h"
#include "shmem_file.h"

#define DELETED " (deleted)"

void unmap_mapping_range(struct machine *m, struct file_ref *inode, uint64_t first,
				uint64_t end, int even_cows)
{
	for (int pid = 0; pid < m->pid_max; pid++) {
		struct task *t = m->tasks[pid];

		if (!t || !t->mm || !t->mm->pgd || !thread_group_leader(t))
			continue;	/* a shared mm once */
		for (struct vm_area_struct *v = vma_first(t->mm); v; v = vma_next_of(v)) {
			uint64_t from, to;

			if (!v->vm_file || file_inode(v->vm_file) != inode ||
			    v->vm_pgoff + vma_pages(v) <= first || v->vm_pgoff >= end)
				continue;
			from = v->vm_start + ((first > v->vm_pgoff ? first - v->vm_pgoff : 0) << MM_PAGE_SHIFT);
			to = end - v->vm_pgoff < vma_pages(v) ? v->vm_start + ((end - v->vm_pgoff) << MM_PAGE_SHIFT)
							      : v->vm_end;
			if (even_cows)
				zap_page_range(m, t->mm, v, from, to);
			else
				zap_mapping_pages(m, t->mm, from, to);
		}
	}
}

void truncate_pagecache(struct machine *m, struct file_ref *inode, uint64_t size)
{
	uint64_t first = (size + MM_PAGE_SIZE - 1) >> MM_PAGE_SHIFT;

	unmap_mapping_range(m, inode, first, UINT64_MAX, 1);
	filemap_remove_range(m, inode, first, UINT64_MAX);
	filemap_zero_tail(m, inode, size, 1);
}

/* truncate_setsize and truncate_pagecache together. 0 or -errno. */
static int truncate_setsize(struct machine *m, struct file_ref *inode, uint64_t size)
{
	uint64_t old = i_size_read(m, inode);
	int fd = filemap_host_fd(m, inode, 1);

	if (fd < 0)
		return -EIO;
	if (size > (uint64_t)INT64_MAX)
		return -EFBIG;
	backing_will_change(m, inode->path);
	if (ftruncate(fd, (off_t)size))
		return -errno;
	if (size < old) {
		truncate_pagecache(m, inode, size);
	} else {
		filemap_zero_tail(m, inode, old, 0);	/* what mappers stored past the old EOF */
	}
	filemap_notify(m, inode, size < old ? size : old, size < old ? old - size : size - old);
	return 0;
}

int vfs_punch_hole(struct machine *m, struct file_ref *f, uint64_t first, uint64_t end)
{
	struct file_ref *inode = file_inode(f);
	uint64_t size = filemap_size_pages(m, inode);

	if (end > size)
		end = size;	/* KEEP_SIZE: nothing cached or mapped lies past EOF */
	if (first >= end)
		return 0;
	if (!inode->shmem_size) {
		int fd = filemap_host_fd(m, inode, 1);

		if (fd < 0)
			return -EIO;
		backing_will_change(m, inode->path);
		if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			      (off_t)(first << MM_PAGE_SHIFT), (off_t)((end - first) << MM_PAGE_SHIFT)))
			return -errno;
	}
	unmap_mapping_range(m, inode, first, end, 0);
	filemap_remove_range(m, inode, first, end);
	if (!inode->shmem_size)
		filemap_notify(m, inode, first << MM_PAGE_SHIFT, (end - first) << MM_PAGE_SHIFT);
	return 0;
}

int mm_file_truncate(struct machine *m, const char *path, uint64_t size)
{
	struct file_ref *f;
	int err;

	machine_lock(m);
	sim_advance(m, MM_TICK_NS);
	err = file_open(m, path, MM_O_RDONLY, &f, NULL, 0);
	if (!err) {
		err = f->is_dir ? -EISDIR : truncate_setsize(m, f->inode, size);
		file_ref_put(f);
	}
	wb_flush(m);
	machine_unlock(m);
	return err;
}

/*
 * If path names from or lies below it, rewrite it to name to instead (to
 * NULL: append " (deleted)"). Returns 1 if it changed.
 */
static int rename_path(char *path, const char *from, const char *to)
{
	size_t n = strlen(from);
	char buf[MM_SNAP_PATH_MAX];

	if (strncmp(path, from, n) || (path[n] && path[n] != '/'))
		return 0;
	/*
	 * The name an open file shows (maps, fd) holds MM_SNAP_PATH_MAX - 1
	 * bytes: a longer one is shown cut, the file itself is unaffected.
	 */
	if ((to ? snprintf(buf, sizeof(buf), "%s%s", to, path + n)
		: snprintf(buf, sizeof(buf), "%s%s", path, DELETED)) >= (int)sizeof(buf))
		buf[sizeof(buf) - 1] = '\0';
	strcpy(path, buf);
	return 1;
}

/* Apply rename_path to every open file of every process. */
static void rename_open_files(struct machine *m, const char *from, const char *to)
{
	for (int pid = 0; pid < m->pid_max; pid++) {
		struct task *t = m->tasks[pid];

		if (!t || !thread_group_leader(t))
			continue;	/* a shared mm once */
		for (struct vm_area_struct *v = t->mm ? vma_first(t->mm) : NULL; v; v = vma_next_of(v))
			if (v->vm_file && v->vm_file->inode)
				rename_path(v->vm_file->path, from, to);
		if (t->mm && t->mm->exe_file && t->mm->exe_file->inode)
			rename_path(t->mm->exe_file->path, from, to);
		for (int fd = 0; t->files && fd < FDTABLE_MAX; fd++)
			if (t->files->fd[fd].file && t->files->fd[fd].file->inode)
				rename_path(t->files->fd[fd].file->path, from, to);
	}
}

/* Does a VMA, an fd or a program (exe_file) still hold an open file of inode? */
int inode_in_use(struct machine *m, struct file_ref *inode)
{
	for (int pid = 0; pid < m->pid_max; pid++) {
		struct task *t = m->tasks[pid];

		if (!t || !thread_group_leader(t))
			continue;	/* a shared mm once */
		for (struct vm_area_struct *v = t->mm ? vma_first(t->mm) : NULL; v; v = vma_next_of(v))
			if (v->vm_file && v->vm_file->inode == inode)
				return 1;
		if (t->mm && t->mm->exe_file && t->mm->exe_file->inode == inode)
			return 1;
		for (int fd = 0; t->files && fd < FDTABLE_MAX; fd++)
			if (t->files->fd[fd].file && t->files->fd[fd].file->inode == inode)
				return 1;
	}
	return 0;
}

/* The inodes at or below path leave the namespace (unlink, rmdir, replaced by a rename). */
static void unlink_inodes(struct machine *m, const char *path)
{
	for_each_inode(m, f) {
		if (f->host_dev == UINT64_MAX || !rename_path(f->path, path, NULL))
			continue;
		if (inode_in_use(m, f)) {
			filemap_host_fd(m, f, 1);	/* keeps the bytes, if still there */
			tmpfs_orphan(m, f);	/* a tmpfs file's pages go at its last holder */
		} else {
			filemap_release(f);
		}
		/* no lookup finds it again: a new file of the name is a new inode */
		f->host_dev = UINT64_MAX;
		f->host_ino = f->ino;
	}
	rename_open_files(m, path, NULL);
}

static struct file_ref *find_inode(struct machine *m, const char *path)
{
	for_each_inode(m, f)
		if (f->host_dev != UINT64_MAX && !strcmp(f->path, path))
			return f;
	return NULL;
}

/* Is inode what the host has at path now? */
static int host_has(struct machine *m, const char *path, const struct file_ref *inode)
{
	long fd = file_host_open(m, path[1] ? path + 1 : ".", O_PATH, 0, 0);
	struct stat st;
	int same;

	if (!inode || fd < 0)
		return 0;
	same = !fstat((int)fd, &st) && (uint64_t)st.st_dev == inode->host_dev &&
	       (uint64_t)st.st_ino == inode->host_ino;
	close((int)fd);
	return same;
}

/* Move the names at or below old to new, in the table and in the open files. */
static void move_names(struct machine *m, const char *old, const char *new)
{
	for_each_inode(m, f)
		if (f->host_dev != UINT64_MAX)
			rename_path(f->path, old, new);
	rename_open_files(m, old, new);
}

/*
 * The host has done the rename: bring the names in line with it. The
 * host tells the cases apart: both inodes swapped (RENAME_EXCHANGE, told
 * as one call or as its two halves), a target replaced (it is unlinked),
 * a source still in place (nothing moved: the second half of an exchange).
 */
static void rename_inodes(struct machine *m, const char *old, const char *new)
{
	struct file_ref *src = find_inode(m, old), *dst = find_inode(m, new);
	const char *tmp = "\n(exchange)";	/* no path: every path starts with '/' */

	if (src && dst && host_has(m, new, src) && host_has(m, old, dst)) {
		move_names(m, old, tmp);
		move_names(m, new, old);
		move_names(m, tmp, new);
		return;
	}
	if (dst && !host_has(m, new, dst))
		unlink_inodes(m, new);	/* what the new name named before */
	if (!src || !host_has(m, old, src))
		move_names(m, old, new);
}

int mm_file_rename(struct machine *m, const char *from, const char *to)
{
	char old[MM_SNAP_PATH_MAX], new[MM_SNAP_PATH_MAX];
	int err = file_path_normalise(from, old, sizeof(old));

	if (!err && to)
		err = file_path_normalise(to, new, sizeof(new));
	if (!err && !strcmp(old, "/"))
		err = -EBUSY;
	if (err)
		return err;
	machine_lock(m);
	sim_advance(m, MM_TICK_NS);
	if (!to)
		unlink_inodes(m, old);
	else if (strcmp(old, new))
		rename_inodes(m, old, new);
	wb_flush(m);
	machine_unlock(m);
	return 0;
}
