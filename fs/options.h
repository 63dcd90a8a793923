/* SPDX-License-Identifier: MIT */
/*
 * options.h - mmfs's command-line options (options.c).
 */
#ifndef MMFS_OPTIONS_H
#define MMFS_OPTIONS_H

#include <stdio.h>

struct fuse_args;
struct mm_config;

/* The options as given; NULL = default. Filled by fuse_opt_parse. */
struct mmfs_conf {
	char *ram, *nodes, *swap, *backing, *script, *journal, *cpus, *distance;
	char *lower;
	char *page_owner;
	int help, version;
	char *mountpoint;
	char *error;		/* first command-line error, reported after parsing */
};

/* fuse_opt_parse with mmfs's table: -1 on a malformed command line. */
int options_parse(struct fuse_args *args, struct mmfs_conf *conf);
void options_usage(FILE *f, const char *prog);
/* The option values -> the model's configuration. 0 or -1 (reported). */
int options_to_config(const struct mmfs_conf *conf, struct mm_config *cfg);
/*
 * An existing journal decides the machine: 1 and *cfg and *backing from it,
 * 0 when there is no journal yet, -1 (reported) when the options disagree.
 */
int options_journal_config(const struct mmfs_conf *conf, const struct mm_config *given,
			   struct mm_config *cfg, char **backing);
void options_free(struct mmfs_conf *conf);

#endif
