/*
 * fuzz_peer.c: libFuzzer target for the pair link's decoder
 * (peer_proto.c): the input is a byte stream from a peer, cut into frames
 * by peer_proto_frame() as the link does, each frame parsed. A frame
 * that parses formats back to the very same bytes; one that does not
 * gets a one-line error. The input is also tried as the body of one
 * frame, so that the length header does not stop most inputs at the
 * door, and as a key file's text. Each frame is copied to a buffer of
 * exactly its size so that AddressSanitizer sees any read past it.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "peer_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_err(const char err[ERR_LEN])
{
	const char *nul = memchr(err, '\0', ERR_LEN);

	assert(nul != NULL && nul > err);
	assert(memchr(err, '\n', (size_t)(nul - err)) == NULL);
}

static void
check_frame(const uint8_t *bytes, size_t len)
{
	struct peer_msg *msg = malloc(sizeof *msg);
	/* Room for any frame: the format functions want a little more than
	 * the frame's own length (peer_proto.h). */
	size_t cap = PEER_FRAME_HEADER + PEER_MSG_MAX + 1;
	uint8_t *frame = malloc(len), *back = malloc(cap);
	char err[ERR_LEN];
	size_t n;

	assert(msg != NULL && frame != NULL && back != NULL);
	memcpy(frame, bytes, len);
	if (peer_proto_parse(frame, len, msg, err) != 0) {
		check_err(err);
		goto out;
	}
	assert(memchr(msg->node, '\0', sizeof msg->node) != NULL);
	if (msg->type == PEER_MSG_ACK) {
		n = peer_proto_format_ack(msg->node, msg->seq, back, cap);
	} else {
		assert(msg->seq == msg->state.seq && msg->seq != 0);
		assert(msg->state.n_holds <= ALARM_HOLDS_MAX);
		n = peer_proto_format_state(msg->node, &msg->state, back,
		    cap);
	}
	assert(n == len);
	assert(memcmp(back, frame, len) == 0);
out:
	free(msg);
	free(frame);
	free(back);
}

static void
check_stream(const uint8_t *data, size_t size)
{
	char err[ERR_LEN];
	ssize_t n;

	while ((n = peer_proto_frame(data, size, err)) > 0) {
		assert((size_t)n <= size && n > PEER_FRAME_HEADER);
		check_frame(data, (size_t)n);
		data += n;
		size -= (size_t)n;
	}
	if (n < 0)
		check_err(err);
}

static void
check_key(const uint8_t *data, size_t size)
{
	uint8_t key[PEER_KEY_MAX];
	char err[ERR_LEN], *text = malloc(size ? size : 1);
	size_t n = 0;

	assert(text != NULL);
	memcpy(text, data, size);
	if (peer_key_parse(text, size, key, &n, err) == 0)
		assert(n >= PEER_KEY_MIN && n <= PEER_KEY_MAX &&
		    (size == 2 * n || size == 2 * n + 1));
	else
		check_err(err);
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[ERR_LEN];
	uint8_t *framed;

	check_stream(data, size);
	check_key(data, size);
	if (size == 0 || size > PEER_MSG_MAX)
		return 0;
	if ((framed = malloc(PEER_FRAME_HEADER + size)) == NULL)
		return 0;
	framed[0] = (uint8_t)(size >> 24);
	framed[1] = (uint8_t)(size >> 16);
	framed[2] = (uint8_t)(size >> 8);
	framed[3] = (uint8_t)size;
	memcpy(framed + PEER_FRAME_HEADER, data, size);
	assert(peer_proto_frame(framed, PEER_FRAME_HEADER + size, err) ==
	    (ssize_t)(PEER_FRAME_HEADER + size));
	check_frame(framed, PEER_FRAME_HEADER + size);
	free(framed);
	return 0;
}
