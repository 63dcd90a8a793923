/* SPDX-License-Identifier: MIT */
/*
 * The fault path and copy-on-write, through the system-call API: every
 * kind of fault, Rss/Pss as smaps computes them, contents that must and
 * must not be shared, and the buddy allocator back to its boot state once
 * every process is gone. mm_check runs after every step.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/stat.h>

#include "leakcheck.h"
#include "../../mm/internal.h"
#include "../../mm/memory.h"
#include "../../mm/pgtable.h"
#include "../../mm/task.h"

static struct machine *m;

#include "mmtest.h"

static int call_err(int pid, struct mm_call c, char *why, size_t len)
{
	uint64_t ret;

	return mm_syscall(m, pid, &c, &ret, why, len);
}

/* The usage of the VMA containing addr, as smaps reports it. */

static void setup(void)
{
	struct mm_config cfg = { .ram_bytes = 1ULL << 30, .nr_nodes = 1 };

	m = mm_boot(&cfg, NULL, 0);
	cr_assert(m);
}

static void teardown(void)
{
	mm_shutdown(m);
	leak_check();
}

TestSuite(memory, .init = setup, .fini = teardown);

/* A load maps the shared zero page (not in Rss); a store allocates. */
Test(memory, zero_page_then_write_fault)
{
	uint64_t a = map_anon(1, 64 << 10, 0);
	struct task *t = find_task_by_pid(m, 1);
	uint64_t flt0 = t->min_flt, anon0 = m->node[0]->vm_stat[NR_ANON_PAGES];

	touch(1, a, 64 << 10, 0);
	cr_assert_eq(usage(1, a).rss, 0);
	cr_assert_eq(t->min_flt, flt0 + 16);
	touch(1, a, 16 << 10, 1);	/* 4 write-protect faults on the zero page */
	cr_assert_eq(usage(1, a).rss, 16 << 10);
	cr_assert_eq(usage(1, a).anonymous, 16 << 10);
	cr_assert_eq(usage(1, a).private_dirty, 16 << 10);
	cr_assert_eq(t->min_flt, flt0 + 20);
	cr_assert_eq(m->node[0]->vm_stat[NR_ANON_PAGES], (int64_t)anon0 + 4);
	touch(1, a, 16 << 10, 1);	/* already writable: no fault at all */
	cr_assert_eq(t->min_flt, flt0 + 20);
}

/* Data written before fork is shared until either side writes. */
Test(memory, cow_after_fork_keeps_contents_apart)
{
	uint64_t a = map_anon(1, 16 << 10, 0);
	int c;

	touch(1, a, 16 << 10, 1);
	mem_write(1, a, "parent");
	c = fork_of(1);
	/* both map the same 4 pages: Pss is half of Rss on each side */
	cr_assert_eq(usage(1, a).rss, 16 << 10);
	cr_assert_eq(usage(1, a).pss >> MM_PSS_SHIFT, 8 << 10);
	cr_assert_eq(usage(c, a).shared_dirty, 16 << 10);
	mem_expect(c, a, "parent");
	mem_write(c, a, "child!");	/* the child's first page is copied */
	mem_expect(1, a, "parent");
	mem_expect(c, a, "child!");
	/* 1 private page + 3 shared ones: 4 + 3 * 4 / 2 = 10 kB on each side */
	cr_assert_eq(usage(c, a).pss >> MM_PSS_SHIFT, 10 << 10);
	cr_assert_eq(usage(1, a).pss >> MM_PSS_SHIFT, 10 << 10);
	cr_assert_eq(usage(c, a).private_dirty, 4 << 10);
	kill_pid(c);
	/* the parent's pages are exclusive again: a write reuses them in place */
	cr_assert_eq(usage(1, a).pss >> MM_PSS_SHIFT, 16 << 10);
}

/* xv6 cowtest's "three": fork twice, three writers, any exit order. */
Test(memory, three_writers_any_exit_order)
{
	uint64_t a = map_anon(1, 8 << 10, 0);
	int c1, c2;

	touch(1, a, 8 << 10, 1);
	mem_write(1, a, "zero");
	c1 = fork_of(1);
	c2 = fork_of(c1);
	cr_assert_eq(usage(1, a).pss >> MM_PSS_SHIFT, (8 << 10) / 3);
	mem_write(c2, a, "two!");
	mem_write(c1, a, "one!");
	mem_expect(1, a, "zero");
	mem_expect(c1, a, "one!");
	mem_expect(c2, a, "two!");
	kill_pid(c1);	/* the middle one goes first: c2 is reparented to init */
	cr_assert_eq(find_task_by_pid(m, c2)->ppid, 1);
	mem_expect(c2, a, "two!");
	kill_pid(c2);
	mem_expect(1, a, "zero");
}

/* fork of a fork, then everything exits: the free lists are as at boot. */
Test(memory, buddy_state_restored_after_all_exit)
{
	struct mm_global_snap *before = mm_snap_global(m), *after;
	uint64_t bfree[MM_NR_ORDERS] = { 0 }, afree[MM_NR_ORDERS] = { 0 };
	char why[128];
	int p, c, g;

	cr_assert_eq(mm_spawn(m, "worker", &p, why, sizeof(why)), 0);
	uint64_t a = map_anon(p, 1 << 20, 0);
	touch(p, a, 1 << 20, 1);
	c = fork_of(p);
	touch(c, a, 512 << 10, 1);
	g = fork_of(c);
	touch(g, a + (256 << 10), 256 << 10, 1);
	kill_pid(p);
	kill_pid(g);
	kill_pid(c);
	after = mm_snap_global(m);
	for (int z = 0; z < MAX_NR_ZONES; z++)
		for (int o = 0; o < MM_NR_ORDERS; o++)
			for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
				bfree[o] += before->node[0].zone[z].nr_free[o][mt];
				afree[o] += after->node[0].zone[z].nr_free[o][mt];
			}
	/*
	 * every page comes back, but the slab caches keep the slabs their
	 * objects were in (SLUB keeps min_partial empty slabs per node), so
	 * the free pages plus Slab are what they were at boot
	 */
	uint64_t bpages = before->meminfo[MI_SLAB] / 4, apages = after->meminfo[MI_SLAB] / 4;

	for (int o = 0; o < MM_NR_ORDERS; o++) {
		bpages += bfree[o] << o;
		apages += afree[o] << o;
	}
	cr_assert_eq(apages, bpages, "%llu free and slab pages, %llu at boot",
		     (unsigned long long)apages, (unsigned long long)bpages);
	cr_assert_eq(after->meminfo[MI_ANONPAGES], before->meminfo[MI_ANONPAGES]);
	cr_assert_eq(after->meminfo[MI_PAGETABLES], before->meminfo[MI_PAGETABLES]);
	cr_assert_eq(after->meminfo[MI_KERNELSTACK], before->meminfo[MI_KERNELSTACK]);
	free(before);
	free(after);
}

/* Shared anonymous memory: one set of pages, seen by both sides. */
Test(memory, shared_anon_is_shared)
{
	uint64_t a = call(1, (struct mm_call){ .verb = MMV_MMAP, .len = 8 << 10, .fd = -1,
		.prot = MM_PROT_READ | MM_PROT_WRITE, .flags = MM_MAP_SHARED | MM_MAP_ANONYMOUS });
	int c;

	touch(1, a, 8 << 10, 1);
	c = fork_of(1);
	/* a shared mapping without anon pages is not copied at fork: the child faults */
	cr_assert_eq(usage(c, a).rss, 0);
	mem_write(c, a, "shared");
	mem_expect(1, a, "shared");
	cr_assert_eq(usage(c, a).rss, 4 << 10);
	cr_assert_eq(usage(1, a).pss_shmem >> MM_PSS_SHIFT, (4 << 10) + (2 << 10));
	cr_assert_eq(m->node[0]->vm_stat[NR_SHMEM], 2);
}

/* MADV_DONTFORK VMAs are not inherited; WIPEONFORK ones arrive empty. */
Test(memory, dontfork_and_wipeonfork)
{
	uint64_t a = map_anon(1, 8 << 10, 0), b = map_anon(1, 8 << 10, MM_MAP_NORESERVE);
	int c;

	touch(1, a, 8 << 10, 1);
	touch(1, b, 8 << 10, 1);
	mem_write(1, b, "wipe");
	call(1, (struct mm_call){ .verb = MMV_MADVISE, .addr = a, .len = 8 << 10, .advice = MM_MADV_DONTFORK });
	call(1, (struct mm_call){ .verb = MMV_MADVISE, .addr = b, .len = 8 << 10, .advice = MM_MADV_WIPEONFORK });
	c = fork_of(1);
	cr_assert_null(vma_lookup(find_task_by_pid(m, c)->mm, a));
	cr_assert_eq(usage(c, b).rss, 0);
	mem_expect_n(c, b, "\0\0\0\0", 4);
	mem_expect(1, b, "wipe");
}

/* Bad accesses are segfaults: EFAULT, a kmsg line, and the process lives on. */
Test(memory, segfaults)
{
	uint64_t a = call(1, (struct mm_call){ .verb = MMV_MMAP, .len = 4096, .fd = -1,
		.prot = MM_PROT_READ, .flags = MM_MAP_PRIVATE | MM_MAP_ANONYMOUS });
	char why[128];
	size_t len;
	char *log;

	cr_assert_eq(call_err(1, (struct mm_call){ .verb = MMV_TOUCH, .addr = 0x10000, .len = 1, .mode = 'r' },
			      why, sizeof(why)), -EFAULT);
	cr_assert_eq(call_err(1, (struct mm_call){ .verb = MMV_TOUCH, .addr = a, .len = 1, .mode = 'w' },
			      why, sizeof(why)), -EFAULT);
	cr_assert(strstr(why, "not writable"), "%s", why);
	log = mm_kmsg_text(m, &len);
	cr_assert(strstr(log, "init[1]: segfault at 10000 ip 0000000000000000 sp 0000000000000000 error 4 likely"), "%s", log);
	cr_assert(strstr(log, "segfault at "), "%s", log);
	free(log);
	cr_assert(find_task_by_pid(m, 1));
	check_ok();
}

/* A load below the stack, within its rlimit, grows it as the kernel does. */
Test(memory, stack_grows_down)
{
	struct task *t = find_task_by_pid(m, 1);
	struct vm_area_struct *stack = vma_lookup(t->mm, t->mm->start_stack);
	uint64_t start = stack->vm_start;

	touch(1, start - (64 << 10), 4096, 1);
	cr_assert_eq(stack->vm_start, start - (64 << 10));
	cr_assert_eq(t->mm->stack_vm, (stack->vm_end - stack->vm_start) >> 12);
}

/*
 * Growing a stack gives it an anon_vma (expand_downwards), so making part
 * of it read-only later keeps VM_ACCOUNT: mprotect drops the charge only
 * from anonymous memory that has no anon_vma yet.
 */
Test(memory, stack_growth_prepares_anon_vma)
{
	struct task *t = find_task_by_pid(m, 1);
	uint64_t a = 0x500000103000ULL;
	struct vm_area_struct *vma;

	call(1, (struct mm_call){ .verb = MMV_MMAP, .addr = a, .len = 8 << 12, .fd = -1,
		.prot = MM_PROT_READ | MM_PROT_WRITE,
		.flags = MM_MAP_PRIVATE | MM_MAP_ANONYMOUS | MM_MAP_FIXED | MM_MAP_GROWSDOWN });
	cr_assert_null(vma_lookup(t->mm, a)->anon_vma);
	touch(1, a - 0x800, 4096, 0);	/* a load: the zero page, no anon page */
	vma = vma_lookup(t->mm, a - 4096);
	cr_assert_eq(vma->vm_start, a - 4096);
	cr_assert_not_null(vma->anon_vma);
	call(1, (struct mm_call){ .verb = MMV_MPROTECT, .addr = a + (6 << 12), .len = 2 << 12,
				  .prot = MM_PROT_READ });
	cr_assert(vma_lookup(t->mm, a + (6 << 12))->vm_flags & MM_VM_ACCOUNT);
}

/*
 * An mlocked page that MADV_FREE made lazily freeable (no longer
 * swap-backed) goes back to the file LRU when its mapping goes, where
 * the LRU counters look for it (mm_check runs after the exit).
 */
Test(memory, munlocked_lazyfree_page_goes_to_the_file_list)
{
	char why[128];
	int p;
	uint64_t a;

	cr_assert_eq(mm_spawn(m, "lazy", &p, why, sizeof(why)), 0);
	a = map_anon(p, 8 << 12, MM_MAP_POPULATE);
	call(p, (struct mm_call){ .verb = MMV_MADVISE, .addr = a, .len = 8 << 12,
				  .advice = MM_MADV_FREE });
	call(p, (struct mm_call){ .verb = MMV_MLOCK, .addr = a, .len = 4096 });
	cr_assert(PageFlag(pfn_to_page(m, pte_pfn(*pte_lookup(m, find_task_by_pid(m, p)->mm, a, 0,
							      NULL))), PG_unevictable));
	kill_pid(p);
}

/*
 * Stack growth is charged to Committed_AS (acct_stack_growth), so that
 * unmapping the grown stack gives back exactly what was charged. (Found
 * by fuzz_model: a MAP_GROWSDOWN mapping grown by a fault and unmapped
 * took Committed_AS below its boot value.) Under overcommit_memory=2 a
 * growth past CommitLimit fails: the access is a segfault.
 */
Test(memory, stack_growth_is_committed)
{
	struct task *t = find_task_by_pid(m, 1);
	uint64_t c0 = m->vm_committed_as, a = 0x40000000;
	struct mm_call map = { .verb = MMV_MMAP, .addr = a, .len = 4 << 12, .fd = -1,
		.prot = MM_PROT_READ | MM_PROT_WRITE,
		.flags = MM_MAP_PRIVATE | MM_MAP_ANONYMOUS | MM_MAP_FIXED | MM_MAP_GROWSDOWN };
	char why[128];

	call(1, map);
	cr_assert_eq(m->vm_committed_as, c0 + 4);
	touch(1, a - 3 * 4096, 8, 1);
	cr_assert_eq(vma_lookup(t->mm, a - 3 * 4096)->vm_start, a - 3 * 4096);
	cr_assert_eq(m->vm_committed_as, c0 + 7);
	call(1, (struct mm_call){ .verb = MMV_MUNMAP, .addr = a - 3 * 4096, .len = 7 << 12 });
	cr_assert_eq(m->vm_committed_as, c0);

	call(1, map);
	cr_assert_eq(mm_tunable_write(m, "overcommit_memory", "2", 1), 0);
	cr_assert_eq(mm_tunable_write(m, "overcommit_kbytes", "4", 1), 0);	/* CommitLimit 1 page */
	cr_assert_eq(call_err(1, (struct mm_call){ .verb = MMV_TOUCH, .addr = a - 4096, .len = 8,
					 .mode = 'w' }, why, sizeof(why)), -EFAULT);
	cr_assert_eq(vma_lookup(t->mm, a)->vm_start, a, "a refused growth leaves the VMA");
	cr_assert_eq(m->vm_committed_as, c0 + 4);
	check_ok();
}

/* Page tables are real pages: PageTables counts them all, VmPTE all but the PGD. */
Test(memory, page_table_accounting)
{
	uint64_t a = map_anon(1, 4096, 0);
	struct task *t = find_task_by_pid(m, 1);
	int64_t pt0 = m->node[0]->vm_stat[NR_PAGE_TABLE_PAGES];

	cr_assert_eq(t->mm->pgd, 0);
	touch(1, a, 4096, 1);
	/* PGD + PUD + PMD + PTE */
	cr_assert_eq(m->node[0]->vm_stat[NR_PAGE_TABLE_PAGES], pt0 + 4);
	cr_assert_eq(t->mm->pgtables_bytes, 3 * 4096);
	touch(1, t->mm->start_stack, 8, 1);	/* the stack is under the same PUD */
	cr_assert_eq(m->node[0]->vm_stat[NR_PAGE_TABLE_PAGES], pt0 + 5);
}

/* A store through a shared file mapping dirties the page; sync writes it back and cleans it. */
Test(memory, shared_file_store_then_sync)
{
	char dir[] = "/tmp/mmfs-wb.XXXXXX", path[128], buf[8] = "", why[128];
	struct mm_global_snap *s;
	uint64_t a;
	FILE *f;

	cr_assert(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/f", dir);
	f = fopen(path, "w");
	fputs("old bytes and more", f);
	fclose(f);
	cr_assert_eq(mm_set_backing(m, dir, 0xfe, 1), 0);
	struct mm_call c = { .verb = MMV_MMAP, .len = 4096, .fd = -1,
		.prot = MM_PROT_READ | MM_PROT_WRITE, .flags = MM_MAP_SHARED };
	strcpy(c.path, "/f");
	a = call(1, c);
	mem_write(1, a, "NEW");
	s = mm_snap_global(m);
	cr_assert_eq(s->meminfo[MI_DIRTY], 4);
	free(s);
	cr_assert_eq(mm_sync(m, why, sizeof(why)), 0, "%s", why);
	check_ok();
	s = mm_snap_global(m);
	cr_assert_eq(s->meminfo[MI_DIRTY], 0);
	free(s);
	f = fopen(path, "r");
	cr_assert(fread(buf, 1, 7, f) == 7);
	fclose(f);
	cr_assert_str_eq(buf, "NEW byt");
	/* the file keeps its size: the page's tail past EOF is not written */
	struct stat st;
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_size, 18);
	/* the PTE was cleaned: the next store dirties the page again */
	touch(1, a, 1, 1);
	s = mm_snap_global(m);
	cr_assert_eq(s->meminfo[MI_DIRTY], 4);
	free(s);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	cr_assert_eq(system(path), 0);
}

/* mremap of a locked mapping faults in the part it adds, as the kernel's mm_populate does. */
Test(memory, mremap_locked_populates_new_part)
{
	uint64_t a = call(1, (struct mm_call){ .verb = MMV_MMAP, .len = 8192, .fd = -1,
		.prot = MM_PROT_READ | MM_PROT_WRITE, .flags = MM_MAP_SHARED | MM_MAP_ANONYMOUS | MM_MAP_LOCKED });
	uint64_t b;

	cr_assert_eq(usage(1, a).rss, 8192);
	/* old_len 0 on a shared mapping: a second mapping of the same pages */
	b = call(1, (struct mm_call){ .verb = MMV_MREMAP, .addr = a, .len = 0, .new_len = 8192,
		.flags = MM_MREMAP_MAYMOVE });
	cr_assert_neq(a, b);
	cr_assert_eq(usage(1, b).rss, 8192);
	/* both mappings share each page now: Locked is their PSS */
	cr_assert_eq(usage(1, a).locked_pss >> MM_PSS_SHIFT, 4096);
}

/*
 * MADV_PAGEOUT discards lazily freeable pages (MADV_FREE) even with no
 * swap, unless a store dirtied them since: that one stays, swap-backed
 * again, and the discarded ones read as zeros (the zero page) later.
 */
Test(memory, pageout_discards_lazyfree_pages)
{
	uint64_t a = map_anon(1, 8 << 12, MM_MAP_POPULATE);
	uint64_t freed0 = m->vm_events[PGLAZYFREED];

	call(1, (struct mm_call){ .verb = MMV_MADVISE, .addr = a, .len = 8 << 12,
				  .advice = MM_MADV_FREE });
	touch(1, a + (4 << 12), 1, 1);
	call(1, (struct mm_call){ .verb = MMV_MADVISE, .addr = a, .len = 8 << 12,
				  .advice = MM_MADV_PAGEOUT });
	cr_assert_eq(usage(1, a).rss, 4096);
	cr_assert_eq(m->vm_events[PGLAZYFREED], freed0 + 7);
	touch(1, a, 1, 0);
	cr_assert_eq(usage(1, a).rss, 4096, "a load maps the zero page");
}

/*
 * pte_lookup's per-mm walk cache: a table freed by munmap and the range
 * mapped again, a PMD that became huge and was split back, and a fork's
 * copy must each be found afresh, never through the table remembered
 * from before (the data read back would be the old mapping's).
 */
Test(memory, walk_cache_never_reaches_a_stale_table)
{
	uint64_t a = map_anon(1, 4 << 20, 0);
	pte_t *before;
	int child;

	mem_write(1, a, "old");
	before = pte_lookup(m, m->tasks[1]->mm, a, 0, NULL);
	cr_assert(before && pte_present(*before));
	call(1, (struct mm_call){ .verb = MMV_MUNMAP, .addr = a, .len = 4 << 20 });
	cr_assert_null(pte_lookup(m, m->tasks[1]->mm, a, 0, NULL), "the PTE table went with the VMA");
	cr_assert_eq(call(1, (struct mm_call){ .verb = MMV_MMAP, .addr = a, .len = 4 << 20, .fd = -1,
		.prot = MM_PROT_READ | MM_PROT_WRITE,
		.flags = MM_MAP_PRIVATE | MM_MAP_ANONYMOUS | MM_MAP_FIXED }), a);
	mem_expect_n(1, a, "\0\0\0", 3);
	mem_write(1, a + 4096, "new");
	mem_expect(1, a + 4096, "new");
	cr_assert_eq(usage(1, a).rss, 4096, "the read mapped the zero page");

	child = fork_of(1);
	mem_write(child, a + 4096, "kid");
	mem_expect(1, a + 4096, "new");
	mem_expect(child, a + 4096, "kid");
	cr_assert_neq(pte_lookup(m, m->tasks[1]->mm, a + 4096, 0, NULL),
		      pte_lookup(m, m->tasks[child]->mm, a + 4096, 0, NULL), "each mm its own table");
	kill_pid(child);
	mem_expect(1, a + 4096, "new");
}
