/*
 * bench_worlds.c: the processes under test, started, watched and stopped
 * through the integration tests' worlds (tests/integration/world.h). The
 * plant's world runs plcsim, the device behind every target, and haproxy;
 * each wardend runs in a world within it (a subdir named after its
 * process, with its own config, state, audit log and control socket, and
 * the binary --before-bin names for the before twins). bench_yaml.c says
 * how each wardend is configured; the TLS one has the same configuration
 * behind a TLS listener, with certificates tests/certs.sh makes in the
 * plant's dir (bench_tls.c).
 */
#include "bench.h"
#include "../integration/world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
bench_process_used(const struct bench_options *opt,
    enum bench_process process)
{
	int t;

	if (process == PROCESS_PLCSIM)
		return 1;
	for (t = 0; t < TARGET_COUNT; t++)
		if (opt->enabled[t] &&
		    bench_target((enum bench_target)t)->process == process)
			return 1;
	return 0;
}

/* Saves a round of start-up timeouts when a program was never built. */
static int
bench_worlds_built(const char *name)
{
	char *path = harness_bin_path(name);
	int ok = path != NULL && access(path, X_OK) == 0;

	if (!ok)
		fprintf(stderr, "bench: %s is not built; run make (WARDEN_BIN "
		    "names the build dir)\n", path ? path : name);
	free(path);
	return ok;
}

/* Is every binary an enabled target runs there? */
static int
bench_worlds_bins(const struct bench_options *opt)
{
	int p;

	if (!bench_worlds_built("plcsim"))
		return 0;
	for (p = PROCESS_WARDEND; p < PROCESS_COUNT; p++) {
		if (!bench_process_used(opt, (enum bench_process)p))
			continue;
		if (!bench_process_is_before((enum bench_process)p)) {
			if (!bench_worlds_built("wardend"))
				return 0;
		} else if (access(opt->before_bin, X_OK) != 0) {
			fprintf(stderr, "bench: --before-bin %s is not an "
			    "executable\n", opt->before_bin);
			return 0;
		}
	}
	return 1;
}

static struct world *
bench_worlds_plant(void)
{
	struct world_options o = { .n_plcs = 1 };
	struct world *plant;

	o.plc[0].no_journal = 1;
	o.plc[0].no_backdoor = 1;
	if ((plant = world_new(&o)) == NULL)
		fprintf(stderr, "bench: plcsim did not start in a temp dir; "
		    "check TMPDIR\n");
	return plant;
}

/* The wardend of that process, in a world within the plant's. */
static int
bench_worlds_wardend(struct bench_worlds *worlds,
    const struct bench_options *opt, enum bench_process process)
{
	struct world_options o = { .within = worlds->plant };
	struct world *w;
	char keys[128], *body;
	int rc;

	o.name = bench_process_name(process);
	if (bench_process_is_before(process))
		o.wardend = opt->before_bin;
	if ((w = world_new(&o)) == NULL) {
		fprintf(stderr, "bench: cannot make %s/%s\n",
		    worlds->plant->dir, o.name);
		return -1;
	}
	worlds->wardend[process] = w;
	bench_yaml_device(keys, sizeof(keys), opt->device_connections,
	    opt->pipeline);
	world_device(w, "plc", worlds->plant->plc[0].port, BENCH_UNIT, keys);
	if ((body = bench_yaml_wardend(process)) == NULL)
		return -1;
	rc = bench_process_is_tls(process) ?
	    bench_tls_start(w, body, worlds->certs) : world_start(w, body);
	free(body);
	if (rc != 0)
		fprintf(stderr, "bench: %s (%s) did not start\n", o.name,
		    w->bin);
	return rc;
}

/* The certificates and the clients' context, and what a first connection
 * negotiates, for the header. */
static int
bench_worlds_tls(struct bench_worlds *worlds)
{
	snprintf(worlds->certs, sizeof(worlds->certs), "%s/certs",
	    worlds->plant->dir);
	if (bench_tls_certs(worlds->certs) != 0 ||
	    (worlds->tls = bench_tls_ctx(worlds->certs)) == NULL)
		return -1;
	return 0;
}

static int
bench_worlds_tls_probe(struct bench_worlds *worlds)
{
	struct bench_tls_client c;
	uint16_t port = bench_worlds_port(worlds, PROCESS_WARDEND_TLS);

	if (bench_tls_connect(&c, worlds->tls, port, NULL,
	    BENCH_TIMEOUT_S) != 0) {
		fprintf(stderr, "bench: no TLS handshake with wardend-tls on "
		    "127.0.0.1:%u (its log shows why)\n", port);
		worlds->wardend[PROCESS_WARDEND_TLS]->failed = 1;
		return -1;
	}
	snprintf(worlds->tls_session, sizeof(worlds->tls_session), "%s, %s",
	    SSL_get_version(c.ssl), SSL_get_cipher_name(c.ssl));
	bench_tls_close(&c);
	return 0;
}

int
bench_worlds_start(struct bench_worlds *worlds,
    const struct bench_options *opt)
{
	int p;

	memset(worlds, 0, sizeof(*worlds));
	worlds->haproxy = -1;
	if (!bench_worlds_bins(opt) ||
	    (worlds->plant = bench_worlds_plant()) == NULL)
		return -1;
	if (bench_process_used(opt, PROCESS_HAPROXY) &&
	    (worlds->haproxy = bench_haproxy_start(worlds->plant,
	    worlds->haproxy_version, sizeof(worlds->haproxy_version))) == -1)
		return -1;
	if (bench_process_used(opt, PROCESS_WARDEND_TLS) &&
	    bench_worlds_tls(worlds) != 0)
		return -1;
	for (p = PROCESS_WARDEND; p < PROCESS_COUNT; p++)
		if (bench_process_used(opt, (enum bench_process)p) &&
		    bench_worlds_wardend(worlds, opt,
		    (enum bench_process)p) != 0)
			return -1;
	if (worlds->tls != NULL)
		return bench_worlds_tls_probe(worlds);
	return 0;
}

pid_t
bench_worlds_pid(const struct bench_worlds *worlds,
    enum bench_process process)
{
	if (process == PROCESS_PLCSIM)
		return worlds->plant->plc[0].pid;
	if (process == PROCESS_HAPROXY)
		return worlds->haproxy == -1 ? -1 :
		    worlds->plant->proc[worlds->haproxy].pid;
	return worlds->wardend[process] == NULL ? -1 :
	    worlds->wardend[process]->warden;
}

uint16_t
bench_worlds_port(const struct bench_worlds *worlds,
    enum bench_process process)
{
	if (process == PROCESS_PLCSIM)
		return worlds->plant->plc[0].port;
	if (process == PROCESS_HAPROXY)
		return worlds->haproxy == -1 ? 0 :
		    worlds->plant->proc[worlds->haproxy].port;
	return worlds->wardend[process] == NULL ? 0 :
	    worlds->wardend[process]->port;
}

const char *
bench_worlds_socket(const struct bench_worlds *worlds,
    enum bench_process process)
{
	return process < PROCESS_WARDEND || worlds->wardend[process] == NULL ?
	    NULL : worlds->wardend[process]->socket;
}

/* The log to show when the process has died; NULL for a wardend, whose
 * world shows it when bench_worlds_stop keeps the logs. */
static const char *
bench_worlds_log(const struct bench_worlds *worlds,
    enum bench_process process)
{
	if (process == PROCESS_PLCSIM)
		return worlds->plant->plc[0].log;
	if (process == PROCESS_HAPROXY)
		return worlds->plant->proc[worlds->haproxy].log;
	return NULL;
}

int
bench_worlds_check(const struct bench_worlds *worlds)
{
	const char *log;
	pid_t pid;
	int p;

	for (p = 0; p < PROCESS_COUNT; p++) {
		pid = bench_worlds_pid(worlds, (enum bench_process)p);
		if (pid <= 0 || !harness_exited(pid))
			continue;
		fprintf(stderr, "bench: %s exited during the run\n",
		    bench_process_name((enum bench_process)p));
		log = bench_worlds_log(worlds, (enum bench_process)p);
		if (log != NULL)
			harness_dump_file(log);
		return -1;
	}
	return 0;
}

int
bench_worlds_stop(struct bench_worlds *worlds, int keep_logs)
{
	int p, rc = 0;

	/* Gateways first, so that they never see their device vanish. */
	for (p = PROCESS_COUNT - 1; p >= PROCESS_WARDEND; p--) {
		if (worlds->wardend[p] == NULL)
			continue;
		worlds->wardend[p]->failed |= keep_logs;
		if (world_free(worlds->wardend[p]) != 0)
			rc = -1;
		worlds->wardend[p] = NULL;
	}
	if (worlds->plant != NULL)
		worlds->plant->failed |= keep_logs;
	world_free(worlds->plant);
	worlds->plant = NULL;
	SSL_CTX_free(worlds->tls);
	worlds->tls = NULL;
	return rc;
}
