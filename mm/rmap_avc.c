// SPDX-License-Identifier: MIT
/*
 * rmap_avc.c - Linux's anon_vma tree, kept for its slab objects (kernel:
 * mm/rmap.c __anon_vma_prepare, anon_vma_clone, anon_vma_fork,
 * unlink_anon_vmas, put_anon_vma; mm/vma.c dup_anon_vma).
 *
 * In Linux every VMA with anonymous pages points at one anon_vma (where
 * its new pages go) and owns one anon_vma_chain per anon_vma it may find
 * pages of: its own, and after fork every anon_vma of its parent's VMA,
 * so rmap finds pages the child has not yet copied. Fork gives the child
 * VMA a new anon_vma whose parent is the parent VMA's (or reuses one of
 * the chain's anon_vmas that has no VMA and fewer than two children, so a
 * process that forks forever does not grow an endless chain); splitting
 * or copying a VMA clones its chains; removing one unlinks them, and an
 * anon_vma goes when no chain names it, the root staying while any
 * anon_vma of its tree lives (each holds a reference on it).
 *
 * The model's rmap (rmap_walk.c) does not need this hierarchy: an
 * anonymous page carries the id of the anon_vma it was born in and a
 * forked child's VMA keeps that id, so one flat list per id already finds
 * every mapping, including the child's COW copies. Making the rmap itself
 * hierarchical would change every walk reclaim, migration and swap make,
 * for no difference anyone can see but the slab counts. So the tree here
 * is a faithful *shadow*: built and torn down at the points where Linux
 * builds and tears down its own, it holds the anon_vma and anon_vma_chain
 * objects of /proc/slabinfo and meminfo's Slab, and decides the two rules
 * that depend on it (a neighbour's anon_vma is reused only by a VMA whose
 * chain is singular; a fork child's VMA merges only with its own kind,
 * vma_is_fork_child). It never decides where a page is found.
 *
 * Per VMA it costs two pointers: av (Linux's vma->anon_vma) with its
 * chain in avc_slab, and avc_more, NULL but in fork children, for the
 * other chains. All functions expect m->lock held; a VMA is linked into
 * an mm of a machine before it gets chains.
 */
#include <string.h>

#include "internal.h"
#include "arena.h"
#include "rmap.h"
#include "slab.h"
#include "task.h"
#include "vma.h"

/*
 * Linux's struct anon_vma, as far as its lifetime goes: 64 bytes of arena.
 * Every live one is named by a chain of some VMA (a chain to an anon_vma
 * comes with chains to all its ancestors, and a VMA's go all at once), so
 * check finds them all from the VMAs: no list of them is kept.
 */
struct anon_vma_node {
	struct anon_vma_node *root, *parent;	/* parent: self for a root */
	uint32_t nr_avc;			/* chains naming it (its interval tree) */
	uint32_t refcount;			/* 1 while chained, + 1 per other anon_vma of a root's tree */
	uint32_t num_children;			/* chained anon_vmas whose parent it is (a root counts itself) */
	uint32_t num_active_vmas;		/* VMAs whose av it is */
	uint32_t slab;				/* its anon_vma object */
	uint32_t ck_avc, ck_active;		/* check's tallies */
	uint32_t ck_children, ck_refs, ck_seen;
};

/* The chains of a fork child's VMA beyond its own, oldest first. */
struct avc_link {
	struct anon_vma_node *av;
	uint32_t slab;
};
struct avc_ext {
	uint32_t nr, cap;
	struct avc_link e[];
};

static struct machine *vma_machine(const struct vm_area_struct *vma)
{
	return vma->vm_mm ? vma->vm_mm->machine : NULL;
}

static struct anon_vma_node *anon_vma_alloc(struct machine *m)
{
	struct anon_vma_node *av = kzalloc(sizeof(*av));

	if (!av) {
		m->avc_lost++;	/* the counts go astray; check stops comparing them */
		return NULL;
	}
	av->slab = kmem_cache_alloc(m, KMEM_ANON_VMA, -1);
	av->refcount = 1;
	av->root = av->parent = av;
	m->nr_av_nodes++;
	return av;
}

static void anon_vma_free(struct machine *m, struct anon_vma_node *av)
{
	kmem_cache_free(m, KMEM_ANON_VMA, av->slab);
	m->nr_av_nodes--;
	kfree(av);
}

/* __put_anon_vma: the last reference frees it, then its share of the root. */
static void put_anon_vma(struct machine *m, struct anon_vma_node *av)
{
	struct anon_vma_node *root = av->root;

	if (--av->refcount)
		return;
	anon_vma_free(m, av);
	if (root != av && --root->refcount == 0)
		anon_vma_free(m, root);
}

/* anon_vma_chain_link: one more chain names av; its object. */
static uint32_t chain_link(struct machine *m, struct anon_vma_node *av)
{
	av->nr_avc++;
	m->nr_avcs++;
	return kmem_cache_alloc(m, KMEM_ANON_VMA_CHAIN, -1);
}

static int ext_push(struct machine *m, struct avc_ext **pe, struct anon_vma_node *av, uint32_t slab)
{
	struct avc_ext *e = *pe;

	if (!e || e->nr == e->cap) {
		uint32_t cap = e ? 2 * e->cap : 2;
		struct avc_ext *n = kmalloc(sizeof(*n) + cap * sizeof(n->e[0]));

		if (!n) {
			m->avc_lost++;
			return -1;
		}
		n->nr = e ? e->nr : 0;
		n->cap = cap;
		if (e)
			memcpy(n->e, e->e, e->nr * sizeof(e->e[0]));
		kfree(e);
		*pe = e = n;
	}
	e->e[e->nr].av = av;
	e->e[e->nr++].slab = slab;
	return 0;
}

int vma_is_fork_child(const struct vm_area_struct *vma)
{
	return vma && vma->anon_vma && vma->avc_more && vma->avc_more->nr;
}

uint64_t vma_nr_avc(const struct vm_area_struct *vma)
{
	return vma->av ? 1 + (vma->avc_more ? vma->avc_more->nr : 0) : 0;
}

int anon_vma_same(const struct vm_area_struct *a, const struct vm_area_struct *b)
{
	if (a->av && b->av)
		return a->av == b->av;
	return a->anon_vma == b->anon_vma;
}

void anon_vma_attach(struct vm_area_struct *vma, const struct vm_area_struct *reuse)
{
	struct machine *m = vma_machine(vma);
	struct anon_vma_node *av;
	uint32_t avc;

	if (!m || vma->av)
		return;
	avc = kmem_cache_alloc(m, KMEM_ANON_VMA_CHAIN, -1);	/* the chain first, as Linux */
	av = reuse ? reuse->av : NULL;
	if (!av) {
		av = anon_vma_alloc(m);
		if (!av) {
			kmem_cache_free(m, KMEM_ANON_VMA_CHAIN, avc);
			return;
		}
		av->num_children++;	/* the self-parent link of a new root */
	}
	av->nr_avc++;
	m->nr_avcs++;
	av->num_active_vmas++;
	vma->av = av;
	vma->avc_slab = avc;
}

/*
 * Copy src's chains to dst (which has none yet). fork: dst->av is chosen
 * here (reuse) or left NULL for the caller; else dst->av = src->av.
 */
static void clone_chains(struct machine *m, struct vm_area_struct *dst,
			 const struct vm_area_struct *src, int fork)
{
	struct anon_vma_node *reuse = NULL;
	const struct avc_ext *se = src->avc_more;
	uint32_t nr = se ? se->nr : 0;

	/* Linux walks src's chain oldest first: the others, then src's own */
	for (uint32_t i = 0; i <= nr; i++) {
		struct anon_vma_node *av = i < nr ? se->e[i].av : src->av;
		uint32_t slab = chain_link(m, av);

		/* the reuse rule: no VMA, fewer than two children (a root always has itself and one) */
		if (fork && !reuse && av->num_children < 2 && !av->num_active_vmas) {
			reuse = av;
			dst->av = av;
			dst->avc_slab = slab;
			continue;
		}
		if (!fork && av == src->av) {
			dst->av = av;
			dst->avc_slab = slab;
			continue;
		}
		if (ext_push(m, &dst->avc_more, av, slab)) {
			av->nr_avc--;
			m->nr_avcs--;
			kmem_cache_free(m, KMEM_ANON_VMA_CHAIN, slab);
		}
	}
	if (dst->av)
		dst->av->num_active_vmas++;
}

void anon_vma_clone(struct vm_area_struct *dst, const struct vm_area_struct *src)
{
	struct machine *m = vma_machine(dst);

	if (!m || !src->av || dst->av)
		return;
	clone_chains(m, dst, src, 0);
}

void anon_vma_fork(struct vm_area_struct *vma, const struct vm_area_struct *pvma)
{
	struct machine *m = vma_machine(vma);
	struct anon_vma_node *av;

	if (!m || !pvma->av || vma->av)
		return;
	clone_chains(m, vma, pvma, 1);
	if (vma->av)
		return;		/* an existing anon_vma was reused */
	/* the child's own: where its COW copies would go in Linux */
	av = anon_vma_alloc(m);
	if (!av)
		return;
	av->root = pvma->av->root;
	av->parent = pvma->av;
	av->root->refcount++;	/* get_anon_vma(root): it outlives the process */
	av->num_active_vmas = 1;
	vma->av = av;
	vma->avc_slab = chain_link(m, av);
	av->parent->num_children++;
}

void unlink_anon_vmas(struct vm_area_struct *vma)
{
	struct machine *m = vma_machine(vma);
	struct avc_ext *e = vma->avc_more;
	uint32_t nr = e ? e->nr : 0;

	if (!m || !vma->av)
		goto out;
	/* newest first: the own chain, then the others from the last */
	for (uint32_t k = 0; k <= nr; k++) {
		struct avc_link *l = k ? &e->e[nr - k] : NULL;
		struct anon_vma_node *av = l ? l->av : vma->av;
		uint32_t slab = l ? l->slab : vma->avc_slab;

		m->nr_avcs--;
		if (--av->nr_avc == 0) {
			av->parent->num_children--;
			continue;	/* freed with the anon_vma below */
		}
		kmem_cache_free(m, KMEM_ANON_VMA_CHAIN, slab);
	}
	vma->av->num_active_vmas--;
	for (uint32_t k = 0; k <= nr; k++) {
		struct avc_link *l = k ? &e->e[nr - k] : NULL;
		struct anon_vma_node *av = l ? l->av : vma->av;
		uint32_t slab = l ? l->slab : vma->avc_slab;

		if (av->nr_avc)
			continue;
		put_anon_vma(m, av);
		kmem_cache_free(m, KMEM_ANON_VMA_CHAIN, slab);
	}
out:
	kfree(e);
	vma->avc_more = NULL;
	vma->av = NULL;
	vma->avc_slab = 0;
}

/* Call fn for every chain of every VMA of the machine's processes. */
struct ck_ctx {
	uint64_t nodes, chains;
	struct rbuf_lite *out;
	int bad;
};

static int for_each_chain(struct machine *m,
			  void (*fn)(struct anon_vma_node *av, int own, struct ck_ctx *c),
			  struct ck_ctx *c, struct rbuf_lite *out)
{
	int bad = 0;

	for (int pid = 0; pid < m->pid_max; pid++) {
		struct task *t = m->tasks[pid];

		if (!t || !t->mm || !thread_group_leader(t))
			continue;	/* a shared mm once */
		for (struct vm_area_struct *v = vma_first(t->mm); v; v = vma_next_of(v)) {
			if (!v->anon_vma != !v->av || (!v->av && v->avc_more)) {
				if (out)
					rbl_printf(out, "pid %d: VMA %#llx-%#llx: anon_vma id %llu but %s\n",
						   pid, (unsigned long long)v->vm_start,
						   (unsigned long long)v->vm_end,
						   (unsigned long long)v->anon_vma,
						   v->av ? "an anon_vma chain" : "no anon_vma chain");
				bad++;
				continue;
			}
			if (!v->av)
				continue;
			fn(v->av, 1, c);
			for (uint32_t i = 0; v->avc_more && i < v->avc_more->nr; i++)
				fn(v->avc_more->e[i].av, 0, c);
		}
	}
	return bad;
}

static void ck_clear(struct anon_vma_node *a)
{
	a->ck_avc = a->ck_active = a->ck_children = a->ck_refs = a->ck_seen = 0;
}

/* its parent and root are on the same chain list, but clear them anyway */
static void ck_zero(struct anon_vma_node *av, int own, struct ck_ctx *c)
{
	(void)own;
	(void)c;
	ck_clear(av);
	ck_clear(av->parent);
	ck_clear(av->root);
}

static void ck_tally(struct anon_vma_node *av, int own, struct ck_ctx *c)
{
	av->ck_avc++;
	av->ck_active += own;
	c->chains++;
	if (av->ck_seen)
		return;
	av->ck_seen = 1;
	c->nodes++;
	if (av->nr_avc)
		av->parent->ck_children++;
	av->ck_refs += av->nr_avc != 0;
	if (av->root != av)
		av->root->ck_refs++;
}

static void ck_compare(struct anon_vma_node *av, int own, struct ck_ctx *c)
{
	(void)own;
	if (av->ck_seen != 1)
		return;
	av->ck_seen = 2;
	if (av->ck_avc != av->nr_avc || av->ck_active != av->num_active_vmas ||
	    av->ck_children != av->num_children || av->ck_refs != av->refcount ||
	    (av->root != av && av->root->root != av->root)) {
		rbl_printf(c->out, "anon_vma tree: chains %u/%u, vmas %u/%u, children %u/%u, refs %u/%u (counted/kept)\n",
			   av->ck_avc, av->nr_avc, av->ck_active, av->num_active_vmas,
			   av->ck_children, av->num_children, av->ck_refs, av->refcount);
		c->bad++;
	}
}

/* Objects of cache id in use (slabinfo active_objs), unaccounted ones too. */
static uint64_t objects_inuse(struct machine *m, enum kmem_cache_id id)
{
	const struct kmem_cache *s = m->slab_caches[id];
	uint64_t n = s->nr_unaccounted;

	for (int nid = 0; nid < m->nr_nodes; nid++)
		n += s->node[nid].inuse;
	return n;
}

/*
 * check: the tree's counts against a recount from the VMAs (chains and
 * VMAs per anon_vma, children, the root's references), and its objects
 * against the slab caches' (Σ chains = anon_vma_chain objects in use,
 * live anon_vmas = anon_vma objects in use). Linear in VMAs and chains: a
 * million of them are checked after every step of a test.
 */
int anon_vma_tree_check(struct machine *m, struct rbuf_lite *out)
{
	struct ck_ctx c = { 0, 0, out, 0 };
	int bad;

	if (m->avc_lost || !m->slab_caches[KMEM_ANON_VMA] || !m->slab_caches[KMEM_ANON_VMA_CHAIN])
		return 0;
	bad = for_each_chain(m, ck_zero, &c, out);
	for_each_chain(m, ck_tally, &c, NULL);
	for_each_chain(m, ck_compare, &c, NULL);
	bad += c.bad;
	if (c.nodes != m->nr_av_nodes || c.chains != m->nr_avcs) {
		rbl_printf(out, "anon_vma tree: %llu anon_vmas, %llu chains counted; %llu, %llu kept\n",
			   (unsigned long long)c.nodes, (unsigned long long)c.chains,
			   (unsigned long long)m->nr_av_nodes, (unsigned long long)m->nr_avcs);
		bad++;
	}
	if (objects_inuse(m, KMEM_ANON_VMA) != m->nr_av_nodes ||
	    objects_inuse(m, KMEM_ANON_VMA_CHAIN) != m->nr_avcs) {
		rbl_printf(out, "anon_vma tree: %llu anon_vmas and %llu chains, the slab has %llu and %llu\n",
			   (unsigned long long)m->nr_av_nodes, (unsigned long long)m->nr_avcs,
			   (unsigned long long)objects_inuse(m, KMEM_ANON_VMA),
			   (unsigned long long)objects_inuse(m, KMEM_ANON_VMA_CHAIN));
		bad++;
	}
	return bad;
}
