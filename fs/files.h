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

#include <stdint.h>

#define FILES_INO	(1ULL << 41)

/*
 * Open backing=DIR (mmfs.backing) as the root of files/; idempotent. Called
 * from the FUSE init request, when the model has the backing attached.
 * Sets the daemon's umask to 0: the kernel has applied the caller's.
 */
int files_init(void);
/* Close every host descriptor and free every inode (FUSE destroy). */
void files_exit(void);

/* Whether ino is files/ or an inode below it. */
int files_owns(uint64_t ino);

/* Reply to the lookup of "files" in the mount's root. */
void files_lookup_root(fuse_req_t req);

extern const struct fuse_lowlevel_ops files_ops;

#endif
