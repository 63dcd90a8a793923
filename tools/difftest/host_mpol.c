// SPDX-License-Identifier: MIT
/*
 * host_mpol.c - the host runner's memory-policy calls: set_mempolicy, mbind
 * and get_mempolicy as raw system calls, their nodemask arguments built
 * from the parsed call as strace showed them, and get_mempolicy's reply in
 * the text mmfs's ctl answers ("POLICY NODES", "-" for an output the call
 * did not ask for).
 *
 * The mask is a page and a half of words, so maxnode up to 32769 + 64 reads
 * user memory (zeros past word 0; word 1's first bit stands for a node
 * above 63 when the line named one). A mask strace could not read (a bare
 * pointer) is passed as address 8, which faults.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "difftest.h"
#include "../../mm/mm.h"

#define MASK_WORDS	(6144 / 8)

static unsigned long in_mask[MASK_WORDS], out_mask[MASK_WORDS];

static unsigned long *mask_arg(const struct mm_call *c)
{
	memset(in_mask, 0, sizeof(in_mask));
	in_mask[0] = c->nodes[0];
	in_mask[1] = c->nodes_far[0] ? 1 : 0;
	if (c->nodes_ptr[0] == 0)
		return NULL;
	return c->nodes_ptr[0] == 2 ? (unsigned long *)8 : in_mask;
}

/* The node list as the model's replies write it: "none" for an empty mask. */
static void nodelist(char *buf, size_t len, uint64_t nodes)
{
	mm_nodelist(buf, len, nodes);
	if (!buf[0])
		snprintf(buf, len, "none");
}

long host_mpol_call(const struct mm_call *c, char *text, size_t len)
{
	int policy = 0;
	char nodes[256];
	long r;

	switch (c->verb) {
	case MMV_SET_MEMPOLICY:
		return syscall(SYS_set_mempolicy, c->mode, mask_arg(c), c->maxnode);
	case MMV_MBIND:
		return syscall(SYS_mbind, c->addr, c->len, c->mode, mask_arg(c), c->maxnode,
			       (unsigned)c->flags);
	case MMV_GET_MEMPOLICY:
		memset(out_mask, 0, sizeof(out_mask));
		r = syscall(SYS_get_mempolicy, (c->advice & 1) ? &policy : NULL,
			    (c->advice & 2) ? out_mask : NULL, c->maxnode, c->addr, c->flags);
		if (r < 0)
			return r;
		nodelist(nodes, sizeof(nodes), out_mask[0]);
		if (c->advice & 1)
			snprintf(text, len, "%d %s", policy, (c->advice & 2) ? nodes : "-");
		else
			snprintf(text, len, "- %s", (c->advice & 2) ? nodes : "-");
		return r;
	default:
		errno = ENOSYS;
		return -1;
	}
}
