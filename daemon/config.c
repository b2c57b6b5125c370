/*
 * config.c: config_load() runs the passes of config_internal.h over one
 * in-memory copy of the file (so that a file edited during a reload is
 * read once, whole), and the lookups the request path uses.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_internal.h"

/* A config this large is not a config. */
#define CONFIG_FILE_MAX (16u << 20)

static char *config_file_error(const char *path, const char *what)
{
	size_t len = strlen(path) + strlen(what) + 4;
	char *text = malloc(len);

	if (text)
		snprintf(text, len, "%s: %s\n", path, what);
	return text;
}

/* The whole file, NUL-terminated; NULL with *problem set on failure. */
static unsigned char *config_read_file(const char *path, size_t *len,
    const char **problem)
{
	unsigned char *data = NULL;
	struct stat st;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0) {
		*problem = strerror(errno);
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > (off_t)CONFIG_FILE_MAX) {
		*problem = !S_ISREG(st.st_mode) ? "not a regular file" :
		    "larger than 16 MiB";
		goto out;
	}
	data = malloc((size_t)st.st_size + 1);
	if (!data) {
		*problem = "out of memory";
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, data + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*problem = strerror(errno);
			free(data);
			data = NULL;
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	data[got] = '\0';
	*len = got;
out:
	if (fd >= 0)
		close(fd);
	return data;
}

/*
 * A document the shape pass refused parts of still goes through the
 * later checks, as the shape pass understood it, so that one run reports
 * every problem; the config built from it is never used.
 */
static struct config *config_from_text(const char *path,
    const unsigned char *data, size_t len, struct config_errors *errs)
{
	struct config_shape shape;
	struct raw_config *raw = NULL;
	struct config *cfg = NULL;
	size_t blocking;

	memset(&shape, 0, sizeof(shape));
	blocking = config_shape_check(data, len, &config_schema, &shape, errs);
	config_lines_seal(&shape.lines);
	config_lines_seal(&shape.unread);
	if (shape.lines.out_of_memory || shape.unread.out_of_memory)
		errs->out_of_memory = 1;
	if (!errs->out_of_memory && blocking == 0 && !shape.rewritten)
		raw = config_schema_load(data, len, errs);
	else if (!errs->out_of_memory && !shape.clean.failed)
		raw = config_schema_load(shape.clean.data, shape.clean.len,
		    errs);
	if (raw) {
		cfg = config_build(raw, path, &shape, errs);
		config_schema_free(raw);
	}
	config_lines_free(&shape.lines);
	config_lines_free(&shape.unread);
	config_clean_free(&shape.clean);
	return cfg;
}

struct config *config_load(const char *path, char **errors)
{
	struct config_errors errs = { .file = path };
	const char *problem = NULL;
	unsigned char *data;
	struct config *cfg;
	size_t len = 0;

	data = config_read_file(path, &len, &problem);
	if (!data) {
		char what[128];
		snprintf(what, sizeof(what), "cannot read: %s", problem);
		*errors = config_file_error(path, what);
		return NULL;
	}
	cfg = config_from_text(path, data, len, &errs);
	if (errs.n == errs.n_warnings && !errs.out_of_memory && cfg) {
		*errors = NULL;
		cfg->source = (char *)data;
		cfg->source_len = len;
		cfg->warnings = errs.n ? config_errors_join(&errs) : NULL;
		return cfg;
	}
	free(data);
	config_free(cfg);
	*errors = config_errors_join(&errs);
	return NULL;
}

void config_free(struct config *cfg)
{
	if (!cfg)
		return;
	if (cfg->point_by_address)
		for (size_t d = 0; d < cfg->n_devices; d++)
			for (int t = 0; t < TABLE_COUNT; t++)
				free(cfg->point_by_address[d][t]);
	free(cfg->point_by_address);
	free(cfg->takeover.safe_state);
	free(cfg->points);
	free(cfg->devices);
	free(cfg->allow_from);
	config_listen_free(cfg);
	config_roles_free(cfg);
	free(cfg->path);
	free(cfg->source);
	free(cfg->warnings);
	free(cfg);
}

const struct config_device *config_device_by_unit(const struct config *cfg,
    uint8_t unit)
{
	uint16_t slot = cfg->device_by_unit[unit];

	return slot ? &cfg->devices[slot - 1] : NULL;
}

const struct config_point *config_point_at(const struct config *cfg,
    unsigned device, enum point_table table, uint16_t address)
{
	const uint32_t *slots;

	if (device >= cfg->n_devices || (unsigned)table >= TABLE_COUNT ||
	    !cfg->point_by_address)
		return NULL;
	slots = cfg->point_by_address[device][table];
	if (!slots || !slots[address])
		return NULL;
	return &cfg->points[slots[address] - 1];
}

const struct config_point *config_point_by_name(const struct config *cfg,
    const char *name)
{
	long index = config_point_index(cfg, name);

	return index < 0 ? NULL : &cfg->points[index];
}

const struct config_device *config_device_by_name(const struct config *cfg,
    const char *name)
{
	size_t i;

	for (i = 0; i < cfg->n_devices; i++)
		if (strcmp(cfg->devices[i].name, name) == 0)
			return &cfg->devices[i];
	return NULL;
}

int config_point_polled(const struct config *cfg, size_t point)
{
	const struct config_point *p = &cfg->points[point];

	return p->monitored || p->writable ||
	    (cfg->takeover.has_switch && cfg->takeover.switch_point == point);
}

int config_device_needs_poll(const struct config *cfg, size_t device)
{
	size_t i;

	if (cfg->devices[device].has_life_bit)
		return 1;
	for (i = 0; i < cfg->n_points; i++)
		if (cfg->points[i].device == device &&
		    config_point_polled(cfg, i))
			return 1;
	for (i = 0; i < cfg->takeover.n_safe_state; i++)
		if (cfg->points[cfg->takeover.safe_state[i].point].device ==
		    device)
			return 1;
	return 0;
}

const char *config_table_name(enum point_table table)
{
	switch (table) {
	case TABLE_COIL:
		return "coil";
	case TABLE_DISCRETE:
		return "discrete";
	case TABLE_INPUT:
		return "input";
	case TABLE_HOLDING:
		return "holding";
	}
	return "?";
}

const char *config_type_name(enum point_type type)
{
	switch (type) {
	case TYPE_BOOL:
		return "bool";
	case TYPE_INT16:
		return "int16";
	case TYPE_UINT16:
		return "uint16";
	case TYPE_INT32:
		return "int32";
	case TYPE_UINT32:
		return "uint32";
	case TYPE_FLOAT32:
		return "float32";
	}
	return "?";
}
