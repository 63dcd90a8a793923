/* SPDX-License-Identifier: MIT */
/*
 * malloc_mem.c - the allocator's loads and stores, as the process's CPU
 * makes them: through its page tables, faulting as a user access does
 * (touch_range: a bad address is a segfault, logged), COW after fork,
 * dirty and accessed bits set. main_arena's bytes are the model's copy
 * (malloc_internal.h). A few translations are kept between accesses of
 * one call; any system call or fault drops them (the page tables, or the
 * pages, may have changed: munmap, reclaim, COW).
 */
#include <errno.h>
#include <string.h>

#include "../internal.h"
#include "../memory.h"
#include "../memory_internal.h"
#include "../page.h"
#include "../huge_memory.h"
#include "../syscalls.h"
#include "../task.h"
#include "malloc_internal.h"

/* A corrupted heap may send glibc round a cycle for ever; the model stops. */
#define MALLOC_STEP_LIMIT	(1ULL << 26)

void utlb_flush(struct mctx *c)
{
	for (unsigned i = 0; i < UTLB_SLOTS; i++)
		c->lm->tlb[i].vpage = 1;	/* never a page address */
}

/*
 * Whether entry e still translates as when it was filled: no page table
 * freed, the same PTE (so the same frame, mapped the same way), and the
 * frame not one handed out again as "all zeros, not yet written" (a page
 * unmapped and faulted back at the same address may be the same frame).
 */
static inline int utlb_valid(struct mctx *c, const struct utlb_entry *e)
{
	return e->gen == c->x->m->pgtable_gen && *e->pte == e->pteval &&
	       !PageFlag(e->page, PG_zeroed);
}

_Noreturn void malloc_printerr(struct mctx *c, const char *msg)
{
	c->msg = msg;
	c->sig = 6;
	c->err = -EINTR;
	longjmp(c->out, 1);
}

_Noreturn void malloc_die(struct mctx *c, int err)
{
	c->err = err;
	longjmp(c->out, 1);
}

/*
 * The host bytes of the page holding addr, ready for a load (write 0) or
 * a store: NULL for a page that reads as zeros (the zero page).
 */
static unsigned char *upage(struct mctx *c, uint64_t addr, int write)
{
	struct machine *m = c->x->m;
	struct mm_struct *mm = c->x->mm;
	uint64_t vpage = addr & ~(MM_PAGE_SIZE - 1), pfn = 0;
	struct page *page;
	unsigned char *host;
	pte_t *pte;

	for (unsigned i = 0; i < UTLB_SLOTS; i++) {
		struct utlb_entry *e = &c->lm->tlb[i];

		if (e->vpage == vpage && (!write || e->writable)) {
			if (utlb_valid(c, e))
				return e->host;
			e->vpage = 1;
		}
	}
	if (++c->steps > MALLOC_STEP_LIMIT) {
		c->msg = "the heap is corrupted: the allocator loops for ever";
		c->sig = 9;
		malloc_die(c, -EINTR);
	}
	pte = follow_entry(m, mm, vpage, &pfn);
	if (!pte || !(*pte & _PAGE_PRESENT) || (write && !pte_write(*pte))) {
		char why[160];
		/* the access itself faults: a bad one is logged at its own address */
		int err = touch_range(m, c->x->t, addr, 1, write, why, sizeof(why));

		utlb_flush(c);
		if (err == -EFAULT) {
			c->sig = 11;	/* touch_range logged the segfault line */
			c->msg = NULL;
			malloc_die(c, -EINTR);
		}
		if (err)
			malloc_die(c, err);
		pte = follow_entry(m, mm, vpage, &pfn);
		if (!pte)
			malloc_die(c, -EFAULT);
	}
	*pte |= _PAGE_ACCESSED | (write ? _PAGE_DIRTY : 0);
	if (pfn == m->zero_pfn || (m->huge_zero_pfn && pfn - m->huge_zero_pfn < HPAGE_PMD_NR))
		return NULL;	/* only loads reach here: a store faulted it away */
	page = pfn_to_page(m, pfn);
	host = page_address(m, page);
	if (PageFlag(page, PG_zeroed)) {
		if (!write)
			return NULL;
		memset(host, 0, MM_PAGE_SIZE);
		ClearPageFlag(page, PG_zeroed);
	}
	if (write)
		set_page_dirty(m, page);
	if (!pmd_trans_huge(*pte)) {	/* a THP's entry maps 512 pages: not cached */
		struct utlb_entry *e = &c->lm->tlb[c->lm->tlb_next];

		*e = (struct utlb_entry){ .vpage = vpage, .host = host, .pte = pte, .pteval = *pte,
					  .page = page, .gen = m->pgtable_gen, .writable = write };
		c->lm->tlb_next = (c->lm->tlb_next + 1) % UTLB_SLOTS;
	}
	return host;
}

/* Where main_arena's image holds [addr, addr + n), or NULL. */
static unsigned char *arena_bytes(struct mctx *c, uint64_t addr, size_t n)
{
	uint64_t off = addr - c->lm->arena_va;

	if (off < AV_SIZEOF && off + n <= AV_SIZEOF)
		return c->lm->main_arena + off;
	return NULL;
}

static void uread(struct mctx *c, uint64_t addr, void *buf, size_t n)
{
	unsigned char *a = arena_bytes(c, addr, n);

	if (a) {
		memcpy(buf, a, n);
		return;
	}
	while (n) {
		size_t off = addr & (MM_PAGE_SIZE - 1), k = MM_PAGE_SIZE - off < n ? MM_PAGE_SIZE - off : n;
		unsigned char *h = upage(c, addr, 0);

		if (h)
			memcpy(buf, h + off, k);
		else
			memset(buf, 0, k);
		buf = (char *)buf + k;
		addr += k;
		n -= k;
	}
}

static void uwrite(struct mctx *c, uint64_t addr, const void *buf, size_t n)
{
	unsigned char *a = arena_bytes(c, addr, n);

	if (a) {
		memcpy(a, buf, n);
		return;
	}
	while (n) {
		size_t off = addr & (MM_PAGE_SIZE - 1), k = MM_PAGE_SIZE - off < n ? MM_PAGE_SIZE - off : n;

		memcpy(upage(c, addr, 1) + off, buf, k);
		buf = (const char *)buf + k;
		addr += k;
		n -= k;
	}
}

/* An aligned word in a page the TLB holds: the common case, kept short. */
static inline unsigned char *tlb_hit(struct mctx *c, uint64_t addr, unsigned n, int write)
{
	uint64_t vpage = addr & ~(MM_PAGE_SIZE - 1);

	if ((addr & (n - 1)) || addr - c->lm->arena_va < AV_SIZEOF || ++c->steps > MALLOC_STEP_LIMIT)
		return NULL;	/* (the slow path stops a looping heap) */
	for (unsigned i = 0; i < UTLB_SLOTS; i++) {
		const struct utlb_entry *e = &c->lm->tlb[i];

		if (e->vpage == vpage && (!write || e->writable) && utlb_valid(c, e))
			return e->host + (addr & (MM_PAGE_SIZE - 1));
	}
	return NULL;
}

uint64_t rd64(struct mctx *c, uint64_t addr)
{
	unsigned char *h = tlb_hit(c, addr, 8, 0);
	uint64_t v;

	if (h) {
		memcpy(&v, h, sizeof(v));
		return v;
	}
	uread(c, addr, &v, sizeof(v));
	return v;
}

void wr64(struct mctx *c, uint64_t addr, uint64_t v)
{
	unsigned char *h = tlb_hit(c, addr, 8, 1);

	if (h) {
		memcpy(h, &v, sizeof(v));
		return;
	}
	uwrite(c, addr, &v, sizeof(v));
}

uint32_t rd32(struct mctx *c, uint64_t addr)
{
	uint32_t v;

	uread(c, addr, &v, sizeof(v));
	return v;
}

void wr32(struct mctx *c, uint64_t addr, uint32_t v)
{
	uwrite(c, addr, &v, sizeof(v));
}

uint16_t rd16(struct mctx *c, uint64_t addr)
{
	unsigned char *h = tlb_hit(c, addr, 2, 0);
	uint16_t v;

	if (h) {
		memcpy(&v, h, sizeof(v));
		return v;
	}
	uread(c, addr, &v, sizeof(v));
	return v;
}

void wr16(struct mctx *c, uint64_t addr, uint16_t v)
{
	unsigned char *h = tlb_hit(c, addr, 2, 1);

	if (h) {
		memcpy(h, &v, sizeof(v));
		return;
	}
	uwrite(c, addr, &v, sizeof(v));
}

void umemset(struct mctx *c, uint64_t addr, int byte, uint64_t len)
{
	while (len) {
		uint64_t off = addr & (MM_PAGE_SIZE - 1);
		uint64_t k = MM_PAGE_SIZE - off < len ? MM_PAGE_SIZE - off : len;

		memset(upage(c, addr, 1) + off, byte, k);
		addr += k;
		len -= k;
	}
}

void umemcpy(struct mctx *c, uint64_t dst, uint64_t src, uint64_t len)
{
	unsigned char buf[512];

	while (len) {
		uint64_t k = len < sizeof(buf) ? len : sizeof(buf);

		uread(c, src, buf, k);
		uwrite(c, dst, buf, k);
		src += k;
		dst += k;
		len -= k;
	}
}
