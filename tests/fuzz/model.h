/* SPDX-License-Identifier: MIT */
/*
 * model.h - fuzz_model's pieces: the input cursor, the run's context, the
 * command decoder (model_ops.c) and the backing directory (backing.c).
 *
 * Input format (every byte string is a valid input; reads past the end
 * give 0, so a truncated command still runs with zero arguments):
 *
 *   byte 0        machine: bits 0-1 ram (64M 96M 128M 128M), bit 2 two
 *                 nodes (128M only), bits 3-4 THP mode (madvise always
 *                 never madvise), bit 5 a 64M swap device, bit 6
 *                 page_owner=on
 *   then records  [op % OP_NR] [arguments as that op reads them]
 *                 (an op byte >= 0xe0 is followed by a byte N: the record
 *                 runs with a kill injected at its (N % 16 + 1)-th step)
 *
 * gen-corpus.py writes seeds in this format; keep the two in step (an op's
 * number is its place in enum fuzz_op).
 */
#ifndef TESTS_FUZZ_MODEL_H
#define TESTS_FUZZ_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;

/* The bytes not consumed yet. */
struct cursor {
	const uint8_t *p;
	size_t n;
};

static inline uint8_t in_u8(struct cursor *c)
{
	if (!c->n)
		return 0;
	c->n--;
	return *c->p++;
}

/* Little-endian, so that dictionary words read as the numbers they spell. */
static inline uint64_t in_bytes(struct cursor *c, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v |= (uint64_t)in_u8(c) << (8 * i);
	return v;
}

#define in_u16(c) ((uint16_t)in_bytes((c), 2))
#define in_u32(c) ((uint32_t)in_bytes((c), 4))
#define in_u64(c) in_bytes((c), 8)

/* The ops, in the order of their numbers (the first byte of a record). */
enum fuzz_op {
	OP_SPAWN, OP_KILL, OP_DROP_CACHES, OP_COMPACT, OP_SYNC,
	OP_MMAP, OP_MUNMAP, OP_MPROTECT, OP_MREMAP, OP_BRK, OP_MADVISE,
	OP_MLOCK, OP_MLOCK2, OP_MUNLOCK, OP_MLOCKALL, OP_MUNLOCKALL,
	OP_MINCORE, OP_MSYNC, OP_TOUCH, OP_FORK, OP_EXEC, OP_EXIT,
	OP_OPEN, OP_CLOSE, OP_MEM_RW,
	OP_FILE_WRITE, OP_FILE_TRUNCATE, OP_FILE_READ, OP_FILE_FSYNC, OP_FILE_RENAME,
	OP_TUNABLE, OP_VIEW,
	OP_SHM,
	OP_MBIND, OP_SET_MEMPOLICY, OP_GET_MEMPOLICY,	/* appended: memory policies */
	OP_TRACEFS, OP_ZSWAP, OP_PAGE_OWNER, OP_CTL_LINE,	/* appended: model_sys.c */
	OP_NR
};

/*
 * The window most addresses fall in, so that mappings overlap, merge and
 * split: 8 MiB at 8 GiB, 2 MiB-aligned so that THP can use it.
 */
#define WIN_BASE	0x200000000ULL
#define WIN_PAGES	2048ULL

struct fuzz_run {
	struct machine *m;
	const char *backing;	/* the backing directory, reset per input */
	bool init_touched;	/* a command ran on pid 1: its state is not boot's */
	bool trace;		/* FUZZ_TRACE set: print each command on stderr */
	unsigned long step;	/* commands run so far in this input */
#define NR_HOT 8
	uint64_t hot[NR_HOT];	/* addresses mmap, mremap and brk returned last */
	unsigned long nr_hot;	/* how many were ever recorded */
};

/*
 * model_pick.c: arguments from bytes. pick_pid returns a live process
 * other than init (0 when there is none), or init for the byte 0xff.
 */
int pick_pid(struct fuzz_run *r, struct cursor *c);
uint64_t pick_addr(struct fuzz_run *r, int pid, struct cursor *c);
uint64_t pick_len(struct cursor *c);
void pick_range(struct fuzz_run *r, int pid, struct cursor *c, uint64_t *addr, uint64_t *len);
const char *pick_path(struct cursor *c);
const char *pick_rename_path(struct cursor *c);
uint64_t pick_file_off(struct cursor *c);
void fill_pattern(uint8_t *buf, size_t len, uint8_t seed);
void note_hot(struct fuzz_run *r, uint64_t addr);

/* model_line.c: a call as a control line, and the check that it parses back. */
struct mm_call;
void call_line(const struct mm_call *c, char *buf, size_t len);
void check_call_line(const struct mm_call *c, const char *line);

/* model_io.c: files/, tunables, views. */
void op_file(struct fuzz_run *r, enum fuzz_op op, struct cursor *c);
void op_rename(struct fuzz_run *r, struct cursor *c);
void op_tunable(struct fuzz_run *r, struct cursor *c);
void op_pressure_knob(struct fuzz_run *r, int k, uint8_t v, struct cursor *c);
void op_view(struct fuzz_run *r, int pid, struct cursor *c);
/* smaps of pid must add up to its status counters; aborts if not. */
void check_task_usage(struct fuzz_run *r, int pid);

/*
 * model_sys.c: tracefs, zswap's parameters, page_owner, MOUNT/ctl lines,
 * through the daemon's own entry points (cmd_run, tracefs_*): they take
 * the command turn themselves.
 */
void op_tracefs(struct fuzz_run *r, struct cursor *c);
void op_zswap(struct fuzz_run *r, struct cursor *c);
void op_page_owner(struct fuzz_run *r, struct cursor *c);
void op_ctl_line(struct fuzz_run *r, struct cursor *c);

/* model_ops.c: with FUZZ_TRACE set, print one line about what runs. */
void trace(struct fuzz_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* model_ops.c: decode one record from c and run it. */
void model_step(struct fuzz_run *r, struct cursor *c);

/* backing.c: a fresh directory with the seed files, the same every time. */
const char *backing_dir(void);
void backing_reset(const char *dir);
int backing_rename(const char *dir, const char *from, const char *to);
int open_fd_count(void);

#endif
