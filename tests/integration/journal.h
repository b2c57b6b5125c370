/*
 * journal.h: read plcsim's --journal (one JSON object per request it
 * received) so a test can prove what reached the device.
 */
#ifndef WARDEN_JOURNAL_H
#define WARDEN_JOURNAL_H

#include <stdint.h>

#define JOURNAL_MAX_VALUES 256

struct journal_entry {
	int unit;
	int fc;
	int address;
	int count;
	int n_values;
	uint16_t values[JOURNAL_MAX_VALUES];
};

/* Entries in the journal now (0 when it does not exist yet). */
int journal_count(const char *path);

/*
 * Wait up to timeout seconds for an entry at index >= from with this fc,
 * unit and address (-1: any), and copy it into *out. Returns its index,
 * or -1 when none came.
 */
int journal_wait(const char *path, int from, int fc, int unit, int address,
    double timeout, struct journal_entry *out);

#endif
