#include "buf.h"

#include <stdlib.h>
#include <string.h>

int
buf_init(struct buf *b, size_t cap)
{
	b->data = malloc(cap);
	b->start = b->end = 0;
	b->cap = b->data != NULL ? cap : 0;
	return b->data != NULL ? 0 : -1;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->start = b->end = b->cap = 0;
}

int
buf_reserve(struct buf *b, size_t n)
{
	size_t len = buf_len(b), cap;
	uint8_t *p;

	if (b->cap - b->end >= n)
		return 0;
	if (b->start > 0) {
		memmove(b->data, b->data + b->start, len);
		b->start = 0;
		b->end = len;
		if (b->cap - b->end >= n)
			return 0;
	}
	for (cap = b->cap ? b->cap : 256; cap - len < n; cap *= 2)
		;
	if ((p = realloc(b->data, cap)) == NULL)
		return -1;
	b->data = p;
	b->cap = cap;
	return 0;
}

int
buf_append(struct buf *b, const void *p, size_t n)
{
	if (buf_reserve(b, n) == -1)
		return -1;
	memcpy(b->data + b->end, p, n);
	b->end += n;
	return 0;
}

void
buf_consume(struct buf *b, size_t n)
{
	b->start += n;
	if (b->start >= b->end)
		b->start = b->end = 0;
}

void
buf_clear(struct buf *b)
{
	b->start = b->end = 0;
}
