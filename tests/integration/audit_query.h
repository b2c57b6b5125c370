/*
 * audit_query.h: find an audit record by any field, as an auditor would
 * grep for it (trail.h reads only the fields the takeover tests need).
 */
#ifndef WARDEN_AUDIT_QUERY_H
#define WARDEN_AUDIT_QUERY_H

/*
 * The line number (1-based) of the first record after line `after` whose
 * event is `event` and, when key is not NULL, whose field key holds
 * `want`: a string field compared unescaped, any other value compared
 * as written ("65534", "true"). 0 when there is none; -1 when the file
 * cannot be read or a complete line is not a JSON object.
 */
int audit_query_find(const char *path, int after, const char *event,
    const char *key, const char *want);

/* The same, and the whole line of the record into line (cap bytes). */
int audit_query_line(const char *path, int after, const char *event,
    const char *key, const char *want, char *line, size_t cap);

#endif
