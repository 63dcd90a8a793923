/* SPDX-License-Identifier: MIT */
/*
 * parse.h - the command parser: one line of a control file -> one mm_call.
 *
 * Knows no FUSE and no model state: it is a pure function of the text, so it
 * is unit-tested on its own (tests/unit/test_parse.c). It accepts the shell
 * form ("mmap 0 64K rw- private,anon") and strace's C form
 * ("mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f..."),
 * with one table of verbs for both.
 */
#ifndef FS_PARSE_H
#define FS_PARSE_H

#include <stddef.h>

#include "../mm/uapi.h"

enum parse_scope {
	PARSE_GLOBAL,	/* MOUNT/ctl: spawn kill drop_caches compact check */
	PARSE_PROCESS,	/* MOUNT/proc/PID/ctl: the system calls */
};

/* parse_command() returns this (> 0) for a blank or comment-only line. */
#define PARSE_EMPTY 1

/*
 * Parse one line of len bytes (no newline; may contain anything, NULs too).
 * Returns 0 with *out filled, PARSE_EMPTY for a line with nothing to run
 * (blank, or starting with '#'), or -EINVAL with a one-line reason in why
 * (never longer than whylen-1, no newline) for anything malformed: unknown
 * verb, a verb of the other control file, missing or extra arguments, bad or
 * overflowing numbers, unknown flag names, embedded NULs.
 */
int parse_command(const char *line, size_t len, enum parse_scope scope,
		  struct mm_call *out, char *why, size_t whylen);

/* Whether name is a system call the strace form runs (strace's spelling). */
int parse_strace_knows(const char *name);

/*
 * Parse a size or number as the control language writes them: decimal or
 * 0x-hex, optionally followed by K, M, G or T (binary; also KB/KiB...).
 * Returns 0 or -EINVAL / -ERANGE. Used for the daemon's options too.
 */
int parse_size(const char *s, unsigned long long *out);

#endif
