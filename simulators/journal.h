/*
 * journal.h: plcsim's record of every request its main port received, one
 * JSON object per line, so a test can prove what reached the device and
 * when. The format is documented in config/plcsim-registers.md.
 */
#ifndef JOURNAL_H
#define JOURNAL_H

#include <stddef.h>
#include <stdint.h>

/* Longest line: 1968 coils as "0," plus the fixed fields. */
#define JOURNAL_LINE_MAX 8192

struct journal {
	int fd;		/* -1: no journal */
};

/* Opens path for appending; -1 with errno set on failure. */
int journal_open(struct journal *journal, const char *path);
void journal_close(struct journal *journal);

/*
 * One line (with its newline) for a request: t is unix seconds, client
 * "ip:port", adu a whole Modbus TCP ADU. Returns the length, or -1 if
 * size is too small.
 */
int journal_format(char *buf, size_t size, double t, const char *client,
    const uint8_t *adu, size_t adu_len);
/* Formats and appends one line with a single write(); 0 or -1. */
int journal_write(struct journal *journal, double t, const char *client,
    const uint8_t *adu, size_t adu_len);

#endif
