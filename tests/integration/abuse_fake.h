/*
 * abuse_fake.h: a device for the abuse and device-link tests that answers
 * reads rightly or with a fault, on a thread of the test.
 */
#ifndef WARDEN_ABUSE_FAKE_H
#define WARDEN_ABUSE_FAKE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

/*
 * A device on 127.0.0.1 that answers fc 3 reads with registers equal to
 * their addresses (so an answer names the request it belongs to) and any
 * other function with exception 0x01. A read of an odd address is
 * answered with the fault: transaction id + 1, unit id ^ 0x55, protocol
 * id 1 (a stream that cannot be framed), or rightly but after an answer
 * nobody asked for (the same answer with transaction id - 1, as from a
 * device that repeats itself).
 */
enum abuse_fault { ABUSE_WRONG_TID, ABUSE_WRONG_UNIT, ABUSE_BAD_PROTOCOL,
	ABUSE_STRAY };

#define ABUSE_FAKE_CONNS 8

struct abuse_fake {
	enum abuse_fault fault;
	uint16_t port;
	int listen_fd;
	int wake[2];                    /* a byte here stops the thread */
	pthread_t thread;
	int opened;                     /* the fds above are ours to close */
	int running;
	atomic_uint requests;           /* requests received */
	atomic_uint corrupted;          /* answered with the fault (for
					 * ABUSE_STRAY: strays sent) */
};

/* Start on a free loopback port (f->port). Stop is idempotent, and a
 * no-op on a zeroed struct. */
int abuse_fake_start(struct abuse_fake *f, enum abuse_fault fault);
void abuse_fake_stop(struct abuse_fake *f);

#endif
