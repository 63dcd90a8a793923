/* SPDX-License-Identifier: MIT */
/*
 * fuse_ops.c - the FUSE low-level operations: tree.c's nodes as files.
 *
 * Every handler sends exactly one fuse_reply_* (forget-like requests none).
 * Text files are direct_io with st_size 0: a read at offset 0 renders a
 * fresh snapshot into the open file's buffer and later offsets slice it, so
 * one `cat` sees one state and lseek(0)+read sees the present. Binary
 * files (pagemap, mem, kpageflags, kpagecount) have no snapshot: every
 * request computes its own range (tree_pread). Control files are streams
 * (ctlfile.c). Snapshots are taken before any lock of
 * ours is held. Inodes of files/ go to files.c (files_ops), which also
 * answers the namespace operations (create, mkdir, rename...) everywhere.
 */
#define FUSE_USE_VERSION 314
#include <errno.h>
#include <fcntl.h>
#include <fuse_lowlevel.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

#include "ctlfile.h"
#include "files.h"
#include "mmfs.h"
#include "taskstream.h"
#include "tracefs.h"
#include "tree.h"
#include "view.h"

/* One open file (fi->fh). */
struct ofile {
	struct tree_ref ref;
	pthread_mutex_t lock;	/* protects text and filled */
	struct rbuf text;	/* the rendering reads slice */
	int filled;		/* text holds a rendering */
	struct ctlfile *cf;	/* control files only */
	struct tstream *ts;	/* maps and smaps (NK_TASK_STREAM): the reader's snapshot */
	int flush_runs_line;	/* write-only control file, see mmfs_flush */
	int nonblock;		/* opened O_NONBLOCK: trace_pipe does not wait */
	struct fuse_pollhandle *ph;	/* trace_pipe: the poll waiting to be woken; under poll_lock */
	struct ofile *prev, *next;	/* the open files (ofiles), under ofiles_lock */
};

/*
 * Every ofile not released yet. The kernel sends RELEASE in the background
 * after the last close; an unmount aborts the connection, and with it the
 * background requests not yet read, so a file closed just before it may
 * never be released here: mmfs_destroy releases what is left.
 */
static struct ofile *ofiles;
static pthread_mutex_t ofiles_lock = PTHREAD_MUTEX_INITIALIZER;

/* Guards every ofile's ph (the tracefs poll thread fires them). */
static pthread_mutex_t poll_lock = PTHREAD_MUTEX_INITIALIZER;

/* One open directory (fi->fh): its listing, taken at opendir. */
struct odir {
	struct tree_dirent *ents;
	size_t n;
};

#define CTL_READ_MAX	(1u << 20)

/* The connection's max_write: how the kernel cuts large writes (ctlfile.h). */
static size_t max_write;

static void mmfs_init(void *userdata, struct fuse_conn_info *conn)
{
	max_write = conn->max_write;
	if (conn->capable & FUSE_CAP_ATOMIC_O_TRUNC)
		conn->want |= FUSE_CAP_ATOMIC_O_TRUNC;
	if (files_init())
		fprintf(stderr, "mmfs: backing=%s: files/ cannot open it\n", mmfs.backing);
}

static void ofile_put(struct ofile *of);

static void mmfs_destroy(void *userdata)
{
	tracefs_stop();		/* trace_pipe readers still waiting give up */
	/* the files whose RELEASE the unmount aborted: released as it would have */
	pthread_mutex_lock(&ofiles_lock);
	while (ofiles) {
		struct ofile *of = ofiles;

		pthread_mutex_unlock(&ofiles_lock);
		ofile_put(of);
		pthread_mutex_lock(&ofiles_lock);
	}
	pthread_mutex_unlock(&ofiles_lock);
	files_exit();
}

static void fill_entry(const struct tree_ref *ref, struct fuse_entry_param *e)
{
	memset(e, 0, sizeof(*e));
	e->ino = ref->ino;
	e->generation = ref->gen;
	tree_stat(ref, &e->attr);
	e->attr_timeout = e->entry_timeout = tree_timeout(ref);
}

static void mmfs_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fuse_entry_param e;
	struct tree_ref ref;
	int err;

	if (files_owns(parent)) {
		files_ops.lookup(req, parent, name);
		return;
	}
	err = tree_lookup(parent, name, fuse_req_ctx(req)->pid, &ref);
	if (!err && ref.node->kind == NK_FILES) {
		files_lookup_root(req);
		return;
	}
	if (err) {
		fuse_reply_err(req, -err);
		return;
	}
	fill_entry(&ref, &e);
	fuse_reply_entry(req, &e);
}

static void mmfs_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	if (files_owns(ino)) {
		files_ops.getattr(req, ino, fi);
		return;
	}

	struct tree_ref ref;
	struct stat st;
	int err = tree_resolve(ino, &ref, 0);	/* fstat of a dead task works */

	if (err) {
		fuse_reply_err(req, -err);
		return;
	}
	tree_stat(&ref, &st);
	fuse_reply_attr(req, &st, tree_timeout(&ref));
}

/*
 * Only truncation is accepted (shells open with O_TRUNC to write a control
 * file or a tunable) and it changes nothing; ownership and modes are fixed.
 */
static void mmfs_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
			 int to_set, struct fuse_file_info *fi)
{
	if (files_owns(ino)) {
		files_ops.setattr(req, ino, attr, to_set, fi);
		return;
	}

	struct tree_ref ref;
	struct stat st;
	int err = tree_resolve(ino, &ref, 1);

	if (!err && (to_set & (FUSE_SET_ATTR_MODE | FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)))
		err = -EPERM;
	if (!err && (to_set & FUSE_SET_ATTR_SIZE)) {
		if (S_ISDIR(ref.node->mode))
			err = -EISDIR;
		else if (!tree_writable(&ref))
			err = -EACCES;
	}
	if (err) {
		fuse_reply_err(req, -err);
		return;
	}
	tree_stat(&ref, &st);
	fuse_reply_attr(req, &st, tree_timeout(&ref));
}

/* ---- directories ---- */

static void mmfs_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	if (files_owns(ino)) {
		files_ops.opendir(req, ino, fi);
		return;
	}

	struct tree_ref ref;
	struct odir *d;
	int err = tree_resolve(ino, &ref, 1);

	if (!err && !S_ISDIR(ref.node->mode))
		err = -ENOTDIR;
	d = err ? NULL : calloc(1, sizeof(*d));
	if (!err && !d)
		err = -ENOMEM;
	if (!err)
		err = tree_list(&ref, &d->ents, &d->n);
	if (err) {
		free(d);
		fuse_reply_err(req, -err);
		return;
	}
	fi->fh = (uintptr_t)d;
	fuse_reply_open(req, fi);
}

static void mmfs_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
			 struct fuse_file_info *fi)
{
	if (files_owns(ino)) {
		files_ops.readdir(req, ino, size, off, fi);
		return;
	}

	struct odir *d = (struct odir *)(uintptr_t)fi->fh;
	char *buf = malloc(size ? size : 1);
	size_t pos = 0;

	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	for (size_t i = off > 0 ? (size_t)off : 0; i < d->n; i++) {
		struct stat st = { .st_ino = d->ents[i].ino, .st_mode = d->ents[i].mode };
		size_t need = fuse_add_direntry(req, buf + pos, size - pos,
						d->ents[i].name, &st, (off_t)i + 1);

		if (need > size - pos)
			break;
		pos += need;
	}
	fuse_reply_buf(req, buf, pos);
	free(buf);
}

static void mmfs_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	if (files_owns(ino)) {
		files_ops.releasedir(req, ino, fi);
		return;
	}

	struct odir *d = (struct odir *)(uintptr_t)fi->fh;

	free(d->ents);
	free(d);
	fuse_reply_err(req, 0);
}

/* ---- files ---- */

static int open_check(const struct tree_ref *ref, int flags)
{
	int acc = flags & O_ACCMODE;

	if (S_ISDIR(ref->node->mode))
		return -EISDIR;
	if (acc != O_RDONLY && !tree_writable(ref))
		return -EACCES;
	if (acc != O_WRONLY && !(ref->node->mode & 0444))
		return -EACCES;		/* drop_caches: write-only even for root */
	return 0;
}

static int is_trace_pipe(const struct tree_ref *ref)
{
	return ref->node->kind == NK_TRACEFS && TFS_KIND(ref->node->arg) == TFS_TRACE_PIPE;
}

static void mmfs_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	if (files_owns(ino)) {
		files_ops.open(req, ino, fi);
		return;
	}

	struct ofile *of = NULL;
	struct tree_ref ref;
	int err = tree_resolve(ino, &ref, 1);

	if (!err)
		err = open_check(&ref, fi->flags);
	if (!err && !(of = calloc(1, sizeof(*of))))
		err = -ENOMEM;
	if (!err && ref.node->kind == NK_CTL &&
	    !(of->cf = ctlfile_new(mmfs.m, ref.pid, (fi->flags & O_ACCMODE) != O_WRONLY)))
		err = -ENOMEM;
	/* tracefs: opening trace with O_TRUNC clears it, set_event disables all (tracing_open) */
	if (!err && ref.node->kind == NK_TRACEFS && (fi->flags & O_TRUNC) &&
	    (fi->flags & O_ACCMODE) != O_RDONLY)
		err = tracefs_truncate(mmfs.m, ref.node->arg);
	if (err) {
		free(of);
		fuse_reply_err(req, -err);
		return;
	}
	of->ref = ref;
	pthread_mutex_init(&of->lock, NULL);
	rbuf_init(&of->text);
	if (ref.node->kind == NK_VIEW) {	/* a picture: the bytes st_size promised */
		err = view_open(&ref, &of->text);
		if (err) {
			rbuf_free(&of->text);
			pthread_mutex_destroy(&of->lock);
			free(of);
			fuse_reply_err(req, -err);
			return;
		}
		of->filled = 1;
	}
	pthread_mutex_lock(&ofiles_lock);
	of->next = ofiles;
	if (ofiles)
		ofiles->prev = of;
	ofiles = of;
	pthread_mutex_unlock(&ofiles_lock);
	fi->fh = (uintptr_t)of;
	fi->direct_io = 1;
	fi->nonseekable = of->cf != NULL || is_trace_pipe(&ref);
	of->nonblock = (fi->flags & O_NONBLOCK) != 0;
	of->flush_runs_line = (fi->flags & O_ACCMODE) == O_WRONLY;
	fuse_reply_open(req, fi);
}

static void read_ctl(fuse_req_t req, struct ofile *of, size_t size)
{
	char *buf;
	size_t n;

	if (size > CTL_READ_MAX)
		size = CTL_READ_MAX;
	buf = malloc(size ? size : 1);
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	n = ctlfile_read(of->cf, buf, size);
	fuse_reply_buf(req, buf, n);
	free(buf);
}

/*
 * A private copy of [off, off+size) of text: the reply is sent without our
 * lock, and a release racing with it (the reader may close as soon as the
 * kernel has the data) cannot free what is being sent.
 */
static char *slice_copy(const struct rbuf *text, off_t off, size_t size, size_t *n)
{
	char *p;

	*n = 0;
	if (off < 0 || (size_t)off >= text->len)
		return NULL;
	*n = text->len - (size_t)off < size ? text->len - (size_t)off : size;
	p = malloc(*n);
	if (p)
		memcpy(p, text->buf + off, *n);
	return p;
}

/* A binary file (tree_pread): each request computes its own range, no snapshot. */
static void read_binary(fuse_req_t req, struct ofile *of, size_t size, off_t off)
{
	char *buf = malloc(size ? size : 1);
	ssize_t n = buf ? tree_pread(&of->ref, buf, size, (uint64_t)off) : -ENOMEM;

	if (n < 0)
		fuse_reply_err(req, (int)-n);
	else
		fuse_reply_buf(req, buf, (size_t)n);
	free(buf);
}

/*
 * maps and smaps: a read at offset 0 takes a new snapshot, later reads
 * print from it just what they cover (taskstream.h).
 */
static void read_stream(fuse_req_t req, struct ofile *of, size_t size, off_t off)
{
	char *buf = malloc(size ? size : 1);
	size_t n = 0;
	int err = buf ? 0 : -ENOMEM;

	pthread_mutex_lock(&of->lock);
	if (!err && (off == 0 || !of->ts)) {
		struct tstream *ts = tree_stream(&of->ref, &err);

		if (ts) {
			tstream_free(of->ts);
			of->ts = ts;
		}
	}
	if (!err && off >= 0)
		n = tstream_read(of->ts, buf, size, (uint64_t)off);
	pthread_mutex_unlock(&of->lock);
	if (err)
		fuse_reply_err(req, -err);
	else
		fuse_reply_buf(req, buf, n);
	free(buf);
}

/* trace_pipe's read: the interrupt that ends its wait (fuse_req_interrupt_func) */
static void pipe_interrupted(fuse_req_t req, void *data)
{
	(void)req;
	*(volatile int *)data = 1;
	tracefs_pipe_wake();
}

static int pipe_reply(void *arg, const char *buf, size_t len)
{
	return fuse_reply_buf((fuse_req_t)arg, buf, len);
}

/*
 * trace_pipe: waits for events, consumes what it returns. The reply is
 * sent inside tracefs_pipe_read, and only a delivered reply consumes.
 */
static void read_trace_pipe(fuse_req_t req, struct ofile *of, size_t size)
{
	int interrupted = 0, err;

	fuse_req_interrupt_func(req, pipe_interrupted, &interrupted);
	err = tracefs_pipe_read(mmfs.m, size, of->nonblock, &interrupted, pipe_reply, req);
	if (err)
		fuse_reply_err(req, -err);
}

static void mmfs_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		      struct fuse_file_info *fi)
{
	if (files_owns(ino)) {
		files_ops.read(req, ino, size, off, fi);
		return;
	}

	struct ofile *of = (struct ofile *)(uintptr_t)fi->fh;
	struct rbuf fresh;
	char *slice;
	size_t n;
	int err, filled;

	if (of->cf) {
		read_ctl(req, of, size);
		return;
	}
	if (of->ref.node->kind == NK_BINARY) {
		read_binary(req, of, size, off);
		return;
	}
	if (of->ref.node->kind == NK_TASK_STREAM) {
		read_stream(req, of, size, off);
		return;
	}
	if (is_trace_pipe(&of->ref)) {
		read_trace_pipe(req, of, size);
		return;
	}
	pthread_mutex_lock(&of->lock);
	filled = of->filled;
	pthread_mutex_unlock(&of->lock);
	if ((off == 0 && of->ref.node->kind != NK_VIEW) || !filled) {
		rbuf_init(&fresh);
		err = tree_render(&of->ref, &fresh);
		if (err) {
			rbuf_free(&fresh);
			fuse_reply_err(req, -err);
			return;
		}
		pthread_mutex_lock(&of->lock);
		rbuf_free(&of->text);
		of->text = fresh;
		of->filled = 1;
		pthread_mutex_unlock(&of->lock);
	}
	pthread_mutex_lock(&of->lock);
	slice = slice_copy(&of->text, off, size, &n);
	pthread_mutex_unlock(&of->lock);
	if (n && !slice)
		fuse_reply_err(req, ENOMEM);
	else
		fuse_reply_buf(req, slice, n);
	free(slice);
}

static void mmfs_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size,
		       off_t off, struct fuse_file_info *fi)
{
	if (files_owns(ino)) {
		files_ops.write(req, ino, buf, size, off, fi);
		return;
	}

	struct ofile *of = (struct ofile *)(uintptr_t)fi->fh;
	ssize_t ret;

	if (of->cf) {
		struct ctl_wsrc src = { (uint64_t)off, (uint32_t)fuse_req_ctx(req)->pid, max_write };

		ret = ctlfile_write(of->cf, buf, size, &src);
	}
	else if (of->ref.node->kind == NK_BINARY)
		ret = tree_pwrite(&of->ref, buf, size, (uint64_t)off);
	else
		ret = tree_write(&of->ref, buf, size) ?: (ssize_t)size;
	if (ret < 0)
		fuse_reply_err(req, (int)-ret);
	else
		fuse_reply_write(req, (size_t)ret);
}

/*
 * The kernel sends FLUSH on every close(2) of every descriptor of an open
 * file, RELEASE (asynchronously) after the last. A write-only control file
 * (`printf 'kill 5' > ctl`) runs its unterminated last line here, so close()
 * returns that command's error and the command has run when the shell moves
 * on. A read-write one (`exec 3<>ctl`) is a session that reads its replies:
 * bash's `printf 'spa' >&3` closes a dup of fd 3 after each write, so there
 * a partial line waits for its newline, or for the final release.
 */
static void mmfs_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	if (files_owns(ino)) {
		files_ops.flush(req, ino, fi);
		return;
	}

	struct ofile *of = (struct ofile *)(uintptr_t)fi->fh;
	int err = of->cf && of->flush_runs_line ? ctlfile_flush(of->cf) : 0;

	fuse_reply_err(req, -err);
}

static void mmfs_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	if (files_owns(ino)) {
		files_ops.release(req, ino, fi);
		return;
	}

	ofile_put((struct ofile *)(uintptr_t)fi->fh);
	fuse_reply_err(req, 0);
}

/* Release of: a control file's last partial line runs, then everything goes. */
static void ofile_put(struct ofile *of)
{
	pthread_mutex_lock(&ofiles_lock);
	if (of->prev)
		of->prev->next = of->next;
	else
		ofiles = of->next;
	if (of->next)
		of->next->prev = of->prev;
	pthread_mutex_unlock(&ofiles_lock);
	if (of->cf) {
		ctlfile_flush(of->cf);
		ctlfile_free(of->cf);
	}
	tstream_free(of->ts);
	if (is_trace_pipe(&of->ref)) {
		tracefs_poll_drop(of);
		pthread_mutex_lock(&poll_lock);
		if (of->ph)
			fuse_pollhandle_destroy(of->ph);
		pthread_mutex_unlock(&poll_lock);
	}
	rbuf_free(&of->text);
	pthread_mutex_destroy(&of->lock);
	free(of);
}

static void mmfs_statfs(fuse_req_t req, fuse_ino_t ino)
{
	if (files_owns(ino)) {
		files_ops.statfs(req, ino);
		return;
	}

	struct statvfs st;

	memset(&st, 0, sizeof(st));
	st.f_bsize = st.f_frsize = 4096;
	st.f_namemax = 255;
	fuse_reply_statfs(req, &st);
}

/* ---- files/ only: the tree has no such operations ---- */

static void mmfs_fsync(fuse_req_t req, fuse_ino_t ino, int datasync,
		       struct fuse_file_info *fi)
{
	if (files_owns(ino))
		files_ops.fsync(req, ino, datasync, fi);
	else
		fuse_reply_err(req, 0);	/* not ENOSYS: the kernel would stop asking files/ */
}

static void mmfs_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	files_ops.forget(req, ino, nlookup);
}

static void mmfs_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *f)
{
	files_ops.forget_multi(req, count, f);
}

static void mmfs_readlink(fuse_req_t req, fuse_ino_t ino)
{
	if (files_owns(ino)) {
		files_ops.readlink(req, ino);
		return;
	}

	char target[PATH_MAX];
	struct tree_ref ref;
	int err = tree_resolve(ino, &ref, 0);	/* a gone process: its links say ENOENT */

	if (!err)
		err = tree_readlink(&ref, target, sizeof(target));
	if (err)
		fuse_reply_err(req, -err);
	else
		fuse_reply_readlink(req, target);
}

static void mmfs_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
		       mode_t mode, dev_t rdev)
{
	files_ops.mknod(req, parent, name, mode, rdev);
}

static void mmfs_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
	files_ops.mkdir(req, parent, name, mode);
}

static void mmfs_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	files_ops.unlink(req, parent, name);
}

static void mmfs_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	files_ops.rmdir(req, parent, name);
}

static void mmfs_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
			 const char *name)
{
	files_ops.symlink(req, link, parent, name);
}

static void mmfs_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
			fuse_ino_t newparent, const char *newname, unsigned int flags)
{
	files_ops.rename(req, parent, name, newparent, newname, flags);
}

static void mmfs_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
		      const char *newname)
{
	files_ops.link(req, ino, newparent, newname);
}

static void mmfs_create(fuse_req_t req, fuse_ino_t parent, const char *name,
			mode_t mode, struct fuse_file_info *fi)
{
	files_ops.create(req, parent, name, mode, fi);
}

/* The tracefs poll thread: an entry arrived for the poll of this open file. */
static void poll_fire(void *arg)
{
	struct ofile *of = arg;
	struct fuse_pollhandle *ph;

	pthread_mutex_lock(&poll_lock);
	ph = of->ph;
	of->ph = NULL;
	pthread_mutex_unlock(&poll_lock);
	if (ph) {
		fuse_lowlevel_notify_poll(ph);
		fuse_pollhandle_destroy(ph);
	}
}

/*
 * poll/select: trace_pipe is readable when the ring holds an entry; a
 * waiting poll is notified when one arrives. Every other file is always
 * ready, as procfs's are.
 */
static void mmfs_poll(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi,
		      struct fuse_pollhandle *ph)
{
	struct ofile *of = (struct ofile *)(uintptr_t)fi->fh;
	unsigned revents = POLLIN | POLLRDNORM;

	if (files_owns(ino) || !of || !is_trace_pipe(&of->ref)) {
		if (ph)
			fuse_pollhandle_destroy(ph);
		fuse_reply_poll(req, revents | POLLOUT | POLLWRNORM);
		return;
	}
	if (ph) {
		pthread_mutex_lock(&poll_lock);
		if (of->ph)
			fuse_pollhandle_destroy(of->ph);
		of->ph = ph;
		pthread_mutex_unlock(&poll_lock);
		tracefs_poll_arm(poll_fire, of);
	}
	if (!tracefs_pipe_ready(mmfs.m))
		revents = 0;
	fuse_reply_poll(req, revents);
}

const struct fuse_lowlevel_ops mmfs_ops = {
	.init		= mmfs_init,
	.destroy	= mmfs_destroy,
	.forget		= mmfs_forget,
	.forget_multi	= mmfs_forget_multi,
	.readlink	= mmfs_readlink,
	.mknod		= mmfs_mknod,
	.mkdir		= mmfs_mkdir,
	.unlink		= mmfs_unlink,
	.rmdir		= mmfs_rmdir,
	.symlink	= mmfs_symlink,
	.rename		= mmfs_rename,
	.link		= mmfs_link,
	.create		= mmfs_create,
	.fsync		= mmfs_fsync,
	.lookup		= mmfs_lookup,
	.getattr	= mmfs_getattr,
	.setattr	= mmfs_setattr,
	.opendir	= mmfs_opendir,
	.readdir	= mmfs_readdir,
	.releasedir	= mmfs_releasedir,
	.open		= mmfs_open,
	.read		= mmfs_read,
	.write		= mmfs_write,
	.flush		= mmfs_flush,
	.release	= mmfs_release,
	.statfs		= mmfs_statfs,
	.poll		= mmfs_poll,
};
