/* SPDX-License-Identifier: MIT */
/*
 * model_sys.c - fuzz_model's commands on the machine's debug and module
 * files, through the entry points the daemon's file handlers use (not the
 * model's API underneath), so that their parsing and journaling run too:
 *
 *  - tracefs (fs/tracefs.c): writes to tracing_on, buffer_size_kb,
 *    set_event (O_TRUNC too), events/enable, a system's or an event's
 *    enable and filter (filters are random expressions over the event's
 *    own fields), trace (O_TRUNC clears it); renders of any of its files;
 *    non-blocking consuming reads of trace_pipe;
 *  - zswap's module parameters (sys/module/zswap/parameters/, written as
 *    CT_TUNABLE commands through cmd_run) and its debugfs counters;
 *  - page_owner and page_owner_stacks/show_stacks (the machine byte's
 *    bit 6 boots with page_owner=on; without it the read fails EINVAL);
 *  - control lines of MOUNT/ctl (drop_caches, compact, sync) and the
 *    drop_caches / compact_memory tunables, as cmd_run runs them.
 *
 * These ops take the command turn themselves (cmd_run), so model_step
 * runs them outside its own turn (model_op_takes_turn).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../fs/cmd.h"
#include "../../fs/render.h"
#include "../../fs/tracefs.h"
#include "../../mm/mm.h"
#include "fuzz.h"
#include "model.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- tracefs ---- */

/* The tracefs node argument of event e's file of kind k (tracefs.h). */
static int ev_arg(int kind, int e)
{
	return kind | e << 8;
}

/* The first event of the system e belongs to (a system's files name it). */
static int sys_first(int e)
{
	while (e > 0 && !strcmp(trace_events[e - 1].system, trace_events[e].system))
		e--;
	return e;
}

/*
 * A filter expression of up to 16 tokens: the event's fields (common_pid
 * too), every operator of the filter grammar, numbers, strings, globs,
 * parentheses, and now and then a byte of anything.
 */
static size_t filter_text(struct cursor *c, int e, char *buf, size_t size)
{
	static const char *const ops[] = {
		"==", "!=", "<", "<=", ">", ">=", "&", "~", "&&", "||", "(", ")", "!", " ", "=",
		"|", ">>",
	};
	static const char *const vals[] = {
		"0", "1", "4096", "-1", "0x10", "18446744073709551615", "18446744073709551616",
		"\"sh\"", "\"sh*\"", "\"*a\"", "'x'", "\"", "kmalloc-64", "0xffffffffffffffffff",
		"\"[ab]*\"", "",
	};
	const struct trace_event_def *d = &trace_events[e];
	uint8_t n = in_u8(c) % 17;
	size_t len = 0;

	if (n == 0) {		/* "0": clears the filter */
		snprintf(buf, size, "0");
		return 1;
	}
	for (uint8_t i = 0; i < n && len + 48 < size; i++) {
		uint8_t b = in_u8(c);
		const char *word;
		char raw[2] = { 0 };

		switch (b % 4) {
		case 0:
			word = (b & 4) || !d->nfields ? "common_pid" : d->fields[(b >> 3) % d->nfields];
			break;
		case 1:
			word = ops[(b >> 2) % NELEM(ops)];
			break;
		case 2:
			word = vals[(b >> 2) % NELEM(vals)];
			break;
		default:
			raw[0] = (char)(b >> 2 ? b : '\n');
			word = raw;
			break;
		}
		len += (size_t)snprintf(buf + len, size - len, "%s%s", word, (b & 0x80) ? "" : " ");
	}
	return len;
}

/* The text a write of kind k carries: good values, edges, junk. */
static size_t tracefs_value(struct cursor *c, int kind, int e, char *buf, size_t size)
{
	static const char *const onoff[] = { "0", "1", "1\n", "0\n", "2", "-1", "", "x", " 1" };
	static const char *const kb[] = {
		"1", "7", "100", "1408", "0", "4\n", "1048576", "1048577", "abc", "-5", "64",
	};
	uint8_t b;
	int ev;

	if (kind == TFS_SYS_FILTER || kind == TFS_EV_FILTER)
		return filter_text(c, e, buf, size);
	b = in_u8(c);
	ev = b % TE_NR;
	switch (kind) {
	case TFS_BUFFER_SIZE_KB:
		return (size_t)snprintf(buf, size, "%s", kb[b % NELEM(kb)]);
	case TFS_SET_EVENT:
		switch (in_u8(c) % 8) {
		case 0:
			return (size_t)snprintf(buf, size, "%s:%s\n", trace_events[ev].system,
						trace_events[ev].name);
		case 1:
			return (size_t)snprintf(buf, size, "!%s:%s", trace_events[ev].system,
						trace_events[ev].name);
		case 2:
			return (size_t)snprintf(buf, size, "%s:*", trace_events[ev].system);
		case 3:
			return (size_t)snprintf(buf, size, "%s", trace_events[ev].name);
		case 4:
			return (size_t)snprintf(buf, size, "*:*");
		case 5:
			return (size_t)snprintf(buf, size, "!*:*\n");
		case 6:
			return (size_t)snprintf(buf, size, "%s:%s %s", trace_events[ev].system,
						trace_events[ev].name,
						trace_events[(ev + 1) % TE_NR].name);
		default:
			return (size_t)snprintf(buf, size, "nosuch:event");
		}
	case TFS_TRACE:
		return (size_t)snprintf(buf, size, "%s", (b & 1) ? "" : "0\n");
	default:
		return (size_t)snprintf(buf, size, "%s", onoff[b % NELEM(onoff)]);
	}
}

/* What a trace_pipe read asked for and got. */
struct pipe_read {
	size_t size, got;
};

/* Whole lines, or the first line cut at the size asked for (one at least). */
static int pipe_sink(void *arg, const char *buf, size_t len)
{
	struct pipe_read *p = arg;

	FUZZ_ASSERT(len && len <= p->size && (buf[len - 1] == '\n' || len == p->size),
		    "trace_pipe handed %zu bytes for %zu, not whole lines", len, p->size);
	p->got += len;
	return 0;
}

/*
 * op byte: bits 0-3 the file, bit 4 a read instead of a write (bit 5 with
 * it: O_TRUNC), then the event byte and the value's bytes.
 */
void op_tracefs(struct fuzz_run *r, struct cursor *c)
{
	static const int kinds[] = {
		TFS_TRACING_ON, TFS_BUFFER_SIZE_KB, TFS_SET_EVENT, TFS_ENABLE_ALL, TFS_SYS_ENABLE,
		TFS_SYS_FILTER, TFS_EV_ENABLE, TFS_EV_FILTER, TFS_TRACE, TFS_TRACE_PIPE,
		TFS_EV_ENABLE, TFS_EV_FILTER, TFS_CURRENT_TRACER, TFS_EV_TRIGGER, TFS_EV_FORMAT,
		TFS_BUFFER_TOTAL_SIZE_KB,
	};
	uint8_t b = in_u8(c), eb = in_u8(c);
	int kind = kinds[b % 16], e = eb % TE_NR, arg;
	char path[128], val[1024];
	struct rbuf out;
	size_t len;
	int err;

	if (kind == TFS_SYS_ENABLE || kind == TFS_SYS_FILTER)
		e = sys_first(e);
	arg = ev_arg(kind, e);
	tracefs_path(arg, path, sizeof(path));
	if (kind == TFS_TRACE_PIPE) {
		struct pipe_read p = { .size = 64 + (size_t)in_u8(c) * 64 };

		trace(r, "tracing/trace_pipe: read %zu bytes, O_NONBLOCK", p.size);
		err = tracefs_pipe_read(r->m, p.size, 1, NULL, pipe_sink, &p);
		FUZZ_ASSERT(err == 0 || err == -EAGAIN, "trace_pipe read: %d", err);
		FUZZ_ASSERT(err || p.got, "trace_pipe read returned 0 and no bytes");
		return;
	}
	if (b & 0x10) {
		if ((b & 0x20) && tracefs_writable(arg)) {
			trace(r, "tracing/%s: open O_TRUNC", path);
			tracefs_truncate(r->m, arg);
		}
		trace(r, "tracing/%s (kind %d): read", path, kind);
		rbuf_init(&out);
		err = tracefs_render(r->m, arg, &out);
		FUZZ_ASSERT(err == 0 || err == -EINVAL, "tracefs render of %s: %d", path, err);
		rbuf_free(&out);
		return;
	}
	len = tracefs_value(c, kind, e, val, sizeof(val));
	if (len >= sizeof(val))
		len = sizeof(val) - 1;
	trace(r, "tracing/%s <- '%.*s'", path, (int)len, val);
	err = tracefs_write(r->m, arg, val, len);
	if (r->trace)
		fprintf(stderr, "    -> %d\n", err);
}

/* ---- zswap ---- */

static long tunable_cmd(struct fuzz_run *r, const char *name, const char *val)
{
	struct cmd cmd = { .type = CT_TUNABLE, .path = name, .data = val, .len = strlen(val) };
	long ret;

	trace(r, "tunable %s <- '%s'", name, val);
	ret = cmd_run(r->m, &cmd, NULL, NULL);
	if (r->trace)
		fprintf(stderr, "    -> %ld\n", ret);
	return ret;
}

/*
 * Swap with zswap on: pages of data (zeros never reach zswap) written
 * through proc/PID/mem, then paged out by a control line. The byte k
 * picks how they compress: text, repeating words, pseudo-random bytes
 * (which zswap stores as they are), zeros, in turns.
 */
static void fill_and_page_out(struct fuzz_run *r, struct cursor *c)
{
	int pid = pick_pid(r, c);
	uint64_t addr, len, pages;
	uint8_t k, page[4096];
	char line[128];
	struct replyq reply;
	long ret;

	if (!pid)
		return;
	pick_range(r, pid, c, &addr, &len);
	k = in_u8(c);
	addr &= ~4095ULL;
	pages = len / 4096 > 64 ? 64 : len / 4096;
	trace(r, "proc/%d/mem: %" PRIu64 " pages of kind %d at %#" PRIx64, pid, pages, k % 4, addr);
	for (uint64_t i = 0; i < pages; i++) {
		struct cmd w = { .type = CT_MEM_WRITE, .pid = pid, .off = addr + i * 4096,
				 .data = page, .len = sizeof(page) };
		uint32_t x = 2463534242u + (uint32_t)(i * 977 + k);

		for (size_t j = 0; j < sizeof(page); j++) {
			switch ((k + i) % 4) {
			case 0: page[j] = (uint8_t)("the quick brown fox "[j % 20] + (j / 512)); break;
			case 1: page[j] = (uint8_t)(i + j / 64); break;
			case 2:
				x ^= x << 13; x ^= x >> 17; x ^= x << 5;
				page[j] = (uint8_t)x;
				break;
			default: page[j] = 0; break;
			}
		}
		if (cmd_run(r->m, &w, NULL, NULL) < 0)
			break;
	}
	snprintf(line, sizeof(line), "madvise %#" PRIx64 " %#" PRIx64 " pageout", addr, pages * 4096);
	trace(r, "proc/%d/ctl: %s", pid, line);
	rq_init(&reply);
	ret = cmd_run(r->m, &(struct cmd){ .type = CT_CTL, .pid = pid, .data = line,
					   .len = strlen(line) }, NULL, &reply);
	rq_free(&reply);
	if (r->trace)
		fprintf(stderr, "    -> %ld\n", ret);
}

/*
 * op byte: bits 0-2 the parameter, 5 and 6 a debugfs read, 7 pages of data
 * written and paged out; then a value byte.
 */
void op_zswap(struct fuzz_run *r, struct cursor *c)
{
	static const struct {
		const char *name;
		const char *vals[8];
	} params[] = {
		{ "zswap/enabled", { "Y", "N", "1", "0", "y\n", "on", "bogus", "" } },
		{ "zswap/compressor", { "lz4", "zstd", "lz4hc", "lzo", "deflate", "lz4\n", "",
					"0123456789012345678901234567890123456789012345678901234567890123" } },
		{ "zswap/max_pool_percent", { "20", "1", "0", "100", "101", "5", "-1", "x" } },
		{ "zswap/accept_threshold_percent", { "90", "0", "100", "101", "50", "1", "-1", "" } },
		{ "zswap/shrinker_enabled", { "Y", "N", "1", "0", "n\n", "off", "2", "" } },
	};
	static const char *const stats[] = {
		"pool_limit_hit", "reject_reclaim_fail", "reject_alloc_fail",
		"reject_kmemcache_fail", "reject_compress_fail", "reject_compress_poor",
		"decompress_fail", "written_back_pages", "pool_total_size", "stored_pages",
		"stored_incompressible_pages",
	};
	uint8_t b = in_u8(c), v;
	char name[64], buf[128];
	int n;

	if (b % 8 == 7) {
		fill_and_page_out(r, c);
		return;
	}
	v = in_u8(c);
	if (b % 8 < NELEM(params)) {
		tunable_cmd(r, params[b % 8].name, params[b % 8].vals[v % 8]);
		return;
	}
	snprintf(name, sizeof(name), "zswap-debug/%s", stats[v % NELEM(stats)]);
	n = mm_tunable_read(r->m, name, buf, sizeof(buf));
	trace(r, "read %s -> %d %.*s", name, n, n > 0 ? n - 1 : 0, buf);
	FUZZ_ASSERT(n > 0 || n == -ENOENT || n == -EINVAL || n == -EACCES,
		    "read %s: %d", name, n);
	n = mm_tunable_read(r->m, params[v % NELEM(params)].name, buf, sizeof(buf));
	FUZZ_ASSERT(n > 0, "read %s: %d", params[v % NELEM(params)].name, n);
}

/* ---- page_owner ---- */

void op_page_owner(struct fuzz_run *r, struct cursor *c)
{
	int stacks = in_u8(c) & 1, err = 0;
	struct mm_page_owner_snap *s = mm_snap_page_owner(r->m, stacks, &err);
	struct rbuf out;

	trace(r, "read sys/kernel/debug/%s", stacks ? "page_owner_stacks/show_stacks" : "page_owner");
	if (!s) {
		FUZZ_ASSERT(err == -EINVAL && !mm_page_owner_enabled(r->m),
			    "page_owner read failed %d with page_owner %s", err,
			    mm_page_owner_enabled(r->m) ? "on" : "off");
		return;
	}
	rbuf_init(&out);
	if (stacks)
		render_page_owner_stacks(&out, s);
	else
		render_page_owner(&out, s);
	rbuf_free(&out);
	free(s);
}

/* ---- MOUNT/ctl lines and the reclaim tunables ---- */

/* op byte: 0-4 drop_caches N (0 and 4 refused), 5 compact, 6 sync, 7 the tunables. */
void op_ctl_line(struct fuzz_run *r, struct cursor *c)
{
	static const char *const lines[] = {
		"drop_caches 0", "drop_caches 1", "drop_caches 2", "drop_caches 3", "drop_caches 4",
		"compact", "sync",
	};
	static const char *const tun[][2] = {
		{ "drop_caches", "2" }, { "drop_caches", "3" }, { "drop_caches", "1\n" },
		{ "drop_caches", "0" }, { "compact_memory", "1" }, { "compact_memory", "0" },
		{ "drop_caches", "3 " }, { "compact_memory", "x" },
	};
	uint8_t b = in_u8(c), v = in_u8(c);
	struct replyq reply;
	struct cmd cmd = { .type = CT_CTL, .pid = 0 };
	long ret;

	if (b % 8 == 7) {
		tunable_cmd(r, tun[v % NELEM(tun)][0], tun[v % NELEM(tun)][1]);
		return;
	}
	cmd.data = lines[b % 8];
	cmd.len = strlen(lines[b % 8]);
	trace(r, "ctl: %s", lines[b % 8]);
	rq_init(&reply);
	ret = cmd_run(r->m, &cmd, NULL, &reply);
	rq_free(&reply);
	if (r->trace)
		fprintf(stderr, "    -> %ld\n", ret);
}
