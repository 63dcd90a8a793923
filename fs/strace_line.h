/* SPDX-License-Identifier: MIT */
/*
 * strace_line.h - one line of strace 6.x output, taken apart.
 *
 * strace decorates every call it prints: a pid (`1234 ` with -f -o, `[pid
 * 1234] ` with -f on a terminal), a timestamp (-t, -tt, -ttt, -r), the time
 * spent (-T: ` <0.000012>`), and it splits a call that blocks while another
 * pid runs into `NAME(args <unfinished ...>` and `<... NAME resumed>rest`.
 * Between calls it prints events: `+++ exited with N +++`, `+++ killed by
 * SIGX (core dumped) +++`, `--- SIGX {...} ---`, `+++ superseded by execve in
 * pid N +++`. This layer removes the decorations, classifies the line and
 * joins split calls, so that what reaches the control language is always
 * one whole `NAME(args) = result` line. It knows nothing of the model.
 */
#ifndef MMFS_STRACE_LINE_H
#define MMFS_STRACE_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum strace_kind {
	SL_CALL,	/* NAME(args) [= result]: text is the call */
	SL_UNFINISHED,	/* NAME(args <unfinished ...>: text is "NAME(args" */
	SL_RESUMED,	/* <... NAME resumed>rest: text is rest */
	SL_EXITED,	/* +++ exited with N +++: status = N */
	SL_KILLED,	/* +++ killed by SIGX +++: status = the signal number */
	SL_SIGNAL,	/* --- SIGX {...} ---: status = the signal number */
	SL_SUPERSEDED,	/* +++ superseded by execve in pid N +++: status = N */
};

#define STRACE_NAME_MAX 32

struct strace_line {
	int pid;		/* the pid prefix, or 0 when there is none */
	enum strace_kind kind;
	char name[STRACE_NAME_MAX];	/* the call's name (CALL, UNFINISHED, RESUMED) */
	const char *text;	/* into the caller's line; not NUL-terminated */
	size_t text_len;
	int status;
	/*
	 * The result of a CALL (or of a RESUMED rest): has_result is false for
	 * `= ?` and for a call printed without one. err is the errno name of
	 * `= -1 ENOMEM (...)` ("" on success).
	 */
	bool has_result;
	int64_t result;
	char err[24];
};

/*
 * Take one line apart (no newline; any bytes). 0, or -EINVAL with the reason
 * in why for a line strace could not have printed.
 */
int strace_line_split(const char *line, size_t len, struct strace_line *out,
		      char *why, size_t whylen);

/* A signal's number from its name ("SIGSEGV" -> 11); 0 if unknown. */
int strace_signo(const char *name, size_t len);

/*
 * Split calls, joined: one pending `NAME(args` per pid. Feed every SL_UNFINISHED
 * and SL_RESUMED line; for a RESUMED whose beginning is known, the whole call
 * ("NAME(args" + rest) is written to out (NUL-terminated) and 1 returned; 0
 * when the line only started a call; -EINVAL when a resumed call was never
 * started (or a pid starts two), with the reason in why.
 */
#define STRACE_JOIN_SLOTS 64
#define STRACE_JOIN_MAX 4096
struct strace_join {
	struct {
		int pid;
		char name[STRACE_NAME_MAX];
		size_t len;
		char text[STRACE_JOIN_MAX];
	} slot[STRACE_JOIN_SLOTS];
	int used;
};

int strace_join(struct strace_join *j, const struct strace_line *l, char *out, size_t outlen,
		char *why, size_t whylen);

#endif
