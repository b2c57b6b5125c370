/*
 * plcsim: a simulated PLC for testing wardend. A libmodbus register image
 * driven by a process model in real time, served over Modbus TCP to many
 * clients at once, with a backdoor port for forcing values, a journal of
 * what it received and faults that make it act like a broken device.
 *
 * One poll() loop owns every socket. Requests are framed by the MBAP length
 * (see mbframe.h) and answered by modbus_reply(), whose output is captured
 * through a socketpair so an answer can be held back (--fault slow),
 * replaced (--fault garbage) or written without ever blocking the loop.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <modbus.h>

#include "backdoor.h"
#include "fault.h"
#include "holes.h"
#include "journal.h"
#include "mbframe.h"
#include "model.h"
#include "regs.h"
#include "rng.h"
#include "rtuport.h"
#include "simargs.h"
#include "simconn.h"
#include "simsys.h"

#define STEP_INTERVAL	0.05	/* s between model steps */
#define MAX_CLIENTS	1000
#define MODEL_SEED	20240601u
#define GARBAGE_SEED	7u
#define HOST_SIZE	256
#define PORT_SIZE	16
#define ADDRESS_SIZE	(HOST_SIZE + PORT_SIZE + 4)

struct options {
	enum model_kind model;
	char host[HOST_SIZE], port[PORT_SIZE];
	char backdoor_host[HOST_SIZE], backdoor_port[PORT_SIZE];
	int has_backdoor;
	const char *journal;
	struct fault fault;
	int unit;		/* -1: answer every unit id */
	struct holes holes;	/* main port only */
	long max_conns;		/* main port; 0: MAX_CLIENTS */
	const char *serial;	/* --serial PATH[,...]; NULL: none */
};

struct plcsim {
	struct options opt;
	struct regs regs;
	struct model model;
	modbus_t *ctx;		/* only builds answers; never connects */
	int capture[2];		/* modbus_reply() writes [0], we read [1] */
	modbus_mapping_t *backdoor_map;
	struct journal journal;
	int journal_failed;	/* said so once already */
	struct rng garbage;
	int signal_fd, listen_fd, backdoor_fd;
	struct simconn *conns[MAX_CLIENTS];
	size_t nconns;
	struct pollfd fds[MAX_CLIENTS + 4];	/* signal, listeners, tty, conns */
	double last_step;
	struct rtuport rtu;	/* --serial; fd -1: none */
	uint8_t rtu_reply[MODBUS_TCP_MAX_ADU_LENGTH];
	size_t rtu_reply_len;	/* an answer waiting for --fault slow */
	double rtu_due;
};

static void
usage(FILE *out)
{
	fputs("usage: plcsim --model tank|boiler --listen HOST:PORT "
	    "[--backdoor HOST:PORT]\n"
	    "              [--serial PATH[,BAUD,PARITY,DATA,STOP]]\n"
	    "              [--journal FILE] "
	    "[--fault slow:MS|drop|garbage|close] [--unit N]\n"
	    "              [--hole TABLE:A-B]... [--max-connections N]\n"
	    "\n"
	    "  --model M        the process behind the registers (maps "
	    "below)\n"
	    "  --listen H:P     the device's Modbus TCP port; port 0 picks a "
	    "free one\n"
	    "  --backdoor H:P   a second Modbus TCP port for tests, never "
	    "journalled or\n"
	    "                   faulty: writing holding A (< 10000) forces "
	    "input register A,\n"
	    "                   coil A forces discrete input A (the model "
	    "leaves them alone);\n"
	    "                   holding/coil 10000+A set holding/coil A; any "
	    "write to\n"
	    "                   holding/coil 20000+A unforces (reads 1 while "
	    "forced)\n"
	    "  --journal FILE   append a JSON line per request received on "
	    "the main port:\n"
	    "                   {\"t\":UNIX.US,\"client\":\"ip:port\","
	    "\"unit\":N,\"fc\":N,\"address\":N,\n"
	    "                   \"count\":N,\"values\":[...]} (see "
	    "config/plcsim-registers.md)\n"
	    "  --fault slow:MS  answer every request MS ms late; other "
	    "requests and clients\n"
	    "                   are not held up\n"
	    "  --fault drop     read requests, never answer\n"
	    "  --fault garbage  answer with invalid frames\n"
	    "  --fault close    close the connection on every request\n"
	    "  --serial SPEC    also serve Modbus RTU on the tty PATH "
	    "(default\n"
	    "                   19200,E,8,1), the same registers; the "
	    "faults apply\n"
	    "                   (garbage: the CRC spoiled); --listen still "
	    "needed\n"
	    "  --unit N         answer only unit id N (default: any); others "
	    "are journalled\n"
	    "                   and get no answer\n"
	    "  --hole T:A-B     addresses A..B of table T (coil, discrete, "
	    "input, holding)\n"
	    "                   do not exist: a request touching them gets "
	    "exception 02,\n"
	    "                   as from a PLC with a sparse map (up to 8; "
	    "main port only)\n"
	    "  --max-connections N\n"
	    "                   at most N clients on the main port at once, "
	    "as a PLC that\n"
	    "                   takes few: one more is accepted and closed at "
	    "once (said on\n"
	    "                   stderr)\n"
	    "\n"
	    "It prints \"plcsim: RTU on PATH\" (with --serial), \"plcsim: "
	    "backdoor on H:P\"\n(with --backdoor), then \"plcsim: listening "
	    "on H:P\" once every port accepts.\nSIGTERM or SIGINT: exit 0.\n\n",
	    out);
	model_print_maps(out);
}

static int
option_error(const char *what, const char *value)
{
	fprintf(stderr, "plcsim: %s '%s'; see plcsim --help\n", what,
	    value ? value : "");
	return -1;
}

static int
parse_option(struct options *opt, int ch, const char *arg)
{
	long unit;

	switch (ch) {
	case 'm':
		if (model_kind_parse(arg, &opt->model) == -1)
			return option_error("--model takes tank or boiler, "
			    "not", arg);
		return 0;
	case 'l':
		if (simargs_hostport(arg, opt->host, sizeof(opt->host),
		    opt->port, sizeof(opt->port)) == -1)
			return option_error("--listen takes HOST:PORT, not",
			    arg);
		return 0;
	case 'b':
		opt->has_backdoor = 1;
		if (simargs_hostport(arg, opt->backdoor_host,
		    sizeof(opt->backdoor_host), opt->backdoor_port,
		    sizeof(opt->backdoor_port)) == -1)
			return option_error("--backdoor takes HOST:PORT, not",
			    arg);
		return 0;
	case 'j':
		opt->journal = arg;
		return 0;
	case 'f':
		if (fault_parse(arg, &opt->fault) == -1)
			return option_error("--fault takes slow:MS, drop, "
			    "garbage or close, not", arg);
		return 0;
	case 'o':
		if (holes_add(&opt->holes, arg) == -1)
			return option_error("--hole takes TABLE:A-B or TABLE:A "
			    "(coil, discrete, input, holding; at most 8), not",
			    arg);
		return 0;
	case 'u':
		if (simargs_long(arg, 0, 255, &unit) == -1)
			return option_error("--unit takes 0..255, not", arg);
		opt->unit = (int)unit;
		return 0;
	case 'c':
		if (simargs_long(arg, 1, MAX_CLIENTS, &opt->max_conns) == -1)
			return option_error("--max-connections takes 1..1000, "
			    "not", arg);
		return 0;
	default:
		return option_error("unknown option", arg);
	}
}

/* 0 to run, 1 when --help was shown, -1 on a usage error. */
static int
parse_options(struct options *opt, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "model", required_argument, NULL, 'm' },
		{ "listen", required_argument, NULL, 'l' },
		{ "backdoor", required_argument, NULL, 'b' },
		{ "journal", required_argument, NULL, 'j' },
		{ "fault", required_argument, NULL, 'f' },
		{ "unit", required_argument, NULL, 'u' },
		{ "hole", required_argument, NULL, 'o' },
		{ "max-connections", required_argument, NULL, 'c' },
		{ "serial", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int ch, have_model = 0;

	memset(opt, 0, sizeof(*opt));
	opt->unit = -1;
	opt->fault.kind = FAULT_NONE;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch == 'h') {
			usage(stdout);
			return 1;
		}
		if (ch == 's') {
			opt->serial = optarg;
			continue;
		}
		if (ch == '?' || parse_option(opt, ch, optarg) == -1)
			return -1;
		have_model |= ch == 'm';
	}
	if (optind < argc)
		return option_error("unexpected argument", argv[optind]);
	if (!have_model || opt->port[0] == '\0') {
		fprintf(stderr, "plcsim: --model and --listen are required; "
		    "see plcsim --help\n");
		return -1;
	}
	return 0;
}

/*
 * What modbus_reply() wrote into the capture socket: one send() per answer,
 * and a SOCK_SEQPACKET pair hands back exactly that record.
 */
static size_t
capture_read(struct plcsim *p, uint8_t *out, size_t cap)
{
	ssize_t n = recv(p->capture[1], out, cap, MSG_DONTWAIT);

	return n > 0 ? (size_t)n : 0;
}

/* libmodbus' answer to one whole ADU, from map; its length (0: none).
 * holes: the addresses to refuse (NULL: none). */
static size_t
answer(struct plcsim *p, modbus_mapping_t *map, const struct holes *holes,
    const uint8_t *adu, size_t len, uint8_t *reply, size_t cap)
{
	/* Zero-padded so no read of a fixed offset goes past our bytes. */
	uint8_t req[MODBUS_TCP_MAX_ADU_LENGTH] = { 0 };
	int exception = mbframe_check(adu, len);

	if (exception == 0 && holes != NULL)
		exception = holes_check(holes, adu, len);

	memcpy(req, adu, len);
	if (exception != 0)
		modbus_reply_exception(p->ctx, req, (unsigned)exception);
	else
		modbus_reply(p->ctx, req, (int)len, map);
	return capture_read(p, reply, cap);
}

static void
journal_request(struct plcsim *p, const struct simconn *conn,
    const uint8_t *adu, size_t len)
{
	if (journal_write(&p->journal, simsys_wallclock(), conn->peer, adu,
	    len) == 0 || p->journal_failed)
		return;
	fprintf(stderr, "plcsim: cannot write the journal %s: %s; requests "
	    "are no longer all recorded\n", p->opt.journal, strerror(errno));
	p->journal_failed = 1;
}

/* One request on the main port; -1 when the connection must close. */
static int
serve_main(struct plcsim *p, struct simconn *conn, const uint8_t *adu,
    size_t len, double now)
{
	uint8_t reply[MODBUS_TCP_MAX_ADU_LENGTH], garbage[
	    MODBUS_TCP_MAX_ADU_LENGTH];
	size_t reply_len;

	journal_request(p, conn, adu, len);
	if (p->opt.fault.kind == FAULT_CLOSE)
		return -1;
	if ((p->opt.unit >= 0 && adu[MBFRAME_HEADER - 1] != p->opt.unit) ||
	    p->opt.fault.kind == FAULT_DROP)
		return 0;
	reply_len = answer(p, p->regs.map, &p->opt.holes, adu, len, reply,
	    sizeof(reply));
	if (reply_len == 0)
		return 0;
	if (p->opt.fault.kind == FAULT_GARBAGE) {
		reply_len = fault_garble(&p->garbage, reply, reply_len, garbage,
		    sizeof(garbage));
		memcpy(reply, garbage, reply_len);
	}
	simconn_enqueue(conn, now + p->opt.fault.delay, reply, reply_len);
	return 0;
}

static void
serve_backdoor(struct plcsim *p, struct simconn *conn, const uint8_t *adu,
    size_t len, double now)
{
	uint8_t reply[MODBUS_TCP_MAX_ADU_LENGTH];
	size_t reply_len;

	backdoor_sync(p->backdoor_map, &p->regs);
	reply_len = answer(p, p->backdoor_map, NULL, adu, len, reply,
	    sizeof(reply));
	if (reply_len > MBFRAME_HEADER && !(reply[MBFRAME_HEADER] & 0x80))
		backdoor_apply(p->backdoor_map, &p->regs, adu, len);
	simconn_enqueue(conn, now, reply, reply_len);
}

/* The RTU requests read, answered as on the main port (the unit,
 * the faults); -1 when the line is gone. */
static int
serve_rtu(struct plcsim *p, double now)
{
	uint8_t adu[MODBUS_TCP_MAX_ADU_LENGTH];
	size_t len;

	if (p->rtu_reply_len > 0) {
		if (now < p->rtu_due)
			return 0;
		len = p->rtu_reply_len;
		p->rtu_reply_len = 0;
		if (rtuport_answer(&p->rtu, p->rtu_reply, len,
		    p->opt.fault.kind == FAULT_GARBAGE) == -1)
			return -1;
	}
	while ((len = rtuport_next(&p->rtu, now, adu)) > 0) {
		if (journal_write(&p->journal, simsys_wallclock(),
		    p->rtu.path, adu, len) != 0 && !p->journal_failed) {
			fprintf(stderr, "plcsim: cannot write the journal\n");
			p->journal_failed = 1;
		}
		if ((p->opt.unit >= 0 && adu[MBFRAME_HEADER - 1] !=
		    p->opt.unit) || p->opt.fault.kind == FAULT_DROP ||
		    p->opt.fault.kind == FAULT_CLOSE)
			continue;
		p->rtu_reply_len = answer(p, p->regs.map, &p->opt.holes, adu,
		    len, p->rtu_reply, sizeof(p->rtu_reply));
		p->rtu_due = now + p->opt.fault.delay;
		if (p->rtu_reply_len > 0)
			return serve_rtu(p, now);
	}
	return 0;
}

/* Serves the whole requests buffered; -1 when the connection must close. */
static int
serve_buffered(struct plcsim *p, struct simconn *conn, double now)
{
	size_t adu_len;

	while (!simconn_queue_full(conn)) {
		switch (mbframe_next(conn->in, conn->in_len, &adu_len)) {
		case MBFRAME_NEED_MORE:
			return 0;
		case MBFRAME_BAD:
			fprintf(stderr, "plcsim: %s sent a malformed MBAP "
			    "header; closing it\n", conn->peer);
			return -1;
		case MBFRAME_OK:
			break;
		}
		if (conn->backdoor)
			serve_backdoor(p, conn, conn->in, adu_len, now);
		else if (serve_main(p, conn, conn->in, adu_len, now) == -1)
			return -1;
		simconn_consume(conn, adu_len);
	}
	return 0;
}

/* Has the main port as many clients as --max-connections allows? */
static int
main_port_full(const struct plcsim *p)
{
	size_t i, n = 0;

	if (p->opt.max_conns == 0)
		return 0;
	for (i = 0; i < p->nconns; i++)
		n += !p->conns[i]->backdoor;
	return n >= (size_t)p->opt.max_conns;
}

static void
accept_clients(struct plcsim *p, int listen_fd, int backdoor)
{
	struct simconn *conn;
	char peer[SIMCONN_PEER_SIZE];
	int fd;

	while ((fd = accept4(listen_fd, NULL, NULL,
	    SOCK_NONBLOCK | SOCK_CLOEXEC)) != -1) {
		if (!backdoor && main_port_full(p)) {
			simsys_sockname(fd, 0, peer, sizeof(peer));
			fprintf(stderr, "plcsim: refused a connection from %s: "
			    "--max-connections %ld are open\n", peer,
			    p->opt.max_conns);
			close(fd);
			continue;
		}
		conn = p->nconns < MAX_CLIENTS ? simconn_new(fd, backdoor) :
		    NULL;
		if (conn == NULL) {
			fprintf(stderr, "plcsim: too many clients (%d); "
			    "refusing one\n", MAX_CLIENTS);
			close(fd);
			continue;
		}
		p->conns[p->nconns++] = conn;
	}
}

static void
close_conn(struct plcsim *p, size_t i)
{
	simconn_free(p->conns[i]);
	p->conns[i] = p->conns[--p->nconns];
}

/* Serves, answers and writes every connection; drops the failed ones. */
static void
service_conns(struct plcsim *p, double now)
{
	size_t i = 0;

	while (i < p->nconns) {
		struct simconn *conn = p->conns[i];

		if (serve_buffered(p, conn, now) == -1 ||
		    simconn_flush(conn, now) == -1)
			close_conn(p, i);
		else
			i++;
	}
}

/* Milliseconds poll() may sleep: until the next step or due answer. */
static int
poll_timeout(const struct plcsim *p, double now)
{
	double wake = p->last_step + STEP_INTERVAL;
	size_t i;

	if (p->rtu_reply_len > 0 && p->rtu_due < wake)
		wake = p->rtu_due;

	for (i = 0; i < p->nconns; i++) {
		double due = simconn_next_due(p->conns[i]);

		/* A due answer still held waits for POLLOUT, not a timer. */
		if (due > now && due < wake)
			wake = due;
	}
	return wake <= now ? 0 : (int)ceil((wake - now) * 1000.0);
}

static short
conn_events(const struct simconn *conn)
{
	short events = 0;

	if (conn->in_len < sizeof(conn->in) && !simconn_queue_full(conn))
		events |= POLLIN;
	if (conn->out_len > 0)
		events |= POLLOUT;
	return events;
}

/* Reads what the ready sockets have; drops the ones that closed. */
static void
read_conns(struct plcsim *p, const struct pollfd *fds, size_t first)
{
	size_t i, n = p->nconns;

	/* Backwards, so closing one moves only an already-read one. */
	for (i = n; i-- > 0;) {
		short revents = fds[first + i].revents;

		if ((revents & (POLLERR | POLLHUP)) ||
		    ((revents & POLLIN) && simconn_read(p->conns[i]) == -1))
			close_conn(p, i);
	}
}

/* 0 on SIGTERM/SIGINT, -1 if poll() itself fails. */
static int
run(struct plcsim *p)
{
	struct pollfd *fds = p->fds;
	size_t i, nfds, first;
	double now;

	p->last_step = simsys_monotonic();
	for (;;) {
		now = simsys_monotonic();
		if (now - p->last_step >= STEP_INTERVAL) {
			model_step(&p->model, &p->regs, now - p->last_step);
			p->last_step = now;
		}
		service_conns(p, now);
		if (p->rtu.fd != -1 && serve_rtu(p, now) == -1) {
			fprintf(stderr, "plcsim: %s lost\n", p->rtu.path);
			return -1;
		}
		nfds = 0;
		fds[nfds++] = (struct pollfd){ p->signal_fd, POLLIN, 0 };
		fds[nfds++] = (struct pollfd){ p->listen_fd, POLLIN, 0 };
		if (p->backdoor_fd != -1)
			fds[nfds++] = (struct pollfd){ p->backdoor_fd, POLLIN,
			    0 };
		if (p->rtu.fd != -1)
			fds[nfds++] = (struct pollfd){ p->rtu.fd, POLLIN, 0 };
		first = nfds;
		for (i = 0; i < p->nconns; i++)
			fds[nfds++] = (struct pollfd){ p->conns[i]->fd,
			    conn_events(p->conns[i]), 0 };
		if (poll(fds, nfds, poll_timeout(p, now)) == -1) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "plcsim: poll: %s\n", strerror(errno));
			return -1;
		}
		if ((fds[0].revents & POLLIN) && simsys_signalled(p->signal_fd))
			return 0;
		if (p->rtu.fd != -1 && (fds[first - 1].revents & POLLIN) &&
		    rtuport_read(&p->rtu, simsys_monotonic()) == -1) {
			fprintf(stderr, "plcsim: %s lost\n", p->rtu.path);
			return -1;
		}
		read_conns(p, fds, first);
		if (fds[1].revents & POLLIN)
			accept_clients(p, p->listen_fd, 0);
		if (p->backdoor_fd != -1 && (fds[2].revents & POLLIN))
			accept_clients(p, p->backdoor_fd, 1);
	}
}

static int
open_listener(const char *host, const char *port, const char *what,
    char *bound, size_t bound_size)
{
	char err[256];
	int fd = simsys_listen(host, port, bound, bound_size, err,
	    sizeof(err));

	if (fd == -1)
		fprintf(stderr, "plcsim: cannot listen on %s:%s for the %s "
		    "port: %s\n", host, port, what, err);
	return fd;
}

/* Everything but the loop; -1 after saying what went wrong. */
static int
start(struct plcsim *p)
{
	char bound[ADDRESS_SIZE], backdoor_bound[ADDRESS_SIZE];

	p->signal_fd = simsys_signalfd();
	if (p->signal_fd == -1 || regs_init(&p->regs) == -1 ||
	    (p->backdoor_map = backdoor_mapping_new()) == NULL ||
	    (p->ctx = modbus_new_tcp("127.0.0.1", MODBUS_TCP_DEFAULT_PORT)) ==
	    NULL || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
	    p->capture) == -1) {
		fprintf(stderr, "plcsim: cannot set up: %s\n",
		    strerror(errno));
		return -1;
	}
	modbus_set_socket(p->ctx, p->capture[0]);
	/* libmodbus sleeps this long before some exception answers. */
	modbus_set_response_timeout(p->ctx, 0, 1);
	model_init(&p->model, p->opt.model, &p->regs, MODEL_SEED);
	rng_seed(&p->garbage, GARBAGE_SEED);
	if (p->opt.journal != NULL &&
	    journal_open(&p->journal, p->opt.journal) == -1) {
		fprintf(stderr, "plcsim: cannot open the journal %s: %s\n",
		    p->opt.journal, strerror(errno));
		return -1;
	}
	if (p->opt.has_backdoor && (p->backdoor_fd = open_listener(
	    p->opt.backdoor_host, p->opt.backdoor_port, "backdoor",
	    backdoor_bound, sizeof(backdoor_bound))) == -1)
		return -1;
	p->listen_fd = open_listener(p->opt.host, p->opt.port, "Modbus",
	    bound, sizeof(bound));
	if (p->listen_fd == -1)
		return -1;
	if (p->opt.serial != NULL) {
		char err[300];

		if (rtuport_open(&p->rtu, p->opt.serial, err,
		    sizeof(err)) == -1) {
			fprintf(stderr, "plcsim: cannot serve RTU: %s\n", err);
			return -1;
		}
		printf("plcsim: RTU on %s\n", p->rtu.path);
	}
	if (p->opt.has_backdoor)
		printf("plcsim: backdoor on %s\n", backdoor_bound);
	printf("plcsim: listening on %s\n", bound);
	fflush(stdout);
	return 0;
}

static void
stop(struct plcsim *p)
{
	while (p->nconns > 0)
		close_conn(p, p->nconns - 1);
	rtuport_close(&p->rtu);
	if (p->listen_fd != -1)
		close(p->listen_fd);
	if (p->backdoor_fd != -1)
		close(p->backdoor_fd);
	if (p->ctx != NULL) {
		modbus_set_socket(p->ctx, -1);
		modbus_free(p->ctx);
	}
	if (p->capture[0] != -1)
		close(p->capture[0]);
	if (p->capture[1] != -1)
		close(p->capture[1]);
	if (p->backdoor_map != NULL)
		modbus_mapping_free(p->backdoor_map);
	regs_free(&p->regs);
	journal_close(&p->journal);
	if (p->signal_fd != -1)
		close(p->signal_fd);
}

int
main(int argc, char **argv)
{
	struct plcsim *p = calloc(1, sizeof(*p));
	int rc;

	if (p == NULL) {
		fprintf(stderr, "plcsim: out of memory\n");
		return 1;
	}
	rc = parse_options(&p->opt, argc, argv);
	if (rc != 0) {
		free(p);
		return rc == 1 ? 0 : 2;
	}
	p->signal_fd = p->listen_fd = p->backdoor_fd = -1;
	p->capture[0] = p->capture[1] = -1;
	p->rtu.fd = -1;
	p->journal.fd = -1;
	rc = start(p) == 0 && run(p) == 0 ? 0 : 1;
	stop(p);
	free(p);
	return rc;
}
