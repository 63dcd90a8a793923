/* SPDX-License-Identifier: MIT */
/*
 * uapi.c - names of the verbs, as users type them in the control files.
 */
#include "uapi.h"

static const char *const verb_names[MMV_NR] = {
	[MMV_MMAP]		= "mmap",
	[MMV_MUNMAP]		= "munmap",
	[MMV_MPROTECT]		= "mprotect",
	[MMV_MREMAP]		= "mremap",
	[MMV_BRK]		= "brk",
	[MMV_MADVISE]		= "madvise",
	[MMV_MLOCK]		= "mlock",
	[MMV_MLOCK2]		= "mlock2",
	[MMV_MUNLOCK]		= "munlock",
	[MMV_MLOCKALL]		= "mlockall",
	[MMV_MUNLOCKALL]	= "munlockall",
	[MMV_MINCORE]		= "mincore",
	[MMV_MSYNC]		= "msync",
	[MMV_TOUCH]		= "touch",
	[MMV_FORK]		= "fork",
	[MMV_EXEC]		= "exec",
	[MMV_EXIT]		= "exit",
	[MMV_OPEN]		= "open",
	[MMV_CLOSE]		= "close",
	[MMV_DUP]		= "dup",
	[MMV_SPAWN]		= "spawn",
	[MMV_KILL]		= "kill",
	[MMV_DROP_CACHES]	= "drop_caches",
	[MMV_COMPACT]		= "compact",
	[MMV_CHECK]		= "check",
	[MMV_SYNC]		= "sync",
	[MMV_CHECKPOINT]	= "checkpoint",
	[MMV_SWAPON]		= "swapon",
	[MMV_SWAPOFF]		= "swapoff",
	[MMV_SHMGET]		= "shmget",
	[MMV_SHMAT]		= "shmat",
	[MMV_SHMDT]		= "shmdt",
	[MMV_SHMCTL]		= "shmctl",
	[MMV_SHM_UNLINK]	= "shm_unlink",
	[MMV_MALLOC]		= "malloc",
	[MMV_FREE]		= "free",
	[MMV_CALLOC]		= "calloc",
	[MMV_REALLOC]		= "realloc",
	[MMV_MEMALIGN]		= "memalign",
	[MMV_MALLOC_TRIM]	= "malloc_trim",
	[MMV_MALLOPT]		= "mallopt",
	[MMV_MALLOC_STATS]	= "malloc_stats",
	[MMV_SET_MEMPOLICY]	= "set_mempolicy",
	[MMV_MBIND]		= "mbind",
	[MMV_GET_MEMPOLICY]	= "get_mempolicy",
	[MMV_MIGRATE_PAGES]	= "migrate_pages",
	[MMV_MOVE_PAGES]	= "move_pages",
	[MMV_SCHED_SETAFFINITY]	= "sched_setaffinity",
	[MMV_SCHED_GETAFFINITY]	= "sched_getaffinity",
	[MMV_TASKSET]		= "taskset",
};

/* Never NULL: an out-of-range verb reads "?" so callers can print it as is. */
const char *mm_verb_name(enum mm_verb v)
{
	if ((unsigned int)v >= MMV_NR || !verb_names[v])
		return "?";
	return verb_names[v];
}

/*
 * The global verbs sat after the per-process ones until per-process verbs
 * were appended after them (migrate_pages...): ask here, not by order.
 */
int mm_verb_is_global(enum mm_verb v)
{
	return (v >= MMV_SPAWN && v <= MMV_SWAPOFF) || v == MMV_TASKSET;
}
