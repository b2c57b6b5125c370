/*
 * config.h: warden.yaml loaded (libcyaml) into one immutable, validated
 * struct config. Lookup tables are built once at load time so that the
 * request path never searches.
 *
 * Times and durations are seconds as doubles, like libev's ev_tstamp.
 */
#ifndef WARDEN_CONFIG_H
#define WARDEN_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "ids.h"

enum config_mode { MODE_ENFORCE, MODE_MONITOR };
enum config_initial_state { INITIAL_TAKEOVER, INITIAL_AUTO };
enum config_reads { READS_ANY, READS_DECLARED };
enum point_table { TABLE_COIL, TABLE_DISCRETE, TABLE_INPUT, TABLE_HOLDING };
#define TABLE_COUNT 4
enum point_type { TYPE_BOOL, TYPE_INT16, TYPE_UINT16, TYPE_INT32,
	TYPE_UINT32, TYPE_FLOAT32 };
enum point_order { ORDER_ABCD, ORDER_CDAB, ORDER_BADC, ORDER_DCBA };
enum on_violation { VIOLATION_REJECT, VIOLATION_CLAMP, VIOLATION_TAKEOVER,
    VIOLATION_RAMP };
enum isolate_mode { ISOLATE_WRITES, ISOLATE_ALL };
enum device_loss_action { DEVICE_LOSS_OFF, DEVICE_LOSS_TAKEOVER,
	DEVICE_LOSS_ALARM };

#define CONFIG_NAME_MAX 64
#define CONFIG_HOST_MAX 256
#define CONFIG_PIPELINE_MAX 64      /* requests in flight per device connection */

struct config_endpoint {
	char host[CONFIG_HOST_MAX];
	uint16_t port;
};

/* An allow_from network, IPv4 or IPv6. */
struct config_net {
	int family;                     /* AF_INET or AF_INET6 */
	uint8_t addr[16];               /* network byte order */
	unsigned prefix;
};

/*
 * TLS of a listener (Modbus/TCP Security). Paths are as written (resolved
 * against the config file's directory). "" : not set.
 */
#define CONFIG_CIPHERS_MAX 512
struct config_tls {
	char cert[CONFIG_HOST_MAX];     /* PEM, the gateway's chain */
	char key[CONFIG_HOST_MAX];      /* PEM private key */
	char client_ca[CONFIG_HOST_MAX];/* PEM CA(s) client certs chain to;
					 * required */
	char crl[CONFIG_HOST_MAX];      /* PEM CRL(s); "": none */
	char ciphers[CONFIG_CIPHERS_MAX];/* OpenSSL cipher list (TLS 1.2);
					 * "": OpenSSL's default */
	int min_version;                /* 0x0303 TLS 1.2 (default),
					 * 0x0304 TLS 1.3 */
};

/* One entry of listen:. */
struct config_listener {
	struct config_endpoint endpoint;
	unsigned role;                  /* index into config.roles: the
					 * role of a plain listener's clients,
					 * and of a TLS client whose cert
					 * names none; default the ai role */
	int has_role;                   /* role: written */
	int has_tls;
	struct config_tls tls;
	/* The listener's own allow_from; has_allow_from 0: the global
	 * one applies. */
	int has_allow_from;
	struct config_net *allow_from;
	size_t n_allow_from;
	int line;
};

/* read: or write: of a role. */
enum role_access { ACCESS_NONE, ACCESS_ALL, ACCESS_LIST };
struct config_role_access {
	enum role_access kind;
	unsigned *points;               /* ACCESS_LIST: indices into
					 * config.points */
	size_t n_points;
};

/*
 * A role (roles:). roles[CONFIG_ROLE_AI] is always "ai", with today's
 * rights unless roles: redefines it: read all (as reads: says), write all
 * (the writable points, within their write: limits), no extra functions.
 */
#define CONFIG_ROLE_AI 0
struct config_role {
	char name[CONFIG_NAME_MAX];
	struct config_role_access read;
	struct config_role_access write;
	uint8_t functions[256];         /* 1: extra function code allowed */
	int keep_during_takeover;       /* during_takeover: keep */
	int line;                       /* 0: the built-in ai */
};

struct config_limits {
	unsigned max_clients;           /* default 64 */
	unsigned max_inflight;          /* per client, default 16 */
	unsigned device_queue;          /* per device, default 64 */
	double idle_timeout;            /* default 60 s */
};

/*
 * serial: of a device on a Modbus RTU line. Devices naming the same port
 * share one bus (the same settings, distinct unit ids on the wire).
 */
struct config_serial {
	char port[CONFIG_HOST_MAX];     /* the tty, e.g. /dev/ttyUSB0 */
	unsigned baud;                  /* default 19200 */
	char parity;                    /* 'N', 'E' (default) or 'O' */
	unsigned data_bits;             /* 8: RTU's only */
	unsigned stop_bits;             /* 1 (default) or 2 */
	int rs485;                      /* set TIOCSRS485; default 0 */
};

struct config_device {
	char name[CONFIG_NAME_MAX];
	struct config_endpoint endpoint;        /* host:port, unless serial */
	int has_serial;                 /* serial: instead of host: */
	struct config_serial serial;
	uint8_t unit_id;                /* what the AI addresses */
	uint8_t device_unit_id;         /* what the device expects */
	double timeout;                 /* default 500 ms */
	double poll_interval;           /* default 100 ms */
	double loss_after;              /* default 1 s */
	unsigned connections;           /* default 1 */
	unsigned pipeline;              /* default 1 */
	int has_life_bit;
	uint16_t life_bit_address;
	double life_bit_interval;
	int line;
};

/* Bounds on AI writes. A bound whose has_* is 0 is not checked. */
struct config_write {
	int has_min, has_max, has_max_step, has_max_rate, has_min_interval;
	double min, max, max_step, max_rate, min_interval;
	enum on_violation on_violation; /* default reject */
	int line;
};

struct config_monitor {
	int has_low, has_high, has_low_low, has_high_high;
	int has_max_rate, has_stale_after;
	double low, high, low_low, high_high;
	double deadband;                /* default 0 */
	double delay;                   /* default 0 */
	double max_rate;
	double stale_after;
	int line;
};

struct config_point {
	char name[CONFIG_NAME_MAX];
	unsigned device;                /* index into config.devices */
	enum point_table table;
	uint16_t address;
	unsigned width;                 /* registers (or bits) it spans: 1 or 2 */
	enum point_type type;
	enum point_order order;
	double scale;                   /* default 1 */
	double offset;                  /* default 0 */
	char unit[16];
	unsigned precision;             /* decimals shown; default from type
					 * and scale */
	int writable;                   /* write: present */
	struct config_write write;
	int monitored;                  /* monitor: present */
	struct config_monitor monitor;
	int line;
};

struct config_safe_value {
	unsigned point;                 /* index into config.points */
	double value;                   /* engineering units */
	int hold;                       /* default 1: a drift is written
					 * back; 0: only watched */
	int line;
};

struct config_takeover {
	int has_switch;
	unsigned switch_point;
	double switch_active;           /* default 1 */
	int has_on_violations;
	unsigned violations_count;
	double violations_within;
	double ai_silence;              /* 0: off */
	enum device_loss_action on_device_loss; /* default off */
	enum isolate_mode isolate;      /* default writes */
	struct config_safe_value *safe_state;
	size_t n_safe_state;
	double max_bypass;              /* longest bypass of a trip; 8 h */
};

/* intrusion: what the detector counts (ids.h) and what each kind does:
 * takeover[kind] 1 takes over (on_intrusion), 0 only audits. */
struct config_intrusion {
	struct ids_limits limits;
	uint8_t takeover[IDS_KIND_COUNT];
};

/* The alarms' management (ISA-18.2), not their limits (points). */
struct config_alarms {
	double max_shelve;              /* longest shelve; default 8 h */
};

struct config_control {
	char socket[CONFIG_HOST_MAX];
	char takeover_group[CONFIG_NAME_MAX];   /* "" : root only */
	char release_group[CONFIG_NAME_MAX];    /* "" : root only */
	char view_group[CONFIG_NAME_MAX];       /* "" : see control_rights.h */
	char reload_group[CONFIG_NAME_MAX];     /* "" : see control_rights.h */
	/* The user warden-console runs as, who may act for the people
	 * logged in to it ("as"); "": nobody. */
	char console_user[CONFIG_NAME_MAX];
};

/* pair: this node in a redundant pair (pair.h); enabled 0: a single
 * node, always active. Only a restart changes any of it. */
struct config_pair {
	int enabled;
	char node[CONFIG_NAME_MAX];     /* this node's name, for audit and
					 * status */
	int start_active;               /* initial_role: active; default
					 * standby */
	struct config_endpoint peer;    /* peer: the peer's pair link, dialled
					 * by this node while standby */
	struct config_endpoint listen;  /* listen: where this node accepts
					 * its peer's link */
	char key_file[CONFIG_HOST_MAX]; /* key_file: the shared key
					 * (peer_key.h), absolute; read at
					 * start, never kept here */
	double heartbeat;               /* the active sends its state this
					 * often; default 200 ms */
	double peer_timeout;            /* silence after which a standby's
					 * copy is unproven; default 1 s,
					 * more than 2 heartbeats */
	double sync_timeout;            /* longest an operator's answer waits
					 * for the standby's ack; default
					 * 500 ms */
};

struct config {
	char *path;
	/* The file's text as loaded, NUL-terminated (wardenctl learn
	 * proposes a config from it). */
	char *source;
	size_t source_len;
	/* "file:line: warning: ...\n" each, in file order; NULL: none. */
	char *warnings;
	enum config_mode mode;                  /* default enforce */
	enum config_initial_state initial_state;/* default takeover */
	struct config_listener *listeners;      /* listen:, at least one */
	size_t n_listeners;
	struct config_role *roles;              /* [CONFIG_ROLE_AI] is ai */
	size_t n_roles;
	struct config_net *allow_from;          /* none: any source */
	size_t n_allow_from;
	char state_dir[CONFIG_HOST_MAX];
	char audit_log[CONFIG_HOST_MAX];
	double audit_fsync;                     /* default 1 s */
	char audit_sign_key[CONFIG_HOST_MAX];   /* "": no checkpoints */
	unsigned audit_sign_every;              /* default 1000 */
	char audit_syslog[CONFIG_HOST_MAX];     /* "": off, else a socket */
	struct config_control control;
	int has_metrics_listen;
	struct config_endpoint metrics_listen;
	struct config_limits limits;
	enum config_reads reads;                /* default any */
	uint8_t allow_functions[256];           /* 1: passed beyond the known */
	struct config_device *devices;
	size_t n_devices;
	struct config_point *points;
	size_t n_points;
	struct config_takeover takeover;
	struct config_alarms alarms;
	struct config_intrusion intrusion;
	struct config_pair pair;
	/* Built at load time: unit id -> device index + 1 (0: none). */
	uint16_t device_by_unit[256];
	/*
	 * Built at load time, per device and table: address -> point index + 1
	 * (0: no point). Every address a point spans maps to it. NULL when the
	 * device has no point in that table.
	 */
	uint32_t *(*point_by_address)[TABLE_COUNT];
};

/*
 * Read and validate path. On success return the config and set *errors to
 * NULL; cfg->warnings then holds what looks wrong but loads. On failure
 * return NULL and set *errors to every problem found, one per line, each
 * "file:line: what is wrong", the warnings among them as "file:line:
 * warning: ...", in file order (malloc'd; the caller frees).
 */
struct config *config_load(const char *path, char **errors);
/* The index of the role called name in cfg->roles, or -1. */
long config_role_index(const struct config *cfg, const char *name);
void config_free(struct config *cfg);

/* The device a unit id addresses, or NULL. */
const struct config_device *config_device_by_unit(const struct config *cfg,
    uint8_t unit);
/* The point covering address in a device's table, or NULL. */
const struct config_point *config_point_at(const struct config *cfg,
    unsigned device, enum point_table table, uint16_t address);
/* A point by name, or NULL. */
/* A device by name, or NULL. */
const struct config_device *config_device_by_name(const struct config *cfg,
    const char *name);
const struct config_point *config_point_by_name(const struct config *cfg,
    const char *name);

/*
 * What wardend reads on its own, whatever the AI does: a point that is
 * monitored, writable (the last known value the policy needs) or the key
 * switch.
 */
int config_point_polled(const struct config *cfg, size_t point);
/*
 * Does the device need wardend's own connection, beside the AI's
 * `connections`: a point of it polled, a safe-state point on it, or a
 * life bit? Without one, wardend opens only the AI's connections to it.
 */
int config_device_needs_poll(const struct config *cfg, size_t device);

/* a and b reach their device the same way: the same host and port, or
 * the same serial port and settings (config_serial.c). */
int config_device_same_line(const struct config_device *a,
    const struct config_device *b);

/* "250ms", "5s", "2m", "1h" -> seconds. Returns 0 on success, -1 if bad. */
int config_parse_duration(const char *text, double *seconds);
/* "host:port", "[v6]:port" -> endpoint. Returns 0 on success, -1 if bad. */
int config_parse_endpoint(const char *text, struct config_endpoint *ep);

/* What is wrong with a name (a point's, a device's, a group's, a pair
 * node's; the peer link checks the one it is sent), or NULL: letters,
 * digits, '_', '-' and '.' only. */
const char *config_name_problem(const char *name);

const char *config_table_name(enum point_table table);
const char *config_type_name(enum point_type type);

#endif
