/* SPDX-License-Identifier: MIT */
/*
 * replyq.h - the reply queue of one control file: what its reader has not
 * read yet, in order, however large.
 *
 * Most replies are short text lines. A mincore reply is one character per
 * page, which for a 32 GiB range is 8 MiB and for 64 TiB 16 GiB: it is
 * queued as the model's runs (mm_runs, run-length) and expanded only into
 * the bytes a read asks for, so a reply of any size costs what its runs
 * cost and is delivered whole. Knows no FUSE and no model state.
 */
#ifndef FS_REPLYQ_H
#define FS_REPLYQ_H

#include <stddef.h>
#include <stdint.h>

#include "../mm/mm.h"

struct rq_seg;

struct replyq {
	struct rq_seg *head, *tail;	/* segments in reply order */
	uint64_t pending;		/* bytes not yet read */
};

void rq_init(struct replyq *q);
void rq_free(struct replyq *q);

void rq_put(struct replyq *q, const char *s, size_t n);
void rq_puts(struct replyq *q, const char *s);
void rq_printf(struct replyq *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * Queue the text of runs ('1' for a resident run, '0' otherwise) and then
 * suffix. The queue takes ownership of runs (freed with mm_runs_free).
 */
void rq_put_runs(struct replyq *q, struct mm_runs *runs, const char *suffix);

/* Bytes not yet read. */
static inline uint64_t rq_pending(const struct replyq *q) { return q->pending; }
/* Move up to size pending bytes to out, consuming them; 0 when empty. */
size_t rq_read(struct replyq *q, char *out, size_t size);
/*
 * Everything pending as one malloc'd NUL-terminated string, consumed
 * (for tests and the mount script; *len gets its length, NULs included).
 */
char *rq_take(struct replyq *q, size_t *len);

#endif
