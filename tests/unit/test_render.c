// SPDX-License-Identifier: MIT
/*
 * test_render.c - the machine's renderers (meminfo, vmstat, buddyinfo, zoneinfo,
 * swaps, node meminfo, stat...) against exact Linux 6.18 text; a process's
 * files are test_render_pid.c's.
 *
 * Snapshots are built by hand; most expected texts are the reference host's
 * own files (shared/reference/samples), embedded here so the test depends
 * on nothing outside the repository. Where our output knowingly differs
 * from the sample (constants we do not model), the test says which line.
 */
#include "rendertest.h"

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
