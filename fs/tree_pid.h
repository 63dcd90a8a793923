/* SPDX-License-Identifier: MIT */
/*
 * tree_pid.h - proc/<pid>/ and everything below it, for tree.c.
 *
 * Every function fills or reads a struct tree_ref (tree.h) whose inode has
 * TREE_PID_INO set. Errors are -errno.
 */
#ifndef FS_TREE_PID_H
#define FS_TREE_PID_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "tree.h"

/* The inode of proc/<pid>/ (a listing of proc/ names it). */
/* A decimal name without sign or leading zero ("0" itself when zero_ok), at most max; -1 otherwise. */
long tree_parse_num(const char *name, int zero_ok, long max);
uint64_t pid_dir_ino(int pid);
/* Resolve an inode with TREE_PID_INO set; need_alive as tree_resolve. */
int pid_resolve(uint64_t ino, struct tree_ref *ref, int need_alive);
/*
 * proc/<name>: a live simulated pid, or else the reader's own host pid
 * (another name for self). -ENOENT otherwise.
 */
int pid_lookup_proc(const char *name, pid_t reader, struct tree_ref *ref);
/* name in a directory under proc/<pid>/. */
int pid_lookup(const struct tree_ref *dir, const char *name, struct tree_ref *ref);
/*
 * The entries of a directory under proc/<pid>/ after "." and "..", appended
 * to d[*k] onward (room for NR_PID_ROWS entries is there); fd/ and fdinfo/
 * reallocate *d as they need. 0 or -errno.
 */
int pid_list(const struct tree_ref *dir, struct tree_dirent **d, size_t *k);
/* The inode ".." names for a directory under proc/<pid>/. */
uint64_t pid_parent_ino(const struct tree_ref *dir);
/* Attributes that depend on the process: an fd link's mode and size. */
void pid_stat(const struct tree_ref *ref, struct stat *st);
/* The target of a link under proc/<pid>/. */
int pid_readlink(const struct tree_ref *ref, char *buf, size_t size);
/* fdinfo/<n>, rendered. */
int pid_render_fdinfo(const struct tree_ref *ref, struct rbuf *out);

/* Rows of proc/<pid>/, an upper bound of any listing's entries but fd/'s. */
extern const size_t NR_PID_ROWS;

#endif
