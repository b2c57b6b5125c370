/*
 * ctl_show.h: wardend's answers for people: the status of `wardenctl
 * status` and `watch`, a refusal, a warning. --json prints the answer as
 * sent instead. Only wardenctl links it.
 */
#ifndef WARDEN_CTL_SHOW_H
#define WARDEN_CTL_SHOW_H

#include <stdio.h>

#include "json.h"

/* The status answer st: state, cause, alarms, trips, safe state,
 * devices, values (each with its point's precision), counters. */
/* The alarm list and the holds: the answer to "alarms". */
void ctl_show_alarms(FILE *out, const struct json_value *answer);
void ctl_show_status(FILE *out, const struct json_value *st);
/* "<what> refused: <the answer's error>" on stderr. */
void ctl_show_refusal(const char *what, const struct json_value *answer);
/* Done, but with something the operator must know (a takeover not yet
 * on disk): the answer's warning on stderr, when it has one. */
void ctl_show_warning(const char *what, const struct json_value *answer);
/* learn's answer: the proposal on out, what it came from (requests,
 * addresses, what the full table dropped) on err. -1 when the answer
 * has no proposal or it cannot be read (out of memory). */
int ctl_show_learn(FILE *out, FILE *err, const struct json_value *answer);
/* What watch prints before each refresh: the screen cleared on a
 * terminal, else a separator; the socket and the time. */
void ctl_show_watch_header(const char *socket, int tty);

#endif
