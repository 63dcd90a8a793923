/* SPDX-License-Identifier: MIT */
/*
 * model_line.c - every system call fuzz_model makes, as a line of the
 * control language: the shell form where it can say it, strace's form
 * where it cannot (an mmap of an fd, a quoted path). Numbers are written
 * raw (the parser takes a number for any flag set), so any bits the
 * fuzzer chose, invalid ones included, survive.
 *
 * check_call_line() parses the line back and demands the same call: the
 * control language can express every call the model is fuzzed with, and
 * the parser reads it as meant. The line is also what FUZZ_TRACE prints.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../../fs/parse.h"
#include "fuzz.h"
#include "model.h"

#define X "%#" PRIx64

void call_line(const struct mm_call *c, char *buf, size_t len)
{
	const char *v = mm_verb_name(c->verb);

	switch (c->verb) {
	case MMV_MMAP:
		if (c->fd < 0 && c->path[0])
			snprintf(buf, len, "mmap " X " " X " " X " " X " %s " X, c->addr, c->len,
				 c->prot, c->flags, c->path, c->off);
		else
			snprintf(buf, len, "mmap(" X ", " X ", " X ", " X ", %d, " X ")", c->addr,
				 c->len, c->prot, c->flags, c->fd, c->off);
		break;
	case MMV_MUNMAP: case MMV_MLOCK: case MMV_MUNLOCK: case MMV_MINCORE:
		snprintf(buf, len, "%s " X " " X, v, c->addr, c->len);
		break;
	case MMV_MPROTECT:
		snprintf(buf, len, "mprotect " X " " X " " X, c->addr, c->len, c->prot);
		break;
	case MMV_MREMAP:
		snprintf(buf, len, "mremap " X " " X " " X " " X " " X, c->addr, c->len, c->new_len,
			 c->flags, c->new_addr);
		break;
	case MMV_BRK:
		snprintf(buf, len, "brk " X, c->addr);
		break;
	case MMV_MADVISE:
		snprintf(buf, len, "madvise " X " " X " %" PRId64, c->addr, c->len, c->advice);
		break;
	case MMV_MLOCK2: case MMV_MSYNC:
		snprintf(buf, len, "%s " X " " X " " X, v, c->addr, c->len, c->flags);
		break;
	case MMV_MLOCKALL:
		snprintf(buf, len, "mlockall " X, c->flags);
		break;
	case MMV_TOUCH:
		snprintf(buf, len, "touch " X " " X " %c", c->addr, c->len, c->mode);
		break;
	case MMV_EXEC:
		snprintf(buf, len, "execve(\"%s\", NULL, NULL)", c->path);
		break;
	case MMV_OPEN:
		if (c->fd >= 0)
			snprintf(buf, len, "open(\"%s\", " X ") = %d", c->path, c->flags, c->fd);
		else
			snprintf(buf, len, "open(\"%s\", " X ")", c->path, c->flags);
		break;
	case MMV_CLOSE:
		snprintf(buf, len, "close %d", c->fd);
		break;
	case MMV_SHMGET:
		snprintf(buf, len, "shmget(%d, " X ", " X ")", (int32_t)c->advice, c->len, c->flags);
		break;
	case MMV_SHMAT:
		snprintf(buf, len, "shmat(%d, " X ", " X ")", c->fd, c->addr, c->flags);
		break;
	case MMV_SHMDT:
		snprintf(buf, len, "shmdt " X, c->addr);
		break;
	case MMV_SHMCTL:
		snprintf(buf, len, "shmctl(%d, %d, " X ")", c->fd, c->mode, c->addr);
		break;
	case MMV_SET_MEMPOLICY: case MMV_MBIND: {
		char mask[32], head[64] = "";

		if (c->nodes_ptr[0])
			snprintf(mask, sizeof(mask), "[" X "]", c->nodes[0]);
		else
			snprintf(mask, sizeof(mask), "NULL");
		if (c->verb == MMV_MBIND)
			snprintf(head, sizeof(head), X ", " X ", ", c->addr, c->len);
		if (c->verb == MMV_MBIND)
			snprintf(buf, len, "mbind(%s%#x, %s, %" PRIu64 ", " X ")", head,
				 (unsigned)c->mode, mask, c->maxnode, c->flags);
		else
			snprintf(buf, len, "set_mempolicy(%#x, %s, %" PRIu64 ")", (unsigned)c->mode,
				 mask, c->maxnode);
		break;
	}
	case MMV_GET_MEMPOLICY:
		snprintf(buf, len, "get_mempolicy([0], [0], %" PRIu64 ", " X ", " X ")", c->maxnode,
			 c->addr, c->flags);
		break;
	default:	/* munlockall fork exit */
		snprintf(buf, len, "%s", v);
		break;
	}
}

void check_call_line(const struct mm_call *c, const char *line)
{
	struct mm_call back;
	char why[256];
	int rc = parse_command(line, strlen(line), PARSE_PROCESS, &back, why, sizeof(why));

	FUZZ_ASSERT(rc == 0, "'%s' does not parse: %s", line, why);
	FUZZ_ASSERT(back.verb == c->verb && back.addr == c->addr && back.len == c->len &&
		    back.new_len == c->new_len && back.new_addr == c->new_addr &&
		    back.off == c->off && back.prot == c->prot && back.flags == c->flags &&
		    back.advice == c->advice && back.fd == c->fd && back.mode == c->mode &&
		    back.pid == c->pid && !strcmp(back.path, c->path),
		    "'%s' parses to another call", line);
}
