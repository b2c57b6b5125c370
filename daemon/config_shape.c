/*
 * config_shape.c: a libyaml event walk over the document, guided by the
 * libcyaml schema. libcyaml names only the line of the enclosing mapping
 * when it refuses a key; this pass knows the line of every key and
 * sequence entry, records them for the later checks, and reports unknown
 * keys, wrong shapes and malformed scalars where they are. What it could
 * read it writes out again (config_clean.c), so that the checks of the
 * later passes run even when something here was refused.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "config_internal.h"

/* More than any mapping of the schema holds (the top level: 16). */
#define SHAPE_MAX_FIELDS 32

struct shape_walk {
	yaml_parser_t parser;
	yaml_event_t event;
	int have_event;
	int broken;             /* a YAML syntax error ended the walk */
	size_t blocking;        /* errors libcyaml would refuse too */
	struct config_lines *lines;
	struct config_lines *unread;
	struct config_clean *clean;
	struct config_errors *errs;
	int *listen_scalar;
	int *rewritten;
	char path[CONFIG_PATH_MAX];
};

/*
 * Where a value sits: the name its messages use; the line of the key or
 * entry that holds it, blamed for what is missing inside it (a block
 * mapping starts a line later); its key, written out before it (NULL for
 * a sequence entry); and whether a refused one needs a stand-in.
 */
struct shape_slot {
	const char *name;
	int owner_line;
	const char *key;
	int required;
};

static void shape_walk_value(struct shape_walk *w,
    const cyaml_schema_value_t *schema, const struct shape_slot *slot);

static int event_line(const yaml_event_t *event)
{
	return (int)event->start_mark.line + 1;
}

/* The next event, not consumed; NULL once the YAML is broken. */
static const yaml_event_t *shape_peek(struct shape_walk *w)
{
	if (w->broken)
		return NULL;
	if (w->have_event)
		return &w->event;
	if (!yaml_parser_parse(&w->parser, &w->event)) {
		const yaml_parser_t *p = &w->parser;
		w->broken = 1;
		w->blocking++;
		config_errors_add(w->errs, (int)p->problem_mark.line + 1,
		    "YAML syntax: %s%s%s",
		    p->problem ? p->problem : "unreadable document",
		    p->context ? " " : "", p->context ? p->context : "");
		return NULL;
	}
	w->have_event = 1;
	return &w->event;
}

static void shape_consume(struct shape_walk *w)
{
	if (w->have_event)
		yaml_event_delete(&w->event);
	w->have_event = 0;
}

static void shape_error(struct shape_walk *w, int line, int blocking,
    const char *fmt, ...) CONFIG_PRINTF(4, 5);

static void shape_error(struct shape_walk *w, int line, int blocking,
    const char *fmt, ...)
{
	char text[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	config_errors_add(w->errs, line, "%s", text);
	if (blocking)
		w->blocking++;
}

/* Consume one whole node: a scalar, alias, or a mapping/sequence. */
static void shape_skip(struct shape_walk *w)
{
	int depth = 0;

	do {
		const yaml_event_t *ev = shape_peek(w);
		if (!ev)
			return;
		if (ev->type == YAML_ALIAS_EVENT)
			shape_error(w, event_line(ev), 1, "aliases (*%.40s) are "
			    "not supported; write the value out",
			    (const char *)ev->data.alias.anchor);
		if (ev->type == YAML_MAPPING_START_EVENT ||
		    ev->type == YAML_SEQUENCE_START_EVENT)
			depth++;
		else if (ev->type == YAML_MAPPING_END_EVENT ||
		    ev->type == YAML_SEQUENCE_END_EVENT)
			depth--;
		shape_consume(w);
	} while (depth > 0);
}

/* Append ".key" or "[i]" to the path; returns the old length to restore. */
static size_t shape_path_push(struct shape_walk *w, const char *fmt, ...)
    CONFIG_PRINTF(2, 3);

static size_t shape_path_push(struct shape_walk *w, const char *fmt, ...)
{
	size_t len = strlen(w->path);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->path + len, sizeof(w->path) - len, fmt, ap);
	va_end(ap);
	return len;
}

static const char *shape_kind(enum cyaml_type type)
{
	switch (type) {
	case CYAML_MAPPING:
		return "a mapping (key: value lines)";
	case CYAML_SEQUENCE:
	case CYAML_SEQUENCE_FIXED:
		return "a list";
	case CYAML_INT:
	case CYAML_UINT:
		return "a whole number";
	case CYAML_FLOAT:
		return "a number";
	case CYAML_BOOL:
		return "true or false";
	default:
		return "a single value";
	}
}

static int shape_check_enum(struct shape_walk *w,
    const cyaml_schema_value_t *schema, const char *name, const char *text,
    int line)
{
	char legal[256] = "";
	size_t at = 0;

	for (uint32_t i = 0; i < schema->enumeration.count; i++)
		if (strcmp(text, schema->enumeration.strings[i].str) == 0)
			return 1;
	for (uint32_t i = 0; i < schema->enumeration.count &&
	    at < sizeof(legal); i++)
		at += (size_t)snprintf(legal + at, sizeof(legal) - at, "%s%s",
		    i ? ", " : "", schema->enumeration.strings[i].str);
	shape_error(w, line, 1, "%s: '%.40s' is not one of %s", name, text,
	    legal);
	return 0;
}

/* 1 when libcyaml will read the scalar as schema says; else reported. */
static int shape_check_scalar(struct shape_walk *w,
    const cyaml_schema_value_t *schema, const char *name,
    const yaml_event_t *ev)
{
	const char *text = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	int line = event_line(ev);
	int64_t whole;
	double real;

	if (strlen(text) != len) {
		shape_error(w, line, 1, "%s: contains a NUL character", name);
		return 0;
	}
	switch (schema->type) {
	case CYAML_INT:
	case CYAML_UINT:
		if (config_parse_int(text, &whole) == 0)
			return 1;
		shape_error(w, line, 1, "%s: '%.40s' is not a whole number",
		    name, text);
		return 0;
	case CYAML_FLOAT:
		if (config_parse_real(text, &real) == 0)
			return 1;
		shape_error(w, line, 1, "%s: '%.40s' is not a number", name,
		    text);
		return 0;
	case CYAML_ENUM:
		return shape_check_enum(w, schema, name, text, line);
	case CYAML_BOOL:
		/* libcyaml would take any word but a few as true. */
		if (strcmp(text, "true") == 0 || strcmp(text, "false") == 0)
			return 1;
		shape_error(w, line, 1, "%s: '%.40s' is not true or false",
		    name, text);
		return 0;
	case CYAML_STRING:
		if (len < schema->string.min)
			shape_error(w, line, 1, "%s: must not be empty", name);
		else if (len > schema->string.max)
			shape_error(w, line, 1, "%s: '%.40s...' is too long "
			    "(at most %u characters)", name, text,
			    (unsigned)schema->string.max);
		else
			return 1;
		return 0;
	default:
		return 1;
	}
}

static void shape_unknown_key(struct shape_walk *w,
    const cyaml_schema_field_t *fields, const char *key, int line)
{
	char known[512] = "";
	size_t at = 0;

	for (const cyaml_schema_field_t *f = fields; f->key; f++) {
		/* Edit distance up to 2: catches the usual typos. */
		if (config_distance(key, f->key) <= 2) {
			shape_error(w, line, 0, "unknown key '%.40s' (did you "
			    "mean '%s'?)", key, f->key);
			return;
		}
	}
	for (const cyaml_schema_field_t *f = fields; f->key &&
	    at < sizeof(known); f++)
		at += (size_t)snprintf(known + at, sizeof(known) - at, "%s%s",
		    f == fields ? "" : ", ", f->key);
	shape_error(w, line, 0, "unknown key '%.40s' (known here: %s)", key,
	    known);
}

/* The key's field index, or -1. */
static int shape_field(const cyaml_schema_field_t *fields, const char *key)
{
	for (int i = 0; fields[i].key && i < SHAPE_MAX_FIELDS; i++)
		if (strcmp(fields[i].key, key) == 0)
			return i;
	return -1;
}

/* Reported, and a stand-in written so that the rest can be checked. */
static void shape_missing_keys(struct shape_walk *w,
    const cyaml_schema_field_t *fields, const int *seen_line, int line)
{
	size_t restore;

	for (int i = 0; fields[i].key && i < SHAPE_MAX_FIELDS; i++) {
		if (seen_line[i] || (fields[i].value.flags &
		    CYAML_FLAG_OPTIONAL))
			continue;
		if (w->path[0])
			shape_error(w, line, 1, "%s: missing required key "
			    "'%s'", w->path, fields[i].key);
		else
			shape_error(w, line, 1, "missing required key '%s'",
			    fields[i].key);
		restore = shape_path_push(w, w->path[0] ? ".%s" : "%s",
		    fields[i].key);
		config_lines_add(w->unread, w->path, line);
		w->path[restore] = '\0';
		config_clean_scalar(w->clean, fields[i].key,
		    strlen(fields[i].key), YAML_PLAIN_SCALAR_STYLE);
		config_clean_standin(w->clean, &fields[i].value);
	}
}

/* One "key: value" pair; the key event is next. */
static void shape_walk_pair(struct shape_walk *w,
    const cyaml_schema_field_t *fields, int *seen_line)
{
	const yaml_event_t *ev = shape_peek(w);
	char key[64];
	int line, field;
	size_t restore;

	if (!ev)
		return;
	line = event_line(ev);
	if (ev->type != YAML_SCALAR_EVENT) {
		shape_error(w, line, 1, "a key must be a plain name");
		shape_skip(w);
		shape_skip(w);
		return;
	}
	snprintf(key, sizeof(key), "%s", (const char *)ev->data.scalar.value);
	shape_consume(w);
	field = shape_field(fields, key);
	if (field < 0) {
		shape_unknown_key(w, fields, key, line);
		shape_skip(w);
		return;
	}
	if (seen_line[field]) {
		shape_error(w, line, 1, "duplicate key '%s' (first on line "
		    "%d)", key, seen_line[field]);
		shape_skip(w);
		return;
	}
	seen_line[field] = line;
	restore = shape_path_push(w, w->path[0] ? ".%s" : "%s", key);
	config_lines_add(w->lines, w->path, line);
	shape_walk_value(w, &fields[field].value, &(struct shape_slot){
	    .name = fields[field].key, .owner_line = line,
	    .key = fields[field].key,
	    .required = !(fields[field].value.flags & CYAML_FLAG_OPTIONAL) });
	w->path[restore] = '\0';
}

static void shape_walk_mapping(struct shape_walk *w,
    const cyaml_schema_field_t *fields, int owner_line)
{
	int seen_line[SHAPE_MAX_FIELDS] = { 0 };

	config_clean_mapping(w->clean, 1, w->event.data.mapping_start.style);
	shape_consume(w);
	for (;;) {
		const yaml_event_t *ev = shape_peek(w);
		if (!ev)
			return;
		if (ev->type == YAML_MAPPING_END_EVENT)
			break;
		shape_walk_pair(w, fields, seen_line);
	}
	shape_consume(w);
	shape_missing_keys(w, fields, seen_line, owner_line);
	config_clean_mapping(w->clean, 0, YAML_ANY_MAPPING_STYLE);
}

static void shape_walk_sequence(struct shape_walk *w,
    const cyaml_schema_value_t *schema, const char *name, int owner_line)
{
	char entry_name[80];
	uint32_t count = 0;
	size_t restore;

	snprintf(entry_name, sizeof(entry_name), "%s entry", name);
	config_clean_sequence(w->clean, 1, w->event.data.sequence_start.style);
	shape_consume(w);
	for (;;) {
		const yaml_event_t *ev = shape_peek(w);
		if (!ev)
			return;
		if (ev->type == YAML_SEQUENCE_END_EVENT)
			break;
		restore = shape_path_push(w, "[%u]", (unsigned)count);
		config_lines_add(w->lines, w->path, event_line(ev));
		shape_walk_value(w, schema->sequence.entry, &(struct shape_slot){
		    .name = entry_name, .owner_line = event_line(ev),
		    .required = 1 });
		w->path[restore] = '\0';
		count++;
	}
	shape_consume(w);
	if (count < schema->sequence.min)
		shape_error(w, owner_line, 1, "%s: needs at least %u entr%s",
		    name, (unsigned)schema->sequence.min,
		    schema->sequence.min == 1 ? "y" : "ies");
	for (; count < schema->sequence.min; count++) {
		restore = shape_path_push(w, "[%u]", (unsigned)count);
		config_lines_add(w->unread, w->path, owner_line);
		w->path[restore] = '\0';
		config_clean_standin(w->clean, schema->sequence.entry);
	}
	config_clean_sequence(w->clean, 0, YAML_ANY_SEQUENCE_STYLE);
}

/* The value is readable: its key, then the value, go into the copy. */
static void shape_walk_accepted(struct shape_walk *w,
    const cyaml_schema_value_t *schema, const struct shape_slot *slot,
    const yaml_event_t *ev)
{
	if (slot->key)
		config_clean_scalar(w->clean, slot->key, strlen(slot->key),
		    YAML_PLAIN_SCALAR_STYLE);
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		config_clean_scalar(w->clean,
		    (const char *)ev->data.scalar.value,
		    ev->data.scalar.length, ev->data.scalar.style);
		shape_consume(w);
		break;
	case YAML_MAPPING_START_EVENT:
		shape_walk_mapping(w, schema->mapping.fields,
		    slot->owner_line);
		break;
	default:
		shape_walk_sequence(w, schema, slot->name, slot->owner_line);
		break;
	}
}

/*
 * The forms of warden.yaml libcyaml cannot read, rewritten into the copy
 * as the schema has them: `listen: host:port` as a list of one entry;
 * `roles:` (a mapping of names) as a list of entries with name:; `read:`
 * and `write:` (all, none or a list) as a mapping {is:} or {points:}.
 */
static void shape_walk_in_key(struct shape_walk *w,
    const cyaml_schema_field_t *field, const char *name, int line)
{
	size_t restore = shape_path_push(w, ".%s", field->key);

	config_lines_add(w->lines, w->path, line);
	shape_walk_value(w, &field->value, &(struct shape_slot){
	    .name = name, .owner_line = line, .key = field->key,
	    .required = 1 });
	w->path[restore] = '\0';
}

/* listen: host:port -> listen: [{address: host:port}] */
static void shape_walk_one_entry(struct shape_walk *w,
    const cyaml_schema_value_t *schema, const struct shape_slot *slot,
    int line)
{
	size_t restore = shape_path_push(w, "[0]");

	*w->listen_scalar = 1;
	config_lines_add(w->lines, w->path, line);
	config_clean_sequence(w->clean, 1, YAML_BLOCK_SEQUENCE_STYLE);
	config_clean_mapping(w->clean, 1, YAML_BLOCK_MAPPING_STYLE);
	shape_walk_in_key(w, &schema->sequence.entry->mapping.fields[0],
	    slot->name, line);
	config_clean_mapping(w->clean, 0, YAML_ANY_MAPPING_STYLE);
	config_clean_sequence(w->clean, 0, YAML_ANY_SEQUENCE_STYLE);
	w->path[restore] = '\0';
}

/* roles: {hmi: {...}} -> roles: [{name: hmi, ...}] */
static void shape_walk_named(struct shape_walk *w,
    const cyaml_schema_value_t *schema)
{
	const cyaml_schema_field_t *fields = schema->sequence.entry->
	    mapping.fields;
	int seen_line[SHAPE_MAX_FIELDS];
	unsigned count = 0;
	size_t restore;

	config_clean_sequence(w->clean, 1, YAML_BLOCK_SEQUENCE_STYLE);
	shape_consume(w);
	for (;;) {
		const yaml_event_t *ev = shape_peek(w);
		int line;
		if (!ev)
			return;
		if (ev->type == YAML_MAPPING_END_EVENT)
			break;
		line = event_line(ev);
		restore = shape_path_push(w, "[%u]", count++);
		config_lines_add(w->lines, w->path, line);
		/* The name is the entry's first key: name. */
		config_clean_mapping(w->clean, 1, YAML_BLOCK_MAPPING_STYLE);
		memset(seen_line, 0, sizeof(seen_line));
		seen_line[0] = line;
		if (ev->type != YAML_SCALAR_EVENT) {
			shape_error(w, line, 1, "a role name must be a plain "
			    "name");
			shape_skip(w);
			config_lines_add(w->unread, w->path, line);
			config_clean_scalar(w->clean, fields[0].key,
			    strlen(fields[0].key), YAML_PLAIN_SCALAR_STYLE);
			config_clean_standin(w->clean, &fields[0].value);
		} else
			shape_walk_in_key(w, &fields[0], "roles", line);
		ev = shape_peek(w);
		if (!ev)
			return;
		if (ev->type == YAML_MAPPING_START_EVENT) {
			shape_consume(w);
			for (;;) {
				ev = shape_peek(w);
				if (!ev)
					return;
				if (ev->type == YAML_MAPPING_END_EVENT)
					break;
				shape_walk_pair(w, fields, seen_line);
			}
			shape_consume(w);
		} else {
			shape_error(w, event_line(ev), 1, "role: must be a "
			    "mapping (read:, write:, functions:, "
			    "during_takeover:)");
			shape_skip(w);
		}
		shape_missing_keys(w, fields, seen_line, line);
		config_clean_mapping(w->clean, 0, YAML_ANY_MAPPING_STYLE);
		w->path[restore] = '\0';
	}
	shape_consume(w);
	config_clean_sequence(w->clean, 0, YAML_ANY_SEQUENCE_STYLE);
}

/* read: all -> read: {is: all}; read: [a, b] -> read: {points: [a, b]} */
static void shape_walk_access(struct shape_walk *w,
    const cyaml_schema_value_t *schema, const struct shape_slot *slot,
    const yaml_event_t *ev)
{
	const cyaml_schema_field_t *fields = schema->mapping.fields;
	int line = event_line(ev);

	config_clean_mapping(w->clean, 1, YAML_BLOCK_MAPPING_STYLE);
	if (ev->type == YAML_SCALAR_EVENT) {
		const char *text = (const char *)ev->data.scalar.value;
		if (strcmp(text, "all") != 0 && strcmp(text, "none") != 0) {
			shape_error(w, line, 1, "%s: '%.40s' is not all, none "
			    "or a list of point names", slot->name, text);
			shape_consume(w);
			config_lines_add(w->unread, w->path, line);
		} else
			shape_walk_in_key(w, &fields[0], slot->name, line);
	} else
		shape_walk_in_key(w, &fields[1], slot->name, line);
	config_clean_mapping(w->clean, 0, YAML_ANY_MAPPING_STYLE);
}

/* 1 when the value was one of the forms above (walked, or refused). */
static int shape_walk_form(struct shape_walk *w,
    const cyaml_schema_value_t *schema, const struct shape_slot *slot,
    const yaml_event_t *ev)
{
	int line = event_line(ev);

	if (schema->type == CYAML_SEQUENCE &&
	    schema->sequence.entry == &config_listener_entry &&
	    ev->type == YAML_SCALAR_EVENT) {
		if (slot->key)
			config_clean_scalar(w->clean, slot->key,
			    strlen(slot->key), YAML_PLAIN_SCALAR_STYLE);
		shape_walk_one_entry(w, schema, slot, line);
		*w->rewritten = 1;
		return 1;
	}
	if (schema->type == CYAML_SEQUENCE &&
	    schema->sequence.entry == &config_role_entry) {
		if (ev->type != YAML_MAPPING_START_EVENT) {
			shape_error(w, line, 1, "%s: must be a mapping (role "
			    "name: what it may do)", slot->name);
			shape_skip(w);
			config_lines_add(w->unread, w->path, line);
			return 1;
		}
		if (slot->key)
			config_clean_scalar(w->clean, slot->key,
			    strlen(slot->key), YAML_PLAIN_SCALAR_STYLE);
		shape_walk_named(w, schema);
		*w->rewritten = 1;
		return 1;
	}
	if (schema->type == CYAML_MAPPING &&
	    schema->mapping.fields == config_access_fields) {
		if (ev->type != YAML_SCALAR_EVENT &&
		    ev->type != YAML_SEQUENCE_START_EVENT) {
			shape_error(w, line, 1, "%s: must be all, none or a "
			    "list of point names", slot->name);
			shape_skip(w);
			config_lines_add(w->unread, w->path, line);
			return 1;
		}
		if (slot->key)
			config_clean_scalar(w->clean, slot->key,
			    strlen(slot->key), YAML_PLAIN_SCALAR_STYLE);
		shape_walk_access(w, schema, slot, ev);
		*w->rewritten = 1;
		return 1;
	}
	return 0;
}

static void shape_walk_value(struct shape_walk *w,
    const cyaml_schema_value_t *schema, const struct shape_slot *slot)
{
	const yaml_event_t *ev = shape_peek(w);
	int line, scalar = schema->type != CYAML_MAPPING &&
	    schema->type != CYAML_SEQUENCE &&
	    schema->type != CYAML_SEQUENCE_FIXED;

	if (!ev)
		return;
	line = event_line(ev);
	if (ev->type != YAML_ALIAS_EVENT && shape_walk_form(w, schema, slot,
	    ev))
		return;
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		shape_error(w, line, 1, "%s: aliases (*%.40s) are not "
		    "supported; write the value out", slot->name,
		    (const char *)ev->data.alias.anchor);
		shape_consume(w);
		goto refused;
	case YAML_SCALAR_EVENT:
		if (!scalar)
			break;
		if (shape_check_scalar(w, schema, slot->name, ev)) {
			shape_walk_accepted(w, schema, slot, ev);
			return;
		}
		shape_consume(w);
		goto refused;
	case YAML_MAPPING_START_EVENT:
		if (schema->type != CYAML_MAPPING)
			break;
		shape_walk_accepted(w, schema, slot, ev);
		return;
	case YAML_SEQUENCE_START_EVENT:
		if (schema->type != CYAML_SEQUENCE)
			break;
		shape_walk_accepted(w, schema, slot, ev);
		return;
	default:
		break;
	}
	shape_error(w, line, 1, "%s: must be %s", slot->name,
	    shape_kind(schema->type));
	shape_skip(w);
refused:
	/* Left out, so its default applies; a required one gets a stand-in. */
	config_lines_add(w->unread, w->path, line);
	if (slot->required) {
		if (slot->key)
			config_clean_scalar(w->clean, slot->key,
			    strlen(slot->key), YAML_PLAIN_SCALAR_STYLE);
		config_clean_standin(w->clean, schema);
	}
}

/* Stream start, one document, its end; a second document is refused. */
static void shape_walk_stream(struct shape_walk *w,
    const cyaml_schema_value_t *schema)
{
	const yaml_event_t *ev = shape_peek(w);

	if (!ev)
		return;
	shape_consume(w);               /* stream start */
	ev = shape_peek(w);
	if (!ev)
		return;
	if (ev->type != YAML_DOCUMENT_START_EVENT) {
		shape_error(w, event_line(ev), 1, "the file is empty: it needs "
		    "at least listen, state_dir, audit_log, control.socket "
		    "and devices");
		w->clean->failed = 1;
		return;
	}
	shape_consume(w);
	ev = shape_peek(w);
	if (!ev)
		return;
	config_lines_add(w->lines, "", event_line(ev));
	shape_walk_value(w, schema, &(struct shape_slot){
	    .name = "the configuration", .owner_line = event_line(ev),
	    .required = 1 });
	if (shape_peek(w))
		shape_consume(w);       /* document end */
	ev = shape_peek(w);
	if (ev && ev->type == YAML_DOCUMENT_START_EVENT)
		shape_error(w, event_line(ev), 1, "only one YAML document is "
		    "allowed (remove this '---' and what follows)");
}

size_t config_shape_check(const unsigned char *data, size_t len,
    const cyaml_schema_value_t *schema, struct config_shape *shape,
    struct config_errors *errs)
{
	struct shape_walk w = {
		.lines = &shape->lines, .unread = &shape->unread,
		.clean = &shape->clean, .errs = errs,
		.listen_scalar = &shape->listen_scalar,
		.rewritten = &shape->rewritten,
	};

	config_clean_begin(&shape->clean);
	if (!yaml_parser_initialize(&w.parser)) {
		config_errors_add(errs, 1, "cannot start the YAML parser");
		shape->clean.failed = 1;
		return 1;
	}
	yaml_parser_set_input_string(&w.parser, data, len);
	shape_walk_stream(&w, schema);
	shape_consume(&w);
	yaml_parser_delete(&w.parser);
	if (w.broken)
		shape->clean.failed = 1;
	else
		config_clean_end(&shape->clean);
	return w.blocking;
}
