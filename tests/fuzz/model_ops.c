/* SPDX-License-Identifier: MIT */
/*
 * model_ops.c - fuzz_model's commands: one record of the input -> one call
 * of the model's public API (mm/mm.h), as MOUNT/ctl, MOUNT/proc/PID/ctl,
 * proc/PID/mem, files/ and the tunables would make it. Failures of the
 * calls are expected and ignored: what is checked is the state they leave
 * (fuzz_model.c runs the invariant checker after every command).
 *
 * With FUZZ_TRACE set, each command is printed first, in the control
 * language where it has a form there, so a crashing input can be read and
 * replayed by hand. The commands of files/, the tunables and the views are
 * in model_io.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../mm/mm.h"
#include "fuzz.h"
#include "model.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_IO	(9 * 1024)	/* longest mem/file transfer: crosses two page edges */

void trace(struct fuzz_run *r, const char *fmt, ...)
{
	va_list ap;

	if (!r->trace)
		return;
	fprintf(stderr, "fuzz_model %4lu: ", r->step);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void op_shm(struct fuzz_run *r, int pid, struct cursor *c);

/*
 * One system call for pid. Its control line must parse back to the same
 * call (model_line.c); traced as that line.
 */
static uint64_t sys(struct fuzz_run *r, int pid, struct mm_call c)
{
	char why[256], line[512];
	uint64_t ret = 0;
	int err;

	call_line(&c, line, sizeof(line));
	check_call_line(&c, line);
	trace(r, "proc/%d/ctl: %s", pid, line);
	err = mm_syscall(r->m, pid, &c, &ret, why, sizeof(why));
	if (r->trace)
		fprintf(stderr, "    -> %d %#" PRIx64 " %s\n", err, ret, err ? why : "");
	if (!err && (c.verb == MMV_MMAP || c.verb == MMV_MREMAP))
		note_hot(r, ret);
	else if (!err && c.verb == MMV_BRK && ret > 4096)
		note_hot(r, ret - 4096);	/* the heap's last page */
	return err ? 0 : ret;
}

/* ---- global commands ---- */

static void op_spawn(struct fuzz_run *r, struct cursor *c)
{
	static const char *const names[] = {
		"", "sh", "/bin/true", "prog", "/usr/bin/cat", "bad name", "/a/../b", "/d/e",
	};
	const char *name = names[in_u8(c) % NELEM(names)];
	char why[256];
	int pid = 0, err;

	trace(r, "ctl: spawn %s", name);
	err = mm_spawn(r->m, name, &pid, why, sizeof(why));
	if (r->trace)
		fprintf(stderr, "    -> %d %d %s\n", err, pid, err ? why : "");
}

static void op_kill(struct fuzz_run *r, struct cursor *c)
{
	uint8_t b = in_u8(c);
	int pids[64], n = mm_pids(r->m, pids, 64), pid;
	char why[256];

	n = n > 64 ? 64 : n;
	if (b == 0xfe)
		pid = 1;		/* EPERM: init stays */
	else if (b == 0xfd)
		pid = 4242;		/* ESRCH */
	else if (n > 1)
		pid = pids[1 + b % (n - 1)];
	else
		return;
	trace(r, "ctl: kill %d", pid);
	mm_signal_kill(r->m, pid);	/* as ctl_run does, before the kill's turn */
	mm_kill(r->m, pid, why, sizeof(why));
}

/*
 * swapon or swapoff of one of three names (k: 0..5): the first is the
 * mount's own device when the machine booted with swap; the second a block
 * device, where THPs go to swap whole. A swapoff that memory cannot hold
 * answers ENOMEM and must leave everything checkable.
 */
static void op_swap(struct fuzz_run *r, int k, struct cursor *c)
{
	static const char *const names[] = { "/swapfile", "/dev/swap2", "/swap3" };
	const char *name = names[k / 2 % 3];
	char why[256];
	int err;

	if (k % 2 == 0) {
		uint64_t bytes = (uint64_t)(1 + in_u8(c)) << 16;	/* 64K .. 16M */
		int prio = (int)(in_u8(c) % 12) - 1;		/* -1: assigned */

		trace(r, "ctl: swapon %s %#" PRIx64 " %d", name, bytes, prio);
		err = mm_swapon(r->m, name, bytes, prio, why, sizeof(why));
	} else {
		trace(r, "ctl: swapoff %s", name);
		err = mm_swapoff(r->m, name, why, sizeof(why));
	}
	if (r->trace && err)
		fprintf(stderr, "    -> %d %s\n", err, why);
}

static void op_global(struct fuzz_run *r, enum fuzz_op op, struct cursor *c)
{
	char why[256];
	int mode;

	switch (op) {
	case OP_DROP_CACHES:
		mode = in_u8(c);
		if (mode >= 250) {	/* the rare values: swap devices come and go */
			op_swap(r, mode - 250, c);
			break;
		}
		mode %= 5;	/* 0 and 4 are refused */
		trace(r, "ctl: drop_caches %d", mode);
		mm_drop_caches(r->m, mode, why, sizeof(why));
		break;
	case OP_COMPACT:
		trace(r, "ctl: compact");
		mm_compact(r->m, why, sizeof(why));
		break;
	default:
		trace(r, "ctl: sync");
		mm_sync(r->m, why, sizeof(why));
		break;
	}
}

/* ---- mmap and the calls on a range ---- */

static uint64_t pick_prot(struct cursor *c)
{
	uint8_t b = in_u8(c);
	uint64_t prot = b & 7;

	if (b & 0x08)
		prot |= MM_PROT_GROWSDOWN;
	if (b & 0x10)
		prot |= MM_PROT_GROWSUP;
	if (b & 0x80)
		prot |= in_u32(c) & ~7u;	/* bits the kernel must refuse */
	return prot;
}

static uint64_t pick_map_flags(struct cursor *c)
{
	static const uint64_t types[] = { MM_MAP_PRIVATE, MM_MAP_SHARED, MM_MAP_PRIVATE,
					  MM_MAP_SHARED_VALIDATE };
	static const uint64_t more[] = {
		MM_MAP_NORESERVE, MM_MAP_GROWSDOWN, MM_MAP_HUGETLB, MM_MAP_STACK, MM_MAP_SYNC,
		MM_MAP_DENYWRITE | MM_MAP_EXECUTABLE, MM_MAP_UNINITIALIZED | MM_MAP_NONBLOCK,
	};
	uint8_t b = in_u8(c), e;
	uint64_t f = types[b & 3];

	f |= (b & 0x04) ? MM_MAP_ANONYMOUS : 0;
	f |= (b & 0x08) ? MM_MAP_FIXED : 0;
	f |= (b & 0x10) ? MM_MAP_FIXED_NOREPLACE : 0;
	f |= (b & 0x20) ? MM_MAP_POPULATE : 0;
	f |= (b & 0x40) ? MM_MAP_LOCKED : 0;
	if (!(b & 0x80))
		return f;
	e = in_u8(c);
	for (size_t i = 0; i < NELEM(more); i++)
		if (e & (1u << i))
			f |= more[i];
	if (e & 0x80)
		f ^= in_u32(c);		/* anything, invalid types included */
	return f;
}

static int pick_fd(struct cursor *c)
{
	uint8_t b = in_u8(c) % 8;

	return b < 6 ? 3 + b : b == 6 ? -1 : 0;
}

static void op_mmap(struct fuzz_run *r, int pid, struct cursor *c)
{
	struct mm_call call = { .verb = MMV_MMAP, .fd = -1 };
	uint8_t fb, ob;

	call.addr = pick_addr(r, pid, c);
	call.len = pick_len(c);
	call.prot = pick_prot(c);
	call.flags = pick_map_flags(c);
	fb = in_u8(c);
	if (!(call.flags & MM_MAP_ANONYMOUS) || (fb & 0x40)) {
		if (fb & 0x80)
			call.fd = pick_fd(c);
		else
			snprintf(call.path, sizeof(call.path), "%s", pick_path(c));
	}
	ob = in_u8(c) % 4;
	call.off = ob == 0 ? 0 : ob == 1 ? (in_u8(c) % 8) * 4096ULL : ob == 2 ? in_u16(c) : in_u64(c);
	sys(r, pid, call);
}

static int64_t pick_advice(struct cursor *c)
{
	static const int64_t advice[] = {
		MM_MADV_NORMAL, MM_MADV_RANDOM, MM_MADV_SEQUENTIAL, MM_MADV_WILLNEED,
		MM_MADV_DONTNEED, MM_MADV_FREE, MM_MADV_REMOVE, MM_MADV_DONTFORK, MM_MADV_DOFORK,
		MM_MADV_MERGEABLE, MM_MADV_UNMERGEABLE, MM_MADV_HUGEPAGE, MM_MADV_NOHUGEPAGE,
		MM_MADV_DONTDUMP, MM_MADV_DODUMP, MM_MADV_WIPEONFORK, MM_MADV_KEEPONFORK,
		MM_MADV_COLD, MM_MADV_PAGEOUT, MM_MADV_POPULATE_READ, MM_MADV_POPULATE_WRITE,
		MM_MADV_DONTNEED, MM_MADV_FREE, MM_MADV_PAGEOUT,
		-1, 5, 7, 24, 25, 100, INT64_MIN,
	};

	return advice[in_u8(c) % NELEM(advice)];
}

static void op_range(struct fuzz_run *r, enum fuzz_op op, int pid, struct cursor *c)
{
	struct mm_call call = { .fd = -1 };
	uint8_t b;

	pick_range(r, pid, c, &call.addr, &call.len);
	switch (op) {
	case OP_MUNMAP:
		call.verb = MMV_MUNMAP;
		break;
	case OP_MPROTECT:
		call.verb = MMV_MPROTECT;
		call.prot = pick_prot(c);
		break;
	case OP_MADVISE:
		call.verb = MMV_MADVISE;
		call.advice = pick_advice(c);
		break;
	case OP_MLOCK:
		call.verb = MMV_MLOCK;
		break;
	case OP_MLOCK2:
		call.verb = MMV_MLOCK2;
		call.flags = in_u8(c) % 3;	/* 0, MLOCK_ONFAULT, invalid */
		break;
	case OP_MUNLOCK:
		call.verb = MMV_MUNLOCK;
		break;
	case OP_MSYNC:
		call.verb = MMV_MSYNC;
		b = in_u8(c);
		call.flags = (b & 7) | ((b & 8) ? 16 : 0);
		break;
	case OP_TOUCH:
		call.verb = MMV_TOUCH;
		call.mode = (in_u8(c) & 1) ? 'w' : 'r';
		break;
	default:
		break;
	}
	sys(r, pid, call);
}

/*
 * A memory-policy call: mode byte (bits 0-2 the mode, 7 invalid; bits 3-5
 * STATIC, RELATIVE, NUMA_BALANCING), node byte (bits 0-2 nodes 0-2, a node
 * the 1-node machines lack; bit 6 maxnode 2; bit 7 a NULL mask); mbind adds
 * a range before and its flags after, get_mempolicy an address and flags.
 */
static void op_mpol(struct fuzz_run *r, enum fuzz_op op, int pid, struct cursor *c)
{
	struct mm_call call = { .fd = -1 };
	uint8_t b, n;

	if (op == OP_GET_MEMPOLICY) {
		call.verb = MMV_GET_MEMPOLICY;
		b = in_u8(c);
		call.addr = (b & 8) ? pick_addr(r, pid, c) : 0;
		call.flags = b & 7;
		call.advice = 3;
		call.maxnode = (b & 16) ? 1 : 65;
		sys(r, pid, call);
		return;
	}
	if (op == OP_MBIND)
		pick_range(r, pid, c, &call.addr, &call.len);
	b = in_u8(c);
	n = in_u8(c);
	call.verb = op == OP_MBIND ? MMV_MBIND : MMV_SET_MEMPOLICY;
	call.mode = (b & 7) | ((b & 8) ? MM_MPOL_F_STATIC_NODES : 0) |
		    ((b & 16) ? MM_MPOL_F_RELATIVE_NODES : 0) |
		    ((b & 32) ? MM_MPOL_F_NUMA_BALANCING : 0);
	call.nodes[0] = n & 7;
	call.nodes_ptr[0] = !(n & 0x80);
	call.maxnode = (n & 0x40) ? 2 : 65;
	if (op == OP_MBIND)
		call.flags = in_u8(c) & 7;
	sys(r, pid, call);
}

static void op_mremap(struct fuzz_run *r, int pid, struct cursor *c)
{
	struct mm_call call = { .verb = MMV_MREMAP, .fd = -1 };
	uint8_t b;

	pick_range(r, pid, c, &call.addr, &call.len);
	b = in_u8(c);
	call.new_len = (b & 0x80) ? pick_len(c) : call.len + ((int8_t)(b << 1) / 2) * 4096LL;
	call.flags = in_u8(c) % 9;	/* MAYMOVE FIXED DONTUNMAP, and 8: invalid */
	if (call.flags & MM_MREMAP_FIXED)
		call.new_addr = pick_addr(r, pid, c);
	sys(r, pid, call);
}

static void op_brk(struct fuzz_run *r, int pid, struct cursor *c)
{
	struct mm_task_snap *s = mm_snap_task(r->m, pid, 0);
	struct mm_call call = { .verb = MMV_BRK, .fd = -1 };
	uint8_t b = in_u8(c);
	uint64_t brk = s ? s->brk : 0, start = s ? s->start_brk : 0;

	free(s);
	switch (b % 6) {
	case 0: call.addr = 0; break;
	case 1: call.addr = brk + (in_u8(c) % 64) * 4096ULL; break;
	case 2: call.addr = brk - (in_u8(c) % 64) * 4096ULL; break;
	case 3: call.addr = start + in_u16(c); break;
	case 4: call.addr = brk + (1 + in_u8(c) % 4) * (2ULL << 20); break;
	default: call.addr = in_u64(c); break;
	}
	sys(r, pid, call);
}

/* ---- process life, files of a process ---- */

static void op_task(struct fuzz_run *r, enum fuzz_op op, int pid, struct cursor *c)
{
	static const char *const names[] = { "", "sh", "/usr/bin/prog", "/bin/x", "bad name" };
	struct mm_call call = { .fd = -1 };
	uint8_t b;

	switch (op) {
	case OP_MLOCKALL:
		call.verb = MMV_MLOCKALL;
		call.flags = in_u8(c) % 8;
		break;
	case OP_MUNLOCKALL:
		call.verb = MMV_MUNLOCKALL;
		break;
	case OP_FORK:
		call.verb = MMV_FORK;
		break;
	case OP_EXEC:
		call.verb = MMV_EXEC;
		snprintf(call.path, sizeof(call.path), "%s", names[in_u8(c) % NELEM(names)]);
		break;
	case OP_EXIT:
		call.verb = MMV_EXIT;
		break;
	case OP_OPEN:
		call.verb = MMV_OPEN;
		snprintf(call.path, sizeof(call.path), "%s", pick_path(c));
		b = in_u8(c);
		call.flags = (b & 3) | ((b & 4) ? MM_O_CREAT : 0) | ((b & 8) ? MM_O_TRUNC : 0);
		if (b & 0x10)
			call.fd = in_u8(c) % 16;	/* strace said which fd it returned */
		break;
	default:
		call.verb = MMV_CLOSE;
		call.fd = pick_fd(c);
		break;
	}
	sys(r, pid, call);
}

/*
 * mincore's answer is runs of 0 and 1 (mm_runs): they must cover exactly
 * the pages asked for, in non-empty runs that alternate.
 */
static void op_mincore(struct fuzz_run *r, int pid, struct cursor *c)
{
	struct mm_runs runs = { 0 };
	uint64_t addr, len, sum = 0;
	char why[256];
	int err;

	pick_range(r, pid, c, &addr, &len);
	trace(r, "proc/%d/ctl: mincore %#" PRIx64 " %#" PRIx64, pid, addr, len);
	err = mm_mincore(r->m, pid, addr, len, &runs, why, sizeof(why));
	if (err)
		return;
	for (size_t i = 0; i < runs.nr; i++) {
		FUZZ_ASSERT(runs.run[i].len && runs.run[i].val <= 1 &&
			    (!i || runs.run[i].val != runs.run[i - 1].val),
			    "mincore run %zu of %zu: %" PRIu64 " x %d", i, runs.nr, runs.run[i].len,
			    runs.run[i].val);
		sum += runs.run[i].len;
	}
	FUZZ_ASSERT(sum == runs.total && sum == (len + 4095) / 4096,
		    "mincore %#" PRIx64 " %#" PRIx64 " gave %" PRIu64 " pages (total %" PRIu64 ")",
		    addr, len, sum, runs.total);
	mm_runs_free(&runs);
}

static void op_mem_rw(struct fuzz_run *r, int pid, struct cursor *c)
{
	uint64_t addr = pick_addr(r, pid, c);
	size_t len = in_u16(c) % MAX_IO;
	uint8_t b = in_u8(c), buf[MAX_IO];
	long n;

	fill_pattern(buf, len, b);
	trace(r, "proc/%d/mem: %s %zu bytes at %#" PRIx64, pid, (b & 1) ? "write" : "read", len, addr);
	n = mm_mem_rw(r->m, pid, addr, buf, len, b & 1);
	FUZZ_ASSERT(n == -EIO || n == -ESRCH || (n >= 0 && (size_t)n <= len),
		    "mm_mem_rw of %zu bytes returned %ld", len, n);
}

static void run_op(struct fuzz_run *r, enum fuzz_op op, struct cursor *c);

/*
 * A record runs as one command of the daemon: in the command turn
 * (mm_cmd_begin/end). An op byte of 0xe0 or more also injects a kill at
 * the command's N-th step boundary (N from the next byte, 1..16), as a
 * journal replay does: fork, touch and populate then stop there with
 * EINTR and must leave a consistent model behind.
 */
void model_step(struct fuzz_run *r, struct cursor *c)
{
	uint8_t b = in_u8(c);
	uint64_t inject = b >= 0xe0 ? 1 + in_u8(c) % 16 : 0;
	enum fuzz_op op = (enum fuzz_op)(b % OP_NR);

	r->step++;
	switch (op) {
	case OP_TRACEFS: case OP_ZSWAP: case OP_PAGE_OWNER: case OP_CTL_LINE:
		run_op(r, op, c);	/* cmd_run takes the turn: no injected kill */
		return;
	default:
		break;
	}
	if (inject)
		trace(r, "(interrupted at step boundary %" PRIu64 ")", inject);
	mm_cmd_begin(r->m, inject);
	run_op(r, op, c);
	mm_cmd_end(r->m);
}

static void run_op(struct fuzz_run *r, enum fuzz_op op, struct cursor *c)
{
	int pid;

	switch (op) {
	case OP_SPAWN: op_spawn(r, c); return;
	case OP_KILL: op_kill(r, c); return;
	case OP_DROP_CACHES: case OP_COMPACT: case OP_SYNC: op_global(r, op, c); return;
	case OP_FILE_WRITE: case OP_FILE_TRUNCATE: case OP_FILE_READ: case OP_FILE_FSYNC:
		op_file(r, op, c);
		return;
	case OP_FILE_RENAME: op_rename(r, c); return;
	case OP_TUNABLE: op_tunable(r, c); return;
	case OP_TRACEFS: op_tracefs(r, c); return;
	case OP_ZSWAP: op_zswap(r, c); return;
	case OP_PAGE_OWNER: op_page_owner(r, c); return;
	case OP_CTL_LINE: op_ctl_line(r, c); return;
	default:
		break;
	}
	pid = pick_pid(r, c);
	if (!pid)
		return;		/* nobody but init: process commands wait for a spawn */
	switch (op) {
	case OP_MMAP: op_mmap(r, pid, c); return;
	case OP_MREMAP: op_mremap(r, pid, c); return;
	case OP_BRK: op_brk(r, pid, c); return;
	case OP_MINCORE: op_mincore(r, pid, c); return;
	case OP_MEM_RW: op_mem_rw(r, pid, c); return;
	case OP_VIEW: op_view(r, pid, c); return;
	case OP_SHM: op_shm(r, pid, c); return;
	case OP_MBIND: case OP_SET_MEMPOLICY: case OP_GET_MEMPOLICY:
		op_mpol(r, op, pid, c);
		return;
	case OP_MLOCKALL: case OP_MUNLOCKALL: case OP_FORK: case OP_EXEC: case OP_EXIT:
	case OP_OPEN: case OP_CLOSE:
		op_task(r, op, pid, c);
		return;
	default:
		op_range(r, op, pid, c);
		return;
	}
}

/*
 * System V shared memory: a shmget of a few keys and sizes (IPC_PRIVATE,
 * creat/excl, random bits too), an shmat of ids 0..3 or 32768 at no
 * address, a window address or a random one, an shmdt, an shmctl of any
 * command with a NULL or a non-NULL buffer.
 */
static void op_shm(struct fuzz_run *r, int pid, struct cursor *c)
{
	static const int32_t keys[] = { 0, 42, 0x1234, -1 };
	static const uint64_t sizes[] = { 4096, 10000, 2ULL << 20, 0, 1, 64ULL << 20 };
	uint8_t k = in_u8(c), b = in_u8(c);
	struct mm_call call = { .fd = -1 };
	int32_t ids[] = { 0, 1, 2, 3, 32768, -1 };

	switch (k % 4) {
	case 0:
		call.verb = MMV_SHMGET;
		call.advice = keys[b % NELEM(keys)];
		call.len = sizes[(b >> 2) % NELEM(sizes)];
		call.flags = (b & 0x80) ? in_u32(c) : 01000 | (b & 0x40 ? 02000 : 0) | 0640;
		break;
	case 1:
		call.verb = MMV_SHMAT;
		call.fd = ids[b % NELEM(ids)];
		call.addr = (b & 0x10) ? pick_addr(r, pid, c) : 0;
		call.flags = (b & 0x21) == 0x21 ? in_u32(c) : (b & 0x40 ? 010000 : 0);
		break;
	case 2:
		call.verb = MMV_SHMDT;
		call.addr = pick_addr(r, pid, c);
		break;
	default:
		call.verb = MMV_SHMCTL;
		call.fd = ids[b % NELEM(ids)];
		call.mode = in_u8(c) % 17;
		call.addr = (b & 0x80) ? 0x7ffc0000 : 0;
		break;
	}
	sys(r, pid, call);
}
