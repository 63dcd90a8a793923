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
#include <sys/stat.h>
#include <unistd.h>

#include "../mm/mm.h"
#include "backing.h"
#include "ctl.h"
#include "mmfs.h"
#include "notify.h"
#include "parse.h"
#include "tree.h"

#define MIN_NODE_RAM	(32ULL << 20)	/* a node smaller than this is refused */

struct mmfs mmfs;

/* The options as given; NULL = default. Filled by fuse_opt_parse. */
struct mmfs_conf {
	char *ram, *nodes, *swap, *backing, *script;
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
	MMFS_OPT("backing", backing),
	MMFS_OPT("script", script),
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
"    swap=SIZE        size of the one swap device, 0 = none   (default 256M)\n"
"    backing=DIR      real directory holding the files of files/, created\n"
"                     if missing   (default: a fresh /tmp/mmfs-backing.XXXXXX,\n"
"                     printed at mount and kept after unmount)\n"
"    script=FILE      global control commands run at mount, one per line,\n"
"                     as if written to MOUNT/ctl                (default none)\n"
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
static int conf_to_config(const struct mmfs_conf *conf, struct mm_config *cfg)
{
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
	cfg->ram_bytes = ram;
	cfg->nr_nodes = (int)nodes;
	cfg->swap_bytes = swap;
	cfg->swap_path = NULL;
	return 0;
}

static int check_mountpoint(const char *mnt)
{
	struct stat st;

	if (!mnt) {
		fprintf(stderr, "mmfs: missing MOUNTPOINT (try mmfs --help)\n");
		return -1;
	}
	if (stat(mnt, &st) < 0) {
		fprintf(stderr, "mmfs: %s: %s\n", mnt, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		fprintf(stderr, "mmfs: %s: not a directory\n", mnt);
		return -1;
	}
	return 0;
}

/* mkdir -p */
static int mkdir_parents(const char *path)
{
	char *p = strdup(path);
	int err = 0;

	if (!p)
		return -ENOMEM;
	for (char *s = p + 1; !err; s++) {
		if (*s && *s != '/')
			continue;
		char c = *s;

		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			err = -errno;
		*s = c;
		if (!c)
			break;
	}
	free(p);
	return err;
}

/* backing=DIR, made if missing (or a fresh temporary one), as an absolute path. */
static char *backing_setup(const char *dir)
{
	char tmpl[] = "/tmp/mmfs-backing.XXXXXX", *abs;
	int err;

	if (!dir) {
		if (!mkdtemp(tmpl)) {
			fprintf(stderr, "mmfs: cannot make a backing directory: %s\n", strerror(errno));
			return NULL;
		}
		return strdup(tmpl);
	}
	err = mkdir_parents(dir);
	abs = err ? NULL : realpath(dir, NULL);
	if (!abs)
		fprintf(stderr, "mmfs: backing=%s: %s\n", dir, strerror(err ? -err : errno));
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
	int lineno = 0;

	if (!f) {
		fprintf(stderr, "mmfs: script=%s: %s\n", path, strerror(errno));
		return -1;
	}
	rq_init(&reply);
	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (n && line[n - 1] == '\n')
			n--;
		if (ctl_run(m, 0, line, (size_t)n, &reply) < 0) {
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
	char *backing = NULL;
	int ret = 1;

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

	mmfs.m = mm_boot(&cfg, why, sizeof(why));
	if (!mmfs.m) {
		fprintf(stderr, "mmfs: cannot boot the machine: %s\n", why[0] ? why : "unknown reason");
		goto out_args;
	}
	mmfs.nr_nodes = cfg.nr_nodes;
	mmfs.uid = getuid();
	mmfs.gid = getgid();
	if (tree_init(cfg.nr_nodes)) {
		fprintf(stderr, "mmfs: out of memory\n");
		goto out_shutdown;
	}
	if (conf.script && access(conf.script, R_OK)) {
		fprintf(stderr, "mmfs: script=%s: %s\n", conf.script, strerror(errno));
		goto out_tree;
	}
	if (fuse_opt_add_arg(&args, "-odefault_permissions") ||
	    fuse_opt_insert_arg(&args, 1, "-ofsname=mmfs"))
		goto out_tree;
	se = fuse_session_new(&args, &mmfs_ops, sizeof(mmfs_ops), NULL);
	if (!se) {
		fprintf(stderr, "mmfs: bad FUSE options (see above; try --help)\n");
		goto out_tree;
	}
	backing = backing_setup(conf.backing);
	if (!backing)
		goto out_session;
	mmfs.backing = backing;
	if (fuse_set_signal_handlers(se))
		goto out_session;
	mmfs.mount_time = time(NULL);
	clock_gettime(CLOCK_MONOTONIC, &mmfs.mount_mono);
	if (fuse_session_mount(se, conf.mountpoint)) {
		fprintf(stderr, "mmfs: cannot mount on %s\n", conf.mountpoint);
		goto out_signals;
	}
	/*
	 * Processes see backing=DIR as their root. maps shows it on a fixed
	 * device, fe:01 (a virtio disk's first partition), not the number the
	 * kernel gave this mount, which changes from one mount to the next.
	 */
	if (mm_set_backing(mmfs.m, backing, FILES_DEV_MAJOR, FILES_DEV_MINOR) ||
	    attach_backing(backing))
		fprintf(stderr, "mmfs: backing=%s: cannot attach it\n", backing);
	if (conf.script && run_script(mmfs.m, conf.script))
		goto out_unmount;
	if (!conf.backing)
		printf("mmfs: backing directory %s\n", backing);
	fflush(stdout);
	fuse_daemonize(cmd.foreground);
	if (notify_start(se))	/* after daemonize: the thread must be in our process */
		fprintf(stderr, "mmfs: no notify thread: real mappers of files/ may see stale bytes\n");
	ret = serve(se, &cmd);
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
	backing_exit();
	tree_exit();
out_shutdown:
	mm_shutdown(mmfs.m);
out_args:
	free(backing);
	free(cmd.mountpoint);
	free(conf.mountpoint);
	free(conf.ram);
	free(conf.nodes);
	free(conf.swap);
	free(conf.backing);
	free(conf.script);
	free(conf.error);
	fuse_opt_free_args(&args);
	return ret;
}
