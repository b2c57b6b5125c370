/*
 * config_internal.h: what the config_*.c files share; the rest of the
 * daemon uses config.h only.
 *
 * Loading runs in three passes over one in-memory copy of the file:
 *   config_shape.c   libyaml events walked against the libcyaml schema:
 *                    the line of every key, unknown keys, wrong shapes,
 *                    malformed scalars; it writes out what it understood
 *                    (config_clean.c) for the next passes to go on with;
 *   config_schema.c  libcyaml loads the document into raw structs;
 *   config_build.c,  raw structs converted into struct config with their
 *   config_points.c, defaults, each value checked once, then the checks
 *   config_takeover.c that span several keys and the lookup tables.
 */
#ifndef WARDEN_CONFIG_INTERNAL_H
#define WARDEN_CONFIG_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <cyaml/cyaml.h>
#include <yaml.h>

#include "config.h"

#define CONFIG_PRINTF(f, a) __attribute__((format(printf, f, a)))
/* Longest key path, "points[12345].monitor.stale_after" and the like. */
#define CONFIG_PATH_MAX 128

/*
 * config_errors.c: every problem found, reported together at the end;
 * warnings (likely mistakes that do not stop the load) travel with them.
 */
struct config_error {
	int line;
	size_t found;                   /* order found: ties keep it */
	int warning;
	char *text;
};

struct config_errors {
	const char *file;
	struct config_error *items;
	size_t n, cap;
	size_t n_warnings;              /* of the n */
	int out_of_memory;
};

void config_errors_add(struct config_errors *errs, int line,
    const char *fmt, ...) CONFIG_PRINTF(3, 4);
void config_errors_warn(struct config_errors *errs, int line,
    const char *fmt, ...) CONFIG_PRINTF(3, 4);
/*
 * Every item as "file:line: text\n" ("file:line: warning: text\n"),
 * sorted by line; empties errs.
 */
char *config_errors_join(struct config_errors *errs);
void config_errors_free(struct config_errors *errs);
/* Edit distance between a and b, or 3 when it is more than 2. */
unsigned config_distance(const char *a, const char *b);
/*
 * For a "did you mean": keep candidate in *best when it is closer to
 * name than *best (*distance, start at 3) and not a wholly other word.
 */
void config_closer(const char *name, const char *candidate,
    const char **best, unsigned *distance);

/* config_lines.c: key path ("devices[1].unit_id") -> line in the file. */
struct config_line_entry {
	const char *path;
	int line;
};

struct config_lines {
	char *text;                     /* the paths, NUL-separated */
	size_t text_len, text_cap;
	size_t *offsets;                /* where each path starts in text */
	int *line_of;
	size_t n, cap;
	struct config_line_entry *sorted;
	int out_of_memory;
};

void config_lines_add(struct config_lines *lines, const char *path, int line);
/* Sort for lookups; no config_lines_add afterwards. */
void config_lines_seal(struct config_lines *lines);
/*
 * The line of path, or of the nearest enclosing key or entry when path
 * itself is absent (a defaulted key is blamed on its block); 1 if none.
 */
int config_lines_find(const struct config_lines *lines, const char *path);
/* 1 when path, or a key or entry holding it, was added. */
int config_lines_covers(const struct config_lines *lines, const char *path);
/* 1 when path itself was added (a key written, even empty). */
int config_lines_has(const struct config_lines *lines, const char *path);
void config_lines_free(struct config_lines *lines);

/* config_clean.c: the document as the shape walk understood it. */
struct config_clean {
	yaml_emitter_t emitter;
	int started;                    /* the emitter needs deleting */
	int failed;                     /* no usable copy */
	unsigned char *data;            /* NUL-terminated */
	size_t len, cap;
};

void config_clean_begin(struct config_clean *c);
void config_clean_end(struct config_clean *c);
void config_clean_free(struct config_clean *c);
void config_clean_scalar(struct config_clean *c, const char *text,
    size_t len, yaml_scalar_style_t style);
/* start 1: the mapping (sequence) begins; 0: it ends. */
void config_clean_mapping(struct config_clean *c, int start,
    yaml_mapping_style_t style);
void config_clean_sequence(struct config_clean *c, int start,
    yaml_sequence_style_t style);
/* A value of schema's type for what was refused or missing. */
void config_clean_standin(struct config_clean *c,
    const cyaml_schema_value_t *schema);

/* config_shape.c */
struct config_shape {
	struct config_lines lines;      /* the line of every key and entry */
	struct config_lines unread;     /* refused or missing: left out of
					 * clean, or a stand-in there */
	struct config_clean clean;      /* unusable when the YAML is broken */
	int listen_scalar;              /* listen: host:port, not a list */
	int rewritten;                  /* a form libcyaml cannot read: load
					 * clean, not the file */
};

/*
 * Walk the YAML in data against schema into shape, report problems in
 * errs. Returns how many of them would make libcyaml refuse the document
 * (unknown keys do not); shape->clean is what it would accept.
 */
size_t config_shape_check(const unsigned char *data, size_t len,
    const cyaml_schema_value_t *schema, struct config_shape *shape,
    struct config_errors *errs);

/*
 * config_parse.c. The two numbers return 0 or -1 (stricter than libcyaml,
 * which reads "5.0" as 5 and "1_000" as 1); the rest return NULL on
 * success, else what is wrong with text.
 */
int config_parse_int(const char *text, int64_t *value);
int config_parse_real(const char *text, double *value);
const char *config_duration_problem(const char *text, double *seconds);
const char *config_endpoint_problem(const char *text,
    struct config_endpoint *ep);
const char *config_host_problem(const char *host);
const char *config_net_problem(const char *text, struct config_net *net);

/* config_schema.c: the raw document as libcyaml loads it. */
struct raw_life_bit {
	int64_t address;
	char *interval;
};

struct raw_serial {
	char *port;
	int64_t *baud;
	char *parity;
	int64_t *data_bits;
	int64_t *stop_bits;
	bool *rs485;
};

struct raw_device {
	char *name;
	char *host;                     /* NULL: serial: must be there */
	struct raw_serial *serial;
	int64_t *port;
	int64_t unit_id;
	int64_t *device_unit_id;
	char *timeout;
	char *poll_interval;
	char *loss_after;
	int64_t *connections;
	int64_t *pipeline;
	struct raw_life_bit *life_bit;
};

struct raw_write {
	double *min, *max, *max_step, *max_rate;
	char *min_interval;
	enum on_violation on_violation;
};

struct raw_monitor {
	double *low, *high, *low_low, *high_high, *deadband, *max_rate;
	char *delay;
	char *stale_after;
};

struct raw_point {
	char *name;
	char *device;
	enum point_table table;
	int64_t address;
	enum point_type *data_type;
	enum point_order *byte_order;
	double *scale;
	double *offset;
	char *unit;
	int64_t *precision;
	struct raw_write *write;
	struct raw_monitor *monitor;
};

struct raw_switch {
	char *point;
	double *active;
};

struct raw_violations {
	int64_t count;
	char *within;
};

struct raw_safe_value {
	char *point;
	double value;
	bool *hold;
};

struct raw_takeover {
	struct raw_switch *switch_;
	struct raw_violations *on_violations;
	char *ai_silence;
	enum device_loss_action on_device_loss;
	enum isolate_mode isolate;
	struct raw_safe_value *safe_state;
	unsigned safe_state_count;
	char *max_bypass;
};

struct raw_alarms {
	char *max_shelve;
};

/* A limit of intrusion:, a mapping of one key (scan: {addresses: 32}). */
struct raw_ids_limit {
	int64_t n;
};

/* intrusion: (config_intrusion.c). */
struct raw_intrusion {
	char *window;
	struct raw_ids_limit *scan, *flood, *write_burst, *exception_storm;
	struct raw_on_intrusion *on_intrusion;
};

/* pair: (config_pair.c). */
struct raw_pair {
	char *node;
	int *initial_active;            /* initial_role: 1 active */
	char *peer;
	char *listen;
	char *key_file;
	char *heartbeat;
	char *peer_timeout;
	char *sync_timeout;
};

/* on_intrusion: kind -> audit (0, absent) or takeover (1). */
struct raw_on_intrusion {
	int kind[IDS_KIND_COUNT];
};

struct raw_control {
	char *socket;
	char *takeover_group;
	char *release_group;
	char *view_group;
	char *reload_group;
	char *console_user;
};

struct raw_audit_sign {
	char *key;
	int64_t *every;
};

struct raw_limits {
	int64_t *max_clients;
	int64_t *max_inflight;
	int64_t *device_queue;
	char *idle_timeout;
};

struct raw_tls {
	char *cert, *key, *client_ca, *crl, *ciphers;
	int min_version;                /* 0: absent */
};

struct raw_listener {
	char *address;
	char *role;
	struct raw_tls *tls;
	char **allow_from;
	unsigned allow_from_count;
};

/* read: or write:, as config_shape.c rewrites them. */
struct raw_access {
	enum role_access *is;           /* all, none; NULL: a list */
	char **points;
	unsigned points_count;
};

struct raw_role {
	char *name;
	struct raw_access *read, *write;
	int64_t *functions;
	unsigned functions_count;
	int during_takeover;            /* 1: keep */
};

struct raw_config {
	enum config_mode mode;
	enum config_initial_state initial_state;
	struct raw_listener *listen;
	unsigned listen_count;
	struct raw_role *roles;
	unsigned roles_count;
	char **allow_from;
	unsigned allow_from_count;
	char *state_dir;
	char *audit_log;
	char *audit_fsync;
	struct raw_audit_sign *audit_sign;
	char *audit_syslog;
	struct raw_control control;
	char *metrics_listen;
	struct raw_limits *limits;
	enum config_reads reads;
	int64_t *allow_functions;
	unsigned allow_functions_count;
	struct raw_device *devices;
	unsigned devices_count;
	struct raw_point *points;
	unsigned points_count;
	struct raw_takeover *takeover;
	struct raw_alarms *alarms;
	struct raw_intrusion *intrusion;
	struct raw_pair *pair;
};

extern const cyaml_schema_value_t config_schema;
/* Values written in a form libcyaml cannot read (config_shape.c). */
extern const cyaml_schema_value_t config_listener_entry;
extern const cyaml_schema_value_t config_role_entry;
extern const cyaml_schema_field_t config_access_fields[];

/* NULL on failure, reported in errs with the line libcyaml names. */
struct raw_config *config_schema_load(const unsigned char *data, size_t len,
    struct config_errors *errs);
void config_schema_free(struct raw_config *raw);

/* config_build.c: raw -> struct config. */
struct config_build {
	struct config *cfg;
	const struct raw_config *raw;
	struct config_errors *errs;
	const struct config_lines *lines;
	const struct config_lines *unread;
	char subject[CONFIG_NAME_MAX + 16];  /* "point 'x': " or "" */
};

/*
 * Report at the line of path (formatted like printf), prefixed by
 * subject; nothing when path is unread (the shape pass has spoken).
 */
void config_build_error(struct config_build *b, const char *path,
    const char *fmt, ...) CONFIG_PRINTF(3, 4);
void config_build_warning(struct config_build *b, const char *path,
    const char *fmt, ...) CONFIG_PRINTF(3, 4);
/* 1 when the value at the path (made like printf) was not read. */
int config_build_unread(const struct config_build *b, const char *fmt, ...)
    CONFIG_PRINTF(2, 3);
/* "no <what> named 'name'", and "(did you mean 'best'?)" unless NULL. */
void config_build_unknown(struct config_build *b, const char *path,
    const char *what, const char *name, const char *best);
int config_build_line(const struct config_build *b, const char *path);
/* "devices[0].life_bit.interval" -> "interval" */
const char *config_build_key(const char *path);
/* host:port at path into ep: 0, or -1 reported. */
int config_build_endpoint(struct config_build *b, const char *path,
    const char *text, struct config_endpoint *ep);
/*
 * A file's path at path (what: how the message names the key) into out,
 * a relative one against the config file's directory, made absolute:
 * wardend leaves its working directory when it becomes a daemon, and the
 * file names its neighbours.
 */
void config_build_path(struct config_build *b, const char *path,
    const char *what, const char *text, char out[CONFIG_HOST_MAX]);
/* An allow_from list at key ("listen[1].allow_from"): the good ones. */
void config_build_nets(struct config_build *b, const char *key,
    char *const *texts, unsigned n, struct config_net **nets,
    size_t *n_nets);
/* allow_functions or a role's functions at key: allowed[code] = 1. */
void config_build_functions(struct config_build *b, const char *key,
    const int64_t *codes, unsigned n, uint8_t allowed[256]);
/*
 * A duration key at path: fallback when text is NULL (absent); otherwise
 * parsed, and refused when zero if must_be_positive.
 */
double config_build_duration(struct config_build *b, const char *path,
    const char *text, double fallback, int must_be_positive);
struct config *config_build(const struct raw_config *raw, const char *file,
    const struct config_shape *shape, struct config_errors *errs);

/* config_points.c */
void config_points_build(struct config_build *b);
/* The engineering values a point's data type and scale can represent. */
void config_point_range(const struct config_point *p, double *lo,
    double *hi);
/* Index of the point named name, or -1. */
long config_point_index(const struct config *cfg, const char *name);
/*
 * The index of the point a key at path names, or -1: reported with the
 * likeliest meant, unless a point's name could not be read.
 */
long config_build_point(struct config_build *b, const char *path,
    const char *name);
/* 1 when table, data_type, scale and offset of point i were all read. */
int config_point_understood(const struct config_build *b, size_t i);
/* A warning when address in table looks like a Modicon reference. */
void config_check_modicon(struct config_build *b, const char *path,
    enum point_table table, int64_t address);

/* config_serial.c: serial: of devices[i] (raw->serial set), and the
 * settings each bus's devices must agree on. */
void config_serial_build(struct config_build *b, size_t i,
    const struct raw_device *raw, struct config_device *dev);

/* config_takeover.c */
void config_takeover_build(struct config_build *b);

/* config_intrusion.c: intrusion:, its defaults when absent. */
void config_intrusion_build(struct config_build *b);
/* config_pair.c: pair:, absent for a single node. */
void config_pair_build(struct config_build *b);
/* An optional integer key: fallback when absent or out of lo..hi
 * (reported, why added to the message). */
int64_t config_build_int(struct config_build *b, const char *path,
    const int64_t *value, int64_t fallback, int64_t lo, int64_t hi,
    const char *why);

/* config_roles.c: roles:, the built-in ai first. */
void config_roles_build(struct config_build *b);
void config_roles_free(struct config *cfg);

/* config_listen.c: listen: (after the roles); scalar: the old one-line
 * form. */
void config_listen_build(struct config_build *b, int scalar);
void config_listen_free(struct config *cfg);

#endif
