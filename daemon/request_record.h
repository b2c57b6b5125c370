/*
 * request_record.h: the audit record of a decision on one AI request.
 * Pure: no I/O, no clock.
 *
 * It says what the AI asked, whole, and what became of it:
 *   unit, fc          always
 *   point, value, raw, forwarded, rule, limit
 *                     the point the verdict is about, as policy.h names
 *                     it (the first point written when allowed)
 *   exception         the one the AI got, when it got one
 *   address, count    the write part of fc 5, 6, 15, 16, 22, 23
 *   values            what they write, as written: fc 5 and 15 the coils
 *                     as a string of bits, first coil first ("0110");
 *                     fc 6, 16 and 23 the register words ([500,65535])
 *   and_mask, or_mask fc 22
 *   read_address, read_count
 *                     fc 23's read part
 *   data              a function the policy does not judge: the bytes
 *                     after the function code, in hex
 *   points            a request that writes more than one point: each,
 *                     in address order, as {point, value, raw,
 *                     forwarded}; raw is left out for float32 points,
 *                     forwarded unless the request was clamped and
 *                     forwarded and the point's value changed. When the
 *                     names would make the record too long, points_omitted
 *                     says how many there were (values still holds all).
 *   role, identity    who asked (request_record_who()): the client's
 *                     role, and its certificate's subject or its address
 * A function the policy does not judge is no write: its decision is
 * recorded as request_allowed or request_rejected instead of
 * write_allowed or write_rejected (monitor mode's would_reject stays).
 */
#ifndef WARDEN_REQUEST_RECORD_H
#define WARDEN_REQUEST_RECORD_H

#include <stdint.h>

#include "audit.h"
#include "config.h"
#include "mbap.h"
#include "policy.h"

#define REQUEST_RECORD_EXTRAS 10

struct request_record {
	struct audit_event ev;
	struct audit_extra extra[REQUEST_RECORD_EXTRAS];
	uint8_t coil;                   /* fc 5: its value as a packed bit */
	const struct config *cfg;       /* for the points list */
	const struct policy_decision *d;
};

/*
 * Fill r with the record of req (decoded from a frame that must outlive
 * r) and its decision d (NULL: none), under event (write_allowed,
 * write_rejected, would_* ...) and with exception (0: none). The caller
 * adds client; r->ev is ready for audit_write() while r, req's frame,
 * cfg and d stay as they are.
 */
void request_record_fill(struct request_record *r, const struct config *cfg,
    const struct mbap_request *req, const struct policy_decision *d,
    const char *event, uint8_t exception);

/* Add who asked to r, after request_record_fill(): role and identity
 * must outlive r. */
void request_record_who(struct request_record *r, const char *role,
    const char *identity);

#endif
