// SPDX-License-Identifier: MIT
/*
 * test_render.c - the renderers against exact Linux 6.18 text.
 *
 * Snapshots are built by hand; most expected texts are the reference host's
 * own files (shared/reference/samples), embedded here so the test depends
 * on nothing outside the repository. Where our output knowingly differs
 * from the sample (constants we do not model), the test says which line.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../fs/render.h"

/* ---- helpers ---- */

static struct mm_global_snap *global_new(int nr_nodes, int nr_cpus)
{
	struct mm_global_snap *s = calloc(1, sizeof(*s) + nr_nodes * sizeof(s->node[0]));

	cr_assert(s);
	s->nr_nodes = nr_nodes;
	s->nr_cpus = nr_cpus;
	return s;
}

static struct mm_task_snap *task_new(size_t nr_vmas)
{
	struct mm_task_snap *t = calloc(1, sizeof(*t) + nr_vmas * sizeof(t->vmas[0]));

	cr_assert(t);
	t->nr_vmas = nr_vmas;
	t->have_vmas = nr_vmas > 0;
	t->pid = 4617;
	t->ppid = 4607;
	t->state = 'R';
	t->has_mm = 1;
	strcpy(t->comm, "layout");
	return t;
}

static void vma_set(struct mm_vma_snap *v, uint64_t start, uint64_t end, uint64_t flags,
		    const char *name)
{
	memset(v, 0, sizeof(*v));
	v->start = start;
	v->end = end;
	v->flags = flags;
	v->kernel_page_kb = 4;
	v->mmu_page_kb = 4;
	snprintf(v->name, sizeof(v->name), "%s", name);
}

/* Render with fn into a fresh buffer; the caller frees the string. */
#define RENDER(call) ({ struct rbuf _b; rbuf_init(&_b); call; \
	char *_s = strndup(_b.buf ? _b.buf : "", _b.len); rbuf_free(&_b); _s; })

static void expect_text(char *got, const char *want)
{
	cr_assert_str_eq(got, want, "got:\n%s\nwant:\n%s", got, want);
	free(got);
}

/* ---- rbuf ---- */

Test(rbuf, grows_and_keeps_embedded_nuls)
{
	struct rbuf b;

	rbuf_init(&b);
	for (int i = 0; i < 1000; i++)
		rbuf_printf(&b, "%04d,", i);
	cr_assert_eq(b.len, 5000);
	cr_assert(!strncmp(b.buf + 4995, "0999,", 5));
	rbuf_reset(&b);
	cr_assert_eq(b.len, 0);
	rbuf_put(&b, "a\0b", 3);
	rbuf_puts(&b, "c");
	cr_assert_eq(b.len, 4);
	cr_assert(!memcmp(b.buf, "a\0bc", 5));
	rbuf_free(&b);
	cr_assert_null(b.buf);
}

/* ---- meminfo ---- */

static const char meminfo_sample[] =
	"MemTotal:       24684084 kB\n"
	"MemFree:        24496440 kB\n"
	"MemAvailable:   24420964 kB\n"
	"Buffers:            2384 kB\n"
	"Cached:            46880 kB\n"
	"SwapCached:            0 kB\n"
	"Active:            12836 kB\n"
	"Inactive:          33636 kB\n"
	"Active(anon):       1520 kB\n"
	"Inactive(anon):     4564 kB\n"
	"Active(file):      11316 kB\n"
	"Inactive(file):    29072 kB\n"
	"Unevictable:       13780 kB\n"
	"Mlocked:           12744 kB\n"
	"SwapTotal:             0 kB\n"
	"SwapFree:              0 kB\n"
	"Zswap:                 0 kB\n"
	"Zswapped:              0 kB\n"
	"Dirty:               480 kB\n"
	"Writeback:             0 kB\n"
	"AnonPages:         11124 kB\n"
	"Mapped:            10660 kB\n"
	"Shmem:              8872 kB\n"
	"KReclaimable:      51644 kB\n"
	"Slab:              73616 kB\n"
	"SReclaimable:      51644 kB\n"
	"SUnreclaim:        21972 kB\n"
	"KernelStack:        1388 kB\n"
	"PageTables:         1360 kB\n"
	"SecPageTables:         0 kB\n"
	"NFS_Unstable:          0 kB\n"
	"Bounce:                0 kB\n"
	"WritebackTmp:          0 kB\n"
	"CommitLimit:    12342040 kB\n"
	"Committed_AS:      57908 kB\n"
	"VmallocTotal:   34359738367 kB\n"
	"VmallocUsed:       14156 kB\n"
	"VmallocChunk:          0 kB\n"
	"Percpu:              952 kB\n"
	"AnonHugePages:         0 kB\n"
	"ShmemHugePages:        0 kB\n"
	"ShmemPmdMapped:        0 kB\n"
	"FileHugePages:         0 kB\n"
	"FilePmdMapped:         0 kB\n"
	"Balloon:               0 kB\n"
	"HugePages_Total:       0\n"
	"HugePages_Free:        0\n"
	"HugePages_Rsvd:        0\n"
	"HugePages_Surp:        0\n"
	"Hugepagesize:       2048 kB\n"
	"Hugetlb:               0 kB\n"
	"DirectMap4k:       28672 kB\n"
	"DirectMap2M:     2068480 kB\n"
	"DirectMap1G:    25165824 kB\n";

Test(meminfo, byte_exact_to_sample)
{
	static const uint64_t v[NR_MEMINFO_ITEMS] = {
		24684084, 24496440, 24420964, 2384, 46880, 0, 12836, 33636, 1520,
		4564, 11316, 29072, 13780, 12744, 0, 0, 0, 0, 480, 0, 11124, 10660,
		8872, 51644, 73616, 51644, 21972, 1388, 1360, 0, 0, 0, 0, 12342040,
		57908, 34359738367, 14156, 0, 952, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		2048, 0, 28672, 2068480, 25165824,
	};
	struct mm_global_snap *s = global_new(1, 2);

	memcpy(s->meminfo, v, sizeof(v));
	expect_text(RENDER(render_meminfo(&_b, s)), meminfo_sample);
	free(s);
}

Test(meminfo, hugepages_lines_are_width_5_without_unit)
{
	struct mm_global_snap *s = global_new(1, 1);
	char *got;

	s->meminfo[MI_HUGEPAGES_TOTAL] = 123456;	/* wider than 5: widens */
	s->meminfo[MI_HUGEPAGES_FREE] = 7;
	got = RENDER(render_meminfo(&_b, s));
	cr_assert(strstr(got, "\nHugePages_Total:   123456\n"));
	cr_assert(strstr(got, "\nHugePages_Free:        7\n"));
	free(got);
	free(s);
}

/* ---- vmstat ---- */

static const char vmstat_keys[] =
	"nr_free_pages nr_free_pages_blocks nr_zone_inactive_anon "
	"nr_zone_active_anon nr_zone_inactive_file nr_zone_active_file "
	"nr_zone_unevictable nr_zone_write_pending nr_mlock nr_zspages "
	"nr_free_cma numa_hit numa_miss numa_foreign numa_interleave numa_local "
	"numa_other nr_inactive_anon nr_active_anon nr_inactive_file "
	"nr_active_file nr_unevictable nr_slab_reclaimable nr_slab_unreclaimable "
	"nr_isolated_anon nr_isolated_file workingset_nodes "
	"workingset_refault_anon workingset_refault_file "
	"workingset_activate_anon workingset_activate_file "
	"workingset_restore_anon workingset_restore_file workingset_nodereclaim "
	"nr_anon_pages nr_mapped nr_file_pages nr_dirty nr_writeback nr_shmem "
	"nr_shmem_hugepages nr_shmem_pmdmapped nr_file_hugepages "
	"nr_file_pmdmapped nr_anon_transparent_hugepages nr_vmscan_write "
	"nr_vmscan_immediate_reclaim nr_dirtied nr_written nr_throttled_written "
	"nr_kernel_misc_reclaimable nr_foll_pin_acquired nr_foll_pin_released "
	"nr_kernel_stack nr_page_table_pages nr_sec_page_table_pages "
	"nr_iommu_pages nr_swapcached pgpromote_success pgpromote_candidate "
	"pgpromote_candidate_nrl pgdemote_kswapd pgdemote_direct "
	"pgdemote_khugepaged pgdemote_proactive nr_hugetlb nr_balloon_pages "
	"nr_kernel_file_pages nr_dirty_threshold nr_dirty_background_threshold "
	"nr_memmap_pages nr_memmap_boot_pages pgpgin pgpgout pswpin pswpout "
	"pgalloc_dma pgalloc_dma32 pgalloc_normal pgalloc_movable pgalloc_device "
	"allocstall_dma allocstall_dma32 allocstall_normal allocstall_movable "
	"allocstall_device pgskip_dma pgskip_dma32 pgskip_normal pgskip_movable "
	"pgskip_device pgfree pgactivate pgdeactivate pglazyfree pgfault "
	"pgmajfault pglazyfreed pgrefill pgreuse pgsteal_kswapd pgsteal_direct "
	"pgsteal_khugepaged pgsteal_proactive pgscan_kswapd pgscan_direct "
	"pgscan_khugepaged pgscan_proactive pgscan_direct_throttle pgscan_anon "
	"pgscan_file pgsteal_anon pgsteal_file zone_reclaim_success "
	"zone_reclaim_failed pginodesteal slabs_scanned kswapd_inodesteal "
	"kswapd_low_wmark_hit_quickly kswapd_high_wmark_hit_quickly pageoutrun "
	"pgrotated drop_pagecache drop_slab oom_kill numa_pte_updates "
	"numa_huge_pte_updates numa_hint_faults numa_hint_faults_local "
	"numa_pages_migrated pgmigrate_success pgmigrate_fail "
	"thp_migration_success thp_migration_fail thp_migration_split "
	"compact_migrate_scanned compact_free_scanned compact_isolated "
	"compact_stall compact_fail compact_success compact_daemon_wake "
	"compact_daemon_migrate_scanned compact_daemon_free_scanned "
	"htlb_buddy_alloc_success htlb_buddy_alloc_fail unevictable_pgs_culled "
	"unevictable_pgs_scanned unevictable_pgs_rescued unevictable_pgs_mlocked "
	"unevictable_pgs_munlocked unevictable_pgs_cleared "
	"unevictable_pgs_stranded thp_fault_alloc thp_fault_fallback "
	"thp_fault_fallback_charge thp_collapse_alloc thp_collapse_alloc_failed "
	"thp_file_alloc thp_file_fallback thp_file_fallback_charge "
	"thp_file_mapped thp_split_page thp_split_page_failed "
	"thp_deferred_split_page thp_underused_split_page thp_split_pmd "
	"thp_scan_exceed_none_pte thp_scan_exceed_swap_pte "
	"thp_scan_exceed_share_pte thp_split_pud thp_zero_page_alloc "
	"thp_zero_page_alloc_failed thp_swpout thp_swpout_fallback "
	"balloon_inflate balloon_deflate balloon_migrate swap_ra swap_ra_hit "
	"swpin_zero swpout_zero ksm_swpin_copy cow_ksm zswpin zswpout zswpwb "
	"direct_map_level2_splits direct_map_level3_splits "
	"direct_map_level2_collapses direct_map_level3_collapses nr_unstable ";

Test(vmstat, key_order_matches_linux_6_18)
{
	struct mm_global_snap *s = global_new(2, 1);
	char *got = RENDER(render_vmstat(&_b, s));
	char keys[8192] = "";
	char *save = NULL;
	int lines = 0;

	for (char *l = strtok_r(got, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(l, ' ');

		cr_assert(sp, "line without a space: %s", l);
		cr_assert_str_eq(sp + 1, "0");
		strncat(keys, l, (size_t)(sp - l));
		strcat(keys, " ");
		lines++;
	}
	cr_assert_str_eq(keys, vmstat_keys);
	cr_assert_eq(lines, 192);
	free(got);
	free(s);
}

Test(vmstat, sums_zones_numa_and_nodes)
{
	struct mm_global_snap *s = global_new(2, 1);
	char *got;

	s->node[0].zone[ZONE_DMA32].stat[NR_FREE_PAGES] = 100;
	s->node[0].zone[ZONE_NORMAL].stat[NR_FREE_PAGES] = 20;
	s->node[1].zone[ZONE_NORMAL].stat[NR_FREE_PAGES] = 3;
	s->node[0].zone[ZONE_NORMAL].numa_stat[NUMA_HIT] = 5;
	s->node[1].zone[ZONE_NORMAL].numa_stat[NUMA_HIT] = 6;
	s->node[0].stat[NR_ANON_PAGES] = 40;
	s->node[1].stat[NR_ANON_PAGES] = 2;
	s->node[1].stat[NR_DIRTY] = -3;			/* transiently negative: 0 */
	s->dirty_threshold = 777;
	s->vm_events[PGFAULT] = 999;
	got = RENDER(render_vmstat(&_b, s));
	cr_assert(!strncmp(got, "nr_free_pages 123\n", 18), "%s", got);
	cr_assert(strstr(got, "\nnuma_hit 11\n"));
	cr_assert(strstr(got, "\nnr_anon_pages 42\n"));
	cr_assert(strstr(got, "\nnr_dirty 0\n"));
	cr_assert(strstr(got, "\nnr_dirty_threshold 777\n"));
	cr_assert(strstr(got, "\npgfault 999\n"));
	cr_assert(strstr(got, "\nnr_unstable 0\n") == got + strlen(got) - 15);
	free(got);
	free(s);
}

/* ---- buddyinfo and pagetypeinfo: the reference host's zones ---- */

static const uint64_t host_free[3][MIGRATE_TYPES][MM_NR_ORDERS] = {
	{	/* DMA */
		{ 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0 },
		{ 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3 },
	},
	{	/* DMA32 */
		{ 0 },
		{ 1, 1, 4, 2, 5, 4, 3, 3, 4, 2, 752 },
	},
	{	/* Normal */
		{ 1, 1, 3, 187, 97, 53, 24, 12, 6, 0, 0 },
		{ 1, 1, 0, 1, 2, 145, 141, 82, 55, 31, 210 },
		{ 201, 26, 1, 4, 5, 2, 4, 1, 3, 1, 0 },
	},
};

static const uint64_t host_blocks[3][MIGRATE_TYPES] = {
	{ 1, 7, 0, 0, 0 }, { 0, 1528, 0, 0, 0 }, { 50, 560, 30, 0, 0 },
};

static struct mm_global_snap *host_free_snap(void)
{
	struct mm_global_snap *s = global_new(1, 2);

	for (int z = 0; z < 3; z++) {
		struct mm_zone_snap *zs = &s->node[0].zone[z];

		zs->populated = 1;
		zs->present_pages = 1;
		for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
			for (int o = 0; o < MM_NR_ORDERS; o++)
				zs->nr_free[o][mt] = host_free[z][mt][o];
			zs->nr_pageblocks[mt] = host_blocks[z][mt];
		}
	}
	return s;
}

static const char buddyinfo_sample[] =
	"Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      3 \n"
	"Node 0, zone    DMA32      1      1      4      2      5      4      3      3      4      2    752 \n"
	"Node 0, zone   Normal    203     28      4    192    104    200    169     95     64     32    210 \n";

Test(buddyinfo, byte_exact_with_trailing_space)
{
	struct mm_global_snap *s = host_free_snap();

	expect_text(RENDER(render_buddyinfo(&_b, s)), buddyinfo_sample);
	free(s);
}

Test(buddyinfo, skips_unpopulated_zones_and_names_every_node)
{
	struct mm_global_snap *s = global_new(2, 1);

	s->node[1].zone[ZONE_NORMAL].populated = 1;
	s->node[1].zone[ZONE_NORMAL].nr_free[MM_MAX_ORDER][MIGRATE_MOVABLE] = 4096;
	s->node[1].zone[ZONE_NORMAL].nr_free[0][MIGRATE_UNMOVABLE] = 2;
	s->node[1].zone[ZONE_NORMAL].nr_free[0][MIGRATE_RECLAIMABLE] = 3;
	expect_text(RENDER(render_buddyinfo(&_b, s)),
		    "Node 1, zone   Normal      5      0      0      0      0      0"
		    "      0      0      0      0   4096 \n");
	free(s);
}

static const char pagetypeinfo_sample[] =
	"Page block order: 9\n"
	"Pages per block:  512\n"
	"\n"
	"Free pages count per migrate type at order       0      1      2      3      4      5      6      7      8      9     10 \n"
	"Node    0, zone      DMA, type    Unmovable      0      0      0      0      0      0      0      0      1      0      0 \n"
	"Node    0, zone      DMA, type      Movable      0      0      0      0      0      0      0      0      0      1      3 \n"
	"Node    0, zone      DMA, type  Reclaimable      0      0      0      0      0      0      0      0      0      0      0 \n"
	"Node    0, zone      DMA, type   HighAtomic      0      0      0      0      0      0      0      0      0      0      0 \n"
	"Node    0, zone      DMA, type      Isolate      0      0      0      0      0      0      0      0      0      0      0 \n"
	"Node    0, zone    DMA32, type    Unmovable      0      0      0      0      0      0      0      0      0      0      0 \n"
	"Node    0, zone    DMA32, type      Movable      1      1      4      2      5      4      3      3      4      2    752 \n"
	"Node    0, zone    DMA32, type  Reclaimable      0      0      0      0      0      0      0      0      0      0      0 \n"
	"Node    0, zone    DMA32, type   HighAtomic      0      0      0      0      0      0      0      0      0      0      0 \n"
	"Node    0, zone    DMA32, type      Isolate      0      0      0      0      0      0      0      0      0      0      0 \n"
	"Node    0, zone   Normal, type    Unmovable      1      1      3    187     97     53     24     12      6      0      0 \n"
	"Node    0, zone   Normal, type      Movable      1      1      0      1      2    145    141     82     55     31    210 \n"
	"Node    0, zone   Normal, type  Reclaimable    201     26      1      4      5      2      4      1      3      1      0 \n"
	"Node    0, zone   Normal, type   HighAtomic      0      0      0      0      0      0      0      0      0      0      0 \n"
	"Node    0, zone   Normal, type      Isolate      0      0      0      0      0      0      0      0      0      0      0 \n"
	"\n"
	"Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic      Isolate \n"
	"Node 0, zone      DMA            1            7            0            0            0 \n"
	"Node 0, zone    DMA32            0         1528            0            0            0 \n"
	"Node 0, zone   Normal           50          560           30            0            0 \n";

Test(pagetypeinfo, byte_exact_to_sample)
{
	struct mm_global_snap *s = host_free_snap();

	expect_text(RENDER(render_pagetypeinfo(&_b, s)), pagetypeinfo_sample);
	free(s);
}

Test(pagetypeinfo, counts_capped_at_100000)
{
	struct mm_global_snap *s = global_new(1, 1);
	char *got;

	s->node[0].zone[ZONE_DMA32].populated = 1;
	s->node[0].zone[ZONE_DMA32].nr_free[0][MIGRATE_MOVABLE] = 99999;
	s->node[0].zone[ZONE_DMA32].nr_free[1][MIGRATE_MOVABLE] = 100000;
	s->node[0].zone[ZONE_DMA32].nr_free[2][MIGRATE_MOVABLE] = 250000;
	got = RENDER(render_pagetypeinfo(&_b, s));
	cr_assert(strstr(got, "Node    0, zone    DMA32, type      Movable  99999 >100000 >100000"
			 "      0 "), "%s", got);
	free(got);
	free(s);
}

/* ---- zoneinfo: the host's DMA and DMA32 zones, Normal left empty ---- */

static const int64_t host_node_stats[NR_VM_NODE_STAT_ITEMS] = {
	1146, 383, 7271, 2830, 3438, 12915, 5493, 0, 0, 8196, 0, 9237, 0, 1666,
	0, 0, 0, 2763, 2648, 12319, 123, 0, 2218, 0, 0, 0, 0, 0, 0, 54, 44324,
	31270, 0, 0, 0, 0, 1376, 298, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

static void zone_set(struct mm_zone_snap *z, uint64_t start, uint64_t spanned,
		     uint64_t present, uint64_t managed, uint64_t min, uint64_t low,
		     uint64_t high, uint64_t promo)
{
	z->populated = present != 0;
	z->zone_start_pfn = start;
	z->spanned_pages = spanned;
	z->present_pages = present;
	z->managed_pages = managed;
	z->watermark[WMARK_MIN] = min;
	z->watermark[WMARK_LOW] = low;
	z->watermark[WMARK_HIGH] = high;
	z->watermark[WMARK_PROMO] = promo;
}

/*
 * The sample's DMA, DMA32, Movable and Device zones verbatim, except that
 * DMA's pcp "high" reads 36: we do not model pcp lists and report high at
 * high_min, where the host had let it decay to 0. Batch, high_min,
 * high_max and the stat threshold are derived as the kernel derives them.
 */
static const char zoneinfo_expected[] =
	"Node 0, zone      DMA\n"
	"  per-node stats\n"
	"      nr_inactive_anon 1146\n"
	"      nr_active_anon 383\n"
	"      nr_inactive_file 7271\n"
	"      nr_active_file 2830\n"
	"      nr_unevictable 3438\n"
	"      nr_slab_reclaimable 12915\n"
	"      nr_slab_unreclaimable 5493\n"
	"      nr_isolated_anon 0\n"
	"      nr_isolated_file 0\n"
	"      workingset_nodes 8196\n"
	"      workingset_refault_anon 0\n"
	"      workingset_refault_file 9237\n"
	"      workingset_activate_anon 0\n"
	"      workingset_activate_file 1666\n"
	"      workingset_restore_anon 0\n"
	"      workingset_restore_file 0\n"
	"      workingset_nodereclaim 0\n"
	"      nr_anon_pages 2763\n"
	"      nr_mapped    2648\n"
	"      nr_file_pages 12319\n"
	"      nr_dirty     123\n"
	"      nr_writeback 0\n"
	"      nr_shmem     2218\n"
	"      nr_shmem_hugepages 0\n"
	"      nr_shmem_pmdmapped 0\n"
	"      nr_file_hugepages 0\n"
	"      nr_file_pmdmapped 0\n"
	"      nr_anon_transparent_hugepages 0\n"
	"      nr_vmscan_write 0\n"
	"      nr_vmscan_immediate_reclaim 54\n"
	"      nr_dirtied   44324\n"
	"      nr_written   31270\n"
	"      nr_throttled_written 0\n"
	"      nr_kernel_misc_reclaimable 0\n"
	"      nr_foll_pin_acquired 0\n"
	"      nr_foll_pin_released 0\n"
	"      nr_kernel_stack 1376\n"
	"      nr_page_table_pages 298\n"
	"      nr_sec_page_table_pages 0\n"
	"      nr_iommu_pages 0\n"
	"      nr_swapcached 0\n"
	"      pgpromote_success 0\n"
	"      pgpromote_candidate 0\n"
	"      pgpromote_candidate_nrl 0\n"
	"      pgdemote_kswapd 0\n"
	"      pgdemote_direct 0\n"
	"      pgdemote_khugepaged 0\n"
	"      pgdemote_proactive 0\n"
	"      nr_hugetlb   0\n"
	"      nr_balloon_pages 0\n"
	"      nr_kernel_file_pages 0\n"
	"  pages free     3840\n"
	"        boost    0\n"
	"        min      58\n"
	"        low      72\n"
	"        high     86\n"
	"        promo    100\n"
	"        spanned  4095\n"
	"        present  3998\n"
	"        managed  3840\n"
	"        cma      0\n"
	"        protection: (0, 3019, 4299, 4299, 4299)\n"
	"      nr_free_pages 3840\n"
	"      nr_free_pages_blocks 3584\n"
	"      nr_zone_inactive_anon 0\n"
	"      nr_zone_active_anon 0\n"
	"      nr_zone_inactive_file 0\n"
	"      nr_zone_active_file 0\n"
	"      nr_zone_unevictable 0\n"
	"      nr_zone_write_pending 0\n"
	"      nr_mlock     0\n"
	"      nr_zspages   0\n"
	"      nr_free_cma  0\n"
	"      numa_hit     0\n"
	"      numa_miss    0\n"
	"      numa_foreign 0\n"
	"      numa_interleave 0\n"
	"      numa_local   0\n"
	"      numa_other   0\n"
	"  pagesets\n"
	"    cpu: 0\n"
	"              count:    0\n"
	"              high:     36\n"
	"              batch:    1\n"
	"              high_min: 36\n"
	"              high_max: 240\n"
	"  vm stats threshold: 4\n"
	"    cpu: 1\n"
	"              count:    0\n"
	"              high:     36\n"
	"              batch:    1\n"
	"              high_min: 36\n"
	"              high_max: 240\n"
	"  vm stats threshold: 4\n"
	"  node_unreclaimable:  0\n"
	"  start_pfn:           1\n"
	"Node 0, zone    DMA32\n"
	"  pages free     772915\n"
	"        boost    0\n"
	"        min      11824\n"
	"        low      14780\n"
	"        high     17736\n"
	"        promo    20692\n"
	"        spanned  1044480\n"
	"        present  782336\n"
	"        managed  772915\n"
	"        cma      0\n"
	"        protection: (0, 0, 1280, 1280, 1280)\n"
	"      nr_free_pages 772915\n"
	"      nr_free_pages_blocks 771072\n"
	"      nr_zone_inactive_anon 0\n"
	"      nr_zone_active_anon 0\n"
	"      nr_zone_inactive_file 0\n"
	"      nr_zone_active_file 0\n"
	"      nr_zone_unevictable 0\n"
	"      nr_zone_write_pending 0\n"
	"      nr_mlock     0\n"
	"      nr_zspages   0\n"
	"      nr_free_cma  0\n"
	"      numa_hit     0\n"
	"      numa_miss    0\n"
	"      numa_foreign 0\n"
	"      numa_interleave 0\n"
	"      numa_local   0\n"
	"      numa_other   0\n"
	"  pagesets\n"
	"    cpu: 0\n"
	"              count:    0\n"
	"              high:     7390\n"
	"              batch:    63\n"
	"              high_min: 7390\n"
	"              high_max: 48307\n"
	"  vm stats threshold: 24\n"
	"    cpu: 1\n"
	"              count:    0\n"
	"              high:     7390\n"
	"              batch:    63\n"
	"              high_min: 7390\n"
	"              high_max: 48307\n"
	"  vm stats threshold: 24\n"
	"  node_unreclaimable:  0\n"
	"  start_pfn:           4096\n"
	"Node 0, zone   Normal\n"
	"  pages free     0\n"
	"        boost    0\n"
	"        min      0\n"
	"        low      0\n"
	"        high     0\n"
	"        promo    0\n"
	"        spanned  0\n"
	"        present  0\n"
	"        managed  0\n"
	"        cma      0\n"
	"        protection: (0, 0, 0, 0, 0)\n"
	"Node 0, zone  Movable\n"
	"  pages free     0\n"
	"        boost    0\n"
	"        min      32\n"
	"        low      32\n"
	"        high     32\n"
	"        promo    32\n"
	"        spanned  0\n"
	"        present  0\n"
	"        managed  0\n"
	"        cma      0\n"
	"        protection: (0, 0, 0, 0, 0)\n"
	"Node 0, zone   Device\n"
	"  pages free     0\n"
	"        boost    0\n"
	"        min      0\n"
	"        low      0\n"
	"        high     0\n"
	"        promo    0\n"
	"        spanned  0\n"
	"        present  0\n"
	"        managed  0\n"
	"        cma      0\n"
	"        protection: (0, 0, 0, 0, 0)\n"
;

Test(zoneinfo, one_node_two_zones_byte_exact)
{
	struct mm_global_snap *s = global_new(1, 2);
	struct mm_node_snap *n = &s->node[0];
	struct mm_zone_snap *dma = &n->zone[ZONE_DMA], *dma32 = &n->zone[ZONE_DMA32];

	memcpy(n->stat, host_node_stats, sizeof(n->stat));
	zone_set(dma, 1, 4095, 3998, 3840, 58, 72, 86, 100);
	dma->lowmem_reserve[1] = 3019;
	dma->lowmem_reserve[2] = dma->lowmem_reserve[3] = dma->lowmem_reserve[4] = 4299;
	dma->stat[NR_FREE_PAGES] = 3840;
	dma->stat[NR_FREE_PAGES_BLOCKS] = 3584;
	zone_set(dma32, 4096, 1044480, 782336, 772915, 11824, 14780, 17736, 20692);
	dma32->lowmem_reserve[2] = dma32->lowmem_reserve[3] = dma32->lowmem_reserve[4] = 1280;
	dma32->stat[NR_FREE_PAGES] = 772915;
	dma32->stat[NR_FREE_PAGES_BLOCKS] = 771072;
	zone_set(&n->zone[ZONE_MOVABLE], 0, 0, 0, 0, 32, 32, 32, 32);
	expect_text(RENDER(render_zoneinfo(&_b, s)), zoneinfo_expected);
	free(s);
}

Test(zoneinfo, watermarks_include_boost_and_every_cpu_has_a_pageset)
{
	struct mm_global_snap *s = global_new(1, 3);
	struct mm_zone_snap *z = &s->node[0].zone[ZONE_NORMAL];
	char *got;

	zone_set(z, 1048576, 262144, 262144, 262144, 1000, 1250, 1500, 1750);
	z->watermark_boost = 7;
	got = RENDER(render_zoneinfo(&_b, s));
	cr_assert(strstr(got, "Node 0, zone   Normal\n  per-node stats\n"), "%s", got);
	cr_assert(strstr(got, "\n        boost    7\n        min      1007\n"
			 "        low      1257\n        high     1507\n        promo    1757\n"));
	cr_assert(strstr(got, "\n    cpu: 2\n              count:    0\n"
			 "              high:     419\n              batch:    63\n"
			 "              high_min: 419\n              high_max: 10922\n"
			 "  vm stats threshold: 20\n  node_unreclaimable:  0\n"
			 "  start_pfn:           1048576\n"), "%s", got);
	cr_assert(!strstr(got, "cpu: 3"));
	free(got);
	free(s);
}

/* ---- swaps ---- */

Test(swaps, header_only_without_swap)
{
	struct mm_global_snap *s = global_new(1, 1);

	expect_text(RENDER(render_swaps(&_b, s)),
		    "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
	free(s);
}

Test(swaps, areas_padded_to_40_and_escaped)
{
	struct mm_global_snap *s = global_new(1, 1);

	s->nr_swap = 1;
	strcpy(s->swap[0].path, "/swapfile");
	s->swap[0].size_kb = 262140;
	s->swap[0].used_kb = 1024;
	s->swap[0].priority = -2;
	expect_text(RENDER(render_swaps(&_b, s)),
		    "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
		    "/swapfile                               file\t\t262140\t\t1024\t\t-2\n");
	s->nr_swap = 2;
	strcpy(s->swap[1].path, "/dev/my disk");
	s->swap[1].is_partition = 1;
	s->swap[1].size_kb = 16777212;
	s->swap[1].used_kb = 0;
	s->swap[1].priority = 5;
	expect_text(RENDER(render_swaps(&_b, s)),
		    "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
		    "/swapfile                               file\t\t262140\t\t1024\t\t-2\n"
		    "/dev/my\\040disk                         partition\t16777212\t0\t\t5\n");
	free(s);
}

/* ---- node meminfo ---- */

Test(node_meminfo, keys_units_and_widths)
{
	struct mm_global_snap *s = global_new(2, 2);
	struct mm_node_snap *n = &s->node[1];
	const char *want;
	char *got;

	n->zone[ZONE_NORMAL].managed_pages = 262144;
	n->zone[ZONE_NORMAL].stat[NR_FREE_PAGES] = 200000;
	n->zone[ZONE_NORMAL].stat[NR_MLOCK] = 3;
	n->stat[NR_ACTIVE_ANON] = 10;
	n->stat[NR_INACTIVE_FILE] = 5;
	n->stat[NR_KERNEL_STACK] = 1376;		/* already kB */
	n->stat[NR_SLAB_RECLAIMABLE] = 100;
	n->stat[NR_SLAB_UNRECLAIMABLE] = 50;
	n->stat[NR_ANON_TRANSPARENT_HUGEPAGES] = 2;	/* THP units */
	n->hugepages_total = 4;
	got = RENDER(render_node_meminfo(&_b, s, 1));
	want = "Node 1 MemTotal:        1048576 kB\n"
			   "Node 1 MemFree:          800000 kB\n"
			   "Node 1 MemUsed:          248576 kB\n"
			   "Node 1 SwapCached:            0 kB\n"
			   "Node 1 Active:               40 kB\n"
			   "Node 1 Inactive:             20 kB\n"
			   "Node 1 Active(anon):         40 kB\n"
			   "Node 1 Inactive(anon):        0 kB\n"
			   "Node 1 Active(file):          0 kB\n"
			   "Node 1 Inactive(file):       20 kB\n"
			   "Node 1 Unevictable:           0 kB\n"
			   "Node 1 Mlocked:              12 kB\n"
			   "Node 1 Dirty:                 0 kB\n";
	cr_assert(!strncmp(got, want, strlen(want)), "%s", got);
	cr_assert(strstr(got, "\nNode 1 KernelStack:        1376 kB\n"));
	cr_assert(strstr(got, "\nNode 1 KReclaimable:        400 kB\n"
			 "Node 1 Slab:                600 kB\n"
			 "Node 1 SReclaimable:        400 kB\n"
			 "Node 1 SUnreclaim:          200 kB\n"
			 "Node 1 AnonHugePages:      4096 kB\n"));
	cr_assert(strstr(got, "\nNode 1 FilePmdMapped:         0 kB\n"
			 "Node 1 HugePages_Total:     4\n"
			 "Node 1 HugePages_Free:      0\n"
			 "Node 1 HugePages_Surp:      0\n"));
	cr_assert_eq(got[strlen(got) - 1], '\n');
	free(got);
	cr_assert_str_empty(got = RENDER(render_node_meminfo(&_b, s, 2)));
	free(got);
	free(s);
}

/* ---- stat, uptime, loadavg, cpuinfo ---- */

Test(sys, stat_counts_idle_ticks_for_every_cpu)
{
	struct mm_global_snap *s = global_new(1, 2);
	struct render_clock c = { .uptime = 12.345, .btime = 1795324697 };
	const char *want;
	char *got;

	s->forks = 42;
	got = RENDER(render_stat(&_b, s, &c));
	want = "cpu  0 0 0 2468 0 0 0 0 0 0\n"
			   "cpu0 0 0 0 1234 0 0 0 0 0 0\n"
			   "cpu1 0 0 0 1234 0 0 0 0 0 0\n"
			   "intr 6172\nctxt 12386\nbtime 1795324697\nprocesses 42\n"
			   "procs_running 1\nprocs_blocked 0\nsoftirq ";
	cr_assert(!strncmp(got, want, strlen(want)), "%s", got);
	free(got);
	free(s);
}

Test(sys, uptime_and_loadavg)
{
	struct mm_global_snap *s = global_new(1, 4);
	struct render_clock c = { .uptime = 100.5, .btime = 0 };

	s->nr_running = 3;
	s->last_pid = 77;
	expect_text(RENDER(render_uptime(&_b, s, &c)), "100.50 402.00\n");
	expect_text(RENDER(render_loadavg(&_b, s)), "0.00 0.00 0.00 1/3 77\n");
	free(s);
}

Test(sys, cpuinfo_one_block_per_cpu)
{
	struct mm_global_snap *s = global_new(1, 3);
	char *got = RENDER(render_cpuinfo(&_b, s));
	int blocks = 0;

	for (char *p = got; (p = strstr(p, "processor\t: ")); p++)
		blocks++;
	cr_assert_eq(blocks, 3);
	cr_assert(!strncmp(got, "processor\t: 0\nvendor_id\t: ", 26));
	cr_assert(strstr(got, "\nprocessor\t: 2\n"));
	cr_assert(strstr(got, "model name\t: mmfs virtual CPU\n"));
	cr_assert(strstr(got, "\nsiblings\t: 3\n"));
	cr_assert(!strcmp(got + strlen(got) - 19, "power management:\n\n"));
	free(got);
	free(s);
}

/* ---- maps ---- */

#define VM_RDX	(MM_VM_READ | MM_VM_MAYREAD | MM_VM_MAYWRITE | MM_VM_MAYEXEC)
#define VM_RW	(VM_RDX | MM_VM_WRITE | MM_VM_ACCOUNT)

static void vma_file(struct mm_vma_snap *v, uint32_t major, uint32_t minor, uint64_t ino,
		     uint64_t pgoff)
{
	v->is_file = 1;
	v->dev_major = major;
	v->dev_minor = minor;
	v->ino = ino;
	v->pgoff = pgoff;
}

Test(maps, names_start_at_column_73_and_gate_vma_is_last)
{
	struct mm_task_snap *t = task_new(7);
	struct mm_vma_snap *v = t->vmas;

	vma_set(&v[0], 0x5606036fd000, 0x5606036fe000, VM_RDX, "/srv/probe/layout");
	vma_file(&v[0], 0xfe, 0, 10953129, 0);
	vma_set(&v[1], 0x5606036fe000, 0x5606036ff000, VM_RDX | MM_VM_EXEC, "/srv/probe/layout");
	vma_file(&v[1], 0xfe, 0, 10953129, 1);
	vma_set(&v[2], 0x56060bfa4000, 0x56060bfc5000, VM_RW, "[heap]");
	v[2].pgoff = 0x56060bfa4;		/* anon: never shown */
	vma_set(&v[3], 0x7fe4ed400000, 0x7fe4ed600000, VM_RW, "");
	vma_set(&v[4], 0x7fe4ed9dd000, 0x7fe4ed9e1000,
		VM_RW | MM_VM_SHARED | MM_VM_MAYSHARE, "/memfd:mymemfd (deleted)");
	vma_file(&v[4], 0, 1, 1047, 0);
	/* a 72-char prefix: padding stops, the separating space stays */
	vma_set(&v[5], 0x7fe4ed9e1000, 0x7fe4ed9e3000, MM_VM_MAYSHARE, "/x");
	vma_file(&v[5], 0x103, 0x103, 18446744073709551615ULL, 0xfffffffff);
	vma_set(&v[6], 0x400000, 0x401000, MM_VM_READ, "/a\nb");
	vma_file(&v[6], 8, 1, 12, 0);
	expect_text(RENDER(render_maps(&_b, t)),
		"5606036fd000-5606036fe000 r--p 00000000 fe:00 10953129                   /srv/probe/layout\n"
		"5606036fe000-5606036ff000 r-xp 00001000 fe:00 10953129                   /srv/probe/layout\n"
		"56060bfa4000-56060bfc5000 rw-p 00000000 00:00 0                          [heap]\n"
		"7fe4ed400000-7fe4ed600000 rw-p 00000000 00:00 0 \n"
		"7fe4ed9dd000-7fe4ed9e1000 rw-s 00000000 00:01 1047                       /memfd:mymemfd (deleted)\n"
		"7fe4ed9e1000-7fe4ed9e3000 ---s fffffffff000 103:103 18446744073709551615  /x\n"
		"00400000-00401000 r--p 00000000 08:01 12                                 /a\\012b\n"
		"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]\n");
	free(t);
}

Test(maps, empty_without_mm)
{
	struct mm_task_snap *t = task_new(0);

	t->has_mm = 0;
	t->state = 'Z';
	expect_text(RENDER(render_maps(&_b, t)), "");
	expect_text(RENDER(render_smaps(&_b, t)), "");
	free(t);
}

/* ---- smaps ---- */

static const char smaps_thp_and_gate[] =
	"7fe4ed400000-7fe4ed600000 rw-p 00000000 00:00 0 \n"
	"Size:               2048 kB\n"
	"KernelPageSize:        4 kB\n"
	"MMUPageSize:           4 kB\n"
	"Rss:                2048 kB\n"
	"Pss:                2048 kB\n"
	"Pss_Dirty:          2048 kB\n"
	"Shared_Clean:          0 kB\n"
	"Shared_Dirty:          0 kB\n"
	"Private_Clean:         0 kB\n"
	"Private_Dirty:      2048 kB\n"
	"Referenced:         2048 kB\n"
	"Anonymous:          2048 kB\n"
	"KSM:                   0 kB\n"
	"LazyFree:              0 kB\n"
	"AnonHugePages:      2048 kB\n"
	"ShmemPmdMapped:        0 kB\n"
	"FilePmdMapped:         0 kB\n"
	"Shared_Hugetlb:        0 kB\n"
	"Private_Hugetlb:       0 kB\n"
	"Swap:                  0 kB\n"
	"SwapPss:               0 kB\n"
	"Locked:                0 kB\n"
	"THPeligible:           1\n"
	"VmFlags: rd wr mr mw me ac hg \n"
	"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]\n"
	"Size:                  4 kB\n"
	"KernelPageSize:        4 kB\n"
	"MMUPageSize:           4 kB\n"
	"Rss:                   0 kB\n"
	"Pss:                   0 kB\n"
	"Pss_Dirty:             0 kB\n"
	"Shared_Clean:          0 kB\n"
	"Shared_Dirty:          0 kB\n"
	"Private_Clean:         0 kB\n"
	"Private_Dirty:         0 kB\n"
	"Referenced:            0 kB\n"
	"Anonymous:             0 kB\n"
	"KSM:                   0 kB\n"
	"LazyFree:              0 kB\n"
	"AnonHugePages:         0 kB\n"
	"ShmemPmdMapped:        0 kB\n"
	"FilePmdMapped:         0 kB\n"
	"Shared_Hugetlb:        0 kB\n"
	"Private_Hugetlb:       0 kB\n"
	"Swap:                  0 kB\n"
	"SwapPss:               0 kB\n"
	"Locked:                0 kB\n"
	"THPeligible:           0\n"
	"VmFlags: ex \n";

Test(smaps, thp_block_and_gate_block_byte_exact)
{
	struct mm_task_snap *t = task_new(1);
	struct mm_vma_snap *v = &t->vmas[0];
	const uint64_t mb2 = 2048 << 10;

	vma_set(v, 0x7fe4ed400000, 0x7fe4ed600000, VM_RW | MM_VM_HUGEPAGE, "");
	v->thp_eligible = 1;
	v->u.rss = v->u.private_dirty = v->u.referenced = v->u.anonymous = mb2;
	v->u.anon_thp = mb2;
	v->u.pss = v->u.pss_dirty = v->u.pss_anon = mb2 << MM_PSS_SHIFT;
	expect_text(RENDER(render_smaps(&_b, t)), smaps_thp_and_gate);
	free(t);
}

Test(smaps, vmflags_bit_order_and_unknown_bits)
{
	struct mm_task_snap *t = task_new(1);
	char *got;

	vma_set(&t->vmas[0], 0x1000, 0x2000,
		MM_VM_MERGEABLE | MM_VM_READ | (1ULL << 11) | (1ULL << 33) | MM_VM_LOCKED |
		MM_VM_GROWSDOWN | (1ULL << 37), "");
	got = RENDER(render_smaps(&_b, t));
	cr_assert(strstr(got, "\nVmFlags: rd gd ?? lo mg ss \n"), "%s", got);
	free(got);
	free(t);
}

Test(smaps, pss_truncates_per_vma)
{
	struct mm_task_snap *t = task_new(1);
	char *got;

	vma_set(&t->vmas[0], 0x1000, 0x3000, VM_RW, "");
	t->vmas[0].u.rss = 8192;
	t->vmas[0].u.pss = (uint64_t)1535 << MM_PSS_SHIFT;	/* 1.499 kB */
	t->vmas[0].u.locked_pss = ((uint64_t)2048 << MM_PSS_SHIFT) - 1;
	got = RENDER(render_smaps(&_b, t));
	cr_assert(strstr(got, "\nRss:                   8 kB\nPss:                   1 kB\n"),
		  "%s", got);
	cr_assert(strstr(got, "\nLocked:                1 kB\n"));
	free(got);
	free(t);
}

/* ---- smaps_rollup ---- */

static const char rollup_sample[] =
	"5606036fd000-7ffc41f5e000 ---p 00000000 00:00 0                          [rollup]\n"
	"Rss:                3720 kB\n"
	"Pss:                2596 kB\n"
	"Pss_Dirty:          2336 kB\n"
	"Pss_Anon:           2308 kB\n"
	"Pss_File:            276 kB\n"
	"Pss_Shmem:            12 kB\n"
	"Shared_Clean:       1352 kB\n"
	"Shared_Dirty:          0 kB\n"
	"Private_Clean:        32 kB\n"
	"Private_Dirty:      2336 kB\n"
	"Referenced:         3720 kB\n"
	"Anonymous:          2308 kB\n"
	"KSM:                   0 kB\n"
	"LazyFree:              0 kB\n"
	"AnonHugePages:      2048 kB\n"
	"ShmemPmdMapped:        0 kB\n"
	"FilePmdMapped:         0 kB\n"
	"Shared_Hugetlb:        0 kB\n"
	"Private_Hugetlb:       0 kB\n"
	"Swap:                  0 kB\n"
	"SwapPss:               0 kB\n"
	"Locked:               16 kB\n";

Test(smaps_rollup, sample_totals_from_two_vmas)
{
	struct mm_task_snap *t = task_new(2);
	struct mm_vma_usage *a = &t->vmas[0].u, *c = &t->vmas[1].u;
	int rc;

	vma_set(&t->vmas[0], 0x5606036fd000, 0x5606036fe000, VM_RDX, "/srv/probe/layout");
	vma_set(&t->vmas[1], 0x7ffc41f3d000, 0x7ffc41f5e000, VM_RW, "[stack]");
	/* split the host's totals unevenly between the two VMAs */
	a->rss = 1000 << 10;		c->rss = 2720 << 10;
	a->pss = (uint64_t)(596 << 10) << MM_PSS_SHIFT;
	c->pss = (uint64_t)(2000 << 10) << MM_PSS_SHIFT;
	c->pss_dirty = (uint64_t)(2336 << 10) << MM_PSS_SHIFT;
	c->pss_anon = (uint64_t)(2308 << 10) << MM_PSS_SHIFT;
	a->pss_file = (uint64_t)(276 << 10) << MM_PSS_SHIFT;
	c->pss_shmem = (uint64_t)(12 << 10) << MM_PSS_SHIFT;
	a->shared_clean = 1352 << 10;
	a->private_clean = 32 << 10;
	c->private_dirty = 2336 << 10;
	a->referenced = 1000 << 10;	c->referenced = 2720 << 10;
	c->anonymous = 2308 << 10;
	c->anon_thp = 2048 << 10;
	c->locked_pss = (uint64_t)(16 << 10) << MM_PSS_SHIFT;
	expect_text(RENDER(rc = render_smaps_rollup(&_b, t)), rollup_sample);
	cr_assert_eq(rc, 0);
	free(t);
}

Test(smaps_rollup, sums_before_truncating_once)
{
	struct mm_task_snap *t = task_new(3);
	const uint64_t pss = (uint64_t)1536 << MM_PSS_SHIFT;	/* 1.5 kB each */
	char *got;

	for (int i = 0; i < 3; i++) {
		vma_set(&t->vmas[i], 0x10000 + i * 0x2000, 0x11000 + i * 0x2000, VM_RW, "");
		t->vmas[i].u.pss = pss;
		t->vmas[i].u.swap_pss = pss;
	}
	got = RENDER(render_smaps(&_b, t));
	cr_assert(strstr(got, "\nPss:                   1 kB\n"));
	free(got);
	got = RENDER(render_smaps_rollup(&_b, t));
	cr_assert(!strncmp(got, "00010000-00015000 ---p 00000000 00:00 0 ", 40), "%s", got);
	cr_assert(strstr(got, "\nPss:                   4 kB\n"), "%s", got);
	cr_assert(strstr(got, "\nSwapPss:               4 kB\n"), "%s", got);
	free(got);
	free(t);
}

Test(smaps_rollup, esrch_without_mm_and_zero_range_without_vmas)
{
	struct mm_task_snap *t = task_new(0);
	int rc = 0;
	char *got;

	t->has_mm = 0;
	expect_text(RENDER(rc = render_smaps_rollup(&_b, t)), "");
	cr_assert_eq(rc, -ESRCH);
	t->has_mm = 1;
	got = RENDER(rc = render_smaps_rollup(&_b, t));
	cr_assert_eq(rc, 0);
	cr_assert(!strncmp(got, "00000000-00000000 ---p 00000000 00:00 0"
			   "                                  [rollup]\nRss:", 86), "%s", got);
	free(got);
	free(t);
}

/* ---- status, statm, stat ---- */

/* The layout process of the reference host, counters in pages. */
static struct mm_task_snap *layout_task(void)
{
	struct mm_task_snap *t = task_new(0);

	t->total_vm = 1684;
	t->hiwater_vm = 1600;
	t->locked_vm = 4;
	t->rss_anon = 577;
	t->rss_file = 350;
	t->rss_shmem = 3;
	t->hiwater_rss = 900;
	t->data_vm = 1106;
	t->stack_vm = 33;
	t->exec_vm = 383;
	t->pgtables_bytes = 48 << 10;
	t->thp_enabled = 1;
	t->start_code = 94583827456000ULL;
	t->end_code = 94583827457993ULL;
	t->start_stack = 140721415108992ULL;
	t->start_data = 94583827467728ULL;
	t->end_data = 94583827468456ULL;
	t->start_brk = 94583970742272ULL;
	t->arg_start = 140721415117449ULL;
	t->arg_end = t->env_start = 140721415117458ULL;
	t->env_end = 140721415118831ULL;
	t->min_flt = 146;
	t->maj_flt = 1;
	t->start_ticks = 22966;
	t->nr_cpus = 2;
	t->nr_nodes = 1;
	t->rlim[MM_RLIMIT_SIGPENDING].cur = 96365;	/* the host's */
	return t;
}

/*
 * The host's status, but with our constants: FDSize 64, NSpgid/NSsid equal
 * to the pid (every task leads its own group and session), root's full
 * capability set, no context switches.
 */
static const char status_expected[] =
	"Name:\tlayout\n"
	"Umask:\t0022\n"
	"State:\tR (running)\n"
	"Tgid:\t4617\n"
	"Ngid:\t0\n"
	"Pid:\t4617\n"
	"PPid:\t4607\n"
	"TracerPid:\t0\n"
	"Uid:\t0\t0\t0\t0\n"
	"Gid:\t0\t0\t0\t0\n"
	"FDSize:\t64\n"
	"Groups:\t \n"
	"NStgid:\t4617\n"
	"NSpid:\t4617\n"
	"NSpgid:\t4617\n"
	"NSsid:\t4617\n"
	"Kthread:\t0\n"
	"VmPeak:\t    6736 kB\n"
	"VmSize:\t    6736 kB\n"
	"VmLck:\t      16 kB\n"
	"VmPin:\t       0 kB\n"
	"VmHWM:\t    3720 kB\n"
	"VmRSS:\t    3720 kB\n"
	"RssAnon:\t    2308 kB\n"
	"RssFile:\t    1400 kB\n"
	"RssShmem:\t      12 kB\n"
	"VmData:\t    4424 kB\n"
	"VmStk:\t     132 kB\n"
	"VmExe:\t       4 kB\n"
	"VmLib:\t    1528 kB\n"
	"VmPTE:\t      48 kB\n"
	"VmSwap:\t       0 kB\n"
	"HugetlbPages:\t       0 kB\n"
	"CoreDumping:\t0\n"
	"THP_enabled:\t1\n"
	"untag_mask:\t0xffffffffffffffff\n"
	"Threads:\t1\n"
	"SigQ:\t0/96365\n"
	"SigPnd:\t0000000000000000\n"
	"ShdPnd:\t0000000000000000\n"
	"SigBlk:\t0000000000000000\n"
	"SigIgn:\t0000000000000000\n"
	"SigCgt:\t0000000000000000\n"
	"CapInh:\t0000000000000000\n"
	"CapPrm:\t000001ffffffffff\n"
	"CapEff:\t000001ffffffffff\n"
	"CapBnd:\t000001ffffffffff\n"
	"CapAmb:\t0000000000000000\n"
	"NoNewPrivs:\t0\n"
	"Seccomp:\t0\n"
	"Seccomp_filters:\t0\n"
	"Speculation_Store_Bypass:\tvulnerable\n"
	"SpeculationIndirectBranch:\talways enabled\n"
	"Cpus_allowed:\t3\n"
	"Cpus_allowed_list:\t0-1\n"
	"Mems_allowed:\t00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000001\n"
	"Mems_allowed_list:\t0\n"
	"voluntary_ctxt_switches:\t0\n"
	"nonvoluntary_ctxt_switches:\t0\n";

Test(status, layout_process_byte_exact)
{
	struct mm_task_snap *t = layout_task();

	expect_text(RENDER(render_status(&_b, t)), status_expected);
	free(t);
}

Test(status, vmexe_is_capped_at_exec_vm)
{
	struct mm_task_snap *t = layout_task();
	char *got;

	t->start_code = 0x400000;
	t->end_code = 0x400000 + 5 * 4096 + 1;		/* 6 pages of text */
	t->exec_vm = 3;
	got = RENDER(render_status(&_b, t));
	cr_assert(strstr(got, "\nVmExe:\t      12 kB\nVmLib:\t       0 kB\n"), "%s", got);
	free(got);
	free(t);
}

Test(status, zombie_has_no_memory_lines)
{
	static const char zombie_head[] = "Name:\tlayout\nState:\tZ (zombie)\nTgid:\t4617\n";
	struct mm_task_snap *t = task_new(0);
	char *got;

	t->has_mm = 0;
	t->state = 'Z';
	got = RENDER(render_status(&_b, t));
	cr_assert(!strncmp(got, zombie_head, strlen(zombie_head)), "%s", got);
	cr_assert(strstr(got, "\nKthread:\t0\nThreads:\t1\n"), "%s", got);
	cr_assert_null(strstr(got, "Vm"));
	cr_assert_null(strstr(got, "THP_enabled"));
	free(got);
	free(t);
}

Test(statm, layout_process_and_no_mm)
{
	struct mm_task_snap *t = layout_task();

	expect_text(RENDER(render_statm(&_b, t)), "1684 930 353 1 0 1139 0\n");
	t->has_mm = 0;
	expect_text(RENDER(render_statm(&_b, t)), "0 0 0 0 0 0 0\n");
	free(t);
}

static int count_fields_after_comm(const char *line)
{
	const char *p = strrchr(line, ')');
	int n = 2;		/* pid and comm */

	for (p++; *p && *p != '\n'; p++)
		if (*p == ' ' && p[1] != ' ')
			n++;
	return n;
}

Test(stat_pid, layout_process_52_fields)
{
	struct mm_task_snap *t = layout_task();
	char *got = RENDER(render_stat_pid(&_b, t));

	cr_assert_str_eq(got,
		"4617 (layout) R 4607 4617 4617 0 -1 4194560 146 0 1 0 0 0 0 0 20 0 1 0 22966 "
		"6897664 930 18446744073709551615 94583827456000 94583827457993 "
		"140721415108992 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 94583827467728 "
		"94583827468456 94583970742272 140721415117449 140721415117458 "
		"140721415117458 140721415118831 0\n");
	cr_assert_eq(count_fields_after_comm(got), 52);
	free(got);
	/* wchan (field 35) is 1 for a task that is not running */
	t->state = 'S';
	got = RENDER(render_stat_pid(&_b, t));
	cr_assert(strstr(got, " 140721415108992 0 0 0 0 0 0 1 0 0 17 "), "%s", got);
	free(got);
	free(t);
}

Test(stat_pid, comm_with_spaces_and_paren_and_no_mm)
{
	struct mm_task_snap *t = layout_task();
	char *got;

	strcpy(t->comm, "a b) c");
	t->has_mm = 0;
	t->state = 'Z';
	got = RENDER(render_stat_pid(&_b, t));
	cr_assert(!strncmp(got, "4617 (a b) c) Z 4607 ", 21), "%s", got);
	cr_assert_eq(count_fields_after_comm(got), 52);
	cr_assert(strstr(got, " 22966 0 0 18446744073709551615 0 0 0 "), "%s", got);
	cr_assert(!strcmp(got + strlen(got) - 17, " 0 0 0 0 0 0 0 0\n"), "%s", got);
	free(got);
	free(t);
}

/* fn's output for t is exactly the n bytes of want, NULs included. */
static void expect_bytes(void (*fn)(struct rbuf *, const struct mm_task_snap *),
			 const struct mm_task_snap *t, const char *want, size_t n)
{
	struct rbuf b;

	rbuf_init(&b);
	fn(&b, t);
	cr_assert_eq(b.len, n);
	cr_assert(!n || !memcmp(b.buf, want, n));
	rbuf_free(&b);
}

/* comm ends with a newline; cmdline and environ are raw bytes, none once the mm is gone */
Test(comm_cmdline, comm_newline_cmdline_environ_raw)
{
	struct mm_task_snap *t = task_new(0);

	expect_text(RENDER(render_comm(&_b, t)), "layout\n");
	memcpy(t->cmdline, "ls\0-l\0", 6);
	t->cmdline_len = 6;
	memcpy(t->environ, "HOME=/\0TERM=linux\0", 18);
	t->environ_len = 18;
	expect_bytes(render_cmdline, t, "ls\0-l\0", 6);
	expect_bytes(render_environ, t, "HOME=/\0TERM=linux\0", 18);
	t->has_mm = 0;
	expect_bytes(render_cmdline, t, "", 0);
	expect_bytes(render_environ, t, "", 0);
	free(t);
}

Test(status, cpus_and_nodes_of_the_machine)
{
	struct mm_task_snap *t = layout_task();
	char *got;

	t->nr_cpus = 4;
	t->nr_nodes = 2;
	t->rlim[MM_RLIMIT_SIGPENDING].cur = 3932;
	got = RENDER(render_status(&_b, t));
	cr_assert(strstr(got, "\nSigQ:\t0/3932\n"), "%s", got);
	cr_assert(strstr(got, "\nCpus_allowed:\tf\nCpus_allowed_list:\t0-3\n"), "%s", got);
	cr_assert(strstr(got, ",00000000,00000003\nMems_allowed_list:\t0-1\n"), "%s", got);
	free(got);
	/* %*pb of 40 CPUs: a first chunk of 8 bits, 2 digits, then 32 bits */
	t->nr_cpus = 40;
	got = RENDER(render_status(&_b, t));
	cr_assert(strstr(got, "\nCpus_allowed:\tff,ffffffff\nCpus_allowed_list:\t0-39\n"), "%s", got);
	free(got);
	t->nr_cpus = 1;
	t->nr_nodes = 1;
	got = RENDER(render_status(&_b, t));
	cr_assert(strstr(got, "\nCpus_allowed:\t1\nCpus_allowed_list:\t0\n"), "%s", got);
	free(got);
	free(t);
}

/* ---- limits, io, wchan, cgroup, fdinfo, osrelease ---- */

/* init's limits on a 1 GiB machine (251649 pages: max_threads 7864), padded as Linux pads them */
static const char limits_expected[] =
	"Limit                     Soft Limit           Hard Limit           Units     \n"
	"Max cpu time              unlimited            unlimited            seconds   \n"
	"Max file size             unlimited            unlimited            bytes     \n"
	"Max data size             unlimited            unlimited            bytes     \n"
	"Max stack size            8388608              unlimited            bytes     \n"
	"Max core file size        0                    unlimited            bytes     \n"
	"Max resident set          unlimited            unlimited            bytes     \n"
	"Max processes             3932                 3932                 processes \n"
	"Max open files            1024                 4096                 files     \n"
	"Max locked memory         8388608              8388608              bytes     \n"
	"Max address space         unlimited            unlimited            bytes     \n"
	"Max file locks            unlimited            unlimited            locks     \n"
	"Max pending signals       3932                 3932                 signals   \n"
	"Max msgqueue size         819200               819200               bytes     \n"
	"Max nice priority         0                    0                    \n"
	"Max realtime priority     0                    0                    \n"
	"Max realtime timeout      unlimited            unlimited            us        \n";

Test(limits, linux_layout)
{
	struct mm_task_snap *t = task_new(0);

	for (int i = 0; i < MM_RLIM_NLIMITS; i++)
		t->rlim[i] = (struct mm_rlimit){ MM_RLIM_INFINITY, MM_RLIM_INFINITY };
	t->rlim[MM_RLIMIT_STACK].cur = 8388608;
	t->rlim[MM_RLIMIT_CORE].cur = 0;
	t->rlim[MM_RLIMIT_NPROC] = (struct mm_rlimit){ 3932, 3932 };
	t->rlim[MM_RLIMIT_NOFILE] = (struct mm_rlimit){ 1024, 4096 };
	t->rlim[MM_RLIMIT_MEMLOCK] = (struct mm_rlimit){ 8388608, 8388608 };
	t->rlim[MM_RLIMIT_SIGPENDING] = (struct mm_rlimit){ 3932, 3932 };
	t->rlim[MM_RLIMIT_MSGQUEUE] = (struct mm_rlimit){ 819200, 819200 };
	t->rlim[MM_RLIMIT_NICE] = (struct mm_rlimit){ 0, 0 };
	t->rlim[MM_RLIMIT_RTPRIO] = (struct mm_rlimit){ 0, 0 };
	expect_text(RENDER(render_limits(&_b, t)), limits_expected);
	free(t);
}

Test(io, seven_lines)
{
	struct mm_task_snap *t = task_new(0);

	t->io.read_bytes = 131072;
	t->io.write_bytes = 8192;
	t->io.cancelled_write_bytes = 4096;
	expect_text(RENDER(render_io(&_b, t)),
		    "rchar: 0\nwchar: 0\nsyscr: 0\nsyscw: 0\nread_bytes: 131072\n"
		    "write_bytes: 8192\ncancelled_write_bytes: 4096\n");
	free(t);
}

Test(wchan, symbol_without_newline_or_zero)
{
	struct mm_task_snap *t = task_new(0);

	t->state = 'S';
	expect_text(RENDER(render_wchan(&_b, t)), "__do_sys_pause");
	t->state = 'R';
	expect_text(RENDER(render_wchan(&_b, t)), "0");
	free(t);
}

Test(cgroup, the_root_cgroup)
{
	struct mm_task_snap *t = task_new(0);

	expect_text(RENDER(render_cgroup(&_b, t)), "0::/\n");
	free(t);
}

Test(fdinfo, flags_as_f_flags)
{
	struct mm_fd_snap f = { .fd = 3, .flags = 02 | 0100, .ino = 131077 };

	/* O_CREAT is gone, O_LARGEFILE is there: as the host shows an O_RDWR|O_CREAT open */
	expect_text(RENDER(render_fdinfo(&_b, &f, 1)),
		    "pos:\t0\nflags:\t0100002\nmnt_id:\t1\nino:\t131077\n");
	f.flags = 01 | 01000;	/* O_WRONLY|O_TRUNC */
	expect_text(RENDER(render_fdinfo(&_b, &f, 27)),
		    "pos:\t0\nflags:\t0100001\nmnt_id:\t27\nino:\t131077\n");
	f.flags = 0;
	expect_text(RENDER(render_fdinfo(&_b, &f, 1)),
		    "pos:\t0\nflags:\t0100000\nmnt_id:\t1\nino:\t131077\n");
}

Test(osrelease, the_release_and_the_tty_drivers)
{
	struct mm_global_snap *g = global_new(1, 2);
	char *got;
	int n = 0;

	expect_text(RENDER(render_osrelease(&_b, g)), "6.18.0-mmfs\n");
	got = RENDER(render_tty_drivers(&_b, g));
	/* the reference host's lines, in tty_drivers' columns: name, /dev/node, major, minors, type */
	cr_assert(!strncmp(got, "/dev/tty             /dev/tty        5       0 system:/dev/tty\n", 63),
		  "%s", got);
	cr_assert(strstr(got, "\nserial               /dev/ttyS       4      64 serial\n"), "%s", got);
	cr_assert(strstr(got, "\npty_master           /dev/ptm      128 0-1048575 pty:master\n"
			      "unknown              /dev/tty        4 1-63 console\n"), "%s", got);
	for (const char *l = got; *l; l = strchr(l, '\n') + 1)
		n++;
	cr_assert_eq(n, 8, "%s", got);
	free(got);
	free(g);
}
