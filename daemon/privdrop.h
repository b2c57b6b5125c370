/*
 * privdrop.h: running with no more privilege than needed.
 *
 * wardend starts as root only to bind what an unprivileged user cannot
 * (port 502) and to open its files; then privdrop_to_user() gives up root
 * for good. The user comes from the caller (a command-line flag or a
 * config key): this module knows nothing of where it is configured.
 *
 * The configuration holds every safety limit of the plant, so whoever
 * can write it can disarm the gateway. privdrop_check_config_file()
 * refuses a file that anyone but root and its owner could change:
 *   - not a regular file;
 *   - owned by someone other than root or the user wardend runs as;
 *   - writable by others (mode & 002);
 *   - writable by its group, unless that group is root's (gid 0): a
 *     shared group ("users", "staff") would let every member rewrite
 *     the limits. Engineers edit it as root or as its owner, with
 *     chmod g-w once.
 *   - in a directory others may write without the sticky bit (they
 *     could replace the file).
 */
#ifndef WARDEN_PRIVDROP_H
#define WARDEN_PRIVDROP_H

#include "errmsg.h"

/*
 * Become user: supplementary groups from the group database, then its
 * group, then its uid, for real, effective and saved ids alike, and check
 * that root cannot be regained. Of root's capabilities only
 * CAP_NET_BIND_SERVICE stays (when root has it), so that a listener on a
 * port below 1024 can open again later (isolate: all, reload); and
 * no_new_privs is set, so no exec can raise privileges again. As root: user must exist and not be root.
 * Not as root: succeeds only when already running as user (systemd's
 * User=), since there is nothing to drop to. Returns 0, or -1 with err
 * saying what to do; after a failure the caller must not go on, as the
 * process may be half-dropped.
 */
int privdrop_to_user(const char *user, char err[ERR_LEN]);
/*
 * 0 when path is safe to trust by the rules above, -1 with err naming
 * the problem and the command that fixes it.
 */
int privdrop_check_config_file(const char *path, char err[ERR_LEN]);

#endif
