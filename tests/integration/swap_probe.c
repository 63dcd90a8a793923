// SPDX-License-Identifier: MIT
/*
 * swap_probe - run one swap scenario on the host kernel or on an mmfs mount
 * and print what every step did, in one format for both, so that
 * swap_host.sh can diff the two traces (doc/difftest.md, "Swap-in against
 * the host").
 *
 *   swap_probe host --dev /dev/loopN  < SCENARIO    the host: this process
 *   swap_probe mmfs --mount MNT       < SCENARIO    a process spawned on MNT
 *
 * The scenario (one step per line, '#' comments; pages count from the start
 * of the region, A-B is inclusive):
 *
 *   pagecluster N          /proc/sys/vm/page-cluster (host) or MNT's
 *   map NPAGES             private anonymous rw- at 0x500000000000 (PMD-aligned)
 *   write data|zero A-B    store a stamp (data) or 0 in the first 8 bytes of
 *                          each page; mmfs: touch w, then pwrite proc/PID/mem
 *   pageout|willneed|dontneed|cold|hugepage A-B    madvise
 *   mprotect A-B PROT      PROT as rw- r-- ---
 *   munmap A-LAST          the region's tail; the views cover what is left
 *   touch r|w A-B          one access per page, one snapshot at the end
 *   fault r|w P...         one access and one snapshot per page (P or A-B)
 *   evict A-B              touch r, then pageout: pushes swap-cache copies out
 *   check A-B              read every page: "check good G zero Z other O"
 *   fork                   the child shows its own lines (C) from then on
 *   child fault r|w P... | child exit
 *   show | unmap
 *
 * A read is a load of the page's first 8 bytes; a write is a locked or of 0
 * into them (a write fault that leaves the data as it is, as mmfs's
 * `touch w`). After each step (each page of `fault`) it prints, for the
 * process (P) and the child (C):
 *   majflt +N read_bytes +B   field 12 of proc/PID/stat and read_bytes of
 *                       proc/PID/io (swap-ins are reads), since the last snapshot
 *   mincore RUNS        runs of the mincore string, "first-last:0|1"
 *   pagemap RUNS        runs of entries: "first-last:present(FLAGS)" or
 *                       "swap(FLAGS)@OFF1-OFF2", FLAGS = bits 55-63 in hex
 *   smaps K=V...        of the region's VMA (AnonHugePages among them)
 * and for the machine: the swap device's Used (proc/swaps) and the deltas of
 * pswpin pswpout swpin_zero swpout_zero swap_ra swap_ra_hit and of the THP
 * events thp_swpout thp_swpout_fallback thp_split_page thp_split_pmd
 * thp_deferred_split_page (proc/vmstat).
 *
 * The host side stays on one CPU (MADV_PAGEOUT drains only its own CPU's LRU
 * batches) and, after every step, waits until the swap device has completed
 * every read and write the counters say were issued, so that mincore (which
 * needs an up-to-date page) and the swap cache do not depend on I/O timing.
 */
#include "swap_probe.h"

int host;
const char *mnt;
const char *dev;
char procroot[4096];
size_t npages;
uint64_t want[MAXPAGES];
static uint64_t gen;

pid_t self_pid;
pid_t child_pid;
long last_majflt[2], last_read_bytes[2];
int ctl_fd = -1, child_ctl = -1, gctl_fd = -1;
int to_child = -1, from_child = -1;
long io_base_rd, io_base_wr, vm_base_in, vm_base_out;

/* ---- the steps ---- */

static volatile uint64_t *page_at(size_t i)
{
	return (volatile uint64_t *)(REGION + i * PG);
}

static void host_access(size_t i, int w)
{
	volatile uint64_t *q = page_at(i);

	if (w)
		__asm__ volatile("lock orq $0, %0" : "+m"(*q));
	else
		(void)*q;
}

static void need_region(size_t a, size_t b)
{
	if (!npages || a > b || b >= npages)
		die("pages %zu-%zu are not in the region (%zu pages)", a, b, npages);
}

static void do_access(int proc_is_child, size_t a, size_t b, int w)
{
	need_region(a, b);
	if (host) {
		if (!proc_is_child) {
			for (size_t i = a; i <= b; i++)
				host_access(i, w);
		} else {
			for (size_t i = a; i <= b; i++) {
				uint32_t msg[2] = { w ? 'w' : 'r', (uint32_t)i };
				char ack;

				if (write(to_child, msg, sizeof msg) != sizeof msg ||
				    read(from_child, &ack, 1) != 1)
					die("the child does not answer");
			}
		}
		return;
	}
	ctl_ok(proc_is_child ? child_ctl : ctl_fd, "touch %#lx %zu %c", REGION + a * PG,
	       (b - a + 1) * PG, w ? 'w' : 'r');
}

static void do_madvise(const char *adv, size_t a, size_t b)
{
	need_region(a, b);
	if (host) {
		int advice = !strcmp(adv, "pageout") ? MADV_PAGEOUT :
			     !strcmp(adv, "willneed") ? MADV_WILLNEED :
			     !strcmp(adv, "dontneed") ? MADV_DONTNEED :
			     !strcmp(adv, "cold") ? MADV_COLD :
			     !strcmp(adv, "hugepage") ? MADV_HUGEPAGE : -1;

		if (advice < 0)
			die("unknown advice %s", adv);
		if (madvise((void *)(REGION + a * PG), (b - a + 1) * PG, advice))
			die("madvise %s: %s", adv, strerror(errno));
		return;
	}
	ctl_ok(ctl_fd, "madvise %#lx %zu %s", REGION + a * PG, (b - a + 1) * PG, adv);
}

static void do_mprotect(size_t a, size_t b, const char *prot)
{
	need_region(a, b);
	if (host) {
		int p = (prot[0] == 'r' ? PROT_READ : 0) | (prot[1] == 'w' ? PROT_WRITE : 0);

		if (strlen(prot) != 3 || mprotect((void *)(REGION + a * PG), (b - a + 1) * PG, p))
			die("mprotect %s: %s", prot, strerror(errno));
		return;
	}
	ctl_ok(ctl_fd, "mprotect %#lx %zu %s", REGION + a * PG, (b - a + 1) * PG, prot);
}

/* Only the tail: the views keep covering what is left. */
static void do_munmap(size_t a, size_t b)
{
	need_region(a, b);
	if (a == 0 || b != npages - 1)
		die("munmap: only the region's tail, A-%zu with A > 0", npages - 1);
	npages = a;
	if (host) {
		if (munmap((void *)(REGION + a * PG), (b - a + 1) * PG))
			die("munmap: %s", strerror(errno));
		return;
	}
	ctl_ok(ctl_fd, "munmap %#lx %zu", REGION + a * PG, (b - a + 1) * PG);
}

static void do_write(int data, size_t a, size_t b)
{
	need_region(a, b);
	gen++;
	for (size_t i = a; i <= b; i++)
		want[i] = data ? 0x5357500000000000ULL | gen << 24 | i : 0;
	if (host) {
		for (size_t i = a; i <= b; i++)
			*page_at(i) = want[i];
		return;
	}
	do_access(0, a, b, 1);
	{
		size_t len = (b - a + 1) * PG;
		char path[4200], *buf = calloc(1, len);
		int fd;

		for (size_t i = a; i <= b; i++)
			memcpy(buf + (i - a) * PG, &want[i], 8);
		snprintf(path, sizeof path, "%s/%d/mem", procroot, (int)self_pid);
		fd = open(path, O_RDWR);
		if (fd < 0 || pwrite(fd, buf, len, REGION + a * PG) != (ssize_t)len)
			die("pwrite %s: %s", path, strerror(errno));
		close(fd);
		free(buf);
	}
}

static void do_check(size_t a, size_t b)
{
	long good = 0, zero = 0, other = 0;
	int fd = -1;

	need_region(a, b);
	if (!host) {
		char path[4200];

		do_access(0, a, b, 0);
		snprintf(path, sizeof path, "%s/%d/mem", procroot, (int)self_pid);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			die("open %s: %s", path, strerror(errno));
	}
	for (size_t i = a; i <= b; i++) {
		uint64_t v;

		if (host)
			v = *page_at(i);
		else if (pread(fd, &v, 8, REGION + i * PG) != 8)
			die("pread mem at page %zu: %s", i, strerror(errno));
		if (v == want[i])
			good++;
		else if (!v)
			zero++;
		else
			other++;
	}
	if (fd >= 0)
		close(fd);
	printf("check %zu-%zu good %ld zero %ld other %ld\n", a, b, good, zero, other);
}

static void do_map(size_t n)
{
	if (n == 0 || n > MAXPAGES)
		die("map: 1..%d pages", MAXPAGES);
	if (host) {
		void *p = mmap((void *)REGION, n * PG, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

		if (p != (void *)REGION)
			die("mmap at %#lx: %s", REGION, p == MAP_FAILED ? strerror(errno) : "moved");
	} else {
		char *r = ctl_ok(ctl_fd, "mmap %#lx %zu rw- private,anon,fixed_noreplace", REGION,
				 n * PG);

		if (strtoul(r, NULL, 0) != REGION)
			die("mmfs mapped the region at %s", r);
	}
	npages = n;
	memset(want, 0, sizeof want);
}

static void do_unmap(void)
{
	if (host)
		munmap((void *)REGION, npages * PG);
	else
		ctl_ok(ctl_fd, "munmap %#lx %zu", REGION, npages * PG);
	npages = 0;
}

static void do_fork(void)
{
	if (child_pid)
		die("one child at a time");
	if (host) {
		int down[2], up[2];

		if (pipe(down) || pipe(up))
			die("pipe: %s", strerror(errno));
		fflush(stdout);
		child_pid = fork();
		if (child_pid < 0)
			die("fork: %s", strerror(errno));
		if (child_pid == 0) {
			uint32_t msg[2];

			close(down[1]);
			close(up[0]);
			while (read(down[0], msg, sizeof msg) == sizeof msg) {
				char ack = 'k';

				if (msg[0] == 'x')
					_exit(0);
				if (msg[0] == 'm') {
					static unsigned char vec[MAXPAGES];

					if (mincore((void *)REGION, npages * PG, vec))
						_exit(3);
					for (size_t i = 0; i < npages; i++)
						vec[i] = '0' + (vec[i] & 1);
					if (write(up[1], vec, npages) != (ssize_t)npages)
						_exit(3);
					continue;
				}
				host_access(msg[1], msg[0] == 'w');
				if (write(up[1], &ack, 1) != 1)
					_exit(3);
			}
			_exit(0);
		}
		close(down[0]);
		close(up[1]);
		to_child = down[1];
		from_child = up[0];
	} else {
		child_pid = (pid_t)strtol(ctl_ok(ctl_fd, "fork"), NULL, 10);
		child_ctl = open_ctl(child_pid);
	}
	last_majflt[1] = 0;
	last_read_bytes[1] = 0;	/* a fork's io starts at 0 */
}

static void do_child_exit(void)
{
	if (!child_pid)
		die("no child");
	if (host) {
		uint32_t msg[2] = { 'x', 0 };

		if (write(to_child, msg, sizeof msg) != sizeof msg)
			die("the child does not answer");
		waitpid(child_pid, NULL, 0);
		close(to_child);
		close(from_child);
	} else {
		ctl_ok(child_ctl, "exit");
		close(child_ctl);
		child_ctl = -1;
	}
	child_pid = 0;
}

/* ---- the scenario ---- */

static int parse_range(const char *s, size_t *a, size_t *b)
{
	char *e;

	*a = strtoul(s, &e, 10);
	if (e == s)
		return -1;
	if (*e == '-') {
		const char *t = e + 1;

		*b = strtoul(t, &e, 10);
		if (e == t)
			return -1;
	} else {
		*b = *a;
	}
	return *e ? -1 : 0;
}

static void run_line(char *line)
{
	char *w[64], *sv;
	int n = 0;
	size_t a = 0, b = 0;

	for (char *t = strtok_r(line, " \t\n", &sv); t && n < 64; t = strtok_r(NULL, " \t\n", &sv))
		w[n++] = t;
	if (!n || w[0][0] == '#')
		return;
#define RANGE(k) do { if (n <= (k) || parse_range(w[k], &a, &b)) die("bad pages in '%s'", w[0]); } while (0)
	if (!strcmp(w[0], "fault") || (!strcmp(w[0], "child") && n > 1 && !strcmp(w[1], "fault"))) {
		int ch = w[0][0] == 'c', base = ch ? 2 : 1;

		if (n < base + 2 || (strcmp(w[base], "r") && strcmp(w[base], "w")))
			die("fault r|w PAGE...");
		if (ch && !child_pid)
			die("no child");
		for (int k = base + 1; k < n; k++) {
			RANGE(k);
			for (size_t i = a; i <= b; i++) {
				printf("## %sfault %s %zu\n", ch ? "child " : "", w[base], i);
				do_access(ch, i, i, w[base][0] == 'w');
				snapshot();
			}
		}
		return;
	}
	for (int k = 0; k < n; k++)
		printf("%s%s", k ? " " : "## ", w[k]);
	printf("\n");
	if (!strcmp(w[0], "pagecluster") && n == 2) {
		char path[4200];

		snprintf(path, sizeof path, "%s/sys/vm/page-cluster", procroot);
		write_file(path, w[1]);
		return;		/* nothing to show */
	} else if (!strcmp(w[0], "map") && n == 2) {
		do_map(strtoul(w[1], NULL, 10));
	} else if (!strcmp(w[0], "unmap") && n == 1) {
		do_unmap();
	} else if (!strcmp(w[0], "write") && n == 3) {
		RANGE(2);
		do_write(!strcmp(w[1], "data"), a, b);
	} else if ((!strcmp(w[0], "pageout") || !strcmp(w[0], "willneed") ||
		    !strcmp(w[0], "dontneed") || !strcmp(w[0], "cold") ||
		    !strcmp(w[0], "hugepage")) && n == 2) {
		RANGE(1);
		do_madvise(w[0], a, b);
	} else if (!strcmp(w[0], "mprotect") && n == 3) {
		RANGE(1);
		do_mprotect(a, b, w[2]);
	} else if (!strcmp(w[0], "munmap") && n == 2) {
		RANGE(1);
		do_munmap(a, b);
	} else if (!strcmp(w[0], "touch") && n == 3) {
		RANGE(2);
		do_access(0, a, b, w[1][0] == 'w');
	} else if (!strcmp(w[0], "evict") && n == 2) {
		RANGE(1);
		do_access(0, a, b, 0);
		if (host)
			host_settle();
		do_madvise("pageout", a, b);
	} else if (!strcmp(w[0], "check") && n == 2) {
		RANGE(1);
		do_check(a, b);
	} else if (!strcmp(w[0], "fork") && n == 1) {
		do_fork();
	} else if (!strcmp(w[0], "child") && n == 2 && !strcmp(w[1], "exit")) {
		do_child_exit();
	} else if (!strcmp(w[0], "show") && n == 1) {
	} else {
		die("unknown step '%s'", w[0]);
	}
	snapshot();
}

int main(int argc, char **argv)
{
	char line[4096];

	if (argc == 4 && !strcmp(argv[1], "host") && !strcmp(argv[2], "--dev")) {
		cpu_set_t set;
		int cpu = sched_getcpu();

		host = 1;
		dev = argv[3];
		snprintf(procroot, sizeof procroot, "/proc");
		CPU_ZERO(&set);
		CPU_SET(cpu < 0 ? 0 : cpu, &set);
		if (sched_setaffinity(0, sizeof set, &set))
			die("sched_setaffinity: %s", strerror(errno));
		self_pid = getpid();
		{
			long fl;

			dev_io(&io_base_rd, &io_base_wr, &fl);
		}
		vm_base_in = vmstat_get("pswpin");
		vm_base_out = vmstat_get("pswpout");
	} else if (argc == 4 && !strcmp(argv[1], "mmfs") && !strcmp(argv[2], "--mount")) {
		char path[4200];

		mnt = argv[3];
		snprintf(procroot, sizeof procroot, "%s/proc", mnt);
		snprintf(path, sizeof path, "%s/ctl", mnt);
		gctl_fd = open(path, O_RDWR);
		if (gctl_fd < 0)
			die("open %s: %s", path, strerror(errno));
		self_pid = (pid_t)strtol(ctl_ok(gctl_fd, "spawn swapprobe"), NULL, 10);
		ctl_fd = open_ctl(self_pid);
	} else {
		fprintf(stderr, "usage: swap_probe host --dev /dev/loopN < SCENARIO\n"
				"       swap_probe mmfs --mount MNT < SCENARIO\n");
		return 2;
	}
	snapshot_init();
	while (fgets(line, sizeof line, stdin))
		run_line(line);
	if (child_pid)
		do_child_exit();
	if (npages)
		do_unmap();
	if (!host) {
		ctl_ok(gctl_fd, "kill %d", (int)self_pid);
		close(ctl_fd);
		close(gctl_fd);
	}
	return 0;
}
