/* SPDX-License-Identifier: MIT */
/*
 * fuzz_model.c - the memory model under sequences of commands.
 *
 * An input (format in model.h) picks a small machine and then a sequence
 * of commands: the global ones, the system calls of its processes,
 * proc/PID/mem, files/ and a few tunables (model_ops.c). Each input boots
 * its own machine over a freshly filled backing directory, so it runs the
 * same way alone or after a million others: no host randomness, no clock.
 *
 * Asserted:
 *  - after EVERY command, mm_check() finds nothing broken;
 *  - every system call's control line parses back to the call
 *    (model_line.c), smaps adds up to the mm counters (model_io.c);
 *  - at the end, after every process but init is killed, the hugetlb pool
 *    emptied, sync and drop_caches 3, the machine is back to its boot
 *    state (see check_boot_state for exactly what that means);
 *  - no host file descriptor outlives the machine.
 * A command run on init (pid byte 0xff) changes what boot left in init's
 * address space for good, so such an input skips the boot-state check.
 */
#include <stdlib.h>
#include <string.h>

#include "../../mm/mm.h"
#include "fuzz.h"
#include "model.h"

#define MAX_STEPS 2000
/*
 * An input whose processes hold more page tables than this ends at that
 * command: populating a terabyte fills a 64 MiB machine with tables
 * mapping the zero page, millions of PTEs that every later check would
 * walk again (seconds each under ASan), without new code to show for it.
 */
#define MAX_PAGETABLES_KB (16 << 10)

static void check(struct fuzz_run *r, const char *when)
{
	int nbad = 0;
	char *report = mm_check(r->m, &nbad);

	FUZZ_ASSERT(nbad == 0, "%s (command %lu): %d invariants broken:\n%s", when, r->step, nbad,
		    report);
	free(report);
}

#define MI_NAME(id, key, kind) [id] = key,
static const char *const meminfo_names[NR_MEMINFO_ITEMS] = { MM_MEMINFO_FIELDS(MI_NAME) };
#undef MI_NAME

/* The meminfo lines that must read as at boot once everything is given back. */
static const enum meminfo_item boot_items[] = {
	MI_MEMFREE, MI_CACHED, MI_ACTIVE_ANON, MI_INACTIVE_ANON, MI_ACTIVE_FILE,
	MI_INACTIVE_FILE, MI_UNEVICTABLE, MI_MLOCKED, MI_DIRTY, MI_WRITEBACK, MI_ANONPAGES,
	MI_MAPPED, MI_SHMEM, MI_KERNELSTACK, MI_PAGETABLES, MI_COMMITTED_AS, MI_ANONHUGEPAGES,
	MI_HUGEPAGES_TOTAL, MI_HUGEPAGES_FREE, MI_HUGEPAGES_RSVD, MI_HUGEPAGES_SURP, MI_HUGETLB,
	MI_SWAPCACHED,
};

/*
 * The buddy allocator back at boot: every zone has the same free pages,
 * and the same number of free blocks of each order. Merging is complete
 * (below pageblock order buddies share a pageblock, so a type; above it
 * any two movable/unmovable/reclaimable types merge), so one set of free
 * pfns has one block decomposition, boot's. Which migratetype list a block
 * is on is NOT compared: fallback allocations re-type pageblocks for good
 * (steal_suitable_fallback in Linux, rmqueue_fallback here), and a block
 * freed over re-typed pageblocks goes on the list of the type it landed
 * in, so the per-type counts legitimately differ from boot's.
 */
static void check_boot_state(const struct mm_global_snap *boot, const struct mm_global_snap *now)
{
	FUZZ_ASSERT(boot->nr_nodes == now->nr_nodes, "nodes");
	/*
	 * The kernel's objects are boot's again, object for object; their
	 * slabs may be others (what was freed and taken again), so the free
	 * pages are boot's only where the slab pages are too.
	 */
	FUZZ_ASSERT(boot->nr_slab == now->nr_slab, "slab caches");
	/*
	 * Except what shadow entries keep: reclaim leaves one per page it
	 * evicts, drop_caches drops pages but not shadows, and the shadow
	 * shrinker keeps up to node_present_pages / 8 nodes of them (so all
	 * of them here). A mapping of two shadows or more holds radix_tree_node
	 * objects and keeps its inode off the inode LRU (mapping_shrinkable),
	 * as Linux does: inodes beyond boot's are allowed as long as as many
	 * radix_tree_nodes beyond boot's pin them.
	 */
	int64_t extra_xa = 0, extra_inodes = 0;

	for (int i = 0; i < now->nr_slab * now->nr_nodes; i++) {
		const char *name = now->slab[i / now->nr_nodes].name;
		int64_t d = (int64_t)now->slab_node[i].objects - (int64_t)boot->slab_node[i].objects;
		size_t len = strlen(name);

		if (!strcmp(name, "radix_tree_node") && d >= 0) {
			extra_xa += d;
			continue;
		}
		if (len > 12 && !strcmp(name + len - 12, "_inode_cache") && d >= 0) {
			extra_inodes += d;
			continue;
		}
		FUZZ_ASSERT(d == 0, "slab %s node %d: %llu objects, %llu at boot", name,
			    i % now->nr_nodes, (unsigned long long)now->slab_node[i].objects,
			    (unsigned long long)boot->slab_node[i].objects);
	}
	FUZZ_ASSERT(extra_inodes <= extra_xa, "%lld inodes more than at boot, pinned by only %lld "
		    "radix_tree_nodes of shadow entries", (long long)extra_inodes, (long long)extra_xa);
	int same_slab = boot->meminfo[MI_SLAB] == now->meminfo[MI_SLAB];

	FUZZ_ASSERT(boot->meminfo[MI_MEMFREE] + boot->meminfo[MI_SLAB] ==
		    now->meminfo[MI_MEMFREE] + now->meminfo[MI_SLAB],
		    "MemFree + Slab %llu kB, %llu at boot",
		    (unsigned long long)(now->meminfo[MI_MEMFREE] + now->meminfo[MI_SLAB]),
		    (unsigned long long)(boot->meminfo[MI_MEMFREE] + boot->meminfo[MI_SLAB]));
	for (int n = 0; same_slab && n < now->nr_nodes; n++)
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			const struct mm_zone_snap *a = &boot->node[n].zone[z], *b = &now->node[n].zone[z];

			FUZZ_ASSERT(a->stat[NR_FREE_PAGES] == b->stat[NR_FREE_PAGES],
				    "node %d zone %s: %lld free pages, %lld at boot", n, zone_names[z],
				    (long long)b->stat[NR_FREE_PAGES], (long long)a->stat[NR_FREE_PAGES]);
			for (int o = 0; o < MM_NR_ORDERS; o++) {
				uint64_t x = 0, y = 0;

				for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
					x += a->nr_free[o][mt];
					y += b->nr_free[o][mt];
				}
				FUZZ_ASSERT(x == y, "node %d zone %s: %llu free blocks of order %d, "
					    "%llu at boot", n, zone_names[z], (unsigned long long)y, o,
					    (unsigned long long)x);
			}
		}
	/* swapon/swapoff change SwapTotal; whatever devices are left, they are empty */
	FUZZ_ASSERT(now->meminfo[MI_SWAPFREE] == now->meminfo[MI_SWAPTOTAL],
		    "meminfo SwapFree is %llu kB of SwapTotal %llu once everything exited",
		    (unsigned long long)now->meminfo[MI_SWAPFREE],
		    (unsigned long long)now->meminfo[MI_SWAPTOTAL]);
	for (size_t i = 0; i < sizeof(boot_items) / sizeof(boot_items[0]); i++)
		FUZZ_ASSERT((!same_slab && boot_items[i] == MI_MEMFREE) ||
			    boot->meminfo[boot_items[i]] == now->meminfo[boot_items[i]],
			    "meminfo %s is %llu kB, %llu at boot", meminfo_names[boot_items[i]],
			    (unsigned long long)now->meminfo[boot_items[i]],
			    (unsigned long long)boot->meminfo[boot_items[i]]);
}

static struct machine *boot(struct cursor *c, const char *dir)
{
	static const uint64_t ram[] = { 64ULL << 20, 96ULL << 20, 128ULL << 20, 128ULL << 20 };
	static const char *const thp[] = { "madvise", "always", "never", "madvise" };
	uint8_t b = in_u8(c);
	struct mm_config cfg = {
		.ram_bytes = ram[b & 3],
		.nr_nodes = (b & 4) && ram[b & 3] >= (128ULL << 20) ? 2 : 1,
		.swap_bytes = (b & 0x20) ? 64ULL << 20 : 0,
		.page_owner = !!(b & 0x40),
	};
	struct machine *m;
	char why[256];

	m = mm_boot(&cfg, why, sizeof(why));
	FUZZ_ASSERT(m, "boot: %s", why);
	FUZZ_ASSERT(!mm_set_backing(m, dir, 0xfe, 0x01), "backing %s", dir);
	FUZZ_ASSERT(!mm_tunable_write(m, "enabled", thp[(b >> 3) & 3], strlen(thp[(b >> 3) & 3])),
		    "THP mode");
	return m;
}

/* meminfo's PageTables: every page-table page of every process, in kB. */
static uint64_t page_tables_kb(struct machine *m)
{
	struct mm_global_snap *g = mm_snap_global(m);
	uint64_t kb;

	FUZZ_ASSERT(g, "snapshot");
	kb = g->meminfo[MI_PAGETABLES];
	free(g);
	return kb;
}

/*
 * System V segments outlive their processes: init removes every one left
 * (nothing attaches them once the others are gone), so their memory and
 * their charge go.
 */
static void remove_segments(struct fuzz_run *r)
{
	struct mm_global_snap *g = mm_snap_global(r->m);
	char why[256];

	FUZZ_ASSERT(g, "snapshot");
	for (int i = 0; i < g->nr_shm; i++) {
		struct mm_call c = { .verb = MMV_SHMCTL, .fd = g->shm[i].id, .mode = 0 };
		uint64_t ret;

		FUZZ_ASSERT(!mm_syscall(r->m, 1, &c, &ret, why, sizeof(why)), "shmctl %d rmid: %s",
			    g->shm[i].id, why);
	}
	free(g);
	check(r, "shm rmid");
}

/*
 * Check every process's smaps against its counters, then kill everyone
 * but init, remove the shm segments, empty the pool, write back and drop
 * the cache.
 */
static void wind_down(struct fuzz_run *r)
{
	int pids[256], n;
	char why[256];

	n = mm_pids(r->m, pids, 256);
	for (int i = 0; i < n && i < 256; i++)
		check_task_usage(r, pids[i]);

	while ((n = mm_pids(r->m, pids, 256)) > 1) {
		for (int i = 1; i < n && i < 256; i++)
			FUZZ_ASSERT(!mm_kill(r->m, pids[i], why, sizeof(why)), "kill %d: %s",
				    pids[i], why);
		check(r, "kill");
	}
	remove_segments(r);
	FUZZ_ASSERT(!mm_tunable_write(r->m, "nr_hugepages", "0", 1), "nr_hugepages 0");
	FUZZ_ASSERT(!mm_sync(r->m, why, sizeof(why)), "sync: %s", why);
	FUZZ_ASSERT(!mm_drop_caches(r->m, 3, why, sizeof(why)), "drop_caches: %s", why);
	/* a referenced dentry or inode only loses its bit in the first pass */
	FUZZ_ASSERT(!mm_drop_caches(r->m, 2, why, sizeof(why)), "drop_caches 2: %s", why);
	/* the empty slabs min_partial keeps: allocation history, not a leak */
	mm_slab_shrink(r->m);
	check(r, "wind-down");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int trace = -1;
	struct cursor c = { data, size };
	struct fuzz_run r = { 0 };
	struct mm_global_snap *at_boot, *at_end;
	int fds = open_fd_count(), pid;
	char why[256];

	if (trace < 0)
		trace = getenv("FUZZ_TRACE") != NULL;
	r.trace = trace;
	r.backing = backing_dir();
	backing_reset(r.backing);
	r.m = boot(&c, r.backing);
	at_boot = mm_snap_global(r.m);
	FUZZ_ASSERT(at_boot, "snapshot");

	FUZZ_ASSERT(!mm_spawn(r.m, "sh", &pid, why, sizeof(why)), "spawn: %s", why);
	check(&r, "spawn");
	while (c.n && r.step < MAX_STEPS && page_tables_kb(r.m) <= MAX_PAGETABLES_KB) {
		model_step(&r, &c);
		check(&r, "after the command");
	}
	wind_down(&r);
	if (!r.init_touched) {
		at_end = mm_snap_global(r.m);
		FUZZ_ASSERT(at_end, "snapshot");
		check_boot_state(at_boot, at_end);
		free(at_end);
	}
	free(at_boot);
	mm_shutdown(r.m);
	FUZZ_ASSERT(open_fd_count() == fds, "%d host fds open after the machine, %d before",
		    open_fd_count(), fds);
	return 0;
}
