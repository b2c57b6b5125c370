/*
 * wardenctl: the operators' tool. Talks to wardend over its control
 * socket (control_proto.h), one request line and one answer line at a
 * time; `audit verify` reads the audit log itself and needs no daemon.
 *
 * Exit status: 0 done, 1 refused or failed, 2 usage, 3 wardend not
 * reachable (no socket, nobody listening, no permission, no answer
 * within CTL_TIMEOUT_MS).
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "control_proto.h"
#include "json.h"

#define DEFAULT_SOCKET "/run/warden/control.sock"
#define DEFAULT_CONFIG "/etc/warden/warden.yaml"
#define CTL_TIMEOUT_MS 5000
#define CTL_ANSWER_MAX (16 * 1024 * 1024)
#define CTL_ERR_LEN 512
#define WATCH_INTERVAL_MS 1000
#define CTL_WORDS_MAX 66                /* audit verify and 64 files */

enum { EXIT_DONE, EXIT_REFUSED, EXIT_USAGE, EXIT_UNREACHABLE };

enum ctl_action { ACT_STATUS, ACT_WATCH, ACT_TAKEOVER, ACT_RELEASE,
	ACT_RELOAD, ACT_AUDIT_VERIFY };

/* The command line grammar: each word, what it does, what it takes. */
static const struct ctl_word {
	const char *word;
	enum ctl_action action;
	enum control_command command;   /* what it asks of wardend */
} ctl_words[] = {
	{ "status", ACT_STATUS, CONTROL_STATUS },
	{ "watch", ACT_WATCH, CONTROL_STATUS },
	{ "takeover", ACT_TAKEOVER, CONTROL_TAKEOVER },
	{ "release", ACT_RELEASE, CONTROL_RELEASE },
	{ "reload", ACT_RELOAD, CONTROL_RELOAD },
	{ "audit", ACT_AUDIT_VERIFY, CONTROL_NONE },        /* verify FILE */
};

struct ctl_options {
	const char *socket;
	int json;
	const char *reason;
	long count;                     /* watch -n; 0: until a signal */
	const struct ctl_word *word;
	const char *words[CTL_WORDS_MAX];       /* the command and its files */
	const char *const *files;       /* audit verify FILE... */
	size_t n_files;
	struct audit_verify_options verify;     /* --pubkey, --head */
};

/* One connection to wardend. */
struct link {
	const char *path;
	int fd;
	int sigfd;                      /* -1, or the signals that end watch */
	char *buf;                      /* bytes read, not yet a whole line */
	size_t len, cap;
	char err[CTL_ERR_LEN];          /* why it is unreachable */
};

enum link_status { LINK_OK, LINK_UNREACHABLE, LINK_SIGNALLED };

static void
usage_text(FILE *out)
{
	fprintf(out, "usage: wardenctl [-s socket] [--json] command\n"
	    "commands:\n"
	    "  status                 state, cause, alarms, trips, devices\n"
	    "  watch [-n count]       status, refreshed every second\n"
	    "  takeover -r reason     isolate the AI, drive the safe state\n"
	    "  release -r reason      hand control back to the AI\n"
	    "  reload                 reload warden.yaml\n"
	    "  audit verify [--pubkey key.pub] [--head audit.head] file...\n"
	    "                         check the audit log's hash chain, its\n"
	    "                         signed checkpoints, that no tail was cut\n"
	    "socket: -s, else $WARDEN_SOCKET, else " DEFAULT_SOCKET "\n");
}

static int __attribute__((format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "wardenctl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	usage_text(stderr);
	return EXIT_USAGE;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the command line ---- */

static const struct ctl_word *
word_lookup(const char *word)
{
	size_t i;

	for (i = 0; i < sizeof ctl_words / sizeof ctl_words[0]; i++)
		if (strcmp(word, ctl_words[i].word) == 0)
			return &ctl_words[i];
	return NULL;
}

/* The value of option argv[*i], which must follow it. */
static const char *
option_value(int argc, char *argv[], int *i)
{
	if (*i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

static int
parse_count(const char *text, long *count)
{
	char *end;

	errno = 0;
	*count = strtol(text, &end, 10);
	return errno == 0 && end != text && *end == '\0' && *count > 0 ? 0 : -1;
}

/* Options may come before or after the command words. */
static int
collect(int argc, char *argv[], struct ctl_options *o, const char **words,
    int *n_words)
{
	const char *v;
	int i, options_done = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (options_done || a[0] != '-' || a[1] == '\0') {
			if (*n_words == CTL_WORDS_MAX)
				return usage_error("too many arguments, from "
				    "\"%s\"", a);
			words[(*n_words)++] = a;
		} else if (strcmp(a, "--") == 0)
			options_done = 1;
		else if (strcmp(a, "--json") == 0)
			o->json = 1;
		else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage_text(stdout);
			exit(EXIT_DONE);
		} else if (strcmp(a, "--pubkey") == 0 ||
		    strcmp(a, "--head") == 0) {
			if ((v = option_value(argc, argv, &i)) == NULL)
				return usage_error("%s needs a file", a);
			if (a[2] == 'p')
				o->verify.pubkey = v;
			else
				o->verify.head = v;
		} else if (strcmp(a, "-s") == 0 || strcmp(a, "-r") == 0 ||
		    strcmp(a, "--reason") == 0 || strcmp(a, "-n") == 0) {
			if ((v = option_value(argc, argv, &i)) == NULL)
				return usage_error("%s needs a value", a);
			if (a[1] == 's')
				o->socket = v;
			else if (a[1] == 'n') {
				if (parse_count(v, &o->count) == -1)
					return usage_error("-n wants a count "
					    "of refreshes, 1 or more, not "
					    "\"%s\"", v);
			} else
				o->reason = v;
		} else
			return usage_error("unknown option %s", a);
	}
	return EXIT_DONE;
}

static int
parse_args(int argc, char *argv[], struct ctl_options *o)
{
	const char **words = o->words;
	char why[CONTROL_ERROR_MAX];
	int n_words = 0, rc;

	memset(o, 0, sizeof *o);
	if ((rc = collect(argc, argv, o, words, &n_words)) != EXIT_DONE)
		return rc;
	if (n_words == 0)
		return usage_error("no command given");
	if ((o->word = word_lookup(words[0])) == NULL)
		return usage_error("unknown command \"%s\"", words[0]);
	if (o->word->action == ACT_AUDIT_VERIFY) {
		if (n_words < 3 || strcmp(words[1], "verify") != 0)
			return usage_error("audit wants: audit verify FILE...");
		o->files = words + 2;
		o->n_files = (size_t)n_words - 2;
	} else if (n_words > 1)
		return usage_error("%s takes no arguments, not \"%s\"",
		    o->word->word, words[1]);
	if (o->count != 0 && o->word->action != ACT_WATCH)
		return usage_error("-n is for watch");
	if ((o->verify.pubkey != NULL || o->verify.head != NULL) &&
	    o->word->action != ACT_AUDIT_VERIFY)
		return usage_error("--pubkey and --head are for audit verify");
	if (!control_command_needs_reason(o->word->command)) {
		if (o->reason != NULL)
			return usage_error("-r is for takeover and release");
	} else if (o->reason == NULL)
		return usage_error("%s needs a reason: wardenctl %s -r REASON",
		    o->word->word, o->word->word);
	else if (control_reason_check(o->reason, why, sizeof why) == -1)
		return usage_error("%s", why);
	if (o->socket == NULL && (o->socket = getenv("WARDEN_SOCKET")) == NULL)
		o->socket = DEFAULT_SOCKET;
	return EXIT_DONE;
}

/* ---- the connection ---- */

/*
 * Wait until fd is ready for events, the deadline passes (0) or, with a
 * signal descriptor, a signal arrives (-2). Returns 1 when ready.
 */
static int
link_wait(struct link *l, int fd, short events, int64_t deadline)
{
	struct pollfd pfd[2] = {
		{ .fd = fd, .events = events },
		{ .fd = l->sigfd, .events = POLLIN },
	};
	int64_t left;
	int n;

	for (;;) {
		if ((left = deadline - now_ms()) < 0)
			left = 0;
		n = poll(pfd, l->sigfd >= 0 ? 2 : 1, (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (l->sigfd >= 0 && pfd[1].revents != 0)
			return -2;
		if (fd >= 0 && pfd[0].revents != 0)
			return 1;
		if (left == 0)
			return 0;
	}
}

static enum link_status
link_fail(struct link *l, int wait_rc, const char *what)
{
	if (wait_rc == -2)
		return LINK_SIGNALLED;
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
	if (wait_rc == 0)
		snprintf(l->err, sizeof l->err, "wardend at %s did not %s "
		    "within %d s", l->path, what, CTL_TIMEOUT_MS / 1000);
	else if (what != NULL)
		snprintf(l->err, sizeof l->err, "lost the connection to "
		    "wardend at %s: %s", l->path, strerror(errno));
	return LINK_UNREACHABLE;
}

static void
link_explain(struct link *l, int error)
{
	const char *hint;

	switch (error) {
	case ENOENT:
	case ECONNREFUSED:
		hint = "is wardend running? Start it with: wardend -c "
		    DEFAULT_CONFIG "; or point -s or WARDEN_SOCKET at its "
		    "control.socket";
		break;
	case EACCES:
	case EPERM:
		hint = "wardend makes the socket open to all (mode 0666), so "
		    "its directory keeps you out: the directory must be "
		    "searchable by you (x), see wardenctl(8), RIGHTS";
		break;
	default:
		hint = "is wardend running?";
	}
	snprintf(l->err, sizeof l->err, "cannot reach wardend at %s: %s; %s",
	    l->path, strerror(error), hint);
}

static enum link_status
link_connect(struct link *l)
{
	struct sockaddr_un sun;
	int64_t deadline = now_ms() + CTL_TIMEOUT_MS;
	int rc;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(l->path) >= sizeof sun.sun_path) {
		snprintf(l->err, sizeof l->err, "socket path %s is too long "
		    "(at most %zu bytes)", l->path, sizeof sun.sun_path - 1);
		return LINK_UNREACHABLE;
	}
	memcpy(sun.sun_path, l->path, strlen(l->path) + 1);
	l->len = 0;
	if ((l->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1) {
		link_explain(l, errno);
		return LINK_UNREACHABLE;
	}
	while (connect(l->fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		if (errno == EINTR)
			continue;
		/* A full backlog: wardend is busy, try again shortly. */
		if (errno == EAGAIN && now_ms() < deadline) {
			int64_t soon = now_ms() + 50;

			if ((rc = link_wait(l, -1, 0, soon)) == -2)
				return LINK_SIGNALLED;
			continue;
		}
		if (errno == EAGAIN)
			return link_fail(l, 0, "accept the connection");
		link_explain(l, errno);
		close(l->fd);
		l->fd = -1;
		return LINK_UNREACHABLE;
	}
	return LINK_OK;
}

static enum link_status
link_send(struct link *l, const char *data, size_t len, int64_t deadline)
{
	ssize_t n;
	int rc;

	while (len > 0) {
		n = send(l->fd, data, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EAGAIN) {
			if ((rc = link_wait(l, l->fd, POLLOUT, deadline)) != 1)
				return link_fail(l, rc, "take the request");
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			return link_fail(l, -1, "send");
		}
		data += n;
		len -= (size_t)n;
	}
	return LINK_OK;
}

/* Read until a whole line is in l->buf; *line_len excludes its newline. */
static enum link_status
link_read_line(struct link *l, size_t *line_len, int64_t deadline)
{
	char *nl, *p;
	ssize_t n;
	int rc;

	while ((nl = l->len ? memchr(l->buf, '\n', l->len) : NULL) == NULL) {
		if (l->len == CTL_ANSWER_MAX) {
			snprintf(l->err, sizeof l->err, "wardend at %s sent an "
			    "answer longer than %d bytes", l->path,
			    CTL_ANSWER_MAX);
			return link_fail(l, -1, NULL);
		}
		if (l->cap - l->len < 4096) {
			size_t cap = l->cap ? l->cap * 2 : 65536;

			if (cap > CTL_ANSWER_MAX)
				cap = CTL_ANSWER_MAX;
			if ((p = realloc(l->buf, cap)) == NULL) {
				snprintf(l->err, sizeof l->err,
				    "out of memory");
				return link_fail(l, -1, NULL);
			}
			l->buf = p;
			l->cap = cap;
		}
		n = read(l->fd, l->buf + l->len, l->cap - l->len);
		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			if ((rc = link_wait(l, l->fd, POLLIN, deadline)) != 1)
				return link_fail(l, rc, "answer");
			continue;
		}
		if (n <= 0) {
			snprintf(l->err, sizeof l->err, "wardend at %s closed "
			    "the connection without answering%s%s", l->path,
			    n < 0 ? ": " : "", n < 0 ? strerror(errno) : "");
			return link_fail(l, -1, NULL);
		}
		l->len += (size_t)n;
	}
	*line_len = (size_t)(nl - l->buf);
	return LINK_OK;
}

/*
 * Send one request and read its answer into *answer (pointing into
 * l->buf, valid until the next exchange). A connection is made when
 * there is none.
 */
static enum link_status
link_exchange(struct link *l, enum control_command command,
    const char *reason, struct json_value *answer, size_t *line_len)
{
	int64_t deadline;
	enum link_status st;
	struct json req;
	const char *why;
	size_t at;

	if (l->fd < 0 && (st = link_connect(l)) != LINK_OK)
		return st;
	if (*line_len > 0) {            /* drop the previous answer */
		memmove(l->buf, l->buf + *line_len + 1, l->len - *line_len - 1);
		l->len -= *line_len + 1;
		*line_len = 0;
	}
	json_init(&req);
	control_request_write(&req, command, reason);
	json_append(&req, "\n", 1);
	if (json_failed(&req)) {
		snprintf(l->err, sizeof l->err, "out of memory");
		json_free(&req);
		return LINK_UNREACHABLE;
	}
	deadline = now_ms() + CTL_TIMEOUT_MS;
	st = link_send(l, req.data, req.len, deadline);
	json_free(&req);
	if (st != LINK_OK || (st = link_read_line(l, line_len, deadline)) !=
	    LINK_OK)
		return st;
	if (json_parse(l->buf, *line_len, answer, &at, &why) == -1 ||
	    answer->type != JSON_OBJECT) {
		snprintf(l->err, sizeof l->err, "wardend at %s sent an answer "
		    "that is not a JSON object (byte %zu)", l->path, at);
		return link_fail(l, -1, NULL);
	}
	return LINK_OK;
}

static void
link_close(struct link *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
	free(l->buf);
	l->buf = NULL;
	l->len = l->cap = 0;
}

/* ---- answers, for people ---- */

/* Control characters out, so that no answer can drive the terminal. */
static void
clean(char *s)
{
	unsigned char *u = (unsigned char *)s;

	for (; *u != '\0'; u++)
		if (*u < 0x20 || *u == 0x7f)
			*u = '?';
		else if (u[0] == 0xc2 && u[1] >= 0x80 && u[1] <= 0x9f)
			u[0] = u[1] = '?';
}

/* A value as text: a string unescaped, anything else as written. */
static const char *
value_text(const struct json_value *v, char *buf, size_t cap)
{
	if (v->type == JSON_NULL || v->type == JSON_NONE)
		return "-";
	if (v->type == JSON_STRING) {
		if (json_get_string(v, buf, cap) == -1)
			snprintf(buf, cap, "(unreadable)");
	} else
		snprintf(buf, cap, "%.*s", v->len > INT_MAX ? INT_MAX :
		    (int)v->len, v->text);
	clean(buf);
	return buf;
}

static const char *
field(const struct json_value *obj, const char *key, char *buf, size_t cap)
{
	struct json_value v;
	const char *text;

	if (json_object_get(obj, key, &v) == -1)
		return "-";
	text = value_text(&v, buf, cap);
	return text[0] != '\0' ? text : "-";
}

/*
 * field(), but a number with the object's "precision" decimals: a point's
 * value as the engineer set it for displays (--json keeps it all); as
 * sent when too large for decimals to matter.
 */
static const char *
shown(const struct json_value *obj, const char *key, char *buf, size_t cap)
{
	struct json_value v, prec;
	uint64_t decimals;
	double d;

	if (json_object_get(obj, key, &v) == 0 && v.type == JSON_NUMBER &&
	    json_get_double(&v, &d) == 0 && fabs(d) < 1e15 &&
	    json_object_get(obj, "precision", &prec) == 0 &&
	    json_get_uint64(&prec, &decimals) == 0 && decimals <= 17) {
		snprintf(buf, cap, "%.*f", (int)decimals, d);
		return buf;
	}
	return field(obj, key, buf, cap);
}

static int
answer_ok(const struct json_value *answer)
{
	struct json_value v;

	return json_object_get(answer, "ok", &v) == 0 && v.type == JSON_TRUE;
}

/* The elements of key in obj, or 0 and "none" printed after the title. */
static int
section(FILE *out, const struct json_value *obj, const char *key,
    const char *title, struct json_iter *it)
{
	struct json_value arr;

	if (json_object_get(obj, key, &arr) == -1 ||
	    (arr.type != JSON_ARRAY && arr.type != JSON_OBJECT) ||
	    arr.len <= 2) {
		fprintf(out, "%-10s none\n", title);
		return 0;
	}
	fprintf(out, "%s\n", title);
	json_iter_init(it, &arr);
	return 1;
}

/* alarms and trips: {point or device, kind, value, since} */
static void
print_conditions(FILE *out, const struct json_value *st, const char *key)
{
	char name[128], kind[64], value[64], since[64];
	struct json_iter it;
	struct json_member m;

	if (!section(out, st, key, key, &it))
		return;
	while (json_iter_next(&it, &m)) {
		if (strcmp(field(&m.value, "point", name, sizeof name), "-")
		    == 0) {
			field(&m.value, "device", name, sizeof name);
			strncat(name, " (device)", sizeof name - strlen(name) -
			    1);
		}
		fprintf(out, "  %-24s %-12s %-12s since %s\n", name,
		    field(&m.value, "kind", kind, sizeof kind),
		    shown(&m.value, "value", value, sizeof value),
		    field(&m.value, "since", since, sizeof since));
	}
}

/* A list of objects, three fields each, in columns. */
static void
print_rows(FILE *out, const struct json_value *st, const char *key,
    const char *title, const char *const fields[3])
{
	char a[128], b[128], c[64];
	struct json_iter it;
	struct json_member m;

	if (!section(out, st, key, title, &it))
		return;
	while (json_iter_next(&it, &m))
		fprintf(out, "  %-24s %-12s %s\n",
		    field(&m.value, fields[0], a, sizeof a),
		    shown(&m.value, fields[1], b, sizeof b),
		    fields[2] ? field(&m.value, fields[2], c, sizeof c) : "");
}

/* safe_state: {point, value, status, last_read} */
static void
print_safe(FILE *out, const struct json_value *st)
{
	char point[128], value[64], status[64], got[64];
	struct json_iter it;
	struct json_member m;

	if (!section(out, st, "safe_state", "safe state", &it))
		return;
	while (json_iter_next(&it, &m))
		fprintf(out, "  %-24s %-12s %-12s read %s\n",
		    field(&m.value, "point", point, sizeof point),
		    field(&m.value, "value", value, sizeof value),
		    field(&m.value, "status", status, sizeof status),
		    field(&m.value, "last_read", got, sizeof got));
}

static void
print_devices(FILE *out, const struct json_value *st)
{
	char name[128];
	struct json_iter it;
	struct json_member m;
	struct json_value up;

	if (!section(out, st, "devices", "devices", &it))
		return;
	while (json_iter_next(&it, &m))
		fprintf(out, "  %-24s %s\n",
		    field(&m.value, "name", name, sizeof name),
		    json_object_get(&m.value, "up", &up) == 0 &&
		    up.type == JSON_TRUE ? "up" : "DOWN");
}

static void
print_counters(FILE *out, const struct json_value *st)
{
	char name[128], value[256];
	struct json_iter it;
	struct json_member m;

	if (!section(out, st, "counters", "counters", &it))
		return;
	while (json_iter_next(&it, &m))
		fprintf(out, "  %-24s %s\n", value_text(&m.key, name,
		    sizeof name), value_text(&m.value, value, sizeof value));
}

static void
print_status(FILE *out, const struct json_value *st)
{
	static const char *const points[3] = { "name", "value", "unit" };
	char buf[CONTROL_REASON_MAX + 64];
	size_t i;

	field(st, "state", buf, sizeof buf);
	for (i = 0; buf[i] != '\0'; i++)
		if (buf[i] >= 'a' && buf[i] <= 'z')
			buf[i] = (char)(buf[i] - 'a' + 'A');
	fprintf(out, "%-10s %s\n", "state", buf);
	fprintf(out, "%-10s %s\n", "cause", field(st, "cause", buf,
	    sizeof buf));
	fprintf(out, "%-10s %s\n", "reason", field(st, "reason", buf,
	    sizeof buf));
	fprintf(out, "%-10s %s\n", "since", field(st, "since", buf,
	    sizeof buf));
	field(st, "mode", buf, sizeof buf);
	fprintf(out, "%-10s %s%s\n", "mode", buf, strcmp(buf, "monitor") == 0 ?
	    " (commissioning: nothing is enforced)" : "");
	fprintf(out, "\n");
	print_conditions(out, st, "alarms");
	print_conditions(out, st, "trips");
	print_safe(out, st);
	print_devices(out, st);
	print_rows(out, st, "points", "values", points);
	print_counters(out, st);
}

static void
print_refusal(const char *what, const struct json_value *answer)
{
	char error[CONTROL_ERROR_MAX * 8];

	fprintf(stderr, "%s refused: %s\n", what,
	    field(answer, "error", error, sizeof error));
}

/* Done, but with something the operator must know (a takeover not yet
 * on disk). */
static void
print_warning(const char *what, const struct json_value *answer)
{
	char warning[CONTROL_ERROR_MAX * 8];
	struct json_value v;

	if (json_object_get(answer, "warning", &v) == 0)
		fprintf(stderr, "%s: warning: %s\n", what,
		    field(answer, "warning", warning, sizeof warning));
}

/* ---- commands ---- */

static int
run_once(const struct ctl_options *o)
{
	struct link l = { .path = o->socket, .fd = -1, .sigfd = -1 };
	struct json_value answer;
	size_t line_len = 0;
	int ok;

	if (link_exchange(&l, o->word->command, o->reason, &answer,
	    &line_len) != LINK_OK) {
		fprintf(stderr, "wardenctl: %s\n", l.err);
		link_close(&l);
		return EXIT_UNREACHABLE;
	}
	ok = answer_ok(&answer);
	if (o->json)
		printf("%.*s\n", (int)line_len, l.buf);
	else if (!ok)
		print_refusal(o->word->word, &answer);
	else if (o->word->action == ACT_STATUS)
		print_status(stdout, &answer);
	else {
		printf("%s: done\n", o->word->word);
		print_warning(o->word->word, &answer);
	}
	link_close(&l);
	return ok ? EXIT_DONE : EXIT_REFUSED;
}

/* SIGINT and SIGTERM as a descriptor: watch ends at its next wait. */
static int
watch_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1)
		return -1;
	return signalfd(-1, &set, SFD_CLOEXEC);
}

static void
watch_header(const struct ctl_options *o, int tty)
{
	char clock[16];
	struct tm tm;
	time_t t = time(NULL);

	localtime_r(&t, &tm);
	strftime(clock, sizeof clock, "%H:%M:%S", &tm);
	if (tty)
		printf("\033[H\033[2J");
	else
		printf("---\n");
	printf("wardend at %s, %s; Ctrl-C to stop\n\n", o->socket, clock);
}

/* One refresh: 0 shown, -1 unreachable (said), -2 signalled, 1 refused
 * (said): the caller may not view, which no retry changes. */
static int
watch_once(const struct ctl_options *o, struct link *l, size_t *line_len,
    int tty)
{
	struct json_value answer;
	enum link_status st;

	st = link_exchange(l, CONTROL_STATUS, NULL, &answer, line_len);
	if (st == LINK_SIGNALLED)
		return -2;
	if (st != LINK_OK) {
		*line_len = 0;
		l->len = 0;
		if (!o->json)
			watch_header(o, tty);
		fprintf(stderr, "wardenctl: %s (retrying)\n", l->err);
		return -1;
	}
	if (o->json)
		printf("%.*s\n", (int)*line_len, l->buf);
	else if (!answer_ok(&answer))
		print_refusal("watch", &answer);
	else {
		watch_header(o, tty);
		print_status(stdout, &answer);
	}
	return answer_ok(&answer) ? 0 : 1;
}

static int
run_watch(const struct ctl_options *o)
{
	struct link l = { .path = o->socket, .fd = -1, .sigfd = -1 };
	size_t line_len = 0;
	int tty = isatty(STDOUT_FILENO), rc = 0;
	enum link_status st;
	long n;

	if ((l.sigfd = watch_signals()) == -1) {
		fprintf(stderr, "wardenctl: watch: %s\n", strerror(errno));
		return EXIT_REFUSED;
	}
	/* The first connection decides whether there is a wardend at all. */
	if ((st = link_connect(&l)) != LINK_OK) {
		if (st == LINK_UNREACHABLE)
			fprintf(stderr, "wardenctl: %s\n", l.err);
		link_close(&l);
		close(l.sigfd);
		return st == LINK_UNREACHABLE ? EXIT_UNREACHABLE : EXIT_DONE;
	}
	for (n = 0; o->count == 0 || n < o->count; n++) {
		if (n > 0 && link_wait(&l, -1, 0, now_ms() +
		    WATCH_INTERVAL_MS) == -2)
			break;
		if ((rc = watch_once(o, &l, &line_len, tty)) == -2 || rc == 1)
			break;
		fflush(stdout);
	}
	link_close(&l);
	close(l.sigfd);
	if (rc == 1)
		return EXIT_REFUSED;
	return rc == -1 ? EXIT_UNREACHABLE : EXIT_DONE;
}

int
main(int argc, char *argv[])
{
	struct ctl_options o;
	int rc;

	if ((rc = parse_args(argc, argv, &o)) != EXIT_DONE)
		return rc;
	switch (o.word->action) {
	case ACT_AUDIT_VERIFY:
		/* 1 broken chain, 2 unreadable file: both a failure here. */
		return audit_verify_files(o.files, o.n_files, &o.verify, stdout,
		    o.json) == 0 ? EXIT_DONE : EXIT_REFUSED;
	case ACT_WATCH:
		return run_watch(&o);
	default:
		return run_once(&o);
	}
}
