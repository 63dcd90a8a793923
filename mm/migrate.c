// SPDX-License-Identifier: MIT
/*
 * migrate.c - moving folios between nodes (kernel: mm/migrate.c). See
 * migrate.h for the steps and the counters; migrate_range.c walks an
 * address range for mbind and migrate_pages, migrate_sys.c has the calls.
 *
 * A folio here is an order-0 page (anonymous, file, shmem, in the swap
 * cache or not), an anonymous THP (an order-9 block whose head alone is
 * on an LRU list), or a large page-cache folio, whose pages are separate
 * frames each on the LRU (filemap.h): it is named by its first page, and
 * moves whole, page by page, after every page was checked and every new
 * frame allocated.
 */
#include <string.h>

#include "internal.h"
#include "filemap.h"
#include "huge_memory.h"
#include "hugetlb.h"
#include "migrate.h"
#include "page_alloc.h"
#include "pgtable.h"
#include "rmap.h"
#include "swap.h"
#include "vmstat.h"

/* The bits of page->flags that say where the allocator put the page. */
#define PAGE_ZONE_BITS	(PAGE_ZONE_VALID | (63ULL << PAGE_NID_SHIFT) | (7ULL << PAGE_ZID_SHIFT))

/* Is page the page cache's page at its index (not a truncated or anonymous one)? */
static int in_page_cache(struct page *page)
{
	return !page_is_anon(page) && !PageFlag(page, PG_swapcache) && page->mapping &&
	       filemap_find_page(page->mapping, page->index) == page;
}

/* A large folio of the page cache: 2^order separate frames, all cached (filemap.h). */
static int file_folio_large(struct page *page)
{
	return in_page_cache(page) && folio_order(page) > 0;
}

/* Page i of the cached folio whose first page is folio. */
static struct page *file_folio_page(struct page *folio, uint64_t i)
{
	return filemap_find_page(folio->mapping, folio->index + i);
}

struct page *migrate_folio_of(struct machine *m, struct page *page)
{
	if (page_in_thp(m, page))
		return compound_head_of(m, page);
	if (file_folio_large(page))
		return filemap_find_page(page->mapping, folio_index(page));
	return page;
}

uint64_t migrate_folio_nr(struct machine *m, struct page *folio)
{
	if (page_in_thp(m, folio))
		return HPAGE_PMD_NR;
	return file_folio_large(folio) ? folio_nr_pages(folio) : 1;
}

int migrate_page_nid(struct machine *m, struct page *page)
{
	return pfn_zone(m, page_to_pfn(m, page))->nid;
}

/*
 * From the mappings alone, as folio_maybe_mapped_shared looks at them
 * (thp_maybe_shared counts references, and an isolated folio has one more):
 * a THP is shared when two PMDs map it, or a PMD and a PTE, or two PTEs one
 * of its pages.
 */
int migrate_folio_shared(struct machine *m, struct page *folio)
{
	uint64_t entire;

	if (file_folio_large(folio)) {
		for (uint64_t i = 0; i < folio_nr_pages(folio); i++)
			if (file_folio_page(folio, i)->mapcount > 1)
				return 1;
		return 0;
	}
	if (!page_in_thp(m, folio))
		return folio->mapcount > 1;
	entire = *folio_entire_mapcount(folio);
	if (entire > 1)
		return 1;
	for (int i = 0; i < HPAGE_PMD_NR; i++)
		if (folio[i].mapcount + entire > 1)
			return 1;
	return 0;
}

int migrate_isolate(struct machine *m, struct page *page, struct list_head *list)
{
	struct page *folio = migrate_folio_of(m, page);

	if (!PageFlag(folio, PG_lru) || PageFlag(folio, PG_hugetlb))
		return -EBUSY;
	if (file_folio_large(folio)) {
		/* every page of it, each on the LRU on its own; folio->lru links the list */
		for (uint64_t i = 0; i < folio_nr_pages(folio); i++)
			if (!PageFlag(file_folio_page(folio, i), PG_lru))
				return -EBUSY;
		for (uint64_t i = 1; i < folio_nr_pages(folio); i++) {
			lru_del(m, file_folio_page(folio, i));
			get_page(file_folio_page(folio, i));
		}
	}
	lru_del(m, folio);
	if (page_in_thp(m, folio))
		thp_get(folio, folio);
	else
		get_page(folio);
	list_add_tail(&folio->lru, list);
	return 0;
}

/* Back on an LRU list of its node, youngest (folio_putback_lru), and the isolation's reference goes. */
static void putback(struct machine *m, struct page *folio)
{
	if (file_folio_large(folio))
		for (uint64_t i = folio_nr_pages(folio) - 1; i >= 1; i--) {
			struct page *p = file_folio_page(folio, i);

			lru_add(m, p, page_lru(p));
			put_page(m, p);
		}
	lru_add(m, folio, page_lru(folio));
	if (page_in_thp(m, folio))
		thp_put(m, folio, folio);
	else
		put_page(m, folio);
}

/* ---- order-0 pages ---- */

/*
 * What page adds to its node's counters besides the LRU lists (which
 * isolation already took away): d = -1 takes it from nid, +1 gives it.
 */
static void node_stats(struct machine *m, struct page *page, struct zone *z, int d)
{
	struct pglist_data *pgdat = m->node[z->nid];

	if (page->mapcount)
		mod_node_page_state(pgdat, page_is_anon(page) ? NR_ANON_PAGES : NR_MAPPED, d);
	if (in_page_cache(page)) {
		mod_node_page_state(pgdat, NR_FILE_PAGES, d);
		if (PageFlag(page, PG_swapbacked))
			mod_node_page_state(pgdat, NR_SHMEM, d);
		else if (PageFlag(page, PG_dirty))
			mod_node_page_state(pgdat, NR_DIRTY, d);
	}
	if (PageFlag(page, PG_swapcache)) {
		mod_node_page_state(pgdat, NR_SWAPCACHED, d);
		mod_node_page_state(pgdat, NR_FILE_PAGES, d);
	}
	if (PageFlag(page, PG_mlocked))
		mod_zone_page_state(z, NR_MLOCK, d);
}

/* Copy the bytes and the struct page of old into new (not the list links, not where new lives). */
static void copy_page_state(struct machine *m, struct page *old, struct page *new)
{
	uint64_t where = new->flags & PAGE_ZONE_BITS;

	if (!PageFlag(old, PG_zeroed))
		memcpy(page_address(m, new), page_address(m, old), MM_PAGE_SIZE);
	new->flags = (old->flags & ~PAGE_ZONE_BITS) | where;
	new->mapping = old->mapping;
	new->index = old->index;
	new->private = old->private;
	new->swap = old->swap;
	new->refcount = old->refcount;
	new->mapcount = old->mapcount;
}

static void clear_page_state(struct page *p)
{
	p->flags = 0;
	p->mapping = NULL;
	p->index = 0;
	p->private = 0;
	p->swap = 0;
	p->mapcount = 0;
	p->refcount = 0;
}

/* remove_migration_ptes, done in one go: the PTE keeps its bits, names the new frame. */
static int repoint_pte(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
		       pte_t *pte, void *arg)
{
	(void)m, (void)vma, (void)addr;
	*pte = (*pte & PTE_FLAGS_MASK) | (*(uint64_t *)arg << MM_PAGE_SHIFT);
	return 0;
}

/* The references a page that nothing else holds has: its mappings, its caches, the isolation. */
static int32_t expected_refs(struct page *page)
{
	return page->mapcount + 1 + in_page_cache(page) + PageFlag(page, PG_swapcache);
}

/* Why an isolated order-0 page cannot move now, or 0. */
static int cannot_move(struct page *old)
{
	if (PageFlag(old, PG_writeback) || PageFlag(old, PG_locked))
		return -EBUSY;
	if (old->refcount != expected_refs(old))
		return -EAGAIN;		/* someone else holds it (folio_migrate_mapping) */
	return 0;
}

/* alloc_migration_target for a node: __GFP_THISNODE, no fallback. */
static struct page *node_alloc(struct machine *m, void *arg, unsigned order)
{
	page_owner_site(m, PO_SITE_MIGRATE);
	return alloc_pages(m, GFP_HIGHUSER_MOVABLE | __GFP_THISNODE | __GFP_NOWARN, order, *(int *)arg);
}

static void node_free(struct machine *m, void *arg, struct page *page, unsigned order)
{
	(void)arg;
	free_pages(m, page, order);
}

/* Move the isolated page old into the frame new (from alloc_target). */
static int mr_of(const struct migrate_target *t)
{
	return t->compaction ? MR_COMPACTION : MR_SYSCALL;
}

static void move_page(struct machine *m, struct page *old, struct page *new, int reason)
{
	uint64_t pfn = page_to_pfn(m, new);

	if (old->mapcount)
		rmap_walk(m, old, repoint_pte, &pfn);
	node_stats(m, old, page_zone(m, old), -1);
	if (in_page_cache(old))
		filemap_replace_page(old, new);
	if (PageFlag(old, PG_swapcache)) {
		swp_entry_t e = { old->swap };

		swp_info(m, e)->cache[swp_offset(e)] = (uint64_t)(uintptr_t)new;
	}
	copy_page_state(m, old, new);
	folio_copy_owner(m, new, old, 1, reason);
	node_stats(m, new, page_zone(m, new), +1);
	clear_page_state(old);
	free_pages(m, old, 0);
}

/* Move one isolated order-0 page to a frame of t; *newp is the folio to put back. */
static int migrate_one(struct machine *m, struct page *old, const struct migrate_target *t,
		       struct page **newp)
{
	struct page *new;
	int err;

	*newp = old;
	if (old->refcount == 1 && !old->mapcount && !in_page_cache(old) &&
	    !PageFlag(old, PG_swapcache))
		return 1;		/* freed under us: the putback frees it (migrate_folio_unmap) */
	err = cannot_move(old);
	if (err)
		return err;
	new = t->alloc(m, t->arg, 0);
	if (!new)
		return -ENOMEM;
	move_page(m, old, new, mr_of(t));
	*newp = new;
	return 0;
}

/*
 * An isolated large page-cache folio moves whole or not at all: every page
 * is checked and every new frame allocated before the first one moves.
 * Returns the number of pages moved (0 on failure, with *err).
 */
static uint64_t migrate_file_folio(struct machine *m, struct page *folio,
				   const struct migrate_target *t, struct page **newp, int *err)
{
	uint64_t nr = folio_nr_pages(folio), first = folio->index;
	struct file_ref *inode = folio->mapping;
	struct page *new[1ULL << 9];	/* folio orders stop at 9 (filemap_check) */

	*newp = folio;
	*err = 0;
	for (uint64_t i = 0; i < nr && !*err; i++)
		*err = cannot_move(file_folio_page(folio, i));
	for (uint64_t i = 0; i < nr && !*err; i++) {
		new[i] = t->alloc(m, t->arg, 0);
		if (!new[i]) {
			while (i--)
				t->free(m, t->arg, new[i], 0);
			*err = -ENOMEM;
		}
	}
	if (*err)
		return 0;
	for (uint64_t i = 0; i < nr; i++)
		move_page(m, filemap_find_page(inode, first + i), new[i], mr_of(t));
	*newp = filemap_find_page(inode, first);
	return nr;
}

/* ---- THPs ---- */

struct thp_move {
	uint64_t old_pfn, new_pfn;
};

static int repoint_pmd(struct machine *m, struct vm_area_struct *vma, uint64_t haddr,
		       pte_t *pmd, void *arg)
{
	struct thp_move *mv = arg;

	(void)m, (void)vma, (void)haddr;
	*pmd = (*pmd & PTE_FLAGS_MASK) | (mv->new_pfn << MM_PAGE_SHIFT);
	return 0;
}

static int repoint_thp_pte(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
			   pte_t *pte, unsigned i, void *arg)
{
	struct thp_move *mv = arg;

	(void)m, (void)vma, (void)addr;
	*pte = (*pte & PTE_FLAGS_MASK) | ((mv->new_pfn + i) << MM_PAGE_SHIFT);
	return 0;
}

/* A THP's share of its node's counters (huge_memory.h): AnonPages, AnonHugePages, Mlocked. */
static void thp_node_stats(struct machine *m, struct page *head, int d)
{
	struct zone *z = pfn_zone(m, page_to_pfn(m, head));
	struct pglist_data *pgdat = m->node[z->nid];
	int entire = *folio_entire_mapcount(head) != 0;

	mod_node_page_state(pgdat, NR_ANON_PAGES,
			    d * (entire ? HPAGE_PMD_NR : (int64_t)*folio_nr_mapped(head)));
	if (entire)
		mod_node_page_state(pgdat, NR_ANON_TRANSPARENT_HUGEPAGES, d);
	if (PageFlag(head, PG_mlocked))
		mod_zone_page_state(z, NR_MLOCK, d * HPAGE_PMD_NR);
}

/*
 * Move an isolated THP whole, or -ENOMEM when nid has no order-9 block
 * (the caller splits it), -EAGAIN for an extra reference.
 */
static int migrate_thp(struct machine *m, struct page *old, const struct migrate_target *t,
		       struct page **newp)
{
	uint64_t refs = *folio_entire_mapcount(old) + 1;
	struct thp_move mv;
	struct page *new;

	*newp = old;
	for (int i = 0; i < HPAGE_PMD_NR; i++) {
		refs += (uint64_t)old[i].mapcount;
		if (PageFlag(old + i, PG_swapcache))
			return -ENOMEM;	/* not modelled whole: split and move its pages */
	}
	if (*folio_refs(old) != refs)
		return -EAGAIN;
	page_owner_site(m, PO_SITE_MIGRATE);
	new = t->alloc(m, t->arg, HPAGE_PMD_ORDER);
	if (!new)
		return -ENOMEM;
	mv.old_pfn = page_to_pfn(m, old);
	mv.new_pfn = page_to_pfn(m, new);
	rmap_walk_thp(m, old, repoint_pmd, repoint_thp_pte, &mv);
	thp_node_stats(m, old, -1);
	for (int i = 0; i < HPAGE_PMD_NR; i++)
		copy_page_state(m, old + i, new + i);
	folio_copy_owner(m, new, old, HPAGE_PMD_NR, mr_of(t));
	thp_node_stats(m, new, +1);
	for (int i = 0; i < HPAGE_PMD_NR; i++)
		clear_page_state(old + i);
	free_pages(m, old, HPAGE_PMD_ORDER);
	*newp = new;
	return 0;
}

/* ---- the list ---- */

uint64_t migrate_pages_list(struct machine *m, struct list_head *list, int nid,
			    struct migrate_stats *st)
{
	struct migrate_target t = { .alloc = node_alloc, .free = node_free, .arg = &nid };

	return (uint64_t)migrate_pages_to(m, list, &t, st);
}

void putback_movable_pages(struct machine *m, struct list_head *list)
{
	while (!list_empty(list)) {
		struct page *folio = list_entry(list->next, struct page, lru);

		list_del(&folio->lru);
		putback(m, folio);
	}
}

int64_t migrate_pages_to(struct machine *m, struct list_head *list, const struct migrate_target *t,
			 struct migrate_stats *st)
{
	struct migrate_stats s = { 0 };
	uint64_t stayed = 0;
	int enomem = 0;

	lockdep_assert_held(m);
	for (uint64_t n = 1; !list_empty(list); n++) {
		struct page *folio = list_entry(list->next, struct page, lru), *done;
		int thp = page_in_thp(m, folio), err;

		list_del(&folio->lru);
		if (!(n % HPAGE_PMD_NR))
			cond_resched(m);	/* a step boundary: isolated folios are off the lists, as in Linux */
		if (!thp && file_folio_large(folio)) {
			uint64_t nr = folio_nr_pages(folio);

			if (migrate_file_folio(m, folio, t, &done, &err)) {
				s.nr_succeeded += nr;
			} else {
				s.nr_failed_pages += nr;
				stayed++;
			}
			putback(m, done);
			if (err == -ENOMEM && t->stop_on_enomem) {
				enomem = 1;
				break;
			}
			continue;
		}
		if (!thp) {
			err = migrate_one(m, folio, t, &done);
			if (err < 0) {
				s.nr_failed_pages++;
				stayed++;
			} else {
				s.nr_succeeded++;
			}
			putback(m, done);
			if (err == -ENOMEM && t->stop_on_enomem) {
				enomem = 1;
				break;
			}
			continue;
		}
		err = migrate_thp(m, folio, t, &done);
		if (err == -ENOMEM) {
			/*
			 * No huge page on the target: split, and the pages go on
			 * the list with isolation references of their own (head
			 * keeps ours), to be moved one by one.
			 */
			struct list_head tails;

			INIT_LIST_HEAD(&tails);
			split_folio(m, folio, &tails);
			s.nr_thp_split++;
			list_add(&folio->lru, list);
			list_splice_tail(&tails, list);
			continue;
		}
		if (err) {
			s.nr_thp_failed++;
			s.nr_failed_pages += HPAGE_PMD_NR;
			stayed++;
		} else {
			s.nr_thp_succeeded++;
			s.nr_succeeded += HPAGE_PMD_NR;
		}
		putback(m, done);
	}
	if (enomem)
		putback_movable_pages(m, list);
	count_vm_events(m, PGMIGRATE_SUCCESS, (int64_t)s.nr_succeeded);
	count_vm_events(m, PGMIGRATE_FAIL, (int64_t)s.nr_failed_pages);
	count_vm_events(m, THP_MIGRATION_SUCCESS, (int64_t)s.nr_thp_succeeded);
	count_vm_events(m, THP_MIGRATION_FAIL, (int64_t)s.nr_thp_failed);
	count_vm_events(m, THP_MIGRATION_SPLIT, (int64_t)s.nr_thp_split);
	if (st) {
		st->nr_succeeded += s.nr_succeeded;
		st->nr_failed_pages += s.nr_failed_pages;
		st->nr_thp_succeeded += s.nr_thp_succeeded;
		st->nr_thp_failed += s.nr_thp_failed;
		st->nr_thp_split += s.nr_thp_split;
	}
	return enomem ? -ENOMEM : (int64_t)stayed;
}
