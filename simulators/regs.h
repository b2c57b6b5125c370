/*
 * regs.h: the register image a simulated PLC serves (a libmodbus mapping of
 * REGS_TABLE_SIZE entries per table, addresses from 0) and which input
 * registers and discrete inputs a test has forced. The process model writes
 * inputs through regs_set_*(), which leave forced addresses alone.
 */
#ifndef REGS_H
#define REGS_H

#include <stdint.h>

#include <modbus.h>

#define REGS_TABLE_SIZE 10000

struct regs {
	modbus_mapping_t *map;
	uint8_t *input_forced;		/* per input register */
	uint8_t *discrete_forced;	/* per discrete input */
};

/* 0, or -1 when out of memory. */
int regs_init(struct regs *regs);
void regs_free(struct regs *regs);

/* Out-of-range addresses are ignored by all of these. */
void regs_set_input(struct regs *regs, int address, uint16_t value);
void regs_set_discrete(struct regs *regs, int address, int on);
void regs_force_input(struct regs *regs, int address, uint16_t value);
void regs_force_discrete(struct regs *regs, int address, int on);
void regs_unforce_input(struct regs *regs, int address);
void regs_unforce_discrete(struct regs *regs, int address);

/* Reads for the model; out-of-range addresses read 0. */
uint16_t regs_holding(const struct regs *regs, int address);
int regs_coil(const struct regs *regs, int address);

#endif
