/* SPDX-License-Identifier: MIT */
/*
 * malloc_norm.h - how both sides of the malloc difftest write what they
 * saw, so that the host (malloc_host.c, a real glibc) and mmfs
 * (malloc_diff.c) can be compared line by line (doc/difftest.md):
 *
 *  - a pointer or break inside the heap's first GiB: "heap+0x2a0", from
 *    the break at start (the program's size moves the heap start; nothing
 *    else in the layout depends on it);
 *  - any other address: absolute ("0x7ffff7d9d010"): the host side runs
 *    with ASLR off (personality ADDR_NO_RANDOMIZE), where its mmap area
 *    is spawn's, VMA for VMA;
 *  - after a pointer, the chunk's size word (glibc's header: size and flag bits);
 *  - maps: every VMA but the program's (its file, its bss: all below the
 *    heap) and [stack]/[vsyscall]
 *    (the host's stack grew with its frames), as "START-END PERMS NAME"
 *    with the name's last component.
 *
 * Header-only and malloc-free: the host side must not disturb its heap.
 */
#ifndef DIFFTEST_MALLOC_NORM_H
#define DIFFTEST_MALLOC_NORM_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define MNORM_HEAP_SPAN	(1ULL << 30)

/* addr as the trace writes it */
static inline int mnorm_addr(char *buf, size_t len, uint64_t heap, uint64_t addr)
{
	if (addr >= heap && addr - heap < MNORM_HEAP_SPAN)
		return snprintf(buf, len, "heap+0x%llx", (unsigned long long)(addr - heap));
	return snprintf(buf, len, "0x%llx", (unsigned long long)addr);
}

/*
 * One line of /proc/PID/maps (no newline needed) -> "  START-END PERMS NAME\n"
 * in out, or "" when the line is left out. prog: the program's path.
 */
static inline void mnorm_maps_line(char *out, size_t len, const char *line, size_t n,
				   uint64_t heap, const char *prog)
{
	char l[400], perms[8] = "", s1[48], s2[48];
	unsigned long long a = 0, b = 0;
	const char *name = "", *slash;
	int field = 0;
	char *p;

	out[0] = '\0';
	if (n >= sizeof(l))
		n = sizeof(l) - 1;
	memcpy(l, line, n);
	l[n] = '\0';
	if (sscanf(l, "%llx-%llx %7s", &a, &b, perms) != 3)
		return;
	/* the path starts after the fifth field */
	for (p = l; *p && field < 5; field++) {
		while (*p && *p != ' ')
			p++;
		while (*p == ' ')
			p++;
	}
	name = p;
	if ((prog && *name && !strcmp(name, prog)) || b <= heap)
		return;	/* the program, its bss: below the heap */
	if (!strcmp(name, "[stack]") || !strcmp(name, "[vsyscall]"))
		return;
	if (a < heap && b > heap)
		a = heap;	/* the host's heap: what its alignment shift skipped is left out */
	slash = strrchr(name, '/');
	if (slash && name[0] == '/')
		name = slash + 1;
	mnorm_addr(s1, sizeof(s1), heap, a);
	mnorm_addr(s2, sizeof(s2), heap, b);
	snprintf(out, len, "  %s-%s %s %.300s\n", s1, s2, perms, name);
}

#endif
