/*
 * control_peer.c: who is on the other end of a control connection, and
 * the group lookups (see control_peer.h).
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "control_peer.h"
#include "log.h"

/* getpwuid_r and getgrnam_r buffers grow up to this, then give up. */
#define LOOKUP_BUF_MAX (1024 * 1024)

/* getpwuid_r: 0 and the name, or -1 when unknown. */
static int
lookup_user(uid_t uid, char *name, size_t cap)
{
	struct passwd pw, *found = NULL;
	size_t len;
	char *buf = NULL, *p;
	int rc = ERANGE;

	for (len = 1024; rc == ERANGE && len <= LOOKUP_BUF_MAX; len *= 2) {
		if ((p = realloc(buf, len)) == NULL)
			break;
		buf = p;
		rc = getpwuid_r(uid, &pw, buf, len, &found);
	}
	if (rc == 0 && found != NULL)
		snprintf(name, cap, "%s", pw.pw_name);
	free(buf);
	return rc == 0 && found != NULL ? 0 : -1;
}

/* getgrnam_r: 0 and the gid, or -1 when there is no such group. */
int
control_peer_group(const char *group, gid_t *gid)
{
	struct group gr, *found = NULL;
	size_t len;
	char *buf = NULL, *p;
	int rc = ERANGE;

	for (len = 1024; rc == ERANGE && len <= LOOKUP_BUF_MAX; len *= 2) {
		if ((p = realloc(buf, len)) == NULL)
			break;
		buf = p;
		rc = getgrnam_r(group, &gr, buf, len, &found);
	}
	if (rc == 0 && found != NULL)
		*gid = gr.gr_gid;
	free(buf);
	return rc == 0 && found != NULL ? 0 : -1;
}

/*
 * The groups the caller's process runs with, from the kernel
 * (SO_PEERGROUPS), then its gid: the same the kernel checks for any file
 * it opens, and no lookup in the group database. Without them (an old
 * kernel) the caller has only its gid: fewer rights, never more.
 */
static int
peer_groups(int fd, gid_t gid, gid_t **groups, int *n_groups)
{
	socklen_t len = 32 * sizeof **groups;
	int got = 0;
	gid_t *p;

	for (;;) {
		if ((p = realloc(*groups, len + sizeof *p)) == NULL)
			return -1;
		*groups = p;
		if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, p, &len) == 0) {
			got = (int)(len / sizeof *p);
			break;
		}
		if (errno != ERANGE) {
			log_warn("control: cannot read the caller's groups");
			break;
		}
	}
	(*groups)[got] = gid;
	*n_groups = got + 1;
	return 0;
}

int
control_peer_identify(int fd, struct ops_caller *who, gid_t **groups,
    int *n_groups)
{
	struct ucred cred;
	socklen_t len = sizeof cred;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1)
		return -1;
	who->uid = cred.uid;
	who->gid = cred.gid;
	who->pid = cred.pid;
	if (lookup_user(cred.uid, who->user, sizeof who->user) == -1)
		snprintf(who->user, sizeof who->user, "%u",
		    (unsigned)cred.uid);
	return peer_groups(fd, cred.gid, groups, n_groups);
}
