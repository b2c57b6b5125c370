/*
 * console_assets.h: the page, its script and style, embedded in the
 * binary at build time (www/embed.sh writes console_assets.c), so the
 * console serves every byte itself and reads nothing from disk.
 */
#ifndef WARDEN_CONSOLE_ASSETS_H
#define WARDEN_CONSOLE_ASSETS_H

#include <stddef.h>

struct console_asset {
	const char *path;               /* "/index.html"; NULL ends */
	const char *type;               /* Content-Type */
	const unsigned char *data;
	size_t len;
};

extern const struct console_asset console_assets[];

#endif
