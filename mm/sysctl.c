/* SPDX-License-Identifier: MIT */
/*
 * sysctl.c - proc/sys/vm/<name>, proc/sys/kernel/pid_max and
 * sys/kernel/mm/transparent_hugepage/<name>.
 *
 * One table row per tunable: where it lives, its mode, how it parses
 * (proc_dointvec_minmax / proc_doulongvec_minmax semantics: base-0 number,
 * range checked, EINVAL otherwise) and what writing it recomputes. Values
 * print as the kernel prints them: one number and a newline, or a
 * tab-separated list for lowmem_reserve_ratio.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "slab.h"
#include "page_alloc.h"
#include "hugetlb.h"
#include "task.h"
#include "shm.h"
#include "zswap.h"
#include "compaction.h"

enum tkind { T_INT, T_ULONG, T_LIST5, T_THP, T_ACTION, T_CONST, T_BOOL, T_ZSWAP, T_ZSWAP_DEBUG };

struct tunable {
	struct mm_tunable_info info;
	enum tkind kind;
	size_t off;			/* offsetof(struct vm_tunables, field) */
	int64_t min, max;		/* T_INT / T_ULONG range, inclusive */
	void (*changed)(struct machine *m, const struct tunable *t);
	const char *text;		/* T_CONST */
};

#define F(field) offsetof(struct vm_tunables, field)
#define VM(name) { name, MM_TUNABLE_SYSCTL_VM, 0644 }
#define VMWO(name) { name, MM_TUNABLE_SYSCTL_VM, 0200 }
#define THP(name, mode) { name, MM_TUNABLE_SYSFS_THP, mode }

static void shm_forced_changed(struct machine *m, const struct tunable *t)
{
	(void)t;
	shm_rmid_forced_changed(m);
}

static void wmarks_changed(struct machine *m, const struct tunable *t)
{
	if (!strcmp(t->info.name, "min_free_kbytes"))
		m->tun.user_min_free_kbytes = m->tun.min_free_kbytes;
	setup_per_zone_wmarks(m);
}

static void lowmem_changed(struct machine *m, const struct tunable *t)
{
	for (int i = 0; i < 5; i++)
		if (m->tun.lowmem_reserve_ratio[i] < 1)
			m->tun.lowmem_reserve_ratio[i] = 0;
	setup_per_zone_lowmem_reserve(m);
}

/* Writing one of a ratio/bytes pair zeroes the other, as Linux does. */
static void dirty_changed(struct machine *m, const struct tunable *t)
{
	const char *n = t->info.name;

	if (!strcmp(n, "dirty_ratio"))
		m->tun.dirty_bytes = 0;
	else if (!strcmp(n, "dirty_bytes"))
		m->tun.dirty_ratio = 0;
	else if (!strcmp(n, "dirty_background_ratio"))
		m->tun.dirty_background_bytes = 0;
	else if (!strcmp(n, "dirty_background_bytes"))
		m->tun.dirty_background_ratio = 0;
	else if (!strcmp(n, "overcommit_ratio"))
		m->tun.overcommit_kbytes = 0;
	else if (!strcmp(n, "overcommit_kbytes"))
		m->tun.overcommit_ratio = 0;
}

static void hugepages_changed(struct machine *m, const struct tunable *t)
{
	hugetlb_set_pool_size(m, (uint64_t)m->tun.nr_hugepages);
	m->tun.nr_hugepages = (int64_t)m->nr_huge_pages;
}

static void thp_changed(struct machine *m, const struct tunable *t)
{
	if (!strcmp(t->info.name, "enabled"))
		set_recommended_min_free_kbytes(m);
}

/*
 * weighted_interleave: writing a node's weight turns auto off; turning
 * auto on gives back the weights auto computes from bandwidth data, which
 * a machine without HMAT lacks: 1 for every node (Linux 6.18).
 */
static void wi_weight_changed(struct machine *m, const struct tunable *t)
{
	(void)t;
	m->tun.wi_auto = 0;
}

static void wi_auto_changed(struct machine *m, const struct tunable *t)
{
	(void)t;
	if (m->tun.wi_auto)
		for (int i = 0; i < 64; i++)
			m->tun.wi_weight[i] = 1;
}

#define WI(n) { { "node" #n, MM_TUNABLE_SYSFS_WI, 0644 }, T_INT, F(wi_weight[n]), 1, 255, \
		wi_weight_changed, NULL }
#define WI8(a, b, c, d, e, f, g, h) WI(a), WI(b), WI(c), WI(d), WI(e), WI(f), WI(g), WI(h)

#define ZSW(n) { { "zswap/" n, MM_TUNABLE_SYSFS_ZSWAP, 0644 }, T_ZSWAP, 0, 0, 0, NULL, NULL }
#define ZSD(n) { { "zswap-debug/" n, MM_TUNABLE_DEBUG_ZSWAP, 0444 }, T_ZSWAP_DEBUG, 0, 0, 0, \
		 NULL, NULL }
static void proactiveness_changed(struct machine *m, const struct tunable *t)
{
	(void)t;
	compaction_proactiveness_changed(m);
}

static const struct tunable tunables[] = {
	{ VM("admin_reserve_kbytes"), T_ULONG, F(admin_reserve_kbytes), 0, INT64_MAX, NULL, NULL },
	{ VM("compact_unevictable_allowed"), T_INT, F(compact_unevictable_allowed), 0, 1, NULL, NULL },
	{ VMWO("compact_memory"), T_ACTION, 0, 1, 1, NULL, NULL },
	{ VM("compaction_proactiveness"), T_INT, F(compaction_proactiveness), 0, 100,
	  proactiveness_changed, NULL },
	{ VM("dirty_background_bytes"), T_ULONG, F(dirty_background_bytes), 0, INT64_MAX, dirty_changed, NULL },
	{ VM("dirty_background_ratio"), T_INT, F(dirty_background_ratio), 0, 100, dirty_changed, NULL },
	{ VM("dirty_bytes"), T_ULONG, F(dirty_bytes), 0, INT64_MAX, dirty_changed, NULL },
	{ VM("dirty_expire_centisecs"), T_INT, F(dirty_expire_centisecs), 0, INT_MAX, NULL, NULL },
	{ VM("dirty_ratio"), T_INT, F(dirty_ratio), 0, 100, dirty_changed, NULL },
	{ VM("dirty_writeback_centisecs"), T_INT, F(dirty_writeback_centisecs), 0, INT_MAX, NULL, NULL },
	{ VMWO("drop_caches"), T_ACTION, 0, 1, 4, NULL, NULL },
	{ VM("extfrag_threshold"), T_INT, F(extfrag_threshold), 0, 1000, NULL, NULL },
	{ VM("laptop_mode"), T_INT, F(laptop_mode), 0, INT_MAX, NULL, NULL },
	{ VM("legacy_va_layout"), T_INT, F(legacy_va_layout), 0, INT_MAX, NULL, NULL },
	{ VM("lowmem_reserve_ratio"), T_LIST5, F(lowmem_reserve_ratio), INT_MIN, INT_MAX, lowmem_changed, NULL },
	{ VM("max_map_count"), T_INT, F(max_map_count), 0, INT_MAX, NULL, NULL },
	{ VM("min_free_kbytes"), T_INT, F(min_free_kbytes), 0, INT_MAX, wmarks_changed, NULL },
	{ VM("mmap_min_addr"), T_ULONG, F(mmap_min_addr), 0, INT64_MAX, NULL, NULL },
	{ VM("nr_hugepages"), T_ULONG, F(nr_hugepages), 0, INT64_MAX, hugepages_changed, NULL },
	{ VM("nr_overcommit_hugepages"), T_ULONG, F(nr_overcommit_hugepages), 0, INT64_MAX, NULL, NULL },
	{ VM("oom_dump_tasks"), T_INT, F(oom_dump_tasks), INT_MIN, INT_MAX, NULL, NULL },
	{ VM("oom_kill_allocating_task"), T_INT, F(oom_kill_allocating_task), INT_MIN, INT_MAX, NULL, NULL },
	{ VM("overcommit_kbytes"), T_ULONG, F(overcommit_kbytes), 0, INT64_MAX, dirty_changed, NULL },
	{ VM("overcommit_memory"), T_INT, F(overcommit_memory), 0, 2, NULL, NULL },
	{ VM("overcommit_ratio"), T_INT, F(overcommit_ratio), INT_MIN, INT_MAX, dirty_changed, NULL },
	{ VM("page-cluster"), T_INT, F(page_cluster), 0, 31, NULL, NULL },
	{ VM("panic_on_oom"), T_INT, F(panic_on_oom), 0, 2, NULL, NULL },
	{ VM("stat_interval"), T_INT, F(stat_interval), INT_MIN, INT_MAX, NULL, NULL },
	{ VM("swappiness"), T_INT, F(swappiness), 0, 200, NULL, NULL },
	{ VM("user_reserve_kbytes"), T_ULONG, F(user_reserve_kbytes), 0, INT64_MAX, NULL, NULL },
	{ VM("vfs_cache_pressure"), T_INT, F(vfs_cache_pressure), 0, INT_MAX, NULL, NULL },
	{ VM("watermark_boost_factor"), T_INT, F(watermark_boost_factor), 0, INT_MAX, NULL, NULL },
	{ VM("watermark_scale_factor"), T_INT, F(watermark_scale_factor), 1, 3000, wmarks_changed, NULL },
	{ VM("zone_reclaim_mode"), T_INT, F(zone_reclaim_mode), 0, INT_MAX, NULL, NULL },
	{ THP("enabled", 0644), T_THP, F(thp_enabled), 0, 0, thp_changed, NULL },
	{ THP("defrag", 0644), T_THP, F(thp_defrag), 0, 0, NULL, NULL },
	{ THP("hpage_pmd_size", 0444), T_CONST, 0, 0, 0, NULL, "2097152\n" },
	{ { "read_ahead_kb", MM_TUNABLE_SYSFS_BDI, 0644 }, T_ULONG, F(read_ahead_kb), 0, INT_MAX, NULL, NULL },
	/* where alloc_pid wraps; existing pids above it stay */
	{ { "pid_max", MM_TUNABLE_SYSCTL_KERNEL, 0644 }, T_INT, F(pid_max), RESERVED_PIDS + 1,
	  PID_MAX_LIMIT, NULL, NULL },
	/* System V shared memory (shm.c); shmmax and shmall are fixed at Linux's default */
	{ { "shmmax", MM_TUNABLE_SYSCTL_KERNEL, 0444 }, T_CONST, 0, 0, 0, NULL, "18446744073692774399\n" },
	{ { "shmall", MM_TUNABLE_SYSCTL_KERNEL, 0444 }, T_CONST, 0, 0, 0, NULL, "18446744073692774399\n" },
	{ { "shmmni", MM_TUNABLE_SYSCTL_KERNEL, 0644 }, T_INT, F(shmmni), 0, 32768, NULL, NULL },
	{ { "shm_rmid_forced", MM_TUNABLE_SYSCTL_KERNEL, 0644 }, T_INT, F(shm_rmid_forced), 0, 1,
	  shm_forced_changed, NULL },
	/*
	 * Linux 6.18 names the auto switch "__auto_type": its sysfs attribute is
	 * declared as `auto`, which 6.18 #defines to __auto_type before the
	 * name is stringified. The reference host shows exactly that.
	 */
	{ { "__auto_type", MM_TUNABLE_SYSFS_WI, 0664 }, T_BOOL, F(wi_auto), 0, 1, wi_auto_changed, NULL },
	WI8(0, 1, 2, 3, 4, 5, 6, 7), WI8(8, 9, 10, 11, 12, 13, 14, 15),
	WI8(16, 17, 18, 19, 20, 21, 22, 23), WI8(24, 25, 26, 27, 28, 29, 30, 31),
	WI8(32, 33, 34, 35, 36, 37, 38, 39), WI8(40, 41, 42, 43, 44, 45, 46, 47),
	WI8(48, 49, 50, 51, 52, 53, 54, 55), WI8(56, 57, 58, 59, 60, 61, 62, 63),
	/* zswap (zswap.c): its module parameters, then its debugfs counters */
	ZSW("enabled"), ZSW("compressor"), ZSW("max_pool_percent"),
	ZSW("accept_threshold_percent"), ZSW("shrinker_enabled"),
	ZSD("pool_limit_hit"), ZSD("reject_reclaim_fail"), ZSD("reject_alloc_fail"),
	ZSD("reject_kmemcache_fail"), ZSD("reject_compress_fail"), ZSD("reject_compress_poor"),
	ZSD("decompress_fail"), ZSD("written_back_pages"), ZSD("pool_total_size"),
	ZSD("stored_pages"), ZSD("stored_incompressible_pages"),
};
#define NR_TUNABLES ((int)(sizeof(tunables) / sizeof(tunables[0])))

/* mm_tunables() hands out the info part; keep a packed copy for it. */
static struct mm_tunable_info tunable_infos[NR_TUNABLES];

int mm_tunables(const struct mm_tunable_info **tab)
{
	for (int i = 0; i < NR_TUNABLES; i++)
		tunable_infos[i] = tunables[i].info;
	*tab = tunable_infos;
	return NR_TUNABLES;
}

void tunables_init(struct machine *m)
{
	struct vm_tunables *t = &m->tun;
	static const int64_t ratio[5] = { 256, 256, 32, 0, 0 };

	memset(t, 0, sizeof(*t));
	t->user_min_free_kbytes = -1;
	t->watermark_scale_factor = 10;
	t->watermark_boost_factor = 15000;
	memcpy(t->lowmem_reserve_ratio, ratio, sizeof(ratio));
	t->overcommit_ratio = 50;
	t->admin_reserve_kbytes = 8192;
	t->swappiness = 60;
	t->max_map_count = 65530;
	t->mmap_min_addr = 4096;
	t->dirty_ratio = 20;
	t->dirty_background_ratio = 10;
	t->dirty_expire_centisecs = 3000;
	t->dirty_writeback_centisecs = 500;
	t->vfs_cache_pressure = 100;
	t->page_cluster = 3;
	t->stat_interval = 1;
	t->compact_unevictable_allowed = 1;
	t->compaction_proactiveness = 20;
	t->wi_auto = 1;
	for (int i = 0; i < 64; i++)
		t->wi_weight[i] = 1;
	t->extfrag_threshold = 500;
	t->oom_dump_tasks = 1;
	t->read_ahead_kb = 128;
	t->pid_max = PID_MAX_LIMIT;	/* as Debian's systemd sets it (50-pid-max.conf) */
	t->thp_enabled = THP_MADVISE;
	t->thp_defrag = THP_MADVISE;
	t->shmmni = 4096;		/* SHMMNI */
}

/* user_reserve_kbytes' boot value: min(3% of free memory, 128 MiB), in kB. */
void tunables_init_reserves(struct machine *m)
{
	uint64_t free_kb = m->totalram_pages * 4;
	uint64_t v = free_kb / 32;

	m->tun.user_reserve_kbytes = (int64_t)(v < (128ULL << 10) ? v : (128ULL << 10));
}

static const struct tunable *find(const char *name)
{
	for (int i = 0; i < NR_TUNABLES; i++)
		if (!strcmp(tunables[i].info.name, name))
			return &tunables[i];
	return NULL;
}

static int64_t *field(struct machine *m, const struct tunable *t)
{
	return (int64_t *)((char *)&m->tun + t->off);
}

static const char *const thp_enabled_words[] = { "always", "madvise", "never" };
static const char *const thp_defrag_words[] = { "always", "defer", "defer+madvise", "madvise", "never" };

int mm_tunable_read(struct machine *m, const char *name, char *buf, size_t len)
{
	const struct tunable *t = find(name);
	int n = 0;

	if (!t)
		return -ENOENT;
	if (!(t->info.mode & 0444))
		return -EACCES;
	machine_lock(m);
	switch (t->kind) {
	case T_INT:
	case T_ULONG:
		n = snprintf(buf, len, "%lld\n", (long long)*field(m, t));
		break;
	case T_LIST5: {
		int64_t *v = field(m, t);

		n = snprintf(buf, len, "%lld\t%lld\t%lld\t%lld\t%lld\n", (long long)v[0],
			     (long long)v[1], (long long)v[2], (long long)v[3], (long long)v[4]);
		break;
	}
	case T_THP: {
		int enabled = !strcmp(name, "enabled");
		const char *const *w = enabled ? thp_enabled_words : thp_defrag_words;
		int nw = enabled ? 3 : 5;
		int cur = enabled ? (int)m->tun.thp_enabled :
			  (m->tun.thp_defrag == THP_ALWAYS ? 0 : m->tun.thp_defrag == THP_NEVER ? 4 : 3);

		buf[0] = 0;
		for (int i = 0; i < nw; i++)
			n += snprintf(buf + n, len - (size_t)n, i == cur ? "%s[%s]" : "%s%s",
				      i ? " " : "", w[i]);
		n += snprintf(buf + n, len - (size_t)n, "\n");
		break;
	}
	case T_CONST:
		n = snprintf(buf, len, "%s", t->text);
		break;
	case T_BOOL:
		n = snprintf(buf, len, "%s\n", *field(m, t) ? "true" : "false");
		break;
	case T_ACTION:
		n = -EACCES;
		break;
	case T_ZSWAP:
		n = zswap_param_read(m, strchr(name, '/') + 1, buf, len);
		break;
	case T_ZSWAP_DEBUG:
		n = zswap_debug_read(m, strchr(name, '/') + 1, buf, len);
		break;
	}
	machine_unlock(m);
	return n;
}

/* proc_get_long(): optional blanks, optional '-', a base-0 number, then a blank or end. */
static int get_long(const char **pp, const char *end, int64_t *out)
{
	const char *p = *pp;
	char tmp[32];
	size_t n = 0;
	char *e;
	long long v;

	while (p < end && isspace((unsigned char)*p))
		p++;
	if (p == end)
		return -ENODATA;
	while (p < end && !isspace((unsigned char)*p) && n < sizeof(tmp) - 1)
		tmp[n++] = *p++;
	tmp[n] = 0;
	if (p < end && !isspace((unsigned char)*p))
		return -EINVAL;
	errno = 0;
	v = strtoll(tmp, &e, 0);
	if (e == tmp || *e || errno)
		return -EINVAL;
	*out = v;
	*pp = p;
	return 0;
}

static int write_thp(struct machine *m, const struct tunable *t, const char *buf, size_t len)
{
	int enabled = !strcmp(t->info.name, "enabled");
	const char *const *w = enabled ? thp_enabled_words : thp_defrag_words;
	int nw = enabled ? 3 : 5;

	while (len && isspace((unsigned char)buf[len - 1]))
		len--;
	for (int i = 0; i < nw; i++) {
		if (strlen(w[i]) != len || memcmp(w[i], buf, len))
			continue;
		if (enabled)
			m->tun.thp_enabled = (enum thp_mode)i;
		else
			m->tun.thp_defrag = i == 0 ? THP_ALWAYS : i == 4 ? THP_NEVER : THP_MADVISE;
		if (t->changed)
			t->changed(m, t);
		return 0;
	}
	return -EINVAL;
}

/* kstrtobool: 1 y Y t T "on" for true, 0 n N f F "off" for false; the rest is ignored. */
static int write_bool(struct machine *m, const struct tunable *t, const char *buf, size_t len)
{
	int v;

	if (!len)
		return -EINVAL;
	switch (buf[0]) {
	case '1': case 'y': case 'Y': case 't': case 'T':
		v = 1;
		break;
	case '0': case 'n': case 'N': case 'f': case 'F':
		v = 0;
		break;
	case 'o': case 'O':
		if (len < 2 || (buf[1] != 'n' && buf[1] != 'N' && buf[1] != 'f' && buf[1] != 'F'))
			return -EINVAL;
		v = buf[1] == 'n' || buf[1] == 'N';
		break;
	default:
		return -EINVAL;
	}
	*field(m, t) = v;
	if (t->changed)
		t->changed(m, t);
	return 0;
}

static int do_action(struct machine *m, const struct tunable *t, int64_t v)
{
	if (!strcmp(t->info.name, "drop_caches"))
		return drop_caches_locked(m, (int)v);
	return compact_locked(m);
}

/*
 * sys/devices/system/node/nodeN/compact, written as the tunable
 * "nodeN/compact" (so the journal replays it like any tunable): compacts
 * that node whatever was written, as compact_store does.
 */
static int node_compact_write(struct machine *m, const char *name)
{
	int nid, n = 0;

	if (sscanf(name, "node%d/compact%n", &nid, &n) != 1 || !n || name[n] || nid < 0 ||
	    nid >= m->nr_nodes)
		return -ENOENT;
	machine_lock(m);
	compact_node(m, nid);
	machine_unlock(m);
	return 0;
}

int mm_tunable_write(struct machine *m, const char *name, const char *buf, size_t len)
{
	const struct tunable *t = find(name);
	const char *p = buf, *end = buf + len;
	int64_t v[5];
	int ret = 0, nv = 0;

	if (!t && !strncmp(name, "slab/", 5))
		return slab_sysfs_write(m, name + 5, buf, len);	/* sys/kernel/slab/CACHE/ATTR */
	if (!t)
		return node_compact_write(m, name);
	if (!(t->info.mode & 0222))
		return -EACCES;
	if (memchr(buf, 0, len))
		return -EINVAL;
	machine_lock(m);
	if (t->kind == T_ZSWAP) {
		ret = zswap_param_write(m, strchr(name, '/') + 1, buf, len);
		goto out;
	}
	if (t->kind == T_THP) {
		ret = write_thp(m, t, buf, len);
		goto out;
	}
	if (t->kind == T_BOOL) {
		ret = write_bool(m, t, buf, len);
		goto out;
	}
	for (; nv < (t->kind == T_LIST5 ? 5 : 1); nv++) {
		ret = get_long(&p, end, &v[nv]);
		if (ret == -ENODATA)
			break;
		if (ret)
			goto out;
		if (v[nv] < t->min || v[nv] > t->max) {
			ret = -EINVAL;
			goto out;
		}
	}
	ret = nv ? 0 : -EINVAL;
	if (ret)
		goto out;
	if (t->kind == T_ACTION) {
		ret = do_action(m, t, v[0]);
		goto out;
	}
	for (int i = 0; i < nv; i++)
		field(m, t)[i] = v[i];
	if (t->changed)
		t->changed(m, t);
out:
	machine_unlock(m);
	return ret;
}
