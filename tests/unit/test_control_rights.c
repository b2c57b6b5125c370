/*
 * test_control_rights.c: who may do what on the control socket. Each
 * right on its own, root always, the fallbacks of view and reload while
 * their keys are not set, groups that do not exist, and the refusal that
 * names the groups which would allow it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "control_rights.h"

#define OPERATORS 100
#define SUPERVISORS 200
#define VIEWERS 300
#define ENGINEERS 400

#define BIT(right) (1u << (right))
#define ALL_RIGHTS ((1u << CONTROL_RIGHTS) - 1)

/* The group database of these tests. */
static int
fake_lookup(const char *name, gid_t *gid)
{
	static const struct {
		const char *name;
		gid_t gid;
	} db[] = {
		{ "operators", OPERATORS },
		{ "supervisors", SUPERVISORS },
		{ "viewers", VIEWERS },
		{ "engineers", ENGINEERS },
		{ "root", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof db / sizeof db[0]; i++)
		if (strcmp(name, db[i].name) == 0) {
			*gid = db[i].gid;
			return 0;
		}
	return -1;
}

static void
rights_of(struct control_rights *r, const char *takeover,
    const char *release, const char *view, const char *reload)
{
	struct config_control cc;

	memset(&cc, 0, sizeof cc);
	snprintf(cc.takeover_group, sizeof cc.takeover_group, "%s", takeover);
	snprintf(cc.release_group, sizeof cc.release_group, "%s", release);
	snprintf(cc.view_group, sizeof cc.view_group, "%s", view);
	snprintf(cc.reload_group, sizeof cc.reload_group, "%s", reload);
	control_rights_set(r, &cc, fake_lookup);
}

/* The rights of uid 1000 with one group. */
static unsigned
held_by(const struct control_rights *r, gid_t gid)
{
	return control_rights_held(r, 1000, &gid, 1);
}

static void
explains(const struct control_rights *r, enum control_right right,
    const char *needle)
{
	char why[512];

	control_rights_explain(r, right, "ann", 1000, why, sizeof why);
	if (strstr(why, needle) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", why, needle);
}

static void
test_root_holds_every_right(void **state)
{
	struct control_rights r;

	(void)state;
	rights_of(&r, "", "", "", "");
	assert_int_equal(control_rights_held(&r, 0, NULL, 0), ALL_RIGHTS);
	assert_int_equal(control_rights_held(&r, 1000, NULL, 0), 0);
	rights_of(&r, "operators", "supervisors", "viewers", "engineers");
	assert_int_equal(control_rights_held(&r, 0, NULL, 0), ALL_RIGHTS);
	assert_true(control_rights_hold(&r, CONTROL_RIGHT_ROOT, 0, NULL, 0));
}

/* With every key set, a group grants its right and nothing else. */
static void
test_each_right_on_its_own(void **state)
{
	struct control_rights r;
	gid_t both[2] = { OPERATORS, VIEWERS };

	(void)state;
	rights_of(&r, "operators", "supervisors", "viewers", "engineers");
	assert_int_equal(held_by(&r, OPERATORS), BIT(CONTROL_RIGHT_TAKEOVER));
	assert_int_equal(held_by(&r, SUPERVISORS), BIT(CONTROL_RIGHT_RELEASE));
	assert_int_equal(held_by(&r, VIEWERS), BIT(CONTROL_RIGHT_VIEW));
	assert_int_equal(held_by(&r, ENGINEERS), BIT(CONTROL_RIGHT_RELOAD));
	assert_int_equal(held_by(&r, 4242), 0);
	assert_int_equal(control_rights_held(&r, 1000, both, 2),
	    BIT(CONTROL_RIGHT_TAKEOVER) | BIT(CONTROL_RIGHT_VIEW));
	/* root's group is not root: only uid 0 holds the root right. */
	assert_int_equal(held_by(&r, 0), 0);
}

/* view_group not set: the members of takeover_group and release_group
 * may view; reload_group not set: release_group may reload. */
static void
test_fallbacks_while_unset(void **state)
{
	struct control_rights r;

	(void)state;
	rights_of(&r, "operators", "supervisors", "", "");
	assert_int_equal(held_by(&r, OPERATORS), BIT(CONTROL_RIGHT_TAKEOVER) |
	    BIT(CONTROL_RIGHT_VIEW));
	assert_int_equal(held_by(&r, SUPERVISORS), BIT(CONTROL_RIGHT_RELEASE) |
	    BIT(CONTROL_RIGHT_VIEW) | BIT(CONTROL_RIGHT_RELOAD));
	assert_int_equal(held_by(&r, VIEWERS), 0);
	/* Only release_group set: view and reload follow it alone. */
	rights_of(&r, "", "supervisors", "", "");
	assert_int_equal(held_by(&r, SUPERVISORS), BIT(CONTROL_RIGHT_RELEASE) |
	    BIT(CONTROL_RIGHT_VIEW) | BIT(CONTROL_RIGHT_RELOAD));
	/* Nothing set: root only. */
	rights_of(&r, "", "", "", "");
	assert_int_equal(held_by(&r, OPERATORS), 0);
}

/* A key that is set replaces its fallback: no longer view or reload by
 * the other groups. */
static void
test_set_key_replaces_fallback(void **state)
{
	struct control_rights r;

	(void)state;
	rights_of(&r, "operators", "supervisors", "viewers", "");
	assert_int_equal(held_by(&r, OPERATORS), BIT(CONTROL_RIGHT_TAKEOVER));
	assert_int_equal(held_by(&r, SUPERVISORS), BIT(CONTROL_RIGHT_RELEASE) |
	    BIT(CONTROL_RIGHT_RELOAD));
	rights_of(&r, "operators", "supervisors", "", "engineers");
	assert_int_equal(held_by(&r, SUPERVISORS), BIT(CONTROL_RIGHT_RELEASE) |
	    BIT(CONTROL_RIGHT_VIEW));
	/* reload_group: root keeps reload to root and root's group. */
	rights_of(&r, "operators", "supervisors", "", "root");
	assert_int_equal(held_by(&r, SUPERVISORS), BIT(CONTROL_RIGHT_RELEASE) |
	    BIT(CONTROL_RIGHT_VIEW));
	assert_int_equal(held_by(&r, 0), BIT(CONTROL_RIGHT_RELOAD));
}

/* A group missing from the database grants nothing, not even to gid 0
 * (what an unset gid would read as), and its fallback does not apply. */
static void
test_unknown_group_grants_nothing(void **state)
{
	struct control_rights r;

	(void)state;
	rights_of(&r, "ghosts", "supervisors", "ghosts", "");
	assert_false(r.group[CONTROL_RIGHT_TAKEOVER].known);
	assert_true(r.group[CONTROL_RIGHT_RELEASE].known);
	assert_int_equal(held_by(&r, 0), 0);
	assert_int_equal(held_by(&r, SUPERVISORS), BIT(CONTROL_RIGHT_RELEASE) |
	    BIT(CONTROL_RIGHT_RELOAD));
	assert_int_equal(control_rights_held(&r, 0, NULL, 0), ALL_RIGHTS);
}

/* The caller's groups as SO_PEERGROUPS gives them, the login group last:
 * a match anywhere counts; none at all holds nothing. */
static void
test_groups_of_the_caller(void **state)
{
	struct control_rights r;
	gid_t many[6] = { 4, 24, 27, 30, 46, SUPERVISORS };

	(void)state;
	rights_of(&r, "operators", "supervisors", "", "");
	assert_true(control_rights_hold(&r, CONTROL_RIGHT_RELEASE, 1000,
	    many, 6));
	assert_false(control_rights_hold(&r, CONTROL_RIGHT_RELEASE, 1000,
	    many, 5));
	assert_false(control_rights_hold(&r, CONTROL_RIGHT_VIEW, 1000, NULL,
	    0));
	assert_false(control_rights_hold(&r, (enum control_right)99, 1000,
	    many, 6));
	assert_true(control_rights_hold(&r, (enum control_right)99, 0, NULL,
	    0));
}

static void
test_refusal_names_the_groups(void **state)
{
	struct control_rights r;

	(void)state;
	rights_of(&r, "operators", "supervisors", "", "");
	explains(&r, CONTROL_RIGHT_TAKEOVER, "user ann (uid 1000) may not "
	    "take over; allowed: root, group operators "
	    "(control.takeover_group)");
	explains(&r, CONTROL_RIGHT_VIEW, "may not view the status; allowed: "
	    "root, group operators (control.takeover_group), group "
	    "supervisors (control.release_group), as control.view_group is "
	    "not set");
	explains(&r, CONTROL_RIGHT_RELOAD, "may not reload; allowed: root, "
	    "group supervisors (control.release_group), as "
	    "control.reload_group is not set");
	rights_of(&r, "operators", "", "viewers", "");
	explains(&r, CONTROL_RIGHT_VIEW, "allowed: root, group viewers "
	    "(control.view_group)");
	explains(&r, CONTROL_RIGHT_RELEASE, "may not release; allowed: root "
	    "only; set control.release_group to allow a group");
	explains(&r, CONTROL_RIGHT_RELOAD, "allowed: root only; set "
	    "control.reload_group to allow a group");
	rights_of(&r, "ghosts", "", "", "");
	explains(&r, CONTROL_RIGHT_TAKEOVER, "group ghosts "
	    "(control.takeover_group; no such group on this host");
	explains(&r, CONTROL_RIGHT_ROOT, "may not use this command; allowed: "
	    "root only");
}

/* A short buffer is cut, still a string; cap 0 is left alone. */
static void
test_refusal_fits_its_buffer(void **state)
{
	struct control_rights r;
	char why[24], untouched = 'x';

	(void)state;
	rights_of(&r, "operators", "supervisors", "", "");
	control_rights_explain(&r, CONTROL_RIGHT_VIEW, "ann", 1000, why,
	    sizeof why);
	assert_int_equal(strlen(why), sizeof why - 1);
	assert_memory_equal(why, "user ann (uid 1000) may", sizeof why - 1);
	control_rights_explain(&r, CONTROL_RIGHT_VIEW, "ann", 1000,
	    &untouched, 0);
	assert_int_equal(untouched, 'x');
}

static void
test_names_and_keys(void **state)
{
	(void)state;
	assert_string_equal(control_right_name(CONTROL_RIGHT_VIEW), "view");
	assert_string_equal(control_right_name(CONTROL_RIGHT_TAKEOVER),
	    "takeover");
	assert_string_equal(control_right_name(CONTROL_RIGHT_RELEASE),
	    "release");
	assert_string_equal(control_right_name(CONTROL_RIGHT_RELOAD),
	    "reload");
	assert_string_equal(control_right_name(CONTROL_RIGHT_ROOT), "root");
	assert_string_equal(control_right_name((enum control_right)99),
	    "root");
	assert_string_equal(control_right_key(CONTROL_RIGHT_VIEW),
	    "view_group");
	assert_string_equal(control_right_key(CONTROL_RIGHT_RELOAD),
	    "reload_group");
	assert_null(control_right_key(CONTROL_RIGHT_ROOT));
}

/* What the console's person holds comes from their group names: the
 * same table, the same fallbacks, never root's. */
static void
test_rights_of_names(void **state)
{
	struct control_rights r;
	const char names[][64] = { "users", "operators" };
	const char sup[][64] = { "supervisors" };
	const char rootgrp[][64] = { "root" };
	const char none[][64] = { "nosuchgroup" };
	char why[512];

	(void)state;
	rights_of(&r, "operators", "supervisors", "", "");
	assert_int_equal(control_rights_of_names(&r, names, 2),
	    BIT(CONTROL_RIGHT_VIEW) | BIT(CONTROL_RIGHT_TAKEOVER));
	assert_int_equal(control_rights_of_names(&r, sup, 1),
	    BIT(CONTROL_RIGHT_VIEW) | BIT(CONTROL_RIGHT_RELEASE) |
	    BIT(CONTROL_RIGHT_RELOAD));
	assert_int_equal(control_rights_of_names(&r, none, 1), 0);
	assert_int_equal(control_rights_of_names(&r, names, 0), 0);
	/* A group called root grants only what a key gives it. */
	assert_int_equal(control_rights_of_names(&r, rootgrp, 1), 0);
	rights_of(&r, "operators", "supervisors", "viewers", "");
	assert_int_equal(control_rights_of_names(&r, names, 2),
	    BIT(CONTROL_RIGHT_TAKEOVER));
	control_rights_explain(&r, CONTROL_RIGHT_RELEASE, "alice",
	    CONTROL_UID_NONE, why, sizeof why);
	assert_non_null(strstr(why, "user alice (through warden-console) may "
	    "not release"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root_holds_every_right),
		cmocka_unit_test(test_rights_of_names),
		cmocka_unit_test(test_each_right_on_its_own),
		cmocka_unit_test(test_fallbacks_while_unset),
		cmocka_unit_test(test_set_key_replaces_fallback),
		cmocka_unit_test(test_unknown_group_grants_nothing),
		cmocka_unit_test(test_groups_of_the_caller),
		cmocka_unit_test(test_refusal_names_the_groups),
		cmocka_unit_test(test_refusal_fits_its_buffer),
		cmocka_unit_test(test_names_and_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
