/* SPDX-License-Identifier: MIT */
/*
 * gen.h - what the random generator's parts share (gen.c: the general mix;
 * gen_fault.c: file faults next to EOF and next to cached pages).
 *
 * A script is a pure function of the seed: the generator never sees a
 * result. Its only state is its random stream, a guess of which descriptors
 * `open` returns, and lines it has queued to come next (a plan that takes
 * several commands, such as warming a file's cache and unmapping again).
 */
#ifndef TOOLS_DIFFTEST_GEN_H
#define TOOLS_DIFFTEST_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "difftest.h"

#define GEN_MAX_FDS	6
#define GEN_QUEUE	4	/* lines a plan may queue */
#define GEN_LINE	256

struct gen {
	uint64_t state;			/* splitmix64 */
	bool fd_open[3 + GEN_MAX_FDS];	/* predicted descriptors 3.. */
	char queue[GEN_QUEUE][GEN_LINE];	/* lines to emit before new ones, in order */
	unsigned queued, next_queued;
};

/* Uniform in [0, n). */
unsigned gen_below(struct gen *g, unsigned n);
const char *gen_pick(struct gen *g, const char *const *v, size_t n);
#define PICK(g, ...) ({ static const char *const v_[] = { __VA_ARGS__ }; \
			gen_pick(g, v_, sizeof(v_) / sizeof(v_[0])); })
/* Sizes as people write them: "16K" when whole kibibytes. */
void gen_put_size(char *b, size_t n, uint64_t v);
/* Queue a line to be emitted after the current one (at most GEN_QUEUE). */
void gen_queue(struct gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* One command of the file-fault family into b (gen_fault.c). */
void gen_file_fault(struct gen *g, char *b, size_t n);

#endif
