/* SPDX-License-Identifier: MIT */
/*
 * tree.h - the file tree of interface.md, as one table of nodes.
 *
 * Inodes are ours (the low-level API): a static node's inode is its table
 * index + 1, so the root is FUSE_ROOT_ID; a node under proc/<pid> has
 * TREE_PID_INO set and encodes where it is (tree_pid.c), and carries the
 * pid's generation (ctl_pid_generation) so a reused pid gets inodes the
 * kernel sees as new.
 *
 * proc/self is a symbolic link to TREE_SELF_PID, init, whoever reads it:
 * the readers are host processes, none of them simulated, and init is the
 * one process that always exists. A reader that looks up its own host pid
 * in proc/ (ps does: it wants its own stat) finds that pid too, as another
 * name for self; the listing of proc/ does not show it.
 */
#ifndef FS_TREE_H
#define FS_TREE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "render.h"

enum node_kind {
	NK_DIR,		/* static directory: its children are table rows */
	NK_PROC,	/* proc/: table rows plus one directory per live pid */
	NK_PID_DIR,	/* proc/<pid>/: the rows of the per-pid table */
	NK_FILES,	/* files/: the simulated file system, served by files.c */
	NK_CTL,		/* a control file (ctlfile.c) */
	NK_GLOBAL,	/* render(global snapshot) */
	NK_CLOCKED,	/* render(global snapshot, host clock): stat, uptime */
	NK_NODE_MEMINFO,/* render_node_meminfo for node .arg */
	NK_SYS,		/* render(global snapshot, .arg): sys/devices/system/{node,cpu} */
	NK_NUMA_MAPS,	/* proc/<pid>/numa_maps: render_numa_maps(mm_numa_maps) */
	NK_KMSG,	/* the kernel log */
	NK_TUNABLE,	/* mm_tunable_read / mm_tunable_write by name */
	NK_TASK,	/* render(task snapshot); .arg = want VMAs */
	NK_TASK_ERR,	/* as NK_TASK, the renderer may fail (-ESRCH) */
	NK_TASK_STREAM,	/* maps, smaps: printed as read (taskstream.h); .arg = want VMAs */
	NK_BINARY,	/* procbin.c: pread/pwrite at any offset; .arg = enum procbin_kind */
	NK_TASK_ADJ,	/* as NK_TASK without VMAs, and writable: mm_oom_adj_write; .arg = legacy */
	NK_TASK_DIR,	/* proc/<pid>/task/: one directory per thread (tree_pid.c) */
	NK_FD_DIR,	/* proc/<pid>/fd/ (.arg 0) or fdinfo/ (.arg 1): one entry per open fd */
	NK_LINK,	/* a symbolic link; .arg = enum tree_link */
	NK_FDINFO,	/* proc/<pid>/fdinfo/<fd> */
	NK_VIEW_DIR,	/* view/: table rows plus one directory per live pid */
	NK_VIEW_PID_DIR,/* view/<pid>/: view.c's rows */
	NK_VIEW,	/* a picture (view.c); .arg = enum view_file */
	NK_TRACEFS,	/* a tracefs file (tracefs.c); .arg = enum tracefs_kind | event << 8 */
	NK_PAGE_OWNER,	/* page_owner=on: render_page_owner (.arg 0) or _stacks (.arg 1) */
	NK_IO,		/* render_io.c: .arg TREE_IO_* or disk * 256 + enum block_file */
	NK_NODE_COMPACT,/* sys/devices/system/node/node<.arg>/compact: write-only, compacts the node */
};

#define TREE_IO_DISKSTATS	0x10000
#define TREE_IO_PRESSURE	0x10001

/* What a symbolic link of the tree points at. */
enum tree_link {
	LINK_SELF,		/* proc/self: TREE_SELF_PID */
	LINK_THREAD_SELF,	/* proc/thread-self: its thread */
	LINK_CWD,		/* the process's working directory: files/ */
	LINK_ROOT,		/* its root: files/ */
	LINK_EXE,		/* its program, under files/ */
	LINK_FD,		/* fd/<n>: the open file, under files/ */
	LINK_MOUNTS,		/* proc/mounts: self/mounts */
};

/* The process proc/self names (see the top of this file). */
#define TREE_SELF_PID	1

/* Flags of a node. */
#define NODE_TGID_ONLY	1	/* a per-process row that task/<tid>/ does not have */

struct node {
	char name[40];		/* tracefs has event names of 36 characters */
	int parent;		/* table index; -1 for per-pid rows */
	mode_t mode;		/* S_IFDIR | 0555, S_IFREG | 0444 ... */
	enum node_kind kind;
	int arg;		/* kind-specific, see enum node_kind */
	unsigned flags;		/* NODE_* */
	union {
		void (*global)(struct rbuf *, const struct mm_global_snap *);
		void (*clocked)(struct rbuf *, const struct mm_global_snap *,
				const struct render_clock *);
		void (*task)(struct rbuf *, const struct mm_task_snap *);
		void (*sys)(struct rbuf *, const struct mm_global_snap *, int);
		int (*task_err)(struct rbuf *, const struct mm_task_snap *);
		struct {
			void (*vma)(struct rbuf *, const struct mm_vma_snap *);
			void (*gate)(struct rbuf *);
		} stream;
	} show;
};

#define TREE_PID_INO	(1ULL << 40)

/* A resolved inode. */
struct tree_ref {
	uint64_t ino;
	const struct node *node;
	int pid;		/* the process shown; 0 outside proc/<pid> */
	uint64_t gen;		/* the pid's generation; 0 outside proc/<pid> */
	uint64_t pid_ino;	/* the inode of the proc/<pid> directory it is under */
	int thread;		/* under task/<tid>/ */
	int fd;			/* fd/<n> and fdinfo/<n>: n */
};

/* One directory entry of tree_list(). */
struct tree_dirent {
	char name[40];
	uint64_t ino;
	mode_t mode;
};

/*
 * Build the table: static rows, tunables, sys/devices/system/node/node<N>
 * for nr_nodes nodes and sys/devices/system/cpu/cpu<N> for nr_cpus CPUs.
 */
int tree_init(int nr_nodes, int nr_cpus);
void tree_exit(void);

/*
 * Resolve an inode; -ENOENT if unknown, or if its pid is gone and need_alive
 * (an open file of a dead process still has attributes, as in procfs).
 */
int tree_resolve(uint64_t ino, struct tree_ref *ref, int need_alive);
/*
 * Resolve name in directory parent for the host process reader (its tid,
 * as FUSE reports the caller; 0 if unknown); -ENOENT / -ENOTDIR.
 */
int tree_lookup(uint64_t parent, const char *name, pid_t reader, struct tree_ref *ref);
/* Attributes of a resolved node. */
void tree_stat(const struct tree_ref *ref, struct stat *st);
/* Entry/attr cache timeout in seconds: 1 for static nodes, 0 per pid. */
double tree_timeout(const struct tree_ref *ref);

/*
 * The entries of directory dir, "." and ".." first, in a malloc'd array;
 * *n receives the count. 0 or -errno.
 */
int tree_list(const struct tree_ref *dir, struct tree_dirent **ents, size_t *n);

/*
 * Render a text node afresh into out (appended). 0, -ESRCH when its process
 * died (or the pid now names another process), -EACCES for a write-only
 * tunable, -ENOMEM.
 */
int tree_render(const struct tree_ref *ref, struct rbuf *out);
/*
 * A stream over a fresh snapshot of an NK_TASK_STREAM node (free it with
 * tstream_free), or NULL with -ESRCH (the process is gone) or -ENOMEM.
 */
struct tstream;
struct tstream *tree_stream(const struct tree_ref *ref, int *err);

/*
 * The target of an NK_LINK node, NUL-terminated, into buf: 0, -ENOENT (its
 * process or fd has gone, or it has no program) or -ENAMETOOLONG.
 */
int tree_readlink(const struct tree_ref *ref, char *buf, size_t size);

/* Whether the node accepts writes (ctl files and writable tunables). */
int tree_writable(const struct tree_ref *ref);
/* Write to a tunable: mm_tunable_write's 0 or -errno. */
int tree_write(const struct tree_ref *ref, const char *buf, size_t len);

/*
 * pread / pwrite of an NK_BINARY node: procbin_read's bytes or -errno. A
 * process that died, or whose pid now names another one, reads and
 * writes nothing.
 */
ssize_t tree_pread(const struct tree_ref *ref, void *buf, size_t size, uint64_t off);
ssize_t tree_pwrite(const struct tree_ref *ref, const void *buf, size_t size, uint64_t off);

#endif
