/*
 * ctl_link.h: wardenctl's connection to wardend's control socket. One
 * request line out, one answer line back (control_proto.h), each within
 * CTL_TIMEOUT_MS or the link's own timeout; a signal descriptor, when given, ends any wait. Only
 * wardenctl links it.
 */
#ifndef WARDEN_CTL_LINK_H
#define WARDEN_CTL_LINK_H

#include <stddef.h>

#include "control_proto.h"
#include "errmsg.h"
#include "json.h"

#define CTL_TIMEOUT_MS 5000

/* One connection to wardend. */
struct ctl_link {
	const char *path;
	int timeout_ms;                 /* each wait's bound; 0:
					 * CTL_TIMEOUT_MS */
	int fd;
	int sigfd;                      /* -1, or the signals that end watch */
	char *buf;                      /* bytes read, not yet a whole line */
	size_t len, cap;
};

/* CTL_LINK_UNREACHABLE is the failure that has err (why wardend cannot be
 * reached); a signal is not a failure. */
enum ctl_link_status { CTL_LINK_OK, CTL_LINK_UNREACHABLE, CTL_LINK_SIGNALLED };

/* Connect to l->path. */
enum ctl_link_status ctl_link_connect(struct ctl_link *l, char err[ERR_LEN]);
/*
 * Send one request and read its answer into *answer (pointing into
 * l->buf, valid until the next exchange). A connection is made when
 * there is none. *line_len: the previous answer's length (0: none), to
 * drop; then this one's.
 */
enum ctl_link_status ctl_link_exchange(struct ctl_link *l,
    enum control_command command, const char *reason,
    struct json_value *answer, size_t *line_len, char err[ERR_LEN]);
/* The same for any request: its point, for and reason as it has them. */
enum ctl_link_status ctl_link_request(struct ctl_link *l,
    const struct control_request *request, struct json_value *answer,
    size_t *line_len, char err[ERR_LEN]);
/* Wait ms milliseconds: 0, or -2 when a signal on l->sigfd came first. */
int ctl_link_pause(struct ctl_link *l, int ms);
/* Close the connection and free the buffer; l->sigfd stays open. */
void ctl_link_close(struct ctl_link *l);

#endif
