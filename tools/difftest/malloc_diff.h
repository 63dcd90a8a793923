/* SPDX-License-Identifier: MIT */
/*
 * malloc_diff.h - what the malloc mode's parts share (malloc_diff.c runs
 * the two sides and compares, malloc_gen.c writes the scripts).
 */
#ifndef DIFFTEST_MALLOC_DIFF_H
#define DIFFTEST_MALLOC_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A growing NUL-terminated text. */
struct text {
	char *s;
	size_t len, cap;
};

void tput(struct text *t, const char *s);

/*
 * The script of a seed: ops calls (heap: the heap profile; bug: ending
 * with a program's bug; threads: up to that many threads besides the main
 * one live at once, made and ended by the script, and calls spread over
 * them), one a line, appended to t. A pure function of its arguments.
 */
void malloc_gen_script(struct text *t, uint64_t seed, unsigned ops, bool heap, bool bug,
		       unsigned threads);

#endif
