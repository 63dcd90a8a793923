// SPDX-License-Identifier: MIT
/*
 * gen.c - seeded random scripts: every verb the host can run, with valid
 * and invalid arguments, mostly in a small play area of the window so that
 * calls meet each other's VMAs (splits, merges, holes, overlaps).
 *
 * The script is a pure function of the seed: it never looks at results, so
 * any prefix replays exactly. The only state kept is a guess of which
 * descriptors `open` returns (lowest free from 3), used to write strace-form
 * mmaps of them; a wrong guess would only make a test less interesting.
 *
 * Ranges are chosen so the host runner never refuses them: a range that
 * starts in the window may run past the user address space only for the
 * calls that reject such a range before touching anything (mmap, munmap,
 * mincore, mremap's new range).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

#define AREA		(WIN_START + 0x100000)	/* the play area: 64 pages */
#define AREA_PAGES	64
#define FAR		(WIN_START + 0x4000000)	/* a quiet corner: 16 pages */
#define FAR_PAGES	16
#define MAX_FDS		GEN_MAX_FDS

static uint64_t next(struct gen *g)
{
	uint64_t z = (g->state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

unsigned gen_below(struct gen *g, unsigned n)
{
	return (unsigned)(next(g) % n);
}
#define below gen_below

const char *gen_pick(struct gen *g, const char *const *v, size_t n)
{
	return v[below(g, (unsigned)n)];
}

void gen_queue(struct gen *g, const char *fmt, ...)
{
	va_list ap;

	if (g->queued == GEN_QUEUE)
		return;
	va_start(ap, fmt);
	vsnprintf(g->queue[g->queued++], GEN_LINE, fmt, ap);
	va_end(ap);
}

/* ---- addresses and lengths ---- */

static uint64_t area_page(struct gen *g)
{
	return AREA + below(g, AREA_PAGES) * PAGE;
}

/* An address: mostly a page of the play area, sometimes elsewhere. */
static uint64_t gen_addr(struct gen *g)
{
	unsigned r = below(g, 100);

	if (r < 86)
		return area_page(g);
	if (r < 93)
		return FAR + below(g, FAR_PAGES) * PAGE;
	if (r < 97)
		return area_page(g) + (r & 1 ? 1 : 0x800);	/* unaligned */
	return r < 99 ? 0x800000000000ULL : 0xfffffffffffff000ULL;	/* above user space */
}

static uint64_t gen_pages(struct gen *g)
{
	static const unsigned p[] = { 1, 1, 1, 2, 2, 3, 4, 4, 5, 8, 8, 16 };
	unsigned r = below(g, 16);

	return r < 12 ? p[r] : 1 + below(g, 40);
}

/* A length; huge ones only when wide says the call rejects them whole. */
static uint64_t gen_len(struct gen *g, bool wide)
{
	unsigned r = below(g, 100);

	if (r < 89)
		return gen_pages(g) * PAGE;
	if (r < 92)
		return 0;
	if (r < 95)
		return gen_pages(g) * PAGE - PAGE + 1 + below(g, PAGE - 1);	/* unaligned */
	if (r < 97)
		return 0xfffffffffffff000ULL;	/* wraps */
	return wide ? 1ULL << 47 : 0;
}

void gen_put_size(char *b, size_t n, uint64_t v)
{
	if (v && !(v % 1024) && v < (1ULL << 40))
		snprintf(b, n, "%" PRIu64 "K", v / 1024);
	else
		snprintf(b, n, "0x%" PRIx64, v);
}
#define put_size gen_put_size

/* ---- the verbs ---- */

static const char *gen_prot(struct gen *g, bool mprotect)
{
	unsigned r = below(g, 100);

	if (r < 32)
		return "rw-";
	if (r < 52)
		return "r--";
	if (r < 64)
		return "---";
	if (r < 72)
		return "r-x";
	if (r < 78)
		return "rwx";
	if (r < 82)
		return "-w-";
	if (r < 86)
		return "--x";
	if (r < 92)
		return "read,write,0x10";	/* unknown bit: mmap ignores, mprotect refuses */
	return mprotect ? "read,write,growsdown" : "read,sem";
}

static const char *gen_file(struct gen *g, bool *is_dir)
{
	unsigned r = below(g, 100);

	*is_dir = false;
	if (r < 34)
		return "data/f1";
	if (r < 50)
		return "data/f2";
	if (r < 62)
		return "data/big";
	if (r < 70)
		return "data/small";
	if (r < 75)
		return "data/empty";
	if (r < 93)
		return PICK(g, "data/p8", "data/p41", "data/p3");
	if (r < 97) {
		*is_dir = true;
		return "data";
	}
	return "data/missing";
}

static uint64_t gen_offset(struct gen *g)
{
	unsigned r = below(g, 100);

	if (r < 60)
		return 0;
	if (r < 92)
		return below(g, 16) * PAGE;
	if (r < 96)
		return below(g, 8) * PAGE + 0x80;	/* unaligned */
	return 0x200000;			/* past every file's end */
}

/* A predicted open descriptor, or a bad one. */
static int gen_fd(struct gen *g)
{
	int open_fds[MAX_FDS], n = 0;

	for (int i = 3; i < 3 + MAX_FDS; i++)
		if (g->fd_open[i])
			open_fds[n++] = i;
	if (!n || below(g, 10) == 0)
		return below(g, 2) ? 99 : 1;	/* unused; another process's stdout */
	return open_fds[below(g, (unsigned)n)];
}

static void gen_mmap(struct gen *g, char *b, size_t n)
{
	uint64_t addr = gen_addr(g), len = gen_len(g, true);
	char flags[160], sz[32];
	unsigned r = below(g, 100);
	bool anon = below(g, 100) < 62, is_dir;
	const char *file = anon ? NULL : gen_file(g, &is_dir);

	snprintf(flags, sizeof(flags), "%s",
		 r < 58 ? "private" : r < 88 ? "shared" : r < 93 ? "shared_validate" :
		 r < 97 ? "0" : "0x4");
	r = below(g, 100);
	if (r < 55)
		strcat(flags, ",fixed");
	else if (r < 70)
		strcat(flags, ",fixed_noreplace");
	if (anon)
		strcat(flags, ",anon");
	if (below(g, 100) < 15)
		strcat(flags, ",populate");
	if (below(g, 100) < 10)
		strcat(flags, ",noreserve");
	if (below(g, 100) < 6)
		strcat(flags, ",locked");
	if (below(g, 100) < 5)
		strcat(flags, ",growsdown");
	if (below(g, 100) < 5)
		strcat(flags, ",stack");
	if (below(g, 100) < 4)
		strcat(flags, PICK(g, ",0x200", ",denywrite", ",sync"));
	put_size(sz, sizeof(sz), len);
	if (anon) {
		snprintf(b, n, "mmap 0x%" PRIx64 " %s %s %s", addr, sz, gen_prot(g, false), flags);
	} else if (below(g, 4)) {
		snprintf(b, n, "mmap 0x%" PRIx64 " %s %s %s %s 0x%" PRIx64, addr, sz,
			 gen_prot(g, false), flags, file, gen_offset(g));
	} else {	/* strace form, through a descriptor */
		uint64_t f = 0;

		for (char *t = strtok(flags, ","); t; t = strtok(NULL, ",")) {
			static const struct { const char *name; uint64_t v; } m[] = {
				{ "private", 2 }, { "shared", 1 }, { "shared_validate", 3 },
				{ "fixed", 0x10 }, { "fixed_noreplace", 0x100000 },
				{ "populate", 0x8000 }, { "noreserve", 0x4000 },
				{ "locked", 0x2000 }, { "growsdown", 0x100 },
				{ "stack", 0x20000 }, { "denywrite", 0x800 }, { "sync", 0x80000 },
			};
			bool named = false;

			for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
				if (!strcmp(t, m[i].name)) {
					f |= m[i].v;
					named = true;
				}
			}
			if (!named)
				f |= strtoull(t, NULL, 0);
		}
		snprintf(b, n, "mmap(0x%" PRIx64 ", %" PRIu64 ", %s, %#" PRIx64 ", %d, %#" PRIx64 ")",
			 addr, len, PICK(g, "PROT_READ", "PROT_READ|PROT_WRITE", "PROT_NONE",
					 "PROT_READ|PROT_EXEC"), f, gen_fd(g), gen_offset(g));
	}
}

static void gen_mremap(struct gen *g, char *b, size_t n)
{
	static const char *const flags[] = {
		"0", "maymove", "maymove", "maymove,fixed", "maymove,fixed", "fixed",
		"maymove,dontunmap", "maymove,fixed,dontunmap", "dontunmap", "0x8",
	};
	uint64_t addr = gen_addr(g), old = below(g, 10) ? gen_pages(g) * PAGE : 0;
	uint64_t new_len = below(g, 12) ? gen_pages(g) * PAGE : below(g, 2) ? 0 : 1ULL << 47;
	const char *f = flags[below(g, sizeof(flags) / sizeof(flags[0]))];
	char o[32], nl[32];

	if (below(g, 4) == 0)
		new_len = old;	/* same size: dontunmap needs it */
	put_size(o, sizeof(o), old);
	put_size(nl, sizeof(nl), new_len);
	if (strstr(f, "fixed"))
		snprintf(b, n, "mremap 0x%" PRIx64 " %s %s %s 0x%" PRIx64, addr, o, nl, f,
			 below(g, 12) ? area_page(g) : area_page(g) + 0x10);
	else
		snprintf(b, n, "mremap 0x%" PRIx64 " %s %s %s", addr, o, nl, f);
}

static void gen_open(struct gen *g, char *b, size_t n)
{
	bool is_dir;
	const char *path = gen_file(g, &is_dir);
	const char *flags = PICK(g, "rdonly", "rdonly", "rdwr", "rdwr", "wronly");
	bool ok = strcmp(path, "data/missing") && !(is_dir && strcmp(flags, "rdonly"));
	int fd = -1;

	for (int i = 3; i < 3 + MAX_FDS && fd < 0; i++)
		if (!g->fd_open[i])
			fd = i;
	if (fd < 0) {	/* all taken: close one instead */
		fd = gen_fd(g);
		snprintf(b, n, "close %d", fd);
		if (fd >= 3 && fd < 3 + MAX_FDS)
			g->fd_open[fd] = false;
		return;
	}
	if (ok)
		g->fd_open[fd] = true;
	snprintf(b, n, "open %s %s", path, flags);
}

/* A call on one range: "VERB ADDR LEN[ EXTRA]". */
static void gen_range(struct gen *g, char *b, size_t n, const char *verb, bool wide,
		      const char *extra)
{
	char sz[32];

	put_size(sz, sizeof(sz), gen_len(g, wide));
	snprintf(b, n, "%s 0x%" PRIx64 " %s%s%s", verb, gen_addr(g), sz, extra ? " " : "",
		 extra ? extra : "");
}

/* A touch of a few pages: loads or stores, as a program makes them. */
static void gen_touch(struct gen *g, char *b, size_t n)
{
	uint64_t len = below(g, 4) ? gen_pages(g) * PAGE : 1 + below(g, 3 * PAGE);
	char sz[32];

	put_size(sz, sizeof(sz), len);
	snprintf(b, n, "touch 0x%" PRIx64 " %s %s", gen_addr(g), sz, below(g, 3) ? "r" : "w");
}

static void gen_line(struct gen *g, char *b, size_t n)
{
	unsigned r = below(g, 100);
	int fd;

	if (r < 20)
		return gen_file_fault(g, b, n);
	if (r < 26)
		return gen_touch(g, b, n);
	r = below(g, 100);
	if (r < 26)
		return gen_mmap(g, b, n);
	if (r < 35)
		return gen_range(g, b, n, "munmap", true, NULL);
	if (r < 49)
		return gen_range(g, b, n, "mprotect", false, gen_prot(g, true));
	if (r < 59)
		return gen_mremap(g, b, n);
	if (r < 70)
		return gen_range(g, b, n, "madvise", false,
				 PICK(g, "normal", "random", "sequential", "willneed", "dontneed",
				      "free", "remove", "dontfork", "dofork", "mergeable",
				      "unmergeable", "hugepage", "nohugepage", "dontdump", "dodump",
				      "wipeonfork", "keeponfork", "cold", "pageout",
				      "populate_read", "populate_write", "5", "7", "999", "-1"));
	if (r < 74)
		return gen_range(g, b, n, "mlock", false, NULL);
	if (r < 76)
		return gen_range(g, b, n, "mlock2", false, PICK(g, "0", "onfault", "onfault", "2"));
	if (r < 79)
		return gen_range(g, b, n, "munlock", false, NULL);
	if (r < 80)
		return (void)snprintf(b, n, "mlockall %s",
				      PICK(g, "current", "future", "current,future", "onfault",
					   "current,onfault", "future,onfault", "0", "8"));
	if (r < 82)
		return (void)snprintf(b, n, "munlockall");
	if (r < 90)
		return gen_range(g, b, n, "mincore", true, NULL);
	if (r < 94)
		return gen_range(g, b, n, "msync", false,
				 PICK(g, "sync", "async", "invalidate", "sync,invalidate",
				      "async,invalidate", "sync,async", "0", "8"));
	if (r < 97)
		return gen_open(g, b, n);
	if (r < 99) {
		fd = gen_fd(g);
		if (fd >= 3 && fd < 3 + MAX_FDS)
			g->fd_open[fd] = false;
		return (void)snprintf(b, n, "close %d", fd);
	}
	snprintf(b, n, "munmap 0x%" PRIx64 " %uK", (uint64_t)AREA, AREA_PAGES * 4);
}

void gen_script(struct script *s, uint64_t seed, unsigned ops)
{
	struct gen g = { .state = seed * 0x2545f4914f6cdd1dULL + 1 };
	char line[512];

	for (unsigned i = 0; i < ops; i++) {
		if (g.next_queued < g.queued) {
			snprintf(line, sizeof(line), "%s", g.queue[g.next_queued++]);
		} else {
			g.queued = g.next_queued = 0;
			gen_line(&g, line, sizeof(line));
		}
		if (script_add(s, line, (int)i + 1, true))
			return;
	}
}
