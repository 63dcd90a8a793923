// SPDX-License-Identifier: MIT
/*
 * test_journal.c - the journal's parts without FUSE: record framing and
 * codec (a torn or damaged record is seen as such), keeping and putting
 * back a tree of backing=DIR, and a replay that rebuilds a machine byte
 * for byte (every view equal) from a journal written by another.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "leakcheck.h"
#include "../../mm/mm.h"
#include "../../fs/backing.h"
#include "../../fs/cmd.h"
#include "../../fs/ctl.h"
#include "../../fs/journal.h"
#include "../../fs/jrec.h"
#include "../../fs/undo.h"

Test(jrec, fields_round_trip)
{
	struct jbuf b;
	struct jcur c;
	const uint8_t *next;
	size_t start, n;
	const char *s;

	jb_init(&b);
	start = jb_begin(&b);
	jb_u8(&b, 7);
	jb_varint(&b, 0);
	jb_varint(&b, UINT64_MAX);
	jb_svarint(&b, -1);
	jb_svarint(&b, INT64_MIN);
	jb_str(&b, "path");
	jb_str(&b, NULL);
	jb_bytes(&b, "", 0);
	jb_end(&b, start);
	cr_assert_eq(jrec_next(b.p, b.p + b.len, &c, &next), 1);
	cr_assert_eq(next, b.p + b.len);
	cr_assert_eq(jc_u8(&c), 7);
	cr_assert_eq(jc_varint(&c), 0);
	cr_assert_eq(jc_varint(&c), UINT64_MAX);
	cr_assert_eq(jc_svarint(&c), -1);
	cr_assert_eq(jc_svarint(&c), INT64_MIN);
	s = jc_bytes(&c, &n);
	cr_assert(s && n == 5 && !strcmp(s, "path"));
	cr_assert_null(jc_bytes(&c, &n), "NULL stays NULL");
	cr_assert_not_null(jc_bytes(&c, &n), "the empty string is not NULL");
	cr_assert_eq(n, 0);
	cr_assert_eq(c.err, 0);
	jc_u8(&c);
	cr_assert_eq(c.err, 1, "reading past the payload is an error");
	cr_assert_eq(jrec_next(next, next, &c, &next), 0, "the end");
	jb_free(&b);
}

Test(jrec, torn_and_damaged_records)
{
	struct jbuf b;
	struct jcur c;
	const uint8_t *next;
	size_t start;

	jb_init(&b);
	start = jb_begin(&b);
	jb_str(&b, "a record");
	jb_end(&b, start);
	for (size_t cut = 1; cut < b.len; cut++)
		cr_assert_eq(jrec_next(b.p, b.p + cut, &c, &next), -1, "cut at %zu", cut);
	for (size_t i = 0; i < b.len; i++) {
		b.p[i] ^= 0x10;
		cr_assert_eq(jrec_next(b.p, b.p + b.len, &c, &next), -1, "byte %zu flipped", i);
		b.p[i] ^= 0x10;
	}
	cr_assert_eq(crc32c(0, "123456789", 9), 0xe3069283, "the CRC-32C check value");
	jb_free(&b);
}

static char dir[] = "/tmp/mmfs-undo.XXXXXX";

static void put(const char *rel, const char *bytes)
{
	char p[256];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0640);
	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, bytes, strlen(bytes)), (ssize_t)strlen(bytes));
	close(fd);
}

static char *listing(void)
{
	char cmd[512], *out = NULL;
	size_t cap = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "cd %s && find . -printf '%%p %%y %%s %%m %%l\\n' | sort && "
		 "find . -type f | sort | xargs cat", dir);
	f = popen(cmd, "r");
	cr_assert(f);
	cr_assert(getdelim(&out, &cap, '\0', f) > 0);
	pclose(f);
	return out;
}

static void capture(const char *path, struct jbuf *b, size_t *start)
{
	*start = jb_begin(b);
	jb_u8(b, JR_PRESERVE);
	cr_assert_eq(undo_capture(path, b), 0);
	jb_end(b, *start);
}

static void restore(struct jbuf *b, size_t start)
{
	struct jcur c;
	const uint8_t *next;

	cr_assert_eq(jrec_next(b->p + start - 8, b->p + b->len, &c, &next), 1);
	jc_u8(&c);
	cr_assert_eq(undo_restore(&c), 0);
}

/*
 * Keep a directory tree, change it every way files/ can, put it back:
 * the same names, types, sizes, modes, link targets and bytes. Keeping a
 * path that does not exist and putting it back removes what came there.
 */
Test(undo, a_tree_comes_back)
{
	struct jbuf b1, b2;
	size_t s1, s2;
	char *before, *after, p[256];
	int fd;

	cr_assert(mkdtemp(dir));
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	cr_assert_eq(backing_init(fd), 0);
	close(fd);
	snprintf(p, sizeof(p), "%s/d", dir);
	mkdir(p, 0750);
	snprintf(p, sizeof(p), "%s/d/e", dir);
	mkdir(p, 0700);
	put("d/one", "first file");
	put("d/e/two", "");
	snprintf(p, sizeof(p), "%s/d/link", dir);
	cr_assert_eq(symlink("e/two", p), 0);
	before = listing();

	jb_init(&b1);
	jb_init(&b2);
	capture("/d", &b1, &s1);
	capture("/new", &b2, &s2);	/* absent */
	put("d/one", "changed");
	put("d/e/three", "more");
	snprintf(p, sizeof(p), "%s/d/e/two", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/d/link", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/new", dir);
	mkdir(p, 0755);
	put("new/x", "x");
	restore(&b2, s2);
	restore(&b1, s1);
	after = listing();
	cr_assert_str_eq(after, before);
	free(before);
	free(after);
	jb_free(&b1);
	jb_free(&b2);
	backing_exit();
	snprintf(p, sizeof(p), "rm -rf %s", dir);
	cr_assert_eq(system(p), 0);
	leak_check();
}

/* ---- images ---- */

#include "../../fs/render.h"

/* Every view of the machine as text: global files, each process's files, kmsg. */
static char *views(struct machine *mm)
{
	struct mm_global_snap *g = mm_snap_global(mm);
	struct rbuf b;
	int pids[64], n = mm_pids(mm, pids, 64);
	size_t len;
	char *log;

	rbuf_init(&b);
	render_meminfo(&b, g);
	render_vmstat(&b, g);
	render_buddyinfo(&b, g);
	render_pagetypeinfo(&b, g);
	render_zoneinfo(&b, g);
	free(g);
	for (int i = 0; i < n; i++) {
		struct mm_task_snap *t = mm_snap_task(mm, pids[i], 2);

		render_smaps(&b, t);
		render_status(&b, t);
		render_stat_pid(&b, t);
		free(t);
	}
	log = mm_kmsg_text(mm, &len);
	rbuf_put(&b, log, len);
	free(log);
	return b.buf;
}

struct sink {
	uint8_t *p;
	size_t len, cap;
};

static int sink_write(void *arg, const void *buf, size_t len)
{
	struct sink *s = arg;

	if (s->len + len > s->cap) {
		s->cap = (s->len + len) * 2;
		s->p = realloc(s->p, s->cap);
		cr_assert(s->p);
	}
	memcpy(s->p + s->len, buf, len);
	s->len += len;
	return 0;
}

/* A session in two halves; the second half's replies are returned as text. */
static void session(struct machine *mm, int half, struct replyq *q)
{
	static const char *const first[] = { "spawn", "spawn worker", "kill 3" };
	static const char *const p2[] = {
		"mmap 0 4M rw- private,anon", "touch 0x7ffff79c0000 2M w", "fork",
		"mmap 0 64K rw- shared,anon", "mlock 0x7ffff79c0000 64K" };
	static const char *const second[] = { "spawn", "kill 4" };
	static const char *const p2b[] = {
		"munmap 0x7ffff79c0000 1M", "touch 0x7ffff7ac0000 1M r", "madvise 0x7ffff7ac0000 1M dontneed",
		"fork", "mprotect 0x7ffff7ac0000 64K r--" };

	if (!half) {
		for (size_t i = 0; i < sizeof(first) / sizeof(*first); i++)
			ctl_run(mm, 0, first[i], strlen(first[i]), q);
		for (size_t i = 0; i < sizeof(p2) / sizeof(*p2); i++)
			ctl_run(mm, 2, p2[i], strlen(p2[i]), q);
		cr_assert_eq(mm_mem_rw(mm, 2, 0x7ffff79c0000ULL, "bytes!", 6, 1), 6);
		return;
	}
	for (size_t i = 0; i < sizeof(second) / sizeof(*second); i++)
		ctl_run(mm, 0, second[i], strlen(second[i]), q);
	for (size_t i = 0; i < sizeof(p2b) / sizeof(*p2b); i++)
		ctl_run(mm, 2, p2b[i], strlen(p2b[i]), q);
}

/*
 * Boot at the fixed image base, run half a session, save the image, run
 * the rest; then shut down, load the image, run the same rest: every view
 * and every reply agrees, and check is clean. The image is the state.
 */
Test(image, save_load_and_go_on)
{
	struct mm_config cfg = { .ram_bytes = 256ULL << 20, .nr_nodes = 1,
				 .swap_bytes = 64ULL << 20, .image_base = MM_IMAGE_BASE };
	struct sink img = { 0 };
	struct replyq q;
	struct machine *a, *b;
	char why[256] = "", *va, *vb, *ra, *rb;
	int nbad;
	char *rep;

	rq_init(&q);
	a = mm_boot(&cfg, why, sizeof(why));
	cr_assert(a, "%s", why);
	session(a, 0, &q);
	rq_free(&q);
	cr_assert_eq(mm_image_save(a, sink_write, &img, why, sizeof(why)), 0, "%s", why);
	session(a, 1, &q);
	ra = rq_take(&q, NULL);
	va = views(a);
	mm_shutdown(a);

	b = mm_image_load(img.p, img.len, why, sizeof(why));
	cr_assert(b, "%s", why);
	rep = mm_check(b, &nbad);
	cr_assert_eq(nbad, 0, "%s", rep);
	free(rep);
	session(b, 1, &q);
	rb = rq_take(&q, NULL);
	vb = views(b);
	cr_assert_str_eq(rb, ra);
	cr_assert_str_eq(vb, va);
	rep = mm_check(b, &nbad);
	cr_assert_eq(nbad, 0, "%s", rep);
	free(rep);
	mm_shutdown(b);

	/* a damaged or foreign image is refused, not loaded */
	img.p[20] ^= 1;
	cr_assert_null(mm_image_load(img.p, img.len, why, sizeof(why)));
	cr_assert(strstr(why, "another build"), "%s", why);
	cr_assert_null(mm_image_load(img.p, 10, why, sizeof(why)));
	free(img.p);
	free(ra);
	free(rb);
	free(va);
	free(vb);
	leak_check();
}

static int64_t vmstat_of(struct machine *mm, enum vm_event_item i)
{
	struct mm_global_snap *g = mm_snap_global(mm);
	int64_t v = g->vm_events[i];

	free(g);
	return v;
}

/*
 * A page with data that lives only on the swap device (reclaimed after its
 * write) is part of the machine: the image carries the device's stored
 * bytes, and the loaded machine reads them back.
 */
Test(image, swapped_data_comes_back)
{
	struct mm_config cfg = { .ram_bytes = 64ULL << 20, .nr_nodes = 1,
				 .swap_bytes = 128ULL << 20, .image_base = MM_IMAGE_BASE };
	static const char *const p2[] = { "mmap 0x100000000 16K rw- private,anon,fixed",
					  "touch 0x100000000 16K w" };
	static const char *const p3[] = { "mmap 0x200000000 96M rw- private,anon,fixed",
					  "touch 0x200000000 96M w" };
	struct sink img = { 0 };
	struct replyq q;
	struct machine *a, *b;
	char why[256] = "", buf[9] = "";
	int64_t in;
	int nbad;
	char *rep;

	rq_init(&q);
	a = mm_boot(&cfg, why, sizeof(why));
	cr_assert(a, "%s", why);
	ctl_run(a, 0, "spawn", 5, &q);
	ctl_run(a, 0, "spawn", 5, &q);
	for (size_t i = 0; i < 2; i++)
		ctl_run(a, 2, p2[i], strlen(p2[i]), &q);
	cr_assert_eq(mm_mem_rw(a, 2, 0x100001000ULL, "swapped!", 8, 1), 8);
	/* pid 3's 96 MiB push everything of pid 2 out, its written page to the store */
	for (size_t i = 0; i < 2; i++)
		ctl_run(a, 3, p3[i], strlen(p3[i]), &q);
	ctl_run(a, 0, "kill 3", 6, &q);
	rq_free(&q);
	cr_assert_gt(vmstat_of(a, PSWPOUT), 0, "the page with data went to the store");
	cr_assert_eq(mm_image_save(a, sink_write, &img, why, sizeof(why)), 0, "%s", why);
	mm_shutdown(a);

	b = mm_image_load(img.p, img.len, why, sizeof(why));
	cr_assert(b, "%s", why);
	in = vmstat_of(b, PSWPIN);
	cr_assert_eq(mm_mem_rw(b, 2, 0x100001000ULL, buf, 8, 0), 8);
	cr_assert_str_eq(buf, "swapped!");
	cr_assert_gt(vmstat_of(b, PSWPIN), in, "read from the device, not the swap cache");
	rep = mm_check(b, &nbad);
	cr_assert_eq(nbad, 0, "%s", rep);
	free(rep);
	mm_shutdown(b);
	free(img.p);
	leak_check();
}
