/*
 * simargs.h: command-line value parsing shared by plcsim and aisim.
 * Each parser returns 0 on success and -1 (leaving *out untouched) when the
 * text is not a whole number in range, so callers can name the option.
 */
#ifndef SIMARGS_H
#define SIMARGS_H

#include <stddef.h>

int simargs_long(const char *text, long min, long max, long *out);
int simargs_double(const char *text, double min, double max, double *out);
/* "HOST:PORT", "[V6ADDR]:PORT" or ":PORT" (any address) into host and port. */
int simargs_hostport(const char *text, char *host, size_t host_size,
    char *port, size_t port_size);

#endif
