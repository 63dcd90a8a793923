/* SPDX-License-Identifier: MIT */
/*
 * memory_internal.h - helpers the fault path (memory.c) shares with the
 * range operations (memory_range.c) and proc/PID/mem (access_vm.c).
 * Expect m->lock held.
 */
#ifndef MM_MEMORY_INTERNAL_H
#define MM_MEMORY_INTERNAL_H

#include <stdint.h>

#include "pgtable.h"

struct machine;
struct mm_struct;
struct page;

/* A store made a cache page dirty: account it, tell outside readers. */
void set_page_dirty(struct machine *m, struct page *page);
/* A PTE mapping page is gone: rmap and the reference it held. */
void unmap_pte_page(struct machine *m, struct mm_struct *mm, struct page *page);
/* The entry mapping addr (a PTE, or a huge PMD), and the pfn of addr's page in it. */
pte_t *follow_entry(struct machine *m, struct mm_struct *mm, uint64_t addr, uint64_t *pfn);
/* A present PTE of an exclusive anonymous page (a forced write may go in place). */
int page_is_anon_pte(struct machine *m, pte_t pte);

#endif
