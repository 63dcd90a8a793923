/* SPDX-License-Identifier: MIT */
/*
 * parse_internal.h - what parse.c (the shell form, arguments, numbers,
 * flags) and parse_strace.c (the strace form) share: the per-call state
 * and the helpers both forms use. Not for use outside the parser.
 */
#ifndef MMFS_PARSE_INTERNAL_H
#define MMFS_PARSE_INTERNAL_H

#define PCRE2_CODE_UNIT_WIDTH 8

#include <pcre2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse.h"

#define LINE_MAX_BYTES	4096
#define ARGS_MAX	8	/* more than any verb takes; the rest are only counted */
#define QUOTE_MAX	48	/* how much of a bad token a reason quotes */

enum re_id {
	RE_PID,		/* strace -f's "[pid 1234] " prefix */
	RE_CALL,	/* "name(" opens the strace form */
	RE_WORD,	/* one shell-form token */
	RE_CTOK,	/* one strace-form token, see ctok_group */
	RE_RETFD,	/* open's " = 3" or " = 3</path>" or " = -1 ENOENT (...)" */
	RE_NR
};

/* Capture groups of RE_CTOK; none set means end of line. */
enum ctok_group { CT_STR = 1, CT_ELLIPSIS, CT_LIST, CT_ANGLE, CT_COMMENT, CT_WORD, CT_PUNCT };

enum arg_kind { ARG_WORD, ARG_STRING, ARG_LIST };

struct arg {
	enum arg_kind kind;
	char *s;		/* word(s) joined by one space, or the decoded string */
	char *fdpath;		/* strace -y "<path>" after a number, decoded; or NULL */
};

struct pctx {
	char *why;
	size_t whylen;
	pcre2_match_data *md;
	const char *name;	/* the verb as written, for reasons */
	char text[LINE_MAX_BYTES + 1];		/* the trimmed line */
	char store[2 * (LINE_MAX_BYTES + 1)];	/* arg texts, NUL-terminated */
	size_t used;
	struct arg av[ARGS_MAX];
	int ac;			/* arguments seen; only ARGS_MAX are kept */
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Record a reason (escaped, cut to the buffer) and return -EINVAL. */
__attribute__((format(printf, 2, 3)))
int pctx_fail(struct pctx *p, const char *fmt, ...);
/* Anchored match of pattern id in text[start, len); pcre2_match's result. */
int pctx_match(struct pctx *p, enum re_id id, size_t len, size_t start);
/* Copy n bytes into the store as a NUL-terminated string. */
char *pctx_store(struct pctx *p, const char *s, size_t n);
/* The first non-blank offset at or after pos (len if none). */
size_t pctx_skip_blanks(const struct pctx *p, size_t len, size_t pos);

/* A hex digit's value, or -1. */
int parse_hexval(int c);
/* A decimal or 0x-hex int32 into *out; 0 or -EINVAL with a reason. */
int parse_get_int(struct pctx *p, const char *s, int32_t *out);
/*
 * A set of nodes (parse_nodemask.c): shell "0-1", "0,2", "0x3", "none";
 * strace "[0x..., ...]", "NULL". Nodes 0..63 go to *mask, *far says a higher
 * one was named. 0 or -EINVAL with the reason in p.
 */
int parse_nodemask(struct pctx *p, const char *s, uint64_t *mask, bool *far);
/*
 * parse_numa.c: move_pages' page list (c->pages) and node list
 * (c->page_nodes; NULL: query), its flags (c->flags), a CPU set (c->cpus):
 * shell "a,b" or strace "[a, b]" ("[0 1]" for CPUs). 0 or -EINVAL.
 */
int parse_page_list(struct pctx *p, const char *s, struct mm_call *c);
int parse_page_nodes(struct pctx *p, const char *s, struct mm_call *c);
int parse_mpol_mf(struct pctx *p, const char *s, struct mm_call *c);
int parse_cpu_set(struct pctx *p, const char *s, struct mm_call *c);
/* Fill the call from p->av[] along a verb signature (parse.c's table of types). */
int parse_take_args(struct pctx *p, const char *sig, struct mm_call *c);
/* How many arguments a signature needs (*min) and allows (*max). */
void parse_sig_counts(const char *sig, int *min, int *max);
/* The reason for a command written to the wrong control file. */
int parse_wrong_scope(struct pctx *p, enum parse_scope verb_scope);

/* The strace form, from the "name(" that RE_CALL matched (parse_strace.c). */
int parse_strace(struct pctx *p, size_t len, enum parse_scope scope, struct mm_call *c);

#endif
