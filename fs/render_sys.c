// SPDX-License-Identifier: MIT
/*
 * render_sys.c - the machine files that are not about memory: /proc/stat,
 * uptime, loadavg, cpuinfo, sys/kernel/osrelease and tty/drivers.
 *
 * We simulate no scheduler. These files exist because procps and psutil
 * refuse to run without them, so they follow the host clock (render_clock)
 * and count every CPU tick as idle: vmstat then shows 100% idle and the
 * per-second rates procps derives stay finite and believable.
 */
#include <inttypes.h>
#include <stdio.h>

#include "render.h"

#define USER_HZ		100	/* ticks per second in /proc/stat */
#define TIMER_HZ	250	/* a CONFIG_HZ_250 kernel's timer interrupts */

static uint64_t ticks_of(double seconds)
{
	return seconds > 0 ? (uint64_t)(seconds * USER_HZ) : 0;
}

static void stat_cpu_line(struct rbuf *b, const char *name, uint64_t idle)
{
	/* user nice system idle iowait irq softirq steal guest guest_nice */
	rbuf_printf(b, "%s 0 0 0 %" PRIu64 " 0 0 0 0 0 0\n", name, idle);
}

/*
 * Interrupts and context switches grow with time only: one timer tick per
 * cpu at TIMER_HZ, and a couple of switches per tick. Softirqs split into
 * the kernel's ten classes (HI TIMER NET_TX NET_RX BLOCK IRQ_POLL TASKLET
 * SCHED HRTIMER RCU), with only TIMER, SCHED and RCU moving.
 */
void render_stat(struct rbuf *b, const struct mm_global_snap *s, const struct render_clock *c)
{
	int ncpu = s->nr_cpus > 0 ? s->nr_cpus : 1;
	uint64_t idle = ticks_of(c->uptime);
	uint64_t timer = c->uptime > 0 ? (uint64_t)(c->uptime * TIMER_HZ) : 0;
	uint64_t intr = timer * (uint64_t)ncpu;
	uint64_t sirq_timer = intr / 4, sirq_sched = intr / 3, sirq_rcu = intr / 5;
	char name[16];

	stat_cpu_line(b, "cpu ", idle * (uint64_t)ncpu);
	for (int cpu = 0; cpu < ncpu; cpu++) {
		snprintf(name, sizeof(name), "cpu%d", cpu);
		stat_cpu_line(b, name, idle);
	}
	rbuf_printf(b, "intr %" PRIu64 "\n", intr);
	rbuf_printf(b, "ctxt %" PRIu64 "\n", intr * 2 + s->forks);
	rbuf_printf(b, "btime %lld\n", (long long)c->btime);
	rbuf_printf(b, "processes %" PRIu64 "\n", s->forks);
	rbuf_puts(b, "procs_running 1\n");
	rbuf_puts(b, "procs_blocked 0\n");
	rbuf_printf(b, "softirq %" PRIu64 " 0 %" PRIu64 " 0 0 0 0 0 %" PRIu64 " 0 %" PRIu64 "\n",
		    sirq_timer + sirq_sched + sirq_rcu, sirq_timer, sirq_sched, sirq_rcu);
}

/* Idle time is summed over cpus, as the kernel's uptime_proc_show() does. */
void render_uptime(struct rbuf *b, const struct mm_global_snap *s, const struct render_clock *c)
{
	double up = c->uptime > 0 ? c->uptime : 0;
	int ncpu = s->nr_cpus > 0 ? s->nr_cpus : 1;

	rbuf_printf(b, "%.2f %.2f\n", up, up * ncpu);
}

/* No load: one runnable task (the reader), nr_running live tasks, the last pid handed out. */
void render_loadavg(struct rbuf *b, const struct mm_global_snap *s)
{
	rbuf_printf(b, "0.00 0.00 0.00 1/%d %d\n", s->nr_running, s->last_pid);
}

static const char cpu_flags[] =
	"fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 "
	"clflush mmx fxsr sse sse2 ss ht syscall nx pdpe1gb rdtscp lm constant_tsc "
	"rep_good nopl xtopology nonstop_tsc cpuid tsc_known_freq pni pclmulqdq "
	"ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer "
	"aes xsave avx f16c rdrand hypervisor lahf_lm abm 3dnowprefetch "
	"cpuid_fault invpcid_single ssbd ibrs ibpb stibp ibrs_enhanced fsgsbase "
	"tsc_adjust bmi1 avx2 smep bmi2 erms invpcid avx512f avx512dq rdseed adx "
	"smap clflushopt clwb avx512cd avx512bw avx512vl xsaveopt xsavec xgetbv1 "
	"xsaves arat pku ospke md_clear arch_capabilities";

/*
 * One block per cpu in arch/x86/kernel/cpu/proc.c's layout ("key\t: value");
 * a package per node, as sys/devices/system/cpu/cpuN/topology says.
 */
void render_cpuinfo(struct rbuf *b, const struct mm_global_snap *s)
{
	int ncpu = s->nr_cpus > 0 ? s->nr_cpus : 1, nodes = s->nr_nodes > 0 ? s->nr_nodes : 1;

	for (int cpu = 0; cpu < ncpu; cpu++) {
		int nid = mm_cpu_to_node(ncpu, nodes, cpu);
		int cores = mm_node_nr_cpus(ncpu, nodes, nid);

		rbuf_printf(b,
			    "processor\t: %d\n"
			    "vendor_id\t: GenuineIntel\n"
			    "cpu family\t: 6\n"
			    "model\t\t: 85\n"
			    "model name\t: mmfs virtual CPU\n"
			    "stepping\t: 7\n"
			    "microcode\t: 0x1\n"
			    "cpu MHz\t\t: 2400.000\n"
			    "cache size\t: 36608 KB\n"
			    "physical id\t: %d\n"
			    "siblings\t: %d\n"
			    "core id\t\t: %d\n"
			    "cpu cores\t: %d\n"
			    "apicid\t\t: %d\n"
			    "initial apicid\t: %d\n"
			    "fpu\t\t: yes\n"
			    "fpu_exception\t: yes\n"
			    "cpuid level\t: 13\n"
			    "wp\t\t: yes\n"
			    "flags\t\t: %s\n"
			    "bugs\t\t: spectre_v1 spectre_v2 spec_store_bypass swapgs\n"
			    "bogomips\t: 4800.00\n"
			    "clflush size\t: 64\n"
			    "cache_alignment\t: 64\n"
			    "address sizes\t: 46 bits physical, 48 bits virtual\n"
			    "power management:\n\n",
			    cpu, nid, cores, cpu - mm_node_first_cpu(ncpu, nodes, nid), cores, cpu, cpu,
			    cpu_flags);
	}
}

/* The release uname -r shows (top reads it for the kernel's version). */
void render_osrelease(struct rbuf *b, const struct mm_global_snap *s)
{
	(void)s;
	rbuf_puts(b, MM_UTS_RELEASE "\n");
}

/*
 * The tty drivers of a small x86-64 virtual machine with one serial port,
 * as Linux 6.18 lists them (ps reads it to name a terminal; no simulated
 * process has one).
 */
void render_tty_drivers(struct rbuf *b, const struct mm_global_snap *s)
{
	(void)s;
	rbuf_puts(b, "/dev/tty             /dev/tty        5       0 system:/dev/tty\n"
		  "/dev/console         /dev/console    5       1 system:console\n"
		  "/dev/ptmx            /dev/ptmx       5       2 system\n"
		  "/dev/vc/0            /dev/vc/0       4       0 system:vtmaster\n"
		  "serial               /dev/ttyS       4      64 serial\n"
		  "pty_slave            /dev/pts      136 0-1048575 pty:slave\n"
		  "pty_master           /dev/ptm      128 0-1048575 pty:master\n"
		  "unknown              /dev/tty        4 1-63 console\n");
}

/*
 * proc/PID/mounts (and proc/mounts, a link to self/mounts): the file
 * systems of the simulated machine, at the places the mount shows them,
 * so that tools that look their file systems up find them: trace-cmd
 * (libtracefs) looks for a tracefs line to find the tracing directory.
 * The root is the files/ disk (254:1, vda1); the options are those a
 * Debian 12 guest mounts them with.
 */
void render_mounts(struct rbuf *b, const struct mm_task_snap *t)
{
	(void)t;
	rbuf_puts(b, "/dev/vda1 / ext4 rw,relatime 0 0\n"
		  "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n"
		  "sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0\n"
		  "tmpfs /dev/shm tmpfs rw,nosuid,nodev,inode64 0 0\n"
		  "debugfs /sys/kernel/debug debugfs rw,nosuid,nodev,noexec,relatime 0 0\n"
		  "tracefs /sys/kernel/tracing tracefs rw,nosuid,nodev,noexec,relatime 0 0\n");
}
