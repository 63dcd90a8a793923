/* SPDX-License-Identifier: MIT */
/*
 * journal.h - the machine survives a crash: journal=FILE.
 *
 * Placeholder interface; see journal.c.
 */
#ifndef FS_JOURNAL_H
#define FS_JOURNAL_H

#include <stdint.h>

struct cmd;

/* Record c (which ran, interrupted at step `interrupted` or 0). 0 or -errno. */
int journal_append(const struct cmd *c, uint64_t interrupted);
/* path (a model path) is about to change in backing=DIR: keep what is there. */
void journal_preserve(const char *path);

#endif
