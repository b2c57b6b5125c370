/*
 * answer.c: the words aisim prints for an exception it got. See answer.h.
 */
#include <stdio.h>

#include "answer.h"

#define TAKEOVER_CODE 0x0A

/* "refused": wardend's policy said no; "failed": the device did. */
static const char *const reasons[] = {
	[0x01] = "refused: function not allowed",
	[0x02] = "refused: address not allowed",
	[0x03] = "refused: out of range",
	[0x04] = "failed: device failure",
	[0x05] = "acknowledged, still working",
	[0x06] = "failed: device busy",
	[0x07] = "failed: not acknowledged",
	[0x08] = "failed: memory parity error",
	[0x0A] = "failed: no path to device",
	[0x0B] = "failed: no answer from device",
};

int
answer_exception(char *buf, size_t size, int code, int reads_answered)
{
	const char *why = NULL;

	if (code == TAKEOVER_CODE && reads_answered)
		why = "refused: takeover";
	else if (code > 0 && (size_t)code < sizeof(reasons) / sizeof(reasons[0]))
		why = reasons[code];
	if (why == NULL)
		return snprintf(buf, size, "exception (0x%02X)", code & 0xFF);
	return snprintf(buf, size, "%s (0x%02X)", why, code);
}
