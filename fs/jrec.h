/* SPDX-License-Identifier: MIT */
/*
 * jrec.h - the journal's records: framing, checksums and field encoding.
 *
 * A journal file is a sequence of records, each
 *
 *	u64 len (little-endian) | payload (len bytes) | u32 crc32c(payload)
 *
 * so a record written halfway (the daemon killed, the disk full) is seen
 * as torn: its length runs past the end or its checksum is wrong, and it
 * and everything after it are dropped. A payload starts with its kind
 * (enum jrec_kind) and continues with fields: varints (LEB128), zigzag
 * varints for signed values, and byte strings (a varint length + 1, then
 * the bytes; 0 stands for NULL).
 */
#ifndef FS_JREC_H
#define FS_JREC_H

#include <stddef.h>
#include <stdint.h>

enum jrec_kind {
	JR_HEADER = 1,		/* the first record: the machine's configuration */
	JR_CMD,			/* one command (cmd.h) and where a kill stopped it */
	JR_PRESERVE,		/* what a path of backing=DIR held before a change */
	JR_CHECKPOINT,		/* the machine's state: replay starts from it */
};

/* A growable byte buffer that encodes. Out of memory aborts. */
struct jbuf {
	uint8_t *p;
	size_t len, cap;
};

void jb_init(struct jbuf *b);
void jb_free(struct jbuf *b);
void jb_u8(struct jbuf *b, uint8_t v);
void jb_varint(struct jbuf *b, uint64_t v);
void jb_svarint(struct jbuf *b, int64_t v);
/* A byte string; s == NULL encodes NULL (not the empty string). */
void jb_bytes(struct jbuf *b, const void *s, size_t n);
void jb_str(struct jbuf *b, const char *s);
/* n raw bytes, no length (the caller wrote one). */
void jb_raw(struct jbuf *b, const void *s, size_t n);
/* Frame [start, b->len) as one record: len before it, crc after it. */
size_t jb_begin(struct jbuf *b);
void jb_end(struct jbuf *b, size_t start);

/* A cursor over one payload; a field that runs past the end sets err. */
struct jcur {
	const uint8_t *p, *end;
	int err;
};

uint8_t jc_u8(struct jcur *c);
uint64_t jc_varint(struct jcur *c);
int64_t jc_svarint(struct jcur *c);
/*
 * A byte string: its bytes (pointing into the payload, not NUL-terminated
 * unless the writer put a NUL there) and *n, or NULL for a NULL string.
 */
const void *jc_bytes(struct jcur *c, size_t *n);

/*
 * The record at [p, end): 1 with its payload in *pl (and *next after it),
 * 0 at the end, -1 when torn (runs past end, or a bad checksum).
 */
int jrec_next(const uint8_t *p, const uint8_t *end, struct jcur *pl, const uint8_t **next);

uint32_t crc32c(uint32_t crc, const void *buf, size_t n);

#endif
