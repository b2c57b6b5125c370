/*
 * audit_syslog.c: every audit record to a syslog socket, RFC 5424, never
 * waiting (see audit_syslog.h).
 */
#include "audit_syslog.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"

#define DROP_REPORT_EVERY 60.0          /* seconds */
#define HOST_MAX 256
#define MSGID_MAX 32                    /* RFC 5424 */

struct audit_syslog {
	int fd;
	struct sockaddr_un addr;
	socklen_t addr_len;
	char host[HOST_MAX];
	long pid;
	audit_notice_fn *notice;
	void *notice_ctx;
	uint64_t sent, dropped;
	uint64_t unreported;            /* drops not yet told */
	double reported_at;             /* monotonic seconds */
	int reported_once;
	int last_errno;
};

static double
monotonic_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* PRINTUSASCII (33..126) throughout, at most max long: else "-". */
static const char *
printable_or_nil(const char *s, size_t max)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (i >= max || s[i] < 33 || s[i] > 126)
			return "-";
	return i > 0 ? s : "-";
}

struct audit_syslog *
audit_syslog_open(const char *path, audit_notice_fn *notice,
    void *notice_ctx, char err[ERR_LEN])
{
	struct audit_syslog *s;

	if (strlen(path) >= sizeof s->addr.sun_path) {
		errmsg_set(err, "audit_syslog: %s: too long for a "
		    "unix socket path", path);
		return NULL;
	}
	if ((s = calloc(1, sizeof *s)) == NULL) {
		errmsg_set(err, "audit_syslog: out of memory");
		return NULL;
	}
	s->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd == -1) {
		errmsg_set(err, "audit_syslog: socket: %s",
		    strerror(errno));
		free(s);
		return NULL;
	}
	s->addr.sun_family = AF_UNIX;
	memcpy(s->addr.sun_path, path, strlen(path) + 1);
	s->addr_len = (socklen_t)sizeof s->addr;
	if (gethostname(s->host, sizeof s->host) == -1)
		s->host[0] = '\0';
	s->host[sizeof s->host - 1] = '\0';
	if (printable_or_nil(s->host, HOST_MAX - 1) != s->host)
		snprintf(s->host, sizeof s->host, "-");
	s->pid = (long)getpid();
	s->notice = notice;
	s->notice_ctx = notice_ctx;
	return s;
}

void
audit_syslog_close(struct audit_syslog *s)
{
	if (s == NULL)
		return;
	close(s->fd);
	free(s);
}

/* At once for the first drop, then at most once a minute. */
static void
report_drops(struct audit_syslog *s)
{
	char msg[ERR_LEN];
	double now = monotonic_now();

	if (s->reported_once && now - s->reported_at < DROP_REPORT_EVERY)
		return;
	if (!s->reported_once)
		snprintf(msg, sizeof msg, "audit_syslog: a record could not be "
		    "sent to %s (%s); the file has it, and drops are counted "
		    "in warden_audit_syslog_dropped_total", s->addr.sun_path,
		    strerror(s->last_errno));
	else
		snprintf(msg, sizeof msg, "audit_syslog: %llu record(s) not "
		    "sent to %s in the last %.0f s (%s)",
		    (unsigned long long)s->unreported, s->addr.sun_path,
		    now - s->reported_at, strerror(s->last_errno));
	s->reported_once = 1;
	s->reported_at = now;
	s->unreported = 0;
	if (s->notice != NULL)
		s->notice(s->notice_ctx, msg);
}

/* Quote a structured-data value: ", \ and ] escaped (RFC 5424 6.3.3). */
static size_t
sd_escape(const char *v, char *out, size_t cap)
{
	size_t n = 0;

	for (; *v != '\0' && n + 2 < cap; v++) {
		if (*v == '"' || *v == '\\' || *v == ']')
			out[n++] = '\\';
		out[n++] = *v;
	}
	out[n] = '\0';
	return n;
}

void
audit_syslog_send(struct audit_syslog *s, const char *line, size_t len,
    uint64_t seq, const char *event, const char *hash)
{
	char head[1024], ts[96], ev[2 * MSGID_MAX + 1];
	struct timespec now;
	struct tm tm;
	struct iovec iov[2];
	struct msghdr mh;
	int n;

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, now.tv_nsec / 1000);
	sd_escape(event, ev, sizeof ev);
	n = snprintf(head, sizeof head, "<%d>1 %s %s wardend %ld %s [%s "
	    "seq=\"%llu\" event=\"%s\" hash=\"%s\"] ", AUDIT_SYSLOG_PRI, ts,
	    s->host, s->pid, printable_or_nil(event, MSGID_MAX),
	    AUDIT_SYSLOG_SDID, (unsigned long long)seq, ev, hash);
	iov[0].iov_base = head;
	iov[0].iov_len = n > 0 && (size_t)n < sizeof head ? (size_t)n : 0;
	iov[1].iov_base = (void *)(uintptr_t)line;
	iov[1].iov_len = len;
	memset(&mh, 0, sizeof mh);
	mh.msg_name = &s->addr;
	mh.msg_namelen = s->addr_len;
	mh.msg_iov = iov;
	mh.msg_iovlen = 2;
	if (iov[0].iov_len > 0 &&
	    sendmsg(s->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) != -1) {
		s->sent++;
		if (s->unreported > 0)
			report_drops(s);
		return;
	}
	s->last_errno = iov[0].iov_len > 0 ? errno : EMSGSIZE;
	s->dropped++;
	s->unreported++;
	report_drops(s);
}

uint64_t
audit_syslog_sent(const struct audit_syslog *s)
{
	return s->sent;
}

uint64_t
audit_syslog_dropped(const struct audit_syslog *s)
{
	return s->dropped;
}
