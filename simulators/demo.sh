#!/usr/bin/env bash
# make demo: a simulated tank plant (plcsim), wardend in front of it, and an
# AI controller (aisim) running the tank through the gateway. Exits by
# itself and leaves no process behind.
set -euo pipefail

BIN=${WARDEN_BIN:-build}
SRC=${WARDEN_SRC:-.}
PY=${PYTHON:-/usr/bin/python3}
RUN_SECONDS=${DEMO_SECONDS:-30}

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

echo "== plcsim: a simulated tank on 127.0.0.1:$plc_port"
"$BIN/plcsim" --model tank --listen "127.0.0.1:$plc_port" \
    --journal "$dir/plc.journal" > "$dir/plcsim.log" 2>&1 &
pids+=($!)
wait_port "${pids[-1]}" "$plc_port"

echo "== wardend: the gateway on 127.0.0.1:$gw_port"
"$BIN/wardend" -t -c "$dir/warden.yaml"
"$BIN/wardend" -f -c "$dir/warden.yaml" > "$dir/wardend.log" 2>&1 &
pids+=($!)
wait_port "${pids[-1]}" "$gw_port"

echo "== aisim: the AI controller, through the gateway, for $RUN_SECONDS s"
"$BIN/aisim" --target "127.0.0.1:$gw_port" --scenario normal \
    --duration "$RUN_SECONDS"

echo "== what reached the PLC (last 5 writes from plcsim's journal)"
grep -E '"fc":(5|6|15|16)' "$dir/plc.journal" | tail -n 5 || true
echo "== gateway log"
cat "$dir/wardend.log"
