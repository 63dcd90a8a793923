/* SPDX-License-Identifier: MIT */
/*
 * The VMA tree against a brute-force model: seeded random inserts, removals
 * and resizes with the structural check after every step, and every gap
 * search compared with an exhaustive scan. Then the simulated file system.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../mm/internal.h"
#include "../../mm/task.h"
#include "../../mm/vma.h"
#include "../../mm/file.h"

#define PG 4096ULL
#define SPACE_PAGES 4096ULL	/* the test address space: [0, 16 MiB) */

static uint64_t rng = 88172645463325252ULL;
static uint64_t rnd(uint64_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng % n;
}

/* The model: which page belongs to which VMA (index+1), 0 = free. */
static struct vm_area_struct *owner[SPACE_PAGES];

static void tree_ok(struct mm_struct *mm)
{
	char why[160];

	cr_assert_eq(vt_check(&mm->vmas, why, sizeof(why)), 0, "%s", why);
}

static struct vm_area_struct *new_vma(uint64_t s, uint64_t e, uint64_t flags)
{
	struct vm_area_struct *v = vm_area_alloc();

	v->vm_start = s * PG;
	v->vm_end = e * PG;
	v->vm_flags = flags;
	v->vm_pgoff = s;
	return v;
}

/*
 * The kernel's rule by exhaustive scan of the gaps (not the tightest fit:
 * like Linux, the search wants length + align_mask of room in one gap,
 * then takes the highest, or lowest, aligned address inside it).
 */
static int brute(const struct vm_unmapped_area_info *in, uint64_t *out)
{
	uint64_t length = in->length + in->align_mask;
	uint64_t high = in->high_limit - length, low = in->low_limit + length;
	uint64_t gs[SPACE_PAGES + 2], ge[SPACE_PAGES + 2];
	struct vm_area_struct *prev = NULL;
	int n = 0, found = -1;

	for (uint64_t p = 0; p < SPACE_PAGES; p++) {
		struct vm_area_struct *v = owner[p];

		if (!v || v->vm_start != p * PG)
			continue;
		gs[n] = prev ? prev->vm_end : 0;
		ge[n] = vm_start_gap(v);
		n++;
		prev = v;
	}
	gs[n] = prev ? prev->vm_end : 0;	/* the gap above everything */
	ge[n] = in->high_limit;
	n++;
	for (int i = 0; i < n; i++) {
		if (gs[i] > high || ge[i] < low || ge[i] <= gs[i] || ge[i] - gs[i] < length)
			continue;
		if (found < 0 || (in->flags & VM_UNMAPPED_AREA_TOPDOWN))
			found = i;
		if (!(in->flags & VM_UNMAPPED_AREA_TOPDOWN))
			break;
	}
	if (found < 0)
		return -ENOMEM;
	if (in->flags & VM_UNMAPPED_AREA_TOPDOWN) {
		uint64_t e = ge[found] > in->high_limit ? in->high_limit : ge[found];

		e -= in->length;
		*out = e - ((e - in->align_offset) & in->align_mask);
	} else {
		uint64_t s = gs[found] < in->low_limit ? in->low_limit : gs[found];

		*out = s + ((in->align_offset - s) & in->align_mask);
	}
	return 0;
}

static void compare_search(struct mm_struct *mm)
{
	for (int i = 0; i < 8; i++) {
		struct vm_unmapped_area_info info = {
			.flags = rnd(2) ? VM_UNMAPPED_AREA_TOPDOWN : 0,
			.length = (1 + rnd(40)) * PG,
			.low_limit = rnd(SPACE_PAGES / 2) * PG,
			.high_limit = (SPACE_PAGES / 2 + rnd(SPACE_PAGES / 2 + 1)) * PG,
			.align_mask = rnd(3) ? 0 : (rnd(2) ? 16 * PG - PG : 64 * PG - PG),
		};
		uint64_t a = 0, b = 0;
		int ra = vm_unmapped_area(mm, &info, &a), rb = brute(&info, &b);

		cr_assert_eq(ra, rb, "len %llu low %llx high %llx align %llx topdown %u: tree %d brute %d",
			     (unsigned long long)info.length, (unsigned long long)info.low_limit,
			     (unsigned long long)info.high_limit, (unsigned long long)info.align_mask,
			     info.flags, ra, rb);
		if (!ra && a != b) {
			for (struct vm_area_struct *v = vma_first(mm); v; v = vma_next_of(v))
				fprintf(stderr, "%llx-%llx%s gap %llx sub %llx\n", (unsigned long long)v->vm_start,
					(unsigned long long)v->vm_end, v->vm_flags & MM_VM_GROWSDOWN ? " gd" : "",
					(unsigned long long)v->vt_gap, (unsigned long long)v->vt_subtree_gap);
			fprintf(stderr, "low %llx high %llx len %llx mask %llx\n", (unsigned long long)info.low_limit,
				(unsigned long long)info.high_limit, (unsigned long long)info.length,
				(unsigned long long)info.align_mask);
		}
		if (!ra)
			cr_assert_eq(a, b, "tree %llx brute %llx (topdown %u, len %llu)",
				     (unsigned long long)a, (unsigned long long)b, info.flags,
				     (unsigned long long)info.length);
	}
}

/* The tree tests need no machine, only an arena to allocate VMAs from. */
static struct arena *arena;

static void arena_up(void)
{
	arena = arena_create(0, 1ULL << 30);
	cr_assert(arena);
	arena_set_current(arena);
}

static void arena_down(void)
{
	cr_assert_eq(arena_live(arena, NULL), 0, "every VMA was freed");
	arena_destroy(arena);
}

TestSuite(vma_tree, .init = arena_up, .fini = arena_down);

Test(vma_tree, random_against_model)
{
	struct mm_struct *mm = mm_alloc(NULL);

	memset(owner, 0, sizeof(owner));
	for (int step = 0; step < 6000; step++) {
		int op = (int)rnd(10);

		if (op < 5) {	/* insert a random free range */
			uint64_t s = rnd(SPACE_PAGES - 1), e = s + 1 + rnd(24), flags = MM_VM_READ;
			int free_range = e <= SPACE_PAGES;

			for (uint64_t p = s; free_range && p < e; p++)
				free_range = !owner[p];
			if (!free_range)
				continue;
			if (!rnd(8))
				flags |= MM_VM_GROWSDOWN;
			struct vm_area_struct *v = new_vma(s, e, flags);

			cr_assert_eq(vma_insert(mm, v), 0);
			for (uint64_t p = s; p < e; p++)
				owner[p] = v;
		} else if (op < 8) {	/* remove the VMA at a random page */
			struct vm_area_struct *v = owner[rnd(SPACE_PAGES)];

			if (!v)
				continue;
			for (uint64_t p = v->vm_start / PG; p < v->vm_end / PG; p++)
				owner[p] = NULL;
			vma_remove(mm, v);
			vm_area_free(v);
		} else {	/* shrink or grow a VMA in place */
			struct vm_area_struct *v = owner[rnd(SPACE_PAGES)];
			uint64_t s, e;

			if (!v)
				continue;
			s = v->vm_start / PG;
			e = v->vm_end / PG;
			if (rnd(2) && s > 0 && !owner[s - 1])
				s--;
			else if (e - s > 1)
				s++;
			if (rnd(2) && e < SPACE_PAGES && !owner[e])
				e++;
			for (uint64_t p = v->vm_start / PG; p < v->vm_end / PG; p++)
				owner[p] = NULL;
			vma_adjust(mm, v, s * PG, e * PG, s);
			for (uint64_t p = s; p < e; p++)
				owner[p] = v;
		}
		tree_ok(mm);
		if (step % 4 == 0)
			compare_search(mm);
		/* lookup agrees with the model */
		uint64_t a = rnd(SPACE_PAGES);
		cr_assert_eq(vma_lookup(mm, a * PG), owner[a]);
	}
	mm_free_vmas(mm);
	kfree(mm);
}

Test(vma_tree, million_vmas_stay_logarithmic)
{
	struct mm_struct *mm = mm_alloc(NULL);
	struct vm_unmapped_area_info info = { .flags = VM_UNMAPPED_AREA_TOPDOWN,
		.length = 2 * PG, .low_limit = PG, .high_limit = 1ULL << 40 };
	uint64_t addr;

	/* 1M single pages with one-page holes, then the top gap is closed */
	for (uint64_t i = 0; i < 1000000; i++)
		cr_assert_eq(vma_insert(mm, new_vma(2 * i + 1, 2 * i + 2, MM_VM_READ)), 0);
	cr_assert_eq(vma_count(mm), 1000000);
	cr_assert_lt(mm->vmas.root->vt_height, 28);
	tree_ok(mm);
	/* no two-page hole below the last VMA; above it everything is free */
	info.high_limit = 2000001 * PG;
	cr_assert_eq(vm_unmapped_area(mm, &info, &addr), -ENOMEM);
	info.high_limit = 1ULL << 40;
	cr_assert_eq(vm_unmapped_area(mm, &info, &addr), 0);
	cr_assert_eq(addr, (1ULL << 40) - 2 * PG);
	info.length = PG;
	info.high_limit = 1000 * PG;
	cr_assert_eq(vm_unmapped_area(mm, &info, &addr), 0);
	cr_assert_eq(addr, 998 * PG);
	mm_free_vmas(mm);
	kfree(mm);
}

/* ---- the simulated file system ---- */

static char dir[64];

static struct machine *boot_with_backing(void)
{
	struct mm_config cfg = { .ram_bytes = 256ULL << 20, .nr_nodes = 1 };
	struct machine *m = mm_boot(&cfg, NULL, 0);

	strcpy(dir, "/tmp/mmfs-unit.XXXXXX");
	cr_assert(mkdtemp(dir));
	cr_assert_eq(mm_set_backing(m, dir, 0, 0x2d), 0);
	return m;
}

static void cleanup(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
}

Test(file, lookup_sharing_and_escapes)
{
	struct machine *m = boot_with_backing();
	struct file_ref *a, *b, *c;
	char path[128], why[128];
	struct stat st;

	machine_lock(m);
	cr_assert_eq(file_open(m, "/data/x", MM_O_RDWR, &a, why, sizeof(why)), -ENOENT);
	cr_assert_eq(file_open(m, "/x", MM_O_RDWR | MM_O_CREAT, &a, why, sizeof(why)), 0);
	snprintf(path, sizeof(path), "%s/x", dir);
	cr_assert_eq(stat(path, &st), 0);
	/* the model numbers inodes itself, in lookup order after init's three files */
	cr_assert_eq(a->ino, 131073 + 3);
	cr_assert_eq(a->host_ino, st.st_ino);
	cr_assert_eq(a->dev_minor, 0x2d);
	cr_assert_str_eq(a->path, "/x");
	/* another spelling is another open of the same inode (as Linux's struct file) */
	cr_assert_eq(file_open(m, "//./y/../x", MM_O_RDONLY, &b, why, sizeof(why)), 0);
	cr_assert_neq(a, b);
	cr_assert_eq(a->inode, b->inode);
	cr_assert_eq(a->ino, b->ino);
	cr_assert_str_eq(b->path, "/x");
	/* ".." cannot climb above the root: "/../../x" is "/x" */
	cr_assert_eq(file_open(m, "/../../x", MM_O_RDONLY, &c, why, sizeof(why)), 0);
	cr_assert_eq(c->inode, a->inode);
	file_ref_put(c);
	/* a symlink leading outside is refused */
	snprintf(path, sizeof(path), "%s/out", dir);
	cr_assert_eq(symlink("/etc", path), 0);
	cr_assert_eq(file_open(m, "/out/passwd", MM_O_RDONLY, &c, why, sizeof(why)), -EACCES);
	cr_assert(strstr(why, "outside"), "%s", why);
	snprintf(path, sizeof(path), "%s/rel", dir);
	cr_assert_eq(symlink("../../../etc/passwd", path), 0);
	cr_assert_eq(file_open(m, "rel", MM_O_RDONLY, &c, why, sizeof(why)), -EACCES);
	/* directories */
	cr_assert_eq(file_ensure(m, "/d/e/f", 8192), 0);
	cr_assert_eq(file_open(m, "/d/e", MM_O_RDONLY, &c, why, sizeof(why)), 0);
	cr_assert(c->is_dir);
	cr_assert_eq(file_size(m, b), 0);
	file_ref_put(c);
	cr_assert_eq(file_open(m, "/d/e/f", MM_O_RDONLY, &c, why, sizeof(why)), 0);
	cr_assert_eq(file_size(m, c), 8192);
	file_ref_put(c);
	file_ref_put(a);
	file_ref_put(b);
	machine_unlock(m);
	mm_shutdown(m);
	cleanup();
}

/* init was created before the file system: attaching it gives init real files. */
Test(file, attach_gives_init_real_files)
{
	struct machine *m = boot_with_backing();
	struct mm_task_snap *t = mm_snap_task(m, 1, 1);
	char path[256];
	struct stat st;
	int seen = 0;

	for (size_t i = 0; i < t->nr_vmas; i++) {
		if (!strcmp(t->vmas[i].name, "/usr/lib/x86_64-linux-gnu/libc.so.6")) {
			snprintf(path, sizeof(path), "%s%s", dir, t->vmas[i].name);
			cr_assert_eq(stat(path, &st), 0);
			cr_assert_eq(t->vmas[i].ino, 131073 + 1);	/* /sbin/init is first */
			cr_assert_eq(t->vmas[i].dev_minor, 0x2d);
			cr_assert_geq(st.st_size, (off_t)0x1d5000);
			seen++;
		}
	}
	cr_assert_eq(seen, 5);
	free(t);
	snprintf(path, sizeof(path), "%s/sbin/init", dir);
	cr_assert_eq(stat(path, &st), 0);
	mm_shutdown(m);
	cleanup();
}
