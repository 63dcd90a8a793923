/* SPDX-License-Identifier: MIT */
/*
 * bench_boot.c - the boot group: how long the daemon takes from exec to an
 * answering mount, and how much host memory it holds, for small to huge
 * machines; against mm_boot() in this process, which is the model alone.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm.h"
#include "bench.h"

/* The targets for ram=1T,nodes=4. */
#define TARGET_BOOT_S	1.0
#define TARGET_RSS_MIB	1536.0

struct boot_case {
	const char *name;	/* figure prefix */
	const char *opts;	/* daemon -o */
	uint64_t ram;
	int nodes;
	int target;		/* compare with the targets */
};

/* In-process mm_boot() time and the model's RSS once booted and snapshotted. */
static int boot_inproc(const struct boot_case *bc, double *ms, double *rss_mib)
{
	struct mm_config cfg = { .ram_bytes = bc->ram, .nr_nodes = bc->nodes,
				 .swap_bytes = 256 * MiB };
	char why[160] = "";
	double rss0 = vm_rss_mib(0);
	uint64_t t0 = now_ns();
	struct machine *m = mm_boot(&cfg, why, sizeof(why));
	struct mm_global_snap *g;

	if (!m) {
		row_fail("boot", bc->name, "mm_boot: %s", why);
		return -1;
	}
	*ms = (double)(now_ns() - t0) / 1e6;
	g = mm_snap_global(m);
	*rss_mib = vm_rss_mib(0) - rss0;
	free(g);
	mm_shutdown(m);
	return 0;
}

/* What one daemon run measured; times in ms and us, sizes in MiB. */
struct boot_result {
	double mount_ms;
	double rss[3];			/* mounted, after meminfo, after zoneinfo */
	long mi_bytes, zi_bytes;	/* first reads: > 0, or -errno */
	double mi_us, zi_us;		/* best of 5 reads of MNT/proc/... */
	int stop;			/* daemon_stop() */
};

static const char *const rss_when[3] = { "mounted", "meminfo", "zoneinfo" };

static int boot_daemon(const struct boot_case *bc, struct boot_result *r)
{
	char why[256], mi[160], zi[160];

	if (daemon_start(bc->opts, &r->mount_ms, why, sizeof(why)) < 0) {
		row_fail("boot", bc->name, "%s", why);
		return -1;
	}
	snprintf(mi, sizeof(mi), "%s/proc/meminfo", mmfsd.mnt);
	snprintf(zi, sizeof(zi), "%s/proc/zoneinfo", mmfsd.mnt);
	r->rss[0] = vm_rss_mib(mmfsd.pid);
	r->mi_bytes = slurp(mi);
	r->rss[1] = vm_rss_mib(mmfsd.pid);
	r->zi_bytes = slurp(zi);
	r->rss[2] = vm_rss_mib(mmfsd.pid);
	r->mi_us = read_us(mi, 5);
	r->zi_us = read_us(zi, 5);
	r->stop = daemon_stop();
	return 0;
}

static void row_read(const struct boot_case *bc, const char *file, long bytes,
		     double us, double host_us)
{
	char fig[64], base[64];

	snprintf(fig, sizeof(fig), "%s.read_%s", bc->name, file);
	snprintf(base, sizeof(base), "host_proc_%s_us", file);
	if (bytes > 0 && us > 0)
		row("boot", fig, us, "us", base, host_us);
	else
		row_fail("boot", fig, "read: %s", bytes < 0 ? strerror((int)-bytes) : "empty");
}

static void boot_targets(const struct boot_case *bc, const struct boot_result *r)
{
	double max_rss = -1;
	char fig[64];

	for (int i = 0; i < 3; i++)
		if (r->rss[i] > max_rss)
			max_rss = r->rss[i];
	snprintf(fig, sizeof(fig), "%s.boot_s", bc->name);
	row_verdict("target", fig, r->mount_ms / 1e3, "s", "limit_s", TARGET_BOOT_S,
		    r->mount_ms / 1e3 < TARGET_BOOT_S ? "PASS" : "FAIL");
	snprintf(fig, sizeof(fig), "%s.rss_MiB", bc->name);
	row_verdict("target", fig, max_rss, "MiB", "limit_MiB", TARGET_RSS_MIB,
		    max_rss >= 0 && max_rss < TARGET_RSS_MIB ? "PASS" : "FAIL");
}

static void boot_one(const struct boot_case *bc)
{
	double boot_ms, model_rss, host_mi, host_zi;
	struct boot_result r;
	char fig[64];

	if (boot_inproc(bc, &boot_ms, &model_rss) < 0 || boot_daemon(bc, &r) < 0)
		return;
	host_mi = read_us("/proc/meminfo", 5);
	host_zi = read_us("/proc/zoneinfo", 5);

	snprintf(fig, sizeof(fig), "%s.mount_ms", bc->name);
	row("boot", fig, r.mount_ms, "ms", "inproc_mm_boot_ms", boot_ms);
	for (int i = 0; i < 3; i++) {
		snprintf(fig, sizeof(fig), "%s.rss_%s", bc->name, rss_when[i]);
		row("boot", fig, r.rss[i], "MiB", "inproc_model_rss_MiB", model_rss);
	}
	row_read(bc, "meminfo", r.mi_bytes, r.mi_us, host_mi);
	row_read(bc, "zoneinfo", r.zi_bytes, r.zi_us, host_zi);
	if (r.stop < 0) {
		snprintf(fig, sizeof(fig), "%s.unmount", bc->name);
		row_fail("boot", fig, "daemon did not exit cleanly after unmount");
	}
	if (bc->target)
		boot_targets(bc, &r);
}

void bench_boot(void)
{
	static const struct boot_case cases[] = {
		{ "1G/n1",  "ram=1G,nodes=1",  1 * GiB, 1, 0 },
		{ "64G/n1", "ram=64G,nodes=1", 64 * GiB, 1, 0 },
		{ "1T/n1",  "ram=1T,nodes=1",  1 * TiB, 1, 0 },
		{ "1T/n4",  "ram=1T,nodes=4",  1 * TiB, 4, 1 },
	};
	const char *why = fuse_unavailable();

	if (why) {
		row_skip("boot", why);
		return;
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		boot_one(&cases[i]);
}

