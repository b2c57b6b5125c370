/*
 * rtubus.c: one Modbus RTU serial line on the loop (rtubus.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "rtubus.h"
#include "serial_line.h"

/* Longest wait for the line to fall silent after an error: a line that
 * chatters on does not hold the requests behind it for ever. */
#define RECOVER_MAX 0.5

enum rtubus_state {
	BUS_CLOSED,                     /* the port is not open */
	BUS_IDLE,                       /* nothing on the line, none queued */
	BUS_SILENCE,                    /* t3.5 before the next request */
	BUS_SENDING,                    /* the request is being written */
	BUS_ANSWER,                     /* waiting for / framing the answer */
	BUS_RECOVER,                    /* after an error: flush, silence */
};

struct rtubus {
	struct ev_loop *loop;
	const struct config_serial *line;
	int fd;
	enum rtubus_state state;
	ev_io rio, wio;
	ev_timer timer;                 /* silence, deadline, gap, recovery */
	ev_timer announce;              /* up() of the links that joined */
	double char_time, t35, gap;
	ev_tstamp last_byte;            /* the last byte on the line */
	ev_tstamp deadline;             /* of the answer's first byte */
	ev_tstamp recover_until;
	struct rtubus_link *head, *tail;/* waiting their turn */
	struct rtubus_link *members;    /* joined, through member_next */
	struct rtubus_link *active;     /* whose request is on the line;
					 * NULL: none, or it left */
	struct rtubus_link *last;       /* asked last: noise is its */
	uint8_t tx[RTU_MAX_ADU_LEN];
	size_t tx_len, tx_off;
	struct mbap_expect expect;
	ev_tstamp timeout;
	uint8_t rx[RTU_MAX_ADU_LEN + 1];
	size_t rx_len;
	struct log_budget log;
};

static void rtubus_next(struct rtubus *bus);

static ev_tstamp
rtubus_now(struct rtubus *bus)
{
	ev_now_update(bus->loop);
	return ev_now(bus->loop);
}

static void
rtubus_arm(struct rtubus *bus, ev_tstamp at)
{
	ev_tstamp after = at - ev_now(bus->loop);

	ev_timer_stop(bus->loop, &bus->timer);
	ev_timer_set(&bus->timer, after > 0 ? after : 0, 0.);
	ev_timer_start(bus->loop, &bus->timer);
}

/* The links joined, as a list through their next_member. */
static void
rtubus_member_remove(struct rtubus *bus, struct rtubus_link *link)
{
	struct rtubus_link **p;

	for (p = &bus->members; *p != NULL; p = &(*p)->member_next)
		if (*p == link) {
			*p = link->member_next;
			break;
		}
}

static void
rtubus_queue_remove(struct rtubus *bus, struct rtubus_link *link)
{
	struct rtubus_link **p, *prev = NULL;

	for (p = &bus->head; *p != NULL; prev = *p, p = &(*p)->next)
		if (*p == link) {
			*p = link->next;
			if (bus->tail == link)
				bus->tail = prev;
			break;
		}
	link->queued = 0;
}

/* The port closed, nothing on the line, nobody waiting. */
static void
rtubus_close(struct rtubus *bus)
{
	struct rtubus_link *l;

	ev_io_stop(bus->loop, &bus->rio);
	ev_io_stop(bus->loop, &bus->wio);
	ev_timer_stop(bus->loop, &bus->timer);
	if (bus->fd != -1)
		close(bus->fd);
	bus->fd = -1;
	bus->state = BUS_CLOSED;
	for (l = bus->head; l != NULL; l = l->next)
		l->queued = 0;
	bus->head = bus->tail = NULL;
	bus->active = bus->last = NULL;
	bus->rx_len = 0;
}

/* The port is lost: every link leaves, and hears it. */
static void
rtubus_lose(struct rtubus *bus, const char *reason)
{
	struct rtubus_link *l;

	log_warnx("serial %s lost: %s", bus->line->port, reason);
	rtubus_close(bus);
	while ((l = bus->members) != NULL) {
		bus->members = l->member_next;
		l->bus = NULL;
		l->joined = 0;
		l->events->down(l->ctx, reason);
	}
}

/*
 * The transaction on the line ends: with the answer (frame), or why
 * there is none (frame NULL, stat the counter it adds to). The bus is
 * whole again before the link hears it, which may send at once.
 */
static void
rtubus_finish(struct rtubus *bus, const uint8_t *frame, size_t len,
    const char *why, uint64_t *stat)
{
	struct rtubus_link *link = bus->active;
	ev_tstamp now = ev_now(bus->loop);

	bus->active = NULL;
	bus->last_byte = now;
	if (frame == NULL) {
		if (stat != NULL)
			(*stat)++;
		if (log_budget_allow(&bus->log, now))
			log_warnx("serial %s: unit %u: %s", bus->line->port,
			    bus->expect.unit, why);
		/* What is left of a broken answer must not be taken for
		 * the next one. */
		tcflush(bus->fd, TCIFLUSH);
		bus->state = BUS_RECOVER;
		bus->recover_until = now + RECOVER_MAX;
		rtubus_arm(bus, now + bus->t35);
	} else
		bus->state = BUS_IDLE;
	bus->rx_len = 0;
	if (link != NULL)
		link->events->answer(link->ctx, frame, len, why);
	rtubus_next(bus);
}

/* The request is out: what is left of it written, then the answer. */
static void
rtubus_write(struct rtubus *bus)
{
	ssize_t n;
	ev_tstamp now;

	while (bus->tx_off < bus->tx_len) {
		n = write(bus->fd, bus->tx + bus->tx_off,
		    bus->tx_len - bus->tx_off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN) {
			ev_io_start(bus->loop, &bus->wio);
			return;
		}
		if (n <= 0) {
			rtubus_lose(bus, n == 0 ? "write failed" :
			    strerror(errno));
			return;
		}
		bus->tx_off += (size_t)n;
	}
	ev_io_stop(bus->loop, &bus->wio);
	now = rtubus_now(bus);
	/* The driver has it; the line takes the frame's time to carry
	 * it, and the device's timeout starts after its last bit. */
	bus->last_byte = now + (double)bus->tx_len * bus->char_time;
	bus->deadline = bus->last_byte + bus->timeout;
	bus->rx_len = 0;
	bus->state = BUS_ANSWER;
	rtubus_arm(bus, bus->deadline);
}

/* The silence is over: the first request waiting goes on the line. */
static void
rtubus_start(struct rtubus *bus)
{
	struct rtubus_link *link = bus->head;

	if (link == NULL) {
		bus->state = BUS_IDLE;
		return;
	}
	bus->head = link->next;
	if (bus->head == NULL)
		bus->tail = NULL;
	link->queued = 0;
	bus->active = bus->last = link;
	memcpy(bus->tx, link->frame, link->len);
	bus->tx_len = link->len;
	bus->tx_off = 0;
	bus->expect = link->expect;
	bus->timeout = link->timeout;
	bus->state = BUS_SENDING;
	rtubus_write(bus);
}

/* Idle with a request waiting: wait for t3.5 of silence, then send. */
static void
rtubus_next(struct rtubus *bus)
{
	if (bus->state != BUS_IDLE || bus->head == NULL)
		return;
	bus->state = BUS_SILENCE;
	rtubus_arm(bus, bus->last_byte + bus->t35);
}

/* The answer so far, framed; ended: the line has paused. */
static void
rtubus_frame(struct rtubus *bus, int ended)
{
	struct rtubus_stats *st = bus->active ? &bus->active->stats : NULL;
	enum rtu_frame_status s;
	size_t fl = 0;

	s = rtu_frame_answer(&bus->expect, bus->rx, bus->rx_len, ended, &fl);
	if (s == RTU_FRAME_INCOMPLETE) {
		rtubus_arm(bus, bus->last_byte + bus->gap);
		return;
	}
	if (s == RTU_FRAME_OK && fl == bus->rx_len) {
		rtubus_finish(bus, bus->rx, fl, NULL, NULL);
		return;
	}
	if (s == RTU_FRAME_OK)
		rtubus_finish(bus, NULL, 0, "bytes after the answer: noise "
		    "on the line", st ? &st->noise : NULL);
	else if (s == RTU_FRAME_BAD_CRC)
		rtubus_finish(bus, NULL, 0, rtu_frame_strerror(s),
		    st ? &st->crc_errors : NULL);
	else
		rtubus_finish(bus, NULL, 0, rtu_frame_strerror(s),
		    st ? &st->bad_frames : NULL);
}

static void
rtubus_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct rtubus *bus = w->data;
	uint8_t junk[256];
	ssize_t n;
	int answer;

	(void)loop;
	(void)revents;
	/* A link that heard an answer may have left, and closed the
	 * port with it: then nothing more is read. */
	while (bus->state != BUS_CLOSED) {
		answer = bus->state == BUS_ANSWER;
		if (answer && bus->rx_len < sizeof bus->rx)
			n = read(bus->fd, bus->rx + bus->rx_len,
			    sizeof bus->rx - bus->rx_len);
		else
			n = read(bus->fd, junk, sizeof junk);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			break;
		if (n <= 0) {
			rtubus_lose(bus, n == 0 ? "hung up" : strerror(errno));
			return;
		}
		bus->last_byte = rtubus_now(bus);
		if (!answer) {
			/* Nobody asked: the tail of an answer given up
			 * on, or noise; it restarts the silence. */
			if (bus->last != NULL && bus->state != BUS_RECOVER)
				bus->last->stats.noise++;
			if (bus->state == BUS_SILENCE)
				rtubus_arm(bus, bus->last_byte + bus->t35);
			continue;
		}
		bus->rx_len += (size_t)n;
		rtubus_frame(bus, 0);
	}
}

static void
rtubus_write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	(void)revents;
	rtubus_write(w->data);
}

static void
rtubus_timer_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct rtubus *bus = t->data;
	ev_tstamp now = ev_now(loop);

	(void)revents;
	switch (bus->state) {
	case BUS_CLOSED:
	case BUS_IDLE:
	case BUS_SENDING:
		return;
	case BUS_SILENCE:
		if (now < bus->last_byte + bus->t35)
			rtubus_arm(bus, bus->last_byte + bus->t35);
		else
			rtubus_start(bus);
		return;
	case BUS_ANSWER:
		if (bus->rx_len == 0)
			rtubus_finish(bus, NULL, 0, "no answer within timeout",
			    bus->active ? &bus->active->stats.timeouts : NULL);
		else if (now - bus->last_byte >= bus->gap)
			rtubus_frame(bus, 1);
		else
			rtubus_arm(bus, bus->last_byte + bus->gap);
		return;
	case BUS_RECOVER:
		if (now < bus->last_byte + bus->t35 &&
		    now < bus->recover_until) {
			rtubus_arm(bus, bus->last_byte + bus->t35);
			return;
		}
		tcflush(bus->fd, TCIFLUSH);
		bus->state = BUS_IDLE;
		rtubus_next(bus);
		return;
	}
}

/* Each link that joined hears up(), once; up() may send or leave. */
static void
rtubus_announce_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct rtubus *bus = t->data;
	struct rtubus_link *l;

	(void)loop;
	(void)revents;
	for (;;) {
		for (l = bus->members; l != NULL && l->joined;
		    l = l->member_next)
			;
		if (l == NULL)
			return;
		l->joined = 1;
		l->events->up(l->ctx);
	}
}

struct rtubus *
rtubus_new(struct ev_loop *loop, const struct config_serial *line)
{
	struct rtubus *bus = calloc(1, sizeof *bus);

	if (bus == NULL)
		return NULL;
	bus->loop = loop;
	bus->fd = -1;
	bus->state = BUS_CLOSED;
	ev_init(&bus->rio, rtubus_read_cb);
	ev_init(&bus->wio, rtubus_write_cb);
	ev_init(&bus->timer, rtubus_timer_cb);
	ev_init(&bus->announce, rtubus_announce_cb);
	bus->rio.data = bus->wio.data = bus->timer.data = bus;
	bus->announce.data = bus;
	rtubus_set_line(bus, line);
	return bus;
}

void
rtubus_set_line(struct rtubus *bus, const struct config_serial *line)
{
	bus->line = line;
	bus->char_time = rtu_char_time(line->baud, line->data_bits,
	    line->parity, line->stop_bits);
	bus->t35 = rtu_t35(line->baud, bus->char_time);
	bus->gap = rtu_t15(line->baud, bus->char_time);
	if (bus->gap < RTUBUS_GAP_MIN)
		bus->gap = RTUBUS_GAP_MIN;
}

const struct config_serial *
rtubus_line(const struct rtubus *bus)
{
	return bus->line;
}

void
rtubus_free(struct rtubus *bus)
{
	if (bus == NULL)
		return;
	rtubus_close(bus);
	ev_timer_stop(bus->loop, &bus->announce);
	free(bus);
}

void
rtubus_link_init(struct rtubus_link *link, const struct rtubus_events *events,
    void *ctx)
{
	memset(link, 0, sizeof *link);
	link->events = events;
	link->ctx = ctx;
}

int
rtubus_join(struct rtubus *bus, struct rtubus_link *link, char err[ERR_LEN])
{
	char warn[ERR_LEN];

	if (link->bus != NULL)
		rtubus_leave(link);
	if (bus->fd == -1) {
		if ((bus->fd = serial_line_open(bus->line, err, warn)) == -1)
			return -1;
		if (warn[0] != '\0')
			log_warnx("serial %s", warn);
		log_info("serial %s open (%u baud, 8%c%u)", bus->line->port,
		    bus->line->baud, bus->line->parity, bus->line->stop_bits);
		ev_io_set(&bus->rio, bus->fd, EV_READ);
		ev_io_set(&bus->wio, bus->fd, EV_WRITE);
		ev_io_start(bus->loop, &bus->rio);
		bus->state = BUS_IDLE;
		bus->last_byte = rtubus_now(bus);
	}
	link->bus = bus;
	link->joined = 0;
	link->queued = 0;
	link->member_next = bus->members;
	bus->members = link;
	if (!ev_is_active(&bus->announce)) {
		ev_timer_set(&bus->announce, 0., 0.);
		ev_timer_start(bus->loop, &bus->announce);
	}
	return 0;
}

void
rtubus_leave(struct rtubus_link *link)
{
	struct rtubus *bus = link->bus;

	if (bus == NULL)
		return;
	rtubus_member_remove(bus, link);
	if (link->queued)
		rtubus_queue_remove(bus, link);
	if (bus->active == link)
		bus->active = NULL;
	if (bus->last == link)
		bus->last = NULL;
	link->bus = NULL;
	link->joined = 0;
	/* Nobody left on the line: the port is let go. */
	if (bus->members == NULL)
		rtubus_close(bus);
}

int
rtubus_send(struct rtubus_link *link, uint8_t unit, const uint8_t *pdu,
    size_t pdu_len, const struct mbap_expect *exp, ev_tstamp timeout)
{
	struct rtubus *bus = link->bus;

	if (bus == NULL || !link->joined || link->queued ||
	    bus->active == link)
		return -1;
	if ((link->len = rtu_encode_request(link->frame, unit, pdu,
	    pdu_len)) == 0)
		return -1;
	link->expect = *exp;
	link->timeout = timeout;
	link->queued = 1;
	link->next = NULL;
	if (bus->tail != NULL)
		bus->tail->next = link;
	else
		bus->head = link;
	bus->tail = link;
	rtubus_next(bus);
	return 0;
}
