/*
 * console_main.c: warden-console, the operators' web console. Wiring
 * only: the flags, the certificate and key read and the port bound while
 * still root, privileges dropped, then the feed from wardend and the
 * HTTPS server started, and both stopped on SIGTERM or SIGINT.
 *
 * A program of its own, under a user of its own: it reaches wardend only
 * through the control socket, as a client like wardenctl, so nothing it
 * does or suffers can touch the gateway.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "console.h"
#include "console_feed.h"
#include "console_http.h"
#include "log.h"
#include "net.h"
#include "privdrop.h"

#define PEM_MAX (1024 * 1024)

double
console_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A PEM file, whole and NUL-terminated: NULL with err. */
static char *
console_read_pem(const char *flag, const char *path, char err[ERR_LEN])
{
	struct stat sb;
	char *text = NULL;
	ssize_t n;
	size_t got = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		errmsg_set(err, "%s %s: %s (it is read before privileges are "
		    "dropped, as the user that starts warden-console)", flag,
		    path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    sb.st_size <= 0 || sb.st_size > PEM_MAX) {
		errmsg_set(err, "%s %s: not a PEM file of at most %d bytes",
		    flag, path, PEM_MAX);
		goto fail;
	}
	if ((text = malloc((size_t)sb.st_size + 1)) == NULL) {
		errmsg_set(err, "out of memory");
		goto fail;
	}
	while (got < (size_t)sb.st_size) {
		n = read(fd, text + got, (size_t)sb.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			errmsg_set(err, "%s %s: cannot read it: %s", flag,
			    path, n < 0 ? strerror(errno) : "cut short");
			goto fail;
		}
		got += (size_t)n;
	}
	text[got] = '\0';
	close(fd);
	return text;
fail:
	free(text);
	close(fd);
	return NULL;
}

static int
console_listen(const struct console_opts *o, char err[ERR_LEN])
{
	struct net_addr addr;
	char why[ERR_LEN];
	int fd;

	if (net_resolve(o->host, (uint16_t)o->port, &addr, why) == -1 ||
	    (fd = net_listen(&addr, 64, why)) == -1) {
		errmsg_set(err, "-l %s: %s", o->listen, why);
		return -1;
	}
	return fd;
}

/* SIGTERM, SIGINT and SIGHUP are taken by sigwait() in main alone: they
 * are blocked before any thread starts, so every thread inherits that. */
static void
console_block_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, set, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static void
console_serve(struct console *con, int fd, const char *cert,
    const char *key)
{
	struct console_feed *feed;
	struct MHD_Daemon *http;
	char err[ERR_LEN];
	sigset_t set;
	int sig;

	console_block_signals(&set);
	if ((feed = feed_start(con->opt->socket, con->state, err)) == NULL)
		fatalx("%s", err);
	if ((http = http_start(con, fd, cert, key, err)) == NULL)
		fatalx("%s", err);
	log_info("serving https://%s%s%s:%u/ for wardend at %s",
	    strchr(con->opt->host, ':') ? "[" : "", con->opt->host,
	    strchr(con->opt->host, ':') ? "]" : "", con->opt->port,
	    con->opt->socket);
	for (;;) {
		if (sigwait(&set, &sig) != 0 || sig == SIGHUP)
			continue;
		break;
	}
	log_info("signal %d: stopping", sig);
	state_stop(con->state);
	http_stop(http);
	feed_stop(feed);
}

int
main(int argc, char *argv[])
{
	struct console_opts opt;
	struct console con;
	char err[ERR_LEN], *cert, *key;
	int fd, rc;

	if ((rc = console_opts_parse(&opt, argc, argv, err)) != 0) {
		if (rc == -1)
			fprintf(stderr, "warden-console: %s\n", err);
		fputs(console_opts_usage(), rc == 1 ? stdout : stderr);
		return rc == 1 ? 0 : 2;
	}
	if ((cert = console_read_pem("--cert", opt.cert, err)) == NULL ||
	    (key = console_read_pem("--key", opt.key, err)) == NULL ||
	    (fd = console_listen(&opt, err)) == -1) {
		fprintf(stderr, "warden-console: %s\n", err);
		return 1;
	}
	log_init("warden-console", opt.foreground, opt.verbose);
	if (!opt.foreground && daemon(0, 0) == -1)
		fatal("daemon");
	if (opt.user != NULL && privdrop_to_user(opt.user, err) == -1)
		fatalx("%s", err);

	memset(&con, 0, sizeof con);
	con.opt = &opt;
	pam_auth_init(&con.pam, opt.pam_service);
	pthread_mutex_init(&con.throttle_lock, NULL);
	if ((con.state = state_new()) == NULL ||
	    (con.sessions = sessions_new(opt.session_timeout,
	    CONSOLE_MAX_SESSION)) == NULL)
		fatalx("out of memory");
	console_serve(&con, fd, cert, key);

	sessions_free(con.sessions);
	state_free(con.state);
	explicit_bzero(key, strlen(key));
	free(key);
	free(cert);
	log_info("stopped");
	return 0;
}
