/* SPDX-License-Identifier: MIT */
/*
 * mmtest.h - the scaffolding the paging tests share: system calls that
 * must succeed (mm_check runs after each), faults, fork, smaps usage and
 * proc/PID/mem through the model's API. Each test file defines `m`, the
 * machine under test, before including this.
 */
#ifndef TESTS_MMTEST_H
#define TESTS_MMTEST_H

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "../../mm/internal.h"
#include "../../mm/memory.h"
#include "../../mm/task.h"

static inline void check_ok(void)
{
	int nbad = -1;
	char *r = mm_check(m, &nbad);

	cr_assert_eq(nbad, 0, "check:\n%s", r);
	free(r);
}

static inline uint64_t call(int pid, struct mm_call c)
{
	char why[256] = "";
	uint64_t ret = 0;
	int err;

	if (c.verb == MMV_MMAP && !c.fd)
		c.fd = -1;
	err = mm_syscall(m, pid, &c, &ret, why, sizeof(why));
	cr_assert_eq(err, 0, "%s failed: %d %s", mm_verb_name(c.verb), err, why);
	check_ok();
	return ret;
}

static inline uint64_t map_anon(int pid, uint64_t len, uint64_t flags)
{
	return call(pid, (struct mm_call){ .verb = MMV_MMAP, .len = len, .fd = -1,
		.prot = MM_PROT_READ | MM_PROT_WRITE, .flags = MM_MAP_PRIVATE | MM_MAP_ANONYMOUS | flags });
}

static inline void touch(int pid, uint64_t addr, uint64_t len, int write)
{
	call(pid, (struct mm_call){ .verb = MMV_TOUCH, .addr = addr, .len = len, .mode = write ? 'w' : 'r' });
}

static inline int fork_of(int pid)
{
	return (int)call(pid, (struct mm_call){ .verb = MMV_FORK });
}

static inline void kill_pid(int pid)
{
	char why[128];

	cr_assert_eq(mm_kill(m, pid, why, sizeof(why)), 0, "%s", why);
	check_ok();
}

static inline struct mm_vma_usage usage(int pid, uint64_t addr)
{
	struct mm_task_snap *t = mm_snap_task(m, pid, 2);
	struct mm_vma_usage u = { 0 };

	cr_assert(t);
	for (size_t i = 0; i < t->nr_vmas; i++)
		if (t->vmas[i].start <= addr && addr < t->vmas[i].end)
			u = t->vmas[i].u;
	free(t);
	return u;
}

static inline void mem_write(int pid, uint64_t addr, const char *s)
{
	struct task *t = find_task_by_pid(m, pid);

	long n;

	machine_lock(m);
	n = access_remote_vm(m, t, addr, (void *)s, strlen(s), 1);
	machine_unlock(m);	/* never assert with the lock held: teardown takes it */
	cr_assert_eq(n, (long)strlen(s));
}

static inline void mem_expect_n(int pid, uint64_t addr, const char *s, size_t len)
{
	struct task *t = find_task_by_pid(m, pid);
	char buf[64] = "";
	long n;

	machine_lock(m);
	n = access_remote_vm(m, t, addr, buf, len, 0);
	machine_unlock(m);
	cr_assert_eq(n, (long)len);
	cr_assert(!memcmp(buf, s, len), "read '%.*s'", (int)len, buf);
}

static inline void mem_expect(int pid, uint64_t addr, const char *s)
{
	mem_expect_n(pid, addr, s, strlen(s));
}


/* mm_mincore's runs as the reply text, one '0' or '1' per page (malloc'd). */
static inline int mincore_s(struct machine *mm_, int pid, uint64_t addr, uint64_t len, char **vec,
		     char *why, size_t whylen)
{
	struct mm_runs r;
	int err = mm_mincore(mm_, pid, addr, len, &r, why, whylen);
	size_t o = 0;

	*vec = NULL;
	if (err)
		return err;
	*vec = malloc(r.total + 1);
	for (size_t i = 0; i < r.nr; i++)
		for (uint64_t k = 0; k < r.run[i].len; k++)
			(*vec)[o++] = r.run[i].val ? '1' : '0';
	(*vec)[o] = '\0';
	mm_runs_free(&r);
	return 0;
}

/* The swap offset in the PTE of addr, 0 when it holds none (needs pgtable.h). */
#ifdef MM_PGTABLE_H
static inline uint64_t swap_offset(int pid, uint64_t addr)
{
	struct task *t = find_task_by_pid(m, pid);
	uint64_t off = 0;
	pte_t *pte;
	int err;

	machine_lock(m);
	pte = pte_lookup(m, t->mm, addr, 0, &err);
	if (pte && pte_is_swap(*pte))
		off = pte_swp_offset(*pte);
	machine_unlock(m);
	return off;
}
#endif

#endif
