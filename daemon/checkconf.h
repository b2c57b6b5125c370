/* checkconf.h: what `wardend -t` prints for a valid configuration. */
#ifndef WARDEN_CHECKCONF_H
#define WARDEN_CHECKCONF_H

#include <stdio.h>

#include "config.h"

void checkconf_print(const struct config *cfg, FILE *out);

#endif
