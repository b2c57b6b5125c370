/*
 * client.h: the AI's connections (client.c), an endpoint. Bytes are
 * framed by mbap_frame() and decoded by mbap_decode_request(); what to
 * do with each request is the layer above's (client_events, the gate),
 * which answers it with client_send_exception() or forwards it with
 * client_answer_cb() as its done. Limits (warden.yaml(5)): max_inflight
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
#include "mbap.h"
#include "net.h"

struct client;
struct clients;
struct config;
struct counters;
struct log_budget;
struct metrics;
struct streams;

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
/* A reload: the new config in force (limits, units, allow_from). */
void clients_set_config(struct clients *cs, const struct config *cfg);
/* Logs why (within the abuse budget), answers nothing more. */
void client_close(struct client *c, const char *reason);
void clients_close_all(struct clients *cs, const char *reason);
/* The connections open. */
unsigned clients_count(const struct clients *cs);
void client_send_exception(struct client *c, uint16_t tid, uint8_t unit,
    uint8_t fc, uint8_t code);
/* A struct inflight's done for a forwarded request (ctx: the client). */
void client_answer_cb(void *ctx, const struct inflight *req,
    const uint8_t *answer, size_t len, uint8_t exception);
/* "ip:port", as audit records name the client. */
const char *client_name(const struct client *c);
/*
 * Its role, an index into cfg->roles: the role of the listen: entry that
 * took it.
 */
unsigned client_role(const struct client *c);
/* A request of c's is outstanding (forwarded, or waiting for a read),
 * or no longer is: max_inflight counts them. */
void client_hold(struct client *c);
void client_release(struct client *c);

#endif
