/* SPDX-License-Identifier: MIT */
/*
 * writeback.h - writeback of dirty page-cache pages (expects m->lock held).
 *
 * When dirty pages reach backing=DIR (all synchronous: Writeback is
 * non-zero only inside writeback_page):
 *   - sync (mm_sync), fsync (mm_file_fsync), msync MS_SYNC or MS_ASYNC of
 *     a shared file mapping: at once, the pages asked for;
 *   - the flusher step (wb_flush), run at the end of every entry point
 *     that can dirty pages (mm_syscall, mm_file_write, mm_file_truncate,
 *     mm_file_fsync, mm_file_rename, mm_sync), after the command:
 *       * periodic (the kernel's kupdate): once dirty_writeback_centisecs
 *         of simulated time have passed since its last run (never when 0),
 *         pages dirtied dirty_expire_centisecs ago or more, oldest first;
 *       * background: while Dirty exceeds nr_dirty_background_threshold,
 *         the oldest dirty pages;
 *   - unmount (mm_shutdown): everything, after the processes exit.
 * A page's dirtying time is the simulated time of the command that
 * dirtied it (a page dirtied by an entry point that runs no flusher step,
 * such as a proc/PID/mem write, is stamped at the next step).
 */
#ifndef MM_WRITEBACK_H
#define MM_WRITEBACK_H

struct machine;
struct page;

/* Clean page everywhere it is mapped and write it to its backing file. 0 or -EIO. */
int writeback_page(struct machine *m, struct page *page);

/* One step of the flusher (see above). */
void wb_flush(struct machine *m);

/*
 * Reclaim met nothing but dirty pages: the flusher writes every dirty
 * page, oldest first (wakeup_flusher_threads(WB_REASON_VMSCAN)). A page
 * marked for immediate reclaim goes to the inactive tail once written.
 */
void wb_start_all(struct machine *m);

/* Write back every dirty page of every file (sync). 0 or the first -EIO. */
int wb_sync_all(struct machine *m);

#endif
