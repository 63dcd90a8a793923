// SPDX-License-Identifier: MIT
/*
 * task.c - the pid table, spawn and kill, per-task snapshots and checks
 * (kernel: kernel/pid.c, kernel/fork.c, kernel/exit.c, fs/proc/).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shm.h"
#include "internal.h"
#include "arena.h"
#include "task.h"
#include "libc/malloc.h"
#include "vmscan.h"
#include "task_mmu.h"
#include "hugetlb.h"
#include "huge_memory.h"
#include "memory.h"
#include "oom_kill.h"
#include "page_alloc.h"
#include "syscalls.h"
#include "vma.h"
#include "mempolicy.h"

#define INIT_PATH	"/sbin/init"
#define DEFAULT_NAME	"sh"
#define BIN_DIR		"/usr/bin/"
#define USER_HZ		100

struct task *find_task_by_pid(struct machine *m, int pid)
{
	if (pid <= 0 || pid >= m->pid_max)
		return NULL;
	return m->tasks[pid];
}

struct mm_struct *mm_alloc(struct machine *m)
{
	struct mm_struct *mm = kzalloc(sizeof(struct mm_struct));

	if (mm) {
		mm->machine = m;
		mm->mm_users = 1;
		mm->slab = m ? kmem_cache_alloc(m, KMEM_MM_STRUCT, -1) : 0;
	}
	return mm;
}

void mm_free(struct machine *m, struct mm_struct *mm)
{
	if (mm && m)
		kmem_cache_free(m, KMEM_MM_STRUCT, mm->slab);
	kfree(mm);
}

void mmput(struct machine *m, struct mm_struct *mm)
{
	uint64_t acct;

	if (!mm)
		return;
	if (--mm->mm_users > 0)
		return;		/* another thread still uses it */
	exit_mmap(m, mm);
	mm_put_huge_zero_page(m, mm);
	acct = vma_accounted_pages(mm);
	m->vm_committed_as -= acct < m->vm_committed_as ? acct : m->vm_committed_as;
	shmem_release_mm(m, mm);
	mm_free_vmas(mm);
	file_ref_put(mm->exe_file);
	trace_xlate_free(mm);
	libc_malloc_release(mm);
	mm_free(m, mm);
}

void task_io_account_read(struct machine *m, uint64_t bytes)
{
	if (m->cur_task)
		m->cur_task->ioac.read_bytes += bytes;
}

void task_io_account_write(struct machine *m, uint64_t bytes)
{
	if (m->cur_task)
		m->cur_task->ioac.write_bytes += bytes;
}

void task_io_account_cancelled_write(struct machine *m, uint64_t bytes)
{
	if (m->cur_task)
		m->cur_task->ioac.cancelled_write_bytes += bytes;
}

void task_reparent(struct task *t, struct task *parent)
{
	list_del(&t->sibling);
	list_add_tail(&t->sibling, &parent->children);
	t->ppid = parent->pid;
}

/*
 * A task's kernel stack: THREAD_SIZE (16 KiB) of order-0 Unmovable pages,
 * as VMAP_STACK kernels allocate it, counted in KernelStack (kB). It is
 * what makes MemFree fall by 16 kB per process, as on Linux.
 */
static int alloc_thread_stack(struct machine *m, struct task *t)
{
	for (int i = 0; i < THREAD_STACK_PAGES; i++) {
		page_owner_site(m, PO_SITE_STACK);
		t->stack[i] = alloc_pages(m, GFP_KERNEL, 0, 0);
		if (!t->stack[i])
			return -ENOMEM;
		mod_node_page_state(m->node[pfn_zone(m, page_to_pfn(m, t->stack[i]))->nid],
				    NR_KERNEL_STACK, 4);
	}
	return 0;
}

static void free_thread_stack(struct machine *m, struct task *t)
{
	for (int i = 0; i < THREAD_STACK_PAGES; i++) {
		if (!t->stack[i])
			continue;
		mod_node_page_state(m->node[pfn_zone(m, page_to_pfn(m, t->stack[i]))->nid],
				    NR_KERNEL_STACK, -4);
		free_pages(m, t->stack[i], 0);
		t->stack[i] = NULL;
	}
}

/*
 * The task's struct pid (alloc_pid), and a process's struct cred
 * (copy_creds -> prepare_creds; the cache is pid's, cred merges into it)
 * and files_struct (dup_fd); a thread shares the latter two.
 */
static void task_pid_objs_alloc(struct machine *m, struct task *t, int process)
{
	t->pid_slab = kmem_cache_alloc(m, KMEM_PID, -1);
	t->has_pid_objs = 1;
	if (process) {
		t->cred_slab = kmem_cache_alloc_at(m, KMEM_PID, -1, "prepare_creds");
		t->files_slab = kmem_cache_alloc(m, KMEM_FILES_CACHE, -1);
		t->has_pid_objs |= 2;
	}
	if (t->mempolicy) {	/* copy_process: mpol_dup of the parent's */
		t->pol_slab = kmem_cache_alloc_at(m, KMEM_NUMA_POLICY, -1, "__mpol_dup");
		t->has_pid_objs |= 4;
	}
}

static void task_pid_objs_free(struct machine *m, struct task *t)
{
	if (t->has_pid_objs & 4)
		kmem_cache_free(m, KMEM_NUMA_POLICY, t->pol_slab);
	if (t->has_pid_objs & 2) {
		kmem_cache_free(m, KMEM_FILES_CACHE, t->files_slab);
		kmem_cache_free_at(m, KMEM_PID, t->cred_slab, "put_cred_rcu");
	}
	if (t->has_pid_objs & 1)
		kmem_cache_free(m, KMEM_PID, t->pid_slab);
	t->has_pid_objs = 0;
}

static void free_task(struct machine *m, struct task *t)
{
	task_pid_objs_free(m, t);
	mpol_task_exit(t);
	mmput(m, t->mm);
	fdtable_free(t);
	trace_session_free(t);
	free_thread_stack(m, t);
	kmem_cache_free(m, KMEM_TASK_STRUCT, t->slab);
	kfree(t);
}

/* Make tasks[] long enough to index pid (doubling; never past PID_MAX_LIMIT). */
static int pid_table_grow(struct machine *m, int pid)
{
	int len = m->pid_max ? m->pid_max : 64;
	struct task **v;

	if (pid < m->pid_max)
		return 0;
	while (len <= pid)
		len = len * 2 < PID_MAX_LIMIT ? len * 2 : PID_MAX_LIMIT;
	v = krealloc(m->tasks, (size_t)len * sizeof(*v));
	if (!v)
		return -ENOMEM;
	memset(v + m->pid_max, 0, (size_t)(len - m->pid_max) * sizeof(*v));
	m->tasks = v;
	m->pid_max = len;
	return 0;
}

/*
 * The next free pid after last_pid, wrapping to RESERVED_PIDS at pid_max
 * (kernel: alloc_pid's idr_alloc_cyclic). -EAGAIN when full, as fork(2)
 * reports it.
 */
static int alloc_pid(struct machine *m)
{
	int min = m->last_pid >= RESERVED_PIDS ? RESERVED_PIDS : 1;
	int pid = m->last_pid + 1, max = (int)m->tun.pid_max;

	for (int tries = 0; tries < max; tries++, pid++) {
		if (pid >= max)
			pid = min;
		if (!find_task_by_pid(m, pid)) {
			if (pid_table_grow(m, pid))
				return -ENOMEM;
			m->last_pid = pid;
			return pid;
		}
	}
	return -EAGAIN;
}

static void set_why(char *why, size_t whylen, const char *msg)
{
	if (why && whylen)
		snprintf(why, whylen, "%s", msg);
}

/*
 * A program name is a bare name ("sh", run as /usr/bin/sh) or an absolute
 * path without empty, "." or ".." components, of at most 255 bytes either
 * way (the path a bare name stands for included). Bytes must be printable
 * ASCII other than space (argv is one word: the parser splits on blanks).
 */
static int check_name(const char *name, char *why, size_t whylen)
{
	size_t len = strlen(name);

	if (len > 255) {
		set_why(why, whylen, "name longer than 255 bytes");
		return -EINVAL;
	}
	for (size_t i = 0; i < len; i++) {
		if (name[i] <= ' ' || name[i] > '~') {
			set_why(why, whylen, "name must be printable, without spaces");
			return -EINVAL;
		}
	}
	if (!strchr(name, '/')) {
		/* it runs as /usr/bin/NAME, which must fit the 255 bytes too */
		if (len > 255 - strlen(BIN_DIR)) {
			set_why(why, whylen, "name too long for /usr/bin/NAME");
			return -EINVAL;
		}
		return 0;
	}
	if (name[0] != '/') {
		set_why(why, whylen, "name must be a bare name or an absolute path");
		return -EINVAL;
	}
	for (const char *c = name + 1; ; ) {
		const char *e = strchr(c, '/');
		size_t n = e ? (size_t)(e - c) : strlen(c);

		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.')) {
			set_why(why, whylen, "path has an empty, '.' or '..' component");
			return -EINVAL;
		}
		if (!e)
			return 0;
		c = e + 1;
	}
}

/* Create a task running name (already checked) with parent ppid. */
/* A new task, not yet in the pid table: its kernel stack, no mm. */
void task_set_cpu(const struct machine *m, struct task *t, int cpu)
{
	t->cpu = cpu;
	t->cpu_nid = mm_cpu_to_node(m->nr_cpus, m->nr_nodes, cpu);
}

struct task *task_alloc(struct machine *m, int ppid, const char *comm,
			const char *cmdline, size_t cmdline_len)
{
	struct task *t = kzalloc(sizeof(*t));

	if (!t)
		return NULL;
	t->slab = kmem_cache_alloc(m, KMEM_TASK_STRUCT, -1);
	t->ppid = ppid;
	INIT_LIST_HEAD(&t->children);
	INIT_LIST_HEAD(&t->sibling);
	t->state = 'S';
	t->start_ns = m->sim_ns;
	snprintf(t->comm, sizeof(t->comm), "%s", comm);
	t->cmdline_len = cmdline_len;
	memcpy(t->cmdline, cmdline, cmdline_len);
	if (alloc_thread_stack(m, t)) {
		free_task(m, t);
		return NULL;
	}
	return t;
}

/* Give t a pid and make it live (a child of its ppid); frees t on failure. */
int task_attach(struct machine *m, struct task *t)
{
	int pid = alloc_pid(m);

	if (pid < 0) {
		free_task(m, t);
		return pid;
	}
	t->pid = pid;
	task_pid_objs_alloc(m, t, !t->tgid);
	if (!t->tgid) {		/* a process: its own group (thread.c sets a thread's) */
		t->tgid = pid;
		t->nr_threads = 1;
	}
	if (thread_group_leader(t) && find_task_by_pid(m, t->ppid))
		list_add_tail(&t->sibling, &find_task_by_pid(m, t->ppid)->children);
	m->tasks[pid] = t;
	m->nr_tasks++;
	m->forks++;
	t->seq = m->forks;
	return 0;
}

/* Free a task that never became live. */
void task_discard(struct machine *m, struct task *t)
{
	free_task(m, t);
}

static int task_create(struct machine *m, const char *name, int ppid, struct task **out)
{
	char path[MM_SNAP_PATH_MAX];
	const char *base = strrchr(name, '/');
	struct task *t;
	int err;

	snprintf(path, sizeof(path), "%s%s", name[0] == '/' ? "" : BIN_DIR, name);
	t = task_alloc(m, ppid, base ? base + 1 : name, name, strlen(name) + 1);
	if (!t)
		return -ENOMEM;
	err = exec_mm(m, t, path);
	if (err) {
		free_task(m, t);
		return err;
	}
	err = task_attach(m, t);
	if (!err)
		*out = t;
	return err;
}

int task_init(struct machine *m)
{
	struct task *t;

	lockdep_assert_held(m);
	m->last_pid = 0;
	return task_create(m, INIT_PATH, 0, &t);
}

void task_exit_all(struct machine *m)
{
	for (int pid = 0; pid < m->pid_max; pid++) {
		struct task *t = m->tasks[pid];

		if (!t)
			continue;
		/*
		 * Out of the table first, as an exit does: the mmput below
		 * munlocks pages only no other locked VMA maps, and
		 * page_locked_mappings walks the table to know.
		 */
		m->tasks[pid] = NULL;
		free_task(m, t);
	}
	kfree(m->tasks);
	m->tasks = NULL;
	m->pid_max = 0;
	m->nr_tasks = 0;
}

int mm_spawn(struct machine *m, const char *name, int *pid, char *why, size_t whylen)
{
	struct task *t;
	int err;

	if (!name || !*name)
		name = DEFAULT_NAME;
	machine_lock(m);
	sim_advance(m, MM_TICK_NS);
	err = check_name(name, why, whylen);
	if (!err) {
		struct alloc_retry st = { 0 };

		/* short of memory: reclaim, then the OOM killer, as a fork would */
		do {
			m->alloc_failed = 0;
			err = task_create(m, name, 1, &t);
		} while (err == -ENOMEM && m->alloc_failed && alloc_retry(m, &st) == ALLOC_RETRY);
		kswapd_run(m);
		if (err == -EAGAIN)
			set_why(why, whylen, "no free pid");
		else if (err)
			set_why(why, whylen, "out of memory");
		else if (pid)
			*pid = t->pid;
	}
	machine_unlock(m);
	return err;
}

/*
 * Killing pid 1 fails with EPERM: the real kernel ignores fatal signals to
 * init from its own namespace, and the simulation needs a process to
 * reparent orphans to and to keep the pid table non-empty.
 */
int mm_kill(struct machine *m, int pid, char *why, size_t whylen)
{
	struct task *t;
	int err = 0;

	machine_lock(m);
	sim_advance(m, MM_TICK_NS);
	t = find_task_by_pid(m, pid);
	if (t && t->group_leader)
		t = t->group_leader;	/* SIGKILL to a thread kills its group */
	if (!t) {
		set_why(why, whylen, "no such process");
		err = -ESRCH;
	} else if (t->pid == 1) {
		set_why(why, whylen, "init cannot be killed");
		err = -EPERM;
	} else {
		task_exit(m, t);
	}
	machine_unlock(m);
	return err;
}

void task_exit(struct machine *m, struct task *t)
{
	struct task *init = find_task_by_pid(m, 1), *parent = find_task_by_pid(m, t->ppid);

	lockdep_assert_held(m);
	if (thread_group_leader(t))
		exit_threads(m, t);	/* the leader goes last: exit_group */
	else
		thread_release(m, t);
	/*
	 * There are no zombies: the parent reaps at once, and wait_task_zombie
	 * adds what the child read and wrote (its reaped children's included)
	 * to the parent's proc/PID/io.
	 */
	if (parent && parent != t && thread_group_leader(t)) {
		parent->ioac.rchar += t->ioac.rchar;
		parent->ioac.wchar += t->ioac.wchar;
		parent->ioac.syscr += t->ioac.syscr;
		parent->ioac.syscw += t->ioac.syscw;
		parent->ioac.read_bytes += t->ioac.read_bytes;
		parent->ioac.write_bytes += t->ioac.write_bytes;
		parent->ioac.cancelled_write_bytes += t->ioac.cancelled_write_bytes;
	}
	while (!list_empty(&t->children))
		task_reparent(list_first_entry(&t->children, struct task, sibling), init);
	list_del(&t->sibling);
	m->tasks[t->pid] = NULL;
	m->nr_tasks--;
	shm_exit_begin(m, t);	/* its detaches are its own (shm_close's lpid) */
	free_task(m, t);
	shm_exit_end(m);
}

/*
 * exec NAME: the name is checked as spawn checks it; comm and argv become
 * it. An empty name runs the current program again (the file of the first
 * VMA, else /usr/bin/COMM). The new address space is built before the old
 * one is dropped, so a failure leaves t unchanged.
 */
int task_exec(struct machine *m, struct task *t, const char *name, char *why, size_t whylen)
{
	char path[MM_SNAP_PATH_MAX];
	char comm[TASK_COMM_LEN], cmdline[TASK_CMDLINE_MAX];
	size_t cmdline_len = t->cmdline_len;
	const char *base;
	int err;

	lockdep_assert_held(m);
	memcpy(comm, t->comm, sizeof(comm));
	memcpy(cmdline, t->cmdline, sizeof(cmdline));
	if (!name || !*name) {
		struct vm_area_struct *first = t->mm ? vma_first(t->mm) : NULL;

		if (first && first->vm_file)
			snprintf(path, sizeof(path), "%s", first->vm_file->path);
		else
			snprintf(path, sizeof(path), "%s%s", BIN_DIR, t->comm);
	} else {
		err = check_name(name, why, whylen);
		if (err)
			return err;
		snprintf(path, sizeof(path), "%s%s", name[0] == '/' ? "" : BIN_DIR, name);
		base = strrchr(name, '/');
		snprintf(t->comm, sizeof(t->comm), "%s", base ? base + 1 : name);
		t->cmdline_len = strlen(name) + 1;
		memcpy(t->cmdline, name, t->cmdline_len);
	}
	err = exec_mm(m, t, path);
	if (err) {
		memcpy(t->comm, comm, sizeof(comm));
		memcpy(t->cmdline, cmdline, sizeof(cmdline));
		t->cmdline_len = cmdline_len;
		set_why(why, whylen, "out of memory");
	}
	return err;
}

int mm_pids(struct machine *m, int *pids, int max)
{
	int n = 0;

	machine_lock(m);
	for (int pid = 1; pid < m->pid_max; pid++) {
		if (!m->tasks[pid] || !thread_group_leader(m->tasks[pid]))
			continue;	/* readdir of /proc shows thread group leaders only */
		if (n < max)
			pids[n] = pid;
		n++;
	}
	machine_unlock(m);
	return n;
}

struct mm_task_snap *mm_snap_task(struct machine *m, int pid, int want_vmas)
{
	struct mm_task_snap *s = NULL;
	struct task *t;
	size_t nr;

	machine_lock(m);
	t = find_task_by_pid(m, pid);
	if (t) {
		nr = want_vmas && t->mm ? vma_count(t->mm) : 0;
		s = calloc(1, sizeof(*s) + nr * sizeof(s->vmas[0]));
		if (s)
			task_snap_fill(m, t, s, want_vmas);
	}
	machine_unlock(m);
	return s;
}

#define HPAGE_PMD_SIZE	(2ULL << 20)

/*
 * smaps THPeligible (kernel: thp_vma_allowable_order for the PMD order with
 * sysfs enforced): anonymous private memory only (files, shmem and special
 * mappings are never eligible here), not VM_NOHUGEPAGE, allowed by the mode
 * ("madvise" wants VM_HUGEPAGE, "never" nothing), and the VMA must contain
 * at least one 2 MiB-aligned 2 MiB range.
 */
static int thp_vma_eligible(struct machine *m, const struct vm_area_struct *vma)
{
	const uint64_t never = MM_VM_MAYSHARE | MM_VM_NOHUGEPAGE | MM_VM_HUGETLB |
			       MM_VM_PFNMAP | MM_VM_IO | MM_VM_DONTEXPAND | MM_VM_MIXEDMAP;
	uint64_t haddr;

	if (!vma_is_anonymous(vma) || (vma->vm_flags & never))
		return 0;
	if (m->tun.thp_enabled == THP_NEVER)
		return 0;
	if (m->tun.thp_enabled == THP_MADVISE && !(vma->vm_flags & MM_VM_HUGEPAGE))
		return 0;
	haddr = (vma->vm_start + HPAGE_PMD_SIZE - 1) & ~(HPAGE_PMD_SIZE - 1);
	return haddr + HPAGE_PMD_SIZE <= vma->vm_end;
}

/* The name maps prints (procfs.md §1 "Name rules", without the gate VMA). */
static void vma_name(const struct mm_struct *mm, const struct vm_area_struct *vma,
		     char *name, size_t len)
{
	static const char *const special[] = {
		[VMA_SPECIAL_VVAR] = "[vvar]",
		[VMA_SPECIAL_VVAR_VCLOCK] = "[vvar_vclock]",
		[VMA_SPECIAL_VDSO] = "[vdso]",
	};

	if (vma->vm_file)
		snprintf(name, len, "%s", vma->vm_file->path);
	else if (vma->special != VMA_SPECIAL_NONE)
		snprintf(name, len, "%s", special[vma->special]);
	else if (vma->vm_start < mm->brk && vma->vm_end > mm->start_brk)
		snprintf(name, len, "[heap]");
	else if (vma->vm_start <= mm->start_stack && vma->vm_end >= mm->start_stack)
		snprintf(name, len, "[stack]");
	else
		name[0] = '\0';
}

void vma_snap_fill(struct machine *m, const struct mm_struct *mm,
		   const struct vm_area_struct *vma, struct mm_vma_snap *v, int want)
{
	memset(v, 0, sizeof(*v));
	v->start = vma->vm_start;
	v->end = vma->vm_end;
	v->flags = vma->vm_flags;
	v->pgoff = vma->vm_pgoff;
	if (vma->vm_file) {
		v->is_file = 1;
		v->dev_major = vma->vm_file->dev_major;
		v->dev_minor = vma->vm_file->dev_minor;
		v->ino = vma->vm_file->ino;
	}
	vma_name(mm, vma, v->name, sizeof(v->name));
	if (want >= 2)
		smaps_account_vma(m, (struct mm_struct *)mm, vma, &v->u);
	/* vma_kernel_pagesize / vma_mmu_pagesize: the hstate's size */
	v->kernel_page_kb = v->mmu_page_kb = (vma->vm_flags & MM_VM_HUGETLB) ? 2048 : 4;
	v->thp_eligible = thp_vma_eligible(m, vma);
}

static void mm_snap_fill(struct machine *m, struct mm_struct *mm, struct mm_task_snap *s,
			 int want_vmas)
{
	struct vm_area_struct *vma;
	size_t i = 0;

	s->has_mm = 1;
	s->total_vm = mm->total_vm;
	s->locked_vm = mm->locked_vm;
	s->pinned_vm = mm->pinned_vm;
	s->data_vm = mm->data_vm;
	s->exec_vm = mm->exec_vm;
	s->stack_vm = mm->stack_vm;
	s->hiwater_vm = mm->hiwater_vm;
	s->hiwater_rss = mm->hiwater_rss;
	{
		uint64_t rss = mm->rss[MM_ANONPAGES] + mm->rss[MM_FILEPAGES] + mm->rss[MM_SHMEMPAGES];

		if (s->hiwater_rss < rss)
			s->hiwater_rss = rss;	/* VmHWM: the peak, now included */
	}
	s->pgtables_bytes = mm->pgtables_bytes;
	s->hugetlb_kb = hugetlb_usage(m, mm) >> 10;
	s->rss_anon = mm->rss[MM_ANONPAGES];
	s->rss_file = mm->rss[MM_FILEPAGES];
	s->rss_shmem = mm->rss[MM_SHMEMPAGES];
	s->swap_ents = mm->rss[MM_SWAPENTS];
	s->start_code = mm->start_code;
	s->end_code = mm->end_code;
	s->start_data = mm->start_data;
	s->end_data = mm->end_data;
	s->start_brk = mm->start_brk;
	s->brk = mm->brk;
	s->start_stack = mm->start_stack;
	s->arg_start = mm->arg_start;
	s->arg_end = mm->arg_end;
	s->env_start = mm->env_start;
	s->env_end = mm->env_end;
	if (mm->exe_file) {
		snprintf(s->exe, sizeof(s->exe), "%s", mm->exe_file->path);
		s->exe_ino = mm->exe_file->ino;
	}
	s->environ_len = exec_environ(s->environ, sizeof(s->environ));
	s->nr_vmas = vma_count(mm);
	if (!want_vmas)
		return;
	VMA_ITERATOR(vmi, mm, 0);
	for_each_vma(vmi, vma)
		vma_snap_fill(m, mm, vma, &s->vmas[i++], want_vmas);
	s->have_vmas = 1;
}

/*
 * Fill s from t. When want_vmas, s must have room for vma_count(t->mm)
 * entries (mm_snap_task sizes it under the same lock hold).
 */
void task_snap_fill(struct machine *m, struct task *t, struct mm_task_snap *s, int want_vmas)
{
	lockdep_assert_held(m);
	s->pid = t->pid;
	s->ppid = t->group_leader ? t->group_leader->ppid : t->ppid;	/* the process's parent */
	s->tgid = t->tgid;
	s->nr_threads = get_nr_threads(m, t);
	memcpy(s->comm, t->comm, sizeof(s->comm));
	memcpy(s->cmdline, t->cmdline, t->cmdline_len);
	s->cmdline_len = t->cmdline_len;
	s->state = t->state;
	s->start_ticks = t->start_ns / (1000000000ULL / USER_HZ);
	s->min_flt = t->min_flt;
	s->maj_flt = t->maj_flt;
	s->thp_enabled = 1;
	s->nr_cpus = m->nr_cpus;
	s->nr_nodes = m->nr_nodes;
	s->cpu = t->cpu;
	memset(s->cpus_allowed, 0, sizeof(s->cpus_allowed));
	for (int c = 0; c < m->nr_cpus && c < MM_MAX_CPUS; c++)
		if (!t->affinity_set || (t->cpus_allowed[c / 64] >> (c % 64)) & 1)
			s->cpus_allowed[c / 64] |= 1ULL << (c % 64);
	s->io.rchar = t->ioac.rchar;
	s->io.wchar = t->ioac.wchar;
	s->io.syscr = t->ioac.syscr;
	s->io.syscw = t->ioac.syscw;
	s->io.read_bytes = t->ioac.read_bytes;
	s->io.write_bytes = t->ioac.write_bytes;
	s->io.cancelled_write_bytes = t->ioac.cancelled_write_bytes;
	task_rlimits(m, t, s->rlim);
	s->oom_score_adj = t->oom_score_adj;
	s->oom_score = oom_score(m, t);
	if (task_mm_view(t))	/* a zombie leader shows none (get_task_mm) */
		mm_snap_fill(m, t->mm, s, want_vmas);
}

/* Every child of t names t as its parent and is in the pid table. */
static int check_children(struct machine *m, struct task *t, struct rbuf_lite *out, int *nr)
{
	struct list_head *pos;
	int bad = 0;

	list_for_each(pos, &t->children) {
		struct task *c = list_entry(pos, struct task, sibling);

		if (c->ppid != t->pid || find_task_by_pid(m, c->pid) != c) {
			rbl_printf(out, "pid %d: child %d has ppid %d\n", t->pid, c->pid, c->ppid);
			bad++;
		}
		if (++*nr > m->nr_tasks) {
			rbl_printf(out, "tasks: children lists hold more than %d tasks\n", m->nr_tasks);
			return bad + 1;		/* a cycle: stop walking */
		}
	}
	return bad;
}

/*
 * One line per broken invariant of the pid table and of every task:
 * ids match their slots, counts match, parents are alive, and each mm
 * passes vma_check().
 */
/* A task runs on an online CPU of its mask, and its mask names online CPUs only. */
static int check_affinity(struct machine *m, const struct task *t, struct rbuf_lite *out)
{
	int bad = 0;

	if (t->cpu < 0 || t->cpu >= m->nr_cpus) {
		rbl_printf(out, "pid %d: runs on CPU %d of %d\n", t->pid, t->cpu, m->nr_cpus);
		return 1;
	}
	if (t->cpu_nid != mm_cpu_to_node(m->nr_cpus, m->nr_nodes, t->cpu)) {
		rbl_printf(out, "pid %d: CPU %d is on node %d, not %d\n", t->pid, t->cpu,
			   mm_cpu_to_node(m->nr_cpus, m->nr_nodes, t->cpu), t->cpu_nid);
		bad++;
	}
	if (!t->affinity_set)
		return 0;
	if (!((t->cpus_allowed[t->cpu / 64] >> (t->cpu % 64)) & 1)) {
		rbl_printf(out, "pid %d: runs on CPU %d outside its affinity mask\n", t->pid, t->cpu);
		bad++;
	}
	for (int c = m->nr_cpus; c < MM_MAX_CPUS; c++)
		if ((t->cpus_allowed[c / 64] >> (c % 64)) & 1) {
			rbl_printf(out, "pid %d: affinity mask names CPU %d, which is not online\n",
				   t->pid, c);
			bad++;
			break;
		}
	return bad;
}

int check_tasks(struct machine *m, struct rbuf_lite *out)
{
	int bad = 0, live = 0, leaders = 0, nr_children = 0;

	lockdep_assert_held(m);
	if (m->last_pid < 0 || m->last_pid >= PID_MAX_LIMIT) {
		rbl_printf(out, "tasks: last_pid %d out of range\n", m->last_pid);
		bad++;
	}
	if (!find_task_by_pid(m, 1)) {
		rbl_printf(out, "tasks: pid 1 does not exist\n");
		bad++;
	}
	for (int pid = 0; pid < m->pid_max; pid++) {
		struct task *t = m->tasks[pid];

		if (!t)
			continue;
		live++;
		leaders += thread_group_leader(t);
		if (t->pid != pid) {
			rbl_printf(out, "tasks: slot %d holds pid %d\n", pid, t->pid);
			bad++;
		}
		if (pid != 1 && thread_group_leader(t) && !find_task_by_pid(m, t->ppid)) {
			rbl_printf(out, "pid %d: parent %d does not exist\n", pid, t->ppid);
			bad++;
		}
		if (t->cmdline_len == 0 || t->cmdline_len > sizeof(t->cmdline) ||
		    t->cmdline[t->cmdline_len - 1] != '\0') {
			rbl_printf(out, "pid %d: cmdline not NUL-terminated\n", pid);
			bad++;
		}
		bad += check_children(m, t, out, &nr_children);
		if (t->mm && thread_group_leader(t))	/* a shared mm once */
		bad += check_affinity(m, t, out);
		if (t->mm)
			bad += vma_check(t->mm, pid, out);
		if (t->mm && thread_group_leader(t))
			bad += libc_malloc_check(t->mm, pid, out);
	}
	if (leaders && nr_children != leaders - 1) {
		rbl_printf(out, "tasks: %d on children lists, want %d\n", nr_children, leaders - 1);
		bad++;
	}
	if (live != m->nr_tasks) {
		rbl_printf(out, "tasks: nr_tasks %d but %d in the pid table\n", m->nr_tasks, live);
		bad++;
	}
	return bad + check_threads(m, out);
}
