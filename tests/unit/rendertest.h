/* SPDX-License-Identifier: MIT */
/*
 * rendertest.h - what the renderer tests share (test_render.c for the
 * machine's files, test_render_pid.c for a process's): snapshots built by
 * hand, and exact text comparison.
 */
#ifndef TESTS_RENDERTEST_H
#define TESTS_RENDERTEST_H

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../fs/render.h"

/* ---- helpers ---- */

static inline struct mm_global_snap *global_new(int nr_nodes, int nr_cpus)
{
	struct mm_global_snap *s = calloc(1, sizeof(*s) + nr_nodes * sizeof(s->node[0]));

	cr_assert(s);
	s->nr_nodes = nr_nodes;
	s->nr_cpus = nr_cpus;
	return s;
}

static inline struct mm_task_snap *task_new(size_t nr_vmas)
{
	struct mm_task_snap *t = calloc(1, sizeof(*t) + nr_vmas * sizeof(t->vmas[0]));

	cr_assert(t);
	t->nr_vmas = nr_vmas;
	t->have_vmas = nr_vmas > 0;
	t->pid = 4617;
	t->ppid = 4607;
	t->state = 'R';
	t->has_mm = 1;
	strcpy(t->comm, "layout");
	return t;
}

static inline void vma_set(struct mm_vma_snap *v, uint64_t start, uint64_t end, uint64_t flags,
		    const char *name)
{
	memset(v, 0, sizeof(*v));
	v->start = start;
	v->end = end;
	v->flags = flags;
	v->kernel_page_kb = 4;
	v->mmu_page_kb = 4;
	snprintf(v->name, sizeof(v->name), "%s", name);
}

/* Render with fn into a fresh buffer; the caller frees the string. */
#define RENDER(call) ({ struct rbuf _b; rbuf_init(&_b); call; \
	char *_s = strndup(_b.buf ? _b.buf : "", _b.len); rbuf_free(&_b); _s; })

static inline void expect_text(char *got, const char *want)
{
	cr_assert_str_eq(got, want, "got:\n%s\nwant:\n%s", got, want);
	free(got);
}

#endif
