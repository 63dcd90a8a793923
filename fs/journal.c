// SPDX-License-Identifier: MIT
/*
 * journal.c - journal=FILE: records written as commands run, a replay at
 * mount (see journal.h for the contract, jrec.h for the format).
 *
 * The file: a JR_HEADER record (the machine's configuration, backing=DIR,
 * the mmfs version), then JR_PRESERVE and JR_CMD records as they happen.
 * A replay reads every record whose checksum holds, cuts the file after
 * the last such record, puts back every JR_PRESERVE newest first, then
 * runs every JR_CMD through cmd_replay. The set of paths already kept is
 * rebuilt from the JR_PRESERVE records, so the replay's own changes to
 * backing=DIR keep nothing twice.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../mm/mm.h"
#include "cmd.h"
#include "journal.h"
#include "jrec.h"
#include "undo.h"

#define JOURNAL_MAGIC	"mmfs journal 1"
#define SET_BUCKETS	1024

struct kept {
	struct kept *next;
	char path[];
};

static struct {
	pthread_mutex_t lock;	/* appends come from commands (one at a time) and their hooks */
	int fd;			/* -1: no journal */
	char path[4096];
	int broken;		/* a write failed: recording stopped */
	int replaying;		/* commands come from the journal itself */
	struct jbuf pending;	/* command records not written yet (journal_flush) */
	struct machine *m;
	struct mm_config cfg;	/* what the header says, for a checkpoint's new header */
	char swap_path[256];
	char backing[4096];
	char lower[4096];	/* lower=DIR the header records ("" for none) */
	char peeked_lower[4096];	/* what the last header read recorded */
	struct kept *set[SET_BUCKETS];	/* paths kept since the journal began */
} J = { .lock = PTHREAD_MUTEX_INITIALIZER, .fd = -1 };

/* ---- the set of kept paths ---- */

static unsigned bucket_of(const char *s, size_t n)
{
	return crc32c(0, s, n) % SET_BUCKETS;
}

static int set_has(const char *s, size_t n)
{
	for (struct kept *k = J.set[bucket_of(s, n)]; k; k = k->next)
		if (strlen(k->path) == n && !memcmp(k->path, s, n))
			return 1;
	return 0;
}

static void set_add(const char *path)
{
	size_t n = strlen(path);
	struct kept *k = malloc(sizeof(*k) + n + 1);

	if (!k)
		return;	/* only costs a second capture of the same path */
	memcpy(k->path, path, n + 1);
	k->next = J.set[bucket_of(path, n)];
	J.set[bucket_of(path, n)] = k;
}

static void set_clear(void)
{
	for (int i = 0; i < SET_BUCKETS; i++)
		while (J.set[i]) {
			struct kept *k = J.set[i];

			J.set[i] = k->next;
			free(k);
		}
}

/* Whether path or a directory above it was kept: restoring that covers path. */
static int covered(const char *path)
{
	size_t n = strlen(path);

	while (n && path[n - 1] == '/')
		n--;
	for (;;) {
		if (set_has(path, n ? n : 1))
			return 1;
		if (!n)
			return 0;
		while (n && path[n - 1] != '/')
			n--;
		while (n > 1 && path[n - 1] == '/')
			n--;
		if (n == 1)
			n = 0;	/* "/": the root, checked as "/" */
	}
}

/* ---- writing ---- */

/* Write one framed record; on failure recording stops (and says so). */
static int write_record(const struct jbuf *b)
{
	size_t done = 0;

	if (J.fd < 0 || J.broken)
		return J.broken ? -EIO : 0;
	while (done < b->len) {
		ssize_t k = write(J.fd, b->p + done, b->len - done);

		if (k <= 0) {
			int err = k < 0 ? errno : EIO;

			J.broken = 1;
			fprintf(stderr, "mmfs: journal %s: write failed (%s): the journal stops here\n",
				J.path, strerror(err));
			if (J.m)
				mm_kmsg(J.m, "mmfs journal: write failed (%s): recording stopped",
					strerror(err));
			return -err;
		}
		done += (size_t)k;
	}
	return 0;
}

static void encode_cmd(struct jbuf *b, const struct cmd *c, uint64_t interrupted)
{
	jb_u8(b, JR_CMD);
	jb_u8(b, (uint8_t)c->type);
	jb_svarint(b, c->pid);
	jb_varint(b, c->off);
	jb_varint(b, c->arg);
	jb_varint(b, c->len);
	jb_varint(b, interrupted);
	jb_str(b, c->path);
	jb_str(b, c->path2);
	jb_bytes(b, c->data, c->data ? c->len : 0);
}

/* Write what journal_append kept. Caller holds J.lock. */
static int flush_locked(void)
{
	int err = 0;

	if (J.pending.len)
		err = write_record(&J.pending);
	J.pending.len = 0;
	return err;
}

int journal_append(const struct cmd *c, uint64_t interrupted)
{
	size_t start;

	if (J.fd < 0)
		return 0;
	pthread_mutex_lock(&J.lock);
	start = jb_begin(&J.pending);
	encode_cmd(&J.pending, c, interrupted);
	jb_end(&J.pending, start);
	if (J.pending.len > (1u << 20))
		flush_locked();
	pthread_mutex_unlock(&J.lock);
	return 0;
}

int journal_flush(void)
{
	int err;

	if (J.fd < 0)
		return 0;
	pthread_mutex_lock(&J.lock);
	err = flush_locked();
	pthread_mutex_unlock(&J.lock);
	return err;
}

void journal_preserve(const char *path)
{
	struct jbuf b;
	size_t start;
	int err;

	if (J.fd < 0 || !path)
		return;
	pthread_mutex_lock(&J.lock);
	if (covered(path))
		goto out;
	flush_locked();		/* the records before it stay before it */
	jb_init(&b);
	start = jb_begin(&b);
	jb_u8(&b, JR_PRESERVE);
	err = undo_capture(path, &b);
	if (err) {
		fprintf(stderr, "mmfs: journal: cannot keep %s (%s): a replay may differ\n",
			path, strerror(-err));
	} else {
		jb_end(&b, start);
		if (!write_record(&b))
			set_add(path);
	}
	jb_free(&b);
out:
	pthread_mutex_unlock(&J.lock);
}

static void preserve_hook(void *arg, const char *path)
{
	(void)arg;
	journal_preserve(path);
}

/* ---- reading ---- */

struct jfile {
	uint8_t *base;		/* the whole file, mapped read-only */
	size_t size;
	size_t good;		/* bytes of whole records */
};

static int map_file(int fd, struct jfile *f, char *why, size_t whylen)
{
	struct stat st;

	memset(f, 0, sizeof(*f));
	if (fstat(fd, &st)) {
		snprintf(why, whylen, "%s", strerror(errno));
		return -errno;
	}
	f->size = (size_t)st.st_size;
	if (!f->size)
		return 0;
	f->base = mmap(NULL, f->size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (f->base == MAP_FAILED) {
		f->base = NULL;
		snprintf(why, whylen, "cannot map it: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

static void unmap_file(struct jfile *f)
{
	if (f->base)
		munmap(f->base, f->size);
}

/*
 * After the version, cpus= and the SLIT (empty for the default); a journal
 * written before them has neither, and boots with their defaults.
 */
static int read_header_numa(struct jcur *c, struct mm_config *cfg)
{
	static unsigned char slit[MM_MAX_NODES * MM_MAX_NODES];
	const void *d;
	size_t n;

	jc_bytes(c, &n);	/* the version that wrote it */
	if (c->err || c->p == c->end)
		return c->err ? -EINVAL : 0;
	cfg->nr_cpus = (int)jc_varint(c);
	d = jc_bytes(c, &n);
	if (c->err || (n && n != (size_t)cfg->nr_nodes * (size_t)cfg->nr_nodes))
		return -EINVAL;
	if (n) {
		memcpy(slit, d, n);
		cfg->distance = slit;
	}
	/* after the SLIT, lower=DIR ("" for none); a journal written before it has none */
	J.peeked_lower[0] = '\0';
	if (c->p == c->end)
		return 0;
	d = jc_bytes(c, &n);
	if (c->err || !d || !n || ((const char *)d)[n - 1] || n > sizeof(J.peeked_lower))
		return -EINVAL;
	memcpy(J.peeked_lower, d, n);
	/* after lower=, page_owner= (0 or 1); a journal written before it has it off */
	if (c->p == c->end)
		return 0;
	cfg->page_owner = (int)jc_varint(c);
	return c->err ? -EINVAL : 0;
}

const char *journal_peek_lower(void)
{
	return J.peeked_lower;
}

void journal_set_lower(const char *lower)
{
	snprintf(J.lower, sizeof(J.lower), "%s", lower ? lower : "");
}

/* The header record's fields; 0 or -EINVAL. */
static int read_header(struct jcur *c, struct mm_config *cfg, char *backing, size_t blen)
{
	static char swap_path[256];
	size_t n;
	const char *magic, *sp, *bk;

	if (jc_u8(c) != JR_HEADER)
		return -EINVAL;
	magic = jc_bytes(c, &n);
	if (!magic || n != sizeof(JOURNAL_MAGIC) || memcmp(magic, JOURNAL_MAGIC, n))
		return -EINVAL;
	memset(cfg, 0, sizeof(*cfg));
	cfg->ram_bytes = jc_varint(c);
	cfg->nr_nodes = (int)jc_varint(c);
	cfg->swap_bytes = jc_varint(c);
	sp = jc_bytes(c, &n);
	if (sp && n && !sp[n - 1] && n <= sizeof(swap_path)) {
		memcpy(swap_path, sp, n);
		cfg->swap_path = swap_path;
	}
	bk = jc_bytes(c, &n);
	if (c->err || !bk || !n || bk[n - 1] || n > blen)
		return -EINVAL;
	memcpy(backing, bk, n);
	return read_header_numa(c, cfg);
}

int journal_peek(const char *path, struct mm_config *cfg, char *backing, size_t blen,
		 char *why, size_t whylen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	const uint8_t *next;
	struct jfile f;
	struct jcur c;
	int err;

	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(why, whylen, "%s", strerror(errno));
		return -errno;
	}
	err = map_file(fd, &f, why, whylen);
	close(fd);
	if (err || !f.size)
		return err;
	if (jrec_next(f.base, f.base + f.size, &c, &next) != 1 ||
	    read_header(&c, cfg, backing, blen)) {
		snprintf(why, whylen, "not an mmfs journal (or its first record is damaged)");
		err = -EINVAL;
	}
	unmap_file(&f);
	return err ? err : 1;
}

/* The JR_CMD payload after its kind, as a command; 0 or -EINVAL. */
static int decode_cmd(struct jcur *c, struct cmd *cmd, uint64_t *interrupted)
{
	size_t n;

	memset(cmd, 0, sizeof(*cmd));
	cmd->type = (enum cmd_type)jc_u8(c);
	cmd->pid = (int32_t)jc_svarint(c);
	cmd->off = jc_varint(c);
	cmd->arg = jc_varint(c);
	cmd->len = (size_t)jc_varint(c);
	*interrupted = jc_varint(c);
	cmd->path = jc_bytes(c, &n);
	if (cmd->path && (!n || cmd->path[n - 1]))
		return -EINVAL;
	cmd->path2 = jc_bytes(c, &n);
	if (cmd->path2 && (!n || cmd->path2[n - 1]))
		return -EINVAL;
	cmd->data = jc_bytes(c, &n);
	if (cmd->data && n != cmd->len)
		return -EINVAL;
	return c->err || cmd->type < 1 || cmd->type >= CT_NR ? -EINVAL : 0;
}

/* Find where whole records end: f->good. */
static void scan(struct jfile *f)
{
	const uint8_t *p = f->base, *next;
	struct jcur c;

	while (jrec_next(p, f->base + f->size, &c, &next) == 1)
		p = next;
	f->good = (size_t)(p - f->base);
}

/*
 * Put back what the JR_PRESERVE records after the header kept (newest
 * first), then replay the commands. Returns how many, or -ENOMEM.
 */
static long replay(struct machine *m, struct jfile *f, const uint8_t *first)
{
	const uint8_t *end = f->base + f->good, *p, *next, **kept = NULL;
	size_t nkept = 0, cap = 0;
	long cmds = 0;
	struct jcur c;

	for (p = first; p < end; p = next) {
		jrec_next(p, end, &c, &next);
		if (c.p < c.end && *c.p == JR_PRESERVE) {
			if (nkept == cap) {
				const uint8_t **q = realloc(kept, (cap = cap ? 2 * cap : 64) * sizeof(*q));

				if (!q) {
					free(kept);
					return -ENOMEM;
				}
				kept = q;
			}
			kept[nkept++] = p;
		}
	}
	while (nkept--) {
		struct jcur k, peek;
		size_t n;
		const char *path;
		int err;

		jrec_next(kept[nkept], end, &k, &next);
		jc_u8(&k);
		peek = k;
		path = jc_bytes(&peek, &n);
		err = undo_restore(&k);
		if (err)
			fprintf(stderr, "mmfs: journal: cannot put back %s (%s)\n",
				path ? path : "?", strerror(-err));
		if (path && n && !path[n - 1])
			set_add(path);
	}
	free(kept);
	mm_rekey_files(m);	/* the files put back are new host files */
	for (p = first; p < end; p = next) {
		struct cmd cmd;
		uint64_t interrupted;

		jrec_next(p, end, &c, &next);
		if (jc_u8(&c) != JR_CMD)
			continue;
		if (decode_cmd(&c, &cmd, &interrupted)) {
			fprintf(stderr, "mmfs: journal: a damaged command record at byte %zu skipped\n",
				(size_t)(p - f->base));
			continue;
		}
		cmd_replay(m, &cmd, interrupted);
		cmds++;
	}
	return cmds;
}

static int write_header(const struct mm_config *cfg, const char *backing)
{
	struct jbuf b;
	size_t start;
	int err;

	jb_init(&b);
	start = jb_begin(&b);
	jb_u8(&b, JR_HEADER);
	jb_str(&b, JOURNAL_MAGIC);
	jb_varint(&b, cfg->ram_bytes);
	jb_varint(&b, (uint64_t)cfg->nr_nodes);
	jb_varint(&b, cfg->swap_bytes);
	jb_str(&b, cfg->swap_path);
	jb_str(&b, backing);
	jb_str(&b, MMFS_VERSION);
	jb_varint(&b, (uint64_t)cfg->nr_cpus);
	jb_bytes(&b, cfg->distance, cfg->distance ? (size_t)cfg->nr_nodes * (size_t)cfg->nr_nodes : 0);
	jb_str(&b, J.lower);
	jb_varint(&b, (uint64_t)!!cfg->page_owner);
	jb_end(&b, start);
	err = write_record(&b);
	jb_free(&b);
	return err;
}

long journal_open(struct machine *m, const char *path, const struct mm_config *cfg,
		  const char *backing, char *why, size_t whylen)
{
	char hbacking[4096];
	struct mm_config hcfg;
	const uint8_t *next = NULL;
	struct jfile f;
	struct jcur c;
	long cmds = 0;
	int fd, err;

	fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(why, whylen, "%s", strerror(errno));
		return -errno;
	}
	err = map_file(fd, &f, why, whylen);
	if (err) {
		close(fd);
		return err;
	}
	if (f.size && (jrec_next(f.base, f.base + f.size, &c, &next) != 1 ||
		       read_header(&c, &hcfg, hbacking, sizeof(hbacking)))) {
		snprintf(why, whylen, "not an mmfs journal (or its first record is damaged)");
		err = -EINVAL;
		goto fail;
	}
	scan(&f);
	if (f.good < f.size) {
		/* cut it before anything is appended: appends go to the end */
		fprintf(stderr, "mmfs: journal %s: %zu bytes of a torn record at its end dropped\n",
			path, f.size - f.good);
		if (ftruncate(fd, (off_t)f.good)) {
			err = -errno;
			snprintf(why, whylen, "cannot cut the torn record: %s", strerror(errno));
			goto fail;
		}
	}
	J.fd = fd;
	J.broken = 0;
	J.m = m;
	J.cfg = *cfg;
	snprintf(J.swap_path, sizeof(J.swap_path), "%s", cfg->swap_path ? cfg->swap_path : "");
	J.cfg.swap_path = cfg->swap_path ? J.swap_path : NULL;
	snprintf(J.backing, sizeof(J.backing), "%s", backing);
	snprintf(J.path, sizeof(J.path), "%s", path);
	mm_set_backing_hook(m, preserve_hook, NULL);
	if (!f.size) {
		err = write_header(cfg, backing);
		if (err) {
			snprintf(why, whylen, "cannot write its header: %s", strerror(-err));
			goto fail;
		}
	} else {
		J.replaying = 1;
		cmds = replay(m, &f, next);
		J.replaying = 0;
		if (cmds < 0) {
			err = (int)cmds;
			snprintf(why, whylen, "replay: %s", strerror(-err));
			goto fail;
		}
		if (f.good < f.size) {	/* said in kmsg as a command: the next replay says it too */
			char line[96];
			struct cmd note = { .type = CT_KMSG, .data = line };

			note.len = (size_t)snprintf(line, sizeof(line),
						    "mmfs journal: %zu bytes of a torn record dropped",
						    f.size - f.good);
			cmd_run(m, &note, NULL, NULL);
		}
	}
	unmap_file(&f);
	return cmds;
fail:
	mm_set_backing_hook(m, NULL, NULL);
	unmap_file(&f);
	J.fd = -1;
	close(fd);
	set_clear();
	return err;
}

void journal_close(void)
{
	if (J.fd < 0)
		return;
	journal_flush();
	jb_free(&J.pending);
	if (J.m)
		mm_set_backing_hook(J.m, NULL, NULL);
	fdatasync(J.fd);
	close(J.fd);
	J.fd = -1;
	J.m = NULL;
	set_clear();
}

/* ---- checkpoints ---- */

struct jmap {
	int fd;
	struct jfile f;
	const uint8_t *first;	/* the record after the header */
};

struct machine *journal_boot(const char *path, const struct mm_config *cfg, char *why,
			     size_t whylen)
{
	char hbacking[4096];
	struct mm_config hcfg;
	const uint8_t *next;
	struct machine *m = NULL;
	struct jfile f;
	struct jcur c;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || map_file(fd, &f, why, whylen)) {
		if (fd >= 0)
			close(fd);
		return mm_boot(cfg, why, whylen);	/* a new journal: journal_open says more */
	}
	close(fd);
	if (f.size && jrec_next(f.base, f.base + f.size, &c, &next) == 1 &&
	    !read_header(&c, &hcfg, hbacking, sizeof(hbacking)) &&
	    jrec_next(next, f.base + f.size, &c, &next) == 1 && jc_u8(&c) == JR_CHECKPOINT) {
		m = mm_image_load(c.p, (size_t)(c.end - c.p), why, whylen);
		unmap_file(&f);
		return m;
	}
	unmap_file(&f);
	return mm_boot(cfg, why, whylen);
}

/* The checkpoint record is written as it is made: its CRC and length follow. */
struct ckpt_out {
	int fd;
	uint64_t len;
	uint32_t crc;
};

static int ckpt_write(void *arg, const void *buf, size_t len)
{
	struct ckpt_out *o = arg;
	size_t done = 0;

	o->crc = crc32c(o->crc, buf, len);
	o->len += len;
	while (done < len) {
		ssize_t k = write(o->fd, (const uint8_t *)buf + done, len - done);

		if (k <= 0)
			return k < 0 ? -errno : -EIO;
		done += (size_t)k;
	}
	return 0;
}

int journal_checkpoint(struct machine *m, char *why, size_t whylen)
{
	char tmp[4200], dir[4096], *slash;
	struct ckpt_out o = { -1, 0, 0 };
	uint8_t kind = JR_CHECKPOINT, le[12];
	int err = 0, saved_fd;
	off_t at;

	if (J.replaying)
		return 0;
	if (J.fd < 0) {
		snprintf(why, whylen, "there is no journal to checkpoint (mount with journal=FILE)");
		return -EINVAL;
	}
	journal_flush();	/* what came before goes with the old journal, or nowhere */
	snprintf(tmp, sizeof(tmp), "%s.tmp", J.path);
	o.fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (o.fd < 0) {
		snprintf(why, whylen, "cannot create %s: %s", tmp, strerror(errno));
		return -errno;
	}
	saved_fd = J.fd;
	J.fd = o.fd;			/* write_header writes to J.fd */
	err = write_header(&J.cfg, J.backing);
	J.fd = saved_fd;
	at = err ? -1 : lseek(o.fd, 0, SEEK_CUR);
	memset(le, 0, 8);
	if (!err && (at < 0 || write(o.fd, le, 8) != 8))
		err = -EIO;
	if (!err)
		err = ckpt_write(&o, &kind, 1);
	if (!err)
		err = mm_image_save(m, ckpt_write, &o, why, whylen);
	if (!err) {
		for (int i = 0; i < 8; i++)
			le[i] = (uint8_t)(o.len >> (8 * i));
		for (int i = 0; i < 4; i++)
			le[8 + i] = (uint8_t)(o.crc >> (8 * i));
		if (pwrite(o.fd, le, 8, at) != 8 || write(o.fd, le + 8, 4) != 4 || fdatasync(o.fd))
			err = -errno ? -errno : -EIO;
	}
	snprintf(dir, sizeof(dir), "%s", J.path);
	slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	if (!err && rename(tmp, J.path))
		err = -errno;
	if (err) {
		if (!why[0])
			snprintf(why, whylen, "cannot write the checkpoint: %s", strerror(-err));
		close(o.fd);
		unlink(tmp);
		return err;
	}
	{	/* the rename itself must survive a crash */
		int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
	}
	pthread_mutex_lock(&J.lock);
	J.pending.len = 0;	/* the image holds their effects */
	close(J.fd);
	J.fd = o.fd;
	fcntl(J.fd, F_SETFL, O_APPEND);
	J.broken = 0;
	set_clear();	/* backing=DIR as it is now is where a replay starts */
	pthread_mutex_unlock(&J.lock);
	return 0;
}
