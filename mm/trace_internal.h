/* SPDX-License-Identifier: MIT */
/*
 * trace_internal.h - the state behind tracefs (trace_ring.c) and the
 * event filters (trace_filter.c). Everything here lives in the arena and
 * is protected by m->lock.
 */
#ifndef MM_TRACE_INTERNAL_H
#define MM_TRACE_INTERNAL_H

#include <stdint.h>

#include "internal.h"
#include "trace_snap.h"

#define TRACE_NR_SYSTEMS	6	/* exceptions filemap oom vmscan kmem compaction */
#define TRACE_MAX_PREDS		8
#define TRACE_FILTER_LEN	256

enum trace_op { TOP_EQ, TOP_NE, TOP_LT, TOP_LE, TOP_GT, TOP_GE, TOP_AND };

/* One comparison of a filter: FIELD OP VALUE. */
struct trace_pred {
	int field;			/* index into the event's fields; -1 common_pid, -2 common_cpu */
	enum trace_op op;
	uint64_t val;			/* a number (sign-extended for signed fields) */
	char sval[TRACE_STR_LEN];	/* a string field's value */
	int or_next;			/* joined to the next one with || (else &&) */
};

/*
 * An event's filter (kernel: struct event_filter): && binds tighter than
 * ||, no parentheses. text is what reading the filter file shows: the
 * expression, or the rejected one with the error, or "" for none.
 */
struct trace_filter {
	int n;				/* predicates; 0 = every event passes */
	struct trace_pred p[TRACE_MAX_PREDS];
	char text[TRACE_FILTER_LEN];
};

struct trace_state {
	int tracing_on;			/* tracing_on */
	int expanded;			/* the ring has been given its size */
	uint64_t buffer_kb;		/* buffer_size_kb, per CPU */
	uint64_t enabled;		/* bit e: event e's enable is 1 */
	struct trace_entry *ring;	/* cap slots, NULL until expanded */
	uint64_t cap;
	uint64_t head, next;		/* the entries held: seq [head, next) */
	uint64_t next_slot;		/* next % cap: where entry next goes */
	uint64_t written;		/* entries recorded since the last clear */
	uint64_t last_ts;		/* the newest entry's ts_ns */
	struct trace_filter filter[TE_NR];
	char sys_filter[TRACE_NR_SYSTEMS][TRACE_FILTER_LEN];	/* events/SYS/filter as written */
};

void trace_event_emit_full(struct machine *m, enum trace_event_id e, const uint64_t *f,
			   const char *str, const char *site);

/* trace_filter.c */
int trace_system_index(const char *sys, size_t len);
int trace_filter_match(const struct trace_filter *flt, const struct machine *m,
		       const uint64_t *f, const char *str);
/*
 * Write a filter to the events of mask: sys >= 0 for events/SYS/filter
 * (its text is kept there too; the events without its fields get no
 * filter, -EINVAL only when none takes it), -1 for one event's. "0"
 * clears. -EINVAL when it does not parse; the event's filter file then
 * shows why.
 */
int trace_filter_set(struct machine *m, uint64_t mask, int sys, const char *buf, size_t len);
int trace_filter_check(struct machine *m, struct rbuf_lite *out);

#endif
