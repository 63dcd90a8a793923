/* SPDX-License-Identifier: MIT */
/*
 * view.h - the pictures of view/: SVG and one HTML page, rendered from the
 * snapshots of mm/view_snap.h like the text files (pure functions from a
 * snapshot to bytes: the same state gives the same bytes).
 *
 *   view/index.html            every picture of every process, refreshing itself
 *   view/buddy.svg             free blocks per zone, order and migratetype
 *   view/physical.svg          every zone's frames, pageblock by pageblock
 *   view/PID/address-space.svg the VMAs and the state of their pages
 *   view/PID/pagetable.svg     the page-table tree and the walk of one address
 *   view/PID/walk              that address: write a hex address and a newline
 */
#ifndef FS_VIEW_H
#define FS_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "render.h"

/* The size pictures are drawn for: readable at 1280x800. */
#define VIEW_WIDTH	1280

/* Budgets: what a picture draws at most before it aggregates. */
#define VIEW_PHYS_CELLS	2048	/* cells of the physical map */
#define VIEW_VMA_ROWS	160	/* rows of an address space; more VMAs share rows */
#define VIEW_VMA_BINS	32	/* page-state bins per VMA ... */
#define VIEW_BIN_VMAS	4096	/* ... while a process has at most this many VMAs */
#define VIEW_PT_TABLES	20	/* tables listed a level (the walk's too) */

/* renderers (view_phys.c, view_aspace.c, view_index.c) */
void render_buddy_svg(struct rbuf *b, const struct mm_global_snap *g);
void render_physical_svg(struct rbuf *b, const struct mm_phys_snap *p,
			 const struct mm_global_snap *g);
void render_aspace_svg(struct rbuf *b, const struct mm_aspace_snap *a);
void render_pgtable_svg(struct rbuf *b, const struct mm_pt_snap *s);
void render_view_index(struct rbuf *b, const int *pids, const char (*comms)[16], int n);

/* SVG helpers (view_svg.c) */
void svg_begin(struct rbuf *b, int width, int height, const char *title);
void svg_end(struct rbuf *b);
/* XML-escaped text: & < > " and bytes outside printable ASCII as '?' */
void svg_escape(struct rbuf *b, const char *s);
/* Text at (x, y): size px, anchor "start"/"middle"/"end", escaped. */
void svg_text(struct rbuf *b, int x, int y, int size, const char *anchor, const char *s);
/* A legend row of swatches from (x, y), wrapping at the picture's width. */
struct svg_key {
	const char *colour, *label;
};
int svg_legend(struct rbuf *b, int x, int y, const char *heading, const struct svg_key *keys,
	       int n);
/*
 * log2(x) in 8.8 fixed point, linear between powers of two: bar lengths
 * from integers alone, the same bytes on every host (x >= 1)
 */
uint64_t log2_fix(uint64_t x);
/* "4 KiB", "1.5 MiB", "64 TiB": bytes in binary units, deterministic */
void fmt_size(char *out, size_t len, uint64_t bytes);

#endif

/* ---- view/ in the tree (view.c): tree.c hands these nodes over ---- */

struct tree_ref;
struct tree_dirent;

/* What a NK_VIEW node shows (its .arg). */
enum view_file { VIEW_INDEX, VIEW_BUDDY, VIEW_PHYSICAL, VIEW_ASPACE, VIEW_PAGETABLE, VIEW_WALK };

/* Inodes of view/PID and its files: this bit, pid << 6, slot. */
#define TREE_VIEW_INO	(1ULL << 42)	/* 40: TREE_PID_INO, 41: FILES_INO */

uint64_t view_pid_ino(int pid, unsigned slot);
int view_resolve(uint64_t ino, struct tree_ref *ref, int need_alive);
/* name in view/PID */
int view_lookup(const struct tree_ref *dir, const char *name, struct tree_ref *ref);
/* the entries of view/PID, as tree_list */
int view_list(const struct tree_ref *dir, struct tree_dirent **out, size_t *n);
/*
 * A picture's bytes. view_size renders one (st_size is the real size) and
 * keeps it for the next view_open of the node, which takes it (or renders
 * afresh): so stat, open and read agree when nothing changed between.
 * 0 or -ESRCH (the process is gone), -ENOMEM.
 */
int view_render(const struct tree_ref *ref, struct rbuf *out);
int64_t view_size(const struct tree_ref *ref);
int view_open(const struct tree_ref *ref, struct rbuf *out);
/*
 * A write to view/PID/walk: a hex address (0x optional) and a newline,
 * below the top of user space. 0, or -EINVAL for anything else, -ESRCH.
 */
int view_write(const struct tree_ref *ref, const char *buf, size_t len);
/* Parse what view_write takes: 0 and *addr, or -EINVAL. */
int view_parse_addr(const char *buf, size_t len, uint64_t *addr);
