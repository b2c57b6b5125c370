/*
 * bench_conn.c: one load client's connection. A libmodbus TCP connection
 * on the plain targets; on the TLS target a bench_tls_client (libmodbus
 * speaks no TLS), kept for the whole run, or, in a handshake run, made
 * for each read and closed after it: connect, handshake (full, or
 * resuming the session the last one left), one read, close.
 */
#include "bench.h"

static modbus_t *
bench_conn_modbus(const struct bench_load *load)
{
	modbus_t *ctx;

	ctx = modbus_new_tcp("127.0.0.1", load->port);
	if (ctx == NULL)
		return NULL;
	modbus_set_slave(ctx, BENCH_UNIT);
	modbus_set_response_timeout(ctx, BENCH_TIMEOUT_S, 0);
	if (modbus_connect(ctx) == -1) {
		modbus_free(ctx);
		return NULL;
	}
	return ctx;
}

/* Keep session (NULL: none came) to offer next, if it can be resumed. */
static void
bench_conn_keep(struct bench_conn *c, SSL_SESSION *session)
{
	if (session == NULL)
		return;
	if (!SSL_SESSION_is_resumable(session)) {
		SSL_SESSION_free(session);
		return;
	}
	SSL_SESSION_free(c->session);
	c->session = session;
}

/* A handshake run's transaction. 0, or -1. */
static int
bench_conn_cycle(struct bench_conn *c, uint16_t *regs)
{
	const struct bench_load *load = c->load;
	struct bench_tls_client t;
	int rc;

	if (bench_tls_connect(&t, load->tls, load->port,
	    load->handshake == HANDSHAKE_RESUME ? c->session : NULL,
	    BENCH_TIMEOUT_S) != 0)
		return -1;
	rc = bench_tls_read(&t, BENCH_UNIT, load->address, load->registers,
	    regs);
	if (rc == 0) {
		c->resumed += SSL_session_reused(t.ssl) == 1;
		/* TLS 1.3 sends its tickets after the handshake: with the
		 * answer read, they are in, and the session holds one. */
		if (load->handshake == HANDSHAKE_RESUME)
			bench_conn_keep(c, SSL_get1_session(t.ssl));
	}
	bench_tls_close(&t);
	return rc == 0 ? 0 : -1;
}

int
bench_conn_open(struct bench_conn *c, const struct bench_load *load)
{
	uint16_t regs[MODBUS_MAX_READ_REGISTERS];

	c->load = load;
	if (load->tls == NULL)
		c->up = (c->modbus = bench_conn_modbus(load)) != NULL;
	else if (load->handshake == HANDSHAKE_NONE)
		c->up = bench_tls_connect(&c->tls, load->tls, load->port, NULL,
		    BENCH_TIMEOUT_S) == 0;
	else
		/* The first handshake, not counted: the path works and,
		 * when resuming, there is a session to offer. */
		c->up = bench_conn_cycle(c, regs) == 0;
	return c->up ? 0 : -1;
}

int
bench_conn_up(const struct bench_conn *c)
{
	return c->up;
}

int
bench_conn_read(struct bench_conn *c, uint16_t *regs)
{
	const struct bench_load *load = c->load;

	if (load->tls == NULL)
		return modbus_read_registers(c->modbus, load->address,
		    load->registers, regs) == (int)load->registers ? 0 : -1;
	if (load->handshake != HANDSHAKE_NONE)
		return bench_conn_cycle(c, regs);
	return bench_tls_read(&c->tls, BENCH_UNIT, load->address,
	    load->registers, regs) == 0 ? 0 : -1;
}

int
bench_conn_write(struct bench_conn *c, uint16_t address, uint16_t value)
{
	if (c->load->tls == NULL)
		return modbus_write_register(c->modbus, address, value) == 1 ?
		    0 : -1;
	return bench_tls_write(&c->tls, BENCH_UNIT, address, value) == 0 ?
	    0 : -1;
}

void
bench_conn_close(struct bench_conn *c)
{
	if (c->modbus != NULL) {
		modbus_close(c->modbus);
		modbus_free(c->modbus);
	}
	bench_tls_close(&c->tls);
	SSL_SESSION_free(c->session);
	c->modbus = NULL;
	c->session = NULL;
	c->up = 0;
}
