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
 *  - the heap's Rss (smaps), in kB;
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
#include <stdlib.h>
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

/*
 * The Rss of the [heap] VMA in a smaps text (kB), 0 when there is none (the
 * host's shifted break makes one before the first malloc): the pages glibc's
 * stores (headers, the tcache, calloc's zeroing, realloc's copies) faulted in.
 */
static inline long mnorm_heap_rss(const char *t, size_t len)
{
	const char *end = t + len, *h = NULL;

	for (const char *p = t; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (n > 6 && !memcmp(p + n - 6, "[heap]", 6))
			h = p;
		else if (h && n > 4 && !memcmp(p, "Rss:", 4))
			return strtol(p + 4, NULL, 10);
		p += n + 1;
	}
	return 0;
}

#endif
