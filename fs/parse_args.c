// SPDX-License-Identifier: MIT
/*
 * parse_args.c - the control language's argument types: numbers and sizes,
 * flag names, IPC keys, protections, and take_arg(), which turns one token
 * into its mm_call field by the one-letter type of the verb's signature
 * (parse.c splits lines into tokens and finds the verb).
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "parse_flags.h"
#include "parse_internal.h"

/* ---- numbers ----------------------------------------------------------- */

int parse_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

/*
 * Decimal or 0x-hex, then (if suffix) K M G T P E, binary, optionally
 * followed by B or iB. A syntax error wins over an overflow, so "99...9q"
 * is "not a number" rather than "out of range".
 */
static int parse_u64(const char *s, bool suffix, unsigned long long *out)
{
	static const char units[] = "kmgtpe";
	unsigned long long v = 0;
	unsigned int base = 10, shift = 0;
	bool range = false;
	const char *d;

	if (s[0] == '0' && (s[1] | 0x20) == 'x' && parse_hexval(s[2]) >= 0) {
		base = 16;
		s += 2;
	}
	for (d = s; parse_hexval(*d) >= 0 && (unsigned int)parse_hexval(*d) < base; d++) {
		unsigned int x = parse_hexval(*d);

		if (v > (ULLONG_MAX - x) / base)
			range = true;
		v = v * base + x;
	}
	if (d == s)
		return -EINVAL;
	if (suffix && *d && strchr(units, *d | 0x20)) {
		shift = 10 * (unsigned int)(strchr(units, *d | 0x20) - units + 1);
		d++;
		if ((*d | 0x20) == 'i' && (d[1] | 0x20) == 'b')
			d += 2;
		else if ((*d | 0x20) == 'b')
			d++;
	}
	if (*d)
		return -EINVAL;
	if (range || (shift && v > (ULLONG_MAX >> shift)))
		return -ERANGE;
	*out = v << shift;
	return 0;
}

int parse_size(const char *s, unsigned long long *out)
{
	if (!s)
		return -EINVAL;
	return parse_u64(s, true, out);
}

static int bad_number(struct pctx *p, const char *s, int err)
{
	if (err == -ERANGE)
		return pctx_fail(p, "'%.*s' is out of range", QUOTE_MAX, s);
	return pctx_fail(p, "'%.*s' is not a number", QUOTE_MAX, s);
}

/* An address, length or offset: a size, or strace's NULL. */
static int get_size(struct pctx *p, const char *s, uint64_t *out)
{
	unsigned long long v;
	int err;

	if (!strcasecmp(s, "NULL")) {
		*out = 0;
		return 0;
	}
	err = parse_u64(s, true, &v);
	if (err)
		return bad_number(p, s, err);
	*out = v;
	return 0;
}

/* A signed number without suffix, within [min, max]. */
static int get_signed(struct pctx *p, const char *s, long long min, long long max,
		      long long *out)
{
	unsigned long long v;
	bool neg = s[0] == '-';
	int err = parse_u64(s + neg, false, &v);

	if (err)
		return bad_number(p, s, err);
	if (v > (neg ? (unsigned long long)-(min + 1) + 1 : (unsigned long long)max))
		return bad_number(p, s, -ERANGE);
	/* -(v - 1) - 1 stays in range for v = 2^63 */
	*out = !neg ? (long long)v : v ? -(long long)(v - 1) - 1 : 0;
	return 0;
}

int parse_get_int(struct pctx *p, const char *s, int32_t *out)
{
	long long v;
	int err = get_signed(p, s, INT32_MIN, INT32_MAX, &v);

	if (!err)
		*out = (int32_t)v;
	return err;
}

/* ---- flag names -------------------------------------------------------- */

/* The flag and advice tables live in parse_flags.c. */

/* A raw number (any bits: the kernel judges them) or one name of the set. */
static int get_flag(struct pctx *p, const struct flag_set *set, const char *s,
		    uint64_t *out)
{
	size_t plen = strlen(set->prefix);
	const char *name = s;
	unsigned long long v;
	int err;

	if (*s >= '0' && *s <= '9') {
		err = parse_u64(s, false, &v);
		if (err)
			return bad_number(p, s, err);
		*out = v;
		return 0;
	}
	if (!strncasecmp(s, set->prefix, plen))
		name += plen;
	for (const struct flag_name *f = set->names; f->name; f++) {
		if (!strcasecmp(name, f->name)) {
			*out = f->val;
			return 0;
		}
	}
	return pctx_fail(p, "unknown %s '%.*s'", set->what, QUOTE_MAX, s);
}

/* Flags joined by ',' or '|' (blanks around them allowed): their union. */
static int get_flags(struct pctx *p, const struct flag_set *set, const char *s,
		     uint64_t *out)
{
	char piece[LINE_MAX_BYTES + 1];
	uint64_t acc = 0, v;

	for (;;) {
		size_t n = strcspn(s, ",|");
		size_t a = strspn(s, " "), b = n;
		int err;

		while (b > a && s[b - 1] == ' ')
			b--;
		if (b == a)
			return pctx_fail(p, "empty %s in '%.*s'", set->what, QUOTE_MAX, s);
		memcpy(piece, s + a, b - a);
		piece[b - a] = '\0';
		err = get_flag(p, set, piece, &v);
		if (err)
			return err;
		acc |= v;
		if (!s[n])
			break;
		s += n + 1;
	}
	*out = acc;
	return 0;
}

/*
 * System V flags: names of the set and numbers joined by '|' or ',', where
 * a number with a leading 0 is octal, as strace prints the mode (0640).
 */
static int get_ipc_flags(struct pctx *p, const struct flag_set *set, const char *s,
			 uint64_t *out)
{
	char piece[LINE_MAX_BYTES + 1];
	uint64_t acc = 0, v;

	for (;;) {
		size_t n = strcspn(s, ",|");
		int err;

		if (!n)
			return pctx_fail(p, "empty %s in '%.*s'", set->what, QUOTE_MAX, s);
		memcpy(piece, s, n);
		piece[n] = '\0';
		if (piece[0] == '0' && piece[1] >= '0' && piece[1] <= '9') {
			v = 0;
			for (const char *d = piece + 1; *d; d++) {
				if (*d < '0' || *d > '7')
					return pctx_fail(p, "'%.*s' is not an octal number", QUOTE_MAX,
							 piece);
				if (v > (UINT64_MAX >> 3))
					return bad_number(p, piece, -ERANGE);
				v = v * 8 + (uint64_t)(*d - '0');
			}
		} else {
			err = get_flag(p, set, piece, &v);
			if (err)
				return err;
		}
		acc |= v;
		if (!s[n])
			break;
		s += n + 1;
	}
	*out = acc;
	return 0;
}

/*
 * A POSIX shm name as glibc's __shm_get_name takes it: leading '/'s
 * dropped, then not empty, no '/', shorter than NAME_MAX; the path is
 * /dev/shm/NAME.
 */
static int get_shm_name(struct pctx *p, const char *s, struct mm_call *c)
{
	while (*s == '/')
		s++;
	if (!*s || strchr(s, '/'))
		return pctx_fail(p, "shm name '%.*s' must not be empty or hold '/'", QUOTE_MAX, s);
	if (strlen(s) > sizeof(c->path) - sizeof("/dev/shm/"))
		return pctx_fail(p, "shm name is longer than %zu bytes",
				 sizeof(c->path) - sizeof("/dev/shm/"));
	memcpy(c->path, "/dev/shm/", 9);
	memcpy(c->path + 9, s, strlen(s) + 1);
	return 0;
}

/* A System V key: IPC_PRIVATE or a number (a u32, or a negative int). */
static int get_ipc_key(struct pctx *p, const char *s, int64_t *out)
{
	long long v;
	int err;

	if (!strcasecmp(s, "IPC_PRIVATE")) {
		*out = 0;
		return 0;
	}
	if (s[0] == '-') {
		err = get_signed(p, s, INT32_MIN, 0, &v);
	} else {
		unsigned long long u;

		err = parse_u64(s, false, &u);
		if (err)
			return bad_number(p, s, err);
		if (u > UINT32_MAX)
			return bad_number(p, s, -ERANGE);
		v = (long long)(int32_t)(uint32_t)u;
	}
	if (!err)
		*out = v;
	return err;
}

/*
 * "rw-" "r-x" "---": each position is its letter or '-'. Shorter positional
 * forms ("r", "rw") and letter sets without '-' ("wx", "x") are accepted too.
 */
static bool prot_letters(const char *s, uint64_t *out)
{
	static const char letters[] = "rwx";
	size_t n = strlen(s), i;
	uint64_t v = 0;

	if (!n || n > 3)
		return false;
	for (i = 0; i < n && (s[i] == '-' || (s[i] | 0x20) == letters[i]); i++)
		v |= s[i] == '-' ? 0 : 1ULL << i;
	if (i < n) {
		v = 0;
		for (i = 0; i < n; i++) {
			const char *l = memchr(letters, s[i] | 0x20, 3);

			if (!l || (v & (1ULL << (l - letters))))
				return false;
			v |= 1ULL << (l - letters);
		}
	}
	*out = v;
	return true;
}

/* ---- arguments --------------------------------------------------------- */

/* mallopt's parameter: a malloc.h name (M_ optional) or its number. */
static int parse_mallopt_param(struct pctx *p, const char *s, int64_t *out)
{
	static const struct { const char *name; int val; } names[] = {
		{ "MXFAST", 1 }, { "TRIM_THRESHOLD", -1 }, { "TOP_PAD", -2 },
		{ "MMAP_THRESHOLD", -3 }, { "MMAP_MAX", -4 }, { "CHECK_ACTION", -5 },
		{ "PERTURB", -6 }, { "ARENA_TEST", -7 }, { "ARENA_MAX", -8 },
	};
	const char *n = strncasecmp(s, "M_", 2) ? s : s + 2;
	int32_t v;

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcasecmp(n, names[i].name)) {
			*out = names[i].val;
			return 0;
		}
	if (*s == '-' || (*s >= '0' && *s <= '9')) {
		int err = parse_get_int(p, s, &v);

		*out = v;
		return err;
	}
	return pctx_fail(p, "unknown mallopt parameter '%.*s'", QUOTE_MAX, s);
}

/*
 * Argument types of a verb signature ('|' starts the optional ones):
 *   a addr   l len   n new_len   N new_addr   o off      (sizes; NULL = 0)
 *   p prot   m mmap flags   r mremap flags   v advice
 *   L mlock2 flags   C mlockall flags   S msync flags   O open flags
 *   F name in path (shell)   s quoted string in path (strace)
 *   y mmap's fd: -1, N or N</path>   d fd   P pid   D drop_caches mode
 *   t touch mode   e exit status (checked, unused)   x anything (ignored)
 *   R swap priority, -1..32767 (-1: assigned, as if absent)
 *   g dup's new fd into mode (flags 1)
 *   M nodemask into nodes[0]   W nodemask into nodes[1] (strace: a list)
 *   K System V key (IPC_PRIVATE or a number) into advice
 *   I shmget flags | octal mode   H shmat flags   Q shmctl command into mode
 *   Z POSIX shm name into path (/dev/shm/NAME)   J shm_open's mode (octal)
 *   B shmctl's buffer into addr: NULL, an address, or strace's {...} (non-NULL)
 *   E mallopt parameter (M_MMAP_THRESHOLD..., or its number) into advice
 *   i a signed int into mode (mallopt's value)
 *   Y memory policy mode|flags   U mbind flags   z get_mempolicy flags
 *   X maxnode   k strace nodemask: [list], NULL, or a pointer it could not read
 *   q w get_mempolicy's policy / nodemask outputs: NULL, or anything (asked)
 *   A move_pages' pages   G its nodes (or NULL)   b its flags   c a CPU set
 *   (A G c: strace lists too; parse_numa.c)
 */
static int take_arg(struct pctx *p, char type, const struct arg *a,
		    struct mm_call *c)
{
	const char *s = a->s;
	int32_t status;
	uint64_t u;
	long long v;
	int err;

	switch (type) {
	case 'a': return get_size(p, s, &c->addr);
	case 'l': return get_size(p, s, &c->len);
	case 'n': return get_size(p, s, &c->new_len);
	case 'N': return get_size(p, s, &c->new_addr);
	case 'o': return get_size(p, s, &c->off);
	case 'p':
		if (prot_letters(s, &c->prot))
			return 0;
		return get_flags(p, &prot_names_set, s, &c->prot);
	case 'm': return get_flags(p, &map_names_set, s, &c->flags);
	case 'r': return get_flags(p, &mremap_names_set, s, &c->flags);
	case 'L': return get_flags(p, &mlock2_names_set, s, &c->flags);
	case 'C': return get_flags(p, &mcl_names_set, s, &c->flags);
	case 'S': return get_flags(p, &ms_names_set, s, &c->flags);
	case 'O': return get_flags(p, &open_names_set, s, &c->flags);
	case 'v':
		if (*s == '-' || (*s >= '0' && *s <= '9')) {
			err = get_signed(p, s, LLONG_MIN, LLONG_MAX, &v);
			c->advice = v;
			return err;
		}
		err = get_flag(p, &madv_names_set, s, &u);
		c->advice = (int64_t)u;
		return err;
	case 'F':
	case 's':
		if (strlen(s) >= sizeof(c->path))
			return pctx_fail(p, "name is longer than %zu bytes", sizeof(c->path) - 1);
		strcpy(c->path, s);
		return 0;
	case 'y':
		if (a->fdpath) {
			if (strlen(a->fdpath) >= sizeof(c->path))
				return pctx_fail(p, "name is longer than %zu bytes",
					    sizeof(c->path) - 1);
			strcpy(c->path, a->fdpath);
		}
		return parse_get_int(p, s, &c->fd);
	case 'V': {	/* one more argument of exec PATH ARG... */
		size_t n = strlen(s) + 1;

		if (n > sizeof(c->argv) - c->argv_len)
			return pctx_fail(p, "arguments are longer than %zu bytes", sizeof(c->argv));
		memcpy(c->argv + c->argv_len, s, n);
		c->argv_len += (uint32_t)n;
		return 0;
	}
	case 'd': return parse_get_int(p, s, &c->fd);
	case 'P': return parse_get_int(p, s, &c->pid);
	case 'g':
		c->flags = 1;
		return parse_get_int(p, s, &c->mode);
	case 'e': return parse_get_int(p, s, &status);
	case 'D':
		if (strcmp(s, "1") && strcmp(s, "2") && strcmp(s, "3"))
			return pctx_fail(p, "drop_caches takes 1, 2 or 3, not '%.*s'", QUOTE_MAX, s);
		c->mode = s[0] - '0';
		return 0;
	case 't':
		if (!strcasecmp(s, "r") || !strcasecmp(s, "read"))
			c->mode = 'r';
		else if (!strcasecmp(s, "w") || !strcasecmp(s, "write"))
			c->mode = 'w';
		else
			return pctx_fail(p, "touch mode must be r or w, not '%.*s'", QUOTE_MAX, s);
		return 0;
	case 'R':
		err = get_signed(p, s, -1, 32767, &v);
		c->advice = v;
		c->flags = v >= 0;
		return err;
	case 'M':
	case 'W': {
		int i = type == 'W';
		bool far;

		err = parse_nodemask(p, s, &c->nodes[i], &far);
		c->nodes_far[i] = far;
		c->nodes_ptr[i] = strcmp(s, "NULL") != 0;
		return err;
	}
	case 'K': return get_ipc_key(p, s, &c->advice);
	case 'Z': return get_shm_name(p, s, c);
	case 'B':
		/* shmctl's buffer: strace's {...} (a struct it read or wrote), NULL or an address */
		if (a->kind == ARG_LIST) {
			c->addr = 1;
			return 0;
		}
		return get_size(p, s, &c->addr);
	case 'J':
		/* shm_open's MODE, its last argument: glibc's open flags join the caller's */
		err = get_ipc_flags(p, &ipc_names_set, s, &u);
		if (!err && u > 07777)
			err = pctx_fail(p, "mode '%.*s' has bits above 07777", QUOTE_MAX, s);
		c->mode = MM_OPEN_MODE_GIVEN | (int32_t)u;
		c->flags |= MM_O_NOFOLLOW | MM_O_CLOEXEC;
		return err;
	case 'I': return get_ipc_flags(p, &ipc_names_set, s, &c->flags);
	case 'H': return get_ipc_flags(p, &shmat_names_set, s, &c->flags);
	case 'Q':
		err = get_ipc_flags(p, &shmctl_names_set, s, &u);
		if (!err && u > INT32_MAX)
			err = bad_number(p, s, -ERANGE);
		c->mode = (int32_t)u;
		c->addr = 1;	/* the shell form: the command holds the buffer (strace: 'a' next) */
		return err;
	case 'E':
		return parse_mallopt_param(p, s, &c->advice);
	case 'i':
		return parse_get_int(p, s, &c->mode);
	case 'k': {
		bool far;

		if (a->kind != ARG_LIST && strcmp(s, "NULL")) {
			c->nodes_ptr[0] = 2;	/* strace printed a pointer: it could not read it */
			return get_size(p, s, &u);
		}
		err = parse_nodemask(p, s, &c->nodes[0], &far);
		c->nodes_far[0] = far;
		c->nodes_ptr[0] = a->kind == ARG_LIST;
		return err;
	}
	case 'Y':
		err = get_flags(p, &mpol_names_set, s, &u);
		c->mode = (int32_t)u;	/* an int in the system call */
		return err;
	case 'U': return get_flags(p, &mpol_mf_names_set, s, &c->flags);
	case 'z': return get_flags(p, &mpol_get_names_set, s, &c->flags);
	case 'X': return get_size(p, s, &c->maxnode);
	case 'q':
	case 'w':
		if (strcmp(s, "NULL"))
			c->advice |= type == 'q' ? 1 : 2;
		return 0;
	case 'A': return parse_page_list(p, s, c);
	case 'G': return parse_page_nodes(p, s, c);
	case 'b': return parse_mpol_mf(p, s, c);
	case 'c': return parse_cpu_set(p, s, c);
	case 'x':
		return 0;
	case 'T': return get_flags(p, &clone_names_set, s, &c->flags);
	}
	return pctx_fail(p, "internal error: argument type '%c'", type);
}

/* Arguments of a signature: how many are needed, how many allowed. */
void parse_sig_counts(const char *sig, int *min, int *max)
{
	const char *bar = strchr(sig, '|');

	*min = bar ? (int)(bar - sig) : (int)strlen(sig);
	*max = (int)strlen(sig) - (bar ? 1 : 0);
}

/* Check kinds (strace form) and fill the call from av[] along the signature. */
int parse_take_args(struct pctx *p, const char *sig, struct mm_call *c)
{
	int i = 0;

	for (const char *t = sig; *t && i < p->ac; t++) {
		const struct arg *a = &p->av[i];
		int err;

		if (*t == '|')
			continue;
		i++;
		if (*t != 'x') {
			if (*t == 's' && a->kind != ARG_STRING)
				return pctx_fail(p, "%s argument %d must be a quoted string", p->name, i);
			if (*t != 's' && a->kind != ARG_WORD &&
			    !((*t == 'M' || *t == 'W' || *t == 'B') && a->kind == ARG_LIST) &&
			    !((*t == 'k' || *t == 'q' || *t == 'w') && a->kind == ARG_LIST) &&
			    !((*t == 'A' || *t == 'G' || *t == 'c') && a->kind == ARG_LIST))
				return pctx_fail(p, "%s argument %d must not be a %s", p->name, i,
					    a->kind == ARG_STRING ? "string" : "list");
			if (a->fdpath && *t != 'y' && *t != 'd' && *t != 'g')
				return pctx_fail(p, "%s argument %d: unexpected '<%.*s>'", p->name, i,
					    QUOTE_MAX, a->fdpath);
		}
		err = take_arg(p, *t, a, c);
		if (err)
			return err;
	}
	return 0;
}

