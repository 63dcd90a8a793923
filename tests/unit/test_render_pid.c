// SPDX-License-Identifier: MIT
/*
 * test_render_pid.c - a process's renderers (maps, smaps, smaps_rollup,
 * status, statm, stat, comm, cmdline, limits, io, wchan, cgroup, fdinfo)
 * against exact Linux 6.18 text, from snapshots built by hand.
 */
#include "rendertest.h"

/* ---- maps ---- */

#define VM_RDX	(MM_VM_READ | MM_VM_MAYREAD | MM_VM_MAYWRITE | MM_VM_MAYEXEC)
#define VM_RW	(VM_RDX | MM_VM_WRITE | MM_VM_ACCOUNT)

static void vma_file(struct mm_vma_snap *v, uint32_t major, uint32_t minor, uint64_t ino,
		     uint64_t pgoff)
{
	v->is_file = 1;
	v->dev_major = major;
	v->dev_minor = minor;
	v->ino = ino;
	v->pgoff = pgoff;
}

Test(maps, names_start_at_column_73_and_gate_vma_is_last)
{
	struct mm_task_snap *t = task_new(7);
	struct mm_vma_snap *v = t->vmas;

	vma_set(&v[0], 0x5606036fd000, 0x5606036fe000, VM_RDX, "/srv/probe/layout");
	vma_file(&v[0], 0xfe, 0, 10953129, 0);
	vma_set(&v[1], 0x5606036fe000, 0x5606036ff000, VM_RDX | MM_VM_EXEC, "/srv/probe/layout");
	vma_file(&v[1], 0xfe, 0, 10953129, 1);
	vma_set(&v[2], 0x56060bfa4000, 0x56060bfc5000, VM_RW, "[heap]");
	v[2].pgoff = 0x56060bfa4;		/* anon: never shown */
	vma_set(&v[3], 0x7fe4ed400000, 0x7fe4ed600000, VM_RW, "");
	vma_set(&v[4], 0x7fe4ed9dd000, 0x7fe4ed9e1000,
		VM_RW | MM_VM_SHARED | MM_VM_MAYSHARE, "/memfd:mymemfd (deleted)");
	vma_file(&v[4], 0, 1, 1047, 0);
	/* a 72-char prefix: padding stops, the separating space stays */
	vma_set(&v[5], 0x7fe4ed9e1000, 0x7fe4ed9e3000, MM_VM_MAYSHARE, "/x");
	vma_file(&v[5], 0x103, 0x103, 18446744073709551615ULL, 0xfffffffff);
	vma_set(&v[6], 0x400000, 0x401000, MM_VM_READ, "/a\nb");
	vma_file(&v[6], 8, 1, 12, 0);
	expect_text(RENDER(render_maps(&_b, t)),
		"5606036fd000-5606036fe000 r--p 00000000 fe:00 10953129                   /srv/probe/layout\n"
		"5606036fe000-5606036ff000 r-xp 00001000 fe:00 10953129                   /srv/probe/layout\n"
		"56060bfa4000-56060bfc5000 rw-p 00000000 00:00 0                          [heap]\n"
		"7fe4ed400000-7fe4ed600000 rw-p 00000000 00:00 0 \n"
		"7fe4ed9dd000-7fe4ed9e1000 rw-s 00000000 00:01 1047                       /memfd:mymemfd (deleted)\n"
		"7fe4ed9e1000-7fe4ed9e3000 ---s fffffffff000 103:103 18446744073709551615  /x\n"
		"00400000-00401000 r--p 00000000 08:01 12                                 /a\\012b\n"
		"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]\n");
	free(t);
}

Test(maps, empty_without_mm)
{
	struct mm_task_snap *t = task_new(0);

	t->has_mm = 0;
	t->state = 'Z';
	expect_text(RENDER(render_maps(&_b, t)), "");
	expect_text(RENDER(render_smaps(&_b, t)), "");
	free(t);
}

/* ---- smaps ---- */

static const char smaps_thp_and_gate[] =
	"7fe4ed400000-7fe4ed600000 rw-p 00000000 00:00 0 \n"
	"Size:               2048 kB\n"
	"KernelPageSize:        4 kB\n"
	"MMUPageSize:           4 kB\n"
	"Rss:                2048 kB\n"
	"Pss:                2048 kB\n"
	"Pss_Dirty:          2048 kB\n"
	"Shared_Clean:          0 kB\n"
	"Shared_Dirty:          0 kB\n"
	"Private_Clean:         0 kB\n"
	"Private_Dirty:      2048 kB\n"
	"Referenced:         2048 kB\n"
	"Anonymous:          2048 kB\n"
	"KSM:                   0 kB\n"
	"LazyFree:              0 kB\n"
	"AnonHugePages:      2048 kB\n"
	"ShmemPmdMapped:        0 kB\n"
	"FilePmdMapped:         0 kB\n"
	"Shared_Hugetlb:        0 kB\n"
	"Private_Hugetlb:       0 kB\n"
	"Swap:                  0 kB\n"
	"SwapPss:               0 kB\n"
	"Locked:                0 kB\n"
	"THPeligible:           1\n"
	"VmFlags: rd wr mr mw me ac hg \n"
	"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]\n"
	"Size:                  4 kB\n"
	"KernelPageSize:        4 kB\n"
	"MMUPageSize:           4 kB\n"
	"Rss:                   0 kB\n"
	"Pss:                   0 kB\n"
	"Pss_Dirty:             0 kB\n"
	"Shared_Clean:          0 kB\n"
	"Shared_Dirty:          0 kB\n"
	"Private_Clean:         0 kB\n"
	"Private_Dirty:         0 kB\n"
	"Referenced:            0 kB\n"
	"Anonymous:             0 kB\n"
	"KSM:                   0 kB\n"
	"LazyFree:              0 kB\n"
	"AnonHugePages:         0 kB\n"
	"ShmemPmdMapped:        0 kB\n"
	"FilePmdMapped:         0 kB\n"
	"Shared_Hugetlb:        0 kB\n"
	"Private_Hugetlb:       0 kB\n"
	"Swap:                  0 kB\n"
	"SwapPss:               0 kB\n"
	"Locked:                0 kB\n"
	"THPeligible:           0\n"
	"VmFlags: ex \n";

Test(smaps, thp_block_and_gate_block_byte_exact)
{
	struct mm_task_snap *t = task_new(1);
	struct mm_vma_snap *v = &t->vmas[0];
	const uint64_t mb2 = 2048 << 10;

	vma_set(v, 0x7fe4ed400000, 0x7fe4ed600000, VM_RW | MM_VM_HUGEPAGE, "");
	v->thp_eligible = 1;
	v->u.rss = v->u.private_dirty = v->u.referenced = v->u.anonymous = mb2;
	v->u.anon_thp = mb2;
	v->u.pss = v->u.pss_dirty = v->u.pss_anon = mb2 << MM_PSS_SHIFT;
	expect_text(RENDER(render_smaps(&_b, t)), smaps_thp_and_gate);
	free(t);
}

Test(smaps, vmflags_bit_order_and_unknown_bits)
{
	struct mm_task_snap *t = task_new(1);
	char *got;

	vma_set(&t->vmas[0], 0x1000, 0x2000,
		MM_VM_MERGEABLE | MM_VM_READ | (1ULL << 11) | (1ULL << 33) | MM_VM_LOCKED |
		MM_VM_GROWSDOWN | (1ULL << 37), "");
	got = RENDER(render_smaps(&_b, t));
	cr_assert(strstr(got, "\nVmFlags: rd gd ?? lo mg ss \n"), "%s", got);
	free(got);
	free(t);
}

Test(smaps, pss_truncates_per_vma)
{
	struct mm_task_snap *t = task_new(1);
	char *got;

	vma_set(&t->vmas[0], 0x1000, 0x3000, VM_RW, "");
	t->vmas[0].u.rss = 8192;
	t->vmas[0].u.pss = (uint64_t)1535 << MM_PSS_SHIFT;	/* 1.499 kB */
	t->vmas[0].u.locked_pss = ((uint64_t)2048 << MM_PSS_SHIFT) - 1;
	got = RENDER(render_smaps(&_b, t));
	cr_assert(strstr(got, "\nRss:                   8 kB\nPss:                   1 kB\n"),
		  "%s", got);
	cr_assert(strstr(got, "\nLocked:                1 kB\n"));
	free(got);
	free(t);
}

/* ---- smaps_rollup ---- */

static const char rollup_sample[] =
	"5606036fd000-7ffc41f5e000 ---p 00000000 00:00 0                          [rollup]\n"
	"Rss:                3720 kB\n"
	"Pss:                2596 kB\n"
	"Pss_Dirty:          2336 kB\n"
	"Pss_Anon:           2308 kB\n"
	"Pss_File:            276 kB\n"
	"Pss_Shmem:            12 kB\n"
	"Shared_Clean:       1352 kB\n"
	"Shared_Dirty:          0 kB\n"
	"Private_Clean:        32 kB\n"
	"Private_Dirty:      2336 kB\n"
	"Referenced:         3720 kB\n"
	"Anonymous:          2308 kB\n"
	"KSM:                   0 kB\n"
	"LazyFree:              0 kB\n"
	"AnonHugePages:      2048 kB\n"
	"ShmemPmdMapped:        0 kB\n"
	"FilePmdMapped:         0 kB\n"
	"Shared_Hugetlb:        0 kB\n"
	"Private_Hugetlb:       0 kB\n"
	"Swap:                  0 kB\n"
	"SwapPss:               0 kB\n"
	"Locked:               16 kB\n";

Test(smaps_rollup, sample_totals_from_two_vmas)
{
	struct mm_task_snap *t = task_new(2);
	struct mm_vma_usage *a = &t->vmas[0].u, *c = &t->vmas[1].u;
	int rc;

	vma_set(&t->vmas[0], 0x5606036fd000, 0x5606036fe000, VM_RDX, "/srv/probe/layout");
	vma_set(&t->vmas[1], 0x7ffc41f3d000, 0x7ffc41f5e000, VM_RW, "[stack]");
	/* split the host's totals unevenly between the two VMAs */
	a->rss = 1000 << 10;		c->rss = 2720 << 10;
	a->pss = (uint64_t)(596 << 10) << MM_PSS_SHIFT;
	c->pss = (uint64_t)(2000 << 10) << MM_PSS_SHIFT;
	c->pss_dirty = (uint64_t)(2336 << 10) << MM_PSS_SHIFT;
	c->pss_anon = (uint64_t)(2308 << 10) << MM_PSS_SHIFT;
	a->pss_file = (uint64_t)(276 << 10) << MM_PSS_SHIFT;
	c->pss_shmem = (uint64_t)(12 << 10) << MM_PSS_SHIFT;
	a->shared_clean = 1352 << 10;
	a->private_clean = 32 << 10;
	c->private_dirty = 2336 << 10;
	a->referenced = 1000 << 10;	c->referenced = 2720 << 10;
	c->anonymous = 2308 << 10;
	c->anon_thp = 2048 << 10;
	c->locked_pss = (uint64_t)(16 << 10) << MM_PSS_SHIFT;
	expect_text(RENDER(rc = render_smaps_rollup(&_b, t)), rollup_sample);
	cr_assert_eq(rc, 0);
	free(t);
}

Test(smaps_rollup, sums_before_truncating_once)
{
	struct mm_task_snap *t = task_new(3);
	const uint64_t pss = (uint64_t)1536 << MM_PSS_SHIFT;	/* 1.5 kB each */
	char *got;

	for (int i = 0; i < 3; i++) {
		vma_set(&t->vmas[i], 0x10000 + i * 0x2000, 0x11000 + i * 0x2000, VM_RW, "");
		t->vmas[i].u.pss = pss;
		t->vmas[i].u.swap_pss = pss;
	}
	got = RENDER(render_smaps(&_b, t));
	cr_assert(strstr(got, "\nPss:                   1 kB\n"));
	free(got);
	got = RENDER(render_smaps_rollup(&_b, t));
	cr_assert(!strncmp(got, "00010000-00015000 ---p 00000000 00:00 0 ", 40), "%s", got);
	cr_assert(strstr(got, "\nPss:                   4 kB\n"), "%s", got);
	cr_assert(strstr(got, "\nSwapPss:               4 kB\n"), "%s", got);
	free(got);
	free(t);
}

Test(smaps_rollup, esrch_without_mm_and_zero_range_without_vmas)
{
	struct mm_task_snap *t = task_new(0);
	int rc = 0;
	char *got;

	t->has_mm = 0;
	expect_text(RENDER(rc = render_smaps_rollup(&_b, t)), "");
	cr_assert_eq(rc, -ESRCH);
	t->has_mm = 1;
	got = RENDER(rc = render_smaps_rollup(&_b, t));
	cr_assert_eq(rc, 0);
	cr_assert(!strncmp(got, "00000000-00000000 ---p 00000000 00:00 0"
			   "                                  [rollup]\nRss:", 86), "%s", got);
	free(got);
	free(t);
}

/* ---- status, statm, stat ---- */

/* The layout process of the reference host, counters in pages. */
static struct mm_task_snap *layout_task(void)
{
	struct mm_task_snap *t = task_new(0);

	t->total_vm = 1684;
	t->hiwater_vm = 1600;
	t->locked_vm = 4;
	t->rss_anon = 577;
	t->rss_file = 350;
	t->rss_shmem = 3;
	t->hiwater_rss = 900;
	t->data_vm = 1106;
	t->stack_vm = 33;
	t->exec_vm = 383;
	t->pgtables_bytes = 48 << 10;
	t->thp_enabled = 1;
	t->start_code = 94583827456000ULL;
	t->end_code = 94583827457993ULL;
	t->start_stack = 140721415108992ULL;
	t->start_data = 94583827467728ULL;
	t->end_data = 94583827468456ULL;
	t->start_brk = 94583970742272ULL;
	t->arg_start = 140721415117449ULL;
	t->arg_end = t->env_start = 140721415117458ULL;
	t->env_end = 140721415118831ULL;
	t->min_flt = 146;
	t->maj_flt = 1;
	t->start_ticks = 22966;
	t->nr_cpus = 2;
	t->nr_nodes = 1;
	t->rlim[MM_RLIMIT_SIGPENDING].cur = 96365;	/* the host's */
	return t;
}

/*
 * The host's status, but with our constants: FDSize 64, NSpgid/NSsid equal
 * to the pid (every task leads its own group and session), root's full
 * capability set, no context switches.
 */
static const char status_expected[] =
	"Name:\tlayout\n"
	"Umask:\t0022\n"
	"State:\tR (running)\n"
	"Tgid:\t4617\n"
	"Ngid:\t0\n"
	"Pid:\t4617\n"
	"PPid:\t4607\n"
	"TracerPid:\t0\n"
	"Uid:\t0\t0\t0\t0\n"
	"Gid:\t0\t0\t0\t0\n"
	"FDSize:\t64\n"
	"Groups:\t \n"
	"NStgid:\t4617\n"
	"NSpid:\t4617\n"
	"NSpgid:\t4617\n"
	"NSsid:\t4617\n"
	"Kthread:\t0\n"
	"VmPeak:\t    6736 kB\n"
	"VmSize:\t    6736 kB\n"
	"VmLck:\t      16 kB\n"
	"VmPin:\t       0 kB\n"
	"VmHWM:\t    3720 kB\n"
	"VmRSS:\t    3720 kB\n"
	"RssAnon:\t    2308 kB\n"
	"RssFile:\t    1400 kB\n"
	"RssShmem:\t      12 kB\n"
	"VmData:\t    4424 kB\n"
	"VmStk:\t     132 kB\n"
	"VmExe:\t       4 kB\n"
	"VmLib:\t    1528 kB\n"
	"VmPTE:\t      48 kB\n"
	"VmSwap:\t       0 kB\n"
	"HugetlbPages:\t       0 kB\n"
	"CoreDumping:\t0\n"
	"THP_enabled:\t1\n"
	"untag_mask:\t0xffffffffffffffff\n"
	"Threads:\t1\n"
	"SigQ:\t0/96365\n"
	"SigPnd:\t0000000000000000\n"
	"ShdPnd:\t0000000000000000\n"
	"SigBlk:\t0000000000000000\n"
	"SigIgn:\t0000000000000000\n"
	"SigCgt:\t0000000000000000\n"
	"CapInh:\t0000000000000000\n"
	"CapPrm:\t000001ffffffffff\n"
	"CapEff:\t000001ffffffffff\n"
	"CapBnd:\t000001ffffffffff\n"
	"CapAmb:\t0000000000000000\n"
	"NoNewPrivs:\t0\n"
	"Seccomp:\t0\n"
	"Seccomp_filters:\t0\n"
	"Speculation_Store_Bypass:\tvulnerable\n"
	"SpeculationIndirectBranch:\talways enabled\n"
	"Cpus_allowed:\t3\n"
	"Cpus_allowed_list:\t0-1\n"
	"Mems_allowed:\t00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000001\n"
	"Mems_allowed_list:\t0\n"
	"voluntary_ctxt_switches:\t0\n"
	"nonvoluntary_ctxt_switches:\t0\n";

Test(status, layout_process_byte_exact)
{
	struct mm_task_snap *t = layout_task();

	expect_text(RENDER(render_status(&_b, t)), status_expected);
	free(t);
}

Test(status, vmexe_is_capped_at_exec_vm)
{
	struct mm_task_snap *t = layout_task();
	char *got;

	t->start_code = 0x400000;
	t->end_code = 0x400000 + 5 * 4096 + 1;		/* 6 pages of text */
	t->exec_vm = 3;
	got = RENDER(render_status(&_b, t));
	cr_assert(strstr(got, "\nVmExe:\t      12 kB\nVmLib:\t       0 kB\n"), "%s", got);
	free(got);
	free(t);
}

Test(status, zombie_has_no_memory_lines)
{
	static const char zombie_head[] = "Name:\tlayout\nState:\tZ (zombie)\nTgid:\t4617\n";
	struct mm_task_snap *t = task_new(0);
	char *got;

	t->has_mm = 0;
	t->state = 'Z';
	got = RENDER(render_status(&_b, t));
	cr_assert(!strncmp(got, zombie_head, strlen(zombie_head)), "%s", got);
	cr_assert(strstr(got, "\nKthread:\t0\nThreads:\t1\n"), "%s", got);
	cr_assert_null(strstr(got, "Vm"));
	cr_assert_null(strstr(got, "THP_enabled"));
	free(got);
	free(t);
}

Test(statm, layout_process_and_no_mm)
{
	struct mm_task_snap *t = layout_task();

	expect_text(RENDER(render_statm(&_b, t)), "1684 930 353 1 0 1139 0\n");
	t->has_mm = 0;
	expect_text(RENDER(render_statm(&_b, t)), "0 0 0 0 0 0 0\n");
	free(t);
}

static int count_fields_after_comm(const char *line)
{
	const char *p = strrchr(line, ')');
	int n = 2;		/* pid and comm */

	for (p++; *p && *p != '\n'; p++)
		if (*p == ' ' && p[1] != ' ')
			n++;
	return n;
}

Test(stat_pid, layout_process_52_fields)
{
	struct mm_task_snap *t = layout_task();
	char *got = RENDER(render_stat_pid(&_b, t));

	cr_assert_str_eq(got,
		"4617 (layout) R 4607 4617 4617 0 -1 4194560 146 0 1 0 0 0 0 0 20 0 1 0 22966 "
		"6897664 930 18446744073709551615 94583827456000 94583827457993 "
		"140721415108992 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 94583827467728 "
		"94583827468456 94583970742272 140721415117449 140721415117458 "
		"140721415117458 140721415118831 0\n");
	cr_assert_eq(count_fields_after_comm(got), 52);
	free(got);
	/* wchan (field 35) is 1 for a task that is not running */
	t->state = 'S';
	got = RENDER(render_stat_pid(&_b, t));
	cr_assert(strstr(got, " 140721415108992 0 0 0 0 0 0 1 0 0 17 "), "%s", got);
	free(got);
	free(t);
}

Test(stat_pid, comm_with_spaces_and_paren_and_no_mm)
{
	struct mm_task_snap *t = layout_task();
	char *got;

	strcpy(t->comm, "a b) c");
	t->has_mm = 0;
	t->state = 'Z';
	got = RENDER(render_stat_pid(&_b, t));
	cr_assert(!strncmp(got, "4617 (a b) c) Z 4607 ", 21), "%s", got);
	cr_assert_eq(count_fields_after_comm(got), 52);
	cr_assert(strstr(got, " 22966 0 0 18446744073709551615 0 0 0 "), "%s", got);
	cr_assert(!strcmp(got + strlen(got) - 17, " 0 0 0 0 0 0 0 0\n"), "%s", got);
	free(got);
	free(t);
}

/* fn's output for t is exactly the n bytes of want, NULs included. */
static void expect_bytes(void (*fn)(struct rbuf *, const struct mm_task_snap *),
			 const struct mm_task_snap *t, const char *want, size_t n)
{
	struct rbuf b;

	rbuf_init(&b);
	fn(&b, t);
	cr_assert_eq(b.len, n);
	cr_assert(!n || !memcmp(b.buf, want, n));
	rbuf_free(&b);
}

/* comm ends with a newline; cmdline and environ are raw bytes, none once the mm is gone */
Test(comm_cmdline, comm_newline_cmdline_environ_raw)
{
	struct mm_task_snap *t = task_new(0);

	expect_text(RENDER(render_comm(&_b, t)), "layout\n");
	memcpy(t->cmdline, "ls\0-l\0", 6);
	t->cmdline_len = 6;
	memcpy(t->environ, "HOME=/\0TERM=linux\0", 18);
	t->environ_len = 18;
	expect_bytes(render_cmdline, t, "ls\0-l\0", 6);
	expect_bytes(render_environ, t, "HOME=/\0TERM=linux\0", 18);
	t->has_mm = 0;
	expect_bytes(render_cmdline, t, "", 0);
	expect_bytes(render_environ, t, "", 0);
	free(t);
}

Test(status, cpus_and_nodes_of_the_machine)
{
	struct mm_task_snap *t = layout_task();
	char *got;

	t->nr_cpus = 4;
	t->nr_nodes = 2;
	t->rlim[MM_RLIMIT_SIGPENDING].cur = 3932;
	got = RENDER(render_status(&_b, t));
	cr_assert(strstr(got, "\nSigQ:\t0/3932\n"), "%s", got);
	cr_assert(strstr(got, "\nCpus_allowed:\tf\nCpus_allowed_list:\t0-3\n"), "%s", got);
	cr_assert(strstr(got, ",00000000,00000003\nMems_allowed_list:\t0-1\n"), "%s", got);
	free(got);
	/* %*pb of 40 CPUs: a first chunk of 8 bits, 2 digits, then 32 bits */
	t->nr_cpus = 40;
	got = RENDER(render_status(&_b, t));
	cr_assert(strstr(got, "\nCpus_allowed:\tff,ffffffff\nCpus_allowed_list:\t0-39\n"), "%s", got);
	free(got);
	t->nr_cpus = 1;
	t->nr_nodes = 1;
	got = RENDER(render_status(&_b, t));
	cr_assert(strstr(got, "\nCpus_allowed:\t1\nCpus_allowed_list:\t0\n"), "%s", got);
	free(got);
	free(t);
}

/* ---- limits, io, wchan, cgroup, fdinfo, osrelease ---- */

/* init's limits on a 1 GiB machine (251649 pages: max_threads 7864), padded as Linux pads them */
static const char limits_expected[] =
	"Limit                     Soft Limit           Hard Limit           Units     \n"
	"Max cpu time              unlimited            unlimited            seconds   \n"
	"Max file size             unlimited            unlimited            bytes     \n"
	"Max data size             unlimited            unlimited            bytes     \n"
	"Max stack size            8388608              unlimited            bytes     \n"
	"Max core file size        0                    unlimited            bytes     \n"
	"Max resident set          unlimited            unlimited            bytes     \n"
	"Max processes             3932                 3932                 processes \n"
	"Max open files            1024                 4096                 files     \n"
	"Max locked memory         8388608              8388608              bytes     \n"
	"Max address space         unlimited            unlimited            bytes     \n"
	"Max file locks            unlimited            unlimited            locks     \n"
	"Max pending signals       3932                 3932                 signals   \n"
	"Max msgqueue size         819200               819200               bytes     \n"
	"Max nice priority         0                    0                    \n"
	"Max realtime priority     0                    0                    \n"
	"Max realtime timeout      unlimited            unlimited            us        \n";

Test(limits, linux_layout)
{
	struct mm_task_snap *t = task_new(0);

	for (int i = 0; i < MM_RLIM_NLIMITS; i++)
		t->rlim[i] = (struct mm_rlimit){ MM_RLIM_INFINITY, MM_RLIM_INFINITY };
	t->rlim[MM_RLIMIT_STACK].cur = 8388608;
	t->rlim[MM_RLIMIT_CORE].cur = 0;
	t->rlim[MM_RLIMIT_NPROC] = (struct mm_rlimit){ 3932, 3932 };
	t->rlim[MM_RLIMIT_NOFILE] = (struct mm_rlimit){ 1024, 4096 };
	t->rlim[MM_RLIMIT_MEMLOCK] = (struct mm_rlimit){ 8388608, 8388608 };
	t->rlim[MM_RLIMIT_SIGPENDING] = (struct mm_rlimit){ 3932, 3932 };
	t->rlim[MM_RLIMIT_MSGQUEUE] = (struct mm_rlimit){ 819200, 819200 };
	t->rlim[MM_RLIMIT_NICE] = (struct mm_rlimit){ 0, 0 };
	t->rlim[MM_RLIMIT_RTPRIO] = (struct mm_rlimit){ 0, 0 };
	expect_text(RENDER(render_limits(&_b, t)), limits_expected);
	free(t);
}

Test(io, seven_lines)
{
	struct mm_task_snap *t = task_new(0);

	t->io.read_bytes = 131072;
	t->io.write_bytes = 8192;
	t->io.cancelled_write_bytes = 4096;
	expect_text(RENDER(render_io(&_b, t)),
		    "rchar: 0\nwchar: 0\nsyscr: 0\nsyscw: 0\nread_bytes: 131072\n"
		    "write_bytes: 8192\ncancelled_write_bytes: 4096\n");
	free(t);
}

Test(wchan, symbol_without_newline_or_zero)
{
	struct mm_task_snap *t = task_new(0);

	t->state = 'S';
	expect_text(RENDER(render_wchan(&_b, t)), "__do_sys_pause");
	t->state = 'R';
	expect_text(RENDER(render_wchan(&_b, t)), "0");
	free(t);
}

Test(cgroup, the_root_cgroup)
{
	struct mm_task_snap *t = task_new(0);

	expect_text(RENDER(render_cgroup(&_b, t)), "0::/\n");
	free(t);
}

Test(fdinfo, flags_as_f_flags)
{
	struct mm_fd_snap f = { .fd = 3, .flags = 02 | 0100, .ino = 131077 };

	/* O_CREAT is gone, O_LARGEFILE is there: as the host shows an O_RDWR|O_CREAT open */
	expect_text(RENDER(render_fdinfo(&_b, &f, 1)),
		    "pos:\t0\nflags:\t0100002\nmnt_id:\t1\nino:\t131077\n");
	f.flags = 01 | 01000;	/* O_WRONLY|O_TRUNC */
	expect_text(RENDER(render_fdinfo(&_b, &f, 27)),
		    "pos:\t0\nflags:\t0100001\nmnt_id:\t27\nino:\t131077\n");
	f.flags = 0;
	expect_text(RENDER(render_fdinfo(&_b, &f, 1)),
		    "pos:\t0\nflags:\t0100000\nmnt_id:\t1\nino:\t131077\n");
}

Test(osrelease, the_release_and_the_tty_drivers)
{
	struct mm_global_snap *g = global_new(1, 2);
	char *got;
	int n = 0;

	expect_text(RENDER(render_osrelease(&_b, g)), "6.18.0-mmfs\n");
	got = RENDER(render_tty_drivers(&_b, g));
	/* the reference host's lines, in tty_drivers' columns: name, /dev/node, major, minors, type */
	cr_assert(!strncmp(got, "/dev/tty             /dev/tty        5       0 system:/dev/tty\n", 63),
		  "%s", got);
	cr_assert(strstr(got, "\nserial               /dev/ttyS       4      64 serial\n"), "%s", got);
	cr_assert(strstr(got, "\npty_master           /dev/ptm      128 0-1048575 pty:master\n"
			      "unknown              /dev/tty        4 1-63 console\n"), "%s", got);
	for (const char *l = got; *l; l = strchr(l, '\n') + 1)
		n++;
	cr_assert_eq(n, 8, "%s", got);
	free(got);
	free(g);
}
