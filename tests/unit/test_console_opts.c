/*
 * test_console_opts.c: warden-console's flags (console_opts.h): the
 * defaults, each flag, and a sentence for each wrong one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "console_opts.h"

/* argv from a NULL-terminated list, parsed. */
static int
parse(struct console_opts *o, char err[ERR_LEN], ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;

	argv[argc++] = (char *)(uintptr_t)"warden-console";
	va_start(ap, err);
	while ((argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	err[0] = '\0';
	return console_opts_parse(o, argc, argv, err);
}

#define A(s) ((char *)(uintptr_t)(s))

static void
test_defaults_and_flags(void **state)
{
	struct console_opts o;
	char err[ERR_LEN];

	(void)state;
	assert_int_equal(parse(&o, err, A("--cert"), A("c.pem"), A("--key"),
	    A("k.pem"), NULL), 0);
	assert_string_equal(o.socket, CONSOLE_DEFAULT_SOCKET);
	assert_string_equal(o.host, "127.0.0.1");
	assert_int_equal(o.port, 8443);
	assert_string_equal(o.pam_service, "warden-console");
	assert_int_equal(o.session_timeout, 900);
	assert_null(o.user);
	assert_int_equal(o.foreground, 0);
	assert_int_equal(parse(&o, err, A("-f"), A("-v"), A("-s"),
	    A("/tmp/c.sock"), A("-l"), A("[::1]:9443"), A("--cert"),
	    A("c.pem"), A("--key"), A("k.pem"), A("--pam-service"),
	    A("plant"), A("--session-timeout"), A("1h"), A("-u"),
	    A("_warden-console"), NULL), 0);
	assert_int_equal(o.foreground, 1);
	assert_int_equal(o.verbose, 1);
	assert_string_equal(o.socket, "/tmp/c.sock");
	assert_string_equal(o.host, "::1");
	assert_int_equal(o.port, 9443);
	assert_string_equal(o.pam_service, "plant");
	assert_int_equal(o.session_timeout, 3600);
	assert_string_equal(o.user, "_warden-console");
	assert_int_equal(parse(&o, err, A("-h"), NULL), 1);
}

static void
test_refused(void **state)
{
	struct console_opts o;
	char err[ERR_LEN];

	(void)state;
	assert_int_equal(parse(&o, err, A("--key"), A("k"), NULL), -1);
	assert_non_null(strstr(err, "--cert FILE and --key FILE"));
	assert_int_equal(parse(&o, err, A("--cert"), A("c"), A("--key"),
	    A("k"), A("-l"), A("localhost"), NULL), -1);
	assert_non_null(strstr(err, "-l localhost: give an address and port"));
	assert_int_equal(parse(&o, err, A("--cert"), A("c"), A("--key"),
	    A("k"), A("-l"), A("127.0.0.1:70000"), NULL), -1);
	assert_int_equal(parse(&o, err, A("--cert"), A("c"), A("--key"),
	    A("k"), A("--session-timeout"), A("10s"), NULL), -1);
	assert_non_null(strstr(err, "1m .. 12h"));
	assert_int_equal(parse(&o, err, A("--cert"), A("c"), A("--key"),
	    A("k"), A("--session-timeout"), A("2d"), NULL), -1);
	assert_int_equal(parse(&o, err, A("--cert"), A("c"), A("--key"),
	    A("k"), A("--pam-service"), A("../shadow"), NULL), -1);
	assert_int_equal(parse(&o, err, A("--cert"), A("c"), A("--key"),
	    A("k"), A("extra"), NULL), -1);
	assert_non_null(strstr(err, "unexpected argument \"extra\""));
}

static void
test_durations(void **state)
{
	(void)state;
	assert_int_equal(console_opts_duration("15m"), 900);
	assert_int_equal(console_opts_duration("900"), 900);
	assert_int_equal(console_opts_duration("900s"), 900);
	assert_int_equal(console_opts_duration("2h"), 7200);
	assert_int_equal(console_opts_duration("m"), -1);
	assert_int_equal(console_opts_duration("-5m"), -1);
	assert_int_equal(console_opts_duration("5 m"), -1);
	assert_int_equal(console_opts_duration("99999999999999999999h"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_and_flags),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_durations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
