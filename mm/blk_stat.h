/* SPDX-License-Identifier: MIT */
/*
 * blk_stat.h - the simulated disk and its I/O counters (kernel: the
 * part_stat accounting of block/blk-core.c and blk-mq.c that
 * /proc/diskstats and sys/block/DEV/stat print).
 *
 * The machine has one disk, vda (254:0), with one partition, vda1 (254:1):
 * the file system behind files/ (maps shows fe:01) and the swap files on it;
 * each swap partition (swapon of a /dev/ name) is a disk of its own below.
 * Every page the model reads from or writes to a backing file or a swap
 * device is one bio of 8 sectors on vda1, and vda counts what its
 * partition does (part_stat_inc updates the partition and the whole disk).
 * A bio that continues the previous one (the same file or swap device, the
 * next page, the same direction, in the same command) merges into its
 * request, as the block layer's plug merges a readahead window or a
 * writeback run: "merged" counts it and the request grows.
 *
 * Time is simulated: a request takes BLK_REQ_NS plus BLK_PAGE_NS per page
 * it carries, one at a time (queue depth 1, nothing in flight between
 * commands), so ticks, io_ticks and time_in_queue are the same sums.
 */
#ifndef MM_BLK_STAT_H
#define MM_BLK_STAT_H

#include <stdint.h>

#include "snapshot.h"

struct machine;

#define BLK_REQ_NS	100000ULL	/* a request's latency: 100 µs */
#define BLK_PAGE_NS	4000ULL		/* and 4 µs per 4 KiB it moves (1 GB/s) */

enum blk_op { BLK_READ, BLK_WRITE };

/* Per device (the kernel's struct disk_stats, in simulated ns). */
struct blk_stats {
	uint64_t ios[2];		/* requests completed, by enum blk_op */
	uint64_t merges[2];		/* bios merged into a request */
	uint64_t sectors[2];		/* 512-byte sectors */
	uint64_t nsecs[2];		/* time the requests took */
	uint64_t io_ticks_ns;		/* time the device was busy */
};

/* What the last bio was, for merging (blk_account_io). */
struct blk_plug_state {
	const void *object;		/* the file (inode) or swap device, NULL: none */
	uint64_t next;			/* the page index that would continue it */
	uint64_t sim_ns;		/* the command it was in */
	int op;
	uint64_t last_ns;		/* the time the last bio took (a refault's stall) */
};

/*
 * One page of I/O on vda1 (and so vda): op, for object (a file_ref or a
 * swap_info_struct) at page index. Lock held. Returns the simulated time
 * it took (what a task waiting for it stalls).
 */
uint64_t blk_account_io(struct machine *m, enum blk_op op, const void *object, uint64_t index);

/*
 * A swap partition's disk (swapon of a name under /dev/): a disk of its
 * own in /proc/diskstats, created by the first swapon of its name and
 * kept after swapoff (the block device exists apart from swap), its size
 * the last swapon's. The number is Linux's for the name: sdX 8:16*i
 * (sdq on 65:16*(i-16)),
 * vdX (not vda, the root disk) 254:16*i, zramN 253:N (the host's zram
 * major), hdX 3:64*i or 22:64*(i-2); any other name, or one whose number
 * is taken, 259 (blkext, the kernel's dynamic numbers):0, 1, ... in the
 * order such disks appear.
 */
#define MM_MAX_SWAP_DISKS	(MM_MAX_DISKS - MM_NR_DISKS)
struct swap_disk {
	char name[16];			/* the name under /dev/ */
	int major, minor;
	uint64_t size;			/* 512-byte sectors */
	struct blk_stats stats;
};

/*
 * The disk of swap device path ("/dev/NAME"), created if new: its index in
 * m->swap_disks, or -1 (path not under /dev/: the swap file is on vda1).
 * -ENOSPC when MM_MAX_SWAP_DISKS names exist already. Lock held.
 */
int blk_swap_disk(struct machine *m, const char *path, uint64_t bytes);

/* A page of swap I/O on disk (blk_swap_disk's index, -1: vda1 and vda). */
uint64_t blk_account_swap_io(struct machine *m, int disk, enum blk_op op, const void *object,
			     uint64_t index);

#endif
