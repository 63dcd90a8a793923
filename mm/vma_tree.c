/* SPDX-License-Identifier: MIT */
/*
 * vma_tree.c - the VMA tree: an AVL tree keyed by vm_start, threaded with
 * a prev/next list, each node augmented with the largest free gap in its
 * subtree (the rb_subtree_gap idea of Linux before the maple tree).
 *
 * The gap of a VMA is the free space right below it:
 *
 *      prev                 vma
 *   [========)   gap    [=========)
 *            ^vm_end    ^vm_start_gap(vma)  (vm_start less a stack's guard gap)
 *
 * (the first VMA's gap runs from address 0). vt_subtree_gap lets the gap
 * search skip every subtree whose largest gap is too small, so finding the
 * highest or lowest fitting gap costs O(log n) even with a million VMAs.
 *
 * Whoever changes vm_start, vm_end or the growsdown flag of a linked VMA
 * must call vt_update_gaps() on it (vma_adjust does).
 */
#include <stdio.h>

#include "internal.h"
#include "task.h"
#include "vma.h"

static int height(const struct vm_area_struct *v) { return v ? v->vt_height : 0; }
static uint64_t subtree_gap(const struct vm_area_struct *v) { return v ? v->vt_subtree_gap : 0; }
static uint64_t max3(uint64_t a, uint64_t b, uint64_t c) { return a > b ? (a > c ? a : c) : (b > c ? b : c); }

static uint64_t own_gap(const struct vm_area_struct *v)
{
	uint64_t lo = v->vm_prev ? vm_end_gap(v->vm_prev) : 0, hi = vm_start_gap(v);

	return hi > lo ? hi - lo : 0;
}

/* Recompute a node's height and augmentation from its children. */
static void pull(struct vm_area_struct *v)
{
	int hl = height(v->vt_left), hr = height(v->vt_right);

	v->vt_height = 1 + (hl > hr ? hl : hr);
	v->vt_subtree_gap = max3(v->vt_gap, subtree_gap(v->vt_left), subtree_gap(v->vt_right));
}

static void replace_child(struct vma_store *s, struct vm_area_struct *parent,
			  struct vm_area_struct *old, struct vm_area_struct *new)
{
	if (!parent)
		s->root = new;
	else if (parent->vt_left == old)
		parent->vt_left = new;
	else
		parent->vt_right = new;
	if (new)
		new->vt_parent = parent;
}

/*
 *     x                y
 *    / \              / \
 *   a   y    ==>     x   c
 *      / \          / \
 *     b   c        a   b
 */
static struct vm_area_struct *rotate_left(struct vma_store *s, struct vm_area_struct *x)
{
	struct vm_area_struct *y = x->vt_right;

	x->vt_right = y->vt_left;
	if (y->vt_left)
		y->vt_left->vt_parent = x;
	replace_child(s, x->vt_parent, x, y);
	y->vt_left = x;
	x->vt_parent = y;
	pull(x);
	pull(y);
	return y;
}

static struct vm_area_struct *rotate_right(struct vma_store *s, struct vm_area_struct *x)
{
	struct vm_area_struct *y = x->vt_left;

	x->vt_left = y->vt_right;
	if (y->vt_right)
		y->vt_right->vt_parent = x;
	replace_child(s, x->vt_parent, x, y);
	y->vt_right = x;
	x->vt_parent = y;
	pull(x);
	pull(y);
	return y;
}

/*
 * Restore balance and augmentation from v upwards. A node whose height and
 * subtree gap come out unchanged, with no rotation, changes nothing above
 * it: the walk stops there, which keeps a split or merge O(1) amortised
 * instead of a full root path every time.
 */
static void rebalance(struct vma_store *s, struct vm_area_struct *v)
{
	while (v) {
		int bf, old_h = v->vt_height;
		uint64_t old_gap = v->vt_subtree_gap;

		pull(v);
		bf = height(v->vt_left) - height(v->vt_right);
		if (bf > 1) {
			if (height(v->vt_left->vt_left) < height(v->vt_left->vt_right))
				rotate_left(s, v->vt_left);
			v = rotate_right(s, v);
		} else if (bf < -1) {
			if (height(v->vt_right->vt_right) < height(v->vt_right->vt_left))
				rotate_right(s, v->vt_right);
			v = rotate_left(s, v);
		} else if (v->vt_height == old_h && v->vt_subtree_gap == old_gap) {
			return;
		}
		v = v->vt_parent;
	}
}

/* Propagate a changed vt_gap upwards, until nothing changes. */
static void propagate(struct vm_area_struct *v)
{
	for (; v; v = v->vt_parent) {
		int old_h = v->vt_height;
		uint64_t old_gap = v->vt_subtree_gap;

		pull(v);
		if (v->vt_height == old_h && v->vt_subtree_gap == old_gap)
			return;
	}
}

/* Recompute v and its ancestors unconditionally (after a node moved). */
static void propagate_force(struct vm_area_struct *v)
{
	pull(v);
	propagate(v->vt_parent);
}

void vt_update_gaps(struct vma_store *s, struct vm_area_struct *vma)
{
	vma->vt_gap = own_gap(vma);
	propagate(vma);
	if (vma->vm_next) {
		vma->vm_next->vt_gap = own_gap(vma->vm_next);
		propagate(vma->vm_next);
	}
	(void)s;
}

struct vm_area_struct *vt_find(struct vma_store *s, uint64_t addr)
{
	struct vm_area_struct *v = s->root, *best = NULL;

	while (v) {
		if (v->vm_end > addr) {
			best = v;
			if (v->vm_start <= addr)
				break;
			v = v->vt_left;
		} else {
			v = v->vt_right;
		}
	}
	return best;
}

void vt_insert(struct vma_store *s, struct vm_area_struct *vma)
{
	struct vm_area_struct *parent = NULL, **link = &s->root;

	while (*link) {
		parent = *link;
		link = vma->vm_start < parent->vm_start ? &parent->vt_left : &parent->vt_right;
	}
	vma->vt_left = vma->vt_right = NULL;
	vma->vt_parent = parent;
	*link = vma;
	/* thread the list: a left child precedes its parent, a right child follows it */
	if (!parent) {
		vma->vm_prev = vma->vm_next = NULL;
	} else if (link == &parent->vt_left) {
		vma->vm_next = parent;
		vma->vm_prev = parent->vm_prev;
	} else {
		vma->vm_prev = parent;
		vma->vm_next = parent->vm_next;
	}
	if (vma->vm_prev)
		vma->vm_prev->vm_next = vma;
	else
		s->first = vma;
	if (vma->vm_next)
		vma->vm_next->vm_prev = vma;
	else
		s->last = vma;
	vma->vt_gap = own_gap(vma);
	rebalance(s, vma);
	if (vma->vm_next) {
		vma->vm_next->vt_gap = own_gap(vma->vm_next);
		propagate(vma->vm_next);
	}
	s->nr++;
}

void vt_erase(struct vma_store *s, struct vm_area_struct *vma)
{
	struct vm_area_struct *fix, *next = vma->vm_next;

	if (vma->vt_left && vma->vt_right) {
		/* the successor (leftmost of the right subtree) takes vma's place */
		struct vm_area_struct *succ = next;

		if (succ->vt_parent == vma) {
			fix = succ;
		} else {
			fix = succ->vt_parent;
			replace_child(s, fix, succ, succ->vt_right);
			succ->vt_right = vma->vt_right;
			vma->vt_right->vt_parent = succ;
		}
		succ->vt_left = vma->vt_left;
		vma->vt_left->vt_parent = succ;
		replace_child(s, vma->vt_parent, vma, succ);
		/* succ stands where vma stood: start from vma's figures so an early stop below it is right */
		succ->vt_height = vma->vt_height;
		succ->vt_subtree_gap = vma->vt_subtree_gap;
	} else {
		fix = vma->vt_parent;
		replace_child(s, vma->vt_parent, vma, vma->vt_left ? vma->vt_left : vma->vt_right);
	}
	if (vma->vm_prev)
		vma->vm_prev->vm_next = next;
	else
		s->first = next;
	if (next)
		next->vm_prev = vma->vm_prev;
	else
		s->last = vma->vm_prev;
	if (next)
		next->vt_gap = own_gap(next);
	rebalance(s, fix);
	if (next)
		propagate(next);
	/* succ's own augmentation changed with its new children and gap */
	if (next && next->vt_parent != NULL && next != fix)
		propagate_force(next);
	vma->vt_left = vma->vt_right = vma->vt_parent = vma->vm_prev = vma->vm_next = NULL;
	s->nr--;
}

/*
 * Highest fit. Visit order is descending addresses: right subtree, the
 * node's own gap, left subtree; a subtree whose largest gap is below
 * length is never entered, and the walk stops once gaps end below
 * low_limit.
 */
static int unmapped_area_topdown(struct vma_store *s, const struct vm_unmapped_area_info *info,
				 uint64_t *out)
{
	uint64_t length = info->length + info->align_mask, low_limit, high_limit;
	uint64_t gap_start, gap_end;
	struct vm_area_struct *v;

	if (length < info->length || info->high_limit < length)
		return -ENOMEM;
	high_limit = info->high_limit - length;	/* highest acceptable gap start */
	if (info->low_limit > high_limit)
		return -ENOMEM;
	low_limit = info->low_limit + length;	/* lowest acceptable gap end */

	gap_start = s->last ? vm_end_gap(s->last) : 0;
	if (gap_start <= high_limit) {
		gap_end = info->high_limit;
		goto found_highest;
	}
	v = s->root;
	if (!v || v->vt_subtree_gap < length)
		return -ENOMEM;
	for (;;) {
		gap_start = v->vm_prev ? vm_end_gap(v->vm_prev) : 0;
		if (gap_start <= high_limit && v->vt_right && v->vt_right->vt_subtree_gap >= length) {
			v = v->vt_right;
			continue;
		}
check_current:
		/*
		 * Every gap from here down ends at or below v->vm_start. (Not
		 * vm_start_gap: a stack's guard can reach below the gaps of
		 * lower VMAs, so it bounds nothing.)
		 */
		if (v->vm_start < low_limit)
			return -ENOMEM;
		gap_end = vm_start_gap(v);
		if (gap_start <= high_limit && gap_end >= low_limit && gap_end > gap_start &&
		    gap_end - gap_start >= length)
			break;
		if (v->vt_left && v->vt_left->vt_subtree_gap >= length) {
			v = v->vt_left;
			continue;
		}
		/* climb until we arrive from a right child: that parent is next below */
		for (;;) {
			struct vm_area_struct *child = v;

			v = v->vt_parent;
			if (!v)
				return -ENOMEM;
			if (child == v->vt_right) {
				gap_start = v->vm_prev ? vm_end_gap(v->vm_prev) : 0;
				goto check_current;
			}
		}
	}
	if (gap_end > info->high_limit)
		gap_end = info->high_limit;
found_highest:
	gap_end -= info->length;
	gap_end -= (gap_end - info->align_offset) & info->align_mask;
	*out = gap_end;
	return 0;
}

/* Lowest fit: the mirror image, ascending. */
static int unmapped_area(struct vma_store *s, const struct vm_unmapped_area_info *info,
			 uint64_t *out)
{
	uint64_t length = info->length + info->align_mask, low_limit, high_limit;
	uint64_t gap_start, gap_end;
	struct vm_area_struct *v;

	if (length < info->length || info->high_limit < length)
		return -ENOMEM;
	high_limit = info->high_limit - length;
	if (info->low_limit > high_limit)
		return -ENOMEM;
	low_limit = info->low_limit + length;

	v = s->root;
	if (!v || v->vt_subtree_gap < length)
		goto check_highest;
	for (;;) {
		/* left-subtree gaps end below v->vm_start (see unmapped_area_topdown) */
		gap_end = vm_start_gap(v);
		if (v->vm_start >= low_limit && v->vt_left && v->vt_left->vt_subtree_gap >= length) {
			v = v->vt_left;
			continue;
		}
		gap_start = v->vm_prev ? vm_end_gap(v->vm_prev) : 0;
check_current:
		if (gap_start > high_limit)
			return -ENOMEM;
		if (gap_end >= low_limit && gap_end > gap_start && gap_end - gap_start >= length)
			goto found;
		if (v->vt_right && v->vt_right->vt_subtree_gap >= length) {
			v = v->vt_right;
			continue;
		}
		for (;;) {
			struct vm_area_struct *child = v;

			v = v->vt_parent;
			if (!v)
				goto check_highest;
			if (child == v->vt_left) {
				gap_start = v->vm_prev ? vm_end_gap(v->vm_prev) : 0;
				gap_end = vm_start_gap(v);
				goto check_current;
			}
		}
	}
check_highest:
	gap_start = s->last ? vm_end_gap(s->last) : 0;
	if (gap_start > high_limit)
		return -ENOMEM;
found:
	if (gap_start < info->low_limit)
		gap_start = info->low_limit;
	gap_start += (info->align_offset - gap_start) & info->align_mask;
	*out = gap_start;
	return 0;
}

int vm_unmapped_area(struct mm_struct *mm, const struct vm_unmapped_area_info *info, uint64_t *addr)
{
	if (info->flags & VM_UNMAPPED_AREA_TOPDOWN)
		return unmapped_area_topdown(&mm->vmas, info, addr);
	return unmapped_area(&mm->vmas, info, addr);
}

/* Structural check: order, parent links, heights, balance, augmentation, list. */
static int check_subtree(const struct vm_area_struct *v, const struct vm_area_struct *parent,
			 char *why, size_t whylen, size_t *count)
{
	int hl, hr;

	if (!v)
		return 0;
	if (v->vt_parent != parent) {
		snprintf(why, whylen, "vma %llx has a wrong parent link", (unsigned long long)v->vm_start);
		return -1;
	}
	if ((v->vt_left && v->vt_left->vm_start >= v->vm_start) ||
	    (v->vt_right && v->vt_right->vm_start <= v->vm_start)) {
		snprintf(why, whylen, "vma %llx is out of tree order", (unsigned long long)v->vm_start);
		return -1;
	}
	hl = check_subtree(v->vt_left, v, why, whylen, count);
	if (hl < 0)
		return -1;
	hr = check_subtree(v->vt_right, v, why, whylen, count);
	if (hr < 0)
		return -1;
	(*count)++;
	if (v->vt_height != 1 + (hl > hr ? hl : hr) || hl - hr > 1 || hr - hl > 1) {
		snprintf(why, whylen, "vma %llx: height %d, children %d/%d", (unsigned long long)v->vm_start,
			 v->vt_height, hl, hr);
		return -1;
	}
	if (v->vt_gap != own_gap(v) ||
	    v->vt_subtree_gap != max3(v->vt_gap, subtree_gap(v->vt_left), subtree_gap(v->vt_right))) {
		snprintf(why, whylen, "vma %llx: stale gap augmentation", (unsigned long long)v->vm_start);
		return -1;
	}
	return v->vt_height;
}

int vt_check(struct vma_store *s, char *why, size_t whylen)
{
	size_t count = 0, listed = 0;
	const struct vm_area_struct *prev = NULL;

	if (check_subtree(s->root, NULL, why, whylen, &count) < 0)
		return -1;
	for (const struct vm_area_struct *v = s->first; v; prev = v, v = v->vm_next) {
		if (v->vm_prev != prev || (prev && prev->vm_start >= v->vm_start)) {
			snprintf(why, whylen, "vma list broken at %llx", (unsigned long long)v->vm_start);
			return -1;
		}
		if (++listed > count)
			break;
	}
	if (count != s->nr || listed != s->nr || s->last != prev) {
		snprintf(why, whylen, "tree holds %zu, list %zu, count says %zu", count, listed, s->nr);
		return -1;
	}
	return 0;
}
