/*
 * serial_line.c: a tty opened for Modbus RTU (serial_line.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/serial.h>

#include "serial_line.h"

static speed_t
serial_line_speed(unsigned baud)
{
	switch (baud) {
	case 1200: return B1200;
	case 2400: return B2400;
	case 4800: return B4800;
	case 9600: return B9600;
	case 19200: return B19200;
	case 38400: return B38400;
	case 57600: return B57600;
	case 115200: return B115200;
	case 230400: return B230400;
	}
	return B0;
}

/* Raw bytes both ways, no echo, no flow control, no modem lines.
 * VMIN 1 with O_NONBLOCK: a read with nothing there fails EAGAIN, and
 * 0 means hung up (with VMIN 0 it would return 0 either way). */
static int
serial_line_termios(int fd, const struct config_serial *line)
{
	struct termios t;
	speed_t speed = serial_line_speed(line->baud);

	if (speed == B0 || tcgetattr(fd, &t) == -1)
		return -1;
	cfmakeraw(&t);
	t.c_cflag &= ~(tcflag_t)(CSIZE | PARENB | PARODD | CSTOPB | CRTSCTS);
	t.c_cflag |= CS8 | CLOCAL | CREAD;
	if (line->parity != 'N')
		t.c_cflag |= PARENB;
	if (line->parity == 'O')
		t.c_cflag |= PARODD;
	if (line->stop_bits == 2)
		t.c_cflag |= CSTOPB;
	t.c_iflag &= ~(tcflag_t)(IXON | IXOFF | IXANY);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (cfsetispeed(&t, speed) == -1 || cfsetospeed(&t, speed) == -1 ||
	    tcsetattr(fd, TCSANOW, &t) == -1)
		return -1;
	return tcflush(fd, TCIOFLUSH);
}

int
serial_line_open(const struct config_serial *line, char err[ERR_LEN],
    char warn[ERR_LEN])
{
	struct serial_rs485 rs;
	int fd;

	warn[0] = '\0';
	if ((fd = open(line->port, O_RDWR | O_NOCTTY | O_NONBLOCK |
	    O_CLOEXEC)) == -1) {
		errmsg_set(err, "%s: %s", line->port, strerror(errno));
		return -1;
	}
	if (!isatty(fd) || serial_line_termios(fd, line) == -1) {
		errmsg_set(err, "%s: not a serial line wardend can set up: %s",
		    line->port, strerror(errno));
		close(fd);
		return -1;
	}
	if (line->rs485) {
		memset(&rs, 0, sizeof rs);
		rs.flags = SER_RS485_ENABLED | SER_RS485_RTS_ON_SEND;
		if (ioctl(fd, TIOCSRS485, &rs) == -1)
			errmsg_set(warn, "%s: the driver refuses RS-485 mode "
			    "(%s): going on as it is, the adapter must switch "
			    "direction by itself", line->port, strerror(errno));
	}
	return fd;
}
