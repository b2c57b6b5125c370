/*
 * wardend: the Modbus Warden gateway daemon. main() owns the one context
 * struct and the one libev loop; everything else hangs off them.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkconf.h"
#include "log.h"
#include "warden.h"

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: wardend [-dfntv] -c file\n"
	    "  -c file  configuration (warden.yaml)\n"
	    "  -f       stay in the foreground, log to stderr\n"
	    "  -t       check the configuration, print its points, exit\n"
	    "  -v       verbose logging\n");
	exit(2);
}

static void
signal_stop_cb(struct ev_loop *loop, ev_signal *s, int revents)
{
	(void)revents;
	log_info("signal %d: stopping", s->signum);
	ev_break(loop, EVBREAK_ALL);
}

static void
signal_hup_cb(struct ev_loop *loop, ev_signal *s, int revents)
{
	(void)loop;
	(void)s;
	(void)revents;
	log_info("SIGHUP: reload is not supported yet; restart to apply");
}

static void
warden_start(struct warden *w)
{
	char err[NET_ERR_LEN];

	ev_signal_init(&w->sig_term, signal_stop_cb, SIGTERM);
	ev_signal_init(&w->sig_int, signal_stop_cb, SIGINT);
	ev_signal_init(&w->sig_hup, signal_hup_cb, SIGHUP);
	ev_signal_start(w->loop, &w->sig_term);
	ev_signal_start(w->loop, &w->sig_int);
	ev_signal_start(w->loop, &w->sig_hup);
	ev_prepare_init(&w->prepare, loop_prepare_cb);
	w->prepare.data = w;
	ev_prepare_start(w->loop, &w->prepare);

	if (device_start_all(w, err) == -1)
		fatalx("devices: %s", err);
	if (listener_open(w, err) == -1)
		fatalx("%s", err);
}

static void
warden_stop(struct warden *w)
{
	listener_close(w);
	while (w->clients != NULL)
		client_close(w->clients, "gateway stopping");
	device_stop_all(w);
	/* Run the deferred frees once more. */
	loop_prepare_cb(w->loop, &w->prepare, 0);
	ev_prepare_stop(w->loop, &w->prepare);
	ev_signal_stop(w->loop, &w->sig_term);
	ev_signal_stop(w->loop, &w->sig_int);
	ev_signal_stop(w->loop, &w->sig_hup);
}

int
main(int argc, char *argv[])
{
	struct warden w;
	const char *path = NULL;
	char *errors = NULL;
	int ch, foreground = 0, test_only = 0, verbose = 0;

	while ((ch = getopt(argc, argv, "c:ftv")) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'f':
			foreground = 1;
			break;
		case 't':
			test_only = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
		}
	}
	if (path == NULL || optind != argc)
		usage();

	memset(&w, 0, sizeof w);
	w.listen_fd = -1;
	w.config_path = path;
	if ((w.cfg = config_load(path, &errors)) == NULL) {
		fprintf(stderr, "%s", errors);
		fprintf(stderr, "%s: configuration not loaded\n", path);
		free(errors);
		return 1;
	}
	if (test_only) {
		checkconf_print(w.cfg, stdout);
		config_free(w.cfg);
		return 0;
	}

	log_init("wardend", foreground, verbose);
	if (!foreground && daemon(0, 0) == -1)
		fatal("daemon");
	signal(SIGPIPE, SIG_IGN);
	if ((w.loop = ev_default_loop(EVFLAG_AUTO)) == NULL)
		fatalx("cannot initialise the event loop");

	warden_start(&w);
	log_info("started with %s: %zu devices, %zu points", path,
	    w.cfg->n_devices, w.cfg->n_points);
	ev_run(w.loop, 0);
	warden_stop(&w);
	log_info("stopped");
	config_free(w.cfg);
	ev_loop_destroy(w.loop);
	return 0;
}
