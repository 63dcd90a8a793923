// SPDX-License-Identifier: MIT
/*
 * taskstream.c - maps and smaps, printed VMA by VMA as they are read (see
 * taskstream.h).
 */
#include <stdlib.h>
#include <string.h>

#include "taskstream.h"

struct tstream {
	struct mm_task_snap *snap;
	struct tstream_fmt fmt;
	size_t cursor;		/* mm_snap_vma's */
	struct mm_vma_snap v;	/* its buffer: the packed form reuses the last name */
	int ended;		/* the gate VMA is printed: nothing follows */
	struct rbuf win;	/* printed and not yet passed */
	uint64_t win_off;	/* the file offset of win.buf[0] */
};

static void restart(struct tstream *ts)
{
	ts->cursor = 0;
	ts->v.name[0] = '\0';
	ts->ended = !ts->snap->has_mm;	/* no address space: an empty file */
	rbuf_reset(&ts->win);
	ts->win_off = 0;
}

struct tstream *tstream_new(struct mm_task_snap *s, const struct tstream_fmt *fmt)
{
	struct tstream *ts = calloc(1, sizeof(*ts));

	if (!ts) {
		free(s);
		return NULL;
	}
	ts->snap = s;
	ts->fmt = *fmt;
	rbuf_init(&ts->win);
	restart(ts);
	return ts;
}

void tstream_free(struct tstream *ts)
{
	if (!ts)
		return;
	rbuf_free(&ts->win);
	free(ts->snap);
	free(ts);
}

/* Print the next VMA (or the gate) into the window. */
static void print_next(struct tstream *ts)
{
	if (mm_snap_vma(ts->snap, &ts->cursor, &ts->v)) {
		ts->fmt.vma(&ts->win, &ts->v);
		return;
	}
	ts->fmt.gate(&ts->win);
	ts->ended = 1;
}

size_t tstream_read(struct tstream *ts, char *out, size_t size, uint64_t off)
{
	size_t skip, n;

	if (off < ts->win_off)
		restart(ts);
	while (ts->win_off + ts->win.len < off + size && !ts->ended) {
		print_next(ts);
		/* what lies wholly before off is not needed again by a forward reader */
		if (off > ts->win_off && ts->win.len > (1u << 16)) {
			skip = off - ts->win_off < ts->win.len ? (size_t)(off - ts->win_off) : ts->win.len;
			memmove(ts->win.buf, ts->win.buf + skip, ts->win.len - skip);
			ts->win.len -= skip;
			ts->win_off += skip;
		}
	}
	if (off >= ts->win_off + ts->win.len)
		return 0;
	skip = (size_t)(off - ts->win_off);
	n = ts->win.len - skip < size ? ts->win.len - skip : size;
	memcpy(out, ts->win.buf + skip, n);
	return n;
}
