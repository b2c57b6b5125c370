/*
 * ctl.h: the operators' tool as a test drives it: run build/wardenctl
 * against a world's control socket, read `status --json`, and wait (with a
 * deadline, polling) until the status says what the test expects.
 */
#ifndef WARDEN_CTL_H
#define WARDEN_CTL_H

#include <stddef.h>

#include "world.h"

#define CTL_OUT_MAX 65536
#define CTL_LIST_MAX 16
#define CTL_NAME_MAX 64

/* What wardenctl printed and how it exited. */
struct ctl_result {
	int status;                     /* exit code; -1: died or not run */
	char out[CTL_OUT_MAX];          /* stdout */
	char err[CTL_OUT_MAX];          /* stderr */
};

/*
 * Run wardenctl with the given arguments (a NULL-terminated list); when
 * w is not NULL, "-s w->socket" goes first. Gives up after 10 seconds.
 * Returns res->status.
 */
int ctl_run(const struct world *w, struct ctl_result *res, ...)
    __attribute__((sentinel));
/* The same for another program in WARDEN_BIN (wardend -t). */
int ctl_run_program(struct ctl_result *res, const char *program, ...)
    __attribute__((sentinel));

struct ctl_safe {
	char point[CTL_NAME_MAX];
	double value;
	int verified;
	char status[CTL_NAME_MAX];
	int has_read;                   /* last_read is a number */
	double last_read;
};

struct ctl_trip {
	char source[CTL_NAME_MAX];      /* point or device */
	char kind[CTL_NAME_MAX];
};

/* The parts of `wardenctl status --json` the tests look at. */
struct ctl_status {
	char state[CTL_NAME_MAX];
	char cause[CTL_NAME_MAX];
	char reason[512];
	char mode[CTL_NAME_MAX];
	struct ctl_safe safe[CTL_LIST_MAX];
	int n_safe;
	struct ctl_trip trips[CTL_LIST_MAX];
	int n_trips;
	int devices_up;                 /* devices listed with up: true */
	int n_devices;
	char text[CTL_OUT_MAX];         /* the object as printed */
};

/* Run status --json and parse it. 0, or -1 (why says what went wrong). */
int ctl_status(const struct world *w, struct ctl_status *st, char *why,
    size_t whylen);

/* 1 when every safe_state entry is listed verified (and there is one). */
int ctl_safe_verified(const struct ctl_status *st);

/*
 * Poll status until state is `state`, cause is `cause` (NULL: any) and,
 * with want_verified, the whole safe state is verified; at most timeout
 * seconds. 0 when it got there; -1 otherwise, with the last status (or
 * what failed) in *st and why.
 */
int ctl_wait(const struct world *w, const char *state, const char *cause,
    int want_verified, double timeout, struct ctl_status *st, char *why,
    size_t whylen);

/* Poll status until it lists n_trips trips; as ctl_wait. */
int ctl_wait_trips(const struct world *w, int n_trips, double timeout,
    struct ctl_status *st, char *why, size_t whylen);

#endif
