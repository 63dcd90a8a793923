/* SPDX-License-Identifier: MIT */
/*
 * bench.c - mmfs-bench: the figures the project promises, each printed next
 * to a baseline measured in the same run, so that a figure means something
 * on any machine.
 *
 * Groups (--only NAME runs one):
 *   boot    the real daemon, ram=1G, 64G, 1T (nodes=1) and 1T,nodes=4:
 *           exec-to-mount time and the daemon's VmRSS, against an in-process
 *           mm_boot() of the same configuration; MNT/proc reads against the
 *           host's /proc; PASS/FAIL against the 1T,nodes=4 targets.
 *   alloc   in-process alloc_pages()+free_pages() of order 0 and 9 on a 4G
 *           machine, tight pairs and batches, against host malloc and mmap.
 *   ctlrun  in-process ctl_run() of whole command lines (no FUSE), against
 *           parse_command() alone.
 *   ctl     the same commands through one open MNT/ctl of a mounted daemon,
 *           one per write() and 1000 per write(), against the same write()s
 *           to a pipe, and against ctlrun (the FUSE overhead).
 *   vma     address spaces: mmap+munmap in process and through
 *           MNT/proc/1/ctl, mprotect split cost at 1k and 100k VMAs, a read
 *           of maps with 20k VMAs, bytes per VMA; all against the host
 *           kernel doing the same in the same run.
 *   fault   write faults: one touch of 256 MiB in process and through
 *           MNT/proc/1/ctl, against the host kernel's write faults and a
 *           memset of each 4 KiB page; fork of a process with 1 GiB
 *           touched against the host's; PASS/FAIL against the targets.
 *   cat     cat of a 256 MiB file through MNT/files/ (cold and warm
 *           simulated page cache) and a real mmap read of it, against the
 *           same file read straight from backing=DIR.
 *   fair    reads of proc/meminfo while another client populates 64 TiB
 *           (p50/p99/max), and a kill of that client's process, against
 *           the same reads on the idle machine.
 *   journal 1M commands with journal=FILE against none, the restart after
 *           a kill -9 (replay speed), and after a checkpoint.
 *   reclaim ram=1G,swap=4G touched with 4 GiB: pages reclaimed per second
 *           against the host kernel in a 1 GiB memory cgroup with a
 *           temporary swap file; the daemon's RSS; ram=64G touched with
 *           96 GiB (wall time, RSS); PASS/FAIL against the targets.
 *   malloc  glibc's malloc+free pairs in a simulated process (mm/libc/),
 *           through mm_syscall and through one ctl fd, against the host
 *           glibc's malloc+free in the same run.
 *   migrate move_pages of 1 GiB to the other node of a 2-node machine, and
 *           to the node it is on, in pages/s, against the host's
 *           move_pages of 1 GiB to its one node (bench_migrate.c).
 *   zswap   MADV_PAGEOUT of 64 MiB of text into the zswap pool (lz4, zstd)
 *           and the faults that bring it back, in pages/s, against liblz4
 *           and libzstd compressing the same pages (bench_zswap.c).
 *   trace    faults/s of a 64 MiB touch with no trace event enabled, with
 *           every event enabled but tracing_on 0, with events/kmem and with
 *           every event recording (bench_trace.c).
 *   page_owner  host bytes per faulted page and write faults per second
 *           with page_owner=on, against the same machine with it off in
 *           the same run (bench_owner.c).
 *   compaction compact_memory of a fragmented 4 GiB zone in pages migrated
 *           per second, against the host's compact_memory over 2 GiB of
 *           fragmented anonymous memory (bench_compaction.c).
 *
 * Output: one table, one figure per line, whitespace-separated columns
 *   group figure value unit baseline base_value ratio [verdict]
 * where ratio = value / base_value (so > 1 means "more than the baseline":
 * slower for a time, faster for a rate). Lines starting with '#' are notes.
 * Files: bench.c (this: table, rate loop, main), bench_daemon.c (mounting),
 * bench_boot.c, bench_alloc.c, bench_ctl.c, bench_vma.c, bench_fault.c,
 * bench_cat.c, bench_fair.c, bench_journal.c, bench_reclaim.c, bench_malloc.c,
 * bench_mempolicy.c, bench_replay.c (the groups).
 *
 * Exit status: 0 when every figure was measured (a missed target is a FAIL
 * line, not an error), 1 when something could not be measured, 2 on usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/utsname.h>

#include "bench.h"

struct bench_opts opt;

/* ---- clock and table ---- */

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void sleep_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

void row_verdict(const char *group, const char *figure, double value,
		 const char *unit, const char *base, double base_value,
		 const char *verdict)
{
	printf("%-7s %-30s %15.3f %-6s %-26s %15.3f ", group, figure, value,
	       unit, base, base_value);
	if (base_value > 0)
		printf("%10.3f", value / base_value);
	else
		printf("%10s", "-");
	printf("%s%s\n", verdict ? " " : "", verdict ? verdict : "");
	fflush(stdout);
}

void row(const char *group, const char *figure, double value,
	 const char *unit, const char *base, double base_value)
{
	row_verdict(group, figure, value, unit, base, base_value, NULL);
}

void row_skip(const char *group, const char *why)
{
	printf("%-7s %-30s %15s %s\n", group, "*", "SKIP", why);
	fflush(stdout);
}

void row_fail(const char *group, const char *figure, const char *fmt, ...)
{
	va_list ap;

	printf("%-7s %-30s %15s ", group, figure, "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	opt.errors++;
}

double measure_rate(step_fn step, void *ctx)
{
	uint64_t t0 = now_ns(), t;
	long total = 0, n;

	do {
		n = step(ctx);
		if (n < 0)
			return -1;
		total += n;
		t = now_ns();
	} while (t - t0 < opt.min_ns);
	return (double)total * 1e9 / (double)(t - t0);
}

/* ---- host facts ---- */

double vm_rss_mib(pid_t pid)
{
	char path[64], line[256];
	double kb = -1;
	FILE *f;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/status");
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %lf kB", &kb) == 1)
			break;
	fclose(f);
	return kb < 0 ? -1 : kb / 1024.0;
}

long slurp(const char *path)
{
	static char buf[1 << 17];
	long total = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += n;
	if (n < 0)
		total = -errno;
	close(fd);
	return total;
}

double read_us(const char *path, int tries)
{
	double best = -1;

	for (int i = 0; i < tries; i++) {
		uint64_t t0 = now_ns();

		if (slurp(path) <= 0)
			return -1;
		double us = (double)(now_ns() - t0) / 1e3;
		if (best < 0 || us < best)
			best = us;
	}
	return best;
}

/* ---- main ---- */

static const struct group {
	const char *name;
	void (*run)(void);
} groups[] = {
	{ "boot", bench_boot },
	{ "alloc", bench_alloc },
	{ "ctlrun", bench_ctlrun },	/* before ctl: ctl compares with it */
	{ "ctl", bench_ctl },
	{ "vma", bench_vma },
	{ "fault", bench_fault },
	{ "cat", bench_cat },
	{ "fair", bench_fair },
	{ "journal", bench_journal },
	{ "reclaim", bench_reclaim },
	{ "replay", bench_replay },
	{ "malloc", bench_malloc },
	{ "mempolicy", bench_mempolicy },
	{ "migrate", bench_migrate },
	{ "zswap", bench_zswap },
	{ "trace", bench_trace },
	{ "page_owner", bench_owner },
	{ "compaction", bench_compaction },
};

static const struct group *find_group(const char *name)
{
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (!strcmp(groups[i].name, name))
			return &groups[i];
	return NULL;
}

static void usage(FILE *f)
{
	/* The groups come from the table, so a new group cannot be left out. */
	fprintf(f, "usage: mmfs-bench [--quick] [--mmfs PATH] [--only GROUP]\nGROUP:");
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		fprintf(f, "%s%s", i ? "|" : " ", groups[i].name);
	fputc('\n', f);
}

static void print_header(void)
{
	struct utsname u;
	char date[64];
	time_t t = time(NULL);
	long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);

	uname(&u);
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S %Z", localtime(&t));
	printf("# mmfs-bench %s  %s  mode=%s\n", MMFS_VERSION, date,
	       opt.quick ? "quick" : "full");
	printf("# host: %s %s, %ld cpus, %.1f GiB RAM\n", u.sysname, u.release,
	       sysconf(_SC_NPROCESSORS_ONLN), (double)pages * (double)psz / (double)GiB);
	printf("# build: %s%s, MM_DEBUG %s; mmfs: %s\n",
#ifdef __OPTIMIZE__
	       "optimized",
#else
	       "NOT optimized",
#endif
#ifdef MMFS_LTO
	       " with LTO",
#else
	       ", no LTO",
#endif
#ifdef MM_DEBUG
	       "on",
#else
	       "off",
#endif
	       opt.mmfs ? opt.mmfs : "(none)");
	printf("# ratio = value / base_value; each rate measured for %.2f s\n",
	       (double)opt.min_ns / 1e9);
	printf("%-7s %-30s %15s %-6s %-26s %15s %10s\n", "#group", "figure", "value",
	       "unit", "baseline", "base_value", "ratio");
	fflush(stdout);
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--replay-workload"))
		return replay_workload(atol(argv[2]));	/* traced by the replay group */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			opt.quick = 1;
		} else if (!strcmp(argv[i], "--mmfs") && i + 1 < argc) {
			opt.mmfs = argv[++i];
		} else if (!strcmp(argv[i], "--only") && i + 1 < argc) {
			opt.only = argv[++i];
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (opt.only && !find_group(opt.only)) {
		fprintf(stderr, "mmfs-bench: no group %s\n", opt.only);
		usage(stderr);
		return 2;
	}
	if (opt.mmfs && access(opt.mmfs, X_OK) != 0) {
		fprintf(stderr, "mmfs-bench: %s: %s\n", opt.mmfs, strerror(errno));
		return 2;
	}
	if (!opt.mmfs)
		opt.mmfs = find_mmfs();
	opt.min_ns = opt.quick ? 20000000ULL : 1000000000ULL;
	install_cleanup();
	print_header();
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (!opt.only || !strcmp(opt.only, groups[i].name))
			groups[i].run();
	return opt.errors ? 1 : 0;
}

int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double median_of(double *t, int n)
{
	qsort(t, (size_t)n, sizeof(t[0]), cmp_double);
	return t[n / 2];
}
