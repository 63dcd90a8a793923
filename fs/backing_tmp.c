/* SPDX-License-Identifier: MIT */
/*
 * backing_tmp.c - the life of the default backing directory: made at mount
 * (/tmp/mmfs-backing.XXXXXX, main.c), removed at unmount when it holds only
 * what mmfs made there itself, kept and named when anything else is in it,
 * so that mounts without backing= do not pile directories up in /tmp.
 *
 * What mmfs made itself is what the model reports through
 * mm_set_standin_hook: the directories and sparse stand-in files of the
 * programs that boot, spawn and exec map. Everything else (a file made
 * through files/, one a process created with open O_CREAT, a symlink) and a
 * stand-in that holds data is the user's, and keeps the whole directory.
 * A journaled mount keeps its backing= whatever it holds: the journal
 * needs it (main.c does not call us then).
 */
#include <ftw.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../mm/mm.h"
#include "backing_tmp.h"

static struct {
	void *made;		/* tsearch tree of the relative paths the model made */
	size_t root_len;	/* strlen of the directory being checked */
	char foreign[512];	/* the first entry that is not ours, for the message */
} T;

static int cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* mm_set_standin_hook's listener: runs under the model's lock. */
static void made(void *arg, const char *rel)
{
	char *copy;

	(void)arg;
	if (tfind(rel, &T.made, cmp))
		return;
	copy = strdup(rel);
	/* no memory: the path is unknown, so the directory will be kept (safe) */
	if (copy && !tsearch(copy, &T.made, cmp))
		free(copy);
}

void backing_tmp_track(struct machine *m)
{
	mm_set_standin_hook(m, made, NULL);
}

/* nftw: stop (1) at the first entry the model did not make, as it left it. */
static int check_one(const char *path, const struct stat *st, int type, struct FTW *f)
{
	const char *rel = path + T.root_len + 1;
	int ours;

	if (f->level == 0)
		return 0;
	ours = tfind(rel, &T.made, cmp) &&
	       (type == FTW_DP || (type == FTW_F && S_ISREG(st->st_mode) && st->st_blocks == 0));
	if (!ours)
		snprintf(T.foreign, sizeof(T.foreign), "%s", rel);
	return !ours;
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *f)
{
	(void)st;
	(void)type;
	(void)f;
	return remove(path) ? -1 : 0;
}

int backing_tmp_release(const char *dir)
{
	int kept;

	T.root_len = strlen(dir);
	T.foreign[0] = '\0';
	kept = nftw(dir, check_one, 16, FTW_PHYS | FTW_DEPTH) != 0;
	if (!kept && nftw(dir, remove_one, 16, FTW_PHYS | FTW_DEPTH) != 0) {
		fprintf(stderr, "mmfs: could not remove the backing directory %s\n", dir);
		kept = 1;
	} else if (kept) {
		fprintf(stderr, "mmfs: kept the backing directory %s: it holds %s, "
			"which mmfs did not make\n", dir, T.foreign[0] ? T.foreign : "files it cannot read");
	}
	tdestroy(T.made, free);
	T.made = NULL;
	return kept ? 0 : 1;
}
