/* SPDX-License-Identifier: MIT */
/*
 * ctl.c - dispatch of control-file commands.
 *
 * A line is parsed once (parse.c) into a typed mm_call, which goes to the one
 * model entry point that implements it; the outcome becomes one reply line.
 * The reply grammar is interface.md's: "<value>" or "error <ENAME>: <why>".
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../mm/mm.h"
#include "cmd.h"
#include "ctl.h"
#include "journal.h"
#include "backing.h"
#include "strace_replay.h"

#define CTL_WHY_MAX	4096	/* longest reason we reply (check may list many) */
#define CTL_CMD_LOG_MAX	200	/* longest command echoed into kmsg */

/* ---- pid generations ---- */

static pthread_mutex_t gen_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t *gen_of_pid;	/* indexed by pid; protected by gen_lock */
static size_t gen_len;		/* entries in gen_of_pid */
static uint64_t gen_next = 1;	/* next generation handed out */

static void ctl_pid_born(int pid)
{
	if (pid <= 0)
		return;
	pthread_mutex_lock(&gen_lock);
	if ((size_t)pid >= gen_len) {
		size_t n = gen_len ? gen_len : 64;
		uint64_t *p;

		while (n <= (size_t)pid)
			n *= 2;
		p = realloc(gen_of_pid, n * sizeof(*p));
		if (!p)
			abort();
		memset(p + gen_len, 0, (n - gen_len) * sizeof(*p));
		gen_of_pid = p;
		gen_len = n;
	}
	gen_of_pid[pid] = gen_next++;
	pthread_mutex_unlock(&gen_lock);
}

uint64_t ctl_pid_generation(int pid)
{
	uint64_t g = 0;

	pthread_mutex_lock(&gen_lock);
	if (pid > 0 && (size_t)pid < gen_len)
		g = gen_of_pid[pid];
	pthread_mutex_unlock(&gen_lock);
	return g;
}

/* ---- replies ---- */

static const char *errno_name(int err, char *buf, size_t len)
{
	const char *name = strerrorname_np(err);

	if (name)
		return name;
	snprintf(buf, len, "E%d", err);
	return buf;
}

/* The command as kmsg shows it: printable, at most CTL_CMD_LOG_MAX chars. */
static void escape_cmd(char *out, size_t outlen, const char *line, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len && o + 5 < outlen && o < CTL_CMD_LOG_MAX; i++) {
		unsigned char c = (unsigned char)line[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, outlen - o, "\\x%02x", c);
	}
	out[o < outlen ? o : outlen - 1] = '\0';
}

/* Reply the failure, log it to kmsg, and hand back err (negative). */
static int reject(struct machine *m, int pid, const char *line, size_t len,
		    int err, const char *why, struct replyq *reply)
{
	char namebuf[16], cmd[CTL_CMD_LOG_MAX + 8];
	const char *name = errno_name(-err, namebuf, sizeof(namebuf));

	if (!why || !*why)
		why = strerror(-err);
	rq_printf(reply, "error %s: %s\n", name, why);
	escape_cmd(cmd, sizeof(cmd), line, len);
	if (pid)
		mm_kmsg(m, "mmfs ctl[%d]: %s: error %s: %s", pid, cmd, name, why);
	else
		mm_kmsg(m, "mmfs ctl: %s: error %s: %s", cmd, name, why);
	return err;
}

/*
 * "N invariants broken: first; second; ..." from mm_check's report (one
 * violation per line), bounded by whylen.
 */
static void check_reason(char *why, size_t whylen, const char *report, int nbad)
{
	size_t o = (size_t)snprintf(why, whylen, "%d invariant%s broken: ",
				    nbad, nbad == 1 ? "" : "s");
	const char *p = report;
	int first = 1;

	while (p && *p && o + 1 < whylen) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (n) {
			o += (size_t)snprintf(why + o, whylen - o, "%s%.*s",
					      first ? "" : "; ", (int)n, p);
			first = 0;
		}
		p = nl ? nl + 1 : NULL;
	}
}

/* ---- dispatch ---- */

static int ctl_global(struct machine *m, const struct mm_call *call,
		      uint64_t *val, char *why, size_t whylen)
{
	int pid = 0, nbad = 0, err;
	char *report;

	switch (call->verb) {
	case MMV_SPAWN:
		err = mm_spawn(m, call->path, &pid, why, whylen);
		if (!err) {
			ctl_pid_born(pid);
			*val = (uint64_t)pid;
		}
		return err;
	case MMV_KILL:
		return mm_kill(m, call->pid, why, whylen);
	case MMV_DROP_CACHES:
		return mm_drop_caches(m, call->mode, why, whylen);
	case MMV_COMPACT:
		return mm_compact(m, why, whylen);
	case MMV_SYNC:
		return mm_sync(m, why, whylen);
	case MMV_CHECKPOINT:
		return journal_checkpoint(m, why, whylen);
	case MMV_SWAPON:
		return mm_swapon(m, call->path, call->len, call->flags ? (int)call->advice : -1,
				 why, whylen);
	case MMV_SWAPOFF:
		return mm_swapoff(m, call->path, why, whylen);
	case MMV_TASKSET:	/* as init's sched_setaffinity(PID, ...) */
		return mm_sched_setaffinity(m, 1, call->pid, call->cpus, why, whylen);
	case MMV_CHECK:
		report = mm_check(m, &nbad);
		if (nbad)
			check_reason(why, whylen, report, nbad);
		free(report);
		return nbad ? -EUCLEAN : 0;
	default:
		snprintf(why, whylen, "%s is not a global command",
			 mm_verb_name(call->verb));
		return -EINVAL;
	}
}

/*
 * get_mempolicy's reply: "POLICY NODES", the int the kernel stores (a mode
 * with its flags, or a node with MPOL_F_NODE) and the nodemask as a node
 * list ("0-1,3") or "none"; both read back as set_mempolicy arguments.
 * An output the call passed NULL for (strace form) is "-".
 */
static void ctl_put_mempolicy(struct replyq *reply, int policy, uint64_t nodes, int64_t asked)
{
	char list[256];

	mm_nodelist(list, sizeof(list), nodes);
	if (asked & 1)
		rq_printf(reply, "%d ", policy);
	else
		rq_puts(reply, "- ");
	rq_printf(reply, "%s\n", !(asked & 2) ? "-" : list[0] ? list : "none");
}

/* ---- migration and affinity: replies with arrays (doc/migrate.md) ---- */

static int ctl_is_numa_verb(enum mm_verb v)
{
	return v == MMV_MIGRATE_PAGES || v == MMV_MOVE_PAGES || v == MMV_SCHED_SETAFFINITY ||
	       v == MMV_SCHED_GETAFFINITY;
}

/* A status as strace prints it: a node, or -ENAME. */
static void put_status(struct replyq *reply, int32_t st, int first)
{
	char buf[16];

	if (st < 0)
		rq_printf(reply, "%s-%s", first ? "" : ", ", errno_name(-st, buf, sizeof(buf)));
	else
		rq_printf(reply, "%s%d", first ? "" : ", ", st);
}

/* move_pages: "RET [STATUS, ...]", the return value and status[] as strace shows them. */
static int ctl_move_pages(struct machine *m, int pid, struct mm_call *c, struct replyq *reply,
			  char *why, size_t whylen)
{
	int32_t status[MM_MOVE_PAGES_MAX] = { 0 };
	uint64_t nr = c->len ? c->len : c->nr_pages;
	long ret = 0;
	int err;

	if (nr != c->nr_pages) {
		snprintf(why, whylen, "move_pages count %llu but %u page addresses",
			 (unsigned long long)nr, c->nr_pages);
		return -EINVAL;
	}
	if (c->has_page_nodes && c->nr_page_nodes == 1 && nr > 1)
		for (uint64_t i = 1; i < nr; i++)	/* the shell form's one node for all */
			c->page_nodes[i] = c->page_nodes[0];
	else if (c->has_page_nodes && c->nr_page_nodes != nr) {
		snprintf(why, whylen, "move_pages has %llu pages but %u nodes",
			 (unsigned long long)nr, c->nr_page_nodes);
		return -EINVAL;
	}
	err = mm_move_pages(m, pid, c->pid, nr, c->pages, c->has_page_nodes ? c->page_nodes : NULL,
			    status, (int)c->flags, &ret, why, whylen);
	if (err < 0)
		return err;
	rq_printf(reply, "%ld [", ret);
	for (uint64_t i = 0; i < nr; i++)
		put_status(reply, status[i], i == 0);
	rq_puts(reply, "]\n");
	return 0;
}

static int ctl_numa(struct machine *m, int pid, struct mm_call *c, struct replyq *reply,
		    char *why, size_t whylen)
{
	uint64_t mask[MM_CPUS_WORDS], val = 0;
	long ret = 0;
	int err;

	switch (c->verb) {
	case MMV_MIGRATE_PAGES:
		/*
		 * strace's MAXNODE (len; the shell form has none: 0): get_nodes
		 * reads maxnode - 1 bits of each mask, and refuses more than a
		 * page of them
		 */
		if (c->len > 4096 * 8) {
			snprintf(why, whylen, "maxnode %llu is more than %d bits",
				 (unsigned long long)c->len, 4096 * 8);
			return -EINVAL;
		}
		if (c->len && c->len - 1 < 64) {
			uint64_t keep = (1ULL << (c->len - 1)) - 1;

			c->nodes[0] &= keep;
			c->nodes[1] &= keep;
			c->nodes_far[1] = 0;
		}
		err = mm_migrate_pages(m, pid, c->pid, c->nodes[0], c->nodes[1], c->nodes_far[1],
				       &val, why, whylen);
		if (!err)
			rq_printf(reply, "%" PRIu64 "\n", val);
		return err;
	case MMV_MOVE_PAGES:
		return ctl_move_pages(m, pid, c, reply, why, whylen);
	case MMV_SCHED_SETAFFINITY:
		err = mm_sched_setaffinity(m, pid, c->pid, c->cpus, why, whylen);
		if (!err)
			rq_puts(reply, "0\n");
		return err;
	case MMV_SCHED_GETAFFINITY:
		/* the shell form without SIZE asks with glibc's cpu_set_t: 128 bytes */
		err = mm_sched_getaffinity(m, pid, c->pid, c->len ? c->len : 128, mask, &ret,
					   why, whylen);
		if (err)
			return err;
		rq_printf(reply, "%ld [", ret);
		for (int cpu = 0, first = 1; cpu < 64 * MM_CPUS_WORDS; cpu++)
			if ((mask[cpu / 64] >> (cpu % 64)) & 1) {
				rq_printf(reply, first ? "%d" : " %d", cpu);
				first = 0;
			}
		rq_puts(reply, "]\n");
		return 0;
	default:
		return -EINVAL;
	}
}

/* Verbs whose result is an address, replied in 0x-hex. */
static int verb_returns_addr(enum mm_verb v)
{
	return v == MMV_MMAP || v == MMV_MREMAP || v == MMV_BRK || v == MMV_SHMAT ||
	       v == MMV_MALLOC || v == MMV_CALLOC || v == MMV_REALLOC || v == MMV_MEMALIGN;
}

int ctl_call(struct machine *m, int pid, const struct mm_call *call, uint64_t *val,
	     struct replyq *reply, char *why, size_t whylen)
{
	int err;

	*val = 0;
	if (pid && call->verb == MMV_MINCORE) {
		struct mm_runs *vec = calloc(1, sizeof(*vec));

		if (!vec)
			abort();
		err = mm_mincore(m, pid, call->addr, call->len, vec, why, whylen);
		if (err < 0) {
			free(vec);
			return err;
		}
		rq_put_runs(reply, vec, "\n");
		return 1;
	}
	if (pid && call->verb == MMV_SHM_UNLINK) {
		/* glibc's shm_unlink is unlink: a change of files/, done as files/ does it */
		struct cmd uc = { .type = CT_NS_UNLINK, .path = call->path };

		err = (int)backing_exec(m, &uc);
		if (err == -EPERM)
			err = -EACCES;	/* shm_unlink's mapping, as glibc does */
		if (err < 0)
			snprintf(why, whylen, "%s: %s", call->path, strerror(-err));
		return err < 0 ? err : 0;
	}
	if (pid && ctl_is_numa_verb(call->verb)) {
		struct mm_call c = *call;	/* ctl_numa fills in the shell form's defaults */

		err = ctl_numa(m, pid, &c, reply, why, whylen);
		return err < 0 ? err : 1;
	}
	if (pid && call->verb == MMV_GET_MEMPOLICY) {
		int policy;
		uint64_t nodes;

		err = mm_get_mempolicy(m, pid, call, &policy, &nodes, why, whylen);
		if (err < 0)
			return err;
		ctl_put_mempolicy(reply, policy, nodes, call->advice);
		return 1;
	}
	if (pid && call->verb == MMV_MALLOC_STATS) {
		char stats[4096];	/* 8 lines, and 3 more per arena */

		err = mm_malloc_stats(m, pid, stats, sizeof(stats), why, whylen);
		if (err < 0)
			return err;
		rq_puts(reply, stats);
		return 1;
	}
	if (!pid)
		err = ctl_global(m, call, val, why, whylen);
	else
		err = mm_syscall(m, pid, call, val, why, whylen);
	if (err < 0)
		return err;
	if (pid && (call->verb == MMV_FORK || call->verb == MMV_CLONE ||
		    call->verb == MMV_PTHREAD_CREATE))
		ctl_pid_born((int)*val);
	return 0;
}

void ctl_reply_value(struct replyq *reply, int pid, enum mm_verb verb, uint64_t val,
		     const char *suffix)
{
	if (!pid && verb == MMV_CHECK)
		rq_printf(reply, "ok%s\n", suffix);
	else if (pid && verb_returns_addr(verb))
		rq_printf(reply, "0x%" PRIx64 "%s\n", val, suffix);
	else
		rq_printf(reply, "%" PRIu64 "%s\n", val, suffix);
}

int ctl_exec(struct machine *m, int pid, const char *line, size_t len,
	     struct replyq *reply)
{
	enum parse_scope scope = pid ? PARSE_PROCESS : PARSE_GLOBAL;
	struct mm_call call;
	char *why;
	uint64_t val = 0;
	int err;

	why = malloc(CTL_WHY_MAX);
	if (!why)
		abort();
	why[0] = '\0';
	if (pid) {
		bool handled;

		err = strace_replay(m, pid, line, len, reply, why, CTL_WHY_MAX, &handled);
		if (err < 0)
			goto fail;
		if (handled)
			goto out;
	}
	err = parse_command(line, len, scope, &call, why, CTL_WHY_MAX);
	if (err == PARSE_EMPTY)
		goto out;
	if (err < 0)
		goto fail;
	err = ctl_call(m, pid, &call, &val, reply, why, CTL_WHY_MAX);
	if (err < 0)
		goto fail;
	if (!err)
		ctl_reply_value(reply, pid, call.verb, val, "");
	err = 0;
	goto out;
fail:
	err = reject(m, pid, line, len, err, why, reply);
out:
	free(why);
	return err;
}

int ctl_reject_exec(struct machine *m, int pid, const char *line, size_t len, int err,
		    const char *why, struct replyq *reply)
{
	return reject(m, pid, line, len, err, why, reply);
}

/* Only this much of a rejected line is kept: kmsg shows less. */
#define REJECT_KEEP 256

int ctl_reject(struct machine *m, int pid, const char *line, size_t len, int err,
	       const char *why, struct replyq *reply)
{
	struct cmd c = { .type = CT_REJECT, .pid = pid, .data = line,
			 .len = len < REJECT_KEEP ? len : REJECT_KEEP,
			 .arg = (uint64_t)-err, .path = why };

	return (int)cmd_run(m, &c, NULL, reply);
}

int ctl_run(struct machine *m, int pid, const char *line, size_t len,
	    struct replyq *reply)
{
	struct cmd c = { .type = CT_CTL, .pid = pid, .data = line, .len = len };
	struct mm_call call;
	char why[128];

	/* a kill stops a long command of its victim before waiting behind it */
	if (!pid && !parse_command(line, len, PARSE_GLOBAL, &call, why, sizeof(why)) &&
	    call.verb == MMV_KILL)
		mm_signal_kill(m, call.pid);
	return (int)cmd_run(m, &c, NULL, reply);
}
