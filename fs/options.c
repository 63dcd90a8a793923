// SPDX-License-Identifier: MIT
/*
 * options.c - mmfs's command-line options: the fuse_opt table, --help, and
 * the values turned into the model's configuration (or into one clear
 * error on stderr, before anything is mounted).
 */
#define FUSE_USE_VERSION 314
#include <errno.h>
#include <fuse_opt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../mm/mm.h"
#include "journal.h"
#include "options.h"
#include "parse.h"

#define MIN_NODE_RAM	(32ULL << 20)	/* a node smaller than this is refused */

enum { KEY_HELP, KEY_VERSION };

#define MMFS_OPT(name, field) \
	{ name "=%s", offsetof(struct mmfs_conf, field), 0 }, \
	{ "--" name "=%s", offsetof(struct mmfs_conf, field), 0 }

static const struct fuse_opt mmfs_opts[] = {
	MMFS_OPT("ram", ram),
	MMFS_OPT("nodes", nodes),
	MMFS_OPT("swap", swap),
	MMFS_OPT("cpus", cpus),
	MMFS_OPT("distance", distance),
	MMFS_OPT("backing", backing),
	MMFS_OPT("script", script),
	MMFS_OPT("journal", journal),
	MMFS_OPT("lower", lower),
	MMFS_OPT("page_owner", page_owner),
	FUSE_OPT_KEY("-h", KEY_HELP),
	FUSE_OPT_KEY("--help", KEY_HELP),
	FUSE_OPT_KEY("-V", KEY_VERSION),
	FUSE_OPT_KEY("--version", KEY_VERSION),
	FUSE_OPT_END
};

void options_usage(FILE *f, const char *prog)
{
	fprintf(f,
"usage: %s [options] MOUNTPOINT\n"
"\n"
"Mounts a simulated Linux memory subsystem as files laid out like /proc.\n"
"\n"
"mmfs options (as -o name=value,... or --name=value; sizes take K/M/G/T):\n"
"    ram=SIZE         simulated physical memory, 64M..64T     (default 1G)\n"
"    nodes=N          NUMA nodes, RAM split evenly, 1..64,\n"
"                     at least 32M of RAM each                (default 1)\n"
"    cpus=N           CPUs, 1..256, in blocks over the nodes\n"
"                     (cpus=4,nodes=2: 0-1 on node 0, 2-3 on node 1)\n"
"                                              (default 2, or one per node)\n"
"    distance=D       node distances (the SLIT): one number, the distance\n"
"                     between any two nodes, 11..254; or the whole matrix,\n"
"                     nodes*nodes numbers row by row joined with ':' (10 on\n"
"                     the diagonal): distance=10:21:21:10     (default 20)\n"
"    swap=SIZE        the first swap device, /swapfile; 0 = none;\n"
"                     'swapon NAME SIZE' in MOUNT/ctl adds more (default 256M)\n"
"    backing=DIR      real directory holding the files of files/; made if\n"
"                     missing (its parent must exist)   (default: a fresh\n"
"                     /tmp/mmfs-backing.XXXXXX, printed at mount, removed at\n"
"                     unmount unless it holds files mmfs did not make)\n"
"    script=FILE      global control commands run at mount, one per line,\n"
"                     as if written to MOUNT/ctl; not run when a journal\n"
"                     rebuilds the machine                      (default none)\n"
"    journal=FILE     record every command that changes the machine in\n"
"                     FILE; mounting with an existing FILE rebuilds that\n"
"                     machine (and its backing=) and goes on   (default none)\n"
"    lower=DIR        a read-only directory beneath backing=, as overlayfs'\n"
"                     lower layer: names backing= lacks are found in DIR,\n"
"                     the first write copies a file up into backing=, an\n"
"                     unlink leaves a whiteout; nothing is ever written in\n"
"                     DIR. lower=/ shows the host's files to the simulated\n"
"                     processes under their real paths      (default none)\n"
"    page_owner=on    record who allocated every page, as the boot\n"
"                     parameter: sys/kernel/debug/page_owner (default off)\n"
"\n"
"FUSE options:\n"
"    -f               stay in the foreground\n"
"    -d               debug: print every FUSE request (implies -f)\n"
"    -s               single-threaded\n"
"    -o allow_other   let other users in (needs user_allow_other for non-root)\n"
"    -o OPT           any other mount option libfuse knows\n"
"    -h, --help       this text\n"
"    -V, --version    print versions\n"
"\n"
"Example session:\n"
"    mkdir -p /tmp/m && %s -o ram=2G,nodes=2 /tmp/m\n"
"    cat /tmp/m/proc/meminfo /tmp/m/proc/1/maps\n"
"    echo spawn > /tmp/m/ctl\n"
"    exec 3<>/tmp/m/proc/1/ctl\n"
"    echo 'mmap 0 64K rw- private,anon' >&3 && read -r addr <&3 && echo $addr\n"
"    unshare -m sh -c 'mount --bind /tmp/m/proc /proc && free && vmstat 1 2'\n"
"\n"
"To stop it:\n"
"    fusermount3 -u /tmp/m\n",
		prog, prog);
}

static void conf_error(struct mmfs_conf *conf, const char *fmt, const char *arg)
{
	if (conf->error)
		return;
	if (asprintf(&conf->error, fmt, arg) < 0)
		conf->error = NULL;
}

/*
 * fuse_opt callback for what the table did not match: non-options are the
 * mountpoint; dash options must be FUSE's -f -d -s; -o items go on to
 * libfuse, which validates them when the session is created.
 */
static int opt_proc(void *data, const char *arg, int key, struct fuse_args *outargs)
{
	struct mmfs_conf *conf = data;

	switch (key) {
	case KEY_HELP:
		conf->help = 1;
		return 0;
	case KEY_VERSION:
		conf->version = 1;
		return 0;
	case FUSE_OPT_KEY_NONOPT:
		if (conf->mountpoint)
			conf_error(conf, "extra argument '%s' (only one MOUNTPOINT)", arg);
		else
			conf->mountpoint = strdup(arg);
		return 0;
	default:
		if (arg[0] != '-' || !strcmp(arg, "-f") || !strcmp(arg, "-d") ||
		    !strcmp(arg, "-s"))
			return 1;
		conf_error(conf, "unknown option '%s' (try --help)", arg);
		return 0;
	}
}

static int size_opt(const char *name, const char *val, unsigned long long *out)
{
	if (parse_size(val, out) == 0)
		return 0;
	fprintf(stderr, "mmfs: %s=%s: not a size (a number with K, M, G or T)\n", name, val);
	return -1;
}

/*
 * An existing journal decides the machine: options that say otherwise are
 * an error, options left out take the journal's values.
 */
int options_journal_config(const struct mmfs_conf *conf, const struct mm_config *given,
			  struct mm_config *cfg, char **backing)
{
	static char jbacking[4096];
	struct mm_config j;
	char why[256], *real = NULL;
	int r = journal_peek(conf->journal, &j, jbacking, sizeof(jbacking), why, sizeof(why));

	if (r < 0) {
		fprintf(stderr, "mmfs: journal=%s: %s\n", conf->journal, why);
		return -1;
	}
	if (r == 0)
		return 0;
	if ((conf->ram && given->ram_bytes != j.ram_bytes) ||
	    (conf->nodes && given->nr_nodes != j.nr_nodes) ||
	    (conf->swap && given->swap_bytes != j.swap_bytes)) {
		fprintf(stderr, "mmfs: journal=%s records a machine of ram=%lluK,nodes=%d,swap=%lluK: "
			"mount it without ram=, nodes= and swap=, or with those values\n",
			conf->journal, (unsigned long long)(j.ram_bytes >> 10), j.nr_nodes,
			(unsigned long long)(j.swap_bytes >> 10));
		return -1;
	}
	if (conf->backing && (!(real = realpath(conf->backing, NULL)) || strcmp(real, jbacking))) {
		fprintf(stderr, "mmfs: journal=%s records backing=%s: mount it without backing= "
			"or with that directory\n", conf->journal, jbacking);
		free(real);
		return -1;
	}
	free(real);
	if (conf->page_owner && given->page_owner != j.page_owner) {
		fprintf(stderr, "mmfs: journal=%s records page_owner=%s: mount it without "
			"page_owner=, or with that value\n", conf->journal, j.page_owner ? "on" : "off");
		return -1;
	}
	if ((conf->cpus && given->nr_cpus != j.nr_cpus) ||
	    (conf->distance && (!j.distance || memcmp(given->distance, j.distance,
						      (size_t)j.nr_nodes * (size_t)j.nr_nodes)))) {
		fprintf(stderr, "mmfs: journal=%s records other cpus= or distance=: mount it "
			"without them, or with those values\n", conf->journal);
		return -1;
	}
	*cfg = j;
	*backing = jbacking;
	return 1;
}

/*
 * distance=R or distance=D:D:...: the SLIT of nodes nodes into table
 * (row-major); mm_boot checks the values. 0 or -1 (reported).
 */
static int distance_opt(const char *arg, long nodes, unsigned char *table)
{
	long n = 0, uniform;
	const char *p = arg;
	char *end;

	for (;;) {
		long d;

		errno = 0;
		d = strtol(p, &end, 10);
		if (errno || end == p || d < 1 || d > 255 || n >= nodes * nodes) {
			fprintf(stderr, "mmfs: distance=%s: not a distance, or more than %ld\n",
				arg, nodes * nodes);
			return -1;
		}
		table[n++] = (unsigned char)d;
		if (*end != ':')
			break;
		p = end + 1;
	}
	if (*end || (n != 1 && n != nodes * nodes)) {
		fprintf(stderr, "mmfs: distance=%s: one distance, or %ld of them joined with ':'\n",
			arg, nodes * nodes);
		return -1;
	}
	if (n == 1) {
		uniform = table[0];
		for (long i = 0; i < nodes * nodes; i++)
			table[i] = i / nodes == i % nodes ? MM_LOCAL_DISTANCE : (unsigned char)uniform;
	}
	return 0;
}

/* A boolean as the kernel's kstrtobool reads a boot parameter: on/off, y/n, 1/0. 0 or -1 (reported). */
static int bool_opt(const char *name, const char *arg, int *val)
{
	static const char *const yes[] = { "on", "y", "Y", "yes", "1", "true" };
	static const char *const no[] = { "off", "n", "N", "no", "0", "false" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcmp(arg, yes[i]))
			return *val = 1, 0;
		if (!strcmp(arg, no[i]))
			return *val = 0, 0;
	}
	fprintf(stderr, "mmfs: %s=%s: not on or off\n", name, arg);
	return -1;
}

int options_to_config(const struct mmfs_conf *conf, struct mm_config *cfg)
{
	static unsigned char slit[MM_MAX_NODES * MM_MAX_NODES];
	long cpus = 0;
	unsigned long long ram = 1ULL << 30, swap = 256ULL << 20;
	long nodes = 1;
	char *end;

	if (conf->ram && size_opt("ram", conf->ram, &ram))
		return -1;
	if (conf->swap && size_opt("swap", conf->swap, &swap))
		return -1;
	if (conf->nodes) {
		errno = 0;
		nodes = strtol(conf->nodes, &end, 10);
		if (errno || end == conf->nodes || *end) {
			fprintf(stderr, "mmfs: nodes=%s: not a number\n", conf->nodes);
			return -1;
		}
	}
	if (ram < MM_MIN_RAM || ram > MM_MAX_RAM) {
		fprintf(stderr, "mmfs: ram=%s: out of range (64M..64T)\n", conf->ram);
		return -1;
	}
	if (nodes < 1 || nodes > MM_MAX_NODES) {
		fprintf(stderr, "mmfs: nodes=%s: out of range (1..%d)\n", conf->nodes, MM_MAX_NODES);
		return -1;
	}
	if (ram / (unsigned long long)nodes < MIN_NODE_RAM) {
		fprintf(stderr, "mmfs: nodes=%ld: too many for ram=%s (each node needs 32M)\n",
			nodes, conf->ram ? conf->ram : "1G");
		return -1;
	}
	if (conf->cpus) {
		errno = 0;
		cpus = strtol(conf->cpus, &end, 10);
		if (errno || end == conf->cpus || *end || cpus < 1 || cpus > MM_MAX_CPUS) {
			fprintf(stderr, "mmfs: cpus=%s: not a number of CPUs (1..%d)\n",
				conf->cpus, MM_MAX_CPUS);
			return -1;
		}
	}
	if (conf->distance && distance_opt(conf->distance, nodes, slit))
		return -1;
	if (conf->page_owner && bool_opt("page_owner", conf->page_owner, &cfg->page_owner))
		return -1;
	cfg->nr_cpus = (int)cpus;
	cfg->distance = conf->distance ? slit : NULL;
	cfg->ram_bytes = ram;
	cfg->nr_nodes = (int)nodes;
	cfg->swap_bytes = swap;
	cfg->swap_path = NULL;
	return 0;
}

int options_parse(struct fuse_args *args, struct mmfs_conf *conf)
{
	return fuse_opt_parse(args, conf, mmfs_opts, opt_proc);
}

void options_free(struct mmfs_conf *conf)
{
	free(conf->mountpoint);
	free(conf->ram);
	free(conf->nodes);
	free(conf->swap);
	free(conf->cpus);
	free(conf->distance);
	free(conf->backing);
	free(conf->script);
	free(conf->journal);
	free(conf->lower);
	free(conf->page_owner);
	free(conf->error);
}
