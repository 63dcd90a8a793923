/* SPDX-License-Identifier: MIT */
/*
 * The slab caches (mm/slub*.c): geometry as the host shows it, slabs taken
 * from and given back to the buddy allocator, the model's objects counted
 * in them, Σ slab pages = meminfo Slab, and the super block shrinker
 * behind drop_caches 2. mm_check runs after every step.
 */
#include "filemaptest.h"
#include "../../mm/page_alloc.h"

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
	cr_assert_eq(kmalloc_cache(1), KMALLOC_8);
	cr_assert_eq(kmalloc_cache(8), KMALLOC_8);
	cr_assert_eq(kmalloc_cache(9), KMALLOC_16);
	cr_assert_eq(kmalloc_cache(65), KMALLOC_96);
	cr_assert_eq(kmalloc_cache(97), KMALLOC_128);
	cr_assert_eq(kmalloc_cache(129), KMALLOC_192);
	cr_assert_eq(kmalloc_cache(193), KMALLOC_256);
	cr_assert_eq(kmalloc_cache(4097), KMALLOC_8K);
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
