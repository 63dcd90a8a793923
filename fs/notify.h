/* SPDX-License-Identifier: MIT */
/*
 * notify.h - keeps the host kernel's page cache of files/ coherent with the
 * model's: when the model changes bytes of a file (a simulated store
 * through a shared mapping or proc/PID/mem, a truncate...), the host's
 * cached pages of that range are invalidated, so a real process that
 * mmaps or reads MOUNT/files/NAME sees the model's bytes at its next
 * access. The model tells us under its lock; we only queue, and a thread
 * of our own sends fuse_lowlevel_notify_inval_inode, never from inside a
 * request handler (the kernel may answer an invalidation with a write
 * request, served by another worker) and never holding the model's lock.
 *
 * Include after <fuse_lowlevel.h>.
 */
#ifndef FS_NOTIFY_H
#define FS_NOTIFY_H

#include <stdint.h>

/* Register with the model and start the thread. 0 or -errno. */
int notify_start(struct fuse_session *se);
/* Unregister, send what is queued, stop the thread. Idempotent. */
void notify_stop(void);

/*
 * Queue an invalidation of [off, off + len) of the file whose st_ino is
 * ino (len 0: to its end). Callable from anywhere, the model's lock held
 * or not; never blocks on the thread.
 */
void notify_inval(uint64_t ino, uint64_t off, uint64_t len);

/*
 * While a request handler writes into the model the bytes the host already
 * caches (a write or a writeback of a real mapper's page), the model's
 * report of that change is not sent back: the host's pages hold them.
 * Set to the file's st_ino around the call, 0 after; per thread.
 */
void notify_quiet(uint64_t ino);

#endif
