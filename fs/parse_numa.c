/* SPDX-License-Identifier: MIT */
/*
 * parse_numa.c - the arrays of move_pages and the CPU sets of the affinity
 * calls, as people and strace write them:
 *
 *   pages   shell  0x7f0000000000,0x7f0000001000     strace [0x7f0000000000, 0x7f0000001000]
 *   nodes   shell  1   1,0,1   NULL                   strace [1, 0, 1]   NULL
 *   flags   shell  0  move  move_all  all             strace 0  MPOL_MF_MOVE  MPOL_MF_MOVE_ALL  0x8
 *   cpus    shell  0-1,3  0x3                         strace [0 1 3]   []
 *
 * strace prints at most 32 elements of an array and then "...": such a
 * line cannot be replayed and is refused with a reason.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse_internal.h"

#define MPOL_MF_MOVE		(1 << 1)
#define MPOL_MF_MOVE_ALL	(1 << 2)

/* One unsigned number of [q, ...) into *v; the end in *end. */
static bool number(const char *q, char **end, unsigned long long *v)
{
	if (!(*q >= '0' && *q <= '9'))
		return false;
	errno = 0;
	*v = strtoull(q, end, 0);
	return !errno && *end != q;
}

/* The items of a list: strace's "[a, b]" (sep ',' or ' ') or the shell's "a,b". */
static const char *list_body(struct pctx *p, const char *s, char *buf, size_t cap)
{
	size_t n = strlen(s);

	if (s[0] != '[')
		return s;
	if (n < 2 || s[n - 1] != ']' || n - 2 >= cap) {
		pctx_fail(p, "bad list '%.*s'", QUOTE_MAX, s);
		return NULL;
	}
	if (strstr(s, "...")) {
		pctx_fail(p, "strace cut the list '%.*s' short ('...'): it cannot be replayed",
			  QUOTE_MAX, s);
		return NULL;
	}
	memcpy(buf, s + 1, n - 2);
	buf[n - 2] = '\0';
	return buf;
}

/* Split body at ',' (and blanks): each item to fn. 0 or -EINVAL. */
static int each_item(struct pctx *p, const char *what, const char *s, bool blanks,
		     int (*fn)(struct pctx *p, const char *item, size_t n, void *arg), void *arg)
{
	char local[LINE_MAX_BYTES + 1];
	const char *body, *q;

	body = list_body(p, s, local, sizeof(local));
	if (!body)
		return -EINVAL;
	q = body;
	while (*q == ' ')
		q++;
	if (!*q)
		return 0;	/* [] */
	for (;;) {
		size_t n = strcspn(q, blanks ? ", " : ",");
		int err;

		if (!n)
			return pctx_fail(p, "empty %s in '%.*s'", what, QUOTE_MAX, s);
		err = fn(p, q, n, arg);
		if (err)
			return err;
		q += n;
		while (*q == ' ')
			q++;
		if (!*q)
			return 0;
		if (*q == ',')
			q++;
		while (*q == ' ')
			q++;
		if (!*q)
			return pctx_fail(p, "empty %s in '%.*s'", what, QUOTE_MAX, s);
	}
}

static int item_copy(const char *item, size_t n, char *out, size_t cap)
{
	if (n >= cap)
		return -1;
	memcpy(out, item, n);
	out[n] = '\0';
	return 0;
}

static int one_page(struct pctx *p, const char *item, size_t n, void *arg)
{
	struct mm_call *c = arg;
	char w[32], *end;
	unsigned long long v;

	if (item_copy(item, n, w, sizeof(w)) || !number(w, &end, &v) || *end)
		return pctx_fail(p, "bad page address '%.*s'", (int)(n < QUOTE_MAX ? n : QUOTE_MAX), item);
	if (c->nr_pages == MM_MOVE_PAGES_MAX)
		return pctx_fail(p, "more than %d pages in one line", MM_MOVE_PAGES_MAX);
	c->pages[c->nr_pages++] = v;
	return 0;
}

static int one_node(struct pctx *p, const char *item, size_t n, void *arg)
{
	struct mm_call *c = arg;
	char w[32];
	int32_t v;
	int err;

	if (item_copy(item, n, w, sizeof(w)))
		return pctx_fail(p, "bad node '%.*s'", QUOTE_MAX, item);
	err = parse_get_int(p, w, &v);
	if (err)
		return err;
	if (c->nr_page_nodes == MM_MOVE_PAGES_MAX)
		return pctx_fail(p, "more than %d nodes in one line", MM_MOVE_PAGES_MAX);
	c->page_nodes[c->nr_page_nodes++] = v;
	return 0;
}

static int one_cpu(struct pctx *p, const char *item, size_t n, void *arg)
{
	struct mm_call *c = arg;
	char w[48], *end;
	unsigned long long a, b;

	if (item_copy(item, n, w, sizeof(w)) || !number(w, &end, &a))
		return pctx_fail(p, "bad CPU '%.*s'", (int)(n < QUOTE_MAX ? n : QUOTE_MAX), item);
	b = a;
	if (*end == '-' && !number(end + 1, &end, &b))
		return pctx_fail(p, "bad CPU range '%s'", w);
	if (*end || b < a || b >= 64 * MM_CPUS_WORDS)
		return pctx_fail(p, "bad CPU range '%s': CPUs are 0..%d", w, 64 * MM_CPUS_WORDS - 1);
	for (unsigned long long k = a; k <= b; k++)
		c->cpus[k / 64] |= 1ULL << (k % 64);
	return 0;
}

int parse_page_list(struct pctx *p, const char *s, struct mm_call *c)
{
	c->nr_pages = 0;
	if (!strcasecmp(s, "NULL"))
		return 0;	/* move_pages(0, 0, NULL, ...): nothing to do */
	return each_item(p, "page address", s, false, one_page, c);
}

int parse_page_nodes(struct pctx *p, const char *s, struct mm_call *c)
{
	c->nr_page_nodes = 0;
	c->has_page_nodes = 0;
	if (!strcasecmp(s, "NULL") || !strcasecmp(s, "query"))
		return 0;
	c->has_page_nodes = 1;
	return each_item(p, "node", s, false, one_node, c);
}

int parse_cpu_set(struct pctx *p, const char *s, struct mm_call *c)
{
	memset(c->cpus, 0, sizeof(c->cpus));
	if (!strncasecmp(s, "0x", 2)) {
		char *end;
		unsigned long long v;

		errno = 0;
		v = strtoull(s, &end, 16);
		if (errno || end == s + 2 || *end)
			return pctx_fail(p, "bad CPU mask '%.*s' (at most 64 bits in hex)", QUOTE_MAX, s);
		c->cpus[0] = v;
		return 0;
	}
	return each_item(p, "CPU", s, s[0] == '[', one_cpu, c);
}

int parse_mpol_mf(struct pctx *p, const char *s, struct mm_call *c)
{
	static const struct { const char *name; uint64_t val; } names[] = {
		{ "MPOL_MF_MOVE", MPOL_MF_MOVE }, { "move", MPOL_MF_MOVE },
		{ "MPOL_MF_MOVE_ALL", MPOL_MF_MOVE_ALL }, { "move_all", MPOL_MF_MOVE_ALL },
		{ "all", MPOL_MF_MOVE_ALL },
	};
	uint64_t acc = 0;
	const char *q = s;

	for (;;) {
		size_t n = strcspn(q, "|,");
		char w[32], *end;
		unsigned long long v;
		size_t i;

		if (!n || item_copy(q, n, w, sizeof(w)))
			return pctx_fail(p, "bad move_pages flags '%.*s'", QUOTE_MAX, s);
		if (number(w, &end, &v) && !*end) {
			acc |= v;
		} else {
			for (i = 0; i < ARRAY_SIZE(names) && strcasecmp(w, names[i].name); i++)
				;
			if (i == ARRAY_SIZE(names))
				return pctx_fail(p, "unknown move_pages flag '%s'", w);
			acc |= names[i].val;
		}
		if (!q[n])
			break;
		q += n + 1;
	}
	c->flags = acc;
	return 0;
}
