/* SPDX-License-Identifier: MIT */
/*
 * journal.h - the machine survives a crash: journal=FILE.
 *
 * The model is deterministic: the same commands in the same order give the
 * same machine, byte for byte. So the journal is the state: every command
 * that changed the model (cmd.h), in the order it ran, with the step where
 * a kill stopped it, written before its result reached anybody. Mounting
 * with an existing journal boots the machine it records and replays it;
 * after a kill -9 of the daemon, that is the machine as of the last
 * command that was answered.
 *
 * Commands read backing=DIR, so the journal also keeps what each path of
 * backing=DIR held before it first changed (undo.c), and a replay first
 * puts those back. A checkpoint (journal_checkpoint) writes the machine's
 * state and starts the journal afresh from it, so a restart replays only
 * what came after.
 *
 * One journal per process. Records are written with write(2) before the
 * commands they record are answered (journal_flush), which a killed
 * daemon cannot tear; a record torn by a crash of the host (or a
 * full disk) fails its checksum and is dropped with everything after it.
 */
#ifndef FS_JOURNAL_H
#define FS_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

struct cmd;
struct machine;
struct mm_config;

/*
 * What an existing journal at path records: its machine's configuration
 * and backing directory (*cfg's swap_path points into static storage).
 * 1 when there is one, 0 when path is missing or empty, -errno with a
 * reason in why when it is not a journal or cannot be read.
 */
/*
 * lower=DIR: the one the new journal's header records (journal_set_lower,
 * before journal_open; NULL or "" for none), and the one the header
 * journal_peek last read records ("" for none, or a journal older than it).
 */
void journal_set_lower(const char *lower);
const char *journal_peek_lower(void);
int journal_peek(const char *path, struct mm_config *cfg, char *backing, size_t blen,
		 char *why, size_t whylen);

/*
 * The machine an existing journal starts from: its checkpoint, mapped back
 * (mm_image_load), or else a fresh boot of cfg. NULL with why.
 */
struct machine *journal_boot(const char *path, const struct mm_config *cfg, char *why,
			     size_t whylen);

/*
 * Open the journal at path for machine m (booted with cfg over backing,
 * attached: mm_set_backing and backing_init done): a new one gets its
 * header, an existing one is replayed first. Returns the number of
 * commands replayed (0 for a new journal) or -errno with why.
 */
long journal_open(struct machine *m, const char *path, const struct mm_config *cfg,
		  const char *backing, char *why, size_t whylen);
/*
 * The `checkpoint` command: write the machine's state as a new journal
 * (header, checkpoint), durably, in place of the old one; what backing=DIR
 * holds now is where the next replay starts from. Run it in the command
 * turn. 0 (also during a replay, where it does nothing) or -errno with why.
 */
int journal_checkpoint(struct machine *m, char *why, size_t whylen);

/* Flush and close (at unmount, after the last command). */
void journal_close(void);

/*
 * Record c (which ran, interrupted at step `interrupted` or 0). The record
 * waits in memory until journal_flush, which whoever answers the command
 * calls before answering (cmd_run for a lone command, ctlfile_write at
 * the end of a write of many lines): one write(2) for a batch.
 */
int journal_append(const struct cmd *c, uint64_t interrupted);
/* Write the waiting records. 0 or -errno. */
int journal_flush(void);
/* path (a model path) is about to change in backing=DIR: keep what is there. */
void journal_preserve(const char *path);

#endif
