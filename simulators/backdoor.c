/*
 * backdoor.c: plcsim's forcing port.
 */
#include <string.h>

#include "backdoor.h"
#include "mbframe.h"

modbus_mapping_t *
backdoor_mapping_new(void)
{
	return modbus_mapping_new(BACKDOOR_TABLE_SIZE, 0, BACKDOOR_TABLE_SIZE,
	    0);
}

void
backdoor_sync(modbus_mapping_t *backdoor, const struct regs *regs)
{
	const modbus_mapping_t *map = regs->map;
	int i;

	memcpy(backdoor->tab_registers, map->tab_input_registers,
	    REGS_TABLE_SIZE * sizeof(uint16_t));
	memcpy(backdoor->tab_registers + BACKDOOR_SET_BASE, map->tab_registers,
	    REGS_TABLE_SIZE * sizeof(uint16_t));
	memcpy(backdoor->tab_bits, map->tab_input_bits, REGS_TABLE_SIZE);
	memcpy(backdoor->tab_bits + BACKDOOR_SET_BASE, map->tab_bits,
	    REGS_TABLE_SIZE);
	for (i = 0; i < REGS_TABLE_SIZE; i++) {
		backdoor->tab_registers[BACKDOOR_UNFORCE_BASE + i] =
		    regs->input_forced[i];
		backdoor->tab_bits[BACKDOOR_UNFORCE_BASE + i] =
		    regs->discrete_forced[i];
	}
}

static void
apply_register(struct regs *regs, int address, uint16_t value)
{
	if (address < BACKDOOR_SET_BASE)
		regs_force_input(regs, address, value);
	else if (address < BACKDOOR_UNFORCE_BASE)
		regs->map->tab_registers[address - BACKDOOR_SET_BASE] = value;
	else
		regs_unforce_input(regs, address - BACKDOOR_UNFORCE_BASE);
}

static void
apply_coil(struct regs *regs, int address, int on)
{
	if (address < BACKDOOR_SET_BASE)
		regs_force_discrete(regs, address, on);
	else if (address < BACKDOOR_UNFORCE_BASE)
		regs->map->tab_bits[address - BACKDOOR_SET_BASE] = on ? 1 : 0;
	else
		regs_unforce_discrete(regs, address - BACKDOOR_UNFORCE_BASE);
}

void
backdoor_apply(const modbus_mapping_t *backdoor, struct regs *regs,
    const uint8_t *adu, size_t adu_len)
{
	const uint8_t *pdu = adu + MBFRAME_HEADER;
	int address, count, coils = 0, i;

	if (adu_len < MBFRAME_HEADER + 5)
		return;
	address = mbframe_u16(pdu + 1);
	count = mbframe_u16(pdu + 3);
	switch (pdu[0]) {
	case MODBUS_FC_WRITE_SINGLE_COIL:
		coils = 1;
		count = 1;
		break;
	case MODBUS_FC_WRITE_SINGLE_REGISTER:
	case MODBUS_FC_MASK_WRITE_REGISTER:
		count = 1;
		break;
	case MODBUS_FC_WRITE_MULTIPLE_COILS:
		coils = 1;
		break;
	case MODBUS_FC_WRITE_MULTIPLE_REGISTERS:
		break;
	case MODBUS_FC_WRITE_AND_READ_REGISTERS:
		if (adu_len < MBFRAME_HEADER + 9)
			return;
		address = mbframe_u16(pdu + 5);
		count = mbframe_u16(pdu + 7);
		break;
	default:
		return;
	}
	for (i = address; i < address + count && i < BACKDOOR_TABLE_SIZE; i++) {
		if (coils)
			apply_coil(regs, i, backdoor->tab_bits[i]);
		else
			apply_register(regs, i, backdoor->tab_registers[i]);
	}
}
