/*
 * peer_proto.h: the messages of a redundant pair's link (issue 14), pure:
 * the one decoder for every byte a peer sends, and the encoder.
 *
 * The link runs over TLS 1.3 with a pre-shared key (pair.key_file, the
 * same on both nodes): the key authenticates both ends, TLS gives the
 * messages integrity and order. The node that accepts (whatever its
 * role) sends its state; the node that dialled (a standby) answers each
 * state with an ack of its seq.
 *
 * A frame is 4 bytes, the body's length big-endian (1..PEER_MSG_MAX),
 * then the body, text, one "key value" per line:
 *
 *   warden-peer 1
 *   type state
 *   node gw-a
 *   role active
 *   seq 42
 *   head <64 lowercase hex digits, or "none">
 *   who alice
 *   state <length>
 *   <that many bytes: statefile_format()'s text of the latch>
 *   holds <length>
 *   <that many bytes: holdsfile_format()'s text of the holds>
 *
 *   warden-peer 1
 *   type ack
 *   node gw-b
 *   seq 42
 *
 * who escapes as the state file's reason does (statefile.h). The latch
 * and the holds are parsed by statefile_parse() and holdsfile_parse(),
 * seal included: one format on disk and on the wire.
 *
 * The parser takes exactly what the format functions write and nothing
 * else: the lines in this order, none missing, none twice, none unknown,
 * nothing after the holds. node is 1..CONFIG_NAME_MAX-1 bytes that
 * config_name_problem() accepts; role a pair_role_name(); seq (state and
 * ack alike) a decimal 1..UINT64_MAX without sign or leading zeros (an
 * ack of 0 would ack nothing: no state has seq 0); who at most
 * PEER_WHO_MAX-1 bytes once unescaped, each escaped in its one spelling;
 * the two lengths decimal like seq, at most STATEFILE_MAX and
 * HOLDSFILE_MAX, exactly the bytes that follow each, and those bytes as
 * statefile_format() and holdsfile_format() write back what they parse
 * to.
 */
#ifndef WARDEN_PEER_PROTO_H
#define WARDEN_PEER_PROTO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "alarm_table.h"
#include "config.h"
#include "errmsg.h"
#include "guard.h"
#include "holdsfile.h"
#include "pair_role.h"
#include "statefile.h"

#define PEER_FRAME_HEADER 4
#define PEER_MSG_MAX (HOLDSFILE_MAX + STATEFILE_MAX + 4096)
#define PEER_HEAD_HEX 64
#define PEER_WHO_MAX 128

enum peer_msg_type { PEER_MSG_STATE, PEER_MSG_ACK };

/* One node's takeover state as its peer must hold it. */
struct peer_state {
	enum pair_role role;            /* the sender's role */
	uint64_t seq;                   /* bumped by every change of the
					 * latch or the holds; 1 is the first */
	char head[PEER_HEAD_HEX + 1];   /* the sender's audit chain head
					 * (hash of its newest record), ""
					 * for none */
	char who[PEER_WHO_MAX];         /* who set the latch's state: a
					 * user, or "" for wardend itself */
	struct guard_persisted guard;   /* AUTO/TAKEOVER, cause, reason,
					 * since */
	struct alarm_hold holds[ALARM_HOLDS_MAX];
	size_t n_holds;
};

struct peer_msg {
	enum peer_msg_type type;
	char node[CONFIG_NAME_MAX];     /* the sender's pair.node */
	uint64_t seq;                   /* ack: the seq acked; state: as
					 * state.seq */
	struct peer_state state;        /* type state only */
};

/* The whole frame (header and body) of a state from node into buf: its
 * length, or 0 when size is too small (PEER_FRAME_HEADER + PEER_MSG_MAX
 * is always enough) or a field cannot be written (one the parser would
 * refuse: a bad node, role or head, seq 0, a since beyond year 9999). */
size_t peer_proto_format_state(const char *node, const struct peer_state *st,
    uint8_t *buf, size_t size);
/* Likewise an ack of seq (not 0) from node. */
size_t peer_proto_format_ack(const char *node, uint64_t seq, uint8_t *buf,
    size_t size);
/*
 * How much of buf[0..len) is the next frame: its whole length (header
 * and body) when all of it is there, 0 when more bytes are needed, -1
 * with err when the length is 0 or over PEER_MSG_MAX (the link is then
 * closed: nothing after it can be framed).
 */
ssize_t peer_proto_frame(const uint8_t *buf, size_t len, char err[ERR_LEN]);
/* One whole frame, as peer_proto_frame() measured it: 0 and out, or -1
 * with err saying what is wrong. What parses, the format functions
 * write back byte for byte. */
int peer_proto_parse(const uint8_t *frame, size_t len, struct peer_msg *out,
    char err[ERR_LEN]);

/*
 * pair.key_file's text: hex digits, PEER_KEY_MIN..PEER_KEY_MAX bytes'
 * worth (64..128 digits, either case), one optional trailing newline,
 * nothing else. 0 with key and *keylen, or -1 with err.
 */
#define PEER_KEY_MIN 32
#define PEER_KEY_MAX 64
int peer_key_parse(const char *text, size_t len, uint8_t key[PEER_KEY_MAX],
    size_t *keylen, char err[ERR_LEN]);

#endif
