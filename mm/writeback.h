/* SPDX-License-Identifier: MIT */
/* writeback.h - writeback of dirty page-cache pages (expects m->lock held). */
#ifndef MM_WRITEBACK_H
#define MM_WRITEBACK_H

struct machine;
struct page;

/* Clean page everywhere it is mapped and write it to its backing file. 0 or -EIO. */
int writeback_page(struct machine *m, struct page *page);

#endif
