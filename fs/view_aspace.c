// SPDX-License-Identifier: MIT
/*
 * view_aspace.c - view/PID/address-space.svg: a process's VMAs along the
 * address axis, low addresses first, one row each.
 *
 *   0x555555554000 [#] [=====resident=====.....not present.....] r-xp 8 KiB /bin/init
 *                  - - - - - gap 42 TiB - - - - -
 *
 * The swatch and the bar's frame are the VMA's kind; the bar's length is
 * log2 of its size (so 4 KiB and 1 TiB both show), its inside the state of
 * its pages, left to right, in up to VIEW_VMA_BINS slices (a slice holding
 * several states stacks them). Gaps are compressed to a line naming their
 * size. A row's <title> is the VMA's line of maps. Beyond VIEW_VMA_ROWS
 * VMAs, consecutive VMAs share a row (the picture says how many).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "view.h"

enum vma_kind { K_TEXT, K_DATA, K_HEAP, K_ANON, K_FILE, K_SHARED, K_STACK, K_GUARD, K_VDSO,
		NR_KINDS };

static const struct svg_key kind_key[NR_KINDS] = {
	[K_TEXT] = { "#d62728", "program text" }, [K_DATA] = { "#9467bd", "program data" },
	[K_HEAP] = { "#8c564b", "heap" }, [K_ANON] = { "#e377c2", "anonymous" },
	[K_FILE] = { "#1f77b4", "file" }, [K_SHARED] = { "#17becf", "shared" },
	[K_STACK] = { "#bcbd22", "stack" }, [K_GUARD] = { "#7f7f7f", "guard / PROT_NONE" },
	[K_VDSO] = { "#000000", "vdso / vvar" },
};

static const char *const ps_colour[MM_NR_PS] = {
	[MM_PS_NONE] = "#f0f0f0", [MM_PS_RESIDENT] = "#2ca02c", [MM_PS_HUGE] = "#145a32",
	[MM_PS_ZERO] = "#9ecae1", [MM_PS_SWAP] = "#ff7f0e",
};

#define ROW_H	20
#define GAP_H	12
#define BAR_X	168
#define BAR_MAX	480
#define LABEL_X	(BAR_X + BAR_MAX + 12)
#define TOP	112

static const char *vma_name(const struct mm_aspace_snap *a, const struct mm_aspace_vma *v)
{
	return a->names + v->name;
}

static enum vma_kind vma_kind(const struct mm_aspace_snap *a, const struct mm_aspace_vma *v,
			      const char *prog)
{
	const char *name = vma_name(a, v);

	if (!(v->flags & (MM_VM_READ | MM_VM_WRITE | MM_VM_EXEC)))
		return K_GUARD;
	if (!strcmp(name, "[heap]"))
		return K_HEAP;
	if (!strcmp(name, "[stack]"))
		return K_STACK;
	if (!strncmp(name, "[v", 2))
		return K_VDSO;
	if (v->flags & MM_VM_MAYSHARE)
		return K_SHARED;
	if (v->is_file && prog && !strcmp(name, prog))
		return v->flags & MM_VM_EXEC ? K_TEXT : K_DATA;
	if (v->is_file)
		return v->flags & MM_VM_EXEC ? K_TEXT : K_FILE;
	return K_ANON;
}

/* The program: the file mapped at start_code. */
static const char *program(const struct mm_aspace_snap *a)
{
	for (size_t i = 0; i < a->nr_vmas; i++)
		if (a->vmas[i].is_file && a->vmas[i].start <= a->task.start_code &&
		    a->task.start_code < a->vmas[i].end)
			return vma_name(a, &a->vmas[i]);
	return NULL;
}

/* The VMA's line of maps, without its newline. */
static void maps_line(struct rbuf *b, const struct mm_aspace_snap *a, const struct mm_aspace_vma *v)
{
	struct mm_vma_snap s;
	struct rbuf line;

	memset(&s, 0, sizeof(s));
	s.start = v->start;
	s.end = v->end;
	s.flags = v->flags;
	s.pgoff = v->pgoff;
	s.is_file = v->is_file;
	s.dev_major = v->dev_major;
	s.dev_minor = v->dev_minor;
	s.ino = v->ino;
	snprintf(s.name, sizeof(s.name), "%s", vma_name(a, v));
	rbuf_init(&line);
	render_maps_vma(&line, &s);
	while (line.len && line.buf[line.len - 1] == '\n')
		line.len--;
	rbuf_put(&line, "", 1);
	svg_escape(b, line.buf);
	rbuf_free(&line);
}

static int bar_width(uint64_t bytes)
{
	return 40 + (int)((BAR_MAX - 40) * log2_fix(1 + (bytes >> 12)) / (36 << 8));
}

/* Horizontal segments of states in [x, x+w): the totals of a VMA or a group. */
static void state_segments(struct rbuf *b, const uint64_t *pages, int x, int y, int w, int h)
{
	uint64_t total = 0, cum = 0;
	int px = 0;

	for (int s = 0; s < MM_NR_PS; s++)
		total += pages[s];
	for (int s = 0; s < MM_NR_PS && total; s++) {
		int end;

		if (!pages[s])
			continue;
		cum += pages[s];
		end = (int)((uint64_t)w * cum / total);
		if (end > px)
			rbuf_printf(b, "<rect class=\"ps\" data-state=\"%d\" x=\"%d\" y=\"%d\" "
				    "width=\"%d\" height=\"%d\" fill=\"%s\"/>\n", s, x + px, y,
				    end - px, h, ps_colour[s]);
		px = end;
	}
}

static int pure_state(const struct mm_aspace_bin *bin)
{
	int st = -1;

	for (int s = 0; s < MM_NR_PS; s++) {
		if (!bin->pages[s])
			continue;
		if (st >= 0)
			return -1;
		st = s;
	}
	return st;
}

/* The slices of a binned VMA; runs of slices in one state are one rect. */
static void bin_slices(struct rbuf *b, const struct mm_aspace_snap *a,
		       const struct mm_aspace_vma *v, int x, int y, int w, int h)
{
	const struct mm_aspace_bin *bins = a->bins + v->first_bin;
	uint32_t nb = v->nr_bins;

	for (uint32_t i = 0; i < nb;) {
		int st = pure_state(&bins[i]);
		uint32_t j = i + 1;
		int x0 = (int)((uint64_t)w * i / nb), x1;

		if (st >= 0)
			while (j < nb && pure_state(&bins[j]) == st)
				j++;
		x1 = (int)((uint64_t)w * j / nb);
		if (st >= 0) {
			if (x1 > x0)
				rbuf_printf(b, "<rect class=\"ps\" data-state=\"%d\" x=\"%d\" "
					    "y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>\n",
					    st, x + x0, y, x1 - x0, h, ps_colour[st]);
		} else {
			uint64_t total = 0, cum = 0;
			int py = 0;

			for (int s = 0; s < MM_NR_PS; s++)
				total += bins[i].pages[s];
			for (int s = 0; s < MM_NR_PS && x1 > x0; s++) {
				int end;

				if (!bins[i].pages[s])
					continue;
				cum += bins[i].pages[s];
				end = (int)((uint64_t)h * cum / total);
				if (end > py)
					rbuf_printf(b, "<rect class=\"ps\" data-state=\"%d\" "
						    "x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
						    "fill=\"%s\"/>\n", s, x + x0, y + py, x1 - x0,
						    end - py, ps_colour[s]);
				py = end;
			}
		}
		i = j;
	}
}

static void perms(char *out, uint64_t flags)
{
	out[0] = flags & MM_VM_READ ? 'r' : '-';
	out[1] = flags & MM_VM_WRITE ? 'w' : '-';
	out[2] = flags & MM_VM_EXEC ? 'x' : '-';
	out[3] = flags & MM_VM_MAYSHARE ? 's' : 'p';
	out[4] = '\0';
}

static int gap_row(struct rbuf *b, uint64_t from, uint64_t to, int y)
{
	char sz[32], line[64];

	fmt_size(sz, sizeof(sz), to - from);
	snprintf(line, sizeof(line), "gap %s", sz);
	rbuf_printf(b, "<g class=\"gap\"><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
		    "stroke=\"#999999\" stroke-dasharray=\"4 4\"/>\n", BAR_X, y + 6,
		    BAR_X + BAR_MAX, y + 6);
	svg_text(b, LABEL_X, y + 10, 10, "start", line);
	rbuf_puts(b, "</g>\n");
	return y + GAP_H;
}

static void vma_row(struct rbuf *b, const struct mm_aspace_snap *a, const struct mm_aspace_vma *v,
		    const char *prog, int y)
{
	enum vma_kind k = vma_kind(a, v, prog);
	int w = bar_width(v->end - v->start);
	char addr[32], sz[32], p[8];

	rbuf_printf(b, "<g class=\"vma\" data-start=\"0x%" PRIx64 "\" data-kind=\"%s\"><title>",
		    v->start, kind_key[k].label);
	maps_line(b, a, v);
	rbuf_puts(b, "</title>\n");
	snprintf(addr, sizeof(addr), "%012" PRIx64, v->start);
	rbuf_printf(b, "<text x=\"10\" y=\"%d\" font-size=\"11\" font-family=\"DejaVu Sans Mono, "
		    "monospace\">%s</text>\n", y + 14, addr);
	rbuf_printf(b, "<rect class=\"kind\" x=\"150\" y=\"%d\" width=\"12\" height=\"16\" "
		    "fill=\"%s\"/>\n", y + 1, kind_key[k].colour);
	if (v->nr_bins)
		bin_slices(b, a, v, BAR_X, y + 2, w, 14);
	else
		state_segments(b, v->pages, BAR_X, y + 2, w, 14);
	rbuf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"14\" fill=\"none\" "
		    "stroke=\"%s\" stroke-width=\"2\"/>\n", BAR_X, y + 2, w, kind_key[k].colour);
	perms(p, v->flags);
	fmt_size(sz, sizeof(sz), v->end - v->start);
	rbuf_printf(b, "<text class=\"label\" x=\"%d\" y=\"%d\" font-size=\"12\">%s %s ",
		    LABEL_X, y + 14, p, sz);
	svg_escape(b, *vma_name(a, v) ? vma_name(a, v) : "[anon]");
	rbuf_puts(b, "</text>\n</g>\n");
}

/* VMAs [first, last] on one row: their page states summed, their span named. */
static void group_row(struct rbuf *b, const struct mm_aspace_snap *a, size_t first, size_t last,
		      int y)
{
	uint64_t pages[MM_NR_PS] = { 0 }, bytes = 0;
	char sz[32], line[160];

	for (size_t i = first; i <= last; i++) {
		bytes += a->vmas[i].end - a->vmas[i].start;
		for (int s = 0; s < MM_NR_PS; s++)
			pages[s] += a->vmas[i].pages[s];
	}
	fmt_size(sz, sizeof(sz), bytes);
	rbuf_printf(b, "<g class=\"group\" data-vmas=\"%zu\"><title>%zu VMAs, the first: ",
		    last - first + 1, last - first + 1);
	maps_line(b, a, &a->vmas[first]);
	rbuf_puts(b, "; the last: ");
	maps_line(b, a, &a->vmas[last]);
	rbuf_puts(b, "</title>\n");
	rbuf_printf(b, "<text x=\"10\" y=\"%d\" font-size=\"11\" font-family=\"DejaVu Sans Mono, "
		    "monospace\">%012" PRIx64 "</text>\n", y + 14, a->vmas[first].start);
	state_segments(b, pages, BAR_X, y + 2, bar_width(bytes), 14);
	rbuf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"14\" fill=\"none\" "
		    "stroke=\"#333333\" stroke-width=\"2\" stroke-dasharray=\"6 2\"/>\n", BAR_X,
		    y + 2, bar_width(bytes));
	snprintf(line, sizeof(line), "%zu VMAs, %s mapped, up to 0x%" PRIx64, last - first + 1,
		 sz, a->vmas[last].end);
	svg_text(b, LABEL_X, y + 14, 12, "start", line);
	rbuf_puts(b, "</g>\n");
}

void render_aspace_svg(struct rbuf *b, const struct mm_aspace_snap *a)
{
	size_t n = a->nr_vmas, rows = n <= VIEW_VMA_ROWS ? n : VIEW_VMA_ROWS;
	struct svg_key ps[MM_NR_PS];
	const char *prog = program(a);
	int height = TOP + 20, y;
	char line[256], sz[32], sz2[32];

	for (size_t r = 0; r < rows; r++)
		height += ROW_H + GAP_H;
	snprintf(line, sizeof(line), "mmfs: address space of pid %d (%s)", a->task.pid,
		 a->task.comm);
	svg_begin(b, VIEW_WIDTH, height, line);
	fmt_size(sz, sizeof(sz), a->task.total_vm << 12);
	fmt_size(sz2, sizeof(sz2), (a->task.rss_anon + a->task.rss_file + a->task.rss_shmem) << 12);
	snprintf(line, sizeof(line), "Address space of pid %d (%s): %zu VMAs, %s mapped, %s resident",
		 a->task.pid, a->task.comm, n, sz, sz2);
	svg_text(b, 10, 24, 18, "start", line);
	snprintf(line, sizeof(line), "%s; low addresses first, gaps compressed; bar length: "
		 "log2 of the size; inside: the pages, left to right (page tables)",
		 rows < n ? "consecutive VMAs share a row" : "one row per VMA (proc/PID/maps)");
	svg_text(b, 10, 44, 12, "start", line);
	y = svg_legend(b, 10, 56, "VMA kind:", kind_key, NR_KINDS);
	for (int s = 0; s < MM_NR_PS; s++)
		ps[s] = (struct svg_key){ ps_colour[s], mm_page_state_names[s] };
	svg_legend(b, 10, y, "pages:", ps, MM_NR_PS);
	if (!a->task.has_mm)
		svg_text(b, 10, TOP + 14, 14, "start", "no address space");
	y = TOP;
	for (size_t r = 0; r < rows; r++) {
		size_t first = r * n / rows, last = (r + 1) * n / rows - 1;

		if (r && a->vmas[first].start > a->vmas[first - 1].end)
			y = gap_row(b, a->vmas[first - 1].end, a->vmas[first].start, y);
		if (first == last)
			vma_row(b, a, &a->vmas[first], prog, y);
		else
			group_row(b, a, first, last, y);
		y += ROW_H;
	}
	svg_end(b);
}
