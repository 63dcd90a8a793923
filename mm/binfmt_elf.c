// SPDX-License-Identifier: MIT
/*
 * binfmt_elf.c - exec of a real ELF file (kernel: fs/binfmt_elf.c
 * load_elf_binary, load_elf_interp, elf_load, create_elf_tables; fs/exec.c
 * setup_arg_pages), x86-64, ASLR off (the model has none, as `setarch -R`).
 *
 * The address space it leaves is the one at the interpreter's first
 * instruction, before ld.so or libc ran:
 *
 *   program   ET_EXEC at its p_vaddr; ET_DYN with an interpreter at
 *             ELF_ET_DYN_BASE (2/3 of the 47-bit window, aligned down to
 *             the largest power-of-two p_align); ET_DYN without one (static
 *             PIE) top-down below mmap_base like any mmap
 *   PT_LOAD   one private file mapping per segment, [PAGESTART(vaddr),
 *             PAGEALIGN(vaddr + filesz)) at PAGESTART(offset), its p_flags
 *             as protection; bss past the file's last page is an anonymous
 *             mapping as vm_brk_flags makes it; padzero's store zeroes
 *             the tail of a writable segment's partial last page, which
 *             faults it in (a private copy), as the kernel's clear_user
 *             does
 *   interp    PT_INTERP's file, loaded the same way top-down below mmap_base
 *   vdso      [vvar] [vvar_vclock] [vdso] right below what is mapped there
 *   brk       start_brk = brk = PAGEALIGN(the program's end of bss); a
 *             static PIE's at PAGEALIGN(ELF_ET_DYN_BASE), out of the mmap
 *             area (load_elf_binary does so with or without ASLR)
 *   stack     the strings (argv, envp, the file name) below STACK_TOP - 8,
 *             the VMA from their lowest page down by 128 KiB (stack_expand),
 *             then platform string, AT_RANDOM bytes, argc/argv/envp/auxv
 *
 * The headers are read through the page cache (kernel_read), so exec
 * leaves the first pages of the program and interpreter Cached; the pages
 * the kernel writes (padzero, the stack's strings and tables) are faulted
 * in as its stores fault them, so Rss matches the host's at the exec stop.
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "memory.h"
#include "file.h"
#include "filemap.h"
#include "task.h"
#include "vma.h"

#define STACK_TOP	TASK_SIZE
#define MMAP_BASE	(STACK_TOP - (128ULL << 20))	/* the minimum gap, as mmap_base() */
#define DYN_BASE	(((1ULL << 47) - MM_PAGE_SIZE) / 3 * 2)	/* ELF_ET_DYN_BASE */
#define STACK_EXPAND	(128ULL << 10)
#define PHDRS_MAX	(65536 / sizeof(Elf64_Phdr))	/* ELF_MIN_ALIGN-bounded, as the kernel's 64K cap */
#define AUXV_WORDS	(2 * 23)	/* 22 entries and AT_NULL on 6.18 x86-64 */
#define PLATFORM_LEN	sizeof("x86_64")
#define RANDOM_BYTES	16

#define PAGESTART(x)	((x) & ~(MM_PAGE_SIZE - 1))
#define PAGEOFFSET(x)	((x) & (MM_PAGE_SIZE - 1))
#define PAGEALIGN(x)	(((x) + MM_PAGE_SIZE - 1) & ~(MM_PAGE_SIZE - 1))

#define WHY(...) do { if (why) snprintf(why, whylen, __VA_ARGS__); } while (0)

/* One ELF file being loaded: its open file, header and program headers. */
struct elf_image {
	struct file_ref *file;
	Elf64_Ehdr eh;
	Elf64_Phdr ph[64];
	int nr;
};

#define PADZERO_MAX	4	/* program and interpreter: their writable segments' tails */

/* Addresses padzero stores to, made while mapping, faulted once the mm is the task's. */
struct padzero {
	uint64_t addr[PADZERO_MAX];
	int nr;
};

static int read_exact(struct machine *m, struct file_ref *f, uint64_t off, void *buf, size_t len)
{
	long n = filemap_read(m, file_inode(f), off, buf, len);

	return n < 0 ? (int)n : (size_t)n == len ? 0 : -ENOEXEC;
}

int binfmt_elf_is_elf(struct machine *m, const char *path)
{
	struct file_ref *f;
	unsigned char magic[SELFMAG];
	int is = 0;

	if (file_open(m, path, MM_O_RDONLY, &f, NULL, 0))
		return 0;
	if (!f->is_dir && !read_exact(m, f, 0, magic, SELFMAG))
		is = !memcmp(magic, ELFMAG, SELFMAG);
	file_ref_put(f);
	return is;
}

/*
 * Open path and check it as execve and elf_read_implies/elf_check_arch do:
 * -ENOENT, -EACCES (a directory, no execute bit), -ENOEXEC (not a loadable
 * x86-64 ELF of ours).
 */
static int elf_open(struct machine *m, const char *path, struct elf_image *img, int interp,
		    char *why, size_t whylen)
{
	const char *what = interp ? "interpreter" : "file";
	size_t phsize;
	int err;

	memset(img, 0, sizeof(*img));
	err = file_open(m, path, MM_O_RDONLY, &img->file, why, whylen);
	if (err) {
		WHY("%s '%s': %s", what, path, err == -ENOENT ? "no such file" : "cannot open it");
		return err;
	}
	if (img->file->is_dir || (!interp && !(img->file->mode & 0111))) {
		WHY("%s '%s' is %s", what, path, img->file->is_dir ? "a directory" : "not executable");
		return -EACCES;
	}
	err = read_exact(m, img->file, 0, &img->eh, sizeof(img->eh));
	if (err || memcmp(img->eh.e_ident, ELFMAG, SELFMAG) || img->eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    img->eh.e_ident[EI_DATA] != ELFDATA2LSB || img->eh.e_machine != EM_X86_64 ||
	    (img->eh.e_type != ET_EXEC && img->eh.e_type != ET_DYN) ||
	    img->eh.e_phentsize != sizeof(Elf64_Phdr)) {
		WHY("%s '%s' is not a loadable x86-64 ELF file", what, path);
		return err && err != -ENOEXEC ? err : -ENOEXEC;
	}
	if (img->eh.e_phnum < 1 || img->eh.e_phnum > sizeof(img->ph) / sizeof(img->ph[0])) {
		WHY("%s '%s' has %u program headers (1..%zu loaded)", what, path,
		    img->eh.e_phnum, sizeof(img->ph) / sizeof(img->ph[0]));
		return -ENOEXEC;
	}
	img->nr = img->eh.e_phnum;
	phsize = (size_t)img->nr * sizeof(Elf64_Phdr);
	err = read_exact(m, img->file, img->eh.e_phoff, img->ph, phsize);
	if (err == -ENOMEM)
		return err;	/* the caller reclaims and runs exec again */
	if (err) {
		WHY("%s '%s': program headers past its end", what, path);
		return -ENOEXEC;
	}
	return 0;
}

static void elf_close(struct elf_image *img)
{
	file_ref_put(img->file);
	img->file = NULL;
}

/* PROT_* of a segment's p_flags as VM_* flags of a private file mapping. */
static uint64_t seg_vm_flags(uint32_t pf)
{
	uint64_t f = MM_VM_MAYREAD | MM_VM_MAYWRITE | MM_VM_MAYEXEC;

	if (pf & PF_R)
		f |= MM_VM_READ;
	if (pf & PF_W)
		f |= MM_VM_WRITE | MM_VM_ACCOUNT;	/* private writable: charged */
	if (pf & PF_X)
		f |= MM_VM_EXEC;
	return f;
}

/* [first PAGESTART(vaddr), last vaddr + memsz): total_mapping_size. */
static int load_extent(const struct elf_image *img, uint64_t *first, uint64_t *size)
{
	int a = -1, b = -1;

	for (int i = 0; i < img->nr; i++)
		if (img->ph[i].p_type == PT_LOAD) {
			if (a < 0)
				a = i;
			b = i;
		}
	if (a < 0)
		return -ENOEXEC;
	*first = PAGESTART(img->ph[a].p_vaddr);
	*size = img->ph[b].p_vaddr + img->ph[b].p_memsz - *first;
	return 0;
}

/* maximum_alignment: the largest power-of-two p_align of the PT_LOADs. */
static uint64_t max_align(const struct elf_image *img)
{
	uint64_t align = 0;

	for (int i = 0; i < img->nr; i++) {
		uint64_t a = img->ph[i].p_align;

		if (img->ph[i].p_type != PT_LOAD || (a & (a - 1)))
			continue;
		align = a > align ? a : align;
	}
	return PAGEALIGN(align);
}

/*
 * elf_load of every PT_LOAD at bias: the file part, and bss past its last
 * page as vm_brk_flags' anonymous mapping. *brk gets the end of bss.
 */
static int map_segments(struct machine *m, struct mm_struct *mm, struct elf_image *img,
			uint64_t bias, uint64_t *brk, struct padzero *pz, char *why, size_t whylen)
{
	*brk = 0;
	for (int i = 0; i < img->nr; i++) {
		const Elf64_Phdr *ph = &img->ph[i];
		uint64_t vaddr = bias + ph->p_vaddr, zero_start, zero_end;
		int err = 0;

		if (ph->p_type != PT_LOAD)
			continue;
		if (ph->p_filesz > ph->p_memsz || PAGEOFFSET(ph->p_vaddr) != PAGEOFFSET(ph->p_offset) ||
		    vaddr + ph->p_memsz > TASK_SIZE || vaddr + ph->p_memsz < vaddr) {
			WHY("a PT_LOAD segment of '%s' cannot be mapped", img->file->path);
			return -EINVAL;
		}
		if (ph->p_filesz) {
			uint64_t start = PAGESTART(vaddr), end = PAGEALIGN(vaddr + ph->p_filesz);

			err = exec_map_one(mm, start, end, seg_vm_flags(ph->p_flags), img->file,
					   PAGESTART(ph->p_offset) >> MM_PAGE_SHIFT, VMA_SPECIAL_NONE);
			zero_start = vaddr + ph->p_filesz;
			/* padzero: clear_user to the page's end, which only a writable one takes */
			if (ph->p_memsz > ph->p_filesz && PAGEOFFSET(zero_start) &&
			    (ph->p_flags & PF_W) && pz->nr < PADZERO_MAX)
				pz->addr[pz->nr++] = zero_start;
		} else {
			zero_start = PAGESTART(vaddr);
		}
		zero_end = vaddr + ph->p_memsz;
		if (!err && ph->p_memsz > ph->p_filesz && PAGEALIGN(zero_end) > PAGEALIGN(zero_start))
			err = exec_map_one(mm, PAGEALIGN(zero_start), PAGEALIGN(zero_end),
					   MM_VM_READ | MM_VM_WRITE | MM_VM_MAYREAD | MM_VM_MAYWRITE |
					   MM_VM_MAYEXEC | MM_VM_ACCOUNT |
					   ((ph->p_flags & PF_X) ? MM_VM_EXEC : 0),
					   NULL, 0, VMA_SPECIAL_NONE);
		if (err) {
			WHY("segments of '%s' overlap what is mapped", img->file->path);
			return err == -ENOMEM ? err : -EINVAL;
		}
		if (zero_end > *brk)
			*brk = zero_end;
	}
	return 0;
}

/* The code and data bounds of mm (start_code... end_data), as load_elf_binary sums them. */
static void code_data_bounds(struct mm_struct *mm, const struct elf_image *img, uint64_t bias)
{
	uint64_t start_code = ~0ULL, end_code = 0, start_data = 0, end_data = 0;

	for (int i = 0; i < img->nr; i++) {
		const Elf64_Phdr *ph = &img->ph[i];
		uint64_t k = ph->p_vaddr;

		if (ph->p_type != PT_LOAD)
			continue;
		if ((ph->p_flags & PF_X) && k < start_code)
			start_code = k;
		if (start_data < k)
			start_data = k;
		k = ph->p_vaddr + ph->p_filesz;
		if ((ph->p_flags & PF_X) && end_code < k)
			end_code = k;
		if (end_data < k)
			end_data = k;
	}
	mm->start_code = start_code + bias;
	mm->end_code = end_code + bias;
	mm->start_data = start_data + bias;
	mm->end_data = end_data + bias;
}

/* Place an image without a fixed address top-down below *top; returns its bias. */
static uint64_t topdown_bias(const struct elf_image *img, uint64_t *top)
{
	uint64_t first = 0, size = 0;

	load_extent(img, &first, &size);
	*top = PAGESTART(*top - PAGEALIGN(size));
	return *top - first;
}

/* The interpreter's path from PT_INTERP; 0, -ENOEXEC. */
static int interp_path(struct machine *m, const struct elf_image *img, char *buf, size_t len)
{
	for (int i = 0; i < img->nr; i++) {
		const Elf64_Phdr *ph = &img->ph[i];

		if (ph->p_type != PT_INTERP)
			continue;
		if (ph->p_filesz < 2 || ph->p_filesz > len)
			return -ENOEXEC;
		if (read_exact(m, img->file, ph->p_offset, buf, ph->p_filesz) ||
		    buf[ph->p_filesz - 1] != '\0')
			return -ENOEXEC;
		return 1;
	}
	return 0;
}

/*
 * The stack (fs/exec.c and create_elf_tables): the strings copied below
 * STACK_TOP - 8 (execfn, then envp, then argv, lowest), the VMA from their
 * lowest page down by stack_expand, then the tables below the strings.
 */
static int setup_stack(struct machine *m, struct mm_struct *mm, const char *execfn,
		       const char *argv, size_t argv_len, size_t argc)
{
	char env[256];
	size_t env_len = exec_environ(env, sizeof(env)), envc = 0;
	uint64_t p = STACK_TOP - sizeof(uint64_t), items;

	(void)m;
	for (size_t i = 0; i < env_len; i++)
		envc += env[i] == '\0';
	p -= strlen(execfn) + 1;
	mm->env_end = p;
	p -= env_len;
	mm->env_start = p;
	mm->arg_end = p;
	p -= argv_len;
	mm->arg_start = p;
	if (exec_map_one(mm, PAGESTART(p) - STACK_EXPAND, STACK_TOP,
			 MM_VM_READ | MM_VM_WRITE | MM_VM_MAYREAD | MM_VM_MAYWRITE | MM_VM_MAYEXEC |
			 MM_VM_ACCOUNT | MM_VM_GROWSDOWN, NULL, 0, VMA_SPECIAL_NONE))
		return -ENOMEM;
	p &= ~15ULL;
	p -= PLATFORM_LEN + RANDOM_BYTES;
	items = (argc + 1) + (envc + 1) + 1 + AUXV_WORDS;
	mm->start_stack = (p - items * sizeof(uint64_t)) & ~15ULL;
	return 0;
}

static int build(struct machine *m, struct mm_struct *mm, const char *path, const char *argv,
		 size_t argv_len, size_t argc, struct padzero *pz, char *why, size_t whylen)
{
	struct elf_image prog, interp;
	char ipath[MM_SNAP_PATH_MAX];
	uint64_t bias = 0, brk, ibrk, top, first, size;
	int err, has_interp;

	err = elf_open(m, path, &prog, 0, why, whylen);
	if (err)
		goto out_prog;
	err = load_extent(&prog, &first, &size);
	if (err) {
		WHY("'%s' has no PT_LOAD segment", path);
		goto out_prog;
	}
	has_interp = interp_path(m, &prog, ipath, sizeof(ipath));
	if (has_interp < 0) {
		err = has_interp;
		WHY("'%s' has a bad PT_INTERP", path);
		goto out_prog;
	}
	if (has_interp) {
		err = elf_open(m, ipath, &interp, 1, why, whylen);
		if (err)
			goto out_interp;
	}
	mm->task_size = TASK_SIZE;
	mm->mmap_base = MMAP_BASE;
	top = MMAP_BASE;
	err = setup_stack(m, mm, path, argv, argv_len, argc);
	if (err)
		goto out_interp;
	if (prog.eh.e_type == ET_DYN && has_interp) {
		uint64_t align = max_align(&prog), base = DYN_BASE;

		if (align)
			base &= ~(align - 1);
		bias = PAGESTART(base - first);
	} else if (prog.eh.e_type == ET_DYN) {
		bias = topdown_bias(&prog, &top);	/* static PIE: where mmap puts it */
	}
	err = map_segments(m, mm, &prog, bias, &brk, pz, why, whylen);
	if (!err) {
		code_data_bounds(mm, &prog, bias);
		if (prog.eh.e_type == ET_DYN && !has_interp)
			brk = DYN_BASE;	/* the brk of a static PIE leaves the mmap area */
		mm->start_brk = mm->brk = PAGEALIGN(brk);
		mm->exe_file = file_ref_get(prog.file);
	}
	if (!err && has_interp) {
		uint64_t ibias = interp.eh.e_type == ET_DYN ? topdown_bias(&interp, &top) : 0;

		err = map_segments(m, mm, &interp, ibias, &ibrk, pz, why, whylen);
		if (!err && interp.eh.e_type != ET_DYN && load_extent(&interp, &first, &size) == 0 &&
		    PAGESTART(first) < top)
			top = PAGESTART(first);
	}
	if (!err)
		err = exec_map_vdso(mm, &top);
	mm->hiwater_vm = mm->total_vm;
out_interp:
	if (has_interp > 0)
		elf_close(&interp);
out_prog:
	elf_close(&prog);
	return err;
}

int binfmt_elf_exec(struct machine *m, struct task *t, const char *path, const char *argv,
		    size_t argv_len, char *why, size_t whylen)
{
	struct padzero pz = { .nr = 0 };
	struct mm_struct *mm;
	size_t argc = 0;
	const char *base;
	int err;

	lockdep_assert_held(m);
	if (argv_len > TASK_CMDLINE_MAX || (argv_len && argv[argv_len - 1])) {
		WHY("arguments longer than %d bytes", TASK_CMDLINE_MAX);
		return -E2BIG;
	}
	for (size_t i = 0; i < argv_len; i++)
		argc += argv[i] == '\0';
	mm = mm_alloc(m);
	if (!mm)
		return -ENOMEM;
	err = build(m, mm, path, argv, argv_len, argc, &pz, why, whylen);
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
	/* comm is the file's last name (__set_task_comm of bprm->filename's kbasename) */
	base = strrchr(path, '/');
	snprintf(t->comm, sizeof(t->comm), "%s", base ? base + 1 : path);
	memcpy(t->cmdline, argv, argv_len);
	t->cmdline_len = argv_len;
	/*
	 * The kernel's own stores, in its order: padzero of each segment as it
	 * was loaded, then the strings and tables at the top of the stack.
	 * They cannot fail for want of a mapping; out of memory, the process
	 * keeps its new layout with those pages not yet present.
	 */
	for (int i = 0; i < pz.nr; i++)
		touch_range(m, t, PAGESTART(pz.addr[i]), MM_PAGE_SIZE, 1, NULL, 0);
	touch_range(m, t, PAGESTART(mm->start_stack), STACK_TOP - PAGESTART(mm->start_stack), 1,
		    NULL, 0);
	return 0;
}
