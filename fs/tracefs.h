/* SPDX-License-Identifier: MIT */
/*
 * tracefs.h - tracefs, as sys/kernel/tracing/ and sys/kernel/debug/tracing/
 * (kernel: kernel/trace/). The model keeps the ring and the switches
 * (mm/trace_ring.c); this side lays out the files, renders them from
 * mm_trace_snap, sends writes through cmd_run (so they are journaled)
 * and serves trace_pipe: a read that waits for events, and poll.
 */
#ifndef FS_TRACEFS_H
#define FS_TRACEFS_H

#include <stddef.h>
#include <stdint.h>

#include "../mm/trace_snap.h"
#include "render.h"

struct machine;

/* An event's format file: the field lines and the print fmt (trace_format.c). */
struct trace_format {
	const char *fields;	/* the lines after "format:", common fields included */
	const char *print_fmt;	/* after "print fmt: "; \001 = trace_gfp_table */
};
extern const struct trace_format trace_formats[TE_NR];
extern const char trace_gfp_table[];

/* ---- trace_output.c: pure renderers ---- */

/* One line of trace / trace_pipe, newline included (kernel: print_trace_line). */
void trace_print_line(struct rbuf *b, const struct trace_entry *e);
/* The event's own part, after "name: " (its TP_printk). */
void trace_print_fields(struct rbuf *b, const struct trace_entry *e);
/* __print_flags of a Linux gfp mask, "none" for 0. */
void trace_print_gfp(struct rbuf *b, unsigned long gfp);
/* The trace file's header (print_trace_header for the nop tracer). */
void trace_print_header(struct rbuf *b, const struct mm_trace_snap *s);
/* events/SYS/EVENT/format */
void trace_print_format(struct rbuf *b, enum trace_event_id e);

/* ---- tracefs.c: the tree and the files ---- */

/* What a tracefs node is (tree.c's .arg = kind | event or system << 8). */
enum tracefs_kind {
	TFS_DIR,		/* a directory: tracing/, events/, events/SYS/, events/SYS/EVENT/ */
	TFS_TRACING_ON,
	TFS_TRACE,
	TFS_TRACE_PIPE,
	TFS_BUFFER_SIZE_KB,
	TFS_BUFFER_TOTAL_SIZE_KB,
	TFS_SET_EVENT,
	TFS_AVAILABLE_EVENTS,
	TFS_AVAILABLE_TRACERS,
	TFS_CURRENT_TRACER,
	TFS_TRACE_CLOCK,
	TFS_ENABLE_ALL,		/* events/enable */
	TFS_HEADER_PAGE,	/* events/header_page */
	TFS_HEADER_EVENT,	/* events/header_event */
	TFS_SYS_ENABLE,		/* events/SYS/enable; arg >> 8 = the system's first event */
	TFS_SYS_FILTER,
	TFS_EV_ENABLE,		/* events/SYS/EVENT/...; arg >> 8 = the event */
	TFS_EV_FILTER,
	TFS_EV_FORMAT,
	TFS_EV_ID,
	TFS_EV_TRIGGER,
};

#define TFS_KIND(arg)	((arg) & 0xff)
#define TFS_WHICH(arg)	((arg) >> 8)

/* The path of a node's file below the tracing directory ("events/kmem/enable"). */
void tracefs_path(int arg, char *buf, size_t size);
/* Render a tracefs file; 0 or -errno. */
int tracefs_render(struct machine *m, int arg, struct rbuf *out);
/* Write one (through cmd_run: journaled); 0 or -errno. */
int tracefs_write(struct machine *m, int arg, const char *buf, size_t len);
/* An open with O_TRUNC (clears trace, empties set_event); 0 or -errno. */
int tracefs_truncate(struct machine *m, int arg);
/* Whether a write to it means something (the mode says who may). */
int tracefs_writable(int arg);

/*
 * trace_pipe. A reader waits until an entry arrives, *interrupted is set
 * (then tracefs_pipe_wake) or the daemon stops; it then hands the whole
 * lines that fit in size (at least one) to reply, and when reply returns
 * 0 (delivered) consumes them (a CT_TRACE command). Returns 0, -EAGAIN
 * for a nonblocking read with nothing to read, -EINTR when interrupted.
 */
int tracefs_pipe_read(struct machine *m, size_t size, int nonblock, const int *interrupted,
		      int (*reply)(void *arg, const char *buf, size_t len), void *arg);
/* Wake every waiting reader (to see its interrupted flag, or at unmount). */
void tracefs_pipe_wake(void);
/* Start listening for the model's new entries; stop (wakes the readers for good). */
void tracefs_start(struct machine *m);
void tracefs_stop(void);
/* Whether trace_pipe has an entry to read (poll's POLLIN). */
int tracefs_pipe_ready(struct machine *m);
/*
 * poll: register fn(arg) to be called once when an entry arrives; it
 * replaces an earlier registration with the same arg. tracefs_poll_drop
 * forgets it.
 */
void tracefs_poll_arm(void (*fn)(void *arg), void *arg);
void tracefs_poll_drop(void *arg);

/* Rows: the tracing directory's tree under parent (tree.c's node_add via cb). */
typedef int (*tracefs_add_fn)(const char *name, int parent, unsigned mode, int arg);
void tracefs_add_rows(int parent, tracefs_add_fn add);
/* How many rows tracefs_add_rows adds. */
size_t tracefs_nr_rows(void);

#endif
