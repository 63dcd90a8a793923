/* SPDX-License-Identifier: MIT */
/*
 * bench_journal.c - the journal group: what crash safety costs and how
 * fast a crashed machine comes back.
 *
 *   run_1m: 1M commands (a process's mmap, touch, mprotect, munmap in turn,
 *     1000 per write) through MNT/proc/2/ctl with journal=FILE, commands/s,
 *     against the same commands on a mount without a journal (the cost of
 *     recording);
 *   restart_1m: kill -9 of that daemon, then a mount of the same journal
 *     until MNT/proc/meminfo answers, seconds; replay_1m: commands replayed
 *     per second during that restart, against the live rate;
 *   restart_checkpoint: after a `checkpoint`, kill -9 and mount again:
 *     seconds, against restart_1m (what the checkpoint saves);
 *   journal bytes per command and the checkpoint's size.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"

#define NCMDS	1000000
#define PER_WRITE 1000

/* A deterministic cycle of four commands on one page of process 2. */
static size_t fill(char *buf, int from, int n)
{
	static const char *const cyc[] = {
		"mmap 0x7f0000000000 4096 rw- private,anon,fixed\n",
		"touch 0x7f0000000000 4096 w\n",
		"mprotect 0x7f0000000000 4096 r--\n",
		"munmap 0x7f0000000000 4096\n",
	};
	size_t len = 0;

	for (int i = from; i < from + n; i++) {
		size_t k = strlen(cyc[i % 4]);

		memcpy(buf + len, cyc[i % 4], k);
		len += k;
	}
	return len;
}

/* Run NCMDS commands on MNT/proc/2/ctl; commands per second, or -1. */
static double run_cmds(char *why, size_t whylen)
{
	static char buf[PER_WRITE * 64];
	char path[160];
	uint64_t t0;
	int fd;

	snprintf(path, sizeof(path), "%s/ctl", mmfsd.mnt);
	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, "spawn\n", 6) != 6) {
		snprintf(why, whylen, "spawn: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	snprintf(path, sizeof(path), "%s/proc/2/ctl", mmfsd.mnt);
	fd = open(path, O_WRONLY);
	if (fd < 0) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return -1;
	}
	t0 = now_ns();
	for (int i = 0; i < NCMDS; i += PER_WRITE) {
		size_t len = fill(buf, i, PER_WRITE);

		if (write(fd, buf, len) != (ssize_t)len) {
			snprintf(why, whylen, "write %d: %s", i, strerror(errno));
			close(fd);
			return -1;
		}
	}
	close(fd);
	return NCMDS / ((double)(now_ns() - t0) / 1e9);
}

void bench_journal(void)
{
	const char *no = fuse_unavailable();
	char dir[] = "/tmp/mmfs-bench-journal.XXXXXX", opts[512], why[256], ckpt[320];
	double plain, live, restart_ms, restart_ck_ms, mount_ms;
	struct stat st;
	off_t jbytes;

	if (no) {
		row_skip("journal", no);
		return;
	}
	if (!mkdtemp(dir)) {
		row_fail("journal", "run_1m", "mkdtemp: %s", strerror(errno));
		return;
	}
	/* the baseline: no journal */
	if (daemon_start("ram=1G,swap=0", &mount_ms, why, sizeof(why)) < 0 ||
	    (plain = run_cmds(why, sizeof(why))) < 0) {
		row_fail("journal", "run_1m", "%s", why);
		daemon_stop();
		goto out;
	}
	daemon_stop();

	snprintf(opts, sizeof(opts), "ram=1G,swap=0,journal=%s/j,backing=%s/b", dir, dir);
	snprintf(ckpt, sizeof(ckpt), "%s/b", dir);
	mkdir(ckpt, 0755);
	snprintf(ckpt, sizeof(ckpt), "%s/j", dir);
	if (daemon_start(opts, &mount_ms, why, sizeof(why)) < 0 ||
	    (live = run_cmds(why, sizeof(why))) < 0) {
		row_fail("journal", "run_1m", "%s", why);
		daemon_kill();
		goto out;
	}
	jbytes = stat(ckpt, &st) ? 0 : st.st_size;
	row("journal", "run_1m", live, "cmds/s", "run_1m_without_journal", plain);
	row("journal", "bytes_per_command", (double)jbytes / NCMDS, "B", "-", 0);
	daemon_kill();
	if (daemon_start(opts, &restart_ms, why, sizeof(why)) < 0) {
		row_fail("journal", "restart_1m", "%s", why);
		goto out;
	}
	row("journal", "restart_1m", restart_ms / 1e3, "s", "-", 0);
	row("journal", "replay_1m", NCMDS / (restart_ms / 1e3), "cmds/s", "run_1m", live);

	/* a checkpoint, then the same crash */
	{
		char path[160];
		int fd;

		snprintf(path, sizeof(path), "%s/ctl", mmfsd.mnt);
		fd = open(path, O_WRONLY);
		if (fd < 0 || write(fd, "checkpoint\n", 11) != 11) {
			row_fail("journal", "restart_checkpoint", "checkpoint: %s", strerror(errno));
			if (fd >= 0)
				close(fd);
			daemon_kill();
			goto out;
		}
		close(fd);
	}
	jbytes = stat(ckpt, &st) ? 0 : st.st_size;
	daemon_kill();
	if (daemon_start(opts, &restart_ck_ms, why, sizeof(why)) < 0) {
		row_fail("journal", "restart_checkpoint", "%s", why);
		goto out;
	}
	row("journal", "restart_checkpoint", restart_ck_ms / 1e3, "s", "restart_1m", restart_ms / 1e3);
	row("journal", "checkpoint_size", (double)jbytes / MiB, "MiB", "-", 0);
	if (daemon_stop() < 0)
		row_fail("journal", "unmount", "the daemon did not stop cleanly");
out:
	snprintf(opts, sizeof(opts), "rm -rf %s", dir);
	if (system(opts)) {
	}
}
