/*
 * learn_render.h: `wardenctl learn`'s proposal, a whole warden.yaml made
 * from the config in force and what monitor mode learned
 * (learn_table.h). Pure: no I/O, no clock (now is passed in, for the
 * header), the output into a growable buffer.
 *
 * The proposal is the config file in force as written, top-level key by
 * top-level key, except three keys it writes itself (in place, or at the
 * end when the file has none):
 *   mode             enforce: the proposal is there to be enforced
 *   allow_functions  the function codes beyond 1-6, 15, 16, 22, 23 that
 *                    the AI used while learning; those the config
 *                    allowed and the AI never used are left out
 *   points           every point of the config in force, with what the
 *                    AI did to it in a comment; then one point for each
 *                    address the AI wrote that no point covers, its
 *                    write: limits learned; then each address it only
 *                    read, commented out (points for reads: declared;
 *                    written as points when the config in force already
 *                    says reads: declared, so its reads still pass)
 * Comments in those three blocks are not kept; every other line is.
 *
 * A point of the config keeps its write: limits as they are (a comment
 * says when what the AI did while learning breaks them). One the AI
 * wrote that has no write: gets learned limits, in engineering units.
 *
 * Learned limits, margin a fraction (0.1 for 10 %):
 *   min, max      the observed range widened on each side by margin x
 *                 the span (max - min), or x |value| when every write
 *                 was the same value; rounded outward to the point's
 *                 resolution (whole raw units for a new point, the
 *                 point's precision for one of the config) and kept
 *                 inside what the data type holds. A bool's are the
 *                 values seen, unwidened.
 *   max_step      the largest change between two consecutive writes x
 *                 (1 + margin), rounded up; left out when it was 0 (min
 *                 and max then hold the value) and for bools
 *   max_rate      the largest change per second between consecutive
 *                 writes x (1 + margin), rounded up; left out when two
 *                 different values were written within the same instant
 *                 (no rate allows that), when it was 0, and for bools
 *   min_interval  the shortest time between two writes x (1 - margin),
 *                 in whole ms; left out under 1 ms
 * A new point is 16-bit (uint16, the default), or a bool on a coil.
 * Where every write to an address pair was one fc 16 or 23 of exactly
 * those two registers, the pair becomes one 32-bit point, data_type
 * uint32, byte_order ABCD: a guess, and the comment says so (the traffic
 * proves the width, not int32/uint32/float32 nor the order).
 */
#ifndef WARDEN_LEARN_RENDER_H
#define WARDEN_LEARN_RENDER_H

#include "buf.h"
#include "config.h"
#include "learn_table.h"

/* The proposal appended to out. 0, or -1 when out of memory. */
int learn_render(const struct config *cfg, const struct learn_table *t,
    double margin, double now, struct buf *out);

#endif
