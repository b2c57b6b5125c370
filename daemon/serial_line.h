/*
 * serial_line.h: a tty opened for Modbus RTU: raw, non-blocking, at the
 * line's speed and framing (struct config_serial), with RS-485 mode
 * asked of the driver when the config says so. No loop here: rtubus.c
 * watches the descriptor.
 */
#ifndef WARDEN_SERIAL_LINE_H
#define WARDEN_SERIAL_LINE_H

#include "config.h"
#include "errmsg.h"

/*
 * The descriptor, or -1 with err. A driver that refuses RS-485 mode
 * (TIOCSRS485: a pty, an adapter that switches direction by itself) is
 * not an error: warn (ERR_LEN) says so, "" otherwise.
 */
int serial_line_open(const struct config_serial *line, char err[ERR_LEN],
    char warn[ERR_LEN]);

#endif
