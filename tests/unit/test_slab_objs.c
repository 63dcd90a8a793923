/* SPDX-License-Identifier: MIT */
/*
 * The model's objects in the caches Linux 6.18 allocates them from
 * (mm/slab.h, slub_objs_check.c), driven through the control language:
 * a System V segment is one kmalloc-cg-256 object (newseg's
 * kmalloc(GFP_KERNEL_ACCOUNT)); a task one struct pid, a process also a
 * struct cred (merged into pid) and a files_struct; a policy one
 * numa_policy copy per holder, a shared range also a shared_policy_node.
 * The host shows the same deltas (doc/slab.md). mm_check runs after every
 * command.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../mm/mm.h"
#include "../../mm/internal.h"
#include "../../mm/task.h"
#include "../../mm/trace.h"
#include "../../fs/ctl.h"
#include "../../fs/ctlfile.h"

static struct machine *m;

#include "ctltest.h"

static uint64_t objs(enum kmem_cache_id id) { return m->slab_caches[id]->node[0].inuse; }
static uint64_t slabs(enum kmem_cache_id id) { return m->slab_caches[id]->node[0].nr_slabs; }

TestSuite(slab_objs, .init = boot, .fini = shutdown);

/*
 * 20 segments: 20 objects of kmalloc-cg-256 (16 a slab: two slabs, one
 * page each), and each segment's shmem file: an inode, a dentry, a filp.
 * An attach adds its file (a filp) and its shm_file_data (kmalloc-32). A
 * removed segment still attached keeps its objects but its own file until
 * the detach; removing all of them empties the cache, whose two empty
 * slabs stay (fewer than min_partial 5 partial slabs).
 */
Test(slab_objs, a_segment_is_one_kmalloc_cg_256_object)
{
	uint64_t ino0 = objs(KMEM_SHMEM_INODE), d0 = objs(KMEM_DENTRY), f0 = objs(KMEM_FILP);
	char line[64], addr[32];

	EXPECT(0, "spawn", "2");
	cr_assert_eq(objs(KMALLOC_CG_256), 0);
	ino0 = objs(KMEM_SHMEM_INODE);
	d0 = objs(KMEM_DENTRY);
	f0 = objs(KMEM_FILP);
	for (int i = 0; i < 20; i++) {
		snprintf(line, sizeof(line), "%d", i);
		EXPECT(2, "shmget IPC_PRIVATE 4096 IPC_CREAT|0600", line);
	}
	cr_assert_eq(objs(KMALLOC_CG_256), 20);
	cr_assert_eq(slabs(KMALLOC_CG_256), 2);
	cr_assert_eq(objs(KMALLOC_256), 0, "GFP_KERNEL_ACCOUNT: the cg cache");
	cr_assert_eq(objs(KMEM_SHMEM_INODE) - ino0, 20);
	cr_assert_eq(objs(KMEM_DENTRY) - d0, 20);
	cr_assert_eq(objs(KMEM_FILP) - f0, 20);
	snprintf(addr, sizeof(addr), "%s", run(2, "shmat 0 0 0"));
	cr_assert_eq(strncmp(addr, "0x", 2), 0, "%s", addr);
	cr_assert_eq(objs(KMALLOC_32), 1);
	cr_assert_eq(objs(KMEM_FILP) - f0, 21);
	EXPECT(2, "shmctl 0 rmid", "0");
	cr_assert_eq(objs(KMALLOC_CG_256), 20, "attached: the segment lives on");
	cr_assert_eq(objs(KMEM_FILP) - f0, 21, "attached: its file is not destroyed yet");
	snprintf(line, sizeof(line), "shmdt %s", addr);
	EXPECT(2, line, "0");
	cr_assert_eq(objs(KMALLOC_CG_256), 19);
	cr_assert_eq(objs(KMALLOC_32), 0);
	cr_assert_eq(objs(KMEM_FILP) - f0, 19);
	cr_assert_eq(objs(KMEM_DENTRY) - d0, 19);
	cr_assert_eq(objs(KMEM_SHMEM_INODE) - ino0, 19);
	run(2, "shmat 1 0 0");
	for (int i = 1; i < 20; i++) {
		snprintf(line, sizeof(line), "shmctl %d rmid", i);
		EXPECT(2, line, "0");
	}
	cr_assert_eq(objs(KMALLOC_CG_256), 1, "segment 1 is still attached");
	cr_assert_eq(objs(KMEM_FILP) - f0, 2, "its attach file and its own (closed at the last detach)");
	EXPECT(0, "kill 2", "0");
	cr_assert_eq(objs(KMALLOC_CG_256), 0);
	cr_assert_eq(objs(KMALLOC_32), 0);
	cr_assert_eq(objs(KMEM_SHMEM_INODE), ino0);
	cr_assert_eq(objs(KMEM_DENTRY), d0);
	cr_assert_eq(slabs(KMALLOC_CG_256), 2, "empty slabs are kept");
}

/*
 * init at boot: its pid and cred (pid cache), its files_struct. A process
 * adds the three, a thread only its pid; an exit gives them back.
 */
Test(slab_objs, tasks_hold_pid_cred_and_files_objects)
{
	char line[32];
	int child;

	cr_assert_eq(objs(KMEM_PID), 2);
	cr_assert_eq(objs(KMEM_FILES_CACHE), 1);
	EXPECT(0, "spawn", "2");
	cr_assert_eq(objs(KMEM_PID), 4);
	cr_assert_eq(objs(KMEM_FILES_CACHE), 2);
	child = atoi(run(2, "fork"));
	cr_assert_eq(child, 3);
	cr_assert_eq(objs(KMEM_PID), 6);
	cr_assert_eq(objs(KMEM_FILES_CACHE), 3);
	EXPECT(2, "clone vm|fs|files|sighand|thread|sysvsem", "4");
	cr_assert_eq(objs(KMEM_PID), 7, "a thread: its pid only");
	cr_assert_eq(objs(KMEM_FILES_CACHE), 3, "CLONE_FILES: shared");
	EXPECT(4, "exit", "0");
	cr_assert_eq(objs(KMEM_PID), 6);
	snprintf(line, sizeof(line), "kill %d", child);
	EXPECT(0, line, "0");
	cr_assert_eq(objs(KMEM_PID), 4);
	cr_assert_eq(objs(KMEM_FILES_CACHE), 2);
	cr_assert_eq(slabs(KMEM_FILES_CACHE), 1, "4 pages hold 23");
}

/*
 * mbind of one page in the middle of a 10-page mapping: three VMAs, the
 * middle one with its own policy (one numa_policy object); the whole range
 * then: one VMA, one object. set_mempolicy gives the task one; fork copies
 * the VMA's and the task's (mpol_dup), the child's exit frees them.
 */
Test(slab_objs, policies_are_numa_policy_objects)
{
	char line[96];
	uint64_t a;
	int child;

	EXPECT(0, "spawn", "2");
	a = strtoull(run(2, "mmap 0 40K rw- private,anon"), NULL, 0);
	cr_assert_eq(objs(KMEM_NUMA_POLICY), 0);
	snprintf(line, sizeof(line), "mbind %#llx 4K bind 0", (unsigned long long)a + 16384);
	EXPECT(2, line, "0");
	cr_assert_eq(objs(KMEM_NUMA_POLICY), 1);
	snprintf(line, sizeof(line), "mbind %#llx 40K bind 0", (unsigned long long)a);
	EXPECT(2, line, "0");
	cr_assert_eq(objs(KMEM_NUMA_POLICY), 1, "merged into one VMA");
	EXPECT(2, "set_mempolicy bind 0", "0");
	cr_assert_eq(objs(KMEM_NUMA_POLICY), 2);
	child = atoi(run(2, "fork"));
	cr_assert_eq(objs(KMEM_NUMA_POLICY), 4, "the child's copies");
	snprintf(line, sizeof(line), "kill %d", child);
	EXPECT(0, line, "0");
	cr_assert_eq(objs(KMEM_NUMA_POLICY), 2);
	EXPECT(2, "set_mempolicy default", "0");
	cr_assert_eq(objs(KMEM_NUMA_POLICY), 1);
	snprintf(line, sizeof(line), "munmap %#llx 40K", (unsigned long long)a);
	EXPECT(2, line, "0");
	cr_assert_eq(objs(KMEM_NUMA_POLICY), 0);
	cr_assert_eq(objs(KMEM_SHARED_POLICY_NODE), 0);
}

/*
 * mbind of a page of a shared anonymous mapping: the VMA's copy, and the
 * shmem object's range (a shared_policy_node and its own numa_policy).
 * Unmapping the last mapping frees the object and its shared policy.
 */
Test(slab_objs, shared_policy_ranges_are_shared_policy_nodes)
{
	char line[96];
	uint64_t a;

	EXPECT(0, "spawn", "2");
	a = strtoull(run(2, "mmap 0 16K rw- shared,anon"), NULL, 0);
	snprintf(line, sizeof(line), "mbind %#llx 4K bind 0", (unsigned long long)a);
	EXPECT(2, line, "0");
	cr_assert_eq(objs(KMEM_SHARED_POLICY_NODE), 1);
	cr_assert_eq(objs(KMEM_NUMA_POLICY), 2);
	snprintf(line, sizeof(line), "mbind %#llx 4K interleave 0", (unsigned long long)a + 8192);
	EXPECT(2, line, "0");
	cr_assert_eq(objs(KMEM_SHARED_POLICY_NODE), 2);
	cr_assert_eq(objs(KMEM_NUMA_POLICY), 4);
	snprintf(line, sizeof(line), "munmap %#llx 16K", (unsigned long long)a);
	EXPECT(2, line, "0");
	cr_assert_eq(objs(KMEM_SHARED_POLICY_NODE), 0);
	cr_assert_eq(objs(KMEM_NUMA_POLICY), 0);
}

/* The geometry of the new caches, as the host's /sys/kernel/slab shows it. */
Test(slab_objs, geometry_of_the_caches)
{
	static const struct {
		enum kmem_cache_id id;
		unsigned size, objs, pages;
	} want[] = {
		{ KMALLOC_CG_256, 256, 16, 1 }, { KMALLOC_CG_96, 96, 42, 1 },
		{ KMALLOC_CG_8K, 8192, 4, 8 }, { KMEM_NUMA_POLICY, 288, 14, 1 },
		{ KMEM_SHARED_POLICY_NODE, 48, 85, 1 }, { KMEM_PID, 192, 21, 1 },
		{ KMEM_FILES_CACHE, 704, 23, 4 }, { KMEM_FTRACE_EVENT_FIELD, 56, 73, 1 },
	};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct kmem_cache_info *ci = &kmem_cache_info[want[i].id];

		cr_assert_eq(ci->size, want[i].size, "%s", ci->name);
		cr_assert_eq(oo_objects(ci), want[i].objs, "%s", ci->name);
		cr_assert_eq(1u << ci->order, want[i].pages, "%s", ci->name);
	}
	cr_assert_eq(kmalloc_cache(200, LGFP_KERNEL | LGFP_ACCOUNT), KMALLOC_CG_256);
	cr_assert_eq(kmalloc_cache(96, LGFP_KERNEL | LGFP_ACCOUNT), KMALLOC_CG_96);
	cr_assert_eq(kmalloc_cache(8192, LGFP_KERNEL | LGFP_ACCOUNT), KMALLOC_CG_8K);
	cr_assert_str_eq(kmem_cache_info[KMEM_PID].alias, "cred");
	cr_assert_str_eq(kmem_cache_info[KMEM_FTRACE_EVENT_FIELD].alias, "zswap_entry");
}

/*
 * MAP_HUGETLB (the host's figures, doc/slab.md): every mapping's file has
 * its inode's resv_map (kmalloc-128) with one cached file_region
 * (kmalloc-64); a reserved private mapping a second map for its VMAs,
 * with its own cached file_region: 2 + 2 objects each. Read faults use the
 * cache for the instantiated run (coalesced: one region for the mapping),
 * a write fault tops the cache up again for the COW to come (3 regions
 * then). munmap gives everything back.
 */
Test(slab_objs, private_hugetlb_mappings_hold_resv_maps)
{
	uint64_t a[10], m128, m64;
	char line[96];

	cr_assert_eq(mm_tunable_write(m, "nr_hugepages", "40\n", 3), 0);
	EXPECT(0, "spawn", "2");
	m128 = objs(KMALLOC_128);
	m64 = objs(KMALLOC_64);
	for (int i = 0; i < 10; i++)
		a[i] = strtoull(run(2, "mmap 0 4M rw- private,anon,hugetlb"), NULL, 0);
	cr_assert_eq(objs(KMALLOC_128) - m128, 20);
	cr_assert_eq(objs(KMALLOC_64) - m64, 20);
	for (int i = 0; i < 5; i++) {	/* read both pages: one run, the cache used */
		snprintf(line, sizeof(line), "touch %#llx 4M r", (unsigned long long)a[i]);
		EXPECT(2, line, "0");
	}
	cr_assert_eq(objs(KMALLOC_64) - m64, 20);
	for (int i = 5; i < 10; i++) {	/* write: the cache refilled after the run */
		snprintf(line, sizeof(line), "touch %#llx 4M w", (unsigned long long)a[i]);
		EXPECT(2, line, "0");
	}
	cr_assert_eq(objs(KMALLOC_64) - m64, 25);
	snprintf(line, sizeof(line), "touch %#llx 2M w", (unsigned long long)a[0]);
	EXPECT(2, line, "0");
	cr_assert_eq(objs(KMALLOC_64) - m64, 26, "write after read: region_chg refills the cache");
	for (int i = 0; i < 10; i++) {
		snprintf(line, sizeof(line), "munmap %#llx 4M", (unsigned long long)a[i]);
		EXPECT(2, line, "0");
	}
	cr_assert_eq(objs(KMALLOC_128), m128);
	cr_assert_eq(objs(KMALLOC_64), m64);
}

/*
 * Pages 0 and 2 of a 3-page private mapping: two regions; page 1 joins
 * them into one (two kfrees in coalesce_file_region). A split keeps one
 * map for both VMAs (kref), released with the second; a fork child has
 * no map, its faults none either; NORESERVE and shared mappings have the
 * inode's map only (a shared one's region the reservation), and a shared
 * VMA its hugetlb_vma_lock (kmalloc-64), a fork child's VMA its own.
 */
Test(slab_objs, hugetlb_regions_coalesce_split_and_fork)
{
	uint64_t a, b, c, m128, m64;
	char line[96];
	int child;

	cr_assert_eq(mm_tunable_write(m, "nr_hugepages", "16\n", 3), 0);
	EXPECT(0, "spawn", "2");
	m128 = objs(KMALLOC_128);
	m64 = objs(KMALLOC_64);
	a = strtoull(run(2, "mmap 0 6M rw- private,anon,hugetlb"), NULL, 0);
	snprintf(line, sizeof(line), "touch %#llx 2M r", (unsigned long long)a);
	EXPECT(2, line, "0");
	snprintf(line, sizeof(line), "touch %#llx 2M r", (unsigned long long)a + (4 << 20));
	EXPECT(2, line, "0");
	cr_assert_eq(objs(KMALLOC_64) - m64, 3, "inode cache + two regions");
	snprintf(line, sizeof(line), "touch %#llx 2M r", (unsigned long long)a + (2 << 20));
	EXPECT(2, line, "0");
	cr_assert_eq(objs(KMALLOC_64) - m64, 2, "inode cache + one region");
	snprintf(line, sizeof(line), "munmap %#llx 2M", (unsigned long long)a + (2 << 20));
	EXPECT(2, line, "0");
	cr_assert_eq(objs(KMALLOC_128) - m128, 2, "two VMAs, one owner map");
	cr_assert_eq(objs(KMALLOC_64) - m64, 2, "close keeps the regions (no region_del)");
	child = atoi(run(2, "fork"));
	snprintf(line, sizeof(line), "touch %#llx 2M w", (unsigned long long)a);
	EXPECT(child, line, "0");
	cr_assert_eq(objs(KMALLOC_128) - m128, 2, "the child has no map");
	cr_assert_eq(objs(KMALLOC_64) - m64, 2);
	snprintf(line, sizeof(line), "kill %d", child);
	EXPECT(0, line, "0");
	snprintf(line, sizeof(line), "munmap %#llx 2M", (unsigned long long)a);
	EXPECT(2, line, "0");
	cr_assert_eq(objs(KMALLOC_128) - m128, 2, "one VMA left");
	snprintf(line, sizeof(line), "munmap %#llx 2M", (unsigned long long)a + (4 << 20));
	EXPECT(2, line, "0");
	cr_assert_eq(objs(KMALLOC_128), m128);
	cr_assert_eq(objs(KMALLOC_64), m64);
	b = strtoull(run(2, "mmap 0 4M rw- private,anon,hugetlb,noreserve"), NULL, 0);
	c = strtoull(run(2, "mmap 0 4M rw- shared,anon,hugetlb"), NULL, 0);
	cr_assert_eq(objs(KMALLOC_128) - m128, 2);
	cr_assert_eq(objs(KMALLOC_64) - m64, 3, "two inode caches (one the shared region), a vma lock");
	snprintf(line, sizeof(line), "touch %#llx 4M w", (unsigned long long)c);
	EXPECT(2, line, "0");
	cr_assert_eq(objs(KMALLOC_64) - m64, 4, "a shared fault's region_chg: one cache entry");
	child = atoi(run(2, "fork"));
	cr_assert_eq(objs(KMALLOC_64) - m64, 5, "the child's shared VMA: its own vma lock");
	snprintf(line, sizeof(line), "munmap %#llx 2M", (unsigned long long)c);
	EXPECT(child, line, "0");
	cr_assert_eq(objs(KMALLOC_64) - m64, 5, "the unmapped piece gives its lock back");
	snprintf(line, sizeof(line), "kill %d", child);
	EXPECT(0, line, "0");
	cr_assert_eq(objs(KMALLOC_64) - m64, 4);
	EXPECT(0, "kill 2", "0");
	(void)b;
	cr_assert_eq(objs(KMALLOC_128), m128);
	cr_assert_eq(objs(KMALLOC_64), m64);
}

/*
 * mremap moves a private hugetlb mapping with its map (the copy's open
 * takes a reference, the source's close drops one), and a shared one's
 * VMA lock (the copy's new one, the source's freed); mprotect of half a
 * mapping splits it, each piece with the same map or its own lock.
 */
Test(slab_objs, hugetlb_maps_follow_mremap_and_mprotect)
{
	uint64_t a, s, m128, m64;
	char line[128];

	cr_assert_eq(mm_tunable_write(m, "nr_hugepages", "16\n", 3), 0);
	EXPECT(0, "spawn", "2");
	m128 = objs(KMALLOC_128);
	m64 = objs(KMALLOC_64);
	a = strtoull(run(2, "mmap 0 4M rw- private,anon,hugetlb"), NULL, 0);
	s = strtoull(run(2, "mmap 0 4M rw- shared,anon,hugetlb"), NULL, 0);
	snprintf(line, sizeof(line), "touch %#llx 4M r", (unsigned long long)a);
	EXPECT(2, line, "0");
	cr_assert_eq(objs(KMALLOC_128) - m128, 3);
	cr_assert_eq(objs(KMALLOC_64) - m64, 4, "private: cache, run; shared: region, lock");
	snprintf(line, sizeof(line), "mprotect %#llx 2M r--", (unsigned long long)a);
	EXPECT(2, line, "0");
	snprintf(line, sizeof(line), "mprotect %#llx 2M r--", (unsigned long long)s);
	EXPECT(2, line, "0");
	cr_assert_eq(objs(KMALLOC_128) - m128, 3, "the split pieces share the owner map");
	cr_assert_eq(objs(KMALLOC_64) - m64, 5, "a lock for the shared piece");
	snprintf(line, sizeof(line), "mremap %#llx 2M 2M maymove,fixed %#llx",
		 (unsigned long long)a, (unsigned long long)a + (64ULL << 20));
	cr_assert_eq(strtoull(run(2, line), NULL, 0), a + (64ULL << 20), "%s", last);
	cr_assert_eq(objs(KMALLOC_128) - m128, 3);
	cr_assert_eq(objs(KMALLOC_64) - m64, 5);
	EXPECT(0, "kill 2", "0");
	cr_assert_eq(objs(KMALLOC_128), m128);
	cr_assert_eq(objs(KMALLOC_64), m64);
}
