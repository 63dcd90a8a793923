/* SPDX-License-Identifier: MIT */
/*
 * swap.h - swap devices, swap slots and the swap cache (kernel:
 * include/linux/swap.h, swapops.h; mm/swapfile.c, mm/swap_state.c).
 *
 * A swap entry names one slot: the device's type (its index in
 * m->swap_info, 0..MAX_SWAPFILES-1) and the slot's offset. Slot 0 of every
 * device is its header and is never handed out. A slot is in use while
 * anything refers to it: swap entries in PTEs or a shmem object (its count
 * in swap_map) or a page of the swap cache (SWAP_HAS_CACHE).
 *
 * The device stores the bytes of a swapped page that holds data, in a
 * sparse memfd (store_fd, at offset slot * 4096); a page of zeros is only a
 * bit in zeromap (swpout_zero), as Linux 6.12+ does, so touching far more
 * memory than RAM costs the host nothing for pages never written with data.
 *
 * All functions expect m->lock held.
 */
#ifndef MM_SWAP_H
#define MM_SWAP_H

#include <stdint.h>

#include "list.h"
#include "pgtable.h"

struct machine;
struct page;

#define MAX_SWAPFILES		32	/* the PTE holds 5 bits of type */
#define SWAPFILE_CLUSTER	512	/* slots per cluster (HPAGE_PMD_NR) */
#define SWAP_HAS_CACHE		0x8000	/* in swap_map: the swap cache holds the page */
#define SWAP_MAP_MAX		0x7fff	/* references a slot can count */

typedef struct {
	uint64_t val;		/* type << SWP_TYPE_SHIFT | offset; 0 is no entry */
} swp_entry_t;

#define SWP_TYPE_SHIFT	58
static inline swp_entry_t swp_entry(unsigned type, uint64_t offset)
{
	return (swp_entry_t){ ((uint64_t)type << SWP_TYPE_SHIFT) | offset };
}
static inline unsigned swp_type(swp_entry_t e) { return (unsigned)(e.val >> SWP_TYPE_SHIFT); }
static inline uint64_t swp_offset(swp_entry_t e) { return e.val & ((1ULL << SWP_TYPE_SHIFT) - 1); }

/* A cluster of the allocator (kernel: struct swap_cluster_info). */
struct swap_cluster {
	struct list_head list;		/* on free_clusters, nonfull_clusters or full_clusters */
	uint32_t count;			/* slots in use */
	uint32_t where;			/* which list: CLUSTER_FREE, _NONFULL, _FULL, _CURRENT */
	uint32_t order;			/* of the allocations it serves: 0, or 9 (a THP's 512 slots) */
};

struct swap_info_struct {
	int type;			/* index in m->swap_info */
	int prio;			/* higher is used first */
	int written_prio;		/* given by the user (swapon -p) rather than assigned */
	uint64_t avail_seq;		/* when last picked (swapon: added): equals take turns */
	char path[256];			/* as /proc/swaps shows it */
	uint64_t max;			/* slots, the header included */
	uint64_t pages;			/* usable slots: max - 1 */
	uint64_t inuse_pages;		/* slots in use */
	uint16_t *swap_map;		/* per slot: references | SWAP_HAS_CACHE */
	uint64_t *zeromap;		/* per slot, a bit: stored as zeros (no bytes) */
	uint64_t *datamap;		/* per slot, a bit: the store holds its bytes */
	/*
	 * per slot, the swap cache (swap_state.c): the cached page's struct
	 * page pointer, or (shadow << 1 | 1) for a page evicted from it
	 * (workingset.c), or 0
	 */
	uint64_t *cache;
	struct swap_cluster *clusters;	/* max / 512 rounded up */
	uint64_t nr_clusters;
	struct list_head free_clusters, nonfull_clusters, full_clusters;
	uint64_t cur_cluster;		/* the cluster being filled, or UINT64_MAX */
	uint64_t cur_next;		/* the next slot to try in it */
	int store_fd;			/* memfd: the bytes of slots that hold data */
	int writeok;			/* takes new pages (cleared by swapoff) */
	int blkdev;			/* a block device (a name under /dev/): SWP_BLKDEV */
	int disk;			/* its disk in m->swap_disks (blk_swap_disk), -1: on vda1 */
};

/* The entry a swap PTE holds (kernel: pte_to_swp_entry). */
static inline swp_entry_t pte_to_swp_entry(pte_t pte)
{
	return swp_entry(pte_swp_type(pte), pte_swp_offset(pte));
}

/* ---- swapfile.c: devices and slots ---- */

/*
 * Add a swap device of `bytes` (the header page included) shown as path,
 * with priority prio, or the next of the assigned -2, -3 ... when
 * assign_prio. 0 or -errno (-EBUSY: path in use; -EPERM: no type left;
 * -EINVAL: too small).
 */
int sys_swapon(struct machine *m, const char *path, uint64_t bytes, int prio, int assign_prio,
	   char *why, size_t whylen);
/*
 * Take a device out of use: every page on it comes back into memory
 * (try_to_unuse); -ENOMEM (and the device stays) when memory cannot hold
 * them; -EINVAL when path is no swap device.
 */
int sys_swapoff(struct machine *m, const char *path, char *why, size_t whylen);
/* swap_state.c: bring every page of device `type` back into memory. 0 or -ENOMEM. */
int try_to_unuse(struct machine *m, int type);
/* Release every device (shutdown). */
void swap_release_all(struct machine *m);

/* The device of an entry, or NULL. */
struct swap_info_struct *swp_info(struct machine *m, swp_entry_t e);

/*
 * Slots for a folio of 2^order pages (order 0, or HPAGE_PMD_ORDER for a
 * THP) from the best device (highest priority first), each swap_map set to
 * SWAP_HAS_CACHE: the swap cache's references. Returns the first entry;
 * the others follow it. 0 when no device can give them: an order-9
 * request needs a block device (a swap file takes only single pages, as
 * Linux's cluster allocator says) with a wholly free cluster, which it
 * takes whole (reclaim then splits the folio and swaps its pages one by
 * one: thp_swpout_fallback).
 */
swp_entry_t folio_alloc_swap(struct machine *m, int order);

/* Another reference to a slot (fork copies a swap PTE; shmem). */
void swap_duplicate(struct machine *m, swp_entry_t e);
/*
 * Drop a reference; the slot is freed when none is left and no page of the
 * swap cache holds it (zap of a swap PTE: free_swap_and_cache does the rest).
 */
void swap_free(struct machine *m, swp_entry_t e);
/* References other than the cache's. */
unsigned swap_count(struct machine *m, swp_entry_t e);
/* The swap cache gives up its reference (the page left the cache). */
void swapcache_clear(struct machine *m, swp_entry_t e);

/* Free slots in all devices, and all usable slots (meminfo SwapFree, SwapTotal). */
uint64_t nr_swap_pages(struct machine *m);
uint64_t total_swap_pages(struct machine *m);
/* More than half of the swap space in use (vm_swap_full). */
int vm_swap_full(struct machine *m);

/* Does page hold only zeros (kernel: pages_identical with the zero page)? */
int page_is_zero_filled(struct machine *m, struct page *page);
/*
 * The page's bytes to its slot: nothing but a bit when they are all zeros.
 * Returns 1 for a zero page, 0 for one written, -EIO.
 */
int swap_write_page(struct machine *m, swp_entry_t e, struct page *page);
/*
 * A folio of nr pages (page, page + 1 ...) to the nr slots from e on, as
 * one write (swap_writeout of a large folio): zeromap bits only when every
 * page is zeros (is_folio_zero_filled), else every page's bytes, zero
 * pages too. 1 for all zeros, 0, -EIO.
 */
int swap_write_folio(struct machine *m, swp_entry_t e, struct page *page, uint64_t nr);
/*
 * The slot's bytes into page: 1 if it was a zero page, 2 if zswap had it
 * (zswpin counted; the caller dirties the page: the pool's copy is gone),
 * 0 read from the device, -EIO.
 */
int swap_read_page(struct machine *m, swp_entry_t e, struct page *page);
/* The slot holds neither a zero mark nor bytes on the device (zswap has the page). */
void swap_slot_clear_data(struct machine *m, swp_entry_t e);

/* ---- swap_state.c: the swap cache ---- */

/* The page the swap cache holds for e, or NULL. */
struct page *swap_cache_get(struct machine *m, swp_entry_t e);
/* The shadow an evicted page left in e's slot, or 0. */
uint64_t swap_cache_shadow(struct machine *m, swp_entry_t e);
/*
 * Put page in the swap cache under e (whose SWAP_HAS_CACHE the caller set:
 * folio_alloc_swap or swapcache_prepare): PG_swapcache, page->swap, one
 * reference, SwapCached and nr_file_pages.
 */
void add_to_swap_cache(struct machine *m, struct page *page, swp_entry_t e);
/*
 * Take page out of the swap cache, leaving shadow (0: none) in its slot;
 * the slot loses SWAP_HAS_CACHE (and is freed if nothing else refers to
 * it); the cache's reference is dropped.
 */
void delete_from_swap_cache(struct machine *m, struct page *page, uint64_t shadow);
/*
 * A free slot is about to get a page read in (swapin): set SWAP_HAS_CACHE.
 * -EEXIST when the cache already holds it, -ENOENT when nothing refers to it.
 */
int swapcache_prepare(struct machine *m, swp_entry_t e);

/*
 * The slot lost a reference (a swap PTE was zapped): free it, and its
 * swap-cache page if nothing maps it (kernel: free_swap_and_cache).
 */
void free_swap_and_cache(struct machine *m, swp_entry_t e);
/*
 * A swap-cache page whose slot nothing but the cache refers to: take it
 * out and free the slot (folio_free_swap). 1 if it went.
 */
int folio_free_swap(struct machine *m, struct page *page);

/*
 * Read e's page into the swap cache (a new page on the anon LRU, read
 * from the device: pswpin or swpin_zero, workingset refault). *hit when
 * the cache had it. NULL when no memory is free (or the slot is gone).
 */
struct vm_area_struct;
struct page *read_swap_cache_async(struct machine *m, swp_entry_t e, int *hit);
/*
 * A fault at addr of vma on fault_entry, not in the swap cache: read it in
 * with its VMA-based readahead window (page-cluster, the hits since the
 * last miss; reclaim.md §8.3). Returns the fault's page, now in the swap
 * cache, or NULL (no memory); *major when it had to be read.
 */
struct page *swapin_readahead(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
			      swp_entry_t fault_entry, int *major);
/*
 * MADV_WILLNEED on anonymous memory: read every swapped page of [start,
 * end) into the swap cache (pswpin, no fault, not readahead-flagged).
 */
struct mm_struct;
void madvise_willneed_swap(struct machine *m, struct mm_struct *mm, uint64_t start, uint64_t end);
/*
 * A swap-cache hit at addr of vma: a page readahead brought counts a hit
 * (swap_ra_hit) and loses its mark; the hit goes to the VMA's readahead
 * state, or with no VMA (shmem) to cluster readahead's.
 */
void swap_update_readahead(struct machine *m, struct page *page, struct vm_area_struct *vma,
			   uint64_t addr);
/*
 * A miss on entry with no VMA to go by (shmem): read it in with the
 * aligned block of 2^k slots around it (swapin_nr_pages: page-cluster, the
 * machine's readahead hits since the last miss), every slot in use of the
 * block into the swap cache (swap_ra, PG_readahead), whatever holds it.
 * Returns entry's page, in the swap cache, or NULL (no memory).
 */
struct page *swap_cluster_readahead(struct machine *m, swp_entry_t entry);

/* ---- shmem_swap.c: shmem pages on swap ---- */

struct file_ref;
/*
 * Reclaim's writeout of an unmapped, dirty shmem page: a slot, the page to
 * the swap cache, the entry at its index. -ENOSPC (no slot), -ENOMEM,
 * -EBUSY (still mapped): the page stays where it was.
 */
int shmem_writeout(struct machine *m, struct page *page);
/*
 * The page of a shmem index that holds a swap entry, back in the page
 * cache (dirty, its slot freed). *major when it had to be read: by a
 * fault with cluster readahead, by swapoff (!fault) alone. NULL with
 * *err = -ENOMEM.
 */
struct page *shmem_swapin(struct machine *m, struct file_ref *inode, uint64_t index, int fault,
			  int *major, int *err);
/*
 * mincore of a shmem object: the indices of [first, end) on swap whose
 * page is in the swap cache, ascending, in a malloc'd *out (NULL: none).
 * Their number, or -ENOMEM.
 */
long shmem_swapcache_indices(struct machine *m, const struct file_ref *inode, uint64_t first,
			     uint64_t end, uint64_t **out);
/*
 * MADV_WILLNEED of a shmem mapping's [start, end) (kernel:
 * shmem_swapin_range): every page of it on swap read into the swap cache,
 * unmarked (no readahead hit later), no fault.
 */
void shmem_swapin_range(struct machine *m, struct vm_area_struct *vma, uint64_t start,
			uint64_t end);
/* The pages of [first, end) of a shmem object that are on swap (smaps Swap). */
uint64_t shmem_swap_usage(const struct file_ref *inode, uint64_t first, uint64_t end);
/* swapoff: every shmem page on device type back in memory. 0 or -ENOMEM. */
int shmem_unuse(struct machine *m, int type);
/* check: add the references shmem objects hold, per device and slot. */
void shmem_swap_refs(struct machine *m, uint32_t *const refs[MAX_SWAPFILES]);
/*
 * check: a page in a shmem object's page cache has left the swap cache
 * and carries no readahead mark. The violations, one line each in out.
 */
struct rbuf_lite;
int shmem_swap_check(struct machine *m, struct rbuf_lite *out);

/*
 * check (swap_check.c): swap_map, the swap cache and the clusters against
 * refs[type][offset], the swap PTEs the caller found per slot (refs[type]
 * NULL: none). Returns the violations, one line each in out.
 */
int swap_check(struct machine *m, uint32_t *const refs[MAX_SWAPFILES], struct rbuf_lite *out);

#endif
