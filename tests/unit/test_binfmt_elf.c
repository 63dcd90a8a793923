/* SPDX-License-Identifier: MIT */
/*
 * test_binfmt_elf.c - exec of real ELF files (mm/binfmt_elf.c) on ELF files
 * the test writes by hand: segment math (page rounding, offsets, bss as an
 * anonymous mapping, brk), ET_EXEC and ET_DYN placement, the interpreter
 * top-down below mmap_base, the vdso below it, the stack's VMA, and
 * execve's errnos with the process left as it was.
 */
#include <criterion/criterion.h>
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "leakcheck.h"
#include "../../mm/internal.h"
#include "../../mm/mm.h"
#include "../../mm/task.h"

static struct machine *m;
static char dir[] = "/tmp/mmfs-elf.XXXXXX";

#include "mmtest.h"
#include "backingtest.h"

#define TOP		0x7ffffffff000ULL
#define MMAP_BASE	(TOP - (128ULL << 20))
#define DYN_BASE	0x555555554000ULL

/* Write dir/name: an ELF header of type, phdrs, then size bytes in all, mode. */
static void put_elf(const char *name, uint16_t type, const Elf64_Phdr *ph, int nr,
		    const char *interp, size_t size, mode_t mode)
{
	char path[300], *buf = calloc(1, size);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	int fd;

	cr_assert(buf && size >= 4096);
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = type;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = (uint16_t)nr;
	memcpy(buf + sizeof(*eh), ph, (size_t)nr * sizeof(*ph));
	if (interp)
		strcpy(buf + 0x800, interp);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, buf, size), (ssize_t)size);
	close(fd);
	chmod(path, mode);
	free(buf);
}

static Elf64_Phdr load(uint64_t vaddr, uint64_t off, uint64_t filesz, uint64_t memsz, uint32_t pf)
{
	return (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = pf, .p_offset = off, .p_vaddr = vaddr,
			     .p_paddr = vaddr, .p_filesz = filesz, .p_memsz = memsz, .p_align = 0x1000 };
}

static Elf64_Phdr interp_ph(const char *path)
{
	return (Elf64_Phdr){ .p_type = PT_INTERP, .p_flags = PF_R, .p_offset = 0x800,
			     .p_vaddr = 0x800, .p_filesz = strlen(path) + 1, .p_memsz = strlen(path) + 1,
			     .p_align = 1 };
}

/* exec PATH ARG... in pid 1: 0 or -errno. */
static int do_exec(const char *path, const char *args, size_t args_len)
{
	struct mm_call c = { .verb = MMV_EXEC, .fd = -1 };
	char why[256] = "";
	uint64_t ret;
	int err;

	snprintf(c.path, sizeof(c.path), "%s", path);
	memcpy(c.argv, args, args_len);
	c.argv_len = (uint32_t)args_len;
	err = mm_syscall(m, 1, &c, &ret, why, sizeof(why));
	check_ok();
	return err;
}

struct want {
	uint64_t start, end, flags, pgoff;
	const char *name;
};

#define RX	(MM_VM_READ | MM_VM_EXEC)
#define RO	(MM_VM_READ)
#define RW	(MM_VM_READ | MM_VM_WRITE)
#define PERMS	(MM_VM_READ | MM_VM_WRITE | MM_VM_EXEC)

static void expect_maps(const struct want *w, size_t n)
{
	struct mm_task_snap *t = mm_snap_task(m, 1, 1);

	cr_assert(t);
	cr_assert_eq(t->nr_vmas, n, "%zu VMAs, want %zu", t->nr_vmas, n);
	for (size_t i = 0; i < n; i++) {
		const struct mm_vma_snap *v = &t->vmas[i];

		cr_expect_eq(v->start, w[i].start, "VMA %zu start %#lx want %#lx", i, v->start, w[i].start);
		cr_expect_eq(v->end, w[i].end, "VMA %zu end %#lx want %#lx", i, v->end, w[i].end);
		cr_expect_eq(v->flags & PERMS, w[i].flags, "VMA %zu perms", i);
		if (v->is_file)
			cr_expect_eq(v->pgoff, w[i].pgoff, "VMA %zu pgoff", i);
		cr_expect_str_eq(v->name, w[i].name, "VMA %zu name", i);
	}
	free(t);
}

static void setup(void)
{
	backing_mkdir(dir, "/tmp/mmfs-elf.XXXXXX");
}

static void teardown(void)
{
	backing_shutdown(dir);
}

TestSuite(binfmt_elf, .init = setup, .fini = teardown);

/* A static ET_EXEC: text, then data with a bss that needs three pages of its own. */
Test(binfmt_elf, static_exec_segments)
{
	Elf64_Phdr ph[] = {
		load(0x400000, 0, 0x800, 0x800, PF_R | PF_X),
		load(0x401e10, 0x1e10, 0x100, 0x3000, PF_R | PF_W),
	};
	struct mm_task_snap *t;

	put_elf("prog", ET_EXEC, ph, 2, NULL, 0x2000, 0755);
	backing_boot(dir, 256ULL << 20, 1);
	cr_assert_eq(do_exec("/prog", "", 0), 0);
	struct want w[] = {
		{ 0x400000, 0x401000, RX, 0, "/prog" },
		{ 0x401000, 0x402000, RW, 1, "/prog" },	/* vaddr + filesz = 0x401f10 */
		{ 0x402000, 0x405000, RW, 0, "" },		/* bss to 0x404e10 */
		{ MMAP_BASE - 0x8000, MMAP_BASE - 0x4000, RO, 0, "[vvar]" },
		{ MMAP_BASE - 0x4000, MMAP_BASE - 0x2000, RO, 0, "[vvar_vclock]" },
		{ MMAP_BASE - 0x2000, MMAP_BASE, RX, 0, "[vdso]" },
		{ TOP - 0x21000, TOP, RW, 0, "[stack]" },
	};
	expect_maps(w, sizeof(w) / sizeof(w[0]));
	t = mm_snap_task(m, 1, 1);
	cr_assert(t);
	cr_expect_eq(t->start_brk, 0x405000);
	cr_expect_eq(t->brk, 0x405000);
	cr_expect_str_eq(t->comm, "prog");
	/* strings: "/prog" (6) + env (18) + execfn (6) below TOP - 8 */
	cr_expect_eq(t->start_stack,
		     (((TOP - 8 - 30) & ~15ULL) - 7 - 16 - 8 * (2 + 3 + 1 + 46)) & ~15ULL);
	free(t);
}

/* PIE with an interpreter: ELF_ET_DYN_BASE, the interpreter top-down, the vdso below it. */
Test(binfmt_elf, dyn_with_interp)
{
	Elf64_Phdr ph[] = {
		interp_ph("/ld.so"),
		load(0, 0, 0x900, 0x900, PF_R),
		load(0x1000, 0x1000, 0x1000, 0x1000, PF_R | PF_X),
		load(0x2f00, 0x1f00, 0x100, 0x100, PF_R | PF_W),	/* bss within the page */
	};
	Elf64_Phdr ld[] = {
		load(0, 0, 0x1000, 0x1000, PF_R | PF_X),
		load(0x1100, 0x1100, 0x10, 0x2000, PF_R | PF_W),
	};

	put_elf("pie", ET_DYN, ph, 4, "/ld.so", 0x3000, 0755);
	put_elf("ld.so", ET_DYN, ld, 2, NULL, 0x2000, 0644);	/* no execute bit needed */
	backing_boot(dir, 256ULL << 20, 1);
	cr_assert_eq(do_exec("/pie", "a\0", 2), 0);
	/* ld.so spans [0, 0x3110): 4 pages below mmap_base */
	uint64_t ldb = MMAP_BASE - 0x4000;
	struct want w[] = {
		{ DYN_BASE, DYN_BASE + 0x1000, RO, 0, "/pie" },
		{ DYN_BASE + 0x1000, DYN_BASE + 0x2000, RX, 1, "/pie" },
		{ DYN_BASE + 0x2000, DYN_BASE + 0x3000, RW, 1, "/pie" },
		{ ldb - 0x8000, ldb - 0x4000, RO, 0, "[vvar]" },
		{ ldb - 0x4000, ldb - 0x2000, RO, 0, "[vvar_vclock]" },
		{ ldb - 0x2000, ldb, RX, 0, "[vdso]" },
		{ ldb, ldb + 0x1000, RX, 0, "/ld.so" },
		{ ldb + 0x1000, ldb + 0x2000, RW, 1, "/ld.so" },
		{ ldb + 0x2000, ldb + 0x4000, RW, 0, "" },	/* bss 0x1110..0x3110 */
		{ TOP - 0x21000, TOP, RW, 0, "[stack]" },
	};
	expect_maps(w, sizeof(w) / sizeof(w[0]));
}

/* execve's errnos; the process keeps its address space after each. */
Test(binfmt_elf, errnos)
{
	Elf64_Phdr ph[] = { load(0x400000, 0, 0x800, 0x800, PF_R | PF_X) };
	Elf64_Phdr ip[] = { interp_ph("/missing-ld.so"), load(0, 0, 0x900, 0x900, PF_R) };
	Elf64_Phdr none[] = { { .p_type = PT_NOTE } };
	struct mm_task_snap *before, *after;

	put_elf("noexec", ET_EXEC, ph, 1, NULL, 0x1000, 0644);
	put_elf("badinterp", ET_DYN, ip, 2, "/missing-ld.so", 0x1000, 0755);
	put_elf("noload", ET_EXEC, none, 1, NULL, 0x1000, 0755);
	backing_put(dir, "text", 5000);
	{
		char p[300];

		snprintf(p, sizeof(p), "%s/text", dir);
		chmod(p, 0755);
		snprintf(p, sizeof(p), "%s/sub", dir);
		mkdir(p, 0755);
	}
	backing_boot(dir, 256ULL << 20, 1);
	before = mm_snap_task(m, 1, 1);
	cr_expect_eq(do_exec("/missing", "x\0", 2), -ENOENT);
	cr_expect_eq(do_exec("/noexec", "x\0", 2), -EACCES);
	cr_expect_eq(do_exec("/sub", "x\0", 2), -EACCES);
	cr_expect_eq(do_exec("/text", "x\0", 2), -ENOEXEC);
	cr_expect_eq(do_exec("/noload", "x\0", 2), -ENOEXEC);
	cr_expect_eq(do_exec("/badinterp", "x\0", 2), -ENOENT);
	cr_expect_eq(do_exec("name", "x\0", 2), -EINVAL);
	after = mm_snap_task(m, 1, 1);
	cr_assert(before && after);
	cr_expect_eq(before->nr_vmas, after->nr_vmas);
	for (size_t i = 0; i < before->nr_vmas && i < after->nr_vmas; i++)
		cr_expect_eq(before->vmas[i].start, after->vmas[i].start);
	free(before);
	free(after);
	/* a file that is not ELF, without arguments: the ready-made layout, as before */
	cr_expect_eq(do_exec("/text", "", 0), 0);
	after = mm_snap_task(m, 1, 1);
	cr_assert(after);
	cr_expect_eq(after->vmas[0].start, DYN_BASE);
	cr_expect_str_eq(after->vmas[0].name, "/text");
	free(after);
}

/* A static PIE: top-down below mmap_base like an mmap, its brk at PAGEALIGN(ELF_ET_DYN_BASE). */
Test(binfmt_elf, static_pie)
{
	Elf64_Phdr ph[] = {
		load(0, 0, 0x900, 0x900, PF_R | PF_X),
		load(0x1e00, 0xe00, 0x100, 0x2400, PF_R | PF_W),	/* bss to 0x4200 */
	};
	struct mm_task_snap *t;
	uint64_t base = MMAP_BASE - 0x5000;

	put_elf("spie", ET_DYN, ph, 2, NULL, 0x1000, 0755);
	backing_boot(dir, 256ULL << 20, 1);
	cr_assert_eq(do_exec("/spie", "", 0), 0);
	struct want w[] = {
		{ base - 0x8000, base - 0x4000, RO, 0, "[vvar]" },
		{ base - 0x4000, base - 0x2000, RO, 0, "[vvar_vclock]" },
		{ base - 0x2000, base, RX, 0, "[vdso]" },
		{ base, base + 0x1000, RX, 0, "/spie" },
		{ base + 0x1000, base + 0x2000, RW, 0, "/spie" },
		{ base + 0x2000, base + 0x5000, RW, 0, "" },
		{ TOP - 0x21000, TOP, RW, 0, "[stack]" },
	};
	expect_maps(w, sizeof(w) / sizeof(w[0]));
	t = mm_snap_task(m, 1, 1);
	cr_assert(t);
	cr_expect_eq(t->start_brk, 0x555555555000ULL);
	cr_expect_eq(t->start_code, base);
	free(t);
}
