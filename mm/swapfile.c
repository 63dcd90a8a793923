// SPDX-License-Identifier: MIT
/*
 * swapfile.c - swap devices and the slot allocator (kernel: mm/swapfile.c).
 *
 * A device's slots are grouped in clusters of 512. Order-0 allocation, as
 * Linux 6.18 does it on a non-rotational device with one CPU allocating:
 * take the next free slot of the current cluster, going up; when it is
 * full, take a partly used cluster (oldest first), else a free one (lowest
 * first). On a fresh device this hands out 1, 2, 3 ... in the order pages
 * are reclaimed (slot 0 is the header), which is what the reference host
 * showed. Slots come from the cluster in use until it is exhausted; then
 * the highest-priority device with room gives a new one, and devices of
 * equal priority take turns, a cluster each (the kernel requeues the
 * device it picks behind its equals: swapon(8)'s round robin). The ones
 * assigned by swapon without a priority get -2, -3, ... as Linux's
 * least_priority.
 *
 * A THP asks for a whole free cluster (alloc_huge_cluster): only a block
 * device (a name under /dev/, shown as a partition) gives one, as Linux
 * gives large entries only on SWP_BLKDEV devices; clusters remember the
 * order they serve, and single slots prefer partly used clusters of order
 * 0, then free ones, then what THPs left.
 *
 * A page swapped out with data goes to the device's store (a sparse
 * memfd); a page of zeros only sets its bit in zeromap. Freeing a slot
 * punches its page out of the store, so the host gives the memory back.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"
#include "arena.h"
#include "hugetlb.h"
#include "swap.h"
#include "vmscan.h"
#include "zswap.h"

enum { CLUSTER_FREE, CLUSTER_NONFULL, CLUSTER_FULL, CLUSTER_CURRENT };

#define BITS 64
#define MAX_SWAP_BYTES (16ULL << 40)

static int test_bit(const uint64_t *map, uint64_t i) { return (map[i / BITS] >> (i % BITS)) & 1; }
static void set_bit(uint64_t *map, uint64_t i) { map[i / BITS] |= 1ULL << (i % BITS); }
static void clear_bit(uint64_t *map, uint64_t i) { map[i / BITS] &= ~(1ULL << (i % BITS)); }

struct swap_info_struct *swp_info(struct machine *m, swp_entry_t e)
{
	unsigned type = swp_type(e);

	if (type >= MAX_SWAPFILES || !m->swap_info[type] || swp_offset(e) >= m->swap_info[type]->max)
		return NULL;
	return m->swap_info[type];
}

/* ---- clusters ---- */

static void cluster_move(struct swap_info_struct *si, uint64_t c, int where)
{
	struct swap_cluster *ci = &si->clusters[c];

	if (ci->where != CLUSTER_CURRENT)
		list_del(&ci->list);
	ci->where = (uint32_t)where;
	if (where == CLUSTER_FREE)
		list_add_tail(&ci->list, &si->free_clusters);
	else if (where == CLUSTER_NONFULL)
		list_add_tail(&ci->list, &si->nonfull_clusters);
	else if (where == CLUSTER_FULL)
		list_add_tail(&ci->list, &si->full_clusters);
}

/* Slots a cluster has: the last one may be short, and cluster 0 loses the header. */
static uint64_t cluster_slots(const struct swap_info_struct *si, uint64_t c)
{
	uint64_t first = c * SWAPFILE_CLUSTER, end = first + SWAPFILE_CLUSTER;

	if (end > si->max)
		end = si->max;
	return end - first - (c == 0);
}

/* Where a cluster belongs after its count changed (not the current one). */
static void cluster_settle(struct swap_info_struct *si, uint64_t c)
{
	struct swap_cluster *ci = &si->clusters[c];
	int where = !ci->count ? CLUSTER_FREE
		  : ci->count == cluster_slots(si, c) ? CLUSTER_FULL : CLUSTER_NONFULL;

	if (ci->where != CLUSTER_CURRENT && ci->where != (uint32_t)where)
		cluster_move(si, c, where);
}

/* The first cluster of list h whose order is order (any order: -1), or NULL. */
static struct swap_cluster *first_of_order(struct list_head *h, int order)
{
	struct list_head *pos;

	list_for_each(pos, h) {
		struct swap_cluster *ci = list_entry(pos, struct swap_cluster, list);

		if (order < 0 || ci->order == (uint32_t)order)
			return ci;
	}
	return NULL;
}

/*
 * The next cluster to fill with single slots: a partly used one of order 0
 * first, else a free one, else one a THP left partly used (Linux's order-0
 * stealing from the other orders' lists comes last too).
 */
static int pick_cluster(struct swap_info_struct *si)
{
	struct swap_cluster *ci = first_of_order(&si->nonfull_clusters, 0);
	uint64_t c;

	if (!ci && !list_empty(&si->free_clusters))
		ci = list_entry(si->free_clusters.next, struct swap_cluster, list);
	if (!ci)
		ci = first_of_order(&si->nonfull_clusters, -1);
	if (!ci)
		return -ENOSPC;
	c = (uint64_t)(ci - si->clusters);
	list_del(&ci->list);
	if (!ci->count)
		ci->order = 0;
	ci->where = CLUSTER_CURRENT;
	si->cur_cluster = c;
	si->cur_next = c ? c * SWAPFILE_CLUSTER : 1;
	return 0;
}

/*
 * A whole free cluster for a THP: the first on the free list that has its
 * 512 slots (cluster 0 holds the header, the last one may be short); its
 * slots are SWAP_HAS_CACHE and it is full. Returns the first slot, or 0.
 */
static uint64_t alloc_huge_cluster(struct swap_info_struct *si)
{
	struct list_head *pos;

	list_for_each(pos, &si->free_clusters) {
		struct swap_cluster *ci = list_entry(pos, struct swap_cluster, list);
		uint64_t c = (uint64_t)(ci - si->clusters), first = c * SWAPFILE_CLUSTER;

		if (cluster_slots(si, c) != SWAPFILE_CLUSTER)
			continue;
		for (uint64_t off = first; off < first + SWAPFILE_CLUSTER; off++)
			si->swap_map[off] = SWAP_HAS_CACHE;
		ci->count = SWAPFILE_CLUSTER;
		ci->order = HPAGE_PMD_ORDER;
		si->inuse_pages += SWAPFILE_CLUSTER;
		cluster_move(si, c, CLUSTER_FULL);
		return first;
	}
	return 0;
}

/*
 * The next free slot of si's current cluster, now SWAP_HAS_CACHE; 0 when
 * it has no current cluster or nothing free past the cursor (the cluster
 * then goes on its list, behind older ones).
 */
static uint64_t alloc_in_cluster(struct swap_info_struct *si)
{
	uint64_t c = si->cur_cluster, end;

	if (c == UINT64_MAX)
		return 0;
	end = (c + 1) * SWAPFILE_CLUSTER < si->max ? (c + 1) * SWAPFILE_CLUSTER : si->max;
	for (uint64_t off = si->cur_next; off < end; off++) {
		if (si->swap_map[off])
			continue;
		si->swap_map[off] = SWAP_HAS_CACHE;
		si->clusters[c].count++;
		si->inuse_pages++;
		si->cur_next = off + 1;
		return off;
	}
	si->cur_cluster = UINT64_MAX;
	si->clusters[c].where = CLUSTER_NONFULL;
	list_add_tail(&si->clusters[c].list, &si->nonfull_clusters);
	cluster_settle(si, c);
	return 0;
}

/* A free slot of si, now SWAP_HAS_CACHE; 0 when the device is full. */
static uint64_t alloc_slot(struct swap_info_struct *si)
{
	for (;;) {
		uint64_t off = alloc_in_cluster(si);

		if (off)
			return off;
		if (pick_cluster(si))
			return 0;
	}
}

/* The slot's bytes leave the store, if it holds any (a system call only then). */
static void store_drop(struct swap_info_struct *si, uint64_t off)
{
	if (!test_bit(si->datamap, off))
		return;
	clear_bit(si->datamap, off);
	fallocate(si->store_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		  (off_t)(off * MM_PAGE_SIZE), (off_t)MM_PAGE_SIZE);
}

static void slot_release(struct machine *m, struct swap_info_struct *si, uint64_t off)
{
	uint64_t c = off / SWAPFILE_CLUSTER;

	si->inuse_pages--;
	si->clusters[c].count--;
	cluster_settle(si, c);
	clear_bit(si->zeromap, off);
	store_drop(si, off);
	zswap_invalidate(m, swp_entry((unsigned)si->type, off));
}

void swap_slot_clear_data(struct machine *m, swp_entry_t e)
{
	struct swap_info_struct *si = swp_info(m, e);

	if (!si)
		return;
	clear_bit(si->zeromap, swp_offset(e));
	store_drop(si, swp_offset(e));
}

/* ---- devices ---- */

static int slot_of_path(struct machine *m, const char *path)
{
	for (int t = 0; t < MAX_SWAPFILES; t++)
		if (m->swap_info[t] && !strcmp(m->swap_info[t]->path, path))
			return t;
	return -1;
}

int sys_swapon(struct machine *m, const char *path, uint64_t bytes, int prio, int assign_prio,
	   char *why, size_t whylen)
{
	struct swap_info_struct *si;
	uint64_t max = bytes >> MM_PAGE_SHIFT;
	int type, disk;

	lockdep_assert_held(m);
	if (slot_of_path(m, path) >= 0) {
		snprintf(why, whylen, "%s is already a swap device", path);
		return -EBUSY;
	}
	if (max < 10) {
		snprintf(why, whylen, "a swap device needs at least 40K");
		return -EINVAL;
	}
	for (type = 0; type < MAX_SWAPFILES && m->swap_info[type]; type++)
		;
	if (type == MAX_SWAPFILES) {
		snprintf(why, whylen, "%d swap devices already", MAX_SWAPFILES);
		return -EPERM;
	}
	disk = blk_swap_disk(m, path, bytes);
	if (disk == -ENOSPC) {
		snprintf(why, whylen, "%d swap disks already", MM_MAX_SWAP_DISKS);
		return -ENOSPC;
	}
	si = kzalloc(sizeof(*si));
	if (!si)
		goto nomem;
	si->type = type;
	si->max = max;
	si->pages = max - 1;
	si->written_prio = !assign_prio;
	si->prio = assign_prio ? --m->swap_least_prio : prio;
	snprintf(si->path, sizeof(si->path), "%s", path);
	si->nr_clusters = (max + SWAPFILE_CLUSTER - 1) / SWAPFILE_CLUSTER;
	si->swap_map = kcalloc(max, sizeof(*si->swap_map));
	si->zeromap = kcalloc((max + BITS - 1) / BITS, sizeof(uint64_t));
	si->datamap = kcalloc((max + BITS - 1) / BITS, sizeof(uint64_t));
	si->cache = kcalloc(max, sizeof(uint64_t));
	si->clusters = kcalloc(si->nr_clusters, sizeof(*si->clusters));
	si->store_fd = memfd_create("mmfs-swap", MFD_CLOEXEC);
	if (!si->swap_map || !si->zeromap || !si->datamap || !si->cache || !si->clusters ||
	    si->store_fd < 0 ||
	    ftruncate(si->store_fd, (off_t)(max * MM_PAGE_SIZE)) || zswap_swapon(m, type, max))
		goto nomem;
	INIT_LIST_HEAD(&si->free_clusters);
	INIT_LIST_HEAD(&si->nonfull_clusters);
	INIT_LIST_HEAD(&si->full_clusters);
	for (uint64_t c = 0; c < si->nr_clusters; c++) {
		si->clusters[c].where = CLUSTER_FREE;
		list_add_tail(&si->clusters[c].list, &si->free_clusters);
	}
	si->cur_cluster = UINT64_MAX;
	si->writeok = 1;
	si->blkdev = !strncmp(path, "/dev/", 5);
	si->disk = disk;
	m->swap_info[type] = si;
	/* behind the devices of its priority; the cluster in use stays in use */
	si->avail_seq = ++m->swap_avail_seq;
	kmsg_add(m, "Adding %lluk swap on %s.  Priority:%d extents:1 across:%lluk ",
		 (unsigned long long)si->pages * 4, si->path, si->prio,
		 (unsigned long long)si->pages * 4);
	return 0;
nomem:
	if (si) {
		if (si->store_fd > 0)
			close(si->store_fd);
		kfree(si->swap_map);
		kfree(si->zeromap);
		kfree(si->datamap);
		kfree(si->cache);
		kfree(si->clusters);
		kfree(si);
	}
	snprintf(why, whylen, "out of memory");
	return -ENOMEM;
}

static void swap_destroy(struct machine *m, int type)
{
	struct swap_info_struct *si = m->swap_info[type];

	m->swap_info[type] = NULL;
	m->swap_best = NULL;
	if (!si->written_prio) {
		/* the assigned priority goes back: the ones given after it move up */
		for (int t = 0; t < MAX_SWAPFILES; t++)
			if (m->swap_info[t] && !m->swap_info[t]->written_prio &&
			    m->swap_info[t]->prio < si->prio)
				m->swap_info[t]->prio++;
		m->swap_least_prio++;
	}
	zswap_swapoff(m, type);
	close(si->store_fd);
	kfree(si->swap_map);
	kfree(si->zeromap);
	kfree(si->datamap);
	kfree(si->cache);
	kfree(si->clusters);
	kfree(si);
}

void swap_release_all(struct machine *m)
{
	for (int t = MAX_SWAPFILES - 1; t >= 0; t--)
		if (m->swap_info[t])
			swap_destroy(m, t);
}

int sys_swapoff(struct machine *m, const char *path, char *why, size_t whylen)
{
	int type = slot_of_path(m, path), err;

	lockdep_assert_held(m);
	if (type < 0) {
		snprintf(why, whylen, "%s is not a swap device", path);
		return -EINVAL;
	}
	m->swap_info[type]->writeok = 0;	/* no new pages go there */
	m->swap_best = NULL;
	err = try_to_unuse(m, type);
	if (err) {
		m->swap_info[type]->writeok = 1;
		m->swap_best = NULL;
		snprintf(why, whylen, "not enough memory to take back what %s holds", path);
		return err;
	}
	swap_destroy(m, type);
	return 0;
}

/* ---- slots ---- */

swp_entry_t folio_alloc_swap(struct machine *m, int order)
{
	struct swap_info_struct *si = m->swap_best;
	uint64_t off = 0, tried = 0;

	/* the fast path: the next slot of the cluster in use, on whatever device */
	if (!order && si && si->writeok && (off = alloc_in_cluster(si)))
		return swp_entry((unsigned)si->type, off);
	/*
	 * The slow path: the first device in priority order (among equal
	 * priorities, the one longest unused) goes behind its equals and gives
	 * a new cluster: equal priorities take turns a cluster at a time. A THP
	 * asks each block device in that order for a free cluster.
	 */
	for (;;) {
		struct swap_info_struct *best = NULL;

		for (int t = 0; t < MAX_SWAPFILES; t++) {
			si = m->swap_info[t];
			if (!si || !si->writeok || si->inuse_pages >= si->pages || (tried >> t & 1) ||
			    (order && !si->blkdev))
				continue;
			if (!best || si->prio > best->prio ||
			    (si->prio == best->prio && si->avail_seq < best->avail_seq))
				best = si;
		}
		if (!order)
			m->swap_best = best;
		if (!best)
			return (swp_entry_t){ 0 };
		best->avail_seq = ++m->swap_avail_seq;
		off = order ? alloc_huge_cluster(best) : alloc_slot(best);
		if (off)
			return swp_entry((unsigned)best->type, off);
		tried |= 1ULL << best->type;
	}
}

void swap_duplicate(struct machine *m, swp_entry_t e)
{
	struct swap_info_struct *si = swp_info(m, e);
	uint64_t off = swp_offset(e);

	VM_BUG_ON(!si || !si->swap_map[off] || (si->swap_map[off] & SWAP_MAP_MAX) == SWAP_MAP_MAX);
	si->swap_map[off]++;
}

static void put_ref(struct machine *m, struct swap_info_struct *si, uint64_t off, uint16_t d)
{
	si->swap_map[off] -= d;
	if (!si->swap_map[off]) {
		si->cache[off] = 0;	/* a shadow of a slot nobody refers to means nothing */
		slot_release(m, si, off);
	}
}

void swap_free(struct machine *m, swp_entry_t e)
{
	struct swap_info_struct *si = swp_info(m, e);

	VM_BUG_ON(!si || !(si->swap_map[swp_offset(e)] & SWAP_MAP_MAX));
	put_ref(m, si, swp_offset(e), 1);
}

void swapcache_clear(struct machine *m, swp_entry_t e)
{
	struct swap_info_struct *si = swp_info(m, e);

	VM_BUG_ON(!si || !(si->swap_map[swp_offset(e)] & SWAP_HAS_CACHE));
	put_ref(m, si, swp_offset(e), SWAP_HAS_CACHE);
}

unsigned swap_count(struct machine *m, swp_entry_t e)
{
	struct swap_info_struct *si = swp_info(m, e);

	return si ? si->swap_map[swp_offset(e)] & SWAP_MAP_MAX : 0;
}

uint64_t nr_swap_pages(struct machine *m)
{
	uint64_t n = 0;

	for (int t = 0; t < MAX_SWAPFILES; t++)
		if (m->swap_info[t] && m->swap_info[t]->writeok)
			n += m->swap_info[t]->pages - m->swap_info[t]->inuse_pages;
	return n;
}

uint64_t total_swap_pages(struct machine *m)
{
	uint64_t n = 0;

	for (int t = 0; t < MAX_SWAPFILES; t++)
		if (m->swap_info[t] && m->swap_info[t]->writeok)
			n += m->swap_info[t]->pages;
	return n;
}

int vm_swap_full(struct machine *m)
{
	return nr_swap_pages(m) * 2 < total_swap_pages(m);
}

/* ---- the store ---- */

int page_is_zero_filled(struct machine *m, struct page *page)
{
	static const uint8_t zeros[64];
	const uint8_t *p = page_address(m, page);

	if (PageFlag(page, PG_zeroed))
		return 1;
	for (size_t i = 0; i < MM_PAGE_SIZE; i += sizeof(zeros))
		if (memcmp(p + i, zeros, sizeof(zeros)))
			return 0;
	return 1;
}

int swap_write_page(struct machine *m, swp_entry_t e, struct page *page)
{
	struct swap_info_struct *si = swp_info(m, e);
	uint64_t off = swp_offset(e);
	const uint8_t *src = page_address(m, page);

	if (!si)
		return -EIO;
	if (page_is_zero_filled(m, page)) {
		store_drop(si, off);	/* a stale copy there goes */
		set_bit(si->zeromap, off);
		return 1;
	}
	clear_bit(si->zeromap, off);
	if (pwrite(si->store_fd, src, MM_PAGE_SIZE, (off_t)(off * MM_PAGE_SIZE)) != (ssize_t)MM_PAGE_SIZE)
		return -EIO;
	set_bit(si->datamap, off);
	blk_account_swap_io(m, si->disk, BLK_WRITE, si, off);
	return 0;
}

int swap_write_folio(struct machine *m, swp_entry_t e, struct page *page, uint64_t nr)
{
	struct swap_info_struct *si = swp_info(m, e);
	uint64_t off = swp_offset(e), i;

	if (!si)
		return -EIO;
	for (i = 0; i < nr && page_is_zero_filled(m, page + i); i++)
		;
	for (uint64_t k = 0; k < nr; k++) {
		const uint8_t *src = page_address(m, page + k);

		if (i == nr) {	/* all zeros: the zeromap bits only */
			store_drop(si, off + k);
			set_bit(si->zeromap, off + k);
			continue;
		}
		clear_bit(si->zeromap, off + k);	/* one write of the whole folio, zeros too */
		if (pwrite(si->store_fd, src, MM_PAGE_SIZE, (off_t)((off + k) * MM_PAGE_SIZE)) !=
		    (ssize_t)MM_PAGE_SIZE)
			return -EIO;
		set_bit(si->datamap, off + k);
		blk_account_swap_io(m, si->disk, BLK_WRITE, si, off + k);
	}
	return i == nr;
}

int swap_read_page(struct machine *m, swp_entry_t e, struct page *page)
{
	struct swap_info_struct *si = swp_info(m, e);
	uint64_t off = swp_offset(e);

	if (!si)
		return -EIO;
	if (test_bit(si->zeromap, off)) {
		SetPageFlag(page, PG_zeroed);	/* zeros, not materialised */
		return 1;
	}
	switch (zswap_load(m, e, page)) {	/* before the device, as swap_read_folio */
	case 0:
		return 2;
	case -ENOENT:
		break;
	default:
		return -EIO;
	}
	/* from the slower device: zswap's LRU gets that much more protection */
	zswap_folio_swapin(m, page_zone(m, page)->nid);
	ClearPageFlag(page, PG_zeroed);
	if (pread(si->store_fd, page_address(m, page), MM_PAGE_SIZE,
		  (off_t)(off * MM_PAGE_SIZE)) != (ssize_t)MM_PAGE_SIZE)
		return -EIO;
	blk_account_swap_io(m, si->disk, BLK_READ, si, off);
	return 0;
}

/* ---- the global commands ---- */

int mm_swapon(struct machine *m, const char *name, uint64_t bytes, int prio, char *why,
	      size_t whylen)
{
	int err;

	if (!name[0] || strchr(name, ' ') || strchr(name, '\t')) {
		snprintf(why, whylen, "a swap device needs a name without blanks");
		return -EINVAL;
	}
	if (bytes > MAX_SWAP_BYTES) {
		snprintf(why, whylen, "a swap device holds at most 16T");
		return -EINVAL;
	}
	machine_lock(m);
	sim_advance(m, MM_TICK_NS);
	err = sys_swapon(m, name, bytes, prio, prio < 0, why, whylen);
	machine_unlock(m);
	return err;
}

int mm_swapoff(struct machine *m, const char *name, char *why, size_t whylen)
{
	int err;

	machine_lock(m);
	sim_advance(m, MM_TICK_NS);
	err = sys_swapoff(m, name, why, whylen);
	kswapd_run(m);
	machine_unlock(m);
	return err;
}
