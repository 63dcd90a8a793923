/* SPDX-License-Identifier: MIT */
/*
 * Linux's anon_vma tree as slab objects (mm/rmap_avc.c): what fork,
 * exit, split, merge, mremap, munmap and MADV_WIPEONFORK/DONTFORK do to
 * the anon_vma and anon_vma_chain objects, counted exactly as Linux 6.18
 * does (anon_vma_fork, anon_vma_clone and its reuse rule,
 * unlink_anon_vmas). mm_check, which recounts the tree from the VMAs and
 * compares it with the slab caches, runs after every step.
 */
#include "filemaptest.h"
#include "../../mm/rmap.h"
#include "../../mm/slab.h"
#include "../../mm/vma.h"

static uint64_t objs(enum kmem_cache_id id) { return m->slab_caches[id]->node[0].inuse; }
static uint64_t avs(void) { return objs(KMEM_ANON_VMA); }
static uint64_t avcs(void) { return objs(KMEM_ANON_VMA_CHAIN); }

static int fork_of(int pid)
{
	return (int)call(pid, (struct mm_call){ .verb = MMV_FORK });
}

static void kill_pid(int pid)
{
	char why[128];

	cr_assert_eq(mm_kill(m, pid, why, sizeof(why)), 0, "%s", why);
	check_ok();
}

static struct mm_struct *mm_of(int pid) { return m->tasks[pid]->mm; }

/* VMAs of pid with an anon_vma, and their chains. */
static uint64_t anon_vmas_of(int pid, uint64_t *chains)
{
	uint64_t n = 0, c = 0;

	for (struct vm_area_struct *v = vma_first(mm_of(pid)); v; v = vma_next_of(v))
		if (v->anon_vma) {
			n++;
			c += vma_nr_avc(v);
		}
	if (chains)
		*chains = c;
	return n;
}

/* An anonymous mapping at a fixed address far from the exec layout: no neighbour. */
static uint64_t map_anon(int pid, uint64_t addr, uint64_t len, uint64_t prot)
{
	return call(pid, (struct mm_call){ .verb = MMV_MMAP, .addr = addr, .len = len, .fd = -1,
					   .prot = prot,
					   .flags = MM_MAP_PRIVATE | MM_MAP_ANONYMOUS | MM_MAP_FIXED });
}

static void __attribute__((unused)) dump(int pid)
{
	for (struct vm_area_struct *v = vma_first(mm_of(pid)); v; v = vma_next_of(v))
		fprintf(stderr, "%d %#llx-%#llx id %llu av %p chains %llu\n", pid,
			(unsigned long long)v->vm_start, (unsigned long long)v->vm_end,
			(unsigned long long)v->anon_vma, (void *)v->av,
			(unsigned long long)vma_nr_avc(v));
}

static uint64_t chains_at(int pid, uint64_t addr)
{
	struct vm_area_struct *v = vma_lookup(mm_of(pid), addr);

	cr_assert(v, "no VMA at %#llx", (unsigned long long)addr);
	return vma_nr_avc(v);
}

/* A never-forked process: one anon_vma and one chain per faulted VMA. */
Test(rmap_avc, one_chain_per_vma, .init = setup, .fini = teardown)
{
	uint64_t c, k = anon_vmas_of(1, &c);

	cr_assert(k > 0);
	cr_assert_eq(c, k, "init: singular chains");
	cr_assert_eq(avs(), k);
	cr_assert_eq(avcs(), k);
}

/*
 * fork of a process with k anon VMAs: +k anon_vma (the child's own),
 * +2k chains (its own and its parent's); a grandchild's VMAs have 3.
 * The middle process exits: its anon_vmas stay while the grandchild's
 * chains name them, and go with the grandchild.
 */
Test(rmap_avc, fork_and_grandchild, .init = setup, .fini = teardown)
{
	uint64_t k = anon_vmas_of(1, NULL), av0 = avs(), avc0 = avcs(), c;
	int child, grand;

	child = fork_of(1);
	cr_assert_eq(anon_vmas_of(child, &c), k);
	cr_assert_eq(c, 2 * k);
	cr_assert_eq(avs(), av0 + k);
	cr_assert_eq(avcs(), avc0 + 2 * k);

	grand = fork_of(child);
	cr_assert_eq(anon_vmas_of(grand, &c), k);
	cr_assert_eq(c, 3 * k, "own, parent's, grandparent's");
	cr_assert_eq(avs(), av0 + 2 * k);
	cr_assert_eq(avcs(), avc0 + 5 * k);

	kill_pid(child);
	cr_assert_eq(avs(), av0 + 2 * k, "the grandchild's chains keep the child's anon_vmas");
	cr_assert_eq(avcs(), avc0 + 3 * k);
	kill_pid(grand);
	cr_assert_eq(avs(), av0);
	cr_assert_eq(avcs(), avc0);
}

/*
 * The reuse rule (anon_vma_clone): a fork reuses an anon_vma of the
 * chain that has no VMA and fewer than two children. A forks B forks D;
 * B exits, its anon_vmas living on for D's sake with one child each; D
 * forks E: E's VMAs take B's anon_vmas, no new one.
 */
Test(rmap_avc, reuse_of_an_orphaned_anon_vma, .init = setup, .fini = teardown)
{
	uint64_t k, av0, avc0, av1, avc1, c;
	int a, b, d, e;

	a = fork_of(1);
	touch(a, map_anon(a, 0x100000000, 0x4000, MM_PROT_READ | MM_PROT_WRITE), 0x4000, 1);
	k = anon_vmas_of(a, NULL);	/* init's k - 1 inherited, one new root */
	av0 = avs();
	avc0 = avcs();
	b = fork_of(a);
	cr_assert_eq(avs(), av0 + k);
	d = fork_of(b);
	cr_assert_eq(avs(), av0 + 2 * k, "B's anon_vmas are active: D gets new ones");
	anon_vmas_of(d, &c);
	cr_assert_eq(c, 4 * (k - 1) + 3);
	kill_pid(b);
	cr_assert_eq(avs(), av0 + 2 * k, "B's stay for D");
	av1 = avs();
	avc1 = avcs();
	e = fork_of(d);
	cr_assert_eq(avs(), av1, "E reuses B's anon_vmas");
	anon_vmas_of(e, &c);
	cr_assert_eq(c, 4 * (k - 1) + 3, "no chain of its own beyond D's");
	cr_assert_eq(avcs(), avc1 + c);
	kill_pid(d);
	cr_assert_eq(avs(), av1, "E keeps every anon_vma of its chains");
	kill_pid(e);
	cr_assert_eq(avs(), av0);
	cr_assert_eq(avcs(), avc0);
}

/*
 * Splitting a child's VMA clones its chains (__split_vma); putting the
 * flags back merges the pieces and unlinks theirs. munmap of a piece
 * unlinks its chains.
 */
Test(rmap_avc, split_merge_munmap_in_a_child, .init = setup, .fini = teardown)
{
	uint64_t a = map_anon(1, 0x100000000, 0x8000, MM_PROT_READ | MM_PROT_WRITE), avc0, av0;
	int child;

	touch(1, a, 0x8000, 1);
	child = fork_of(1);
	av0 = avs();
	avc0 = avcs();
	cr_assert_eq(chains_at(child, a), 2);
	call(child, (struct mm_call){ .verb = MMV_MPROTECT, .addr = a + 0x2000, .len = 0x2000,
				      .prot = MM_PROT_READ });
	cr_assert_eq(avcs(), avc0 + 4, "two more pieces, two chains each");
	cr_assert_eq(avs(), av0);
	call(child, (struct mm_call){ .verb = MMV_MPROTECT, .addr = a + 0x2000, .len = 0x2000,
				      .prot = MM_PROT_READ | MM_PROT_WRITE });
	cr_assert_eq(avcs(), avc0, "merged back: the same anon_vma (%llu %llu, %llu VMAs)", (unsigned long long)avcs(), (unsigned long long)avc0, (unsigned long long)mm_of(child)->map_count);
	call(child, (struct mm_call){ .verb = MMV_MUNMAP, .addr = a + 0x6000, .len = 0x2000 });
	cr_assert_eq(avcs(), avc0);
	call(child, (struct mm_call){ .verb = MMV_MUNMAP, .addr = a, .len = 0x6000 });
	cr_assert_eq(avcs(), avc0 - 2);
	cr_assert_eq(avs(), av0 - 1, "the child's own goes; the parent's stays");
	kill_pid(child);
}

/*
 * A fork child's faulted VMA is not merged with a new neighbour without an
 * anon_vma (vma_is_fork_child), as the parent's is.
 */
Test(rmap_avc, fork_child_does_not_merge, .init = setup, .fini = teardown)
{
	uint64_t rw = MM_PROT_READ | MM_PROT_WRITE;
	uint64_t a = map_anon(1, 0x100000000, 0x4000, rw), n;
	int child;

	touch(1, a, 0x4000, 1);
	child = fork_of(1);
	n = mm_of(child)->map_count;
	call(child, (struct mm_call){ .verb = MMV_MMAP, .addr = a + 0x4000, .len = 0x2000, .fd = -1,
				      .prot = rw,
				      .flags = MM_MAP_PRIVATE | MM_MAP_ANONYMOUS | MM_MAP_FIXED });
	cr_assert_eq(mm_of(child)->map_count, n + 1, "a VMA of its own");
	n = mm_of(1)->map_count;
	call(1, (struct mm_call){ .verb = MMV_MMAP, .addr = a + 0x4000, .len = 0x2000, .fd = -1,
				  .prot = rw, .flags = MM_MAP_PRIVATE | MM_MAP_ANONYMOUS | MM_MAP_FIXED });
	cr_assert_eq(mm_of(1)->map_count, n, "the parent's merges");
	kill_pid(child);
}

/* MADV_WIPEONFORK: the child's VMA starts without anon_vma; DONTFORK: no VMA. */
Test(rmap_avc, wipeonfork_and_dontfork, .init = setup, .fini = teardown)
{
	uint64_t rw = MM_PROT_READ | MM_PROT_WRITE;
	uint64_t a = map_anon(1, 0x100000000, 0x2000, rw);
	uint64_t b = map_anon(1, 0x100100000, 0x2000, rw);
	uint64_t k, av0, avc0;
	int child;

	touch(1, a, 0x2000, 1);
	touch(1, b, 0x2000, 1);
	k = anon_vmas_of(1, NULL);
	call(1, (struct mm_call){ .verb = MMV_MADVISE, .addr = a, .len = 0x2000,
				  .advice = MM_MADV_WIPEONFORK });
	call(1, (struct mm_call){ .verb = MMV_MADVISE, .addr = b, .len = 0x2000,
				  .advice = MM_MADV_DONTFORK });
	av0 = avs();
	avc0 = avcs();
	child = fork_of(1);
	cr_assert_eq(anon_vmas_of(child, NULL), k - 2);
	cr_assert_eq(avs(), av0 + k - 2);
	cr_assert_eq(avcs(), avc0 + 2 * (k - 2));
	cr_assert_eq(chains_at(child, a), 0);
	touch(child, a, 0x1000, 1);
	cr_assert_eq(chains_at(child, a), 1, "a fresh root");
	cr_assert_eq(avs(), av0 + k - 1);
	kill_pid(child);
	cr_assert_eq(avs(), av0);
	cr_assert_eq(avcs(), avc0);
}

/* mremap of a child's VMA: the copy takes its chains, the old one's go. */
Test(rmap_avc, mremap_moves_the_chains, .init = setup, .fini = teardown)
{
	uint64_t rw = MM_PROT_READ | MM_PROT_WRITE;
	uint64_t a = map_anon(1, 0x100000000, 0x4000, rw), av0, avc0, to;
	int child;

	touch(1, a, 0x4000, 1);
	child = fork_of(1);
	av0 = avs();
	avc0 = avcs();
	to = call(child, (struct mm_call){ .verb = MMV_MREMAP, .addr = a, .len = 0x4000,
					   .new_len = 0x10000, .flags = MM_MREMAP_MAYMOVE });
	cr_assert_eq(chains_at(child, to), 2);
	cr_assert_eq(avs(), av0);
	cr_assert_eq(avcs(), avc0, "%llu %llu %#llx %#llx", (unsigned long long)avcs(), (unsigned long long)avc0, (unsigned long long)a, (unsigned long long)to);
	call(child, (struct mm_call){ .verb = MMV_MREMAP, .addr = to, .len = 0x10000,
				      .new_len = 0x2000 });
	cr_assert_eq(avcs(), avc0);
	kill_pid(child);
}

/*
 * brk in a fork child whose heap was written grows a second heap VMA (the
 * heap is a fork child: do_brk_flags cannot expand it), as on the host;
 * the parent's heap grows in place.
 */
Test(rmap_avc, brk_in_a_fork_child, .init = setup, .fini = teardown)
{
	uint64_t brk = mm_of(1)->brk, n;
	int child;

	brk = call(1, (struct mm_call){ .verb = MMV_BRK, .addr = brk + 0x4000 });
	touch(1, brk - 0x4000, 0x4000, 1);
	child = fork_of(1);
	n = mm_of(child)->map_count;
	call(child, (struct mm_call){ .verb = MMV_BRK, .addr = brk + 0x4000 });
	cr_assert_eq(mm_of(child)->map_count, n + 1, "a second heap VMA");
	n = mm_of(1)->map_count;
	call(1, (struct mm_call){ .verb = MMV_BRK, .addr = brk + 0x4000 });
	cr_assert_eq(mm_of(1)->map_count, n, "the parent's heap grows");
	kill_pid(child);
}

/* check sees a chain the tree lost count of, and the slab disagreeing. */
Test(rmap_avc, check_catches_a_miscount, .init = setup, .fini = teardown)
{
	int nbad = 0;
	char *r;

	m->nr_avcs++;
	r = mm_check(m, &nbad);
	m->nr_avcs--;
	cr_assert_gt(nbad, 0);
	cr_assert(strstr(r, "anon_vma tree:"), "%s", r);
	free(r);
	check_ok();
}
