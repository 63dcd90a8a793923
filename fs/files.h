/* SPDX-License-Identifier: MIT */
/*
 * files.h - MOUNT/files/: the simulated file system (backing=DIR) as a real
 * directory tree, served by fs/files.c.
 *
 * fuse_ops.c hands every request on an inode for which files_owns() holds
 * to the matching handler of files_ops, and the namespace operations the
 * rest of the tree does not have (create, mkdir, unlink, rename...) come
 * here for every inode: outside files/ they fail EPERM (EXDEV for a rename
 * or link across). files/ itself keeps its tree inode (and st_ino); every
 * inode below it has FILES_INO set, which no other inode of the tree has.
 *
 * Include after <fuse_lowlevel.h>.
 */
#ifndef FS_FILES_H
#define FS_FILES_H

#include <stddef.h>
#include <stdint.h>

#define FILES_INO	(1ULL << 41)

/*
 * Open backing=DIR (mmfs.backing) as the root of files/; idempotent. Called
 * from the FUSE init request, when the model has the backing attached.
 * Sets the daemon's umask to 0: the kernel has applied the caller's.
 */
int files_init(void);
/* Write every dirty page back (mm_sync), close every host descriptor, free every inode (FUSE destroy). */
void files_exit(void);

/* Whether ino is files/ or an inode below it. */
int files_owns(uint64_t ino);

/* Reply to the lookup of "files" in the mount's root. */
void files_lookup_root(fuse_req_t req);

/*
 * The FUSE node id of the file whose st_ino (the model's inode number) is
 * st_ino, or 0 if the kernel holds no reference to it: nothing to tell it.
 */
uint64_t files_nodeid_of(uint64_t st_ino);
/* Every node id the kernel holds below files/; returns how many (may exceed max). */
size_t files_nodeids(uint64_t *ids, size_t max);

extern const struct fuse_lowlevel_ops files_ops;

#endif
