// SPDX-License-Identifier: MIT
/*
 * test_task.c - the pid table, the exec-time layout, VMA storage, kmsg and
 * per-task snapshots. Every test runs the invariant checker after each step.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leakcheck.h"
#include "../../mm/internal.h"
#include "../../mm/task.h"
#include "../../mm/vma.h"

static struct machine *m;

static void boot(void)
{
	struct mm_config cfg = {
		.ram_bytes = 1ULL << 30,
		.nr_nodes = 1,
		.swap_bytes = 256ULL << 20,
	};
	char why[128] = "";

	m = mm_boot(&cfg, why, sizeof(why));
	cr_assert_not_null(m, "mm_boot: %s", why);
}

static void shutdown(void)
{
	mm_shutdown(m);
	m = NULL;
	leak_check();
}

TestSuite(task, .init = boot, .fini = shutdown);

static void assert_check_ok(void)
{
	int nbad = -1;
	char *r = mm_check(m, &nbad);

	cr_assert_not_null(r);
	cr_assert_str_eq(r, "ok\n", "mm_check: %s", r);
	cr_assert_eq(nbad, 0);
	free(r);
}

/* smaps VmFlags text for a flags word (mnemonics written out independently). */
static void vmflags_str(uint64_t f, char *buf, size_t len)
{
	static const char *const mn[32] = {
		"rd", "wr", "ex", "sh", "mr", "mw", "me", "ms", "gd", "um", "pf", "??",
		"uw", "lo", "io", "sr", "rr", "dc", "de", "lf", "ac", "nr", "ht", "sf",
		"ar", "wf", "dd", "sd", "mm", "hg", "nh", "mg",
	};
	size_t off = 0;

	buf[0] = '\0';
	for (int i = 0; i < 32; i++)
		if (f & (1ULL << i))
			off += (size_t)snprintf(buf + off, len - off, "%s ", mn[i]);
}

static const char *perms(uint64_t f, char *p)
{
	p[0] = f & MM_VM_READ ? 'r' : '-';
	p[1] = f & MM_VM_WRITE ? 'w' : '-';
	p[2] = f & MM_VM_EXEC ? 'x' : '-';
	p[3] = f & MM_VM_MAYSHARE ? 's' : 'p';
	p[4] = '\0';
	return p;
}

#define PROG	NULL	/* the program itself */
#define LIBC	"/usr/lib/x86_64-linux-gnu/libc.so.6"
#define LD	"/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"
#define RO	"rd mr mw me "
#define TEXT	"rd ex mr mw me "
#define RELRO	"rd mr mw me ac "
#define DATA	"rd wr mr mw me ac "

struct want_vma {
	uint64_t start, end;
	const char *perms;
	uint64_t off;		/* bytes, file VMAs only */
	const char *name;
	const char *vmflags;
};

/* What `setarch -R` shows for a small PIE program on the host (samples/lay.out). */
static const struct want_vma init_layout[] = {
	{ 0x555555554000, 0x555555555000, "r--p", 0x0000, PROG, RO },
	{ 0x555555555000, 0x555555556000, "r-xp", 0x1000, PROG, TEXT },
	{ 0x555555556000, 0x555555557000, "r--p", 0x2000, PROG, RO },
	{ 0x555555557000, 0x555555558000, "r--p", 0x2000, PROG, RELRO },
	{ 0x555555558000, 0x555555559000, "rw-p", 0x3000, PROG, DATA },
	{ 0x7ffff7dd0000, 0x7ffff7dd3000, "rw-p", 0, "", DATA },
	{ 0x7ffff7dd3000, 0x7ffff7df9000, "r--p", 0x000000, LIBC, RO },
	{ 0x7ffff7df9000, 0x7ffff7f4f000, "r-xp", 0x026000, LIBC, TEXT },
	{ 0x7ffff7f4f000, 0x7ffff7fa2000, "r--p", 0x17c000, LIBC, RO },
	{ 0x7ffff7fa2000, 0x7ffff7fa6000, "r--p", 0x1cf000, LIBC, RELRO },
	{ 0x7ffff7fa6000, 0x7ffff7fa8000, "rw-p", 0x1d3000, LIBC, DATA },
	{ 0x7ffff7fa8000, 0x7ffff7fb5000, "rw-p", 0, "", DATA },
	{ 0x7ffff7fc0000, 0x7ffff7fc2000, "rw-p", 0, "", DATA },
	{ 0x7ffff7fc2000, 0x7ffff7fc6000, "r--p", 0, "[vvar]", "rd mr pf io de dd " },
	{ 0x7ffff7fc6000, 0x7ffff7fc8000, "r--p", 0, "[vvar_vclock]", "rd mr pf io de dd " },
	{ 0x7ffff7fc8000, 0x7ffff7fca000, "r-xp", 0, "[vdso]", "rd ex mr mw me de " },
	{ 0x7ffff7fca000, 0x7ffff7fcb000, "r--p", 0x00000, LD, RO },
	{ 0x7ffff7fcb000, 0x7ffff7ff1000, "r-xp", 0x01000, LD, TEXT },
	{ 0x7ffff7ff1000, 0x7ffff7ffb000, "r--p", 0x27000, LD, RO },
	{ 0x7ffff7ffb000, 0x7ffff7ffd000, "r--p", 0x31000, LD, RELRO },
	{ 0x7ffff7ffd000, 0x7ffff7fff000, "rw-p", 0x33000, LD, DATA },
	{ 0x7ffffffde000, 0x7ffffffff000, "rw-p", 0, "[stack]", "rd wr mr mw me gd ac " },
};
#define NR_INIT_VMAS (sizeof(init_layout) / sizeof(init_layout[0]))

static void assert_layout(const struct mm_task_snap *s, const char *prog)
{
	char p[5], vf[128];
	uint64_t ino[3] = { 0 };	/* prog, libc, ld: one inode per file */

	cr_assert_eq(s->nr_vmas, NR_INIT_VMAS);
	for (size_t i = 0; i < NR_INIT_VMAS; i++) {
		const struct want_vma *w = &init_layout[i];
		const struct mm_vma_snap *v = &s->vmas[i];
		const char *name = w->name ? w->name : prog;
		int is_file = name[0] == '/';

		cr_assert_eq(v->start, w->start, "vma %zu start %llx", i, (unsigned long long)v->start);
		cr_assert_eq(v->end, w->end, "vma %zu end %llx", i, (unsigned long long)v->end);
		cr_assert_str_eq(perms(v->flags, p), w->perms, "vma %zu", i);
		vmflags_str(v->flags, vf, sizeof(vf));
		cr_assert_str_eq(vf, w->vmflags, "vma %zu", i);
		cr_assert_str_eq(v->name, name, "vma %zu", i);
		cr_assert_eq(v->is_file, is_file, "vma %zu", i);
		cr_assert_eq(v->kernel_page_kb, 4);
		cr_assert_eq(v->mmu_page_kb, 4);
		cr_assert_eq(v->thp_eligible, 0, "vma %zu", i);
		if (!is_file) {
			cr_assert_eq(v->dev_major, 0);
			cr_assert_eq(v->ino, 0);
			continue;
		}
		cr_assert_eq(v->pgoff << 12, w->off, "vma %zu pgoff", i);
		cr_assert_eq(v->dev_major, 0xfe);
		cr_assert_eq(v->dev_minor, 0x01);
		cr_assert_neq(v->ino, 0);
		int k = !w->name ? 0 : !strcmp(name, LIBC) ? 1 : 2;

		if (!ino[k])
			ino[k] = v->ino;
		cr_assert_eq(v->ino, ino[k], "vma %zu: one file, one inode", i);
	}
	cr_assert_neq(ino[0], ino[1]);
	cr_assert_neq(ino[1], ino[2]);
}

Test(task, init_has_exec_layout)
{
	struct mm_task_snap *s = mm_snap_task(m, 1, 1);

	cr_assert_not_null(s);
	cr_assert_eq(s->pid, 1);
	cr_assert_eq(s->ppid, 0);
	cr_assert_str_eq(s->comm, "init");
	cr_assert_eq(s->cmdline_len, 11);
	cr_assert_eq(memcmp(s->cmdline, "/sbin/init", 11), 0);
	cr_assert_eq(s->state, 'S');
	cr_assert_eq(s->has_mm, 1);
	cr_assert_eq(s->thp_enabled, 1);
	assert_layout(s, "/sbin/init");
	free(s);
	assert_check_ok();
}

Test(task, init_mm_fields)
{
	struct mm_task_snap *s = mm_snap_task(m, 1, 0);

	cr_assert_not_null(s);
	cr_assert_eq(s->nr_vmas, NR_INIT_VMAS, "nr_vmas is map_count even without VMAs");
	cr_assert_eq(s->start_code, 0x555555555000);
	cr_assert_eq(s->end_code, 0x55555555536d);
	cr_assert_eq(s->start_data, 0x555555557dd0);
	cr_assert_eq(s->end_data, 0x555555558050);
	cr_assert_eq(s->start_brk, 0x555555559000);
	cr_assert_eq(s->brk, 0x555555559000);
	/* top: NULL word, "/sbin/init", "HOME=/" "TERM=linux", argv "/sbin/init" */
	cr_assert_eq(s->env_end, 0x7ffffffff000 - 8 - 11);
	cr_assert_eq(s->env_start, s->env_end - 18);
	cr_assert_eq(s->arg_end, s->env_start);
	cr_assert_eq(s->arg_start, s->arg_end - 11);
	/* 16-aligned, platform + random (23), 52 words of argc/argv/envp/auxv */
	cr_assert_eq(s->start_stack, 0x7fffffffee10, "start_stack %llx",
		     (unsigned long long)s->start_stack);
	cr_assert_eq(s->rss_anon + s->rss_file + s->rss_shmem + s->swap_ents, 0);
	free(s);
}

Test(task, counters_match_vmas)
{
	struct mm_task_snap *s = mm_snap_task(m, 1, 1);
	uint64_t total = 0, data = 0, exec = 0, stack = 0;

	cr_assert_not_null(s);
	for (size_t i = 0; i < s->nr_vmas; i++) {
		uint64_t f = s->vmas[i].flags, pages = (s->vmas[i].end - s->vmas[i].start) >> 12;

		total += pages;
		if ((f & (MM_VM_WRITE | MM_VM_SHARED | MM_VM_GROWSDOWN)) == MM_VM_WRITE)
			data += pages;
		if ((f & (MM_VM_EXEC | MM_VM_WRITE | MM_VM_GROWSDOWN)) == MM_VM_EXEC)
			exec += pages;
		if (f & MM_VM_GROWSDOWN)
			stack += pages;
	}
	cr_assert_eq(s->total_vm, total);
	cr_assert_eq(s->data_vm, data);
	cr_assert_eq(s->exec_vm, exec);
	cr_assert_eq(s->stack_vm, stack);
	/* the host's lay: VmSize 2476 kB minus its 132 kB [heap] */
	cr_assert_eq(s->total_vm, 586);
	cr_assert_eq(s->exec_vm, 1 + 0x156 + 0x26 + 2);
	cr_assert_eq(s->data_vm, 1 + 3 + 2 + 13 + 2 + 2);
	cr_assert_eq(s->stack_vm, 33);
	cr_assert_eq(s->locked_vm, 0);
	cr_assert_eq(s->hiwater_vm, 586);
	free(s);
}

static int spawn(const char *name)
{
	char why[128] = "";
	int pid = -1;
	int err = mm_spawn(m, name, &pid, why, sizeof(why));

	cr_assert_eq(err, 0, "spawn %s: %d %s", name, err, why);
	assert_check_ok();
	return pid;
}

Test(task, spawn_is_cyclic)
{
	char why[128];

	cr_assert_eq(spawn("a"), 2);
	cr_assert_eq(spawn("b"), 3);
	cr_assert_eq(mm_kill(m, 2, why, sizeof(why)), 0);
	assert_check_ok();
	cr_assert_null(mm_snap_task(m, 2, 1));
	cr_assert_eq(spawn("c"), 4, "pid 2 is not reused at once");

	int pids[8];

	cr_assert_eq(mm_pids(m, pids, 8), 3);
	cr_assert_eq(pids[0], 1);
	cr_assert_eq(pids[1], 3);
	cr_assert_eq(pids[2], 4);
	cr_assert_eq(mm_pids(m, pids, 1), 3, "returns the count even when it exceeds max");
	cr_assert_eq(pids[0], 1);
}

Test(task, spawn_layout_and_names)
{
	struct mm_task_snap *s;
	int pid = spawn("");

	s = mm_snap_task(m, pid, 1);
	cr_assert_not_null(s);
	cr_assert_str_eq(s->comm, "sh");
	cr_assert_eq(s->cmdline_len, 3);
	cr_assert_eq(memcmp(s->cmdline, "sh", 3), 0);
	cr_assert_eq(s->ppid, 1);
	assert_layout(s, "/usr/bin/sh");
	free(s);

	s = mm_snap_task(m, spawn("/opt/tools/a-very-long-program-name"), 1);
	cr_assert_not_null(s);
	cr_assert_str_eq(s->comm, "a-very-long-pro");
	cr_assert_eq(s->cmdline_len, strlen("/opt/tools/a-very-long-program-name") + 1);
	cr_assert_str_eq(s->vmas[0].name, "/opt/tools/a-very-long-program-name");
	free(s);
}

Test(task, start_ticks_follow_sim_clock)
{
	struct mm_task_snap *s;
	int pid;

	machine_lock(m);
	m->sim_ns = 2500000000ULL;	/* 2.5 s */
	machine_unlock(m);
	pid = spawn("x");
	s = mm_snap_task(m, pid, 0);
	cr_assert_not_null(s);
	/* spawn costs one tick of 1 ms before the task starts: 2.501 s = 250 ticks */
	cr_assert_eq(s->start_ticks, 250);
	free(s);
}

Test(task, bad_names)
{
	static const char *const bad[] = {
		"a b", "tab\tname", "ctl\x01", "\x7f", "rel/path", "/", "/usr//bin/x",
		"/usr/bin/", "/usr/./x", "/usr/../x", "caf\xc3\xa9",
	};
	char why[128], name[300];
	int pid = 0;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		cr_assert_eq(mm_spawn(m, bad[i], &pid, why, sizeof(why)), -EINVAL, "%s", bad[i]);
		cr_assert_neq(why[0], '\0', "a reason for %s", bad[i]);
	}
	memset(name, 'n', 256);
	name[256] = '\0';
	cr_assert_eq(mm_spawn(m, name, &pid, why, sizeof(why)), -EINVAL);
	cr_assert_str_eq(why, "name longer than 255 bytes");
	name[0] = '/';
	name[255] = '\0';
	cr_assert_eq(spawn(name), 2, "a path of 255 bytes is fine");
	memset(name, 'n', 247);
	name[247] = '\0';
	cr_assert_eq(mm_spawn(m, name, &pid, why, sizeof(why)), -EINVAL);
	cr_assert_str_eq(why, "name too long for /usr/bin/NAME");
	name[246] = '\0';

	struct mm_task_snap *s = mm_snap_task(m, spawn(name), 1);

	cr_assert_not_null(s);
	cr_assert_eq(strlen(s->vmas[0].name), 255);
	cr_assert_eq(strncmp(s->vmas[0].name, "/usr/bin/nnn", 12), 0);
	cr_assert_eq(s->cmdline_len, 247);
	free(s);

	int pids[4];

	cr_assert_eq(mm_pids(m, pids, 4), 3, "failed spawns leave no task");
	assert_check_ok();
}

Test(task, kill_errors)
{
	char why[128];

	cr_assert_eq(mm_kill(m, 1, why, sizeof(why)), -EPERM);
	cr_assert_str_eq(why, "init cannot be killed");
	cr_assert_eq(mm_kill(m, 99, why, sizeof(why)), -ESRCH);
	cr_assert_str_eq(why, "no such process");
	cr_assert_eq(mm_kill(m, 0, why, sizeof(why)), -ESRCH);
	cr_assert_eq(mm_kill(m, -5, why, sizeof(why)), -ESRCH);
	cr_assert_eq(mm_kill(m, PID_MAX_LIMIT + 10, why, sizeof(why)), -ESRCH);
	struct mm_task_snap *s = mm_snap_task(m, 1, 0);

	cr_assert_not_null(s, "init survives");
	free(s);
	assert_check_ok();
}

Test(task, kill_reparents_children)
{
	struct mm_task_snap *s;
	char why[128];
	int a = spawn("a"), b = spawn("b"), c = spawn("c");

	machine_lock(m);
	task_reparent(find_task_by_pid(m, b), find_task_by_pid(m, a));	/* as a fork from a would */
	task_reparent(find_task_by_pid(m, c), find_task_by_pid(m, b));
	machine_unlock(m);
	assert_check_ok();
	cr_assert_eq(mm_kill(m, a, why, sizeof(why)), 0);
	s = mm_snap_task(m, b, 0);
	cr_assert_not_null(s);
	cr_assert_eq(s->ppid, 1, "orphan goes to init");
	free(s);
	s = mm_snap_task(m, c, 0);
	cr_assert_not_null(s);
	cr_assert_eq(s->ppid, b, "grandchild keeps its parent");
	free(s);
	assert_check_ok();
	cr_assert_eq(mm_kill(m, b, why, sizeof(why)), 0);
	s = mm_snap_task(m, c, 0);
	cr_assert_eq(s->ppid, 1);
	free(s);
	assert_check_ok();

	int nbad = 0;
	char *r;

	machine_lock(m);
	find_task_by_pid(m, c)->ppid = 7;	/* lists and ppid disagree */
	machine_unlock(m);
	r = mm_check(m, &nbad);
	cr_assert_eq(nbad, 2, "%s", r);
	cr_assert_not_null(strstr(r, "parent 7 does not exist"), "%s", r);
	cr_assert_not_null(strstr(r, "has ppid 7"), "%s", r);
	free(r);
	machine_lock(m);
	find_task_by_pid(m, c)->ppid = 1;
	machine_unlock(m);
	assert_check_ok();
}

Test(task, pid_wraps_to_reserved)
{
	machine_lock(m);
	m->last_pid = PID_MAX_LIMIT - 2;
	machine_unlock(m);
	cr_assert_eq(spawn("a"), PID_MAX_LIMIT - 1);
	cr_assert_eq(spawn("b"), RESERVED_PIDS);
	cr_assert_eq(spawn("c"), RESERVED_PIDS + 1);
}

Test(task, syscall_esrch_for_dead_einval_for_global)
{
	struct mm_call c = { .verb = MMV_TOUCH, .len = 4096, .fd = -1, .mode = 'r' };
	char why[128];
	uint64_t ret = 77;

	cr_assert_eq(mm_syscall(m, 2, &c, &ret, why, sizeof(why)), -ESRCH);
	cr_assert_str_eq(why, "no such process");
	c.verb = MMV_SPAWN;
	cr_assert_eq(mm_syscall(m, 1, &c, &ret, why, sizeof(why)), -EINVAL);
	assert_check_ok();
}

static void assert_kmsg_format(const char *text)
{
	regex_t re;

	cr_assert_eq(regcomp(&re, "^(\\[ *[0-9]{1,}\\.[0-9]{6}\\] [^\n]*\n)*$", REG_EXTENDED), 0);
	cr_assert_eq(regexec(&re, text, 0, NULL, 0), 0, "kmsg:\n%s", text);
	regfree(&re);
}

Test(task, kmsg_grows_and_is_stamped)
{
	size_t len0, len1;
	char *t0 = mm_kmsg_text(m, &len0), *t1;

	cr_assert_not_null(t0);
	cr_assert_eq(strlen(t0), len0);
	assert_kmsg_format(t0);
	machine_lock(m);
	m->sim_ns = 1234567891ULL;
	machine_unlock(m);
	mm_kmsg(m, "hello %d", 42);
	mm_kmsg(m, "two\nlines\n");
	t1 = mm_kmsg_text(m, &len1);
	cr_assert_not_null(t1);
	cr_assert_eq(strlen(t1), len1);
	cr_assert_eq(len1, len0 + 3 * 15 + strlen("hello 42\ntwo\nlines\n"));
	cr_assert_eq(strncmp(t1, t0, len0), 0, "old lines stay first");
	cr_assert_str_eq(t1 + len0,
			 "[    1.234567] hello 42\n[    1.234567] two\n[    1.234567] lines\n");
	assert_kmsg_format(t1);
	free(t0);
	free(t1);
}

Test(task, kmsg_is_bounded)
{
	char *t;
	size_t len;

	for (int i = 0; i < 20000; i++)
		mm_kmsg(m, "line %06d %0100d", i, 0);
	t = mm_kmsg_text(m, &len);
	cr_assert_not_null(t);
	cr_assert_leq(len, 1u << 20);
	cr_assert_gt(len, (1u << 20) - 200);
	cr_assert_not_null(strstr(t, "line 019999 "), "newest line kept");
	cr_assert_null(strstr(t, "line 000000 "), "oldest line dropped");
	assert_kmsg_format(t);
	free(t);
}

/* Direct use of the VMA API: insertion rules, lookup, counters, names, THP. */
Test(task, vma_api)
{
	struct vm_area_struct *a, *b;
	struct mm_struct *mm;
	struct mm_task_snap *s;
	uint64_t total;

	machine_lock(m);
	mm = find_task_by_pid(m, 1)->mm;
	total = mm->total_vm;
	a = vm_area_alloc();
	a->vm_start = 0x7ffff8000000;	/* 2 MiB aligned, 4 MiB long */
	a->vm_end = 0x7ffff8400000;
	a->vm_flags = MM_VM_READ | MM_VM_WRITE | MM_VM_MAYREAD | MM_VM_MAYWRITE | MM_VM_MAYEXEC;
	cr_assert_eq(vma_insert(mm, a), 0);
	b = vm_area_alloc();
	*b = *a;
	b->vm_start = 0x7ffff83ff000;
	cr_assert_eq(vma_insert(mm, b), -EEXIST);
	b->vm_start = 0x7ffff8400800;
	cr_assert_eq(vma_insert(mm, b), -EINVAL);
	b->vm_start = 0x7ffffffff000;
	b->vm_end = 0x800000000000;
	cr_assert_eq(vma_insert(mm, b), -EINVAL);
	vm_area_free(b);
	cr_assert_eq(vma_find(mm, 0x7ffff8000000 - 1), a);
	cr_assert_eq(vma_lookup(mm, 0x7ffff83fffff), a);
	cr_assert_null(vma_lookup(mm, 0x7ffff8400000));
	cr_assert_null(vma_find(mm, 0x7ffffffff000));
	cr_assert_null(vma_lookup(mm, 0x1000));
	cr_assert_eq(mm->total_vm, total + 1024);
	m->tun.thp_enabled = THP_ALWAYS;
	machine_unlock(m);
	assert_check_ok();

	s = mm_snap_task(m, 1, 1);
	cr_assert_eq(s->nr_vmas, NR_INIT_VMAS + 1);
	cr_assert_eq(s->vmas[NR_INIT_VMAS - 1].start, 0x7ffff8000000);
	cr_assert_str_eq(s->vmas[NR_INIT_VMAS - 1].name, "");
	cr_assert_eq(s->vmas[NR_INIT_VMAS - 1].thp_eligible, 1, "always: anon with an aligned 2M");
	cr_assert_eq(s->vmas[4].thp_eligible, 0, "file VMAs never");
	cr_assert_eq(s->data_vm, 23 + 1024);
	free(s);

	machine_lock(m);
	m->tun.thp_enabled = THP_MADVISE;
	machine_unlock(m);
	s = mm_snap_task(m, 1, 1);
	cr_assert_eq(s->vmas[NR_INIT_VMAS - 1].thp_eligible, 0, "madvise without VM_HUGEPAGE");
	free(s);

	machine_lock(m);
	vma_set_flags(mm, a, a->vm_flags | MM_VM_HUGEPAGE | MM_VM_LOCKED);
	cr_assert_eq(mm->locked_vm, 1024);
	machine_unlock(m);
	assert_check_ok();
	s = mm_snap_task(m, 1, 1);
	cr_assert_eq(s->vmas[NR_INIT_VMAS - 1].thp_eligible, 1, "madvise with VM_HUGEPAGE");
	cr_assert_eq(s->locked_vm, 1024);
	free(s);

	machine_lock(m);
	m->tun.thp_enabled = THP_ALWAYS;
	vma_remove(mm, a);
	a->vm_start += 0x1000;		/* 2 MiB long but no aligned 2 MiB inside */
	a->vm_end = a->vm_start + (2ULL << 20);
	cr_assert_eq(vma_insert(mm, a), 0);
	machine_unlock(m);
	s = mm_snap_task(m, 1, 1);
	cr_assert_eq(s->vmas[NR_INIT_VMAS - 1].thp_eligible, 0, "2 MiB but unaligned");
	cr_assert_eq(s->hiwater_vm, total + 1024, "peak kept after shrinking");
	free(s);

	/* a VMA over start_brk..brk is the [heap] */
	machine_lock(m);
	vma_remove(mm, a);
	a->vm_start = mm->start_brk;
	a->vm_end = mm->start_brk + 0x21000;
	mm->brk = a->vm_end;
	cr_assert_eq(vma_insert(mm, a), 0);
	machine_unlock(m);
	assert_check_ok();
	s = mm_snap_task(m, 1, 1);
	cr_assert_str_eq(s->vmas[5].name, "[heap]");
	cr_assert_eq(s->vmas[5].start, 0x555555559000);
	free(s);
}

Test(task, check_reports_broken_counters)
{
	int nbad = 0;
	char *r;

	machine_lock(m);
	find_task_by_pid(m, 1)->mm->data_vm++;
	machine_unlock(m);
	r = mm_check(m, &nbad);
	cr_assert_eq(nbad, 1, "%s", r);
	cr_assert_not_null(strstr(r, "pid 1: data_vm 24, VMAs say 23"), "%s", r);
	free(r);
	machine_lock(m);
	find_task_by_pid(m, 1)->mm->data_vm--;
	machine_unlock(m);
	assert_check_ok();
}

Test(task, spawn_kill_10000_no_leak, .timeout = 120)
{
	char why[128];
	int pids[4], pid = 0;
	uint64_t committed0, forks0;

	machine_lock(m);
	committed0 = m->vm_committed_as;
	forks0 = m->forks;
	machine_unlock(m);
	for (int i = 0; i < 10000; i++) {
		cr_assert_eq(mm_spawn(m, "worker", &pid, why, sizeof(why)), 0);
		cr_assert_eq(pid, 2 + i);
		cr_assert_eq(mm_kill(m, pid, why, sizeof(why)), 0);
		if (i % 1000 == 0)
			assert_check_ok();
	}
	cr_assert_eq(mm_pids(m, pids, 4), 1);
	cr_assert_eq(pids[0], 1);
	machine_lock(m);
	cr_assert_eq(m->vm_committed_as, committed0, "every exec charge was returned");
	cr_assert_eq(m->forks, forks0 + 10000);
	cr_assert_eq(m->nr_tasks, 1);
	machine_unlock(m);
	assert_check_ok();
}

/*
 * Unmounting with processes that still hold mlocked pages: task_exit_all
 * frees the tasks in pid order, and the exit of a later one munlocks its
 * pages only when no other locked VMA maps them (page_locked_mappings,
 * which walks the pid table). The tasks already freed must be out of the
 * table by then: ASan saw the walk read init's freed task. Both ways of
 * sharing a locked page: libc's page cache (mlockall of a process whose
 * libc init maps too) and anonymous pages a fork shares.
 */
Test(task, shutdown_with_mlocked_pages)
{
	struct mm_call lockall = { .verb = MMV_MLOCKALL, .flags = 1 /* MCL_CURRENT */, .fd = -1 };
	struct mm_call map = { .verb = MMV_MMAP, .len = 64 << 10, .fd = -1,
			       .prot = MM_PROT_READ | MM_PROT_WRITE,
			       .flags = MM_MAP_PRIVATE | MM_MAP_ANONYMOUS | MM_MAP_LOCKED |
					MM_MAP_POPULATE };
	struct mm_call fork = { .verb = MMV_FORK, .fd = -1 };
	char why[128];
	uint64_t ret;
	int pid;

	cr_assert_eq(mm_spawn(m, "locker", &pid, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(mm_syscall(m, pid, &lockall, &ret, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(mm_syscall(m, pid, &map, &ret, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(mm_syscall(m, pid, &fork, &ret, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(mm_spawn(m, "other", &pid, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(mm_syscall(m, pid, &map, &ret, why, sizeof(why)), 0, "%s", why);
	assert_check_ok();
	mm_shutdown(m);	/* no process killed first, as at unmount */
	m = NULL;
}
