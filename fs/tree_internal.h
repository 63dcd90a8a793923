/* SPDX-License-Identifier: MIT */
/*
 * tree_internal.h - tree.c's table of rows, shared with tree_sys.c, which
 * generates the sys/ rows at boot.
 */
#ifndef MMFS_TREE_INTERNAL_H
#define MMFS_TREE_INTERNAL_H

#include <stddef.h>
#include <sys/stat.h>

#include "tree.h"

/* The static rows (tree.c's static_nodes), by index: the parents of the rest. */
enum {
	N_ROOT, N_CTL, N_FILES, N_PROC, N_SYS,
	N_PROC_SYS, N_PROC_SYS_VM, N_PROC_SYS_KERNEL, N_PROC_TTY,
	N_SYS_KERNEL, N_SYS_KERNEL_MM, N_SYS_THP, N_SYS_CLASS, N_SYS_BDI, N_SYS_BDI_FILES,
	N_SYS_DEVICES, N_SYS_DEVICES_SYSTEM, N_SYS_NODE, N_SYS_MEMPOLICY, N_SYS_WI, N_VIEW,
	N_SYS_DEBUG, N_SYS_DEBUG_EXTFRAG,
	N_PROC_SYSVIPC,
	N_SYS_MODULE, N_SYS_MODULE_ZSWAP, N_SYS_ZSWAP_PARAMS, N_SYS_DEBUG_ZSWAP,
	N_FIRST_FILE
};

/* a swap partition's disk: its directory, 12 files, queue/ and 8 files in it */
#define SWAPDISK_ROWS		22
#define TREE_SWAP_DISKS		(MM_MAX_DISKS - MM_NR_DISKS)

extern struct node *tree_nodes;		/* static rows, then generated ones */
extern size_t tree_nr_nodes;
/* the first swap disk's directory row (tree_sys.c's tree_add_io), 0 before */
extern size_t tree_swapdisk_base;

/* Append a row; the caller fills what else it needs (.arg, .show). */
struct node *tree_node_add(const char *name, int parent, mode_t mode, enum node_kind kind);

/* The rows tree_sys_add makes at most, then make them. */
size_t tree_sys_nr_rows(int nr_numa, int nr_cpus);
void tree_sys_add(int nr_numa, int nr_cpus);

#endif
