/* SPDX-License-Identifier: MIT */
/*
 * ctltest.h - tests that drive the model by control lines, as a person
 * writes them to MOUNT/ctl or proc/PID/ctl: run() returns the reply line
 * (without its newline) and runs the checker after it. Each test file
 * defines `m`, the machine under test, before including this.
 */
#ifndef TESTS_CTLTEST_H
#define TESTS_CTLTEST_H

#include "mmtest.h"
#include "../../fs/ctl.h"
#include "../../fs/ctlfile.h"

static struct replyq reply;
static char *last;	/* the last reply line */
static size_t last_len;

/* A 1 GiB, one-node machine with 64 MiB of swap. */
static inline void boot(void)
{
	struct mm_config cfg = { .ram_bytes = 1ULL << 30, .nr_nodes = 1, .swap_bytes = 64ULL << 20 };
	char why[128] = "";

	m = mm_boot(&cfg, why, sizeof(why));
	cr_assert_not_null(m, "mm_boot: %s", why);
	rq_init(&reply);
}

static inline void shutdown(void)
{
	free(last);
	last = NULL;
	rq_free(&reply);
	mm_shutdown(m);
}

/* Run one line on pid's ctl (0: MOUNT/ctl); the reply line without its newline. */
static inline const char *run(int pid, const char *line)
{
	ctl_run(m, pid, line, strlen(line), &reply);
	free(last);
	last = rq_take(&reply, &last_len);
	if (last_len && last[last_len - 1] == '\n')
		last[--last_len] = '\0';
	check_ok();
	return last;
}

#define EXPECT(pid, line, want) \
	cr_assert_str_eq(run(pid, line), want, "%s -> %s", line, last)

#endif
