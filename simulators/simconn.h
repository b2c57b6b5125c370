/*
 * simconn.h: one client connection of plcsim: bytes read but not yet
 * framed, answers waiting for their due time (--fault slow), bytes not yet
 * written. Nothing here blocks; a client that stops reading is simply no
 * longer read from once its queues are full.
 */
#ifndef SIMCONN_H
#define SIMCONN_H

#include <stddef.h>
#include <stdint.h>

#include <modbus.h>

#define SIMCONN_IN_SIZE		4096
#define SIMCONN_OUT_SIZE	16384
#define SIMCONN_QUEUE		64	/* answers held back at most */
#define SIMCONN_PEER_SIZE	64

struct simconn_reply {
	double due;		/* monotonic seconds */
	size_t len;
	uint8_t bytes[MODBUS_TCP_MAX_ADU_LENGTH];
};

struct simconn {
	int fd;
	int backdoor;		/* accepted on the backdoor port */
	char peer[SIMCONN_PEER_SIZE];	/* "ip:port" */
	uint8_t in[SIMCONN_IN_SIZE];
	size_t in_len;
	uint8_t out[SIMCONN_OUT_SIZE];
	size_t out_len;
	struct simconn_reply queue[SIMCONN_QUEUE];
	size_t queue_head;
	size_t queue_len;
};

/* A connection for an accepted, non-blocking fd; NULL when out of memory. */
struct simconn *simconn_new(int fd, int backdoor);
/* Closes the fd and frees. */
void simconn_free(struct simconn *conn);

/* Reads what the socket has into `in`; -1 when the peer closed or failed. */
int simconn_read(struct simconn *conn);
/* Drops the first len bytes of `in` (a request served). */
void simconn_consume(struct simconn *conn, size_t len);

int simconn_queue_full(const struct simconn *conn);
/* Holds an answer until `due`; the caller checks simconn_queue_full(). */
void simconn_enqueue(struct simconn *conn, double due, const uint8_t *bytes,
    size_t len);
/* Earliest due time of a held answer, or a negative value if none. */
double simconn_next_due(const struct simconn *conn);
/*
 * Moves due answers to `out` in order and writes what the socket takes.
 * -1 when the connection failed.
 */
int simconn_flush(struct simconn *conn, double now);

#endif
