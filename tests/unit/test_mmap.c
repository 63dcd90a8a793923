// SPDX-License-Identifier: MIT
/*
 * test_mmap.c - the address-space system calls against what Linux 6.18
 * does (reference/procfs.md §19, samples/errno.out, merge*.out,
 * maxmap.out, lay.out, commit.out). VMA lists are asserted exactly, and
 * the invariant checker runs after every test.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "leakcheck.h"
#include "../../mm/internal.h"
#include "../../mm/task.h"
#include "../../mm/vma.h"

#pragma GCC diagnostic ignored "-Woverride-init"

#define K	4096ULL
#define RW	(MM_PROT_READ | MM_PROT_WRITE)
#define PA	(MM_MAP_PRIVATE | MM_MAP_ANONYMOUS)
#define SA	(MM_MAP_SHARED | MM_MAP_ANONYMOUS)
#define FIX	MM_MAP_FIXED
#define W	0x10000000ULL		/* a free area for MAP_FIXED work */
#define FIRST	0x7ffff7fbf000ULL	/* the first top-down page (lay.out p1) */

static struct machine *m;

#include "mmtest.h"	/* mincore_s */
static char why[256], dir[64];
static uint64_t ret;
static int pid = 1;

static void boot(void)
{
	struct mm_config cfg = { .ram_bytes = 1ULL << 30, .nr_nodes = 1, .swap_bytes = 0 };
	char buf[128] = "";

	m = mm_boot(&cfg, buf, sizeof(buf));
	cr_assert_not_null(m, "mm_boot: %s", buf);
	strcpy(dir, "/tmp/mmfs-mmap.XXXXXX");
	cr_assert(mkdtemp(dir));
	cr_assert_eq(mm_set_backing(m, dir, 0xfe, 1), 0);
	pid = 1;
}

static void shutdown(void)
{
	int nbad = -1;
	char *r = mm_check(m, &nbad);
	char cmd[128];

	cr_expect_str_eq(r, "ok\n", "mm_check: %s", r);
	free(r);
	mm_shutdown(m);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
	leak_check();
}

TestSuite(mmap, .init = boot, .fini = shutdown);

static int do_call(struct mm_call c)
{
	why[0] = '\0';
	ret = 0;
	return mm_syscall(m, pid, &c, &ret, why, sizeof(why));
}

#define CALL(...)	do_call((struct mm_call){ .fd = -1, __VA_ARGS__ })
#define MMAP(a, l, p, f)	CALL(.verb = MMV_MMAP, .addr = (a), .len = (l), .prot = (p), .flags = (f))
#define MUNMAP(a, l)	CALL(.verb = MMV_MUNMAP, .addr = (a), .len = (l))
#define MPROTECT(a, l, p) CALL(.verb = MMV_MPROTECT, .addr = (a), .len = (l), .prot = (p))
#define MREMAP(a, o, n, f, na) CALL(.verb = MMV_MREMAP, .addr = (a), .len = (o), .new_len = (n), \
				    .flags = (f), .new_addr = (na))
#define MADV(a, l, adv)	CALL(.verb = MMV_MADVISE, .addr = (a), .len = (l), .advice = (adv))
#define MLOCK(a, l)	CALL(.verb = MMV_MLOCK, .addr = (a), .len = (l))
#define MUNLOCK(a, l)	CALL(.verb = MMV_MUNLOCK, .addr = (a), .len = (l))
#define BRK(a)		CALL(.verb = MMV_BRK, .addr = (a))

/* mmap that must succeed at the given address */
#define MAP_AT(a, l, p, f) cr_assert_eq(MMAP(a, l, p, (f) | FIX), 0, "mmap: %s", why)

static const char *const mnemonics[32] = {
	"rd", "wr", "ex", "sh", "mr", "mw", "me", "ms", "gd", "um", "pf", "??",
	"uw", "lo", "io", "sr", "rr", "dc", "de", "lf", "ac", "nr", "ht", "sf",
	"ar", "wf", "dd", "sd", "mm", "hg", "nh", "mg",
};

/* "start-end perms flags\n" for each VMA inside [lo, hi), as maps/smaps show them */
static const char *maps(uint64_t lo, uint64_t hi)
{
	static char buf[16384];
	struct mm_task_snap *s = mm_snap_task(m, pid, 1);
	size_t off = 0;

	cr_assert_not_null(s);
	buf[0] = '\0';
	for (size_t i = 0; i < s->nr_vmas; i++) {
		const struct mm_vma_snap *v = &s->vmas[i];
		uint64_t f = v->flags;

		if (v->start < lo || v->end > hi)
			continue;
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%llx-%llx %c%c%c%c",
					(unsigned long long)v->start, (unsigned long long)v->end,
					f & MM_VM_READ ? 'r' : '-', f & MM_VM_WRITE ? 'w' : '-',
					f & MM_VM_EXEC ? 'x' : '-', f & MM_VM_MAYSHARE ? 's' : 'p');
		for (int b = 0; b < 32; b++)
			if (f & (1ULL << b))
				off += (size_t)snprintf(buf + off, sizeof(buf) - off, " %s", mnemonics[b]);
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "\n");
	}
	free(s);
	return buf;
}

static struct mm_struct *mm(void)
{
	return find_task_by_pid(m, pid)->mm;
}

#define ANON_RW	"rw-p rd wr mr mw me ac"
#define ANON_R	"r--p rd mr mw me"

/* ---- §19.2 errno table: mmap ---- */

Test(mmap, errno_mmap)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/data.bin", dir);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	cr_assert_eq(fwrite(path, 1, 100, f), 100);
	fclose(f);
	cr_assert_eq(mkdir(strcat(strcpy(path, dir), "/d"), 0755), 0);

	cr_assert_eq(MMAP(0, 0, RW, PA), -EINVAL);
	cr_assert_str_eq(why, "len is 0");
	cr_assert_eq(MMAP(W + 1, K, RW, PA | FIX), -EINVAL);
	cr_assert_eq(MMAP(0x30000123, K, RW, PA), 0);
	cr_assert_eq(ret, 0x30000000);
	cr_assert_eq(CALL(.verb = MMV_MMAP, .len = K, .prot = RW, .flags = PA, .off = 100), -EINVAL);
	cr_assert_eq(MMAP(0, K, RW, MM_MAP_ANONYMOUS), -EINVAL);
	cr_assert_eq(MMAP(0, K, RW, MM_MAP_SHARED_VALIDATE | MM_MAP_ANONYMOUS), -EINVAL);
	cr_assert_eq(CALL(.verb = MMV_MMAP, .len = K, .prot = RW, .flags = MM_MAP_PRIVATE, .fd = 7), -EBADF);
	cr_assert_eq(CALL(.verb = MMV_OPEN, .path = "/data.bin", .flags = MM_O_RDONLY), 0, "%s", why);
	cr_assert_eq(ret, 3, "the first fd after stdin, stdout, stderr");
	cr_assert_eq(CALL(.verb = MMV_MMAP, .len = K, .prot = RW, .flags = MM_MAP_SHARED, .fd = 3), -EACCES);
	cr_assert_eq(CALL(.verb = MMV_MMAP, .len = K, .prot = RW, .flags = MM_MAP_PRIVATE, .fd = 3), 0);
	cr_assert_eq(CALL(.verb = MMV_MMAP, .len = K, .prot = RW, .flags = MM_MAP_PRIVATE, .path = "/d"), -ENODEV);
	/* a directory has no FOP_MMAP_SYNC: MAP_SYNC is refused before ->mmap */
	cr_assert_eq(CALL(.verb = MMV_MMAP, .len = K, .prot = MM_PROT_READ,
			  .flags = MM_MAP_SHARED_VALIDATE | MM_MAP_SYNC, .path = "/d"), -EOPNOTSUPP);
	cr_assert_eq(CALL(.verb = MMV_OPEN, .path = "/data.bin", .flags = MM_O_WRONLY), 0);
	cr_assert_eq(ret, 4);
	cr_assert_eq(CALL(.verb = MMV_MMAP, .len = K, .prot = MM_PROT_READ, .flags = MM_MAP_PRIVATE, .fd = 4), -EACCES);
	cr_assert_eq(MMAP(0, 1ULL << 62, RW, PA), -ENOMEM);
	cr_assert_eq(MMAP(0, ~0ULL - 100, RW, PA), -ENOMEM);
	cr_assert_eq(MMAP(0, 64ULL << 40, RW, PA), -ENOMEM);
	cr_assert_eq(MMAP(0, 64ULL << 40, RW, PA | MM_MAP_NORESERVE), 0, "%s", why);
	cr_assert_eq(MUNMAP(ret, 64ULL << 40), 0);
	cr_assert_eq(MMAP(0, 64ULL << 40, MM_PROT_READ, PA), 0);
	cr_assert_eq(MUNMAP(ret, 64ULL << 40), 0);
	MAP_AT(W, 4 * K, RW, PA);
	cr_assert_eq(MMAP(W, 4 * K, RW, PA | MM_MAP_FIXED_NOREPLACE), -EEXIST);
	cr_assert_eq(MMAP(W + 3 * K, 4 * K, RW, PA | MM_MAP_FIXED_NOREPLACE), -EEXIST);
	cr_assert_eq(MMAP(0, K, RW, PA | FIX), 0);
	cr_assert_eq(MMAP(K, K, RW, PA | FIX), 0);
	cr_assert_eq(MMAP(TASK_SIZE, K, RW, PA | FIX), -ENOMEM);
	cr_assert_eq(MMAP(TASK_SIZE - K, 2 * K, RW, PA | FIX), -ENOMEM);
	cr_assert_eq(MMAP(0x800000000000ULL, K, RW, PA), 0);
	cr_assert(ret > 0x7ff000000000ULL && ret < 0x7ffff7fff000ULL, "hint above 47 bits ignored: %llx",
		  (unsigned long long)ret);
	cr_assert_eq(MMAP(0, K, 0x100 | RW, PA | 0x40000000ULL), 0, "unknown bits ignored");
	cr_assert_eq(CALL(.verb = MMV_MMAP, .len = K, .prot = RW,
			  .flags = MM_MAP_SHARED_VALIDATE | 0x80000000ULL, .path = "/data.bin"), -EOPNOTSUPP);
	cr_assert_eq(CALL(.verb = MMV_MMAP, .len = K, .prot = RW,
			  .flags = MM_MAP_SHARED_VALIDATE | 0x40000000ULL, .path = "/data.bin"), 0,
		     "MAP_HUGE_2MB's bits are legacy flags: %s", why);
	cr_assert_eq(CALL(.verb = MMV_MMAP, .len = K, .prot = RW, .flags = MM_MAP_SHARED_VALIDATE,
			  .path = "/data.bin"), 0);
	cr_assert_eq(CALL(.verb = MMV_MMAP, .len = 8 * K, .prot = MM_PROT_READ, .flags = MM_MAP_PRIVATE,
			  .path = "/data.bin", .off = 64 * K), 0, "offset beyond EOF is fine");
}

/* ---- §19.2: munmap, mprotect ---- */

Test(mmap, errno_munmap_mprotect)
{
	MAP_AT(W, 8 * K, RW, PA);
	cr_assert_eq(MUNMAP(W + 1, K), -EINVAL);
	cr_assert_eq(MUNMAP(W, 0), -EINVAL);
	cr_assert_eq(MUNMAP(0x20000000, 16 * K), 0);
	cr_assert_eq(MUNMAP(W + 6 * K, K + 1), 0);
	cr_assert_str_eq(maps(W, W + 16 * K), "10000000-10006000 " ANON_RW "\n");
	cr_assert_eq(MUNMAP(~0ULL & ~(K - 1), 2 * K), -EINVAL);
	cr_assert_eq(MUNMAP(TASK_SIZE, K), -EINVAL);

	cr_assert_eq(MPROTECT(W + 1, K, MM_PROT_READ), -EINVAL);
	cr_assert_eq(MPROTECT(W, 0, MM_PROT_READ), 0);
	cr_assert_eq(MPROTECT(0x20000000, K, MM_PROT_READ), -ENOMEM);
	MAP_AT(W + 7 * K, K, RW, PA);
	cr_assert_eq(MPROTECT(W + 5 * K, 3 * K, MM_PROT_READ), -ENOMEM);
	cr_assert_str_eq(maps(W, W + 16 * K),
			 "10000000-10005000 " ANON_RW "\n"
			 "10005000-10006000 " ANON_R "\n"
			 "10007000-10008000 " ANON_RW "\n");
	cr_assert_eq(MPROTECT(W, K, 0x100), -EINVAL);
	cr_assert_eq(MPROTECT(W, K, MM_PROT_READ | MM_PROT_GROWSDOWN), -EINVAL);
	cr_assert_str_eq(why, "growsdown on a VMA that does not grow down");
}

Test(mmap, errno_file_prot)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/ro.bin", dir);
	f = fopen(path, "w");
	cr_assert_eq(fwrite(path, 1, 10, f), 10);
	fclose(f);
	cr_assert_eq(CALL(.verb = MMV_OPEN, .path = "/ro.bin", .flags = MM_O_RDONLY, .fd = 5), 0);
	cr_assert_eq(ret, 5, "strace form: the fd it asked for");
	cr_assert_eq(CALL(.verb = MMV_MMAP, .addr = W, .len = K, .prot = MM_PROT_READ,
			  .flags = MM_MAP_SHARED | FIX, .fd = 5), 0);
	cr_assert_eq(CALL(.verb = MMV_MMAP, .addr = W + K, .len = K, .prot = MM_PROT_READ,
			  .flags = MM_MAP_PRIVATE | FIX, .fd = 5, .off = K), 0);
	cr_assert_eq(MPROTECT(W, K, RW), -EACCES);
	cr_assert_eq(MPROTECT(W + K, K, RW), 0);
	cr_assert_eq(MPROTECT(W + K, K, MM_PROT_READ | MM_PROT_EXEC), 0);
	cr_assert_str_eq(maps(W, W + 4 * K),
			 "10000000-10001000 r--s rd mr me ms\n"
			 "10001000-10002000 r-xp rd ex mr mw me ac\n");
	cr_assert_eq(CALL(.verb = MMV_CLOSE, .fd = 5), 0);
	cr_assert_eq(CALL(.verb = MMV_CLOSE, .fd = 5), -EBADF);
}

/* ---- §19.2: mremap ---- */

Test(mmap, errno_mremap)
{
	MAP_AT(W, 4 * K, RW, PA);
	MAP_AT(W + 4 * K, 4 * K, MM_PROT_READ, PA);
	cr_assert_eq(MREMAP(W + 1, K, 2 * K, 0, 0), -EINVAL);
	cr_assert_eq(MREMAP(W, K, 0, 0, 0), -EINVAL);
	cr_assert_eq(MREMAP(W, 0, K, MM_MREMAP_MAYMOVE, 0), -EINVAL);
	cr_assert_eq(MREMAP(0x20000000, K, 2 * K, 0, 0), -EFAULT);
	cr_assert_eq(MREMAP(W, K, K, MM_MREMAP_FIXED, 0x30000000), -EINVAL);
	cr_assert_eq(MREMAP(W, K, K, 8, 0), -EINVAL);
	cr_assert_eq(MREMAP(W, 8 * K, 16 * K, MM_MREMAP_MAYMOVE, 0), -EFAULT);
	cr_assert_eq(MREMAP(W, 4 * K, 4 * K, MM_MREMAP_MAYMOVE | MM_MREMAP_FIXED, W + 2 * K), -EINVAL);
	cr_assert_eq(MREMAP(W, 4 * K, 4 * K, MM_MREMAP_MAYMOVE | MM_MREMAP_FIXED, 0x30000001), -EINVAL);
	cr_assert_eq(MREMAP(W, 4 * K, 4 * K, 0, 0), 0);
	cr_assert_eq(ret, W);
	cr_assert_eq(MREMAP(W, 4 * K, 8 * K, 0, 0), -ENOMEM);
	cr_assert_eq(MREMAP(W, 4 * K, 8 * K, MM_MREMAP_MAYMOVE, 0), 0);
	cr_assert_neq(ret, W);
	cr_assert_str_eq(maps(W, W + 4 * K), "");
	cr_assert_eq(MREMAP(ret, 8 * K, 2 * K, 0, 0), 0, "shrink");
	MAP_AT(0x20000000, 2 * K, RW, PA);
	cr_assert_eq(MREMAP(0x20000000, 2 * K, 6 * K, 0, 0), 0, "grow in place");
	cr_assert_eq(ret, 0x20000000);
	cr_assert_str_eq(maps(0x20000000, 0x20010000), "20000000-20006000 " ANON_RW "\n");

	/* old_len 0 on a shared mapping: a second mapping of the same object */
	cr_assert_eq(MMAP(0x30000000, 4 * K, RW, SA | FIX), 0);
	cr_assert_eq(MREMAP(0x30000000, 0, 4 * K, 0, 0), -ENOMEM);
	cr_assert_eq(MREMAP(0x30000000, 0, 4 * K, MM_MREMAP_MAYMOVE | MM_MREMAP_FIXED, 0x31000000), 0);
	cr_assert_str_eq(maps(0x30000000, 0x32000000),
			 "30000000-30004000 rw-s rd wr sh mr mw me ms\n"
			 "31000000-31004000 rw-s rd wr sh mr mw me ms\n");
	cr_assert_eq(vma_lookup(mm(), 0x30000000)->vm_file, vma_lookup(mm(), 0x31000000)->vm_file);
}

/* ---- §19.2: madvise, mlock, mincore, msync ---- */

Test(mmap, errno_madvise)
{
	MAP_AT(W, 4 * K, RW, PA);
	MAP_AT(W + 5 * K, 4 * K, RW, PA);
	cr_assert_eq(MADV(W + 1, K, MM_MADV_NORMAL), -EINVAL);
	cr_assert_eq(MADV(W, 0, MM_MADV_NORMAL), 0);
	cr_assert_eq(MADV(0x20000000, K, MM_MADV_DONTNEED), -ENOMEM);
	cr_assert_eq(MADV(0x20000000, K, MM_MADV_NORMAL), -ENOMEM);
	cr_assert_eq(MADV(0x20000000, K, MM_MADV_WILLNEED), -ENOMEM);
	cr_assert_eq(MADV(W, 9 * K, MM_MADV_DONTFORK), -ENOMEM);
	cr_assert_str_eq(maps(W, W + 9 * K),
			 "10000000-10004000 rw-p rd wr mr mw me dc ac\n"
			 "10005000-10009000 rw-p rd wr mr mw me dc ac\n",
			 "the hole does not stop the advice: %s", maps(W, W + 9 * K));
	cr_assert_eq(MADV(W, K, 999), -EINVAL);
	cr_assert_eq(MLOCK(W, 4 * K), 0);
	cr_assert_eq(MADV(W, K, MM_MADV_DONTNEED), -EINVAL);
	cr_assert_eq(MADV(W, K, MM_MADV_FREE), -EINVAL);
	cr_assert_eq(MADV(W + 5 * K, K, MM_MADV_REMOVE), -EINVAL);
	cr_assert_eq(MMAP(0x30000000, 4 * K, RW, SA | FIX), 0);
	cr_assert_eq(MADV(0x30000000, K, MM_MADV_FREE), -EINVAL);
	cr_assert_eq(MADV(0x30000000, K, MM_MADV_REMOVE), 0);
	cr_assert_eq(CALL(.verb = MMV_OPEN, .path = "/f", .flags = MM_O_RDWR | MM_O_CREAT), 0);
	cr_assert_eq(CALL(.verb = MMV_MMAP, .addr = 0x31000000, .len = K, .prot = RW,
			  .flags = MM_MAP_PRIVATE | FIX, .fd = 3), 0);
	cr_assert_eq(MADV(0x31000000, K, MM_MADV_FREE), -EINVAL);
	cr_assert_eq(MADV(0x31000000, K, MM_MADV_DONTNEED), 0);
}

Test(mmap, errno_mlock_mincore_msync)
{
	char *vec;

	MAP_AT(W, 4 * K, RW, PA);
	MAP_AT(W + 5 * K, 4 * K, RW, PA);
	cr_assert_eq(MLOCK(W + 1, 10), 0);
	cr_assert_eq(mm()->locked_vm, 1, "unaligned mlock locks one page");
	cr_assert_eq(MLOCK(W, 0), 0);
	cr_assert_eq(MLOCK(0x20000000, 0), 0, "length 0 succeeds even on a hole");
	cr_assert_eq(MLOCK(0x20000000, K), -ENOMEM);
	cr_assert_eq(MLOCK(W + 3 * K, 3 * K), -ENOMEM);
	cr_assert_eq(mm()->locked_vm, 2, "the page before the hole stays locked");
	cr_assert_eq(CALL(.verb = MMV_MLOCK2, .addr = W, .len = K, .flags = 2), -EINVAL);
	cr_assert_eq(MUNLOCK(0x20000000, K), -ENOMEM);
	cr_assert_eq(CALL(.verb = MMV_MLOCKALL, .flags = 0), -EINVAL);
	cr_assert_eq(CALL(.verb = MMV_MLOCKALL, .flags = MM_MCL_ONFAULT), -EINVAL);
	MAP_AT(0x30000000, K, MM_PROT_NONE, PA);
	cr_assert_eq(MLOCK(0x30000000, K), -ENOMEM);
	cr_assert_str_eq(maps(0x30000000, 0x30001000), "30000000-30001000 ---p mr mw me lo\n");

	cr_assert_eq(mincore_s(m, pid, W + 1, K, &vec, why, sizeof(why)), -EINVAL);
	cr_assert_eq(mincore_s(m, pid, W, 0, &vec, why, sizeof(why)), 0);
	cr_assert_str_eq(vec, "");
	free(vec);
	cr_assert_eq(mincore_s(m, pid, 0x20000000, K, &vec, why, sizeof(why)), -ENOMEM);
	cr_assert_eq(mincore_s(m, pid, W, 9 * K, &vec, why, sizeof(why)), -ENOMEM);
	cr_assert_eq(mincore_s(m, pid, W, 3 * K + 1, &vec, why, sizeof(why)), 0);
	/* the first mlock populated its page; the failed one (a hole) populated nothing */
	cr_assert_str_eq(vec, "1000");
	free(vec);

	cr_assert_eq(CALL(.verb = MMV_MSYNC, .addr = W, .len = K, .flags = 8), -EINVAL);
	cr_assert_eq(CALL(.verb = MMV_MSYNC, .addr = W + 1, .len = K, .flags = MM_MS_SYNC), -EINVAL);
	cr_assert_eq(CALL(.verb = MMV_MSYNC, .addr = W, .len = K, .flags = MM_MS_SYNC | MM_MS_ASYNC), -EINVAL);
	cr_assert_eq(CALL(.verb = MMV_MSYNC, .addr = W, .len = 9 * K, .flags = MM_MS_SYNC), -ENOMEM);
	cr_assert_eq(CALL(.verb = MMV_MSYNC, .addr = W, .len = K, .flags = MM_MS_INVALIDATE), -EBUSY);
	cr_assert_eq(CALL(.verb = MMV_MSYNC, .addr = W + K, .len = K, .flags = MM_MS_SYNC), 0);
}

/* ---- §19.1 merges and splits ---- */

Test(mmap, merge_split_anon)
{
	MAP_AT(W, 4 * K, RW, PA);
	MAP_AT(W + 4 * K, 4 * K, RW, PA);
	cr_assert_str_eq(maps(W, W + 8 * K), "10000000-10008000 " ANON_RW "\n");
	cr_assert_eq(MPROTECT(W + 2 * K, K, MM_PROT_READ), 0);
	cr_assert_str_eq(maps(W, W + 8 * K),
			 "10000000-10002000 " ANON_RW "\n"
			 "10002000-10003000 " ANON_R "\n"
			 "10003000-10008000 " ANON_RW "\n");
	cr_assert_eq(MPROTECT(W + 2 * K, K, RW), 0);
	cr_assert_str_eq(maps(W, W + 8 * K), "10000000-10008000 " ANON_RW "\n");
	cr_assert_eq(MUNMAP(W + 3 * K, 2 * K), 0);
	cr_assert_str_eq(maps(W, W + 8 * K),
			 "10000000-10003000 " ANON_RW "\n10005000-10008000 " ANON_RW "\n");
	cr_assert_eq(MLOCK(W + K, K), 0);
	cr_assert_str_eq(maps(W, W + 3 * K),
			 "10000000-10001000 " ANON_RW "\n"
			 "10001000-10002000 rw-p rd wr mr mw me lo ac\n"
			 "10002000-10003000 " ANON_RW "\n");
	cr_assert_eq(MUNLOCK(W + K, K), 0);
	cr_assert_str_eq(maps(W, W + 3 * K), "10000000-10003000 " ANON_RW "\n");
	cr_assert_eq(MADV(W + 5 * K, K, MM_MADV_DONTNEED), 0);
	cr_assert_str_eq(maps(W + 5 * K, W + 8 * K), "10005000-10008000 " ANON_RW "\n");
	/* NORESERVE next to plain rw stays apart */
	MAP_AT(W + 8 * K, 4 * K, RW, PA | MM_MAP_NORESERVE);
	cr_assert_str_eq(maps(W + 5 * K, W + 12 * K),
			 "10005000-10008000 " ANON_RW "\n10008000-1000c000 rw-p rd wr mr mw me nr\n");
	/* spanning mprotect merges both; spanning munmap with holes removes all */
	cr_assert_eq(MPROTECT(W, 12 * K, MM_PROT_READ), -ENOMEM);
	cr_assert_eq(MUNMAP(W, 16 * K), 0);
	cr_assert_str_eq(maps(W, W + 16 * K), "");
}

Test(mmap, merge_anon_vma)
{
	/* a faulted VMA and an unfaulted one, made equal: merged */
	MAP_AT(W, 4 * K, RW, PA | MM_MAP_POPULATE);
	MAP_AT(W + 4 * K, 4 * K, MM_PROT_READ, PA);
	cr_assert_eq(MPROTECT(W + 4 * K, 4 * K, RW), 0);
	cr_assert_str_eq(maps(W, W + 8 * K), "10000000-10008000 " ANON_RW "\n");
	/* the gap between two faulted VMAs: the filler joins the previous one */
	MAP_AT(0x20000000, 4 * K, RW, PA | MM_MAP_POPULATE);
	MAP_AT(0x20005000, 3 * K, RW, PA | MM_MAP_POPULATE);
	MAP_AT(0x20004000, K, RW, PA);
	cr_assert_str_eq(maps(0x20000000, 0x20008000),
			 "20000000-20005000 " ANON_RW "\n20005000-20008000 " ANON_RW "\n");
	/* adjacent shared anonymous mappings are separate objects */
	MAP_AT(0x30000000, 4 * K, RW, SA);
	MAP_AT(0x30004000, 4 * K, RW, SA);
	cr_assert_eq(mm()->map_count, vma_count(mm()));
	cr_assert_str_eq(maps(0x30000000, 0x30008000),
			 "30000000-30004000 rw-s rd wr sh mr mw me ms\n"
			 "30004000-30008000 rw-s rd wr sh mr mw me ms\n");
}

Test(mmap, merge_mremap)
{
	/* unfaulted: the moved VMA takes its new address as pgoff and merges */
	MAP_AT(W, 4 * K, RW, PA);
	MAP_AT(0x20000000, 4 * K, RW, PA);
	cr_assert_eq(MREMAP(0x20000000, 4 * K, 4 * K, MM_MREMAP_MAYMOVE | MM_MREMAP_FIXED, W + 4 * K), 0);
	cr_assert_str_eq(maps(W, W + 8 * K), "10000000-10008000 " ANON_RW "\n");
	/* faulted: pgoff stays, no merge */
	MAP_AT(0x30000000, 4 * K, RW, PA | MM_MAP_POPULATE);
	MAP_AT(0x20000000, 4 * K, RW, PA | MM_MAP_POPULATE);
	cr_assert_eq(MREMAP(0x20000000, 4 * K, 4 * K, MM_MREMAP_MAYMOVE | MM_MREMAP_FIXED, 0x30004000), 0);
	cr_assert_str_eq(maps(0x30000000, 0x30008000),
			 "30000000-30004000 " ANON_RW "\n30004000-30008000 " ANON_RW "\n");
	/* a faulted tail moved away and back merges again */
	MAP_AT(0x40000000, 8 * K, RW, PA | MM_MAP_POPULATE);
	cr_assert_eq(MREMAP(0x40004000, 4 * K, 4 * K, MM_MREMAP_MAYMOVE | MM_MREMAP_FIXED, 0x41000000), 0);
	cr_assert_str_eq(maps(0x40000000, 0x40008000), "40000000-40004000 " ANON_RW "\n");
	cr_assert_eq(MREMAP(0x41000000, 4 * K, 4 * K, MM_MREMAP_MAYMOVE | MM_MREMAP_FIXED, 0x40004000), 0);
	cr_assert_str_eq(maps(0x40000000, 0x40008000), "40000000-40008000 " ANON_RW "\n");
}

Test(mmap, merge_file)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/data.bin", dir);
	f = fopen(path, "w");
	cr_assert_eq(fseek(f, 64 * K - 1, SEEK_SET), 0);
	cr_assert_eq(fputc(0, f), 0);
	fclose(f);
	cr_assert_eq(CALL(.verb = MMV_OPEN, .path = "/data.bin", .flags = MM_O_RDWR), 0);
#define FMAP(a_, n_, p_, fl_, o_) cr_assert_eq(CALL(.verb = MMV_MMAP, .addr = (a_), .len = (n_) * K, \
		.prot = (p_), .flags = (fl_) | FIX, .fd = 3, .off = (o_) * K), 0, "%s", why)
	FMAP(W, 2, MM_PROT_READ, MM_MAP_PRIVATE, 0);
	FMAP(W + 2 * K, 2, MM_PROT_READ, MM_MAP_PRIVATE, 2);
	cr_assert_str_eq(maps(W, W + 4 * K), "10000000-10004000 " ANON_R "\n");
	FMAP(0x20000000, 2, MM_PROT_READ, MM_MAP_PRIVATE, 0);
	FMAP(0x20002000, 2, MM_PROT_READ, MM_MAP_PRIVATE, 4);
	cr_assert_str_eq(maps(0x20000000, 0x20004000),
			 "20000000-20002000 " ANON_R "\n20002000-20004000 " ANON_R "\n");
	FMAP(0x30000000, 2, MM_PROT_READ, MM_MAP_SHARED, 0);
	FMAP(0x30002000, 2, MM_PROT_READ, MM_MAP_PRIVATE, 2);
	cr_assert_str_eq(maps(0x30000000, 0x30004000),
			 "30000000-30002000 r--s rd sh mr mw me ms\n30002000-30004000 " ANON_R "\n");
	FMAP(0x40000000, 2, RW, MM_MAP_SHARED, 0);
	FMAP(0x40002000, 2, RW, MM_MAP_SHARED, 2);
	cr_assert_str_eq(maps(0x40000000, 0x40004000), "40000000-40004000 rw-s rd wr sh mr mw me ms\n");
	MAP_AT(0x40004000, 2 * K, RW, PA);
	cr_assert_str_eq(maps(0x40004000, 0x40006000), "40004000-40006000 " ANON_RW "\n");
}

/* ---- placement (§19.1 top-down rows, §19.4, THP alignment) ---- */

Test(mmap, topdown_placement)
{
	cr_assert_eq(MMAP(0, K, RW, PA), 0);
	cr_assert_eq(ret, FIRST);
	cr_assert_eq(MMAP(0, K, MM_PROT_READ, PA), 0);
	cr_assert_eq(ret, FIRST - K);
	cr_assert_eq(MMAP(0, K, RW, PA), 0);
	cr_assert_eq(ret, FIRST - 2 * K);
	cr_assert_eq(MMAP(0, 4ULL << 20, RW, PA), 0);
	cr_assert_eq(ret, 0x7ffff7800000ULL, "4 MiB is 2 MiB-aligned: %llx", (unsigned long long)ret);
	cr_assert_eq(MMAP(0, 3ULL << 20, RW, PA), 0);
	cr_assert_eq(ret, 0x7ffff7500000ULL, "3 MiB is not: %llx", (unsigned long long)ret);
	cr_assert_str_eq(maps(0x7ffff7500000ULL, 0x7ffff7c00000ULL), "7ffff7500000-7ffff7c00000 " ANON_RW "\n");
	cr_assert_eq(MMAP(0, 2ULL << 20, RW, PA), 0);
	cr_assert_eq(ret, 0x7ffff7200000ULL);
	cr_assert_eq(MMAP(0, 4ULL << 20, RW, SA), 0);
	cr_assert_eq(ret, 0x7ffff6e00000ULL, "shared anon is not aligned: %llx", (unsigned long long)ret);
	/* a free hint is honoured; a busy one is not */
	cr_assert_eq(MMAP(0x50000000, K, RW, PA), 0);
	cr_assert_eq(ret, 0x50000000);
	cr_assert_eq(MMAP(0x50000000, K, RW, PA), 0);
	cr_assert_neq(ret, 0x50000000);
	cr_assert_eq(MMAP(0x7fffffffe000ULL, K, RW, PA), 0, "a hint in the stack guard gap");
	cr_assert_lt(ret, 0x7ffff7fff000ULL);
}

/* ---- max_map_count (§19.3) ---- */

Test(mmap, max_map_count)
{
	char val[16];
	uint64_t a;

	/* fill up to the limit with isolated pages, then probe each rule */
	snprintf(val, sizeof(val), "%zu", mm()->map_count + 6);
	cr_assert_eq(mm_tunable_write(m, "max_map_count", val, strlen(val)), 0);
	MAP_AT(W, 8 * K, RW, PA);
	for (a = 0x20000000; (int64_t)mm()->map_count < m->tun.max_map_count; a += 2 * K)
		MAP_AT(a, K, RW, PA);
	cr_assert_eq(MPROTECT(W + K, K, MM_PROT_READ), -ENOMEM, "split at the limit");
	cr_assert_eq(MUNMAP(W + K, K), -ENOMEM, "munmap splitting at the limit");
	cr_assert_eq(MMAP(0x30000000, K, RW, PA | FIX), 0, "mmap at the limit");
	cr_assert_eq((int64_t)mm()->map_count, m->tun.max_map_count + 1);
	cr_assert_eq(MMAP(0x31000000, K, RW, PA | FIX), -ENOMEM, "one past the limit");
	cr_assert_eq(MUNMAP(W + 7 * K, K), 0, "munmap of a tail does not split");
	cr_assert_eq(MADV(W + K, K, MM_MADV_DONTFORK), -EAGAIN, "madvise reports EAGAIN");
}

/* ---- brk (§19.2 brk rows) ---- */

Test(mmap, brk)
{
	uint64_t cur, start;

	cr_assert_eq(BRK(0), 0);
	cur = start = ret;
	cr_assert_eq(cur, 0x555555559000ULL);
	cr_assert_eq(BRK(cur + 1), 0);
	cr_assert_eq(ret, cur + 1, "unaligned break stored as given");
	cr_assert_str_eq(maps(start, start + 0x100000), "555555559000-55555555a000 " ANON_RW "\n");
	cr_assert_eq(BRK(start + 0x21000), 0);
	cr_assert_eq(ret, start + 0x21000);
	cr_assert_str_eq(maps(start, start + 0x100000), "555555559000-55555557a000 " ANON_RW "\n");
	cr_assert_eq(BRK(0x1000), 0);
	cr_assert_eq(ret, start + 0x21000, "below start_brk: unchanged");
	cr_assert_eq(BRK(0x7ffff7000000ULL), 0);
	cr_assert_eq(ret, start + 0x21000, "into the mmap area: unchanged");
	MAP_AT(start + 0x30000, K, RW, PA);
	cr_assert_eq(BRK(start + 0x31000), 0);
	cr_assert_eq(ret, start + 0x21000, "colliding with a mapping: unchanged");
	cr_assert_eq(BRK(start + 0x2000), 0);
	cr_assert_eq(ret, start + 0x2000);
	cr_assert_str_eq(maps(start, start + 0x30000), "555555559000-55555555b000 " ANON_RW "\n");
}

/* ---- Committed_AS (§19.8) ---- */

Test(mmap, committed_as)
{
	const uint64_t n = 65536;	/* 256 MiB */
	uint64_t c0 = m->vm_committed_as, a, b;

	cr_assert_eq(MMAP(0, n * K, RW, PA), 0);
	a = ret;
	cr_assert_eq(m->vm_committed_as - c0, n);
	cr_assert_eq(MMAP(0, n * K, RW, PA | MM_MAP_NORESERVE), 0);
	cr_assert_eq(m->vm_committed_as - c0, n);
	cr_assert_eq(MMAP(0, n * K, MM_PROT_READ, PA), 0);
	b = ret;
	cr_assert_eq(m->vm_committed_as - c0, n);
	cr_assert_eq(MPROTECT(b, n * K, RW), 0);
	cr_assert_eq(m->vm_committed_as - c0, 2 * n);
	cr_assert_eq(MPROTECT(b, n * K, MM_PROT_READ), 0, "unfaulted: the charge goes back");
	cr_assert_eq(m->vm_committed_as - c0, n);
	cr_assert_eq(MMAP(0, n * K, RW, SA), 0);
	b = ret;
	cr_assert_eq(m->vm_committed_as - c0, 2 * n);
	cr_assert_eq(MUNMAP(b, n * K / 2), 0);
	cr_assert_eq(m->vm_committed_as - c0, 2 * n, "shmem stays charged while mapped");
	cr_assert_eq(MUNMAP(b + n * K / 2, n * K / 2), 0);
	cr_assert_eq(m->vm_committed_as - c0, n);
	cr_assert_eq(MUNMAP(a, n * K), 0);
	cr_assert_eq(m->vm_committed_as, c0);
	/* mremap growth charges the difference */
	cr_assert_eq(MMAP(0, 256 * K, RW, PA), 0);
	cr_assert_eq(MREMAP(ret, 256 * K, n * K, MM_MREMAP_MAYMOVE, 0), 0);
	cr_assert_eq(m->vm_committed_as - c0, n);
	/* overcommit_memory=2 refuses past CommitLimit, NORESERVE included */
	cr_assert_eq(mm_tunable_write(m, "overcommit_memory", "2", 1), 0);
	cr_assert_eq(MMAP(0, 1ULL << 30, RW, PA | MM_MAP_NORESERVE), -ENOMEM);
	cr_assert_eq(m->vm_committed_as - c0, n);
	cr_assert_eq(mm_tunable_write(m, "overcommit_memory", "1", 1), 0);
	cr_assert_eq(MMAP(0, 64ULL << 40, RW, PA), 0, "mode 1 grants anything");
	cr_assert_eq(MUNMAP(ret, 64ULL << 40), 0);
}

/* ---- flags and counters of each kind of call ---- */

Test(mmap, flags_and_counters)
{
	struct mm_struct *s = mm();
	uint64_t total = s->total_vm, data = s->data_vm, stack = s->stack_vm;

	MAP_AT(W, 8 * K, RW, PA | MM_MAP_LOCKED);
	MAP_AT(W + 8 * K, 4 * K, RW, PA | MM_MAP_STACK);
	MAP_AT(W + 12 * K, 4 * K, RW, PA | MM_MAP_GROWSDOWN);
	cr_assert_str_eq(maps(W, W + 16 * K),
			 "10000000-10008000 rw-p rd wr mr mw me lo ac\n"
			 "10008000-1000c000 rw-p rd wr mr mw me ac nh\n"
			 "1000c000-10010000 rw-p rd wr mr mw me gd ac\n");
	cr_assert_eq(s->locked_vm, 8);
	cr_assert_eq(s->total_vm - total, 16);
	cr_assert_eq(s->data_vm - data, 12);
	cr_assert_eq(s->stack_vm - stack, 4);
	cr_assert_eq(MADV(W + 8 * K, 2 * K, MM_MADV_HUGEPAGE), 0);
	cr_assert_str_eq(maps(W + 8 * K, W + 12 * K),
			 "10008000-1000a000 rw-p rd wr mr mw me ac hg\n"
			 "1000a000-1000c000 rw-p rd wr mr mw me ac nh\n");
	cr_assert_eq(CALL(.verb = MMV_MLOCKALL, .flags = MM_MCL_FUTURE | MM_MCL_ONFAULT), 0);
	cr_assert_eq(MMAP(0x20000000, K, MM_PROT_READ, PA | FIX), 0);
	cr_assert_str_eq(maps(0x20000000, 0x20001000), "20000000-20001000 r--p rd mr mw me lo lf\n");
	cr_assert_eq(CALL(.verb = MMV_MUNLOCKALL), 0);
	cr_assert_eq(s->locked_vm, 0);
	cr_assert_eq(MMAP(0x20001000, K, MM_PROT_READ, PA | FIX), 0);
	cr_assert_str_eq(maps(0x20000000, 0x20002000), "20000000-20002000 " ANON_R "\n");
	cr_assert_eq(CALL(.verb = MMV_MLOCK2, .addr = W, .len = K, .flags = MM_MLOCK_ONFAULT), 0);
	cr_assert_str_eq(maps(W, W + K), "10000000-10001000 rw-p rd wr mr mw me lo lf ac\n");
	cr_assert_eq(CALL(.verb = MMV_MMAP, .len = K, .prot = RW, .flags = PA | MM_MAP_HUGETLB), -ENOMEM);
	/* a touch faults the page in, locked as it faults */
	char *vec;

	cr_assert_eq(CALL(.verb = MMV_TOUCH, .addr = W, .len = K, .mode = 'w'), 0);
	cr_assert_eq(mincore_s(m, pid, W, K, &vec, why, sizeof(why)), 0);
	cr_assert_str_eq(vec, "1");
	free(vec);
}

/* ---- exec and exit ---- */

Test(mmap, exec_exit)
{
	uint64_t c0 = m->vm_committed_as;
	char name[128] = "";
	int child;

	cr_assert_eq(mm_spawn(m, "worker", &child, name, sizeof(name)), 0);
	pid = child;
	c0 = m->vm_committed_as;
	cr_assert_eq(MMAP(0, 16 * K, RW, PA), 0);
	cr_assert_eq(m->vm_committed_as - c0, 16);
	cr_assert_eq(MMAP(0, 16 * K, RW, SA), 0);
	cr_assert_eq(m->vm_committed_as - c0, 32);
	cr_assert_eq(CALL(.verb = MMV_EXEC, .path = "other"), 0, "%s", why);
	cr_assert_eq(m->vm_committed_as, c0, "exec returned every charge");
	cr_assert_eq(strcmp(find_task_by_pid(m, child)->comm, "other"), 0);
	cr_assert_eq(CALL(.verb = MMV_EXEC, .path = "bad name"), -EINVAL);
	cr_assert_eq(MMAP(0, 64 * K, RW, PA), 0);
	cr_assert_eq(CALL(.verb = MMV_EXIT), 0);
	cr_assert_null(find_task_by_pid(m, child));
	cr_assert_eq(CALL(.verb = MMV_MMAP, .len = K, .prot = RW, .flags = PA), -ESRCH);
	pid = 1;
	cr_assert_eq(CALL(.verb = MMV_EXIT), -EPERM);
}

/* ---- what the host kernel answered in the differential runs (doc/difftest.md) ---- */

/* A file of size bytes at /name in the backing directory. */
static void make_file(const char *name, long size)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	if (size)
		cr_assert_eq(fseek(f, size - 1, SEEK_SET), 0);
	if (size)
		cr_assert_eq(fputc(0, f), 0);
	fclose(f);
}

#define SYNC	MM_MAP_SYNC
#define FILEMAP(a_, n_, p_, fl_, path_, o_) CALL(.verb = MMV_MMAP, .addr = (a_), .len = (n_) * K, \
		.prot = (p_), .flags = (fl_), .path = (path_), .off = (o_) * K)

Test(mmap, map_sync)
{
	make_file("f", 16 * K);
	MAP_AT(W, 4 * K, RW, PA | SYNC);
	MAP_AT(W + 8 * K, 2 * K, RW, SA | SYNC);
	cr_assert_str_eq(maps(W, W + 16 * K), "10000000-10004000 rw-p rd wr mr mw me ac sf\n"
			 "10008000-1000a000 rw-s rd wr sh mr mw me ms sf\n");
	/* no file here is on DAX: ->mmap refuses VM_SYNC whatever the type */
	cr_assert_eq(FILEMAP(0, 2, RW, MM_MAP_PRIVATE | SYNC, "/f", 0), -EOPNOTSUPP);
	cr_assert_eq(FILEMAP(0, 2, RW, MM_MAP_SHARED | SYNC, "/f", 0), -EOPNOTSUPP);
	cr_assert_eq(FILEMAP(0, 2, RW, MM_MAP_SHARED_VALIDATE | SYNC, "/f", 0), -EOPNOTSUPP);
	cr_assert_eq(FILEMAP(0, 2, RW, MM_MAP_PRIVATE | SYNC | MM_MAP_GROWSDOWN, "/f", 0), -EINVAL);
	/* ... after the old range is gone: MAP_FIXED leaves a hole */
	cr_assert_eq(FILEMAP(W + K, 2, MM_PROT_READ, MM_MAP_PRIVATE | FIX | SYNC, "/f", 0), -EOPNOTSUPP);
	cr_assert_str_eq(maps(W, W + 4 * K), "10000000-10001000 rw-p rd wr mr mw me ac sf\n"
			 "10003000-10004000 rw-p rd wr mr mw me ac sf\n");
	/* the shell form opens its file first: ENOENT beats a bad offset */
	cr_assert_eq(CALL(.verb = MMV_MMAP, .len = K, .prot = RW, .flags = MM_MAP_PRIVATE,
			  .path = "/missing", .off = 0x2080), -ENOENT);
	/* x86's MAP_32BIT is a legacy flag, and places below 2 GiB whatever the hint */
	cr_assert_eq(FILEMAP(0x200000000ULL, 2, MM_PROT_READ, MM_MAP_SHARED_VALIDATE | 0x40, "/f", 0), 0,
		     "%s", why);
	cr_assert(ret >= 0x40000000 && ret + 2 * K <= 0x80000000, "MAP_32BIT at %llx",
		  (unsigned long long)ret);
}

Test(mmap, populate_past_eof)
{
	make_file("small", K + 100);		/* two pages: the second one partly */
	MAP_AT(W, 4 * K, RW, PA);
	cr_assert_eq(FILEMAP(W + 4 * K, 4, RW, MM_MAP_PRIVATE | FIX, "/small", 0), 0, "%s", why);
	cr_assert_eq(FILEMAP(W + 8 * K, 2, RW, MM_MAP_SHARED | FIX, "/small", 2), 0, "%s", why);
	cr_assert_eq(MLOCK(W + 4 * K, 2 * K), 0, "%s", why);
	/* the third page is past EOF: SIGBUS while populating, ENOMEM, VMA locked */
	cr_assert_eq(MLOCK(W + 6 * K, K), -ENOMEM);
	cr_assert_eq(MLOCK(W + 8 * K, K), -ENOMEM, "shared too");
	cr_assert_str_eq(maps(W + 4 * K, W + 10 * K),
			 "10004000-10007000 rw-p rd wr mr mw me lo ac\n"
			 "10007000-10008000 rw-p rd wr mr mw me ac\n"
			 "10008000-10009000 rw-s rd wr sh mr mw me ms lo\n"
			 "10009000-1000a000 rw-s rd wr sh mr mw me ms\n");
	cr_assert_eq(CALL(.verb = MMV_MLOCK2, .addr = W + 7 * K, .len = K, .flags = MM_MLOCK_ONFAULT), 0,
		     "lock-on-fault populates nothing");
	/* populate advice stops at the SIGBUS with EFAULT, before the hole's ENOMEM */
	cr_assert_eq(MADV(W + 4 * K, 2 * K, MM_MADV_POPULATE_READ), 0, "%s", why);
	cr_assert_eq(MADV(W + 4 * K, 7 * K, MM_MADV_POPULATE_READ), -EFAULT);
	cr_assert_eq(MADV(W + 4 * K, 4 * K, MM_MADV_POPULATE_WRITE), -EFAULT);
	/* mmap's own population and mlockall ignore the error */
	cr_assert_eq(FILEMAP(0x20000000, 4, RW, MM_MAP_PRIVATE | FIX | MM_MAP_POPULATE, "/small", 0), 0);
	cr_assert_eq(FILEMAP(0x20004000, 4, RW, MM_MAP_PRIVATE | FIX | MM_MAP_LOCKED, "/small", 0), 0);
	cr_assert_eq(CALL(.verb = MMV_MLOCKALL, .flags = MM_MCL_CURRENT), 0);
}

#define MOVE	(MM_MREMAP_MAYMOVE | MM_MREMAP_FIXED)

Test(mmap, mremap_several_vmas)
{
	/* A rw, B r, hole, C rw: an equal-size fixed move takes all, holes kept */
	MAP_AT(W, 2 * K, RW, PA);
	MAP_AT(W + 2 * K, 2 * K, MM_PROT_READ, PA);
	MAP_AT(W + 5 * K, K, RW, PA);
	cr_assert_eq(MREMAP(W + K, 5 * K, 5 * K, MOVE, 0x20000000), 0, "%s", why);
	cr_assert_eq(ret, 0x20000000);
	cr_assert_str_eq(maps(0x20000000, 0x20010000), "20000000-20001000 " ANON_RW "\n"
			 "20001000-20003000 " ANON_R "\n20004000-20005000 " ANON_RW "\n");
	cr_assert_str_eq(maps(W, W + 8 * K), "10000000-10001000 " ANON_RW "\n");
	/* the range must start in a VMA */
	cr_assert_eq(MREMAP(0x20003000, 2 * K, 2 * K, MOVE, 0x30000000), -EFAULT);
	cr_assert_eq(MREMAP(0x50000000, 2 * K, 2 * K, MOVE, 0x30000000), -EFAULT);
	/* growing across VMAs is still refused */
	cr_assert_eq(MREMAP(0x20000000, 2 * K, 8 * K, MOVE, 0x30000000), -EFAULT);

	/* a shrinking move unmaps the tail first, across VMAs and holes */
	MAP_AT(0x40000000, 2 * K, RW, PA);
	MAP_AT(0x40002000, K, MM_PROT_READ, PA);
	MAP_AT(0x40004000, K, RW, PA);
	cr_assert_eq(MREMAP(0x40000000, 5 * K, K, MOVE, 0x48000000), 0, "%s", why);
	cr_assert_str_eq(maps(0x40000000, 0x40010000), "");
	cr_assert_str_eq(maps(0x48000000, 0x48010000), "48000000-48001000 " ANON_RW "\n");
	/* ... but the part it keeps must lie in one VMA */
	MAP_AT(0x40000000, K, RW, PA);
	MAP_AT(0x40001000, 2 * K, MM_PROT_READ, PA);
	cr_assert_eq(MREMAP(0x40000000, 3 * K, 2 * K, MOVE, 0x48010000), -EFAULT);
}

Test(mmap, mremap_dontunmap_unlocks_in_place)
{
	MAP_AT(W, 4 * K, RW, PA);
	cr_assert_eq(MLOCK(W, 4 * K), 0);
	MAP_AT(W + 4 * K, K, MM_PROT_READ, PA);
	cr_assert_eq(MREMAP(W + K, 2 * K, 2 * K, MM_MREMAP_MAYMOVE | MM_MREMAP_DONTUNMAP, 0), 0,
		     "%s", why);
	/* the whole old VMA loses VM_LOCKED, unsplit; the new one keeps it */
	cr_assert_str_eq(maps(W, W + 5 * K), "10000000-10004000 " ANON_RW "\n"
			 "10004000-10005000 " ANON_R "\n");
	cr_assert_eq(vma_lookup(mm(), ret)->vm_end, ret + 2 * K);
	cr_assert_eq(vma_lookup(mm(), ret)->vm_flags & MM_VM_LOCKED, MM_VM_LOCKED);
	/* with fixed and several VMAs: each source VMA stays where it is */
	cr_assert_eq(MLOCK(W + 4 * K, K), 0);
	cr_assert_eq(MREMAP(W + 3 * K, 2 * K, 2 * K, MOVE | MM_MREMAP_DONTUNMAP, 0x30000000), 0,
		     "%s", why);
	cr_assert_str_eq(maps(W, W + 5 * K), "10000000-10004000 " ANON_RW "\n"
			 "10004000-10005000 " ANON_R "\n");
	cr_assert_str_eq(maps(0x30000000, 0x30010000), "30000000-30001000 " ANON_RW "\n"
			 "30001000-30002000 r--p rd mr mw me lo\n");
}

/*
 * A source VMA that moved whole under dontunmap drops its anon_vma
 * (unlink_anon_vmas), so it merges again with a neighbour that has
 * another one; one that kept it stays apart (host: 6.18, seed 368).
 */
Test(mmap, mremap_dontunmap_drops_the_anon_vma)
{
	MAP_AT(W, 4 * K, RW, PA);
	MAP_AT(W + 8 * K, 4 * K, RW, PA);
	for (uint64_t b = W; b <= W + 8 * K; b += 8 * K) {
		/* two halves faulted while incompatible: two anon_vmas */
		cr_assert_eq(MLOCK(b + 2 * K, 2 * K), 0);
		cr_assert_eq(CALL(.verb = MMV_TOUCH, .addr = b, .len = K, .mode = 'w'), 0);
		cr_assert_eq(MUNLOCK(b + 2 * K, 2 * K), 0);
	}
	cr_assert_neq(vma_lookup(mm(), W)->anon_vma, vma_lookup(mm(), W + 2 * K)->anon_vma);
	cr_assert_eq(MREMAP(W + 2 * K, 2 * K, 2 * K, MOVE | MM_MREMAP_DONTUNMAP, 0x30000000), 0,
		     "%s", why);
	cr_assert_eq(vma_lookup(mm(), W + 2 * K)->anon_vma, 0);
	for (uint64_t b = W; b <= W + 8 * K; b += 8 * K) {
		cr_assert_eq(MPROTECT(b + 2 * K, 2 * K, MM_PROT_READ), 0);
		cr_assert_eq(MPROTECT(b + 2 * K, 2 * K, RW), 0);
	}
	cr_assert_str_eq(maps(W, W + 12 * K), "10000000-10004000 " ANON_RW "\n"
			 "10008000-1000a000 " ANON_RW "\n"
			 "1000a000-1000c000 " ANON_RW "\n");
	cr_assert_str_eq(maps(0x30000000, 0x30010000), "30000000-30002000 " ANON_RW "\n");
}
