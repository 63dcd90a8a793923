/* SPDX-License-Identifier: MIT */
/*
 * uapi.h - the system-call interface of the simulated kernel.
 *
 * Constants carry Linux x86-64's values (so a number pasted from strace means
 * what it meant there), but are defined here so the model does not depend on
 * the host's headers. `struct mm_call` is one typed call: the command parser
 * (fs/parse.c) produces it, mm_syscall() and the global-command functions
 * consume it.
 */
#ifndef MM_UAPI_H
#define MM_UAPI_H

#include <stdint.h>

#define MM_PAGE_SHIFT	12
#define MM_PAGE_SIZE	(1ULL << MM_PAGE_SHIFT)

/* mmap/mprotect prot */
#define MM_PROT_NONE		0x0
#define MM_PROT_READ		0x1
#define MM_PROT_WRITE		0x2
#define MM_PROT_EXEC		0x4
#define MM_PROT_GROWSDOWN	0x01000000
#define MM_PROT_GROWSUP		0x02000000

/* mmap flags */
#define MM_MAP_SHARED		0x01
#define MM_MAP_PRIVATE		0x02
#define MM_MAP_SHARED_VALIDATE	0x03
#define MM_MAP_TYPE		0x0f
#define MM_MAP_FIXED		0x10
#define MM_MAP_ANONYMOUS	0x20
#define MM_MAP_GROWSDOWN	0x0100
#define MM_MAP_DENYWRITE	0x0800
#define MM_MAP_EXECUTABLE	0x1000
#define MM_MAP_LOCKED		0x2000
#define MM_MAP_NORESERVE	0x4000
#define MM_MAP_POPULATE		0x8000
#define MM_MAP_NONBLOCK		0x10000
#define MM_MAP_STACK		0x20000
#define MM_MAP_HUGETLB		0x40000
#define MM_MAP_SYNC		0x80000
#define MM_MAP_FIXED_NOREPLACE	0x100000
#define MM_MAP_UNINITIALIZED	0x4000000

/* mremap flags */
#define MM_MREMAP_MAYMOVE	1
#define MM_MREMAP_FIXED		2
#define MM_MREMAP_DONTUNMAP	4

/* madvise advice */
#define MM_MADV_NORMAL		0
#define MM_MADV_RANDOM		1
#define MM_MADV_SEQUENTIAL	2
#define MM_MADV_WILLNEED	3
#define MM_MADV_DONTNEED	4
#define MM_MADV_FREE		8
#define MM_MADV_REMOVE		9
#define MM_MADV_DONTFORK	10
#define MM_MADV_DOFORK		11
#define MM_MADV_MERGEABLE	12
#define MM_MADV_UNMERGEABLE	13
#define MM_MADV_HUGEPAGE	14
#define MM_MADV_NOHUGEPAGE	15
#define MM_MADV_DONTDUMP	16
#define MM_MADV_DODUMP		17
#define MM_MADV_WIPEONFORK	18
#define MM_MADV_KEEPONFORK	19
#define MM_MADV_COLD		20
#define MM_MADV_PAGEOUT		21
#define MM_MADV_POPULATE_READ	22
#define MM_MADV_POPULATE_WRITE	23

/* mlockall / mlock2 */
#define MM_MCL_CURRENT		1
#define MM_MCL_FUTURE		2
#define MM_MCL_ONFAULT		4
#define MM_MLOCK_ONFAULT	1

/* msync */
#define MM_MS_ASYNC		1
#define MM_MS_INVALIDATE	2
#define MM_MS_SYNC		4

/* open flags (the subset that matters for mmap) */
#define MM_O_RDONLY		00
#define MM_O_WRONLY		01
#define MM_O_RDWR		02
#define MM_O_ACCMODE		03
#define MM_O_CREAT		0100
#define MM_O_TRUNC		01000
#define MM_O_EXCL		0200
#define MM_O_NOFOLLOW		0400000
#define MM_O_CLOEXEC		02000000
/* open's mode field: MODE given (shm_open), applied with the umask 022 */
#define MM_OPEN_MODE_GIVEN	0x10000

/* NUMA memory policies (set_mempolicy, mbind, get_mempolicy) */
#define MM_MPOL_DEFAULT			0
#define MM_MPOL_PREFERRED		1
#define MM_MPOL_BIND			2
#define MM_MPOL_INTERLEAVE		3
#define MM_MPOL_LOCAL			4
#define MM_MPOL_PREFERRED_MANY		5
#define MM_MPOL_WEIGHTED_INTERLEAVE	6
#define MM_MPOL_MAX			7
#define MM_MPOL_F_STATIC_NODES		(1 << 15)
#define MM_MPOL_F_RELATIVE_NODES	(1 << 14)
#define MM_MPOL_F_NUMA_BALANCING	(1 << 13)
#define MM_MPOL_MODE_FLAGS	(MM_MPOL_F_STATIC_NODES | MM_MPOL_F_RELATIVE_NODES | \
				 MM_MPOL_F_NUMA_BALANCING)
#define MM_MPOL_F_NODE			(1 << 0)	/* get_mempolicy flags */
#define MM_MPOL_F_ADDR			(1 << 1)
#define MM_MPOL_F_MEMS_ALLOWED		(1 << 2)
#define MM_MPOL_MF_STRICT		(1 << 0)	/* mbind flags */
#define MM_MPOL_MF_MOVE			(1 << 1)
#define MM_MPOL_MF_MOVE_ALL		(1 << 2)
#define MM_MPOL_MF_VALID	(MM_MPOL_MF_STRICT | MM_MPOL_MF_MOVE | MM_MPOL_MF_MOVE_ALL)

/* The verbs of both control files. */
enum mm_verb {
	/* per-process (MOUNT/proc/PID/ctl) */
	MMV_MMAP,
	MMV_MUNMAP,
	MMV_MPROTECT,
	MMV_MREMAP,
	MMV_BRK,
	MMV_MADVISE,
	MMV_MLOCK,
	MMV_MLOCK2,
	MMV_MUNLOCK,
	MMV_MLOCKALL,
	MMV_MUNLOCKALL,
	MMV_MINCORE,
	MMV_MSYNC,
	MMV_TOUCH,
	MMV_FORK,
	MMV_EXEC,
	MMV_EXIT,
	MMV_OPEN,
	MMV_CLOSE,
	MMV_DUP,
	/* global (MOUNT/ctl) */
	MMV_SPAWN,
	MMV_KILL,
	MMV_DROP_CACHES,
	MMV_COMPACT,
	MMV_CHECK,
	MMV_SYNC,
	MMV_CHECKPOINT,
	MMV_SWAPON,
	MMV_SWAPOFF,
	/* per-process, System V shared memory (shm.c) */
	MMV_SHMGET,
	MMV_SHMAT,
	MMV_SHMDT,
	MMV_SHMCTL,
	/* per-process, POSIX shared memory: files/dev/shm/NAME (fs/ctl.c unlinks it) */
	MMV_SHM_UNLINK,
	/* per-process: glibc's allocator (mm/libc/) */
	MMV_MALLOC,
	MMV_FREE,
	MMV_CALLOC,
	MMV_REALLOC,
	MMV_MEMALIGN,
	MMV_MALLOC_TRIM,
	MMV_MALLOPT,
	MMV_MALLOC_STATS,
	/* per-process, appended (mempolicy.c) */
	MMV_SET_MEMPOLICY,
	MMV_MBIND,
	MMV_GET_MEMPOLICY,
	/* per-process: migration and CPU affinity (doc/migrate.md) */
	MMV_MIGRATE_PAGES,
	MMV_MOVE_PAGES,
	MMV_SCHED_SETAFFINITY,
	MMV_SCHED_GETAFFINITY,
	/* global */
	MMV_TASKSET,
	MMV_NR
};

#define MM_PATH_MAX 256
/*
 * move_pages takes its page list in the line itself, so the call carries
 * it by value: a bounded array keeps mm_call plain data (copied, no
 * ownership). A 4096-byte line holds no more addresses than this anyway
 * once each is written in full; the cost is 3 KiB per mm_call.
 */
#define MM_MOVE_PAGES_MAX 256
#define MM_CPUS_WORDS	4	/* MM_MAX_CPUS (256) bits of a CPU mask */

/*
 * One typed call. Which fields mean something depends on the verb; unused
 * fields are zero, except fd which is -1 when absent.
 *
 *   mmap      addr len prot flags [fd | path] off
 *   munmap    addr len             mprotect  addr len prot
 *   mremap    addr len new_len flags new_addr
 *   brk       addr                 madvise   addr len advice
 *   mlock     addr len             mlock2    addr len flags
 *   munlock   addr len             mlockall  flags      munlockall -
 *   mincore   addr len             msync     addr len flags
 *   touch     addr len mode ('r' or 'w')
 *   fork exec(path, may be empty) exit
 *   open      path flags, fd = the fd strace said it returned, or -1
 *   close     fd
 *   dup       fd [mode = the new fd, when flags is 1]
 *   spawn     path (the name, may be empty)    kill  pid
 *   drop_caches mode (1..3)        compact, check, sync  -
 *   swapon    path len [advice = priority, flags = 1 when given]
 *   swapoff   path
 *   shmget    advice = key, len = size, flags = IPC_* | mode
 *   shmat     fd = shmid, addr, flags = SHM_*
 *   shmdt     addr
 *   shmctl    fd = shmid, mode = cmd (IPC_RMID...), addr = the buffer (0: NULL)
 *   shm_open  is open: path "/dev/shm/NAME", flags | nofollow | cloexec,
 *             mode = MM_OPEN_MODE_GIVEN | MODE
 *   shm_unlink path "/dev/shm/NAME"
 *   malloc    len                  free      addr
 *   calloc    len (n) new_len (size)       realloc   addr new_len
 *   memalign  len (alignment) new_len (size)
 *   malloc_trim len (pad)          mallopt   advice (param) mode (value)
 *   malloc_stats -
 *   set_mempolicy mode(+flags) nodes[0] maxnode
 *   mbind     addr len mode(+flags) nodes[0] maxnode flags
 *   get_mempolicy maxnode addr flags, advice = outputs asked (1 policy, 2 nodemask)
 *   (nodes_ptr[i]: 0 = NULL mask, 1 = a mask, 2 = a pointer strace could not read)
 *   migrate_pages  pid nodes[0] = old, nodes[1] = new (nodes_far[1]), len = maxnode
 *                  (strace form; 0: none given)
 *   move_pages     pid len = count, pages[nr_pages], page_nodes[nr_page_nodes]
 *                  (has_page_nodes 0: NULL, query), flags = MPOL_MF_*
 *   sched_setaffinity pid len = mask bytes (strace), cpus;  taskset pid cpus
 *   sched_getaffinity pid len (shell form: 128, what glibc's cpu_set_t holds)
 */
struct mm_call {
	enum mm_verb verb;
	uint64_t addr;
	uint64_t len;
	uint64_t new_len;
	uint64_t new_addr;
	uint64_t off;
	uint64_t prot;		/* kept wide: unknown bits must reach the kernel */
	uint64_t flags;
	int64_t advice;
	int32_t fd;
	int32_t mode;
	int32_t pid;
	uint64_t nodes[2];	/* nodemasks (nodes 0..63): mbind/set_mempolicy [0]; old, new */
	uint8_t nodes_far[2];	/* the nodemask named a node above 63 */
	char path[MM_PATH_MAX];	/* NUL-terminated; "" when absent */
	/* exec PATH ARG...: the arguments after PATH, each NUL-terminated */
	char argv[MM_PATH_MAX];
	uint32_t argv_len;	/* bytes of argv used; 0: no arguments */
	uint64_t maxnode;	/* mempolicy calls: bits of the nodemask (+1), as passed */
	uint8_t nodes_ptr[2];	/* how nodes[i] was passed: see above */
	/* move_pages, sched_*affinity (appended: see the verbs above) */
	uint32_t nr_pages;			/* entries of pages[] */
	uint32_t nr_page_nodes;			/* entries of page_nodes[] */
	uint8_t has_page_nodes;			/* 0: NODES was NULL (query mode) */
	uint64_t pages[MM_MOVE_PAGES_MAX];
	int32_t page_nodes[MM_MOVE_PAGES_MAX];
	uint64_t cpus[MM_CPUS_WORDS];		/* a CPU set, CPU n at bit n % 64 of word n / 64 */
};

/* The verb's name as users type it ("mmap", "drop_caches"...). */
const char *mm_verb_name(enum mm_verb v);
/* Whether v is a command of MOUNT/ctl (else of MOUNT/proc/PID/ctl). */
int mm_verb_is_global(enum mm_verb v);

#endif
