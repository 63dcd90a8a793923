/* SPDX-License-Identifier: MIT */
/*
 * strace_replay.c - a traced program's lines run on the anchor's session
 * (the contract is in strace_replay.h; the maps it keeps are the model's,
 * mm/trace_map.c, so a journal replay or a checkpoint keeps them too).
 *
 * Replies, one per line, none starting with "error" unless the model
 * refused a call the traced program made successfully:
 *   the call's value       a memory, file or process call that ran
 *   VALUE (trace 0xT)      ... that the model placed elsewhere than the trace
 *   failed ENAME           a call that failed in the trace with ENAME and in
 *                          the model alike
 *   VALUE (the trace says ENAME)  one the model let succeed: a divergence
 *   skipped NAME           a system call with no effect on memory
 *   unfinished NAME        the first half of a split call
 *   signal SIGX            --- SIGX {...} ---
 *   exited N / killed SIGX +++ ... +++ (the process ends if it still lives)
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../mm/mm.h"
#include "../mm/snapshot.h"
#include "ctl.h"
#include "parse.h"
#include "strace_line.h"
#include "strace_replay.h"

#define CALL_MAX 4096	/* parse.c's longest line */
#define BRK_SPAN (1ULL << 40)	/* how far a moved heap's translation reaches */
#define DONE_MARK "=done "	/* a pending clone already run for its child's line */

static int fail(char *why, size_t whylen, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *why, size_t whylen, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return err;
}

static bool is_clone(const char *name)
{
	return !strcmp(name, "clone") || !strcmp(name, "clone3") || !strcmp(name, "fork") ||
	       !strcmp(name, "vfork");
}

/* Calls whose addr (and mremap's new_addr) name the traced address space. */
static bool takes_addr(enum mm_verb v)
{
	switch (v) {
	case MMV_MMAP: case MMV_MUNMAP: case MMV_MPROTECT: case MMV_MREMAP: case MMV_BRK:
	case MMV_MADVISE: case MMV_MLOCK: case MMV_MLOCK2: case MMV_MUNLOCK:
	case MMV_MINCORE: case MMV_MSYNC: case MMV_TOUCH: case MMV_SHMAT: case MMV_SHMDT:
		return true;
	default:
		return false;
	}
}

/*
 * A clone's child, made now for parent pid: a process (fork) unless the
 * flags share the thread group. Threads are not modelled yet: refused.
 */
static int make_child(struct machine *m, int anchor, int pid, const char *text, int tpid,
		      uint64_t *child, char *why, size_t whylen)
{
	struct mm_call c = { .verb = MMV_FORK, .fd = -1 };
	struct replyq dummy;
	int err;

	if (strstr(text, "CLONE_THREAD"))
		return fail(why, whylen, -ENOSYS, "trace pid %d is a thread (CLONE_THREAD): "
			    "threads are not modelled", tpid);
	rq_init(&dummy);
	err = ctl_call(m, pid, &c, child, &dummy, why, whylen);
	rq_free(&dummy);
	if (err < 0)
		return err;
	err = mm_trace_bind(m, anchor, (int)*child, tpid);
	return err < 0 ? fail(why, whylen, err, "cannot record trace pid %d", tpid) : 0;
}

/*
 * A line of a pid the session does not know. strace may print a new
 * child's first line before its parent's clone resumes with the child's
 * pid: then a parent's clone is pending, and it is run now for this child.
 */
static int early_child(struct machine *m, int anchor, int tpid, char *why, size_t whylen)
{
	struct mm_trace_member mem[64];
	int n = mm_trace_session(m, anchor, mem, 64);
	char *text = malloc(CALL_MAX + sizeof(DONE_MARK));

	if (!text)
		abort();
	for (int i = 0; i < n && i < 64; i++) {
		long len;
		uint64_t child;
		int err;

		if (!mem[i].pending || !mem[i].pid)
			continue;
		len = mm_trace_pending_get(m, anchor, mem[i].tpid, text, CALL_MAX);
		if (len <= 0)
			continue;
		text[len] = '\0';
		if (!strncmp(text, DONE_MARK, strlen(DONE_MARK)))
			continue;
		if (strncmp(text, "clone", 5) && strncmp(text, "fork", 4) &&
		    strncmp(text, "vfork", 5))
			continue;
		err = make_child(m, anchor, mem[i].pid, text, tpid, &child, why, whylen);
		if (!err) {
			memmove(text + strlen(DONE_MARK), text, (size_t)len);
			memcpy(text, DONE_MARK, strlen(DONE_MARK));
			err = mm_trace_pending_set(m, anchor, mem[i].tpid, text,
						   (size_t)len + strlen(DONE_MARK));
		}
		free(text);
		return err < 0 ? err : (int)child;
	}
	free(text);
	return fail(why, whylen, -ESRCH, "trace pid %d is not in this trace: no fork or clone "
		    "made it", tpid);
}

/* The length of the attach shmat made at addr (its VMA), 0 if none. */
static uint64_t attach_len(struct machine *m, int pid, uint64_t addr)
{
	struct mm_task_snap *s = mm_snap_task(m, pid, 1);
	uint64_t len = 0;

	for (size_t i = 0; s && i < s->nr_vmas; i++)
		if (s->vmas[i].start == addr)
			len = s->vmas[i].end - addr;
	free(s);
	return len;
}

/*
 * The translation a call that placed memory leaves: the trace's range is
 * where the model put it. Only a placement the translation did not already
 * predict is a divergence (reported in the reply and kmsg).
 */
static void record_place(struct machine *m, int pid, const struct mm_call *c,
			 const struct strace_line *l, uint64_t val, char *note, size_t notelen)
{
	uint64_t t = (uint64_t)l->result, expect = t, len;

	if (!l->has_result || (c->verb != MMV_MMAP && c->verb != MMV_MREMAP && c->verb != MMV_BRK &&
			       c->verb != MMV_SHMAT))
		return;
	mm_trace_xlate(m, pid, &expect);
	if (c->verb == MMV_BRK && expect == val)
		return;	/* the heap keeps the translation its start has */
	len = c->verb == MMV_MMAP ? c->len : c->verb == MMV_MREMAP ? c->new_len :
	      c->verb == MMV_SHMAT ? attach_len(m, pid, val) : BRK_SPAN;
	len = (len + 4095) & ~4095ULL;
	if (len)
		mm_trace_xlate_set(m, pid, t, len, val);
	if (expect != val) {
		snprintf(note, notelen, " (trace 0x%" PRIx64 ")", t);
		mm_kmsg(m, "mmfs replay[%d]: %s at 0x%" PRIx64 ", the trace has 0x%" PRIx64
			": its later addresses there are translated", pid, l->name, val, t);
	}
}

/*
 * openat(DIRFD, "relative", ...): the name is DIRFD's directory's (an fd
 * the trace opened, whose path the model knows) or, for AT_FDCWD, the
 * directory strace -y printed after it (AT_FDCWD</tmp>). Without either
 * the name stays relative to the root, the simulated processes' cwd.
 */
static void at_dir(struct machine *m, int pid, const struct strace_line *l, struct mm_call *c)
{
	const char *a = l->text + strlen("openat("), *end = l->text + l->text_len;
	char dir[MM_PATH_MAX] = "";
	struct mm_fd_snap f;

	if (a < end && *a >= '0' && *a <= '9') {
		if (!mm_snap_file(m, pid, atoi(a), &f))
			snprintf(dir, sizeof(dir), "%s", f.path);
	} else if ((size_t)(end - a) > 10 && !memcmp(a, "AT_FDCWD</", 10)) {
		const char *gt = memchr(a + 9, '>', (size_t)(end - a - 9));

		if (gt && gt - (a + 9) < (long)sizeof(dir))
			snprintf(dir, sizeof(dir), "%.*s", (int)(gt - (a + 9)), a + 9);
	}
	if (dir[0] == '/') {
		char joined[MM_PATH_MAX * 2];
		size_t n = strlen(dir);

		snprintf(joined, sizeof(joined), "%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/",
			 c->path);
		if (strlen(joined) < sizeof(c->path))
			strcpy(c->path, joined);
	}
}

static int run_call(struct machine *m, int anchor, int pid, const struct strace_line *l,
		    struct replyq *reply, char *why, size_t whylen)
{
	char *text, note[48] = "";
	struct mm_call c;
	uint64_t val = 0;
	int err;

	bool trace_failed = l->has_result && l->result < 0 && l->err[0];

	if (is_clone(l->name) && trace_failed) {
		rq_printf(reply, "failed %s\n", l->err);	/* no child was made */
		return 0;
	}
	if (is_clone(l->name)) {
		if (!l->has_result)
			return fail(why, whylen, -EINVAL, "%s without the child's pid", l->name);
		text = strndup(l->text, l->text_len);
		if (!text)
			abort();
		err = make_child(m, anchor, pid, text, (int)l->result, &val, why, whylen);
		free(text);
		if (err < 0)
			return err;
		rq_printf(reply, "%" PRIu64 "\n", val);
		return 0;
	}
	if (!parse_strace_knows(l->name) ||
	    (!strcmp(l->name, "fcntl") && !memmem(l->text, l->text_len, "F_DUPFD", 7))) {
		rq_printf(reply, "skipped %s\n", l->name);
		return 0;
	}
	err = parse_command(l->text, l->text_len, PARSE_PROCESS, &c, why, whylen);
	if (err)
		return err < 0 ? err : fail(why, whylen, -EINVAL, "nothing to run");
	if (c.verb == MMV_OPEN && !strcmp(l->name, "openat") && c.path[0] != '/')
		at_dir(m, pid, l, &c);
	if (takes_addr(c.verb) && c.addr)
		mm_trace_xlate(m, pid, &c.addr);
	if (c.verb == MMV_MREMAP && c.new_addr)
		mm_trace_xlate(m, pid, &c.new_addr);
	err = ctl_call(m, pid, &c, &val, reply, why, whylen);
	if (err < 0) {
		size_t n = strlen(why);
		const char *name = strerrorname_np(-err);

		if (!l->has_result)
			return err;	/* the trace does not say how it went */
		if (trace_failed && name && !strcmp(name, l->err)) {
			rq_printf(reply, "failed %s\n", l->err);	/* as in the trace */
			return 0;
		}
		if (trace_failed)
			snprintf(why + n, whylen - n, "%s(the trace says %s)", n ? "; " : "", l->err);
		else
			snprintf(why + n, whylen - n, "%s(the traced call succeeded)", n ? "; " : "");
		mm_kmsg(m, "mmfs replay[%d]: %s failed in the model with %s, in the trace %s", pid,
			l->name, name ? name : "?", trace_failed ? l->err : "not");
		return err;
	}
	if (err == 0 && trace_failed) {
		/* the model did what the traced program could not: say so, it changed the state */
		snprintf(note, sizeof(note), " (the trace says %s)", l->err);
		mm_kmsg(m, "mmfs replay[%d]: %s succeeded in the model but failed in the trace (%s)",
			pid, l->name, l->err);
		ctl_reply_value(reply, pid, c.verb, val, note);
	} else if (err == 0) {
		record_place(m, pid, &c, l, val, note, sizeof(note));
		ctl_reply_value(reply, pid, c.verb, val, note);
	}
	return 0;
}

/* +++ exited / killed +++: the process ends now if its exit_group did not end it. */
static int end_task(struct machine *m, int pid, const struct strace_line *l,
		    struct replyq *reply, char *why, size_t whylen)
{
	if (pid) {
		struct mm_call c = { .verb = MMV_EXIT, .fd = -1 };
		uint64_t val;
		int err = l->kind == SL_KILLED ? mm_kill(m, pid, why, whylen)
					       : ctl_call(m, pid, &c, &val, reply, why, whylen);

		if (err < 0 && err != -ESRCH)
			return err;
	}
	if (l->kind == SL_KILLED)
		rq_printf(reply, "killed %d\n", l->status);
	else
		rq_printf(reply, "exited %d\n", l->status);
	return 0;
}

int strace_replay(struct machine *m, int anchor, const char *line, size_t len,
		  struct replyq *reply, char *why, size_t whylen, bool *handled)
{
	struct strace_line l;
	struct mm_trace_member first;
	char *joined = NULL;
	long n;
	int pid = anchor, err;

	*handled = strace_line_split(line, len, &l, NULL, 0) == 0;
	if (!*handled)
		return 0;
	if (l.kind == SL_SIGNAL) {
		rq_printf(reply, "signal %d\n", l.status);
		return 0;
	}
	if (l.kind == SL_SUPERSEDED) {
		rq_puts(reply, "skipped execve\n");
		return 0;
	}
	if (l.pid) {
		pid = mm_trace_find(m, anchor, l.pid);
		if (!pid && (l.kind == SL_EXITED || l.kind == SL_KILLED))
			return end_task(m, 0, &l, reply, why, whylen);
		if (!pid && mm_trace_session(m, anchor, &first, 1) == 0) {
			err = mm_trace_bind(m, anchor, anchor, l.pid);
			if (err)
				return fail(why, whylen, err, "cannot tie trace pid %d to pid %d",
					    l.pid, anchor);
			pid = anchor;
		}
		if (!pid) {
			pid = early_child(m, anchor, l.pid, why, whylen);
			if (pid < 0)
				return pid;
		}
	}
	switch (l.kind) {
	case SL_EXITED:
	case SL_KILLED:
		return end_task(m, pid, &l, reply, why, whylen);
	case SL_UNFINISHED:
		if (!l.pid)
			return fail(why, whylen, -EINVAL, "an unfinished call needs strace -f's pid");
		err = mm_trace_pending_set(m, anchor, l.pid, l.text, l.text_len);
		if (err)
			return fail(why, whylen, err, "cannot keep the unfinished %s", l.name);
		rq_printf(reply, "unfinished %s\n", l.name);
		return 0;
	case SL_RESUMED:
		if (!l.pid)
			return fail(why, whylen, -EINVAL, "a resumed call needs strace -f's pid");
		joined = malloc(CALL_MAX + 1);
		if (!joined)
			abort();
		n = mm_trace_pending_get(m, anchor, l.pid, joined, CALL_MAX);
		if (n <= 0) {
			free(joined);
			return fail(why, whylen, -EINVAL, "%s resumed, but pid %d did not start it",
				    l.name, l.pid);
		}
		mm_trace_pending_set(m, anchor, l.pid, NULL, 0);
		if (!strncmp(joined, DONE_MARK, strlen(DONE_MARK))) {
			free(joined);
			rq_printf(reply, "skipped %s (its child came first)\n", l.name);
			return 0;
		}
		if ((size_t)n + l.text_len > CALL_MAX) {
			free(joined);
			return fail(why, whylen, -EINVAL, "%s call longer than %d bytes", l.name,
				    CALL_MAX);
		}
		memcpy(joined + n, l.text, l.text_len);
		err = strace_line_split(joined, (size_t)n + l.text_len, &l, why, whylen);
		if (!err)
			err = run_call(m, anchor, pid, &l, reply, why, whylen);
		free(joined);
		return err;
	default:
		return run_call(m, anchor, pid, &l, reply, why, whylen);
	}
}
