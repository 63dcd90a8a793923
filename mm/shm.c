// SPDX-License-Identifier: MIT
/*
 * shm.c - System V shared memory: shmget, shmat, shmdt, shmctl and the
 * namespace's segment table (kernel: ipc/shm.c, ipc/util.c). See shm.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "filemap.h"
#include "filemap_internal.h"
#include "internal.h"
#include "rmap.h"
#include "shm.h"
#include "snapshot.h"
#include "swap.h"
#include "syscalls.h"
#include "task.h"
#include "trace.h"
#include "vma.h"

#define SHMEM_DEV_MINOR_SYSV 1		/* the shm mount: maps shows 00:01 */
#define IPC_MIN_CYCLE	64		/* RADIX_TREE_MAP_SIZE */

/* An event's time: the simulated clock, never 0 once a command ran (0: never). */
static uint64_t now_sec(const struct machine *m)
{
	return m->sim_ns;
}

/* The tgid on whose behalf VMAs are linked or unlinked now (current). */
static int current_tgid(const struct machine *m)
{
	if (m->ipc && m->ipc->exit_tgid)
		return m->ipc->exit_tgid;
	return m->cur_task ? m->cur_task->pid : 0;
}

int shm_init(struct machine *m)
{
	m->ipc = kzalloc(sizeof(*m->ipc));
	if (!m->ipc)
		return -ENOMEM;
	m->ipc->last_idx = -1;
	return 0;
}

/*
 * Linux's struct shmid_kernel is 256 bytes, kmalloc'd with
 * GFP_KERNEL_ACCOUNT: one kmalloc-cg-256 object per segment, freed by
 * shm_rcu_free when the last attach file goes.
 */
#define SHMID_KERNEL_SIZE	256
#define SHM_LGFP		(LGFP_KERNEL | LGFP_ACCOUNT)
#define SHM_FILE_DATA_SIZE	32	/* struct shm_file_data: kmalloc-32 */

static void seg_put(struct shmid_kernel *shp)
{
	if (--shp->refs)
		return;
	file_ref_put(shp->obj);
	/* the last file of the segment's object: its dentry, then the inode (RCU on Linux) */
	kmem_cache_free(shp->m, KMEM_DENTRY, shp->dentry_slab);
	kmem_cache_free(shp->m, KMEM_SHMEM_INODE, shp->inode_slab);
	kfree_acct(shp->m, SHMID_KERNEL_SIZE, SHM_LGFP, shp->kslab, "shm_rcu_free");
	kfree(shp);
}

/* shm_destroy: out of the namespace; the memory goes with the last attach file. */
static void shm_destroy(struct machine *m, struct shmid_kernel *shp)
{
	struct ipc_namespace *ns = m->ipc;

	ns->shm[shp->id & (IPCMNI - 1)] = NULL;
	ns->in_use--;
	ns->shm_tot -= (shp->segsz + MM_PAGE_SIZE - 1) >> MM_PAGE_SHIFT;
	vm_unacct_memory(m, shp->acct);
	shp->acct = 0;
	shp->live = 0;
	if (shp->mode & SHM_LOCKED)
		shp->obj->unevictable = 0;	/* shmem_lock(file, 0): no rescue, the pages go */
	if (shp->filp_held)		/* fput(shp->shm_file) */
		kmem_cache_free(m, KMEM_FILP, shp->filp_slab);
	shp->filp_held = 0;
	seg_put(shp);
}

void shm_exit_ns(struct machine *m)
{
	struct ipc_namespace *ns = m->ipc;

	if (!ns)
		return;
	for (int i = 0; i < ns->cap; i++)
		if (ns->shm[i])
			shm_destroy(m, ns->shm[i]);
	kfree(ns->shm);
	kfree(ns);
	m->ipc = NULL;
}

/* shm_may_destroy: unattached, and removed or the namespace forces removal. */
static int shm_may_destroy(const struct shmid_kernel *shp)
{
	return shp->live && !shp->nattch &&
	       ((shp->mode & SHM_DEST) || shp->m->tun.shm_rmid_forced);
}

/* ---- ids (ipc_idr_alloc with idr_alloc_cyclic) ---- */

static struct shmid_kernel *shm_obtain(struct machine *m, int id)
{
	struct ipc_namespace *ns = m->ipc;
	int idx = id & (IPCMNI - 1);

	if (id < 0 || idx >= ns->cap || !ns->shm[idx] || ns->shm[idx]->id != id)
		return NULL;
	return ns->shm[idx];
}

static int ids_grow(struct ipc_namespace *ns, int need)
{
	int cap = ns->cap ? ns->cap : IPC_MIN_CYCLE;
	struct shmid_kernel **n;

	while (cap < need)
		cap *= 2;
	if (cap > IPCMNI)
		cap = IPCMNI;
	if (cap <= ns->cap)
		return 0;
	n = kzalloc((size_t)cap * sizeof(*n));
	if (!n)
		return -ENOMEM;
	if (ns->shm)
		memcpy(n, ns->shm, (size_t)ns->cap * sizeof(*n));
	kfree(ns->shm);
	ns->shm = n;
	ns->cap = cap;
	return 0;
}

/* The next free index after last_idx below max, wrapping to 0; -ENOSPC. */
static int ipc_idr_alloc(struct ipc_namespace *ns)
{
	int max = ns->in_use * 3 / 2;

	if (max < IPC_MIN_CYCLE)
		max = IPC_MIN_CYCLE;
	if (max > IPCMNI)
		max = IPCMNI;
	if (ids_grow(ns, max))
		return -ENOMEM;
	for (int i = 0; i < max; i++) {
		int idx = (ns->last_idx + 1 + i) % max;

		if (ns->shm[idx])
			continue;
		if (idx <= ns->last_idx)
			ns->seq = (ns->seq + 1) % (INT32_MAX >> IPCMNI_SHIFT);	/* ipcid_seq_max */
		ns->last_idx = idx;
		return idx;
	}
	return -ENOSPC;
}

/* ---- shmget ---- */

static int newseg(struct sys_ctx *x, int32_t key, uint64_t size, uint64_t flg, uint64_t *ret)
{
	struct machine *m = x->m;
	struct ipc_namespace *ns = m->ipc;
	uint64_t pages = (size + MM_PAGE_SIZE - 1) >> MM_PAGE_SHIFT, acct = 0;
	struct shmid_kernel *shp;
	char name[32];
	int idx;

	if (size < 1 || size > SHMALL_DEFAULT)
		return sys_fail(x, -EINVAL, "size %llu is outside [1, shmmax]", (unsigned long long)size);
	if (pages << MM_PAGE_SHIFT < size)
		return sys_fail(x, -ENOSPC, "size overflows when rounded to pages");
	if (ns->shm_tot + pages < ns->shm_tot || ns->shm_tot + pages > SHMALL_DEFAULT)
		return sys_fail(x, -ENOSPC, "shmall reached");
	if (flg & SHM_HUGETLB)
		return sys_fail(x, -EINVAL, "SHM_HUGETLB segments are not modelled yet");
	/* shmem_kernel_file_setup: the object's pages are charged unless SHM_NORESERVE */
	if (!((flg & SHM_NORESERVE) && m->tun.overcommit_memory != 2)) {
		if (vm_enough_memory(x, pages))
			return -ENOMEM;
		acct = pages;
	}
	if (ns->in_use >= m->tun.shmmni) {
		vm_unacct_memory(m, acct);
		return sys_fail(x, -ENOSPC, "shmmni (%lld) segments exist", (long long)m->tun.shmmni);
	}
	shp = kzalloc(sizeof(*shp));
	idx = shp ? ipc_idr_alloc(ns) : -ENOMEM;
	if (idx < 0) {
		kfree(shp);
		vm_unacct_memory(m, acct);
		return sys_fail(x, idx, idx == -ENOSPC ? "no free segment index" : "out of memory");
	}
	shp->id = (ns->seq << IPCMNI_SHIFT) + idx;
	snprintf(name, sizeof(name), "/SYSV%08x (deleted)", (uint32_t)key);
	shp->obj = file_ref_new(name, 0, SHMEM_DEV_MINOR_SYSV, (uint64_t)shp->id);
	if (!shp->obj) {
		kfree(shp);
		vm_unacct_memory(m, acct);
		return sys_fail(x, -ENOMEM, "out of memory");
	}
	shp->obj->shmem_size = size;	/* i_size: a fault past it is SIGBUS */
	shp->obj->mode = flg & 0777;
	shp->key = shp->orig_key = key;
	shp->mode = flg & 0777;
	shp->segsz = size;
	shp->cpid = shp->creator = x->t->pid;
	shp->ctime = now_sec(m);
	shp->acct = acct;
	shp->refs = 1;
	shp->live = 1;
	shp->m = m;
	shp->kslab = kmalloc_acct(m, SHMID_KERNEL_SIZE, SHM_LGFP, -1, "newseg");
	/* shmem_kernel_file_setup: an inode, a dentry (d_alloc_pseudo) and the file */
	shp->inode_slab = kmem_cache_alloc(m, KMEM_SHMEM_INODE, -1);
	shp->dentry_slab = kmem_cache_alloc(m, KMEM_DENTRY, -1);
	shp->filp_slab = kmem_cache_alloc(m, KMEM_FILP, -1);
	shp->filp_held = 1;
	ns->shm[idx] = shp;
	ns->in_use++;
	ns->shm_tot += pages;
	*ret = (uint64_t)shp->id;
	return 0;
}

int sys_shmget(struct sys_ctx *x, const struct mm_call *c, uint64_t *ret)
{
	struct ipc_namespace *ns = x->m->ipc;
	int32_t key = (int32_t)c->advice;
	struct shmid_kernel *shp = NULL;

	if (key == IPC_PRIVATE)
		return newseg(x, key, c->len, c->flags, ret);
	for (int i = 0; i < ns->cap && !shp; i++)
		if (ns->shm[i] && ns->shm[i]->key == key)
			shp = ns->shm[i];
	if (!shp) {
		if (!(c->flags & IPC_CREAT))
			return sys_fail(x, -ENOENT, "no segment has key %d", key);
		return newseg(x, key, c->len, c->flags, ret);
	}
	if ((c->flags & IPC_CREAT) && (c->flags & IPC_EXCL))
		return sys_fail(x, -EEXIST, "segment %d has key %d", shp->id, key);
	if (shp->segsz < c->len)
		return sys_fail(x, -EINVAL, "segment %d is %llu bytes, smaller than %llu", shp->id,
				(unsigned long long)shp->segsz, (unsigned long long)c->len);
	*ret = (uint64_t)shp->id;
	return 0;
}

/* ---- shmat / shmdt ---- */

int sys_shmat(struct sys_ctx *x, const struct mm_call *c, uint64_t *ret)
{
	uint64_t addr = c->addr, flg = c->flags;
	struct mm_call mc = { .verb = MMV_MMAP, .fd = -1 };
	struct fd_entry fe = { 0 };
	struct shmid_kernel *shp;
	int err;

	if (c->fd < 0)
		return sys_fail(x, -EINVAL, "shmid %d is negative", c->fd);
	mc.flags = MM_MAP_SHARED;
	if (addr) {
		if (addr & (MM_PAGE_SIZE - 1)) {	/* SHMLBA is PAGE_SIZE on x86-64 */
			if (!(flg & SHM_RND))
				return sys_fail(x, -EINVAL, "address is not SHMLBA-aligned (SHM_RND rounds it)");
			addr &= ~(MM_PAGE_SIZE - 1);
			if (!addr && (flg & SHM_REMAP))
				return sys_fail(x, -EINVAL, "SHM_REMAP at address 0");
		}
		mc.flags |= MM_MAP_FIXED;
	} else if (flg & SHM_REMAP) {
		return sys_fail(x, -EINVAL, "SHM_REMAP needs an address");
	}
	mc.prot = flg & SHM_RDONLY ? MM_PROT_READ : MM_PROT_READ | MM_PROT_WRITE;
	if (flg & SHM_EXEC)
		mc.prot |= MM_PROT_EXEC;
	fe.flags = flg & SHM_RDONLY ? MM_O_RDONLY : MM_O_RDWR;
	shp = shm_obtain(x->m, c->fd);
	if (!shp)
		return sys_fail(x, -EINVAL, "no segment has id %d", c->fd);
	mc.addr = addr;
	mc.len = shp->segsz;
	if (addr && !(flg & SHM_REMAP)) {
		struct vm_area_struct *v = vma_find(x->mm, addr);

		if (addr + mc.len < addr)
			return sys_fail(x, -EINVAL, "address + size wraps");
		if (v && v->vm_start < addr + mc.len)
			return sys_fail(x, -EINVAL, "range overlaps a mapping (SHM_REMAP replaces it)");
	}
	/* the attach file (shm_file_data): its own open of the segment's object */
	fe.file = file_ref_new(shp->obj->path, 0, SHMEM_DEV_MINOR_SYSV, (uint64_t)shp->id);
	if (!fe.file)
		return sys_fail(x, -ENOMEM, "out of memory");
	fe.file->inode = shp->obj;
	fe.file->mode = shp->obj->mode;
	fe.file->shm = shp;
	/* do_shmat: its shm_file_data (kzalloc) and a clone of the segment's file */
	fe.file->shm_sfd = kmalloc_acct(x->m, SHM_FILE_DATA_SIZE, LGFP_KERNEL | LGFP_ZERO, -1,
					"do_shmat");
	fe.file->slab = kmem_cache_alloc(x->m, KMEM_FILP, -1);
	shp->refs++;
	/* the attach in progress keeps a removed segment (shm_nattch++ around do_mmap) */
	shp->nattch++;
	err = do_mmap_fd(x, &mc, &fe, ret);
	shp->nattch--;
	file_ref_put(fe.file);
	if (shm_may_destroy(shp))
		shm_destroy(x->m, shp);
	return err;
}

static int is_attach_of(const struct vm_area_struct *v, uint64_t addr, const struct file_ref *file)
{
	return v->vm_file && v->vm_file->shm && (!file || v->vm_file == file) &&
	       v->vm_start >= addr && ((v->vm_start - addr) >> MM_PAGE_SHIFT) == v->vm_pgoff;
}

/*
 * ksys_shmdt: the first attach VMA at or above addr that starts its
 * segment's page 0 at addr, then every VMA of the same attach in
 * [addr, addr + size).
 */
int sys_shmdt(struct sys_ctx *x, const struct mm_call *c)
{
	uint64_t addr = c->addr, size;
	struct vm_area_struct *v;
	struct file_ref *file = NULL;

	if (addr & (MM_PAGE_SIZE - 1))
		return sys_fail(x, -EINVAL, "address is not page-aligned");
	for (v = vma_find(x->mm, addr); v && !file; v = vma_next_of(v))
		if (is_attach_of(v, addr, NULL))
			file = v->vm_file;
	if (!file)
		return sys_fail(x, -EINVAL, "no segment is attached at %#llx", (unsigned long long)addr);
	file_ref_get(file);
	size = PAGE_ALIGN_UP(file->shm->segsz);
	for (;;) {
		for (v = vma_find(x->mm, addr); v && v->vm_end - addr <= size; v = vma_next_of(v))
			if (is_attach_of(v, addr, file))
				break;
		if (!v || v->vm_end - addr > size)
			break;
		if (unmap_range(x->m, x->mm, v->vm_start, v->vm_end, 1))
			break;
	}
	file_ref_put(file);
	return 0;
}

/* ---- shmctl ---- */

static int max_idx(const struct ipc_namespace *ns)
{
	for (int i = ns->cap - 1; i >= 0; i--)
		if (ns->shm[i])
			return i;
	return 0;
}

int sys_shmctl(struct sys_ctx *x, const struct mm_call *c, uint64_t *ret)
{
	struct ipc_namespace *ns = x->m->ipc;
	int cmd = c->mode, id = c->fd;
	struct shmid_kernel *shp;

	if (cmd < 0 || id < 0)
		return sys_fail(x, -EINVAL, "negative shmid or command");
	switch (cmd) {
	case IPC_INFO:
	case SHM_INFO:
		if (!c->addr)
			return sys_fail(x, -EFAULT, "no buffer for the answer");
		*ret = (uint64_t)max_idx(ns);
		return 0;
	case SHM_STAT:
	case SHM_STAT_ANY:
		shp = id < ns->cap ? ns->shm[id] : NULL;
		if (!shp)
			return sys_fail(x, -EINVAL, "no segment at index %d", id);
		if (!c->addr)
			return sys_fail(x, -EFAULT, "no buffer for the answer");
		*ret = (uint64_t)shp->id;
		return 0;
	case IPC_STAT:
	case IPC_SET:
	case IPC_RMID:
	case SHM_LOCK:
	case SHM_UNLOCK:
		break;
	default:
		return sys_fail(x, -EINVAL, "unknown shmctl command %d", cmd);
	}
	shp = shm_obtain(x->m, id);
	if (!shp)
		return sys_fail(x, -EINVAL, "no segment has id %d", id);
	switch (cmd) {
	case IPC_STAT:
		if (!c->addr)
			return sys_fail(x, -EFAULT, "no buffer for the answer");
		return 0;
	case IPC_SET:
		return sys_fail(x, c->addr ? -EINVAL : -EFAULT,
				"IPC_SET (a struct shmid_ds) is not modelled");
	case IPC_RMID:
		if (shp->nattch) {
			shp->mode |= SHM_DEST;
			shp->key = IPC_PRIVATE;	/* ipc_set_key_private */
		} else {
			shm_destroy(x->m, shp);
		}
		return 0;
	case SHM_LOCK:
		/*
		 * shmem_lock: the caller is root (CAP_IPC_LOCK), so neither the
		 * owner check nor RLIMIT_MEMLOCK applies. Pages already cached
		 * stay on their lists until reclaim meets them.
		 */
		shp->obj->unevictable = 1;	/* mapping_set_unevictable */
		shp->mode |= SHM_LOCKED;
		return 0;
	default:	/* SHM_UNLOCK */
		if (!(shp->mode & SHM_LOCKED))
			return 0;
		shp->obj->unevictable = 0;	/* mapping_clear_unevictable */
		shp->mode &= ~SHM_LOCKED;
		/* shmem_unlock_mapping: back to the evictable lists */
		check_move_unevictable_pages(x->m, shp->obj,
					     (shp->segsz + MM_PAGE_SIZE - 1) >> MM_PAGE_SHIFT);
		return 0;
	}
}

/* ---- VMA life (shm_open / shm_close) ---- */

void shm_vma_open(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct shmid_kernel *shp = vma->vm_file->shm;

	(void)mm;
	shp->nattch++;
	shp->atime = now_sec(shp->m);
	shp->lpid = current_tgid(shp->m);
}

void shm_vma_close(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct shmid_kernel *shp = vma->vm_file->shm;

	(void)mm;
	shp->nattch--;
	shp->dtime = now_sec(shp->m);
	shp->lpid = current_tgid(shp->m);
	if (shm_may_destroy(shp))
		shm_destroy(shp->m, shp);
}

void shm_file_release(struct file_ref *f)
{
	if (f->shm) {
		/* shm_release: the attach's file and shm_file_data */
		kmem_cache_free(f->shm->m, KMEM_FILP, f->slab);
		kfree_acct(f->shm->m, SHM_FILE_DATA_SIZE, LGFP_KERNEL | LGFP_ZERO, f->shm_sfd,
			   "shm_release");
		f->slab = 0;
		seg_put(f->shm);
	}
	f->shm = NULL;
}

void shm_exit_begin(struct machine *m, struct task *t)
{
	if (m->ipc)
		m->ipc->exit_tgid = t->pid;
}

void shm_exit_end(struct machine *m)
{
	struct ipc_namespace *ns = m->ipc;

	if (!ns)
		return;
	for (int i = 0; i < ns->cap; i++) {
		struct shmid_kernel *shp = ns->shm[i];

		if (!shp || shp->creator != ns->exit_tgid)
			continue;
		shp->creator = 0;
		if (m->tun.shm_rmid_forced && !shp->nattch)
			shm_destroy(m, shp);
	}
	ns->exit_tgid = 0;
}

void shm_rmid_forced_changed(struct machine *m)
{
	struct ipc_namespace *ns = m->ipc;

	for (int i = 0; ns && m->tun.shm_rmid_forced && i < ns->cap; i++)
		if (ns->shm[i] && !ns->shm[i]->creator && !ns->shm[i]->nattch)
			shm_destroy(m, ns->shm[i]);
}

/* ---- check and snapshots ---- */

uint64_t shm_committed(struct machine *m)
{
	uint64_t n = 0;

	for (int i = 0; m->ipc && i < m->ipc->cap; i++)
		if (m->ipc->shm[i])
			n += m->ipc->shm[i]->acct;
	return n;
}

int shm_check(struct machine *m, struct rbuf_lite *out)
{
	struct ipc_namespace *ns = m->ipc;
	int bad = 0, in_use = 0;
	uint64_t tot = 0;

	if (!ns)
		return 0;
	for (int i = 0; i < ns->cap; i++) {
		struct shmid_kernel *shp = ns->shm[i];
		uint64_t vmas = 0;

		if (!shp)
			continue;
		in_use++;
		tot += (shp->segsz + MM_PAGE_SIZE - 1) >> MM_PAGE_SHIFT;
		for (int pid = 0; pid < m->pid_max; pid++) {
			struct task *t = m->tasks[pid];

			for (struct vm_area_struct *v = t && t->mm && thread_group_leader(t) ?
							 vma_first(t->mm) : NULL; v;
			     v = vma_next_of(v))
				vmas += v->vm_file && v->vm_file->shm == shp;
		}
		if ((shp->id & (IPCMNI - 1)) != i || !shp->live || shp->refs < 1 || !shp->obj)
			bad++, rbl_printf(out, "shm segment at index %d: id %d, live %d, refs %d\n",
					  i, shp->id, shp->live, shp->refs);
		if (vmas != shp->nattch)
			bad++, rbl_printf(out, "shm segment %d: nattch %llu, %llu VMAs attach it\n",
					  shp->id, (unsigned long long)shp->nattch,
					  (unsigned long long)vmas);
		if (shm_may_destroy(shp) && (shp->mode & SHM_DEST))
			bad++, rbl_printf(out, "shm segment %d: removed and unattached, yet kept\n",
					  shp->id);
	}
	if (in_use != ns->in_use || tot != ns->shm_tot)
		bad++, rbl_printf(out, "shm namespace: %d segments (%llu pages), counted %d (%llu)\n",
				  in_use, (unsigned long long)tot, ns->in_use,
				  (unsigned long long)ns->shm_tot);
	return bad;
}

int shm_count(struct machine *m)
{
	return m->ipc ? m->ipc->in_use : 0;
}

int shm_snap_fill(struct machine *m, struct mm_shm_snap *out, int n)
{
	struct ipc_namespace *ns = m->ipc;
	int k = 0;

	for (int i = 0; ns && i < ns->cap && k < n; i++) {
		struct shmid_kernel *shp = ns->shm[i];
		struct mm_shm_snap *s = &out[k];
		uint64_t pages = (shp ? shp->segsz + MM_PAGE_SIZE - 1 : 0) >> MM_PAGE_SHIFT;

		if (!shp)
			continue;
		s->key = shp->key;
		s->id = shp->id;
		s->mode = shp->mode;
		s->segsz = shp->segsz;
		s->cpid = shp->cpid;
		s->lpid = shp->lpid;
		s->nattch = shp->nattch;
		s->atime = shp->atime;
		s->dtime = shp->dtime;
		s->ctime = shp->ctime;
		s->rss = shp->obj->mapping ? shp->obj->mapping->nrpages : 0;
		s->swap = shmem_swap_usage(shp->obj, 0, pages);
		k++;
	}
	return k;
}

/* shmem_swap.c: the objects of the segments, for swap accounting and swapoff. */
int shm_objects(struct machine *m, struct file_ref **out, int n)
{
	int k = 0;

	for (int i = 0; m->ipc && i < m->ipc->cap; i++)
		if (m->ipc->shm[i]) {
			if (k < n)
				out[k] = m->ipc->shm[i]->obj;
			k++;
		}
	return k;
}
