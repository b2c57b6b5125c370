/*
 * holes.c: addresses a simulated PLC does not have (see holes.h).
 */
#include <string.h>

#include <modbus.h>

#include "holes.h"
#include "mbframe.h"
#include "simargs.h"

static const char *const table_names[] = { "coil", "discrete", "input",
	"holding" };

int
holes_add(struct holes *h, const char *text)
{
	const char *colon = strchr(text, ':'), *dash;
	char number[16];
	long first, last;
	size_t i, len;

	if (colon == NULL || h->n >= HOLES_MAX)
		return -1;
	for (i = 0; i < sizeof(table_names) / sizeof(table_names[0]); i++)
		if ((size_t)(colon - text) == strlen(table_names[i]) &&
		    strncmp(text, table_names[i], strlen(table_names[i])) == 0)
			break;
	if (i == sizeof(table_names) / sizeof(table_names[0]))
		return -1;
	dash = strchr(colon + 1, '-');
	len = dash != NULL ? (size_t)(dash - colon - 1) : strlen(colon + 1);
	if (len == 0 || len >= sizeof(number))
		return -1;
	memcpy(number, colon + 1, len);
	number[len] = '\0';
	if (simargs_long(number, 0, 65535, &first) == -1)
		return -1;
	last = first;
	if (dash != NULL && simargs_long(dash + 1, first, 65535, &last) == -1)
		return -1;
	h->hole[h->n].table = (enum holes_table)i;
	h->hole[h->n].first = (uint16_t)first;
	h->hole[h->n].last = (uint16_t)last;
	h->n++;
	return 0;
}

static int
holes_touched(const struct holes *h, enum holes_table table,
    unsigned address, unsigned count)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		if (h->hole[i].table == table &&
		    address <= h->hole[i].last &&
		    address + count > h->hole[i].first)
			return 1;
	return 0;
}

int
holes_check(const struct holes *h, const uint8_t *adu, size_t len)
{
	const uint8_t *pdu = adu + MBFRAME_HEADER;
	unsigned address, count = 1;
	enum holes_table table;
	int touched;

	if (h->n == 0 || len < MBFRAME_HEADER + 5)
		return 0;
	address = mbframe_u16(pdu + 1);
	switch (pdu[0]) {
	case MODBUS_FC_READ_COILS:
	case MODBUS_FC_WRITE_MULTIPLE_COILS:
		table = HOLES_COIL;
		count = mbframe_u16(pdu + 3);
		break;
	case MODBUS_FC_WRITE_SINGLE_COIL:
		table = HOLES_COIL;
		break;
	case MODBUS_FC_READ_DISCRETE_INPUTS:
		table = HOLES_DISCRETE;
		count = mbframe_u16(pdu + 3);
		break;
	case MODBUS_FC_READ_INPUT_REGISTERS:
		table = HOLES_INPUT;
		count = mbframe_u16(pdu + 3);
		break;
	case MODBUS_FC_READ_HOLDING_REGISTERS:
	case MODBUS_FC_WRITE_MULTIPLE_REGISTERS:
	case MODBUS_FC_WRITE_AND_READ_REGISTERS:
		table = HOLES_HOLDING;
		count = mbframe_u16(pdu + 3);
		break;
	case MODBUS_FC_WRITE_SINGLE_REGISTER:
	case MODBUS_FC_MASK_WRITE_REGISTER:
		table = HOLES_HOLDING;
		break;
	default:
		return 0;
	}
	touched = holes_touched(h, table, address, count);
	/* fc 23: the write range follows the read range. */
	if (pdu[0] == MODBUS_FC_WRITE_AND_READ_REGISTERS && len >=
	    MBFRAME_HEADER + 9)
		touched |= holes_touched(h, table, mbframe_u16(pdu + 5),
		    mbframe_u16(pdu + 7));
	return touched ? MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS : 0;
}
