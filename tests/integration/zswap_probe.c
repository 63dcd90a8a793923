// SPDX-License-Identifier: MIT
/*
 * zswap_probe - the host side of zswap_host.sh: the pages of DATA (96
 * pages: 32 of zeros, 32 of text, 32 random, made by the test) in a
 * private anonymous mapping of this process, paged out with
 * MADV_PAGEOUT, then read back a part at a time; after each step one line
 * of counter deltas, in the words the mmfs side prints:
 *
 *   STEP swpout_zero=N zswpout=N pswpout=N zswpin=N pswpin=N majflt=N
 *        stored_pages=N stored_incompressible_pages=N pool_total_size=N
 *
 * pool_total_size only where both sides must agree (nothing but the
 * random pages left in the pool: one page each); "-" elsewhere.
 * usage: zswap_probe DATA DEBUGFS_ZSWAP_DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#define PG 4096
#define NP 96

static const char *dbg;
static long long base[6];
static long base_majflt;
static const char *const ev[6] = { "swpout_zero", "zswpout", "pswpout", "zswpin", "pswpin",
				   "pgmajfault" };

static void vmstat(long long *v)
{
	char name[64];
	long long x;
	FILE *f = fopen("/proc/vmstat", "r");

	while (f && fscanf(f, "%63s %lld", name, &x) == 2)
		for (int i = 0; i < 6; i++)
			if (!strcmp(name, ev[i]))
				v[i] = x;
	if (f)
		fclose(f);
}

static long long dbgval(const char *name)
{
	char path[512];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dbg, name);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%lld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static void step(const char *name, int show_size)
{
	long long v[6] = { 0 };
	struct rusage ru;

	vmstat(v);
	getrusage(RUSAGE_SELF, &ru);
	printf("%s swpout_zero=%lld zswpout=%lld pswpout=%lld zswpin=%lld pswpin=%lld majflt=%ld "
	       "stored_pages=%lld stored_incompressible_pages=%lld pool_total_size=",
	       name, v[0] - base[0], v[1] - base[1], v[2] - base[2], v[3] - base[3],
	       v[4] - base[4], ru.ru_majflt - base_majflt, dbgval("stored_pages"),
	       dbgval("stored_incompressible_pages"));
	if (show_size)
		printf("%lld\n", dbgval("pool_total_size"));
	else
		printf("-\n");
	fflush(stdout);
}

/*
 * The probe's own file pages (its text, libc, ld.so) read in before the
 * count starts: one of them read back from disk during a step would be a
 * major fault the model's side never has. (Not mlockall: ASan makes it a
 * no-op, and without ASan's interceptor it would lock the shadow.)
 */
static void populate_files(void)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");

	while (f && fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		char perms[8];

		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) == 3 && perms[0] == 'r' &&
		    strchr(line, '/'))
			madvise((void *)lo, hi - lo, MADV_POPULATE_READ);
	}
	if (f)
		fclose(f);
}

int main(int argc, char **argv)
{
	static char data[NP * PG];
	volatile char sink = 0;
	FILE *f;
	char *a;

	if (argc != 3)
		return 2;
	dbg = argv[2];
	f = fopen(argv[1], "rb");
	if (!f || fread(data, 1, sizeof(data), f) != sizeof(data))
		return 2;
	fclose(f);
	populate_files();
	a = mmap(NULL, sizeof(data), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a == MAP_FAILED)
		return 2;
	madvise(a, sizeof(data), MADV_NOHUGEPAGE);
	memcpy(a, data, sizeof(data));
	vmstat(base);
	{
		struct rusage ru;

		getrusage(RUSAGE_SELF, &ru);
		base_majflt = ru.ru_majflt;
	}
	step("start", 0);
	if (madvise(a, sizeof(data), MADV_PAGEOUT))
		return 3;
	step("pageout", 0);
	for (int i = 0; i < 64; i++)	/* the zeros and the text: one fault each */
		sink += a[i * PG];
	step("read_zero_text", 1);
	for (int i = 64; i < NP; i++)
		sink += a[i * PG];
	step("read_random", 1);
	(void)sink;
	return memcmp(a, data, sizeof(data)) ? 4 : 0;
}
