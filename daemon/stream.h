/*
 * stream.h: one connection type for every socket wardend reads and
 * writes: AI clients (client.c), device connections (device.c), control
 * connections (control.c) and metrics scrapes (metrics_http.c). The
 * endpoints keep only their protocol; the bytes move here.
 *
 * A stream owns its descriptor, two libev watchers (a read and a write
 * watcher, the write one active only while something is left to write),
 * an input and an output buffer (buf.h), and a transport that moves the
 * bytes. The endpoint frames what arrives in stream_in() and appends its
 * answers with stream_write()/stream_append(); the stream reads into the
 * input buffer when the socket is readable, and writes the output once
 * per loop iteration, at the safe point (streams_run), so that all that
 * one iteration produced leaves in one write per socket; what the socket
 * does not take waits for the write watcher.
 *
 * stream_close(s, reason) is the one way a stream ends, whoever decides
 * it (the endpoint, a read or write error, the peer's end of stream):
 * it logs one line, "<name> closed: <reason>" (at info level through
 * the log budget the endpoint gave, since a peer can provoke it, or at
 * debug level), stops the watchers, closes the transport, and calls the
 * endpoint's closed() there and then, once. The memory is not freed
 * then: the stream, and whatever the endpoint frees in release(), go at
 * the next safe point, once no callback up the stack can still hold
 * them. A closed stream does nothing more: what was queued for it is
 * dropped.
 *
 * The safe point is an ev_prepare watcher of the streams' loop: before
 * the loop sleeps it runs, until none is left, the deferred calls
 * (stream_defer), the before-flush step (streams_before_flush: what an
 * upper layer must do before anything of this round leaves, such as
 * writing the audit records the queued frames wait for), the flushes of
 * streams with flush_first (a failure there answers other streams, whose
 * answers then join their one write), the other flushes; then the frees.
 *
 * Transports. Every read, write and close goes through a struct
 * stream_transport: a plain socket, or TLS (tls.h), which slides in
 * underneath without the endpoints' protocol code changing:
 * - stream_opts.transport (NULL: plain) and the per-connection state,
 *   opts.conn (the SSL), which the stream owns from then on; whoever
 *   owns the TLS context (the listener) makes the conn.
 * - A stream whose transport has a handshake starts in a handshake
 *   state before it is open: the stream calls the handshake whenever
 *   the readiness it asked for comes (an accepted stream's transport
 *   speaks second: it waits to read first), and only when it is done
 *   calls the endpoint's connected() (streams from stream_connect and
 *   accepted ones alike) and starts reading. The handshake has a time
 *   limit, opts.handshake_timeout, one ev_timer of the stream's, which
 *   closes it "TLS handshake timed out"; a failed handshake closes it
 *   with the transport's reason. Nothing waits: a stalled handshake
 *   holds up nothing else on the loop.
 * - SSL_ERROR_WANT_READ and SSL_ERROR_WANT_WRITE are what the `want`
 *   argument of read and write is for: a read that needs the socket
 *   writable (a key update) returns -1, errno EAGAIN and *want =
 *   EV_WRITE, and the stream then waits on the write watcher to read
 *   again; likewise a write may wait on the read watcher. The stream
 *   maps each side's want to the watchers (stream_arm).
 * - Bytes the TLS layer holds decrypted (SSL_pending) make no fd
 *   readable: for a transport that `buffers`, after a read that filled
 *   what was asked, or when reading starts again, the read watcher is
 *   fed one event, so the read is tried once more before waiting.
 * - close sends close_notify best effort (never blocking) and closes
 *   the descriptor; the conn is freed at the safe point, so that
 *   closed() may still ask it (the subject of a refused certificate).
 */
#ifndef WARDEN_STREAM_H
#define WARDEN_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <ev.h>

#include "buf.h"
#include "log.h"
#include "net.h"

#define STREAM_NAME_MAX 128

struct stream;
struct streams;

/*
 * How bytes move. read and write return the bytes moved (read: 0 at the
 * peer's end of stream), or -1 with errno; EAGAIN means "not now", and
 * *want says which readiness of the descriptor lets it go on (EV_READ or
 * EV_WRITE). conn is the transport's state for the connection (plain:
 * none).
 */
struct stream_transport {
	ssize_t (*read)(void *conn, int fd, void *p, size_t len, int *want);
	ssize_t (*write)(void *conn, int fd, const void *p, size_t len,
	    int *want);
	/* NULL: none. 0 once done; -1 with errno EAGAIN and *want while
	 * it goes on; any other -1 with why (len bytes) filled: the stream
	 * is closed for that reason. */
	int (*handshake)(void *conn, int fd, int *want, char *why,
	    size_t len);
	void (*close)(void *conn, int fd);
	/* At the safe point after the close; NULL: nothing to free. */
	void (*free)(void *conn);
	/* Reads may leave bytes in conn that make no fd readable. */
	int buffers;
};

/*
 * What the endpoint hears, each with the ctx it gave. Every callback but
 * closed() is called from the loop (a watcher or the safe point), never
 * from inside a stream_* call the endpoint made; closed() is called from
 * inside stream_close(), whoever called it. Any may be NULL.
 */
struct stream_events {
	/* Bytes arrived: stream_in() holds them after what was left. */
	void (*data)(void *ctx);
	/* The peer sends nothing more (reading has stopped). NULL: the
	 * stream is closed "closed by peer". */
	void (*eof)(void *ctx);
	/* A flush found nothing left to write. */
	void (*drained)(void *ctx);
	/* A stream_connect() connection is up, or the handshake of an
	 * accepted one is done (a transport with a handshake). */
	void (*connected)(void *ctx);
	/* Asked for by stream_defer(). */
	void (*deferred)(void *ctx);
	/* Closed, for the reason given; called once. */
	void (*closed)(void *ctx, const char *reason);
	/* The safe point after the close: free what ctx is. */
	void (*release)(void *ctx);
};

struct stream_opts {
	const char *name;               /* of the close line: "client 1.2:3" */
	const struct stream_events *events;
	void *ctx;
	/* The close line at info level within this budget (a peer can
	 * provoke it); NULL: at debug level. */
	struct log_budget *budget;
	size_t in_max;                  /* most bytes held unconsumed in
					 * stream_in(); 0: no bound */
	size_t out_max;                 /* most bytes waiting to be written;
					 * 0: no bound */
	int priority;                   /* of its watchers (EV_MAXPRI: the
					 * operators' control socket) */
	int flush_first;                /* flushed before the others */
	/* How bytes move (NULL: a plain socket) and the connection's state
	 * for it, which the stream owns from then on (freed even when the
	 * stream cannot be made). */
	const struct stream_transport *transport;
	void *conn;
	/* Seconds a handshake may take; 0: no limit. */
	ev_tstamp handshake_timeout;
};

/* The streams of one loop and its safe point; NULL when out of memory. */
struct streams *streams_new(struct ev_loop *loop);
/* Run the safe point now (wardend, once more when it stops), then free
 * the set. Every stream must have been closed. */
void streams_free(struct streams *ss);
struct ev_loop *streams_loop(const struct streams *ss);
/* fn(ctx) once in every round of the safe point, after the deferred
 * calls and before the flushes; it may queue output and deferred calls.
 * One step: a second call replaces the first; NULL removes it. */
typedef void streams_step_fn(void *ctx);
void streams_before_flush(struct streams *ss, streams_step_fn *fn, void *ctx);
/* The safe point: deferred calls, flushes, frees (see above). */
void streams_run(struct streams *ss);

/* An accepted, connected descriptor, reading at once; NULL when out of
 * memory (fd is closed then). */
struct stream *stream_accept(struct streams *ss, int fd,
    const struct stream_opts *opts);
/*
 * Connect to addr without blocking: events->connected() once it is up,
 * or stream_close(s, why) when it fails (closed() tells the endpoint).
 * NULL with err when not even the socket could be made.
 * The endpoint bounds the wait itself (closing the stream).
 */
struct stream *stream_connect(struct streams *ss, const struct net_addr *addr,
    const struct stream_opts *opts, char err[ERR_LEN]);
void stream_close(struct stream *s, const char *reason);
int stream_closed(const struct stream *s);
const char *stream_name(const struct stream *s);
/* For socket options (SO_PEERCRED), never for I/O. */
int stream_fd(const struct stream *s);

/* What arrived and was not consumed yet: the endpoint frames it and
 * buf_consume()s what it used. */
struct buf *stream_in(struct stream *s);
/* Stop reading (the peer is not read until stream_read_start), or start
 * again. */
void stream_read_stop(struct stream *s);
void stream_read_start(struct stream *s);
/*
 * n bytes at the end of the output, for the caller to fill before it
 * returns to the loop; flushed at the safe point. NULL with errno
 * ENOBUFS (out_max would be passed) or ENOMEM: nothing was added.
 */
uint8_t *stream_append(struct stream *s, size_t n);
/* stream_append() and copy: 0, or -1 as it. */
int stream_write(struct stream *s, const void *p, size_t n);
/* Flush at the safe point even with nothing queued, so that drained()
 * is heard. */
void stream_flush(struct stream *s);
/* Bytes queued and not yet written. */
size_t stream_pending(const struct stream *s);
/* When the last byte moved either way (accepted, connected: the start). */
ev_tstamp stream_last_io(const struct stream *s);
/* events->deferred() at the next safe point (once, however often
 * asked), before the flushes. */
void stream_defer(struct stream *s);

#endif
