/* SPDX-License-Identifier: MIT */
/*
 * mm.h - the public API of the simulated memory subsystem.
 *
 * This is the only header fs/ and tools/ include from mm/ (with snapshot.h
 * and uapi.h, which it pulls in). The model is one `struct machine`; every
 * function here is a public entry point: it takes the machine's lock itself,
 * so callers never lock. Functions return 0 or a negative errno; the `why`
 * buffers (when given) receive a short human reason for a failure, suitable
 * for the "error EINVAL: <why>" reply line.
 *
 * Nothing here formats /proc text: the model hands out plain-data snapshots
 * (snapshot.h) and fs/ renders them outside the lock.
 */
#ifndef MM_MM_H
#define MM_MM_H

#include <stddef.h>
#include <stdint.h>

#include "snapshot.h"
#include "uapi.h"
#include "view_snap.h"
#include "trace_snap.h"

struct machine;

/* Boot-time configuration (the daemon's ram=, nodes=, swap= options). */
struct mm_config {
	uint64_t ram_bytes;	/* simulated physical memory; >= 64 MiB, <= 64 TiB */
	int nr_nodes;		/* NUMA nodes, 1..MM_MAX_NODES; RAM split evenly */
	int nr_cpus;		/* CPUs, 0..MM_MAX_CPUS, in blocks by node (mm_cpu_to_node);
				 * 0: the default, max(2, nr_nodes) */
	/*
	 * The SLIT: nr_nodes * nr_nodes distances, row-major (distance[from *
	 * nr_nodes + to]), 10 on the diagonal and 11..254 elsewhere; NULL for
	 * 10 local, 20 remote. Copied at boot.
	 */
	const unsigned char *distance;
	uint64_t swap_bytes;	/* size of the one swap device; 0 = none */
	const char *swap_path;	/* name shown in /proc/swaps (NULL: "/swapfile") */
	/*
	 * 0: the model's memory goes anywhere. Else the fixed address where
	 * its regions start (arena.h), the same in every process, so that a
	 * checkpoint can be mapped back: MM_IMAGE_BASE for the daemon.
	 */
	uint64_t image_base;
	int page_owner;		/* page_owner=on: record who allocated each page (page_owner.h) */
};

/* Where the daemon's machine lives: above ASan's shadow, below PIE executables. */
#define MM_IMAGE_BASE	0x110000000000ULL

/* Smallest and largest machines we agree to boot. */
#define MM_MIN_RAM	(64ULL << 20)
#define MM_MAX_RAM	(64ULL << 40)

/* The simulated kernel's release: uname -r, proc/sys/kernel/osrelease, kmsg. */
#define MM_UTS_RELEASE	"6.18.0-mmfs"

/*
 * Boot a machine: nodes, zones, buddy allocators, reserved memory, pid 1.
 * Returns NULL with a reason in why on bad configuration.
 */
struct machine *mm_boot(const struct mm_config *cfg, char *why, size_t whylen);
void mm_shutdown(struct machine *m);

/*
 * The simulated file system: processes see backing=DIR as their root, the
 * same tree the mount shows under files/. dev is the device maps prints
 * for file mappings (the daemon passes a fixed fe:01: the kernel's number
 * for the mount varies between mounts, and the model must not). Call it
 * after boot, before running commands; without it file operations fail
 * EACCES.
 */
int mm_set_backing(struct machine *m, const char *dir, uint32_t dev_major, uint32_t dev_minor);

/*
 * lower=DIR (file_lower.c): a read-only directory beneath backing=DIR, as
 * overlayfs' lower layer. Call it before mm_set_backing. hide (an
 * absolute host path, may be NULL) is left out of the lower layer if it
 * lies inside it. 0 or -errno.
 */
int mm_set_lower(struct machine *m, const char *dir, const char *hide);
/* lower=DIR's descriptor, or -1 without one. */
int mm_lower_fd(struct machine *m);
/*
 * Whether rel (relative to lower=DIR) is the one place of the lower layer
 * never entered: hide of mm_set_lower, the mount point, which lies inside
 * the lower layer with lower=/ (the daemon would call into itself).
 */
int mm_lower_hidden(struct machine *m, const char *rel);
/*
 * The entry at path (absolute in the simulated root) of the merged tree,
 * not followed if a symlink: an O_PATH descriptor, *layer 1 (backing=DIR)
 * or 2 (lower=DIR); -ENOENT for a whiteout or a missing name.
 */
int mm_lower_lookup(struct machine *m, const char *path, int *layer);
/*
 * Before files/ changes path under lower=: self: copy path itself up if
 * only the lower layer has it (chmod, link, rename's source); !self, or
 * path missing: make its parent directories in backing=DIR and clear a
 * whiteout at path (a create there). 0 or -errno; 0 without lower=.
 */
int mm_lower_prepare(struct machine *m, const char *path, int self);
/*
 * unlink (dir 0) or rmdir (dir 1) of path under lower=: host_rm(arg)
 * removes the upper name when backing=DIR has one, then a whiteout hides
 * the lower name if lower=DIR has one. 0 or -errno.
 */
int mm_lower_remove(struct machine *m, const char *path, int dir, int (*host_rm)(void *arg),
		    void *arg);
/*
 * After mkdir of path under lower=: if the lower layer has that name (a
 * whiteout was there), mark the new directory opaque, as overlayfs does
 * (xattr trusted.overlay.opaque, else user.overlay.opaque), so the lower
 * directory's entries stay hidden. 0 or -errno.
 */
int mm_lower_made_dir(struct machine *m, const char *path);
/* Whether the directory at path shows the lower layer's entries too (not opaque). */
int mm_lower_dir_merged(struct machine *m, const char *path);

/*
 * The inode number the model gives path of the simulated file system
 * (what maps prints for it), handed out on first lookup and stable for
 * the life of the machine. 0 or -errno as file lookup fails.
 */
int mm_file_ino(struct machine *m, const char *path, uint64_t *ino);

/*
 * The page cache from outside: what files/ reads and writes go through, so
 * that the simulated cache holds a file's bytes (Cached, Dirty) and its
 * mappers see writes at once. path is as for mm_file_ino. All take the lock.
 */
/* Read len bytes at off through the page cache: bytes read (0 at EOF) or -errno. */
long mm_file_read(struct machine *m, const char *path, uint64_t off, void *buf, size_t len);
/* Write through the page cache (pages become dirty, the file grows): bytes or -errno. */
long mm_file_write(struct machine *m, const char *path, uint64_t off, const void *buf, size_t len);
/*
 * Set the file's size: pages wholly past it leave every mapping and the
 * cache (faults there are SIGBUS), the partial last page's tail is zeroed.
 */
int mm_file_truncate(struct machine *m, const char *path, uint64_t size);
/* fsync: write back the file's dirty pages. */
int mm_file_fsync(struct machine *m, const char *path);
/* A rename or unlink (to NULL) done through files/: the model's inode keeps up. */
int mm_file_rename(struct machine *m, const char *from, const char *to);
/*
 * Empty backing=DIR/dev/shm, the stand-ins of the tmpfs files (shmem_file.c):
 * the daemon calls it at mount and at unmount of a machine without journal.
 */
void mm_tmpfs_clear(struct machine *m);
/*
 * The 512-byte blocks of the tmpfs file of model inode ino (its pages in
 * memory and on swap, as shmem's i_blocks): 0 and *blocks, or -ENOENT when
 * ino is no tmpfs file. files/'s stat shows it for /dev/shm's files.
 */
int mm_tmpfs_blocks(struct machine *m, uint64_t ino, uint64_t *blocks);
/*
 * Register who to tell when the model changes bytes of a file that outside
 * readers (a real process's mmap, the kernel's page cache of the mount)
 * may hold: fn(arg, ino, off, len) runs with the model's lock held, so it
 * must only queue the work.
 */
void mm_set_file_notify(struct machine *m, void (*fn)(void *arg, uint64_t ino, uint64_t off,
						      uint64_t len), void *arg);

/*
 * Register who to tell before the model changes anything in backing=DIR
 * (a journal keeps what was there, journal.h): fn(arg, path) runs, with
 * the model's lock held, before the model writes, extends, truncates,
 * punches or creates the file or directory at path (absolute in the
 * simulated root, as maps shows it). Files reachable by no name (unlinked,
 * still mapped) are not reported.
 */
void mm_set_backing_hook(struct machine *m, void (*fn)(void *arg, const char *path), void *arg);
/*
 * Who hears of what the model makes beneath backing= on its own: the
 * directories and sparse stand-in files of exec/spawn's paths (file_ensure).
 * fn(arg, rel) runs with the model's lock held just after rel (relative to
 * backing=) was made. What processes create (open O_CREAT) is not reported.
 */
void mm_set_standin_hook(struct machine *m, void (*fn)(void *arg, const char *rel), void *arg);

/* ---- images: the whole machine, saved and mapped back (image.c) ---- */

/* Where an image goes: write len bytes; 0 or -errno. */
typedef int (*image_write_fn)(void *arg, const void *buf, size_t len);
/*
 * Save the machine's state through fn. Call it with no command running
 * (in the command turn); readers may go on. 0 or -errno with why.
 */
int mm_image_save(struct machine *m, image_write_fn fn, void *arg, char *why, size_t whylen);
/*
 * The machine saved in [buf, buf + len), mapped back at the addresses it
 * had (a machine booted with mm_config.image_base). It has no backing=
 * and no listeners yet: call mm_set_backing, then mm_rekey_files once
 * backing=DIR holds what it held when the image was saved. NULL with why
 * (an image of another build of mmfs, a damaged one, addresses taken).
 */
struct machine *mm_image_load(const void *buf, size_t len, char *why, size_t whylen);
/*
 * Files put back in backing=DIR are new host files: find each inode of the
 * model again by its path. Returns how many moved.
 */
int mm_rekey_files(struct machine *m);

/* Bytes of live objects in the machine's arena (host memory the model's objects take). */
uint64_t mm_arena_bytes(struct machine *m);

/* ---- snapshots (plain data, caller frees with free()) ---- */

/* CPUs of the machine (cpus=, or its default). */
int mm_nr_cpus(const struct machine *m);

/* Everything the global files need: meminfo, vmstat, zoneinfo, buddyinfo... */
struct mm_global_snap *mm_snap_global(struct machine *m);

/*
 * page_owner (page_owner.c): whether the machine records owners
 * (page_owner=on), and the allocated blocks with their owners (malloc'd;
 * NULL with *err -EINVAL when page_owner is off, as reading the file fails
 * then, or -ENOMEM). With stacks_only, no records: page_owner_stacks.
 */
int mm_page_owner_enabled(struct machine *m);
struct mm_page_owner_snap *mm_snap_page_owner(struct machine *m, int stacks_only, int *err);
/* The frames of stack handle, innermost first, into frames[max]: how many. */
int mm_page_owner_stack(int handle, const char **frames, int max);
/* Linux's gfp mask of a model gfp as %#x(%pGg) prints it, e.g. "0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP)". */
void mm_gfp_format(unsigned gfp, char *buf, size_t len);
/* The disks' counters into out[MM_MAX_DISKS]; returns how many (vda, vda1, swap disks). */
int mm_snap_disks(struct machine *m, struct mm_disk_snap *out);
/* The name of swap disk slot (0..) into buf[16]: 0, or -ENOENT (no such disk yet). */
int mm_swap_disk_name(struct machine *m, int slot, char *buf);
/* Memory pressure. */
void mm_snap_psi(struct machine *m, struct mm_psi_snap *out);
/* migrate_reason_names[] (include/linux/migrate_mode.h's order). */
extern const char *const mm_migrate_reason_names[];

/*
 * One process. want_vmas: 0 = no VMAs, 1 = the VMAs (maps), 2 = the VMAs
 * with their residency figures (smaps; costs a page-table walk). NULL if
 * pid does not exist.
 */
struct mm_task_snap *mm_snap_task(struct machine *m, int pid, int want_vmas);

/*
 * The same, with the VMAs packed (want_vmas 1 or 2, as above): what a
 * reader of maps or smaps of a process with a million VMAs can afford.
 * Read them with mm_snap_vma (snapshot.h).
 */
struct mm_task_snap *mm_snap_task_packed(struct machine *m, int pid, int want_vmas);

/*
 * The open files of pid in ascending fd order, malloc'd into *out (NULL when
 * there are none): their count, -ESRCH (no such pid) or -ENOMEM.
 */
struct mm_fd_snap;
int mm_snap_files(struct machine *m, int pid, struct mm_fd_snap **out);
/* One of them: 0, -ESRCH (no such pid) or -ENOENT (fd not open). */
int mm_snap_file(struct machine *m, int pid, int fd, struct mm_fd_snap *out);
/*
 * proc/PID/numa_maps: one entry per VMA, ascending, into a malloc'd *out
 * (free it), *nr entries (none for a process without an mm). 0, -ESRCH
 * when pid does not exist, -ENOMEM.
 */
int mm_numa_maps(struct machine *m, int pid, struct mm_numa_vma **out, size_t *nr);

/* Live pids in ascending order; returns how many (may exceed max). */
int mm_pids(struct machine *m, int *pids, int max);
/*
 * The TIDs of pid's thread group, leader first then ascending, into tids
 * (at most max); returns how many there are (0: no such task).
 */
int mm_tids(struct machine *m, int pid, int *tids, int max);

/*
 * The kernel log since boot as dmesg-style text ("[    0.000000] ...\n"),
 * NUL-terminated, malloc'd. *len receives strlen.
 */
char *mm_kmsg_text(struct machine *m, size_t *len);
/* Append one line (no trailing newline needed) to the kernel log. */
void mm_kmsg(struct machine *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- commands, in order ---- */

/*
 * A command (anything that changes the model: a control-file line, a
 * write through files/, a tunable...) runs between these two, which hold
 * the command turn: commands run one at a time in the order they called
 * mm_cmd_begin, while readers (snapshots) still get in at the command's
 * step boundaries. interrupt_at is 0, or, when replaying a journal, the
 * step at which the command was interrupted by a kill in the run that is
 * replayed. mm_cmd_interrupted (before mm_cmd_end) tells that step for
 * this run: 0 if the command was not interrupted.
 */
void mm_cmd_begin(struct machine *m, uint64_t interrupt_at);
uint64_t mm_cmd_interrupted(struct machine *m);
void mm_cmd_end(struct machine *m);
/*
 * A kill of pid is coming (call it before the kill command waits for its
 * turn): a command working for pid stops at its next step boundary with
 * EINTR. Returns whether pid names a process that can be killed.
 */
int mm_signal_kill(struct machine *m, int pid);

/* ---- global commands (MOUNT/ctl) ---- */

int mm_spawn(struct machine *m, const char *name, int *pid, char *why, size_t whylen);
int mm_kill(struct machine *m, int pid, char *why, size_t whylen);
int mm_drop_caches(struct machine *m, int mode, char *why, size_t whylen);
int mm_compact(struct machine *m, char *why, size_t whylen);
/*
 * swapon(8): a new swap device NAME of `bytes` (its header page included),
 * priority prio (0..32767) or, when prio is -1, the next assigned one
 * (-2, -3, ...). -EBUSY: NAME is in use; -EINVAL: too small or a bad name;
 * -EPERM: 32 devices already; -ENOSPC: a 33rd swap disk (blk_swap_disk); -ENOMEM.
 */
int mm_swapon(struct machine *m, const char *name, uint64_t bytes, int prio, char *why,
	      size_t whylen);
/*
 * swapoff(8): every page on NAME comes back into memory, then the device
 * goes. -EINVAL: no such device; -ENOMEM: memory cannot hold them (the
 * device stays).
 */
int mm_swapoff(struct machine *m, const char *name, char *why, size_t whylen);
/* sync(2): write every dirty page-cache page back to backing=DIR. */
int mm_sync(struct machine *m, char *why, size_t whylen);

/*
 * Nodes 0..63 of a mask as Linux lists them ("0-1,3"; "" for none), cut to
 * len (mempolicy.c). No machine, no lock: the control layer and the
 * difftest's host side print masks with it too.
 */
void mm_nodelist(char *buf, size_t len, uint64_t nodes);

/*
 * The kernel's fragmentation arithmetic (mm/vmstat.c fill_contig_page_info,
 * shared by extfrag/ files and compaction): from a zone's free blocks per
 * order, what an allocation of `order` finds; the indexes in thousandths,
 * integer arithmetic as Linux's. fragmentation_index: -1000 when it can
 * succeed, 0 with no free memory, else towards 1000 for want of
 * contiguity; unusable: the share of free memory in blocks below order.
 */
struct contig_page_info {
	uint64_t free_pages, free_blocks_total, free_blocks_suitable;
};
void mm_contig_page_info(const uint64_t blocks[MM_NR_ORDERS], int order,
			 struct contig_page_info *info);
int mm_fragmentation_index(const struct contig_page_info *info, int order);
int mm_unusable_index(const struct contig_page_info *info, int order);

/* ---- a traced program mirrored into the model (trace_map.c) ---- */

/*
 * The session of anchor (the process whose ctl receives a trace): trace
 * pid tpid is simulated pid pid. A tpid bound before is rebound (the trace
 * reused it). 0, -ESRCH (no anchor or pid), -EINVAL (tpid <= 0), -ENOMEM.
 */
int mm_trace_bind(struct machine *m, int anchor, int pid, int tpid);
/* The live simulated pid bound to tpid in anchor's session, or 0. */
int mm_trace_find(struct machine *m, int anchor, int tpid);
/*
 * The trace's [taddr, taddr + len) is the model's [maddr, ...) in pid's
 * address space, replacing older ranges it overlaps (taddr == maddr only
 * removes them). 0, -ESRCH (no pid or no mm), -EINVAL (empty or wrapping),
 * -ENOMEM.
 */
int mm_trace_xlate_set(struct machine *m, int pid, uint64_t taddr, uint64_t len, uint64_t maddr);
/* A trace address of pid's into the model's, in place. 0 or -ESRCH. */
int mm_trace_xlate(struct machine *m, int pid, uint64_t *addr);
/*
 * The call strace left <unfinished ...> for tpid, kept until its resumed
 * line (len 0 clears it). set: 0, -ESRCH (tpid not in the session),
 * -ENOMEM. get: its length (0: none), -ESRCH, -ENOSPC (cap too small).
 */
int mm_trace_pending_set(struct machine *m, int anchor, int tpid, const char *text, size_t len);
long mm_trace_pending_get(struct machine *m, int anchor, int tpid, char *buf, size_t cap);
/* The session's members in binding order; returns how many (may exceed max). */
struct mm_trace_member {
	int tpid;
	int pid;		/* 0: the simulated task is gone */
	int pending;		/* a call is unfinished */
};
int mm_trace_session(struct machine *m, int anchor, struct mm_trace_member *out, int max);

/* ---- the OOM killer (oom_kill.c) ---- */

/*
 * A write of buf[0..len) to proc/PID/oom_score_adj (legacy 0) or
 * proc/PID/oom_adj (legacy 1), parsed as Linux does (the first 12 bytes,
 * blanks stripped, kstrtoint base 0). Returns the bytes taken, min(len, 12),
 * or -ESRCH, -EINVAL (not a number, out of range) or -ERANGE (beyond int).
 */
long mm_oom_adj_write(struct machine *m, int pid, int legacy, const char *buf, size_t len);
/*
 * Whether the machine has panicked (panic_on_oom, or an OOM with nothing
 * to kill); the panic's message goes to msg. A panicked machine takes no
 * more commands (fs/cmd.c answers EIO); its views stay readable.
 */
int mm_panicked(struct machine *m, char *msg, size_t len);

/*
 * The invariant checker. Returns a malloc'd report: "ok\n", or one line per
 * broken invariant. *nbad receives the number of violations.
 */
char *mm_check(struct machine *m, int *nbad);

/* ---- tunables: proc/sys/vm/<name> and sys/kernel/mm/... ---- */

/* Where a tunable lives in the tree. */
enum mm_tunable_dir {
	MM_TUNABLE_SYSCTL_VM,	/* proc/sys/vm/<name> */
	MM_TUNABLE_SYSFS_THP,	/* sys/kernel/mm/transparent_hugepage/<name> */
	MM_TUNABLE_SYSFS_BDI,	/* sys/class/bdi/254:1/<name>: the disk behind files/ */
	MM_TUNABLE_SYSCTL_KERNEL, /* proc/sys/kernel/<name> */
	MM_TUNABLE_SYSFS_WI,	/* sys/kernel/mm/mempolicy/weighted_interleave/<name>:
				 * nodeN for N < nodes=, and the auto switch */
	MM_TUNABLE_SYSFS_ZSWAP,	/* sys/module/zswap/parameters/<name> (named "zswap/<name>") */
	MM_TUNABLE_DEBUG_ZSWAP,	/* sys/kernel/debug/zswap/<name>, read-only, once zswap is set up
				 * (named "zswap-debug/<name>") */
};

struct mm_tunable_info {
	const char *name;
	enum mm_tunable_dir dir;
	unsigned mode;		/* 0644, or 0200 for write-only (drop_caches) */
};

/* Has zswap been set up (its debugfs directory exists)? */
int mm_zswap_initialized(struct machine *m);

/* The table of tunables; returns its length. */
int mm_tunables(const struct mm_tunable_info **tab);
/* Read as the kernel prints it, newline included. -EACCES if write-only. */
int mm_tunable_read(struct machine *m, const char *name, char *buf, size_t len);
/*
 * Write with the kernel's parsing and range checks (-EINVAL out of range).
 * buf need not be NUL-terminated; a trailing newline is accepted.
 */
int mm_tunable_write(struct machine *m, const char *name, const char *buf, size_t len);

/* ---- per-process system calls (MOUNT/proc/PID/ctl); see uapi.h ---- */

/*
 * Execute one typed system call for process pid. On success returns 0 and
 * *ret holds the value to reply (an address, a pid, 0...). Calls not built
 * yet return -ENOSYS. mincore's reply is its runs: see mm_mincore.
 */
int mm_syscall(struct machine *m, int pid, const struct mm_call *call,
	       uint64_t *ret, char *why, size_t whylen);

/*
 * mincore(addr, len): on success *vec holds the residency of every page as
 * runs of 0 and 1 (free with mm_runs_free): the reply of the mincore
 * command is their text, one '0' or '1' per page. A sparse range of any
 * size costs what its page tables and cached pages cost.
 */
/* malloc_stats: the text glibc 2.36 prints, for pid's allocator (mm/libc/). */
int mm_malloc_stats(struct machine *m, int pid, char *buf, size_t len, char *why, size_t whylen);
int mm_mincore(struct machine *m, int pid, uint64_t addr, uint64_t len, struct mm_runs *vec,
	       char *why, size_t whylen);
/*
 * get_mempolicy (mempolicy.c): on success *policy is what the kernel
 * stores in the caller's int (a mode with its flags, or a node with
 * MPOL_F_NODE) and *nodes the nodemask it copies out (nodes 0..63).
 */
int mm_get_mempolicy(struct machine *m, int pid, const struct mm_call *call, int *policy,
		     uint64_t *nodes, char *why, size_t whylen);

/* ---- the binary proc files (pagemap.c); see pagemap.h for the bits ---- */

/*
 * proc/PID/mem: read or write len bytes of pid's memory at addr as a
 * debugger does (faults pages in; writes to read-only private mappings
 * copy on write). Returns the bytes done, -EIO when none could be, 0 for a
 * process without an address space, -ESRCH when pid does not exist.
 */
long mm_mem_rw(struct machine *m, int pid, uint64_t addr, void *buf, size_t len, int write);

/*
 * proc/PID/pagemap: the entries of up to n virtual pages from first_vpn.
 * Returns how many were filled (fewer at TASK_SIZE, 0 at or after it or
 * without an address space), or -ESRCH.
 */
long mm_pagemap_read(struct machine *m, int pid, uint64_t first_vpn, uint64_t *out, size_t n);

/*
 * proc/kpageflags and proc/kpagecount: one word per pfn for up to n pfns
 * from first_pfn. Returns how many were filled (0 at or after max_pfn).
 */
long mm_kpageflags_read(struct machine *m, uint64_t first_pfn, uint64_t *out, size_t n);
long mm_kpagecount_read(struct machine *m, uint64_t first_pfn, uint64_t *out, size_t n);
/* The number of pfns: those files end at max_pfn * 8 bytes. */
uint64_t mm_max_pfn(struct machine *m);

/* ---- migration and CPU affinity (migrate_sys.c; doc/migrate.md) ---- */

/*
 * Process caller's system calls; pid 0 names the caller. Each returns 0 or
 * -errno (the reason in why), as Linux's call would.
 *
 * migrate_pages(pid, old, new): the pages of pid on the nodes of old go to
 * new (old's k-th node to new's k-th, modulo); *ret = pages not moved.
 * new_far: new named a node above 63 (never online). -ESRCH, -EINVAL (no
 * online node in new).
 */
int mm_migrate_pages(struct machine *m, int caller, int pid, uint64_t old, uint64_t new,
		     int new_far, uint64_t *ret, char *why, size_t whylen);
/*
 * move_pages(pid, nr, pages, nodes, status, flags): nodes NULL asks where
 * each page is (status[i] = its node, -EFAULT, -ENOENT); else page i goes
 * to nodes[i] and status[i] says where it is or why not (-EFAULT, -ENOENT,
 * -EACCES shared without MPOL_MF_MOVE_ALL, -EBUSY). *ret = pages not moved
 * when some failed (their batch's statuses are left as they were), as
 * Linux; -ENODEV for a node without memory, -EINVAL for bad flags, -ESRCH.
 * status is filled only where the call wrote it: the caller initialises it.
 */
int mm_move_pages(struct machine *m, int caller, int pid, uint64_t nr, const uint64_t *pages,
		  const int32_t *nodes, int32_t *status, int flags, long *ret, char *why,
		  size_t whylen);
/*
 * sched_setaffinity(pid, mask): mask holds MM_MAX_CPUS bits; the online
 * ones become the task's allowed CPUs, and a task not on one of them moves
 * to the first. -EINVAL when none is online, -ESRCH.
 */
int mm_sched_setaffinity(struct machine *m, int caller, int pid, const uint64_t *mask,
			 char *why, size_t whylen);
/*
 * sched_getaffinity(pid, len, mask): MM_MAX_CPUS bits into mask, *ret =
 * the bytes the kernel would copy (min(len, cpumask_size), 32). -EINVAL when
 * len is not whole longs or holds fewer bits than CPUs, -ESRCH.
 */
int mm_sched_getaffinity(struct machine *m, int caller, int pid, uint64_t len, uint64_t *mask,
			 long *ret, char *why, size_t whylen);

/*
 * tracefs (trace_ring.c). mm_trace_snap copies the state and up to max
 * entries from seq `from` on (older ones: from the oldest held); free()
 * it. mm_trace_write changes a switch: path is relative to the tracing
 * directory ("tracing_on", "buffer_size_kb", "set_event", "trace",
 * "events/kmem/enable", "events/kmem/mm_page_alloc/filter" ...), trunc
 * says the file was opened with O_TRUNC (it clears "trace", disables
 * every event for "set_event"), and "trace_pipe" with the decimal seq of
 * the first entry not consumed consumes the ones before it. 0 or -errno:
 * -EINVAL for bad values (a refused filter shows why in its file),
 * -ENOENT for a path that names nothing, -EACCES for a read-only one.
 * mm_trace_filter_text reads an event's or a system's filter file.
 * mm_set_trace_notify: fn(arg) is called, m->lock held, after each
 * recorded entry (the daemon wakes trace_pipe readers); it must not block.
 */
struct mm_trace_snap *mm_trace_snap(struct machine *m, uint64_t from, uint64_t max);
int mm_trace_write(struct machine *m, const char *path, const char *buf, size_t len, int trunc);
int mm_trace_filter_text(struct machine *m, const char *path, char *buf, size_t size);
void mm_set_trace_notify(struct machine *m, void (*fn)(void *arg), void *arg);

/*
 * The slab caches (mm/slab.h), fixed at build time: how many, and the name
 * of cache id (creation order; sys/kernel/slab has one directory each).
 */
int mm_slab_nr_caches(void);
const char *mm_slab_cache_name(int id);
/* The name of a cache merged into cache id that sysfs also shows it under, or NULL. */
const char *mm_slab_cache_alias(int id);
/* Every empty slab back to the buddy allocator (sysfs CACHE/shrink). */
void mm_slab_shrink(struct machine *m);

#endif
