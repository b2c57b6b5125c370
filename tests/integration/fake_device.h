/*
 * fake_device.h: a device for the abuse and device-link tests that answers
 * reads rightly or with a fault, on a thread of the test. A world runs
 * it (world_fake) and stops it with the rest.
 */
#ifndef WARDEN_FAKE_DEVICE_H
#define WARDEN_FAKE_DEVICE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

/*
 * A device on 127.0.0.1 that answers fc 3 reads with registers equal to
 * their addresses (so an answer names the request it belongs to) and any
 * other function with exception 0x01. A read of an odd address is
 * answered with the fault: transaction id + 1, unit id ^ 0x55, protocol
 * id 1 (a stream that cannot be framed), rightly but after an answer
 * nobody asked for (the same answer with transaction id - 1, as from a
 * device that repeats itself), or rightly and then, in the same send,
 * once more with transaction id + 1000 (an answer with nothing asked).
 */
enum fake_fault { FAKE_WRONG_TID, FAKE_WRONG_UNIT, FAKE_BAD_PROTOCOL,
	FAKE_STRAY, FAKE_UNSOLICITED };

#define FAKE_DEVICE_CONNS 8

struct fake_device {
	enum fake_fault fault;
	uint16_t port;
	int listen_fd;
	int wake[2];                    /* a byte here stops the thread */
	pthread_t thread;
	int opened;                     /* the fds above are ours to close */
	int running;
	atomic_uint requests;           /* requests received */
	atomic_uint corrupted;          /* answered with the fault (for
					 * FAKE_STRAY: strays sent) */
};

/* Start on a free loopback port (f->port). Stop is idempotent, and a
 * no-op on a zeroed struct. */
int fake_device_start(struct fake_device *f, enum fake_fault fault);
void fake_device_stop(struct fake_device *f);

#endif
