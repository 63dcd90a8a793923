// SPDX-License-Identifier: MIT
/*
 * vmalist.c - the part of a step's result both live sides compute alike:
 * the window's VMAs, taken from a smaps text (the host's /proc/self/smaps or
 * MOUNT/proc/PID/smaps), and the reply of an address.
 *
 * Device and inode numbers are left out (they cannot agree), names of files
 * under the host's fixture directory are shown from the simulated root, and
 * everything else is kept as the kernel printed it.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "difftest.h"

struct smaps_vma {
	uint64_t start, end, off;
	char perms[8];
	const char *name;	/* into the text; namelen bytes */
	size_t namelen;
	unsigned long rss, locked;	/* kB */
};

/* "start-end perms offset dev inode [name]": false if line is not a header. */
static bool parse_header(const char *line, size_t len, struct smaps_vma *v)
{
	unsigned long long s, e, o;
	int n = 0;

	if (!((*line >= '0' && *line <= '9') || (*line >= 'a' && *line <= 'f')))
		return false;
	if (sscanf(line, "%llx-%llx %7s %llx %*s %*s%n", &s, &e, v->perms, &o, &n) < 4 ||
	    !n || (size_t)n > len)
		return false;
	v->start = s;
	v->end = e;
	v->off = o;
	while ((size_t)n < len && line[n] == ' ')
		n++;
	v->name = line + n;
	v->namelen = len - (size_t)n;
	v->rss = v->locked = 0;
	return true;
}

static void put_vma(struct rbuf *out, const struct smaps_vma *v, const char *flags,
		    size_t flagslen, const char *files_prefix, bool rss)
{
	const char *name = v->name;
	size_t namelen = v->namelen, plen = files_prefix ? strlen(files_prefix) : 0;

	while (flagslen && (flags[flagslen - 1] == ' ' || flags[flagslen - 1] == '\n'))
		flagslen--;
	if (plen && namelen > plen && !strncmp(name, files_prefix, plen) && name[plen] == '/') {
		name += plen;
		namelen -= plen;
	}
	rbuf_printf(out, "%" PRIx64 "-%" PRIx64 " %s %08" PRIx64 " [%.*s] [%.*s]",
		    v->start, v->end, v->perms, v->off, (int)namelen, name,
		    (int)flagslen, flags);
	if (rss)
		rbuf_printf(out, " rss=%lu lck=%lu", v->rss, v->locked);
	rbuf_puts(out, "\n");
}

void vmalist_from_smaps(struct rbuf *out, const char *smaps, size_t len,
			const char *files_prefix, bool rss)
{
	const char *p = smaps, *end = smaps + len;
	struct smaps_vma v;
	bool have = false;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (parse_header(p, n, &v)) {
			have = v.end > WIN_START && v.start < WIN_END;
		} else if (have && !strncmp(p, "Rss:", 4)) {
			v.rss = strtoul(p + 4, NULL, 10);
		} else if (have && !strncmp(p, "Locked:", 7)) {
			v.locked = strtoul(p + 7, NULL, 10);
		} else if (have && !strncmp(p, "VmFlags:", 8)) {
			const char *f = p + 8;

			while (*f == ' ')
				f++;
			put_vma(out, &v, f, n - (size_t)(f - p), files_prefix, rss);
			have = false;
		}
		p += n + 1;
	}
}

bool maps_find_overlap(const char *text, size_t len, uint64_t lo, uint64_t hi,
		       char *what, size_t whatlen)
{
	const char *p = text, *end = text + len;
	struct smaps_vma v;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (parse_header(p, n, &v) && v.end > lo && v.start < hi) {
			snprintf(what, whatlen, "%.*s", (int)n, p);
			return true;
		}
		p += n + 1;
	}
	return false;
}

void reply_addr(struct rbuf *out, uint64_t addr)
{
	if (addr >= WIN_START && addr < WIN_END)
		rbuf_printf(out, "0x%" PRIx64 "\n", addr);
	else
		rbuf_puts(out, "outside\n");
}

int read_whole(int dirfd, const char *path, struct rbuf *b)
{
	char buf[65536];
	ssize_t n;
	int fd, err = 0;

	rbuf_reset(b);
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		rbuf_put(b, buf, (size_t)n);
	}
	close(fd);
	return err;
}
