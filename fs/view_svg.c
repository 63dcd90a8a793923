// SPDX-License-Identifier: MIT
/*
 * view_svg.c - what every picture of view/ shares: the frame, escaped
 * text, legends and sizes in binary units.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "view.h"

void svg_begin(struct rbuf *b, int width, int height, const char *title)
{
	rbuf_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		    "viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, sans-serif\">\n",
		    width, height, width, height);
	rbuf_puts(b, "<title>");
	svg_escape(b, title);
	rbuf_puts(b, "</title>\n");
	rbuf_printf(b, "<rect class=\"bg\" x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" "
		    "fill=\"#ffffff\"/>\n", width, height);
}

void svg_end(struct rbuf *b)
{
	rbuf_puts(b, "</svg>\n");
}

void svg_escape(struct rbuf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '&')
			rbuf_puts(b, "&amp;");
		else if (c == '<')
			rbuf_puts(b, "&lt;");
		else if (c == '>')
			rbuf_puts(b, "&gt;");
		else if (c == '"')
			rbuf_puts(b, "&quot;");
		else if (c < 0x20 || c >= 0x7f)
			rbuf_puts(b, "?");
		else
			rbuf_put(b, s, 1);
	}
}

void svg_text(struct rbuf *b, int x, int y, int size, const char *anchor, const char *s)
{
	rbuf_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"%d\" text-anchor=\"%s\">", x, y,
		    size, anchor);
	svg_escape(b, s);
	rbuf_puts(b, "</text>\n");
}

int svg_legend(struct rbuf *b, int x, int y, const char *heading, const struct svg_key *keys,
	       int n)
{
	int cx = x;

	rbuf_printf(b, "<g class=\"legend\">\n");
	svg_text(b, x, y + 12, 13, "start", heading);
	cx += 8 * (int)strlen(heading) + 12;
	for (int i = 0; i < n; i++) {
		int w = 22 + 7 * (int)strlen(keys[i].label) + 14;

		if (cx + w > VIEW_WIDTH - 10) {
			cx = x + 20;
			y += 20;
		}
		rbuf_printf(b, "<rect class=\"key\" x=\"%d\" y=\"%d\" width=\"16\" height=\"14\" "
			    "fill=\"%s\" stroke=\"#444444\"/>\n", cx, y, keys[i].colour);
		svg_text(b, cx + 20, y + 12, 12, "start", keys[i].label);
		cx += w;
	}
	rbuf_puts(b, "</g>\n");
	return y + 20;
}

void fmt_size(char *out, size_t len, uint64_t bytes)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	int u = 0;

	while (u < 6 && bytes >= (1024ULL << (10 * u)))
		u++;
	if (u == 0 || bytes % (1ULL << (10 * u)) == 0)
		snprintf(out, len, "%" PRIu64 " %s", bytes >> (10 * u), unit[u]);
	else	/* one decimal, rounded down: integer arithmetic, the same everywhere */
		snprintf(out, len, "%" PRIu64 ".%" PRIu64 " %s", bytes >> (10 * u),
			 (uint64_t)(((bytes & ((1ULL << (10 * u)) - 1)) * 10) >> (10 * u)), unit[u]);
}

uint64_t log2_fix(uint64_t x)
{
	int e = 63 - __builtin_clzll(x | 1);
	uint64_t frac = e >= 8 ? (x >> (e - 8)) & 0xff : (x << (8 - e)) & 0xff;

	return ((uint64_t)e << 8) | frac;
}
