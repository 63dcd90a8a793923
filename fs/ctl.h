/* SPDX-License-Identifier: MIT */
/*
 * ctl.h - the command dispatcher: one control-file line -> one model call
 * -> one reply line. Knows no FUSE (fs_core), so tools/ can drive the model
 * exactly as writes to MOUNT/ctl and MOUNT/proc/PID/ctl do.
 */
#ifndef FS_CTL_H
#define FS_CTL_H

#include <stddef.h>
#include <stdint.h>

#include "replyq.h"
#include "parse.h"

struct machine;

/*
 * Run one line (len bytes, no newline) on the global control file (pid 0)
 * or on process pid's. Queues exactly one reply line on *reply:
 * "<value>\n" on success, "error <ENAME>: <why>\n" on failure, nothing for
 * a blank or comment line. Returns 0, PARSE_EMPTY (> 0) for a line with
 * nothing to run, or the failure's -errno. Failures are also logged to the
 * machine's kmsg with the pid and the command. A command of its own
 * (cmd.h): it runs in its turn and is journaled. Thread-safe.
 */
int ctl_run(struct machine *m, int pid, const char *line, size_t len,
	    struct replyq *reply);

/*
 * A line that cannot run at all (too long): reply "error ENAME: why",
 * log it to kmsg as ctl_run logs failures, and return err (negative).
 * A command of its own (cmd.h); only its first 256 bytes are kept.
 */
int ctl_reject(struct machine *m, int pid, const char *line, size_t len, int err,
	       const char *why, struct replyq *reply);

/*
 * What ctl_run and ctl_reject do inside the command turn (cmd.c runs them
 * live and from a journal). Callers outside cmd.c use ctl_run.
 */
int ctl_exec(struct machine *m, int pid, const char *line, size_t len,
	     struct replyq *reply);
int ctl_reject_exec(struct machine *m, int pid, const char *line, size_t len, int err,
		    const char *why, struct replyq *reply);

/*
 * Run one parsed call for pid (0: the global control file), inside the
 * command turn. 0 with the call's value in *val (the caller replies it with
 * ctl_reply_value), 1 when the reply is already queued (mincore's runs), or
 * the failure's -errno with the reason in why (nothing queued, nothing
 * logged). ctl_exec and the strace replay share it.
 */
int ctl_call(struct machine *m, int pid, const struct mm_call *call, uint64_t *val,
	     struct replyq *reply, char *why, size_t whylen);
/* The reply of a successful call: its value as the verb writes it, then suffix. */
void ctl_reply_value(struct replyq *reply, int pid, enum mm_verb verb, uint64_t val,
		     const char *suffix);

/*
 * Births seen through ctl_run (spawn, fork) bump a per-pid generation, so a
 * reused pid is told apart from its predecessor (the daemon hands it out as
 * the FUSE inode generation). Pids never born through ctl_run (pid 1) are
 * generation 0.
 */
uint64_t ctl_pid_generation(int pid);

#endif
