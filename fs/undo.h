/* SPDX-License-Identifier: MIT */
/*
 * undo.h - keep what a path of backing=DIR held, and put it back (undo.c).
 */
#ifndef FS_UNDO_H
#define FS_UNDO_H

#include "jrec.h"

/*
 * Append to b what model path holds now, with everything below it: the
 * fields of a JR_PRESERVE payload after its kind. 0 or -errno.
 */
int undo_capture(const char *path, struct jbuf *b);

/*
 * Put back what a JR_PRESERVE payload (c positioned after its kind) says:
 * remove whatever is at its path now, then recreate the kept entries.
 * 0 or -errno.
 */
int undo_restore(struct jcur *c);

#endif
