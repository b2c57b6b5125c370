/*
 * status_shape.h: does `wardenctl status --json` keep the shape scripts
 * rely on? Every field, its type, and
 * the words an enum field may hold, down to each element of the lists,
 * so that a script written against the contract keeps working.
 */
#ifndef WARDEN_STATUS_SHAPE_H
#define WARDEN_STATUS_SHAPE_H

#include <stddef.h>

/* How many elements each list held, so a test can require some. */
struct status_shape {
	int alarms;
	int holds;
	int trips;
	int safe_state;
	int devices;
	int counters;
};

/* 0 when text is one object of the promised shape (counts in *shape);
 * -1 with the first thing wrong in why. */
int status_shape_check(const char *text, struct status_shape *shape,
    char *why, size_t whylen);

#endif
