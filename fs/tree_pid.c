/* SPDX-License-Identifier: MIT */
/*
 * tree_pid.c - proc/<pid>/: its files, task/<tid>/, fd/, fdinfo/ and the
 * links (fs/proc/base.c, fd.c).
 *
 * The inode of a node below proc/<pid> says where it is:
 *
 *   bit  40     TREE_PID_INO
 *   bit  39     PID_READER: the pid is a host reader's own pid, another
 *               name for self (tree.h); the files are TREE_SELF_PID's
 *   bits 17-38  the pid
 *   bit  16     PID_THREAD: under task/<tid>/ (a process has one thread,
 *               its tid is its pid)
 *   bits  6-15  the fd of fd/<n> and fdinfo/<n>
 *   bits  0-5   the slot: 0 the directory, i + 1 for pid_files[i],
 *               SLOT_FD and SLOT_FDINFO for the entries of fd/ and fdinfo/
 *
 * The links point where a host reader finds the file: a simulated
 * process's root is files/, so its cwd and root are MOUNT/files and its
 * program and open files are below, as Linux shows a chrooted process's
 * files to a reader outside the chroot.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../mm/mm.h"
#include "ctl.h"
#include "mmfs.h"
#include "procbin.h"
#include "taskstream.h"
#include "tree_pid.h"

#define PID_READER	(1ULL << 39)
#define PID_SHIFT	17
#define PID_MASK	((1ULL << 22) - 1)	/* pids are below PID_MAX_LIMIT, 2^22 */
#define PID_THREAD	(1ULL << 16)
#define FD_SHIFT	6
#define FD_MASK		1023ULL			/* FDTABLE_MAX - 1 */
#define SLOT_MASK	63ULL
#define SLOT_FDINFO	62
#define SLOT_FD		63

#define TASK_ROW(nm, perm, fn) \
	{ .name = nm, .parent = -1, .mode = S_IFREG | (perm), .kind = NK_TASK, \
	  .show.task = fn }
#define STREAM_ROW(nm, vma_fn, gate_fn, vmas) \
	{ .name = nm, .parent = -1, .mode = S_IFREG | 0444, .kind = NK_TASK_STREAM, \
	  .arg = vmas, .show.stream = { vma_fn, gate_fn } }
#define LINK_ROW(nm, link) \
	{ .name = nm, .parent = -1, .mode = S_IFLNK | 0777, .kind = NK_LINK, .arg = link }

static const struct node pid_files[] = {
	STREAM_ROW("maps", render_maps_vma, render_maps_gate, 1),
	STREAM_ROW("smaps", render_smaps_vma, render_smaps_gate, 2),
	{ .name = "smaps_rollup", .parent = -1, .mode = S_IFREG | 0444, .flags = NODE_TGID_ONLY,
	  .kind = NK_TASK_ERR, .arg = 2, .show.task_err = render_smaps_rollup },
	TASK_ROW("status", 0444, render_status),
	TASK_ROW("statm", 0444, render_statm),
	TASK_ROW("stat", 0444, render_stat_pid),
	TASK_ROW("comm", 0444, render_comm),
	TASK_ROW("cmdline", 0444, render_cmdline),
	/* under task/TID/ too: commands run as that thread (threads.md) */
	{ .name = "ctl", .parent = -1, .mode = S_IFREG | 0600, .kind = NK_CTL },
	{ .name = "mem", .parent = -1, .mode = S_IFREG | 0600, .kind = NK_BINARY,
	  .arg = PROCBIN_MEM },
	{ .name = "pagemap", .parent = -1, .mode = S_IFREG | 0400, .kind = NK_BINARY,
	  .arg = PROCBIN_PAGEMAP },
	TASK_ROW("oom_score", 0444, render_oom_score),
	{ .name = "oom_score_adj", .parent = -1, .mode = S_IFREG | 0644, .kind = NK_TASK_ADJ,
	  .arg = 0, .show.task = render_oom_score_adj },
	{ .name = "oom_adj", .parent = -1, .mode = S_IFREG | 0644, .kind = NK_TASK_ADJ,
	  .arg = 1, .show.task = render_oom_adj },
	TASK_ROW("environ", 0400, render_environ),
	TASK_ROW("limits", 0444, render_limits),
	TASK_ROW("io", 0400, render_io),
	TASK_ROW("wchan", 0444, render_wchan),
	TASK_ROW("cgroup", 0444, render_cgroup),
	{ .name = "fd", .parent = -1, .mode = S_IFDIR | 0500, .kind = NK_FD_DIR, .arg = 0 },
	{ .name = "fdinfo", .parent = -1, .mode = S_IFDIR | 0555, .kind = NK_FD_DIR, .arg = 1 },
	LINK_ROW("cwd", LINK_CWD),
	LINK_ROW("root", LINK_ROOT),
	LINK_ROW("exe", LINK_EXE),
	{ .name = "numa_maps", .parent = -1, .mode = S_IFREG | 0444, .kind = NK_NUMA_MAPS },
	{ .name = "task", .parent = -1, .mode = S_IFDIR | 0555, .kind = NK_TASK_DIR,
	  .flags = NODE_TGID_ONLY },
	TASK_ROW("mounts", 0444, render_mounts),
};
#define NR_PID_FILES	(sizeof(pid_files) / sizeof(pid_files[0]))
const size_t NR_PID_ROWS = NR_PID_FILES;

static const struct node pid_dir = {
	.name = "", .parent = -1, .mode = S_IFDIR | 0555, .kind = NK_PID_DIR,
};
static const struct node fd_link = {
	.name = "", .parent = -1, .mode = S_IFLNK | 0700, .kind = NK_LINK, .arg = LINK_FD,
};
static const struct node fdinfo_file = {
	.name = "", .parent = -1, .mode = S_IFREG | 0444, .kind = NK_FDINFO,
};

_Static_assert(NR_PID_FILES < SLOT_FDINFO, "pid slots");

/* ---- inodes ---- */

uint64_t pid_dir_ino(int pid)
{
	return TREE_PID_INO | ((uint64_t)pid << PID_SHIFT);
}

static int pid_alive(int pid)
{
	struct mm_task_snap *t = mm_snap_task(mmfs.m, pid, 0);

	free(t);
	return t != NULL;
}

static unsigned slot_of(const char *name)
{
	for (unsigned i = 0; i < NR_PID_FILES; i++)
		if (!strcmp(pid_files[i].name, name))
			return i + 1;
	return 0;
}

int pid_resolve(uint64_t ino, struct tree_ref *ref, int need_alive)
{
	uint64_t v = ino & ~TREE_PID_INO;
	unsigned slot = (unsigned)(v & SLOT_MASK);
	int fd = (int)((v >> FD_SHIFT) & FD_MASK);
	int pid = (int)((v >> PID_SHIFT) & PID_MASK);
	int thread = (v & PID_THREAD) != 0;
	int shown = (v & PID_READER) ? TREE_SELF_PID : pid;
	int fd_slot = slot == SLOT_FD || slot == SLOT_FDINFO;
	struct mm_fd_snap f;

	memset(ref, 0, sizeof(*ref));
	if ((v & ~(PID_READER | (PID_MASK << PID_SHIFT) | PID_THREAD | (FD_MASK << FD_SHIFT) |
		   SLOT_MASK)) || pid <= 0 || (fd && !fd_slot) ||
	    (slot > NR_PID_FILES && !fd_slot) ||
	    (thread && slot && !fd_slot && (pid_files[slot - 1].flags & NODE_TGID_ONLY)))
		return -ENOENT;
	if (need_alive && !(fd_slot ? !mm_snap_file(mmfs.m, shown, fd, &f) : pid_alive(shown)))
		return -ENOENT;
	ref->ino = ino;
	ref->node = slot == SLOT_FD ? &fd_link : slot == SLOT_FDINFO ? &fdinfo_file :
		    slot ? &pid_files[slot - 1] : &pid_dir;
	ref->pid = shown;
	ref->gen = ctl_pid_generation(shown);
	ref->pid_ino = ino & (TREE_PID_INO | PID_READER | (PID_MASK << PID_SHIFT));
	ref->thread = thread;
	ref->fd = fd;
	return 0;
}

/* A decimal name without sign or leading zero ("0" itself when zero_ok); -1 otherwise. */
long tree_parse_num(const char *name, int zero_ok, long max)
{
	long v = 0;

	if (!strcmp(name, "0"))
		return zero_ok ? 0 : -1;
	if (name[0] < '1' || name[0] > '9')
		return -1;
	for (const char *p = name; *p; p++) {
		if (*p < '0' || *p > '9' || v > max / 10)
			return -1;
		v = v * 10 + (*p - '0');
	}
	return v > max ? -1 : v;
}

/*
 * The thread group of host thread tid, from the host's /proc (its status
 * names it in the first lines); 0 if unknown.
 */
static pid_t host_tgid(pid_t tid)
{
	char path[64], buf[512];
	const char *tgid;
	ssize_t n = -1;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	tgid = strstr(buf, "\nTgid:");
	return tgid ? (pid_t)atoi(tgid + 6) : 0;
}

int pid_lookup_proc(const char *name, pid_t reader, struct tree_ref *ref)
{
	long pid = tree_parse_num(name, 0, (long)PID_MASK);

	if (pid <= 0)
		return -ENOENT;
	if (pid_alive((int)pid))
		return pid_resolve(pid_dir_ino((int)pid), ref, 1);
	if (reader > 0 && (pid == reader || pid == host_tgid(reader)))
		return pid_resolve(pid_dir_ino((int)pid) | PID_READER, ref, 1);
	return -ENOENT;
}

static uint64_t under(const struct tree_ref *dir)
{
	return dir->pid_ino | (dir->thread ? PID_THREAD : 0);
}

int pid_lookup(const struct tree_ref *dir, const char *name, struct tree_ref *ref)
{
	unsigned slot;
	long n;

	switch (dir->node->kind) {
	case NK_PID_DIR:
		slot = slot_of(name);
		if (!slot)
			return -ENOENT;
		return pid_resolve(under(dir) | slot, ref, 1);
	case NK_TASK_DIR: {
		/* a TID of the group: its directory is named by the TID's own inode */
		struct mm_task_snap *t, *d;
		int ok;

		n = tree_parse_num(name, 0, (long)PID_MASK);
		if (n <= 0)
			return -ENOENT;
		if (n == dir->pid)
			return pid_resolve(dir->pid_ino | PID_THREAD, ref, 1);
		t = mm_snap_task(mmfs.m, (int)n, 0);
		d = mm_snap_task(mmfs.m, dir->pid, 0);
		ok = t && d && t->tgid == d->tgid;
		free(t);
		free(d);
		if (!ok)
			return -ENOENT;
		return pid_resolve(pid_dir_ino((int)n) | PID_THREAD, ref, 1);
	}
	case NK_FD_DIR:
		n = tree_parse_num(name, 1, (long)FD_MASK);
		if (n < 0)
			return -ENOENT;
		return pid_resolve(under(dir) | ((uint64_t)n << FD_SHIFT) |
				   (dir->node->arg ? SLOT_FDINFO : SLOT_FD), ref, 1);
	default:
		return -ENOENT;
	}
}

/* ---- directories ---- */

static void dirent_put(struct tree_dirent *d, const char *name, uint64_t ino, mode_t mode)
{
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->ino = ino;
	d->mode = mode;
}

static int list_fds(const struct tree_ref *dir, struct tree_dirent **d, size_t *k)
{
	struct mm_fd_snap *fds;
	struct tree_dirent *nd;
	int n = mm_snap_files(mmfs.m, dir->pid, &fds);
	int info = dir->node->arg;

	if (n < 0)
		return n == -ESRCH ? -ENOENT : n;
	nd = realloc(*d, (*k + (size_t)n + 1) * sizeof(*nd));
	if (!nd) {
		free(fds);
		return -ENOMEM;
	}
	*d = nd;
	for (int i = 0; i < n; i++) {
		char name[16];

		snprintf(name, sizeof(name), "%d", fds[i].fd);
		dirent_put(&nd[(*k)++], name, under(dir) | ((uint64_t)fds[i].fd << FD_SHIFT) |
			   (info ? SLOT_FDINFO : SLOT_FD), info ? S_IFREG : S_IFLNK);
	}
	free(fds);
	return 0;
}

int pid_list(const struct tree_ref *dir, struct tree_dirent **d, size_t *k)
{
	char name[16];

	switch (dir->node->kind) {
	case NK_PID_DIR:
		for (unsigned i = 0; i < NR_PID_FILES; i++)
			if (!dir->thread || !(pid_files[i].flags & NODE_TGID_ONLY))
				dirent_put(&(*d)[(*k)++], pid_files[i].name, under(dir) | (i + 1),
					   pid_files[i].mode);
		return 0;
	case NK_TASK_DIR: {
		int tids[64], n = mm_tids(mmfs.m, dir->pid, tids, 64);
		struct tree_dirent *nd;

		if (n <= 1) {	/* one thread: its TID is the pid (a reader's own pid included) */
			snprintf(name, sizeof(name), "%d", dir->pid);
			dirent_put(&(*d)[(*k)++], name, dir->pid_ino | PID_THREAD, S_IFDIR | 0555);
			return 0;
		}
		n = n < 64 ? n : 64;	/* clone keeps a group at 64 tasks */
		nd = realloc(*d, (*k + (size_t)n + 1) * sizeof(*nd));
		if (!nd)
			return -ENOMEM;
		*d = nd;
		for (int i = 0; i < n; i++) {
			snprintf(name, sizeof(name), "%d", tids[i]);
			dirent_put(&nd[(*k)++], name, pid_dir_ino(tids[i]) | PID_THREAD, S_IFDIR | 0555);
		}
		return 0;
	}
	case NK_FD_DIR:
		return list_fds(dir, d, k);
	default:
		return -ENOTDIR;
	}
}

uint64_t pid_parent_ino(const struct tree_ref *dir)
{
	if (dir->node->kind == NK_PID_DIR)
		return dir->thread ? dir->pid_ino | slot_of("task") : 0;
	return under(dir);
}

/* ---- attributes, links, fdinfo ---- */

void pid_stat(const struct tree_ref *ref, struct stat *st)
{
	struct mm_fd_snap f, *fds;
	int n;

	if (ref->node->kind == NK_LINK && ref->node->arg == LINK_FD) {
		/* proc_fd_link's inode: r-x for a read open, -wx for a write one */
		st->st_size = 64;
		if (!mm_snap_file(mmfs.m, ref->pid, ref->fd, &f))
			st->st_mode = S_IFLNK | ((f.flags & MM_O_ACCMODE) != MM_O_WRONLY ? 0500 : 0) |
				      ((f.flags & MM_O_ACCMODE) != MM_O_RDONLY ? 0300 : 0);
	} else if (ref->node->kind == NK_FD_DIR && !ref->node->arg) {
		n = mm_snap_files(mmfs.m, ref->pid, &fds);	/* fd/'s size: the open fds */
		st->st_size = n > 0 ? n : 0;
		free(fds);
	}
}

static int files_path(char *buf, size_t size, const char *path)
{
	int n = snprintf(buf, size, "%s/files%s", mmfs.mountpoint ? mmfs.mountpoint : "", path);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int pid_readlink(const struct tree_ref *ref, char *buf, size_t size)
{
	struct mm_task_snap *t;
	struct mm_fd_snap f;
	int err = -ENOENT;

	switch (ref->node->arg) {
	case LINK_CWD:
	case LINK_ROOT:
		if (pid_alive(ref->pid) && ctl_pid_generation(ref->pid) == ref->gen)
			err = files_path(buf, size, "");
		return err;
	case LINK_EXE:
		t = mm_snap_task(mmfs.m, ref->pid, 0);
		if (t && ctl_pid_generation(ref->pid) == ref->gen && t->has_mm && t->exe[0])
			err = files_path(buf, size, t->exe);
		free(t);
		return err;
	case LINK_FD:
		if (!mm_snap_file(mmfs.m, ref->pid, ref->fd, &f) &&
		    ctl_pid_generation(ref->pid) == ref->gen)
			err = files_path(buf, size, f.path);
		return err;
	default:
		return -EINVAL;
	}
}

int pid_render_fdinfo(const struct tree_ref *ref, struct rbuf *out)
{
	struct mm_fd_snap f;
	int err = mm_snap_file(mmfs.m, ref->pid, ref->fd, &f);

	if (!err && ctl_pid_generation(ref->pid) != ref->gen)
		err = -ESRCH;
	if (!err)
		render_fdinfo(out, &f, FILES_MNT_ID);
	return err;
}
