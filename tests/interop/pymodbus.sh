#!/usr/bin/env bash
# pymodbus.sh: a pymodbus client (tests/interop/pymodbus_client.py) reads
# and writes registers and coils through wardend, and gets exception 0x0B
# for an unknown unit id. Prints "N passed, N failed" last; non-zero on
# failure.
cd "$(dirname "$0")/../.." || exit 1
. tests/interop/common.bash

"$PY" -c 'import pymodbus.client' 2>/dev/null ||
	die "$PY has no pymodbus (make deps installs python3-pymodbus)"

start_plcsim
start_wardend

"$PY" tests/interop/pymodbus_client.py "$WARDEN_PORT" "$PLC_PORT" \
	"$PLC_BACKDOOR" "$PLC_JOURNAL" >"$WORK/client.out" 2>&1
status=$?
# The client's own checks, then its summary counted here as well.
grep -v ' passed, .* failed$' "$WORK/client.out"
read -r client_passed client_failed < <(sed -n \
	's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$WORK/client.out")
PASSED=$((PASSED + ${client_passed:-0}))
FAILED=$((FAILED + ${client_failed:-0}))
if [ "$status" -ne 0 ] && [ "${client_failed:-0}" -eq 0 ]; then
	FAILED=$((FAILED + 1))
	echo "FAIL pymodbus client exited $status"
fi
finish
