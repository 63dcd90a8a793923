// SPDX-License-Identifier: MIT
/*
 * side_mmfs.c - a mounted mmfs as a side: one spawned simulated process per
 * script, driven through MOUNT/proc/PID/ctl exactly as a person would (one
 * write per line, then a read of the reply), its VMAs read from
 * MOUNT/proc/PID/smaps.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "difftest.h"

struct mmfs_side {
	char *mount;
	int root;		/* the mount point, O_PATH */
	int gctl;		/* MOUNT/ctl */
	int pctl;		/* MOUNT/proc/PID/ctl, or -1 */
	int pid;		/* the spawned process, or 0 */
	char path[64];		/* "proc/PID/" */
};

/* Send one line on fd and read its reply line into b (without "\n").
 * The write may fail with the command's errno: the reply tells more. */
static int ctl_roundtrip(int fd, const char *line, struct rbuf *b)
{
	char c[4096];
	ssize_t r;

	rbuf_reset(b);
	rbuf_printf(b, "%s\n", line);
	/* its result is the command's errno: the reply line says the same */
	if (write(fd, b->buf, b->len) < 0 && errno == ENOTCONN)
		return -1;
	rbuf_reset(b);
	for (;;) {
		char *nl;

		r = read(fd, c, sizeof(c));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		nl = memchr(c, '\n', (size_t)r);
		rbuf_put(b, c, nl ? (size_t)(nl - c) : (size_t)r);
		if (nl)
			return 0;
	}
}

static void mmfs_stop(struct side *s)
{
	struct mmfs_side *m = s->priv;
	struct rbuf b;
	char cmd[32];

	if (m->pctl >= 0)
		close(m->pctl);
	m->pctl = -1;
	if (m->pid) {
		rbuf_init(&b);
		snprintf(cmd, sizeof(cmd), "kill %d", m->pid);
		ctl_roundtrip(m->gctl, cmd, &b);
		rbuf_free(&b);
	}
	m->pid = 0;
}

/* The host disk's readahead window, for the simulated disk too (main.c notes it). */
static void set_readahead(const char *mount)
{
	const char *kb = getenv("MMFS_DIFFTEST_RA_KB");
	char path[4096];
	FILE *f;

	if (!kb)
		return;
	snprintf(path, sizeof(path), "%s/sys/class/bdi/254:1/read_ahead_kb", mount);
	f = fopen(path, "w");
	if (f) {
		fputs(kb, f);
		fclose(f);
	}
}

static int mmfs_start(struct side *s, const char *script_name)
{
	struct mmfs_side *m = s->priv;
	char what[256], path[96];
	struct rbuf b;
	int err = -1;

	rbuf_init(&b);
	/* an empty page cache, as the host runner starts with (errors: ignored) */
	/* fadvise(DONTNEED) on the host writes dirty pages back before dropping */
	ctl_roundtrip(m->gctl, "sync", &b);
	ctl_roundtrip(m->gctl, "drop_caches 3", &b);
	set_readahead(m->mount);
	if (ctl_roundtrip(m->gctl, "spawn difftest", &b) || !(m->pid = atoi(b.buf))) {
		fprintf(stderr, "mmfs-difftest: %s/ctl: spawn answered [%s]\n", m->mount, b.buf);
		m->pid = 0;
		goto out;
	}
	snprintf(m->path, sizeof(m->path), "proc/%d/", m->pid);
	snprintf(path, sizeof(path), "%sctl", m->path);
	m->pctl = openat(m->root, path, O_RDWR | O_CLOEXEC);
	if (m->pctl < 0) {
		fprintf(stderr, "mmfs-difftest: %s/%s: %s\n", m->mount, path, strerror(errno));
		goto out;
	}
	snprintf(path, sizeof(path), "%smaps", m->path);
	if (read_whole(m->root, path, &b)) {
		fprintf(stderr, "mmfs-difftest: %s/%s: %s\n", m->mount, path, strerror(errno));
		goto out;
	}
	if (maps_find_overlap(b.buf, b.len, WIN_START, WIN_END, what, sizeof(what))) {
		fprintf(stderr, "mmfs-difftest: the window is not free in pid %d: %s\n",
			m->pid, what);
		goto out;
	}
	err = 0;
out:
	rbuf_free(&b);
	if (err)
		mmfs_stop(s);
	return err;
}

/* The reply as both sides show it: errno names only, addresses in or out. */
static void put_reply(struct rbuf *out, const struct mm_call *c, const char *reply)
{
	if (!strncmp(reply, "error ", 6)) {
		rbuf_printf(out, "error %.*s\n", (int)strcspn(reply + 6, ":"), reply + 6);
	} else if ((c->verb == MMV_MMAP || c->verb == MMV_MREMAP) &&
		   !strncmp(reply, "0x", 2)) {
		reply_addr(out, strtoull(reply, NULL, 16));
	} else {
		rbuf_printf(out, "%s\n", reply);
	}
}

static int mmfs_step(struct side *s, const struct script_line *l, struct rbuf *out)
{
	struct mmfs_side *m = s->priv;
	char path[96];
	struct rbuf b;
	int err;

	rbuf_init(&b);
	err = ctl_roundtrip(m->pctl, l->text, &b);
	if (err) {
		fprintf(stderr, "mmfs-difftest: pid %d gave no reply to: %s\n", m->pid, l->text);
		goto out;
	}
	put_reply(out, &l->call, b.buf);
	snprintf(path, sizeof(path), "%ssmaps", m->path);
	err = read_whole(m->root, path, &b);
	if (err) {
		fprintf(stderr, "mmfs-difftest: %s/%s: %s\n", m->mount, path, strerror(-err));
		goto out;
	}
	vmalist_from_smaps(out, b.buf, b.len, NULL, s->opts.rss);
out:
	rbuf_free(&b);
	return err ? -1 : 0;
}

static void mmfs_destroy(struct side *s)
{
	struct mmfs_side *m = s->priv;

	mmfs_stop(s);
	close(m->gctl);
	close(m->root);
	free(m->mount);
	free(m);
}

static const struct side_ops mmfs_ops = {
	.start = mmfs_start,
	.step = mmfs_step,
	.stop = mmfs_stop,
	.destroy = mmfs_destroy,
};

int side_mmfs_init(struct side *s, const char *mount)
{
	struct mmfs_side *m = calloc(1, sizeof(*m));

	if (!m)
		return -1;
	m->pctl = -1;
	m->mount = strdup(mount);
	m->root = open(mount, O_PATH | O_DIRECTORY | O_CLOEXEC);
	m->gctl = m->root < 0 ? -1 : openat(m->root, "ctl", O_RDWR | O_CLOEXEC);
	if (!m->mount || m->gctl < 0) {
		fprintf(stderr, "mmfs-difftest: %s/ctl: %s\n", mount, strerror(errno));
		if (m->root >= 0)
			close(m->root);
		free(m->mount);
		free(m);
		return -1;
	}
	s->ops = &mmfs_ops;
	s->priv = m;
	snprintf(s->label, sizeof(s->label), "mmfs");
	return 0;
}
