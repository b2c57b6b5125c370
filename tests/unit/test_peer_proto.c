/*
 * test_peer_proto.c: the pair link's messages (peer_proto.h). Every byte
 * a peer sends goes through these, so the edges first: frames of length
 * 0, over the maximum, with a header cut short or arriving a byte at a
 * time; then every field wrong in turn, each refused; then the round
 * trip (what parses writes back byte for byte) at both ends of the holds'
 * count; then the key file's text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "peer_proto.h"

#define T0 1700000000.25
#define HEAD "0123456789abcdef0123456789abcdef" \
	"0123456789abcdef0123456789abcdef"
#define FRAME_CAP (PEER_FRAME_HEADER + PEER_MSG_MAX)

struct fixture {
	struct peer_state st;
	struct peer_msg msg;
	char err[ERR_LEN];
	uint8_t frame[FRAME_CAP];
	size_t len;
	uint8_t other[FRAME_CAP];
};

static void
state_fill(struct peer_state *st, size_t n_holds)
{
	size_t i;

	memset(st, 0, sizeof *st);
	st->role = PAIR_ROLE_ACTIVE;
	st->seq = 42;
	strcpy(st->head, HEAD);
	strcpy(st->who, "alice");
	st->guard.state = GUARD_STATE_TAKEOVER;
	st->guard.cause = GUARD_CAUSE_TRIP;
	strcpy(st->guard.reason, "trip: level high_high");
	st->guard.since = T0;
	for (i = 0; i < n_holds; i++) {
		struct alarm_hold *h = &st->holds[i];

		h->kind = i % 2 ? ALARM_BYPASS : ALARM_SHELVE;
		snprintf(h->source, sizeof h->source, "point_%zu", i);
		h->since = T0 + (double)i;
		h->until = T0 + 3600 + (double)i;
		strcpy(h->user, "bob");
		snprintf(h->reason, sizeof h->reason, "work order %zu", i);
	}
	st->n_holds = n_holds;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	if (f == NULL)
		return -1;
	state_fill(&f->st, 1);
	f->len = peer_proto_format_state("gw-a", &f->st, f->frame,
	    sizeof f->frame);
	if (f->len == 0) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	free(*state);
	return 0;
}

static void
header_put(uint8_t *buf, uint32_t body)
{
	buf[0] = (uint8_t)(body >> 24);
	buf[1] = (uint8_t)(body >> 16);
	buf[2] = (uint8_t)(body >> 8);
	buf[3] = (uint8_t)body;
}

/* body framed into f->other: the frame's length. */
static size_t
frame_of(struct fixture *f, const void *body, size_t len)
{
	assert_true(len <= PEER_MSG_MAX);
	header_put(f->other, (uint32_t)len);
	memcpy(f->other + PEER_FRAME_HEADER, body, len);
	return PEER_FRAME_HEADER + len;
}

/*
 * The good state frame with the first find in its body replaced by
 * repl, reframed into f->other, must be refused with an error holding
 * want.
 */
static void
refused_with(struct fixture *f, const char *find, const char *repl,
    const char *want)
{
	const char *body = (const char *)f->frame + PEER_FRAME_HEADER;
	size_t body_len = f->len - PEER_FRAME_HEADER;
	const char *at = memmem(body, body_len, find, strlen(find));
	char *mut = malloc(body_len + strlen(repl));
	size_t pre, n;

	assert_non_null(at);
	assert_non_null(mut);
	pre = (size_t)(at - body);
	memcpy(mut, body, pre);
	memcpy(mut + pre, repl, strlen(repl));
	memcpy(mut + pre + strlen(repl), at + strlen(find),
	    body_len - pre - strlen(find));
	n = frame_of(f, mut, body_len - strlen(find) + strlen(repl));
	free(mut);
	f->err[0] = '\0';
	if (peer_proto_parse(f->other, n, &f->msg, f->err) != -1)
		fail_msg("accepted with '%s' as '%s'", find, repl);
	if (strstr(f->err, want) == NULL)
		fail_msg("'%s' as '%s': error '%s', wanted '%s'", find, repl,
		    f->err, want);
}

static void
test_frame_length_zero_refused(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[8] = { 0, 0, 0, 0, 'x', 'y', 'z', '\n' };

	assert_int_equal(peer_proto_frame(buf, sizeof buf, f->err), -1);
	assert_non_null(strstr(f->err, "frame length 0"));
	/* The header alone already says it. */
	assert_int_equal(peer_proto_frame(buf, PEER_FRAME_HEADER, f->err), -1);
	assert_int_equal(peer_proto_parse(buf, PEER_FRAME_HEADER, &f->msg,
	    f->err), -1);
}

static void
test_frame_over_max_refused(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[PEER_FRAME_HEADER];

	header_put(buf, PEER_MSG_MAX + 1);
	assert_int_equal(peer_proto_frame(buf, sizeof buf, f->err), -1);
	assert_non_null(strstr(f->err, "outside 1.."));
	header_put(buf, 0xffffffffu);
	assert_int_equal(peer_proto_frame(buf, sizeof buf, f->err), -1);
	/* The largest allowed waits for its body. */
	header_put(buf, PEER_MSG_MAX);
	assert_int_equal(peer_proto_frame(buf, sizeof buf, f->err), 0);
}

static void
test_frame_truncated_header_waits(void **state)
{
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < PEER_FRAME_HEADER; i++) {
		assert_int_equal(peer_proto_frame(f->frame, i, f->err), 0);
		assert_int_equal(peer_proto_parse(f->frame, i, &f->msg,
		    f->err), -1);
	}
}

static void
test_frame_one_byte_at_a_time(void **state)
{
	struct fixture *f = *state;
	size_t ack, i;

	/* A state then an ack, as a stream: each measured only when all of
	 * it is there, and the second only after the first. */
	ack = peer_proto_format_ack("gw-b", 42, f->frame + f->len,
	    sizeof f->frame - f->len);
	assert_true(ack > 0);
	for (i = 0; i < f->len; i++)
		assert_int_equal(peer_proto_frame(f->frame, i, f->err), 0);
	for (i = f->len; i <= f->len + ack; i++)
		assert_int_equal(peer_proto_frame(f->frame, i, f->err),
		    (ssize_t)f->len);
	for (i = 0; i < ack; i++)
		assert_int_equal(peer_proto_frame(f->frame + f->len, i,
		    f->err), 0);
	assert_int_equal(peer_proto_frame(f->frame + f->len, ack, f->err),
	    (ssize_t)ack);
	assert_int_equal(peer_proto_parse(f->frame + f->len, ack, &f->msg,
	    f->err), 0);
	assert_int_equal(f->msg.type, PEER_MSG_ACK);
	/* parse takes one whole frame, not a prefix or two of them. */
	assert_int_equal(peer_proto_parse(f->frame, f->len + ack, &f->msg,
	    f->err), -1);
	assert_int_equal(peer_proto_parse(f->frame, f->len - 1, &f->msg,
	    f->err), -1);
}

static void
test_bad_lines_refused(void **state)
{
	struct fixture *f = *state;

	refused_with(f, "warden-peer 1\n", "warden-peer 2\n",
	    "another version");
	refused_with(f, "warden-peer 1\n", "", "another version");
	refused_with(f, "type state\n", "type status\n", "\"type\"");
	refused_with(f, "type state\n", "", "\"type\"");
	refused_with(f, "type state\n", "type  state\n", "\"type\"");
	refused_with(f, "node gw-a\n", "node \n", "\"node\"");
	refused_with(f, "node gw-a\n", "node gw a\n", "\"node\"");
	refused_with(f, "node gw-a\n", "node gw/a\n", "\"node\"");
	refused_with(f, "node gw-a\n",
	    "node 0123456789012345678901234567890123456789"
	    "012345678901234567890123\n", "\"node\"");
	refused_with(f, "node gw-a\n", "", "\"node\"");
	refused_with(f, "role active\n", "role master\n", "\"role\"");
	refused_with(f, "role active\n", "role Active\n", "\"role\"");
	refused_with(f, "seq 42\n", "seq 0\n", "\"seq\"");
	refused_with(f, "seq 42\n", "seq 042\n", "\"seq\"");
	refused_with(f, "seq 42\n", "seq +42\n", "\"seq\"");
	refused_with(f, "seq 42\n", "seq -1\n", "\"seq\"");
	refused_with(f, "seq 42\n", "seq 42 \n", "\"seq\"");
	refused_with(f, "seq 42\n", "seq \n", "\"seq\"");
	refused_with(f, "seq 42\n", "seq 18446744073709551616\n", "\"seq\"");
	refused_with(f, "seq 42\n", "seq 99999999999999999999\n", "\"seq\"");
	refused_with(f, "head " HEAD "\n", "head NONE\n", "\"head\"");
	refused_with(f, "head 0123", "head 0A23", "\"head\"");
	refused_with(f, "head " HEAD, "head " HEAD "0", "\"head\"");
	refused_with(f, "head 0", "head ", "\"head\"");
	refused_with(f, "who alice\n", "who \\x41lice\n", "\"who\"");
	refused_with(f, "who alice\n", "who al\\ice\n", "\"who\"");
	refused_with(f, "who alice\n", "who \\x00\n", "\"who\"");
	refused_with(f, "who alice\n", "who \\x0A\n", "\"who\"");
	refused_with(f, "who alice\n", "who al\x01ice\n", "\"who\"");
	refused_with(f, "who alice\n", "who "
	    "0123456789012345678901234567890123456789012345678901234567890123"
	    "0123456789012345678901234567890123456789012345678901234567890123"
	    "\n", "\"who\"");
	/* Out of order, twice, unknown. */
	refused_with(f, "role active\nseq 42\n", "seq 42\nrole active\n",
	    "\"role\"");
	refused_with(f, "seq 42\n", "seq 42\nseq 42\n", "\"head\"");
	refused_with(f, "seq 42\n", "seq 42\nflag 1\n", "\"head\"");
	refused_with(f, "who alice\n", "", "\"who\"");
}

static void
test_bad_lengths_refused(void **state)
{
	struct fixture *f = *state;
	char find[32], repl[64];
	const char *at = memmem(f->frame, f->len, "\nstate ", 7);
	size_t state_len;

	assert_non_null(at);
	state_len = strtoul(at + 7, NULL, 10);
	snprintf(find, sizeof find, "\nstate %zu\n", state_len);
	snprintf(repl, sizeof repl, "\nstate 0%zu\n", state_len);
	refused_with(f, find, repl, "\"state\"");
	snprintf(repl, sizeof repl, "\nstate %zu\n", state_len - 1);
	refused_with(f, find, repl, "state: ");
	snprintf(repl, sizeof repl, "\nstate %zu\n", state_len + 1);
	refused_with(f, find, repl, "");
	refused_with(f, find, "\nstate 0\n", "\"state\"");
	refused_with(f, find, "\nstate 99999999\n", "\"state\"");
	refused_with(f, find, "\nstate -1\n", "\"state\"");
	/* The latch's text altered: its seal no longer matches. */
	refused_with(f, "cause trip", "cause fire", "state: ");
	refused_with(f, "\nholds 1\n", "\nholds 2\n", "holds: ");
	refused_with(f, "hold shelve", "hold SHELVE", "holds: ");
	/* The length larger than the message left. */
	at = memmem(f->frame, f->len, "\nholds ", 7);
	assert_non_null(at);
	snprintf(find, sizeof find, "\nholds %lu\n",
	    strtoul(at + 7, NULL, 10));
	snprintf(repl, sizeof repl, "\nholds %lu\n",
	    strtoul(at + 7, NULL, 10) + 1);
	refused_with(f, find, repl, "\"holds\"");
	refused_with(f, find, "\nholds 0\n", "\"holds\"");
}

static void
test_nothing_after_the_last_field(void **state)
{
	struct fixture *f = *state;
	uint8_t body[256];
	size_t ack, n;

	n = frame_of(f, f->frame + PEER_FRAME_HEADER,
	    f->len - PEER_FRAME_HEADER);
	f->other[n] = '\n';
	header_put(f->other, (uint32_t)(n + 1 - PEER_FRAME_HEADER));
	assert_int_equal(peer_proto_parse(f->other, n + 1, &f->msg, f->err),
	    -1);
	assert_non_null(strstr(f->err, "after the holds"));

	ack = peer_proto_format_ack("gw-b", 7, body, sizeof body);
	assert_true(ack > 0 && ack < sizeof body - 8);
	memcpy(body + ack, "seq 8\n", 6);
	header_put(body, (uint32_t)(ack + 6 - PEER_FRAME_HEADER));
	assert_int_equal(peer_proto_parse(body, ack + 6, &f->msg, f->err), -1);
	assert_non_null(strstr(f->err, "after the seq"));
	/* An ack carries no state. */
	n = (size_t)snprintf((char *)body + PEER_FRAME_HEADER,
	    sizeof body - PEER_FRAME_HEADER,
	    "warden-peer 1\ntype ack\nnode gw-b\nrole standby\nseq 7\n");
	header_put(body, (uint32_t)n);
	assert_int_equal(peer_proto_parse(body, PEER_FRAME_HEADER + n,
	    &f->msg, f->err), -1);
	assert_non_null(strstr(f->err, "\"seq\""));
	/* A NUL inside a line. */
	n = frame_of(f, "warden-peer 1\ntype ack\nnode g\0w\nseq 7\n", 38);
	assert_int_equal(peer_proto_parse(f->other, n, &f->msg, f->err), -1);
	assert_non_null(strstr(f->err, "\"node\""));
}

static void
test_ack_round_trip(void **state)
{
	struct fixture *f = *state;
	static const uint64_t seqs[] = { 1, 42, UINT64_MAX };
	uint8_t back[128];
	size_t i, n;

	for (i = 0; i < sizeof seqs / sizeof seqs[0]; i++) {
		n = peer_proto_format_ack("gw-b", seqs[i], f->frame,
		    sizeof f->frame);
		assert_true(n > 0);
		assert_int_equal(peer_proto_frame(f->frame, n, f->err),
		    (ssize_t)n);
		assert_int_equal(peer_proto_parse(f->frame, n, &f->msg,
		    f->err), 0);
		assert_int_equal(f->msg.type, PEER_MSG_ACK);
		assert_string_equal(f->msg.node, "gw-b");
		assert_true(f->msg.seq == seqs[i]);
		assert_int_equal(peer_proto_format_ack(f->msg.node,
		    f->msg.seq, back, sizeof back), n);
		assert_memory_equal(back, f->frame, n);
	}
	assert_memory_equal(f->frame + PEER_FRAME_HEADER, "warden-peer 1\n"
	    "type ack\nnode gw-b\nseq 18446744073709551615\n", n - 4);
	/* An ack of nothing is neither written nor read. */
	assert_int_equal(peer_proto_format_ack("gw-b", 0, back, sizeof back),
	    0);
	n = frame_of(f, "warden-peer 1\ntype ack\nnode gw-b\nseq 0\n", 39);
	assert_int_equal(peer_proto_parse(f->other, n, &f->msg, f->err), -1);
	/* Nor from a node with no name or a bad one. */
	assert_int_equal(peer_proto_format_ack("", 1, back, sizeof back), 0);
	assert_int_equal(peer_proto_format_ack("gw b", 1, back, sizeof back),
	    0);
}

static void
round_trip(struct fixture *f, const struct peer_state *st)
{
	uint8_t *back = malloc(FRAME_CAP);
	size_t n, again, i;

	assert_non_null(back);
	n = peer_proto_format_state("gw-a", st, f->frame, sizeof f->frame);
	assert_true(n > 0);
	assert_int_equal(peer_proto_frame(f->frame, n, f->err), (ssize_t)n);
	if (peer_proto_parse(f->frame, n, &f->msg, f->err) != 0)
		fail_msg("%s", f->err);
	assert_int_equal(f->msg.type, PEER_MSG_STATE);
	assert_string_equal(f->msg.node, "gw-a");
	assert_true(f->msg.seq == st->seq && f->msg.state.seq == st->seq);
	assert_int_equal(f->msg.state.role, st->role);
	assert_string_equal(f->msg.state.head, st->head);
	assert_string_equal(f->msg.state.who, st->who);
	assert_int_equal(f->msg.state.guard.state, st->guard.state);
	assert_int_equal(f->msg.state.guard.cause, st->guard.cause);
	assert_string_equal(f->msg.state.guard.reason, st->guard.reason);
	assert_int_equal(f->msg.state.n_holds, st->n_holds);
	for (i = 0; i < st->n_holds; i++) {
		assert_string_equal(f->msg.state.holds[i].source,
		    st->holds[i].source);
		assert_string_equal(f->msg.state.holds[i].reason,
		    st->holds[i].reason);
		assert_string_equal(f->msg.state.holds[i].user,
		    st->holds[i].user);
	}
	again = peer_proto_format_state(f->msg.node, &f->msg.state, back,
	    FRAME_CAP);
	assert_int_equal(again, n);
	assert_memory_equal(back, f->frame, n);
	/* Every buffer shorter than the frame is refused, not overrun. */
	for (i = 0; i < n; i += i < 64 ? 1 : 997)
		assert_int_equal(peer_proto_format_state("gw-a", st, back, i),
		    0);
	assert_int_equal(peer_proto_format_state("gw-a", st, back, n - 1), 0);
	free(back);
}

/* 1 when the frame last formatted holds text. */
static int
has(const struct fixture *f, const char *text)
{
	return memmem(f->frame, sizeof f->frame, text, strlen(text)) != NULL;
}

static void
test_state_round_trip_no_holds(void **state)
{
	struct fixture *f = *state;
	struct peer_state *st = &f->st;

	state_fill(st, 0);
	round_trip(f, st);
	assert_true(has(f, "warden-peer 1\ntype state\nnode gw-a\n"
	    "role active\nseq 42\nhead " HEAD "\nwho alice\nstate "));
	assert_true(has(f, "\nholds 0\nsha256 "));
	/* No head yet, wardend itself as who, every role. */
	st->head[0] = '\0';
	st->who[0] = '\0';
	st->seq = UINT64_MAX;
	st->role = PAIR_ROLE_FAULT;
	st->guard.state = GUARD_STATE_AUTO;
	st->guard.cause = GUARD_CAUSE_OPERATOR;
	st->guard.reason[0] = '\0';
	round_trip(f, st);
	assert_true(has(f, "\nhead none\nwho \nstate "));
	st->role = PAIR_ROLE_STANDBY;
	round_trip(f, st);
}

static void
test_state_round_trip_all_holds_long_text(void **state)
{
	struct fixture *f = *state;
	struct peer_state *st = &f->st;
	size_t i;

	state_fill(st, ALARM_HOLDS_MAX);
	/* Every field at its longest, control bytes and backslashes that
	 * escape to four and two bytes. */
	memset(st->who, '\x01', sizeof st->who - 1);
	st->who[sizeof st->who - 1] = '\0';
	st->who[3] = '\\';
	memset(st->guard.reason, '\x1f', sizeof st->guard.reason - 1);
	st->guard.reason[sizeof st->guard.reason - 1] = '\0';
	for (i = 0; i < ALARM_HOLDS_MAX; i++) {
		struct alarm_hold *h = &st->holds[i];

		memset(h->source, 'a' + (int)(i % 26), sizeof h->source - 1);
		h->source[sizeof h->source - 1] = '\0';
		memset(h->user, '\x7f', sizeof h->user - 1);
		h->user[sizeof h->user - 1] = '\0';
		memset(h->reason, '\n', sizeof h->reason - 1);
		h->reason[sizeof h->reason - 1] = '\0';
		h->reason[0] = '\\';
	}
	round_trip(f, st);
}

static void
test_format_refuses_what_parse_would(void **state)
{
	struct fixture *f = *state;
	struct peer_state *st = &f->st;

	st->seq = 0;
	assert_int_equal(peer_proto_format_state("gw-a", st, f->other,
	    sizeof f->other), 0);
	st->seq = 1;
	strcpy(st->head, "ABCDEF");
	assert_int_equal(peer_proto_format_state("gw-a", st, f->other,
	    sizeof f->other), 0);
	memset(st->head, 'A', sizeof st->head - 1);
	assert_int_equal(peer_proto_format_state("gw-a", st, f->other,
	    sizeof f->other), 0);
	strcpy(st->head, HEAD);
	st->role = (enum pair_role)PAIR_ROLE_COUNT;
	assert_int_equal(peer_proto_format_state("gw-a", st, f->other,
	    sizeof f->other), 0);
	st->role = PAIR_ROLE_ACTIVE;
	st->n_holds = ALARM_HOLDS_MAX + 1;
	assert_int_equal(peer_proto_format_state("gw-a", st, f->other,
	    sizeof f->other), 0);
	st->n_holds = 0;
	st->guard.since = 1e12;         /* beyond year 9999 */
	assert_int_equal(peer_proto_format_state("gw-a", st, f->other,
	    sizeof f->other), 0);
	st->guard.since = T0;
	assert_int_equal(peer_proto_format_state("gw.a", st, f->other,
	    sizeof f->other) > 0, 1);
	assert_int_equal(peer_proto_format_state("gw:a", st, f->other,
	    sizeof f->other), 0);
}

static void
key_ok(const char *text, size_t len, size_t want)
{
	uint8_t key[PEER_KEY_MAX];
	char err[ERR_LEN];
	size_t n = 0;

	if (peer_key_parse(text, len, key, &n, err) != 0)
		fail_msg("key of %zu bytes refused: %s", len, err);
	assert_int_equal(n, want);
}

static void
key_bad(const char *text, size_t len, const char *want)
{
	uint8_t key[PEER_KEY_MAX];
	char err[ERR_LEN];
	size_t n = 0;

	assert_int_equal(peer_key_parse(text, len, key, &n, err), -1);
	if (strstr(err, want) == NULL)
		fail_msg("error '%s', wanted '%s'", err, want);
}

static void
test_key_parse(void **state)
{
	char text[300];
	uint8_t key[PEER_KEY_MAX], upper[PEER_KEY_MAX];
	char err[ERR_LEN];
	size_t n, m;

	(void)state;
	key_bad("", 0, "0 hex digits");
	key_bad("\n", 1, "0 hex digits");
	memset(text, 'a', sizeof text);
	key_bad(text, 62, "62 hex digits");
	key_bad(text, 63, "63 hex digits");
	key_ok(text, 64, 32);
	key_bad(text, 65, "65 hex digits");
	key_ok(text, 128, 64);
	key_bad(text, 130, "130 hex digits");
	memcpy(text + 64, "\n", 1);
	key_ok(text, 65, 32);
	memcpy(text + 64, "\n\n", 2);
	key_bad(text, 66, "byte 65");
	memcpy(text + 64, "\r\n", 2);
	key_bad(text, 66, "byte 65");
	text[0] = ' ';
	key_bad(text, 64, "byte 1");
	text[0] = '\0';
	key_bad(text, 64, "byte 1");
	text[0] = 'g';
	key_bad(text, 64, "byte 1");
	/* Either case, the same key. */
	memcpy(text, "00ff7fA0Bc", 10);
	memset(text + 10, '1', 54);
	assert_int_equal(peer_key_parse(text, 64, key, &n, err), 0);
	assert_int_equal(key[0], 0x00);
	assert_int_equal(key[1], 0xff);
	assert_int_equal(key[2], 0x7f);
	assert_int_equal(key[3], 0xa0);
	assert_int_equal(key[4], 0xbc);
	assert_int_equal(key[31], 0x11);
	memcpy(text, "00FF7Fa0bC", 10);
	assert_int_equal(peer_key_parse(text, 64, upper, &m, err), 0);
	assert_int_equal(m, n);
	assert_memory_equal(upper, key, n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_frame_length_zero_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_frame_over_max_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_frame_truncated_header_waits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_frame_one_byte_at_a_time,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_lines_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_lengths_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_nothing_after_the_last_field, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ack_round_trip,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_round_trip_no_holds,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_state_round_trip_all_holds_long_text, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_format_refuses_what_parse_would, setup, teardown),
		cmocka_unit_test(test_key_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
