/*
 * simargs.c: command-line value parsing shared by plcsim and aisim.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "simargs.h"

int
simargs_long(const char *text, long min, long max, long *out)
{
	char *end;
	long value;

	if (text == NULL || *text == '\0')
		return -1;
	errno = 0;
	value = strtol(text, &end, 10);
	if (errno != 0 || *end != '\0' || value < min || value > max)
		return -1;
	*out = value;
	return 0;
}

int
simargs_double(const char *text, double min, double max, double *out)
{
	char *end;
	double value;

	if (text == NULL || *text == '\0')
		return -1;
	errno = 0;
	value = strtod(text, &end);
	if (errno != 0 || *end != '\0' || !isfinite(value) || value < min ||
	    value > max)
		return -1;
	*out = value;
	return 0;
}

static int
copy_part(const char *start, size_t len, char *dst, size_t size)
{
	if (len >= size)
		return -1;
	memcpy(dst, start, len);
	dst[len] = '\0';
	return 0;
}

int
simargs_hostport(const char *text, char *host, size_t host_size, char *port,
    size_t port_size)
{
	const char *colon, *host_start = text;
	size_t host_len;
	long port_number;

	if (text == NULL)
		return -1;
	if (text[0] == '[') {
		const char *close = strchr(text, ']');

		if (close == NULL || close[1] != ':')
			return -1;
		host_start = text + 1;
		host_len = (size_t)(close - host_start);
		colon = close + 1;
	} else {
		colon = strrchr(text, ':');
		if (colon == NULL)
			return -1;
		host_len = (size_t)(colon - text);
	}
	if (simargs_long(colon + 1, 0, 65535, &port_number) == -1)
		return -1;
	if (copy_part(host_start, host_len, host, host_size) == -1 ||
	    copy_part(colon + 1, strlen(colon + 1), port, port_size) == -1)
		return -1;
	return 0;
}
