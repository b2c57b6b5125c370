/*
 * rights.c: what a client's role may do; the rules are listed in
 * rights.h. A list of points becomes one byte per point and role, and
 * every address a request covers is looked up in the config's
 * point_by_address tables, so a check costs the same with ten points
 * configured or ten thousand.
 */
#include "rights.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <modbus.h>

/* What a role may do with one point, when its read: or write: is a
 * list. */
#define MAY_READ 0x01
#define MAY_WRITE 0x02

struct role_rights {
	const char *name;
	enum role_access read, write;
	/* Function codes beyond the known ones it may use. */
	uint8_t functions[256];
	int keeps;              /* during_takeover: keep, never the ai's */
	const uint8_t *points;  /* MAY_* per point of cfg */
};

struct rights {
	const struct config *cfg;
	size_t n_roles;
	struct role_rights *roles;
	uint8_t *points;        /* n_roles * cfg->n_points */
};

static void
role_mark(uint8_t *points, const struct config_role_access *a, uint8_t may,
    size_t n_points)
{
	for (size_t i = 0; i < a->n_points; i++)
		if (a->points[i] < n_points)
			points[a->points[i]] |= may;
}

static void
role_build(const struct config *cfg, size_t index, struct role_rights *rr,
    uint8_t *points)
{
	const struct config_role *role = &cfg->roles[index];
	int ai = index == CONFIG_ROLE_AI;

	rr->name = role->name;
	rr->read = role->read.kind;
	rr->write = role->write.kind;
	/* allow_functions is what the ai could pass before roles: it stays
	 * the ai's, and no other role's unless its own functions: say so. */
	for (size_t fc = 0; fc < 256; fc++)
		rr->functions[fc] = role->functions[fc] ||
		    (ai && cfg->allow_functions[fc]);
	rr->keeps = !ai && role->keep_during_takeover;
	if (role->read.kind == ACCESS_LIST)
		role_mark(points, &role->read, MAY_READ, cfg->n_points);
	if (role->write.kind == ACCESS_LIST)
		role_mark(points, &role->write, MAY_WRITE, cfg->n_points);
	rr->points = points;
}

struct rights *
rights_new(const struct config *cfg)
{
	struct rights *r;
	size_t n_points = cfg->n_points ? cfg->n_points : 1;

	if ((r = calloc(1, sizeof *r)) == NULL)
		return NULL;
	r->cfg = cfg;
	r->n_roles = cfg->n_roles;
	r->roles = calloc(cfg->n_roles ? cfg->n_roles : 1, sizeof *r->roles);
	r->points = calloc(cfg->n_roles ? cfg->n_roles : 1, n_points);
	if (r->roles == NULL || r->points == NULL) {
		rights_free(r);
		return NULL;
	}
	for (size_t i = 0; i < cfg->n_roles; i++)
		role_build(cfg, i, &r->roles[i], r->points + i * n_points);
	return r;
}

void
rights_free(struct rights *r)
{
	if (r == NULL)
		return;
	free(r->roles);
	free(r->points);
	free(r);
}

unsigned
rights_resolve(const struct config *cfg, const char *cert_role,
    unsigned fallback)
{
	long i;

	if (cert_role == NULL)
		return fallback < cfg->n_roles ? fallback : RIGHTS_NO_ROLE;
	return (i = config_role_index(cfg, cert_role)) >= 0 ? (unsigned)i :
	    RIGHTS_NO_ROLE;
}

const char *
rights_role_name(const struct rights *r, unsigned role)
{
	return role < r->n_roles ? r->roles[role].name : "none";
}

static void
verdict_set(struct rights_verdict *v, enum rights_outcome outcome,
    uint8_t exception)
{
	v->outcome = outcome;
	v->exception = exception;
}

/* A function the role may not use, or a write in TAKEOVER. */
static void
refuse_role(struct rights_verdict *v, enum rights_outcome outcome,
    uint8_t exception, const char *name, const char *what)
{
	verdict_set(v, outcome, exception);
	snprintf(v->reason, sizeof v->reason, "role '%s' may not %s", name,
	    what);
}

/*
 * The first address in [address, address + quantity) of device's table
 * whose point the role may not `may`: returns 0 when there is none,
 * else -1 with v refused 0x02.
 */
static int
span_check(const struct rights *r, const struct role_rights *rr,
    unsigned device, enum point_table table, uint16_t address,
    uint16_t quantity, uint8_t may, struct rights_verdict *v)
{
	const struct config *cfg = r->cfg;
	const uint32_t *map = cfg->point_by_address && device < cfg->n_devices ?
	    cfg->point_by_address[device][table] : NULL;
	uint32_t end = (uint32_t)address + quantity;
	const char *verb = may == MAY_READ ? "read" : "write";
	uint32_t a, slot;

	for (a = address; a < end; a = cfg->points[slot - 1].address +
	    cfg->points[slot - 1].width) {
		slot = map ? map[a] : 0;
		if (slot == 0 || !(rr->points[slot - 1] & may))
			break;
	}
	if (a >= end)
		return 0;
	verdict_set(v, RIGHTS_REFUSE, MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS);
	if (slot == 0) {
		snprintf(v->reason, sizeof v->reason,
		    "role '%s' may not %s %s %u (no point there)", rr->name,
		    verb, config_table_name(table), (unsigned)a);
		return -1;
	}
	v->has_point = 1;
	v->point = slot - 1;
	snprintf(v->reason, sizeof v->reason,
	    "role '%s' may not %s point '%s'", rr->name, verb,
	    cfg->points[slot - 1].name);
	return -1;
}

/* The table a request reads, if it reads. */
static int
read_table(uint8_t fc, enum point_table *table)
{
	switch (fc) {
	case MODBUS_FC_READ_COILS:
		*table = TABLE_COIL;
		return 1;
	case MODBUS_FC_READ_DISCRETE_INPUTS:
		*table = TABLE_DISCRETE;
		return 1;
	case MODBUS_FC_READ_HOLDING_REGISTERS:
	case MODBUS_FC_WRITE_AND_READ_REGISTERS:
		*table = TABLE_HOLDING;
		return 1;
	case MODBUS_FC_READ_INPUT_REGISTERS:
		*table = TABLE_INPUT;
		return 1;
	}
	return 0;
}

static enum point_table
write_table(uint8_t fc)
{
	return fc == MODBUS_FC_WRITE_SINGLE_COIL ||
	    fc == MODBUS_FC_WRITE_MULTIPLE_COILS ? TABLE_COIL : TABLE_HOLDING;
}

/* A function beyond the known ones: the role's to allow, and one that
 * may write, so isolated in TAKEOVER. */
static void
check_other(const struct role_rights *rr, const struct mbap_request *req,
    int takeover, struct rights_verdict *v)
{
	char what[64];

	if (!rr->functions[req->fc]) {
		snprintf(what, sizeof what, "use function 0x%02X", req->fc);
		refuse_role(v, RIGHTS_REFUSE,
		    MODBUS_EXCEPTION_ILLEGAL_FUNCTION, rr->name, what);
	} else if (takeover && !rr->keeps) {
		snprintf(what, sizeof what,
		    "use function 0x%02X during a takeover", req->fc);
		refuse_role(v, RIGHTS_ISOLATED, MODBUS_EXCEPTION_GATEWAY_PATH,
		    rr->name, what);
	}
}

void
rights_check(const struct rights *r, unsigned role, unsigned device,
    const struct mbap_request *req, int takeover, struct rights_verdict *v)
{
	const struct role_rights *rr;
	enum point_table table;
	int reads;

	verdict_set(v, RIGHTS_ALLOW, 0);
	v->has_point = 0;
	if (role >= r->n_roles) {
		verdict_set(v, RIGHTS_REFUSE, MODBUS_EXCEPTION_ILLEGAL_FUNCTION);
		snprintf(v->reason, sizeof v->reason, "client has no role");
		return;
	}
	rr = &r->roles[role];
	if (!req->known) {
		check_other(rr, req, takeover, v);
		return;
	}
	reads = read_table(req->fc, &table);
	if (reads && rr->read == ACCESS_NONE) {
		refuse_role(v, RIGHTS_REFUSE, MODBUS_EXCEPTION_ILLEGAL_FUNCTION,
		    rr->name, "read");
		return;
	}
	if (req->is_write && rr->write == ACCESS_NONE) {
		refuse_role(v, RIGHTS_REFUSE, MODBUS_EXCEPTION_ILLEGAL_FUNCTION,
		    rr->name, "write");
		return;
	}
	if (reads && rr->read == ACCESS_LIST && span_check(r, rr, device,
	    table, req->read_address, req->read_quantity, MAY_READ, v) != 0)
		return;
	if (req->is_write && rr->write == ACCESS_LIST && span_check(r, rr,
	    device, write_table(req->fc), req->write_address,
	    req->write_quantity, MAY_WRITE, v) != 0)
		return;
	if (req->is_write && takeover && !rr->keeps)
		refuse_role(v, RIGHTS_ISOLATED, MODBUS_EXCEPTION_GATEWAY_PATH,
		    rr->name, "write during a takeover");
}
