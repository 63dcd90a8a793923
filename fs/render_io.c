// SPDX-License-Identifier: MIT
/*
 * render_io.c - /proc/diskstats, sys/block/DEV/ (kernel: block/genhd.c's
 * diskstats_show and part_stat_show, block/blk-sysfs.c's queue files) and
 * /proc/pressure/memory (kernel/sched/psi.c's psi_show).
 */
#include <stdio.h>

#include "render.h"

void render_diskstats(struct rbuf *b, const struct mm_disk_snap *d, int n)
{
	for (int i = 0; i < n; i++, d++)
		/* reads, writes, in flight, io_ticks, time_in_queue, discards, flushes */
		rbuf_printf(b, "%4d %7d %s %llu %llu %llu %u %llu %llu %llu %u %u %u %u "
			    "%llu %llu %llu %u %llu %u\n",
			    d->major, d->minor, d->name,
			    (unsigned long long)d->ios[0], (unsigned long long)d->merges[0],
			    (unsigned long long)d->sectors[0], (unsigned)d->ticks_ms[0],
			    (unsigned long long)d->ios[1], (unsigned long long)d->merges[1],
			    (unsigned long long)d->sectors[1], (unsigned)d->ticks_ms[1],
			    0u, (unsigned)d->io_ticks_ms, (unsigned)d->time_in_queue_ms,
			    0ULL, 0ULL, 0ULL, 0u, 0ULL, 0u);
}

/* sys/block/DEV/stat: the same counters, each %8 wide */
static void part_stat(struct rbuf *b, const struct mm_disk_snap *d)
{
	rbuf_printf(b, "%8llu %8llu %8llu %8u %8llu %8llu %8llu %8u %8u %8u %8u "
		    "%8llu %8llu %8llu %8u %8llu %8u\n",
		    (unsigned long long)d->ios[0], (unsigned long long)d->merges[0],
		    (unsigned long long)d->sectors[0], (unsigned)d->ticks_ms[0],
		    (unsigned long long)d->ios[1], (unsigned long long)d->merges[1],
		    (unsigned long long)d->sectors[1], (unsigned)d->ticks_ms[1],
		    0u, (unsigned)d->io_ticks_ms, (unsigned)d->time_in_queue_ms,
		    0ULL, 0ULL, 0ULL, 0u, 0ULL, 0u);
}

/*
 * A virtio disk's attributes as the reference host shows them: a 512-byte
 * logical and 4 KiB physical block, rotational (virtio-blk reports no
 * rotation rate), 256 requests, mq-deadline.
 */
static const char *const blkf_const[NR_BLKF] = {
	[BLKF_RANGE] = "16\n",
	[BLKF_EXT_RANGE] = "256\n",
	[BLKF_ZERO] = "0\n",
	[BLKF_ONE] = "1\n",
	[BLKF_512] = "512\n",
	[BLKF_4096] = "4096\n",
	[BLKF_NR_REQUESTS] = "256\n",
	[BLKF_MAX_SECTORS_KB] = "4096\n",
	[BLKF_SCHEDULER] = "none [mq-deadline] kyber bfq \n",
};

void render_block_file(struct rbuf *b, const struct mm_disk_snap *d, enum block_file f)
{
	switch (f) {
	case BLKF_STAT:
		part_stat(b, d);
		break;
	case BLKF_SIZE:
		rbuf_printf(b, "%llu\n", (unsigned long long)d->size);
		break;
	case BLKF_START:
		rbuf_printf(b, "%llu\n", (unsigned long long)d->start);
		break;
	case BLKF_PARTITION:
		rbuf_printf(b, "%d\n", d->partno);
		break;
	case BLKF_DEV:
		rbuf_printf(b, "%d:%d\n", d->major, d->minor);
		break;
	case BLKF_INFLIGHT:
		rbuf_printf(b, "%8u %8u\n", 0u, 0u);
		break;
	default:
		if (f >= BLKF_RANGE && f < NR_BLKF)
			rbuf_puts(b, blkf_const[f]);
		break;
	}
}

void render_pressure(struct rbuf *b, const struct mm_psi_snap *p)
{
	static const char *const names[2] = { "some", "full" };

	for (int s = 0; s < 2; s++) {
		rbuf_printf(b, "%s", names[s]);
		for (int w = 0; w < 3; w++) {
			unsigned long a = p->avg[s][w];

			/* LOAD_INT . LOAD_FRAC of a percentage in FSHIFT 11 fixed point */
			rbuf_printf(b, " avg%d=%lu.%02lu", w == 0 ? 10 : w == 1 ? 60 : 300,
				    a >> 11, ((a & 2047) * 100) >> 11);
		}
		rbuf_printf(b, " total=%llu\n", (unsigned long long)p->total_us[s]);
	}
}
