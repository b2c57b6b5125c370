/*
 * config_serial.c: serial: of a device (config.h, struct config_serial):
 * a Modbus RTU line instead of host:port. Each key is checked where it
 * is written; then against the devices before it on the same port,
 * which share one bus: one setting of the line, and one unit id on the
 * wire per device.
 */
#include <stdio.h>
#include <string.h>

#include "config_internal.h"

/* The speeds termios names (B1200 ...); the bus opens only these. */
static const unsigned serial_bauds[] = {
	1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400,
};

static int
serial_baud_known(int64_t baud)
{
	size_t i;

	for (i = 0; i < sizeof serial_bauds / sizeof serial_bauds[0]; i++)
		if (baud == serial_bauds[i])
			return 1;
	return 0;
}

/* The line of key of devices[i].serial, or of serial: when it was
 * left at its default. */
static void
serial_path(char *path, size_t len, size_t i, const char *key, int written)
{
	if (written)
		snprintf(path, len, "devices[%zu].serial.%s", i, key);
	else
		snprintf(path, len, "devices[%zu].serial", i);
}

static void
serial_build_line(struct config_build *b, size_t i,
    const struct raw_serial *raw, struct config_serial *s)
{
	char path[CONFIG_PATH_MAX];

	serial_path(path, sizeof path, i, "port", 1);
	if (raw->port[0] != '/')
		config_build_error(b, path, "serial.port: '%s' is not an "
		    "absolute path (a tty such as /dev/ttyUSB0)", raw->port);
	snprintf(s->port, sizeof s->port, "%s", raw->port);
	s->baud = 19200;
	serial_path(path, sizeof path, i, "baud", 1);
	if (raw->baud && !serial_baud_known(*raw->baud))
		config_build_error(b, path, "serial.baud: %lld is not a "
		    "speed of the line (1200, 2400, 4800, 9600, 19200, "
		    "38400, 57600, 115200 or 230400)",
		    (long long)*raw->baud);
	else if (raw->baud)
		s->baud = (unsigned)*raw->baud;
	s->parity = 'E';
	serial_path(path, sizeof path, i, "parity", 1);
	if (raw->parity && (strlen(raw->parity) != 1 ||
	    strchr("NEO", raw->parity[0]) == NULL))
		config_build_error(b, path, "serial.parity: '%s' is not N "
		    "(none), E (even) or O (odd)", raw->parity);
	else if (raw->parity)
		s->parity = raw->parity[0];
	s->data_bits = 8;
	serial_path(path, sizeof path, i, "data_bits", 1);
	if (raw->data_bits && *raw->data_bits != 8)
		config_build_error(b, path, "serial.data_bits: %lld: Modbus "
		    "RTU has 8 data bits (7 is Modbus ASCII, which wardend "
		    "does not speak)", (long long)*raw->data_bits);
	s->stop_bits = 1;
	serial_path(path, sizeof path, i, "stop_bits", 1);
	if (raw->stop_bits && *raw->stop_bits != 1 && *raw->stop_bits != 2)
		config_build_error(b, path, "serial.stop_bits: %lld is not "
		    "1 or 2", (long long)*raw->stop_bits);
	else if (raw->stop_bits)
		s->stop_bits = (unsigned)*raw->stop_bits;
	s->rs485 = raw->rs485 && *raw->rs485;
}

/* Where devices[i]'s wire unit id was written (or its unit_id). */
static void
serial_unit_path(char *path, size_t len, size_t i,
    const struct raw_device *raw)
{
	snprintf(path, len, raw->device_unit_id ? "devices[%zu].device_unit_id" :
	    "devices[%zu].unit_id", i);
}

/* One setting of the line, compared with the first device on it. */
static void
serial_agree(struct config_build *b, size_t i, const struct raw_serial *raw,
    const struct config_device *dev, const struct config_device *first)
{
	const struct config_serial *s = &dev->serial, *f = &first->serial;
	char path[CONFIG_PATH_MAX], mine[32], theirs[32];
	const char *key = NULL;
	int written = 0;

	if (s->baud != f->baud) {
		key = "baud", written = raw->baud != NULL;
		snprintf(mine, sizeof mine, "%u", s->baud);
		snprintf(theirs, sizeof theirs, "%u", f->baud);
	} else if (s->parity != f->parity) {
		key = "parity", written = raw->parity != NULL;
		snprintf(mine, sizeof mine, "%c", s->parity);
		snprintf(theirs, sizeof theirs, "%c", f->parity);
	} else if (s->stop_bits != f->stop_bits) {
		key = "stop_bits", written = raw->stop_bits != NULL;
		snprintf(mine, sizeof mine, "%u", s->stop_bits);
		snprintf(theirs, sizeof theirs, "%u", f->stop_bits);
	} else if (s->rs485 != f->rs485) {
		key = "rs485", written = raw->rs485 != NULL;
		snprintf(mine, sizeof mine, "%s", s->rs485 ? "true" : "false");
		snprintf(theirs, sizeof theirs, "%s",
		    f->rs485 ? "true" : "false");
	}
	if (key == NULL)
		return;
	serial_path(path, sizeof path, i, key, written);
	config_build_error(b, path, "serial.%s: %s disagrees with device "
	    "'%s' (line %d), %s there, on the same port %s: the devices of "
	    "one bus share its settings", key, mine, first->name, first->line,
	    theirs, s->port);
}

void
config_serial_build(struct config_build *b, size_t i,
    const struct raw_device *raw, struct config_device *dev)
{
	const struct config *cfg = b->cfg;
	char path[CONFIG_PATH_MAX];
	int agreed = 0;
	size_t j;

	dev->has_serial = 1;
	if (raw->host) {
		snprintf(path, sizeof path, "devices[%zu].host", i);
		config_build_error(b, path, "host: and serial: both given: a "
		    "device is on the network or on a serial line");
	}
	if (raw->port) {
		snprintf(path, sizeof path, "devices[%zu].port", i);
		config_build_error(b, path, "port: is for a device on the "
		    "network; a serial device's tty is serial.port");
	}
	if (raw->connections || raw->pipeline) {
		snprintf(path, sizeof path, raw->connections ?
		    "devices[%zu].connections" : "devices[%zu].pipeline", i);
		config_build_error(b, path, "%s: a serial device has no "
		    "connections of its own: its bus carries one request at "
		    "a time", raw->connections ? "connections" : "pipeline");
	}
	serial_build_line(b, i, raw->serial, &dev->serial);
	serial_unit_path(path, sizeof path, i, raw);
	/* Unit 0 is broadcast: no device answers it, so wardend could
	 * never tell whether a write took. 248..255 are reserved. */
	if (dev->device_unit_id < 1 || dev->device_unit_id > 247)
		config_build_error(b, path, "the unit id on the serial line, "
		    "%u, is not a device's address (1..247; 0 is broadcast, "
		    "which no device answers, so a write to it could never "
		    "be confirmed)", dev->device_unit_id);
	for (j = 0; j < i; j++) {
		const struct config_device *o = &cfg->devices[j];

		if (!o->has_serial || strcmp(o->serial.port,
		    dev->serial.port) != 0)
			continue;
		/* The first on the port set the line; those after it
		 * agree with it, or have been told. */
		if (!agreed++)
			serial_agree(b, i, raw->serial, dev, o);
		if (o->device_unit_id == dev->device_unit_id)
			config_build_error(b, path, "the unit id on the serial "
			    "line, %u, is already device '%s''s (line %d) on "
			    "%s", dev->device_unit_id, o->name, o->line,
			    dev->serial.port);
	}
}

int
config_device_same_line(const struct config_device *a,
    const struct config_device *b)
{
	const struct config_serial *x = &a->serial, *y = &b->serial;

	if (a->has_serial != b->has_serial)
		return 0;
	if (!a->has_serial)
		return strcmp(a->endpoint.host, b->endpoint.host) == 0 &&
		    a->endpoint.port == b->endpoint.port;
	return strcmp(x->port, y->port) == 0 && x->baud == y->baud &&
	    x->parity == y->parity && x->data_bits == y->data_bits &&
	    x->stop_bits == y->stop_bits && x->rs485 == y->rs485;
}
