/* SPDX-License-Identifier: MIT */
/*
 * shmem_file.h - /dev/shm as a tmpfs (kernel: mm/shmem.c's shmem_file_operations,
 * the tmpfs mount systemd puts on /dev/shm). See shmem_file.c.
 */
#ifndef MMFS_SHMEM_FILE_H
#define MMFS_SHMEM_FILE_H

#include <stddef.h>
#include <stdint.h>

struct machine;
struct page;
struct file_ref;

/* The tmpfs of /dev/shm: maps shows its files on 00:1b, as the reference host's stat does. */
#define DEVSHM_DEV_MAJOR	0
#define DEVSHM_DEV_MINOR	0x1b

/* file_ref.tmpfs: a file of /dev/shm; one unlinked while mapped or open (counted) */
#define TMPFS_INODE	1
#define TMPFS_ORPHAN	2

/* Is rel (normalised, relative to backing=DIR: "dev/shm/x") inside /dev/shm's tmpfs? */
int tmpfs_path(const char *rel);

/* Make a new inode of the table a tmpfs inode: shmem pages, tmpfs device numbers. */
void tmpfs_inode_init(struct file_ref *inode);

/* noop_dirty_folio: every page of page's folio PG_dirty, with no Dirty accounting. */
void shmem_mark_dirty(struct page *page);

/*
 * Empty dev/shm beneath backing=DIR (the tmpfs is new at mount and gone at
 * unmount): every entry below it is removed, dev/shm itself stays.
 */
void tmpfs_clear(struct machine *m);

/*
 * The tmpfs inodes of the table that hold pages (on_swap: pages on swap),
 * appended to v[*n..] as shmem_swap.c's object walk does (no duplicates).
 */
/*
 * shmem_swap.c: append f to the array v[0, *n) (capacity *cap, grown by
 * doubling) unless it is there already or has no pages (on_swap: none on
 * swap). 0, or -ENOMEM when the array cannot grow.
 */
int shmem_object_push(struct file_ref ***v, size_t *n, size_t *cap, struct file_ref *f,
		      int on_swap);
struct file_ref **tmpfs_objects_add(struct machine *m, int on_swap, struct file_ref **v,
				    size_t *n, size_t *cap);

/* Does a VMA, an fd or a program still hold an open file of inode? (truncate.c) */
int inode_in_use(struct machine *m, struct file_ref *inode);

/*
 * An unlinked tmpfs inode nobody holds any more loses its pages
 * (shmem_evict_inode): run after every command, a no-op without orphans.
 */
void tmpfs_evict_unused(struct machine *m);

/* unlink_inodes: inode (a tmpfs one) left the namespace while still held. */
void tmpfs_orphan(struct machine *m, struct file_ref *inode);

/* What check verifies: the orphan count, the tmpfs inodes' device. */
struct rbuf_lite;
int tmpfs_check(struct machine *m, struct rbuf_lite *out);

#endif
