/*
 * regs.c: the register image a simulated PLC serves, with forcing.
 */
#include <stdlib.h>

#include "regs.h"

static int
in_range(int address)
{
	return address >= 0 && address < REGS_TABLE_SIZE;
}

int
regs_init(struct regs *regs)
{
	regs->map = modbus_mapping_new(REGS_TABLE_SIZE, REGS_TABLE_SIZE,
	    REGS_TABLE_SIZE, REGS_TABLE_SIZE);
	regs->input_forced = calloc(REGS_TABLE_SIZE, 1);
	regs->discrete_forced = calloc(REGS_TABLE_SIZE, 1);
	if (regs->map == NULL || regs->input_forced == NULL ||
	    regs->discrete_forced == NULL) {
		regs_free(regs);
		return -1;
	}
	return 0;
}

void
regs_free(struct regs *regs)
{
	if (regs->map != NULL)
		modbus_mapping_free(regs->map);
	free(regs->input_forced);
	free(regs->discrete_forced);
	regs->map = NULL;
	regs->input_forced = regs->discrete_forced = NULL;
}

void
regs_set_input(struct regs *regs, int address, uint16_t value)
{
	if (in_range(address) && !regs->input_forced[address])
		regs->map->tab_input_registers[address] = value;
}

void
regs_set_discrete(struct regs *regs, int address, int on)
{
	if (in_range(address) && !regs->discrete_forced[address])
		regs->map->tab_input_bits[address] = on ? 1 : 0;
}

void
regs_force_input(struct regs *regs, int address, uint16_t value)
{
	if (!in_range(address))
		return;
	regs->input_forced[address] = 1;
	regs->map->tab_input_registers[address] = value;
}

void
regs_force_discrete(struct regs *regs, int address, int on)
{
	if (!in_range(address))
		return;
	regs->discrete_forced[address] = 1;
	regs->map->tab_input_bits[address] = on ? 1 : 0;
}

void
regs_unforce_input(struct regs *regs, int address)
{
	if (in_range(address))
		regs->input_forced[address] = 0;
}

void
regs_unforce_discrete(struct regs *regs, int address)
{
	if (in_range(address))
		regs->discrete_forced[address] = 0;
}

uint16_t
regs_holding(const struct regs *regs, int address)
{
	return in_range(address) ? regs->map->tab_registers[address] : 0;
}

int
regs_coil(const struct regs *regs, int address)
{
	return in_range(address) ? regs->map->tab_bits[address] != 0 : 0;
}
