/* SPDX-License-Identifier: MIT */
/*
 * test_parse_verbs.c - the control language's richer arguments: node masks,
 * exec's argument list, the malloc family, clone and thread verbs, memory
 * policies and page migration (test_parse.c has the plain verbs).
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

#define P PARSE_PROCESS
#define G PARSE_GLOBAL
#define K 1024ULL
#define X 0x7f0000000000ULL

struct bad {
	const char *line;
	enum parse_scope scope;
	const char *why;	/* a substring of the reason */
};

Test(parse, nodemasks)
{
	static const struct {
		const char *s;
		uint64_t mask;
		bool far;
	} ok[] = {
		{ "0", 0x1, false }, { "1", 0x2, false }, { "0-1", 0x3, false },
		{ "0,2-3", 0xd, false }, { "63", 1ULL << 63, false }, { "64", 0, true },
		{ "1,64-65", 0x2, true }, { "0x3", 0x3, false }, { "0X10", 0x10, false },
		{ "none", 0, false }, { "NULL", 0, false }, { "[]", 0, false },
		{ "[0x00000000000003]", 0x3, false },
		{ "[0x00000000000001, 0x00000000000000]", 0x1, false },
		{ "[0x00000000000000, 0x00000000000001]", 0, true },
	};
	static const char *const bad[] = {
		"", "-1", "1-0", "0-", "a", "0,,1", "0x", "0xg", "[0x3", "[0x3 0x1]",
		"0x10000000000000000", "[zz]", "1 2",
	};
	char why[128];
	struct pctx p = { .why = why, .whylen = sizeof(why) };

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		uint64_t mask = 7;
		bool far = !ok[i].far;

		cr_expect_eq(parse_nodemask(&p, ok[i].s, &mask, &far), 0, "'%s': %s", ok[i].s, why);
		cr_expect_eq(mask, ok[i].mask, "'%s': mask %#llx", ok[i].s, (unsigned long long)mask);
		cr_expect_eq(far, ok[i].far, "'%s': far", ok[i].s);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t mask;
		bool far;

		why[0] = '\0';
		cr_expect_eq(parse_nodemask(&p, bad[i], &mask, &far), -EINVAL, "'%s' accepted", bad[i]);
		cr_expect_neq(why[0], '\0', "'%s': no reason", bad[i]);
	}
}

/* exec PATH ARG...: the arguments after PATH, each NUL-terminated, in order. */
Test(parse, exec_arguments)
{
	struct mm_call c;
	char why[128];
	static const char line[] = "exec /usr/bin/ls -l /";
	char big[512];

	cr_assert_eq(parse_command(line, strlen(line), PARSE_PROCESS, &c, why, sizeof(why)), 0, "%s", why);
	cr_expect_eq(c.verb, MMV_EXEC);
	cr_expect_str_eq(c.path, "/usr/bin/ls");
	cr_expect_eq(c.argv_len, 5);
	cr_expect_eq(memcmp(c.argv, "-l\0/\0", 5), 0);
	cr_assert_eq(parse_command("exec", 4, PARSE_PROCESS, &c, why, sizeof(why)), 0, "%s", why);
	cr_expect_eq(c.argv_len, 0);
	/* arguments past the 256 bytes of argv: EINVAL with the reason */
	snprintf(big, sizeof(big), "exec /x %0200d %0200d", 1, 2);
	cr_expect_eq(parse_command(big, strlen(big), PARSE_PROCESS, &c, why, sizeof(why)), -EINVAL);
	cr_expect(strstr(why, "arguments are longer than"), "%s", why);
}

/* glibc's allocator as commands (mm/libc/): sizes, pointers, mallopt names */
Test(parse, malloc_family)
{
	struct mm_call c;
	char why[128];

	cr_assert_eq(parse_command("malloc 200K", 11, P, &c, why, sizeof(why)), 0, "%s", why);
	cr_expect_eq(c.verb, MMV_MALLOC);
	cr_expect_eq(c.len, 200 * 1024);
	cr_assert_eq(parse_command("calloc 4 100", 12, P, &c, why, sizeof(why)), 0, "%s", why);
	cr_expect_eq(c.len, 4);
	cr_expect_eq(c.new_len, 100);
	cr_assert_eq(parse_command("realloc 0x5555555592a0 64", 25, P, &c, why, sizeof(why)), 0);
	cr_expect_eq(c.addr, 0x5555555592a0ULL);
	cr_expect_eq(c.new_len, 64);
	cr_assert_eq(parse_command("mallopt M_MMAP_THRESHOLD 65536", 30, P, &c, why, sizeof(why)), 0);
	cr_expect_eq(c.verb, MMV_MALLOPT);
	cr_expect_eq(c.advice, -3);
	cr_expect_eq(c.mode, 65536);
	cr_assert_eq(parse_command("mallopt top_pad -1", 18, P, &c, why, sizeof(why)), 0);
	cr_expect_eq(c.advice, -2);
	cr_expect_eq(c.mode, -1);
	cr_expect_eq(parse_command("mallopt M_FOO 1", 15, P, &c, why, sizeof(why)), -EINVAL);
	cr_expect_str_eq(why, "unknown mallopt parameter 'M_FOO'");
	cr_expect_eq(parse_command("malloc", 6, P, &c, why, sizeof(why)), -EINVAL);
	cr_expect_str_eq(why, "malloc needs SIZE");
	cr_expect_eq(parse_command("malloc 1", 8, G, &c, why, sizeof(why)), -EINVAL);
	cr_assert_eq(parse_command("malloc_stats", 12, P, &c, why, sizeof(why)), 0);
	cr_expect_eq(c.verb, MMV_MALLOC_STATS);
}

/* Threads: clone's flags by name (strace's spelling, SIGCHLD included) or number. */
Test(parse, clone_and_thread_verbs)
{
	struct mm_call c;
	char why[128];
	static const char glibc[] = "clone CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|"
		"CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID";
	static const char forkish[] = "clone child_cleartid|child_settid|SIGCHLD";

	cr_assert_eq(parse_command(glibc, strlen(glibc), PARSE_PROCESS, &c, why, sizeof(why)), 0, "%s", why);
	cr_expect_eq(c.verb, MMV_CLONE);
	cr_expect_eq(c.flags, 0x3d0f00);
	cr_assert_eq(parse_command(forkish, strlen(forkish), PARSE_PROCESS, &c, why, sizeof(why)), 0, "%s", why);
	cr_expect_eq(c.flags, 0x1200011);
	cr_assert_eq(parse_command("clone 0x10d00", 13, PARSE_PROCESS, &c, why, sizeof(why)), 0, "%s", why);
	cr_expect_eq(c.flags, 0x10d00);
	cr_expect_eq(parse_command("clone", 5, PARSE_PROCESS, &c, why, sizeof(why)), -EINVAL);
	cr_expect_str_eq(why, "clone needs FLAGS");
	cr_expect_eq(parse_command("clone CLONE_BOGUS", 17, PARSE_PROCESS, &c, why, sizeof(why)), -EINVAL);
	cr_expect_str_eq(why, "unknown clone flag 'CLONE_BOGUS'");
	cr_assert_eq(parse_command("exit_group", 10, PARSE_PROCESS, &c, why, sizeof(why)), 0, "%s", why);
	cr_expect_eq(c.verb, MMV_EXIT_GROUP);
	cr_assert_eq(parse_command("pthread_create", 14, PARSE_PROCESS, &c, why, sizeof(why)), 0, "%s", why);
	cr_expect_eq(c.verb, MMV_PTHREAD_CREATE);
	cr_expect_eq(c.len, 0);
	cr_assert_eq(parse_command("pthread_create 64k", 18, PARSE_PROCESS, &c, why, sizeof(why)), 0, "%s", why);
	cr_expect_eq(c.len, 65536);
	cr_assert_eq(parse_command("pthread_exit", 12, PARSE_PROCESS, &c, why, sizeof(why)), 0, "%s", why);
	cr_expect_eq(c.verb, MMV_PTHREAD_EXIT);
	cr_expect_eq(parse_command("clone 0x100", 11, PARSE_GLOBAL, &c, why, sizeof(why)), -EINVAL);
}

/*
 * Memory-policy calls as the host's strace prints them (strace -e
 * trace=set_mempolicy,mbind,get_mempolicy, Linux 6.18) and in the shell
 * form: mode|flags into mode, the mask and how it was passed, maxnode.
 */
struct mpol_row {
	const char *line;
	enum mm_verb verb;
	int32_t mode;
	uint64_t addr, len, nodes, maxnode, flags;
	int64_t advice;
	uint8_t ptr, far;
};

Test(parse, mempolicy_lines)
{
	static const struct mpol_row ok[] = {
		{ "set_mempolicy(MPOL_BIND, [0x00000000000002], 64) = 0", MMV_SET_MEMPOLICY, 2, 0, 0, 2, 64, 0, 0, 1, 0 },
		{ "set_mempolicy(MPOL_BIND, [0x00000000000001, 0000000000000000, 0x00000000000001], 192) = 0",
		  MMV_SET_MEMPOLICY, 2, 0, 0, 1, 192, 0, 0, 1, 1 },
		{ "set_mempolicy(0x63 /* MPOL_??? */, [0x00000000000001], 64) = -1 EINVAL (Invalid argument)",
		  MMV_SET_MEMPOLICY, 0x63, 0, 0, 1, 64, 0, 0, 1, 0 },
		{ "set_mempolicy(MPOL_BIND|MPOL_F_RELATIVE_NODES|MPOL_F_NUMA_BALANCING, [0x00000000000001], 64) = 0",
		  MMV_SET_MEMPOLICY, 2 | 0x4000 | 0x2000, 0, 0, 1, 64, 0, 0, 1, 0 },
		{ "set_mempolicy(0x10002 /* MPOL_??? */, [0x00000000000001], 64)", MMV_SET_MEMPOLICY, 0x10002, 0, 0, 1, 64, 0, 0, 1, 0 },
		{ "set_mempolicy(MPOL_DEFAULT, NULL, 0)    = 0", MMV_SET_MEMPOLICY, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ "set_mempolicy(0x6 /* MPOL_??? */, [0x00000000000001], 65) = 0", MMV_SET_MEMPOLICY, 6, 0, 0, 1, 65, 0, 0, 1, 0 },
		{ "mbind(0x7f0000000000, 262144, MPOL_INTERLEAVE, [0x00000000000003], 64, 0) = 0",
		  MMV_MBIND, 3, X, 262144, 3, 64, 0, 0, 1, 0 },
		{ "mbind(0x7f0000000000, 262144, MPOL_BIND, [0x00000000000001], 64, MPOL_MF_STRICT|MPOL_MF_MOVE) = 0",
		  MMV_MBIND, 2, X, 262144, 1, 64, 3, 0, 1, 0 },
		{ "mbind(0x7f0000000000, 262144, MPOL_F_STATIC_NODES|0x63, [0x00000000000001], 64, 0) = -1 EINVAL (Invalid argument)",
		  MMV_MBIND, 0x8063, X, 262144, 1, 64, 0, 0, 1, 0 },
		{ "mbind(0x7f0000000000, 262144, MPOL_BIND, [0x00000000000001], 64, MPOL_MF_STRICT|MPOL_MF_MOVE|MPOL_MF_MOVE_ALL|0x18) = -1 EINVAL (Invalid argument)",
		  MMV_MBIND, 2, X, 262144, 1, 64, 0x1f, 0, 1, 0 },
		{ "mbind(0x7f0000000000, 262144, MPOL_BIND, 0x55fa8af8f060, 1, 0) = -1 EINVAL (Invalid argument)",
		  MMV_MBIND, 2, X, 262144, 0, 1, 0, 0, 2, 0 },
		{ "mbind(0x7f0000000000, 262144, MPOL_BIND, [], 0, 0) = -1 EINVAL (Invalid argument)",
		  MMV_MBIND, 2, X, 262144, 0, 0, 0, 0, 1, 0 },
		{ "get_mempolicy([MPOL_PREFERRED], [0x00000000000001], 64, NULL, 0) = 0", MMV_GET_MEMPOLICY, 0, 0, 0, 0, 64, 0, 3, 0, 0 },
		{ "get_mempolicy([MPOL_PREFERRED], NULL, 0, NULL, 0) = 0", MMV_GET_MEMPOLICY, 0, 0, 0, 0, 0, 0, 1, 0, 0 },
		{ "get_mempolicy(NULL, NULL, 0, NULL, 0)   = 0", MMV_GET_MEMPOLICY, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ "get_mempolicy([MPOL_DEFAULT], [0000000000000000], 64, 0x7f0000000000, MPOL_F_NODE|MPOL_F_ADDR) = 0",
		  MMV_GET_MEMPOLICY, 0, X, 0, 0, 64, 3, 3, 0, 0 },
		{ "get_mempolicy(0x7ffd4486cb04, 0x55fa8af91060, 64, 0x7f0000000000, MPOL_F_NODE|MPOL_F_ADDR|MPOL_F_MEMS_ALLOWED|0x8) = -1 EINVAL (Invalid argument)",
		  MMV_GET_MEMPOLICY, 0, X, 0, 0, 64, 0xf, 3, 0, 0 },
		/* the shell form: maxnode 65 (nodes 0..63), both outputs asked */
		{ "set_mempolicy bind 1", MMV_SET_MEMPOLICY, 2, 0, 0, 2, 65, 0, 0, 1, 0 },
		{ "set_mempolicy default", MMV_SET_MEMPOLICY, 0, 0, 0, 0, 65, 0, 0, 0, 0 },
		{ "set_mempolicy preferred none", MMV_SET_MEMPOLICY, 1, 0, 0, 0, 65, 0, 0, 1, 0 },
		{ "set_mempolicy bind,static 0x3", MMV_SET_MEMPOLICY, 0x8002, 0, 0, 3, 65, 0, 0, 1, 0 },
		{ "Set_Mempolicy WEIGHTED_INTERLEAVE|relative 0,2-3", MMV_SET_MEMPOLICY, 0x4006, 0, 0, 0xd, 65, 0, 0, 1, 0 },
		{ "set_mempolicy 3 64-65", MMV_SET_MEMPOLICY, 3, 0, 0, 0, 65, 0, 0, 1, 1 },
		{ "mbind 0x7f0000000000 256K interleave 0-1", MMV_MBIND, 3, X, 256 * K, 3, 65, 0, 0, 1, 0 },
		{ "mbind 0x7f0000000000 4K MPOL_PREFERRED_MANY 1 strict,move_all", MMV_MBIND, 5, X, 4096, 2, 65, 5, 0, 1, 0 },
		{ "mbind 0x7f0000000000 4K local none 0x7", MMV_MBIND, 4, X, 4096, 0, 65, 7, 0, 1, 0 },
		{ "get_mempolicy", MMV_GET_MEMPOLICY, 0, 0, 0, 0, 65, 0, 3, 0, 0 },
		{ "get_mempolicy 0x7f0000000000 node|addr", MMV_GET_MEMPOLICY, 0, X, 0, 0, 65, 3, 3, 0, 0 },
		{ "get_mempolicy 0 mems_allowed", MMV_GET_MEMPOLICY, 0, 0, 0, 0, 65, 4, 3, 0, 0 },
	};
	static const struct bad no[] = {
		{ "set_mempolicy", P, "set_mempolicy needs MODE [NODES]" },
		{ "set_mempolicy bind 1 2", P, "too many arguments: set_mempolicy MODE [NODES]" },
		{ "set_mempolicy bindx 1", P, "unknown memory policy mode 'bindx'" },
		{ "set_mempolicy bind 1-x", P, "bad node range" },
		{ "set_mempolicy bind 1", G, "per-process command" },
		{ "mbind 0 4K bind", P, "mbind needs ADDR LEN MODE NODES [FLAGS]" },
		{ "mbind 0 4K bind 1 sticky", P, "unknown mbind flag 'sticky'" },
		{ "get_mempolicy 0 nodes", P, "unknown get_mempolicy flag 'nodes'" },
		{ "set_mempolicy(MPOL_BIND, [0x1], 64, 1)", P, "set_mempolicy() takes 3 arguments, not 4" },
		{ "set_mempolicy(MPOL_BIND, \"1\", 64)", P, "argument 2 must not be a string" },
		{ "mbind(0x7f0000000000, 4096, MPOL_BIND, [0xzz], 64, 0)", P, "bad nodemask '[0xzz]'" },
		{ "get_mempolicy(NULL, NULL, 0, NULL)", P, "get_mempolicy() takes 5 arguments, not 4" },
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		const struct mpol_row *r = &ok[i];
		struct mm_call c;
		char why[256] = "";
		int rc = parse_command(r->line, strlen(r->line), P, &c, why, sizeof(why));

		cr_expect_eq(rc, 0, "%s: %s", r->line, why);
		if (rc)
			continue;
		cr_expect_eq(c.verb, r->verb, "%s: verb", r->line);
		cr_expect_eq(c.mode, r->mode, "%s: mode %#x", r->line, c.mode);
		cr_expect_eq(c.addr, r->addr, "%s: addr", r->line);
		cr_expect_eq(c.len, r->len, "%s: len", r->line);
		cr_expect_eq(c.nodes[0], r->nodes, "%s: nodes %#llx", r->line, (unsigned long long)c.nodes[0]);
		cr_expect_eq(c.maxnode, r->maxnode, "%s: maxnode %llu", r->line, (unsigned long long)c.maxnode);
		cr_expect_eq(c.flags, r->flags, "%s: flags %#llx", r->line, (unsigned long long)c.flags);
		cr_expect_eq(c.advice, r->advice, "%s: advice", r->line);
		cr_expect_eq(c.nodes_ptr[0], r->ptr, "%s: nodes_ptr %d", r->line, c.nodes_ptr[0]);
		cr_expect_eq(c.nodes_far[0], r->far, "%s: nodes_far", r->line);
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		struct mm_call c;
		char why[256] = "";
		int rc = parse_command(no[i].line, strlen(no[i].line), no[i].scope, &c, why, sizeof(why));

		cr_expect_eq(rc, -EINVAL, "%s: rc %d", no[i].line, rc);
		cr_expect(strstr(why, no[i].why), "%s: reason '%s' lacks '%s'", no[i].line, why, no[i].why);
	}
}

/* migrate_pages, move_pages and the affinity calls, both forms (parse_numa.c) */
Test(parse, migration_lines)
{
	struct mm_call c;
	char why[256];

#define OK(line, scope) cr_assert_eq(parse_command(line, strlen(line), scope, &c, why, sizeof(why)), 0, \
				     "%s: %s", line, why)
	OK("migrate_pages 0 0 1", PARSE_PROCESS);
	cr_assert_eq(c.verb, MMV_MIGRATE_PAGES);
	cr_assert_eq(c.nodes[0], 1);
	cr_assert_eq(c.nodes[1], 2);
	OK("migrate_pages(1234, 64, [0x00000000000001], [0x00000000000002]) = 0", PARSE_PROCESS);
	cr_assert_eq(c.pid, 1234);
	cr_assert_eq(c.nodes[0], 1);
	cr_assert_eq(c.nodes[1], 2);
	OK("move_pages(0, 5, [0x7f34bd740000, 0x7f34bd741000, 0x7f34bd742000, 0x7f34bd743000, 0x1000], "
	   "NULL, [0, 0, -EFAULT, -ENOENT, -EFAULT], 0) = 0", PARSE_PROCESS);
	cr_assert_eq(c.verb, MMV_MOVE_PAGES);
	cr_assert_eq(c.len, 5);
	cr_assert_eq(c.nr_pages, 5);
	cr_assert_eq(c.pages[0], 0x7f34bd740000ULL);
	cr_assert_eq(c.pages[4], 0x1000);
	cr_assert_eq(c.has_page_nodes, 0);
	OK("move_pages(0, 2, [0x7f34bd740000, 0x7f34bd741000], [0, 1], 0x7ffef1e9dca0, MPOL_MF_MOVE_ALL) = 0",
	   PARSE_PROCESS);
	cr_assert_eq(c.has_page_nodes, 1);
	cr_assert_eq(c.nr_page_nodes, 2);
	cr_assert_eq(c.page_nodes[1], 1);
	cr_assert_eq(c.flags, 4);
	OK("move_pages(0, 2, [0x1000, 0x2000], NULL, 0x7ffef1e9dca0, 0x8 /* MPOL_??? */) = -1 EINVAL (Invalid argument)",
	   PARSE_PROCESS);
	cr_assert_eq(c.flags, 8);
	OK("move_pages 7 0x1000,0x2000 1 move", PARSE_PROCESS);
	cr_assert_eq(c.pid, 7);
	cr_assert_eq(c.len, 0);
	cr_assert_eq(c.nr_pages, 2);
	cr_assert_eq(c.nr_page_nodes, 1);
	cr_assert_eq(c.flags, 2);
	OK("move_pages(0, 0, NULL, NULL, NULL, 0) = 0", PARSE_PROCESS);
	cr_assert_eq(c.nr_pages, 0);
	OK("move_pages 7 0x1000", PARSE_PROCESS);
	cr_assert_eq(c.has_page_nodes, 0);
	OK("move_pages 7 0x1000 NULL all", PARSE_PROCESS);
	cr_assert_eq(c.has_page_nodes, 0);
	cr_assert_eq(c.flags, 4);
	OK("sched_setaffinity(0, 128, [0 1]) = 0", PARSE_PROCESS);
	cr_assert_eq(c.verb, MMV_SCHED_SETAFFINITY);
	cr_assert_eq(c.len, 128);
	cr_assert_eq(c.cpus[0], 3);
	OK("sched_setaffinity(0, 128, [100]) = -1 EINVAL (Invalid argument)", PARSE_PROCESS);
	cr_assert_eq(c.cpus[1], 1ULL << 36);
	OK("sched_setaffinity 0 0-1,3", PARSE_PROCESS);
	cr_assert_eq(c.cpus[0], 0xb);
	OK("sched_setaffinity 0 0x6", PARSE_PROCESS);
	cr_assert_eq(c.cpus[0], 0x6);
	OK("sched_getaffinity(0, 128, [0]) = 32", PARSE_PROCESS);
	cr_assert_eq(c.verb, MMV_SCHED_GETAFFINITY);
	cr_assert_eq(c.len, 128);
	OK("sched_getaffinity 3", PARSE_PROCESS);
	cr_assert_eq(c.pid, 3);
	OK("taskset 3 1-2", PARSE_GLOBAL);
	cr_assert_eq(c.verb, MMV_TASKSET);
	cr_assert_eq(c.cpus[0], 6);
#undef OK
	static const struct bad nbad[] = {
		{ "move_pages(0, 40, [0x1000, 0x2000, ...], NULL, 0x7ff, 0)", P, "cut the list" },
		{ "move_pages 0 0x1000,,0x2000", P, "empty page address" },
		{ "move_pages 0 zz", P, "bad page address 'zz'" },
		{ "move_pages 0 0x1000 1,x", P, "'x' is not a number" },
		{ "move_pages 0 0x1000 1 sideways", P, "unknown move_pages flag 'sideways'" },
		{ "move_pages 0", P, "move_pages needs PID ADDR" },
		{ "sched_setaffinity 0 256", P, "CPUs are 0..255" },
		{ "sched_setaffinity 0 3-1", P, "bad CPU range" },
		{ "sched_setaffinity(0, 128, [0,, 1])", P, "empty CPU" },
		{ "taskset 3 1", P, "taskset is a global command" },
		{ "migrate_pages 0 0 x", P, "bad node list" },
		{ "move_pages(0, 1, [0x1000], \"x\", 0, 0)", P, "must not be a string" },
	};

	for (size_t i = 0; i < sizeof(nbad) / sizeof(nbad[0]); i++) {
		why[0] = '\0';
		cr_expect_eq(parse_command(nbad[i].line, strlen(nbad[i].line), nbad[i].scope, &c, why,
					   sizeof(why)), -EINVAL, "%s accepted", nbad[i].line);
		cr_expect(strstr(why, nbad[i].why), "%s: reason '%s'", nbad[i].line, why);
	}
	/* 256 pages fit; the 257th does not */
	{
		char line[4096];
		size_t o = (size_t)snprintf(line, sizeof(line), "move_pages 0 ");

		for (int i = 0; i < 257; i++)
			o += (size_t)snprintf(line + o, sizeof(line) - o, "%s%d", i ? "," : "", i);
		cr_expect_eq(parse_command(line, o, PARSE_PROCESS, &c, why, sizeof(why)), -EINVAL);
		cr_expect(strstr(why, "more than 256 pages"), "%s", why);
	}
}
