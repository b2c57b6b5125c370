/*
 * wardenctl: the operators' tool. Talks to wardend over its control
 * socket (control_proto.h), one request line and one answer line at a
 * time; `audit verify` and `audit show` read the audit log themselves
 * and need no daemon.
 *
 * Exit status: 0 done, 1 refused or failed, 2 usage, 3 wardend not
 * reachable (no socket, nobody listening, no permission, no answer
 * within CTL_TIMEOUT_MS, or --timeout). health: 0 fit, 1 unfit.
 *
 * This file is the command line and the commands; the connection is
 * ctl_link.c, what people read of an answer ctl_show.c.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "config.h"
#include "control_proto.h"
#include "ctl_audit.h"
#include "ctl_health.h"
#include "ctl_link.h"
#include "ctl_show.h"
#include "json.h"
#include "pair_role.h"

#define DEFAULT_SOCKET "/run/warden/control.sock"
#define WATCH_INTERVAL_MS 1000
/* keepalived asks every second: an answer later than that is none. */
#define HEALTH_TIMEOUT_MS 1000
#define CTL_WORDS_MAX 66                /* audit verify (or show) and 64
					   files */

enum { EXIT_DONE, EXIT_REFUSED, EXIT_USAGE, EXIT_UNREACHABLE };

enum ctl_action { ACT_STATUS, ACT_WATCH, ACT_TAKEOVER, ACT_RELEASE,
	ACT_RELOAD, ACT_AUDIT_VERIFY, ACT_ALARMS, ACT_ON_POINT,
	ACT_AUDIT_SHOW, ACT_LEARN, ACT_ROLE, ACT_HEALTH };

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
	{ "alarms", ACT_ALARMS, CONTROL_ALARMS },
	{ "ack", ACT_ON_POINT, CONTROL_ACK },
	{ "shelve", ACT_ON_POINT, CONTROL_SHELVE },
	{ "unshelve", ACT_ON_POINT, CONTROL_UNSHELVE },
	{ "bypass", ACT_ON_POINT, CONTROL_BYPASS },
	{ "unbypass", ACT_ON_POINT, CONTROL_UNBYPASS },
	{ "learn", ACT_LEARN, CONTROL_LEARN },
	{ "role", ACT_ROLE, CONTROL_ROLE },
	{ "health", ACT_HEALTH, CONTROL_HEALTH },
	{ "audit", ACT_AUDIT_VERIFY, CONTROL_NONE },        /* verify FILE */
};
/* audit show [FILE...]: the word after audit chooses it. */
static const struct ctl_word audit_show_word =
	{ "audit show", ACT_AUDIT_SHOW, CONTROL_NONE };

struct ctl_options {
	const char *socket;
	int json;
	const char *reason;
	const char *point;              /* ack, shelve ... POINT */
	int role;                       /* role ROLE: enum pair_role */
	const char *duration;           /* --for, as given */
	double seconds;                 /* --for */
	const char *margin_text;        /* --margin, as given */
	double margin;                  /* --margin, % */
	long count;                     /* watch -n; 0: until a signal */
	const char *timeout_text;       /* --timeout, as given */
	int timeout_ms;                 /* --timeout; 0: the command's
					 * default */
	const struct ctl_word *word;
	const char *words[CTL_WORDS_MAX];       /* the command and its files */
	const char *const *files;       /* audit verify FILE... */
	size_t n_files;
	struct audit_verify_options verify;     /* --pubkey, --head */
	struct ctl_audit_options show;  /* -c, --since, --until, --event,
					 * --point; -n as count */
	int show_options;               /* one of them given */
};

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
	    "  alarms                 the alarm list (ISA-18.2 states) and the\n"
	    "                         shelves and bypasses in force\n"
	    "  ack POINT [-r reason]  acknowledge the alarms of a point/device\n"
	    "  shelve POINT --for 30m -r reason\n"
	    "                         hide a point's alarms for a while\n"
	    "  unshelve POINT [-r reason]\n"
	    "  bypass POINT --for 1h -r reason\n"
	    "                         keep a point's trips from taking over\n"
	    "                         for a while (release group)\n"
	    "  unbypass POINT [-r reason]\n"
	    "  role active|standby|fault\n"
	    "                         this node's role in its pair, as\n"
	    "                         keepalived's notify says (release group)\n"
	    "  learn [--margin 10%%]  in mode: monitor, a warden.yaml proposed\n"
	    "                         from what the AI read and wrote (stdout)\n"
	    "  health                 fit to be the active node of a pair?\n"
	    "                         \"fit\" (exit 0) or \"unfit: why\" (exit 1)\n"
	    "  audit verify [--pubkey key.pub] [--head audit.head] file...\n"
	    "                         check the audit log's hash chain, its\n"
	    "                         signed checkpoints, that no tail was cut\n"
	    "  audit show [-c warden.yaml] [--since T] [--until T] [--event E]\n"
	    "             [--point P] [-n count] [file...]\n"
	    "                         the audit log, newest last (default: the\n"
	    "                         audit_log of " CTL_AUDIT_CONFIG ");\n"
	    "                         T: 2026-12-05T14:00:00Z, 2026-12-05 14:00\n"
	    "                         (local), 30m, 2h, 1d (ago)\n"
	    "socket: -s, else $WARDEN_SOCKET, else " DEFAULT_SOCKET "\n"
	    "--timeout T: give up on wardend after T (250ms, 2s; default 5 s,\n"
	    "             health 1 s)\n");
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

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* An option of audit show at argv[*i]: EXIT_DONE taken, EXIT_USAGE
 * (said), 1 not one of them. */
static int
show_option(int argc, char *argv[], int *i, struct ctl_options *o)
{
	struct audit_show_filter *f = &o->show.filter;
	const char *a = argv[*i], *v;
	char err[ERR_LEN];
	int rc;

	if (strcmp(a, "-c") != 0 && strcmp(a, "--since") != 0 &&
	    strcmp(a, "--until") != 0 && strcmp(a, "--event") != 0 &&
	    strcmp(a, "--point") != 0)
		return 1;
	if ((v = option_value(argc, argv, i)) == NULL)
		return usage_error("%s needs a value", a);
	o->show_options = 1;
	if (a[1] == 'c') {
		o->show.config = v;
		return EXIT_DONE;
	}
	if (strcmp(a, "--since") == 0) {
		f->has_since = 1;
		rc = audit_show_time_parse(v, now_us(), &f->since_us, err);
	} else if (strcmp(a, "--until") == 0) {
		f->has_until = 1;
		rc = audit_show_time_parse(v, now_us(), &f->until_us, err);
	} else if (a[2] == 'e')
		rc = audit_show_filter_events(f, v, err);
	else
		rc = audit_show_filter_point(f, v, err);
	return rc == 0 ? EXIT_DONE : usage_error("%s: %s", a, err);
}

/* "10%" or "10": 0 to CONTROL_MARGIN_MAX percent. */
static int
parse_margin(const char *text, double *margin)
{
	char *end;

	errno = 0;
	*margin = strtod(text, &end);
	if (end != text && *end == '%')
		end++;
	return errno == 0 && end != text && *end == '\0' && *margin >= 0 &&
	    *margin <= CONTROL_MARGIN_MAX ? 0 : -1;
}

/* --timeout: 1 ms to an hour, in whole milliseconds. */
static int
parse_timeout(const char *text, int *ms)
{
	double seconds;

	if (config_parse_duration(text, &seconds) == -1 ||
	    !(seconds >= 0.001 && seconds <= 3600))
		return -1;
	*ms = (int)(seconds * 1000 + 0.5);
	return 0;
}

/* Options may come before or after the command words. */
static int
collect(int argc, char *argv[], struct ctl_options *o, const char **words,
    int *n_words)
{
	const char *v;
	int i, rc, options_done = 0;

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
		} else if (strcmp(a, "--for") == 0) {
			if ((v = option_value(argc, argv, &i)) == NULL)
				return usage_error("--for needs a length of "
				    "time, e.g. --for 30m");
			o->duration = v;
		} else if (strcmp(a, "--timeout") == 0) {
			if ((v = option_value(argc, argv, &i)) == NULL)
				return usage_error("--timeout needs a length "
				    "of time, e.g. --timeout 500ms");
			o->timeout_text = v;
		} else if (strcmp(a, "--margin") == 0) {
			if ((v = option_value(argc, argv, &i)) == NULL)
				return usage_error("--margin needs a "
				    "percentage, e.g. --margin 10%%");
			o->margin_text = v;
		} else if (strcmp(a, "-s") == 0 || strcmp(a, "-r") == 0 ||
		    strcmp(a, "--reason") == 0 || strcmp(a, "-n") == 0) {
			if ((v = option_value(argc, argv, &i)) == NULL)
				return usage_error("%s needs a value", a);
			if (a[1] == 's')
				o->socket = v;
			else if (a[1] == 'n') {
				if (parse_count(v, &o->count) == -1)
					return usage_error("-n wants a count, "
					    "1 or more, not \"%s\"", v);
			} else
				o->reason = v;
		} else if ((rc = show_option(argc, argv, &i, o)) != 1) {
			if (rc != EXIT_DONE)
				return rc;
		} else
			return usage_error("unknown option %s", a);
	}
	return EXIT_DONE;
}

static int
parse_args(int argc, char *argv[], struct ctl_options *o)
{
	const char **words = o->words;
	char err[ERR_LEN];
	int n_words = 0, rc;

	memset(o, 0, sizeof *o);
	if ((rc = collect(argc, argv, o, words, &n_words)) != EXIT_DONE)
		return rc;
	if (n_words == 0)
		return usage_error("no command given");
	if ((o->word = word_lookup(words[0])) == NULL)
		return usage_error("unknown command \"%s\"", words[0]);
	if (o->word->action == ACT_AUDIT_VERIFY && n_words >= 2 &&
	    strcmp(words[1], "show") == 0) {
		o->word = &audit_show_word;
		o->files = words + 2;
		o->n_files = (size_t)n_words - 2;
		o->show.last = o->count;
		o->show.json = o->json;
	} else if (o->word->action == ACT_AUDIT_VERIFY) {
		if (n_words < 3 || strcmp(words[1], "verify") != 0)
			return usage_error("audit wants: audit verify FILE... "
			    "or audit show [FILE...]");
		o->files = words + 2;
		o->n_files = (size_t)n_words - 2;
	} else if (o->word->action == ACT_ON_POINT) {
		if (n_words != 2)
			return usage_error("%s wants one point (or device): "
			    "wardenctl %s POINT", o->word->word,
			    o->word->word);
		o->point = words[1];
	} else if (o->word->action == ACT_ROLE) {
		if (n_words != 2 || (o->role = pair_role_from_name(words[1]))
		    < 0)
			return usage_error("role wants one of active, standby "
			    "or fault: wardenctl role standby");
	} else if (n_words > 1)
		return usage_error("%s takes no arguments, not \"%s\"",
		    o->word->word, words[1]);
	if (control_command_takes_for(o->word->command)) {
		if (o->duration == NULL)
			return usage_error("%s needs --for: wardenctl %s POINT "
			    "--for 30m -r REASON", o->word->word,
			    o->word->word);
		if (config_parse_duration(o->duration, &o->seconds) == -1 ||
		    !(o->seconds > 0))
			return usage_error("--for %s is not a length of time: "
			    "write a number and s, m or h (90s, 30m, 8h)",
			    o->duration);
	} else if (o->duration != NULL)
		return usage_error("--for is for shelve and bypass");
	if (o->timeout_text != NULL && parse_timeout(o->timeout_text,
	    &o->timeout_ms) == -1)
		return usage_error("--timeout %s is not a length of time: "
		    "write a number and ms, s, m or h (500ms, 2s), from 1ms "
		    "to 1h",
		    o->timeout_text);
	if (o->timeout_text == NULL && o->word->action == ACT_HEALTH)
		o->timeout_ms = HEALTH_TIMEOUT_MS;
	o->margin = CONTROL_MARGIN_DEFAULT;
	if (o->margin_text != NULL && o->word->action != ACT_LEARN)
		return usage_error("--margin is for learn");
	if (o->margin_text != NULL && parse_margin(o->margin_text,
	    &o->margin) == -1)
		return usage_error("--margin wants a percentage from 0 to "
		    "%.0f, e.g. 10%%, not \"%s\"", CONTROL_MARGIN_MAX,
		    o->margin_text);
	if (o->count != 0 && o->word->action != ACT_WATCH &&
	    o->word->action != ACT_AUDIT_SHOW)
		return usage_error("-n is for watch and audit show");
	if (o->show_options && o->word->action != ACT_AUDIT_SHOW)
		return usage_error("-c, --since, --until, --event and --point "
		    "are for audit show");
	if ((o->verify.pubkey != NULL || o->verify.head != NULL) &&
	    o->word->action != ACT_AUDIT_VERIFY)
		return usage_error("--pubkey and --head are for audit verify");
	if (!control_command_needs_reason(o->word->command) &&
	    !control_command_takes_point(o->word->command)) {
		if (o->reason != NULL)
			return usage_error("-r is for takeover, release and "
			    "the commands on a point");
	} else if (o->reason != NULL) {
		if (control_reason_check(o->reason, err) == -1)
			return usage_error("%s", err);
	} else if (control_command_needs_reason(o->word->command))
		return usage_error("%s needs a reason: wardenctl %s%s -r "
		    "REASON", o->word->word, o->word->word,
		    control_command_takes_for(o->word->command) ?
		    " POINT --for 30m" : "");
	if (o->socket == NULL && (o->socket = getenv("WARDEN_SOCKET")) == NULL)
		o->socket = DEFAULT_SOCKET;
	return EXIT_DONE;
}

/* ---- commands ---- */

static int
answer_ok(const struct json_value *answer)
{
	struct json_value v;

	return json_object_get(answer, "ok", &v) == 0 && v.type == JSON_TRUE;
}

/* What is asked of wardend, from the command line. */
static int
request_build(const struct ctl_options *o, struct control_request *req)
{
	memset(req, 0, sizeof *req);
	req->command = o->word->command;
	if (o->reason != NULL)
		snprintf(req->reason, sizeof req->reason, "%s", o->reason);
	if (o->point != NULL) {
		if (strlen(o->point) >= sizeof req->point) {
			fprintf(stderr, "wardenctl: no point or device has a "
			    "name that long: %s\n", o->point);
			return -1;
		}
		snprintf(req->point, sizeof req->point, "%s", o->point);
	}
	req->seconds = o->seconds;
	req->margin = o->margin;
	req->role = o->role;
	return 0;
}

/* health's answer: 0 fit, 1 unfit (or an answer that says neither). */
static int
run_health(const struct ctl_options *o, struct ctl_link *l,
    const struct json_value *answer, size_t line_len)
{
	int fit;

	if (o->json) {
		printf("%.*s\n", (int)line_len, l->buf);
		fit = ctl_health_fit(answer);
	} else
		fit = ctl_health_show(stdout, answer);
	if (fit == -1)
		fprintf(stderr, "wardenctl: health: the answer says neither "
		    "fit nor unfit\n");
	ctl_link_close(l);
	return fit == 1 ? EXIT_DONE : EXIT_REFUSED;
}

static int
run_once(const struct ctl_options *o)
{
	struct ctl_link l = { .path = o->socket, .fd = -1, .sigfd = -1,
	    .timeout_ms = o->timeout_ms };
	struct control_request req;
	struct json_value answer, acked;
	size_t line_len = 0;
	char err[ERR_LEN];
	uint64_t n;
	int ok;

	if (request_build(o, &req) == -1)
		return EXIT_USAGE;
	if (ctl_link_request(&l, &req, &answer, &line_len, err) !=
	    CTL_LINK_OK) {
		fprintf(stderr, "wardenctl: %s\n", err);
		ctl_link_close(&l);
		return EXIT_UNREACHABLE;
	}
	ok = answer_ok(&answer);
	if (ok && o->word->action == ACT_HEALTH)
		return run_health(o, &l, &answer, line_len);
	if (o->json)
		printf("%.*s\n", (int)line_len, l.buf);
	else if (!ok)
		ctl_show_refusal(o->word->word, &answer);
	else if (o->word->action == ACT_STATUS)
		ctl_show_status(stdout, &answer);
	else if (o->word->action == ACT_ALARMS)
		ctl_show_alarms(stdout, &answer);
	else if (o->word->action == ACT_LEARN) {
		if (ctl_show_learn(stdout, stderr, &answer) == -1) {
			fprintf(stderr, "wardenctl: learn: the answer holds "
			    "no proposal wardenctl can read\n");
			ok = 0;
		}
	}
	else if (o->word->command == CONTROL_ACK &&
	    json_object_get(&answer, "acked", &acked) == 0 &&
	    json_get_uint64(&acked, &n) == 0)
		printf("ack: %llu alarm%s of %s acknowledged\n",
		    (unsigned long long)n, n == 1 ? "" : "s", o->point);
	else {
		printf("%s: done\n", o->word->word);
		ctl_show_warning(o->word->word, &answer);
	}
	ctl_link_close(&l);
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

/* One refresh: 0 shown, -1 unreachable (said), -2 signalled, 1 refused
 * (said): the caller may not view, which no retry changes. */
static int
watch_once(const struct ctl_options *o, struct ctl_link *l,
    size_t *line_len, int tty)
{
	struct json_value answer;
	enum ctl_link_status st;
	char err[ERR_LEN];

	st = ctl_link_exchange(l, CONTROL_STATUS, NULL, &answer, line_len,
	    err);
	if (st == CTL_LINK_SIGNALLED)
		return -2;
	if (st != CTL_LINK_OK) {
		*line_len = 0;
		l->len = 0;
		if (!o->json)
			ctl_show_watch_header(o->socket, tty);
		fprintf(stderr, "wardenctl: %s (retrying)\n", err);
		return -1;
	}
	if (o->json)
		printf("%.*s\n", (int)*line_len, l->buf);
	else if (!answer_ok(&answer))
		ctl_show_refusal("watch", &answer);
	else {
		ctl_show_watch_header(o->socket, tty);
		ctl_show_status(stdout, &answer);
	}
	return answer_ok(&answer) ? 0 : 1;
}

static int
run_watch(const struct ctl_options *o)
{
	struct ctl_link l = { .path = o->socket, .fd = -1, .sigfd = -1,
	    .timeout_ms = o->timeout_ms };
	size_t line_len = 0;
	int tty = isatty(STDOUT_FILENO), rc = 0;
	enum ctl_link_status st;
	char err[ERR_LEN];
	long n;

	if ((l.sigfd = watch_signals()) == -1) {
		fprintf(stderr, "wardenctl: watch: %s\n", strerror(errno));
		return EXIT_REFUSED;
	}
	/* The first connection decides whether there is a wardend at all. */
	if ((st = ctl_link_connect(&l, err)) != CTL_LINK_OK) {
		if (st == CTL_LINK_UNREACHABLE)
			fprintf(stderr, "wardenctl: %s\n", err);
		ctl_link_close(&l);
		close(l.sigfd);
		return st == CTL_LINK_UNREACHABLE ? EXIT_UNREACHABLE :
		    EXIT_DONE;
	}
	for (n = 0; o->count == 0 || n < o->count; n++) {
		if (n > 0 && ctl_link_pause(&l, WATCH_INTERVAL_MS) == -2)
			break;
		if ((rc = watch_once(o, &l, &line_len, tty)) == -2 || rc == 1)
			break;
		fflush(stdout);
	}
	ctl_link_close(&l);
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
	case ACT_AUDIT_SHOW:
		return ctl_audit_show(o.files, o.n_files, &o.show, stdout) == 0 ?
		    EXIT_DONE : EXIT_REFUSED;
	case ACT_WATCH:
		return run_watch(&o);
	default:
		return run_once(&o);
	}
}
