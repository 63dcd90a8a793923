/* SPDX-License-Identifier: MIT */
/*
 * notify.c - the invalidation thread of files/ (see notify.h).
 *
 * The queue is a fixed array: the model's callback appends under our
 * mutex (never waiting for the thread), merging a range into the last
 * entry when it is the same file and touches it, which is the common
 * case (a store or a touch walks pages in order). When the array is full
 * the callback widens an entry of the same file to the whole file, or,
 * failing that, asks for every known file to be invalidated: an
 * invalidation too many costs a re-read, one too few a stale byte.
 */
#define FUSE_USE_VERSION 314
#include <errno.h>
#include <fuse_lowlevel.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "../mm/mm.h"
#include "files.h"
#include "mmfs.h"
#include "notify.h"

#define NOTIFY_QMAX	1024

struct inval {
	uint64_t ino, off, len;		/* len 0: to the end of the file */
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct inval q[NOTIFY_QMAX];
	size_t n;
	int overflow;			/* invalidate every known file */
	int stopping;
	int running;
	pthread_t thread;
	struct fuse_session *se;
} nq = { .lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER };

static __thread uint64_t quiet_ino;

void notify_quiet(uint64_t ino)
{
	quiet_ino = ino;
}

/* Merge [off, off+len) into e if they touch; whether it did. */
static int inval_merge(struct inval *e, uint64_t ino, uint64_t off, uint64_t len)
{
	uint64_t end = len ? off + len : UINT64_MAX;
	uint64_t e_end = e->len ? e->off + e->len : UINT64_MAX;

	if (e->ino != ino || off > e_end || e->off > end)
		return 0;
	if (off < e->off)
		e->off = off;
	if (end < e_end)
		end = e_end;
	e->len = end == UINT64_MAX ? 0 : end - e->off;
	return 1;
}

void notify_inval(uint64_t ino, uint64_t off, uint64_t len)
{
	pthread_mutex_lock(&nq.lock);
	if (nq.n && inval_merge(&nq.q[nq.n - 1], ino, off, len))
		goto out;
	if (nq.n < NOTIFY_QMAX) {
		nq.q[nq.n++] = (struct inval){ ino, off, len };
		goto out;
	}
	for (size_t i = 0; i < nq.n; i++)
		if (nq.q[i].ino == ino) {
			nq.q[i].off = nq.q[i].len = 0;
			goto out;
		}
	nq.overflow = 1;
out:
	pthread_cond_signal(&nq.wake);
	pthread_mutex_unlock(&nq.lock);
}

/* The model's callback: under the model's lock, so only queue. */
static void model_changed(void *arg, uint64_t ino, uint64_t off, uint64_t len)
{
	(void)arg;
	if (ino == quiet_ino)
		return;
	notify_inval(ino, off, len);
}

/*
 * -ENOENT: the kernel dropped the inode meanwhile; -ENOTCONN: unmounted.
 * Neither leaves anything stale, so results are not looked at.
 */
static void send_inval(uint64_t nodeid, uint64_t off, uint64_t len)
{
	fuse_lowlevel_notify_inval_inode(nq.se, nodeid, (off_t)off, (off_t)len);
}

static void send_all(void)
{
	size_t n = files_nodeids(NULL, 0), k;
	uint64_t *ids = calloc(n ? n : 1, sizeof(*ids));

	if (!ids)
		return;
	k = files_nodeids(ids, n);
	for (size_t i = 0; i < k && i < n; i++)
		send_inval(ids[i], 0, 0);
	free(ids);
}

static void *notify_main(void *arg)
{
	static struct inval batch[NOTIFY_QMAX];

	(void)arg;
	pthread_mutex_lock(&nq.lock);
	for (;;) {
		size_t n = nq.n;
		int all = nq.overflow;

		if (!n && !all) {
			if (nq.stopping)
				break;
			pthread_cond_wait(&nq.wake, &nq.lock);
			continue;
		}
		for (size_t i = 0; i < n; i++)
			batch[i] = nq.q[i];
		nq.n = 0;
		nq.overflow = 0;
		pthread_mutex_unlock(&nq.lock);
		if (all)
			send_all();
		for (size_t i = 0; !all && i < n; i++) {
			uint64_t nodeid = files_nodeid_of(batch[i].ino);

			if (nodeid)
				send_inval(nodeid, batch[i].off, batch[i].len);
		}
		pthread_mutex_lock(&nq.lock);
	}
	pthread_mutex_unlock(&nq.lock);
	return NULL;
}

int notify_start(struct fuse_session *se)
{
	int err;

	nq.se = se;
	nq.stopping = 0;
	err = pthread_create(&nq.thread, NULL, notify_main, NULL);
	if (err)
		return -err;
	nq.running = 1;
	mm_set_file_notify(mmfs.m, model_changed, NULL);
	return 0;
}

void notify_stop(void)
{
	if (!nq.running)
		return;
	mm_set_file_notify(mmfs.m, NULL, NULL);
	pthread_mutex_lock(&nq.lock);
	nq.stopping = 1;
	pthread_cond_signal(&nq.wake);
	pthread_mutex_unlock(&nq.lock);
	pthread_join(nq.thread, NULL);
	nq.running = 0;
}
