/*
 * console_opts.h: warden-console's command line, parsed without I/O so
 * that a bad flag is refused before anything is opened.
 */
#ifndef WARDEN_CONSOLE_OPTS_H
#define WARDEN_CONSOLE_OPTS_H

#include "errmsg.h"

#define CONSOLE_DEFAULT_SOCKET "/run/warden/control.sock"
#define CONSOLE_DEFAULT_LISTEN "127.0.0.1:8443"
#define CONSOLE_DEFAULT_SERVICE "warden-console"
#define CONSOLE_DEFAULT_TIMEOUT (15 * 60)       /* idle seconds */
/* A session ends after this long whatever it does: a shift. */
#define CONSOLE_MAX_SESSION (12 * 3600)

struct console_opts {
	int foreground;
	int verbose;
	const char *socket;             /* wardend's control socket */
	const char *listen;             /* host:port, as given */
	char host[256];                 /* listen split */
	unsigned port;
	const char *cert, *key;         /* PEM files */
	const char *pam_service;
	int session_timeout;            /* seconds without a request */
	const char *user;               /* NULL: keep running as started */
};

/*
 * Fill o from argv (defaults for what is not given). Returns 0; 1 when
 * usage was asked for (-h); -1 with err saying which flag is wrong and
 * what it takes.
 */
int console_opts_parse(struct console_opts *o, int argc, char *argv[],
    char err[ERR_LEN]);
/* "15m", "900s", "900", "1h" as seconds; -1 when not one. */
long console_opts_duration(const char *s);
/* The usage text, for -h and a wrong flag. */
const char *console_opts_usage(void);

#endif
