/*
 * harness.h: processes, ports and temp dirs, the layer under the world
 * (world.h), which is what the tests and both benchmarks start
 * plants with. Every process is started in its own process group and
 * stopped by PID, never by name.
 */
#ifndef WARDEN_HARNESS_H
#define WARDEN_HARNESS_H

#include <stdint.h>
#include <sys/types.h>

/* A free TCP port on 127.0.0.1 (bind port 0, read it, close). 0 on error. */
uint16_t harness_free_port(void);

/* Path of a built program: $WARDEN_BIN/name (default "build"). The caller
 * frees it. */
char *harness_bin_path(const char *name);

/* A fresh private temp dir (mkdtemp under $TMPDIR or /tmp), malloc'd;
 * NULL on error. */
char *harness_tmpdir(void);

/* Recursively remove a dir made by harness_tmpdir (anything else is left
 * alone). */
void harness_rmdir(const char *dir);

/* printf into a file (truncating it). 0 on success, -1 on error. */
int harness_write_file(const char *path, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* fork+exec argv (NULL-terminated); stdout and stderr are appended to
 * log_path, or inherited when it is NULL. The child gets its own process
 * group so a kill reaches nothing else. Returns the pid, or -1. */
pid_t harness_spawn(char *const argv[], const char *log_path);

/* Poll-connect to 127.0.0.1:port until it accepts, at most timeout
 * seconds; fails early (-1) if pid has exited (pid <= 0: don't check).
 * The exited child is left for harness_stop to reap. 0 when ready. */
int harness_wait_port(pid_t pid, uint16_t port, double timeout);
/* 1 when something accepts connections on the unix socket at path. */
int harness_unix_answers(const char *path);

/* SIGTERM, wait up to timeout, then SIGKILL; returns the status as from
 * waitpid, or -1. */
int harness_stop(pid_t pid, double timeout);

/* Has pid exited? Non-blocking, leaves the child to be reaped. */
int harness_exited(pid_t pid);

/* Seconds on the monotonic clock. */
double harness_now(void);
/* Sleep that long, through signals. */
void harness_nap(double seconds);

/* A "Field: N kB" line of /proc/PID/status (VmRSS, VmHWM, RssAnon...)
 * in KiB, or -1. */
long harness_proc_kib(pid_t pid, const char *field);

/* Print a file to stderr, prefixed, so a failing test shows the logs. */
void harness_dump_file(const char *path);

#endif
