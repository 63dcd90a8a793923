// SPDX-License-Identifier: MIT
/*
 * zswap_comp.c - the compressors zswap's `compressor` parameter names
 * (kernel: crypto/lz4.c, lz4hc.c, zstd.c behind crypto_acomp), here
 * liblz4 and libzstd from Debian, called as the kernel's crypto drivers
 * call their in-kernel copies:
 *   lz4    LZ4_compress_default (acceleration 1)
 *   lz4hc  LZ4_compress_HC at level 9 (LZ4HC_DEFAULT_CLEVEL)
 *   zstd   level 3 (ZSTD_DEF_LEVEL), one frame with its content size
 * into an output of one page: a page that does not fit, or fits only in a
 * whole page, is stored by zswap as it is (zswap.c). The algorithms are
 * deterministic, so a journal replay compresses to the same bytes; the
 * libraries' versions may differ from the kernel's copies in a few bytes
 * of output for the same page (doc/zswap.md).
 *
 * zstd's contexts are host memory, one pair per thread (freed when it
 * ends), never model state: a checkpoint of the arena must not hold host
 * pointers.
 */
#include <lz4.h>
#include <lz4hc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "zswap.h"

#define PAGE 4096

static const char *const names[ZSWAP_NR_COMP] = { "lz4", "lz4hc", "zstd" };

int zswap_comp_find(const char *name)
{
	for (int i = 0; i < ZSWAP_NR_COMP; i++)
		if (!strcmp(names[i], name))
			return i;
	return -1;
}

const char *zswap_comp_name(int comp)
{
	return comp >= 0 && comp < ZSWAP_NR_COMP ? names[comp] : "";
}

struct zctx {
	ZSTD_CCtx *c;
	ZSTD_DCtx *d;
};

static pthread_key_t zkey;
static pthread_once_t zonce = PTHREAD_ONCE_INIT;

static void zctx_free(void *p)
{
	struct zctx *z = p;

	ZSTD_freeCCtx(z->c);
	ZSTD_freeDCtx(z->d);
	free(z);
}

static void zkey_make(void)
{
	(void)pthread_key_create(&zkey, zctx_free);
}

/* This thread's zstd contexts (freed when it ends), or NULL. */
static struct zctx *zctx(void)
{
	struct zctx *z;

	pthread_once(&zonce, zkey_make);
	z = pthread_getspecific(zkey);
	if (z)
		return z;
	z = calloc(1, sizeof(*z));
	if (!z)
		return NULL;
	z->c = ZSTD_createCCtx();
	z->d = ZSTD_createDCtx();
	if (!z->c || !z->d || pthread_setspecific(zkey, z)) {
		zctx_free(z);
		return NULL;
	}
	return z;
}

int zswap_compress(int comp, const void *src, void *dst)
{
	int n;

	switch (comp) {
	case ZSWAP_LZ4:
		n = LZ4_compress_default(src, dst, PAGE, PAGE);
		return n > 0 ? n : -1;
	case ZSWAP_LZ4HC:
		n = LZ4_compress_HC(src, dst, PAGE, PAGE, 9);
		return n > 0 ? n : -1;
	case ZSWAP_ZSTD: {
		struct zctx *z = zctx();
		size_t r;

		if (!z)
			return -1;
		r = ZSTD_compressCCtx(z->c, dst, PAGE, src, PAGE, 3);
		return ZSTD_isError(r) ? -1 : (int)r;
	}
	}
	return -1;
}

int zswap_decompress(int comp, const void *src, int len, void *dst)
{
	switch (comp) {
	case ZSWAP_LZ4:
	case ZSWAP_LZ4HC:
		return LZ4_decompress_safe(src, dst, len, PAGE) == PAGE ? 0 : -1;
	case ZSWAP_ZSTD: {
		struct zctx *z = zctx();
		size_t r;

		if (!z)
			return -1;
		r = ZSTD_decompressDCtx(z->d, dst, PAGE, src, (size_t)len);
		return !ZSTD_isError(r) && r == PAGE ? 0 : -1;
	}
	}
	return -1;
}
