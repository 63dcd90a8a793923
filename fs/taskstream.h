/* SPDX-License-Identifier: MIT */
/*
 * taskstream.h - maps and smaps, printed as they are read.
 *
 * smaps of a process with a million VMAs is 700 MB of text. A reader gets
 * one snapshot (mm_snap_task_packed: a few dozen bytes a VMA) when it reads
 * at offset 0, and each read prints just the VMAs it covers from that
 * snapshot into a small window, as seq_file does: what a read costs is the
 * read's size, not the file's, and one open file still sees one state. A
 * read behind the window prints again from the snapshot's start. FUSE-free.
 */
#ifndef FS_TASKSTREAM_H
#define FS_TASKSTREAM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "render.h"

struct tstream;

/* How one VMA is printed, and what ends the file (the gate VMA). */
struct tstream_fmt {
	void (*vma)(struct rbuf *b, const struct mm_vma_snap *v);
	void (*gate)(struct rbuf *b);
	int want;		/* mm_snap_task_packed's want_vmas */
};

/* A stream over snapshot s (taken with mm_snap_task_packed; the stream owns it). */
struct tstream *tstream_new(struct mm_task_snap *s, const struct tstream_fmt *fmt);
void tstream_free(struct tstream *ts);
/* Bytes [off, off + size) of the text into out: how many (0 at the end). */
size_t tstream_read(struct tstream *ts, char *out, size_t size, uint64_t off);

#endif
