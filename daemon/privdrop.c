/*
 * privdrop.c: see privdrop.h.
 */
#include "privdrop.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include <linux/capability.h>

#define PRIVDROP_PW_BUF 16384

/* The user's ids and name, or -1 with err. */
static int
privdrop_lookup(const char *user, struct passwd *pw, char *buf,
    char err[ERR_LEN])
{
	struct passwd *found = NULL;
	int rc;

	rc = getpwnam_r(user, pw, buf, PRIVDROP_PW_BUF, &found);
	if (found != NULL)
		return 0;
	if (rc == 0)
		errmsg_set(err, "user \"%s\" does not exist: "
		    "create it (useradd --system %s) or name another", user,
		    user);
	else
		errmsg_set(err, "cannot look up user \"%s\": "
		    "%s", user, strerror(rc));
	return -1;
}

/*
 * Capabilities: none, or CAP_NET_BIND_SERVICE alone. Returns 0 when the
 * process holds nothing more.
 */
static int
privdrop_caps_set(int keep_bind)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3,
	    0 };
	struct __user_cap_data_struct caps[_LINUX_CAPABILITY_U32S_3];
	unsigned i = CAP_TO_INDEX(CAP_NET_BIND_SERVICE);

	memset(caps, 0, sizeof caps);
	if (keep_bind)
		caps[i].permitted = caps[i].effective =
		    CAP_TO_MASK(CAP_NET_BIND_SERVICE);
	return (int)syscall(SYS_capset, &hdr, caps);
}

static int
privdrop_caps_only_bind(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3,
	    0 };
	struct __user_cap_data_struct caps[_LINUX_CAPABILITY_U32S_3];
	unsigned i, bind = CAP_TO_INDEX(CAP_NET_BIND_SERVICE);

	if (syscall(SYS_capget, &hdr, caps) == -1)
		return 0;
	for (i = 0; i < _LINUX_CAPABILITY_U32S_3; i++) {
		uint32_t allowed = i == bind ?
		    CAP_TO_MASK(CAP_NET_BIND_SERVICE) : 0;

		if ((caps[i].permitted | caps[i].effective |
		    caps[i].inheritable) & ~allowed)
			return 0;
	}
	return 1;
}

/*
 * The switch itself. CAP_NET_BIND_SERVICE is kept through it, so that
 * the AI listener can open again on port 502 after `isolate: all` or a
 * reload; where root itself lacks it (a container's bounding set) every
 * capability goes. No new privileges after this: not even exec of a
 * set-uid program brings root back.
 */
static int
privdrop_switch(const struct passwd *pw)
{
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) == -1 ||
	    initgroups(pw->pw_name, pw->pw_gid) == -1 ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1)
		return -1;
	if (privdrop_caps_set(1) == -1 && privdrop_caps_set(0) == -1)
		return -1;
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) == -1 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return -1;
	return 0;
}

/* Every id is pw's and none of them can become root again. */
static int
privdrop_verify(const struct passwd *pw, char err[ERR_LEN])
{
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;

	if (getresuid(&ruid, &euid, &suid) == -1 ||
	    getresgid(&rgid, &egid, &sgid) == -1 ||
	    ruid != pw->pw_uid || euid != pw->pw_uid || suid != pw->pw_uid ||
	    rgid != pw->pw_gid || egid != pw->pw_gid || sgid != pw->pw_gid) {
		errmsg_set(err, "switching to user \"%s\" left "
		    "other ids behind; not running like this", pw->pw_name);
		return -1;
	}
	if (setuid(0) != -1 || seteuid(0) != -1 || !privdrop_caps_only_bind()) {
		errmsg_set(err, "user \"%s\" can become root "
		    "again after the switch; not running like this",
		    pw->pw_name);
		return -1;
	}
	return 0;
}

int
privdrop_to_user(const char *user, char err[ERR_LEN])
{
	struct passwd pw;
	char *buf;
	int rc = -1;

	if ((buf = malloc(PRIVDROP_PW_BUF)) == NULL) {
		errmsg_set(err, "out of memory");
		return -1;
	}
	if (privdrop_lookup(user, &pw, buf, err) == -1)
		goto out;
	if (geteuid() != 0) {
		if (getuid() == pw.pw_uid && geteuid() == pw.pw_uid)
			rc = 0;
		else
			errmsg_set(err, "cannot switch to user "
			    "\"%s\" without root: start wardend as root or as "
			    "%s", user, user);
		goto out;
	}
	if (pw.pw_uid == 0) {
		errmsg_set(err, "user \"%s\" is root: name an "
		    "unprivileged user (e.g. warden)", user);
		goto out;
	}
	if (privdrop_switch(&pw) == -1) {
		errmsg_set(err, "cannot switch to user \"%s\": "
		    "%s", user, strerror(errno));
		goto out;
	}
	rc = privdrop_verify(&pw, err);
out:
	free(buf);
	return rc;
}

/* The directory holding path, malloc'd; NULL when out of memory. */
static char *
privdrop_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

static int
privdrop_check_dir(const char *path, char err[ERR_LEN])
{
	struct stat st;
	char *dir;
	int rc = -1;

	if ((dir = privdrop_dirname(path)) == NULL) {
		errmsg_set(err, "out of memory");
		return -1;
	}
	if (stat(dir, &st) == -1)
		errmsg_set(err, "%s: %s", dir, strerror(errno));
	else if ((st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX))
		errmsg_set(err, "%s: its directory %s is "
		    "writable by others, who could replace it: chmod o-w %s, "
		    "or keep the configuration elsewhere", path, dir, dir);
	else
		rc = 0;
	free(dir);
	return rc;
}

/* "name (id)" of a user or group, or the id alone. Start-up only. */
static void
privdrop_owner_name(uid_t uid, char *out, size_t len)
{
	const struct passwd *pw = getpwuid(uid);

	if (pw != NULL)
		snprintf(out, len, "%s (uid %u)", pw->pw_name, (unsigned)uid);
	else
		snprintf(out, len, "uid %u", (unsigned)uid);
}

static void
privdrop_group_name(gid_t gid, char *out, size_t len)
{
	const struct group *gr = getgrgid(gid);

	if (gr != NULL)
		snprintf(out, len, "%s (gid %u)", gr->gr_name, (unsigned)gid);
	else
		snprintf(out, len, "gid %u", (unsigned)gid);
}

int
privdrop_check_config_file(const char *path, char err[ERR_LEN])
{
	char who[128];
	struct stat st;
	unsigned mode;

	if (stat(path, &st) == -1) {
		errmsg_set(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	mode = (unsigned)st.st_mode & 07777;
	if (!S_ISREG(st.st_mode)) {
		errmsg_set(err, "%s: not a regular file", path);
		return -1;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		privdrop_owner_name(st.st_uid, who, sizeof who);
		errmsg_set(err, "%s: owned by %s, who could "
		    "change the limits: chown root %s", path, who, path);
		return -1;
	}
	if (mode & S_IWOTH) {
		errmsg_set(err, "%s: writable by others "
		    "(mode %04o): chmod o-w %s", path, mode, path);
		return -1;
	}
	if ((mode & S_IWGRP) && st.st_gid != 0) {
		privdrop_group_name(st.st_gid, who, sizeof who);
		errmsg_set(err, "%s: writable by group %s "
		    "(mode %04o), whose members could change the limits: "
		    "chmod g-w %s", path, who, mode, path);
		return -1;
	}
	return privdrop_check_dir(path, err);
}
