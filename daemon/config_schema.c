/*
 * config_schema.c: the libcyaml schema of warden.yaml, and the typed load
 * into the raw structs of config_internal.h. The same schema drives the
 * shape pass (config_shape.c), so the keys a document may hold are
 * written down once, here.
 *
 * Durations are strings (parsed with their unit later); optional keys
 * with no natural zero are pointers, NULL when absent; enums are strict
 * (libcyaml would otherwise take a bare number).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"

#define OPT CYAML_FLAG_OPTIONAL
#define ENUM_FLAGS (CYAML_FLAG_OPTIONAL | CYAML_FLAG_STRICT)
/* Longest strings, '\0' excluded; the shortest is 1 unless said. */
#define NAME_LEN (CONFIG_NAME_MAX - 1)
#define PATH_LEN (CONFIG_HOST_MAX - 1)
#define SHORT_LEN 31
#define ENDPOINT_LEN (CONFIG_HOST_MAX + 8)
/* sizeof(sockaddr_un.sun_path) - 1 */
#define SOCKET_PATH_MAX 107

static const cyaml_strval_t mode_names[] = {
	{ "enforce", MODE_ENFORCE }, { "monitor", MODE_MONITOR },
};
static const cyaml_strval_t initial_names[] = {
	{ "takeover", INITIAL_TAKEOVER }, { "auto", INITIAL_AUTO },
};
static const cyaml_strval_t reads_names[] = {
	{ "any", READS_ANY }, { "declared", READS_DECLARED },
};
static const cyaml_strval_t table_names[] = {
	{ "coil", TABLE_COIL }, { "discrete", TABLE_DISCRETE },
	{ "input", TABLE_INPUT }, { "holding", TABLE_HOLDING },
};
static const cyaml_strval_t type_names[] = {
	{ "bool", TYPE_BOOL }, { "int16", TYPE_INT16 },
	{ "uint16", TYPE_UINT16 }, { "int32", TYPE_INT32 },
	{ "uint32", TYPE_UINT32 }, { "float32", TYPE_FLOAT32 },
};
static const cyaml_strval_t order_names[] = {
	{ "ABCD", ORDER_ABCD }, { "CDAB", ORDER_CDAB },
	{ "BADC", ORDER_BADC }, { "DCBA", ORDER_DCBA },
};
static const cyaml_strval_t violation_names[] = {
	{ "reject", VIOLATION_REJECT }, { "clamp", VIOLATION_CLAMP },
	{ "takeover", VIOLATION_TAKEOVER }, { "ramp", VIOLATION_RAMP },
};
static const cyaml_strval_t isolate_names[] = {
	{ "writes", ISOLATE_WRITES }, { "all", ISOLATE_ALL },
};
static const cyaml_strval_t device_loss_names[] = {
	{ "takeover", DEVICE_LOSS_TAKEOVER }, { "alarm", DEVICE_LOSS_ALARM },
};

static const cyaml_strval_t tls_version_names[] = {
	{ "1.2", 0x0303 }, { "1.3", 0x0304 },
};
static const cyaml_strval_t takeover_rights_names[] = {
	{ "refuse", 0 }, { "keep", 1 },
};
static const cyaml_strval_t access_names[] = {
	{ "all", ACCESS_ALL }, { "none", ACCESS_NONE },
};

static const cyaml_schema_field_t life_bit_fields[] = {
	CYAML_FIELD_INT("address", CYAML_FLAG_DEFAULT, struct raw_life_bit,
	    address),
	CYAML_FIELD_STRING_PTR("interval", OPT, struct raw_life_bit,
	    interval, 1, SHORT_LEN),
	CYAML_FIELD_END
};

/* Parity is a string, not an enum: "N" must not read as YAML's false,
 * and config_serial.c names what is allowed. */
static const cyaml_schema_field_t serial_fields[] = {
	CYAML_FIELD_STRING_PTR("port", CYAML_FLAG_DEFAULT, struct raw_serial,
	    port, 1, PATH_LEN),
	CYAML_FIELD_INT_PTR("baud", OPT, struct raw_serial, baud),
	CYAML_FIELD_STRING_PTR("parity", OPT, struct raw_serial, parity,
	    1, SHORT_LEN),
	CYAML_FIELD_INT_PTR("data_bits", OPT, struct raw_serial, data_bits),
	CYAML_FIELD_INT_PTR("stop_bits", OPT, struct raw_serial, stop_bits),
	CYAML_FIELD_BOOL_PTR("rs485", OPT, struct raw_serial, rs485),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t device_fields[] = {
	CYAML_FIELD_STRING_PTR("name", CYAML_FLAG_DEFAULT, struct raw_device,
	    name, 1, NAME_LEN),
	CYAML_FIELD_STRING_PTR("host", OPT, struct raw_device,
	    host, 1, PATH_LEN),
	CYAML_FIELD_MAPPING_PTR("serial", OPT, struct raw_device, serial,
	    serial_fields),
	CYAML_FIELD_INT_PTR("port", OPT, struct raw_device, port),
	CYAML_FIELD_INT("unit_id", CYAML_FLAG_DEFAULT, struct raw_device,
	    unit_id),
	CYAML_FIELD_INT_PTR("device_unit_id", OPT, struct raw_device,
	    device_unit_id),
	CYAML_FIELD_STRING_PTR("timeout", OPT, struct raw_device, timeout,
	    1, SHORT_LEN),
	CYAML_FIELD_STRING_PTR("poll_interval", OPT, struct raw_device,
	    poll_interval, 1, SHORT_LEN),
	CYAML_FIELD_STRING_PTR("loss_after", OPT, struct raw_device,
	    loss_after, 1, SHORT_LEN),
	CYAML_FIELD_INT_PTR("connections", OPT, struct raw_device,
	    connections),
	CYAML_FIELD_INT_PTR("pipeline", OPT, struct raw_device, pipeline),
	CYAML_FIELD_MAPPING_PTR("life_bit", OPT, struct raw_device, life_bit,
	    life_bit_fields),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t write_fields[] = {
	CYAML_FIELD_FLOAT_PTR("min", OPT, struct raw_write, min),
	CYAML_FIELD_FLOAT_PTR("max", OPT, struct raw_write, max),
	CYAML_FIELD_FLOAT_PTR("max_step", OPT, struct raw_write, max_step),
	CYAML_FIELD_FLOAT_PTR("max_rate", OPT, struct raw_write, max_rate),
	CYAML_FIELD_STRING_PTR("min_interval", OPT, struct raw_write,
	    min_interval, 1, SHORT_LEN),
	CYAML_FIELD_ENUM("on_violation", ENUM_FLAGS, struct raw_write,
	    on_violation, violation_names,
	    CYAML_ARRAY_LEN(violation_names)),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t monitor_fields[] = {
	CYAML_FIELD_FLOAT_PTR("low", OPT, struct raw_monitor, low),
	CYAML_FIELD_FLOAT_PTR("high", OPT, struct raw_monitor, high),
	CYAML_FIELD_FLOAT_PTR("low_low", OPT, struct raw_monitor, low_low),
	CYAML_FIELD_FLOAT_PTR("high_high", OPT, struct raw_monitor,
	    high_high),
	CYAML_FIELD_FLOAT_PTR("deadband", OPT, struct raw_monitor, deadband),
	CYAML_FIELD_STRING_PTR("delay", OPT, struct raw_monitor, delay,
	    1, SHORT_LEN),
	CYAML_FIELD_FLOAT_PTR("max_rate", OPT, struct raw_monitor, max_rate),
	CYAML_FIELD_STRING_PTR("stale_after", OPT, struct raw_monitor,
	    stale_after, 1, SHORT_LEN),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t point_fields[] = {
	CYAML_FIELD_STRING_PTR("name", CYAML_FLAG_DEFAULT, struct raw_point,
	    name, 1, NAME_LEN),
	CYAML_FIELD_STRING_PTR("device", CYAML_FLAG_DEFAULT, struct raw_point,
	    device, 1, NAME_LEN),
	CYAML_FIELD_ENUM("table", CYAML_FLAG_STRICT, struct raw_point, table,
	    table_names,
	    CYAML_ARRAY_LEN(table_names)),
	CYAML_FIELD_INT("address", CYAML_FLAG_DEFAULT, struct raw_point,
	    address),
	CYAML_FIELD_ENUM_PTR("data_type", ENUM_FLAGS, struct raw_point,
	    data_type, type_names,
	    CYAML_ARRAY_LEN(type_names)),
	CYAML_FIELD_ENUM_PTR("byte_order", ENUM_FLAGS, struct raw_point,
	    byte_order, order_names,
	    CYAML_ARRAY_LEN(order_names)),
	CYAML_FIELD_FLOAT_PTR("scale", OPT, struct raw_point, scale),
	CYAML_FIELD_FLOAT_PTR("offset", OPT, struct raw_point, offset),
	CYAML_FIELD_STRING_PTR("unit", OPT, struct raw_point, unit, 0,
	    sizeof(((struct config_point *)NULL)->unit) - 1),
	CYAML_FIELD_INT_PTR("precision", OPT, struct raw_point, precision),
	CYAML_FIELD_MAPPING_PTR("write", OPT, struct raw_point, write,
	    write_fields),
	CYAML_FIELD_MAPPING_PTR("monitor", OPT, struct raw_point, monitor,
	    monitor_fields),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t switch_fields[] = {
	CYAML_FIELD_STRING_PTR("point", CYAML_FLAG_DEFAULT, struct raw_switch,
	    point, 1, NAME_LEN),
	CYAML_FIELD_FLOAT_PTR("active", OPT, struct raw_switch, active),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t violations_fields[] = {
	CYAML_FIELD_INT("count", CYAML_FLAG_DEFAULT, struct raw_violations,
	    count),
	CYAML_FIELD_STRING_PTR("within", CYAML_FLAG_DEFAULT,
	    struct raw_violations, within, 1, SHORT_LEN),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t safe_value_fields[] = {
	CYAML_FIELD_STRING_PTR("point", CYAML_FLAG_DEFAULT,
	    struct raw_safe_value, point, 1, NAME_LEN),
	CYAML_FIELD_FLOAT("value", CYAML_FLAG_DEFAULT, struct raw_safe_value,
	    value),
	CYAML_FIELD_BOOL_PTR("hold", OPT, struct raw_safe_value, hold),
	CYAML_FIELD_END
};

static const cyaml_schema_value_t safe_value_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct raw_safe_value,
	    safe_value_fields),
};

static const cyaml_schema_field_t takeover_fields[] = {
	CYAML_FIELD_MAPPING_PTR("switch", OPT, struct raw_takeover, switch_,
	    switch_fields),
	CYAML_FIELD_MAPPING_PTR("on_violations", OPT, struct raw_takeover,
	    on_violations, violations_fields),
	CYAML_FIELD_STRING_PTR("ai_silence", OPT, struct raw_takeover,
	    ai_silence, 1, SHORT_LEN),
	CYAML_FIELD_ENUM("on_device_loss", ENUM_FLAGS, struct raw_takeover,
	    on_device_loss, device_loss_names,
	    CYAML_ARRAY_LEN(device_loss_names)),
	CYAML_FIELD_ENUM("isolate", ENUM_FLAGS, struct raw_takeover, isolate,
	    isolate_names,
	    CYAML_ARRAY_LEN(isolate_names)),
	CYAML_FIELD_SEQUENCE("safe_state", CYAML_FLAG_POINTER | OPT,
	    struct raw_takeover, safe_state, &safe_value_entry, 0,
	    CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("max_bypass", OPT, struct raw_takeover,
	    max_bypass, 1, SHORT_LEN),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t alarms_fields[] = {
	CYAML_FIELD_STRING_PTR("max_shelve", OPT, struct raw_alarms,
	    max_shelve, 1, SHORT_LEN),
	CYAML_FIELD_END
};

/* keepalived's MASTER and BACKUP, as warden names them; fault is
 * keepalived's to say, not a role to start in. */
static const cyaml_strval_t pair_role_names[] = {
	{ "active", 1 }, { "standby", 0 },
};

static const cyaml_schema_field_t pair_fields[] = {
	CYAML_FIELD_STRING_PTR("node", CYAML_FLAG_DEFAULT, struct raw_pair,
	    node, 1, NAME_LEN),
	CYAML_FIELD_ENUM_PTR("initial_role", ENUM_FLAGS, struct raw_pair,
	    initial_active, pair_role_names, CYAML_ARRAY_LEN(pair_role_names)),
	/* peer, listen and key_file are required: config_pair.c says why. */
	CYAML_FIELD_STRING_PTR("peer", OPT, struct raw_pair, peer, 1,
	    ENDPOINT_LEN),
	CYAML_FIELD_STRING_PTR("listen", OPT, struct raw_pair, listen, 1,
	    ENDPOINT_LEN),
	CYAML_FIELD_STRING_PTR("key_file", OPT, struct raw_pair, key_file, 1,
	    PATH_LEN),
	CYAML_FIELD_STRING_PTR("heartbeat", OPT, struct raw_pair, heartbeat,
	    1, SHORT_LEN),
	CYAML_FIELD_STRING_PTR("peer_timeout", OPT, struct raw_pair,
	    peer_timeout, 1, SHORT_LEN),
	CYAML_FIELD_STRING_PTR("sync_timeout", OPT, struct raw_pair,
	    sync_timeout, 1, SHORT_LEN),
	CYAML_FIELD_END
};

static const cyaml_strval_t intrusion_action_names[] = {
	{ "audit", 0 }, { "takeover", 1 },
};

/* Each limit is a mapping of one key, so that what it counts is named
 * where it is set: scan: {addresses: 32}. */
#define IDS_LIMIT_FIELDS(var, key) \
	static const cyaml_schema_field_t var[] = { \
		CYAML_FIELD_INT(key, CYAML_FLAG_DEFAULT, \
		    struct raw_ids_limit, n), \
		CYAML_FIELD_END \
	}
IDS_LIMIT_FIELDS(scan_fields, "addresses");
IDS_LIMIT_FIELDS(flood_fields, "per_second");
IDS_LIMIT_FIELDS(write_burst_fields, "writes");
IDS_LIMIT_FIELDS(exception_storm_fields, "exceptions");

#define INTRUSION_ACTION(name, k) \
	CYAML_FIELD_ENUM(name, ENUM_FLAGS, struct raw_on_intrusion, kind[k], \
	    intrusion_action_names, CYAML_ARRAY_LEN(intrusion_action_names))

static const cyaml_schema_field_t on_intrusion_fields[] = {
	INTRUSION_ACTION("invalid_protocol", IDS_INVALID_PROTOCOL),
	INTRUSION_ACTION("invalid_length", IDS_INVALID_LENGTH),
	INTRUSION_ACTION("invalid_unit", IDS_INVALID_UNIT),
	INTRUSION_ACTION("unknown_function", IDS_UNKNOWN_FUNCTION),
	INTRUSION_ACTION("exception_storm", IDS_EXCEPTION_STORM),
	INTRUSION_ACTION("address_scan", IDS_ADDRESS_SCAN),
	INTRUSION_ACTION("flood", IDS_FLOOD),
	INTRUSION_ACTION("write_burst", IDS_WRITE_BURST),
	INTRUSION_ACTION("unsolicited_answer", IDS_UNSOLICITED_ANSWER),
	INTRUSION_ACTION("duplicate_answer", IDS_DUPLICATE_ANSWER),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t intrusion_fields[] = {
	CYAML_FIELD_STRING_PTR("window", OPT, struct raw_intrusion, window, 1,
	    SHORT_LEN),
	CYAML_FIELD_MAPPING_PTR("scan", OPT, struct raw_intrusion, scan,
	    scan_fields),
	CYAML_FIELD_MAPPING_PTR("flood", OPT, struct raw_intrusion, flood,
	    flood_fields),
	CYAML_FIELD_MAPPING_PTR("write_burst", OPT, struct raw_intrusion,
	    write_burst, write_burst_fields),
	CYAML_FIELD_MAPPING_PTR("exception_storm", OPT, struct raw_intrusion,
	    exception_storm, exception_storm_fields),
	CYAML_FIELD_MAPPING_PTR("on_intrusion", OPT, struct raw_intrusion,
	    on_intrusion, on_intrusion_fields),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t control_fields[] = {
	CYAML_FIELD_STRING_PTR("socket", CYAML_FLAG_DEFAULT,
	    struct raw_control, socket, 1, SOCKET_PATH_MAX),
	CYAML_FIELD_STRING_PTR("takeover_group", OPT, struct raw_control,
	    takeover_group, 1, NAME_LEN),
	CYAML_FIELD_STRING_PTR("release_group", OPT, struct raw_control,
	    release_group, 1, NAME_LEN),
	CYAML_FIELD_STRING_PTR("view_group", OPT, struct raw_control,
	    view_group, 1, NAME_LEN),
	CYAML_FIELD_STRING_PTR("reload_group", OPT, struct raw_control,
	    reload_group, 1, NAME_LEN),
	CYAML_FIELD_STRING_PTR("console_user", OPT, struct raw_control,
	    console_user, 1, NAME_LEN),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t audit_sign_fields[] = {
	CYAML_FIELD_STRING_PTR("key", CYAML_FLAG_DEFAULT,
	    struct raw_audit_sign, key, 1, PATH_LEN),
	CYAML_FIELD_INT_PTR("every", OPT, struct raw_audit_sign, every),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t limits_fields[] = {
	CYAML_FIELD_INT_PTR("max_clients", OPT, struct raw_limits,
	    max_clients),
	CYAML_FIELD_INT_PTR("max_inflight", OPT, struct raw_limits,
	    max_inflight),
	CYAML_FIELD_INT_PTR("device_queue", OPT, struct raw_limits,
	    device_queue),
	CYAML_FIELD_STRING_PTR("idle_timeout", OPT, struct raw_limits,
	    idle_timeout, 1, SHORT_LEN),
	CYAML_FIELD_END
};

static const cyaml_schema_value_t net_entry = {
	CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 1, 63),
};

static const cyaml_schema_value_t function_entry = {
	CYAML_VALUE_INT(CYAML_FLAG_DEFAULT, int64_t),
};

static const cyaml_schema_field_t tls_fields[] = {
	/* cert, key and client_ca are required: config_listen.c says why. */
	CYAML_FIELD_STRING_PTR("cert", OPT, struct raw_tls, cert, 1,
	    PATH_LEN),
	CYAML_FIELD_STRING_PTR("key", OPT, struct raw_tls, key, 1, PATH_LEN),
	CYAML_FIELD_STRING_PTR("client_ca", OPT, struct raw_tls, client_ca, 1,
	    PATH_LEN),
	CYAML_FIELD_STRING_PTR("crl", OPT, struct raw_tls, crl, 1, PATH_LEN),
	CYAML_FIELD_STRING_PTR("ciphers", OPT, struct raw_tls, ciphers, 1,
	    CONFIG_CIPHERS_MAX - 1),
	CYAML_FIELD_ENUM("min_version", ENUM_FLAGS, struct raw_tls,
	    min_version, tls_version_names,
	    CYAML_ARRAY_LEN(tls_version_names)),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t listener_fields[] = {
	CYAML_FIELD_STRING_PTR("address", CYAML_FLAG_DEFAULT,
	    struct raw_listener, address, 1, ENDPOINT_LEN),
	CYAML_FIELD_STRING_PTR("role", OPT, struct raw_listener, role, 1,
	    NAME_LEN),
	CYAML_FIELD_MAPPING_PTR("tls", OPT, struct raw_listener, tls,
	    tls_fields),
	CYAML_FIELD_SEQUENCE("allow_from", CYAML_FLAG_POINTER | OPT,
	    struct raw_listener, allow_from, &net_entry, 0, CYAML_UNLIMITED),
	CYAML_FIELD_END
};

const cyaml_schema_value_t config_listener_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct raw_listener,
	    listener_fields),
};

static const cyaml_schema_value_t point_name_entry = {
	CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 1, NAME_LEN),
};

/* What read: and write: become (config_shape.c): all, none or a list. */
const cyaml_schema_field_t config_access_fields[] = {
	CYAML_FIELD_ENUM_PTR("is", ENUM_FLAGS, struct raw_access, is,
	    access_names, CYAML_ARRAY_LEN(access_names)),
	CYAML_FIELD_SEQUENCE("points", CYAML_FLAG_POINTER | OPT,
	    struct raw_access, points, &point_name_entry, 0,
	    CYAML_UNLIMITED),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t role_fields[] = {
	CYAML_FIELD_STRING_PTR("name", CYAML_FLAG_DEFAULT, struct raw_role,
	    name, 1, NAME_LEN),
	CYAML_FIELD_MAPPING_PTR("read", OPT, struct raw_role, read,
	    config_access_fields),
	CYAML_FIELD_MAPPING_PTR("write", OPT, struct raw_role, write,
	    config_access_fields),
	CYAML_FIELD_SEQUENCE("functions", CYAML_FLAG_POINTER | OPT,
	    struct raw_role, functions, &function_entry, 0, CYAML_UNLIMITED),
	CYAML_FIELD_ENUM("during_takeover", ENUM_FLAGS, struct raw_role,
	    during_takeover, takeover_rights_names,
	    CYAML_ARRAY_LEN(takeover_rights_names)),
	CYAML_FIELD_END
};

const cyaml_schema_value_t config_role_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct raw_role, role_fields),
};

static const cyaml_schema_value_t device_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct raw_device,
	    device_fields),
};

static const cyaml_schema_value_t point_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct raw_point,
	    point_fields),
};

static const cyaml_schema_field_t config_fields[] = {
	CYAML_FIELD_ENUM("mode", ENUM_FLAGS, struct raw_config, mode,
	    mode_names,
	    CYAML_ARRAY_LEN(mode_names)),
	CYAML_FIELD_ENUM("initial_state", ENUM_FLAGS, struct raw_config,
	    initial_state, initial_names,
	    CYAML_ARRAY_LEN(initial_names)),
	CYAML_FIELD_SEQUENCE("listen", CYAML_FLAG_POINTER, struct raw_config,
	    listen, &config_listener_entry, 1, CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE("roles", CYAML_FLAG_POINTER | OPT,
	    struct raw_config, roles, &config_role_entry, 0,
	    CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE("allow_from", CYAML_FLAG_POINTER | OPT,
	    struct raw_config, allow_from, &net_entry, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("state_dir", CYAML_FLAG_DEFAULT,
	    struct raw_config, state_dir, 1, PATH_LEN),
	CYAML_FIELD_STRING_PTR("audit_log", CYAML_FLAG_DEFAULT,
	    struct raw_config, audit_log, 1, PATH_LEN),
	CYAML_FIELD_STRING_PTR("audit_fsync", OPT, struct raw_config,
	    audit_fsync, 1, SHORT_LEN),
	CYAML_FIELD_MAPPING_PTR("audit_sign", OPT, struct raw_config,
	    audit_sign, audit_sign_fields),
	CYAML_FIELD_STRING_PTR("audit_syslog", OPT, struct raw_config,
	    audit_syslog, 1, PATH_LEN),
	CYAML_FIELD_MAPPING("control", CYAML_FLAG_DEFAULT, struct raw_config,
	    control, control_fields),
	CYAML_FIELD_STRING_PTR("metrics_listen", OPT, struct raw_config,
	    metrics_listen, 1, ENDPOINT_LEN),
	CYAML_FIELD_MAPPING_PTR("limits", OPT, struct raw_config, limits,
	    limits_fields),
	CYAML_FIELD_ENUM("reads", ENUM_FLAGS, struct raw_config, reads,
	    reads_names,
	    CYAML_ARRAY_LEN(reads_names)),
	CYAML_FIELD_SEQUENCE("allow_functions", CYAML_FLAG_POINTER | OPT,
	    struct raw_config, allow_functions, &function_entry, 0,
	    CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE("devices", CYAML_FLAG_POINTER, struct raw_config,
	    devices, &device_entry, 1, CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE("points", CYAML_FLAG_POINTER | OPT,
	    struct raw_config, points, &point_entry, 0, CYAML_UNLIMITED),
	CYAML_FIELD_MAPPING_PTR("takeover", OPT, struct raw_config, takeover,
	    takeover_fields),
	CYAML_FIELD_MAPPING_PTR("alarms", OPT, struct raw_config, alarms,
	    alarms_fields),
	CYAML_FIELD_MAPPING_PTR("intrusion", OPT, struct raw_config, intrusion,
	    intrusion_fields),
	CYAML_FIELD_MAPPING_PTR("pair", OPT, struct raw_config, pair,
	    pair_fields),
	CYAML_FIELD_END
};

const cyaml_schema_value_t config_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct raw_config,
	    config_fields),
};

/* libcyaml's own words, kept for the rare error the shape pass missed. */
struct schema_log {
	char reason[256];
	int line;
};

static void schema_log_note(cyaml_log_t level, void *ctx, const char *fmt,
    va_list args) __attribute__((format(printf, 3, 0)));

static void schema_log_note(cyaml_log_t level, void *ctx, const char *fmt,
    va_list args)
{
	struct schema_log *log = ctx;
	char text[256];
	const char *at;

	if (level < CYAML_LOG_ERROR)
		return;
	vsnprintf(text, sizeof(text), fmt, args);
	text[strcspn(text, "\n")] = '\0';
	at = strstr(text, "(line: ");
	if (at && log->line == 0)
		log->line = atoi(at + strlen("(line: "));
	else if (!at && log->reason[0] == '\0' && !strstr(text, "Backtrace"))
		snprintf(log->reason, sizeof(log->reason), "%s",
		    strncmp(text, "Load: ", 6) == 0 ? text + 6 : text);
}

static cyaml_config_t schema_cyaml_config(struct schema_log *log)
{
	cyaml_config_t cfg = {
		.log_fn = schema_log_note,
		.log_ctx = log,
		.mem_fn = cyaml_mem,
		.log_level = CYAML_LOG_ERROR,
		/* The shape pass has reported them; load the rest. */
		.flags = CYAML_CFG_IGNORE_UNKNOWN_KEYS | CYAML_CFG_NO_ALIAS,
	};
	return cfg;
}

struct raw_config *config_schema_load(const unsigned char *data, size_t len,
    struct config_errors *errs)
{
	struct schema_log log = { .line = 0 };
	cyaml_config_t cfg = schema_cyaml_config(&log);
	cyaml_data_t *raw = NULL;
	cyaml_err_t err;

	err = cyaml_load_data(data, len, &cfg, &config_schema, &raw, NULL);
	if (err == CYAML_OK && raw)
		return raw;
	config_errors_add(errs, log.line > 0 ? log.line : 1, "libcyaml: %s",
	    log.reason[0] ? log.reason : cyaml_strerror(err));
	if (raw)
		cyaml_free(&cfg, &config_schema, raw, 0);
	return NULL;
}

void config_schema_free(struct raw_config *raw)
{
	struct schema_log log = { .line = 0 };
	cyaml_config_t cfg = schema_cyaml_config(&log);

	cyaml_free(&cfg, &config_schema, raw, 0);
}
