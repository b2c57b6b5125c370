/*
 * console_link.h: the console's connections to wardend's control socket
 * (PROTO12: one JSON object per line each way). Blocking calls with a
 * deadline, each made from a thread of its own (a web connection's, or
 * the feed's), so a wardend that hangs holds up that one caller for at
 * most the deadline and never the web server.
 */
#ifndef WARDEN_CONSOLE_LINK_H
#define WARDEN_CONSOLE_LINK_H

#include <stddef.h>

#include "errmsg.h"

/* How long one command may take: a takeover is answered only once its
 * record and state are on disk. */
#define LINK_COMMAND_MS 10000
/* The longest line wardend may send (a status with many points). */
#define LINK_LINE_MAX (4 * 1024 * 1024)

struct link_conn {
	const char *path;
	int fd;
	int stop_fd;            /* -1, or readable when the caller must stop */
	char *buf;              /* bytes read past the last line */
	size_t len, cap;
	size_t line_len;        /* the line handed out last, to drop */
};

/* Connect to path (the struct zeroed first). 0, or -1 with err. */
int link_open(struct link_conn *c, const char *path, int stop_fd,
    char err[ERR_LEN]);
/* Send len bytes (a line with its newline) before deadline_ms
 * (CLOCK_MONOTONIC). */
int link_send(struct link_conn *c, const char *data, size_t len,
    long long deadline_ms, char err[ERR_LEN]);
/*
 * The next line (without newline, NUL-terminated, valid until the next
 * call) before deadline_ms (-1: none). Returns its length, -1 with err
 * (closed, too long, timed out), -2 when stop_fd became readable.
 */
long link_read_line(struct link_conn *c, long long deadline_ms,
    const char **line, char err[ERR_LEN]);
void link_close(struct link_conn *c);

/* Now on CLOCK_MONOTONIC, in ms. */
long long link_now_ms(void);

/*
 * One command: connect, send the request line (newline added), read the
 * answer line into *answer (malloc'd, NUL-terminated), close. 0, or -1
 * with err saying why wardend could not be asked.
 */
int link_command(const char *path, const char *request, size_t len,
    char **answer, char err[ERR_LEN]);

#endif
