/*
 * errmsg.c: the one way to fill a caller's err (see errmsg.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "errmsg.h"

void
errmsg_set(char err[ERR_LEN], const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	vsnprintf(err, ERR_LEN, fmt, ap);
	va_end(ap);
	errno = saved;
}
