#!/usr/bin/env bash
# make demo: a simulated tank plant (plcsim), wardend in front of it, and an
# AI controller (aisim) that runs the tank well, then goes rogue. wardend
# refuses its writes, takes over, drives the safe state and shows the
# audit trail of it. Exits by itself within a minute; leaves no process.
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
"$BIN/aisim" --target "127.0.0.1:$gw_port" --scenario out-of-range \
    --at "$ROGUE_AT" --duration "$LIMIT" > "$dir/aisim.log" 2>&1 &
pids+=($!)

# One line a second: the process as wardend polls it, the gateway's
# state and safe state, and what the AI last did.
start=$(date +%s)
verified_for=0
while :; do
	now=$(( $(date +%s) - start ))
	status=$("$BIN/wardenctl" -s "$sock" --json status 2>/dev/null || echo '{}')
	ai=$(tail -n 1 "$dir/aisim.log" 2>/dev/null | cut -c1-60)
	line=$(STATUS="$status" AI="$ai" T="$now" "$PY" - <<'EOF'
import json, os
s = json.loads(os.environ["STATUS"] or "{}")
v = {p["name"]: p["value"] for p in s.get("points", [])}
safe = s.get("safe_state", [])
state = s.get("state", "?").upper()
if state == "TAKEOVER":
    state += " (%s)" % s.get("cause")
    state += " safe state " + ("VERIFIED" if safe and all(p["status"] == "verified" for p in safe) else "pending")
print("t=%3ss level %5.2f m  valve %5.1f %%  pump %-3s | %-40s | AI: %s" % (
    os.environ["T"], v.get("level", float("nan")), v.get("inlet_valve", float("nan")),
    "on" if v.get("pump_run") else "off", state, os.environ["AI"]))
EOF
)
	echo "$line"
	case "$line" in
	*VERIFIED*) verified_for=$((verified_for + 1)) ;;
	esac
	if [ "$verified_for" -ge 3 ] || [ "$now" -ge "$LIMIT" ]; then
		break
	fi
	sleep 1
done

echo
echo "== the audit trail of it ($dir/audit.jsonl)"
"$PY" - "$dir/audit.jsonl" <<'EOF'
import json, sys
shown = ("write_rejected", "write_clamped", "takeover", "safe_state_verified",
         "safe_state_failed", "trip", "alarm", "release")
isolated = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["event"] not in shown:
        continue
    # After the takeover every AI write gets 0x0A: show the first few.
    if r.get("rule") == "takeover":
        isolated += 1
        if isolated == 4:
            print("     ... every further AI write refused the same way")
        if isolated > 3:
            continue
    parts = ["%4d %s %-20s" % (r["seq"], r["ts"][11:23], r["event"])]
    for k in ("client", "point", "value", "rule", "limit", "exception", "cause", "reason"):
        if k in r and r[k] is not None:
            parts.append("%s=%s" % (k, r[k]))
    print(" ".join(str(p) for p in parts))
EOF
echo
echo "== wardenctl audit verify"
"$BIN/wardenctl" audit verify "$dir/audit.jsonl" || true
echo
echo "== last writes that reached the PLC (plcsim's journal; 900 is wardend's life bit)"
grep -E '"fc":(5|6|15|16)' "$dir/plc.journal" | grep -v '"address":900' | tail -n 4 || true
