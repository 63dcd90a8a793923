// SPDX-License-Identifier: MIT
/*
 * slub_shrink.c - the in-core dentries and inodes of files/ and the super
 * block shrinker that frees them (kernel: fs/dcache.c, fs/inode.c,
 * fs/super.c super_cache_scan, mm/shrinker.c do_shrink_slab, drop_slab).
 *
 * An entry of the model's inode table (file.c) is the file's on-disk
 * inode: it stays for the life of the machine, so its inode number does
 * not change. Its in-core copy is what the slab holds: an inode object
 * (ext4_inode_cache, shmem_inode_cache for /dev/shm) and one dentry, made
 * when the file is opened and the copy is not cached, freed by the
 * shrinker. The states, as Linux's:
 *
 *   open files of it (i_count > 0)     dentry and inode in use, on no LRU
 *   last open file gone                dentry on the node's dentry LRU,
 *                                      DCACHE_REFERENCED (dput keeps it)
 *   dentry pruned                      the dentry is freed; the inode goes
 *                                      on the inode LRU when it caches no
 *                                      page (mapping_shrinkable), or as
 *                                      soon as its last page goes
 *   inode pruned                       freed (evict); a lone shadow at
 *                                      index 0 (the one value entry the
 *                                      xarray keeps in its head, so
 *                                      mapping_shrinkable allows it) is
 *                                      invalidated first and counted as
 *                                      stolen (pginodesteal, or
 *                                      kswapd_inodesteal from kswapd), and
 *                                      as reclaimed
 *
 * tmpfs dentries are pinned (their files live only in the cache), so
 * shmem inodes never reach an LRU. Objects in use are taken off the LRU at
 * once (Linux leaves them for the next walk to drop); the LRUs are per
 * node, the node of the object's slab, as list_lru is.
 */
#include "internal.h"
#include "file.h"
#include "filemap.h"
#include "filemap_internal.h"
#include "slab.h"
#include "trace.h"
#include "vma.h"
#include "vmstat.h"
#include "zswap.h"

#define SHRINK_BATCH	128	/* shrinker->batch 0: SHRINK_BATCH */
#define DEFAULT_SEEKS	2	/* the super block shrinker's seeks */

void icache_init(struct machine *m)
{
	for (int n = 0; n < MM_MAX_NODES; n++) {
		INIT_LIST_HEAD(&m->dentry_lru[n]);
		INIT_LIST_HEAD(&m->inode_lru[n]);
	}
}

static enum kmem_cache_id inode_cache(const struct file_ref *inode)
{
	return (inode->i_state & I_SHMEM) ? KMEM_SHMEM_INODE : KMEM_EXT4_INODE;
}

static int lru_nid(struct machine *m, uint32_t handle)
{
	int nid = slab_nid(m, handle);

	return nid < 0 ? 0 : nid;
}

static void d_lru_del(struct machine *m, struct file_ref *inode)
{
	if (inode->d_lru.next) {
		list_del(&inode->d_lru);
		inode->d_lru.next = inode->d_lru.prev = NULL;
		m->nr_dentry_lru[lru_nid(m, inode->dentry_slab)]--;
	}
}

static void i_lru_del(struct machine *m, struct file_ref *inode)
{
	if (inode->i_lru.next) {
		list_del(&inode->i_lru);
		inode->i_lru.next = inode->i_lru.prev = NULL;
		m->nr_inode_lru[lru_nid(m, inode->slab)]--;
	}
}

static void i_lru_add(struct machine *m, struct file_ref *inode)
{
	int nid = lru_nid(m, inode->slab);

	list_add_tail(&inode->i_lru, &m->inode_lru[nid]);
	m->nr_inode_lru[nid]++;
}

/*
 * mapping_shrinkable (x86-64: no CONFIG_HIGHMEM): no page, and no value
 * entry but a lone one at index 0, which the xarray keeps in its head
 * (a lone entry elsewhere needs a node, and so pins the inode as a page
 * does).
 */
static int mapping_shrinkable(const struct file_ref *inode)
{
	const struct address_space *as = inode->mapping;

	return !as || (!as->nrpages &&
		       (!as->nr_shadows || (as->nr_shadows == 1 && shadow_at(as, 0))));
}

void icache_get(struct machine *m, struct file_ref *inode)
{
	if (!(inode->i_state & I_CACHED)) {
		inode->i_state |= I_CACHED | (inode->tmpfs ? I_SHMEM : 0);
		inode->slab = kmem_cache_alloc(m, inode_cache(inode), -1);
	}
	if (!(inode->i_state & D_CACHED)) {
		inode->dentry_slab = kmem_cache_alloc(m, KMEM_DENTRY, -1);
		inode->i_state |= D_CACHED;
	}
	d_lru_del(m, inode);
	i_lru_del(m, inode);
	inode->i_count++;
}

void icache_put(struct machine *m, struct file_ref *inode)
{
	int nid;

	if (--inode->i_count > 0 || (inode->i_state & I_SHMEM))
		return;
	/* dput: an unused dentry stays cached, on the LRU, referenced */
	nid = lru_nid(m, inode->dentry_slab);
	list_add_tail(&inode->d_lru, &m->dentry_lru[nid]);
	m->nr_dentry_lru[nid]++;
	inode->i_state |= D_REFERENCED;
}

void icache_pages_gone(struct address_space *as)
{
	struct file_ref *inode = as->host;

	/* the last page left an unused inode: it may be reclaimed now (inode_add_lru) */
	if (inode && inode->owner && (inode->i_state & I_CACHED) && !(inode->i_state & D_CACHED) &&
	    !inode->i_count && !inode->i_lru.next && !(inode->i_state & I_SHMEM) && mapping_shrinkable(inode))
		i_lru_add(as->m, inode);
}

static void dentry_free(struct machine *m, struct file_ref *inode)
{
	kmem_cache_free(m, KMEM_DENTRY, inode->dentry_slab);
	inode->dentry_slab = 0;
	inode->i_state &= ~(D_CACHED | D_REFERENCED);
	/* iput_final: the inode stays cached, on the LRU when nothing is cached in it */
	if (mapping_shrinkable(inode))
		i_lru_add(m, inode);
}

static void evict(struct machine *m, struct file_ref *inode)
{
	i_lru_del(m, inode);
	filemap_release(inode);	/* truncate_inode_pages_final: the shadows too */
	kmem_cache_free(m, inode_cache(inode), inode->slab);
	inode->slab = 0;
	inode->i_state &= ~(I_CACHED | I_REFERENCED | I_SHMEM);
}

/*
 * list_lru_walk's end: it goes down the list (list_for_each_safe) while nr
 * lasts; an entry it rotates moves to the tail and is met again later in
 * the same walk, so the walk only ends early at the head, when the entry
 * it just rotated was the only one left (its next was the head).
 */
#define LRU_WALK_ALONE(entry, head)	((entry)->next == (head))

/* prune_dcache_sb: walk nr dentries from the LRU's head; the freed ones. */
static uint64_t prune_dcache(struct machine *m, int nid, uint64_t nr)
{
	struct list_head *lru = &m->dentry_lru[nid];
	uint64_t freed = 0;

	while (nr-- && !list_empty(lru)) {
		struct file_ref *inode = list_entry(lru->next, struct file_ref, d_lru);

		if (inode->i_state & D_REFERENCED) {	/* LRU_ROTATE */
			inode->i_state &= ~D_REFERENCED;
			if (LRU_WALK_ALONE(&inode->d_lru, lru))
				break;
			list_move_tail(&inode->d_lru, lru);
			continue;
		}
		d_lru_del(m, inode);
		dentry_free(m, inode);
		freed++;
	}
	return freed;
}

/*
 * prune_icache_sb: inode_lru_isolate over nr inodes from the LRU's head.
 * An inode in use or caching pages again leaves the LRU (lazy removal:
 * the last page's going puts it back); a referenced one rotates; one whose
 * mapping is not empty (only the lone shadow at index 0 can be left here)
 * has it invalidated, counted as stolen, and is met again at the head by
 * the next step of the walk (LRU_RETRY), which evicts it.
 */
static uint64_t prune_icache(struct machine *m, int nid, uint64_t nr, int kswapd)
{
	struct list_head *lru = &m->inode_lru[nid];
	uint64_t freed = 0;

	while (nr-- && !list_empty(lru)) {
		struct file_ref *inode = list_entry(lru->next, struct file_ref, i_lru);
		struct address_space *as = inode->mapping;

		if (inode->i_count || !mapping_shrinkable(inode)) {
			i_lru_del(m, inode);
			continue;
		}
		if (inode->i_state & I_REFERENCED) {
			inode->i_state &= ~I_REFERENCED;
			if (LRU_WALK_ALONE(&inode->i_lru, lru))
				break;
			list_move_tail(&inode->i_lru, lru);
			continue;
		}
		if (as && (as->nrpages || as->nr_shadows)) {
			/* invalidate_mapping_pages counts a value entry as one */
			uint64_t reap = invalidate_inode_pages(inode) + as->nr_shadows;

			shadow_drop_range(as, 0, UINT64_MAX);
			count_vm_events(m, kswapd ? KSWAPD_INODESTEAL : PGINODESTEAL, (int64_t)reap);
			continue;
		}
		evict(m, inode);
		freed++;
	}
	return freed;
}

static uint64_t mult_frac(uint64_t x, uint64_t n, uint64_t d)
{
	return (x / d) * n + ((x % d) * n) / d;
}

/* super_cache_count: the objects on the node's LRUs, scaled by vfs_cache_pressure. */
static uint64_t super_cache_count(struct machine *m, int nid)
{
	uint64_t total = m->nr_dentry_lru[nid] + m->nr_inode_lru[nid];

	return mult_frac(total, (uint64_t)m->tun.vfs_cache_pressure, 100);
}

/* super_cache_scan: the scan split between dentries and inodes by their numbers. */
static uint64_t super_cache_scan(struct machine *m, int nid, uint64_t nr_to_scan, int kswapd)
{
	uint64_t dentries = m->nr_dentry_lru[nid], inodes = m->nr_inode_lru[nid];
	uint64_t total = dentries + inodes, freed;

	if (!total)
		total = 1;
	dentries = mult_frac(nr_to_scan, dentries, total);
	inodes = mult_frac(nr_to_scan, inodes, total);
	freed = prune_dcache(m, nid, dentries + 1);
	freed += prune_icache(m, nid, inodes + 1, kswapd);
	return freed;
}

/* A shrinker: its callbacks (count 0: nothing to do; scan may say stop) and deferred work. */
struct shrinker {
	const char *name;	/* the scan callback's name, as the trace events show it */
	uint64_t (*count)(struct machine *m, int nid);
	uint64_t (*scan)(struct machine *m, int nid, uint64_t nr_to_scan, int kswapd);
	int64_t *nr_deferred;	/* per node; its address is the shrinker's %p */
};

#define SHRINK_STOP	ZSWAP_SHRINK_STOP

/*
 * do_shrink_slab: scan freeable >> priority, times 4 / seeks, plus the
 * work deferred by earlier calls, in batches of SHRINK_BATCH, each batch
 * counted in slabs_scanned; a scan that says stop ends it (its batch is
 * not counted and stays deferred).
 */
static uint64_t do_shrink_slab(struct machine *m, const struct shrinker *s, int nid, int priority,
			       int kswapd)
{
	int64_t freeable = (int64_t)s->count(m, nid), nr, delta, total_scan, scanned = 0;
	int64_t next_deferred;
	uint64_t freed = 0;

	if (!freeable)
		return 0;
	nr = s->nr_deferred[nid];
	s->nr_deferred[nid] = 0;
	delta = (freeable >> priority) * 4 / DEFAULT_SEEKS;
	total_scan = (nr >> priority) + delta;
	if (total_scan > 2 * freeable)
		total_scan = 2 * freeable;
	trace_mm_shrink_slab_start(m, s->name, &s->nr_deferred[nid], nid, nr, LGFP_KERNEL,
				   (uint64_t)freeable, (uint64_t)delta, (uint64_t)total_scan, priority);
	while (total_scan >= SHRINK_BATCH || total_scan >= freeable) {
		int64_t nr_to_scan = total_scan < SHRINK_BATCH ? total_scan : SHRINK_BATCH;
		uint64_t ret = s->scan(m, nid, (uint64_t)nr_to_scan, kswapd);

		if (ret == SHRINK_STOP)
			break;
		freed += ret;
		count_vm_events(m, SLABS_SCANNED, nr_to_scan);
		total_scan -= nr_to_scan;
		scanned += nr_to_scan;
	}
	next_deferred = nr + delta - scanned;
	if (next_deferred < 0)
		next_deferred = 0;
	if (next_deferred > 2 * freeable)
		next_deferred = 2 * freeable;
	s->nr_deferred[nid] += next_deferred;
	trace_mm_shrink_slab_end(m, s->name, &s->nr_deferred[nid], nid, (int)freed, nr,
				 s->nr_deferred[nid], total_scan);
	return freed;
}

static uint64_t zswap_scan(struct machine *m, int nid, uint64_t nr_to_scan, int kswapd)
{
	(void)kswapd;
	return zswap_shrinker_scan(m, nid, nr_to_scan);
}

/*
 * shrink_slab: the shrinkers in the order they were registered, the super
 * block's (at boot) and zswap's (at its setup, DEFAULT_SEEKS, batch 0 =
 * SHRINK_BATCH as well); zswap's counts 0 until it is set up and
 * shrinker_enabled is Y.
 */
uint64_t shrink_slab(struct machine *m, int nid, int priority, int kswapd)
{
	const struct shrinker super = { "super_cache_scan", super_cache_count, super_cache_scan,
					m->sb_nr_deferred };
	uint64_t freed = do_shrink_slab(m, &super, nid, priority, kswapd);

	if (m->zswap) {
		const struct shrinker zswap = { "zswap_shrinker_scan", zswap_shrinker_count,
						zswap_scan, m->zswap->nr_deferred };

		freed += do_shrink_slab(m, &zswap, nid, priority, kswapd);
	}
	return freed;
}

/* drop_slab: every node at priority 0, again while a pass frees more than 1 << pass. */
void drop_slab(struct machine *m)
{
	unsigned shift = 0;
	uint64_t freed;

	do {
		freed = 0;
		for (int nid = 0; nid < m->nr_nodes; nid++)
			freed += shrink_slab(m, nid, 0, 0);
	} while ((freed >> shift++) > 1);
}

void icache_release_all(struct machine *m)
{
	for_each_inode(m, inode) {
		d_lru_del(m, inode);
		i_lru_del(m, inode);
		if (inode->i_state & D_CACHED)
			kmem_cache_free(m, KMEM_DENTRY, inode->dentry_slab);
		if (inode->i_state & I_CACHED)
			kmem_cache_free(m, inode_cache(inode), inode->slab);
		inode->i_state = 0;
		inode->slab = inode->dentry_slab = 0;
	}
}
