// SPDX-License-Identifier: MIT
/* journal.c - placeholder until the journal lands: nothing is recorded. */
#include "cmd.h"
#include "journal.h"

int journal_append(const struct cmd *c, uint64_t interrupted)
{
	(void)c;
	(void)interrupted;
	return 0;
}

void journal_preserve(const char *path)
{
	(void)path;
}
