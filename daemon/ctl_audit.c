/*
 * ctl_audit.c: `wardenctl audit show` (ctl_audit.h): the files read line
 * by line, each line through audit_show_line(), the ones kept printed
 * (or, with --json, written as they are). -n keeps the last records in
 * memory, so that a pipe (<(zcat audit.jsonl.1.gz)) reads as a file.
 */
#include "ctl_audit.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

/* A line kept for -n, with where it came from. */
struct kept {
	char *line;
	size_t len;
	const char *path;
	uint64_t line_no;
	int is_record;
};

/* The lines kept, oldest first: at most `last` records, and the
 * unreadable lines after the first of them. */
struct window {
	struct kept *k;
	size_t head, n, cap;
	size_t records;
	long last;
};

struct reading {
	const struct ctl_audit_options *o;
	struct audit_show rd;           /* decides what is kept */
	struct audit_show pr;           /* prints (its own zone headers) */
	struct window win;
	FILE *out;
	int failed;                     /* out of memory */
};

static void __attribute__((format(printf, 1, 2)))
say(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "wardenctl: audit show: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* A line kept: printed, or passed through. */
static void
emit(struct reading *r, const char *line, size_t len, const char *path,
    uint64_t line_no)
{
	struct audit_show_entry e;

	(void)audit_show_line(&r->pr, line, len, &e);
	if (!r->o->json)
		audit_show_print(&r->pr, r->out, &e, path, line_no);
	else if (e.kind == AUDIT_SHOW_RECORD) {
		fwrite(line, 1, len, r->out);
		fputc('\n', r->out);
	} else
		fprintf(stderr, "wardenctl: audit show: unreadable line %"
		    PRIu64 " of %s: %s\n", line_no, path, e.why);
}

static void
window_pop(struct window *w)
{
	struct kept *k = &w->k[w->head];

	w->records -= (size_t)k->is_record;
	free(k->line);
	w->head++;
	w->n--;
}

static int
window_push(struct window *w, const char *line, size_t len,
    const char *path, uint64_t line_no, int is_record)
{
	struct kept *k;

	if (!is_record && w->records == 0)
		return 0;               /* before the first record kept */
	if (w->head > 0 && w->head + w->n == w->cap) {
		memmove(w->k, w->k + w->head, w->n * sizeof *w->k);
		w->head = 0;
	}
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;

		if ((k = realloc(w->k, cap * sizeof *k)) == NULL)
			return -1;
		w->k = k;
		w->cap = cap;
	}
	k = &w->k[w->head + w->n];
	if ((k->line = malloc(len ? len : 1)) == NULL)
		return -1;
	memcpy(k->line, line, len);
	k->len = len;
	k->path = path;
	k->line_no = line_no;
	k->is_record = is_record;
	w->n++;
	w->records += (size_t)is_record;
	while (w->records > (size_t)w->last)
		window_pop(w);
	while (w->n > 0 && !w->k[w->head].is_record)
		window_pop(w);
	return 0;
}

static void
window_emit(struct reading *r)
{
	struct window *w = &r->win;

	while (w->n > 0) {
		struct kept *k = &w->k[w->head];

		emit(r, k->line, k->len, k->path, k->line_no);
		window_pop(w);
	}
}

/* One file, in. 0, or -1 when it cannot be read (said). */
static int
walk(struct reading *r, const char *path, FILE *in)
{
	struct audit_show_entry e;
	uint64_t line_no = 0;
	char *line = NULL;
	size_t cap = 0, len;
	ssize_t got;

	while (!r->failed && (got = getline(&line, &cap, in)) > 0) {
		len = (size_t)got;
		line_no++;
		if (line[len - 1] == '\n')
			len--;
		if (!audit_show_line(&r->rd, line, len, &e))
			continue;
		if (r->o->last == 0)
			emit(r, line, len, path, line_no);
		else if (window_push(&r->win, line, len, path, line_no,
		    e.kind == AUDIT_SHOW_RECORD) == -1)
			r->failed = 1;
	}
	free(line);
	if (ferror(in)) {
		say("cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* The audit_log of the configuration, into *cfg; NULL when it cannot be
 * read (said). */
static const char *
configured_log(const struct ctl_audit_options *o, struct config **cfg)
{
	const char *path = o->config != NULL ? o->config : CTL_AUDIT_CONFIG;
	char *errors = NULL;

	if ((*cfg = config_load(path, &errors)) != NULL)
		return (*cfg)->audit_log;
	fprintf(stderr, "%s", errors != NULL ? errors : "");
	say("no FILE given, and %s%s does not load: name the log, as in "
	    "wardenctl audit show /var/lib/warden/audit.jsonl", path,
	    o->config != NULL ? " (-c)" : "");
	free(errors);
	return NULL;
}

static int
read_all(struct reading *r, const char *const *files, size_t n)
{
	FILE **in = calloc(n, sizeof *in);
	size_t i;
	int rc = 0;

	if (in == NULL) {
		say("out of memory");
		return -1;
	}
	/* Every file opens before anything is shown. */
	for (i = 0; rc == 0 && i < n; i++)
		if ((in[i] = fopen(files[i], "re")) == NULL) {
			say("cannot open %s: %s", files[i], strerror(errno));
			rc = -1;
		}
	for (i = 0; rc == 0 && i < n; i++)
		rc = walk(r, files[i], in[i]);
	for (i = 0; i < n; i++)
		if (in[i] != NULL)
			fclose(in[i]);
	free(in);
	return rc;
}

int
ctl_audit_show(const char *const *files, size_t n,
    const struct ctl_audit_options *o, FILE *out)
{
	struct reading r = { .o = o, .out = out, .win.last = o->last };
	struct config *cfg = NULL;
	const char *log;
	int rc = -1;

	if (n == 0) {
		if ((log = configured_log(o, &cfg)) == NULL)
			return -1;
		files = &log;
		n = 1;
	}
	if (audit_show_init(&r.rd, &o->filter) == -1 ||
	    audit_show_init(&r.pr, NULL) == -1)
		say("cannot hash: libcrypto failed");
	else
		rc = read_all(&r, files, n);
	if (rc == 0 && !r.failed)
		window_emit(&r);
	while (r.win.n > 0)
		window_pop(&r.win);
	free(r.win.k);
	if (r.failed) {
		say("out of memory");
		rc = -1;
	} else if (rc == 0 && r.rd.unreadable > 0)
		fprintf(stderr, "wardenctl: audit show: %" PRIu64 " unreadable "
		    "line(s): cut short by a crash, or edited (wardenctl audit "
		    "verify says more)\n", r.rd.unreadable);
	audit_show_free(&r.rd);
	audit_show_free(&r.pr);
	config_free(cfg);
	if (rc == 0 && (fflush(out) == EOF || ferror(out))) {
		say("cannot write: %s", strerror(errno));
		rc = -1;
	}
	return rc;
}
