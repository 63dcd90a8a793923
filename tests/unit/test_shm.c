// SPDX-License-Identifier: MIT
/*
 * test_shm.c - System V shared memory (mm/shm.c) through the control
 * language: exact replies and errno, the exact proc/sysvipc/shm lines
 * (fs/render_ipc.c), the maps names, and Linux's rules, each taken from a
 * Linux 6.18 host running the same calls in a fresh IPC namespace
 * (unshare -i): ids 0, 1, 2 ..., a removed segment's key 0 and mode 1600,
 * fork adding attaches, exit detaching with its lpid, destruction at the
 * last detach, splits counting as attaches. The checker runs after every
 * command.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../mm/mm.h"
#include "../../mm/internal.h"
#include "../../mm/memory.h"
#include "../../mm/task.h"
#include "../../fs/ctl.h"
#include "../../fs/ctlfile.h"
#include "../../fs/render.h"

static struct machine *m;

#include "ctltest.h"

/* proc/sysvipc/shm with btime 1700000000; the simulated times are under a second. */
static char *sysvipc(void)
{
	struct mm_global_snap *s = mm_snap_global(m);
	struct render_clock c = { .uptime = 0, .btime = 1700000000 };
	struct rbuf b;
	char *out;

	rbuf_init(&b);
	render_sysvipc_shm(&b, s, &c);
	out = strndup(b.buf ? b.buf : "", b.len);
	rbuf_free(&b);
	free(s);
	return out;
}

#define HDR "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  " \
	    "cuid  cgid      atime      dtime      ctime                   rss                  swap\n"
#define T "1700000000"

static void expect_sysvipc(const char *want)
{
	char *got = sysvipc();

	cr_assert_str_eq(got, want, "got:\n%s\nwant:\n%s", got, want);
	free(got);
}

static long remote(int pid, uint64_t addr, void *buf, size_t len, int write)
{
	long n;

	machine_lock(m);
	n = access_remote_vm(m, find_task_by_pid(m, pid), addr, buf, len, write);
	machine_unlock(m);
	return n;
}

/* The maps names of pid's SYSV VMAs, "start name ino;" each. */
static char *sysv_vmas(int pid)
{
	struct mm_task_snap *t = mm_snap_task(m, pid, 1);
	char *out = calloc(1, 4096);
	size_t o = 0;

	cr_assert(t);
	for (size_t i = 0; i < t->nr_vmas; i++)
		if (!strncmp(t->vmas[i].name, "/SYSV", 5))
			o += (size_t)snprintf(out + o, 4096 - o, "%llx %s %u:%u %llu;",
					      (unsigned long long)t->vmas[i].start, t->vmas[i].name,
					      t->vmas[i].dev_major, t->vmas[i].dev_minor,
					      (unsigned long long)t->vmas[i].ino);
	free(t);
	return out;
}

TestSuite(shm, .init = boot, .fini = shutdown);

Test(shm, shmget_ids_and_errno_as_in_a_fresh_namespace)
{
	EXPECT(0, "spawn", "2");
	EXPECT(2, "shmget IPC_PRIVATE 10000 IPC_CREAT|0640", "0");
	EXPECT(2, "shmget 0x1234 8192 IPC_CREAT|IPC_EXCL|0600", "1");
	EXPECT(2, "shmget 0x1234 8192 IPC_CREAT|IPC_EXCL|0600",
	       "error EEXIST: segment 1 has key 4660");
	EXPECT(2, "shmget 0x1234 100000 0",
	       "error EINVAL: segment 1 is 8192 bytes, smaller than 100000");
	EXPECT(2, "shmget 0x1235 100 0", "error ENOENT: no segment has key 4661");
	EXPECT(2, "shmget 0x1234 100 0", "1");
	EXPECT(2, "shmget IPC_PRIVATE 0 IPC_CREAT", "error EINVAL: size 0 is outside [1, shmmax]");
	/* IPC_PRIVATE always makes a new one, even with the same arguments */
	EXPECT(2, "shmget 0 4096 0600", "2");
	EXPECT(2, "shmctl 0 info", "2");
	EXPECT(2, "shmctl 5 shm_stat", "error EINVAL: no segment at index 5");
	EXPECT(2, "shmctl 1 shm_stat", "1");
	EXPECT(2, "shmctl 0 99", "error EINVAL: unknown shmctl command 99");
	expect_sysvipc(HDR
		"         0          0   640                 10000     2     0      0     0     0     0     0          0          0 " T "                     0                     0\n"
		"      4660          1   600                  8192     2     0      0     0     0     0     0          0          0 " T "                     0                     0\n"
		"         0          2   600                  4096     2     0      0     0     0     0     0          0          0 " T "                     0                     0\n");
}

Test(shm, the_host_scenario_attach_fork_exit_remove)
{
	char *v;

	EXPECT(0, "spawn", "2");
	EXPECT(2, "shmget IPC_PRIVATE 10000 IPC_CREAT|0640", "0");
	EXPECT(2, "shmget 0x1234 8192 IPC_CREAT|IPC_EXCL|0600", "1");
	EXPECT(2, "shmat 0 0 0", "0x7ffff7fbd000");
	EXPECT(2, "shmat 1 0 SHM_RDONLY", "0x7ffff7fbb000");
	EXPECT(2, "shmat 99 0 0", "error EINVAL: no segment has id 99");
	EXPECT(2, "shmat 0 0x1001 0",
	       "error EINVAL: address is not SHMLBA-aligned (SHM_RND rounds it)");
	EXPECT(2, "shmat 0 0x10000001 SHM_RND", "0x10000000");
	v = sysv_vmas(2);
	cr_assert_str_eq(v, "10000000 /SYSV00000000 (deleted) 0:1 0;"
			    "7ffff7fbb000 /SYSV00001234 (deleted) 0:1 1;"
			    "7ffff7fbd000 /SYSV00000000 (deleted) 0:1 0;");
	free(v);
	EXPECT(2, "touch 0x7ffff7fbd000 8192 w", "0");
	expect_sysvipc(HDR
		"         0          0   640                 10000     2     2      2     0     0     0     0 " T "          0 " T "                  8192                     0\n"
		"      4660          1   600                  8192     2     2      1     0     0     0     0 " T "          0 " T "                     0                     0\n");
	/* fork: every attach is copied (nattch 4 and 2), lpid stays the parent's */
	EXPECT(2, "fork", "3");
	expect_sysvipc(HDR
		"         0          0   640                 10000     2     2      4     0     0     0     0 " T "          0 " T "                  8192                     0\n"
		"      4660          1   600                  8192     2     2      2     0     0     0     0 " T "          0 " T "                     0                     0\n");
	/* the child's exit detaches its copies, lpid = the child */
	EXPECT(3, "exit", "0");
	expect_sysvipc(HDR
		"         0          0   640                 10000     2     3      2     0     0     0     0 " T " " T " " T "                  8192                     0\n"
		"      4660          1   600                  8192     2     3      1     0     0     0     0 " T " " T " " T "                     0                     0\n");
	/* removed while attached: key 0, mode 1600; attaching it still works */
	EXPECT(2, "shmctl 1 rmid", "0");
	EXPECT(2, "shmget 0x1234 100 0", "error ENOENT: no segment has key 4660");
	EXPECT(2, "shmat 1 0 0", "0x7ffff7fb9000");
	expect_sysvipc(HDR
		"         0          0   640                 10000     2     3      2     0     0     0     0 " T " " T " " T "                  8192                     0\n"
		"         0          1  1600                  8192     2     2      2     0     0     0     0 " T " " T " " T "                     0                     0\n");
	v = sysv_vmas(2);
	cr_assert(strstr(v, "7ffff7fb9000 /SYSV00001234 (deleted) 0:1 1;"), "%s", v);
	free(v);
	/* gone at the last detach */
	EXPECT(2, "shmdt 0x7ffff7fbb000", "0");
	EXPECT(2, "shmdt 0x7ffff7fb9000", "0");
	EXPECT(2, "shmat 1 0 0", "error EINVAL: no segment has id 1");
	EXPECT(2, "shmdt 0x1000", "error EINVAL: no segment is attached at 0x1000");
	EXPECT(2, "shmdt 0x7ffff7fbd001", "error EINVAL: address is not page-aligned");
	EXPECT(2, "shmctl 0 lock", "0");
	expect_sysvipc(HDR
		"         0          0  2640                 10000     2     3      2     0     0     0     0 " T " " T " " T "                  8192                     0\n");
	EXPECT(2, "shmctl 0 unlock", "0");
	EXPECT(2, "shmctl 77 rmid", "error EINVAL: no segment has id 77");
	EXPECT(2, "shmctl 0 stat", "0");
	EXPECT(2, "shmctl 0 rmid", "0");
	EXPECT(2, "shmdt 0x10000000", "0");
	EXPECT(2, "shmdt 0x7ffff7fbd000", "0");
	expect_sysvipc(HDR);
	/* the next id continues the cycle, as the host's d=2 */
	EXPECT(2, "shmget IPC_PRIVATE 4096 IPC_CREAT|0600", "2");
}

Test(shm, splits_count_as_attaches_and_never_merge_back)
{
	char *v;

	EXPECT(0, "spawn", "2");
	EXPECT(2, "shmget IPC_PRIVATE 12288 0600", "0");
	EXPECT(2, "shmat 0 0 0", "0x7ffff7fbd000");
	EXPECT(2, "mprotect 0x7ffff7fbe000 4096 r--", "0");
	EXPECT(2, "mprotect 0x7ffff7fbe000 4096 rw-", "0");
	v = sysv_vmas(2);
	cr_assert_str_eq(v, "7ffff7fbd000 /SYSV00000000 (deleted) 0:1 0;"
			    "7ffff7fbe000 /SYSV00000000 (deleted) 0:1 0;"
			    "7ffff7fbf000 /SYSV00000000 (deleted) 0:1 0;");
	free(v);
	EXPECT(2, "munmap 0x7ffff7fbe000 4096", "0");
	expect_sysvipc(HDR
		"         0          0   600                 12288     2     2      2     0     0     0     0 " T " " T " " T "                     0                     0\n");
	/* shmdt takes every piece of the attach */
	EXPECT(2, "shmdt 0x7ffff7fbd000", "0");
	v = sysv_vmas(2);
	cr_assert_str_eq(v, "");
	free(v);
	/* two attaches side by side stay two VMAs */
	EXPECT(2, "shmat 0 0 0", "0x7ffff7fbd000");
	EXPECT(2, "shmat 0 0x7ffff7fba000 0", "0x7ffff7fba000");
	v = sysv_vmas(2);
	cr_assert_str_eq(v, "7ffff7fba000 /SYSV00000000 (deleted) 0:1 0;"
			    "7ffff7fbd000 /SYSV00000000 (deleted) 0:1 0;");
	free(v);
	EXPECT(2, "shmat 0 0x7ffff7fba000 0",
	       "error EINVAL: range overlaps a mapping (SHM_REMAP replaces it)");
	EXPECT(2, "shmat 0 0x7ffff7fba000 SHM_REMAP", "0x7ffff7fba000");
	EXPECT(2, "shmat 0 0 SHM_REMAP", "error EINVAL: SHM_REMAP needs an address");
}

Test(shm, memory_outlives_the_attaches_and_is_charged_until_destroyed)
{
	char buf[64];
	long n;

	EXPECT(0, "spawn", "2");
	EXPECT(0, "spawn", "3");
	EXPECT(2, "shmget 42 8192 IPC_CREAT|0666", "0");
	EXPECT(2, "shmat 0 0 0", "0x7ffff7fbe000");
	cr_assert_eq(remote(2, 0x7ffff7fbe000, "shared!", 8, 1), 8);
	EXPECT(2, "shmdt 0x7ffff7fbe000", "0");
	EXPECT(2, "exit", "0");
	/* another process finds it by key and reads what was written */
	EXPECT(3, "shmget 42 0 0", "0");
	EXPECT(3, "shmat 0 0 SHM_RDONLY", "0x7ffff7fbe000");
	n = remote(3, 0x7ffff7fbe000, buf, 8, 0);
	cr_assert_eq(n, 8);
	cr_assert_str_eq(buf, "shared!");
	EXPECT(3, "touch 0x7ffff7fbe000 1 w", "error EFAULT: segfault at 0x7ffff7fbe000 (not writable)");
	EXPECT(3, "shmctl 0 rmid", "0");
	expect_sysvipc(HDR
		"         0          0  1666                  8192     2     3      1     0     0     0     0 " T " " T " " T "                  4096                     0\n");
	EXPECT(0, "kill 3", "0");
	expect_sysvipc(HDR);
}

Test(shm, strace_forms)
{
	EXPECT(0, "spawn", "2");
	EXPECT(2, "shmget(IPC_PRIVATE, 4096, IPC_CREAT|0600) = 0", "0");
	/* the model attaches elsewhere: the trace's address is translated */
	EXPECT(2, "shmat(0, NULL, 0) = 0x7fdb3a7cb000", "0x7ffff7fbf000 (trace 0x7fdb3a7cb000)");
	EXPECT(2, "shmdt(0x7fdb3a7cb000) = 0", "0");
	EXPECT(2, "shmctl(0, IPC_RMID, NULL) = 0", "0");
	EXPECT(2, "shmget(0x41, 4096, IPC_CREAT|IPC_EXCL|0640) = 1", "1");
	EXPECT(2, "shmat(1, 0x10000001, SHM_RDONLY|SHM_RND) = 0x10000000", "0x10000000");
	EXPECT(2, "shmctl(1, SHM_LOCK, NULL) = 0", "0");
	/* a call that failed in the trace is not run (doc/strace.md) */
	EXPECT(2, "shmctl(1, IPC_STAT, NULL) = -1 EFAULT (Bad address)", "failed EFAULT");
	EXPECT(2, "shmctl(1, IPC_STAT, NULL)", "error EFAULT: no buffer for the answer");
	EXPECT(2, "shmctl(1, IPC_INFO, 0x7ffc0000) = 1", "1");
	/* strace shows the structure it read: a buffer, whatever it holds */
	EXPECT(2, "shmctl(1, IPC_STAT, {shm_perm={uid=0, gid=0, mode=02640, key=65, cuid=0, "
		  "cgid=0}, shm_segsz=4096, shm_cpid=15000, shm_lpid=15000, shm_nattch=1, "
		  "shm_atime=1796274634, shm_dtime=0, shm_ctime=1796274634}) = 0", "0");
	EXPECT(2, "shmctl(1, IPC_INFO, {shmmax=18446744073692774399, shmmin=1, shmmni=4096, "
		  "shmseg=4096, shmall=18446744073692774399}) = 1", "1");
	EXPECT(2, "shmctl(1, SHM_INFO, {used_ids=1, shm_tot=1, shm_rss=0, shm_swp=0, "
		  "swap_attempts=0, swap_successes=0}) = 1", "1");
	EXPECT(2, "shmctl(1, IPC_STAT, {shm_perm={uid=0) = 0",
	       "error EINVAL: '{shm_perm={uid=0' is not a number");
	EXPECT(2, "shmctl(1, IPC_RMID, NULL) = 0", "0");
	EXPECT(2, "shmdt(0x10000000) = 0", "0");
	expect_sysvipc(HDR);
}

Test(shm, limits_and_ids_wrap_with_a_new_sequence)
{
	char line[64];

	EXPECT(0, "spawn", "2");
	cr_assert_eq(mm_tunable_write(m, "shmmni", "1", 1), 0);
	EXPECT(2, "shmget IPC_PRIVATE 4096 0600", "0");
	EXPECT(2, "shmget IPC_PRIVATE 4096 0600", "error ENOSPC: shmmni (1) segments exist");
	cr_assert_eq(mm_tunable_write(m, "shmmni", "4096", 4), 0);
	EXPECT(2, "shmctl 0 rmid", "0");
	/* the cycle is 64 indices while few are in use, then the sequence moves */
	for (int i = 1; i < 64; i++) {
		snprintf(line, sizeof(line), "%d", i);
		cr_assert_str_eq(run(2, "shmget IPC_PRIVATE 4096 0600"), line);
		snprintf(line, sizeof(line), "shmctl %d rmid", i);
		cr_assert_str_eq(run(2, line), "0");
	}
	EXPECT(2, "shmget IPC_PRIVATE 4096 0600", "32768");
	EXPECT(2, "shmat 0 0 0", "error EINVAL: no segment has id 0");
	EXPECT(2, "shmget IPC_PRIVATE 4096 SHM_HUGETLB|0600",
	       "error EINVAL: SHM_HUGETLB segments are not modelled yet");
	EXPECT(2, "shmget IPC_PRIVATE 4096 IPC_CREAT|0600|0999", "error EINVAL: '0999' is not an octal number");
}

/* As the host with kernel.shm_rmid_forced = 1 in a fresh namespace. */
Test(shm, shm_rmid_forced_destroys_at_the_last_detach_and_with_the_creator)
{
	EXPECT(0, "spawn", "2");
	EXPECT(2, "shmget IPC_PRIVATE 4096 0600", "0");
	EXPECT(2, "fork", "3");
	EXPECT(3, "shmget IPC_PRIVATE 4096 0600", "1");
	EXPECT(3, "exit", "0");
	/* an orphan (its creator gone, unattached) stays while not forced... */
	expect_sysvipc(HDR
		"         0          0   600                  4096     2     0      0     0     0     0     0          0          0 " T "                     0                     0\n"
		"         0          1   600                  4096     3     0      0     0     0     0     0          0          0 " T "                     0                     0\n");
	/* ...and goes when the sysctl is set */
	cr_assert_eq(mm_tunable_write(m, "shm_rmid_forced", "1", 1), 0);
	check_ok();
	EXPECT(2, "shmget IPC_PRIVATE 4096 0600", "2");
	EXPECT(2, "shmat 0 0 0", "0x7ffff7fbf000");
	expect_sysvipc(HDR
		"         0          0   600                  4096     2     2      1     0     0     0     0 " T "          0 " T "                     0                     0\n"
		"         0          2   600                  4096     2     0      0     0     0     0     0          0          0 " T "                     0                     0\n");
	/* the last detach destroys, SHM_DEST or not */
	EXPECT(2, "shmdt 0x7ffff7fbf000", "0");
	expect_sysvipc(HDR
		"         0          2   600                  4096     2     0      0     0     0     0     0          0          0 " T "                     0                     0\n");
	/* the creator's exit takes its unattached segments */
	EXPECT(2, "exit", "0");
	expect_sysvipc(HDR);
}

/* The unevictable_pgs_* events since the last call, and Unevictable now (pages). */
static uint64_t ev_last[3];
static void expect_unevictable(int64_t culled, int64_t scanned, int64_t rescued, int64_t lru)
{
	static const enum vm_event_item ev[3] = {
		UNEVICTABLE_PGS_CULLED, UNEVICTABLE_PGS_SCANNED, UNEVICTABLE_PGS_RESCUED,
	};
	int64_t want[3] = { culled, scanned, rescued };

	for (int i = 0; i < 3; i++) {
		cr_assert_eq((int64_t)(m->vm_events[ev[i]] - ev_last[i]), want[i],
			     "event %d: %lld, want %lld", i,
			     (long long)(m->vm_events[ev[i]] - ev_last[i]), (long long)want[i]);
		ev_last[i] = m->vm_events[ev[i]];
	}
	cr_assert_eq(global_node_page_state(m, NR_UNEVICTABLE), lru);
}

/*
 * SHM_LOCK makes the segment's object unevictable (mapping_set_unevictable):
 * its cached pages stay where they are until reclaim meets them, which
 * culls them to the unevictable list instead of swapping them; a page
 * faulted in while locked goes there at once; one swapped in comes back to
 * an evictable list (its mapping is the swap cache's then) until reclaim
 * meets it. SHM_UNLOCK rescues them all. The host (Linux 6.18, one CPU, the
 * per-CPU LRU batches drained, tests/integration/shm_lock_host.c) gives
 * the same counts and the same sysvipc rss/swap columns at every step.
 */
Test(shm, shm_lock_keeps_the_pages_from_reclaim_and_unlock_rescues_them)
{
	char cmd[128];
	uint64_t a;

	EXPECT(0, "spawn", "2");
	EXPECT(2, "shmget IPC_PRIVATE 128K IPC_CREAT|0600", "0");
	a = strtoull(run(2, "shmat 0 0 0"), NULL, 16);
	for (int i = 0; i < 3; i++)
		ev_last[i] = m->vm_events[i == 0 ? UNEVICTABLE_PGS_CULLED :
					 i == 1 ? UNEVICTABLE_PGS_SCANNED : UNEVICTABLE_PGS_RESCUED];
	snprintf(cmd, sizeof(cmd), "touch %#llx 64K w", (unsigned long long)a);
	EXPECT(2, cmd, "0");
	EXPECT(2, "shmctl 0 lock", "0");
	expect_unevictable(0, 0, 0, 0);
	snprintf(cmd, sizeof(cmd), "madvise %#llx 128K pageout", (unsigned long long)a);
	uint64_t pswpout = m->vm_events[PSWPOUT];
	EXPECT(2, cmd, "0");
	expect_unevictable(16, 0, 0, 16);
	cr_assert_eq(m->vm_events[PSWPOUT], pswpout);
	expect_sysvipc(HDR
		"         0          0  2600                131072     2     2      1     0     0     0     0 " T "          0 " T "                 65536                     0\n");
	/* a new page of a locked segment is unevictable at once */
	snprintf(cmd, sizeof(cmd), "touch %#llx 4K w", (unsigned long long)a + 0x10000);
	EXPECT(2, cmd, "0");
	expect_unevictable(1, 0, 0, 17);
	EXPECT(2, "shmctl 0 lock", "0");
	EXPECT(2, "shmctl 0 unlock", "0");
	expect_unevictable(0, 17, 17, 0);
	EXPECT(2, "shmctl 0 unlock", "0");
	expect_unevictable(0, 0, 0, 0);
	snprintf(cmd, sizeof(cmd), "madvise %#llx 128K pageout", (unsigned long long)a);
	EXPECT(2, cmd, "0");
	expect_sysvipc(HDR
		"         0          0   600                131072     2     2      1     0     0     0     0 " T "          0 " T "                     0                 69632\n");
	/* locked again: a page swapped in is evictable until reclaim meets it */
	EXPECT(2, "shmctl 0 lock", "0");
	snprintf(cmd, sizeof(cmd), "touch %#llx 1 w", (unsigned long long)a);
	EXPECT(2, cmd, "0");
	expect_unevictable(0, 0, 0, 0);
	snprintf(cmd, sizeof(cmd), "madvise %#llx 128K pageout", (unsigned long long)a);
	EXPECT(2, cmd, "0");
	expect_unevictable(1, 0, 0, 1);
	expect_sysvipc(HDR
		"         0          0  2600                131072     2     2      1     0     0     0     0 " T "          0 " T "                  4096                 65536\n");
	/* destroyed locked: no rescue, the pages go */
	EXPECT(2, "shmctl 0 rmid", "0");
	snprintf(cmd, sizeof(cmd), "shmdt %#llx", (unsigned long long)a);
	EXPECT(2, cmd, "0");
	expect_unevictable(0, 0, 0, 0);
	expect_sysvipc(HDR);
}
