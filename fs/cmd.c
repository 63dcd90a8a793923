// SPDX-License-Identifier: MIT
/*
 * cmd.c - commands in their turn: run, record, give the turn back.
 *
 * The journal record is written inside the turn, after the command ran
 * and before its result reaches anybody: a command that was answered is
 * in the journal, and the journal's order is the order commands ran in.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "../mm/mm.h"
#include "backing.h"
#include "cmd.h"
#include "ctl.h"
#include "journal.h"

/*
 * A machine that panicked (the OOM killer's panic_on_oom, or nothing left
 * to kill) takes no more commands: each answers EIO, a control line with
 * the panic's message (and a kmsg line, as every failed line). Left
 * through: a rejected line (it fails anyway), the daemon's own kmsg notes,
 * and sync, so that unmounting still writes back the dirty pages the page
 * cache held (files written before the panic are not lost).
 */
static long refuse_if_panicked(struct machine *m, const struct cmd *c, struct replyq *reply)
{
	char msg[128], why[192];

	if (c->type == CT_REJECT || c->type == CT_KMSG || c->type == CT_SYNC ||
	    !mm_panicked(m, msg, sizeof(msg)))
		return 0;
	if (c->type != CT_CTL)
		return -EIO;
	snprintf(why, sizeof(why), "the machine has panicked (Kernel panic - not syncing: %s)", msg);
	return ctl_reject_exec(m, c->pid, c->data, c->len, -EIO, why, reply);
}

/* What each type does; out and reply as in cmd_run. */
static long cmd_exec(struct machine *m, const struct cmd *c, void *out, struct replyq *reply)
{
	long refused = refuse_if_panicked(m, c, reply);

	if (refused)
		return refused;
	switch (c->type) {
	case CT_CTL:
		return ctl_exec(m, c->pid, c->data, c->len, reply);
	case CT_FILE_READ:
		return mm_file_read(m, c->path, c->off, out, c->len);
	case CT_FILE_WRITE:
		return mm_file_write(m, c->path, c->off, c->data, c->len);
	case CT_FILE_TRUNCATE:
		return mm_file_truncate(m, c->path, c->off);
	case CT_FILE_FSYNC:
		return mm_file_fsync(m, c->path);
	case CT_FILE_INO: {
		uint64_t ino = 0;
		int err = mm_file_ino(m, c->path, &ino);

		if (out)
			*(uint64_t *)out = ino;
		return err;
	}
	case CT_MEM_READ:
		return mm_mem_rw(m, c->pid, c->off, out, c->len, 0);
	case CT_MEM_WRITE:
		return mm_mem_rw(m, c->pid, c->off, (void *)c->data, c->len, 1);
	case CT_TUNABLE:
		return mm_tunable_write(m, c->path, c->data, c->len);
	case CT_OOM_ADJ:
		return mm_oom_adj_write(m, c->pid, (int)c->arg, c->data, c->len);
	case CT_TRACE:
		return mm_trace_write(m, c->path, c->data, c->len, (int)c->arg);
	case CT_SYNC:
		return mm_sync(m, NULL, 0);
	case CT_KMSG:
		mm_kmsg(m, "%.*s", (int)c->len, (const char *)c->data);
		return 0;
	case CT_REJECT:
		return ctl_reject_exec(m, c->pid, c->data, c->len, -(int)c->arg, c->path, reply);
	case CT_NS_CREATE: case CT_NS_MKNOD: case CT_NS_MKDIR: case CT_NS_SYMLINK:
	case CT_NS_LINK: case CT_NS_UNLINK: case CT_NS_RMDIR: case CT_NS_RENAME:
	case CT_NS_CHMOD: case CT_NS_CHOWN:
		return backing_exec(m, c);
	case CT_NR:
		break;
	}
	return -EINVAL;
}

long cmd_run(struct machine *m, const struct cmd *c, void *out, struct replyq *reply)
{
	long ret;

	mm_cmd_begin(m, 0);
	ret = cmd_exec(m, c, out, reply);
	journal_append(c, mm_cmd_interrupted(m));
	mm_cmd_end(m);
	if (c->type != CT_CTL)	/* a control line is answered with its write: ctlfile flushes */
		journal_flush();
	return ret;
}

/* A replay runs each command exactly as it ran: reads into a buffer thrown away. */
long cmd_replay(struct machine *m, const struct cmd *c, uint64_t interrupt_at)
{
	int reads = c->type == CT_FILE_READ || c->type == CT_MEM_READ;
	void *out = reads ? malloc(c->len ? c->len : 1) : NULL;
	uint64_t ino;
	struct replyq sink;
	long ret;

	if (reads && !out)
		return -ENOMEM;
	rq_init(&sink);
	mm_cmd_begin(m, interrupt_at);
	ret = cmd_exec(m, c, reads ? out : &ino, &sink);
	mm_cmd_end(m);
	rq_free(&sink);
	free(out);
	return ret;
}
