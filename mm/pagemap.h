/* SPDX-License-Identifier: MIT */
/*
 * pagemap.h - the bit layouts of proc/PID/pagemap and proc/kpageflags
 * (Linux ABI: Documentation/admin-guide/mm/pagemap.rst and
 * include/uapi/linux/kernel-page-flags.h). The readers are mm.h's
 * mm_pagemap_read, mm_kpageflags_read and mm_kpagecount_read.
 */
#ifndef MM_PAGEMAP_H
#define MM_PAGEMAP_H

/* pagemap: one u64 per virtual page */
#define PM_PFRAME_BITS		55
#define PM_PFRAME_MASK		((1ULL << PM_PFRAME_BITS) - 1)
#define PM_SWAP_TYPE_BITS	5	/* MAX_SWAPFILES_SHIFT */
#define PM_SOFT_DIRTY		(1ULL << 55)
#define PM_MMAP_EXCLUSIVE	(1ULL << 56)
#define PM_UFFD_WP		(1ULL << 57)
#define PM_FILE			(1ULL << 61)
#define PM_SWAP			(1ULL << 62)
#define PM_PRESENT		(1ULL << 63)

/* kpageflags: bit numbers of one u64 per pfn */
enum kpageflag {
	KPF_LOCKED = 0,
	KPF_ERROR = 1,
	KPF_REFERENCED = 2,
	KPF_UPTODATE = 3,
	KPF_DIRTY = 4,
	KPF_LRU = 5,
	KPF_ACTIVE = 6,
	KPF_SLAB = 7,
	KPF_WRITEBACK = 8,
	KPF_RECLAIM = 9,
	KPF_BUDDY = 10,
	KPF_MMAP = 11,
	KPF_ANON = 12,
	KPF_SWAPCACHE = 13,
	KPF_SWAPBACKED = 14,
	KPF_COMPOUND_HEAD = 15,
	KPF_COMPOUND_TAIL = 16,
	KPF_HUGE = 17,
	KPF_UNEVICTABLE = 18,
	KPF_HWPOISON = 19,
	KPF_NOPAGE = 20,
	KPF_KSM = 21,
	KPF_THP = 22,
	KPF_OFFLINE = 23,
	KPF_ZERO_PAGE = 24,
	KPF_IDLE = 25,
	KPF_PGTABLE = 26,
	/* kernel-hacking bits, not ABI: what page-types decodes */
	KPF_RESERVED = 32,
	KPF_MLOCKED = 33,
	KPF_MAPPEDTODISK = 34,	/* on anon pages: PG_anon_exclusive (page-types: OWNER_2) */
};

#define KPF(bit)	(1ULL << (bit))

#endif
