/* SPDX-License-Identifier: MIT */
/*
 * shm.h - System V shared memory (kernel: ipc/shm.c, ipc/util.c).
 *
 * A mount is one IPC namespace, fresh at boot: segment ids are handed out
 * as a fresh namespace's are (idr_alloc_cyclic over [0, max(in_use * 3/2,
 * 64)), the sequence number bumped when the index wraps; id = seq << 15 |
 * index). A segment is a shmem object of its size (the page cache holds
 * its pages, Shmem in meminfo, swappable) named "/SYSV%08x (deleted)" on
 * device 00:01 with inode number = the id, as maps shows it.
 *
 * Each shmat opens the segment anew (Linux's shm_file_data): the VMA's
 * vm_file is a file of its own whose ->inode is the segment's object and
 * whose ->shm is the segment, so two attaches never merge. nattch counts
 * the linked VMAs of the segment (every split, fork copy and attach adds
 * one, as shm_open does); linking one sets atime and lpid to the caller,
 * unlinking one sets dtime and lpid, and the segment marked for removal
 * (SHM_DEST) goes at its last detach. The segment's memory lives while
 * a VMA (linked or being torn down) holds an attach file.
 *
 * All functions expect m->lock held.
 */
#ifndef MM_SHM_H
#define MM_SHM_H

#include <stdint.h>

#include "uapi.h"

struct machine;
struct task;
struct mm_struct;
struct vm_area_struct;
struct file_ref;
struct sys_ctx;
struct rbuf_lite;
struct mm_shm_snap;

/* Linux's values (include/uapi/linux/ipc.h, shm.h) */
#define IPC_PRIVATE	0
#define IPC_CREAT	00001000
#define IPC_EXCL	00002000
#define IPC_NOWAIT	00004000
#define SHM_HUGETLB	04000
#define SHM_NORESERVE	010000
#define SHM_RDONLY	010000
#define SHM_RND		020000
#define SHM_REMAP	040000
#define SHM_EXEC	0100000
#define SHM_DEST	01000
#define SHM_LOCKED	02000
#define IPC_RMID	0
#define IPC_SET		1
#define IPC_STAT	2
#define IPC_INFO	3
#define SHM_LOCK	11
#define SHM_UNLOCK	12
#define SHM_STAT	13
#define SHM_INFO	14
#define SHM_STAT_ANY	15

#define SHMMNI_DEFAULT	4096
#define IPCMNI		32768		/* ipc_mni: indices per namespace */
#define IPCMNI_SHIFT	15
#define SHMALL_DEFAULT	(UINT64_MAX - (1ULL << 24))	/* shmmax and shmall */

struct shmid_kernel {
	int id;				/* seq << IPCMNI_SHIFT | index */
	int32_t key;			/* IPC_PRIVATE once removed */
	int32_t orig_key;		/* the key the object's name keeps */
	unsigned mode;			/* 0777 bits | SHM_DEST | SHM_LOCKED */
	uint64_t segsz;			/* bytes, as asked */
	int cpid, lpid;			/* tgids: creator, last attach/detach */
	int creator;			/* cpid while the creator lives, then 0 (shm_creator) */
	uint64_t nattch;		/* linked VMAs of the segment */
	uint64_t atime, dtime, ctime;	/* simulated ns of the event, 0: never */
	uint64_t acct;			/* pages charged to Committed_AS */
	struct file_ref *obj;		/* the shmem object; one reference */
	int refs;			/* attach files, + 1 while in the namespace */
	int live;			/* in the namespace (not yet destroyed) */
	uint32_t kslab;			/* slab.h: its kmalloc-cg-256 object (newseg's kmalloc) */
	/* slab.h: its shmem file's inode, dentry and filp (shmem_kernel_file_setup) */
	uint32_t inode_slab, dentry_slab, filp_slab;
	int filp_held;			/* the segment's file is open (until shm_destroy) */
	struct machine *m;
};

struct ipc_namespace {
	struct shmid_kernel **shm;	/* by index, cap entries, NULL when free */
	int cap;
	int in_use;			/* segments in the namespace */
	int last_idx;			/* the index handed out last, -1 at boot */
	int seq;			/* the sequence number of new ids */
	uint64_t shm_tot;		/* pages of all segments */
	int exit_tgid;			/* task_exit's: the tgid unlinking VMAs now */
};

int shm_init(struct machine *m);
/* Destroy every segment (the processes are gone): unmount. */
void shm_exit_ns(struct machine *m);

/* The calls (per-process verbs); 0 and *ret, or -errno after sys_fail. */
int sys_shmget(struct sys_ctx *x, const struct mm_call *c, uint64_t *ret);
int sys_shmat(struct sys_ctx *x, const struct mm_call *c, uint64_t *ret);
int sys_shmdt(struct sys_ctx *x, const struct mm_call *c);
int sys_shmctl(struct sys_ctx *x, const struct mm_call *c, uint64_t *ret);

/* vma.c: a VMA of an attach file was linked into / unlinked from mm. */
void shm_vma_open(struct mm_struct *mm, struct vm_area_struct *vma);
void shm_vma_close(struct mm_struct *mm, struct vm_area_struct *vma);
/* vma.c file_ref_put: an attach file goes; drops its segment reference. */
void shm_file_release(struct file_ref *f);
/*
 * task.c: the VMAs of t are being torn down (lpid is t's); then exit_shm:
 * t created no segment any more, and with shm_rmid_forced its unattached
 * ones go.
 */
void shm_exit_begin(struct machine *m, struct task *t);
void shm_exit_end(struct machine *m);
/* sysctl.c: shm_rmid_forced was written; 1 destroys the orphans (shm_destroy_orphaned). */
void shm_rmid_forced_changed(struct machine *m);

/* check: segments against the VMAs; pages charged (Committed_AS). */
int shm_check(struct machine *m, struct rbuf_lite *out);
uint64_t shm_committed(struct machine *m);
/* snapshots: how many segments, and fill up to n of them in id order. */
int shm_count(struct machine *m);
int shm_snap_fill(struct machine *m, struct mm_shm_snap *out, int n);
/* The segments' shmem objects, up to n into out; returns how many there are. */
int shm_objects(struct machine *m, struct file_ref **out, int n);

#endif
