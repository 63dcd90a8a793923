// SPDX-License-Identifier: MIT
/*
 * fdtable.c - a process's open files (kernel: fs/file.c, fs/open.c).
 *
 * Only what mmap needs: which file an fd names and the access mode it was
 * opened with. The table is allocated on the first open and freed with the
 * task; exec keeps it (nothing here is close-on-exec).
 *
 * fds 0-2 stand for the terminal a real process inherits: the first open
 * answers 3, as on the host. Closing one succeeds once (a traced program
 * closes its stdout at exit) and frees it: the next open may answer it, as
 * the lowest free fd. fork copies which are closed.
 *
 * `open PATH [FLAGS]` takes the lowest free fd, as open(2) does. The
 * strace form `openat(AT_FDCWD, "x", O_RDWR) = 5` asks for fd 5 so a
 * replayed trace's later `mmap(..., 5, 0)` finds it: an fd already open
 * there is replaced, as dup2 would.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "file.h"
#include "internal.h"
#include "arena.h"
#include "syscalls.h"
#include "task.h"
#include "vma.h"

#define FD_STD	3	/* stdin, stdout, stderr: the terminal's until closed */

static struct fdtable *fdtable_get(struct task *t)
{
	t = task_files_owner(t);	/* CLONE_FILES: a thread uses its leader's */
	if (!t->files)
		t->files = kzalloc(sizeof(*t->files));
	return t->files;
}

int fd_is_terminal(const struct task *t, int fd)
{
	return fd >= 0 && fd < FD_STD && !(t->files && (t->files->fd[fd].file ||
							t->files->std_closed >> fd & 1));
}

static int fd_busy(const struct fdtable *ft, int fd)
{
	return ft->fd[fd].file || (fd < FD_STD && !(ft->std_closed >> fd & 1));
}

struct fd_entry *fd_lookup(struct task *t, int fd)
{
	t = task_files_owner(t);	/* CLONE_FILES: a thread uses its leader's */
	if (!t->files || fd < 0 || fd >= FDTABLE_MAX || !t->files->fd[fd].file)
		return NULL;
	return &t->files->fd[fd];
}

int fd_install(struct task *t, int fd, struct file_ref *f, int flags)
{
	t = task_files_owner(t);
	if (!fdtable_get(t))
		return -ENOMEM;
	if (fd >= FDTABLE_MAX)
		return -EBADF;
	if (fd < 0) {
		for (fd = 0; fd < FDTABLE_MAX && fd_busy(t->files, fd); fd++)
			;
		if (fd == FDTABLE_MAX)
			return -EMFILE;
	}
	file_ref_put(t->files->fd[fd].file);
	t->files->fd[fd].file = file_ref_get(f);
	t->files->fd[fd].flags = flags;
	return fd;
}

void fdtable_free(struct task *t)
{
	if (!t->files)
		return;
	for (int fd = 0; fd < FDTABLE_MAX; fd++)
		file_ref_put(t->files->fd[fd].file);
	kfree(t->files);
	t->files = NULL;
}

/* fork: the child shares the parent's open files, fd for fd. */
int fdtable_dup(struct task *child, const struct task *parent)
{
	parent = task_files_owner(parent);
	if (!parent->files)
		return 0;
	child->files = kmalloc(sizeof(*child->files));
	if (!child->files)
		return -ENOMEM;
	*child->files = *parent->files;
	for (int fd = 0; fd < FDTABLE_MAX; fd++)
		file_ref_get(child->files->fd[fd].file);
	return 0;
}

int sys_open(struct sys_ctx *x, const struct mm_call *c, uint64_t *ret)
{
	struct file_ref *f;
	int err, fd;

	if (c->fd >= FDTABLE_MAX)
		return sys_fail(x, -EBADF, "fd %d is beyond the %d-entry table", c->fd, FDTABLE_MAX);
	err = file_open_mode(x->m, c->path, (int)c->flags,
			     c->mode & MM_OPEN_MODE_GIVEN ? (c->mode & 07777) & ~022u : 0644,
			     &f, x->why, x->whylen);
	if (err)
		return err;
	fd = fd_install(x->t, c->fd, f, (int)c->flags);
	file_ref_put(f);
	if (fd < 0)
		return sys_fail(x, fd, fd == -EMFILE ? "too many open files" : "out of memory");
	*ret = (uint64_t)fd;
	return 0;
}

int sys_close(struct sys_ctx *x, const struct mm_call *c)
{
	struct fd_entry *e = fd_lookup(x->t, c->fd);
	struct task *ft = task_files_owner(x->t);	/* CLONE_FILES: a thread's are its leader's */

	if (!e && c->fd >= 0 && c->fd < FD_STD && !(ft->files && ft->files->std_closed >> c->fd & 1)) {
		if (!fdtable_get(ft))
			return sys_fail(x, -ENOMEM, "out of memory");
		ft->files->std_closed |= (uint8_t)(1 << c->fd);	/* the terminal's */
		return 0;
	}
	if (!e)
		return sys_fail(x, -EBADF, "fd %d is not open", c->fd);
	file_ref_put(e->file);
	e->file = NULL;
	e->flags = 0;
	if (c->fd < FD_STD)
		ft->files->std_closed |= (uint8_t)(1 << c->fd);
	return 0;
}

int sys_dup(struct sys_ctx *x, const struct mm_call *c, uint64_t *ret)
{
	struct fd_entry *e = fd_lookup(x->t, c->fd);
	int fd;

	if (!e)
		return sys_fail(x, -EBADF, "fd %d is not open", c->fd);
	if (c->flags && (c->mode < 0 || c->mode >= FDTABLE_MAX))
		return sys_fail(x, -EBADF, "new fd %d is out of range", c->mode);
	if (c->flags && c->mode == c->fd) {
		*ret = (uint64_t)c->fd;	/* dup2 onto itself: nothing to do */
		return 0;
	}
	fd = fd_install(x->t, c->flags ? c->mode : -1, e->file, e->flags);
	if (fd < 0)
		return sys_fail(x, fd, fd == -EMFILE ? "too many open files" : "out of memory");
	*ret = (uint64_t)fd;
	return 0;
}

/* ---- proc/PID/fd and fdinfo ---- */

static void fd_snap_fill(int fd, const struct fd_entry *e, struct mm_fd_snap *s)
{
	s->fd = fd;
	s->flags = e->flags;
	s->ino = e->file->ino;
	snprintf(s->path, sizeof(s->path), "%s", e->file->path);
}

int mm_snap_files(struct machine *m, int pid, struct mm_fd_snap **out)
{
	struct task *t;
	int n = 0, k = 0;

	*out = NULL;
	machine_lock(m);
	t = find_task_by_pid(m, pid);
	if (!t) {
		machine_unlock(m);
		return -ESRCH;
	}
	if (task_zombie(t)) {	/* exit_files: the zombie leader has none */
		machine_unlock(m);
		return 0;
	}
	t = task_files_owner(t);
	for (int fd = 0; t->files && fd < FDTABLE_MAX; fd++)
		n += t->files->fd[fd].file != NULL;
	if (n && !(*out = malloc((size_t)n * sizeof(**out)))) {
		machine_unlock(m);
		return -ENOMEM;
	}
	for (int fd = 0; n && fd < FDTABLE_MAX; fd++)
		if (t->files->fd[fd].file)
			fd_snap_fill(fd, &t->files->fd[fd], &(*out)[k++]);
	machine_unlock(m);
	return n;
}

int mm_snap_file(struct machine *m, int pid, int fd, struct mm_fd_snap *out)
{
	struct fd_entry *e;
	struct task *t;
	int err = 0;

	machine_lock(m);
	t = find_task_by_pid(m, pid);
	e = t && !task_zombie(t) ? fd_lookup(t, fd) : NULL;
	if (!t)
		err = -ESRCH;
	else if (!e)
		err = -ENOENT;
	else
		fd_snap_fill(fd, e, out);
	machine_unlock(m);
	return err;
}
