/*
 * errmsg.h: how a function of daemon/ says that it failed. One
 * convention, so that a caller never has to look up which of several
 * styles a callee uses:
 *
 * - A function that can fail returns -1 (a pointer: NULL) and 0 (or a
 *   count, or the pointer) when it did not. Where a result has more
 *   outcomes than that (a file that is missing, corrupt or good), it is
 *   an enum whose comment says which values are failures.
 * - Where the caller must tell someone what to do about the failure, the
 *   function's last parameter is char err[ERR_LEN], which the caller
 *   reads only after a failure: one line, no newline, naming what failed
 *   (a path, file:line, an address) and, where something can be done,
 *   what to do ("cannot create /var/lib/warden/.state.x: Permission
 *   denied (check that state_dir exists and is writable by wardend)").
 *   The caller adds its context ("state file: ") and logs it or answers
 *   it. Pure functions that have something to explain (a parser) do the
 *   same.
 * - errno is left as the failing call set it, so that a caller may
 *   log_warn() without err; errmsg_set() does not touch it.
 * - One exception: a configuration file is reported whole, every
 *   problem at once, so config_load() hands back a malloc'd list of
 *   "file:line: ..." lines instead (config.h).
 * - Not an error: a function that cannot fail and writes text for its
 *   caller (control_rights_explain(), json_get_string()) takes a
 *   (buffer, cap) pair, as snprintf() does.
 * - Callbacks that report how something ended take const char *err,
 *   NULL when it went well (durable_done_fn, takeover_done_fn).
 *
 * One size for every such buffer: the parameter is declared with its
 * bound, so gcc refuses a smaller buffer at the call.
 */
#ifndef WARDEN_ERRMSG_H
#define WARDEN_ERRMSG_H

#define ERR_LEN 512

/* Print into err (ERR_LEN), cut to fit; errno is kept. */
void errmsg_set(char err[ERR_LEN], const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
