/* SPDX-License-Identifier: MIT */
/*
 * model_io.c - fuzz_model's commands that are not system calls: files/
 * (reads, writes, truncates, fsyncs, renames and unlinks through the page
 * cache, as the daemon makes them), the tunables, and the views (smaps,
 * the global files, pagemap, kpageflags, kmsg), whose renderers and
 * snapshot code run on whatever state the commands left.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../../fs/render.h"
#include "../../mm/mm.h"
#include "fuzz.h"
#include "model.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_IO	(9 * 1024)	/* longest file transfer: crosses two page edges */

/* ---- files/ ---- */

void op_file(struct fuzz_run *r, enum fuzz_op op, struct cursor *c)
{
	const char *path = pick_path(c);
	uint8_t buf[MAX_IO];
	uint64_t off;
	size_t len;
	long n;

	switch (op) {
	case OP_FILE_WRITE:
	case OP_FILE_READ:
		off = pick_file_off(c);
		len = in_u16(c) % MAX_IO;
		fill_pattern(buf, len, in_u8(c));
		trace(r, "files%s: %s %zu bytes at %#" PRIx64, path,
		      op == OP_FILE_WRITE ? "write" : "read", len, off);
		if (op == OP_FILE_WRITE)
			n = mm_file_write(r->m, path, off, buf, len);
		else
			n = mm_file_read(r->m, path, off, buf, len);
		/* short counts are allowed: a write stops where the cache runs out of memory */
		FUZZ_ASSERT(n < 0 || (size_t)n <= len, "%zu bytes asked, %ld done", len, n);
		break;
	case OP_FILE_TRUNCATE:
		off = (in_u8(c) & 1) ? pick_file_off(c) : in_u8(c) * 100ULL;
		trace(r, "files%s: truncate to %#" PRIx64, path, off);
		mm_file_truncate(r->m, path, off);
		break;
	default:
		trace(r, "files%s: fsync", path);
		mm_file_fsync(r->m, path);
		break;
	}
}

void op_rename(struct fuzz_run *r, struct cursor *c)
{
	const char *from = pick_rename_path(c), *to = pick_rename_path(c);

	if (in_u8(c) & 1)
		to = NULL;
	trace(r, "files: %s %s %s", to ? "rename" : "unlink", from, to ? to : "");
	if (!backing_rename(r->backing, from, to))
		mm_file_rename(r->m, from, to);
}

/* ---- tunables and views ---- */

void op_tunable(struct fuzz_run *r, struct cursor *c)
{
	static const struct {
		const char *name;
		const char *vals[4];
	} tab[] = {
		{ "nr_hugepages", { "0", "1", "3", "8" } },
		{ "enabled", { "always", "madvise", "never", "bogus" } },
		{ "overcommit_memory", { "0", "1", "2", "3" } },
		{ "overcommit_ratio", { "50", "0", "200", "-1" } },
		{ "max_map_count", { "65530", "20", "40", "0" } },
		{ "min_free_kbytes", { "1024", "128", "16384", "x" } },
		{ "dirty_background_bytes", { "0", "4096", "65536", "1" } },
		{ "dirty_ratio", { "20", "0", "1", "100" } },
		{ "dirty_writeback_centisecs", { "500", "0", "1", "2" } },
		{ "dirty_expire_centisecs", { "3000", "0", "1", "10" } },
		{ "read_ahead_kb", { "128", "0", "4", "2048" } },
		{ "drop_caches", { "1", "2", "3", "4" } },
		{ "compact_memory", { "1", "0", "1", "2" } },
		{ "mmap_min_addr", { "65536", "0", "4096", "8192" } },
		{ "lowmem_reserve_ratio", { "256 256 32 0 0", "1 1 1 1 1", "0 0 0 0 0", "1 2" } },
		{ "watermark_scale_factor", { "10", "1000", "3000", "0" } },
		{ "compaction_proactiveness", { "20", "0", "100", "101" } },
		{ "node0/compact", { "1", "1", "0", "x" } },
		{ "slab/task_struct/shrink", { "1", "1\n", "0", "x" } },
		{ "slab/zswap_entry/shrink", { "1", "10", "2", "" } },	/* a merged cache's alias */
		{ "slab/vm_area_struct/validate", { "1", "0", "x", "" } },
	};
	uint8_t b = in_u8(c), v = in_u8(c);
	const char *name = tab[b % NELEM(tab)].name, *val = tab[b % NELEM(tab)].vals[v % 4];

	if (b >= 240) {		/* the rare values: reclaim and OOM knobs (op_pressure_knob) */
		op_pressure_knob(r, b - 240, v, c);
		return;
	}
	trace(r, "tunable %s <- %s", name, val);
	mm_tunable_write(r->m, name, val, strlen(val));
}

/*
 * k 0..7: swappiness, page-cluster, oom_kill_allocating_task (panic_on_oom
 * is left out: a panicked machine refuses the end-of-input teardown);
 * k 8..15: up to 15 raw bytes written to a process's oom_score_adj or, for
 * odd k, its legacy oom_adj, as a shell's echo or any program may.
 */
void op_pressure_knob(struct fuzz_run *r, int k, uint8_t v, struct cursor *c)
{
	static const struct {
		const char *name;
		const char *vals[4];
	} knob[] = {
		{ "swappiness", { "0", "60", "200", "201" } },
		{ "page-cluster", { "0", "3", "5", "32" } },
		{ "oom_kill_allocating_task", { "0", "1", "1", "-1" } },
		{ "swappiness", { "100", "1", "-1", "60" } },
	};
	char buf[16];
	size_t len;
	int pid;

	if (k < 8) {
		const char *name = knob[k % NELEM(knob)].name, *val = knob[k % NELEM(knob)].vals[v % 4];

		trace(r, "tunable %s <- %s", name, val);
		mm_tunable_write(r->m, name, val, strlen(val));
		return;
	}
	pid = pick_pid(r, c);
	len = v % 16;
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)in_u8(c);
	trace(r, "proc/%d/%s <- %zu bytes", pid, k & 1 ? "oom_adj" : "oom_score_adj", len);
	if (pid)
		mm_oom_adj_write(r->m, pid, k & 1, buf, len);
}

/*
 * smaps against the mm's own counters: smaps walks the page tables VMA by
 * VMA (task_mmu.c), status reads the Rss counters rmap.c keeps, and the
 * two must agree, as they do on Linux without concurrent faults.
 */
void check_task_usage(struct fuzz_run *r, int pid)
{
	struct mm_task_snap *t = mm_snap_task(r->m, pid, 2);
	uint64_t rss = 0, anon = 0, size = 0;

	if (!t || !t->has_mm) {
		free(t);
		return;
	}
	for (size_t i = 0; i < t->nr_vmas; i++) {
		const struct mm_vma_usage *u = &t->vmas[i].u;

		FUZZ_ASSERT(u->shared_clean + u->shared_dirty + u->private_clean + u->private_dirty ==
			    u->rss, "pid %d VMA %#" PRIx64 ": clean + dirty is not Rss", pid,
			    t->vmas[i].start);
		FUZZ_ASSERT(u->pss <= u->rss << MM_PSS_SHIFT && u->rss <= t->vmas[i].end -
			    t->vmas[i].start, "pid %d VMA %#" PRIx64 ": Pss %" PRIu64 " Rss %" PRIu64,
			    pid, t->vmas[i].start, u->pss, u->rss);
		rss += u->rss;
		anon += u->anonymous;
		size += t->vmas[i].end - t->vmas[i].start;
	}
	FUZZ_ASSERT(rss == (t->rss_anon + t->rss_file + t->rss_shmem) * 4096,
		    "pid %d: smaps Rss adds up to %" PRIu64 " kB, status says %" PRIu64, pid,
		    rss >> 10, (t->rss_anon + t->rss_file + t->rss_shmem) * 4);
	FUZZ_ASSERT(anon == t->rss_anon * 4096, "pid %d: smaps Anonymous %" PRIu64
		    " kB, RssAnon %" PRIu64, pid, anon >> 10, t->rss_anon * 4);
	FUZZ_ASSERT(size == t->total_vm * 4096, "pid %d: VMAs span %" PRIu64 " kB, VmSize %"
		    PRIu64, pid, size >> 10, t->total_vm * 4);
	free(t);
}

void op_view(struct fuzz_run *r, int pid, struct cursor *c)
{
	uint8_t what = in_u8(c) % 5;
	struct mm_task_snap *t;
	struct mm_global_snap *g;
	struct rbuf b;
	uint64_t words[512];
	char *k;
	size_t len;

	trace(r, "view %d of pid %d", what, pid);
	rbuf_init(&b);
	switch (what) {
	case 0:
		check_task_usage(r, pid);
		t = mm_snap_task(r->m, pid, 2);
		if (t) {
			render_smaps(&b, t);
			render_smaps_rollup(&b, t);
			render_status(&b, t);
			render_maps(&b, t);
			free(t);
		}
		break;
	case 1:
		g = mm_snap_global(r->m);
		FUZZ_ASSERT(g, "no global snapshot");
		render_meminfo(&b, g);
		render_vmstat(&b, g);
		render_zoneinfo(&b, g);
		render_pagetypeinfo(&b, g);
		free(g);
		break;
	case 2:
		mm_pagemap_read(r->m, pid, pick_addr(r, pid, c) >> 12, words,
				NELEM(words));
		break;
	case 3:
		for (uint64_t pfn = 0; pfn < mm_max_pfn(r->m); pfn += NELEM(words)) {
			mm_kpageflags_read(r->m, pfn, words, NELEM(words));
			mm_kpagecount_read(r->m, pfn, words, NELEM(words));
		}
		break;
	default:
		k = mm_kmsg_text(r->m, &len);
		FUZZ_ASSERT(k && strlen(k) == len, "kmsg text");
		free(k);
		break;
	}
	rbuf_free(&b);
}
