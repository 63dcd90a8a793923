/* SPDX-License-Identifier: MIT */
/*
 * difftest.h - what the parts of mmfs-difftest share.
 *
 * The differential tester runs one command script on two "sides" step by
 * step and compares, after every command, one normalised text block:
 *
 *	<reply>			0x-address, 0, a 0/1 string, an fd, or "error ENAME"
 *	<vma>...		one line per VMA intersecting the window
 *
 * A side is the host kernel (a forked runner that performs the real system
 * calls), a mounted mmfs (a spawned simulated process driven through its
 * ctl file), or a recorded trace. The window is a fixed address range that
 * is free in both processes, so scripts use absolute addresses.
 */
#ifndef TOOLS_DIFFTEST_H
#define TOOLS_DIFFTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../fs/parse.h"
#include "../../fs/render.h"

/* The window: [WIN_START, WIN_END), free in the runner and in a fresh spawn. */
/*
 * 0x500000000000: clear of everything a host process has there, also under
 * AddressSanitizer, whose allocator owns 0x600000000000-0x640000000000.
 */
#define WIN_START	0x500000000000ULL
#define WIN_SIZE	(256ULL << 20)
#define WIN_END		(WIN_START + WIN_SIZE)
#define PAGE		4096ULL

/* One line of the user address space above which every call fails. */
#define TASK_SIZE_MAX	0x7ffffffff000ULL

/* Exit codes: identical, a difference, the tool itself could not run. */
#define DT_SAME		0
#define DT_DIFF		1
#define DT_ERROR	2

/* ---- scripts ---- */

struct script_line {
	char *text;		/* the command as written, no newline */
	int lineno;		/* 1-based, in its file */
	struct mm_call call;	/* as parse_command() read it */
};

struct script {
	char *name;		/* file name, or "random seed N" */
	struct script_line *lines;	/* only the lines that run something */
	size_t nr, cap;
};

/* Read and check a script: every line must parse (PARSE_PROCESS) and, when
 * host is set, be a call the host runner can make. Returns 0 or prints why
 * and returns -1. */
int script_load(struct script *s, const char *path, bool host);
/* Append one line (it must parse); returns 0 or -1 with a message. */
int script_add(struct script *s, const char *text, int lineno, bool host);
void script_free(struct script *s);
/* Whether the host runner can perform this verb (brk, fork, exec, exit: no). */
bool verb_on_host(enum mm_verb v);
/* host_mpol.c: set_mempolicy, mbind, get_mempolicy on the host; text gets get_mempolicy's reply */
long host_mpol_call(const struct mm_call *c, char *text, size_t len);

/* ---- sides ---- */

struct side_opts {
	bool rss;		/* add Rss and Locked (kB) to every VMA line */
};

struct side {
	char label[64];		/* "host", "mmfs", "trace" (for messages) */
	const struct side_ops *ops;
	struct side_opts opts;
	void *priv;
};

struct side_ops {
	/* Fresh state for a new script: a new process, an empty window. */
	int (*start)(struct side *s, const char *script_name);
	/* Run one line; append the reply and VMA lines to out. 0 or -1 (the
	 * side broke: message printed). */
	int (*step)(struct side *s, const struct script_line *l, struct rbuf *out);
	void (*stop)(struct side *s);
	void (*destroy)(struct side *s);
};

/* side SPEC: "host[:DIR]", "mmfs:MNT" or "trace:FILE". 0 or -1. */
int side_open(struct side *s, const char *spec, const struct side_opts *o);

int side_host_init(struct side *s, const char *files_dir);
int side_mmfs_init(struct side *s, const char *mount);
int side_trace_init(struct side *s, const char *file);

/* ---- shared formatting ---- */

/*
 * The normalised VMA list of one smaps text: every VMA that intersects the
 * window, as "start-end perms offset [name] [flags]" (plus " rss=N lck=N"
 * with rss). A name that starts with files_prefix (the host's files dir, may
 * be NULL) is shown from the simulated root ("/data/f1").
 */
void vmalist_from_smaps(struct rbuf *out, const char *smaps, size_t len,
			const char *files_prefix, bool rss);

/* First VMA of a maps or smaps text that intersects [lo, hi), as "start-end";
 * false when there is none. */
bool maps_find_overlap(const char *text, size_t len, uint64_t lo, uint64_t hi,
		       char *what, size_t whatlen);

/* An address reply: "0x..." inside the window, "outside" elsewhere. */
void reply_addr(struct rbuf *out, uint64_t addr);

/* Read a whole file (a proc file: size unknown) into b. 0 or -errno. */
int read_whole(int dirfd, const char *path, struct rbuf *b);

/* ---- the random generator and the fixture ---- */

/* ops commands for seed into s (appended), deterministic per seed. */
void gen_script(struct script *s, uint64_t seed, unsigned ops);

/* The fixture: the files scripts map, by name under the files directory. */
struct fixture_file {
	const char *name;	/* "data/f1" */
	uint64_t size;		/* bytes */
};
extern const struct fixture_file fixture_files[];
extern const size_t fixture_nr_files;

/* Create the files scripts map, under dir (which must exist). 0 or -1. */
int fixture_create(const char *dir);

/* malloc_diff.c: `mmfs-difftest malloc ...` (argv[0] is "malloc"). */
int malloc_diff_main(int argc, char **argv);

#endif
