/* SPDX-License-Identifier: MIT */
/*
 * parse_flags.c - the flag and advice names of the control language, with
 * Linux x86-64's values (uapi.h), in the shell spelling; the C spelling
 * adds each set's prefix (PROT_, MAP_, ...), which the shell may use too.
 */
#include <stddef.h>

#include "../mm/uapi.h"
#include "parse_flags.h"

#define FLAG_SET(what, prefix, tbl) \
	const struct flag_set tbl##_set = { what, prefix, tbl }

static const struct flag_name prot_names[] = {
	{ "none", MM_PROT_NONE }, { "read", MM_PROT_READ }, { "write", MM_PROT_WRITE },
	{ "exec", MM_PROT_EXEC }, { "sem", 0x8 },
	{ "growsdown", MM_PROT_GROWSDOWN }, { "growsup", MM_PROT_GROWSUP }, { NULL, 0 }
};
FLAG_SET("prot", "PROT_", prot_names);

/* MAP_HUGE_2MB/1GB encode log2(size) at bit 26, as strace prints them. */
static const struct flag_name map_names[] = {
	{ "shared", MM_MAP_SHARED }, { "private", MM_MAP_PRIVATE },
	{ "shared_validate", MM_MAP_SHARED_VALIDATE }, { "file", 0 },
	{ "anonymous", MM_MAP_ANONYMOUS }, { "anon", MM_MAP_ANONYMOUS },
	{ "fixed", MM_MAP_FIXED }, { "fixed_noreplace", MM_MAP_FIXED_NOREPLACE },
	{ "populate", MM_MAP_POPULATE }, { "noreserve", MM_MAP_NORESERVE },
	{ "locked", MM_MAP_LOCKED }, { "hugetlb", MM_MAP_HUGETLB },
	{ "growsdown", MM_MAP_GROWSDOWN }, { "stack", MM_MAP_STACK },
	{ "nonblock", MM_MAP_NONBLOCK }, { "sync", MM_MAP_SYNC },
	{ "uninitialized", MM_MAP_UNINITIALIZED }, { "denywrite", MM_MAP_DENYWRITE },
	{ "executable", MM_MAP_EXECUTABLE }, { "32bit", 0x40 },
	{ "huge_2mb", 21ULL << 26 }, { "huge_1gb", 30ULL << 26 }, { NULL, 0 }
};
FLAG_SET("mmap flag", "MAP_", map_names);

static const struct flag_name mremap_names[] = {
	{ "maymove", MM_MREMAP_MAYMOVE }, { "fixed", MM_MREMAP_FIXED },
	{ "dontunmap", MM_MREMAP_DONTUNMAP }, { NULL, 0 }
};
FLAG_SET("mremap flag", "MREMAP_", mremap_names);

static const struct flag_name madv_names[] = {
	{ "normal", MM_MADV_NORMAL }, { "random", MM_MADV_RANDOM },
	{ "sequential", MM_MADV_SEQUENTIAL }, { "willneed", MM_MADV_WILLNEED },
	{ "dontneed", MM_MADV_DONTNEED }, { "free", MM_MADV_FREE },
	{ "remove", MM_MADV_REMOVE }, { "dontfork", MM_MADV_DONTFORK },
	{ "dofork", MM_MADV_DOFORK }, { "mergeable", MM_MADV_MERGEABLE },
	{ "unmergeable", MM_MADV_UNMERGEABLE }, { "hugepage", MM_MADV_HUGEPAGE },
	{ "nohugepage", MM_MADV_NOHUGEPAGE }, { "dontdump", MM_MADV_DONTDUMP },
	{ "dodump", MM_MADV_DODUMP }, { "wipeonfork", MM_MADV_WIPEONFORK },
	{ "keeponfork", MM_MADV_KEEPONFORK }, { "cold", MM_MADV_COLD },
	{ "pageout", MM_MADV_PAGEOUT }, { "populate_read", MM_MADV_POPULATE_READ },
	{ "populate_write", MM_MADV_POPULATE_WRITE },
	{ "dontneed_locked", 24 }, { "collapse", 25 }, { NULL, 0 }
};
FLAG_SET("madvise advice", "MADV_", madv_names);

static const struct flag_name mlock2_names[] = {
	{ "onfault", MM_MLOCK_ONFAULT }, { NULL, 0 }
};
FLAG_SET("mlock2 flag", "MLOCK_", mlock2_names);

static const struct flag_name mcl_names[] = {
	{ "current", MM_MCL_CURRENT }, { "future", MM_MCL_FUTURE },
	{ "onfault", MM_MCL_ONFAULT }, { NULL, 0 }
};
FLAG_SET("mlockall flag", "MCL_", mcl_names);

static const struct flag_name ms_names[] = {
	{ "async", MM_MS_ASYNC }, { "invalidate", MM_MS_INVALIDATE },
	{ "sync", MM_MS_SYNC }, { NULL, 0 }
};
FLAG_SET("msync flag", "MS_", ms_names);

/* Linux x86-64 values; the model looks only at the access mode, creat, trunc. */
static const struct flag_name open_names[] = {
	{ "rdonly", MM_O_RDONLY }, { "wronly", MM_O_WRONLY }, { "rdwr", MM_O_RDWR },
	{ "creat", MM_O_CREAT }, { "trunc", MM_O_TRUNC }, { "excl", 0200 },
	{ "noctty", 0400 }, { "append", 02000 }, { "nonblock", 04000 },
	{ "ndelay", 04000 }, { "dsync", 010000 }, { "direct", 040000 },
	{ "largefile", 0100000 }, { "directory", 0200000 }, { "nofollow", 0400000 },
	{ "noatime", 01000000 }, { "cloexec", 02000000 }, { "sync", 04010000 },
	{ "path", 010000000 }, { "tmpfile", 020200000 }, { NULL, 0 }
};
FLAG_SET("open flag", "O_", open_names);

/* System V shm (Linux x86-64 values); the access mode is an octal number */
static const struct flag_name ipc_names[] = {
	{ "IPC_CREAT", 01000 }, { "IPC_EXCL", 02000 }, { "IPC_NOWAIT", 04000 },
	{ "SHM_HUGETLB", 04000 }, { "SHM_NORESERVE", 010000 },
	{ "creat", 01000 }, { "excl", 02000 }, { "nowait", 04000 },
	{ "hugetlb", 04000 }, { "noreserve", 010000 }, { NULL, 0 }
};
FLAG_SET("shmget flag", "", ipc_names);

static const struct flag_name shmat_names[] = {
	{ "rdonly", 010000 }, { "rnd", 020000 }, { "remap", 040000 }, { "exec", 0100000 },
	{ NULL, 0 }
};
FLAG_SET("shmat flag", "SHM_", shmat_names);

static const struct flag_name shmctl_names[] = {
	{ "IPC_RMID", 0 }, { "IPC_SET", 1 }, { "IPC_STAT", 2 }, { "IPC_INFO", 3 },
	{ "SHM_LOCK", 11 }, { "SHM_UNLOCK", 12 }, { "SHM_STAT", 13 }, { "SHM_INFO", 14 },
	{ "SHM_STAT_ANY", 15 },
	{ "rmid", 0 }, { "set", 1 }, { "stat", 2 }, { "info", 3 }, { "lock", 11 },
	{ "unlock", 12 }, { "shm_stat", 13 }, { "shm_info", 14 }, { "stat_any", 15 },
	{ NULL, 0 }
};
FLAG_SET("shmctl command", "", shmctl_names);

/*
 * Memory policy modes and mode flags (one set: strace prints them joined,
 * MPOL_BIND|MPOL_F_STATIC_NODES); the shell may say bind,static.
 */
static const struct flag_name mpol_names[] = {
	{ "default", MM_MPOL_DEFAULT }, { "preferred", MM_MPOL_PREFERRED },
	{ "prefer", MM_MPOL_PREFERRED }, { "bind", MM_MPOL_BIND },
	{ "interleave", MM_MPOL_INTERLEAVE }, { "local", MM_MPOL_LOCAL },
	{ "preferred_many", MM_MPOL_PREFERRED_MANY },
	{ "weighted_interleave", MM_MPOL_WEIGHTED_INTERLEAVE },
	{ "f_static_nodes", MM_MPOL_F_STATIC_NODES }, { "static", MM_MPOL_F_STATIC_NODES },
	{ "f_relative_nodes", MM_MPOL_F_RELATIVE_NODES }, { "relative", MM_MPOL_F_RELATIVE_NODES },
	{ "f_numa_balancing", MM_MPOL_F_NUMA_BALANCING },
	{ "balancing", MM_MPOL_F_NUMA_BALANCING }, { NULL, 0 }
};
FLAG_SET("memory policy mode", "MPOL_", mpol_names);

static const struct flag_name mpol_mf_names[] = {
	{ "strict", MM_MPOL_MF_STRICT }, { "move", MM_MPOL_MF_MOVE },
	{ "move_all", MM_MPOL_MF_MOVE_ALL }, { NULL, 0 }
};
FLAG_SET("mbind flag", "MPOL_MF_", mpol_mf_names);

static const struct flag_name mpol_get_names[] = {
	{ "node", MM_MPOL_F_NODE }, { "addr", MM_MPOL_F_ADDR },
	{ "mems_allowed", MM_MPOL_F_MEMS_ALLOWED }, { NULL, 0 }
};
FLAG_SET("get_mempolicy flag", "MPOL_F_", mpol_get_names);
