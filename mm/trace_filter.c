// SPDX-License-Identifier: MIT
/*
 * trace_filter.c - event filters (kernel: kernel/trace/trace_events_filter.c).
 *
 * A filter is FIELD OP VALUE comparisons joined by && and ||, && binding
 * tighter (no parentheses here). OP is one of == != < <= > >= & for
 * numbers (decimal, 0x-hex, negative for signed fields), == != for a
 * string field (the value bare or in double quotes). FIELD is one of the
 * event's fields, or common_pid / common_cpu. "0" removes the filter. A
 * filter that does not parse is refused with EINVAL and the filter file
 * shows it with a caret under the bad token and the parser's reason, as
 * Linux shows it; the event then records everything.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "task.h"
#include "trace.h"
#include "trace_internal.h"

int trace_system_index(const char *sys, size_t len)
{
	const char *seen[TRACE_NR_SYSTEMS];
	int n = 0;

	for (int e = 0; e < TE_NR; e++) {
		const char *s = trace_events[e].system;
		int i;

		for (i = 0; i < n && strcmp(seen[i], s); i++)
			;
		if (i == n && n < TRACE_NR_SYSTEMS)
			seen[n++] = s;
		if (strlen(s) == len && !memcmp(s, sys, len))
			return i;
	}
	return -1;
}

static int pred_match(const struct trace_pred *p, const struct machine *m, const uint64_t *f,
		      const char *str, int is_signed)
{
	uint64_t v;

	if (p->field == -1)
		v = m->trace_comm ? (uint64_t)m->trace_pid :
		    m->cur_task ? (uint64_t)m->cur_task->pid : 0;
	else if (p->field == -2)
		v = m->trace_comm || !m->cur_task ? 0 : (uint64_t)m->cur_task->cpu;
	else
		v = f[p->field];
	if (p->field >= 0 && str && p->sval[0]) {	/* the string field */
		int eq = !strcmp(str, p->sval);

		return p->op == TOP_EQ ? eq : !eq;
	}
	if (is_signed) {
		int64_t a = (int64_t)v, b = (int64_t)p->val;

		switch (p->op) {
		case TOP_LT: return a < b;
		case TOP_LE: return a <= b;
		case TOP_GT: return a > b;
		case TOP_GE: return a >= b;
		default: break;
		}
	}
	switch (p->op) {
	case TOP_EQ: return v == p->val;
	case TOP_NE: return v != p->val;
	case TOP_LT: return v < p->val;
	case TOP_LE: return v <= p->val;
	case TOP_GT: return v > p->val;
	case TOP_GE: return v >= p->val;
	case TOP_AND: return (v & p->val) != 0;
	}
	return 0;
}

/* An OR of AND-groups: a group passes when all of its predicates do. */
int trace_filter_match(const struct trace_filter *flt, const struct machine *m,
		       const uint64_t *f, const char *str)
{
	int group = 1;
	enum trace_event_id e = (enum trace_event_id)(flt - m->trace->filter);
	const struct trace_event_def *d = &trace_events[e];

	for (int i = 0; i < flt->n; i++) {
		const struct trace_pred *p = &flt->p[i];
		int sgn = p->field < 0 || (d->signed_mask >> p->field & 1);

		if (group && !pred_match(p, m, f, p->field == d->str_field ? str : NULL, sgn))
			group = 0;
		if (p->or_next || i == flt->n - 1) {
			if (group)
				return 1;
			group = 1;
		}
	}
	return 0;
}

struct parse_err {
	size_t pos;		/* where the caret goes */
	const char *why;
};

static int field_index(const struct trace_event_def *d, const char *name, size_t len)
{
	if (len == 10 && !memcmp(name, "common_pid", 10))
		return -1;
	if (len == 10 && !memcmp(name, "common_cpu", 10))
		return -2;
	for (int i = 0; i < d->nfields; i++)
		if (strlen(d->fields[i]) == len && !memcmp(d->fields[i], name, len))
			return i;
	return -3;
}

static size_t skip_blank(const char *s, size_t i)
{
	while (s[i] == ' ' || s[i] == '\t')
		i++;
	return i;
}

static const struct { const char *s; enum trace_op op; } ops[] = {
	{ "==", TOP_EQ }, { "!=", TOP_NE }, { "<=", TOP_LE }, { ">=", TOP_GE },
	{ "<", TOP_LT }, { ">", TOP_GT }, { "&", TOP_AND },
};

/* Parse s (NUL-terminated, no newline) for event d into flt: 0 or a reason in err. */
static int filter_parse(const struct trace_event_def *d, const char *s, struct trace_filter *flt,
			struct parse_err *err)
{
	size_t i = skip_blank(s, 0);

	flt->n = 0;
	while (s[i]) {
		struct trace_pred *p = &flt->p[flt->n];
		size_t f0 = i, fl, opos;
		unsigned k;

		if (flt->n == TRACE_MAX_PREDS) {
			*err = (struct parse_err){ i, "Too many terms in predicate expression" };
			return -EINVAL;
		}
		memset(p, 0, sizeof(*p));
		while (s[i] && (s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') ||
				(s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
			i++;
		fl = i - f0;
		i = skip_blank(s, i);
		opos = i;
		for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
			if (!strncmp(s + i, ops[k].s, strlen(ops[k].s)) &&
			    !(ops[k].op == TOP_AND && s[i + 1] == '&'))
				break;
		if (!fl || k == sizeof(ops) / sizeof(ops[0])) {
			*err = (struct parse_err){ fl ? opos : f0, "Missing field name and/or value" };
			return -EINVAL;
		}
		p->op = ops[k].op;
		p->field = field_index(d, s + f0, fl);
		if (p->field == -3) {
			*err = (struct parse_err){ opos, "Field not found" };
			return -EINVAL;
		}
		i = skip_blank(s, i + strlen(ops[k].s));
		if (p->field >= 0 && p->field == d->str_field) {
			size_t v0 = i, vl;

			if (s[i] == '"') {
				v0 = ++i;
				while (s[i] && s[i] != '"')
					i++;
				vl = i - v0;
				if (s[i] == '"')
					i++;
			} else {
				while (s[i] && s[i] != ' ' && s[i] != '\t' && s[i] != '&' && s[i] != '|')
					i++;
				vl = i - v0;
			}
			if ((p->op != TOP_EQ && p->op != TOP_NE) || !vl || vl >= TRACE_STR_LEN) {
				*err = (struct parse_err){ opos, "Invalid operator" };
				return -EINVAL;
			}
			memcpy(p->sval, s + v0, vl);
		} else {
			char *end;

			errno = 0;
			if (s[i] == '-')
				p->val = (uint64_t)strtoll(s + i, &end, 0);
			else
				p->val = strtoull(s + i, &end, 0);
			if (end == s + i || errno ||
			    (*end && *end != ' ' && *end != '\t' && *end != '&' && *end != '|')) {
				*err = (struct parse_err){ i, "Illegal integer value" };
				return -EINVAL;
			}
			i = (size_t)(end - s);
		}
		flt->n++;
		i = skip_blank(s, i);
		if (!s[i])
			break;
		if (!strncmp(s + i, "&&", 2) || !strncmp(s + i, "||", 2)) {
			p->or_next = s[i] == '|';
			i = skip_blank(s, i + 2);
			if (!s[i]) {
				*err = (struct parse_err){ i, "Missing field name and/or value" };
				return -EINVAL;
			}
			continue;
		}
		*err = (struct parse_err){ i, "Meaningless filter expression" };
		return -EINVAL;
	}
	return 0;
}

/* What the filter file shows for a refused expression. */
static void filter_error_text(char *text, size_t size, const char *s, const struct parse_err *err)
{
	int n = snprintf(text, size, "%s\n", s);

	for (size_t i = 0; i < err->pos && n > 0 && (size_t)n < size - 1; i++)
		text[n++] = ' ';
	if (n > 0 && (size_t)n < size)
		snprintf(text + n, size - (size_t)n, "^\nparse_error: %s\n", err->why);
}

int trace_filter_set(struct machine *m, uint64_t mask, int sys, const char *buf, size_t len)
{
	struct trace_state *t = m->trace;
	char s[TRACE_FILTER_LEN];
	int ret = 0, accepted = 0;

	if (!buf)
		len = 0;
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' ' || buf[len - 1] == '\t'))
		len--;
	if (len >= sizeof(s))
		return -EINVAL;
	if (len)
		memcpy(s, buf, len);
	s[len] = '\0';
	if (memchr(s, '\0', len))
		return -EINVAL;
	if (sys >= 0)
		snprintf(t->sys_filter[sys], sizeof(t->sys_filter[sys]), "%s",
			 strcmp(s, "0") ? s : "");
	for (int e = 0; e < TE_NR; e++) {
		struct trace_filter *flt = &t->filter[e];
		struct parse_err err;

		if (!(mask >> e & 1))
			continue;
		if (!strcmp(s, "0") || !len) {
			flt->n = 0;
			flt->text[0] = '\0';
			continue;
		}
		if (filter_parse(&trace_events[e], s, flt, &err)) {
			flt->n = 0;
			if (sys >= 0)	/* an event of the system without the fields: no filter */
				flt->text[0] = '\0';
			else
				filter_error_text(flt->text, sizeof(flt->text), s, &err);
			ret = -EINVAL;
			continue;
		}
		accepted++;
		snprintf(flt->text, sizeof(flt->text), "%s\n", s);
	}
	/* a system's filter stands when some of its events take it (process_system_preds) */
	return sys >= 0 && accepted ? 0 : ret;
}

int mm_trace_filter_text(struct machine *m, const char *path, char *buf, size_t size)
{
	const char *p = path + strlen("events/"), *s1 = strchr(p, '/'), *s2;
	int err = 0;

	if (strncmp(path, "events/", 7) || !s1)
		return -ENOENT;
	s2 = strchr(s1 + 1, '/');
	machine_lock(m);
	if (!s2) {
		int sys = trace_system_index(p, (size_t)(s1 - p));

		if (sys < 0)
			err = -ENOENT;
		else if (m->trace->sys_filter[sys][0])
			snprintf(buf, size, "%s\n", m->trace->sys_filter[sys]);
		else
			snprintf(buf, size, "none\n");
	} else {
		int e;

		for (e = 0; e < TE_NR; e++)
			if (strlen(trace_events[e].system) == (size_t)(s1 - p) &&
			    !memcmp(trace_events[e].system, p, (size_t)(s1 - p)) &&
			    strlen(trace_events[e].name) == (size_t)(s2 - s1 - 1) &&
			    !memcmp(trace_events[e].name, s1 + 1, (size_t)(s2 - s1 - 1)))
				break;
		if (e == TE_NR)
			err = -ENOENT;
		else
			snprintf(buf, size, "%s", m->trace->filter[e].text[0] ?
				 m->trace->filter[e].text : "none\n");
	}
	machine_unlock(m);
	return err;
}

int trace_filter_check(struct machine *m, struct rbuf_lite *out)
{
	int bad = 0;

	for (int e = 0; e < TE_NR; e++) {
		const struct trace_filter *flt = &m->trace->filter[e];

		if (flt->n < 0 || flt->n > TRACE_MAX_PREDS ||
		    (flt->n && !memchr(flt->text, '\0', sizeof(flt->text)))) {
			rbl_printf(out, "trace: %s filter has %d terms\n", trace_events[e].name, flt->n);
			bad++;
			continue;
		}
		for (int i = 0; i < flt->n; i++)
			if (flt->p[i].field < -2 || flt->p[i].field >= trace_events[e].nfields) {
				rbl_printf(out, "trace: %s filter term %d names field %d\n",
					   trace_events[e].name, i, flt->p[i].field);
				bad++;
			}
	}
	return bad;
}
