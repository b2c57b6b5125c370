/*
 * test_rights.c: what each role may do (rights.h). The points are
 * policy_fixture.h's warden.yaml; the roles are built here by hand, as
 * the loader would fill them:
 *   ai         read all, write all, no extra functions (allow_functions
 *              [0x2B] is the config's)
 *   historian  read all, write none
 *   hmi        read all, write [pump, speed, i_abcd], functions [0x08],
 *              during_takeover: keep
 *   panel      read [valve, speed, setpoint, level, i_abcd],
 *              write [valve, speed]
 *   blind      read none, write all
 * Requests are real frames decoded by mbap_decode_request() (the
 * fixture's builders; their policy decision is not looked at here).
 */
#include "policy_fixture.h"
#include "rights.h"

enum { AI, HISTORIAN, HMI, PANEL, BLIND, N_ROLES };

#define LIST_MAX 8

struct rx {
	struct fx *fx;
	struct config_role roles[N_ROLES];
	unsigned lists[N_ROLES][2][LIST_MAX];
	struct config_role *saved_roles;
	size_t saved_n_roles;
	struct rights *r;
	struct rights_verdict v;
};

static void
role_set(struct rx *rx, unsigned i, const char *name,
    enum role_access read, enum role_access write)
{
	struct config_role *role = &rx->roles[i];

	snprintf(role->name, sizeof role->name, "%s", name);
	role->read.kind = read;
	role->write.kind = write;
	role->read.points = rx->lists[i][0];
	role->write.points = rx->lists[i][1];
	role->line = i == AI ? 0 : 10 + (int)i;
}

/* Names, NULL-terminated, into the list's point indices. */
static void
list_set(struct rx *rx, struct config_role_access *a, const char *const *names)
{
	a->n_points = 0;
	for (; *names; names++) {
		assert_true(a->n_points < LIST_MAX);
		a->points[a->n_points++] = point(rx->fx, *names);
	}
}

/* After changing a role by hand: the table again. */
static void
rebuild(struct rx *rx)
{
	rights_free(rx->r);
	rx->r = rights_new(rx->fx->cfg);
	assert_non_null(rx->r);
}

static int
setup(void **state)
{
	struct rx *rx = calloc(1, sizeof *rx);
	void *fx;

	assert_non_null(rx);
	setup_enforce(&fx);
	rx->fx = fx;
	role_set(rx, AI, "ai", ACCESS_ALL, ACCESS_ALL);
	role_set(rx, HISTORIAN, "historian", ACCESS_ALL, ACCESS_NONE);
	role_set(rx, HMI, "hmi", ACCESS_ALL, ACCESS_LIST);
	list_set(rx, &rx->roles[HMI].write,
	    (const char *[]){ "pump", "speed", "i_abcd", NULL });
	rx->roles[HMI].functions[0x08] = 1;
	rx->roles[HMI].keep_during_takeover = 1;
	role_set(rx, PANEL, "panel", ACCESS_LIST, ACCESS_LIST);
	list_set(rx, &rx->roles[PANEL].read, (const char *[]){ "valve",
	    "speed", "setpoint", "level", "i_abcd", NULL });
	list_set(rx, &rx->roles[PANEL].write,
	    (const char *[]){ "valve", "speed", NULL });
	role_set(rx, BLIND, "blind", ACCESS_NONE, ACCESS_ALL);
	/* The loader's roles, whatever they are, come back for
	 * config_free(). */
	rx->saved_roles = rx->fx->cfg->roles;
	rx->saved_n_roles = rx->fx->cfg->n_roles;
	rx->fx->cfg->roles = rx->roles;
	rx->fx->cfg->n_roles = N_ROLES;
	rebuild(rx);
	*state = rx;
	return 0;
}

static int
teardown_rx(void **state)
{
	struct rx *rx = *state;
	void *fx = rx->fx;

	rights_free(rx->r);
	rx->fx->cfg->roles = rx->saved_roles;
	rx->fx->cfg->n_roles = rx->saved_n_roles;
	teardown(&fx);
	free(rx);
	return 0;
}

/* The request last built in rx->fx, from a client of role. */
static const struct rights_verdict *
check_on(struct rx *rx, unsigned role, unsigned device, int takeover)
{
	/* Filled on refusal only: make a stale one show. */
	memset(&rx->v, 0xA5, sizeof rx->v);
	rights_check(rx->r, role, device, &rx->fx->req, takeover, &rx->v);
	return &rx->v;
}

static const struct rights_verdict *
check(struct rx *rx, unsigned role)
{
	return check_on(rx, role, 0, 0);
}

static const struct rights_verdict *
check_takeover(struct rx *rx, unsigned role)
{
	return check_on(rx, role, 0, 1);
}

static void
assert_allow(const struct rights_verdict *v)
{
	assert_int_equal(v->outcome, RIGHTS_ALLOW);
	assert_int_equal(v->exception, 0);
}

static void
assert_refuse(const struct rights_verdict *v, uint8_t exception,
    const char *reason)
{
	assert_int_equal(v->outcome, RIGHTS_REFUSE);
	assert_int_equal(v->exception, exception);
	assert_string_equal(v->reason, reason);
}

static void
assert_refuse_point(struct rx *rx, const char *reason, const char *name)
{
	assert_refuse(&rx->v, EX_ADDRESS, reason);
	assert_true(rx->v.has_point);
	assert_int_equal(rx->v.point, point(rx->fx, name));
}

static void
assert_refuse_no_point(struct rx *rx, const char *reason)
{
	assert_refuse(&rx->v, EX_ADDRESS, reason);
	assert_false(rx->v.has_point);
}

static void
assert_isolated(const struct rights_verdict *v, const char *reason)
{
	assert_int_equal(v->outcome, RIGHTS_ISOLATED);
	assert_int_equal(v->exception, MODBUS_EXCEPTION_GATEWAY_PATH);
	assert_string_equal(v->reason, reason);
}

/* A well-formed request of each function code 1..127 in fx (the codes
 * the codec does not know: 4 bytes of body). */
static void
build_fc(struct fx *fx, unsigned fc)
{
	uint8_t b[12] = { (uint8_t)fc };

	switch (fc) {
	case 1: case 2: case 3: case 4: case 6:
		mbap_put_u16(b + 3, 1);
		pdu(fx, b, 5, 0);
		return;
	case 15: case 16:
		mbap_put_u16(b + 3, 1);
		b[5] = fc == 15 ? 1 : 2;
		pdu(fx, b, fc == 15 ? 7 : 8, 0);
		return;
	case 22:
		mask_write(fx, 0, 0x0000, 1000);
		return;
	case 23:
		write_read(fx, 0, 1, 0, 0);
		return;
	default:
		pdu(fx, b, 5, 0);
		return;
	}
}

/* --- the ai role: exactly what the gate let through before roles ---- */

static void
test_ai_as_before(void **state)
{
	struct rx *rx = *state;
	struct fx *fx = rx->fx;

	/* Wherever the policy does not refuse the function, neither do the
	 * rights; where it does, the rights do too, with the same 0x01. */
	for (unsigned fc = 1; fc < 128; fc++) {
		char want[64];

		build_fc(fx, fc);
		snprintf(want, sizeof want,
		    "role 'ai' may not use function 0x%02X", fc);
		if (fx->d->rule && strcmp(fx->d->rule, "function") == 0)
			assert_refuse(check(rx, AI), EX_FUNCTION, want);
		else
			assert_allow(check(rx, AI));
	}
	/* Addresses are the policy's to judge for read: and write: all. */
	write_reg(fx, 6, 1, 0);         /* status: not writable */
	assert_allow(check(rx, AI));
	write_reg(fx, 7, 1, 0);         /* no point */
	assert_allow(check(rx, AI));
	write_coil(fx, 4, 1);
	assert_allow(check(rx, AI));
	read_regs(fx, MODBUS_FC_READ_HOLDING_REGISTERS, 0, 125);
	assert_allow(check(rx, AI));
	fx->len = mbap_encode_write_register(fx->frame, 1, 2, 0, 1);
	judge_on(fx, 1, 0);
	assert_allow(check_on(rx, AI, 1, 0));
}

/* In TAKEOVER the ai's reads pass, its writes and the functions it may
 * use beyond the known get 0x0A, the ones it may not 0x01: as
 * gate_isolated() answers. during_takeover: keep does not change that. */
static void
test_ai_in_takeover(void **state)
{
	struct rx *rx = *state;
	struct fx *fx = rx->fx;

	for (int keep = 0; keep < 2; keep++) {
		rx->roles[AI].keep_during_takeover = keep;
		rebuild(rx);
		read_regs(fx, MODBUS_FC_READ_HOLDING_REGISTERS, 0, 10);
		assert_allow(check_takeover(rx, AI));
		write_reg(fx, 0, 1, 0);
		assert_isolated(check_takeover(rx, AI),
		    "role 'ai' may not write during a takeover");
		write_reg(fx, 7, 1, 0);
		assert_isolated(check_takeover(rx, AI),
		    "role 'ai' may not write during a takeover");
		mask_write(fx, 0, 0, 1);
		assert_isolated(check_takeover(rx, AI),
		    "role 'ai' may not write during a takeover");
		write_read(fx, 0, 1, 0, 0);
		assert_isolated(check_takeover(rx, AI),
		    "role 'ai' may not write during a takeover");
		build_fc(fx, 0x2B);
		assert_isolated(check_takeover(rx, AI),
		    "role 'ai' may not use function 0x2B during a takeover");
		build_fc(fx, 0x08);
		assert_refuse(check_takeover(rx, AI), EX_FUNCTION,
		    "role 'ai' may not use function 0x08");
	}
}

/* --- write: none, read: none ---------------------------------------- */

static void
test_historian_cannot_write(void **state)
{
	struct rx *rx = *state;
	struct fx *fx = rx->fx;
	const unsigned writes[] = { 5, 6, 15, 16, 22, 23 };

	for (unsigned fc = 1; fc <= 4; fc++) {
		build_fc(fx, fc);
		assert_allow(check(rx, HISTORIAN));
	}
	for (size_t i = 0; i < sizeof writes / sizeof writes[0]; i++) {
		build_fc(fx, writes[i]);
		assert_refuse(check(rx, HISTORIAN), EX_FUNCTION,
		    "role 'historian' may not write");
		assert_false(rx->v.has_point);
		/* Not a takeover matter: the role never may. */
		assert_refuse(check_takeover(rx, HISTORIAN), EX_FUNCTION,
		    "role 'historian' may not write");
	}
	/* The global allow_functions are the ai's. */
	build_fc(fx, 0x2B);
	assert_refuse(check(rx, HISTORIAN), EX_FUNCTION,
	    "role 'historian' may not use function 0x2B");
}

static void
test_read_none(void **state)
{
	struct rx *rx = *state;
	struct fx *fx = rx->fx;

	for (unsigned fc = 1; fc <= 4; fc++) {
		build_fc(fx, fc);
		assert_refuse(check(rx, BLIND), EX_FUNCTION,
		    "role 'blind' may not read");
	}
	write_reg(fx, 0, 1, 0);
	assert_allow(check(rx, BLIND));
	mask_write(fx, 0, 0, 1);        /* a write only */
	assert_allow(check(rx, BLIND));
}

/* --- lists of points ------------------------------------------------ */

static void
test_hmi_pump_not_valve(void **state)
{
	struct rx *rx = *state;
	struct fx *fx = rx->fx;

	write_coil(fx, 0, 1);
	assert_allow(check(rx, HMI));
	write_reg(fx, 1, 5, 0);         /* speed */
	assert_allow(check(rx, HMI));
	write_reg(fx, 0, 5, 0);
	check(rx, HMI);
	assert_refuse_point(rx, "role 'hmi' may not write point 'valve'",
	    "valve");
	write_coil(fx, 1, 0);
	check(rx, HMI);
	assert_refuse_point(rx, "role 'hmi' may not write point 'heater'",
	    "heater");
	/* Not writable at all, and no point at all. */
	write_coil(fx, 3, 1);
	check(rx, HMI);
	assert_refuse_point(rx, "role 'hmi' may not write point 'light'",
	    "light");
	write_coil(fx, 4, 1);
	check(rx, HMI);
	assert_refuse_no_point(rx,
	    "role 'hmi' may not write coil 4 (no point there)");
	/* A device without points. */
	fx->len = mbap_encode_write_coil(fx->frame, 1, 2, 0, 1);
	judge_on(fx, 1, 0);
	check_on(rx, HMI, 1, 0);
	assert_refuse_no_point(rx,
	    "role 'hmi' may not write coil 0 (no point there)");
	/* Reads: all. */
	read_regs(fx, MODBUS_FC_READ_COILS, 0, 10);
	assert_allow(check(rx, HMI));
}

/* A request that covers several points needs every one of them. */
static void
test_spans(void **state)
{
	struct rx *rx = *state;
	struct fx *fx = rx->fx;
	const uint16_t v[4] = { 1, 2, 3, 4 };

	write_coils(fx, 0, 2, 0x01);    /* pump, heater */
	check(rx, HMI);
	assert_refuse_point(rx, "role 'hmi' may not write point 'heater'",
	    "heater");
	write_regs(fx, 0, 2, v, 0);     /* valve, speed */
	assert_allow(check(rx, PANEL));
	write_regs(fx, 0, 3, v, 0);
	check(rx, PANEL);
	assert_refuse_point(rx,
	    "role 'panel' may not write point 'setpoint'", "setpoint");
	write_regs(fx, 1, 2, v, 0);
	check(rx, PANEL);
	assert_refuse_point(rx,
	    "role 'panel' may not write point 'setpoint'", "setpoint");
	/* A 32-bit point, whole; half of it is the policy's to refuse
	 * (partial_point, 0x03). */
	write_regs(fx, 30, 2, v, 0);
	assert_allow(check(rx, HMI));
	write_regs(fx, 31, 1, v, 0);
	assert_allow(check(rx, HMI));
	write_regs(fx, 29, 3, v, 0);
	check(rx, HMI);
	assert_refuse_no_point(rx,
	    "role 'hmi' may not write holding 29 (no point there)");
	write_regs(fx, 30, 4, v, 0);    /* i_abcd, then i_cdab */
	check(rx, HMI);
	assert_refuse_point(rx, "role 'hmi' may not write point 'i_cdab'",
	    "i_cdab");
}

static void
test_read_list_with_gaps(void **state)
{
	struct rx *rx = *state;
	struct fx *fx = rx->fx;

	read_regs(fx, MODBUS_FC_READ_HOLDING_REGISTERS, 0, 3);
	assert_allow(check(rx, PANEL));
	read_regs(fx, MODBUS_FC_READ_HOLDING_REGISTERS, 1, 1);
	assert_allow(check(rx, PANEL));
	read_regs(fx, MODBUS_FC_READ_HOLDING_REGISTERS, 0, 125);
	check(rx, PANEL);
	assert_refuse_point(rx, "role 'panel' may not read point 'ramp'",
	    "ramp");
	read_regs(fx, MODBUS_FC_READ_HOLDING_REGISTERS, 6, 1);
	check(rx, PANEL);
	assert_refuse_point(rx, "role 'panel' may not read point 'status'",
	    "status");
	/* An address without a point is not on any list. */
	read_regs(fx, MODBUS_FC_READ_HOLDING_REGISTERS, 7, 1);
	check(rx, PANEL);
	assert_refuse_no_point(rx,
	    "role 'panel' may not read holding 7 (no point there)");
	/* Half of a listed 32-bit point is still that point. */
	read_regs(fx, MODBUS_FC_READ_HOLDING_REGISTERS, 31, 1);
	assert_allow(check(rx, PANEL));
	read_regs(fx, MODBUS_FC_READ_HOLDING_REGISTERS, 30, 3);
	check(rx, PANEL);
	assert_refuse_point(rx, "role 'panel' may not read point 'i_cdab'",
	    "i_cdab");
	/* Each table on its own. */
	read_regs(fx, MODBUS_FC_READ_INPUT_REGISTERS, 0, 1);
	assert_allow(check(rx, PANEL));
	read_regs(fx, MODBUS_FC_READ_INPUT_REGISTERS, 0, 2);
	check(rx, PANEL);
	assert_refuse_no_point(rx,
	    "role 'panel' may not read input 1 (no point there)");
	read_regs(fx, MODBUS_FC_READ_COILS, 0, 1);
	check(rx, PANEL);
	assert_refuse_point(rx, "role 'panel' may not read point 'pump'",
	    "pump");
	read_regs(fx, MODBUS_FC_READ_DISCRETE_INPUTS, 0, 1);
	check(rx, PANEL);
	assert_refuse_point(rx, "role 'panel' may not read point 'key'",
	    "key");
	/* A write is not a read: valve is panel's to write. */
	write_reg(fx, 0, 1, 0);
	assert_allow(check(rx, PANEL));
}

/* --- functions beyond the known ------------------------------------- */

static void
test_extra_functions(void **state)
{
	struct rx *rx = *state;
	struct fx *fx = rx->fx;

	build_fc(fx, 0x08);
	assert_allow(check(rx, HMI));
	assert_refuse(check(rx, PANEL), EX_FUNCTION,
	    "role 'panel' may not use function 0x08");
	assert_refuse(check(rx, AI), EX_FUNCTION,
	    "role 'ai' may not use function 0x08");
	build_fc(fx, 0x2B);
	assert_allow(check(rx, AI));
	assert_refuse(check(rx, HMI), EX_FUNCTION,
	    "role 'hmi' may not use function 0x2B");
	/* The ai's own functions: add to allow_functions. */
	rx->roles[AI].functions[0x11] = 1;
	rebuild(rx);
	build_fc(fx, 0x11);
	assert_allow(check(rx, AI));
	build_fc(fx, 0x2B);
	assert_allow(check(rx, AI));
	/* A role's functions are beyond the known ones only: they do not
	 * give a read or a write. */
	rx->roles[HISTORIAN].functions[MODBUS_FC_WRITE_SINGLE_REGISTER] = 1;
	rebuild(rx);
	write_reg(fx, 0, 1, 0);
	assert_refuse(check(rx, HISTORIAN), EX_FUNCTION,
	    "role 'historian' may not write");
}

/* --- fc 22 and 23 --------------------------------------------------- */

static void
test_mask_write(void **state)
{
	struct rx *rx = *state;
	struct fx *fx = rx->fx;

	mask_write(fx, 0, 0x00FF, 0x0100);      /* valve */
	assert_allow(check(rx, PANEL));
	assert_allow(check(rx, AI));
	check(rx, HMI);
	assert_refuse_point(rx, "role 'hmi' may not write point 'valve'",
	    "valve");
	assert_refuse(check(rx, HISTORIAN), EX_FUNCTION,
	    "role 'historian' may not write");
	mask_write(fx, 7, 0, 1);
	check(rx, PANEL);
	assert_refuse_no_point(rx,
	    "role 'panel' may not write holding 7 (no point there)");
}

static void
test_write_read_needs_both(void **state)
{
	struct rx *rx = *state;
	struct fx *fx = rx->fx;

	write_read(fx, 0, 3, 0, 1);     /* read valve..setpoint, write valve */
	assert_allow(check(rx, PANEL));
	assert_allow(check(rx, AI));
	assert_refuse(check(rx, HISTORIAN), EX_FUNCTION,
	    "role 'historian' may not write");
	assert_refuse(check(rx, BLIND), EX_FUNCTION,
	    "role 'blind' may not read");
	write_read(fx, 3, 1, 0, 1);     /* read ramp */
	check(rx, PANEL);
	assert_refuse_point(rx, "role 'panel' may not read point 'ramp'",
	    "ramp");
	write_read(fx, 0, 1, 2, 1);     /* write setpoint */
	check(rx, PANEL);
	assert_refuse_point(rx,
	    "role 'panel' may not write point 'setpoint'", "setpoint");
	/* Both wrong: the read is named, as the policy looks at it first. */
	write_read(fx, 3, 1, 2, 1);
	check(rx, PANEL);
	assert_refuse_point(rx, "role 'panel' may not read point 'ramp'",
	    "ramp");
	write_read(fx, 0, 10, 1, 1);    /* hmi reads all, writes speed */
	assert_allow(check(rx, HMI));
	write_read(fx, 0, 1, 0, 1);
	check(rx, HMI);
	assert_refuse_point(rx, "role 'hmi' may not write point 'valve'",
	    "valve");
}

/* --- takeover ------------------------------------------------------- */

static void
test_takeover_keep_or_not(void **state)
{
	struct rx *rx = *state;
	struct fx *fx = rx->fx;
	const uint16_t v[2] = { 1, 2 };

	/* hmi keeps what it may do. */
	write_coil(fx, 0, 1);
	assert_allow(check_takeover(rx, HMI));
	build_fc(fx, 0x08);
	assert_allow(check_takeover(rx, HMI));
	/* ... and no more. */
	write_reg(fx, 0, 1, 0);
	check_on(rx, HMI, 0, 1);
	assert_refuse_point(rx, "role 'hmi' may not write point 'valve'",
	    "valve");
	/* panel does not keep: its writes are isolated, its reads pass. */
	write_reg(fx, 0, 1, 0);
	assert_isolated(check_takeover(rx, PANEL),
	    "role 'panel' may not write during a takeover");
	write_regs(fx, 0, 2, v, 0);
	assert_isolated(check_takeover(rx, PANEL),
	    "role 'panel' may not write during a takeover");
	write_read(fx, 0, 1, 0, 1);
	assert_isolated(check_takeover(rx, PANEL),
	    "role 'panel' may not write during a takeover");
	read_regs(fx, MODBUS_FC_READ_HOLDING_REGISTERS, 0, 2);
	assert_allow(check_takeover(rx, PANEL));
	/* What the role never may is refused as such, takeover or not. */
	write_reg(fx, 2, 1, 0);
	check_on(rx, PANEL, 0, 1);
	assert_refuse_point(rx,
	    "role 'panel' may not write point 'setpoint'", "setpoint");
}

/* --- no role -------------------------------------------------------- */

static void
test_no_role(void **state)
{
	struct rx *rx = *state;
	struct fx *fx = rx->fx;

	read_regs(fx, MODBUS_FC_READ_HOLDING_REGISTERS, 0, 1);
	assert_refuse(check(rx, RIGHTS_NO_ROLE), EX_FUNCTION,
	    "client has no role");
	assert_refuse(check(rx, N_ROLES), EX_FUNCTION, "client has no role");
	write_coil(fx, 0, 1);
	assert_refuse(check_takeover(rx, RIGHTS_NO_ROLE), EX_FUNCTION,
	    "client has no role");
	assert_false(rx->v.has_point);
	assert_string_equal(rights_role_name(rx->r, HMI), "hmi");
	assert_string_equal(rights_role_name(rx->r, AI), "ai");
	assert_string_equal(rights_role_name(rx->r, RIGHTS_NO_ROLE), "none");
	assert_string_equal(rights_role_name(rx->r, N_ROLES), "none");
}

/* A TLS client's role: its certificate's, else the listener's, else
 * none; a name the config lacks never borrows another role. */
static void
test_resolve(void **state)
{
	struct rx *rx = *state;
	const struct config *cfg = rx->fx->cfg;

	assert_int_equal(rights_resolve(cfg, "hmi", HISTORIAN), HMI);
	assert_int_equal(rights_resolve(cfg, "ai", RIGHTS_NO_ROLE), AI);
	assert_int_equal(rights_resolve(cfg, NULL, HISTORIAN), HISTORIAN);
	assert_int_equal(rights_resolve(cfg, NULL, RIGHTS_NO_ROLE),
	    RIGHTS_NO_ROLE);
	assert_int_equal(rights_resolve(cfg, "operator", HISTORIAN),
	    RIGHTS_NO_ROLE);
	assert_int_equal(rights_resolve(cfg, "HMI", AI), RIGHTS_NO_ROLE);
	assert_int_equal(rights_resolve(cfg, "", AI), RIGHTS_NO_ROLE);
	assert_int_equal(rights_resolve(cfg, NULL, N_ROLES), RIGHTS_NO_ROLE);
	/* And what such a client then gets: 0x01 for anything. */
	read_regs(rx->fx, MODBUS_FC_READ_HOLDING_REGISTERS, 0, 1);
	assert_refuse(check(rx, rights_resolve(cfg, "operator", AI)),
	    EX_FUNCTION, "client has no role");
}

#define R(name) cmocka_unit_test_setup_teardown(name, setup, teardown_rx)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		R(test_ai_as_before),
		R(test_ai_in_takeover),
		R(test_historian_cannot_write),
		R(test_read_none),
		R(test_hmi_pump_not_valve),
		R(test_spans),
		R(test_read_list_with_gaps),
		R(test_extra_functions),
		R(test_mask_write),
		R(test_write_read_needs_both),
		R(test_takeover_keep_or_not),
		R(test_no_role),
		R(test_resolve),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
