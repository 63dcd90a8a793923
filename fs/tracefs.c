// SPDX-License-Identifier: MIT
/*
 * tracefs.c - the tracing directory (kernel: kernel/trace/trace.c,
 * trace_events.c): its files, their contents, their writes, and the
 * waiting of trace_pipe.
 *
 * Every write goes through cmd_run as a CT_TRACE command, so the journal
 * replays it, and so does the consumption of a trace_pipe read: a replay
 * then holds the same ring. Reads render from mm_trace_snap.
 *
 * trace_pipe: the model calls tracefs_notify (under its lock) after each
 * entry it records. That bumps a counter and wakes the waiting readers
 * and the poll thread, nothing more: the thread sends the poll
 * notifications, outside any request handler and without the model's
 * lock, as libfuse asks. A read takes pipe_read_lock from its snapshot to
 * its consumption, so two readers never hand out the same lines.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cmd.h"
#include "tracefs.h"
#include "../mm/mm.h"

/* ---- the tree ---- */

#define NR_SYSTEMS	6

/* First event of each system, in table order (the table groups them). */
static int system_first[NR_SYSTEMS], nr_systems;

static void find_systems(void)
{
	nr_systems = 0;
	for (int e = 0; e < TE_NR && nr_systems < NR_SYSTEMS; e++)	/* tracefs_nr_rows counts 6 */
		if (!e || strcmp(trace_events[e].system, trace_events[e - 1].system))
			system_first[nr_systems++] = e;
}

static int system_end(int first)
{
	int e = first;

	while (e < TE_NR && !strcmp(trace_events[e].system, trace_events[first].system))
		e++;
	return e;
}

static const struct { const char *name; unsigned mode; int kind; } top_files[] = {
	{ "available_events", 0440, TFS_AVAILABLE_EVENTS },
	{ "available_tracers", 0440, TFS_AVAILABLE_TRACERS },
	{ "buffer_size_kb", 0640, TFS_BUFFER_SIZE_KB },
	{ "buffer_total_size_kb", 0440, TFS_BUFFER_TOTAL_SIZE_KB },
	{ "current_tracer", 0640, TFS_CURRENT_TRACER },
	{ "set_event", 0640, TFS_SET_EVENT },
	{ "trace", 0640, TFS_TRACE },
	{ "trace_clock", 0640, TFS_TRACE_CLOCK },
	{ "trace_pipe", 0440, TFS_TRACE_PIPE },
	{ "tracing_on", 0640, TFS_TRACING_ON },
};
#define NR_TOP	(sizeof(top_files) / sizeof(top_files[0]))

static const struct { const char *name; unsigned mode; int kind; } ev_files[] = {
	{ "enable", 0640, TFS_EV_ENABLE }, { "filter", 0640, TFS_EV_FILTER },
	{ "format", 0440, TFS_EV_FORMAT }, { "id", 0440, TFS_EV_ID },
	{ "trigger", 0640, TFS_EV_TRIGGER },
};
#define NR_EV_FILES	(sizeof(ev_files) / sizeof(ev_files[0]))

size_t tracefs_nr_rows(void)
{
	/* tracing/ + its files + events/ with enable, header_page, header_event
	 * + per system a directory, enable, filter + per event a directory and its files */
	return 1 + NR_TOP + 4 + 3 * NR_SYSTEMS + (1 + NR_EV_FILES) * TE_NR;
}

void tracefs_add_rows(int parent, tracefs_add_fn add)
{
	int dir, events;

	find_systems();
	dir = add("tracing", parent, S_IFDIR | 0700, TFS_DIR);
	for (size_t i = 0; i < NR_TOP; i++)
		add(top_files[i].name, dir, S_IFREG | top_files[i].mode, top_files[i].kind);
	events = add("events", dir, S_IFDIR | 0755, TFS_DIR);
	add("enable", events, S_IFREG | 0640, TFS_ENABLE_ALL);
	add("header_event", events, S_IFREG | 0440, TFS_HEADER_EVENT);
	add("header_page", events, S_IFREG | 0440, TFS_HEADER_PAGE);
	for (int s = 0; s < nr_systems; s++) {
		int first = system_first[s], sdir;

		sdir = add(trace_events[first].system, events, S_IFDIR | 0755, TFS_DIR);
		add("enable", sdir, S_IFREG | 0640, TFS_SYS_ENABLE | first << 8);
		add("filter", sdir, S_IFREG | 0640, TFS_SYS_FILTER | first << 8);
		for (int e = first; e < system_end(first); e++) {
			int edir = add(trace_events[e].name, sdir, S_IFDIR | 0755, TFS_DIR);

			for (size_t f = 0; f < NR_EV_FILES; f++)
				add(ev_files[f].name, edir, S_IFREG | ev_files[f].mode,
				    ev_files[f].kind | e << 8);
		}
	}
}

void tracefs_path(int arg, char *buf, size_t size)
{
	int w = TFS_WHICH(arg);

	switch (TFS_KIND(arg)) {
	case TFS_TRACING_ON: snprintf(buf, size, "tracing_on"); break;
	case TFS_TRACE: snprintf(buf, size, "trace"); break;
	case TFS_TRACE_PIPE: snprintf(buf, size, "trace_pipe"); break;
	case TFS_BUFFER_SIZE_KB: snprintf(buf, size, "buffer_size_kb"); break;
	case TFS_SET_EVENT: snprintf(buf, size, "set_event"); break;
	case TFS_ENABLE_ALL: snprintf(buf, size, "events/enable"); break;
	case TFS_SYS_ENABLE: snprintf(buf, size, "events/%s/enable", trace_events[w].system); break;
	case TFS_SYS_FILTER: snprintf(buf, size, "events/%s/filter", trace_events[w].system); break;
	case TFS_EV_ENABLE:
	case TFS_EV_FILTER:
		snprintf(buf, size, "events/%s/%s/%s", trace_events[w].system, trace_events[w].name,
			 TFS_KIND(arg) == TFS_EV_ENABLE ? "enable" : "filter");
		break;
	default:
		snprintf(buf, size, "%s", "");
		break;
	}
}

int tracefs_writable(int arg)
{
	switch (TFS_KIND(arg)) {
	case TFS_TRACING_ON: case TFS_TRACE: case TFS_BUFFER_SIZE_KB: case TFS_SET_EVENT:
	case TFS_ENABLE_ALL: case TFS_SYS_ENABLE: case TFS_SYS_FILTER: case TFS_EV_ENABLE:
	case TFS_EV_FILTER: case TFS_CURRENT_TRACER: case TFS_TRACE_CLOCK: case TFS_EV_TRIGGER:
		return 1;
	default:
		return 0;
	}
}

/* ---- reading ---- */

/* "0", "1", or "X" for a mix (event_enable_read / system_enable_read) */
static void print_enable(struct rbuf *b, uint64_t enabled, int from, int to)
{
	int on = 0, off = 0;

	for (int e = from; e < to; e++)
		*(enabled >> e & 1 ? &on : &off) += 1;
	rbuf_puts(b, on && off ? "X\n" : on ? "1\n" : "0\n");
}

static int render_trace(struct machine *m, struct rbuf *out)
{
	struct mm_trace_snap *s = mm_trace_snap(m, 0, UINT64_MAX);

	if (!s)
		return -ENOMEM;
	trace_print_header(out, s);
	for (uint64_t i = 0; i < s->nr; i++)
		trace_print_line(out, &s->entry[i]);
	free(s);
	return 0;
}

int tracefs_render(struct machine *m, int arg, struct rbuf *out)
{
	int w = TFS_WHICH(arg), kind = TFS_KIND(arg);
	struct mm_trace_snap *s;
	char path[128], buf[512];
	int err;

	switch (kind) {
	case TFS_TRACE:
		return render_trace(m, out);
	case TFS_AVAILABLE_EVENTS:
		for (int e = 0; e < TE_NR; e++)
			rbuf_printf(out, "%s:%s\n", trace_events[e].system, trace_events[e].name);
		return 0;
	case TFS_AVAILABLE_TRACERS:
		rbuf_puts(out, "nop\n");
		return 0;
	case TFS_CURRENT_TRACER:
		rbuf_puts(out, "nop\n");
		return 0;
	case TFS_TRACE_CLOCK:
		rbuf_puts(out, "[local] global counter uptime perf mono mono_raw boot tai x86-tsc\n");
		return 0;
	case TFS_HEADER_PAGE:
		rbuf_puts(out, "\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n"
			  "\tfield: local_t commit;\toffset:8;\tsize:8;\tsigned:1;\n"
			  "\tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;\n"
			  "\tfield: char data;\toffset:16;\tsize:4080;\tsigned:0;\n");
		return 0;
	case TFS_HEADER_EVENT:
		rbuf_puts(out, "# compressed entry header\n\ttype_len    :    5 bits\n"
			  "\ttime_delta  :   27 bits\n\tarray       :   32 bits\n\n"
			  "\tpadding     : type == 29\n\ttime_extend : type == 30\n"
			  "\ttime_stamp : type == 31\n\tdata max type_len  == 28\n");
		return 0;
	case TFS_EV_FORMAT:
		trace_print_format(out, (enum trace_event_id)w);
		return 0;
	case TFS_EV_ID:
		rbuf_printf(out, "%d\n", trace_events[w].id);
		return 0;
	case TFS_EV_TRIGGER:
		rbuf_puts(out, "# Available triggers:\n"
			  "# traceon traceoff stacktrace enable_event disable_event\n");
		return 0;
	case TFS_SYS_FILTER:
	case TFS_EV_FILTER:
		tracefs_path(arg, path, sizeof(path));
		err = mm_trace_filter_text(m, path, buf, sizeof(buf));
		if (!err)
			rbuf_puts(out, buf);
		return err;
	default:
		break;
	}
	s = mm_trace_snap(m, UINT64_MAX, 0);
	if (!s)
		return -ENOMEM;
	switch (kind) {
	case TFS_TRACING_ON:
		rbuf_printf(out, "%d\n", s->tracing_on);
		break;
	case TFS_BUFFER_SIZE_KB:
		if (s->expanded)
			rbuf_printf(out, "%llu\n", (unsigned long long)s->buffer_size_kb);
		else
			rbuf_printf(out, "7 (expanded: %llu)\n", (unsigned long long)s->buffer_size_kb);
		break;
	case TFS_BUFFER_TOTAL_SIZE_KB:
		if (s->expanded)
			rbuf_printf(out, "%llu\n", (unsigned long long)s->buffer_size_kb *
				    (unsigned)s->nr_cpus);
		else
			rbuf_printf(out, "%d (expanded: %llu)\n", 7 * s->nr_cpus,
				    (unsigned long long)s->buffer_size_kb * (unsigned)s->nr_cpus);
		break;
	case TFS_SET_EVENT:	/* in the order of available_events */
		for (int e = 0; e < TE_NR; e++)
			if (s->enabled >> e & 1)
				rbuf_printf(out, "%s:%s\n", trace_events[e].system, trace_events[e].name);
		break;
	case TFS_ENABLE_ALL:
		print_enable(out, s->enabled, 0, TE_NR);
		break;
	case TFS_SYS_ENABLE:
		print_enable(out, s->enabled, w, system_end(w));
		break;
	case TFS_EV_ENABLE:
		print_enable(out, s->enabled, w, w + 1);
		break;
	default:
		break;
	}
	free(s);
	return 0;
}

/* ---- writing ---- */

static long trace_cmd(struct machine *m, const char *path, const char *buf, size_t len, int trunc)
{
	struct cmd c = { .type = CT_TRACE, .path = path, .data = buf, .len = len,
			 .arg = (uint64_t)trunc };

	return cmd_run(m, &c, NULL, NULL);
}

int tracefs_write(struct machine *m, int arg, const char *buf, size_t len)
{
	char path[128];

	switch (TFS_KIND(arg)) {
	case TFS_CURRENT_TRACER:	/* nop is the one tracer */
		return len >= 3 && !memcmp(buf, "nop", 3) && (len == 3 || buf[3] == '\n') ? 0 : -EINVAL;
	case TFS_TRACE_CLOCK:
		return len >= 5 && !memcmp(buf, "local", 5) && (len == 5 || buf[5] == '\n') ? 0 : -EINVAL;
	case TFS_EV_TRIGGER:
		return -EINVAL;	/* no triggers */
	default:
		break;
	}
	tracefs_path(arg, path, sizeof(path));
	if (!path[0])
		return -EACCES;
	return (int)trace_cmd(m, path, buf, len, 0);
}

int tracefs_truncate(struct machine *m, int arg)
{
	char path[128];

	if (TFS_KIND(arg) != TFS_TRACE && TFS_KIND(arg) != TFS_SET_EVENT)
		return 0;
	tracefs_path(arg, path, sizeof(path));
	return (int)trace_cmd(m, path, NULL, 0, 1);
}

/* ---- trace_pipe ---- */

static pthread_mutex_t pipe_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pipe_cond = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t pipe_read_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_uint_fast64_t pipe_events;	/* entries recorded since start */
static atomic_int pipe_listeners;		/* readers waiting, poll armed */
static int pipe_stopping;
static pthread_t poll_thread;
static int poll_thread_running;

#define MAX_POLLERS 64
static struct { void (*fn)(void *); void *arg; } pollers[MAX_POLLERS];
static int nr_pollers;

/* The model's hook: m->lock held, never blocks long. */
static void tracefs_notify(void *arg)
{
	(void)arg;
	atomic_fetch_add(&pipe_events, 1);
	if (!atomic_load(&pipe_listeners))
		return;
	pthread_mutex_lock(&pipe_lock);
	pthread_cond_broadcast(&pipe_cond);
	pthread_mutex_unlock(&pipe_lock);
}

/* Sends the poll wakeups the model's entries call for. */
static void *poll_main(void *unused)
{
	uint64_t seen = atomic_load(&pipe_events);

	(void)unused;
	pthread_mutex_lock(&pipe_lock);
	while (!pipe_stopping) {
		struct timespec ts;

		if (nr_pollers && atomic_load(&pipe_events) != seen) {
			int n = nr_pollers;
			typeof(pollers[0]) fire[MAX_POLLERS];

			memcpy(fire, pollers, sizeof(fire[0]) * (size_t)n);
			nr_pollers = 0;
			atomic_fetch_sub(&pipe_listeners, n);
			seen = atomic_load(&pipe_events);
			pthread_mutex_unlock(&pipe_lock);
			for (int i = 0; i < n; i++)
				fire[i].fn(fire[i].arg);
			pthread_mutex_lock(&pipe_lock);
			continue;
		}
		if (!nr_pollers)
			seen = atomic_load(&pipe_events);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&pipe_cond, &pipe_lock, &ts);
	}
	pthread_mutex_unlock(&pipe_lock);
	return NULL;
}

void tracefs_start(struct machine *m)
{
	pipe_stopping = 0;
	mm_set_trace_notify(m, tracefs_notify, NULL);
	poll_thread_running = !pthread_create(&poll_thread, NULL, poll_main, NULL);
}

void tracefs_stop(void)
{
	pthread_mutex_lock(&pipe_lock);
	pipe_stopping = 1;
	pthread_cond_broadcast(&pipe_cond);
	pthread_mutex_unlock(&pipe_lock);
	if (poll_thread_running)
		pthread_join(poll_thread, NULL);
	poll_thread_running = 0;
}

void tracefs_pipe_wake(void)
{
	pthread_mutex_lock(&pipe_lock);
	pthread_cond_broadcast(&pipe_cond);
	pthread_mutex_unlock(&pipe_lock);
}

void tracefs_poll_arm(void (*fn)(void *arg), void *arg)
{
	pthread_mutex_lock(&pipe_lock);
	for (int i = 0; i < nr_pollers; i++)
		if (pollers[i].arg == arg) {
			pollers[i].fn = fn;
			pthread_mutex_unlock(&pipe_lock);
			return;
		}
	if (nr_pollers < MAX_POLLERS) {
		pollers[nr_pollers].fn = fn;
		pollers[nr_pollers++].arg = arg;
		atomic_fetch_add(&pipe_listeners, 1);
	}
	pthread_mutex_unlock(&pipe_lock);
}

void tracefs_poll_drop(void *arg)
{
	pthread_mutex_lock(&pipe_lock);
	for (int i = 0; i < nr_pollers; i++)
		if (pollers[i].arg == arg) {
			pollers[i] = pollers[--nr_pollers];
			atomic_fetch_sub(&pipe_listeners, 1);
			break;
		}
	pthread_mutex_unlock(&pipe_lock);
}

int tracefs_pipe_ready(struct machine *m)
{
	struct mm_trace_snap *s = mm_trace_snap(m, 0, 0);
	int ready = s && s->entries;

	free(s);
	return ready;
}

/* Wait until the ring holds an entry: 0, -EAGAIN, -EINTR. */
static int pipe_wait(struct machine *m, int nonblock, const int *interrupted)
{
	int err = 0;

	atomic_fetch_add(&pipe_listeners, 1);
	pthread_mutex_lock(&pipe_lock);
	for (;;) {
		uint64_t seen = atomic_load(&pipe_events);
		struct timespec ts;

		pthread_mutex_unlock(&pipe_lock);
		if (tracefs_pipe_ready(m)) {
			pthread_mutex_lock(&pipe_lock);
			break;
		}
		pthread_mutex_lock(&pipe_lock);
		if (nonblock) {
			err = -EAGAIN;
			break;
		}
		if ((interrupted && *interrupted) || pipe_stopping) {
			err = -EINTR;
			break;
		}
		if (atomic_load(&pipe_events) != seen)
			continue;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&pipe_cond, &pipe_lock, &ts);
	}
	pthread_mutex_unlock(&pipe_lock);
	atomic_fetch_sub(&pipe_listeners, 1);
	return err;
}

int tracefs_pipe_read(struct machine *m, size_t size, int nonblock, const int *interrupted,
		      int (*reply)(void *arg, const char *buf, size_t len), void *arg)
{
	struct mm_trace_snap *s;
	struct rbuf out;
	uint64_t taken = 0;
	char seq[32];
	int err;

	for (;;) {
		err = pipe_wait(m, nonblock, interrupted);
		if (err)
			return err;
		pthread_mutex_lock(&pipe_read_lock);
		/* a line is rarely under 40 bytes: that many entries can fill size */
		s = mm_trace_snap(m, 0, size / 40 + 1);
		if (!s) {
			pthread_mutex_unlock(&pipe_read_lock);
			return -ENOMEM;
		}
		if (s->nr)
			break;
		free(s);	/* another reader took them */
		pthread_mutex_unlock(&pipe_read_lock);
	}
	rbuf_init(&out);
	for (uint64_t i = 0; i < s->nr; i++) {
		size_t before = out.len;

		trace_print_line(&out, &s->entry[i]);
		if (out.len > size && i) {	/* whole lines only, but at least one */
			out.len = before;
			break;
		}
		taken++;
	}
	err = reply(arg, out.buf, out.len < size ? out.len : size);
	if (!err) {	/* delivered: consumed, as the kernel's consuming read */
		snprintf(seq, sizeof(seq), "%llu", (unsigned long long)(s->first_seq + taken));
		trace_cmd(m, "trace_pipe", seq, strlen(seq), 0);
	}
	pthread_mutex_unlock(&pipe_read_lock);
	rbuf_free(&out);
	free(s);
	return 0;
}
