/*
 * journal.c: plcsim's JSON Lines record of requests received.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include <modbus.h>

#include "journal.h"
#include "mbframe.h"

/* A bounded string builder that remembers running out of room. */
struct line {
	char *buf;
	size_t size;
	size_t len;
	int overflow;
};

__attribute__((format(printf, 2, 3)))
static void
line_add(struct line *line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (line->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line->buf + line->len, line->size - line->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= line->size - line->len)
		line->overflow = 1;
	else
		line->len += (size_t)n;
}

static void
add_registers(struct line *line, const uint8_t *data, size_t count)
{
	size_t i;

	line_add(line, ",\"values\":[");
	for (i = 0; i < count; i++)
		line_add(line, "%s%u", i ? "," : "", mbframe_u16(data + 2 * i));
	line_add(line, "]");
}

static void
add_bits(struct line *line, const uint8_t *data, size_t count)
{
	size_t i;

	line_add(line, ",\"values\":[");
	for (i = 0; i < count; i++)
		line_add(line, "%s%d", i ? "," : "",
		    (data[i / 8] >> (i % 8)) & 1);
	line_add(line, "]");
}

static void
add_hex(struct line *line, const uint8_t *data, size_t len)
{
	size_t i;

	line_add(line, ",\"data\":\"");
	for (i = 0; i < len; i++)
		line_add(line, "%02x", data[i]);
	line_add(line, "\"");
}

static size_t
min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* fc 5: 1/0 for ON/OFF; any other (illegal) value as its raw number. */
static unsigned
coil_value(uint16_t raw)
{
	return raw == 0xFF00 ? 1 : raw;
}

/*
 * The fields of a PDU long enough for its function code; the values a
 * multiple write carries as far as they are present. 0, or -1 when the
 * PDU is too short to decode (the caller records its bytes instead).
 */
static int
add_fields(struct line *line, const uint8_t *pdu, size_t len)
{
	size_t count;

	if (len < 5)
		return -1;
	count = mbframe_u16(pdu + 3);
	line_add(line, ",\"address\":%u", mbframe_u16(pdu + 1));
	switch (pdu[0]) {
	case MODBUS_FC_READ_COILS:
	case MODBUS_FC_READ_DISCRETE_INPUTS:
	case MODBUS_FC_READ_HOLDING_REGISTERS:
	case MODBUS_FC_READ_INPUT_REGISTERS:
		line_add(line, ",\"count\":%zu", count);
		break;
	case MODBUS_FC_WRITE_SINGLE_COIL:
		line_add(line, ",\"count\":1,\"values\":[%u]",
		    coil_value((uint16_t)count));
		break;
	case MODBUS_FC_WRITE_SINGLE_REGISTER:
		line_add(line, ",\"count\":1,\"values\":[%zu]", count);
		break;
	case MODBUS_FC_WRITE_MULTIPLE_COILS:
		line_add(line, ",\"count\":%zu", count);
		if (len > 6)
			add_bits(line, pdu + 6, min_size(count, (len - 6) * 8));
		break;
	case MODBUS_FC_WRITE_MULTIPLE_REGISTERS:
		line_add(line, ",\"count\":%zu", count);
		if (len > 6)
			add_registers(line, pdu + 6,
			    min_size(count, (len - 6) / 2));
		break;
	case MODBUS_FC_MASK_WRITE_REGISTER:
		if (len < 7)
			return -1;
		line_add(line, ",\"count\":1,\"and_mask\":%zu,\"or_mask\":%u",
		    count, mbframe_u16(pdu + 5));
		break;
	case MODBUS_FC_WRITE_AND_READ_REGISTERS:
		if (len < 9)
			return -1;
		line_add(line, ",\"count\":%zu,\"write_address\":%u,"
		    "\"write_count\":%u", count, mbframe_u16(pdu + 5),
		    mbframe_u16(pdu + 7));
		if (len > 10)
			add_registers(line, pdu + 10,
			    min_size(mbframe_u16(pdu + 7), (len - 10) / 2));
		break;
	default:
		return -1;
	}
	return 0;
}

int
journal_format(char *buf, size_t size, double t, const char *client,
    const uint8_t *adu, size_t adu_len)
{
	struct line line = { buf, size, 0, 0 };
	const uint8_t *pdu = adu + MBFRAME_HEADER;
	size_t pdu_len = adu_len - MBFRAME_HEADER;
	struct line fields;

	line_add(&line, "{\"t\":%.6f,\"client\":\"%s\",\"unit\":%u,"
	    "\"fc\":%u", t, client, adu[MBFRAME_HEADER - 1], pdu[0]);
	fields = line;
	if (add_fields(&fields, pdu, pdu_len) == 0)
		line = fields;
	else
		add_hex(&line, pdu + 1, pdu_len - 1);
	line_add(&line, "}\n");
	return line.overflow ? -1 : (int)line.len;
}

int
journal_open(struct journal *journal, const char *path)
{
	journal->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0644);
	return journal->fd == -1 ? -1 : 0;
}

void
journal_close(struct journal *journal)
{
	if (journal->fd != -1)
		close(journal->fd);
	journal->fd = -1;
}

int
journal_write(struct journal *journal, double t, const char *client,
    const uint8_t *adu, size_t adu_len)
{
	char buf[JOURNAL_LINE_MAX];
	int len;

	if (journal->fd == -1)
		return 0;
	len = journal_format(buf, sizeof(buf), t, client, adu, adu_len);
	if (len < 0)
		return -1;
	return write(journal->fd, buf, (size_t)len) == len ? 0 : -1;
}
