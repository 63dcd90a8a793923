// SPDX-License-Identifier: MIT
/*
 * view_index.c - view/index.html: every picture of the machine and of each
 * process on one page that reloads itself every second (a meta refresh: no
 * JavaScript), so that a browser on MOUNT/view/index.html is a live window.
 */
#include <stdio.h>

#include "view.h"

void render_view_index(struct rbuf *b, const int *pids, const char (*comms)[16], int n)
{
	rbuf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		  "<meta http-equiv=\"refresh\" content=\"1\">\n"
		  "<title>mmfs: the machine, live</title>\n"
		  "<style>body{font-family:sans-serif;margin:8px}img{max-width:100%;"
		  "border:1px solid #ccc;display:block;margin:4px 0 16px}</style>\n"
		  "</head>\n<body>\n<h1>mmfs: the simulated machine, redrawn every second</h1>\n"
		  "<p>Pictures rendered from the model on each read, as the files of proc/ are. "
		  "Contents:");
	rbuf_puts(b, " <a href=\"#buddy\">free blocks</a>, <a href=\"#physical\">physical "
		  "memory</a>");
	for (int i = 0; i < n; i++)
		rbuf_printf(b, ", <a href=\"#pid%d\">pid %d</a>", pids[i], pids[i]);
	rbuf_puts(b, ".</p>\n");
	rbuf_puts(b, "<h2 id=\"buddy\">Free blocks per zone and order</h2>\n"
		  "<img src=\"buddy.svg\" alt=\"free blocks per zone and order\">\n"
		  "<h2 id=\"physical\">Physical memory</h2>\n"
		  "<img src=\"physical.svg\" alt=\"physical memory by pageblock\">\n");
	for (int i = 0; i < n; i++) {
		rbuf_printf(b, "<h2 id=\"pid%d\">pid %d (", pids[i], pids[i]);
		svg_escape(b, comms[i]);
		rbuf_printf(b, ")</h2>\n<img src=\"%d/address-space.svg\" "
			    "alt=\"address space of pid %d\">\n", pids[i], pids[i]);
		rbuf_printf(b, "<img src=\"%d/pagetable.svg\" alt=\"page tables of pid %d\">\n",
			    pids[i], pids[i]);
	}
	rbuf_puts(b, "</body>\n</html>\n");
}
