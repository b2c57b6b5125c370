/*
 * simconn.c: a plcsim client connection's buffers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "simconn.h"
#include "simsys.h"

struct simconn *
simconn_new(int fd, int backdoor)
{
	struct simconn *conn = calloc(1, sizeof(*conn));

	if (conn == NULL)
		return NULL;
	conn->fd = fd;
	conn->backdoor = backdoor;
	simsys_sockname(fd, 0, conn->peer, sizeof(conn->peer));
	return conn;
}

void
simconn_free(struct simconn *conn)
{
	if (conn == NULL)
		return;
	close(conn->fd);
	free(conn);
}

int
simconn_read(struct simconn *conn)
{
	ssize_t n;

	if (conn->in_len == sizeof(conn->in))
		return 0;
	n = recv(conn->fd, conn->in + conn->in_len,
	    sizeof(conn->in) - conn->in_len, 0);
	if (n > 0) {
		conn->in_len += (size_t)n;
		return 0;
	}
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return 0;
	return -1;
}

void
simconn_consume(struct simconn *conn, size_t len)
{
	memmove(conn->in, conn->in + len, conn->in_len - len);
	conn->in_len -= len;
}

int
simconn_queue_full(const struct simconn *conn)
{
	return conn->queue_len == SIMCONN_QUEUE;
}

void
simconn_enqueue(struct simconn *conn, double due, const uint8_t *bytes,
    size_t len)
{
	struct simconn_reply *reply;

	if (simconn_queue_full(conn) || len > sizeof(reply->bytes))
		return;
	reply = &conn->queue[(conn->queue_head + conn->queue_len) %
	    SIMCONN_QUEUE];
	reply->due = due;
	reply->len = len;
	memcpy(reply->bytes, bytes, len);
	conn->queue_len++;
}

double
simconn_next_due(const struct simconn *conn)
{
	return conn->queue_len ? conn->queue[conn->queue_head].due : -1.0;
}

static void
release_due(struct simconn *conn, double now)
{
	while (conn->queue_len > 0) {
		struct simconn_reply *reply = &conn->queue[conn->queue_head];

		if (reply->due > now ||
		    reply->len > sizeof(conn->out) - conn->out_len)
			return;
		memcpy(conn->out + conn->out_len, reply->bytes, reply->len);
		conn->out_len += reply->len;
		conn->queue_head = (conn->queue_head + 1) % SIMCONN_QUEUE;
		conn->queue_len--;
	}
}

int
simconn_flush(struct simconn *conn, double now)
{
	ssize_t n;

	release_due(conn, now);
	if (conn->out_len == 0)
		return 0;
	n = send(conn->fd, conn->out, conn->out_len, MSG_NOSIGNAL);
	if (n == -1)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	memmove(conn->out, conn->out + n, conn->out_len - (size_t)n);
	conn->out_len -= (size_t)n;
	release_due(conn, now);
	return 0;
}
