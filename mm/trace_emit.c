// SPDX-License-Identifier: MIT
/*
 * trace_emit.c - the slow half of the hooks whose values take some
 * gathering (trace.h): gfp translation, hashed pointers, the slab, rss,
 * filemap and OOM events. Only reached when the event is enabled.
 */
#include <string.h>

#include "arena.h"
#include "page_alloc.h"
#include "task.h"
#include "trace.h"
#include "trace_internal.h"

unsigned long trace_gfp(unsigned gfp, unsigned order)
{
	unsigned long l;

	(void)order;
	/*
	 * A user page is a folio; an unmovable kernel page here is a page
	 * table or a kernel stack (GFP_KERNEL_ACCOUNT|__GFP_ZERO, as the OOM
	 * report says too), a reclaimable one a slab; the kernel's page
	 * tables and slabs are compound pages too (pagetable_alloc, allocate_slab).
	 */
	if (gfp & __GFP_MOVABLE)
		l = LGFP_HIGHUSER_MOVABLE | LGFP_COMP;
	else if (gfp & __GFP_RECLAIMABLE)
		l = LGFP_KERNEL | LGFP_RECLAIMABLE | LGFP_COMP;
	else
		l = LGFP_KERNEL | LGFP_ACCOUNT | LGFP_ZERO | LGFP_COMP;
	if (gfp & __GFP_DMA)
		l |= LGFP_DMA;
	if (gfp & __GFP_DMA32)
		l |= LGFP_DMA32;
	if (gfp & __GFP_HIGH)
		l |= LGFP_HIGH;
	if (gfp & (__GFP_ZERO | __GFP_USER_ZERO))
		l |= LGFP_ZERO;
	if (gfp & __GFP_NOWARN)
		l |= LGFP_NOWARN;
	if (gfp & __GFP_THISNODE)
		l |= LGFP_THISNODE;
	return l;
}

/*
 * %p prints a pointer hashed (ptr_to_id): 32 bits here, a mix of the
 * object's offset in the model's image, so the same run prints the same
 * value wherever the image is mapped.
 */
uint32_t trace_ptr_hash(const struct machine *m, const void *p)
{
	uint64_t x;

	if (!p)
		return 0;	/* %p of NULL prints zeros */
	x = (uint64_t)((uintptr_t)p - (uintptr_t)arena_region(m->arena)->addr);
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return (uint32_t)x ? (uint32_t)x : 1;
}

void trace_kmalloc_emit(struct machine *m, const char *call_site, const void *ptr,
			uint64_t bytes_req, uint64_t bytes_alloc, unsigned long lgfp, int node)
{
	uint64_t f[] = { 0, trace_ptr_hash(m, ptr), bytes_req, bytes_alloc, lgfp,
			 (uint64_t)(int64_t)node };

	trace_event_emit_full(m, TE_KMALLOC, f, NULL, call_site);
}

void trace_kfree_emit(struct machine *m, const char *call_site, const void *ptr)
{
	uint64_t f[] = { 0, trace_ptr_hash(m, ptr) };

	trace_event_emit_full(m, TE_KFREE, f, NULL, call_site);
}

void trace_kmem_cache_alloc_emit(struct machine *m, const char *call_site, const void *ptr,
				 const char *name, uint64_t bytes_req, uint64_t bytes_alloc,
				 unsigned long lgfp, int node, int accounted)
{
	uint64_t f[] = { 0, trace_ptr_hash(m, ptr), 0, bytes_req, bytes_alloc, lgfp,
			 (uint64_t)(int64_t)node, (uint64_t)!!accounted };

	trace_event_emit_full(m, TE_KMEM_CACHE_ALLOC, f, name, call_site);
}

void trace_kmem_cache_free_emit(struct machine *m, const char *call_site, const void *ptr,
				const char *name)
{
	uint64_t f[] = { 0, trace_ptr_hash(m, ptr), 0 };

	trace_event_emit_full(m, TE_KMEM_CACHE_FREE, f, name, call_site);
}

/* curr: the counter is the running task's own (mm == current->mm) */
void trace_rss_stat_emit(struct machine *m, const struct mm_struct *mm, int member, uint64_t pages)
{
	uint64_t f[] = { trace_ptr_hash(m, mm), m->cur_task && m->cur_task->mm == mm,
			 (uint64_t)(int64_t)member, pages << MM_PAGE_SHIFT };

	trace_event_emit(m, TE_RSS_STAT, f, NULL);
}

/* s_dev is the kernel's (major << 20 | minor): the files/ disk */
void trace_filemap_emit(struct machine *m, enum trace_event_id e, uint64_t pfn, uint64_t ino,
			uint64_t index, uint64_t last, unsigned order)
{
	uint64_t dev = (uint64_t)m->files_dev_major << 20 | m->files_dev_minor;

	if (e == TE_MM_FILEMAP_ADD_TO_PAGE_CACHE || e == TE_MM_FILEMAP_DELETE_FROM_PAGE_CACHE) {
		uint64_t f[] = { pfn, ino, index, dev, order };

		trace_event_emit(m, e, f, NULL);
	} else {
		uint64_t f[] = { ino, dev, index, last };

		trace_event_emit(m, e, f, NULL);
	}
}

void trace_mark_victim_emit(struct machine *m, const struct task *t)
{
	const struct mm_struct *mm = t->mm;
	uint64_t f[] = { (uint64_t)(int64_t)t->pid, 0,
			 mm ? mm->total_vm << 2 : 0, mm ? mm->rss[MM_ANONPAGES] << 2 : 0,
			 mm ? mm->rss[MM_FILEPAGES] << 2 : 0, mm ? mm->rss[MM_SHMEMPAGES] << 2 : 0,
			 0, mm ? mm->pgtables_bytes >> 10 : 0, (uint64_t)(int64_t)t->oom_score_adj };

	trace_event_emit(m, TE_MARK_VICTIM, f, t->comm);
}

void trace_oom_score_adj_update_emit(struct machine *m, const struct task *t)
{
	uint64_t f[] = { (uint64_t)(int64_t)t->pid, 0, (uint64_t)(int64_t)t->oom_score_adj };

	trace_event_emit(m, TE_OOM_SCORE_ADJ_UPDATE, f, t->comm);
}

void trace_shrink_slab_start_emit(struct machine *m, const char *shrink, const void *shr, int nid,
				  int64_t nr_objects_to_shrink, unsigned long lgfp, uint64_t cache_items,
				  uint64_t delta, uint64_t total_scan, int priority)
{
	uint64_t f[] = { trace_ptr_hash(m, shr), 0, (uint64_t)(int64_t)nid,
			 (uint64_t)nr_objects_to_shrink, lgfp, cache_items, delta,
			 total_scan, (uint64_t)(int64_t)priority };

	trace_event_emit_full(m, TE_MM_SHRINK_SLAB_START, f, NULL, shrink);
}

void trace_shrink_slab_end_emit(struct machine *m, const char *shrink, const void *shr, int nid,
				int shrinker_retval, int64_t unused_scan, int64_t new_scan,
				int64_t total_scan)
{
	uint64_t f[] = { trace_ptr_hash(m, shr), (uint64_t)(int64_t)nid, 0, (uint64_t)unused_scan,
			 (uint64_t)new_scan, (uint64_t)(int64_t)shrinker_retval,
			 (uint64_t)total_scan };

	trace_event_emit_full(m, TE_MM_SHRINK_SLAB_END, f, NULL, shrink);
}
