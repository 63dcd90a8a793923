// SPDX-License-Identifier: MIT
/*
 * test_taskstream.c - maps and smaps printed as they are read: a packed
 * snapshot prints exactly what the full one prints, and a stream gives the
 * same bytes however it is read (one byte at a time, odd sizes, backwards).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leakcheck.h"
#include "../../mm/mm.h"
#include "../../fs/ctl.h"
#include "../../fs/render.h"
#include "../../fs/taskstream.h"

static struct machine *m;

static void run(int pid, const char *line)
{
	struct replyq q;
	char *r;
	int err;

	rq_init(&q);
	err = ctl_run(m, pid, line, strlen(line), &q);
	r = rq_take(&q, NULL);
	cr_assert_eq(err, 0, "%s: %s", line, r);
	free(r);
}

/*
 * A process with every kind of VMA a name can come from: the exec layout
 * (files, heap, stack, vdso), anonymous runs that repeat names, hugetlb
 * pages, shared memory, some of it touched, and its fork.
 */
static void boot(void)
{
	struct mm_config cfg = { .ram_bytes = 512ULL << 20, .nr_nodes = 1 };

	m = mm_boot(&cfg, NULL, 0);
	cr_assert(m);
	cr_assert_eq(mm_tunable_write(m, "nr_hugepages", "2\n", 2), 0);
	run(0, "spawn");
	for (int i = 0; i < 40; i++)
		run(2, i % 2 ? "mmap 0 8K r-- private,anon" : "mmap 0 12K rw- private,anon,populate");
	run(2, "mmap 0 2M rw- private,anon,hugetlb,populate");
	run(2, "mmap 0 64K rw- shared,anon,populate");
	run(2, "brk 0x555555600000");
	run(2, "fork");
}

static void shutdown(void)
{
	mm_shutdown(m);
	leak_check();
}

TestSuite(taskstream, .init = boot, .fini = shutdown);

typedef void (*render_fn)(struct rbuf *, const struct mm_task_snap *);

static char *whole(struct mm_task_snap *s, render_fn fn)
{
	struct rbuf b;

	rbuf_init(&b);
	fn(&b, s);
	rbuf_put(&b, "", 0);
	return b.buf;
}

Test(taskstream, packed_prints_what_full_prints)
{
	for (int pid = 2; pid <= 3; pid++) {
		struct mm_task_snap *full = mm_snap_task(m, pid, 2);
		struct mm_task_snap *packed = mm_snap_task_packed(m, pid, 2);
		char *a, *b;
		struct rbuf ra, rb;

		cr_assert(full && packed);
		cr_assert(packed->packed_len < full->nr_vmas * 64, "%zu bytes for %zu VMAs",
			  packed->packed_len, full->nr_vmas);
		a = whole(full, render_maps);
		b = whole(packed, render_maps);
		cr_assert_str_eq(a, b);
		free(a);
		free(b);
		a = whole(full, render_smaps);
		b = whole(packed, render_smaps);
		cr_assert_str_eq(a, b);
		cr_assert(strstr(a, "[heap]") && strstr(a, "/anon_hugepage (deleted)") &&
			  strstr(a, "/dev/zero (deleted)"), "the names are there");
		free(a);
		free(b);
		rbuf_init(&ra);
		rbuf_init(&rb);
		cr_assert_eq(render_smaps_rollup(&ra, full), 0);
		cr_assert_eq(render_smaps_rollup(&rb, packed), 0);
		rbuf_put(&ra, "", 0);
		rbuf_put(&rb, "", 0);
		cr_assert_str_eq(ra.buf, rb.buf);
		rbuf_free(&ra);
		rbuf_free(&rb);
		free(full);
		free(packed);
	}
}

/* The same bytes read in chunks of n from offset 0, or at the given offsets. */
static void read_all(struct tstream *ts, const char *want, size_t n)
{
	size_t len = strlen(want), off = 0, k;
	char *buf = malloc(n);

	while ((k = tstream_read(ts, buf, n, off)) > 0) {
		cr_assert_leq(off + k, len);
		cr_assert(!memcmp(buf, want + off, k), "chunk %zu at %zu differs", n, off);
		off += k;
	}
	cr_assert_eq(off, len, "chunks of %zu: %zu of %zu bytes", n, off, len);
	free(buf);
}

Test(taskstream, any_reading_gives_the_same_bytes)
{
	static const struct tstream_fmt smaps = { render_smaps_vma, render_smaps_gate, 2 };
	struct mm_task_snap *full = mm_snap_task(m, 2, 2);
	char *want = whole(full, render_smaps), buf[100];
	struct tstream *ts = tstream_new(mm_snap_task_packed(m, 2, 2), &smaps);
	size_t len = strlen(want);

	cr_assert(ts);
	for (size_t n = 1; n < 4000; n = n * 3 + 1)
		read_all(ts, want, n);
	read_all(ts, want, 1 << 20);
	/* backwards and in jumps: each read is right on its own */
	for (size_t off = len - 50; off > 50; off = off * 2 / 3) {
		cr_assert_eq(tstream_read(ts, buf, 50, off), 50);
		cr_assert(!memcmp(buf, want + off, 50), "at %zu", off);
	}
	cr_assert_eq(tstream_read(ts, buf, 50, len), 0, "the end");
	/* the stream keeps its snapshot: a change after it does not show */
	run(2, "munmap 0x7ffff7ff9000 4096");
	read_all(ts, want, 4096);
	tstream_free(ts);
	free(want);
	free(full);
}
