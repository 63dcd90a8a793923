/* SPDX-License-Identifier: MIT */
/*
 * arena.h - where the model's memory lives: regions and the arena.
 *
 * Everything the model keeps is in a few regions of address space, each
 * backed by a sparse memfd: the struct page array, the frames, and the
 * arena, from which every other object of the model (the machine itself,
 * tasks, VMAs, files, page-cache nodes, the kernel log...) is allocated
 * with kmalloc/kfree. So the model's whole state is the written extents
 * of those memfds, which a checkpoint saves with SEEK_DATA and a restore
 * maps back at the same addresses, pointers and all (image.c). A machine
 * meant to be checkpointed places its regions at a fixed base, the same
 * in every process (mm_config.fixed_base); others go anywhere.
 *
 * Allocation goes to the current thread's arena: the machine's, from
 * machine_lock() to machine_unlock() (and during boot). Objects are 16-byte
 * aligned; freed small objects are kept on per-size free lists, large ones
 * on an address-ordered list that merges neighbours. Under AddressSanitizer
 * a freed object and the slack after a live one are poisoned. The arena
 * counts its live objects, so a leak is a number (arena_live).
 */
#ifndef MM_ARENA_H
#define MM_ARENA_H

#include <stddef.h>
#include <stdint.h>

/* A reservation of address space backed by a sparse memfd. */
struct region {
	uint8_t *addr;		/* NULL: none */
	uint64_t size;		/* bytes reserved */
	int fd;			/* the memfd, -1 when none */
};

/*
 * Reserve size bytes, at exactly `at` (MAP_FIXED_NOREPLACE) or anywhere
 * when at is 0. Nothing is committed until written. 0 or -errno.
 */
int region_reserve(struct region *r, uint64_t at, uint64_t size, const char *name);
void region_release(struct region *r);

struct arena;

/* Create an arena in a fresh region at `at` (or anywhere): NULL on failure. */
struct arena *arena_create(uint64_t at, uint64_t reserve);
/* An arena that a restore mapped back (its header is at r->addr). */
struct arena *arena_adopt(const struct region *r);
void arena_destroy(struct arena *a);
/* The arena's region (for checkpoints). */
const struct region *arena_region(const struct arena *a);
/* Objects allocated and not freed, and their requested bytes. */
uint64_t arena_live(const struct arena *a, uint64_t *bytes);

/* Where this thread's kmalloc goes (NULL: nowhere; kmalloc then aborts). */
void arena_set_current(struct arena *a);
struct arena *arena_current(void);

void *kmalloc(size_t size);
void *kzalloc(size_t size);
void *kcalloc(size_t n, size_t size);
/* As realloc; a NULL p allocates, size 0 frees and returns NULL. */
void *krealloc(void *p, size_t size);
/* Frees an object of any arena (found from its address); NULL is fine. */
void kfree(void *p);

#endif
