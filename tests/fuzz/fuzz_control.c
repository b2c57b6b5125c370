/*
 * fuzz_control.c: libFuzzer target for the control protocol parser. The
 * input is what a client writes to the control socket; it is split into
 * lines as the daemon splits it, and each line parsed. Whatever the line,
 * the parser must answer with a printable, bounded error or a request the
 * writer can say again in the same words; and its error must make a valid
 * answer line. Each line is copied to a buffer of exactly its size so that
 * AddressSanitizer sees any read past it.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "control_proto.h"
#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_string(const char *s, size_t cap)
{
	assert(memchr(s, '\0', cap) != NULL);
}

static void
check_refused(const struct control_request *req, const char *err,
    struct json *j)
{
	struct json_value root;
	const char *why;
	size_t at, i;

	assert(req->command == CONTROL_NONE);
	assert(err[0] != '\0' && req->reason[0] == '\0');
	check_string(err, ERR_LEN);
	check_string(req->name, sizeof req->name);
	for (i = 0; req->name[i] != '\0'; i++)
		assert((unsigned char)req->name[i] >= 0x20 &&
		    req->name[i] != 0x7f);
	json_clear(j);
	control_error_write(j, err);
	assert(!json_failed(j) && memchr(j->data, '\n', j->len) == NULL);
	assert(json_parse(j->data, j->len, &root, &at, &why) == 0);
	assert(root.type == JSON_OBJECT);
}

/* An accepted request, written again, reads back the same. */
static void
check_accepted(const struct control_request *req, const char *err,
    struct json *j)
{
	struct control_request again;
	char again_err[ERR_LEN];

	assert(req->command != CONTROL_NONE && err[0] == '\0');
	assert(strcmp(req->name, control_command_name(req->command)) == 0);
	size_t i;

	check_string(req->reason, sizeof req->reason);
	check_string(req->point, sizeof req->point);
	if (control_command_needs_reason(req->command) ||
	    req->reason[0] != '\0')
		assert(control_reason_check(req->reason, again_err) == 0);
	if (control_command_takes_point(req->command))
		assert(req->point[0] != '\0');
	else
		assert(req->point[0] == '\0');
	if (control_command_takes_for(req->command))
		assert(req->seconds > 0);
	if (control_command_takes_margin(req->command))
		assert(req->margin >= 0 && req->margin <= CONTROL_MARGIN_MAX);
	else
		assert(req->margin == 0);
	json_clear(j);
	control_request_write_full(j, req);
	assert(!json_failed(j) && memchr(j->data, '\n', j->len) == NULL);
	assert(control_parse(j->data, j->len, &again, again_err) == 0);
	assert(again.command == req->command);
	assert(strcmp(again.reason, req->reason) == 0);
	assert(strcmp(again.point, req->point) == 0);
	assert(again.seconds == req->seconds);
	assert(again.margin == req->margin);
	assert(again.has_as == req->has_as);
	if (req->has_as) {
		assert(strcmp(again.as.user, req->as.user) == 0);
		assert(again.as.n_groups == req->as.n_groups);
		for (i = 0; i < req->as.n_groups; i++)
			assert(strcmp(again.as.groups[i], req->as.groups[i]) ==
			    0);
	}
}

static void
fuzz_line(const uint8_t *data, size_t len, struct json *j)
{
	struct control_request req;
	char *line = malloc(len ? len : 1), err[ERR_LEN];

	assert(line != NULL);
	memcpy(line, data, len);
	if (control_parse(line, len, &req, err) == 0)
		check_accepted(&req, err, j);
	else
		check_refused(&req, err, j);
	free(line);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json j;
	const uint8_t *nl;
	size_t off = 0;

	json_init(&j);
	while (off < size) {
		nl = memchr(data + off, '\n', size - off);
		if (nl == NULL) {
			fuzz_line(data + off, size - off, &j);
			break;
		}
		fuzz_line(data + off, (size_t)(nl - (data + off)), &j);
		off = (size_t)(nl - data) + 1;
	}
	json_free(&j);
	return 0;
}
