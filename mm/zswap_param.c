// SPDX-License-Identifier: MIT
/*
 * zswap_param.c - zswap's module parameters, its setup at the first enable
 * and its debugfs counters (kernel: the param callbacks, zswap_setup and
 * zswap_debugfs_init of mm/zswap.c). The parsing is the kernel's:
 * kstrtobool for enabled and shrinker_enabled, kstrtouint for the
 * percentages (no range check), a stripped string of at most 1024 bytes
 * for compressor, taken unchecked before setup and refused with ENOENT
 * after it when no such compressor exists.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "zsmalloc.h"
#include "zswap.h"

#define PAGE	4096u

static struct zswap *Z(struct machine *m) { return m->zswap; }

/* ---- setup and parameters ---- */

/* The pool for compressor comp, created if it is not there. 0 or -ENOMEM. */
static int pool_get(struct zswap *z, int comp)
{
	if (!z->pool[comp] && !(z->pool[comp] = zs_create_pool()))
		return -ENOMEM;
	return 0;
}

/* The first enable (zswap_setup): the pool, with the default compressor if need be. */
static int zswap_setup(struct machine *m)
{
	struct zswap *z = Z(m);
	int comp = zswap_comp_find(z->compressor);

	if (comp < 0) {
		if (strcmp(z->compressor, ZSWAP_DEFAULT_COMP))
			kmsg_add(m, "zswap: compressor %s not available, using default %s",
				 z->compressor, ZSWAP_DEFAULT_COMP);
		snprintf(z->compressor, sizeof(z->compressor), "%s", ZSWAP_DEFAULT_COMP);
		comp = zswap_comp_find(ZSWAP_DEFAULT_COMP);
	}
	if (pool_get(z, comp))
		return -ENOMEM;
	z->cur_comp = comp;
	z->initialized = 1;
	kmsg_add(m, "zswap: loaded using pool %s", z->compressor);
	return 0;
}

/* kstrtobool: the first character (or "on"/"off") decides. */
static int parse_bool(const char *buf, size_t len, int *v)
{
	if (!len)
		return -EINVAL;
	switch (buf[0]) {
	case 'e': case 'E': case 'y': case 'Y': case 't': case 'T': case '1':
		*v = 1;
		return 0;
	case 'd': case 'D': case 'n': case 'N': case 'f': case 'F': case '0':
		*v = 0;
		return 0;
	case 'o': case 'O':
		if (len > 1 && (buf[1] == 'n' || buf[1] == 'N')) {
			*v = 1;
			return 0;
		}
		if (len > 1 && (buf[1] == 'f' || buf[1] == 'F')) {
			*v = 0;
			return 0;
		}
	}
	return -EINVAL;
}

/* kstrtouint(s, 0): '+', a base-0 number, one newline; -EINVAL, -ERANGE. */
static int parse_uint(const char *buf, size_t len, uint32_t *v)
{
	uint64_t x = 0, base = 10;
	size_t i = 0, digits = 0;

	if (len && buf[len - 1] == '\n')
		len--;
	if (i < len && buf[i] == '+')
		i++;
	if (i + 1 < len && buf[i] == '0' && (buf[i + 1] == 'x' || buf[i + 1] == 'X') &&
	    i + 2 < len) {
		base = 16;
		i += 2;
	} else if (i + 1 < len && buf[i] == '0') {
		base = 8;
	}
	for (; i < len; i++, digits++) {
		char c = buf[i];
		uint64_t d = c >= '0' && c <= '9' ? (uint64_t)(c - '0') :
			     c >= 'a' && c <= 'f' ? (uint64_t)(c - 'a' + 10) :
			     c >= 'A' && c <= 'F' ? (uint64_t)(c - 'A' + 10) : 99;

		if (d >= base)
			return -EINVAL;
		x = x * base + d;
		if (x > UINT32_MAX)
			return -ERANGE;
	}
	if (!digits)
		return -EINVAL;
	*v = (uint32_t)x;
	return 0;
}

int zswap_param_read(struct machine *m, const char *name, char *buf, size_t len)
{
	struct zswap *z = Z(m);

	if (!strcmp(name, "enabled"))
		return snprintf(buf, len, "%c\n", z->enabled ? 'Y' : 'N');
	if (!strcmp(name, "shrinker_enabled"))
		return snprintf(buf, len, "%c\n", z->shrinker_enabled ? 'Y' : 'N');
	if (!strcmp(name, "compressor"))
		return snprintf(buf, len, "%s\n", z->compressor);
	if (!strcmp(name, "max_pool_percent"))
		return snprintf(buf, len, "%u\n", z->max_pool_percent);
	if (!strcmp(name, "accept_threshold_percent"))
		return snprintf(buf, len, "%u\n", z->accept_thr_percent);
	return -ENOENT;
}

/* The compressor parameter (zswap_compressor_param_set). */
static int set_compressor(struct machine *m, const char *buf, size_t len)
{
	struct zswap *z = Z(m);
	char s[sizeof(z->compressor)];
	int comp;

	while (len && (buf[len - 1] == ' ' || (buf[len - 1] >= '\t' && buf[len - 1] <= '\r')))
		len--;
	while (len && (buf[0] == ' ' || (buf[0] >= '\t' && buf[0] <= '\r'))) {
		buf++;
		len--;
	}
	if (len >= sizeof(s))
		return -ENOSPC;
	memcpy(s, buf, len);
	s[len] = 0;
	if (!z->initialized) {	/* checked at setup */
		memcpy(z->compressor, s, len + 1);
		return 0;
	}
	if (!strcmp(s, z->compressor))
		return 0;
	comp = zswap_comp_find(s);
	if (comp < 0) {
		kmsg_add(m, "zswap: compressor %s not available", s);
		return -ENOENT;
	}
	if (pool_get(z, comp))
		return -EINVAL;
	z->cur_comp = comp;	/* new stores go there; old entries stay in their pool */
	memcpy(z->compressor, s, len + 1);
	return 0;
}

int zswap_param_write(struct machine *m, const char *name, const char *buf, size_t len)
{
	struct zswap *z = Z(m);
	int v, err;

	if (!strcmp(name, "enabled")) {
		/* any write sets zswap up, "N" too, and one that then fails to parse */
		if (!z->initialized && zswap_setup(m))
			return -ENODEV;
		if ((err = parse_bool(buf, len, &v)))
			return err;
		z->enabled = v;
		return 0;
	}
	if (!strcmp(name, "shrinker_enabled")) {
		if ((err = parse_bool(buf, len, &v)))
			return err;
		z->shrinker_enabled = v;
		return 0;
	}
	if (!strcmp(name, "compressor"))
		return set_compressor(m, buf, len);
	if (!strcmp(name, "max_pool_percent"))
		return parse_uint(buf, len, &z->max_pool_percent);
	if (!strcmp(name, "accept_threshold_percent"))
		return parse_uint(buf, len, &z->accept_thr_percent);
	return -ENOENT;
}

static const char *const stat_names[ZSWAP_NR_STATS] = {
	"pool_limit_hit", "reject_reclaim_fail", "reject_alloc_fail",
	"reject_kmemcache_fail", "reject_compress_fail", "reject_compress_poor",
	"decompress_fail", "written_back_pages", "pool_total_size", "stored_pages",
	"stored_incompressible_pages",
};

int zswap_debug_read(struct machine *m, const char *name, char *buf, size_t len)
{
	struct zswap *z = Z(m);

	if (!z->initialized)
		return -ENOENT;
	for (int i = 0; i < ZSWAP_NR_STATS; i++) {
		uint64_t v = z->stat[i];

		if (strcmp(name, stat_names[i]))
			continue;
		if (i == ZSWAP_POOL_TOTAL_SIZE)
			v = zswap_total_pages(m) * PAGE;
		else if (i == ZSWAP_STORED_PAGES)
			v = z->stored_pages;
		else if (i == ZSWAP_STORED_INCOMPRESSIBLE_PAGES)
			v = z->stored_incompressible_pages;
		return snprintf(buf, len, "%llu\n", (unsigned long long)v);
	}
	return -ENOENT;
}

int mm_zswap_initialized(struct machine *m)
{
	int ret;

	machine_lock(m);
	ret = m->zswap && m->zswap->initialized;
	machine_unlock(m);
	return ret;
}
