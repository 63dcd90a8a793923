/* SPDX-License-Identifier: MIT */
/*
 * procbin.c - pread/pwrite of the binary proc files (procbin.h), mapped to
 * the model's range readers. The word files are little-endian u64 arrays
 * indexed by offset / 8, read as Linux's pagemap_read and kpageflags_read
 * do: misaligned offsets or sizes are EINVAL, the end is a short read.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "../mm/mm.h"
#include "procbin.h"

#define WORD	8

static long read_words(struct machine *m, enum procbin_kind kind, int pid, uint64_t first,
		       uint64_t *out, size_t n)
{
	switch (kind) {
	case PROCBIN_PAGEMAP:
		return mm_pagemap_read(m, pid, first, out, n);
	case PROCBIN_KPAGEFLAGS:
		return mm_kpageflags_read(m, first, out, n);
	case PROCBIN_KPAGECOUNT:
		return mm_kpagecount_read(m, first, out, n);
	default:
		return -EINVAL;
	}
}

static ssize_t procbin_read_words(struct machine *m, enum procbin_kind kind, int pid,
				  void *buf, size_t size, uint64_t off)
{
	uint64_t *words;
	long n;

	if (off % WORD || size % WORD)
		return -EINVAL;
	if (!size)
		return 0;
	words = malloc(size);
	if (!words)
		return -ENOMEM;
	n = read_words(m, kind, pid, off / WORD, words, size / WORD);
	if (n == -ESRCH)
		n = 0;	/* the process is gone: pagemap reads as empty */
	for (long i = 0; i < n; i++)
		words[i] = htole64(words[i]);
	if (n > 0)
		memcpy(buf, words, (size_t)n * WORD);
	free(words);
	return n < 0 ? n : (ssize_t)n * WORD;
}

/* mem of a process that is gone reads and writes nothing, as in Linux. */
static ssize_t mem_result(long ret)
{
	return ret == -ESRCH ? 0 : ret;
}

ssize_t procbin_read(struct machine *m, enum procbin_kind kind, int pid, void *buf,
		     size_t size, uint64_t off)
{
	if (kind == PROCBIN_MEM)
		return mem_result(cmd_mem_rw(m, pid, off, buf, size, 0));
	return procbin_read_words(m, kind, pid, buf, size, off);
}

ssize_t procbin_write(struct machine *m, enum procbin_kind kind, int pid, const void *buf,
		      size_t size, uint64_t off)
{
	if (kind != PROCBIN_MEM)
		return -EINVAL;
	return mem_result(cmd_mem_rw(m, pid, off, (void *)buf, size, 1));
}
