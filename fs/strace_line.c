/* SPDX-License-Identifier: MIT */
/*
 * strace_line.c - strace's decorations off, its split calls joined
 * (the contract is in strace_line.h).
 *
 * The grammar is strace 6.x's, as it prints with -f, -o, -t/-tt/-ttt/-r, -T
 * and -y/-yy. Only the frame of a line is read here: the arguments are the
 * control language's business (parse_strace.c), so a call's text is passed
 * on untouched but for the -T suffix.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strace_line.h"

static int fail(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why && whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
		/* a reason quotes the line: no control byte may reach a reply */
		for (char *c = why; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				*c = '?';
	}
	return -EINVAL;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_name(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_';
}

static bool starts(const char *s, size_t len, const char *lit)
{
	size_t n = strlen(lit);

	return len >= n && !memcmp(s, lit, n);
}

static const char *const signames[] = {
	[1] = "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS",
	"SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM",
	"SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN",
	"SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH",
	"SIGIO", "SIGPWR", "SIGSYS",
};

int strace_signo(const char *name, size_t len)
{
	for (int i = 1; i < (int)(sizeof(signames) / sizeof(signames[0])); i++)
		if (strlen(signames[i]) == len && !memcmp(signames[i], name, len))
			return i;
	if (len > 5 && !memcmp(name, "SIGRT", 5))	/* SIGRTMIN, SIGRT_3: real-time, numbered as 34+ */
		return 34;
	return 0;
}

/* Skip "[pid N] " or "N " (then *pid = N); a -ttt stamp is digits and a dot. */
static size_t take_pid(const char *s, size_t len, int *pid)
{
	size_t i = 0, start;
	long v = 0;

	if (starts(s, len, "[pid")) {
		i = 4;
		while (i < len && s[i] == ' ')
			i++;
		start = i;
		while (i < len && is_digit(s[i]) && v < 1 << 30)
			v = v * 10 + (s[i++] - '0');
		if (i == start || i >= len || s[i] != ']')
			return 0;
		i++;
	} else {
		while (i < len && is_digit(s[i]) && v < 1 << 30)
			v = v * 10 + (s[i++] - '0');
		if (i == 0 || i >= len || s[i] != ' ')
			return 0;
	}
	while (i < len && s[i] == ' ')
		i++;
	*pid = (int)v;
	return i;
}

/* Skip a timestamp: HH:MM:SS[.frac] (-t, -tt) or [spaces]N.frac (-ttt, -r). */
static size_t take_stamp(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && s[i] == ' ')
		i++;
	if (i + 8 <= len && is_digit(s[i]) && is_digit(s[i + 1]) && s[i + 2] == ':' &&
	    is_digit(s[i + 3]) && is_digit(s[i + 4]) && s[i + 5] == ':' &&
	    is_digit(s[i + 6]) && is_digit(s[i + 7])) {
		i += 8;
		if (i < len && s[i] == '.')
			for (i++; i < len && is_digit(s[i]); i++)
				;
	} else {
		size_t d = i;

		while (i < len && is_digit(s[i]))
			i++;
		if (i == d || i >= len || s[i] != '.')
			return 0;
		for (i++; i < len && is_digit(s[i]); i++)
			;
	}
	if (i >= len || s[i] != ' ')
		return 0;
	while (i < len && s[i] == ' ')
		i++;
	return i;
}

/* Cut a -T " <0.000123>" from the end. */
static size_t cut_elapsed(const char *s, size_t len)
{
	size_t i = len;

	if (!len || s[len - 1] != '>')
		return len;
	i = len - 1;
	while (i > 0 && (is_digit(s[i - 1]) || s[i - 1] == '.'))
		i--;
	if (i == len - 1 || i < 2 || s[i - 1] != '<' || s[i - 2] != ' ')
		return len;
	return i - 2;
}

/*
 * The offset just past the ')' closing the arguments, scanning from depth
 * (1 inside a call's parentheses); strings and comments are skipped whole.
 * NOT_CLOSED when the text ends first.
 */
#define NOT_CLOSED ((size_t)-1)
static size_t close_paren(const char *s, size_t len, int depth)
{
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (c == '"') {
			for (i++; i < len && s[i] != '"'; i++)
				if (s[i] == '\\')
					i++;
		} else if (c == '/' && i + 1 < len && s[i + 1] == '*') {
			const char *e = NULL;

			for (size_t k = i + 2; k + 1 < len; k++)
				if (s[k] == '*' && s[k + 1] == '/') {
					e = s + k;
					break;
				}
			if (!e)
				return NOT_CLOSED;
			i = (size_t)(e - s) + 1;
		} else if (c == '(' || c == '[' || c == '{') {
			depth++;
		} else if (c == ')' || c == ']' || c == '}') {
			if (--depth == 0)
				return c == ')' ? i + 1 : NOT_CLOSED;
		}
	}
	return NOT_CLOSED;
}

/* " = result" after the arguments: a number, -1 ENAME (text), or ?. */
static int take_result(const char *s, size_t len, struct strace_line *l, char *why,
		       size_t whylen)
{
	size_t i = 0, e;
	char num[32];
	char *end;

	while (i < len && s[i] == ' ')
		i++;
	if (i == len)
		return 0;
	if (s[i] != '=')
		return fail(why, whylen, "unexpected '%.*s' after the call", (int)(len - i > 40 ? 40 : len - i), s + i);
	for (i++; i < len && s[i] == ' '; i++)
		;
	if (i < len && s[i] == '?')
		return 0;
	for (e = i; e < len && (is_name(s[e]) || s[e] == '-'); e++)
		;
	if (e == i || e - i >= sizeof(num))
		return fail(why, whylen, "the call's result is not a number");
	memcpy(num, s + i, e - i);
	num[e - i] = '\0';
	if (e < len && s[e] != ' ' && s[e] != '<')
		return 0;	/* "= 0x7f..." as docs abbreviate it: no result to use */
	errno = 0;
	l->result = (num[0] == '-') ? strtoll(num, &end, 0) : (int64_t)strtoull(num, &end, 0);
	if (errno || *end)
		return fail(why, whylen, "the call's result '%s' is not a number", num);
	l->has_result = true;
	if (l->result < 0) {
		size_t n = e + 1, k;

		if (e < len && s[e] == ' ') {
			for (k = n; k < len && is_name(s[k]); k++)
				;
			if (k > n && k - n < sizeof(l->err)) {
				memcpy(l->err, s + n, k - n);
				l->err[k - n] = '\0';
			}
		}
	}
	return 0;
}

static int take_event(const char *s, size_t len, struct strace_line *l, char *why,
		      size_t whylen)
{
	const char *p = s + 4;
	size_t n = len - 4;

	if (s[0] == '-') {
		size_t k = 0;

		while (k < n && is_name(p[k]))
			k++;
		if (len < 8 || memcmp(s + len - 4, " ---", 4))
			return fail(why, whylen, "a '---' line must end with ' ---'");
		l->kind = SL_SIGNAL;
		l->status = strace_signo(p, k);
		return 0;
	}
	if (len < 8 || memcmp(s + len - 4, " +++", 4))
		return fail(why, whylen, "a '+++' line must end with ' +++'");
	n -= 4;
	if (starts(p, n, "exited with ")) {
		l->kind = SL_EXITED;
		l->status = atoi(p + 12);
	} else if (starts(p, n, "killed by ")) {
		size_t k = 10;

		while (k < n && is_name(p[k]))
			k++;
		l->kind = SL_KILLED;
		l->status = strace_signo(p + 10, k - 10);
	} else if (starts(p, n, "superseded by execve in pid ")) {
		l->kind = SL_SUPERSEDED;
		l->status = atoi(p + 28);
	} else {
		return fail(why, whylen, "unknown strace event '%.*s'", (int)(n > 40 ? 40 : n), p);
	}
	return 0;
}

int strace_line_split(const char *line, size_t len, struct strace_line *l, char *why,
		      size_t whylen)
{
	size_t i, k, close;

	memset(l, 0, sizeof(*l));
	while (len && (line[len - 1] == ' ' || line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	i = take_pid(line, len, &l->pid);
	i += take_stamp(line + i, len - i);
	line += i;
	len -= i;
	if (starts(line, len, "+++ ") || starts(line, len, "--- "))
		return take_event(line, len, l, why, whylen);
	len = cut_elapsed(line, len);
	if (starts(line, len, "<... ")) {
		for (k = 5; k < len && is_name(line[k]); k++)
			;
		if (k == 5 || !starts(line + k, len - k, " resumed>"))
			return fail(why, whylen, "a '<...' line must be '<... NAME resumed>'");
		if (k - 5 >= STRACE_NAME_MAX)
			return fail(why, whylen, "system call name too long");
		memcpy(l->name, line + 5, k - 5);
		l->kind = SL_RESUMED;
		line += k + 9;
		len -= k + 9;
		l->text = line;
		l->text_len = len;
		if (starts(line, len, " <unfinished ...>") && len == 17)
			return 0;	/* resumed and at once interrupted again */
		close = close_paren(line, len, 1);
		return close == NOT_CLOSED ? 0 : take_result(line + close, len - close, l, why, whylen);
	}
	for (k = 0; k < len && is_name(line[k]); k++)
		;
	if (k == 0 || k >= len || line[k] != '(')
		return fail(why, whylen, "not a line strace prints");
	if (k >= STRACE_NAME_MAX)
		return fail(why, whylen, "system call name too long");
	memcpy(l->name, line, k);
	l->text = line;
	if (len >= 17 && !memcmp(line + len - 17, " <unfinished ...>", 17)) {
		l->kind = SL_UNFINISHED;
		l->text_len = len - 17;
		return 0;
	}
	l->kind = SL_CALL;
	close = close_paren(line + k + 1, len - k - 1, 1);
	if (close == NOT_CLOSED)
		return fail(why, whylen, "%s(: no closing parenthesis", l->name);
	close += k + 1;
	l->text_len = len;
	return take_result(line + close, len - close, l, why, whylen);
}

int strace_join(struct strace_join *j, const struct strace_line *l, char *out, size_t outlen,
		char *why, size_t whylen)
{
	int s;

	for (s = 0; s < j->used; s++)
		if (j->slot[s].pid == l->pid)
			break;
	if (l->kind == SL_UNFINISHED) {
		if (s < j->used)
			return fail(why, whylen, "pid %d starts %s before its %s resumed", l->pid,
				    l->name, j->slot[s].name);
		if (j->used == STRACE_JOIN_SLOTS)
			return fail(why, whylen, "more than %d calls unfinished at once",
				    STRACE_JOIN_SLOTS);
		if (l->text_len >= STRACE_JOIN_MAX)
			return fail(why, whylen, "unfinished call longer than %d bytes",
				    STRACE_JOIN_MAX - 1);
		j->slot[s].pid = l->pid;
		memcpy(j->slot[s].name, l->name, sizeof(l->name));
		memcpy(j->slot[s].text, l->text, l->text_len);
		j->slot[s].len = l->text_len;
		j->used++;
		return 0;
	}
	if (s == j->used || strcmp(j->slot[s].name, l->name))
		return fail(why, whylen, "%s resumed, but pid %d did not start it", l->name, l->pid);
	if (l->text_len == 17 && !memcmp(l->text, " <unfinished ...>", 17))
		return 0;	/* still pending */
	if (j->slot[s].len + l->text_len + 1 > outlen)
		return fail(why, whylen, "%s call longer than %zu bytes", l->name, outlen - 1);
	memcpy(out, j->slot[s].text, j->slot[s].len);
	memcpy(out + j->slot[s].len, l->text, l->text_len);
	out[j->slot[s].len + l->text_len] = '\0';
	j->slot[s] = j->slot[--j->used];
	return 1;
}
