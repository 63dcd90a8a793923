// SPDX-License-Identifier: MIT
/*
 * view.c - view/ in the tree: which picture a node is, the snapshot it is
 * drawn from, and st_size.
 *
 * A picture is rendered whole, from one snapshot (taken in one hold of the
 * model's lock), at stat and at open; an open file reads the bytes it was
 * opened with. A browser trusts st_size, so a stat renders the picture and
 * keeps the bytes for the next open of that node: a stat, open, read
 * sequence reads exactly the size it was promised, unless the model
 * changed in between (then the open has the newer picture, whole).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "mmfs.h"
#include "tree.h"
#include "view.h"

#define VIEW_SLOT_BITS	6

static const struct node view_pid_files[] = {
	{ .name = "address-space.svg", .parent = -1, .mode = S_IFREG | 0444, .kind = NK_VIEW,
	  .arg = VIEW_ASPACE },
	{ .name = "pagetable.svg", .parent = -1, .mode = S_IFREG | 0444, .kind = NK_VIEW,
	  .arg = VIEW_PAGETABLE },
	{ .name = "walk", .parent = -1, .mode = S_IFREG | 0644, .kind = NK_VIEW,
	  .arg = VIEW_WALK },
};
#define SLOT_PAGETABLE	2	/* view_pid_files[1] */
#define NR_VIEW_PID_FILES (sizeof(view_pid_files) / sizeof(view_pid_files[0]))

static const struct node view_pid_dir = {
	.name = "", .parent = -1, .mode = S_IFDIR | 0555, .kind = NK_VIEW_PID_DIR,
};

uint64_t view_pid_ino(int pid, unsigned slot)
{
	return TREE_VIEW_INO | ((uint64_t)pid << VIEW_SLOT_BITS) | slot;
}

static int pid_alive(int pid)
{
	struct mm_task_snap *t = mm_snap_task(mmfs.m, pid, 0);

	free(t);
	return t != NULL;
}

int view_resolve(uint64_t ino, struct tree_ref *ref, int need_alive)
{
	uint64_t v = ino & ~TREE_VIEW_INO;
	unsigned slot = (unsigned)(v & ((1u << VIEW_SLOT_BITS) - 1));
	uint64_t pid = v >> VIEW_SLOT_BITS;

	memset(ref, 0, sizeof(*ref));
	if (!pid || pid > INT32_MAX || slot > NR_VIEW_PID_FILES ||
	    (need_alive && !pid_alive((int)pid)))
		return -ENOENT;
	ref->ino = ino;
	ref->node = slot ? &view_pid_files[slot - 1] : &view_pid_dir;
	ref->pid = (int)pid;
	ref->gen = ctl_pid_generation((int)pid);
	return 0;
}

int view_lookup(const struct tree_ref *dir, const char *name, struct tree_ref *ref)
{
	for (unsigned i = 0; i < NR_VIEW_PID_FILES; i++)
		if (!strcmp(view_pid_files[i].name, name))
			return view_resolve(view_pid_ino(dir->pid, i + 1), ref, 1);
	return -ENOENT;
}

int view_list(const struct tree_ref *dir, struct tree_dirent **out, size_t *n)
{
	struct tree_dirent *d = calloc(2 + NR_VIEW_PID_FILES, sizeof(*d));
	struct tree_ref parent;
	size_t k = 0;

	if (!d)
		return -ENOMEM;
	if (tree_lookup(1, "view", 0, &parent))
		parent.ino = 1;
	snprintf(d[k].name, sizeof(d[k].name), ".");
	d[k].ino = dir->ino;
	d[k++].mode = S_IFDIR;
	snprintf(d[k].name, sizeof(d[k].name), "..");
	d[k].ino = parent.ino;
	d[k++].mode = S_IFDIR;
	for (unsigned i = 0; i < NR_VIEW_PID_FILES; i++, k++) {
		snprintf(d[k].name, sizeof(d[k].name), "%s", view_pid_files[i].name);
		d[k].ino = view_pid_ino(dir->pid, i + 1);
		d[k].mode = view_pid_files[i].mode;
	}
	*out = d;
	*n = k;
	return 0;
}

/*
 * A few remembered things keyed by inode: the walk of each process, the
 * last picture stat rendered. Full, the oldest is forgotten.
 */
struct ring_slot {
	uint64_t key, gen;	/* an inode, the pid's generation; key 0: free */
	uint64_t addr;		/* walks: the address */
	struct rbuf bytes;	/* pictures: the rendering */
};

/* The slot of key, or the next one to reuse (caller holds the ring's lock). */
static struct ring_slot *ring_get(struct ring_slot *ring, unsigned n, unsigned *next,
				  uint64_t key)
{
	struct ring_slot *s;

	for (unsigned i = 0; i < n; i++)
		if (ring[i].key == key)
			return &ring[i];
	s = &ring[*next];
	*next = (*next + 1) % n;
	rbuf_free(&s->bytes);
	s->key = key;
	return s;
}

/* ---- the address each process's pagetable.svg walks ---- */

#define WALK_SLOTS 64	/* processes whose walk was set */

static struct ring_slot walks[WALK_SLOTS];	/* key: view/PID's inode */
static unsigned walk_next;
static pthread_mutex_t walk_lock = PTHREAD_MUTEX_INITIALIZER;

/* The address set for ref's process, or ~0 (the first VMA's start). */
static uint64_t walk_addr(const struct tree_ref *ref)
{
	uint64_t addr = ~0ULL;

	pthread_mutex_lock(&walk_lock);
	for (unsigned i = 0; i < WALK_SLOTS; i++)
		if (walks[i].key == view_pid_ino(ref->pid, 0) && walks[i].gen == ref->gen)
			addr = walks[i].addr;
	pthread_mutex_unlock(&walk_lock);
	return addr;
}

static void cache_drop(uint64_t ino);

int view_write(const struct tree_ref *ref, const char *buf, size_t len)
{
	struct ring_slot *slot;
	uint64_t addr;

	if (ref->node->arg != VIEW_WALK)
		return -EIO;
	if (view_parse_addr(buf, len, &addr))
		return -EINVAL;
	if (ctl_pid_generation(ref->pid) != ref->gen)
		return -ESRCH;
	pthread_mutex_lock(&walk_lock);
	slot = ring_get(walks, WALK_SLOTS, &walk_next, view_pid_ino(ref->pid, 0));
	slot->gen = ref->gen;
	slot->addr = addr;
	pthread_mutex_unlock(&walk_lock);
	cache_drop(view_pid_ino(ref->pid, SLOT_PAGETABLE));
	return 0;
}

/* ---- rendering ---- */

static int render_index(struct rbuf *out)
{
	int max = 1024, n;
	int *pids = malloc((size_t)max * sizeof(*pids));
	char (*comms)[16];

	if (!pids)
		return -ENOMEM;
	while ((n = mm_pids(mmfs.m, pids, max)) > max) {
		int *p = realloc(pids, (size_t)n * sizeof(*p));

		if (!p) {
			free(pids);
			return -ENOMEM;
		}
		pids = p;
		max = n;
	}
	comms = calloc((size_t)n + 1, sizeof(*comms));
	if (!comms) {
		free(pids);
		return -ENOMEM;
	}
	for (int i = 0; i < n; i++) {
		struct mm_task_snap *t = mm_snap_task(mmfs.m, pids[i], 0);

		snprintf(comms[i], sizeof(comms[i]), "%s", t ? t->comm : "");
		free(t);
	}
	render_view_index(out, pids, (const char (*)[16])comms, n);
	free(comms);
	free(pids);
	return 0;
}

static int render_global_picture(const struct tree_ref *ref, struct rbuf *out)
{
	struct mm_global_snap *g = NULL;
	struct mm_phys_snap *p = NULL;

	if (ref->node->arg == VIEW_PHYSICAL) {
		p = mm_snap_phys(mmfs.m, VIEW_PHYS_CELLS, &g);
		if (!p)
			return -ENOMEM;
		render_physical_svg(out, p, g);
	} else {
		g = mm_snap_global(mmfs.m);
		if (!g)
			return -ENOMEM;
		render_buddy_svg(out, g);
	}
	free(p);
	free(g);
	return 0;
}

static int render_pgtable(const struct tree_ref *ref, struct rbuf *out)
{
	struct mm_pt_snap *s = mm_snap_pgtable(mmfs.m, ref->pid, walk_addr(ref),
					       ref->node->arg == VIEW_WALK ? 0 : VIEW_PT_TABLES);

	if (!s || ctl_pid_generation(ref->pid) != ref->gen) {
		free(s);
		return -ESRCH;
	}
	if (ref->node->arg == VIEW_WALK)
		rbuf_printf(out, "0x%llx\n", (unsigned long long)s->addr);
	else
		render_pgtable_svg(out, s);
	free(s);
	return 0;
}

int view_render(const struct tree_ref *ref, struct rbuf *out)
{
	struct mm_aspace_snap *a;

	switch (ref->node->arg) {
	case VIEW_INDEX:
		return render_index(out);
	case VIEW_BUDDY:
	case VIEW_PHYSICAL:
		return render_global_picture(ref, out);
	case VIEW_ASPACE:
		a = mm_snap_aspace(mmfs.m, ref->pid, VIEW_VMA_BINS, VIEW_BIN_VMAS);
		if (!a || ctl_pid_generation(ref->pid) != ref->gen) {
			free(a);
			return -ESRCH;
		}
		render_aspace_svg(out, a);
		free(a);
		return 0;
	case VIEW_PAGETABLE:
	case VIEW_WALK:
		return render_pgtable(ref, out);
	default:
		return -EIO;
	}
}

/* ---- the last picture stat rendered, per node, for the next open ---- */

#define CACHE_SLOTS 16

static struct ring_slot cache[CACHE_SLOTS];	/* key: the picture's inode */
static unsigned cache_next;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

static void cache_put(const struct tree_ref *ref, struct rbuf *bytes)
{
	struct ring_slot *slot;

	pthread_mutex_lock(&cache_lock);
	slot = ring_get(cache, CACHE_SLOTS, &cache_next, ref->ino);
	rbuf_free(&slot->bytes);
	slot->gen = ref->gen;
	slot->bytes = *bytes;
	pthread_mutex_unlock(&cache_lock);
}

static int cache_take(const struct tree_ref *ref, struct rbuf *out)
{
	int found = 0;

	pthread_mutex_lock(&cache_lock);
	for (unsigned i = 0; i < CACHE_SLOTS && !found; i++)
		if (cache[i].key == ref->ino && cache[i].gen == ref->gen &&
		    cache[i].bytes.buf) {
			*out = cache[i].bytes;
			rbuf_init(&cache[i].bytes);
			cache[i].key = 0;
			found = 1;
		}
	pthread_mutex_unlock(&cache_lock);
	return found;
}

static void cache_drop(uint64_t ino)
{
	pthread_mutex_lock(&cache_lock);
	for (unsigned i = 0; i < CACHE_SLOTS; i++)
		if (cache[i].key == ino) {
			rbuf_free(&cache[i].bytes);
			cache[i].key = 0;
		}
	pthread_mutex_unlock(&cache_lock);
}

int64_t view_size(const struct tree_ref *ref)
{
	struct rbuf r;
	int64_t size;

	rbuf_init(&r);
	if (view_render(ref, &r)) {
		rbuf_free(&r);
		return 0;
	}
	size = (int64_t)r.len;
	cache_put(ref, &r);
	return size;
}

int view_open(const struct tree_ref *ref, struct rbuf *out)
{
	rbuf_init(out);
	if (cache_take(ref, out))
		return 0;
	return view_render(ref, out);
}
