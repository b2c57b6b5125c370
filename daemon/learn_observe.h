/*
 * learn_observe.h: one AI request, as monitor mode forwards it, into the
 * learning table (learn_table.h). Pure: no I/O, no clock.
 *
 * Every request counts under its function code. Reads (fc 1-4 and the
 * read half of fc 23) count a read of each address they cover. Writes
 * count, per address they cover:
 *   - an address of a point of the config: once per point the write
 *     covers whole, under the point's own address and width, with the
 *     point's raw value (point.h: typed, so an int16 point's -5 is -5);
 *     a write of part of a 32-bit point counts as partial and nothing
 *     more;
 *   - any other address: its raw 16-bit register (unsigned) or bit;
 *     and when one fc 16 or 23 writes exactly two registers, neither of
 *     them a point's, the pair too (width 2) as one unsigned 32-bit
 *     value, first register high (ABCD): the evidence a 32-bit value
 *     lives there.
 * fc 5 writes a bit 1 (0xFF00) or 0; fc 22 has a value only when its
 * AND mask is 0 (the register becomes the OR mask): otherwise what it
 * leaves depends on the device, and the write is counted without one.
 * Function codes beyond these are counted and nothing more.
 */
#ifndef WARDEN_LEARN_OBSERVE_H
#define WARDEN_LEARN_OBSERVE_H

#include "config.h"
#include "learn_table.h"
#include "mbap.h"

/* req (decoded by mbap_decode_request) was addressed to device at now. */
void learn_observe(struct learn_table *t, const struct config *cfg,
    unsigned device, const struct mbap_request *req, double now);

/*
 * The device's answer resp (mbap_check_response) to the AI's read req
 * of coils (fc 1) or holding registers (fc 3), at now: each address the
 * table holds, and each point read whole, learns the value it holds
 * (learn_table_seen), as point or address, as the writes count them; a
 * pair the table holds (width 2) too, when both its registers were read.
 */
void learn_observe_answer(struct learn_table *t, const struct config *cfg,
    unsigned device, const struct mbap_request *req,
    const struct mbap_response *resp, double now);

#endif
