/* SPDX-License-Identifier: MIT */
/*
 * parse_nodemask.c - a set of NUMA nodes as people and strace write it.
 *
 *   shell   0   0-1   0,2-3   0x3 (a mask)   none
 *   strace  [0x00000000000003]   [0x00000000000001, 0x00000000000000]   NULL   []
 *
 * strace prints a nodemask as the array of unsigned longs the call passed,
 * lowest word first, so word i holds nodes 64i..64i+63. The model has at
 * most MM_MAX_NODES (64) nodes: a node above that is not an error here but
 * is reported in *far, because Linux's answer for it depends on the call
 * (a node that is not online is EINVAL for most, but a mask wider than
 * maxnode is cut off first).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse_internal.h"

static void add_node(unsigned long n, uint64_t *mask, bool *far)
{
	if (n < 64)
		*mask |= 1ULL << n;
	else
		*far = true;
}

/* "[w0, w1, ...]" or "[]": strace's array of mask words. */
static int strace_words(struct pctx *p, const char *s, uint64_t *mask, bool *far)
{
	const char *q = s + 1;
	int word = 0;

	for (;;) {
		char *end;
		unsigned long long w;

		while (*q == ' ')
			q++;
		if (*q == ']' && word == 0 && q[1] == '\0')
			return 0;
		if (strncasecmp(q, "0x", 2) && !(*q >= '0' && *q <= '9'))
			return pctx_fail(p, "bad nodemask word in '%.*s'", QUOTE_MAX, s);
		errno = 0;
		w = strtoull(q, &end, 0);
		if (errno || end == q)
			return pctx_fail(p, "bad nodemask word in '%.*s'", QUOTE_MAX, s);
		if (word == 0)
			*mask = w;
		else if (w)
			*far = true;
		word++;
		q = end;
		while (*q == ' ')
			q++;
		if (*q == ',') {
			q++;
			continue;
		}
		if (*q == ']' && q[1] == '\0')
			return 0;
		return pctx_fail(p, "bad nodemask '%.*s'", QUOTE_MAX, s);
	}
}

/* "0-1,3": node numbers and ranges, as numactl and cpuset files write them. */
static int node_list(struct pctx *p, const char *s, uint64_t *mask, bool *far)
{
	const char *q = s;

	for (;;) {
		char *end;
		unsigned long a, b;

		if (*q < '0' || *q > '9')
			return pctx_fail(p, "bad node list '%.*s': want 0-1, 0,2 or 0x3", QUOTE_MAX, s);
		errno = 0;
		a = strtoul(q, &end, 10);
		b = a;
		if (*end == '-') {
			q = end + 1;
			if (*q < '0' || *q > '9')
				return pctx_fail(p, "bad node range in '%.*s'", QUOTE_MAX, s);
			b = strtoul(q, &end, 10);
		}
		if (errno || b < a || b - a > 4096)
			return pctx_fail(p, "bad node range in '%.*s'", QUOTE_MAX, s);
		for (unsigned long n = a; n <= b; n++)
			add_node(n, mask, far);
		if (*end == '\0')
			return 0;
		if (*end != ',')
			return pctx_fail(p, "bad node list '%.*s': want 0-1, 0,2 or 0x3", QUOTE_MAX, s);
		q = end + 1;
	}
}

int parse_nodemask(struct pctx *p, const char *s, uint64_t *mask, bool *far)
{
	*mask = 0;
	*far = false;
	if (!strcmp(s, "NULL") || !strcmp(s, "none"))
		return 0;
	if (s[0] == '[')
		return strace_words(p, s, mask, far);
	if (!strncasecmp(s, "0x", 2)) {
		char *end;

		errno = 0;
		*mask = strtoull(s, &end, 16);
		if (errno == ERANGE)
			return pctx_fail(p, "nodemask '%.*s' names nodes above 63", QUOTE_MAX, s);
		if (errno || end == s + 2 || *end)
			return pctx_fail(p, "bad nodemask '%.*s'", QUOTE_MAX, s);
		return 0;
	}
	return node_list(p, s, mask, far);
}
