/*
 * console_opts.c: warden-console's flags (console_opts.h).
 */
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "console_opts.h"

enum { OPT_CERT = 256, OPT_KEY, OPT_PAM, OPT_TIMEOUT };

static const struct option console_longopts[] = {
	{ "foreground", no_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ "listen", required_argument, NULL, 'l' },
	{ "socket", required_argument, NULL, 's' },
	{ "user", required_argument, NULL, 'u' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "cert", required_argument, NULL, OPT_CERT },
	{ "key", required_argument, NULL, OPT_KEY },
	{ "pam-service", required_argument, NULL, OPT_PAM },
	{ "session-timeout", required_argument, NULL, OPT_TIMEOUT },
	{ NULL, 0, NULL, 0 },
};

const char *
console_opts_usage(void)
{
	return "usage: warden-console [-fv] [-s control.sock] "
	    "[-l host:port] --cert FILE --key FILE\n"
	    "                      [--pam-service NAME] "
	    "[--session-timeout 15m] [-u user]\n";
}

long
console_opts_duration(const char *s)
{
	char *end;
	long v, unit = 1;

	if (*s < '0' || *s > '9')
		return -1;
	v = strtol(s, &end, 10);
	if (strcmp(end, "s") == 0 || *end == '\0')
		unit = 1;
	else if (strcmp(end, "m") == 0)
		unit = 60;
	else if (strcmp(end, "h") == 0)
		unit = 3600;
	else
		return -1;
	if (v > LONG_MAX / unit)
		return -1;
	return v * unit;
}

/* "host:port" or "[v6]:port" into o->host, o->port. */
static int
console_opts_listen(struct console_opts *o, const char *arg,
    char err[ERR_LEN])
{
	const char *colon, *host = arg;
	size_t hlen;
	char *end;
	long port;

	colon = strrchr(arg, ':');
	if (colon == NULL || colon == arg)
		goto bad;
	hlen = (size_t)(colon - arg);
	if (arg[0] == '[') {
		if (hlen < 3 || arg[hlen - 1] != ']')
			goto bad;
		host++;
		hlen -= 2;
	}
	if (hlen >= sizeof o->host)
		goto bad;
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || colon[1] == '\0' || port < 1 || port > 65535)
		goto bad;
	memcpy(o->host, host, hlen);
	o->host[hlen] = '\0';
	o->port = (unsigned)port;
	o->listen = arg;
	return 0;
bad:
	errmsg_set(err, "-l %s: give an address and port, e.g. "
	    "127.0.0.1:8443 or [::1]:8443", arg);
	return -1;
}

int
console_opts_parse(struct console_opts *o, int argc, char *argv[],
    char err[ERR_LEN])
{
	long secs;
	int ch;

	memset(o, 0, sizeof *o);
	o->socket = CONSOLE_DEFAULT_SOCKET;
	o->pam_service = CONSOLE_DEFAULT_SERVICE;
	o->session_timeout = CONSOLE_DEFAULT_TIMEOUT;
	if (console_opts_listen(o, CONSOLE_DEFAULT_LISTEN, err) == -1)
		return -1;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "fhl:s:u:v", console_longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'f':
			o->foreground = 1;
			break;
		case 'h':
			return 1;
		case 'l':
			if (console_opts_listen(o, optarg, err) == -1)
				return -1;
			break;
		case 's':
			o->socket = optarg;
			break;
		case 'u':
			o->user = optarg;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case OPT_CERT:
			o->cert = optarg;
			break;
		case OPT_KEY:
			o->key = optarg;
			break;
		case OPT_PAM:
			if (*optarg == '\0' || strchr(optarg, '/') != NULL) {
				errmsg_set(err, "--pam-service %s: give the "
				    "name of a file in /etc/pam.d", optarg);
				return -1;
			}
			o->pam_service = optarg;
			break;
		case OPT_TIMEOUT:
			secs = console_opts_duration(optarg);
			if (secs < 60 || secs > CONSOLE_MAX_SESSION) {
				errmsg_set(err, "--session-timeout %s: give "
				    "1m .. 12h, e.g. 15m", optarg);
				return -1;
			}
			o->session_timeout = (int)secs;
			break;
		default:
			errmsg_set(err, "unknown or incomplete flag "
			    "(see warden-console(8))");
			return -1;
		}
	}
	if (optind != argc) {
		errmsg_set(err, "unexpected argument \"%s\"", argv[optind]);
		return -1;
	}
	if (o->cert == NULL || o->key == NULL) {
		errmsg_set(err, "--cert FILE and --key FILE are required: the "
		    "console serves HTTPS only (PEM files)");
		return -1;
	}
	return 0;
}
