/*
 * answer.h: the words aisim prints for an exception it got: why, as
 * wardend means each code (README, "Gateway behaviour in brief"), short
 * enough that a demo's column shows them whole.
 */
#ifndef ANSWER_H
#define ANSWER_H

#include <stddef.h>

/* Room for the longest text answer_exception() writes, with its NUL. */
#define ANSWER_SIZE 40

/*
 * "<why> (0xNN)" for exception code into buf; snprintf's result. wardend
 * answers 0x0A to every write while it has taken over, and to everything
 * while the device is unreachable: with reads still answered
 * (reads_answered), a 0x0A is the takeover.
 */
int answer_exception(char *buf, size_t size, int code, int reads_answered);

#endif
