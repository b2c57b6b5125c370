/*
 * client.h: the AI's connections (client.c), an endpoint. Bytes are
 * framed by mbap_frame() and decoded by mbap_decode_request(); what to
 * do with each request is the layer above's (client_events, the gate),
 * which answers it with client_send_exception() or forwards it with
 * client_answer_cb() as its done. A client of a TLS listener (tls.h)
 * sends nothing up before its handshake is done; then its role comes
 * from its certificate (the Modbus role extension), else from the
 * listener's role:, else it has none (RIGHTS_NO_ROLE: the gate refuses
 * its every request). A handshake the gateway refused is told up
 * (client_events.refused) for the audit; one the peer gave up or let
 * time out is only counted and logged. Limits (warden.yaml(5)): max_inflight
 * requests outstanding (beyond it the client is not read until answers
 * drain), 64 KiB of unread answers, a frame that does not complete in
 * 5 s, idle_timeout without a byte from it (one waiting for answers is
 * not idle). The connections are accepted by listener.c.
 *
 * struct client and struct clients, the endpoint's handle (its open
 * connections, its listener, what it tells the layer above), are opaque
 * outside client.c and listener.c (client_internal.h).
 */
#ifndef WARDEN_CLIENT_H
#define WARDEN_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "device.h"
#include "ids.h"
#include "mbap.h"
#include "net.h"

struct client;
struct clients;
struct config;
struct counters;
struct log_budget;
struct metrics;
struct streams;

/* A refused TLS client, as the audit names it. */
struct client_refusal {
	const char *client;             /* "ip:port" */
	const char *listener;           /* the listen: entry, "host:port" */
	const char *reason;             /* "certificate verify failed: ..." */
	const char *subject;            /* of the certificate sent; "" none */
};

/* One open connection, as `wardenctl status` lists it. */
struct client_info {
	const char *client;             /* "ip:port" */
	const char *listener;           /* "host:port" */
	const char *identity;           /* certificate subject, or client */
	unsigned role;                  /* index into cfg->roles, or
					 * RIGHTS_NO_ROLE */
	int tls;
	int handshaking;                /* TLS: not authenticated yet */
	int resumed;                    /* TLS: the session was resumed */
	double since;                   /* accepted (ev_now) */
};

/* What a client tells the layer above (the gate), registered by
 * gate_new() with clients_set_events() before the listener opens. */
struct client_events {
	/* A request framed, decoded and addressed to device (an index
	 * into the config's devices): judged, then answered on c. */
	void (*request)(void *ctx, struct client *c, const uint8_t *adu,
	    size_t len, const struct mbap_request *req, unsigned device);
	/* c is going away: what still waits in the flows for it is
	 * answered to nobody. */
	void (*gone)(void *ctx, const struct client *c);
	/* A TLS client was refused (its connection is closed). */
	void (*refused)(void *ctx, const struct client_refusal *r);
	/*
	 * What the intrusion detector counts (ids.h), as kind: IDS_FLOOD
	 * for every request framed; IDS_EXCEPTION_STORM for every
	 * exception answered to c (the gateway's or the device's);
	 * IDS_INVALID_PROTOCOL and IDS_INVALID_LENGTH for a frame that
	 * closes c (told before it is closed); IDS_INVALID_UNIT with the
	 * unit id in detail. NULL: nobody counts.
	 */
	void (*suspect)(void *ctx, const struct client *c, enum ids_kind kind,
	    long detail);
	void *ctx;
};

/*
 * The AI endpoint, none connected, not listening (listener.h), its
 * streams of ss, under cfg, counting into counters and metrics; what
 * peers provoke is logged within abuse_log. NULL when out of memory.
 */
struct clients *clients_new(struct streams *ss, const struct config *cfg,
    struct counters *counters, struct metrics *metrics,
    struct log_budget *abuse_log);
/* Once every client is closed, the listener too, and the streams'
 * deferred frees have run; NULL does nothing. */
void clients_free(struct clients *cs);
void clients_set_events(struct clients *cs, const struct client_events *ev);
/* A reload: the new config in force (limits, units, allow_from); each
 * open client keeps its role by name, or has none when the new config
 * lacks it. */
void clients_set_config(struct clients *cs, const struct config *cfg);
/* Logs why (within the abuse budget), answers nothing more. */
void client_close(struct client *c, const char *reason);
void clients_close_all(struct clients *cs, const char *reason);
/* The connections open. */
unsigned clients_count(const struct clients *cs);
void client_send_exception(struct client *c, uint16_t tid, uint8_t unit,
    uint8_t fc, uint8_t code);
/* Answer a write (fc 5, 6, 15, 16) as the device would have, without
 * it: a ramp's (ramp.h). Any other function gets 0x04. */
void client_send_written(struct client *c, const struct mbap_request *req);
/* A struct inflight's done for a forwarded request (ctx: the client). */
void client_answer_cb(void *ctx, const struct inflight *req,
    const uint8_t *answer, size_t len, uint8_t exception);
/* "ip:port", as audit records name the client. */
const char *client_name(const struct client *c);
/*
 * Its role, an index into cfg->roles, or RIGHTS_NO_ROLE (rights.h): the
 * role of its certificate, or of the listen: entry that took it.
 */
unsigned client_role(const struct client *c);
/* Who it is: its certificate's subject, or its address as
 * client_name(). */
const char *client_identity(const struct client *c);
/* The open connections into out (at most max; clients_count() says how
 * many there are), newest first; the strings live as long as the
 * connection. */
size_t clients_info(const struct clients *cs, struct client_info *out,
    size_t max);
/* A request of c's is outstanding (forwarded, or waiting for a read),
 * or no longer is: max_inflight counts them. */
void client_hold(struct client *c);
void client_release(struct client *c);

#endif
