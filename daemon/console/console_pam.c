/*
 * console_pam.c: passwords through PAM, groups from the group database
 * (console_pam.h).
 */
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <security/pam_appl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console_pam.h"

#define PAM_BUF 16384

struct pam_appdata {
	const char *password;
};

void
pam_auth_init(struct pam_auth *a, const char *service)
{
	a->service = service;
	pthread_mutex_init(&a->lock, NULL);
}

int
pam_name_ok(const char *name)
{
	size_t i, n = strlen(name);

	if (n == 0 || n > 32 || name[0] == '-')
		return 0;
	for (i = 0; i < n; i++) {
		char ch = name[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
		    ch == '-'))
			return 0;
	}
	return 1;
}

/* The password for every hidden prompt, nothing for the others. */
static int
pam_conv_password(int n, const struct pam_message **msg,
    struct pam_response **resp, void *appdata)
{
	struct pam_response *r;
	int i;

	if (n <= 0 || n > PAM_MAX_NUM_MSG)
		return PAM_CONV_ERR;
	if ((r = calloc((size_t)n, sizeof *r)) == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < n; i++) {
		if (msg[i]->msg_style != PAM_PROMPT_ECHO_OFF)
			continue;
		if ((r[i].resp = strdup(((struct pam_appdata *)appdata)->
		    password)) == NULL) {
			while (i-- > 0)
				free(r[i].resp);
			free(r);
			return PAM_BUF_ERR;
		}
	}
	*resp = r;
	return PAM_SUCCESS;
}

/* The console's throttle does the waiting, per source. */
static void
pam_no_delay(int status, unsigned usec, void *appdata)
{
	(void)status;
	(void)usec;
	(void)appdata;
}

int
pam_check(struct pam_auth *a, const char *user, const char *password,
    const char *rhost, char err[ERR_LEN])
{
	struct pam_appdata data = { password };
	struct pam_conv conv = { pam_conv_password, &data };
	pam_handle_t *h = NULL;
	int rc;

	pthread_mutex_lock(&a->lock);
	rc = pam_start(a->service, user, &conv, &h);
	if (rc != PAM_SUCCESS) {
		errmsg_set(err, "PAM service %s: %s", a->service,
		    pam_strerror(h, rc));
		pthread_mutex_unlock(&a->lock);
		return -1;
	}
	(void)pam_set_item(h, PAM_RHOST, rhost);
	(void)pam_set_item(h, PAM_FAIL_DELAY, (const void *)pam_no_delay);
	rc = pam_authenticate(h, PAM_DISALLOW_NULL_AUTHTOK);
	if (rc == PAM_SUCCESS)
		rc = pam_acct_mgmt(h, PAM_DISALLOW_NULL_AUTHTOK);
	if (rc != PAM_SUCCESS)
		errmsg_set(err, "PAM service %s: %s", a->service,
		    pam_strerror(h, rc));
	pam_end(h, rc);
	pthread_mutex_unlock(&a->lock);
	return rc == PAM_SUCCESS ? 0 : -1;
}

int
pam_groups(const char *user, struct session_user *who, char err[ERR_LEN])
{
	struct passwd pw, *found = NULL;
	struct group gr, *g;
	gid_t gids[SESSION_GROUPS_MAX];
	char *buf;
	int n = SESSION_GROUPS_MAX, i;

	memset(who, 0, sizeof *who);
	if ((buf = malloc(PAM_BUF)) == NULL) {
		errmsg_set(err, "out of memory");
		return -1;
	}
	if (getpwnam_r(user, &pw, buf, PAM_BUF, &found) != 0 ||
	    found == NULL) {
		errmsg_set(err, "user %s is not in the user database", user);
		free(buf);
		return -1;
	}
	snprintf(who->user, sizeof who->user, "%s", pw.pw_name);
	/* More groups than fit: the first SESSION_GROUPS_MAX (n is then
	 * the full count, which getgrouplist reports with -1). */
	if (getgrouplist(pw.pw_name, pw.pw_gid, gids, &n) == -1)
		n = SESSION_GROUPS_MAX;
	for (i = 0; i < n && who->n_groups < SESSION_GROUPS_MAX; i++) {
		g = NULL;
		if (getgrgid_r(gids[i], &gr, buf, PAM_BUF, &g) != 0 ||
		    g == NULL || strlen(gr.gr_name) >= SESSION_GROUP_LEN)
			continue;
		snprintf(who->groups[who->n_groups++], SESSION_GROUP_LEN,
		    "%s", gr.gr_name);
	}
	free(buf);
	return 0;
}
