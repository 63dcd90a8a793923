/* SPDX-License-Identifier: MIT */
/*
 * task.h - processes and their address spaces (kernel: sched.h, mm_types.h).
 *
 * The pid table is m->tasks[], indexed by pid, NULL where free; it grows on
 * demand up to PID_MAX_LIMIT entries (m->pid_max is its current length).
 * Pids are handed out cyclically after m->last_pid, like the kernel's
 * idr_alloc_cyclic, wrapping to RESERVED_PIDS.
 *
 * Everything here expects the machine lock held.
 */
#ifndef MM_TASK_H
#define MM_TASK_H

#include <stddef.h>
#include <stdint.h>

#include "list.h"
#include "snapshot.h"
#include "vma.h"

struct machine;

#define PID_MAX_LIMIT	4194304		/* the largest kernel.pid_max on 64-bit */
#define RESERVED_PIDS	300		/* first pid after a wrap */
#define TASK_COMM_LEN	16
#define TASK_CMDLINE_MAX 256		/* argv bytes, NULs included */
#define RLIMIT_STACK_DEFAULT (8ULL << 20)	/* _STK_LIM: how far a stack grows (resource.c) */

/* rss counters (kernel: MM_FILEPAGES...); pages */
enum { MM_FILEPAGES, MM_ANONPAGES, MM_SWAPENTS, MM_SHMEMPAGES, NR_MM_COUNTERS };

struct mm_struct {
	struct machine *machine;	/* the machine it belongs to (NULL for a bare test mm) */
	uint32_t slab;			/* slab.h: its mm_struct object */
	struct vma_store vmas;		/* vma.c only */
	size_t map_count;		/* linked VMAs */

	/* pages; maintained by vma_insert/vma_remove/vma_set_flags */
	uint64_t total_vm;		/* Σ VMA sizes */
	uint64_t locked_vm;		/* Σ VM_LOCKED VMA sizes */
	uint64_t data_vm;		/* Σ is_data_mapping() */
	uint64_t exec_vm;		/* Σ is_exec_mapping() */
	uint64_t stack_vm;		/* Σ is_stack_mapping() */
	uint64_t pinned_vm;		/* long-term pins; none yet */
	uint64_t hiwater_vm;		/* peak total_vm, updated before it shrinks */
	uint64_t hiwater_rss;		/* peak rss, updated before it shrinks */
	uint64_t rss[NR_MM_COUNTERS];	/* pages; all 0 until pages are mapped */

	/* exec-time layout, bytes (kernel: mm_struct fields of the same name) */
	uint64_t start_code, end_code, start_data, end_data;
	uint64_t start_brk, brk, start_stack;
	uint64_t arg_start, arg_end, env_start, env_end;
	uint64_t mmap_base;		/* top of the top-down mmap area */
	uint64_t task_size;		/* TASK_SIZE */

	struct file_ref *exe_file;	/* the program exec mapped (proc/PID/exe); one reference */
	uint64_t last_anon_vma;		/* last anon_vma id handed out in this mm */
	int huge_zero_ref;		/* holds a reference to the huge zero page (MMF_HUGE_ZERO_PAGE) */
	uint64_t def_flags;		/* VM_LOCKED(|VM_LOCKONFAULT) after mlockall(MCL_FUTURE) */
	struct trace_xlate *trace_xlate;	/* trace_map.c: a mirrored trace's moved addresses */

	/* page tables (pgtable.c) */
	uint64_t pgd;			/* pfn of the PGD table, 0 until the first fault */
	uint64_t pgtables_bytes;	/* PUD+PMD+PTE tables (status VmPTE) */
	/*
	 * The last walk's table at the PMD and at the PTE level (pgtable.c's
	 * slot_lookup; a software TLB for the tables, not for pages). Only a
	 * speed-up: every entry is checked against its parent before use.
	 */
	struct pt_cache {
		uint64_t gen;		/* m->pgtable_gen when filled */
		uint64_t pgd;		/* the PGD it was found under (0: empty) */
		uint64_t key;		/* addr >> the parent level's shift */
		uint64_t *parent;	/* the parent entry pointing at the table */
		uint64_t val;		/* *parent when filled */
	} ptc[2];

	struct libc_malloc *libc_malloc;	/* the process's glibc allocator state (mm/libc/), NULL until used */
	int mm_users;			/* tasks using it (threads share one); mmput frees it at 0 */
#define PTHREAD_STACK_CACHE_MAX 32
	struct { uint64_t addr, size, dtv; } stack_cache[PTHREAD_STACK_CACHE_MAX];	/* pthread.c, oldest first */
	int stack_cache_nr;
};

struct page;

/*
 * The I/O a task caused (kernel: struct task_io_accounting), proc/PID/io.
 * Counted while the task's own command runs (m->cur_task): a read or write
 * through files/ is a host process's, nobody's here.
 */
struct task_io_accounting {
	uint64_t rchar, wchar;		/* bytes through read/write calls: there are none */
	uint64_t syscr, syscw;		/* read/write calls: none */
	uint64_t read_bytes;		/* bytes its faults read from a file's disk (pgpgin) */
	uint64_t write_bytes;		/* bytes of file pages it dirtied (nr_dirtied) */
	uint64_t cancelled_write_bytes;	/* dirty file bytes discarded under it */
};

struct task {
	int pid, ppid;
	uint32_t slab;			/* slab.h: its task_struct object */
	/*
	 * slab.h: its struct pid (every live task), and for a process the
	 * struct cred and files_struct objects (threads share their leader's:
	 * CLONE_THREAD, CLONE_FILES); has_pid_objs says which are held.
	 */
	uint32_t pid_slab, cred_slab, files_slab;
	uint8_t has_pid_objs;		/* bit 0: pid_slab, bit 1: cred_slab and files_slab,
					 * bit 2: pol_slab */
	uint32_t pol_slab;		/* slab.h: the numa_policy object of mempolicy (its own copy) */
	char comm[TASK_COMM_LEN];	/* NUL-terminated, at most 15 chars */
	char cmdline[TASK_CMDLINE_MAX];	/* NUL-separated argv */
	size_t cmdline_len;		/* bytes of cmdline, last NUL included */
	char state;			/* 'S' (sleeping) for every live task; 'Z': a leader that
					 * left by pthread_exit while its threads live (task_zombie) */
	int sigkill;			/* a kill is on its way (mm_signal_kill) */
	int oom_killed;			/* the OOM killer chose it while a command used it */
	int16_t oom_score_adj;		/* -1000..1000; fork inherits it */
	int cpu;			/* the CPU it runs on (stat's processor); fork inherits it */
	int cpu_nid;			/* cpu's node, kept with it (task_set_cpu): every fault asks */
	struct trace_session *trace;	/* trace_map.c: the trace pids this task's ctl mirrors */
	/*
	 * sched_setaffinity's mask (CPUs 0..MM_MAX_CPUS-1), valid when
	 * affinity_set; else the task may run on every CPU. fork inherits both.
	 */
	uint64_t cpus_allowed[MM_MAX_CPUS / 64];
	int affinity_set;
	uint64_t seq;			/* creation order (m->forks when attached): the OOM walk's order */
	uint64_t start_ns;		/* m->sim_ns when spawned */
	uint64_t min_flt, maj_flt;	/* fault counts */
	struct task_io_accounting ioac;	/* zero at fork, kept across exec */
	struct mm_struct *mm;		/* owned; NULL = no address space */
	struct fdtable *files;		/* syscalls.h; owned, NULL until the first open */
#define THREAD_STACK_PAGES 4
	struct page *stack[THREAD_STACK_PAGES];	/* the kernel stack (16 KiB) */
	struct list_head children;	/* tasks whose parent this is, via their sibling */
	struct list_head sibling;	/* in the parent's children; self-linked for init */
	/*
	 * Threads (thread.c). tgid is the thread group's id, the leader's pid
	 * (task_attach sets it to pid for a process). A thread (tgid != pid)
	 * shares the leader's mm (mm_users counts it) and fd table, is on no
	 * children list, and never outlives its leader: the leader's exit
	 * ends the group first.
	 */
	int tgid;
	struct task *group_leader;	/* NULL for a leader; the leader for a thread */
	int malloc_thread;		/* glibc allocator thread index (mm/libc/): 0 for the leader */
	int nr_threads;			/* a leader's: tasks in its group, itself included */
	uint64_t pthread_stack, pthread_stack_size;	/* pthread.c: the thread's stack mapping (0: none) */
	uint64_t pthread_dtv;		/* pthread.c: its DTV's malloc'd pointer (0: none) */
	/* mempolicy.c: set_mempolicy's policy (one reference; NULL = default), interleave state */
	struct mempolicy *mempolicy;
	int il_prev;			/* the node task-level interleave used last */
	int il_weight;			/* weighted interleave: pages left on il_prev */
};

/* Whether t leads its thread group (every process without threads does). */
static inline int thread_group_leader(const struct task *t)
{
	return t->group_leader == NULL;
}

/*
 * A leader that has exited (pthread_exit) while other threads of its
 * group run: a zombie until the last of them ends. It keeps its place in
 * the pid table and, in the model, its pointers to the group's mm and fd
 * table (the walks that visit a shared mm once reach it through the
 * leader), but it makes no calls and, as Linux's get_task_mm gives
 * nothing for it, its own proc files show no memory and no files.
 */
static inline int task_zombie(const struct task *t)
{
	return t->state == 'Z';
}

/* t's mm as get_task_mm sees it: none for a zombie leader. */
static inline struct mm_struct *task_mm_view(const struct task *t)
{
	return task_zombie(t) ? NULL : t->mm;
}

/* The task owning the fd table t uses (CLONE_FILES: the leader's). */
static inline struct task *task_files_owner(const struct task *t)
{
	return (struct task *)(t->group_leader ? t->group_leader : t);
}

/* trace_map.c (the public side is in mm.h) */
void trace_session_free(struct task *t);
uint64_t trace_xlate(const struct mm_struct *mm, uint64_t taddr);
int trace_xlate_dup(struct mm_struct *mm, const struct mm_struct *old);
void trace_xlate_free(struct mm_struct *mm);
struct rbuf_lite;
int trace_check(struct machine *m, struct rbuf_lite *out);

/* task.c */
/* The node of the task's CPU: "local" for memory policies and numa_local. */
static inline int task_node(const struct machine *m, const struct task *t)
{
	(void)m;
	return t->cpu_nid;
}
/* Put t on cpu (and cpu's node). */
void task_set_cpu(const struct machine *m, struct task *t, int cpu);
struct task *find_task_by_pid(struct machine *m, int pid);
struct mm_vma_snap;
/* One VMA as maps (want 1) or smaps (want 2, with residency) shows it. */
void vma_snap_fill(struct machine *m, const struct mm_struct *mm,
		   const struct vm_area_struct *vma, struct mm_vma_snap *v, int want);
/* Make parent the parent of t (ppid and children lists). */
void task_reparent(struct task *t, struct task *parent);
struct mm_struct *mm_alloc(struct machine *m);
/* Free an mm that mm_alloc made (and its mm_struct object). */
void mm_free(struct machine *m, struct mm_struct *mm);
/* fork's building blocks (task.c): a task with a stack, then a pid. */
struct task *task_alloc(struct machine *m, int ppid, const char *comm,
			const char *cmdline, size_t cmdline_len);
int task_attach(struct machine *m, struct task *t);
void task_discard(struct machine *m, struct task *t);
/* fork.c: a copy of parent, copy-on-write; 0 and *child_pid, or -errno. */
int do_fork(struct machine *m, struct task *parent, int *child_pid, char *why, size_t whylen);
/* A task leaves: children go to init, its mm and files are freed. */
void task_exit(struct machine *m, struct task *t);
/* exec: see task.c. 0, -EINVAL (bad name, reason in why) or -ENOMEM. */
int task_exec(struct machine *m, struct task *t, const char *name, char *why, size_t whylen);
/* Drop an address space: uncharge VM_ACCOUNT pages and shmem, free VMAs and mm. */
void mmput(struct machine *m, struct mm_struct *mm);
/* Charge bytes to the I/O of the task whose command runs, if any (kernel: task_io_account_*). */
void task_io_account_read(struct machine *m, uint64_t bytes);
void task_io_account_write(struct machine *m, uint64_t bytes);
void task_io_account_cancelled_write(struct machine *m, uint64_t bytes);

/*
 * exec.c: replace t->mm with a fresh exec-time layout of the program at
 * path (absolute), as Linux x86-64 builds it with ASLR off. argv is
 * t->cmdline. Charges VM_ACCOUNT pages to m->vm_committed_as.
 * 0 or -ENOMEM (t unchanged).
 */
int exec_mm(struct machine *m, struct task *t, const char *path);
/*
 * The environment exec gives every process (NUL-separated, as
 * env_start..env_end holds it) into buf; returns its length in bytes.
 */
size_t exec_environ(char *buf, size_t len);
/* One VMA of an exec-time layout (VM_ACCOUNT ones get an anon_vma, as written pages did). */
enum vma_special;
int exec_map_one(struct mm_struct *mm, uint64_t start, uint64_t end, uint64_t flags,
		 struct file_ref *file, uint64_t pgoff, enum vma_special special);
/* [vvar] [vvar_vclock] [vdso] right below *top, which becomes their start. */
int exec_map_vdso(struct mm_struct *mm, uint64_t *top);
/*
 * binfmt_elf.c: exec of a real ELF file at path (absolute, resolved by the
 * model's file layer) with argv (argc NUL-terminated strings back to back,
 * argv[0] first) and exec's environment, as fs/binfmt_elf.c loads it with
 * ASLR off. 0, or execve's errno (-ENOENT, -EACCES, -ENOEXEC, -ENOMEM...)
 * with a reason in why; t is unchanged on failure.
 */
int binfmt_elf_exec(struct machine *m, struct task *t, const char *path, const char *argv,
		    size_t argv_len, char *why, size_t whylen);
/* Whether path names a file of the simulated file system that starts with ELF's magic. */
int binfmt_elf_is_elf(struct machine *m, const char *path);

/*
 * thread.c: clone(CLONE_VM|CLONE_THREAD|...) from t: a thread sharing t's
 * mm and files, with a pid of its own and t's tgid. 0 and *tid, or
 * -EINVAL (flags glibc never passes, reason in why), -ENOSYS (a clone
 * this model does not make), -ENOMEM, -EAGAIN (no pid).
 */
int do_clone(struct machine *m, struct task *t, uint64_t flags, int *tid, char *why, size_t whylen);
/* The number of tasks in t's thread group (status Threads:). */
int get_nr_threads(struct machine *m, const struct task *t);
/* task_exit of a thread (not a leader): its glibc state's index, the group's count. */
void thread_release(struct machine *m, struct task *t);
/*
 * glibc's exit of thread t ending by itself (tcache, arena): 0, or -EINTR
 * when glibc aborted on a corrupt heap and the process died (t is gone).
 */
int thread_glibc_exit(struct machine *m, struct task *t, char *why, size_t whylen);
/* exit_group: t's whole group leaves (the leader's task_exit). */
void do_group_exit(struct machine *m, struct task *t);
/* Every thread of leader's group but the leader leaves (exit_group, kill, exec). */
void exit_threads(struct machine *m, struct task *leader);
/* The threads of leader's group that glibc's pthread_create made (its __nptl_nthreads - 1). */
int nr_pthreads(struct machine *m, struct task *leader);
/*
 * The leader leaves by pthread_exit: with no thread of glibc's left, glibc
 * calls exit(0) and the group ends; else the leader is a zombie (exit of
 * the main thread alone) and the group lives on.
 */
void leader_pthread_exit(struct machine *m, struct task *leader);
/*
 * A thread of leader's group has just ended. A zombie leader's group ends
 * with its last thread, or at once when that was glibc's last pthread
 * (pthread: the thread was one of glibc's; its exit(0) ends the group).
 */
void zombie_group_reap(struct machine *m, struct task *leader, int pthread);
/* Give every task of t's group t's oom_score_adj (a signal_struct field in Linux). */
void thread_group_set_oom_score_adj(struct machine *m, struct task *t);
/* check: tgids, leaders and mm_users; one line per problem. */
int check_threads(struct machine *m, struct rbuf_lite *out);

/*
 * resource.c: the resource limits of t (kernel: signal->rlim), in RLIMIT_*
 * order: init's, which every task inherits (there is no setrlimit).
 */
struct mm_rlimit;
void task_rlimits(struct machine *m, const struct task *t, struct mm_rlimit *rlim);

#endif
