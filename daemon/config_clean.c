/*
 * config_clean.c: the copy of the document that the semantic checks run
 * on when the shape pass refused something. libcyaml fails a whole load
 * on one bad value, so the shape walk writes out what it understood: a
 * refused optional value is left out (its default applies), a refused or
 * missing required one gets a stand-in, and sequence entries keep their
 * places so that "points[3]" still names the fourth point of the file.
 * The walk records the path of every stand-in; the checks stay silent
 * about those (config_build_unread()).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"

static int clean_write(void *data, unsigned char *buffer, size_t size)
{
	struct config_clean *c = data;
	size_t cap = c->cap ? c->cap : 4096;
	unsigned char *grown;

	while (cap - c->len <= size)
		cap *= 2;
	if (cap != c->cap) {
		grown = realloc(c->data, cap);
		if (!grown)
			return 0;
		c->data = grown;
		c->cap = cap;
	}
	memcpy(c->data + c->len, buffer, size);
	c->len += size;
	c->data[c->len] = '\0';
	return 1;
}

/* Emit event (consumed either way); a failure ends the copy for good. */
static void clean_emit(struct config_clean *c, yaml_event_t *event,
    int made)
{
	if (!made) {
		c->failed = 1;
		return;
	}
	if (c->failed) {
		yaml_event_delete(event);
		return;
	}
	if (!yaml_emitter_emit(&c->emitter, event))
		c->failed = 1;
}

void config_clean_begin(struct config_clean *c)
{
	yaml_event_t ev;

	memset(c, 0, sizeof(*c));
	if (!yaml_emitter_initialize(&c->emitter)) {
		c->failed = 1;
		return;
	}
	c->started = 1;
	yaml_emitter_set_output(&c->emitter, clean_write, c);
	yaml_emitter_set_unicode(&c->emitter, 1);
	yaml_emitter_set_width(&c->emitter, -1);
	clean_emit(c, &ev, yaml_stream_start_event_initialize(&ev,
	    YAML_UTF8_ENCODING));
	clean_emit(c, &ev, yaml_document_start_event_initialize(&ev, NULL,
	    NULL, NULL, 1));
}

void config_clean_end(struct config_clean *c)
{
	yaml_event_t ev;

	clean_emit(c, &ev, yaml_document_end_event_initialize(&ev, 1));
	clean_emit(c, &ev, yaml_stream_end_event_initialize(&ev));
	if (!c->failed && !yaml_emitter_flush(&c->emitter))
		c->failed = 1;
}

void config_clean_free(struct config_clean *c)
{
	if (c->started)
		yaml_emitter_delete(&c->emitter);
	free(c->data);
	memset(c, 0, sizeof(*c));
}

void config_clean_scalar(struct config_clean *c, const char *text,
    size_t len, yaml_scalar_style_t style)
{
	yaml_event_t ev;

	if (len > INT32_MAX) {
		c->failed = 1;
		return;
	}
	clean_emit(c, &ev, yaml_scalar_event_initialize(&ev, NULL, NULL,
	    (const yaml_char_t *)text, (int)len, 1, 1, style));
}

void config_clean_mapping(struct config_clean *c, int start,
    yaml_mapping_style_t style)
{
	yaml_event_t ev;

	if (start)
		clean_emit(c, &ev, yaml_mapping_start_event_initialize(&ev,
		    NULL, NULL, 1, style));
	else
		clean_emit(c, &ev, yaml_mapping_end_event_initialize(&ev));
}

void config_clean_sequence(struct config_clean *c, int start,
    yaml_sequence_style_t style)
{
	yaml_event_t ev;

	if (start)
		clean_emit(c, &ev, yaml_sequence_start_event_initialize(&ev,
		    NULL, NULL, 1, style));
	else
		clean_emit(c, &ev, yaml_sequence_end_event_initialize(&ev));
}

/*
 * Stand-ins the checks refuse on their own where they can (an address
 * of -1, a name of '?'), so that nothing is indexed under them; what they
 * would say about it is suppressed.
 */
static void clean_scalar_standin(struct config_clean *c,
    const cyaml_schema_value_t *schema)
{
	char text[8] = "0";

	switch (schema->type) {
	case CYAML_INT:
		snprintf(text, sizeof(text), "-1");
		break;
	case CYAML_BOOL:
		snprintf(text, sizeof(text), "false");
		break;
	case CYAML_ENUM:
		if (schema->enumeration.count > 0) {
			const char *first = schema->enumeration.strings[0].str;
			config_clean_scalar(c, first, strlen(first),
			    YAML_ANY_SCALAR_STYLE);
			return;
		}
		break;
	case CYAML_STRING: {
		size_t n = schema->string.min > 1 ? schema->string.min : 1;
		if (n > sizeof(text) - 1)
			n = sizeof(text) - 1;
		memset(text, '?', n);
		text[n] = '\0';
		break;
	}
	default:
		break;
	}
	config_clean_scalar(c, text, strlen(text), YAML_ANY_SCALAR_STYLE);
}

void config_clean_standin(struct config_clean *c,
    const cyaml_schema_value_t *schema)
{
	switch (schema->type) {
	case CYAML_MAPPING:
		config_clean_mapping(c, 1, YAML_FLOW_MAPPING_STYLE);
		for (const cyaml_schema_field_t *f = schema->mapping.fields;
		    f->key; f++) {
			if (f->value.flags & CYAML_FLAG_OPTIONAL)
				continue;
			config_clean_scalar(c, f->key, strlen(f->key),
			    YAML_PLAIN_SCALAR_STYLE);
			config_clean_standin(c, &f->value);
		}
		config_clean_mapping(c, 0, YAML_ANY_MAPPING_STYLE);
		break;
	case CYAML_SEQUENCE:
	case CYAML_SEQUENCE_FIXED:
		config_clean_sequence(c, 1, YAML_FLOW_SEQUENCE_STYLE);
		for (uint32_t i = 0; i < schema->sequence.min; i++)
			config_clean_standin(c, schema->sequence.entry);
		config_clean_sequence(c, 0, YAML_ANY_SEQUENCE_STYLE);
		break;
	default:
		clean_scalar_standin(c, schema);
		break;
	}
}
