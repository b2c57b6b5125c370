/*
 * audit_query.c: audit records by field. See audit_query.h.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_query.h"
#include "json.h"

#define AUDIT_QUERY_FIELD_MAX 4096

/* Does the field key of obj hold want? */
static int
audit_query_holds(const struct json_value *obj, const char *key,
    const char *want)
{
	char text[AUDIT_QUERY_FIELD_MAX];
	struct json_value v;

	if (json_object_get(obj, key, &v) != 0)
		return 0;
	if (v.type == JSON_STRING)
		return json_get_string(&v, text, sizeof(text)) >= 0 &&
		    strcmp(text, want) == 0;
	return v.len == strlen(want) && memcmp(v.text, want, v.len) == 0;
}

int
audit_query_line(const char *path, int after, const char *event,
    const char *key, const char *want, char *out, size_t cap)
{
	struct json_value obj;
	const char *why;
	size_t linecap = 0, at;
	char *line = NULL;
	ssize_t len;
	int line_no = 0, found = 0;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return -1;
	while (found == 0 && (len = getline(&line, &linecap, f)) > 0) {
		line_no++;
		if (line[len - 1] != '\n')
			break;          /* still being written */
		if (json_parse(line, (size_t)len, &obj, &at, &why) != 0 ||
		    obj.type != JSON_OBJECT) {
			found = -1;
			break;
		}
		if (line_no > after &&
		    audit_query_holds(&obj, "event", event) &&
		    (key == NULL || audit_query_holds(&obj, key, want))) {
			found = line_no;
			if (out != NULL)
				snprintf(out, cap, "%s", line);
		}
	}
	free(line);
	fclose(f);
	return found;
}

int
audit_query_find(const char *path, int after, const char *event,
    const char *key, const char *want)
{
	return audit_query_line(path, after, event, key, want, NULL, 0);
}
