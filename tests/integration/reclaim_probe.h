// SPDX-License-Identifier: MIT
/*
 * reclaim_probe.h - what the two files of reclaim_probe share: the
 * scenario's regions, the probe's state, and the helpers of
 * reclaim_probe_io.c. The scenario language is described in reclaim_probe.c.
 */
#ifndef RECLAIM_PROBE_H
#define RECLAIM_PROBE_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stddef.h>
#include <stdint.h>

#define PAGE 4096UL
#define BASE 0x500000000000UL
#define SPAN 0x10000000UL	/* 256 MiB between regions */
#define MAX_REGIONS 8
#define MAX_PAGES (SPAN / PAGE)
#define BUF_SIZE (1UL << 20)

enum kind { ANON, SHARED, FILEMAP };

struct region {
	char name[32];
	enum kind kind;
	uint64_t addr, pages;
	int fd;				/* FILEMAP: the file (host), for cache */
};

extern struct probe_state {
	int host;
	const char *cg, *dev, *files, *mnt;
	int pid;			/* mmfs: the simulated process */
	int ctl, gctl;			/* mmfs: its ctl and the global one */
	struct region r[MAX_REGIONS];
	int nr;
	char between[512];		/* the steps `write ... STEP` interleaves */
	int watching;			/* watch: a report is still due */
	struct region *watch_file, *watch_anon;
	long io_rd, io_wr, in0, out0;	/* host: sectors and counters at start */
	long mark[8];
	long maj_mark;
} P;

extern uint64_t *pm;		/* pagemap entries of a region */
extern unsigned char *vec;	/* mincore */
extern char *buf;		/* scratch: reads of /proc files, stamps */

/* reclaim_probe_io.c: errors, the /proc files, the host's swap I/O, ctl files, the start */
__attribute__((noreturn, format(printf, 1, 2)))
void die(const char *fmt, ...);
/* A file of /proc: the host's, or MNT/proc's (for the simulated process, "self" is its pid). */
const char *proc_path(const char *rel);
/* Read a whole file into buf (NUL-terminated); its length. */
size_t read_all(const char *path);
/* The number after "key" in text, -1 when absent. */
long field(const char *text, const char *key);
long vmstat(const char *key);
long majflt(void);
long smaps_kb(uint64_t addr, const char *key);
void device_sectors(long *rd, long *wr, long *busy);
/* Host: wait until the swap device completed what the counters say was issued. */
void settle(void);
/* mmfs: write one command to a ctl fd and return its reply line (dies on error). */
__attribute__((format(printf, 2, 3)))
const char *ask(int fd, const char *fmt, ...);
int open_or_die(const char *path, int flags);
void host_start(void);
/* The pages the scenario has to itself. */
long room(void);
void mmfs_start(void);

#endif
