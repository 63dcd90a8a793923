// SPDX-License-Identifier: MIT
/*
 * render_pid.c - the per-process files that are not about memory: limits,
 * io, wchan, cgroup and fdinfo/N (fs/proc/base.c, fd.c, kernel/cgroup/cgroup.c).
 */
#include <inttypes.h>
#include <stdio.h>

#include "render.h"

/* lnames[] of fs/proc/base.c: each limit's label and unit, in RLIMIT_* order. */
static const char *const rlim_label[MM_RLIM_NLIMITS] = {
	"Max cpu time", "Max file size", "Max data size", "Max stack size",
	"Max core file size", "Max resident set", "Max processes", "Max open files",
	"Max locked memory", "Max address space", "Max file locks", "Max pending signals",
	"Max msgqueue size", "Max nice priority", "Max realtime priority", "Max realtime timeout",
};
static const char *const rlim_unit[MM_RLIM_NLIMITS] = {
	"seconds", "bytes", "bytes", "bytes", "bytes", "bytes", "processes", "files",
	"bytes", "bytes", "locks", "signals", "bytes", NULL, NULL, "us",
};

static void limit_value(struct rbuf *b, uint64_t v)
{
	if (v == MM_RLIM_INFINITY)
		rbuf_printf(b, "%-20s ", "unlimited");
	else
		rbuf_printf(b, "%-20" PRIu64 " ", v);
}

/* proc_pid_limits(): a header, then one line per limit, every column padded. */
void render_limits(struct rbuf *b, const struct mm_task_snap *t)
{
	rbuf_printf(b, "%-25s %-20s %-20s %-10s\n", "Limit", "Soft Limit", "Hard Limit", "Units");
	for (int i = 0; i < MM_RLIM_NLIMITS; i++) {
		rbuf_printf(b, "%-25s ", rlim_label[i]);
		limit_value(b, t->rlim[i].cur);
		limit_value(b, t->rlim[i].max);
		if (rlim_unit[i])
			rbuf_printf(b, "%-10s\n", rlim_unit[i]);
		else
			rbuf_puts(b, "\n");
	}
}

/* do_io_accounting() */
void render_io(struct rbuf *b, const struct mm_task_snap *t)
{
	rbuf_printf(b, "rchar: %" PRIu64 "\nwchar: %" PRIu64 "\nsyscr: %" PRIu64 "\n"
		    "syscw: %" PRIu64 "\nread_bytes: %" PRIu64 "\nwrite_bytes: %" PRIu64 "\n"
		    "cancelled_write_bytes: %" PRIu64 "\n",
		    t->io.rchar, t->io.wchar, t->io.syscr, t->io.syscw, t->io.read_bytes,
		    t->io.write_bytes, t->io.cancelled_write_bytes);
}

/*
 * Where a sleeping task waits, without a newline; "0" for one that runs. A
 * simulated process sleeps between commands as in pause(2): the symbol
 * this kernel shows for that.
 */
void render_wchan(struct rbuf *b, const struct mm_task_snap *t)
{
	rbuf_puts(b, t->state == 'S' ? WCHAN_SLEEPING : "0");
}

/* The kernel's x86-64 open flags (glibc's O_LARGEFILE is 0 there). */
#define K_O_CREAT	0100
#define K_O_EXCL	0200
#define K_O_NOCTTY	0400
#define K_O_TRUNC	01000
#define K_O_LARGEFILE	0100000

/*
 * proc_cgroup_show() with the cgroup v2 hierarchy alone: there are no
 * memory cgroups, every process is in the root cgroup.
 */
void render_cgroup(struct rbuf *b, const struct mm_task_snap *t)
{
	(void)t;
	rbuf_puts(b, "0::/\n");
}

/*
 * seq_show() of fs/proc/fd.c. flags are the open's f_flags: the access
 * mode and status flags, never O_CREAT/O_EXCL/O_NOCTTY/O_TRUNC, and
 * O_LARGEFILE, which open(2) adds on 64-bit.
 */
void render_fdinfo(struct rbuf *b, const struct mm_fd_snap *f, int mnt_id)
{
	unsigned flags = ((unsigned)f->flags & ~(unsigned)(K_O_CREAT | K_O_EXCL | K_O_NOCTTY |
							    K_O_TRUNC)) | K_O_LARGEFILE;

	rbuf_printf(b, "pos:\t0\nflags:\t0%o\nmnt_id:\t%d\nino:\t%" PRIu64 "\n", flags, mnt_id,
		    f->ino);
}
