/*
 * buf.h: a byte buffer for socket I/O: append at the end, consume from the
 * front, compacted lazily so that neither side copies per byte.
 */
#ifndef WARDEN_BUF_H
#define WARDEN_BUF_H

#include <stddef.h>
#include <stdint.h>

struct buf {
	uint8_t *data;
	size_t start;           /* first unconsumed byte */
	size_t end;             /* one past the last byte */
	size_t cap;
};

int buf_init(struct buf *b, size_t cap);
void buf_free(struct buf *b);
/* Make room for n more bytes at the end (compacting, then growing). */
int buf_reserve(struct buf *b, size_t n);
int buf_append(struct buf *b, const void *p, size_t n);
void buf_consume(struct buf *b, size_t n);
void buf_clear(struct buf *b);

static inline size_t
buf_len(const struct buf *b)
{
	return b->end - b->start;
}

static inline uint8_t *
buf_head(const struct buf *b)
{
	return b->data + b->start;
}

static inline uint8_t *
buf_tail(const struct buf *b)
{
	return b->data + b->end;
}

static inline size_t
buf_room(const struct buf *b)
{
	return b->cap - b->end;
}

#endif
