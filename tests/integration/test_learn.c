/*
 * test_learn.c: `wardenctl learn` end to end. aisim runs plcsim's tank
 * through wardend in mode: monitor; wardenctl learn proposes a config;
 * `wardend -t` takes it as it is; put in force (reload), it enforces.
 * Then the same normal run, on a tank started afresh, passes untouched,
 * while the misbehaviours are refused: out-of-range (min/max), ramp and
 * oscillate (max_step), flood (min_interval), probe (addresses never
 * written, functions never used). silent is not run: it writes nothing,
 * so no write limit can catch it (takeover.ai_silence does, which the
 * proposal keeps from the config in force). Probe's read of an
 * undeclared address passes: the proposal keeps reads: any, and lists the
 * addresses read, commented, for reads: declared.
 *
 * Margin 50 %: aisim's steps depend on its own timing (its controller
 * moves at most 8 %/s over the time since its last write), which a busy
 * machine stretches; the misbehaviours are many times beyond that.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctl.h"
#include "journal.h"
#include "world.h"

#define LEARN_SECONDS "3.5"
#define NORMAL_SECONDS "2.5"    /* shorter: inside what was learned */
#define ROGUE_SECONDS "2.5"
#define AISIM_WAIT 15.0

#define BODY WORLD_MONITOR \
	"points:\n" \
	"  - {name: level, device: tank1, table: input, address: 0,\n" \
	"     scale: 0.01, unit: m}\n"

struct aisim_run {
	char log[WORLD_PATH_MAX];
	char *text;                     /* its output, malloc'd */
};

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text;
	long len;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)len + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	return text;
}

/* Start aisim against wardend with the scenario and its own arguments
 * ("--at 0 --duration 2"); its pid. */
static pid_t
aisim_start(struct world *w, struct aisim_run *run, const char *scenario,
    const char *at, const char *duration, const char *period)
{
	char target[64], *bin = harness_bin_path("aisim");
	char sc[32], a[16], d[16], p[16];
	char *argv[] = { bin, (char *)"--target", target, (char *)"--scenario",
		sc, (char *)"--at", a, (char *)"--duration", d,
		(char *)"--period", p, NULL };
	pid_t pid;

	snprintf(target, sizeof target, "127.0.0.1:%u", w->port);
	snprintf(sc, sizeof sc, "%s", scenario);
	snprintf(a, sizeof a, "%s", at);
	snprintf(d, sizeof d, "%s", duration);
	snprintf(p, sizeof p, "%s", period);
	snprintf(run->log, sizeof run->log, "%s/aisim-%s.log", w->dir,
	    scenario);
	pid = harness_spawn(argv, run->log);
	free(bin);
	assert_true(pid > 0);
	return pid;
}

/* Wait for it to end by itself (--duration); its output into run. */
static void
aisim_end(struct aisim_run *run, pid_t pid)
{
	double deadline = harness_now() + AISIM_WAIT;

	while (!harness_exited(pid) && harness_now() < deadline)
		harness_nap(0.05);
	assert_int_equal(harness_stop(pid, 1.0), 0);
	run->text = slurp(run->log);
}

static void
aisim_run(struct world *w, struct aisim_run *run, const char *scenario,
    const char *duration)
{
	aisim_end(run, aisim_start(w, run, scenario, "0", duration, "200"));
}

/* Lines of text that hold both a and b. */
static int
lines_with(const char *text, const char *a, const char *b)
{
	const char *line = text, *nl;
	char buf[512];
	int n = 0;
	size_t len;

	for (; *line != '\0'; line = nl ? nl + 1 : line + strlen(line)) {
		nl = strchr(line, '\n');
		len = nl ? (size_t)(nl - line) : strlen(line);
		if (len >= sizeof buf)
			len = sizeof buf - 1;
		memcpy(buf, line, len);
		buf[len] = '\0';
		if (strstr(buf, a) != NULL && (b == NULL ||
		    strstr(buf, b) != NULL))
			n++;
		if (nl == NULL)
			break;
	}
	return n;
}

/* plcsim's tank from its first state again, and wardend's polls of it
 * in (a write judged by max_step needs the device's value). */
static void
tank_afresh(struct world *w)
{
	int from = journal_count(w->plc[0].journal);

	assert_int_equal(world_plc_stop(w, 0), 0);
	assert_int_equal(world_plc_restart(w, 0, NULL), 0);
	assert_int_equal(world_wait_unit(w, 1, 0, 5.0), 0);
	assert_int_equal(world_wait_requests(w, 0, from,
	    MODBUS_FC_READ_HOLDING_REGISTERS, 0, 2, 5.0), 0);
}

static int
setup(void **state)
{
	struct world *w = world_new_tank(NULL, NULL);

	return world_setup(state, w, w ? world_start(w, BODY) : -1);
}

static void
test_learn_then_enforce(void **state)
{
	struct world *w = *state;
	struct aisim_run learn = { { 0 }, NULL }, normal = { { 0 }, NULL };
	struct aisim_run rogue[4] = { { { 0 }, NULL } };
	static const char *const rogues[4] = { "out-of-range", "ramp",
		"oscillate", "flood" };
	struct aisim_run probe = { { 0 }, NULL };
	pid_t pids[4], probe_pid;
	char proposal[WORLD_PATH_MAX], *proposed;
	static struct ctl_result res;
	struct ctl_status st;
	char why[256];
	int i, ok, refused;

	/* Usage: a margin out of range, or for another command. */
	assert_int_equal(ctl_run(w, &res, "learn", "--margin", "1001%", NULL),
	    2);
	assert_non_null(strstr(res.err, "--margin wants a percentage"));
	assert_int_equal(ctl_run(w, &res, "status", "--margin", "5", NULL), 2);
	assert_int_equal(ctl_run(w, &res, "learn", "extra", NULL), 2);

	/* Learn. Before any traffic there is nothing to propose. */
	assert_int_equal(ctl_run(w, &res, "learn", NULL), 1);
	assert_non_null(strstr(res.err, "nothing learned yet"));
	aisim_run(w, &learn, "normal", LEARN_SECONDS);
	assert_true(lines_with(learn.text, "write inlet_valve", "-> ok") >= 3);
	assert_int_equal(ctl_run(w, &res, "learn", "--margin", "50%", NULL),
	    0);
	assert_non_null(strstr(res.out, "mode: enforce"));
	assert_non_null(strstr(res.out, "  - name: \"tank1_holding_0\"\n"));
	assert_non_null(strstr(res.out, "  # - name: \"tank1_coil_0\"\n"));
	assert_non_null(strstr(res.err, "addresses kept of 4096"));
	snprintf(proposal, sizeof proposal, "%s/proposed.yaml", w->dir);
	assert_int_equal(harness_write_file(proposal, "%s", res.out), 0);

	/* As it is: wardend -t takes it, and it goes in force. */
	assert_int_equal(ctl_run_program(&res, "wardend", "-t", "-c",
	    proposal, NULL), 0);
	assert_non_null(strstr(res.out, "tank1_holding_0"));
	proposed = slurp(proposal);
	assert_int_equal(harness_write_file(w->config, "%s", proposed), 0);
	assert_int_equal(ctl_run(w, &res, "reload", NULL), 0);
	assert_int_equal(ctl_status(w, &st, why, sizeof why), 0);
	assert_string_equal(st.mode, "enforce");
	assert_int_equal(ctl_run(w, &res, "learn", NULL), 1);
	assert_non_null(strstr(res.err, "mode: enforce"));

	/* The normal run, on the tank from the start: untouched. */
	tank_afresh(w);
	aisim_run(w, &normal, "normal", NORMAL_SECONDS);
	assert_true(lines_with(normal.text, "write inlet_valve", "-> ok") >=
	    2);
	if (lines_with(normal.text, "refused", NULL) != 0) {
		w->failed = 1;
		fail_msg("the normal run was refused:\n%s\n---\n%s",
		    normal.text, proposed);
	}

	/* The misbehaviours, together. */
	for (i = 0; i < 4; i++)
		pids[i] = aisim_start(w, &rogue[i], rogues[i],
		    i == 3 ? "0.6" : "0", ROGUE_SECONDS, "200");
	probe_pid = aisim_start(w, &probe, "probe", "0", ROGUE_SECONDS, "100");
	for (i = 0; i < 4; i++)
		aisim_end(&rogue[i], pids[i]);
	aisim_end(&probe, probe_pid);

	/* out-of-range: above the learned max, every time. */
	assert_true(lines_with(rogue[0].text, "write inlet_valve 150.0% -> "
	    "refused: out of range (0x03)", NULL) >= 3);
	assert_int_equal(lines_with(rogue[0].text, "150.0% -> ok", NULL), 0);
	/* oscillate: 0 % and 100 %, each far beyond max_step of the valve,
	 * which none of them moves. */
	assert_true(lines_with(rogue[2].text, "-> refused: out of range",
	    NULL) >= 3);
	assert_int_equal(lines_with(rogue[2].text, "write inlet_valve", "ok"),
	    0);
	/* ramp: 15 % a write, three times the learned step; one may land
	 * within a step of where the valve is. */
	refused = lines_with(rogue[1].text, "write inlet_valve",
	    "refused: out of range");
	ok = lines_with(rogue[1].text, "write inlet_valve", "-> ok");
	assert_true(refused >= 3 && refused > 2 * ok);
	/* flood: back to back, the learned min_interval refuses most. */
	assert_non_null(strstr(rogue[3].text, "going rogue: flood"));
	assert_true(lines_with(rogue[3].text, "flood: ", "refused: out of "
	    "range (0x03)") >= 1);
	/* probe: addresses the AI never wrote, functions it never used. */
	assert_int_equal(lines_with(probe.text, "write holding 5 (undeclared) "
	    "-> refused: address not allowed (0x02)", NULL) >= 1, 1);
	assert_true(lines_with(probe.text, "write coil 0 (pump off) -> "
	    "refused", NULL) >= 1);
	assert_true(lines_with(probe.text, "write holding 0-1", "-> refused: "
	    "address not allowed (0x02)") >= 1);
	assert_true(lines_with(probe.text, "fc 8 diagnostics: return query "
	    "data -> refused: function not allowed (0x01)", NULL) >= 1);
	assert_true(lines_with(probe.text, "fc 43 read device identification "
	    "-> refused: function not allowed (0x01)", NULL) >= 1);
	assert_true(lines_with(probe.text, "fc 22 mask write inlet_valve to "
	    "100% -> refused: out of range (0x03)", NULL) >= 1);
	assert_true(lines_with(probe.text, "read holding 500 (undeclared) -> "
	    "ok", NULL) >= 1);

	free(proposed);
	free(learn.text);
	free(normal.text);
	free(probe.text);
	for (i = 0; i < 4; i++)
		free(rogue[i].text);
}

/* wardenctl [--json] learn, its output (stdout and stderr) into a file of
 * the world's: a scan's answer is larger than ctl_run() keeps. Its text,
 * malloc'd, and its exit status in *status. */
static char *
learn_to_file(struct world *w, int json, int *status)
{
	char *bin = harness_bin_path("wardenctl"), path[WORLD_PATH_MAX];
	char *argv[] = { bin, (char *)"-s", w->socket, (char *)"learn",
		NULL, NULL };
	double deadline = harness_now() + 10.0;
	pid_t pid;

	if (json)
		argv[4] = (char *)"--json";
	snprintf(path, sizeof path, "%s/learn-%d.out", w->dir, json);
	pid = harness_spawn(argv, path);
	free(bin);
	assert_true(pid > 0);
	while (!harness_exited(pid) && harness_now() < deadline)
		harness_nap(0.02);
	*status = harness_stop(pid, 1.0);
	return slurp(path);
}

/* A scan of every holding register: the table keeps 3072 of them (three
 * quarters of 4096) and counts the rest; a write to another address
 * after it is still kept, in the quarter kept for writes. */
static void
test_scan_is_bounded(void **state)
{
	struct world *w = *state;
	modbus_t *ai = world_client(w, 1, 2.0);
	uint16_t regs[125];
	char *text;
	uint32_t a;
	int n, status;

	assert_non_null(ai);
	for (a = 0; a < 65536; a += 125) {
		n = 65536 - a < 125 ? (int)(65536 - a) : 125;
		/* plcsim answers 0x02 past its map: counted all the same. */
		if (modbus_read_registers(ai, (int)a, n, regs) == -1)
			assert_true(world_exception() > 0);
	}
	if (modbus_write_register(ai, 40000, 7) == -1)
		assert_true(world_exception() > 0);
	world_client_free(ai);
	text = learn_to_file(w, 1, &status);
	assert_int_equal(status, 0);
	assert_non_null(strstr(text, "\"capacity\":4096,"
	    "\"addresses\":3073,\"dropped_reads\":62464,"
	    "\"dropped_writes\":0,"));
	assert_non_null(strstr(text, "\"address\":40000,\"width\":1,"
	    "\"reads\":0,\"writes\":1,"));
	free(text);
	text = learn_to_file(w, 0, &status);
	assert_int_equal(status, 0);
	assert_non_null(strstr(text, "the table was full: 62464 reads and "
	    "0 writes of other addresses were not kept"));
	assert_non_null(strstr(text, "  - name: \"tank1_holding_40000\"\n"));
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_learn_then_enforce, setup,
		    world_teardown),
		cmocka_unit_test_setup_teardown(test_scan_is_bounded, setup,
		    world_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
