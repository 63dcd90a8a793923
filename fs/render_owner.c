// SPDX-License-Identifier: MIT
/*
 * render_owner.c - sys/kernel/debug/page_owner and page_owner_stacks/
 * (kernel: mm/page_owner.c's print_page_owner and stack_print).
 *
 * One block per allocated block, in pfn order:
 *
 *   Page allocated via order 0, mask 0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), pid 1, tgid 1 (init), ts 1000000 ns
 *   PFN 0x3ffff type Movable Block 511 type Movable Flags 0x...(uptodate|lru|...|node=0|zone=1|lastcpupid=0x1fffff)
 *    post_alloc_hook
 *    ...
 *   Page has been migrated, last migrate reason: syscall_or_cpuset   (only after a migration)
 *   (blank line)
 *
 * The stack lines are the model's call path (page_owner.h): they name the
 * functions without the +offset/size of %pS, as the model's frames have
 * no addresses.
 */
#include <stdio.h>

#include "render.h"

/* mmflags.h's __def_pageflag_names order, with each flag's page-flags.h bit. */
static const struct { int bit; const char *name; } pageflag_names[] = {
	{ 0, "locked" }, { 7, "waiters" }, { 2, "referenced" }, { 3, "uptodate" },
	{ 4, "dirty" }, { 5, "lru" }, { 8, "active" }, { 9, "workingset" },
	{ 10, "owner_priv_1" }, { 11, "owner_2" }, { 12, "arch_1" }, { 13, "reserved" },
	{ 14, "private" }, { 15, "private_2" }, { 1, "writeback" }, { 6, "head" },
	{ 16, "reclaim" }, { 17, "swapbacked" }, { 18, "unevictable" }, { 19, "dropbehind" },
	{ 20, "mlocked" },
};

/* %pGp: the value, then the flags' names and the node, zone, last_cpupid fields */
static void page_flags(struct rbuf *b, uint64_t flags)
{
	uint64_t main = flags & ((1ULL << 30) - 1);

	rbuf_printf(b, "%#llx(", (unsigned long long)flags);
	for (size_t i = 0; i < sizeof(pageflag_names) / sizeof(pageflag_names[0]); i++)
		if (main >> pageflag_names[i].bit & 1)
			rbuf_printf(b, "%s|", pageflag_names[i].name);
	rbuf_printf(b, "node=%llu|zone=%llu|lastcpupid=%#llx)",
		    (unsigned long long)(flags >> 54 & 0x3ff), (unsigned long long)(flags >> 51 & 7),
		    (unsigned long long)(flags >> 30 & 0x1fffff));
}

static void stack(struct rbuf *b, int handle)
{
	const char *frames[32];
	int n = mm_page_owner_stack(handle, frames, 32);

	for (int i = 0; i < n; i++)
		rbuf_printf(b, " %s\n", frames[i]);
}

void render_page_owner(struct rbuf *b, const struct mm_page_owner_snap *s)
{
	char gfp[256];

	for (size_t i = 0; i < s->nr; i++) {
		const struct mm_page_owner_rec *r = &s->recs[i];

		mm_gfp_format(r->gfp, gfp, sizeof(gfp));
		rbuf_printf(b, "Page allocated via order %d, mask %s, pid %d, tgid %d (%s), ts %llu ns\n",
			    r->order, gfp, r->pid, r->tgid, r->comm, (unsigned long long)r->ts_nsec);
		rbuf_printf(b, "PFN %#llx type %s Block %llu type %s Flags ",
			    (unsigned long long)r->pfn, migratetype_names[r->page_mt],
			    (unsigned long long)(r->pfn >> MM_PAGEBLOCK_ORDER),
			    migratetype_names[r->block_mt]);
		page_flags(b, r->flags);
		rbuf_puts(b, "\n");
		stack(b, r->handle);
		if (r->last_migrate_reason >= 0)
			rbuf_printf(b, "Page has been migrated, last migrate reason: %s\n",
				    mm_migrate_reason_names[r->last_migrate_reason]);
		rbuf_puts(b, "\n");
	}
}

/* show_stacks: every stack that holds a page now, newest first (count_threshold 0) */
void render_page_owner_stacks(struct rbuf *b, const struct mm_page_owner_snap *s)
{
	for (int i = 0; i < s->nr_stacks; i++) {
		if (s->stacks[i].nr_base_pages < 1)
			continue;
		stack(b, s->stacks[i].handle);
		rbuf_printf(b, "nr_base_pages: %llu\n\n", (unsigned long long)s->stacks[i].nr_base_pages);
	}
}
