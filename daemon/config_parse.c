/*
 * config_parse.c: the value syntaxes of warden.yaml: numbers, durations,
 * host:port endpoints, networks, names. Each says what is wrong, so that
 * the caller can put it on the right line.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "config_internal.h"

/* Durations beyond this (~31 years) are typing mistakes. */
#define DURATION_MAX_SECONDS 1e9

/* Decimal without a leading zero (YAML 1.1 would read 010 as octal), or 0x hex. */
int config_parse_int(const char *text, int64_t *value)
{
	const char *digits = text;
	char *end;
	long long parsed;

	if (*digits == '+' || *digits == '-')
		digits++;
	if (digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
		if (!isxdigit((unsigned char)digits[2]))
			return -1;
	} else if (!isdigit((unsigned char)digits[0]) ||
	    (digits[0] == '0' && digits[1] != '\0')) {
		return -1;
	}
	errno = 0;
	parsed = strtoll(text, &end, 0);
	if (errno || *end != '\0')
		return -1;
	*value = parsed;
	return 0;
}

int config_parse_real(const char *text, double *value)
{
	char *end;
	double parsed;

	if (*text == '\0' || isspace((unsigned char)*text))
		return -1;
	parsed = strtod(text, &end);
	if (*end != '\0' || !isfinite(parsed))
		return -1;
	*value = parsed;
	return 0;
}

const char *config_duration_problem(const char *text, double *seconds)
{
	static const struct { const char *suffix; double scale; } units[] = {
		{ "ms", 0.001 }, { "s", 1 }, { "m", 60 }, { "h", 3600 },
	};
	char number[32];
	size_t len = strspn(text, "0123456789");
	double value;

	if (len > 0 && text[len] == '.' && isdigit((unsigned char)text[len + 1]))
		len += 1 + strspn(text + len + 1, "0123456789");
	if (len == 0 || len >= sizeof(number))
		return "is not a duration: write a number and ms, s, m or h "
		    "(250ms, 5s, 2m, 1h)";
	memcpy(number, text, len);
	number[len] = '\0';
	value = strtod(number, NULL);
	if (text[len] == '\0')
		return "needs a unit: ms, s, m or h (e.g. 5s)";
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(text + len, units[i].suffix) != 0)
			continue;
		value *= units[i].scale;
		if (value > DURATION_MAX_SECONDS)
			return "is too long";
		*seconds = value;
		return NULL;
	}
	return "is not a duration: the unit must be ms, s, m or h "
	    "(250ms, 5s, 2m, 1h)";
}

int config_parse_duration(const char *text, double *seconds)
{
	return config_duration_problem(text, seconds) ? -1 : 0;
}

const char *config_host_problem(const char *host)
{
	unsigned char addr[16];
	size_t len = strlen(host);

	if (len == 0)
		return "has no host";
	if (len >= CONFIG_HOST_MAX)
		return "has a host name that is too long";
	if (strchr(host, ':'))
		return inet_pton(AF_INET6, host, addr) == 1 ? NULL :
		    "is not a valid IPv6 address";
	if (strspn(host, "0123456789.") == len)
		return inet_pton(AF_INET, host, addr) == 1 ? NULL :
		    "is not a valid IPv4 address";
	if (strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789.-_") != len)
		return "is not a host name or address";
	return NULL;
}

static const char *endpoint_port(const char *text, uint16_t *port)
{
	int64_t value;

	if (*text == '\0')
		return "has no port (e.g. 127.0.0.1:1502)";
	if (strspn(text, "0123456789") != strlen(text) ||
	    config_parse_int(text, &value) < 0 || value < 1 || value > 65535)
		return "has a bad port: it must be 1..65535";
	*port = (uint16_t)value;
	return NULL;
}

const char *config_endpoint_problem(const char *text,
    struct config_endpoint *ep)
{
	char host[CONFIG_HOST_MAX];
	const char *colon, *host_start = text, *problem;
	size_t host_len;

	if (text[0] == '[') {
		const char *close = strchr(text, ']');
		if (!close || close[1] != ':')
			return "is not [address]:port (e.g. [::1]:1502)";
		host_start = text + 1;
		host_len = (size_t)(close - host_start);
		colon = close + 1;
	} else {
		colon = strrchr(text, ':');
		if (!colon)
			return "is not host:port (e.g. 127.0.0.1:1502)";
		host_len = (size_t)(colon - text);
		if (memchr(text, ':', host_len))
			return "needs brackets around an IPv6 address "
			    "(e.g. [::1]:1502)";
	}
	if (host_len == 0)
		return "has no host (e.g. 127.0.0.1:1502, or 0.0.0.0:1502 for "
		    "every address)";
	if (host_len >= sizeof(host))
		return "has a host name that is too long";
	memcpy(host, host_start, host_len);
	host[host_len] = '\0';
	problem = config_host_problem(host);
	if (!problem)
		problem = endpoint_port(colon + 1, &ep->port);
	if (!problem)
		memcpy(ep->host, host, host_len + 1);
	return problem;
}

int config_parse_endpoint(const char *text, struct config_endpoint *ep)
{
	return config_endpoint_problem(text, ep) ? -1 : 0;
}

/* 1 when an address has a bit set beyond its prefix. */
static int net_has_host_bits(const struct config_net *net)
{
	unsigned bytes = net->family == AF_INET ? 4 : 16;

	for (unsigned bit = net->prefix; bit < bytes * 8; bit++)
		if (net->addr[bit / 8] & (0x80u >> (bit % 8)))
			return 1;
	return 0;
}

const char *config_net_problem(const char *text, struct config_net *net)
{
	char addr[64];
	const char *slash = strchr(text, '/');
	size_t len = slash ? (size_t)(slash - text) : strlen(text);
	int64_t prefix;

	if (len == 0 || len >= sizeof(addr))
		return "is not an address or network (e.g. 10.0.0.0/8, "
		    "::1/128)";
	memcpy(addr, text, len);
	addr[len] = '\0';
	memset(net, 0, sizeof(*net));
	net->family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(net->family, addr, net->addr) != 1)
		return "is not an address or network (e.g. 10.0.0.0/8, "
		    "::1/128)";
	net->prefix = net->family == AF_INET ? 32 : 128;
	if (slash) {
		if (strspn(slash + 1, "0123456789") != strlen(slash + 1) ||
		    config_parse_int(slash + 1, &prefix) < 0 ||
		    prefix > (int64_t)net->prefix)
			return net->family == AF_INET ?
			    "has a bad prefix length: it must be 0..32" :
			    "has a bad prefix length: it must be 0..128";
		net->prefix = (unsigned)prefix;
	}
	if (net_has_host_bits(net))
		return "has address bits set past its prefix length: write "
		    "the network address (e.g. 10.1.0.0/16)";
	return NULL;
}

const char *config_name_problem(const char *name)
{
	size_t len = strlen(name);

	if (strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789_.-") != len)
		return "may hold only letters, digits, '_', '-' and '.'";
	return NULL;
}
