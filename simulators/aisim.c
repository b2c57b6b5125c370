/*
 * aisim: a simulated AI controller for plcsim's tank, talking Modbus TCP
 * through libmodbus to the target (wardend, or plcsim directly). It runs
 * the tank sensibly, then after --at seconds misbehaves as the scenario
 * says. Every action and answer is one line on stdout, for a demo to show:
 *
 *   t=12.3 write inlet_valve 45.0% -> ok
 *   t=12.5 write inlet_valve 150.0% -> refused: out of range (0x03)
 *
 * Exceptions are reported and survived; a broken connection is reopened
 * every second. SIGTERM/SIGINT or --duration end it with status 0.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <modbus.h>

#include "answer.h"
#include "scenario.h"
#include "simargs.h"
#include "simsys.h"

/* The tank's registers (plcsim --help). */
#define LEVEL_INPUT		0	/* m x100 */
#define VALVE_HOLDING		0	/* % x10 */
#define PUMP_SPEED_HOLDING	1	/* % x10 */
#define PUMP_COIL		0

#define PUMP_SPEED		50.0	/* %: the valve opening that balances it */
#define RECONNECT_INTERVAL	1.0	/* s */
#define RESPONSE_TIMEOUT_MS	1000
#define FLOOD_REPORT_INTERVAL	1.0	/* s between flood summaries */
#define HOST_SIZE		256
#define PORT_SIZE		16

struct options {
	char host[HOST_SIZE], port[PORT_SIZE];
	int unit;
	enum scenario_kind scenario;
	double at;		/* s after start the misbehaviour begins */
	double duration;	/* s; 0: until a signal */
	double period;		/* s between control steps */
	double setpoint;	/* m */
};

/* Answers counted during a flood, reported once a second. */
struct tally {
	unsigned ok;
	unsigned exceptions[MODBUS_EXCEPTION_MAX];
	double since;
};

struct aisim {
	struct options opt;
	modbus_t *ctx;		/* NULL while disconnected */
	double next_connect;	/* monotonic s */
	int signal_fd;
	int stop;
	double start;		/* monotonic s */
	struct controller ctl;
	struct rogue rogue;
	int rogue_started;
	int pump_checked;	/* on this connection */
	int reads_answered;	/* the last read on this connection was */
	double valve;		/* % as last read or written */
	double last_write;	/* monotonic s of the last accepted write */
	size_t probe_next;
	struct tally tally;
};

__attribute__((format(printf, 2, 3)))
static void
say(const struct aisim *ai, const char *fmt, ...)
{
	va_list ap;

	printf("t=%.1f ", simsys_monotonic() - ai->start);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* The exception code a failed libmodbus call received, or 0 if none. */
static int
exception_code(int err)
{
	int code = err - MODBUS_ENOBASE;

	return code > 0 && code < MODBUS_EXCEPTION_MAX ? code : 0;
}

static void
disconnect(struct aisim *ai)
{
	if (ai->ctx == NULL)
		return;
	modbus_close(ai->ctx);
	modbus_free(ai->ctx);
	ai->ctx = NULL;
	ai->next_connect = simsys_monotonic() + RECONNECT_INTERVAL;
}

/*
 * Reports the outcome of one request as "<what> -> ...". Returns 0 when it
 * succeeded, the exception code when the target answered one, and -1 when
 * the connection broke (it is then closed, to be reopened).
 */
static int
outcome(struct aisim *ai, const char *what, int rc, int err)
{
	char why[ANSWER_SIZE];
	int code = exception_code(err);

	if (rc != -1) {
		say(ai, "%s -> ok", what);
		return 0;
	}
	if (code != 0) {
		answer_exception(why, sizeof(why), code, ai->reads_answered);
		say(ai, "%s -> %s", what, why);
		return code;
	}
	say(ai, "%s -> error: %s; reconnecting", what, modbus_strerror(err));
	disconnect(ai);
	return -1;
}

static void
try_connect(struct aisim *ai)
{
	ai->ctx = modbus_new_tcp_pi(ai->opt.host, ai->opt.port);
	if (ai->ctx == NULL) {
		say(ai, "connect %s:%s -> error: %s", ai->opt.host,
		    ai->opt.port, modbus_strerror(errno));
		ai->next_connect = simsys_monotonic() + RECONNECT_INTERVAL;
		return;
	}
	modbus_set_slave(ai->ctx, ai->opt.unit);
	modbus_set_response_timeout(ai->ctx, RESPONSE_TIMEOUT_MS / 1000,
	    RESPONSE_TIMEOUT_MS % 1000 * 1000);
	if (modbus_connect(ai->ctx) == -1) {
		say(ai, "connect %s:%s -> failed: %s; retrying in 1 s",
		    ai->opt.host, ai->opt.port, modbus_strerror(errno));
		modbus_free(ai->ctx);
		ai->ctx = NULL;
		ai->next_connect = simsys_monotonic() + RECONNECT_INTERVAL;
		return;
	}
	say(ai, "connect %s:%s -> ok", ai->opt.host, ai->opt.port);
	ai->pump_checked = 0;
	ai->reads_answered = 0;
}

/* Writes the valve; what is printed and counted depends on the phase. */
static int
write_valve(struct aisim *ai, double percent, int quiet)
{
	char what[64];
	int rc, err, code;

	rc = modbus_write_register(ai->ctx, VALVE_HOLDING,
	    (uint16_t)lround(percent * 10.0));
	err = errno;
	if (rc != -1) {
		ai->valve = percent;
		ai->last_write = simsys_monotonic();
	}
	if (!quiet) {
		snprintf(what, sizeof(what), "write inlet_valve %.1f%%",
		    percent);
		return outcome(ai, what, rc, err);
	}
	code = exception_code(err);
	if (rc != -1)
		ai->tally.ok++;
	else if (code != 0)
		ai->tally.exceptions[code]++;
	else
		return outcome(ai, "write inlet_valve", rc, err);
	return 0;
}

/* A read that got no answer; outcome()'s result. */
static int
read_failed(struct aisim *ai, const char *what, int err)
{
	ai->reads_answered = 0;
	return outcome(ai, what, -1, err);
}

/* Level and valve, printed as one line; 0, or what outcome() returned. */
static int
read_process(struct aisim *ai, double *level)
{
	uint16_t raw;

	if (modbus_read_input_registers(ai->ctx, LEVEL_INPUT, 1, &raw) == -1)
		return read_failed(ai, "read level", errno);
	*level = raw / 100.0;
	if (modbus_read_registers(ai->ctx, VALVE_HOLDING, 1, &raw) == -1)
		return read_failed(ai, "read inlet_valve", errno);
	ai->valve = raw / 10.0;
	ai->reads_answered = 1;
	say(ai, "read level %.2f m, inlet_valve %.1f%% -> ok", *level,
	    ai->valve);
	return 0;
}

/* Once per connection: the pump on at the speed the controller assumes. */
static int
check_pump(struct aisim *ai)
{
	uint16_t speed, wanted = (uint16_t)lround(PUMP_SPEED * 10.0);
	uint8_t run;
	char what[64];
	int rc;

	if (modbus_read_bits(ai->ctx, PUMP_COIL, 1, &run) == -1)
		return read_failed(ai, "read pump", errno);
	if (modbus_read_registers(ai->ctx, PUMP_SPEED_HOLDING, 1, &speed) ==
	    -1)
		return read_failed(ai, "read pump_speed", errno);
	ai->reads_answered = 1;
	say(ai, "read pump %s at %.1f%% -> ok", run ? "on" : "off",
	    speed / 10.0);
	if (speed != wanted) {
		snprintf(what, sizeof(what), "write pump_speed %.1f%%",
		    PUMP_SPEED);
		rc = modbus_write_register(ai->ctx, PUMP_SPEED_HOLDING, wanted);
		if (outcome(ai, what, rc, errno) == -1)
			return -1;
	}
	if (!run) {
		rc = modbus_write_bit(ai->ctx, PUMP_COIL, 1);
		if (outcome(ai, "write pump on", rc, errno) == -1)
			return -1;
	}
	ai->pump_checked = 1;
	return 0;
}

static void
normal_step(struct aisim *ai)
{
	double level, target;

	if (!ai->pump_checked && check_pump(ai) == -1)
		return;
	if (read_process(ai, &level) != 0)
		return;
	target = controller_next(&ai->ctl, level, ai->valve,
	    simsys_monotonic() - ai->last_write);
	if (target >= 0.0)
		write_valve(ai, target, 0);
}

/* out-of-range, ramp, oscillate: show the process, write the bad value. */
static void
rogue_valve_step(struct aisim *ai)
{
	double level;

	if (read_process(ai, &level) == -1)
		return;
	write_valve(ai, rogue_next(&ai->rogue), 0);
}

static void
flood_report(struct aisim *ai, double now)
{
	char line[512], why[ANSWER_SIZE];
	unsigned total = ai->tally.ok;
	size_t len;
	int code;

	for (code = 1; code < MODBUS_EXCEPTION_MAX; code++)
		total += ai->tally.exceptions[code];
	len = (size_t)snprintf(line, sizeof(line),
	    "flood: %u writes in %.1f s: %u ok", total,
	    now - ai->tally.since, ai->tally.ok);
	for (code = 1; code < MODBUS_EXCEPTION_MAX; code++) {
		if (ai->tally.exceptions[code] == 0 || len >= sizeof(line))
			continue;
		answer_exception(why, sizeof(why), code, ai->reads_answered);
		len += (size_t)snprintf(line + len, sizeof(line) - len,
		    ", %u %s", ai->tally.exceptions[code], why);
	}
	say(ai, "%s", line);
	memset(&ai->tally, 0, sizeof(ai->tally));
	ai->tally.since = now;
}

/* Back-to-back writes of the present opening for a second, then a tally. */
static void
flood_step(struct aisim *ai)
{
	double now = simsys_monotonic();

	if (ai->tally.since == 0.0)
		ai->tally.since = now;
	while (ai->ctx != NULL && now - ai->tally.since < FLOOD_REPORT_INTERVAL) {
		if (simsys_signalled(ai->signal_fd)) {
			ai->stop = 1;
			return;
		}
		write_valve(ai, ai->valve, 1);
		now = simsys_monotonic();
	}
	flood_report(ai, now);
}

/*
 * One thing a probing AI might try; function 0 sends pdu as it is. A
 * holding read reads value addresses from address, one request each
 * (a scan: beyond 32 undeclared ones within 10 s, wardend's default
 * intrusion limit, it is an address_scan).
 */
struct probe {
	const char *what;
	int function;
	int address;
	uint16_t value;
	uint8_t pdu[12];
	size_t pdu_len;
};

static const struct probe probes[] = {
	{ "write holding 5 (undeclared)", MODBUS_FC_WRITE_SINGLE_REGISTER, 5,
	    100, { 0 }, 0 },
	{ "write holding 999 (undeclared)", MODBUS_FC_WRITE_SINGLE_REGISTER,
	    999, 1, { 0 }, 0 },
	{ "write coil 0 (pump off)", MODBUS_FC_WRITE_SINGLE_COIL, 0, 0,
	    { 0 }, 0 },
	{ "write coil 7 (undeclared)", MODBUS_FC_WRITE_SINGLE_COIL, 7, 1,
	    { 0 }, 0 },
	{ "write holding 0-1 (valve 100%, pump speed 0%)",
	    MODBUS_FC_WRITE_MULTIPLE_REGISTERS, 0, 1000, { 0 }, 0 },
	{ "read holding 500 (undeclared)", MODBUS_FC_READ_HOLDING_REGISTERS,
	    500, 1, { 0 }, 0 },
	{ "scan holding 1000-1039 (undeclared), one read each",
	    MODBUS_FC_READ_HOLDING_REGISTERS, 1000, 40, { 0 }, 0 },
	{ "fc 48 (no Modbus specification defines it)", 0, 0, 0,
	    { 0x30, 0x00, 0x00 }, 3 },
	{ "fc 8 diagnostics: return query data", 0, 0, 0,
	    { 0x08, 0x00, 0x00, 0xA5, 0x37 }, 5 },
	{ "fc 8 diagnostics: restart communications", 0, 0, 0,
	    { 0x08, 0x00, 0x01, 0x00, 0x00 }, 5 },
	{ "fc 43 read device identification", 0, 0, 0,
	    { 0x2B, 0x0E, 0x01, 0x00 }, 4 },
	{ "fc 17 report server id", 0, 0, 0, { 0x11 }, 1 },
	{ "fc 20 read file record", 0, 0, 0,
	    { 0x14, 0x07, 0x06, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01 }, 9 },
	{ "fc 22 mask write inlet_valve to 100%", 0, 0, 0,
	    { 0x16, 0x00, 0x00, 0x00, 0x00, 0x03, 0xE8 }, 7 },
	{ "fc 23 write inlet_valve 100% and read it", 0, 0, 0,
	    { 0x17, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x02,
	    0x03, 0xE8 }, 12 },
};

/* Reads one whole answer ADU by its MBAP length; its length or -1. */
static int
read_answer(int fd, uint8_t *buf, size_t cap)
{
	double deadline = simsys_monotonic() + RESPONSE_TIMEOUT_MS / 1000.0;
	size_t len = 0, want = 6;
	struct pollfd pfd = { fd, POLLIN, 0 };
	ssize_t n;

	while (len < want) {
		int ms = (int)ceil((deadline - simsys_monotonic()) * 1000.0);

		if (ms <= 0 || poll(&pfd, 1, ms) == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		n = recv(fd, buf + len, want - len, 0);
		if (n <= 0) {
			errno = n == 0 ? ECONNRESET : errno;
			return -1;
		}
		len += (size_t)n;
		if (len == 6) {
			want = 6 + (size_t)(buf[4] << 8 | buf[5]);
			if (want > cap || want < 8) {
				errno = EMBBADDATA;
				return -1;
			}
		}
	}
	return (int)len;
}

/*
 * A request libmodbus has no call for (or that must arrive as written):
 * rc and err as a libmodbus call would leave them.
 */
static int
raw_request(struct aisim *ai, const uint8_t *pdu, size_t pdu_len, int *err)
{
	uint8_t req[MODBUS_MAX_PDU_LENGTH + 1], rsp[MODBUS_TCP_MAX_ADU_LENGTH];

	req[0] = (uint8_t)ai->opt.unit;
	memcpy(req + 1, pdu, pdu_len);
	if (modbus_send_raw_request(ai->ctx, req, (int)pdu_len + 1) == -1 ||
	    read_answer(modbus_get_socket(ai->ctx), rsp, sizeof(rsp)) == -1) {
		*err = errno;
		return -1;
	}
	if (rsp[7] & 0x80) {
		*err = MODBUS_ENOBASE + rsp[8];
		return -1;
	}
	return 0;
}

static void
probe_step(struct aisim *ai)
{
	const struct probe *probe = &probes[ai->probe_next];
	uint16_t words[2] = { probe->value, 0 };
	int rc = 0, err = 0, i;

	ai->probe_next = (ai->probe_next + 1) % (sizeof(probes) /
	    sizeof(probes[0]));
	switch (probe->function) {
	case MODBUS_FC_WRITE_SINGLE_REGISTER:
		rc = modbus_write_register(ai->ctx, probe->address,
		    probe->value);
		break;
	case MODBUS_FC_WRITE_SINGLE_COIL:
		rc = modbus_write_bit(ai->ctx, probe->address, probe->value);
		break;
	case MODBUS_FC_WRITE_MULTIPLE_REGISTERS:
		rc = modbus_write_registers(ai->ctx, probe->address, 2, words);
		break;
	case MODBUS_FC_READ_HOLDING_REGISTERS:
		/* The answer told is the first refusal, else the last. */
		for (i = 0; i < probe->value && rc != -1; i++)
			rc = modbus_read_registers(ai->ctx, probe->address + i,
			    1, words);
		break;
	default:
		rc = raw_request(ai, probe->pdu, probe->pdu_len, &err);
		break;
	}
	outcome(ai, probe->what, rc, probe->function ? errno : err);
}

static void
go_rogue(struct aisim *ai)
{
	ai->rogue_started = 1;
	rogue_init(&ai->rogue, ai->opt.scenario, ai->valve);
	memset(&ai->tally, 0, sizeof(ai->tally));
	say(ai, "going rogue: %s: %s", scenario_name(ai->opt.scenario),
	    scenario_describe(ai->opt.scenario));
}

static void
step(struct aisim *ai, double t)
{
	if (ai->opt.scenario == SCENARIO_NORMAL || t < ai->opt.at) {
		normal_step(ai);
		return;
	}
	if (!ai->rogue_started)
		go_rogue(ai);
	switch (ai->opt.scenario) {
	case SCENARIO_FLOOD:
		flood_step(ai);
		break;
	case SCENARIO_PROBE:
		probe_step(ai);
		break;
	case SCENARIO_SILENT:
		break;
	default:
		rogue_valve_step(ai);
		break;
	}
}

/* Sleeps until deadline (never past --duration) or a signal. */
static void
pause_until(struct aisim *ai, double deadline)
{
	struct pollfd pfd = { ai->signal_fd, POLLIN, 0 };
	double now = simsys_monotonic();
	int ms;

	if (ai->opt.duration > 0.0 && deadline > ai->start + ai->opt.duration)
		deadline = ai->start + ai->opt.duration;
	ms = deadline > now ? (int)ceil((deadline - now) * 1000.0) : 0;
	if (poll(&pfd, 1, ms) > 0 && simsys_signalled(ai->signal_fd))
		ai->stop = 1;
}

static void
run(struct aisim *ai)
{
	double next_step = ai->start, now;

	while (!ai->stop) {
		now = simsys_monotonic();
		if (ai->opt.duration > 0.0 &&
		    now - ai->start >= ai->opt.duration)
			break;
		if (ai->ctx == NULL && now >= ai->next_connect)
			try_connect(ai);
		if (ai->ctx == NULL) {
			pause_until(ai, ai->next_connect);
			continue;
		}
		step(ai, now - ai->start);
		if (ai->opt.scenario == SCENARIO_FLOOD &&
		    now - ai->start >= ai->opt.at) {
			pause_until(ai, 0.0);
			continue;
		}
		/* Behind by more than a step (a reconnect): start afresh. */
		next_step = next_step + ai->opt.period < now ?
		    now + ai->opt.period : next_step + ai->opt.period;
		pause_until(ai, next_step);
	}
	say(ai, "stopping");
}

static void
usage(FILE *out)
{
	fputs("usage: aisim --target HOST:PORT [--unit N] "
	    "[--scenario S] [--at SECONDS]\n"
	    "             [--duration SECONDS] [--period MS] "
	    "[--setpoint M]\n"
	    "\n"
	    "A controller for plcsim's tank model: it holds the level at the "
	    "setpoint\n(default 2.5 m) with the inlet valve (holding 0), the "
	    "pump (coil 0) on at 50 %,\nwithin max_step 20 %, max_rate "
	    "10 %/s and min_interval 200 ms. After --at\nseconds (default "
	    "10) it follows the scenario:\n"
	    "  normal        keeps controlling the tank (the default)\n"
	    "  out-of-range  writes inlet_valve 150 %\n"
	    "  ramp          ramps inlet_valve 15 % per write, far beyond "
	    "max_rate\n"
	    "  flood         writes back to back; a tally each second\n"
	    "  oscillate     alternates inlet_valve 0 % / 100 %\n"
	    "  silent        stops all traffic, keeps the connection\n"
	    "  probe         undeclared addresses, coil writes, function "
	    "codes 8, 17, 20,\n"
	    "                22, 23, 43 and 48 (defined nowhere), a scan of "
	    "40 undeclared\n"
	    "                addresses, one per period\n"
	    "--unit (default 1), --period between steps (default 200 ms), "
	    "--duration\n(default: until SIGTERM/SIGINT). One line per action "
	    "and answer on stdout;\na broken connection is reopened every "
	    "second. Exits 0.\n", out);
}

static int
option_error(const char *what, const char *value)
{
	fprintf(stderr, "aisim: %s '%s'; see aisim --help\n", what,
	    value ? value : "");
	return -1;
}

static int
parse_option(struct options *opt, int ch, const char *arg)
{
	long number;

	switch (ch) {
	case 't':
		if (simargs_hostport(arg, opt->host, sizeof(opt->host),
		    opt->port, sizeof(opt->port)) == -1 || opt->host[0] == '\0')
			return option_error("--target takes HOST:PORT, not",
			    arg);
		return 0;
	case 'u':
		if (simargs_long(arg, 0, 255, &number) == -1)
			return option_error("--unit takes 0..255, not", arg);
		opt->unit = (int)number;
		return 0;
	case 's':
		if (scenario_parse(arg, &opt->scenario) == -1)
			return option_error("--scenario takes normal, "
			    "out-of-range, ramp, flood, oscillate, silent or "
			    "probe, not", arg);
		return 0;
	case 'a':
		if (simargs_double(arg, 0.0, 1e6, &opt->at) == -1)
			return option_error("--at takes seconds, not", arg);
		return 0;
	case 'd':
		if (simargs_double(arg, 0.0, 1e7, &opt->duration) == -1)
			return option_error("--duration takes seconds, not",
			    arg);
		return 0;
	case 'p':
		if (simargs_long(arg, 10, 60000, &number) == -1)
			return option_error("--period takes 10..60000 ms, not",
			    arg);
		opt->period = (double)number / 1000.0;
		return 0;
	case 'S':
		if (simargs_double(arg, 0.1, 4.9, &opt->setpoint) == -1)
			return option_error("--setpoint takes 0.1..4.9 m, not",
			    arg);
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
		{ "target", required_argument, NULL, 't' },
		{ "unit", required_argument, NULL, 'u' },
		{ "scenario", required_argument, NULL, 's' },
		{ "at", required_argument, NULL, 'a' },
		{ "duration", required_argument, NULL, 'd' },
		{ "period", required_argument, NULL, 'p' },
		{ "setpoint", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	memset(opt, 0, sizeof(*opt));
	opt->unit = 1;
	opt->scenario = SCENARIO_NORMAL;
	opt->at = 10.0;
	opt->period = 0.2;
	opt->setpoint = 2.5;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch == 'h') {
			usage(stdout);
			return 1;
		}
		if (ch == '?' || parse_option(opt, ch, optarg) == -1)
			return -1;
	}
	if (optind < argc)
		return option_error("unexpected argument", argv[optind]);
	if (opt->port[0] == '\0') {
		fprintf(stderr, "aisim: --target HOST:PORT is required; see "
		    "aisim --help\n");
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct aisim ai;
	int rc;

	memset(&ai, 0, sizeof(ai));
	rc = parse_options(&ai.opt, argc, argv);
	if (rc != 0)
		return rc == 1 ? 0 : 2;
	ai.signal_fd = simsys_signalfd();
	if (ai.signal_fd == -1) {
		fprintf(stderr, "aisim: cannot set up signals: %s\n",
		    strerror(errno));
		return 1;
	}
	ai.start = simsys_monotonic();
	ai.last_write = -1e9;
	ai.valve = PUMP_SPEED;
	controller_init(&ai.ctl, ai.opt.setpoint, PUMP_SPEED);
	printf("aisim: target %s:%s unit %d, scenario %s at %.1f s, "
	    "setpoint %.2f m, period %.0f ms\n", ai.opt.host, ai.opt.port,
	    ai.opt.unit, scenario_name(ai.opt.scenario), ai.opt.at,
	    ai.opt.setpoint, ai.opt.period * 1000.0);
	run(&ai);
	disconnect(&ai);
	close(ai.signal_fd);
	return 0;
}
