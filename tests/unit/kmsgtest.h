/* SPDX-License-Identifier: MIT */
/*
 * kmsgtest.h - reading the kernel log in tests: the text without its time
 * stamps, whole lines, counts. Each test file defines `m`, the machine
 * under test, before including this.
 */
#ifndef TESTS_KMSGTEST_H
#define TESTS_KMSGTEST_H

#include <stdlib.h>
#include <string.h>

/* The kernel log with its time stamps cut off, one line per line (malloc'd). */
static inline char *kmsg(void)
{
	char *t = mm_kmsg_text(m, NULL), *o = t, *i = t;

	while (*i) {
		char *nl = strchr(i, '\n'), *b = strstr(i, "] ");

		if (b && b < nl)
			i = b + 2;
		memmove(o, i, (size_t)(nl - i) + 1);
		o += nl - i + 1;
		i = nl + 1;
	}
	*o = '\0';
	return t;
}

/* Whether log holds line as a whole line. */
static inline int has_line(const char *log, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = log; (p = strstr(p, line)); p += n)
		if ((p == log || p[-1] == '\n') && p[n] == '\n')
			return 1;
	return 0;
}

/* How many times s occurs in log. */
static inline int count_of(const char *log, const char *s)
{
	int n = 0;

	for (const char *p = log; (p = strstr(p, s)); p += strlen(s))
		n++;
	return n;
}

#endif
