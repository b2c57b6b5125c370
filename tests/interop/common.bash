# common.bash: sourced by the interop scripts (not a test itself: make runs
# tests/interop/*.sh). Starts plcsim and wardend on free loopback ports in a
# private temp dir, stops them by PID on exit, and counts checks.
#
# Uses WARDEN_BIN (default build) and PYTHON (default /usr/bin/python3),
# which make sets.

BIN=${WARDEN_BIN:-build}
PY=${PYTHON:-/usr/bin/python3}
PASSED=0
FAILED=0
PIDS=()
WORK=$(mktemp -d "${TMPDIR:-/tmp}/warden-interop-XXXXXX")

interop_cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${PIDS[@]}"; do
		wait "$pid" 2>/dev/null
	done
	PIDS=()
	if [ "$FAILED" -eq 0 ] && [ -z "${WARDEN_KEEP:-}" ]; then
		rm -rf "$WORK"
	else
		echo "logs kept in $WORK"
	fi
}
trap interop_cleanup EXIT

free_port() {
	"$PY" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# wait_port PORT PID: until PORT accepts (10 s), failing if PID exits.
wait_port() {
	local port=$1 pid=$2 i
	for ((i = 0; i < 500; i++)); do
		kill -0 "$pid" 2>/dev/null || return 1
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			return 0
		fi
		sleep 0.02
	done
	return 1
}

die() {
	echo "FATAL: $*" >&2
	for f in "$WORK"/*.log; do
		[ -e "$f" ] && { echo "---- $f"; cat "$f"; } >&2
	done
	FAILED=$((FAILED + 1))
	interop_cleanup
	trap - EXIT
	echo "$PASSED passed, $FAILED failed"
	exit 1
}

# start_plcsim: sets PLC_PORT, PLC_BACKDOOR, PLC_JOURNAL.
start_plcsim() {
	PLC_PORT=$(free_port)
	PLC_BACKDOOR=$(free_port)
	PLC_JOURNAL=$WORK/plcsim.jsonl
	"$BIN/plcsim" --model tank --listen "127.0.0.1:$PLC_PORT" \
		--backdoor "127.0.0.1:$PLC_BACKDOOR" --journal "$PLC_JOURNAL" \
		>>"$WORK/plcsim.log" 2>&1 &
	PIDS+=($!)
	wait_port "$PLC_PORT" $! && wait_port "$PLC_BACKDOOR" $! ||
		die "plcsim did not start"
}

# start_wardend_devices DEVICES: wardend in monitor mode, a transparent
# gateway in front of DEVICES (the devices: entries, YAML lines). Sets
# WARDEN_PORT and WARDEN_PID.
start_wardend_devices() {
	WARDEN_PORT=$(free_port)
	cat >"$WORK/warden.yaml" <<EOF
listen: 127.0.0.1:$WARDEN_PORT
mode: monitor
initial_state: auto
state_dir: $WORK
audit_log: $WORK/audit.jsonl
control: {socket: $WORK/control.sock}
limits: {max_clients: 8, max_inflight: 4, idle_timeout: 5s}
devices:
$1
EOF
	"$BIN/wardend" -f -c "$WORK/warden.yaml" >>"$WORK/wardend.log" 2>&1 &
	WARDEN_PID=$!
	PIDS+=($!)
	wait_port "$WARDEN_PORT" $! || die "wardend did not start"
}

# start_wardend: unit 1 is the plcsim.
start_wardend() {
	start_wardend_devices "  - {name: tank1, host: 127.0.0.1, port: \
$PLC_PORT, unit_id: 1, timeout: 500ms}"
}

# SIGTERM must stop wardend with status 0 (a sanitizer report makes it 1).
wardend_exits_cleanly() {
	kill -TERM "$WARDEN_PID" && wait "$WARDEN_PID"
}

# check NAME COMMAND...: run it, count a pass or a failure.
check() {
	local name=$1
	shift
	if "$@" >>"$WORK/checks.log" 2>&1; then
		PASSED=$((PASSED + 1))
		echo "ok   $name"
	else
		FAILED=$((FAILED + 1))
		echo "FAIL $name"
	fi
}

# journal_has FC ADDRESS [VALUES]: plcsim received such a request.
journal_has() {
	local pattern="\"unit\":1,\"fc\":$1,\"address\":$2,"
	[ $# -ge 3 ] && pattern="$pattern.*\"values\":\\[$3\\]"
	grep -q "$pattern" "$PLC_JOURNAL"
}

# finish: stop everything, then the summary as the last line.
finish() {
	[ -n "${WARDEN_PID:-}" ] &&
		check "wardend exits 0 on SIGTERM" wardend_exits_cleanly
	interop_cleanup
	trap - EXIT
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" -eq 0 ]
}
