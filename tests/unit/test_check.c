/* SPDX-License-Identifier: MIT */
/*
 * The invariant checker must catch each kind of corruption: every test
 * breaks one invariant on purpose and expects its report line. A clean
 * machine must report exactly "ok".
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "leakcheck.h"
#include "../../mm/internal.h"
#include "../../mm/page_alloc.h"

static struct machine *m;

static void setup(void)
{
	struct mm_config cfg = { .ram_bytes = 256ULL << 20, .nr_nodes = 1 };

	m = mm_boot(&cfg, NULL, 0);
	cr_assert(m);
	/* split a MAX_ORDER block so that DMA32 has free blocks of every order */
	machine_lock(m);
	for (int i = 0; i < 2; i++)
		cr_assert(alloc_pages(m, GFP_HIGHUSER_MOVABLE, 0, 0));
	machine_unlock(m);
}

static void teardown(void)
{
	/* shutdown releases memory without walking the (corrupted) free lists */
	mm_shutdown(m);
	m = NULL;
	leak_check();
}

static struct zone *dma32(void)
{
	return &m->node[0]->node_zones[ZONE_DMA32];
}

/* The first listed free block of the zone of at least order min_order. */
static struct page *some_free_block(struct zone *z, unsigned min_order, unsigned *order, int *mt)
{
	for (unsigned o = min_order; o <= MM_MAX_ORDER; o++)
		for (int t = 0; t < MIGRATE_TYPES; t++)
			if (!list_empty(&z->free_area[o].free_list[t])) {
				*order = o;
				*mt = t;
				return list_first_entry(&z->free_area[o].free_list[t], struct page, lru);
			}
	cr_assert_fail("no free block of order >= %u", min_order);
	return NULL;
}

static void expect_report(const char *needle)
{
	int nbad = 0;
	char *r = mm_check(m, &nbad);

	cr_assert_gt(nbad, 0, "corruption not detected; report: %s", r);
	cr_assert(strstr(r, needle), "expected '%s' in report:\n%s", needle, r);
	free(r);
}

TestSuite(check, .init = setup, .fini = teardown);

Test(check, clean_machine_is_ok)
{
	int nbad = -1;
	char *r = mm_check(m, &nbad);

	cr_assert_eq(nbad, 0);
	cr_assert_str_eq(r, "ok\n");
	free(r);
}

Test(check, nr_free_count_wrong)
{
	dma32()->free_area[2].nr_free[MIGRATE_MOVABLE]++;
	expect_report("order 2 Movable: nr_free");
}

Test(check, nr_free_pages_counter_wrong)
{
	dma32()->vm_stat[NR_FREE_PAGES] -= 3;
	expect_report("NR_FREE_PAGES ");
	expect_report("but free lists hold");
	expect_report("meminfo MemFree");
}

Test(check, nr_free_pages_blocks_counter_wrong)
{
	dma32()->vm_stat[NR_FREE_PAGES_BLOCKS] += 512;
	expect_report("NR_FREE_PAGES_BLOCKS");
}

Test(check, buddy_flag_lost)
{
	unsigned o;
	int mt;
	struct page *p = some_free_block(dma32(), 0, &o, &mt);

	ClearPageFlag(p, PG_buddy);
	expect_report("has buddy=0");
}

Test(check, wrong_order_recorded)
{
	unsigned o;
	int mt;
	struct page *p = some_free_block(dma32(), 1, &o, &mt);

	p->private = o - 1;
	expect_report("list has buddy=1 order=");
}

Test(check, free_block_with_refcount)
{
	unsigned o;
	int mt;
	struct page *p = some_free_block(dma32(), 0, &o, &mt);

	p->refcount = 1;
	expect_report("has refcount 1");
}

Test(check, pageblock_type_mismatch)
{
	unsigned o;
	int mt;
	struct page *p = some_free_block(dma32(), 0, &o, &mt);

	set_pageblock_migratetype(m, page_to_pfn(m, p), MIGRATE_RECLAIMABLE);
	expect_report(mt == MIGRATE_UNMOVABLE ? "Unmovable list in a Reclaimable pageblock"
					      : "Movable list in a Reclaimable pageblock");
}

/* Split one listed block into its two halves without merging them back. */
Test(check, unmerged_buddies)
{
	struct zone *z = dma32();
	unsigned o;
	int mt;
	struct page *p = some_free_block(z, 1, &o, &mt);
	uint64_t pfn = page_to_pfn(m, p);
	struct page *q = pfn_to_page(m, pfn + (1ULL << (o - 1)));

	cr_assert(o - 1 < pageblock_order);
	list_del(&p->lru);
	z->free_area[o].nr_free[mt]--;
	p->private = o - 1;
	SetPageFlag(q, PG_buddy);
	q->private = o - 1;
	list_add(&p->lru, &z->free_area[o - 1].free_list[mt]);
	list_add(&q->lru, &z->free_area[o - 1].free_list[mt]);
	z->free_area[o - 1].nr_free[mt] += 2;
	if (o >= pageblock_order)
		z->vm_stat[NR_FREE_PAGES_BLOCKS] -= 1LL << o;
	expect_report("not merged");
}

/* A second free block listed inside an existing one. */
Test(check, overlapping_free_blocks)
{
	struct zone *z = dma32();
	unsigned o;
	int mt;
	struct page *p = some_free_block(z, 2, &o, &mt);
	struct page *inner = pfn_to_page(m, page_to_pfn(m, p) + 2);

	SetPageFlag(inner, PG_buddy);
	inner->private = 1;
	list_add(&inner->lru, &z->free_area[1].free_list[mt]);
	z->free_area[1].nr_free[mt]++;
	z->vm_stat[NR_FREE_PAGES] += 2;
	expect_report("overlaps another free block");
}

Test(check, free_block_on_reserved_memory)
{
	struct zone *z = dma32();
	struct page *k = pfn_to_page(m, 0x1000);	/* the kernel image starts here */

	SetPageFlag(k, PG_buddy);
	k->private = 0;
	list_add(&k->lru, &z->free_area[0].free_list[MIGRATE_MOVABLE]);
	z->free_area[0].nr_free[MIGRATE_MOVABLE]++;
	z->vm_stat[NR_FREE_PAGES]++;
	expect_report("covers a hole or reserved page");
}

Test(check, misaligned_block)
{
	struct zone *z = dma32();
	unsigned o;
	int mt;
	struct page *p = some_free_block(z, 2, &o, &mt);
	struct page *odd = pfn_to_page(m, page_to_pfn(m, p) + 1);

	/* move the listed block one page up, keeping its order */
	list_del(&p->lru);
	ClearPageFlag(p, PG_buddy);
	SetPageFlag(odd, PG_buddy);
	odd->private = o;
	list_add(&odd->lru, &z->free_area[o].free_list[mt]);
	expect_report("not aligned to order");
}

Test(check, watermarks_out_of_order)
{
	dma32()->_watermark[WMARK_LOW] = dma32()->_watermark[WMARK_HIGH] + 1;
	expect_report("watermarks out of order");
}

Test(check, managed_exceeds_present)
{
	dma32()->managed_pages = dma32()->present_pages + 1;
	expect_report("not nested");
	expect_report("totalram_pages");
}

Test(check, pristine_range_misaligned)
{
	struct zone *z = dma32();

	cr_assert(z->pristine_end > z->pristine_start);
	z->pristine_start += 1;
	expect_report("pristine range");
}

Test(check, negative_node_counter)
{
	m->node[0]->vm_stat[NR_ANON_PAGES] = -1;
	expect_report("nr_anon_pages is negative");
}

/* ---- paging invariants ---- */

#include "../../mm/task.h"
#include "../../mm/pgtable.h"
#include "../../mm/rmap.h"

/* pid 1 with one written page at the returned address. */
static uint64_t one_written_page(void)
{
	struct mm_call c = { .verb = MMV_MMAP, .len = 4096, .fd = -1,
		.prot = MM_PROT_READ | MM_PROT_WRITE, .flags = MM_MAP_PRIVATE | MM_MAP_ANONYMOUS };
	uint64_t addr = 0, ret;
	char why[128];

	cr_assert_eq(mm_syscall(m, 1, &c, &addr, why, sizeof(why)), 0, "%s", why);
	c = (struct mm_call){ .verb = MMV_TOUCH, .addr = addr, .len = 4096, .mode = 'w' };
	cr_assert_eq(mm_syscall(m, 1, &c, &ret, why, sizeof(why)), 0, "%s", why);
	return addr;
}

static struct page *page_at(uint64_t addr)
{
	struct task *t = find_task_by_pid(m, 1);
	pte_t *pte;

	machine_lock(m);
	pte = pte_lookup(m, t->mm, addr, 0, NULL);
	machine_unlock(m);
	cr_assert(pte && pte_present(*pte));
	return pfn_to_page(m, pte_pfn(*pte));
}

Test(check, paging_clean_after_a_fault)
{
	int nbad = -1;
	char *r;

	one_written_page();
	r = mm_check(m, &nbad);
	cr_assert_eq(nbad, 0, "%s", r);
	free(r);
}

Test(check, mapcount_wrong)
{
	struct page *page = page_at(one_written_page());

	page->mapcount = 2;
	expect_report("mapcount 2, mapped by 1 PTEs");
	page->mapcount = 1;	/* teardown unmaps it: leave it consistent */
}

Test(check, rss_counter_wrong)
{
	one_written_page();
	find_task_by_pid(m, 1)->mm->rss[MM_ANONPAGES]++;
	expect_report("pid 1: rss counter 1 is 2, its PTEs map 1");
}

Test(check, anon_pages_counter_wrong)
{
	one_written_page();
	m->node[0]->vm_stat[NR_ANON_PAGES] += 3;
	expect_report("AnonPages counts 4 pages, the page tables map 1");
}

Test(check, lru_counter_wrong)
{
	one_written_page();
	m->node[0]->vm_stat[NR_INACTIVE_ANON]--;
	expect_report("node 0: LRU list 0 holds 1 pages, its counter says 0");
}

Test(check, evictable_page_on_the_unevictable_list)
{
	struct page *page = page_at(one_written_page());

	machine_lock(m);
	lru_del(m, page);
	lru_add(m, page, LRU_UNEVICTABLE);	/* neither mlocked nor SHM_LOCK'd */
	machine_unlock(m);
	expect_report("is on the unevictable list but evictable");
	machine_lock(m);
	lru_del(m, page);
	lru_add(m, page, LRU_INACTIVE_ANON);
	machine_unlock(m);
}

Test(check, pte_outside_every_vma)
{
	uint64_t addr = one_written_page();
	struct task *t = find_task_by_pid(m, 1);
	struct vm_area_struct *vma = vma_lookup(t->mm, addr);

	/* shrink the VMA under its page without unmapping it */
	machine_lock(m);
	if (vma->vm_end - vma->vm_start > 4096)
		vma_adjust(t->mm, vma, vma->vm_start == addr ? addr + 4096 : vma->vm_start,
			   vma->vm_start == addr ? vma->vm_end : addr, vma->vm_pgoff);
	else
		vma_remove(t->mm, vma);
	machine_unlock(m);
	expect_report("outside every VMA");
}

/* ---- CPU affinity (migrate_sys.c) ---- */

Test(check, task_cpu_out_of_range)
{
	find_task_by_pid(m, 1)->cpu = 7;
	expect_report("pid 1: runs on CPU 7 of 2");
	find_task_by_pid(m, 1)->cpu = 0;
}

Test(check, task_cpu_outside_its_mask)
{
	struct task *t = find_task_by_pid(m, 1);

	t->affinity_set = 1;
	t->cpus_allowed[0] = 0x2;
	expect_report("pid 1: runs on CPU 0 outside its affinity mask");
	t->cpus_allowed[0] = 0x5;
	expect_report("affinity mask names CPU 2, which is not online");
	t->affinity_set = 0;
}
