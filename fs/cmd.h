/* SPDX-License-Identifier: MIT */
/*
 * cmd.h - every change to the model, as one typed command.
 *
 * Whatever changes the model goes through cmd_run(): a control-file line,
 * a read or write through files/ (a read fills the page cache), a truncate,
 * rename or unlink there, the first lookup of a file (it hands out an inode
 * number), proc/PID/mem, a tunable. cmd_run takes the command turn
 * (mm_cmd_begin), so commands of all clients run one at a time in arrival
 * order, runs the command, records it in the journal when one is open
 * (journal.h), and gives the turn back. Pure readers (the text views,
 * pagemap, kpageflags) do not come here: they only take the model lock.
 *
 * Knows no FUSE: the daemon, the mount script, tests and a journal replay
 * all come through here.
 */
#ifndef FS_CMD_H
#define FS_CMD_H

#include <stddef.h>
#include <stdint.h>

#include "replyq.h"

struct machine;

enum cmd_type {
	CT_CTL = 1,		/* pid, data/len = one line: ctl_exec */
	CT_FILE_READ,		/* path, off, len: mm_file_read into out */
	CT_FILE_WRITE,		/* path, off, data/len: mm_file_write */
	CT_FILE_TRUNCATE,	/* path, off = size: mm_file_truncate */
	CT_FILE_FSYNC,		/* path: mm_file_fsync */
	CT_FILE_INO,		/* path: mm_file_ino into out (uint64_t) */
	CT_MEM_READ,		/* pid, off = address, len: mm_mem_rw into out */
	CT_MEM_WRITE,		/* pid, off = address, data/len: mm_mem_rw */
	CT_TUNABLE,		/* path = name, data/len = the text written */
	CT_SYNC,		/* sync(2) */
	CT_REJECT,		/* pid, data/len = a line's start, arg = errno, path = why: ctl_reject */
	CT_KMSG,		/* data/len = a line the daemon logs to kmsg */
	/* files/'s namespace, carried out on backing=DIR by backing.c */
	CT_NS_CREATE,		/* path, arg = mode, off = 1 for O_EXCL */
	CT_NS_MKNOD,		/* path, arg = mode (regular files only) */
	CT_NS_MKDIR,		/* path, arg = mode */
	CT_NS_SYMLINK,		/* path, path2 = the link's target */
	CT_NS_LINK,		/* path (existing) -> path2 (new name) */
	CT_NS_UNLINK,		/* path */
	CT_NS_RMDIR,		/* path */
	CT_NS_RENAME,		/* path -> path2, arg = RENAME_NOREPLACE / RENAME_EXCHANGE */
	CT_NS_CHMOD,		/* path, arg = mode */
	CT_NS_CHOWN,		/* path, off = uid, arg = gid ((uint32_t)-1: unchanged) */
	CT_OOM_ADJ,		/* pid, arg = legacy (oom_adj), data/len = the text: mm_oom_adj_write */
	CT_TRACE,		/* path = a tracefs file, data/len = the text, arg = 1 for O_TRUNC: mm_trace_write */
	CT_NR
};

struct cmd {
	enum cmd_type type;
	int32_t pid;		/* CT_CTL (0: MOUNT/ctl), CT_MEM_* */
	uint64_t off;		/* file offset, address or size, as the type says */
	uint64_t arg;		/* flags */
	const char *path;	/* a model path ("/dir/name"), a tunable's name */
	const char *path2;
	const void *data;	/* the bytes a command carries */
	size_t len;		/* their length, or the length a read asks for */
};

/*
 * Run c in its turn and journal it. Returns what the model call returns
 * (0, a byte count, or -errno); out receives what a read produces (bytes
 * read, the inode number), reply the reply lines of CT_CTL.
 */
long cmd_run(struct machine *m, const struct cmd *c, void *out, struct replyq *reply);

/*
 * Run c as cmd_run does, but as a replay of a journal: not recorded again,
 * and stopped by a kill at the step interrupt_at if that is not 0.
 */
long cmd_replay(struct machine *m, const struct cmd *c, uint64_t interrupt_at);

/* The model calls that change it, each as its command (the same arguments). */
static inline long cmd_file_read(struct machine *m, const char *path, uint64_t off, void *buf,
				 size_t len)
{
	struct cmd c = { .type = CT_FILE_READ, .path = path, .off = off, .len = len };

	return cmd_run(m, &c, buf, NULL);
}

static inline long cmd_file_write(struct machine *m, const char *path, uint64_t off,
				  const void *buf, size_t len)
{
	struct cmd c = { .type = CT_FILE_WRITE, .path = path, .off = off, .data = buf, .len = len };

	return cmd_run(m, &c, NULL, NULL);
}

static inline int cmd_file_truncate(struct machine *m, const char *path, uint64_t size)
{
	struct cmd c = { .type = CT_FILE_TRUNCATE, .path = path, .off = size };

	return (int)cmd_run(m, &c, NULL, NULL);
}

static inline int cmd_file_fsync(struct machine *m, const char *path)
{
	struct cmd c = { .type = CT_FILE_FSYNC, .path = path };

	return (int)cmd_run(m, &c, NULL, NULL);
}

/* A namespace operation of files/ (backing.c): path, path2, arg and off as the type says. */
static inline int cmd_ns(struct machine *m, enum cmd_type type, const char *path, const char *path2,
			 uint64_t arg, uint64_t off)
{
	struct cmd c = { .type = type, .path = path, .path2 = path2, .arg = arg, .off = off };

	return (int)cmd_run(m, &c, NULL, NULL);
}

static inline int cmd_file_ino(struct machine *m, const char *path, uint64_t *ino)
{
	struct cmd c = { .type = CT_FILE_INO, .path = path };

	return (int)cmd_run(m, &c, ino, NULL);
}

static inline long cmd_mem_rw(struct machine *m, int pid, uint64_t addr, void *buf, size_t len,
			      int write)
{
	struct cmd c = { .type = write ? CT_MEM_WRITE : CT_MEM_READ, .pid = pid, .off = addr,
			 .data = write ? buf : NULL, .len = len };

	return cmd_run(m, &c, write ? NULL : buf, NULL);
}

static inline int cmd_tunable_write(struct machine *m, const char *name, const char *buf,
				    size_t len)
{
	struct cmd c = { .type = CT_TUNABLE, .path = name, .data = buf, .len = len };

	return (int)cmd_run(m, &c, NULL, NULL);
}

/* A write to proc/PID/oom_score_adj (legacy 0) or oom_adj (1): bytes taken or -errno. */
static inline int cmd_oom_adj_write(struct machine *m, int pid, int legacy, const char *buf,
				    size_t len)
{
	struct cmd c = { .type = CT_OOM_ADJ, .pid = pid, .arg = (uint64_t)legacy, .data = buf,
			 .len = len };

	return (int)cmd_run(m, &c, NULL, NULL);
}

static inline int cmd_sync(struct machine *m)
{
	struct cmd c = { .type = CT_SYNC };

	return (int)cmd_run(m, &c, NULL, NULL);
}

#endif
