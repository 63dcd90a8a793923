/* SPDX-License-Identifier: MIT */
/*
 * host_run.h - the host runner, the child process side_host.c forks.
 */
#ifndef TOOLS_DIFFTEST_HOST_RUN_H
#define TOOLS_DIFFTEST_HOST_RUN_H

#include <stdbool.h>

/* Whether VMA lines carry Rss and Locked (set before forking). */
extern bool host_opt_rss;

/*
 * Serve commands read from in, one block per command written to out,
 * with files under files_dir; never returns. The first block is "ready"
 * or a '!' line saying why the runner cannot work.
 */
void host_child_main(int in, int out, const char *files_dir) __attribute__((noreturn));

#endif
