/* SPDX-License-Identifier: MIT */
/*
 * malloc_gen.c - the scripts of `mmfs-difftest malloc --seed`: random calls
 * of the malloc family (sizes from 1 byte to 64 MiB, mostly small; frees and
 * reallocs of live pointers; calloc, memalign, mallopt, malloc_trim,
 * malloc_stats), the heap profile (no mmap'd chunks), and the bugs a script
 * may end with. A pure function of the seed (doc/difftest.md).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "malloc_diff.h"

static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rnd(uint64_t *s, uint64_t n)
{
	return n ? rng_next(s) % n : 0;
}

/* The heap profile: no mmap'd chunks, sizes for the large bins, more frees. */
static bool heap_profile;

/* The bugs: the script's last calls, k the index of the first of them. */
static void gen_bug(struct text *t, uint64_t *s, unsigned k)
{
	char line[512];

	switch (rnd(s, 5)) {
	case 0:		/* double free into the tcache */
		snprintf(line, sizeof(line), "malloc 40\nfree #%u\nfree #%u\n", k, k);
		break;
	case 1:		/* double free at a fastbin's top, the tcache bin full */
		snprintf(line, sizeof(line),
			 "malloc 40\nmalloc 40\nmalloc 40\nmalloc 40\nmalloc 40\nmalloc 40\n"
			 "malloc 40\nmalloc 40\nfree #%u\nfree #%u\nfree #%u\nfree #%u\n"
			 "free #%u\nfree #%u\nfree #%u\nfree #%u\nfree #%u\n",
			 k, k + 1, k + 2, k + 3, k + 4, k + 5, k + 6, k + 7, k + 7);
		break;
	case 2:		/* a size below MINSIZE */
		snprintf(line, sizeof(line), "malloc 100\npoke #%u -8 9\nfree #%u\n", k, k);
		break;
	case 3:		/* the next chunk's size overwritten */
		snprintf(line, sizeof(line), "malloc 2000\nmalloc 100\npoke #%u -8 1\nfree #%u\n",
			 k + 1, k);
		break;
	default:	/* a free chunk's bk overwritten: the next malloc follows it */
		snprintf(line, sizeof(line),
			 "malloc 2000\nmalloc 100\nfree #%u\npoke #%u 8 0x4141414141414140\n"
			 "malloc 3000\n", k, k);
		break;
	}
	tput(t, line);
}

/* 1 byte to 64 MiB, mostly small: the tcache, the bins, then mmap'd chunks. */
static uint64_t gen_size(uint64_t *s)
{
	uint64_t r = rnd(s, 100);

	if (heap_profile) {
		if (r < 40)
			return 1 + rnd(s, 1032);
		if (r < 80)
			return 1033 + rnd(s, 64 * 1024);
		return 64 * 1024 + rnd(s, 1024 * 1024);
	}

	if (r < 55)
		return 1 + rnd(s, 1032);
	if (r < 80)
		return 1033 + rnd(s, 64 * 1024);
	if (r < 93)
		return 64 * 1024 + rnd(s, 1024 * 1024);
	if (r < 98)
		return (1 << 20) + rnd(s, 7 << 20);
	return (8 << 20) + rnd(s, 56 << 20);
}

/*
 * Threads (--threads N): before each call a draw decides: 3 in 100 make a
 * thread (while fewer than N live; pthread_create in the main thread, the
 * thread taking the lowest free number, as both sides number them), 1 in
 * 100 ends a live one (`@T pthread_exit`), else the call runs in the main
 * thread or a live thread, evenly. A pointer may be freed or realloc'd by
 * any thread, as programs do. Scripts without threads draw nothing more,
 * so they are what they were.
 */
static unsigned gen_thread(struct text *t, uint64_t *s, bool *used, unsigned max, int *line_done)
{
	unsigned live[64], n = 0, q = (unsigned)rnd(s, 100);

	*line_done = 0;
	for (unsigned i = 1; i <= max; i++)
		if (used[i])
			live[n++] = i;
	if (q < 3 && n < max) {
		for (unsigned i = 1; i <= max; i++)
			if (!used[i]) {
				used[i] = true;
				break;
			}
		tput(t, "pthread_create\n");
		*line_done = 1;
		return 0;
	}
	if (q < 4 && n) {
		unsigned i = live[rnd(s, n)];
		char line[32];

		used[i] = false;
		snprintf(line, sizeof(line), "@%u pthread_exit\n", i);
		tput(t, line);
		*line_done = 1;
		return 0;
	}
	q = (unsigned)rnd(s, n + 1);
	return q ? live[q - 1] : 0;
}

void malloc_gen_script(struct text *t, uint64_t seed, unsigned ops, bool heap, bool bug,
		       unsigned threads)
{
	bool used[64] = { false };
	static const char *const params[] = { "M_MMAP_THRESHOLD", "M_TRIM_THRESHOLD",
					       "M_TOP_PAD", "M_MMAP_MAX", "M_ARENA_MAX" };
	static const uint64_t aligns[] = { 16, 32, 64, 256, 4096, 65536 };
	uint64_t s = seed, *live = calloc(ops, sizeof(*live));

	heap_profile = heap;
	unsigned nlive = 0;
	char line[128];

	if (threads > 63)
		threads = 63;
	for (unsigned k = 0; k < ops; k++) {
		uint64_t r;
		int made = 0, done = 0;
		unsigned th = 0;

		if (threads && !(heap_profile && k == 0)) {
			th = gen_thread(t, &s, used, threads, &done);
			if (done)
				continue;
		}
		r = rnd(&s, 100);

		if (heap_profile && k == 0) {
			tput(t, "mallopt M_MMAP_MAX 0\n");
			continue;
		}
		if (heap_profile && r < 52 && r >= 45)
			r = 10;		/* fewer callocs and memaligns, more frees */
		if (heap_profile && r >= 50 && r < 55)
			r = 60;		/* no mallopt that would bring mmap back */
		if (r < 30 && nlive) {
			unsigned i = (unsigned)rnd(&s, nlive);

			snprintf(line, sizeof(line), "free #%" PRIu64 "\n", live[i]);
			live[i] = live[--nlive];
		} else if (r < 38 && nlive) {
			unsigned i = (unsigned)rnd(&s, nlive);

			snprintf(line, sizeof(line), "realloc #%" PRIu64 " %" PRIu64 "\n", live[i],
				 gen_size(&s));
			live[i] = live[--nlive];
			made = 1;
		} else if (r < 45) {
			uint64_t n = 1 + rnd(&s, 16), sz = gen_size(&s) / n + 1;

			snprintf(line, sizeof(line), "calloc %" PRIu64 " %" PRIu64 "\n", n, sz);
			made = 1;
		} else if (r < 50) {
			snprintf(line, sizeof(line), "memalign %" PRIu64 " %" PRIu64 "\n",
				 aligns[rnd(&s, 6)], gen_size(&s));
			made = 1;
		} else if (r < 52) {
			unsigned p = (unsigned)rnd(&s, 5);
			uint64_t v;

			switch (p) {
			case 0: v = 4096 << rnd(&s, 12); break;		/* 4K .. 8M */
			case 1: v = 4096 << rnd(&s, 10); break;
			case 2: v = rnd(&s, 3) == 0 ? 0 : 4096 << rnd(&s, 9); break;
			case 3: v = rnd(&s, 2) ? 0 : 65536; break;
			default: v = 1 + rnd(&s, 8); break;
			}
			snprintf(line, sizeof(line), "mallopt %s %" PRIu64 "\n", params[p], v);
		} else if (r < 54) {
			static const uint64_t pads[] = { 0, 4096, 128 * 1024 };

			snprintf(line, sizeof(line), "malloc_trim %" PRIu64 "\n", pads[rnd(&s, 3)]);
		} else if (r < 55) {
			snprintf(line, sizeof(line), "malloc_stats\n");
		} else {
			snprintf(line, sizeof(line), "malloc %" PRIu64 "\n", gen_size(&s));
			made = 1;
		}
		if (made)
			live[nlive++] = k;
		if (th) {
			char at[16];

			snprintf(at, sizeof(at), "@%u ", th);
			tput(t, at);
		}
		tput(t, line);
	}
	if (bug)
		gen_bug(t, &s, ops);
	free(live);
}
