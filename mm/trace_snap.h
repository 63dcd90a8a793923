/* SPDX-License-Identifier: MIT */
/*
 * trace_snap.h - the trace events as plain data, for fs/ to render tracefs
 * (kernel: include/trace/events/ and kernel/trace/).
 *
 * The model records an event as one struct trace_entry in its ring
 * (trace_ring.c): who (the simulated task's pid, command and CPU), when
 * (the simulated clock), which event, and the event's values in the order
 * of its format file. fs/ turns an entry into ftrace's line; the model
 * formats nothing. The events' names, ids and fields are one table,
 * trace_events[], generated from a Linux 6.18 host's format files.
 */
#ifndef MM_TRACE_SNAP_H
#define MM_TRACE_SNAP_H

#include <stdint.h>

#include "trace_event_ids.h"

#define TRACE_MAX_FIELDS	13	/* mm_vmscan_lru_shrink_inactive has 13 */
#define TRACE_STR_LEN		32	/* a string field (a cache's name, a comm) */
#define TRACE_COMM_LEN		16

struct trace_event_def {
	const char *system;		/* events/<system>/ */
	const char *name;		/* events/<system>/<name>/ */
	int id;				/* the format's ID: Linux 6.18's on the host */
	int nfields;			/* fields after the common ones */
	unsigned signed_mask;		/* bit i: field i is signed */
	int str_field;			/* the one string field, or -1 */
	const char *fields[TRACE_MAX_FIELDS];
};

extern const struct trace_event_def trace_events[TE_NR];

/* One recorded event. */
struct trace_entry {
	uint64_t seq;			/* 0, 1, 2 ... since boot: never reused */
	uint64_t ts_ns;			/* simulated clock, strictly increasing */
	int32_t pid;			/* the task it ran for (0: a kernel thread) */
	uint16_t type;			/* enum trace_event_id */
	uint16_t cpu;
	char comm[TRACE_COMM_LEN];	/* NUL-terminated */
	uint64_t f[TRACE_MAX_FIELDS];	/* the fields, format order; signed ones sign-extended */
	char str[TRACE_STR_LEN];	/* the string field's text, NUL-terminated */
	char site[TRACE_STR_LEN];	/* kmem events: the call site's function name */
};

/* What tracefs shows, copied under the model's lock (mm_trace_snap). */
struct mm_trace_snap {
	int tracing_on;
	int expanded;			/* the ring has its full size (first event enabled) */
	uint64_t buffer_size_kb;	/* per CPU: as written until expanded, then as rounded */
	int nr_cpus;
	uint64_t enabled;		/* bit e: event e is enabled */
	uint64_t entries, written;	/* in the buffer / written since the last clear */
	uint64_t first_seq;		/* seq of entry[0] */
	uint64_t nr;			/* entries copied (at most what was asked) */
	struct trace_entry entry[];
};

#endif
