/*
 * peer_key.h: pair.key_file, the key both nodes of a pair share, read
 * from its file (peer_proto.h's peer_key_parse() says its text). The
 * file must be a regular file that neither group nor others may read or
 * write: whoever holds the key can pass for the peer.
 */
#ifndef WARDEN_PEER_KEY_H
#define WARDEN_PEER_KEY_H

#include <stddef.h>
#include <stdint.h>

#include "errmsg.h"
#include "peer_proto.h"

/* The key in path: 0 with key and *keylen, or -1 with err naming path
 * and what to do (chmod 600 it, how to make one). Blocking; read at
 * start and by wardend -t, never on the loop. */
int peer_key_load(const char *path, uint8_t key[PEER_KEY_MAX],
    size_t *keylen, char err[ERR_LEN]);

#endif
