// SPDX-License-Identifier: MIT
/*
 * reclaim_probe_io.c - reclaim_probe's plumbing: errors, the /proc files
 * it reads (the host's or the mount's), waiting for the host's swap I/O,
 * the control files of an mmfs mount, and how each side starts.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "reclaim_probe.h"

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("reclaim_probe: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

/* ---- files of /proc (the host's or the mount's) ---- */

const char *proc_path(const char *rel)
{
	static char p[4200];

	snprintf(p, sizeof(p), "%s/proc/%s", P.host ? "" : P.mnt, rel);
	return p;
}

/* The whole of a file into buf (NUL-terminated); its length. */
size_t read_all(const char *path)
{
	int fd = open(path, O_RDONLY);
	size_t n = 0;
	ssize_t k;

	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	while ((k = read(fd, buf + n, BUF_SIZE - 1 - n)) > 0)
		n += (size_t)k;
	close(fd);
	buf[n] = 0;
	return n;
}

/* The number after "KEY " (vmstat) or "KEY:" (smaps, meminfo) in text; -1 if absent. */
long field(const char *text, const char *key)
{
	size_t kl = strlen(key);

	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
		if (!strncmp(l, key, kl) && (l[kl] == ' ' || l[kl] == ':'))
			return strtol(l + kl + 1, NULL, 10);
	return -1;
}

long vmstat(const char *key)
{
	long v;

	read_all(proc_path("vmstat"));
	v = field(buf, key);
	if (v < 0)
		die("vmstat has no %s", key);
	return v;
}

long majflt(void)
{
	char rel[64];
	const char *p;
	long v = -1;

	snprintf(rel, sizeof(rel), "%d/stat", P.pid);
	read_all(proc_path(rel));
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %ld", &v) != 1)
		die("no majflt in %s", rel);
	return v;
}

/* smaps KEY (kB) of the VMA that starts at addr. */
long smaps_kb(uint64_t addr, const char *key)
{
	char rel[64], head[32], *vma;

	snprintf(rel, sizeof(rel), "%d/smaps", P.pid);
	read_all(proc_path(rel));
	snprintf(head, sizeof(head), "%lx-", (unsigned long)addr);
	vma = strstr(buf, head);
	if (!vma)
		die("smaps has no VMA at %#lx", (unsigned long)addr);
	return field(strchr(vma, '\n') + 1, key);
}

/* ---- the host: settle its swap I/O ---- */

void device_sectors(long *rd, long *wr, long *busy)
{
	char path[256];
	long f[9] = { 0 };

	snprintf(path, sizeof(path), "/sys/block/%s/stat", P.dev);
	read_all(path);
	if (sscanf(buf, "%ld %ld %ld %ld %ld %ld %ld %ld %ld", &f[0], &f[1], &f[2], &f[3], &f[4],
		   &f[5], &f[6], &f[7], &f[8]) != 9)
		die("%s: unreadable", path);
	*rd = f[2];
	*wr = f[6];
	*busy = f[8];	/* requests in flight */
}

/*
 * Wait (up to 10 s) until the device has completed as many sectors as
 * pswpin and pswpout say pages were read and written: then mincore sees
 * readahead pages as up to date.
 */
void settle(void)
{
	if (!P.host)
		return;
	for (int tries = 0; tries < 2000; tries++) {
		long rd, wr, busy, in = vmstat("pswpin") - P.in0, out = vmstat("pswpout") - P.out0;

		device_sectors(&rd, &wr, &busy);
		if (!busy && rd - P.io_rd >= 8 * in && wr - P.io_wr >= 8 * out)
			return;
		usleep(5000);
	}
	fprintf(stderr, "reclaim_probe: swap I/O did not settle\n");
}

/* ---- mmfs: the control files ---- */

/* Send one command line on fd, return its reply (static). */
const char *ask(int fd, const char *fmt, ...)
{
	static char reply[1 << 16];
	char line[512];
	size_t n = 0;
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	line[len++] = '\n';
	if (write(fd, line, (size_t)len) < 0 && errno != ENOMEM && errno != EINVAL)
		die("ctl: %.*s: %s", len - 1, line, strerror(errno));
	while (n < sizeof(reply) - 1 && read(fd, reply + n, 1) == 1 && reply[n] != '\n')
		n++;
	reply[n] = 0;
	if (!strncmp(reply, "error", 5))
		die("mmfs: %.*s: %s", len - 1, line, reply);
	return reply;
}

int open_or_die(const char *path, int flags)
{
	int fd = open(path, flags);

	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	return fd;
}

/* ---- starting ---- */

void host_start(void)
{
	char path[4200], me[32];
	cpu_set_t one;
	int fd, cpu = sched_getcpu();
	long busy;

	snprintf(path, sizeof(path), "%s/cgroup.procs", P.cg);
	fd = open_or_die(path, O_WRONLY);
	snprintf(me, sizeof(me), "%d\n", (int)getpid());
	if (write(fd, me, strlen(me)) < 0)
		die("joining %s: %s", P.cg, strerror(errno));
	close(fd);
	CPU_ZERO(&one);
	CPU_SET(cpu < 0 ? 0 : cpu, &one);
	if (sched_setaffinity(0, sizeof(one), &one))
		die("sched_setaffinity: %s", strerror(errno));
	P.pid = getpid();
	device_sectors(&P.io_rd, &P.io_wr, &busy);
	P.in0 = vmstat("pswpin");
	P.out0 = vmstat("pswpout");
	if (mlockall(MCL_CURRENT))
		die("mlockall: %s", strerror(errno));
	read_all("/proc/self/status");
	printf("# host probe: VmLck %ld kB\n", field(buf, "VmLck"));
}

/*
 * The pages the scenario has to itself ("~ room"): in the memory cgroup,
 * its limit less what the probe holds; in mmfs, the free pages above the
 * zones' high watermarks, where kswapd stops.
 */
long room(void)
{
	long pages = 0, high = 0;

	if (P.host) {
		char path[4200];
		long limit, usage;

		snprintf(path, sizeof(path), "%s/memory.limit_in_bytes", P.cg);
		read_all(path);
		limit = atol(buf);
		snprintf(path, sizeof(path), "%s/memory.usage_in_bytes", P.cg);
		read_all(path);
		usage = atol(buf);
		return (limit - usage) / (long)PAGE;
	}
	read_all(proc_path("meminfo"));
	pages = field(buf, "MemFree") / 4;
	read_all(proc_path("zoneinfo"));
	for (const char *l = buf; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		long v;

		if (sscanf(l, " high %ld", &v) == 1)
			high = v;
		else if (sscanf(l, " managed %ld", &v) == 1 && v)
			pages -= high;	/* a populated zone keeps its high watermark free */
	}
	return pages;
}

void mmfs_start(void)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/ctl", P.mnt);
	P.gctl = open_or_die(path, O_RDWR);
	P.pid = atoi(ask(P.gctl, "spawn reclaimprobe"));
	snprintf(path, sizeof(path), "%s/proc/%d/ctl", P.mnt, P.pid);
	P.ctl = open_or_die(path, O_RDWR);
}
