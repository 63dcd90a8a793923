/* SPDX-License-Identifier: MIT */
/*
 * model_pick.c - how fuzz_model turns bytes into arguments: processes,
 * addresses, lengths, ranges. The choices lean on what exists (a VMA of the
 * process, its brk) and on one small window (WIN_BASE), so that successive
 * commands land on each other's mappings, with a share of edge values
 * (zero, unaligned, TASK_SIZE, overflowing lengths) for the error paths.
 */
#include <stdlib.h>
#include <string.h>

#include "../../mm/mm.h"
#include "model.h"

#define TASK_SIZE	0x7ffffffff000ULL
#define HPAGE		(2ULL << 20)
#define PAGE		4096ULL

static const uint64_t edge_addrs[] = {
	TASK_SIZE - PAGE, TASK_SIZE, TASK_SIZE - HPAGE, 1ULL << 47, 0x1000, 0xfff,
	0x10000, ~0xfffULL, 0x7ffff7dc0000ULL, 0x555555559000ULL, WIN_BASE - PAGE,
	WIN_BASE + WIN_PAGES * PAGE, 0x8000000000000000ULL,
};

static const uint64_t edge_lens[] = {
	1ULL << 47, ~0ULL, ~0xfffULL, 1ULL << 40, 64ULL << 20, HPAGE - PAGE, HPAGE + PAGE,
	4 * HPAGE, 1, PAGE - 1, PAGE + 1, TASK_SIZE,
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

int pick_pid(struct fuzz_run *r, struct cursor *c)
{
	int pids[64], n = mm_pids(r->m, pids, 64);
	uint8_t b = in_u8(c);

	if (b == 0xff) {
		r->init_touched = true;
		return 1;
	}
	if (n > 64)
		n = 64;
	/* pids[0] is init: it stays as boot left it unless asked for by 0xff */
	return n > 1 ? pids[1 + b % (n - 1)] : 0;
}

/* A snapshot of pid's VMAs (maps level), or NULL. Caller frees. */
static struct mm_task_snap *vmas_of(struct fuzz_run *r, int pid)
{
	struct mm_task_snap *s = mm_snap_task(r->m, pid, 1);

	if (s && !s->nr_vmas) {
		free(s);
		s = NULL;
	}
	return s;
}

uint64_t pick_len(struct cursor *c)
{
	uint8_t b = in_u8(c);

	switch (b % 8) {
	case 0: case 1: case 2: case 3:
		return (1 + in_u8(c) % 32) * PAGE;
	case 4:
		return (1 + in_u8(c) % 4) * HPAGE;
	case 5:
		return in_u16(c);
	case 6:
		return 0;
	default:
		return edge_lens[in_u8(c) % NELEM(edge_lens)];
	}
}

static uint64_t window_page(struct cursor *c)
{
	return WIN_BASE + (in_u16(c) % WIN_PAGES) * PAGE;
}

void note_hot(struct fuzz_run *r, uint64_t addr)
{
	r->hot[r->nr_hot++ % NR_HOT] = addr;
}

/*
 * An address inside (or just past) one of pid's VMAs: the one holding an
 * address a recent mmap, mremap or brk returned (the fuzzer's own
 * mappings), or for i >= 0x80 any VMA by index (the exec-time layout too).
 */
static uint64_t in_vma(struct fuzz_run *r, int pid, struct cursor *c, uint64_t *vma_end)
{
	struct mm_task_snap *s = vmas_of(r, pid);
	uint8_t i = in_u8(c), off = in_u8(c);
	struct mm_vma_snap *v = NULL;
	uint64_t addr, pages;

	if (!s) {
		*vma_end = 0;
		return WIN_BASE;
	}
	if (!(i & 0x80) && r->nr_hot) {
		uint64_t hot = r->hot[i % (r->nr_hot < NR_HOT ? r->nr_hot : NR_HOT)];

		for (size_t k = 0; k < s->nr_vmas && !v; k++)
			if (s->vmas[k].start <= hot && hot < s->vmas[k].end)
				v = &s->vmas[k];
	}
	if (!v)
		v = &s->vmas[i % s->nr_vmas];
	pages = (v->end - v->start) / PAGE;
	addr = v->start + (off % (pages + 1)) * PAGE;
	*vma_end = v->end;
	free(s);
	return addr;
}

uint64_t pick_addr(struct fuzz_run *r, int pid, struct cursor *c)
{
	uint8_t b = in_u8(c);
	uint64_t end;

	switch (b % 8) {
	case 0:
		return 0;
	case 1: case 2: case 3:
		return window_page(c);
	case 4:
		return in_vma(r, pid, c, &end);
	case 5:
		return WIN_BASE + (in_u8(c) % (WIN_PAGES * PAGE / HPAGE)) * HPAGE;
	case 6:
		return edge_addrs[in_u8(c) % NELEM(edge_addrs)];
	default:
		return in_u64(c);
	}
}

void pick_range(struct fuzz_run *r, int pid, struct cursor *c, uint64_t *addr, uint64_t *len)
{
	uint8_t b = in_u8(c);
	struct mm_task_snap *s;
	uint64_t end;

	switch (b % 8) {
	case 0:		/* a whole VMA, or from inside one to its end */
		*addr = in_vma(r, pid, c, &end);
		*len = end > *addr ? end - *addr : PAGE;
		return;
	case 1:		/* inside a VMA, for a few pages */
		*addr = in_vma(r, pid, c, &end);
		*len = (1 + in_u8(c) % 16) * PAGE;
		return;
	case 2:		/* from one VMA's start over the next few */
		s = vmas_of(r, pid);
		if (s) {
			size_t i = in_u8(c) % s->nr_vmas, j = i + in_u8(c) % 4;

			j = j < s->nr_vmas ? j : s->nr_vmas - 1;
			*addr = s->vmas[i].start;
			*len = s->vmas[j].end - *addr;
			free(s);
			return;
		}
		/* fall through */
	case 3: case 4:
		*addr = window_page(c);
		*len = pick_len(c);
		return;
	case 5:
		*addr = WIN_BASE + (in_u8(c) % (WIN_PAGES * PAGE / HPAGE)) * HPAGE;
		*len = pick_len(c);
		return;
	case 6:		/* unaligned */
		*addr = WIN_BASE + in_u16(c);
		*len = in_u16(c);
		return;
	default:
		*addr = pick_addr(r, pid, c);
		*len = pick_len(c);
		return;
	}
}

/* The file names the model and files/ are asked about, bad ones included. */
static const char *const paths[] = {
	"/a", "/b", "/c", "/d", "/d/e", "/ro", "/big", "/new", "d/../a",
	"/usr/bin/sh", "/usr/lib/x86_64-linux-gnu/libc.so.6", "", "/../etc/passwd",
	"/d/e/f", "/nonexistent", "/d/",
};

const char *pick_path(struct cursor *c)
{
	return paths[in_u8(c) % NELEM(paths)];
}

/* Names a rename or unlink may use: absolute, inside the backing directory. */
static const char *const rename_paths[] = {
	"/a", "/b", "/c", "/d/e", "/big", "/new", "/d/new",
};

const char *pick_rename_path(struct cursor *c)
{
	return rename_paths[in_u8(c) % NELEM(rename_paths)];
}

uint64_t pick_file_off(struct cursor *c)
{
	uint8_t b = in_u8(c);

	switch (b % 4) {
	case 0:
		return 0;
	case 1:
		return (in_u8(c) % 20) * PAGE;
	case 2:
		return in_u16(c);
	default:
		return edge_lens[in_u8(c) % NELEM(edge_lens)];
	}
}

/* Bytes to write: a pattern from one seed byte, so the input stays short. */
void fill_pattern(uint8_t *buf, size_t len, uint8_t seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(seed + i * 7 + (i >> 12));
}
