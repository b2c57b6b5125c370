/*
 * ctl_health.c: the health answer as one line (ctl_health.h).
 */
#include "ctl_health.h"

#include "errmsg.h"

/* A reason is an error text and a little more (HEALTH_REASON_LEN). */
#define CTL_HEALTH_REASON_MAX (ERR_LEN + 64)

int
ctl_health_fit(const struct json_value *answer)
{
	struct json_value fit;

	if (json_object_get(answer, "fit", &fit) == -1)
		return -1;
	return fit.type == JSON_TRUE ? 1 : fit.type == JSON_FALSE ? 0 : -1;
}

int
ctl_health_show(FILE *out, const struct json_value *answer)
{
	struct json_value reasons;
	struct json_member m;
	struct json_iter it;
	char text[CTL_HEALTH_REASON_MAX];
	const char *sep = ": ";
	int fit = ctl_health_fit(answer);

	if (fit != 0) {
		if (fit == 1)
			fprintf(out, "fit\n");
		return fit;
	}
	fprintf(out, "unfit");
	if (json_object_get(answer, "reasons", &reasons) == 0 &&
	    reasons.type == JSON_ARRAY) {
		json_iter_init(&it, &reasons);
		while (json_iter_next(&it, &m) == 1) {
			if (json_get_string(&m.value, text, sizeof text) < 0)
				continue;
			fprintf(out, "%s%s", sep, text);
			sep = "; ";
		}
	}
	fprintf(out, "\n");
	return 0;
}
