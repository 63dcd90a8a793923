// SPDX-License-Identifier: MIT
/*
 * swap_probe_io.c - the files swap_probe reads and writes: /proc or the
 * mount's proc, the mount's control streams, and the host swap device's
 * I/O counters, which every step waits on (swap_probe.h).
 */
#include "swap_probe.h"

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "swap_probe: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	if (!host && gctl_fd >= 0 && self_pid > 0) {
		char b[64];
		int n = snprintf(b, sizeof b, "kill %d\n", (int)self_pid);

		if (child_pid > 0) {
			char c[64];
			int k = snprintf(c, sizeof c, "kill %d\n", (int)child_pid);

			if (write(gctl_fd, c, k) < 0) { /* it may be gone */ }
		}
		if (write(gctl_fd, b, n) < 0) { /* nothing more to do */ }
	}
	if (host && child_pid > 0)
		kill(child_pid, SIGKILL);
	exit(2);
}

char *slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);
	size_t cap = 1 << 16, n = 0;
	char *b;

	if (fd < 0)
		die("open %s: %s", path, strerror(errno));
	b = malloc(cap + 1);
	for (;;) {
		ssize_t k;

		if (n == cap)
			b = realloc(b, (cap *= 2) + 1);
		k = read(fd, b + n, cap - n);
		if (k < 0)
			die("read %s: %s", path, strerror(errno));
		if (k == 0)
			break;
		n += k;
	}
	close(fd);
	b[n] = 0;
	if (len)
		*len = n;
	return b;
}

void write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		die("write %s to %s: %s", s, path, strerror(errno));
	close(fd);
}

/* ---- mmfs: the control files ---- */

/* One command on a ctl stream; its reply line (without the newline). */
char *ctl(int fd, const char *fmt, ...)
{
	static char reply[1 << 16];
	char cmd[512];
	size_t n = 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd - 1, fmt, ap);
	va_end(ap);
	strcat(cmd, "\n");
	if (write(fd, cmd, strlen(cmd)) < 0 && errno != EINVAL && errno != ENOMEM &&
	    errno != EFAULT && errno != ESRCH && errno != EPERM && errno != EAGAIN)
		die("ctl write '%s': %s", cmd, strerror(errno));
	for (;;) {
		ssize_t k = read(fd, reply + n, 1);

		if (k <= 0)
			die("ctl: no reply to '%s'", cmd);
		if (reply[n] == '\n')
			break;
		if (++n == sizeof reply - 1)
			die("ctl: reply too long");
	}
	reply[n] = 0;
	return reply;
}

char *ctl_ok(int fd, const char *fmt, ...)
{
	char cmd[512], *r;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	r = ctl(fd, "%s", cmd);
	if (!strncmp(r, "error", 5))
		die("mmfs: '%s': %s", cmd, r);
	return r;
}

int open_ctl(pid_t pid)
{
	char p[4200];
	int fd;

	snprintf(p, sizeof p, "%s/%d/ctl", procroot, (int)pid);
	fd = open(p, O_RDWR);
	if (fd < 0)
		die("open %s: %s", p, strerror(errno));
	return fd;
}

/* ---- the host: its own I/O settles ---- */

long vmstat_get(const char *key)
{
	char path[4200], *b, *p;
	size_t kl = strlen(key);
	long v = -1;

	snprintf(path, sizeof path, "%s/vmstat", procroot);
	b = slurp(path, NULL);
	for (p = b; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, key, kl) && p[kl] == ' ') {
			v = atol(p + kl + 1);
			break;
		}
	free(b);
	if (v < 0)
		die("vmstat has no %s", key);
	return v;
}

void dev_io(long *rd, long *wr, long *inflight)
{
	char path[256], *b;
	long f[11] = { 0 }, a = 0, c = 0;
	const char *base = strrchr(dev, '/') ? strrchr(dev, '/') + 1 : dev;

	snprintf(path, sizeof path, "/sys/block/%s/stat", base);
	b = slurp(path, NULL);
	sscanf(b, "%ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld", &f[0], &f[1], &f[2], &f[3], &f[4],
	       &f[5], &f[6], &f[7], &f[8], &f[9], &f[10]);
	free(b);
	*rd = f[2];
	*wr = f[6];
	snprintf(path, sizeof path, "/sys/block/%s/inflight", base);
	b = slurp(path, NULL);
	sscanf(b, "%ld %ld", &a, &c);
	free(b);
	*inflight = a + c;
}

/*
 * A completed swap write moves its page to the inactive tail through a batch
 * of the CPU that completed it (folio_rotate_reclaimable), which holds a
 * reference: a MADV_PAGEOUT meanwhile cannot free the page and leaves it in
 * the swap cache (the last 256 % 31 pages of a region, say). swap_host.sh
 * sets rq_affinity 2 on the loop device, so that completions run on the
 * submitting CPU, ours, whose batches MADV_PAGEOUT drains; and move_pages()
 * of a page of our own to the node it is on begins with lru_cache_disable(),
 * which drains every CPU's batches (where there is no NUMA, ENOSYS: the
 * first measure has to do).
 */
static void drain_all_cpus(void)
{
	static char pagebuf[2 * 4096];
	void *pages[1] = { (void *)(((uintptr_t)pagebuf + PG - 1) & ~(PG - 1)) };
	int node = 0, status = -1;

	((char *)pages[0])[0] = 1;
	if (syscall(SYS_move_pages, 0, 1UL, pages, &node, &status, 0) && errno != ENOSYS)
		die("move_pages: %s", strerror(errno));
}

/* Wait until the device completed every page pswpin/pswpout say was issued. */
void host_settle(void)
{
	for (int i = 0; i < 1000; i++) {
		long rd, wr, fl;
		long in = vmstat_get("pswpin") - vm_base_in, out = vmstat_get("pswpout") - vm_base_out;

		dev_io(&rd, &wr, &fl);
		if (fl == 0 && rd - io_base_rd >= in * 8 && wr - io_base_wr >= out * 8) {
			drain_all_cpus();
			return;
		}
		usleep(5000);
	}
	fprintf(stderr, "swap_probe: the swap device's I/O did not settle in 5 s\n");
}

