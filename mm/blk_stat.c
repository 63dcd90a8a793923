// SPDX-License-Identifier: MIT
/*
 * blk_stat.c - the simulated disk's I/O accounting (see blk_stat.h).
 */
#include <string.h>

#include "internal.h"
#include "blk_stat.h"

/* The disk's geometry: 10 GiB, one partition from sector 2048 as fdisk lays out GPT. */
#define VDA_SECTORS		20971520ULL
#define VDA1_START		2048ULL
#define VDA1_SECTORS		(VDA_SECTORS - VDA1_START - 33)	/* GPT's backup header at the end */

uint64_t blk_account_io(struct machine *m, enum blk_op op, const void *object, uint64_t index)
{
	struct blk_plug_state *p = &m->blk_plug;
	int merge = p->object == object && p->op == (int)op && p->next == index &&
		    p->sim_ns == m->sim_ns;
	uint64_t ns = merge ? BLK_PAGE_NS : BLK_REQ_NS + BLK_PAGE_NS;

	for (int d = 0; d < MM_NR_DISKS; d++) {	/* the partition and the whole disk */
		struct blk_stats *s = &m->blk[d];

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

int mm_snap_disks(struct machine *m, struct mm_disk_snap *out)
{
	static const struct { const char *name; int minor, partno; uint64_t start, size; } disks[] = {
		{ "vda", 0, 0, 0, VDA_SECTORS },
		{ "vda1", 1, 1, VDA1_START, VDA1_SECTORS },
	};

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
		for (int op = 0; op < 2; op++) {
			o->ios[op] = s->ios[op];
			o->merges[op] = s->merges[op];
			o->sectors[op] = s->sectors[op];
			o->ticks_ms[op] = s->nsecs[op] / 1000000;
		}
		o->io_ticks_ms = s->io_ticks_ns / 1000000;
		o->time_in_queue_ms = (s->nsecs[0] + s->nsecs[1]) / 1000000;
	}
	machine_unlock(m);
	return MM_NR_DISKS;
}
