// SPDX-License-Identifier: MIT
/*
 * host_run.c - the host runner: a forked child that performs each command
 * as the real system call and reports the reply and the window's VMAs as
 * the host kernel has them (/proc/self/smaps).
 *
 * Protocol on its pipes: the parent writes one command line; the child
 * answers one block, "<length>\n<block>". A block starting with '!' is a
 * refusal or a breakdown of the runner, never a kernel result.
 *
 * The runner must never damage itself: every call that could change memory
 * it does not own (a range outside the window that overlaps one of its own
 * mappings) is refused, and it allocates nothing in the window.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <linux/openat2.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "difftest.h"
#include "host_run.h"

#define VFD_MAX		64	/* script-visible descriptors 0..VFD_MAX-1 */
#define VEC_MAX		(WIN_SIZE / PAGE + 2)	/* mincore pages we can take */

static int vfd[VFD_MAX];		/* script fd -> host fd, or -1 */
static int files_dirfd = -1;		/* the fixture directory */
static const char *files_prefix;	/* its real path */
static unsigned char vec[VEC_MAX];	/* mincore's output */
static char mpol_text[300];		/* get_mempolicy's reply (host_mpol.c) */
static sigjmp_buf touch_env;

/* ---- refusing what could hurt the runner ---- */

/* Whether [lo, hi) overlaps a mapping of the runner outside the window. */
static bool hits_runner(uint64_t lo, uint64_t hi, char *what, size_t whatlen)
{
	struct rbuf maps;
	bool hit = false;

	rbuf_init(&maps);
	if (read_whole(AT_FDCWD, "/proc/self/maps", &maps)) {
		snprintf(what, whatlen, "cannot read /proc/self/maps");
		rbuf_free(&maps);
		return true;
	}
	if (lo < WIN_START)
		hit = maps_find_overlap(maps.buf, maps.len, lo, hi < WIN_START ? hi : WIN_START,
					what, whatlen);
	if (!hit && hi > WIN_END)
		hit = maps_find_overlap(maps.buf, maps.len, lo > WIN_END ? lo : WIN_END, hi,
					what, whatlen);
	rbuf_free(&maps);
	return hit;
}

/*
 * 0 if a call on [addr, addr+len) cannot touch the runner: the range is in
 * the window, or the kernel rejects it before looking (it wraps, starts
 * above the user address space, or - for the calls that check this, wide_ok -
 * ends above it), or nothing of the runner is there.
 */
static int guard(uint64_t addr, uint64_t len, bool wide_ok, char *why, size_t whylen)
{
	uint64_t lo = addr & ~(PAGE - 1), hi = addr + len;
	char what[256];

	if (!len || hi < addr || hi > UINT64_MAX - PAGE)
		return 0;
	hi = (hi + PAGE - 1) & ~(PAGE - 1);
	if (lo >= TASK_SIZE_MAX || (wide_ok && hi > TASK_SIZE_MAX))
		return 0;
	if (lo >= WIN_START && hi <= WIN_END)
		return 0;
	if (!hits_runner(lo, hi, what, sizeof(what)))
		return 0;
	snprintf(why, whylen, "range %#" PRIx64 "+%#" PRIx64 " overlaps the runner's own %s",
		 addr, len, what);
	return -1;
}

/* The ranges a call may change. */
static int guard_call(const struct mm_call *c, char *why, size_t whylen)
{
	switch (c->verb) {
	case MMV_MMAP:
		if (!(c->flags & (MM_MAP_FIXED | MM_MAP_FIXED_NOREPLACE)))
			return 0;
		return guard(c->addr, c->len, true, why, whylen);
	case MMV_MREMAP:
		/* the old range must lie in the one VMA at addr (else EFAULT) */
		if (guard(c->addr, 1, false, why, whylen))
			return -1;
		if (c->flags & MM_MREMAP_FIXED)
			return guard(c->new_addr, c->new_len, true, why, whylen);
		return 0;
	case MMV_MADVISE:
		/* memory-failure injection would poison host pages */
		if (c->advice == 100 || c->advice == 101) {
			snprintf(why, whylen, "advice %" PRId64 " is not run on the host", c->advice);
			return -1;
		}
		return guard(c->addr, c->len, false, why, whylen);
	case MMV_MINCORE:
		if (c->len / PAGE >= VEC_MAX - 1 && !(c->addr & (PAGE - 1)) &&
		    c->addr + c->len >= c->addr && c->addr + c->len <= TASK_SIZE_MAX) {
			snprintf(why, whylen, "mincore of more than the window");
			return -1;
		}
		return guard(c->addr, c->len, true, why, whylen);
	case MMV_MUNMAP:
		return guard(c->addr, c->len, true, why, whylen);
	case MMV_MBIND:		/* its policy and MPOL_MF_MOVE stay in the window */
		return guard(c->addr, c->len, false, why, whylen);
	case MMV_MPROTECT:
	case MMV_MLOCK:
	case MMV_MLOCK2:
	case MMV_MUNLOCK:
	case MMV_MSYNC:
	case MMV_TOUCH:
		return guard(c->addr, c->len, false, why, whylen);
	default:
		return 0;
	}
}

/* ---- descriptors and files ---- */

static int vfd_get(int32_t fd)
{
	if (fd < 0 || fd >= VFD_MAX)
		return fd < 0 ? -1 : 1 << 20;	/* -1 stays -1; others are bad */
	return vfd[fd] >= 0 ? vfd[fd] : 1 << 20;
}

static int host_open(const char *path, uint64_t flags)
{
	struct open_how how = {
		.flags = flags | O_CLOEXEC,
		.mode = (flags & O_CREAT) ? 0644 : 0,
		.resolve = RESOLVE_BENEATH,
	};

	while (*path == '/')
		path++;
	return (int)syscall(SYS_openat2, files_dirfd, *path ? path : ".", &how, sizeof(how));
}

/*
 * A shell-form FILE mapping opens the file as mmfs does (interface of the
 * control language): read-write, or read-only where read-write is refused
 * (EACCES, EISDIR). The descriptor lives for the call only, so two such
 * mappings have different struct files, as two opens do.
 */
static int file_for_mmap(const struct mm_call *c, bool *temp)
{
	int fd;

	*temp = false;
	if (c->fd >= 0 || !c->path[0])
		return vfd_get(c->fd);
	*temp = true;
	fd = host_open(c->path, O_RDWR);
	if (fd < 0 && (errno == EACCES || errno == EISDIR))
		fd = host_open(c->path, O_RDONLY);
	return fd;
}

/* Drop the fixture's pages from the host page cache, so that residency
 * starts as it does in a fresh simulated page cache. */
static int drop_one(const char *path, const struct stat *st, int type, struct FTW *f)
{
	int fd;

	if (type != FTW_F)
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		fdatasync(fd);
		posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
		close(fd);
	}
	return 0;
}

/* ---- the calls ---- */

static void touch_fault(int sig)
{
	siglongjmp(touch_env, 1);
}

static long host_touch(const struct mm_call *c)
{
	struct sigaction sa = { .sa_handler = touch_fault }, osegv, obus;
	volatile uint64_t a = c->addr & ~(PAGE - 1);
	uint64_t end = c->addr + c->len;
	volatile long ret = 0;

	if (end < c->addr) {	/* as mmfs's touch answers a wrapping range */
		errno = EINVAL;
		return -1;
	}
	sigaction(SIGSEGV, &sa, &osegv);
	sigaction(SIGBUS, &sa, &obus);
	if (sigsetjmp(touch_env, 1)) {
		errno = EFAULT;
		ret = -1;
		goto out;
	}
	for (; a < end; a += PAGE) {
		volatile char *p = (volatile char *)(uintptr_t)a;

		if (c->mode == 'w')
			__atomic_fetch_add(p, 0, __ATOMIC_RELAXED);
		else
			(void)*p;
	}
out:
	sigaction(SIGSEGV, &osegv, NULL);
	sigaction(SIGBUS, &obus, NULL);
	return ret;
}

static int vfd_alloc(int hostfd)
{
	for (int i = 0; i < VFD_MAX; i++) {
		if (vfd[i] < 0) {
			vfd[i] = hostfd;
			return i;
		}
	}
	close(hostfd);
	errno = EMFILE;
	return -1;
}

/* The call itself: its result (>= 0) or -1 with errno. */
static long host_call(const struct mm_call *c)
{
	bool temp;
	long r;
	int fd;

	switch (c->verb) {
	case MMV_MMAP:
		fd = file_for_mmap(c, &temp);
		if (fd < 0 && temp)
			return -1;
		r = syscall(SYS_mmap, c->addr, c->len, c->prot, c->flags, fd, c->off);
		if (temp) {
			int e = errno;

			close(fd);
			errno = e;
		}
		return r;
	case MMV_MUNMAP:	return syscall(SYS_munmap, c->addr, c->len);
	case MMV_MPROTECT:	return syscall(SYS_mprotect, c->addr, c->len, c->prot);
	case MMV_MREMAP:
		return syscall(SYS_mremap, c->addr, c->len, c->new_len, c->flags, c->new_addr);
	case MMV_MADVISE:	return syscall(SYS_madvise, c->addr, c->len, c->advice);
	case MMV_MLOCK:		return syscall(SYS_mlock, c->addr, c->len);
	case MMV_MLOCK2:	return syscall(SYS_mlock2, c->addr, c->len, c->flags);
	case MMV_MUNLOCK:	return syscall(SYS_munlock, c->addr, c->len);
	case MMV_MLOCKALL:	return syscall(SYS_mlockall, c->flags);
	case MMV_MUNLOCKALL:	return syscall(SYS_munlockall);
	case MMV_MINCORE:	return syscall(SYS_mincore, c->addr, c->len, vec);
	case MMV_MSYNC:		return syscall(SYS_msync, c->addr, c->len, c->flags);
	case MMV_TOUCH:		return host_touch(c);
	case MMV_SET_MEMPOLICY:
	case MMV_MBIND:
	case MMV_GET_MEMPOLICY:	return host_mpol_call(c, mpol_text, sizeof(mpol_text));
	case MMV_OPEN:
		fd = host_open(c->path, c->flags);
		return fd < 0 ? -1 : vfd_alloc(fd);
	case MMV_CLOSE:
		fd = vfd_get(c->fd);
		if (close(fd) < 0)
			return -1;
		vfd[c->fd] = -1;
		return 0;
	default:
		errno = ENOSYS;
		return -1;
	}
}

/* The reply line of a call that returned r (errno on -1). */
static void put_reply(struct rbuf *out, const struct mm_call *c, long r)
{
	if (r == -1) {
		const char *name = strerrorname_np(errno);

		if (name)
			rbuf_printf(out, "error %s\n", name);
		else
			rbuf_printf(out, "error E%d\n", errno);
		return;
	}
	switch (c->verb) {
	case MMV_MMAP:
	case MMV_MREMAP:
		reply_addr(out, (uint64_t)r);
		break;
	case MMV_MINCORE:
		for (uint64_t i = 0; i < (c->len + PAGE - 1) / PAGE; i++)
			rbuf_puts(out, vec[i] & 1 ? "1" : "0");
		rbuf_puts(out, "\n");
		break;
	case MMV_GET_MEMPOLICY:
		rbuf_printf(out, "%s\n", mpol_text);
		break;
	default:
		rbuf_printf(out, "%ld\n", r);
	}
}

/* One command line -> one block in out. */
static void host_step(const char *line, struct rbuf *out)
{
	struct mm_call c;
	struct rbuf smaps;
	char why[512];
	long r;

	if (parse_command(line, strlen(line), PARSE_PROCESS, &c, why, sizeof(why))) {
		rbuf_printf(out, "!not a command: %s\n", line);
		return;
	}
	if (!verb_on_host(c.verb)) {
		rbuf_printf(out, "!%s is not run on the host\n", mm_verb_name(c.verb));
		return;
	}
	if (guard_call(&c, why, sizeof(why))) {
		rbuf_printf(out, "!refused: %s\n", why);
		return;
	}
	errno = 0;
	r = host_call(&c);
	put_reply(out, &c, r);
	rbuf_init(&smaps);
	if (read_whole(AT_FDCWD, "/proc/self/smaps", &smaps))
		rbuf_puts(out, "!cannot read /proc/self/smaps\n");
	else
		vmalist_from_smaps(out, smaps.buf, smaps.len, files_prefix, host_opt_rss);
	rbuf_free(&smaps);
}

/* ---- the loop ---- */

bool host_opt_rss;

static int write_block(int fd, const struct rbuf *b)
{
	char head[32];
	int n = snprintf(head, sizeof(head), "%zu\n", b->len);
	const char *p = b->buf;
	size_t left = b->len;

	if (write(fd, head, (size_t)n) != n)
		return -1;
	while (left) {
		ssize_t w = write(fd, p, left);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		left -= (size_t)w;
	}
	return 0;
}

/* The first block: "ready", or why the runner cannot work. */
static void host_ready(const char *dir, struct rbuf *out)
{
	struct rbuf maps;
	char what[256];

	files_dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	files_prefix = realpath(dir, NULL);
	if (files_dirfd < 0 || !files_prefix) {
		rbuf_printf(out, "!files directory %s: %s\n", dir, strerror(errno));
		return;
	}
	nftw(dir, drop_one, 16, FTW_PHYS);
	rbuf_init(&maps);
	if (read_whole(AT_FDCWD, "/proc/self/maps", &maps))
		rbuf_puts(out, "!cannot read /proc/self/maps\n");
	else if (maps_find_overlap(maps.buf, maps.len, WIN_START, WIN_END, what, sizeof(what)))
		rbuf_printf(out, "!the window is not free in the runner: %s\n", what);
	else
		rbuf_puts(out, "ready\n");
	rbuf_free(&maps);
}

/*
 * Keep the runner on one CPU. New folios wait in per-CPU LRU batches, and
 * MADV_PAGEOUT and MADV_COLD drain only the batch of the CPU they run on:
 * a runner that migrated between its faults and its advice left pages off
 * the LRU, which reclaim then skipped (a page that stayed resident now and
 * then). mmfs has no such batches.
 */
static void pin_to_this_cpu(void)
{
	int cpu = sched_getcpu();
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

void host_child_main(int in, int out, const char *files_dir)
{
	char line[8192];
	size_t have = 0;
	struct rbuf b;

	pin_to_this_cpu();

	/*
	 * 0-2 are a process's stdio: here /dev/null, which like a terminal or a
	 * pipe cannot be mapped (ENODEV), closes once and then is free
	 */
	for (int i = 0; i < VFD_MAX; i++)
		vfd[i] = i < 3 ? open("/dev/null", O_RDWR | O_CLOEXEC) : -1;
	rbuf_init(&b);
	host_ready(files_dir, &b);
	if (write_block(out, &b) || b.buf[0] == '!')
		_exit(1);
	for (;;) {
		char *nl = memchr(line, '\n', have);
		ssize_t n;

		if (!nl) {
			if (have == sizeof(line))
				_exit(1);
			n = read(in, line + have, sizeof(line) - have);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			have += (size_t)n;
			continue;
		}
		*nl = '\0';
		rbuf_reset(&b);
		host_step(line, &b);
		if (write_block(out, &b))
			break;
		have -= (size_t)(nl + 1 - line);
		memmove(line, nl + 1, have);
	}
	syscall(SYS_munlockall);
	_exit(0);
}
