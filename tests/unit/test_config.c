/*
 * test_config.c: the config loader. The example configs load; defaults
 * are applied; every kind of error is reported on the right line, all of
 * them at once; value syntaxes at their edges; the lookup tables.
 */
#include <sys/socket.h>

#include "config_fixture.h"

static void example_path(char *path, size_t size, const char *name)
{
	const char *src = getenv("WARDEN_SRC");

	snprintf(path, size, "%s/config/%s", src ? src : ".", name);
}

static void test_example_configs_load(void **state)
{
	char path[512], *errors;
	struct config *cfg;
	const struct config_point *level;

	(void)state;
	example_path(path, sizeof(path), "warden.yaml");
	cfg = config_load(path, &errors);
	if (!cfg)
		fail_msg("%s", errors);
	assert_int_equal(cfg->n_devices, 1);
	assert_int_equal(cfg->n_allow_from, 3);
	assert_int_equal(cfg->allow_from[2].family, AF_INET6);
	assert_int_equal(cfg->allow_functions[0x2B], 1);
	assert_int_equal(cfg->allow_functions[8], 0);
	assert_true(cfg->has_metrics_listen);
	assert_true(cfg->devices[0].has_life_bit);
	assert_int_equal(cfg->devices[0].life_bit_address, 900);
	level = config_point_by_name(cfg, "level");
	assert_non_null(level);
	assert_true(level->monitored);
	assert_true(level->monitor.has_high_high);
	assert_true(level->monitor.high_high == 4.8);
	assert_true(level->monitor.delay == 0.5);
	assert_true(cfg->takeover.has_switch);
	assert_int_equal(cfg->takeover.n_safe_state, 2);
	assert_true(cfg->takeover.has_on_violations);
	assert_int_equal(cfg->takeover.on_device_loss, DEVICE_LOSS_TAKEOVER);
	assert_string_equal(cfg->control.release_group, "supervisors");
	config_free(cfg);

	example_path(path, sizeof(path), "demo.yaml");
	cfg = config_load(path, &errors);
	if (!cfg)
		fail_msg("%s", errors);
	assert_int_equal(cfg->n_listeners, 1);
	assert_int_equal(cfg->listeners[0].endpoint.port, 15502);
	assert_int_equal(cfg->devices[0].endpoint.port, 15020);
	assert_int_equal(cfg->initial_state, INITIAL_AUTO);
	assert_string_equal(cfg->control.socket, "/tmp/warden-demo/control.sock");
	config_free(cfg);
}

static void test_defaults(void **state)
{
	struct loaded l;
	const struct config *cfg;
	const struct config_device *dev;
	const struct config_point *coil, *reg;

	(void)state;
	cfg = load_ok(&l, BASE
	    "points:\n"
	    "  - {name: run, device: tank1, table: coil, address: 0, write: {}}\n"
	    "  - {name: level, device: tank1, table: input, address: 0, monitor: {}}\n");
	assert_int_equal(cfg->mode, MODE_ENFORCE);
	assert_int_equal(cfg->initial_state, INITIAL_TAKEOVER);
	assert_int_equal(cfg->reads, READS_ANY);
	assert_true(cfg->audit_fsync == 1);
	assert_int_equal(cfg->n_allow_from, 0);
	assert_false(cfg->has_metrics_listen);
	assert_int_equal(cfg->limits.max_clients, 64);
	assert_int_equal(cfg->limits.max_inflight, 16);
	assert_int_equal(cfg->limits.device_queue, 64);
	assert_true(cfg->limits.idle_timeout == 60);
	assert_string_equal(cfg->control.takeover_group, "");
	assert_string_equal(cfg->control.view_group, "");
	assert_string_equal(cfg->control.reload_group, "");
	dev = &cfg->devices[0];
	assert_int_equal(dev->endpoint.port, 502);
	assert_int_equal(dev->device_unit_id, 1);
	assert_true(dev->timeout == 0.5);
	assert_true(dev->poll_interval == 0.1);
	assert_true(dev->loss_after == 1);
	assert_int_equal(dev->connections, 1);
	assert_int_equal(dev->pipeline, 1);
	assert_false(dev->has_life_bit);
	assert_int_equal(dev->line, 7);
	coil = config_point_by_name(cfg, "run");
	reg = config_point_by_name(cfg, "level");
	assert_int_equal(coil->type, TYPE_BOOL);
	assert_int_equal(reg->type, TYPE_UINT16);
	assert_int_equal(reg->width, 1);
	assert_int_equal(reg->order, ORDER_ABCD);
	assert_true(reg->scale == 1 && reg->offset == 0);
	assert_true(coil->writable);
	assert_int_equal(coil->write.on_violation, VIOLATION_REJECT);
	assert_false(coil->write.has_min || coil->write.has_max);
	assert_true(reg->monitored);
	assert_true(reg->monitor.deadband == 0 && reg->monitor.delay == 0);
	assert_false(cfg->takeover.has_switch);
	assert_true(cfg->takeover.switch_active == 1);
	assert_false(cfg->takeover.has_on_violations);
	assert_true(cfg->takeover.ai_silence == 0);
	assert_int_equal(cfg->takeover.on_device_loss, DEVICE_LOSS_OFF);
	assert_int_equal(cfg->takeover.isolate, ISOLATE_WRITES);
	loaded_free(&l);
}

static void test_missing_required_keys(void **state)
{
	struct loaded l;

	(void)state;
	load_text(&l, "mode: enforce\n");
	assert_error(&l, 1, "missing required key 'listen'");
	assert_error(&l, 1, "missing required key 'state_dir'");
	assert_error(&l, 1, "missing required key 'audit_log'");
	assert_error(&l, 1, "missing required key 'control'");
	assert_error(&l, 1, "missing required key 'devices'");
	loaded_free(&l);
	expect_error("listen: 127.0.0.1:1502\nstate_dir: /a\naudit_log: /a/b\n"
	    "control:\n  takeover_group: ops\ndevices: []\n", 4,
	    "control: missing required key 'socket'");
	expect_error("listen: 127.0.0.1:1502\nstate_dir: /a\naudit_log: /a/b\n"
	    "control:\n  socket: /s\ndevices: []\n", 6,
	    "devices: needs at least 1 entry");
	expect_error(BASE "  - name: b\n    unit_id: 2\n", 10,
	    "device 'b': missing required key 'host'");
	expect_error("", 1, "the file is empty");
	expect_error("- a\n", 1, "must be a mapping");
}

static void test_unknown_keys(void **state)
{
	(void)state;
	expect_error(BASE "    prot: 502\n", 10, "unknown key 'prot' (did you "
	    "mean 'port'?)");
	expect_error("frobnicate: 1\n" BASE, 1, "unknown key 'frobnicate'");
	expect_error(BASE "takeover:\n  isolate: all\n  safe:\n", 12,
	    "unknown key 'safe'");
	expect_error(BASE "limits: {max_client: 4}\n", 10,
	    "unknown key 'max_client'");
}

static void test_wrong_types(void **state)
{
	(void)state;
	expect_error(BASE "    port: http\n", 10,
	    "port: 'http' is not a whole number");
	expect_error(BASE "    port: 502.5\n", 10, "is not a whole number");
	expect_error(BASE "    port: 0502\n", 10, "is not a whole number");
	expect_error(BASE "points:\n  - {name: a, device: tank1, table: "
	    "holding, address: 0, scale: lots}\n", 11,
	    "scale: 'lots' is not a number");
	expect_error(BASE "points:\n  - name: a\n    device: tank1\n"
	    "    table: holding\n    address: 0\n    write: 5\n", 15,
	    "write: must be a mapping");
	expect_error(BASE "allow_from: 10.0.0.0/8\n", 10,
	    "allow_from: must be a list");
	expect_error(BASE "mode: enforce\nmode: monitor\n", 11,
	    "duplicate key 'mode' (first on line 10)");
	expect_error(BASE "base: &b 1\nreads: *b\n", 11, "aliases");
}

static void test_bad_enums(void **state)
{
	(void)state;
	expect_error("mode: enforc\n" BASE, 1,
	    "mode: 'enforc' is not one of enforce, monitor");
	expect_error(BASE "reads: 1\n", 10,
	    "reads: '1' is not one of any, declared");
	expect_error(BASE "points:\n  - {name: a, device: tank1, table: "
	    "holdings, address: 0}\n", 11,
	    "table: 'holdings' is not one of coil, discrete, input, holding");
	expect_error(BASE "points:\n  - {name: a, device: tank1, table: "
	    "holding, address: 0, byte_order: abcd}\n", 11,
	    "byte_order: 'abcd' is not one of ABCD, CDAB, BADC, DCBA");
}

static void test_endpoints(void **state)
{
	struct config_endpoint ep;

	(void)state;
	assert_int_equal(config_parse_endpoint("127.0.0.1:1", &ep), 0);
	assert_string_equal(ep.host, "127.0.0.1");
	assert_int_equal(ep.port, 1);
	assert_int_equal(config_parse_endpoint("plc-7.site:65535", &ep), 0);
	assert_int_equal(ep.port, 65535);
	assert_int_equal(config_parse_endpoint("[::1]:502", &ep), 0);
	assert_string_equal(ep.host, "::1");
	assert_int_equal(config_parse_endpoint("0.0.0.0:502", &ep), 0);
	assert_int_equal(config_parse_endpoint("h:0", &ep), -1);
	assert_int_equal(config_parse_endpoint("h:65536", &ep), -1);
	assert_int_equal(config_parse_endpoint("h:", &ep), -1);
	assert_int_equal(config_parse_endpoint(":502", &ep), -1);
	assert_int_equal(config_parse_endpoint("h", &ep), -1);
	assert_int_equal(config_parse_endpoint("h:+502", &ep), -1);
	assert_int_equal(config_parse_endpoint("h:0x1f6", &ep), -1);
	assert_int_equal(config_parse_endpoint("::1:502", &ep), -1);
	assert_int_equal(config_parse_endpoint("[::1]502", &ep), -1);
	assert_int_equal(config_parse_endpoint("1.2.3.256:502", &ep), -1);
	assert_int_equal(config_parse_endpoint("a b:502", &ep), -1);

	expect_error("listen: 127.0.0.1:99999\n" "state_dir: /a\n"
	    "audit_log: /a/b\ncontrol: {socket: /s}\n"
	    "devices: [{name: d, host: h, unit_id: 1}]\n", 1,
	    "listen: '127.0.0.1:99999' has a bad port: it must be 1..65535");
	expect_error(BASE "metrics_listen: ::1:9502\n", 10,
	    "needs brackets around an IPv6 address");
	expect_error(BASE "metrics_listen: 127.0.0.1:1502\n", 10,
	    "the same address as listen");
	expect_error(BASE "    port: 0\n", 10, "port: 0 is out of range "
	    "1..65535");
	expect_error(BASE "    port: 65536\n", 10, "out of range 1..65535");
	expect_error(BASE "  - name: b\n    host: 'plc 2'\n    unit_id: 2\n",
	    11, "host: 'plc 2' is not a host name or address");
}

static void test_allow_from(void **state)
{
	struct loaded l;
	const struct config *cfg;

	(void)state;
	cfg = load_ok(&l, BASE "allow_from: [10.0.0.0/8, 0.0.0.0/0, "
	    "192.168.1.7, '::1/128', '2001:db8::/32']\n");
	assert_int_equal(cfg->n_allow_from, 5);
	assert_int_equal(cfg->allow_from[0].family, AF_INET);
	assert_int_equal(cfg->allow_from[0].prefix, 8);
	assert_int_equal(cfg->allow_from[0].addr[0], 10);
	assert_int_equal(cfg->allow_from[1].prefix, 0);
	assert_int_equal(cfg->allow_from[2].prefix, 32);
	assert_int_equal(cfg->allow_from[3].family, AF_INET6);
	assert_int_equal(cfg->allow_from[3].prefix, 128);
	assert_int_equal(cfg->allow_from[3].addr[15], 1);
	assert_int_equal(cfg->allow_from[4].prefix, 32);
	loaded_free(&l);

	expect_error(BASE "allow_from:\n  - 10.0.0.0/8\n  - 10.0.0.1/8\n", 12,
	    "allow_from: '10.0.0.1/8' has address bits set past its prefix");
	expect_error(BASE "allow_from: [10.0.0.0/33]\n", 10,
	    "prefix length: it must be 0..32");
	expect_error(BASE "allow_from: ['::/129']\n", 10,
	    "prefix length: it must be 0..128");
	expect_error(BASE "allow_from: [banana]\n", 10,
	    "'banana' is not an address or network");
	expect_error(BASE "allow_from: [10.0.0.0/]\n", 10, "prefix length");
}

static void test_devices(void **state)
{
	(void)state;
	expect_error(BASE "  - name: tank1\n    host: h\n    unit_id: 2\n",
	    10, "device 'tank1': name is already used by the device on "
	    "line 7");
	expect_error(BASE "  - name: tank2\n    host: h\n    unit_id: 1\n",
	    12, "device 'tank2': unit_id 1 is already used by device "
	    "'tank1' (line 7)");
	expect_error(BASE "  - {name: b, host: h, unit_id: 256}\n", 10,
	    "unit_id: 256 is out of range 0..255");
	expect_error(BASE "  - {name: b, host: h, unit_id: -1}\n", 10,
	    "unit_id: -1 is out of range 0..255");
	expect_error(BASE "    device_unit_id: 300\n", 10,
	    "device_unit_id: 300 is out of range 0..255");
	expect_error(BASE "    connections: 0\n", 10,
	    "connections: 0 is out of range 1..64 (TCP connections");
	expect_error(BASE "    connections: 65\n", 10, "1..64");
	expect_error(BASE "    pipeline: 65\n", 10,
	    "pipeline: 65 is out of range 1..64 (requests in flight per "
	    "connection");
	expect_error(BASE "    timeout: 0ms\n", 10,
	    "timeout: must be longer than 0");
	expect_error(BASE "    poll_interval: 2s\n", 9 + 1,
	    "loss_after (1s) is shorter than poll_interval (2s)");
	expect_error(BASE "  - {name: 'tank 2', host: h, unit_id: 2}\n", 10,
	    "name: may hold only letters");
	expect_error(BASE "    life_bit: {address: 70000}\n", 10,
	    "address: 70000 is out of range 0..65535");

	struct loaded l;
	const struct config *cfg = load_ok(&l, BASE
	    "  - {name: b, host: '::1', unit_id: 0, device_unit_id: 255}\n"
	    "  - {name: c, host: plc.local, unit_id: 255, port: 1,"
	    " connections: 64, pipeline: 64}\n");
	assert_int_equal(cfg->devices[1].unit_id, 0);
	assert_int_equal(cfg->devices[1].device_unit_id, 255);
	assert_int_equal(cfg->devices[2].pipeline, 64);
	assert_ptr_equal(config_device_by_unit(cfg, 0), &cfg->devices[1]);
	assert_ptr_equal(config_device_by_unit(cfg, 255), &cfg->devices[2]);
	assert_ptr_equal(config_device_by_unit(cfg, 1), &cfg->devices[0]);
	assert_null(config_device_by_unit(cfg, 2));
	loaded_free(&l);
}

/* A point snippet on lines 10.. of BASE: "points:" then one flow entry. */
#define POINT(fields) BASE "points:\n  - {name: level, device: tank1, " \
	fields "}\n"

/* on_violation: ramp needs a limit to walk within, something to walk,
 * and a step of at least one raw count. */
static void test_ramp_errors(void **state)
{
	struct loaded l;

	(void)state;
	expect_error(POINT("table: holding, address: 0, write: {max: 5, "
	    "on_violation: ramp}"), 11, "on_violation: ramp needs max_step "
	    "or max_rate");
	expect_error(POINT("table: coil, address: 0, write: {max_rate: 1, "
	    "on_violation: ramp}"), 11, "cannot walk a bool point");
	expect_error(POINT("table: holding, address: 0, data_type: bool, "
	    "write: {max_step: 1, on_violation: ramp}"), 11,
	    "cannot walk a bool point");
	expect_error(POINT("table: holding, address: 0, scale: 0.1, write: "
	    "{max_step: 0.05, on_violation: ramp}"), 11, "max_step 0.05, "
	    "less than one raw count (scale 0.1)");
	load_ok(&l, POINT("table: holding, address: 0, scale: 0.1, write: "
	    "{max_step: 0.1, max_rate: 0.01, on_violation: ramp}"));
	assert_int_equal(l.cfg->points[0].write.on_violation, VIOLATION_RAMP);
	loaded_free(&l);
	load_ok(&l, POINT("table: holding, address: 0, data_type: float32, "
	    "write: {max_step: 0.001, on_violation: ramp}"));
	loaded_free(&l);
}

static void test_point_errors(void **state)
{
	(void)state;
	expect_error(POINT("table: holding, address: 0, write: {min: 5, "
	    "max: 2}"), 11, "point 'level': min 5 > max 2");
	expect_error(BASE "points:\n  - name: a\n    device: tank2\n"
	    "    table: coil\n    address: 0\n", 12,
	    "point 'a': no device named 'tank2'");
	expect_error(POINT("table: coil, address: 0, data_type: int32"), 11,
	    "data_type int32 does not fit a coil");
	expect_error(POINT("table: discrete, address: 0, data_type: uint16"),
	    11, "discrete points hold single bits");
	expect_error(POINT("table: holding, address: 65535, data_type: "
	    "float32"), 11, "float32 at address 65535 runs past the last "
	    "address");
	expect_error(POINT("table: holding, address: 65536"), 11,
	    "address 65536 is out of range 0..65535");
	expect_error(POINT("table: discrete, address: 0, write: {}"), 11,
	    "write: discrete points are read-only");
	expect_error(POINT("table: input, address: 0, write: {max: 1}"), 11,
	    "write: input points are read-only");
	expect_error(POINT("table: holding, address: 0, write: {max_step: 0}"),
	    11, "max_step must be greater than 0");
	expect_error(POINT("table: holding, address: 0, write: {max_rate: -1}"),
	    11, "max_rate must be greater than 0");
	expect_error(POINT("table: holding, address: 0, write: "
	    "{min_interval: 0s}"), 11, "min_interval: must be longer than 0");
	expect_error(POINT("table: holding, address: 0, write: "
	    "{min_interval: 200}"), 11, "min_interval: '200' needs a unit");
	expect_error(POINT("table: coil, address: 0, write: {min: 0, max: 2}"),
	    11, "max 2: a bool point's bounds are 0 or 1");
	expect_error(POINT("table: holding, address: 0, scale: 0.1, write: "
	    "{max: 7000}"), 11, "max 7000 is outside what uint16 with its "
	    "scale and offset can hold (0..6553.5)");
	expect_error(POINT("table: holding, address: 0, data_type: int16, "
	    "write: {min: -40000}"), 11, "min -40000 is outside what int16");
	expect_error(POINT("table: holding, address: 0, byte_order: CDAB"),
	    11, "byte_order applies to 32-bit types only");
	expect_error(POINT("table: holding, address: 0, scale: 0"), 11,
	    "scale must not be 0");
	expect_error(POINT("table: coil, address: 0, scale: 2"), 11,
	    "a bool point takes no scale or offset");
	expect_error(POINT("table: holding, address: 0, unit: "
	    "furlongs_per_fortnight"), 11, "unit: 'furlongs_per_fortnight");
	/* {min: 0, max: 0}: the AI may only switch it off. */
	struct loaded l;
	load_ok(&l, POINT("table: coil, address: 0, write: {min: 0, max: 0}"));
	loaded_free(&l);
}

static void test_duplicate_and_overlapping_points(void **state)
{
	struct loaded l;

	(void)state;
	load_text(&l, BASE "points:\n"
	    "  - {name: a, device: tank1, table: holding, address: 10, "
	    "data_type: int32}\n"
	    "  - {name: b, device: tank1, table: holding, address: 11}\n"
	    "  - {name: c, device: tank1, table: input, address: 11}\n"
	    "  - {name: a, device: tank1, table: coil, address: 11}\n"
	    "  - {name: d, device: tank1, table: holding, address: 9, "
	    "data_type: uint32}\n");
	assert_error(&l, 12, "point 'b' overlaps point 'a' (line 11): both use "
	    "holding address 11 of device 'tank1'");
	assert_error(&l, 14, "point name 'a' is already used on line 11");
	assert_error(&l, 15, "point 'd' overlaps point 'a' (line 11): both use "
	    "holding address 10");
	/* Same address in another table, or another device: no overlap. */
	assert_int_equal(error_count(&l), 3);
	loaded_free(&l);
}

static void test_monitor_errors(void **state)
{
	(void)state;
	expect_error(BASE "points:\n  - name: level\n    device: tank1\n"
	    "    table: input\n    address: 0\n    monitor:\n"
	    "      low_low: 1\n      low: 0.5\n      high: 4\n", 17,
	    "point 'level': monitor low_low 1 > low 0.5: thresholds must run "
	    "low_low <= low <= high <= high_high");
	expect_error(POINT("table: input, address: 0, monitor: {low: 5, "
	    "high_high: 4}"), 11, "monitor low 5 > high_high 4");
	expect_error(POINT("table: input, address: 0, monitor: "
	    "{deadband: -0.1}"), 11, "deadband must not be negative");
	expect_error(POINT("table: input, address: 0, monitor: "
	    "{max_rate: 0}"), 11, "max_rate must be greater than 0");
	expect_error(POINT("table: input, address: 0, monitor: "
	    "{stale_after: 0s}"), 11, "stale_after: must be longer than 0");

	struct loaded l;
	const struct config *cfg = load_ok(&l, POINT("table: input, address: "
	    "0, monitor: {low_low: 1, low: 1, high: 1, high_high: 1, "
	    "delay: 0s}"));
	assert_true(cfg->points[0].monitor.has_low_low);
	loaded_free(&l);
}

#define TAKEOVER_BASE BASE "points:\n" \
	"  - {name: key, device: tank1, table: discrete, address: 0}\n" \
	"  - {name: valve, device: tank1, table: holding, address: 0, " \
	"scale: 0.1, write: {min: 10, max: 90}}\n" \
	"  - {name: level, device: tank1, table: input, address: 0}\n" \
	"  - {name: pump, device: tank1, table: coil, address: 0}\n" \
	"takeover:\n"

static void test_takeover_errors(void **state)
{
	(void)state;
	expect_error(TAKEOVER_BASE "  switch: {point: nokey}\n", 16,
	    "takeover.switch: no point named 'nokey'");
	expect_error(TAKEOVER_BASE "  switch: {point: level}\n", 16,
	    "point 'level' is uint16; a key switch must be a bool point");
	expect_error(TAKEOVER_BASE "  switch: {point: key, active: 2}\n", 16,
	    "active must be 0 or 1");
	expect_error(TAKEOVER_BASE "  on_violations: {count: 0, within: 10s}\n",
	    16, "count: 0 is out of range 1..");
	expect_error(TAKEOVER_BASE "  on_violations: {count: 3, within: 0s}\n",
	    16, "within: must be longer than 0");
	expect_error(TAKEOVER_BASE "  on_violations:\n    count: 3\n", 16,
	    "on_violations: missing required key 'within'");
	expect_error(TAKEOVER_BASE "  ai_silence: 0s\n", 16,
	    "ai_silence: must be longer than 0");
	expect_error(TAKEOVER_BASE "  on_device_loss: ignore\n", 16,
	    "on_device_loss: 'ignore' is not one of takeover, alarm");
	expect_error(TAKEOVER_BASE "  safe_state:\n    - {point: gone, "
	    "value: 0}\n", 17, "safe_state: no point named 'gone'");
	expect_error(TAKEOVER_BASE "  safe_state:\n    - {point: level, "
	    "value: 0}\n", 17, "point 'level' is in the input table, which "
	    "cannot be written; a safe state needs coil or holding points");
	expect_error(TAKEOVER_BASE "  safe_state:\n    - {point: valve, "
	    "value: 5}\n", 17, "value 5 for 'valve' is below its write min 10");
	expect_error(TAKEOVER_BASE "  safe_state:\n    - {point: valve, "
	    "value: 95}\n", 17, "above its write max 90");
	expect_error(TAKEOVER_BASE "  safe_state:\n    - {point: pump, "
	    "value: 0.5}\n", 17, "value 0.5 for bool point 'pump' must be 0 "
	    "or 1");
	expect_error(TAKEOVER_BASE "  safe_state:\n    - {point: pump, "
	    "value: 0}\n    - {point: pump, value: 1}\n", 18,
	    "point 'pump' already has a safe value on line 17");
	expect_error(TAKEOVER_BASE "  safe_state:\n    - {point: pump, "
	    "value: 0, hold: maybe}\n", 17, "hold: 'maybe' is not true or "
	    "false");
	expect_error(TAKEOVER_BASE "  safe_state:\n    - point: pump\n"
	    "      value: 0\n      hold: 1\n", 19, "hold: '1' is not true or "
	    "false");
	expect_error(TAKEOVER_BASE "  safe_state:\n    - {point: pump, "
	    "value: 0, hold: [true]}\n", 17, "hold: must be true or false");
	expect_error(TAKEOVER_BASE "  safe_state:\n    - {point: pump, "
	    "value: 0, held: true}\n", 17, "unknown key 'held' (did you mean "
	    "'hold'?)");

	struct loaded l;
	const struct config *cfg = load_ok(&l, TAKEOVER_BASE
	    "  switch: {point: key, active: 0}\n"
	    "  safe_state:\n"
	    "    - {point: pump, value: 1, hold: false}\n"
	    "    - {point: valve, value: 10, hold: true}\n");
	assert_true(cfg->takeover.has_switch);
	assert_int_equal(cfg->takeover.switch_point, 0);
	assert_true(cfg->takeover.switch_active == 0);
	assert_int_equal(cfg->takeover.n_safe_state, 2);
	assert_int_equal(cfg->takeover.safe_state[0].point, 3);
	assert_int_equal(cfg->takeover.safe_state[1].line, 19);
	assert_int_equal(cfg->takeover.safe_state[0].hold, 0);
	assert_int_equal(cfg->takeover.safe_state[1].hold, 1);
	loaded_free(&l);
	cfg = load_ok(&l, TAKEOVER_BASE "  safe_state:\n"
	    "    - {point: valve, value: 10}\n");
	assert_int_equal(cfg->takeover.safe_state[0].hold, 1);  /* default */
	loaded_free(&l);
}

static void test_allow_functions(void **state)
{
	struct loaded l;

	(void)state;
	expect_error(BASE "allow_functions: [0]\n", 10,
	    "allow_functions: 0 is not a function code (1..127)");
	expect_error(BASE "allow_functions: [0x80]\n", 10,
	    "allow_functions: 128 is not a function code");
	expect_error(BASE "allow_functions: [8, 3]\n", 10,
	    "allow_functions: 3 is always judged by the policy");
	load_ok(&l, BASE "allow_functions: [8, 0x2B, 127]\n");
	assert_int_equal(l.cfg->allow_functions[8], 1);
	assert_int_equal(l.cfg->allow_functions[43], 1);
	assert_int_equal(l.cfg->allow_functions[127], 1);
	assert_int_equal(l.cfg->allow_functions[3], 0);
	loaded_free(&l);
}

#define CONTROL_HEAD \
	"listen: 127.0.0.1:1502\n" \
	"state_dir: /tmp/w\n" \
	"audit_log: /tmp/w/audit.jsonl\n" \
	"control:\n" \
	"  socket: /tmp/w/control.sock\n"
#define CONTROL_TAIL \
	"devices:\n" \
	"  - {name: tank1, host: 127.0.0.1, unit_id: 1}\n"

/* The four group keys, each a group name or absent. */
static void test_control_groups(void **state)
{
	struct loaded l;
	const struct config_control *cc;

	(void)state;
	load_ok(&l, CONTROL_HEAD
	    "  takeover_group: operators\n"
	    "  release_group: supervisors\n"
	    "  view_group: plant-view\n"
	    "  reload_group: engineers\n"
	    CONTROL_TAIL);
	cc = &l.cfg->control;
	assert_string_equal(cc->takeover_group, "operators");
	assert_string_equal(cc->release_group, "supervisors");
	assert_string_equal(cc->view_group, "plant-view");
	assert_string_equal(cc->reload_group, "engineers");
	loaded_free(&l);
	expect_error(CONTROL_HEAD "  view_group: \"a b\"\n" CONTROL_TAIL, 6,
	    "view_group: 'a b' may hold only letters");
	expect_error(CONTROL_HEAD "  reload_group: \"x;y\"\n" CONTROL_TAIL, 6,
	    "reload_group: 'x;y' may hold only letters");
	expect_error(CONTROL_HEAD "  view_groups: ops\n" CONTROL_TAIL, 6,
	    "view_group");
}

static void test_limits(void **state)
{
	struct loaded l;

	(void)state;
	expect_error(BASE "limits: {max_clients: 0}\n", 10,
	    "max_clients: 0 is out of range");
	expect_error(BASE "limits:\n  idle_timeout: 0s\n", 11,
	    "idle_timeout: must be longer than 0");
	expect_error(BASE "audit_fsync: soon\n", 10,
	    "audit_fsync: 'soon' is not a duration");
	load_ok(&l, BASE "limits: {max_clients: 1, max_inflight: 1, "
	    "device_queue: 1, idle_timeout: 1.5s}\naudit_fsync: 0s\n");
	assert_int_equal(l.cfg->limits.max_clients, 1);
	assert_true(l.cfg->limits.idle_timeout == 1.5);
	assert_true(l.cfg->audit_fsync == 0);
	loaded_free(&l);
}

static void test_several_errors_together(void **state)
{
	struct loaded l;

	(void)state;
	load_text(&l, BASE
	    "    timeout: 5\n"                                   /* 10 */
	    "  - {name: tank1, host: h, unit_id: 1}\n"           /* 11 */
	    "points:\n"                                          /* 12 */
	    "  - {name: p, device: nowhere, table: coil, address: 0}\n"
	    "  - {name: q, device: tank1, table: holding, address: 3, "
	    "write: {min: 9, max: 1}}\n"                         /* 14 */
	    "takeover: {ai_silence: 0s}\n"                       /* 15 */
	    "reads: declared\n");
	assert_error(&l, 10, "timeout: '5' needs a unit");
	assert_error(&l, 11, "name is already used");
	assert_error(&l, 11, "unit_id 1 is already used");
	assert_error(&l, 13, "no device named 'nowhere'");
	assert_error(&l, 14, "min 9 > max 1");
	assert_error(&l, 15, "ai_silence: must be longer than 0");
	assert_int_equal(error_count(&l), 6);
	/* In file order. */
	assert_true(strstr(l.errors, ":10: ") < strstr(l.errors, ":15: "));
	loaded_free(&l);

	/* Structural errors are all reported too, each on its line. */
	load_text(&l, BASE "    prot: 1\n    port: x\nmode: on\nfoo: 1\n");
	assert_error(&l, 10, "unknown key 'prot'");
	assert_error(&l, 11, "port: 'x' is not a whole number");
	assert_error(&l, 12, "mode: 'on' is not one of");
	assert_error(&l, 13, "unknown key 'foo'");
	assert_int_equal(error_count(&l), 4);
	loaded_free(&l);

	/* Unknown keys do not hide the checks that come after. */
	load_text(&l, BASE "    prot: 1\n    pipeline: 99\n");
	assert_error(&l, 10, "unknown key 'prot'");
	assert_error(&l, 11, "pipeline: 99 is out of range");
	loaded_free(&l);
}

static void test_durations(void **state)
{
	double s = -1;

	(void)state;
	assert_int_equal(config_parse_duration("250ms", &s), 0);
	assert_true(s == 0.25);
	assert_int_equal(config_parse_duration("5s", &s), 0);
	assert_true(s == 5);
	assert_int_equal(config_parse_duration("2m", &s), 0);
	assert_true(s == 120);
	assert_int_equal(config_parse_duration("1h", &s), 0);
	assert_true(s == 3600);
	assert_int_equal(config_parse_duration("1.5s", &s), 0);
	assert_true(s == 1.5);
	assert_int_equal(config_parse_duration("0s", &s), 0);
	assert_true(s == 0);
	assert_int_equal(config_parse_duration("1ms", &s), 0);
	assert_true(s == 0.001);
	s = 42;
	assert_int_equal(config_parse_duration("5", &s), -1);
	assert_int_equal(config_parse_duration("", &s), -1);
	assert_int_equal(config_parse_duration("s", &s), -1);
	assert_int_equal(config_parse_duration("5 s", &s), -1);
	assert_int_equal(config_parse_duration("-5s", &s), -1);
	assert_int_equal(config_parse_duration("1.s", &s), -1);
	assert_int_equal(config_parse_duration(".5s", &s), -1);
	assert_int_equal(config_parse_duration("5sec", &s), -1);
	assert_int_equal(config_parse_duration("5S", &s), -1);
	assert_int_equal(config_parse_duration("1e3s", &s), -1);
	assert_int_equal(config_parse_duration("5d", &s), -1);
	assert_int_equal(config_parse_duration("999999999999h", &s), -1);
	assert_true(s == 42);
	expect_error(BASE "    timeout: 5\n", 10,
	    "timeout: '5' needs a unit: ms, s, m or h");
	expect_error(BASE "    timeout: 5d\n", 10,
	    "timeout: '5d' is not a duration");
}

static void test_lookup_tables(void **state)
{
	struct loaded l;
	const struct config *cfg;
	const struct config_point *wide;

	(void)state;
	cfg = load_ok(&l, BASE "  - {name: plc2, host: h, unit_id: 2}\n"
	    "points:\n"
	    "  - {name: flow, device: tank1, table: holding, address: 10, "
	    "data_type: float32, byte_order: CDAB}\n"
	    "  - {name: run, device: tank1, table: coil, address: 10}\n"
	    "  - {name: last, device: plc2, table: input, address: 65534, "
	    "data_type: uint32}\n"
	    "  - {name: first, device: plc2, table: input, address: 0}\n");
	wide = config_point_by_name(cfg, "flow");
	assert_non_null(wide);
	assert_int_equal(wide->width, 2);
	assert_int_equal(wide->order, ORDER_CDAB);
	assert_int_equal(wide->line, 12);
	assert_ptr_equal(config_point_at(cfg, 0, TABLE_HOLDING, 10), wide);
	assert_ptr_equal(config_point_at(cfg, 0, TABLE_HOLDING, 11), wide);
	assert_null(config_point_at(cfg, 0, TABLE_HOLDING, 9));
	assert_null(config_point_at(cfg, 0, TABLE_HOLDING, 12));
	assert_ptr_equal(config_point_at(cfg, 0, TABLE_COIL, 10),
	    config_point_by_name(cfg, "run"));
	assert_null(config_point_at(cfg, 0, TABLE_COIL, 11));
	assert_null(config_point_at(cfg, 0, TABLE_INPUT, 10));
	assert_ptr_equal(config_point_at(cfg, 1, TABLE_INPUT, 65535),
	    config_point_by_name(cfg, "last"));
	assert_ptr_equal(config_point_at(cfg, 1, TABLE_INPUT, 0),
	    config_point_by_name(cfg, "first"));
	assert_null(config_point_at(cfg, 1, TABLE_HOLDING, 10));
	assert_null(config_point_at(cfg, 2, TABLE_HOLDING, 10));
	/* Only tables that hold points get an address table. */
	assert_null(cfg->point_by_address[0][TABLE_INPUT]);
	assert_null(cfg->point_by_address[0][TABLE_DISCRETE]);
	assert_non_null(cfg->point_by_address[1][TABLE_INPUT]);
	assert_null(config_point_by_name(cfg, "nothing"));
	assert_string_equal(config_table_name(TABLE_DISCRETE), "discrete");
	assert_string_equal(config_type_name(TYPE_FLOAT32), "float32");
	loaded_free(&l);
}

static void test_syntax_and_files(void **state)
{
	char *errors;

	(void)state;
	expect_error(BASE "points: [\n", 11, "YAML syntax");
	expect_error(BASE "  bad indentation: [x\n", 10, "YAML syntax");
	expect_error(BASE "---\nmode: monitor\n", 10,
	    "only one YAML document is allowed");
	assert_null(config_load("/nonexistent/warden.yaml", &errors));
	assert_non_null(errors);
	assert_string_equal(errors, "/nonexistent/warden.yaml: cannot read: "
	    "No such file or directory\n");
	free(errors);
	assert_null(config_load("/tmp", &errors));
	assert_non_null(strstr(errors, "not a regular file"));
	free(errors);
}

/* audit_sign and audit_syslog: defaults, the forms taken, the errors. */
static void test_audit_integrity_keys(void **state)
{
	struct loaded l;
	struct config *cfg;

	(void)state;
	cfg = load_ok(&l, BASE);
	assert_string_equal(cfg->audit_sign_key, "");
	assert_string_equal(cfg->audit_syslog, "");
	loaded_free(&l);
	cfg = load_ok(&l, BASE "audit_sign: {key: /etc/warden/audit.key}\n"
	    "audit_syslog: true\n");
	assert_string_equal(cfg->audit_sign_key, "/etc/warden/audit.key");
	assert_int_equal(cfg->audit_sign_every, 1000);
	assert_string_equal(cfg->audit_syslog, "/dev/log");
	loaded_free(&l);
	cfg = load_ok(&l, BASE "audit_sign:\n  key: k\n  every: 1\n"
	    "audit_syslog: /run/collector.sock\n");
	assert_int_equal(cfg->audit_sign_every, 1);
	assert_string_equal(cfg->audit_syslog, "/run/collector.sock");
	loaded_free(&l);
	cfg = load_ok(&l, BASE "audit_syslog: false\n");
	assert_string_equal(cfg->audit_syslog, "");
	loaded_free(&l);

	expect_error(BASE "audit_sign: {key: k, every: 0}\n", 10,
	    "every: 0 is out of range 1..1000000");
	expect_error(BASE "audit_sign: {every: 5}\n", 10, "key");
	expect_error(BASE "audit_sign: {key: k, evry: 5}\n", 10,
	    "did you mean 'every'");
	expect_error(BASE "audit_syslog: yes please\n", 10,
	    "audit_syslog: 'yes please' is not true, false or the absolute "
	    "path of a unix socket");
	expect_error(BASE "audit_syslog: /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaa\n", 10, "at most 107 bytes");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example_configs_load),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_missing_required_keys),
		cmocka_unit_test(test_unknown_keys),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_bad_enums),
		cmocka_unit_test(test_endpoints),
		cmocka_unit_test(test_allow_from),
		cmocka_unit_test(test_devices),
		cmocka_unit_test(test_point_errors),
		cmocka_unit_test(test_ramp_errors),
		cmocka_unit_test(test_duplicate_and_overlapping_points),
		cmocka_unit_test(test_monitor_errors),
		cmocka_unit_test(test_takeover_errors),
		cmocka_unit_test(test_allow_functions),
		cmocka_unit_test(test_control_groups),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_several_errors_together),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_lookup_tables),
		cmocka_unit_test(test_syntax_and_files),
		cmocka_unit_test(test_audit_integrity_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
