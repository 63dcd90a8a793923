/* SPDX-License-Identifier: MIT */
/*
 * test_extfrag.c - sys/kernel/debug/extfrag/{unusable,extfrag}_index
 * (fs/render_extfrag.c): hand-computed values, and the host kernel's own
 * files for the buddy lists it shows in /proc/buddyinfo at that moment.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "../../fs/render.h"

static struct mm_global_snap *snap_new(int nr_nodes)
{
	struct mm_global_snap *s = calloc(1, sizeof(*s) + (size_t)nr_nodes * sizeof(s->node[0]));

	cr_assert(s);
	s->nr_nodes = nr_nodes;
	return s;
}

static char *render(void (*fn)(struct rbuf *, const struct mm_global_snap *),
		    const struct mm_global_snap *s)
{
	struct rbuf b = { 0 };

	fn(&b, s);
	return b.buf;
}

/*
 * One DMA32 zone with 3 order-0 blocks, 1 of order 2 and 1 of order 3:
 * F = 3 + 4 + 8 = 15 pages in B = 5 blocks. Order 0: S = 15 blocks, unusable
 * (15 - 15) / 15 = 0, extfrag -1 (it can be met). Order 1: S = 2 + 4 = 6,
 * unusable (15 - 12) / 15 = 0.200. Order 3: S = 1, unusable 7/15 = 0.466.
 * Order 4: S = 0, unusable 1.000, extfrag 1000 - (1000 + 15000 / 16) / 5
 * = 1000 - 1937 / 5 = 1000 - 387 = 0.613. Order 10: 1000 - (1000 + 14) / 5
 * = 0.798. An empty zone: 0 for both.
 */
Test(extfrag, hand_computed)
{
	struct mm_global_snap *s = snap_new(1);
	struct mm_zone_snap *z = &s->node[0].zone[ZONE_DMA32];
	char *u, *e;

	z->populated = 1;
	z->nr_free[0][MIGRATE_MOVABLE] = 2;
	z->nr_free[0][MIGRATE_UNMOVABLE] = 1;
	z->nr_free[2][MIGRATE_MOVABLE] = 1;
	z->nr_free[3][MIGRATE_RECLAIMABLE] = 1;
	s->node[0].zone[ZONE_DMA].populated = 1;	/* nothing free */
	u = render(render_unusable_index, s);
	e = render(render_extfrag_index, s);
	cr_expect_str_eq(u,
		"Node 0, zone      DMA 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 \n"
		"Node 0, zone    DMA32 0.000 0.200 0.200 0.466 1.000 1.000 1.000 1.000 1.000 1.000 1.000 \n");
	cr_expect_str_eq(e,
		"Node 0, zone      DMA  0.000  0.000  0.000  0.000  0.000  0.000  0.000  0.000  0.000  0.000  0.000 \n"
		"Node 0, zone    DMA32 -1.000 -1.000 -1.000 -1.000  0.613  0.707  0.754  0.777  0.789  0.795  0.798 \n");
	free(u);
	free(e);
	free(s);
}

/* ---- the host's files, for the host's buddy lists ---- */

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 1 << 16);
	size_t n;

	if (!f) {
		free(buf);
		return NULL;
	}
	n = fread(buf, 1, (1 << 16) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* /proc/buddyinfo into a snapshot (all blocks counted as Movable). */
static struct mm_global_snap *from_buddyinfo(const char *text)
{
	struct mm_global_snap *s = snap_new(4);
	const char *p = text;

	s->nr_nodes = 0;
	while (p && *p) {
		int nid, off, z;
		char zone[16];
		unsigned long long v;

		cr_assert_eq(sscanf(p, "Node %d, zone %15s%n", &nid, zone, &off), 2, "'%.40s'", p);
		cr_assert_lt(nid, 4);
		for (z = 0; z < MAX_NR_ZONES && strcmp(zone_names[z], zone); z++)
			;
		cr_assert_lt(z, MAX_NR_ZONES, "zone %s", zone);
		s->node[nid].zone[z].populated = 1;
		p += off;
		for (int o = 0; o < MM_NR_ORDERS; o++) {
			cr_assert_eq(sscanf(p, "%llu%n", &v, &off), 1);
			s->node[nid].zone[z].nr_free[o][MIGRATE_MOVABLE] = v;
			p += off;
		}
		if (nid + 1 > s->nr_nodes)
			s->nr_nodes = nid + 1;
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return s;
}

Test(extfrag, as_the_host_computes_them)
{
	const char *dir = "/sys/kernel/debug/extfrag";
	int mounted = 0, same = 0;
	struct stat st;

	if (stat(dir, &st)) {
		if (mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL))
			cr_skip_test("debugfs cannot be mounted here: %s", strerror(errno));
		mounted = 1;
	}
	/* the host's lists move: take the files between two equal buddyinfo reads */
	for (int tries = 0; tries < 200 && !same; tries++) {
		char *b0 = slurp("/proc/buddyinfo");
		char *u = slurp("/sys/kernel/debug/extfrag/unusable_index");
		char *e = slurp("/sys/kernel/debug/extfrag/extfrag_index");
		char *b1 = slurp("/proc/buddyinfo");

		cr_assert(b0 && u && e && b1);
		if (!strcmp(b0, b1)) {
			struct mm_global_snap *s = from_buddyinfo(b0);
			char *mu = render(render_unusable_index, s);
			char *me = render(render_extfrag_index, s);

			cr_expect_str_eq(mu, u, "unusable_index differs for\n%s", b0);
			cr_expect_str_eq(me, e, "extfrag_index differs for\n%s", b0);
			free(mu);
			free(me);
			free(s);
			same = 1;
		}
		free(b0);
		free(u);
		free(e);
		free(b1);
	}
	if (mounted)
		umount("/sys/kernel/debug");
	cr_assert(same, "the host's buddyinfo never held still");
}
