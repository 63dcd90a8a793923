/* SPDX-License-Identifier: MIT */
/*
 * bench_zswap.c - the zswap group: pages stored in the pool per second,
 * against the compressor alone on the same pages in the same run (the
 * floor: a store cannot be cheaper than its compression).
 *
 *   store_lz4 / store_zstd: MADV_PAGEOUT of 64 MiB (16384 pages of text,
 *     each different, about 3:1 for lz4) of pid 1 on a 1 GiB machine with
 *     1 GiB of swap and zswap on (max_pool_percent 50): every page is
 *     reclaimed, compressed into the pool and freed (zswpout). Between
 *     rounds the pages are read back (zswpin), untimed.
 *   load_lz4: that read back, through mm_mem_rw: every page a fault that
 *     decompresses it out of the pool (readahead off, one page a fault).
 *   baselines: LZ4_compress_default / ZSTD_compressCCtx level 3 of the
 *     same 16384 pages into a page-sized buffer, LZ4_decompress_safe of
 *     what lz4 made; as zswap calls them.
 *
 * Every figure is the median of ROUNDS rounds (3 with --quick), the sides
 * interleaved.
 */
#include <lz4.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "mm.h"
#include "bench.h"

#define PG		4096ULL
#define LEN		(64 * MiB)
#define NPAGES		(LEN / PG)
#define ROUNDS		7

static char why[256];

static int msys(struct machine *m, struct mm_call *c)
{
	uint64_t r;
	int err;

	why[0] = '\0';
	err = mm_syscall(m, 1, c, &r, why, sizeof(why));
	if (err && !why[0])
		snprintf(why, sizeof(why), "%s: %d", mm_verb_name(c->verb), err);
	return err;
}

static int tun(struct machine *m, const char *name, const char *val)
{
	int err = mm_tunable_write(m, name, val, strlen(val));

	if (err)
		snprintf(why, sizeof(why), "%s <- %s: %d", name, val, err);
	return err;
}

static uint64_t stored(struct machine *m)
{
	char buf[32] = "";

	return mm_tunable_read(m, "zswap-debug/stored_pages", buf, sizeof(buf)) > 0 ?
	       strtoull(buf, NULL, 10) : 0;
}

/* Text, every page different: lines with the page's and the line's number. */
static void fill(uint8_t *p, uint64_t i)
{
	size_t o = 0;

	while (o < PG) {
		char line[128];
		int n = snprintf(line, sizeof(line), "%08llx %4zu the quick brown fox %llu jumps\n",
				 (unsigned long long)i, o, (unsigned long long)(i * 2654435761ULL + o));

		memcpy(p + o, line, (size_t)n > PG - o ? PG - o : (size_t)n);
		o += (size_t)n;
	}
}

/* ns of one pageout of the whole range, stored pages checked; -1 on error. */
static double model_store(struct machine *m, uint64_t a)
{
	struct mm_call c = { .verb = MMV_MADVISE, .addr = a, .len = LEN,
			     .advice = MM_MADV_PAGEOUT, .fd = -1 };
	uint64_t t0 = now_ns();

	if (msys(m, &c))
		return -1;
	t0 = now_ns() - t0;
	if (stored(m) != NPAGES) {
		snprintf(why, sizeof(why), "%llu pages stored, not %llu",
			 (unsigned long long)stored(m), (unsigned long long)NPAGES);
		return -1;
	}
	return (double)t0;
}

/* ns of reading every page back (a fault and a decompression each); -1 on error. */
static double model_load(struct machine *m, uint64_t a, uint8_t *buf)
{
	uint64_t t0 = now_ns();

	if (mm_mem_rw(m, 1, a, buf, LEN, 0) != (long)LEN) {
		snprintf(why, sizeof(why), "proc/1/mem read failed");
		return -1;
	}
	t0 = now_ns() - t0;
	if (stored(m)) {
		snprintf(why, sizeof(why), "%llu pages left in the pool", (unsigned long long)stored(m));
		return -1;
	}
	return (double)t0;
}

/* ns of compressing every page as zswap does (comp 0: lz4, 1: zstd). */
static double direct(const uint8_t *data, uint8_t *out, int comp, ZSTD_CCtx *z, uint64_t *bytes)
{
	uint64_t t0 = now_ns(), sum = 0;

	for (uint64_t i = 0; i < NPAGES; i++) {
		const void *src = data + i * PG;
		void *dst = out + i * PG;

		sum += comp ? ZSTD_compressCCtx(z, dst, PG, src, PG, 3)
			    : (uint64_t)LZ4_compress_default(src, dst, PG, PG);
	}
	*bytes = sum;
	return (double)(now_ns() - t0);
}

static double direct_load(const uint8_t *lz, const int *len, uint8_t *page)
{
	uint64_t t0 = now_ns();

	for (uint64_t i = 0; i < NPAGES; i++)
		if (LZ4_decompress_safe((const char *)lz + i * PG, (char *)page, len[i], PG) != PG)
			return -1;
	return (double)(now_ns() - t0);
}

void bench_zswap(void)
{
	struct mm_config cfg = { .ram_bytes = 1 * GiB, .nr_nodes = 1, .swap_bytes = 1 * GiB };
	int n = opt.quick ? 3 : ROUNDS;
	double st[2][ROUNDS], ld[ROUNDS], dst[2][ROUNDS], dld[ROUNDS];
	uint8_t *data = malloc(LEN), *out = malloc(LEN), *back = malloc(LEN);
	int *lens = calloc(NPAGES, sizeof(*lens));
	ZSTD_CCtx *z = ZSTD_createCCtx();
	struct machine *m = NULL;
	uint64_t a = 0, bytes[2] = { 0, 0 };

	if (!data || !out || !back || !lens || !z) {
		row_fail("zswap", "store_lz4", "out of memory");
		goto out;
	}
	for (uint64_t i = 0; i < NPAGES; i++)
		fill(data + i * PG, i);
	m = mm_boot(&cfg, why, sizeof(why));
	if (!m) {
		row_fail("zswap", "store_lz4", "boot: %s", why);
		goto out;
	}
	{
		struct mm_call c = { .verb = MMV_MMAP, .len = LEN, .fd = -1,
			.prot = MM_PROT_READ | MM_PROT_WRITE, .flags = MM_MAP_PRIVATE | MM_MAP_ANONYMOUS };
		uint64_t r;

		why[0] = '\0';
		if (mm_syscall(m, 1, &c, &r, why, sizeof(why)))
			goto model_fail;
		a = r;
		c = (struct mm_call){ .verb = MMV_MADVISE, .addr = a, .len = LEN,
			.advice = MM_MADV_NOHUGEPAGE, .fd = -1 };
		if (msys(m, &c) || mm_mem_rw(m, 1, a, data, LEN, 1) != (long)LEN)
			goto model_fail;
		if (tun(m, "zswap/enabled", "Y") || tun(m, "zswap/max_pool_percent", "50") ||
		    tun(m, "page-cluster", "0"))
			goto model_fail;
	}
	for (int k = 0; k < n; k++) {
		for (int comp = 0; comp < 2; comp++) {
			if (tun(m, "zswap/compressor", comp ? "zstd" : "lz4"))
				goto model_fail;
			dst[comp][k] = direct(data, out, comp, z, &bytes[comp]);
			st[comp][k] = model_store(m, a);
			if (st[comp][k] < 0)
				goto model_fail;
			if (!comp) {
				ld[k] = model_load(m, a, back);
				for (uint64_t i = 0; i < NPAGES; i++)
					lens[i] = LZ4_compress_default((const char *)data + i * PG,
								       (char *)out + i * PG, PG, PG);
				dld[k] = direct_load(out, lens, back);
				if (ld[k] < 0 || dld[k] < 0)
					goto model_fail;
			} else if (model_load(m, a, back) < 0) {
				goto model_fail;
			}
		}
	}
	if (memcmp(data, back, LEN)) {
		snprintf(why, sizeof(why), "the pages came back changed");
		goto model_fail;
	}
	for (int comp = 0; comp < 2; comp++) {
		qsort(st[comp], (size_t)n, sizeof(double), cmp_double);
		qsort(dst[comp], (size_t)n, sizeof(double), cmp_double);
	}
	qsort(ld, (size_t)n, sizeof(double), cmp_double);
	qsort(dld, (size_t)n, sizeof(double), cmp_double);
	printf("# zswap: 16384 text pages, lz4 %.2f:1, zstd %.2f:1\n",
	       (double)LEN / (double)bytes[0], (double)LEN / (double)bytes[1]);
	row("zswap", "store_lz4 (pageout into the pool)", NPAGES / (median_of(st[0], n) / 1e9),
	    "pg/s", "LZ4_compress_default same pages", NPAGES / (median_of(dst[0], n) / 1e9));
	row("zswap", "store_zstd (pageout into the pool)", NPAGES / (median_of(st[1], n) / 1e9),
	    "pg/s", "ZSTD_compressCCtx(3) same pages", NPAGES / (median_of(dst[1], n) / 1e9));
	row("zswap", "load_lz4 (faults out of the pool)", NPAGES / (median_of(ld, n) / 1e9),
	    "pg/s", "LZ4_decompress_safe same pages", NPAGES / (median_of(dld, n) / 1e9));
	goto out;
model_fail:
	row_fail("zswap", "store_lz4", "%s", why);
out:
	if (m)
		mm_shutdown(m);
	ZSTD_freeCCtx(z);
	free(data);
	free(out);
	free(back);
	free(lens);
}
