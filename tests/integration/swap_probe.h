/* SPDX-License-Identifier: MIT */
/*
 * swap_probe.h - what the parts of swap_probe share: the state of the run
 * (host or mmfs, the region, the process and its child), the helpers that
 * reach the host's or the mount's files, and the snapshot printed after
 * every step (swap_probe_view.c). See swap_probe.c for the scenario language.
 */
#ifndef SWAP_PROBE_H
#define SWAP_PROBE_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PG 4096UL
#define REGION 0x500000000000UL
#define MAXPAGES 16384

extern int host;		/* else mmfs */
extern const char *mnt;		/* mmfs: the mount */
extern const char *dev;		/* host: /dev/loopN */
extern char procroot[4096];	/* /proc or MNT/proc */
extern size_t npages;		/* of the region, 0 before map */
extern uint64_t want[MAXPAGES];	/* what the first 8 bytes should hold */

extern pid_t self_pid;		/* the process under test (host: getpid()) */
extern pid_t child_pid;		/* 0 when there is none */
extern long last_majflt[2], last_read_bytes[2];
extern int ctl_fd, child_ctl, gctl_fd;	/* mmfs */
extern int to_child, from_child;	/* host */
extern long io_base_rd, io_base_wr, vm_base_in, vm_base_out;	/* host */

/* swap_probe_io.c: files, control streams, the host's I/O */
__attribute__((noreturn, format(printf, 1, 2))) void die(const char *fmt, ...);
char *slurp(const char *path, size_t *len);
void write_file(const char *path, const char *s);
char *ctl(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *ctl_ok(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int open_ctl(pid_t pid);
long vmstat_get(const char *key);
void dev_io(long *rd, long *wr, long *inflight);
void host_settle(void);

/* swap_probe_view.c: the lines printed after a step */
void snapshot_init(void);	/* the counters' starting values */
void snapshot(void);

#endif
