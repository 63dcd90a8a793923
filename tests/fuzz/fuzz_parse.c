/* SPDX-License-Identifier: MIT */
/*
 * fuzz_parse.c - the control language against arbitrary bytes.
 *
 * The input is one control-file line (it may hold anything, newlines and
 * NULs included). It goes to:
 *  - parse_command() in both scopes, with a roomy, a tiny and no `why`
 *    buffer, asserting parse.h's contract (see check_parse);
 *  - parse_size() on the bytes up to the first NUL, against an independent
 *    oracle for the plain decimal and hex forms and a round trip;
 *  - ctl_run(): the input split at '\n' is a script run on a freshly
 *    booted 64 MiB machine, process-scope lines on the youngest process,
 *    the rest on MOUNT/ctl, asserting ctl.h's one-reply-line contract and
 *    running the invariant checker after every line. The machine is booted
 *    only when some line parses, so most mutations stay cheap.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "../../fs/ctl.h"
#include "../../fs/parse.h"
#include "../../fs/strace_line.h"
#include "../../fs/view.h"
#include "../../mm/mm.h"
#include "fuzz.h"

#define WHY_LEN		256
#define TINY_WHY_LEN	8
#define LINE_LIMIT	4096	/* parse.c's LINE_MAX_BYTES: longer lines are refused */
#define MAX_SCRIPT_LINES 64

static bool blank(uint8_t c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* What PARSE_EMPTY means: nothing but blanks, or a comment, in an acceptable line. */
static bool expect_empty(const uint8_t *s, size_t len)
{
	size_t i = 0;

	if (len > LINE_LIMIT || memchr(s, '\0', len))
		return false;
	while (i < len && blank(s[i]))
		i++;
	return i == len || s[i] == '#';
}

static void check_reason(const char *why, size_t whylen)
{
	size_t n = strnlen(why, whylen);

	FUZZ_ASSERT(n < whylen, "reason not NUL-terminated within %zu bytes", whylen);
	FUZZ_ASSERT(whylen < 2 || n > 0, "-EINVAL without a reason");
	for (size_t i = 0; i < n; i++)
		FUZZ_ASSERT((unsigned char)why[i] >= 0x20 && why[i] != 0x7f,
			    "control byte %#x in the reason '%s'", (unsigned char)why[i], why);
}

/* The fields a verb without arguments must leave as parse.h documents. */
static void check_no_args(const struct mm_call *c)
{
	struct mm_call z = { .verb = c->verb, .fd = -1 };

	FUZZ_ASSERT(!memcmp(c, &z, sizeof(z)), "%s carries arguments it has none of",
		    mm_verb_name(c->verb));
}

static void check_call(const struct mm_call *c, enum parse_scope scope)
{
	FUZZ_ASSERT(c->verb >= 0 && c->verb < MMV_NR, "verb %d", (int)c->verb);
	FUZZ_ASSERT(mm_verb_is_global(c->verb) == (scope == PARSE_GLOBAL),
		    "%s accepted in the wrong scope", mm_verb_name(c->verb));
	FUZZ_ASSERT(memchr(c->path, '\0', sizeof(c->path)), "path not NUL-terminated");
	FUZZ_ASSERT(c->argv_len <= sizeof(c->argv) && (!c->argv_len || !c->argv[c->argv_len - 1]),
		    "exec arguments of %u bytes, not NUL-terminated", c->argv_len);
	switch (c->verb) {
	case MMV_FORK: case MMV_EXIT: case MMV_MUNLOCKALL: case MMV_COMPACT: case MMV_CHECK:
	case MMV_EXIT_GROUP: case MMV_PTHREAD_EXIT:
	case MMV_SYNC:
		check_no_args(c);
		break;
	case MMV_DROP_CACHES:
		FUZZ_ASSERT(c->mode >= 1 && c->mode <= 3, "drop_caches mode %d", c->mode);
		break;
	case MMV_TOUCH:
		FUZZ_ASSERT(c->mode == 'r' || c->mode == 'w', "touch mode %d", c->mode);
		break;
	default:
		break;
	}
}

/*
 * parse.h: 0 with *out filled, PARSE_EMPTY for blank/comment lines, or
 * -EINVAL with a one-line reason that fits whylen; *out untouched unless 0;
 * the same answer whatever the why buffer, and the same answer twice.
 * Returns the result.
 */
static int check_parse(const uint8_t *data, size_t size, enum parse_scope scope)
{
	struct mm_call out, again, canary;
	char why[WHY_LEN], tiny[TINY_WHY_LEN];
	int rc, rc2;

	memset(&canary, 0xa5, sizeof(canary));
	out = canary;
	memset(why, 'x', sizeof(why));
	rc = parse_command((const char *)data, size, scope, &out, why, sizeof(why));
	FUZZ_ASSERT(rc == 0 || rc == PARSE_EMPTY || rc == -EINVAL, "parse_command returned %d", rc);
	FUZZ_ASSERT((rc == PARSE_EMPTY) == expect_empty(data, size),
		    "PARSE_EMPTY is %d for a line that is%s blank or a comment",
		    rc == PARSE_EMPTY, expect_empty(data, size) ? "" : " not");
	if (rc == 0)
		check_call(&out, scope);
	else
		FUZZ_ASSERT(!memcmp(&out, &canary, sizeof(out)), "*out written on failure");
	if (rc == -EINVAL)
		check_reason(why, sizeof(why));
	else
		FUZZ_ASSERT(why[0] == '\0', "a reason '%.*s' on success", WHY_LEN - 1, why);

	again = canary;
	rc2 = parse_command((const char *)data, size, scope, &again, tiny, sizeof(tiny));
	FUZZ_ASSERT(rc2 == rc, "%d with a %d-byte reason buffer, %d with %d", rc2,
		    TINY_WHY_LEN, rc, WHY_LEN);
	if (rc == -EINVAL) {
		check_reason(tiny, sizeof(tiny));
		FUZZ_ASSERT(!strncmp(tiny, why, sizeof(tiny) - 1), "'%s' is not a prefix of '%s'",
			    tiny, why);
	}
	FUZZ_ASSERT(!memcmp(&again, rc ? &canary : &out, sizeof(out)), "two parses differ");
	rc2 = parse_command((const char *)data, size, scope, &again, NULL, 0);
	FUZZ_ASSERT(rc2 == rc, "%d without a reason buffer, %d with one", rc2, rc);
	return rc;
}

/* The oracle: strtoull for what is plainly decimal or 0x-hex, nothing else. */
static void check_size_oracle(const char *s, int rc, unsigned long long v)
{
	size_t n = strlen(s);
	int base = 10;
	const char *digits = s;
	unsigned long long want;
	char *end;

	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		digits = s + 2;
	}
	if (strspn(digits, base == 16 ? "0123456789abcdefABCDEF" : "0123456789") != strlen(digits) ||
	    !*digits)
		return;
	errno = 0;
	want = strtoull(digits, &end, base);
	if (errno == ERANGE) {
		FUZZ_ASSERT(rc == -ERANGE, "parse_size(\"%s\") = %d, but it overflows", s, rc);
		return;
	}
	FUZZ_ASSERT(rc == 0 && v == want, "parse_size(\"%s\") = %d, %llu; strtoull says %llu", s,
		    rc, v, want);
}

static void check_size(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), back[32];
	unsigned long long v = 0, w;
	int rc;

	FUZZ_ASSERT(s, "out of memory");
	memcpy(s, data, size);
	s[size] = '\0';
	rc = parse_size(s, &v);
	FUZZ_ASSERT(rc == 0 || rc == -EINVAL || rc == -ERANGE, "parse_size returned %d", rc);
	check_size_oracle(s, rc, v);
	if (!rc) {
		snprintf(back, sizeof(back), "%llu", v);
		FUZZ_ASSERT(!parse_size(back, &w) && w == v, "%s does not parse back", back);
		snprintf(back, sizeof(back), "%#llx", v);
		FUZZ_ASSERT(!v || (!parse_size(back, &w) && w == v), "%s does not parse back", back);
	}
	free(s);
}

/* ---- the lines as a script through ctl_run ---- */

/* The youngest live process other than init, or init. */
static int youngest_pid(struct machine *m)
{
	int pids[512], n = mm_pids(m, pids, 512);

	return n > 512 ? pids[511] : n ? pids[n - 1] : 1;
}

/*
 * ctl.h: exactly one reply line per command, "error ENAME: ..." iff it
 * failed; malloc_stats alone answers the several lines glibc prints
 * (lines_ok), each ending in a newline. The reply is taken off the queue (consumed). A mincore reply
 * holds a byte per page, gigabytes for a large mapped range: past
 * REPLY_CHECK_MAX only its first bytes and its length are looked at.
 */
#define REPLY_CHECK_MAX (1 << 20)

static void check_reply(int rc, struct replyq *q, int lines_ok)
{
	uint64_t n = rq_pending(q);
	char head[64] = "";
	size_t len;
	char *s;

	if (rc == PARSE_EMPTY) {
		FUZZ_ASSERT(n == 0, "a reply to an empty line");
		return;
	}
	if (n > REPLY_CHECK_MAX) {
		FUZZ_ASSERT(rc == 0, "a failure replied %llu bytes", (unsigned long long)n);
		len = rq_read(q, head, sizeof(head) - 1);
		FUZZ_ASSERT(len == sizeof(head) - 1 && strspn(head, "01") == len,
			    "a long reply starting '%s'", head);
		rq_free(q);
		rq_init(q);
		return;
	}
	s = rq_take(q, &len);
	FUZZ_ASSERT(s && len == n, "rq_take gave %zu of %llu bytes", len, (unsigned long long)n);
	FUZZ_ASSERT(len > 0 && s[len - 1] == '\n' &&
		    (memchr(s, '\n', len) == s + len - 1 || (lines_ok && rc == 0)),
		    "not one reply line: '%.*s'", (int)len, s);
	FUZZ_ASSERT((rc < 0) == (len > 7 && !memcmp(s, "error E", 7)),
		    "ctl_run returned %d, replied '%.*s'", rc, (int)len, s);
	free(s);
}

static void check_machine(struct machine *m, const char *line, size_t len)
{
	int nbad = 0;
	char *report = mm_check(m, &nbad);

	FUZZ_ASSERT(nbad == 0, "after '%.*s':\n%s", (int)len, line, report);
	free(report);
}

static void run_script(const uint8_t *data, size_t size)
{
	struct mm_config cfg = { .ram_bytes = 64ULL << 20, .nr_nodes = 1, .swap_bytes = 0 };
	struct mm_call c;
	struct machine *m;
	struct replyq reply;
	char why[WHY_LEN];
	const char *p = (const char *)data, *end = p + size;
	int lines = 0;

	m = mm_boot(&cfg, why, sizeof(why));
	FUZZ_ASSERT(m, "boot: %s", why);
	rq_init(&reply);
	while (p < end && lines++ < MAX_SCRIPT_LINES) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		int process = parse_command(p, len, PARSE_PROCESS, &c, NULL, 0) == 0;
		int rc = ctl_run(m, process ? youngest_pid(m) : 0, p, len, &reply);

		check_reply(rc, &reply, process && c.verb == MMV_MALLOC_STATS);
		check_machine(m, p, len);
		p += len + 1;
	}
	rq_free(&reply);
	mm_shutdown(m);
}

/* Does any line of the input parse in either scope? */
static bool any_line_parses(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	struct mm_call c;

	for (int lines = 0; p < end && lines < MAX_SCRIPT_LINES; lines++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (!parse_command(p, len, PARSE_PROCESS, &c, NULL, 0) ||
		    !parse_command(p, len, PARSE_GLOBAL, &c, NULL, 0))
			return true;
		p += len + 1;
	}
	return false;
}

/*
 * strace_line.h's contract: 0 with the text inside the line, or -EINVAL
 * with a reason; a join never writes past its buffer and keeps its count.
 */
static void check_strace_line(const uint8_t *data, size_t size)
{
	static struct strace_join j;
	struct strace_line l;
	char why[WHY_LEN], out[512];
	int rc;

	why[0] = '\0';
	rc = strace_line_split((const char *)data, size, &l, why, sizeof(why));
	FUZZ_ASSERT(rc == 0 || rc == -EINVAL, "strace_line_split returned %d", rc);
	if (rc) {
		check_reason(why, sizeof(why));
		return;
	}
	if (l.kind != SL_CALL && l.kind != SL_UNFINISHED && l.kind != SL_RESUMED)
		return;
	FUZZ_ASSERT(l.text >= (const char *)data && l.text + l.text_len <= (const char *)data + size,
		    "the call's text is outside the line");
	FUZZ_ASSERT(l.name[0] != '\0', "a call without a name");
	if (l.kind == SL_CALL)
		return;
	rc = strace_join(&j, &l, out, sizeof(out), why, sizeof(why));
	FUZZ_ASSERT(rc >= -EINVAL && rc <= 1, "strace_join returned %d", rc);
	FUZZ_ASSERT(j.used >= 0 && j.used <= STRACE_JOIN_SLOTS, "join slots %d", j.used);
	if (rc == 1)
		FUZZ_ASSERT(strlen(out) < sizeof(out), "joined call overflows");
	if (j.used == STRACE_JOIN_SLOTS)
		j.used = 0;
}

/*
 * view/PID/walk's address (view_parse_addr) against strtoull: one optional
 * trailing newline, an optional 0x, 1..16 hex digits, below 2^47.
 */
static void check_view_addr(const uint8_t *data, size_t size)
{
	char buf[32], *end;
	size_t n = size && data[size - 1] == '\n' ? size - 1 : size, skip = 0;
	bool want = n > 0 && n < sizeof(buf);
	unsigned long long v = 0;
	uint64_t got = 0;
	int rc = view_parse_addr((const char *)data, size, &got);

	if (want) {
		memcpy(buf, data, n);
		buf[n] = '\0';
		if (n >= 2 && buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X'))
			skip = 2;
		for (size_t i = skip; i < n; i++)
			want = want && strchr("0123456789abcdefABCDEF", buf[i]) && buf[i];
		want = want && n > skip && n - skip <= 16;
		if (want) {
			v = strtoull(buf + skip, &end, 16);
			want = *end == '\0' && v < (1ULL << 47);
		}
	}
	FUZZ_ASSERT(rc == 0 || rc == -EINVAL, "view_parse_addr returned %d", rc);
	FUZZ_ASSERT((rc == 0) == want, "view_parse_addr %s a line the oracle %s",
		    rc ? "refused" : "took", want ? "takes" : "refuses");
	if (want)
		FUZZ_ASSERT(got == v, "view_parse_addr read %#llx, not %#llx",
			    (unsigned long long)got, v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int g = check_parse(data, size, PARSE_GLOBAL);
	int p = check_parse(data, size, PARSE_PROCESS);

	FUZZ_ASSERT(g != 0 || p != 0, "the line parses in both scopes");
	check_size(data, size);
	check_strace_line(data, size);
	check_view_addr(data, size);
	if (any_line_parses(data, size))
		run_script(data, size);
	return 0;
}
