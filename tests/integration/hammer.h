/*
 * hammer.h: a thread that keeps repeating one abusive connection to a
 * port, for the abuse tests and the flood benchmark.
 */
#ifndef WARDEN_HAMMER_H
#define WARDEN_HAMMER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Until stopped: connect, send frame (when len > 0), wait up to a second
 * for the peer to close, close, pause a millisecond (a storm, not a port
 * exhaustion). rounds counts connections made, closed_by_peer those the
 * peer closed.
 */
struct hammer {
	uint16_t port;
	const uint8_t *frame;
	size_t len;
	atomic_int stop;
	atomic_uint rounds;
	atomic_uint closed_by_peer;
	pthread_t thread;
	int running;
};

/* Start the thread; 0, or -1. Stop is idempotent, and a no-op on a
 * zeroed struct, so an owner can stop every hammer it has on cleanup. */
int hammer_start(struct hammer *h, uint16_t port, const uint8_t *frame,
    size_t len);
void hammer_stop(struct hammer *h);

#endif
