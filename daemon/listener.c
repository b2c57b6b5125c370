/*
 * listener.c: the socket the AI connects to. Sources outside allow_from
 * and connections beyond max_clients are accepted and closed at once, so
 * the peer learns immediately rather than hanging in the backlog.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "warden.h"

#define LISTEN_BACKLOG 128
#define ACCEPT_RETRY_SECONDS 1.0

static int
listener_allowed(const struct config *cfg, const struct net_addr *peer)
{
	const uint8_t *addr;
	int family = peer->sa.ss_family;
	size_t i;

	if (cfg->n_allow_from == 0)
		return 1;
	if (family == AF_INET)
		addr = (const uint8_t *)
		    &((const struct sockaddr_in *)&peer->sa)->sin_addr;
	else
		addr = ((const struct sockaddr_in6 *)&peer->sa)->sin6_addr.s6_addr;
	for (i = 0; i < cfg->n_allow_from; i++) {
		const struct config_net *net = &cfg->allow_from[i];
		unsigned full = net->prefix / 8, rest = net->prefix % 8;

		if (net->family != family)
			continue;
		if (memcmp(addr, net->addr, full) != 0)
			continue;
		if (rest != 0) {
			uint8_t mask = (uint8_t)(0xff << (8 - rest));

			if ((addr[full] & mask) != (net->addr[full] & mask))
				continue;
		}
		return 1;
	}
	return 0;
}

static void
listener_accept_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	struct warden *w = io->data;
	struct net_addr peer;
	char name[NET_ADDRSTR_LEN];
	int fd;

	(void)revents;
	for (;;) {
		if ((fd = net_accept(w->listen_fd, &peer)) == -1) {
			if (errno == EMFILE || errno == ENFILE) {
				/* Out of descriptors: pause instead of spinning. */
				log_warn("accept: pausing for %.0f s",
				    ACCEPT_RETRY_SECONDS);
				ev_io_stop(loop, &w->accept_io);
				ev_timer_set(&w->accept_retry,
				    ACCEPT_RETRY_SECONDS, 0.);
				ev_timer_start(loop, &w->accept_retry);
			} else if (errno != EAGAIN && errno != EINTR &&
			    errno != ECONNABORTED)
				log_warn("accept");
			return;
		}
		net_addr_format(&peer, name, sizeof name);
		if (!listener_allowed(w->cfg, &peer)) {
			if (log_budget_allow(&w->abuse_log, ev_now(loop)))
				log_warnx("client %s refused: not in allow_from",
				    name);
			counters_client_refused(&w->counters);
			close(fd);
			continue;
		}
		if (w->n_clients >= w->cfg->limits.max_clients) {
			if (log_budget_allow(&w->abuse_log, ev_now(loop)))
				log_warnx("client %s refused: max_clients %u "
				    "reached", name, w->cfg->limits.max_clients);
			counters_client_refused(&w->counters);
			close(fd);
			continue;
		}
		client_accept(w, fd, &peer);
	}
}

static void
listener_retry_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct warden *w = t->data;

	(void)revents;
	if (w->listen_fd != -1)
		ev_io_start(loop, &w->accept_io);
}

int
listener_open(struct warden *w, char *err)
{
	struct net_addr addr;

	if (net_resolve(w->cfg->listen.host, w->cfg->listen.port, &addr,
	    err) == -1)
		return -1;
	if ((w->listen_fd = net_listen(&addr, LISTEN_BACKLOG, err)) == -1)
		return -1;
	ev_io_init(&w->accept_io, listener_accept_cb, w->listen_fd, EV_READ);
	w->accept_io.data = w;
	ev_timer_init(&w->accept_retry, listener_retry_cb, 0., 0.);
	w->accept_retry.data = w;
	ev_io_start(w->loop, &w->accept_io);
	log_info("listening on %s:%u", w->cfg->listen.host,
	    net_local_port(w->listen_fd));
	return 0;
}

void
listener_close(struct warden *w)
{
	if (w->listen_fd == -1)
		return;
	ev_io_stop(w->loop, &w->accept_io);
	ev_timer_stop(w->loop, &w->accept_retry);
	close(w->listen_fd);
	w->listen_fd = -1;
}
