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
#include "options.h"
#include "tracefs.h"
#include "parse.h"
#include "tree.h"

struct mmfs mmfs;

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

	if (options_parse(&args, &conf) < 0)
		goto out_args;
	if (conf.help) {
		options_usage(stdout, "mmfs");
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
	if (options_to_config(&conf, &cfg) || check_mountpoint(conf.mountpoint))
		goto out_args;
	if (conf.journal) {
		journaled = options_journal_config(&conf, &cfg, &cfg, &jbacking);
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
	options_free(&conf);
	fuse_opt_free_args(&args);
	return ret;
}
