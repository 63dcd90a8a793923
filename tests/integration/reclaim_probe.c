// SPDX-License-Identifier: MIT
/*
 * reclaim_probe - one memory-pressure scenario, on the host kernel (in a
 * memory cgroup) or in a process of an mmfs mount (a machine short of
 * RAM), reported in one format so that reclaim_host.sh can compare them
 * (doc/difftest.md, "Reclaim order against the host").
 *
 *   reclaim_probe host --cg DIR --dev loopN --files DIR  < SCENARIO
 *   reclaim_probe mmfs --mount MNT                       < SCENARIO
 *
 * Host: the probe joins the memory cgroup DIR, stays on one CPU and
 * mlocks what it has mapped so far (mlockall MCL_CURRENT), so that only
 * the scenario's regions are reclaimable and take swap slots; after each
 * step it waits until the swap device loopN has completed the reads and
 * writes that pswpin and pswpout count. Files are DIR/NAME (host) or
 * MNT/files/NAME (mmfs).
 *
 * The scenario, one step a line ('#' starts a comment; A-B is inclusive,
 * "all" the whole region; regions are 2 MiB-aligned, 256 MiB apart, in the
 * order they are made):
 *
 *   anon NAME PAGES | shared NAME PAGES     private or shared anonymous rw-
 *   file NAME PAGES                         a read-only shared map of file NAME
 *   write NAME A-B [STEP]                   a stamp into each page, in order;
 *                                           with STEP, a `between` step after
 *                                           every STEP pages
 *   between STEP[; STEP]...                 what `write ... STEP` runs each time
 *   read NAME A-B...                        a load from each page
 *   fault NAME P...                         loads, one report line each
 *   cache NAME                              read(2) the whole file NAME
 *   mlock NAME | free NAME A-B              mlock(2), MADV_FREE
 *   emptycache                              host: memory.force_empty of the cgroup
 *                                           (see empty_cache); mmfs: nothing
 *   pagecluster N                           vm.page-cluster
 *   mark                                    counters count from here
 *   counters                                their deltas since the mark
 *   shape NAME                              what became of the region's pages
 *   check NAME A-B                          the stamps read back
 *   watch FILE ANON                         from now on, after each step of a
 *                                           write: FILE's cached pages once ANON
 *                                           first has a page on swap
 *
 * Output: "= ..." lines must be identical on both sides; "~ KEY N" lines
 * are measures that reclaim_host.sh compares with a stated tolerance
 * (how many pages a memory cgroup keeps is not what a machine's zone
 * watermarks keep): "~ room", the pages the scenario has to itself, and
 * per region shaped NAME.in_memory and NAME.out; "#" lines say more, for
 * a person reading a kept trace.
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

struct probe_state P;
uint64_t *pm;
unsigned char *vec;
char *buf;

/* ---- regions ---- */

static struct region *region(const char *name)
{
	for (int i = 0; i < P.nr; i++)
		if (!strcmp(P.r[i].name, name))
			return &P.r[i];
	die("no region %s", name);
	return NULL;
}

static const char *file_path(const char *name)
{
	static char p[4200];

	snprintf(p, sizeof(p), "%s/%s", P.host ? P.files : P.mnt, name);
	if (!P.host)
		snprintf(p, sizeof(p), "%s/files/%s", P.mnt, name);
	return p;
}

static void make_region(enum kind kind, const char *name, uint64_t pages)
{
	struct region *r = &P.r[P.nr];

	if (P.nr == MAX_REGIONS || pages == 0 || pages > MAX_PAGES)
		die("region %s: too many, or a bad size", name);
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->kind = kind;
	r->pages = pages;
	r->addr = BASE + (uint64_t)P.nr * SPAN;
	r->fd = -1;
	if (P.host) {
		int flags = kind == ANON ? MAP_PRIVATE | MAP_ANONYMOUS :
			    kind == SHARED ? MAP_SHARED | MAP_ANONYMOUS : MAP_SHARED;
		void *a;

		if (kind == FILEMAP) {
			r->fd = open_or_die(file_path(name), O_RDONLY);
			/* a cold cache, as the fresh mount's */
			posix_fadvise(r->fd, 0, 0, POSIX_FADV_DONTNEED);
		}
		a = mmap((void *)r->addr, pages * PAGE, kind == FILEMAP ? PROT_READ :
			 PROT_READ | PROT_WRITE, flags | MAP_FIXED_NOREPLACE, r->fd, 0);
		if (a != (void *)r->addr)
			die("mmap %s: %s", name, a == MAP_FAILED ? strerror(errno) : "moved");
	} else if (kind == FILEMAP) {
		ask(P.ctl, "mmap %#lx %lu r-- shared,fixed_noreplace %s", (unsigned long)r->addr,
		    (unsigned long)(pages * PAGE), name);
	} else {
		ask(P.ctl, "mmap %#lx %lu rw- %s,anon,fixed_noreplace", (unsigned long)r->addr,
		    (unsigned long)(pages * PAGE), kind == ANON ? "private" : "shared");
	}
	P.nr++;
}

static void range(struct region *r, const char *s, uint64_t *a, uint64_t *b)
{
	char *e;

	if (!strcmp(s, "all")) {
		*a = 0;
		*b = r->pages - 1;
		return;
	}
	*a = strtoull(s, &e, 10);
	*b = *e == '-' ? strtoull(e + 1, &e, 10) : *a;
	if (*e || *a > *b || *b >= r->pages)
		die("%s: bad pages %s", r->name, s);
}

static uint64_t stamp(const struct region *r, uint64_t i)
{
	return 0x52434c0000000000ULL | (uint64_t)(r - P.r) << 32 | i;
}

/* ---- steps ---- */

static void run_line(char *line);

static void write_pages(struct region *r, uint64_t a, uint64_t b)
{
	if (P.host) {
		for (uint64_t i = a; i <= b; i++)
			*(volatile uint64_t *)(r->addr + i * PAGE) = stamp(r, i);
		return;
	}
	/* one write each: proc/PID/mem faults the pages in as the stores would */
	char path[4200];
	int fd;

	snprintf(path, sizeof(path), "%s/proc/%d/mem", P.mnt, P.pid);
	fd = open_or_die(path, O_RDWR);
	for (uint64_t i = a; i <= b;) {
		uint64_t n = b - i + 1 < BUF_SIZE / PAGE ? b - i + 1 : BUF_SIZE / PAGE;

		memset(buf, 0, n * PAGE);
		for (uint64_t k = 0; k < n; k++)
			memcpy(buf + k * PAGE, &(uint64_t){ stamp(r, i + k) }, 8);
		if (pwrite(fd, buf, n * PAGE, (off_t)(r->addr + i * PAGE)) != (ssize_t)(n * PAGE))
			die("%s: writing pages %lu-: %s", r->name, (unsigned long)i, strerror(errno));
		i += n;
	}
	close(fd);
}

static void read_pages(struct region *r, uint64_t a, uint64_t b)
{
	if (!P.host) {
		ask(P.ctl, "touch %#lx %lu r", (unsigned long)(r->addr + a * PAGE),
		    (unsigned long)((b - a + 1) * PAGE));
		return;
	}
	for (uint64_t i = a; i <= b; i++)
		(void)*(volatile uint64_t *)(r->addr + i * PAGE);
}

/* The region's pagemap into pm. */
static void pagemap(struct region *r)
{
	char rel[64];
	int fd;

	snprintf(rel, sizeof(rel), "%d/pagemap", P.pid);
	fd = open_or_die(proc_path(rel), O_RDONLY);
	if (pread(fd, pm, r->pages * 8, (off_t)(r->addr / PAGE * 8)) != (ssize_t)(r->pages * 8))
		die("pagemap of %s: %s", r->name, strerror(errno));
	close(fd);
}

/* mincore of the region into vec, one 0/1 per page. */
static void incore(struct region *r)
{
	if (P.host) {
		if (mincore((void *)r->addr, r->pages * PAGE, vec))
			die("mincore %s: %s", r->name, strerror(errno));
		for (uint64_t i = 0; i < r->pages; i++)
			vec[i] &= 1;
		return;
	}
	const char *s = ask(P.ctl, "mincore %#lx %lu", (unsigned long)r->addr,
			    (unsigned long)(r->pages * PAGE));

	if (strlen(s) != r->pages)
		die("mincore of %s: %zu pages", r->name, strlen(s));
	for (uint64_t i = 0; i < r->pages; i++)
		vec[i] = s[i] == '1';
}

#define PM_PRESENT(e)	((e) >> 63 & 1)
#define PM_SWAP(e)	(((e) >> 62 & 1) && !PM_PRESENT(e))
#define PM_OFFSET(e)	((e) >> 5 & ((1ULL << 50) - 1))

/*
 * What became of the region: its runs of present pages, swap entries and
 * empty entries (a swapped shmem page, a dropped one), by kind only; a run
 * of swap entries says whether its offsets rise one by one, and from what:
 * slot 1, or the last slot of a region made before it. Measures: the pages
 * in memory (present, or out of the page tables but still in the swap
 * cache, as writeback leaves them for a while) and the others.
 */
static void shape(struct region *r)
{
	uint64_t n[3] = { 0 }, i = 0, cached = 0, first = 0, breaks = 0;
	char line[512];
	size_t len = 0;

	settle();
	pagemap(r);
	incore(r);
	len += (size_t)snprintf(line, sizeof(line), "= %s:", r->name);
	while (i < r->pages) {
		int k = PM_PRESENT(pm[i]) ? 0 : PM_SWAP(pm[i]) ? 1 : 2, steady = 1;
		uint64_t j = i;

		while (j + 1 < r->pages && (PM_PRESENT(pm[j + 1]) ? 0 : PM_SWAP(pm[j + 1]) ? 1 : 2) == k) {
			if (k == 1 && PM_OFFSET(pm[j + 1]) != PM_OFFSET(pm[j]) + 1)
				steady = 0;
			j++;
		}
		n[k] += j - i + 1;
		for (uint64_t q = i; k && q <= j; q++)
			cached += vec[q];
		if (k != 1) {
			len += (size_t)snprintf(line + len, sizeof(line) - len, " %s",
						k ? "none" : "present");
		} else {
			const char *from = PM_OFFSET(pm[i]) == 1 ? "slot 1" : "elsewhere";

			breaks += !steady;
			first = first ? first : PM_OFFSET(pm[i]);
			/* a region made before whose swap entries end just below this run */
			for (struct region *o = P.r; o < r && PM_OFFSET(pm[i]) != 1; o++) {
				pagemap(o);
				for (uint64_t q = 0; q < o->pages; q++)
					if (PM_SWAP(pm[q]) && PM_OFFSET(pm[q]) + 1 == PM_OFFSET(pm[i]) &&
					    (q + 1 == o->pages || !PM_SWAP(pm[q + 1])))
						from = o->name;
				pagemap(r);
			}
			len += (size_t)snprintf(line + len, sizeof(line) - len, " swap(%s, from %s)",
						steady ? "rising by 1" : "scattered", from);
		}
		i = j + 1;
	}
	printf("%s\n", line);
	/* for whoever reads a kept trace */
	printf("# %s: %lu present, %lu on swap (from slot %lu, %lu runs not rising by 1), %lu empty;"
	       " %lu of the last two in the swap cache\n", r->name, (unsigned long)n[0],
	       (unsigned long)n[1], (unsigned long)first, (unsigned long)breaks, (unsigned long)n[2],
	       (unsigned long)cached);
	printf("~ %s.in_memory %lu\n~ %s.out %lu\n", r->name, (unsigned long)(n[0] + cached), r->name,
	       (unsigned long)(n[1] + n[2] - cached));
	if (r->kind == SHARED)	/* its pages on swap are in the object, not the PTEs */
		printf("= %s: smaps Swap %s the empty entries\n", r->name,
		       smaps_kb(r->addr, "Swap") == (long)(n[2] * 4) ? "counts" : "DOES NOT count");
	else
		printf("= %s: smaps Swap %s the swap entries\n", r->name,
		       smaps_kb(r->addr, "Swap") == (long)(n[1] * 4) ? "counts" : "DOES NOT count");
}

static void check(struct region *r, uint64_t a, uint64_t b)
{
	unsigned long good = 0, zero = 0, other = 0;
	int fd = -1;

	if (!P.host) {
		char path[4200];

		snprintf(path, sizeof(path), "%s/proc/%d/mem", P.mnt, P.pid);
		fd = open_or_die(path, O_RDONLY);
	}
	for (uint64_t i = a; i <= b; i++) {
		uint64_t v;

		if (P.host)
			v = *(volatile uint64_t *)(r->addr + i * PAGE);
		else if (pread(fd, &v, 8, (off_t)(r->addr + i * PAGE)) != 8)
			die("mem of %s: %s", r->name, strerror(errno));
		good += v == stamp(r, i);
		zero += v == 0;
		other += v && v != stamp(r, i);
	}
	if (fd >= 0)
		close(fd);
	printf("= check %s %lu-%lu: good %lu zero %lu other %lu\n", r->name, (unsigned long)a,
	       (unsigned long)b, good, zero, other);
}

/* machine-wide events; the host's pgmajfault would count other processes' faults too */
static const char *const counter_keys[] = { "pswpin", "swpin_zero", "swap_ra", "swap_ra_hit",
					    "pglazyfreed" };
#define NR_COUNTERS (sizeof(counter_keys) / sizeof(counter_keys[0]))

static void mark(void)
{
	settle();
	for (size_t k = 0; k < NR_COUNTERS; k++)
		P.mark[k] = vmstat(counter_keys[k]);
	P.maj_mark = majflt();
}

/* The counters since the mark, and the mark moves on. */
static void counters(const char *what)
{
	long maj = majflt();

	settle();
	printf("= %s: majflt %ld", what, maj - P.maj_mark);
	for (size_t k = 0; k < NR_COUNTERS; k++) {
		long v = vmstat(counter_keys[k]);

		printf(" %s %ld", counter_keys[k], v - P.mark[k]);
		P.mark[k] = v;
	}
	P.maj_mark = maj;
	printf("\n");
}

static void fault_pages(struct region *r, char **w, int n)
{
	for (int k = 0; k < n; k++) {
		uint64_t a, b;

		range(r, w[k], &a, &b);
		for (uint64_t i = a; i <= b; i++) {
			char what[64];
			uint64_t lo = i, hi = i;

			read_pages(r, i, i);
			snprintf(what, sizeof(what), "fault %s %lu", r->name, (unsigned long)i);
			counters(what);
			incore(r);
			/* the pages around it in memory: the window readahead left */
			while (lo > 0 && vec[lo - 1])
				lo--;
			while (hi + 1 < r->pages && vec[hi + 1])
				hi++;
			printf("= in memory around it: %lu-%lu\n", (unsigned long)lo, (unsigned long)hi);
		}
	}
}

/* watch: once the anonymous region has its first page on swap, how much of the file is cached. */
static void watch_step(void)
{
	uint64_t swapped = 0, cached = 0;

	if (!P.watching)
		return;
	pagemap(P.watch_anon);
	for (uint64_t i = 0; i < P.watch_anon->pages; i++)
		swapped += PM_SWAP(pm[i]);
	if (!swapped)
		return;
	incore(P.watch_file);
	for (uint64_t i = 0; i < P.watch_file->pages; i++)
		cached += vec[i];
	printf("~ %s.cached_at_first_swap %lu\n", P.watch_file->name, (unsigned long)cached);
	P.watching = 0;
}

static void cache_file(struct region *r)
{
	int fd = open_or_die(file_path(r->name), O_RDONLY);
	ssize_t k;

	while ((k = read(fd, buf, BUF_SIZE)) > 0)
		;
	if (k < 0)
		die("reading %s: %s", r->name, strerror(errno));
	close(fd);
}

/*
 * A page written to swap stays in the swap cache until its write completes
 * and a later reclaim pass frees it; the host's last passes leave some
 * behind, and some more in the LRU batches of the CPU that completed their
 * writes (a loop device completes in a worker on any CPU), where no pass
 * can free them: which ones varies from run to run, and a read of them
 * later is a swap-cache hit. memory.force_empty drains every CPU's batches
 * and reclaims all it can: the clean ones go without I/O (the resident
 * pages of the regions go to swap too, to new slots). In mmfs a write ends
 * within the pass that freed its page, which the next pass frees: the
 * oldest pages are long gone from the swap cache when a read-back begins.
 */
static void empty_cache(void)
{
	char path[4200];
	int fd;

	if (!P.host)
		return;
	settle();
	snprintf(path, sizeof(path), "%s/memory.force_empty", P.cg);
	fd = open_or_die(path, O_WRONLY);
	if (write(fd, "0", 1) != 1)
		die("%s: %s", path, strerror(errno));
	close(fd);
	settle();
}

static void set_page_cluster(const char *v)
{
	int fd = open_or_die(proc_path("sys/vm/page-cluster"), O_WRONLY);

	if (write(fd, v, strlen(v)) != (ssize_t)strlen(v))
		die("page-cluster %s: %s", v, strerror(errno));
	close(fd);
}

static void run_line(char *line)
{
	char *w[64], *sv = NULL;
	int n = 0;
	uint64_t a, b;

	for (char *t = strtok_r(line, " \t\n", &sv); t && n < 64; t = strtok_r(NULL, " \t\n", &sv))
		w[n++] = t;
	if (!n || w[0][0] == '#')
		return;
	if (n == 3 && (!strcmp(w[0], "anon") || !strcmp(w[0], "shared") || !strcmp(w[0], "file"))) {
		make_region(w[0][0] == 'a' ? ANON : w[0][0] == 's' ? SHARED : FILEMAP, w[1],
			    strtoull(w[2], NULL, 10));
	} else if ((n == 3 || n == 4) && !strcmp(w[0], "write")) {
		struct region *r = region(w[1]);
		uint64_t step;

		range(r, w[2], &a, &b);
		step = n == 4 ? strtoull(w[3], NULL, 10) : b - a + 1;
		for (uint64_t i = a; i <= b; i += step) {
			char copy[sizeof(P.between)];

			write_pages(r, i, i + step - 1 < b ? i + step - 1 : b);
			watch_step();
			snprintf(copy, sizeof(copy), "%s", P.between);
			for (char *s = strtok_r(copy, ";", &sv); n == 4 && s; s = strtok_r(NULL, ";", &sv)) {
				char one[256];

				snprintf(one, sizeof(one), "%s", s);
				run_line(one);
			}
		}
	} else if (n >= 2 && !strcmp(w[0], "between")) {
		P.between[0] = 0;
		for (int k = 1; k < n; k++)
			snprintf(P.between + strlen(P.between), sizeof(P.between) - strlen(P.between),
				 "%s%s", k == 1 ? "" : " ", w[k]);
	} else if (n >= 3 && !strcmp(w[0], "read")) {
		for (int k = 2; k < n; k++) {
			range(region(w[1]), w[k], &a, &b);
			read_pages(region(w[1]), a, b);
		}
	} else if (n >= 3 && !strcmp(w[0], "fault")) {
		fault_pages(region(w[1]), w + 2, n - 2);
	} else if (n == 2 && !strcmp(w[0], "cache")) {
		cache_file(region(w[1]));
	} else if (n == 2 && !strcmp(w[0], "mlock")) {
		struct region *r = region(w[1]);

		if (P.host ? mlock((void *)r->addr, r->pages * PAGE) != 0 : 0)
			die("mlock %s: %s", r->name, strerror(errno));
		if (!P.host)
			ask(P.ctl, "mlock %#lx %lu", (unsigned long)r->addr,
			    (unsigned long)(r->pages * PAGE));
	} else if (n == 3 && !strcmp(w[0], "free")) {
		struct region *r = region(w[1]);

		range(r, w[2], &a, &b);
		if (P.host && madvise((void *)(r->addr + a * PAGE), (b - a + 1) * PAGE, MADV_FREE))
			die("MADV_FREE %s: %s", r->name, strerror(errno));
		if (!P.host)
			ask(P.ctl, "madvise %#lx %lu free", (unsigned long)(r->addr + a * PAGE),
			    (unsigned long)((b - a + 1) * PAGE));
	} else if (n == 1 && !strcmp(w[0], "emptycache")) {
		empty_cache();
	} else if (n == 2 && !strcmp(w[0], "pagecluster")) {
		set_page_cluster(w[1]);
	} else if (n == 1 && !strcmp(w[0], "mark")) {
		mark();
	} else if (n == 1 && !strcmp(w[0], "counters")) {
		counters("counters");
	} else if (n == 2 && !strcmp(w[0], "shape")) {
		shape(region(w[1]));
	} else if (n == 3 && !strcmp(w[0], "check")) {
		range(region(w[1]), w[2], &a, &b);
		check(region(w[1]), a, b);
	} else if (n == 3 && !strcmp(w[0], "watch")) {
		P.watch_file = region(w[1]);
		P.watch_anon = region(w[2]);
		P.watching = 1;
	} else {
		die("unknown step: %s", w[0]);
	}
	fflush(stdout);
}

/* Host: into the memory cgroup, onto one CPU, everything mapped so far locked. */
int main(int argc, char **argv)
{
	char line[1024];

	for (int i = 2; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--cg"))
			P.cg = argv[i + 1];
		else if (!strcmp(argv[i], "--dev"))
			P.dev = argv[i + 1];
		else if (!strcmp(argv[i], "--files"))
			P.files = argv[i + 1];
		else if (!strcmp(argv[i], "--mount"))
			P.mnt = argv[i + 1];
	}
	P.host = argc > 1 && !strcmp(argv[1], "host");
	if (argc < 2 || (P.host ? !P.cg || !P.dev || !P.files : strcmp(argv[1], "mmfs") || !P.mnt)) {
		fprintf(stderr, "usage: reclaim_probe host --cg DIR --dev loopN --files DIR < SCENARIO\n"
				"       reclaim_probe mmfs --mount MNT < SCENARIO\n");
		return 2;
	}
	/* everything the probe needs, before mlockall: its own pages stay out of reclaim */
	pm = malloc(MAX_PAGES * sizeof(*pm));
	vec = malloc(MAX_PAGES);
	buf = malloc(BUF_SIZE);
	if (!pm || !vec || !buf)
		die("out of memory");
	memset(pm, 0, MAX_PAGES * sizeof(*pm));
	memset(vec, 0, MAX_PAGES);
	memset(buf, 0, BUF_SIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("# reclaim_probe %s\n", argv[1]);
	if (P.host)
		host_start();
	else
		mmfs_start();
	printf("~ room %ld\n", room());
	while (fgets(line, sizeof(line), stdin))
		run_line(line);
	if (!P.host) {
		ask(P.gctl, "kill %d", P.pid);
		close(P.ctl);
		close(P.gctl);
	}
	return 0;
}
