// SPDX-License-Identifier: MIT
/*
 * view_pgtable.c - view/PID/pagetable.svg: the four levels of a process's
 * page tables, one column each, every table a box whose fill is how many
 * of its 512 entries are used; the tables of the walk of one address
 * (view/PID/walk) outlined in red and joined, and the walk spelt out:
 * which entry of which table, its raw value, where it leads.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "view.h"

static const char *const level_name[4] = { "PGD", "PUD", "PMD", "PTE" };
static const char *const level_colour[4] = { "#6a3d9a", "#1f78b4", "#33a02c", "#ff7f00" };
static const char *const kind_text[] = {
	[MM_PT_NONE] = "empty: nothing mapped here",
	[MM_PT_TABLE] = "a table of the next level",
	[MM_PT_HUGE] = "a 2 MiB huge page",
	[MM_PT_PAGE] = "a 4 KiB page",
	[MM_PT_SWAP] = "a swap entry (the page is out)",
};

#define COL_W	300
#define BOX_H	22
#define ROW_H	26
#define TOP	250
#define WALK_RED "#e31a1c"

static int col_x(int level)
{
	return 20 + level * (COL_W + 16);
}

/* The step's last word: where the entry leads. */
static void step_line(struct rbuf *b, const struct mm_pt_snap *s, int l, int y)
{
	const struct mm_pt_step *st = &s->step[l];
	char line[200];

	snprintf(line, sizeof(line), "%s[%u] of the table at pfn 0x%" PRIx64 " = 0x%016" PRIx64
		 ": %s%s", level_name[l], st->index, st->table_pfn, st->entry, kind_text[st->kind],
		 st->kind == MM_PT_TABLE || st->kind == MM_PT_HUGE || st->kind == MM_PT_PAGE ?
		 "," : "");
	rbuf_printf(b, "<text class=\"step\" x=\"20\" y=\"%d\" font-size=\"13\" "
		    "font-family=\"DejaVu Sans Mono, monospace\">", y);
	svg_escape(b, line);
	if (st->kind == MM_PT_TABLE || st->kind == MM_PT_HUGE || st->kind == MM_PT_PAGE)
		rbuf_printf(b, " pfn 0x%" PRIx64, (uint64_t)((st->entry & 0x000ffffffffff000ULL) >> 12));
	rbuf_puts(b, "</text>\n");
}

static void table_box(struct rbuf *b, const struct mm_pt_table *t, int x, int y)
{
	static const uint64_t span[4] = { 1ULL << 48, 1ULL << 39, 1ULL << 30, 1ULL << 21 };
	char line[96];
	int w = (COL_W - 4) * t->used / 512;

	rbuf_printf(b, "<g class=\"table\" data-level=\"%s\" data-used=\"%u\"%s>"
		    "<title>%s table at pfn 0x%" PRIx64 ", covering 0x%" PRIx64 "-0x%" PRIx64
		    ": %u of 512 entries used", level_name[t->level], t->used,
		    t->on_walk ? " data-walk=\"1\"" : "", level_name[t->level], t->pfn, t->va,
		    t->va + span[t->level], t->used);
	if (t->huge)
		rbuf_printf(b, ", %u of them 2 MiB pages", t->huge);
	if (t->swap)
		rbuf_printf(b, ", %u of them swap entries", t->swap);
	rbuf_puts(b, "</title>\n");
	rbuf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#f7f7f7\" "
		    "stroke=\"%s\" stroke-width=\"%d\"/>\n", x, y, COL_W, BOX_H,
		    t->on_walk ? WALK_RED : "#999999", t->on_walk ? 3 : 1);
	if (w > 0)
		rbuf_printf(b, "<rect class=\"used\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
			    "fill=\"%s\"/>\n", x + 2, y + 2, w, BOX_H - 4, level_colour[t->level]);
	snprintf(line, sizeof(line), "0x%012" PRIx64 "  %u/512", t->va, t->used);
	rbuf_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#000000\" "
		    "font-family=\"DejaVu Sans Mono, monospace\">%s</text>\n</g>\n", x + 6,
		    y + 15, line);
}

void render_pgtable_svg(struct rbuf *b, const struct mm_pt_snap *s)
{
	struct svg_key keys[5];
	int rows[4] = { 0 }, max_rows = 1, walk_y[4] = { 0 }, height;
	char line[256], sz[32];

	for (size_t i = 0; i < s->nr_listed; i++)
		if (++rows[s->table[i].level] > max_rows)
			max_rows = rows[s->table[i].level];
	height = TOP + 40 + max_rows * ROW_H + 30;
	snprintf(line, sizeof(line), "mmfs: page tables of pid %d (%s)", s->task.pid,
		 s->task.comm);
	svg_begin(b, VIEW_WIDTH, height, line);
	fmt_size(sz, sizeof(sz), s->task.pgtables_bytes);
	snprintf(line, sizeof(line), "Page tables of pid %d (%s): %" PRIu64 " tables, %s (VmPTE)",
		 s->task.pid, s->task.comm, s->tables[0] + s->tables[1] + s->tables[2] +
		 s->tables[3], sz);
	svg_text(b, 10, 24, 18, "start", line);
	svg_text(b, 10, 44, 12, "start", "x86-64, four levels of 512 entries each; a box is one "
		 "table (4 KiB), its fill the entries used, its label the first address it covers");
	for (int l = 0; l < 4; l++)
		keys[l] = (struct svg_key){ level_colour[l], level_name[l] };
	keys[4] = (struct svg_key){ WALK_RED, "on the walk" };
	svg_legend(b, 10, 56, "entries used:", keys, 5);
	snprintf(line, sizeof(line), "Walk of 0x%" PRIx64 " (write a hex address and a newline "
		 "to view/%d/walk to walk another):", s->addr, s->task.pid);
	rbuf_printf(b, "<g class=\"walk\" data-addr=\"0x%" PRIx64 "\">\n", s->addr);
	svg_text(b, 10, 100, 14, "start", line);
	if (!s->nr_steps)
		svg_text(b, 20, 122, 13, "start", "no page tables yet: the process has not faulted");
	for (int l = 0; l < s->nr_steps; l++)
		step_line(b, s, l, 122 + 20 * l);
	rbuf_puts(b, "</g>\n");
	for (int l = 0; l < 4; l++) {
		snprintf(line, sizeof(line), "%s: %" PRIu64 " table%s, %" PRIu64 " entries used",
			 level_name[l], s->tables[l], s->tables[l] == 1 ? "" : "s", s->used[l]);
		svg_text(b, col_x(l), TOP, 13, "start", line);
		rows[l] = 0;
	}
	for (size_t i = 0; i < s->nr_listed; i++) {
		const struct mm_pt_table *t = &s->table[i];
		int y = TOP + 12 + rows[t->level]++ * ROW_H;

		table_box(b, t, col_x(t->level), y);
		if (t->on_walk)
			walk_y[t->level] = y + BOX_H / 2;
	}
	for (int l = 0; l < 4; l++) {
		uint64_t more = s->tables[l] - (uint64_t)rows[l];

		if (more) {
			snprintf(line, sizeof(line), "... and %" PRIu64 " more", more);
			svg_text(b, col_x(l), TOP + 28 + rows[l] * ROW_H, 12, "start", line);
		}
	}
	for (int l = 0; l + 1 < s->nr_steps; l++)
		if (s->step[l].kind == MM_PT_TABLE && walk_y[l] && walk_y[l + 1])
			rbuf_printf(b, "<line class=\"walk\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
				    "stroke=\"%s\" stroke-width=\"3\"/>\n", col_x(l) + COL_W,
				    walk_y[l], col_x(l + 1), walk_y[l + 1], WALK_RED);
	svg_end(b);
}

#define USER_TOP	(1ULL << 47)	/* TASK_SIZE: the lower half of 4-level paging */

int view_parse_addr(const char *buf, size_t len, uint64_t *addr)
{
	uint64_t v = 0;
	size_t i = 0, digits = 0;

	if (len && buf[len - 1] == '\n')
		len--;
	if (len >= 2 && buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X'))
		i = 2;
	for (; i < len; i++, digits++) {
		char c = buf[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

		if (d < 0 || v >= USER_TOP)
			return -EINVAL;
		v = v << 4 | (uint64_t)d;
	}
	if (!digits || digits > 16 || v >= USER_TOP)
		return -EINVAL;
	*addr = v;
	return 0;
}
