// SPDX-License-Identifier: MIT
/*
 * oom_kill.c - the OOM killer (kernel: mm/oom_kill.c). Placeholder until
 * the victim selection lands: nothing is killed.
 */
#include "internal.h"
#include "oom_kill.h"

int out_of_memory(struct machine *m, unsigned gfp, int order)
{
	(void)m;
	(void)gfp;
	(void)order;
	return OOM_NONE;
}
