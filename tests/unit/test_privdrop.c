/*
 * test_privdrop.c: who may write the configuration, and giving up root.
 * The permission rules are checked case by case (some need root to set
 * up an owner or group, and say so when skipped). The drop itself runs
 * in a forked child, since a process cannot come back from it.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "privdrop.h"

#define NOBODY "nobody"

struct fixture {
	char dir[64];
	char path[128];         /* dir/warden.yaml */
	char err[ERR_LEN];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	FILE *fp;

	if (f == NULL)
		return -1;
	strcpy(f->dir, "/tmp/test_privdrop.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof f->path, "%s/warden.yaml", f->dir);
	if ((fp = fopen(f->path, "w")) == NULL)
		return -1;
	fputs("mode: enforce\n", fp);
	fclose(fp);
	if (chmod(f->path, 0600) == -1)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char link[160], sub[160];

	snprintf(link, sizeof link, "%s/link.yaml", f->dir);
	snprintf(sub, sizeof sub, "%s/sub", f->dir);
	unlink(link);
	rmdir(sub);
	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void
assert_accepted(struct fixture *f, const char *path)
{
	f->err[0] = '\0';
	if (privdrop_check_config_file(path, f->err) != 0)
		fail_msg("%s refused: %s", path, f->err);
}

static void
assert_refused(struct fixture *f, const char *path, const char *why)
{
	assert_int_equal(privdrop_check_config_file(path, f->err), -1);
	if (strstr(f->err, why) == NULL)
		fail_msg("expected \"%s\" in \"%s\"", why, f->err);
}

static gid_t
nobody_gid(void)
{
	const struct passwd *pw = getpwnam(NOBODY);

	return pw != NULL ? pw->pw_gid : (gid_t)65534;
}

static void
test_owner_only_modes_accepted(void **state)
{
	struct fixture *f = *state;
	const mode_t modes[] = { 0600, 0400, 0640, 0644, 0444 };
	size_t i;

	for (i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		assert_int_equal(chmod(f->path, modes[i]), 0);
		assert_accepted(f, f->path);
	}
}

static void
test_other_writable_refused(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(chmod(f->path, 0666), 0);
	assert_refused(f, f->path, "writable by others (mode 0666)");
	assert_refused(f, f->path, "chmod o-w");
	assert_int_equal(chmod(f->path, 0602), 0);
	assert_refused(f, f->path, "writable by others");
}

static void
test_group_writable_refused_unless_root_group(void **state)
{
	struct fixture *f = *state;

	if (geteuid() == 0)
		assert_int_equal(chown(f->path, (uid_t)-1, nobody_gid()), 0);
	else if (getegid() == 0)
		skip();
	assert_int_equal(chmod(f->path, 0660), 0);
	assert_refused(f, f->path, "chmod g-w");
	assert_refused(f, f->path, "writable by group");
	if (geteuid() != 0)
		return;
	/* Root's group: its members are administrators anyway. */
	assert_int_equal(chown(f->path, (uid_t)-1, 0), 0);
	assert_accepted(f, f->path);
}

static void
test_foreign_owner_refused(void **state)
{
	struct fixture *f = *state;
	const struct passwd *pw = getpwnam(NOBODY);

	if (geteuid() != 0 || pw == NULL)
		skip();
	assert_int_equal(chown(f->path, pw->pw_uid, (gid_t)-1), 0);
	assert_refused(f, f->path, "owned by nobody");
	assert_refused(f, f->path, "chown root");
}

static void
test_missing_file_says_so(void **state)
{
	struct fixture *f = *state;
	char path[160];

	snprintf(path, sizeof path, "%s/absent.yaml", f->dir);
	assert_refused(f, path, strerror(ENOENT));
}

static void
test_directory_is_not_a_config(void **state)
{
	struct fixture *f = *state;

	assert_refused(f, f->dir, "not a regular file");
}

static void
test_open_directory_refused_sticky_accepted(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(chmod(f->dir, 0777), 0);
	assert_refused(f, f->path, "its directory");
	assert_int_equal(chmod(f->dir, 01777), 0);
	assert_accepted(f, f->path);
	assert_int_equal(chmod(f->dir, 0700), 0);
}

static void
test_symlink_judged_by_its_target(void **state)
{
	struct fixture *f = *state;
	char link[160];

	snprintf(link, sizeof link, "%s/link.yaml", f->dir);
	assert_int_equal(symlink(f->path, link), 0);
	assert_accepted(f, link);
	assert_int_equal(chmod(f->path, 0666), 0);
	assert_refused(f, link, "writable by others");
}

static void
test_relative_path_checks_cwd(void **state)
{
	struct fixture *f = *state;
	char cwd[512];

	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(chdir(f->dir), 0);
	assert_accepted(f, "warden.yaml");
	assert_int_equal(chmod(".", 0777), 0);
	assert_int_equal(privdrop_check_config_file("warden.yaml", f->err), -1);
	assert_int_equal(chmod(".", 0700), 0);
	assert_int_equal(chdir(cwd), 0);
	assert_non_null(strstr(f->err, "its directory . is"));
}

/* Child exit codes: 0 all held, else which check failed. */
enum { CHILD_OK, CHILD_DROP, CHILD_IDS, CHILD_REGAINED, CHILD_GROUPS,
	CHILD_NO_LOW_PORT };

/* A port below 1024 can still be bound: 0 yes, -1 no. */
static int
child_binds_low_port(void)
{
	struct sockaddr_in sin;
	uint16_t port;
	int fd, rc = -1;

	for (port = 600; port < 700 && rc == -1; port++) {
		if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
			return -1;
		memset(&sin, 0, sizeof sin);
		sin.sin_family = AF_INET;
		sin.sin_port = htons(port);
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (bind(fd, (struct sockaddr *)&sin, sizeof sin) == 0)
			rc = 0;
		else if (errno != EADDRINUSE)
			port = 700;
		close(fd);
	}
	return rc;
}

static int
child_drop_to_nobody(void)
{
	const struct passwd *pw = getpwnam(NOBODY);
	char err[ERR_LEN];
	uid_t r, e, s;
	gid_t groups[64];
	int n, i;

	if (pw == NULL || privdrop_to_user(NOBODY, err) != 0)
		return CHILD_DROP;
	if (getresuid(&r, &e, &s) != 0 || r != pw->pw_uid ||
	    e != pw->pw_uid || s != pw->pw_uid || getgid() != pw->pw_gid ||
	    getegid() != pw->pw_gid)
		return CHILD_IDS;
	if (setuid(0) == 0 || seteuid(0) == 0 || setgid(0) == 0)
		return CHILD_REGAINED;
	if ((n = getgroups(64, groups)) < 0)
		return CHILD_GROUPS;
	for (i = 0; i < n; i++)
		if (groups[i] == 0)
			return CHILD_GROUPS;
	if (child_binds_low_port() != 0)
		return CHILD_NO_LOW_PORT;
	/* Already that user: nothing to do, and that is fine. */
	if (privdrop_to_user(NOBODY, err) != 0)
		return CHILD_DROP;
	/* Root is out of reach now. */
	if (privdrop_to_user("root", err) != -1 ||
	    strstr(err, "without root") == NULL)
		return CHILD_REGAINED;
	return CHILD_OK;
}

static void
test_drop_to_nobody_in_child(void **state)
{
	pid_t pid;
	int status;

	(void)state;
	if (geteuid() != 0 || getpwnam(NOBODY) == NULL)
		skip();
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0)
		_exit(child_drop_to_nobody());
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), CHILD_OK);
}

static void
test_drop_to_root_refused(void **state)
{
	struct fixture *f = *state;

	if (geteuid() != 0)
		skip();
	assert_int_equal(privdrop_to_user("root", f->err), -1);
	assert_non_null(strstr(f->err, "is root"));
	assert_int_equal(geteuid(), 0);
}

static void
test_unknown_user_refused(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(privdrop_to_user("no-such-warden-user", f->err), -1);
	assert_non_null(strstr(f->err, "does not exist"));
	assert_non_null(strstr(f->err, "useradd"));
}

static void
test_unprivileged_only_as_itself(void **state)
{
	struct fixture *f = *state;
	const struct passwd *pw;

	if (geteuid() == 0)
		skip();
	pw = getpwuid(geteuid());
	assert_non_null(pw);
	assert_int_equal(privdrop_to_user(pw->pw_name, f->err), 0);
	assert_int_equal(privdrop_to_user("root", f->err), -1);
	assert_non_null(strstr(f->err, "without root"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_owner_only_modes_accepted,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_writable_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_group_writable_refused_unless_root_group, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_foreign_owner_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_file_says_so,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_directory_is_not_a_config,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_open_directory_refused_sticky_accepted, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_symlink_judged_by_its_target, setup, teardown),
		cmocka_unit_test_setup_teardown(test_relative_path_checks_cwd,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_drop_to_nobody_in_child,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_drop_to_root_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_user_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_unprivileged_only_as_itself,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
