/* SPDX-License-Identifier: MIT */
/*
 * procbin.h - the binary proc files: proc/PID/mem, proc/PID/pagemap,
 * proc/kpageflags, proc/kpagecount. Unlike the text files they have no
 * per-open snapshot: every pread or pwrite computes its own range, at any
 * offset, as procfs does.
 */
#ifndef FS_PROCBIN_H
#define FS_PROCBIN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct machine;

enum procbin_kind {
	PROCBIN_MEM,		/* offset = virtual address */
	PROCBIN_PAGEMAP,	/* offset = vpn * 8 */
	PROCBIN_KPAGEFLAGS,	/* offset = pfn * 8 */
	PROCBIN_KPAGECOUNT,	/* offset = pfn * 8 */
};

/*
 * Read up to size bytes at off. Returns the bytes read (0 at the end, or
 * for a process that is gone), -EINVAL for a word file read at an offset
 * or of a size not a multiple of 8, -EIO when no byte of mem could be
 * read, -ENOMEM.
 */
ssize_t procbin_read(struct machine *m, enum procbin_kind kind, int pid, void *buf,
		     size_t size, uint64_t off);
/* Write to mem (the only writable one; -EINVAL for the others). */
ssize_t procbin_write(struct machine *m, enum procbin_kind kind, int pid, const void *buf,
		      size_t size, uint64_t off);

#endif
