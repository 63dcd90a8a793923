/* SPDX-License-Identifier: MIT */
/*
 * parse_flags.h - the names of flag bits and advice the control language
 * accepts (parse.c's tables, kept in parse_flags.c).
 */
#ifndef FS_PARSE_FLAGS_H
#define FS_PARSE_FLAGS_H

#include <stdint.h>

struct flag_name {
	const char *name;
	uint64_t val;
};

struct flag_set {
	const char *what;	/* for reasons: "unknown <what> 'x'" */
	const char *prefix;	/* the C spelling's prefix, optional in the shell */
	const struct flag_name *names;
};

extern const struct flag_set prot_names_set, map_names_set, mremap_names_set,
	madv_names_set, mlock2_names_set, mcl_names_set, ms_names_set, open_names_set;
extern const struct flag_set ipc_names_set, shmat_names_set, shmctl_names_set;
/* memory policies: modes and mode flags, mbind flags, get_mempolicy flags */
extern const struct flag_set mpol_names_set, mpol_mf_names_set, mpol_get_names_set;

#endif
