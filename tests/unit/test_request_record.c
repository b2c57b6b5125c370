/*
 * test_request_record.c: the audit record of a decision on an AI
 * request, as written: real frames, judged by the policy, recorded, and
 * the line read back. Unwritable addresses keep their values, every
 * point of a multi-point write is listed, coils are bits, fc 22 and 23
 * say all they carry, and functions the policy does not judge are
 * requests.
 */
#include "policy_fixture.h"

#include <sys/stat.h>

#include "audit.h"
#include "request_record.h"

#define LINE_CAP 8192

/*
 * The record of the request and decision in fx under event, as written
 * to a fresh log: the text from "event" up to the comma before "prev";
 * role NULL: without who asked.
 */
static const char *
recorded_by(struct fx *fx, const char *event, uint8_t exception,
    const char *role, const char *identity, char *out)
{
	char dir[] = "/tmp/test_request_record-XXXXXX", path[64];
	char err[ERR_LEN], line[LINE_CAP];
	struct request_record r;
	struct audit *a;
	const char *from, *to;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/audit.jsonl", dir);
	a = audit_open(path, 1, err);
	if (a == NULL)
		fail_msg("audit_open: %s", err);
	request_record_fill(&r, fx->cfg, &fx->req, fx->d, event, exception);
	if (role != NULL)
		request_record_who(&r, role, identity);
	assert_int_equal(audit_write(a, &r.ev, 0), 0);
	audit_close(a);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof line, f));
	fclose(f);
	unlink(path);
	rmdir(dir);
	from = strstr(line, "\"event\"");
	to = strstr(line, ",\"prev\"");
	assert_non_null(from);
	assert_non_null(to);
	memcpy(out, from, (size_t)(to - from));
	out[to - from] = '\0';
	return out;
}

static const char *
recorded(struct fx *fx, const char *event, uint8_t exception, char *out)
{
	return recorded_by(fx, event, exception, NULL, NULL, out);
}

static void
test_unwritable_keeps_what_was_asked(void **state)
{
	struct fx *fx = *state;
	char out[LINE_CAP];

	write_reg(fx, 7, 42, 0);
	assert_string_equal(recorded(fx, "write_rejected", fx->d->exception,
	    out), "\"event\":\"write_rejected\",\"unit\":1,\"fc\":6,"
	    "\"rule\":\"not_writable\",\"exception\":2,\"address\":7,"
	    "\"count\":1,\"values\":[42]");
	write_regs(fx, 5, 3, (const uint16_t[]){ 1, 2, 65535 }, 0);
	assert_string_equal(recorded(fx, "write_rejected", fx->d->exception,
	    out), "\"event\":\"write_rejected\",\"unit\":1,\"fc\":16,"
	    "\"point\":\"status\",\"rule\":\"not_writable\",\"exception\":2,"
	    "\"address\":5,\"count\":3,\"values\":[1,2,65535]");
}

/* Each point with its value; forwarded where a clamp went out, and
 * nowhere when the clamp was refused after all (TAKEOVER). */
static void
test_every_point_listed(void **state)
{
	struct fx *fx = *state;
	char out[LINE_CAP];

	write_regs(fx, 0, 2, (const uint16_t[]){ 500, (uint16_t)-150 }, 0);
	assert_int_equal(fx->d->verdict, POLICY_CLAMP);
	assert_string_equal(recorded(fx, "write_clamped", 0, out),
	    "\"event\":\"write_clamped\",\"unit\":1,\"fc\":16,"
	    "\"point\":\"speed\",\"value\":-150,\"raw\":-150,"
	    "\"forwarded\":-100,\"rule\":\"min\",\"limit\":-100,"
	    "\"address\":0,\"count\":2,\"values\":[500,65386],\"points\":["
	    "{\"point\":\"valve\",\"value\":50,\"raw\":500},"
	    "{\"point\":\"speed\",\"value\":-150,\"raw\":-150,"
	    "\"forwarded\":-100}]");
	fx->d->rule = "takeover";
	fx->d->has_limit = 0;
	assert_string_equal(recorded(fx, "write_rejected", 0x0A, out),
	    "\"event\":\"write_rejected\",\"unit\":1,\"fc\":16,"
	    "\"point\":\"speed\",\"value\":-150,\"raw\":-150,"
	    "\"rule\":\"takeover\",\"exception\":10,"
	    "\"address\":0,\"count\":2,\"values\":[500,65386],\"points\":["
	    "{\"point\":\"valve\",\"value\":50,\"raw\":500},"
	    "{\"point\":\"speed\",\"value\":-150,\"raw\":-150}]");
}

/* A float32 has no integer raw value: its points say the value only. */
static void
test_float_points(void **state)
{
	struct fx *fx = *state;
	char out[LINE_CAP];

	/* 0.25f is 0x3E800000: ABCD high word first, CDAB low first */
	write_regs(fx, 10, 4, (const uint16_t[]){ 0x3E80, 0, 0, 0x3E80 }, 0);
	assert_allowed(fx->d);
	assert_string_equal(recorded(fx, "write_allowed", 0, out),
	    "\"event\":\"write_allowed\",\"unit\":1,\"fc\":16,"
	    "\"point\":\"f_abcd\",\"value\":0.25,\"address\":10,"
	    "\"count\":4,\"values\":[16000,0,0,16000],\"points\":["
	    "{\"point\":\"f_abcd\",\"value\":0.25},"
	    "{\"point\":\"f_cdab\",\"value\":0.25}]");
}

static void
test_coils_as_bits(void **state)
{
	struct fx *fx = *state;
	char out[LINE_CAP];

	write_coil(fx, 0, 1);
	assert_string_equal(recorded(fx, "write_allowed", 0, out),
	    "\"event\":\"write_allowed\",\"unit\":1,\"fc\":5,"
	    "\"point\":\"pump\",\"value\":1,\"raw\":1,\"address\":0,"
	    "\"count\":1,\"values\":\"1\"");
	write_coils(fx, 0, 3, 0x01);
	assert_allowed(fx->d);
	assert_string_equal(recorded(fx, "write_allowed", 0, out),
	    "\"event\":\"write_allowed\",\"unit\":1,\"fc\":15,"
	    "\"point\":\"pump\",\"value\":1,\"raw\":1,\"address\":0,"
	    "\"count\":3,\"values\":\"100\",\"points\":["
	    "{\"point\":\"pump\",\"value\":1,\"raw\":1},"
	    "{\"point\":\"heater\",\"value\":0,\"raw\":0},"
	    "{\"point\":\"lamp\",\"value\":0,\"raw\":0}]");
}

static void
test_mask_and_write_read(void **state)
{
	struct fx *fx = *state;
	char out[LINE_CAP];

	/* The high byte is left to the device: anything up to 0xFF12 may
	 * result, past the point's max. */
	mask_write(fx, 20, 0xFF00, 0x0012);
	assert_string_equal(recorded(fx, "write_rejected", fx->d->exception,
	    out), "\"event\":\"write_rejected\",\"unit\":1,\"fc\":22,"
	    "\"point\":\"bits\",\"rule\":\"max\",\"limit\":255,"
	    "\"exception\":3,"
	    "\"address\":20,\"count\":1,\"and_mask\":65280,\"or_mask\":18");
	write_read(fx, 9, 2, 0, 300);
	assert_string_equal(recorded(fx, "write_allowed", 0, out),
	    "\"event\":\"write_allowed\",\"unit\":1,\"fc\":23,"
	    "\"point\":\"valve\",\"value\":30,\"raw\":300,\"address\":0,"
	    "\"count\":1,\"values\":[300],\"read_address\":9,"
	    "\"read_count\":2");
}

/* Not writes: the policy cannot judge them. */
static void
test_functions_are_requests(void **state)
{
	struct fx *fx = *state;
	char out[LINE_CAP];

	pdu(fx, (const uint8_t[]){ 0x08, 0x00, 0x00, 0x12, 0x34 }, 5, 0);
	assert_string_equal(recorded(fx, "write_rejected", fx->d->exception,
	    out), "\"event\":\"request_rejected\",\"unit\":1,\"fc\":8,"
	    "\"rule\":\"function\",\"exception\":1,\"data\":\"00001234\"");
	assert_string_equal(recorded(fx, "would_reject", 0, out),
	    "\"event\":\"would_reject\",\"unit\":1,\"fc\":8,"
	    "\"rule\":\"function\",\"data\":\"00001234\"");
	pdu(fx, (const uint8_t[]){ 0x11 }, 1, 0);
	assert_string_equal(recorded(fx, "write_rejected", fx->d->exception,
	    out), "\"event\":\"request_rejected\",\"unit\":1,\"fc\":17,"
	    "\"rule\":\"function\",\"exception\":1");
	pdu(fx, (const uint8_t[]){ 0x2B, 0x0E, 0x01, 0x00 }, 4, 0);
	assert_allowed(fx->d);
	assert_string_equal(recorded(fx, "write_allowed", 0, out),
	    "\"event\":\"request_allowed\",\"unit\":1,\"fc\":43,"
	    "\"data\":\"0e0100\"");
}

/* Who asked comes last, after the most a request carries: fc 23
 * writing two points. */
static void
test_role_and_identity(void **state)
{
	struct fx *fx = *state;
	char out[LINE_CAP];
	const uint8_t b[] = { 23, 0, 9, 0, 2, 0, 0, 0, 2, 4, 0x01, 0xF4,
	    0x00, 0x14 };

	pdu(fx, b, sizeof b, 0);
	assert_int_equal(fx->d->n_writes, 2);
	assert_string_equal(recorded_by(fx, "write_allowed", 0, "hmi",
	    "CN=hmi-1,O=Plant", out),
	    "\"event\":\"write_allowed\",\"unit\":1,\"fc\":23,"
	    "\"point\":\"valve\",\"value\":50,\"raw\":500,"
	    "\"address\":0,\"count\":2,\"values\":[500,20],"
	    "\"read_address\":9,\"read_count\":2,\"points\":["
	    "{\"point\":\"valve\",\"value\":50,\"raw\":500},"
	    "{\"point\":\"speed\",\"value\":20,\"raw\":20}],"
	    "\"role\":\"hmi\",\"identity\":\"CN=hmi-1,O=Plant\"");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_unwritable_keeps_what_was_asked, setup_enforce),
		T(test_every_point_listed, setup_enforce),
		T(test_float_points, setup_enforce),
		T(test_coils_as_bits, setup_enforce),
		T(test_mask_and_write_read, setup_enforce),
		T(test_functions_are_requests, setup_enforce),
		T(test_role_and_identity, setup_enforce),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
