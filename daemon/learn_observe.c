/*
 * learn_observe.c: a request into the learning table (learn_observe.h).
 */
#include <modbus.h>

#include "learn_observe.h"
#include "point.h"

#define COIL_ON 0xFF00

static void
observe_reads(struct learn_table *t, unsigned device,
    const struct mbap_request *req, double now)
{
	struct learn_key k = { (uint16_t)device, TABLE_HOLDING, 1, 0 };
	uint32_t a;

	switch (req->fc) {
	case MODBUS_FC_READ_COILS:
		k.table = TABLE_COIL;
		break;
	case MODBUS_FC_READ_DISCRETE_INPUTS:
		k.table = TABLE_DISCRETE;
		break;
	case MODBUS_FC_READ_INPUT_REGISTERS:
		k.table = TABLE_INPUT;
		break;
	default:
		break;
	}
	for (a = req->read_address; a < (uint32_t)req->read_address +
	    req->read_quantity; a++) {
		k.address = (uint16_t)a;
		learn_table_read(t, &k, req->fc, now);
	}
}

/* The i-th value a write carries, as a bit or an unsigned register; 0
 * when it has none (a mask write that leaves bits to the device). */
static int
write_word(const struct mbap_request *req, unsigned i, uint16_t *word)
{
	switch (req->fc) {
	case MODBUS_FC_WRITE_SINGLE_COIL:
		*word = mbap_get_u16(req->data) == COIL_ON;
		return 1;
	case MODBUS_FC_WRITE_MULTIPLE_COILS:
		*word = (uint16_t)mbap_get_bit(req->data, i);
		return 1;
	case MODBUS_FC_MASK_WRITE_REGISTER:
		*word = req->or_mask;
		return req->and_mask == 0;
	default:
		*word = mbap_get_u16(req->data + 2 * i);
		return 1;
	}
}

/* A point the write covers whole: its raw value, typed. */
static void
observe_point(struct learn_table *t, const struct config_point *pt,
    unsigned device, const struct mbap_request *req, double now)
{
	struct learn_key k = { (uint16_t)device, (uint8_t)pt->table,
		(uint8_t)pt->width, pt->address };
	uint16_t words[2] = { 0, 0 };
	unsigned i, offset = (unsigned)(pt->address - req->write_address);
	int valued = 1;

	for (i = 0; i < pt->width; i++)
		valued &= write_word(req, offset + i, &words[i]);
	learn_table_write(t, &k, req->fc, valued, valued ?
	    point_decode(pt, words) : 0, now);
}

static void
observe_writes(struct learn_table *t, const struct config *cfg,
    unsigned device, const struct mbap_request *req, double now)
{
	enum point_table table = req->fc == MODBUS_FC_WRITE_SINGLE_COIL ||
	    req->fc == MODBUS_FC_WRITE_MULTIPLE_COILS ? TABLE_COIL :
	    TABLE_HOLDING;
	struct learn_key k = { (uint16_t)device, (uint8_t)table, 1, 0 };
	uint32_t end = (uint32_t)req->write_address + req->write_quantity;
	const struct config_point *pt;
	uint16_t word, pair[2];
	int undeclared = 0;
	uint32_t a;

	for (a = req->write_address; a < end; a++) {
		pt = config_point_at(cfg, device, table, (uint16_t)a);
		if (pt == NULL) {
			int valued = write_word(req, a - req->write_address,
			    &word);

			k.address = (uint16_t)a;
			learn_table_write(t, &k, req->fc, valued, word, now);
			undeclared++;
		} else if (pt->address < req->write_address ||
		    pt->address + pt->width > end) {
			learn_table_partial(t);
		} else if (pt->address == a)
			observe_point(t, pt, device, req, now);
	}
	if (table == TABLE_HOLDING && req->write_quantity == 2 &&
	    undeclared == 2 && req->fc != MODBUS_FC_MASK_WRITE_REGISTER) {
		write_word(req, 0, &pair[0]);
		write_word(req, 1, &pair[1]);
		k.width = 2;
		k.address = req->write_address;
		learn_table_write(t, &k, req->fc, 1,
		    (double)((uint32_t)pair[0] << 16 | pair[1]), now);
	}
}

void
learn_observe(struct learn_table *t, const struct config *cfg,
    unsigned device, const struct mbap_request *req, double now)
{
	learn_table_request(t, req->fc);
	if (!req->known)
		return;
	if (!req->is_write || req->fc == MODBUS_FC_WRITE_AND_READ_REGISTERS)
		observe_reads(t, device, req, now);
	if (req->is_write)
		observe_writes(t, cfg, device, req, now);
}

void
learn_observe_answer(struct learn_table *t, const struct config *cfg,
    unsigned device, const struct mbap_request *req,
    const struct mbap_response *resp, double now)
{
	enum point_table table = req->fc == MODBUS_FC_READ_COILS ?
	    TABLE_COIL : TABLE_HOLDING;
	struct learn_key k = { (uint16_t)device, (uint8_t)table, 1, 0 };
	uint32_t end = (uint32_t)req->read_address + req->read_quantity;
	int bits = table == TABLE_COIL;
	const struct config_point *pt;
	unsigned i;
	uint32_t a;

	if ((req->fc != MODBUS_FC_READ_COILS &&
	    req->fc != MODBUS_FC_READ_HOLDING_REGISTERS) ||
	    resp->exception != 0 || (size_t)resp->data_len * (bits ? 8 : 1) <
	    (size_t)req->read_quantity * (bits ? 1 : 2))
		return;
	for (a = req->read_address; a < end; a++) {
		i = a - req->read_address;
		pt = config_point_at(cfg, device, table, (uint16_t)a);
		if (pt != NULL) {
			if (pt->address != a || pt->address + pt->width > end)
				continue;
			k.width = (uint8_t)pt->width;
			k.address = pt->address;
			learn_table_seen(t, &k, point_get_raw(pt, resp->data,
			    req->read_address), now);
			continue;
		}
		k.width = 1;
		k.address = (uint16_t)a;
		learn_table_seen(t, &k, bits ? mbap_get_bit(resp->data, i) :
		    mbap_get_u16(resp->data + 2 * i), now);
		if (bits || a + 1 >= end)
			continue;
		k.width = 2;
		learn_table_seen(t, &k, (double)((uint32_t)mbap_get_u16(
		    resp->data + 2 * i) << 16 | mbap_get_u16(resp->data +
		    2 * i + 2)), now);
	}
}
