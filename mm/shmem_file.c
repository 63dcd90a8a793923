// SPDX-License-Identifier: MIT
/*
 * shmem_file.c - /dev/shm as a tmpfs: the files below files/dev/shm live in
 * the page cache alone (kernel: mm/shmem.c for tmpfs files, the tmpfs
 * mount on /dev/shm).
 *
 * A regular file below /dev/shm is a tmpfs inode (file_ref.tmpfs): its
 * page cache is a shmem object's, as a shared anonymous mapping's is. Its
 * pages are PG_swapbacked and counted in Shmem (and Cached), they sit on
 * the anon LRU lists, reclaim and MADV_PAGEOUT send them to swap
 * (shmem_writeout), drop_caches and writeback pass them by, and a write
 * marks them dirty without Dirty accounting (noop_dirty_folio). maps shows
 * them on the tmpfs's device, 00:1b.
 *
 * The namespace stays the host's: backing=DIR/dev/shm holds one host file
 * per tmpfs file, carrying its name, mode, times and size (a sparse file:
 * ftruncate, never a data write), so lookup, readdir, stat, rename and
 * unlink through files/ work unchanged and are journaled as before (stat's
 * st_blocks alone comes from here: mm_tmpfs_blocks). Those
 * stand-ins go at unmount and at mount (mm_tmpfs_clear: a tmpfs starts
 * empty), so nothing of a tmpfs file outlives the machine. A machine with
 * a journal outlives its mounts (the next mount replays it, or maps its
 * checkpoint back): the daemon keeps its stand-ins then, as its files'
 * pages are in the journal's commands or in the checkpoint's frames.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "mm.h"
#include "file.h"
#include "filemap.h"
#include "filemap_internal.h"
#include "page.h"
#include "shmem_file.h"
#include "vma.h"

#define DEVSHM "dev/shm"

int tmpfs_path(const char *rel)
{
	size_t n = sizeof(DEVSHM) - 1;

	return !strncmp(rel, DEVSHM, n) && rel[n] == '/' && rel[n + 1];
}

void tmpfs_inode_init(struct file_ref *inode)
{
	inode->tmpfs = TMPFS_INODE;
	inode->dev_major = DEVSHM_DEV_MAJOR;
	inode->dev_minor = DEVSHM_DEV_MINOR;
}

void shmem_mark_dirty(struct page *page)
{
	uint64_t first = folio_index(page), nr = folio_nr_pages(page);

	for (uint64_t i = first; i < first + nr; i++) {
		struct page *p = filemap_find_page(page->mapping, i);

		if (p)
			SetPageFlag(p, PG_dirty);
	}
}

/* Remove everything below the directory dfd (closed here), not following links. */
static void clear_dir(int dfd)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;

	if (!d) {
		close(dfd);
		return;
	}
	while ((de = readdir(d))) {
		int sub;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!unlinkat(dfd, de->d_name, 0))
			continue;
		sub = openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub >= 0) {
			clear_dir(sub);
			(void)unlinkat(dfd, de->d_name, AT_REMOVEDIR);
		}
	}
	closedir(d);
}

void tmpfs_clear(struct machine *m)
{
	int fd;

	if (m->backing_fd < 0)
		return;
	fd = openat(m->backing_fd, DEVSHM, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0)
		clear_dir(fd);
}

int mm_tmpfs_blocks(struct machine *m, uint64_t ino, uint64_t *blocks)
{
	int err = -ENOENT;

	machine_lock(m);
	for_each_inode(m, f)
		if (f->tmpfs && f->ino == ino) {
			struct address_space *as = f->mapping;

			*blocks = as ? (as->nrpages + shmem_swap_count(as, 0, UINT64_MAX)) *
				       (MM_PAGE_SIZE / 512) : 0;
			err = 0;
			break;
		}
	machine_unlock(m);
	return err;
}

void mm_tmpfs_clear(struct machine *m)
{
	if (!m)
		return;
	machine_lock(m);
	tmpfs_clear(m);
	machine_unlock(m);
}

struct file_ref **tmpfs_objects_add(struct machine *m, int on_swap, struct file_ref **v,
				    size_t *n, size_t *cap)
{
	for_each_inode(m, f)
		if (f->tmpfs && shmem_object_push(&v, n, cap, f, on_swap))
			break;
	return v;
}

void tmpfs_orphan(struct machine *m, struct file_ref *inode)
{
	if (inode->tmpfs != TMPFS_INODE)
		return;
	inode->tmpfs = TMPFS_ORPHAN;
	m->tmpfs_orphans++;
}

void tmpfs_evict_unused(struct machine *m)
{
	if (!m->tmpfs_orphans)
		return;
	for_each_inode(m, f)
		if (f->tmpfs == TMPFS_ORPHAN && !inode_in_use(m, f)) {
			filemap_release(f);	/* its pages, and its slots on swap */
			f->tmpfs = TMPFS_INODE;
			m->tmpfs_orphans--;
		}
}

#define CHECK_REPORT(...) do { if (bad++ < 16) rbl_printf(out, __VA_ARGS__); } while (0)

int tmpfs_check(struct machine *m, struct rbuf_lite *out)
{
	uint64_t orphans = 0;
	int bad = 0;

	for_each_inode(m, f) {
		if (!f->tmpfs)
			continue;
		if (f->dev_major != DEVSHM_DEV_MAJOR || f->dev_minor != DEVSHM_DEV_MINOR ||
		    f->shmem_size || f->is_dir)
			CHECK_REPORT("tmpfs inode %llu (%s) is not a tmpfs file\n",
				     (unsigned long long)f->ino, f->path);
		if (f->tmpfs == TMPFS_ORPHAN) {
			orphans++;
			if (f->host_dev != UINT64_MAX)
				CHECK_REPORT("tmpfs inode %llu (%s) is an orphan with a name\n",
					     (unsigned long long)f->ino, f->path);
		}
	}
	if (orphans != m->tmpfs_orphans)
		CHECK_REPORT("%llu unlinked tmpfs files are held, tmpfs_orphans says %llu\n",
			     (unsigned long long)orphans, (unsigned long long)m->tmpfs_orphans);
	return bad;
}
