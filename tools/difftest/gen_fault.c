// SPDX-License-Identifier: MIT
/*
 * gen_fault.c - the random generator's file-fault family: file mappings
 * that run past EOF, loads and stores next to EOF and next to cached pages,
 * in 2 MiB regions of their own (zones) whose PTE tables come and go.
 *
 *	ZONE(0..3)	four PMD-aligned regions, 4 MiB apart: file mappings at
 *			a random page of the zone, so that a 64 KiB fault-around
 *			window starts at the VMA or at an aligned block
 *	WARM		a region where a plan maps a file, brings some of its
 *			pages into the cache (willneed, a load, populate) and
 *			unmaps again: cached pages with no mapping and no table
 *
 * Zone ranges also move to other zones (mremap), tables and all.
 *
 * A quarter of the zone mappings get MADV_HUGEPAGE: their first fault
 * reads large folios, which hole punches, page advice and stores (dirty
 * folios cannot be split; msync cleans them) then cut up.
 *
 * Linux's fault-around depends on which pages are cached and uptodate, on
 * readahead markers, on i_size and on whether the PMD has a PTE table yet;
 * these commands put every combination of them within reach.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "gen.h"

#define ZONES		4
#define ZONE(k)		((uint64_t)WIN_START + 0x800000 + (uint64_t)(k) * 0x400000)
#define ZONE_PAGES	32	/* where the zone's commands land */
#define WARM		((uint64_t)WIN_START + 0x2000000)

#define below gen_below

/* A fixture file with pages, mostly a small one (EOF within a window). */
static const struct fixture_file *fault_file(struct gen *g)
{
	static const char *const names[] = {
		"data/p8", "data/p8", "data/p3", "data/p41", "data/p41", "data/f1",
		"data/f2", "data/small", "data/big",
	};
	const char *name = names[below(g, sizeof(names) / sizeof(names[0]))];

	for (size_t i = 0; i < fixture_nr_files; i++)
		if (!strcmp(fixture_files[i].name, name))
			return &fixture_files[i];
	return &fixture_files[0];
}

static uint64_t file_pages(const struct fixture_file *f)
{
	return (f->size + PAGE - 1) / PAGE;
}

/* A page offset, mostly near the end of the file. */
static uint64_t near_eof(struct gen *g, uint64_t pages)
{
	uint64_t back = below(g, 5) ? below(g, 9) : below(g, (unsigned)pages + 1);

	return back > pages ? 0 : pages - back;
}

static uint64_t zone_addr(struct gen *g)
{
	return ZONE(below(g, ZONES)) + below(g, ZONE_PAGES) * PAGE;
}

/* A file mapping in a zone that often runs past EOF. */
static void gen_zone_mmap(struct gen *g, char *b, size_t n)
{
	const struct fixture_file *f = fault_file(g);
	uint64_t pages = file_pages(f), off = near_eof(g, pages);
	uint64_t len = pages - off + below(g, 10);
	uint64_t addr = ZONE(below(g, ZONES)) + below(g, 16) * PAGE;
	char sz[32];

	if (!len)
		len = 1 + below(g, 4);
	if (below(g, 4) == 0)
		off = below(g, (unsigned)pages);	/* anywhere */
	gen_put_size(sz, sizeof(sz), len * PAGE);
	snprintf(b, n, "mmap 0x%" PRIx64 " %s %s %s,fixed%s %s 0x%" PRIx64, addr, sz,
		 below(g, 2) ? "r--" : "rw-", below(g, 5) < 3 ? "private" : "shared",
		 below(g, 10) ? "" : ",populate", f->name, (uint64_t)(off * PAGE));
	/* large folios: a huge-page mapping's first fault reads PMD-sized folios */
	if (!below(g, 4))
		gen_queue(g, "madvise 0x%" PRIx64 " %s hugepage", addr, sz);
}

/* Warm some pages of a file's cache with no mapping left behind. */
static void gen_warm(struct gen *g, char *b, size_t n)
{
	const struct fixture_file *f = fault_file(g);
	uint64_t pages = file_pages(f), first = near_eof(g, pages), nr;
	char sz[32];

	if (first == pages)
		first = pages - 1;
	nr = 1 + below(g, (unsigned)(pages - first < 4 ? pages - first : 4));
	gen_put_size(sz, sizeof(sz), nr * PAGE);
	snprintf(b, n, "mmap 0x%" PRIx64 " %s r-- %s,fixed %s 0x%" PRIx64, (uint64_t)WARM, sz,
		 below(g, 2) ? "shared" : "private", f->name, (uint64_t)(first * PAGE));
	switch (below(g, 4)) {
	case 0:
	case 1:
		gen_queue(g, "madvise 0x%" PRIx64 " %s willneed", (uint64_t)WARM, sz);
		break;
	case 2:
		gen_queue(g, "touch 0x%" PRIx64 " %s r", (uint64_t)WARM, sz);
		break;
	default:
		gen_queue(g, "madvise 0x%" PRIx64 " %s populate_read", (uint64_t)WARM, sz);
	}
	gen_queue(g, "munmap 0x%" PRIx64 " %s", (uint64_t)WARM, sz);
}

void gen_file_fault(struct gen *g, char *b, size_t n)
{
	unsigned r = below(g, 100);
	uint64_t addr = zone_addr(g), pages = 1 + below(g, 3);
	char sz[32];

	if (r < 26)
		return gen_zone_mmap(g, b, n);
	if (r < 52) {
		gen_put_size(sz, sizeof(sz), below(g, 4) ? pages * PAGE : 1 + below(g, 100));
		snprintf(b, n, "touch 0x%" PRIx64 " %s %s", addr, sz, below(g, 3) ? "r" : "w");
		return;
	}
	if (r < 68)
		return gen_warm(g, b, n);
	if (r < 76) {	/* the whole zone: its PTE table goes */
		snprintf(b, n, "munmap 0x%" PRIx64 " 2048K", ZONE(below(g, ZONES)));
		return;
	}
	if (r < 88) {
		gen_put_size(sz, sizeof(sz), (1 + below(g, 16)) * PAGE);
		snprintf(b, n, "madvise 0x%" PRIx64 " %s %s", addr, sz,
			 PICK(g, "random", "sequential", "normal", "willneed", "dontneed", "cold",
			      "pageout", "hugepage", "populate_read", "populate_write", "remove"));
		return;
	}
	if (r < 90) {	/* clean what stores dirtied: a clean folio can be split */
		snprintf(b, n, "msync 0x%" PRIx64 " 128K sync", ZONE(below(g, ZONES)));
		return;
	}
	if (r < 94) {	/* to another zone: its PTE table comes along (or not) */
		gen_put_size(sz, sizeof(sz), (1 + below(g, 12)) * PAGE);
		snprintf(b, n, "mremap 0x%" PRIx64 " %s %s maymove,fixed 0x%" PRIx64, addr, sz, sz,
			 zone_addr(g));
		return;
	}
	snprintf(b, n, "mincore 0x%" PRIx64 " 128K", ZONE(below(g, ZONES)));
}
