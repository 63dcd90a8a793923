/* SPDX-License-Identifier: MIT */
/*
 * bench_vma.c - the vma group: the address-space figures, each against the
 * host kernel doing the same in the same run.
 *
 *   mmap+munmap pairs: mm_syscall() in process, and through a daemon's
 *     MNT/proc/1/ctl (one command per write, and CHUNK per write with
 *     MAP_FIXED at a known window), against the host's mmap+munmap.
 *   mprotect split+merge of one page in the middle of a large VMA, in a
 *     process with 1k and with 100k VMAs (the target: the 100k cost
 *     is at most 1.5x the 1k cost); the host at 1k and 60k (its
 *     vm.max_map_count, 65530, is left as it is).
 *   a whole read of MNT/proc/1/maps with 20k VMAs, against the host's
 *     /proc/self/maps with 20k VMAs (target: no slower than the host).
 *   host bytes per VMA of the model, against the host kernel's slab cost.
 *
 * VMAs are made the same way everywhere: a PROT_NONE reservation of 2K
 * pages, every odd page of which is made PROT_READ, so K calls leave 2K
 * VMAs that cannot merge.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "mm.h"
#include "bench.h"

#define PG		4096ULL
#define BIG_PAGES	1024ULL		/* the VMA that is split in its middle */
#define MAPS_VMAS	20000
#define SPLIT_TARGET	1.5
/* Windows of the daemon's pid 1 for fixed mappings: far from its layout. */
#define CTL_WINDOW	0x200000000ULL
#define MAPS_WINDOW	0x300000000ULL

static const int pair_kib[2] = { 4, 64 };
static double host_pair_rate[2], model_pair_rate[2];
static char why[256];

/* ---- the model, in process ---- */

static int msys(struct machine *m, int pid, enum mm_verb v, uint64_t addr, uint64_t len,
		uint64_t prot, uint64_t flags, uint64_t *ret)
{
	struct mm_call c = { .verb = v, .addr = addr, .len = len, .prot = prot,
			     .flags = flags, .fd = -1 };
	uint64_t r;
	int err;

	why[0] = '\0';
	err = mm_syscall(m, pid, &c, ret ? ret : &r, why, sizeof(why));
	if (err && !why[0])
		snprintf(why, sizeof(why), "%s: %s", mm_verb_name(v), strerror(-err));
	return err;
}

#define RW	(MM_PROT_READ | MM_PROT_WRITE)
#define ANON	(MM_MAP_PRIVATE | MM_MAP_ANONYMOUS)

struct pair_ctx {
	struct machine *m;
	uint64_t len;
};

static long step_model_pair(void *p)
{
	struct pair_ctx *c = p;
	uint64_t a;

	for (int i = 0; i < CHUNK; i++)
		if (msys(c->m, 1, MMV_MMAP, 0, c->len, RW, ANON, &a) ||
		    msys(c->m, 1, MMV_MUNMAP, a, c->len, 0, 0, NULL))
			return -1;
	return CHUNK;
}

static long step_host_pair(void *p)
{
	struct pair_ctx *c = p;

	for (int i = 0; i < CHUNK; i++) {
		void *a = mmap(NULL, c->len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (a == MAP_FAILED)
			return -1;
		munmap(a, c->len);
	}
	return CHUNK;
}

static void pair_figures(struct machine *m)
{
	char fig[64], base[64];

	for (int s = 0; s < 2; s++) {
		struct pair_ctx c = { m, (uint64_t)pair_kib[s] << 10 };

		snprintf(fig, sizeof(fig), "mmap_munmap.%dk.model", pair_kib[s]);
		snprintf(base, sizeof(base), "host_mmap%dk_munmap", pair_kib[s]);
		host_pair_rate[s] = measure_rate(step_host_pair, &c);
		model_pair_rate[s] = measure_rate(step_model_pair, &c);
		if (model_pair_rate[s] < 0)
			row_fail("vma", fig, "%s", why);
		else
			row("vma", fig, model_pair_rate[s], "pairs/s", base, host_pair_rate[s]);
	}
}

/* ---- many VMAs: model and host ---- */

/* 2*k VMAs in pid: k calls on a PROT_NONE reservation of 2k pages. */
static int model_grow(struct machine *m, int pid, long k)
{
	uint64_t base;

	if (msys(m, pid, MMV_MMAP, 0, 2 * k * PG, MM_PROT_NONE, ANON | MM_MAP_NORESERVE, &base))
		return -1;
	for (long i = 0; i < k; i++)
		if (msys(m, pid, MMV_MPROTECT, base + (2 * i + 1) * PG, PG, MM_PROT_READ, 0, NULL))
			return -1;
	return 0;
}

static size_t model_nr_vmas(struct machine *m, int pid)
{
	struct mm_task_snap *t = mm_snap_task(m, pid, 0);
	size_t n = t ? t->nr_vmas : 0;

	free(t);
	return n;
}

static char *host_grow(long k)
{
	char *base = mmap(NULL, 2 * k * PG, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (base == MAP_FAILED)
		return NULL;
	for (long i = 0; i < k; i++)
		if (mprotect(base + (2 * i + 1) * PG, PG, PROT_READ) < 0) {
			munmap(base, 2 * k * PG);
			return NULL;
		}
	return base;
}

static long host_nr_vmas(void)
{
	char line[512];
	long n = 0;
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += strchr(line, '\n') != NULL;
	fclose(f);
	return n;
}

/*
 * Host slab bytes (active objects x object size) of the caches a VMA costs
 * the kernel: vm_area_struct, and the maple tree nodes indexing them.
 * *objsize receives vm_area_struct's object size. -1 if unreadable.
 */
static double host_vma_slab_bytes(double *objsize)
{
	char line[512], name[64];
	double total = 0, act, sz;
	int found = 0;
	FILE *f = fopen("/proc/slabinfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %lf %*f %lf", name, &act, &sz) != 3)
			continue;
		if (!strcmp(name, "vm_area_struct")) {
			*objsize = sz;
			found = 1;
		} else if (strcmp(name, "maple_node")) {
			continue;
		}
		total += act * sz;
	}
	fclose(f);
	return found ? total : -1;
}

/* ---- mprotect split+merge ---- */

struct split_ctx {
	struct machine *m;
	int pid;
	uint64_t mid;		/* model: the page in the middle of the big VMA */
	char *host_mid;
};

static long step_model_split(void *p)
{
	struct split_ctx *c = p;

	for (int i = 0; i < CHUNK; i++)
		if (msys(c->m, c->pid, MMV_MPROTECT, c->mid, PG, MM_PROT_READ, 0, NULL) ||
		    msys(c->m, c->pid, MMV_MPROTECT, c->mid, PG, RW, 0, NULL))
			return -1;
	return CHUNK;
}

static long step_host_split(void *p)
{
	struct split_ctx *c = p;

	for (int i = 0; i < CHUNK; i++)
		if (mprotect(c->host_mid, PG, PROT_READ) < 0 ||
		    mprotect(c->host_mid, PG, PROT_READ | PROT_WRITE) < 0)
			return -1;
	return CHUNK;
}

/*
 * A new process of the model with 2*k more VMAs and a big VMA to split;
 * *rss_b and *heap_b receive the host memory the 2*k VMAs took.
 */
static int model_split_setup(struct split_ctx *c, long k, double *rss_b, double *heap_b)
{
	double rss0;
	size_t heap0;
	uint64_t big;

	if (mm_spawn(c->m, "vmabench", &c->pid, why, sizeof(why)))
		return -1;
	rss0 = vm_rss_mib(0);
	heap0 = mm_arena_bytes(c->m);
	if (model_grow(c->m, c->pid, k))
		return -1;
	*rss_b = (vm_rss_mib(0) - rss0) * (double)MiB;
	*heap_b = (double)mm_arena_bytes(c->m) - (double)heap0;
	if (msys(c->m, c->pid, MMV_MMAP, 0, BIG_PAGES * PG, RW, ANON, &big))
		return -1;
	c->mid = big + BIG_PAGES / 2 * PG;
	return 0;
}

/*
 * ns per split+merge in each of the two processes: the best of three
 * interleaved rounds of a third of the usual time each, so that a burst of
 * load on a shared host does not land on one size only.
 */
static int model_split_ns(struct split_ctx c[2], double ns[2])
{
	uint64_t min_ns = opt.min_ns;

	opt.min_ns = min_ns / 3;
	ns[0] = ns[1] = -1;
	for (int round = 0; round < 3; round++)
		for (int i = 0; i < 2; i++) {
			double rate = measure_rate(step_model_split, &c[i]);

			if (rate <= 0) {
				opt.min_ns = min_ns;
				return -1;
			}
			if (ns[i] < 0 || 1e9 / rate < ns[i])
				ns[i] = 1e9 / rate;
		}
	opt.min_ns = min_ns;
	return 0;
}

/* The same on the host, in this process; *slab_b: slab bytes per new VMA. */
static double host_split_ns(long k, long *nr, double *slab_b, double *objsize)
{
	struct split_ctx c = { 0 };
	double slab0 = host_vma_slab_bytes(objsize), slab1, rate;
	char *base = host_grow(k), *big;

	if (!base)
		return -1;
	slab1 = host_vma_slab_bytes(objsize);
	*slab_b = slab0 < 0 ? -1 : (slab1 - slab0) / (double)(2 * k);
	big = mmap(NULL, BIG_PAGES * PG, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (big == MAP_FAILED) {
		munmap(base, 2 * k * PG);
		return -1;
	}
	c.host_mid = big + BIG_PAGES / 2 * PG;
	*nr = host_nr_vmas();
	rate = measure_rate(step_host_split, &c);
	munmap(big, BIG_PAGES * PG);
	munmap(base, 2 * k * PG);
	return rate > 0 ? 1e9 / rate : -1;
}

static void split_figures(struct machine *m)
{
	static const long model_k[2] = { 500, 50000 }, host_k[2] = { 500, 30000 };
	static const char *const model_name[2] = { "1k", "100k" }, *const host_name[2] = { "1k", "60k" };
	double mns[2] = { -1, -1 }, hns[2], rss_b = 0, heap_b = 0, slab_b = -1, objsize = -1, junk;
	struct split_ctx c[2] = { { .m = m }, { .m = m } };
	size_t mnr[2];
	long hnr[2];
	char fig[64], base[64];

	if (model_split_setup(&c[0], model_k[0], &junk, &junk) == 0 &&
	    model_split_setup(&c[1], model_k[1], &rss_b, &heap_b) == 0)
		model_split_ns(c, mns);
	for (int i = 0; i < 2; i++) {
		mnr[i] = model_nr_vmas(m, c[i].pid);
		hns[i] = host_split_ns(host_k[i], &hnr[i], i ? &slab_b : &junk, &objsize);
	}
	printf("# vma: split processes have %zu and %zu VMAs in the model, %ld and %ld on the host"
	       " (host vm.max_map_count left at its value)\n", mnr[0], mnr[1], hnr[0], hnr[1]);
	for (int i = 0; i < 2; i++) {
		snprintf(fig, sizeof(fig), "mprotect_split_merge.%s", model_name[i]);
		snprintf(base, sizeof(base), "host_split_merge_%s_ns", host_name[i]);
		if (mns[i] < 0 || hns[i] < 0)
			row_fail("vma", fig, "%s", mns[i] < 0 ? why : strerror(errno));
		else
			row("vma", fig, mns[i], "ns", base, hns[i]);
	}
	if (mns[0] > 0 && mns[1] > 0)
		row_verdict("target", "vma.split_100k_over_1k", mns[1] / mns[0], "x",
			    "limit_x", SPLIT_TARGET,
			    mns[1] / mns[0] <= SPLIT_TARGET ? "PASS" : "FAIL");
	if (hns[0] > 0 && hns[1] > 0)
		row("vma", "host.split_60k_over_1k", hns[1] / hns[0], "x", "limit_x", SPLIT_TARGET);
	if (mns[1] < 0)
		return;
	row("vma", "bytes_per_vma.rss", rss_b / (2.0 * (double)model_k[1]), "B",
	    "host_slab_vm_area_struct", objsize);
	row("vma", "bytes_per_vma.arena", heap_b / (2.0 * (double)model_k[1]), "B",
	    "host_slab_vma+maple_delta", slab_b);
}

/* ---- through the daemon ---- */

static char replies[1 << 18];

/* Replies pending on fd (all of them, or up to the first '\n' with one). */
static long read_replies(int fd, int one)
{
	size_t total = 0;
	ssize_t n;

	while (total < sizeof(replies) - 1) {
		n = read(fd, replies + total, sizeof(replies) - 1 - total);
		if (n < 0) {
			snprintf(why, sizeof(why), "read ctl: %s", strerror(errno));
			return -1;
		}
		total += (size_t)n;
		if (n == 0 || (one && replies[total - 1] == '\n'))
			break;
	}
	replies[total] = '\0';
	return (long)total;
}

static int ctl_send(int fd, const char *buf, size_t len)
{
	ssize_t n = write(fd, buf, len);

	if (n == (ssize_t)len)
		return 0;
	snprintf(why, sizeof(why), "write(\"%.*s\"...) = %zd (%s)", (int)strcspn(buf, "\n"),
		 buf, n, n < 0 ? strerror(errno) : "short");
	return -1;
}

struct ctl_ctx {
	int fd;
	char *batch;
	size_t batch_len;
};

/* 100 pairs: mmap, read the address it replies, munmap it, read the 0. */
static long step_ctl_pair(void *p)
{
	struct ctl_ctx *c = p;
	static const char mm[] = "mmap 0 4096 rw- private,anon\n";
	char line[64];
	char *end;

	for (int i = 0; i < 100; i++) {
		if (ctl_send(c->fd, mm, sizeof(mm) - 1) || read_replies(c->fd, 1) < 0)
			return -1;
		unsigned long long a = strtoull(replies, &end, 0);
		if (end == replies || *end != '\n') {
			snprintf(why, sizeof(why), "mmap replied \"%.40s\"", replies);
			return -1;
		}
		int len = snprintf(line, sizeof(line), "munmap 0x%llx 4096\n", a);
		if (ctl_send(c->fd, line, (size_t)len) || read_replies(c->fd, 1) < 0)
			return -1;
		if (strcmp(replies, "0\n")) {
			snprintf(why, sizeof(why), "munmap replied \"%.40s\"", replies);
			return -1;
		}
	}
	return 100;
}

static int count_char(const char *s, char ch)
{
	int n = 0;

	while ((s = strchr(s, ch))) {
		s++;
		n++;
	}
	return n;
}

/* CHUNK/2 fixed mmap+munmap pairs in one write; every reply checked. */
static long step_ctl_batch(void *p)
{
	struct ctl_ctx *c = p;

	if (ctl_send(c->fd, c->batch, c->batch_len) || read_replies(c->fd, 0) < 0)
		return -1;
	if (count_char(replies, '\n') != CHUNK || strstr(replies, "error")) {
		snprintf(why, sizeof(why), "%d replies to %d commands, first \"%.40s\"",
			 count_char(replies, '\n'), CHUNK, replies);
		return -1;
	}
	return CHUNK / 2;
}

static size_t build_pair_batch(char *buf, size_t cap)
{
	size_t len = 0;

	for (int i = 0; i < CHUNK / 2; i++)
		len += (size_t)snprintf(buf + len, cap - len,
					"mmap 0x%llx 4096 rw- private,anon,fixed\n"
					"munmap 0x%llx 4096\n", CTL_WINDOW, CTL_WINDOW);
	return len;
}

static void ctl_pair_figures(int fd)
{
	static char batch[CHUNK * 48];
	struct ctl_ctx c = { fd, batch, 0 };
	static const char *const fig[2] = { "mmap_munmap.4k.ctl_1perwrite",
					    "mmap_munmap.4k.ctl_1000perwrite" };

	c.batch_len = build_pair_batch(batch, sizeof(batch));
	for (int b = 0; b < 2; b++) {
		double r = measure_rate(b ? step_ctl_batch : step_ctl_pair, &c);

		if (r < 0) {
			row_fail("vma", fig[b], "%s", why);
			continue;
		}
		row("vma", fig[b], r, "pairs/s", "host_mmap4k_munmap", host_pair_rate[0]);
		if (model_pair_rate[0] > 0)
			row("vma", fig[b], r, "pairs/s", "inproc_model_api", model_pair_rate[0]);
	}
}

/* Give the daemon's pid 1 MAPS_VMAS VMAs in writes of CHUNK commands. */
static int ctl_grow(int fd)
{
	static char buf[CHUNK * 48];
	size_t len = (size_t)snprintf(buf, sizeof(buf),
				      "mmap 0x%llx %llu --- private,anon,noreserve,fixed\n",
				      MAPS_WINDOW, MAPS_VMAS * PG);

	for (int i = 0; i < MAPS_VMAS / 2; i++) {
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "mprotect 0x%llx 4096 r--\n",
					MAPS_WINDOW + (2ULL * (unsigned)i + 1) * PG);
		if ((i + 1) % CHUNK == 0 || i == MAPS_VMAS / 2 - 1) {
			if (ctl_send(fd, buf, len) || read_replies(fd, 0) < 0)
				return -1;
			len = 0;
		}
	}
	return 0;
}

/* One whole read in 128 KiB read()s, in us; *bytes what it returned. */
static double read_once_us(const char *path, long *bytes)
{
	static char buf[128 << 10];
	uint64_t t0 = now_ns();
	int fd = open(path, O_RDONLY);
	ssize_t n;

	*bytes = 0;
	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		*bytes += n;
	close(fd);
	return n < 0 ? -1 : (double)(now_ns() - t0) / 1e3;
}

/* Median of n whole reads, in us; -1 on error. */
static double median_read_us(const char *path, int n, long *bytes)
{
	double t[15];

	for (int i = 0; i < n; i++)
		if ((t[i] = read_once_us(path, bytes)) < 0)
			return -1;
	return median_of(t, n);
}

static void maps_figures(int fd)
{
	int n = opt.quick ? 3 : 15;
	char path[160];
	long fb, hb, hnr;
	double fus, hus;
	char *base;

	snprintf(path, sizeof(path), "%s/proc/1/maps", mmfsd.mnt);
	if (ctl_grow(fd)) {
		row_fail("vma", "maps_read.20k", "%s", why);
		return;
	}
	fus = median_read_us(path, n, &fb);
	base = host_grow(MAPS_VMAS / 2);
	if (!base) {
		row_fail("vma", "maps_read.20k", "host: %s", strerror(errno));
		return;
	}
	hnr = host_nr_vmas();
	hus = median_read_us("/proc/self/maps", n, &hb);
	munmap(base, MAPS_VMAS * PG);
	if (fus < 0 || hus < 0) {
		row_fail("vma", "maps_read.20k", "read: %s", strerror(errno));
		return;
	}
	printf("# vma: maps of pid 1 through FUSE: %ld bytes; host /proc/self/maps: %ld bytes,"
	       " %ld VMAs; median of %d reads\n", fb, hb, hnr, n);
	row("vma", "maps_read.20k_fuse_us", fus, "us", "host_proc_self_maps_20k_us", hus);
	row_verdict("target", "vma.maps_20k_over_host", fus / hus, "x", "limit_x", 1.0,
		    fus <= hus ? "PASS" : "FAIL");
}

/* VmHWM of pid in MiB (the peak resident set), or -1. */
static double vm_hwm_mib(pid_t pid)
{
	char path[64], line[256];
	double kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %lf kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb < 0 ? -1 : kb / 1024;
}

/*
 * smaps of a process with 1M VMAs (715 MB of text), read as cat does: the
 * daemon's peak RSS during the read against its RSS before it (the model
 * holding the million VMAs). Target: the peak under 300 MiB.
 */
static void smaps_1m_figures(void)
{
	static char buf[1 << 20];
	char path[160];
	double before, peak, t;
	uint64_t t0, bytes = 0;
	ssize_t k;
	int fd;

	snprintf(path, sizeof(path), "%s/proc/sys/vm/max_map_count", mmfsd.mnt);
	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, "1100000\n", 8) != 8) {
		row_fail("vma", "smaps_1m", "max_map_count: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	snprintf(path, sizeof(path), "%s/ctl", mmfsd.mnt);
	fd = open(path, O_WRONLY);
	k = fd < 0 ? -1 : write(fd, "spawn\n", 6);
	if (fd >= 0)
		close(fd);
	snprintf(path, sizeof(path), "%s/proc/2/ctl", mmfsd.mnt);
	fd = k == 6 ? open(path, O_WRONLY) : -1;
	for (int i = 0; fd >= 0 && i < 100; i++) {
		size_t len = 0;

		for (int j = 0; j < 10000; j++) {
			const char *l = j % 2 ? "mmap 0 4K r-- private,anon\n" : "mmap 0 4K rw- private,anon\n";

			memcpy(buf + len, l, strlen(l));
			len += strlen(l);
		}
		if (write(fd, buf, len) != (ssize_t)len) {
			close(fd);
			fd = -1;
		}
	}
	if (fd < 0) {
		row_fail("vma", "smaps_1m", "growing pid 2 to 1M VMAs: %s", strerror(errno));
		return;
	}
	close(fd);
	snprintf(path, sizeof(path), "/proc/%d/clear_refs", (int)mmfsd.pid);
	fd = open(path, O_WRONLY);	/* 5: reset VmHWM to the current RSS */
	if (fd >= 0) {
		if (write(fd, "5", 1) != 1) {
		}
		close(fd);
	}
	before = vm_rss_mib(mmfsd.pid);
	snprintf(path, sizeof(path), "%s/proc/2/smaps", mmfsd.mnt);
	fd = open(path, O_RDONLY);
	t0 = now_ns();
	while (fd >= 0 && (k = read(fd, buf, 128 << 10)) > 0)
		bytes += (uint64_t)k;
	t = (double)(now_ns() - t0) / 1e9;
	if (fd >= 0)
		close(fd);
	peak = vm_hwm_mib(mmfsd.pid);
	printf("# vma: smaps of 1M VMAs: %.0f MB read in %.1f s\n", (double)bytes / 1e6, t);
	row_verdict("vma", "smaps_1m.daemon_peak_rss", peak, "MiB", "daemon_rss_before_read",
		    before, peak < 300 ? "PASS(<300MiB)" : "FAIL(<300MiB)");
	row("vma", "smaps_1m.read_mb_s", (double)bytes / 1e6 / t, "MB/s", "-", 0);
}

static void bench_vma_fuse(void)
{
	const char *no = fuse_unavailable();
	char path[160];
	double mount_ms;
	int fd;

	if (no) {
		row_skip("vma", no);
		return;
	}
	if (daemon_start("ram=4G", &mount_ms, why, sizeof(why)) < 0) {
		row_fail("vma", "*", "%s", why);
		return;
	}
	snprintf(path, sizeof(path), "%s/proc/1/ctl", mmfsd.mnt);
	fd = open(path, O_RDWR);
	if (fd < 0) {
		row_fail("vma", "*", "open %s: %s", path, strerror(errno));
	} else {
		ctl_pair_figures(fd);
		maps_figures(fd);
		close(fd);
		if (!opt.quick)
			smaps_1m_figures();
	}
	if (daemon_stop() < 0)
		row_fail("vma", "unmount", "daemon did not exit cleanly after unmount");
}

void bench_vma(void)
{
	struct mm_config cfg = { .ram_bytes = 4 * GiB, .nr_nodes = 1 };
	struct machine *m = mm_boot(&cfg, why, sizeof(why));
	int err;

	if (!m) {
		row_fail("vma", "*", "mm_boot(4G): %s", why);
		return;
	}
	err = mm_tunable_write(m, "max_map_count", "1000000", 7);
	if (err)
		row_fail("vma", "max_map_count", "%s", strerror(-err));
	pair_figures(m);
	split_figures(m);
	mm_shutdown(m);
	bench_vma_fuse();
}
