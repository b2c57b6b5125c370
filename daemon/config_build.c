/*
 * config_build.c: the raw document into struct config, defaults filled
 * in, each value checked once where it is converted. Points and the
 * takeover block have their own files.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"

#define DEFAULT_PORT 502
/* Beyond these a typo is likelier than a plant that size. */
#define MAX_CLIENTS_LIMIT 10000
#define MAX_INFLIGHT_LIMIT 1024
#define DEVICE_QUEUE_LIMIT 65535
#define CONNECTIONS_LIMIT 64
#define PIPELINE_LIMIT 64

int config_build_line(const struct config_build *b, const char *path)
{
	return config_lines_find(b->lines, path);
}

/* An error or a warning at path's line, but none about a stand-in. */
static void build_report(struct config_build *b, const char *path,
    int warning, const char *fmt, va_list ap) CONFIG_PRINTF(4, 0);

static void build_report(struct config_build *b, const char *path,
    int warning, const char *fmt, va_list ap)
{
	char text[400];
	int line;

	if (config_lines_covers(b->unread, path))
		return;
	vsnprintf(text, sizeof(text), fmt, ap);
	line = config_build_line(b, path);
	if (warning)
		config_errors_warn(b->errs, line, "%s%s", b->subject, text);
	else
		config_errors_add(b->errs, line, "%s%s", b->subject, text);
}

void config_build_error(struct config_build *b, const char *path,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	build_report(b, path, 0, fmt, ap);
	va_end(ap);
}

void config_build_warning(struct config_build *b, const char *path,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	build_report(b, path, 1, fmt, ap);
	va_end(ap);
}

int config_build_unread(const struct config_build *b, const char *fmt, ...)
{
	char path[CONFIG_PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	return config_lines_covers(b->unread, path);
}

void config_build_unknown(struct config_build *b, const char *path,
    const char *what, const char *name, const char *best)
{
	if (best)
		config_build_error(b, path, "no %s named '%s' (did you mean "
		    "'%s'?)", what, name, best);
	else
		config_build_error(b, path, "no %s named '%s'", what, name);
}

const char *config_build_key(const char *path)
{
	const char *dot = strrchr(path, '.');

	return dot ? dot + 1 : path;
}

double config_build_duration(struct config_build *b, const char *path,
    const char *text, double fallback, int must_be_positive)
{
	const char *problem;
	double seconds;

	if (!text)
		return fallback;
	problem = config_duration_problem(text, &seconds);
	if (problem) {
		config_build_error(b, path, "%s: '%s' %s", config_build_key(path),
		    text, problem);
		return fallback;
	}
	if (must_be_positive && seconds <= 0) {
		config_build_error(b, path, "%s: must be longer than 0",
		    config_build_key(path));
		return fallback;
	}
	return seconds;
}

/* An optional integer key: fallback when absent or out of lo..hi. */
static int64_t build_int(struct config_build *b, const char *path,
    const int64_t *value, int64_t fallback, int64_t lo, int64_t hi,
    const char *why)
{
	if (!value)
		return fallback;
	if (*value < lo || *value > hi) {
		config_build_error(b, path, "%s: %lld is out of range "
		    "%lld..%lld%s", config_build_key(path), (long long)*value,
		    (long long)lo, (long long)hi, why);
		return fallback;
	}
	return *value;
}

int64_t config_build_int(struct config_build *b, const char *path,
    const int64_t *value, int64_t fallback, int64_t lo, int64_t hi,
    const char *why)
{
	return build_int(b, path, value, fallback, lo, hi, why);
}

int config_build_endpoint(struct config_build *b, const char *path,
    const char *text, struct config_endpoint *ep)
{
	const char *problem = config_endpoint_problem(text, ep);

	if (problem)
		config_build_error(b, path, "%s: '%s' %s", config_build_key(path),
		    text, problem);
	return problem ? -1 : 0;
}

void config_build_path(struct config_build *b, const char *path,
    const char *what, const char *text, char out[CONFIG_HOST_MAX])
{
	char *file;
	const char *slash;
	int n;

	if (!text)
		return;
	file = text[0] == '/' ? NULL : realpath(b->cfg->path, NULL);
	slash = file ? strrchr(file, '/') : NULL;
	if (!slash)
		n = snprintf(out, CONFIG_HOST_MAX, "%s", text);
	else
		n = snprintf(out, CONFIG_HOST_MAX, "%.*s/%s",
		    (int)(slash - file), file, text);
	free(file);
	if (n >= CONFIG_HOST_MAX)
		config_build_error(b, path, "%s: '%s' is too long once put "
		    "after the config file's directory (at most %d "
		    "characters); give an absolute path", what, text,
		    CONFIG_HOST_MAX - 1);
}

void config_build_nets(struct config_build *b, const char *key,
    char *const *texts, unsigned n, struct config_net **nets,
    size_t *n_nets)
{
	char path[CONFIG_PATH_MAX];

	if (n == 0)
		return;
	*nets = calloc(n, sizeof(**nets));
	if (!*nets) {
		b->errs->out_of_memory = 1;
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		struct config_net *net = &(*nets)[*n_nets];
		const char *problem = config_net_problem(texts[i], net);
		snprintf(path, sizeof(path), "%s[%u]", key, i);
		if (problem)
			config_build_error(b, path, "allow_from: '%s' %s",
			    texts[i], problem);
		else
			(*n_nets)++;
	}
}

/* Codes the policy judges itself; listing one would bypass nothing. */
static int build_function_known(int64_t code)
{
	static const int known[] = { 1, 2, 3, 4, 5, 6, 15, 16, 22, 23 };

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (code == known[i])
			return 1;
	return 0;
}

void config_build_functions(struct config_build *b, const char *key,
    const int64_t *codes, unsigned n, uint8_t allowed[256])
{
	char path[CONFIG_PATH_MAX];

	for (unsigned i = 0; i < n; i++) {
		int64_t code = codes[i];
		snprintf(path, sizeof(path), "%s[%u]", key, i);
		if (code < 1 || code > 127)
			config_build_error(b, path, "%s: %lld is not a "
			    "function code (1..127)", config_build_key(key),
			    (long long)code);
		else if (build_function_known(code))
			config_build_error(b, path, "%s: %lld is always "
			    "judged by the policy (1-6, 15, 16, 22, 23 are); "
			    "remove it", config_build_key(key), (long long)code);
		else
			allowed[code] = 1;
	}
}

static void build_group(struct config_build *b, const char *path,
    const char *text, char *group)
{
	const char *problem;

	if (!text)
		return;
	problem = config_name_problem(text);
	if (problem)
		config_build_error(b, path, "%s: '%s' %s", config_build_key(path),
		    text, problem);
	else
		snprintf(group, CONFIG_NAME_MAX, "%s", text);
}

static void build_limits(struct config_build *b)
{
	const struct raw_limits *raw = b->raw->limits;
	struct config_limits *limits = &b->cfg->limits;

	limits->max_clients = 64;
	limits->max_inflight = 16;
	limits->device_queue = 64;
	limits->idle_timeout = 60;
	if (!raw)
		return;
	limits->max_clients = (unsigned)build_int(b, "limits.max_clients",
	    raw->max_clients, 64, 1, MAX_CLIENTS_LIMIT, "");
	limits->max_inflight = (unsigned)build_int(b, "limits.max_inflight",
	    raw->max_inflight, 16, 1, MAX_INFLIGHT_LIMIT,
	    " (requests in flight per client)");
	limits->device_queue = (unsigned)build_int(b, "limits.device_queue",
	    raw->device_queue, 64, 1, DEVICE_QUEUE_LIMIT,
	    " (requests waiting per device)");
	limits->idle_timeout = config_build_duration(b, "limits.idle_timeout",
	    raw->idle_timeout, 60, 1);
}

/* audit_sign and audit_syslog: what makes the log hard to cut or
 * rebuild unseen. */
static void build_audit_integrity(struct config_build *b)
{
	const struct raw_config *raw = b->raw;
	struct config *cfg = b->cfg;
	const char *sys = raw->audit_syslog;

	if (raw->audit_sign) {
		snprintf(cfg->audit_sign_key, sizeof(cfg->audit_sign_key), "%s",
		    raw->audit_sign->key);
		cfg->audit_sign_every = (unsigned)build_int(b,
		    "audit_sign.every", raw->audit_sign->every, 1000, 1,
		    1000000, " (records between signed checkpoints)");
	}
	if (!sys || strcmp(sys, "false") == 0)
		return;
	if (strcmp(sys, "true") == 0)
		sys = "/dev/log";
	else if (sys[0] != '/' || strlen(sys) > 107)
		config_build_error(b, "audit_syslog", "audit_syslog: '%s' is "
		    "not true, false or the absolute path of a unix socket "
		    "(at most 107 bytes)", sys);
	snprintf(cfg->audit_syslog, sizeof(cfg->audit_syslog), "%s", sys);
}

static void build_top(struct config_build *b)
{
	const struct raw_config *raw = b->raw;
	struct config *cfg = b->cfg;

	cfg->mode = raw->mode;
	cfg->initial_state = raw->initial_state;
	cfg->reads = raw->reads;
	config_build_nets(b, "allow_from", raw->allow_from,
	    raw->allow_from_count, &cfg->allow_from, &cfg->n_allow_from);
	snprintf(cfg->state_dir, sizeof(cfg->state_dir), "%s", raw->state_dir);
	snprintf(cfg->audit_log, sizeof(cfg->audit_log), "%s", raw->audit_log);
	/* 0 is allowed: fsync after every record. */
	cfg->audit_fsync = config_build_duration(b, "audit_fsync",
	    raw->audit_fsync, 1, 0);
	build_audit_integrity(b);
	snprintf(cfg->control.socket, sizeof(cfg->control.socket), "%s",
	    raw->control.socket);
	build_group(b, "control.takeover_group", raw->control.takeover_group,
	    cfg->control.takeover_group);
	build_group(b, "control.release_group", raw->control.release_group,
	    cfg->control.release_group);
	build_group(b, "control.view_group", raw->control.view_group,
	    cfg->control.view_group);
	build_group(b, "control.reload_group", raw->control.reload_group,
	    cfg->control.reload_group);
	build_group(b, "control.console_user", raw->control.console_user,
	    cfg->control.console_user);
	cfg->alarms.max_shelve = config_build_duration(b, "alarms.max_shelve",
	    raw->alarms ? raw->alarms->max_shelve : NULL, 8 * 3600., 1);
	if (raw->metrics_listen) {
		cfg->has_metrics_listen = 1;
		config_build_endpoint(b, "metrics_listen", raw->metrics_listen,
		    &cfg->metrics_listen);
	}
	build_limits(b);
	config_build_functions(b, "allow_functions", raw->allow_functions,
	    raw->allow_functions_count, cfg->allow_functions);
}

static void build_life_bit(struct config_build *b, size_t i,
    const struct raw_life_bit *raw, struct config_device *dev)
{
	char path[CONFIG_PATH_MAX];

	if (!raw)
		return;
	dev->has_life_bit = 1;
	snprintf(path, sizeof(path), "devices[%zu].life_bit.address", i);
	dev->life_bit_address = (uint16_t)build_int(b, path, &raw->address, 0,
	    0, 65535, " (a holding register address)");
	config_check_modicon(b, path, TABLE_HOLDING, raw->address);
	snprintf(path, sizeof(path), "devices[%zu].life_bit.interval", i);
	dev->life_bit_interval = config_build_duration(b, path, raw->interval,
	    1, 1);
}

static void build_device_timing(struct config_build *b, size_t i,
    const struct raw_device *raw, struct config_device *dev)
{
	char path[CONFIG_PATH_MAX];

	snprintf(path, sizeof(path), "devices[%zu].timeout", i);
	dev->timeout = config_build_duration(b, path, raw->timeout, 0.5, 1);
	snprintf(path, sizeof(path), "devices[%zu].poll_interval", i);
	dev->poll_interval = config_build_duration(b, path,
	    raw->poll_interval, 0.1, 1);
	snprintf(path, sizeof(path), "devices[%zu].loss_after", i);
	dev->loss_after = config_build_duration(b, path, raw->loss_after, 1,
	    1);
	/* Blame the key the user wrote, not the one left at its default. */
	if (!raw->loss_after)
		snprintf(path, sizeof(path), "devices[%zu].poll_interval", i);
	if (dev->loss_after < dev->poll_interval)
		config_build_error(b, path, "loss_after (%gs) is shorter than "
		    "poll_interval (%gs): the device would count as lost "
		    "between two polls", dev->loss_after, dev->poll_interval);
	snprintf(path, sizeof(path), "devices[%zu].connections", i);
	dev->connections = (unsigned)build_int(b, path, raw->connections, 1, 1,
	    CONNECTIONS_LIMIT, " (TCP connections wardend keeps to the "
	    "device; most PLCs accept only a few)");
	snprintf(path, sizeof(path), "devices[%zu].pipeline", i);
	dev->pipeline = (unsigned)build_int(b, path, raw->pipeline, 1, 1,
	    PIPELINE_LIMIT, " (requests in flight per connection; most "
	    "PLCs answer one at a time: 1)");
}

/* Name and unit id must each pick out one device. */
static void build_device_identity(struct config_build *b, size_t i,
    const struct raw_device *raw, struct config_device *dev)
{
	struct config *cfg = b->cfg;
	char path[CONFIG_PATH_MAX];
	const char *problem;
	int64_t unit;

	snprintf(path, sizeof(path), "devices[%zu].name", i);
	problem = config_name_problem(raw->name);
	if (problem)
		config_build_error(b, path, "name: %s", problem);
	for (size_t j = 0; j < i; j++)
		if (strcmp(cfg->devices[j].name, raw->name) == 0)
			config_build_error(b, path, "name is already used by "
			    "the device on line %d", cfg->devices[j].line);
	snprintf(path, sizeof(path), "devices[%zu].unit_id", i);
	unit = build_int(b, path, &raw->unit_id, -1, 0, 255, "");
	if (unit >= 0 && cfg->device_by_unit[unit])
		config_build_error(b, path, "unit_id %lld is already used by "
		    "device '%s' (line %d)", (long long)unit,
		    cfg->devices[cfg->device_by_unit[unit] - 1].name,
		    cfg->devices[cfg->device_by_unit[unit] - 1].line);
	else if (unit >= 0)
		cfg->device_by_unit[unit] = (uint16_t)(i + 1);
	dev->unit_id = (uint8_t)(unit >= 0 ? unit : 0);
	snprintf(path, sizeof(path), "devices[%zu].device_unit_id", i);
	dev->device_unit_id = (uint8_t)build_int(b, path, raw->device_unit_id,
	    dev->unit_id, 0, 255, "");
}

static void build_device(struct config_build *b, size_t i)
{
	const struct raw_device *raw = &b->raw->devices[i];
	struct config_device *dev = &b->cfg->devices[i];
	char path[CONFIG_PATH_MAX];
	const char *problem;

	snprintf(dev->name, sizeof(dev->name), "%s", raw->name);
	snprintf(path, sizeof(path), "devices[%zu]", i);
	dev->line = config_build_line(b, path);
	snprintf(b->subject, sizeof(b->subject), "device '%s': ", dev->name);
	build_device_identity(b, i, raw, dev);
	if (raw->serial)
		config_serial_build(b, i, raw, dev);
	else if (!raw->host)
		config_build_error(b, path, "missing required key 'host' (or "
		    "serial: for a device on a serial line)");
	else {
		snprintf(path, sizeof(path), "devices[%zu].host", i);
		problem = config_host_problem(raw->host);
		if (problem)
			config_build_error(b, path, "host: '%s' %s",
			    raw->host, problem);
		snprintf(dev->endpoint.host, sizeof(dev->endpoint.host), "%s",
		    raw->host);
		snprintf(path, sizeof(path), "devices[%zu].port", i);
		dev->endpoint.port = (uint16_t)build_int(b, path, raw->port,
		    DEFAULT_PORT, 1, 65535, "");
	}
	build_device_timing(b, i, raw, dev);
	build_life_bit(b, i, raw->life_bit, dev);
	b->subject[0] = '\0';
}

static void build_devices(struct config_build *b)
{
	size_t n = b->raw->devices_count;

	b->cfg->devices = calloc(n ? n : 1, sizeof(*b->cfg->devices));
	if (!b->cfg->devices) {
		b->errs->out_of_memory = 1;
		return;
	}
	b->cfg->n_devices = n;
	for (size_t i = 0; i < n; i++)
		build_device(b, i);
}

struct config *config_build(const struct raw_config *raw, const char *file,
    const struct config_shape *shape, struct config_errors *errs)
{
	struct config_build b = {
		.raw = raw, .errs = errs, .lines = &shape->lines,
		.unread = &shape->unread,
	};

	b.cfg = calloc(1, sizeof(*b.cfg));
	if (!b.cfg || !(b.cfg->path = strdup(file))) {
		errs->out_of_memory = 1;
		return b.cfg;
	}
	build_top(&b);
	build_devices(&b);
	if (errs->out_of_memory)
		return b.cfg;
	config_points_build(&b);
	config_takeover_build(&b);
	config_intrusion_build(&b);
	config_roles_build(&b);
	config_listen_build(&b, shape->listen_scalar);
	config_pair_build(&b);
	return b.cfg;
}
