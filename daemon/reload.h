/*
 * reload.h: SIGHUP and `wardenctl reload` (reload.c), an operation: the
 * new file loaded and checked whole, then swapped in between two
 * requests, each module told in turn, top down.
 */
#ifndef WARDEN_RELOAD_H
#define WARDEN_RELOAD_H

#include "errmsg.h"

struct warden;

/* 0 swapped in, -1 kept the running config with err (audited as
 * config_rejected; user: who asked). */
int reload_config(struct warden *w, const char *user, char err[ERR_LEN]);

#endif
