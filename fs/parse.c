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
	{ "clone",	 MMV_CLONE,	 PARSE_PROCESS, "T",	  "FLAGS" },
	{ "exit_group",	 MMV_EXIT_GROUP, PARSE_PROCESS, "",	  "" },
	{ "pthread_create", MMV_PTHREAD_CREATE, PARSE_PROCESS, "|l", "[STACKSIZE]" },
	{ "pthread_exit", MMV_PTHREAD_EXIT, PARSE_PROCESS, "",	  "" },
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
