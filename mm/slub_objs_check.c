// SPDX-License-Identifier: MIT
/*
 * slub_objs_check.c - the invariant checker's count of the model's objects
 * that live in caches of their own kind (slab.h): each cache below holds
 * exactly the objects the model's structures say it does.
 *
 *   pid                one struct pid per live task, a struct cred per process
 *   files_cache        a files_struct per process (threads share it)
 *   numa_policy        a copy per VMA with a policy, per task with one, per
 *                      shared policy range
 *   shared_policy_node one per shared policy range
 *   ftrace_event_field zswap entries and zspages (the 56-byte merged cache)
 *   kmalloc-cg-256     one shmid_kernel per System V segment still alive
 *   kmalloc-32         one shm_file_data per attach file of a segment
 *   kmalloc-128        per hugetlb file its inode's resv_map, and the owner
 *                      VMAs' one of a reserved private mapping
 *   kmalloc-64         those maps' file_regions: regions plus region_cache,
 *                      and a hugetlb_vma_lock per shared hugetlb VMA
 */
#include <stdlib.h>

#include "internal.h"
#include "hugetlb.h"
#include "mempolicy.h"
#include "shm.h"
#include "slab.h"
#include "task.h"
#include "vma.h"
#include "zsmalloc.h"
#include "zswap.h"

#define CHECK_REPORT(...) do { if (bad++ < 16) rbl_printf(out, __VA_ARGS__); } while (0)

/* Objects the cache handed out: in its slabs, and those it had no page for. */
static uint64_t cache_objects(struct machine *m, enum kmem_cache_id id)
{
	const struct kmem_cache *s = m->slab_caches[id];
	uint64_t n = 0;

	if (!s)
		return 0;
	for (int nid = 0; nid < m->nr_nodes; nid++)
		n += s->node[nid].inuse;
	return n + s->nr_unaccounted;
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(void *const *)a, y = (uintptr_t)*(void *const *)b;

	return x < y ? -1 : x > y;
}

/* The distinct entries of a pointer array (sorted here). */
static uint64_t distinct(const void **p, size_t n)
{
	uint64_t count = 0;

	if (n)
		qsort(p, n, sizeof(*p), cmp_ptr);
	for (size_t i = 0; i < n; i++)
		if (!i || p[i] != p[i - 1])
			count++;
	return count;
}

/*
 * The attach files of System V segments (each an shm_file_data) and the
 * segments removed from the namespace that attaches still hold, counted
 * once each over every mm's VMAs.
 */
static void shm_attaches(struct machine *m, uint64_t *files, uint64_t *removed)
{
	const void **f = NULL, **segs = NULL;
	size_t nf = 0, ns = 0, cap = 0;

	*files = *removed = 0;
	for (int pid = 0; pid < m->pid_max; pid++) {
		struct task *t = m->tasks[pid];

		if (!t || !t->mm || !thread_group_leader(t))
			continue;	/* a shared mm once */
		for (struct vm_area_struct *v = vma_first(t->mm); v; v = vma_next_of(v)) {
			if (!v->vm_file || !v->vm_file->shm)
				continue;
			if (nf == cap) {
				const void **a = realloc(f, (cap = cap ? 2 * cap : 16) * sizeof(*a));
				const void **b = a ? realloc(segs, cap * sizeof(*b)) : NULL;

				if (!a || !b) {
					free(a ? a : f);
					free(b ? b : segs);
					return;
				}
				f = a;
				segs = b;
			}
			f[nf++] = v->vm_file;
			if (!v->vm_file->shm->live)
				segs[ns++] = v->vm_file->shm;
		}
	}
	*files = distinct(f, nf);
	*removed = distinct(segs, ns);
	free(f);
	free(segs);
}

/* Does mm still map f? (an owner map lives as long as one of its VMAs) */
static int mm_maps(struct mm_struct *mm, const struct file_ref *f)
{
	for (struct vm_area_struct *v = mm ? vma_first(mm) : NULL; v; v = vma_next_of(v))
		if (v->vm_file == f)
			return 1;
	return 0;
}

/*
 * The resv_maps and file_regions of every hugetlb file mapped (each file
 * once): a map's objects are its regions (runs) plus its cache, and an
 * owner map exists only while its owner maps the file.
 */
static int hugetlb_resv_objs(struct machine *m, uint64_t *maps, uint64_t *regions,
			     uint64_t *locks, struct rbuf_lite *out)
{
	const void **f = NULL;
	size_t nf = 0, cap = 0;
	int bad = 0;

	*maps = *regions = *locks = 0;
	for (int pid = 0; pid < m->pid_max; pid++) {
		struct task *t = m->tasks[pid];

		if (!t || !t->mm || !thread_group_leader(t))
			continue;
		for (struct vm_area_struct *v = vma_first(t->mm); v; v = vma_next_of(v)) {
			if (!v->vm_file || !v->vm_file->hugetlb)
				continue;
			if (v->hlock_held != v->vm_file->hugetlb->shared)
				CHECK_REPORT("hugetlb VMA %#llx: vma lock %s\n",
					     (unsigned long long)v->vm_start,
					     v->hlock_held ? "held by a private VMA" : "missing");
			*locks += v->hlock_held;
			if (nf == cap) {
				const void **a = realloc(f, (cap = cap ? 2 * cap : 16) * sizeof(*a));

				if (!a) {
					free(f);
					return 0;
				}
				f = a;
			}
			f[nf++] = v->vm_file;
		}
	}
	if (nf)
		qsort(f, nf, sizeof(*f), cmp_ptr);
	for (size_t i = 0; i < nf; i++) {
		const struct file_ref *file = f[i];
		const struct hugetlb_file *h = file->hugetlb;
		const struct resv_acct *r[2] = { &h->iresv, &h->vresv };

		if (i && f[i] == f[i - 1])
			continue;
		if (!h->iresv.live)
			CHECK_REPORT("hugetlb file ino %llu: no inode resv_map\n",
				     (unsigned long long)file->ino);
		if (h->vresv.live && (h->shared || !mm_maps(h->owner, file)))
			CHECK_REPORT("hugetlb file ino %llu: an owner resv_map without owner VMAs\n",
				     (unsigned long long)file->ino);
		for (int k = 0; k < 2; k++) {
			uint64_t want = resv_acct_runs(r[k]) + r[k]->cache;

			if (!r[k]->live)
				continue;
			if (r[k]->nr_fr != want)
				CHECK_REPORT("hugetlb file ino %llu: %llu file_regions held, %llu regions and cache\n",
					     (unsigned long long)file->ino,
					     (unsigned long long)r[k]->nr_fr, (unsigned long long)want);
			*maps += 1;
			*regions += want;
		}
	}
	free(f);
	return bad;
}

static uint64_t zspages(const struct zs_pool *pool)
{
	uint64_t n = 0;

	if (!pool)
		return 0;
	for (int i = 0; i < ZS_SIZE_CLASSES; i++) {
		const struct size_class *c = pool->size_class[i];

		if (c && c->index == (uint32_t)i)
			n += c->objs_allocated / c->objs_per_zspage;
	}
	return n;
}

static int expect(struct machine *m, enum kmem_cache_id id, uint64_t want, const char *what,
		  struct rbuf_lite *out)
{
	uint64_t have = cache_objects(m, id);
	int bad = 0;

	if (have != want)
		CHECK_REPORT("slab %s: %llu objects, %llu %s\n", kmem_cache_info[id].name,
			     (unsigned long long)have, (unsigned long long)want, what);
	return bad;
}

int slab_objs_check(struct machine *m, struct rbuf_lite *out)
{
	uint64_t pids = 0, files = 0, pols = 0, spn = 0, segs = 0, zs = 0, attaches, removed;
	uint64_t rmaps, fregions, vlocks;
	int bad = 0;

	for (int pid = 0; pid < m->pid_max; pid++) {
		struct task *t = m->tasks[pid];

		if (!t)
			continue;
		pids += (t->has_pid_objs & 1) + !!(t->has_pid_objs & 2);
		files += !!(t->has_pid_objs & 2);
		pols += !!(t->has_pid_objs & 4);
		if (!t->mm || !thread_group_leader(t))
			continue;
		for (struct vm_area_struct *v = vma_first(t->mm); v; v = vma_next_of(v))
			pols += v->pol_held;
	}
	for (struct list_head *l = m->shared_policies.next; l != &m->shared_policies; l = l->next)
		for (const struct sp_node *n = list_entry(l, struct file_ref, sp_link)->sp_root; n;
		     n = n->next)
			spn++;
	if (m->ipc)
		for (int i = 0; i < m->ipc->cap; i++)
			segs += m->ipc->shm[i] != NULL;
	shm_attaches(m, &attaches, &removed);
	bad += hugetlb_resv_objs(m, &rmaps, &fregions, &vlocks, out);
	segs += removed;
	if (m->zswap) {
		zs = m->zswap->stored_pages;
		for (int c = 0; c < ZSWAP_NR_COMP; c++)
			zs += zspages(m->zswap->pool[c]);
	}
	bad += expect(m, KMEM_PID, pids, "pids and creds", out);
	bad += expect(m, KMEM_FILES_CACHE, files, "processes", out);
	bad += expect(m, KMEM_NUMA_POLICY, pols + spn, "policies held", out);
	bad += expect(m, KMEM_SHARED_POLICY_NODE, spn, "shared policy ranges", out);
	bad += expect(m, KMEM_FTRACE_EVENT_FIELD, zs, "zswap entries and zspages", out);
	bad += expect(m, KMALLOC_CG_256, segs, "System V segments", out);
	bad += expect(m, KMALLOC_32, attaches, "System V attaches", out);
	bad += expect(m, KMALLOC_128, rmaps, "hugetlb resv_maps", out);
	bad += expect(m, KMALLOC_64, fregions + vlocks, "hugetlb file_regions and vma locks", out);
	return bad;
}
