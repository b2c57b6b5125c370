/*
 * rights.h: what a client's role may do (roles:, issue 11), judged before
 * the policy. Pure: no I/O, no clock; the table is built once per config
 * (at start and at every reload), so that the request path looks up one
 * byte per point and never searches.
 *
 * What a request gets, in this order (a Modbus device checks the function
 * before the address):
 *   no role       every request 0x01: a client whose role is
 *                 RIGHTS_NO_ROLE (a TLS client whose certificate names
 *                 no role, on a listener without one) or one the config
 *                 does not have
 *   function      0x01 when the role may not use it: a read (fc 1-4)
 *                 when its read: is none, a write (fc 5, 6, 15, 16, 22)
 *                 when its write: is none, fc 23 unless it may both read
 *                 and write, a function code beyond those unless the role
 *                 lists it in functions: (the ai role also every code the
 *                 global allow_functions lists, as today)
 *   address       0x02 when read: or write: is a list and an address the
 *                 request covers is not a listed point's (no point there
 *                 at all, or another point): a multi-register or
 *                 multi-coil request needs every point it touches
 *                 allowed. fc 23 needs its read range in read: and its
 *                 write range in write:; fc 22 is a write only (the
 *                 client gets no value back)
 *   takeover      0x0A (gateway path unavailable, as the ai's writes get
 *                 today) for a write, or a function beyond the known
 *                 ones (it may write), while the guard is in TAKEOVER,
 *                 unless the role says during_takeover: keep. The ai role
 *                 never keeps: every takeover rule applies to it
 *   else          allowed: the policy judges it next, so a write is still
 *                 held to each point's write: limits, a read to reads:
 *                 declared, an address without a writable point refused
 *                 0x02 (not_writable)
 *
 * read: all and write: all check nothing here: the ai role's defaults
 * (read all, write all, no extra functions) let through everything the
 * gate let through before roles existed.
 */
#ifndef WARDEN_RIGHTS_H
#define WARDEN_RIGHTS_H

#include <stdint.h>

#include "config.h"
#include "mbap.h"

/* The role of a client that has none (see above). */
#define RIGHTS_NO_ROLE ((unsigned)-1)

struct rights;

enum rights_outcome {
	RIGHTS_ALLOW,           /* on to the policy */
	RIGHTS_REFUSE,          /* outside the role: answer exception */
	RIGHTS_ISOLATED,        /* a write in TAKEOVER: answer exception
				 * (0x0A), as the gate answers the ai's */
};

#define RIGHTS_REASON_LEN 192

struct rights_verdict {
	enum rights_outcome outcome;
	uint8_t exception;      /* 0 when allowed */
	/* The point refused, when a point is to blame (has_point 0: the
	 * function, the role, or an address with no point). */
	int has_point;
	unsigned point;         /* index into cfg->points */
	/* For the audit, when not allowed: "role 'historian' may not
	 * write", "role 'hmi' may not write point 'valve'". */
	char reason[RIGHTS_REASON_LEN];
};

/* The table of cfg's roles; cfg must outlive it. NULL when out of
 * memory. */
struct rights *rights_new(const struct config *cfg);
void rights_free(struct rights *r);

/*
 * Judge req (decoded by mbap_decode_request(), addressed to device, an
 * index into cfg->devices) from a client of role (an index into
 * cfg->roles, or RIGHTS_NO_ROLE); takeover: the guard is in TAKEOVER.
 * Only outcome and exception are set when allowed.
 */
void rights_check(const struct rights *r, unsigned role, unsigned device,
    const struct mbap_request *req, int takeover, struct rights_verdict *v);

/*
 * The role of a TLS client (Modbus/TCP Security): the one its
 * certificate names (cert_role; NULL when it names none), else fallback
 * (the listener's role:, or RIGHTS_NO_ROLE). A named role the config
 * lacks is no role: a name never falls back to another's rights.
 */
unsigned rights_resolve(const struct config *cfg, const char *cert_role,
    unsigned fallback);

/* The role's name; "none" for RIGHTS_NO_ROLE or one out of range. */
const char *rights_role_name(const struct rights *r, unsigned role);

#endif
