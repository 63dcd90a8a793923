/* SPDX-License-Identifier: MIT */
/*
 * parse_strace.c - the strace form of the control language:
 *
 *   mmap(NULL, 65536, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f...
 *
 * The arguments are lexed by RE_CTOK (strings with strace's C escapes,
 * [lists], -y "<path>" decorations, comments, words, punctuation) and then
 * taken along the same signatures as the shell form (parse.c). Of the
 * " = result" only open's and dup's are read: the fd they returned.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "parse_internal.h"

/* strace's names; all are per-process calls. */
static const struct {
	const char *name;
	enum mm_verb verb;
	const char *sig;
} syscalls[] = {
	{ "mmap",	MMV_MMAP,	"alpmyo" },
	{ "munmap",	MMV_MUNMAP,	"al" },
	{ "mprotect",	MMV_MPROTECT,	"alp" },
	{ "pkey_mprotect", MMV_MPROTECT, "alpx" },	/* the key is not modelled */
	{ "mremap",	MMV_MREMAP,	"alnr|N" },
	{ "brk",	MMV_BRK,	"a" },
	{ "madvise",	MMV_MADVISE,	"alv" },
	{ "mlock",	MMV_MLOCK,	"al" },
	{ "mlock2",	MMV_MLOCK2,	"alL" },
	{ "munlock",	MMV_MUNLOCK,	"al" },
	{ "mlockall",	MMV_MLOCKALL,	"C" },
	{ "munlockall",	MMV_MUNLOCKALL,	"" },
	{ "mincore",	MMV_MINCORE,	"alx" },
	{ "msync",	MMV_MSYNC,	"alS" },
	{ "open",	MMV_OPEN,	"sO|x" },
	{ "openat",	MMV_OPEN,	"xsO|x" },
	{ "close",	MMV_CLOSE,	"d" },
	{ "dup",	MMV_DUP,	"d" },
	{ "dup2",	MMV_DUP,	"dg" },
	{ "dup3",	MMV_DUP,	"dgx" },
	{ "fcntl",	MMV_DUP,	"dx|x" },	/* F_DUPFD*: strace_replay skips the rest */
	{ "exit",	MMV_EXIT,	"e" },
	{ "exit_group",	MMV_EXIT,	"e" },
	{ "fork",	MMV_FORK,	"" },
	{ "vfork",	MMV_FORK,	"" },
	{ "execve",	MMV_EXEC,	"sxx" },
	{ "shmget",	MMV_SHMGET,	"KlI" },
	{ "shmat",	MMV_SHMAT,	"daH" },
	{ "shmdt",	MMV_SHMDT,	"a" },
	{ "shmctl",	MMV_SHMCTL,	"dQB" },
	{ "set_mempolicy", MMV_SET_MEMPOLICY, "YkX" },
	{ "mbind",	MMV_MBIND,	"alYkXU" },
	{ "get_mempolicy", MMV_GET_MEMPOLICY, "qwXaz" },
	{ "migrate_pages", MMV_MIGRATE_PAGES, "PlMW" },
	{ "move_pages",	MMV_MOVE_PAGES,	"PlAGxb" },
	{ "sched_setaffinity", MMV_SCHED_SETAFFINITY, "Plc" },
	{ "sched_getaffinity", MMV_SCHED_GETAFFINITY, "Plx" },
};

int parse_strace_knows(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(syscalls); i++)
		if (!strcmp(name, syscalls[i].name))
			return 1;
	return 0;
}

/* Decode strace's C escapes of s[0, n) into the store; 0 or -EINVAL. */
static int unescape(struct pctx *p, const char *s, size_t n, char **out)
{
	char *d = p->store + p->used, *start = d;
	size_t i = 0;

	while (i < n) {
		unsigned int v = 0, k;
		char e;

		if (s[i] != '\\') {
			*d++ = s[i++];
			continue;
		}
		e = s[i + 1];	/* the patterns never end a token on a lone '\' */
		i += 2;
		switch (e) {
		case 'n': v = '\n'; break;
		case 't': v = '\t'; break;
		case 'r': v = '\r'; break;
		case 'v': v = '\v'; break;
		case 'f': v = '\f'; break;
		case 'a': v = '\a'; break;
		case 'b': v = '\b'; break;
		case '"': case '\\': case '\'': case '?': case '<': case '>':
			v = (unsigned char)e;
			break;
		case 'x':
			for (k = 0; k < 2 && i < n && parse_hexval(s[i]) >= 0; k++)
				v = v * 16 + parse_hexval(s[i++]);
			if (!k)
				return pctx_fail(p, "'\\x' without hex digits in a string");
			break;
		default:
			if (e < '0' || e > '7')
				return pctx_fail(p, "unknown escape '\\%c' in a string", e);
			v = e - '0';
			for (k = 1; k < 3 && i < n && s[i] >= '0' && s[i] <= '7'; k++)
				v = v * 8 + (s[i++] - '0');
			if (v > 0xff)
				return pctx_fail(p, "octal escape out of range in a string");
		}
		if (!v)
			return pctx_fail(p, "string contains a NUL byte");
		*d++ = (char)v;
	}
	*d = '\0';
	p->used += (size_t)(d - start) + 1;
	*out = start;
	return 0;
}

/* The reason for a token the lexer could not match at pos. */
static int lex_error(struct pctx *p, size_t len, size_t pos)
{
	pos = pctx_skip_blanks(p, len, pos);
	switch (p->text[pos]) {
	case '"': return pctx_fail(p, "unterminated string");
	case '[': return pctx_fail(p, "unterminated list '['");
	case '<': return pctx_fail(p, "unterminated '<'");
	case '/': return pctx_fail(p, p->text[pos + 1] == '*' ? "unterminated comment"
							 : "unexpected '/'");
	}
	return pctx_fail(p, "unexpected '%c' in %s()", p->text[pos], p->name);
}

/* Add one token to the argument being built; 0 or -EINVAL. */
static int add_token(struct pctx *p, struct arg *a, bool *empty, int g,
		     const char *s, size_t n)
{
	if (g == CT_ANGLE) {
		if (*empty || a->kind != ARG_WORD || a->fdpath)
			return pctx_fail(p, "unexpected '<' in %s()", p->name);
		return unescape(p, s + 1, n - 2, &a->fdpath);
	}
	if (!*empty && (g != CT_WORD || a->kind != ARG_WORD || a->fdpath))
		return pctx_fail(p, "malformed argument %d of %s()", p->ac + 1, p->name);
	if (g == CT_WORD && !*empty) {
		/* a word argument is the last thing in the store: extend it */
		p->store[p->used - 1] = ' ';
		pctx_store(p, s, n);
		return 0;
	}
	*empty = false;
	a->fdpath = NULL;
	if (g == CT_WORD) {
		a->kind = ARG_WORD;
		a->s = pctx_store(p, s, n);
		return 0;
	}
	if (g == CT_LIST) {
		a->kind = ARG_LIST;
		a->s = pctx_store(p, s, n);
		return 0;
	}
	a->kind = ARG_STRING;
	return unescape(p, s + 1, n - 2, &a->s);
}

/* Split "arg, arg, ...)" from pos; returns the offset after ')' or -EINVAL. */
static long lex_args(struct pctx *p, size_t len, size_t pos)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(p->md);
	struct arg cur = { ARG_WORD, NULL, NULL };
	bool empty = true;

	for (;;) {
		int rc = pctx_match(p, RE_CTOK, len, pos), g;
		int err;

		if (rc <= 0)
			return lex_error(p, len, pos);
		pos = ov[1];
		if (rc == 1)
			return pctx_fail(p, "missing ')' after the arguments of %s()", p->name);
		g = rc - 1;	/* the last set group is the one that matched */
		if (g == CT_ELLIPSIS)
			g = CT_STR;
		if (g == CT_COMMENT)
			continue;
		if (g == CT_PUNCT) {
			bool close = p->text[ov[2 * g]] == ')';

			if (empty && (!close || p->ac))
				return pctx_fail(p, "empty argument %d of %s()", p->ac + 1, p->name);
			if (!empty && p->ac == ARGS_MAX)
				return pctx_fail(p, "too many arguments for %s()", p->name);
			if (!empty)
				p->av[p->ac++] = cur;
			empty = true;
			if (close)
				return (long)pos;
			continue;
		}
		err = add_token(p, &cur, &empty, g, p->text + ov[2 * g],
				ov[2 * g + 1] - ov[2 * g]);
		if (err)
			return err;
	}
}

/* What follows ')': nothing, or " = result", which only open reads (the fd). */
static int parse_tail(struct pctx *p, size_t len, size_t pos, struct mm_call *c)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(p->md);
	char *ret;

	pos = pctx_skip_blanks(p, len, pos);
	if (pos == len)
		return 0;
	if (p->text[pos] != '=')
		return pctx_fail(p, "unexpected '%.*s' after %s(...)", QUOTE_MAX,
			    p->text + pos, p->name);
	if (c->verb != MMV_OPEN && c->verb != MMV_DUP)
		return 0;
	pos = pctx_skip_blanks(p, len, pos + 1);
	if (pctx_match(p, RE_RETFD, len, pos) <= 0)
		return pctx_fail(p, "%s returned '%.*s', not a file descriptor", p->name,
			    QUOTE_MAX, p->text + pos);
	ret = pctx_store(p, p->text + ov[2], ov[3] - ov[2]);
	if (c->verb == MMV_DUP) {
		c->flags = 1;	/* the new fd is the one the trace got */
		return parse_get_int(p, ret, &c->mode);
	}
	return parse_get_int(p, ret, &c->fd);
}

int parse_strace(struct pctx *p, size_t len, enum parse_scope scope,
			struct mm_call *c)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(p->md);
	const char *sig = NULL;
	int min, max;
	long end;

	p->name = pctx_store(p, p->text + ov[2], ov[3] - ov[2]);
	for (size_t i = 0; i < ARRAY_SIZE(syscalls); i++) {
		if (!strcasecmp(p->name, syscalls[i].name)) {
			p->name = syscalls[i].name;
			c->verb = syscalls[i].verb;
			sig = syscalls[i].sig;
		}
	}
	if (!sig)
		return pctx_fail(p, "unknown system call '%.*s'", QUOTE_MAX, p->name);
	if (scope != PARSE_PROCESS)
		return parse_wrong_scope(p, PARSE_PROCESS);
	end = lex_args(p, len, ov[1]);
	if (end < 0)
		return (int)end;
	parse_sig_counts(sig, &min, &max);
	if (p->ac < min || p->ac > max)
		return min == max
			? pctx_fail(p, "%s() takes %d argument%s, not %d", p->name, min,
			       min == 1 ? "" : "s", p->ac)
			: pctx_fail(p, "%s() takes %d to %d arguments, not %d", p->name,
			       min, max, p->ac);
	return parse_take_args(p, sig, c) ?: parse_tail(p, len, (size_t)end, c);
}

