// SPDX-License-Identifier: MIT
/*
 * render_task.c - the per-process files: maps, smaps, smaps_rollup, status,
 * statm, stat, comm, cmdline and environ (fs/proc/task_mmu.c, array.c, base.c).
 *
 * A task without an mm (zombie, kernel thread) renders as Linux shows it:
 * empty maps/smaps, ESRCH for smaps_rollup, no Vm* lines in status, zeros
 * in statm and in the address fields of stat.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "render.h"

#define PAGE_SHIFT	12
#define PAGE_SIZE	((uint64_t)1 << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))
#define PAGE_ALIGN(x)	(((x) + PAGE_SIZE - 1) & PAGE_MASK)

/* Column of the name in maps: 25 + 6 * sizeof(void *) - 1 on 64-bit. */
#define MAPS_NAME_COL	72

/* ---- maps ---- */

/*
 * "start-end perms offset major:minor inode " starting at the current end of
 * b. Returns where the record began, for the name padding.
 */
/* Lowercase hex of v, zero-padded to at least minw digits; returns the length. */
static size_t fmt_hex(char *out, uint64_t v, int minw)
{
	char tmp[16];
	int n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	while (n < minw)
		tmp[n++] = '0';
	for (int i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return (size_t)n;
}

static size_t fmt_dec(char *out, uint64_t v)
{
	char tmp[20];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (int i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return (size_t)n;
}

/*
 * "start-end perms offset major:minor inode " — formatted by hand: this is
 * the hot loop of reading maps of a process with many VMAs, and printf
 * cost more than everything else together.
 */
static size_t put_vma_header(struct rbuf *b, uint64_t start, uint64_t end, uint64_t flags,
			     uint64_t off, uint32_t major, uint32_t minor, uint64_t ino)
{
	size_t rec = b->len;
	char line[128], *p = line;

	p += fmt_hex(p, start, 8);
	*p++ = '-';
	p += fmt_hex(p, end, 8);
	*p++ = ' ';
	*p++ = flags & MM_VM_READ ? 'r' : '-';
	*p++ = flags & MM_VM_WRITE ? 'w' : '-';
	*p++ = flags & MM_VM_EXEC ? 'x' : '-';
	*p++ = flags & MM_VM_MAYSHARE ? 's' : 'p';
	*p++ = ' ';
	p += fmt_hex(p, off, 8);
	*p++ = ' ';
	p += fmt_hex(p, major, 2);
	*p++ = ':';
	p += fmt_hex(p, minor, 2);
	*p++ = ' ';
	p += fmt_dec(p, ino);
	*p++ = ' ';
	rbuf_put(b, line, (size_t)(p - line));
	return rec;
}

/* seq_pad(): spaces up to the name column, then always one more. */
static void pad_to_name(struct rbuf *b, size_t rec)
{
	size_t col = b->len - rec;

	for (; col < MAPS_NAME_COL; col++)
		rbuf_put(b, " ", 1);
	rbuf_put(b, " ", 1);
}

/* File paths escape '\n' as seq_file_path() does; other names print as is. */
static void put_vma_name(struct rbuf *b, const struct mm_vma_snap *v)
{
	for (const char *p = v->name; *p; p++) {
		if (*p == '\n' && v->is_file)
			rbuf_puts(b, "\\012");
		else
			rbuf_put(b, p, 1);
	}
}

static void show_map_vma(struct rbuf *b, const struct mm_vma_snap *v)
{
	uint64_t off = v->is_file ? v->pgoff << PAGE_SHIFT : 0;
	size_t rec = put_vma_header(b, v->start, v->end, v->flags, off,
				    v->dev_major, v->dev_minor, v->ino);

	if (v->name[0]) {
		pad_to_name(b, rec);
		put_vma_name(b, v);
	}
	rbuf_puts(b, "\n");
}

/* The x86-64 vsyscall page: not a VMA of the mm, printed after the last one. */
static void gate_vma(struct mm_vma_snap *g)
{
	memset(g, 0, sizeof(*g));
	g->start = GATE_VMA_START;
	g->end = GATE_VMA_END;
	g->flags = MM_VM_EXEC;
	strcpy(g->name, "[vsyscall]");
	g->kernel_page_kb = 4;
	g->mmu_page_kb = 4;
}

void render_maps_vma(struct rbuf *b, const struct mm_vma_snap *v)
{
	show_map_vma(b, v);
}

void render_maps_gate(struct rbuf *b)
{
	struct mm_vma_snap gate;

	gate_vma(&gate);
	show_map_vma(b, &gate);
}

void render_maps(struct rbuf *b, const struct mm_task_snap *t)
{
	struct mm_vma_snap v;
	size_t at = 0;

	if (!t->has_mm)
		return;
	while (mm_snap_vma(t, &at, &v))
		show_map_vma(b, &v);
	render_maps_gate(b);
}

/* ---- smaps ---- */

/* VmFlags mnemonics by bit number; NULL prints nothing, "??" an unknown bit. */
static const char *const vm_mnemonics[64] = {
	[0] = "rd", [1] = "wr", [2] = "ex", [3] = "sh", [4] = "mr", [5] = "mw",
	[6] = "me", [7] = "ms", [8] = "gd", [9] = "um", [10] = "pf", [11] = "??",
	[12] = "uw", [13] = "lo", [14] = "io", [15] = "sr", [16] = "rr",
	[17] = "dc", [18] = "de", [19] = "lf", [20] = "ac", [21] = "nr",
	[22] = "ht", [23] = "sf", [24] = "ar", [25] = "wf", [26] = "dd",
	[27] = "sd", [28] = "mm", [29] = "hg", [30] = "nh", [31] = "mg",
	/* 32-35: protection-key bits, never printed */
	[36] = "??", [37] = "ss", [38] = "??", [39] = "??", [40] = "dp",
	[41] = "ui", [42] = "sl",
	[43] = "??", [44] = "??", [45] = "??", [46] = "??", [47] = "??",
	[48] = "??", [49] = "??", [50] = "??", [51] = "??", [52] = "??",
	[53] = "??", [54] = "??", [55] = "??", [56] = "??", [57] = "??",
	[58] = "??", [59] = "??", [60] = "??", [61] = "??", [62] = "??",
	[63] = "??",
};

static void show_vm_flags(struct rbuf *b, uint64_t flags)
{
	rbuf_puts(b, "VmFlags: ");
	for (int i = 0; i < 64; i++) {
		if ((flags & (1ULL << i)) && vm_mnemonics[i]) {
			rbuf_puts(b, vm_mnemonics[i]);
			rbuf_put(b, " ", 1);
		}
	}
	rbuf_puts(b, "\n");
}

/* A 16-char key then a value in kB right-aligned to column 24. */
static void smap_kb(struct rbuf *b, const char *key, uint64_t kb)
{
	rbuf_printf(b, "%-16s%8" PRIu64 " kB\n", key, kb);
}

#define BYTES_KB(x)	((x) >> 10)
#define PSS_KB(x)	(((x) >> MM_PSS_SHIFT) >> 10)

/*
 * The accumulator lines shared by smaps and smaps_rollup (the kernel's
 * __show_smap). Every value is converted, and so truncated, here once.
 */
static void show_smap_usage(struct rbuf *b, const struct mm_vma_usage *u, int rollup)
{
	smap_kb(b, "Rss:", BYTES_KB(u->rss));
	smap_kb(b, "Pss:", PSS_KB(u->pss));
	smap_kb(b, "Pss_Dirty:", PSS_KB(u->pss_dirty));
	if (rollup) {
		smap_kb(b, "Pss_Anon:", PSS_KB(u->pss_anon));
		smap_kb(b, "Pss_File:", PSS_KB(u->pss_file));
		smap_kb(b, "Pss_Shmem:", PSS_KB(u->pss_shmem));
	}
	smap_kb(b, "Shared_Clean:", BYTES_KB(u->shared_clean));
	smap_kb(b, "Shared_Dirty:", BYTES_KB(u->shared_dirty));
	smap_kb(b, "Private_Clean:", BYTES_KB(u->private_clean));
	smap_kb(b, "Private_Dirty:", BYTES_KB(u->private_dirty));
	smap_kb(b, "Referenced:", BYTES_KB(u->referenced));
	smap_kb(b, "Anonymous:", BYTES_KB(u->anonymous));
	smap_kb(b, "KSM:", BYTES_KB(u->ksm));
	smap_kb(b, "LazyFree:", BYTES_KB(u->lazyfree));
	smap_kb(b, "AnonHugePages:", BYTES_KB(u->anon_thp));
	smap_kb(b, "ShmemPmdMapped:", BYTES_KB(u->shmem_thp));
	smap_kb(b, "FilePmdMapped:", BYTES_KB(u->file_thp));
	smap_kb(b, "Shared_Hugetlb:", BYTES_KB(u->shared_hugetlb));
	rbuf_printf(b, "Private_Hugetlb: %7" PRIu64 " kB\n", BYTES_KB(u->private_hugetlb));
	smap_kb(b, "Swap:", BYTES_KB(u->swap));
	smap_kb(b, "SwapPss:", PSS_KB(u->swap_pss));
	smap_kb(b, "Locked:", PSS_KB(u->locked_pss));
}

static void show_smap(struct rbuf *b, const struct mm_vma_snap *v)
{
	show_map_vma(b, v);
	smap_kb(b, "Size:", BYTES_KB(v->end - v->start));
	smap_kb(b, "KernelPageSize:", v->kernel_page_kb);
	smap_kb(b, "MMUPageSize:", v->mmu_page_kb);
	show_smap_usage(b, &v->u, 0);
	rbuf_printf(b, "THPeligible:    %8d\n", v->thp_eligible ? 1 : 0);
	show_vm_flags(b, v->flags);
}

void render_smaps_vma(struct rbuf *b, const struct mm_vma_snap *v)
{
	show_smap(b, v);
}

void render_smaps_gate(struct rbuf *b)
{
	struct mm_vma_snap gate;

	gate_vma(&gate);
	show_smap(b, &gate);
}

void render_smaps(struct rbuf *b, const struct mm_task_snap *t)
{
	struct mm_vma_snap v;
	size_t at = 0;

	if (!t->has_mm)
		return;
	while (mm_snap_vma(t, &at, &v))
		show_smap(b, &v);
	render_smaps_gate(b);
}

_Static_assert(sizeof(struct mm_vma_usage) % sizeof(uint64_t) == 0,
	       "mm_vma_usage must hold only uint64_t members");

static void usage_add(struct mm_vma_usage *acc, const struct mm_vma_usage *u)
{
	const uint64_t *src = (const uint64_t *)u;
	uint64_t *dst = (uint64_t *)acc;

	/* every member is a uint64_t: sum them as an array */
	for (size_t i = 0; i < sizeof(*u) / sizeof(uint64_t); i++)
		dst[i] += src[i];
}

int render_smaps_rollup(struct rbuf *b, const struct mm_task_snap *t)
{
	struct mm_vma_usage acc;
	struct mm_vma_snap v;
	uint64_t start = 0, end = 0;
	size_t rec, at = 0;
	int first = 1;

	if (!t->has_mm)
		return -ESRCH;
	memset(&acc, 0, sizeof(acc));
	while (mm_snap_vma(t, &at, &v)) {
		usage_add(&acc, &v.u);
		if (first)
			start = v.start;
		first = 0;
		end = v.end;
	}
	rec = put_vma_header(b, start, end, 0, 0, 0, 0, 0);
	pad_to_name(b, rec);
	rbuf_puts(b, "[rollup]\n");
	show_smap_usage(b, &acc, 1);
	return 0;
}

/* ---- status ---- */

/* [start_code, end_code) page-aligned, in bytes (statm text; status caps it at exec_vm). */
static uint64_t text_bytes(const struct mm_task_snap *t)
{
	uint64_t text = 0;

	if (t->end_code > t->start_code)
		text = PAGE_ALIGN(t->end_code) - (t->start_code & PAGE_MASK);
	return text;
}

static void status_kb(struct rbuf *b, const char *key, uint64_t kb)
{
	rbuf_printf(b, "%s:\t%8" PRIu64 " kB\n", key, kb);
}

static void status_mem(struct rbuf *b, const struct mm_task_snap *t)
{
	uint64_t rss = t->rss_anon + t->rss_file + t->rss_shmem;
	uint64_t peak = t->total_vm > t->hiwater_vm ? t->total_vm : t->hiwater_vm;
	uint64_t hwm = rss > t->hiwater_rss ? rss : t->hiwater_rss;
	uint64_t exec = t->exec_vm << PAGE_SHIFT;
	uint64_t text = text_bytes(t);

	if (text > exec)
		text = exec;
	status_kb(b, "VmPeak", peak << 2);
	status_kb(b, "VmSize", t->total_vm << 2);
	status_kb(b, "VmLck", t->locked_vm << 2);
	status_kb(b, "VmPin", t->pinned_vm << 2);
	status_kb(b, "VmHWM", hwm << 2);
	status_kb(b, "VmRSS", rss << 2);
	status_kb(b, "RssAnon", t->rss_anon << 2);
	status_kb(b, "RssFile", t->rss_file << 2);
	status_kb(b, "RssShmem", t->rss_shmem << 2);
	status_kb(b, "VmData", t->data_vm << 2);
	status_kb(b, "VmStk", t->stack_vm << 2);
	status_kb(b, "VmExe", text >> 10);
	status_kb(b, "VmLib", (exec - text) >> 10);
	status_kb(b, "VmPTE", t->pgtables_bytes >> 10);
	status_kb(b, "VmSwap", t->swap_ents << 2);
	status_kb(b, "HugetlbPages", t->hugetlb_kb);
	rbuf_puts(b, "CoreDumping:\t0\n");
	rbuf_printf(b, "THP_enabled:\t%d\n", t->thp_enabled ? 1 : 0);
	rbuf_puts(b, "untag_mask:\t0xffffffffffffffff\n");
}

static const char *task_state_name(char state)
{
	switch (state) {
	case 'R': return "R (running)";
	case 'S': return "S (sleeping)";
	case 'D': return "D (disk sleep)";
	case 'T': return "T (stopped)";
	case 't': return "t (tracing stop)";
	case 'X': return "X (dead)";
	case 'Z': return "Z (zombie)";
	case 'P': return "P (parked)";
	case 'I': return "I (idle)";
	default:  return "S (sleeping)";
	}
}

/* A task with no mm that is not a zombie is a kernel thread. */
static int is_kthread(const struct mm_task_snap *t)
{
	return !t->has_mm && t->state != 'Z';
}

static void status_ids(struct rbuf *b, const struct mm_task_snap *t)
{
	rbuf_printf(b, "Name:\t%s\n", t->comm);
	if (t->state != 'Z')		/* exit_fs() dropped the zombie's umask */
		rbuf_puts(b, "Umask:\t0022\n");
	rbuf_printf(b, "State:\t%s\n", task_state_name(t->state));
	rbuf_printf(b, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n",
		    t->tgid ? t->tgid : t->pid, t->pid, t->ppid);
	rbuf_puts(b, "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n");
	/* exit_files: a zombie has no fd table */
	rbuf_printf(b, "FDSize:\t%d\nGroups:\t \n", t->state == 'Z' ? 0 : 64);
	rbuf_printf(b, "NStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n",
		    t->tgid ? t->tgid : t->pid, t->pid, t->tgid ? t->tgid : t->pid,
		    t->tgid ? t->tgid : t->pid);
	rbuf_printf(b, "Kthread:\t%d\n", is_kthread(t));
}

/*
 * "%*pb" of the kernel (lib/vsprintf.c bitmap_string): nbits bits whose
 * low nset are set, in hex, 32-bit chunks separated by commas, the first
 * chunk as wide as the bits it holds, the others 8 digits.
 */
static void put_bitmap(struct rbuf *b, unsigned nbits, unsigned nset)
{
	unsigned chunk = nbits % 32 ? nbits % 32 : 32;

	for (int lo = (int)((nbits + 31) / 32 - 1) * 32; lo >= 0; lo -= 32) {
		unsigned set = nset > (unsigned)lo ? nset - (unsigned)lo : 0;
		uint32_t v = set >= 32 ? 0xffffffffu : (uint32_t)((1ull << set) - 1);

		if (chunk < 32)
			v &= (uint32_t)((1ull << chunk) - 1);
		rbuf_printf(b, "%s%0*x", lo == (int)((nbits + 31) / 32 - 1) * 32 ? "" : ",",
			    (int)((chunk + 3) / 4), v);
		chunk = 32;
	}
}

/* "%*pbl": the list form, "0" or "0-3" (n >= 1 low bits set). */
static void put_bitlist(struct rbuf *b, unsigned nset)
{
	if (nset > 1)
		rbuf_printf(b, "0-%u", nset - 1);
	else
		rbuf_puts(b, "0");
}

/* "%*pb" of a mask of nbits bits: 32-bit hex words, highest first, joined by ','. */
static void put_maskmap(struct rbuf *b, unsigned nbits, const uint64_t *mask)
{
	unsigned chunk = nbits % 32 ? nbits % 32 : 32;
	int top = (int)((nbits + 31) / 32 - 1) * 32;

	for (int lo = top; lo >= 0; lo -= 32) {
		uint32_t v = (uint32_t)(mask[lo / 64] >> (lo % 64));

		if (chunk < 32)
			v &= (uint32_t)((1ull << chunk) - 1);
		rbuf_printf(b, "%s%0*x", lo == top ? "" : ",", (int)((chunk + 3) / 4), v);
		chunk = 32;
	}
}

/* "%*pbl" of a mask: ranges "0-1,3", or "" when empty. */
static void put_masklist(struct rbuf *b, unsigned nbits, const uint64_t *mask)
{
	int first = 1;

	for (unsigned a = 0; a < nbits; a++) {
		unsigned z = a;

		if (!((mask[a / 64] >> (a % 64)) & 1))
			continue;
		while (z + 1 < nbits && (mask[(z + 1) / 64] >> ((z + 1) % 64)) & 1)
			z++;
		rbuf_printf(b, z > a ? "%s%u-%u" : "%s%u", first ? "" : ",", a, z);
		first = 0;
		a = z;
	}
}

#define NR_CPUS_IDS(t)	((unsigned)((t)->nr_cpus > 0 ? (t)->nr_cpus : 1))
#define NR_NODES(t)	((unsigned)((t)->nr_nodes > 0 ? (t)->nr_nodes : 1))
#define MAX_NUMNODES	1024	/* CONFIG_NODES_SHIFT=10: Mems_allowed's width */

/*
 * Root's credentials, no signals, no seccomp. A task runs on the CPUs of
 * its affinity mask (nr_cpu_ids bits of Cpus_allowed; every CPU until
 * sched_setaffinity) and may allocate from every node of the machine
 * (MAX_NUMNODES bits of Mems_allowed); SigQ's limit is RLIMIT_SIGPENDING.
 */
static void status_tail(struct rbuf *b, const struct mm_task_snap *t)
{
	uint64_t all[MM_MAX_CPUS / 64] = { 0 };
	const uint64_t *cpus = t->cpus_allowed;
	unsigned any = 0;

	/* a task may always run somewhere: an empty mask is a snapshot that did not say (every CPU) */
	for (unsigned w = 0; w < MM_MAX_CPUS / 64; w++)
		any |= t->cpus_allowed[w] != 0;
	if (!any) {
		for (unsigned c = 0; c < NR_CPUS_IDS(t) && c < MM_MAX_CPUS; c++)
			all[c / 64] |= 1ULL << (c % 64);
		cpus = all;
	}
	rbuf_printf(b, "Threads:\t%d\nSigQ:\t0/%" PRIu64 "\n",
		    t->nr_threads > 0 ? t->nr_threads : 1, t->rlim[MM_RLIMIT_SIGPENDING].cur);
	rbuf_puts(b, "SigPnd:\t0000000000000000\nShdPnd:\t0000000000000000\n"
		  "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n"
		  "SigCgt:\t0000000000000000\n"
		  "CapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\n"
		  "CapEff:\t000001ffffffffff\nCapBnd:\t000001ffffffffff\n"
		  "CapAmb:\t0000000000000000\n"
		  "NoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n"
		  "Speculation_Store_Bypass:\tvulnerable\n"
		  "SpeculationIndirectBranch:\talways enabled\n"
		  "Cpus_allowed:\t");
	put_maskmap(b, NR_CPUS_IDS(t), cpus);	/* sched_setaffinity's mask */
	rbuf_puts(b, "\nCpus_allowed_list:\t");
	put_masklist(b, NR_CPUS_IDS(t), cpus);
	rbuf_puts(b, "\nMems_allowed:\t");
	put_bitmap(b, MAX_NUMNODES, NR_NODES(t));
	rbuf_puts(b, "\nMems_allowed_list:\t");
	put_bitlist(b, NR_NODES(t));
	rbuf_puts(b, "\nvoluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n");
}

void render_status(struct rbuf *b, const struct mm_task_snap *t)
{
	status_ids(b, t);
	if (t->has_mm)
		status_mem(b, t);
	status_tail(b, t);
}

/* ---- statm, stat, comm, cmdline ---- */

void render_statm(struct rbuf *b, const struct mm_task_snap *t)
{
	uint64_t file = t->rss_file + t->rss_shmem;

	if (!t->has_mm) {
		rbuf_puts(b, "0 0 0 0 0 0 0\n");
		return;
	}
	rbuf_printf(b, "%" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " 0 %" PRIu64 " 0\n",
		    t->total_vm, t->rss_anon + file, file, text_bytes(t) >> PAGE_SHIFT,
		    t->data_vm + t->stack_vm);
}

#define PF_EXITING	0x00000004
#define PF_SUPERPRIV	0x00000100
#define PF_KTHREAD	0x00200000
#define PF_RANDOMIZE	0x00400000
#define RLIM_INFINITY_STR "18446744073709551615"

static unsigned stat_flags(const struct mm_task_snap *t)
{
	if (is_kthread(t))
		return PF_KTHREAD;
	return PF_RANDOMIZE | PF_SUPERPRIV | (t->state == 'Z' ? PF_EXITING : 0);
}

/*
 * The 52 fields of do_task_stat(). pgrp and session are the pid itself
 * (every task leads its own group); times other than starttime are 0.
 */
void render_stat_pid(struct rbuf *b, const struct mm_task_snap *t)
{
	int mm = t->has_mm;
	uint64_t rss = t->rss_anon + t->rss_file + t->rss_shmem;

	int tgid = t->tgid ? t->tgid : t->pid;

	rbuf_printf(b, "%d (%s) %c %d %d %d 0 -1 %u ", t->pid, t->comm, t->state,
		    t->ppid, tgid, tgid, stat_flags(t));
	rbuf_printf(b, "%" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " 0 0 0 0 20 0 %d 0 %" PRIu64 " ",
		    t->min_flt, t->cmin_flt, t->maj_flt, t->cmaj_flt,
		    t->nr_threads > 0 ? t->nr_threads : 1, t->start_ticks);
	rbuf_printf(b, "%" PRIu64 " %" PRIu64 " " RLIM_INFINITY_STR " %" PRIu64 " %" PRIu64 " %" PRIu64 " ",
		    mm ? t->total_vm << PAGE_SHIFT : 0, mm ? rss : 0,
		    mm ? t->start_code : 0, mm ? t->end_code : 0, mm ? t->start_stack : 0);
	/*
	 * kstkesp kstkeip signal blocked sigignore sigcatch wchan nswap cnswap;
	 * wchan is 1 for a task that is not running, as since Linux 5.16
	 */
	rbuf_printf(b, "0 0 0 0 0 0 %d 0 0 ", t->state != 'R');
	/* exit_signal processor rt_priority policy blkio guest_time cguest_time */
	rbuf_printf(b, "17 %d 0 0 0 0 0", t->cpu);
	if (mm)
		rbuf_printf(b, " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64
			    " %" PRIu64 " %" PRIu64,
			    t->start_data, t->end_data, t->start_brk, t->arg_start,
			    t->arg_end, t->env_start, t->env_end);
	else
		rbuf_puts(b, " 0 0 0 0 0 0 0");
	rbuf_puts(b, " 0\n");
}

/* oom_score, oom_score_adj, oom_adj (fs/proc/base.c): one number each. */
void render_oom_score(struct rbuf *b, const struct mm_task_snap *t)
{
	rbuf_printf(b, "%lu\n", t->oom_score);
}

void render_oom_score_adj(struct rbuf *b, const struct mm_task_snap *t)
{
	rbuf_printf(b, "%d\n", t->oom_score_adj);
}

/* The legacy scale: adj * 17 / 1000 truncated, except 1000 reads 15. */
void render_oom_adj(struct rbuf *b, const struct mm_task_snap *t)
{
	rbuf_printf(b, "%d\n", t->oom_score_adj == 1000 ? 15 : t->oom_score_adj * 17 / 1000);
}

void render_comm(struct rbuf *b, const struct mm_task_snap *t)
{
	rbuf_printf(b, "%.15s\n", t->comm);
}

/* The bytes of an area of the stack, NULs included; nothing once the mm is gone. */
static void put_stack_area(struct rbuf *b, const struct mm_task_snap *t, const char *bytes,
			   size_t len, size_t cap)
{
	if (t->has_mm)
		rbuf_put(b, bytes, len < cap ? len : cap);
}

/* argv, as arg_start..arg_end holds it */
void render_cmdline(struct rbuf *b, const struct mm_task_snap *t)
{
	put_stack_area(b, t, t->cmdline, t->cmdline_len, sizeof(t->cmdline));
}

/* envp, as env_start..env_end holds it */
void render_environ(struct rbuf *b, const struct mm_task_snap *t)
{
	put_stack_area(b, t, t->environ, t->environ_len, sizeof(t->environ));
}
