/* SPDX-License-Identifier: MIT */
/*
 * The slab caches (mm/slub*.c): geometry as the host shows it, slabs taken
 * from and given back to the buddy allocator, the model's objects counted
 * in them, Σ slab pages = meminfo Slab, and the super block shrinker
 * behind drop_caches 2. mm_check runs after every step.
 */
#include <errno.h>

#include "filemaptest.h"
#include "../../mm/page_alloc.h"
#include "../../mm/trace.h"
#include "../../mm/file.h"
#include "../../mm/filemap_internal.h"
#include "../../mm/vmscan.h"

static uint64_t slab_pages(void)
{
	return (uint64_t)(global_node_page_state(m, NR_SLAB_RECLAIMABLE) +
			  global_node_page_state(m, NR_SLAB_UNRECLAIMABLE));
}

/* objects in use, slabs and partial slabs of cache id (node 0) */
static uint64_t objs(enum kmem_cache_id id) { return m->slab_caches[id]->node[0].inuse; }
static uint64_t slabs(enum kmem_cache_id id) { return m->slab_caches[id]->node[0].nr_slabs; }

/* The host's geometry (Linux 6.18 x86-64 /sys/kernel/slab). */
Test(slub, geometry_and_kmalloc_sizes, .init = setup, .fini = teardown)
{
	static const struct { enum kmem_cache_id id; unsigned objs, pages; } want[] = {
		{ KMEM_TASK_STRUCT, 5, 8 }, { KMEM_MM_STRUCT, 20, 8 },
		{ KMEM_VM_AREA_STRUCT, 21, 1 }, { KMEM_ANON_VMA, 39, 1 },
		{ KMEM_ANON_VMA_CHAIN, 64, 1 }, { KMEM_FILP, 21, 1 }, { KMEM_DENTRY, 21, 1 },
		{ KMEM_EXT4_INODE, 14, 4 }, { KMEM_SHMEM_INODE, 21, 4 },
		{ KMEM_RADIX_TREE_NODE, 14, 2 }, { KMALLOC_8, 512, 1 }, { KMALLOC_96, 42, 1 },
		{ KMALLOC_512, 16, 2 }, { KMALLOC_1K, 16, 4 }, { KMALLOC_8K, 4, 8 },
	};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct kmem_cache_info *ci = &kmem_cache_info[want[i].id];

		cr_assert_eq(oo_objects(ci), want[i].objs, "%s", ci->name);
		cr_assert_eq(1u << ci->order, want[i].pages, "%s", ci->name);
	}
	cr_assert_eq(kmalloc_cache(1, LGFP_KERNEL), KMALLOC_8);
	cr_assert_eq(kmalloc_cache(8, LGFP_KERNEL), KMALLOC_8);
	cr_assert_eq(kmalloc_cache(9, LGFP_KERNEL), KMALLOC_16);
	cr_assert_eq(kmalloc_cache(65, LGFP_KERNEL), KMALLOC_96);
	cr_assert_eq(kmalloc_cache(97, LGFP_KERNEL), KMALLOC_128);
	cr_assert_eq(kmalloc_cache(129, LGFP_KERNEL), KMALLOC_192);
	cr_assert_eq(kmalloc_cache(193, LGFP_KERNEL), KMALLOC_256);
	cr_assert_eq(kmalloc_cache(4097, LGFP_KERNEL), KMALLOC_8K);
	cr_assert(kmem_cache_info[KMEM_DENTRY].flags & SLAB_RECLAIM_ACCOUNT);
	cr_assert(kmem_cache_info[KMEM_EXT4_INODE].flags & SLAB_RECLAIM_ACCOUNT);
	cr_assert(!(kmem_cache_info[KMEM_FILP].flags & SLAB_RECLAIM_ACCOUNT));
}

/*
 * 17 objects of kmalloc-1k (16 a slab of 4 pages): two slabs, 8 pages of
 * SUnreclaim from an Unmovable pageblock; all freed, the empty slabs stay
 * (fewer than min_partial = 5 partial ones). Six full slabs emptied: the
 * fifth and sixth go back, four stay.
 */
Test(slub, slabs_come_from_the_buddy_allocator, .init = setup, .fini = teardown)
{
	uint32_t h[96];
	uint64_t pages0 = slab_pages(), free0 = meminfo(MI_MEMFREE);

	machine_lock(m);
	for (int i = 0; i < 17; i++)
		h[i] = kmem_cache_alloc(m, KMALLOC_1K, 0);
	machine_unlock(m);
	check_ok();
	cr_assert_eq(slabs(KMALLOC_1K), 2);
	cr_assert_eq(objs(KMALLOC_1K), 17);
	cr_assert_eq(m->slab_caches[KMALLOC_1K]->node[0].nr_partial, 1);
	cr_assert_eq(slab_pages() - pages0, 8);
	cr_assert_eq(free0 - meminfo(MI_MEMFREE), 32);
	cr_assert_eq(meminfo(MI_SLAB), slab_pages() * 4);
	cr_assert_eq(h[0], h[15], "one slab holds the first 16");
	cr_assert_neq(h[0], h[16]);
	cr_assert_eq(pageblock_migratetype(m, h[0]), MIGRATE_UNMOVABLE);
	cr_assert(PageFlag(pfn_to_page(m, h[0] + 3), PG_slab));
	machine_lock(m);
	for (int i = 0; i < 17; i++)
		kmem_cache_free(m, KMALLOC_1K, h[i]);
	machine_unlock(m);
	check_ok();
	cr_assert_eq(objs(KMALLOC_1K), 0);
	cr_assert_eq(slabs(KMALLOC_1K), 2, "empty slabs are kept");

	machine_lock(m);
	for (int i = 0; i < 96; i++)
		h[i] = kmem_cache_alloc(m, KMALLOC_1K, 0);
	cr_assert_eq(m->slab_caches[KMALLOC_1K]->node[0].nr_slabs, 6);
	for (int i = 0; i < 96; i++)
		kmem_cache_free(m, KMALLOC_1K, h[i]);
	machine_unlock(m);
	check_ok();
	cr_assert_eq(slabs(KMALLOC_1K), 4);
	cr_assert_eq(slab_pages() - pages0, 16);
}

/* A reclaimable cache's slabs come from a Reclaimable pageblock. */
Test(slub, reclaimable_caches_use_reclaimable_pageblocks, .init = setup, .fini = teardown)
{
	int64_t r0 = nodestat(NR_SLAB_RECLAIMABLE);
	uint32_t h;

	machine_lock(m);
	h = kmem_cache_alloc(m, KMEM_RADIX_TREE_NODE, 0);
	machine_unlock(m);
	cr_assert_eq(pageblock_migratetype(m, h), MIGRATE_RECLAIMABLE);
	cr_assert_eq(nodestat(NR_SLAB_RECLAIMABLE) - r0, 2);
	check_ok();
	machine_lock(m);
	kmem_cache_free(m, KMEM_RADIX_TREE_NODE, h);
	machine_unlock(m);
	check_ok();
}

/* Σ over slabinfo of slabs × pages per slab is meminfo Slab, and the check sees a lie. */
Test(slub, slabinfo_sums_to_meminfo_slab, .init = setup, .fini = teardown)
{
	struct mm_global_snap *s;
	uint64_t pages = 0;
	int nbad = 0;
	char *r;

	call(1, (struct mm_call){ .verb = MMV_FORK });
	s = gsnap();
	for (int id = 0; id < s->nr_slab; id++)
		pages += s->slab_node[id].slabs << s->slab[id].order;
	cr_assert_eq(pages * 4, s->meminfo[MI_SLAB]);
	cr_assert_eq(s->meminfo[MI_SLAB], s->meminfo[MI_SRECLAIMABLE] + s->meminfo[MI_SUNRECLAIM]);
	free(s);
	/* a counter out of step with the lists is reported */
	m->slab_caches[KMEM_VM_AREA_STRUCT]->node[0].inuse++;
	r = mm_check(m, &nbad);
	cr_assert_eq(nbad, 1, "%s", r);
	cr_assert(strstr(r, "slab vm_area_struct node 0: lists hold"), "%s", r);
	free(r);
	m->slab_caches[KMEM_VM_AREA_STRUCT]->node[0].inuse--;
	check_ok();
}

static void kill_pid(int pid)
{
	char why[128];

	cr_assert_eq(mm_kill(m, pid, why, sizeof(why)), 0, "%s", why);
	check_ok();
}

/* A process costs a task_struct, an mm_struct, its VMAs, anon_vmas and their chains. */
Test(slub, processes_are_accounted, .init = setup, .fini = teardown)
{
	uint64_t t0 = objs(KMEM_TASK_STRUCT), mm0 = objs(KMEM_MM_STRUCT);
	uint64_t v0 = objs(KMEM_VM_AREA_STRUCT), av0 = objs(KMEM_ANON_VMA);
	uint64_t avc0 = objs(KMEM_ANON_VMA_CHAIN);
	int child;

	cr_assert_eq(t0, 1, "init");
	cr_assert_eq(v0, m->tasks[1]->mm->map_count);
	child = (int)call(1, (struct mm_call){ .verb = MMV_FORK });
	cr_assert_eq(objs(KMEM_TASK_STRUCT), 2);
	cr_assert_eq(objs(KMEM_MM_STRUCT), mm0 + 1);
	cr_assert_eq(objs(KMEM_VM_AREA_STRUCT), 2 * v0, "the child has init's VMAs");
	/* anon_vma_fork: an anon_vma of its own per VMA, chained to it and to init's */
	cr_assert_eq(objs(KMEM_ANON_VMA), 2 * av0);
	cr_assert_eq(objs(KMEM_ANON_VMA_CHAIN), 3 * avc0);
	kill_pid(child);
	cr_assert_eq(objs(KMEM_TASK_STRUCT), 1);
	cr_assert_eq(objs(KMEM_MM_STRUCT), mm0);
	cr_assert_eq(objs(KMEM_VM_AREA_STRUCT), v0);
	cr_assert_eq(objs(KMEM_ANON_VMA), av0);
	cr_assert_eq(objs(KMEM_ANON_VMA_CHAIN), avc0);
}

/*
 * A file read through files/ leaves a dentry and an inode; the filp goes
 * with the read. drop_caches 2 first clears the dentry's reference bit
 * (dput set it), the next frees it; the inode caches pages, so it stays
 * until drop_caches 1 takes them, then drop_caches 2 evicts it. Each
 * shrink_slab call scans 2 * freeable (priority 0, seeks 2).
 */
Test(slub, dentries_and_inodes_are_shrunk, .init = setup, .fini = teardown)
{
	uint64_t d0 = objs(KMEM_DENTRY), i0 = objs(KMEM_EXT4_INODE), f0 = objs(KMEM_FILP);
	int64_t scanned0 = event(SLABS_SCANNED);
	char buf[64], why[64];
	uint64_t ino;

	put_host("f", "hello, slab", 11);
	cr_assert_eq(mm_file_read(m, "/f", 0, buf, sizeof(buf)), 11);
	check_ok();
	cr_assert_eq(mm_file_ino(m, "/f", &ino), 0);
	cr_assert_eq(objs(KMEM_DENTRY), d0 + 1);
	cr_assert_eq(objs(KMEM_EXT4_INODE), i0 + 1);
	cr_assert_eq(objs(KMEM_FILP), f0, "closed");
	cr_assert_eq(m->nr_dentry_lru[0], 1);

	cr_assert_eq(mm_drop_caches(m, 2, why, sizeof(why)), 0);
	check_ok();
	cr_assert_eq(objs(KMEM_DENTRY), d0 + 1, "referenced: rotated once");
	cr_assert_eq(event(SLABS_SCANNED) - scanned0, 2);
	cr_assert_eq(mm_drop_caches(m, 2, why, sizeof(why)), 0);
	check_ok();
	cr_assert_eq(objs(KMEM_DENTRY), d0);
	cr_assert_eq(objs(KMEM_EXT4_INODE), i0 + 1, "its page pins it");
	cr_assert_eq(m->nr_inode_lru[0], 0);
	cr_assert_eq(event(SLABS_SCANNED) - scanned0, 4);

	cr_assert_eq(mm_drop_caches(m, 1, why, sizeof(why)), 0);
	cr_assert_eq(m->nr_inode_lru[0], 1, "no page left: on the inode LRU");
	cr_assert_eq(mm_drop_caches(m, 2, why, sizeof(why)), 0);
	check_ok();
	cr_assert_eq(objs(KMEM_EXT4_INODE), i0);
	cr_assert_eq(event(SLABS_SCANNED) - scanned0, 6);
	cr_assert_eq(event(PGINODESTEAL), 0);

	/* the on-disk inode keeps its number; reading again makes the in-core copy anew */
	uint64_t ino2;

	cr_assert_eq(mm_file_read(m, "/f", 0, buf, sizeof(buf)), 11);
	cr_assert_eq(mm_file_ino(m, "/f", &ino2), 0);
	cr_assert_eq(ino2, ino);
	cr_assert_eq(objs(KMEM_EXT4_INODE), i0 + 1);
	check_ok();
}

/* The page cache's xarray nodes: none for one page, one per 64 above, plus the levels. */
Test(slub, radix_tree_nodes_follow_the_cache, .init = setup, .fini = teardown)
{
	uint64_t r0 = objs(KMEM_RADIX_TREE_NODE);
	static char page[4096];
	char why[64];

	cr_assert_eq(xa_nodes_for(0), 0);
	cr_assert_eq(xa_nodes_for(1), 0);
	cr_assert_eq(xa_nodes_for(2), 1);
	cr_assert_eq(xa_nodes_for(64), 1);
	cr_assert_eq(xa_nodes_for(65), 3);
	cr_assert_eq(xa_nodes_for(4096), 65);
	backing_put(dir, "big", 100 * 4096);
	for (int i = 0; i < 100; i++)
		cr_assert_eq(mm_file_read(m, "/big", (uint64_t)i * 4096, page, sizeof(page)), 4096);
	check_ok();
	cr_assert_eq(objs(KMEM_RADIX_TREE_NODE) - r0, xa_nodes_for(100));
	cr_assert_eq(mm_drop_caches(m, 1, why, sizeof(why)), 0);
	check_ok();
	cr_assert_eq(objs(KMEM_RADIX_TREE_NODE), r0);
}

/*
 * A lone entry lives in the xarray's head only at index 0; at 5 it hangs
 * from one node, at 99 from two (99 >> 6 = 1: a second level).
 */
Test(slub, radix_tree_nodes_of_a_lone_page, .init = setup, .fini = teardown)
{
	uint64_t r0 = objs(KMEM_RADIX_TREE_NODE);
	static char page[4096];
	char why[64];

	backing_put(dir, "six", 6 * 4096);
	backing_put(dir, "hundred", 100 * 4096);
	cr_assert_eq(mm_file_read(m, "/six", 5 * 4096, page, sizeof(page)), 4096);
	check_ok();
	cr_assert_eq(objs(KMEM_RADIX_TREE_NODE) - r0, 1);
	cr_assert_eq(mm_file_read(m, "/hundred", 99 * 4096, page, sizeof(page)), 4096);
	check_ok();
	cr_assert_eq(objs(KMEM_RADIX_TREE_NODE) - r0, 3);
	cr_assert_eq(mm_drop_caches(m, 1, why, sizeof(why)), 0);
	cr_assert_eq(objs(KMEM_RADIX_TREE_NODE), r0);
	cr_assert_eq(mm_file_read(m, "/six", 0, page, 1), 1);	/* page 0 alone: in the head */
	cr_assert_eq(objs(KMEM_RADIX_TREE_NODE), r0);
	check_ok();
}

/*
 * shrink_slab's arithmetic on 300 unused, referenced dentries (their inodes
 * cache a page each, so they are not on the inode LRU). Priority 0:
 * delta = 300 * 4 / 2 = 600 = total_scan (≤ 2 × freeable); batches of 128
 * while total_scan ≥ 128: four, 512 scanned, 88 deferred. Each batch
 * prunes dentries + 1 = 129 entries (all of them dentries): the first two
 * and 42 of the third clear reference bits, the rest of the third frees 87,
 * the fourth 129. Priority 12 then: 84 >> 12 = 0 new, 88 >> 12 = 0
 * deferred: nothing is scanned, and the work stays deferred.
 */
Test(slub, shrink_slab_batches_and_defers, .init = setup, .fini = teardown)
{
	int64_t scanned0 = event(SLABS_SCANNED);
	uint64_t d0 = objs(KMEM_DENTRY);
	char name[16], path[16], buf[8];

	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		snprintf(path, sizeof(path), "/f%d", i);
		put_host(name, "x", 1);
		cr_assert_eq(mm_file_read(m, path, 0, buf, sizeof(buf)), 1);
	}
	cr_assert_eq(m->nr_dentry_lru[0], 300);
	machine_lock(m);
	cr_assert_eq(shrink_slab(m, 0, 0, 1), 216);
	machine_unlock(m);
	check_ok();
	cr_assert_eq(event(SLABS_SCANNED) - scanned0, 512);
	cr_assert_eq(m->sb_nr_deferred[0], 88);
	cr_assert_eq(objs(KMEM_DENTRY), d0 + 84);
	machine_lock(m);
	cr_assert_eq(shrink_slab(m, 0, 12, 1), 0);
	machine_unlock(m);
	cr_assert_eq(event(SLABS_SCANNED) - scanned0, 512);
	cr_assert_eq(m->sb_nr_deferred[0], 88 + 0);
	cr_assert_eq(event(KSWAPD_INODESTEAL), 0);
}

static void setup_2nodes(void)
{
	backing_mkdir(dir, "/tmp/mmfs-pc.XXXXXX");
	backing_boot(dir, 2ULL << 30, 2);
}

/* Two nodes: a slab comes from the node asked for, and its node's counters move. */
Test(slub, slabs_are_per_node, .init = setup_2nodes, .fini = teardown)
{
	int64_t n0 = m->node[0]->vm_stat[NR_SLAB_UNRECLAIMABLE];
	int64_t n1 = m->node[1]->vm_stat[NR_SLAB_UNRECLAIMABLE];
	struct mm_global_snap *s;
	uint32_t h;

	machine_lock(m);
	h = kmem_cache_alloc(m, KMALLOC_4K, 1);
	machine_unlock(m);
	cr_assert_eq(slab_nid(m, h), 1);
	cr_assert_eq(m->node[1]->vm_stat[NR_SLAB_UNRECLAIMABLE] - n1, 8);
	cr_assert_eq(m->node[0]->vm_stat[NR_SLAB_UNRECLAIMABLE], n0);
	s = gsnap();
	cr_assert_eq(s->slab_node[KMALLOC_4K * 2 + 1].objects, 1);
	cr_assert_eq(s->slab_node[KMALLOC_4K * 2 + 0].objects, 0);
	free(s);
	check_ok();
	machine_lock(m);
	kmem_cache_free(m, KMALLOC_4K, h);
	machine_unlock(m);
	check_ok();
}

/* A write to sys/kernel/slab/CACHE/ATTR through the tunable path fs/ uses. */
static int slab_write(const char *path, const char *val)
{
	return mm_tunable_write(m, path, val, strlen(val));
}

/*
 * sysfs CACHE/shrink: 96 kmalloc-1k objects freed leave the empty slabs
 * __slab_free keeps for min_partial; "1" gives them back, exactly their
 * pages. Only the first byte counts ("10" and "1\n" shrink, " 1" and "0"
 * are EINVAL), as the host's shrink_store; validate is EINVAL (no cache is
 * debugged, as on the host without slub_debug).
 */
Test(slub, sysfs_shrink_frees_the_kept_empty_slabs, .init = setup, .fini = teardown)
{
	uint32_t h[96];
	uint64_t pages0, kept;

	machine_lock(m);
	for (int i = 0; i < 96; i++)
		h[i] = kmem_cache_alloc(m, KMALLOC_1K, 0);
	for (int i = 0; i < 96; i++)
		kmem_cache_free(m, KMALLOC_1K, h[i]);
	machine_unlock(m);
	check_ok();
	kept = slabs(KMALLOC_1K);
	cr_assert_eq(kept, 4, "min_partial 5: the fifth and sixth empty ones went at once");
	cr_assert_eq(objs(KMALLOC_1K), 0);
	pages0 = slab_pages();
	cr_assert_eq(slab_write("slab/kmalloc-1k/shrink", "0"), -EINVAL);
	cr_assert_eq(slab_write("slab/kmalloc-1k/shrink", " 1"), -EINVAL);
	cr_assert_eq(slab_write("slab/kmalloc-1k/shrink", ""), -EINVAL);
	cr_assert_eq(slab_write("slab/kmalloc-1k/validate", "1"), -EINVAL);
	cr_assert_eq(slab_write("slab/kmalloc-1k/validate", "0"), -EINVAL);
	cr_assert_eq(slab_write("slab/kmalloc-1k/order", "1"), -EACCES);
	cr_assert_eq(slab_write("slab/kmalloc-3k/shrink", "1"), -ENOENT);
	cr_assert_eq(slab_pages(), pages0);
	cr_assert_eq(slab_write("slab/kmalloc-1k/shrink", "10"), 0);
	check_ok();
	cr_assert_eq(slabs(KMALLOC_1K), 0);
	cr_assert_eq(pages0 - slab_pages(), kept * 4, "order 2: 4 pages a slab");
	cr_assert_eq(meminfo(MI_SLAB), slab_pages() * 4);
	cr_assert_eq(slab_write("slab/kmalloc-1k/shrink", "1\n"), 0, "nothing left: still 0");
	cr_assert_eq(slab_pages(), pages0 - kept * 4);
}

/*
 * Shrinking promotes the partial slabs with at most 32 free slots to the
 * head, fewest free first; slabs with the same count come out reversed.
 * Three full slabs A B C of kmalloc-1k (16 each): one freed from A, five
 * from B, one from C makes the list A B C; after the shrink it is C A B,
 * so the next object comes from C.
 */
Test(slub, sysfs_shrink_promotes_the_fullest_slabs, .init = setup, .fini = teardown)
{
	uint32_t h[48], next;

	machine_lock(m);
	for (int i = 0; i < 48; i++)
		h[i] = kmem_cache_alloc(m, KMALLOC_1K, 0);
	kmem_cache_free(m, KMALLOC_1K, h[0]);
	for (int i = 16; i < 21; i++)
		kmem_cache_free(m, KMALLOC_1K, h[i]);
	kmem_cache_free(m, KMALLOC_1K, h[32]);
	machine_unlock(m);
	cr_assert_neq(h[0], h[16]);
	cr_assert_neq(h[16], h[32]);
	cr_assert_eq(slab_write("slab/kmalloc-1k/shrink", "1"), 0);
	check_ok();
	machine_lock(m);
	next = kmem_cache_alloc(m, KMALLOC_1K, 0);
	cr_assert_eq(next, h[32], "C first");
	kmem_cache_free(m, KMALLOC_1K, next);
	machine_unlock(m);
	cr_assert_eq(slabs(KMALLOC_1K), 3);
}

/* n files of one page each, read through a shared mapping, paged out (a shadow at index 0). */
static int spawn_p(void)
{
	int pid = 0;

	cr_assert_eq(mm_spawn(m, "p", &pid, NULL, 0), 0);
	return pid;
}

static void paged_out_files(int pid, int n)
{
	char name[16], path[16];
	static char page[4096];

	memset(page, 'x', sizeof(page));
	for (int i = 0; i < n; i++) {
		uint64_t a;

		snprintf(name, sizeof(name), "s%d", i);
		snprintf(path, sizeof(path), "/s%d", i);
		put_host(name, page, sizeof(page));
		a = map_file(pid, path, 4096, MM_MAP_SHARED);
		touch(pid, a, 4096, 0);
		call(pid, (struct mm_call){ .verb = MMV_MADVISE, .addr = a, .len = 4096,
					    .advice = MM_MADV_PAGEOUT });
		call(pid, (struct mm_call){ .verb = MMV_MUNMAP, .addr = a, .len = 4096 });
	}
	cr_assert_eq(m->nr_dentry_lru[0], (uint64_t)n, "closed: every dentry unused");
}

/*
 * A file whose one page reclaim took keeps a shadow at index 0: the
 * xarray's head, so the inode is shrinkable. drop_caches 2 frees the
 * dentry, the inode joins the LRU, the walk invalidates the shadow
 * (pginodesteal + 1, invalidate_mapping_pages counts value entries) and
 * evicts it: 40 files, 40 stolen, as the host counts the same sequence
 * (tests/integration/inodesteal_probe.c).
 */
Test(slub, a_lone_shadow_at_index_0_is_stolen, .init = setup, .fini = teardown)
{
	int pid = spawn_p();
	uint64_t i0 = objs(KMEM_EXT4_INODE), d0 = objs(KMEM_DENTRY);
	char why[64];

	paged_out_files(pid, 40);
	cr_assert_eq(objs(KMEM_EXT4_INODE), i0 + 40);
	cr_assert_eq(event(PGINODESTEAL), 0);
	cr_assert_eq(mm_drop_caches(m, 2, why, sizeof(why)), 0);
	check_ok();
	cr_assert_eq(event(PGINODESTEAL), 40, "%lld stolen, %llu on the LRU, %llu inodes", (long long)event(PGINODESTEAL), (unsigned long long)m->nr_inode_lru[0], (unsigned long long)(objs(KMEM_EXT4_INODE) - i0));
	cr_assert_eq(event(KSWAPD_INODESTEAL), 0);
	cr_assert_eq(objs(KMEM_EXT4_INODE), i0);
	cr_assert_eq(objs(KMEM_DENTRY), d0);
	cr_assert_eq(m->nr_inode_lru[0], 0);
	cr_assert_eq(mm_drop_caches(m, 2, why, sizeof(why)), 0);
	cr_assert_eq(event(PGINODESTEAL), 40, "nothing left to steal: %lld", (long long)event(PGINODESTEAL));
}

/* From kswapd (shrink_slab's kswapd flag) the same count goes to kswapd_inodesteal. */
Test(slub, kswapd_steals_into_its_own_counter, .init = setup, .fini = teardown)
{
	paged_out_files(spawn_p(), 10);
	machine_lock(m);
	for (int i = 0; i < 4; i++)
		shrink_slab(m, 0, 0, 1);
	machine_unlock(m);
	check_ok();
	cr_assert_eq(event(KSWAPD_INODESTEAL), 10);
	cr_assert_eq(event(PGINODESTEAL), 0);
}

/*
 * Two shadows (or one at index 1) need an xarray node: the mapping is not
 * shrinkable, the freed dentry's inode stays off the LRU and nothing is
 * stolen; so do inodes that still cache pages (the brief's reopen
 * sequence on the host: 0).
 */
Test(slub, shadows_beyond_the_head_pin_the_inode, .init = setup, .fini = teardown)
{
	static char pages[8192];
	int pid = spawn_p();
	uint64_t i0 = objs(KMEM_EXT4_INODE), a;
	char why[64], buf[8];

	put_host("two", pages, sizeof(pages));
	a = map_file(pid, "/two", 8192, MM_MAP_SHARED);
	touch(pid, a, 8192, 0);
	call(pid, (struct mm_call){ .verb = MMV_MADVISE, .addr = a, .len = 8192,
				    .advice = MM_MADV_PAGEOUT });
	call(pid, (struct mm_call){ .verb = MMV_MUNMAP, .addr = a, .len = 8192 });
	put_host("kept", "x", 1);
	cr_assert_eq(mm_file_read(m, "/kept", 0, buf, sizeof(buf)), 1);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(mm_drop_caches(m, 2, why, sizeof(why)), 0);
	check_ok();
	cr_assert_eq(event(PGINODESTEAL), 0);
	cr_assert_eq(m->nr_inode_lru[0], 0);
	cr_assert_eq(objs(KMEM_EXT4_INODE), i0 + 2);
}

/*
 * In reclaim, what the inode shrinker invalidates counts as reclaimed
 * (mm_account_reclaimed_pages), beside the LRU pages and the slab pages
 * freed: kswapd's shrink_node over ten closed, paged-out files. Its
 * shrink_slab frees the ten dentries (rotated, then met again in the same
 * walk) and, the inode LRU having been empty when the batch was split,
 * walks one inode: its shadow is stolen, and the walk's one step is spent
 * (LRU_RETRY), so the inode stays on the LRU, empty, for the next walk.
 */
Test(slub, stolen_shadows_count_as_reclaimed, .init = setup, .fini = teardown)
{
	struct scan_control sc = { .nr_to_reclaim = 32, .gfp = GFP_KERNEL, .priority = 0,
				   .reclaim_idx = MAX_NR_ZONES - 1, .who = RECLAIMER_KSWAPD,
				   .may_writepage = 1, .may_unmap = 1, .may_swap = 1 };
	int64_t steal0, lru0, slab0;

	paged_out_files(spawn_p(), 10);
	steal0 = event(KSWAPD_INODESTEAL);
	lru0 = event(PGSTEAL_ANON) + event(PGSTEAL_FILE);
	slab0 = (int64_t)slab_pages();
	machine_lock(m);
	shrink_node(m, m->node[0], &sc);
	machine_unlock(m);
	check_ok();
	cr_assert_eq(event(KSWAPD_INODESTEAL) - steal0, 1);
	cr_assert_eq(event(PGINODESTEAL), 0);
	cr_assert_eq(m->nr_inode_lru[0], 10, "the stolen one too, empty now, for the next walk");
	cr_assert_eq((int64_t)sc.nr_reclaimed,
		     event(PGSTEAL_ANON) + event(PGSTEAL_FILE) - lru0 +
		     (slab0 > (int64_t)slab_pages() ? slab0 - (int64_t)slab_pages() : 0) + 1);
}
