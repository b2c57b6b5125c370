/*
 * wire.c: raw Modbus TCP client for the integration tests. See wire.h.
 */
#include "wire.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

int
wire_connect(uint16_t port)
{
	struct sockaddr_in sin;
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		close(fd);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

int
wire_send(int fd, const uint8_t *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read exactly len bytes before the deadline: 1 done, 0 peer closed,
 * -1 timeout. */
static int
wire_read_full(int fd, uint8_t *buf, size_t len, double deadline)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	double left;
	ssize_t n;
	int rc;

	while (len > 0) {
		left = deadline - harness_now();
		if (left <= 0)
			return -1;
		rc = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (rc == -1 && errno == EINTR)
			continue;
		if (rc <= 0)
			return -1;
		n = recv(fd, buf, len, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == 0 || (n == -1 && errno == ECONNRESET))
			return 0;
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 1;
}

int
wire_recv_adu(int fd, uint8_t *adu, size_t size, double timeout)
{
	double deadline = harness_now() + timeout;
	size_t body;
	int rc;

	if (size < 7)
		return -1;
	rc = wire_read_full(fd, adu, 6, deadline);
	if (rc != 1)
		return rc;
	body = ((size_t)adu[4] << 8) | adu[5];
	if (body == 0 || 6 + body > size)
		return -1;
	rc = wire_read_full(fd, adu + 6, body, deadline);
	if (rc != 1)
		return rc;
	return (int)(6 + body);
}

int
wire_wait_closed(int fd, double timeout)
{
	double deadline = harness_now() + timeout;
	uint8_t sink[512];
	int rc;

	for (;;) {
		rc = wire_read_full(fd, sink, 1, deadline);
		if (rc == 0)
			return 1;
		if (rc == -1)
			return 0;
	}
}

static size_t
wire_header(uint8_t *out, uint16_t tid, uint8_t unit, uint16_t pdu_len)
{
	out[0] = (uint8_t)(tid >> 8);
	out[1] = (uint8_t)tid;
	out[2] = 0;
	out[3] = 0;
	out[4] = (uint8_t)((pdu_len + 1) >> 8);
	out[5] = (uint8_t)(pdu_len + 1);
	out[6] = unit;
	return 7;
}

static void
wire_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

size_t
wire_read_request(uint8_t *out, uint16_t tid, uint8_t unit, uint8_t fc,
    uint16_t address, uint16_t quantity)
{
	size_t n = wire_header(out, tid, unit, 5);

	out[n] = fc;
	wire_put16(out + n + 1, address);
	wire_put16(out + n + 3, quantity);
	return n + 5;
}

size_t
wire_write_register_request(uint8_t *out, uint16_t tid, uint8_t unit,
    uint16_t address, uint16_t value)
{
	size_t n = wire_header(out, tid, unit, 5);

	out[n] = 6;
	wire_put16(out + n + 1, address);
	wire_put16(out + n + 3, value);
	return n + 5;
}

uint16_t
wire_tid(const uint8_t *adu)
{
	return (uint16_t)((adu[0] << 8) | adu[1]);
}

uint8_t
wire_unit(const uint8_t *adu)
{
	return adu[6];
}

uint8_t
wire_fc(const uint8_t *adu)
{
	return adu[7];
}

uint16_t
wire_register(const uint8_t *adu, unsigned index)
{
	const uint8_t *p = adu + 9 + 2 * index;

	return (uint16_t)((p[0] << 8) | p[1]);
}
