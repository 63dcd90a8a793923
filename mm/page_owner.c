// SPDX-License-Identifier: MIT
/*
 * page_owner.c - who allocated each page (kernel: mm/page_owner.c and the
 * stack depot's role for the call paths); the contract is page_owner.h.
 *
 * Linux records the allocating task's pid, tgid and comm, the order, the
 * gfp mask, local_clock() and a stack trace in the page's page_ext when
 * post_alloc_hook runs, clears "allocated" when the page is freed, copies
 * the record to the new folio when migration moves one, and counts the
 * base pages each stack holds for page_owner_stacks/show_stacks. The model
 * does the same with the simulated clock and the model's own call path.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "arena.h"
#include "oom_kill.h"
#include "page_alloc.h"
#include "page_owner.h"
#include "task.h"

/*
 * The frames of each site, innermost first, below the allocator's own.
 * They name the kernel function that plays the part the model's code does
 * at that site (mm/memory.c's do_anonymous_page, filemap.c's page cache
 * allocation ...), so a reader of page_owner finds them in both.
 */
#define FAULT_FRAMES	"__handle_mm_fault", "handle_mm_fault", "do_user_addr_fault", \
			"exc_page_fault", "asm_exc_page_fault"
#define MPOL_FRAMES	"alloc_pages_mpol", "vma_alloc_folio_noprof"

static const char *const site_frames[PO_NR_SITES][12] = {
	[PO_SITE_NONE]		= { "alloc_pages_noprof" },
	[PO_SITE_ANON]		= { MPOL_FRAMES, "do_anonymous_page", FAULT_FRAMES },
	[PO_SITE_COW]		= { MPOL_FRAMES, "wp_page_copy", FAULT_FRAMES },
	[PO_SITE_COW_FILE]	= { MPOL_FRAMES, "do_cow_fault", "do_fault", FAULT_FRAMES },
	[PO_SITE_PAGECACHE]	= { "alloc_pages_mpol", "folio_alloc_noprof",
				    "filemap_alloc_folio_noprof", "__filemap_get_folio" },
	[PO_SITE_SHMEM]		= { "alloc_pages_mpol", "folio_alloc_mpol_noprof",
				    "shmem_alloc_folio", "shmem_alloc_and_add_folio",
				    "shmem_get_folio_gfp" },
	[PO_SITE_SWAPIN]	= { "alloc_pages_mpol", "folio_alloc_mpol_noprof",
				    "__read_swap_cache_async", "swapin_readahead",
				    "do_swap_page", FAULT_FRAMES },
	[PO_SITE_THP]		= { MPOL_FRAMES, "do_huge_pmd_anonymous_page", FAULT_FRAMES },
	[PO_SITE_HUGE_ZERO]	= { "alloc_pages_noprof", "get_huge_zero_folio",
				    "do_huge_pmd_anonymous_page", FAULT_FRAMES },
	[PO_SITE_HUGETLB]	= { "alloc_buddy_hugetlb_folio", "alloc_fresh_hugetlb_folio",
				    "alloc_pool_huge_folio", "set_max_huge_pages",
				    "hugetlb_sysctl_handler_common" },
	[PO_SITE_MIGRATE]	= { "alloc_migration_target", "migrate_pages_batch",
				    "migrate_pages" },
	[PO_SITE_PGTABLE]	= { "alloc_pages_noprof", "pte_alloc_one", "__pte_alloc" },
	[PO_SITE_STACK]		= { "alloc_pages_noprof", "alloc_thread_stack_node",
				    "dup_task_struct", "copy_process", "kernel_clone" },
	[PO_SITE_SLAB]		= { "alloc_slab_page", "allocate_slab", "new_slab",
				    "___slab_alloc", "__slab_alloc", "kmem_cache_alloc_noprof" },
	/* kmalloc of a size known at compile time (kmalloc_trace) */
	[PO_SITE_SLAB_KMALLOC]	= { "alloc_slab_page", "allocate_slab", "new_slab",
				    "___slab_alloc", "__slab_alloc", "__kmalloc_cache_noprof" },
};

static const char *const fast_frames[] = {
	"post_alloc_hook", "get_page_from_freelist", "__alloc_frozen_pages_noprof",
};
static const char *const slow_frames[] = {
	"post_alloc_hook", "get_page_from_freelist", "__alloc_pages_slowpath",
	"__alloc_frozen_pages_noprof",
};

int mm_page_owner_stack(int handle, const char **frames, int max)
{
	int site = (handle - 1) / 2, slow = (handle - 1) % 2, n = 0;
	const char *const *pre = slow ? slow_frames : fast_frames;
	int npre = slow ? 4 : 3;

	if (handle < 1 || handle >= PO_NR_HANDLES)
		return 0;
	for (int i = 0; i < npre && n < max; i++)
		frames[n++] = pre[i];
	for (int i = 0; i < 12 && site_frames[site][i] && n < max; i++)
		frames[n++] = site_frames[site][i];
	return n;
}

int page_owner_init(struct machine *m)
{
	if (!m->cfg.page_owner)
		return 0;
	m->page_owner = kcalloc((size_t)m->max_pfn, sizeof(struct page_owner));
	return m->page_owner ? 0 : -ENOMEM;
}

/*
 * pageowner_init and init_pages_in_zone's lines. Every allocation is
 * recorded from the first one, so no page was allocated "early".
 */
void page_owner_boot_log(struct machine *m)
{
	if (!m->page_owner) {
		kmsg_add(m, "page_owner is disabled");
		return;
	}
	for (int n = 0; n < m->nr_nodes; n++)
		for (int z = 0; z < MAX_NR_ZONES; z++)
			if (populated_zone(&m->node[n]->node_zones[z]))
				kmsg_add(m, "Node %d, zone %8s: page owner found early allocated 0 pages",
					 n, zone_names[z]);
}

void page_owner_free(struct machine *m)
{
	kfree(m->page_owner);
	m->page_owner = NULL;
}

void page_owner_site(struct machine *m, enum page_owner_site site)
{
	m->po_site = (uint8_t)site;
}

void set_page_owner(struct machine *m, struct page *page, unsigned order, unsigned gfp, int slow)
{
	struct page_owner rec, *po;
	struct task *t = m->cur_task;

	if (!m->page_owner)
		return;
	memset(&rec, 0, sizeof(rec));	/* no stray padding in the image */
	rec.handle = (uint16_t)(m->po_site * 2 + 1 + !!slow);
	m->po_site = PO_SITE_NONE;
	rec.order = (uint8_t)order;
	rec.gfp_mask = gfp;
	rec.last_migrate_reason = -1;
	rec.pid = t ? t->pid : 0;
	rec.tgid = t ? t->tgid : 0;
	rec.ts_nsec = m->sim_ns;
	rec.ext_flags = PAGE_EXT_OWNER | PAGE_EXT_OWNER_ALLOCATED;
	_Static_assert(sizeof(rec.comm) == TASK_COMM_LEN, "comm is the task's");
	if (t)
		memcpy(rec.comm, t->comm, sizeof(rec.comm));
	else
		memcpy(rec.comm, "swapper/0", sizeof("swapper/0"));
	po = &m->page_owner[page_to_pfn(m, page)];
	for (uint64_t i = 0; i < (1ULL << order); i++)
		po[i] = rec;
	if (!m->po_stack_seq[rec.handle])
		m->po_stack_seq[rec.handle] = ++m->po_nr_stacks;
	m->po_nr_base_pages[rec.handle] += 1ULL << order;
}

void reset_page_owner(struct machine *m, struct page *page, unsigned order)
{
	struct page_owner *po;

	if (!m->page_owner)
		return;
	po = &m->page_owner[page_to_pfn(m, page)];
	for (uint64_t i = 0; i < (1ULL << order); i++, po++) {
		if (!(po->ext_flags & PAGE_EXT_OWNER_ALLOCATED))
			continue;
		po->ext_flags &= (uint8_t)~PAGE_EXT_OWNER_ALLOCATED;
		m->po_nr_base_pages[po->handle]--;
	}
}

void split_page_owner(struct machine *m, struct page *page, unsigned nr)
{
	struct page_owner *po;

	if (!m->page_owner)
		return;
	po = &m->page_owner[page_to_pfn(m, page)];
	for (unsigned i = 0; i < nr; i++)
		po[i].order = 0;
}

/*
 * Linux copies the old folio's record to the new one and leaves the old
 * one to be freed; the base pages move from the new page's stack (the
 * migration target's) to the old one's, as the kernel's refcount fix does.
 */
void folio_copy_owner(struct machine *m, struct page *newp, struct page *old, unsigned nr, int reason)
{
	struct page_owner *n, *o;

	if (!m->page_owner)
		return;
	n = &m->page_owner[page_to_pfn(m, newp)];
	o = &m->page_owner[page_to_pfn(m, old)];
	for (unsigned i = 0; i < nr; i++) {
		if (n[i].ext_flags & PAGE_EXT_OWNER_ALLOCATED)
			m->po_nr_base_pages[n[i].handle]--;
		n[i] = o[i];
		n[i].last_migrate_reason = (int8_t)reason;
		n[i].ext_flags = PAGE_EXT_OWNER | PAGE_EXT_OWNER_ALLOCATED;
		m->po_nr_base_pages[n[i].handle]++;
	}
}

/* ---- what page_owner shows (public entry points: they lock) ---- */

const char *const mm_migrate_reason_names[MR_TYPES] = {
	"compaction", "memory_failure", "memory_hotplug", "syscall_or_cpuset",
	"mempolicy_mbind", "numa_misplaced", "contig_range", "longterm_pin",
	"demotion", "damon",
};

void mm_gfp_format(unsigned gfp, char *buf, size_t len)
{
	oom_format_gfp(gfp, buf, len);
}

/*
 * Linux's page->flags: include/linux/page-flags.h's bit of each flag the
 * model keeps, and page-flags-layout.h's fields for NODES_SHIFT 10,
 * 3 zone bits and a 21-bit last_cpupid (8192 CPUs), all of which a
 * distribution x86-64 kernel has: zone at bit 51, node at 54, last_cpupid
 * at 30, reset to all ones (no NUMA-balancing fault yet).
 */
#define L_ZONES_PGSHIFT		51
#define L_NODES_PGSHIFT		54
#define L_LAST_CPUPID_PGSHIFT	30
#define L_LAST_CPUPID_MASK	0x1fffffULL

static const struct { int8_t model, linux_bit; } flag_bits[] = {
	{ PG_locked, 0 }, { PG_writeback, 1 }, { PG_referenced, 2 }, { PG_uptodate, 3 },
	{ PG_dirty, 4 }, { PG_lru, 5 }, { PG_head, 6 }, { PG_active, 8 },
	{ PG_workingset, 9 }, { PG_swapcache, 10 }, { PG_reserved, 13 },
	{ PG_reclaim, 16 }, { PG_swapbacked, 17 }, { PG_unevictable, 18 },
	{ PG_mlocked, 20 },
};

static uint64_t linux_page_flags(struct machine *m, uint64_t pfn)
{
	const struct page *page = pfn_to_page(m, pfn);
	struct zone *z = pfn_zone(m, pfn);
	uint64_t f = 0;

	for (size_t i = 0; i < sizeof(flag_bits) / sizeof(flag_bits[0]); i++)
		if (PageFlag(page, (enum pageflags)flag_bits[i].model))
			f |= 1ULL << flag_bits[i].linux_bit;
	if (z)
		f |= (uint64_t)z->idx << L_ZONES_PGSHIFT | (uint64_t)z->nid << L_NODES_PGSHIFT;
	return f | L_LAST_CPUPID_MASK << L_LAST_CPUPID_PGSHIFT;
}

int mm_page_owner_enabled(struct machine *m)
{
	return m->cfg.page_owner;
}

static void snap_stacks(struct machine *m, struct mm_page_owner_snap *s)
{
	/* stack_list: a new stack goes on the head, so the newest prints first */
	for (uint32_t seq = m->po_nr_stacks; seq >= 1 && s->nr_stacks < MM_PO_MAX_STACKS; seq--)
		for (int h = 1; h < PO_NR_HANDLES; h++)
			if (m->po_stack_seq[h] == seq) {
				s->stacks[s->nr_stacks].handle = h;
				s->stacks[s->nr_stacks++].nr_base_pages = m->po_nr_base_pages[h];
			}
}

/* read_page_owner's walk: allocated records at the head of their block. */
static void snap_records(struct machine *m, struct mm_page_owner_snap *s)
{
	for (uint64_t pfn = 0; pfn < m->max_pfn; pfn++) {
		const struct page_owner *po = &m->page_owner[pfn];
		struct mm_page_owner_rec *r;

		if (!(po->ext_flags & PAGE_EXT_OWNER_ALLOCATED) || !po->handle ||
		    (pfn & ((1ULL << po->order) - 1)))
			continue;
		r = &s->recs[s->nr++];
		r->pfn = pfn;
		r->ts_nsec = po->ts_nsec;
		r->flags = linux_page_flags(m, pfn);
		r->gfp = po->gfp_mask;
		r->pid = po->pid;
		r->tgid = po->tgid;
		r->handle = po->handle;
		r->order = po->order;
		r->last_migrate_reason = po->last_migrate_reason;
		r->page_mt = gfp_migratetype(po->gfp_mask);
		r->block_mt = pageblock_migratetype(m, pfn);
		memcpy(r->comm, po->comm, sizeof(r->comm));
	}
}

struct mm_page_owner_snap *mm_snap_page_owner(struct machine *m, int stacks_only, int *err)
{
	struct mm_page_owner_snap *s;
	uint64_t nr = 0;

	*err = 0;
	machine_lock(m);
	if (!m->page_owner) {
		machine_unlock(m);
		*err = -EINVAL;
		return NULL;
	}
	if (!stacks_only)
		for (int h = 1; h < PO_NR_HANDLES; h++)
			nr += m->po_nr_base_pages[h];	/* at least one page per record */
	s = calloc(1, sizeof(*s) + (size_t)nr * sizeof(s->recs[0]));
	if (s) {
		snap_stacks(m, s);
		if (!stacks_only)
			snap_records(m, s);
	}
	machine_unlock(m);
	if (!s)
		*err = -ENOMEM;
	return s;
}
