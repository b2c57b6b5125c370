/*
 * console_trend.h: the last hour of every point, one value per second,
 * for the console's trend chart. wardend keeps no history, so the
 * console does, from the status wardend pushes.
 *
 * One ring per point, TREND_SECONDS slots indexed by the second (epoch
 * seconds modulo the ring): a value lands in its second's slot, the
 * newest of a second wins, and a slot whose stamp is not the second
 * asked for is empty, so an hour-old value can never pass for a new one.
 * Pure: time is an argument; the caller serialises access.
 */
#ifndef WARDEN_CONSOLE_TREND_H
#define WARDEN_CONSOLE_TREND_H

#include <stddef.h>
#include <stdint.h>

#define TREND_SECONDS 3600
#define TREND_POINTS_MAX 512
#define TREND_NAME_MAX 64

struct trend;

struct trend *trend_new(void);
void trend_free(struct trend *t);

/* Record v for point name at second sec. -1 when the name is too long,
 * TREND_POINTS_MAX points have a ring already, or memory is short. */
int trend_add(struct trend *t, const char *name, int64_t sec, double v);

/*
 * The samples of name in the hour up to now (now - TREND_SECONDS + 1 ..
 * now), oldest first, at most cap of them into secs and vals. Returns
 * how many; 0 for a point never seen.
 */
size_t trend_get(const struct trend *t, const char *name, int64_t now,
    int64_t *secs, double *vals, size_t cap);

/* How many points have a ring. */
size_t trend_points(const struct trend *t);

#endif
