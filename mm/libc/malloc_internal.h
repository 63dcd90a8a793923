/* SPDX-License-Identifier: MIT */
/*
 * malloc_internal.h - the user-space allocator of a simulated process:
 * glibc 2.36's ptmalloc2 (malloc/malloc.c, arena.c), as Debian 12 ships it.
 *
 * Where the state lives, as in a real process:
 *  - chunk headers, free-list links, the tcache_perthread_struct: in the
 *    process's own pages, read and written through its page tables (a
 *    CPU's loads and stores: faults, COW, dirty bits), so `mem` and `touch`
 *    see them and a corrupted header is found as glibc finds it;
 *  - the main arena's struct malloc_state and the malloc_par `mp_`: in
 *    libc's .data in glibc; here a model object (struct libc_malloc, tied
 *    to the mm), laid out byte for byte as glibc's malloc_state and shown
 *    at main_arena's address: a chunk's fd/bk that point at a bin header
 *    hold that address, and every access to it reads the model's copy.
 *
 * Everything runs with the machine lock held, inside one system-call-like
 * command; an abort (malloc_printerr) or a fault (SIGSEGV) unwinds with
 * longjmp to the entry point, which kills the process.
 */
#ifndef MM_LIBC_MALLOC_INTERNAL_H
#define MM_LIBC_MALLOC_INTERNAL_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

#include "malloc.h"

struct page;

struct sys_ctx;

#define SIZE_SZ			8ULL
#define MALLOC_ALIGNMENT	16ULL
#define MALLOC_ALIGN_MASK	(MALLOC_ALIGNMENT - 1)
#define CHUNK_HDR_SZ		(2 * SIZE_SZ)
#define MINSIZE			32ULL
#define MALLOC_CHUNK_SIZEOF	48ULL	/* sizeof(struct malloc_chunk) */

#define PREV_INUSE		0x1ULL
#define IS_MMAPPED		0x2ULL
#define NON_MAIN_ARENA		0x4ULL
#define SIZE_BITS		(PREV_INUSE | IS_MMAPPED | NON_MAIN_ARENA)

#define NBINS			128
#define NSMALLBINS		64
#define MIN_LARGE_SIZE		0x400ULL
#define NFASTBINS		10
#define BINMAPSIZE		4
#define FASTBIN_CONSOLIDATION_THRESHOLD	65536ULL
#define MAX_FAST_SIZE		160ULL
#define DEFAULT_MXFAST		128ULL
#define TCACHE_MAX_BINS		64
#define TCACHE_FILL_COUNT	7
#define MAX_ITERS		10000

#define DEFAULT_MMAP_THRESHOLD_MIN	(128ULL * 1024)
#define DEFAULT_MMAP_THRESHOLD_MAX	(32ULL << 20)	/* 4 MiB * sizeof(long) */
#define DEFAULT_TOP_PAD			(128ULL * 1024)
#define DEFAULT_MMAP_MAX		65536
#define HEAP_MAX_SIZE			(64ULL << 20)	/* 2 * DEFAULT_MMAP_THRESHOLD_MAX */
#define MMAP_AS_MORECORE_SIZE		(1ULL << 20)

/* struct malloc_chunk field offsets */
#define CH_PREV_SIZE	0
#define CH_SIZE		8
#define CH_FD		16
#define CH_BK		24
#define CH_FD_NEXTSIZE	32
#define CH_BK_NEXTSIZE	40

/* struct malloc_state field offsets (x86-64, glibc 2.36) */
#define AV_MUTEX	0x000
#define AV_FLAGS	0x004
#define AV_HAVE_FAST	0x008
#define AV_FASTBINS	0x010
#define AV_TOP		0x060
#define AV_LAST_REM	0x068
#define AV_BINS		0x070
#define AV_BINMAP	0x860
#define AV_NEXT		0x870
#define AV_NEXT_FREE	0x878
#define AV_ATTACHED	0x880
#define AV_SYSTEM_MEM	0x888
#define AV_MAX_SYSMEM	0x890
#define AV_SIZEOF	0x898

#define NONCONTIGUOUS_BIT	2U

/* tcache_perthread_struct: uint16_t counts[64], then tcache_entry *entries[64] */
#define TC_COUNTS	0x000
#define TC_ENTRIES	0x080
#define TC_SIZEOF	0x280
/* tcache_entry: next (safe-linked), key */
#define TE_NEXT		0
#define TE_KEY		8

/* Where libc's .data keeps main_arena, relative to libc's first byte. */
#define MAIN_ARENA_LIBC_OFFSET	0x1d3c60ULL
/* ... when no libc.so.6 is mapped (the address is then only a name). */
#define MAIN_ARENA_FALLBACK	0x7ffff7fa3c60ULL

/* malloc_par: glibc's mp_ (and global_max_fast beside it) */
struct malloc_par {
	uint64_t trim_threshold;
	uint64_t top_pad;
	uint64_t mmap_threshold;
	uint64_t arena_test;
	uint64_t arena_max;
	int n_mmaps;
	int n_mmaps_max;
	int max_n_mmaps;
	int no_dyn_threshold;
	uint64_t mmapped_mem;
	uint64_t max_mmapped_mem;
	uint64_t sbrk_base;
	uint64_t tcache_bins;
	uint64_t tcache_max_bytes;
	uint64_t tcache_count;
	uint64_t tcache_unsorted_limit;
	uint64_t global_max_fast;
	int perturb_byte;
};

/*
 * The allocator's state of one address space (what libc's .data and the
 * main thread's TLS hold in glibc). Copied by fork, dropped with the mm.
 */
/* What glibc keeps per thread (TLS): its tcache and its arena. */
struct libc_thread {
	uint64_t tcache;		/* tcache_perthread_struct (user address), 0: none yet */
	uint64_t arena;			/* thread_arena, 0: none yet */
	int used;			/* the thread has called the allocator */
	int shutting_down;		/* tcache_shutting_down: the thread is exiting */
};
#define LIBC_THREADS_MAX	64
#define UTLB_SLOTS		4

struct libc_malloc {
	int initialized;		/* __malloc_initialized */
	int multi_thread;		/* !SINGLE_THREAD_P: a second thread has called */
	uint64_t narenas;		/* arenas made (main included) */
	uint64_t narenas_limit;		/* 0 until computed (arena_get2) */
	uint64_t next_to_use;		/* reused_arena's cursor */
	uint64_t free_list;		/* arenas of exited threads (next_free chain) */
	uint64_t aligned_heap_area;	/* where new_heap tries first */
	struct libc_thread thr[LIBC_THREADS_MAX];	/* [0] is the main thread */
	/*
	 * The last pages the allocator used (a software TLB). An entry holds while
	 * its PTE keeps the value it had (no unmap, COW, reclaim, writeback
	 * changed it) and no page table has been freed (m->pgtable_gen); the
	 * allocator's own system calls and faults drop them all. Not copied by fork.
	 */
	struct utlb_entry {
		uint64_t vpage;
		unsigned char *host;
		uint64_t *pte;
		uint64_t pteval;
		struct page *page;
		uint64_t gen;
		int writable;
	} tlb[UTLB_SLOTS];
	unsigned tlb_next;
	uint64_t tcache_key;		/* tcache_key: marks a chunk as in a tcache */
	uint64_t curbrk;		/* libc's __curbrk, 0 until the first sbrk */
	uint64_t arena_va;		/* &main_arena in the process */
	struct malloc_par mp;
	unsigned char main_arena[AV_SIZEOF];	/* struct malloc_state, glibc's layout */
};

/* One call of the allocator by one thread. */
struct mctx {
	struct sys_ctx *x;
	struct libc_malloc *lm;
	struct libc_thread *thr;	/* the calling thread's */
	jmp_buf out;			/* where an abort or a fault unwinds to */
	int err;			/* set before longjmp: -EINTR (killed), -ENOMEM... */
	int sig;			/* the signal that kills the process, 0: none */
	const char *msg;		/* malloc_printerr's message */
	uint64_t steps;			/* loads and stores: a corrupted heap may loop */
};

/* ---- malloc_mem.c: loads and stores of the process, aborts ---- */
uint64_t rd64(struct mctx *c, uint64_t addr);
void wr64(struct mctx *c, uint64_t addr, uint64_t v);
uint32_t rd32(struct mctx *c, uint64_t addr);
void wr32(struct mctx *c, uint64_t addr, uint32_t v);
uint16_t rd16(struct mctx *c, uint64_t addr);
void wr16(struct mctx *c, uint64_t addr, uint16_t v);
/* memset / memcpy in the process's memory, page by page. */
void umemset(struct mctx *c, uint64_t addr, int byte, uint64_t len);
void umemcpy(struct mctx *c, uint64_t dst, uint64_t src, uint64_t len);
/* Forget translations: after any system call or fault that may change them. */
void utlb_flush(struct mctx *c);
/* malloc_printerr: the message, then abort() (SIGABRT). Does not return. */
_Noreturn void malloc_printerr(struct mctx *c, const char *msg);
/* The process died in a system call the allocator made (OOM kill). */
_Noreturn void malloc_die(struct mctx *c, int err);

/* ---- malloc_sys.c: the system calls and what rests on them ---- */
uint64_t msys_sbrk(struct mctx *c, int64_t incr);	/* (uint64_t)-1 on failure */
uint64_t msys_mmap(struct mctx *c, uint64_t len);	/* (uint64_t)-1 on failure */
uint64_t msys_mmap_prot(struct mctx *c, uint64_t hint, uint64_t len, uint64_t prot, uint64_t flags);
int msys_mprotect(struct mctx *c, uint64_t addr, uint64_t len, uint64_t prot);
void msys_munmap(struct mctx *c, uint64_t addr, uint64_t len);
uint64_t msys_mremap(struct mctx *c, uint64_t addr, uint64_t old, uint64_t new_len);
void msys_madvise_dontneed(struct mctx *c, uint64_t addr, uint64_t len);
uint64_t sysmalloc(struct mctx *c, uint64_t nb, uint64_t av);
int systrim(struct mctx *c, uint64_t pad, uint64_t av);
void munmap_chunk(struct mctx *c, uint64_t p);
uint64_t mremap_chunk(struct mctx *c, uint64_t p, uint64_t new_size);

/* ---- malloc_bins.c: _int_malloc and the bins ---- */
uint64_t int_malloc(struct mctx *c, uint64_t av, uint64_t bytes);
void unlink_chunk(struct mctx *c, uint64_t av, uint64_t p);
void malloc_consolidate(struct mctx *c, uint64_t av);
void malloc_init_state(struct mctx *c, uint64_t av);
int checked_request2size(uint64_t req, uint64_t *sz);

/* ---- malloc_free.c: _int_free and the tcache ---- */
void int_free(struct mctx *c, uint64_t av, uint64_t p, int have_lock);
void tcache_put(struct mctx *c, uint64_t chunk, size_t tc_idx);
uint64_t tcache_get(struct mctx *c, size_t tc_idx);

/* ---- malloc.c ---- */
void ptmalloc_init(struct mctx *c);
uint64_t int_memalign(struct mctx *c, uint64_t av, uint64_t alignment, uint64_t bytes);
/* Run fn(c, arg) as one allocator call of x's task (ptmalloc_init first). */
int libc_malloc_run(struct sys_ctx *x, void (*fn)(struct mctx *c, void *arg), void *arg);

/* free() of a user pointer by the calling thread (the thread-exit path). */
void libc_free_chunk(struct mctx *c, uint64_t mem);

/* ---- malloc_arena.c: non-main arenas and their heaps ---- */
uint64_t heap_for_ptr(uint64_t p);
int heap_trim(struct mctx *c, uint64_t heap, uint64_t pad);
int grow_arena_top(struct mctx *c, uint64_t nb, uint64_t av);
uint64_t arena_get(struct mctx *c, uint64_t size);
uint64_t arena_get_retry(struct mctx *c, uint64_t av, uint64_t bytes);
void arena_thread_exit(struct mctx *c);

/* ---- malloc_realloc.c ---- */
uint64_t int_realloc(struct mctx *c, uint64_t av, uint64_t oldp, uint64_t oldsize, uint64_t nb);

/* ---- chunk arithmetic ---- */
static inline uint64_t chunk2mem(uint64_t p) { return p + CHUNK_HDR_SZ; }
static inline uint64_t mem2chunk(uint64_t mem) { return mem - CHUNK_HDR_SZ; }
static inline uint64_t request2size(uint64_t req)
{
	return req + SIZE_SZ + MALLOC_ALIGN_MASK < MINSIZE ? MINSIZE
		: (req + SIZE_SZ + MALLOC_ALIGN_MASK) & ~MALLOC_ALIGN_MASK;
}
static inline int in_smallbin_range(uint64_t sz) { return sz < MIN_LARGE_SIZE; }
static inline unsigned smallbin_index(uint64_t sz) { return (unsigned)(sz >> 4); }
static inline unsigned largebin_index(uint64_t sz)
{
	if ((sz >> 6) <= 48)
		return 48 + (unsigned)(sz >> 6);
	if ((sz >> 9) <= 20)
		return 91 + (unsigned)(sz >> 9);
	if ((sz >> 12) <= 10)
		return 110 + (unsigned)(sz >> 12);
	if ((sz >> 15) <= 4)
		return 119 + (unsigned)(sz >> 15);
	if ((sz >> 18) <= 2)
		return 124 + (unsigned)(sz >> 18);
	return 126;
}
static inline unsigned bin_index(uint64_t sz)
{
	return in_smallbin_range(sz) ? smallbin_index(sz) : largebin_index(sz);
}
static inline unsigned fastbin_index(uint64_t sz) { return (unsigned)(sz >> 4) - 2; }
static inline size_t csize2tidx(uint64_t x) { return (x - MINSIZE + MALLOC_ALIGNMENT - 1) / MALLOC_ALIGNMENT; }
static inline int misaligned(uint64_t a) { return (a & MALLOC_ALIGN_MASK) != 0; }
static inline uint64_t protect_ptr(uint64_t pos, uint64_t ptr) { return (pos >> 12) ^ ptr; }

/* Header fields of the chunk at p. */
static inline uint64_t size_nomask(struct mctx *c, uint64_t p) { return rd64(c, p + CH_SIZE); }
static inline uint64_t chunksize(struct mctx *c, uint64_t p) { return rd64(c, p + CH_SIZE) & ~SIZE_BITS; }
static inline uint64_t prev_size(struct mctx *c, uint64_t p) { return rd64(c, p + CH_PREV_SIZE); }
static inline void set_head(struct mctx *c, uint64_t p, uint64_t s) { wr64(c, p + CH_SIZE, s); }
static inline void set_head_size(struct mctx *c, uint64_t p, uint64_t s)
{
	wr64(c, p + CH_SIZE, (rd64(c, p + CH_SIZE) & SIZE_BITS) | s);
}
static inline void set_foot(struct mctx *c, uint64_t p, uint64_t s) { wr64(c, p + s, s); }
static inline int prev_inuse(struct mctx *c, uint64_t p) { return rd64(c, p + CH_SIZE) & PREV_INUSE; }
static inline int inuse_bit_at(struct mctx *c, uint64_t p, uint64_t s)
{
	return rd64(c, p + s + CH_SIZE) & PREV_INUSE;
}
static inline void set_inuse_bit_at(struct mctx *c, uint64_t p, uint64_t s)
{
	wr64(c, p + s + CH_SIZE, rd64(c, p + s + CH_SIZE) | PREV_INUSE);
}
static inline void clear_inuse_bit_at(struct mctx *c, uint64_t p, uint64_t s)
{
	wr64(c, p + s + CH_SIZE, rd64(c, p + s + CH_SIZE) & ~PREV_INUSE);
}
static inline uint64_t fd(struct mctx *c, uint64_t p) { return rd64(c, p + CH_FD); }
static inline uint64_t bk(struct mctx *c, uint64_t p) { return rd64(c, p + CH_BK); }
static inline void set_fd(struct mctx *c, uint64_t p, uint64_t v) { wr64(c, p + CH_FD, v); }
static inline void set_bk(struct mctx *c, uint64_t p, uint64_t v) { wr64(c, p + CH_BK, v); }

/* The arena at av: fields of its malloc_state. */
static inline uint64_t bin_at(uint64_t av, unsigned i) { return av + AV_BINS + (uint64_t)(i - 1) * 16 - 16; }
static inline uint64_t unsorted_chunks(uint64_t av) { return bin_at(av, 1); }
static inline uint64_t fastbin_addr(uint64_t av, unsigned i) { return av + AV_FASTBINS + 8ULL * i; }
static inline uint64_t av_top(struct mctx *c, uint64_t av) { return rd64(c, av + AV_TOP); }
static inline int contiguous(struct mctx *c, uint64_t av) { return !(rd32(c, av + AV_FLAGS) & NONCONTIGUOUS_BIT); }
static inline int is_main_arena(struct mctx *c, uint64_t av) { return av == c->lm->arena_va; }

#endif
