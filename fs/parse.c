/* SPDX-License-Identifier: MIT */
/*
 * parse.c - the control language: one line of a control file -> one mm_call.
 *
 * Two surface forms share one table of verbs and one set of argument types:
 *
 *   shell form   mmap 0 64K rw- private,anon
 *   strace form  mmap(NULL, 65536, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f...
 *
 * pcre2 splits a line into tokens (words for the shell form; strings, lists,
 * comments, -y "<path>" decorations and punctuation for the strace form);
 * take_arg() turns each argument into its mm_call field by a one-letter type
 * taken from the verb's signature (the strace form's lexing is in
 * parse_strace.c). The patterns are compiled once and are
 * read-only afterwards; each call owns its match data, so any number of FUSE
 * threads may parse at once.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "parse_flags.h"
#include "parse_internal.h"

#define QSTR	"\"(?:[^\"\\\\]|\\\\.)*+\""
/*
 * The one definition of a blank byte: space, \t \n \v \f \r. It is spelled
 * with explicit escapes because PCRE2's "\v" is a class (vertical space,
 * NEL 0x85 included), not the byte 0x0b. is_blank() is derived from it.
 */
#define BLANK_SET	" \\t\\n\\x0b\\f\\r"
#define BLANK	"[" BLANK_SET "]"

static const struct {
	const char *pattern;
	uint32_t options;
} re_src[RE_NR] = {
	[RE_PID]   = { "\\[pid" BLANK "++[0-9]++\\]" BLANK "*+", PCRE2_CASELESS },
	[RE_CALL]  = { "([A-Za-z_][A-Za-z0-9_]*+)" BLANK "*+\\(", 0 },
	[RE_WORD]  = { BLANK "*+([^" BLANK_SET "]++)", 0 },
	[RE_CTOK]  = { BLANK "*+(?:"
		       "(" QSTR ")(\\.\\.\\.)?"
		       "|(\\[(?:[^\\]\"]|" QSTR ")*+\\]"
		       "|\\{(?:[^{}\"]|" QSTR "|(?3))*+\\})"
		       "|(<(?:[^>\\\\]|\\\\.)*+>)"
		       "|(/\\*(?:[^*]|\\*(?!/))*+\\*/)"
		       "|([^" BLANK_SET ",()\"\\[\\]<>/]++)"
		       "|([,)])"
		       "|\\z)", PCRE2_DOTALL },
	[RE_RETFD] = { "(-?(?:0[xX][0-9a-fA-F]++|[0-9]++))(?:<(?:[^>\\\\]|\\\\.)*+>)?"
		       "(?:" BLANK ".*)?\\z", PCRE2_DOTALL },
};

static pcre2_code *re[RE_NR];
static bool re_ok;
static bool blank_byte[256];	/* BLANK, tabulated by the pattern itself */
static pthread_once_t re_once = PTHREAD_ONCE_INIT;

/* blank_byte[c] = whether BLANK matches the one byte c. */
static bool blank_table(void)
{
	pcre2_code *b;
	pcre2_match_data *md;
	PCRE2_SIZE off;
	int err;

	b = pcre2_compile((PCRE2_SPTR)BLANK, PCRE2_ZERO_TERMINATED, 0, &err, &off, NULL);
	md = b ? pcre2_match_data_create_from_pattern(b, NULL) : NULL;
	for (int c = 0; md && c < 256; c++) {
		unsigned char ch = (unsigned char)c;

		blank_byte[c] = pcre2_match(b, &ch, 1, 0, PCRE2_ANCHORED, md, NULL) > 0;
	}
	pcre2_match_data_free(md);
	pcre2_code_free(b);
	return md != NULL;
}

static void re_compile_all(void)
{
	int err;
	PCRE2_SIZE off;

	if (!blank_table())
		return;
	for (int i = 0; i < RE_NR; i++) {
		re[i] = pcre2_compile((PCRE2_SPTR)re_src[i].pattern, PCRE2_ZERO_TERMINATED,
				      re_src[i].options, &err, &off, NULL);
		if (!re[i])
			return;
	}
	re_ok = true;
}

/*
 * Record a reason and return -EINVAL. The reason quotes the input, so it is
 * escaped as kmsg shows the command (ctl.c): a byte outside printable ASCII,
 * and the backslash, as \xNN; one line, whatever the input held.
 */
__attribute__((format(printf, 2, 3)))
int pctx_fail(struct pctx *p, const char *fmt, ...)
{
	char raw[512], esc[4 * sizeof(raw)];
	size_t o = 0;
	va_list ap;

	if (!p->why || !p->whylen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	for (const char *c = raw; *c; c++) {
		unsigned char b = (unsigned char)*c;

		if (b >= 0x20 && b < 0x7f && b != '\\')
			esc[o++] = (char)b;
		else
			o += (size_t)snprintf(esc + o, sizeof(esc) - o, "\\x%02x", b);
	}
	esc[o] = '\0';
	/* a short buffer gets the start of the same text, as snprintf cuts */
	snprintf(p->why, p->whylen, "%s", esc);
	return -EINVAL;
}

int pctx_match(struct pctx *p, enum re_id id, size_t len, size_t start)
{
	return pcre2_match(re[id], (PCRE2_SPTR)p->text, len, start,
			   PCRE2_ANCHORED, p->md, NULL);
}

/* Copy n bytes into the store as a NUL-terminated string. */
char *pctx_store(struct pctx *p, const char *s, size_t n)
{
	char *d = p->store + p->used;

	memcpy(d, s, n);
	d[n] = '\0';
	p->used += n + 1;
	return d;
}

static bool is_blank(char ch)
{
	return blank_byte[(unsigned char)ch];
}

size_t pctx_skip_blanks(const struct pctx *p, size_t len, size_t pos)
{
	while (pos < len && is_blank(p->text[pos]))
		pos++;
	return pos;
}

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

/* ---- the verbs --------------------------------------------------------- */

struct verb_desc {
	const char *name;
	enum mm_verb verb;
	enum parse_scope scope;
	const char *sig;	/* shell-form arguments */
	const char *usage;
};

static const struct verb_desc verbs[] = {
	{ "mmap",	 MMV_MMAP,	 PARSE_PROCESS, "alpm|Fo", "ADDR LEN PROT FLAGS [FILE [OFFSET]]" },
	{ "munmap",	 MMV_MUNMAP,	 PARSE_PROCESS, "al",	  "ADDR LEN" },
	{ "mprotect",	 MMV_MPROTECT,	 PARSE_PROCESS, "alp",	  "ADDR LEN PROT" },
	{ "mremap",	 MMV_MREMAP,	 PARSE_PROCESS, "aln|rN", "ADDR OLD_LEN NEW_LEN [FLAGS [NEW_ADDR]]" },
	{ "brk",	 MMV_BRK,	 PARSE_PROCESS, "a",	  "ADDR" },
	{ "madvise",	 MMV_MADVISE,	 PARSE_PROCESS, "alv",	  "ADDR LEN ADVICE" },
	{ "mlock",	 MMV_MLOCK,	 PARSE_PROCESS, "al",	  "ADDR LEN" },
	{ "mlock2",	 MMV_MLOCK2,	 PARSE_PROCESS, "alL",	  "ADDR LEN FLAGS" },
	{ "munlock",	 MMV_MUNLOCK,	 PARSE_PROCESS, "al",	  "ADDR LEN" },
	{ "mlockall",	 MMV_MLOCKALL,	 PARSE_PROCESS, "C",	  "FLAGS" },
	{ "munlockall",	 MMV_MUNLOCKALL, PARSE_PROCESS, "",	  "" },
	{ "mincore",	 MMV_MINCORE,	 PARSE_PROCESS, "al",	  "ADDR LEN" },
	{ "msync",	 MMV_MSYNC,	 PARSE_PROCESS, "alS",	  "ADDR LEN FLAGS" },
	{ "touch",	 MMV_TOUCH,	 PARSE_PROCESS, "alt",	  "ADDR LEN r|w" },
	{ "fork",	 MMV_FORK,	 PARSE_PROCESS, "",	  "" },
	{ "exec",	 MMV_EXEC,	 PARSE_PROCESS, "|FVVVVVVV", "[NAME | PATH [ARG...]]" },
	{ "exit",	 MMV_EXIT,	 PARSE_PROCESS, "",	  "" },
	{ "open",	 MMV_OPEN,	 PARSE_PROCESS, "F|O",	  "PATH [FLAGS]" },
	{ "close",	 MMV_CLOSE,	 PARSE_PROCESS, "d",	  "FD" },
	{ "dup",	 MMV_DUP,	 PARSE_PROCESS, "d|g",	  "FD [NEWFD]" },
	{ "spawn",	 MMV_SPAWN,	 PARSE_GLOBAL,	"|F",	  "[NAME]" },
	{ "kill",	 MMV_KILL,	 PARSE_GLOBAL,	"P",	  "PID" },
	{ "drop_caches", MMV_DROP_CACHES, PARSE_GLOBAL,	"D",	  "1|2|3" },
	{ "compact",	 MMV_COMPACT,	 PARSE_GLOBAL,	"",	  "" },
	{ "check",	 MMV_CHECK,	 PARSE_GLOBAL,	"",	  "" },
	{ "sync",	 MMV_SYNC,	 PARSE_GLOBAL,	"",	  "" },
	{ "checkpoint",	 MMV_CHECKPOINT, PARSE_GLOBAL,	"",	  "" },
	{ "swapon",	 MMV_SWAPON,	 PARSE_GLOBAL,	"Fl|R",	  "NAME SIZE [PRIORITY]" },
	{ "swapoff",	 MMV_SWAPOFF,	 PARSE_GLOBAL,	"F",	  "NAME" },
	{ "shmget",	 MMV_SHMGET,	 PARSE_PROCESS, "KlI",	  "KEY SIZE FLAGS" },
	{ "shmat",	 MMV_SHMAT,	 PARSE_PROCESS, "daH",	  "SHMID ADDR FLAGS" },
	{ "shmdt",	 MMV_SHMDT,	 PARSE_PROCESS, "a",	  "ADDR" },
	{ "shmctl",	 MMV_SHMCTL,	 PARSE_PROCESS, "dQ",	  "SHMID rmid|stat|lock|unlock|info|shm_info" },
	{ "shm_open",	 MMV_OPEN,	 PARSE_PROCESS, "ZOJ",	  "NAME FLAGS MODE" },
	{ "shm_unlink",	 MMV_SHM_UNLINK, PARSE_PROCESS, "Z",	  "NAME" },
	{ "malloc",	 MMV_MALLOC,	 PARSE_PROCESS, "l",	  "SIZE" },
	{ "free",	 MMV_FREE,	 PARSE_PROCESS, "a",	  "PTR" },
	{ "calloc",	 MMV_CALLOC,	 PARSE_PROCESS, "ln",	  "N SIZE" },
	{ "realloc",	 MMV_REALLOC,	 PARSE_PROCESS, "an",	  "PTR SIZE" },
	{ "memalign",	 MMV_MEMALIGN,	 PARSE_PROCESS, "ln",	  "ALIGN SIZE" },
	{ "malloc_trim", MMV_MALLOC_TRIM, PARSE_PROCESS, "l",	  "PAD" },
	{ "mallopt",	 MMV_MALLOPT,	 PARSE_PROCESS, "Ei",	  "PARAM VALUE" },
	{ "malloc_stats", MMV_MALLOC_STATS, PARSE_PROCESS, "",	  "" },
	{ "set_mempolicy", MMV_SET_MEMPOLICY, PARSE_PROCESS, "Y|M", "MODE [NODES]" },
	{ "mbind",	 MMV_MBIND,	 PARSE_PROCESS, "alYM|U", "ADDR LEN MODE NODES [FLAGS]" },
	{ "get_mempolicy", MMV_GET_MEMPOLICY, PARSE_PROCESS, "|az", "[ADDR FLAGS]" },
	{ "migrate_pages", MMV_MIGRATE_PAGES, PARSE_PROCESS, "PMW", "PID OLD_NODES NEW_NODES" },
	{ "move_pages",	 MMV_MOVE_PAGES, PARSE_PROCESS, "PA|Gb",  "PID ADDR[,ADDR...] [NODE[,NODE...]|NULL [FLAGS]]" },
	{ "sched_setaffinity", MMV_SCHED_SETAFFINITY, PARSE_PROCESS, "Pc", "PID CPUS" },
	{ "sched_getaffinity", MMV_SCHED_GETAFFINITY, PARSE_PROCESS, "P|l", "PID [SIZE]" },
	{ "taskset",	 MMV_TASKSET,	 PARSE_GLOBAL,	"Pc",	  "PID CPUS" },
};

int parse_wrong_scope(struct pctx *p, enum parse_scope verb_scope)
{
	if (verb_scope == PARSE_GLOBAL)
		return pctx_fail(p, "%s is a global command: write it to MOUNT/ctl", p->name);
	return pctx_fail(p, "%s is a per-process command: write it to MOUNT/proc/PID/ctl", p->name);
}

/* ---- shell form -------------------------------------------------------- */

static int parse_shell(struct pctx *p, size_t len, enum parse_scope scope,
		       struct mm_call *c)
{
	const struct verb_desc *vd = NULL;
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(p->md);
	size_t pos = 0;
	int min, max;

	while (pctx_match(p, RE_WORD, len, pos) > 0) {
		char *tok = pctx_store(p, p->text + ov[2], ov[3] - ov[2]);

		pos = ov[1];
		if (!p->name)
			p->name = tok;
		else if (p->ac++ < ARGS_MAX)
			p->av[p->ac - 1] = (struct arg){ ARG_WORD, tok, NULL };
	}
	if (!p->name)	/* parse_command trimmed the line: cannot happen */
		return pctx_fail(p, "internal error: no command word");
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++)
		if (!strcasecmp(p->name, verbs[i].name))
			vd = &verbs[i];
	if (!vd)
		return pctx_fail(p, "unknown command '%.*s'", QUOTE_MAX, p->name);
	p->name = vd->name;
	if (vd->scope != scope)
		return parse_wrong_scope(p, vd->scope);
	parse_sig_counts(vd->sig, &min, &max);
	if (p->ac < min)
		return pctx_fail(p, "%s needs %s", vd->name, vd->usage);
	if (p->ac > max)
		return max ? pctx_fail(p, "too many arguments: %s %s", vd->name, vd->usage)
			   : pctx_fail(p, "%s takes no arguments", vd->name);
	c->verb = vd->verb;
	/* the shell form's node sets hold nodes 0..63: maxnode 65, both outputs asked */
	if (c->verb == MMV_SET_MEMPOLICY || c->verb == MMV_MBIND || c->verb == MMV_GET_MEMPOLICY)
		c->maxnode = 65;
	if (c->verb == MMV_GET_MEMPOLICY)
		c->advice = 3;
	return parse_take_args(p, vd->sig, c);
}

/* ---- entry ------------------------------------------------------------- */

static int parse_text(struct pctx *p, size_t len, enum parse_scope scope,
		      struct mm_call *c)
{
	size_t pos = 0;

	if (pctx_match(p, RE_PID, len, 0) > 0) {
		pos = pcre2_get_ovector_pointer(p->md)[1];
		if (pos == len)
			return pctx_fail(p, "nothing after the '[pid N]' prefix");
		memmove(p->text, p->text + pos, len - pos + 1);
		len -= pos;
	}
	if (pctx_match(p, RE_CALL, len, 0) > 0)
		return parse_strace(p, len, scope, c);
	return parse_shell(p, len, scope, c);
}

int parse_command(const char *line, size_t len, enum parse_scope scope,
		  struct mm_call *out, char *why, size_t whylen)
{
	struct pctx p;	/* 12 KiB: only the fields read before written are set */
	struct mm_call c = { .fd = -1 };
	size_t start = 0;
	int err;

	p.why = why;
	p.whylen = whylen;
	p.md = NULL;
	p.name = NULL;
	p.used = 0;
	p.ac = 0;

	if (why && whylen)
		why[0] = '\0';
	if (len > LINE_MAX_BYTES)
		return pctx_fail(&p, "line is longer than %d bytes", LINE_MAX_BYTES);
	if (len && memchr(line, '\0', len))
		return pctx_fail(&p, "line contains a NUL byte");
	pthread_once(&re_once, re_compile_all);
	if (!re_ok)
		return pctx_fail(&p, "internal error: the parser's patterns did not compile");
	while (start < len && is_blank(line[start]))
		start++;
	while (len > start && is_blank(line[len - 1]))
		len--;
	if (start == len || line[start] == '#')
		return PARSE_EMPTY;
	len -= start;
	memcpy(p.text, line + start, len);
	p.text[len] = '\0';

	p.md = pcre2_match_data_create(CT_PUNCT + 1, NULL);
	if (!p.md) {
		pctx_fail(&p, "out of memory");
		return -ENOMEM;
	}
	err = parse_text(&p, len, scope, &c);
	pcre2_match_data_free(p.md);
	if (!err)
		*out = c;
	return err;
}
