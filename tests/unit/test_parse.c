/* SPDX-License-Identifier: MIT */
/*
 * test_parse.c - the control language: good lines give exact mm_calls, bad
 * lines give -EINVAL with a reason, and no input crashes the parser.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../fs/parse.h"
#include "../../fs/parse_internal.h"

/* CALL() defaults fd to -1 and lets a row override it. */
#pragma GCC diagnostic ignored "-Woverride-init"
#define CALL(v, ...) { .verb = (v), .fd = -1, __VA_ARGS__ }

#define P PARSE_PROCESS
#define G PARSE_GLOBAL
#define K 1024ULL
#define PR MM_PROT_READ
#define PW MM_PROT_WRITE
#define PX MM_PROT_EXEC
#define PRIV_ANON (MM_MAP_PRIVATE | MM_MAP_ANONYMOUS)
#define X 0x7f0000000000ULL

struct good {
	const char *line;
	enum parse_scope scope;
	struct mm_call want;
};

static const struct good good[] = {
	/* shell form: mmap and its flag spellings */
	{ "mmap 0 64K rw- private,anon", P, CALL(MMV_MMAP, .len = 64 * K, .prot = PR | PW, .flags = PRIV_ANON) },
	{ "MMAP 0x7f0000000000 4096 r-x MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED", P,
	  CALL(MMV_MMAP, .addr = X, .len = 4096, .prot = PR | PX, .flags = PRIV_ANON | MM_MAP_FIXED) },
	{ "mmap 0 1M --- private,anonymous,noreserve", P,
	  CALL(MMV_MMAP, .len = K * K, .flags = PRIV_ANON | MM_MAP_NORESERVE) },
	{ "mmap 0 2m rwx shared,anon,populate,locked", P,
	  CALL(MMV_MMAP, .len = 2 * K * K, .prot = 7,
	       .flags = MM_MAP_SHARED | MM_MAP_ANONYMOUS | MM_MAP_POPULATE | MM_MAP_LOCKED) },
	{ "mmap 0 8K r shared data.bin", P,
	  CALL(MMV_MMAP, .len = 8 * K, .prot = PR, .flags = MM_MAP_SHARED, .path = "data.bin") },
	{ "mmap 0 8K rw shared data.bin 0x2000", P,
	  CALL(MMV_MMAP, .len = 8 * K, .prot = PR | PW, .flags = MM_MAP_SHARED, .path = "data.bin", .off = 0x2000) },
	{ "mmap 0 4k none private,anon,fixed_noreplace", P,
	  CALL(MMV_MMAP, .len = 4096, .flags = PRIV_ANON | MM_MAP_FIXED_NOREPLACE) },
	{ "mmap 0 4KiB PROT_READ,PROT_WRITE 0x22", P, CALL(MMV_MMAP, .len = 4096, .prot = 3, .flags = 0x22) },
	{ "mmap 0 4KB 3 34", P, CALL(MMV_MMAP, .len = 4096, .prot = 3, .flags = 34) },
	{ "mmap 0 1G read|exec private|anon|hugetlb|stack|growsdown", P,
	  CALL(MMV_MMAP, .len = 1ULL << 30, .prot = PR | PX,
	       .flags = PRIV_ANON | MM_MAP_HUGETLB | MM_MAP_STACK | MM_MAP_GROWSDOWN) },
	{ "mmap 0 1T rw- shared_validate,sync,nonblock,uninitialized f 4K", P,
	  CALL(MMV_MMAP, .len = 1ULL << 40, .prot = 3, .path = "f", .off = 4096,
	       .flags = MM_MAP_SHARED_VALIDATE | MM_MAP_SYNC | MM_MAP_NONBLOCK | MM_MAP_UNINITIALIZED) },
	{ "mmap 0 4096 PROT_NONE MAP_PRIVATE|MAP_ANON", P, CALL(MMV_MMAP, .len = 4096, .flags = PRIV_ANON) },
	{ "mmap 0 4096 0x1000000 private,anon", P,
	  CALL(MMV_MMAP, .len = 4096, .prot = MM_PROT_GROWSDOWN, .flags = PRIV_ANON) },
	{ "mmap 0 4K wx 0x40000000", P, CALL(MMV_MMAP, .len = 4096, .prot = PW | PX, .flags = 0x40000000) },
	/* shell form: the other system calls */
	{ "munmap 0x10000 16K", P, CALL(MMV_MUNMAP, .addr = 0x10000, .len = 16 * K) },
	{ "munmap 0 18446744073709551615", P, CALL(MMV_MUNMAP, .len = UINT64_MAX) },
	{ "munmap 1E 0xffffffffffffffff", P, CALL(MMV_MUNMAP, .addr = 1ULL << 60, .len = UINT64_MAX) },
	{ "mprotect 0x10000 4K r--", P, CALL(MMV_MPROTECT, .addr = 0x10000, .len = 4096, .prot = PR) },
	{ "mprotect 0x10000 4K -w-", P, CALL(MMV_MPROTECT, .addr = 0x10000, .len = 4096, .prot = PW) },
	{ "mremap 0x10000 4K 8K", P, CALL(MMV_MREMAP, .addr = 0x10000, .len = 4096, .new_len = 8192) },
	{ "mremap 0x10000 0 8K maymove", P,
	  CALL(MMV_MREMAP, .addr = 0x10000, .new_len = 8192, .flags = MM_MREMAP_MAYMOVE) },
	{ "mremap 0x10000 4K 8K maymove,fixed 0x200000", P,
	  CALL(MMV_MREMAP, .addr = 0x10000, .len = 4096, .new_len = 8192, .flags = 3, .new_addr = 0x200000) },
	{ "mremap 0x10000 4K 4K MREMAP_MAYMOVE|MREMAP_DONTUNMAP 0x300000", P,
	  CALL(MMV_MREMAP, .addr = 0x10000, .len = 4096, .new_len = 4096, .flags = 5, .new_addr = 0x300000) },
	{ "brk 0", P, CALL(MMV_BRK) },
	{ "brk 0x555555560000", P, CALL(MMV_BRK, .addr = 0x555555560000ULL) },
	{ "madvise 0x10000 4K dontneed", P, CALL(MMV_MADVISE, .addr = 0x10000, .len = 4096, .advice = 4) },
	{ "madvise 0x10000 4K MADV_PAGEOUT", P, CALL(MMV_MADVISE, .addr = 0x10000, .len = 4096, .advice = 21) },
	{ "madvise 0x10000 4K 100", P, CALL(MMV_MADVISE, .addr = 0x10000, .len = 4096, .advice = 100) },
	{ "madvise 0x10000 4K populate_write", P, CALL(MMV_MADVISE, .addr = 0x10000, .len = 4096, .advice = 23) },
	{ "madvise 0x10000 4K madv_free", P, CALL(MMV_MADVISE, .addr = 0x10000, .len = 4096, .advice = 8) },
	{ "madvise 0x10000 4K normal", P, CALL(MMV_MADVISE, .addr = 0x10000, .len = 4096, .advice = 0) },
	{ "madvise 0 4K -1", P, CALL(MMV_MADVISE, .len = 4096, .advice = -1) },
	{ "mlock 0x10000 8K", P, CALL(MMV_MLOCK, .addr = 0x10000, .len = 8192) },
	{ "mlock2 0x10000 8K onfault", P, CALL(MMV_MLOCK2, .addr = 0x10000, .len = 8192, .flags = 1) },
	{ "mlock2 0x10000 8K MLOCK_ONFAULT", P, CALL(MMV_MLOCK2, .addr = 0x10000, .len = 8192, .flags = 1) },
	{ "mlock2 0x10000 8K 0", P, CALL(MMV_MLOCK2, .addr = 0x10000, .len = 8192) },
	{ "munlock 0x10000 8K", P, CALL(MMV_MUNLOCK, .addr = 0x10000, .len = 8192) },
	{ "mlockall current,future", P, CALL(MMV_MLOCKALL, .flags = 3) },
	{ "mlockall MCL_CURRENT|MCL_ONFAULT", P, CALL(MMV_MLOCKALL, .flags = 5) },
	{ "munlockall", P, CALL(MMV_MUNLOCKALL) },
	{ "mincore 0x10000 64K", P, CALL(MMV_MINCORE, .addr = 0x10000, .len = 64 * K) },
	{ "msync 0x10000 4K sync", P, CALL(MMV_MSYNC, .addr = 0x10000, .len = 4096, .flags = MM_MS_SYNC) },
	{ "msync 0x10000 4K MS_ASYNC|MS_INVALIDATE", P, CALL(MMV_MSYNC, .addr = 0x10000, .len = 4096, .flags = 3) },
	{ "touch 0x10000 4K r", P, CALL(MMV_TOUCH, .addr = 0x10000, .len = 4096, .mode = 'r') },
	{ "touch 0x10000 4K write", P, CALL(MMV_TOUCH, .addr = 0x10000, .len = 4096, .mode = 'w') },
	{ "Touch 0 1 W", P, CALL(MMV_TOUCH, .len = 1, .mode = 'w') },
	{ "fork", P, CALL(MMV_FORK) },
	{ "exec", P, CALL(MMV_EXEC) },
	{ "exec ls", P, CALL(MMV_EXEC, .path = "ls") },
	{ "exit", P, CALL(MMV_EXIT) },
	{ "open data.bin", P, CALL(MMV_OPEN, .path = "data.bin") },
	{ "open data.bin rdwr,creat,trunc", P,
	  CALL(MMV_OPEN, .path = "data.bin", .flags = MM_O_RDWR | MM_O_CREAT | MM_O_TRUNC) },
	{ "open x O_WRONLY|O_CLOEXEC", P, CALL(MMV_OPEN, .path = "x", .flags = 01 | 02000000) },
	{ "close 3", P, CALL(MMV_CLOSE, .fd = 3) },
	{ "dup 3", P, CALL(MMV_DUP, .fd = 3) },
	{ "dup 3 9", P, CALL(MMV_DUP, .fd = 3, .mode = 9, .flags = 1) },
	{ "  \tmunmap 0x1000 4K \r", P, CALL(MMV_MUNMAP, .addr = 0x1000, .len = 4096) },
	{ "munmap\t0x1000\t\t4K", P, CALL(MMV_MUNMAP, .addr = 0x1000, .len = 4096) },
	{ "[pid 1234] munmap 0x1000 4096", P, CALL(MMV_MUNMAP, .addr = 0x1000, .len = 4096) },
	/* global commands */
	{ "spawn", G, CALL(MMV_SPAWN) },
	{ "spawn worker", G, CALL(MMV_SPAWN, .path = "worker") },
	{ "kill 42", G, CALL(MMV_KILL, .pid = 42) },
	{ "drop_caches 3", G, CALL(MMV_DROP_CACHES, .mode = 3) },
	{ "DROP_CACHES 1", G, CALL(MMV_DROP_CACHES, .mode = 1) },
	{ "compact", G, CALL(MMV_COMPACT) },
	{ "check", G, CALL(MMV_CHECK) },
	/* strace form */
	{ "mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f1234560000", P,
	  CALL(MMV_MMAP, .len = 8192, .prot = 3, .flags = PRIV_ANON) },
	{ "mmap(NULL, 2101248, PROT_READ, MAP_PRIVATE|MAP_DENYWRITE, 3</usr/lib/x86_64-linux-gnu/libc.so.6>, 0) = 0x7f1234000000", P,
	  CALL(MMV_MMAP, .len = 2101248, .prot = PR, .flags = MM_MAP_PRIVATE | MM_MAP_DENYWRITE,
	       .fd = 3, .path = "/usr/lib/x86_64-linux-gnu/libc.so.6") },
	{ "mmap(0x7f0000001000, 4096, PROT_READ|PROT_EXEC, MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE, 3, 0x1000) = 0x7f0000001000", P,
	  CALL(MMV_MMAP, .addr = X + 0x1000, .len = 4096, .prot = 5, .fd = 3, .off = 0x1000,
	       .flags = MM_MAP_PRIVATE | MM_MAP_FIXED | MM_MAP_DENYWRITE) },
	{ "mmap(NULL, 4096, PROT_NONE, 0x22 /* MAP_??? */, -1, 0)", P, CALL(MMV_MMAP, .len = 4096, .flags = 0x22) },
	{ "mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|MAP_HUGE_2MB, -1, 0) = -1 ENOMEM (Cannot allocate memory)", P,
	  CALL(MMV_MMAP, .len = 4096, .prot = 3, .flags = PRIV_ANON | MM_MAP_HUGETLB | (21ULL << 26)) },
	{ "MMAP (null, 4096, prot_read, map_private|map_anonymous, -1, 0)", P,
	  CALL(MMV_MMAP, .len = 4096, .prot = PR, .flags = PRIV_ANON) },
	{ "[pid  4321] munmap(0x7f1234560000, 8192) = 0", P, CALL(MMV_MUNMAP, .addr = 0x7f1234560000ULL, .len = 8192) },
	{ "mprotect(0x7f0000001000, 4096, PROT_READ) = 0", P, CALL(MMV_MPROTECT, .addr = X + 0x1000, .len = 4096, .prot = PR) },
	{ "mremap(0x7f0000000000, 4096, 8192, MREMAP_MAYMOVE) = 0x7f0000100000", P,
	  CALL(MMV_MREMAP, .addr = X, .len = 4096, .new_len = 8192, .flags = 1) },
	{ "mremap(0x7f0000000000, 4096, 8192, MREMAP_MAYMOVE|MREMAP_FIXED, 0x7f0000200000) = 0x7f0000200000", P,
	  CALL(MMV_MREMAP, .addr = X, .len = 4096, .new_len = 8192, .flags = 3, .new_addr = X + 0x200000) },
	{ "brk(NULL) = 0x555555559000", P, CALL(MMV_BRK) },
	{ "brk(NULL)                               = 0x555555559000 <0.000011>", P, CALL(MMV_BRK) },
	{ "brk(0x55555557a000) = 0x55555557a000 extra words", P, CALL(MMV_BRK, .addr = 0x55555557a000ULL) },
	{ "madvise(0x7f0000000000, 4096, MADV_DONTNEED) = 0", P, CALL(MMV_MADVISE, .addr = X, .len = 4096, .advice = 4) },
	{ "madvise(0x7f0000000000, 4096, 0x64 /* MADV_??? */) = -1 EINVAL (Invalid argument)", P,
	  CALL(MMV_MADVISE, .addr = X, .len = 4096, .advice = 100) },
	{ "mlock(0x7f0000000000, 4096) = 0", P, CALL(MMV_MLOCK, .addr = X, .len = 4096) },
	{ "mlock2(0x7f0000000000, 4096, MLOCK_ONFAULT) = 0", P, CALL(MMV_MLOCK2, .addr = X, .len = 4096, .flags = 1) },
	{ "munlock(0x7f0000000000, 4096) = 0", P, CALL(MMV_MUNLOCK, .addr = X, .len = 4096) },
	{ "mlockall(MCL_CURRENT|MCL_FUTURE) = 0", P, CALL(MMV_MLOCKALL, .flags = 3) },
	{ "munlockall() = 0", P, CALL(MMV_MUNLOCKALL) },
	{ "mincore(0x7f0000000000, 8192, [1, 0]) = 0", P, CALL(MMV_MINCORE, .addr = X, .len = 8192) },
	{ "mincore(0x7f0000000000, 8192, 0x7ffd12340000) = 0", P, CALL(MMV_MINCORE, .addr = X, .len = 8192) },
	{ "msync(0x7f0000000000, 4096, MS_SYNC) = 0", P, CALL(MMV_MSYNC, .addr = X, .len = 4096, .flags = 4) },
	{ "open(\"/etc/ld.so.cache\", O_RDONLY|O_CLOEXEC) = 3", P,
	  CALL(MMV_OPEN, .path = "/etc/ld.so.cache", .flags = 02000000, .fd = 3) },
	{ "open(\"x\", O_RDONLY)", P, CALL(MMV_OPEN, .path = "x") },
	{ "openat(AT_FDCWD, \"data.bin\", O_RDWR|O_CREAT, 0644) = 4", P,
	  CALL(MMV_OPEN, .path = "data.bin", .flags = MM_O_RDWR | MM_O_CREAT, .fd = 4) },
	{ "openat(AT_FDCWD, \"/nope\", O_RDONLY) = -1 ENOENT (No such file or directory)", P,
	  CALL(MMV_OPEN, .path = "/nope") },
	{ "openat(AT_FDCWD, \"a\\\"b\\\\c\\n\\101\\x42\", O_RDONLY) = 5", P,
	  CALL(MMV_OPEN, .path = "a\"b\\c\nAB", .fd = 5) },
	{ "openat(AT_FDCWD, \"/tmp/x\"..., O_RDONLY) = 3</tmp/xyz>", P, CALL(MMV_OPEN, .path = "/tmp/x", .fd = 3) },
	{ "[pid 77] openat(AT_FDCWD, \"f\", O_RDONLY) = 0x10", P, CALL(MMV_OPEN, .path = "f", .fd = 16) },
	{ "openat(AT_FDCWD, \"lib\", O_RDONLY|O_CLOEXEC) = 3</usr/lib/lib> <0.000012>", P,
	  CALL(MMV_OPEN, .path = "lib", .flags = 02000000, .fd = 3) },
	{ "mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, 4<\\\\x\\>y\\x41>, 0)", P,
	  CALL(MMV_MMAP, .len = 4096, .prot = 3, .flags = MM_MAP_SHARED, .fd = 4, .path = "\\x>yA") },
	{ "close(3) = 0", P, CALL(MMV_CLOSE, .fd = 3) },
	{ "close(3</etc/ld.so.cache>) = 0", P, CALL(MMV_CLOSE, .fd = 3) },
	{ "dup(3) = 4", P, CALL(MMV_DUP, .fd = 3, .mode = 4, .flags = 1) },
	{ "dup2(3</x>, 0</dev/pts/1>) = 0</x>", P, CALL(MMV_DUP, .fd = 3, .mode = 0, .flags = 1) },
	{ "dup3(3, 7, O_CLOEXEC) = 7", P, CALL(MMV_DUP, .fd = 3, .mode = 7, .flags = 1) },
	{ "fcntl(3, F_DUPFD_CLOEXEC, 10) = 12", P, CALL(MMV_DUP, .fd = 3, .mode = 12, .flags = 1) },
	{ "exit_group(0) = ?", P, CALL(MMV_EXIT_GROUP) },
	{ "exit(1)", P, CALL(MMV_EXIT) },
	{ "fork() = 1235", P, CALL(MMV_FORK) },
	{ "vfork() = 1236", P, CALL(MMV_FORK) },
	{ "execve(\"/bin/ls\", [\"ls\", \"-l\"], 0x7ffc8d0a6f28 /* 20 vars */) = 0", P, CALL(MMV_EXEC, .path = "/bin/ls") },
	{ "execve(\"/bin/sh\", [\"sh\", \"-c\", \"a, b]\"], 0x7ffc /* 1 var */) = 0", P, CALL(MMV_EXEC, .path = "/bin/sh") },
	{ "[pid 99] mmap 0 4K rw- private,anon", P, CALL(MMV_MMAP, .len = 4096, .prot = 3, .flags = PRIV_ANON) },
};

static void assert_call(const char *line, const struct mm_call *got, const struct mm_call *want)
{
	cr_expect_eq(got->verb, want->verb, "%s: verb %d", line, got->verb);
	cr_expect_eq(got->addr, want->addr, "%s: addr %#llx", line, (unsigned long long)got->addr);
	cr_expect_eq(got->len, want->len, "%s: len %#llx", line, (unsigned long long)got->len);
	cr_expect_eq(got->new_len, want->new_len, "%s: new_len", line);
	cr_expect_eq(got->new_addr, want->new_addr, "%s: new_addr", line);
	cr_expect_eq(got->off, want->off, "%s: off", line);
	cr_expect_eq(got->prot, want->prot, "%s: prot %#llx", line, (unsigned long long)got->prot);
	cr_expect_eq(got->flags, want->flags, "%s: flags %#llx", line, (unsigned long long)got->flags);
	cr_expect_eq(got->advice, want->advice, "%s: advice %lld", line, (long long)got->advice);
	cr_expect_eq(got->fd, want->fd, "%s: fd %d", line, got->fd);
	cr_expect_eq(got->mode, want->mode, "%s: mode %d", line, got->mode);
	cr_expect_eq(got->pid, want->pid, "%s: pid %d", line, got->pid);
	cr_expect_str_eq(got->path, want->path, "%s: path '%s'", line, got->path);
}

Test(parse, good_lines)
{
	cr_assert_geq(sizeof(good) / sizeof(good[0]), 60);
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		const struct good *g = &good[i];
		struct mm_call got;
		char why[256] = "";
		int rc;

		memset(&got, 0x5a, sizeof(got));
		rc = parse_command(g->line, strlen(g->line), g->scope, &got, why, sizeof(why));
		cr_expect_eq(rc, 0, "%s: rc %d (%s)", g->line, rc, why);
		if (rc == 0)
			assert_call(g->line, &got, &g->want);
	}
}

struct bad {
	const char *line;
	enum parse_scope scope;
	const char *why;	/* a substring of the reason */
};

static const struct bad bad[] = {
	{ "frob", P, "unknown command 'frob'" },
	{ "frob 1 2", G, "unknown command 'frob'" },
	{ "frob(1)", P, "unknown system call 'frob'" },
	{ "spawn", P, "spawn is a global command: write it to MOUNT/ctl" },
	{ "kill 1", P, "kill is a global command" },
	{ "drop_caches 3", P, "global command" },
	{ "mmap 0 4K rw- private,anon", G, "mmap is a per-process command: write it to MOUNT/proc/PID/ctl" },
	{ "fork", G, "per-process command" },
	{ "munmap(0x1000, 4096) = 0", G, "munmap is a per-process command" },
	{ "mmap 0 4K rw-", P, "mmap needs ADDR LEN PROT FLAGS [FILE [OFFSET]]" },
	{ "mmap", P, "mmap needs ADDR LEN PROT FLAGS" },
	{ "mmap 0 4K rw- private,anon f 0 extra", P, "too many arguments: mmap ADDR" },
	{ "fork now", P, "fork takes no arguments" },
	{ "munmap 0x1000", P, "munmap needs ADDR LEN" },
	{ "close", P, "close needs FD" },
	{ "open", P, "open needs PATH [FLAGS]" },
	{ "exec a b c d e f g h i", P, "too many arguments: exec [NAME | PATH [ARG...]]" },
	{ "munmap 12q 4K", P, "'12q' is not a number" },
	{ "munmap 0x 4K", P, "'0x' is not a number" },
	{ "munmap 0 -4K", P, "'-4K' is not a number" },
	{ "munmap 0 1Q", P, "'1Q' is not a number" },
	{ "munmap 0 4KK", P, "'4KK' is not a number" },
	{ "munmap 0x1ffffffffffffffff 4K", P, "'0x1ffffffffffffffff' is out of range" },
	{ "munmap 0 16E", P, "'16E' is out of range" },
	{ "munmap 0 18446744073709551616", P, "'18446744073709551616' is out of range" },
	{ "madvise 0 4K 9223372036854775808", P, "is out of range" },
	{ "madvise 0 4K 0x1ffffffffffffffff", P, "is out of range" },
	{ "mmap 0 4K rwz private", P, "unknown prot 'rwz'" },
	{ "mmap 0 4K rw- private,bogus", P, "unknown mmap flag 'bogus'" },
	{ "mmap 0 4K rw- private,,anon", P, "empty mmap flag" },
	{ "mmap 0 4K rw- PROT_READ", P, "unknown mmap flag 'PROT_READ'" },
	{ "mmap 0 4K rw- private|", P, "empty mmap flag" },
	{ "madvise 0 4K sometimes", P, "unknown madvise advice 'sometimes'" },
	{ "mlockall everything", P, "unknown mlockall flag 'everything'" },
	{ "msync 0 4K later", P, "unknown msync flag 'later'" },
	{ "mremap 0 4K 8K bogus", P, "unknown mremap flag 'bogus'" },
	{ "open x rdonly,nope", P, "unknown open flag 'nope'" },
	{ "mlock2 0 4K 1x", P, "'1x' is not a number" },
	{ "touch 0 4K x", P, "touch mode must be r or w" },
	{ "drop_caches 4", G, "drop_caches takes 1, 2 or 3" },
	{ "drop_caches 0", G, "drop_caches takes 1, 2 or 3" },
	{ "kill abc", G, "'abc' is not a number" },
	{ "kill 99999999999", G, "'99999999999' is out of range" },
	{ "close 2147483648", P, "is out of range" },
	{ "[pid 12]", P, "nothing after" },
	{ "open(\"/etc/passwd, O_RDONLY) = 3", P, "unterminated string" },
	{ "mmap(NULL, 4096, PROT_READ", P, "missing ')'" },
	{ "fork(", P, "missing ')'" },
	{ "mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, -1) = 0", P, "mmap() takes 6 arguments, not 5" },
	{ "munmap(0x1000, 4096, 1)", P, "munmap() takes 2 arguments, not 3" },
	{ "mremap(0x1000, 4096, 8192)", P, "mremap() takes 4 to 5 arguments, not 3" },
	{ "execve(\"/bin/ls\", [\"ls\"])", P, "execve() takes 3 arguments, not 2" },
	{ "munmap(0x1000,, 4096)", P, "empty argument 2" },
	{ "munmap(0x1000, 4096,)", P, "empty argument 3" },
	{ "munmap(0x1000, 4096) junk", P, "unexpected 'junk' after munmap(...)" },
	{ "open(\"x\", O_RDONLY) = ?", P, "not a file descriptor" },
	{ "open(\"x\\q\", O_RDONLY) = 3", P, "unknown escape" },
	{ "open(\"x\\0\", O_RDONLY) = 3", P, "NUL byte" },
	{ "open(x, O_RDONLY) = 3", P, "must be a quoted string" },
	{ "munmap(\"x\", 4096)", P, "must not be a string" },
	{ "munmap([1], 4096)", P, "must not be a list" },
	{ "mincore(0x1000, 4096, [1, 0)", P, "unterminated list" },
	{ "mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 3<, 0)", P, "unterminated '<'" },
	{ "mmap(NULL, 4096, PROT_READ /* x, MAP_PRIVATE, -1, 0)", P, "unterminated comment" },
	{ "mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 3</a> 4, 0)", P, "malformed argument 5" },
	{ "munmap(0x1000</x>, 4096)", P, "unexpected '</x>'" },
	{ "mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, -1, 0, 1, 2, 3, 4)", P, "too many arguments for mmap()" },
	{ "exit_group(x)", P, "'x' is not a number" },
	{ "mmap(NULL, 4096, PROT_READ|PROT_BOGUS, MAP_PRIVATE, -1, 0)", P, "unknown prot 'PROT_BOGUS'" },
	{ "munmap(0x1000 0x2000, 4096)", P, "'0x1000 0x2000' is not a number" },
	{ "munmap(0x1000; 4096)", P, "munmap() takes 2 arguments, not 1" },
	{ "munmap(0x1000, 4096)(", P, "unexpected '(' after munmap(...)" },
	{ "munmap(a/b)", P, "unexpected '/'" },
};

Test(parse, bad_lines)
{
	cr_assert_geq(sizeof(bad) / sizeof(bad[0]), 40);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const struct bad *b = &bad[i];
		struct mm_call got;
		char why[256] = "";
		int rc = parse_command(b->line, strlen(b->line), b->scope, &got, why, sizeof(why));

		cr_expect_eq(rc, -EINVAL, "%s: rc %d", b->line, rc);
		cr_expect(strstr(why, b->why), "%s: reason '%s' lacks '%s'", b->line, why, b->why);
		cr_expect_null(strchr(why, '\n'), "%s: reason has a newline", b->line);
	}
}

Test(parse, nul_and_length)
{
	static const char nul[] = "munmap 0\0 4K";
	char line[4200], why[128];
	struct mm_call got;

	cr_assert_eq(parse_command(nul, sizeof(nul) - 1, P, &got, why, sizeof(why)), -EINVAL);
	cr_assert_str_eq(why, "line contains a NUL byte");
	cr_assert_eq(parse_command("fork\0", 5, P, &got, why, sizeof(why)), -EINVAL);
	cr_assert_str_eq(why, "line contains a NUL byte");

	/* 4096 bytes is the limit, blanks included */
	memset(line, ' ', sizeof(line));
	memcpy(line, "fork", 4);
	cr_assert_eq(parse_command(line, 4096, P, &got, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(got.verb, MMV_FORK);
	cr_assert_eq(parse_command(line, 4097, P, &got, why, sizeof(why)), -EINVAL);
	cr_assert_str_eq(why, "line is longer than 4096 bytes");

	/* a name that does not fit in mm_call.path */
	memset(line, 'a', sizeof(line));
	memcpy(line, "exec ", 5);
	cr_assert_eq(parse_command(line, 5 + 255, P, &got, why, sizeof(why)), 0);
	cr_assert_eq(strlen(got.path), 255);
	cr_assert_eq(parse_command(line, 5 + 256, P, &got, why, sizeof(why)), -EINVAL);
	cr_assert_str_eq(why, "name is longer than 255 bytes");
}

Test(parse, empty_lines)
{
	static const char *const empty[] = { "", " ", "\t\r", "# comment", "   # mmap 0 4K", "#", "\r" };
	struct mm_call got;
	char why[64];

	for (size_t i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
		cr_expect_eq(parse_command(empty[i], strlen(empty[i]), P, &got, why, sizeof(why)),
			     PARSE_EMPTY, "'%s'", empty[i]);
		cr_expect_eq(parse_command(empty[i], strlen(empty[i]), G, &got, why, sizeof(why)),
			     PARSE_EMPTY, "'%s'", empty[i]);
	}
	cr_expect_eq(parse_command(NULL, 0, P, &got, why, sizeof(why)), PARSE_EMPTY);
}

/*
 * The blank bytes are exactly space \t \n \v \f \r, for the trimming code
 * and the patterns alike: any other byte after "spawn" makes an unknown
 * word, and a line of that byte alone is no command (NEL, 0x85, once
 * crashed the daemon: the patterns' "\v" took it for a blank).
 */
Test(parse, blank_bytes)
{
	static const char blanks[] = " \t\n\v\f\r";
	struct mm_call got;
	char line[16], why[96];

	for (int c = 1; c < 256; c++) {
		int blank = strchr(blanks, c) != NULL;
		int rc;

		snprintf(line, sizeof(line), "spawn%c", c);
		rc = parse_command(line, 6, G, &got, why, sizeof(why));
		cr_expect_eq(rc, blank ? 0 : -EINVAL, "'spawn\\x%02x': %d (%s)", c, rc, why);
		line[0] = (char)c;
		rc = parse_command(line, 1, G, &got, why, sizeof(why));
		cr_expect_eq(rc, blank || c == '#' ? PARSE_EMPTY : -EINVAL, "'\\x%02x': %d", c, rc);
		snprintf(line, sizeof(line), "kill%c3", c);
		rc = parse_command(line, 6, G, &got, why, sizeof(why));
		cr_expect_eq(rc, blank ? 0 : -EINVAL, "'kill\\x%02x3': %d (%s)", c, rc, why);
	}
	cr_assert_eq(parse_command("\x85", 1, G, &got, why, sizeof(why)), -EINVAL);
	cr_assert_str_eq(why, "unknown command '\\x85'", "escaped as kmsg escapes the command");
}

Test(parse, reason_buffer)
{
	struct mm_call got;
	char why[8];

	memset(why, 'z', sizeof(why));
	cr_assert_eq(parse_command("frob", 4, P, &got, why, sizeof(why)), -EINVAL);
	cr_assert_str_eq(why, "unknown");
	cr_assert_eq(parse_command("frob", 4, P, &got, why, 1), -EINVAL);
	cr_assert_str_eq(why, "");
	cr_assert_eq(parse_command("frob", 4, P, &got, NULL, 0), -EINVAL);
	/* a control byte of the line never reaches the reason */
	cr_assert_eq(parse_command("fr\x01ob\nx", 7, P, &got, why, sizeof(why)), -EINVAL);
	cr_assert_eq(strcspn(why, "\x01\n"), strlen(why));
	/* a short buffer gets the start of the escaped reason, even inside an escape */
	char mid[20];
	cr_assert_eq(parse_command("\x01", 1, P, &got, mid, sizeof(mid)), -EINVAL);
	cr_assert_str_eq(mid, "unknown command '\\x");
}

struct size_case {
	const char *s;
	int err;
	unsigned long long v;
};

static const struct size_case sizes[] = {
	{ "0", 0, 0 }, { "4096", 0, 4096 }, { "0x1000", 0, 4096 }, { "0X10", 0, 16 },
	{ "010", 0, 10 }, { "4K", 0, 4096 }, { "4k", 0, 4096 }, { "4KB", 0, 4096 },
	{ "4KiB", 0, 4096 }, { "4kib", 0, 4096 }, { "1M", 0, 1ULL << 20 }, { "3g", 0, 3ULL << 30 },
	{ "1T", 0, 1ULL << 40 }, { "1P", 0, 1ULL << 50 }, { "1E", 0, 1ULL << 60 },
	{ "15E", 0, 15ULL << 60 }, { "0x10K", 0, 16384 }, { "0x1E", 0, 30 },
	{ "16777215T", 0, 16777215ULL << 40 },
	{ "18446744073709551615", 0, UINT64_MAX }, { "0xffffffffffffffff", 0, UINT64_MAX },
	{ "", -EINVAL, 0 }, { "K", -EINVAL, 0 }, { "0x", -EINVAL, 0 }, { "12q", -EINVAL, 0 },
	{ "-1", -EINVAL, 0 }, { "+1", -EINVAL, 0 }, { " 1", -EINVAL, 0 }, { "1 ", -EINVAL, 0 },
	{ "4KBB", -EINVAL, 0 }, { "4Ki", -EINVAL, 0 }, { "1.5G", -EINVAL, 0 }, { "0xg", -EINVAL, 0 },
	{ "16E", -ERANGE, 0 }, { "16777216T", -ERANGE, 0 },
	{ "18446744073709551616", -ERANGE, 0 }, { "0x10000000000000000", -ERANGE, 0 },
	{ "99999999999999999999999q", -EINVAL, 0 },
};

Test(parse, parse_size)
{
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned long long v = 12345;
		int err = parse_size(sizes[i].s, &v);

		cr_expect_eq(err, sizes[i].err, "'%s': %d", sizes[i].s, err);
		cr_expect_eq(v, sizes[i].err ? 12345 : sizes[i].v, "'%s': %llu", sizes[i].s, v);
	}
}

Test(parse, verb_names)
{
	cr_expect_str_eq(mm_verb_name(MMV_MMAP), "mmap");
	cr_expect_str_eq(mm_verb_name(MMV_DROP_CACHES), "drop_caches");
	cr_expect_str_eq(mm_verb_name(MMV_MUNLOCKALL), "munlockall");
	cr_expect_str_eq(mm_verb_name(MMV_NR), "?");
	/* every name parses back to its verb, in its own control file */
	for (int v = 0; v < MMV_NR; v++) {
		enum parse_scope s = mm_verb_is_global(v) ? G : P;
		char line[64], why[128];
		struct mm_call got;
		int rc;

		snprintf(line, sizeof(line), "%s", mm_verb_name(v));
		rc = parse_command(line, strlen(line), s, &got, why, sizeof(why));
		if (rc == 0)
			cr_expect_eq(got.verb, v, "%s", line);
		else
			cr_expect(strstr(why, "needs"), "%s: %s", line, why);
	}
}

/* Deterministic xorshift, so a failure replays. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static size_t mutate(uint64_t *seed, char *buf, size_t cap)
{
	static const char alphabet[] = "()[]<>\"\\,|/* =#-x0123456789KMGTEabcrw_\t\r\n.";
	const struct good *g = &good[rnd(seed) % (sizeof(good) / sizeof(good[0]))];
	size_t n = strlen(g->line), edits = rnd(seed) % 6;

	memcpy(buf, g->line, n);
	for (size_t e = 0; e < edits; e++) {
		size_t at = n ? rnd(seed) % n : 0;
		char ch = rnd(seed) % 4 ? alphabet[rnd(seed) % (sizeof(alphabet) - 1)]
					: (char)rnd(seed);

		switch (rnd(seed) % 4) {
		case 0: buf[at] = ch; break;			/* replace */
		case 1: if (n < cap) {				/* insert */
				memmove(buf + at + 1, buf + at, n - at);
				buf[at] = ch;
				n++;
			}
			break;
		case 2: if (n) {				/* delete */
				memmove(buf + at, buf + at + 1, n - at - 1);
				n--;
			}
			break;
		case 3: n = at; break;				/* truncate */
		}
	}
	if (rnd(seed) % 50 == 0) {				/* pure noise */
		n = rnd(seed) % cap;
		for (size_t i = 0; i < n; i++)
			buf[i] = (char)rnd(seed);
	}
	return n;
}

static int fuzz(uint64_t seed, int rounds)
{
	char buf[4200];

	for (int i = 0; i < rounds; i++) {
		size_t n = mutate(&seed, buf, sizeof(buf));
		enum parse_scope s = rnd(&seed) % 2 ? P : G;
		struct mm_call got;
		char why[96] = "";
		int rc = parse_command(buf, n, s, &got, why, sizeof(why));

		if (rc != 0 && rc != PARSE_EMPTY && rc != -EINVAL)
			return i + 1;
		if (rc == -EINVAL && (!why[0] || strchr(why, '\n') || strlen(why) >= sizeof(why)))
			return i + 1;
		if (rc == 0 && (got.verb >= MMV_NR || !memchr(got.path, '\0', sizeof(got.path))))
			return i + 1;
	}
	return 0;
}

Test(parse, robustness)
{
	cr_assert_eq(fuzz(0x9e3779b97f4a7c15ULL, 20000), 0);
}

static void *fuzz_thread(void *arg)
{
	return (void *)(intptr_t)fuzz((uint64_t)(uintptr_t)arg, 5000);
}

/* Many FUSE threads parse at once: each must see only its own line. */
Test(parse, threads)
{
	pthread_t t[4];

	for (uintptr_t i = 0; i < 4; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, fuzz_thread, (void *)(i * 7919 + 1)), 0);
	for (int i = 0; i < 4; i++) {
		void *ret;

		pthread_join(t[i], &ret);
		cr_expect_eq((intptr_t)ret, 0, "thread %d failed at round %ld", i, (long)(intptr_t)ret);
	}
}

/* Node sets as shell users and strace write them (parse_nodemask.c). */
