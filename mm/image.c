// SPDX-License-Identifier: MIT
/*
 * image.c - the machine's whole state, saved and mapped back (checkpoint
 * and restore of a journal, fs/journal.c).
 *
 * Everything the model keeps lives in three regions (arena.h): the arena
 * (the machine and every object), the struct page array and the frames.
 * An image is those regions' written extents, found with SEEK_DATA in
 * their memfds, plus the bytes of files that are still open but have no
 * name (the host descriptor that kept them reachable dies with the
 * process). Loading maps each region back at the address it had, so every
 * pointer in it is valid again; only what belonged to the old process is
 * redone: locks, host descriptors, the listeners the daemon registers.
 *
 * An image only fits the build that wrote it (struct layouts, addresses
 * of nothing but the regions): it carries a hash of the executable, and a
 * different build refuses it.
 *
 * The swap devices' stores (swap.h: store_fd, the bytes of swapped pages
 * that hold data) are host memfds too: their written extents go in the
 * image like a region's.
 *
 * Layout (all integers little-endian u64):
 *   "mmfs image 2\0\0\0\0"  build-hash  machine-address  nr-regions  nr-files
 *   nr-swap-devices
 *   per region:  address  size  nr-extents  (offset length) * nr-extents
 *   per file:    inode-address  size
 *   per device:  type  nr-extents  (offset length) * nr-extents
 *   then the bytes of every extent, region by region, then of every file,
 *   then of every device's extents.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "arena.h"
#include "file.h"
#include "swap.h"
#include "vma.h"

#define IMAGE_MAGIC	"mmfs image 2\0\0\0"	/* 16 bytes with its NUL */
#define NR_REGIONS	3

/* FNV-1a over the running executable: the build this image belongs to. */
static uint64_t build_hash(void)
{
	static uint64_t cached;
	char buf[65536];
	uint64_t h = 0xcbf29ce484222325ULL;
	ssize_t n;
	int fd;

	if (cached)
		return cached;
	fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i++)
			h = (h ^ (uint8_t)buf[i]) * 0x100000001b3ULL;
	close(fd);
	cached = h ? h : 1;
	return cached;
}

struct extent {
	uint64_t off, len;
};

/* The written extents of a memfd. */
static int fd_extents(int fd, struct extent **out, uint64_t *n)
{
	struct extent *v = NULL;
	uint64_t cap = 0;
	off_t off = 0;

	*n = 0;
	for (;;) {
		off_t data = lseek(fd, off, SEEK_DATA), hole;

		if (data < 0) {
			if (errno == ENXIO)
				break;
			free(v);
			return -errno;
		}
		hole = lseek(fd, data, SEEK_HOLE);
		if (hole < 0) {
			free(v);
			return -errno;
		}
		if (*n == cap) {
			struct extent *p = realloc(v, (cap = cap ? 2 * cap : 64) * sizeof(*p));

			if (!p) {
				free(v);
				return -ENOMEM;
			}
			v = p;
		}
		v[(*n)++] = (struct extent){ (uint64_t)data, (uint64_t)(hole - data) };
		off = hole;
	}
	*out = v;
	return 0;
}

static int extents_of(const struct region *r, struct extent **out, uint64_t *n)
{
	return fd_extents(r->fd, out, n);
}

static int put64(image_write_fn fn, void *arg, uint64_t v)
{
	uint8_t b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	return fn(arg, b, 8);
}

/* Inodes with no name that the model still reads and writes through a descriptor. */
static int nameless(const struct file_ref *f)
{
	static const char sfx[] = " (deleted)";
	size_t n = strlen(f->path);

	return f->host_fd >= 0 && n >= sizeof(sfx) - 1 && !strcmp(f->path + n - sizeof(sfx) + 1, sfx);
}

static int copy_extent(int fd, const struct extent *e, image_write_fn fn, void *arg)
{
	static __thread char buf[1 << 20];
	uint64_t done = 0;
	int err = 0;

	while (!err && done < e->len) {
		size_t want = e->len - done < sizeof(buf) ? (size_t)(e->len - done) : sizeof(buf);
		ssize_t k = pread(fd, buf, want, (off_t)(e->off + done));

		if (k <= 0)
			return k < 0 ? -errno : -EIO;
		err = fn(arg, buf, (size_t)k);
		done += (uint64_t)k;
	}
	return err;
}

int mm_image_save(struct machine *m, image_write_fn fn, void *arg, char *why, size_t whylen)
{
	const struct region *regions[NR_REGIONS] = {
		arena_region(m->arena), &m->mem_map_region, &m->frames_region };
	struct extent *ext[NR_REGIONS] = { 0 }, *sext[MAX_SWAPFILES] = { 0 };
	uint64_t next[NR_REGIONS] = { 0 }, snext[MAX_SWAPFILES] = { 0 }, nfiles = 0, nswap = 0;
	int err = 0;

	machine_lock(m);
	for (int t = 0; t < MAX_SWAPFILES && !err; t++)
		if (m->swap_info[t]) {
			nswap++;
			err = fd_extents(m->swap_info[t]->store_fd, &sext[t], &snext[t]);
		}
	for (int i = 0; i < FILE_TABLE_BUCKETS; i++)
		for (struct file_ref *f = m->file_table[i]; f; f = f->hash_next)
			nfiles += nameless(f);
	for (int r = 0; r < NR_REGIONS && !err; r++)
		err = err ?: extents_of(regions[r], &ext[r], &next[r]);
	if (err) {
		snprintf(why, whylen, "cannot list the model's memory: %s", strerror(-err));
		goto out;
	}
	err = fn(arg, IMAGE_MAGIC, 16) ?: put64(fn, arg, build_hash()) ?:
	      put64(fn, arg, (uint64_t)(uintptr_t)m) ?: put64(fn, arg, NR_REGIONS) ?:
	      put64(fn, arg, nfiles) ?: put64(fn, arg, nswap);
	for (int r = 0; r < NR_REGIONS && !err; r++) {
		err = put64(fn, arg, (uint64_t)(uintptr_t)regions[r]->addr) ?:
		      put64(fn, arg, regions[r]->size) ?: put64(fn, arg, next[r]);
		for (uint64_t e = 0; e < next[r] && !err; e++)
			err = put64(fn, arg, ext[r][e].off) ?: put64(fn, arg, ext[r][e].len);
	}
	for (int i = 0; i < FILE_TABLE_BUCKETS && !err; i++)
		for (struct file_ref *f = m->file_table[i]; f && !err; f = f->hash_next) {
			struct stat st;

			if (!nameless(f))
				continue;
			err = fstat(f->host_fd, &st) ? -errno : 0;
			if (!err)
				err = put64(fn, arg, (uint64_t)(uintptr_t)f) ?:
				      put64(fn, arg, (uint64_t)st.st_size);
		}
	for (int t = 0; t < MAX_SWAPFILES && !err; t++) {
		if (!m->swap_info[t])
			continue;
		err = put64(fn, arg, (uint64_t)t) ?: put64(fn, arg, snext[t]);
		for (uint64_t e = 0; e < snext[t] && !err; e++)
			err = put64(fn, arg, sext[t][e].off) ?: put64(fn, arg, sext[t][e].len);
	}
	/* through the memfds, not the mappings: freed objects there are poisoned under ASan */
	for (int r = 0; r < NR_REGIONS && !err; r++)
		for (uint64_t e = 0; e < next[r] && !err; e++)
			err = copy_extent(regions[r]->fd, &ext[r][e], fn, arg);
	for (int i = 0; i < FILE_TABLE_BUCKETS && !err; i++)
		for (struct file_ref *f = m->file_table[i]; f && !err; f = f->hash_next) {
			char buf[65536];
			struct stat st;
			off_t at = 0;
			ssize_t k;

			if (!nameless(f) || fstat(f->host_fd, &st))
				continue;
			while (!err && at < st.st_size) {
				size_t want = (size_t)(st.st_size - at) < sizeof(buf)
					      ? (size_t)(st.st_size - at) : sizeof(buf);

				k = pread(f->host_fd, buf, want, at);
				if (k <= 0)	/* shrank under us: pad, the size is written */
					memset(buf, 0, k = (ssize_t)want);
				err = fn(arg, buf, (size_t)k);
				at += k;
			}
		}
	for (int t = 0; t < MAX_SWAPFILES && !err; t++)
		for (uint64_t e = 0; m->swap_info[t] && e < snext[t] && !err; e++)
			err = copy_extent(m->swap_info[t]->store_fd, &sext[t][e], fn, arg);
	if (err)
		snprintf(why, whylen, "cannot write the image: %s", strerror(-err));
out:
	machine_unlock(m);
	for (int r = 0; r < NR_REGIONS; r++)
		free(ext[r]);
	for (int t = 0; t < MAX_SWAPFILES; t++)
		free(sext[t]);
	return err;
}

/* ---- loading ---- */

struct cursor {
	const uint8_t *p, *end;
	int bad;
};

static uint64_t get64(struct cursor *c)
{
	uint64_t v = 0;

	if (c->end - c->p < 8) {
		c->bad = 1;
		return 0;
	}
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)c->p[i] << (8 * i);
	c->p += 8;
	return v;
}

/* Step over n (u64, u64) pairs of the table, or mark the cursor bad. */
static void skip_pairs(struct cursor *c, uint64_t n)
{
	if (n > (uint64_t)(c->end - c->p) / 16)
		c->bad = 1;
	else
		c->p += n * 16;
}

/* What the old process owned, redone for this one. */
static void fixup(struct machine *m, struct region *regions)
{
	pthread_mutex_init(&m->lock, NULL);
	pthread_cond_init(&m->lock_cond, NULL);
	pthread_mutex_init(&m->turn_lock, NULL);
	pthread_cond_init(&m->turn_cond, NULL);
	m->lock_next = m->lock_serving = 0;
	m->turn_next = m->turn_serving = 0;
	m->locked = 0;
	m->arena = arena_adopt(&regions[0]);
	m->mem_map_region = regions[1];
	m->frames_region = regions[2];
	m->backing_fd = -1;
	m->lower_fd = -1;
	m->file_notify = NULL;
	m->file_notify_arg = NULL;
	m->backing_hook = NULL;
	m->backing_hook_arg = NULL;
	m->standin_hook = NULL;
	m->standin_hook_arg = NULL;
	m->trace_notify = NULL;		/* the new daemon's tracefs registers again */
	m->trace_notify_arg = NULL;
	m->trace_comm = NULL;		/* a host pointer; set only inside a command */
	for (int i = 0; i < FILE_TABLE_BUCKETS; i++)
		for (struct file_ref *f = m->file_table[i]; f; f = f->hash_next)
			f->host_fd = -1;	/* named files reopen by path; nameless ones below */
	for (int t = 0; t < MAX_SWAPFILES; t++)
		if (m->swap_info[t])
			m->swap_info[t]->store_fd = -1;	/* filled from the image below */
}

/* A swap device's store back from the image: its extents into a new memfd. */
static int load_swap_store(struct machine *m, struct cursor *t, const uint8_t **data,
			   const uint8_t *end)
{
	uint64_t type = get64(t), n = get64(t);
	struct swap_info_struct *si = type < MAX_SWAPFILES ? m->swap_info[type] : NULL;
	int fd;

	if (t->bad || !si || si->store_fd >= 0)
		return -EINVAL;
	fd = memfd_create("mmfs-swap", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, (off_t)(si->max * MM_PAGE_SIZE))) {
		if (fd >= 0)
			close(fd);
		return -ENOMEM;
	}
	si->store_fd = fd;
	for (uint64_t e = 0; e < n; e++) {
		uint64_t off = get64(t), len = get64(t);

		if (t->bad || len > (uint64_t)(end - *data) || off + len > si->max * MM_PAGE_SIZE ||
		    pwrite(fd, *data, len, (off_t)off) != (ssize_t)len)
			return -EINVAL;
		*data += len;
	}
	return 0;
}

struct machine *mm_image_load(const void *buf, size_t len, char *why, size_t whylen)
{
	struct cursor c = { buf, (const uint8_t *)buf + len, 0 };
	struct region regions[NR_REGIONS];
	const uint8_t *table;
	uint64_t nreg, nfiles, nswap, maddr;
	struct machine *m;
	int made = 0, err = 0;

	if (len < 16 || memcmp(buf, IMAGE_MAGIC, 16)) {
		snprintf(why, whylen, "not an mmfs image");
		return NULL;
	}
	c.p += 16;
	if (get64(&c) != build_hash()) {
		snprintf(why, whylen, "the checkpoint was written by another build of mmfs: "
			 "mount it with that build");
		return NULL;
	}
	maddr = get64(&c);
	nreg = get64(&c);
	nfiles = get64(&c);
	nswap = get64(&c);
	if (c.bad || nreg != NR_REGIONS || nswap > MAX_SWAPFILES) {
		snprintf(why, whylen, "a damaged image");
		return NULL;
	}
	table = c.p;
	/* first pass over the table: where the data starts */
	for (uint64_t r = 0; r < nreg && !c.bad; r++) {
		get64(&c);
		get64(&c);
		skip_pairs(&c, get64(&c));
	}
	skip_pairs(&c, nfiles);
	for (uint64_t d = 0; d < nswap && !c.bad; d++) {
		get64(&c);
		skip_pairs(&c, get64(&c));
	}
	if (c.bad) {
		snprintf(why, whylen, "a damaged image");
		return NULL;
	}
	{
		struct cursor t = { table, c.end, 0 };
		const uint8_t *data = c.p;
		static const char *const names[NR_REGIONS] = { "mmfs-arena", "mmfs-mem_map",
							       "mmfs-frames" };

		for (made = 0; made < NR_REGIONS && !err; made++) {
			uint64_t addr = get64(&t), size = get64(&t), n = get64(&t);

			err = region_reserve(&regions[made], addr, size, names[made]);
			if (err) {
				snprintf(why, whylen, "cannot map the model back at %#llx: %s",
					 (unsigned long long)addr, strerror(-err));
				break;
			}
			for (uint64_t e = 0; e < n && !err; e++) {
				uint64_t off = get64(&t), elen = get64(&t);

				if (elen > (uint64_t)(c.end - data) || off + elen > size ||
				    pwrite(regions[made].fd, data, elen, (off_t)off) != (ssize_t)elen) {
					snprintf(why, whylen, "a damaged image (region %d)", made);
					err = -EINVAL;
				}
				data += elen;
			}
		}
		if (err)
			goto fail;
		m = (struct machine *)(uintptr_t)maddr;
		fixup(m, regions);
		for (uint64_t i = 0; i < nfiles; i++) {
			struct file_ref *f = (struct file_ref *)(uintptr_t)get64(&t);
			uint64_t size = get64(&t);
			int fd = memfd_create("mmfs-unlinked", MFD_CLOEXEC);

			if (fd < 0 || size > (uint64_t)(c.end - data) ||
			    write(fd, data, size) != (ssize_t)size) {
				if (fd >= 0)
					close(fd);
				snprintf(why, whylen, "cannot bring back an unlinked file");
				mm_shutdown(m);
				return NULL;
			}
			f->host_fd = fd;	/* the bytes, out of every name's reach as before */
			data += size;
		}
		for (uint64_t d = 0; d < nswap; d++)
			if (load_swap_store(m, &t, &data, c.end)) {
				snprintf(why, whylen, "a damaged image (swap device %llu)",
					 (unsigned long long)d);
				mm_shutdown(m);
				return NULL;
			}
		for (int ty = 0; ty < MAX_SWAPFILES; ty++)
			if (m->swap_info[ty] && m->swap_info[ty]->store_fd < 0) {
				snprintf(why, whylen, "a damaged image (swap device %d has no store)", ty);
				mm_shutdown(m);
				return NULL;
			}
	}
	return m;
fail:
	while (made-- > 0)
		region_release(&regions[made]);
	return NULL;
}
