// SPDX-License-Identifier: MIT
/*
 * swap_probe_view.c - the snapshot swap_probe prints after every step: per
 * process majflt, mincore and pagemap runs and the region's smaps sums;
 * the swap area's Size and Used; the deltas of the swap and THP events
 * of vmstat (swap_probe.h).
 */
#include "swap_probe.h"

static const char *const vmkeys[] = { "pswpin", "pswpout", "swpin_zero", "swpout_zero",
				      "swap_ra", "swap_ra_hit", "thp_swpout",
				      "thp_swpout_fallback", "thp_split_page", "thp_split_pmd",
				      "thp_deferred_split_page" };
#define NVM (sizeof(vmkeys) / sizeof(vmkeys[0]))
static long last_vm[NVM];

static void mincore_of(int is_child, char *out)
{
	if (host && !is_child) {
		static unsigned char vec[MAXPAGES];

		if (mincore((void *)REGION, npages * PG, vec))
			die("mincore: %s", strerror(errno));
		for (size_t i = 0; i < npages; i++)
			out[i] = '0' + (vec[i] & 1);
	} else if (host) {
		uint32_t msg[2] = { 'm', 0 };
		size_t n = 0;

		if (write(to_child, msg, sizeof msg) != sizeof msg)
			die("the child does not answer");
		while (n < npages) {
			ssize_t k = read(from_child, out + n, npages - n);

			if (k <= 0)
				die("the child's mincore");
			n += k;
		}
	} else {
		char *r = ctl_ok(is_child ? child_ctl : ctl_fd, "mincore %#lx %zu", REGION, npages * PG);

		if (strlen(r) != npages)
			die("mmfs mincore gave %zu pages for %zu", strlen(r), npages);
		memcpy(out, r, npages);
	}
	out[npages] = 0;
}

static void print_runs01(const char *s)
{
	size_t i = 0, n = strlen(s);

	printf(" mincore");
	while (i < n) {
		size_t j = i;

		while (j + 1 < n && s[j + 1] == s[i])
			j++;
		if (j == i)
			printf(" %zu:%c", i, s[i]);
		else
			printf(" %zu-%zu:%c", i, j, s[i]);
		i = j + 1;
	}
	printf("\n");
}

static void print_pagemap(pid_t pid)
{
	static uint64_t e[MAXPAGES];
	char path[4200];
	int fd;
	size_t i = 0;

	snprintf(path, sizeof path, "%s/%d/pagemap", procroot, (int)pid);
	fd = open(path, O_RDONLY);
	if (fd < 0 || pread(fd, e, npages * 8, (REGION / PG) * 8) != (ssize_t)(npages * 8))
		die("pread %s: %s", path, strerror(errno));
	close(fd);
	printf(" pagemap");
	while (i < npages) {
		uint64_t fl = e[i] >> 55, off = (e[i] >> 5) & ((1ULL << 50) - 1);
		int swap = (e[i] >> 62 & 1) && !(e[i] >> 63 & 1);
		size_t j = i;

		while (j + 1 < npages && e[j + 1] >> 55 == fl &&
		       (!swap || ((e[j + 1] >> 5) & ((1ULL << 50) - 1)) == off + (j + 1 - i)))
			j++;
		if (j == i)
			printf(" %zu", i);
		else
			printf(" %zu-%zu", i, j);
		if (e[i] >> 63 & 1)
			printf(":present(%llx)", (unsigned long long)fl);
		else if (swap)
			printf(":swap(%llx)@%llu-%llu", (unsigned long long)fl, (unsigned long long)off,
			       (unsigned long long)(off + j - i));
		else if (!e[i])
			printf(":none");
		else
			printf(":other(%llx)", (unsigned long long)e[i]);
		i = j + 1;
	}
	printf("\n");
}

/* The smaps values summed over the VMAs in the region, one line per VMA range. */
static void print_smaps(const char *tag, pid_t pid)
{
	static const char *const keys[] = { "Rss", "Pss", "Shared_Clean", "Shared_Dirty",
					    "Private_Clean", "Private_Dirty", "Anonymous",
					    "AnonHugePages", "Swap", "SwapPss" };
	enum { NK = sizeof keys / sizeof keys[0] };
	char path[4200], *b, *line, *sv;
	long v[NK] = { 0 };
	int in = 0, nvma = 0;

	snprintf(path, sizeof path, "%s/%d/smaps", procroot, (int)pid);
	b = slurp(path, NULL);
	for (line = strtok_r(b, "\n", &sv); line; line = strtok_r(NULL, "\n", &sv)) {
		unsigned long lo, hi;
		char perms[8];

		if (((line[0] >= '0' && line[0] <= '9') || (line[0] >= 'a' && line[0] <= 'f')) &&
		    sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) == 3) {
			in = lo >= REGION && lo < REGION + npages * PG;
			if (in) {
				nvma++;
				printf("%s vma %zu-%zu %s\n", tag, (size_t)((lo - REGION) / PG),
				       (size_t)((hi - REGION) / PG - 1), perms);
			}
			continue;
		}
		if (!in)
			continue;
		for (size_t k = 0; k < NK; k++) {
			size_t kl = strlen(keys[k]);

			if (!strncmp(line, keys[k], kl) && line[kl] == ':')
				v[k] += atol(line + kl + 1);
		}
	}
	free(b);
	if (!nvma)
		die("%s has no VMA in the region", path);
	printf("%s smaps", tag);
	for (size_t k = 0; k < NK; k++)
		printf(" %s=%ld", keys[k], v[k]);
	printf("\n");
}

static long majflt_of(pid_t pid)
{
	char path[4200], *b, *p;
	long v = -1;

	snprintf(path, sizeof path, "%s/%d/stat", procroot, (int)pid);
	b = slurp(path, NULL);
	p = strrchr(b, ')');	/* field 2 may hold blanks */
	if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %ld", &v) != 1)
		v = -1;
	free(b);
	if (v < 0)
		die("cannot read majflt from %s", path);
	return v;
}

/* read_bytes of proc/PID/io: what the process's faults read from the disk. */
static long read_bytes_of(pid_t pid)
{
	char path[4200], *b, *p;
	long v = -1;

	snprintf(path, sizeof path, "%s/%d/io", procroot, (int)pid);
	b = slurp(path, NULL);
	p = strstr(b, "\nread_bytes: ");
	if (p)
		v = atol(p + 13);
	free(b);
	if (v < 0)
		die("cannot read read_bytes from %s", path);
	return v;
}

static long swap_size;

static long swap_used(void)
{
	char path[4200], *b, *line;
	long used = -1;
	int first = 1;

	snprintf(path, sizeof path, "%s/swaps", procroot);
	b = slurp(path, NULL);
	for (line = strtok(b, "\n"); line; line = strtok(NULL, "\n")) {
		char name[4096], type[64];
		long size, u;

		if (first) {	/* the header */
			first = 0;
			continue;
		}
		if (sscanf(line, "%4095s %63s %ld %ld", name, type, &size, &u) != 4)
			continue;
		if (!host || !strcmp(name, dev)) {
			used = u;
			swap_size = size;
			break;
		}
	}
	free(b);
	if (used < 0)
		die("%s has no row for the swap device", path);
	return used;
}

static void snapshot_proc(int is_child)
{
	pid_t pid = is_child ? child_pid : self_pid;
	static char mc[MAXPAGES + 1];
	long mf = majflt_of(pid), rb = read_bytes_of(pid);
	const char *tag = is_child ? "C" : "P";

	printf("%s majflt +%ld read_bytes +%ld\n", tag, mf - last_majflt[is_child],
	       rb - last_read_bytes[is_child]);
	last_majflt[is_child] = mf;
	last_read_bytes[is_child] = rb;
	if (!npages)
		return;
	mincore_of(is_child, mc);
	printf("%s", tag);
	print_runs01(mc);
	printf("%s", tag);
	print_pagemap(pid);
	print_smaps(tag, pid);
}

void snapshot(void)
{
	if (host)
		host_settle();
	snapshot_proc(0);
	if (child_pid)
		snapshot_proc(1);
	{
		long used = swap_used();

		printf("swaps Size=%ld Used=%ld\nvmstat", swap_size, used);
	}
	for (size_t k = 0; k < NVM; k++) {
		long v = vmstat_get(vmkeys[k]);

		printf(" %s+%ld", vmkeys[k], v - last_vm[k]);
		last_vm[k] = v;
	}
	printf("\n");
	fflush(stdout);
}


void snapshot_init(void)
{
	last_majflt[0] = majflt_of(self_pid);
	last_read_bytes[0] = read_bytes_of(self_pid);
	for (size_t k = 0; k < NVM; k++)
		last_vm[k] = vmstat_get(vmkeys[k]);
}
