/*
 * notify_sink.h: the systemd side of sd_notify(3), for a test: a unix
 * datagram socket to hand wardend as NOTIFY_SOCKET, and the messages it
 * sends there (READY=1, WATCHDOG=1, STOPPING=1, STATUS=...).
 */
#ifndef WARDEN_NOTIFY_SINK_H
#define WARDEN_NOTIFY_SINK_H

#include <stddef.h>

/* A datagram socket bound at path; its fd, or -1. */
int notify_sink_open(const char *path);

/* The next datagram, within timeout seconds, into buf (NUL-terminated):
 * its length, 0 when none came, -1 on error. */
int notify_sink_recv(int fd, char *buf, size_t cap, double timeout);

/* 1 when the message holds the line `assignment` ("READY=1"). */
int notify_sink_has(const char *msg, const char *assignment);

#endif
