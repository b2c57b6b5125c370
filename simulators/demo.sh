#!/usr/bin/env bash
# make demo: a simulated tank plant (plcsim), wardend in front of it, and an
# AI controller (aisim) that runs the tank well, then goes rogue. wardend
# refuses its writes, takes over, drives the safe state and shows the
# audit trail of it. Exits by itself within a minute; leaves no process.
# Exits 1 when wardend did not take over and verify the safe state, or
# its audit log does not verify.
set -euo pipefail

BIN=${WARDEN_BIN:-build}
SRC=${WARDEN_SRC:-.}
PY=${PYTHON:-/usr/bin/python3}
ROGUE_AT=${DEMO_ROGUE_AT:-12}
LIMIT=${DEMO_SECONDS:-45}

dir=$(mktemp -d /tmp/warden-demo.XXXXXX)
pids=()
cleanup() {
	for pid in "${pids[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

free_port() {
	"$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_port() { # pid port
	for _ in $(seq 1 100); do
		kill -0 "$1" 2>/dev/null || { echo "demo: process $1 died" >&2; return 1; }
		(exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null && return 0
		sleep 0.1
	done
	echo "demo: port $2 never opened" >&2
	return 1
}

plc_port=$(free_port)
gw_port=$(free_port)
sed -e "s/15020/$plc_port/" -e "s/15502/$gw_port/" \
    -e "s#/tmp/warden-demo#$dir#g" "$SRC/config/demo.yaml" > "$dir/warden.yaml"
sock="$dir/control.sock"

echo "== plcsim: a simulated tank on 127.0.0.1:$plc_port"
"$BIN/plcsim" --model tank --listen "127.0.0.1:$plc_port" \
    --journal "$dir/plc.journal" > "$dir/plcsim.log" 2>&1 &
pids+=($!)
wait_port "${pids[-1]}" "$plc_port"

echo "== wardend -t: the limits the plant engineer set (config/demo.yaml)"
"$BIN/wardend" -t -c "$dir/warden.yaml"
"$BIN/wardend" -f -c "$dir/warden.yaml" > "$dir/wardend.log" 2>&1 &
pids+=($!)
wait_port "${pids[-1]}" "$gw_port"

echo "== aisim: the AI runs the tank through wardend; at ${ROGUE_AT}s it goes rogue"
ai_start=$(date +%s.%N)
"$BIN/aisim" --target "127.0.0.1:$gw_port" --scenario out-of-range \
    --at "$ROGUE_AT" --duration "$LIMIT" > "$dir/aisim.log" 2>&1 &
pids+=($!)

# The story: a status line a second and wardend's decisions as they
# happen, until the safe state holds (simulators/demo_screen.py).
failed=""
"$PY" "$SRC/simulators/demo_screen.py" live "$BIN/wardenctl" "$sock" \
    "$dir/audit.jsonl" "$dir/aisim.log" "$LIMIT" "$ai_start" ||
	failed="wardend did not take over and hold the safe state"

echo
echo "== the audit trail of it ($dir/audit.jsonl)"
"$PY" "$SRC/simulators/demo_screen.py" trail "$dir/audit.jsonl"
echo
echo "== wardenctl audit verify"
"$BIN/wardenctl" audit verify "$dir/audit.jsonl" ||
	failed="$failed${failed:+; }the audit log does not verify"
echo
echo "== last writes that reached the PLC (plcsim's journal; 900 is wardend's life bit)"
grep -E '"fc":(5|6|15|16)' "$dir/plc.journal" | grep -v '"address":900' | tail -n 4 || true

if [ -n "$failed" ]; then
	echo
	echo "demo: $failed; the end of wardend's log:"
	tail -n 20 "$dir/wardend.log"
	exit 1
fi
