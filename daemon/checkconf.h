/* checkconf.h: what `wardend -t` prints for a valid configuration. */
#ifndef WARDEN_CHECKCONF_H
#define WARDEN_CHECKCONF_H

#include <stdio.h>

#include "config.h"

void checkconf_print(const struct config *cfg, FILE *out);
/*
 * After the table (checkconf_access.c): a line per listen: entry
 * (address, plain or tls, role, allow_from in force) and per role.
 */
void checkconf_print_access(const struct config *cfg, FILE *out);
/* Then a line per serial bus (checkconf_serial.c): port, settings, the
 * silence between frames, its devices as name:unit->unit on the wire. */
void checkconf_print_serial(const struct config *cfg, FILE *out);
/* Each of cfg->warnings as a log line, after prefix (e.g. "reload: "). */
void checkconf_log_warnings(const struct config *cfg, const char *prefix);

#endif
