/*
 * ctl_audit.h: `wardenctl audit show [FILE...]`: the audit log read, as
 * audit_show.h chooses and prints its lines. With no FILE, the
 * audit_log of warden.yaml. Works without a running wardend. Only
 * wardenctl links it.
 */
#ifndef WARDEN_CTL_AUDIT_H
#define WARDEN_CTL_AUDIT_H

#include <stddef.h>
#include <stdio.h>

#include "audit_show.h"

#define CTL_AUDIT_CONFIG "/etc/warden/warden.yaml"

struct ctl_audit_options {
	struct audit_show_filter filter;
	long last;              /* -n: the last this many records; 0: all */
	int json;               /* the records' lines as they are */
	const char *config;     /* NULL: CTL_AUDIT_CONFIG */
};

/* The files, in the order given, to out; what went wrong to stderr. 0,
 * or -1 when a file (or the configuration naming it) cannot be read. */
int ctl_audit_show(const char *const *files, size_t n,
    const struct ctl_audit_options *o, FILE *out);

#endif
