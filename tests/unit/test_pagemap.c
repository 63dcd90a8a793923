// SPDX-License-Identifier: MIT
/*
 * test_pagemap.c - proc/PID/pagemap, proc/kpageflags, proc/kpagecount and
 * proc/PID/mem (reference/procfs.md §7-9, samples/pagemap.out): the exact
 * words for each kind of page, the access rules of the files, and mem's
 * debugger semantics. mm_check runs after every test.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "leakcheck.h"
#include "../../fs/procbin.h"
#include "../../mm/internal.h"
#include "../../mm/pagemap.h"
#include "../../mm/pgtable.h"
#include "../../mm/task.h"

#define K	4096ULL
#define RW	(MM_PROT_READ | MM_PROT_WRITE)
#define PA	(MM_MAP_PRIVATE | MM_MAP_ANONYMOUS)
#define SA	(MM_MAP_SHARED | MM_MAP_ANONYMOUS)

/* kpageflags words of samples/pagemap.out, as the model's pages read */
#define F_ANON_EXCL	(KPF(KPF_UPTODATE) | KPF(KPF_LRU) | KPF(KPF_MMAP) | KPF(KPF_ANON) | \
			 KPF(KPF_SWAPBACKED) | KPF(KPF_MAPPEDTODISK))	/* 0x400005828 */
#define F_ANON_SHARED	(F_ANON_EXCL & ~KPF(KPF_MAPPEDTODISK))			/* 0x5828 */
#define F_ZERO		(KPF(KPF_ZERO_PAGE) | KPF(KPF_RESERVED))		/* 0x101000000 */

static struct machine *m;
static char dir[64];

#include "mmtest.h"	/* call (mm_check after each), touch */

static void boot(void)
{
	struct mm_config cfg = { .ram_bytes = 1ULL << 30, .nr_nodes = 1 };
	char why[128] = "", path[128];
	int fd;

	m = mm_boot(&cfg, why, sizeof(why));
	cr_assert_not_null(m, "mm_boot: %s", why);
	strcpy(dir, "/tmp/mmfs-pagemap.XXXXXX");
	cr_assert(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/data", dir);
	fd = open(path, O_CREAT | O_WRONLY, 0644);
	cr_assert(fd >= 0);
	for (int i = 0; i < 4; i++) {
		char page[4096];

		memset(page, 'a' + i, sizeof(page));
		cr_assert_eq(write(fd, page, sizeof(page)), (ssize_t)sizeof(page));
	}
	close(fd);
	cr_assert_eq(mm_set_backing(m, dir, 0xfe, 1), 0);
}

static void shutdown(void)
{
	int nbad = -1;
	char *r = mm_check(m, &nbad);
	char cmd[128];

	cr_expect_str_eq(r, "ok\n", "mm_check: %s", r);
	free(r);
	mm_shutdown(m);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
	leak_check();
}

TestSuite(pagemap, .init = boot, .fini = shutdown);

static uint64_t map(int pid, uint64_t len, uint64_t prot, uint64_t flags)
{
	return call(pid, (struct mm_call){ .verb = MMV_MMAP, .len = len, .prot = prot, .flags = flags });
}

static uint64_t map_file(int pid, uint64_t len, uint64_t prot, uint64_t flags)
{
	return call(pid, (struct mm_call){ .verb = MMV_MMAP, .len = len, .prot = prot, .flags = flags,
					   .path = "/data" });
}

static void unmap(int pid, uint64_t addr, uint64_t len)
{
	call(pid, (struct mm_call){ .verb = MMV_MUNMAP, .addr = addr, .len = len });
}

static uint64_t pm(int pid, uint64_t addr)
{
	uint64_t e = ~0ULL;

	cr_assert_eq(mm_pagemap_read(m, pid, addr / K, &e, 1), 1);
	return e;
}

static uint64_t kpf(uint64_t pfn)
{
	uint64_t e = ~0ULL;

	cr_assert_eq(mm_kpageflags_read(m, pfn, &e, 1), 1);
	return e;
}

static uint64_t kpc(uint64_t pfn)
{
	uint64_t e = ~0ULL;

	cr_assert_eq(mm_kpagecount_read(m, pfn, &e, 1), 1);
	return e;
}

static uint64_t pfn_of(uint64_t entry)
{
	cr_assert(entry & PM_PRESENT, "not present: %#llx", (unsigned long long)entry);
	return entry & PM_PFRAME_MASK;
}

/* ---- pagemap and the flags of the pages it points at ---- */

Test(pagemap, untouched_anon_reads_zero)
{
	uint64_t a = map(1, 4 * K, RW, PA);

	cr_assert_eq(pm(1, a), 0);
	cr_assert_eq(pm(1, a + 3 * K), 0);
	cr_assert_eq(pm(1, 0x1000), 0, "a hole");
}

Test(pagemap, read_fault_maps_the_zero_page)
{
	uint64_t a = map(1, 4 * K, RW, PA);

	touch(1, a, K, 0);
	cr_assert_eq(pm(1, a), PM_PRESENT | m->zero_pfn, "present, not exclusive, not file");
	cr_assert_eq(kpf(m->zero_pfn), F_ZERO);
	cr_assert_eq(kpf(m->zero_pfn), 0x101000000ULL, "as on the host");
	cr_assert_eq(kpc(m->zero_pfn), 0);
}

Test(pagemap, written_anon_page_is_exclusive)
{
	uint64_t a = map(1, 4 * K, RW, PA), e, pfn;

	touch(1, a, K, 1);
	e = pm(1, a);
	pfn = pfn_of(e);
	cr_assert_eq(e, PM_PRESENT | PM_MMAP_EXCLUSIVE | pfn);
	cr_assert_eq(kpf(pfn), F_ANON_EXCL);
	cr_assert_eq(kpc(pfn), 1);
	cr_assert_eq(pm(1, a + K), 0, "the next page is untouched");
}

Test(pagemap, fork_shares_pages_and_counts_two)
{
	uint64_t a = map(1, 4 * K, RW, PA), pfn;
	int c;

	touch(1, a, K, 1);
	pfn = pfn_of(pm(1, a));
	c = (int)call(1, (struct mm_call){ .verb = MMV_FORK });
	cr_assert_eq(pm(1, a), PM_PRESENT | pfn, "parent: not exclusive");
	cr_assert_eq(pm(c, a), PM_PRESENT | pfn, "child: the same page");
	cr_assert_eq(kpc(pfn), 2);
	cr_assert_eq(kpf(pfn), F_ANON_SHARED, "anon-exclusive cleared");
	cr_assert_eq(kpf(pfn), 0x5828ULL, "as the host's child sees it");
	touch(c, a, K, 1);	/* the child copies */
	cr_assert_neq(pfn_of(pm(c, a)), pfn);
	cr_assert_eq(kpc(pfn), 1);
	cr_assert_eq(pm(1, a), PM_PRESENT | PM_MMAP_EXCLUSIVE | pfn, "exclusive again by count");
}

Test(pagemap, shared_anon_is_not_an_anon_folio)
{
	uint64_t a = map(1, 4 * K, RW, SA), pfn;

	touch(1, a, K, 1);
	pfn = pfn_of(pm(1, a));
	cr_assert_eq(pm(1, a), PM_PRESENT | PM_FILE | PM_MMAP_EXCLUSIVE | pfn);
	cr_assert_eq(kpf(pfn) & ~KPF(KPF_DIRTY), 
		     KPF(KPF_UPTODATE) | KPF(KPF_LRU) | KPF(KPF_MMAP) | KPF(KPF_SWAPBACKED));
	cr_assert_eq(kpc(pfn), 1);
}

Test(pagemap, file_page_then_its_private_copy)
{
	uint64_t a = map_file(1, 4 * K, RW, MM_MAP_PRIVATE), pfn, copy;
	uint64_t file_bits = KPF(KPF_UPTODATE) | KPF(KPF_LRU) | KPF(KPF_MMAP) | KPF(KPF_MAPPEDTODISK);

	touch(1, a, 2 * K, 0);
	pfn = pfn_of(pm(1, a));
	cr_assert_eq(pm(1, a), PM_PRESENT | PM_FILE | PM_MMAP_EXCLUSIVE | pfn);
	cr_assert_eq(kpf(pfn) & ~(KPF(KPF_REFERENCED) | KPF(KPF_ACTIVE)), file_bits);
	cr_assert_eq(kpf(pfn) & (KPF(KPF_ANON) | KPF(KPF_SWAPBACKED)), 0);
	cr_assert_eq(kpc(pfn), 1);
	touch(1, a, K, 1);	/* COW: an anonymous copy replaces it */
	copy = pfn_of(pm(1, a));
	cr_assert_neq(copy, pfn);
	cr_assert_eq(pm(1, a), PM_PRESENT | PM_MMAP_EXCLUSIVE | copy);
	cr_assert_eq(kpf(copy), F_ANON_EXCL);
	cr_assert_eq(kpc(pfn), 0, "the cached page is unmapped");
	cr_assert_eq(kpf(pfn) & KPF(KPF_MMAP), 0);
	cr_assert_eq(kpf(pfn) & KPF(KPF_UPTODATE), KPF(KPF_UPTODATE), "still cached");
}

Test(pagemap, shared_file_page_mapped_twice)
{
	uint64_t a = map_file(1, 4 * K, MM_PROT_READ, MM_MAP_SHARED);
	uint64_t b = map_file(1, 4 * K, MM_PROT_READ, MM_MAP_SHARED), pfn;

	touch(1, a, K, 0);
	touch(1, b, K, 0);
	pfn = pfn_of(pm(1, a));
	cr_assert_eq(pm(1, b), PM_PRESENT | PM_FILE | pfn, "two PTEs: not exclusive");
	cr_assert_eq(kpc(pfn), 2);
	unmap(1, a, 4 * K);
	cr_assert_eq(pm(1, b), PM_PRESENT | PM_FILE | PM_MMAP_EXCLUSIVE | pfn, "munmap of a drops its count");
	cr_assert_eq(kpc(pfn), 1);
	unmap(1, b, 4 * K);
}

Test(pagemap, mlocked_page_is_unevictable)
{
	uint64_t a = map(1, 4 * K, RW, PA), pfn;

	touch(1, a, K, 1);
	call(1, (struct mm_call){ .verb = MMV_MLOCK, .addr = a, .len = 4 * K });
	pfn = pfn_of(pm(1, a));
	cr_assert_eq(kpf(pfn), F_ANON_EXCL | KPF(KPF_UNEVICTABLE) | KPF(KPF_MLOCKED));
}

Test(pagemap, swap_entry_layout)
{
	uint64_t a = map(1, 4 * K, RW, PA);
	struct task *t;
	pte_t *pte;

	touch(1, a + K, K, 1);	/* page tables exist now */
	machine_lock(m);
	t = find_task_by_pid(m, 1);
	pte = pte_lookup(m, t->mm, a, 0, NULL);
	cr_assert_not_null(pte);
	*pte = swp_entry_to_pte(0, 1);
	machine_unlock(m);
	cr_assert_eq(pm(1, a), 0x4000000000000020ULL, "as samples/pagemap.out");
	machine_lock(m);
	*pte = swp_entry_to_pte(3, 0x12345);
	machine_unlock(m);
	cr_assert_eq(pm(1, a), PM_SWAP | 3 | (0x12345ULL << 5));
	machine_lock(m);
	*pte = 0;
	machine_unlock(m);
}

Test(pagemap, range_read_and_task_size_end)
{
	uint64_t a = map(1, 8 * K, RW, PA), e[10], top = TASK_SIZE / K;

	touch(1, a + 2 * K, K, 1);
	touch(1, a + 5 * K, K, 0);
	memset(e, 0xff, sizeof(e));
	cr_assert_eq(mm_pagemap_read(m, 1, a / K - 1, e, 10), 10);
	for (int i = 0; i < 10; i++) {
		uint64_t want = i == 3 ? (PM_PRESENT | PM_MMAP_EXCLUSIVE | (e[3] & PM_PFRAME_MASK)) :
				i == 6 ? (PM_PRESENT | m->zero_pfn) : 0;

		cr_assert_eq(e[i], want, "entry %d: %#llx", i, (unsigned long long)e[i]);
	}
	cr_assert_eq(mm_pagemap_read(m, 1, top - 1, e, 10), 1, "the last page below TASK_SIZE");
	cr_assert_eq(mm_pagemap_read(m, 1, top, e, 10), 0);
	cr_assert_eq(mm_pagemap_read(m, 1, 0x800000000ULL, e, 10), 0, "at 1 << 47");
	cr_assert_eq(mm_pagemap_read(m, 1, ~0ULL >> 3, e, 1), 0);
	cr_assert_eq(mm_pagemap_read(m, 4242, 0, e, 1), -ESRCH);
}

/* ---- kpageflags / kpagecount of memory no process maps ---- */

Test(pagemap, reserved_and_hole_pfns)
{
	cr_assert_eq(kpf(0), KPF(KPF_RESERVED), "pfn 0, as on the host");
	cr_assert_eq(kpf(1), KPF(KPF_RESERVED), "BIOS data");
	cr_assert_eq(kpf(0xa0), KPF(KPF_RESERVED), "legacy hole, as on the host");
	cr_assert_eq(kpf(0x1000), KPF(KPF_RESERVED), "kernel image");
	cr_assert_eq(kpf(mm_max_pfn(m) - 1), KPF(KPF_RESERVED), "memmap at the node's end");
	cr_assert_eq(kpc(0x1000), 0);
}

Test(pagemap, pristine_free_memory_is_buddy_on_every_page)
{
	struct zone *z = NULL;

	for (int i = 0; i < MAX_NR_ZONES; i++)
		if (m->node[0]->node_zones[i].pristine_end > m->node[0]->node_zones[i].pristine_start)
			z = &m->node[0]->node_zones[i];
	cr_assert_not_null(z);
	cr_assert_eq(kpf(z->pristine_start), KPF(KPF_BUDDY));
	cr_assert_eq(kpf(z->pristine_start + 1), KPF(KPF_BUDDY), "tails too, as is_free_buddy_page");
	cr_assert_eq(kpf(z->pristine_end - 1), KPF(KPF_BUDDY));
	cr_assert_eq(kpc(z->pristine_start), 0);
}

Test(pagemap, listed_free_block_head_and_tail)
{
	struct zone *z = &m->node[0]->node_zones[ZONE_DMA32];
	struct page *head = NULL;
	uint64_t pfn, order;

	for (unsigned o = 1; o <= MM_MAX_ORDER && !head; o++)
		for (int mt = 0; mt < MIGRATE_TYPES && !head; mt++)
			if (!list_empty(&z->free_area[o].free_list[mt]))
				head = list_entry(z->free_area[o].free_list[mt].next, struct page, lru);
	cr_assert_not_null(head, "a listed free block of order >= 1");
	pfn = page_to_pfn(m, head);
	order = head->private;
	cr_assert_eq(kpf(pfn), KPF(KPF_BUDDY));
	cr_assert_eq(kpf(pfn + 1), KPF(KPF_BUDDY));
	cr_assert_eq(kpf(pfn + (1ULL << order) - 1), KPF(KPF_BUDDY));
	cr_assert_eq(kpc(pfn + 1), 0);
}

Test(pagemap, page_table_pages)
{
	uint64_t a = map(1, 4 * K, RW, PA), pgd;

	touch(1, a, K, 1);
	machine_lock(m);
	pgd = find_task_by_pid(m, 1)->mm->pgd;
	machine_unlock(m);
	cr_assert_neq(pgd, 0);
	cr_assert_eq(kpf(pgd), KPF(KPF_PGTABLE));
	cr_assert_eq(kpc(pgd), 0);
}

Test(pagemap, hugetlb_pool_page)
{
	struct page *head;
	uint64_t pfn;

	cr_assert_eq(mm_tunable_write(m, "nr_hugepages", "1", 1), 0);
	head = list_entry(m->hugepage_freelist.next, struct page, lru);
	pfn = page_to_pfn(m, head);
	cr_assert_eq(kpf(pfn), KPF(KPF_COMPOUND_HEAD) | KPF(KPF_HUGE));
	cr_assert_eq(kpf(pfn + 1), KPF(KPF_COMPOUND_TAIL) | KPF(KPF_HUGE));
	cr_assert_eq(kpf(pfn + 511), KPF(KPF_COMPOUND_TAIL) | KPF(KPF_HUGE));
	cr_assert_eq(kpf(pfn + 512) & (KPF(KPF_COMPOUND_TAIL) | KPF(KPF_HUGE)), 0);
	cr_assert_eq(mm_tunable_write(m, "nr_hugepages", "0", 1), 0);
	cr_assert_eq(kpf(pfn + 1) & KPF(KPF_COMPOUND_TAIL), 0);
}

Test(pagemap, end_of_physical_memory)
{
	uint64_t e[4], max = mm_max_pfn(m);

	cr_assert_eq(max, (1ULL << 30) / K);
	cr_assert_eq(mm_kpageflags_read(m, max - 2, e, 4), 2);
	cr_assert_eq(mm_kpagecount_read(m, max - 2, e, 4), 2);
	cr_assert_eq(mm_kpageflags_read(m, max, e, 4), 0);
	cr_assert_eq(mm_kpagecount_read(m, ~0ULL, e, 4), 0);
}

/* A whole-machine read agrees, pfn by pfn, with one-pfn reads. */
Test(pagemap, range_reads_agree_with_single_reads)
{
	uint64_t a = map(1, 64 * K, RW, PA), max = mm_max_pfn(m), *all;
	size_t chunk = 16384;

	touch(1, a, 64 * K, 1);
	all = malloc(max * sizeof(*all));
	cr_assert_not_null(all);
	for (uint64_t p = 0; p < max; p += chunk)
		cr_assert_eq(mm_kpageflags_read(m, p, all + p, chunk), (long)(max - p < chunk ? max - p : chunk));
	for (uint64_t p = 0; p < max; p += 997)
		cr_assert_eq(all[p], kpf(p), "pfn %#llx", (unsigned long long)p);
	for (uint64_t p = 0xff0; p < 0x1010; p++)	/* across the kernel image's start */
		cr_assert_eq(all[p], kpf(p), "pfn %#llx", (unsigned long long)p);
	for (uint64_t i = 0; i < 16; i++) {
		uint64_t pfn = pfn_of(pm(1, a + i * K));

		cr_assert_eq(all[pfn], F_ANON_EXCL);
	}
	free(all);
}

/* 1 TiB of pfns: arithmetic for untouched memory, no host memory committed. */
Test(pagemap, kpageflags_of_a_large_machine_is_cheap, .timeout = 120)
{
	struct mm_config cfg = { .ram_bytes = 1ULL << 40, .nr_nodes = 2 };
	struct machine *big = mm_boot(&cfg, NULL, 0);
	size_t chunk = 16384;	/* 128 KiB, a FUSE read */
	uint64_t *buf = malloc(chunk * sizeof(*buf)), nbuddy = 0, nres = 0;
	struct rusage r0, r1;
	uint64_t max;

	cr_assert_not_null(big);
	cr_assert_not_null(buf);
	max = mm_max_pfn(big);
	getrusage(RUSAGE_SELF, &r0);
	for (uint64_t p = 0; p < max; p += chunk) {
		long n = mm_kpageflags_read(big, p, buf, chunk);

		cr_assert_eq(n, (long)chunk);
		for (long i = 0; i < n; i++) {
			nbuddy += buf[i] == KPF(KPF_BUDDY);
			nres += (buf[i] & KPF(KPF_RESERVED)) != 0;
		}
	}
	getrusage(RUSAGE_SELF, &r1);
	cr_assert_lt(r1.ru_maxrss - r0.ru_maxrss, 64 << 10, "grew %ld KiB", r1.ru_maxrss - r0.ru_maxrss);
	cr_assert_gt(nbuddy, max / 2);
	cr_assert_gt(nres, 0);
	free(buf);
	mm_shutdown(big);
}

/* ---- proc/PID/mem ---- */

Test(pagemap, mem_round_trip)
{
	uint64_t a = map(1, 4 * K, RW, PA);
	char buf[32] = "";

	cr_assert_eq(mm_mem_rw(m, 1, a + K - 3, "hello, mem", 10, 1), 10, "across a page boundary");
	cr_assert_eq(mm_mem_rw(m, 1, a + K - 3, buf, 10, 0), 10);
	cr_assert_str_eq(buf, "hello, mem");
	memset(buf, 'x', sizeof(buf));
	cr_assert_eq(mm_mem_rw(m, 1, a + 3 * K, buf, 8, 0), 8, "untouched: zeros");
	cr_assert_eq(memcmp(buf, "\0\0\0\0\0\0\0\0", 8), 0);
	cr_assert_eq(pm(1, a + 3 * K), PM_PRESENT | m->zero_pfn, "a read maps the zero page");
}

Test(pagemap, mem_errors_and_short_counts)
{
	uint64_t a = 0x10000000;	/* no neighbour */
	char buf[64];

	cr_assert_eq(call(1, (struct mm_call){ .verb = MMV_MMAP, .addr = a, .len = 2 * K, .prot = RW,
					       .flags = PA | MM_MAP_FIXED }), a);
	cr_assert_eq(mm_mem_rw(m, 1, 0x1000, buf, 8, 0), -EIO, "unmapped");
	cr_assert_eq(mm_mem_rw(m, 1, 0x1000, "x", 1, 1), -EIO);
	cr_assert_eq(mm_mem_rw(m, 1, a + 2 * K - 16, buf, 64, 0), 16, "stops at the end of the VMA");
	cr_assert_eq(mm_mem_rw(m, 1, a, buf, 0, 0), 0);
	cr_assert_eq(mm_mem_rw(m, 4242, a, buf, 8, 0), -ESRCH);
}

Test(pagemap, mem_write_into_read_only_private_cows)
{
	uint64_t a = map(1, 4 * K, RW, PA), parent_pfn;
	char buf[16] = "";
	int c;

	cr_assert_eq(mm_mem_rw(m, 1, a, "parent", 6, 1), 6);
	parent_pfn = pfn_of(pm(1, a));
	c = (int)call(1, (struct mm_call){ .verb = MMV_FORK });
	call(c, (struct mm_call){ .verb = MMV_MPROTECT, .addr = a, .len = 4 * K, .prot = MM_PROT_READ });
	cr_assert_eq(mm_mem_rw(m, c, a, "child!", 6, 1), 6, "FOLL_FORCE");
	cr_assert_neq(pfn_of(pm(c, a)), parent_pfn, "the child got its own copy");
	cr_assert_eq(pm(c, a) & PM_MMAP_EXCLUSIVE, PM_MMAP_EXCLUSIVE);
	cr_assert_eq(mm_mem_rw(m, 1, a, buf, 6, 0), 6);
	cr_assert_str_eq(buf, "parent");
	cr_assert_eq(mm_mem_rw(m, c, a, buf, 6, 0), 6);
	cr_assert_str_eq(buf, "child!");
	cr_assert_eq(pm(1, a), PM_PRESENT | PM_MMAP_EXCLUSIVE | parent_pfn);
}

/*
 * A debugger reads and writes a private PROT_NONE mapping too (FOLL_FORCE,
 * a COW mapping): the page it faults in is mapped with a PROT_NONE PTE,
 * present to the kernel, counted in Rss, and freed by munmap. (Found by
 * fuzz_model: the PTE had neither the present nor the PROT_NONE bit, so it
 * read as a swap entry, the write failed with EIO, and the page was left
 * counted in Rss and AnonPages and never freed.)
 */
Test(pagemap, mem_write_into_prot_none_private)
{
	uint64_t a = map(1, 4 * K, MM_PROT_NONE, PA), e;
	int64_t anon0 = m->node[0]->vm_stat[NR_ANON_PAGES];
	char buf[8] = "";

	cr_assert_eq(mm_mem_rw(m, 1, a + 8, "gdb", 3, 1), 3);
	check_ok();
	e = pm(1, a);
	cr_assert_eq(e & (PM_PRESENT | PM_MMAP_EXCLUSIVE), PM_PRESENT | PM_MMAP_EXCLUSIVE);
	cr_assert_eq(m->node[0]->vm_stat[NR_ANON_PAGES], anon0 + 1);
	cr_assert_eq(mm_mem_rw(m, 1, a + 8, buf, 3, 0), 3);
	cr_assert_str_eq(buf, "gdb");
	cr_assert_eq(mm_mem_rw(m, 1, a + 2 * K, buf, 4, 0), 4, "a read maps the zero page");
	cr_assert_eq(pm(1, a + 2 * K), PM_PRESENT | m->zero_pfn);
	call(1, (struct mm_call){ .verb = MMV_MPROTECT, .addr = a, .len = 4 * K, .prot = RW });
	memset(buf, 0, sizeof(buf));
	cr_assert_eq(mm_mem_rw(m, 1, a + 8, buf, 3, 0), 3);
	cr_assert_str_eq(buf, "gdb");
	unmap(1, a, 4 * K);
	cr_assert_eq(m->node[0]->vm_stat[NR_ANON_PAGES], anon0, "the page is freed");
}

Test(pagemap, mem_write_to_read_only_file_mapping_leaves_the_file)
{
	uint64_t a = map_file(1, 4 * K, MM_PROT_READ, MM_MAP_PRIVATE);
	char buf[8] = "", path[128];
	FILE *f;

	cr_assert_eq(mm_mem_rw(m, 1, a + K, buf, 4, 0), 4);
	cr_assert_str_eq(buf, "bbbb");
	cr_assert_eq(mm_mem_rw(m, 1, a + K, "ZZ", 2, 1), 2);
	cr_assert_eq(pm(1, a + K) & (PM_FILE | PM_PRESENT), PM_PRESENT, "an anonymous copy");
	cr_assert_eq(mm_mem_rw(m, 1, a + K, buf, 4, 0), 4);
	cr_assert_str_eq(buf, "ZZbb");
	snprintf(path, sizeof(path), "%s/data", dir);
	f = fopen(path, "r");
	cr_assert_not_null(f);
	fseek(f, 4096, SEEK_SET);
	cr_assert_eq(fread(buf, 1, 4, f), 4);
	fclose(f);
	cr_assert_str_eq(buf, "bbbb", "the file is untouched");
}

/* ---- the file layer: offsets and sizes as procfs checks them ---- */

Test(pagemap, procbin_access_rules)
{
	uint64_t a = map(1, 4 * K, RW, PA), e[2];
	unsigned char raw[16];

	touch(1, a, K, 1);
	cr_assert_eq(procbin_read(m, PROCBIN_PAGEMAP, 1, raw, 7, a / K * 8), -EINVAL, "7 bytes");
	cr_assert_eq(procbin_read(m, PROCBIN_PAGEMAP, 1, raw, 8, a / K * 8 + 3), -EINVAL, "offset 3");
	cr_assert_eq(procbin_read(m, PROCBIN_KPAGEFLAGS, 0, raw, 12, 0), -EINVAL);
	cr_assert_eq(procbin_read(m, PROCBIN_KPAGECOUNT, 0, raw, 8, 4), -EINVAL);
	cr_assert_eq(procbin_read(m, PROCBIN_PAGEMAP, 1, raw, 16, a / K * 8), 16);
	memcpy(e, raw, 16);
	cr_assert_eq(e[0], pm(1, a), "little-endian words");
	cr_assert_eq(raw[7], 0x81, "present | exclusive in the top byte");
	cr_assert_eq(e[1], 0);
	cr_assert_eq(procbin_read(m, PROCBIN_PAGEMAP, 1, raw, 8, (TASK_SIZE / K) * 8), 0);
	cr_assert_eq(procbin_read(m, PROCBIN_PAGEMAP, 4242, raw, 8, 0), 0, "a gone process: empty");
	cr_assert_eq(procbin_read(m, PROCBIN_KPAGEFLAGS, 0, raw, 16, mm_max_pfn(m) * 8 - 8), 8);
	cr_assert_eq(procbin_read(m, PROCBIN_KPAGECOUNT, 0, raw, 8, mm_max_pfn(m) * 8), 0);
	cr_assert_eq(procbin_read(m, PROCBIN_MEM, 1, raw, 8, 0x1000), -EIO);
	cr_assert_eq(procbin_write(m, PROCBIN_MEM, 1, "abcdefgh", 8, a), 8);
	cr_assert_eq(procbin_read(m, PROCBIN_MEM, 1, raw, 8, a), 8);
	cr_assert_eq(memcmp(raw, "abcdefgh", 8), 0);
	cr_assert_eq(procbin_read(m, PROCBIN_MEM, 4242, raw, 8, a), 0);
	cr_assert_eq(procbin_write(m, PROCBIN_PAGEMAP, 1, raw, 8, 0), -EINVAL);
}
