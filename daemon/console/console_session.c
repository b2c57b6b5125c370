/*
 * console_session.c: the session table (console_session.h).
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "console_session.h"

struct session {
	int used;
	char id[SESSION_TOKEN_LEN + 1];
	struct session_info info;
	double created, last;
};

struct sessions {
	pthread_mutex_t lock;
	double idle, max_age;
	struct session s[SESSION_MAX];
};

struct sessions *
sessions_new(double idle, double max_age)
{
	struct sessions *s = calloc(1, sizeof *s);

	if (s == NULL)
		return NULL;
	pthread_mutex_init(&s->lock, NULL);
	s->idle = idle;
	s->max_age = max_age;
	return s;
}

void
sessions_free(struct sessions *s)
{
	if (s == NULL)
		return;
	pthread_mutex_destroy(&s->lock);
	explicit_bzero(s->s, sizeof s->s);
	free(s);
}

int
session_token_equal(const char *a, const char *b)
{
	unsigned char diff = 0;
	size_t i;

	if (a == NULL || b == NULL ||
	    strnlen(a, SESSION_TOKEN_LEN + 1) != SESSION_TOKEN_LEN ||
	    strnlen(b, SESSION_TOKEN_LEN + 1) != SESSION_TOKEN_LEN)
		return 0;
	for (i = 0; i < SESSION_TOKEN_LEN; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0;
}

unsigned
session_right_bit(const char *name)
{
	static const struct {
		const char *name;
		unsigned bit;
	} rights[] = {
		{ "view", RIGHT_VIEW }, { "takeover", RIGHT_TAKEOVER },
		{ "release", RIGHT_RELEASE }, { "reload", RIGHT_RELOAD },
	};
	size_t i;

	for (i = 0; i < sizeof rights / sizeof rights[0]; i++)
		if (strcmp(rights[i].name, name) == 0)
			return rights[i].bit;
	return 0;
}

static int
session_token(char out[SESSION_TOKEN_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[SESSION_TOKEN_LEN / 2];
	size_t got = 0, i;
	ssize_t n;

	while (got < sizeof raw) {
		n = getrandom(raw + got, sizeof raw - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		got += (size_t)n;
	}
	for (i = 0; i < sizeof raw; i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 0xf];
	}
	out[SESSION_TOKEN_LEN] = '\0';
	explicit_bzero(raw, sizeof raw);
	return 0;
}

static double
session_expires(const struct sessions *s, const struct session *e)
{
	double idle_end = e->last + s->idle, end = e->created + s->max_age;

	return idle_end < end ? idle_end : end;
}

/* The slot for a new session: a free or expired one; NULL when full. */
static struct session *
session_free_slot(struct sessions *s, double now)
{
	size_t i;

	for (i = 0; i < SESSION_MAX; i++)
		if (!s->s[i].used || session_expires(s, &s->s[i]) <= now)
			return &s->s[i];
	return NULL;
}

int
sessions_create(struct sessions *s, const struct session_user *who,
    double now, char id[SESSION_TOKEN_LEN + 1], struct session_info *info,
    char err[ERR_LEN])
{
	struct session *e;
	int rc = -1;

	pthread_mutex_lock(&s->lock);
	if ((e = session_free_slot(s, now)) == NULL) {
		errmsg_set(err, "%d sessions are open, the most this console "
		    "keeps: log out elsewhere or wait until one expires",
		    SESSION_MAX);
		goto out;
	}
	memset(e, 0, sizeof *e);
	if (session_token(e->id) == -1 || session_token(e->info.csrf) == -1) {
		errmsg_set(err, "no random bytes for a session: %s",
		    strerror(errno));
		memset(e, 0, sizeof *e);
		goto out;
	}
	e->used = 1;
	e->info.who = *who;
	e->created = e->last = now;
	e->info.expires = session_expires(s, e);
	memcpy(id, e->id, sizeof e->id);
	*info = e->info;
	rc = 0;
out:
	pthread_mutex_unlock(&s->lock);
	return rc;
}

/* Every slot is compared, so the time taken says nothing of which
 * session matched or how much of an id was right. */
static struct session *
session_lookup(struct sessions *s, const char *id)
{
	struct session *found = NULL;
	size_t i;

	for (i = 0; i < SESSION_MAX; i++)
		if (s->s[i].used && session_token_equal(s->s[i].id, id))
			found = &s->s[i];
	return found;
}

int
sessions_find(struct sessions *s, const char *id, double now, int touch,
    struct session_info *info)
{
	struct session *e;
	int rc = -1;

	pthread_mutex_lock(&s->lock);
	if ((e = session_lookup(s, id)) == NULL)
		goto out;
	if (session_expires(s, e) <= now) {
		memset(e, 0, sizeof *e);
		goto out;
	}
	if (touch)
		e->last = now;
	e->info.expires = session_expires(s, e);
	*info = e->info;
	rc = 0;
out:
	pthread_mutex_unlock(&s->lock);
	return rc;
}

int
sessions_end(struct sessions *s, const char *id)
{
	struct session *e;
	int rc = -1;

	pthread_mutex_lock(&s->lock);
	if ((e = session_lookup(s, id)) != NULL) {
		memset(e, 0, sizeof *e);
		rc = 0;
	}
	pthread_mutex_unlock(&s->lock);
	return rc;
}
