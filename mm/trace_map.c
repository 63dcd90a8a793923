// SPDX-License-Identifier: MIT
/*
 * trace_map.c - what a mirrored program's trace means in the model.
 *
 * A traced program (fs/strace_replay.c feeds its strace lines to one
 * process's ctl, the session's anchor) names its own pids and its own
 * addresses. Two maps turn them into the model's, and both live here, in
 * the machine's arena, so that a checkpoint keeps them and a journal replay
 * rebuilds them:
 *
 *  - the session (on the anchor task): trace pid -> simulated pid, one
 *    entry per traced process or thread, added when the trace creates it;
 *  - the translation (on each mm): where the model placed a mapping that
 *    the trace says is elsewhere (ASLR on the traced host, or a divergence),
 *    as non-overlapping trace ranges, each with the model address its start
 *    became. A newer placement replaces whatever older ranges it overlaps,
 *    because the trace's address space reuses addresses as the real one
 *    did. Addresses outside every range are the same on both sides. Fork
 *    copies the parent's ranges (the child's trace addresses are the
 *    parent's); exec drops them with the mm.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"
#include "arena.h"
#include "task.h"

struct trace_session {
	int nr, cap;
	struct trace_bind {
		int tpid, pid;
		char *pending;		/* a call strace left <unfinished ...>, or NULL */
		size_t pending_len;
	} b[];
};

struct trace_xlate {
	size_t nr, cap;
	struct trace_range { uint64_t tstart, tend, mstart; } r[];
};

/* ---- the session ---- */

int mm_trace_bind(struct machine *m, int anchor, int pid, int tpid)
{
	struct task *a, *t;
	struct trace_session *s;
	int err = 0;

	if (tpid <= 0)
		return -EINVAL;
	machine_lock(m);
	a = find_task_by_pid(m, anchor);
	t = find_task_by_pid(m, pid);
	if (!a || !t) {
		err = -ESRCH;
		goto out;
	}
	s = a->trace;
	for (int i = 0; s && i < s->nr; i++) {
		if (s->b[i].tpid == tpid) {
			/* a pid the trace reused, or a binding to a task gone since */
			s->b[i].pid = pid;
			kfree(s->b[i].pending);
			s->b[i].pending = NULL;
			s->b[i].pending_len = 0;
			goto out;
		}
	}
	if (!s || s->nr == s->cap) {
		int cap = s ? s->cap * 2 : 4;
		struct trace_session *n = krealloc(s, sizeof(*s) + (size_t)cap * sizeof(s->b[0]));

		if (!n) {
			err = -ENOMEM;
			goto out;
		}
		if (!s)
			n->nr = 0;
		n->cap = cap;
		a->trace = s = n;
	}
	s->b[s->nr++] = (struct trace_bind){ tpid, pid, NULL, 0 };
out:
	machine_unlock(m);
	return err;
}

int mm_trace_find(struct machine *m, int anchor, int tpid)
{
	struct task *a;
	int pid = 0;

	machine_lock(m);
	a = find_task_by_pid(m, anchor);
	for (int i = 0; a && a->trace && i < a->trace->nr; i++)
		if (a->trace->b[i].tpid == tpid) {
			pid = a->trace->b[i].pid;
			if (!find_task_by_pid(m, pid))
				pid = 0;
			break;
		}
	machine_unlock(m);
	return pid;
}

static struct trace_bind *bind_of(struct machine *m, int anchor, int tpid)
{
	struct task *a = find_task_by_pid(m, anchor);

	for (int i = 0; a && a->trace && i < a->trace->nr; i++)
		if (a->trace->b[i].tpid == tpid)
			return &a->trace->b[i];
	return NULL;
}

int mm_trace_pending_set(struct machine *m, int anchor, int tpid, const char *text, size_t len)
{
	struct trace_bind *b;
	char *copy = NULL;
	int err = 0;

	machine_lock(m);
	b = bind_of(m, anchor, tpid);
	if (!b) {
		err = -ESRCH;
		goto out;
	}
	if (len) {
		copy = kmalloc(len);
		if (!copy) {
			err = -ENOMEM;
			goto out;
		}
		memcpy(copy, text, len);
	}
	kfree(b->pending);
	b->pending = copy;
	b->pending_len = len;
out:
	machine_unlock(m);
	return err;
}

long mm_trace_pending_get(struct machine *m, int anchor, int tpid, char *buf, size_t cap)
{
	struct trace_bind *b;
	long n;

	machine_lock(m);
	b = bind_of(m, anchor, tpid);
	if (!b)
		n = -ESRCH;
	else if (b->pending_len > cap)
		n = -ENOSPC;
	else {
		if (b->pending_len)
			memcpy(buf, b->pending, b->pending_len);
		n = (long)b->pending_len;
	}
	machine_unlock(m);
	return n;
}

int mm_trace_session(struct machine *m, int anchor, struct mm_trace_member *out, int max)
{
	struct task *a;
	int n = 0;

	machine_lock(m);
	a = find_task_by_pid(m, anchor);
	for (int i = 0; a && a->trace && i < a->trace->nr; i++, n++)
		if (n < max)
			out[n] = (struct mm_trace_member){
				a->trace->b[i].tpid,
				find_task_by_pid(m, a->trace->b[i].pid) ? a->trace->b[i].pid : 0,
				a->trace->b[i].pending_len > 0 };
	machine_unlock(m);
	return n;
}

void trace_session_free(struct task *t)
{
	for (int i = 0; t->trace && i < t->trace->nr; i++)
		kfree(t->trace->b[i].pending);
	kfree(t->trace);
	t->trace = NULL;
}

/* ---- the translation ---- */

static int xlate_room(struct mm_struct *mm, size_t more)
{
	struct trace_xlate *x = mm->trace_xlate;
	size_t cap;

	if (x && x->nr + more <= x->cap)
		return 0;
	cap = x ? x->cap * 2 : 8;
	while (cap < (x ? x->nr : 0) + more)
		cap *= 2;
	x = krealloc(x, sizeof(*x) + cap * sizeof(x->r[0]));
	if (!x)
		return -ENOMEM;
	if (!mm->trace_xlate)
		x->nr = 0;
	x->cap = cap;
	mm->trace_xlate = x;
	return 0;
}

/* Remove [ts, te) from every range (cutting the ones it overlaps). */
static void xlate_punch(struct trace_xlate *x, uint64_t ts, uint64_t te)
{
	size_t i = 0;

	while (i < x->nr) {
		struct trace_range *r = &x->r[i];

		if (r->tend <= ts || r->tstart >= te) {
			i++;
			continue;
		}
		if (r->tstart < ts && r->tend > te) {
			/* split: room was made by the caller */
			memmove(r + 2, r + 1, (x->nr - i - 1) * sizeof(*r));
			r[1] = (struct trace_range){ te, r->tend, r->mstart + (te - r->tstart) };
			r->tend = ts;
			x->nr++;
			return;
		}
		if (r->tstart < ts) {
			r->tend = ts;
			i++;
		} else if (r->tend > te) {
			r->mstart += te - r->tstart;
			r->tstart = te;
			i++;
		} else {
			memmove(r, r + 1, (x->nr - i - 1) * sizeof(*r));
			x->nr--;
		}
	}
}

int mm_trace_xlate_set(struct machine *m, int pid, uint64_t taddr, uint64_t len, uint64_t maddr)
{
	struct task *t;
	struct trace_xlate *x;
	uint64_t tend = taddr + len;
	size_t i;
	int err = 0;

	if (!len || tend < taddr)
		return -EINVAL;
	machine_lock(m);
	t = find_task_by_pid(m, pid);
	if (!t || !t->mm) {
		err = -ESRCH;
		goto out;
	}
	if (taddr == maddr && !t->mm->trace_xlate)
		goto out;	/* the same on both sides, nothing to undo */
	err = xlate_room(t->mm, 2);
	if (err)
		goto out;
	x = t->mm->trace_xlate;
	xlate_punch(x, taddr, tend);
	if (taddr == maddr)
		goto out;
	for (i = 0; i < x->nr && x->r[i].tstart < taddr; i++)
		;
	memmove(&x->r[i + 1], &x->r[i], (x->nr - i) * sizeof(x->r[0]));
	x->r[i] = (struct trace_range){ taddr, tend, maddr };
	x->nr++;
out:
	machine_unlock(m);
	return err;
}

uint64_t trace_xlate(const struct mm_struct *mm, uint64_t taddr)
{
	const struct trace_xlate *x = mm->trace_xlate;
	size_t lo = 0, hi = x ? x->nr : 0;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (x->r[mid].tend <= taddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (x && lo < x->nr && x->r[lo].tstart <= taddr)
		return x->r[lo].mstart + (taddr - x->r[lo].tstart);
	return taddr;
}

int mm_trace_xlate(struct machine *m, int pid, uint64_t *addr)
{
	struct task *t;
	int err = 0;

	machine_lock(m);
	t = find_task_by_pid(m, pid);
	if (!t || !t->mm)
		err = -ESRCH;
	else
		*addr = trace_xlate(t->mm, *addr);
	machine_unlock(m);
	return err;
}

int trace_xlate_dup(struct mm_struct *mm, const struct mm_struct *old)
{
	const struct trace_xlate *o = old->trace_xlate;

	if (!o || !o->nr)
		return 0;
	if (xlate_room(mm, o->nr))
		return -ENOMEM;
	memcpy(mm->trace_xlate->r, o->r, o->nr * sizeof(o->r[0]));
	mm->trace_xlate->nr = o->nr;
	return 0;
}

void trace_xlate_free(struct mm_struct *mm)
{
	kfree(mm->trace_xlate);
	mm->trace_xlate = NULL;
}

/* ---- the checker ---- */

int trace_check(struct machine *m, struct rbuf_lite *out)
{
	int bad = 0;

	for (int pid = 1; pid < m->pid_max; pid++) {
		const struct task *t = m->tasks[pid];
		const struct trace_xlate *x;

		if (!t)
			continue;
		for (int i = 0; t->trace && i < t->trace->nr; i++)
			for (int j = i + 1; j < t->trace->nr; j++)
				if (t->trace->b[i].tpid == t->trace->b[j].tpid) {
					rbl_printf(out, "trace: pid %d binds trace pid %d twice\n", pid,
						   t->trace->b[i].tpid);
					bad++;
				}
		x = t->mm ? t->mm->trace_xlate : NULL;
		for (size_t i = 0; x && i < x->nr; i++) {
			if (x->r[i].tstart >= x->r[i].tend ||
			    (i && x->r[i - 1].tend > x->r[i].tstart) ||
			    x->r[i].tstart == x->r[i].mstart) {
				rbl_printf(out, "trace: pid %d translation %zu [%#llx, %#llx) -> %#llx out of order or empty\n",
					   pid, i, (unsigned long long)x->r[i].tstart,
					   (unsigned long long)x->r[i].tend,
					   (unsigned long long)x->r[i].mstart);
				bad++;
			}
		}
	}
	return bad;
}
