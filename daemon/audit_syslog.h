/*
 * audit_syslog.h: a copy of every audit record for a syslog daemon, so
 * that one lives off the box (audit_syslog in warden.yaml).
 *
 * One RFC 5424 message per record, sent as the record is written:
 *
 *   <86>1 2026-01-02T03:04:05.678901Z host wardend 4242 write_allowed
 *     [warden@32473 seq="17" event="write_allowed" hash="<64 hex>"]
 *     {"seq":17,...,"hash":"<64 hex>"}
 *
 * (one line): facility authpriv, severity info; MSGID the event; the
 * structured data names the record; the message is the record as written
 * to the file, without its newline. 32473 is the enterprise number RFC
 * 5612 reserves for documentation: Modbus Warden has none of its own.
 *
 * It never waits: a non-blocking unix datagram socket, one sendto() per
 * record. A datagram the receiver cannot take (its queue full, nobody
 * listening) is dropped and counted; the drops are reported through the
 * notice function at most once a minute.
 */
#ifndef WARDEN_AUDIT_SYSLOG_H
#define WARDEN_AUDIT_SYSLOG_H

#include <stddef.h>
#include <stdint.h>

#include "audit.h"

#define AUDIT_SYSLOG_DEFAULT "/dev/log"
#define AUDIT_SYSLOG_PRI 86             /* authpriv (10) * 8 + info (6) */
#define AUDIT_SYSLOG_SDID "warden@32473"

struct audit_syslog;

/* A socket for path (a unix datagram socket; it need not exist yet).
 * NULL with err. */
struct audit_syslog *audit_syslog_open(const char *path,
    audit_notice_fn *notice, void *notice_ctx, char err[ERR_LEN]);
void audit_syslog_close(struct audit_syslog *s);
/* Ship one record: line[0..len) is the JSON object as written. */
void audit_syslog_send(struct audit_syslog *s, const char *line, size_t len,
    uint64_t seq, const char *event, const char *hash);
uint64_t audit_syslog_sent(const struct audit_syslog *s);
uint64_t audit_syslog_dropped(const struct audit_syslog *s);

#endif
