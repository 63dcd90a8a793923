/* SPDX-License-Identifier: MIT */
/*
 * file.h - the simulated file system that processes see: the files/
 * directory of the mount, stored in backing=DIR (kernel: namei, struct file).
 *
 * Paths are absolute in the simulated root ("/usr/lib/x86_64-linux-gnu/libc.so.6"
 * is backing=DIR/usr/lib/x86_64-linux-gnu/libc.so.6); a relative path is taken
 * from "/". Resolution never leaves the backing directory: "..", absolute
 * symlinks and symlinks pointing outside are refused, as openat2's
 * RESOLVE_BENEATH does.
 *
 * One struct file_ref (vma.h) exists per inode while anything holds it, so
 * every VMA of one file points at the same object and merge decisions can
 * compare vm_file pointers as Linux does.
 */
#ifndef MM_FILE_H
#define MM_FILE_H

#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>

struct machine;
struct file_ref;

/*
 * Resolve path and take a reference. flags are MM_O_* (uapi.h): the access
 * mode is checked against the file's permission bits (root bypasses them as
 * Linux does, except that a directory cannot be opened for writing:
 * -EISDIR); MM_O_CREAT creates a missing regular file (0644), MM_O_TRUNC
 * truncates. Errors: -ENOENT, -ENOTDIR, -EISDIR, -EACCES (escape attempt or
 * no backing directory), -ENAMETOOLONG, -ELOOP, -EINVAL (empty path).
 * Expects m->lock held. why (may be NULL) gets a short reason.
 */
int file_open(struct machine *m, const char *path, int flags, struct file_ref **out,
	      char *why, size_t whylen);
/* file_open creating a missing file with mode (before the umask, 022) instead of 0644. */
int file_open_mode(struct machine *m, const char *path, int flags, unsigned mode,
		   struct file_ref **out, char *why, size_t whylen);

/*
 * openat2 of rel (relative to the simulated root) in the file system:
 * beneath backing=DIR, or over both layers with lower=DIR (file_lower.c),
 * where a write open of a lower file copies it up only when copyup (else
 * -EROFS). An fd or -errno. Expects m->lock held.
 */
int file_host_open(struct machine *m, const char *rel, int flags, mode_t mode, int copyup);

/* A copy-up moved the host file of an inode: find it by its new identity. */
void file_table_rekey(struct machine *m, uint64_t old_dev, uint64_t old_ino,
		      uint64_t new_dev, uint64_t new_ino);

/* Current size in bytes of the file behind f (stat of the backing file). */
uint64_t file_size(struct machine *m, struct file_ref *f);

/*
 * Make sure a regular file of at least size bytes exists at path (creating
 * directories and a sparse file as needed): exec uses it for the program,
 * libc and ld.so. Returns 0 or -errno. No-op without a backing directory.
 */
int file_ensure(struct machine *m, const char *path, uint64_t size);

/*
 * The absolute form of path as the inode table stores it ("a//b/../c" ->
 * "/a/c"): what lookup would name. 0, -EINVAL (empty), -ENAMETOOLONG.
 */
int file_path_normalise(const char *path, char *abs, size_t len);

/*
 * About to change what backing=DIR holds at path (absolute, simulated
 * root): tell mm_set_backing_hook's listener. Unlinked files are skipped.
 */
void backing_will_change(struct machine *m, const char *path);

/*
 * Every inode of the table, in the order the model first met them (their
 * ino order). Walks over all files (drop_caches, sync, writeback, check,
 * rename) take this order and never the hash table's, which follows the
 * host's inode numbers: those differ from run to run, and the order pages
 * are freed in decides which frames the next allocations get.
 */
#define for_each_inode(m, f) \
	for (struct file_ref *f = (m)->files_first; f; f = f->table_next)

/* Release the inode table at shutdown (every VMA must be gone). */
void file_table_free(struct machine *m);

#endif
