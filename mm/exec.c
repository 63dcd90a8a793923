// SPDX-License-Identifier: MIT
/*
 * exec.c - the address space a fresh exec leaves behind (kernel:
 * fs/binfmt_elf.c, fs/exec.c, and what ld.so maps before main()).
 *
 * It reproduces Linux 6.x x86-64 with ASLR off (setarch -R) for a tiny PIE
 * program linked against glibc, as measured on the host
 * (reference/samples/lay.out):
 *
 *   555555554000 program: r--p hdr | r-xp text | r--p rodata | r--p relro | rw-p data
 *   555555559000 start_brk = brk (no [heap] VMA until brk grows)
 *        ...
 *   7ffff7dd0000 rw-p  3 pages ld.so allocates after libc (TLS, link maps)
 *   7ffff7dd3000 libc.so.6: r--p | r-xp | r--p | r--p relro | rw-p | rw-p anon bss
 *   7ffff7fb5000 hole: /etc/ld.so.cache, mapped while looking libc up, then unmapped
 *   7ffff7fc0000 rw-p  2 pages ld.so's early allocation
 *   7ffff7fc2000 [vvar] 4 pages | [vvar_vclock] 2 pages | [vdso] 2 pages
 *   7ffff7fca000 ld-linux-x86-64.so.2: r--p | r-xp | r--p | r--p relro | rw-p
 *   7ffff7fff000 mmap_base = STACK_TOP - 128 MiB (the minimum gap)
 *        ...
 *   7ffffffde000 [stack] 132 KiB, up to STACK_TOP 7ffffffff000
 *
 * The mmap area is filled top-down from mmap_base in the order the kernel
 * and ld.so map things, so the first user mmap lands where Linux puts it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "rmap.h"
#include "arena.h"
#include "task.h"
#include "vma.h"
#include "file.h"

#define STACK_TOP	TASK_SIZE
#define MMAP_BASE	(STACK_TOP - (128ULL << 20))
#define ELF_ET_DYN_BASE	0x555555554000ULL	/* (TASK_SIZE / 3 * 2) & PAGE_MASK */
#define STACK_VMA_SIZE	0x21000ULL		/* 132 KiB after argument setup */
#define FILE_DEV_MAJOR	0xfe
#define FILE_DEV_MINOR	0x01

#define LIBC_PATH	"/usr/lib/x86_64-linux-gnu/libc.so.6"
#define LD_PATH		"/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"
#define LD_CACHE_PAGES	11	/* /etc/ld.so.cache: 42979 bytes */
#define LD_EARLY_PAGES	2
#define LD_TLS_PAGES	3

/* VmFlags of each kind of mapping, as smaps shows them on the host. */
#define VM_MAY		(MM_VM_MAYREAD | MM_VM_MAYWRITE | MM_VM_MAYEXEC)
#define VMF_RO		(MM_VM_READ | VM_MAY)				/* rd mr mw me */
#define VMF_TEXT	(MM_VM_READ | MM_VM_EXEC | VM_MAY)		/* rd ex mr mw me */
#define VMF_RELRO	(VMF_RO | MM_VM_ACCOUNT)			/* rd mr mw me ac */
#define VMF_DATA	(MM_VM_READ | MM_VM_WRITE | VM_MAY | MM_VM_ACCOUNT) /* rd wr mr mw me ac */
#define VMF_STACK	(VMF_DATA | MM_VM_GROWSDOWN)			/* rd wr mr mw me gd ac */
#define VMF_VVAR	(MM_VM_READ | MM_VM_MAYREAD | MM_VM_PFNMAP | MM_VM_IO | \
			 MM_VM_DONTEXPAND | MM_VM_DONTDUMP)		/* rd mr pf io de dd */
#define VMF_VDSO	(VMF_TEXT | MM_VM_DONTEXPAND)			/* rd ex mr mw me de */

/*
 * One mapping of an image, relative to its load base. file: offset in
 * pages is pgoff; !file: anonymous (bss beyond the file's last page).
 */
struct seg {
	uint64_t start, end;
	uint64_t pgoff;
	uint64_t flags;
	int file;
};

/* A small PIE binary (the host's lay: 0x36d bytes of text). */
static const struct seg prog_segs[] = {
	{ 0x0000, 0x1000, 0, VMF_RO, 1 },
	{ 0x1000, 0x2000, 1, VMF_TEXT, 1 },
	{ 0x2000, 0x3000, 2, VMF_RO, 1 },
	{ 0x3000, 0x4000, 2, VMF_RELRO, 1 },
	{ 0x4000, 0x5000, 3, VMF_DATA, 1 },
};
#define PROG_START_CODE	0x1000ULL
#define PROG_END_CODE	0x136dULL
#define PROG_START_DATA	0x3dd0ULL
#define PROG_END_DATA	0x4050ULL
#define PROG_BRK	0x5000ULL	/* end of bss, page-aligned */

static const struct seg libc_segs[] = {
	{ 0x000000, 0x026000, 0x000, VMF_RO, 1 },
	{ 0x026000, 0x17c000, 0x026, VMF_TEXT, 1 },
	{ 0x17c000, 0x1cf000, 0x17c, VMF_RO, 1 },
	{ 0x1cf000, 0x1d3000, 0x1cf, VMF_RELRO, 1 },
	{ 0x1d3000, 0x1d5000, 0x1d3, VMF_DATA, 1 },
	{ 0x1d5000, 0x1e2000, 0, VMF_DATA, 0 },
};
#define LIBC_SIZE	0x1e2000ULL

static const struct seg ld_segs[] = {
	{ 0x00000, 0x01000, 0x00, VMF_RO, 1 },
	{ 0x01000, 0x27000, 0x01, VMF_TEXT, 1 },
	{ 0x27000, 0x31000, 0x27, VMF_RO, 1 },
	{ 0x31000, 0x33000, 0x31, VMF_RELRO, 1 },
	{ 0x33000, 0x35000, 0x33, VMF_DATA, 1 },
};
#define LD_SIZE		0x35000ULL

/* [vvar] [vvar_vclock] [vdso], in address order. */
static const struct {
	enum vma_special kind;
	uint64_t pages;
	uint64_t flags;
} vdso_image[] = {
	{ VMA_SPECIAL_VVAR, 4, VMF_VVAR },
	{ VMA_SPECIAL_VVAR_VCLOCK, 2, VMF_VVAR },
	{ VMA_SPECIAL_VDSO, 2, VMF_VDSO },
};

/* The environment the kernel hands init (envp_init); every task gets it. */
static const char *const exec_envp[] = { "HOME=/", "TERM=linux" };

size_t exec_environ(char *buf, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < sizeof(exec_envp) / sizeof(exec_envp[0]); i++) {
		size_t k = strlen(exec_envp[i]) + 1;

		if (n + k > len)
			break;
		memcpy(buf + n, exec_envp[i], k);
		n += k;
	}
	return n;
}

/* auxv words on this kernel: 22 entries plus AT_NULL, two words each. */
#define AUXV_WORDS	(2 * 23)
#define PLATFORM_LEN	sizeof("x86_64")
#define RANDOM_BYTES	16

/* A stable made-up inode number for a path (FNV-1a, folded to 7 digits). */
static uint64_t path_ino(const char *path)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)path; *p; p++)
		h = (h ^ *p) * 16777619u;
	return 100000 + h % 9900000;
}

int exec_map_one(struct mm_struct *mm, uint64_t start, uint64_t end, uint64_t flags,
		 struct file_ref *file, uint64_t pgoff, enum vma_special special)
{
	struct vm_area_struct *vma = vm_area_alloc();
	int err;

	if (!vma)
		return -ENOMEM;
	vma->vm_start = start;
	vma->vm_end = end;
	vma->vm_flags = flags;
	vma->vm_file = file_ref_get(file);
	vma->vm_pgoff = file ? pgoff : start >> MM_PAGE_SHIFT;
	vma->special = special;
	/* Written private pages (relocations, data, stack) gave it an anon_vma. */
	if (flags & MM_VM_ACCOUNT)
		vma->anon_vma = new_anon_vma_id(mm);
	err = vma_insert(mm, vma);
	if (err)
		vm_area_free(vma);
	else if (vma->anon_vma)
		anon_vma_attach(vma, NULL);	/* its anon_vma and chain objects */
	return err;
}

/*
 * The program, libc or ld.so: a real file of the simulated file system
 * (created sparse, size bytes, if missing) when one is attached, else a
 * stand-in with a made-up inode number.
 */
static struct file_ref *exec_file(struct machine *m, const char *path, uint64_t size)
{
	struct file_ref *f = NULL;

	if (m->backing_fd >= 0 && !file_ensure(m, path, size) &&
	    !file_open(m, path, MM_O_RDONLY, &f, NULL, 0))
		return f;
	return file_ref_new(path, FILE_DEV_MAJOR, FILE_DEV_MINOR, path_ino(path));
}

/* Bytes of the file an image maps: up to the end of its last file-backed segment. */
static uint64_t image_file_size(const struct seg *segs, size_t nr)
{
	uint64_t size = 0;

	for (size_t i = 0; i < nr; i++)
		if (segs[i].file) {
			uint64_t end = (segs[i].pgoff << MM_PAGE_SHIFT) + segs[i].end - segs[i].start;

			size = end > size ? end : size;
		}
	return size;
}

/* Map an image at base; *opened (when not NULL) keeps a reference to its file. */
static int map_image(struct machine *m, struct mm_struct *mm, uint64_t base, const char *path,
		     const struct seg *segs, size_t nr, struct file_ref **opened)
{
	struct file_ref *file = exec_file(m, path, image_file_size(segs, nr));
	int err = file ? 0 : -ENOMEM;

	for (size_t i = 0; !err && i < nr; i++)
		err = exec_map_one(mm, base + segs[i].start, base + segs[i].end, segs[i].flags,
			      segs[i].file ? file : NULL, segs[i].pgoff, VMA_SPECIAL_NONE);
	if (!err && opened)
		*opened = file_ref_get(file);
	file_ref_put(file);
	return err;
}

int exec_map_vdso(struct mm_struct *mm, uint64_t *top)
{
	uint64_t base = *top;
	int err = 0;

	for (size_t i = sizeof(vdso_image) / sizeof(vdso_image[0]); !err && i-- > 0;) {
		base -= vdso_image[i].pages << MM_PAGE_SHIFT;
		err = exec_map_one(mm, base, base + (vdso_image[i].pages << MM_PAGE_SHIFT),
				   vdso_image[i].flags, NULL, 0, vdso_image[i].kind);
	}
	*top = base;
	return err;
}

/* Top-down placement below *top (the kernel's and ld.so's mapping order). */
static int map_below(struct mm_struct *mm, uint64_t *top, uint64_t size, uint64_t flags)
{
	*top -= size;
	return exec_map_one(mm, *top, *top + size, flags, NULL, 0, VMA_SPECIAL_NONE);
}

static int map_mmap_area(struct machine *m, struct mm_struct *mm)
{
	uint64_t top = mm->mmap_base, base;
	int err;

	top -= LD_SIZE;
	err = map_image(m, mm, top, LD_PATH, ld_segs, sizeof(ld_segs) / sizeof(ld_segs[0]), NULL);
	base = top;
	if (!err)
		err = exec_map_vdso(mm, &base);
	top = base;
	if (!err)
		err = map_below(mm, &top, LD_EARLY_PAGES << MM_PAGE_SHIFT, VMF_DATA);
	top -= LD_CACHE_PAGES << MM_PAGE_SHIFT;
	top -= LIBC_SIZE;
	if (!err)
		err = map_image(m, mm, top, LIBC_PATH, libc_segs, sizeof(libc_segs) / sizeof(libc_segs[0]),
				 NULL);
	if (!err)
		err = map_below(mm, &top, LD_TLS_PAGES << MM_PAGE_SHIFT, VMF_DATA);
	return err;
}

/*
 * The strings at the top of the stack (fs/exec.c, create_elf_tables):
 *
 *   STACK_TOP - 8:   NULL word
 *   below it:        execfn ("/usr/bin/foo\0")
 *   env_start..env_end, then arg_start..arg_end below that
 *   below arg_start: 16-aligned, "x86_64\0", 16 random bytes, then
 *                    argc, argv[], NULL, envp[], NULL, auxv: start_stack
 */
static void setup_stack_strings(struct mm_struct *mm, const struct task *t, const char *execfn)
{
	uint64_t p = STACK_TOP - sizeof(uint64_t), items;
	size_t argc = 0, envc = sizeof(exec_envp) / sizeof(exec_envp[0]);

	p -= strlen(execfn) + 1;
	mm->env_end = p;
	for (size_t i = 0; i < envc; i++)
		p -= strlen(exec_envp[i]) + 1;
	mm->env_start = p;
	mm->arg_end = p;
	p -= t->cmdline_len;
	mm->arg_start = p;
	for (size_t i = 0; i < t->cmdline_len; i++)
		argc += t->cmdline[i] == '\0';

	p &= ~15ULL;
	p -= PLATFORM_LEN + RANDOM_BYTES;
	items = (argc + 1) + (envc + 1) + 1 + AUXV_WORDS;
	mm->start_stack = (p - items * sizeof(uint64_t)) & ~15ULL;
}

static int build_layout(struct machine *m, struct mm_struct *mm, const struct task *t,
			const char *path)
{
	uint64_t base = ELF_ET_DYN_BASE;
	int err;

	mm->task_size = TASK_SIZE;
	mm->mmap_base = MMAP_BASE;
	mm->start_code = base + PROG_START_CODE;
	mm->end_code = base + PROG_END_CODE;
	mm->start_data = base + PROG_START_DATA;
	mm->end_data = base + PROG_END_DATA;
	mm->start_brk = mm->brk = base + PROG_BRK;

	/* the program's open file is also mm->exe_file, as binfmt_elf sets it */
	err = map_image(m, mm, base, path, prog_segs, sizeof(prog_segs) / sizeof(prog_segs[0]),
			&mm->exe_file);
	if (!err)
		err = map_mmap_area(m, mm);
	if (!err)
		err = exec_map_one(mm, STACK_TOP - STACK_VMA_SIZE, STACK_TOP, VMF_STACK, NULL, 0,
			      VMA_SPECIAL_NONE);
	setup_stack_strings(mm, t, path);
	mm->hiwater_vm = mm->total_vm;
	return err;
}

int exec_mm(struct machine *m, struct task *t, const char *path)
{
	struct mm_struct *mm = mm_alloc(m);
	int err;

	lockdep_assert_held(m);
	if (!mm)
		return -ENOMEM;
	err = build_layout(m, mm, t, path);
	if (err) {
		mm_free_vmas(mm);
		file_ref_put(mm->exe_file);
		mm_free(m, mm);
		return err;
	}
	m->vm_committed_as += vma_accounted_pages(mm);
	if (t->mm)
		mmput(m, t->mm);
	t->mm = mm;
	return 0;
}
