/*
 * checkconf_serial.c: the part of `wardend -t` that shows the serial
 * lines: one line per bus (a port the devices share), with its
 * settings, the silence wardend keeps between frames, and each device
 * on it as name, the unit the AI addresses, "->", the unit on the wire.
 */
#include "checkconf.h"

#include <string.h>

#include "rtu.h"

/* The first device on the same port as device i is i itself. */
static int
checkconf_first_on_port(const struct config *cfg, size_t i)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (cfg->devices[j].has_serial && strcmp(
		    cfg->devices[j].serial.port, cfg->devices[i].serial.port) == 0)
			return 0;
	return 1;
}

void
checkconf_print_serial(const struct config *cfg, FILE *out)
{
	size_t i, j;

	for (i = 0; i < cfg->n_devices; i++) {
		const struct config_serial *s = &cfg->devices[i].serial;
		double c;

		if (!cfg->devices[i].has_serial ||
		    !checkconf_first_on_port(cfg, i))
			continue;
		c = rtu_char_time(s->baud, s->data_bits, s->parity,
		    s->stop_bits);
		fprintf(out, "serial %s %u %u%c%u%s silence %.3fms devices",
		    s->port, s->baud, s->data_bits, s->parity, s->stop_bits,
		    s->rs485 ? " rs485" : "", rtu_t35(s->baud, c) * 1e3);
		for (j = i; j < cfg->n_devices; j++) {
			const struct config_device *d = &cfg->devices[j];

			if (d->has_serial && strcmp(d->serial.port,
			    s->port) == 0)
				fprintf(out, " %s:%u->%u", d->name, d->unit_id,
				    d->device_unit_id);
		}
		fprintf(out, "\n");
	}
}
