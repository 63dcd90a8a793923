/* SPDX-License-Identifier: MIT */
/*
 * main.c - mmfs [options] MOUNTPOINT: parse options, boot the model, run
 * the mount script, mount, serve until fusermount3 -u.
 *
 * Every configuration error is reported before anything is mounted: the
 * model boots (and may refuse) first, then the session is created.
 */
#define FUSE_USE_VERSION 314
#include <errno.h>
#include <fcntl.h>
#include <fuse_lowlevel.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../mm/mm.h"
#include "backing.h"
#include "backing_tmp.h"
#include "ctl.h"
#include "journal.h"
#include "mmfs.h"
#include "notify.h"
#include "tracefs.h"
#include "parse.h"
#include "tree.h"

#define MIN_NODE_RAM	(32ULL << 20)	/* a node smaller than this is refused */

struct mmfs mmfs;

/* The options as given; NULL = default. Filled by fuse_opt_parse. */
struct mmfs_conf {
	char *ram, *nodes, *swap, *backing, *script, *journal, *cpus, *distance;
	char *lower;
	char *page_owner;
	int help, version;
	char *mountpoint;
	char *error;		/* first command-line error, reported after parsing */
};

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

static void usage(FILE *f, const char *prog)
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

/* The option values -> the model's configuration. 0 or -1 (reported). */
/*
 * An existing journal decides the machine: options that say otherwise are
 * an error, options left out take the journal's values.
 */
static int journal_config(const struct mmfs_conf *conf, const struct mm_config *given,
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

static int conf_to_config(const struct mmfs_conf *conf, struct mm_config *cfg)
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

/*
 * Whether mnt is where a FUSE file system named mmfs is mounted, from
 * /proc/self/mountinfo (field 5 the mount point, after " - " the type and
 * the source).
 */
static int mmfs_mounted_on(const char *mnt)
{
	char *real = realpath(mnt, NULL), *line = NULL;
	size_t cap = 0;
	int found = 0;
	FILE *f;

	if (!real) {	/* a dead FUSE mount cannot be resolved: compare as given */
		char *abs = NULL;

		if (mnt[0] != '/' && (abs = getcwd(NULL, 0)) &&
		    asprintf(&real, "%s/%s", abs, mnt) < 0)
			real = NULL;
		free(abs);
		if (!real && !(real = strdup(mnt)))
			return 0;
	}
	f = fopen("/proc/self/mountinfo", "r");
	while (f && getline(&line, &cap, f) > 0) {
		char point[4096], type[64], source[64];
		const char *dash = strstr(line, " - ");

		if (!dash || sscanf(line, "%*s %*s %*s %*s %4095s", point) != 1 ||
		    sscanf(dash + 3, "%63s %63s", type, source) != 2)
			continue;
		if (!strcmp(point, real) && !strncmp(type, "fuse", 4) && !strcmp(source, "mmfs"))
			found = 1;
	}
	if (f)
		fclose(f);
	free(line);
	free(real);
	return found;
}

/*
 * MOUNTPOINT must be a directory with no live mmfs on it (a second one
 * would silently stack over the first). A dead one, left by a daemon that
 * died (every access answers ENOTCONN), is cleared: left there, it comes
 * back into view once the new mount goes away.
 */
static int clear_dead_mount(const char *mnt)
{
	struct statfs sf;

	if (umount2(mnt, MNT_DETACH) && errno == EPERM) {
		const char *argv[] = { "fusermount3", "-u", "-z", mnt, NULL };
		pid_t pid = fork();
		int status = 1;

		if (pid == 0) {
			execvp(argv[0], (char *const *)argv);
			_exit(127);
		}
		if (pid > 0)
			waitpid(pid, &status, 0);
	}
	if (statfs(mnt, &sf) < 0 && errno == ENOTCONN) {
		fprintf(stderr, "mmfs: %s: a dead mount is left there by a daemon that died and "
			"cannot be cleared; clear it with: fusermount3 -u -z %s\n", mnt, mnt);
		return -1;
	}
	fprintf(stderr, "mmfs: %s: cleared the dead mount a daemon that died left there\n", mnt);
	return 0;
}

static int check_mountpoint(const char *mnt)
{
	struct statfs sf;
	struct stat st;

	if (!mnt) {
		fprintf(stderr, "mmfs: missing MOUNTPOINT (try mmfs --help)\n");
		return -1;
	}
	/* statfs always reaches the daemon: ENOTCONN says there is none */
	if (statfs(mnt, &sf) < 0 && errno == ENOTCONN && clear_dead_mount(mnt))
		return -1;
	if (stat(mnt, &st) < 0) {
		fprintf(stderr, "mmfs: %s: %s\n", mnt, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		fprintf(stderr, "mmfs: %s: not a directory\n", mnt);
		return -1;
	}
	if (mmfs_mounted_on(mnt)) {
		fprintf(stderr, "mmfs: %s: an mmfs is already mounted there; unmount it first "
			"(fusermount3 -u %s)\n", mnt, mnt);
		return -1;
	}
	return 0;
}

/*
 * backing=DIR as an absolute path: an existing directory, or a new one made
 * as mkdir(1) would, whose parent must exist (a mistyped path must not grow
 * a tree of directories), and said. Without backing=, a fresh
 * /tmp/mmfs-backing.XXXXXX (*fresh = 1: backing_tmp.c may remove it at
 * unmount). NULL, said on stderr, when there is no usable directory.
 */
static char *backing_setup(const char *dir, int *fresh)
{
	char tmpl[] = "/tmp/mmfs-backing.XXXXXX", *abs;
	struct stat st;
	int made = 0;

	*fresh = 0;
	if (!dir) {
		if (!mkdtemp(tmpl)) {
			fprintf(stderr, "mmfs: cannot make a backing directory: %s\n", strerror(errno));
			return NULL;
		}
		*fresh = 1;
		return strdup(tmpl);
	}
	if (!mkdir(dir, 0755)) {
		made = 1;
	} else if (errno != EEXIST) {
		fprintf(stderr, "mmfs: backing=%s: %s%s\n", dir, strerror(errno),
			errno == ENOENT ? " (its parent directory does not exist; mmfs makes only the last one)" : "");
		return NULL;
	}
	abs = realpath(dir, NULL);
	if (!abs) {
		fprintf(stderr, "mmfs: backing=%s: %s\n", dir, strerror(errno));
		return NULL;
	}
	if (stat(abs, &st) || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "mmfs: backing=%s: not a directory\n", dir);
		free(abs);
		return NULL;
	}
	if (made)
		printf("mmfs: made the backing directory %s\n", abs);
	return abs;
}

/*
 * An existing journal records lower=DIR (or none): replaying it over
 * another lower layer would build another machine. Without lower= the
 * journal's is taken; a different one, or one the journal lacks, is an
 * error.
 */
static int journal_lower(struct mmfs_conf *conf)
{
	const char *jl = journal_peek_lower();
	char *real = conf->lower ? realpath(conf->lower, NULL) : NULL;
	int bad = conf->lower && (!real || strcmp(real, jl));

	free(real);
	if (bad) {
		fprintf(stderr, *jl ? "mmfs: journal=%s records lower=%s: mount it without lower= "
				      "or with that directory\n"
				    : "mmfs: journal=%s records no lower=: mount it without lower=\n%s",
			conf->journal, jl);
		return -1;
	}
	if (!conf->lower && *jl && !(conf->lower = strdup(jl))) {
		fprintf(stderr, "mmfs: out of memory\n");
		return -1;
	}
	return 0;
}

/*
 * lower=DIR as an absolute path: an existing, readable directory that is
 * neither backing=DIR nor inside it (the upper layer would show through
 * itself). NULL, said on stderr, otherwise.
 */
static char *lower_setup(const char *dir, const char *backing)
{
	char *abs = realpath(dir, NULL);
	size_t n;
	int fd;

	if (!abs) {
		fprintf(stderr, "mmfs: lower=%s: %s\n", dir, strerror(errno));
		return NULL;
	}
	fd = open(abs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "mmfs: lower=%s: %s\n", dir,
			errno == ENOTDIR ? "not a directory" : strerror(errno));
		free(abs);
		return NULL;
	}
	close(fd);
	n = strlen(backing);
	if (!strncmp(abs, backing, n) && (abs[n] == '/' || !abs[n])) {
		fprintf(stderr, "mmfs: lower=%s: is backing=%s or inside it; the lower layer "
			"must lie outside the upper one\n", dir, backing);
		free(abs);
		return NULL;
	}
	return abs;
}

/*
 * script=FILE: each line goes through ctl_run like a write to MOUNT/ctl.
 * A failing line is reported and skipped; only an unreadable file is fatal.
 */
static int run_script(struct machine *m, const char *path)
{
	FILE *f = fopen(path, "r");
	struct replyq reply;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int lineno = 0, err;

	if (!f) {
		fprintf(stderr, "mmfs: script=%s: %s\n", path, strerror(errno));
		return -1;
	}
	rq_init(&reply);
	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (n && line[n - 1] == '\n')
			n--;
		err = ctl_run(m, 0, line, (size_t)n, &reply);
		journal_flush();
		if (err < 0) {
			char *text = rq_take(&reply, NULL);

			fprintf(stderr, "mmfs: %s:%d: %s", path, lineno, text);
			free(text);
		}
		rq_free(&reply);
	}
	free(line);
	fclose(f);
	return 0;
}

/* files/'s namespace commands (backing.c) work beneath this directory. */
static int attach_backing(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), err;

	if (fd < 0)
		return -errno;
	err = backing_init(fd);
	close(fd);
	return err;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

#define FILES_DEV_MAJOR 0xfe
#define FILES_DEV_MINOR 0x01

static int serve(struct fuse_session *se, const struct fuse_cmdline_opts *cmd)
{
	struct fuse_loop_config *lc;
	int ret;

	if (cmd->singlethread)
		return fuse_session_loop(se);
	lc = fuse_loop_cfg_create();
	if (!lc)
		return -ENOMEM;
	fuse_loop_cfg_set_clone_fd(lc, (unsigned)cmd->clone_fd);
	if (cmd->max_idle_threads != UINT_MAX)	/* UINT_MAX: not given, keep libfuse's */
		fuse_loop_cfg_set_idle_threads(lc, cmd->max_idle_threads);
	fuse_loop_cfg_set_max_threads(lc, cmd->max_threads);
	ret = fuse_session_loop_mt(se, lc);
	fuse_loop_cfg_destroy(lc);
	return ret;
}

int main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct fuse_cmdline_opts cmd = { 0 };
	struct mmfs_conf conf = { 0 };
	struct mm_config cfg = { 0 };
	struct fuse_session *se;
	char why[512] = "";
	char *backing = NULL, *jbacking = NULL, *mountpoint = NULL, *lower = NULL;
	int ret = 1, journaled = 0, fresh_backing = 0;

	if (fuse_opt_parse(&args, &conf, mmfs_opts, opt_proc) < 0)
		goto out_args;
	if (conf.help) {
		usage(stdout, "mmfs");
		ret = 0;
		goto out_args;
	}
	if (conf.version) {
		printf("mmfs %s\nlibfuse %s\n", MMFS_VERSION, fuse_pkgversion());
		ret = 0;
		goto out_args;
	}
	if (conf.error) {
		fprintf(stderr, "mmfs: %s\n", conf.error);
		goto out_args;
	}
	if (fuse_parse_cmdline(&args, &cmd) < 0)
		goto out_args;
	if (conf_to_config(&conf, &cfg) || check_mountpoint(conf.mountpoint))
		goto out_args;
	if (conf.journal) {
		journaled = journal_config(&conf, &cfg, &cfg, &jbacking);
		if (journaled < 0)
			goto out_args;
		if (journaled > 0 && journal_lower(&conf))
			goto out_args;
	}

	cfg.image_base = MM_IMAGE_BASE;	/* one machine per daemon, at an address a checkpoint keeps */
	mmfs.m = conf.journal ? journal_boot(conf.journal, &cfg, why, sizeof(why))
			      : mm_boot(&cfg, why, sizeof(why));
	if (!mmfs.m) {
		fprintf(stderr, "mmfs: cannot boot the machine: %s\n", why[0] ? why : "unknown reason");
		goto out_args;
	}
	mmfs.nr_nodes = cfg.nr_nodes;
	mmfs.uid = getuid();
	mmfs.gid = getgid();
	if (tree_init(cfg.nr_nodes, mm_nr_cpus(mmfs.m))) {
		fprintf(stderr, "mmfs: out of memory\n");
		goto out_shutdown;
	}
	if (conf.script && access(conf.script, R_OK)) {
		fprintf(stderr, "mmfs: script=%s: %s\n", conf.script, strerror(errno));
		goto out_tree;
	}
	if (conf.script) {
		struct stat st;

		if (!stat(conf.script, &st) && S_ISDIR(st.st_mode)) {
			fprintf(stderr, "mmfs: script=%s: is a directory, not a file of commands\n",
				conf.script);
			goto out_tree;
		}
	}
	if (fuse_opt_add_arg(&args, "-odefault_permissions") ||
	    fuse_opt_insert_arg(&args, 1, "-ofsname=mmfs"))
		goto out_tree;
	se = fuse_session_new(&args, &mmfs_ops, sizeof(mmfs_ops), NULL);
	if (!se) {
		fprintf(stderr, "mmfs: bad FUSE options (see above; try --help)\n");
		goto out_tree;
	}
	backing = backing_setup(journaled > 0 ? jbacking : conf.backing, &fresh_backing);
	if (!backing)
		goto out_session;
	mmfs.backing = backing;
	if (conf.lower && !(lower = lower_setup(conf.lower, backing)))
		goto out_session;
	mmfs.lower = lower;
	if (fuse_set_signal_handlers(se))
		goto out_session;
	mmfs.mount_time = time(NULL);
	clock_gettime(CLOCK_MONOTONIC, &mmfs.mount_mono);
	mountpoint = realpath(conf.mountpoint, NULL);	/* before the mount hides it */
	mmfs.mountpoint = mountpoint;
	if (fuse_session_mount(se, conf.mountpoint)) {
		fprintf(stderr, "mmfs: cannot mount on %s\n", conf.mountpoint);
		goto out_signals;
	}
	/*
	 * Processes see backing=DIR as their root. maps shows it on a fixed
	 * device, fe:01 (a virtio disk's first partition), not the number the
	 * kernel gave this mount, which changes from one mount to the next.
	 */
	if (fresh_backing && !conf.journal)
		backing_tmp_track(mmfs.m);	/* before init's stand-ins are made */
	/* the lower layer first: init's stand-ins must not hide its files */
	if (lower && mm_set_lower(mmfs.m, lower, mountpoint)) {
		fprintf(stderr, "mmfs: lower=%s: cannot attach it\n", lower);
		goto out_unmount;
	}
	if (mm_set_backing(mmfs.m, backing, FILES_DEV_MAJOR, FILES_DEV_MINOR) ||
	    attach_backing(backing))
		fprintf(stderr, "mmfs: backing=%s: cannot attach it\n", backing);
	if (!conf.journal)
		mm_tmpfs_clear(mmfs.m);	/* files/dev/shm is a tmpfs: empty at boot */
	if (conf.journal) {
		uint64_t t0 = now_ms();

		journal_set_lower(lower);	/* a new journal's header records it */
		long n = journal_open(mmfs.m, conf.journal, &cfg, backing, why, sizeof(why));

		if (n < 0) {
			fprintf(stderr, "mmfs: journal=%s: %s\n", conf.journal, why);
			goto out_unmount;
		}
		if (n)
			printf("mmfs: journal %s: %ld commands replayed in %.3f s\n", conf.journal,
			       n, (double)(now_ms() - t0) / 1e3);
	}
	if (conf.script && journaled <= 0 && run_script(mmfs.m, conf.script))
		goto out_unmount;
	if (!conf.backing && journaled <= 0)
		printf("mmfs: backing directory %s\n", backing);
	fflush(stdout);
	fuse_daemonize(cmd.foreground);
	if (notify_start(se))	/* after daemonize: the thread must be in our process */
		fprintf(stderr, "mmfs: no notify thread: real mappers of files/ may see stale bytes\n");
	tracefs_start(mmfs.m);	/* trace_pipe's wakeups; a thread too */
	ret = serve(se, &cmd);
	tracefs_stop();
	notify_stop();
	/* libfuse reports a stop by SIGTERM/SIGINT/SIGHUP as that signal: clean */
	ret = ret == 0 || ret == SIGTERM || ret == SIGINT || ret == SIGHUP ? 0 : 1;

out_unmount:
	fuse_session_unmount(se);
out_signals:
	fuse_remove_signal_handlers(se);
out_session:
	fuse_session_destroy(se);
out_tree:
	journal_close();
	backing_exit();
	tree_exit();
out_shutdown:
	if (!conf.journal)
		mm_tmpfs_clear(mmfs.m);	/* and gone when the machine goes */
	mm_shutdown(mmfs.m);
out_args:
	if (backing && fresh_backing && !conf.journal)
		backing_tmp_release(backing);
	free(mountpoint);
	free(lower);
	free(backing);
	free(cmd.mountpoint);
	free(conf.mountpoint);
	free(conf.ram);
	free(conf.nodes);
	free(conf.swap);
	free(conf.cpus);
	free(conf.distance);
	free(conf.backing);
	free(conf.script);
	free(conf.journal);
	free(conf.lower);
	free(conf.page_owner);
	free(conf.error);
	fuse_opt_free_args(&args);
	return ret;
}
