/*
 * backdoor.h: plcsim's second Modbus port, through which a test sets what
 * the device's own port serves. Its holding registers and coils map onto
 * the main image:
 *
 *   holding A          (A < 10000)  force main input register A
 *   holding 10000 + A               set main holding register A
 *   holding 20000 + A               any write unforces input register A;
 *                                   reads 1 while it is forced
 *   coil A, 10000 + A, 20000 + A    the same for discrete inputs and coils
 *
 * Reads return the current main values at the same addresses.
 */
#ifndef BACKDOOR_H
#define BACKDOOR_H

#include <stddef.h>
#include <stdint.h>

#include <modbus.h>

#include "regs.h"

#define BACKDOOR_SET_BASE	10000
#define BACKDOOR_UNFORCE_BASE	20000
#define BACKDOOR_TABLE_SIZE	30000

/* The backdoor's own mapping (holding registers and coils only). */
modbus_mapping_t *backdoor_mapping_new(void);
/* Copies the main image's current values into the backdoor mapping. */
void backdoor_sync(modbus_mapping_t *backdoor, const struct regs *regs);
/*
 * After modbus_reply() served a write on the backdoor mapping, carries
 * every address the request wrote over to the main image.
 */
void backdoor_apply(const modbus_mapping_t *backdoor, struct regs *regs,
    const uint8_t *adu, size_t adu_len);

#endif
