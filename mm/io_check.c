// SPDX-License-Identifier: MIT
/*
 * io_check.c - what check verifies of the disk counters (blk_stat.c) and
 * of memory pressure (psi.c): vda counts exactly what its one partition
 * does; a request carries at least one bio's sectors and merged bios add
 * theirs; FULL never exceeds SOME; the averages have seen no more stall
 * than there was; a tick is never charged more than its length; the next
 * averaging is at most one period away.
 */
#include <string.h>

#include "internal.h"
#include "swap.h"

/*
 * The swap partitions' disks: at most MM_MAX_SWAP_DISKS, names and numbers
 * unique, each request's sectors as on vda1; a swap device under /dev/ has
 * the disk of its name, any other counts on vda1.
 */
static int swap_disks_check(struct machine *m, struct rbuf_lite *out)
{
	int bad = 0;

	if (m->nr_swap_disks < 0 || m->nr_swap_disks > MM_MAX_SWAP_DISKS) {
		rbl_printf(out, "diskstats: %d swap disks\n", m->nr_swap_disks);
		return 1;
	}
	for (int i = 0; i < m->nr_swap_disks; i++) {
		const struct swap_disk *d = &m->swap_disks[i];
		const struct blk_stats *s = &d->stats;

		for (int j = 0; j < i; j++)
			if (!strcmp(m->swap_disks[j].name, d->name) ||
			    (m->swap_disks[j].major == d->major && m->swap_disks[j].minor == d->minor)) {
				rbl_printf(out, "diskstats: swap disks %s and %s share a name or %d:%d\n",
					   m->swap_disks[j].name, d->name, d->major, d->minor);
				bad++;
			}
		if (d->major == 254 && d->minor < 16) {
			rbl_printf(out, "diskstats: swap disk %s has vda's number\n", d->name);
			bad++;
		}
		for (int op = 0; op < 2; op++)
			if (s->sectors[op] != 8 * (s->ios[op] + s->merges[op])) {
				rbl_printf(out, "diskstats: %s %s %llu sectors for %llu bios\n", d->name,
					   op ? "wrote" : "read", (unsigned long long)s->sectors[op],
					   (unsigned long long)(s->ios[op] + s->merges[op]));
				bad++;
			}
		if (s->io_ticks_ns != s->nsecs[0] + s->nsecs[1]) {
			rbl_printf(out, "diskstats: %s busy %llu ns but its requests took %llu\n",
				   d->name, (unsigned long long)s->io_ticks_ns,
				   (unsigned long long)(s->nsecs[0] + s->nsecs[1]));
			bad++;
		}
	}
	for (int t = 0; t < MAX_SWAPFILES; t++) {
		const struct swap_info_struct *si = m->swap_info[t];

		if (!si)
			continue;
		if (si->blkdev ? si->disk < 0 || si->disk >= m->nr_swap_disks ||
				 strncmp(m->swap_disks[si->disk].name, si->path + 5,
					 sizeof(m->swap_disks[0].name) - 1)
			       : si->disk != -1) {
			rbl_printf(out, "diskstats: swap device %s counts on disk %d\n",
				   si->path, si->disk);
			bad++;
		}
	}
	return bad;
}

int io_check(struct machine *m, struct rbuf_lite *out)
{
	const struct blk_stats *d = &m->blk[0], *p = &m->blk[1];
	const struct psi_group *g = &m->psi;
	int bad = 0;

	for (int op = 0; op < 2; op++) {
		if (d->ios[op] != p->ios[op] || d->merges[op] != p->merges[op] ||
		    d->sectors[op] != p->sectors[op] || d->nsecs[op] != p->nsecs[op]) {
			rbl_printf(out, "diskstats: vda's %s counters differ from vda1's\n",
				   op ? "write" : "read");
			bad++;
		}
		if (p->sectors[op] != 8 * (p->ios[op] + p->merges[op])) {
			rbl_printf(out, "diskstats: vda1 %s %llu sectors for %llu bios\n",
				   op ? "wrote" : "read", (unsigned long long)p->sectors[op],
				   (unsigned long long)(p->ios[op] + p->merges[op]));
			bad++;
		}
	}
	if (p->io_ticks_ns != p->nsecs[0] + p->nsecs[1]) {
		rbl_printf(out, "diskstats: vda1 busy %llu ns but its requests took %llu\n",
			   (unsigned long long)p->io_ticks_ns,
			   (unsigned long long)(p->nsecs[0] + p->nsecs[1]));
		bad++;
	}
	bad += swap_disks_check(m, out);
	if (g->total[PSI_MEM_FULL] > g->total[PSI_MEM_SOME]) {
		rbl_printf(out, "psi: memory full %llu ns > some %llu ns\n",
			   (unsigned long long)g->total[PSI_MEM_FULL],
			   (unsigned long long)g->total[PSI_MEM_SOME]);
		bad++;
	}
	for (int s = 0; s < NR_PSI_MEM; s++) {
		if (g->avg_total[s] > g->total[s] || g->tick_stalled[s] > MM_TICK_NS) {
			rbl_printf(out, "psi: %s: averaged %llu of %llu ns, tick charged %llu ns\n",
				   s ? "full" : "some", (unsigned long long)g->avg_total[s],
				   (unsigned long long)g->total[s],
				   (unsigned long long)g->tick_stalled[s]);
			bad++;
		}
	}
	if (g->avg_next_update <= m->sim_ns || g->avg_next_update > m->sim_ns + PSI_PERIOD_NS) {
		rbl_printf(out, "psi: next averaging at %llu ns, now %llu ns\n",
			   (unsigned long long)g->avg_next_update, (unsigned long long)m->sim_ns);
		bad++;
	}
	return bad;
}
