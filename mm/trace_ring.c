// SPDX-License-Identifier: MIT
/*
 * trace_ring.c - the trace buffer and the switches of tracefs (kernel:
 * kernel/trace/ring_buffer.c, trace.c, trace_events.c).
 *
 * The ring is model state, in the arena: a replay of the journal fills
 * it with the same entries. It holds the entries [head, next) by sequence
 * number, entry seq in slot seq % cap; when full, a new entry overwrites
 * the oldest (Linux's overwrite mode, the default). Its capacity follows
 * buffer_size_kb (per CPU, as Linux's, rounded to its sub-buffers) at
 * TRACE_RECORD_BYTES a record, the size of a typical kmem record with its
 * header in Linux's buffer. Like
 * Linux, the buffer starts minimal ("7 (expanded: 1408)") and takes its
 * full size when the first event is enabled. A trace_pipe read consumes
 * entries from the head (mm_trace_write "trace_pipe").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "mm.h"
#include "task.h"
#include "trace.h"
#include "trace_internal.h"

#define TRACE_RECORD_BYTES	64
#define TRACE_SUBBUF_DATA	4080	/* BUF_PAGE_SIZE: a 4 KiB sub-buffer less its header */
#define TRACE_DEFAULT_KB	1408	/* Linux's default buffer_size_kb, expanded */
#define TRACE_MIN_KB		7	/* and before */
#define TRACE_MAX_KB		(1ULL << 20)

/*
 * The bytes a buffer of kb KiB per CPU really holds: whole sub-buffers of
 * 4080 data bytes (a page less its header), two at least, as
 * ring_buffer_resize rounds (buffer_size_kb then reads 7 for 1, 1410 for
 * 1408, 103 for 100, on the host).
 */
static uint64_t ring_bytes(uint64_t kb)
{
	uint64_t pages = (kb * 1024 + TRACE_SUBBUF_DATA - 1) / TRACE_SUBBUF_DATA;

	return (pages < 2 ? 2 : pages) * TRACE_SUBBUF_DATA;
}

static uint64_t ring_cap(const struct machine *m, uint64_t kb)
{
	return ring_bytes(kb) * (uint64_t)m->nr_cpus / TRACE_RECORD_BYTES;
}

int trace_ring_init(struct machine *m)
{
	m->trace = kzalloc(sizeof(*m->trace));
	if (!m->trace)
		return -ENOMEM;
	m->trace->tracing_on = 1;
	m->trace->buffer_kb = TRACE_DEFAULT_KB;
	m->trace_mask = 0;
	return 0;
}

void trace_ring_free(struct machine *m)
{
	if (!m->trace)
		return;
	kfree(m->trace->ring);
	kfree(m->trace);
	m->trace = NULL;
	m->trace_mask = 0;
}

/* What the hooks test: the enabled events, while tracing_on and the ring exists. */
static void trace_update_mask(struct machine *m)
{
	struct trace_state *t = m->trace;

	m->trace_mask = t->tracing_on && t->ring ? t->enabled : 0;
}

/* Give the ring room for kb per CPU, keeping the newest entries that fit. */
static int ring_resize(struct machine *m, uint64_t kb)
{
	struct trace_state *t = m->trace;
	uint64_t cap = ring_cap(m, kb), keep = t->next - t->head;
	struct trace_entry *ring = kcalloc(cap, sizeof(*ring));

	if (!ring)
		return -ENOMEM;
	if (keep > cap)
		keep = cap;
	for (uint64_t s = t->next - keep; s < t->next; s++)
		ring[s % cap] = t->ring[s % t->cap];
	kfree(t->ring);
	t->ring = ring;
	t->cap = cap;
	t->head = t->next - keep;
	t->next_slot = t->next % cap;
	t->buffer_kb = kb;
	t->expanded = 1;
	trace_update_mask(m);
	return 0;
}

static int trace_expand(struct machine *m)
{
	return m->trace->ring ? 0 : ring_resize(m, m->trace->buffer_kb);
}

void mm_set_trace_notify(struct machine *m, void (*fn)(void *arg), void *arg)
{
	machine_lock(m);
	m->trace_notify = fn;
	m->trace_notify_arg = arg;
	machine_unlock(m);
}

/* ---- recording ---- */

void trace_kthread_enter(struct machine *m, struct trace_kthread *save, const char *comm)
{
	save->comm = m->trace_comm;
	save->pid = m->trace_pid;
	m->trace_comm = comm;
	m->trace_pid = 0;
}

void trace_kthread_exit(struct machine *m, const struct trace_kthread *save)
{
	m->trace_comm = save->comm;
	m->trace_pid = save->pid;
}

/* Who runs: a kernel thread's name, the command's task, or nobody known. */
static void trace_who(struct machine *m, struct trace_entry *e)
{
	const struct task *cur = m->cur_task;

	if (m->trace_comm) {
		memset(e->comm, 0, sizeof(e->comm));
		strncpy(e->comm, m->trace_comm, sizeof(e->comm) - 1);
		e->pid = m->trace_pid;
	} else if (cur) {
		memcpy(e->comm, cur->comm, sizeof(e->comm));	/* NUL-terminated, 16 bytes */
		e->pid = cur->pid;
		e->cpu = (uint16_t)cur->cpu;
	} else {
		memcpy(e->comm, "<...>\0\0\0\0\0\0\0\0\0\0", sizeof(e->comm));
	}
}

/*
 * The slot for a new entry of event e: NULL when e's filter rejects the
 * values (tested first: a rejected event costs no slot), else the oldest
 * entry's slot when the ring is full, overwritten.
 */
static struct trace_entry *ring_reserve(struct machine *m, enum trace_event_id e)
{
	struct trace_state *t = m->trace;
	struct trace_entry *ent;

	if (t->next - t->head == t->cap)
		t->head++;
	ent = &t->ring[t->next_slot];	/* slot next % cap, kept so: no division per event */
	if (++t->next_slot == t->cap)
		t->next_slot = 0;
	/* every field a printer reads is set: no memset of the whole entry */
	ent->seq = t->next;
	ent->type = (uint16_t)e;
	ent->cpu = 0;
	ent->pid = 0;
	ent->str[0] = '\0';
	ent->site[0] = '\0';
	/* strictly increasing: events of one command share its clock reading */
	ent->ts_ns = m->sim_ns > t->last_ts ? m->sim_ns : t->last_ts + 1;
	trace_who(m, ent);
	return ent;
}

static void ring_commit(struct machine *m, struct trace_entry *ent)
{
	struct trace_state *t = m->trace;

	t->last_ts = ent->ts_ns;
	t->next++;
	t->written++;
	if (m->trace_notify)
		m->trace_notify(m->trace_notify_arg);
}

void trace_event_emit_full(struct machine *m, enum trace_event_id e, const uint64_t *f,
			   const char *str, const char *site)
{
	struct trace_state *t = m->trace;
	int nf = trace_events[e].nfields;
	struct trace_entry *ent;

	lockdep_assert_held(m);
	if (t->filter[e].n && !trace_filter_match(&t->filter[e], m, f, str))
		return;
	ent = ring_reserve(m, e);
	memcpy(ent->f, f, (size_t)nf * sizeof(*f));
	if (str) {
		strncpy(ent->str, str, sizeof(ent->str) - 1);
		ent->str[sizeof(ent->str) - 1] = '\0';
	}
	if (site) {
		strncpy(ent->site, site, sizeof(ent->site) - 1);
		ent->site[sizeof(ent->site) - 1] = '\0';
	}
	ring_commit(m, ent);
}

void trace_event_emit(struct machine *m, enum trace_event_id e, const uint64_t *f,
		      const char *str)
{
	trace_event_emit_full(m, e, f, str, NULL);
}

/* ---- reading ---- */

struct mm_trace_snap *mm_trace_snap(struct machine *m, uint64_t from, uint64_t max)
{
	struct mm_trace_snap *s;
	struct trace_state *t;
	uint64_t start, n;

	machine_lock(m);
	t = m->trace;
	start = from > t->head ? from : t->head;
	n = start < t->next ? t->next - start : 0;
	if (n > max)
		n = max;
	s = malloc(sizeof(*s) + n * sizeof(s->entry[0]));
	if (s) {
		s->tracing_on = t->tracing_on;
		s->expanded = t->expanded;
		s->buffer_size_kb = t->expanded ? ring_bytes(t->buffer_kb) >> 10 : t->buffer_kb;
		s->nr_cpus = m->nr_cpus;
		s->enabled = t->enabled;
		s->entries = t->next - t->head;
		s->written = t->written;
		s->first_seq = start;
		s->nr = n;
		for (uint64_t i = 0; i < n; i++)
			s->entry[i] = t->ring[(start + i) % t->cap];
	}
	machine_unlock(m);
	return s;
}

/* ---- the switches ---- */

static int parse_u64(const char *buf, size_t len, uint64_t *v)
{
	char tmp[32], *end;
	size_t n = len;

	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	if (!n || n >= sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, buf, n);
	tmp[n] = '\0';
	errno = 0;
	*v = strtoull(tmp, &end, 0);
	return errno || *end || tmp[0] == '-' ? -EINVAL : 0;
}

/* Set event e on or off; enabling the first event expands the ring. */
static int event_set(struct machine *m, int e, int on)
{
	struct trace_state *t = m->trace;

	if (on) {
		int err = trace_expand(m);

		if (err)
			return err;
		t->enabled |= 1ULL << e;
	} else {
		t->enabled &= ~(1ULL << e);
	}
	trace_update_mask(m);
	return 0;
}

/* Events that system sys (NULL: any) and name (NULL: any) select. */
static uint64_t events_matching(const char *sys, size_t syslen, const char *name, size_t namelen)
{
	uint64_t mask = 0;

	for (int e = 0; e < TE_NR; e++) {
		const struct trace_event_def *d = &trace_events[e];

		if (sys && (strlen(d->system) != syslen || memcmp(d->system, sys, syslen)))
			continue;
		if (name && (strlen(d->name) != namelen || memcmp(d->name, name, namelen)))
			continue;
		mask |= 1ULL << e;
	}
	return mask;
}

static int events_set(struct machine *m, uint64_t mask, int on)
{
	for (int e = 0; e < TE_NR; e++)
		if (mask >> e & 1) {
			int err = event_set(m, e, on);

			if (err)
				return err;
		}
	return 0;
}

/*
 * set_event: words "SYS:EVENT", "SYS:*", "*:EVENT", "EVENT", "SYS" (all
 * its events), "*" or "*:*" (all); a leading '!' disables. A word naming
 * nothing is EINVAL, as ftrace_set_clr_event answers.
 */
static int set_event_write(struct machine *m, const char *buf, size_t len)
{
	size_t i = 0;

	while (i < len) {
		const char *w, *colon, *sys = NULL, *name = NULL;
		size_t wl, sl = 0, nl = 0;
		int on = 1;
		uint64_t mask;

		while (i < len && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\t'))
			i++;
		if (i == len)
			break;
		w = buf + i;
		while (i < len && buf[i] != ' ' && buf[i] != '\n' && buf[i] != '\t')
			i++;
		wl = (size_t)(buf + i - w);
		if (*w == '!') {
			on = 0;
			w++;
			wl--;
		}
		colon = memchr(w, ':', wl);
		if (colon) {
			sys = w;
			sl = (size_t)(colon - w);
			name = colon + 1;
			nl = wl - sl - 1;
		} else {
			name = w;
			nl = wl;
		}
		if (sys && sl == 1 && *sys == '*')
			sys = NULL;
		if (nl == 1 && *name == '*')
			name = NULL;
		mask = events_matching(sys, sl, name, nl);
		if (!colon && name && !mask)	/* a bare word may be a system */
			mask = events_matching(name, nl, NULL, 0);
		if (!mask)
			return -EINVAL;
		int err = events_set(m, mask, on);

		if (err)
			return err;
	}
	return 0;
}

/*
 * "events/SYS/EVENT/FILE", "events/SYS/FILE", "events/FILE": the events
 * it covers, its level (2, 1, 0) and its system's index (-1 at level 0).
 */
static int events_path(const char *path, uint64_t *mask, const char **file, int *level, int *sys)
{
	const char *p = path + strlen("events/"), *s1 = strchr(p, '/'), *s2;

	*sys = -1;
	if (!s1) {
		*mask = (1ULL << TE_NR) - 1;
		*file = p;
		*level = 0;
		return 0;
	}
	s2 = strchr(s1 + 1, '/');
	*sys = trace_system_index(p, (size_t)(s1 - p));
	if (!s2) {
		*mask = events_matching(p, (size_t)(s1 - p), NULL, 0);
		*file = s1 + 1;
		*level = 1;
	} else {
		*mask = events_matching(p, (size_t)(s1 - p), s1 + 1, (size_t)(s2 - s1 - 1));
		*file = s2 + 1;
		*level = 2;
	}
	return *mask ? 0 : -ENOENT;
}

static int trace_write_locked(struct machine *m, const char *path, const char *buf, size_t len,
			      int trunc)
{
	struct trace_state *t = m->trace;
	uint64_t v, mask;
	const char *file;
	int err, level, sys;

	if (!strcmp(path, "trace")) {
		if (trunc) {	/* open(O_TRUNC) clears, as tracing_open resets the buffer */
			t->head = t->next;
			t->written = 0;
		}
		return 0;	/* what is written is ignored (tracing_write_stub) */
	}
	if (!strcmp(path, "set_event")) {
		if (trunc)
			return events_set(m, (1ULL << TE_NR) - 1, 0);
		return set_event_write(m, buf, len);
	}
	if (trunc)
		return 0;
	if (!strcmp(path, "tracing_on")) {
		if ((err = parse_u64(buf, len, &v)))
			return err;
		t->tracing_on = v != 0;
		trace_update_mask(m);
		return 0;
	}
	if (!strcmp(path, "buffer_size_kb")) {
		if ((err = parse_u64(buf, len, &v)))
			return err;
		if (!v || v > TRACE_MAX_KB)
			return -EINVAL;
		return ring_resize(m, v);
	}
	if (!strcmp(path, "trace_pipe")) {	/* consumed: the entries before seq v */
		if ((err = parse_u64(buf, len, &v)))
			return err;
		if (v > t->next)
			return -EINVAL;
		if (v > t->head)
			t->head = v;
		return 0;
	}
	if (strncmp(path, "events/", 7))
		return -ENOENT;
	if ((err = events_path(path, &mask, &file, &level, &sys)))
		return err;
	if (!strcmp(file, "enable")) {
		if ((err = parse_u64(buf, len, &v)))
			return err;
		if (v > 1)
			return -EINVAL;
		return events_set(m, mask, (int)v);
	}
	if (!strcmp(file, "filter") && level)
		return trace_filter_set(m, mask, level == 1 ? sys : -1, buf, len);
	return -EACCES;
}

int mm_trace_write(struct machine *m, const char *path, const char *buf, size_t len, int trunc)
{
	int err;

	machine_lock(m);
	err = trace_write_locked(m, path, buf, len, trunc);
	machine_unlock(m);
	return err;
}

/* ---- the checker ---- */

int trace_ring_check(struct machine *m, struct rbuf_lite *out)
{
	struct trace_state *t = m->trace;
	uint64_t want = t->tracing_on && t->ring ? t->enabled : 0;
	int bad = 0;

	if (m->trace_mask != want) {
		rbl_printf(out, "trace: event mask %#llx but enabled %#llx with tracing_on %d\n",
			   (unsigned long long)m->trace_mask, (unsigned long long)t->enabled,
			   t->tracing_on);
		bad++;
	}
	if (m->trace_alloc_tries) {
		rbl_printf(out, "trace: %d allocation tries still open between commands\n",
			   m->trace_alloc_tries);
		bad++;
	}
	if (t->enabled >> TE_NR) {
		rbl_printf(out, "trace: enabled %#llx names no event\n", (unsigned long long)t->enabled);
		bad++;
	}
	if (t->head > t->next || (t->ring && t->next - t->head > t->cap) ||
	    (!t->ring && t->next != t->head)) {
		rbl_printf(out, "trace: ring holds [%llu, %llu) with room for %llu\n",
			   (unsigned long long)t->head, (unsigned long long)t->next,
			   (unsigned long long)t->cap);
		return bad + 1;
	}
	if (t->ring && t->next_slot != t->next % t->cap) {
		rbl_printf(out, "trace: next slot %llu for seq %llu in %llu slots\n",
			   (unsigned long long)t->next_slot, (unsigned long long)t->next,
			   (unsigned long long)t->cap);
		bad++;
	}
	if (t->ring && t->cap != ring_cap(m, t->buffer_kb)) {
		rbl_printf(out, "trace: ring of %llu entries for buffer_size_kb %llu\n",
			   (unsigned long long)t->cap, (unsigned long long)t->buffer_kb);
		bad++;
	}
	if (t->next - t->head > t->written) {
		rbl_printf(out, "trace: %llu entries but %llu written\n",
			   (unsigned long long)(t->next - t->head), (unsigned long long)t->written);
		bad++;
	}
	for (uint64_t s = t->head, prev = 0; s < t->next; s++) {
		const struct trace_entry *e = &t->ring[s % t->cap];

		if (e->seq != s || e->type >= TE_NR || (s > t->head && e->ts_ns <= prev) ||
		    e->ts_ns > t->last_ts) {
			rbl_printf(out, "trace: entry %llu is seq %llu type %u at %llu ns\n",
				   (unsigned long long)s, (unsigned long long)e->seq, e->type,
				   (unsigned long long)e->ts_ns);
			return bad + 1;
		}
		prev = e->ts_ns;
	}
	return bad + trace_filter_check(m, out);
}
