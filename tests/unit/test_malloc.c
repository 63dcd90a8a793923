// SPDX-License-Identifier: MIT
/*
 * test_malloc.c - glibc 2.36's allocator in a simulated process (mm/libc/),
 * hand-checked cases whose pointers and breaks were taken from the host's
 * glibc (Debian 12, 2.36-9+deb12u14) running the same calls with ASLR off
 * in a program whose heap started at 0x555555559000, as spawn's does
 * (tools/difftest/malloc_host.c). The invariant checker runs after every
 * call.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leakcheck.h"
#include "../../mm/internal.h"
#include "../../mm/task.h"
#include "../../mm/vma.h"
#include "../../mm/libc/malloc.h"
#include "../../mm/syscalls.h"

#define HEAP	0x555555559000ULL

static struct machine *m;
static char why[256];
static int pid;

static void check(void)
{
	int nbad = -1;
	char *r = mm_check(m, &nbad);

	cr_assert_str_eq(r, "ok\n", "mm_check: %s", r);
	free(r);
}

static void boot(void)
{
	struct mm_config cfg = { .ram_bytes = 1ULL << 30, .nr_nodes = 1, .swap_bytes = 0 };
	char buf[128] = "";

	m = mm_boot(&cfg, buf, sizeof(buf));
	cr_assert_not_null(m, "mm_boot: %s", buf);
	cr_assert_eq(mm_spawn(m, "a.out", &pid, why, sizeof(why)), 0, "%s", why);
}

static void shutdown(void)
{
	check();
	mm_shutdown(m);
	leak_check();
}

TestSuite(malloc, .init = boot, .fini = shutdown);

static int call_on(int p, struct mm_call c, uint64_t *ret)
{
	uint64_t r = 0;
	int err;

	why[0] = '\0';
	err = mm_syscall(m, p, &c, &r, why, sizeof(why));
	if (ret)
		*ret = r;
	check();
	return err;
}

/* The call's value; the test fails when the call does. */
static uint64_t ok_on(int p, struct mm_call c)
{
	uint64_t r;
	int err = call_on(p, c, &r);

	cr_assert_eq(err, 0, "%s: %s", mm_verb_name(c.verb), why);
	return r;
}

#define C(...)		((struct mm_call){ .fd = -1, __VA_ARGS__ })
#define MALLOC(n)	ok_on(pid, C(.verb = MMV_MALLOC, .len = (n)))
#define FREE(p)		ok_on(pid, C(.verb = MMV_FREE, .addr = (p)))
#define REALLOC(p, n)	ok_on(pid, C(.verb = MMV_REALLOC, .addr = (p), .new_len = (n)))
#define CALLOC(n, s)	ok_on(pid, C(.verb = MMV_CALLOC, .len = (n), .new_len = (s)))
#define MEMALIGN(a, n)	ok_on(pid, C(.verb = MMV_MEMALIGN, .len = (a), .new_len = (n)))
#define MALLOPT(p, v)	ok_on(pid, C(.verb = MMV_MALLOPT, .advice = (p), .mode = (v)))
#define BRK()		ok_on(pid, C(.verb = MMV_BRK, .addr = 0))

/* [start, end) of the VMA holding addr, "" when none. */
static void vma_at(uint64_t addr, uint64_t *start, uint64_t *end)
{
	struct task *t = find_task_by_pid(m, pid);
	struct vm_area_struct *v = t ? vma_lookup(t->mm, addr) : NULL;

	*start = v ? v->vm_start : 0;
	*end = v ? v->vm_end : 0;
}

static uint64_t peek(uint64_t addr)
{
	uint64_t v = 0;

	cr_assert_eq(mm_mem_rw(m, pid, addr, &v, 8, 0), 8);
	return v;
}

Test(malloc, first_malloc_sets_up_the_heap)
{
	cr_expect_eq(BRK(), HEAP);
	cr_expect_eq(MALLOC(10), HEAP + 0x2a0);
	cr_expect_eq(BRK(), HEAP + 0x21000);
	/* the tcache_perthread_struct's chunk, then the 10-byte one, then the top */
	cr_expect_eq(peek(HEAP + 8), 0x291);
	cr_expect_eq(peek(HEAP + 0x298), 0x21);
	cr_expect_eq(peek(HEAP + 0x2b8), 0x21000 - 0x290 - 0x20 + 1);
}

Test(malloc, big_request_is_mmapped_and_munmapped)
{
	uint64_t s, e, p;

	MALLOC(10);
	p = MALLOC(200 * 1024);
	cr_expect_eq(p, 0x7ffff7d9d010ULL);
	vma_at(p, &s, &e);
	/* merged with the anonymous TLS mapping above it, as on the host */
	cr_expect_eq(s, 0x7ffff7d9d000ULL);
	cr_expect_eq(e, 0x7ffff7dd3000ULL);
	cr_expect_eq(peek(p - 8), 0x33000 | 2);	/* size | IS_MMAPPED */
	FREE(p);
	vma_at(p, &s, &e);
	cr_expect_eq(s, 0);
	vma_at(0x7ffff7dd0000ULL, &s, &e);
	cr_expect_eq(s, 0x7ffff7dd0000ULL);
	cr_expect_eq(e, 0x7ffff7dd3000ULL);
	cr_expect_eq(BRK(), HEAP + 0x21000);
	/* the dynamic threshold rose to the freed chunk's size: the same request now uses brk */
	cr_expect_eq(MALLOC(200 * 1024), HEAP + 0x2c0);
	cr_expect_eq(BRK(), HEAP + 0x53000);
}

Test(malloc, tcache_fastbin_and_consolidation)
{
	uint64_t a[8];

	MALLOC(10);
	a[0] = MALLOC(24);
	cr_expect_eq(a[0], HEAP + 0x2c0);
	FREE(a[0]);
	cr_expect_eq(MALLOC(24), HEAP + 0x2c0);	/* the tcache gives it back */
	for (int i = 1; i < 8; i++)
		a[i] = MALLOC(24);
	cr_expect_eq(a[7], HEAP + 0x3a0);
	for (int i = 1; i < 8; i++)
		FREE(a[i]);			/* 7 fill the tcache bin */
	FREE(a[0]);				/* the 8th goes to a fastbin */
	cr_expect_eq(peek(a[0] + 8), 0);	/* no tcache key in a fastbin chunk */
	cr_expect_eq(MALLOC(24), HEAP + 0x3a0);	/* the tcache, last freed first */
	/* two neighbours freed past the tcache's sizes merge in the unsorted list */
	uint64_t b1 = MALLOC(1272), b2 = MALLOC(1272);

	cr_expect_eq(b1, HEAP + 0x3c0);
	cr_expect_eq(b2, HEAP + 0x8c0);
	MALLOC(1272);
	MALLOC(1272);
	FREE(b2);
	FREE(b1);
	cr_expect_eq(MALLOC(2544), HEAP + 0x3c0);
}

Test(malloc, realloc_of_mmapped_chunk_mremaps_and_top_trims)
{
	uint64_t p, q, s, e;

	MALLOC(10);
	p = MALLOC(300000);
	cr_expect_eq(p, 0x7ffff7d86010ULL);
	q = REALLOC(p, 600000);
	cr_expect_eq(q, 0x7ffff7cf3010ULL);	/* mremap moved it below */
	vma_at(q, &s, &e);
	cr_expect_eq(s, 0x7ffff7cf3000ULL);
	cr_expect_eq(e, 0x7ffff7d86000ULL);
	FREE(q);
	cr_expect_eq(MALLOPT(M_MMAP_MAX, 0), 1);
	cr_expect_eq(MALLOPT(M_TRIM_THRESHOLD, 131072), 1);
	p = MALLOC(204800);
	cr_expect_eq(p, HEAP + 0x2c0);
	cr_expect_eq(BRK(), HEAP + 0x53000);
	FREE(p);
	cr_expect_eq(BRK(), HEAP + 0x21000);	/* trimmed: top_pad kept above the top */
}

Test(malloc, calloc_memalign_stats)
{
	char text[512];

	cr_expect_eq(CALLOC(3, 77), HEAP + 0x2a0);
	cr_expect_eq(MEMALIGN(65536, 663), HEAP + 0x7000);
	cr_expect_eq(MALLOPT(M_MMAP_THRESHOLD, 64 * 1024 * 1024), 1);	/* 2.36 takes any value */
	cr_expect_eq(MALLOPT(M_MXFAST, 200), 0);			/* above MAX_FAST_SIZE */
	cr_expect_eq(MALLOPT(999, 1), 1);				/* unknown: 1 too */
	cr_expect_eq(mm_malloc_stats(m, pid, text, sizeof(text), why, sizeof(why)), 0);
	cr_expect_str_eq(text,
		"Arena 0:\n"
		"system bytes     =     135168\n"
		"in use bytes     =       1568\n"
		"Total (incl. mmap):\n"
		"system bytes     =     135168\n"
		"in use bytes     =       1568\n"
		"max mmap regions =          0\n"
		"max mmap bytes   =          0\n");
}

Test(malloc, double_free_aborts_the_process)
{
	uint64_t p, r;
	size_t len;
	char *log;
	int err;

	p = MALLOC(24);
	FREE(p);
	err = call_on(pid, C(.verb = MMV_FREE, .addr = p), &r);
	cr_expect_eq(err, -EINTR);
	cr_expect_str_eq(why, "free(): double free detected in tcache 2: the process was killed by SIGABRT");
	cr_expect_null(find_task_by_pid(m, pid));
	log = mm_kmsg_text(m, &len);
	cr_expect(strstr(log, "a.out[2]: free(): double free detected in tcache 2: killed by signal 6 (SIGABRT)"),
		  "%s", log);
	free(log);
}

Test(malloc, corrupted_size_is_detected)
{
	uint64_t p, bad = 0x1234567, r;

	/* IS_MMAPPED set: glibc takes it for an mmap'd chunk, badly placed */
	p = MALLOC(100);
	cr_assert_eq(mm_mem_rw(m, pid, p - 8, &bad, 8, 1), 8);
	cr_expect_eq(call_on(pid, C(.verb = MMV_FREE, .addr = p), &r), -EINTR);
	cr_expect_str_eq(why, "munmap_chunk(): invalid pointer: the process was killed by SIGABRT");
	cr_expect_null(find_task_by_pid(m, pid));
	/* a size below MINSIZE */
	cr_assert_eq(mm_spawn(m, "b.out", &pid, why, sizeof(why)), 0, "%s", why);
	p = MALLOC(100);
	bad = 0x9;
	cr_assert_eq(mm_mem_rw(m, pid, p - 8, &bad, 8, 1), 8);
	cr_expect_eq(call_on(pid, C(.verb = MMV_FREE, .addr = p), &r), -EINTR);
	cr_expect_str_eq(why, "free(): invalid size: the process was killed by SIGABRT");
}

Test(malloc, fork_copies_the_allocator)
{
	uint64_t a, child;

	a = MALLOC(24);
	child = ok_on(pid, C(.verb = MMV_FORK));
	ok_on((int)child, C(.verb = MMV_FREE, .addr = a));
	cr_expect_eq(ok_on((int)child, C(.verb = MMV_MALLOC, .len = 24)), a);
	cr_expect_eq(MALLOC(24), a + 0x20);	/* the parent's tcache never had it */
	ok_on((int)child, C(.verb = MMV_EXIT));
}

Test(malloc, wild_pointer_segfaults)
{
	uint64_t r;
	size_t len;
	char *log;

	MALLOC(1);
	cr_expect_eq(call_on(pid, C(.verb = MMV_FREE, .addr = 0x10000010), &r), -EINTR);
	log = mm_kmsg_text(m, &len);
	cr_expect(strstr(log, "a.out[2]: segfault at 10000008"), "%s", log);
	cr_expect(strstr(log, "a.out[2]: killed by signal 11 (SIGSEGV)"), "%s", log);
	free(log);
}

/*
 * A second thread (explicit index 1, until threads exist): its own arena in
 * a 64 MiB-aligned heap, reserved PROT_NONE and made read-write as it grows,
 * its own tcache. The host's glibc, in a thread of a program with ASLR off,
 * gave the same offsets in the same heap at 0x7ffff0000000 (its mmap'd
 * chunk lands elsewhere: the thread's stack is there), and the same
 * malloc_stats but for main_arena's 288 bytes of the thread's dtv.
 */
static uint64_t tcall(int thread, struct mm_call c)
{
	struct task *t = find_task_by_pid(m, pid);
	struct sys_ctx x = { .m = m, .t = t, .mm = t->mm, .why = why, .whylen = sizeof(why) };
	uint64_t r = 0;
	int err;

	machine_lock(m);
	err = libc_malloc_thread_call(&x, thread, &c, &r);
	machine_unlock(m);
	cr_assert_eq(err, 0, "%s", why);
	check();
	return r;
}

#define TMALLOC(n)	tcall(1, C(.verb = MMV_MALLOC, .len = (n)))
#define TFREE(p)	tcall(1, C(.verb = MMV_FREE, .addr = (p)))

Test(malloc, second_thread_gets_an_arena)
{
	const uint64_t h = 0x7ffff0000000ULL;
	uint64_t a, b, c, e, f, s, en;
	char text[512];

	cr_expect_eq(MALLOC(10), HEAP + 0x2a0);
	a = TMALLOC(10);
	cr_expect_eq(a, h + 0xb70);	/* heap_info, malloc_state, the tcache, then it */
	vma_at(h, &s, &en);
	cr_expect_eq(s, h);
	cr_expect_eq(en, h + 0x21000);
	vma_at(h + 0x21000, &s, &en);
	cr_expect_eq(en, h + (64 << 20));	/* the rest of the heap: PROT_NONE */
	cr_expect_eq(peek(a - 8), 0x20 | 4 | 1);	/* NON_MAIN_ARENA | PREV_INUSE */
	cr_expect_eq(peek(h), h + 0x30);		/* heap_info.ar_ptr: the arena after it */
	b = TMALLOC(200);
	cr_expect_eq(b, h + 0xb90);
	c = TMALLOC(100000);
	cr_expect_eq(c, h + 0xc60);
	TFREE(c);
	cr_expect_eq(TMALLOC(300000) & 0xfff, 0x010);	/* an mmap'd chunk */
	e = TMALLOC(100000);
	f = TMALLOC(100000);
	cr_expect_eq(e, h + 0xc60);
	cr_expect_eq(f, h + 0x19310);
	vma_at(h, &s, &en);
	cr_expect_eq(en, h + 0x32000);		/* grow_heap: mprotect */
	TFREE(e);
	TFREE(f);				/* heap_trim: MADV_DONTNEED, the VMA stays */
	vma_at(h, &s, &en);
	cr_expect_eq(en, h + 0x32000);
	TFREE(b);
	cr_expect_eq(TMALLOC(200), h + 0xb90);	/* thread 1's tcache */
	cr_expect_eq(mm_malloc_stats(m, pid, text, sizeof(text), why, sizeof(why)), 0);
	cr_expect_str_eq(text,
		"Arena 0:\n"
		"system bytes     =     135168\n"
		"in use bytes     =        688\n"
		"Arena 1:\n"
		"system bytes     =     135168\n"
		"in use bytes     =       3152\n"
		"Total (incl. mmap):\n"
		"system bytes     =     573440\n"
		"in use bytes     =     306944\n"
		"max mmap regions =          1\n"
		"max mmap bytes   =     303104\n");
	cr_expect_eq(MALLOC(10), HEAP + 0x2c0);	/* the main thread stays on main_arena */
}

/*
 * memalign as a thread's first call makes its arena with room for the
 * padded request (_mid_memalign's arena_get(bytes + alignment + MINSIZE)):
 * the host's heap is read-write to 0x2c000 (mmfs-malloc-host, the script
 * "malloc 10 / pthread_create / @1 memalign 4096 40719").
 */
Test(malloc, memalign_first_in_a_thread_sizes_the_new_heap)
{
	const uint64_t h = 0x7ffff0000000ULL;
	uint64_t s, en;

	MALLOC(10);
	cr_expect_eq(tcall(1, C(.verb = MMV_MEMALIGN, .len = 4096, .new_len = 40719)), h + 0x1000);
	vma_at(h, &s, &en);
	cr_expect_eq(en, h + 0x2c000);
	cr_expect_eq(peek(h + 0x1000 - 8), 0x9f20 | 4);	/* the gap before it was freed */
}

/* A thread exits: its tcache goes back to its arena, the arena to the free list; the next thread takes both (host: same pointers). */
Test(malloc, exited_thread_arena_is_reused)
{
	const uint64_t h = 0x7ffff0000000ULL;
	struct task *t;
	struct sys_ctx x;

	MALLOC(10);
	cr_expect_eq(TMALLOC(10), h + 0xb70);
	TFREE(TMALLOC(5000));
	t = find_task_by_pid(m, pid);
	x = (struct sys_ctx){ .m = m, .t = t, .mm = t->mm, .why = why, .whylen = sizeof(why) };
	machine_lock(m);
	cr_assert_eq(libc_malloc_thread_exit(&x, 1), 0, "%s", why);
	machine_unlock(m);
	check();
	cr_expect_eq(tcall(2, C(.verb = MMV_MALLOC, .len = 10)), h + 0xb90);
	cr_expect_eq(tcall(2, C(.verb = MMV_MALLOC, .len = 5000)), h + 0xbb0);
}

/*
 * The heap unmapped and mapped again behind the allocator's back: the new
 * page reads as zeros, so glibc finds a zero size (the translations the
 * allocator kept from its last call must not show it the old page).
 */
Test(malloc, heap_replaced_behind_its_back)
{
	uint64_t p, r;

	MALLOC(10);
	p = MALLOC(24);
	ok_on(pid, C(.verb = MMV_MUNMAP, .addr = HEAP, .len = 0x21000));
	cr_expect_eq(ok_on(pid, C(.verb = MMV_MMAP, .addr = HEAP, .len = 0x21000,
				  .prot = MM_PROT_READ | MM_PROT_WRITE,
				  .flags = MM_MAP_PRIVATE | MM_MAP_ANONYMOUS | MM_MAP_FIXED)), HEAP);
	ok_on(pid, C(.verb = MMV_TOUCH, .addr = HEAP, .len = 0x1000, .mode = 'w'));
	cr_expect_eq(call_on(pid, C(.verb = MMV_FREE, .addr = p), &r), -EINTR);
	cr_expect_str_eq(why, "free(): invalid pointer: the process was killed by SIGABRT");
}

/* exec drops the allocator with the address space: the next program starts afresh */
Test(malloc, exec_starts_afresh)
{
	MALLOC(10);
	MALLOC(5000);
	ok_on(pid, C(.verb = MMV_EXEC));
	cr_expect_eq(MALLOC(10), HEAP + 0x2a0);
	cr_expect_eq(BRK(), HEAP + 0x21000);
}

/* init survives what would kill another process: the call is abandoned */
Test(malloc, init_is_not_killed)
{
	uint64_t r;
	int p = pid;

	pid = 1;
	cr_expect_eq(call_on(1, C(.verb = MMV_FREE, .addr = 0x1010), &r), -EINTR);
	cr_expect_str_eq(why, "init cannot be killed: the call was abandoned, not by SIGSEGV");
	cr_expect_not_null(find_task_by_pid(m, 1));
	pid = p;
}

/*
 * spawn's mmap area has no hole of 64 KiB or more (its largest, 44 KiB, is
 * where ld.so.cache was mapped during startup, as on the host), so an mmap'd
 * chunk of the default threshold's sizes lands below the lowest mapping, where
 * a real program's does (the difftest compares every VMA with the host's).
 */
Test(malloc, spawn_mmap_area_holes_are_small)
{
	struct task *t = find_task_by_pid(m, pid);
	struct vm_area_struct *v, *prev = NULL;
	uint64_t largest = 0;

	for (v = vma_first(t->mm); v; v = vma_next_of(v)) {
		if (prev && prev->vm_start >= 0x7f0000000000ULL && v->vm_start < 0x7ffffff00000ULL &&
		    v->vm_start - prev->vm_end > largest)
			largest = v->vm_start - prev->vm_end;
		prev = v;
	}
	cr_expect_eq(largest, 44 * 1024, "largest hole %#llx", (unsigned long long)largest);
}
