// SPDX-License-Identifier: MIT
/*
 * blk_stat.c - the simulated disk's I/O accounting (see blk_stat.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "blk_stat.h"

/* The disk's geometry: 10 GiB, one partition from sector 2048 as fdisk lays out GPT. */
#define VDA_SECTORS		20971520ULL
#define VDA1_START		2048ULL
#define VDA1_SECTORS		(VDA_SECTORS - VDA1_START - 33)	/* GPT's backup header at the end */

/* One page of I/O counted on the n devices at s (a partition and its disk). */
static uint64_t account(struct machine *m, struct blk_stats *stats, int n, enum blk_op op,
			const void *object, uint64_t index)
{
	struct blk_plug_state *p = &m->blk_plug;
	int merge = p->object == object && p->op == (int)op && p->next == index &&
		    p->sim_ns == m->sim_ns;
	uint64_t ns = merge ? BLK_PAGE_NS : BLK_REQ_NS + BLK_PAGE_NS;

	for (int d = 0; d < n; d++) {
		struct blk_stats *s = &stats[d];

		if (merge)
			s->merges[op]++;
		else
			s->ios[op]++;
		s->sectors[op] += 8;
		s->nsecs[op] += ns;
		s->io_ticks_ns += ns;
	}
	p->object = object;
	p->op = (int)op;
	p->next = index + 1;
	p->sim_ns = m->sim_ns;
	p->last_ns = ns;
	return ns;
}

uint64_t blk_account_io(struct machine *m, enum blk_op op, const void *object, uint64_t index)
{
	return account(m, m->blk, MM_NR_DISKS, op, object, index);	/* vda1 and vda */
}

uint64_t blk_account_swap_io(struct machine *m, int disk, enum blk_op op, const void *object,
			     uint64_t index)
{
	if (disk < 0)
		return blk_account_io(m, op, object, index);
	return account(m, &m->swap_disks[disk].stats, 1, op, object, index);
}

/* Linux's number for a disk name, 0 when it has none fixed (see blk_stat.h). */
static int fixed_devt(const char *name, int *major, int *minor)
{
	size_t len = strlen(name);

	if (len == 3 && name[2] >= 'a' && name[2] <= 'z') {
		int i = name[2] - 'a';

		if (name[0] == 's' && name[1] == 'd') {	/* SCSI_DISK0_MAJOR, then 65.. */
			*major = i < 16 ? 8 : 64 + i / 16;
			*minor = 16 * (i % 16);
			return 1;
		}
		if (name[0] == 'v' && name[1] == 'd' && i > 0) {	/* vda is the root disk */
			*major = 254;
			*minor = 16 * i;
			return 1;
		}
		if (name[0] == 'h' && name[1] == 'd' && i < 4) {	/* ide0 and ide1 */
			*major = i < 2 ? 3 : 22;
			*minor = 64 * (i % 2);
			return 1;
		}
	}
	if (!strncmp(name, "zram", 4) && len > 4 && len < 8 &&
	    strspn(name + 4, "0123456789") == len - 4 && (name[4] != '0' || len == 5)) {
		*major = 253;
		*minor = atoi(name + 4);
		return 1;
	}
	return 0;
}

int blk_swap_disk(struct machine *m, const char *path, uint64_t bytes)
{
	char name[sizeof(m->swap_disks[0].name)];
	struct swap_disk *d;
	int major, minor;

	if (strncmp(path, "/dev/", 5))
		return -1;
	/* a long name is cut as disk_name's 32 bytes would be, here at 15 */
	snprintf(name, sizeof(name), "%.*s", (int)sizeof(name) - 1, path + 5);
	for (int i = 0; i < m->nr_swap_disks; i++) {
		d = &m->swap_disks[i];
		if (!strcmp(d->name, name)) {
			d->size = bytes >> 9;
			return i;
		}
	}
	if (m->nr_swap_disks == MM_MAX_SWAP_DISKS)
		return -ENOSPC;
	if (fixed_devt(name, &major, &minor)) {
		for (int i = 0; i < m->nr_swap_disks; i++)
			if (m->swap_disks[i].major == major && m->swap_disks[i].minor == minor)
				major = 0;
	} else {
		major = 0;
	}
	if (!major) {
		major = 259;
		minor = m->nr_blkext++;
	}
	d = &m->swap_disks[m->nr_swap_disks];
	memset(d, 0, sizeof(*d));
	memcpy(d->name, name, sizeof(d->name));
	d->major = major;
	d->minor = minor;
	d->size = bytes >> 9;
	return m->nr_swap_disks++;
}

/* A device's counters into its snapshot, in ms. */
static void fill(struct mm_disk_snap *o, const struct blk_stats *s)
{
	for (int op = 0; op < 2; op++) {
		o->ios[op] = s->ios[op];
		o->merges[op] = s->merges[op];
		o->sectors[op] = s->sectors[op];
		o->ticks_ms[op] = s->nsecs[op] / 1000000;
	}
	o->io_ticks_ms = s->io_ticks_ns / 1000000;
	o->time_in_queue_ms = (s->nsecs[0] + s->nsecs[1]) / 1000000;
}

int mm_snap_disks(struct machine *m, struct mm_disk_snap *out)
{
	static const struct { const char *name; int minor, partno; uint64_t start, size; } disks[] = {
		{ "vda", 0, 0, 0, VDA_SECTORS },
		{ "vda1", 1, 1, VDA1_START, VDA1_SECTORS },
	};
	int n;

	machine_lock(m);
	for (int d = 0; d < MM_NR_DISKS; d++) {
		const struct blk_stats *s = &m->blk[d];
		struct mm_disk_snap *o = &out[d];

		memset(o, 0, sizeof(*o));
		snprintf(o->name, sizeof(o->name), "%s", disks[d].name);
		o->major = 254;
		o->minor = disks[d].minor;
		o->partno = disks[d].partno;
		o->start = disks[d].start;
		o->size = disks[d].size;
		fill(o, s);
	}
	for (int i = 0; i < m->nr_swap_disks; i++) {
		const struct swap_disk *sd = &m->swap_disks[i];
		struct mm_disk_snap *o = &out[MM_NR_DISKS + i];

		memset(o, 0, sizeof(*o));
		snprintf(o->name, sizeof(o->name), "%s", sd->name);
		o->major = sd->major;
		o->minor = sd->minor;
		o->size = sd->size;
		fill(o, &sd->stats);
	}
	n = MM_NR_DISKS + m->nr_swap_disks;
	machine_unlock(m);
	return n;
}

int mm_swap_disk_name(struct machine *m, int slot, char *buf)
{
	int err = -ENOENT;

	machine_lock(m);
	if (slot >= 0 && slot < m->nr_swap_disks) {
		memcpy(buf, m->swap_disks[slot].name, sizeof(m->swap_disks[slot].name));
		err = 0;
	}
	machine_unlock(m);
	return err;
}
