// SPDX-License-Identifier: MIT
/*
 * script.c - command scripts: the lines of a file that run something,
 * parsed once with the daemon's own parser so that the host runner and
 * mmfs read exactly the same language.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "difftest.h"

bool verb_on_host(enum mm_verb v)
{
	switch (v) {
	case MMV_BRK:		/* the runner's own heap would interfere */
	case MMV_FORK:
	case MMV_EXEC:
	case MMV_EXIT:
		return false;
	default:
		return (v >= MMV_MMAP && v <= MMV_CLOSE) ||
		       (v >= MMV_SET_MEMPOLICY && v <= MMV_GET_MEMPOLICY);
	}
}

int script_add(struct script *s, const char *text, int lineno, bool host)
{
	struct script_line *l;
	char why[256];
	int err;

	if (s->nr == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		void *p = realloc(s->lines, cap * sizeof(*s->lines));

		if (!p) {
			perror("mmfs-difftest");
			return -1;
		}
		s->lines = p;
		s->cap = cap;
	}
	l = &s->lines[s->nr];
	err = parse_command(text, strlen(text), PARSE_PROCESS, &l->call, why, sizeof(why));
	if (err == PARSE_EMPTY)
		return 0;
	if (err < 0) {
		fprintf(stderr, "%s:%d: %s: %s\n", s->name, lineno, text, why);
		return -1;
	}
	if (host && !verb_on_host(l->call.verb)) {
		fprintf(stderr, "%s:%d: %s: the host runner cannot run %s\n", s->name,
			lineno, text, mm_verb_name(l->call.verb));
		return -1;
	}
	l->text = strdup(text);
	if (!l->text) {
		perror("mmfs-difftest");
		return -1;
	}
	l->lineno = lineno;
	s->nr++;
	return 0;
}

int script_load(struct script *s, const char *path, bool host)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int lineno = 0, err = 0;
	FILE *f;

	memset(s, 0, sizeof(*s));
	s->name = strdup(path);
	f = fopen(path, "r");
	if (!f || !s->name) {
		fprintf(stderr, "mmfs-difftest: %s: %s\n", path, strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	while (!err && (n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		err = script_add(s, line, lineno, host);
	}
	free(line);
	fclose(f);
	return err;
}

void script_free(struct script *s)
{
	for (size_t i = 0; i < s->nr; i++)
		free(s->lines[i].text);
	free(s->lines);
	free(s->name);
	memset(s, 0, sizeof(*s));
}
