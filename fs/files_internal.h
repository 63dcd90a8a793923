/* SPDX-License-Identifier: MIT */
/*
 * files_internal.h - what files.c (names, attributes, symlinks),
 * files_inode.c (the inode table) and files_io.c (open files and
 * directories) share. Include after <fuse_lowlevel.h>.
 */
#ifndef FS_FILES_INTERNAL_H
#define FS_FILES_INTERNAL_H

#include <stdint.h>
#include <sys/stat.h>

#define FILES_ALIEN_INO	(1ULL << 47)
#define FILES_TIMEOUT	1.0		/* entry and attr cache, seconds */

/* One inode below files/ (or files/ itself: files_root). */
struct fnode {
	uint64_t nodeid;
	dev_t dev;			/* host identity */
	ino_t ino;
	uint64_t st_ino;		/* what stat shows */
	int fd;				/* O_PATH */
	uint64_t nlookup;		/* the kernel's references */
	int lower;			/* fd is in lower=DIR (read-only: copy up to write) */
	struct fnode *id_next, *host_next, *model_next;
};


/* One open regular file (fi->fh). */
struct ffile {
	int fd;				/* the host file: attributes only */
	int append;			/* O_APPEND: writes go to the model's end */
};

static inline int ffile_fd(const struct fuse_file_info *fi)
{
	return ((const struct ffile *)(uintptr_t)fi->fh)->fd;
}

/* files/ itself: the tree's inode, backing=DIR's descriptor. */
extern struct fnode files_root;

/*
 * The node of ino, or NULL. The kernel sends no FORGET for an inode while
 * a request on it is in flight, so the node outlives the request.
 */
struct fnode *node_get(uint64_t ino);
/* Drop nlookup kernel references; the last one frees the node. */
void node_forget(uint64_t ino, uint64_t nlookup);
/* "/proc/self/fd/N": reopens exactly the file an O_PATH descriptor holds. */
void fd_path(int fd, char buf[static 64]);
/* n's path below backing=DIR, no leading '/' ("" for files/); -ENOENT if unlinked. */
int node_relpath(const struct fnode *n, char *buf, size_t len);
/* The model's name of n: "/" + its relpath ("/" for files/); as node_relpath. */
int node_mpath(const struct fnode *n, char *buf, size_t len);
/* The model's name of name in dir ("/rel/name"); as node_relpath. */
int child_mpath(const struct fnode *dir, const char *name, char *buf, size_t len);
/* The st_ino users see for the host file st, named name in directory dir. */
uint64_t model_ino(const struct fnode *dir, const char *name, const struct stat *st);
/* The st_ino of a host file we have a node for, else 0. */
uint64_t known_ino(const struct stat *st);
/* The host's attributes of n, with its st_ino. 0 or -errno. */
int node_stat(const struct fnode *n, struct stat *st);
/* A name the host may resolve only inside its directory: one component. */
int name_ok(const char *name);
/* Look name up in dir and take a kernel reference: every entry reply. */
int do_lookup(struct fnode *dir, const char *name, struct fuse_entry_param *e);

/*
 * Before anything writes to n's host file (an open for writing, setattr):
 * a node of lower=DIR is copied up into backing=DIR and becomes that file.
 * 0 or -errno.
 */
int node_upper(struct fnode *n);
/* The same for the node of name in dir, if the kernel holds one (rename's source). */
int node_upper_name(struct fnode *dir, const char *name);

/* files_io.c */
void files_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void files_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		   struct fuse_file_info *fi);
void files_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void files_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void files_create(fuse_req_t req, fuse_ino_t parent, const char *name,
		  mode_t mode, struct fuse_file_info *fi);
void files_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		struct fuse_file_info *fi);
void files_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size,
		 off_t off, struct fuse_file_info *fi);
void files_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void files_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void files_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi);

#endif
