// SPDX-License-Identifier: MIT
/*
 * task_snap.c - packed VMA snapshots: what a reader of maps or smaps of a
 * process with a million VMAs holds (kernel: fs/proc/task_mmu.c reads the
 * VMAs as it prints them; we copy them once under the lock, so that one
 * read sees one state, and print them outside it).
 *
 * A struct mm_vma_snap is about 500 bytes (the name inline, 22 counters);
 * packed, a VMA is a handful of varints: its range, flags and offset, its
 * device and inode when it maps a file, its name only when it differs from
 * the previous VMA's, and its counters (zero costs one byte).
 *
 *   varint start, length, flags, pgoff
 *   u8     bits: 1 file, 2 THP-eligible, 4 hugetlb pages, 8 same name
 *   file:  varint dev_major, dev_minor, ino
 *   name:  unless "same name": varint length, bytes
 *   smaps: the mm_vma_usage counters, one varint each
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "task.h"
#include "vma.h"

#define PK_FILE		1
#define PK_THP		2
#define PK_HUGE		4
#define PK_SAME_NAME	8
#define NR_USAGE	(sizeof(struct mm_vma_usage) / sizeof(uint64_t))

struct packer {
	uint8_t *p;
	size_t len, cap;
	int err;
};

static void put(struct packer *k, const void *src, size_t n)
{
	if (k->len + n > k->cap) {
		size_t cap = k->cap ? k->cap : 4096;
		uint8_t *p;

		while (cap < k->len + n)
			cap *= 2;
		p = realloc(k->p, cap);
		if (!p) {
			k->err = 1;
			return;
		}
		k->p = p;
		k->cap = cap;
	}
	memcpy(k->p + k->len, src, n);
	k->len += n;
}

static void put_varint(struct packer *k, uint64_t v)
{
	uint8_t b[10];
	size_t n = 0;

	do {
		b[n] = v & 0x7f;
		v >>= 7;
		b[n++] |= v ? 0x80 : 0;
	} while (v);
	put(k, b, n);
}

static void pack_vma(struct packer *k, const struct mm_vma_snap *v, const char *prev, int want)
{
	int same = !strcmp(v->name, prev);
	uint8_t bits = (v->is_file ? PK_FILE : 0) | (v->thp_eligible ? PK_THP : 0) |
		       (v->kernel_page_kb == 2048 ? PK_HUGE : 0) | (same ? PK_SAME_NAME : 0);
	const uint64_t *u = (const uint64_t *)&v->u;

	put_varint(k, v->start);
	put_varint(k, v->end - v->start);
	put_varint(k, v->flags);
	put_varint(k, v->pgoff);
	put(k, &bits, 1);
	if (v->is_file) {
		put_varint(k, v->dev_major);
		put_varint(k, v->dev_minor);
		put_varint(k, v->ino);
	}
	if (!same) {
		put_varint(k, strlen(v->name));
		put(k, v->name, strlen(v->name));
	}
	if (want >= 2)
		for (size_t i = 0; i < NR_USAGE; i++)
			put_varint(k, u[i]);
}

struct mm_task_snap *mm_snap_task_packed(struct machine *m, int pid, int want_vmas)
{
	struct mm_task_snap head = { 0 }, *s;
	struct packer k = { 0 };
	struct mm_vma_snap *v = malloc(2 * sizeof(*v));	/* this one and the previous */
	struct task *t;
	int cur = 0, found = 0;

	if (!v)
		return NULL;
	v[1].name[0] = '\0';
	put(&k, &head, sizeof(head));	/* the snapshot heads its own packed bytes */
	machine_lock(m);
	t = find_task_by_pid(m, pid);
	if (t && !k.err) {
		found = 1;
		task_snap_fill(m, t, &head, 0);
		if (t->mm && want_vmas) {
			VMA_ITERATOR(vmi, t->mm, 0);
			struct vm_area_struct *vma;

			put_varint(&k, (uint64_t)want_vmas);
			for_each_vma(vmi, vma) {
				vma_snap_fill(m, t->mm, vma, &v[cur], want_vmas);
				pack_vma(&k, &v[cur], v[!cur].name, want_vmas);
				cur = !cur;
				if (k.err)
					break;
			}
		}
	}
	machine_unlock(m);
	free(v);
	if (!found || k.err) {
		free(k.p);
		return NULL;
	}
	s = realloc(k.p, k.len);	/* exact: a million VMAs were packed */
	if (!s)
		s = (struct mm_task_snap *)k.p;
	memcpy(s, &head, sizeof(head));
	if (k.len > sizeof(head)) {
		s->packed = (const uint8_t *)(s + 1);
		s->packed_len = k.len - sizeof(head);
		s->have_vmas = 1;
	}
	return s;
}

/* ---- reading ---- */

struct unpacker {
	const uint8_t *p, *end;
	int bad;
};

static uint64_t get_varint(struct unpacker *u)
{
	uint64_t v = 0;

	for (int shift = 0; shift < 64; shift += 7) {
		uint8_t b;

		if (u->p >= u->end) {
			u->bad = 1;
			return 0;
		}
		b = *u->p++;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
	}
	u->bad = 1;
	return 0;
}

/*
 * The packed form's cursor is a byte offset; the VMA before it left its
 * name in *v, which the "same name" bit reuses: callers pass the same v.
 */
static int unpack(const struct mm_task_snap *s, size_t *cursor, struct mm_vma_snap *v)
{
	struct unpacker u = { s->packed + *cursor, s->packed + s->packed_len, 0 };
	char name[sizeof(v->name)];
	int want;
	uint8_t bits;

	if (!*cursor) {
		name[0] = '\0';
		want = (int)get_varint(&u);
	} else {
		want = s->packed[0] == 2 ? 2 : 1;	/* the first byte: a one-byte varint */
		memcpy(name, v->name, sizeof(name));
	}
	if (u.p >= u.end)
		return 0;
	memset(v, 0, sizeof(*v));
	v->start = get_varint(&u);
	v->end = v->start + get_varint(&u);
	v->flags = get_varint(&u);
	v->pgoff = get_varint(&u);
	bits = u.p < u.end ? *u.p++ : 0;
	v->is_file = !!(bits & PK_FILE);
	v->thp_eligible = !!(bits & PK_THP);
	v->kernel_page_kb = v->mmu_page_kb = (bits & PK_HUGE) ? 2048 : 4;
	if (bits & PK_FILE) {
		v->dev_major = (uint32_t)get_varint(&u);
		v->dev_minor = (uint32_t)get_varint(&u);
		v->ino = get_varint(&u);
	}
	if (bits & PK_SAME_NAME) {
		memcpy(v->name, name, sizeof(v->name));
	} else {
		uint64_t n = get_varint(&u);

		if (n >= sizeof(v->name) || n > (uint64_t)(u.end - u.p)) {
			u.bad = 1;
		} else {
			memcpy(v->name, u.p, n);
			v->name[n] = '\0';
			u.p += n;
		}
	}
	if (want >= 2) {
		uint64_t *dst = (uint64_t *)&v->u;

		for (size_t i = 0; i < NR_USAGE; i++)
			dst[i] = get_varint(&u);
	}
	if (u.bad)
		return 0;
	*cursor = (size_t)(u.p - s->packed);
	return 1;
}

int mm_snap_vma(const struct mm_task_snap *s, size_t *cursor, struct mm_vma_snap *v)
{
	if (!s->have_vmas)
		return 0;
	if (s->packed)
		return unpack(s, cursor, v);
	if (*cursor >= s->nr_vmas)
		return 0;
	*v = s->vmas[(*cursor)++];
	return 1;
}
