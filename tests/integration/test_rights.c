/*
 * test_rights.c: who may do what through the control socket, run as
 * another user (ctl_as.h) with the groups each role has. Every user can
 * reach the socket (mode 0666); each command is checked on its own right
 * (control_rights.h): a takeover-only user may look and take over, a
 * release-only user may look, release and reload, a view-only user may
 * only look, and with view_group set only its members and root may look.
 * A user with no right at all gets a refusal naming the groups (exit 1,
 * not "not reachable"), audited on a budget, one answer per connection
 * and a few connections at once. Refusals are audited as
 * command_denied with user, uid, command and right. The groups and the
 * socket's mode follow a reload.
 *
 * Runs as root with the groups every Debian has: user nobody; nogroup
 * (takeover_group), staff (release_group), users (view_group where set);
 * and a gid no group owns for the user without rights. Nothing is added
 * to the system's user or group database.
 */
#include <grp.h>
#include <pwd.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "audit_query.h"
#include "ctl.h"
#include "ctl_as.h"
#include "world.h"
#include "textedit.h"

#define RIGHTS_TIMEOUT 5.0
#define RIGHTS_GROUPS "takeover_group: nogroup, release_group: staff"
#define RIGHTS_VIEW ", view_group: users"
/* What wardend audits of refusals anyone can provoke: LOG_BUDGET_LIMIT
 * per LOG_BUDGET_WINDOW seconds (log.c). */
#define BUDGET_LIMIT 10
#define BUDGET_WINDOW 10.0
#define FLOOD 25
/* Connections wardend serves at once to users holding no right
 * (CONTROL_MAX_RIGHTLESS in control.c). */
#define RIGHTLESS_MAX 4

#define RIGHTS_BODY \
	"mode: enforce\n" \
	"initial_state: auto\n" \
	"points:\n" \
	"  - {name: valve, device: tank1, table: holding, address: 0,\n" \
	"     write: {min: 0, max: 1000}}\n" \
	"takeover:\n" \
	"  safe_state:\n" \
	"    - {point: valve, value: 0}\n"

/* The ids the tests run as. */
struct ids {
	uid_t nobody;
	gid_t nogroup;                  /* takeover_group */
	gid_t staff;                    /* release_group */
	gid_t users;                    /* view_group, where set */
	gid_t stranger;                 /* no group has it */
};

struct rights {
	struct world *w;
	struct ids id;
	struct ctl_result res;
	char why[8192];
};

static int
rights_teardown(void **state)
{
	struct rights *t = *state;
	int rc;

	if (t == NULL)
		return 0;
	rc = t->w != NULL ? world_free(t->w) : 0;
	free(t);
	return rc;
}

static gid_t
group_id(const char *name)
{
	const struct group *gr = getgrnam(name);

	return gr != NULL ? gr->gr_gid : 0;
}

/* 0 when running as root and every id exists; else why not in why. */
static int
ids_find(struct ids *id, char *why, size_t cap)
{
	const struct passwd *pw = getpwnam("nobody");

	memset(id, 0, sizeof(*id));
	if (geteuid() != 0 || pw == NULL || pw->pw_uid == 0) {
		snprintf(why, cap, "needs root and user nobody");
		return -1;
	}
	id->nobody = pw->pw_uid;
	id->nogroup = group_id("nogroup");
	id->staff = group_id("staff");
	id->users = group_id("users");
	if (id->nogroup == 0 || id->staff == 0 || id->users == 0) {
		snprintf(why, cap, "needs groups nogroup, staff and users");
		return -1;
	}
	for (id->stranger = 54321; getgrgid(id->stranger) != NULL;
	    id->stranger++)
		;
	return 0;
}

/* plcsim and wardend with the control keys given, the socket reachable
 * by nobody through the test's private dir. */
static int
rights_start(void **state, const char *control_keys)
{
	struct rights *t = calloc(1, sizeof(*t));

	*state = t;
	if (t == NULL)
		return -1;
	if (ids_find(&t->id, t->why, sizeof(t->why)) == -1)
		return 0;               /* each test skips */
	if ((t->w = world_new_tank(NULL, NULL)) == NULL)
		goto failed;
	snprintf(t->w->control, sizeof(t->w->control), "%s", control_keys);
	if (chmod(t->w->dir, 0711) == 0 && world_start(t->w, RIGHTS_BODY) == 0)
		return 0;
	t->w->failed = 1;
failed:
	rights_teardown(state);
	*state = NULL;
	return -1;
}

static int
rights_setup(void **state)
{
	return rights_start(state, RIGHTS_GROUPS);
}

static int
rights_setup_view(void **state)
{
	return rights_start(state, RIGHTS_GROUPS RIGHTS_VIEW);
}

static struct rights *
rights_of(void **state)
{
	struct rights *t = *state;

	if (t->w == NULL) {
		fprintf(stderr, "skipped: %s\n", t->why);
		skip();
	}
	return t;
}

static void
expect_text(const char *haystack, const char *needle, const char *what)
{
	if (strstr(haystack, needle) == NULL)
		fail_msg("%s does not say \"%s\": %s", what, needle, haystack);
}

static void
expect_exit(struct rights *t, int want, const char *what)
{
	if (t->res.status != want)
		fail_msg("%s: exit %d, wanted %d; stdout: %s stderr: %s", what,
		    t->res.status, want, t->res.out, t->res.err);
}

static void
wait_state(struct rights *t, const char *state)
{
	struct ctl_status st;

	if (ctl_wait(t->w, state, NULL, 0, RIGHTS_TIMEOUT, &st, t->why,
	    sizeof(t->why)) != 0)
		fail_msg("%s", t->why);
}

static void
expect_socket_mode(struct rights *t, const char *when)
{
	struct stat sb;

	assert_int_equal(stat(t->w->socket, &sb), 0);
	if ((sb.st_mode & 07777) != 0666)
		fail_msg("control socket %s: mode %04o, wanted 0666",
		    when, (unsigned)(sb.st_mode & 07777));
}

/* The first command_denied record of command after line after: user
 * nobody, its uid, and the right named. Returns its line. */
static int
expect_denied(struct rights *t, int after, const char *command,
    const char *right)
{
	char line[4096], want[64];
	int at;

	at = audit_query_line(t->w->audit, after, "command_denied",
	    "command", command, line, sizeof(line));
	if (at <= 0)
		fail_msg("no command_denied of %s after line %d", command,
		    after);
	expect_text(line, "\"user\":\"nobody\"", "the command_denied record");
	snprintf(want, sizeof(want), "\"uid\":%u,", (unsigned)t->id.nobody);
	expect_text(line, want, "the command_denied record");
	snprintf(want, sizeof(want), "\"right\":\"%s\"", right);
	expect_text(line, want, "the command_denied record");
	return at;
}

/* command_denied records of nobody after line after. */
static int
count_denied(struct rights *t, int after)
{
	char uid[32];
	int n = 0, at = after;

	snprintf(uid, sizeof(uid), "%u", (unsigned)t->id.nobody);
	while ((at = audit_query_find(t->w->audit, at, "command_denied",
	    "uid", uid)) > 0)
		n++;
	return n;
}

/* The first command_denied record of nobody that says how many were
 * left out: its line, or 0. */
static int
find_suppressed(struct rights *t, char *record, size_t cap)
{
	char uid[32];
	int at = 0;

	snprintf(uid, sizeof(uid), "%u", (unsigned)t->id.nobody);
	while ((at = audit_query_line(t->w->audit, at, "command_denied",
	    "uid", uid, record, cap)) > 0)
		if (strstr(record, "\"suppressed\":") != NULL)
			return at;
	return 0;
}

static void
root_run(struct rights *t, const char *cmd, const char *state)
{
	ctl_run(t->w, &t->res, cmd, "-r", "root acts", (char *)NULL);
	expect_exit(t, 0, cmd);
	wait_state(t, state);
}

/*
 * Takeover-only (nobody in nogroup): looks (view_group is not set, so
 * takeover_group may), takes over; may neither release nor reload, each
 * refusal naming release_group, audited with its right.
 */
static void
test_takeover_only_user(void **state)
{
	struct rights *t = rights_of(state);
	uid_t uid = t->id.nobody;
	gid_t gid = t->id.nogroup;
	int line = 0;

	ctl_as_run(t->w, uid, gid, &t->res, "status", (char *)NULL);
	expect_exit(t, 0, "status as a takeover-only user");
	ctl_as_run(t->w, uid, gid, &t->res, "takeover", "-r",
	    "nobody takes over", (char *)NULL);
	expect_exit(t, 0, "takeover as a takeover-only user");
	wait_state(t, "takeover");
	assert_true(audit_query_find(t->w->audit, line, "takeover", "user",
	    "nobody") > 0);

	ctl_as_run(t->w, uid, gid, &t->res, "release", "-r",
	    "nobody hands back", (char *)NULL);
	expect_exit(t, 1, "release as a takeover-only user");
	expect_text(t->res.err, "may not release", "the refusal");
	expect_text(t->res.err, "group staff (control.release_group)",
	    "the refusal");
	line = expect_denied(t, line, "release", "release");
	ctl_as_run(t->w, uid, gid, &t->res, "reload", (char *)NULL);
	expect_exit(t, 1, "reload as a takeover-only user");
	expect_text(t->res.err, "may not reload", "the refusal");
	expect_text(t->res.err, "control.reload_group is not set",
	    "the refusal");
	expect_denied(t, line, "reload", "reload");
	wait_state(t, "takeover");
	root_run(t, "release", "auto");
}

/*
 * Release-only (nobody in staff): reaches the socket, which today's 0660
 * socket of takeover_group kept closed to it; looks and watches, may not
 * take over (refused, audited, nothing changes), releases and reloads.
 */
static void
test_release_only_user(void **state)
{
	struct rights *t = rights_of(state);
	uid_t uid = t->id.nobody;
	gid_t gid = t->id.staff;
	int line = 0;

	expect_socket_mode(t, "at start");
	ctl_as_run(t->w, uid, gid, &t->res, "status", (char *)NULL);
	expect_exit(t, 0, "status as a release-only user");
	expect_text(t->res.out, "AUTO", "status");
	ctl_as_run(t->w, uid, gid, &t->res, "watch", "-n", "1",
	    (char *)NULL);
	expect_exit(t, 0, "watch as a release-only user");
	ctl_as_run(t->w, uid, gid, &t->res, "takeover", "-r",
	    "nobody takes over", (char *)NULL);
	expect_exit(t, 1, "takeover as a release-only user");
	expect_text(t->res.err, "may not take over", "the refusal");
	expect_text(t->res.err, "group nogroup (control.takeover_group)",
	    "the refusal");
	expect_denied(t, line, "takeover", "takeover");
	assert_int_equal(audit_query_find(t->w->audit, line, "takeover",
	    NULL, NULL), 0);
	wait_state(t, "auto");

	root_run(t, "takeover", "takeover");
	ctl_as_run(t->w, uid, gid, &t->res, "release", "-r",
	    "nobody hands back", (char *)NULL);
	expect_exit(t, 0, "release as a release-only user");
	wait_state(t, "auto");
	assert_true(audit_query_find(t->w->audit, line, "release", "user",
	    "nobody") > 0);
	ctl_as_run(t->w, uid, gid, &t->res, "reload", (char *)NULL);
	expect_exit(t, 0, "reload as a release-only user");
	assert_true(audit_query_find(t->w->audit, line, "config_loaded",
	    "user", "nobody") > 0);
}

/*
 * view_group set: only its members and root may look. Release-only and
 * takeover-only users are refused status and watch (naming view_group),
 * keep their own rights, and may look once also in view_group. A
 * view-only user looks and watches, and may not take over, release or
 * reload.
 */
static void
test_view_group_alone_may_look(void **state)
{
	struct rights *t = rights_of(state);
	uid_t uid = t->id.nobody;
	gid_t view = t->id.users;
	int line = 0;

	ctl_as_run(t->w, uid, t->id.staff, &t->res, "status", (char *)NULL);
	expect_exit(t, 1, "status as a release-only user");
	expect_text(t->res.err, "may not view the status", "the refusal");
	expect_text(t->res.err, "group users (control.view_group)",
	    "the refusal");
	line = expect_denied(t, line, "status", "view");
	ctl_as_run(t->w, uid, t->id.staff, &t->res, "watch", "-n", "3",
	    (char *)NULL);
	expect_exit(t, 1, "watch as a release-only user");
	expect_text(t->res.err, "may not view", "watch");
	ctl_as_run_groups(t->w, uid, t->id.staff, &view, 1, &t->res,
	    "status", (char *)NULL);
	expect_exit(t, 0, "status as a release-only user in view_group");
	ctl_as_run(t->w, uid, t->id.nogroup, &t->res, "status",
	    (char *)NULL);
	expect_exit(t, 1, "status as a takeover-only user");
	ctl_as_run(t->w, uid, t->id.nogroup, &t->res, "takeover", "-r",
	    "no need to look", (char *)NULL);
	expect_exit(t, 0, "takeover as a takeover-only user");
	wait_state(t, "takeover");

	ctl_as_run(t->w, uid, view, &t->res, "status", (char *)NULL);
	expect_exit(t, 0, "status as a view-only user");
	expect_text(t->res.out, "TAKEOVER", "status");
	ctl_as_run(t->w, uid, view, &t->res, "watch", "-n", "2",
	    (char *)NULL);
	expect_exit(t, 0, "watch as a view-only user");
	ctl_as_run(t->w, uid, view, &t->res, "release", "-r", "look only",
	    (char *)NULL);
	expect_exit(t, 1, "release as a view-only user");
	expect_text(t->res.err, "group staff (control.release_group)",
	    "the refusal");
	line = expect_denied(t, line, "release", "release");
	ctl_as_run(t->w, uid, view, &t->res, "reload", (char *)NULL);
	expect_exit(t, 1, "reload as a view-only user");
	line = expect_denied(t, line, "reload", "reload");
	wait_state(t, "takeover");
	root_run(t, "release", "auto");
	ctl_as_run(t->w, uid, view, &t->res, "takeover", "-r", "look only",
	    (char *)NULL);
	expect_exit(t, 1, "takeover as a view-only user");
	expect_denied(t, line, "takeover", "takeover");
	wait_state(t, "auto");
}

/*
 * A user in none of the groups reaches the socket and is told, exit 1,
 * which groups would allow what it asked, for status, watch and
 * takeover alike. Its refusals are audited, but at most BUDGET_LIMIT
 * per window: a flood of them leaves the audit log alone, and the next
 * record written says how many were left out.
 */
static void
test_user_without_rights(void **state)
{
	struct rights *t = rights_of(state);
	uid_t uid = t->id.nobody;
	gid_t gid = t->id.stranger;
	int line = 0, attempts = 3, recorded, looped = 0, i;
	double start = harness_now(), windows;
	struct timespec gap = { 0, 200000000 };
	char want[32], record[4096];

	ctl_as_run(t->w, uid, gid, &t->res, "status", (char *)NULL);
	expect_exit(t, 1, "status without rights");
	expect_text(t->res.err, "status refused: user nobody", "the refusal");
	expect_text(t->res.err, "may not view the status; allowed: root, "
	    "group nogroup (control.takeover_group), group staff "
	    "(control.release_group)", "the refusal");
	ctl_as_run(t->w, uid, gid, &t->res, "watch", (char *)NULL);
	expect_exit(t, 1, "watch without rights");
	ctl_as_run(t->w, uid, gid, &t->res, "takeover", "-r", "let me",
	    (char *)NULL);
	expect_exit(t, 1, "takeover without rights");
	expect_text(t->res.err, "group nogroup (control.takeover_group)",
	    "the refusal");
	expect_denied(t, line, "status", "view");
	wait_state(t, "auto");

	for (i = 0; i < FLOOD; i++, attempts++) {
		ctl_as_run(t->w, uid, gid, &t->res, "takeover", "-r",
		    "flood", (char *)NULL);
		expect_exit(t, 1, "a takeover in the flood");
	}
	recorded = count_denied(t, line);
	windows = 1 + (int)((harness_now() - start) / BUDGET_WINDOW);
	if (recorded < 1 || recorded > BUDGET_LIMIT * windows ||
	    recorded >= attempts)
		fail_msg("%d of %d refusals audited in %.1f s", recorded,
		    attempts, harness_now() - start);

	/* Once the window has passed, the next one says how many it left
	 * out: every attempt before it that is not on record. (A machine
	 * so slow that the flood spans windows has it already.) */
	while (find_suppressed(t, record, sizeof(record)) == 0) {
		if (harness_now() - start > 3 * BUDGET_WINDOW)
			fail_msg("no command_denied says \"suppressed\"");
		recorded = count_denied(t, line);
		ctl_as_run(t->w, uid, gid, &t->res, "status", (char *)NULL);
		expect_exit(t, 1, "status without rights");
		attempts++;
		looped = 1;
		nanosleep(&gap, NULL);
	}
	if (looped)
		snprintf(want, sizeof(want), "\"suppressed\":%d,",
		    attempts - 1 - recorded);
	else
		snprintf(want, sizeof(want), "\"suppressed\":");
	expect_text(record, want, "the first record after the window");
	assert_int_equal(ctl_run(t->w, &t->res, "status", (char *)NULL), 0);
}

/* A connection to path with a 5 s read timeout; -1 on failure. */
static int
probe_connect(const char *path)
{
	struct sockaddr_un sun;
	struct timeval tv = { 5, 0 };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) < sizeof(sun.sun_path))
		memcpy(sun.sun_path, path, strlen(path));
	if (fd == -1 || connect(fd, (struct sockaddr *)&sun,
	    sizeof(sun)) == -1 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof(tv)) == -1) {
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
}

/* What the peer sends until it hangs up: 0, or -1 when it does not
 * within the read timeout. */
static int
probe_read_all(int fd, char *buf, size_t cap)
{
	size_t used = 0;
	ssize_t n;

	while (used + 1 < cap && (n = read(fd, buf + used,
	    cap - 1 - used)) > 0)
		used += (size_t)n;
	buf[used] = '\0';
	return n == 0 ? 0 : -1;
}

static int __attribute__((format(printf, 3, 4)))
probe_fail(char *why, size_t cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, cap, fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * As uid/gid with no other group: RIGHTLESS_MAX + 1 connections, the
 * last turned away at once; two requests on the first, one answer and
 * the connection closed. 0, or -1 with why.
 */
static int
probe_rightless(const char *path, uid_t uid, gid_t gid, char *why,
    size_t cap)
{
	static const char two[] = "{\"cmd\":\"status\"}\n{\"cmd\":\"status\"}\n";
	char got[4096];
	int fd[RIGHTLESS_MAX + 1], i;

	if (setgroups(0, NULL) == -1 || setgid(gid) == -1 ||
	    setuid(uid) == -1)
		return probe_fail(why, cap, "cannot become uid %u",
		    (unsigned)uid);
	for (i = 0; i <= RIGHTLESS_MAX; i++)
		if ((fd[i] = probe_connect(path)) == -1)
			return probe_fail(why, cap, "connection %d refused", i);
	if (probe_read_all(fd[RIGHTLESS_MAX], got, sizeof(got)) == -1 ||
	    strstr(got, "users who hold no right") == NULL)
		return probe_fail(why, cap, "connection %d not turned away: "
		    "%.512s", RIGHTLESS_MAX, got);
	if (write(fd[0], two, sizeof(two) - 1) != (ssize_t)sizeof(two) - 1 ||
	    probe_read_all(fd[0], got, sizeof(got)) == -1)
		return probe_fail(why, cap, "no hang-up after the answer: "
		    "%.512s", got);
	if (strchr(got, '\n') != strrchr(got, '\n') ||
	    strstr(got, "may not view") == NULL)
		return probe_fail(why, cap, "wanted one refusal: %.512s", got);
	return 0;
}

/*
 * Users without rights hold at most RIGHTLESS_MAX connections, and each
 * is closed after its first answer: they cannot take the connections
 * operators need. An operator still gets through afterwards.
 */
static void
test_rightless_connections_bounded(void **state)
{
	struct rights *t = rights_of(state);
	int pipefd[2], status;
	char why[1024] = "";
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe(pipefd), 0);
	fflush(NULL);
	if ((pid = fork()) == 0) {
		close(pipefd[0]);
		if (probe_rightless(t->w->socket, t->id.nobody,
		    t->id.stranger, why, sizeof(why)) == 0)
			_exit(0);
		n = write(pipefd[1], why, strlen(why));
		_exit(n > 0 ? 1 : 2);
	}
	assert_true(pid > 0);
	close(pipefd[1]);
	n = read(pipefd[0], why, sizeof(why) - 1);
	why[n > 0 ? n : 0] = '\0';
	close(pipefd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("as a user without rights: %s", why);
	ctl_run(t->w, &t->res, "status", (char *)NULL);
	expect_exit(t, 0, "status as root");
}

/*
 * The groups follow a reload: swapped (staff may take over, nogroup may
 * release), nobody with staff may take over but not release, the
 * refusal naming nogroup; and a socket whose mode was changed is open to
 * all again.
 */
static void
test_groups_follow_reload(void **state)
{
	struct rights *t = rights_of(state);
	uid_t uid = t->id.nobody;
	int line = 0;

	assert_int_equal(textedit_replace(t->w->config, 0, RIGHTS_GROUPS,
	    "takeover_group: staff, release_group: nogroup"), 0);
	assert_int_equal(chmod(t->w->socket, 0600), 0);
	assert_int_equal(kill(t->w->warden, SIGHUP), 0);
	while (audit_query_find(t->w->audit, line, "config_loaded", "user",
	    "SIGHUP") <= 0) {
		struct timespec gap = { 0, 10000000 };

		if (harness_exited(t->w->warden))
			fail_msg("wardend exited on SIGHUP");
		nanosleep(&gap, NULL);
	}
	expect_socket_mode(t, "after a reload");

	ctl_as_run(t->w, uid, t->id.staff, &t->res, "takeover", "-r",
	    "staff takes over", (char *)NULL);
	expect_exit(t, 0, "takeover as nobody with group staff");
	wait_state(t, "takeover");
	ctl_as_run(t->w, uid, t->id.staff, &t->res, "release", "-r",
	    "staff hands back", (char *)NULL);
	expect_exit(t, 1, "release as nobody with group staff");
	expect_text(t->res.err, "group nogroup (control.release_group)",
	    "the refusal");
	ctl_as_run(t->w, uid, t->id.nogroup, &t->res, "release", "-r",
	    "nogroup hands back", (char *)NULL);
	expect_exit(t, 0, "release as nobody with group nogroup");
	wait_state(t, "auto");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_takeover_only_user,
		    rights_setup, rights_teardown),
		cmocka_unit_test_setup_teardown(test_release_only_user,
		    rights_setup, rights_teardown),
		cmocka_unit_test_setup_teardown(
		    test_view_group_alone_may_look, rights_setup_view,
		    rights_teardown),
		cmocka_unit_test_setup_teardown(test_user_without_rights,
		    rights_setup, rights_teardown),
		cmocka_unit_test_setup_teardown(
		    test_rightless_connections_bounded, rights_setup,
		    rights_teardown),
		cmocka_unit_test_setup_teardown(test_groups_follow_reload,
		    rights_setup, rights_teardown),
	};

	/* WARDEN_TEST_FILTER=test_view* runs the matching tests only. */
	if (getenv("WARDEN_TEST_FILTER") != NULL)
		cmocka_set_test_filter(getenv("WARDEN_TEST_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
