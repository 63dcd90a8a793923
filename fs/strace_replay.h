/* SPDX-License-Identifier: MIT */
/*
 * strace_replay.h - a real program's strace, run as simulated processes.
 *
 * Every line strace 6.x prints may be written to a process's ctl (the
 * session's anchor): `strace -f -o MOUNT/proc/PID/ctl CMD` live, or a saved
 * trace through tools/mmfs-replay. The pids of the trace become simulated
 * processes (the first pid seen is the anchor itself; the others are born
 * from the trace's fork/vfork/clone/clone3 lines), its memory calls run on
 * them, addresses the model placed elsewhere are translated, and everything
 * else is accepted and skipped. doc/strace.md is the user's side.
 */
#ifndef FS_STRACE_REPLAY_H
#define FS_STRACE_REPLAY_H

#include <stdbool.h>
#include <stddef.h>

#include "replyq.h"

struct machine;

/*
 * Run one line written to anchor's ctl, inside the command turn, if it is
 * strace's (a call, a split call or an event; *handled tells): 0 with one
 * reply line queued, or -errno with the reason in why (the caller replies
 * and logs it as any failed command). A line that is not strace's (the
 * shell form) is left to the caller: *handled false, 0.
 */
int strace_replay(struct machine *m, int anchor, const char *line, size_t len,
		  struct replyq *reply, char *why, size_t whylen, bool *handled);

#endif
