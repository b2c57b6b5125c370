/*
 * test_audit_syslog.c: the copy of each record for syslog. One RFC 5424
 * datagram per record, as documented in audit_syslog.h, whose message is
 * the line in the file; a receiver that does not read, or none at all,
 * costs drops (counted, said once) and never a refused or delayed
 * record.
 */
#include "audit_integrity.h"

#include <regex.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

#include "audit_syslog.h"

/* A unix datagram socket bound at path, as a syslog daemon has. */
static int
receiver(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof sun), 0);
	return fd;
}

static struct audit *
open_shipping(const char *path, struct audit_syslog *s)
{
	struct audit_options o = { .fsync_interval = 1.0, .syslog = s };

	return open_with(path, &o);
}

/* One datagram per record: header, structured data, the line itself. */
static void
test_record_shipped_as_rfc5424(void **state)
{
	struct tmp *t = *state;
	char sock[256], err[ERR_LEN], dgram[8192], *buf, want[512];
	int fd = receiver(tpath(t, "log.sock", sock, sizeof sock));
	struct audit_syslog *s = audit_syslog_open(sock, NULL, NULL, err);
	struct audit *a;
	const char *line, *msg;
	regex_t re;
	ssize_t n;
	size_t len, l;

	assert_non_null(s);
	a = open_shipping(t->path, s);
	write_n(a, 2);
	assert_int_equal(audit_stats(a)->syslog_sent, 2);
	assert_int_equal(audit_stats(a)->syslog_dropped, 0);
	audit_close(a);
	audit_syslog_close(s);

	buf = slurp(t->path, &len);
	n = recv(fd, dgram, sizeof dgram - 1, MSG_DONTWAIT);   /* seq 1 */
	assert_true(n > 0);
	n = recv(fd, dgram, sizeof dgram - 1, MSG_DONTWAIT);   /* seq 2 */
	assert_true(n > 0);
	dgram[n] = '\0';
	assert_int_equal(regcomp(&re, "^<86>1 [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}"
	    ":[0-9]{2}:[0-9]{2}\\.[0-9]{6}Z [!-~]+ wardend [0-9]+ write_allowed "
	    "\\[warden@32473 seq=\"2\" event=\"write_allowed\" hash=\"[0-9a-f]{64}"
	    "\"\\] \\{", REG_EXTENDED | REG_NOSUB), 0);
	if (regexec(&re, dgram, 0, NULL, 0) != 0)
		fail_msg("not the documented RFC 5424 form: %s", dgram);
	regfree(&re);
	line = line_at(buf, 2, &l);
	msg = strchr(dgram, '{');
	assert_int_equal(strlen(msg), l - 1);           /* no newline */
	assert_memory_equal(msg, line, l - 1);
	snprintf(want, sizeof want, "hash=\"%.64s\"]", line + l - 67);
	assert_non_null(strstr(dgram, want));
	assert_int_equal(recv(fd, dgram, sizeof dgram, MSG_DONTWAIT), -1);
	free(buf);
	close(fd);
}

/* Nobody reading: the socket fills, records go on at full speed, the
 * drops are counted and said once (then at most once a minute). */
static void
test_full_socket_never_blocks(void **state)
{
	struct tmp *t = *state;
	struct said said = { 0 };
	char sock[256], err[ERR_LEN];
	int fd = receiver(tpath(t, "log.sock", sock, sizeof sock));
	struct audit_syslog *s = audit_syslog_open(sock, note, &said, err);
	const struct audit_stats *st;
	struct timespec t0, t1;
	struct audit *a;

	assert_non_null(s);
	a = open_shipping(t->path, s);
	alarm(60);                      /* a send that waits: killed, failed */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	write_n(a, 3000);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	alarm(0);
	st = audit_stats(a);
	assert_int_equal(st->records, 3000);
	assert_true(st->syslog_dropped > 0);
	assert_int_equal(st->syslog_sent + st->syslog_dropped, 3000);
	assert_int_equal(said.n, 1);
	if (strstr(said.last, "audit_syslog: a record could not be sent to ") ==
	    NULL || strstr(said.last, "warden_audit_syslog_dropped_total") ==
	    NULL)
		fail_msg("said: %s", said.last);
	/* 3000 records in well under the time one blocked send would take
	 * to give up: nothing waited. */
	assert_true(t1.tv_sec - t0.tv_sec < 10);
	audit_close(a);
	audit_syslog_close(s);
	close(fd);
}

/* No socket at the path at all: the same. */
static void
test_absent_socket_drops(void **state)
{
	struct tmp *t = *state;
	struct said said = { 0 };
	char sock[256], err[ERR_LEN];
	struct audit_syslog *s;
	struct audit *a;

	s = audit_syslog_open(tpath(t, "nobody.sock", sock, sizeof sock), note,
	    &said, err);
	assert_non_null(s);
	a = open_shipping(t->path, s);
	write_n(a, 3);
	assert_int_equal(audit_stats(a)->records, 3);
	assert_int_equal(audit_stats(a)->syslog_dropped, 3);
	assert_int_equal(said.n, 1);
	assert_non_null(strstr(said.last, "No such file or directory"));
	audit_close(a);
	audit_syslog_close(s);
	assert_null(audit_syslog_open("/a/path/longer/than/a/unix/socket/can/"
	    "hold/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaa", NULL, NULL, err));
	assert_non_null(strstr(err, "too long"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown_all)
		T(test_record_shipped_as_rfc5424),
		T(test_full_socket_never_blocks),
		T(test_absent_socket_drops),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
