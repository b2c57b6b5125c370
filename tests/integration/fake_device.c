/*
 * fake_device.c: a Modbus TCP device that answers some reads with a wrong
 * transaction or unit id. See fake_device.h.
 */
#include "fake_device.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <modbus.h>

#include "wire.h"

/* The fake device: one connection's unframed bytes. */
struct fake_conn {
	int fd;
	size_t len;
	uint8_t buf[2 * WIRE_MAX_ADU];
};

static void
fake_put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static unsigned
fake_get16(const uint8_t *p)
{
	return (unsigned)(p[0] << 8 | p[1]);
}

/* Answer one request frame; -1 when the connection must go. */
static int
fake_device_answer(struct fake_device *f, int fd, const uint8_t *req,
    size_t len)
{
	uint8_t ans[WIRE_MAX_ADU];
	unsigned tid = fake_get16(req), unit = req[6], fc = req[7];
	unsigned address, quantity, i, pdu_len, protocol = 0;

	atomic_fetch_add(&f->requests, 1);
	address = len >= 12 ? fake_get16(req + 8) : 0;
	quantity = len >= 12 ? fake_get16(req + 10) : 0;
	if (fc == MODBUS_FC_READ_HOLDING_REGISTERS && len == 12 &&
	    quantity >= 1 && quantity <= MODBUS_MAX_READ_REGISTERS) {
		ans[7] = (uint8_t)fc;
		ans[8] = (uint8_t)(2 * quantity);
		for (i = 0; i < quantity; i++)
			fake_put16(ans + 9 + 2 * i, address + i);
		pdu_len = 2 + 2 * quantity;
	} else {
		ans[7] = (uint8_t)(fc | 0x80);
		ans[8] = MODBUS_EXCEPTION_ILLEGAL_FUNCTION;
		pdu_len = 2;
	}
	fake_put16(ans + 4, pdu_len + 1);
	if (address % 2 == 1) {
		atomic_fetch_add(&f->corrupted, 1);
		switch (f->fault) {
		case FAKE_WRONG_TID:
			tid = (tid + 1) & 0xFFFF;
			break;
		case FAKE_WRONG_UNIT:
			unit ^= 0x55;
			break;
		case FAKE_BAD_PROTOCOL:
			protocol = 1;
			break;
		case FAKE_STRAY:
			fake_put16(ans, (tid - 1) & 0xFFFF);
			fake_put16(ans + 2, 0);
			ans[6] = (uint8_t)unit;
			if (wire_send(fd, ans, 7 + pdu_len) != 0)
				return -1;
			break;
		case FAKE_UNSOLICITED: {
			/* Both in one send: the second is framed right
			 * after the first has ended its request. */
			uint8_t two[2 * WIRE_MAX_ADU];

			fake_put16(ans, tid);
			fake_put16(ans + 2, 0);
			ans[6] = (uint8_t)unit;
			memcpy(two, ans, 7 + pdu_len);
			memcpy(two + 7 + pdu_len, ans, 7 + pdu_len);
			fake_put16(two + 7 + pdu_len, (tid + 1000) & 0xFFFF);
			return wire_send(fd, two, 2 * (7 + pdu_len));
		}
		}
	}
	fake_put16(ans, tid);
	fake_put16(ans + 2, protocol);
	ans[6] = (uint8_t)unit;
	return wire_send(fd, ans, 7 + pdu_len);
}

/* Read what the peer sent and answer every whole frame in it. */
static int
fake_device_read(struct fake_device *f, struct fake_conn *c)
{
	ssize_t n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
	size_t frame;

	if (n <= 0)
		return n == -1 && errno == EINTR ? 0 : -1;
	c->len += (size_t)n;
	while (c->len >= 7) {
		frame = 6 + fake_get16(c->buf + 4);
		if (frame < 8 || frame > WIRE_MAX_ADU)
			return -1;
		if (c->len < frame)
			break;
		if (fake_device_answer(f, c->fd, c->buf, frame) != 0)
			return -1;
		memmove(c->buf, c->buf + frame, c->len - frame);
		c->len -= frame;
	}
	return 0;
}

static void
fake_device_accept(struct fake_device *f, struct fake_conn *conns)
{
	int fd = accept(f->listen_fd, NULL, NULL), i;

	if (fd == -1)
		return;
	for (i = 0; i < FAKE_DEVICE_CONNS; i++)
		if (conns[i].fd == -1) {
			conns[i].fd = fd;
			conns[i].len = 0;
			return;
		}
	close(fd);
}

static void *
fake_device_main(void *arg)
{
	struct fake_device *f = arg;
	struct fake_conn conns[FAKE_DEVICE_CONNS];
	struct pollfd pfd[2 + FAKE_DEVICE_CONNS];
	int i;

	for (i = 0; i < FAKE_DEVICE_CONNS; i++)
		conns[i].fd = -1;
	for (;;) {
		pfd[0] = (struct pollfd){ .fd = f->wake[0], .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = f->listen_fd,
		    .events = POLLIN };
		for (i = 0; i < FAKE_DEVICE_CONNS; i++)
			pfd[2 + i] = (struct pollfd){ .fd = conns[i].fd,
			    .events = POLLIN };
		if (poll(pfd, 2 + FAKE_DEVICE_CONNS, -1) == -1 &&
		    errno != EINTR)
			break;
		if (pfd[0].revents != 0)
			break;
		if (pfd[1].revents & POLLIN)
			fake_device_accept(f, conns);
		for (i = 0; i < FAKE_DEVICE_CONNS; i++)
			if (conns[i].fd != -1 && pfd[2 + i].revents != 0 &&
			    fake_device_read(f, &conns[i]) != 0) {
				close(conns[i].fd);
				conns[i].fd = -1;
			}
	}
	for (i = 0; i < FAKE_DEVICE_CONNS; i++)
		if (conns[i].fd != -1)
			close(conns[i].fd);
	return NULL;
}

static int
fake_device_listen(struct fake_device *f)
{
	struct sockaddr_in sin;
	socklen_t sinlen = sizeof(sin);
	int one = 1;

	f->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (f->listen_fd == -1)
		return -1;
	setsockopt(f->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(f->listen_fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(f->listen_fd, 16) == -1 ||
	    getsockname(f->listen_fd, (struct sockaddr *)&sin, &sinlen) == -1)
		return -1;
	f->port = ntohs(sin.sin_port);
	return 0;
}

int
fake_device_start(struct fake_device *f, enum fake_fault fault)
{
	memset(f, 0, sizeof(*f));
	f->fault = fault;
	f->listen_fd = f->wake[0] = f->wake[1] = -1;
	f->opened = 1;
	atomic_init(&f->requests, 0);
	atomic_init(&f->corrupted, 0);
	if (fake_device_listen(f) != 0 || pipe(f->wake) == -1 ||
	    pthread_create(&f->thread, NULL, fake_device_main, f) != 0) {
		fake_device_stop(f);
		return -1;
	}
	f->running = 1;
	return 0;
}

void
fake_device_stop(struct fake_device *f)
{
	if (!f->opened)
		return;
	if (f->running) {
		if (write(f->wake[1], "x", 1) != 1)
			perror("fake_device: waking the fake device");
		pthread_join(f->thread, NULL);
		f->running = 0;
	}
	if (f->listen_fd != -1)
		close(f->listen_fd);
	if (f->wake[0] != -1)
		close(f->wake[0]);
	if (f->wake[1] != -1)
		close(f->wake[1]);
	f->opened = 0;
}
