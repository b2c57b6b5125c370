/*
 * fuzz_config.c: libFuzzer target for the config loader. config_load()
 * takes a path, so each input is written to one temp file (in /dev/shm
 * when there is one, to spare the disk) and loaded from there.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

static void fuzz_path_remove(void)
{
	unlink(path);
}

static const char *fuzz_path(void)
{

	if (path[0] == '\0') {
		int fd;
		snprintf(path, sizeof(path), "/dev/shm/fuzz_config-XXXXXX");
		fd = mkstemp(path);
		if (fd < 0) {
			snprintf(path, sizeof(path), "/tmp/fuzz_config-XXXXXX");
			fd = mkstemp(path);
		}
		if (fd < 0)
			abort();
		close(fd);
		atexit(fuzz_path_remove);
	}
	return path;
}

/*
 * The shape pass must catch whatever libcyaml would refuse, and what it
 * writes out for the later checks must be what libcyaml accepts: a
 * "file:N: libcyaml: ..." error means the two disagree.
 */
static int fuzz_reached_libcyaml(const char *errors, const char *file)
{
	size_t file_len = strlen(file);

	for (const char *line = errors; *line;) {
		size_t len = strcspn(line, "\n");
		const char *at = line + file_len;
		if (len > file_len && strncmp(line, file, file_len) == 0 &&
		    *at == ':') {
			at += 1 + strspn(at + 1, "0123456789");
			if (strncmp(at, ": libcyaml: ", 12) == 0)
				return 1;
		}
		line += len + (line[len] == '\n');
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_path();
	FILE *f = fopen(path, "wb");
	struct config *cfg;
	char *errors = NULL;

	if (!f)
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	cfg = config_load(path, &errors);
	/* Exactly one of the two, and errors always say where. */
	if (!cfg == !errors)
		abort();
	if (errors && !strstr(errors, path))
		abort();
	if (errors && fuzz_reached_libcyaml(errors, path))
		abort();
	/* Warnings of a config that loads say where, too. */
	if (cfg && cfg->warnings && !strstr(cfg->warnings, path))
		abort();
	config_free(cfg);
	free(errors);
	return 0;
}
